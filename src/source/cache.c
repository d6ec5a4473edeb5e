/* cache.c - fetched source files on disk under $XDG_CACHE_HOME/embers/.
 *
 * Keys are built from percent-encoded elements, so nothing a profile or a
 * .pyroscope.yaml says (owner "..", a path with "../../") can name a file
 * outside the cache directory. Directories are made mode 0700 and files
 * written to a temporary name and renamed, so a reader never sees half a
 * file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "source/fetch.h"
#include "source/path.h"

#define MAX_ELEM 200   /* encoded bytes per element (NAME_MAX is 255) */
#define MAX_KEY 3000

static unsigned tmp_counter; /* temporary names unique within the process */

char *em_cache_default_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");

	/* XDG: a relative XDG_CACHE_HOME is invalid and is ignored */
	if (x != NULL && x[0] == '/')
		return em_strcat2(x, "/embers");
	if (h != NULL && h[0] == '/')
		return em_strcat2(h, "/.cache/embers");
	return NULL;
}

/* Encode one element (no '/') onto out at *w; -1 when empty or too long. */
static int encode_elem(const char *s, size_t n, char *out, size_t *w)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, start = *w;
	int dots = (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || (c == '.' && !dots);

		if (*w - start + 3 > MAX_ELEM || *w + 4 > MAX_KEY)
			return -1;
		if (plain) {
			out[(*w)++] = (char)c;
		} else {
			out[(*w)++] = '%';
			out[(*w)++] = hex[c >> 4];
			out[(*w)++] = hex[c & 15];
		}
	}
	return 0;
}

char *em_cache_key(const char *const *elems, const int *split, size_t n)
{
	char *out = malloc(MAX_KEY + 1);
	size_t w = 0, i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *s = elems[i];

		if (s[0] == '\0')
			goto bad;
		while (*s) {
			size_t len = split && split[i] ? strcspn(s, "/") : strlen(s);

			if (w > 0)
				out[w++] = '/';
			if (encode_elem(s, len, out, &w) < 0)
				goto bad;
			s += len;
			if (*s == '/') {
				s++;
				if (*s == '\0' || *s == '/')
					goto bad; /* empty element */
			}
		}
	}
	out[w] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static char *cache_path(const char *dir, const char *key)
{
	char *a = em_strcat2(dir, "/"), *p;

	if (a == NULL)
		return NULL;
	p = em_strcat2(a, key);
	free(a);
	return p;
}

int em_cache_get(const char *dir, const char *key, long max_age, size_t max_bytes,
    char **body, size_t *len)
{
	char *path = cache_path(dir, key), *data;
	struct stat st;
	ssize_t got;
	size_t off = 0;
	int fd;

	*body = NULL;
	*len = 0;
	if (path == NULL)
		return EM_MISSING;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return EM_MISSING;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max_bytes ||
	    (max_age >= 0 && time(NULL) - st.st_mtime > max_age)) {
		close(fd);
		return EM_MISSING;
	}
	data = malloc((size_t)st.st_size + 1);
	while (data != NULL && off < (size_t)st.st_size) {
		got = read(fd, data + off, (size_t)st.st_size - off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		off += (size_t)got;
	}
	close(fd);
	if (data == NULL || off != (size_t)st.st_size) {
		free(data);
		return EM_MISSING;
	}
	data[off] = '\0';
	*body = data;
	*len = off;
	return EM_GOT;
}

/* mkdir -p of every directory of path below (and including) base. */
static int make_dirs(char *path, size_t base_len, em_error *err)
{
	char *s;

	for (s = path + base_len; (s = strchr(s + 1, '/')) != NULL; ) {
		*s = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			em_error_set(err, "'%s': %s", path, em_strerror_lc(errno));
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

/* The cache directory itself, and its parents when missing. */
static int make_base(const char *dir, em_error *err)
{
	struct stat st;
	char *d;
	int r = 0;

	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : em_error_set(err, "'%s': not a directory", dir);
	d = em_strdup(dir);
	if (d == NULL)
		return em_error_set(err, "out of memory");
	r = make_dirs(d, 0, err);
	if (r == 0 && mkdir(d, 0700) < 0 && errno != EEXIST)
		r = em_error_set(err, "'%s': %s", d, em_strerror_lc(errno));
	free(d);
	return r;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int em_cache_put(const char *dir, const char *key, const char *body, size_t len,
    em_error *err)
{
	char *path = cache_path(dir, key), *tmp = NULL;
	char suffix[64];
	int fd = -1, r = -1;

	if (path == NULL)
		return em_error_set(err, "out of memory");
	if (make_base(dir, err) < 0 || make_dirs(path, strlen(dir), err) < 0)
		goto out;
	snprintf(suffix, sizeof(suffix), ".tmp%ld.%u", (long)getpid(),
	    __atomic_fetch_add(&tmp_counter, 1u, __ATOMIC_RELAXED));
	tmp = em_strcat2(path, suffix);
	if (tmp == NULL) {
		em_error_set(err, "out of memory");
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		em_error_set(err, "'%s': %s", tmp, em_strerror_lc(errno));
		goto out;
	}
	if (write_all(fd, body, len) < 0) {
		em_error_set(err, "'%s': %s", tmp, em_strerror_lc(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0) {
		em_error_set(err, "'%s': %s", tmp, em_strerror_lc(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		em_error_set(err, "'%s': %s", path, em_strerror_lc(errno));
		unlink(tmp);
		goto out;
	}
	r = 0;
out:
	free(tmp);
	free(path);
	return r;
}

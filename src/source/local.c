/* local.c - reading a file of a local checkout (--source-dir) without
 * ever leaving it: the relative path may hold no ".." and no leading '/',
 * and realpath() of the result must lie under the checkout's own real
 * path, so a symlink that points outside is refused too. The file is then
 * opened with O_NOFOLLOW and checked to be a regular file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/fetch.h"
#include "source/path.h"

static int read_fd(int fd, size_t size, char **body, size_t *len)
{
	char *data = malloc(size + 1);
	size_t off = 0;

	if (data == NULL)
		return -1;
	while (off < size) {
		ssize_t got = read(fd, data + off, size - off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		off += (size_t)got;
	}
	data[off] = '\0';
	*body = data;
	*len = off;
	return 0;
}

/* 1 when real is root_real itself or below it. */
static int inside(const char *root_real, const char *real)
{
	size_t n = strlen(root_real);

	if (strcmp(root_real, "/") == 0)
		return 1;
	return strncmp(real, root_real, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

int em_local_read(const char *root_real, const char *rel, size_t max_bytes,
    char **body, size_t *len, em_error *err)
{
	char *joined, real[PATH_MAX];
	struct stat st;
	int fd, r;

	memset(&st, 0, sizeof(st));
	*body = NULL;
	*len = 0;
	if (rel[0] == '/' || em_path_has_dotdot(rel))
		return em_error_set(err, "'%s': outside the source directory", rel);
	joined = malloc(strlen(root_real) + strlen(rel) + 2);
	if (joined == NULL)
		return em_error_set(err, "out of memory");
	memcpy(joined, root_real, strlen(root_real));
	joined[strlen(root_real)] = '/';
	memcpy(joined + strlen(root_real) + 1, rel, strlen(rel) + 1);
	if (realpath(joined, real) == NULL) {
		int e = errno;

		free(joined);
		if (e == ENOENT || e == ENOTDIR)
			return em_error_set(err, "'%s': not found in the source directory", rel), EM_MISSING;
		return em_error_set(err, "'%s': %s", rel, em_strerror_lc(e));
	}
	free(joined);
	if (!inside(root_real, real))
		return em_error_set(err, "'%s': leads outside the source directory", rel);
	fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return em_error_set(err, "'%s': %s", rel, em_strerror_lc(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		if (S_ISDIR(st.st_mode))
			return em_error_set(err, "'%s': not found in the source directory", rel), EM_MISSING;
		return em_error_set(err, "'%s': not a regular file", rel);
	}
	if ((uint64_t)st.st_size > max_bytes) {
		close(fd);
		return em_error_set(err, "'%s': file larger than %zu bytes", rel, max_bytes);
	}
	r = read_fd(fd, (size_t)st.st_size, body, len);
	close(fd);
	if (r < 0)
		return em_error_set(err, "out of memory");
	return EM_GOT;
}

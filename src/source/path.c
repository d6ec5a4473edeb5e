/* path.c - '/'-separated path cleaning and joining with the semantics of
 * Go's path.Clean and filepath.Join (the Pyroscope rules are defined in
 * terms of them), string helpers, and repository URL parsing. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "source/path.h"

char *em_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *em_strdup(const char *s)
{
	return em_strndup(s, strlen(s));
}

char *em_strcat2(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *d;

	if (la > (size_t)-1 - lb - 1)
		return NULL;
	d = malloc(la + lb + 1);
	if (d == NULL)
		return NULL;
	memcpy(d, a, la);
	memcpy(d + la, b, lb + 1);
	return d;
}

int em_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int em_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

/* Go's path.Clean, writing into out (which has room for strlen(p) + 2). */
static void clean_into(const char *p, char *out)
{
	size_t n = strlen(p), r = 0, w = 0, dotdot = 0;
	int rooted = n > 0 && p[0] == '/';

	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (p[r] == '/') {
			r++;
		} else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
			r++;
		} else if (p[r] == '.' && p[r + 1] == '.' && (r + 2 == n || p[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				/* back up over the last element */
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			while (r < n && p[r] != '/')
				out[w++] = p[r++];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
}

char *em_path_clean(const char *p)
{
	size_t n = strlen(p);
	char *out = malloc(n + 2);

	if (out != NULL)
		clean_into(p, out);
	return out;
}

char *em_path_join(const char *a, const char *b)
{
	char *both, *out;

	if (a[0] == '\0' && b[0] == '\0')
		return em_strdup("");
	if (a[0] == '\0')
		return em_path_clean(b);
	if (b[0] == '\0')
		return em_path_clean(a);
	both = malloc(strlen(a) + strlen(b) + 2);
	if (both == NULL)
		return NULL;
	memcpy(both, a, strlen(a));
	both[strlen(a)] = '/';
	memcpy(both + strlen(a) + 1, b, strlen(b) + 1);
	out = em_path_clean(both);
	free(both);
	return out;
}

int em_path_has_dotdot(const char *p)
{
	const char *s = p;

	while (*s) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.')
			return 1;
		s += n;
		while (*s == '/')
			s++;
	}
	return 0;
}

char *em_repo_file_path(const char *root, const char *path, int *escapes)
{
	char *j = em_path_join(root, path), *t;
	const char *s;

	*escapes = 0;
	if (j == NULL)
		return NULL;
	for (s = j; *s == '/'; s++)
		;
	if (*s == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
	    em_has_prefix(s, "../")) {
		free(j);
		*escapes = 1;
		return NULL;
	}
	t = em_strdup(s);
	free(j);
	return t;
}

/* ---- repository URLs ------------------------------------------------ */

int em_repo_name_ok(const char *s)
{
	const char *c;

	if (s[0] == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	for (c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '_' && *c != '-')
			return 0;
	return 1;
}

void em_repo_free(em_repo *r)
{
	free(r->host);
	free(r->owner);
	free(r->name);
	memset(r, 0, sizeof(*r));
}

/* "host/owner/repo..." after the scheme and user part are gone. */
static int split_repo(em_repo *r, const char *s, char hostsep)
{
	const char *h_end = strchr(s, hostsep), *o, *o_end, *n, *n_end;
	size_t i;

	if (h_end == NULL || h_end == s)
		return -1;
	o = h_end + 1;
	while (*o == '/')
		o++;
	o_end = strchr(o, '/');
	if (o_end == NULL)
		return -1;
	n = o_end + 1;
	n_end = n + strcspn(n, "/?#");
	if (n_end - n > 4 && memcmp(n_end - 4, ".git", 4) == 0)
		n_end -= 4;
	if (n[strcspn(n, "/?#")] == '/' && n[strcspn(n, "/?#") + 1] != '\0')
		return -1; /* a path below the repository: not a repository URL */
	r->host = em_strndup(s, (size_t)(h_end - s));
	r->owner = em_strndup(o, (size_t)(o_end - o));
	r->name = em_strndup(n, (size_t)(n_end - n));
	if (r->host == NULL || r->owner == NULL || r->name == NULL)
		return -2;
	for (i = 0; r->host[i]; i++)
		r->host[i] = (char)tolower((unsigned char)r->host[i]);
	if (!em_repo_name_ok(r->owner) || !em_repo_name_ok(r->name))
		return -1;
	return 0;
}

int em_repo_parse(em_repo *r, const char *url, em_error *err)
{
	const char *s = url, *at;
	char sep = '/';
	int rc;

	memset(r, 0, sizeof(*r));
	if (em_has_prefix(s, "https://"))
		s += 8;
	else if (em_has_prefix(s, "http://"))
		s += 7;
	else if (em_has_prefix(s, "ssh://"))
		s += 6;
	else if (em_has_prefix(s, "git://"))
		s += 6;
	else if ((at = strchr(s, '@')) != NULL && strchr(at, ':') != NULL &&
	    strchr(s, '/') > strchr(at, ':'))
		sep = ':'; /* scp-like git@host:owner/repo */
	at = strchr(s, '@');
	if (at != NULL && at < s + strcspn(s, "/"))
		s = at + 1;
	rc = split_repo(r, s, sep);
	if (rc == 0)
		return 0;
	em_repo_free(r);
	if (rc == -2)
		return em_error_set(err, "out of memory");
	return em_error_set(err, "'%s': not a repository URL (want https://github.com/OWNER/REPO)", url);
}

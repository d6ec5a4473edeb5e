/* fetch.h - the I/O under source lookup: HTTP GET with libcurl (GitHub raw
 * files, go-get pages, googlesource), the on-disk cache, and files of a
 * local checkout that never leave their root. Internal to src/source.
 *
 * Results: EM_GOT (data in *body, malloc'd and NUL-terminated, length in
 * *len), EM_MISSING (the file does not exist: HTTP 404, ENOENT), or
 * EM_FAILED (anything else; err says what). */
#ifndef EMBERS_SOURCE_FETCH_H
#define EMBERS_SOURCE_FETCH_H

#include <stddef.h>

#include "embers/error.h"

enum { EM_FAILED = -1, EM_MISSING = 0, EM_GOT = 1 };

typedef struct em_http_opts {
	/* Sent as "Authorization: token T" only when a request's origin
	 * (scheme://host[:port]) equals token_origin exactly, also after
	 * redirects (which are followed by hand for that reason). */
	const char *token;
	const char *token_origin;
	size_t max_bytes;        /* larger bodies fail ("larger than ...") */
	long connect_timeout_ms;
	long timeout_ms;
	volatile int *cancel;    /* non-zero stops the transfer ("cancelled") */
} em_http_opts;

void em_http_global_init(void); /* once, before any thread fetches */
int em_http_get(const em_http_opts *o, const char *url, char **body, size_t *len,
    em_error *err);
/* "scheme://host[:port]" of url, lower-cased; NULL when url has none. */
char *em_url_origin(const char *url);
/* Append s to a URL path, percent-encoding all but unreserved bytes and
 * '/' (keep_slash) into out; returns the new string or NULL (OOM). */
char *em_url_append(char *url, const char *s, int keep_slash);

/* ---- cache ------------------------------------------------------------
 * Files live under DIR/KEY where KEY is made of elements that are each
 * percent-encoded (only [A-Za-z0-9._-] stay; "." and ".." are encoded),
 * so a key never escapes DIR. Directories are created mode 0700. */

/* $XDG_CACHE_HOME/embers, else $HOME/.cache/embers; NULL when neither. */
char *em_cache_default_dir(void);
/* Join elements into a key; an element may hold '/' when split is set
 * (a path). NULL when an element is empty or too long, or on OOM. */
char *em_cache_key(const char *const *elems, const int *split, size_t n);
/* EM_GOT when DIR/KEY exists, is younger than max_age seconds (< 0: any
 * age) and not larger than max_bytes; else EM_MISSING. */
int em_cache_get(const char *dir, const char *key, long max_age, size_t max_bytes,
    char **body, size_t *len);
/* Store atomically (temporary file + rename, mode 0600). */
int em_cache_put(const char *dir, const char *key, const char *body, size_t len,
    em_error *err);

/* ---- local checkout ----------------------------------------------------
 * root_real is realpath() of the checkout; rel a cleaned relative path.
 * The file's real path must stay under root_real: ".." and symlinks that
 * lead out are refused (EM_FAILED), as are non-regular files. */
int em_local_read(const char *root_real, const char *rel, size_t max_bytes,
    char **body, size_t *len, em_error *err);

#endif

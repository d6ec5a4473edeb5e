/* path.h - '/'-separated path helpers for repository paths (Go's path.Clean
 * and filepath.Join semantics, which the resolution rules are written in),
 * small string helpers, and repository URL parsing. Internal to src/source
 * and its tests. Returned strings are malloc'd; NULL means out of memory
 * unless said otherwise. */
#ifndef EMBERS_SOURCE_PATH_H
#define EMBERS_SOURCE_PATH_H

#include <stddef.h>

#include "embers/error.h"

/* Go's path.Clean: "" -> ".", "a//b/./c/.." -> "a/b", "/../x" -> "/x". */
char *em_path_clean(const char *p);
/* Go's filepath.Join: the non-empty elements joined by '/' and cleaned;
 * "" when all are empty. */
char *em_path_join(const char *a, const char *b);
/* A file path inside a repository: root and path joined and cleaned, with
 * leading '/' trimmed (as Pyroscope's fetchRepoFile). *escapes is set and
 * NULL returned when the result would leave the repository ("..", "../x")
 * or names no file ("" or "."). */
char *em_repo_file_path(const char *root, const char *path, int *escapes);
/* 1 when a '/'-separated path has a ".." element. */
int em_path_has_dotdot(const char *p);

/* strdup of s[0..n) / of s; NULL on OOM. */
char *em_strndup(const char *s, size_t n);
char *em_strdup(const char *s);
/* a followed by b, malloc'd. */
char *em_strcat2(const char *a, const char *b);
int em_has_prefix(const char *s, const char *prefix);
int em_has_suffix(const char *s, const char *suffix);

/* A repository URL: https://github.com/o/r(.git), http://..., ssh://git@h/o/r,
 * git@h:o/r.git or h/o/r. host is lower-cased; owner and repo must be
 * plain names ([A-Za-z0-9._-], not "." or ".."). */
typedef struct em_repo {
	char *host;
	char *owner;
	char *name;
} em_repo;

int em_repo_parse(em_repo *r, const char *url, em_error *err);
void em_repo_free(em_repo *r);
/* 1 when s is a usable GitHub owner, repository or ref element. */
int em_repo_name_ok(const char *s);

#endif

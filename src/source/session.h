/* session.h - the inside of an em_source (settings, what it remembers)
 * and of one lookup, shared by resolve.c (the rules), golookup.c (the Go
 * rules) and store.c (fetching with memory and disk cache). */
#ifndef EMBERS_SOURCE_SESSION_H
#define EMBERS_SOURCE_SESSION_H

#include <pthread.h>

#include "embers/source.h"
#include "source/golang.h"
#include "source/mapping.h"
#include "source/path.h"

struct memo {
	char *key;
	int status;   /* EM_GOT or EM_MISSING */
	char *data;
	size_t len;
	char *origin;
};

struct em_source {
	pthread_mutex_t mu;
	em_source_opts o;     /* own copy */
	em_repo repo;         /* service repository, when have_repo */
	int have_repo;
	char *ref;            /* "HEAD" when unset */
	char *root;           /* "" when unset */
	char *srcdir;         /* realpath of --source-dir, or NULL */
	char *token_origin;   /* origin of o.raw_url */

	int conf_loaded, have_conf;
	em_mapconf conf;
	char conf_warning[EM_ERROR_MAX];
	int gomod_loaded, have_gomod;
	em_gomod gomod;

	struct memo *memo;
	size_t nmemo, memo_cap, memo_bytes;
};

/* One lookup. */
struct find {
	em_source *s;
	const char *func, *path;
	volatile int *cancel;
	em_source_file *out;
	em_error why;         /* the last reason a step failed */
};

/* Fetch primitives: EM_GOT (out filled), EM_MISSING or EM_FAILED; f->why
 * says what went wrong. Paths are repository paths (cleaned here). */
int em_store_service(struct find *f, const char *path);
int em_store_github(struct find *f, const char *owner, const char *repo,
    const char *ref, const char *path);
/* A plain URL (go-get pages, googlesource); cache key elements given. */
int em_store_url(struct find *f, const char *url, const char *const *key,
    const int *split, size_t nkey, char **body, size_t *len);
/* Raw bytes of a service-repository file (for .pyroscope.yaml, go.mod). */
int em_store_service_raw(struct find *f, const char *path, char **body, size_t *len);
void em_store_forget(em_source *s);

/* The rules (resolve.c, golookup.c). */
int em_find_mapping_file(struct find *f, const em_mapping *m, const char *rel);
int em_find_repo_file(struct find *f, const char *path);
int em_find_go(struct find *f, const em_mapping *m);

#endif

/* source.h - finding the source file of a function, the way Grafana
 * Pyroscope's "function details" does, without a Pyroscope server:
 *
 *   1. .pyroscope.yaml from the service root of the repository (version v1,
 *      source_code.mappings with path/function_name prefixes; the longest
 *      prefix wins, ties go to the first mapping; an invalid mapping voids
 *      the file with a warning);
 *   2. the language rules: Go standard library (golang/go at go<version>),
 *      vendor/, module-cache paths through the repository's go.mod and
 *      gopkg.in or go-get vanity paths; Java a/b/C$D.m -> a/b/C.java under
 *      the mapping's path; Python pythonX.Y/ -> python/cpython; otherwise
 *      the path relative to the service root;
 *   3. files read from a local checkout (--source-dir) or fetched from
 *      GitHub raw URLs (https://raw.githubusercontent.com/OWNER/REPO/REF/PATH,
 *      base configurable for GitHub Enterprise and tests), with a token sent
 *      only to that configured origin, cached under $XDG_CACHE_HOME/embers/.
 *
 * Lookups block (network); a TUI runs them through em_source_job, which
 * does the work on a thread, can be cancelled, and signals a pipe when
 * done. One em_source may serve one job at a time and many in sequence
 * (it remembers .pyroscope.yaml, go.mod and the files it fetched). */
#ifndef EMBERS_SOURCE_H
#define EMBERS_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"

#define EM_GITHUB_RAW_URL "https://raw.githubusercontent.com"
#define EM_SOURCE_MAX_BYTES (8u << 20) /* default size cap of one file */

/* Settings. Every string is malloc'd and owned (em_source_opts_free);
 * set them with em_source_opts_set. NULL or "" means unset. */
typedef struct em_source_opts {
	char *source_dir;   /* --source-dir: the service repository on disk */
	char *repo;         /* service repository URL (https://github.com/o/r) */
	char *ref;          /* its git ref; unset = HEAD */
	char *root_path;    /* the service's directory inside the repository */
	char *raw_url;      /* GitHub raw base URL (no trailing '/') */
	char *token;        /* GitHub token, sent only to raw_url's origin */
	char *cache_dir;    /* unset = no disk cache */
	char *googlesource_url; /* unset = https://go.googlesource.com */
	int offline;        /* network off: local checkout and cache only */
	size_t max_bytes;   /* 0 = EM_SOURCE_MAX_BYTES */
	long connect_timeout_ms; /* 0 = 10 s */
	long timeout_ms;    /* per request, 0 = 30 s */
} em_source_opts;

/* Defaults from the environment and the config file, lowest first:
 * built-in raw URL and $XDG_CACHE_HOME/embers (or ~/.cache/embers);
 * $XDG_CONFIG_HOME/embers/config.yaml (or ~/.config/embers/config.yaml)
 * keys github.token and github.raw_url; then $GITHUB_TOKEN and
 * $EMBERS_GITHUB_RAW_URL. -1 with err when the config file exists but
 * cannot be read or parsed (the defaults are still filled in). */
int em_source_opts_init(em_source_opts *o, em_error *err);
void em_source_opts_free(em_source_opts *o);
int em_source_opts_set(char **field, const char *value); /* -1 on OOM */

/* The service_repository, service_git_ref and service_root_path labels of
 * the profile's samples (the first sample that has each), into the unset
 * fields of o. -1 on OOM. */
int em_source_opts_from_labels(em_source_opts *o, const em_profile *p);

typedef struct em_source em_source;

/* Checks the settings (repository URL, --source-dir, raw URL); NULL with
 * err when they are unusable. */
em_source *em_source_new(const em_source_opts *o, em_error *err);
void em_source_free(em_source *s);
/* Switch repository and ref (the user edited them): the remembered
 * .pyroscope.yaml and go.mod are dropped. */
int em_source_set_repo(em_source *s, const char *repo, const char *ref, em_error *err);

typedef struct em_source_file {
	char *data;      /* the file, NUL-terminated; NULL when not had */
	size_t len;
	char *origin;    /* where it came from: "github.com/golang/go@go1.21.6:src/runtime/proc.go"
	                  * or the local file's path */
	char why[EM_ERROR_MAX];     /* when data is NULL: why, in one line */
	char warning[EM_ERROR_MAX]; /* e.g. an invalid .pyroscope.yaml; may be "" */
	size_t *line_off; /* em_source_file_line's index (built on first use) */
	size_t nlines;
} em_source_file;

/* Find the file of function func whose pprof file name is path. Blocks.
 * cancel (may be NULL) stops it with why "cancelled". 0 when found, -1
 * when not (out->why says why). out is always to be freed. */
int em_source_find(em_source *s, const char *func, const char *path,
    volatile int *cancel, em_source_file *out);
void em_source_file_free(em_source_file *f);
/* Line n (1-based) without its '\n' (and a '\r' before it); NULL past the
 * end of the file or on OOM. */
const char *em_source_file_line(em_source_file *f, int64_t n, size_t *len);

/* ---- asynchronous lookups (for the TUI) -------------------------------
 * em_source_job_start runs em_source_find on a new thread. Poll
 * em_source_job_fd for reading (or call em_source_job_done) and then
 * em_source_job_finish, which joins the thread, hands the result over
 * and frees the job. em_source_job_cancel makes a running lookup stop
 * soon (network transfers are interrupted). Free the em_source only
 * after every job of it is finished. */
typedef struct em_source_job em_source_job;

em_source_job *em_source_job_start(em_source *s, const char *func, const char *path,
    em_error *err);
int em_source_job_fd(const em_source_job *j);
int em_source_job_done(const em_source_job *j);
void em_source_job_cancel(em_source_job *j);
/* Returns em_source_find's result. */
int em_source_job_finish(em_source_job *j, em_source_file *out);

#endif

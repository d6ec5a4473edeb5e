/* pyroscope.h - a client for the Grafana Pyroscope query API.
 *
 * Connect unary calls over HTTP/1.1: POST {base}/querier.v1.QuerierService/
 * METHOD with an application/proto body; gzip replies are accepted; errors
 * come back as Connect JSON {code, message} (or a bare HTTP status from a
 * proxy). See doc/ and the wire notes in src/pyroscope/client.c.
 *
 * Layers:
 *   em_pyro_conf    connection settings, resolved from flags, the
 *                   environment and $XDG_CONFIG_HOME/embers/config.yaml
 *   em_pyro_client  one connection (libcurl handle, keep-alive); not
 *                   shared between threads, but cancellable from any
 *   RPC wrappers    ProfileTypes, LabelNames, LabelValues, Series,
 *                   SelectSeries, SelectMergeStacktraces, SelectMergeProfile,
 *                   Diff; profiles come back as em_profile
 *   em_pyro_job     runs one call on a worker thread so a UI never blocks
 *
 * Secrets (password, token) never appear in any message. */
#ifndef EMBERS_PYROSCOPE_H
#define EMBERS_PYROSCOPE_H

#include <stddef.h>
#include <stdint.h>

#include "embers/arena.h"
#include "embers/error.h"
#include "embers/profile.h"
#include "embers/tree.h"

/* ---- time strings (timespec.c) -------------------------------------- */

/* Milliseconds since the epoch, now. */
int64_t em_now_ms(void);

/* Parse a --from/--to value into ms since the epoch:
 *   now, now-15m, now-1h30m, now-7d, now+5m   (units y w d h m s ms)
 *   2024-05-01T10:00:00Z, 2024-05-01T12:00:00.5+02:00   (RFC 3339)
 *   1714557600 (seconds: up to 11 digits), 1714557600000 (ms: 12-14),
 *   16 digits = microseconds, 17-19 = nanoseconds
 * now_ms is the reference for "now". -1 with err on anything else. */
int em_time_parse(const char *s, int64_t now_ms, int64_t *out_ms, em_error *err);
/* A duration such as "15m", "1h30m", "90s", "500ms" into ms. */
int em_duration_parse(const char *s, int64_t *out_ms, em_error *err);
/* --from/--to with defaults (NULL from = now-1h, NULL to = now); checks
 * from < to. */
int em_time_range(const char *from, const char *to, int64_t now_ms,
    int64_t *start_ms, int64_t *end_ms, em_error *err);
/* "2024-05-01T10:00:00Z" (or with .mmm when not whole seconds). */
void em_time_format(char *buf, size_t n, int64_t ms);
/* How far back the base of a comparison lies: how is "previous" (the
 * range of equal length just before [start, end]) or a duration such as
 * "24h" or "7d" (the same range that much earlier). -1 with err. Shared
 * by `embers diff --compare` and the server viewer's compare menu. */
int em_time_compare_back(const char *how, int64_t start_ms, int64_t end_ms,
    int64_t *back_ms, em_error *err);

/* ---- connection settings (config.c) --------------------------------- */

enum em_pyro_key {
	EM_PK_URL,
	EM_PK_USERNAME,
	EM_PK_PASSWORD,
	EM_PK_TOKEN,
	EM_PK_TENANT,
	EM_PK_INSECURE,        /* "true"/"false" ("1"/"0", "yes"/"no") */
	EM_PK_CA_CERT,
	EM_PK_CONNECT_TIMEOUT, /* seconds, decimals allowed */
	EM_PK_TIMEOUT,         /* seconds for the whole request; 0 = none */
	EM_PK_MAX_REPLY,       /* bytes, with an optional K, M or G suffix */
	EM_PK_N
};

typedef struct em_pyro_conf {
	char *url;             /* base URL without credentials or trailing '/' */
	char *username, *password; /* basic auth when either is set */
	char *token;           /* bearer token (used when no basic auth) */
	char *tenant;          /* X-Scope-OrgID */
	char *ca_cert;         /* PEM file of trusted CAs */
	int insecure;          /* skip TLS certificate checks */
	long connect_timeout_ms; /* default 10 s */
	long timeout_ms;       /* default 120 s; 0 = no limit */
	size_t max_reply;      /* decompressed reply cap; default 1 GiB */
	char *server;          /* the config.yaml entry used, or NULL */
} em_pyro_conf;

/* Option and setting names, e.g. "url", "tenant-id", "connect-timeout". */
const char *em_pyro_key_name(enum em_pyro_key k);

void em_pyro_conf_init(em_pyro_conf *c);   /* built-in defaults */
void em_pyro_conf_free(em_pyro_conf *c);
/* Set one setting from text (validates numbers, booleans and the URL;
 * credentials in a URL move to username/password). */
int em_pyro_conf_set(em_pyro_conf *c, enum em_pyro_key k, const char *value,
    em_error *err);

/* Fill c from, in order of precedence:
 *   flags[k] (command line; NULL = not given)
 *   the config.yaml entry `server` (or the file's `default:` entry when
 *     neither `server`, a --url flag, EMBERS_URL nor PROFILECLI_URL is set)
 *   only when no entry is used: EMBERS_URL, then PROFILECLI_URL, and
 *     PROFILECLI_USERNAME/PASSWORD/TOKEN/TENANT_ID
 *   built-in defaults (http://localhost:4040)
 * An entry never mixes with the environment, so a token meant for one
 * server is never sent to another. config_path NULL means
 * $XDG_CONFIG_HOME/embers/config.yaml (else ~/.config/...); a missing file
 * is fine unless `server` is given. */
int em_pyro_conf_resolve(em_pyro_conf *c, const char *const flags[EM_PK_N],
    const char *server, const char *config_path, em_error *err);

/* ---- the client (client.c) ------------------------------------------ */

typedef enum em_pyro_status {
	EM_PYRO_OK = 0,
	EM_PYRO_E_USAGE,       /* bad settings (URL, CA file, ...) */
	EM_PYRO_E_CONNECT,     /* DNS, refused, unreachable, connect time-out */
	EM_PYRO_E_TLS,
	EM_PYRO_E_TIMEOUT,
	EM_PYRO_E_CANCELLED,
	EM_PYRO_E_TOO_LARGE,
	EM_PYRO_E_SERVER,      /* a Connect error: see em_pyro_client_code */
	EM_PYRO_E_HTTP,        /* non-200 without a Connect error body */
	EM_PYRO_E_REPLY        /* a 200 we cannot decode */
} em_pyro_status;

typedef struct em_pyro_client em_pyro_client;

/* A client for conf (copied). NULL with err on a bad setting. */
em_pyro_client *em_pyro_client_new(const em_pyro_conf *conf, em_error *err);
void em_pyro_client_free(em_pyro_client *cl);
const em_pyro_conf *em_pyro_client_conf(const em_pyro_client *cl);

/* Requests stop with "cancelled" once *flag becomes non-zero (NULL: no
 * flag). em_pyro_client_wakeup, callable from any thread, makes a request
 * in flight look at the flag at once instead of within a second. */
void em_pyro_client_set_cancel(em_pyro_client *cl, volatile int *flag);
void em_pyro_client_wakeup(em_pyro_client *cl);

/* Outcome of the last call: status, the Connect code ("invalid_argument",
 * "unimplemented", ... or one derived from the HTTP status), HTTP status. */
em_pyro_status em_pyro_client_status(const em_pyro_client *cl);
const char *em_pyro_client_code(const em_pyro_client *cl);
long em_pyro_client_http_status(const em_pyro_client *cl);
/* Bytes received (decompressed) by the last call. */
size_t em_pyro_client_bytes(const em_pyro_client *cl);

/* One Connect unary call of QuerierService METHOD. On success *resp is a
 * malloc'd body of *resplen bytes (free it). -1 with err otherwise. */
int em_pyro_call(em_pyro_client *cl, const char *method, const uint8_t *req,
    size_t reqlen, uint8_t **resp, size_t *resplen, em_error *err);

/* ---- queries (rpc.c) ------------------------------------------------- */

typedef struct em_pyro_query {
	const char *profile_type;  /* "process_cpu:cpu:nanoseconds:cpu:nanoseconds" */
	const char *selector;      /* label selector; NULL or "" means "{}" */
	int64_t start_ms, end_ms;
	int64_t max_nodes;         /* flame graphs: 0 = server default (8192) */
	const char *const *call_site; /* stack trace selector, root first */
	size_t ncall_site;
} em_pyro_query;

typedef struct em_pyro_label { const char *name, *value; } em_pyro_label;
typedef struct em_pyro_labelset { em_pyro_label *v; size_t n; } em_pyro_labelset;
typedef struct em_pyro_point { int64_t t_ms; double value; } em_pyro_point;
typedef struct em_pyro_timeseries {
	em_pyro_labelset labels;
	em_pyro_point *pts;        /* sorted by time; gaps are missing points */
	size_t npts;
} em_pyro_timeseries;

/* The reply of a listing call; everything lives in the arena. */
typedef struct em_pyro_result {
	em_arena *arena;
	const char **strs;         /* ProfileTypes (IDs), LabelNames, LabelValues */
	size_t nstrs;
	em_pyro_labelset *sets;    /* Series */
	size_t nsets;
	em_pyro_timeseries *series; /* SelectSeries */
	size_t nseries;
} em_pyro_result;
void em_pyro_result_free(em_pyro_result *r);

int em_pyro_profile_types(em_pyro_client *cl, int64_t start_ms, int64_t end_ms,
    em_pyro_result *out, em_error *err);
int em_pyro_label_names(em_pyro_client *cl, const char *selector,
    int64_t start_ms, int64_t end_ms, em_pyro_result *out, em_error *err);
int em_pyro_label_values(em_pyro_client *cl, const char *name,
    const char *selector, int64_t start_ms, int64_t end_ms,
    em_pyro_result *out, em_error *err);
/* Label sets projected on label_names (none: every label). */
int em_pyro_series(em_pyro_client *cl, const char *selector,
    const char *const *label_names, size_t nlabel_names, int64_t start_ms,
    int64_t end_ms, em_pyro_result *out, em_error *err);

enum em_pyro_agg { EM_PYRO_SUM = 0, EM_PYRO_AVG = 1 };
/* Time series of q (step in seconds, >= 1 ms). */
int em_pyro_select_series(em_pyro_client *cl, const em_pyro_query *q,
    double step_s, const char *const *group_by, size_t ngroup_by,
    enum em_pyro_agg agg, em_pyro_result *out, em_error *err);
/* The dense values of s at start, start + step, ... <= end (the server's
 * bucket stamps); missing buckets become 0. n is set to the bucket count
 * (at most max); returns 0, or -1 when step_ms <= 0. */
int em_pyro_series_dense(const em_pyro_timeseries *s, int64_t start_ms,
    int64_t end_ms, int64_t step_ms, double *vals, size_t max, size_t *n);

/* The merged flame graph (SelectMergeStacktraces, truncated to max_nodes
 * by the server; cut nodes are folded into "other"). With a call site on a
 * server that ignores stack trace selectors there, falls back to
 * SelectMergeProfile. */
em_profile *em_pyro_flamegraph(em_pyro_client *cl, const em_pyro_query *q,
    em_error *err);
/* The same, and its call tree in *tree when the reply gives it directly
 * (em_levels_to_profile_tree); else tree->n is 0. The caller frees both. */
em_profile *em_pyro_flamegraph_tree(em_pyro_client *cl, const em_pyro_query *q,
    em_tree *tree, em_error *err);
/* The merged pprof with lines and files (SelectMergeProfile; on servers
 * without it, SelectMergeStacktraces with the pprof format). */
em_profile *em_pyro_merge_profile(em_pyro_client *cl, const em_pyro_query *q,
    em_error *err);
/* The diff flame graph of two queries: a profile with two sample types
 * ("left", "right") in the profile type's unit. Falls back to two
 * SelectMergeStacktraces calls on servers without Diff. */
em_profile *em_pyro_diff(em_pyro_client *cl, const em_pyro_query *left,
    const em_pyro_query *right, em_error *err);

/* Split a profile type ID into its five parts (name, sample type, sample
 * unit, period type, period unit), empty parts kept; a 6th part is
 * ignored. parts[] point into buf. -1 when malformed. */
int em_pyro_type_split(const char *id, char *buf, size_t n, const char *parts[5]);

/* ---- running a call without blocking (job.c) ------------------------ */

typedef struct em_pyro_job em_pyro_job;
/* The work: one or more calls on cl; 0 or -1 with err. */
typedef int (*em_pyro_job_fn)(em_pyro_client *cl, void *arg, em_error *err);

/* Start fn(cl, arg) on a new thread. cl belongs to the job until
 * em_pyro_job_finish. NULL with err when no thread can be made. */
em_pyro_job *em_pyro_job_start(em_pyro_client *cl, em_pyro_job_fn fn, void *arg,
    em_error *err);
/* Readable once the job is done: poll() it next to the terminal. */
int em_pyro_job_fd(const em_pyro_job *j);
int em_pyro_job_done(const em_pyro_job *j);
/* Ask the job to stop; it ends soon with "cancelled". Any thread. */
void em_pyro_job_cancel(em_pyro_job *j);
/* Wait for the end, free the job; fn's result (err filled on -1). */
int em_pyro_job_finish(em_pyro_job *j, em_error *err);

#endif

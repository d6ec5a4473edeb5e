/* diff.h - the per-function diff table on the command line: `embers diff`
 * and `embers top --base` (src/cli/diff.c). */
#ifndef EMBERS_CLI_DIFF_H
#define EMBERS_CLI_DIFF_H

#include <stdio.h>

#include "cli/source_opts.h"
#include "embers/diff.h"
#include "embers/top.h"

#define EM_DIFF_DEFAULT_MAX_NODES 8192 /* Pyroscope's, for flamegraph-json */

enum em_diff_format { EM_DIFF_TEXT, EM_DIFF_CSV, EM_DIFF_JSON, EM_DIFF_FLAMEGRAPH };

/* Server sides (src/cli/diff_server.c): the new side is the query of srv
 * (--query, --from, --to); the base is the same query with the --base-*
 * or --compare changes, or the BASE file when one is given. */
struct em_diff_srv {
	struct em_srv_args srv;
	const char *base_query, *base_from, *base_to, *compare;
	long long max_nodes;  /* --max-nodes for flamegraph-json; -1: not given */
	char label[2][600];   /* the sides for messages and titles */
};

struct em_diff_args {
	const char *base;     /* BASE file, or the differential folded file */
	const char *nw;       /* NEW file; NULL: base holds "before" and "after" */
	const char *type;     /* --sample-type, NULL for the default */
	em_diff_sort sort;
	long long limit;      /* 0: every row */
	enum em_diff_format format;
	em_diff_scale scale;
	struct em_diff_srv *srv; /* NULL: files only */
};

/* Load, compare and print; returns an EM_EXIT_* status. */
int em_cli_diff(const struct em_diff_args *a);

/* Load the two sides and choose their sample types as em_cli_diff does,
 * for the diff view (src/tui/diff_main.c): p[EM_NEW] == p[EM_BASE] for a
 * differential folded file. Errors are printed; an EM_EXIT_* status. */
int em_cli_diff_open(const struct em_diff_args *a, em_profile *p[2], uint32_t type[2]);

/* `embers top --base BASE NEW`: top's --sort self/total/name become the
 * self change, total change and name orders. */
int em_cli_top_diff(const char *base, const char *nw, const char *type, em_sort sort,
    long long limit, enum em_diff_format format);

/* ---- server sides (diff_server.c) ------------------------------------ */

enum {
	EM_DSRV_BASE_QUERY = 900, EM_DSRV_BASE_FROM, EM_DSRV_BASE_TO, EM_DSRV_COMPARE
};

#define EM_CLI_DIFF_SERVER_OPTS \
	EM_CLI_SERVER_OPTS, \
	{ "base-query", 0, EM_OPT_ARG, EM_DSRV_BASE_QUERY }, \
	{ "base-from", 0, EM_OPT_ARG, EM_DSRV_BASE_FROM }, \
	{ "base-to", 0, EM_OPT_ARG, EM_DSRV_BASE_TO }, \
	{ "compare", 0, EM_OPT_ARG, EM_DSRV_COMPARE }

void em_diff_srv_init(struct em_diff_srv *s);
/* Take option id with value arg: 1 when it is a server option, 0 when
 * not, -1 after printing a usage error. */
int em_cli_diff_server_opt(struct em_diff_srv *s, int id, const char *arg);
/* Are server sides asked for? */
int em_cli_diff_server_used(const struct em_diff_args *a);
/* Merge both sides (a->base, when given, is a file and the base side);
 * path[] get labels for messages. Errors are printed; an EM_EXIT_*. */
int em_cli_diff_server_load(const struct em_diff_args *a, em_profile *p[2],
    const char *path[2]);

/* `--format flamegraph-json`: em_diff_flamegraph of the two sides as
 * Pyroscope's FlameGraphDiff in JSON (src/cli/diff_fg.c). */
int em_cli_diff_print_flamegraph(FILE *out, const em_profile *base, uint32_t btype,
    const em_profile *nw, uint32_t ntype, long long max_nodes);

#endif

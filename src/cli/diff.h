/* diff.h - the per-function diff table on the command line: `embers diff`
 * and `embers top --base` (src/cli/diff.c). */
#ifndef EMBERS_CLI_DIFF_H
#define EMBERS_CLI_DIFF_H

#include "embers/diff.h"
#include "embers/top.h"

enum em_diff_format { EM_DIFF_TEXT, EM_DIFF_CSV, EM_DIFF_JSON };

struct em_diff_args {
	const char *base;     /* BASE file, or the differential folded file */
	const char *nw;       /* NEW file; NULL: base holds "before" and "after" */
	const char *type;     /* --sample-type, NULL for the default */
	em_diff_sort sort;
	long long limit;      /* 0: every row */
	enum em_diff_format format;
	em_diff_scale scale;
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

#endif

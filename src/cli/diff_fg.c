/* diff_fg.c - `embers diff --format flamegraph-json`: the diff flame graph
 * em_diff_flamegraph computes, written as Pyroscope's FlameGraphDiff
 * (the Diff RPC's reply) in JSON, so a diff made here from two merged
 * profiles can be checked node by node against a server's. */
#include <inttypes.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/diff.h"
#include "embers/textout.h"

static void put_fg(FILE *out, const em_fg_diff *g)
{
	uint32_t i;
	size_t k;

	fputs("{\"names\":[", out);
	for (i = 0; i < g->nnames; i++) {
		if (i)
			putc(',', out);
		em_put_json(out, g->names[i], g->name_len[i], 0);
	}
	fputs("],\n\"levels\":[", out);
	for (i = 0; i < g->nlevels; i++) {
		fputs(i ? ",\n{\"values\":[" : "\n{\"values\":[", out);
		for (k = 0; k < g->level_len[i]; k++)
			fprintf(out, k ? ",%" PRId64 : "%" PRId64, g->levels[i][k]);
		fputs("]}", out);
	}
	fprintf(out, "],\n\"total\":%" PRId64 ",\"maxSelf\":%" PRId64 ",\"leftTicks\":%"
	    PRId64 ",\"rightTicks\":%" PRId64 "}\n", g->total, g->max_self, g->left_ticks,
	    g->right_ticks);
}

int em_cli_diff_print_flamegraph(FILE *out, const em_profile *base, uint32_t btype,
    const em_profile *nw, uint32_t ntype, long long max_nodes)
{
	em_fg_diff g;
	em_diff d;
	em_error err;
	int rc = EM_EXIT_FAIL;

	err.msg[0] = '\0';
	if (em_diff_build_profiles(&d, base, btype, nw, ntype, &err) < 0) {
		em_cli_error("%s", err.msg);
		return EM_EXIT_FAIL;
	}
	if (em_diff_flamegraph(&g, &d, max_nodes, &err) < 0) {
		em_cli_error("%s", err.msg);
	} else {
		put_fg(out, &g);
		em_fg_diff_free(&g);
		rc = EM_EXIT_OK;
	}
	em_diff_free(&d);
	return rc;
}

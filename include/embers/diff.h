/* diff.h - comparing two profiles, base and new, as Pyroscope does.
 *
 * The two call trees are aligned by function-name path: the children of a
 * node are merged by name (bytewise order), and a node found on one side
 * only is 0 on the other and flagged ADDED (only in new) or REMOVED (only
 * in base). Every figure is kept raw; the helpers below turn them into
 * shares of each side's own total ("normalised", Pyroscope's way, so that
 * two profiles under different load compare fairly) or compare them raw
 * ("absolute").
 *
 * Functions of the two profiles are matched by name into a union table,
 * `names`: an em_profile that holds functions only (no samples). The diff
 * tree's and the diff table's function ids index it, so
 * em_tree_name(&d->tree, d->names, i) names a node, and d->tree (whose
 * totals are the frame widths of the chosen width mode) goes to the flame
 * graph layout as it is. Swapping base and new is em_diff_swap.
 *
 * em_diff_flamegraph gives the same numbers as Pyroscope's Diff RPC
 * (querier.v1.FlameGraphDiff, pkg/model/flamegraph_diff.go
 * NewFlamegraphDiff): names and 7-number groups per level, delta-encoded,
 * truncated to max_nodes with "other" nodes, so a locally computed diff
 * can be checked against a server's. */
#ifndef EMBERS_DIFF_H
#define EMBERS_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"
#include "embers/top.h"
#include "embers/tree.h"

enum { EM_BASE = 0, EM_NEW = 1 }; /* index of a side in the [2] arrays */

typedef enum em_diff_scale {
	EM_DIFF_NORMALISED, /* compare shares of each side's total */
	EM_DIFF_ABSOLUTE    /* compare raw values */
} em_diff_scale;

/* What a frame's width stands for. */
typedef enum em_diff_width {
	EM_WIDTH_NEW,  /* the new value */
	EM_WIDTH_BASE, /* the base value */
	EM_WIDTH_MAX   /* the larger of the two (in normalised mode the base
	                * is first scaled to the new total), widened when
	                * needed so that a frame holds its children */
} em_diff_width;

#define EM_DIFF_ADDED 1u   /* node only in new */
#define EM_DIFF_REMOVED 2u /* node only in base */

typedef struct em_diff {
	em_profile *names;      /* union of both sides' functions, by name */
	em_tree tree;           /* aligned tree over names; tree.total = width */
	const em_tree *side[2]; /* the two trees, [EM_BASE] and [EM_NEW] */
	em_node *side_node[2];  /* the node in that side's tree, EM_NODE_NONE */
	uint32_t side_n[2];     /* node count of each side's tree */
	em_func_id *side_func[2]; /* names func id -> side func id, EM_FUNC_NONE */
	em_func_id *to_names[2];  /* side func id -> names func id */
	uint32_t side_nfuncs[2];
	int64_t sum[2];         /* each side's total */
	em_diff_width width;
	em_diff_scale scale;
	em_tree *own;           /* [2]: the trees em_diff_build_profiles made */
} em_diff;

/* Align the trees bt (of profile base) and nt (of profile nw). The
 * profiles are only read; the trees are read and referenced (a node's
 * totals are its side nodes' totals), so they must outlive the diff. Per
 * aligned node the diff costs 24 bytes. Width starts as EM_WIDTH_NEW,
 * scale as EM_DIFF_NORMALISED. -1 with err on out of memory. */
int em_diff_build(em_diff *d, const em_profile *base, const em_tree *bt,
    const em_profile *nw, const em_tree *nt, em_error *err);
/* The same, building both trees first, owned and freed by the diff
 * (sample type btype of base, ntype of nw; base and nw may be the same
 * profile, e.g. a differential folded file's "before" and "after"). */
int em_diff_build_profiles(em_diff *d, const em_profile *base, uint32_t btype,
    const em_profile *nw, uint32_t ntype, em_error *err);
void em_diff_free(em_diff *d);

/* Recompute d->tree.total for a width mode and scale. */
void em_diff_set_width(em_diff *d, em_diff_width width, em_diff_scale scale);
/* Exchange base and new (figures, maps, sums), then recompute widths. */
void em_diff_swap(em_diff *d);

/* A node's raw total on one side (0 where that side lacks the node). */
static inline int64_t em_diff_total(const em_diff *d, int side, em_node i)
{
	em_node x = d->side_node[side][i];

	return x == EM_NODE_NONE ? 0 : d->side[side]->total[x];
}
/* A node's self value on one side: its total minus its children's. */
int64_t em_diff_self(const em_diff *d, int side, em_node i);
/* EM_DIFF_ADDED (only in new), EM_DIFF_REMOVED (only in base) or 0. */
static inline unsigned em_diff_flags(const em_diff *d, em_node i)
{
	return d->side_node[EM_BASE][i] == EM_NODE_NONE ? EM_DIFF_ADDED :
	    d->side_node[EM_NEW][i] == EM_NODE_NONE ? EM_DIFF_REMOVED : 0;
}
/* Keeping two comparison panes in step: the node of `side`'s own tree for
 * diff node i (EM_NODE_NONE when that side lacks the path), and the diff
 * node of node i of side's tree t (the tree the diff was built from for
 * that side, after any swap; EM_NODE_NONE when out of range). */
static inline em_node em_diff_node_to_side(const em_diff *d, int side, em_node i)
{
	return i < d->tree.n ? d->side_node[side][i] : EM_NODE_NONE;
}
em_node em_diff_node_from_side(const em_diff *d, int side, const em_tree *t, em_node i);

/* The union of two profiles' function tables, matched by name (first
 * definition wins for file and start line). map[EM_BASE] gets nfuncs of
 * base entries, map[EM_NEW] those of nw: a side's func id -> union id.
 * The caller frees the maps and em_profile_free()s the result. NULL with
 * err on out of memory. */
em_profile *em_diff_names(const em_profile *base, const em_profile *nw,
    em_func_id *map[2], em_error *err);

/* ---- the arithmetic (shared by the tree, the table and the views) ---- */

/* v as a fraction of total; 0 when total is 0. */
double em_diff_share(int64_t v, int64_t total);
/* The change from base b (of base total bt) to new n (of new total nt):
 * normalised, new share - base share (a fraction: 0.02 = 2 percentage
 * points); absolute, n - b. This is what "largest growth" sorts by. */
double em_diff_delta(int64_t b, int64_t bt, int64_t n, int64_t nt, em_diff_scale scale);
/* Relative change: new/base - 1 of the shares (normalised) or of the raw
 * values (absolute); 0.5 = +50%. Base 0: +INFINITY when new > 0 (added),
 * -INFINITY when new < 0, 0 when both are 0. Removed gives -1. */
double em_diff_rel(int64_t b, int64_t bt, int64_t n, int64_t nt, em_diff_scale scale);
/* Colour intensity in [-1, 1] (> 0: grew, red; < 0: shrank, green), as
 * Grafana's flame graph colours a diff (getBarColorByDiff): normalised, the
 * relative change of the shares clamped to +-100% (0 when either total is
 * 0, +1 when the base share is 0 and the new one is not); absolute,
 * (n - b) / max(bt, nt) clamped. */
double em_diff_heat(int64_t b, int64_t bt, int64_t n, int64_t nt, em_diff_scale scale);

/* ---- the per-function table ------------------------------------------ */

typedef struct em_diff_row {
	em_func_id func;       /* in names */
	int64_t self[2];       /* [EM_BASE], [EM_NEW], raw */
	int64_t total[2];
} em_diff_row;

typedef enum em_diff_sort {
	EM_DSORT_SELF_CHANGE,  /* em_diff_delta of self (the default) */
	EM_DSORT_TOTAL_CHANGE, /* em_diff_delta of total */
	EM_DSORT_BASE_SELF,
	EM_DSORT_NEW_SELF,
	EM_DSORT_BASE_TOTAL,
	EM_DSORT_NEW_TOTAL,
	EM_DSORT_NAME
} em_diff_sort;

typedef struct em_diff_top {
	em_profile *names;     /* union of both sides' functions */
	em_diff_row *rows;     /* functions with a value on either side */
	uint32_t n;
	int64_t sum[2];        /* each side's total */
} em_diff_top;

/* Rows from the two sides' em_top (built for the types being compared),
 * sorted by EM_DSORT_SELF_CHANGE, normalised, largest growth first. */
int em_diff_top_build(em_diff_top *t, const em_profile *base, const em_top *bt,
    const em_profile *nw, const em_top *nt, em_error *err);
void em_diff_top_free(em_diff_top *t);
/* Sort: the change columns by em_diff_delta, largest growth first; the
 * value columns largest first; names A to Z; ties by name. reverse turns
 * the order round. */
void em_diff_top_sort(em_diff_top *t, em_diff_sort by, em_diff_scale scale, int reverse);
void em_diff_top_swap(em_diff_top *t);
/* "self" (self change), "total" (total change), "base-self", "new-self",
 * "base-total", "new-total", "name"; -1 when unknown. */
int em_diff_sort_parse(const char *s);
const char *em_diff_sort_name(em_diff_sort by);

/* ---- Pyroscope's FlameGraphDiff ----------------------------------------- */

typedef struct em_fg_diff {
	uint32_t nnames;
	const char **names;   /* "total", then names as first met; valid while
	                       * the em_diff lives */
	size_t *name_len;     /* names may hold NUL bytes */
	uint32_t nlevels;
	int64_t **levels;     /* level l: level_len[l] numbers, 7 per node:
	                       * left x delta, total, self, right x delta,
	                       * total, self, name index */
	size_t *level_len;
	int64_t total;        /* left_ticks + right_ticks */
	int64_t max_self;
	int64_t left_ticks;   /* base total */
	int64_t right_ticks;  /* new total */
} em_fg_diff;

/* The FlameGraphDiff of d (left = base, right = new, raw values) with at
 * most about max_nodes nodes (0: no limit; Pyroscope's default is 8192).
 * Like the server, refuses negative self values. -1 with err. */
int em_diff_flamegraph(em_fg_diff *g, const em_diff *d, int64_t max_nodes, em_error *err);
void em_fg_diff_free(em_fg_diff *g);

#endif

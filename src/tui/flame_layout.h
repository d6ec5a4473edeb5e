/* flame_layout.h - which frame occupies which cells of the icicle.
 *
 * Given a call tree, a zoom (a node, or a group of narrow siblings), and a
 * width in cells, the layout lists for every row the spans [x, x+w) and
 * what they show. Rows are: the breadcrumb (ancestors of the zoom, pinned
 * at the top, capped with a "more" span), then the zoom row, then one row
 * per depth below it.
 *
 * Frames narrower than one cell are never dropped: the narrow children of
 * a frame are grouped into one aggregate span (at least one cell, drawn as
 * '+') placed after the frame's wide children, and the group continues as
 * a column down to the deepest of its frames. A group can be zoomed.
 *
 * No curses, no drawing: this is plain geometry, unit tested. */
#ifndef EMBERS_TUI_FLAME_LAYOUT_H
#define EMBERS_TUI_FLAME_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "embers/tree.h"

enum em_span_kind {
	EM_SPAN_NODE,    /* a frame at or below the zoom */
	EM_SPAN_AGG,     /* narrow children of `node`, k levels below the first */
	EM_SPAN_CRUMB,   /* an ancestor of the zoom */
	EM_SPAN_MORE,    /* elided ancestors; node is the deepest of them */
	EM_SPAN_ZOOMAGG  /* the zoom row when zoomed into a group */
};

struct em_span {
	em_node node;     /* NODE/CRUMB/MORE: the node; AGG/ZOOMAGG: the parent */
	uint32_t k;       /* AGG: level below the group's first row; MORE: count */
	uint32_t kmax;    /* AGG: the group's deepest level */
	uint32_t mfirst;  /* AGG/ZOOMAGG: members in layout->members */
	uint32_t mcount;
	uint16_t x, w;
	uint8_t kind;
};

/* What to lay out from: a node, or (nmembers > 0) a group of node's
 * children. */
struct em_zoom_view {
	em_node node;
	const em_node *members;
	uint32_t nmembers;
};

struct em_flame_layout {
	int width;
	uint32_t nrows;      /* crumb rows + content rows */
	uint32_t ncrumbs;    /* pinned breadcrumb rows at the top */
	uint32_t *row_first; /* nrows + 1: spans of row r are [row_first[r], row_first[r+1]) */
	size_t row_cap;
	struct em_span *spans;
	size_t nspans, spans_cap;
	em_node *members;    /* aggregate members */
	size_t nmembers, members_cap;
	int64_t zoom_mass;   /* value the full width stands for */
	uint32_t zoom_depth; /* tree depth of the zoom row */
	/* scratch */
	void *tmp;
	size_t tmp_cap;
};

/* Heights: height[i] = levels below node i (0 for a leaf). The caller owns
 * the array (n entries); -1 on out of memory. */
int em_tree_heights(const em_tree *t, uint32_t **height);

/* Parents: parent[i] of every node (parent[0] = 0), so that passes over
 * the whole tree run in index order without searching. -1 on OOM. */
int em_tree_parents(const em_tree *t, uint32_t **parent);

/* Lay out `z` over `width` cells, with at most maxcrumbs breadcrumb rows.
 * 0, or -1 on out of memory. */
int em_flame_layout_build(struct em_flame_layout *l, const em_tree *t,
    const uint32_t *height, const struct em_zoom_view *z, int width, int maxcrumbs);
void em_flame_layout_free(struct em_flame_layout *l);

static inline uint32_t em_layout_row_len(const struct em_flame_layout *l, uint32_t r)
{
	return l->row_first[r + 1] - l->row_first[r];
}
static inline const struct em_span *em_layout_row(const struct em_flame_layout *l, uint32_t r)
{
	return l->spans + l->row_first[r];
}

/* Index (into l->spans) of the span covering cell x of row r, or -1. */
long em_layout_at(const struct em_flame_layout *l, uint32_t r, int x);
/* Row of span index i. */
uint32_t em_layout_span_row(const struct em_flame_layout *l, size_t i);
/* Span showing node (kind NODE/CRUMB/ZOOMAGG) or the aggregate (parent, k);
 * -1 when not shown. */
long em_layout_find_node(const struct em_flame_layout *l, const em_tree *t, em_node node);
long em_layout_find_agg(const struct em_flame_layout *l, em_node parent, uint32_t k);
/* The aggregate span holding node (at any level), -1 when none. */
long em_layout_find_hidden(const struct em_flame_layout *l, const em_tree *t, em_node node);

/* Mass and frame count of aggregate span i at its level. */
void em_layout_agg_stats(const struct em_flame_layout *l, const em_tree *t, size_t i,
    int64_t *mass, uint32_t *frames);

#endif

/* fpane.h - a self-contained flame graph pane over any em_tree: its own
 * zoom stack, selection, scrolling and layout, drawn upright (icicle) or
 * upside down (rows bottom-up, for the callers half of the sandwich).
 *
 * The single view (ui.c) keeps its zoom as function paths so it survives a
 * sample type switch; the sandwich, diff and comparison views show trees
 * whose node ids stay valid while the pane lives (the diff's width modes
 * and swap only change totals), so here a zoom is a node id. Keys arrive
 * as actions (actions.h); colours come from a callback. */
#ifndef EMBERS_TUI_FPANE_H
#define EMBERS_TUI_FPANE_H

#include <stdint.h>

#include "embers/profile.h"
#include "embers/tree.h"
#include "actions.h"
#include "flame_layout.h"
#include "screen.h"

struct em_fzoom {
	em_node node;
	em_node *members; /* a group of node's children, or NULL */
	uint32_t nmembers;
};

struct em_fpane {
	const em_tree *t;
	const em_profile *names;  /* names t's function ids */
	uint32_t *height;         /* owned */
	struct em_fzoom *zoom;    /* zoom[nzoom - 1] is shown; none = the root */
	size_t nzoom, zcap;
	struct em_flame_layout fl;
	int dirty;
	uint8_t sel_kind;         /* enum em_span_kind */
	em_node sel_node;
	uint32_t sel_k;
	long sel_i;               /* span of the selection, -1 when none */
	uint32_t ftop;            /* first content row shown */
	int inverted;             /* rows drawn bottom-up */
	int x, y, w, h;
	int mono;
	int utf8;
};

/* Style of a span: the callback gets the span and whether it is selected. */
typedef uint16_t (*em_fpane_style_fn)(void *ctx, const struct em_fpane *fp,
    const struct em_span *s, int selected, uint8_t *attr);
/* Text of a NODE/CRUMB span into buf (NULL: the function's name). */
typedef void (*em_fpane_label_fn)(void *ctx, const struct em_fpane *fp, em_node node,
    char *buf, size_t n);

/* 0, or -1 on out of memory. */
int em_fpane_init(struct em_fpane *fp, const em_tree *t, const em_profile *names,
    int inverted);
void em_fpane_free(struct em_fpane *fp);
/* The tree's totals changed (same shape): lay out again. */
void em_fpane_touch(struct em_fpane *fp);
void em_fpane_place(struct em_fpane *fp, int x, int y, int w, int h);
void em_fpane_layout(struct em_fpane *fp);
/* Move, zoom, back, reset, page; 1 when the action was one of the pane's. */
int em_fpane_action(struct em_fpane *fp, enum em_action a);
/* Select node, zooming out to the root when it is outside the zoom and
 * into it when it is too narrow for a cell of its own. */
void em_fpane_select(struct em_fpane *fp, em_node node);
/* Zoom into node (pushes a step). */
int em_fpane_zoom(struct em_fpane *fp, em_node node);
/* The selected node, EM_NODE_NONE for a + group. */
em_node em_fpane_sel(const struct em_fpane *fp);
/* The selected span, NULL when none. */
const struct em_span *em_fpane_sel_span(const struct em_fpane *fp);
em_node em_fpane_zoom_node(const struct em_fpane *fp);
/* Span under screen cell (x, y), -1 when none; em_fpane_click selects it. */
long em_fpane_hit(struct em_fpane *fp, int x, int y);
int em_fpane_click(struct em_fpane *fp, int x, int y);
void em_fpane_draw(struct em_fpane *fp, struct em_screen *scr, em_fpane_style_fn style,
    em_fpane_label_fn label, void *ctx);

#endif

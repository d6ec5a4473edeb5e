/* fpane.c - a flame graph pane over any em_tree (fpane.h): zoom stack of
 * node ids, selection kept as (kind, node, level) and found again in each
 * new layout, scrolling, keys, mouse hits, and drawing upright or upside
 * down. The sandwich, diff and comparison views are built from these. */
#include <stdlib.h>
#include <string.h>

#include "embers/vec.h"
#include "fpane.h"
#include "theme.h"

int em_fpane_init(struct em_fpane *fp, const em_tree *t, const em_profile *names,
    int inverted)
{
	memset(fp, 0, sizeof(*fp));
	if (em_tree_heights(t, &fp->height) < 0)
		return -1;
	fp->t = t;
	fp->names = names;
	fp->inverted = inverted;
	fp->dirty = 1;
	fp->sel_kind = EM_SPAN_NODE;
	fp->sel_node = 0;
	fp->sel_i = -1;
	fp->utf8 = 1;
	return 0;
}

static void zoom_drop(struct em_fzoom *z)
{
	free(z->members);
	memset(z, 0, sizeof(*z));
}

void em_fpane_free(struct em_fpane *fp)
{
	for (size_t i = 0; i < fp->nzoom; i++)
		zoom_drop(&fp->zoom[i]);
	free(fp->zoom);
	free(fp->height);
	em_flame_layout_free(&fp->fl);
	memset(fp, 0, sizeof(*fp));
}

void em_fpane_touch(struct em_fpane *fp)
{
	fp->dirty = 1;
}

void em_fpane_place(struct em_fpane *fp, int x, int y, int w, int h)
{
	if (w != fp->w || h != fp->h)
		fp->dirty = 1;
	fp->x = x;
	fp->y = y;
	fp->w = w;
	fp->h = h;
}

em_node em_fpane_zoom_node(const struct em_fpane *fp)
{
	return fp->nzoom ? fp->zoom[fp->nzoom - 1].node : 0;
}

/* --- layout and selection ------------------------------------------------ */

static long zoom_row_span(const struct em_fpane *fp)
{
	if (fp->fl.nrows <= fp->fl.ncrumbs)
		return -1;
	return (long)fp->fl.row_first[fp->fl.ncrumbs];
}

static void sel_from_span(struct em_fpane *fp, long i)
{
	const struct em_span *s;

	fp->sel_i = i;
	if (i < 0)
		return;
	s = &fp->fl.spans[i];
	fp->sel_kind = s->kind == EM_SPAN_CRUMB ? EM_SPAN_NODE : s->kind;
	fp->sel_node = s->node;
	fp->sel_k = s->k;
}

static void resolve_sel(struct em_fpane *fp)
{
	const struct em_flame_layout *l = &fp->fl;
	long i = -1;

	if (fp->sel_kind == EM_SPAN_NODE || fp->sel_kind == EM_SPAN_MORE) {
		i = em_layout_find_node(l, fp->t, fp->sel_node);
		if (i < 0)
			i = em_layout_find_hidden(l, fp->t, fp->sel_node);
	} else if (fp->sel_kind == EM_SPAN_AGG) {
		i = em_layout_find_agg(l, fp->sel_node, fp->sel_k);
	} else if (fp->sel_kind == EM_SPAN_ZOOMAGG) {
		i = zoom_row_span(fp);
	}
	if (i < 0)
		i = zoom_row_span(fp);
	sel_from_span(fp, i);
}

static uint32_t visible_rows(const struct em_fpane *fp)
{
	return fp->h > (int)fp->fl.ncrumbs ? (uint32_t)fp->h - fp->fl.ncrumbs : 1;
}

/* Keep the selection on screen and ftop in range. */
static void scroll_to_sel(struct em_fpane *fp)
{
	const struct em_flame_layout *l = &fp->fl;
	uint32_t vis = visible_rows(fp), ncontent, r;

	if (l->nrows == 0)
		return;
	ncontent = l->nrows - l->ncrumbs;
	if (fp->sel_i >= 0) {
		r = em_layout_span_row(l, (size_t)fp->sel_i);
		if (r >= l->ncrumbs) {
			r -= l->ncrumbs;
			if (r < fp->ftop)
				fp->ftop = r;
			else if (r >= fp->ftop + vis)
				fp->ftop = r - vis + 1;
		}
	}
	if (ncontent <= vis)
		fp->ftop = 0;
	else if (fp->ftop > ncontent - vis)
		fp->ftop = ncontent - vis;
}

void em_fpane_layout(struct em_fpane *fp)
{
	if (fp->dirty) {
		const struct em_fzoom *z = fp->nzoom ? &fp->zoom[fp->nzoom - 1] : NULL;
		struct em_zoom_view v = { z ? z->node : 0, z ? z->members : NULL,
			z ? z->nmembers : 0 };
		int maxcrumbs = fp->h / 4 < 1 ? 1 : fp->h / 4;

		if (em_flame_layout_build(&fp->fl, fp->t, fp->height, &v, fp->w > 0 ? fp->w : 1,
		    maxcrumbs) < 0) {
			fp->fl.nrows = 0; /* out of memory: an empty pane */
			fp->fl.nspans = 0;
		}
		fp->dirty = 0;
		resolve_sel(fp);
	} else if (fp->sel_i < 0 || (size_t)fp->sel_i >= fp->fl.nspans) {
		resolve_sel(fp);
	}
	scroll_to_sel(fp);
}

em_node em_fpane_sel(const struct em_fpane *fp)
{
	return fp->sel_kind == EM_SPAN_NODE || fp->sel_kind == EM_SPAN_MORE ? fp->sel_node
	    : EM_NODE_NONE;
}

const struct em_span *em_fpane_sel_span(const struct em_fpane *fp)
{
	return fp->sel_i >= 0 && (size_t)fp->sel_i < fp->fl.nspans ? &fp->fl.spans[fp->sel_i]
	    : NULL;
}

/* --- zoom ------------------------------------------------------------------ */

static int zoom_push(struct em_fpane *fp, em_node node, const em_node *m, uint32_t nm)
{
	struct em_fzoom z = { node, NULL, 0 };

	if (nm > 0) {
		z.members = malloc(nm * sizeof(*m));
		if (z.members == NULL)
			return -1;
		memcpy(z.members, m, nm * sizeof(*m));
		z.nmembers = nm;
	}
	if (EM_VEC_RESERVE(fp->zoom, fp->zcap, fp->nzoom + 1) < 0) {
		free(z.members);
		return -1;
	}
	fp->zoom[fp->nzoom++] = z;
	fp->dirty = 1;
	fp->ftop = 0;
	fp->sel_kind = nm > 0 ? EM_SPAN_ZOOMAGG : EM_SPAN_NODE;
	fp->sel_node = node;
	fp->sel_k = 0;
	return 0;
}

int em_fpane_zoom(struct em_fpane *fp, em_node node)
{
	if (node >= fp->t->n || node == em_fpane_zoom_node(fp))
		return 0;
	return zoom_push(fp, node, NULL, 0);
}

static void zoom_selected(struct em_fpane *fp)
{
	const struct em_span *s = em_fpane_sel_span(fp);

	if (s == NULL)
		return;
	if (s->kind == EM_SPAN_AGG) {
		if (s->mcount == 1)
			zoom_push(fp, fp->fl.members[s->mfirst], NULL, 0);
		else if (s->mcount > 1) {
			em_node *m = malloc(s->mcount * sizeof(*m));
			if (m == NULL)
				return;
			memcpy(m, fp->fl.members + s->mfirst, s->mcount * sizeof(*m));
			zoom_push(fp, s->node, m, s->mcount);
			free(m);
		}
	} else if (s->kind != EM_SPAN_ZOOMAGG && !(s->node == em_fpane_zoom_node(fp) &&
	    (fp->nzoom == 0 || fp->zoom[fp->nzoom - 1].nmembers == 0))) {
		zoom_push(fp, s->node, NULL, 0);
	}
}

static void zoom_back(struct em_fpane *fp)
{
	em_node was;

	if (fp->nzoom == 0)
		return;
	was = fp->zoom[fp->nzoom - 1].node;
	zoom_drop(&fp->zoom[--fp->nzoom]);
	fp->dirty = 1;
	fp->sel_kind = EM_SPAN_NODE;
	fp->sel_node = was;
}

void em_fpane_select(struct em_fpane *fp, em_node node)
{
	if (node >= fp->t->n)
		return;
	fp->sel_kind = EM_SPAN_NODE;
	fp->sel_node = node;
	fp->sel_i = -1;
	em_fpane_layout(fp);
	if (fp->sel_i >= 0 && fp->fl.spans[fp->sel_i].node == node)
		return;
	if (em_layout_find_hidden(&fp->fl, fp->t, node) < 0) {
		/* outside the zoom: show it from the root */
		while (fp->nzoom > 0)
			zoom_drop(&fp->zoom[--fp->nzoom]);
		fp->dirty = 1;
		fp->sel_kind = EM_SPAN_NODE;
		fp->sel_node = node;
		em_fpane_layout(fp);
		if (fp->sel_i >= 0 && fp->fl.spans[fp->sel_i].node == node)
			return;
	}
	/* too narrow for a cell of its own (inside a + group): zoom into it,
	 * as the single view does for a table row, so the frame itself is
	 * selected rather than its group */
	if (em_fpane_zoom(fp, node) < 0)
		return;
	fp->sel_kind = EM_SPAN_NODE;
	fp->sel_node = node;
	em_fpane_layout(fp);
}

/* --- keys and mouse ------------------------------------------------------- */

static void select_row(struct em_fpane *fp, int dr)
{
	uint32_t r;
	long want;

	if (fp->sel_i < 0)
		return;
	r = em_layout_span_row(&fp->fl, (size_t)fp->sel_i);
	want = (long)r + dr;
	if (want < 0)
		want = 0;
	if (want >= (long)fp->fl.nrows)
		want = (long)fp->fl.nrows - 1;
	if (want == (long)r)
		return;
	/* children start at their parent's first cell */
	sel_from_span(fp, em_layout_at(&fp->fl, (uint32_t)want, fp->fl.spans[fp->sel_i].x));
	if (fp->sel_i < 0)
		resolve_sel(fp);
}

static void select_sibling(struct em_fpane *fp, int dir)
{
	uint32_t r;
	long i;

	if (fp->sel_i < 0)
		return;
	r = em_layout_span_row(&fp->fl, (size_t)fp->sel_i);
	i = fp->sel_i + dir;
	if (i >= (long)fp->fl.row_first[r] && i < (long)fp->fl.row_first[r + 1])
		sel_from_span(fp, i);
}

int em_fpane_action(struct em_fpane *fp, enum em_action a)
{
	uint32_t page = visible_rows(fp) > 1 ? visible_rows(fp) - 1 : 1;
	int up = fp->inverted ? 1 : -1; /* the layout row the Up key moves to */

	em_fpane_layout(fp);
	switch (a) {
	case EM_ACT_PARENT:
		select_row(fp, up);
		break;
	case EM_ACT_CHILD:
		select_row(fp, -up);
		break;
	case EM_ACT_PREV:
	case EM_ACT_NEXT:
		select_sibling(fp, a == EM_ACT_NEXT ? 1 : -1);
		break;
	case EM_ACT_FIRST:
		if (fp->fl.nrows > 0)
			sel_from_span(fp, 0);
		break;
	case EM_ACT_PAGE_UP:
	case EM_ACT_PAGE_DOWN:
		/* the selection moves a page; the view follows it */
		select_row(fp, (a == EM_ACT_PAGE_UP ? up : -up) * (int)page);
		break;
	case EM_ACT_ZOOM:
		zoom_selected(fp);
		break;
	case EM_ACT_BACK:
		zoom_back(fp);
		break;
	case EM_ACT_RESET:
		if (fp->nzoom == 0)
			return 0;
		while (fp->nzoom > 0)
			zoom_drop(&fp->zoom[--fp->nzoom]);
		fp->dirty = 1;
		break;
	default:
		return 0;
	}
	em_fpane_layout(fp);
	return 1;
}

/* The layout row shown on screen line `line` of the pane, or -1. */
static long row_at_line(const struct em_fpane *fp, int line)
{
	if (line < 0 || line >= fp->h)
		return -1;
	if ((uint32_t)line < fp->fl.ncrumbs)
		return line;
	return (long)(fp->ftop + (uint32_t)line);
}

long em_fpane_hit(struct em_fpane *fp, int x, int y)
{
	int line;
	long r;

	em_fpane_layout(fp);
	if (x < fp->x || x >= fp->x + fp->w || y < fp->y || y >= fp->y + fp->h)
		return -1;
	line = fp->inverted ? fp->y + fp->h - 1 - y : y - fp->y;
	r = row_at_line(fp, line);
	if (r < 0 || r >= (long)fp->fl.nrows)
		return -1;
	return em_layout_at(&fp->fl, (uint32_t)r, x - fp->x);
}

int em_fpane_click(struct em_fpane *fp, int x, int y)
{
	long i = em_fpane_hit(fp, x, y);

	if (i < 0)
		return 0;
	sel_from_span(fp, i);
	return 1;
}

/* --- drawing ----------------------------------------------------------- */

static void draw_row(struct em_fpane *fp, struct em_screen *scr, uint32_t r, int y,
    em_fpane_style_fn style, em_fpane_label_fn label, void *ctx)
{
	const struct em_flame_layout *l = &fp->fl;
	const struct em_glyphs *g = em_glyphs_get(fp->utf8);

	for (uint32_t i = l->row_first[r]; i < l->row_first[r + 1]; i++) {
		const struct em_span *s = &l->spans[i];
		uint8_t attr = 0;
		uint16_t st = style(ctx, fp, s, (long)i == fp->sel_i, &attr);
		char buf[512];
		int x = fp->x + s->x, w = s->w;

		switch (s->kind) {
		case EM_SPAN_MORE:
			snprintf(buf, sizeof(buf), "%s %u more frames %s", g->ellipsis, s->k,
			    g->ellipsis);
			break;
		case EM_SPAN_AGG:
			snprintf(buf, sizeof(buf), "%s", g->agg);
			break;
		case EM_SPAN_ZOOMAGG:
			snprintf(buf, sizeof(buf), "%s %u frames of %s", g->agg, s->mcount,
			    em_tree_name(fp->t, fp->names, s->node));
			break;
		default:
			if (label != NULL)
				label(ctx, fp, s->node, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "%s", em_tree_name(fp->t, fp->names, s->node));
			break;
		}
		if (fp->mono && w >= 2) {
			/* without colour, a gap marks where a frame ends */
			em_screen_fill(scr, x + w - 1, y, 1, " ", EM_ST_NORMAL, 0);
			w--;
		}
		em_screen_fit(scr, x, y, w, buf, strlen(buf), st, attr);
	}
}

void em_fpane_draw(struct em_fpane *fp, struct em_screen *scr, em_fpane_style_fn style,
    em_fpane_label_fn label, void *ctx)
{
	if (fp->w <= 0 || fp->h <= 0)
		return;
	em_fpane_layout(fp);
	for (int line = 0; line < fp->h; line++) {
		long r = row_at_line(fp, line);
		int y = fp->inverted ? fp->y + fp->h - 1 - line : fp->y + line;

		if (r < 0 || r >= (long)fp->fl.nrows)
			continue;
		draw_row(fp, scr, (uint32_t)r, y, style, label, ctx);
	}
}

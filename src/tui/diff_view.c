/* diff_view.c - the diff view (diff_view.h): building the diff and its
 * table, keys (scale, swap, width mode, sort, comparison toggle, the
 * flame graph's moves), and drawing the heat-coloured flame graph, the
 * diff table, the status line with its legend and the selection's
 * figures. The comparison is in compare_view.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "diff_view.h"
#include "embers/units.h"
#include "ui.h"

void em_dview_msg(struct em_dview *v, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof(v->msg), fmt, ap);
	va_end(ap);
	v->msg_error = error;
}

/* --- setup --------------------------------------------------------------- */

int em_dview_init(struct em_dview *v, em_profile *base, uint32_t btype, const char *btitle,
    em_profile *nw, uint32_t ntype, const char *ntitle, const struct em_theme *theme,
    em_error *err)
{
	memset(v, 0, sizeof(*v));
	if (btype >= base->ntypes || ntype >= nw->ntypes)
		return em_error_set(err, "no such sample type");
	if (em_diff_build_profiles(&v->d, base, btype, nw, ntype, err) < 0)
		return -1;
	if (em_top_build(&v->top[EM_BASE], base, btype, err) < 0)
		goto fail_diff;
	if (em_top_build(&v->top[EM_NEW], nw, ntype, err) < 0)
		goto fail_top;
	if (em_diff_top_build(&v->dt, base, &v->top[EM_BASE], nw, &v->top[EM_NEW], err) < 0)
		goto fail_tops;
	if (em_fpane_init(&v->fp, &v->d.tree, v->d.names, 0) < 0 ||
	    em_fpane_init(&v->side[EM_BASE], v->d.side[EM_BASE], base, 0) < 0 ||
	    em_fpane_init(&v->side[EM_NEW], v->d.side[EM_NEW], nw, 0) < 0) {
		em_fpane_free(&v->fp);
		em_fpane_free(&v->side[EM_BASE]);
		em_error_set(err, "out of memory");
		goto fail_table;
	}
	v->p[EM_BASE] = base;
	v->p[EM_NEW] = nw;
	v->type[EM_BASE] = btype;
	v->type[EM_NEW] = ntype;
	snprintf(v->title[EM_BASE], sizeof(v->title[0]), "%s", btitle);
	snprintf(v->title[EM_NEW], sizeof(v->title[1]), "%s", ntitle);
	v->theme = theme;
	v->sort = EM_DSORT_SELF_CHANGE;
	v->layout = EM_LAYOUT_BOTH;
	v->focus = EM_PANE_FLAME;
	v->cfocus = EM_NEW;
	v->utf8 = 1;
	em_dview_resize(v, 80, 24);
	return 0;
fail_table:
	em_diff_top_free(&v->dt);
fail_tops:
	em_top_free(&v->top[EM_NEW]);
fail_top:
	em_top_free(&v->top[EM_BASE]);
fail_diff:
	em_diff_free(&v->d);
	return -1;
}

void em_dview_free(struct em_dview *v)
{
	em_fpane_free(&v->fp);
	em_fpane_free(&v->side[0]);
	em_fpane_free(&v->side[1]);
	em_diff_top_free(&v->dt);
	em_top_free(&v->top[0]);
	em_top_free(&v->top[1]);
	em_diff_free(&v->d);
	if (v->p[1] != v->p[0] && v->p[1] != NULL)
		em_profile_free(v->p[1]);
	if (v->p[0] != NULL)
		em_profile_free(v->p[0]);
	memset(v, 0, sizeof(*v));
}

static int table_rows(const struct em_dview *v)
{
	return v->th > 1 ? v->th - 1 : 1;
}

void em_dview_resize(struct em_dview *v, int w, int h)
{
	int bh = h - 2;

	v->w = w;
	v->h = h;
	if (bh < 1)
		bh = 1;
	if (v->layout == EM_LAYOUT_FLAME) {
		v->fy = 0, v->fh = bh, v->ty = bh, v->th = 0;
	} else if (v->layout == EM_LAYOUT_TABLE) {
		v->fy = 0, v->fh = 0, v->ty = 0, v->th = bh;
	} else {
		v->fy = 0, v->fh = bh * 3 / 5, v->ty = v->fh, v->th = bh - v->fh;
	}
	em_fpane_place(&v->fp, 0, v->fy, w, v->fh);
	v->fp.utf8 = v->side[0].utf8 = v->side[1].utf8 = v->utf8;
	v->fp.mono = v->side[0].mono = v->side[1].mono = v->mono;
	em_cmp_place(v);
}

/* --- table ----------------------------------------------------------------- */

static void table_clamp(struct em_dview *v)
{
	uint32_t rows = (uint32_t)table_rows(v);

	if (v->dt.n == 0) {
		v->tcur = v->tscroll = 0;
		return;
	}
	if (v->tcur >= v->dt.n)
		v->tcur = v->dt.n - 1;
	if (v->tcur < v->tscroll)
		v->tscroll = v->tcur;
	else if (v->tcur >= v->tscroll + rows)
		v->tscroll = v->tcur - rows + 1;
}

static void table_move(struct em_dview *v, long delta)
{
	long c = (long)v->tcur + delta;

	if (c < 0)
		c = 0;
	v->tcur = (uint32_t)c;
	table_clamp(v);
}

static void resort(struct em_dview *v)
{
	em_func_id f = v->dt.n ? v->dt.rows[v->tcur].func : EM_FUNC_NONE;

	em_diff_top_sort(&v->dt, v->sort, v->d.scale, v->reverse);
	for (uint32_t i = 0; i < v->dt.n; i++)
		if (v->dt.rows[i].func == f)
			v->tcur = i;
	table_clamp(v);
}

/* The heaviest node of the function under the table cursor. */
static void show_row_func(struct em_dview *v)
{
	em_node best = EM_NODE_NONE;
	em_func_id f;

	if (v->dt.n == 0)
		return;
	f = v->dt.rows[v->tcur].func;
	for (em_node i = 1; i < v->d.tree.n; i++)
		if (v->d.tree.func[i] == f && (best == EM_NODE_NONE ||
		    v->d.tree.total[i] > v->d.tree.total[best]))
			best = i;
	if (best == EM_NODE_NONE)
		return;
	em_fpane_select(&v->fp, best);
	if (v->layout == EM_LAYOUT_TABLE)
		v->layout = EM_LAYOUT_BOTH;
	v->focus = EM_PANE_FLAME;
	em_dview_resize(v, v->w, v->h);
}

/* --- keys ----------------------------------------------------------------- */

static const char *scale_name(em_diff_scale s)
{
	return s == EM_DIFF_ABSOLUTE ? "absolute" : "normalised";
}

static const char *width_name(em_diff_width w)
{
	return w == EM_WIDTH_NEW ? "new" : w == EM_WIDTH_BASE ? "base" : "max";
}

static void set_width(struct em_dview *v, em_diff_width w, em_diff_scale s)
{
	em_diff_set_width(&v->d, w, s);
	em_fpane_touch(&v->fp);
	resort(v);
}

static void swap_sides(struct em_dview *v)
{
	struct em_fpane t = v->side[0];
	em_profile *p = v->p[0];
	uint32_t ty = v->type[0];
	char title[256];

	em_diff_swap(&v->d);
	em_diff_top_swap(&v->dt);
	v->side[0] = v->side[1];
	v->side[1] = t;
	v->p[0] = v->p[1];
	v->p[1] = p;
	v->type[0] = v->type[1];
	v->type[1] = ty;
	memcpy(title, v->title[0], sizeof(title));
	memcpy(v->title[0], v->title[1], sizeof(title));
	memcpy(v->title[1], title, sizeof(title));
	v->cfocus = !v->cfocus;
	em_fpane_touch(&v->fp);
	em_cmp_place(v);
	resort(v);
	em_dview_msg(v, 0, "base is now %s, new is %s", v->title[0], v->title[1]);
}

static void table_action(struct em_dview *v, enum em_action a)
{
	int page = table_rows(v) > 1 ? table_rows(v) - 1 : 1;

	switch (a) {
	case EM_ACT_PARENT: table_move(v, -1); break;
	case EM_ACT_CHILD: table_move(v, 1); break;
	case EM_ACT_PAGE_UP: table_move(v, -page); break;
	case EM_ACT_PAGE_DOWN: table_move(v, page); break;
	case EM_ACT_FIRST: v->tcur = 0; table_clamp(v); break;
	case EM_ACT_LAST: v->tcur = v->dt.n ? v->dt.n - 1 : 0; table_clamp(v); break;
	case EM_ACT_ZOOM: show_row_func(v); break;
	default: break;
	}
}

static int help_key(struct em_dview *v, enum em_action a)
{
	if (a == EM_ACT_CHILD)
		v->help_top++;
	else if (a == EM_ACT_PARENT && v->help_top > 0)
		v->help_top--;
	else
		v->help = 0;
	return 0;
}

static int do_action(struct em_dview *v, enum em_action a)
{
	switch (a) {
	case EM_ACT_QUIT:
		return EM_UI_QUIT;
	case EM_ACT_REDRAW:
		return EM_UI_CLEAR;
	case EM_ACT_HELP:
		v->help = 1;
		v->help_top = 0;
		return 0;
	case EM_ACT_DIFF_SCALE:
		set_width(v, v->d.width, v->d.scale == EM_DIFF_NORMALISED ? EM_DIFF_ABSOLUTE
		    : EM_DIFF_NORMALISED);
		em_dview_msg(v, 0, "%s values%s", scale_name(v->d.scale),
		    v->d.scale == EM_DIFF_NORMALISED ? " (shares of each side's total)" : "");
		return 0;
	case EM_ACT_DIFF_WIDTH:
		set_width(v, (em_diff_width)((v->d.width + 1) % 3), v->d.scale);
		em_dview_msg(v, 0, "frame width: the %s value%s", width_name(v->d.width),
		    v->d.width == EM_WIDTH_MAX ? " (larger of base and new)" : "");
		return 0;
	case EM_ACT_DIFF_SWAP:
		swap_sides(v);
		return 0;
	case EM_ACT_DIFF_COMPARE:
		if (v->compare) {
			em_node n = em_cmp_leave(v);
			v->compare = 0;
			if (n != EM_NODE_NONE)
				em_fpane_select(&v->fp, n);
		} else {
			em_fpane_layout(&v->fp);
			v->compare = 1;
			em_cmp_place(v);
			em_cmp_enter(v, em_fpane_sel(&v->fp));
		}
		return 0;
	default:
		break;
	}
	if (v->compare) {
		em_cmp_action(v, a);
		return 0;
	}
	switch (a) {
	case EM_ACT_SORT:
		v->sort = (em_diff_sort)((v->sort + 1) % (EM_DSORT_NAME + 1));
		v->reverse = 0;
		resort(v);
		em_dview_msg(v, 0, "sorted by %s", em_diff_sort_name(v->sort));
		return 0;
	case EM_ACT_SORT_REVERSE:
		v->reverse = !v->reverse;
		resort(v);
		return 0;
	case EM_ACT_LAYOUT:
		v->layout = (v->layout + 1) % 3;
		v->focus = v->layout == EM_LAYOUT_TABLE ? EM_PANE_TABLE :
		    v->layout == EM_LAYOUT_FLAME ? EM_PANE_FLAME : v->focus;
		em_dview_resize(v, v->w, v->h);
		return 0;
	case EM_ACT_FOCUS:
		if (v->layout == EM_LAYOUT_BOTH)
			v->focus = v->focus == EM_PANE_FLAME ? EM_PANE_TABLE : EM_PANE_FLAME;
		return 0;
	default:
		break;
	}
	if (v->focus == EM_PANE_TABLE)
		table_action(v, a);
	else
		em_fpane_action(&v->fp, a);
	return 0;
}

int em_dview_key(struct em_dview *v, int key)
{
	enum em_action a;

	if (key == EM_KEY_RESIZE || key == EM_KEY_NONE)
		return 0;
	v->msg[0] = '\0';
	a = em_action_for_key(key);
	if (v->w < EM_MIN_W || v->h < EM_MIN_H)
		return a == EM_ACT_QUIT ? EM_UI_QUIT : 0;
	if (v->help)
		return a == EM_ACT_QUIT ? EM_UI_QUIT : help_key(v, a);
	return a == EM_ACT_NONE ? 0 : do_action(v, a);
}

void em_dview_mouse(struct em_dview *v, int ev, int x, int y)
{
	v->msg[0] = '\0';
	if (v->help) {
		v->help = 0;
		return;
	}
	if (v->compare) {
		em_cmp_mouse(v, ev, x, y);
		return;
	}
	if (y >= v->fy && y < v->fy + v->fh) {
		v->focus = EM_PANE_FLAME;
		if (ev == EM_MOUSE_WHEEL_UP || ev == EM_MOUSE_WHEEL_DOWN)
			em_fpane_action(&v->fp, ev == EM_MOUSE_WHEEL_UP ? EM_ACT_PARENT : EM_ACT_CHILD);
		else if (em_fpane_click(&v->fp, x, y) && ev == EM_MOUSE_DOUBLE)
			em_fpane_action(&v->fp, EM_ACT_ZOOM);
	} else if (y > v->ty && y < v->ty + v->th) {
		v->focus = EM_PANE_TABLE;
		if (ev == EM_MOUSE_WHEEL_UP || ev == EM_MOUSE_WHEEL_DOWN) {
			table_move(v, ev == EM_MOUSE_WHEEL_UP ? -3 : 3);
			return;
		}
		v->tcur = v->tscroll + (uint32_t)(y - v->ty - 1);
		table_clamp(v);
		if (ev == EM_MOUSE_DOUBLE)
			show_row_func(v);
	}
}

/* --- drawing: the flame graph --------------------------------------------- */

uint16_t em_dview_heat_style(const struct em_dview *v, em_node i)
{
	double h = em_diff_heat(em_diff_total(&v->d, EM_BASE, i), v->d.sum[EM_BASE],
	    em_diff_total(&v->d, EM_NEW, i), v->d.sum[EM_NEW], v->d.scale);
	double a = fabs(h);

	if (a < 0.02)
		return EM_ST_DIFF_SAME;
	if (h > 0)
		return a < 0.2 ? EM_ST_DIFF_GROW1 : a < 0.5 ? EM_ST_DIFF_GROW2 : EM_ST_DIFF_GROW3;
	return a < 0.2 ? EM_ST_DIFF_SHRINK1 : a < 0.5 ? EM_ST_DIFF_SHRINK2 : EM_ST_DIFF_SHRINK3;
}

static uint16_t flame_style(void *ctx, const struct em_fpane *fp, const struct em_span *s,
    int selected, uint8_t *attr)
{
	struct em_dview *v = ctx;

	(void)fp;
	*attr = 0;
	if (selected)
		return EM_ST_FRAME_SEL;
	if (s->kind == EM_SPAN_AGG || s->kind == EM_SPAN_ZOOMAGG)
		return EM_ST_AGG;
	if (s->kind != EM_SPAN_NODE || s->node == 0)
		return EM_ST_CRUMB;
	if (em_diff_flags(&v->d, s->node) != 0)
		*attr = EM_A_BOLD;
	return em_dview_heat_style(v, s->node);
}

static void flame_label(void *ctx, const struct em_fpane *fp, em_node node, char *buf,
    size_t n)
{
	struct em_dview *v = ctx;
	unsigned fl = node ? em_diff_flags(&v->d, node) : 0;

	snprintf(buf, n, "%s%s", fl == EM_DIFF_ADDED ? "[+]" : fl == EM_DIFF_REMOVED ? "[-]" : "",
	    em_tree_name(fp->t, v->d.names, node));
}

/* --- drawing: the table --------------------------------------------------- */

static const char *unit_of(const struct em_dview *v, int side)
{
	return em_profile_cstr(v->p[side], v->p[side]->types[v->type[side]].unit);
}

static void cell_value(const struct em_dview *v, char *buf, size_t n, int64_t x, int side)
{
	if (v->d.scale == EM_DIFF_NORMALISED)
		em_fmt_pct(buf, n, x, v->dt.sum[side]);
	else if (x == 0)
		snprintf(buf, n, "0");
	else
		em_fmt_value(buf, n, x, unit_of(v, side));
}

static void cell_change(const struct em_dview *v, char *buf, size_t n, int64_t b, int64_t x)
{
	double d = em_diff_delta(b, v->dt.sum[EM_BASE], x, v->dt.sum[EM_NEW], v->d.scale);

	if (v->d.scale == EM_DIFF_NORMALISED) {
		snprintf(buf, n, "%+.2fpp", d * 100.0);
	} else if (x - b == 0) {
		snprintf(buf, n, "0");
	} else {
		char t[40];
		em_fmt_value(t, sizeof(t), x - b > 0 ? x - b : b - x, unit_of(v, EM_NEW));
		snprintf(buf, n, "%c%s", x - b > 0 ? '+' : '-', t);
	}
}

/* Column of each sort key; the name column is 6. */
static int sort_col(em_diff_sort s)
{
	static const int col[] = { 2, 5, 0, 1, 3, 4, 6 };

	return (int)s >= 0 && (int)s <= EM_DSORT_NAME ? col[s] : -1;
}

static void draw_table(struct em_dview *v, struct em_screen *scr)
{
	static const char *const head[7] = { "base self", "new self", "change", "base total",
		"new total", "change", "function" };
	const struct em_glyphs *g = em_glyphs_get(v->utf8);
	const int cw = 11;
	int x = 0, focused = v->focus == EM_PANE_TABLE;

	if (v->th <= 0)
		return;
	table_clamp(v);
	em_screen_fill(scr, 0, v->ty, v->w, " ", focused ? EM_ST_HEADER_FOCUS : EM_ST_HEADER, 0);
	for (int c = 0; c < 7; c++) {
		char h[48];
		snprintf(h, sizeof(h), "%s%s", head[c], sort_col(v->sort) == c ?
		    (v->reverse ? g->sort_up : g->sort_down) : "");
		em_screen_puts(scr, x, v->ty, c < 6 ? cw : v->w - x, h,
		    focused ? EM_ST_HEADER_FOCUS : EM_ST_HEADER, 0);
		x += cw + 1;
	}
	for (int r = 0; r < v->th - 1 && v->tscroll + (uint32_t)r < v->dt.n; r++) {
		uint32_t i = v->tscroll + (uint32_t)r;
		const em_diff_row *row = &v->dt.rows[i];
		int y = v->ty + 1 + r, sel = i == v->tcur;
		uint16_t st = sel ? (focused ? EM_ST_ROW_SEL : EM_ST_ROW_SEL_DIM) : EM_ST_NORMAL;
		char c[6][64], name[600];
		double heat = em_diff_heat(row->self[EM_BASE], v->dt.sum[EM_BASE], row->self[EM_NEW],
		    v->dt.sum[EM_NEW], v->d.scale);
		int added = row->total[EM_BASE] == 0, removed = row->total[EM_NEW] == 0;

		cell_value(v, c[0], sizeof(c[0]), row->self[EM_BASE], EM_BASE);
		cell_value(v, c[1], sizeof(c[1]), row->self[EM_NEW], EM_NEW);
		cell_change(v, c[2], sizeof(c[2]), row->self[EM_BASE], row->self[EM_NEW]);
		cell_value(v, c[3], sizeof(c[3]), row->total[EM_BASE], EM_BASE);
		cell_value(v, c[4], sizeof(c[4]), row->total[EM_NEW], EM_NEW);
		cell_change(v, c[5], sizeof(c[5]), row->total[EM_BASE], row->total[EM_NEW]);
		em_screen_fill(scr, 0, y, v->w, " ", st, 0);
		x = 0;
		for (int k = 0; k < 6; k++) {
			int tw = (int)strlen(c[k]);
			uint16_t cs = st;
			if (!sel && (k == 2 || k == 5) && fabs(heat) >= 0.02)
				cs = heat > 0 ? EM_ST_DIFF_GROW3 : EM_ST_DIFF_SHRINK3;
			em_screen_puts(scr, x + (tw < cw ? cw - tw : 0), y, cw, c[k], cs, 0);
			x += cw + 1;
		}
		snprintf(name, sizeof(name), "%s%s", added ? "[+]" : removed ? "[-]" : "",
		    em_func_name(v->dt.names, row->func));
		em_screen_fit_mid(scr, x, y, v->w - x, name, strlen(name), st, 0);
	}
}

/* --- drawing: status, info, help ----------------------------------------- */

static void draw_status(struct em_dview *v, struct em_screen *scr, int y)
{
	const struct em_glyphs *g = em_glyphs_get(v->utf8);
	char line[1024], a[48], b[48];
	int x;

	em_fmt_value(a, sizeof(a), v->d.sum[EM_BASE], unit_of(v, EM_BASE));
	em_fmt_value(b, sizeof(b), v->d.sum[EM_NEW], unit_of(v, EM_NEW));
	snprintf(line, sizeof(line), " %s, width %s %s base %s, new %s %s %s %s diff %s -> %s ",
	    scale_name(v->d.scale), width_name(v->d.width), g->vline, a, b, g->vline,
	    em_profile_cstr(v->p[EM_NEW], v->p[EM_NEW]->types[v->type[EM_NEW]].type), g->vline,
	    v->title[EM_BASE], v->title[EM_NEW]);
	em_screen_fill(scr, 0, y, scr->w, " ", EM_ST_STATUS, 0);
	/* the legend keeps its place at the right end: the colours explain themselves */
	x = scr->w - 40;
	if (x < 0)
		x = 0;
	em_screen_fit(scr, 0, y, x, line, strlen(line), EM_ST_STATUS, 0);
	x += em_screen_puts(scr, x, y, 2, g->block, EM_ST_DIFF_GROW3, 0);
	x += em_screen_puts(scr, x, y, 8, " grew ", EM_ST_STATUS, 0);
	x += em_screen_puts(scr, x, y, 2, g->block, EM_ST_DIFF_SHRINK3, 0);
	x += em_screen_puts(scr, x, y, 10, " shrank ", EM_ST_STATUS, 0);
	em_screen_puts(scr, x, y, scr->w - x, "[+]added [-]removed", EM_ST_STATUS, 0);
}

static void figures(const struct em_dview *v, char *buf, size_t n, int64_t bs, int64_t bt,
    int64_t ns, int64_t nt)
{
	char a[48], b[24], c[48], d[24], e[48], f[24], gg[48], h[24], ch[64], cs[64];

	em_fmt_value(a, sizeof(a), bs, unit_of(v, EM_BASE));
	em_fmt_pct(b, sizeof(b), bs, v->d.sum[EM_BASE]);
	em_fmt_value(c, sizeof(c), bt, unit_of(v, EM_BASE));
	em_fmt_pct(d, sizeof(d), bt, v->d.sum[EM_BASE]);
	em_fmt_value(e, sizeof(e), ns, unit_of(v, EM_NEW));
	em_fmt_pct(f, sizeof(f), ns, v->d.sum[EM_NEW]);
	em_fmt_value(gg, sizeof(gg), nt, unit_of(v, EM_NEW));
	em_fmt_pct(h, sizeof(h), nt, v->d.sum[EM_NEW]);
	cell_change(v, ch, sizeof(ch), bt, nt);
	cell_change(v, cs, sizeof(cs), bs, ns);
	snprintf(buf, n, "base self %s (%s) total %s (%s) | new self %s (%s) total %s (%s) | "
	    "change total %s self %s", a, b, c, d, e, f, gg, h, ch, cs);
}

static void draw_info(struct em_dview *v, struct em_screen *scr, int y)
{
	char line[1400], fig[800];
	em_node i;

	em_screen_fill(scr, 0, y, scr->w, " ", EM_ST_INFO, 0);
	if (v->msg[0] != '\0') {
		em_screen_fit(scr, 0, y, scr->w, v->msg, strlen(v->msg),
		    v->msg_error ? EM_ST_ERROR : EM_ST_INFO, 0);
		return;
	}
	if (v->compare) {
		em_cmp_info(v, line, sizeof(line));
	} else if (v->focus == EM_PANE_TABLE) {
		const em_diff_row *r = v->dt.n ? &v->dt.rows[v->tcur] : NULL;
		if (r == NULL)
			snprintf(line, sizeof(line), "no functions");
		else {
			figures(v, fig, sizeof(fig), r->self[EM_BASE], r->total[EM_BASE],
			    r->self[EM_NEW], r->total[EM_NEW]);
			snprintf(line, sizeof(line), "%s | %s", em_func_name(v->dt.names, r->func), fig);
		}
	} else if ((i = em_fpane_sel(&v->fp)) == EM_NODE_NONE) {
		snprintf(line, sizeof(line), "a group of narrow frames (Enter zooms)");
	} else {
		unsigned fl = em_diff_flags(&v->d, i);
		figures(v, fig, sizeof(fig), em_diff_self(&v->d, EM_BASE, i),
		    em_diff_total(&v->d, EM_BASE, i), em_diff_self(&v->d, EM_NEW, i),
		    em_diff_total(&v->d, EM_NEW, i));
		snprintf(line, sizeof(line), "%s%s | %s", em_tree_name(&v->d.tree, v->d.names, i),
		    fl == EM_DIFF_ADDED ? " (added: only in new)" :
		    fl == EM_DIFF_REMOVED ? " (removed: only in base)" : "", fig);
	}
	em_screen_fit(scr, 0, y, scr->w, line, strlen(line), EM_ST_INFO, 0);
}

static void draw_help(struct em_dview *v, struct em_screen *scr)
{
	size_t n;
	const struct em_action_def *a = em_actions(&n);
	char label[128];
	int y = 1, line = 0;

	for (int r = 0; r < v->h - 2; r++)
		em_screen_fill(scr, 0, r, scr->w, " ", EM_ST_HELP, 0);
	em_screen_puts(scr, 1, 0, scr->w - 1, "embers diff keys - any key closes, j/k scroll",
	    EM_ST_TITLE, 0);
	for (size_t i = 0; i < n && y < v->h - 2; i++) {
		if (a[i].ctx & (EM_CTX_MOUSE | EM_CTX_SOURCE | EM_CTX_SERVER | EM_CTX_SANDWICH))
			continue;
		if (a[i].id == EM_ACT_SEARCH || a[i].id == EM_ACT_SEARCH_NEXT ||
		    a[i].id == EM_ACT_SEARCH_PREV || a[i].id == EM_ACT_SEARCH_WORD ||
		    a[i].id == EM_ACT_FILTER || a[i].id == EM_ACT_TYPE_NEXT ||
		    a[i].id == EM_ACT_TYPE_PREV || a[i].id == EM_ACT_DETAILS ||
		    a[i].id == EM_ACT_SANDWICH || a[i].id == EM_ACT_FORWARD)
			continue; /* the single view's */
		if (line++ < v->help_top)
			continue;
		em_action_keys_label(&a[i], label, sizeof(label));
		em_screen_puts(scr, 2, y, 16, label, EM_ST_HELP_KEY, 0);
		em_screen_fit(scr, 19, y, scr->w - 19, a[i].help, strlen(a[i].help), EM_ST_HELP, 0);
		y++;
	}
}

void em_dview_draw(struct em_dview *v, struct em_screen *scr)
{
	scr->utf8 = v->utf8;
	em_screen_clear(scr, EM_ST_NORMAL);
	if (v->w < EM_MIN_W || v->h < EM_MIN_H) {
		em_screen_puts(scr, 0, 0, scr->w, "terminal too small", EM_ST_ERROR, 0);
		return;
	}
	if (v->compare) {
		em_cmp_draw(v, scr);
	} else {
		em_fpane_draw(&v->fp, scr, flame_style, flame_label, v);
		draw_table(v, scr);
	}
	if (v->help)
		draw_help(v, scr);
	draw_status(v, scr, v->h - 2);
	draw_info(v, scr, v->h - 1);
}

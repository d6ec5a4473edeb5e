/* compare_view.c - the comparison view (diff_view.h): the base's and the
 * new profile's own flame graphs side by side (stacked below 120
 * columns), each titled with its total and time range, the selection and
 * zoom of the focused one mirrored in the other through the diff's node
 * maps, or a message when the path does not exist there. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "actions.h"
#include "diff_view.h"
#include "embers/units.h"
#include "ui.h"

static const char *side_name(int s)
{
	return s == EM_BASE ? "base" : "new";
}

void em_cmp_place(struct em_dview *v)
{
	int bh = v->h - 2;

	if (bh < 4)
		bh = 4;
	if (v->w >= 120) {
		int lw = (v->w - 1) / 2;
		em_fpane_place(&v->side[EM_BASE], 0, 1, lw, bh - 1);
		em_fpane_place(&v->side[EM_NEW], lw + 1, 1, v->w - lw - 1, bh - 1);
	} else {
		int th = bh / 2;
		em_fpane_place(&v->side[EM_BASE], 0, 1, v->w, th - 1);
		em_fpane_place(&v->side[EM_NEW], 0, th + 1, v->w, bh - th - 1);
	}
	for (int s = 0; s < 2; s++) {
		v->side[s].utf8 = v->utf8;
		v->side[s].mono = v->mono;
	}
}

/* The diff node of side s's selection, EM_NODE_NONE for a group. */
static em_node diff_node_of(const struct em_dview *v, int s)
{
	em_node n = em_fpane_sel(&v->side[s]);

	return n == EM_NODE_NONE ? n : em_diff_node_from_side(&v->d, s, v->d.side[s], n);
}

static void mirror_zoom(struct em_dview *v, int from)
{
	struct em_fpane *o = &v->side[!from];
	em_node z = em_fpane_zoom_node(&v->side[from]), dz, oz;

	em_fpane_action(o, EM_ACT_RESET);
	if (z == 0)
		return;
	dz = em_diff_node_from_side(&v->d, from, v->d.side[from], z);
	oz = dz == EM_NODE_NONE ? EM_NODE_NONE : em_diff_node_to_side(&v->d, !from, dz);
	if (oz != EM_NODE_NONE)
		em_fpane_zoom(o, oz);
}

void em_cmp_sync(struct em_dview *v, int from)
{
	em_node dn = diff_node_of(v, from), on;

	if (dn == EM_NODE_NONE)
		return;
	on = em_diff_node_to_side(&v->d, !from, dn);
	if (on == EM_NODE_NONE) {
		em_dview_msg(v, 0, "'%s': this path does not exist in %s (%s)",
		    em_tree_name(&v->d.tree, v->d.names, dn), side_name(!from), v->title[!from]);
		return;
	}
	em_fpane_select(&v->side[!from], on);
}

void em_cmp_enter(struct em_dview *v, em_node dn)
{
	int have = 0;

	if (dn == EM_NODE_NONE)
		dn = 0;
	for (int s = 0; s < 2; s++) {
		em_node n = em_diff_node_to_side(&v->d, s, dn);
		if (n != EM_NODE_NONE) {
			em_fpane_select(&v->side[s], n);
			if (!have)
				v->cfocus = s;
			have = 1;
		}
	}
	/* the new side leads when both have the path */
	if (em_diff_node_to_side(&v->d, EM_NEW, dn) != EM_NODE_NONE)
		v->cfocus = EM_NEW;
}

em_node em_cmp_leave(struct em_dview *v)
{
	return diff_node_of(v, v->cfocus);
}

void em_cmp_action(struct em_dview *v, int action)
{
	enum em_action a = (enum em_action)action;

	if (a == EM_ACT_FOCUS || a == EM_ACT_LAYOUT) {
		v->cfocus = !v->cfocus;
		return;
	}
	if (!em_fpane_action(&v->side[v->cfocus], a))
		return;
	if (a == EM_ACT_ZOOM || a == EM_ACT_BACK || a == EM_ACT_RESET)
		mirror_zoom(v, v->cfocus);
	em_cmp_sync(v, v->cfocus);
}

void em_cmp_mouse(struct em_dview *v, int ev, int x, int y)
{
	for (int s = 0; s < 2; s++) {
		struct em_fpane *fp = &v->side[s];
		if (x < fp->x || x >= fp->x + fp->w || y < fp->y || y >= fp->y + fp->h)
			continue;
		v->cfocus = s;
		if (ev == EM_MOUSE_WHEEL_UP || ev == EM_MOUSE_WHEEL_DOWN)
			em_cmp_action(v, ev == EM_MOUSE_WHEEL_UP ? EM_ACT_PARENT : EM_ACT_CHILD);
		else if (em_fpane_click(fp, x, y)) {
			if (ev == EM_MOUSE_DOUBLE)
				em_cmp_action(v, EM_ACT_ZOOM);
			else
				em_cmp_sync(v, s);
		}
	}
}

/* --- drawing ----------------------------------------------------------- */

static uint16_t side_style(void *ctx, const struct em_fpane *fp, const struct em_span *s,
    int selected, uint8_t *attr)
{
	struct em_dview *v = ctx;
	const char *name;

	*attr = 0;
	if (selected)
		return fp == &v->side[v->cfocus] ? EM_ST_FRAME_SEL : EM_ST_ROW_SEL_DIM;
	if (s->kind == EM_SPAN_AGG || s->kind == EM_SPAN_ZOOMAGG)
		return EM_ST_AGG;
	if (s->kind != EM_SPAN_NODE || s->node == 0)
		return EM_ST_CRUMB;
	name = em_tree_name(fp->t, fp->names, s->node);
	return em_flame_style(v->theme, name, strlen(name));
}

/* " from 2024-05-01 10:00:00 UTC for 10s", or nothing without a time. */
static void time_range(const em_profile *p, char *buf, size_t n)
{
	time_t t = (time_t)(p->time_nanos / 1000000000);
	struct tm tm;
	char when[32];

	buf[0] = '\0';
	if (p->time_nanos <= 0 || gmtime_r(&t, &tm) == NULL)
		return;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	if (p->duration_nanos > 0)
		snprintf(buf, n, " | %s UTC for %.3gs", when, p->duration_nanos / 1e9);
	else
		snprintf(buf, n, " | %s UTC", when);
}

static void draw_title(struct em_dview *v, struct em_screen *scr, int s)
{
	const struct em_fpane *fp = &v->side[s];
	const em_profile *p = v->p[s];
	char buf[700], head[16], tail[160], tot[48], range[96];
	uint16_t st = s == v->cfocus ? EM_ST_HEADER_FOCUS : EM_ST_HEADER;
	int x = fp->x, room;

	em_fmt_value(tot, sizeof(tot), v->d.sum[s], em_profile_cstr(p, p->types[v->type[s]].unit));
	time_range(p, range, sizeof(range));
	snprintf(head, sizeof(head), "%s %s: ", s == v->cfocus ? ">" : " ", side_name(s));
	snprintf(tail, sizeof(tail), " | total %s%s", tot, range);
	snprintf(buf, sizeof(buf), "%s%s%s", head, v->title[s], tail);
	room = fp->w - (int)strlen(head) - (int)strlen(" | total ") - (int)strlen(tot);
	if (em_text_width(v->title[s], strlen(v->title[s]), v->utf8) <= room || room < 8) {
		em_screen_fit(scr, fp->x, fp->y - 1, fp->w, buf, strlen(buf), st, 0);
		return;
	}
	/* a long title (a server query's selector) is cut, not the total */
	em_screen_fill(scr, x, fp->y - 1, fp->w, " ", st, 0);
	x += em_screen_puts(scr, x, fp->y - 1, fp->w, head, st, 0);
	em_screen_fit(scr, x, fp->y - 1, room, v->title[s], strlen(v->title[s]), st, 0);
	x += room;
	em_screen_puts(scr, x, fp->y - 1, fp->x + fp->w - x, tail, st, 0);
}

void em_cmp_draw(struct em_dview *v, struct em_screen *scr)
{
	const struct em_glyphs *g = em_glyphs_get(v->utf8);

	em_cmp_place(v);
	for (int s = 0; s < 2; s++) {
		draw_title(v, scr, s);
		em_fpane_draw(&v->side[s], scr, side_style, NULL, v);
	}
	if (v->side[EM_NEW].x > 0)
		for (int y = 0; y < v->h - 2; y++)
			em_screen_fill(scr, v->side[EM_NEW].x - 1, y, 1, g->vline, EM_ST_BORDER, 0);
}

void em_cmp_info(struct em_dview *v, char *buf, size_t n)
{
	const struct em_fpane *fp = &v->side[v->cfocus];
	const em_profile *p = v->p[v->cfocus];
	em_node i = em_fpane_sel(fp);
	char a[48], b[24], c[48];
	const char *unit;

	if (i == EM_NODE_NONE) {
		snprintf(buf, n, "%s: a group of narrow frames (Enter zooms)", side_name(v->cfocus));
		return;
	}
	unit = em_profile_cstr(p, p->types[v->type[v->cfocus]].unit);
	em_fmt_value(a, sizeof(a), fp->t->total[i], unit);
	em_fmt_pct(b, sizeof(b), fp->t->total[i], fp->t->total[0]);
	em_fmt_value(c, sizeof(c), em_tree_self(fp->t, i), unit);
	snprintf(buf, n, "%s: %s | total %s (%s) | self %s | Tab: other side, v: diff",
	    side_name(v->cfocus), em_tree_name(fp->t, fp->names, i), a, b, c);
}

/* sandwich_view.c - the sandwich view (sandwich_view.h): building it for
 * a function, the two halves' geometry, keys (moving across the halves,
 * re-centring, back, close), mouse, and drawing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/units.h"
#include "embers/vec.h"
#include "sandwich_view.h"
#include "ui_int.h"

int em_sw_is_open(const struct em_ui *ui)
{
	return ui->sw != NULL && ui->sw->open;
}

static void drop_halves(struct em_swview *v)
{
	if (!v->built)
		return;
	em_fpane_free(&v->half[0]);
	em_fpane_free(&v->half[1]);
	em_sandwich_free(&v->s);
	v->built = 0;
}

void em_sw_free(struct em_ui *ui)
{
	if (ui->sw == NULL)
		return;
	drop_halves(ui->sw);
	free(ui->sw->back);
	free(ui->sw);
	ui->sw = NULL;
}

/* The two halves share the area above the status lines, below a header. */
static void place(struct em_ui *ui)
{
	struct em_swview *v = ui->sw;
	int bh = ui->h - 3, uh = bh / 2;

	if (bh < 2)
		bh = 2, uh = 1;
	em_fpane_place(&v->half[0], 0, 1, ui->w, uh);
	em_fpane_place(&v->half[1], 0, 1 + uh, ui->w, bh - uh);
	for (int i = 0; i < 2; i++) {
		v->half[i].utf8 = ui->utf8;
		v->half[i].mono = ui->mono;
	}
}

int em_sw_centre(struct em_ui *ui, em_func_id f, int remember)
{
	struct em_swview *v = ui->sw;
	em_sandwich s;
	em_error err;

	if (em_sandwich_build(&s, ui->p, ui->type, f, &err) < 0) {
		em_ui_msg(ui, 1, "%s", err.msg);
		return -1;
	}
	if (remember && v->built &&
	    EM_VEC_RESERVE(v->back, v->back_cap, v->nback + 1) == 0)
		v->back[v->nback++] = v->s.func;
	drop_halves(v);
	v->s = s;
	if (em_fpane_init(&v->half[0], &v->s.callers, ui->p, 1) < 0 ||
	    em_fpane_init(&v->half[1], &v->s.callees, ui->p, 0) < 0) {
		em_fpane_free(&v->half[0]);
		em_sandwich_free(&v->s);
		em_ui_msg(ui, 1, "out of memory");
		return -1;
	}
	v->built = 1;
	place(ui);
	/* start on the function itself, in the half the keys were in */
	em_fpane_select(&v->half[0], v->s.callers.n > 1 ? 1 : 0);
	em_fpane_select(&v->half[1], v->s.callees.n > 1 ? 1 : 0);
	if (s.total == 0)
		em_ui_msg(ui, 0, "'%s' has no samples of this type", em_func_name(ui->p, f));
	return 0;
}

static em_func_id focused_func(const struct em_ui *ui)
{
	em_node n;

	if (ui->focus == EM_PANE_TABLE && ui->mode != EM_LAYOUT_FLAME)
		return em_table_func(&ui->table);
	n = em_ui_sel_node(ui);
	if (n == EM_NODE_NONE || n == 0 || n >= ui->tree.n)
		return EM_FUNC_NONE;
	return ui->tree.func[n];
}

int em_sw_open(struct em_ui *ui)
{
	em_func_id f;

	em_ui_layout(ui);
	f = focused_func(ui);
	if (f == EM_FUNC_NONE) {
		em_ui_msg(ui, 0, "select a function for the sandwich (not the root or a + group)");
		return -1;
	}
	if (ui->sw == NULL) {
		ui->sw = calloc(1, sizeof(*ui->sw));
		if (ui->sw == NULL) {
			em_ui_msg(ui, 1, "out of memory");
			return -1;
		}
	}
	ui->sw->nback = 0;
	ui->sw->focus = 1;
	if (em_sw_centre(ui, f, 0) < 0)
		return -1;
	ui->sw->open = 1;
	return 0;
}

static void close_view(struct em_ui *ui)
{
	ui->sw->open = 0;
	drop_halves(ui->sw);
	ui->sw->nback = 0;
}

/* Enter: re-centre on a caller or callee; zoom into a + group. */
static void enter(struct em_ui *ui)
{
	struct em_swview *v = ui->sw;
	struct em_fpane *fp = &v->half[v->focus];
	const struct em_span *s = em_fpane_sel_span(fp);
	em_node n = em_fpane_sel(fp);

	if (s != NULL && (s->kind == EM_SPAN_AGG || s->kind == EM_SPAN_MORE)) {
		em_fpane_action(fp, EM_ACT_ZOOM);
		return;
	}
	if (n == EM_NODE_NONE || n < 2) {
		em_ui_msg(ui, 0, "Enter on a caller or a callee centres the sandwich on it");
		return;
	}
	em_sw_centre(ui, fp->t->func[n], 1);
}

static void back(struct em_ui *ui)
{
	struct em_swview *v = ui->sw;

	if (v->half[v->focus].nzoom > 0) {
		em_fpane_action(&v->half[v->focus], EM_ACT_BACK);
		return;
	}
	if (v->nback == 0) {
		em_ui_msg(ui, 0, "no earlier function (Esc closes the sandwich)");
		return;
	}
	v->nback--;
	em_sw_centre(ui, v->back[v->nback], 0);
}

/* Up from the top of the callees goes on into the callers, and down from
 * the bottom of the callers into the callees: one column of frames. */
static void move(struct em_ui *ui, enum em_action a)
{
	struct em_swview *v = ui->sw;
	struct em_fpane *fp = &v->half[v->focus];
	long before = fp->sel_i;

	em_fpane_action(fp, a);
	if (fp->sel_i != before)
		return;
	if (v->focus == 1 && a == EM_ACT_PARENT)
		v->focus = 0;
	else if (v->focus == 0 && a == EM_ACT_CHILD)
		v->focus = 1;
}

int em_sw_key(struct em_ui *ui, int key)
{
	struct em_swview *v = ui->sw;
	enum em_action a = em_action_for_key(key);

	place(ui);
	switch (a) {
	case EM_ACT_QUIT:
		return EM_UI_QUIT;
	case EM_ACT_HELP:
		ui->help = 1;
		ui->help_top = 0;
		break;
	case EM_ACT_RESET:
	case EM_ACT_SANDWICH:
		close_view(ui);
		break;
	case EM_ACT_PARENT:
	case EM_ACT_CHILD:
		move(ui, a);
		break;
	case EM_ACT_ZOOM:
		enter(ui);
		break;
	case EM_ACT_SW_ZOOM:
		em_fpane_action(&v->half[v->focus], EM_ACT_ZOOM);
		break;
	case EM_ACT_BACK:
		back(ui);
		break;
	case EM_ACT_FOCUS:
	case EM_ACT_LAYOUT:
		v->focus = !v->focus;
		break;
	case EM_ACT_REDRAW:
		return EM_UI_CLEAR;
	default:
		em_fpane_action(&v->half[v->focus], a);
		break;
	}
	return 0;
}

void em_sw_mouse(struct em_ui *ui, int ev, int x, int y)
{
	struct em_swview *v = ui->sw;

	place(ui);
	for (int i = 0; i < 2; i++) {
		struct em_fpane *fp = &v->half[i];
		if (y < fp->y || y >= fp->y + fp->h)
			continue;
		if (ev == EM_MOUSE_WHEEL_UP || ev == EM_MOUSE_WHEEL_DOWN) {
			int up = ev == EM_MOUSE_WHEEL_UP;
			em_fpane_action(fp, (up != (i == 0)) ? EM_ACT_PARENT : EM_ACT_CHILD);
			return;
		}
		if (em_fpane_click(fp, x, y)) {
			v->focus = i;
			if (ev == EM_MOUSE_DOUBLE)
				enter(ui);
		}
	}
}

/* --- drawing ----------------------------------------------------------- */

static uint16_t style(void *ctx, const struct em_fpane *fp, const struct em_span *s,
    int selected, uint8_t *attr)
{
	struct em_ui *ui = ctx;
	int focused = fp == &ui->sw->half[ui->sw->focus];

	*attr = 0;
	if (selected && focused)
		return EM_ST_FRAME_SEL;
	if (selected)
		*attr = EM_A_UNDERLINE | EM_A_BOLD;
	if (s->kind == EM_SPAN_AGG || s->kind == EM_SPAN_ZOOMAGG)
		return EM_ST_AGG;
	if (s->kind != EM_SPAN_NODE || s->node == 0 || fp->t->func[s->node] >= ui->p->nfuncs)
		return EM_ST_CRUMB;
	return em_ui_func_style(ui, fp->t->func[s->node]);
}

static void label(void *ctx, const struct em_fpane *fp, em_node node, char *buf, size_t n)
{
	struct em_ui *ui = ctx;
	int callers = fp == &ui->sw->half[0];

	if (node == 0)
		snprintf(buf, n, "%s %s of %s", callers ? "callers" : "callees",
		    callers ? "(above, growing up)" : "(below)",
		    em_func_name(ui->p, ui->sw->s.func));
	else
		snprintf(buf, n, "%s", em_tree_name(fp->t, ui->p, node));
}

static const char *unit_of(const struct em_ui *ui)
{
	return em_profile_cstr(ui->p, ui->p->types[ui->type].unit);
}

void em_sw_draw(struct em_ui *ui, struct em_screen *scr)
{
	struct em_swview *v = ui->sw;
	int64_t all = ui->tree.total[0];
	char head[768], a[64], b[32], c[64], d[32];

	place(ui);
	snprintf(head, sizeof(head), " sandwich: %s | self %s (%s) | total %s (%s) | Esc returns",
	    em_func_name(ui->p, v->s.func), em_fmt_value(a, sizeof(a), v->s.self, unit_of(ui)),
	    em_fmt_pct(b, sizeof(b), v->s.self, all),
	    em_fmt_value(c, sizeof(c), v->s.total, unit_of(ui)),
	    em_fmt_pct(d, sizeof(d), v->s.total, all));
	em_screen_fit(scr, 0, 0, scr->w, head, strlen(head), EM_ST_TITLE, 0);
	em_fpane_draw(&v->half[0], scr, style, label, ui);
	em_fpane_draw(&v->half[1], scr, style, label, ui);
}

void em_sw_info(struct em_ui *ui, char *buf, size_t n)
{
	struct em_swview *v = ui->sw;
	struct em_fpane *fp = &v->half[v->focus];
	em_node node = em_fpane_sel(fp);
	const char *what = v->focus == 0 ? "caller" : "callee";
	char a[64], b[32];

	place(ui);
	em_fpane_layout(fp);
	if (node == EM_NODE_NONE) {
		snprintf(buf, n, "a group of narrow %ss (Enter or z zooms)", what);
		return;
	}
	if (node <= 1) {
		snprintf(buf, n, "%s | %s | j/k cross the halves, Enter on a %s re-centres",
		    em_func_name(ui->p, v->s.func), v->focus == 0 ? "callers half" : "callees half",
		    what);
		return;
	}
	snprintf(buf, n, "%s %s | %u level%s %s | total %s (%s of %s)", what,
	    em_tree_name(fp->t, ui->p, node), em_tree_depth(fp->t, node) - 1,
	    em_tree_depth(fp->t, node) == 2 ? "" : "s", v->focus == 0 ? "up" : "down",
	    em_fmt_value(a, sizeof(a), fp->t->total[node], unit_of(ui)),
	    em_fmt_pct(b, sizeof(b), fp->t->total[node], v->s.total),
	    em_func_name(ui->p, v->s.func));
}

/* srv_diff.c - the server viewer's diff of two queries (srv_diff.h): the
 * A and B marks, the compare menu and its selector line, the two
 * requests, the diff view's keys, and going into the view and back. The
 * sides' ranges are in srv_side.c, drawing in srv_diff_draw.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "embers/vec.h"
#include "selector.h"
#include "srv_diff.h"

enum { PICK_PREVIOUS, PICK_DAY, PICK_WEEK, PICK_MARKED, PICK_SELECTOR };

static const char *const shift_how[] = { "previous", "24h", "7d" };

static void abandon(struct em_srv_diff *d);

/* Whether the side's range is off the timeline's range. */
static int off_timeline(const struct em_srv *s, const struct em_srv_side *sd)
{
	int64_t from, to;
	int x0, x1;

	if (s->tl.n == 0)
		return 0;
	em_srv_side_range(sd, s->now_ms(), &from, &to);
	return !em_tl_span(&s->tl, from, to, &x0, &x1);
}

/* --- state ------------------------------------------------------------------ */

static struct em_srv_diff *diff_of(struct em_srv *s)
{
	if (s->diff == NULL && (s->diff = calloc(1, sizeof(*s->diff))) != NULL)
		em_picker_init(&s->diff->menu, "Compare");
	return s->diff;
}

static void drop_got(struct em_srv_diff *d)
{
	for (int i = 0; i < 2; i++) {
		if (d->got[i] != NULL)
			em_profile_free(d->got[i]);
		d->got[i] = NULL;
	}
}

static void drop_view(struct em_srv_diff *d)
{
	if (d->view != NULL) {
		em_dview_free(d->view);
		free(d->view);
		d->view = NULL;
	}
	d->shown = d->ready = 0;
}

static void set_side(struct em_srv_diff *d, int i, struct em_srv_side *sd)
{
	em_srv_side_free(&d->side[i]);
	d->side[i] = *sd;
	memset(sd, 0, sizeof(*sd));
}

int em_srv_diff_shown(const struct em_srv *s)
{
	return s->diff != NULL && s->diff->shown && s->diff->view != NULL;
}

void em_srv_diff_free(struct em_srv *s)
{
	struct em_srv_diff *d = s->diff;

	if (d == NULL)
		return;
	if (d->build != NULL)
		em_srv_dbuild_discard(d->build);
	for (size_t i = 0; i < d->nstale; i++)
		em_srv_dbuild_discard(d->stale[i]);
	free(d->stale);
	drop_got(d);
	drop_view(d);
	for (int i = 0; i < 2; i++)
		em_srv_side_free(&d->side[i]);
	em_picker_free(&d->menu);
	em_screen_free(&d->sub);
	free(d);
	s->diff = NULL;
}

/* --- fetching ---------------------------------------------------------------- */

static void drop_requests(struct em_srv *s)
{
	em_srv_drop(s, EM_CH_DIFF_BASE);
	em_srv_drop(s, EM_CH_DIFF_NEW);
}

int em_srv_diff_fetch(struct em_srv *s)
{
	struct em_srv_diff *d = s->diff;
	int64_t now = s->now_ms(), from[2], to[2];
	int off;

	if (d == NULL || d->side[EM_BASE].selector == NULL || d->side[EM_NEW].selector == NULL)
		return -1;
	if (s->ptype == NULL) {
		em_srv_say(s, 1, "no profile type: p picks a service and profile type");
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		em_srv_side_range(&d->side[i], now, &from[i], &to[i]);
		em_srv_side_label(&d->side[i], now, s->utf8, d->fetch_label[i],
		    sizeof(d->fetch_label[i]));
	}
	if (from[0] == from[1] && to[0] == to[1] &&
	    strcmp(d->side[0].selector, d->side[1].selector) == 0) {
		em_srv_say(s, 1, "A and B are the same query (%s): mark another range or selector",
		    d->fetch_label[0]);
		return -1;
	}
	drop_got(d);
	abandon(d);
	drop_requests(s);
	if (em_srv_request_side(s, EM_REQ_DIFF_BASE, d->side[EM_BASE].selector, from[0],
	    to[0]) < 0 || em_srv_request_side(s, EM_REQ_DIFF_NEW, d->side[EM_NEW].selector,
	    from[1], to[1]) < 0) {
		drop_requests(s);
		return -1; /* em_srv_diff_failed said why */
	}
	off = off_timeline(s, &d->side[EM_BASE]) || off_timeline(s, &d->side[EM_NEW]);
	em_srv_say(s, 0, "diff of A %s and B %s%s: fetching (Esc cancels)", d->fetch_label[0],
	    d->fetch_label[1], off ? " (one lies outside the shown range)" : "");
	return 0;
}

/* The new side's sample type, and the base's of the same name. */
static int side_types(em_profile *const p[2], uint32_t type[2])
{
	int t;

	if (p[EM_BASE]->ntypes == 0 || p[EM_NEW]->ntypes == 0)
		return -1;
	type[EM_NEW] = p[EM_NEW]->default_type < p[EM_NEW]->ntypes ? p[EM_NEW]->default_type : 0;
	t = em_profile_find_type(p[EM_BASE], em_profile_cstr(p[EM_NEW],
	    p[EM_NEW]->types[type[EM_NEW]].type));
	type[EM_BASE] = t >= 0 && (uint32_t)t < p[EM_BASE]->ntypes ? (uint32_t)t :
	    p[EM_BASE]->default_type < p[EM_BASE]->ntypes ? p[EM_BASE]->default_type : 0;
	return 0;
}

static void press(struct em_dview *v, enum em_action a)
{
	em_dview_key(v, em_action_get(a)->keys[0]);
}

/* What the user set in the last diff view, set again in the new one. */
static void carry(const struct em_dview *o, struct em_dview *v)
{
	if (o->d.scale != v->d.scale)
		press(v, EM_ACT_DIFF_SCALE);
	for (int i = 0; i < 3 && v->d.width != o->d.width; i++)
		press(v, EM_ACT_DIFF_WIDTH);
	for (int i = 0; i < 3 && v->layout != o->layout; i++)
		press(v, EM_ACT_LAYOUT);
	if (v->focus != o->focus)
		press(v, EM_ACT_FOCUS);
	for (int i = 0; i < 8 && v->sort != o->sort; i++)
		press(v, EM_ACT_SORT);
	if (v->reverse != o->reverse)
		press(v, EM_ACT_SORT_REVERSE);
	if (o->title[EM_BASE][0] == 'B') /* swapped: B was the base */
		press(v, EM_ACT_DIFF_SWAP);
	if (o->compare)
		press(v, EM_ACT_DIFF_COMPARE);
	v->msg[0] = '\0';
}

/* The view built for the pair in flight goes on screen. */
static void install_view(struct em_srv *s, struct em_dview *v)
{
	struct em_srv_diff *d = s->diff;
	int uh = s->h - s->ui_y > 0 ? s->h - s->ui_y : 1;

	v->utf8 = s->utf8;
	v->mono = s->mono;
	em_dview_resize(v, s->w, uh);
	if (d->view != NULL)
		carry(d->view, v);
	if (d->view != NULL) {
		em_dview_free(d->view);
		free(d->view);
	}
	d->view = v;
	memcpy(d->label, d->fetch_label, sizeof(d->label));
	/* an open editor keeps the screen until it closes */
	d->shown = s->modal == EM_MODAL_NONE && s->screen == EM_SRV_VIEW;
	d->ready = !d->shown;
	s->msg[0] = '\0';
	for (int i = 0; i < 2; i++)
		if (v->d.sum[i] == 0) {
			em_srv_say(s, 0, "%s has no %s samples: %s", i == EM_BASE ? "A (baseline)" :
			    "B (comparison)", s->ptype, d->label[i]);
			break;
		}
}

/* A build no longer wanted ends on its own and is freed then. */
static void abandon(struct em_srv_diff *d)
{
	if (d->build == NULL)
		return;
	if (EM_VEC_RESERVE(d->stale, d->stale_cap, d->nstale + 1) < 0)
		em_srv_dbuild_discard(d->build); /* no room to wait: wait here */
	else
		d->stale[d->nstale++] = d->build;
	d->build = NULL;
}

/* Both sides are in: align them on a thread (srv_diff_build.c). */
static void open_view(struct em_srv *s)
{
	struct em_srv_diff *d = s->diff;
	char title[2][600];
	const char *titles[2] = { title[0], title[1] };
	uint32_t type[2];

	for (int i = 0; i < 2; i++)
		snprintf(title[i], sizeof(title[i]), "%c %s", i == EM_BASE ? 'A' : 'B',
		    d->fetch_label[i]);
	if (side_types(d->got, type) < 0) {
		em_srv_say(s, 1, "diff: no sample types");
		drop_got(d);
		return;
	}
	abandon(d);
	d->build = em_srv_dbuild_start(d->got, type, titles, s->theme, s->wake[1]);
	if (d->build == NULL) {
		em_srv_say(s, 1, "diff: out of memory");
		drop_got(d);
		return;
	}
	d->got[0] = d->got[1] = NULL; /* the build has them */
	d->build_since = em_srv_clock();
}

int em_srv_diff_building(const struct em_srv *s)
{
	return s->diff != NULL && s->diff->build != NULL;
}

int em_srv_diff_waiting(const struct em_srv *s)
{
	return s->diff != NULL && (s->diff->build != NULL || s->diff->nstale > 0);
}

int em_srv_diff_poll(struct em_srv *s)
{
	struct em_srv_diff *d = s->diff;
	struct em_dview *v;
	em_error err;

	if (d == NULL)
		return 0;
	d->nstale = em_srv_dbuild_reap(d->stale, d->nstale);
	if (d->build == NULL || !em_srv_dbuild_done(d->build))
		return 0;
	err.msg[0] = '\0';
	v = em_srv_dbuild_finish(d->build, &err);
	d->build = NULL;
	if (v == NULL)
		em_srv_say(s, 1, "diff: %s", err.msg[0] ? err.msg : "out of memory");
	else
		install_view(s, v);
	return 1;
}

int em_srv_diff_cancel(struct em_srv *s)
{
	if (!em_srv_diff_building(s))
		return 0;
	abandon(s->diff);
	em_srv_say(s, 0, "diff cancelled%s", em_srv_diff_shown(s) ? " (showing the last one)" : "");
	return 1;
}

void em_srv_diff_got(struct em_srv *s, int kind, em_profile *p)
{
	struct em_srv_diff *d = s->diff;
	int i = kind == EM_REQ_DIFF_BASE ? EM_BASE : EM_NEW;

	if (d == NULL || p == NULL) {
		if (p != NULL)
			em_profile_free(p);
		return;
	}
	if (d->got[i] != NULL)
		em_profile_free(d->got[i]);
	d->got[i] = p;
	if (d->got[!i] != NULL)
		open_view(s);
}

int em_srv_diff_failed(struct em_srv *s, int kind, int cancelled, const char *msg)
{
	if (kind != EM_REQ_DIFF_BASE && kind != EM_REQ_DIFF_NEW)
		return 0;
	/* one side without the other is no diff */
	em_srv_drop(s, kind == EM_REQ_DIFF_BASE ? EM_CH_DIFF_NEW : EM_CH_DIFF_BASE);
	if (s->diff != NULL)
		drop_got(s->diff);
	if (cancelled)
		em_srv_say(s, 0, "diff request cancelled%s", em_srv_diff_shown(s) ?
		    " (showing the last one)" : "");
	else
		em_srv_say(s, 1, "%s: %s", kind == EM_REQ_DIFF_BASE ? "baseline" : "comparison",
		    msg != NULL && *msg ? msg : "failed");
	s->msg_rank = 3;
	return 1;
}

/* --- A and B ------------------------------------------------------------------ */

static void mark(struct em_srv *s, int i)
{
	struct em_srv_diff *d = diff_of(s);
	struct em_srv_side sd;
	char label[512];
	int r;

	if (d == NULL || s->ptype == NULL) {
		em_srv_say(s, 1, "%s", d ? "no profile type: p picks a service and profile type"
		    : "out of memory");
		return;
	}
	if ((r = em_srv_side_current(s, &sd)) < 0) {
		em_srv_say(s, 1, "out of memory");
		return;
	}
	if (r == 1)
		em_tl_clear_mark(&s->tl); /* the next [ starts the other side's range */
	set_side(d, i, &sd);
	if (d->side[!i].selector != NULL && em_srv_diff_fetch(s) == 0)
		return;
	if (d->side[!i].selector != NULL)
		return; /* the status says why not */
	em_srv_side_label(&d->side[i], s->now_ms(), s->utf8, label, sizeof(label));
	em_srv_say(s, 0, "%s: %s%s; now %s", i == EM_BASE ? "A (baseline)" : "B (comparison)", label,
	    off_timeline(s, &d->side[i]) ? " (outside the shown range)" : "", i == EM_BASE ?
	    "mark B, the comparison (or c for a ready comparison)" : "mark A, the baseline");
}

/* Compare the current query (new) with base; takes both. */
static void compare(struct em_srv *s, struct em_srv_side *base, struct em_srv_side *nw)
{
	set_side(s->diff, EM_BASE, base);
	set_side(s->diff, EM_NEW, nw);
	em_srv_diff_fetch(s);
}

static void compare_shift(struct em_srv *s, const char *how)
{
	struct em_srv_side nw, base;
	em_error err;
	int r = em_srv_side_current(s, &nw);

	if (r < 0 || em_srv_side_shift(&nw, how, s->now_ms(), &base, &err) < 0) {
		em_srv_say(s, 1, "%s", r < 0 ? "out of memory" : err.msg);
		em_srv_side_free(&nw);
		return;
	}
	if (r == 1)
		em_tl_clear_mark(&s->tl);
	compare(s, &base, &nw);
}

static void compare_selector(struct em_srv *s, const char *text)
{
	struct em_srv_side nw, base;
	struct em_selector sel;
	em_error err;
	char *norm;
	int r;

	em_sel_init(&sel);
	if (em_sel_parse(&sel, text, &err) < 0) {
		em_srv_selector_error(s, &err);
		return; /* the editor stays open with the text */
	}
	norm = em_sel_format(&sel);
	em_sel_free(&sel);
	if (norm == NULL || (r = em_srv_side_current(s, &nw)) < 0) {
		free(norm);
		em_srv_say(s, 1, "out of memory");
		return;
	}
	base = nw; /* the same range */
	base.selector = norm;
	s->modal = EM_MODAL_NONE;
	if (r == 1)
		em_tl_clear_mark(&s->tl);
	compare(s, &base, &nw);
}

/* --- the compare menu ------------------------------------------------------- */

static void add_shift(struct em_srv *s, const struct em_srv_side *nw, int tag,
    const char *text)
{
	struct em_srv_side base;
	int64_t now = s->now_ms(), f[2], t[2];
	char a[96], b[96], aux[256];
	em_error err;

	if (em_srv_side_shift(nw, shift_how[tag], now, &base, &err) < 0)
		return;
	em_srv_side_range(&base, now, &f[0], &t[0]);
	em_srv_side_range(nw, now, &f[1], &t[1]);
	em_srv_span_label(f[0], t[0], now, s->utf8, a, sizeof(a));
	em_srv_span_label(f[1], t[1], now, s->utf8, b, sizeof(b));
	snprintf(aux, sizeof(aux), "A %s  vs  B %s", a, b);
	em_picker_add(&s->diff->menu, text, aux, (size_t)tag);
	em_srv_side_free(&base);
}

static void menu_open(struct em_srv *s)
{
	struct em_srv_diff *d = diff_of(s);
	struct em_srv_side nw;
	char cur[512], aux[1100];
	int r;

	if (d == NULL || s->ptype == NULL) {
		em_srv_say(s, 1, "%s", d ? "no profile type: p picks a service and profile type"
		    : "out of memory");
		return;
	}
	if ((r = em_srv_side_current(s, &nw)) < 0)
		return;
	em_srv_side_label(&nw, s->now_ms(), s->utf8, cur, sizeof(cur));
	em_picker_clear(&d->menu);
	em_picker_set_filter(&d->menu, "");
	d->menu.mode = EM_PICK_WORDS;
	snprintf(d->menu.title, sizeof(d->menu.title), "Compare %.190s%s (B, new) with a baseline A",
	    cur, r == 1 ? " (the marked range)" : "");
	add_shift(s, &nw, PICK_PREVIOUS, "this range vs the one before it");
	add_shift(s, &nw, PICK_DAY, "this range vs 24 h earlier");
	add_shift(s, &nw, PICK_WEEK, "this range vs a week earlier");
	if (d->side[EM_BASE].selector != NULL && d->side[EM_NEW].selector != NULL) {
		char a[512], b[512];
		em_srv_side_label(&d->side[EM_BASE], s->now_ms(), s->utf8, a, sizeof(a));
		em_srv_side_label(&d->side[EM_NEW], s->now_ms(), s->utf8, b, sizeof(b));
		snprintf(aux, sizeof(aux), "A %s  vs  B %s", a, b);
		em_picker_add(&d->menu, "the marked A vs B", aux, PICK_MARKED);
	}
	em_picker_add(&d->menu, "this range with another selector",
	    "type the baseline's selector, e.g. env=\"staging\" against env=\"prod\"",
	    PICK_SELECTOR);
	d->menu.note[0] = '\0';
	d->menu.loading = 0;
	em_picker_refilter(&d->menu);
	em_srv_side_free(&nw);
	s->modal = EM_MODAL_COMPARE;
}

static int menu_key(struct em_srv *s, int key)
{
	struct em_srv_diff *d = s->diff;
	const struct em_pick_item *it;
	int r;

	if (key == EM_KEY_CTRL_C)
		return EM_UI_QUIT;
	r = em_picker_key(&d->menu, key, em_picker_rows(s->h - s->ui_y - 1));
	if (r == EM_PICK_CANCEL)
		s->modal = EM_MODAL_NONE;
	if (r != EM_PICK_CHOSEN || (it = em_picker_current(&d->menu)) == NULL)
		return 0;
	s->modal = EM_MODAL_NONE;
	s->msg[0] = '\0';
	switch (it->tag) {
	case PICK_PREVIOUS:
	case PICK_DAY:
	case PICK_WEEK:
		compare_shift(s, shift_how[it->tag]);
		break;
	case PICK_MARKED:
		em_srv_diff_fetch(s);
		break;
	case PICK_SELECTOR:
		s->modal = EM_MODAL_COMPARE_SEL;
		em_le_set(&d->sel_edit, s->selector ? s->selector : "{}");
		break;
	default:
		break;
	}
	return 0;
}

static void sel_key(struct em_srv *s, int key)
{
	if (em_srv_prompt_key(s, &s->diff->sel_edit, key))
		compare_selector(s, s->diff->sel_edit.buf);
}

/* --- the diff view ---------------------------------------------------------- */

void em_srv_diff_leave(struct em_srv *s)
{
	struct em_srv_diff *d = s->diff;

	if (d == NULL)
		return;
	drop_requests(s);
	drop_got(d);
	abandon(d);
	drop_view(d);
	em_srv_layout(s);
	em_srv_say(s, 0, "back to the query; A and B stay marked (c compares again)");
}

/* Something for Esc to reset in the view: a zoom. */
static int view_zoomed(const struct em_dview *v)
{
	return v->compare ? v->side[v->cfocus].nzoom > 0 : v->fp.nzoom > 0;
}

static int diff_key(struct em_srv *s, int key)
{
	struct em_dview *v = s->diff->view;
	enum em_action a = em_action_for_key(key);

	if (key == EM_KEY_CTRL_C)
		return EM_UI_QUIT;
	s->msg[0] = '\0';
	if (v->help) {
		if (a == EM_ACT_QUIT)
			v->help = 0; /* q closes the help here, not the diff */
		else
			em_dview_key(v, key);
		return 0;
	}
	if (key == EM_KEY_ESC) {
		/* Esc cancels, drops the mark, resets the zoom, then goes back */
		if (em_srv_busy(s))
			em_srv_cancel(s);
		else if (s->tl.mark >= 0)
			em_tl_clear_mark(&s->tl);
		else if (view_zoomed(v))
			return em_dview_key(v, key) & EM_UI_CLEAR;
		else
			em_srv_diff_leave(s);
		return 0;
	}
	switch (a) {
	case EM_ACT_QUIT:
		em_srv_diff_leave(s);
		return 0;
	case EM_ACT_REFRESH:
		if (s->rel_ms > 0)
			em_srv_reload(s); /* the timeline moves to now with the sides */
		em_srv_diff_fetch(s);
		return 0;
	case EM_ACT_TL_LEFT:
	case EM_ACT_TL_RIGHT:
	case EM_ACT_TL_LEFT_FAR:
	case EM_ACT_TL_RIGHT_FAR:
	case EM_ACT_TL_MARK:
	case EM_ACT_DIFF_A:
	case EM_ACT_DIFF_B:
	case EM_ACT_COMPARE:
		em_srv_action(s, a);
		return 0;
	default:
		break;
	}
	if (a != EM_ACT_NONE && (em_action_get(a)->ctx & EM_CTX_SERVER)) {
		em_srv_say(s, 0, "in the diff: A or B marks a side again, c compares another way, "
		    "r fetches again, q goes back to the query");
		return 0;
	}
	return em_dview_key(v, key) & EM_UI_CLEAR;
}

int em_srv_diff_action(struct em_srv *s, int a)
{
	switch (a) {
	case EM_ACT_DIFF_A:
		mark(s, EM_BASE);
		return 1;
	case EM_ACT_DIFF_B:
		mark(s, EM_NEW);
		return 1;
	case EM_ACT_COMPARE:
		menu_open(s);
		return 1;
	default:
		return 0;
	}
}

int em_srv_diff_key(struct em_srv *s, int key, int *ret)
{
	*ret = 0;
	if (s->diff == NULL)
		return 0;
	if (s->modal == EM_MODAL_COMPARE) {
		*ret = menu_key(s, key);
		return 1;
	}
	if (s->modal == EM_MODAL_COMPARE_SEL) {
		sel_key(s, key);
		return 1;
	}
	if (!em_srv_diff_shown(s) || s->modal != EM_MODAL_NONE || s->screen != EM_SRV_VIEW)
		return 0;
	*ret = diff_key(s, key);
	return 1;
}

int em_srv_diff_mouse(struct em_srv *s, int ev, int x, int y)
{
	if (!em_srv_diff_shown(s))
		return 0;
	s->msg[0] = '\0';
	if (s->tl_h > 0 && y > s->tl_y && y < s->tl_y + s->tl_h && s->tl.n > 0) {
		long k = em_tl_bucket_at(&s->tl, x);
		if (ev == EM_MOUSE_WHEEL_UP || ev == EM_MOUSE_WHEEL_DOWN)
			em_tl_move(&s->tl, ev == EM_MOUSE_WHEEL_UP ? -1 : 1);
		else if (k >= 0)
			s->tl.cursor = k;
		return 1;
	}
	if (y >= s->ui_y)
		em_dview_mouse(s->diff->view, ev, x, y - s->ui_y);
	return 1;
}

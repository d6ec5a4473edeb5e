/* srv_keys.c - keys and mouse of the server viewer: the picker, the label
 * filter editor and the selector line, the range and timeline actions of
 * the action table, and everything else handed to the file viewer's ui
 * (after which a zoom into a truncated frame asks for its detail). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "selector.h"
#include "srv.h"
#include "srv_diff.h"

#define MIN_ (60 * 1000LL)

static const int64_t presets[] = { 5 * MIN_, 15 * MIN_, 60 * MIN_, 360 * MIN_, 1440 * MIN_,
	10080 * MIN_ };

/* --- the ui, and zooms that need detail ----------------------------------- */

struct zsnap {
	size_t nhist, pos;
	em_node node;
	uint32_t nm;
};

static struct zsnap snap(const struct em_ui *ui)
{
	struct zsnap z = { ui->nhist, ui->hist_pos, ui->zoom_node, ui->zoom_nmembers };

	return z;
}

static void after_zoom(struct em_srv *s, struct zsnap before)
{
	struct zsnap now = snap(s->ui);
	char **z;
	size_t n;

	if (memcmp(&now, &before, sizeof(now)) == 0)
		return;
	/* the user moved: this is the zoom to keep across queries */
	if (em_ui_zoom_names(s->ui, &z, &n) == 0) {
		em_names_free(s->want, s->nwant);
		s->want = z;
		s->nwant = n;
	}
	em_srv_detail(s);
}

static int ui_key(struct em_srv *s, int key)
{
	struct zsnap before;
	int r;

	if (s->ui == NULL)
		return 0;
	before = snap(s->ui);
	r = em_ui_key(s->ui, key);
	after_zoom(s, before);
	em_srv_apply_pending(s);
	return r;
}

/* --- ranges and the timeline ------------------------------------------------ */

static void preset(struct em_srv *s, int64_t d)
{
	int64_t now = s->now_ms();
	char buf[64];

	em_srv_set_range(s, now - d, now, d);
	em_srv_reload(s);
	em_srv_format_range(s, buf, sizeof(buf));
	em_srv_say(s, 0, "%s", buf);
}

static void tl_zoom(struct em_srv *s)
{
	int64_t from, to;

	if (s->tl.n == 0 || s->tl_h == 0) {
		em_srv_say(s, 1, "no timeline (the terminal is too low)");
		return;
	}
	em_tl_selection(&s->tl, &from, &to);
	if (from < s->start_ms - s->tl.step_ms)
		from = s->start_ms - s->tl.step_ms;
	em_srv_set_range(s, from, to, 0);
	em_tl_clear_mark(&s->tl);
	em_srv_reload(s);
}

static void tl_out(struct em_srv *s)
{
	int64_t now = s->now_ms(), span = s->end_ms - s->start_ms;
	int64_t mid = s->start_ms + span / 2, from, to;

	if (s->rel_ms > 0) {
		preset(s, s->rel_ms * 2);
		return;
	}
	from = mid - span;
	to = mid + span;
	if (to > now) {
		from -= to - now;
		to = now;
	}
	em_srv_set_range(s, from, to, 0);
	em_srv_reload(s);
}

static void tl_mark(struct em_srv *s)
{
	char a[32];
	int64_t from, to;

	if (s->tl.n == 0)
		return;
	if (s->tl.mark >= 0) {
		em_tl_clear_mark(&s->tl);
		em_srv_say(s, 0, "mark cleared");
		return;
	}
	em_tl_set_mark(&s->tl);
	em_tl_bucket_range(&s->tl, (size_t)s->tl.cursor, &from, &to);
	em_srv_say(s, 0, "marked %s: move with < and > (or click), ] zooms into the range",
	    em_tl_clock(a, sizeof(a), from, 0));
}

/* --- the label filter editor ------------------------------------------------ */

static void labels_start(struct em_srv *s)
{
	const char *svc = em_srv_service(s);

	if (s->ptype == NULL)
		return;
	s->modal = EM_MODAL_LABEL_NAME;
	s->lab.mode = EM_PICK_WORDS;
	em_picker_clear(&s->lab);
	em_picker_set_filter(&s->lab, "");
	snprintf(s->lab.title, sizeof(s->lab.title), "Filter by a label%s%s: pick its name",
	    svc ? " of " : "", svc ? svc : "");
	s->lab.loading = 1;
	em_picker_set_note(&s->lab, 0, "loading label names...");
	em_srv_request(s, EM_REQ_LABEL_NAMES, NULL);
}

static void show_ops(struct em_srv *s)
{
	static const char *const desc[] = { "is", "is not", "matches the regex",
		"does not match the regex" };
	char cur[256] = "";

	s->modal = EM_MODAL_LABEL_OP;
	s->lab.mode = EM_PICK_WORDS;
	em_picker_clear(&s->lab);
	em_picker_set_filter(&s->lab, "");
	snprintf(s->lab.title, sizeof(s->lab.title), "Filter %s: pick how to compare",
	    s->lab_name);
	for (int op = 0; op < EM_OP_COUNT; op++)
		em_picker_add(&s->lab, em_match_op_str(op), desc[op], (size_t)op);
	{
		struct em_selector sel;
		em_error err;
		em_sel_init(&sel);
		if (em_sel_parse(&sel, s->selector, &err) == 0) {
			for (size_t i = 0; i < sel.n; i++)
				if (strcmp(sel.m[i].name, s->lab_name) == 0)
					snprintf(cur, sizeof(cur), "drop the filters on %s", s->lab_name);
			em_sel_free(&sel);
		}
	}
	if (cur[0] != '\0')
		em_picker_add(&s->lab, "x", cur, EM_OP_COUNT);
	s->lab.note[0] = '\0';
	s->lab.loading = 0;
	em_picker_refilter(&s->lab);
}

static void show_values(struct em_srv *s)
{
	s->modal = EM_MODAL_LABEL_VALUE;
	s->lab.mode = s->lab_op == EM_OP_RE || s->lab_op == EM_OP_NRE ? EM_PICK_REGEX
	    : EM_PICK_WORDS;
	em_le_set(&s->lab.filter, "");
	snprintf(s->lab.title, sizeof(s->lab.title), "Filter %s %s ...: %s", s->lab_name,
	    em_match_op_str(s->lab_op), s->lab.mode == EM_PICK_REGEX
	    ? "type a regex (the list shows what it matches)" : "pick or type a value");
	em_srv_fill_values(s);
}

static void apply_filter(struct em_srv *s, const char *value)
{
	em_error err;
	char *sel = em_sel_with(s->selector, s->lab_name, s->lab_op, value, &err);

	if (sel == NULL) {
		em_srv_say(s, 1, "%s", err.msg);
		return;
	}
	free(s->selector);
	s->selector = sel;
	s->modal = EM_MODAL_NONE;
	em_srv_say(s, 0, "selector %s", s->selector);
	em_srv_reload(s);
}

static void drop_filter(struct em_srv *s)
{
	struct em_selector sel;
	em_error err;
	char *text;

	em_sel_init(&sel);
	if (em_sel_parse(&sel, s->selector, &err) < 0)
		return;
	em_sel_remove(&sel, s->lab_name);
	text = em_sel_format(&sel);
	em_sel_free(&sel);
	if (text == NULL)
		return;
	free(s->selector);
	s->selector = text;
	s->modal = EM_MODAL_NONE;
	em_srv_say(s, 0, "selector %s", s->selector);
	em_srv_reload(s);
}

static int lab_rows(const struct em_srv *s)
{
	return em_picker_rows(s->h - s->ui_y - 1);
}

static void label_key(struct em_srv *s, int key)
{
	int r = em_picker_key(&s->lab, key, lab_rows(s));
	const struct em_pick_item *it = em_picker_current(&s->lab);
	const char *typed = s->lab.filter.buf;

	if (r == EM_PICK_CANCEL) {
		if (s->modal == EM_MODAL_LABEL_VALUE)
			show_ops(s);
		else if (s->modal == EM_MODAL_LABEL_OP)
			labels_start(s);
		else
			s->modal = EM_MODAL_NONE;
		return;
	}
	if (r != EM_PICK_CHOSEN)
		return;
	switch (s->modal) {
	case EM_MODAL_LABEL_NAME: {
		char *name = strdup(it ? it->text : typed);
		if (name == NULL || name[0] == '\0') {
			free(name);
			return;
		}
		free(s->lab_name);
		s->lab_name = name;
		em_names_free(s->lab_vals, s->nlab_vals);
		s->lab_vals = NULL;
		s->nlab_vals = 0;
		s->have_lab_vals = 0;
		em_srv_request(s, EM_REQ_LABEL_VALUES, name);
		show_ops(s);
		break;
	}
	case EM_MODAL_LABEL_OP:
		if (it == NULL)
			return;
		if (it->tag == EM_OP_COUNT) {
			drop_filter(s);
			return;
		}
		s->lab_op = (int)it->tag;
		show_values(s);
		break;
	case EM_MODAL_LABEL_VALUE:
		if (s->lab.mode == EM_PICK_REGEX && typed[0] != '\0')
			apply_filter(s, typed);
		else if (it != NULL)
			apply_filter(s, it->text);
		else if (typed[0] != '\0')
			apply_filter(s, typed);
		break;
	default:
		break;
	}
}

int em_srv_prompt_key(struct em_srv *s, struct em_lineedit *le, int key)
{
	switch (key) {
	case EM_KEY_ENTER:
	case '\n':
		return 1;
	case EM_KEY_ESC:
	case EM_KEY_CTRL_C:
		s->modal = EM_MODAL_NONE;
		s->msg[0] = '\0';
		return 0;
	default:
		if (em_le_key(le, key) == 1)
			s->msg[0] = '\0'; /* the text changed: the old complaint is moot */
		return 0;
	}
}

void em_srv_selector_error(struct em_srv *s, const em_error *err)
{
	/* the text is on screen already: say only what is wrong */
	const char *why = strstr(err->msg, "': ");

	em_srv_say(s, 1, "%s", strncmp(err->msg, "selector '", 10) == 0 && why ? why + 3
	    : err->msg);
}

static void selector_key(struct em_srv *s, int key)
{
	em_error err;

	if (!em_srv_prompt_key(s, &s->sel_edit, key))
		return;
	if (em_srv_set_selector(s, s->sel_edit.buf, &err) < 0) {
		em_srv_selector_error(s, &err);
		return;
	}
	s->modal = EM_MODAL_NONE;
	em_srv_say(s, 0, "selector %s", s->selector);
	em_srv_reload(s);
}

/* --- the service picker ----------------------------------------------------- */

static void picker_open(struct em_srv *s)
{
	s->screen = EM_SRV_PICK;
	s->pick.loading = !s->have_pairs;
	if (!s->have_pairs)
		em_picker_set_note(&s->pick, 0, "loading services and profile types...");
	em_srv_request(s, EM_REQ_SERVICES, NULL);
}

static int pick_key(struct em_srv *s, int key)
{
	const struct em_pick_item *it;
	int r;

	if (key == EM_KEY_CTRL_C)
		return EM_UI_QUIT;
	if (key == EM_KEY_CTRL_R) {
		picker_open(s);
		return 0;
	}
	if (key == EM_KEY_ESC && em_srv_busy(s) && !s->have_pairs) {
		em_srv_cancel(s);
		return 0;
	}
	r = em_picker_key(&s->pick, key, em_picker_rows(s->h - 2));
	if (r == EM_PICK_CANCEL) {
		if (s->ptype == NULL && s->ui == NULL)
			return EM_UI_QUIT;
		s->screen = EM_SRV_VIEW;
		em_srv_layout(s);
		em_srv_timeline_sync(s);
		return 0;
	}
	if (r == EM_PICK_CHOSEN && (it = em_picker_current(&s->pick)) != NULL &&
	    it->tag < s->npairs)
		em_srv_pick(s, it->tag);
	return 0;
}

/* --- the view ----------------------------------------------------------------- */

static int view_action(struct em_srv *s, enum em_action a)
{
	switch (a) {
	case EM_ACT_RANGE_5M:
	case EM_ACT_RANGE_15M:
	case EM_ACT_RANGE_1H:
	case EM_ACT_RANGE_6H:
	case EM_ACT_RANGE_24H:
	case EM_ACT_RANGE_7D:
		preset(s, presets[a - EM_ACT_RANGE_5M]);
		return 1;
	case EM_ACT_TL_LEFT:
	case EM_ACT_TL_RIGHT:
		em_tl_move(&s->tl, a == EM_ACT_TL_LEFT ? -1 : 1);
		return 1;
	case EM_ACT_TL_LEFT_FAR:
	case EM_ACT_TL_RIGHT_FAR: {
		long d = s->tl.n >= 20 ? (long)s->tl.n / 10 : 2;
		em_tl_move(&s->tl, a == EM_ACT_TL_LEFT_FAR ? -d : d);
		return 1;
	}
	case EM_ACT_TL_MARK:
		tl_mark(s);
		return 1;
	case EM_ACT_TL_ZOOM:
		tl_zoom(s);
		return 1;
	case EM_ACT_TL_OUT:
		tl_out(s);
		return 1;
	case EM_ACT_REFRESH:
		em_srv_reload(s);
		return 1;
	case EM_ACT_LABELS:
		labels_start(s);
		return 1;
	case EM_ACT_SELECTOR:
		s->modal = EM_MODAL_SELECTOR;
		em_le_set(&s->sel_edit, s->selector);
		return 1;
	case EM_ACT_PICKER:
		picker_open(s);
		return 1;
	case EM_ACT_TYPE_NEXT:
	case EM_ACT_TYPE_PREV:
		return em_srv_cycle_type(s, a == EM_ACT_TYPE_NEXT ? 1 : -1) == 0;
	case EM_ACT_DIFF_A:
	case EM_ACT_DIFF_B:
	case EM_ACT_COMPARE:
		return em_srv_diff_action(s, a);
	default:
		return 0;
	}
}

int em_srv_action(struct em_srv *s, int a)
{
	return view_action(s, (enum em_action)a);
}

int em_srv_key(struct em_srv *s, int key)
{
	enum em_action a;
	int r;

	if (key == EM_KEY_RESIZE || key == EM_KEY_NONE)
		return 0;
	if (em_srv_diff_key(s, key, &r))
		return r; /* the diff view, or the compare menu */
	if (s->modal == EM_MODAL_SELECTOR) {
		selector_key(s, key);
		return 0;
	}
	if (s->modal != EM_MODAL_NONE) {
		if (key == EM_KEY_CTRL_C)
			return EM_UI_QUIT;
		label_key(s, key);
		return 0;
	}
	if (s->screen == EM_SRV_PICK)
		return pick_key(s, key);
	if (em_srv_ui_captured(s->ui))
		return ui_key(s, key);
	s->msg[0] = '\0';
	if (key == EM_KEY_ESC) {
		/* Esc first cancels, then drops the mark, then resets the zoom */
		if (em_srv_busy(s)) {
			em_srv_cancel(s);
			return 0;
		}
		if (s->tl.mark >= 0) {
			em_tl_clear_mark(&s->tl);
			return 0;
		}
	}
	a = em_action_for_key(key);
	if (a == EM_ACT_QUIT)
		return EM_UI_QUIT;
	if (view_action(s, a))
		return 0;
	if (s->ui == NULL) {
		if (a == EM_ACT_HELP)
			em_srv_say(s, 0, "r refresh   e selector   L label filter   p services   1-6 range   "
			    "q quit (all keys with ? once a profile is shown)");
		return a == EM_ACT_REDRAW ? EM_UI_CLEAR : 0;
	}
	return ui_key(s, key);
}

int em_srv_mouse(struct em_srv *s, int ev, int x, int y)
{
	struct zsnap before;

	if (s->modal != EM_MODAL_NONE || s->screen != EM_SRV_VIEW ||
	    em_srv_diff_mouse(s, ev, x, y))
		return 0;
	if (s->tl_h > 0 && y > s->tl_y && y < s->tl_y + s->tl_h && s->tl.n > 0) {
		long k = em_tl_bucket_at(&s->tl, x);
		if (ev == EM_MOUSE_WHEEL_UP || ev == EM_MOUSE_WHEEL_DOWN) {
			em_tl_move(&s->tl, ev == EM_MOUSE_WHEEL_UP ? -1 : 1);
			return 0;
		}
		if (k >= 0)
			s->tl.cursor = k;
		if (ev == EM_MOUSE_DOUBLE)
			tl_zoom(s);
		return 0;
	}
	if (s->ui == NULL || y < s->ui_y)
		return 0;
	s->msg[0] = '\0';
	before = snap(s->ui);
	em_ui_mouse(s->ui, ev, x, y - s->ui_y);
	after_zoom(s, before);
	return 0;
}

void em_srv_resize(struct em_srv *s, int w, int h)
{
	s->w = w;
	s->h = h;
	em_srv_layout(s);
	em_srv_timeline_sync(s);
}

void em_srv_tick(struct em_srv *s)
{
	s->spin++;
	em_srv_apply_pending(s); /* the pane or prompt may have closed by mouse */
}

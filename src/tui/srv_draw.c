/* srv_draw.c - drawing the server viewer: the header (selector, profile
 * type, range, spinner), the timeline pane, the file viewer's ui below
 * them (drawn into its own grid and copied), the picker and label editor
 * overlays, and the bottom line for messages and the selector editor. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "embers/units.h"
#include "srv.h"
#include "srv_diff.h"

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void em_srv_layout(struct em_srv *s)
{
	int uh;

	s->tl_y = 1;
	s->tl_h = s->screen == EM_SRV_VIEW && s->h >= 20 && s->ptype != NULL ? EM_SRV_TL_H : 0;
	s->ui_y = 1 + s->tl_h;
	uh = s->h - s->ui_y;
	if (uh < 1)
		uh = 1;
	if (s->ui != NULL && (s->ui->w != s->w || s->ui->h != uh))
		em_ui_resize(s->ui, s->w, uh);
	em_srv_diff_layout(s);
}

const char *em_srv_spinner(const struct em_srv *s)
{
	static const char *const u[] = {
		"\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9", "\xe2\xa0\xb8", "\xe2\xa0\xbc",
		"\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7", "\xe2\xa0\x87", "\xe2\xa0\x8f"
	};
	static const char *const a[] = { "|", "/", "-", "\\" };

	return s->utf8 ? u[s->spin % 10] : a[s->spin % 4];
}

static void fmt_dur(char *buf, size_t n, int64_t ms)
{
	static const struct { int64_t ms; const char *u; } units[] = {
		{ 86400000, "d" }, { 3600000, "h" }, { 60000, "m" }, { 1000, "s" }
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (ms >= units[i].ms && ms % units[i].ms == 0) {
			snprintf(buf, n, "%lld%s", (long long)(ms / units[i].ms), units[i].u);
			return;
		}
	snprintf(buf, n, "%lldms", (long long)ms);
}

void em_srv_format_range(const struct em_srv *s, char *buf, size_t n)
{
	char a[32], b[32], d[32];

	if (s->rel_ms > 0) {
		fmt_dur(d, sizeof(d), s->rel_ms);
		snprintf(buf, n, "last %s", d);
		return;
	}
	em_tl_clock(a, sizeof(a), s->start_ms, 2);
	em_tl_clock(b, sizeof(b), s->end_ms, 2);
	if (strcmp(a, b) == 0) {
		em_tl_clock(b, sizeof(b), s->end_ms, 0);
		snprintf(buf, n, "%s %s-%s", a, em_tl_clock(d, sizeof(d), s->start_ms, 0), b);
	} else {
		snprintf(buf, n, "%s %s - %s %s", a, em_tl_clock(d, sizeof(d), s->start_ms, 0), b,
		    em_tl_clock(a, sizeof(a), s->end_ms, 0));
	}
}

/* "process_cpu:cpu" of "process_cpu:cpu:nanoseconds:cpu:nanoseconds", and
 * the sample unit. */
static void type_parts(const struct em_srv *s, char *name, size_t n, char *unit, size_t un)
{
	char buf[512];
	const char *p[5];

	snprintf(name, n, "%s", s->ptype ? s->ptype : "");
	snprintf(unit, un, "%s", "");
	if (s->ptype != NULL && em_pyro_type_split(s->ptype, buf, sizeof(buf), p) == 0) {
		snprintf(name, n, "%s:%s", p[0], p[1]);
		snprintf(unit, un, "%s", p[2]);
	}
}

/* --- header --------------------------------------------------------------- */

static void draw_header(struct em_srv *s, struct em_screen *scr)
{
	const struct em_glyphs *g = em_glyphs_get(s->utf8);
	char left[2048], right[256], tn[256], unit[64], range[96];
	const char *busy;
	double secs;
	int rw;

	em_screen_fill(scr, 0, 0, s->w, " ", EM_ST_STATUS, 0);
	type_parts(s, tn, sizeof(tn), unit, sizeof(unit));
	em_srv_format_range(s, range, sizeof(range));
	if (em_srv_diff_header(s, left, sizeof(left))) {
		/* the diff's two queries */
	} else if (s->screen == EM_SRV_PICK || s->ptype == NULL) {
		snprintf(left, sizeof(left), " %s %s %s", em_pyro_client_conf(s->proto)->url,
		    g->vline, range);
	} else {
		int off = snprintf(left, sizeof(left), " %s %s %s %s %s", s->selector, g->vline, tn,
		    g->vline, range);
		if (off > 0 && (size_t)off < sizeof(left)) {
			if (s->ncall_site > 0)
				snprintf(left + off, sizeof(left) - (size_t)off, " %s detail of %s%s",
				    g->vline, s->call_site[s->ncall_site - 1],
				    s->truncated ? ", truncated" : "");
			else if (s->truncated)
				snprintf(left + off, sizeof(left) - (size_t)off,
				    " %s truncated (small frames are in 'other')", g->vline);
		}
	}
	right[0] = '\0';
	busy = em_srv_busy_label(s, &secs);
	if (busy != NULL)
		snprintf(right, sizeof(right), " %s %s %.1fs (Esc cancels) ", em_srv_spinner(s),
		    busy, secs);
	rw = em_text_width(right, strlen(right), s->utf8);
	if (rw > s->w / 2)
		rw = s->w / 2;
	em_screen_fit(scr, 0, 0, s->w - rw, left, strlen(left), EM_ST_STATUS, 0);
	if (rw > 0)
		em_screen_fit(scr, s->w - rw, 0, rw, right, strlen(right), EM_ST_STATUS, EM_A_BOLD);
}

/* --- timeline ------------------------------------------------------------- */

static void draw_timeline(struct em_srv *s, struct em_screen *scr)
{
	const struct em_glyphs *g = em_glyphs_get(s->utf8);
	const struct em_timeline *tl = &s->tl;
	char line[1024], a[32], b[32], v[64], tn[256], unit[64], step[32];
	const char *hint = em_srv_diff_tl_hint(s);
	int64_t from, to;
	int off, hw = (int)strlen(hint);

	type_parts(s, tn, sizeof(tn), unit, sizeof(unit));
	em_screen_fill(scr, 0, s->tl_y, s->w, " ", EM_ST_HEADER, 0);
	fmt_dur(step, sizeof(step), tl->step_ms);
	off = snprintf(line, sizeof(line), " timeline, %s buckets", step);
	if (!tl->have_data) {
		snprintf(line + off, sizeof(line) - (size_t)off, ": %s", s->deferred
		    ? "after the profile" : em_srv_busy(s) ? "loading..." : "no data");
	} else if (tl->n > 0 && off > 0) {
		em_tl_bucket_range(tl, (size_t)tl->cursor, &from, &to);
		off += snprintf(line + off, sizeof(line) - (size_t)off, " %s %s-%s %s", g->vline,
		    em_tl_clock(a, sizeof(a), from, 0), em_tl_clock(b, sizeof(b), to, 0),
		    em_fmt_value(v, sizeof(v), (int64_t)(tl->vals[tl->cursor] + 0.5), unit));
		if (tl->max <= 0 && off > 0 && (size_t)off < sizeof(line))
			off += snprintf(line + off, sizeof(line) - (size_t)off, " %s no samples",
			    g->vline);
		if (tl->mark >= 0 && off > 0 && (size_t)off < sizeof(line)) {
			em_tl_selection(tl, &from, &to);
			snprintf(line + off, sizeof(line) - (size_t)off, " %s marked %s-%s, ] zooms",
			    g->vline, em_tl_clock(a, sizeof(a), from, 0), em_tl_clock(b, sizeof(b), to, 0));
		}
	}
	if (hw > s->w / 3)
		hw = 0;
	em_screen_fit(scr, 0, s->tl_y, s->w - hw, line, strlen(line), EM_ST_HEADER, 0);
	if (hw > 0)
		em_screen_puts(scr, s->w - hw, s->tl_y, hw, hint, EM_ST_HEADER, 0);
	em_tl_draw(tl, scr, 0, s->tl_y + 1, s->tl_h - 1);
	em_srv_diff_draw_marks(s, scr, s->tl_y + s->tl_h - 1);
}

/* --- the ui area ------------------------------------------------------------ */

static void center(struct em_screen *scr, int y, const char *text, uint16_t st)
{
	int tw = em_text_width(text, strlen(text), scr->utf8);
	int x = (scr->w - tw) / 2;

	em_screen_fit(scr, x < 1 ? 1 : x, y, scr->w - 2, text, strlen(text), st, 0);
}

static void draw_placeholder(struct em_srv *s, struct em_screen *scr)
{
	int y = s->ui_y + (s->h - s->ui_y) / 2 - 1;
	char buf[256];
	double secs;
	const char *busy = em_srv_busy_label(s, &secs);

	if (s->load_err[0] != '\0') {
		/* the whole message, wrapped: URLs make it long */
		const char *p = s->load_err;
		int maxw = s->w - 4, n = 0;
		while (*p && n < 4) {
			size_t len = strlen(p), cut = len;
			char part[512];
			if (em_text_width(p, len, s->utf8) > maxw) {
				cut = 0;
				for (size_t i = 0; p[i] && em_text_width(p, i, s->utf8) <= maxw; i++)
					if (p[i] == ' ')
						cut = i;
				if (cut == 0)
					cut = (size_t)maxw;
			}
			snprintf(part, sizeof(part), "%.*s", (int)cut, p);
			center(scr, y - 1 + n++, part, EM_ST_ERROR);
			p += cut;
			while (*p == ' ')
				p++;
		}
		center(scr, y + n, "r retries   e edits the selector   p picks a service   q quits",
		    EM_ST_NORMAL);
		return;
	}
	snprintf(buf, sizeof(buf), "%s %s %.1fs", em_srv_spinner(s), busy ? busy : "waiting",
	    secs);
	center(scr, y, buf, EM_ST_TITLE);
	center(scr, y + 1, "Esc cancels", EM_ST_NORMAL);
}

static void draw_ui(struct em_srv *s, struct em_screen *scr)
{
	int uh = s->h - s->ui_y;

	if (s->sub.w != s->w || s->sub.h != uh) {
		if (em_screen_resize(&s->sub, s->w, uh) < 0)
			return;
	}
	em_ui_draw(s->ui, &s->sub);
	for (int y = 0; y < uh; y++)
		memcpy(&scr->cells[(size_t)(s->ui_y + y) * (size_t)s->w],
		    &s->sub.cells[(size_t)y * (size_t)s->w], (size_t)s->w * sizeof(*scr->cells));
}

/* --- bottom line ------------------------------------------------------------ */

void em_srv_draw_prompt(const struct em_srv *s, struct em_screen *scr, const char *pre,
    const struct em_lineedit *le)
{
	int y = s->h - 1, x = (int)strlen(pre), mw = s->msg[0] ? s->w / 2 : 0;

	em_screen_fill(scr, 0, y, s->w, " ", EM_ST_INFO, 0);
	em_screen_puts(scr, 0, y, x, pre, EM_ST_PROMPT, 0);
	em_le_draw(le, scr, x, y, s->w - x - mw, EM_ST_PROMPT, 1);
	if (mw > 0) /* what is wrong with the text, next to it */
		em_screen_fit(scr, s->w - mw + 1, y, mw - 1, s->msg, strlen(s->msg),
		    s->msg_error ? EM_ST_ERROR : EM_ST_INFO, 0);
}

static void bottom(struct em_srv *s, struct em_screen *scr, const char *hint)
{
	int y = s->h - 1;

	if (s->modal == EM_MODAL_SELECTOR) {
		em_srv_draw_prompt(s, scr, "selector: ", &s->sel_edit);
		return;
	}
	if (s->msg[0] != '\0') {
		em_screen_fill(scr, 0, y, s->w, " ", EM_ST_INFO, 0);
		em_screen_fit(scr, 0, y, s->w, s->msg, strlen(s->msg),
		    s->msg_error ? EM_ST_ERROR : EM_ST_INFO, 0);
		return;
	}
	if (hint != NULL) {
		em_screen_fill(scr, 0, y, s->w, " ", EM_ST_INFO, 0);
		em_screen_fit(scr, 0, y, s->w, hint, strlen(hint), EM_ST_INFO, 0);
	}
}

void em_srv_draw(struct em_srv *s, struct em_screen *scr)
{
	const char *hint = NULL;

	scr->utf8 = s->utf8;
	em_screen_clear(scr, EM_ST_NORMAL);
	if (s->w < EM_MIN_W || s->h < EM_MIN_H + 1) {
		center(scr, s->h / 2 - 1 > 0 ? s->h / 2 - 1 : 0, "terminal too small", EM_ST_ERROR);
		center(scr, s->h / 2, "q quits", EM_ST_NORMAL);
		return;
	}
	em_srv_layout(s);
	draw_header(s, scr);
	if (s->screen == EM_SRV_PICK) {
		em_picker_draw(&s->pick, scr, 0, 1, s->w, s->h - 2,
		    "type to filter  Enter opens  Esc back  Ctrl-R reloads");
		bottom(s, scr, " Up/Down move   Enter opens the flame graph   Esc back (quits "
		    "when nothing is open)   Ctrl-C quits");
		return;
	}
	if (s->tl_h > 0)
		draw_timeline(s, scr);
	if (em_srv_diff_draw(s, scr)) {
		/* the diff view instead of the query's own */
	} else if (s->ui != NULL) {
		draw_ui(s, scr);
		if (s->t_first_draw == 0)
			s->t_first_draw = mono_s();
	} else {
		draw_placeholder(s, scr);
		hint = " r refresh   e edit the selector   L label filter   p services   q quit";
	}
	if (s->modal >= EM_MODAL_LABEL_NAME && s->modal <= EM_MODAL_LABEL_VALUE) {
		em_picker_draw(&s->lab, scr, 0, s->ui_y, s->w, s->h - s->ui_y - 1,
		    "Enter picks  Esc goes back");
		hint = " type to filter   Up/Down move   Enter picks   Esc goes back";
	}
	if (em_srv_diff_draw_menu(s, scr))
		return; /* the compare menu, or the diff's bottom line */
	if (s->ui != NULL && s->ui->prompt != EM_PROMPT_NONE)
		return; /* the ui's prompt owns the bottom line */
	bottom(s, scr, hint);
}

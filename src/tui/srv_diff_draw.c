/* srv_diff_draw.c - drawing the server viewer's diff (srv_diff.h): the
 * header naming both queries, A and B on the timeline's axis row, the diff
 * view below the timeline (drawn into its own grid and copied, as the
 * query's ui is), the first line of its help saying how to get back, the
 * compare menu and the baseline's selector line. */
#include <stdio.h>
#include <string.h>

#include "srv_diff.h"

static const uint16_t side_style[2] = { EM_ST_AGG, EM_ST_HEADER_FOCUS };

void em_srv_diff_layout(struct em_srv *s)
{
	struct em_dview *v = s->diff != NULL ? s->diff->view : NULL;
	int uh = s->h - s->ui_y > 0 ? s->h - s->ui_y : 1;

	if (v == NULL)
		return;
	if (v->w != s->w || v->h != uh || v->utf8 != s->utf8 || v->mono != s->mono) {
		v->utf8 = s->utf8;
		v->mono = s->mono;
		em_dview_resize(v, s->w, uh);
	}
}

int em_srv_diff_header(const struct em_srv *s, char *buf, size_t n)
{
	const struct em_srv_diff *d = s->diff;
	int swapped;

	if (!em_srv_diff_shown(s) || s->screen != EM_SRV_VIEW)
		return 0;
	/* the base first: after b (swap) that is B */
	swapped = d->view->title[EM_BASE][0] == 'B';
	snprintf(buf, n, " diff  %s: %s  vs  %s: %s%s", swapped ? "B" : "A",
	    d->label[swapped], swapped ? "A" : "B", d->label[!swapped],
	    swapped ? "  (swapped)" : "");
	return 1;
}

const char *em_srv_diff_tl_hint(const struct em_srv *s)
{
	return em_srv_diff_shown(s)
	    ? " < > cursor  [ mark  A B mark again  c compare  r refetch  q back "
	    : " 1-6 range  < > cursor  [ mark  ] zoom  - out  A B c compare  r refresh ";
}

void em_srv_diff_draw_marks(const struct em_srv *s, struct em_screen *scr, int y)
{
	const struct em_srv_diff *d = s->diff;
	int64_t now, from, to;
	int x0, x1, ax = -1;

	if (d == NULL || s->tl.n == 0 || y < 0 || y >= scr->h)
		return;
	now = s->now_ms();
	for (int i = 0; i < 2; i++) {
		if (d->side[i].selector == NULL)
			continue;
		em_srv_side_range(&d->side[i], now, &from, &to);
		if (!em_tl_span(&s->tl, from, to, &x0, &x1))
			continue;
		for (int x = x0; x < x1 && x < scr->w; x++)
			em_screen_at(scr, x, y)->style = side_style[i];
		if (i == EM_NEW && x0 == ax && x0 + 1 < scr->w)
			x0++; /* both start here: B beside A */
		em_screen_puts(scr, x0, y, 1, i == EM_BASE ? "A" : "B", side_style[i], EM_A_BOLD);
		if (i == EM_BASE)
			ax = x0;
	}
}

/* The help's title row: how to get back, which diff_view.c cannot know. */
static void help_title(struct em_srv *s, struct em_screen *sub)
{
	const struct em_glyphs *g = em_glyphs_get(s->utf8);
	char line[512];

	snprintf(line, sizeof(line), " diff keys (any key closes, j/k scroll) %s q or Esc: back to "
	    "the query %s r: fetch both again %s A B c: compare anew %s Ctrl-C quits", g->vline,
	    g->vline, g->vline, g->vline);
	em_screen_fit(sub, 0, 0, sub->w, line, strlen(line), EM_ST_TITLE, 0);
}

int em_srv_diff_draw(struct em_srv *s, struct em_screen *scr)
{
	struct em_srv_diff *d = s->diff;
	int uh = s->h - s->ui_y;

	if (d != NULL && d->ready && d->view != NULL && s->modal == EM_MODAL_NONE &&
	    s->screen == EM_SRV_VIEW) {
		d->ready = 0; /* the editor that held it back closed */
		d->shown = 1;
	}
	if (!em_srv_diff_shown(s))
		return 0;
	if (uh < 1)
		return 1;
	em_srv_diff_layout(s);
	if ((d->sub.w != s->w || d->sub.h != uh) && em_screen_resize(&d->sub, s->w, uh) < 0)
		return 1;
	em_dview_draw(d->view, &d->sub);
	if (d->view->help)
		help_title(s, &d->sub);
	for (int y = 0; y < uh; y++)
		memcpy(&scr->cells[(size_t)(s->ui_y + y) * (size_t)s->w],
		    &d->sub.cells[(size_t)y * (size_t)s->w], (size_t)s->w * sizeof(*scr->cells));
	return 1;
}

static void bottom_line(struct em_srv *s, struct em_screen *scr, const char *text, uint16_t st)
{
	em_screen_fill(scr, 0, s->h - 1, s->w, " ", EM_ST_INFO, 0);
	em_screen_fit(scr, 0, s->h - 1, s->w, text, strlen(text), st, 0);
}

int em_srv_diff_draw_menu(struct em_srv *s, struct em_screen *scr)
{
	struct em_srv_diff *d = s->diff;

	if (d == NULL)
		return 0;
	if (s->modal == EM_MODAL_COMPARE) {
		em_picker_draw(&d->menu, scr, 0, s->ui_y, s->w, s->h - s->ui_y - 1,
		    "Enter compares  Esc closes");
		bottom_line(s, scr, s->msg[0] ? s->msg : " type to filter   Up/Down move   Enter "
		    "fetches both sides   Esc closes", s->msg[0] && s->msg_error ? EM_ST_ERROR
		    : EM_ST_INFO);
		return 1;
	}
	if (s->modal == EM_MODAL_COMPARE_SEL) {
		em_srv_draw_prompt(s, scr, "baseline selector: ", &d->sel_edit);
		return 1;
	}
	if (!em_srv_diff_shown(s))
		return 0;
	if (s->msg[0] != '\0') /* else the view's own line, the selection's figures */
		bottom_line(s, scr, s->msg, s->msg_error ? EM_ST_ERROR : EM_ST_INFO);
	return 1;
}

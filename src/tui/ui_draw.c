/* ui_draw.c - drawing the ui into a cell grid: the flame pane, the table
 * pane, the two status lines, the help screen, the too-small screen and
 * the loading screen. Reads ui state, never changes what the user sees
 * next except scrolling the selection into view. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "embers/units.h"
#include "sandwich_view.h"
#include "srcpane.h"
#include "ui.h"

/* --- flame pane ---------------------------------------------------------- */

/* Whether a + group holds a match. Its subtrees can be large, and a group
 * shows as one span per level, so the answer is cached by group (its
 * first member) until the layout or the search changes. */
static int group_has_match(struct em_ui *ui, const struct em_span *s)
{
	uint8_t *c;

	if (s->mcount == 0)
		return 0;
	if (ui->gm_gen != ui->gen || ui->gm_cap < ui->fl.nmembers) {
		if (ui->gm_cap < ui->fl.nmembers) {
			uint8_t *n = realloc(ui->gm_cache, ui->fl.nmembers);
			if (n == NULL)
				return 1;
			ui->gm_cache = n;
			ui->gm_cap = ui->fl.nmembers;
		}
		memset(ui->gm_cache, 0, ui->gm_cap);
		ui->gm_gen = ui->gen;
	}
	c = &ui->gm_cache[s->mfirst]; /* 0 unknown, 1 no match, 2 match */
	if (*c == 0) {
		*c = 1;
		for (uint32_t m = 0; m < s->mcount; m++)
			if (em_search_below(&ui->search, &ui->tree, ui->fl.members[s->mfirst + m])) {
				*c = 2;
				break;
			}
	}
	return *c == 2;
}

static uint16_t span_style(struct em_ui *ui, const struct em_span *s, long idx,
    uint8_t *attr)
{
	int searching = ui->search.kind != EM_SEARCH_NONE;

	*attr = 0;
	if (idx == ui->sel_i)
		return EM_ST_FRAME_SEL;
	switch (s->kind) {
	case EM_SPAN_CRUMB:
	case EM_SPAN_MORE:
		if (searching && s->kind == EM_SPAN_CRUMB && em_search_node(&ui->search, &ui->tree, s->node))
			*attr = EM_A_UNDERLINE | EM_A_BOLD;
		return EM_ST_CRUMB;
	case EM_SPAN_AGG:
	case EM_SPAN_ZOOMAGG:
		if (searching && !group_has_match(ui, s))
			return EM_ST_FRAME_DIM;
		return EM_ST_AGG;
	default:
		break;
	}
	if (searching && !em_search_node(&ui->search, &ui->tree, s->node))
		return EM_ST_FRAME_DIM;
	if (searching)
		*attr = EM_A_BOLD;
	if (s->node == 0 || ui->tree.func[s->node] >= ui->p->nfuncs)
		return EM_ST_CRUMB;
	return em_ui_func_style(ui, ui->tree.func[s->node]);
}

static void span_label(const struct em_ui *ui, const struct em_span *s, char *buf, size_t n,
    const char **text, size_t *len)
{
	const struct em_glyphs *g = em_glyphs_get(ui->utf8);

	switch (s->kind) {
	case EM_SPAN_MORE:
		snprintf(buf, n, "%s %u more frames %s", g->ellipsis, s->k, g->ellipsis);
		break;
	case EM_SPAN_AGG:
		snprintf(buf, n, "%s", g->agg);
		break;
	case EM_SPAN_ZOOMAGG:
		snprintf(buf, n, "%s %u frames of %s", g->agg, s->mcount,
		    em_tree_name(&ui->tree, ui->p, s->node));
		break;
	default:
		*text = em_tree_name(&ui->tree, ui->p, s->node);
		*len = strlen(*text);
		return;
	}
	*text = buf;
	*len = strlen(buf);
}

static void draw_row(struct em_ui *ui, struct em_screen *scr, uint32_t r, int y)
{
	const struct em_flame_layout *l = &ui->fl;
	uint16_t prev_style = 0;
	int prev_end = -1;

	for (uint32_t i = l->row_first[r]; i < l->row_first[r + 1]; i++) {
		const struct em_span *s = &l->spans[i];
		uint8_t attr;
		uint16_t st = span_style(ui, s, (long)i, &attr);
		char buf[300];
		const char *text;
		size_t len;
		int x = ui->rflame.x + s->x, w = s->w;

		/* neighbours of one package would merge into one bar: shift the
		 * second to the next palette colour */
		if (st >= EM_ST_FLAME && st == prev_style && prev_end == s->x && ui->theme->npalette > 1)
			st = (uint16_t)(EM_ST_FLAME + (st - EM_ST_FLAME + 1) % ui->theme->npalette);
		prev_style = st;
		prev_end = s->x + s->w;
		span_label(ui, s, buf, sizeof(buf), &text, &len);
		if (ui->mono && w >= 2) {
			/* without colour, a gap marks where a frame ends */
			em_screen_fill(scr, x + w - 1, y, 1, " ", EM_ST_NORMAL, 0);
			w--;
		}
		em_screen_fit(scr, x, y, w, text, len, st, attr);
	}
}

static void draw_flame(struct em_ui *ui, struct em_screen *scr)
{
	const struct em_flame_layout *l = &ui->fl;
	const struct em_rect *rc = &ui->rflame;
	uint32_t r;
	int y;

	if (rc->w <= 0 || rc->h <= 0)
		return;
	for (r = 0; r < l->ncrumbs && (int)r < rc->h; r++)
		draw_row(ui, scr, r, rc->y + (int)r);
	for (y = rc->y + (int)l->ncrumbs, r = l->ncrumbs + ui->ftop;
	    y < rc->y + rc->h && r < l->nrows; y++, r++)
		draw_row(ui, scr, r, y);
}

/* --- status lines ------------------------------------------------------- */

struct line {
	char buf[1024];
	size_t len;
};

static void add(struct line *ln, const char *sep, const char *fmt, ...) EM_PRINTF(3, 4);

static void add(struct line *ln, const char *sep, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (ln->len > 0 && sep != NULL) {
		r = snprintf(ln->buf + ln->len, sizeof(ln->buf) - ln->len, "%s", sep);
		if (r > 0)
			ln->len += (size_t)r;
		if (ln->len >= sizeof(ln->buf))
			ln->len = sizeof(ln->buf) - 1;
	}
	va_start(ap, fmt);
	r = vsnprintf(ln->buf + ln->len, sizeof(ln->buf) - ln->len, fmt, ap);
	va_end(ap);
	if (r > 0)
		ln->len += (size_t)r;
	if (ln->len >= sizeof(ln->buf))
		ln->len = sizeof(ln->buf) - 1;
}

static const char *unit_of(const struct em_ui *ui)
{
	return em_profile_cstr(ui->p, ui->p->types[ui->type].unit);
}

static void draw_status(struct em_ui *ui, struct em_screen *scr, int y)
{
	const struct em_glyphs *g = em_glyphs_get(ui->utf8);
	char sep[16], v[64], pct[32];
	struct line ln = { "", 0 };
	const char *help = " ? help ";
	int hw = (int)strlen(help);

	snprintf(sep, sizeof(sep), " %s ", g->vline);
	add(&ln, NULL, " %s", ui->title);
	add(&ln, sep, "%s (%s) %u/%u", em_profile_cstr(ui->p, ui->p->types[ui->type].type),
	    unit_of(ui), ui->type + 1, ui->p->ntypes);
	add(&ln, sep, "total %s", em_fmt_value(v, sizeof(v), ui->tree.total[0], unit_of(ui)));
	if (ui->zoom_node != 0 || ui->zoom_nmembers > 0)
		add(&ln, sep, "zoom %s %s", ui->zoom_nmembers ? g->agg :
		    em_tree_name(&ui->tree, ui->p, ui->zoom_node),
		    em_fmt_pct(pct, sizeof(pct), ui->fl.zoom_mass, ui->tree.total[0]));
	if (ui->search.kind != EM_SEARCH_NONE)
		add(&ln, sep, "%s%s%s %u frames %s", ui->search.kind == EM_SEARCH_FUNC ? "=" : "/",
		    ui->search.text, ui->search.kind == EM_SEARCH_FUNC ? "" : "/", ui->search.frames,
		    em_fmt_pct(pct, sizeof(pct), ui->search.share, ui->tree.total[0]));
	em_screen_fill(scr, 0, y, scr->w, " ", EM_ST_STATUS, 0);
	em_screen_fit(scr, 0, y, scr->w - hw, ln.buf, ln.len, EM_ST_STATUS, 0);
	em_screen_puts(scr, scr->w - hw, y, hw, help, EM_ST_STATUS, EM_A_BOLD);
}

static void node_info(struct em_ui *ui, struct line *ln, const char *sep)
{
	const em_tree *t = &ui->tree;
	int64_t total = t->total[0], mass = 0, parent_mass = 0, self = -1;
	uint32_t depth = 0, frames = 0;
	const struct em_span *s;
	char a[64], b[32], c[32];

	if (ui->sel_i < 0)
		return;
	s = &ui->fl.spans[ui->sel_i];
	switch (s->kind) {
	case EM_SPAN_MORE:
		add(ln, NULL, "%u ancestors not shown (Enter zooms out to %s)", s->k,
		    em_tree_name(t, ui->p, s->node));
		return;
	case EM_SPAN_AGG:
	case EM_SPAN_ZOOMAGG:
		em_layout_agg_stats(&ui->fl, t, (size_t)ui->sel_i, &mass, &frames);
		depth = em_tree_depth(t, s->node) + 1 + (s->kind == EM_SPAN_AGG ? s->k : 0);
		parent_mass = t->total[s->node];
		if (s->kind == EM_SPAN_AGG && s->k > 0) {
			/* the level above is the same group one step up */
			long i = em_layout_find_agg(&ui->fl, s->node, s->k - 1);
			uint32_t pf;
			if (i >= 0)
				em_layout_agg_stats(&ui->fl, t, (size_t)i, &parent_mass, &pf);
		}
		add(ln, NULL, "%s %u frames, %s", em_glyphs_get(ui->utf8)->agg, frames,
		    em_fmt_pct(b, sizeof(b), mass, total));
		add(ln, sep, "total %s", em_fmt_value(a, sizeof(a), mass, unit_of(ui)));
		break;
	default: {
		em_node p = em_tree_parent(t, s->node);
		mass = t->total[s->node];
		self = em_tree_self(t, s->node);
		parent_mass = p == EM_NODE_NONE ? mass : t->total[p];
		depth = em_tree_depth(t, s->node);
		add(ln, NULL, "%s", em_tree_name(t, ui->p, s->node));
		add(ln, sep, "self %s (%s)", em_fmt_value(a, sizeof(a), self, unit_of(ui)),
		    em_fmt_pct(b, sizeof(b), self, total));
		add(ln, sep, "total %s (%s)", em_fmt_value(a, sizeof(a), mass, unit_of(ui)),
		    em_fmt_pct(c, sizeof(c), mass, total));
		break;
	}
	}
	add(ln, sep, "%s of parent", em_fmt_pct(b, sizeof(b), mass, parent_mass));
	add(ln, sep, "depth %u", depth);
}

static void table_info(struct em_ui *ui, struct line *ln, const char *sep)
{
	const em_top_row *r = em_table_row(&ui->table, ui->table.cur);
	char a[64], b[32];

	if (r == NULL) {
		add(ln, NULL, "no functions%s", ui->table.has_filter ? " match the filter" : "");
		return;
	}
	add(ln, NULL, "%s", em_func_name(ui->p, r->func));
	add(ln, sep, "self %s (%s)", em_fmt_value(a, sizeof(a), r->self, unit_of(ui)),
	    em_fmt_pct(b, sizeof(b), r->self, ui->top.total));
	add(ln, sep, "total %s (%s)", em_fmt_value(a, sizeof(a), r->total, unit_of(ui)),
	    em_fmt_pct(b, sizeof(b), r->total, ui->top.total));
	add(ln, sep, "row %u of %u", ui->table.cur + 1, ui->table.n);
}

static const char *prompt_label(int kind)
{
	switch (kind) {
	case EM_PROMPT_SEARCH: return "/";
	case EM_PROMPT_FILTER: return "filter: ";
	case EM_PROMPT_REPO: return "repository: ";
	case EM_PROMPT_REF: return "ref: ";
	default: return "";
	}
}

static void draw_info(struct em_ui *ui, struct em_screen *scr, int y)
{
	const struct em_glyphs *g = em_glyphs_get(ui->utf8);
	struct line ln = { "", 0 };
	char sep[16];

	em_screen_fill(scr, 0, y, scr->w, " ", EM_ST_INFO, 0);
	if (ui->prompt != EM_PROMPT_NONE) {
		int x = em_screen_puts(scr, 0, y, scr->w, prompt_label(ui->prompt), EM_ST_PROMPT, 0);
		int pw = em_text_width(ui->pbuf, ui->plen, scr->utf8);
		/* show the end of a long pattern */
		size_t off = 0;
		while (pw > scr->w - x - 2 && off < ui->plen) {
			off++;
			pw = em_text_width(ui->pbuf + off, ui->plen - off, scr->utf8);
		}
		x += em_screen_text(scr, x, y, scr->w - x, ui->pbuf + off, ui->plen - off,
		    EM_ST_PROMPT, 0);
		em_screen_puts(scr, x, y, 1, g->block, EM_ST_PROMPT, 0);
		if (ui->msg[0] != '\0' && ui->msg_error)
			em_screen_fit(scr, x + 2, y, scr->w - x - 2, ui->msg, strlen(ui->msg),
			    EM_ST_ERROR, 0);
		return;
	}
	if (ui->msg[0] != '\0') {
		em_screen_fit(scr, 0, y, scr->w, ui->msg, strlen(ui->msg),
		    ui->msg_error ? EM_ST_ERROR : EM_ST_INFO, 0);
		return;
	}
	snprintf(sep, sizeof(sep), " %s ", g->vline);
	if (em_srcpane_is_open(ui)) {
		em_srcpane_info(ui, ln.buf, sizeof(ln.buf));
		ln.len = strlen(ln.buf);
	} else if (em_sw_is_open(ui)) {
		em_sw_info(ui, ln.buf, sizeof(ln.buf));
		ln.len = strlen(ln.buf);
	} else if (ui->focus == EM_PANE_TABLE)
		table_info(ui, &ln, sep);
	else
		node_info(ui, &ln, sep);
	em_screen_fit(scr, 0, y, scr->w, ln.buf, ln.len, EM_ST_INFO, 0);
}

/* --- help, too small, loading ------------------------------------------- */

static void draw_help(struct em_ui *ui, struct em_screen *scr, int h)
{
	size_t n;
	const struct em_action_def *a = em_actions(&n);
	char label[128];
	int keyw = 0, line = 0, y = 1;
	const char *title = "embers keys - Esc, q or ? closes, j/k scroll";

	for (size_t i = 0; i < n; i++) {
		int lw = (int)strlen(em_action_keys_label(&a[i], label, sizeof(label)));
		if (lw > keyw)
			keyw = lw;
	}
	keyw += 3;
	for (int r = 0; r < h; r++)
		em_screen_fill(scr, 0, r, scr->w, " ", EM_ST_HELP, 0);
	em_screen_fit(scr, 1, 0, scr->w - 1, title, strlen(title), EM_ST_TITLE, 0);
	/* flame and table keys, the mouse, the details pane's and the server's keys */
	for (int pass = 0; pass < 4; pass++) {
		static const char *const heads[] = { NULL, "Mouse (where the terminal reports it):",
			"In the function details pane (d):", "With a server (embers --url):" };
		if (heads[pass] != NULL && line++ >= ui->help_top && y < h)
			em_screen_puts(scr, 1, y++, scr->w - 1, heads[pass], EM_ST_TITLE, 0);
		for (size_t i = 0; i < n; i++) {
			int in = a[i].ctx == EM_CTX_MOUSE ? 1 : (a[i].ctx & EM_CTX_SOURCE) ? 2
			    : (a[i].ctx & EM_CTX_SERVER) ? 3 : 0;
			/* the diff view has its own help; the sandwich lists its key in its line */
			if (in != pass || (a[i].ctx & (EM_CTX_DIFF | EM_CTX_SANDWICH)))
				continue;
			if (line++ < ui->help_top || y >= h)
				continue;
			em_action_keys_label(&a[i], label, sizeof(label));
			em_screen_puts(scr, 2, y, keyw, label, EM_ST_HELP_KEY, 0);
			em_screen_fit(scr, 2 + keyw, y, scr->w - 2 - keyw, a[i].help,
			    strlen(a[i].help), EM_ST_HELP, 0);
			y++;
		}
	}
	if (ui->help_top > line - 1)
		ui->help_top = line > 0 ? line - 1 : 0;
}

static void center(struct em_screen *scr, int y, const char *text, uint16_t st)
{
	int tw = em_text_width(text, strlen(text), scr->utf8);
	int x = (scr->w - tw) / 2;

	em_screen_puts(scr, x < 0 ? 0 : x, y, scr->w, text, st, 0);
}

static void draw_too_small(struct em_ui *ui, struct em_screen *scr)
{
	char buf[96];
	int y = scr->h / 2 - 1;

	if (y < 0)
		y = 0;
	center(scr, y, "terminal too small", EM_ST_ERROR);
	snprintf(buf, sizeof(buf), "%dx%d, needs at least %dx%d", ui->w, ui->h, EM_MIN_W, EM_MIN_H);
	center(scr, y + 1, buf, EM_ST_NORMAL);
	center(scr, y + 2, "q quits", EM_ST_NORMAL);
}

void em_ui_draw_progress(struct em_screen *scr, const char *title, double fraction,
    double seconds)
{
	const struct em_glyphs *g = em_glyphs_get(scr->utf8);
	char buf[320];
	int bw = scr->w - 10, y = scr->h / 2 - 1, filled;

	em_screen_clear(scr, EM_ST_NORMAL);
	if (bw > 60)
		bw = 60;
	if (y < 0)
		y = 0;
	snprintf(buf, sizeof(buf), "loading %s", title);
	center(scr, y, buf, EM_ST_TITLE);
	if (bw > 0) {
		int x = (scr->w - bw) / 2;
		filled = fraction < 0 ? 0 : (int)(fraction * bw + 0.5);
		if (filled > bw)
			filled = bw;
		em_screen_fill(scr, x, y + 1, bw, g->shade, EM_ST_PROGRESS, 0);
		em_screen_fill(scr, x, y + 1, filled, g->block, EM_ST_PROGRESS, 0);
	}
	if (fraction >= 0)
		snprintf(buf, sizeof(buf), "%d%%  %.1fs  Esc cancels", (int)(fraction * 100 + 0.5),
		    seconds);
	else
		snprintf(buf, sizeof(buf), "%.1fs  Esc cancels", seconds);
	center(scr, y + 2, buf, EM_ST_NORMAL);
}

/* --- the whole screen --------------------------------------------------- */

void em_ui_draw(struct em_ui *ui, struct em_screen *scr)
{
	const struct em_glyphs *g = em_glyphs_get(ui->utf8);
	struct em_table_draw td;

	scr->utf8 = ui->utf8;
	em_screen_clear(scr, EM_ST_NORMAL);
	if (ui->w < EM_MIN_W || ui->h < EM_MIN_H) {
		draw_too_small(ui, scr);
		return;
	}
	em_ui_layout(ui);
	if (em_srcpane_is_open(ui)) {
		em_srcpane_draw(ui, scr);
		if (ui->help)
			draw_help(ui, scr, ui->h - 2);
		draw_status(ui, scr, ui->h - 2);
		draw_info(ui, scr, ui->h - 1);
		return;
	}
	if (em_sw_is_open(ui)) {
		em_sw_draw(ui, scr);
		if (ui->help)
			draw_help(ui, scr, ui->h - 2);
		draw_status(ui, scr, ui->h - 2);
		draw_info(ui, scr, ui->h - 1);
		return;
	}
	draw_flame(ui, scr);
	td.focused = ui->focus == EM_PANE_TABLE;
	td.search = &ui->search;
	td.unit = unit_of(ui);
	if (ui->rtable.w > 0)
		em_table_draw(&ui->table, scr, ui->rtable.x, ui->rtable.y, ui->rtable.w,
		    ui->rtable.h, &td);
	if (ui->rflame.w > 0 && ui->rtable.w > 0 && ui->rtable.x > 0)
		for (int y = 0; y < ui->rflame.h; y++)
			em_screen_fill(scr, ui->rtable.x - 1, y, 1, g->vline, EM_ST_BORDER, 0);
	if (ui->help)
		draw_help(ui, scr, ui->h - 2);
	draw_status(ui, scr, ui->h - 2);
	draw_info(ui, scr, ui->h - 1);
}

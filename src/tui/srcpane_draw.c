/* srcpane_draw.c - drawing the function details pane: the header (name,
 * file, repository and ref, self and total of all occurrences and of this
 * one, where the source came from or why it could not be had, a
 * .pyroscope.yaml warning), the per-line table, and the source with its
 * self/total gutter, hot lines coloured by their share of the function's
 * total. Also the pane's geometry and its info line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/units.h"
#include "srcpane.h"

#define TAB_WIDTH 4
#define FIG_W 8       /* a figure in the gutter and the table */
#define COL_GAP 3     /* between per-line table columns */
#define LABEL_W 12    /* "repository  " */

enum { H_TITLE, H_FILE, H_REPO, H_ALL, H_THIS, H_SOURCE, H_WARNING, H_COUNT };

/* Which header lines are shown when the screen is short, best first. */
static const int head_prio[H_COUNT] = { H_TITLE, H_SOURCE, H_WARNING, H_ALL, H_FILE, H_REPO, H_THIS };

static int has_warning(const struct em_srcpane *sp)
{
	return (sp->have_file && sp->file.warning[0] != '\0') || sp->note[0] != '\0';
}

/* Header lines shown: shown[i] for each H_*, in screen order. */
static int head_lines(const struct em_ui *ui, int shown[H_COUNT])
{
	int bh = ui->h - 2, max = bh / 2, n = 0;

	if (max < 1)
		max = 1;
	memset(shown, 0, H_COUNT * sizeof(shown[0]));
	for (int i = 0; i < H_COUNT && n < max; i++) {
		if (head_prio[i] == H_WARNING && !has_warning(ui->sp))
			continue;
		shown[head_prio[i]] = 1;
		n++;
	}
	return n;
}

static int digits(int64_t v)
{
	int d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

void em_srcpane_geom(const struct em_ui *ui, struct em_srcpane_geom *g)
{
	const struct em_srcpane *sp = ui->sp;
	const em_func_lines *e = em_srcpane_entry(sp);
	int shown[H_COUNT], bh = ui->h - 2, n = e != NULL ? (int)e->n : 0, rows, left;
	int64_t maxline = em_srcpane_nlines(sp);

	memset(g, 0, sizeof(*g));
	g->sep_y = -1;
	if (e != NULL && e->n > 0 && sp->lines.rows[e->first + e->n - 1].line > maxline)
		maxline = sp->lines.rows[e->first + e->n - 1].line;
	g->lw = digits(maxline);
	if (g->lw < 4)
		g->lw = 4;
	g->colw = g->lw + 1 + FIG_W + 1 + FIG_W;
	g->cols = (ui->w + COL_GAP) / (g->colw + COL_GAP);
	if (g->cols < 1)
		g->cols = 1;
	g->nhead = head_lines(ui, shown);
	g->tab_y = g->nhead;
	left = bh - g->nhead;
	rows = 1 + (n > 0 ? (n + g->cols - 1) / g->cols : 1);
	if (!em_srcpane_has_source(sp)) {
		/* no file (yet): the per-line table has the room */
		g->tab_h = left;
		return;
	}
	g->tab_h = left / 3;
	if (g->tab_h < 2)
		g->tab_h = 2;
	if (g->tab_h > rows)
		g->tab_h = rows;
	if (g->tab_h > left)
		g->tab_h = left;
	g->sep_y = g->tab_y + g->tab_h;
	g->src_y = g->sep_y + 1;
	g->src_h = bh - g->src_y;
	if (g->src_h < 0)
		g->src_h = 0;
	if (g->sep_y >= bh)
		g->sep_y = -1;
}

/* --- text helpers ------------------------------------------------------------ */

struct buf {
	char s[1024];
	size_t n;
};

static void put(struct buf *b, const char *fmt, ...) EM_PRINTF(2, 3);

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (b->n >= sizeof(b->s) - 1)
		return;
	va_start(ap, fmt);
	r = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		b->n += (size_t)r;
	if (b->n >= sizeof(b->s))
		b->n = sizeof(b->s) - 1;
}

static const char *unit(const struct em_ui *ui)
{
	return em_profile_cstr(ui->p, ui->p->types[ui->type].unit);
}

/* As `embers source` prints it: "." for nothing. */
static const char *fig(char *b, size_t n, int64_t v, const char *u)
{
	if (v == 0)
		return ".";
	return em_fmt_value(b, n, v, u);
}

/* A figure in words: "0" rather than "0.00ns". */
static const char *val(char *b, size_t n, int64_t v, const char *u)
{
	if (v == 0)
		return "0";
	return em_fmt_value(b, n, v, u);
}

/* One line with a label column, cut to the width. */
static void labelled(struct em_screen *scr, int y, const char *label, const char *text,
    uint16_t st)
{
	em_screen_fit(scr, 0, y, LABEL_W, label, strlen(label), EM_ST_HELP_KEY, 0);
	em_screen_fit(scr, LABEL_W, y, scr->w - LABEL_W, text, strlen(text), st, 0);
}

/* The same for a path: when too long its start gives way, since the
 * file's name is at the end. */
static void labelled_path(struct em_screen *scr, int y, const char *label, const char *text)
{
	const struct em_glyphs *g = em_glyphs_get(scr->utf8);
	int w = scr->w - LABEL_W;
	size_t n = strlen(text), off = 0;

	if (w <= g->ellipsis_w + 1 || em_text_width(text, n, scr->utf8) <= w) {
		labelled(scr, y, label, text, EM_ST_NORMAL);
		return;
	}
	while (off < n && em_text_width(text + off, n - off, scr->utf8) > w - g->ellipsis_w)
		off++;
	while (off < n && ((unsigned char)text[off] & 0xc0) == 0x80)
		off++; /* not inside a character */
	em_screen_fit(scr, 0, y, LABEL_W, label, strlen(label), EM_ST_HELP_KEY, 0);
	em_screen_puts(scr, LABEL_W, y, g->ellipsis_w, g->ellipsis, EM_ST_NORMAL, 0);
	em_screen_fit(scr, LABEL_W + g->ellipsis_w, y, w - g->ellipsis_w, text + off, n - off,
	    EM_ST_NORMAL, 0);
}

static void figures(const struct em_ui *ui, struct buf *b, int64_t self, int64_t total)
{
	char v[64], pct[32];
	int64_t all = ui->tree.total[0];

	put(b, "self %s (%s)", val(v, sizeof(v), self, unit(ui)),
	    em_fmt_pct(pct, sizeof(pct), self, all));
	put(b, "   total %s (%s)", val(v, sizeof(v), total, unit(ui)),
	    em_fmt_pct(pct, sizeof(pct), total, all));
}

static const char *spinner(const struct em_ui *ui, unsigned i)
{
	static const char *const braille[] = { "\u280b", "\u2819", "\u2839", "\u2838", "\u283c",
		"\u2834", "\u2826", "\u2827", "\u2807", "\u280f" };
	static const char *const ascii[] = { "|", "/", "-", "\\" };

	return ui->utf8 ? braille[i % 10] : ascii[i % 4];
}

/* --- the header ----------------------------------------------------------------- */

static void head_title(struct em_ui *ui, struct em_screen *scr, int y)
{
	const struct em_srcpane *sp = ui->sp;
	struct buf b = { "", 0 };
	uint32_t nfiles = sp->have_lines ? sp->lines.nfuncs - sp->first_entry : 0;

	put(&b, "%s", em_func_name(ui->p, sp->func));
	if (nfiles > 1)
		put(&b, "   (file %u of %u, o: next)", sp->entry - sp->first_entry + 1, nfiles);
	em_screen_fill(scr, 0, y, scr->w, " ", EM_ST_NORMAL, 0);
	em_screen_fit(scr, 0, y, scr->w, b.s, b.n, EM_ST_TITLE, 0);
}

static void head_file(struct em_ui *ui, struct em_screen *scr, int y)
{
	const struct em_srcpane *sp = ui->sp;
	const em_func_lines *e = em_srcpane_entry(sp);
	struct buf b = { "", 0 };
	int64_t start = em_profile_start_line(ui->p, sp->func,
	    e != NULL ? e->file : ui->p->funcs[sp->func].file);

	if (sp->path == NULL || sp->path[0] == '\0')
		put(&b, "(the profile has no file name)");
	else
		put(&b, "%s", sp->path);
	if (start > 0)
		put(&b, ", starts at line %lld", (long long)start);
	labelled_path(scr, y, "file", b.s);
}

static void head_repo(struct em_ui *ui, struct em_screen *scr, int y)
{
	const em_source_opts *o = &ui->sp->opts;
	struct buf b = { "", 0 };

	put(&b, "%s   ref %s", o->repo ? o->repo : "(none)", o->ref ? o->ref : "HEAD");
	if (o->root_path)
		put(&b, "   root %s", o->root_path);
	if (o->source_dir)
		put(&b, "   source dir %s", o->source_dir);
	if (o->offline)
		put(&b, "   offline");
	labelled(scr, y, "repository", b.s, EM_ST_NORMAL);
}

static void head_all(struct em_ui *ui, struct em_screen *scr, int y)
{
	const em_func_lines *e = em_srcpane_entry(ui->sp);
	struct buf b = { "", 0 };

	if (e == NULL) {
		put(&b, "no samples in %s", em_profile_cstr(ui->p, ui->p->types[ui->type].type));
	} else {
		figures(ui, &b, e->self, e->total);
		put(&b, "   every occurrence");
	}
	labelled(scr, y, "all", b.s, EM_ST_NORMAL);
}

static void head_this(struct em_ui *ui, struct em_screen *scr, int y)
{
	const struct em_srcpane *sp = ui->sp;
	struct buf b = { "", 0 };

	if (sp->node == EM_NODE_NONE || sp->node >= ui->tree.n) {
		put(&b, "- (opened from the table)");
	} else {
		figures(ui, &b, sp->occ_self, sp->occ_total);
		put(&b, "   depth %u", em_tree_depth(&ui->tree, sp->node));
	}
	labelled(scr, y, "this frame", b.s, EM_ST_NORMAL);
}

static void head_source(struct em_ui *ui, struct em_screen *scr, int y)
{
	const struct em_srcpane *sp = ui->sp;
	struct buf b = { "", 0 };
	uint16_t st = EM_ST_NORMAL;

	if (sp->job != NULL && !sp->job_stale) {
		put(&b, "%s looking up %s (Esc cancels)", spinner(ui, sp->spin),
		    sp->path && sp->path[0] ? sp->path : em_func_name(ui->p, sp->func));
		st = EM_ST_PROMPT;
	} else if (sp->job != NULL || (sp->restart && sp->why[0] == '\0')) {
		put(&b, "%s waiting for the last lookup to stop", spinner(ui, sp->spin));
		st = EM_ST_PROMPT;
	} else if (em_srcpane_has_source(sp)) {
		labelled_path(scr, y, "source", sp->file.origin ? sp->file.origin : "");
		return;
	} else {
		/* one line saying why */
		put(&b, "cannot be had: %s", sp->why[0] ? sp->why :
		    sp->have_file && sp->file.why[0] ? sp->file.why : "not looked up");
		st = EM_ST_ERROR;
	}
	labelled(scr, y, "source", b.s, st);
}

static void head_warning(struct em_ui *ui, struct em_screen *scr, int y)
{
	const struct em_srcpane *sp = ui->sp;
	struct buf b = { "", 0 };

	if (sp->have_file && sp->file.warning[0] != '\0')
		put(&b, "%s", sp->file.warning);
	if (sp->note[0] != '\0')
		put(&b, "%s%s", b.n ? "; " : "", sp->note);
	labelled(scr, y, "warning", b.s, EM_ST_ERROR);
}

static void draw_head(struct em_ui *ui, struct em_screen *scr)
{
	static void (*const draw[H_COUNT])(struct em_ui *, struct em_screen *, int) = {
		head_title, head_file, head_repo, head_all, head_this, head_source, head_warning
	};
	int shown[H_COUNT], y = 0;

	head_lines(ui, shown);
	for (int i = 0; i < H_COUNT; i++)
		if (shown[i])
			draw[i](ui, scr, y++);
}

/* --- keeping the cursor in view ---------------------------------------------- */

static void fix_view(struct em_srcpane *sp, const struct em_srcpane_geom *g)
{
	const em_func_lines *e = em_srcpane_entry(sp);
	int64_t n = em_srcpane_nlines(sp), h = g->src_h, last;
	int64_t vr = g->tab_h > 1 ? g->tab_h - 1 : 1, trows;

	if (em_srcpane_has_source(sp) && h > 0) {
		int off = sp->cur < sp->top || sp->cur >= sp->top + h;
		if (sp->want_center > 0 || (sp->want_center < 0 && off))
			sp->top = sp->cur - h / 2;
		else if (sp->cur < sp->top)
			sp->top = sp->cur;
		else if (sp->cur >= sp->top + h)
			sp->top = sp->cur - h + 1;
		last = n - h + 1;
		if (sp->top > last)
			sp->top = last;
		if (sp->top < 1)
			sp->top = 1;
	}
	if (e != NULL && e->n > 0) {
		size_t i;
		for (i = 0; i < e->n && sp->lines.rows[e->first + i].line != sp->cur; i++)
			;
		if (i < e->n) {
			int64_t r = (int64_t)i / g->cols;
			if (r < sp->ltop)
				sp->ltop = r;
			else if (r >= sp->ltop + vr)
				sp->ltop = r - vr + 1;
		}
		trows = ((int64_t)e->n + g->cols - 1) / g->cols;
		if (sp->ltop > trows - vr)
			sp->ltop = trows - vr;
	}
	if (sp->ltop < 0)
		sp->ltop = 0;
	if (em_srcpane_has_source(sp) || sp->want_center <= 0)
		sp->want_center = 0;
}

/* --- the per-line table -------------------------------------------------------- */

static void draw_table(struct em_ui *ui, struct em_screen *scr, const struct em_srcpane_geom *g)
{
	struct em_srcpane *sp = ui->sp;
	const em_func_lines *e = em_srcpane_entry(sp);
	char cell[128], a[32], b[32];
	int y;

	if (g->tab_h < 1)
		return;
	em_screen_fill(scr, 0, g->tab_y, scr->w, " ", EM_ST_HEADER, 0);
	for (int c = 0; c < g->cols; c++) {
		snprintf(cell, sizeof(cell), "%*s %*s %*s", g->lw, "line", FIG_W, "self", FIG_W, "total");
		em_screen_puts(scr, c * (g->colw + COL_GAP), g->tab_y, g->colw, cell, EM_ST_HEADER, 0);
	}
	if (e == NULL || e->n == 0) {
		if (g->tab_h > 1)
			em_screen_puts(scr, 0, g->tab_y + 1, scr->w, "no line has samples", EM_ST_NORMAL, 0);
		return;
	}
	for (y = 1; y < g->tab_h; y++) {
		for (int c = 0; c < g->cols; c++) {
			int64_t i = (sp->ltop + y - 1) * g->cols + c;
			const em_line_row *r;
			uint16_t st;
			if (i >= (int64_t)e->n)
				break;
			r = &sp->lines.rows[e->first + (size_t)i];
			if (r->line > 0)
				snprintf(cell, sizeof(cell), "%*lld %*s %*s", g->lw, (long long)r->line, FIG_W,
				    fig(a, sizeof(a), r->self, unit(ui)), FIG_W, fig(b, sizeof(b), r->total, unit(ui)));
			else
				snprintf(cell, sizeof(cell), "%*s %*s %*s", g->lw, "?", FIG_W,
				    fig(a, sizeof(a), r->self, unit(ui)), FIG_W, fig(b, sizeof(b), r->total, unit(ui)));
			st = r->line == sp->cur ? EM_ST_ROW_SEL :
			    (uint16_t)(EM_ST_SRC_GUTTER + em_srcpane_heat(sp, r));
			em_screen_fit(scr, c * (g->colw + COL_GAP), g->tab_y + y, g->colw, cell, strlen(cell),
			    st, 0);
		}
	}
}

/* --- the source ----------------------------------------------------------------- */

/* Source text with tabs expanded; control bytes come out as '?'. */
static void put_code(struct em_screen *scr, int x, int y, int w, const char *t, size_t n,
    uint16_t st)
{
	int col = 0;
	size_t i = 0;

	while (i < n && col < w) {
		const char *tab = memchr(t + i, '\t', n - i);
		size_t seg = tab != NULL ? (size_t)(tab - (t + i)) : n - i;

		if (seg > 0)
			col += em_screen_text(scr, x + col, y, w - col, t + i, seg, st, 0);
		i += seg;
		if (tab != NULL && col < w) {
			int next = (col / TAB_WIDTH + 1) * TAB_WIDTH;
			if (next > w)
				next = w;
			em_screen_fill(scr, x + col, y, next - col, " ", st, 0);
			col = next;
			i++;
		}
	}
}

static void draw_rule(struct em_ui *ui, struct em_screen *scr, int y)
{
	const struct em_glyphs *gl = em_glyphs_get(ui->utf8);
	const struct em_srcpane *sp = ui->sp;
	const char *name = sp->path && sp->path[0] ? sp->path : sp->file.origin ? sp->file.origin : "";
	const char *base = strrchr(name, '/');
	char label[512];

	em_screen_fill(scr, 0, y, scr->w, gl->hline, EM_ST_BORDER, 0);
	snprintf(label, sizeof(label), " %s, %lld lines ", base ? base + 1 : name,
	    (long long)em_srcpane_nlines(sp));
	em_screen_puts(scr, 2, y, scr->w - 4, label, EM_ST_BORDER, 0);
}

static void draw_source(struct em_ui *ui, struct em_screen *scr, const struct em_srcpane_geom *g)
{
	struct em_srcpane *sp = ui->sp;
	const em_func_lines *e = em_srcpane_entry(sp);
	const struct em_glyphs *gl = em_glyphs_get(ui->utf8);
	int64_t start = 0, end = -1, n = em_srcpane_nlines(sp);
	int gw = FIG_W + 1 + FIG_W + 1 + g->lw;
	char gut[128], a[32], b[32];

	if (e != NULL)
		em_lines_window(ui->p, &sp->lines, e, &start, &end);
	for (int y = 0; y < g->src_h; y++) {
		int64_t ln = sp->top + y;
		const em_line_row *r;
		const char *text;
		size_t len = 0;
		uint16_t st = EM_ST_NORMAL, gst = EM_ST_SRC_GUTTER;
		int heat;

		if (ln > n)
			break;
		r = e != NULL ? em_lines_row(&sp->lines, e, ln) : NULL;
		heat = em_srcpane_heat(sp, r);
		if (heat > 0)
			st = gst = (uint16_t)(EM_ST_SRC_GUTTER + heat);
		if (ln >= start && ln <= end)
			snprintf(gut, sizeof(gut), "%*s %*s %*lld", FIG_W,
			    fig(a, sizeof(a), r ? r->self : 0, unit(ui)), FIG_W,
			    fig(b, sizeof(b), r ? r->total : 0, unit(ui)), g->lw, (long long)ln);
		else
			snprintf(gut, sizeof(gut), "%*s %*lld", FIG_W * 2 + 1, "", g->lw, (long long)ln);
		if (ln == sp->cur)
			gst = EM_ST_ROW_SEL;
		em_screen_fill(scr, 0, g->src_y + y, scr->w, " ", st, 0);
		em_screen_fit(scr, 0, g->src_y + y, gw, gut, strlen(gut), gst, 0);
		em_screen_puts(scr, gw + 1, g->src_y + y, 1, gl->vline, EM_ST_BORDER, 0);
		text = em_source_file_line(&sp->file, ln, &len);
		if (text != NULL && scr->w > gw + 3)
			put_code(scr, gw + 3, g->src_y + y, scr->w - gw - 3, text, len, st);
	}
}

void em_srcpane_draw(struct em_ui *ui, struct em_screen *scr)
{
	struct em_srcpane_geom g;

	em_srcpane_geom(ui, &g);
	fix_view(ui->sp, &g);
	draw_head(ui, scr);
	draw_table(ui, scr, &g);
	if (g.sep_y >= 0)
		draw_rule(ui, scr, g.sep_y);
	if (g.src_h > 0)
		draw_source(ui, scr, &g);
}

/* --- the info line ------------------------------------------------------------ */

void em_srcpane_info(struct em_ui *ui, char *out, size_t n)
{
	const struct em_srcpane *sp = ui->sp;
	const em_func_lines *e = em_srcpane_entry(sp);
	const em_line_row *r = e != NULL ? em_lines_row(&sp->lines, e, sp->cur) : NULL;
	const char *sep = ui->utf8 ? " \u2502 " : " | ";
	struct buf b = { "", 0 };
	char v[64], pct[32];
	int64_t all = ui->tree.total[0];

	put(&b, "line %lld", (long long)sp->cur);
	if (r == NULL) {
		put(&b, "%sno samples", sep);
	} else {
		size_t i, nhot = 0, at = 0;
		put(&b, "%sself %s (%s)", sep, val(v, sizeof(v), r->self, unit(ui)),
		    em_fmt_pct(pct, sizeof(pct), r->self, all));
		put(&b, "%stotal %s (%s)", sep, val(v, sizeof(v), r->total, unit(ui)),
		    em_fmt_pct(pct, sizeof(pct), r->total, all));
		for (i = 0; i < e->n; i++) {
			int64_t ln = sp->lines.rows[e->first + i].line;
			if (ln < 1)
				continue;
			nhot++;
			if (ln == sp->cur)
				at = nhot;
		}
		if (at > 0)
			put(&b, "%shot line %zu of %zu", sep, at, nhot);
	}
	put(&b, "%sn/N hot lines, r/c repository/ref, Esc closes", sep);
	snprintf(out, n, "%s", b.s);
}

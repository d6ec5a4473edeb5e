/* table.c - top table rows (sort, reverse, regex filter, cursor) and
 * drawing them. The rows come from em_top; this file only orders, filters
 * and shows them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/units.h"
#include "table.h"
#include "theme.h"

void em_table_init(struct em_table *tb, const em_profile *p, em_top *top)
{
	memset(tb, 0, sizeof(*tb));
	tb->p = p;
	tb->sort = EM_SORT_SELF;
	em_table_set_top(tb, top);
}

void em_table_free(struct em_table *tb)
{
	free(tb->rows);
	if (tb->has_filter)
		regfree(&tb->filter);
	memset(tb, 0, sizeof(*tb));
}

const em_top_row *em_table_row(const struct em_table *tb, uint32_t i)
{
	if (tb->top == NULL || i >= tb->n)
		return NULL;
	return &tb->top->rows[tb->rows[i]];
}

em_func_id em_table_func(const struct em_table *tb)
{
	const em_top_row *r = em_table_row(tb, tb->cur);

	return r ? r->func : EM_FUNC_NONE;
}

/* Rebuild the shown rows from top's order, reverse and filter. */
static int rebuild(struct em_table *tb)
{
	uint32_t total = tb->top ? tb->top->n : 0;

	if (tb->cap < total) {
		uint32_t *r = realloc(tb->rows, (size_t)total * sizeof(*r));
		if (r == NULL)
			return -1;
		tb->rows = r;
		tb->cap = total;
	}
	tb->n = 0;
	for (uint32_t i = 0; i < total; i++) {
		uint32_t idx = tb->reverse ? total - 1 - i : i;
		if (tb->has_filter &&
		    regexec(&tb->filter, em_func_name(tb->p, tb->top->rows[idx].func), 0, NULL, 0) != 0)
			continue;
		tb->rows[tb->n++] = idx;
	}
	return 0;
}

/* Keep the cursor on function f when it is still shown, else clamp. */
static void restore_cursor(struct em_table *tb, em_func_id f)
{
	tb->scroll = 0;
	if (f != EM_FUNC_NONE && em_table_find(tb, f, 0) == 0)
		return;
	tb->cur = 0;
}

int em_table_set_top(struct em_table *tb, em_top *top)
{
	em_func_id f = em_table_func(tb);

	tb->top = top;
	if (top == NULL) {
		tb->n = 0;
		return 0;
	}
	em_top_sort(top, tb->p, tb->sort);
	if (rebuild(tb) < 0)
		return -1;
	restore_cursor(tb, f);
	return 0;
}

int em_table_sort(struct em_table *tb, em_sort by, int reverse)
{
	em_func_id f = em_table_func(tb);

	tb->sort = by;
	tb->reverse = reverse;
	if (tb->top != NULL)
		em_top_sort(tb->top, tb->p, by);
	if (rebuild(tb) < 0)
		return -1;
	restore_cursor(tb, f);
	return 0;
}

int em_table_filter(struct em_table *tb, const char *pattern, em_error *err)
{
	em_func_id f = em_table_func(tb);
	regex_t re;

	if (pattern == NULL || *pattern == '\0') {
		if (tb->has_filter)
			regfree(&tb->filter);
		tb->has_filter = 0;
		tb->filter_text[0] = '\0';
	} else {
		if (em_regex_compile(&re, pattern, err) < 0)
			return -1;
		if (tb->has_filter)
			regfree(&tb->filter);
		tb->filter = re;
		tb->has_filter = 1;
		snprintf(tb->filter_text, sizeof(tb->filter_text), "%s", pattern);
	}
	if (rebuild(tb) < 0)
		return em_error_set(err, "out of memory");
	restore_cursor(tb, f);
	return 0;
}

static void keep_visible(struct em_table *tb, int h)
{
	if (h <= 0)
		return;
	if (tb->cur < tb->scroll)
		tb->scroll = tb->cur;
	else if (tb->cur >= tb->scroll + (uint32_t)h)
		tb->scroll = tb->cur - (uint32_t)h + 1;
}

void em_table_goto(struct em_table *tb, uint32_t row, int h)
{
	if (tb->n == 0) {
		tb->cur = tb->scroll = 0;
		return;
	}
	tb->cur = row >= tb->n ? tb->n - 1 : row;
	keep_visible(tb, h);
}

void em_table_move(struct em_table *tb, long delta, int h)
{
	long to = (long)tb->cur + delta;

	if (to < 0)
		to = 0;
	em_table_goto(tb, (uint32_t)to, h);
}

int em_table_find(struct em_table *tb, em_func_id f, int h)
{
	for (uint32_t i = 0; i < tb->n; i++)
		if (tb->top->rows[tb->rows[i]].func == f) {
			em_table_goto(tb, i, h);
			return 0;
		}
	return -1;
}

long em_table_row_at(const struct em_table *tb, int line)
{
	uint32_t r;

	if (line < 0)
		return -1;
	r = tb->scroll + (uint32_t)line;
	return r < tb->n ? (long)r : -1;
}

/* --- drawing ------------------------------------------------------------- */

#define NUMW 10
#define PCTW 8

static void right(struct em_screen *s, int x, int y, int w, const char *t,
    uint16_t st, uint8_t attr)
{
	int tw = em_text_width(t, strlen(t), s->utf8);

	if (tw > w)
		tw = w;
	em_screen_fill(s, x, y, w - tw, " ", st, attr);
	em_screen_puts(s, x + w - tw, y, tw, t, st, attr);
}

static void header(struct em_table *tb, struct em_screen *s, int x, int y, int w,
    int pcts, const struct em_table_draw *d)
{
	const struct em_glyphs *g = em_glyphs_get(s->utf8);
	uint16_t st = d->focused ? EM_ST_HEADER_FOCUS : EM_ST_HEADER;
	const char *arrow = tb->reverse ? g->sort_up : g->sort_down;
	int numw = (pcts ? 2 * (NUMW + PCTW) : 2 * NUMW);
	char name[320], col[32];

	if (tb->has_filter)
		snprintf(name, sizeof(name), "function%s  /%s/ %u of %u", tb->sort == EM_SORT_NAME ? arrow : "",
		    tb->filter_text, tb->n, tb->top ? tb->top->n : 0);
	else
		snprintf(name, sizeof(name), "function%s", tb->sort == EM_SORT_NAME ? arrow : "");
	em_screen_fit(s, x, y, w - numw, name, strlen(name), st, 0);
	x += w - numw;
	snprintf(col, sizeof(col), "self%s", tb->sort == EM_SORT_SELF ? arrow : "");
	right(s, x, y, NUMW, col, st, 0);
	x += NUMW;
	if (pcts) {
		right(s, x, y, PCTW, "self%", st, 0);
		x += PCTW;
	}
	snprintf(col, sizeof(col), "total%s", tb->sort == EM_SORT_TOTAL ? arrow : "");
	right(s, x, y, NUMW, col, st, 0);
	x += NUMW;
	if (pcts)
		right(s, x, y, PCTW, "total%", st, 0);
}

void em_table_draw(struct em_table *tb, struct em_screen *s, int x, int y, int w, int h,
    const struct em_table_draw *d)
{
	int pcts = w >= 2 * (NUMW + PCTW) + 16;
	int numw = (pcts ? 2 * (NUMW + PCTW) : 2 * NUMW);
	int64_t total = tb->top ? tb->top->total : 0;

	if (w <= numw + 4 || h <= 0)
		return;
	header(tb, s, x, y, w, pcts, d);
	keep_visible(tb, h - 1);
	for (int line = 0; line < h - 1; line++) {
		uint32_t r = tb->scroll + (uint32_t)line;
		const em_top_row *row = em_table_row(tb, r);
		uint16_t st = EM_ST_NORMAL;
		char buf[64];
		const char *name;
		int cx = x;

		if (row == NULL) {
			em_screen_fill(s, x, y + 1 + line, w, " ", EM_ST_NORMAL, 0);
			continue;
		}
		if (r == tb->cur)
			st = d->focused ? EM_ST_ROW_SEL : EM_ST_ROW_SEL_DIM;
		else if (d->search && em_search_fmatch(d->search, row->func))
			st = EM_ST_ROW_MATCH;
		name = em_func_name(tb->p, row->func);
		em_screen_fit_mid(s, cx, y + 1 + line, w - numw, name, strlen(name), st, 0);
		cx += w - numw;
		right(s, cx, y + 1 + line, NUMW, em_fmt_value(buf, sizeof(buf), row->self, d->unit), st, 0);
		cx += NUMW;
		if (pcts) {
			right(s, cx, y + 1 + line, PCTW, em_fmt_pct(buf, sizeof(buf), row->self, total), st, 0);
			cx += PCTW;
		}
		right(s, cx, y + 1 + line, NUMW, em_fmt_value(buf, sizeof(buf), row->total, d->unit), st, 0);
		cx += NUMW;
		if (pcts)
			right(s, cx, y + 1 + line, PCTW, em_fmt_pct(buf, sizeof(buf), row->total, total), st, 0);
	}
}

/* table.h - the top table: per-function self and total, sorted by a
 * column, filtered by a regex, with a cursor; and drawing it into a
 * screen rectangle. */
#ifndef EMBERS_TUI_TABLE_H
#define EMBERS_TUI_TABLE_H

#include <regex.h>
#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"
#include "embers/top.h"
#include "screen.h"
#include "search.h"

struct em_table {
	const em_profile *p;
	em_top *top;          /* not owned */
	uint32_t *rows;       /* indexes into top->rows: filtered, in order */
	uint32_t n, cap;
	em_sort sort;
	int reverse;
	int has_filter;
	regex_t filter;
	char filter_text[256];
	uint32_t cur, scroll; /* cursor and first shown row */
};

void em_table_init(struct em_table *tb, const em_profile *p, em_top *top);
void em_table_free(struct em_table *tb);
/* Point at a new top (after a sample type switch) keeping sort and filter;
 * the cursor stays on the same function when it is still listed. */
int em_table_set_top(struct em_table *tb, em_top *top);
/* Sort and filter changes; 0 or -1 (err set for a bad regex). */
int em_table_sort(struct em_table *tb, em_sort by, int reverse);
int em_table_filter(struct em_table *tb, const char *pattern, em_error *err);
/* The function under the cursor, EM_FUNC_NONE when the table is empty. */
em_func_id em_table_func(const struct em_table *tb);
const em_top_row *em_table_row(const struct em_table *tb, uint32_t i);
/* Move the cursor by delta rows (clamped) and keep it in view of h rows. */
void em_table_move(struct em_table *tb, long delta, int h);
void em_table_goto(struct em_table *tb, uint32_t row, int h);
/* Put the cursor on function f; -1 when it is not listed. */
int em_table_find(struct em_table *tb, em_func_id f, int h);
/* Row under a screen line (0 = first data row) or -1. */
long em_table_row_at(const struct em_table *tb, int line);

struct em_table_draw {
	int focused;
	const struct em_search *search; /* rows of matching functions marked */
	const char *unit;
};
/* Draw at (x, y) w x h: a header line, then rows. */
void em_table_draw(struct em_table *tb, struct em_screen *s, int x, int y, int w, int h,
    const struct em_table_draw *d);

#endif

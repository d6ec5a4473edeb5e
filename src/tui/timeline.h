/* timeline.h - the server viewer's timeline pane, without curses.
 *
 * The query range [start, end] is cut into n buckets of step ms, as
 * SelectSeries stamps them: bucket k is stamped T_k = start + k * step and
 * holds the profiles of (T_k - step, T_k]. The pane spans those n buckets,
 * i.e. the time from start - step to start + (n - 1) * step, over ncols
 * columns; bucket k owns columns [k * ncols / n, (k + 1) * ncols / n).
 *
 * A keyboard cursor sits on a bucket; a mark (set with '[') and the cursor
 * bound a selection, whose time range the query can be zoomed into. Ticks
 * fall on round local times (every 1 s .. 30 d, as far apart as the labels
 * need) and are labelled HH:MM:SS, HH:MM or MM-DD. */
#ifndef EMBERS_TUI_TIMELINE_H
#define EMBERS_TUI_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "screen.h"

#define EM_TL_MIN_STEP_MS 15000 /* as Grafana's Pyroscope panel: agents push every 10-15 s */
#define EM_TL_MAX_TICKS 64

struct em_tick {
	int x;          /* column of the tick (label starts there) */
	int64_t t_ms;
	char label[16];
};

struct em_timeline {
	int64_t start_ms, end_ms, step_ms;
	size_t n;             /* buckets */
	int ncols;
	double *vals;         /* n values once data arrived */
	int have_data;
	double max;           /* the largest value */
	long cursor;          /* bucket under the cursor */
	long mark;            /* selection start, -1 when none */
	struct em_tick ticks[EM_TL_MAX_TICKS];
	int nticks;
};

void em_tl_init(struct em_timeline *tl);
void em_tl_free(struct em_timeline *tl);

/* The bucket step for [start, end] over ncols columns: at least
 * EM_TL_MIN_STEP_MS, whole seconds, at most ncols buckets. */
int64_t em_tl_step(int64_t start_ms, int64_t end_ms, int ncols);

/* Lay the pane out for a range and a width: step, buckets, ticks. The data
 * is dropped when the range or the step changed (keeping the cursor's
 * relative place); -1 on out of memory. */
int em_tl_setup(struct em_timeline *tl, int64_t start_ms, int64_t end_ms, int ncols);
/* Take n dense bucket values (em_pyro_series_dense). */
void em_tl_set_values(struct em_timeline *tl, const double *v, size_t n);

/* Columns [*x0, *x1) of bucket k, and the bucket of column x. */
void em_tl_cols(const struct em_timeline *tl, size_t k, int *x0, int *x1);
long em_tl_bucket_at(const struct em_timeline *tl, int x);
/* Time of bucket k: (*from, *to]. */
void em_tl_bucket_range(const struct em_timeline *tl, size_t k, int64_t *from, int64_t *to);
/* Column of time t (clamped to the pane). */
int em_tl_x(const struct em_timeline *tl, int64_t t_ms);
/* Columns [*x0, *x1) that the time range [from, to] covers on the pane,
 * at least one; 0 when it lies wholly outside the pane's time. */
int em_tl_span(const struct em_timeline *tl, int64_t from_ms, int64_t to_ms, int *x0, int *x1);

/* Cursor and selection. */
void em_tl_move(struct em_timeline *tl, long delta);
void em_tl_set_mark(struct em_timeline *tl);
void em_tl_clear_mark(struct em_timeline *tl);
/* The marked range (mark..cursor, either order), or the cursor's bucket
 * when there is no mark: [*from, *to]. */
void em_tl_selection(const struct em_timeline *tl, int64_t *from, int64_t *to);

/* Recompute the ticks (em_tl_setup does it); local time. */
void em_tl_ticks(struct em_timeline *tl);

/* Local time as text: fmt 0 "HH:MM:SS", 1 "HH:MM", 2 "MM-DD", 3 "MM-DD
 * HH:MM". Returns buf. */
char *em_tl_clock(char *buf, size_t n, int64_t t_ms, int fmt);

/* Bar glyph for eighths 0..8 (0 = blank). */
const char *em_tl_bar_glyph(int eighths, int utf8);

/* Draw bars on rows [y, y + h - 1) and the axis on row y + h - 1, at x,
 * tl->ncols wide; styles from theme.h slots. */
void em_tl_draw(const struct em_timeline *tl, struct em_screen *s, int x, int y, int h);

#endif

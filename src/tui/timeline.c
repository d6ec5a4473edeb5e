/* timeline.c - bucket geometry, cursor and selection, local-time ticks and
 * the sparkline of the timeline pane. Pure computation over a cell grid;
 * the server viewer (srv.c) asks for the data and draws the title row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "theme.h"
#include "timeline.h"

void em_tl_init(struct em_timeline *tl)
{
	memset(tl, 0, sizeof(*tl));
	tl->mark = -1;
}

void em_tl_free(struct em_timeline *tl)
{
	free(tl->vals);
	em_tl_init(tl);
}

int64_t em_tl_step(int64_t start_ms, int64_t end_ms, int ncols)
{
	int64_t range = end_ms > start_ms ? end_ms - start_ms : 1;
	int64_t step = ncols > 1 ? (range + ncols - 2) / (ncols - 1) : range;

	step = (step + 999) / 1000 * 1000; /* whole seconds: round stamps */
	return step < EM_TL_MIN_STEP_MS ? EM_TL_MIN_STEP_MS : step;
}

int em_tl_setup(struct em_timeline *tl, int64_t start_ms, int64_t end_ms, int ncols)
{
	int64_t step;
	size_t n;

	if (ncols < 1)
		ncols = 1;
	if (end_ms < start_ms)
		end_ms = start_ms;
	step = em_tl_step(start_ms, end_ms, ncols);
	n = (size_t)((end_ms - start_ms) / step) + 1;
	if (n > (size_t)ncols)
		n = (size_t)ncols;
	if (start_ms != tl->start_ms || end_ms != tl->end_ms || step != tl->step_ms ||
	    n != tl->n) {
		double *v = realloc(tl->vals, n * sizeof(*v));
		long cur = tl->n > 1 ? (long)((double)tl->cursor * (double)(n - 1) /
		    (double)(tl->n - 1) + 0.5) : (long)n - 1;

		if (v == NULL)
			return -1;
		memset(v, 0, n * sizeof(*v));
		tl->vals = v;
		tl->have_data = 0;
		tl->max = 0;
		tl->cursor = cur < 0 ? 0 : cur >= (long)n ? (long)n - 1 : cur;
		tl->mark = -1;
	}
	tl->start_ms = start_ms;
	tl->end_ms = end_ms;
	tl->step_ms = step;
	tl->n = n;
	tl->ncols = ncols;
	em_tl_ticks(tl);
	return 0;
}

void em_tl_set_values(struct em_timeline *tl, const double *v, size_t n)
{
	tl->max = 0;
	for (size_t k = 0; k < tl->n; k++) {
		tl->vals[k] = k < n && v[k] > 0 ? v[k] : 0;
		if (tl->vals[k] > tl->max)
			tl->max = tl->vals[k];
	}
	tl->have_data = 1;
}

/* --- geometry ------------------------------------------------------------- */

void em_tl_cols(const struct em_timeline *tl, size_t k, int *x0, int *x1)
{
	size_t n = tl->n ? tl->n : 1;

	*x0 = (int)(k * (size_t)tl->ncols / n);
	*x1 = (int)((k + 1) * (size_t)tl->ncols / n);
}

long em_tl_bucket_at(const struct em_timeline *tl, int x)
{
	long k;

	if (tl->n == 0 || tl->ncols <= 0)
		return -1;
	if (x < 0)
		x = 0;
	if (x >= tl->ncols)
		x = tl->ncols - 1;
	/* the last bucket whose first column is <= x */
	k = (long)((((size_t)x + 1) * tl->n + (size_t)tl->ncols - 1) / (size_t)tl->ncols) - 1;
	return k < 0 ? 0 : k >= (long)tl->n ? (long)tl->n - 1 : k;
}

void em_tl_bucket_range(const struct em_timeline *tl, size_t k, int64_t *from, int64_t *to)
{
	*to = tl->start_ms + (int64_t)k * tl->step_ms;
	*from = *to - tl->step_ms;
}

int em_tl_x(const struct em_timeline *tl, int64_t t_ms)
{
	int64_t t0 = tl->start_ms - tl->step_ms, span = (int64_t)tl->n * tl->step_ms;
	int64_t x;

	if (span <= 0 || t_ms <= t0)
		return 0;
	x = (t_ms - t0) * tl->ncols / span;
	return x >= tl->ncols ? tl->ncols - 1 : (int)x;
}

int em_tl_span(const struct em_timeline *tl, int64_t from_ms, int64_t to_ms, int *x0, int *x1)
{
	int64_t t0 = tl->start_ms - tl->step_ms, span = (int64_t)tl->n * tl->step_ms;
	int64_t a, b;

	*x0 = *x1 = 0;
	if (span <= 0 || tl->ncols <= 0 || to_ms <= t0 || from_ms >= t0 + span || to_ms < from_ms)
		return 0;
	a = from_ms <= t0 ? 0 : (from_ms - t0) * tl->ncols / span;
	b = to_ms >= t0 + span ? tl->ncols : (to_ms - t0) * tl->ncols / span;
	if (b <= a)
		b = a + 1;
	*x0 = (int)a;
	*x1 = (int)(b > tl->ncols ? tl->ncols : b);
	if (*x0 >= tl->ncols) {
		*x0 = tl->ncols - 1;
		*x1 = tl->ncols;
	}
	return 1;
}

/* --- cursor and selection --------------------------------------------------- */

void em_tl_move(struct em_timeline *tl, long delta)
{
	long c = tl->cursor + delta;

	if (tl->n == 0)
		return;
	tl->cursor = c < 0 ? 0 : c >= (long)tl->n ? (long)tl->n - 1 : c;
}

void em_tl_set_mark(struct em_timeline *tl)
{
	tl->mark = tl->cursor;
}

void em_tl_clear_mark(struct em_timeline *tl)
{
	tl->mark = -1;
}

void em_tl_selection(const struct em_timeline *tl, int64_t *from, int64_t *to)
{
	long a = tl->mark < 0 ? tl->cursor : tl->mark, b = tl->cursor, x;

	if (a > b) {
		x = a;
		a = b;
		b = x;
	}
	em_tl_bucket_range(tl, (size_t)a, from, &x);
	em_tl_bucket_range(tl, (size_t)b, &x, to);
	(void)x;
}

/* --- ticks ---------------------------------------------------------------- */

char *em_tl_clock(char *buf, size_t n, int64_t t_ms, int fmt)
{
	time_t t = (time_t)(t_ms >= 0 ? t_ms / 1000 : (t_ms - 999) / 1000);
	struct tm tm;
	size_t r = 0;

	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (localtime_r(&t, &tm) != NULL) {
		switch (fmt) {
		case 0: r = strftime(buf, n, "%H:%M:%S", &tm); break;
		case 1: r = strftime(buf, n, "%H:%M", &tm); break;
		case 2: r = strftime(buf, n, "%m-%d", &tm); break;
		case 3: r = strftime(buf, n, "%m-%d %H:%M", &tm); break;
		default: break;
		}
	}
	if (r == 0)
		snprintf(buf, n, "?");
	return buf;
}

static int64_t local_offset_ms(int64_t t_ms)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (int64_t)tm.tm_gmtoff * 1000;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

#define S 1000LL
#define M (60 * S)
#define H (60 * M)
#define D (24 * H)

void em_tl_ticks(struct em_timeline *tl)
{
	static const int64_t nice[] = {
		1 * S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, 1 * M, 2 * M, 5 * M, 10 * M,
		15 * M, 30 * M, 1 * H, 2 * H, 3 * H, 6 * H, 12 * H, 1 * D, 2 * D, 7 * D,
		14 * D, 30 * D
	};
	int64_t span = (int64_t)tl->n * tl->step_ms, t0 = tl->start_ms - tl->step_ms;
	int64_t iv = nice[sizeof(nice) / sizeof(nice[0]) - 1], off, t;
	int last_end = -1000;

	tl->nticks = 0;
	if (span <= 0 || tl->ncols <= 0)
		return;
	for (size_t i = 0; i < sizeof(nice) / sizeof(nice[0]); i++) {
		int minsep = nice[i] < M ? 10 : 7; /* label width + room */
		if ((double)nice[i] * tl->ncols / (double)span >= minsep) {
			iv = nice[i];
			break;
		}
	}
	off = local_offset_ms(t0);
	for (t = (floor_div(t0 + off, iv) + 1) * iv - off; t <= t0 + span &&
	    tl->nticks < EM_TL_MAX_TICKS; t += iv) {
		struct em_tick *k = &tl->ticks[tl->nticks];
		int fmt = iv < M ? 0 : iv >= D ? 2 : 1;
		int64_t lt = t + local_offset_ms(t);
		int len;

		if (fmt == 1 && floor_div(lt, D) * D == lt)
			fmt = 2; /* midnight: say which day */
		em_tl_clock(k->label, sizeof(k->label), t, fmt);
		k->t_ms = t;
		k->x = em_tl_x(tl, t);
		len = (int)strlen(k->label);
		if (k->x + len > tl->ncols || k->x < last_end + 2)
			continue;
		last_end = k->x + len;
		tl->nticks++;
	}
}

/* --- drawing ---------------------------------------------------------------- */

const char *em_tl_bar_glyph(int eighths, int utf8)
{
	static const char *const u[] = {
		" ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
	};
	static const char *const a[] = { " ", ".", ".", ":", ":", "+", "+", "#", "#" };

	if (eighths < 0)
		eighths = 0;
	if (eighths > 8)
		eighths = 8;
	return utf8 ? u[eighths] : a[eighths];
}

static int in_selection(const struct em_timeline *tl, size_t k)
{
	long a = tl->mark, b = tl->cursor;

	if (a < 0)
		return 0;
	if (a > b) {
		long x = a;
		a = b;
		b = x;
	}
	return (long)k >= a && (long)k <= b;
}

static void draw_bucket(const struct em_timeline *tl, struct em_screen *s, size_t k,
    int x, int y, int hb)
{
	const struct em_glyphs *g = em_glyphs_get(s->utf8);
	int x0, x1, total = 0, cur = (long)k == tl->cursor, sel = in_selection(tl, k);
	uint16_t st = cur ? EM_ST_FRAME_SEL : sel ? EM_ST_HEADER : EM_ST_TITLE;

	em_tl_cols(tl, k, &x0, &x1);
	if (tl->have_data && tl->max > 0 && tl->vals[k] > 0) {
		total = (int)(tl->vals[k] / tl->max * hb * 8 + 0.5);
		if (total < 1)
			total = 1; /* a little is not nothing */
	}
	for (int r = 0; r < hb; r++) {
		int e = total - r * 8;
		const char *gl = em_tl_bar_glyph(e, s->utf8);

		if (e <= 0 && (cur || sel))
			gl = g->shade; /* show the cursor and selection above the bars */
		em_screen_fill(s, x + x0, y + hb - 1 - r, x1 - x0, gl, st, 0);
	}
}

void em_tl_draw(const struct em_timeline *tl, struct em_screen *s, int x, int y, int h)
{
	int hb = h - 1;

	for (int r = 0; r < h; r++)
		em_screen_fill(s, x, y + r, tl->ncols, " ", EM_ST_NORMAL, 0);
	if (hb > 0)
		for (size_t k = 0; k < tl->n; k++)
			draw_bucket(tl, s, k, x, y, hb);
	for (int i = 0; i < tl->nticks; i++)
		em_screen_puts(s, x + tl->ticks[i].x, y + h - 1, tl->ncols - tl->ticks[i].x,
		    tl->ticks[i].label, EM_ST_BORDER, 0);
}

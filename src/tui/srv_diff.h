/* srv_diff.h - the server viewer's diff of two queries.
 *
 * A side is a label selector and a time range, absolute or relative to now
 * ("the last hour", "the hour before the last hour": re-anchored at now
 * each time it is fetched). A takes the current query as the baseline and
 * B as the comparison: its selector and the marked timeline range, else
 * the whole range. The compare menu (c) sets both at once, the current
 * query being the new side: against the range before it, the same range
 * 24 h or 7 d earlier, another selector over the same range, or the
 * marked A and B. As `embers diff --url` does, each side is the whole
 * merged profile (SelectMergeProfile), so the diff is exact; the two run
 * as jobs on their own channels (srv_req.c). When both are in, the diff
 * view (diff_view.h) takes the place of the query's own view below the
 * header and timeline, until q (or Esc with nothing left to reset); the
 * query's ui is left alone meanwhile and is found as it was.
 *
 * srv_side.c: the sides' ranges and labels; srv_diff.c: marks, menu,
 * keys, requests, the switch into the view; srv_diff_build.c: building
 * the view on a thread; srv_diff_draw.c: header, timeline marks, the
 * view, the menu. */
#ifndef EMBERS_TUI_SRV_DIFF_H
#define EMBERS_TUI_SRV_DIFF_H

#include "diff_view.h"
#include "srv.h"

struct em_srv_side {
	char *selector;            /* NULL: not set */
	int64_t from_ms, to_ms;    /* the range, when len_ms is 0 */
	int64_t len_ms, back_ms;   /* len_ms > 0: [now - back - len, now - back] */
};

struct em_srv_dbuild;

struct em_srv_diff {
	struct em_srv_side side[2];  /* A = [EM_BASE], B = [EM_NEW]: marked, what r fetches */
	char fetch_label[2][512];    /* "{...} 13:00-14:00" of the pair in flight */
	em_profile *got[2];          /* what arrived of the pair in flight */
	struct em_srv_dbuild *build; /* the pair's view being built, or NULL */
	double build_since;          /* when that started (the spinner's clock) */
	struct em_srv_dbuild **stale; /* builds no longer wanted, left to end */
	size_t nstale, stale_cap;
	struct em_dview *view;       /* the last diff (heap: its panes point into it) */
	char label[2][512];          /* the view's sides */
	int shown;                   /* the view is on screen */
	int ready;                   /* a new view waits for an editor to close */
	struct em_picker menu;       /* c */
	struct em_lineedit sel_edit; /* the baseline's selector */
	struct em_screen sub;        /* the view draws here */
};

/* --- sides (srv_side.c, no I/O) ------------------------------------------- */

void em_srv_side_free(struct em_srv_side *sd);
/* The range of a side at now_ms. */
void em_srv_side_range(const struct em_srv_side *sd, int64_t now_ms, int64_t *from_ms,
    int64_t *to_ms);
/* base = nw moved back as em_time_compare_back says for how ("previous",
 * "24h", "7d"), relative when nw is; the same selector. -1 with err. */
int em_srv_side_shift(const struct em_srv_side *nw, const char *how, int64_t now_ms,
    struct em_srv_side *base, em_error *err);
/* The current query as a side: 1 when its range is the marked timeline
 * range, 0 when the whole range, -1 on out of memory. */
int em_srv_side_current(const struct em_srv *s, struct em_srv_side *sd);
/* "{sel} 13:00-14:00" (an en dash with utf8; the day when not today). */
void em_srv_side_label(const struct em_srv_side *sd, int64_t now_ms, int utf8, char *buf,
    size_t n);
/* The range alone, "13:00-14:00". */
void em_srv_span_label(int64_t from_ms, int64_t to_ms, int64_t now_ms, int utf8, char *buf,
    size_t n);

/* --- hooks of srv_keys.c, srv_req.c and srv.c (srv_diff.c) ----------------- */

/* EM_ACT_DIFF_A, EM_ACT_DIFF_B, EM_ACT_COMPARE; 1 when handled. */
int em_srv_diff_action(struct em_srv *s, int action);
/* Keys of the compare menu, its selector line and the diff view: 1 when
 * taken, with em_srv_key's result in *ret. */
int em_srv_diff_key(struct em_srv *s, int key, int *ret);
/* The mouse in the diff view: 1 when taken. */
int em_srv_diff_mouse(struct em_srv *s, int ev, int x, int y);
/* A side's profile arrived (taken). */
void em_srv_diff_got(struct em_srv *s, int kind, em_profile *p);
/* A side failed or was cancelled: 1 when kind was a side's. */
int em_srv_diff_failed(struct em_srv *s, int kind, int cancelled, const char *msg);
/* Fetch A and B (both marked); -1 with the status line saying why not. */
int em_srv_diff_fetch(struct em_srv *s);
/* Back to the query's own view. */
void em_srv_diff_leave(struct em_srv *s);
int em_srv_diff_shown(const struct em_srv *s);
void em_srv_diff_free(struct em_srv *s);

/* The view being built (1) and builds that must still end (a wake fd to
 * poll); take what ended in: 1 when the screen changed (srv_req.c). */
int em_srv_diff_building(const struct em_srv *s);
int em_srv_diff_waiting(const struct em_srv *s);
int em_srv_diff_poll(struct em_srv *s);
/* Esc: stop waiting for the view being built; 1 when there was one. */
int em_srv_diff_cancel(struct em_srv *s);

/* --- building the view on a thread (srv_diff_build.c) ---------------------- */

/* Start em_dview_init of p[0] (base) and p[1] (new), which it takes; its
 * end writes a byte to wake_fd. NULL when out of memory (p not taken). */
struct em_srv_dbuild *em_srv_dbuild_start(em_profile *const p[2], const uint32_t type[2],
    const char *const title[2], const struct em_theme *theme, int wake_fd);
int em_srv_dbuild_done(const struct em_srv_dbuild *b);
/* Wait for the end and take the view, or NULL with err; frees b. */
struct em_dview *em_srv_dbuild_finish(struct em_srv_dbuild *b, em_error *err);
/* The same, throwing the view away. */
void em_srv_dbuild_discard(struct em_srv_dbuild *b);
/* Discard the builds of list[0..n) that ended; returns how many remain. */
size_t em_srv_dbuild_reap(struct em_srv_dbuild **list, size_t n);

/* --- drawing (srv_diff_draw.c) ---------------------------------------------- */

void em_srv_diff_layout(struct em_srv *s);
/* The header's text while the diff is shown: 1, else 0. */
int em_srv_diff_header(const struct em_srv *s, char *buf, size_t n);
const char *em_srv_diff_tl_hint(const struct em_srv *s);
/* A and B on the timeline's axis row y. */
void em_srv_diff_draw_marks(const struct em_srv *s, struct em_screen *scr, int y);
/* The view below the timeline: 1 when it was drawn. */
int em_srv_diff_draw(struct em_srv *s, struct em_screen *scr);
/* The compare menu or the diff's bottom line: 1 when it owns the bottom. */
int em_srv_diff_draw_menu(struct em_srv *s, struct em_screen *scr);

#endif

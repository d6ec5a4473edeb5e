/* diff_view.h - the diff and comparison views of `embers diff BASE NEW`
 * on a terminal, as a curses-free state machine like ui.h: keys in, a
 * cell grid out.
 *
 * Diff view: the flame graph of the aligned tree (embers/diff.h), each
 * frame coloured by em_diff_heat (grew: diff-grow-*, shrank:
 * diff-shrink-*), frames on one side only marked [+] / [-]; the diff table
 * below it. Comparison view (v): the two sides' own flame graphs side by
 * side (stacked when narrow), selection and zoom kept in step through the
 * diff's node maps. */
#ifndef EMBERS_TUI_DIFF_VIEW_H
#define EMBERS_TUI_DIFF_VIEW_H

#include "embers/diff.h"
#include "embers/top.h"
#include "fpane.h"
#include "screen.h"
#include "theme.h"

struct em_dview {
	em_profile *p[2];           /* [EM_BASE], [EM_NEW]; may be the same profile */
	char title[2][256];
	uint32_t type[2];
	em_diff d;
	em_top top[2];
	em_diff_top dt;
	const struct em_theme *theme;

	struct em_fpane fp;         /* the diff flame graph */
	struct em_fpane side[2];    /* the comparison, [EM_BASE] and [EM_NEW] */
	int compare, cfocus;        /* comparison shown; its focused side */

	int layout;                 /* enum em_layout_mode (ui.h) */
	int focus;                  /* enum em_pane */
	em_diff_sort sort;
	int reverse;
	uint32_t tcur, tscroll;     /* table cursor and first row shown */

	int w, h, utf8, mono, help, help_top;
	int fy, fh, ty, th;         /* flame and table rows */
	char msg[256];
	int msg_error;
};

/* Take two profiles (base and nw may be the same, e.g. a differential
 * folded file: then it is freed once) and compare type btype of base with
 * ntype of nw. 0, or -1 with err (the caller still owns the profiles). */
int em_dview_init(struct em_dview *v, em_profile *base, uint32_t btype, const char *btitle,
    em_profile *nw, uint32_t ntype, const char *ntitle, const struct em_theme *theme,
    em_error *err);
void em_dview_free(struct em_dview *v);
void em_dview_resize(struct em_dview *v, int w, int h);
/* EM_UI_QUIT / EM_UI_CLEAR flags as em_ui_key. */
int em_dview_key(struct em_dview *v, int key);
void em_dview_mouse(struct em_dview *v, int ev, int x, int y);
void em_dview_draw(struct em_dview *v, struct em_screen *s);

/* Helpers the comparison shares (diff_view.c). */
void em_dview_msg(struct em_dview *v, int error, const char *fmt, ...) EM_PRINTF(3, 4);
uint16_t em_dview_heat_style(const struct em_dview *v, em_node i);

/* The comparison (compare_view.c). */
void em_cmp_place(struct em_dview *v);
void em_cmp_enter(struct em_dview *v, em_node diff_node);
em_node em_cmp_leave(struct em_dview *v);
void em_cmp_action(struct em_dview *v, int action);
void em_cmp_mouse(struct em_dview *v, int ev, int x, int y);
void em_cmp_draw(struct em_dview *v, struct em_screen *s);
void em_cmp_info(struct em_dview *v, char *buf, size_t n);
/* Select node `node` of side s's tree and bring the other side in step. */
void em_cmp_sync(struct em_dview *v, int from);

#endif

/* sandwich_view.h - the sandwich view of the single view (key y): one
 * function's callers as an inverted flame graph above it and its callees
 * as a flame graph below it (embers/sandwich.h), each half navigated and
 * zoomed like the flame graph; Enter re-centres on a caller or callee,
 * Backspace goes back, Esc returns to where you were.
 *
 * Only ui_input.c, ui_draw.c and ui.c use this. */
#ifndef EMBERS_TUI_SANDWICH_VIEW_H
#define EMBERS_TUI_SANDWICH_VIEW_H

#include "embers/sandwich.h"
#include "fpane.h"
#include "ui.h"

struct em_swview {
	int open;
	em_sandwich s;
	int built;
	struct em_fpane half[2];    /* [0] callers (inverted), [1] callees */
	int focus;                  /* the half the keys move in */
	em_func_id *back;           /* earlier centres, for Backspace */
	size_t nback, back_cap;
};

/* Open on the focused frame or table row; a message when there is none. */
int em_sw_open(struct em_ui *ui);
int em_sw_is_open(const struct em_ui *ui);
/* Centre on function f (pushes the current centre when `remember`). */
int em_sw_centre(struct em_ui *ui, em_func_id f, int remember);
int em_sw_key(struct em_ui *ui, int key);
void em_sw_mouse(struct em_ui *ui, int ev, int x, int y);
/* Rows 0 .. h-3 and the info line. */
void em_sw_draw(struct em_ui *ui, struct em_screen *scr);
void em_sw_info(struct em_ui *ui, char *buf, size_t n);
void em_sw_free(struct em_ui *ui);

#endif

/* lineedit.h - a one-line text editor with a cursor, for the selector
 * prompt and the pickers' filters: insert, Left/Right, Home/End (Ctrl-A,
 * Ctrl-E), Backspace, Delete (Ctrl-D), Ctrl-U, Ctrl-K and Ctrl-W, moving
 * over whole UTF-8 characters (keys arrive one byte at a time). */
#ifndef EMBERS_TUI_LINEEDIT_H
#define EMBERS_TUI_LINEEDIT_H

#include <stddef.h>
#include <stdint.h>

#include "screen.h"

struct em_lineedit {
	char buf[1024];
	size_t len, cur;   /* bytes; cur is on a character boundary */
};

void em_le_set(struct em_lineedit *le, const char *text);
/* An editing key: 1 when the text changed, 2 when only the cursor moved,
 * 0 when the key is not an editing key (the caller handles it). */
int em_le_key(struct em_lineedit *le, int key);
/* Draw the text in w columns at (x, y), scrolled so the cursor shows; the
 * cursor cell is reversed when show_cursor. */
void em_le_draw(const struct em_lineedit *le, struct em_screen *s, int x, int y, int w,
    uint16_t style, int show_cursor);

#endif

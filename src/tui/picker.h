/* picker.h - a list to choose from, narrowed by typing.
 *
 * The server viewer's service / profile type picker and the label filter
 * editor's name, operator and value lists are pickers: rows of one or two
 * columns, a filter line (every space-separated word must occur, case
 * blind; or, for regex matchers, the values the anchored regex matches),
 * a cursor, and a note in place of the list while it loads or when it
 * failed. Curses-free: keys in, cells out. */
#ifndef EMBERS_TUI_PICKER_H
#define EMBERS_TUI_PICKER_H

#include <regex.h>
#include <stddef.h>

#include "embers/error.h"
#include "lineedit.h"
#include "screen.h"

struct em_pick_item {
	char *text;      /* first column */
	char *aux;       /* second column, may be NULL */
	size_t tag;      /* the owner's index */
};

enum em_pick_filter { EM_PICK_WORDS, EM_PICK_REGEX };

/* em_picker_key results */
enum { EM_PICK_NONE, EM_PICK_CHOSEN, EM_PICK_CANCEL };

struct em_picker {
	char title[256];
	struct em_pick_item *items;
	size_t n, cap;
	size_t *vis;            /* indexes of the items that pass the filter */
	size_t nvis, viscap;
	size_t cur, top;        /* cursor and first shown, in vis */
	int col1;               /* width of the first column */
	struct em_lineedit filter;
	int mode;               /* enum em_pick_filter */
	int bad_regex;
	char note[512];         /* shown instead of the list when set */
	int note_error;
	int loading;
};

void em_picker_init(struct em_picker *p, const char *title);
void em_picker_free(struct em_picker *p);
/* Drop the items (keeps title and filter). */
void em_picker_clear(struct em_picker *p);
/* Add a row; -1 on out of memory. Call em_picker_refilter after adding. */
int em_picker_add(struct em_picker *p, const char *text, const char *aux, size_t tag);
void em_picker_refilter(struct em_picker *p);
void em_picker_set_filter(struct em_picker *p, const char *text);
void em_picker_set_note(struct em_picker *p, int error, const char *fmt, ...)
    EM_PRINTF(3, 4);
/* The item under the cursor, NULL when the list is empty. */
const struct em_pick_item *em_picker_current(const struct em_picker *p);
/* Move the cursor to the first visible item with this text. */
int em_picker_select(struct em_picker *p, const char *text);
/* Typing, arrows, PgUp/PgDn, Home/End, Enter (CHOSEN), Esc (clears the
 * filter, then CANCEL). rows: the list height, for paging. */
int em_picker_key(struct em_picker *p, int key, int rows);
/* Title, filter line and list in the rectangle; hint goes on the title
 * row's right. */
void em_picker_draw(struct em_picker *p, struct em_screen *s, int x, int y, int w, int h,
    const char *hint);
/* Rows the list gets in a picker h rows high. */
int em_picker_rows(int h);

#endif

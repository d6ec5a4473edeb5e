/* actions.h - the one table of user actions: keys, name, description.
 *
 * Key handling, the '?' help screen and the KEYS section of doc/embers.1
 * are all generated from this table, so they cannot drift apart. */
#ifndef EMBERS_TUI_ACTIONS_H
#define EMBERS_TUI_ACTIONS_H

#include <stdio.h>

/* Keys: printable characters and control codes are themselves; the rest
 * are these (term_curses.c maps curses key codes onto them). */
enum em_key {
	EM_KEY_CTRL_C = 3,
	EM_KEY_TAB = 9,
	EM_KEY_ENTER = 13,
	EM_KEY_CTRL_L = 12,
	EM_KEY_CTRL_R = 18,
	EM_KEY_ESC = 27,
	EM_KEY_BACKSPACE = 127,
	EM_KEY_UP = 0x110,
	EM_KEY_DOWN,
	EM_KEY_LEFT,
	EM_KEY_RIGHT,
	EM_KEY_PGUP,
	EM_KEY_PGDN,
	EM_KEY_HOME,
	EM_KEY_END,
	EM_KEY_BTAB,
	EM_KEY_F1,
	EM_KEY_DELETE,
	EM_KEY_RESIZE,
	EM_KEY_NONE = -1
};

/* Where an action applies. */
enum em_ctx {
	EM_CTX_ALL = 0,
	EM_CTX_FLAME = 1,
	EM_CTX_TABLE = 2,
	EM_CTX_MOUSE = 4  /* documented only: the mouse is not a key */
};

/* X(id, name, context, help) - the keys are in actions.c */
#define EM_ACTIONS(X) \
	X(PARENT, "parent", EM_CTX_ALL, "Select the parent frame (table: the row above)") \
	X(CHILD, "child", EM_CTX_ALL, "Select the first child frame (table: the row below)") \
	X(PREV, "previous", EM_CTX_FLAME, "Select the previous frame on the row (the sibling to the left)") \
	X(NEXT, "next", EM_CTX_FLAME, "Select the next frame on the row (the sibling to the right)") \
	X(PAGE_UP, "page-up", EM_CTX_ALL, "Scroll up one page") \
	X(PAGE_DOWN, "page-down", EM_CTX_ALL, "Scroll down one page") \
	X(FIRST, "first", EM_CTX_ALL, "Select the root frame (table: the first row)") \
	X(LAST, "last", EM_CTX_TABLE, "Select the last row of the table") \
	X(ZOOM, "zoom", EM_CTX_ALL, "Zoom into the selected frame or + group (table: show the function in the flame graph, every occurrence highlighted)") \
	X(BACK, "back", EM_CTX_ALL, "Go back one zoom step") \
	X(FORWARD, "forward", EM_CTX_ALL, "Go forward one zoom step") \
	X(RESET, "reset", EM_CTX_ALL, "Reset the zoom to the root; when not zoomed, clear the search") \
	X(SEARCH, "search", EM_CTX_ALL, "Search function names with a regex (smart case); an empty one clears") \
	X(SEARCH_NEXT, "search-next", EM_CTX_ALL, "Select the next match") \
	X(SEARCH_PREV, "search-previous", EM_CTX_ALL, "Select the previous match") \
	X(SEARCH_WORD, "search-name", EM_CTX_ALL, "Highlight every frame of the function under the cursor") \
	X(FILTER, "filter", EM_CTX_ALL, "Filter the table rows by a regex; an empty one clears") \
	X(LAYOUT, "layout", EM_CTX_ALL, "Cycle the layout: flame graph and table, flame graph only, table only") \
	X(FOCUS, "focus", EM_CTX_ALL, "Move the keyboard focus to the other pane") \
	X(TYPE_NEXT, "sample-type", EM_CTX_ALL, "Show the next sample type, keeping the zoom when its path exists") \
	X(TYPE_PREV, "sample-type-previous", EM_CTX_ALL, "Show the previous sample type") \
	X(SORT, "sort", EM_CTX_ALL, "Cycle the table sort column: self, total, function name") \
	X(SORT_REVERSE, "sort-reverse", EM_CTX_ALL, "Reverse the table sort order") \
	X(HELP, "help", EM_CTX_ALL, "Show or hide this help") \
	X(REDRAW, "redraw", EM_CTX_ALL, "Redraw the screen") \
	X(QUIT, "quit", EM_CTX_ALL, "Quit") \
	X(MOUSE_CLICK, "mouse-select", EM_CTX_MOUSE, "Select the frame or row under the pointer") \
	X(MOUSE_DOUBLE, "mouse-zoom", EM_CTX_MOUSE, "Zoom into the frame under the pointer") \
	X(MOUSE_WHEEL, "mouse-scroll", EM_CTX_MOUSE, "Scroll the pane under the pointer")

enum em_action {
#define EM_ACTION_ENUM(id, name, ctx, help) EM_ACT_##id,
	EM_ACTIONS(EM_ACTION_ENUM)
#undef EM_ACTION_ENUM
	EM_ACT_COUNT,
	EM_ACT_NONE = -1
};

#define EM_ACTION_MAXKEYS 4

struct em_action_def {
	enum em_action id;
	const char *name;
	unsigned ctx;
	const char *help;
	int keys[EM_ACTION_MAXKEYS]; /* EM_KEY_NONE terminated when shorter */
	const char *mouse;           /* EM_CTX_MOUSE: how, e.g. "double click" */
};

const struct em_action_def *em_actions(size_t *n);
const struct em_action_def *em_action_get(enum em_action a);
/* The action bound to key, EM_ACT_NONE when none. */
enum em_action em_action_for_key(int key);
/* "k", "Up", "Ctrl-R", ... */
const char *em_key_name(int key, char *buf, size_t n);
/* "k, Up": every key of the action (or its mouse gesture). */
const char *em_action_keys_label(const struct em_action_def *a, char *buf, size_t n);
/* The KEYS section of the man page (roff), from the table. */
void em_actions_man(FILE *out);

#endif

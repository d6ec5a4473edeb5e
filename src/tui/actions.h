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
	EM_CTX_MOUSE = 4, /* documented only: the mouse is not a key */
	EM_CTX_SOURCE = 8, /* the function details pane: its keys only apply there */
	EM_CTX_SERVER = 16, /* the server viewer (embers --url) only */
	EM_CTX_SANDWICH = 32, /* the sandwich view only */
	EM_CTX_DIFF = 64 /* the diff and comparison views (embers diff) only */
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
	X(DETAILS, "details", EM_CTX_ALL, "Open the function details pane on the selected frame or table row: file, repository, self and total, per-line figures and the source") \
	X(SANDWICH, "sandwich", EM_CTX_ALL, "Open the sandwich view of the selected frame or table row: its callers above as an inverted flame graph, its callees below; Enter on a caller or callee re-centres on it, Backspace goes back, Esc returns") \
	X(HELP, "help", EM_CTX_ALL, "Show or hide this help") \
	X(REDRAW, "redraw", EM_CTX_ALL, "Redraw the screen") \
	X(QUIT, "quit", EM_CTX_ALL, "Quit") \
	X(RANGE_5M, "range-5m", EM_CTX_SERVER, "Query the last 5 minutes") \
	X(RANGE_15M, "range-15m", EM_CTX_SERVER, "Query the last 15 minutes") \
	X(RANGE_1H, "range-1h", EM_CTX_SERVER, "Query the last hour") \
	X(RANGE_6H, "range-6h", EM_CTX_SERVER, "Query the last 6 hours") \
	X(RANGE_24H, "range-24h", EM_CTX_SERVER, "Query the last 24 hours") \
	X(RANGE_7D, "range-7d", EM_CTX_SERVER, "Query the last 7 days") \
	X(TL_LEFT, "timeline-left", EM_CTX_SERVER, "Move the timeline cursor one bucket left") \
	X(TL_RIGHT, "timeline-right", EM_CTX_SERVER, "Move the timeline cursor one bucket right") \
	X(TL_LEFT_FAR, "timeline-left-far", EM_CTX_SERVER, "Move the timeline cursor a tenth of the range left") \
	X(TL_RIGHT_FAR, "timeline-right-far", EM_CTX_SERVER, "Move the timeline cursor a tenth of the range right") \
	X(TL_MARK, "timeline-mark", EM_CTX_SERVER, "Mark where a sub-range starts (again: drop the mark); the cursor is its other end") \
	X(TL_ZOOM, "timeline-zoom", EM_CTX_SERVER, "Zoom the query into the marked sub-range, or into the cursor's bucket") \
	X(TL_OUT, "timeline-out", EM_CTX_SERVER, "Zoom the time range out to twice as long") \
	X(REFRESH, "refresh", EM_CTX_SERVER, "Run the query again (a relative range such as the last hour moves to now)") \
	X(LABELS, "label-filter", EM_CTX_SERVER, "Add a label filter: pick a label, then =, !=, =~ or !~, then a value") \
	X(SELECTOR, "edit-selector", EM_CTX_SERVER, "Edit the whole label selector on the bottom line") \
	X(PICKER, "services", EM_CTX_SERVER, "Pick another service and profile type") \
	X(DIFF_A, "mark-baseline", EM_CTX_SERVER, "Take the current query as the diff's baseline A: its selector and the marked timeline range, else the whole range; when B is set too, the diff of A (base) and B (new) opens") \
	X(DIFF_B, "mark-comparison", EM_CTX_SERVER, "Take the current query as the comparison B; when A is set too, the diff opens") \
	X(COMPARE, "compare", EM_CTX_SERVER, "Compare the current query (the new side) with a baseline: the range before it, the same range 24 hours or a week earlier, another label selector over the same range, or the marked A with B") \
	X(SRC_DOWN, "line-down", EM_CTX_SOURCE, "Move the cursor down one line (without the source: to the next row of the per-line table)") \
	X(SRC_UP, "line-up", EM_CTX_SOURCE, "Move the cursor up one line") \
	X(SRC_PAGE_DOWN, "source-page-down", EM_CTX_SOURCE, "Scroll down one page") \
	X(SRC_PAGE_UP, "source-page-up", EM_CTX_SOURCE, "Scroll up one page") \
	X(SRC_TOP, "source-top", EM_CTX_SOURCE, "Go to the first line of the file") \
	X(SRC_BOTTOM, "source-bottom", EM_CTX_SOURCE, "Go to the last line of the file") \
	X(SRC_HOT_NEXT, "hot-next", EM_CTX_SOURCE, "Jump to the next hot line (a line with samples)") \
	X(SRC_HOT_PREV, "hot-previous", EM_CTX_SOURCE, "Jump to the previous hot line") \
	X(SRC_HOTTEST, "hottest", EM_CTX_SOURCE, "Jump back to the hottest line (most self, then most total)") \
	X(SRC_REPO, "edit-repository", EM_CTX_SOURCE, "Edit the repository URL and look the source up again") \
	X(SRC_REF, "edit-ref", EM_CTX_SOURCE, "Edit the git ref (branch, tag or commit) and look the source up again") \
	X(SRC_FILE, "next-file", EM_CTX_SOURCE, "Show the next file the function's name is defined in, when there are several") \
	X(SRC_CLOSE, "close", EM_CTX_SOURCE, "Close the pane and go back to where you were; Esc first cancels a running lookup") \
	X(SW_ZOOM, "sandwich-zoom", EM_CTX_SANDWICH, "Zoom the focused half of the sandwich into the selected frame (Backspace zooms out)") \
	X(DIFF_SCALE, "diff-scale", EM_CTX_DIFF, "Switch between normalised values (shares of each side's own total) and absolute values") \
	X(DIFF_SWAP, "diff-swap", EM_CTX_DIFF, "Swap the baseline and the comparison") \
	X(DIFF_WIDTH, "diff-width", EM_CTX_DIFF, "Cycle what a frame's width stands for: the new value, the base value, the larger of the two") \
	X(DIFF_COMPARE, "diff-compare", EM_CTX_DIFF, "Toggle between the diff flame graph and the two flame graphs side by side") \
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
/* The action bound to key outside the function details pane, EM_ACT_NONE
 * when none. */
enum em_action em_action_for_key(int key);
/* The action of the actions of context ctx (EM_CTX_SOURCE: the pane's)
 * bound to key, EM_ACT_NONE when none. */
enum em_action em_action_for_key_in(int key, unsigned ctx);
/* "k", "Up", "Ctrl-R", ... */
const char *em_key_name(int key, char *buf, size_t n);
/* "k, Up": every key of the action (or its mouse gesture). */
const char *em_action_keys_label(const struct em_action_def *a, char *buf, size_t n);
/* The KEYS section of the man page (roff), from the table. */
void em_actions_man(FILE *out);

#endif

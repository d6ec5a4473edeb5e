/* actions.c - default key bindings of every action, key names, and the
 * man page KEYS section printed from the same table. */
#include <string.h>

#include "actions.h"

#define K(...) { __VA_ARGS__, EM_KEY_NONE }

static const struct em_action_def table[] = {
#define EM_ACTION_DEF(id, name, ctx, help) [EM_ACT_##id] = { EM_ACT_##id, name, ctx, help, K(EM_KEY_NONE), NULL },
	EM_ACTIONS(EM_ACTION_DEF)
#undef EM_ACTION_DEF
};

/* Bindings: kept apart from the descriptions so that each line stays
 * readable; test_tui_actions checks every action has keys or a gesture. */
static const struct {
	enum em_action id;
	int keys[EM_ACTION_MAXKEYS];
	const char *mouse;
} binds[] = {
	{ EM_ACT_PARENT, K('k', EM_KEY_UP), NULL },
	{ EM_ACT_CHILD, K('j', EM_KEY_DOWN), NULL },
	{ EM_ACT_PREV, K('h', EM_KEY_LEFT), NULL },
	{ EM_ACT_NEXT, K('l', EM_KEY_RIGHT), NULL },
	{ EM_ACT_PAGE_UP, K(EM_KEY_PGUP), NULL },
	{ EM_ACT_PAGE_DOWN, K(EM_KEY_PGDN, ' '), NULL },
	{ EM_ACT_FIRST, K('g', EM_KEY_HOME), NULL },
	{ EM_ACT_LAST, K('G', EM_KEY_END), NULL },
	{ EM_ACT_ZOOM, K(EM_KEY_ENTER), NULL },
	{ EM_ACT_BACK, K(EM_KEY_BACKSPACE, 'u'), NULL },
	{ EM_ACT_FORWARD, K('U', EM_KEY_CTRL_R), NULL },
	{ EM_ACT_RESET, K(EM_KEY_ESC), NULL },
	{ EM_ACT_SEARCH, K('/'), NULL },
	{ EM_ACT_SEARCH_NEXT, K('n'), NULL },
	{ EM_ACT_SEARCH_PREV, K('N'), NULL },
	{ EM_ACT_SEARCH_WORD, K('*'), NULL },
	{ EM_ACT_FILTER, K('f'), NULL },
	{ EM_ACT_LAYOUT, K(EM_KEY_TAB), NULL },
	{ EM_ACT_FOCUS, K('w', EM_KEY_BTAB), NULL },
	{ EM_ACT_TYPE_NEXT, K('t'), NULL },
	{ EM_ACT_TYPE_PREV, K('T'), NULL },
	{ EM_ACT_SORT, K('s'), NULL },
	{ EM_ACT_SORT_REVERSE, K('S'), NULL },
	{ EM_ACT_DETAILS, K('d'), NULL },
	{ EM_ACT_SANDWICH, K('y'), NULL },
	{ EM_ACT_HELP, K('?', EM_KEY_F1), NULL },
	{ EM_ACT_REDRAW, K(EM_KEY_CTRL_L), NULL },
	{ EM_ACT_QUIT, K('q', EM_KEY_CTRL_C), NULL },
	{ EM_ACT_RANGE_5M, K('1'), NULL },
	{ EM_ACT_RANGE_15M, K('2'), NULL },
	{ EM_ACT_RANGE_1H, K('3'), NULL },
	{ EM_ACT_RANGE_6H, K('4'), NULL },
	{ EM_ACT_RANGE_24H, K('5'), NULL },
	{ EM_ACT_RANGE_7D, K('6'), NULL },
	{ EM_ACT_TL_LEFT, K('<', ','), NULL },
	{ EM_ACT_TL_RIGHT, K('>', '.'), NULL },
	{ EM_ACT_TL_LEFT_FAR, K('{'), NULL },
	{ EM_ACT_TL_RIGHT_FAR, K('}'), NULL },
	{ EM_ACT_TL_MARK, K('['), NULL },
	{ EM_ACT_TL_ZOOM, K(']'), NULL },
	{ EM_ACT_TL_OUT, K('-'), NULL },
	{ EM_ACT_REFRESH, K('r'), NULL },
	{ EM_ACT_LABELS, K('L'), NULL },
	{ EM_ACT_SELECTOR, K('e'), NULL },
	{ EM_ACT_PICKER, K('p'), NULL },
	{ EM_ACT_DIFF_A, K('A'), NULL },
	{ EM_ACT_DIFF_B, K('B'), NULL },
	{ EM_ACT_COMPARE, K('c'), NULL },
	{ EM_ACT_SRC_DOWN, K('j', EM_KEY_DOWN), NULL },
	{ EM_ACT_SRC_UP, K('k', EM_KEY_UP), NULL },
	{ EM_ACT_SRC_PAGE_DOWN, K(EM_KEY_PGDN, ' '), NULL },
	{ EM_ACT_SRC_PAGE_UP, K(EM_KEY_PGUP), NULL },
	{ EM_ACT_SRC_TOP, K('g', EM_KEY_HOME), NULL },
	{ EM_ACT_SRC_BOTTOM, K('G', EM_KEY_END), NULL },
	{ EM_ACT_SRC_HOT_NEXT, K('n', EM_KEY_TAB), NULL },
	{ EM_ACT_SRC_HOT_PREV, K('N', EM_KEY_BTAB), NULL },
	{ EM_ACT_SRC_HOTTEST, K('H'), NULL },
	{ EM_ACT_SRC_REPO, K('r'), NULL },
	{ EM_ACT_SRC_REF, K('c'), NULL },
	{ EM_ACT_SRC_FILE, K('o'), NULL },
	{ EM_ACT_SRC_CLOSE, K(EM_KEY_ESC, 'q', 'd'), NULL },
	{ EM_ACT_SW_ZOOM, K('z'), NULL },
	{ EM_ACT_DIFF_SCALE, K('a'), NULL },
	{ EM_ACT_DIFF_SWAP, K('b'), NULL },
	{ EM_ACT_DIFF_WIDTH, K('m'), NULL },
	{ EM_ACT_DIFF_COMPARE, K('v'), NULL },
	{ EM_ACT_MOUSE_CLICK, K(EM_KEY_NONE), "click" },
	{ EM_ACT_MOUSE_DOUBLE, K(EM_KEY_NONE), "double click" },
	{ EM_ACT_MOUSE_WHEEL, K(EM_KEY_NONE), "wheel" },
};

static struct em_action_def merged[EM_ACT_COUNT];
static int merged_ready;

static void merge(void)
{
	if (merged_ready)
		return;
	memcpy(merged, table, sizeof(merged));
	for (size_t i = 0; i < sizeof(binds) / sizeof(binds[0]); i++) {
		memcpy(merged[binds[i].id].keys, binds[i].keys, sizeof(binds[i].keys));
		merged[binds[i].id].mouse = binds[i].mouse;
	}
	merged_ready = 1;
}

const struct em_action_def *em_actions(size_t *n)
{
	merge();
	*n = EM_ACT_COUNT;
	return merged;
}

const struct em_action_def *em_action_get(enum em_action a)
{
	merge();
	if ((int)a < 0 || a >= EM_ACT_COUNT)
		return NULL;
	return &merged[a];
}

/* The first action bound to key whose context is (ctx != 0) or is not
 * (ctx == 0) the pane's. */
static enum em_action lookup(int key, unsigned pane)
{
	merge();
	if (key == EM_KEY_NONE)
		return EM_ACT_NONE;
	for (int a = 0; a < EM_ACT_COUNT; a++) {
		if (((merged[a].ctx & EM_CTX_SOURCE) != 0) != (pane != 0))
			continue;
		for (int k = 0; k < EM_ACTION_MAXKEYS && merged[a].keys[k] != EM_KEY_NONE; k++)
			if (merged[a].keys[k] == key)
				return (enum em_action)a;
	}
	return EM_ACT_NONE;
}

enum em_action em_action_for_key(int key)
{
	return lookup(key, 0);
}

enum em_action em_action_for_key_in(int key, unsigned ctx)
{
	return lookup(key, ctx & EM_CTX_SOURCE);
}

const char *em_key_name(int key, char *buf, size_t n)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
		{ EM_KEY_UP, "Up" }, { EM_KEY_DOWN, "Down" }, { EM_KEY_LEFT, "Left" },
		{ EM_KEY_RIGHT, "Right" }, { EM_KEY_PGUP, "PgUp" }, { EM_KEY_PGDN, "PgDn" },
		{ EM_KEY_HOME, "Home" }, { EM_KEY_END, "End" }, { EM_KEY_BTAB, "Shift-Tab" },
		{ EM_KEY_F1, "F1" }, { EM_KEY_DELETE, "Delete" }, { EM_KEY_ENTER, "Enter" },
		{ EM_KEY_TAB, "Tab" }, { EM_KEY_ESC, "Esc" }, { EM_KEY_BACKSPACE, "Backspace" },
		{ ' ', "Space" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].key == key) {
			snprintf(buf, n, "%s", names[i].name);
			return buf;
		}
	if (key > 0 && key < 32)
		snprintf(buf, n, "Ctrl-%c", 'A' + key - 1);
	else if (key > 32 && key < 127)
		snprintf(buf, n, "%c", key);
	else
		snprintf(buf, n, "key-%d", key);
	return buf;
}

const char *em_action_keys_label(const struct em_action_def *a, char *buf, size_t n)
{
	size_t off = 0;

	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (a->mouse != NULL) {
		snprintf(buf, n, "%s", a->mouse);
		return buf;
	}
	for (int k = 0; k < EM_ACTION_MAXKEYS && a->keys[k] != EM_KEY_NONE; k++) {
		char kn[32];
		int r = snprintf(buf + off, n - off, "%s%s", k ? ", " : "",
		    em_key_name(a->keys[k], kn, sizeof(kn)));
		if (r < 0 || (size_t)r >= n - off)
			break;
		off += (size_t)r;
	}
	return buf;
}

/* roff text: backslashes doubled, a leading dot or quote made harmless */
static void roff_text(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

static void man_item(FILE *out, const struct em_action_def *a, char *label, size_t n)
{
	fputs(".TP\n.B ", out);
	roff_text(out, em_action_keys_label(a, label, n));
	fputs("\n", out);
	roff_text(out, a->help);
	fputs(".\n", out);
}

void em_actions_man(FILE *out)
{
	size_t n;
	const struct em_action_def *a = em_actions(&n);
	char label[128];

	fputs(".SH KEYS\n", out);
	fputs("In the flame graph the keys move the selection between frames;"
	    " in the table they move between rows.\n", out);
	for (size_t i = 0; i < n; i++) {
		if (a[i].ctx == EM_CTX_MOUSE ||
		    (a[i].ctx & (EM_CTX_SOURCE | EM_CTX_SERVER | EM_CTX_SANDWICH | EM_CTX_DIFF)))
			continue;
		man_item(out, &a[i], label, sizeof(label));
	}
	fputs(".SS Mouse\nWhere the terminal reports mouse events:\n", out);
	for (size_t i = 0; i < n; i++)
		if (a[i].ctx == EM_CTX_MOUSE)
			man_item(out, &a[i], label, sizeof(label));
	fputs(".SS \"Function details pane\"\n", out);
	fputs("The pane shows the selected function's file, repository and ref, its self"
	    " and total (of every occurrence and of the selected frame), a per\\-line"
	    " table and the source file with a self/total gutter, opened at the hottest"
	    " line; hot lines are coloured by their share of the function's total."
	    " There, the keys are:\n", out);
	for (size_t i = 0; i < n; i++)
		if (a[i].ctx & EM_CTX_SOURCE)
			man_item(out, &a[i], label, sizeof(label));
	fputs(".SS Sandwich\n", out);
	fputs("The sandwich view (y) shows the selected function's callers above it as an"
	    " inverted flame graph growing upward and its callees below it, each merged over"
	    " every place the function occurs, with its self and total in the header. Both"
	    " halves move and zoom like the flame graph; j and k cross from one half to the"
	    " other, Tab switches half. Besides those keys:\n", out);
	for (size_t i = 0; i < n; i++)
		if (a[i].ctx & EM_CTX_SANDWICH)
			man_item(out, &a[i], label, sizeof(label));
	fputs(".SS \"Diff mode\"\n", out);
	fputs("embers diff on a terminal opens the diff view: the flame graph of the aligned"
	    " call trees, red where a frame's share grew and green (blue in the colorblind"
	    " theme) where it shrank, stronger for a larger change; frames only in the new"
	    " profile are marked [+], frames only in the base [\\-]. Below it, the diff table"
	    " (s cycles the sort column, S reverses). These keys are added:\n", out);
	for (size_t i = 0; i < n; i++)
		if (a[i].ctx & EM_CTX_DIFF)
			man_item(out, &a[i], label, sizeof(label));
	fputs(".SS \"Server mode\"\n", out);
	fputs("With a server instead of a file (see SERVER MODE), a header shows the"
	    " label selector, the profile type and the time range, and a timeline pane the"
	    " query's samples over the range. Esc first cancels a request in flight, then"
	    " drops a timeline mark, then resets the zoom. t and T switch between the"
	    " service's profile types. A and B mark two queries (selector and range) and"
	    " c offers ready comparisons; the two merged profiles are fetched and shown in"
	    " the diff view below the timeline, whose keys all work there (A and B show on"
	    " the timeline's axis). In the diff, r fetches both sides again (a relative"
	    " range such as the last hour moves to now), and q, or Esc once nothing is"
	    " left to reset, returns to the query's own view. These keys are added:\n", out);
	for (size_t i = 0; i < n; i++)
		if (a[i].ctx & EM_CTX_SERVER)
			man_item(out, &a[i], label, sizeof(label));
}

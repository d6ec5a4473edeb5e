/* ui.h - the interactive single view as a curses-free state machine.
 *
 * The ui owns the call tree and top table of the current sample type, the
 * zoom history, selection, search, table and layout mode. Keys and mouse
 * events go in (em_ui_key, em_ui_mouse), a cell grid comes out (em_ui_draw).
 * term_curses.c feeds it from a terminal; tests and the benchmark feed it
 * directly. */
#ifndef EMBERS_TUI_UI_H
#define EMBERS_TUI_UI_H

#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"
#include "embers/source.h"
#include "embers/top.h"
#include "embers/tree.h"
#include "flame_layout.h"
#include "screen.h"
#include "search.h"
#include "table.h"
#include "theme.h"

enum em_layout_mode { EM_LAYOUT_BOTH, EM_LAYOUT_FLAME, EM_LAYOUT_TABLE };
enum em_pane { EM_PANE_FLAME, EM_PANE_TABLE };
enum em_prompt { EM_PROMPT_NONE, EM_PROMPT_SEARCH, EM_PROMPT_FILTER, EM_PROMPT_REPO,
	EM_PROMPT_REF };
enum em_mouse { EM_MOUSE_CLICK, EM_MOUSE_DOUBLE, EM_MOUSE_WHEEL_UP, EM_MOUSE_WHEEL_DOWN };

/* em_ui_key results */
enum { EM_UI_QUIT = 1, EM_UI_CLEAR = 2 };

#define EM_MIN_W 40
#define EM_MIN_H 10

/* A zoom step, kept as function names from the root so it can be found
 * again in another sample type's tree. */
struct em_zoom {
	em_func_id *path;     /* depth 1 .. the zoom node */
	uint32_t depth;
	em_func_id *members;  /* a group of the node's children, or none */
	uint32_t nmembers;
};

struct em_sel {
	uint8_t kind;   /* enum em_span_kind (CRUMB is stored as NODE) */
	em_node node;
	uint32_t k;
};

struct em_rect {
	int x, y, w, h;
};

struct em_ui {
	em_profile *p;
	char title[256];
	uint32_t type;
	em_tree tree;
	uint32_t *height;       /* levels below each node */
	uint32_t *parent;       /* parent of each node */
	struct em_func_index fix; /* nodes of each function */
	em_top top;
	const struct em_theme *theme;
	uint16_t *func_style;   /* flame palette slot per function, 0 until drawn */

	struct em_zoom *hist;   /* zoom history; hist[pos] is shown */
	size_t nhist, hist_cap, hist_pos;
	em_node zoom_node;      /* hist[pos] found in the current tree */
	em_node *zoom_members;
	uint32_t zoom_nmembers;
	size_t zoom_members_cap;

	struct em_flame_layout fl;
	int fl_dirty;
	struct em_sel sel;
	long sel_i;             /* span of the selection, -1 when none */
	uint32_t ftop;          /* first content row shown */
	int want_visible;       /* scroll the selection into view */

	struct em_search search;
	struct em_table table;

	int mode, focus, help, help_top;
	int prompt;
	char pbuf[256];
	size_t plen;
	char prev_search[256];  /* restored when a search prompt is cancelled */
	int prev_search_kind;
	em_func_id prev_search_func;
	char msg[256];
	int msg_error;

	uint64_t gen;           /* bumped when the layout or the search changes */
	uint64_t gm_gen;        /* gen the group-match cache was made for */
	uint8_t *gm_cache;      /* per group: does it hold a match (ui_draw.c) */
	size_t gm_cap;

	int w, h, utf8, mono;
	struct em_rect rflame, rtable;

	struct em_srcpane *sp;  /* the function details pane (srcpane.h), NULL until used */
	struct em_swview *sw;   /* the sandwich view (sandwich_view.h), NULL until used */
	struct em_typejob *tj;  /* a sample type being built (ui_typejob.c), or NULL */
};

/* Take the profile (the ui frees it) and show sample type `type` (-1 =
 * the profile's default). 0, or -1 with err. */
int em_ui_init(struct em_ui *ui, em_profile *p, const char *title, int type,
    const struct em_theme *theme, em_error *err);
/* The same with the call tree of the type already built (a server flame
 * graph gives it directly: em_pyro_flamegraph_tree): the ui takes it over
 * and leaves tree empty. NULL or an empty tree: built from p. */
int em_ui_init_tree(struct em_ui *ui, em_profile *p, em_tree *tree, const char *title,
    int type, const struct em_theme *theme, em_error *err);
void em_ui_free(struct em_ui *ui);
/* The flame palette slot of function f (worked out on first use). */
uint16_t em_ui_func_style(const struct em_ui *ui, em_func_id f);
void em_ui_resize(struct em_ui *ui, int w, int h);
/* Handle a key (enum em_key or a byte); returns EM_UI_* flags. */
int em_ui_key(struct em_ui *ui, int key);
int em_ui_mouse(struct em_ui *ui, enum em_mouse ev, int x, int y);
/* Draw everything into s (resized by the caller to ui's size). */
void em_ui_draw(struct em_ui *ui, struct em_screen *s);

/* Switch to sample type `type`; 0 or -1 with the ui unchanged and a message. */
int em_ui_set_type(struct em_ui *ui, uint32_t type);
/* The same on a thread (the t key): the current view stays up with a
 * spinner on the message line, Esc cancels, em_ui_tick swaps the new
 * tree in when it is ready. 0, or -1 with the ui unchanged and a message. */
int em_ui_set_type_async(struct em_ui *ui, uint32_t type);
/* 1 while such a switch runs (and was not cancelled). */
int em_ui_building(const struct em_ui *ui);
/* Apply a search / table filter as if typed at the prompt. */
int em_ui_search(struct em_ui *ui, const char *pattern);
int em_ui_filter(struct em_ui *ui, const char *pattern);

/* Loading screen: title, a bar for fraction (0..1, < 0 when unknown). */
void em_ui_draw_progress(struct em_screen *s, const char *title, double fraction,
    double seconds);

/* Function details pane. The source lookup settings (the ui takes o's
 * strings and clears o; without them em_source_opts_init's defaults are
 * used); the profile's service_* labels fill what is unset. 0 or -1 on
 * out of memory. */
int em_ui_source_settings(struct em_ui *ui, em_source_opts *o);
/* Open the pane on the selected frame or table row (the 'd' key). */
int em_ui_details(struct em_ui *ui);
/* A source lookup runs on its own thread while this is >= 0: wait for
 * the fd (readable when it ends) or for a key, at most ~100 ms so the
 * spinner moves, then call em_ui_tick. */
int em_ui_wait_fd(const struct em_ui *ui);
/* Take a finished lookup in and move the spinner; 1 when the screen
 * changed. */
int em_ui_tick(struct em_ui *ui);

/* The selection's node, EM_NODE_NONE for groups. */
em_node em_ui_sel_node(const struct em_ui *ui);
/* Lay out now if needed (drawing does it too). */
void em_ui_layout(struct em_ui *ui);

#endif

/* srcpane.h - the function details pane: one function's name, file, start
 * line, repository and ref, self and total (this occurrence and all of
 * them), its per-line figures from the pprof line numbers, and its source
 * file with a self/total gutter, opened at the hottest line.
 *
 * The figures are em_lines' (so they equal `embers source`); the file
 * comes from em_source, looked up by an em_source_job on its own thread:
 * the event loop watches em_ui_wait_fd and calls em_ui_tick, so a slow
 * fetch never freezes the screen, and Esc cancels it. Without the file the
 * pane says why in one line and the per-line table takes its place.
 *
 * Only ui_input.c, ui_draw.c and ui.c use this; the rest of the world
 * goes through ui.h. */
#ifndef EMBERS_TUI_SRCPANE_H
#define EMBERS_TUI_SRCPANE_H

#include <stdint.h>

#include "embers/lines.h"
#include "embers/source.h"
#include "ui.h"

struct em_srcpane {
	int open;
	/* what the pane shows */
	em_func_id func;
	em_node node;               /* the frame it was opened on, EM_NODE_NONE from the table */
	int64_t occ_self, occ_total; /* that frame's figures */
	em_lines lines;             /* per-line figures of func in the ui's sample type */
	int have_lines;
	uint32_t entry, first_entry; /* lines.funcs[entry]: the (function, file) shown */
	char *path;                 /* the file name looked up */

	/* settings and the lookup */
	em_source_opts opts;
	int have_opts, labels_done;
	em_source *src;
	int repo_changed;           /* hand opts.repo/ref to src before the next lookup */
	em_source_job *job;
	int job_stale;              /* its result is not wanted any more */
	int restart;                /* look up again once the stale job has ended */
	em_source_file file;
	int have_file;              /* file holds a finished lookup (data, or why) */
	char why[EM_ERROR_MAX];     /* a lookup that could not even start */
	char note[EM_ERROR_MAX];    /* the repository was refused: looking without it */
	unsigned spin;

	/* view */
	int64_t cur;                /* the line under the cursor */
	int64_t top;                /* first source line shown */
	int64_t ltop;               /* first row of the per-line table shown */
	int want_center;            /* centre the cursor at the next layout */
};

/* Settings (takes o's strings; o is cleared). */
int em_srcpane_settings(struct em_ui *ui, em_source_opts *o);
/* Open on the focused frame or table row; a message when there is none. */
int em_srcpane_open(struct em_ui *ui);
void em_srcpane_close(struct em_ui *ui);
int em_srcpane_is_open(const struct em_ui *ui);
/* Keys and mouse while the pane is open; EM_UI_* flags. */
int em_srcpane_key(struct em_ui *ui, int key);
void em_srcpane_mouse(struct em_ui *ui, int ev, int x, int y);
/* The prompt for the repository or ref was entered. */
void em_srcpane_edit(struct em_ui *ui, int prompt, const char *value);
/* The text a repository / ref prompt starts with. */
const char *em_srcpane_current(const struct em_ui *ui, int prompt);
/* Poll the lookup; 1 when something changed on screen. */
int em_srcpane_tick(struct em_ui *ui);
int em_srcpane_fd(const struct em_ui *ui);
/* Drop everything, waiting for a running lookup (cancelled first). */
void em_srcpane_free(struct em_ui *ui);

/* Drawing (srcpane_draw.c): the pane over rows 0 .. h-3, and the info line. */
void em_srcpane_draw(struct em_ui *ui, struct em_screen *scr);
void em_srcpane_info(struct em_ui *ui, char *buf, size_t n);

/* Geometry of the pane for the ui's size (srcpane_draw.c). */
struct em_srcpane_geom {
	int nhead;          /* header lines */
	int tab_y, tab_h;   /* the per-line table: header row + rows */
	int cols, colw, lw; /* table columns, their width, line-number width */
	int sep_y;          /* the rule above the source, -1 when none */
	int src_y, src_h;   /* source rows (0 when the file is not shown) */
};
void em_srcpane_geom(const struct em_ui *ui, struct em_srcpane_geom *g);

/* Helpers shared by the two files. */
const em_func_lines *em_srcpane_entry(const struct em_srcpane *sp);
int em_srcpane_has_source(const struct em_srcpane *sp);
int64_t em_srcpane_nlines(const struct em_srcpane *sp);
/* 0 when the line has no weight, else 1 (low) .. 3 (high) by its share of
 * the function's total. */
int em_srcpane_heat(const struct em_srcpane *sp, const em_line_row *r);

#endif

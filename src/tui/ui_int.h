/* ui_int.h - what ui.c, ui_search.c and ui_input.c share; not for other
 * modules (they use ui.h). */
#ifndef EMBERS_TUI_UI_INT_H
#define EMBERS_TUI_UI_INT_H

#include "ui.h"

/* The message line (until the next key). */
void em_ui_msg(struct em_ui *ui, int error, const char *fmt, ...) EM_PRINTF(3, 4);

/* A sample type's call tree and top table, built apart from the ui so a
 * thread can make it (ui.c; the type job is ui_typejob.c). */
struct em_built {
	em_tree tree;
	uint32_t *height, *parent;
	struct em_func_index fix;
	em_top top;
};
int em_ui_build_type(const em_profile *p, uint32_t type, struct em_built *b, em_error *err);
void em_ui_built_free(struct em_built *b);
void em_ui_apply_type(struct em_ui *ui, uint32_t type, struct em_built *b);

/* The type job (ui_typejob.c): keys while it runs, its wake fd (-1 when
 * none), taking its result in (1 when the screen changed), and ending it. */
int em_ui_typejob_key(struct em_ui *ui, int key);
int em_ui_typejob_fd(const struct em_ui *ui);
int em_ui_typejob_tick(struct em_ui *ui);
void em_ui_typejob_free(struct em_ui *ui);

/* Zoom history (ui.c). */
int em_ui_zoom_push(struct em_ui *ui, em_node node, const em_node *members, uint32_t nm);
void em_ui_zoom_step(struct em_ui *ui, int forward);
void em_ui_zoom_reset(struct em_ui *ui);

/* Selection and geometry (ui.c). */
void em_ui_select_span(struct em_ui *ui, long i);
void em_ui_resolve_sel(struct em_ui *ui);
int em_ui_too_small(const struct em_ui *ui);
int em_ui_table_rows(const struct em_ui *ui);

/* Open the prompt of kind (enum em_prompt) on the info line (ui_input.c). */
void em_ui_prompt(struct em_ui *ui, int kind);

/* Search (ui_search.c). */
void em_ui_search_report(struct em_ui *ui);
int em_ui_search_step(struct em_ui *ui, int dir, int from_self, int quiet);
int em_ui_highlight_func(struct em_ui *ui, em_func_id f);
void em_ui_show_func(struct em_ui *ui, em_func_id f);

#endif

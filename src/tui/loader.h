/* loader.h - reading a profile and building the first view in a thread,
 * so the terminal can show progress and the user can cancel.
 *
 * The thread runs em_read_file with a progress callback and a cancel flag,
 * picks the sample type, and runs em_ui_init (call tree and top table).
 * The caller polls em_loader_progress / em_loader_done and then joins. */
#ifndef EMBERS_TUI_LOADER_H
#define EMBERS_TUI_LOADER_H

#include <pthread.h>
#include <stdatomic.h>

#include "embers/error.h"
#include "theme.h"
#include "ui.h"

struct em_loader {
	const char *path;
	const char *title;
	const char *type_name;     /* NULL: the profile's default */
	const struct em_theme *theme;
	struct em_ui *ui;          /* filled when the load succeeds */
	pthread_t thread;
	int started;
	volatile int cancel;       /* read by the reader */
	atomic_int permille;       /* progress 0..1000, -1 unknown */
	atomic_int done;
	int ok;
	em_error err;
};

/* Start loading path into ui. 0, or -1 with err (thread not started). */
int em_loader_start(struct em_loader *l, struct em_ui *ui, const char *path,
    const char *title, const char *type_name, const struct em_theme *theme,
    em_error *err);
void em_loader_cancel(struct em_loader *l);
int em_loader_done(struct em_loader *l);
double em_loader_progress(struct em_loader *l); /* < 0 when unknown */
/* Wait for the thread; 0 when ui is ready, -1 with err (cancelled too). */
int em_loader_join(struct em_loader *l, em_error *err);

/* Pick a sample type by name or index; -1 with err listing the types. */
int em_pick_type(const em_profile *p, const char *path, const char *want, em_error *err);

#endif

/* term.h - the terminal: the only interface to curses.
 *
 * em_term_start takes over the terminal (keys from /dev/tty when stdin is
 * not one, stderr sent to a temporary file, signal handlers that restore
 * the terminal); em_term_stop gives it back and replays what went to
 * stderr. Between them the caller blits cell grids and reads events. */
#ifndef EMBERS_TUI_TERM_H
#define EMBERS_TUI_TERM_H

#include "embers/error.h"
#include "screen.h"
#include "theme.h"

enum em_depth { EM_DEPTH_MONO, EM_DEPTH_8, EM_DEPTH_16, EM_DEPTH_256, EM_DEPTH_RGB };

enum em_event_kind {
	EM_EV_NONE,    /* timeout */
	EM_EV_KEY,
	EM_EV_MOUSE,
	EM_EV_RESIZE,
	EM_EV_SIGNAL   /* SIGINT, SIGTERM or SIGHUP arrived: leave */
};

struct em_event {
	enum em_event_kind kind;
	int key;          /* EM_EV_KEY: enum em_key or a byte */
	int mouse;        /* EM_EV_MOUSE: enum em_mouse */
	int x, y;
	int sig;          /* EM_EV_SIGNAL */
};

/* Open the terminal. utf8 says whether the locale is UTF-8. */
int em_term_start(int utf8, em_error *err);
/* Restore the terminal and replay stderr. Safe to call twice. */
void em_term_stop(void);
/* Colour depth in use (after em_term_start), and the palette setup. */
enum em_depth em_term_depth(void);
void em_term_set_theme(const struct em_theme *th);
void em_term_size(int *w, int *h);
/* Copy s to the terminal; clear forces a full repaint. */
void em_term_blit(const struct em_screen *s, int clear);
/* Wait up to timeout_ms (-1 forever) for an event. */
void em_term_event(int timeout_ms, struct em_event *ev);
/* Also end the wait (as a timeout, EM_EV_NONE) when fd becomes readable;
 * -1 for none. For background work that signals a pipe when done. */
void em_term_wake_fd(int fd);
/* The signal that ended the session (0 = none): re-raised by the caller
 * after em_term_stop so the parent sees how we died. */
int em_term_pending_signal(void);

#endif

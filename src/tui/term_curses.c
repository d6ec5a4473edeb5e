/* term_curses.c - the only file that includes curses: opening and
 * restoring the terminal, colours for the depth the terminal has, copying
 * cell grids to the screen, and turning curses input into events.
 *
 * Terminal safety (users reach us over SSH):
 *  - keys come from /dev/tty when stdin or stdout is not a terminal, so a
 *    profile can be piped in;
 *  - stderr goes to a temporary file while curses owns the screen and is
 *    replayed after, so warnings never scribble over the view;
 *  - SIGINT, SIGTERM and SIGHUP only set a flag that the event loop turns
 *    into EM_EV_SIGNAL (installed before newterm, so ncurses keeps out);
 *  - fatal signals restore the terminal, then re-raise through the handler
 *    that was there before (sanitizers, core dumps). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "actions.h"
#include "term.h"
#include "ui.h"

static struct {
	int up;
	SCREEN *scr;
	FILE *tty;            /* /dev/tty when we opened it */
	int saved_stderr;     /* the real stderr while ours goes to a file */
	int err_fd;           /* the temporary file */
	enum em_depth depth;
	const struct em_theme *theme;
	struct em_cell *shadow; /* what is on the terminal */
	int sw, sh;
	int utf8;
	int pending[8];       /* bytes of a UTF-8 key still to deliver */
	int npending;
	int wake_fd;          /* em_term_wake_fd, -1 = none */
} T = { .saved_stderr = -1, .err_fd = -1, .wake_fd = -1 };

static volatile sig_atomic_t got_signal;

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define NFATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
static struct sigaction old_fatal[NFATAL];
static const int quit_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NQUIT (sizeof(quit_signals) / sizeof(quit_signals[0]))
static struct sigaction old_quit[NQUIT];

/* --- stderr ---------------------------------------------------------------- */

static void stderr_to_file(void)
{
	char path[] = "/tmp/embers-stderr-XXXXXX";
	const char *dir = getenv("TMPDIR");
	char buf[4096];
	int fd;

	if (dir != NULL && *dir == '/' && snprintf(buf, sizeof(buf), "%s/embers-stderr-XXXXXX", dir)
	    < (int)sizeof(buf))
		fd = mkstemp(buf);
	else
		fd = mkstemp(path);
	if (fd < 0)
		return; /* keep stderr as it is: better than losing it */
	unlink(dir != NULL && *dir == '/' ? buf : path);
	fflush(stderr);
	T.saved_stderr = dup(STDERR_FILENO);
	if (T.saved_stderr < 0 || dup2(fd, STDERR_FILENO) < 0) {
		if (T.saved_stderr >= 0)
			close(T.saved_stderr);
		T.saved_stderr = -1;
		close(fd);
		return;
	}
	T.err_fd = fd;
}

/* Put stderr back and copy what was written meanwhile to it. */
static void stderr_restore(int replay)
{
	char buf[4096];
	ssize_t n;

	if (T.saved_stderr < 0)
		return;
	fflush(stderr);
	dup2(T.saved_stderr, STDERR_FILENO);
	close(T.saved_stderr);
	T.saved_stderr = -1;
	if (replay && lseek(T.err_fd, 0, SEEK_SET) == 0) {
		while ((n = read(T.err_fd, buf, sizeof(buf))) > 0)
			if (write(STDERR_FILENO, buf, (size_t)n) < 0)
				break;
	}
	close(T.err_fd);
	T.err_fd = -1;
}

/* --- signals --------------------------------------------------------------- */

static void on_quit_signal(int sig)
{
	got_signal = sig;
}

static void on_fatal_signal(int sig)
{
	/* not async-signal-safe, as in htop: a crash that leaves the terminal
	 * in raw mode is worse than the small risk here */
	if (T.up) {
		endwin();
		T.up = 0;
	}
	stderr_restore(1);
	for (size_t i = 0; i < NFATAL; i++)
		if (fatal_signals[i] == sig)
			sigaction(sig, &old_fatal[i], NULL);
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	for (size_t i = 0; i < NQUIT; i++)
		sigaction(quit_signals[i], &sa, &old_quit[i]);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_NODEFER;
	for (size_t i = 0; i < NFATAL; i++)
		sigaction(fatal_signals[i], &sa, &old_fatal[i]);
}

static void restore_signals(void)
{
	for (size_t i = 0; i < NQUIT; i++)
		sigaction(quit_signals[i], &old_quit[i], NULL);
	for (size_t i = 0; i < NFATAL; i++)
		sigaction(fatal_signals[i], &old_fatal[i], NULL);
}

int em_term_pending_signal(void)
{
	return (int)got_signal;
}

/* --- colours --------------------------------------------------------------- */

/* NO_COLOR (https://no-color.org): set and not empty means no colour. */
static int no_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return nc != NULL && *nc != '\0';
}

static enum em_depth detect_depth(void)
{
	const char *ct = getenv("COLORTERM");

	if (no_color() || !has_colors())
		return EM_DEPTH_MONO;
	if (ct != NULL && (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0) &&
	    (tigetflag("RGB") > 0 || COLORS >= 0x1000000))
		return EM_DEPTH_RGB;
	if (COLORS >= 256)
		return EM_DEPTH_256;
	if (COLORS >= 16)
		return EM_DEPTH_16;
	if (COLORS >= 8)
		return EM_DEPTH_8;
	return EM_DEPTH_MONO;
}

enum em_depth em_term_depth(void)
{
	return T.depth;
}

static int map_color(int32_t c)
{
	if (c == EM_COLOR_DEFAULT)
		return -1;
	switch (T.depth) {
	case EM_DEPTH_RGB:
		/* direct colour: values under 8 are the ANSI colours */
		if (EM_IS_RGB(c))
			return (int)(c & 0xffffff);
		return c < 8 ? c : (int)em_256_to_rgb(c);
	case EM_DEPTH_256:
		return EM_IS_RGB(c) ? em_rgb_to_256((uint32_t)c & 0xffffff) : c;
	case EM_DEPTH_16:
	case EM_DEPTH_8: {
		int n = T.depth == EM_DEPTH_16 ? 16 : 8;
		if (!EM_IS_RGB(c) && c < n)
			return c;
		return em_rgb_to_16(EM_IS_RGB(c) ? (uint32_t)c & 0xffffff : em_256_to_rgb(c), n);
	}
	default:
		return -1;
	}
}

void em_term_set_theme(const struct em_theme *th)
{
	T.theme = th;
	if (T.depth == EM_DEPTH_MONO || !T.up)
		return;
	for (int i = 0; i < EM_NSTYLES && i + 1 < COLOR_PAIRS; i++)
		init_extended_pair(i + 1, map_color(th->st[i].fg), map_color(th->st[i].bg));
	free(T.shadow);
	T.shadow = NULL; /* repaint everything */
}

/* --- start / stop ---------------------------------------------------------- */

int em_term_start(int utf8, em_error *err)
{
	FILE *in = stdin, *out = stdout;

	if (T.up)
		return 0;
	got_signal = 0;
	T.utf8 = utf8;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		T.tty = fopen("/dev/tty", "r+");
		if (T.tty == NULL)
			return em_error_set(err, "'/dev/tty': %s (the viewer needs a terminal)",
			    em_strerror_lc(errno));
		in = out = T.tty;
	}
	install_signals();
	stderr_to_file();
	T.scr = newterm(NULL, out, in);
	if (T.scr == NULL) {
		stderr_restore(1);
		restore_signals();
		if (T.tty)
			fclose(T.tty);
		T.tty = NULL;
		return em_error_set(err, "'%s': unknown terminal type",
		    getenv("TERM") ? getenv("TERM") : "");
	}
	set_term(T.scr);
	T.up = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED,
	    NULL);
	/* COLORS is known only after start_color */
	if (has_colors() && !no_color()) {
		start_color();
		use_default_colors();
	}
	T.depth = detect_depth();
	return 0;
}

void em_term_stop(void)
{
	if (T.up) {
		endwin();
		delscreen(T.scr);
		T.scr = NULL;
		T.up = 0;
	}
	if (T.tty != NULL) {
		fclose(T.tty);
		T.tty = NULL;
	}
	stderr_restore(1);
	restore_signals();
	free(T.shadow);
	T.shadow = NULL;
}

void em_term_size(int *w, int *h)
{
	getmaxyx(stdscr, *h, *w);
}

/* --- drawing --------------------------------------------------------------- */

static attr_t cell_attrs(const struct em_cell *c)
{
	uint8_t a = c->attr;
	attr_t r = A_NORMAL;

	if (T.theme != NULL && c->style < EM_NSTYLES)
		a |= T.theme->st[c->style].attr;
	if (a & EM_A_BOLD)
		r |= A_BOLD;
	if (a & EM_A_REVERSE)
		r |= A_REVERSE;
	if (a & EM_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & EM_A_DIM)
		r |= A_DIM;
	return r;
}

static void put_cell(int x, int y, const struct em_cell *c)
{
	attr_t a = cell_attrs(c);
	int pair = T.depth == EM_DEPTH_MONO ? 0 : c->style + 1;
	wchar_t wc[2] = { L' ', 0 };
	cchar_t cc;

	if (c->len == 1) {
		wc[0] = (unsigned char)c->ch[0];
	} else if (c->len > 1 && T.utf8) {
		mbstate_t st;
		memset(&st, 0, sizeof(st));
		if (mbrtowc(&wc[0], c->ch, c->len, &st) > (size_t)c->len)
			wc[0] = L'?';
	}
	if (pair >= COLOR_PAIRS)
		pair = 0;
	setcchar(&cc, wc, a, 0, &pair);
	mvadd_wch(y, x, &cc);
}

void em_term_blit(const struct em_screen *s, int clear)
{
	size_t n = (size_t)s->w * (size_t)s->h;

	if (!T.up)
		return;
	if (T.shadow == NULL || T.sw != s->w || T.sh != s->h || clear) {
		free(T.shadow);
		T.shadow = calloc(n + 1, sizeof(*T.shadow));
		T.sw = s->w;
		T.sh = s->h;
		clear = 1;
	}
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++) {
			size_t i = (size_t)y * (size_t)s->w + (size_t)x;
			const struct em_cell *c = &s->cells[i];
			if (!clear && T.shadow && memcmp(c, &T.shadow[i], sizeof(*c)) == 0)
				continue;
			if (!(c->attr & EM_A_CONT))
				put_cell(x, y, c);
			if (T.shadow)
				T.shadow[i] = *c;
		}
	if (clear)
		clearok(curscr, TRUE);
	refresh();
}

/* --- input ----------------------------------------------------------------- */

static int map_key(int code)
{
	switch (code) {
	case KEY_UP: return EM_KEY_UP;
	case KEY_DOWN: return EM_KEY_DOWN;
	case KEY_LEFT: return EM_KEY_LEFT;
	case KEY_RIGHT: return EM_KEY_RIGHT;
	case KEY_PPAGE: return EM_KEY_PGUP;
	case KEY_NPAGE: return EM_KEY_PGDN;
	case KEY_HOME: return EM_KEY_HOME;
	case KEY_END: return EM_KEY_END;
	case KEY_BTAB: return EM_KEY_BTAB;
	case KEY_F(1): return EM_KEY_F1;
	case KEY_DC: return EM_KEY_DELETE;
	case KEY_ENTER: return EM_KEY_ENTER;
	case KEY_BACKSPACE: return EM_KEY_BACKSPACE;
	default: return EM_KEY_NONE;
	}
}

static int map_char(wint_t wc)
{
	if (wc == '\n' || wc == '\r')
		return EM_KEY_ENTER;
	if (wc == 8 || wc == 127)
		return EM_KEY_BACKSPACE;
	return (int)wc;
}

/* A character past ASCII becomes its UTF-8 bytes, one key each (the
 * prompt puts them back together). */
static int queue_utf8(wint_t wc)
{
	char buf[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(buf, (wchar_t)wc, &st);
	if (n == (size_t)-1 || n == 0)
		return EM_KEY_NONE;
	for (size_t i = 1; i < n && T.npending < (int)(sizeof(T.pending) / sizeof(T.pending[0])); i++)
		T.pending[T.npending++] = (unsigned char)buf[i];
	return (unsigned char)buf[0];
}

static void mouse_event(struct em_event *ev)
{
	MEVENT me;

	ev->kind = EM_EV_NONE;
	if (getmouse(&me) != OK)
		return;
	ev->x = me.x;
	ev->y = me.y;
	ev->kind = EM_EV_MOUSE;
	if (me.bstate & BUTTON1_DOUBLE_CLICKED)
		ev->mouse = EM_MOUSE_DOUBLE;
	else if (me.bstate & BUTTON1_CLICKED)
		ev->mouse = EM_MOUSE_CLICK;
	else if (me.bstate & BUTTON4_PRESSED)
		ev->mouse = EM_MOUSE_WHEEL_UP;
	else if (me.bstate & BUTTON5_PRESSED)
		ev->mouse = EM_MOUSE_WHEEL_DOWN;
	else
		ev->kind = EM_EV_NONE;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void em_term_wake_fd(int fd)
{
	T.wake_fd = fd;
}

/* Wait up to ms for the terminal or the wake fd: 1 when the wake fd is
 * readable. Keys curses has already buffered are asked for first by the
 * caller (get_wch with no wait), so none is left waiting here. */
static int wait_wake(int ms)
{
	struct pollfd p[2];

	p[0].fd = fileno(T.tty != NULL ? T.tty : stdin);
	p[0].events = POLLIN;
	p[1].fd = T.wake_fd;
	p[1].events = POLLIN;
	p[0].revents = p[1].revents = 0;
	if (poll(p, 2, ms) <= 0)
		return 0; /* timeout, or a signal: the loop looks at both */
	return (p[1].revents & (POLLIN | POLLHUP)) != 0;
}

void em_term_event(int timeout_ms, struct em_event *ev)
{
	long end = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;

	memset(ev, 0, sizeof(*ev));
	if (T.npending > 0) {
		ev->kind = EM_EV_KEY;
		ev->key = T.pending[0];
		memmove(T.pending, T.pending + 1, (size_t)--T.npending * sizeof(T.pending[0]));
		return;
	}
	for (;;) {
		wint_t wc;
		int r, wait;

		if (got_signal) {
			ev->kind = EM_EV_SIGNAL;
			ev->sig = (int)got_signal;
			return;
		}
		/* poll in short steps so a signal flag is seen soon */
		wait = 100;
		if (end >= 0) {
			long left = end - now_ms();
			if (left <= 0)
				return;
			if (left < wait)
				wait = (int)left;
		}
		if (T.wake_fd >= 0) {
			timeout(0);
			r = get_wch(&wc);
			if (r == ERR) {
				if (wait_wake(wait))
					return; /* EM_EV_NONE: the background work is done */
				continue;
			}
		} else {
			timeout(wait);
			r = get_wch(&wc);
		}
		if (r == ERR)
			continue;
		if (r == KEY_CODE_YES) {
			if (wc == KEY_RESIZE) {
				ev->kind = EM_EV_RESIZE;
				return;
			}
			if (wc == KEY_MOUSE) {
				mouse_event(ev);
				if (ev->kind != EM_EV_NONE)
					return;
				continue;
			}
			ev->key = map_key((int)wc);
			if (ev->key == EM_KEY_NONE)
				continue;
			ev->kind = EM_EV_KEY;
			return;
		}
		ev->kind = EM_EV_KEY;
		ev->key = wc < 128 ? map_char(wc) : queue_utf8(wc);
		if (ev->key == EM_KEY_NONE)
			continue;
		return;
	}
}

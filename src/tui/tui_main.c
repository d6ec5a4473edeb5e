/* tui_main.c - `embers [options] FILE`: options, theme choice, loading
 * with a progress screen, and the event loop that feeds the ui and blits
 * its screen. Exits restore the terminal first, always. */
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actions.h"
#include "cli/cli.h"
#include "cli/source_opts.h"
#include "cli/srcflags.h"
#include "config.h"
#include "loader.h"
#include "srv.h"
#include "term.h"
#include "ui.h"

enum { OPT_THEME = 1, OPT_TYPE, OPT_KEYS_MAN };

static const struct em_opt tui_opts[] = {
	{ "theme", 0, EM_OPT_ARG, OPT_THEME },
	{ "sample-type", 't', EM_OPT_ARG, OPT_TYPE },
	{ "keys-man", 0, EM_OPT_NOARG, OPT_KEYS_MAN },
	EM_CLI_SOURCE_OPTS,
	EM_CLI_SERVER_OPTS,
	{ NULL, 0, 0, 0 },
};

static const struct em_cmd tui_cmd = {
	"view", "[--theme NAME] [--sample-type TYPE] [source options] FILE|-|--url URL ...",
	"open the interactive flame graph viewer",
	"  --theme NAME              dark, light, mono, colorblind, or a theme file path\n"
	"  -t, --sample-type T       sample type to show first (name or index)\n"
	"source options (the function details pane, key d; as for 'embers source'):\n"
	EM_CLI_SOURCE_HELP
	EM_CLI_SERVER_HELP
	"  (with no profile type and selector, a picker of services opens)\n",
	NULL,
};

struct args {
	const char *file;
	const char *theme;
	const char *type;
	int keys_man;
	struct em_src_flags src;
	struct em_srv_args srv;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	struct em_opts st;
	int r;

	memset(a, 0, sizeof(*a));
	em_srv_args_init(&a->srv);
	em_opts_init(&st, &tui_cmd, tui_opts, argc, argv);
	while ((r = em_opts_next(&st)) != EM_OPTS_END) {
		int sf = em_cli_source_opt(&tui_cmd, &a->src, r, st.arg);

		if (sf == 0)
			sf = em_cli_server_opt(&tui_cmd, &a->srv, r, st.arg);
		if (sf < 0)
			return EM_EXIT_USAGE;
		if (sf > 0)
			continue;
		switch (r) {
		case OPT_THEME:
			a->theme = st.arg;
			break;
		case OPT_TYPE:
			a->type = st.arg;
			break;
		case OPT_KEYS_MAN:
			a->keys_man = 1;
			break;
		case EM_OPTS_OPERAND:
			if (a->file != NULL)
				return em_cli_usage_error(&tui_cmd, "more than one profile given");
			a->file = st.arg;
			break;
		case EM_OPTS_HELP:
			em_cli_print_main_help(stdout);
			return -1;
		default:
			return EM_EXIT_USAGE;
		}
	}
	return 0;
}

/* --theme NAME must exist: checked before the terminal is taken over. */
static int theme_from_option(const char *name, struct em_theme *th)
{
	em_error err;

	if (em_theme_load(th, name, &err) == 0 || em_theme_builtin(th, name) == 0)
		return 0;
	em_cli_error("%s", err.msg);
	return -1;
}

/* Else the config file's theme, else dark. Problems here are warnings:
 * they are printed while curses is up, so they go to the stderr file and
 * are shown when the viewer exits. */
static void theme_from_config(struct em_theme *th)
{
	struct em_config cfg;
	char path[4096];
	em_error err;
	const char *name = "dark";

	if (em_config_path(path, sizeof(path)) == 0) {
		if (em_config_load(&cfg, path, &err) < 0)
			em_cli_error("%s", err.msg);
		else if (cfg.theme[0] != '\0')
			name = cfg.theme;
	}
	if (em_theme_load(th, name, &err) == 0 || em_theme_builtin(th, name) == 0)
		return;
	em_cli_error("%s; using the built-in dark theme", err.msg);
	em_theme_builtin(th, "dark");
}

static int is_mono_theme(const struct em_theme *th)
{
	for (int i = 0; i < EM_NSTYLES; i++)
		if (th->st[i].fg != EM_COLOR_DEFAULT || th->st[i].bg != EM_COLOR_DEFAULT)
			return 0;
	return 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fit_screen(struct em_screen *s, int utf8)
{
	int w, h;

	em_term_size(&w, &h);
	s->utf8 = utf8;
	if (w == s->w && h == s->h)
		return 0;
	return em_screen_resize(s, w, h);
}

/* Show progress until the loader is done; keys that cancel are Esc, q and
 * Ctrl-C. Returns 0 when the ui is ready. */
static int load(struct em_loader *l, struct em_screen *scr, int utf8, em_error *err)
{
	double t0 = now_s();
	struct em_event ev;

	while (!em_loader_done(l)) {
		if (now_s() - t0 > 0.15) {
			/* small files appear at once, with no flash of progress */
			fit_screen(scr, utf8);
			em_ui_draw_progress(scr, l->title, em_loader_progress(l), now_s() - t0);
			em_term_blit(scr, 0);
		}
		em_term_event(40, &ev);
		if (ev.kind == EM_EV_SIGNAL ||
		    (ev.kind == EM_EV_KEY && (ev.key == EM_KEY_ESC || ev.key == 'q' ||
		    ev.key == EM_KEY_CTRL_C)))
			em_loader_cancel(l);
	}
	return em_loader_join(l, err);
}

/* The source lookup settings from the flags, checked before the terminal
 * is taken over (a bad --source-dir or --repo is a usage error). The
 * profile's labels are added by the ui later. */
static int source_settings(const struct args *a, em_source_opts *o)
{
	em_source *s;
	em_error err;

	if (em_cli_source_settings(&a->src, o) < 0)
		return EM_EXIT_FAIL;
	err.msg[0] = '\0';
	s = em_source_new(o, &err);
	if (s == NULL) {
		em_source_opts_free(o);
		return em_cli_usage_error(&tui_cmd, "%s", err.msg);
	}
	em_source_free(s);
	return EM_EXIT_OK;
}

static int run(struct em_ui *ui, struct em_screen *scr, int utf8)
{
	struct em_event ev;
	int clear = 1;

	for (;;) {
		int fd;

		if (fit_screen(scr, utf8) < 0)
			return -1;
		if (ui->w != scr->w || ui->h != scr->h)
			em_ui_resize(ui, scr->w, scr->h);
		em_ui_draw(ui, scr);
		em_term_blit(scr, clear);
		clear = 0;
		/* a source lookup on its thread: wake when it ends, and every
		 * 100 ms for the spinner */
		fd = em_ui_wait_fd(ui);
		em_term_wake_fd(fd);
		em_term_event(fd >= 0 ? 100 : -1, &ev);
		em_ui_tick(ui);
		switch (ev.kind) {
		case EM_EV_SIGNAL:
			return 0;
		case EM_EV_KEY: {
			int r = em_ui_key(ui, ev.key);
			if (r & EM_UI_QUIT)
				return 0;
			clear = (r & EM_UI_CLEAR) != 0;
			break;
		}
		case EM_EV_MOUSE:
			em_ui_mouse(ui, ev.mouse, ev.x, ev.y);
			break;
		case EM_EV_RESIZE:
			clear = 1;
			break;
		default:
			break;
		}
	}
}

/* Leave the way the signal asked: SIGTERM and SIGHUP kill us with their
 * default action (the parent sees it), Ctrl-C exits 130 like a shell. */
static int finish(int status)
{
	int sig = em_term_pending_signal();

	if (sig == SIGTERM || sig == SIGHUP) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	if (sig == SIGINT)
		return 130;
	return status;
}

int em_tui_main(int argc, char **argv)
{
	struct args a;
	struct em_theme theme, mono;
	struct em_screen scr = { 0, 0, NULL, 0 };
	struct em_loader loader;
	struct em_ui ui;
	struct em_srv srv;
	struct em_srv_start start;
	em_source_opts srcopts;
	const char *title = "", *slash;
	em_error err;
	int utf8, r, status = EM_EXIT_OK, server = 0;

	setlocale(LC_ALL, "");
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	r = parse_args(argc, argv, &a);
	if (r != 0)
		return r < 0 ? EM_EXIT_OK : r;
	if (a.keys_man) {
		em_actions_man(stdout);
		return fflush(stdout) == 0 ? EM_EXIT_OK : EM_EXIT_FAIL;
	}
	if (a.file != NULL && a.srv.used)
		return em_cli_usage_error(&tui_cmd, "give a profile FILE or server options, not both");
	if (a.file == NULL && em_srv_wanted(&a.srv)) {
		server = 1; /* embers --url URL: the server viewer */
	} else if (a.file == NULL) {
		if (isatty(STDIN_FILENO))
			return em_cli_usage_error(&tui_cmd, "no profile file given (or --url for a server)");
		a.file = "-"; /* a profile piped in; keys come from /dev/tty */
	}
	if (a.theme != NULL && theme_from_option(a.theme, &theme) < 0)
		return EM_EXIT_USAGE;
	r = source_settings(&a, &srcopts);
	if (r != EM_EXIT_OK)
		return r;
	if (server && (r = em_srv_prepare(&srv, &a.srv, &start)) != EM_EXIT_OK) {
		em_source_opts_free(&srcopts);
		return r;
	}
	if (!server) {
		slash = strrchr(a.file, '/');
		title = strcmp(a.file, "-") == 0 ? "stdin" : slash ? slash + 1 : a.file;
	}

	if (em_term_start(utf8, &err) < 0) {
		em_cli_error("%s", err.msg);
		if (server)
			em_srv_free(&srv);
		em_source_opts_free(&srcopts);
		return EM_EXIT_FAIL;
	}
	if (a.theme == NULL)
		theme_from_config(&theme);
	if (em_term_depth() == EM_DEPTH_MONO && !is_mono_theme(&theme)) {
		/* no colour: attributes carry the meaning instead */
		if (em_theme_load(&mono, "mono", &err) < 0)
			em_theme_builtin(&mono, "mono");
		theme = mono;
	}
	em_term_set_theme(&theme);
	if (server) {
		status = em_srv_session(&srv, &start, &theme, &srcopts, &scr, utf8);
		em_term_stop();
		em_srv_free(&srv);
		em_screen_free(&scr);
		em_source_opts_free(&srcopts);
		if (status != EM_EXIT_OK)
			em_cli_error("out of memory");
		return finish(status);
	}
	if (em_loader_start(&loader, &ui, a.file, title, a.type, &theme, &err) < 0 ||
	    load(&loader, &scr, utf8, &err) < 0) {
		em_term_stop();
		em_screen_free(&scr);
		em_source_opts_free(&srcopts);
		em_cli_error("%s", err.msg);
		return finish(EM_EXIT_USAGE);
	}
	if (em_ui_source_settings(&ui, &srcopts) < 0) {
		em_term_stop();
		em_ui_free(&ui);
		em_screen_free(&scr);
		em_source_opts_free(&srcopts);
		em_cli_error("out of memory");
		return finish(EM_EXIT_FAIL);
	}
	ui.utf8 = utf8;
	ui.mono = em_term_depth() == EM_DEPTH_MONO;
	if (run(&ui, &scr, utf8) < 0)
		status = EM_EXIT_FAIL;
	em_term_stop();
	em_ui_free(&ui);
	em_screen_free(&scr);
	if (status != EM_EXIT_OK)
		em_cli_error("out of memory");
	return finish(status);
}

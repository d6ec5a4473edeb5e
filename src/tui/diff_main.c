/* diff_main.c - `embers diff BASE NEW` (or a differential folded file)
 * with a terminal on standard output: the diff view. As for `embers FILE`
 * vs `embers top`, a pipe, --format or --limit print the table instead
 * (src/cli/diff.c), so scripts see no change. */
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/diff.h"
#include "config.h"
#include "diff_view.h"
#include "term.h"
#include "ui.h"

enum { OPT_TYPE = 1, OPT_ABSOLUTE, OPT_THEME };

static int wants_table(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strncmp(argv[i], "--format", 8) == 0 || strncmp(argv[i], "--limit", 7) == 0 ||
		    strncmp(argv[i], "--sort", 6) == 0 || strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct em_diff_args *a, const char **theme)
{
	static const struct em_opt table[] = {
		{ "sample-type", 0, EM_OPT_ARG, OPT_TYPE },
		{ "absolute", 0, EM_OPT_NOARG, OPT_ABSOLUTE },
		{ "theme", 0, EM_OPT_ARG, OPT_THEME },
		EM_CLI_DIFF_SERVER_OPTS,
		{ NULL, 0, 0, 0 },
	};
	struct em_opts st;
	int r;

	em_opts_init(&st, &em_cmd_diff, table, argc, argv);
	while ((r = em_opts_next(&st)) != EM_OPTS_END) {
		if (r == OPT_TYPE)
			a->type = st.arg;
		else if (r == OPT_ABSOLUTE)
			a->scale = EM_DIFF_ABSOLUTE;
		else if (r == OPT_THEME)
			*theme = st.arg;
		else if (r == EM_OPTS_OPERAND && a->base == NULL)
			a->base = st.arg;
		else if (r == EM_OPTS_OPERAND && a->nw == NULL)
			a->nw = st.arg;
		else if (r == EM_OPTS_OPERAND)
			return em_cli_usage_error(&em_cmd_diff, "too many arguments: '%s'", st.arg);
		else if (r < 0 || em_cli_diff_server_opt(a->srv, r, st.arg) <= 0)
			return EM_EXIT_USAGE;
	}
	if (a->base == NULL && !em_cli_diff_server_used(a))
		return em_cli_usage_error(&em_cmd_diff, "no profile file given");
	if (a->nw != NULL && strcmp(a->base, "-") == 0 && strcmp(a->nw, "-") == 0)
		return em_cli_usage_error(&em_cmd_diff, "standard input can be read only once");
	return EM_EXIT_OK;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return strcmp(path, "-") == 0 ? "stdin" : s ? s + 1 : path;
}

/* --theme, else the config file's, else dark; mono without colour. */
static void pick_theme(const char *name, struct em_theme *th)
{
	struct em_config cfg;
	char path[4096];
	em_error err;

	if (name == NULL) {
		name = "dark";
		if (em_config_path(path, sizeof(path)) == 0 && em_config_load(&cfg, path, &err) == 0 &&
		    cfg.theme[0] != '\0')
			name = cfg.theme;
	}
	if (em_theme_load(th, name, &err) < 0 && em_theme_builtin(th, name) < 0) {
		em_cli_error("%s; using the built-in dark theme", err.msg);
		em_theme_builtin(th, "dark");
	}
	if (em_term_depth() == EM_DEPTH_MONO && em_theme_load(th, "mono", &err) < 0)
		em_theme_builtin(th, "mono");
}

static void run(struct em_dview *v, struct em_screen *scr, int utf8)
{
	struct em_event ev;
	int clear = 1, w, h;

	for (;;) {
		em_term_size(&w, &h);
		if (w != scr->w || h != scr->h) {
			if (em_screen_resize(scr, w, h) < 0)
				return;
			em_dview_resize(v, w, h);
		}
		scr->utf8 = utf8;
		em_dview_draw(v, scr);
		em_term_blit(scr, clear);
		clear = 0;
		em_term_event(-1, &ev);
		if (ev.kind == EM_EV_SIGNAL)
			return;
		if (ev.kind == EM_EV_KEY) {
			int r = em_dview_key(v, ev.key);
			if (r & EM_UI_QUIT)
				return;
			clear = (r & EM_UI_CLEAR) != 0;
		} else if (ev.kind == EM_EV_MOUSE) {
			em_dview_mouse(v, ev.mouse, ev.x, ev.y);
		} else if (ev.kind == EM_EV_RESIZE) {
			clear = 1;
		}
	}
}

int em_tui_diff_main(int argc, char **argv)
{
	struct em_diff_args a = { NULL, NULL, NULL, EM_DSORT_SELF_CHANGE, 20, EM_DIFF_TEXT,
		EM_DIFF_NORMALISED, NULL };
	struct em_diff_srv srv;
	const char *theme_name = NULL;
	struct em_theme theme;
	struct em_screen scr = { 0, 0, NULL, 0 };
	struct em_dview v;
	em_profile *p[2];
	uint32_t type[2];
	em_error err;
	int utf8, rc, sig;

	if (wants_table(argc, argv))
		return em_cmd_diff.run(argc, argv);
	setlocale(LC_ALL, "");
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	em_diff_srv_init(&srv);
	a.srv = &srv;
	rc = parse(argc, argv, &a, &theme_name);
	if (rc != EM_EXIT_OK)
		return rc;
	if (theme_name != NULL && em_theme_load(&theme, theme_name, &err) < 0 &&
	    em_theme_builtin(&theme, theme_name) < 0) {
		em_cli_error("%s", err.msg);
		return EM_EXIT_USAGE;
	}
	rc = em_cli_diff_open(&a, p, type);
	if (rc != EM_EXIT_OK)
		return rc;
	if (em_dview_init(&v, p[EM_BASE], type[EM_BASE], a.base ? base_name(a.base) :
	    srv.label[EM_BASE], p[EM_NEW], type[EM_NEW], a.nw ? base_name(a.nw) :
	    srv.srv.used ? srv.label[EM_NEW] : "after", &theme, &err) < 0) {
		em_cli_error("%s", err.msg);
		if (p[EM_NEW] != p[EM_BASE])
			em_profile_free(p[EM_NEW]);
		em_profile_free(p[EM_BASE]);
		return EM_EXIT_FAIL;
	}
	if (a.scale == EM_DIFF_ABSOLUTE)
		em_dview_key(&v, 'a');
	v.msg[0] = '\0';
	if (em_term_start(utf8, &err) < 0) {
		em_cli_error("%s", err.msg);
		em_dview_free(&v);
		return EM_EXIT_FAIL;
	}
	if (theme_name == NULL || em_term_depth() == EM_DEPTH_MONO)
		pick_theme(theme_name, &theme);
	em_term_set_theme(&theme);
	v.utf8 = utf8;
	v.mono = em_term_depth() == EM_DEPTH_MONO;
	em_dview_resize(&v, v.w, v.h);
	run(&v, &scr, utf8);
	em_term_stop();
	em_dview_free(&v);
	em_screen_free(&scr);
	sig = em_term_pending_signal();
	if (sig == SIGTERM || sig == SIGHUP) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return sig == SIGINT ? 130 : EM_EXIT_OK;
}

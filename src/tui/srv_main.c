/* srv_main.c - running the server viewer in the terminal: whether the
 * command line asks for it, the settings checked before the terminal is
 * taken over, and the event loop that polls the terminal and the jobs'
 * wake pipe together (tui_main.c does options, themes and the terminal). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/source_opts.h"
#include "srv.h"
#include "term.h"

static int set_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0';
}

int em_srv_wanted(const struct em_srv_args *a)
{
	em_pyro_conf conf;
	em_error err;
	int used;

	if (a->used)
		return 1;
	if (!isatty(STDIN_FILENO))
		return 0; /* a profile is piped in */
	if (set_env("EMBERS_URL") || set_env("PROFILECLI_URL"))
		return 1;
	/* a config.yaml with a default server */
	if (em_pyro_conf_resolve(&conf, a->flags, NULL, NULL, &err) < 0)
		return 0;
	used = conf.server != NULL;
	em_pyro_conf_free(&conf);
	return used;
}

/* "now-1h" .. "now" (or the defaults) is relative: refresh moves it. */
static int64_t relative_ms(const struct em_srv_args *a, int64_t start, int64_t end)
{
	if (a->to != NULL && strcmp(a->to, "now") != 0)
		return 0;
	if (a->from != NULL && strncmp(a->from, "now", 3) != 0)
		return 0;
	return end - start;
}

int em_srv_prepare(struct em_srv *s, const struct em_srv_args *a, struct em_srv_start *st)
{
	em_pyro_conf conf;
	em_error err;

	err.msg[0] = '\0';
	memset(st, 0, sizeof(*st));
	if (em_pyro_conf_resolve(&conf, a->flags, a->server, NULL, &err) < 0) {
		em_cli_error("%s", err.msg);
		return EM_EXIT_USAGE;
	}
	if (em_time_range(a->from, a->to, em_now_ms(), &st->start_ms, &st->end_ms, &err) < 0) {
		em_pyro_conf_free(&conf);
		em_cli_error("%s", err.msg);
		return EM_EXIT_USAGE;
	}
	if (em_srv_init(s, &conf, NULL, &err) < 0) {
		em_pyro_conf_free(&conf);
		em_cli_error("%s", err.msg);
		return EM_EXIT_USAGE;
	}
	em_pyro_conf_free(&conf);
	st->rel_ms = relative_ms(a, st->start_ms, st->end_ms);
	st->ptype = a->profile_type;
	st->selector = a->query;
	st->max_nodes = a->max_nodes > 0 ? a->max_nodes : 0;
	st->call_site = a->call_site;
	st->ncall_site = a->ncall_site;
	return EM_EXIT_OK;
}

static int fit(struct em_screen *scr, int utf8)
{
	int w, h;

	em_term_size(&w, &h);
	scr->utf8 = utf8;
	if (w == scr->w && h == scr->h)
		return 0;
	return em_screen_resize(scr, w, h);
}

int em_srv_session(struct em_srv *s, const struct em_srv_start *st,
    const struct em_theme *th, em_source_opts *src, struct em_screen *scr, int utf8)
{
	struct em_event ev;
	int clear = 1, rc = EM_EXIT_OK;

	s->theme = th;
	s->utf8 = utf8;
	s->mono = em_term_depth() == EM_DEPTH_MONO;
	if (src != NULL)
		em_srv_source_opts(s, src);
	if (fit(scr, utf8) < 0)
		return EM_EXIT_FAIL;
	em_srv_resize(s, scr->w, scr->h);
	em_srv_begin(s, st->ptype, st->selector, st->start_ms, st->end_ms, st->rel_ms,
	    st->max_nodes, st->call_site, st->ncall_site);
	for (;;) {
		int fd, ufd;

		if (fit(scr, utf8) < 0) {
			rc = EM_EXIT_FAIL;
			break;
		}
		if (s->w != scr->w || s->h != scr->h)
			em_srv_resize(s, scr->w, scr->h);
		em_srv_draw(s, scr);
		em_term_blit(scr, clear);
		em_srv_after_draw(s);
		clear = 0;
		/* the jobs' pipe wakes us at once; the details pane's lookup is
		 * seen at the next 100 ms tick when both are running */
		fd = em_srv_wake_fd(s);
		ufd = s->ui != NULL ? em_ui_wait_fd(s->ui) : -1;
		em_term_wake_fd(fd >= 0 ? fd : ufd);
		em_term_event(fd >= 0 || ufd >= 0 ? 100 : -1, &ev);
		em_srv_dispatch(s);
		if (s->ui != NULL)
			em_ui_tick(s->ui);
		em_srv_tick(s);
		if (ev.kind == EM_EV_SIGNAL)
			break;
		if (ev.kind == EM_EV_KEY) {
			int r = em_srv_key(s, ev.key);
			if (r & EM_UI_QUIT)
				break;
			clear = (r & EM_UI_CLEAR) != 0;
		} else if (ev.kind == EM_EV_MOUSE) {
			em_srv_mouse(s, ev.mouse, ev.x, ev.y);
		} else if (ev.kind == EM_EV_RESIZE) {
			clear = 1;
		}
	}
	em_term_wake_fd(-1);
	return rc;
}

/* tui_bench.c - speed of the interactive view on a virtual screen.
 *
 * Drives the real ui (src/tui, no curses) on a cell grid of 200x60:
 *   - time from a key press to the finished screen (em_ui_key + em_ui_draw)
 *     for moving the selection, zooming (and back) and searching (typing
 *     a pattern at the / prompt, which searches as you type); goal: median
 *     <= 2 ms; the sample type switch (t), whose build runs on a thread:
 *     the key's frame and keys while it builds must meet the same goal;
 *   - time to the first frame (read, call tree, top table, layout, draw)
 *     against `embers top` on the same file: in process (read + top build
 *     + sort) and, with --embers, the real command; goal <= 1.5x.
 * Usage: tui_bench [--embers PATH] [--size WxH] [--reps N] [--sample-type T] FILE
 * Never run by `make check` (it needs the large corpus profile). */
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "embers/reader.h"
#include "embers/top.h"
#include "../src/tui/actions.h"
#include "../src/tui/ui.h"

extern char **environ;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stats {
	double *v;
	size_t n, cap;
};

static void add(struct stats *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		double *nv = realloc(s->v, cap * sizeof(*nv));
		if (nv == NULL)
			return;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}

static double pct(struct stats *s, double p)
{
	size_t i;

	if (s->n == 0)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_double);
	i = (size_t)(p * (double)(s->n - 1) + 0.5);
	return s->v[i];
}

static void report_goal(const char *what, struct stats *s, int goal)
{
	printf("%-34s n=%-5zu median %7.3f ms   p90 %7.3f ms   max %7.3f ms %s\n", what, s->n,
	    pct(s, 0.5) * 1e3, pct(s, 0.9) * 1e3, pct(s, 1.0) * 1e3,
	    !goal ? "(no goal)" : pct(s, 0.5) <= 0.002 ? "(ok: <= 2 ms)" : "(SLOW: goal <= 2 ms)");
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void report(const char *what, struct stats *s)
{
	report_goal(what, s, 1);
}

static struct em_theme theme;
static struct em_screen scr;
static const char *type_name; /* --sample-type, NULL = the profile's default */

/* Index of --sample-type in p (exits when the profile lacks it). */
static int bench_type(const em_profile *p)
{
	int t;

	if (type_name == NULL)
		return (int)p->default_type;
	t = em_profile_find_type(p, type_name);
	if (t < 0) {
		fprintf(stderr, "tui_bench: no sample type '%s'\n", type_name);
		exit(2);
	}
	return t;
}

/* One key press to the finished screen. */
static double press(struct em_ui *ui, int key)
{
	double t0 = now();

	em_ui_key(ui, key);
	em_ui_draw(ui, &scr);
	return now() - t0;
}

/* Wait for the sample type build as the event loop does; while it runs,
 * time '?' twice (help on and off) key to frame: the UI must answer. */
static double settle_type(struct em_ui *ui, struct stats *busy, struct stats *swap)
{
	double t0 = now(), t1;

	while (ui->tj != NULL) {
		struct pollfd pfd = { em_ui_wait_fd(ui), POLLIN, 0 };

		if (em_ui_building(ui) && busy != NULL) {
			add(busy, press(ui, '?'));
			add(busy, press(ui, '?'));
		}
		poll(&pfd, 1, 100);
		t1 = now();
		if (em_ui_tick(ui))
			em_ui_draw(ui, &scr);
		if (ui->tj == NULL && swap != NULL)
			add(swap, now() - t1); /* taking the new tree in blocks */
	}
	return now() - t0;
}

/* t: before, the tree and top table were rebuilt inside the key handler
 * (em_ui_set_type, kept for the details pane); now on a thread. */
static void bench_type_switch(struct em_ui *ui, int reps)
{
	struct stats sync = { 0 }, key = { 0 }, busy = { 0 }, done = { 0 }, swap = { 0 };

	for (int r = 0; r < reps; r++) {
		double t0 = now();

		em_ui_set_type(ui, (ui->type + 1) % ui->p->ntypes);
		em_ui_draw(ui, &scr);
		add(&sync, now() - t0);
	}
	for (int r = 0; r < reps; r++) {
		double t0 = now();

		add(&key, press(ui, 't'));
		settle_type(ui, &busy, &swap);
		add(&done, now() - t0);
	}
	report_goal("type switch, in the key (before)", &sync, 0);
	report_goal("type switch t: key->frame (after)", &key, 1);
	report_goal("keys while the type builds", &busy, 1);
	report_goal("type switch t: swap-in frame", &swap, 0);
	report_goal("type switch t: key->new type", &done, 0);
}

static double first_frame(const char *file, int w, int h, struct em_ui *ui)
{
	double t0 = now();
	em_error err;
	em_profile *p = em_read_file(file, NULL, &err);

	if (p == NULL || em_ui_init(ui, p, file, bench_type(p), &theme, &err) < 0) {
		fprintf(stderr, "tui_bench: %s\n", err.msg);
		exit(1);
	}
	em_ui_resize(ui, w, h);
	em_screen_resize(&scr, w, h);
	em_ui_draw(ui, &scr);
	return now() - t0;
}

static double top_in_process(const char *file)
{
	double t0 = now();
	em_error err;
	em_profile *p = em_read_file(file, NULL, &err);
	em_top top;

	if (p == NULL || em_top_build(&top, p, (uint32_t)bench_type(p), &err) < 0) {
		fprintf(stderr, "tui_bench: %s\n", err.msg);
		exit(1);
	}
	em_top_sort(&top, p, EM_SORT_SELF);
	t0 = now() - t0;
	em_top_free(&top);
	em_profile_free(p);
	return t0;
}

static double top_process(const char *embers, const char *file)
{
	char *argv[] = { (char *)embers, "top", "--sample-type", (char *)type_name, (char *)file, NULL };
	posix_spawn_file_actions_t fa;
	double t0 = now();
	pid_t pid;
	int st;

	if (type_name == NULL) { /* no --sample-type: drop it from argv */
		argv[2] = (char *)file;
		argv[3] = NULL;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1 /* O_WRONLY */, 0);
	if (posix_spawn(&pid, embers, &fa, NULL, argv, environ) != 0) {
		perror("tui_bench: posix_spawn");
		exit(1);
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "tui_bench: '%s top' failed\n", embers);
		exit(1);
	}
	return now() - t0;
}

/* Move around: down to a deep frame, across its row, and back up. */
static void bench_moves(struct em_ui *ui, int reps)
{
	static const int walk[] = { 'j', 'j', 'j', 'j', 'j', 'j', 'l', 'l', 'l', 'h', 'j', 'j',
		'l', 'k', 'k', 'h', 'j', 'l', 'l', 'k', 'k', 'k', 'k', 'k', 'k', 'k' };
	struct stats s = { 0 };

	for (int r = 0; r < reps; r++)
		for (size_t i = 0; i < sizeof(walk) / sizeof(walk[0]); i++)
			add(&s, press(ui, walk[i]));
	report("move selection (hjkl)", &s);
}

static void bench_zoom(struct em_ui *ui, int reps)
{
	struct stats in = { 0 }, out = { 0 }, reset = { 0 };

	for (int r = 0; r < reps; r++) {
		press(ui, 'g');
		for (int d = 0; d < 4; d++) {
			press(ui, 'j');
			if (d % 2)
				press(ui, 'l');
			add(&in, press(ui, EM_KEY_ENTER));
		}
		for (int d = 0; d < 3; d++)
			add(&out, press(ui, EM_KEY_BACKSPACE));
		add(&reset, press(ui, EM_KEY_ESC));
	}
	report("zoom in (Enter)", &in);
	report("zoom back (Backspace)", &out);
	report("zoom reset (Esc)", &reset);
}

static void bench_search(struct em_ui *ui, int reps, const char *pattern, const char *label)
{
	struct stats typing = { 0 }, enter = { 0 }, next = { 0 };

	for (int r = 0; r < reps; r++) {
		press(ui, '/');
		for (const char *c = pattern; *c; c++)
			add(&typing, press(ui, (unsigned char)*c));
		add(&enter, press(ui, EM_KEY_ENTER));
		for (int i = 0; i < 5; i++)
			add(&next, press(ui, 'n'));
		press(ui, EM_KEY_ESC);
	}
	{
		char what[96];
		snprintf(what, sizeof(what), "search %s: each key", label);
		report(what, &typing);
		snprintf(what, sizeof(what), "search %s: Enter", label);
		report(what, &enter);
		snprintf(what, sizeof(what), "search %s: n", label);
		report(what, &next);
	}
}

int main(int argc, char **argv)
{
	const char *embers = NULL, *file = NULL;
	int w = 200, h = 60, reps = 20, runs = 5;
	struct stats ff = { 0 }, tp = { 0 }, tproc = { 0 };
	struct em_ui ui;
	double med_ff, med_tp;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--embers") == 0 && i + 1 < argc)
			embers = argv[++i];
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
			char *x;
			w = (int)strtol(argv[++i], &x, 10);
			h = *x == 'x' ? (int)strtol(x + 1, NULL, 10) : 0;
		}
		else if (strcmp(argv[i], "--sample-type") == 0 && i + 1 < argc)
			type_name = argv[++i];
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = (int)strtol(argv[++i], NULL, 10);
		else if (file == NULL)
			file = argv[i];
	}
	if (file == NULL || w < 40 || h < 10 || reps < 1) {
		fprintf(stderr, "usage: tui_bench [--embers PATH] [--size WxH] [--reps N] [--sample-type T] FILE\n");
		return 2;
	}
	em_theme_builtin(&theme, "dark");
	printf("tui_bench: %s at %dx%d\n", file, w, h);

	for (int i = 0; i < runs; i++) {
		add(&tp, top_in_process(file));
		add(&ff, first_frame(file, w, h, &ui));
		if (i + 1 < runs)
			em_ui_free(&ui);
		if (embers != NULL)
			add(&tproc, top_process(embers, file));
	}
	med_ff = pct(&ff, 0.5);
	med_tp = pct(&tp, 0.5);
	printf("tree: %u nodes, %u levels; %u functions; top rows %u\n", ui.tree.n,
	    ui.tree.nlevels, ui.p->nfuncs, ui.top.n);
	printf("first frame (read+tree+top+draw)   median %8.1f ms\n", med_ff * 1e3);
	printf("embers top in process (read+top)   median %8.1f ms   ratio %.2f %s\n",
	    med_tp * 1e3, med_ff / med_tp, med_ff / med_tp <= 1.5 ? "(ok: <= 1.5)" : "(SLOW: goal <= 1.5)");
	if (embers != NULL) {
		double med_proc = pct(&tproc, 0.5);
		printf("'%s top' process       median %8.1f ms   ratio %.2f %s\n", embers,
		    med_proc * 1e3, med_ff / med_proc,
		    med_ff / med_proc <= 1.5 ? "(ok: <= 1.5)" : "(SLOW: goal <= 1.5)");
	}
	free(ff.v);
	free(tp.v);
	free(tproc.v);

	bench_moves(&ui, reps);
	bench_zoom(&ui, reps);
	bench_search(&ui, reps, "runtime", "literal 'runtime'");
	bench_search(&ui, reps, "Handle.*Req", "regex 'Handle.*Req'");
	bench_type_switch(&ui, reps);
	em_ui_free(&ui);
	em_screen_free(&scr);
	return 0;
}

/* test_tui_src.c - the function details pane driven by keys on a virtual
 * screen: its layout (name, file, repository, figures, source line), the
 * gutter figures against `go tool pprof -list` (goworkload profile and
 * its main.go from $TESTDATA/source), the hot-line colours and jumps,
 * scrolling, closing back to where the user was, the "cannot be had"
 * line with the per-line table still there (google/pprof sample.cpu), an
 * invalid .pyroscope.yaml warning, editing repository and ref, and a
 * lookup that hangs: the keys still answer at once and Esc cancels it. */
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "embers/reader.h"
#include "embers/units.h"
#include "tap.h"
#include "../../src/tui/actions.h"
#include "../../src/tui/ui.h"

static struct em_theme theme;
static struct em_screen scr;
static char rows[80][2048];
static char tmp[64];

static const char *data(const char *rel)
{
	static char path[4096];
	const char *d = getenv("TESTDATA");

	snprintf(path, sizeof(path), "%s/%s", d ? d : "../../tests/data", rel);
	return path;
}

static void draw(struct em_ui *ui)
{
	if (scr.w != ui->w || scr.h != ui->h)
		em_screen_resize(&scr, ui->w, ui->h);
	em_ui_draw(ui, &scr);
	for (int y = 0; y < scr.h && y < 80; y++)
		em_screen_row(&scr, y, rows[y], sizeof(rows[y]));
}

static void dump(void)
{
	for (int y = 0; y < scr.h; y++)
		printf("# |%s|\n", rows[y]);
}

static void keys(struct em_ui *ui, const char *k)
{
	for (; *k; k++)
		em_ui_key(ui, *k == '\n' ? EM_KEY_ENTER : (unsigned char)*k);
	draw(ui);
}

static void key(struct em_ui *ui, int k)
{
	em_ui_key(ui, k);
	draw(ui);
}

/* Let a lookup finish the way the event loop does: wait on the fd, tick. */
static void settle(struct em_ui *ui)
{
	for (int i = 0; i < 300 && em_ui_wait_fd(ui) >= 0; i++) {
		struct pollfd p = { em_ui_wait_fd(ui), POLLIN, 0 };
		poll(&p, 1, 100);
		em_ui_tick(ui);
	}
	draw(ui);
}

static int line_with(const char *text)
{
	for (int y = 0; y < scr.h && y < 80; y++)
		if (strstr(rows[y], text) != NULL)
			return y;
	return -1;
}

static const char *row_with(const char *text)
{
	int y = line_with(text);

	return y < 0 ? "" : rows[y];
}

/* The header row with that label (the first column, 12 wide). */
static const char *head(const char *label)
{
	char pat[16];

	snprintf(pat, sizeof(pat), "%-12s", label);
	for (int y = 0; y < scr.h && y < 80; y++)
		if (strncmp(rows[y], pat, 12) == 0)
			return rows[y];
	return "";
}

static int head_y(const char *label)
{
	const char *r = head(label);

	return r[0] ? (int)((r - rows[0]) / (long)sizeof(rows[0])) : -1;
}

static const char *info(void)
{
	return rows[scr.h - 1];
}

#define has(where, text, name) do { \
	if (!ok(strstr((where), (text)) != NULL, "%s", name)) { \
		printf("# wanted '%s' in '%s'\n", text, where); \
		dump(); \
	} \
} while (0)

/* The source row of line n: its gutter figures (self, total). */
static int gutter(int n, char *self, char *total, int *y)
{
	char pat[32];
	long long ln;

	snprintf(pat, sizeof(pat), " %d \u2502", n);
	*y = line_with(pat);
	if (*y < 0)
		return -1;
	self[0] = total[0] = '\0';
	if (sscanf(rows[*y], "%31s %31s %lld", self, total, &ln) == 3 && ln == n)
		return 2;
	return sscanf(rows[*y], "%lld", &ln) == 1 && ln == n ? 0 : -1;
}

static uint16_t style_at(int x, int y)
{
	return em_screen_at(&scr, x, y)->style;
}

static em_profile *load(const char *rel)
{
	em_error err;
	em_profile *p = em_read_file(data(rel), NULL, &err);

	if (p == NULL)
		printf("# %s\n", err.msg);
	return p;
}

static int open_ui(struct em_ui *ui, const char *rel, const char *type, int w, int h)
{
	em_error err;
	em_profile *p = load(rel);
	int t = -1;

	if (p == NULL)
		return -1;
	if (type != NULL)
		t = em_profile_find_type(p, type);
	if (em_ui_init(ui, p, rel, t, &theme, &err) < 0) {
		printf("# %s\n", err.msg);
		em_profile_free(p);
		return -1;
	}
	ui->utf8 = 1;
	em_ui_resize(ui, w, h);
	return 0;
}

/* Settings as the viewer makes them: defaults from a clean environment,
 * then the flags. */
static int settings(struct em_ui *ui, const char *source_dir, const char *repo,
    const char *raw_url, int offline)
{
	em_source_opts o;
	em_error err;

	if (em_source_opts_init(&o, &err) < 0)
		return -1;
	if (em_source_opts_set(&o.source_dir, source_dir) < 0 ||
	    em_source_opts_set(&o.repo, repo) < 0 ||
	    (raw_url && em_source_opts_set(&o.raw_url, raw_url) < 0))
		return -1;
	o.offline = offline;
	return em_ui_source_settings(ui, &o);
}

/* Show function `name` in the table (filtered to it) with the focus there. */
static void table_on(struct em_ui *ui, const char *name)
{
	char re[256];

	snprintf(re, sizeof(re), "^%s$", name);
	em_ui_filter(ui, re);
	if (ui->focus != EM_PANE_TABLE)
		keys(ui, "w");
}

/* `go tool pprof -unit=ns -list 'main.sortWork$'` on goworkload.cpu.pb.gz,
 * as `embers source` prints the figures. */
static const struct {
	int line;
	const char *self, *total;
} sortwork[] = {
	{ 168, ".", "40.0ms" }, { 170, "20.0ms", "2.26s" }, { 172, ".", "370ms" },
	{ 177, ".", "370ms" }, { 178, ".", "160ms" }, { 179, ".", "2.90s" },
};

static void test_layout_and_gutter(void)
{
	struct em_ui ui;
	char self[32], total[32];
	int y, ng = 0;

	if (!ok(open_ui(&ui, "source/goworkload.cpu.pb.gz", NULL, 120, 40) == 0, "open goworkload"))
		return;
	settings(&ui, data("source/goworkload"), NULL, NULL, 1);
	table_on(&ui, "main.sortWork");
	keys(&ui, "d");
	settle(&ui);
	ok(strncmp(rows[0], "main.sortWork ", 14) == 0, "row 0: the function name");
	has(head("file"), "/home/dev/goworkload/main.go", "the file from the profile");
	has(head("repository"), "(none)   ref HEAD", "repository and ref (none set)");
	has(head("repository"), "source dir ", "the source directory");
	has(head("all"), "self 20.0ms (0.09%)   total 6.10s (28.14%)",
	    "self and total of every occurrence (= embers source's flat, cum)");
	has(head("this frame"), "opened from the table", "no single occurrence from the table");
	has(head("source"), "/source/goworkload/main.go", "where the file came from");
	ok(head_y("warning") < 0, "no warning without .pyroscope.yaml");
	has(row_with("line     self    total"), "line     self    total   line", "per-line table header");
	has(row_with(" 170   20.0ms    2.26s"), "177        .    370ms", "per-line table rows");
	has(row_with(" 178        .    160ms"), "179        .    2.90s", "in columns");
	ok(line_with("main.go, 481 lines") > line_with("line     self"), "the source is under the table");

	for (size_t i = 0; i < sizeof(sortwork) / sizeof(sortwork[0]); i++) {
		int r = gutter(sortwork[i].line, self, total, &y);
		if (r == 2 && strcmp(self, sortwork[i].self) == 0 && strcmp(total, sortwork[i].total) == 0)
			ng++;
		else
			printf("# line %d: '%s' '%s', want '%s' '%s'\n", sortwork[i].line, self, total,
			    sortwork[i].self, sortwork[i].total);
	}
	is_int(ng, 6, "gutter figures of the six weighted lines = go tool pprof -list");
	ok(gutter(169, self, total, &y) == 2 && strcmp(self, ".") == 0 && strcmp(total, ".") == 0,
	    "a line of the function without samples: '.' and '.'");
	ok(gutter(160, self, total, &y) == 0, "a line outside the function: no figures");
	has(row_with(" 167 \u2502"), "func sortWork(r *rand.Rand, n int) int {", "the source text");
	has(row_with(" 168 \u2502"), "     orders := make([]Order, n)", "tabs expanded");

	/* opened at the hottest line (most self): 170, with the cursor on it */
	has(info(), "line 170 ", "the cursor starts on the hottest line");
	has(info(), "hot line 2 of 6", "which hot line it is");
	gutter(170, self, total, &y);
	is_int(style_at(0, y), EM_ST_ROW_SEL, "the cursor's gutter is highlighted");
	ok(y > line_with("main.go, 481") + 5 && y < scr.h - 8, "the hottest line is near the middle");
	/* colours by share of the function's total */
	gutter(179, self, total, &y);
	is_int(style_at(40, y), EM_ST_SRC_HOT2, "179 (2.90s of 6.10s): mid heat");
	gutter(172, self, total, &y);
	is_int(style_at(40, y), EM_ST_SRC_HOT1, "172 (370ms): low heat");
	gutter(169, self, total, &y);
	is_int(style_at(40, y), EM_ST_NORMAL, "169 (nothing): not coloured");
	is_int(style_at(0, y), EM_ST_SRC_GUTTER, "its gutter in the gutter colour");
	em_ui_free(&ui);
}

static void test_keys(void)
{
	struct em_ui ui;
	char self[32], total[32];
	int y;

	if (!ok(open_ui(&ui, "source/goworkload.cpu.pb.gz", NULL, 120, 40) == 0, "open goworkload"))
		return;
	settings(&ui, data("source/goworkload"), NULL, NULL, 1);
	table_on(&ui, "main.sortWork");
	keys(&ui, "d");
	settle(&ui);
	keys(&ui, "n");
	has(info(), "line 172 ", "n: the next hot line");
	keys(&ui, "n");
	has(info(), "line 177 ", "n again: 177 (173..176 have no samples)");
	key(&ui, EM_KEY_TAB);
	has(info(), "line 178 ", "Tab: next hot line too");
	keys(&ui, "N");
	has(info(), "line 177 ", "N: the previous one");
	keys(&ui, "NNN");
	has(info(), "line 168 ", "back to the first");
	keys(&ui, "N");
	has(info(), "no hot line above line 168", "none above: said so");
	keys(&ui, "nnnnnn");
	has(info(), "no hot line below line 179", "none below");
	keys(&ui, "H");
	has(info(), "line 170 ", "H: back to the hottest");
	keys(&ui, "jj");
	has(info(), "line 172 ", "j moves one line");
	key(&ui, EM_KEY_UP);
	has(info(), "line 171 ", "Up moves back");
	has(info(), "no samples", "a line without samples says so");
	keys(&ui, "G");
	has(info(), "line 481 ", "G: the last line");
	ok(gutter(481, self, total, &y) == 0 && y == scr.h - 3, "shown on the last source row");
	keys(&ui, "g");
	has(info(), "line 1 ", "g: the first line");
	ok(gutter(1, self, total, &y) == 0 && y == line_with("main.go, 481") + 1, "at the top");
	key(&ui, EM_KEY_PGDN);
	ok(gutter(1, self, total, &y) < 0, "PgDn scrolls the first line away");
	key(&ui, EM_KEY_PGUP);
	ok(gutter(1, self, total, &y) == 0, "PgUp brings it back");
	keys(&ui, "?");
	has(rows[0], "embers keys", "? opens the help over the pane");
	{
		/* page down to the pane's section */
		int section = 0;
		for (int i = 0; i < 8 && line_with("Jump to the next hot line") < 0; i++) {
			section |= line_with("In the function details pane (d):") > 0;
			key(&ui, EM_KEY_PGDN);
		}
		section |= line_with("In the function details pane (d):") > 0;
		ok(section, "with a section for the pane");
		has(row_with("Jump to the next hot line"), "n, Tab", "and its keys");
	}
	key(&ui, EM_KEY_ESC);
	ok(strncmp(rows[0], "main.sortWork", 13) == 0, "Esc closes the help, the pane stays");
	key(&ui, EM_KEY_ESC);
	ok(line_with("main.go, 481") < 0, "Esc closes the pane");
	has(info(), "main.sortWork", "back in the table on the same row");
	has(info(), "row 1 of 1", "with the filter kept");
	/* and again, then q closes too (not quitting) */
	keys(&ui, "d");
	settle(&ui);
	ok(line_with("main.go, 481") > 0, "d opens it again");
	is_int(em_ui_key(&ui, 'q'), 0, "q in the pane does not quit");
	draw(&ui);
	ok(line_with("main.go, 481") < 0, "q closed the pane");
	is_int(em_ui_key(&ui, 'q'), EM_UI_QUIT, "q outside it quits");
	em_ui_free(&ui);
}

static void test_from_flame(void)
{
	struct em_ui ui;
	em_node n;

	if (!ok(open_ui(&ui, "source/goworkload.cpu.pb.gz", NULL, 120, 40) == 0, "open goworkload"))
		return;
	settings(&ui, data("source/goworkload"), NULL, NULL, 1);
	keys(&ui, "d");
	has(info(), "select a function first", "the root has no details");
	ok(line_with("main.go, 481") < 0, "and no pane opens");
	table_on(&ui, "main.sortWork");
	key(&ui, EM_KEY_ENTER); /* show it in the flame graph */
	n = em_ui_sel_node(&ui);
	ok(ui.focus == EM_PANE_FLAME && n != EM_NODE_NONE &&
	    strcmp(em_tree_name(&ui.tree, ui.p, n), "main.sortWork") == 0,
	    "a main.sortWork frame selected in the flame graph");
	keys(&ui, "d");
	settle(&ui);
	if (n != EM_NODE_NONE) {
		char want[128], v1[32], v2[32], p1[32], p2[32];
		int64_t self = em_tree_self(&ui.tree, n), total = ui.tree.total[n];
		snprintf(want, sizeof(want), "self %s (%s)   total %s (%s)",
		    em_fmt_value(v1, sizeof(v1), self, "nanoseconds"),
		    em_fmt_pct(p1, sizeof(p1), self, ui.tree.total[0]),
		    em_fmt_value(v2, sizeof(v2), total, "nanoseconds"),
		    em_fmt_pct(p2, sizeof(p2), total, ui.tree.total[0]));
		has(head("this frame"), want, "this occurrence: the selected frame's self and total");
		ok(total < 6100000000LL, "one of two frames: less than all occurrences (6.10s)");
	}
	has(head("all"), "total 6.10s (28.14%)", "all occurrences stay 6.10s");
	ok(n != EM_NODE_NONE && strstr(head("this frame"), "depth ") != NULL, "and its depth");
	key(&ui, EM_KEY_ESC);
	ok(em_ui_sel_node(&ui) == n && ui.focus == EM_PANE_FLAME,
	    "Esc: back to the flame graph, the same frame selected");
	em_ui_free(&ui);
}

/* google/pprof sample.cpu: file names and lines, no repository. */
static void test_cannot_be_had(void)
{
	struct em_ui ui;

	if (!ok(open_ui(&ui, "corpus/public/google__pprof/sample.cpu", "cpu", 100, 30) == 0,
	    "open sample.cpu"))
		return;
	settings(&ui, NULL, NULL, NULL, 1);
	table_on(&ui, "main.busyLoop");
	keys(&ui, "d");
	settle(&ui);
	has(head("source"), "cannot be had: 'sample.go': no repository to look in",
	    "one line saying why");
	ok(line_with("cannot be had") == head_y("source"), "on the source line");
	ok(line_with("lines \u2500") < 0, "no source shown");
	/* `go tool pprof -list main.busyLoop` on sample.cpu */
	has(row_with("  32        .    130ms"), "  35   50.0ms   50.0ms", "per-line table still shown");
	has(row_with("  32        .    130ms"), "  36   50.0ms    1.42s", "line 36");
	has(row_with("  32        .    130ms"), "  37   50.0ms    160ms", "line 37");
	has(head("all"), "self 150ms (8.52%)   total 1.76s (100.00%)", "all occurrences");
	has(info(), "line 36 ", "the cursor on the hottest line");
	is_int(style_at(line_with("  36   50.0ms") >= 0 ?
	    (int)(strstr(row_with("  36   50.0ms"), "  36   50.0ms") - row_with("  36   50.0ms")) : 0,
	    line_with("  36   50.0ms")), EM_ST_ROW_SEL, "its row highlighted in the table");
	keys(&ui, "j");
	has(info(), "line 37 ", "without the source j walks the table rows");
	keys(&ui, "g");
	has(info(), "line 32 ", "g: the first row");

	/* the user edits the repository and the ref: looked up again */
	keys(&ui, "r");
	has(info(), "repository: ", "r opens the repository prompt");
	keys(&ui, "https://github.com/google/pprof\n");
	settle(&ui);
	has(head("repository"), "https://github.com/google/pprof   ref HEAD", "the new repository shown");
	ok(strstr(head("source"), "cannot be had:") != NULL &&
	    strstr(head("source"), "no repository to look in") == NULL,
	    "looked up again with it (offline: another reason)");
	keys(&ui, "c");
	has(info(), "ref: ", "c opens the ref prompt");
	key(&ui, 21); /* Ctrl-U clears, as in the search prompt */
	keys(&ui, "v0.1\n");
	settle(&ui);
	has(head("repository"), "ref v0.1", "the new ref shown");
	keys(&ui, "c");
	has(info(), "ref: v0.1", "the prompt starts with the current value");
	key(&ui, EM_KEY_ESC);
	has(head("repository"), "ref v0.1", "Esc in the prompt changes nothing");
	ok(line_with("lines \u2500") < 0 && head_y("source") >= 0, "still in the pane");
	keys(&ui, "r");
	key(&ui, 21);
	keys(&ui, "gitlab.com/x\n");
	settle(&ui);
	has(head("source"), "cannot be had: 'gitlab.com/x'", "a bad repository: why, in one line");
	em_ui_free(&ui);
}

static void put_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_invalid_yaml(void)
{
	struct em_ui ui;
	char path[512];
	FILE *in;
	char buf[65536];
	size_t n;

	/* the checkout with a .pyroscope.yaml naming an unknown language */
	in = fopen(data("source/goworkload/main.go"), "rb");
	n = in ? fread(buf, 1, sizeof(buf) - 1, in) : 0;
	if (in)
		fclose(in);
	buf[n] = '\0';
	put_file("main.go", buf);
	put_file(".pyroscope.yaml", "version: v1\nsource_code:\n  mappings:\n"
	    "    - path:\n        - prefix: /home\n      language: cobol\n"
	    "      source:\n        local:\n          path: x\n");
	if (!ok(open_ui(&ui, "source/goworkload.cpu.pb.gz", NULL, 120, 40) == 0, "open goworkload"))
		return;
	settings(&ui, tmp, NULL, NULL, 1);
	table_on(&ui, "main.sortWork");
	keys(&ui, "d");
	settle(&ui);
	has(head("warning"), "'.pyroscope.yaml': mapping[0]: language 'cobol' unsupported",
	    "the invalid .pyroscope.yaml is shown as a warning");
	is_int(style_at(14, head_y("warning")), EM_ST_ERROR, "in the error colour");
	ok(line_with("main.go, 481 lines") > 0, "the file is still found (the mapping is ignored)");
	em_ui_free(&ui);
	snprintf(path, sizeof(path), "%s/main.go", tmp);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.pyroscope.yaml", tmp);
	unlink(path);
}

/* A server that takes the connection and never answers: the lookup hangs
 * until cancelled. */
static int silent_server(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_hanging_lookup(void)
{
	struct em_ui ui;
	char url[64];
	int port = 0, srv = silent_server(&port);
	double t0, slowest = 0;
	char spin1[2048];

	if (!ok(srv >= 0, "a local server that never answers"))
		return;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	if (!ok(open_ui(&ui, "source/goworkload.cpu.pb.gz", NULL, 120, 40) == 0, "open goworkload")) {
		close(srv);
		return;
	}
	settings(&ui, NULL, "https://github.com/acme/shop", url, 0);
	table_on(&ui, "main.sortWork");
	keys(&ui, "d");
	ok(em_ui_wait_fd(&ui) >= 0, "the lookup runs in the background");
	has(head("source"), "looking up /home/dev/goworkload/main.go (Esc cancels)",
	    "the pane says it is looking");
	has(row_with(" 170   20.0ms"), "2.26s", "the per-line table is there meanwhile");
	snprintf(spin1, sizeof(spin1), "%s", head("source"));
	for (int i = 0; i < 5; i++) {
		t0 = now_s();
		em_ui_tick(&ui);
		keys(&ui, "n");
		if (now_s() - t0 > slowest)
			slowest = now_s() - t0;
	}
	ok(slowest < 0.2, "keys answer while it runs (slowest %.1f ms)", slowest * 1000);
	ok(strcmp(spin1, head("source")) != 0, "the spinner moves");
	has(info(), "line 179 ", "and they move the cursor");
	t0 = now_s();
	key(&ui, EM_KEY_ESC);
	has(info(), "lookup cancelled", "Esc cancels the lookup");
	ok(head_y("source") >= 0, "the pane stays open");
	settle(&ui);
	ok(now_s() - t0 < 5, "the lookup ended soon after (%.1f s)", now_s() - t0);
	has(head("source"), "cannot be had: cancelled", "and says so");
	key(&ui, EM_KEY_ESC);
	ok(head_y("source") < 0, "a second Esc closes the pane");

	/* closing while it runs: it is reaped in the background */
	keys(&ui, "d");
	ok(em_ui_wait_fd(&ui) >= 0, "looking again");
	keys(&ui, "q");
	ok(head_y("source") < 0, "q closes at once");
	settle(&ui);
	ok(em_ui_wait_fd(&ui) < 0, "the cancelled lookup was reaped");
	keys(&ui, "d");
	ok(em_ui_wait_fd(&ui) >= 0, "a lookup running when the ui is freed");
	em_ui_free(&ui); /* cancelled and waited for: ASan fails the run on a leak */
	close(srv);
}

/* "self X (p%)   total Y (q%)" of function f in the top table of the ui's
 * sample type: what the pane's "all" line must say. */
static void top_figures(struct em_ui *ui, em_func_id f, char *out, size_t n)
{
	const char *u = em_profile_cstr(ui->p, ui->p->types[ui->type].unit);
	char v1[32], v2[32], p1[32], p2[32];

	out[0] = '\0';
	for (uint32_t i = 0; i < ui->top.n; i++)
		if (ui->top.rows[i].func == f)
			snprintf(out, n, "self %s (%s)   total %s (%s)",
			    ui->top.rows[i].self ? em_fmt_value(v1, sizeof(v1), ui->top.rows[i].self, u) : "0",
			    em_fmt_pct(p1, sizeof(p1), ui->top.rows[i].self, ui->top.total),
			    em_fmt_value(v2, sizeof(v2), ui->top.rows[i].total, u),
			    em_fmt_pct(p2, sizeof(p2), ui->top.rows[i].total, ui->top.total));
}

static void test_sample_types(void)
{
	struct em_ui ui;
	char want[256], before[2048];
	em_func_id f;

	if (!ok(open_ui(&ui, "tui/go-heap.pb.gz", NULL, 120, 40) == 0, "open go-heap"))
		return;
	settings(&ui, NULL, NULL, NULL, 1);
	table_on(&ui, "main.allocChurn");
	f = em_table_func(&ui.table);
	keys(&ui, "d");
	settle(&ui);
	top_figures(&ui, f, want, sizeof(want));
	has(head("all"), want, "inuse_space: the pane's figures = the top table's");
	snprintf(before, sizeof(before), "%s", head("all"));
	keys(&ui, "t");
	has(rows[scr.h - 2], "alloc_objects (count) 1/4", "t in the pane: the next sample type");
	ok(strncmp(rows[0], "main.allocChurn", 15) == 0, "the pane stays on the function");
	top_figures(&ui, f, want, sizeof(want));
	has(head("all"), want, "alloc_objects: the figures follow");
	ok(strcmp(before, head("all")) != 0, "and differ from inuse_space's");
	keys(&ui, "T");
	has(rows[scr.h - 2], "inuse_space (bytes) 4/4", "T: back");
	is_str(head("all"), before, "the same figures again");
	em_ui_free(&ui);
}

static void test_small_screens(void)
{
	struct em_ui ui;
	int sizes[][2] = { { 40, 10 }, { 60, 14 }, { 200, 60 }, { 30, 8 } };

	if (!ok(open_ui(&ui, "source/goworkload.cpu.pb.gz", NULL, 120, 40) == 0, "open goworkload"))
		return;
	settings(&ui, data("source/goworkload"), NULL, NULL, 1);
	table_on(&ui, "main.sortWork");
	keys(&ui, "d");
	settle(&ui);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		em_ui_resize(&ui, sizes[i][0], sizes[i][1]);
		keys(&ui, "nGgNjk");
		key(&ui, EM_KEY_PGDN);
		if (sizes[i][0] < EM_MIN_W)
			has(rows[scr.h / 2 - 1], "terminal too small", "30x8: too small");
		else
			ok(strncmp(rows[0], "main.sortWork", 13) == 0, "%dx%d: the pane draws",
			    sizes[i][0], sizes[i][1]);
	}
	em_ui_resize(&ui, 40, 10);
	draw(&ui);
	has(head("source"), "goworkload/main.go", "40x10: the source line is kept");
	ui.utf8 = 0;
	draw(&ui);
	ok(line_with("|") >= 0 && line_with("\u2502") < 0, "ASCII: no box characters");
	em_ui_free(&ui);
}

int main(void)
{
	const char *tmpdir = getenv("TMPDIR");

	snprintf(tmp, sizeof(tmp), "%s/embers-src-XXXXXX", tmpdir && strlen(tmpdir) < 40 ? tmpdir : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		printf("not ok 1 - mkdtemp\n");
		return 1;
	}
	/* a clean environment: no token, no config, the cache in tmp */
	unsetenv("GITHUB_TOKEN");
	unsetenv("EMBERS_GITHUB_RAW_URL");
	setenv("XDG_CONFIG_HOME", tmp, 1);
	setenv("XDG_CACHE_HOME", tmp, 1);
	em_theme_builtin(&theme, "dark");
	test_layout_and_gutter();
	test_keys();
	test_from_flame();
	test_cannot_be_had();
	test_invalid_yaml();
	test_hanging_lookup();
	test_sample_types();
	test_small_screens();
	em_screen_free(&scr);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmp);
	}
	return done();
}

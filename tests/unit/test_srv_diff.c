/* test_srv_diff.c - the server viewer's diff of two queries (srv_diff.h)
 * without a terminal: the sides' ranges (absolute and relative, each
 * compare preset) with a pinned clock, then the viewer on a virtual screen
 * against tests/server/fake_pyroscope.py (its data anchored at the same
 * pinned time): A and B from a timeline selection and from the whole
 * range, the compare menu's presets and another selector; the requests
 * the server logged carry those ranges and selectors; the diff view's
 * per-function figures equal `embers diff --url ... --format csv` for the
 * same pair; an error on one side is one status line naming it and the
 * viewer goes on; refresh re-anchors relative sides at now; Esc cancels
 * and a newer compare supersedes (against a port that never answers);
 * help, leaving with the query's view intact, a tiny terminal; the view
 * is built on a thread (the spinner says so, Esc drops it). */
#include <arpa/inet.h>
#include <cJSON.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "embers/reader.h"
#include "srv_harness.h"
#include "tap.h"
#include "../../src/tui/actions.h"
#include "../../src/tui/srv.h"
#include "../../src/tui/srv_diff.h"

#define MIN_MS 60000LL
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)
#define NOW 1714564800000LL /* 2024-05-01T12:00:00Z, as tests/server/fakeserver.py */
#define CPU "process_cpu:cpu:nanoseconds:cpu:nanoseconds"
#define CHECKOUT "{service_name=\"checkout\"}"

static struct em_theme theme;
static struct em_screen scr;
static char rows[64][4096];
static int64_t clock_ms = NOW;

static int64_t test_now(void)
{
	return clock_ms;
}

/* --- screen ------------------------------------------------------------------ */

static void draw(struct em_srv *s)
{
	if (scr.w != s->w || scr.h != s->h)
		em_screen_resize(&scr, s->w, s->h);
	em_srv_draw(s, &scr);
	em_srv_after_draw(s); /* as the session loop does */
	for (int y = 0; y < scr.h && y < 64; y++)
		em_screen_row(&scr, y, rows[y], sizeof(rows[y]));
}

static int screen_has(const char *text)
{
	for (int y = 0; y < scr.h && y < 64; y++)
		if (strstr(rows[y], text) != NULL)
			return 1;
	return 0;
}

static const char *bottom(void)
{
	return rows[scr.h - 1];
}

/* Let finished jobs in, then draw. */
static int settle(struct em_srv *s, double secs)
{
	int idle = wait_jobs(s, secs);

	draw(s);
	return idle;
}

/* --- sides, without a server ------------------------------------------------- */

static int side_is(const struct em_srv_side *sd, int64_t now, int64_t from, int64_t to)
{
	int64_t f, t;

	em_srv_side_range(sd, now, &f, &t);
	if (f != from || t != to)
		printf("#   got [%lld, %lld], want [%lld, %lld] (now - %lld min .. now - %lld min)\n",
		    (long long)f, (long long)t, (long long)from, (long long)to,
		    (long long)((now - f) / MIN_MS), (long long)((now - t) / MIN_MS));
	return f == from && t == to;
}

static void test_sides(void)
{
	struct em_srv_side abs = { (char *)CHECKOUT, NOW - 40 * MIN_MS, NOW - 10 * MIN_MS, 0, 0 };
	struct em_srv_side rel = { (char *)CHECKOUT, 0, 0, HOUR_MS, 0 }, b;
	static const struct { const char *how; int64_t back; } presets[] = {
		{ "previous", 0 }, { "24h", DAY_MS }, { "7d", 7 * DAY_MS }
	};
	em_error err;
	char buf[128];
	int x0, x1;

	ok(side_is(&abs, NOW, NOW - 40 * MIN_MS, NOW - 10 * MIN_MS), "an absolute side is its range");
	ok(side_is(&rel, NOW, NOW - HOUR_MS, NOW), "a relative side: the last hour");
	ok(side_is(&rel, NOW + 5 * MIN_MS, NOW - 55 * MIN_MS, NOW + 5 * MIN_MS),
	    "re-anchored at a later now");
	for (size_t i = 0; i < 3; i++) {
		int64_t back;

		back = presets[i].back ? presets[i].back : 30 * MIN_MS;
		ok(em_srv_side_shift(&abs, presets[i].how, NOW, &b, &err) == 0 && b.len_ms == 0 &&
		    side_is(&b, NOW + HOUR_MS, NOW - 40 * MIN_MS - back, NOW - 10 * MIN_MS - back) &&
		    strcmp(b.selector, CHECKOUT) == 0,
		    "%s of an absolute 30 min range: %lld min earlier, absolute, same selector",
		    presets[i].how, (long long)(back / MIN_MS));
		em_srv_side_free(&b);
		back = presets[i].back ? presets[i].back : HOUR_MS;
		ok(em_srv_side_shift(&rel, presets[i].how, NOW, &b, &err) == 0 && b.len_ms == HOUR_MS &&
		    b.back_ms == back && side_is(&b, NOW, NOW - HOUR_MS - back, NOW - back) &&
		    side_is(&b, NOW + 7 * MIN_MS, NOW + 7 * MIN_MS - HOUR_MS - back,
		    NOW + 7 * MIN_MS - back),
		    "%s of the last hour: relative, %lld min back, moves with now", presets[i].how,
		    (long long)(back / MIN_MS));
		em_srv_side_free(&b);
	}
	ok(em_srv_side_shift(&rel, "soon", NOW, &b, &err) < 0 && strstr(err.msg, "'soon'") != NULL,
	    "a bad comparison is refused: %s", err.msg);
	{
		int64_t back;
		ok(em_time_compare_back("0s", NOW - HOUR_MS, NOW, &back, &err) < 0,
		    "a zero shift is refused");
		ok(em_time_compare_back("previous", NOW - HOUR_MS, NOW, &back, &err) == 0 &&
		    back == HOUR_MS, "previous: the range's own length");
	}

	setenv("TZ", "UTC", 1);
	tzset();
	em_srv_span_label(NOW - HOUR_MS, NOW, NOW, 1, buf, sizeof(buf));
	is_str(buf, "11:00\xe2\x80\x93" "12:00", "a range of today: HH:MM-HH:MM with an en dash");
	em_srv_span_label(NOW - DAY_MS - HOUR_MS, NOW - DAY_MS, NOW, 0, buf, sizeof(buf));
	is_str(buf, "04-30 11:00-12:00", "another day is named (ASCII dash without UTF-8)");
	em_srv_span_label(NOW - 13 * HOUR_MS, NOW - 11 * HOUR_MS, NOW, 0, buf, sizeof(buf));
	is_str(buf, "04-30 23:00-05-01 01:00", "across midnight both days are named");
	em_srv_span_label(NOW - HOUR_MS + 1000, NOW, NOW, 0, buf, sizeof(buf));
	is_str(buf, "11:00:01-12:00:00", "seconds when not whole minutes");

	/* the timeline's columns of a range */
	{
		struct em_timeline tl;
		em_tl_init(&tl);
		em_tl_setup(&tl, NOW - HOUR_MS, NOW, 120);
		ok(em_tl_span(&tl, tl.start_ms - tl.step_ms, tl.end_ms, &x0, &x1) && x0 == 0 &&
		    x1 == 120, "the whole pane: every column");
		ok(em_tl_span(&tl, NOW - 2 * HOUR_MS, NOW - HOUR_MS - tl.step_ms, &x0, &x1) == 0,
		    "a range before the pane: none");
		ok(em_tl_span(&tl, NOW + MIN_MS, NOW + HOUR_MS, &x0, &x1) == 0, "after it: none");
		ok(em_tl_span(&tl, NOW - 2 * HOUR_MS, NOW - 30 * MIN_MS, &x0, &x1) && x0 == 0 &&
		    x1 > 55 && x1 < 65, "a range over the left edge: cut at it (%d..%d)", x0, x1);
		em_tl_cols(&tl, 10, &x0, &x1);
		{
			int a0, a1;
			int64_t f, t;
			em_tl_bucket_range(&tl, 10, &f, &t);
			ok(em_tl_span(&tl, f, t, &a0, &a1) && a0 == x0 && a1 == x1,
			    "one bucket's range: that bucket's columns");
		}
		em_tl_free(&tl);
	}
}

/* --- the fake server ------------------------------------------------------------ */

struct fake {
	pid_t pid;
	char url[256];
	char log[256];
};

static int fake_start(struct fake *f)
{
	const char *src = getenv("top_srcdir"), *py = getenv("PYTHON3");
	char script[1024], now[32], line[256];
	int fds[2];
	FILE *out;

	snprintf(script, sizeof(script), "%s/tests/server/fake_pyroscope.py", src ? src : "../..");
	snprintf(f->log, sizeof(f->log), "/tmp/embers-srvdiff-%d.jsonl", (int)getpid());
	snprintf(now, sizeof(now), "%lld", (long long)NOW);
	unlink(f->log);
	if (py == NULL || *py == '\0')
		py = "python3";
	if (pipe(fds) < 0)
		return -1;
	f->pid = fork();
	if (f->pid < 0)
		return -1;
	if (f->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp(py, py, script, "--port", "0", "--now", now, "--log", f->log, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	out = fdopen(fds[0], "r");
	if (out == NULL || fgets(line, sizeof(line), out) == NULL ||
	    strncmp(line, "listening on ", 13) != 0) {
		if (out != NULL)
			fclose(out);
		return -1;
	}
	line[strcspn(line, "\n")] = '\0';
	snprintf(f->url, sizeof(f->url), "%s", line + 13);
	fclose(out); /* the server writes nothing more */
	return 0;
}

static void fake_stop(struct fake *f)
{
	if (f->pid > 0) {
		kill(f->pid, SIGTERM);
		waitpid(f->pid, NULL, 0);
	}
	unlink(f->log);
}

/* A SelectMergeProfile request the server logged. */
struct merge_req {
	char sel[256];
	int64_t start, end;
};

static int64_t json_int(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (cJSON_IsString(v))
		return strtoll(v->valuestring, NULL, 10);
	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : -1;
}

/* The log's SelectMergeProfile requests from line `skip` on; *lines gets
 * the number of lines. */
static size_t merges(const struct fake *f, size_t skip, struct merge_req *out, size_t max,
    size_t *lines)
{
	FILE *in = fopen(f->log, "r");
	char line[16384];
	size_t n = 0, k = 0;

	while (in != NULL && fgets(line, sizeof(line), in) != NULL) {
		cJSON *o, *r;
		if (k++ < skip || (o = cJSON_Parse(line)) == NULL)
			continue;
		r = cJSON_GetObjectItemCaseSensitive(o, "request");
		if (n < max && r != NULL && strcmp(cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(o, "method")), "SelectMergeProfile") == 0) {
			const char *sel = cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(r, "labelSelector"));
			snprintf(out[n].sel, sizeof(out[n].sel), "%s", sel ? sel : "");
			out[n].start = json_int(r, "start");
			out[n].end = json_int(r, "end");
			n++;
		}
		cJSON_Delete(o);
	}
	if (in != NULL)
		fclose(in);
	if (lines != NULL)
		*lines = k;
	return n;
}

static size_t log_lines(const struct fake *f)
{
	size_t n;

	merges(f, (size_t)-1, NULL, 0, &n);
	return n;
}

/* A request for each side since line `skip`, with these ranges and
 * selectors (in either order: the two run at once). */
static int asked_for(const struct fake *f, size_t skip, const char *bsel, int64_t bfrom,
    int64_t bto, const char *nsel, int64_t nfrom, int64_t nto)
{
	struct merge_req m[8];
	size_t n = merges(f, skip, m, 8, NULL);
	int hb = 0, hn = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(m[i].sel, bsel) == 0 && m[i].start == bfrom && m[i].end == bto)
			hb++;
		else if (strcmp(m[i].sel, nsel) == 0 && m[i].start == nfrom && m[i].end == nto)
			hn++;
	}
	if (hb < 1 || hn < 1)
		for (size_t i = 0; i < n; i++)
			printf("#   asked: %s [now - %lld min, now - %lld min]\n", m[i].sel,
			    (long long)((NOW - m[i].start) / MIN_MS),
			    (long long)((NOW - m[i].end) / MIN_MS));
	return hb >= 1 && hn >= 1; /* a refresh asks for the query's own profile too */
}

/* --- `embers diff --url ... --format csv` ------------------------------------ */

struct row {
	char name[512];
	int64_t v[4];  /* base self, base total, new self, new total */
};

/* One RFC 4180 field of line at *p into buf. */
static void csv_field(const char **p, char *buf, size_t n)
{
	size_t k = 0;
	const char *s = *p;

	if (*s == '"') {
		for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
			if (*s == '"')
				s++;
			if (k + 1 < n)
				buf[k++] = *s;
		}
		if (*s == '"')
			s++;
	} else {
		for (; *s && *s != ',' && *s != '\n'; s++)
			if (k + 1 < n)
				buf[k++] = *s;
	}
	buf[k] = '\0';
	*p = *s == ',' ? s + 1 : s;
}

static void iso(char *buf, size_t n, int64_t ms)
{
	em_time_format(buf, n, ms);
}

/* The rows `embers diff` prints for the pair; -1 when it failed. */
static long cli_rows(const char *url, const char *bsel, int64_t bfrom, int64_t bto,
    const char *nsel, int64_t nfrom, int64_t nto, struct row *out, size_t max)
{
	const char *embers = getenv("EMBERS");
	char cmd[4096], a[4][40], line[4096];
	FILE *p;
	long n = 0;

	if (embers == NULL || *embers == '\0')
		return -1;
	iso(a[0], sizeof(a[0]), bfrom);
	iso(a[1], sizeof(a[1]), bto);
	iso(a[2], sizeof(a[2]), nfrom);
	iso(a[3], sizeof(a[3]), nto);
	/* selectors hold double quotes only: single-quote them for the shell */
	snprintf(cmd, sizeof(cmd), "env -u EMBERS_URL -u PROFILECLI_URL XDG_CONFIG_HOME=/nonexistent "
	    "'%s' diff --url '%s' --profile-type %s --query '%s' --from %s --to %s "
	    "--base-query '%s' --base-from %s --base-to %s --format csv --limit 0", embers, url,
	    CPU, nsel, a[2], a[3], bsel, a[0], a[1]);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), p) == NULL ||
	    strcmp(line, "function,base_self,base_total,new_self,new_total\n") != 0)
		n = -1;
	while (n >= 0 && (size_t)n < max && fgets(line, sizeof(line), p) != NULL) {
		const char *s = line;
		char f[64];
		csv_field(&s, out[n].name, sizeof(out[n].name));
		for (int i = 0; i < 4; i++) {
			csv_field(&s, f, sizeof(f));
			out[n].v[i] = strtoll(f, NULL, 10);
		}
		n++;
	}
	if (pclose(p) != 0)
		n = -1;
	return n;
}

/* The shown diff's table against `embers diff` for the same pair: every
 * function with figures on either side, equal. */
static int same_as_cli(struct em_srv *s, const char *url, const char *bsel, int64_t bfrom,
    int64_t bto, const char *nsel, int64_t nfrom, int64_t nto)
{
	static struct row want[4096];
	const struct em_dview *v = s->diff ? s->diff->view : NULL;
	long n = cli_rows(url, bsel, bfrom, bto, nsel, nfrom, nto, want, 4096);
	size_t have = 0, bad = 0;

	if (v == NULL || n <= 0) {
		printf("#   %s\n", v == NULL ? "no diff view" : "embers diff failed (is $EMBERS set?)");
		return 0;
	}
	for (uint32_t i = 0; i < v->dt.n; i++) {
		const em_diff_row *r = &v->dt.rows[i];
		const char *name = em_func_name(v->dt.names, r->func);
		int64_t got[4] = { r->self[EM_BASE], r->total[EM_BASE], r->self[EM_NEW],
			r->total[EM_NEW] };
		long k;

		if (!got[0] && !got[1] && !got[2] && !got[3])
			continue;
		have++;
		for (k = 0; k < n && strcmp(want[k].name, name) != 0; k++)
			;
		if (k == n || memcmp(want[k].v, got, sizeof(got)) != 0) {
			if (bad++ < 5)
				printf("#   %s: view %lld %lld %lld %lld, embers diff %s\n", name,
				    (long long)got[0], (long long)got[1], (long long)got[2],
				    (long long)got[3], k == n ? "has no row" : "differs");
		}
	}
	if (have != (size_t)n)
		printf("#   %zu rows in the view, %ld from embers diff\n", have, n);
	return bad == 0 && have == (size_t)n;
}

/* --- the viewer ------------------------------------------------------------------ */

static int start_srv(struct em_srv *s, const char *url)
{
	em_pyro_conf conf;
	em_error err;

	em_pyro_conf_init(&conf);
	if (em_pyro_conf_set(&conf, EM_PK_URL, url, &err) < 0 ||
	    em_pyro_conf_set(&conf, EM_PK_CONNECT_TIMEOUT, "5", &err) < 0 ||
	    em_srv_init(s, &conf, &theme, &err) < 0) {
		printf("# %s\n", err.msg);
		em_pyro_conf_free(&conf);
		return -1;
	}
	em_pyro_conf_free(&conf);
	s->now_ms = test_now;
	em_srv_resize(s, 120, 40);
	return 0;
}

/* The query's view of checkout over the last hour, fully loaded. */
static int open_checkout(struct em_srv *s, const char *url)
{
	clock_ms = NOW;
	if (start_srv(s, url) < 0)
		return -1;
	em_srv_begin(s, CPU, CHECKOUT, NOW - HOUR_MS, NOW, HOUR_MS, 0, NULL, 0);
	settle(s, 30);
	settle(s, 30); /* the timeline and the full profile follow the first one */
	return s->ui != NULL && s->tl.have_data ? 0 : -1;
}

static const char *axis(const struct em_srv *s)
{
	return rows[s->tl_y + s->tl_h - 1];
}

static void test_marks(const struct fake *f)
{
	struct em_srv s;
	size_t mark0;
	int64_t from, to, step;
	int x0, x1;

	if (!ok(open_checkout(&s, f->url) == 0, "the view of checkout's last hour"))
		return;
	/* A: the whole range, relative as the query is */
	keys(&s, "A");
	ok(s.diff != NULL && s.diff->side[EM_BASE].len_ms == HOUR_MS &&
	    s.diff->side[EM_BASE].back_ms == 0 &&
	    strcmp(s.diff->side[EM_BASE].selector, CHECKOUT) == 0,
	    "A without a mark: the whole range, the last hour (relative), the selector");
	ok(strstr(bottom(), "A (baseline): {service_name=\"checkout\"} 11:00\xe2\x80\x93" "12:00") ==
	    bottom() + 0 && strstr(bottom(), "mark B") != NULL, "the status says what and what next: %s",
	    bottom());
	ok(!em_srv_busy(&s), "one side: nothing is fetched yet");
	em_tl_span(&s.tl, NOW - HOUR_MS, NOW, &x0, &x1);
	ok(x0 <= 1 && axis(&s)[x0] == 'A', "the axis marks A where its range starts (column %d): "
	    "%.40s", x0, axis(&s));
	ok(em_screen_at(&scr, 50, s.tl_y + s.tl_h - 1)->style == EM_ST_AGG,
	    "and styles the axis under its buckets");

	/* B: a marked selection of the timeline */
	step = s.tl.step_ms;
	s.tl.cursor = 100;
	keys(&s, "[<<<<<<<<<");
	em_tl_selection(&s.tl, &from, &to);
	ok(from == s.tl.start_ms + 90 * step && to == s.tl.start_ms + 100 * step,
	    "[ and 9 x <: buckets 91..100 selected");
	mark0 = log_lines(f);
	keys(&s, "B");
	ok(s.diff->side[EM_NEW].len_ms == 0 && s.diff->side[EM_NEW].from_ms == from &&
	    s.diff->side[EM_NEW].to_ms == to, "B: the marked range, absolute");
	is_int(s.tl.mark, -1, "the mark is used up: the next [ starts afresh");
	ok(em_srv_busy(&s) && s.active[EM_CH_DIFF_BASE].job != NULL &&
	    s.active[EM_CH_DIFF_NEW].job != NULL, "both set: both sides are fetched, each on its channel");
	ok(strstr(rows[0], "fetching A and B") != NULL, "the header spins: %s", rows[0]);
	settle(&s, 30);
	ok(asked_for(f, mark0, CHECKOUT, NOW - HOUR_MS, NOW, CHECKOUT, from, to),
	    "the server was asked for A's and B's range and selector (SelectMergeProfile)");
	ok(em_srv_diff_shown(&s), "the diff view opens");
	{
		const char *want = " diff  A: {service_name=\"checkout\"} 11:00\xe2\x80\x93" "12:00  vs  "
		    "B: {service_name=\"checkout\"} ";
		ok(strncmp(rows[0], want, strlen(want)) == 0, "the header names both queries: %s",
		    rows[0]);
	}
	ok(screen_has("grew") && screen_has("shrank") && screen_has("base self"),
	    "the legend and the diff table");
	ok(same_as_cli(&s, f->url, CHECKOUT, NOW - HOUR_MS, NOW, CHECKOUT, from, to),
	    "its figures are those of embers diff --url for the same pair");
	em_tl_span(&s.tl, from, to, &x0, &x1);
	ok(axis(&s)[x0] == 'B', "B on the axis where its range starts (column %d)", x0);

	/* the view's keys, help, and back */
	keys(&s, "v");
	ok(screen_has("> new: B {service_name=\"checkout\"} ") && screen_has("base: A ") &&
	    screen_has("| total "), "v: side by side, each titled with query, range and total");
	keys(&s, "v?");
	ok(screen_has("q or Esc: back to the query"), "? shows the keys and how to get back");
	keys(&s, "q");
	ok(em_srv_diff_shown(&s) && !s.diff->view->help, "q closes the help, not the diff");
	keys(&s, "jj\n");
	ok(s.diff->view->fp.nzoom == 1, "Enter zooms the diff flame graph");
	key(&s, EM_KEY_ESC);
	ok(em_srv_diff_shown(&s) && s.diff->view->fp.nzoom == 0, "Esc first resets the zoom");
	em_srv_resize(&s, 30, 8);
	draw(&s);
	keys(&s, "jkv");
	em_srv_resize(&s, 44, 12);
	draw(&s);
	keys(&s, "v");
	ok(screen_has("diff") || screen_has("too small"), "tiny terminals: no crash");
	em_srv_resize(&s, 120, 40);
	draw(&s);
	key(&s, EM_KEY_ESC);
	ok(!em_srv_diff_shown(&s) && s.ui != NULL && strstr(rows[0], "last 1h") != NULL,
	    "Esc with nothing to reset: back to the query's own view: %s", rows[0]);
	ok(s.diff->side[EM_BASE].selector != NULL && s.diff->side[EM_NEW].selector != NULL,
	    "A and B stay marked");
	keys(&s, "q");
	em_srv_free(&s);
}

/* One preset of the menu: the sides it sets, what is asked, the view. */
static void preset(struct em_srv *s, const struct fake *f, const char *typed, int64_t bfrom,
    int64_t bto, int64_t nfrom, int64_t nto, int check_cli, const char *name)
{
	size_t mark0 = log_lines(f);
	int64_t bf, bt, nf, nt;

	keys(s, "c");
	ok(s->modal == EM_MODAL_COMPARE && screen_has("this range vs the one before it") &&
	    screen_has("this range vs 24 h earlier") && screen_has("this range vs a week earlier") &&
	    screen_has("this range with another selector"), "%s: c opens the compare menu", name);
	keys(s, typed);
	keys(s, "\n");
	em_srv_side_range(&s->diff->side[EM_BASE], clock_ms, &bf, &bt);
	em_srv_side_range(&s->diff->side[EM_NEW], clock_ms, &nf, &nt);
	ok(bf == bfrom && bt == bto && nf == nfrom && nt == nto,
	    "%s: A [now - %lld, now - %lld] min, B [now - %lld, now - %lld] min", name,
	    (long long)((clock_ms - bf) / MIN_MS), (long long)((clock_ms - bt) / MIN_MS),
	    (long long)((clock_ms - nf) / MIN_MS), (long long)((clock_ms - nt) / MIN_MS));
	settle(s, 30);
	ok(asked_for(f, mark0, s->selector, bfrom, bto, s->selector, nfrom, nto),
	    "%s: those ranges were asked for", name);
	ok(em_srv_diff_shown(s), "%s: the diff is shown", name);
	if (check_cli)
		ok(same_as_cli(s, f->url, s->selector, bfrom, bto, s->selector, nfrom, nto),
		    "%s: the figures equal embers diff's", name);
}

static void test_presets(const struct fake *f)
{
	struct em_srv s;
	size_t mark0;

	if (!ok(open_checkout(&s, f->url) == 0, "the view of checkout's last hour"))
		return;
	/* relative: stays relative */
	preset(&s, f, "before", NOW - 2 * HOUR_MS, NOW - HOUR_MS, NOW - HOUR_MS, NOW, 1,
	    "the last hour vs the hour before");
	ok(s.diff->side[EM_BASE].len_ms == HOUR_MS && s.diff->side[EM_BASE].back_ms == HOUR_MS &&
	    s.diff->side[EM_NEW].len_ms == HOUR_MS && s.diff->side[EM_NEW].back_ms == 0,
	    "both sides stay relative");
	keys(&s, "q");
	preset(&s, f, "24", NOW - DAY_MS - HOUR_MS, NOW - DAY_MS, NOW - HOUR_MS, NOW, 0,
	    "now vs 24 h ago");
	ok(strstr(bottom(), "A (baseline) has no process_cpu") == bottom(),
	    "no data a day before: said, no error: %s", bottom());
	keys(&s, "q");
	preset(&s, f, "week", NOW - 7 * DAY_MS - HOUR_MS, NOW - 7 * DAY_MS, NOW - HOUR_MS, NOW, 0,
	    "now vs a week ago");
	keys(&s, "q");
	/* refresh in the diff re-anchors both at now */
	preset(&s, f, "before", NOW - 2 * HOUR_MS, NOW - HOUR_MS, NOW - HOUR_MS, NOW, 0,
	    "again the hour before");
	clock_ms = NOW + 5 * MIN_MS;
	mark0 = log_lines(f);
	keys(&s, "r");
	settle(&s, 30);
	ok(asked_for(f, mark0, CHECKOUT, NOW + 5 * MIN_MS - 2 * HOUR_MS, NOW + 5 * MIN_MS - HOUR_MS,
	    CHECKOUT, NOW + 5 * MIN_MS - HOUR_MS, NOW + 5 * MIN_MS),
	    "r in the diff: both sides fetched again, re-anchored at now");
	ok(em_srv_diff_shown(&s) && s.start_ms == NOW + 5 * MIN_MS - HOUR_MS,
	    "the diff and the query's own range moved to now");
	keys(&s, "q");
	clock_ms = NOW;

	/* absolute: a range 40..10 minutes ago */
	em_srv_set_range(&s, NOW - 40 * MIN_MS, NOW - 10 * MIN_MS, 0);
	em_srv_reload(&s);
	settle(&s, 30);
	preset(&s, f, "before", NOW - 70 * MIN_MS, NOW - 40 * MIN_MS, NOW - 40 * MIN_MS,
	    NOW - 10 * MIN_MS, 1, "an absolute range vs the one before");
	ok(s.diff->side[EM_BASE].len_ms == 0 && s.diff->side[EM_NEW].len_ms == 0,
	    "absolute sides stay absolute");
	keys(&s, "q");
	preset(&s, f, "24", NOW - DAY_MS - 40 * MIN_MS, NOW - DAY_MS - 10 * MIN_MS,
	    NOW - 40 * MIN_MS, NOW - 10 * MIN_MS, 0, "an absolute range vs 24 h earlier");
	keys(&s, "q");
	preset(&s, f, "week", NOW - 7 * DAY_MS - 40 * MIN_MS, NOW - 7 * DAY_MS - 10 * MIN_MS,
	    NOW - 40 * MIN_MS, NOW - 10 * MIN_MS, 0, "an absolute range vs a week earlier");
	keys(&s, "q");
	/* the marked A vs B: the last pair again */
	mark0 = log_lines(f);
	keys(&s, "c");
	ok(screen_has("the marked A vs B"), "the menu offers the marked A vs B");
	keys(&s, "marked\n");
	settle(&s, 30);
	ok(asked_for(f, mark0, CHECKOUT, NOW - 7 * DAY_MS - 40 * MIN_MS, NOW - 7 * DAY_MS - 10 * MIN_MS,
	    CHECKOUT, NOW - 40 * MIN_MS, NOW - 10 * MIN_MS) && em_srv_diff_shown(&s),
	    "the marked A vs B: fetched and shown");
	keys(&s, "q");
	em_srv_free(&s);
}

static void test_selectors(const struct fake *f)
{
	struct em_srv s;
	size_t mark0;
	em_node zoom;
	em_error err;
	const char *prod = "{env=\"prod\"}", *dev = "{env=\"dev\"}";

	if (!ok(open_checkout(&s, f->url) == 0, "the view of checkout's last hour"))
		return;
	em_srv_set_selector(&s, prod, &err);
	em_srv_reload(&s);
	settle(&s, 30);
	settle(&s, 30);
	keys(&s, "j\n");
	zoom = s.ui->zoom_node;
	ok(zoom != 0, "the query's view zoomed in");
	mark0 = log_lines(f);
	keys(&s, "c");
	keys(&s, "selector\n");
	ok(s.modal == EM_MODAL_COMPARE_SEL && strstr(bottom(), "baseline selector: {env=\"prod\"}") ==
	    bottom(), "another selector: a line editor with the current one: %s", bottom());
	key(&s, 21); /* Ctrl-U */
	keys(&s, "{env=\"dev\"");
	keys(&s, "\n");
	ok(s.modal == EM_MODAL_COMPARE_SEL && strstr(bottom(), "expected") != NULL,
	    "a broken selector stays in the editor with why: %s", bottom());
	keys(&s, "}\n");
	ok(s.modal == EM_MODAL_NONE && strcmp(s.diff->side[EM_BASE].selector, dev) == 0 &&
	    strcmp(s.diff->side[EM_NEW].selector, prod) == 0, "the typed one is the baseline");
	settle(&s, 30);
	ok(asked_for(f, mark0, dev, NOW - HOUR_MS, NOW, prod, NOW - HOUR_MS, NOW),
	    "env=\"dev\" and env=\"prod\" over the same range were asked for");
	ok(same_as_cli(&s, f->url, dev, NOW - HOUR_MS, NOW, prod, NOW - HOUR_MS, NOW),
	    "env=dev vs env=prod: the figures equal embers diff's");
	ok(screen_has("[+]") || screen_has("[-]"), "functions of one side only are marked");

	/* one side failing: a regex the server refuses, in the baseline only */
	keys(&s, "c");
	keys(&s, "selector\n");
	key(&s, 21);
	keys(&s, "{env=~\"(\"}\n");
	settle(&s, 30);
	ok(strncmp(bottom(), "baseline: ", 10) == 0 && strstr(bottom(), "regular expression") != NULL,
	    "an error on one side: one line naming it: %s", bottom());
	ok(!em_srv_busy(&s) && s.active[EM_CH_DIFF_NEW].job == NULL,
	    "the other side is not waited for");
	ok(em_srv_diff_shown(&s) && strstr(rows[0], "A: {env=\"dev\"}") != NULL,
	    "the last diff stays on screen");
	keys(&s, "v");
	ok(s.diff->view->compare && screen_has("> new: B {env=\"prod\"}"), "and its keys work");
	keys(&s, "q");
	ok(!em_srv_diff_shown(&s) && s.ui != NULL && s.ui->zoom_node == zoom &&
	    strstr(rows[0], "{env=\"prod\"}") != NULL,
	    "q: back to the query's view, its zoom intact");
	/* the same query on both sides is refused */
	keys(&s, "c");
	keys(&s, "selector\n\n");
	ok(strstr(bottom(), "A and B are the same query") != NULL, "the same query twice: %s",
	    bottom());
	em_srv_free(&s);
}

/* A port that accepts connections but never answers. */
static void test_cancel(void)
{
	struct em_srv s;
	char url[64];
	int fd, port = silent_port(&fd);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	if (!ok(port > 0 && start_srv(&s, url) == 0, "a viewer on a silent port"))
		return;
	em_srv_begin(&s, CPU, CHECKOUT, NOW - HOUR_MS, NOW, HOUR_MS, 0, NULL, 0);
	em_srv_cancel(&s);
	settle(&s, 10);
	keys(&s, "A");
	ok(!em_srv_busy(&s), "A alone fetches nothing");
	keys(&s, "c");
	keys(&s, "before\n");
	ok(s.active[EM_CH_DIFF_BASE].job != NULL && s.active[EM_CH_DIFF_NEW].job != NULL,
	    "a compare: both sides in flight");
	keys(&s, "c");
	keys(&s, "24\n");
	ok(s.nzombies == 2 && s.active[EM_CH_DIFF_BASE].job != NULL,
	    "a newer compare supersedes the older (%zu cancelled)", s.nzombies);
	ok(strstr(rows[0], "fetching A and B") != NULL && strstr(rows[0], "Esc cancels") != NULL,
	    "the spinner says so: %s", rows[0]);
	key(&s, EM_KEY_ESC);
	ok(!em_srv_busy(&s) && strstr(bottom(), "diff request cancelled") != NULL,
	    "Esc cancels both: %s", bottom());
	ok(settle(&s, 10) && s.nzombies == 0, "every job reaped");
	ok(!em_srv_diff_shown(&s) && s.diff->got[0] == NULL && s.diff->got[1] == NULL,
	    "nothing half-arrived is kept");
	em_srv_free(&s);
	close(fd);
}

static em_profile *read_data(const char *name)
{
	const char *data = getenv("TESTDATA");
	char path[4096];
	em_error err;
	em_profile *p;

	snprintf(path, sizeof(path), "%s/corpus/public/parca-dev__parca/%s",
	    data ? data : "tests/data", name);
	p = em_read_file(path, NULL, &err);
	if (p == NULL)
		printf("# %s\n", err.msg);
	return p;
}

/* Both sides arrive (as em_srv_dispatch hands them over): the view is
 * built off the main thread, Esc drops it, and a later pair is shown. */
static void test_build(void)
{
	struct em_srv s;
	char url[64];
	int fd, port = silent_port(&fd);
	double secs;
	int64_t sum[2];
	const char *busy;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	if (!ok(port > 0 && start_srv(&s, url) == 0, "build: a viewer on a silent port"))
		return;
	em_srv_begin(&s, CPU, CHECKOUT, NOW - HOUR_MS, NOW, HOUR_MS, 0, NULL, 0);
	em_srv_cancel(&s);
	settle(&s, 10);
	keys(&s, "c");
	keys(&s, "before\n");
	em_srv_drop(&s, EM_CH_DIFF_BASE); /* the replies come from files instead */
	em_srv_drop(&s, EM_CH_DIFF_NEW);
	settle(&s, 10);
	em_srv_diff_got(&s, EM_REQ_DIFF_BASE, read_data("fib.pb.gz"));
	ok(!em_srv_diff_building(&s), "one side is no diff yet");
	em_srv_diff_got(&s, EM_REQ_DIFF_NEW, read_data("fib.pb.gz"));
	busy = em_srv_busy_label(&s, &secs);
	ok(em_srv_diff_building(&s) && em_srv_busy(&s) && !em_srv_diff_shown(&s) && busy &&
	    strcmp(busy, "comparing A and B") == 0,
	    "both in: the view is built on a thread, the spinner says %s", busy ? busy : "-");
	key(&s, EM_KEY_ESC);
	ok(!em_srv_diff_building(&s) && !em_srv_busy(&s) && strstr(bottom(), "diff cancelled"),
	    "Esc drops the build: %s", bottom());
	ok(settle(&s, 10) && s.diff->nstale == 0 && !em_srv_diff_shown(&s),
	    "the dropped build ends, is freed and never shown");
	em_srv_diff_got(&s, EM_REQ_DIFF_BASE, read_data("fib.pb.gz"));
	em_srv_diff_got(&s, EM_REQ_DIFF_NEW, read_data("profile.pb.gz"));
	ok(settle(&s, 10) && em_srv_diff_shown(&s), "a later pair is built and shown");
	if (em_srv_diff_shown(&s)) {
		em_profile *p = read_data("profile.pb.gz");
		em_error err;

		em_profile_total(p, p->default_type, &sum[EM_NEW], &err);
		em_profile_free(p);
		p = read_data("fib.pb.gz");
		em_profile_total(p, p->default_type, &sum[EM_BASE], &err);
		em_profile_free(p);
		ok(s.diff->view->d.sum[EM_BASE] == sum[EM_BASE] &&
		    s.diff->view->d.sum[EM_NEW] == sum[EM_NEW],
		    "its totals are the two profiles' (%lld, %lld)",
		    (long long)s.diff->view->d.sum[EM_BASE], (long long)s.diff->view->d.sum[EM_NEW]);
	}
	em_srv_diff_got(&s, EM_REQ_DIFF_BASE, read_data("fib.pb.gz"));
	em_srv_diff_got(&s, EM_REQ_DIFF_NEW, read_data("fib.pb.gz"));
	/* a build in flight at exit is waited for: ASan fails the run on a leak */
	em_srv_free(&s);
	close(fd);
}

int main(void)
{
	struct fake f = { 0, "", "" };

	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	setenv("TZ", "UTC", 1);
	tzset();
	em_theme_builtin(&theme, "dark");
	test_sides();
	test_cancel();
	test_build();
	if (ok(fake_start(&f) == 0, "the fake server started: %s", f.url)) {
		test_marks(&f);
		test_presets(&f);
		test_selectors(&f);
	}
	fake_stop(&f);
	em_screen_free(&scr);
	return done();
}

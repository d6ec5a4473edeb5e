/* test_srv_tui.c - the server viewer without a terminal: label selectors
 * (parsing, editing, escaping), the timeline's buckets, ticks, cursor and
 * marked range, the line editor, the picker, and the viewer itself on a
 * virtual screen: picking a service, the spinner and Esc cancelling real
 * requests (to a socket that never answers), a newer request superseding
 * an older one, replies changing the view, presets, zooming into a marked
 * range, the label filter editor, the selector line and re-querying a
 * truncated call site. Replies are canned: em_srv_got_* is what a
 * finished request calls. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "embers/reader.h"
#include "srv_harness.h"
#include "tap.h"
#include "../../src/tui/actions.h"
#include "../../src/tui/lineedit.h"
#include "../../src/tui/picker.h"
#include "../../src/tui/selector.h"
#include "../../src/tui/srv.h"
#include "../../src/tui/timeline.h"

#define MIN_MS 60000LL
#define HOUR_MS (60 * MIN_MS)
/* 2024-05-01T10:00:00Z */
#define T10 1714557600000LL

static struct em_theme theme;
static struct em_screen scr;
static char rows[64][4096];

/* --- helpers ---------------------------------------------------------------- */

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void dump(const struct em_screen *s)
{
	for (int y = 0; y < s->h && y < 64; y++)
		em_screen_row(s, y, rows[y], sizeof(rows[y]));
}

static int screen_has(const char *text)
{
	for (int y = 0; y < scr.h && y < 64; y++)
		if (strstr(rows[y], text) != NULL)
			return 1;
	return 0;
}

static int line_with(const char *text)
{
	for (int y = 0; y < scr.h && y < 64; y++)
		if (strstr(rows[y], text) != NULL)
			return y;
	return -1;
}

__attribute__((unused)) static void show_screen(void)
{
	for (int y = 0; y < scr.h && y < 64; y++)
		printf("#   |%s|\n", rows[y]);
}

/* --- selectors -------------------------------------------------------------- */

static char *fmt(const char *text)
{
	struct em_selector s;
	em_error err;
	char *r;

	em_sel_init(&s);
	if (em_sel_parse(&s, text, &err) < 0) {
		printf("#   parse error: %s\n", err.msg);
		return NULL;
	}
	r = em_sel_format(&s);
	em_sel_free(&s);
	return r;
}

static void test_selector(void)
{
	struct em_selector s;
	em_error err;
	char *r, q[64];

	r = fmt("");
	is_str(r, "{}", "empty text is {}");
	free(r);
	r = fmt(" { } ");
	is_str(r, "{}", "{} with spaces");
	free(r);
	r = fmt("{service_name=\"api\",env!=\"dev\", region=~\"eu-.*\" ,pod!~'x\\'y',}");
	is_str(r, "{service_name=\"api\", env!=\"dev\", region=~\"eu-.*\", pod!~\"x'y\"}",
	    "four operators, single quotes and a trailing comma");
	free(r);
	r = fmt("{a=\"say \\\"hi\\\" \\\\ \\n\\x41\\u00e9\"}");
	is_str(r, "{a=\"say \\\"hi\\\" \\\\ \\nA\xc3\xa9\"}", "escapes decoded and printed back");
	free(r);
	r = fmt("{a=`raw \\n`}");
	is_str(r, "{a=\"raw \\\\n\"}", "backquoted strings are raw");
	free(r);
	r = fmt("{service.name=\"x\", \"k8s.pod\"=\"p\"}");
	is_str(r, "{\"service.name\"=\"x\", \"k8s.pod\"=\"p\"}",
	    "names outside the legacy charset are quoted");
	free(r);
	r = fmt("process_cpu{a=\"b\"}");
	is_str(r, "{__name__=\"process_cpu\", a=\"b\"}", "a metric name becomes __name__");
	free(r);

	em_sel_init(&s);
	ok(em_sel_parse(&s, "{a=\"b\"", &err) < 0 && strstr(err.msg, "expected ','") != NULL,
	    "unterminated selector: %s", err.msg);
	ok(em_sel_parse(&s, "{a==\"b\"}", &err) < 0 && strstr(err.msg, "column 4") != NULL,
	    "bad operator names the column: %s", err.msg);
	ok(em_sel_parse(&s, "{a=\"b} x", &err) < 0 && strstr(err.msg, "unterminated") != NULL,
	    "unterminated string: %s", err.msg);
	ok(em_sel_parse(&s, "{a=\"b\"} x", &err) < 0, "text after '}' is an error");
	ok(em_sel_parse(&s, "{a=\"\\q\"}", &err) < 0, "an unknown escape is an error");
	ok(em_sel_parse(&s, "{a=\"\\x00\"}", &err) < 0, "a NUL escape is an error");
	ok(em_sel_parse(&s, "{a=b}", &err) < 0, "an unquoted value is an error");

	ok(em_sel_parse(&s, "{service_name=\"api\", env=\"dev\"}", &err) == 0, "parse");
	em_sel_set(&s, "env", EM_OP_EQ, "prod");
	em_sel_set(&s, "env", EM_OP_NE, "canary");
	em_sel_set(&s, "region", EM_OP_RE, "eu\"1\\");
	r = em_sel_format(&s);
	is_str(r, "{service_name=\"api\", env=\"prod\", env!=\"canary\", region=~\"eu\\\"1\\\\\"}",
	    "set replaces the same name and operator, appends others; quotes escaped");
	free(r);
	is_str(em_sel_get(&s, "env", EM_OP_NE), "canary", "get by name and operator");
	is_int(em_sel_remove(&s, "env"), 2, "remove drops every matcher of the name");
	r = em_sel_format(&s);
	is_str(r, "{service_name=\"api\", region=~\"eu\\\"1\\\\\"}", "after remove");
	free(r);
	em_sel_free(&s);

	r = em_sel_with("{service_name=\"api\"}", "msg", EM_OP_EQ, "tab\there\nnl\x01", &err);
	is_str(r, "{service_name=\"api\", msg=\"tab\\there\\nnl\\x01\"}",
	    "control bytes become escapes");
	/* and that parses back to the same value */
	em_sel_init(&s);
	ok(r != NULL && em_sel_parse(&s, r, &err) == 0 &&
	    strcmp(em_sel_get(&s, "msg", EM_OP_EQ), "tab\there\nnl\x01") == 0,
	    "escaped value round-trips");
	em_sel_free(&s);
	free(r);
	ok(em_sel_with("{a", "b", EM_OP_EQ, "c", &err) == NULL, "em_sel_with reports parse errors");
	is_int(em_sel_quote(q, sizeof(q), "a\"b"), 6, "quoted length");
	is_str(q, "\"a\\\"b\"", "em_sel_quote");
}

/* --- timeline --------------------------------------------------------------- */

static void test_timeline_geometry(void)
{
	struct em_timeline tl;
	int64_t from, to;
	int x0, x1, px1 = 0, mono = 1;

	em_tl_init(&tl);
	is_int(em_tl_step(T10, T10 + 5 * MIN_MS, 200), EM_TL_MIN_STEP_MS,
	    "steps are at least 15 s");
	is_int(em_tl_step(T10, T10 + HOUR_MS, 120), 31000, "1 h over 120 columns: 31 s");
	is_int(em_tl_step(T10, T10 + 7 * 24 * HOUR_MS, 200), 3040000,
	    "7 d over 200 columns: whole seconds");
	ok(em_tl_setup(&tl, T10, T10 + HOUR_MS, 120) == 0, "setup");
	is_int(tl.n, 117, "buckets: range / step + 1");
	ok(tl.n <= 120, "no more buckets than columns");
	is_int(tl.cursor, 116, "the cursor starts on the latest bucket");
	for (size_t k = 0; k < tl.n; k++) {
		em_tl_cols(&tl, k, &x0, &x1);
		if (x0 != px1 || x1 <= x0 || em_tl_bucket_at(&tl, x0) != (long)k ||
		    em_tl_bucket_at(&tl, x1 - 1) != (long)k)
			mono = 0;
		px1 = x1;
	}
	ok(mono, "buckets tile the columns, each column maps back to its bucket");
	is_int(px1, 120, "the last bucket ends at the right edge");
	em_tl_bucket_range(&tl, 0, &from, &to);
	ok(from == T10 - 31000 && to == T10, "bucket 0 holds (start - step, start]");
	is_int(em_tl_x(&tl, T10 - 31000), 0, "the pane starts one step before the range");

	em_tl_move(&tl, -1000);
	is_int(tl.cursor, 0, "the cursor stops at the left edge");
	em_tl_move(&tl, 10);
	em_tl_set_mark(&tl);
	em_tl_move(&tl, 10);
	em_tl_selection(&tl, &from, &to);
	ok(from == T10 + 9 * 31000 && to == T10 + 20 * 31000,
	    "mark at 10, cursor at 20: buckets 10..20 as a time range");
	em_tl_move(&tl, -15);
	em_tl_selection(&tl, &from, &to);
	ok(from == T10 + 4 * 31000 && to == T10 + 10 * 31000, "cursor left of the mark works too");
	em_tl_clear_mark(&tl);
	em_tl_selection(&tl, &from, &to);
	ok(from == T10 + 4 * 31000 && to == T10 + 5 * 31000, "no mark: the cursor's bucket");
	em_tl_move(&tl, 1000);
	is_int(tl.cursor, 116, "the cursor stops at the right edge");
	/* a new range keeps the cursor at its relative place and drops the mark */
	em_tl_move(&tl, -58);
	em_tl_set_mark(&tl);
	ok(em_tl_setup(&tl, T10, T10 + 2 * HOUR_MS, 120) == 0, "setup 2 h");
	is_int(tl.mark, -1, "a new range drops the mark");
	ok(tl.cursor > 50 && tl.cursor < (long)tl.n - 40, "the cursor keeps its relative place");
	em_tl_free(&tl);
}

static void test_timeline_ticks(void)
{
	struct em_timeline tl;
	int spaced = 1, hhmm = 1;

	set_tz("UTC");
	em_tl_init(&tl);
	em_tl_setup(&tl, T10, T10 + HOUR_MS, 120);
	ok(tl.nticks >= 8 && tl.nticks <= 12, "1 h over 120 columns: %d ticks", tl.nticks);
	is_str(tl.ticks[0].label, "10:00", "first tick on the hour (UTC)");
	is_int(tl.ticks[0].x, em_tl_x(&tl, T10), "the tick sits at its time's column");
	is_str(tl.ticks[1].label, "10:05", "5 minutes apart");
	for (int i = 1; i < tl.nticks; i++) {
		if (tl.ticks[i].x < tl.ticks[i - 1].x + (int)strlen(tl.ticks[i - 1].label) + 2)
			spaced = 0;
		if (strlen(tl.ticks[i].label) != 5 || tl.ticks[i].label[2] != ':')
			hhmm = 0;
	}
	ok(spaced, "labels never touch");
	ok(hhmm, "HH:MM labels");
	ok(tl.ticks[tl.nticks - 1].x + 5 <= 120, "the last label fits");

	/* a narrow pane: fewer, wider-spaced ticks */
	em_tl_setup(&tl, T10, T10 + HOUR_MS, 40);
	ok(tl.nticks >= 2 && tl.nticks <= 5 && strcmp(tl.ticks[1].label, "10:15") == 0,
	    "40 columns: %d ticks, 15 minutes apart (%s)", tl.nticks,
	    tl.nticks > 1 ? tl.ticks[1].label : "");

	/* local time: India is +05:30, so the hour ticks fall on :30 UTC */
	set_tz("IST-5:30");
	em_tl_setup(&tl, T10 + 1, T10 + HOUR_MS, 120);
	is_str(tl.ticks[0].label, "15:30", "ticks are local time");
	is_int(tl.ticks[0].t_ms, T10, "on a round local time");

	/* 5 minutes: seconds in the labels */
	set_tz("UTC");
	em_tl_setup(&tl, T10, T10 + 5 * MIN_MS, 120);
	is_int(tl.step_ms, 15000, "5 min: 15 s buckets");
	ok(tl.nticks >= 4 && strlen(tl.ticks[0].label) == 8, "5 min: HH:MM:SS labels (%s)",
	    tl.nticks ? tl.ticks[0].label : "");

	/* across midnight: the day is named at 00:00 */
	em_tl_setup(&tl, T10 + 12 * HOUR_MS, T10 + 18 * HOUR_MS, 120);
	{
		int found = 0;
		for (int i = 0; i < tl.nticks; i++)
			if (strcmp(tl.ticks[i].label, "05-02") == 0)
				found = 1;
		ok(found, "midnight is labelled with the date");
	}
	/* 7 days over 120 columns: 12 h ticks, the days named */
	em_tl_setup(&tl, T10 - 7 * 24 * HOUR_MS, T10, 120);
	{
		int dates = 0;
		for (int i = 0; i < tl.nticks; i++)
			dates += tl.ticks[i].label[2] == '-';
		ok(tl.nticks >= 8 && dates >= 4, "7 d: %d ticks, %d of them dates", tl.nticks, dates);
	}
	/* 7 days over 40 columns: whole days */
	em_tl_setup(&tl, T10 - 7 * 24 * HOUR_MS, T10, 40);
	ok(tl.nticks >= 2 && tl.ticks[0].label[2] == '-' && tl.ticks[1].label[2] == '-',
	    "7 d in 40 columns: MM-DD labels (%s)", tl.nticks ? tl.ticks[0].label : "");
	em_tl_free(&tl);
}

static void test_timeline_draw(void)
{
	struct em_timeline tl;
	double v[117];
	char row[4096];
	int x0, x1;

	set_tz("UTC");
	em_tl_init(&tl);
	em_tl_setup(&tl, T10, T10 + HOUR_MS, 120);
	for (size_t k = 0; k < 117; k++)
		v[k] = k == 50 ? 100 : k == 60 ? 25 : 0;
	em_tl_set_values(&tl, v, 117);
	ok(tl.have_data && tl.max == 100, "values taken, max found");
	em_screen_resize(&scr, 120, 4);
	scr.utf8 = 1;
	tl.cursor = 10;
	em_tl_draw(&tl, &scr, 0, 0, 4);
	em_tl_cols(&tl, 50, &x0, &x1);
	is_str(em_screen_row(&scr, 0, row, sizeof(row)) + 0, row, "row 0 read");
	ok(memcmp(em_screen_at(&scr, x0, 0)->ch, "\xe2\x96\x88", 3) == 0 &&
	    memcmp(em_screen_at(&scr, x0, 2)->ch, "\xe2\x96\x88", 3) == 0,
	    "the highest bucket fills every bar row");
	em_tl_cols(&tl, 60, &x0, &x1);
	ok(em_screen_at(&scr, x0, 0)->ch[0] == ' ' &&
	    memcmp(em_screen_at(&scr, x0, 2)->ch, "\xe2\x96\x86", 3) == 0,
	    "a quarter of the max: 6/8 of the bottom row of three");
	em_tl_cols(&tl, 10, &x0, &x1);
	ok(em_screen_at(&scr, x0, 0)->style == EM_ST_FRAME_SEL &&
	    memcmp(em_screen_at(&scr, x0, 0)->ch, "\xe2\x96\x91", 3) == 0,
	    "the cursor's empty bucket is shaded in the selection style");
	em_screen_row(&scr, 3, row, sizeof(row));
	ok(strstr(row, "10:00") != NULL && strstr(row, "10:30") != NULL, "axis labels: %s", row);
	is_int(strstr(row, "10:30") - row, tl.ticks[6].x, "10:30 drawn at its tick");
	tl.mark = 20;
	tl.cursor = 25;
	em_tl_draw(&tl, &scr, 0, 0, 4);
	em_tl_cols(&tl, 22, &x0, &x1);
	ok(em_screen_at(&scr, x0, 1)->style == EM_ST_HEADER, "marked buckets are highlighted");
	em_tl_cols(&tl, 30, &x0, &x1);
	ok(em_screen_at(&scr, x0, 1)->style == EM_ST_NORMAL ||
	    em_screen_at(&scr, x0, 1)->style == EM_ST_TITLE, "outside the mark: plain");
	scr.utf8 = 0;
	em_tl_draw(&tl, &scr, 0, 0, 4);
	em_tl_cols(&tl, 50, &x0, &x1);
	ok(em_screen_at(&scr, x0, 0)->ch[0] == '#', "ASCII bars without UTF-8");
	is_str(em_tl_bar_glyph(3, 0), ":", "ASCII partial bar");
	em_tl_free(&tl);
}

/* --- line editor and picker ------------------------------------------------- */

static void type(struct em_lineedit *le, const char *s)
{
	for (; *s; s++)
		em_le_key(le, (unsigned char)*s);
}

static void test_lineedit(void)
{
	struct em_lineedit le;

	em_le_set(&le, "{a=\"b\"}");
	is_int(le.cur, 7, "the cursor starts at the end");
	em_le_key(&le, EM_KEY_LEFT);
	type(&le, ", c=\"\xc3\xa9\"");
	is_str(le.buf, "{a=\"b\", c=\"\xc3\xa9\"}", "typing inserts at the cursor");
	em_le_key(&le, EM_KEY_LEFT);
	em_le_key(&le, EM_KEY_BACKSPACE);
	is_str(le.buf, "{a=\"b\", c=\"\"}", "backspace removes a whole UTF-8 character");
	em_le_key(&le, EM_KEY_HOME);
	em_le_key(&le, EM_KEY_DELETE);
	is_str(le.buf, "a=\"b\", c=\"\"}", "Home, Delete");
	em_le_key(&le, EM_KEY_END);
	em_le_key(&le, 23);
	is_str(le.buf, "a=\"b\", ", "Ctrl-W drops the word before the cursor");
	em_le_key(&le, 1);
	em_le_key(&le, EM_KEY_RIGHT);
	em_le_key(&le, 11);
	is_str(le.buf, "a", "Ctrl-K drops the rest");
	em_le_key(&le, 21);
	is_str(le.buf, "", "Ctrl-U drops what is before the cursor");
	is_int(em_le_key(&le, EM_KEY_UP), 0, "Up is not an editing key");
}

static void test_picker(void)
{
	struct em_picker p;
	const struct em_pick_item *it;
	static const char *const vals[] = { "prod", "preprod", "dev", "Prod-EU", "staging" };

	em_picker_init(&p, "Pick");
	for (size_t i = 0; i < 5; i++)
		em_picker_add(&p, vals[i], i == 0 ? "the real one" : NULL, i);
	em_picker_refilter(&p);
	is_int(p.nvis, 5, "no filter: everything");
	em_picker_key(&p, 'P', 10);
	em_picker_key(&p, 'r', 10);
	em_picker_key(&p, 'o', 10);
	is_int(p.nvis, 3, "'Pro' matches prod, preprod, Prod-EU (case blind)");
	em_picker_key(&p, ' ', 10);
	em_picker_key(&p, 'e', 10);
	em_picker_key(&p, 'u', 10);
	is_int(p.nvis, 1, "every word must match");
	it = em_picker_current(&p);
	is_str(it ? it->text : NULL, "Prod-EU", "the one left");
	em_picker_set_filter(&p, "real");
	is_int(p.nvis, 1, "the second column is searched too");
	is_int(em_picker_key(&p, EM_KEY_ESC, 10), EM_PICK_NONE, "Esc clears the filter first");
	is_int(p.nvis, 5, "filter cleared");
	em_picker_key(&p, EM_KEY_DOWN, 10);
	em_picker_key(&p, EM_KEY_DOWN, 10);
	is_int(em_picker_key(&p, EM_KEY_ENTER, 10), EM_PICK_CHOSEN, "Enter chooses");
	is_str(em_picker_current(&p)->text, "dev", "the third row");
	em_picker_key(&p, EM_KEY_END, 10);
	is_str(em_picker_current(&p)->text, "staging", "End");
	is_int(em_picker_key(&p, EM_KEY_ESC, 10), EM_PICK_CANCEL, "Esc with no filter cancels");

	p.mode = EM_PICK_REGEX;
	em_picker_set_filter(&p, "pr.d");
	is_int(p.nvis, 1, "regex filters are anchored: pr.d is prod only");
	em_picker_set_filter(&p, ".*prod");
	is_int(p.nvis, 2, ".*prod: prod and preprod");
	em_picker_set_filter(&p, "(");
	ok(p.bad_regex && p.nvis == 5, "a bad regex is flagged and filters nothing");

	em_screen_resize(&scr, 60, 10);
	scr.utf8 = 1;
	p.mode = EM_PICK_WORDS;
	em_picker_set_filter(&p, "pro");
	em_picker_draw(&p, &scr, 0, 0, 60, 10, "hint");
	dump(&scr);
	ok(strstr(rows[0], "Pick") != NULL && strstr(rows[0], "hint") != NULL, "title and hint");
	ok(strstr(rows[1], "> pro") != NULL && strstr(rows[1], "3/5") != NULL,
	    "filter line with the count: %s", rows[1]);
	ok(strstr(rows[3], "prod") != NULL && strstr(rows[3], "the real one") != NULL,
	    "rows with two columns");
	ok(em_screen_at(&scr, 3, 3)->style == EM_ST_ROW_SEL, "the cursor row is highlighted");
	em_picker_set_note(&p, 1, "cannot connect");
	em_picker_clear(&p);
	em_picker_draw(&p, &scr, 0, 0, 60, 10, NULL);
	dump(&scr);
	ok(strstr(rows[3], "cannot connect") != NULL, "a note stands in for an empty list");
	em_picker_free(&p);
}

/* --- the viewer -------------------------------------------------------------- */

static int64_t fake_now(void)
{
	return T10 + HOUR_MS;
}

/* A port that accepts connections (the kernel does) but never answers. */
static void draw(struct em_srv *s)
{
	if (scr.w != s->w || scr.h != s->h)
		em_screen_resize(&scr, s->w, s->h);
	em_srv_draw(s, &scr);
	em_srv_after_draw(s); /* as the session loop does */
	dump(&scr);
}

static struct em_ui *folded_ui(const char *text, const char *title)
{
	em_error err;
	em_profile *p = em_read_buffer((const uint8_t *)text, strlen(text), NULL, &err);
	struct em_ui *ui = calloc(1, sizeof(*ui));

	if (p == NULL || ui == NULL || em_ui_init(ui, p, title, -1, &theme, &err) < 0) {
		printf("# %s\n", err.msg);
		exit(1);
	}
	return ui;
}

static const char *header(void)
{
	return rows[0];
}

static const char *bottom(void)
{
	return rows[scr.h - 1];
}

static void canned_pairs(struct em_srv *s)
{
	static em_pyro_label l[4][2] = {
		{ { "service_name", "checkout" }, { "__profile_type__", "memory:alloc_space:bytes:space:bytes" } },
		{ { "service_name", "checkout" }, { "__profile_type__", "process_cpu:cpu:nanoseconds:cpu:nanoseconds" } },
		{ { "__profile_type__", "process_cpu:cpu:nanoseconds:cpu:nanoseconds" }, { "service_name", "fib" } },
		{ { "service_name", "fib" }, { "__profile_type__", "process_cpu:cpu:nanoseconds:cpu:nanoseconds" } },
	};
	em_pyro_labelset sets[4] = { { l[0], 2 }, { l[1], 2 }, { l[2], 2 }, { l[3], 2 } };

	em_srv_got_pairs(s, sets, 4);
}

static int start_srv(struct em_srv *s, int port)
{
	em_pyro_conf conf;
	em_error err;
	char url[64];

	em_pyro_conf_init(&conf);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	if (em_pyro_conf_set(&conf, EM_PK_URL, url, &err) < 0 ||
	    em_pyro_conf_set(&conf, EM_PK_CONNECT_TIMEOUT, "5", &err) < 0 ||
	    em_srv_init(s, &conf, &theme, &err) < 0) {
		printf("# %s\n", err.msg);
		em_pyro_conf_free(&conf);
		return -1;
	}
	em_pyro_conf_free(&conf);
	s->now_ms = fake_now;
	em_srv_resize(s, 100, 30);
	return 0;
}

static void test_picker_and_cancel(int port)
{
	struct em_srv s;
	double t0;

	if (!ok(start_srv(&s, port) == 0, "viewer started"))
		return;
	em_srv_begin(&s, NULL, "{service_name=\"fib\", env=\"dev\"}", T10, T10 + HOUR_MS, HOUR_MS,
	    0, NULL, 0);
	draw(&s);
	is_int(s.screen, EM_SRV_PICK, "no profile type: the picker opens");
	ok(em_srv_busy(&s), "the service list is being fetched");
	ok(strstr(header(), "loading services") != NULL, "the header spins: %s", header());
	{
		char a[8], b[8];
		snprintf(a, sizeof(a), "%s", em_srv_spinner(&s));
		em_srv_tick(&s);
		snprintf(b, sizeof(b), "%s", em_srv_spinner(&s));
		ok(strcmp(a, b) != 0, "the spinner moves on a tick");
	}
	ok(screen_has("loading services and profile types"), "the picker says it is loading");
	canned_pairs(&s);
	draw(&s);
	ok(screen_has("> fib") && screen_has("1/3"), "filter pre-filled with the selector's service");
	ok(screen_has("process_cpu:cpu:nanoseconds:cpu:nanoseconds"), "profile types listed");
	key(&s, EM_KEY_ESC);
	ok(screen_has("3/3") && screen_has("checkout"), "Esc clears the filter: 3 pairs (dups merged)");
	keys(&s, "memory");
	is_int(s.pick.nvis, 1, "typing filters the pairs");
	key(&s, EM_KEY_ENTER);
	is_int(s.screen, EM_SRV_VIEW, "Enter opens the view");
	is_str(s.ptype, "memory:alloc_space:bytes:space:bytes", "the profile type picked");
	is_str(s.selector, "{env=\"dev\", service_name=\"checkout\"}",
	    "the service replaces service_name, other filters stay");
	ok(em_srv_busy(&s) && strstr(header(), "loading flame graph") != NULL,
	    "the profile is requested, the header spins: %s", header());
	ok(screen_has("Esc cancels"), "the spinner says Esc cancels");
	ok(s.active[EM_CH_SERIES].job == NULL, "the timeline waits for the first profile");

	/* a newer request supersedes the older one */
	key(&s, 'r');
	ok(s.nzombies == 1, "refresh: the older job is cancelled (%zu waiting)", s.nzombies);
	ok(s.active[EM_CH_PROFILE].job != NULL, "and a new profile request runs");
	t0 = now_s();
	key(&s, EM_KEY_ESC);
	ok(!em_srv_busy(&s), "Esc cancels everything in flight");
	ok(strstr(bottom(), "cancelled") != NULL, "one line says so: %s", bottom());
	ok(screen_has("r retries"), "with a way out");
	ok(wait_jobs(&s, 10), "the cancelled jobs end (the transfer stops)");
	ok(now_s() - t0 < 5, "quickly: %.2fs", now_s() - t0);
	is_int(s.nzombies, 0, "every job reaped");
	ok(s.npool >= 2, "their clients are back in the pool (%d)", s.npool);
	key(&s, 'q');
	em_srv_free(&s);
}

static void test_view(int port)
{
	struct em_srv s;
	em_pyro_point pts[3];
	em_pyro_timeseries ts;
	int64_t step;
	static const char *const names[] = { "env", "__name__", "region" };
	static const char *const vals[] = { "eu \"west\"", "us-east" };

	set_tz("UTC");
	if (!ok(start_srv(&s, port) == 0, "viewer started"))
		return;
	em_srv_begin(&s, "process_cpu:cpu:nanoseconds:cpu:nanoseconds", "{service_name=\"fib\"}",
	    T10, T10 + HOUR_MS, HOUR_MS, 0, NULL, 0);
	draw(&s);
	is_int(s.screen, EM_SRV_VIEW, "type and selector given: no picker");
	ok(strstr(header(), "{service_name=\"fib\"}") != NULL &&
	    strstr(header(), "process_cpu:cpu") != NULL && strstr(header(), "last 1h") != NULL,
	    "the header shows selector, type and range: %s", header());
	ok(screen_has("loading flame graph"), "a placeholder while the profile loads");
	em_srv_cancel(&s);
	wait_jobs(&s, 10);

	/* the server's flame graph arrives, then the full profile */
	em_srv_got_ui(&s, folded_ui("main;fib;fib 30\nmain;other 10\n", "fib"), 0, NULL, 0);
	ok(s.active[EM_CH_FULL].job == NULL && s.active[EM_CH_SERIES].job == NULL,
	    "nothing else starts before the flame graph is on the screen");
	draw(&s);
	ok(s.truncated && s.active[EM_CH_FULL].job != NULL,
	    "the flame graph is drawn first, the full profile is fetched next");
	ok(s.active[EM_CH_SERIES].job != NULL, "and the timeline");
	key(&s, 'j');
	key(&s, EM_KEY_ENTER);
	ok(strcmp(em_tree_name(&s.ui->tree, s.ui->p, s.ui->zoom_node), "main") == 0, "zoomed");
	ok(s.active[EM_CH_PROFILE].job != NULL, "into a truncated frame: its detail is asked for");
	em_srv_got_ui(&s, folded_ui("main;fib;fib 30\nmain;alloc 10\n", "fib"), 1, NULL, 0);
	draw(&s);
	ok(s.active[EM_CH_PROFILE].job == NULL, "the full profile makes the detail moot");
	ok(s.ui->zoom_node != 0 && strcmp(em_tree_name(&s.ui->tree, s.ui->p, s.ui->zoom_node),
	    "main") == 0 && screen_has("alloc"), "the full profile replaces it, zoom kept");
	key(&s, EM_KEY_ESC);
	em_srv_cancel(&s);
	wait_jobs(&s, 10);
	ok(s.ui != NULL && line_with("main") > s.ui_y, "the flame graph is drawn below the timeline");
	ok(screen_has(" fib │ samples (count)"), "the ui's status line");
	ok(!s.truncated && strstr(header(), "truncated") == NULL, "the full profile is exact");

	/* the timeline's data */
	step = s.tl.step_ms;
	pts[0] = (em_pyro_point){ s.tl.start_ms, 5 };
	pts[1] = (em_pyro_point){ s.tl.start_ms + 10 * step, 20 };
	pts[2] = (em_pyro_point){ s.tl.start_ms + 20 * step, 10 };
	ts.labels.v = NULL;
	ts.labels.n = 0;
	ts.pts = pts;
	ts.npts = 3;
	em_srv_got_series(&s, &ts, 1, s.tl.start_ms, s.tl.end_ms, step);
	draw(&s);
	ok(s.tl.have_data && s.tl.vals[10] == 20, "the series lands in its buckets");
	ok(strstr(rows[s.tl_y], "timeline") != NULL, "the timeline title");
	em_srv_got_series(&s, &ts, 1, s.tl.start_ms - 1, s.tl.end_ms, step);
	ok(s.tl.vals[10] == 20, "a reply for another range is ignored");

	/* cursor, mark, zoom into the sub-range */
	s.tl.cursor = 5;
	keys(&s, "[>>>>>");
	ok(s.tl.mark == 5 && s.tl.cursor == 10, "[ marks, > moves the cursor");
	ok(strstr(rows[s.tl_y], "marked") != NULL, "the title shows the marked range: %s",
	    rows[s.tl_y]);
	{
		int64_t want_from = s.tl.start_ms + 4 * step, want_to = s.tl.start_ms + 10 * step;
		key(&s, ']');
		ok(s.start_ms == want_from && s.end_ms == want_to && s.rel_ms == 0,
		    "] zooms the query into the marked buckets");
		ok(em_srv_busy(&s), "and asks again");
		ok(strstr(header(), "last") == NULL, "the header shows an absolute range: %s",
		    header());
	}
	keys(&s, "-");
	ok(s.end_ms - s.start_ms == 12 * step, "- doubles the range");
	keys(&s, "2");
	ok(s.rel_ms == 15 * MIN_MS && s.end_ms == fake_now() && s.start_ms == fake_now() -
	    15 * MIN_MS, "2 is the last 15 minutes");
	ok(strstr(header(), "last 15m") != NULL, "header: %s", header());
	em_srv_cancel(&s);
	wait_jobs(&s, 10);

	/* the label filter editor */
	keys(&s, "L");
	is_int(s.modal, EM_MODAL_LABEL_NAME, "L opens the label editor");
	ok(s.active[EM_CH_LIST].job != NULL, "asking for label names");
	em_srv_got_strings(&s, EM_REQ_LABEL_NAMES, names, 3);
	draw(&s);
	ok(screen_has("env") && screen_has("region") && !screen_has("__name__"),
	    "label names listed, the server's own hidden");
	keys(&s, "reg\n");
	is_int(s.modal, EM_MODAL_LABEL_OP, "then the operator");
	ok(s.active[EM_CH_LIST].job != NULL, "values are fetched meanwhile");
	ok(screen_has("=~") && screen_has("does not match the regex"), "four operators");
	em_srv_got_strings(&s, EM_REQ_LABEL_VALUES, vals, 2);
	keys(&s, "\n");
	is_int(s.modal, EM_MODAL_LABEL_VALUE, "then the value");
	ok(screen_has("eu \"west\"") && screen_has("us-east"), "values listed");
	keys(&s, "\n");
	is_int(s.modal, EM_MODAL_NONE, "Enter applies");
	is_str(s.selector, "{service_name=\"fib\", region=\"eu \\\"west\\\"\"}",
	    "the value is quoted and escaped in the selector");
	ok(strstr(header(), "region=\"eu \\\"west\\\"\"") != NULL, "and the header shows it");
	em_srv_cancel(&s);
	wait_jobs(&s, 10);
	keys(&s, "L");
	em_srv_got_strings(&s, EM_REQ_LABEL_NAMES, names, 3);
	keys(&s, "env\n");
	key(&s, EM_KEY_DOWN);
	key(&s, EM_KEY_DOWN);
	keys(&s, "\n");
	ok(s.lab.mode == EM_PICK_REGEX, "=~ filters the values by regex");
	em_srv_got_strings(&s, EM_REQ_LABEL_VALUES, vals, 2);
	keys(&s, "us.*\n");
	is_str(s.selector, "{service_name=\"fib\", region=\"eu \\\"west\\\"\", env=~\"us.*\"}",
	    "a typed regex is taken as it is");
	em_srv_cancel(&s);
	wait_jobs(&s, 10);
	/* the remove entry */
	keys(&s, "L");
	em_srv_got_strings(&s, EM_REQ_LABEL_NAMES, names, 3);
	keys(&s, "region\n");
	ok(screen_has("drop the filters on region"), "a filtered label can be dropped");
	key(&s, EM_KEY_END);
	keys(&s, "\n");
	is_str(s.selector, "{service_name=\"fib\", env=~\"us.*\"}", "dropped");
	/* Esc walks back */
	keys(&s, "L");
	key(&s, EM_KEY_ESC);
	is_int(s.modal, EM_MODAL_NONE, "Esc leaves the editor");
	em_srv_cancel(&s);
	wait_jobs(&s, 10);

	/* the selector line */
	keys(&s, "e");
	is_int(s.modal, EM_MODAL_SELECTOR, "e edits the selector");
	ok(strstr(bottom(), "selector: {service_name=\"fib\"") != NULL, "on the bottom line: %s",
	    bottom());
	key(&s, 21);
	keys(&s, "{service_name=\"checkout\"\n");
	is_int(s.modal, EM_MODAL_SELECTOR, "a bad selector stays in the editor");
	ok(strstr(bottom(), "expected") != NULL, "with the error: %s", bottom());
	keys(&s, "}\n");
	is_int(s.modal, EM_MODAL_NONE, "a good one applies");
	is_str(s.selector, "{service_name=\"checkout\"}", "the new selector");
	em_srv_cancel(&s);
	wait_jobs(&s, 10);

	/* t cycles the service's profile types */
	canned_pairs(&s);
	keys(&s, "t");
	is_str(s.ptype, "memory:alloc_space:bytes:space:bytes", "t: the next type of the service");
	em_srv_cancel(&s);
	wait_jobs(&s, 10);

	/* errors: one line, the view stays usable */
	em_srv_failed(&s, EM_REQ_PROFILE, 0, "'http://x': HTTP 401 Unauthorized");
	draw(&s);
	ok(strstr(bottom(), "profile: 'http://x': HTTP 401 Unauthorized") != NULL,
	    "an error is one line at the bottom: %s", bottom());
	keys(&s, "?");
	ok(screen_has("embers keys"), "and keys still work");
	key(&s, 'q');
	em_srv_free(&s);
}

static void test_truncation(int port)
{
	struct em_srv s;
	char *cs[] = { (char *)"main" }, **c1;
	double secs;
	const char *busy;

	if (!ok(start_srv(&s, port) == 0, "viewer started"))
		return;
	s.fetch_full = 0;
	s.max_nodes = 4;
	em_srv_begin(&s, "process_cpu:cpu:nanoseconds:cpu:nanoseconds", "{service_name=\"fib\"}",
	    T10, T10 + HOUR_MS, HOUR_MS, 4, NULL, 0);
	em_srv_cancel(&s);
	wait_jobs(&s, 10);
	em_srv_got_ui(&s, folded_ui("main;work;other 30\nmain;work;hot 40\nidle 10\n", "fib"), 0,
	    NULL, 0);
	draw(&s);
	ok(s.truncated, "a flame graph with 'other' is truncated");
	ok(s.active[EM_CH_SERIES].job != NULL && s.active[EM_CH_LIST].job != NULL,
	    "the first profile shown, the timeline and the service list are asked for");
	ok(s.active[EM_CH_FULL].job == NULL, "--max-nodes: no full profile fetch");
	em_srv_cancel(&s);
	wait_jobs(&s, 10);
	draw(&s);
	ok(strstr(header(), "truncated (small frames are in 'other')") != NULL,
	    "the header says so: %s", header());
	/* select main and zoom */
	key(&s, 'j');
	key(&s, 'l'); /* idle, main: children are in name order */
	ok(strstr(bottom(), "main") == bottom(), "main selected: %s", bottom());
	key(&s, EM_KEY_ENTER);
	busy = em_srv_busy_label(&s, &secs);
	ok(busy != NULL && strstr(busy, "detail") != NULL, "zooming into a truncated frame asks "
	    "for its call site: %s", busy ? busy : "(idle)");
	em_srv_cancel(&s);
	wait_jobs(&s, 10);
	c1 = malloc(sizeof(*c1));
	c1[0] = strdup(cs[0]);
	em_srv_got_ui(&s, folded_ui("main;work;a 10\nmain;work;b 20\nmain;work;hot 40\n", "fib"),
	    0, c1, 1);
	draw(&s);
	ok(!s.truncated && strstr(header(), "detail of main") != NULL,
	    "the detail replaces it, zoom kept: %s", header());
	ok(s.ui->zoom_node != 0 && strcmp(em_tree_name(&s.ui->tree, s.ui->p, s.ui->zoom_node),
	    "main") == 0, "still zoomed on main");
	ok(screen_has("work") && !screen_has("other"), "its frames are all there");
	/* back to the root: the call-site profile lacks the rest, ask again */
	key(&s, EM_KEY_ESC);
	busy = em_srv_busy_label(&s, &secs);
	ok(busy != NULL && strcmp(busy, "loading flame graph") == 0,
	    "zooming out of the call site asks for the whole graph");
	key(&s, EM_KEY_ESC);
	ok(!em_srv_busy(&s), "Esc cancels it");
	wait_jobs(&s, 10);
	em_srv_free(&s);
}

int main(void)
{
	int lfd = -1, port;

	em_theme_builtin(&theme, "dark");
	test_selector();
	test_timeline_geometry();
	test_timeline_ticks();
	test_timeline_draw();
	test_lineedit();
	test_picker();
	port = silent_port(&lfd);
	if (ok(port > 0, "a silent local port")) {
		test_picker_and_cancel(port);
		test_view(port);
		test_truncation(port);
	}
	if (lfd >= 0)
		close(lfd);
	em_screen_free(&scr);
	return done();
}

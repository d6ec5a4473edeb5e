/* test_readers.c - the text readers and the input plumbing.
 *
 * - corpus folded and flame graph JSON files against the oracle's
 *   per-function self/total (tests/data/oracle/.../top.tsv) and total;
 * - hand-made files for what the corpus copies lack (fractional,
 *   differential, bracketed two-value, Connect flamegraph, diff flamebearer);
 * - folded edge cases, flamebearer validation errors;
 * - format detection by content and refusal of legacy/unknown formats;
 * - em_read_file: missing file, directory, empty file, stdin. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "embers/reader.h"
#include "embers/top.h"
#include "tap.h"

static const char *datadir;

static char *data_path(const char *rel)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", datadir, rel);
	return buf;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)len + 1)) == NULL ||
	    fread(buf, 1, (size_t)len, f) != (size_t)len) {
		if (f)
			fclose(f);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	*n = (size_t)len;
	return buf;
}

static int parse_i64(const char *s, const char *end, int64_t *v)
{
	char *e;
	long long x = strtoll(s, &e, 10);

	if (e != end)
		return -1;
	*v = x;
	return 0;
}

/* The top row of function `name`, or NULL. */
static const em_top_row *find_row(const em_top *t, const em_profile *p, const char *name,
    size_t len)
{
	em_func_id f = em_profile_find_func(p, name, len);
	uint32_t i;

	for (i = 0; f != EM_FUNC_NONE && i < t->n; i++)
		if (t->rows[i].func == f)
			return &t->rows[i];
	return NULL;
}

/* Compare type `type` of p with an oracle top.tsv: every non-zero row must
 * be there with the same self and total, and nothing else. skip_total:
 * the flame graph oracle lists the synthetic root "total". */
static int compare_top(const em_profile *p, uint32_t type, const char *tsv, int skip_total,
    char *why, size_t whylen)
{
	size_t n, rows = 0;
	char *text = slurp(tsv, &n), *line, *next, *t1, *t2;
	em_top top;
	em_error err;
	int64_t self, total;
	const em_top_row *r;
	int bad = 0;

	if (text == NULL || em_top_build(&top, p, type, &err) < 0) {
		snprintf(why, whylen, "cannot read %.300s or build top", tsv);
		free(text);
		return -1;
	}
	for (line = text; *line && !bad; line = next) {
		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		if (*line == '#')
			continue;
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (t2 == NULL || parse_i64(line, t1, &self) < 0 ||
		    parse_i64(t1 + 1, t2, &total) < 0) {
			snprintf(why, whylen, "bad oracle line");
			bad = 1;
			break;
		}
		t2++;
		if ((skip_total && next - t2 - 1 == 5 && memcmp(t2, "total", 5) == 0) ||
		    (self == 0 && total == 0))
			continue;
		rows++;
		r = find_row(&top, p, t2, (size_t)(next - t2 - 1));
		if (r == NULL || r->self != self || r->total != total) {
			snprintf(why, whylen, "%.*s: want %lld/%lld, got %lld/%lld",
			    (int)(next - t2 - 1), t2, (long long)self, (long long)total,
			    r ? (long long)r->self : -1LL, r ? (long long)r->total : -1LL);
			bad = 1;
		}
	}
	if (!bad && rows != top.n) {
		snprintf(why, whylen, "%zu oracle rows, %u rows read", rows, top.n);
		bad = 1;
	}
	em_top_free(&top);
	free(text);
	return bad ? -1 : (int)rows;
}

/* The integer after "key": in an oracle stats.json. */
static int64_t stats_int(const char *path, const char *key)
{
	size_t n;
	char *text = slurp(path, &n), pat[64], *at;
	int64_t v = -1;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	if (text && (at = strstr(text, pat)) != NULL)
		v = strtoll(at + strlen(pat), NULL, 10);
	free(text);
	return v;
}

struct oracle_case {
	const char *file;      /* under corpus/public and oracle/public */
	const char *format;
	const char *total_key; /* in stats.json */
};

static const struct oracle_case oracle_cases[] = {
	{ "YS-L__flamelens/ignore-metadata-lines.txt", "folded", "total" },
	{ "YS-L__flamelens/invalid-lines.txt", "folded", "total" },
	{ "YS-L__flamelens/py-spy-simple.txt", "folded", "total" },
	{ "jlfwong__speedscope/recursion.txt", "folded", "total" },
	{ "jlfwong__speedscope/simple-crlf.txt", "folded", "total" },
	{ "jlfwong__speedscope/simple-utf16-le.txt", "folded", "total" },
	{ "jlfwong__speedscope/simple-with-invalids.txt", "folded", "total" },
	{ "jlfwong__speedscope/tall.txt", "folded", "total" },
	{ "laixintao__flameshow/simple_square.txt", "folded", "total" },
	{ "laixintao__flameshow/with_comment.txt", "folded", "total" },
	{ "grafana__pyroscope-jfr-parser/example_3_process_cpu_cpu__nanoseconds_expected_collapsed.txt.gz",
	  "folded", "total" },
	{ "pyroscope-io__flamegraph-renderer-example/TestProfileA.json", "flamebearer", "numTicks" },
	{ "npm__pyroscope__flamegraph/testData.json", "flamebearer", "numTicks" },
};

static void test_oracle_files(void)
{
	size_t i;
	char path[1024], tsv[1024], stats[1024], why[512];
	em_error err;
	em_profile *p;
	int64_t total = -2;
	int rows;

	for (i = 0; i < sizeof(oracle_cases) / sizeof(oracle_cases[0]); i++) {
		const struct oracle_case *c = &oracle_cases[i];
		int json = strcmp(c->format, "folded") != 0;

		snprintf(path, sizeof(path), "%s/corpus/public/%s", datadir, c->file);
		snprintf(tsv, sizeof(tsv), "%s/oracle/public/%s/top.tsv", datadir, c->file);
		snprintf(stats, sizeof(stats), "%s/oracle/public/%s/stats.json", datadir, c->file);
		p = em_read_file(path, NULL, &err);
		if (!ok(p != NULL, "%s is read", c->file)) {
			printf("#   %s\n", err.msg);
			continue;
		}
		is_str(p->format, c->format, "format detected");
		why[0] = '\0';
		rows = compare_top(p, 0, tsv, json, why, sizeof(why));
		if (!ok(rows > 0, "%s: self/total of %d functions match the oracle", c->file, rows))
			printf("#   %s\n", why);
		em_profile_total(p, 0, &total, &err);
		is_int(total, stats_int(stats, c->total_key), "total matches the oracle");
		em_profile_free(p);
	}
}

/* --- profiles from memory ------------------------------------------------ */

static em_profile *from_text(const char *s, em_error *err)
{
	return em_read_buffer((const uint8_t *)s, strlen(s), NULL, err);
}

static int64_t self_of(const em_profile *p, uint32_t type, const char *name, int want_total)
{
	em_top top;
	em_error err;
	const em_top_row *r;
	int64_t v = -1;

	if (em_top_build(&top, p, type, &err) < 0)
		return -2;
	r = find_row(&top, p, name, strlen(name));
	if (r)
		v = want_total ? r->total : r->self;
	em_top_free(&top);
	return v;
}
#define SELF(p, t, n) self_of(p, t, n, 0)
#define TOTAL(p, t, n) self_of(p, t, n, 1)

static int64_t total_of(const em_profile *p, uint32_t type)
{
	em_error err;
	int64_t t = -1;

	em_profile_total(p, type, &t, &err);
	return t;
}

static const char *comment(const em_profile *p, uint32_t i)
{
	return i < p->ncomments ? em_profile_cstr(p, p->comments[i]) : "(none)";
}

static const char *type_name(const em_profile *p, uint32_t i)
{
	return em_profile_cstr(p, p->types[i].type);
}

static const char *unit_name(const em_profile *p, uint32_t i)
{
	return em_profile_cstr(p, p->types[i].unit);
}

static em_profile *from_data(const char *rel, em_error *err)
{
	return em_read_file(data_path(rel), NULL, err);
}

static void test_own_files(void)
{
	em_error err;
	em_profile *p;

	p = from_data("readers/fractional.txt", &err);
	if (ok(p != NULL, "fractional counts read")) {
		is_str(comment(p, 0), "fractional counts: values scaled by 1e2", "scale is noted");
		is_int(SELF(p, 0, "parse"), 150, "1.5 -> 150 (rescaled when 0.25 came)");
		is_int(SELF(p, 0, "lex"), 25, "0.25 -> 25");
		is_int(SELF(p, 0, "eval"), 500, "2 + 3.0 -> 500");
		is_int(TOTAL(p, 0, "main"), 675, "main total 6.75");
		em_profile_free(p);
	}
	p = from_data("readers/diff.txt", &err);
	if (ok(p != NULL, "differential folded read")) {
		is_int(p->ntypes, 2, "two sample types");
		is_str(type_name(p, 0), "before", "first type is before");
		is_str(type_name(p, 1), "after", "second type is after");
		is_int(total_of(p, 0), 100, "before total");
		is_int(total_of(p, 1), 90, "after total (one-count line adds 0)");
		is_int(SELF(p, 1, "i"), 18, "after value of a line");
		em_profile_free(p);
	}
	p = from_data("readers/diff-too-few.txt", &err);
	if (ok(p != NULL, "75%% two-number lines: not differential")) {
		is_int(p->ntypes, 1, "one sample type");
		is_str(type_name(p, 0), "samples", "type samples");
		is_str(unit_name(p, 0), "count", "unit count");
		is_int(SELF(p, 0, "parse 10"), 12, "the count follows the last space");
		em_profile_free(p);
	}
	p = from_data("readers/bracket2.txt", &err);
	if (ok(p != NULL, "bracketed [v1 v2] read")) {
		is_int(p->ntypes, 2, "two sample types");
		is_int(SELF(p, 0, "work"), 5, "first bracket value");
		is_int(SELF(p, 1, "work"), 7, "second bracket value");
		is_int(SELF(p, 0, "idle"), 3, "[v] alone");
		em_profile_free(p);
	}
	p = from_data("readers/flamegraph-connect.json", &err);
	if (ok(p != NULL, "Connect flamegraph JSON read")) {
		is_str(p->format, "flamegraph", "format flamegraph");
		is_int(total_of(p, 0), 4, "total 4");
		is_int(SELF(p, 0, "e"), 1, "a;b;e = 1");
		is_int(SELF(p, 0, "c"), 2, "a;c = 2");
		is_int(SELF(p, 0, "d"), 1, "d placed after c's self: a;c;d = 1");
		is_int(TOTAL(p, 0, "c"), 3, "c total 3");
		is_int(TOTAL(p, 0, "a"), 4, "a total 4");
		ok(em_profile_find_func(p, "total", 5) == EM_FUNC_NONE, "root 'total' is no frame");
		em_profile_free(p);
	}
	p = from_data("readers/flamebearer-double.json", &err);
	if (ok(p != NULL, "double flamebearer read")) {
		is_int(p->ntypes, 2, "two sample types");
		is_str(type_name(p, 0), "left", "left type");
		is_str(type_name(p, 1), "right", "right type");
		is_int(total_of(p, 0), 10, "left total");
		is_int(total_of(p, 1), 15, "right total");
		is_int(SELF(p, 0, "b"), 5, "left b");
		is_int(SELF(p, 1, "c"), 10, "right c");
		is_int(SELF(p, 1, "a"), 1, "right a self");
		is_int(p->period, 10000000, "sampleRate 100: period 10 ms");
		em_profile_free(p);
	}
}

static void test_flamebearer_meta(void)
{
	em_error err;
	em_profile *p;

	p = from_data("corpus/public/pyroscope-io__flamegraph-renderer-example/TestProfileA.json", &err);
	if (ok(p != NULL, "TestProfileA read")) {
		is_str(type_name(p, 0), "cpu", "type from appName suffix");
		is_str(unit_name(p, 0), "count", "units samples at 100 Hz: a count");
		is_int(p->time_nanos, 1647289343LL * 1000000000, "startTime kept");
		is_int(p->duration_nanos, 6LL * 1000000000, "endTime - startTime");
		em_profile_free(p);
	}
	p = from_data("corpus/public/npm__pyroscope__flamegraph/testData.json", &err);
	if (ok(p != NULL, "testData read")) {
		is_str(type_name(p, 0), "alloc_objects", "type alloc_objects");
		is_str(unit_name(p, 0), "count", "units objects: a count");
		em_profile_free(p);
	}
	p = from_text("{\"flamebearer\":{\"names\":[\"total\",\"f\"],\"levels\":[[0,5,0,0],[0,5,5,1]],"
	    "\"numTicks\":5,\"maxSelf\":5},\"metadata\":{\"format\":\"single\",\"units\":\"samples\","
	    "\"sampleRate\":1000000000,\"name\":\"cpu\"}}", &err);
	if (ok(p != NULL, "new-server render JSON read")) {
		is_str(type_name(p, 0), "cpu", "type from metadata.name");
		is_str(unit_name(p, 0), "nanoseconds", "sampleRate 1e9: nanoseconds");
		em_profile_free(p);
	}
}

/* --- folded edge cases ------------------------------------------------------ */

static void test_folded_edges(void)
{
	em_error err;
	em_profile *p;
	char *big;
	size_t i, k;

	p = from_text("a;b;c 1\na;b;d 2\na;bx 3\na 4\na;b 5\n", &err);
	if (ok(p != NULL, "frames shared with the line before")) {
		is_int(TOTAL(p, 0, "a"), 15, "a total");
		is_int(TOTAL(p, 0, "b"), 8, "b total (a;bx is not a;b)");
		is_int(SELF(p, 0, "bx"), 3, "bx self");
		is_int(SELF(p, 0, "a"), 4, "a self");
		em_profile_free(p);
	}
	p = from_text("a;;b 1\nx y;z  w \t 7 \r\n\n  # note\n", &err);
	if (ok(p != NULL, "empty frames, spaces, tabs, CRLF")) {
		ok(em_profile_find_func(p, "", 0) != EM_FUNC_NONE, "empty frame kept");
		is_int(SELF(p, 0, "z  w"), 7, "frame with inner spaces, count after tabs");
		is_int(TOTAL(p, 0, "x y"), 7, "first frame with a space");
		em_profile_free(p);
	}
	p = from_text("a 9223372036854775807\n", &err);
	ok(p != NULL && SELF(p, 0, "a") == INT64_MAX, "INT64_MAX count");
	em_profile_free(p);
	ok(from_text("x 1\n\na 9223372036854775808\n", &err) == NULL, "count overflow refused");
	is_str(err.msg, "line 3: count out of range", "overflow message names the line");
	ok(from_text("x 1\na 1e19\n", &err) == NULL, "1e19 out of range");
	p = from_text("a 1e3\nb 1.5e1\nc -5\nd +2\n", &err);
	if (ok(p != NULL, "exponents and signs")) {
		is_int(SELF(p, 0, "a"), 1000, "1e3");
		is_int(SELF(p, 0, "b"), 15, "1.5e1");
		is_int(SELF(p, 0, "c"), -5, "negative counts are kept");
		is_int(SELF(p, 0, "d"), 2, "+2");
		is_int(p->ncomments, 0, "no scale comment for integers");
		em_profile_free(p);
	}
	p = from_text("a 0.1234567890123\n", &err);
	if (ok(p != NULL, "more than 9 decimals")) {
		is_int(SELF(p, 0, "a"), 123456789, "rounded at 9 decimals");
		em_profile_free(p);
	}
	p = from_text("a 9000000000000000000\nb 0.5\n", &err);
	if (ok(p != NULL, "fraction after a huge count")) {
		is_int(SELF(p, 0, "a"), 9000000000000000000LL, "huge count kept");
		is_int(SELF(p, 0, "b"), 1, "0.5 rounded when the scale cannot grow");
		em_profile_free(p);
	}
	p = from_data("corpus/public/jlfwong__speedscope/simple-with-invalids.txt", &err);
	if (ok(p != NULL, "file with invalid lines")) {
		is_str(comment(p, 0), "skipped 2 invalid lines (first: line 2)", "invalid lines noted");
		em_profile_free(p);
	}
	ok(from_text("# only\n\n# comments\n", &err) == NULL, "comments only refused");
	is_str(err.msg, "no stacks found", "comments only: no stacks found");
	ok(from_text("hello world\nthis is prose\n", &err) == NULL, "prose refused");
	is_str(err.msg, "unrecognized profile format", "prose: unrecognized");
	p = from_text("a;b [5]\nc [x]\n d;e 3\n", &err);
	if (ok(p != NULL, "bracketed with a bad line")) {
		is_int(SELF(p, 0, "b"), 5, "[5]");
		is_int(SELF(p, 0, "e"), 3, "plain count next to brackets");
		ok(em_profile_find_func(p, " d", 2) != EM_FUNC_NONE, "leading space kept in frame");
		em_profile_free(p);
	}
	/* one line of 5000 frames, 47 KB+ */
	big = malloc(5000 * 12 + 16);
	for (i = 0, k = 0; i < 5000; i++)
		k += (size_t)snprintf(big + k, 13, "%sframe%05zu", i ? ";" : "", i);
	memcpy(big + k, " 42\n", 5);
	p = from_text(big, &err);
	if (ok(p != NULL, "a %zu byte line", k)) {
		is_int(p->nfuncs, 5000, "5000 frames");
		is_int(em_sample_depth(p, 0), 5000, "depth 5000");
		is_int(TOTAL(p, 0, "frame00000"), 42, "root total");
		em_profile_free(p);
	}
	free(big);
}

static volatile int cancel_flag;
static int progress_calls, progress_bad;

static void on_progress(void *ctx, double f)
{
	(void)ctx;
	progress_calls++;
	if (f < 0 || f > 1)
		progress_bad++;
}

static void test_cancel_progress(void)
{
	em_read_opts opts;
	em_error err;
	em_profile *p;
	size_t n = 50000 * 8, i, k = 0;
	char *buf = malloc(n + 1);

	for (i = 0; i < 50000; i++)
		k += (size_t)snprintf(buf + k, n + 1 - k, "a;b%02zu 1\n", i % 100);
	memset(&opts, 0, sizeof(opts));
	opts.progress = on_progress;
	p = em_read_buffer((uint8_t *)buf, k, &opts, &err);
	ok(p != NULL && progress_calls >= 5 && progress_bad == 0,
	    "progress reported %d times within 0..1", progress_calls);
	em_profile_free(p);
	cancel_flag = 1;
	opts.cancel = (volatile int *)&cancel_flag;
	ok(em_read_buffer((uint8_t *)buf, k, &opts, &err) == NULL, "cancelled read stops");
	is_str(err.msg, "cancelled", "cancel message");
	free(buf);
}

/* --- flamebearer validation --------------------------------------------------- */

struct bad_json {
	const char *json, *msg;
};

static const struct bad_json bad_jsons[] = {
	{ "{\"flamebearer\":{\"names\":[\"total\",\"a\"],\"levels\":[[0,5,0,0],[0,5,5]]}}",
	  "level 1: 3 numbers, not a multiple of 4" },
	{ "{\"flamebearer\":{\"names\":[\"total\",\"a\"],\"levels\":[[0,5,0,0],[0,-5,0,1]]}}",
	  "level 1: negative value in a node" },
	{ "{\"flamebearer\":{\"names\":[\"total\",\"a\"],\"levels\":[[0,5,0,0],[0,5,6,1]]}}",
	  "level 1: node self 6 exceeds its total 5" },
	{ "{\"flamebearer\":{\"names\":[\"total\",\"a\"],\"levels\":[[0,5,0,0],[0,5,5,2]]}}",
	  "level 1: name index 2 out of range (2 names)" },
	{ "{\"flamebearer\":{\"names\":[\"total\",\"a\"],\"levels\":[[0,5,0,0],[3,5,5,1]]}}",
	  "level 1: node at x=3 lies outside its parent" },
	{ "{\"flamebearer\":{\"names\":[\"total\",\"a\"],\"levels\":[[0,5,2,0],[0,4,4,1]]}}",
	  "level 1: children overflow the total of their parent" },
	{ "{\"flamebearer\":{\"names\":[\"total\",\"a\"],\"levels\":[[0,5,0,0],[0,3,3,1,0,3,3,1]]}}",
	  "level 1: node at x=3 lies outside its parent" },
	{ "{\"flamebearer\":{\"names\":[\"total\",\"a\"],\"levels\":[[0,5,0,0],[0,5,1.5,1]]}}",
	  "level 1: not an integer" },
	{ "{\"flamebearer\":{\"names\":[\"total\",\"a\"],\"levels\":[[0,5,0,0],[0,5,1e300,1]]}}",
	  "level 1: not an integer" },
	{ "{\"flamegraph\":{\"names\":[\"total\",\"a\"],\"levels\":[{\"values\":[\"0\",\"5\",\"0\",\"0\"]},"
	  "{\"values\":[\"0\",\"5x\",\"0\",\"1\"]}]}}", "level 1: not an integer" },
	{ "{\"flamegraph\":{\"names\":[\"total\",\"a\"],\"levels\":[{\"values\":[\"0\",\"5\",\"0\",\"0\"]},"
	  "{\"values\":[\"0\",\"99999999999999999999\",\"0\",\"1\"]}]}}", "level 1: not an integer" },
	{ "{\"flamegraph\":{\"names\":[\"total\",\"a\"],\"levels\":[[0,5,0,0]]}}",
	  "level 0 is not an object" },
	{ "{\"flamebearer\":{\"names\":[\"total\",7],\"levels\":[]}}", "names[1] is not a string" },
	{ "{\"flamebearer\":{\"levels\":[]}}", "'names' is missing or not an array" },
	{ "{\"flamebearer\":{\"names\":[]}}", "'levels' is missing or not an array" },
	{ "{\"flamebearer\":[1,2]}", "no 'flamebearer' or 'flamegraph' object" },
	{ "{\"flamebearer\":{\"names\":[\"total\"],\"levels\":[[0,5,0,0]", "invalid JSON near byte 52" },
	{ "{\"flamegraph\":{\"names\":[\"total\",\"a\"],\"levels\":[{\"values\":[\"0\",\"9223372036854775807\","
	  "\"0\",\"0\"]},{\"values\":[\"9223372036854775807\",\"1\",\"1\",\"1\"]}]}}", "level 1: offsets overflow" },
};

static void test_flamebearer_errors(void)
{
	size_t i;
	em_error err;
	em_profile *p;

	for (i = 0; i < sizeof(bad_jsons) / sizeof(bad_jsons[0]); i++) {
		err.msg[0] = '\0';
		p = from_text(bad_jsons[i].json, &err);
		ok(p == NULL, "bad flame graph %zu refused", i);
		em_profile_free(p);
		is_str(err.msg, bad_jsons[i].msg, "  with the right message");
	}
	p = from_text("{\"flamegraph\":{\"names\":[\"total\"],\"levels\":[{\"values\":[\"0\",\"0\",\"0\",\"0\"]}]}}",
	    &err);
	ok(p != NULL && p->nsamples == 0, "empty flame graph: a profile without samples");
	em_profile_free(p);
	p = from_text("{\"flamegraph\":{\"names\":[\"total\",\"a\"],\"levels\":[{\"values\":[\"0\",\"5\",\"0\",\"0\"]},"
	    "{\"values\":[\"0\",\"5\",\"5\",\"1\"]},{}]}}", &err);
	ok(p != NULL && total_of(p, 0) == 5, "a level without values is an empty row");
	em_profile_free(p);
	p = from_text("{\"flamebearer\":{\"names\":[\"total\",\"a\",\"z\"],\"levels\":[[0,5,0,0],"
	    "[0,5,5,1,0,0,0,2],[5,0,0,2]]}}", &err);
	ok(p != NULL && total_of(p, 0) == 5, "zero-width nodes are skipped");
	em_profile_free(p);
	p = from_text("{\"flamebearer\":{\"names\":[\"total\",\"a\"],\"levels\":[[0,5,2,0],[0,3,3,1]]}}",
	    &err);
	ok(p != NULL && total_of(p, 0) == 5 && SELF(p, 0, "a") == 3,
	    "the root's own self is kept: the total is the root's");
	em_profile_free(p);
}

/* The flamebearer reader copies the rows, then the levels decoder
 * (levels.c) decodes them: progress covers both halves, and a cancel seen
 * between two rows of the decoder stops it. */
static volatile int fb_cancel;
static int fb_calls, fb_bad, fb_decoding, fb_stop_when_decoding;
static double fb_last;

static void fb_progress(void *ctx, double f)
{
	(void)ctx;
	fb_calls++;
	if (f < 0 || f > 1 || f < fb_last)
		fb_bad++;
	fb_last = f;
	if (f >= 0.5) {
		fb_decoding++;
		fb_cancel = fb_stop_when_decoding;
	}
}

static void test_flamebearer_progress(void)
{
	/* a;a;a = 3: four rows */
	static const char json[] = "{\"flamebearer\":{\"names\":[\"total\",\"a\"],\"levels\":"
	    "[[0,3,0,0],[0,3,0,1],[0,3,0,1],[0,3,3,1]]}}";
	em_read_opts opts;
	em_error err;
	em_profile *p;

	memset(&opts, 0, sizeof(opts));
	opts.progress = fb_progress;
	opts.cancel = (volatile int *)&fb_cancel;
	p = em_read_buffer((const uint8_t *)json, strlen(json), &opts, &err);
	ok(p != NULL && total_of(p, 0) == 3, "flame graph read with progress");
	em_profile_free(p);
	is_int(fb_calls, 8, "progress once per row copied and per row decoded");
	ok(fb_bad == 0 && fb_decoding == 4, "within 0..1, never backwards, decoding in the second half");
	fb_calls = fb_decoding = 0;
	fb_last = 0;
	fb_stop_when_decoding = 1;
	err.msg[0] = '\0';
	p = em_read_buffer((const uint8_t *)json, strlen(json), &opts, &err);
	ok(p == NULL && fb_decoding == 1, "the decoder stops at the next row");
	is_str(err.msg, "cancelled", "cancel message");
	em_profile_free(p);
	fb_cancel = 0;
}

/* --- detection ----------------------------------------------------------------- */

static em_format detect(const char *s)
{
	return em_format_detect((const uint8_t *)s, strlen(s));
}

static void test_detection(void)
{
	static const uint8_t pprof[] = { 0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x32, 0x00,
		0x32, 0x07, 's', 'a', 'm', 'p', 'l', 'e', 's', 0x32, 0x05, 'c', 'o', 'u', 'n', 't' };
	static const uint8_t notpprof[] = { 0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x7d, 0x00 };
	static const uint8_t binary[] = { 0x00, 0x01, 0x02, 0x03, 0xff, 0xfe, 0x80, 0x81 };
	static const uint8_t utf16be[] = { 0xfe, 0xff, 0, 'a', 0, ';', 0, 'b', 0, ' ', 0, '3', 0, '\n' };
	static const uint8_t bom_json[] = "\xef\xbb\xbf{\"flamegraph\":{\"names\":[\"total\",\"a\"],"
		"\"levels\":[{\"values\":[\"0\",\"1\",\"0\",\"0\"]},{\"values\":[\"0\",\"1\",\"1\",\"1\"]}]}}";
	uint8_t legacy_cpu[64];
	em_error err;
	em_profile *p;

	is_int(em_format_detect(pprof, sizeof(pprof)), EM_FORMAT_PPROF, "pprof by its fields");
	is_int(em_format_detect(pprof, sizeof(pprof) - 3), EM_FORMAT_PPROF, "truncated pprof still pprof");
	is_int(em_format_detect(notpprof, sizeof(notpprof)), EM_FORMAT_UNKNOWN, "bad field number: not pprof");
	is_int(em_format_detect(binary, sizeof(binary)), EM_FORMAT_UNKNOWN, "binary noise: unknown");
	is_int(detect("a;b 1\n"), EM_FORMAT_FOLDED, "folded");
	is_int(detect("\nmain;f 1\n"), EM_FORMAT_FOLDED, "folded starting with a blank line (0x0a)");
	is_int(detect("2 3\n"), EM_FORMAT_FOLDED, "digits only: folded stack '2'");
	is_int(detect("{closure};main 5\n"), EM_FORMAT_FOLDED, "folded stack starting with a brace");
	is_int(detect("{\n  \"a\": 5,\n  \"b\": 6\n}\n"), EM_FORMAT_UNKNOWN,
	    "pretty JSON with number lines is not folded");
	is_int(detect("{\"version\":1,\"metadata\":{\"flamegraph\":1},\"flamebearer\":{}}"),
	    EM_FORMAT_FLAMEBEARER, "flamebearer key after others");
	is_int(detect(" {\"flamegraph\":{}}"), EM_FORMAT_FLAMEGRAPH, "flamegraph key");
	is_int(detect("{\"x\":{\"flamegraph\":{}}}"), EM_FORMAT_UNKNOWN, "nested key is not top-level");
	is_int(detect("{\"a\":\"\\\"flamebearer\\\"\",\"b\":[1,{\"c\":2}],\"flamegraph\":{}}"),
	    EM_FORMAT_FLAMEGRAPH, "keys after escaped strings and arrays");
	is_int(em_format_detect(bom_json, sizeof(bom_json) - 1), EM_FORMAT_FLAMEGRAPH, "UTF-8 BOM skipped");
	p = em_read_buffer(bom_json, sizeof(bom_json) - 1, NULL, &err);
	ok(p != NULL, "JSON with a UTF-8 BOM read");
	em_profile_free(p);
	p = em_read_buffer(utf16be, sizeof(utf16be), NULL, &err);
	ok(p != NULL && SELF(p, 0, "b") == 3, "UTF-16 BE text converted and read");
	em_profile_free(p);
	is_str(em_format_name(EM_FORMAT_PPROF), "pprof", "format name pprof");
	is_str(em_format_name(EM_FORMAT_FLAMEGRAPH), "flamegraph", "format name flamegraph");
	is_str(em_format_name(EM_FORMAT_UNKNOWN), "unknown", "format name unknown");

	ok(from_text("heap profile:    1:   262144 [     1:   262144] @ heap/1048576\n"
	    "     1:   262144 [     1:   262144] @ 0x1 0x2\n", &err) == NULL, "legacy heap refused");
	is_str(err.msg, "legacy text heap profile is not supported; convert it with "
	    "'go tool pprof -proto'", "legacy heap message");
	ok(from_text("goroutine profile: total 3\n3 @ 0x1 0x2\n", &err) == NULL, "goroutine debug=1 refused");
	ok(strstr(err.msg, "legacy text goroutine profile") != NULL, "goroutine message: %s", err.msg);
	ok(from_text("goroutine 1 [running]:\nmain.main()\n", &err) == NULL, "goroutine dump refused");
	ok(strstr(err.msg, "goroutine dump") != NULL, "goroutine dump message: %s", err.msg);
	ok(from_text("--- contention ---\ncycles/second=1\n", &err) == NULL, "legacy contention refused");
	ok(strstr(err.msg, "contention") != NULL, "contention message: %s", err.msg);
	memset(legacy_cpu, 0, sizeof(legacy_cpu));
	legacy_cpu[8] = 3;
	legacy_cpu[24] = 0x10;
	ok(em_read_buffer(legacy_cpu, sizeof(legacy_cpu), NULL, &err) == NULL, "legacy binary CPU refused");
	is_str(err.msg, "legacy binary CPU profile is not supported; convert it with "
	    "'go tool pprof -proto'", "legacy binary message");
	ok(em_read_file(data_path("corpus/public/google__pprof/java.heap"), NULL, &err) == NULL,
	    "java.heap refused");
	ok(strstr(err.msg, "': legacy Java heap profile is not supported") != NULL,
	    "java.heap message: %s", err.msg);
	ok(em_read_file(data_path("corpus/public/google__pprof/gobench.cpu"), NULL, &err) == NULL,
	    "gobench.cpu refused");
	ok(strstr(err.msg, "': legacy binary CPU profile is not supported") != NULL,
	    "gobench.cpu message: %s", err.msg);
	ok(em_read_buffer(binary, sizeof(binary), NULL, &err) == NULL, "binary noise refused");
	is_str(err.msg, "unrecognized profile format", "noise message");
	ok(from_text("{\"sampleType\":[],\"stringTable\":[\"\"]}", &err) == NULL, "pprof JSON refused");
	ok(strstr(err.msg, "pprof") != NULL, "pprof JSON message: %s", err.msg);
	ok(from_text("[1,2,3]", &err) == NULL, "JSON array refused");
	ok(strstr(err.msg, "JSON") != NULL, "JSON array message: %s", err.msg);
	ok(em_read_buffer((const uint8_t *)"", 0, NULL, &err) == NULL, "empty buffer refused");
	is_str(err.msg, "empty input", "empty buffer message");
}

/* --- files and stdin ------------------------------------------------------------ */

/* Run em_read_file("-") with `len` bytes of `text` (repeated) on stdin,
 * written by a child so that more than a pipe's worth works. */
static em_profile *read_stdin(const char *text, size_t len, em_error *err)
{
	int fds[2], saved = dup(0), status;
	pid_t pid;
	em_profile *p;
	size_t k = strlen(text), done_ = 0;

	if (pipe(fds) < 0 || saved < 0)
		return NULL;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		while (done_ < len) {
			size_t w = len - done_ < k ? len - done_ : k;

			if (write(fds[1], text, w) != (ssize_t)w)
				_exit(1);
			done_ += w;
		}
		_exit(0);
	}
	close(fds[1]);
	dup2(fds[0], 0);
	close(fds[0]);
	p = em_read_file("-", NULL, err);
	dup2(saved, 0);
	close(saved);
	waitpid(pid, &status, 0);
	return p;
}

static void test_files(void)
{
	char dir[] = "/tmp/embers-test-readers-XXXXXX", path[256];
	em_error err;
	em_profile *p;
	em_read_opts opts;
	int fd;

	ok(mkdtemp(dir) != NULL, "temporary directory");
	snprintf(path, sizeof(path), "%s/missing.txt", dir);
	ok(em_read_file(path, NULL, &err) == NULL, "missing file refused");
	ok(strstr(err.msg, "': cannot open: no such file or directory") != NULL &&
	    err.msg[0] == '\'', "missing file message: %s", err.msg);
	ok(em_read_file(dir, NULL, &err) == NULL, "directory refused");
	ok(strstr(err.msg, "': is a directory") != NULL, "directory message: %s", err.msg);
	snprintf(path, sizeof(path), "%s/empty.txt", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	close(fd);
	ok(em_read_file(path, NULL, &err) == NULL, "empty file refused");
	ok(strstr(err.msg, "': empty file") != NULL, "empty file message: %s", err.msg);
	unlink(path);
	rmdir(dir);

	memset(&opts, 0, sizeof(opts));
	opts.max_bytes = 10;
	p = em_read_file(data_path("readers/diff.txt"), &opts, &err);
	ok(p == NULL, "max_bytes on a plain file");
	em_profile_free(p);
	ok(strstr(err.msg, "input exceeds 10 bytes") != NULL, "max_bytes message: %s", err.msg);

	p = read_stdin("main;a 1\nmain;b 2\n", 18, &err);
	ok(p != NULL && total_of(p, 0) == 3, "folded text from stdin");
	em_profile_free(p);
	p = read_stdin("main;a 1\nmain;b 2\n", (size_t)18 * 200000, &err);
	ok(p != NULL && total_of(p, 0) == 600000, "3.6 MB from stdin through a pipe");
	em_profile_free(p);
	p = read_stdin("", 0, &err);
	ok(p == NULL, "empty stdin refused");
	is_str(err.msg, "'stdin': empty file", "empty stdin message");
	p = read_stdin("garbage\n", 8, &err);
	ok(p == NULL, "garbage on stdin refused");
	is_str(err.msg, "'stdin': unrecognized profile format", "stdin error carries the name");
}

int main(void)
{
	datadir = getenv("TESTDATA");
	if (datadir == NULL)
		datadir = "tests/data";
	test_oracle_files();
	test_own_files();
	test_flamebearer_meta();
	test_folded_edges();
	test_cancel_progress();
	test_flamebearer_errors();
	test_flamebearer_progress();
	test_detection();
	test_files();
	return done();
}

/* test_source_lines.c - per-line self and total (em_lines) against
 * `go tool pprof -list` on real profiles, and the rules behind them on
 * small built profiles: inlined frames, recursion, zero weight, the
 * window pprof shows, overflow; plus em_source_file_line.
 *
 * The expected numbers were read off `go tool pprof -list` (Go 1.19.8,
 * Debian golang-go) by hand:
 *   go tool pprof -unit=ns [-sample_index=samples] -list 'main.busyLoop' \
 *       tests/data/corpus/public/google__pprof/sample.cpu
 *   (with -trim_path/-source_path pointing at stand-in files of numbered
 *   lines, since the profile's sources are not public), and
 *   go tool pprof -unit=ns -source_path tests/data/source/goworkload \
 *       -trim_path /home/dev/goworkload -list 'main.sortWork$|main.ackermann' \
 *       tests/data/source/goworkload.cpu.pb.gz
 *   go tool pprof -unit=ns -sample_index=wall -list '^(update|Zlib)$' \
 *       tests/data/corpus/generated/node-workload/node-wall-lines.pb.gz
 *   (stand-in files again; there update and Zlib also occur without a
 *   file, which pprof leaves out of the listing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/lines.h"
#include "embers/reader.h"
#include "embers/source.h"
#include "tap.h"

struct want {
	int64_t line, self, total;
};

static em_profile *load(const char *rel)
{
	char path[4096];
	const char *d = getenv("TESTDATA");
	em_error err;
	em_profile *p;

	snprintf(path, sizeof(path), "%s/%s", d ? d : "tests/data", rel);
	err.msg[0] = '\0';
	p = em_read_file(path, NULL, &err);
	if (p == NULL)
		printf("# %s\n", err.msg);
	return p;
}

/* Compare the weighted rows of func with want[] exactly. */
static void check_func(const em_profile *p, uint32_t type, const char *func,
    const struct want *w, size_t nw, int64_t self, int64_t total,
    int64_t wstart, int64_t wend, const char *what)
{
	em_func_id f = em_profile_find_func(p, func, strlen(func));
	const em_func_lines *fl;
	em_lines l;
	em_error err;
	int64_t s, e;
	size_t i;
	int same;

	if (!ok(f != EM_FUNC_NONE, "%s: function %s exists", what, func))
		return;
	if (!ok(em_lines_build_func(&l, p, type, f, &err) == 0, "%s: built", what))
		return;
	fl = em_lines_find(&l, f);
	if (!ok(fl != NULL, "%s: %s has weight", what, func)) {
		em_lines_free(&l);
		return;
	}
	same = fl->n == nw;
	for (i = 0; same && i < nw; i++) {
		const em_line_row *r = &l.rows[fl->first + i];

		same = r->line == w[i].line && r->self == w[i].self && r->total == w[i].total;
		if (!same)
			printf("#   row %zu: line %lld self %lld total %lld\n", i, (long long)r->line,
			    (long long)r->self, (long long)r->total);
	}
	ok(same, "%s: per-line flat/cum of %s equal pprof -list (%zu lines)", what, func, nw);
	is_int(fl->self, self, "function self");
	is_int(fl->total, total, "function total");
	em_lines_window(p, &l, fl, &s, &e);
	ok(s == wstart && e == wend, "%s: window %lld..%lld (pprof shows %lld..%lld)", what,
	    (long long)s, (long long)e, (long long)wstart, (long long)wend);
	em_lines_free(&l);
}

static void sample_cpu(void)
{
	static const struct want busy_ns[] = {
		{ 32, 0, 130000000 }, { 35, 50000000, 50000000 },
		{ 36, 50000000, 1420000000 }, { 37, 50000000, 160000000 },
	};
	static const struct want busy_n[] = { { 32, 0, 13 }, { 35, 5, 5 }, { 36, 5, 142 }, { 37, 5, 16 } };
	static const struct want assign[] = {
		{ 533, 0, 70000000 }, { 546, 20000000, 20000000 }, { 562, 10000000, 10000000 },
		{ 572, 0, 10000000 }, { 586, 0, 10000000 }, { 588, 10000000, 10000000 },
	};
	em_profile *p = load("corpus/public/google__pprof/sample.cpu");
	em_lines all;
	em_error err;

	if (!ok(p != NULL, "sample.cpu loads"))
		return;
	check_func(p, 1, "main.busyLoop", busy_ns, 4, 150000000, 1760000000, 27, 42, "sample.cpu cpu");
	check_func(p, 0, "main.busyLoop", busy_n, 4, 15, 176, 27, 42, "sample.cpu samples");
	check_func(p, 1, "runtime.mapassign_fast64", assign, 6, 40000000, 130000000, 528, 593, "sample.cpu cpu");
	/* all functions at once: same rows as one at a time, total as pprof */
	ok(em_lines_build(&all, p, 1, NULL, &err) == 0, "all functions in one pass");
	is_int(all.total, 1760000000, "Total: 1.76s");
	ok(all.nfuncs == 14, "14 functions with weight (as pprof -top), got %u", all.nfuncs);
	em_lines_free(&all);
	em_profile_free(p);
}

static void goworkload(void)
{
	static const struct want sort_w[] = {
		{ 168, 0, 40000000 }, { 170, 20000000, 2260000000 }, { 172, 0, 370000000 },
		{ 177, 0, 370000000 }, { 178, 0, 160000000 }, { 179, 0, 2900000000 },
	};
	/* recursive: pprof's header says cum 140ms (the sum of its lines);
	 * the function's own total counts each sample once: 80ms, as top */
	static const struct want ack[] = {
		{ 257, 10000000, 10000000 }, { 259, 50000000, 50000000 }, { 264, 20000000, 80000000 },
	};
	em_profile *p = load("source/goworkload.cpu.pb.gz");

	if (!ok(p != NULL, "goworkload.cpu.pb.gz loads"))
		return;
	check_func(p, 1, "main.sortWork", sort_w, 6, 20000000, 6100000000, 163, 184, "goworkload");
	check_func(p, 1, "main.ackermann", ack, 3, 80000000, 80000000, 252, 269, "goworkload");
	em_profile_free(p);
}

/* Rows of fl equal want[] exactly. */
static int same_rows(const em_lines *l, const em_func_lines *fl, const struct want *w,
    size_t nw)
{
	size_t i;

	if (fl == NULL || fl->n != nw)
		return 0;
	for (i = 0; i < nw; i++) {
		const em_line_row *r = &l->rows[fl->first + i];

		if (r->line != w[i].line || r->self != w[i].self || r->total != w[i].total)
			return 0;
	}
	return 1;
}

/* Node names defined both in a file and without one (native frames at the
 * same line numbers): the file's rows must not get the others' weight. */
static void node_no_file(void)
{
	static const struct want upd[] = { { 144, 0, 3567000 } };
	static const struct want upd_none[] = { { 144, 3567000, 3567000 } };
	static const struct want zlib[] = {
		{ 631, 0, 1189000 }, { 657, 0, 2378000 }, { 670, 0, 11890000 },
	};
	em_profile *p = load("corpus/generated/node-workload/node-wall-lines.pb.gz");
	em_func_id fu, fz;
	em_str hash, zf;
	const em_func_lines *fl;
	em_lines l;
	em_error err;
	int64_t s, e;

	if (!ok(p != NULL, "node-wall-lines.pb.gz loads"))
		return;
	fu = em_profile_find_func(p, "update", 6);
	fz = em_profile_find_func(p, "Zlib", 4);
	hash = em_strtab_find(p->strs, "node:internal/crypto/hash", 25);
	zf = em_strtab_find(p->strs, "node:zlib", 9);
	if (!ok(fu != EM_FUNC_NONE && fz != EM_FUNC_NONE && hash != EM_STR_NONE &&
	    zf != EM_STR_NONE, "update, Zlib and their files exist") ||
	    !ok(em_lines_build(&l, p, 1, NULL, &err) == 0, "node-wall-lines: built")) {
		em_profile_free(p);
		return;
	}
	fl = em_lines_find_file(&l, fu, hash);
	ok(same_rows(&l, fl, upd, 1) && fl->self == 0 && fl->total == 3567000,
	    "update in its file: line 144 flat 0 cum 3.567ms, as pprof -list");
	em_lines_window(p, &l, fl, &s, &e);
	ok(s == 139 && e == 149, "update window 139..149: %lld..%lld", (long long)s,
	    (long long)e);
	ok(em_lines_find(&l, fu) == em_lines_find_file(&l, fu, 0) &&
	    same_rows(&l, em_lines_find_file(&l, fu, 0), upd_none, 1),
	    "update without file: its own entry, first, with the self");
	fl = em_lines_find_file(&l, fz, zf);
	ok(same_rows(&l, fl, zlib, 3) && fl->self == 0 && fl->total == 15457000,
	    "Zlib in node:zlib: three lines, flat 0 cum 15.457ms, as pprof -list");
	em_lines_free(&l);
	em_profile_free(p);
}

/* ---- built profiles ------------------------------------------------------ */

static em_func_id func(em_profile *p, const char *name, int64_t start)
{
	return em_profile_func(p, em_profile_str(p, name, strlen(name)), 0,
	    em_profile_str(p, "f.go", 4), start);
}

static uint32_t loc(em_profile *p, const em_line *lines, uint32_t n)
{
	return em_profile_add_location(p, lines, n, 0, 0);
}

static void built(void)
{
	em_profile *p = em_profile_new();
	em_func_id a, b, c;
	uint32_t l_a10, l_a20, l_inl, l_c5, l_a0;
	em_lines l;
	em_error err;
	const em_func_lines *fa, *fb;
	const em_line_row *r;
	int64_t s, e;

	em_profile_add_type(p, "cpu", "nanoseconds");
	a = func(p, "a", 0);
	b = func(p, "b", 100);
	c = func(p, "c", 0);
	{
		em_line x[] = { { a, 0, 10 } }, y[] = { { a, 0, 20 } }, z[] = { { a, 0, 30 }, { b, 0, 105 } },
		    w[] = { { c, 0, 5 } }, o[] = { { a, 0, 0 } };

		l_a10 = loc(p, x, 1);
		l_a20 = loc(p, y, 1);
		l_inl = loc(p, z, 2); /* b inlined into a at line 30 */
		l_c5 = loc(p, w, 1);
		l_a0 = loc(p, o, 1);
	}
	{
		uint32_t s1[] = { l_a10, l_a20, l_a10 };  /* recursion: a:10 twice */
		uint32_t s2[] = { l_a10, l_inl };         /* leaf is b:105 (inlined) */
		uint32_t s3[] = { l_c5 };
		uint32_t s4[] = { l_a10, l_c5 };           /* zero value */
		uint32_t s5[] = { l_a20 };
		uint32_t s6[] = { l_a20 };                 /* cancels s5 */
		int64_t v1 = 7, v2 = 11, v3 = 13, v4 = 0, v5 = 3, v6 = -3;

		em_profile_add_sample(p, s1, 3, &v1, NULL, 0);
		em_profile_add_sample(p, s2, 2, &v2, NULL, 0);
		em_profile_add_sample(p, s3, 1, &v3, NULL, 0);
		em_profile_add_sample(p, s4, 2, &v4, NULL, 0);
		em_profile_add_sample(p, s5, 1, &v5, NULL, 0);
		em_profile_add_sample(p, s6, 1, &v6, NULL, 0);
	}
	ok(em_lines_build(&l, p, 0, NULL, &err) == 0, "built profile");
	is_int(l.total, 31, "total 7+11+13+3-3");
	fa = em_lines_find(&l, a);
	fb = em_lines_find(&l, b);
	ok(fa && fb && em_lines_find(&l, c), "a, b and c have weight");
	if (fa == NULL || fb == NULL)
		return;
	r = em_lines_row(&l, fa, 10);
	ok(r && r->self == 7 && r->total == 18, "a:10: recursion counted once (total 7+11), self 7");
	r = em_lines_row(&l, fa, 20);
	ok(r && r->self == 0 && r->total == 7, "a:20 total 7 (+3-3 from the cancelling pair)");
	r = em_lines_row(&l, fa, 30);
	ok(r && r->self == 0 && r->total == 11, "a:30 is the caller of an inlined frame: no self");
	r = em_lines_row(&l, fb, 105);
	ok(r && r->self == 11 && r->total == 11, "b:105 inlined leaf gets the self");
	ok(em_lines_row(&l, fa, 0) == NULL, "a:0 only in no sample: no row");
	is_int(fa->self, 7, "a self");
	is_int(fa->total, 18, "a total (once per sample)");
	em_lines_window(p, &l, fa, &s, &e);
	ok(s == 5 && e == 35, "a window 10-5 .. 30+5, got %lld..%lld", (long long)s, (long long)e);
	em_lines_window(p, &l, fb, &s, &e);
	ok(s == 100 && e == 110, "b window from its start line 100 to 105+5");
	is_int(em_lines_hottest(&l, fa)->line, 10, "hottest line of a");
	em_lines_free(&l);

	/* a pair whose values cancel is dropped, as pprof drops weightless nodes */
	{
		uint32_t s7[] = { l_a0 };
		int64_t v7 = 5, v8 = -5;

		em_profile_add_sample(p, s7, 1, &v7, NULL, 0);
		em_profile_add_sample(p, s7, 1, &v8, NULL, 0);
	}
	ok(em_lines_build_func(&l, p, 0, a, &err) == 0, "only a");
	ok(l.nfuncs == 1 && em_lines_find(&l, b) == NULL, "want filter keeps b out");
	ok(em_lines_row(&l, em_lines_find(&l, a), 0) == NULL, "cancelled a:0 dropped");
	em_lines_free(&l);

	/* line 0 with weight widens the window to line 1, as in pprof */
	{
		uint32_t s9[] = { l_a0 };
		int64_t v9 = 1;

		em_profile_add_sample(p, s9, 1, &v9, NULL, 0);
	}
	ok(em_lines_build_func(&l, p, 0, a, &err) == 0, "a again");
	fa = em_lines_find(&l, a);
	em_lines_window(p, &l, fa, &s, &e);
	ok(s == 1 && e == 35, "a line-0 row starts the window at 1");
	em_lines_free(&l);

	is_int(em_lines_build(&l, p, 3, NULL, &err), -1, "unknown sample type");
	is_int(em_lines_build_func(&l, p, 0, 999, &err), -1, "unknown function");
	{
		uint32_t s10[] = { l_c5 };
		int64_t big = INT64_MAX;

		em_profile_add_sample(p, s10, 1, &big, NULL, 0);
	}
	err.msg[0] = '\0';
	is_int(em_lines_build(&l, p, 0, NULL, &err), -1, "overflow is an error");
	ok(strstr(err.msg, "overflow") != NULL, "says overflow: %s", err.msg);
	em_profile_free(p);
}

static void file_lines(void)
{
	em_source_file f;
	size_t n = 0;
	const char *s;

	memset(&f, 0, sizeof(f));
	f.data = strdup("one\r\ntwo\n\nfour");
	f.len = strlen(f.data);
	s = em_source_file_line(&f, 1, &n);
	ok(s && n == 3 && memcmp(s, "one", 3) == 0, "line 1 without CR LF");
	s = em_source_file_line(&f, 3, &n);
	ok(s && n == 0, "empty line 3");
	s = em_source_file_line(&f, 4, &n);
	ok(s && n == 4 && memcmp(s, "four", 4) == 0, "last line without newline");
	ok(em_source_file_line(&f, 5, &n) == NULL, "past the end");
	ok(em_source_file_line(&f, 0, &n) == NULL, "line 0");
	em_source_file_free(&f);
	f.data = strdup("a\n");
	f.len = 2;
	ok(em_source_file_line(&f, 1, &n) && em_source_file_line(&f, 2, &n) == NULL,
	    "a final newline does not make an extra line");
	em_source_file_free(&f);
	f.data = strdup("");
	f.len = 0;
	ok(em_source_file_line(&f, 1, &n) == NULL, "empty file has no lines");
	em_source_file_free(&f);
}

int main(void)
{
	sample_cpu();
	goworkload();
	node_no_file();
	built();
	file_lines();
	return done();
}

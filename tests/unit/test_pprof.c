/* test_pprof.c - the pprof reader (src/formats/pprof_read.c, pprof_wire.c).
 *
 * Two kinds of checks:
 *   - real profiles from $TESTDATA/corpus against the exact per-function
 *     flat/cum of $TESTDATA/oracle (made with google/pprof's own library);
 *   - tiny profiles encoded here byte by byte, for what real files do not
 *     cover: packed vs unpacked fields, inlined frame order, unsymbolized
 *     names, drop_frames/keep_frames (the cases of google/pprof
 *     profile/prune_test.go), one function name in several files, the
 *     mapping table, every validation error, and every truncation
 *     and single-byte corruption of a valid profile (run under ASan). */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/lines.h"
#include "embers/reader.h"
#include "embers/top.h"
#include "tap.h"

/* ---- a tiny protobuf encoder ----------------------------------------- */

typedef struct pb {
	uint8_t *b;
	size_t n, cap;
} pb;

static void pb_raw(pb *o, const void *d, size_t n)
{
	if (o->n + n > o->cap) {
		o->cap = (o->n + n) * 2 + 64;
		o->b = realloc(o->b, o->cap);
		if (!o->b)
			abort();
	}
	if (n)
		memcpy(o->b + o->n, d, n);
	o->n += n;
}

static void pb_varint(pb *o, uint64_t v)
{
	uint8_t c;

	while (v >= 0x80) {
		c = (uint8_t)(v | 0x80);
		pb_raw(o, &c, 1);
		v >>= 7;
	}
	c = (uint8_t)v;
	pb_raw(o, &c, 1);
}

static void pb_key(pb *o, unsigned field, unsigned wt)
{
	pb_varint(o, (uint64_t)field << 3 | wt);
}

static void pb_int(pb *o, unsigned field, int64_t v)
{
	pb_key(o, field, 0);
	pb_varint(o, (uint64_t)v);
}

static void pb_bytes(pb *o, unsigned field, const void *d, size_t n)
{
	pb_key(o, field, 2);
	pb_varint(o, n);
	pb_raw(o, d, n);
}

static void pb_msg(pb *o, unsigned field, pb *m)
{
	pb_bytes(o, field, m->b, m->n);
	free(m->b);
	memset(m, 0, sizeof(*m));
}

/* A repeated integer field, packed or one key per value. */
static void pb_ints(pb *o, unsigned field, const int64_t *v, size_t n, int packed)
{
	pb m = { 0 };
	size_t i;

	if (!packed) {
		for (i = 0; i < n; i++)
			pb_int(o, field, v[i]);
		return;
	}
	for (i = 0; i < n; i++)
		pb_varint(&m, (uint64_t)v[i]);
	pb_msg(o, field, &m);
}

/* "ptr, count" of an int64 array literal. */
#define A(...) ((const int64_t[]){ __VA_ARGS__ }), \
	(sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t))

/* ---- profile.proto pieces -------------------------------------------- */

static void p_strings(pb *o, const char *const *s)
{
	for (; *s; s++)
		pb_bytes(o, 6, *s, strlen(*s));
}

static void p_vtype(pb *o, unsigned field, int64_t type, int64_t unit)
{
	pb m = { 0 };

	pb_int(&m, 1, type);
	pb_int(&m, 2, unit);
	pb_msg(o, field, &m);
}

static void p_func(pb *o, uint64_t id, int64_t name)
{
	pb m = { 0 };

	pb_int(&m, 1, (int64_t)id);
	pb_int(&m, 2, name);
	pb_msg(o, 5, &m);
}

static void p_mapping(pb *o, uint64_t id, int64_t file)
{
	pb m = { 0 };

	pb_int(&m, 1, (int64_t)id);
	pb_int(&m, 5, file);
	pb_msg(o, 3, &m);
}

/* Location with lines for funcs (innermost first, pprof order); a func
 * id 0 gives a Line without function. Line numbers are 100 + index. */
static void p_loc(pb *o, uint64_t id, uint64_t map, uint64_t addr,
    const int64_t *funcs, size_t n)
{
	pb m = { 0 }, line = { 0 };
	size_t i;

	pb_int(&m, 1, (int64_t)id);
	if (map)
		pb_int(&m, 2, (int64_t)map);
	if (addr)
		pb_int(&m, 3, (int64_t)addr);
	for (i = 0; i < n; i++) {
		if (funcs[i])
			pb_int(&line, 1, funcs[i]);
		pb_int(&line, 2, 100 + (int64_t)i);
		pb_msg(&m, 4, &line);
	}
	pb_msg(o, 4, &m);
}

static void p_sample(pb *o, const int64_t *locs, size_t nl, const int64_t *vals,
    size_t nv, int packed)
{
	pb m = { 0 };

	pb_ints(&m, 1, locs, nl, packed);
	pb_ints(&m, 2, vals, nv, packed);
	pb_msg(o, 2, &m);
}

/* ---- helpers --------------------------------------------------------- */

static em_profile *load(const uint8_t *b, size_t n, const em_read_opts *opts, em_error *err)
{
	em_profile *p = em_profile_new();

	err->msg[0] = '\0';
	if (!p)
		return NULL;
	if (em_read_pprof(p, b, n, opts, err) == 0)
		return p;
	em_profile_free(p);
	return NULL;
}

/* Root-first frame names of sample s, ';'-separated. */
static const char *stack_of(const em_profile *p, size_t s)
{
	static char buf[4096];
	const uint32_t *locs = em_sample_locs(p, s);
	size_t d = em_sample_depth(p, s), k, o = 0;
	uint32_t j;

	buf[0] = '\0';
	for (k = 0; k < d; k++) {
		const em_location *l = &p->locs[locs[k]];
		for (j = 0; j < l->nlines; j++) {
			const char *name = em_func_name(p, p->lines[l->first_line + j].func);
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
			    o ? ";" : "", name);
			if (o >= sizeof(buf))
				return buf;
		}
	}
	return buf;
}

/* Error of reading bytes that must be refused; "" when they were read. */
static const char *refusal(const pb *o)
{
	static em_error err;
	em_profile *p = load(o->b, o->n, NULL, &err);

	if (p) {
		em_profile_free(p);
		return "";
	}
	return err.msg;
}

static void refused(const pb *o, const char *want, const char *what)
{
	const char *msg = refusal(o);

	if (!ok(strstr(msg, want) != NULL && msg[0] >= 'a' && msg[0] <= 'z',
	    "refused: %s", what))
		printf("#   got '%s', want '%s'\n", msg, want);
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	long sz;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)sz + 1)))
		*n = fread(b, 1, (size_t)sz, f);
	fclose(f);
	return b;
}

/* The file under $TESTDATA/corpus, gunzipped when needed. */
static uint8_t *corpus_file(const char *rel, size_t *n)
{
	char path[1024];
	const char *td = getenv("TESTDATA");
	uint8_t *b, *u;
	size_t un;
	em_error err;

	snprintf(path, sizeof(path), "%s/corpus/%s", td ? td : "tests/data", rel);
	if (!(b = slurp(path, n)))
		return NULL;
	if (!em_is_gzip(b, *n))
		return b;
	if (em_gunzip(b, *n, 0, &u, &un, &err)) {
		free(b);
		return NULL;
	}
	free(b);
	*n = un;
	return u;
}

/* ---- oracle comparison ----------------------------------------------- */

static void escape(const char *s, char *o, size_t cap)
{
	size_t j = 0;

	for (; *s && j + 3 < cap; s++) {
		char c = *s == '\t' ? 't' : *s == '\n' ? 'n' : *s == '\r' ? 'r' : 0;
		if (c) {
			o[j++] = '\\';
			o[j++] = c;
		} else {
			o[j++] = *s;
		}
	}
	o[j] = '\0';
}

typedef struct cmp {
	int rows, matched, extra;
	long long total;
} cmp;

/* Find the oracle row named name among ours and compare its figures. */
static int match_row(const em_profile *p, const em_top *t, char *used,
    const char *name, long long flat, long long cum)
{
	char esc[4096];
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		if (used[i])
			continue;
		escape(em_func_name(p, t->rows[i].func), esc, sizeof(esc));
		if (strcmp(esc, name) != 0)
			continue;
		used[i] = 1;
		if (t->rows[i].self == flat && t->rows[i].total == cum)
			return 1;
		printf("#   %s: got %lld/%lld, want %lld/%lld\n", name,
		    (long long)t->rows[i].self, (long long)t->rows[i].total, flat, cum);
		return 0;
	}
	printf("#   missing %s\n", name);
	return 0;
}

static void compare_tsv(FILE *f, const em_profile *p, const em_top *t, cmp *c)
{
	char line[8192], *tab1, *tab2, *q;
	char *used = calloc(t->n + 1, 1);
	uint32_t i;

	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#') {
			if ((q = strstr(line, "total=")))
				c->total = strtoll(q + 6, NULL, 10);
			continue;
		}
		if (!(tab1 = strchr(line, '\t')) || !(tab2 = strchr(tab1 + 1, '\t')))
			continue;
		long long flat = strtoll(line, NULL, 10), cum = strtoll(tab1 + 1, NULL, 10);
		if (flat == 0 && cum == 0)
			continue;
		c->rows++;
		c->matched += match_row(p, t, used, tab2 + 1, flat, cum);
	}
	for (i = 0; i < t->n; i++)
		if (!used[i] && (t->rows[i].self || t->rows[i].total))
			c->extra++;
	free(used);
}

static void check_type(const em_profile *p, const char *rel, uint32_t type)
{
	char pat[1024];
	const char *td = getenv("TESTDATA");
	glob_t g;
	FILE *f;
	em_top t;
	em_error err;
	cmp c = { 0, 0, 0, -1 };

	snprintf(pat, sizeof(pat), "%s/oracle/%s/top.%u.*.tsv", td ? td : "tests/data", rel, type);
	if (glob(pat, 0, NULL, &g) != 0) {
		ok(0, "%s: oracle for type %u", rel, type);
		return;
	}
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	if (!f || em_top_build(&t, p, type, &err)) {
		ok(0, "%s type %u: oracle and top", rel, type);
		if (f)
			fclose(f);
		return;
	}
	compare_tsv(f, p, &t, &c);
	fclose(f);
	if (!ok(c.matched == c.rows && c.extra == 0 && c.total == t.total,
	    "%s type %u: %d functions and total %lld as the oracle", rel, type,
	    c.rows, c.total))
		printf("#   matched %d of %d, %d extra, total %lld\n", c.matched,
		    c.rows, c.extra, (long long)t.total);
	em_top_free(&t);
}

static em_profile *check_oracle(const char *rel, uint32_t want_types)
{
	size_t n = 0;
	uint8_t *b = corpus_file(rel, &n);
	int opened = b != NULL;
	em_error err = { { 0 } };
	em_profile *p = b ? load(b, n, NULL, &err) : NULL;
	uint32_t t;

	free(b);
	if (!ok(p != NULL, "%s: read", rel)) {
		printf("#   %s\n", opened ? err.msg : "cannot open");
		return NULL;
	}
	is_int(p->ntypes, want_types, "  its number of sample types");
	for (t = 0; t < p->ntypes; t++)
		check_type(p, rel, t);
	return p;
}

static int64_t self_of(const em_profile *p, uint32_t type, const char *name, int64_t *total)
{
	em_top t;
	em_error err;
	em_func_id f = em_profile_find_func(p, name, strlen(name));
	int64_t self = -1;
	uint32_t i;

	*total = -1;
	if (f == EM_FUNC_NONE || em_top_build(&t, p, type, &err))
		return -1;
	for (i = 0; i < t.n; i++)
		if (t.rows[i].func == f) {
			self = t.rows[i].self;
			*total = t.rows[i].total;
		}
	em_top_free(&t);
	return self;
}

static void test_oracle(void)
{
	static const struct { const char *rel; uint32_t types; } files[] = {
		{ "public/google__pprof/cppbench.cpu_no_samples_type", 1 },
		{ "public/google__pprof/go.nomappings.crash", 4 },
		{ "public/jlfwong__speedscope/simple.prof", 2 },
		{ "public/laixintao__flameshow/goroutine.out", 1 },
		{ "public/laixintao__flameshow/profile-10seconds.out", 2 },
		{ "public/parca-dev__parca/alloc_objects.pb.gz", 4 },
		{ "public/parca-dev__parca/node-profile.pb.gz", 1 },
		{ "public/parca-dev__parca/profile-with-labels.pb.gz", 1 },
		{ "public/parca-dev__parca/profile.pb.gz", 1 },
		{ "public/parca-dev__parca/stripped-cpu.stripped.pprof", 2 },
		{ "public/parca-dev__parca/two-stacks.pb.gz", 1 },
		{ "public/pyroscope-io__flamegraph.com-github-action/pprof", 1 },
		{ "generated/converted-from-legacy/cppbench.heap.pb.gz", 2 },
		{ "generated/converted-from-legacy/gobench.cpu.pb.gz", 2 },
		{ "generated/converted-from-legacy/java.heap.pb.gz", 2 },
		{ "generated/go-workload/mutex.pb.gz", 2 },
		{ "generated/node-workload/node-wall-cpu.pb.gz", 3 },
	};
	em_profile *p;
	int64_t self, total;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		em_profile_free(check_oracle(files[i].rel, files[i].types));

	/* Named figures, to be readable without the oracle files. */
	if ((p = check_oracle("public/google__pprof/sample.cpu", 2))) {
		self = self_of(p, 0, "runtime.mapiternext", &total);
		ok(self == 128 && total == 137, "sample.cpu: runtime.mapiternext 128/137");
		is_int(p->default_type, 1, "sample.cpu: default type is the last (cpu)");
		is_int(p->period, 10000000, "sample.cpu: period");
		is_str(em_profile_cstr(p, p->period_type.type), "cpu", "sample.cpu: period type");
		is_str(em_profile_cstr(p, p->period_type.unit), "nanoseconds", "sample.cpu: period unit");
		is_int(p->duration_nanos, 2002012950, "sample.cpu: duration");
		is_int(p->time_nanos, 1506718679257235370LL, "sample.cpu: time");
		em_profile_free(p);
	}
	if ((p = check_oracle("public/parca-dev__parca/fib.pb.gz", 2))) {
		self = self_of(p, 1, "github.com/polarsignals/pprof-example-app-go/fib.Fibonacci", &total);
		ok(self == 10000000 && total == 29200000000LL,
		    "fib.pb.gz: recursive Fibonacci counted once in cum");
		em_profile_free(p);
	}
	if ((p = check_oracle("public/laixintao__flameshow/heap.out", 4))) {
		is_str(em_profile_cstr(p, p->types[p->default_type].type), "inuse_space",
		    "heap.out: default_sample_type honoured");
		ok(p->label_off != NULL && p->nlabels > 0, "heap.out: labels kept");
		em_profile_free(p);
	}
}

static void test_legacy_refused(void)
{
	static const char *const legacy[] = {
		"public/google__pprof/gobench.cpu", "public/google__pprof/java.heap",
	};
	size_t i, n = 0;
	em_error err;

	for (i = 0; i < 2; i++) {
		uint8_t *b = corpus_file(legacy[i], &n);
		em_profile *p = b ? load(b, n, NULL, &err) : NULL;
		ok(b && !p && strstr(err.msg, "not a pprof profile"),
		    "legacy %s refused as not pprof", legacy[i]);
		em_profile_free(p);
		free(b);
	}
}

/* ---- hand-made profiles ---------------------------------------------- */

/* Strings shared by the small profiles below. */
enum { S_EMPTY, S_SAMPLES, S_COUNT, S_CPU, S_NS, S_MAIN, S_A, S_B, S_C,
	S_LIBC, S_KEY, S_VAL, S_BYTES, S_COMMENT1, S_COMMENT2, S_NOSLASH, S_DIR,
	S_EMPTY2 };
static const char *const strs[] = { "", "samples", "count", "cpu", "nanoseconds",
	"main", "a", "b", "c", "/usr/lib/libc.so.6", "key", "val", "bytes",
	"first comment", "second comment", "bare", "some/dir/", "", NULL };

/* main -> b (with c inlined into it) -> a; two samples, two types. */
static void build_basic(pb *o, int packed)
{
	p_vtype(o, 1, S_SAMPLES, S_COUNT);
	p_vtype(o, 1, S_CPU, S_NS);
	p_sample(o, A(2, 1), A(1, 10), packed);
	p_sample(o, A(3, 2, 1), A(2, 20), packed);
	p_func(o, 1, S_MAIN);
	p_func(o, 2, S_A);
	p_func(o, 3, S_B);
	p_func(o, 4, S_C);
	p_loc(o, 1, 0, 0x10, A(1));
	p_loc(o, 2, 0, 0x20, A(4, 3));  /* c inlined into b */
	p_loc(o, 3, 0, 0x30, A(2));
	p_strings(o, strs);
}

static void test_packed(void)
{
	pb u = { 0 }, k = { 0 }, mixed = { 0 };
	em_error err;
	em_profile *pu, *pk, *pm;
	pb s = { 0 };

	build_basic(&u, 0);
	build_basic(&k, 1);
	/* One sample with location ids split: 3 unpacked, then 2 1 packed. */
	p_vtype(&mixed, 1, S_SAMPLES, S_COUNT);
	pb_int(&s, 1, 3);
	pb_ints(&s, 1, A(2, 1), 1);
	pb_int(&s, 2, 7);
	pb_msg(&mixed, 2, &s);
	p_func(&mixed, 1, S_MAIN);
	p_func(&mixed, 2, S_A);
	p_func(&mixed, 3, S_B);
	p_func(&mixed, 4, S_C);
	p_loc(&mixed, 1, 0, 0, A(1));
	p_loc(&mixed, 2, 0, 0, A(4, 3));
	p_loc(&mixed, 3, 0, 0, A(2));
	p_strings(&mixed, strs);

	pu = load(u.b, u.n, NULL, &err);
	pk = load(k.b, k.n, NULL, &err);
	pm = load(mixed.b, mixed.n, NULL, &err);
	ok(pu && pk && pm, "unpacked, packed and mixed repeated fields read");
	if (pu && pk && pm) {
		is_int(pu->nsamples, 2, "unpacked: 2 samples");
		is_str(stack_of(pu, 1), "main;b;c;a", "unpacked: root first, inlined c after b");
		is_str(stack_of(pk, 1), "main;b;c;a", "packed: same stack");
		is_str(stack_of(pk, 0), "main;b;c", "packed: the sample ending in the inlined frame");
		is_int(em_sample_value(pk, 1, 1), 20, "packed: values");
		is_int(em_sample_value(pu, 1, 1), 20, "unpacked: values");
		is_str(stack_of(pm, 0), "main;b;c;a", "mixed: ids read in order");
		is_int(em_sample_value(pm, 0, 0), 7, "mixed: value");
		is_int(pk->default_type, 1, "no default_sample_type: the last type");
	}
	em_profile_free(pu);
	em_profile_free(pk);
	em_profile_free(pm);
	free(u.b);
	free(k.b);
	free(mixed.b);
}

static void test_inlined_top(void)
{
	pb o = { 0 };
	em_error err;
	em_profile *p;
	int64_t self, total;

	build_basic(&o, 1);
	p = load(o.b, o.n, NULL, &err);
	if (ok(p != NULL, "basic profile read")) {
		const em_location *l = &p->locs[1];
		is_int(l->nlines, 2, "inlined location keeps both lines");
		is_str(em_func_name(p, p->lines[l->first_line].func), "b", "  root first: the caller b");
		is_int(p->lines[l->first_line].line, 101, "  b's line number");
		is_str(em_func_name(p, p->lines[l->first_line + 1].func), "c", "  then the inlined c");
		is_int(l->address, 0x20, "  address kept");
		self = self_of(p, 1, "c", &total);
		ok(self == 10 && total == 30, "inlined c: self 10 (leaf of sample 0), total 30");
		self = self_of(p, 1, "a", &total);
		ok(self == 20 && total == 20, "a: self 20");
		self = self_of(p, 1, "main", &total);
		ok(self == 0 && total == 30, "main: self 0, total 30");
		em_profile_free(p);
	}
	free(o.b);
}

static void test_unsymbolized(void)
{
	pb o = { 0 }, fn = { 0 };
	em_error err;
	em_profile *p;
	int64_t self, total;

	p_vtype(&o, 1, S_CPU, S_NS);
	p_mapping(&o, 1, S_LIBC);
	p_mapping(&o, 2, S_NOSLASH);
	p_mapping(&o, 3, S_DIR);
	p_mapping(&o, 4, S_EMPTY);
	p_mapping(&o, 5, S_EMPTY2);
	p_func(&o, 1, S_MAIN);
	/* A function with an empty name: named after its mapping too. */
	pb_int(&fn, 1, 2);
	pb_msg(&o, 5, &fn);
	p_loc(&o, 1, 0, 0, A(1));
	p_loc(&o, 2, 1, 0xdead, NULL, 0);   /* no lines */
	p_loc(&o, 3, 0, 0xbeef, NULL, 0);   /* no lines, no mapping */
	p_loc(&o, 4, 2, 0x1, A(0));         /* line without function */
	p_loc(&o, 5, 3, 0x2, A(2));         /* unnamed function */
	p_loc(&o, 6, 4, 0x3, NULL, 0);      /* mapping without file */
	p_func(&o, 3, S_EMPTY2);            /* a name that is another "" */
	p_loc(&o, 7, 2, 0x4, A(3));
	p_loc(&o, 8, 5, 0x5, NULL, 0);      /* file is another "" */
	p_sample(&o, A(2, 1), A(1), 1);
	p_sample(&o, A(3, 2, 1), A(2), 1);
	p_sample(&o, A(4, 1), A(4), 1);
	p_sample(&o, A(5, 1), A(8), 1);
	p_sample(&o, A(6, 1), A(16), 1);
	p_sample(&o, A(7, 1), A(32), 1);
	p_sample(&o, A(8, 1), A(64), 1);
	p_strings(&o, strs);
	p = load(o.b, o.n, NULL, &err);
	if (!ok(p != NULL, "unsymbolized profile read")) {
		printf("#   %s\n", err.msg);
		free(o.b);
		return;
	}
	is_str(stack_of(p, 0), "main;[libc.so.6]", "no lines: [basename of mapping]");
	is_str(stack_of(p, 1), "main;[libc.so.6];<unknown>", "no mapping: <unknown>");
	is_str(stack_of(p, 2), "main;[bare]", "line without function: mapping name");
	is_str(stack_of(p, 3), "main;[dir]", "unnamed function: mapping name, trailing / ignored");
	is_str(stack_of(p, 4), "main;<unknown>", "mapping without file: <unknown>");
	is_str(stack_of(p, 5), "main;[bare]", "name that is a second empty string: unnamed");
	is_int(p->locs[1].address, 0xdead, "address of an unsymbolized location kept");
	is_str(em_profile_cstr(p, p->locs[1].mapping_file), "/usr/lib/libc.so.6",
	    "mapping file of an unsymbolized location kept");
	self = self_of(p, 0, "<unknown>", &total);
	is_str(stack_of(p, 6), "main;<unknown>", "mapping file that is a second \"\": <unknown>");
	ok(self == 82 && total == 82, "<unknown> frames of all kinds are one function");
	em_profile_free(p);
	free(o.b);
}

/* ---- one name in several files; mappings ------------------------------- */

enum { F_EMPTY, F_SAMPLES, F_COUNT, F_HANDLE, F_APP, F_LAYER, F_MAIN, F_LIB,
	F_BUILD, F_VDSO, F_SYS };
static const char *const fstrs[] = { "", "samples", "count", "handle", "app.js",
	"lib/layer.js", "main", "/usr/lib/libx.so", "b1d", "[vdso]", "sys_handle", NULL };

static void p_func_full(pb *o, uint64_t id, int64_t name, int64_t sys, int64_t file,
    int64_t start)
{
	pb m = { 0 };

	pb_int(&m, 1, (int64_t)id);
	pb_int(&m, 2, name);
	pb_int(&m, 3, sys);
	pb_int(&m, 4, file);
	pb_int(&m, 5, start);
	pb_msg(o, 5, &m);
}

static void p_mapping_full(pb *o, uint64_t id, uint64_t start, uint64_t limit,
    uint64_t off, int64_t file, int64_t build, const int flags[4])
{
	pb m = { 0 };
	unsigned i;

	pb_int(&m, 1, (int64_t)id);
	pb_int(&m, 2, (int64_t)start);
	pb_int(&m, 3, (int64_t)limit);
	pb_int(&m, 4, (int64_t)off);
	pb_int(&m, 5, file);
	pb_int(&m, 6, build);
	for (i = 0; i < 4; i++)
		if (flags[i])
			pb_int(&m, 7 + i, 1);
	pb_msg(o, 3, &m);
}

/* Location id with one line (func, line). */
static void p_loc_line(pb *o, uint64_t id, uint64_t map, uint64_t addr, int64_t func,
    int64_t line)
{
	pb m = { 0 }, l = { 0 };

	pb_int(&m, 1, (int64_t)id);
	if (map)
		pb_int(&m, 2, (int64_t)map);
	pb_int(&m, 3, (int64_t)addr);
	pb_int(&l, 1, func);
	pb_int(&l, 2, line);
	pb_msg(&m, 4, &l);
	pb_msg(o, 4, &m);
}

/* "handle" is defined in app.js (from line 10), lib/layer.js (from 40)
 * and without a file; main calls each, and handle in app.js calls the
 * one in layer.js. Mappings come in the order ids 9, 2 (the model keeps
 * the order of the file, as pprof does). */
static void build_files(pb *o)
{
	static const int fl_all[4] = { 1, 1, 1, 0 }, fl_none[4] = { 0, 0, 0, 0 };

	p_vtype(o, 1, F_SAMPLES, F_COUNT);
	p_mapping_full(o, 9, 0x400000, 0x4a0000, 0x1000, F_LIB, F_BUILD, fl_all);
	p_mapping_full(o, 2, 0x7ffd0000, 0x7ffd2000, 0, F_VDSO, 0, fl_none);
	p_func_full(o, 1, F_HANDLE, F_SYS, F_APP, 10);
	p_func_full(o, 2, F_HANDLE, F_HANDLE, F_LAYER, 40);
	p_func_full(o, 3, F_HANDLE, 0, 0, 0);
	p_func_full(o, 4, F_MAIN, 0, F_APP, 1);
	p_loc_line(o, 1, 9, 0x401000, 4, 3);
	p_loc_line(o, 2, 9, 0x402000, 1, 12);
	p_loc_line(o, 3, 9, 0x403000, 2, 42);
	p_loc_line(o, 4, 9, 0x404000, 3, 0);
	p_loc(o, 5, 2, 0x7ffd0100, NULL, 0);
	p_sample(o, A(2, 1), A(5), 1);
	p_sample(o, A(3, 1), A(7), 1);
	p_sample(o, A(4, 1), A(2), 1);
	p_sample(o, A(3, 2, 1), A(1), 1);
	p_sample(o, A(5, 1), A(4), 1);
	p_strings(o, fstrs);
}

static int rows_are(const em_lines *l, const em_func_lines *fl, int64_t line,
    int64_t self, int64_t total)
{
	return fl != NULL && fl->n == 1 && l->rows[fl->first].line == line &&
	    l->rows[fl->first].self == self && l->rows[fl->first].total == total;
}

static void check_files(const em_profile *p)
{
	em_func_id h = em_profile_find_func(p, "handle", 6);
	em_str app = em_strtab_find(p->strs, "app.js", 6);
	em_str layer = em_strtab_find(p->strs, "lib/layer.js", 12);
	const em_func_lines *fa, *fb, *fn;
	em_lines l;
	em_error err;
	int64_t s, e;

	ok(h != EM_FUNC_NONE && p->nfuncs == 3, "one function per name (handle, main, [vdso])");
	if (h == EM_FUNC_NONE)
		return;
	ok(p->funcs[h].file == app && p->funcs[h].start_line == 10,
	    "the function keeps its first definition: app.js from line 10");
	is_int(p->nfunc_files, 2, "two other definitions: layer.js and no file");
	is_int(em_profile_start_line(p, h, layer), 40, "start line in layer.js");
	is_int(em_profile_start_line(p, h, app), 10, "start line in app.js");
	ok(em_profile_find_func_file(p, h, 0) != UINT32_MAX, "the definition without file is kept");
	ok(em_line_file(p, &p->lines[p->locs[1].first_line]) == app &&
	    em_line_file(p, &p->lines[p->locs[2].first_line]) == layer,
	    "each frame has the file of its pprof Function");
	ok(p->lines[p->locs[3].first_line].file == EM_LINE_NO_FILE &&
	    em_line_file(p, &p->lines[p->locs[3].first_line]) == 0,
	    "a frame of the definition without file has no file");
	if (!ok(em_lines_build_func(&l, p, 0, h, &err) == 0, "per-line figures of handle"))
		return;
	fn = em_lines_find(&l, h);
	fa = em_lines_find_file(&l, h, app);
	fb = em_lines_find_file(&l, h, layer);
	is_int(l.nfuncs, 3, "three (function, file) entries");
	ok(fn != NULL && fn->file == 0, "ordered by file name: no file first");
	ok(fa == fn + 1 && fb == fn + 2, "then app.js, then lib/layer.js");
	ok(rows_are(&l, fa, 12, 5, 6) && fa->self == 5 && fa->total == 6,
	    "app.js: line 12 self 5 total 6, not mixed with the other files");
	ok(rows_are(&l, fb, 42, 8, 8) && fb->self == 8 && fb->total == 8,
	    "layer.js: line 42 self 8 total 8");
	ok(rows_are(&l, fn, 0, 2, 2), "no file: line 0 self 2 total 2");
	em_lines_window(p, &l, fb, &s, &e);
	ok(s == 40 && e == 47, "layer.js window from its own start line: %lld..%lld",
	    (long long)s, (long long)e);
	em_lines_window(p, &l, fa, &s, &e);
	ok(s == 10 && e == 17, "app.js window: %lld..%lld", (long long)s, (long long)e);
	em_lines_free(&l);
}

static void check_maps(const em_profile *p)
{
	const em_memmap *m = p->maps;

	if (!ok(p->nmaps == 2, "both mappings kept"))
		return;
	ok(m[0].memory_start == 0x400000 && m[0].memory_limit == 0x4a0000 &&
	    m[0].file_offset == 0x1000, "first in the file first: its range and offset");
	is_str(em_profile_cstr(p, m[0].file), "/usr/lib/libx.so", "its file");
	is_str(em_profile_cstr(p, m[0].build_id), "b1d", "its build id");
	ok(m[0].has_functions && m[0].has_filenames && m[0].has_line_numbers &&
	    !m[0].has_inline_frames, "its flags");
	ok(m[1].memory_start == 0x7ffd0000 && m[1].memory_limit == 0x7ffd2000 &&
	    m[1].file_offset == 0 && m[1].build_id == 0 && !m[1].has_functions &&
	    !m[1].has_filenames && !m[1].has_line_numbers && !m[1].has_inline_frames,
	    "second mapping: range, no build id, no flags");
	ok(p->locs[0].map == 1 && p->locs[3].map == 1 && p->locs[4].map == 2,
	    "locations refer to their mapping (id 9 -> first, id 2 -> second)");
	is_str(em_profile_cstr(p, p->locs[4].mapping_file), "[vdso]",
	    "mapping_file follows the mapping");
	is_str(stack_of(p, 4), "main;[[vdso]]", "unsymbolized frame named after it");
}

static void test_files_and_maps(void)
{
	pb o = { 0 };
	em_error err;
	em_profile *p;

	build_files(&o);
	p = load(o.b, o.n, NULL, &err);
	if (!ok(p != NULL, "profile with one name in several files read")) {
		printf("#   %s\n", err.msg);
		free(o.b);
		return;
	}
	check_files(p);
	check_maps(p);
	em_profile_free(p);
	free(o.b);
}

static void test_metadata(void)
{
	pb o = { 0 }, lab = { 0 }, s = { 0 };
	em_error err;
	em_profile *p;

	p_vtype(&o, 1, S_SAMPLES, S_COUNT);
	p_vtype(&o, 1, S_CPU, S_NS);
	p_vtype(&o, 1, S_BYTES, S_COUNT);
	pb_int(&o, 14, S_CPU);              /* default_sample_type */
	pb_int(&o, 13, S_COMMENT1);         /* comment, unpacked */
	pb_ints(&o, 13, A(S_COMMENT2), 1);  /* and packed */
	pb_int(&o, 9, 1234);
	pb_int(&o, 10, 5678);
	pb_int(&o, 12, 99);
	p_vtype(&o, 11, S_CPU, S_NS);
	p_func(&o, 1, S_MAIN);
	p_loc(&o, 1, 0, 0, A(1));
	pb_ints(&s, 1, A(1), 1);
	pb_ints(&s, 2, A(1, 2, 3), 1);
	pb_int(&lab, 1, S_KEY);
	pb_int(&lab, 2, S_VAL);
	pb_msg(&s, 3, &lab);
	pb_int(&lab, 1, S_BYTES);
	pb_int(&lab, 3, -4096);
	pb_int(&lab, 4, S_BYTES);
	pb_msg(&s, 3, &lab);
	pb_int(&lab, 1, S_KEY);             /* neither str nor num: dropped */
	pb_msg(&s, 3, &lab);
	pb_msg(&o, 2, &s);
	p_sample(&o, A(1), A(4, 5, 6), 0);  /* no labels */
	p_strings(&o, strs);
	p = load(o.b, o.n, NULL, &err);
	if (!ok(p != NULL, "metadata profile read")) {
		printf("#   %s\n", err.msg);
		free(o.b);
		return;
	}
	is_int(p->default_type, 1, "default_sample_type names the middle type");
	is_int(p->ncomments, 2, "both comments");
	if (p->ncomments == 2) {
		is_str(em_profile_cstr(p, p->comments[0]), "first comment", "  first");
		is_str(em_profile_cstr(p, p->comments[1]), "second comment", "  second");
	}
	is_int(p->time_nanos, 1234, "time_nanos");
	is_int(p->duration_nanos, 5678, "duration_nanos");
	is_int(p->period, 99, "period");
	is_str(em_profile_cstr(p, p->period_type.unit), "nanoseconds", "period_type");
	is_str(p->format, "pprof", "format name");
	ok(p->label_off && p->label_off[1] - p->label_off[0] == 2 &&
	    p->label_off[2] == p->label_off[1], "sample 0 has 2 labels, sample 1 none");
	if (p->label_off && p->nlabels == 2) {
		const em_label *l = p->labels;
		is_str(em_profile_cstr(p, l[0].key), "key", "string label key");
		is_str(em_profile_cstr(p, l[0].str), "val", "string label value");
		is_str(em_profile_cstr(p, l[1].key), "bytes", "numeric label key");
		is_int(l[1].str, 0, "numeric label has no string");
		is_int(l[1].num, -4096, "numeric label value");
		is_str(em_profile_cstr(p, l[1].num_unit), "bytes", "numeric label unit");
	}
	em_profile_free(p);
	free(o.b);
}

/* ---- drop_frames / keep_frames (google/pprof profile/prune_test.go) --- */

static void check_stacks(const pb *o, const char *const *want, size_t n, const char *what)
{
	em_error err;
	em_profile *p = load(o->b, o->n, NULL, &err);
	size_t i;
	int same;

	if (!ok(p != NULL, "%s: read", what)) {
		printf("#   %s\n", err.msg);
		return;
	}
	same = p->nsamples == n;
	for (i = 0; same && i < n; i++)
		if (strcmp(stack_of(p, i), want[i]) != 0) {
			printf("#   sample %zu: got '%s', want '%s'\n", i, stack_of(p, i), want[i]);
			same = 0;
		}
	ok(same, "%s: pruned stacks", what);
	em_profile_free(p);
}

static void test_prune_upstream1(void)
{
	static const char *const s[] = { "", "samples", "count", "cpu", "milliseconds",
		"main", "fun1", "fun2", "fun3", "fun4", "fun5", "fu.*[12]|banana",
		".*[n2][n2]", NULL };
	static const char *const want[] = { "main", "main;fun2", "main", "main;fun5", "main;fun2" };
	pb o = { 0 };
	int i;

	p_vtype(&o, 1, 1, 2);
	p_vtype(&o, 1, 3, 4);
	for (i = 1; i <= 6; i++)
		p_func(&o, (uint64_t)i, 4 + i);
	p_loc(&o, 1, 0, 0, A(1));
	p_loc(&o, 2, 0, 0, A(2, 3));
	p_loc(&o, 3, 0, 0, A(4, 2));
	p_loc(&o, 4, 0, 0, A(4, 2, 6));
	p_sample(&o, A(1), A(1, 1), 1);
	p_sample(&o, A(2, 1), A(1, 1), 1);
	p_sample(&o, A(3, 1), A(1, 1), 1);
	p_sample(&o, A(4, 1), A(1, 1), 1);
	p_sample(&o, A(4, 3, 2, 1), A(1, 1), 1);
	pb_int(&o, 7, 11);
	pb_int(&o, 8, 12);
	p_strings(&o, s);
	check_stacks(&o, want, 5, "prune_test.go in1 (drop + keep)");
	free(o.b);
}

static void test_prune_upstream2(void)
{
	static const char *const s[] = { "", "samples", "count", "main",
		"unsimplified_fun(int)", "Foo::(anonymous namespace)::Test::Bar",
		"Hello::(anonymous namespace)::World(const Foo::(anonymous namespace)::Test::Bar)",
		"Foo::operator()(::Bar)",
		"unsimplified_fun\\(int\\)|.*Foo::.*::Bar.*|.*operator\\(\\)", NULL };
	static const char *const want[] = { "main;unsimplified_fun(int)", "main",
		"main;Hello::(anonymous namespace)::World(const Foo::(anonymous namespace)::Test::Bar)",
		"main" };
	pb o = { 0 };
	int i;

	p_vtype(&o, 1, 1, 2);
	for (i = 1; i <= 5; i++) {
		p_func(&o, (uint64_t)i, 2 + i);
		p_loc(&o, (uint64_t)i, 0, 0, A(i));
	}
	for (i = 2; i <= 5; i++)
		p_sample(&o, A(i, 1), A(1), 0);
	pb_int(&o, 7, 8);
	p_strings(&o, s);
	check_stacks(&o, want, 4, "prune_test.go in2 (argument lists)");
	free(o.b);
}

/* Frames matching drop_frames at the root are kept until a user frame;
 * Go-only regexp syntax "(?:" and \d is understood; an invalid pattern
 * disables pruning as in go tool pprof. */
static void test_prune_rules(void)
{
	static const char *const s[] = { "", "samples", "count", "malloc", "user",
		"helper", "(?:mal+oc|x\\d)", "user2", "(", NULL };
	static const char *const want[] = { "malloc;user", "malloc;user;user2",
		"malloc;user;user2" };
	static const char *const unpruned[] = { "malloc;user;malloc;helper",
		"malloc;user;user2;malloc;user2;malloc", "malloc;user;user2;malloc;malloc" };
	pb o = { 0 }, bad = { 0 };
	int pass;

	for (pass = 0; pass < 2; pass++) {
		pb *t = pass ? &bad : &o;
		p_vtype(t, 1, 1, 2);
		p_func(t, 1, 3);
		p_func(t, 2, 4);
		p_func(t, 3, 5);
		p_func(t, 4, 7);
		p_loc(t, 1, 0, 0, A(1));
		p_loc(t, 2, 0, 0, A(2));
		p_loc(t, 3, 0, 0, A(3));
		p_loc(t, 4, 0, 0, A(1, 4));  /* malloc inlined into user2 */
		p_sample(t, A(3, 1, 2, 1), A(1), 1);
		p_sample(t, A(4, 4, 2, 1), A(1), 1);
		p_sample(t, A(1, 4, 2, 1), A(1), 1);
		pb_int(t, 7, pass ? 8 : 6);
		p_strings(t, s);
	}
	check_stacks(&o, want, 3, "root frames kept, (?: and \\d understood");
	check_stacks(&bad, unpruned, 3, "invalid drop_frames: nothing pruned");
	free(o.b);
	free(bad.b);
}

/* ---- errors ---------------------------------------------------------- */

static void test_wire_errors(void)
{
	static const uint8_t trunc_varint[] = { 0x08, 0x80 };
	static const uint8_t long_varint[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	static const uint8_t past_end[] = { 0x32, 0x05, 'a' };
	static const uint8_t group[] = { 0x0b, 0x0c };
	pb o = { 0 };

	refused(&o, "empty file", "zero-length input");
	pb_raw(&o, trunc_varint, sizeof(trunc_varint));
	refused(&o, "truncated varint", "truncated varint");
	o.n = 0;
	pb_raw(&o, long_varint, sizeof(long_varint));
	refused(&o, "longer than 10 bytes", "11-byte varint");
	o.n = 0;
	pb_raw(&o, past_end, sizeof(past_end));
	refused(&o, "runs past the end", "length beyond the end");
	o.n = 0;
	pb_raw(&o, group, sizeof(group));
	refused(&o, "unknown wire type", "group wire type");
	free(o.b);
}

/* A valid minimal profile with one change made by edit. */
typedef void (*edit_fn)(pb *o);
static void minimal(pb *o, edit_fn edit)
{
	memset(o, 0, sizeof(*o));
	p_strings(o, strs);
	p_vtype(o, 1, S_SAMPLES, S_COUNT);
	p_mapping(o, 1, S_LIBC);
	p_func(o, 1, S_MAIN);
	p_loc(o, 1, 1, 0, A(1));
	if (edit)
		edit(o);
	else
		p_sample(o, A(1), A(1), 1);
}

static void e_unknown_loc(pb *o) { p_sample(o, A(1, 7), A(1), 1); }
static void e_loc_zero(pb *o) { p_sample(o, A(0), A(1), 1); }
static void e_unknown_func(pb *o) { p_loc(o, 2, 0, 0, A(9)); }
static void e_unknown_map(pb *o) { p_loc(o, 2, 5, 0, A(1)); }
static void e_str_range(pb *o) { p_func(o, 2, 500); }
static void e_str_negative(pb *o) { p_vtype(o, 11, -1, 0); }
static void e_label_str(pb *o)
{
	pb s = { 0 }, l = { 0 };

	pb_int(&s, 1, 1);
	pb_int(&s, 2, 1);
	pb_int(&l, 1, 1000);
	pb_int(&l, 2, 1);
	pb_msg(&s, 3, &l);
	pb_msg(o, 2, &s);
}
static void e_values(pb *o) { p_sample(o, A(1), A(1, 2), 1); }
static void e_func_zero(pb *o) { p_func(o, 0, S_A); }
static void e_loc_id_zero(pb *o) { p_loc(o, 0, 0, 0, A(1)); }
static void e_map_zero(pb *o) { p_mapping(o, 0, S_LIBC); }
static void e_dup_func(pb *o) { p_func(o, 1, S_A); }
static void e_dup_loc_sparse(pb *o)
{
	p_loc(o, 1ull << 40, 0, 0, A(1));
	p_loc(o, 1ull << 40, 0, 0, A(1));
}
static void e_concat(pb *o) { pb_int(o, 9, 5); pb_int(o, 9, 6); }
static void e_wire_mismatch(pb *o) { pb_int(o, 2, 5); }

static void test_errors(void)
{
	static const struct { edit_fn edit; const char *want, *what; } cases[] = {
		{ e_unknown_loc, "unknown location id 7", "sample with an unknown location" },
		{ e_loc_zero, "unknown location id 0", "sample with location id 0" },
		{ e_unknown_func, "unknown function id 9", "line with an unknown function" },
		{ e_unknown_map, "unknown mapping id 5", "location with an unknown mapping" },
		{ e_str_range, "string index 500 out of range", "string index too big" },
		{ e_str_negative, "string index -1 out of range", "negative string index" },
		{ e_label_str, "string index 1000", "label key out of range" },
		{ e_values, "has 2 values for 1 sample types", "wrong number of values" },
		{ e_func_zero, "function with reserved id 0", "function id 0" },
		{ e_loc_id_zero, "location with reserved id 0", "location id 0" },
		{ e_map_zero, "mapping with reserved id 0", "mapping id 0" },
		{ e_dup_func, "more than one function with id 1", "duplicate function id" },
		{ e_dup_loc_sparse, "more than one location with id 1099511627776",
		  "duplicate sparse location id (hashed ids)" },
		{ e_concat, "concatenated profiles", "two time_nanos" },
		{ e_wire_mismatch, "not a pprof profile", "sample as a varint" },
	};
	pb o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		minimal(&o, cases[i].edit);
		refused(&o, cases[i].want, cases[i].what);
		free(o.b);
	}

	/* string_table[0] must be "". */
	memset(&o, 0, sizeof(o));
	pb_bytes(&o, 6, "x", 1);
	refused(&o, "string_table[0] is not empty", "non-empty first string");
	free(o.b);

	/* Samples but no sample types. */
	memset(&o, 0, sizeof(o));
	p_strings(&o, strs);
	p_func(&o, 1, S_MAIN);
	p_loc(&o, 1, 0, 0, A(1));
	p_sample(&o, A(1), NULL, 0, 1);
	refused(&o, "samples without sample types", "samples without sample types");
	free(o.b);

	/* Valid protobuf of another schema (like Pyroscope's stacktraces
	 * 2.pb): field 1 holds packed ids, not a ValueType. */
	memset(&o, 0, sizeof(o));
	{
		pb m = { 0 };
		pb_ints(&m, 1, A(1, 2, 3), 1);
		pb_int(&m, 2, 160000000);
		pb_msg(&o, 1, &m);
	}
	p_strings(&o, strs);
	refused(&o, "not a pprof profile", "other schema (wire type mismatch)");
	o.n = 0;
	pb_int(&o, 9, 42);
	refused(&o, "not a pprof profile (no string table)", "message without string table");
	free(o.b);
}

static void test_ok_edges(void)
{
	pb o;
	em_error err;
	em_profile *p;

	/* Sparse ids take the hashed map. */
	memset(&o, 0, sizeof(o));
	p_strings(&o, strs);
	p_vtype(&o, 1, S_SAMPLES, S_COUNT);
	p_func(&o, 1ull << 50, S_MAIN);
	p_func(&o, 3, S_A);
	p_loc(&o, 1ull << 45, 0, 0, A(1ll << 50));
	p_loc(&o, 77777777, 0, 0, A(3));
	p_sample(&o, A(77777777, 1ll << 45), A(5), 1);
	p = load(o.b, o.n, NULL, &err);
	ok(p && strcmp(stack_of(p, 0), "main;a") == 0, "sparse 64-bit ids resolved");
	em_profile_free(p);
	free(o.b);

	/* No samples, no types: an empty but valid profile. */
	memset(&o, 0, sizeof(o));
	p_strings(&o, strs);
	p = load(o.b, o.n, NULL, &err);
	ok(p && p->nsamples == 0 && p->ntypes == 0, "profile with only a string table");
	em_profile_free(p);
	free(o.b);

	/* A sample without locations is kept (it counts in the total). */
	minimal(&o, NULL);
	p_sample(&o, NULL, 0, A(3), 1);
	p = load(o.b, o.n, NULL, &err);
	ok(p && p->nsamples == 2 && em_sample_depth(p, 1) == 0, "sample without locations kept");
	em_profile_free(p);
	free(o.b);
}

/* ---- progress, cancel, truncation, corruption ------------------------ */

static int progress_calls;
static double progress_last;
static void on_progress(void *ctx, double f)
{
	(void)ctx;
	progress_calls++;
	progress_last = f;
}

static void test_progress_cancel(void)
{
	pb o = { 0 };
	em_read_opts opts;
	em_error err;
	em_profile *p;
	volatile int cancel = 0;

	build_basic(&o, 1);
	memset(&opts, 0, sizeof(opts));
	opts.progress = on_progress;
	opts.cancel = &cancel;
	p = load(o.b, o.n, &opts, &err);
	ok(p && progress_calls >= 1 && progress_last == 1.0, "progress reported up to 1");
	em_profile_free(p);
	cancel = 1;
	p = load(o.b, o.n, &opts, &err);
	ok(!p && strcmp(err.msg, "cancelled") == 0, "cancel stops the reader");
	em_profile_free(p);
	free(o.b);
}

/* A profile using every field we read (plus drop_frames). */
static void build_rich(pb *o)
{
	pb s = { 0 }, l = { 0 };

	build_basic(o, 1);
	p_mapping(o, 1, S_LIBC);
	p_loc(o, 4, 1, 0x40, NULL, 0);
	p_loc(o, 5, 1, 0x50, A(0, 2));
	pb_ints(&s, 1, A(5, 4, 2, 1), 0);
	pb_ints(&s, 2, A(3, 30), 1);
	pb_int(&l, 1, S_KEY);
	pb_int(&l, 2, S_VAL);
	pb_msg(&s, 3, &l);
	pb_msg(o, 2, &s);
	pb_int(o, 7, S_A);
	pb_int(o, 9, 1);
	pb_int(o, 13, S_COMMENT1);
	pb_int(o, 14, S_CPU);
	p_vtype(o, 11, S_CPU, S_NS);
}

/* Read every prefix and every single-byte corruption of buf: each must
 * be read or refused with a message, never crash (ASan watches). */
static void mangle(const uint8_t *buf, size_t n, const char *what)
{
	uint8_t *copy = malloc(n);
	static const uint8_t bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	size_t i, k, bad = 0, read = 0;
	em_error err;
	em_profile *p;

	for (i = 0; i < n; i++) {
		memcpy(copy, buf, i);
		p = load(copy, i, NULL, &err);
		if (p)
			read++;
		else if (!err.msg[0])
			bad++;
		em_profile_free(p);
	}
	ok(bad == 0, "%s: all %zu prefixes read (%zu) or refused with a message", what, n, read);
	bad = 0;
	for (i = 0; i < n; i++)
		for (k = 0; k < sizeof(bytes); k++) {
			memcpy(copy, buf, n);
			copy[i] = bytes[k];
			p = load(copy, n, NULL, &err);
			if (!p && !err.msg[0])
				bad++;
			em_profile_free(p);
		}
	ok(bad == 0, "%s: %zu single-byte corruptions never crash", what, n * sizeof(bytes));
	free(copy);
}

static void test_truncation(void)
{
	pb o = { 0 };
	em_error err;
	em_profile *p;
	uint8_t *b;
	size_t n = 0;

	build_rich(&o);
	p = load(o.b, o.n, NULL, &err);
	if (ok(p != NULL, "rich profile read")) {
		is_str(stack_of(p, 1), "main;b;c", "rich: drop_frames 'a' cuts a leaf");
		is_str(stack_of(p, 2), "main;b;c;[libc.so.6]",
		    "rich: and a location whose caller line is 'a'");
	}
	em_profile_free(p);
	mangle(o.b, o.n, "rich hand-made profile");
	free(o.b);
	memset(&o, 0, sizeof(o));
	build_files(&o);
	mangle(o.b, o.n, "profile with files and mappings");
	free(o.b);
	if ((b = corpus_file("public/google__pprof/sample.cpu", &n))) {
		mangle(b, n, "sample.cpu");
		free(b);
	}
}

int main(void)
{
	test_oracle();
	test_legacy_refused();
	test_packed();
	test_inlined_top();
	test_unsymbolized();
	test_files_and_maps();
	test_metadata();
	test_prune_upstream1();
	test_prune_upstream2();
	test_prune_rules();
	test_wire_errors();
	test_errors();
	test_ok_edges();
	test_progress_cancel();
	test_truncation();
	return done();
}

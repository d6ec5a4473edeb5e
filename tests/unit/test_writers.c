/* test_writers.c - the writers: folded, pprof, flamebearer JSON, and the
 * atomic file replacement they go through.
 *
 * - folded output of corpus profiles byte for byte against the oracle's
 *   folded.<i>.<type>.txt (made with google/pprof's library);
 * - folded ordering, escaping and merging on hand-made profiles;
 * - pprof and flamebearer written, read back with em_read_buffer and
 *   compared per function (em_top self/total, every sample type) and, for
 *   pprof, stack by stack (folded before == folded after) plus metadata,
 *   the mapping table field by field, each location's mapping and each
 *   frame's file (one function name in several files);
 * - JSON escaping (quotes, control bytes, invalid UTF-8) and the levels'
 *   layout invariants;
 * - em_write_file_atomic: success, mode, a writer failing half-way, a
 *   missing directory, stdout; writers reporting a full disk. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "embers/reader.h"
#include "embers/top.h"
#include "embers/writer.h"
#include "tap.h"

static const char *datadir;

/* --- helpers ---------------------------------------------------------- */

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

/* A file of the test data, gunzipped when its name ends in .gz. */
static char *slurp_data(const char *rel, size_t *n)
{
	char path[4096];
	uint8_t *plain;
	size_t len, rl = strlen(rel);
	char *raw;
	em_error err;

	snprintf(path, sizeof(path), "%s/%s", datadir, rel);
	if ((raw = slurp(path, &len)) == NULL)
		return NULL;
	if (rl < 3 || strcmp(rel + rl - 3, ".gz") != 0) {
		*n = len;
		return raw;
	}
	if (em_gunzip((uint8_t *)raw, len, 0, &plain, n, &err) < 0) {
		free(raw);
		return NULL;
	}
	free(raw);
	return (char *)plain;
}

typedef int (*writer_fn)(FILE *, const em_profile *, uint32_t, em_error *);

/* Run a writer into memory; NULL (and err) on failure. */
static char *write_mem(writer_fn fn, const em_profile *p, uint32_t type, size_t *n,
    em_error *err)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, n);

	if (f == NULL)
		return NULL;
	if (fn(f, p, type, err) < 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static int pprof_fn(FILE *f, const em_profile *p, uint32_t type, em_error *err)
{
	(void)type;
	return em_write_pprof(f, p, err);
}

static em_profile *read_mem(const char *buf, size_t n, em_error *err)
{
	return em_read_buffer((const uint8_t *)buf, n, NULL, err);
}

/* The oracle names files after the sample type with [^A-Za-z0-9_.-]+
 * replaced by "_". */
static void oracle_type(const char *type, char *out, size_t n)
{
	size_t k = 0;
	int run = 0;

	for (; *type && k + 2 < n; type++) {
		char c = *type;
		int safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';

		if (safe)
			out[k++] = c;
		else if (!run)
			out[k++] = '_';
		run = !safe;
	}
	out[k] = '\0';
}

/* --- folded against the oracle ----------------------------------------- */

static const char *const oracle_files[] = {
	"public/google__pprof/sample.cpu",
	"public/laixintao__flameshow/heap.out",
	"public/laixintao__flameshow/goroutine.out",
	"public/jlfwong__speedscope/simple.prof",
	"public/parca-dev__parca/profile-with-labels.pb.gz", /* tabs in names */
	"public/parca-dev__parca/stripped-cpu.stripped.pprof", /* unsymbolized */
	"generated/converted-from-legacy/cppbench.heap.pb.gz",
	"generated/node-workload/node-wall-cpu.pb.gz",
};

/* The oracle's folded file of type i, or NULL when there is none. */
static char *oracle_folded(const char *file, const em_profile *p, uint32_t i, size_t *n)
{
	char rel[1024], safe[256];
	char *buf;

	oracle_type(em_profile_cstr(p, p->types[i].type), safe, sizeof(safe));
	snprintf(rel, sizeof(rel), "oracle/%s/folded.%u.%s.txt", file, (unsigned)i, safe);
	if ((buf = slurp_data(rel, n)) != NULL)
		return buf;
	snprintf(rel, sizeof(rel), "oracle/%s/folded.%u.%s.txt.gz", file, (unsigned)i, safe);
	return slurp_data(rel, n);
}

static void test_folded_oracle(void)
{
	size_t f, compared = 0;

	for (f = 0; f < sizeof(oracle_files) / sizeof(oracle_files[0]); f++) {
		char path[4096];
		em_error err = { "" };
		em_profile *p;
		uint32_t i;

		snprintf(path, sizeof(path), "%s/corpus/%s", datadir, oracle_files[f]);
		p = em_read_file(path, NULL, &err);
		if (!ok(p != NULL, "read %s", oracle_files[f])) {
			printf("#   %s\n", err.msg);
			continue;
		}
		for (i = 0; i < p->ntypes; i++) {
			size_t want_n, got_n;
			char *want = oracle_folded(oracle_files[f], p, i, &want_n);
			char *got = write_mem(em_write_folded, p, i, &got_n, &err);

			if (want == NULL) {
				free(got);
				continue;
			}
			compared++;
			ok(got != NULL && got_n == want_n && memcmp(got, want, got_n) == 0,
			    "folded %s type %u equals the oracle", oracle_files[f], (unsigned)i);
			free(want);
			free(got);
		}
		em_profile_free(p);
	}
	is_int(compared, 17, "oracle folded files compared");
}

/* --- folded on hand-made profiles -------------------------------------- */

/* A profile with one sample type "samples"/"count" and the given stacks:
 * each stack is "root;...;leaf" with '|' separating the lines of one
 * (inlined) location, e.g. "main;a|b" = location main, then a location
 * where b is inlined into a. */
static em_profile *build(const char *const *stacks, const int64_t *vals, size_t n)
{
	em_profile *p = em_profile_new();
	size_t i;

	if (p == NULL || em_profile_add_type(p, "samples", "count") < 0)
		return NULL;
	for (i = 0; i < n; i++) {
		uint32_t locs[64];
		size_t nl = 0;
		const char *s = stacks[i];

		while (*s) {
			em_line lines[8];
			uint32_t k = 0;

			for (;;) {
				size_t len = strcspn(s, ";|");
				em_str name = em_profile_str(p, s, len);

				lines[k].func = em_profile_func(p, name, 0, 0, 0);
				lines[k].file = 0;
				lines[k++].line = (int64_t)i; /* a new location per sample */
				s += len;
				if (*s != '|')
					break;
				s++;
			}
			locs[nl++] = em_profile_add_location(p, lines, k, 0, 0);
			if (*s == ';')
				s++;
		}
		if (em_profile_add_sample(p, locs, nl, &vals[i], NULL, 0) < 0)
			return NULL;
	}
	return p;
}

static void check_folded(const char *const *stacks, const int64_t *vals, size_t n,
    const char *want, const char *what)
{
	em_profile *p = build(stacks, vals, n);
	em_error err = { "" };
	size_t len;
	char *got = p ? write_mem(em_write_folded, p, 0, &len, &err) : NULL;

	if (!ok(got != NULL && len == strlen(want) && memcmp(got, want, len) == 0, "%s", what))
		printf("#   got '%s'\n#   want '%s'\n", got ? got : err.msg, want);
	free(got);
	em_profile_free(p);
}

static void test_folded_cases(void)
{
	/* sorted by the stack text: '.' (0x2e) sorts before ';' (0x3b) */
	static const char *const order[] = { "main;work", "main.init", "main", "a;b", "a" };
	static const int64_t order_v[] = { 1, 2, 3, 4, 5 };
	/* same functions through different locations merge; zeros vanish */
	static const char *const merge[] = { "x;y", "x;y", "x;z", "x;y;w" };
	static const int64_t merge_v[] = { 2, 3, 0, 7 };
	/* inlined frames expand root first: location (a, b inlined) then c */
	static const char *const inl[] = { "a|b;c", "a;b;c" };
	static const int64_t inl_v[] = { 1, 1 };
	/* tab/CR/LF are escaped, and sort as their escaped text */
	static const char *const esc[] = { "f\tg", "f\nh", "f\x01", "f" };
	static const int64_t esc_v[] = { 1, 2, 3, 4 };
	/* a name holding ';' folds to the same text as two frames */
	static const char *const semi[] = { "a|b", "c" };
	static const int64_t neg_v[] = { 5, -5 };
	static const char *const neg[] = { "p;q", "p;q" };
	static const char *const empty[] = { "", "k" };
	static const int64_t empty_v[] = { 6, 1 };

	check_folded(order, order_v, 5, "a 5\na;b 4\nmain 3\nmain.init 2\nmain;work 1\n",
	    "folded: lines sorted bytewise by stack text");
	check_folded(merge, merge_v, 4, "x;y 5\nx;y;w 7\n",
	    "folded: identical stacks merged, zero samples dropped");
	check_folded(inl, inl_v, 2, "a;b;c 2\n", "folded: inlined frames expanded root first");
	check_folded(esc, esc_v, 4, "f 4\nf\x01 3\nf\\nh 2\nf\\tg 1\n",
	    "folded: tab/newline escaped, sorted by stack (not line) as escaped");
	check_folded(neg, neg_v, 2, "p;q 0\n",
	    "folded: stacks summing to zero are kept, as the oracle keeps them");
	check_folded(empty, empty_v, 2, " 6\nk 1\n", "folded: a sample without frames");
	{
		em_profile *p = em_profile_new();
		em_error err = { "" };
		em_str ab, c;
		em_line l;
		uint32_t loc_ab, loc_a, loc_b, loc_c, s1[2], s2[3];
		int64_t v1 = 1, v2 = 2;
		size_t len;
		char *got;

		(void)semi;
		em_profile_add_type(p, "samples", "count");
		ab = em_profile_str(p, "a;b", 3);
		c = em_profile_str(p, "c", 1);
		l.line = 0;
		l.file = 0;
		l.func = em_profile_func(p, ab, 0, 0, 0);
		loc_ab = em_profile_add_location(p, &l, 1, 0, 0);
		l.func = em_profile_func(p, c, 0, 0, 0);
		loc_c = em_profile_add_location(p, &l, 1, 0, 0);
		l.func = em_profile_func(p, em_profile_str(p, "a", 1), 0, 0, 0);
		loc_a = em_profile_add_location(p, &l, 1, 0, 0);
		l.func = em_profile_func(p, em_profile_str(p, "b", 1), 0, 0, 0);
		loc_b = em_profile_add_location(p, &l, 1, 0, 0);
		s1[0] = loc_ab;
		s1[1] = loc_c;
		s2[0] = loc_a;
		s2[1] = loc_b;
		s2[2] = loc_c;
		em_profile_add_sample(p, s1, 2, &v1, NULL, 0);
		em_profile_add_sample(p, s2, 3, &v2, NULL, 0);
		got = write_mem(em_write_folded, p, 0, &len, &err);
		is_str(got, "a;b;c 3\n", "folded: same text from a ';' name and two frames merges");
		free(got);
		got = write_mem(em_write_folded, p, 1, &len, &err);
		ok(got == NULL && strstr(err.msg, "sample type") != NULL,
		    "folded: unknown sample type refused");
		free(got);
		em_profile_free(p);
	}
}

/* --- comparing two profiles ------------------------------------------- */

static int row_cmp_name(const em_profile *pa, const em_top_row *a,
    const em_profile *pb, const em_top_row *b)
{
	size_t la = em_strtab_len(pa->strs, pa->funcs[a->func].name);
	size_t lb = em_strtab_len(pb->strs, pb->funcs[b->func].name);

	return la != lb || memcmp(em_func_name(pa, a->func), em_func_name(pb, b->func), la) ||
	    a->self != b->self || a->total != b->total;
}

/* Same functions with the same self and total for type ta of a and tb of b. */
static int same_top(const em_profile *a, uint32_t ta, const em_profile *b, uint32_t tb,
    char *why, size_t whylen)
{
	em_top x, y;
	em_error err;
	uint32_t i;
	int same;

	if (em_top_build(&x, a, ta, &err) < 0)
		return snprintf(why, whylen, "%s", err.msg), 0;
	if (em_top_build(&y, b, tb, &err) < 0) {
		em_top_free(&x);
		return snprintf(why, whylen, "%s", err.msg), 0;
	}
	em_top_sort(&x, a, EM_SORT_NAME);
	em_top_sort(&y, b, EM_SORT_NAME);
	same = x.n == y.n && x.total == y.total;
	if (!same)
		snprintf(why, whylen, "rows %u/%u total %lld/%lld", x.n, y.n,
		    (long long)x.total, (long long)y.total);
	for (i = 0; same && i < x.n; i++)
		if (row_cmp_name(a, &x.rows[i], b, &y.rows[i])) {
			snprintf(why, whylen, "row %u: %s %lld/%lld vs %s %lld/%lld", i,
			    em_func_name(a, x.rows[i].func), (long long)x.rows[i].self,
			    (long long)x.rows[i].total, em_func_name(b, y.rows[i].func),
			    (long long)y.rows[i].self, (long long)y.rows[i].total);
			same = 0;
		}
	em_top_free(&x);
	em_top_free(&y);
	return same;
}

static int same_folded(const em_profile *a, const em_profile *b, uint32_t type)
{
	em_error err;
	size_t na, nb;
	char *fa = write_mem(em_write_folded, a, type, &na, &err);
	char *fb = write_mem(em_write_folded, b, type, &nb, &err);
	int same = fa && fb && na == nb && memcmp(fa, fb, na) == 0;

	free(fa);
	free(fb);
	return same;
}

static int same_str(const em_profile *a, em_str x, const em_profile *b, em_str y)
{
	size_t n = em_strtab_len(a->strs, x);

	return n == em_strtab_len(b->strs, y) &&
	    memcmp(em_profile_cstr(a, x), em_profile_cstr(b, y), n) == 0;
}

/* --- pprof round trips -------------------------------------------------- */

static const char *const roundtrip_files[] = {
	"public/laixintao__flameshow/heap.out",
	"public/google__pprof/sample.cpu",
	"public/parca-dev__parca/profile-with-labels.pb.gz",
	"public/parca-dev__parca/stripped-cpu.stripped.pprof",
	"generated/converted-from-legacy/cppbench.heap.pb.gz",
	"generated/go-workload/mutex.pb.gz",
	"generated/node-workload/node-wall-cpu.pb.gz",
	"generated/node-workload/node-wall-lines.pb.gz",
};

static int same_metadata(const em_profile *a, const em_profile *b, char *why, size_t n)
{
	uint32_t i;

	if (a->ntypes != b->ntypes || a->nsamples != b->nsamples)
		return snprintf(why, n, "types %u/%u samples %zu/%zu", a->ntypes, b->ntypes,
		    a->nsamples, b->nsamples), 0;
	for (i = 0; i < a->ntypes; i++)
		if (!same_str(a, a->types[i].type, b, b->types[i].type) ||
		    !same_str(a, a->types[i].unit, b, b->types[i].unit))
			return snprintf(why, n, "sample type %u", i), 0;
	if (a->default_type != b->default_type || a->period != b->period ||
	    a->time_nanos != b->time_nanos || a->duration_nanos != b->duration_nanos ||
	    !same_str(a, a->period_type.type, b, b->period_type.type) ||
	    !same_str(a, a->period_type.unit, b, b->period_type.unit))
		return snprintf(why, n, "default type, period or times differ"), 0;
	if (a->ncomments != b->ncomments || a->nlabels != b->nlabels)
		return snprintf(why, n, "comments %u/%u labels %zu/%zu", a->ncomments,
		    b->ncomments, a->nlabels, b->nlabels), 0;
	for (i = 0; i < a->ncomments; i++)
		if (!same_str(a, a->comments[i], b, b->comments[i]))
			return snprintf(why, n, "comment %u", i), 0;
	return 1;
}

static int same_map(const em_profile *a, const em_memmap *x, const em_profile *b,
    const em_memmap *y)
{
	return x->memory_start == y->memory_start && x->memory_limit == y->memory_limit &&
	    x->file_offset == y->file_offset && same_str(a, x->file, b, y->file) &&
	    same_str(a, x->build_id, b, y->build_id) &&
	    x->has_functions == y->has_functions && x->has_filenames == y->has_filenames &&
	    x->has_line_numbers == y->has_line_numbers &&
	    x->has_inline_frames == y->has_inline_frames;
}

/* b's mapping of location i is a's: the same entry of the table, or for a
 * location that only names a mapping file, one with that file. */
static int same_loc_map(const em_profile *a, const em_profile *b, uint32_t i)
{
	const em_location *x = &a->locs[i], *y = &b->locs[i];

	if (x->map)
		return y->map == x->map;
	if (x->mapping_file == 0)
		return y->map == 0;
	return y->map > a->nmaps && same_str(a, x->mapping_file, b, y->mapping_file);
}

/* Mappings field by field and in order, each location's mapping, each
 * frame's file, and the other files of function names. */
static int same_maps_files(const em_profile *a, const em_profile *b, char *why, size_t n)
{
	uint32_t i, j;

	if (b->nmaps < a->nmaps || a->nlocs != b->nlocs)
		return snprintf(why, n, "mappings %u/%u locations %u/%u", a->nmaps, b->nmaps,
		    a->nlocs, b->nlocs), 0;
	for (i = 0; i < a->nmaps; i++)
		if (!same_map(a, &a->maps[i], b, &b->maps[i]))
			return snprintf(why, n, "mapping %u differs", i + 1), 0;
	for (i = 0; i < a->nlocs; i++) {
		const em_location *x = &a->locs[i], *y = &b->locs[i];

		if (!same_loc_map(a, b, i) || x->nlines != y->nlines)
			return snprintf(why, n, "location %u: mapping or lines differ", i), 0;
		for (j = 0; j < x->nlines; j++)
			if (!same_str(a, em_line_file(a, &a->lines[x->first_line + j]), b,
			    em_line_file(b, &b->lines[y->first_line + j])))
				return snprintf(why, n, "location %u line %u: file differs", i, j), 0;
	}
	if (a->nfunc_files != b->nfunc_files)
		return snprintf(why, n, "other files of names %u/%u", a->nfunc_files,
		    b->nfunc_files), 0;
	for (i = 0; i < a->nfunc_files; i++) {
		const em_func_file *ff = &a->func_files[i];
		const char *name = em_func_name(a, ff->func), *file = em_profile_cstr(a, ff->file);
		em_func_id g = em_profile_find_func(b, name, em_strtab_len(a->strs,
		    a->funcs[ff->func].name));
		em_str gf = em_strtab_find(b->strs, file, strlen(file));

		if (g == EM_FUNC_NONE || gf == EM_STR_NONE ||
		    em_profile_find_func_file(b, g, gf) == UINT32_MAX ||
		    em_profile_start_line(b, g, gf) != ff->start_line)
			return snprintf(why, n, "'%s' in '%s' lost", name, file), 0;
	}
	return 1;
}

static void roundtrip_pprof(const char *name, const em_profile *p)
{
	em_error err = { "" };
	char why[512] = "";
	size_t n;
	char *buf = write_mem(pprof_fn, p, 0, &n, &err);
	em_profile *q;
	uint32_t i;
	int top_ok = 1, folded_ok = 1;

	if (!ok(buf != NULL && n > 2 && (uint8_t)buf[0] == 0x1f && (uint8_t)buf[1] == 0x8b,
	    "pprof %s: written gzip-compressed", name)) {
		printf("#   %s\n", err.msg);
		free(buf);
		return;
	}
	q = read_mem(buf, n, &err);
	free(buf);
	if (!ok(q != NULL, "pprof %s: read back", name)) {
		printf("#   %s\n", err.msg);
		return;
	}
	if (!ok(same_metadata(p, q, why, sizeof(why)), "pprof %s: same types and metadata", name))
		printf("#   %s\n", why);
	for (i = 0; i < p->ntypes && i < q->ntypes; i++) {
		if (top_ok && !same_top(p, i, q, i, why, sizeof(why))) {
			printf("#   type %u: %s\n", i, why);
			top_ok = 0;
		}
		folded_ok = folded_ok && same_folded(p, q, i);
	}
	ok(top_ok, "pprof %s: same self/total per function, all types", name);
	ok(folded_ok, "pprof %s: same stacks, all types", name);
	if (!ok(same_maps_files(p, q, why, sizeof(why)), "pprof %s: same mappings and files",
	    name))
		printf("#   %s\n", why);
	em_profile_free(q);
}

static void test_pprof_corpus(void)
{
	size_t f;

	for (f = 0; f < sizeof(roundtrip_files) / sizeof(roundtrip_files[0]); f++) {
		char path[4096];
		em_error err = { "" };
		em_profile *p;

		snprintf(path, sizeof(path), "%s/corpus/%s", datadir, roundtrip_files[f]);
		if (!ok((p = em_read_file(path, NULL, &err)) != NULL, "read %s", roundtrip_files[f])) {
			printf("#   %s\n", err.msg);
			continue;
		}
		roundtrip_pprof(roundtrip_files[f], p);
		em_profile_free(p);
	}
}

/* A profile exercising what the corpus files may not: inlined lines,
 * unsymbolized locations, labels, comments, a default type that is not
 * the last one, negative values and names with awkward bytes. */
static em_profile *build_rich(void)
{
	em_profile *p = em_profile_new();
	em_str lib = em_profile_str(p, "/usr/lib/libc.so.6", 18);
	em_str file = em_profile_str(p, "main.go", 7);
	em_func_id fmain = em_profile_func(p, em_profile_str(p, "main", 4),
	    em_profile_str(p, "main_sys", 8), file, 10);
	em_func_id finl = em_profile_func(p, em_profile_str(p, "inl\t\"q\"\n", 8), 0, file, 20);
	em_func_id fbad = em_profile_func(p, em_profile_str(p, "bad\xff\xfe", 5), 0, 0, 0);
	em_func_id flibc = em_profile_func(p, em_profile_str(p, "[libc.so.6]", 11), 0, 0, 0);
	em_line l2[2] = { { fmain, 0, 12 }, { finl, 0, 21 } }, l1 = { fbad, 0, 3 }, lu = { flibc, 0, 0 };
	uint32_t loc_main, loc_bad, loc_libc, st[3];
	em_label labels[2];
	int64_t v[2];

	em_profile_add_type(p, "alloc_objects", "count");
	em_profile_add_type(p, "alloc_space", "bytes");
	p->default_type = 0;
	p->period = 524288;
	p->period_type.type = em_profile_str(p, "space", 5);
	p->period_type.unit = em_profile_str(p, "bytes", 5);
	p->time_nanos = 1700000000123456789LL;
	p->duration_nanos = 10000000000LL;
	p->comments = calloc(2, sizeof(*p->comments));
	p->comments[0] = em_profile_str(p, "first comment", 13);
	p->comments[1] = em_profile_str(p, "second", 6);
	p->ncomments = 2;
	loc_main = em_profile_add_location(p, l2, 2, 0x401000, 0);
	loc_bad = em_profile_add_location(p, &l1, 1, 0x402000, 0);
	loc_libc = em_profile_add_location(p, &lu, 1, 0x7f0000001234ULL, lib);
	labels[0].key = em_profile_str(p, "thread", 6);
	labels[0].str = em_profile_str(p, "worker-1", 8);
	labels[0].num = 0;
	labels[0].num_unit = 0;
	labels[1].key = em_profile_str(p, "bytes", 5);
	labels[1].str = 0;
	labels[1].num = 4096;
	labels[1].num_unit = em_profile_str(p, "bytes", 5);
	st[0] = loc_main;
	st[1] = loc_bad;
	st[2] = loc_libc;
	v[0] = 3;
	v[1] = 300;
	em_profile_add_sample(p, st, 3, v, labels, 2);
	v[0] = 2;
	v[1] = -50;
	em_profile_add_sample(p, st, 2, v, NULL, 0);
	v[0] = 1;
	v[1] = 0;
	em_profile_add_sample(p, st, 1, v, &labels[1], 1);
	return p;
}

static void test_pprof_rich(void)
{
	em_profile *p = build_rich(), *q;
	em_error err = { "" };
	size_t n;
	char *buf = write_mem(pprof_fn, p, 0, &n, &err);
	const em_location *l;

	q = buf ? read_mem(buf, n, &err) : NULL;
	free(buf);
	if (!ok(q != NULL, "pprof hand-made: written and read back")) {
		printf("#   %s\n", err.msg);
		em_profile_free(p);
		return;
	}
	roundtrip_pprof("hand-made", p);
	ok(q->nlocs == 3 && q->locs[0].nlines == 2 &&
	    strcmp(em_func_name(q, q->lines[q->locs[0].first_line].func), "main") == 0 &&
	    q->lines[q->locs[0].first_line].line == 12 &&
	    q->lines[q->locs[0].first_line + 1].line == 21,
	    "pprof: inlined lines keep their root-first order and line numbers");
	l = &q->locs[2];
	ok(l->address == 0x7f0000001234ULL &&
	    strcmp(em_profile_cstr(q, l->mapping_file), "/usr/lib/libc.so.6") == 0 &&
	    strcmp(em_func_name(q, q->lines[l->first_line].func), "[libc.so.6]") == 0,
	    "pprof: unsymbolized location keeps address and mapping, named after it");
	ok(q->locs[0].address == 0x401000, "pprof: symbolized location keeps its address");
	{
		em_func_id f = em_profile_find_func(q, "main", 4);

		ok(f != EM_FUNC_NONE &&
		    strcmp(em_profile_cstr(q, q->funcs[f].system_name), "main_sys") == 0 &&
		    strcmp(em_profile_cstr(q, q->funcs[f].file), "main.go") == 0 &&
		    q->funcs[f].start_line == 10, "pprof: function system name, file, start line");
	}
	ok(q->nlabels == 3 && q->label_off != NULL && q->label_off[1] == 2 &&
	    strcmp(em_profile_cstr(q, q->labels[0].str), "worker-1") == 0 &&
	    q->labels[1].str == 0 && q->labels[1].num == 4096 &&
	    strcmp(em_profile_cstr(q, q->labels[1].num_unit), "bytes") == 0,
	    "pprof: string and numeric labels");
	ok(em_sample_value(q, 1, 1) == -50, "pprof: negative values");
	em_profile_free(q);
	em_profile_free(p);
}

/* --- flamebearer --------------------------------------------------------- */

/* One name in three files (its own, another, none) and two mappings, one
 * of them unused, built through the API. */
static em_profile *build_files_maps(void)
{
	em_profile *p = em_profile_new();
	em_str a = em_profile_str(p, "a.py", 4), b = em_profile_str(p, "pkg/b.py", 8);
	em_func_id run = em_profile_func(p, em_profile_str(p, "run", 3), 0, a, 5);
	em_func_id top = em_profile_func(p, em_profile_str(p, "<module>", 8), 0, a, 1);
	em_memmap m;
	em_line ln[2];
	uint32_t loc[4], map, st[2];
	int64_t v = 0;
	int i;

	em_profile_add_type(p, "cpu", "nanoseconds");
	memset(&m, 0, sizeof(m));
	m.memory_start = 0x1000;
	m.memory_limit = 0x9000;
	m.file_offset = 0x200;
	m.file = em_profile_str(p, "/usr/bin/python3", 16);
	m.build_id = em_profile_str(p, "abc123", 6);
	m.has_functions = m.has_filenames = 1;
	map = em_profile_add_map(p, &m);
	m.memory_start = 0xa000;
	m.memory_limit = 0xb000;
	m.file_offset = 0;
	m.file = em_profile_str(p, "libunused.so", 12);
	m.build_id = 0;
	m.has_functions = m.has_filenames = 0;
	m.has_line_numbers = m.has_inline_frames = 1;
	em_profile_add_map(p, &m);
	em_profile_add_func_file(p, run, b, 30);
	ln[0] = (em_line){ .func = top, .line = 2 };
	loc[0] = em_profile_add_mapped_location(p, ln, 1, 0x1100, map);
	ln[0] = (em_line){ .func = run, .file = a, .line = 7 };
	loc[1] = em_profile_add_mapped_location(p, ln, 1, 0x1200, map);
	ln[0] = (em_line){ .func = run, .file = b, .line = 31 };
	ln[1] = (em_line){ .func = run, .file = EM_LINE_NO_FILE, .line = 0 };
	loc[2] = em_profile_add_mapped_location(p, ln, 2, 0x1300, map);
	ln[0] = (em_line){ .func = run, .line = 9 };
	loc[3] = em_profile_add_location(p, ln, 1, 0, 0);
	for (i = 1; i <= 3; i++) {
		st[0] = loc[0];
		st[1] = loc[i];
		v += 10;
		em_profile_add_sample(p, st, 2, &v, NULL, 0);
	}
	return p;
}

static void test_pprof_files_maps(void)
{
	em_profile *p = build_files_maps(), *q;
	em_error err = { "" };
	size_t n;
	char *buf = write_mem(pprof_fn, p, 0, &n, &err);
	em_func_id run;

	ok(p->nfunc_files == 2 && p->nmaps == 2, "built: 2 other files of run, 2 mappings");
	q = buf ? read_mem(buf, n, &err) : NULL;
	free(buf);
	if (!ok(q != NULL, "pprof files and mappings: written and read back")) {
		printf("#   %s\n", err.msg);
		em_profile_free(p);
		return;
	}
	roundtrip_pprof("files and mappings", p);
	run = em_profile_find_func(q, "run", 3);
	ok(run != EM_FUNC_NONE && q->nfuncs == 2, "run is still one function");
	ok(q->nmaps == 2 && q->maps[1].memory_start == 0xa000 && q->maps[1].has_inline_frames &&
	    !q->maps[1].has_functions, "a mapping no location uses is kept, with its flags");
	ok(q->locs[2].nlines == 2 &&
	    strcmp(em_profile_cstr(q, em_line_file(q, &q->lines[q->locs[2].first_line])),
	    "pkg/b.py") == 0 && q->lines[q->locs[2].first_line + 1].file == EM_LINE_NO_FILE,
	    "inlined frames keep their files, including none");
	ok(q->locs[3].map == 0 && q->locs[3].mapping_file == 0, "a location without mapping");
	em_profile_free(q);
	em_profile_free(p);
}

static int check_levels(const cJSON *levels, int64_t ticks, char *why, size_t n);
static int64_t obj_num(const cJSON *obj, const char *key);

/* The document's numTicks is the type's total and its levels obey the
 * layout rules. */
static int check_json(const char *buf, size_t n, const em_profile *p, uint32_t type,
    char *why, size_t whylen)
{
	cJSON *doc = cJSON_ParseWithLength(buf, n);
	const cJSON *fb = cJSON_GetObjectItemCaseSensitive(doc, "flamebearer");
	int64_t total = 0;
	int good;

	em_profile_total(p, type, &total, NULL);
	good = doc != NULL && obj_num(fb, "numTicks") == total &&
	    check_levels(cJSON_GetObjectItemCaseSensitive(fb, "levels"), total, why, whylen);
	if (doc == NULL || obj_num(fb, "numTicks") != total)
		snprintf(why, whylen, "unparsable or numTicks != %lld", (long long)total);
	cJSON_Delete(doc);
	return good;
}

static void roundtrip_json(const char *name, const em_profile *p, uint32_t type)
{
	em_error err = { "" };
	char why[512] = "";
	size_t n;
	char *buf = write_mem(em_write_flamebearer, p, type, &n, &err);
	em_profile *q = buf ? read_mem(buf, n, &err) : NULL;

	if (buf && !ok(check_json(buf, n, p, type, why, sizeof(why)),
	    "json %s type %u: numTicks and layout", name, (unsigned)type))
		printf("#   %s\n", why);
	free(buf);
	if (!ok(q != NULL, "json %s type %u: written and read back", name, (unsigned)type)) {
		printf("#   %s\n", err.msg);
		return;
	}
	if (!ok(q->ntypes == 1 && same_top(p, type, q, 0, why, sizeof(why)),
	    "json %s type %u: same self/total per function", name, (unsigned)type))
		printf("#   %s\n", why);
	em_profile_free(q);
}

static void test_json_corpus(void)
{
	size_t f;

	for (f = 0; f < sizeof(roundtrip_files) / sizeof(roundtrip_files[0]); f++) {
		char path[4096];
		em_error err = { "" };
		em_profile *p;
		uint32_t i;

		snprintf(path, sizeof(path), "%s/corpus/%s", datadir, roundtrip_files[f]);
		if ((p = em_read_file(path, NULL, &err)) == NULL)
			continue; /* reported by the pprof test */
		for (i = 0; i < p->ntypes; i++)
			roundtrip_json(roundtrip_files[f], p, i);
		em_profile_free(p);
	}
}

static int64_t num_at(const cJSON *arr, int i)
{
	const cJSON *it = cJSON_GetArrayItem(arr, i);

	return cJSON_IsNumber(it) ? (int64_t)it->valuedouble : -1;
}

static int64_t obj_num(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(it) ? (int64_t)it->valuedouble : -1;
}

/* Decode the levels and check the layout rules: each node lies inside
 * one node of the row above, its self is at the left (the first child
 * starts at x + self), children are packed, and self + children == total. */
#define MAXROW 65536
struct lnode {
	int64_t x, total, self, next; /* next: where the next child must start */
	int nchild;
};

static int check_parents(const struct lnode *up, int nup, int d, char *why, size_t n)
{
	int k;

	for (k = 0; k < nup; k++)
		if ((up[k].nchild ? up[k].next : up[k].x + up[k].self) != up[k].x + up[k].total)
			return snprintf(why, n, "row %d node %d: self + children != total", d - 1, k), 0;
	return 1;
}

static int check_levels(const cJSON *levels, int64_t ticks, char *why, size_t n)
{
	static struct lnode rows[2][MAXROW];
	int d, nd = cJSON_GetArraySize(levels), nup = 0;

	for (d = 0; d < nd; d++) {
		const cJSON *row = cJSON_GetArrayItem(levels, d);
		struct lnode *cur = rows[d & 1], *up = rows[(d + 1) & 1];
		int g, ng = cJSON_GetArraySize(row) / 4, k = 0;
		int64_t pos = 0;

		if (ng > MAXROW || cJSON_GetArraySize(row) % 4)
			return snprintf(why, n, "row %d malformed", d), 0;
		for (g = 0; g < ng; g++) {
			struct lnode *c = &cur[g];

			c->x = pos + num_at(row, 4 * g);
			c->total = num_at(row, 4 * g + 1);
			c->self = num_at(row, 4 * g + 2);
			c->nchild = 0;
			c->next = c->x + c->self;
			pos = c->x + c->total;
			if (d == 0)
				continue;
			while (k < nup && c->x >= up[k].x + up[k].total)
				k++;
			if (k == nup || c->x < up[k].x)
				return snprintf(why, n, "row %d node %d outside any parent", d, g), 0;
			if (c->x != up[k].next)
				return snprintf(why, n, "row %d node %d not packed after self", d, g), 0;
			up[k].next += c->total;
			up[k].nchild++;
		}
		if (d == 0 && (ng != 1 || cur[0].x != 0 || cur[0].total != ticks))
			return snprintf(why, n, "root row"), 0;
		if (!check_parents(up, nup, d, why, n))
			return 0;
		nup = ng;
	}
	return check_parents(rows[(nd + 1) & 1], nup, nd, why, n);
}

static void test_json_layout(void)
{
	static const char *const stacks[] = { "a;b;e", "a;c", "a;c;d" };
	static const int64_t vals[] = { 1, 2, 1 };
	em_profile *p = build(stacks, vals, 3);
	em_error err = { "" };
	char why[256] = "";
	size_t n;
	char *buf = write_mem(em_write_flamebearer, p, 0, &n, &err);
	cJSON *doc = buf ? cJSON_ParseWithLength(buf, n) : NULL;
	const cJSON *fb = cJSON_GetObjectItemCaseSensitive(doc, "flamebearer");
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(fb, "names");
	const cJSON *levels = cJSON_GetObjectItemCaseSensitive(fb, "levels");
	char *lv = levels ? cJSON_PrintUnformatted(levels) : NULL;

	ok(doc != NULL, "json: valid JSON");
	is_int(obj_num(doc, "version"), 1, "json: version 1");
	is_str(cJSON_GetStringValue(cJSON_GetArrayItem(names, 0)), "total", "json: names[0] is total");
	/* pyroscope-api.md 3.1 worked example: a->b->e 1, a->c 2, a->c->d 1 */
	is_str(lv, "[[0,4,0,0],[0,4,0,1],[0,1,0,2,0,3,2,3],[0,1,1,4,2,1,1,5]]",
	    "json: levels of the reference example (self left, names sorted)");
	ok(cJSON_GetArraySize(names) == 6 &&
	    strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(names, 2)), "b") == 0 &&
	    strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(names, 5)), "d") == 0,
	    "json: names numbered in visit order");
	is_int(obj_num(fb, "numTicks"), 4, "json: numTicks");
	is_int(obj_num(fb, "maxSelf"), 2, "json: maxSelf");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "format")), "single",
	    "json: metadata.format");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "units")), "objects",
	    "json: 'samples' reported in objects, as pyroscope does");
	is_str(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "name")), "samples",
	    "json: metadata.name is the sample type");
	ok(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc, "timeline")), "json: timeline null");
	ok(levels && check_levels(levels, 4, why, sizeof(why)), "json: layout invariants %s", why);
	cJSON_free(lv);
	cJSON_Delete(doc);
	free(buf);
	em_profile_free(p);
}

/* Strict UTF-8 check (RFC 3629), independent of the writer's decoder. */
static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3, cp = c & 0x07;
		else
			return 0;
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return 0;
		i += need + 1;
	}
	return 1;
}

static void test_json_escaping(void)
{
	static const char *const stacks[] = {
		"q\"uote\\;tab\tnl\n;ctl\x01\x1f",
		"bad\xff;trunc\xe2\x82;surr\xed\xa0\x80;over\xc0\xaf;ok\xc3\xa9\xe2\x82\xac",
	};
	static const int64_t vals[] = { 1, 2 };
	em_profile *p = build(stacks, vals, 2);
	em_error err = { "" };
	size_t n;
	char *buf = write_mem(em_write_flamebearer, p, 0, &n, &err);
	cJSON *doc = buf ? cJSON_ParseWithLength(buf, n) : NULL;
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, "flamebearer"), "names");
	char want[64];
	int i, found = 0;

	ok(buf != NULL && valid_utf8((const unsigned char *)buf, n), "json: output is valid UTF-8");
	ok(doc != NULL, "json: awkward names still give valid JSON");
	ok(buf && strstr(buf, "\"q\\\"uote\\\\\"") && strstr(buf, "\"tab\\tnl\\n\"") &&
	    strstr(buf, "\"ctl\\u0001\\u001f\""), "json: quotes, backslash, control bytes escaped");
	for (i = 0; i < cJSON_GetArraySize(names); i++) {
		const char *s = cJSON_GetStringValue(cJSON_GetArrayItem(names, i));

		found += s && (strcmp(s, "bad\xEF\xBF\xBD") == 0 ||
		    strcmp(s, "trunc\xEF\xBF\xBD") == 0 ||
		    strcmp(s, "ok\xc3\xa9\xe2\x82\xac") == 0 ||
		    strcmp(s, "q\"uote\\") == 0 || strcmp(s, "tab\tnl\n") == 0);
		if (s && strncmp(s, "surr", 4) == 0)
			found += strcmp(s, "surr\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD") == 0 ||
			    strcmp(s, "surr\xEF\xBF\xBD") == 0;
		if (s && strncmp(s, "over", 4) == 0)
			found += strstr(s, "\xEF\xBF\xBD") != NULL && strchr(s, '\xc0') == NULL;
	}
	snprintf(want, sizeof(want), "%d", found);
	is_str(want, "7", "json: names read back (invalid UTF-8 as U+FFFD, valid kept)");
	cJSON_Delete(doc);
	free(buf);
	em_profile_free(p);
}

/* A profile without samples: pyroscope's empty graph, no folded lines, and
 * a pprof that reads back empty. */
static void test_empty(void)
{
	em_profile *p = em_profile_new(), *q;
	em_error err = { "" };
	size_t n;
	char *buf;

	em_profile_add_type(p, "cpu", "nanoseconds");
	buf = write_mem(em_write_flamebearer, p, 0, &n, &err);
	is_str(buf, "{\"version\":1,\"flamebearer\":{\"names\":[\"total\"],\"levels\":[[0,0,0,0]],"
	    "\"numTicks\":0,\"maxSelf\":0},\"metadata\":{\"format\":\"single\",\"spyName\":\"\","
	    "\"sampleRate\":1000000000,\"units\":\"samples\",\"name\":\"cpu\"},\"timeline\":null}\n",
	    "json: empty profile, cpu in samples at rate 1e9");
	free(buf);
	buf = write_mem(em_write_folded, p, 0, &n, &err);
	ok(buf != NULL && n == 0, "folded: empty profile writes nothing");
	free(buf);
	buf = write_mem(pprof_fn, p, 0, &n, &err);
	q = buf ? read_mem(buf, n, &err) : NULL;
	ok(q != NULL && q->nsamples == 0 && q->ntypes == 1, "pprof: empty profile round trip");
	free(buf);
	em_profile_free(q);
	em_profile_free(p);
}

/* --- atomic writes --------------------------------------------------------- */

static int write_hello(FILE *out, void *ctx, em_error *err)
{
	(void)err;
	return fputs((const char *)ctx, out) < 0 ? -1 : 0;
}

static int write_half(FILE *out, void *ctx, em_error *err)
{
	(void)ctx;
	fputs("half of it", out);
	return em_error_set(err, "simulated failure");
}

static int profile_folded(FILE *out, void *ctx, em_error *err)
{
	return em_write_folded(out, ctx, 0, err);
}

/* Entries of dir other than . and .. */
static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void test_atomic(void)
{
	char dir[] = "/tmp/embers-writers-XXXXXX", path[256], bad[300];
	em_error err = { "" };
	struct stat st;
	size_t n;
	char *got;
	mode_t old = umask(027);

	if (!ok(mkdtemp(dir) != NULL, "atomic: temporary directory"))
		return;
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	is_int(em_write_file_atomic(path, write_hello, "hello\n", &err), 0, "atomic: write");
	got = slurp(path, &n);
	is_str(got, "hello\n", "atomic: content");
	free(got);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640, "atomic: mode 0666 less umask");
	is_int(dir_entries(dir), 1, "atomic: no temporary file left after success");

	is_int(em_write_file_atomic(path, write_half, NULL, &err), -1,
	    "atomic: failing writer is an error");
	snprintf(bad, sizeof(bad), "'%s': simulated failure", path);
	is_str(err.msg, bad, "atomic: error names the file and the cause");
	got = slurp(path, &n);
	is_str(got, "hello\n", "atomic: failed write leaves the old file alone");
	free(got);
	is_int(dir_entries(dir), 1, "atomic: failed write leaves no temporary file");
	unlink(path);
	is_int(em_write_file_atomic(path, write_half, NULL, &err), -1, "atomic: failing again");
	is_int(dir_entries(dir), 0, "atomic: failed write creates no file at all");

	snprintf(bad, sizeof(bad), "%s/missing/out.txt", dir);
	is_int(em_write_file_atomic(bad, write_hello, "x", &err), -1, "atomic: missing directory");
	ok(strstr(err.msg, bad) != NULL && strstr(err.msg, "': no such file") != NULL,
	    "atomic: missing directory error '%s' (strerror in lower case)", err.msg);
	snprintf(bad, sizeof(bad), "%s/file/out.txt", dir);
	snprintf(path, sizeof(path), "%s/file", dir);
	em_write_file_atomic(path, write_hello, "x", &err);
	is_int(em_write_file_atomic(bad, write_hello, "x", &err), -1,
	    "atomic: a file where the directory should be");
	ok(strstr(err.msg, "': not a directory") != NULL,
	    "atomic: file as directory error '%s' (strerror in lower case)", err.msg);
	unlink(path);

	fflush(stdout);
	is_int(em_write_file_atomic("-", write_hello, "# written to stdout\n", &err), 0,
	    "atomic: '-' writes to stdout");
	rmdir(dir);
	umask(old);
}

/* em_strerror_lc: libc's text with a lower-case first letter, except
 * an all-capitals word. */
static void test_strerror_lc(void)
{
	char want[128];

	snprintf(want, sizeof(want), "%s", strerror(ENOTDIR));
	want[0] = (char)(want[0] >= 'A' && want[0] <= 'Z' ? want[0] - 'A' + 'a' : want[0]);
	is_str(em_strerror_lc(ENOTDIR), want, "strerror_lc: first letter lowered, rest as libc");
	ok(em_strerror_lc(ENOENT)[0] == 'n', "strerror_lc: '%s'", em_strerror_lc(ENOENT));
#ifdef EDOTDOT
	snprintf(want, sizeof(want), "%s", strerror(EDOTDOT));
	if (want[0] >= 'A' && want[0] <= 'Z' && want[1] >= 'A' && want[1] <= 'Z')
		is_str(em_strerror_lc(EDOTDOT), want, "strerror_lc: capitals kept ('RFS ...')");
#endif
}

/* Every writer notices a full disk and leaves no file behind. */
static void test_write_errors(void)
{
	static const char *const stacks[] = { "a;b", "a;c" };
	static const int64_t vals[] = { 1, 2 };
	em_profile *p = build(stacks, vals, 2);
	em_error err = { "" };
	FILE *full = fopen("/dev/full", "w");
	char dir[] = "/tmp/embers-writers-XXXXXX", path[256];

	if (full != NULL) {
		ok(em_write_folded(full, p, 0, &err) < 0 && strstr(err.msg, "write error") != NULL,
		    "folded: full disk reported (%s)", err.msg);
		clearerr(full);
		ok(em_write_pprof(full, p, &err) < 0, "pprof: full disk reported");
		clearerr(full);
		ok(em_write_flamebearer(full, p, 0, &err) < 0, "json: full disk reported");
		fclose(full);
	} else {
		ok(1, "# skip no /dev/full");
		ok(1, "# skip no /dev/full");
		ok(1, "# skip no /dev/full");
	}
	if (mkdtemp(dir) != NULL) {
		snprintf(path, sizeof(path), "%s/f.txt", dir);
		is_int(em_write_file_atomic(path, profile_folded, p, &err), 0,
		    "atomic: folded export");
		unlink(path);
		rmdir(dir);
	}
	em_profile_free(p);
}

int main(void)
{
	datadir = getenv("TESTDATA");
	if (datadir == NULL)
		datadir = "tests/data";
	ok(em_export_parse("folded") == EM_EXPORT_FOLDED && em_export_parse("pprof") ==
	    EM_EXPORT_PPROF && em_export_parse("json") == EM_EXPORT_JSON,
	    "export formats parsed");
	ok(em_export_parse("svg") == -1 && em_export_parse("") == -1 && em_export_parse(NULL) == -1,
	    "unknown export format refused");
	test_folded_oracle();
	test_folded_cases();
	test_pprof_corpus();
	test_pprof_rich();
	test_pprof_files_maps();
	test_json_corpus();
	test_json_layout();
	test_json_escaping();
	test_empty();
	test_atomic();
	test_strerror_lc();
	test_write_errors();
	return done();
}

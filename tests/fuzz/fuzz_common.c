/* fuzz_common.c - what every fuzz target does with a profile a reader
 * accepted: check that the profile's arrays hang together, build the call
 * tree and the top table of every sample type and check them against each
 * other, run the writers and read the pprof export back.
 *
 * The checks are invariants of the model, not of any one input, so a
 * reader that lets an inconsistent profile through (an index out of range,
 * a location without lines) is caught here even when no memory error
 * follows. Sums that may overflow are compared modulo 2^64 (uint64_t
 * arithmetic), which is exact whenever the model's int64 sums did not
 * overflow - and the model refuses those. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/reader.h"
#include "embers/top.h"
#include "embers/tree.h"
#include "embers/units.h"
#include "embers/writer.h"

#include "fuzz.h"

em_error em_fuzz_last_error;
void (*em_fuzz_on_fail)(void);

void em_fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("embers fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	if (em_fuzz_on_fail != NULL)
		em_fuzz_on_fail();
	abort();
}

#define CHECK(cond, ...) do { if (!(cond)) em_fuzz_fail(__VA_ARGS__); } while (0)

void em_fuzz_rejected(const char *what, const em_error *err)
{
	size_t len = strnlen(err->msg, sizeof(err->msg));

	em_fuzz_last_error = *err;
	CHECK(len > 0, "%s failed without an error message", what);
	CHECK(len < sizeof(err->msg), "%s: error message not terminated", what);
	CHECK(memchr(err->msg, '\n', len) == NULL, "%s: error message spans lines: %s",
	    what, err->msg);
}

/* --- the profile's own arrays ------------------------------------------ */

static void check_str(const em_profile *p, em_str s, const char *what)
{
	CHECK(s < em_strtab_count(p->strs), "%s: string id %u of %u", what, s,
	    em_strtab_count(p->strs));
	CHECK(em_strtab_str(p->strs, s) != NULL, "%s: string %u has no text", what, s);
}

static void check_tables(const em_profile *p)
{
	uint32_t i;

	CHECK(p->strs != NULL, "profile without a string table");
	CHECK(p->format != NULL, "profile without a format name");
	for (i = 0; i < p->nfuncs; i++) {
		check_str(p, p->funcs[i].name, "function name");
		check_str(p, p->funcs[i].system_name, "function system name");
		check_str(p, p->funcs[i].file, "function file");
		CHECK(em_profile_find_func(p, em_func_name(p, i),
		    em_strtab_len(p->strs, p->funcs[i].name)) == i,
		    "function %u is not found by its name", i);
	}
	for (i = 0; i < p->nlines; i++)
		CHECK(p->lines[i].func < p->nfuncs, "line %u: function %u of %u", i,
		    p->lines[i].func, p->nfuncs);
	for (i = 0; i < p->nlocs; i++) {
		const em_location *l = &p->locs[i];

		CHECK(l->nlines >= 1, "location %u has no lines", i);
		CHECK(l->first_line <= p->nlines && l->nlines <= p->nlines - l->first_line,
		    "location %u: lines [%u, +%u) of %u", i, l->first_line, l->nlines, p->nlines);
		check_str(p, l->mapping_file, "mapping file");
	}
	for (i = 0; i < p->ntypes; i++) {
		check_str(p, p->types[i].type, "sample type");
		check_str(p, p->types[i].unit, "sample unit");
	}
	CHECK(p->ntypes == 0 || p->default_type < p->ntypes, "default type %u of %u",
	    p->default_type, p->ntypes);
	CHECK(p->nsamples == 0 || p->ntypes > 0, "%zu samples without a sample type",
	    p->nsamples);
	for (i = 0; i < p->ncomments; i++)
		check_str(p, p->comments[i], "comment");
}

static void check_samples(const em_profile *p)
{
	size_t s, k;

	CHECK(p->sample_off != NULL && p->sample_off[0] == 0, "sample offsets do not start at 0");
	for (s = 0; s < p->nsamples; s++)
		CHECK(p->sample_off[s] <= p->sample_off[s + 1], "sample %zu: offsets go back", s);
	CHECK(p->sample_off[p->nsamples] == p->nstack, "sample offsets end at %llu, stack holds %zu",
	    (unsigned long long)p->sample_off[p->nsamples], p->nstack);
	for (k = 0; k < p->nstack; k++)
		CHECK(p->stack[k] < p->nlocs, "stack entry %zu: location %u of %u", k,
		    p->stack[k], p->nlocs);
	if (p->label_off == NULL)
		return;
	CHECK(p->label_off[0] == 0, "label offsets do not start at 0");
	for (s = 0; s < p->nsamples; s++)
		CHECK(p->label_off[s] <= p->label_off[s + 1], "sample %zu: label offsets go back", s);
	CHECK(p->label_off[p->nsamples] == p->nlabels, "label offsets end past the labels");
	for (k = 0; k < p->nlabels; k++) {
		check_str(p, p->labels[k].key, "label key");
		check_str(p, p->labels[k].str, "label value");
		check_str(p, p->labels[k].num_unit, "label unit");
	}
}

/* --- the call tree ------------------------------------------------------ */

static int name_cmp(const em_profile *p, em_func_id a, em_func_id b)
{
	em_str na = p->funcs[a].name, nb = p->funcs[b].name;
	size_t la = em_strtab_len(p->strs, na), lb = em_strtab_len(p->strs, nb);
	int c = memcmp(em_strtab_str(p->strs, na), em_strtab_str(p->strs, nb), la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

/* Shape: levels partition the nodes, children ranges are contiguous,
 * inside the next level and sorted by name, and the helpers agree. */
static void check_tree_shape(const em_tree *t, const em_profile *p)
{
	uint32_t i, c, d;

	CHECK(t->n >= 1 && t->nlevels >= 1, "empty tree");
	CHECK(t->func[0] == EM_FUNC_ROOT, "node 0 is not the root");
	CHECK(t->level[0] == 0 && t->level[t->nlevels] == t->n, "levels do not cover the nodes");
	CHECK(t->child[t->n] == t->n, "child[n] is %u, not n = %u", t->child[t->n], t->n);
	CHECK(t->n == 1 || t->child[0] == 1, "the root's children do not start at 1");
	for (d = 0; d < t->nlevels; d++)
		CHECK(t->level[d] < t->level[d + 1], "level %u is empty", d);
	for (i = 0; i < t->n; i++) {
		CHECK(t->child[i] <= t->child[i + 1], "node %u: children range goes back", i);
		CHECK(i == 0 || t->func[i] < p->nfuncs, "node %u: function %u of %u", i,
		    t->func[i], p->nfuncs);
		d = em_tree_depth(t, i);
		if (em_tree_nchildren(t, i) > 0)
			CHECK(d + 1 < t->nlevels && t->child[i] >= t->level[d + 1] &&
			    t->child[i + 1] <= t->level[d + 2],
			    "node %u: children outside level %u", i, d + 1);
		for (c = t->child[i]; c < t->child[i + 1]; c++) {
			CHECK(em_tree_parent(t, c) == i, "node %u: parent %u, want %u", c,
			    em_tree_parent(t, c), i);
			CHECK(c == t->child[i] || name_cmp(p, t->func[c - 1], t->func[c]) < 0,
			    "node %u: siblings not in strict name order", c);
			CHECK(em_tree_find_child(t, p, i, t->func[c]) == c,
			    "node %u: not found among its siblings", c);
		}
	}
	CHECK(em_tree_parent(t, 0) == EM_NODE_NONE, "the root has a parent");
	CHECK(strcmp(em_tree_name(t, p, 0), "total") == 0, "the root is not named total");
}

/* Per function: the sum of the self of its nodes, and the sum of the
 * totals of its outermost nodes (those with no ancestor of the same
 * function), found depth first with a count of the path's functions. */
static void tree_sums(const em_tree *t, const em_profile *p, uint64_t *self, uint64_t *total)
{
	uint32_t *on_path = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*on_path));
	uint32_t *node = malloc((size_t)(t->nlevels + 1) * sizeof(*node));
	uint32_t *next = malloc((size_t)(t->nlevels + 1) * sizeof(*next));
	size_t sp = 0;

	CHECK(on_path && node && next, "out of memory in the fuzz checks");
	node[0] = 0;
	next[0] = t->child[0];
	sp = 1;
	while (sp > 0) {
		uint32_t i = node[sp - 1];

		if (next[sp - 1] < t->child[i + 1]) {
			uint32_t c = next[sp - 1]++;
			em_func_id f = t->func[c];

			CHECK(sp < (size_t)t->nlevels, "tree deeper than its levels");
			self[f] += (uint64_t)em_tree_self(t, c);
			if (on_path[f]++ == 0)
				total[f] += (uint64_t)t->total[c];
			node[sp] = c;
			next[sp] = t->child[c];
			sp++;
			continue;
		}
		if (i != 0)
			on_path[t->func[i]]--;
		sp--;
	}
	free(on_path);
	free(node);
	free(next);
}

/* --- the top table ------------------------------------------------------ */

static uint64_t abs_u64(int64_t v)
{
	return v < 0 ? -(uint64_t)v : (uint64_t)v;
}

static void check_top_sorts(em_top *top, const em_profile *p)
{
	uint32_t i;

	em_top_sort(top, p, EM_SORT_NAME);
	for (i = 1; i < top->n; i++)
		CHECK(name_cmp(p, top->rows[i - 1].func, top->rows[i].func) < 0,
		    "top: rows %u and %u not in strict name order", i - 1, i);
	em_top_sort(top, p, EM_SORT_TOTAL);
	for (i = 1; i < top->n; i++)
		CHECK(abs_u64(top->rows[i - 1].total) >= abs_u64(top->rows[i].total),
		    "top: sort by total out of order at row %u", i);
	em_top_sort(top, p, EM_SORT_SELF);
	for (i = 1; i < top->n; i++)
		CHECK(abs_u64(top->rows[i - 1].self) >= abs_u64(top->rows[i].self),
		    "top: sort by self out of order at row %u", i);
}

static void check_units(const em_profile *p, uint32_t type, const em_top *top)
{
	const char *unit = em_profile_cstr(p, p->types[type].unit);
	char buf[64];
	uint32_t i;

	em_fmt_value(buf, sizeof(buf), top->total, unit);
	CHECK(strlen(buf) < sizeof(buf), "em_fmt_value overran");
	for (i = 0; i < top->n && i < 8; i++) {
		em_fmt_value(buf, sizeof(buf), top->rows[i].self, unit);
		em_fmt_pct(buf, sizeof(buf), top->rows[i].total, top->total);
	}
}

/* Tree and top of one type agree: same total, and per function the same
 * self and total. */
static void check_tree_vs_top(const em_tree *t, const em_top *top, const em_profile *p)
{
	uint64_t *self = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*self));
	uint64_t *total = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*total));
	uint8_t *in_top = calloc(p->nfuncs ? p->nfuncs : 1, 1);
	uint32_t i;

	CHECK(self && total && in_top, "out of memory in the fuzz checks");
	CHECK(t->total[0] == top->total, "tree total %lld != top total %lld",
	    (long long)t->total[0], (long long)top->total);
	tree_sums(t, p, self, total);
	for (i = 0; i < top->n; i++) {
		const em_top_row *r = &top->rows[i];

		CHECK(r->func < p->nfuncs && !in_top[r->func], "top: bad or repeated function %u",
		    r->func);
		in_top[r->func] = 1;
		CHECK(self[r->func] == (uint64_t)r->self, "'%s': top self %lld, tree self %lld",
		    em_func_name(p, r->func), (long long)r->self, (long long)self[r->func]);
		CHECK(total[r->func] == (uint64_t)r->total, "'%s': top total %lld, tree total %lld",
		    em_func_name(p, r->func), (long long)r->total, (long long)total[r->func]);
	}
	for (i = 1; i < t->n; i++)
		CHECK(in_top[t->func[i]], "'%s' is in the tree but not in top",
		    em_func_name(p, t->func[i]));
	free(self);
	free(total);
	free(in_top);
}

/* em_top_from_tree gives em_top_build's rows, in the same order. */
static void check_top_from_tree(const em_tree *t, const em_top *top, const em_profile *p)
{
	em_top b;
	em_error err;

	CHECK(em_top_from_tree(&b, p, t, &err) == 0, "em_top_from_tree fails: %s", err.msg);
	CHECK(b.n == top->n && b.total == top->total, "top from the tree: %u rows, total %lld; "
	    "from the samples %u, %lld", b.n, (long long)b.total, top->n, (long long)top->total);
	for (uint32_t i = 0; i < b.n; i++)
		CHECK(b.rows[i].func == top->rows[i].func && b.rows[i].self == top->rows[i].self &&
		    b.rows[i].total == top->rows[i].total, "top from the tree: row %u differs", i);
	em_top_free(&b);
}

static void check_type(const em_profile *p, uint32_t type)
{
	em_tree t;
	em_top top;
	em_error err;
	int64_t sum;
	int have_sum = em_profile_total(p, type, &sum, &err) == 0;
	int tree_ok, top_ok;

	if (!have_sum)
		em_fuzz_rejected("em_profile_total", &err);
	memset(&err, 0, sizeof(err));
	tree_ok = em_tree_build(&t, p, type, &err) == 0;
	if (!tree_ok)
		em_fuzz_rejected("em_tree_build", &err);
	else
		check_tree_shape(&t, p);
	memset(&err, 0, sizeof(err));
	top_ok = em_top_build(&top, p, type, &err) == 0;
	if (!top_ok)
		em_fuzz_rejected("em_top_build", &err);
	if (top_ok && have_sum)
		CHECK(top.total == sum, "top total %lld != profile total %lld",
		    (long long)top.total, (long long)sum);
	if (tree_ok && top_ok) {
		check_tree_vs_top(&t, &top, p);
		check_top_from_tree(&t, &top, p);
	}
	if (top_ok) {
		check_top_sorts(&top, p);
		check_units(p, type, &top);
		em_top_free(&top);
	}
	if (tree_ok)
		em_tree_free(&t);
}

/* --- writers ------------------------------------------------------------ */

struct mem {
	char *buf;
	size_t len;
};

static FILE *mem_open(struct mem *m)
{
	FILE *f;

	m->buf = NULL;
	m->len = 0;
	f = open_memstream(&m->buf, &m->len);
	CHECK(f != NULL, "open_memstream failed");
	return f;
}

static void mem_close(struct mem *m, FILE *f)
{
	CHECK(fclose(f) == 0, "closing a memory stream failed");
}

/* Read the pprof export back: same types, and per function the same
 * self and total as the original (functions are unique by name in both). */
static void compare_reread(const em_profile *p, const em_profile *q)
{
	uint32_t type, i;

	CHECK(q->ntypes == p->ntypes, "pprof export: %u sample types read back as %u",
	    p->ntypes, q->ntypes);
	for (type = 0; type < p->ntypes; type++) {
		em_top a, b;
		em_error err;

		CHECK(strcmp(em_profile_cstr(p, p->types[type].type),
		    em_profile_cstr(q, q->types[type].type)) == 0,
		    "pprof export: sample type %u renamed", type);
		if (em_top_build(&a, p, type, &err) < 0)
			continue;
		CHECK(em_top_build(&b, q, type, &err) == 0,
		    "pprof export: top of type %u fails on re-read: %s", type, err.msg);
		CHECK(a.total == b.total, "pprof export: type %u total %lld read back as %lld",
		    type, (long long)a.total, (long long)b.total);
		for (i = 0; i < a.n; i++) {
			const em_str nm = p->funcs[a.rows[i].func].name;
			const char *name = em_profile_cstr(p, nm);
			size_t len = em_strtab_len(p->strs, nm);
			em_func_id g;
			uint32_t j;

			/* pprof cannot carry an empty function name: go tool pprof
			 * (and our reader) call it <unknown>. When the profile also
			 * has a real <unknown>, the two merge and their figures are
			 * not comparable one by one. */
			if (len == 0) {
				if (em_profile_find_func(p, "<unknown>", 9) != EM_FUNC_NONE)
					continue;
				name = "<unknown>";
				len = 9;
			} else if (len == 9 && memcmp(name, "<unknown>", 9) == 0 &&
			    em_profile_find_func(p, "", 0) != EM_FUNC_NONE) {
				continue;
			}
			g = em_profile_find_func(q, name, len);

			CHECK(g != EM_FUNC_NONE, "pprof export: '%s' lost", name);
			for (j = 0; j < b.n && b.rows[j].func != g; j++)
				;
			CHECK(j < b.n && b.rows[j].self == a.rows[i].self &&
			    b.rows[j].total == a.rows[i].total,
			    "pprof export: '%s' figures changed on re-read", name);
		}
		em_top_free(&a);
		em_top_free(&b);
	}
}

static void check_pprof_write(const em_profile *p)
{
	struct mem m;
	FILE *f = mem_open(&m);
	em_error err;

	memset(&err, 0, sizeof(err));
	if (em_write_pprof(f, p, &err) < 0)
		em_fuzz_rejected("em_write_pprof", &err);
	mem_close(&m, f);
	free(m.buf);
}

static void check_pprof_export(const em_profile *p)
{
	struct mem m;
	FILE *f = mem_open(&m);
	em_error err;
	em_read_opts opts = { .max_bytes = EM_FUZZ_MAX_BYTES };
	em_profile *q;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = em_write_pprof(f, p, &err);
	mem_close(&m, f);
	if (rc < 0) {
		em_fuzz_rejected("em_write_pprof", &err);
		free(m.buf);
		return;
	}
	q = em_read_buffer((const uint8_t *)m.buf, m.len, &opts, &err);
	CHECK(q != NULL, "pprof export of a %s profile does not read back: %s", p->format,
	    err.msg);
	compare_reread(p, q);
	em_profile_free(q);
	free(m.buf);
}

static void check_text_exports(const em_profile *p, uint32_t type)
{
	struct mem m;
	FILE *f;
	em_error err;

	memset(&err, 0, sizeof(err));
	f = mem_open(&m);
	if (em_write_folded(f, p, type, &err) < 0)
		em_fuzz_rejected("em_write_folded", &err);
	mem_close(&m, f);
	free(m.buf);
	memset(&err, 0, sizeof(err));
	f = mem_open(&m);
	if (em_write_flamebearer(f, p, type, &err) < 0)
		em_fuzz_rejected("em_write_flamebearer", &err);
	mem_close(&m, f);
	free(m.buf);
}

void em_fuzz_profile(const em_profile *p)
{
	static int roundtrip = -1;
	uint32_t type;

	/* EM_FUZZ_NO_ROUNDTRIP=1 skips the pprof re-read, to look past a
	 * known round-trip bug while triaging; never set in `make check`. */
	if (roundtrip < 0)
		roundtrip = getenv("EM_FUZZ_NO_ROUNDTRIP") == NULL;
	check_tables(p);
	check_samples(p);
	for (type = 0; type < p->ntypes; type++) {
		check_type(p, type);
		check_text_exports(p, type);
	}
	if (roundtrip)
		check_pprof_export(p);
	else
		check_pprof_write(p);
}

int em_fuzz_reader(em_fuzz_reader_fn read, const char *name, const uint8_t *data,
    size_t n)
{
	em_read_opts opts = { .max_bytes = EM_FUZZ_MAX_BYTES };
	em_error err = { { 0 } };
	em_profile *p = em_profile_new();
	int accepted;

	if (p == NULL)
		em_fuzz_fail("out of memory");
	accepted = read(p, data, n, &opts, &err) == 0;
	if (accepted)
		em_fuzz_profile(p);
	else
		em_fuzz_rejected(name, &err);
	em_profile_free(p);
	return accepted ? EM_FUZZ_ACCEPTED : EM_FUZZ_REJECTED;
}

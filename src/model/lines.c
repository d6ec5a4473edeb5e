/* lines.c - per-line self and total of chosen functions in one pass over
 * the samples (the figures of go tool pprof -list at line granularity).
 *
 * (function, line) pairs live in an open-addressing table; each pair and
 * each function remembers the last sample that added to its total, so a
 * pair met twice in one stack (recursion) counts once, as pprof does. */
#include <stdlib.h>
#include <string.h>

#include "embers/lines.h"
#include "embers/vec.h"

struct pair {
	em_func_id func;
	int64_t line;
	int64_t self, total;
	size_t stamp; /* sample index + 1 that last added to total */
};

struct func_acc {
	int64_t self, total;
	size_t stamp;
};

struct pass {
	const em_profile *p;
	const unsigned char *want;
	struct pair *pairs;
	size_t npairs, pairs_cap;
	uint32_t *slots; /* pair index + 1, 0 = empty */
	size_t nslots;   /* power of two */
	struct func_acc *facc;
};

static int add(int64_t *dst, int64_t v)
{
	return __builtin_add_overflow(*dst, v, dst);
}

static size_t hash_pair(em_func_id f, int64_t line)
{
	uint64_t h = ((uint64_t)f * 0x9e3779b97f4a7c15ull) ^ (uint64_t)line;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return (size_t)h;
}

/* Double the slot table and re-insert every pair. */
static int grow_slots(struct pass *ps)
{
	size_t n = ps->nslots ? ps->nslots * 2 : 1024, i;
	uint32_t *s;

	if (n > SIZE_MAX / sizeof(*s))
		return -1;
	s = calloc(n, sizeof(*s));
	if (s == NULL)
		return -1;
	for (i = 0; i < ps->npairs; i++) {
		size_t h = hash_pair(ps->pairs[i].func, ps->pairs[i].line) & (n - 1);

		while (s[h] != 0)
			h = (h + 1) & (n - 1);
		s[h] = (uint32_t)(i + 1);
	}
	free(ps->slots);
	ps->slots = s;
	ps->nslots = n;
	return 0;
}

/* The pair (f, line), added when new; NULL on out of memory. */
static struct pair *find_pair(struct pass *ps, em_func_id f, int64_t line)
{
	size_t h;

	if ((ps->npairs + 1) * 2 > ps->nslots && grow_slots(ps) < 0)
		return NULL;
	h = hash_pair(f, line) & (ps->nslots - 1);
	while (ps->slots[h] != 0) {
		struct pair *pr = &ps->pairs[ps->slots[h] - 1];

		if (pr->func == f && pr->line == line)
			return pr;
		h = (h + 1) & (ps->nslots - 1);
	}
	if (ps->npairs >= UINT32_MAX - 1 ||
	    EM_VEC_RESERVE(ps->pairs, ps->pairs_cap, ps->npairs + 1) < 0)
		return NULL;
	ps->pairs[ps->npairs] = (struct pair){ f, line, 0, 0, 0 };
	ps->slots[h] = (uint32_t)(++ps->npairs);
	return &ps->pairs[ps->npairs - 1];
}

static int wanted(const struct pass *ps, em_func_id f)
{
	return ps->want == NULL || ps->want[f];
}

/* Add v to the total of every wanted pair and function in sample s (once
 * each) and to the self of the leaf pair. -1 on OOM (*oom set) or
 * overflow. */
static int fold_sample(struct pass *ps, size_t s, int64_t v, int *oom)
{
	const em_profile *p = ps->p;
	const uint32_t *locs = em_sample_locs(p, s);
	size_t d = em_sample_depth(p, s), k;

	for (k = 0; k < d; k++) {
		const em_location *l = &p->locs[locs[k]];
		uint32_t j;

		for (j = 0; j < l->nlines; j++) {
			const em_line *ln = &p->lines[l->first_line + j];
			struct pair *pr;
			int leaf = k + 1 == d && j + 1 == l->nlines;

			if (!wanted(ps, ln->func))
				continue;
			pr = find_pair(ps, ln->func, ln->line);
			if (pr == NULL) {
				*oom = 1;
				return -1;
			}
			if (pr->stamp != s + 1) {
				pr->stamp = s + 1;
				if (add(&pr->total, v))
					return -1;
			}
			if (ps->facc[ln->func].stamp != s + 1) {
				ps->facc[ln->func].stamp = s + 1;
				if (add(&ps->facc[ln->func].total, v))
					return -1;
			}
			if (leaf && (add(&pr->self, v) || add(&ps->facc[ln->func].self, v)))
				return -1;
		}
	}
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Sorted pairs with weight into rows, grouped per function. */
static int collect(em_lines *l, struct pass *ps)
{
	size_t i, nf = 0, nr = 0;

	if (ps->npairs > 1)
		qsort(ps->pairs, ps->npairs, sizeof(*ps->pairs), cmp_pair);
	l->rows = malloc((ps->npairs ? ps->npairs : 1) * sizeof(*l->rows));
	l->funcs = malloc((ps->npairs ? ps->npairs : 1) * sizeof(*l->funcs));
	if (l->rows == NULL || l->funcs == NULL)
		return -1;
	for (i = 0; i < ps->npairs; i++) {
		const struct pair *pr = &ps->pairs[i];

		if (pr->self == 0 && pr->total == 0)
			continue;
		if (nf == 0 || l->funcs[nf - 1].func != pr->func) {
			const struct func_acc *fa = &ps->facc[pr->func];

			l->funcs[nf++] = (em_func_lines){ pr->func, fa->self, fa->total, nr, 0 };
		}
		l->rows[nr++] = (em_line_row){ pr->line, pr->self, pr->total };
		l->funcs[nf - 1].n++;
	}
	l->nrows = nr;
	l->nfuncs = (uint32_t)nf;
	return 0;
}

static void pass_free(struct pass *ps)
{
	free(ps->pairs);
	free(ps->slots);
	free(ps->facc);
}

int em_lines_build(em_lines *l, const em_profile *p, uint32_t type,
    const unsigned char *want, em_error *err)
{
	struct pass ps;
	size_t s;
	int oom = 0;

	memset(l, 0, sizeof(*l));
	memset(&ps, 0, sizeof(ps));
	l->type = type;
	if (type >= p->ntypes)
		return em_error_set(err, "no sample type %u", type);
	ps.p = p;
	ps.want = want;
	ps.facc = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*ps.facc));
	if (ps.facc == NULL)
		return em_error_set(err, "out of memory");
	for (s = 0; s < p->nsamples; s++) {
		int64_t v = em_sample_value(p, s, type);

		if (v == 0)
			continue;
		if (add(&l->total, v) || fold_sample(&ps, s, v, &oom) < 0) {
			pass_free(&ps);
			em_lines_free(l);
			return em_error_set(err, oom ? "out of memory" :
			    "sample values overflow a 64-bit total");
		}
	}
	if (collect(l, &ps) < 0) {
		pass_free(&ps);
		em_lines_free(l);
		return em_error_set(err, "out of memory");
	}
	pass_free(&ps);
	return 0;
}

int em_lines_build_func(em_lines *l, const em_profile *p, uint32_t type,
    em_func_id f, em_error *err)
{
	unsigned char *want;
	int r;

	if (f >= p->nfuncs) {
		memset(l, 0, sizeof(*l));
		return em_error_set(err, "no function %u", f);
	}
	want = calloc(p->nfuncs, 1);
	if (want == NULL) {
		memset(l, 0, sizeof(*l));
		return em_error_set(err, "out of memory");
	}
	want[f] = 1;
	r = em_lines_build(l, p, type, want, err);
	free(want);
	return r;
}

void em_lines_free(em_lines *l)
{
	free(l->rows);
	free(l->funcs);
	memset(l, 0, sizeof(*l));
}

const em_func_lines *em_lines_find(const em_lines *l, em_func_id f)
{
	uint32_t lo = 0, hi = l->nfuncs;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (l->funcs[mid].func == f)
			return &l->funcs[mid];
		if (l->funcs[mid].func < f)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* pprof's getSourceFromFile: every node starts at the function's start
 * line (or lineno - 5) and ends at lineno + 5; the window is their union.
 * All our rows of one function share its start line, which makes pprof's
 * order-dependent loop equal to this min/max. */
void em_lines_window(const em_profile *p, const em_lines *l,
    const em_func_lines *fl, int64_t *start, int64_t *end)
{
	int64_t sl = p->funcs[fl->func].start_line, lo = 0, hi = 0;
	size_t i;

	for (i = 0; i < fl->n; i++) {
		int64_t ln = l->rows[fl->first + i].line;
		int64_t s = sl != 0 ? sl : (ln > INT64_MIN + 5 ? ln - 5 : INT64_MIN);
		int64_t e = ln < INT64_MAX - 5 ? ln + 5 : INT64_MAX;

		if (i == 0 || s < lo)
			lo = s;
		if (i == 0 || e > hi)
			hi = e;
	}
	*start = lo < 1 ? 1 : lo;
	*end = hi;
}

const em_line_row *em_lines_row(const em_lines *l, const em_func_lines *fl,
    int64_t line)
{
	size_t lo = 0, hi = fl->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const em_line_row *r = &l->rows[fl->first + mid];

		if (r->line == line)
			return r;
		if (r->line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const em_line_row *em_lines_hottest(const em_lines *l, const em_func_lines *fl)
{
	const em_line_row *best = NULL;
	size_t i;

	for (i = 0; i < fl->n; i++) {
		const em_line_row *r = &l->rows[fl->first + i];

		if (r->line <= 0)
			continue;
		if (best == NULL || r->self > best->self ||
		    (r->self == best->self && r->total > best->total))
			best = r;
	}
	return best;
}

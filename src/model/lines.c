/* lines.c - per-line self and total of chosen functions in one pass over
 * the samples (the figures of go tool pprof -list at line granularity).
 *
 * (function, file, line) triples and (function, file) groups live in
 * open-addressing tables; each remembers the last sample that added to its
 * total, so one met twice in a stack (recursion) counts once, as pprof
 * does. A function whose name is defined in several files gets one group
 * per file, as pprof -list shows one routine per function and file.
 * Millions of frames come from a few thousand profile lines: each profile
 * line remembers its triple, so a frame costs one array read. */
#include <stdlib.h>
#include <string.h>

#include "embers/lines.h"
#include "embers/vec.h"

/* One (function, file, line) with its figures; the same struct with line
 * 0 accumulates a whole (function, file). */
struct pair {
	em_func_id func;
	em_str file;
	int64_t line;
	int64_t self, total;
	size_t stamp;   /* sample index + 1 that last added to total */
	uint32_t group; /* lines table: its (function, file) in the groups */
};

/* An open-addressing table of pairs. */
struct table {
	struct pair *pairs;
	size_t npairs, pairs_cap;
	uint32_t *slots; /* pair index + 1, 0 = empty */
	size_t nslots;   /* power of two */
};

struct pass {
	const em_profile *p;
	const unsigned char *want;
	struct table lines;  /* (function, file, line) */
	struct table groups; /* (function, file): the figures pprof's header shows */
	uint32_t *memo;      /* profile line -> its lines pair + 1, 0 = not yet */
};

static int add(int64_t *dst, int64_t v)
{
	return __builtin_add_overflow(*dst, v, dst);
}

static size_t hash_pair(em_func_id f, em_str file, int64_t line)
{
	uint64_t h = (((uint64_t)f << 32 | file) * 0x9e3779b97f4a7c15ull) ^ (uint64_t)line;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return (size_t)h;
}

/* Double the slot table and re-insert every pair. */
static int grow_slots(struct table *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 1024, i;
	uint32_t *s;

	if (n > SIZE_MAX / sizeof(*s))
		return -1;
	s = calloc(n, sizeof(*s));
	if (s == NULL)
		return -1;
	for (i = 0; i < t->npairs; i++) {
		const struct pair *pr = &t->pairs[i];
		size_t h = hash_pair(pr->func, pr->file, pr->line) & (n - 1);

		while (s[h] != 0)
			h = (h + 1) & (n - 1);
		s[h] = (uint32_t)(i + 1);
	}
	free(t->slots);
	t->slots = s;
	t->nslots = n;
	return 0;
}

/* The slot holding (f, file, line), or the empty one it would take. */
static size_t slot_of(const struct table *t, em_func_id f, em_str file, int64_t line)
{
	size_t h = hash_pair(f, file, line) & (t->nslots - 1);

	while (t->slots[h] != 0) {
		const struct pair *pr = &t->pairs[t->slots[h] - 1];

		if (pr->func == f && pr->file == file && pr->line == line)
			break;
		h = (h + 1) & (t->nslots - 1);
	}
	return h;
}

/* The pair (f, file, line), added when new (*added set); NULL on out of
 * memory. */
static struct pair *find_pair(struct table *t, em_func_id f, em_str file, int64_t line,
    int *added)
{
	size_t h;

	*added = 0;
	if ((t->npairs + 1) * 2 > t->nslots && grow_slots(t) < 0)
		return NULL;
	h = slot_of(t, f, file, line);
	if (t->slots[h] != 0)
		return &t->pairs[t->slots[h] - 1];
	if (t->npairs >= UINT32_MAX - 1 ||
	    EM_VEC_RESERVE(t->pairs, t->pairs_cap, t->npairs + 1) < 0)
		return NULL;
	t->pairs[t->npairs] = (struct pair){ f, file, line, 0, 0, 0, 0 };
	t->slots[h] = (uint32_t)(++t->npairs);
	*added = 1;
	return &t->pairs[t->npairs - 1];
}

/* The (function, file, line) of profile line i and, through it, its
 * group. Samples share locations, so each profile line is looked up once
 * and remembered; the group is looked up when its line is new. */
static struct pair *find_line(struct pass *ps, uint32_t i, struct pair **group)
{
	const em_line *ln = &ps->p->lines[i];
	em_str file;
	struct pair *pr, *gr;
	int added;

	if (ps->memo[i] != 0) {
		pr = &ps->lines.pairs[ps->memo[i] - 1];
		*group = &ps->groups.pairs[pr->group];
		return pr;
	}
	file = em_line_file(ps->p, ln);
	pr = find_pair(&ps->lines, ln->func, file, ln->line, &added);
	if (pr == NULL)
		return NULL;
	if (added) {
		gr = find_pair(&ps->groups, ln->func, file, 0, &added);
		if (gr == NULL)
			return NULL;
		pr->group = (uint32_t)(gr - ps->groups.pairs);
	}
	ps->memo[i] = (uint32_t)(pr - ps->lines.pairs) + 1;
	*group = &ps->groups.pairs[pr->group];
	return pr;
}

static int wanted(const struct pass *ps, em_func_id f)
{
	return ps->want == NULL || ps->want[f];
}

/* Add v to pr's total once per sample s, and to its self when leaf. */
static int count(struct pair *pr, size_t s, int64_t v, int leaf)
{
	if (pr->stamp != s + 1) {
		pr->stamp = s + 1;
		if (add(&pr->total, v))
			return -1;
	}
	return leaf ? add(&pr->self, v) : 0;
}

/* Add v to the total of every wanted pair and (function, file) in sample
 * s (once each) and to the self of the leaf's. -1 on OOM (*oom set) or
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
			struct pair *pr, *gr;
			int leaf = k + 1 == d && j + 1 == l->nlines;

			if (!wanted(ps, ln->func))
				continue;
			if ((pr = find_line(ps, l->first_line + j, &gr)) == NULL) {
				*oom = 1;
				return -1;
			}
			if (count(pr, s, v, leaf) || count(gr, s, v, leaf))
				return -1;
		}
	}
	return 0;
}

/* Files of one function by name, bytewise (pprof's FileOrder); "" first. */
static int cmp_file(const em_profile *p, em_str a, em_str b)
{
	size_t la, lb;
	int r;

	if (a == b)
		return 0;
	la = em_strtab_len(p->strs, a);
	lb = em_strtab_len(p->strs, b);
	r = memcmp(em_profile_cstr(p, a), em_profile_cstr(p, b), la < lb ? la : lb);
	return r ? r : (la > lb) - (la < lb);
}

static int cmp_pair(const void *a, const void *b, void *ctx)
{
	const struct pair *x = a, *y = b;
	int r;

	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	if ((r = cmp_file(ctx, x->file, y->file)) != 0)
		return r;
	return (x->line > y->line) - (x->line < y->line);
}

/* Sorted pairs with weight into rows, grouped per (function, file). */
static int collect(em_lines *l, struct pass *ps)
{
	struct table *t = &ps->lines;
	size_t i, nf = 0, nr = 0;

	if (t->npairs > 1)
		qsort_r(t->pairs, t->npairs, sizeof(*t->pairs), cmp_pair, (void *)ps->p);
	l->rows = malloc((t->npairs ? t->npairs : 1) * sizeof(*l->rows));
	l->funcs = malloc((t->npairs ? t->npairs : 1) * sizeof(*l->funcs));
	if (l->rows == NULL || l->funcs == NULL)
		return -1;
	for (i = 0; i < t->npairs; i++) {
		const struct pair *pr = &t->pairs[i];
		em_func_lines *last = nf ? &l->funcs[nf - 1] : NULL;

		if (pr->self == 0 && pr->total == 0)
			continue;
		if (last == NULL || last->func != pr->func || last->file != pr->file) {
			const struct pair *g = &ps->groups.pairs[pr->group];

			l->funcs[nf++] = (em_func_lines){ pr->func, pr->file, g->self,
			    g->total, nr, 0 };
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
	free(ps->lines.pairs);
	free(ps->lines.slots);
	free(ps->groups.pairs);
	free(ps->groups.slots);
	free(ps->memo);
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
	/* only the lines of wanted functions are ever written */
	ps.memo = calloc(p->nlines ? p->nlines : 1, sizeof(*ps.memo));
	if (ps.memo == NULL)
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

/* The first entry of f (entries are sorted by function). */
const em_func_lines *em_lines_find(const em_lines *l, em_func_id f)
{
	uint32_t lo = 0, hi = l->nfuncs;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (l->funcs[mid].func < f)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->nfuncs && l->funcs[lo].func == f ? &l->funcs[lo] : NULL;
}

const em_func_lines *em_lines_find_file(const em_lines *l, em_func_id f, em_str file)
{
	const em_func_lines *fl = em_lines_find(l, f), *end = l->funcs + l->nfuncs;

	for (; fl != NULL && fl < end && fl->func == f; fl++)
		if (fl->file == file)
			return fl;
	return NULL;
}

/* pprof's getSourceFromFile: every node starts at the function's start
 * line (or lineno - 5) and ends at lineno + 5; the window is their union.
 * All our rows of one (function, file) share its start line, which makes
 * pprof's order-dependent loop equal to this min/max. */
void em_lines_window(const em_profile *p, const em_lines *l,
    const em_func_lines *fl, int64_t *start, int64_t *end)
{
	int64_t sl = em_profile_start_line(p, fl->func, fl->file), lo = 0, hi = 0;
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

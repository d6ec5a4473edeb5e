/* top.c - per-function self and total over the samples of one type, and
 * the orders the top table offers (the same as go tool pprof -top). */
#include <stdlib.h>
#include <string.h>

#include "embers/top.h"

struct acc {
	int64_t self, total;
	size_t stamp; /* sample index + 1 that last added to total */
	int seen;
};

static int add(int64_t *dst, int64_t v)
{
	return __builtin_add_overflow(*dst, v, dst);
}

/* Fold one sample into acc; recursion adds to total once per sample. */
static int fold_sample(const em_profile *p, size_t s, int64_t v, struct acc *acc)
{
	const uint32_t *locs = em_sample_locs(p, s);
	size_t d = em_sample_depth(p, s), k;

	if (d == 0)
		return 0;
	{
		const em_location *leaf = &p->locs[locs[d - 1]];

		if (add(&acc[p->lines[leaf->first_line + leaf->nlines - 1].func].self, v))
			return -1;
	}
	for (k = 0; k < d; k++) {
		const em_location *l = &p->locs[locs[k]];
		uint32_t j;

		for (j = 0; j < l->nlines; j++) {
			struct acc *a = &acc[p->lines[l->first_line + j].func];

			a->seen = 1;
			if (a->stamp == s + 1)
				continue;
			a->stamp = s + 1;
			if (add(&a->total, v))
				return -1;
		}
	}
	return 0;
}

int em_top_build(em_top *t, const em_profile *p, uint32_t type, em_error *err)
{
	struct acc *acc;
	size_t s;
	uint32_t f, n = 0;

	memset(t, 0, sizeof(*t));
	t->type = type;
	if (type >= p->ntypes)
		return em_error_set(err, "no sample type %u", type);
	acc = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*acc));
	if (acc == NULL)
		return em_error_set(err, "out of memory");
	for (s = 0; s < p->nsamples; s++) {
		int64_t v = em_sample_value(p, s, type);

		if (v == 0)
			continue;
		if (add(&t->total, v) || fold_sample(p, s, v, acc) < 0) {
			free(acc);
			return em_error_set(err, "sample values overflow a 64-bit total");
		}
	}
	for (f = 0; f < p->nfuncs; f++)
		n += acc[f].seen != 0;
	t->rows = malloc((n ? n : 1) * sizeof(*t->rows));
	if (t->rows == NULL) {
		free(acc);
		return em_error_set(err, "out of memory");
	}
	for (f = 0; f < p->nfuncs; f++)
		if (acc[f].seen)
			t->rows[t->n++] = (em_top_row){ f, acc[f].self, acc[f].total };
	free(acc);
	em_top_sort(t, p, EM_SORT_SELF);
	return 0;
}

void em_top_free(em_top *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

static int64_t abs64(int64_t v)
{
	return v < 0 ? (v == INT64_MIN ? INT64_MAX : -v) : v;
}

static int cmp_name(const em_top_row *a, const em_top_row *b, const em_profile *p)
{
	const em_strtab *st = p->strs;
	em_str na = p->funcs[a->func].name, nb = p->funcs[b->func].name;
	size_t la = em_strtab_len(st, na), lb = em_strtab_len(st, nb);
	int c = memcmp(em_strtab_str(st, na), em_strtab_str(st, nb), la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

static int cmp_desc(int64_t a, int64_t b)
{
	a = abs64(a);
	b = abs64(b);
	return (a < b) - (a > b);
}

static int by_self(const void *x, const void *y, void *p)
{
	const em_top_row *a = x, *b = y;
	int c = cmp_desc(a->self, b->self);

	if (c == 0)
		c = cmp_name(a, b, p);
	return c ? c : cmp_desc(a->total, b->total);
}

static int by_total(const void *x, const void *y, void *p)
{
	const em_top_row *a = x, *b = y;
	int c = cmp_desc(a->total, b->total);

	if (c == 0)
		c = cmp_name(a, b, p);
	return c ? c : cmp_desc(a->self, b->self);
}

static int by_name(const void *x, const void *y, void *p)
{
	return cmp_name(x, y, p);
}

void em_top_sort(em_top *t, const em_profile *p, em_sort by)
{
	qsort_r(t->rows, t->n, sizeof(*t->rows),
	    by == EM_SORT_TOTAL ? by_total : by == EM_SORT_NAME ? by_name : by_self,
	    (void *)p);
}

int em_sort_parse(const char *s)
{
	if (strcmp(s, "self") == 0 || strcmp(s, "flat") == 0)
		return EM_SORT_SELF;
	if (strcmp(s, "total") == 0 || strcmp(s, "cum") == 0)
		return EM_SORT_TOTAL;
	if (strcmp(s, "name") == 0)
		return EM_SORT_NAME;
	return -1;
}

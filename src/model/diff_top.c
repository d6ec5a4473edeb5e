/* diff_top.c - the per-function diff table: base and new self and total of
 * every function found on either side, and the orders it can be sorted
 * in. The figures are the two sides' em_top rows matched by name. */
#include <stdlib.h>
#include <string.h>

#include "embers/diff.h"

struct acc {
	int64_t self[2], total[2];
	int seen;
};

int em_diff_top_build(em_diff_top *t, const em_profile *base, const em_top *bt,
    const em_profile *nw, const em_top *nt, em_error *err)
{
	const em_top *side[2] = { bt, nt };
	em_func_id *map[2];
	struct acc *acc;
	uint32_t f, i;
	int s;

	memset(t, 0, sizeof(*t));
	t->names = em_diff_names(base, nw, map, err);
	if (t->names == NULL)
		return -1;
	acc = calloc(t->names->nfuncs ? t->names->nfuncs : 1, sizeof(*acc));
	if (acc == NULL)
		goto oom;
	for (s = 0; s < 2; s++) {
		t->sum[s] = side[s]->total;
		for (i = 0; i < side[s]->n; i++) {
			struct acc *a = &acc[map[s][side[s]->rows[i].func]];

			a->self[s] = side[s]->rows[i].self;
			a->total[s] = side[s]->rows[i].total;
			a->seen = 1;
		}
	}
	for (f = 0; f < t->names->nfuncs; f++)
		t->n += acc[f].seen;
	t->rows = malloc((t->n ? t->n : 1) * sizeof(*t->rows));
	if (t->rows == NULL)
		goto oom;
	for (f = 0, i = 0; f < t->names->nfuncs; f++) {
		if (!acc[f].seen)
			continue;
		t->rows[i].func = f;
		memcpy(t->rows[i].self, acc[f].self, sizeof(acc[f].self));
		memcpy(t->rows[i].total, acc[f].total, sizeof(acc[f].total));
		i++;
	}
	free(acc);
	free(map[0]);
	free(map[1]);
	em_diff_top_sort(t, EM_DSORT_SELF_CHANGE, EM_DIFF_NORMALISED, 0);
	return 0;
oom:
	free(acc);
	free(map[0]);
	free(map[1]);
	em_diff_top_free(t);
	return em_error_set(err, "out of memory comparing the profiles");
}

void em_diff_top_free(em_diff_top *t)
{
	em_profile_free(t->names);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

void em_diff_top_swap(em_diff_top *t)
{
	uint32_t i;
	int64_t x;

	for (i = 0; i < t->n; i++) {
		em_diff_row *r = &t->rows[i];

		x = r->self[0], r->self[0] = r->self[1], r->self[1] = x;
		x = r->total[0], r->total[0] = r->total[1], r->total[1] = x;
	}
	x = t->sum[0], t->sum[0] = t->sum[1], t->sum[1] = x;
}

/* ---- sorting ------------------------------------------------------------- */

struct sort_ctx {
	const em_diff_top *t;
	em_diff_sort by;
	em_diff_scale scale;
	int reverse;
};

static int cmp_name(const em_diff_row *a, const em_diff_row *b, const em_profile *p)
{
	em_str na = p->funcs[a->func].name, nb = p->funcs[b->func].name;
	size_t la = em_strtab_len(p->strs, na), lb = em_strtab_len(p->strs, nb);
	int c = memcmp(em_strtab_str(p->strs, na), em_strtab_str(p->strs, nb),
	    la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

/* The number a row is ordered by (larger first), for every column but name. */
static double key(const struct sort_ctx *c, const em_diff_row *r)
{
	const int64_t *sum = c->t->sum;

	switch (c->by) {
	case EM_DSORT_SELF_CHANGE:
		return em_diff_delta(r->self[0], sum[0], r->self[1], sum[1], c->scale);
	case EM_DSORT_TOTAL_CHANGE:
		return em_diff_delta(r->total[0], sum[0], r->total[1], sum[1], c->scale);
	case EM_DSORT_BASE_SELF:
		return (double)r->self[0];
	case EM_DSORT_NEW_SELF:
		return (double)r->self[1];
	case EM_DSORT_BASE_TOTAL:
		return (double)r->total[0];
	case EM_DSORT_NEW_TOTAL:
		return (double)r->total[1];
	case EM_DSORT_NAME:
		break;
	}
	return 0.0;
}

static int row_cmp(const void *x, const void *y, void *ctx)
{
	const struct sort_ctx *c = ctx;
	const em_diff_row *a = x, *b = y;
	int r = 0;

	if (c->by != EM_DSORT_NAME) {
		double ka = key(c, a), kb = key(c, b);

		r = (ka < kb) - (ka > kb);
	}
	if (r == 0)
		r = cmp_name(a, b, c->t->names);
	return c->reverse ? -r : r;
}

void em_diff_top_sort(em_diff_top *t, em_diff_sort by, em_diff_scale scale, int reverse)
{
	struct sort_ctx c = { t, by, scale, reverse };

	qsort_r(t->rows, t->n, sizeof(*t->rows), row_cmp, &c);
}

static const char *const sort_names[] = {
	[EM_DSORT_SELF_CHANGE] = "self",
	[EM_DSORT_TOTAL_CHANGE] = "total",
	[EM_DSORT_BASE_SELF] = "base-self",
	[EM_DSORT_NEW_SELF] = "new-self",
	[EM_DSORT_BASE_TOTAL] = "base-total",
	[EM_DSORT_NEW_TOTAL] = "new-total",
	[EM_DSORT_NAME] = "name",
};

int em_diff_sort_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++)
		if (strcmp(s, sort_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *em_diff_sort_name(em_diff_sort by)
{
	return (size_t)by < sizeof(sort_names) / sizeof(sort_names[0]) ?
	    sort_names[by] : "?";
}

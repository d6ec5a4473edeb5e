/* top.c - per-function self and total over the samples of one type, and
 * the orders the top table offers (the same as go tool pprof -top). */
#include <stdlib.h>
#include <string.h>

#include "embers/top.h"

struct acc {
	int64_t self, total;
	size_t stamp;  /* from samples: sample index + 1 that last added to total */
	uint32_t open; /* from the tree: nodes of the function on the current path */
	uint32_t seen;
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

static int rows_from(em_top *t, const struct acc *acc, uint32_t nfuncs)
{
	uint32_t f, n = 0;

	for (f = 0; f < nfuncs; f++)
		n += acc[f].seen != 0;
	t->rows = malloc((n ? n : 1) * sizeof(*t->rows));
	if (t->rows == NULL)
		return -1;
	for (f = 0; f < nfuncs; f++)
		if (acc[f].seen)
			t->rows[t->n++] = (em_top_row){ f, acc[f].self, acc[f].total };
	return 0;
}

int em_top_build(em_top *t, const em_profile *p, uint32_t type, em_error *err)
{
	struct acc *acc;
	size_t s;

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
	if (rows_from(t, acc, p->nfuncs) < 0) {
		free(acc);
		return em_error_set(err, "out of memory");
	}
	free(acc);
	em_top_sort(t, p, EM_SORT_SELF);
	return 0;
}

/* --- from the call tree ------------------------------------------------ */

static int visit(const em_tree *tr, em_node c, struct acc *acc)
{
	struct acc *a = &acc[tr->func[c]];

	a->seen = 1;
	if (add(&a->self, em_tree_self(tr, c)))
		return -1;
	return a->open++ == 0 && add(&a->total, tr->total[c]) ? -1 : 0;
}

/* Depth first over the breadth-first tree, the path on a stack. */
static int walk(const em_tree *tr, struct acc *acc, em_node *path, uint32_t *next)
{
	uint32_t d = 0;

	path[0] = 0;
	next[0] = tr->child[0];
	for (;;) {
		em_node c;

		if (next[d] == tr->child[path[d] + 1]) {
			if (d == 0)
				return 0;
			acc[tr->func[path[d--]]].open--;
			continue;
		}
		c = next[d]++;
		if (visit(tr, c, acc) < 0)
			return -1;
		path[++d] = c;
		next[d] = tr->child[c];
	}
}

int em_top_from_tree(em_top *t, const em_profile *p, const em_tree *tree, em_error *err)
{
	struct acc *acc = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*acc));
	em_node *path = malloc((tree->nlevels + 1) * sizeof(*path));
	uint32_t *next = malloc((tree->nlevels + 1) * sizeof(*next));
	int rc = -1;

	memset(t, 0, sizeof(*t));
	t->type = tree->type;
	t->total = tree->n ? tree->total[0] : 0;
	if (acc == NULL || path == NULL || next == NULL)
		em_error_set(err, "out of memory");
	else if (tree->n > 0 && walk(tree, acc, path, next) < 0)
		em_error_set(err, "sample values overflow a 64-bit total");
	else if (rows_from(t, acc, p->nfuncs) < 0)
		em_error_set(err, "out of memory");
	else
		rc = 0;
	free(acc);
	free(path);
	free(next);
	if (rc == 0)
		em_top_sort(t, p, EM_SORT_SELF);
	return rc;
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

/* A row with its sort key at hand: comparing keys costs no string table
 * lookups, which made up most of a sort's time. */
struct skey {
	int64_t v, w;       /* |first value|, |second value| (0 by name) */
	uint64_t head;      /* the name's first 8 bytes, big-endian, 0-padded */
	const char *name;
	size_t len;
	em_top_row row;
};

static uint64_t name_head(const char *s, size_t len)
{
	uint64_t h = 0;

	for (size_t i = 0; i < 8; i++)
		h = h << 8 | (i < len ? (unsigned char)s[i] : 0);
	return h;
}

/* Bytewise name order: the heads decide most pairs without memcmp. */
static int key_name_cmp(const struct skey *a, const struct skey *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (a->head != b->head)
		return a->head < b->head ? -1 : 1;
	c = n > 8 ? memcmp(a->name + 8, b->name + 8, n - 8) : 0;
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int by_key(const void *x, const void *y)
{
	const struct skey *a = x, *b = y;
	int c = (a->v < b->v) - (a->v > b->v);

	if (c == 0)
		c = key_name_cmp(a, b);
	return c ? c : (a->w < b->w) - (a->w > b->w);
}

static int sort_keyed(em_top *t, const em_profile *p, em_sort by)
{
	struct skey *k = malloc((t->n ? t->n : 1) * sizeof(*k));
	uint32_t i;

	if (k == NULL)
		return -1;
	for (i = 0; i < t->n; i++) {
		const em_top_row *r = &t->rows[i];
		em_str name = p->funcs[r->func].name;

		k[i].v = by == EM_SORT_NAME ? 0 : abs64(by == EM_SORT_TOTAL ? r->total : r->self);
		k[i].w = by == EM_SORT_NAME ? 0 : abs64(by == EM_SORT_TOTAL ? r->self : r->total);
		k[i].name = em_strtab_str(p->strs, name);
		k[i].len = em_strtab_len(p->strs, name);
		k[i].head = name_head(k[i].name, k[i].len);
		k[i].row = *r;
	}
	qsort(k, t->n, sizeof(*k), by_key);
	for (i = 0; i < t->n; i++)
		t->rows[i] = k[i].row;
	free(k);
	return 0;
}

void em_top_sort(em_top *t, const em_profile *p, em_sort by)
{
	if (t->order == 1 + (int)by)
		return;
	if (sort_keyed(t, p, by) < 0) /* out of memory: slower, in place */
		qsort_r(t->rows, t->n, sizeof(*t->rows),
		    by == EM_SORT_TOTAL ? by_total : by == EM_SORT_NAME ? by_name : by_self,
		    (void *)p);
	t->order = 1 + (int)by;
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

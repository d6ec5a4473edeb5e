/* diff_flamegraph.c - Pyroscope's FlameGraphDiff of an aligned tree, number
 * for number, so that a diff computed here can be checked against the
 * server's Diff RPC (pkg/model/flamegraph_diff.go NewFlamegraphDiff).
 *
 * What the server does, and this file repeats:
 *   - refuse trees with a negative self value;
 *   - with max_nodes > 0 and more nodes than that, a threshold: the
 *     max_nodes-th largest max(left total, right total) over the nodes
 *     (its capped array keeps the largest values seen; since a child is
 *     never larger than its parent this is the plain order statistic, and
 *     0 when fewer nodes than max_nodes are non-zero);
 *   - a depth-first walk with a stack (children pushed in name order, then
 *     "other", so popped in reverse): a child is kept when either side's
 *     total reaches the threshold, the rest are summed into one "other"
 *     child (self = total = the sum) placed after the kept ones;
 *   - names numbered as first met in that walk, the root's "" as "total",
 *     keyed by the name string (a function called "other" shares the
 *     "other" entry);
 *   - each level lists its nodes in the reverse of the walk order (the
 *     server prepends), which is left to right; x offsets are then delta-
 *     encoded separately for the left (0) and right (3) positions. */
#include <stdlib.h>
#include <string.h>

#include "embers/diff.h"
#include "embers/vec.h"

#define GROUP 7
#define NAME_UNSET UINT32_MAX

struct item {
	em_node node;     /* EM_NODE_NONE: an "other" node */
	int64_t l, r;     /* totals of an "other" node */
	int64_t xl, xr;
	uint32_t level;
};

struct walk {
	const em_diff *d;
	em_fg_diff *g;
	int64_t min;
	uint32_t *name_of; /* names func -> name index */
	uint32_t root_name, other_name;
	em_func_id empty_func, other_func; /* functions named "" and "other" */
	struct item *stack;
	size_t nstack, stack_cap;
	size_t *level_cap; /* capacity of each g->levels[l] */
	size_t caps[5];    /* of g->levels, level_len, level_cap, names, name_len */
};

static int cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y) - (x > y);
}

static int64_t node_max(const em_diff *d, em_node i)
{
	int64_t l = em_diff_total(d, 0, i), r = em_diff_total(d, 1, i);

	return l > r ? l : r;
}

/* The threshold: the max_nodes-th largest positive max(left, right). */
static int min_value(const em_diff *d, int64_t max_nodes, int64_t *out)
{
	int64_t *v;
	uint32_t i, n = 0;

	*out = 0;
	if (max_nodes <= 0 || (int64_t)d->tree.n <= max_nodes)
		return 0;
	v = malloc(d->tree.n * sizeof(*v));
	if (v == NULL)
		return -1;
	for (i = 0; i < d->tree.n; i++)
		if (node_max(d, i) > 0)
			v[n++] = node_max(d, i);
	if ((int64_t)n >= max_nodes) {
		qsort(v, n, sizeof(*v), cmp_desc);
		*out = v[max_nodes - 1];
	}
	free(v);
	return 0;
}

static int add_name(struct walk *w, const char *s, size_t len, uint32_t *idx)
{
	em_fg_diff *g = w->g;

	if (EM_VEC_RESERVE(g->names, w->caps[3], (size_t)g->nnames + 1) < 0 ||
	    EM_VEC_RESERVE(g->name_len, w->caps[4], (size_t)g->nnames + 1) < 0)
		return -1;
	g->names[g->nnames] = s;
	g->name_len[g->nnames] = len;
	*idx = g->nnames++;
	return 0;
}

/* Name index of an item, numbering names on first sight. */
static int name_index(struct walk *w, const struct item *it, uint32_t *out)
{
	const em_profile *p = w->d->names;
	uint32_t *slot;
	const char *s;
	size_t len;
	em_func_id f = it->node == EM_NODE_NONE ? EM_FUNC_NONE : w->d->tree.func[it->node];

	if (it->node == 0 || (f != EM_FUNC_NONE && f == w->empty_func)) {
		slot = &w->root_name;
		s = "total";
		len = 5;
	} else if (it->node == EM_NODE_NONE || f == w->other_func) {
		slot = &w->other_name;
		s = "other";
		len = 5;
	} else {
		slot = &w->name_of[f];
		s = em_func_name(p, f);
		len = em_strtab_len(p->strs, p->funcs[f].name);
	}
	if (*slot == NAME_UNSET && add_name(w, s, len, slot) < 0)
		return -1;
	*out = *slot;
	return 0;
}

static int emit(struct walk *w, const struct item *it, int64_t l, int64_t r,
    int64_t sl, int64_t sr)
{
	em_fg_diff *g = w->g;
	uint32_t name;
	int64_t *lv;

	if (name_index(w, it, &name) < 0)
		return -1;
	if (it->level >= g->nlevels) { /* one deeper than any so far */
		size_t need = (size_t)it->level + 1;

		if (EM_VEC_RESERVE(g->levels, w->caps[0], need) < 0 ||
		    EM_VEC_RESERVE(g->level_len, w->caps[1], need) < 0 ||
		    EM_VEC_RESERVE(w->level_cap, w->caps[2], need) < 0)
			return -1;
		g->levels[it->level] = NULL;
		g->level_len[it->level] = 0;
		w->level_cap[it->level] = 0;
		g->nlevels = it->level + 1;
	}
	if (EM_VEC_RESERVE(g->levels[it->level], w->level_cap[it->level],
	    g->level_len[it->level] + GROUP) < 0)
		return -1;
	lv = g->levels[it->level] + g->level_len[it->level];
	lv[0] = it->xl;
	lv[1] = l;
	lv[2] = sl;
	lv[3] = it->xr;
	lv[4] = r;
	lv[5] = sr;
	lv[6] = name;
	g->level_len[it->level] += GROUP;
	if (sl > g->max_self)
		g->max_self = sl;
	if (sr > g->max_self)
		g->max_self = sr;
	return 0;
}

static int push(struct walk *w, struct item it)
{
	if (EM_VEC_RESERVE(w->stack, w->stack_cap, w->nstack + 1) < 0)
		return -1;
	w->stack[w->nstack++] = it;
	return 0;
}

/* Emit one item and push its kept children and their "other". */
static int visit(struct walk *w, const struct item *it)
{
	const em_diff *d = w->d;
	int64_t l, r, sl, sr, xl = it->xl, xr = it->xr, ol = 0, or_ = 0;
	uint32_t c;

	if (it->node == EM_NODE_NONE) {
		l = sl = it->l;
		r = sr = it->r;
	} else {
		l = em_diff_total(d, 0, it->node);
		r = em_diff_total(d, 1, it->node);
		sl = em_diff_self(d, 0, it->node);
		sr = em_diff_self(d, 1, it->node);
	}
	if (!(l >= w->min || r >= w->min || it->node == EM_NODE_NONE))
		return 0;
	if (emit(w, it, l, r, sl, sr) < 0)
		return -1;
	if (it->node == EM_NODE_NONE)
		return 0;
	xl += sl;
	xr += sr;
	for (c = d->tree.child[it->node]; c < d->tree.child[it->node + 1]; c++) {
		int64_t cl = em_diff_total(d, 0, c), cr = em_diff_total(d, 1, c);

		if (cl >= w->min || cr >= w->min) {
			if (push(w, (struct item){ c, 0, 0, xl, xr, it->level + 1 }) < 0)
				return -1;
			xl += cl;
			xr += cr;
		} else {
			ol += cl;
			or_ += cr;
		}
	}
	if (ol != 0 || or_ != 0)
		return push(w, (struct item){ EM_NODE_NONE, ol, or_, xl, xr, it->level + 1 });
	return 0;
}

/* Reverse the groups of each level (to left-to-right order), then
 * delta-encode both x positions as the server does. */
static void finish_levels(em_fg_diff *g)
{
	uint32_t l;

	for (l = 0; l < g->nlevels; l++) {
		int64_t *v = g->levels[l];
		size_t n = g->level_len[l] / GROUP, i, k;
		int64_t prev[2] = { 0, 0 };

		for (i = 0; i < n / 2; i++)
			for (k = 0; k < GROUP; k++) {
				int64_t t = v[i * GROUP + k];

				v[i * GROUP + k] = v[(n - 1 - i) * GROUP + k];
				v[(n - 1 - i) * GROUP + k] = t;
			}
		for (i = 0; i < n; i++)
			for (k = 0; k < 2; k++) {
				int64_t *x = &v[i * GROUP + 3 * k];

				x[0] -= prev[k];
				prev[k] += x[0] + x[1];
			}
	}
}

static int has_negative(const em_diff *d)
{
	uint32_t i;

	for (i = 0; i < d->tree.n; i++)
		if (em_diff_self(d, 0, i) < 0 || em_diff_self(d, 1, i) < 0)
			return 1;
	return 0;
}

static int walk(struct walk *w)
{
	uint32_t f;

	w->name_of = malloc((w->d->names->nfuncs ? w->d->names->nfuncs : 1) *
	    sizeof(*w->name_of));
	if (w->name_of == NULL)
		return -1;
	for (f = 0; f < w->d->names->nfuncs; f++)
		w->name_of[f] = NAME_UNSET;
	if (push(w, (struct item){ 0, 0, 0, 0, 0, 0 }) < 0)
		return -1;
	while (w->nstack > 0) {
		struct item it = w->stack[--w->nstack];

		if (visit(w, &it) < 0)
			return -1;
	}
	return 0;
}

int em_diff_flamegraph(em_fg_diff *g, const em_diff *d, int64_t max_nodes, em_error *err)
{
	struct walk w;
	int rc;

	memset(g, 0, sizeof(*g));
	if (d->tree.n == 0)
		return em_error_set(err, "empty diff");
	if (has_negative(d))
		return em_error_set(err, "negative sample values cannot be diffed as pyroscope does");
	memset(&w, 0, sizeof(w));
	w.d = d;
	w.g = g;
	w.root_name = w.other_name = NAME_UNSET;
	w.empty_func = em_profile_find_func(d->names, "", 0);
	w.other_func = em_profile_find_func(d->names, "other", 5);
	g->left_ticks = em_diff_total(d, 0, 0);
	g->right_ticks = em_diff_total(d, 1, 0);
	rc = min_value(d, max_nodes, &w.min) < 0 ? -1 : walk(&w);
	free(w.name_of);
	free(w.stack);
	free(w.level_cap);
	if (rc < 0) {
		em_fg_diff_free(g);
		return em_error_set(err, "out of memory building the diff flame graph");
	}
	if (__builtin_add_overflow(g->left_ticks, g->right_ticks, &g->total))
		g->total = INT64_MAX;
	finish_levels(g);
	return 0;
}

void em_fg_diff_free(em_fg_diff *g)
{
	uint32_t l;

	for (l = 0; l < g->nlevels; l++)
		free(g->levels[l]);
	free(g->levels);
	free(g->level_len);
	free(g->names);
	free(g->name_len);
	memset(g, 0, sizeof(*g));
}

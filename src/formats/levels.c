/* levels.c - the Pyroscope flame graph "levels" encoding back into samples;
 * see include/embers/levels.h. The one decoder of that encoding, behind the
 * flamebearer and Connect FlameGraph JSON reader (flamebearer_read.c) and
 * the FlameGraph / FlameGraphDiff replies of the server client
 * (src/pyroscope/rpc.c).
 *
 * Every row is decoded to absolute spans. A diff has a left and a right
 * layout with the same tree shape; their sum is also a valid layout (a
 * child lies inside its parent on both sides, so inside the sum too), which
 * gives one span per node for finding parents. The parent of a node is the
 * last node of the row above starting at or before it, as Pyroscope's own
 * decoder (buildStack) does; it must contain the node, and a parent's self
 * plus its children must fit in its total, or the input is corrupt. The
 * children of a node are then a contiguous run of the next row, so samples
 * come from a depth-first walk with the path on a stack, which reads the
 * nodes in order instead of climbing parent links (cache misses) per node. */
#include <stdlib.h>
#include <string.h>

#include "embers/levels.h"
#include "embers/vec.h"

#define NO_PARENT UINT32_MAX

struct lv_node {
	int64_t x, w;      /* span in the (combined) layout */
	int64_t self[2];   /* left (or only) and right self */
	int64_t used;      /* own self + the widths of children seen so far */
	uint32_t parent;
	uint32_t name;
	uint32_t first_child, nchild;
};

struct lv {
	const em_levels *in;
	em_profile *p;
	struct lv_node *nodes;
	size_t *row_start;     /* nrows + 1 offsets into nodes */
	const size_t *name_len; /* the caller's name lengths, or own_len */
	size_t *own_len;
	uint32_t *name_loc;    /* location per name index, UINT32_MAX = none yet */
	uint32_t *path;        /* the current path, row 1 first */
	uint32_t *walk;        /* 2 * nrows: next and end child per depth */
};

/* Absolute x of one side of group g (x delta, total, self): a delta from
 * the end (*pos) of the previous node of the row, which moves on. */
static int side(const int64_t *g, size_t r, int64_t *pos, int64_t *x, em_error *err)
{
	if (g[0] < 0 || g[1] < 0 || g[2] < 0)
		return em_error_set(err, "level %zu: negative value in a node", r);
	if (g[2] > g[1])
		return em_error_set(err, "level %zu: node self %lld exceeds its total %lld", r,
		    (long long)g[2], (long long)g[1]);
	if (__builtin_add_overflow(*pos, g[0], x) || __builtin_add_overflow(*x, g[1], pos))
		return em_error_set(err, "level %zu: offsets overflow", r);
	return 0;
}

/* One group into nd: name, per-side spans, the combined span. */
static int decode_group(const em_levels *in, const int64_t *v, size_t r, int64_t *pos,
    struct lv_node *nd, em_error *err)
{
	int64_t x[2] = { 0, 0 }, end, ni = v[in->stride - 1];
	int diff = in->stride == 7;

	if (ni < 0 || (uint64_t)ni >= in->nnames)
		return em_error_set(err, "level %zu: name index %lld out of range (%zu names)", r,
		    (long long)ni, in->nnames);
	if (side(v, r, &pos[0], &x[0], err) < 0 || (diff && side(v + 3, r, &pos[1], &x[1], err) < 0))
		return -1;
	/* side() keeps each side's x + total in range, not their sums */
	if (__builtin_add_overflow(x[0], x[1], &nd->x) ||
	    __builtin_add_overflow(v[1], diff ? v[4] : 0, &nd->w) ||
	    __builtin_add_overflow(nd->x, nd->w, &end))
		return em_error_set(err, "level %zu: offsets overflow", r);
	nd->self[0] = v[2];
	nd->self[1] = diff ? v[5] : 0;
	nd->used = nd->self[0] + nd->self[1]; /* each self <= its total: no overflow */
	nd->name = (uint32_t)ni;
	nd->parent = NO_PARENT;
	nd->first_child = 0;
	nd->nchild = 0;
	return 0;
}

static int decode_row(struct lv *lv, size_t r, em_error *err)
{
	const em_levels *in = lv->in;
	const int64_t *v = in->rows[r];
	size_t i, n = in->row_len[r] / (size_t)in->stride;
	int64_t pos[2] = { 0, 0 };

	for (i = 0; i < n; i++, v += in->stride)
		if (decode_group(in, v, r, pos, &lv->nodes[lv->row_start[r] + i], err) < 0)
			return -1;
	return 0;
}

/* Link the nodes of row r to row r - 1 (both sorted by x). */
static int link_row(struct lv *lv, size_t r, em_error *err)
{
	size_t lo = lv->row_start[r - 1], hi = lv->row_start[r], j = lo, i;

	for (i = lv->row_start[r]; i < lv->row_start[r + 1]; i++) {
		struct lv_node *c = &lv->nodes[i], *par;

		while (j + 1 < hi && lv->nodes[j + 1].x <= c->x)
			j++;
		par = j < hi ? &lv->nodes[j] : NULL;
		if (par == NULL || c->x < par->x || c->x - par->x > par->w - c->w)
			return em_error_set(err, "level %zu: node at x=%lld lies outside its parent",
			    r, (long long)c->x);
		if (par->used > par->w - c->w)
			return em_error_set(err, "level %zu: children overflow the total of their "
			    "parent", r);
		par->used += c->w;
		c->parent = (uint32_t)j;
		if (par->nchild++ == 0)
			par->first_child = (uint32_t)i;
	}
	return 0;
}

static uint32_t name_location(struct lv *lv, uint32_t ni)
{
	const em_levels *in = lv->in;
	size_t len;
	em_str s;
	em_func_id f;

	if (lv->name_loc[ni] != UINT32_MAX)
		return lv->name_loc[ni];
	len = lv->name_len[ni];
	s = em_profile_str(lv->p, in->names[ni], len);
	if (s == EM_STR_NONE)
		return UINT32_MAX;
	f = em_profile_func(lv->p, s, 0, 0, 0);
	if (f == EM_FUNC_NONE)
		return UINT32_MAX;
	lv->name_loc[ni] = em_profile_func_location(lv->p, f);
	return lv->name_loc[ni];
}

/* Samples of the subtree under root node i (row 0), depth first; the
 * path below the root row is kept in lv->path. */
static int emit_tree(struct lv *lv, uint32_t i, size_t nrows, em_error *err)
{
	uint32_t *next = lv->walk; /* per depth: the next child to visit */
	uint32_t *end = lv->walk + nrows;
	size_t d = 0;

	next[0] = i;
	end[0] = i + 1;
	while (1) {
		const struct lv_node *nd;

		if (next[d] == end[d]) {
			if (d-- == 0)
				return 0;
			continue;
		}
		nd = &lv->nodes[next[d]++];
		if (d > 0) {
			uint32_t loc = name_location(lv, nd->name);

			if (loc == UINT32_MAX)
				return em_error_set(err, "out of memory");
			lv->path[d - 1] = loc;
		}
		if (nd->self[0] != 0 || nd->self[1] != 0) {
			int64_t vals[2] = { nd->self[0], nd->self[1] };

			if (em_profile_add_sample(lv->p, lv->path, d, vals, NULL, 0) < 0)
				return em_error_set(err, "out of memory");
		}
		if (nd->nchild > 0 && d + 1 < nrows) {
			d++;
			next[d] = nd->first_child;
			end[d] = nd->first_child + nd->nchild;
		}
	}
}

static int check_shape(const em_levels *in, size_t *total, em_error *err)
{
	size_t r;

	*total = 0;
	if (in->stride != 4 && in->stride != 7)
		return em_error_set(err, "flame graph: bad group size %d", in->stride);
	for (r = 0; r < in->nrows; r++) {
		if (in->row_len[r] % (size_t)in->stride != 0)
			return em_error_set(err, "level %zu: %zu numbers, not a multiple of %d", r,
			    in->row_len[r], in->stride);
		*total += in->row_len[r] / (size_t)in->stride;
	}
	if (*total >= UINT32_MAX || in->nnames >= UINT32_MAX)
		return em_error_set(err, "flame graph has too many nodes");
	return 0;
}

/* Size the profile's sample arrays once: growing them node by node costs
 * more (copies, page faults) than the whole decode otherwise. One stack
 * slot more than needed, so the array exists even when the only samples
 * are a root's own (empty) stack: em_sample_locs adds to it. */
static int reserve(struct lv *lv, em_error *err)
{
	em_profile *p = lv->p;
	size_t r, i, nsamples = 0, nstack = 0;

	for (r = 0; r < lv->in->nrows; r++)
		for (i = lv->row_start[r]; i < lv->row_start[r + 1]; i++)
			if (lv->nodes[i].self[0] != 0 || lv->nodes[i].self[1] != 0) {
				nsamples++;
				nstack += r;
			}
	nsamples += p->nsamples;
	if (EM_VEC_RESERVE(p->stack, p->stack_cap, p->nstack + nstack + 1) < 0 ||
	    EM_VEC_RESERVE(p->sample_off, p->sample_off_cap, nsamples + 2) < 0 ||
	    nsamples > SIZE_MAX / 2 ||
	    EM_VEC_RESERVE(p->values, p->values_cap, nsamples * p->ntypes) < 0)
		return em_error_set(err, "out of memory");
	return 0;
}

/* Between rows: stop when asked to, say how far we are. */
static int row_done(const em_levels *in, size_t r, em_error *err)
{
	if (in->cancel != NULL && *in->cancel)
		return em_error_set(err, "cancelled");
	if (in->progress != NULL)
		in->progress(in->ctx, (double)r / (double)in->nrows);
	return 0;
}

static int run(struct lv *lv, em_error *err)
{
	const em_levels *in = lv->in;
	size_t r, i;

	for (r = 0; r < in->nrows; r++)
		lv->row_start[r + 1] = lv->row_start[r] + in->row_len[r] / (size_t)in->stride;
	for (r = 0; r < in->nrows; r++) {
		if (row_done(in, r, err) < 0)
			return -1;
		if (decode_row(lv, r, err) < 0 || (r > 0 && link_row(lv, r, err) < 0))
			return -1;
	}
	if (reserve(lv, err) < 0)
		return -1;
	if (in->nrows > 0)
		for (i = 0; i < lv->row_start[1]; i++)
			if (emit_tree(lv, (uint32_t)i, in->nrows, err) < 0)
				return -1;
	return 0;
}

/* --- the call tree straight from the rows --------------------------------- */

/* A flame graph of one sample type is already the call tree, rows being
 * its levels and each node's children a run of the next row: only the
 * order of siblings may differ from em_tree's (by name; Pyroscope appends
 * "other" after the sorted rest). Renumbering breadth first with each
 * run sorted by name gives em_tree_build's tree in linear time, where
 * building it from the samples sorts every stack. */

static int name_order(const struct lv *lv, uint32_t a, uint32_t b)
{
	const em_levels *in = lv->in;
	uint32_t na = lv->nodes[a].name, nb = lv->nodes[b].name;
	size_t la = lv->name_len[na], lb = lv->name_len[nb];
	int c = memcmp(in->names[na], in->names[nb], la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

static int node_cmp(const void *x, const void *y, void *ctx)
{
	return name_order(ctx, *(const uint32_t *)x, *(const uint32_t *)y);
}

/* Put run[n - 1] in its place among the sorted run[0 .. n - 1): the usual
 * case, as Pyroscope appends "other" to sorted siblings. 0 on a tie. */
static int insert_last(const struct lv *lv, uint32_t *run, uint32_t n)
{
	uint32_t lo = 0, hi = n - 1, last = run[n - 1];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = name_order(lv, run[mid], last);

		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(run + lo + 1, run + lo, (n - 1 - lo) * sizeof(*run));
	run[lo] = last;
	return 1;
}

/* Sort one run of siblings by name; 0 when two share a name (they would
 * merge in em_tree: let em_tree_build do it). */
static int sort_siblings(const struct lv *lv, uint32_t *run, uint32_t n)
{
	uint32_t i;

	for (i = 1; i < n && name_order(lv, run[i - 1], run[i]) < 0; i++)
		;
	if (i == n)
		return 1;
	if (i == n - 1)
		return insert_last(lv, run, n);
	qsort_r(run, n, sizeof(*run), node_cmp, (void *)lv);
	for (i = 1; i < n; i++)
		if (name_order(lv, run[i - 1], run[i]) == 0)
			return 0;
	return 1;
}

/* Does every node hold exactly its self plus its children, as one built
 * from samples does? Else the samples lose the gap: build from them. */
static int sums_exact(const struct lv *lv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lv->nodes[i].w == 0 || lv->nodes[i].used != lv->nodes[i].w)
			return 0;
	return 1;
}

static int tree_alloc(em_tree *t, size_t n, size_t nlevels)
{
	t->n = (uint32_t)n;
	t->nlevels = (uint32_t)nlevels;
	t->func = malloc(n * sizeof(*t->func));
	t->total = malloc(n * sizeof(*t->total));
	t->child = malloc((n + 1) * sizeof(*t->child));
	t->level = malloc((nlevels + 1) * sizeof(*t->level));
	return t->func && t->total && t->child && t->level ? 0 : -1;
}

/* order[] lists lv's nodes breadth first with sorted siblings; fill t. */
static void tree_fill(const struct lv *lv, const uint32_t *order, size_t n, em_tree *t)
{
	uint32_t next = 1;

	for (size_t k = 0; k < n; k++) {
		const struct lv_node *nd = &lv->nodes[order[k]];

		t->func[k] = k == 0 ? EM_FUNC_ROOT
		    : lv->p->lines[lv->p->locs[lv->name_loc[nd->name]].first_line].func;
		t->total[k] = nd->w;
		t->child[k] = next;
		next += nd->nchild;
	}
	t->child[n] = next;
	for (size_t r = 0; r <= t->nlevels; r++)
		t->level[r] = (uint32_t)lv->row_start[r];
}

static int tree_build(const struct lv *lv, em_tree *t, em_error *err)
{
	size_t n = lv->row_start[lv->in->nrows], nlevels = lv->in->nrows, head, tail = 1;
	uint32_t *order;

	while (nlevels > 0 && lv->row_start[nlevels] == lv->row_start[nlevels - 1])
		nlevels--;
	if (lv->in->stride != 4 || nlevels == 0 || lv->row_start[1] != 1 || !sums_exact(lv, n))
		return 0;
	order = malloc(n * sizeof(*order));
	if (order == NULL)
		return em_error_set(err, "out of memory");
	order[0] = 0;
	for (head = 0; head < n; head++) {
		const struct lv_node *nd = &lv->nodes[order[head]];

		for (uint32_t c = 0; c < nd->nchild; c++)
			order[tail + c] = nd->first_child + c;
		if (!sort_siblings(lv, order + tail, nd->nchild)) {
			free(order);
			return 0;
		}
		tail += nd->nchild;
	}
	if (tree_alloc(t, n, nlevels) < 0) {
		free(order);
		em_tree_free(t);
		return em_error_set(err, "out of memory");
	}
	tree_fill(lv, order, n, t);
	free(order);
	return 0;
}

int em_levels_to_profile(em_profile *p, const em_levels *in, em_error *err)
{
	return em_levels_to_profile_tree(p, in, NULL, err);
}

int em_levels_to_profile_tree(em_profile *p, const em_levels *in, em_tree *tree,
    em_error *err)
{
	struct lv lv;
	size_t total;
	int rc = -1;

	if (tree != NULL)
		memset(tree, 0, sizeof(*tree));
	if (check_shape(in, &total, err) < 0)
		return -1;
	if (p->ntypes != (in->stride == 7 ? 2u : 1u))
		return em_error_set(err, "flame graph: profile needs %d sample types first",
		    in->stride == 7 ? 2 : 1);
	memset(&lv, 0, sizeof(lv));
	lv.in = in;
	lv.p = p;
	lv.nodes = calloc(total ? total : 1, sizeof(*lv.nodes));
	lv.row_start = calloc(in->nrows + 1, sizeof(*lv.row_start));
	lv.name_loc = malloc((in->nnames ? in->nnames : 1) * sizeof(*lv.name_loc));
	lv.path = malloc((in->nrows ? in->nrows : 1) * sizeof(*lv.path));
	lv.walk = malloc((in->nrows ? in->nrows : 1) * 2 * sizeof(*lv.walk));
	lv.name_len = in->name_len;
	if (lv.name_len == NULL && (lv.own_len = malloc((in->nnames ? in->nnames : 1) *
	    sizeof(*lv.own_len))) != NULL) {
		for (size_t i = 0; i < in->nnames; i++)
			lv.own_len[i] = strlen(in->names[i]);
		lv.name_len = lv.own_len;
	}
	if (lv.nodes == NULL || lv.row_start == NULL || lv.name_loc == NULL || lv.path == NULL ||
	    lv.walk == NULL || lv.name_len == NULL) {
		em_error_set(err, "out of memory");
		goto out;
	}
	memset(lv.name_loc, 0xff, (in->nnames ? in->nnames : 1) * sizeof(*lv.name_loc));
	rc = run(&lv, err);
	if (rc == 0 && tree != NULL)
		rc = tree_build(&lv, tree, err);
out:
	free(lv.nodes);
	free(lv.row_start);
	free(lv.name_loc);
	free(lv.own_len);
	free(lv.path);
	free(lv.walk);
	return rc;
}

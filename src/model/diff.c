/* diff.c - aligning the call trees of two profiles by function-name path,
 * the frame widths of the diff flame graph, and the change arithmetic
 * shared by the tree, the table and the views.
 *
 * Both side trees list children in bytewise name order, so aligning them
 * is a merge of two sorted runs per node. Nodes are visited in index
 * order and their merged children appended, which numbers the aligned
 * tree breadth-first exactly as em_tree requires. Names are compared by
 * their rank in the union table, sorted once, instead of by bytes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "embers/diff.h"

/* ---- the union function table ------------------------------------------ */

static em_func_id import_func(em_profile *u, const em_profile *p, em_func_id f)
{
	const em_function *fn = &p->funcs[f];
	em_str name, sys, file;

	name = em_profile_str(u, em_strtab_str(p->strs, fn->name),
	    em_strtab_len(p->strs, fn->name));
	sys = em_profile_str(u, em_strtab_str(p->strs, fn->system_name),
	    em_strtab_len(p->strs, fn->system_name));
	file = em_profile_str(u, em_strtab_str(p->strs, fn->file),
	    em_strtab_len(p->strs, fn->file));
	if (name == EM_STR_NONE || sys == EM_STR_NONE || file == EM_STR_NONE)
		return EM_FUNC_NONE;
	return em_profile_func(u, name, sys, file, fn->start_line);
}

em_profile *em_diff_names(const em_profile *base, const em_profile *nw,
    em_func_id *map[2], em_error *err)
{
	const em_profile *side[2] = { base, nw };
	em_profile *u = em_profile_new();
	int s;

	map[0] = map[1] = NULL;
	if (u == NULL)
		goto oom;
	u->format = "diff";
	for (s = 0; s < 2; s++) {
		uint32_t f, n = side[s]->nfuncs;

		map[s] = malloc((n ? n : 1) * sizeof(*map[s]));
		if (map[s] == NULL)
			goto oom;
		for (f = 0; f < n; f++)
			if ((map[s][f] = import_func(u, side[s], f)) == EM_FUNC_NONE)
				goto oom;
	}
	return u;
oom:
	free(map[0]);
	free(map[1]);
	map[0] = map[1] = NULL;
	em_profile_free(u);
	em_error_set(err, "out of memory comparing the profiles");
	return NULL;
}

static int name_cmp(const void *a, const void *b, void *ctx)
{
	const em_profile *p = ctx;
	em_str na = p->funcs[*(const em_func_id *)a].name;
	em_str nb = p->funcs[*(const em_func_id *)b].name;
	size_t la = em_strtab_len(p->strs, na), lb = em_strtab_len(p->strs, nb);
	int c = memcmp(em_strtab_str(p->strs, na), em_strtab_str(p->strs, nb),
	    la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

/* rank[u]: position of union function u in bytewise name order. */
static uint32_t *name_ranks(const em_profile *u)
{
	uint32_t *order = malloc((u->nfuncs ? u->nfuncs : 1) * sizeof(*order));
	uint32_t *rank = malloc((u->nfuncs ? u->nfuncs : 1) * sizeof(*rank));
	uint32_t i;

	if (order == NULL || rank == NULL) {
		free(order);
		free(rank);
		return NULL;
	}
	for (i = 0; i < u->nfuncs; i++)
		order[i] = i;
	qsort_r(order, u->nfuncs, sizeof(*order), name_cmp, (void *)u);
	for (i = 0; i < u->nfuncs; i++)
		rank[order[i]] = i;
	free(order);
	return rank;
}

/* ---- aligning the trees -------------------------------------------------- */

struct align {
	em_diff *d;
	const em_tree *t[2];
	const uint32_t *rank[2]; /* side func -> name rank */
};

/* Per node the aligned tree costs 24 bytes: function, first child, width
 * and the two side nodes. Totals, self values and flags are derived. */
static int alloc_diff(em_diff *d, uint32_t cap, uint32_t maxlevels)
{
	int s;

	d->tree.func = malloc(cap * sizeof(*d->tree.func));
	d->tree.total = malloc(cap * sizeof(*d->tree.total));
	d->tree.child = malloc(((size_t)cap + 1) * sizeof(*d->tree.child));
	d->tree.level = malloc(((size_t)maxlevels + 2) * sizeof(*d->tree.level));
	if (!d->tree.func || !d->tree.total || !d->tree.child || !d->tree.level)
		return -1;
	for (s = 0; s < 2; s++) {
		d->side_node[s] = malloc(cap * sizeof(*d->side_node[s]));
		if (!d->side_node[s])
			return -1;
	}
	return 0;
}

/* Give back what the upper bound reserved beyond the n nodes made. */
static void shrink(em_diff *d)
{
	size_t n = d->tree.n;
	void *q;
	int s;

#define SHRINK(ptr, count) \
	if ((q = realloc((ptr), (count) * sizeof(*(ptr)))) != NULL) \
		(ptr) = q
	SHRINK(d->tree.func, n);
	SHRINK(d->tree.total, n);
	SHRINK(d->tree.child, n + 1);
	for (s = 0; s < 2; s++)
		SHRINK(d->side_node[s], n);
#undef SHRINK
}

/* Append a node of the aligned tree for side nodes nb / nn (EM_NODE_NONE
 * when absent) whose union function is f. */
static inline void add_node(struct align *a, em_func_id f, em_node nb, em_node nn)
{
	em_diff *d = a->d;
	uint32_t i = d->tree.n++;

	d->tree.func[i] = f;
	d->side_node[0][i] = nb;
	d->side_node[1][i] = nn;
}

/* Merge the children of diff node i (name-sorted on both sides). */
static void merge_children(struct align *a, uint32_t i)
{
	em_diff *d = a->d;
	const em_tree *tb = a->t[0], *tn = a->t[1];
	em_node x = d->side_node[0][i], y = d->side_node[1][i];
	uint32_t cb = 0, eb = 0, cn = 0, en = 0;

	d->tree.child[i] = d->tree.n;
	if (x != EM_NODE_NONE)
		cb = tb->child[x], eb = tb->child[x + 1];
	if (y != EM_NODE_NONE)
		cn = tn->child[y], en = tn->child[y + 1];
	while (cb < eb && cn < en) {
		uint32_t rb = a->rank[0][tb->func[cb]], rn = a->rank[1][tn->func[cn]];

		if (rb <= rn) {
			add_node(a, d->to_names[0][tb->func[cb]], cb, rb == rn ? cn : EM_NODE_NONE);
			cn += rb == rn;
			cb++;
		} else {
			add_node(a, d->to_names[1][tn->func[cn]], EM_NODE_NONE, cn);
			cn++;
		}
	}
	for (; cb < eb; cb++)
		add_node(a, d->to_names[0][tb->func[cb]], cb, EM_NODE_NONE);
	for (; cn < en; cn++)
		add_node(a, d->to_names[1][tn->func[cn]], EM_NODE_NONE, cn);
}

static void align_trees(struct align *a)
{
	em_diff *d = a->d;
	uint32_t lv;

	d->tree.n = 0;
	add_node(a, EM_FUNC_ROOT, 0, 0);
	d->tree.level[0] = 0;
	d->tree.level[1] = 1;
	for (lv = 0;; lv++) {
		uint32_t i;

		for (i = d->tree.level[lv]; i < d->tree.level[lv + 1]; i++)
			merge_children(a, i);
		d->tree.level[lv + 2] = d->tree.n;
		if (d->tree.level[lv + 2] == d->tree.level[lv + 1])
			break;
	}
	d->tree.nlevels = lv + 1;
	d->tree.child[d->tree.n] = d->tree.n;
}

/* The function maps between the union table and each side, and each
 * side's function ranks in name order. */
static int side_maps(em_diff *d, const em_profile *const p[2], const uint32_t *rank,
    uint32_t *srank[2])
{
	uint32_t f;
	int s;

	for (s = 0; s < 2; s++) {
		d->side_func[s] = malloc((d->names->nfuncs ? d->names->nfuncs : 1) *
		    sizeof(*d->side_func[s]));
		srank[s] = malloc((p[s]->nfuncs ? p[s]->nfuncs : 1) * sizeof(*srank[s]));
		if (d->side_func[s] == NULL || srank[s] == NULL)
			return -1;
		d->side_nfuncs[s] = p[s]->nfuncs;
		for (f = 0; f < d->names->nfuncs; f++)
			d->side_func[s][f] = EM_FUNC_NONE;
		for (f = 0; f < p[s]->nfuncs; f++) {
			d->side_func[s][d->to_names[s][f]] = f;
			srank[s][f] = rank[d->to_names[s][f]];
		}
	}
	return 0;
}

int em_diff_build(em_diff *d, const em_profile *base, const em_tree *bt,
    const em_profile *nw, const em_tree *nt, em_error *err)
{
	const em_profile *p[2] = { base, nw };
	struct align a;
	uint32_t *rank = NULL, *srank[2] = { NULL, NULL }, maxlevels;
	uint64_t cap = (uint64_t)bt->n + nt->n;
	int rc = -1;

	memset(d, 0, sizeof(d[0]));
	if (bt->n == 0 || nt->n == 0)
		return em_error_set(err, "cannot compare an empty call tree");
	if (cap >= UINT32_MAX - 1)
		return em_error_set(err, "call trees too large to compare");
	d->side_n[0] = bt->n;
	d->side_n[1] = nt->n;
	maxlevels = bt->nlevels > nt->nlevels ? bt->nlevels : nt->nlevels;
	d->names = em_diff_names(base, nw, d->to_names, err);
	if (d->names == NULL)
		goto out;
	rank = name_ranks(d->names);
	if (rank == NULL || side_maps(d, p, rank, srank) < 0 ||
	    alloc_diff(d, (uint32_t)cap, maxlevels) < 0) {
		em_error_set(err, "out of memory comparing the profiles");
		goto out;
	}
	a = (struct align){ d, { bt, nt }, { srank[0], srank[1] } };
	d->side[0] = bt;
	d->side[1] = nt;
	align_trees(&a);
	shrink(d);
	d->tree.type = nt->type;
	d->sum[0] = bt->total[0];
	d->sum[1] = nt->total[0];
	em_diff_set_width(d, EM_WIDTH_NEW, EM_DIFF_NORMALISED);
	rc = 0;
out:
	free(rank);
	free(srank[0]);
	free(srank[1]);
	if (rc < 0)
		em_diff_free(d);
	return rc;
}

int em_diff_build_profiles(em_diff *d, const em_profile *base, uint32_t btype,
    const em_profile *nw, uint32_t ntype, em_error *err)
{
	em_tree t[2];

	memset(d, 0, sizeof(*d));
	if (em_tree_build(&t[0], base, btype, err) < 0)
		return -1;
	if (em_tree_build(&t[1], nw, ntype, err) < 0 ||
	    em_diff_build(d, base, &t[0], nw, &t[1], err) < 0) {
		em_tree_free(&t[0]);
		em_tree_free(&t[1]);
		return -1;
	}
	d->own = malloc(2 * sizeof(*d->own));
	if (d->own == NULL) {
		em_diff_free(d);
		em_tree_free(&t[0]);
		em_tree_free(&t[1]);
		return em_error_set(err, "out of memory comparing the profiles");
	}
	d->own[0] = t[0];
	d->own[1] = t[1];
	d->side[0] = &d->own[0];
	d->side[1] = &d->own[1];
	return 0;
}

void em_diff_free(em_diff *d)
{
	int s;

	em_profile_free(d->names);
	em_tree_free(&d->tree);
	for (s = 0; s < 2 && d->own != NULL; s++)
		em_tree_free(&d->own[s]);
	free(d->own);
	for (s = 0; s < 2; s++) {
		free(d->side_node[s]);
		free(d->side_func[s]);
		free(d->to_names[s]);
	}
	memset(d, 0, sizeof(*d));
}

int64_t em_diff_self(const em_diff *d, int side, em_node i)
{
	int64_t self = em_diff_total(d, side, i);
	uint32_t c;

	for (c = d->tree.child[i]; c < d->tree.child[i + 1]; c++)
		self -= em_diff_total(d, side, c);
	return self;
}

em_node em_diff_node_from_side(const em_diff *d, int side, const em_tree *t, em_node i)
{
	em_node *path, cur = 0;
	uint32_t n;

	if (side < 0 || side > 1 || i >= t->n || t->n != d->side_n[side])
		return EM_NODE_NONE;
	n = em_tree_depth(t, i);
	path = malloc((n ? n : 1) * sizeof(*path));
	if (path == NULL)
		return EM_NODE_NONE;
	for (n = 0; i != 0; i = em_tree_parent(t, i))
		path[n++] = i;
	while (n-- > 0 && cur != EM_NODE_NONE) {
		em_func_id f = t->func[path[n]];

		cur = f < d->side_nfuncs[side] ? em_tree_find_child(&d->tree, d->names, cur,
		    d->to_names[side][f]) : EM_NODE_NONE;
	}
	free(path);
	return cur;
}

/* ---- widths -------------------------------------------------------------- */

static int64_t add_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* v * k rounded, saturated to int64. */
static int64_t scale_value(int64_t v, double k)
{
	double x = (double)v * k;

	if (x >= 9.2233720368547748e18)
		return INT64_MAX;
	if (x <= -9.2233720368547748e18)
		return INT64_MIN;
	return (int64_t)llround(x);
}

void em_diff_set_width(em_diff *d, em_diff_width width, em_diff_scale scale)
{
	double k = 1.0;
	uint32_t i, c;

	d->width = width;
	d->scale = scale;
	/* Normalised, the base is measured in units of the new total, so
	 * that equal shares are equally wide. */
	if (scale == EM_DIFF_NORMALISED && d->sum[0] != 0 && d->sum[1] != 0)
		k = fabs((double)d->sum[1]) / fabs((double)d->sum[0]);
	for (i = d->tree.n; i-- > 0;) {
		int64_t w, sum = 0, b, n;

		if (width != EM_WIDTH_MAX) {
			d->tree.total[i] = em_diff_total(d, width == EM_WIDTH_NEW, i);
			continue;
		}
		b = em_diff_total(d, 0, i);
		n = em_diff_total(d, 1, i);
		if (k != 1.0)
			b = scale_value(b, k);
		w = b > n ? b : n;
		for (c = d->tree.child[i]; c < d->tree.child[i + 1]; c++)
			sum = add_sat(sum, d->tree.total[c]);
		d->tree.total[i] = sum > w ? sum : w;
	}
}

void em_diff_swap(em_diff *d)
{
	const em_tree *st;
	uint32_t tn;
	int64_t ts;
	em_node *e;
	em_func_id *f;

	st = d->side[0], d->side[0] = d->side[1], d->side[1] = st;
	e = d->side_node[0], d->side_node[0] = d->side_node[1], d->side_node[1] = e;
	f = d->side_func[0], d->side_func[0] = d->side_func[1], d->side_func[1] = f;
	f = d->to_names[0], d->to_names[0] = d->to_names[1], d->to_names[1] = f;
	tn = d->side_n[0], d->side_n[0] = d->side_n[1], d->side_n[1] = tn;
	tn = d->side_nfuncs[0], d->side_nfuncs[0] = d->side_nfuncs[1], d->side_nfuncs[1] = tn;
	ts = d->sum[0], d->sum[0] = d->sum[1], d->sum[1] = ts;
	em_diff_set_width(d, d->width, d->scale);
}

/* ---- arithmetic ---------------------------------------------------------- */

double em_diff_share(int64_t v, int64_t total)
{
	return total ? (double)v / (double)total : 0.0;
}

double em_diff_delta(int64_t b, int64_t bt, int64_t n, int64_t nt, em_diff_scale scale)
{
	if (scale == EM_DIFF_ABSOLUTE)
		return (double)n - (double)b;
	return em_diff_share(n, nt) - em_diff_share(b, bt);
}

double em_diff_rel(int64_t b, int64_t bt, int64_t n, int64_t nt, em_diff_scale scale)
{
	double x = (double)b, y = (double)n;

	if (scale == EM_DIFF_NORMALISED) {
		x = em_diff_share(b, bt);
		y = em_diff_share(n, nt);
	}
	if (x == 0.0)
		return y > 0.0 ? INFINITY : y < 0.0 ? -INFINITY : 0.0;
	return y / x - 1.0;
}

static double clamp1(double x)
{
	return x > 1.0 ? 1.0 : x < -1.0 ? -1.0 : x;
}

double em_diff_heat(int64_t b, int64_t bt, int64_t n, int64_t nt, em_diff_scale scale)
{
	if (scale == EM_DIFF_ABSOLUTE) {
		int64_t m = bt > nt ? bt : nt;

		return clamp1(((double)n - (double)b) / (double)(m ? m : 1));
	}
	if (bt == 0 || nt == 0)
		return 0.0;
	return clamp1(em_diff_rel(b, bt, n, nt, scale));
}

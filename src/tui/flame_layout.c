/* flame_layout.c - cell geometry of the icicle: breadcrumb, zoom row, and
 * children placed inside their parent with narrow ones grouped.
 *
 * Children of a span get whole cells in proportion to their value, using
 * the zoom's scale (cells per unit) so widths are comparable across the
 * whole view: floor of the ideal width, then the leftover cells to the
 * largest remainders. A child below one cell joins the parent's aggregate;
 * when a parent has fewer cells than wide children plus the aggregate, the
 * smallest wide children join it too. Work is proportional to the visible
 * spans and their children, never to the whole tree. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "embers/vec.h"
#include "flame_layout.h"

struct item {
	em_node node;
	double ideal; /* cells */
	int cells;
	uint32_t order;
};

int em_tree_heights(const em_tree *t, uint32_t **height)
{
	uint32_t *h = calloc(t->n ? t->n : 1, sizeof(*h));

	if (h == NULL)
		return -1;
	/* children always have larger indexes than their parent (BFS) */
	for (uint32_t i = t->n; i-- > 0;) {
		for (uint32_t c = t->child[i]; c < t->child[i + 1]; c++)
			if (h[c] + 1 > h[i])
				h[i] = h[c] + 1;
	}
	*height = h;
	return 0;
}

int em_tree_parents(const em_tree *t, uint32_t **parent)
{
	uint32_t *pa = calloc(t->n ? t->n : 1, sizeof(*pa));

	if (pa == NULL)
		return -1;
	for (uint32_t i = 0; i < t->n; i++)
		for (uint32_t c = t->child[i]; c < t->child[i + 1]; c++)
			pa[c] = i;
	*parent = pa;
	return 0;
}

void em_flame_layout_free(struct em_flame_layout *l)
{
	free(l->row_first);
	free(l->spans);
	free(l->members);
	free(l->tmp);
	memset(l, 0, sizeof(*l));
}

static struct em_span *span_add(struct em_flame_layout *l)
{
	struct em_span *s;

	if (EM_VEC_RESERVE(l->spans, l->spans_cap, l->nspans + 1) < 0)
		return NULL;
	s = &l->spans[l->nspans++];
	memset(s, 0, sizeof(*s));
	return s;
}

static int row_end(struct em_flame_layout *l)
{
	if (EM_VEC_RESERVE(l->row_first, l->row_cap, l->nrows + 2) < 0)
		return -1;
	l->nrows++;
	l->row_first[l->nrows] = (uint32_t)l->nspans;
	return 0;
}

static int member_add(struct em_flame_layout *l, em_node n)
{
	if (EM_VEC_RESERVE(l->members, l->members_cap, l->nmembers + 1) < 0)
		return -1;
	l->members[l->nmembers++] = n;
	return 0;
}

static struct item *items_reserve(struct em_flame_layout *l, size_t n)
{
	size_t cap = l->tmp_cap;
	void *p = l->tmp;

	if (em_vec_reserve(&p, &cap, n ? n : 1, sizeof(struct item)) < 0)
		return NULL;
	l->tmp = p;
	l->tmp_cap = cap;
	return p;
}

static int by_ideal_asc(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->ideal != y->ideal)
		return x->ideal < y->ideal ? -1 : 1;
	return x->order < y->order ? 1 : -1; /* later ones go first */
}

static int by_deficit_desc(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	double dx = x->ideal - x->cells, dy = y->ideal - y->cells;

	if (dx != dy)
		return dx > dy ? -1 : 1;
	return x->order < y->order ? -1 : 1;
}

static int by_order(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return x->order < y->order ? -1 : (x->order > y->order);
}

/* Share out w cells among items[0..n): each gets at least one, and as near
 * to its ideal width as whole cells allow; cells not needed stay free (the
 * parent's self value). */
static void share_cells(struct item *it, size_t n, int w)
{
	double sum = 0;
	long used = 0, target;

	for (size_t i = 0; i < n; i++) {
		double f = floor(it[i].ideal);
		it[i].cells = f < 1 ? 1 : (f > w ? w : (int)f);
		used += it[i].cells;
		sum += it[i].ideal;
	}
	while (used > w) {
		/* trim the widest until it fits (n <= w, so this ends) */
		size_t big = 0;
		for (size_t i = 1; i < n; i++)
			if (it[i].cells > it[big].cells)
				big = i;
		it[big].cells--;
		used--;
	}
	target = lround(sum);
	if (target > w)
		target = w;
	if (target > used) {
		/* the leftover cells go to those furthest below their ideal */
		qsort(it, n, sizeof(*it), by_deficit_desc);
		for (size_t i = 0; used < target && i < n && it[i].ideal > it[i].cells; i++) {
			it[i].cells++;
			used++;
		}
	}
	qsort(it, n, sizeof(*it), by_order);
}

struct group_src {
	const em_node *list; /* explicit members, or NULL for the range */
	uint32_t lo, hi;
};

static em_node src_node(const struct group_src *g, uint32_t i)
{
	return g->list ? g->list[i] : i;
}

/* Place the children in g of parent span (x, w) on the row being built. */
static int place_children(struct em_flame_layout *l, const em_tree *t,
    const uint32_t *height, em_node parent, const struct group_src *g,
    int x, int w, double scale)
{
	size_t cap = g->hi - g->lo + 1, nwide = 0, nnarrow;
	struct item *it = items_reserve(l, cap);
	int64_t narrow_mass = 0;
	int has_agg;

	if (it == NULL)
		return -1;
	for (uint32_t i = g->lo; i < g->hi; i++) {
		em_node c = src_node(g, i);
		double ideal = (double)t->total[c] * scale;
		if (ideal >= 1.0) {
			it[nwide].node = c;
			it[nwide].ideal = ideal;
			it[nwide].order = i - g->lo;
			nwide++;
		} else {
			narrow_mass += t->total[c];
		}
	}
	nnarrow = (g->hi - g->lo) - nwide;
	has_agg = nnarrow > 0;
	if (nwide + (size_t)has_agg > (size_t)w) {
		/* too many for the cells: the smallest join the aggregate */
		qsort(it, nwide, sizeof(*it), by_ideal_asc);
		while (nwide > 0 && nwide + 1 > (size_t)w) {
			narrow_mass += t->total[it[0].node];
			memmove(it, it + 1, (nwide - 1) * sizeof(*it));
			nwide--;
		}
		has_agg = 1;
		qsort(it, nwide, sizeof(*it), by_order);
	}
	if (has_agg) {
		it[nwide].node = EM_NODE_NONE;
		it[nwide].ideal = (double)narrow_mass * scale;
		it[nwide].order = UINT32_MAX;
	}
	share_cells(it, nwide + (size_t)has_agg, w);
	for (size_t i = 0; i < nwide; i++) {
		struct em_span *s = span_add(l);
		if (s == NULL)
			return -1;
		s->kind = EM_SPAN_NODE;
		s->node = it[i].node;
		s->x = (uint16_t)x;
		s->w = (uint16_t)it[i].cells;
		x += it[i].cells;
	}
	if (has_agg) {
		int cells = it[nwide].cells;
		size_t mfirst = l->nmembers;
		uint32_t kmax = 0;
		size_t wi = 0;
		struct em_span *s;

		/* members: every child not placed as a wide span, in tree order */
		for (uint32_t i = g->lo; i < g->hi; i++) {
			em_node c = src_node(g, i);
			if (wi < nwide && it[wi].node == c) {
				wi++;
				continue;
			}
			if (member_add(l, c) < 0)
				return -1;
			if (height[c] > kmax)
				kmax = height[c];
		}
		s = span_add(l);
		if (s == NULL)
			return -1;
		s->kind = EM_SPAN_AGG;
		s->node = parent;
		s->k = 0;
		s->kmax = kmax;
		s->mfirst = (uint32_t)mfirst;
		s->mcount = (uint32_t)(l->nmembers - mfirst);
		s->x = (uint16_t)x;
		s->w = (uint16_t)cells;
	}
	return 0;
}

/* Breadcrumb: the path root..last, at most maxcrumbs rows. */
static int add_crumbs(struct em_flame_layout *l, const em_tree *t, em_node last,
    int maxcrumbs)
{
	uint32_t depth = em_tree_depth(t, last) + 1, shown, hidden, head;
	em_node *path = malloc(depth * sizeof(*path));
	em_node n = last;

	if (path == NULL)
		return -1;
	for (uint32_t i = depth; i-- > 0;) {
		path[i] = n;
		n = em_tree_parent(t, n);
	}
	if (maxcrumbs < 1)
		maxcrumbs = 1;
	shown = depth;
	head = 0;
	hidden = 0;
	if (depth > (uint32_t)maxcrumbs) {
		/* root, a "more" row, then the nearest ancestors */
		head = maxcrumbs >= 3 ? 1 : 0;
		hidden = depth - (uint32_t)maxcrumbs + 1;
		shown = (uint32_t)maxcrumbs;
	}
	for (uint32_t r = 0; r < shown; r++) {
		struct em_span *s = span_add(l);
		if (s == NULL) {
			free(path);
			return -1;
		}
		s->x = 0;
		s->w = (uint16_t)l->width;
		if (hidden > 0 && r == head) {
			s->kind = EM_SPAN_MORE;
			s->node = path[head + hidden - 1];
			s->k = hidden;
		} else {
			uint32_t pi = (hidden > 0 && r > head) ? r + hidden - 1 : r;
			s->kind = EM_SPAN_CRUMB;
			s->node = path[pi];
		}
		if (row_end(l) < 0) {
			free(path);
			return -1;
		}
	}
	l->ncrumbs = shown;
	free(path);
	return 0;
}

/* Lay out the row below row r. Returns the number of spans added, -1 on
 * out of memory. */
static long next_row(struct em_flame_layout *l, const em_tree *t, const uint32_t *height,
    uint32_t r, const struct em_zoom_view *z, double scale)
{
	size_t before = l->nspans;

	for (uint32_t i = l->row_first[r]; i < l->row_first[r + 1]; i++) {
		struct em_span sp = l->spans[i]; /* copy: spans may move */
		struct group_src g;

		if (sp.kind == EM_SPAN_NODE || sp.kind == EM_SPAN_ZOOMAGG) {
			if (sp.kind == EM_SPAN_ZOOMAGG) {
				g.list = z->members;
				g.lo = 0;
				g.hi = z->nmembers;
			} else {
				g.list = NULL;
				g.lo = t->child[sp.node];
				g.hi = t->child[sp.node + 1];
			}
			if (g.hi > g.lo &&
			    place_children(l, t, height, sp.node, &g, sp.x, sp.w, scale) < 0)
				return -1;
		} else if (sp.kind == EM_SPAN_AGG && sp.k < sp.kmax) {
			struct em_span *s = span_add(l);
			if (s == NULL)
				return -1;
			*s = sp;
			s->k = sp.k + 1;
		}
	}
	return (long)(l->nspans - before);
}

int em_flame_layout_build(struct em_flame_layout *l, const em_tree *t,
    const uint32_t *height, const struct em_zoom_view *z, int width, int maxcrumbs)
{
	struct em_span *s;
	double scale;
	em_node last_crumb;

	l->nrows = 0;
	l->ncrumbs = 0;
	l->nspans = 0;
	l->nmembers = 0;
	l->width = width < 0 ? 0 : (width > 65535 ? 65535 : width);
	if (EM_VEC_RESERVE(l->row_first, l->row_cap, 2) < 0)
		return -1;
	l->row_first[0] = 0;
	l->zoom_mass = 0;
	if (z->nmembers > 0) {
		for (uint32_t i = 0; i < z->nmembers; i++)
			l->zoom_mass += t->total[z->members[i]];
		last_crumb = z->node;
	} else {
		l->zoom_mass = t->total[z->node];
		last_crumb = em_tree_parent(t, z->node);
	}
	l->zoom_depth = em_tree_depth(t, z->node) + (z->nmembers > 0 ? 1 : 0);
	if (l->width == 0 || t->n == 0)
		return 0;
	if (last_crumb != EM_NODE_NONE && add_crumbs(l, t, last_crumb, maxcrumbs) < 0)
		return -1;
	/* the zoom row */
	s = span_add(l);
	if (s == NULL)
		return -1;
	s->x = 0;
	s->w = (uint16_t)l->width;
	s->node = z->node;
	if (z->nmembers > 0) {
		s->kind = EM_SPAN_ZOOMAGG;
		s->mfirst = (uint32_t)l->nmembers;
		s->mcount = z->nmembers;
		for (uint32_t i = 0; i < z->nmembers; i++)
			if (member_add(l, z->members[i]) < 0)
				return -1;
	} else {
		s->kind = EM_SPAN_NODE;
	}
	if (row_end(l) < 0)
		return -1;
	scale = l->zoom_mass > 0 ? (double)l->width / (double)l->zoom_mass : 0;
	for (;;) {
		long added = next_row(l, t, height, l->nrows - 1, z, scale);
		if (added < 0)
			return -1;
		if (added == 0)
			break;
		if (row_end(l) < 0)
			return -1;
	}
	return 0;
}

/* --- lookups ------------------------------------------------------------ */

long em_layout_at(const struct em_flame_layout *l, uint32_t r, int x)
{
	uint32_t lo, hi;

	if (r >= l->nrows || x < 0)
		return -1;
	lo = l->row_first[r];
	hi = l->row_first[r + 1];
	/* spans of a row are in x order: binary search the last x <= cell */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->spans[mid].x <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == l->row_first[r])
		return -1;
	lo--;
	if (x < l->spans[lo].x + l->spans[lo].w)
		return (long)lo;
	return -1;
}

uint32_t em_layout_span_row(const struct em_flame_layout *l, size_t i)
{
	uint32_t lo = 0, hi = l->nrows;

	while (lo + 1 < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->row_first[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

long em_layout_find_node(const struct em_flame_layout *l, const em_tree *t, em_node node)
{
	uint32_t d, r;

	if (node >= t->n || l->nrows == 0)
		return -1;
	d = em_tree_depth(t, node);
	if (d < l->zoom_depth) {
		for (r = 0; r < l->ncrumbs; r++) {
			const struct em_span *s = em_layout_row(l, r);
			if (s->kind == EM_SPAN_CRUMB && s->node == node)
				return (long)l->row_first[r];
		}
		return -1;
	}
	r = l->ncrumbs + (d - l->zoom_depth);
	if (r >= l->nrows)
		return -1;
	for (uint32_t i = l->row_first[r]; i < l->row_first[r + 1]; i++)
		if (l->spans[i].kind == EM_SPAN_NODE && l->spans[i].node == node)
			return (long)i;
	return -1;
}

long em_layout_find_agg(const struct em_flame_layout *l, em_node parent, uint32_t k)
{
	for (size_t i = 0; i < l->nspans; i++)
		if (l->spans[i].kind == EM_SPAN_AGG && l->spans[i].node == parent &&
		    l->spans[i].k == k)
			return (long)i;
	return -1;
}

long em_layout_find_hidden(const struct em_flame_layout *l, const em_tree *t, em_node node)
{
	uint32_t k = 0;

	for (em_node a = node; a != EM_NODE_NONE && a < t->n; a = em_tree_parent(t, a), k++) {
		em_node p = em_tree_parent(t, a);
		long i;

		if (p == EM_NODE_NONE)
			break;
		i = em_layout_find_agg(l, p, 0);
		if (i < 0)
			continue;
		for (uint32_t m = 0; m < l->spans[i].mcount; m++)
			if (l->members[l->spans[i].mfirst + m] == a)
				return em_layout_find_agg(l, p, k);
	}
	return -1;
}

void em_layout_agg_stats(const struct em_flame_layout *l, const em_tree *t, size_t i,
    int64_t *mass, uint32_t *frames)
{
	const struct em_span *s = &l->spans[i];
	uint32_t k = s->kind == EM_SPAN_AGG ? s->k : 0;

	*mass = 0;
	*frames = 0;
	for (uint32_t m = 0; m < s->mcount; m++) {
		/* a subtree's level is one contiguous range of BFS numbers */
		em_node lo = l->members[s->mfirst + m], hi = lo + 1;
		for (uint32_t d = 0; d < k && lo < hi; d++) {
			lo = t->child[lo];
			hi = t->child[hi];
		}
		for (em_node n = lo; n < hi; n++)
			*mass += t->total[n];
		*frames += hi - lo;
	}
}

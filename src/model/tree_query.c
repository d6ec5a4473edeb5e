/* tree_query.c - what a built call tree answers: a node's self value,
 * depth, parent, name, and the child of a given function (tree.h). The
 * breadth-first layout stores no parent or depth: both are a binary
 * search over the level and child offsets. */
#include <string.h>

#include "embers/tree.h"

int64_t em_tree_self(const em_tree *t, em_node i)
{
	int64_t self = t->total[i];
	uint32_t c;

	for (c = t->child[i]; c < t->child[i + 1]; c++)
		self -= t->total[c];
	return self;
}

/* Largest index in [lo, hi) whose a[] value is <= x (a is non-decreasing). */
static uint32_t last_le(const uint32_t *a, uint32_t lo, uint32_t hi, uint32_t x)
{
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (a[mid] <= x)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

uint32_t em_tree_depth(const em_tree *t, em_node i)
{
	return last_le(t->level, 0, t->nlevels, i);
}

em_node em_tree_parent(const em_tree *t, em_node i)
{
	uint32_t d;

	if (i == 0 || i >= t->n)
		return EM_NODE_NONE;
	d = em_tree_depth(t, i);
	return last_le(t->child, t->level[d - 1], t->level[d], i);
}

const char *em_tree_name(const em_tree *t, const em_profile *p, em_node i)
{
	return t->func[i] == EM_FUNC_ROOT ? "total" : em_func_name(p, t->func[i]);
}

em_node em_tree_find_child(const em_tree *t, const em_profile *p, em_node i, em_func_id f)
{
	uint32_t lo = t->child[i], hi = t->child[i + 1];
	const char *name = em_func_name(p, f);
	size_t len = em_strtab_len(p->strs, p->funcs[f].name);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		em_str s = p->funcs[t->func[mid]].name;
		size_t ml = em_strtab_len(p->strs, s);
		int c = memcmp(em_strtab_str(p->strs, s), name, ml < len ? ml : len);

		if (c == 0)
			c = (ml > len) - (ml < len);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return EM_NODE_NONE;
}

/* tree.h - the call tree of one sample type, in flat breadth-first arrays.
 *
 * Node 0 is the synthetic root ("total"). Nodes are numbered level by level,
 * so the children of node i are the contiguous range
 * [child[i], child[i + 1]) and are sorted by function name (bytewise, as
 * Pyroscope orders them). A node costs 16 bytes; parent and depth are found
 * by binary search instead of being stored. Switching sample type rebuilds
 * the tree from the profile's samples. */
#ifndef EMBERS_TREE_H
#define EMBERS_TREE_H

#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"

typedef uint32_t em_node;
#define EM_NODE_NONE UINT32_MAX
#define EM_FUNC_ROOT UINT32_MAX /* func[0]: the synthetic root */

typedef struct em_tree {
	uint32_t n;          /* nodes, root included */
	em_func_id *func;    /* n */
	int64_t *total;      /* n: value including descendants */
	uint32_t *child;     /* n + 1: children of i are [child[i], child[i+1]) */
	uint32_t *level;     /* depth d holds nodes [level[d], level[d+1]) */
	uint32_t nlevels;    /* max depth + 1 (root is depth 0) */
	uint32_t type;       /* sample type index the tree was built for */
} em_tree;

/* Build the tree of sample type `type`. Samples whose value is 0 add no
 * nodes. -1 with err set on overflow or out of memory. */
int em_tree_build(em_tree *t, const em_profile *p, uint32_t type, em_error *err);
void em_tree_free(em_tree *t);

static inline uint32_t em_tree_nchildren(const em_tree *t, em_node i)
{
	return t->child[i + 1] - t->child[i];
}
/* Self value: total minus the children's totals. */
int64_t em_tree_self(const em_tree *t, em_node i);
em_node em_tree_parent(const em_tree *t, em_node i); /* EM_NODE_NONE for root */
uint32_t em_tree_depth(const em_tree *t, em_node i);
/* Child of i whose function is f, or EM_NODE_NONE (binary search by name). */
em_node em_tree_find_child(const em_tree *t, const em_profile *p, em_node i, em_func_id f);
/* Name of a node ("total" for the root). */
const char *em_tree_name(const em_tree *t, const em_profile *p, em_node i);

#endif

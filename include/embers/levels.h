/* levels.h - Pyroscope flame graph levels back into profile samples.
 *
 * A flame graph (Connect FlameGraph, FlameGraphDiff, legacy flamebearer)
 * is a list of rows; row d holds the nodes at depth d as groups of ints:
 *   single (stride 4): x delta, total, self, name index
 *   diff   (stride 7): left x delta, left total, left self,
 *                      right x delta, right total, right self, name index
 * A node's x is its delta plus the end (x + total) of the previous node of
 * the row; the children of a node are the nodes of the next row inside its
 * span. Row 0 is the synthetic root ("total"), not a frame.
 *
 * This decoder is shared by every reader of that encoding; it has no I/O
 * and no JSON or protobuf knowledge: callers hand it int64 rows. */
#ifndef EMBERS_LEVELS_H
#define EMBERS_LEVELS_H

#include <stddef.h>
#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"
#include "embers/tree.h"

typedef struct em_levels {
	const int64_t *const *rows; /* nrows rows of row_len[i] ints */
	const size_t *row_len;
	size_t nrows;
	int stride;                 /* 4 (single) or 7 (diff) */
	const char *const *names;   /* name table; index 0 is "total" */
	const size_t *name_len;     /* lengths, or NULL for NUL-terminated */
	size_t nnames;
	volatile int *cancel;       /* optional: stop with "cancelled" */
	/* optional: called before each row with the fraction of rows done */
	void (*progress)(void *ctx, double fraction);
	void *ctx;
} em_levels;

/* Add one sample per node whose self is non-zero (root..node path of
 * one-line locations; a row-0 node's own self gets an empty path, so the
 * profile's total is the roots' total). The caller adds the sample types
 * first: one for stride 4, two (left, right) for stride 7. Corrupt input
 * (a row length not a multiple of the stride, a bad name index, negative
 * values, a self above its total, a node outside its parent, children
 * above their parent's total, an overflow) gives -1 and one line in err
 * naming the level, e.g. "level 3: node at x=5 lies outside its parent". */
int em_levels_to_profile(em_profile *p, const em_levels *lv, em_error *err);

/* The same, and when tree is not NULL and the rows hold one sample type,
 * also the call tree of type 0 (the tree em_tree_build would make from
 * those samples) in linear time, without sorting the stacks. tree->n is 0
 * when the rows cannot give it directly (two siblings with one name, a
 * node whose self and children do not add up to its total, a diff): then
 * the caller builds it from the samples. */
int em_levels_to_profile_tree(em_profile *p, const em_levels *lv, em_tree *tree,
    em_error *err);

/* A FlameGraph or FlameGraphDiff protobuf message (names = 1, levels = 2,
 * a Level's values = 1, packed or not) found as field `field` of the
 * message in buf (1 in the SelectMergeStacktraces and Diff replies), as
 * rows for em_levels_to_profile_tree with the given stride. The names
 * point into buf, which must outlive d. A message without the field gives
 * no rows (present 0). Corrupt data: -1 and one line in err. */
typedef struct em_levels_pb {
	em_levels lv;
	int present;
	int64_t *vals;
	size_t nvals;
	const int64_t **rows;
	size_t *row_len, nrows;
	const char **names;
	size_t *name_len, nnames;
} em_levels_pb;

int em_levels_pb_decode(em_levels_pb *d, const uint8_t *buf, size_t n, unsigned field,
    int stride, em_error *err);
void em_levels_pb_free(em_levels_pb *d);

#endif

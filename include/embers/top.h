/* top.h - per-function self and total, as go tool pprof -top computes them.
 *
 * self: sum of the values of samples whose leaf frame is the function.
 * total: sum of the values of samples that contain the function at least
 * once (recursion counted once). */
#ifndef EMBERS_TOP_H
#define EMBERS_TOP_H

#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"
#include "embers/tree.h"

typedef struct em_top_row {
	em_func_id func;
	int64_t self;
	int64_t total;
} em_top_row;

typedef enum em_sort { EM_SORT_SELF, EM_SORT_TOTAL, EM_SORT_NAME } em_sort;

typedef struct em_top {
	em_top_row *rows; /* functions with a non-zero self or total */
	uint32_t n;
	int64_t total;    /* sum of the type's sample values */
	uint32_t type;
	int order;        /* 1 + the em_sort the rows are in; 0: not known */
} em_top;

int em_top_build(em_top *t, const em_profile *p, uint32_t type, em_error *err);
/* The same figures from the call tree of the type, in one walk of its
 * nodes instead of every frame of every sample: a function's self is the
 * sum of its nodes' selves, its total the sum of the totals of its nodes
 * with no ancestor of the same function. */
int em_top_from_tree(em_top *t, const em_profile *p, const em_tree *tree, em_error *err);
void em_top_free(em_top *t);
/* Sort rows: self and total descending (ties: the other, then name), name
 * ascending. Nothing to do when they are in that order already. */
void em_top_sort(em_top *t, const em_profile *p, em_sort by);
/* Parse "self" | "total" | "name"; -1 when unknown. */
int em_sort_parse(const char *s);

#endif

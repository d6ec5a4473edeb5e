/* tree_sort.h - the sort behind em_tree_build (tree_sort.c): private to
 * src/model. */
#ifndef EMBERS_MODEL_TREE_SORT_H
#define EMBERS_MODEL_TREE_SORT_H

#include <stddef.h>
#include <stdint.h>

/* One sample's stack as function ranks, root first. */
struct seq {
	const uint32_t *s;
	uint32_t len;
	uint32_t sample;
};

/* Sort a[0..n) by their rank sequences (a shorter one first when it is a
 * prefix) and leave in lcps[i] the length of the prefix a[i] shares with
 * a[i - 1] (lcps[0] untouched). 0, or -1 when out of memory. */
int em_seq_sort(struct seq *a, uint32_t *lcps, size_t n);

#endif

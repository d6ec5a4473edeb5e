/* tree_sort.c - sorting em_tree_build's rank sequences: a Bentley-Sedgewick
 * multikey quicksort with an explicit task stack, so deep stacks (hundreds
 * of frames) cannot overflow the C stack. It also leaves in lcps[i] the
 * length of the prefix a[i] shares with a[i - 1]: where a partition at
 * depth d splits two neighbours, they differ at d exactly, so the trie can
 * be built later without comparing stacks again. */
#include <stdlib.h>

#include "embers/vec.h"
#include "tree_sort.h"

/* Key of a sequence at depth d: 0 past its end, so shorter sorts first. */
static inline uint64_t key(const struct seq *q, uint32_t d)
{
	return d < q->len ? (uint64_t)q->s[d] + 1 : 0;
}

static int seq_cmp_from(const struct seq *a, const struct seq *b, uint32_t d)
{
	for (;; d++) {
		uint64_t ka = key(a, d), kb = key(b, d);

		if (ka != kb)
			return ka < kb ? -1 : 1;
		if (ka == 0)
			return 0;
	}
}

static uint32_t lcp_from(const struct seq *a, const struct seq *b, uint32_t d)
{
	uint32_t n = a->len < b->len ? a->len : b->len;

	while (d < n && a->s[d] == b->s[d])
		d++;
	return d;
}

/* Sort a small run whose members share their first d keys, and record the
 * common prefix of each neighbour pair inside it. */
static void insertion_sort(struct seq *a, uint32_t *lcps, size_t n, uint32_t d)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct seq t = a[i];

		for (j = i; j > 0 && seq_cmp_from(&a[j - 1], &t, d) > 0; j--)
			a[j] = a[j - 1];
		a[j] = t;
	}
	for (i = 1; i < n; i++)
		lcps[i] = lcp_from(&a[i - 1], &a[i], d);
}

static inline void swap_seq(struct seq *a, size_t i, size_t j)
{
	struct seq t = a[i];

	a[i] = a[j];
	a[j] = t;
}

struct task {
	size_t lo, n;
	uint32_t d;
};

struct tasks {
	struct task *v;
	size_t n, cap;
};

static int push(struct tasks *st, size_t lo, size_t n, uint32_t d)
{
	if (EM_VEC_RESERVE(st->v, st->cap, st->n + 1) < 0)
		return -1;
	st->v[st->n++] = (struct task){ lo, n, d };
	return 0;
}

static uint64_t median3(const struct seq *v, size_t n, uint32_t d)
{
	uint64_t k0 = key(&v[0], d), k1 = key(&v[n / 2], d), k2 = key(&v[n - 1], d);

	return k0 < k1 ? (k1 < k2 ? k1 : (k0 < k2 ? k2 : k0))
	    : (k0 < k2 ? k0 : (k1 < k2 ? k2 : k1));
}

/* One task: a small run is finished here; a bigger one is split in three
 * at depth t.d, and the parts left to sort are pushed. */
static int step(struct seq *a, uint32_t *lcps, struct task t, struct tasks *st)
{
	struct seq *v = a + t.lo;
	uint64_t pv, k;
	size_t lt = 0, gt = t.n, i = 0;

	if (t.n < 24) {
		insertion_sort(v, lcps + t.lo, t.n, t.d);
		return 0;
	}
	pv = median3(v, t.n, t.d);
	while (i < gt) {
		k = key(&v[i], t.d);
		if (k < pv)
			swap_seq(v, lt++, i++);
		else if (k > pv)
			swap_seq(v, i, --gt);
		else
			i++;
	}
	if (lt > 0)
		lcps[t.lo + lt] = t.d;
	if (gt < t.n)
		lcps[t.lo + gt] = t.d;
	if (pv == 0)
		for (i = lt + 1; i < gt; i++)
			lcps[t.lo + i] = v[i].len;
	if ((lt > 1 && push(st, t.lo, lt, t.d) < 0) ||
	    (t.n - gt > 1 && push(st, t.lo + gt, t.n - gt, t.d) < 0) ||
	    (gt - lt > 1 && pv != 0 && push(st, t.lo + lt, gt - lt, t.d + 1) < 0))
		return -1;
	return 0;
}

int em_seq_sort(struct seq *a, uint32_t *lcps, size_t n)
{
	struct tasks st = { NULL, 0, 0 };
	int rc = push(&st, 0, n, 0);

	while (rc == 0 && st.n > 0)
		rc = step(a, lcps, st.v[--st.n], &st);
	free(st.v);
	return rc;
}

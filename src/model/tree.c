/* tree.c - building the breadth-first call tree of one sample type.
 *
 * Folding samples one by one into a hashed trie is dominated by cache
 * misses. Instead every sample's stack is expanded to function ranks (rank
 * = position of the name in bytewise order), the stacks are sorted with a
 * multikey quicksort (tree_sort.c), and the sorted run is turned into a
 * trie in two linear passes: one counts new nodes per depth (the part of a
 * stack not shared with the previous one), one numbers them level by
 * level. Sorting by rank makes siblings come out in name order for free. */
#include <stdlib.h>
#include <string.h>

#include "embers/tree.h"
#include "embers/vec.h"
#include "tree_sort.h"

#define PREFETCH 8 /* stacks ahead */

struct build {
	const em_profile *p;
	uint32_t type;
	uint32_t *rank;    /* func -> rank */
	uint32_t *unrank;  /* rank -> func */
	uint32_t *frames;  /* expanded stacks */
	struct seq *seqs;
	uint32_t *lcps;    /* lcps[i]: prefix seqs[i] shares with seqs[i - 1] */
	size_t nseqs;
	uint32_t maxlen;
};

static int name_cmp(const void *a, const void *b, void *ctx)
{
	const em_profile *p = ctx;
	const em_function *fa = &p->funcs[*(const uint32_t *)a];
	const em_function *fb = &p->funcs[*(const uint32_t *)b];
	size_t la = em_strtab_len(p->strs, fa->name), lb = em_strtab_len(p->strs, fb->name);
	int c = memcmp(em_strtab_str(p->strs, fa->name), em_strtab_str(p->strs, fb->name),
	    la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

static int rank_functions(struct build *b)
{
	uint32_t i, n = b->p->nfuncs;

	b->rank = malloc((n ? n : 1) * sizeof(*b->rank));
	b->unrank = malloc((n ? n : 1) * sizeof(*b->unrank));
	if (b->rank == NULL || b->unrank == NULL)
		return -1;
	for (i = 0; i < n; i++)
		b->unrank[i] = i;
	qsort_r(b->unrank, n, sizeof(*b->unrank), name_cmp, (void *)b->p);
	for (i = 0; i < n; i++)
		b->rank[b->unrank[i]] = i;
	return 0;
}

/* Expand the non-zero samples into rank sequences. */
static int expand(struct build *b)
{
	const em_profile *p = b->p;
	size_t s, nframes = 0, nseq = 0, k;
	uint32_t *out;

	for (s = 0; s < p->nsamples; s++) {
		const uint32_t *locs = em_sample_locs(p, s);
		size_t d = em_sample_depth(p, s);

		if (em_sample_value(p, s, b->type) == 0)
			continue;
		nseq++;
		for (k = 0; k < d; k++)
			nframes += p->locs[locs[k]].nlines;
	}
	b->frames = malloc((nframes ? nframes : 1) * sizeof(*b->frames));
	b->seqs = malloc((nseq ? nseq : 1) * sizeof(*b->seqs));
	if (b->frames == NULL || b->seqs == NULL)
		return -1;
	out = b->frames;
	for (s = 0; s < p->nsamples; s++) {
		const uint32_t *locs = em_sample_locs(p, s);
		size_t d = em_sample_depth(p, s);
		struct seq *q;

		if (em_sample_value(p, s, b->type) == 0)
			continue;
		q = &b->seqs[b->nseqs++];
		q->s = out;
		q->sample = (uint32_t)s;
		for (k = 0; k < d; k++) {
			const em_location *l = &p->locs[locs[k]];
			const em_line *ln = p->lines + l->first_line;
			uint32_t j;

			for (j = 0; j < l->nlines; j++)
				*out++ = b->rank[ln[j].func];
		}
		if ((size_t)(out - q->s) >= UINT32_MAX)
			return -1;
		q->len = (uint32_t)(out - q->s);
		if (q->len > b->maxlen)
			b->maxlen = q->len;
	}
	return 0;
}

static int alloc_tree(em_tree *t, const struct build *b, const uint64_t *count)
{
	uint64_t n = 1;
	uint32_t d;

	for (d = 1; d <= b->maxlen; d++)
		n += count[d];
	if (n >= UINT32_MAX - 1)
		return -1;
	t->n = (uint32_t)n;
	t->nlevels = 1;
	for (d = 1; d <= b->maxlen && count[d]; d++)
		t->nlevels = d + 1;
	t->func = malloc(n * sizeof(*t->func));
	t->total = calloc(n, sizeof(*t->total));
	t->child = calloc(n + 1, sizeof(*t->child)); /* 0: no child seen yet */
	t->level = malloc((t->nlevels + 1) * sizeof(*t->level));
	if (!t->func || !t->total || !t->child || !t->level)
		return -1;
	t->level[0] = 0;
	t->level[1] = 1;
	for (d = 1; d < t->nlevels; d++)
		t->level[d + 1] = t->level[d] + (uint32_t)count[d];
	return 0;
}

/* Totals from the values left at the end of each path: children come
 * after their parents, so one backward sweep sums every subtree. No
 * overflow is possible here: em_tree_build checked that the sum of the
 * absolute values fits. */
static void sum_up(em_tree *t)
{
	uint32_t i, c;

	for (i = t->n; i-- > 0;) {
		int64_t sum = t->total[i];

		for (c = t->child[i]; c < t->child[i + 1]; c++)
			sum += t->total[c];
		t->total[i] = sum;
	}
}

/* Refuse profiles whose absolute values could overflow a node total. */
static int check_range(const em_profile *p, uint32_t type, em_error *err)
{
	uint64_t sum = 0;
	size_t s;

	for (s = 0; s < p->nsamples; s++) {
		int64_t v = em_sample_value(p, s, type);
		uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

		if (__builtin_add_overflow(sum, a, &sum) || sum > (uint64_t)INT64_MAX)
			return em_error_set(err, "sample values overflow a 64-bit total");
	}
	return 0;
}

/* Second pass: number new nodes level by level, link first children and
 * leave each stack's value on its last node. */
static int number_nodes(em_tree *t, const struct build *b, em_error *err)
{
	uint32_t *next = malloc((t->nlevels + 1) * sizeof(*next));
	uint32_t *cur = malloc(((size_t)b->maxlen + 1) * sizeof(*cur));
	size_t i;
	uint32_t d;

	if (next == NULL || cur == NULL) {
		free(next);
		free(cur);
		return em_error_set(err, "out of memory building the call tree");
	}
	memcpy(next, t->level, (t->nlevels + 1) * sizeof(*next));
	t->func[0] = EM_FUNC_ROOT;
	cur[0] = 0;
	for (i = 0; i < b->nseqs; i++) {
		const struct seq *q = &b->seqs[i];
		uint32_t from = i ? b->lcps[i] : 0;
		int64_t v = em_sample_value(b->p, q->sample, b->type);

		/* the sorted stacks point all over the frames: fetch ahead */
		if (i + PREFETCH < b->nseqs) {
			const struct seq *f = &b->seqs[i + PREFETCH];
			__builtin_prefetch(f->s + b->lcps[i + PREFETCH]);
			__builtin_prefetch(&b->p->values[(size_t)f->sample * b->p->ntypes + b->type]);
		}

		for (d = from; d < q->len; d++) {
			uint32_t id = next[d + 1]++;

			t->func[id] = b->unrank[q->s[d]];
			if (t->child[cur[d]] == 0)
				t->child[cur[d]] = id;
			cur[d + 1] = id;
		}
		t->total[cur[q->len]] += v;
	}
	t->child[t->n] = t->n;
	for (i = t->n; i-- > 0;)
		if (t->child[i] == 0)
			t->child[i] = t->child[i + 1];
	free(next);
	free(cur);
	sum_up(t);
	return 0;
}

static void build_free(struct build *b)
{
	free(b->rank);
	free(b->unrank);
	free(b->frames);
	free(b->seqs);
	free(b->lcps);
}

int em_tree_build(em_tree *t, const em_profile *p, uint32_t type, em_error *err)
{
	struct build b = { .p = p, .type = type };
	uint64_t *count = NULL;
	size_t i;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	t->type = type;
	if (type >= p->ntypes) {
		em_error_set(err, "no sample type %u", type);
		goto out;
	}
	if (check_range(p, type, err) < 0)
		goto out;
	if (rank_functions(&b) < 0 || expand(&b) < 0 ||
	    (b.lcps = calloc(b.nseqs ? b.nseqs : 1, sizeof(*b.lcps))) == NULL ||
	    em_seq_sort(b.seqs, b.lcps, b.nseqs) < 0 ||
	    (count = calloc((size_t)b.maxlen + 2, sizeof(*count))) == NULL) {
		em_error_set(err, "out of memory building the call tree");
		goto out;
	}
	for (i = 0; i < b.nseqs; i++) {
		uint32_t d = i ? b.lcps[i] : 0;

		for (; d < b.seqs[i].len; d++)
			count[d + 1]++;
	}
	if (alloc_tree(t, &b, count) < 0) {
		em_error_set(err, "out of memory building the call tree");
		goto out;
	}
	rc = number_nodes(t, &b, err);
out:
	free(count);
	build_free(&b);
	if (rc < 0)
		em_tree_free(t);
	return rc;
}

void em_tree_free(em_tree *t)
{
	free(t->func);
	free(t->total);
	free(t->child);
	free(t->level);
	memset(t, 0, sizeof(*t));
}

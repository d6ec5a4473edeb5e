/* sandwich.c - the callers and callees trees of one function, and building
 * a call tree from stacks of function ids.
 *
 * Both trees come from em_tree_build run on a derived profile that borrows
 * the original's string and function tables and has one location per
 * function, so the trees share the original's function ids and its
 * bytewise child order, and no tree code is duplicated here. */
#include <stdlib.h>
#include <string.h>

#include "embers/sandwich.h"
#include "embers/vec.h"

/* ---- call trees from function-id stacks ------------------------------ */

int em_tree_build_stacks(em_tree *t, const em_profile *p, const em_func_id *frames,
    const uint64_t *off, size_t nstacks, const int64_t *values, em_error *err)
{
	em_sample_type one = { 0, 0 };
	em_profile v;
	em_location *locs;
	em_line *lines;
	uint64_t nframes = nstacks ? off[nstacks] : 0, i;
	size_t s;
	int rc;

	memset(t, 0, sizeof(*t));
	for (s = 0; s < nstacks; s++)
		if (off[s] > off[s + 1])
			return em_error_set(err, "stack %zu has a negative length", s);
	for (i = nstacks ? off[0] : 0; i < nframes; i++)
		if (frames[i] >= p->nfuncs)
			return em_error_set(err, "no function %u", frames[i]);
	locs = malloc((p->nfuncs ? p->nfuncs : 1) * sizeof(*locs));
	lines = malloc((p->nfuncs ? p->nfuncs : 1) * sizeof(*lines));
	if (locs == NULL || lines == NULL) {
		free(locs);
		free(lines);
		return em_error_set(err, "out of memory building the call tree");
	}
	/* Location f is the one line "function f", so a stack of function
	 * ids is also a valid stack of location indexes. */
	for (i = 0; i < p->nfuncs; i++) {
		lines[i] = (em_line){ .func = (em_func_id)i };
		locs[i] = (em_location){ .first_line = (uint32_t)i, .nlines = 1 };
	}
	memset(&v, 0, sizeof(v));
	v.strs = p->strs;
	v.funcs = p->funcs;
	v.nfuncs = p->nfuncs;
	v.lines = lines;
	v.nlines = p->nfuncs;
	v.locs = locs;
	v.nlocs = p->nfuncs;
	v.types = &one;
	v.ntypes = 1;
	v.nsamples = nstacks;
	v.stack = (uint32_t *)frames;
	v.nstack = nframes;
	v.sample_off = (uint64_t *)off;
	v.values = (int64_t *)values;
	rc = em_tree_build(t, &v, 0, err);
	free(locs);
	free(lines);
	return rc;
}

/* ---- the sandwich ---------------------------------------------------- */

/* Stacks being collected for one of the two trees. */
struct stacks {
	em_func_id *frames;
	size_t nframes, frames_cap;
	uint64_t *off;
	size_t noff, off_cap;
	int64_t *values;
	size_t values_cap;
};

static int stacks_init(struct stacks *st)
{
	memset(st, 0, sizeof(*st));
	if (EM_VEC_RESERVE(st->off, st->off_cap, 1) < 0)
		return -1;
	st->off[0] = 0;
	st->noff = 1;
	return 0;
}

static void stacks_free(struct stacks *st)
{
	free(st->frames);
	free(st->off);
	free(st->values);
}

/* Append the stack frames[0..n), or the same frames reversed. */
static int stacks_add(struct stacks *st, const em_func_id *frames, size_t n,
    int reverse, int64_t v)
{
	size_t i, ns = st->noff - 1;

	if (EM_VEC_RESERVE(st->frames, st->frames_cap, st->nframes + n) < 0 ||
	    EM_VEC_RESERVE(st->off, st->off_cap, st->noff + 1) < 0 ||
	    EM_VEC_RESERVE(st->values, st->values_cap, ns + 1) < 0)
		return -1;
	for (i = 0; i < n; i++)
		st->frames[st->nframes + i] = reverse ? frames[n - 1 - i] : frames[i];
	st->nframes += n;
	st->off[st->noff++] = st->nframes;
	st->values[ns] = v;
	return 0;
}

/* Expand sample s into function ids, root first (inlined frames after
 * the function they were inlined into, as tree.c expands them). */
static int expand_sample(const em_profile *p, size_t s, em_func_id **buf,
    size_t *cap, size_t *n)
{
	const uint32_t *locs = em_sample_locs(p, s);
	size_t d = em_sample_depth(p, s), k, used = 0;

	for (k = 0; k < d; k++) {
		const em_location *l = &p->locs[locs[k]];
		uint32_t j;

		if (EM_VEC_RESERVE(*buf, *cap, used + l->nlines) < 0)
			return -1;
		for (j = 0; j < l->nlines; j++)
			(*buf)[used++] = p->lines[l->first_line + j].func;
	}
	*n = used;
	return 0;
}

struct sw_build {
	struct stacks callers, callees;
	em_func_id *buf;
	size_t cap;
};

/* Collect the two cut stacks of every sample holding f. 1 on overflow,
 * -1 on out of memory. */
static int collect(struct sw_build *b, em_sandwich *s, const em_profile *p)
{
	size_t i, n, k;

	for (i = 0; i < p->nsamples; i++) {
		int64_t v = em_sample_value(p, i, s->type);

		if (v == 0)
			continue;
		if (expand_sample(p, i, &b->buf, &b->cap, &n) < 0)
			return -1;
		for (k = 0; k < n && b->buf[k] != s->func; k++)
			;
		if (k == n)
			continue;
		if (__builtin_add_overflow(s->total, v, &s->total) ||
		    (b->buf[n - 1] == s->func &&
		    __builtin_add_overflow(s->self, v, &s->self)))
			return 1;
		if (stacks_add(&b->callees, b->buf + k, n - k, 0, v) < 0 ||
		    stacks_add(&b->callers, b->buf, k + 1, 1, v) < 0)
			return -1;
	}
	return 0;
}

int em_sandwich_build(em_sandwich *s, const em_profile *p, uint32_t type,
    em_func_id f, em_error *err)
{
	struct sw_build b;
	int rc = -1, c;

	memset(s, 0, sizeof(*s));
	s->func = f;
	s->type = type;
	if (type >= p->ntypes)
		return em_error_set(err, "no sample type %u", type);
	if (f >= p->nfuncs)
		return em_error_set(err, "no function %u", f);
	memset(&b, 0, sizeof(b));
	if (stacks_init(&b.callers) < 0 || stacks_init(&b.callees) < 0) {
		em_error_set(err, "out of memory building the sandwich");
		goto out;
	}
	c = collect(&b, s, p);
	if (c != 0) {
		em_error_set(err, c > 0 ? "sample values overflow a 64-bit total"
		    : "out of memory building the sandwich");
		goto out;
	}
	if (em_tree_build_stacks(&s->callers, p, b.callers.frames, b.callers.off,
	    b.callers.noff - 1, b.callers.values, err) < 0 ||
	    em_tree_build_stacks(&s->callees, p, b.callees.frames, b.callees.off,
	    b.callees.noff - 1, b.callees.values, err) < 0)
		goto out;
	s->callers.type = type;
	s->callees.type = type;
	rc = 0;
out:
	stacks_free(&b.callers);
	stacks_free(&b.callees);
	free(b.buf);
	if (rc < 0)
		em_sandwich_free(s);
	return rc;
}

void em_sandwich_free(em_sandwich *s)
{
	em_tree_free(&s->callers);
	em_tree_free(&s->callees);
	s->self = s->total = 0;
}

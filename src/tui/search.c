/* search.c - marking functions and call-tree nodes that match a search,
 * and summing the matched share of the total: over a preorder bitmap of
 * the matches with the function index, else in two linear passes. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/vec.h"
#include "search.h"

static int has_upper(const char *s)
{
	for (; *s; s++)
		if (isupper((unsigned char)*s))
			return 1;
	return 0;
}

int em_regex_compile(regex_t *re, const char *pattern, em_error *err)
{
	int flags = REG_EXTENDED | REG_NOSUB;
	int r;

	if (!has_upper(pattern))
		flags |= REG_ICASE;
	r = regcomp(re, pattern, flags);
	if (r != 0) {
		char msg[128];
		regerror(r, re, msg, sizeof(msg));
		return em_error_set(err, "'%s': bad regex: %s", pattern, msg);
	}
	return 0;
}

/* A pattern without regex syntax is matched as a plain substring, which is
 * many times faster than regexec on thousands of names. */
static int is_literal(const char *s)
{
	for (; *s; s++)
		if (strchr("\\^$.[]|()*+?{}", *s) != NULL)
			return 0;
	return 1;
}

static int contains_icase(const char *hay, const char *needle, size_t nlen)
{
	unsigned char first = (unsigned char)tolower((unsigned char)needle[0]);

	if (nlen == 0)
		return 1;
	for (; *hay; hay++) {
		size_t i = 1;

		if ((unsigned char)tolower((unsigned char)*hay) != first)
			continue;
		while (i < nlen && hay[i] &&
		    tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == nlen)
			return 1;
	}
	return 0;
}

/* Literal runs that every match of an extended regex must contain, so that
 * regexec only sees names that can match. Conservative: patterns with
 * alternation or groups give no runs (regexec then sees every name). */
#define MAX_RUNS 8
struct prefilter {
	char runs[MAX_RUNS][64];
	size_t len[MAX_RUNS];
	int n;
};

static void run_end(struct prefilter *pf, char *cur, size_t *cl)
{
	if (*cl > 0 && pf->n < MAX_RUNS) {
		memcpy(pf->runs[pf->n], cur, *cl);
		pf->len[pf->n++] = *cl;
	}
	*cl = 0;
}

static void prefilter_build(struct prefilter *pf, const char *re)
{
	char cur[64];
	size_t cl = 0;

	pf->n = 0;
	if (strpbrk(re, "|()") != NULL)
		return;
	for (const char *c = re; *c; c++) {
		if (*c == '*' || *c == '?' || *c == '{') {
			/* the char before may be absent: drop it from the run */
			if (cl > 0)
				cl--;
			run_end(pf, cur, &cl);
			if (*c == '{')
				while (c[1] && *c != '}')
					c++;
		} else if (*c == '[') {
			run_end(pf, cur, &cl);
			/* skip the bracket expression; ']' first is literal */
			c++;
			if (*c == '^')
				c++;
			if (*c == ']')
				c++;
			while (*c && *c != ']')
				c++;
			if (*c == '\0')
				return;
		} else if (strchr("\\^$.+", *c) != NULL) {
			run_end(pf, cur, &cl);
			if (*c == '\\' && c[1])
				c++;
		} else if (cl + 1 < sizeof(cur)) {
			cur[cl++] = *c;
		}
	}
	run_end(pf, cur, &cl);
}

static int contains(const char *hay, const char *needle, size_t nlen, int icase);

static int prefilter_pass(const struct prefilter *pf, const char *name, int icase)
{
	for (int i = 0; i < pf->n; i++)
		if (!contains(name, pf->runs[i], pf->len[i], icase))
			return 0;
	return 1;
}

static int contains(const char *hay, const char *needle, size_t nlen, int icase)
{
	if (icase)
		return contains_icase(hay, needle, nlen);
	if (nlen == 0)
		return 1;
	for (const char *p = strchr(hay, needle[0]); p != NULL; p = strchr(p + 1, needle[0]))
		if (strncmp(p, needle, nlen) == 0)
			return 1;
	return 0;
}

static int alloc_funcs(struct em_search *s, const em_profile *p)
{
	uint32_t n = p->nfuncs ? p->nfuncs : 1;

	if (s->nfuncs_alloc < n) {
		uint8_t *f = realloc(s->fmatch, n);
		if (f == NULL)
			return -1;
		s->fmatch = f;
		s->nfuncs_alloc = n;
	}
	memset(s->fmatch, 0, s->nfuncs_alloc);
	return 0;
}

int em_search_regex(struct em_search *s, const em_profile *p, const char *pattern,
    em_error *err)
{
	regex_t re;
	int literal = is_literal(pattern), icase = !has_upper(pattern);
	size_t plen = strlen(pattern);
	struct prefilter pf;

	if (!literal && em_regex_compile(&re, pattern, err) < 0)
		return -1;
	if (!literal)
		prefilter_build(&pf, pattern);
	if (alloc_funcs(s, p) < 0) {
		if (!literal)
			regfree(&re);
		return em_error_set(err, "out of memory");
	}
	s->funcs_matched = 0;
	for (uint32_t f = 0; f < p->nfuncs; f++) {
		const char *name = em_func_name(p, f);
		int m;

		if (!literal)
			m = prefilter_pass(&pf, name, icase) && regexec(&re, name, 0, NULL, 0) == 0;
		else
			m = contains(name, pattern, plen, icase);
		s->fmatch[f] = (uint8_t)m;
		s->funcs_matched += (uint32_t)m;
	}
	if (!literal)
		regfree(&re);
	s->kind = EM_SEARCH_REGEX;
	s->func = EM_FUNC_NONE;
	snprintf(s->text, sizeof(s->text), "%s", pattern);
	return 0;
}

int em_search_func(struct em_search *s, const em_profile *p, em_func_id f, em_error *err)
{
	if (f >= p->nfuncs)
		return em_error_set(err, "no such function");
	if (alloc_funcs(s, p) < 0)
		return em_error_set(err, "out of memory");
	s->fmatch[f] = 1;
	s->funcs_matched = 1;
	s->kind = EM_SEARCH_FUNC;
	s->func = f;
	snprintf(s->text, sizeof(s->text), "%s", em_func_name(p, f));
	return 0;
}

void em_search_clear(struct em_search *s)
{
	/* sparse_max is a setting: kept */
	s->kind = EM_SEARCH_NONE;
	s->text[0] = '\0';
	s->frames = 0;
	s->share = 0;
	s->funcs_matched = 0;
}

void em_search_free(struct em_search *s)
{
	free(s->fmatch);
	free(s->nflags);
	free(s->bits);
	free(s->rank);
	free(s->tops);
	free(s->memo.fmatch);
	memset(s, 0, sizeof(*s));
}

/* Number the nodes depth-first (children in order) into ix->pos, with
 * an explicit stack of child ranges, one per depth; a node's subtree size
 * is known when its range runs out. */
static int preorder(struct em_func_index *ix, const em_tree *t)
{
	size_t depth = (size_t)t->nlevels + 1;
	uint32_t *lo = malloc(depth * sizeof(*lo)), *hi = malloc(depth * sizeof(*hi));
	uint32_t *own = malloc(depth * sizeof(*own)); /* preorder of the range's parent */
	uint32_t k = 0, sp = 0;

	if (lo == NULL || hi == NULL || own == NULL) {
		free(lo);
		free(hi);
		free(own);
		return -1;
	}
	ix->pos[k++].node = 0;
	lo[0] = t->child[0];
	hi[0] = t->child[1];
	own[0] = 0;
	for (;;) {
		uint32_t c;

		if (lo[sp] == hi[sp]) {
			ix->pos[own[sp]].size = k - own[sp];
			if (sp-- == 0)
				break;
			continue;
		}
		c = lo[sp]++;
		ix->pos[k].node = c;
		ix->pos[k++].size = 1;
		if (t->child[c] < t->child[c + 1]) {
			sp++;
			lo[sp] = t->child[c];
			hi[sp] = t->child[c + 1];
			own[sp] = k - 1;
		}
	}
	free(lo);
	free(hi);
	free(own);
	return 0;
}

int em_func_index_build(struct em_func_index *ix, const em_tree *t, uint32_t nfuncs)
{
	memset(ix, 0, sizeof(*ix));
	ix->off = calloc((size_t)nfuncs + 2, sizeof(*ix->off));
	ix->nodes = malloc((t->n ? t->n : 1) * sizeof(*ix->nodes));
	if (ix->off == NULL || ix->nodes == NULL) {
		em_func_index_free(ix);
		return -1;
	}
	ix->nfuncs = nfuncs;
	ix->n = t->n;
	/* counting sort of the nodes by function; node 0 (the root) is not a
	 * function's frame */
	for (uint32_t c = 1; c < t->n; c++)
		if (t->func[c] < nfuncs)
			ix->off[t->func[c] + 2]++;
	for (uint32_t f = 0; f < nfuncs; f++)
		ix->off[f + 2] += ix->off[f + 1];
	for (uint32_t c = 1; c < t->n; c++)
		if (t->func[c] < nfuncs)
			ix->nodes[ix->off[t->func[c] + 1]++] = c;
	return 0;
}

/* The depth-first numbering, built on the first search (it costs about as
 * much as the index and is not needed to draw the first frame). */
static int index_preorder(struct em_func_index *ix, const em_tree *t)
{
	size_t n = t->n ? t->n : 1, nent = ix->off[ix->nfuncs];

	if (ix->pos != NULL)
		return 0;
	ix->pos = malloc(n * sizeof(*ix->pos));
	ix->npre = malloc(n * sizeof(*ix->npre));
	ix->pre = malloc((nent ? nent : 1) * sizeof(*ix->pre));
	if (ix->pos == NULL || ix->npre == NULL || ix->pre == NULL || preorder(ix, t) < 0) {
		free(ix->pos);
		free(ix->npre);
		free(ix->pre);
		ix->pos = NULL;
		ix->npre = ix->pre = NULL;
		return -1;
	}
	for (uint32_t k = 0; k < t->n; k++)
		ix->npre[ix->pos[k].node] = k;
	for (size_t e = 0; e < nent; e++)
		ix->pre[e] = ix->npre[ix->nodes[e]];
	return 0;
}

void em_func_index_free(struct em_func_index *ix)
{
	free(ix->off);
	free(ix->nodes);
	free(ix->pre);
	free(ix->pos);
	free(ix->npre);
	memset(ix, 0, sizeof(*ix));
}

static inline uint32_t bits_before(const struct em_search *s, uint32_t p)
{
	uint64_t w = s->bits[p / 64] & ((UINT64_C(1) << (p % 64)) - 1);

	return s->rank[p / 64] + (uint32_t)__builtin_popcountll(w);
}

int em_search_below(const struct em_search *s, const em_tree *t, em_node node)
{
	uint32_t pre;

	if (s->kind == EM_SEARCH_NONE || node >= t->n)
		return 0;
	if (!s->indexed)
		return s->nflags != NULL && node < s->nodes_alloc &&
		    (s->nflags[node] & EM_NF_BELOW);
	if (s->bits == NULL || s->ix == NULL || s->ix->n != t->n)
		return 0;
	pre = s->ix->npre[node];
	return bits_before(s, pre + s->ix->pos[pre].size) > bits_before(s, pre);
}

/* Set a bit per match, by preorder number. */
static void set_bits(struct em_search *s, const struct em_func_index *ix, size_t nwords)
{
	uint64_t *b = s->bits;

	memset(b, 0, nwords * sizeof(*b));
	for (uint32_t f = 0; f < ix->nfuncs && f < s->nfuncs_alloc; f++) {
		if (!s->fmatch[f])
			continue;
		for (uint32_t e = ix->off[f]; e < ix->off[f + 1]; e++)
			b[ix->pre[e] / 64] |= UINT64_C(1) << (ix->pre[e] % 64);
	}
}

/* Up to max set bits at or after position from, in order; sets *next to
 * where the following call should resume. */
static unsigned next_bits(const uint64_t *bits, size_t nwords, uint32_t from, uint32_t *out,
    unsigned max)
{
	size_t w = from / 64;
	uint64_t m;
	unsigned k = 0;

	if (w >= nwords)
		return 0;
	m = bits[w] & ~((UINT64_C(1) << (from % 64)) - 1);
	for (;;) {
		while (m != 0 && k < max) {
			out[k++] = (uint32_t)(w * 64) + (uint32_t)__builtin_ctzll(m);
			m &= m - 1;
		}
		if (k == max || ++w >= nwords)
			return k;
		m = bits[w];
	}
}

#define BATCH 32

/* The topmost matches in preorder: a set bit past the end of the last
 * counted subtree starts a new one, and the scan resumes past its end.
 * Candidates are taken a batch at a time and their sizes fetched
 * together: one at a time, each waits for the cache miss of the one
 * before. The totals are summed afterwards, again with their loads
 * issued ahead. */
static int topmost_share(struct em_search *s, const em_tree *t,
    const struct em_func_index *ix, size_t nwords)
{
	uint32_t cand[BATCH], end = 0, ntop = 0;
	int64_t share = 0;
	unsigned k;

	while ((k = next_bits(s->bits, nwords, end, cand, BATCH)) > 0) {
		for (unsigned i = 0; i < k; i++)
			__builtin_prefetch(&ix->pos[cand[i]]);
		for (unsigned i = 0; i < k; i++) {
			if (cand[i] < end)
				continue;
			if (EM_VEC_RESERVE(s->tops, s->tops_cap, (size_t)ntop + 1) < 0)
				return -1;
			s->tops[ntop++] = ix->pos[cand[i]].node;
			end = cand[i] + ix->pos[cand[i]].size;
		}
		if (end <= cand[k - 1])
			end = cand[k - 1] + 1;
	}
	for (uint32_t i = 0; i < ntop; i++) {
		if (i + 16 < ntop)
			__builtin_prefetch(&t->total[s->tops[i + 16]]);
		share += t->total[s->tops[i]];
	}
	s->share = share;
	return 0;
}

static void build_rank(struct em_search *s, size_t nwords)
{
	uint32_t r = 0;

	for (size_t w = 0; w < nwords; w++) {
		s->rank[w] = r;
		r += (uint32_t)__builtin_popcountll(s->bits[w]);
	}
	s->rank[nwords] = r;
}

/* With the index: the bitmap pass described in search.h. */
static int apply_indexed(struct em_search *s, const em_tree *t, struct em_func_index *ix)
{
	size_t nwords = ((size_t)t->n + 63) / 64 + 1; /* + 1: bits_before(n) */

	if (index_preorder(ix, t) < 0)
		return -1;
	if (s->words_alloc < nwords) {
		uint64_t *b = realloc(s->bits, nwords * sizeof(*b));
		uint32_t *r;

		if (b == NULL)
			return -1;
		s->bits = b;
		r = realloc(s->rank, (nwords + 1) * sizeof(*r));
		if (r == NULL)
			return -1;
		s->rank = r;
		s->words_alloc = nwords;
	}
	set_bits(s, ix, nwords);
	if (topmost_share(s, t, ix, nwords) < 0)
		return -1;
	build_rank(s, nwords);
	s->ix = ix;
	s->indexed = 1;
	return 0;
}

/* Many matches: two passes over the whole tree in index order. */
static void apply_dense(struct em_search *s, const em_tree *t, const uint32_t *parent)
{
	const uint8_t *fm = s->fmatch;
	uint32_t nf = s->nfuncs_alloc, frames = 0;
	int64_t share = 0;
	uint8_t *fl = s->nflags;

	fl[0] = 0;
	/* down, parents first: covered when the node or an ancestor matches;
	 * the share is the value of the topmost matches */
	for (uint32_t c = 1; c < t->n; c++) {
		em_func_id f = t->func[c];
		uint8_t m = f < nf ? fm[f] : 0;
		uint8_t pc = fl[parent[c]] & EM_NF_COVERED;
		fl[c] = (uint8_t)(m ? EM_NF_COVERED | EM_NF_BELOW : pc);
		frames += m;
		if (m > pc)
			share += t->total[c];
	}
	/* up, children first: a match below */
	for (uint32_t c = t->n; c-- > 1;)
		fl[parent[c]] |= fl[c] & EM_NF_BELOW;
	s->frames = frames;
	s->share = share;
}

/* Typing a pattern often leaves the matched functions as they were
 * ("Ha", "Han", "Hand"...): then the last indexed result stands. The tree
 * and index are recognised by their arrays, which a rebuild replaces while
 * the old ones are still allocated. */
static int same_as_last(const struct em_search *s, const em_tree *t, const uint32_t *parent,
    const struct em_func_index *ix)
{
	const struct em_search_memo *m = &s->memo;

	return m->valid && m->func == t->func && m->total == t->total && m->n == t->n &&
	    m->pos == ix->pos && m->parent == parent && m->nfuncs == s->nfuncs_alloc &&
	    memcmp(m->fmatch, s->fmatch, s->nfuncs_alloc) == 0;
}

static void remember(struct em_search *s, const em_tree *t, const uint32_t *parent,
    const struct em_func_index *ix)
{
	struct em_search_memo *m = &s->memo;

	m->valid = 0;
	if (m->cap < s->nfuncs_alloc) {
		uint8_t *f = realloc(m->fmatch, s->nfuncs_alloc);
		if (f == NULL)
			return; /* no memo: the next apply recomputes */
		m->fmatch = f;
		m->cap = s->nfuncs_alloc;
	}
	memcpy(m->fmatch, s->fmatch, s->nfuncs_alloc);
	m->nfuncs = s->nfuncs_alloc;
	m->func = t->func;
	m->total = t->total;
	m->n = t->n;
	m->pos = ix->pos;
	m->parent = parent;
	m->frames = s->frames;
	m->share = s->share;
	m->valid = 1;
}

int em_search_apply(struct em_search *s, const em_tree *t, const uint32_t *parent,
    struct em_func_index *ix)
{
	uint64_t frames = 0;

	s->frames = 0;
	s->share = 0;
	if (s->kind == EM_SEARCH_NONE || t->n == 0) {
		s->indexed = 0;
		return 0;
	}
	if (ix != NULL && ix->n == t->n) {
		if (s->indexed && same_as_last(s, t, parent, ix)) {
			s->frames = s->memo.frames;
			s->share = s->memo.share;
			return 0;
		}
		for (uint32_t f = 0; f < ix->nfuncs && f < s->nfuncs_alloc; f++)
			if (s->fmatch[f])
				frames += ix->off[f + 1] - ix->off[f];
		if (s->sparse_max == 0 || frames < s->sparse_max) {
			s->indexed = 0;
			if (apply_indexed(s, t, ix) < 0)
				return -1;
			s->frames = (uint32_t)frames;
			remember(s, t, parent, ix);
			return 0;
		}
	}
	s->indexed = 0;
	if (s->nodes_alloc < t->n) {
		uint8_t *f = realloc(s->nflags, t->n);
		if (f == NULL)
			return -1;
		s->nflags = f;
		s->nodes_alloc = t->n;
	}
	apply_dense(s, t, parent);
	return 0;
}

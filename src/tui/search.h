/* search.h - which frames match a regex or one function, and their share.
 *
 * A search marks functions (a regex over every function name, smart case:
 * case-insensitive unless the pattern has an upper-case letter); a node
 * matches when its function does. The matched share is the value of
 * samples whose stack holds at least one match (a match below a match is
 * not counted twice): the sum of the totals of the topmost matches. With
 * the function index, the matches are set in a bitmap over the depth-first
 * (preorder) numbering, where a subtree is one contiguous range: the
 * topmost matches come out of one scan of the bitmap, which skips every
 * subtree it has counted, and "a match below" is a count over a range. That
 * costs n/64 words plus the matches, not the n nodes of the tree. */
#ifndef EMBERS_TUI_SEARCH_H
#define EMBERS_TUI_SEARCH_H

#include <regex.h>
#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"
#include "embers/tree.h"

enum {
	EM_NF_COVERED = 1, /* the node or an ancestor matches (dense pass only) */
	EM_NF_BELOW = 2    /* the node or a descendant matches (dense pass only) */
};

/* Every node of each function (built once per call tree), so that a
 * search visits only the matches, and the depth-first order of the tree
 * (pre, pos, npre: built by the first em_search_apply, NULL until then). */
struct em_func_index {
	uint32_t *off;   /* nfuncs + 1 */
	uint32_t *nodes; /* grouped by function */
	uint32_t *pre;   /* parallel to nodes: the node's preorder number */
	struct em_preorder {
		uint32_t node; /* the node of a preorder number */
		uint32_t size; /* and the size of its subtree */
	} *pos;          /* n */
	uint32_t *npre;  /* n: the preorder number of each node */
	uint32_t nfuncs;
	uint32_t n;      /* nodes of the tree it was built for */
};
int em_func_index_build(struct em_func_index *ix, const em_tree *t, uint32_t nfuncs);
void em_func_index_free(struct em_func_index *ix);

enum em_search_kind { EM_SEARCH_NONE, EM_SEARCH_REGEX, EM_SEARCH_FUNC };

struct em_search {
	enum em_search_kind kind;
	char text[256];         /* the pattern, or the function name */
	em_func_id func;        /* EM_SEARCH_FUNC */
	uint8_t *fmatch;        /* per function: 1 when it matches */
	uint32_t nfuncs_alloc;
	uint32_t funcs_matched;
	uint8_t *nflags;        /* dense pass: per tree node, EM_NF_* */
	uint32_t nodes_alloc;
	uint64_t *bits;         /* indexed pass: matches by preorder number */
	uint32_t *rank;         /* set bits before each word of bits */
	uint32_t *tops;         /* indexed pass: the topmost matches */
	size_t tops_cap;
	size_t words_alloc;
	int indexed;            /* the last apply used bits (else nflags) */
	const struct em_func_index *ix; /* of the last indexed apply */
	uint32_t sparse_max;    /* most matches for the indexed pass; 0: any */
	struct em_search_memo { /* the last indexed apply */
		int valid;
		uint8_t *fmatch;
		uint32_t nfuncs, cap, n, frames;
		const em_func_id *func;
		const int64_t *total;
		const void *pos, *parent;
		int64_t share;
	} memo;
	uint32_t frames;        /* matching nodes */
	int64_t share;          /* value of samples with a match */
};

/* Compile pattern and mark matching functions; -1 with err ("'(': bad
 * regex: ...") and the search unchanged when it does not compile. */
int em_search_regex(struct em_search *s, const em_profile *p, const char *pattern,
    em_error *err);
/* Match exactly one function. */
int em_search_func(struct em_search *s, const em_profile *p, em_func_id f, em_error *err);
void em_search_clear(struct em_search *s);
void em_search_free(struct em_search *s);
/* (Re)compute node flags and the share on tree t, whose parents are in
 * parent (em_tree_parents) and function index in ix (may be NULL: then
 * every search walks the whole tree). -1 on out of memory. */
int em_search_apply(struct em_search *s, const em_tree *t, const uint32_t *parent,
    struct em_func_index *ix);

static inline int em_search_fmatch(const struct em_search *s, em_func_id f)
{
	return s->kind != EM_SEARCH_NONE && s->fmatch != NULL && f < s->nfuncs_alloc &&
	    s->fmatch[f];
}
static inline int em_search_node(const struct em_search *s, const em_tree *t, em_node n)
{
	return n < t->n && em_search_fmatch(s, t->func[n]);
}
/* Whether node or a frame below it matches (after em_search_apply on t,
 * whose index must still be alive). */
int em_search_below(const struct em_search *s, const em_tree *t, em_node node);

/* Regex with smart case; REG_EXTENDED|REG_NOSUB. 0 or -1 with err. */
int em_regex_compile(regex_t *re, const char *pattern, em_error *err);

#endif

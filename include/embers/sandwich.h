/* sandwich.h - the callers and the callees of one function, each merged
 * over every place the function occurs (the "sandwich" view).
 *
 * Recursion is counted once, as in speedscope (Profile.
 * getInvertedProfileForCallersOf / getProfileForCalleesOf, which stop at
 * the first match on the way down): in every sample only the OUTERMOST
 * (root-most) occurrence of f counts.
 *   callees  the call tree of the stacks cut at that occurrence: f and
 *            everything below it, so recursive calls of f show up inside;
 *   callers  the call tree of the same stacks above it, reversed: f, its
 *            caller, that one's caller, ... up to the root frame. Drawn
 *            upside down it is an inverted flame graph growing from f.
 * (Pyroscope's and Grafana's sandwich merge every node named f, nested
 * ones too, so a recursive f is counted more than once there.)
 *
 * Both are ordinary em_trees over the profile's own function ids: node 0
 * is the synthetic root, node 1 is f (the root's only child) and its total
 * is f's total. self and total below are em_top's figures for f. */
#ifndef EMBERS_SANDWICH_H
#define EMBERS_SANDWICH_H

#include <stddef.h>
#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"
#include "embers/tree.h"

typedef struct em_sandwich {
	em_func_id func;
	uint32_t type;
	int64_t self;    /* samples whose leaf frame is f (as em_top) */
	int64_t total;   /* samples holding f, each once (as em_top) */
	em_tree callers; /* node 1 = f, children = its direct callers */
	em_tree callees; /* node 1 = f, children = its direct callees */
} em_sandwich;

/* Build the sandwich of function f for sample type `type`. A function that
 * occurs in no sample with a non-zero value gives two trees holding only
 * the root. -1 with err set on a bad argument, overflow or out of memory. */
int em_sandwich_build(em_sandwich *s, const em_profile *p, uint32_t type,
    em_func_id f, em_error *err);
void em_sandwich_free(em_sandwich *s);

/* A call tree from stacks given directly as function ids of p: stack i is
 * frames[off[i] .. off[i + 1]), ROOT FIRST, with value values[i] (off has
 * nstacks + 1 entries; it may be NULL when nstacks is 0). Built by
 * em_tree_build over a derived profile, so the result is exactly what
 * em_tree_build would make of the same samples (stacks of value 0 add no
 * nodes). -1 with err set on overflow, a bad function id or OOM. */
int em_tree_build_stacks(em_tree *t, const em_profile *p, const em_func_id *frames,
    const uint64_t *off, size_t nstacks, const int64_t *values, em_error *err);

#endif

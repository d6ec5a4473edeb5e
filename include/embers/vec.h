/* vec.h - overflow-checked growth of heap arrays. */
#ifndef EMBERS_VEC_H
#define EMBERS_VEC_H

#include <stddef.h>

/* Make *p hold at least need elements of size elem, growing *cap
 * geometrically. Returns 0, or -1 (and leaves *p untouched) on overflow or
 * out of memory. */
int em_vec_reserve(void **p, size_t *cap, size_t need, size_t elem);

#define EM_VEC_RESERVE(ptr, cap, need) \
	em_vec_reserve((void **)&(ptr), &(cap), (need), sizeof(*(ptr)))

#endif

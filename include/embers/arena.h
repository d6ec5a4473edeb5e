/* arena.h - bump allocator for data that lives as long as its profile.
 *
 * Strings and small tables are never freed one by one; the whole arena goes
 * when the profile goes. Allocation failure returns NULL. */
#ifndef EMBERS_ARENA_H
#define EMBERS_ARENA_H

#include <stddef.h>

typedef struct em_arena em_arena;

em_arena *em_arena_new(void);
void em_arena_free(em_arena *a);
/* 8-byte aligned, uninitialised; NULL on overflow or out of memory. */
void *em_arena_alloc(em_arena *a, size_t n);
/* Copy of s[0..len) with a trailing NUL. */
char *em_arena_strndup(em_arena *a, const char *s, size_t len);
/* Bytes handed out so far (for memory reports). */
size_t em_arena_used(const em_arena *a);

#endif

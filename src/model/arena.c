/* arena.c - chunked bump allocator: many small allocations, one free. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embers/arena.h"

#define CHUNK_MIN (64 * 1024)

struct chunk {
	struct chunk *next;
	size_t size, used;
	unsigned char data[];
};

struct em_arena {
	struct chunk *head;
	size_t used;
};

em_arena *em_arena_new(void)
{
	return calloc(1, sizeof(em_arena));
}

void em_arena_free(em_arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

static struct chunk *chunk_new(size_t need)
{
	size_t size = need > CHUNK_MIN ? need : CHUNK_MIN;
	struct chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	c = malloc(sizeof(*c) + size);
	if (c == NULL)
		return NULL;
	c->size = size;
	c->used = 0;
	c->next = NULL;
	return c;
}

void *em_arena_alloc(em_arena *a, size_t n)
{
	struct chunk *c = a->head;
	void *p;

	if (n > SIZE_MAX - 7)
		return NULL;
	n = (n + 7) & ~(size_t)7;
	if (c == NULL || c->size - c->used < n) {
		c = chunk_new(n);
		if (c == NULL)
			return NULL;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += n;
	a->used += n;
	return p;
}

char *em_arena_strndup(em_arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		return NULL;
	p = em_arena_alloc(a, len + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

size_t em_arena_used(const em_arena *a)
{
	return a->used;
}

/* strtab.c - interned strings: an arena for the bytes, an array of
 * (pointer, length) per id and an open-addressing hash of ids. */
#include <stdlib.h>
#include <string.h>

#include "embers/arena.h"
#include "embers/strtab.h"
#include "embers/vec.h"

struct entry {
	const char *s;
	size_t len;
	uint64_t hash;
};

struct em_strtab {
	em_arena *arena;
	struct entry *ents;
	size_t nents, cap;
	uint32_t *slots; /* id + 1; 0 = empty */
	size_t nslots;   /* power of two */
	size_t bytes;
};

/* 8 bytes a step: names are interned once per frame by the text readers. */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
	uint64_t k;

	while (n >= 8) {
		memcpy(&k, s, 8);
		h = (h ^ (k * 0xc4ceb9fe1a85ec53ULL)) * 0x100000001b3ULL;
		h ^= h >> 29;
		s += 8;
		n -= 8;
	}
	k = 0;
	memcpy(&k, s, n);
	h = (h ^ (k * 0xc4ceb9fe1a85ec53ULL)) * 0x100000001b3ULL;
	h ^= h >> 32;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static int slots_grow(em_strtab *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 1024, i, j;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (i = 0; i < t->nslots; i++) {
		uint32_t id = t->slots[i];

		if (id == 0)
			continue;
		for (j = t->ents[id - 1].hash & (n - 1); slots[j]; j = (j + 1) & (n - 1))
			;
		slots[j] = id;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return 0;
}

em_strtab *em_strtab_new(void)
{
	em_strtab *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->arena = em_arena_new();
	if (t->arena == NULL || em_strtab_intern(t, "", 0) != 0) {
		em_strtab_free(t);
		return NULL;
	}
	return t;
}

void em_strtab_free(em_strtab *t)
{
	if (t == NULL)
		return;
	em_arena_free(t->arena);
	free(t->ents);
	free(t->slots);
	free(t);
}

static size_t lookup(const em_strtab *t, const char *s, size_t len, uint64_t h)
{
	size_t j;

	for (j = h & (t->nslots - 1); t->slots[j]; j = (j + 1) & (t->nslots - 1)) {
		uint32_t id = t->slots[j] - 1;

		if (t->ents[id].hash == h && t->ents[id].len == len &&
		    memcmp(t->ents[id].s, s, len) == 0)
			break;
	}
	return j;
}

em_str em_strtab_find(const em_strtab *t, const char *s, size_t len)
{
	size_t j;

	if (t->nslots == 0)
		return EM_STR_NONE;
	j = lookup(t, s, len, hash_bytes(s, len));
	return t->slots[j] ? t->slots[j] - 1 : EM_STR_NONE;
}

em_str em_strtab_intern(em_strtab *t, const char *s, size_t len)
{
	uint64_t h = hash_bytes(s, len);
	size_t j;
	char *copy;

	if ((t->nents + 1) * 2 > t->nslots && slots_grow(t) < 0)
		return EM_STR_NONE;
	j = lookup(t, s, len, h);
	if (t->slots[j])
		return t->slots[j] - 1;
	if (t->nents >= EM_STR_NONE - 1)
		return EM_STR_NONE;
	if (EM_VEC_RESERVE(t->ents, t->cap, t->nents + 1) < 0)
		return EM_STR_NONE;
	copy = em_arena_strndup(t->arena, s, len);
	if (copy == NULL)
		return EM_STR_NONE;
	t->ents[t->nents].s = copy;
	t->ents[t->nents].len = len;
	t->ents[t->nents].hash = h;
	t->slots[j] = (uint32_t)(t->nents + 1);
	t->bytes += len + 1;
	return (em_str)t->nents++;
}

const char *em_strtab_str(const em_strtab *t, em_str id)
{
	return id < t->nents ? t->ents[id].s : "";
}

size_t em_strtab_len(const em_strtab *t, em_str id)
{
	return id < t->nents ? t->ents[id].len : 0;
}

uint32_t em_strtab_count(const em_strtab *t)
{
	return (uint32_t)t->nents;
}

size_t em_strtab_bytes(const em_strtab *t)
{
	return t->bytes + t->cap * sizeof(struct entry) + t->nslots * 4;
}

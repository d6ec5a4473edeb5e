/* gzip.c - undoing gzip compression in memory.
 *
 * Profiles arrive gzip'd whatever their name says (pprof is gzip'd by
 * convention, folded and JSON files sometimes are), so the readers call
 * em_gunzip whenever em_is_gzip sees the magic. Concatenated members (what
 * `cat a.gz b.gz` makes) are one stream, as gzip(1) and Go read them. The
 * output grows geometrically and is capped, so a small bomb cannot eat the
 * machine. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "embers/reader.h"

#define GZ_MIN_CAP ((size_t)64 * 1024)
#define DEFLATE_MAX_RATIO 1032 /* deflate cannot expand more than this */

int em_is_gzip(const uint8_t *buf, size_t n)
{
	return n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
}

/* The default bound when the caller gives 0: 4 GiB, or all of size_t on
 * a 32-bit machine. */
static size_t gz_limit(size_t max_bytes)
{
	if (max_bytes)
		return max_bytes;
	return SIZE_MAX / 4 > ((size_t)1 << 30) ? (size_t)4 << 30 : SIZE_MAX - 1;
}

/* A first guess at the output size: the trailer's ISIZE (size of the last
 * member modulo 2^32), trusted only as far as deflate's ratio allows. */
static size_t gz_first_cap(const uint8_t *buf, size_t n, size_t limit)
{
	size_t isize = 0, cap, most;

	if (n >= 18)
		isize = (size_t)buf[n - 4] | (size_t)buf[n - 3] << 8 |
		    (size_t)buf[n - 2] << 16 | (size_t)buf[n - 1] << 24;
	most = n > SIZE_MAX / DEFLATE_MAX_RATIO ? SIZE_MAX : n * DEFLATE_MAX_RATIO;
	cap = isize < most ? isize : most;
	if (cap < SIZE_MAX - 64)
		cap += 64; /* room for inflate to see the end of the stream */
	if (cap < GZ_MIN_CAP)
		cap = GZ_MIN_CAP;
	if (cap > limit)
		cap = limit + 1; /* one byte more than allowed reveals an excess */
	return cap;
}

/* Double the output buffer, but never past limit + 1. */
static int gz_grow(uint8_t **out, size_t *cap, size_t limit)
{
	size_t ncap = *cap > SIZE_MAX / 2 ? SIZE_MAX : *cap * 2;
	uint8_t *p;

	if (ncap > limit)
		ncap = limit + 1;
	if (ncap <= *cap)
		return -1;
	p = realloc(*out, ncap);
	if (p == NULL)
		return -1;
	*out = p;
	*cap = ncap;
	return 0;
}

/* After a member ends: 1 when another member follows, 0 at the end of the
 * data (trailing NUL padding allowed, as gzip(1) allows it), -1 on garbage. */
static int gz_next_member(const uint8_t *rest, size_t left)
{
	size_t i;

	if (left == 0)
		return 0;
	if (em_is_gzip(rest, left))
		return 1;
	if (left == 1 && rest[0] == 0x1f)
		return -2; /* the start of a member, cut */
	for (i = 0; i < left; i++)
		if (rest[i] != 0)
			return -1;
	return 0;
}

struct gz {
	z_stream zs;
	const uint8_t *in;
	size_t n, fed;   /* bytes handed to zlib so far */
	uint8_t *out;
	size_t cap, len, limit;
};

/* zlib counts in uInt: feed the input in pieces that fit. */
static void gz_feed(struct gz *g)
{
	size_t chunk;

	if (g->zs.avail_in > 0 || g->fed == g->n)
		return;
	chunk = g->n - g->fed;
	if (chunk > UINT_MAX)
		chunk = UINT_MAX;
	g->zs.next_in = (Bytef *)(uintptr_t)(g->in + g->fed);
	g->zs.avail_in = (uInt)chunk;
	g->fed += chunk;
}

/* Handle the end of one member: go on with the next or stop.
 * Returns 1 to go on, 0 when done, -1 with err set. */
static int gz_member_end(struct gz *g, em_error *err)
{
	size_t left = (g->n - g->fed) + g->zs.avail_in;
	const uint8_t *rest = g->in + (g->n - left);
	int r = gz_next_member(rest, left);

	if (r == -2)
		return em_error_set(err, "truncated gzip data");
	if (r < 0)
		return em_error_set(err, "corrupt gzip data: trailing garbage after the compressed data");
	if (r == 0)
		return 0;
	if (inflateReset(&g->zs) != Z_OK)
		return em_error_set(err, "corrupt gzip data: cannot restart the stream");
	return 1;
}

/* One inflate step. Returns 1 to go on, 0 at the end, -1 with err set. */
static int gz_step(struct gz *g, em_error *err)
{
	size_t room;
	Bytef *before;
	int ret;

	gz_feed(g);
	if (g->len == g->cap && gz_grow(&g->out, &g->cap, g->limit) < 0) {
		if (g->cap > g->limit)
			return em_error_set(err, "decompressed size exceeds %zu bytes", g->limit);
		return em_error_set(err, "out of memory inflating gzip data");
	}
	room = g->cap - g->len;
	before = g->out + g->len;
	g->zs.next_out = before;
	g->zs.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
	ret = inflate(&g->zs, Z_NO_FLUSH);
	g->len += (size_t)(g->zs.next_out - before);
	if (g->len > g->limit)
		return em_error_set(err, "decompressed size exceeds %zu bytes", g->limit);
	switch (ret) {
	case Z_STREAM_END:
		return gz_member_end(g, err);
	case Z_OK:
		return 1;
	case Z_BUF_ERROR:
		/* no progress possible: out of input (room is never 0 here) */
		if (g->zs.avail_in == 0 && g->fed == g->n)
			return em_error_set(err, "truncated gzip data");
		return 1;
	case Z_MEM_ERROR:
		return em_error_set(err, "out of memory inflating gzip data");
	default:
		return em_error_set(err, "corrupt gzip data: %s",
		    g->zs.msg ? g->zs.msg : "invalid stream");
	}
}

int em_gunzip(const uint8_t *buf, size_t n, size_t max_bytes, uint8_t **out,
    size_t *outlen, em_error *err)
{
	struct gz g;
	int r;

	*out = NULL;
	*outlen = 0;
	if (!em_is_gzip(buf, n))
		return em_error_set(err, "not gzip data");
	memset(&g, 0, sizeof(g));
	g.in = buf;
	g.n = n;
	g.limit = gz_limit(max_bytes);
	g.cap = gz_first_cap(buf, n, g.limit);
	g.out = malloc(g.cap);
	if (g.out == NULL)
		return em_error_set(err, "out of memory inflating gzip data");
	if (inflateInit2(&g.zs, 16 + MAX_WBITS) != Z_OK) {
		free(g.out);
		return em_error_set(err, "out of memory inflating gzip data");
	}
	while ((r = gz_step(&g, err)) > 0)
		;
	inflateEnd(&g.zs);
	if (r < 0) {
		free(g.out);
		return -1;
	}
	*out = g.out;
	*outlen = g.len;
	return 0;
}

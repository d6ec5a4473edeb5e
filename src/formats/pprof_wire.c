/* pprof_wire.c - protobuf wire-format decoding for the pprof reader.
 *
 * Mirrors google/pprof's own decoder (profile/proto.go): varints of at most
 * 10 bytes, wire types 0, 1, 2 and 5; groups are refused. Fields of any
 * number are returned; the caller skips those it does not know. */
#include "pprof_wire.h"

void pw_init(pw_reader *r, const uint8_t *buf, size_t n)
{
	r->p = buf;
	r->end = buf + n;
	r->base = buf;
	r->status = PW_OK;
	r->err_at = NULL;
}

void pw_sub(pw_reader *r, const pw_reader *parent, const pw_field *f)
{
	r->p = f->data;
	r->end = f->data + f->len;
	r->base = parent->base;
	r->status = PW_OK;
	r->err_at = NULL;
}

pw_status pw_varint_slow(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
	const uint8_t *p = *pp;
	uint64_t u = 0;
	unsigned i;

	for (i = 0; i < 10; i++) {
		if (p + i >= end)
			return PW_ETRUNC;
		/* Bits beyond 64 in the 10th byte are dropped, as Go does. */
		u |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*out = u;
			*pp = p + i + 1;
			return PW_OK;
		}
	}
	return PW_ELONG;
}

static int fail(pw_reader *r, pw_status s, const uint8_t *at)
{
	r->status = s;
	r->err_at = at;
	return -1;
}

static int read_len(pw_reader *r, pw_field *f)
{
	const uint8_t *at = r->p;
	uint64_t n;
	pw_status s = pw_varint(&r->p, r->end, &n);

	if (s != PW_OK)
		return fail(r, s, at);
	if (n > (uint64_t)(r->end - r->p))
		return fail(r, PW_ELEN, at);
	f->data = r->p;
	f->len = (size_t)n;
	r->p += n;
	return 1;
}

static int read_fixed(pw_reader *r, pw_field *f, unsigned size)
{
	unsigned i;

	if ((size_t)(r->end - r->p) < size)
		return fail(r, PW_ELEN, r->p);
	f->v = 0;
	for (i = 0; i < size; i++)
		f->v |= (uint64_t)r->p[i] << (8 * i);
	r->p += size;
	return 1;
}

int pw_next(pw_reader *r, pw_field *f)
{
	uint64_t key;
	pw_status s;

	if (r->p >= r->end)
		return 0;
	f->at = r->p;
	s = pw_varint(&r->p, r->end, &key);
	if (s != PW_OK)
		return fail(r, s, f->at);
	f->num = key >> 3;
	f->wt = (unsigned)(key & 7);
	f->data = NULL;
	f->len = 0;
	f->v = 0;
	switch (f->wt) {
	case PW_VARINT:
		s = pw_varint(&r->p, r->end, &f->v);
		return s == PW_OK ? 1 : fail(r, s, f->at);
	case PW_FIXED64:
		return read_fixed(r, f, 8);
	case PW_LEN:
		return read_len(r, f);
	case PW_FIXED32:
		return read_fixed(r, f, 4);
	default:
		return fail(r, PW_EWIRE, f->at);
	}
}

const char *pw_strerror(pw_status s)
{
	switch (s) {
	case PW_OK:
		return "no error";
	case PW_ETRUNC:
		return "truncated varint";
	case PW_ELONG:
		return "varint longer than 10 bytes";
	case PW_ELEN:
		return "field runs past the end of its message";
	case PW_EWIRE:
		return "unknown wire type";
	}
	return "unknown error";
}

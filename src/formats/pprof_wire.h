/* pprof_wire.h - a minimal protobuf wire-format reader for the pprof reader.
 *
 * Only what profile.proto needs: varints, length-delimited fields, and
 * skipping fixed32/fixed64 fields. No allocation: a reader is a window over
 * the caller's buffer, and a nested message is a reader over a field's
 * bytes. Errors are recorded in the reader with the offset (from the start
 * of the whole buffer) where decoding failed, so the caller can say where
 * the data is corrupt. The hot path (one- and two-byte varints) is inline. */
#ifndef EMBERS_PPROF_WIRE_H
#define EMBERS_PPROF_WIRE_H

#include <stddef.h>
#include <stdint.h>

enum pw_wiretype { PW_VARINT = 0, PW_FIXED64 = 1, PW_LEN = 2, PW_FIXED32 = 5 };

typedef enum pw_status {
	PW_OK = 0,
	PW_ETRUNC,   /* varint runs past the end */
	PW_ELONG,    /* varint longer than 10 bytes */
	PW_ELEN,     /* length (or fixed field) runs past the end */
	PW_EWIRE     /* wire type 3, 4, 6 or 7 */
} pw_status;

typedef struct pw_reader {
	const uint8_t *p, *end;
	const uint8_t *base;     /* start of the whole buffer (for offsets) */
	pw_status status;
	const uint8_t *err_at;   /* where the failing item starts */
} pw_reader;

typedef struct pw_field {
	uint64_t num;            /* field number */
	unsigned wt;             /* wire type */
	uint64_t v;              /* value of a varint or fixed field */
	const uint8_t *data;     /* bytes of a length-delimited field */
	size_t len;
	const uint8_t *at;       /* where the field's key starts */
} pw_field;

void pw_init(pw_reader *r, const uint8_t *buf, size_t n);
/* A reader over the bytes of length-delimited field f of parent. */
void pw_sub(pw_reader *r, const pw_reader *parent, const pw_field *f);

/* Read the next field: 1 when one was read, 0 at the end, -1 on corrupt
 * data (r->status and r->err_at say what and where). */
int pw_next(pw_reader *r, pw_field *f);

/* Decode one varint at *pp (< end); slow path of pw_varint. */
pw_status pw_varint_slow(const uint8_t **pp, const uint8_t *end, uint64_t *out);

static inline pw_status pw_varint(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
	const uint8_t *p = *pp;

	if (p < end && *p < 0x80) {
		*out = *p;
		*pp = p + 1;
		return PW_OK;
	}
	/* Two bytes: location ids and small values, the bulk of samples. */
	if (end - p >= 2 && p[1] < 0x80) {
		*out = (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
		*pp = p + 2;
		return PW_OK;
	}
	return pw_varint_slow(pp, end, out);
}

/* Text of a status, e.g. "truncated varint". */
const char *pw_strerror(pw_status s);

#endif

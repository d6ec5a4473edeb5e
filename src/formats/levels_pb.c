/* levels_pb.c - Pyroscope's FlameGraph and FlameGraphDiff protobuf
 * messages (the replies of SelectMergeStacktraces and Diff) as em_levels
 * rows, straight from the wire: names point into the reply and each
 * level's values are decoded into one array, where protobuf-c allocated
 * and copied every name and level (most of a flame graph's decoding).
 *
 *   FlameGraph { repeated string names = 1; repeated Level levels = 2; ... }
 *   Level { repeated int64 values = 1; }   packed or not, as protobuf allows
 *
 * Other fields are skipped. The outer message (the RPC's response) is
 * searched for the flame graph's field; a reply without it has no data. */
#include <stdlib.h>
#include <string.h>

#include "embers/levels.h"
#include "embers/vec.h"
#include "pprof_wire.h"

struct dec {
	em_levels_pb *d;
	size_t ncap, lcap, rcap, vcap;
	size_t *row_off;            /* where each row starts in d->vals */
	em_error *err;
	const uint8_t *base;
};

static int corrupt(struct dec *c, const pw_reader *r)
{
	return em_error_set(c->err, "flame graph: %s at byte %zu", pw_strerror(r->status),
	    (size_t)(r->err_at - c->base));
}

static int wrong_type(struct dec *c, const pw_field *f, const char *what)
{
	return em_error_set(c->err, "flame graph: %s (field %llu) has wire type %u at byte %zu",
	    what, (unsigned long long)f->num, f->wt, (size_t)(f->at - c->base));
}

static int oom(struct dec *c)
{
	return em_error_set(c->err, "out of memory decoding a flame graph");
}

static int add_value(struct dec *c, uint64_t v)
{
	em_levels_pb *d = c->d;

	if (EM_VEC_RESERVE(d->vals, c->vcap, d->nvals + 1) < 0)
		return oom(c);
	d->vals[d->nvals++] = (int64_t)v;
	return 0;
}

/* Packed values: a varint ends at each byte below 0x80, so room is made
 * once for exactly that many, and the varints are read inline (offsets
 * and totals take 4 to 6 bytes each). */
static int packed(struct dec *c, pw_reader *r, const pw_field *f)
{
	em_levels_pb *d = c->d;
	const uint8_t *p = f->data, *end = f->data + f->len;
	size_t count = 0;
	int64_t *out;

	for (const uint8_t *q = p; q < end; q++)
		count += *q < 0x80;
	if (EM_VEC_RESERVE(d->vals, c->vcap, d->nvals + count + 1) < 0)
		return oom(c);
	out = d->vals + d->nvals;
	while (p < end) {
		const uint8_t *at = p;
		uint64_t v = 0;
		unsigned shift = 0;

		while (p < end && (*p & 0x80) && shift < 63) {
			v |= (uint64_t)(*p++ & 0x7f) << shift;
			shift += 7;
		}
		if (p == end || (*p & 0x80)) {
			r->status = p == end ? PW_ETRUNC : PW_ELONG;
			r->err_at = at;
			return corrupt(c, r);
		}
		*out++ = (int64_t)(v | (uint64_t)*p++ << shift);
	}
	d->nvals = (size_t)(out - d->vals);
	return 0;
}

/* One Level: its values, packed or one varint a field. */
static int level(struct dec *c, const pw_reader *parent, const pw_field *lf)
{
	pw_reader r;
	pw_field f;
	int rc;

	pw_sub(&r, parent, lf);
	while ((rc = pw_next(&r, &f)) == 1) {
		if (f.num != 1)
			continue;
		if (f.wt == PW_VARINT) {
			if (add_value(c, f.v) < 0)
				return -1;
		} else if (f.wt == PW_LEN) {
			if (packed(c, &r, &f) < 0)
				return -1;
		} else {
			return wrong_type(c, &f, "level values");
		}
	}
	return rc < 0 ? corrupt(c, &r) : 0;
}

static int name(struct dec *c, const pw_field *f)
{
	em_levels_pb *d = c->d;

	if (f->wt != PW_LEN)
		return wrong_type(c, f, "a name");
	if (EM_VEC_RESERVE(d->names, c->ncap, d->nnames + 1) < 0 ||
	    EM_VEC_RESERVE(d->name_len, c->lcap, d->nnames + 1) < 0)
		return oom(c);
	d->names[d->nnames] = (const char *)f->data;
	d->name_len[d->nnames++] = f->len;
	return 0;
}

static int new_row(struct dec *c)
{
	em_levels_pb *d = c->d;

	if (EM_VEC_RESERVE(c->row_off, c->rcap, d->nrows + 2) < 0)
		return oom(c);
	c->row_off[d->nrows++] = d->nvals;
	return 0;
}

static int message(struct dec *c, const pw_reader *parent, const pw_field *mf)
{
	pw_reader r;
	pw_field f;
	int rc;

	pw_sub(&r, parent, mf);
	while ((rc = pw_next(&r, &f)) == 1) {
		if (f.num == 1 && name(c, &f) < 0)
			return -1;
		if (f.num == 2) {
			if (f.wt != PW_LEN)
				return wrong_type(c, &f, "a level");
			if (new_row(c) < 0 || level(c, &r, &f) < 0)
				return -1;
		}
	}
	return rc < 0 ? corrupt(c, &r) : 0;
}

/* The rows' pointers and lengths, once the values stopped moving. */
static int finish(struct dec *c, int stride)
{
	em_levels_pb *d = c->d;
	size_t nr = d->nrows ? d->nrows : 1;

	d->rows = malloc(nr * sizeof(*d->rows));
	d->row_len = malloc(nr * sizeof(*d->row_len));
	if (d->rows == NULL || d->row_len == NULL)
		return oom(c);
	for (size_t i = 0; i < d->nrows; i++) {
		size_t end = i + 1 < d->nrows ? c->row_off[i + 1] : d->nvals;

		d->rows[i] = d->vals + c->row_off[i];
		d->row_len[i] = end - c->row_off[i];
	}
	memset(&d->lv, 0, sizeof(d->lv));
	d->lv.rows = d->rows;
	d->lv.row_len = d->row_len;
	d->lv.nrows = d->nrows;
	d->lv.stride = stride;
	d->lv.names = d->names;
	d->lv.name_len = d->name_len;
	d->lv.nnames = d->nnames;
	return 0;
}

int em_levels_pb_decode(em_levels_pb *d, const uint8_t *buf, size_t n, unsigned field,
    int stride, em_error *err)
{
	struct dec c = { d, 0, 0, 0, 0, NULL, err, buf };
	pw_reader r;
	pw_field f;
	int rc;

	memset(d, 0, sizeof(*d));
	err->msg[0] = '\0';
	pw_init(&r, buf, n);
	while ((rc = pw_next(&r, &f)) == 1) {
		if (f.num != field)
			continue;
		if (f.wt != PW_LEN) {
			rc = wrong_type(&c, &f, "the flame graph");
			break;
		}
		d->present = 1; /* a message field given twice merges: read both */
		if ((rc = message(&c, &r, &f)) < 0)
			break;
	}
	if (rc < 0 && err->msg[0] == '\0')
		corrupt(&c, &r); /* the reply itself is cut or garbled */
	if (rc == 0 || rc == 1)
		rc = finish(&c, stride);
	free(c.row_off);
	if (rc < 0) {
		em_levels_pb_free(d);
		return -1;
	}
	return 0;
}

void em_levels_pb_free(em_levels_pb *d)
{
	free(d->vals);
	free(d->rows);
	free(d->row_len);
	free(d->names);
	free(d->name_len);
	memset(d, 0, sizeof(*d));
}

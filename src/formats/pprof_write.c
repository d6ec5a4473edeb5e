/* pprof_write.c - writing a profile as gzip-compressed pprof protobuf.
 *
 * A small hand-written encoder streams the message straight into deflate,
 * one sample at a time: packing the whole Profile with protobuf-c would
 * hold every sample twice (the message tree and the packed bytes) on top
 * of the profile. Field numbers are those of proto/pprof.proto.
 *
 * Ids: function i is i + 1 and the other files of function names
 * (func_files[k]) are functions nfuncs + k + 1, so that a name defined in
 * several files comes back as several pprof Functions; location i is
 * i + 1; mapping i is i + 1, in the profile's order, followed by one per
 * file name of locations that only name a mapping file. The profile's
 * string table is written as is (id 0 is ""). Locations store lines root
 * first and samples store locations root first; pprof wants both
 * innermost/leaf first. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "embers/vec.h"
#include "embers/writer.h"

enum { WT_VARINT = 0, WT_LEN = 2 };

/* Profile fields. */
enum {
	F_SAMPLE_TYPE = 1, F_SAMPLE = 2, F_MAPPING = 3, F_LOCATION = 4,
	F_FUNCTION = 5, F_STRING = 6, F_TIME = 9, F_DURATION = 10,
	F_PERIOD_TYPE = 11, F_PERIOD = 12, F_COMMENT = 13, F_DEFAULT_TYPE = 14
};

#define OUT_CHUNK (64 * 1024)

typedef struct pb_out {
	FILE *out;
	z_stream z;
	unsigned char buf[OUT_CHUNK]; /* encoded bytes waiting for deflate */
	size_t n;
	unsigned char zbuf[OUT_CHUNK];
	int failed;
} pb_out;

typedef struct pprof_ctx {
	const em_profile *p;
	pb_out *w;
	uint32_t *mapping_of;  /* string id -> mapping id, 0 = none (see above) */
	em_str *mapping_file;  /* mapping id - 1 - p->nmaps -> file */
	uint32_t nmappings;    /* of those */
	size_t mapping_cap;
	unsigned char *bare;   /* per location: 1 = write without lines */
} pprof_ctx;

/* --- output: bytes -> deflate -> FILE ------------------------------- */

static int z_pump(pb_out *w, int flush)
{
	int zr;

	w->z.next_in = w->buf;
	w->z.avail_in = (uInt)w->n;
	do {
		w->z.next_out = w->zbuf;
		w->z.avail_out = sizeof(w->zbuf);
		zr = deflate(&w->z, flush);
		if (zr == Z_STREAM_ERROR)
			return -1;
		if (fwrite(w->zbuf, 1, sizeof(w->zbuf) - w->z.avail_out, w->out) !=
		    sizeof(w->zbuf) - w->z.avail_out)
			return -1;
	} while (w->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	w->n = 0;
	return 0;
}

static void put_bytes(pb_out *w, const void *data, size_t len)
{
	const unsigned char *d = data;

	while (len > 0 && !w->failed) {
		size_t room = sizeof(w->buf) - w->n, k = len < room ? len : room;

		memcpy(w->buf + w->n, d, k);
		w->n += k;
		d += k;
		len -= k;
		if (w->n == sizeof(w->buf) && z_pump(w, Z_NO_FLUSH) < 0)
			w->failed = 1;
	}
}

/* --- protobuf encoding ------------------------------------------------ */

static size_t varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static void put_varint(pb_out *w, uint64_t v)
{
	unsigned char b[10];
	size_t n = 0;

	while (v >= 0x80) {
		b[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b[n++] = (unsigned char)v;
	put_bytes(w, b, n);
}

static void put_key(pb_out *w, unsigned field, unsigned wt)
{
	put_varint(w, (uint64_t)field << 3 | wt);
}

/* Size of a varint field, 0 when it holds the default (proto3 omits it). */
static size_t int_field_len(unsigned field, uint64_t v)
{
	return v ? varint_len((uint64_t)field << 3) + varint_len(v) : 0;
}

static void put_int_field(pb_out *w, unsigned field, uint64_t v)
{
	if (v == 0)
		return;
	put_key(w, field, WT_VARINT);
	put_varint(w, v);
}

static size_t len_field_len(unsigned field, size_t len)
{
	return varint_len((uint64_t)field << 3) + varint_len(len) + len;
}

static void put_len_head(pb_out *w, unsigned field, size_t len)
{
	put_key(w, field, WT_LEN);
	put_varint(w, len);
}

/* --- messages --------------------------------------------------------- */

static void put_value_type(pb_out *w, unsigned field, const em_sample_type *t)
{
	put_len_head(w, field, int_field_len(1, t->type) + int_field_len(2, t->unit));
	put_int_field(w, 1, t->type);
	put_int_field(w, 2, t->unit);
}

static size_t label_len(const em_label *l)
{
	return int_field_len(1, l->key) + int_field_len(2, l->str) +
	    int_field_len(3, (uint64_t)l->num) + int_field_len(4, l->num_unit);
}

static void put_label(pb_out *w, const em_label *l)
{
	put_len_head(w, 3, label_len(l));
	put_int_field(w, 1, l->key);
	put_int_field(w, 2, l->str);
	put_int_field(w, 3, (uint64_t)l->num);
	put_int_field(w, 4, l->num_unit);
}

static void sample_labels(const em_profile *p, size_t s, const em_label **l, size_t *n)
{
	*l = NULL;
	*n = 0;
	if (p->label_off == NULL)
		return;
	*l = p->labels + p->label_off[s];
	*n = (size_t)(p->label_off[s + 1] - p->label_off[s]);
}

/* Sample: location ids leaf first (packed), values (packed), labels. */
static void put_sample(pb_out *w, const em_profile *p, size_t s)
{
	const uint32_t *locs = em_sample_locs(p, s);
	size_t depth = em_sample_depth(p, s), nl, i, locs_len = 0, vals_len = 0, len = 0;
	const int64_t *vals = p->values + s * p->ntypes;
	const em_label *labels;

	sample_labels(p, s, &labels, &nl);
	for (i = 0; i < depth; i++)
		locs_len += varint_len((uint64_t)locs[i] + 1);
	for (i = 0; i < p->ntypes; i++)
		vals_len += varint_len((uint64_t)vals[i]);
	if (locs_len)
		len += len_field_len(1, locs_len);
	if (vals_len)
		len += len_field_len(2, vals_len);
	for (i = 0; i < nl; i++)
		len += len_field_len(3, label_len(&labels[i]));
	put_len_head(w, F_SAMPLE, len);
	if (locs_len) {
		put_len_head(w, 1, locs_len);
		for (i = depth; i-- > 0;)
			put_varint(w, (uint64_t)locs[i] + 1);
	}
	if (vals_len) {
		put_len_head(w, 2, vals_len);
		for (i = 0; i < p->ntypes; i++)
			put_varint(w, (uint64_t)vals[i]);
	}
	for (i = 0; i < nl; i++)
		put_label(w, &labels[i]);
}

static void put_mapping(pb_out *w, uint32_t id, const em_memmap *m)
{
	put_len_head(w, F_MAPPING, int_field_len(1, id) +
	    int_field_len(2, m->memory_start) + int_field_len(3, m->memory_limit) +
	    int_field_len(4, m->file_offset) + int_field_len(5, m->file) +
	    int_field_len(6, m->build_id) + int_field_len(7, m->has_functions) +
	    int_field_len(8, m->has_filenames) + int_field_len(9, m->has_line_numbers) +
	    int_field_len(10, m->has_inline_frames));
	put_int_field(w, 1, id);
	put_int_field(w, 2, m->memory_start);
	put_int_field(w, 3, m->memory_limit);
	put_int_field(w, 4, m->file_offset);
	put_int_field(w, 5, m->file);
	put_int_field(w, 6, m->build_id);
	put_int_field(w, 7, m->has_functions);
	put_int_field(w, 8, m->has_filenames);
	put_int_field(w, 9, m->has_line_numbers);
	put_int_field(w, 10, m->has_inline_frames);
}

/* The pprof Function of a frame: its function's, or the one of the other
 * file its name is defined in. */
static uint64_t func_id(const em_profile *p, const em_line *l)
{
	em_str file = em_line_file(p, l);
	uint32_t k;

	if (file == p->funcs[l->func].file)
		return (uint64_t)l->func + 1;
	k = em_profile_find_func_file(p, l->func, file);
	return k == UINT32_MAX ? (uint64_t)l->func + 1 : (uint64_t)p->nfuncs + k + 1;
}

static size_t line_len(const em_profile *p, const em_line *l)
{
	return int_field_len(1, func_id(p, l)) + int_field_len(2, (uint64_t)l->line);
}

/* Location: lines innermost first, i.e. the model's root-first run reversed. */
static void put_location(const pprof_ctx *c, uint32_t i)
{
	const em_location *l = &c->p->locs[i];
	const em_line *lines = c->p->lines + l->first_line;
	uint32_t map = l->map, k;
	size_t len;

	if (map == 0 && l->mapping_file != 0)
		map = c->mapping_of[l->mapping_file];
	len = int_field_len(1, (uint64_t)i + 1) + int_field_len(2, map) +
	    int_field_len(3, l->address);

	if (!c->bare[i])
		for (k = 0; k < l->nlines; k++)
			len += len_field_len(4, line_len(c->p, &lines[k]));
	put_len_head(c->w, F_LOCATION, len);
	put_int_field(c->w, 1, (uint64_t)i + 1);
	put_int_field(c->w, 2, map);
	put_int_field(c->w, 3, l->address);
	if (c->bare[i])
		return;
	for (k = l->nlines; k-- > 0;) {
		put_len_head(c->w, 4, line_len(c->p, &lines[k]));
		put_int_field(c->w, 1, func_id(c->p, &lines[k]));
		put_int_field(c->w, 2, (uint64_t)lines[k].line);
	}
}

/* Function id with f's names, defined in file at start_line. */
static void put_function(pb_out *w, uint64_t id, const em_function *f, em_str file,
    int64_t start_line)
{
	put_len_head(w, F_FUNCTION, int_field_len(1, id) +
	    int_field_len(2, f->name) + int_field_len(3, f->system_name) +
	    int_field_len(4, file) + int_field_len(5, (uint64_t)start_line));
	put_int_field(w, 1, id);
	put_int_field(w, 2, f->name);
	put_int_field(w, 3, f->system_name);
	put_int_field(w, 4, file);
	put_int_field(w, 5, (uint64_t)start_line);
}

static void put_functions(pb_out *w, const em_profile *p)
{
	uint32_t i;

	for (i = 0; i < p->nfuncs && !w->failed; i++)
		put_function(w, (uint64_t)i + 1, &p->funcs[i], p->funcs[i].file,
		    p->funcs[i].start_line);
	for (i = 0; i < p->nfunc_files && !w->failed; i++) {
		const em_func_file *ff = &p->func_files[i];

		/* one that became the function's own file is that function */
		if (ff->file != p->funcs[ff->func].file)
			put_function(w, (uint64_t)p->nfuncs + i + 1, &p->funcs[ff->func],
			    ff->file, ff->start_line);
	}
}

static void put_strings(pb_out *w, const em_strtab *t)
{
	uint32_t i, n = em_strtab_count(t);

	for (i = 0; i < n; i++) {
		size_t len = em_strtab_len(t, i);

		put_len_head(w, F_STRING, len);
		put_bytes(w, em_strtab_str(t, i), len);
	}
}

static void put_comments(pb_out *w, const em_profile *p)
{
	size_t len = 0;
	uint32_t i;

	for (i = 0; i < p->ncomments; i++)
		len += varint_len(p->comments[i]);
	if (len == 0)
		return;
	put_len_head(w, F_COMMENT, len);
	for (i = 0; i < p->ncomments; i++)
		put_varint(w, p->comments[i]);
}

/* --- unsymbolized locations and mappings ----------------------------- */

/* filepath.Base: the part after the last '/', trailing slashes ignored. */
static void base_name(const char *s, size_t n, const char **b, size_t *bn)
{
	size_t end = n, start;

	while (end > 1 && s[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && s[start - 1] != '/')
		start--;
	*b = s + start;
	*bn = end - start;
}

/* A reader names a location without line info "[<mapping base name>]" or
 * "<unknown>" (as go tool pprof does). Such a location is written back
 * without lines, so that pprof shows the same name and keeps the address. */
static int is_unsymbolized(const em_profile *p, const em_location *l)
{
	const em_line *ln = &p->lines[l->first_line];
	const em_function *f;
	const char *name, *b;
	size_t n, bn;

	if (l->nlines != 1 || ln->line != 0 || ln->func >= p->nfuncs)
		return 0;
	if (l->mapping_file == 0 && l->address == 0 && l->map == 0)
		return 0;
	f = &p->funcs[ln->func];
	if (f->file != 0 || f->start_line != 0 ||
	    (f->system_name != 0 && f->system_name != f->name))
		return 0;
	name = em_profile_cstr(p, f->name);
	n = em_strtab_len(p->strs, f->name);
	if (l->mapping_file == 0)
		return n == 9 && memcmp(name, "<unknown>", 9) == 0;
	base_name(em_profile_cstr(p, l->mapping_file),
	    em_strtab_len(p->strs, l->mapping_file), &b, &bn);
	return n == bn + 2 && name[0] == '[' && name[n - 1] == ']' &&
	    memcmp(name + 1, b, bn) == 0;
}

static int plan_locations(pprof_ctx *c, em_error *err)
{
	const em_profile *p = c->p;
	uint32_t i, nstr = em_strtab_count(p->strs);

	c->bare = calloc(p->nlocs ? p->nlocs : 1, 1);
	c->mapping_of = calloc(nstr ? nstr : 1, sizeof(*c->mapping_of));
	if (c->bare == NULL || c->mapping_of == NULL)
		return em_error_set(err, "out of memory");
	for (i = 0; i < p->nlocs; i++) {
		em_str file = p->locs[i].mapping_file;

		c->bare[i] = (unsigned char)is_unsymbolized(p, &p->locs[i]);
		if (p->locs[i].map || file == 0 || file >= nstr || c->mapping_of[file])
			continue;
		if (p->nmaps + c->nmappings >= UINT32_MAX - 1 || EM_VEC_RESERVE(c->mapping_file,
		    c->mapping_cap, (size_t)c->nmappings + 1) < 0)
			return em_error_set(err, "out of memory");
		c->mapping_file[c->nmappings++] = file;
		c->mapping_of[file] = p->nmaps + c->nmappings;
	}
	return 0;
}

/* --- the whole profile ------------------------------------------------ */

static void put_profile(pprof_ctx *c)
{
	const em_profile *p = c->p;
	pb_out *w = c->w;
	size_t s;
	uint32_t i;

	for (i = 0; i < p->ntypes; i++)
		put_value_type(w, F_SAMPLE_TYPE, &p->types[i]);
	for (s = 0; s < p->nsamples && !w->failed; s++)
		put_sample(w, p, s);
	for (i = 0; i < p->nmaps; i++)
		put_mapping(w, i + 1, &p->maps[i]);
	for (i = 0; i < c->nmappings; i++) {
		em_memmap m;

		memset(&m, 0, sizeof(m));
		m.file = c->mapping_file[i];
		put_mapping(w, p->nmaps + i + 1, &m);
	}
	for (i = 0; i < p->nlocs && !w->failed; i++)
		put_location(c, i);
	put_functions(w, p);
	put_strings(w, p->strs);
	put_int_field(w, F_TIME, (uint64_t)p->time_nanos);
	put_int_field(w, F_DURATION, (uint64_t)p->duration_nanos);
	if (p->period_type.type || p->period_type.unit)
		put_value_type(w, F_PERIOD_TYPE, &p->period_type);
	put_int_field(w, F_PERIOD, (uint64_t)p->period);
	put_comments(w, p);
	/* pprof's default is the last type: only say so when it differs */
	if (p->ntypes > 0 && p->default_type + 1 < p->ntypes)
		put_int_field(w, F_DEFAULT_TYPE, p->types[p->default_type].type);
}

int em_write_pprof(FILE *out, const em_profile *p, em_error *err)
{
	pprof_ctx c;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	c.p = p;
	c.w = malloc(sizeof(*c.w));
	if (c.w == NULL)
		return em_error_set(err, "out of memory");
	memset(&c.w->z, 0, sizeof(c.w->z));
	c.w->out = out;
	c.w->n = 0;
	c.w->failed = 0;
	if (deflateInit2(&c.w->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(c.w);
		return em_error_set(err, "cannot start gzip compression");
	}
	if (plan_locations(&c, err) < 0)
		goto out;
	errno = 0;
	put_profile(&c);
	if (c.w->failed || z_pump(c.w, Z_FINISH) < 0 || fflush(out) != 0 || ferror(out)) {
		em_error_set(err, "write error: %s", em_strerror_lc(errno ? errno : EIO));
		goto out;
	}
	rc = 0;
out:
	deflateEnd(&c.w->z);
	free(c.w);
	free(c.bare);
	free(c.mapping_of);
	free(c.mapping_file);
	return rc;
}

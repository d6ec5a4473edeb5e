/* pprof_read.c - the pprof reader: profile.proto bytes into an em_profile.
 *
 * The Profile message is never unpacked as a whole (that costs several
 * times the input). Instead the top-level fields are walked a few times,
 * since samples may come before the tables they refer to:
 *   1. count the tables, read the scalar fields, check wire types;
 *   2. index the string table (offsets only; strings are interned into the
 *      profile the first time something refers to them);
 *   3. sample types, period type, comments, default sample type;
 *   4. mappings (kept in pprof order), 5. functions, 6. locations, each
 *      into an id -> ordinal map;
 *   7. samples, decoded one by one into scratch arrays.
 * Semantics follow google/pprof (profile/encode.go, profile.go CheckValid,
 * prune.go) so that figures match `go tool pprof -top`:
 *   - a location's lines are innermost first in pprof, root first here;
 *   - functions are unique by name; a line keeps the file of the pprof
 *     Function it refers to, so that the same name in several files
 *     (JavaScript, Python) stays apart in per-line figures;
 *   - a location without lines, or a line whose function is missing or has
 *     an empty name, is the frame "[basename of mapping file]" or
 *     "<unknown>";
 *   - drop_frames/keep_frames prune samples as RemoveUninteresting does;
 *   - the default sample type is the one named by default_sample_type,
 *     else the last one.
 * Deliberate differences: an unknown mapping id is an error (pprof
 * silently drops the mapping), and a line without a function is accepted
 * and named after the mapping (pprof's CheckValid refuses it). */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "embers/reader.h"
#include "embers/vec.h"
#include "pprof_wire.h"

/* Wire types a field may use, as a bit mask indexed by field number. */
#define V (1u << PW_VARINT)
#define L (1u << PW_LEN)
typedef struct msgspec {
	const char *name;
	unsigned nfields;
	const uint8_t *wt;
} msgspec;
static const uint8_t profile_wt[] = { 0, L, L, L, L, L, L, V, V, V, V, L, V,
	V | L, V, V };
static const uint8_t vtype_wt[] = { 0, V, V };
static const uint8_t sample_wt[] = { 0, V | L, V | L, L };
static const uint8_t label_wt[] = { 0, V, V, V, V };
static const uint8_t mapping_wt[] = { 0, V, V, V, V, V, V, V, V, V, V };
static const uint8_t location_wt[] = { 0, V, V, V, L, V };
static const uint8_t line_wt[] = { 0, V, V, V };
static const uint8_t function_wt[] = { 0, V, V, V, V, V };
#define SPEC(n, a) { n, sizeof(a), a }
static const msgspec PROFILE = SPEC("Profile", profile_wt);
static const msgspec VTYPE = SPEC("ValueType", vtype_wt);
static const msgspec SAMPLE = SPEC("Sample", sample_wt);
static const msgspec LABEL = SPEC("Label", label_wt);
static const msgspec MAPPING = SPEC("Mapping", mapping_wt);
static const msgspec LOCATION = SPEC("Location", location_wt);
static const msgspec LINE = SPEC("Line", line_wt);
static const msgspec FUNCTION = SPEC("Function", function_wt);
#undef V
#undef L

enum { F_SAMPLE_TYPE = 1, F_SAMPLE, F_MAPPING, F_LOCATION, F_FUNCTION,
	F_STRING, F_DROP, F_KEEP, F_TIME, F_DURATION, F_PERIOD_TYPE, F_PERIOD,
	F_COMMENT, F_DEFAULT_TYPE, F_DOC_URL };

#define NONE UINT32_MAX
#define PRUNE_WHOLE 1   /* the location's outermost frame matched drop_frames */
#define PRUNE_BENEATH 2 /* some frame of it matched: cut the stack here */
#define POLL_EVERY 4096 /* samples (locations) between cancel checks */

/* Ids -> ordinals: a direct array when ids are dense (the usual 1..n),
 * else (id, ordinal) pairs sorted by id. Sorting rather than hashing keeps
 * crafted ids from making lookups quadratic. */
typedef struct idpair {
	uint64_t id;
	uint32_t ord;
} idpair;

typedef struct idmap {
	uint32_t *slot;  /* direct: ordinal + 1 by id, 0 = absent */
	size_t cap;
	idpair *sorted;  /* sparse */
	size_t n;
} idmap;

typedef struct strref {
	uint32_t off, len;
} strref;

typedef struct mapinfo {
	em_str file;
	em_func_id func; /* "[basename]", made on first use */
	uint32_t map;    /* its em_location.map */
} mapinfo;

typedef struct reader {
	em_profile *p;
	const uint8_t *buf;
	size_t n;
	const em_read_opts *opts;
	em_error *err;
	pw_reader top;

	size_t nstrs, ntypes, nsamples, nmaps, nfuncs, nlocs;
	int64_t drop_x, keep_x, default_x, doc_x;
	pw_field period_type;
	int has_period_type;

	strref *strs;
	em_str *sid;      /* string index -> interned id, NONE until used */
	uint64_t *ids;    /* scratch: ids of the table being read */
	mapinfo *maps;
	idmap map_ids;
	em_func_id *fn;   /* function ordinal -> func, NONE when unnamed */
	em_str *fn_file;  /* function ordinal -> its filename (until pass 7) */
	int64_t *fn_start;
	idmap fn_ids;
	uint32_t *loc;    /* location ordinal -> em location */
	uint8_t *locflag; /* PRUNE_* */
	idmap loc_ids;
	em_func_id unknown_func;

	int pruning, has_keep;
	regex_t drop_rx, keep_rx;
	size_t comments_cap;
	uint8_t *fprune;  /* em func -> 0 unknown, 1 keep, 2 prune */
	size_t fprune_cap;

	em_line *lines;
	size_t lines_cap;
	uint64_t *sids;
	size_t sids_cap;
	uint32_t *slocs;
	size_t slocs_cap;
	uint64_t *vals;
	size_t vals_cap;
	em_label *labs;
	size_t labs_cap;
} reader;

/* ---- errors ---------------------------------------------------------- */

static int oom(reader *r)
{
	return em_error_set(r->err, "out of memory");
}

static size_t offset_of(const reader *r, const uint8_t *at)
{
	return (size_t)(at - r->buf);
}

static int corrupt_at(reader *r, const uint8_t *at, pw_status s)
{
	return em_error_set(r->err, "corrupt pprof data at byte %zu: %s",
	    offset_of(r, at), pw_strerror(s));
}

static int corrupt(reader *r, const pw_reader *w)
{
	return corrupt_at(r, w->err_at, w->status);
}

static int cancelled(reader *r)
{
	if (r->opts && r->opts->cancel && *r->opts->cancel)
		return em_error_set(r->err, "cancelled");
	return 0;
}

/* A known field with the wrong wire type: some other protobuf message. */
static int check_wt(reader *r, const pw_field *f, const msgspec *m)
{
	if (f->num >= m->nfields || (m->wt[f->num] & (1u << f->wt)))
		return 0;
	return em_error_set(r->err, "not a pprof profile (field %u of %s has "
	    "wire type %u, at byte %zu)", (unsigned)f->num, m->name, f->wt,
	    offset_of(r, f->at));
}

/* Next field of a nested message: 1, 0 at its end, -1 with err set. */
static int next_field(reader *r, pw_reader *w, pw_field *f, const msgspec *m)
{
	int k = pw_next(w, f);

	if (k < 0)
		return corrupt(r, w);
	if (k > 0 && check_wt(r, f, m))
		return -1;
	return k;
}

/* ---- id maps --------------------------------------------------------- */

static void idmap_free(idmap *m)
{
	free(m->slot);
	free(m->sorted);
	memset(m, 0, sizeof(*m));
}

static uint32_t idmap_get(const idmap *m, uint64_t id)
{
	size_t lo = 0, hi = m->n;

	if (!m->sorted)
		return id < m->cap ? m->slot[id] - 1 : NONE;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->sorted[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->sorted[lo].id == id ? m->sorted[lo].ord : NONE;
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = ((const idpair *)a)->id, y = ((const idpair *)b)->id;

	return x < y ? -1 : x > y;
}

static int duplicate(reader *r, const char *what, uint64_t id)
{
	return em_error_set(r->err, "malformed profile: more than one %s with id %llu",
	    what, (unsigned long long)id);
}

static int build_sorted(reader *r, idmap *m, size_t n, const char *what)
{
	size_t i;

	if (!(m->sorted = malloc(n * sizeof(*m->sorted))))
		return oom(r);
	for (i = 0; i < n; i++) {
		m->sorted[i].id = r->ids[i];
		m->sorted[i].ord = (uint32_t)i;
	}
	qsort(m->sorted, n, sizeof(*m->sorted), by_id);
	m->n = n;
	for (i = 1; i < n; i++)
		if (m->sorted[i].id == m->sorted[i - 1].id)
			return duplicate(r, what, m->sorted[i].id);
	return 0;
}

/* Index r->ids[0..n) (all non-zero); what names the table in errors. */
static int idmap_build(reader *r, idmap *m, size_t n, const char *what)
{
	uint64_t maxid = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (r->ids[i] > maxid)
			maxid = r->ids[i];
	if (maxid > 2 * (uint64_t)n + 1024)
		return build_sorted(r, m, n, what);
	m->cap = (size_t)maxid + 1;
	if (!(m->slot = calloc(m->cap, sizeof(*m->slot))))
		return oom(r);
	for (i = 0; i < n; i++) {
		if (m->slot[r->ids[i]])
			return duplicate(r, what, r->ids[i]);
		m->slot[r->ids[i]] = (uint32_t)i + 1;
	}
	return 0;
}

/* ---- strings --------------------------------------------------------- */

static int str_id(reader *r, int64_t idx, em_str *out)
{
	const strref *s;

	if (idx < 0 || (uint64_t)idx >= r->nstrs)
		return em_error_set(r->err, "malformed profile: string index %lld "
		    "out of range (%zu strings)", (long long)idx, r->nstrs);
	if (r->sid[idx] == EM_STR_NONE) {
		s = &r->strs[idx];
		r->sid[idx] = em_profile_str(r->p, (const char *)r->buf + s->off, s->len);
		if (r->sid[idx] == EM_STR_NONE)
			return oom(r);
	}
	*out = r->sid[idx];
	return 0;
}

static int str_check(reader *r, int64_t idx)
{
	em_str unused;

	return str_id(r, idx, &unused);
}

/* ---- pass 1: the top level ------------------------------------------- */

static int scan_scalar(reader *r, const pw_field *f)
{
	switch (f->num) {
	case F_DROP: r->drop_x = (int64_t)f->v; break;
	case F_KEEP: r->keep_x = (int64_t)f->v; break;
	case F_TIME:
		/* A second time_nanos means two profiles were concatenated
		 * (profile/encode.go refuses them the same way). */
		if (r->p->time_nanos != 0)
			return em_error_set(r->err, "concatenated profiles detected");
		r->p->time_nanos = (int64_t)f->v;
		break;
	case F_DURATION: r->p->duration_nanos = (int64_t)f->v; break;
	case F_PERIOD: r->p->period = (int64_t)f->v; break;
	case F_DEFAULT_TYPE: r->default_x = (int64_t)f->v; break;
	case F_DOC_URL: r->doc_x = (int64_t)f->v; break;
	}
	return 0;
}

static int scan_top(reader *r)
{
	pw_reader w = r->top;
	pw_field f;
	int k;

	while ((k = next_field(r, &w, &f, &PROFILE)) > 0) {
		switch (f.num) {
		case F_SAMPLE_TYPE: r->ntypes++; break;
		case F_SAMPLE: r->nsamples++; break;
		case F_MAPPING: r->nmaps++; break;
		case F_LOCATION: r->nlocs++; break;
		case F_FUNCTION: r->nfuncs++; break;
		case F_STRING:
			if (r->nstrs++ == 0 && f.len != 0)
				return em_error_set(r->err, "malformed profile: "
				    "string_table[0] is not empty");
			break;
		case F_PERIOD_TYPE:
			r->period_type = f;
			r->has_period_type = 1;
			break;
		default:
			if (scan_scalar(r, &f))
				return -1;
		}
	}
	if (k < 0)
		return -1;
	/* pprof looks up string 0 even in an empty profile, so a message
	 * without a string table is not a profile (e.g. another schema). */
	if (r->nstrs == 0)
		return em_error_set(r->err, "not a pprof profile (no string table)");
	if (r->nsamples > 0 && r->ntypes == 0)
		return em_error_set(r->err, "malformed profile: samples without "
		    "sample types");
	return 0;
}

/* Call fn for each top-level field number num (pass 1 checked them). */
typedef int (*field_fn)(reader *r, const pw_field *f, size_t ord);
static int each_top(reader *r, uint64_t num, field_fn fn)
{
	pw_reader w = r->top;
	pw_field f;
	size_t ord = 0;

	while (pw_next(&w, &f) > 0)
		if (f.num == num && fn(r, &f, ord++))
			return -1;
	return 0;
}

/* ---- pass 2 and 3: strings and metadata ------------------------------ */

static int read_string(reader *r, const pw_field *f, size_t ord)
{
	r->strs[ord].off = (uint32_t)(f->data - r->buf);
	r->strs[ord].len = (uint32_t)f->len;
	return 0;
}

static int read_vtype(reader *r, const pw_field *pf, em_sample_type *out)
{
	pw_reader w;
	pw_field f;
	int k;
	int64_t type = 0, unit = 0;

	pw_sub(&w, &r->top, pf);
	while ((k = next_field(r, &w, &f, &VTYPE)) > 0) {
		if (f.num == 1)
			type = (int64_t)f.v;
		else if (f.num == 2)
			unit = (int64_t)f.v;
	}
	if (k < 0)
		return -1;
	if (str_id(r, type, &out->type) || str_id(r, unit, &out->unit))
		return -1;
	return 0;
}

static int read_sample_type(reader *r, const pw_field *f, size_t ord)
{
	em_sample_type t;

	if (read_vtype(r, f, &t))
		return -1;
	if (em_profile_add_type(r->p, em_profile_cstr(r->p, t.type),
	    em_profile_cstr(r->p, t.unit)) < 0)
		return em_error_set(r->err, "cannot add sample type %zu: too many "
		    "types or out of memory", ord + 1);
	return 0;
}

static int add_comment(reader *r, int64_t idx)
{
	em_profile *p = r->p;
	em_str s;

	if (str_id(r, idx, &s))
		return -1;
	if (p->ncomments == UINT32_MAX ||
	    EM_VEC_RESERVE(p->comments, r->comments_cap, (size_t)p->ncomments + 1))
		return oom(r);
	p->comments[p->ncomments++] = s;
	return 0;
}

static int read_comment(reader *r, const pw_field *f, size_t ord)
{
	const uint8_t *q, *end;
	uint64_t v;

	(void)ord;
	if (f->wt == PW_VARINT)
		return add_comment(r, (int64_t)f->v);
	/* a varint field has no data pointer: NULL + 0 is undefined */
	q = f->data;
	end = f->data + f->len;
	while (q < end) {
		const uint8_t *at = q;
		pw_status s = pw_varint(&q, end, &v);
		if (s != PW_OK)
			return corrupt_at(r, at, s);
		if (add_comment(r, (int64_t)v))
			return -1;
	}
	return 0;
}

static void set_default_type(reader *r)
{
	em_profile *p = r->p;
	const char *want = em_profile_cstr(p, r->sid[r->default_x]);
	uint32_t i;

	p->default_type = p->ntypes ? p->ntypes - 1 : 0;
	if (!*want)
		return;
	for (i = 0; i < p->ntypes; i++)
		if (strcmp(em_profile_cstr(p, p->types[i].type), want) == 0) {
			p->default_type = i;
			return;
		}
}

static int read_metadata(reader *r)
{
	if (each_top(r, F_SAMPLE_TYPE, read_sample_type))
		return -1;
	if (r->has_period_type && read_vtype(r, &r->period_type, &r->p->period_type))
		return -1;
	if (each_top(r, F_COMMENT, read_comment))
		return -1;
	if (str_check(r, r->drop_x) || str_check(r, r->keep_x) ||
	    str_check(r, r->default_x) || str_check(r, r->doc_x))
		return -1;
	set_default_type(r);
	return 0;
}

/* ---- pass 4: mappings ------------------------------------------------ */

static int read_mapping(reader *r, const pw_field *pf, size_t ord)
{
	pw_reader w;
	pw_field f;
	int k;
	uint64_t id = 0;
	int64_t file = 0, build_id = 0;
	em_memmap m;

	memset(&m, 0, sizeof(m));
	pw_sub(&w, &r->top, pf);
	while ((k = next_field(r, &w, &f, &MAPPING)) > 0) {
		switch (f.num) {
		case 1: id = f.v; break;
		case 2: m.memory_start = f.v; break;
		case 3: m.memory_limit = f.v; break;
		case 4: m.file_offset = f.v; break;
		case 5: file = (int64_t)f.v; break;
		case 6: build_id = (int64_t)f.v; break;
		case 7: m.has_functions = f.v != 0; break;
		case 8: m.has_filenames = f.v != 0; break;
		case 9: m.has_line_numbers = f.v != 0; break;
		case 10: m.has_inline_frames = f.v != 0; break;
		}
	}
	if (k < 0)
		return -1;
	if (id == 0)
		return em_error_set(r->err, "malformed profile: mapping with reserved id 0");
	r->ids[ord] = id;
	r->maps[ord].func = EM_FUNC_NONE;
	if (str_id(r, file, &m.file) || str_id(r, build_id, &m.build_id))
		return -1;
	r->maps[ord].file = m.file;
	r->maps[ord].map = em_profile_add_map(r->p, &m); /* in pprof order */
	return r->maps[ord].map ? 0 : oom(r);
}

/* ---- pass 5: functions and drop_frames ------------------------------- */

/* google/pprof simplifyFunc: drop a leading '.', cut the argument list at
 * the first '(' that does not start "(anonymous namespace)" or is not in
 * "operator()". Returns the length to keep. */
static size_t simplified_len(const char **name)
{
	static const char anon[] = "(anonymous namespace)", op[] = "operator()";
	const char *s = *name;
	size_t i = 0;

	if (*s == '.')
		*name = ++s;
	while (s[i]) {
		if (strncmp(s + i, anon, sizeof(anon) - 1) == 0)
			i += sizeof(anon) - 1;
		else if (strncmp(s + i, op, sizeof(op) - 1) == 0)
			i += sizeof(op) - 1;
		else if (s[i] == '(')
			return i;
		else
			i++;
	}
	return i;
}

static int matches(const regex_t *rx, const char *s, size_t len)
{
	char small[256];
	char *copy = len < sizeof(small) ? small : malloc(len + 1);
	int m;

	if (!copy)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	m = regexec(rx, copy, 0, NULL, 0) == 0;
	if (copy != small)
		free(copy);
	return m;
}

/* Whether frames of function f are where pruning starts (prune.go). */
static int decide_prune(reader *r, em_func_id f)
{
	const char *name = em_func_name(r->p, f);
	size_t len = simplified_len(&name);
	int drop = matches(&r->drop_rx, name, len), keep = 0;

	if (drop > 0 && r->has_keep)
		keep = matches(&r->keep_rx, name, len);
	if (drop < 0 || keep < 0)
		return oom(r);
	if (f >= r->fprune_cap) {
		size_t old = r->fprune_cap;
		if (EM_VEC_RESERVE(r->fprune, r->fprune_cap, (size_t)f + 1))
			return oom(r);
		memset(r->fprune + old, 0, r->fprune_cap - old);
	}
	r->fprune[f] = drop && !keep ? 2 : 1;
	return 0;
}

static int read_function(reader *r, const pw_field *pf, size_t ord)
{
	pw_reader w;
	pw_field f;
	int k;
	uint64_t id = 0;
	int64_t name = 0, sys = 0, file = 0, start = 0;
	em_str sname, ssys, sfile;

	pw_sub(&w, &r->top, pf);
	while ((k = next_field(r, &w, &f, &FUNCTION)) > 0) {
		switch (f.num) {
		case 1: id = f.v; break;
		case 2: name = (int64_t)f.v; break;
		case 3: sys = (int64_t)f.v; break;
		case 4: file = (int64_t)f.v; break;
		case 5: start = (int64_t)f.v; break;
		}
	}
	if (k < 0)
		return -1;
	if (id == 0)
		return em_error_set(r->err, "malformed profile: function with "
		    "reserved id 0");
	r->ids[ord] = id;
	if (str_id(r, name, &sname) || str_id(r, sys, &ssys) || str_id(r, file, &sfile))
		return -1;
	r->fn[ord] = NONE;
	r->fn_file[ord] = sfile;
	r->fn_start[ord] = start;
	if (em_strtab_len(r->p->strs, sname) == 0)
		return 0; /* unnamed: the frame is named after the mapping */
	r->fn[ord] = em_profile_func(r->p, sname, ssys, sfile, start);
	if (r->fn[ord] == EM_FUNC_NONE)
		return oom(r);
	if (r->pruning && (r->fn[ord] >= r->fprune_cap || !r->fprune[r->fn[ord]]))
		return decide_prune(r, r->fn[ord]);
	return 0;
}

/* The files other than its function's that a name is defined in. Done
 * after all functions, since a later definition may give a function the
 * file an earlier one lacked. */
static int add_func_files(reader *r)
{
	size_t ord;

	for (ord = 0; ord < r->nfuncs; ord++) {
		em_func_id f = r->fn[ord];

		if (f != NONE && r->fn_file[ord] != r->p->funcs[f].file &&
		    em_profile_add_func_file(r->p, f, r->fn_file[ord], r->fn_start[ord]) < 0)
			return oom(r);
	}
	return 0;
}

/* Go regexp syntax that POSIX ERE lacks, for the patterns profilers emit:
 * "(?:" groups and \d. Anything else is passed through. */
static char *posix_regex(const char *rx)
{
	size_t n = strlen(rx), i, o = 0;
	char *out = malloc(6 * n + 8);

	if (!out)
		return NULL;
	memcpy(out + o, "^(", 2), o += 2;
	for (i = 0; i < n; i++) {
		if (strncmp(rx + i, "(?:", 3) == 0) {
			out[o++] = '(';
			i += 2;
		} else if (rx[i] == '\\' && (rx[i + 1] == 'd' || rx[i + 1] == 'D')) {
			const char *cls = rx[i + 1] == 'd' ? "[0-9]" : "[^0-9]";
			memcpy(out + o, cls, strlen(cls)), o += strlen(cls);
			i++;
		} else if (rx[i] == '\\' && rx[i + 1]) {
			out[o++] = rx[i++];
			out[o++] = rx[i];
		} else {
			out[o++] = rx[i];
		}
	}
	memcpy(out + o, ")$", 3);
	return out;
}

static int compile(regex_t *re, const char *rx)
{
	char *full = posix_regex(rx);
	int rc;

	if (!full)
		return -1;
	rc = regcomp(re, full, REG_EXTENDED | REG_NOSUB);
	free(full);
	return rc == 0 ? 0 : -1;
}

/* As RemoveUninteresting: keep_frames only matters with drop_frames, and
 * a pattern that does not compile disables pruning (go tool pprof ignores
 * the error). */
static void setup_prune(reader *r)
{
	const char *drop = em_profile_cstr(r->p, r->sid[r->drop_x]);
	const char *keep = em_profile_cstr(r->p, r->sid[r->keep_x]);

	if (!*drop || compile(&r->drop_rx, drop))
		return;
	if (*keep) {
		if (compile(&r->keep_rx, keep)) {
			regfree(&r->drop_rx);
			return;
		}
		r->has_keep = 1;
	}
	r->pruning = 1;
}

/* ---- pass 6: locations ----------------------------------------------- */

/* The function naming an unsymbolized frame of mapping ordinal m (NONE:
 * no mapping), as go tool pprof names it. */
static em_func_id mapping_func(reader *r, uint32_t m)
{
	char name[4096];
	const char *file, *base;
	size_t len;
	em_str s;

	if (m != NONE && r->maps[m].func != EM_FUNC_NONE)
		return r->maps[m].func;
	if (m == NONE || em_strtab_len(r->p->strs, r->maps[m].file) == 0) {
		if (r->unknown_func == EM_FUNC_NONE &&
		    (s = em_profile_str(r->p, "<unknown>", 9)) != EM_STR_NONE)
			r->unknown_func = em_profile_func(r->p, s, 0, 0, 0);
		return r->unknown_func;
	}
	/* filepath.Base: the last element, trailing slashes ignored. */
	file = em_profile_cstr(r->p, r->maps[m].file);
	len = strlen(file);
	while (len > 1 && file[len - 1] == '/')
		len--;
	for (base = file + len; base > file && base[-1] != '/'; base--)
		;
	if (base == file + len) /* only slashes */
		base--;
	len = (size_t)(file + len - base);
	if (len > sizeof(name) - 3)
		len = sizeof(name) - 3;
	name[0] = '[';
	memcpy(name + 1, base, len);
	name[len + 1] = ']';
	if ((s = em_profile_str(r->p, name, len + 2)) != EM_STR_NONE)
		r->maps[m].func = em_profile_func(r->p, s, 0, 0, 0);
	return r->maps[m].func;
}

static int add_raw_line(reader *r, size_t nl, uint64_t func_id, int64_t line,
    uint64_t loc_id)
{
	uint32_t ord = NONE;
	em_line *ln;

	if (func_id != 0 && (ord = idmap_get(&r->fn_ids, func_id)) == NONE)
		return em_error_set(r->err, "malformed profile: location %llu refers "
		    "to unknown function id %llu", (unsigned long long)loc_id,
		    (unsigned long long)func_id);
	if (EM_VEC_RESERVE(r->lines, r->lines_cap, nl + 2))
		return oom(r);
	ln = &r->lines[nl];
	ln->func = ord == NONE ? NONE : r->fn[ord];
	ln->file = 0;
	ln->line = line;
	if (ln->func != NONE) {
		ln->file = r->fn_file[ord];
		if (ln->file == 0 && r->p->funcs[ln->func].file != 0)
			ln->file = EM_LINE_NO_FILE;
	}
	return 0;
}

/* Decode a Line message into r->lines[nl] (function still unresolved when
 * the function is missing or unnamed). */
static int read_line(reader *r, const pw_reader *parent, const pw_field *pf, size_t nl,
    uint64_t loc_id)
{
	pw_reader w;
	pw_field f;
	int k;
	uint64_t func_id = 0;
	int64_t line = 0;

	pw_sub(&w, parent, pf);
	while ((k = next_field(r, &w, &f, &LINE)) > 0) {
		if (f.num == 1)
			func_id = f.v;
		else if (f.num == 2)
			line = (int64_t)f.v;
	}
	if (k < 0)
		return -1;
	return add_raw_line(r, nl, func_id, line, loc_id);
}

/* prune.go: scanning from the caller, the first frame whose function
 * matches cuts it and everything inlined into it; returns how many lines
 * (innermost first) to drop, and the location's PRUNE_* flags. */
static size_t prune_lines(const reader *r, size_t nl, uint8_t *flags)
{
	size_t i;

	*flags = 0;
	if (!r->pruning)
		return 0;
	for (i = nl; i-- > 0;) {
		em_func_id fid = r->lines[i].func;
		if (fid != NONE && fid < r->fprune_cap && r->fprune[fid] == 2) {
			*flags = PRUNE_BENEATH;
			if (i == nl - 1) {
				*flags |= PRUNE_WHOLE;
				return 0;
			}
			return i + 1;
		}
	}
	return 0;
}

/* Turn r->lines[0..nl) (pprof order) into a location, root first. */
static int add_location(reader *r, size_t ord, size_t nl, uint32_t map, uint64_t addr)
{
	size_t cut, i;
	em_line tmp;

	if (nl == 0) {
		r->lines[0].func = NONE;
		r->lines[0].file = 0;
		r->lines[0].line = 0;
		nl = 1;
	}
	cut = prune_lines(r, nl, &r->locflag[ord]);
	for (i = 0; i < nl; i++)
		if (r->lines[i].func == NONE &&
		    (r->lines[i].func = mapping_func(r, map)) == EM_FUNC_NONE)
			return oom(r);
	for (i = 0; i < (nl - cut) / 2; i++) {
		tmp = r->lines[cut + i];
		r->lines[cut + i] = r->lines[nl - 1 - i];
		r->lines[nl - 1 - i] = tmp;
	}
	r->loc[ord] = em_profile_add_mapped_location(r->p, r->lines + cut,
	    (uint32_t)(nl - cut), addr, map == NONE ? 0 : r->maps[map].map);
	return r->loc[ord] == UINT32_MAX ? oom(r) : 0;
}

static int read_location(reader *r, const pw_field *pf, size_t ord)
{
	pw_reader w;
	pw_field f;
	int k;
	uint64_t id = 0, map_id = 0, addr = 0;
	uint32_t map = NONE;
	size_t nl = 0;

	if (ord % POLL_EVERY == 0 && cancelled(r))
		return -1;
	if (EM_VEC_RESERVE(r->lines, r->lines_cap, 2))
		return oom(r);
	pw_sub(&w, &r->top, pf);
	while ((k = next_field(r, &w, &f, &LOCATION)) > 0) {
		if (f.num == 1)
			id = f.v;
		else if (f.num == 2)
			map_id = f.v;
		else if (f.num == 3)
			addr = f.v;
		else if (f.num == 4 && read_line(r, &w, &f, nl++, id))
			return -1;
	}
	if (k < 0)
		return -1;
	if (id == 0)
		return em_error_set(r->err, "malformed profile: location with "
		    "reserved id 0");
	if (map_id != 0 && (map = idmap_get(&r->map_ids, map_id)) == NONE)
		return em_error_set(r->err, "malformed profile: location %llu refers "
		    "to unknown mapping id %llu", (unsigned long long)id,
		    (unsigned long long)map_id);
	r->ids[ord] = id;
	return add_location(r, ord, nl, map, addr);
}

/* ---- pass 7: samples ------------------------------------------------- */

static int push_varints(reader *r, const pw_field *f, uint64_t **arr, size_t *n,
    size_t *cap)
{
	const uint8_t *q, *end;
	uint64_t *a;
	size_t i;

	if (EM_VEC_RESERVE(*arr, *cap, *n + (f->wt == PW_LEN ? f->len : 1)))
		return oom(r);
	a = *arr;
	i = *n;
	if (f->wt == PW_VARINT) {
		a[i++] = f->v;
	} else {
		/* only length-delimited fields have data: NULL + 0 is undefined */
		q = f->data;
		end = f->data + f->len;
		while (q < end) {
			const uint8_t *at = q;
			pw_status s = pw_varint(&q, end, &a[i]);
			if (s != PW_OK)
				return corrupt_at(r, at, s);
			i++;
		}
	}
	*n = i;
	return 0;
}

/* Label -> labs[*nl], dropped when it has neither a string nor a number
 * (as profile/encode.go does). */
static int read_label(reader *r, const pw_reader *parent, const pw_field *pf, size_t *nl)
{
	pw_reader w;
	pw_field f;
	int k;
	int64_t key = 0, str = 0, num = 0, unit = 0;
	em_label *lab;

	pw_sub(&w, parent, pf);
	while ((k = next_field(r, &w, &f, &LABEL)) > 0) {
		switch (f.num) {
		case 1: key = (int64_t)f.v; break;
		case 2: str = (int64_t)f.v; break;
		case 3: num = (int64_t)f.v; break;
		case 4: unit = (int64_t)f.v; break;
		}
	}
	if (k < 0)
		return -1;
	if (str == 0 && num == 0 && unit == 0)
		return str_check(r, key);
	if (EM_VEC_RESERVE(r->labs, r->labs_cap, *nl + 1))
		return oom(r);
	lab = &r->labs[*nl];
	lab->num = str ? 0 : num;
	if (str_id(r, key, &lab->key) || str_id(r, str, &lab->str) ||
	    str_id(r, str ? 0 : unit, &lab->num_unit))
		return -1;
	(*nl)++;
	return 0;
}

/* prune.go Prune, per sample: from the root, after the first frame that
 * is not pruned, cut at the first location that is. Returns the index
 * (leaf first) of the new leaf. */
static size_t prune_sample(const reader *r, const uint32_t *ord, size_t n)
{
	int found_user = 0;
	size_t i;

	for (i = n; i-- > 0;) {
		uint8_t fl = r->locflag[ord[i]];
		if (!fl) {
			found_user = 1;
			continue;
		}
		if (!found_user)
			continue;
		return fl & PRUNE_WHOLE ? i + 1 : i;
	}
	return 0;
}

/* Map the sample's location ids (leaf first) to em locations, root first. */
static int sample_stack(reader *r, size_t s, size_t nids, size_t *depth)
{
	uint32_t *o;
	size_t i, cut;

	if (EM_VEC_RESERVE(r->slocs, r->slocs_cap, nids + 1))
		return oom(r);
	o = r->slocs;
	for (i = 0; i < nids; i++)
		if ((o[i] = idmap_get(&r->loc_ids, r->sids[i])) == NONE)
			return em_error_set(r->err, "malformed profile: sample %zu "
			    "refers to unknown location id %llu", s,
			    (unsigned long long)r->sids[i]);
	cut = r->pruning ? prune_sample(r, o, nids) : 0;
	*depth = nids - cut;
	/* Reverse the kept part into root-first em location indexes. */
	for (i = 0; i < (nids - cut) / 2; i++) {
		uint32_t t = o[cut + i];
		o[cut + i] = o[nids - 1 - i];
		o[nids - 1 - i] = t;
	}
	for (i = 0; i < *depth; i++)
		o[i] = r->loc[o[cut + i]];
	return 0;
}

static int read_sample(reader *r, const pw_field *pf, size_t s)
{
	pw_reader w;
	pw_field f;
	int k;
	size_t nids = 0, nvals = 0, nlabs = 0, depth = 0;

	pw_sub(&w, &r->top, pf);
	while ((k = next_field(r, &w, &f, &SAMPLE)) > 0) {
		if (f.num == 1 && push_varints(r, &f, &r->sids, &nids, &r->sids_cap))
			return -1;
		if (f.num == 2 && push_varints(r, &f, &r->vals, &nvals, &r->vals_cap))
			return -1;
		if (f.num == 3 && read_label(r, &w, &f, &nlabs))
			return -1;
	}
	if (k < 0)
		return -1;
	if (nvals != r->ntypes)
		return em_error_set(r->err, "malformed profile: sample %zu has %zu "
		    "values for %zu sample types", s, nvals, r->ntypes);
	if (sample_stack(r, s, nids, &depth))
		return -1;
	if (em_profile_add_sample(r->p, r->slocs, depth, (const int64_t *)r->vals,
	    r->labs, nlabs))
		return oom(r);
	return 0;
}

/* Progress is reported over the samples only: they are the bulk. */
static int poll(reader *r, const uint8_t *at)
{
	if (cancelled(r))
		return -1;
	if (r->opts && r->opts->progress)
		r->opts->progress(r->opts->ctx, (double)offset_of(r, at) / (double)r->n);
	return 0;
}

static int read_samples(reader *r)
{
	pw_reader w = r->top;
	pw_field f;
	size_t s = 0;

	if (EM_VEC_RESERVE(r->vals, r->vals_cap, 1))
		return oom(r);
	while (pw_next(&w, &f) > 0) {
		if (f.num != F_SAMPLE)
			continue;
		if (s % POLL_EVERY == 0 && poll(r, f.at))
			return -1;
		if (read_sample(r, &f, s++))
			return -1;
	}
	return poll(r, r->buf + r->n);
}

/* ---- the whole ------------------------------------------------------- */

static int alloc_tables(reader *r)
{
	size_t most = r->nmaps;

	if (r->nfuncs > most)
		most = r->nfuncs;
	if (r->nlocs > most)
		most = r->nlocs;
	r->strs = malloc(r->nstrs * sizeof(*r->strs));
	r->sid = malloc(r->nstrs * sizeof(*r->sid));
	r->ids = malloc((most + 1) * sizeof(*r->ids));
	r->maps = malloc((r->nmaps + 1) * sizeof(*r->maps));
	r->fn = malloc((r->nfuncs + 1) * sizeof(*r->fn));
	r->fn_file = malloc((r->nfuncs + 1) * sizeof(*r->fn_file));
	r->fn_start = malloc((r->nfuncs + 1) * sizeof(*r->fn_start));
	r->loc = malloc((r->nlocs + 1) * sizeof(*r->loc));
	r->locflag = calloc(r->nlocs + 1, 1);
	if (!r->strs || !r->sid || !r->ids || !r->maps || !r->fn || !r->fn_file ||
	    !r->fn_start || !r->loc || !r->locflag)
		return oom(r);
	memset(r->sid, 0xff, r->nstrs * sizeof(*r->sid));
	r->sid[0] = 0;
	return 0;
}

static int read_tables(reader *r)
{
	if (each_top(r, F_MAPPING, read_mapping) ||
	    idmap_build(r, &r->map_ids, r->nmaps, "mapping"))
		return -1;
	setup_prune(r);
	if (each_top(r, F_FUNCTION, read_function) ||
	    idmap_build(r, &r->fn_ids, r->nfuncs, "function") || add_func_files(r))
		return -1;
	if (each_top(r, F_LOCATION, read_location) ||
	    idmap_build(r, &r->loc_ids, r->nlocs, "location"))
		return -1;
	/* not needed by the samples: give the memory back before them */
	free(r->fn_file);
	free(r->fn_start);
	r->fn_file = NULL;
	r->fn_start = NULL;
	return 0;
}

static void reader_free(reader *r)
{
	free(r->strs);
	free(r->sid);
	free(r->ids);
	free(r->maps);
	free(r->fn);
	free(r->fn_file);
	free(r->fn_start);
	free(r->loc);
	free(r->locflag);
	idmap_free(&r->map_ids);
	idmap_free(&r->fn_ids);
	idmap_free(&r->loc_ids);
	if (r->pruning) {
		regfree(&r->drop_rx);
		if (r->has_keep)
			regfree(&r->keep_rx);
	}
	free(r->fprune);
	free(r->lines);
	free(r->sids);
	free(r->slocs);
	free(r->vals);
	free(r->labs);
}

int em_read_pprof(em_profile *p, const uint8_t *buf, size_t n,
    const em_read_opts *opts, em_error *err)
{
	reader r;
	int rc;

	if (n == 0)
		return em_error_set(err, "empty file");
	if (n > UINT32_MAX)
		return em_error_set(err, "pprof data larger than 4 GiB");
	memset(&r, 0, sizeof(r));
	r.p = p;
	r.buf = buf;
	r.n = n;
	r.opts = opts;
	r.err = err;
	r.unknown_func = EM_FUNC_NONE;
	pw_init(&r.top, buf, n);
	p->format = "pprof";
	rc = scan_top(&r);
	if (rc == 0)
		rc = alloc_tables(&r);
	if (rc == 0)
		rc = each_top(&r, F_STRING, read_string);
	if (rc == 0)
		rc = read_metadata(&r);
	if (rc == 0)
		rc = read_tables(&r);
	if (rc == 0)
		rc = read_samples(&r);
	reader_free(&r);
	return rc;
}

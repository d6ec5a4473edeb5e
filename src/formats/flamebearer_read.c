/* flamebearer_read.c - Pyroscope flame graph JSON back into a profile.
 *
 * Two envelopes carry the same delta-encoded levels (reference
 * pyroscope-api.md section 3):
 *   {"flamebearer":{"names":[..],"levels":[[..],..],"numTicks":N,..},
 *    "metadata":{"format":"single"|"double","units":..,"sampleRate":..}}
 *     from the legacy /pyroscope/render API (numbers are JSON numbers);
 *   {"flamegraph":{"names":[..],"levels":[{"values":["0","4","0","0"]},..],
 *    "total":"4","maxSelf":"2"}}
 *     from Connect SelectMergeStacktraces (int64 as JSON strings).
 * A level is a flat list of groups, one per node: (x delta, total, self,
 * name) for a single graph, (left x delta, left total, left self, right x
 * delta, right total, right self, name) for a diff ("double"). x is
 * relative to the end of the previous node of the row; the children of a
 * node are the nodes of the next row inside its [x, x + total) span.
 * Level 0 is the synthetic root "total", which is not a frame. We rebuild
 * the tree and add one sample per node with self > 0 (path root..node).
 *
 * JSON numbers are exact up to 2^53 only (cJSON reads them as double);
 * bigger ones must come as strings, as the Connect API sends them. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "embers/reader.h"

#define EXACT_DOUBLE 9007199254740992.0 /* 2^53 */

struct fb_node {
	int64_t x, w;        /* span in the combined (left + right) layout */
	int64_t self[2];     /* left (or only) and right self */
	int64_t used;        /* self + totals of the children seen so far */
	uint32_t parent;     /* index in nodes, UINT32_MAX for roots and skipped nodes */
	uint32_t name;
};

struct fb {
	em_profile *p;
	const em_read_opts *opts;
	int diff;                 /* 7-number groups */
	const cJSON *names;
	const char **name_str;    /* names[i] */
	uint32_t nnames;
	uint32_t *name_loc;       /* location per name index, lazily */
	struct fb_node *nodes;
	size_t nnodes, cap;
	uint32_t *path;           /* one sample's locations */
	size_t path_cap;
};

/* --- sniffing --------------------------------------------------------- */

/* Skip a JSON string starting at *p (the opening quote). */
static int skip_string(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *s = *p + 1;

	while (s < end && *s != '"')
		s += *s == '\\' ? 2 : 1;
	if (s >= end)
		return -1;
	*p = s + 1;
	return 0;
}

static const uint8_t *skip_ws(const uint8_t *p, const uint8_t *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* Skip any JSON value, checking only its extent: a string, a nested
 * object or array (brackets counted), or a bare scalar. */
static int skip_value(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *s = *p;
	size_t depth = 0;

	if (s < end && *s == '"')
		return skip_string(p, end);
	if (s < end && *s != '{' && *s != '[') {
		while (s < end && *s != ',' && *s != '}' && *s != ']' && *s != ' ' &&
		    *s != '\t' && *s != '\r' && *s != '\n')
			s++;
		*p = s;
		return 0;
	}
	while (s < end) {
		if (*s == '"') {
			if (skip_string(&s, end) < 0)
				return -1;
			continue;
		}
		if (*s == '{' || *s == '[')
			depth++;
		else if ((*s == '}' || *s == ']') && --depth == 0) {
			*p = s + 1;
			return 0;
		}
		s++;
	}
	return -1;
}

/* Walk the top-level keys of a JSON object for "flamebearer" or
 * "flamegraph". */
em_format em_flamebearer_sniff(const uint8_t *buf, size_t n)
{
	const uint8_t *end = buf + n, *p = skip_ws(buf, end), *key;

	if (p == end || *p++ != '{')
		return EM_FORMAT_UNKNOWN;
	for (;;) {
		p = skip_ws(p, end);
		if (p == end || *p != '"')
			return EM_FORMAT_UNKNOWN;
		key = p + 1;
		if (skip_string(&p, end) < 0)
			return EM_FORMAT_UNKNOWN;
		if (p - key == 12 && memcmp(key, "flamebearer\"", 12) == 0)
			return EM_FORMAT_FLAMEBEARER;
		if (p - key == 11 && memcmp(key, "flamegraph\"", 11) == 0)
			return EM_FORMAT_FLAMEGRAPH;
		p = skip_ws(p, end);
		if (p == end || *p++ != ':')
			return EM_FORMAT_UNKNOWN;
		p = skip_ws(p, end);
		if (skip_value(&p, end) < 0)
			return EM_FORMAT_UNKNOWN;
		p = skip_ws(p, end);
		if (p == end || *p != ',')
			return EM_FORMAT_UNKNOWN;
		p++;
	}
}

/* --- numbers ---------------------------------------------------------- */

/* A decimal int64 in a string: optional '-', digits, nothing else. */
static int parse_int_string(const char *s, int64_t *out)
{
	int neg = *s == '-';
	int64_t v = 0;

	s += neg;
	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, neg ? -(*s - '0') : *s - '0', &v))
			return -1;
	}
	*out = v;
	return 0;
}

/* An int64 given as a JSON number (exact up to 2^53) or a string. */
static int json_int(const cJSON *v, int64_t *out)
{
	if (cJSON_IsString(v))
		return parse_int_string(v->valuestring, out);
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    fabs(v->valuedouble) > EXACT_DOUBLE)
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}

/* --- decoding --------------------------------------------------------- */

static struct fb_node *new_node(struct fb *f)
{
	size_t ncap;
	struct fb_node *nn;

	if (f->nnodes == f->cap) {
		ncap = f->cap ? f->cap * 2 : 256;
		if (ncap >= UINT32_MAX || (nn = realloc(f->nodes, ncap * sizeof(*nn))) == NULL)
			return NULL;
		f->nodes = nn;
		f->cap = ncap;
	}
	memset(&f->nodes[f->nnodes], 0, sizeof(*f->nodes));
	return &f->nodes[f->nnodes++];
}

/* Read one group of 4 or 7 numbers at *item into g. */
static int read_group(const cJSON **item, int k, int64_t *g)
{
	int i;

	for (i = 0; i < k; i++, *item = (*item)->next)
		if (*item == NULL || json_int(*item, &g[i]) < 0)
			return -1;
	return 0;
}

/* Per-side running positions of a row. */
struct row_pos {
	int64_t pos[2];
};

/* Turn a group into a node: absolute x, spans, validated values. */
static int decode_group(struct fb *f, const int64_t *g, struct row_pos *rp, int level,
    em_error *err)
{
	int sides = f->diff ? 2 : 1, s;
	struct fb_node *nd;
	int64_t x[2] = { 0, 0 }, ni = g[f->diff ? 6 : 3];

	if (ni < 0 || ni >= f->nnames)
		return em_error_set(err, "level %d: name index %lld out of range", level,
		    (long long)ni);
	if ((nd = new_node(f)) == NULL)
		return em_error_set(err, "out of memory");
	for (s = 0; s < sides; s++) {
		const int64_t *gs = g + 3 * s;

		if (gs[0] < 0 || gs[1] < 0 || gs[2] < 0)
			return em_error_set(err, "level %d: negative value in a node", level);
		if (gs[2] > gs[1])
			return em_error_set(err, "level %d: node self %lld exceeds its total %lld",
			    level, (long long)gs[2], (long long)gs[1]);
		if (__builtin_add_overflow(rp->pos[s], gs[0], &x[s]) ||
		    __builtin_add_overflow(x[s], gs[1], &rp->pos[s]))
			return em_error_set(err, "level %d: offsets overflow", level);
		nd->self[s] = gs[2];
	}
	if (__builtin_add_overflow(x[0], x[1], &nd->x) ||
	    __builtin_add_overflow(g[1], f->diff ? g[4] : 0, &nd->w) ||
	    __builtin_add_overflow(nd->x, nd->w, &x[0]))
		return em_error_set(err, "level %d: offsets overflow", level);
	nd->used = nd->self[0] + nd->self[1];
	nd->name = (uint32_t)ni;
	nd->parent = UINT32_MAX;
	return 0;
}

/* Find the parent of node i among the previous row [lo, hi), moving the
 * cursor *pi forward (both rows are sorted by x). Empty nodes add nothing
 * and are left without a parent. */
static int link_parent(struct fb *f, size_t i, size_t *pi, size_t hi, int level,
    em_error *err)
{
	struct fb_node *nd = &f->nodes[i], *par;

	if (nd->w == 0)
		return 0;
	while (*pi < hi && (f->nodes[*pi].w == 0 || f->nodes[*pi].x + f->nodes[*pi].w <= nd->x))
		(*pi)++;
	par = *pi < hi ? &f->nodes[*pi] : NULL;
	if (par == NULL || par->x > nd->x || nd->x - par->x > par->w - nd->w)
		return em_error_set(err, "level %d: node at x=%lld lies outside its parent",
		    level, (long long)nd->x);
	if (par->used > par->w - nd->w)
		return em_error_set(err, "level %d: children overflow the total of their parent",
		    level);
	par->used += nd->w;
	nd->parent = (uint32_t)*pi;
	return 0;
}

/* Decode one row (a JSON array of numbers) and link it to the row above. */
static int decode_row(struct fb *f, const cJSON *values, int level, size_t prev_lo,
    size_t prev_hi, em_error *err)
{
	const cJSON *item = values ? values->child : NULL;
	int k = f->diff ? 7 : 4;
	int64_t g[7];
	struct row_pos rp = { { 0, 0 } };
	size_t first = f->nnodes, i, pi = prev_lo;

	if (values && !cJSON_IsArray(values))
		return em_error_set(err, "level %d is not an array", level);
	if (cJSON_GetArraySize(values) % k != 0)
		return em_error_set(err, "level %d: %d numbers, not a multiple of %d", level,
		    cJSON_GetArraySize(values), k);
	while (item) {
		if (read_group(&item, k, g) < 0)
			return em_error_set(err, "level %d: not an integer", level);
		if (decode_group(f, g, &rp, level, err) < 0)
			return -1;
	}
	if (level == 0)
		return 0;
	for (i = first; i < f->nnodes; i++)
		if (link_parent(f, i, &pi, prev_hi, level, err) < 0)
			return -1;
	return 0;
}

/* --- building the profile -------------------------------------------- */

static uint32_t name_location(struct fb *f, uint32_t ni)
{
	em_str s;
	em_func_id fn;

	if (f->name_loc[ni] != UINT32_MAX)
		return f->name_loc[ni];
	s = em_profile_str(f->p, f->name_str[ni], strlen(f->name_str[ni]));
	fn = em_profile_func(f->p, s, 0, 0, 0);
	if (fn == EM_FUNC_NONE)
		return UINT32_MAX;
	f->name_loc[ni] = em_profile_func_location(f->p, fn);
	return f->name_loc[ni];
}

/* One sample for node i: its path from under the root down to it. */
static int emit_node(struct fb *f, size_t i, size_t depth, em_error *err)
{
	struct fb_node *nd = &f->nodes[i];
	int64_t vals[2] = { nd->self[0], nd->self[1] };
	size_t k = depth;
	uint32_t j = (uint32_t)i;

	if (k > f->path_cap) {
		free(f->path);
		f->path_cap = 0;
		if ((f->path = malloc(k * sizeof(*f->path))) == NULL)
			return em_error_set(err, "out of memory");
		f->path_cap = k;
	}
	while (k > 0) {
		if ((f->path[--k] = name_location(f, f->nodes[j].name)) == UINT32_MAX)
			return em_error_set(err, "out of memory");
		j = f->nodes[j].parent;
	}
	if (em_profile_add_sample(f->p, f->path, depth, vals, NULL, 0) < 0)
		return em_error_set(err, "out of memory");
	return 0;
}

/* Samples for every node with self > 0, row by row (row d has depth d). */
static int emit_samples(struct fb *f, const size_t *row_start, int nrows, em_error *err)
{
	int d;
	size_t i;

	for (d = 1; d < nrows; d++)
		for (i = row_start[d]; i < row_start[d + 1]; i++)
			if (f->nodes[i].parent != UINT32_MAX &&
			    (f->nodes[i].self[0] > 0 || f->nodes[i].self[1] > 0) &&
			    emit_node(f, i, (size_t)d, err) < 0)
				return -1;
	return 0;
}

/* names must be an array of strings; index them for name_location. */
static int check_names(struct fb *f, em_error *err)
{
	const cJSON *nm;
	size_t i = 0, n;

	if (!cJSON_IsArray(f->names))
		return em_error_set(err, "'names' is missing or not an array");
	n = (size_t)cJSON_GetArraySize(f->names);
	if (n == 0)
		return 0;
	f->name_str = malloc(n * sizeof(*f->name_str));
	f->name_loc = malloc(n * sizeof(*f->name_loc));
	if (f->name_str == NULL || f->name_loc == NULL)
		return em_error_set(err, "out of memory");
	memset(f->name_loc, 0xff, n * sizeof(*f->name_loc));
	cJSON_ArrayForEach(nm, f->names) {
		if (!cJSON_IsString(nm))
			return em_error_set(err, "names[%zu] is not a string", i);
		f->name_str[i++] = nm->valuestring;
	}
	f->nnames = (uint32_t)n;
	return 0;
}

/* The numbers of row `level`: an array, or {"values": array} in the
 * Connect form (an empty row has no "values" at all there). */
static const cJSON *row_values(const cJSON *row, int connect)
{
	if (!connect)
		return row;
	return cJSON_GetObjectItemCaseSensitive(row, "values");
}

static int cancelled(const struct fb *f, int level, int nrows, em_error *err)
{
	if (f->opts == NULL)
		return 0;
	if (f->opts->cancel && *f->opts->cancel)
		return em_error_set(err, "cancelled");
	if (f->opts->progress && nrows > 0)
		f->opts->progress(f->opts->ctx, (double)level / nrows);
	return 0;
}

static int decode_levels(struct fb *f, const cJSON *levels, int connect, em_error *err)
{
	const cJSON *row;
	int nrows, d = 0;
	size_t *row_start;
	int r = 0;

	if (!cJSON_IsArray(levels))
		return em_error_set(err, "'levels' is missing or not an array");
	nrows = cJSON_GetArraySize(levels);
	if ((row_start = malloc(((size_t)nrows + 1) * sizeof(*row_start))) == NULL)
		return em_error_set(err, "out of memory");
	cJSON_ArrayForEach(row, levels) {
		if ((r = cancelled(f, d, nrows, err)) < 0)
			break;
		if (connect && !cJSON_IsObject(row)) {
			r = em_error_set(err, "level %d is not an object", d);
			break;
		}
		row_start[d] = f->nnodes;
		if ((r = decode_row(f, row_values(row, connect), d,
		    d ? row_start[d - 1] : 0, f->nnodes, err)) < 0)
			break;
		d++;
	}
	if (r == 0) {
		row_start[d] = f->nnodes;
		r = emit_samples(f, row_start, d, err);
	}
	free(row_start);
	return r;
}

/* --- sample types ------------------------------------------------------ */

/* The unit of flamebearer values from metadata.units and sampleRate
 * (pyroscope-api.md 4.1: cpu is "samples" with sampleRate 1e9, values in
 * nanoseconds; "objects", "goroutines" are counts). */
static const char *fb_unit(const char *units, double rate)
{
	if (units == NULL || *units == '\0')
		return "count";
	if (strcmp(units, "samples") == 0)
		return rate == 1e9 ? "nanoseconds" : "count";
	if (strcmp(units, "objects") == 0 || strcmp(units, "goroutines") == 0 ||
	    strcmp(units, "lock_samples") == 0)
		return "count";
	if (strcmp(units, "lock_nanoseconds") == 0)
		return "nanoseconds";
	return units;
}

/* The sample type name: metadata.name when it is one (new servers), else
 * the profile suffix of appName ("app.cpu" -> "cpu", old servers), else
 * guessed from the units. */
static void fb_type_name(const cJSON *meta, const char *units, char *buf, size_t n)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(meta, "name");
	const cJSON *app = cJSON_GetObjectItemCaseSensitive(meta, "appName");
	const char *s = NULL, *dot;

	if (cJSON_IsString(name) && *name->valuestring && !strchr(name->valuestring, ' '))
		s = name->valuestring;
	else if (cJSON_IsString(app) && (dot = strrchr(app->valuestring, '.')) && dot[1])
		s = dot + 1;
	else if (units && strcmp(units, "samples") == 0)
		s = "cpu";
	else if (units && *units)
		s = units;
	else
		s = "samples";
	snprintf(buf, n, "%s", s);
}

static int add_types(struct fb *f, const cJSON *meta, em_error *err)
{
	const cJSON *units = cJSON_GetObjectItemCaseSensitive(meta, "units");
	const cJSON *rate = cJSON_GetObjectItemCaseSensitive(meta, "sampleRate");
	const char *u = cJSON_IsString(units) ? units->valuestring : NULL;
	double r = cJSON_IsNumber(rate) ? rate->valuedouble : 0;
	const char *unit = fb_unit(u, r);
	char type[128];

	fb_type_name(meta, u, type, sizeof(type));
	if (f->diff) {
		if (em_profile_add_type(f->p, "left", unit) < 0 ||
		    em_profile_add_type(f->p, "right", unit) < 0)
			return em_error_set(err, "out of memory");
	} else if (em_profile_add_type(f->p, type, unit) < 0) {
		return em_error_set(err, "out of memory");
	}
	if (u && strcmp(u, "samples") == 0 && r > 0 && r < 1e9) {
		/* sample counts at r Hz: say how long one lasts */
		f->p->period = (int64_t)(1e9 / r);
		f->p->period_type.type = em_profile_str(f->p, "cpu", 3);
		f->p->period_type.unit = em_profile_str(f->p, "nanoseconds", 11);
	}
	return 0;
}

/* metadata.startTime/endTime are Unix seconds. */
static void add_times(em_profile *p, const cJSON *meta)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(meta, "startTime");
	const cJSON *et = cJSON_GetObjectItemCaseSensitive(meta, "endTime");

	if (cJSON_IsNumber(st) && st->valuedouble > 0 && st->valuedouble < 9e9)
		p->time_nanos = (int64_t)st->valuedouble * 1000000000;
	if (cJSON_IsNumber(st) && cJSON_IsNumber(et) && et->valuedouble >= st->valuedouble &&
	    et->valuedouble - st->valuedouble < 9e9)
		p->duration_nanos = (int64_t)(et->valuedouble - st->valuedouble) * 1000000000;
}

/* --- entry point -------------------------------------------------------- */

static int read_doc(struct fb *f, const cJSON *doc, em_error *err)
{
	const cJSON *fb = cJSON_GetObjectItemCaseSensitive(doc, "flamebearer");
	const cJSON *fg = cJSON_GetObjectItemCaseSensitive(doc, "flamegraph");
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(meta, "format");
	const cJSON *graph = fb ? fb : fg;

	if (!cJSON_IsObject(graph))
		return em_error_set(err, "no 'flamebearer' or 'flamegraph' object");
	if (fb)
		f->diff = cJSON_IsString(fmt) && strcmp(fmt->valuestring, "double") == 0;
	else
		f->diff = cJSON_GetObjectItemCaseSensitive(graph, "leftTicks") != NULL ||
		    cJSON_GetObjectItemCaseSensitive(graph, "rightTicks") != NULL;
	f->names = cJSON_GetObjectItemCaseSensitive(graph, "names");
	if (check_names(f, err) < 0 || add_types(f, fb ? meta : NULL, err) < 0)
		return -1;
	if (fb)
		add_times(f->p, meta);
	return decode_levels(f, cJSON_GetObjectItemCaseSensitive(graph, "levels"), fb == NULL,
	    err);
}

int em_read_flamebearer(em_profile *p, const uint8_t *buf, size_t n,
    const em_read_opts *opts, em_error *err)
{
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts((const char *)buf, n, &end, 0);
	struct fb f;
	int r;

	if (doc == NULL) {
		size_t at = end && end >= (const char *)buf && end <= (const char *)buf + n ?
		    (size_t)(end - (const char *)buf) : 0;
		return em_error_set(err, "invalid JSON near byte %zu", at);
	}
	memset(&f, 0, sizeof(f));
	f.p = p;
	f.opts = opts;
	r = cJSON_IsObject(doc) ? read_doc(&f, doc, err) :
	    em_error_set(err, "JSON document is not an object");
	free(f.name_loc);
	free(f.name_str);
	free(f.nodes);
	free(f.path);
	cJSON_Delete(doc);
	return r;
}

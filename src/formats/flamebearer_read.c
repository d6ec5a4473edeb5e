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
 * Level 0 is the synthetic root "total", which is not a frame. This file
 * owns the JSON side only: it copies the rows into int64 arrays and hands
 * them to the levels decoder (levels.c, include/embers/levels.h), which
 * rebuilds the tree and adds one sample per node with self > 0.
 *
 * JSON numbers are exact up to 2^53 only (cJSON reads them as double);
 * bigger ones must come as strings, as the Connect API sends them. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "embers/levels.h"
#include "embers/reader.h"
#include "embers/vec.h"

#define EXACT_DOUBLE 9007199254740992.0 /* 2^53 */

struct fb {
	em_profile *p;
	const em_read_opts *opts;
	int diff;                 /* 7-number groups */
	const char **name_str;    /* names[i], copied out of the JSON tree */
	size_t *name_len;
	char *name_buf;           /* the bytes of all names */
	size_t nnames;
	int64_t *num;             /* the numbers of every row, row after row */
	size_t nnum, num_cap;
	size_t *row_off;          /* nrows + 1 offsets into num */
	size_t nrows;
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

/* --- rows --------------------------------------------------------------- */

/* names must be an array of strings. They are copied out (with their
 * lengths, for the decoder) so that the JSON tree can go before decoding. */
static int copy_names(struct fb *f, const cJSON *names, em_error *err)
{
	const cJSON *nm;
	size_t i = 0, n, bytes = 0;
	char *b;

	if (!cJSON_IsArray(names))
		return em_error_set(err, "'names' is missing or not an array");
	n = (size_t)cJSON_GetArraySize(names);
	cJSON_ArrayForEach(nm, names) {
		if (!cJSON_IsString(nm))
			return em_error_set(err, "names[%zu] is not a string", i);
		bytes += strlen(nm->valuestring) + 1; /* no overflow: all in the input */
		i++;
	}
	f->name_str = malloc((n ? n : 1) * sizeof(*f->name_str));
	f->name_len = malloc((n ? n : 1) * sizeof(*f->name_len));
	b = f->name_buf = malloc(bytes ? bytes : 1);
	if (f->name_str == NULL || f->name_len == NULL || b == NULL)
		return em_error_set(err, "out of memory");
	i = 0;
	cJSON_ArrayForEach(nm, names) {
		size_t len = strlen(nm->valuestring);

		memcpy(b, nm->valuestring, len + 1);
		f->name_str[i] = b;
		f->name_len[i++] = len;
		b += len + 1;
	}
	f->nnames = n;
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

/* Append the numbers of one row to f->num. */
static int copy_row(struct fb *f, const cJSON *values, int level, em_error *err)
{
	const cJSON *item;

	if (values == NULL)
		return 0;
	if (!cJSON_IsArray(values))
		return em_error_set(err, "level %d is not an array", level);
	for (item = values->child; item != NULL; item = item->next) {
		if (f->nnum == f->num_cap && EM_VEC_RESERVE(f->num, f->num_cap, f->nnum + 1) < 0)
			return em_error_set(err, "out of memory");
		if (json_int(item, &f->num[f->nnum]) < 0)
			return em_error_set(err, "level %d: not an integer", level);
		f->nnum++;
	}
	return 0;
}

/* Copying the rows is the first half of the work, decoding the second. */
static void report(const struct fb *f, double fraction)
{
	if (f->opts != NULL && f->opts->progress != NULL)
		f->opts->progress(f->opts->ctx, fraction);
}

static void decode_progress(void *ctx, double fraction)
{
	report(ctx, 0.5 + fraction / 2);
}

static int copy_rows(struct fb *f, const cJSON *levels, int connect, em_error *err)
{
	const cJSON *row;
	int nrows, d = 0;

	if (!cJSON_IsArray(levels))
		return em_error_set(err, "'levels' is missing or not an array");
	nrows = cJSON_GetArraySize(levels);
	if ((f->row_off = malloc(((size_t)nrows + 1) * sizeof(*f->row_off))) == NULL)
		return em_error_set(err, "out of memory");
	cJSON_ArrayForEach(row, levels) {
		if (f->opts != NULL && f->opts->cancel != NULL && *f->opts->cancel)
			return em_error_set(err, "cancelled");
		report(f, (double)d / nrows / 2);
		if (connect && !cJSON_IsObject(row))
			return em_error_set(err, "level %d is not an object", d);
		f->row_off[d] = f->nnum;
		if (copy_row(f, row_values(row, connect), d, err) < 0)
			return -1;
		d++;
	}
	f->row_off[d] = f->nnum;
	f->nrows = (size_t)d;
	return 0;
}

/* Hand the copied rows to the levels decoder (src/formats/levels.c). */
static int decode_rows(struct fb *f, em_error *err)
{
	const int64_t **rows = malloc((f->nrows ? f->nrows : 1) * sizeof(*rows));
	size_t *len = malloc((f->nrows ? f->nrows : 1) * sizeof(*len)), d;
	em_levels lv;
	int r = -1;

	if (rows == NULL || len == NULL) {
		em_error_set(err, "out of memory");
		goto out;
	}
	for (d = 0; d < f->nrows; d++) {
		rows[d] = f->num != NULL ? f->num + f->row_off[d] : NULL; /* NULL: no numbers */
		len[d] = f->row_off[d + 1] - f->row_off[d];
	}
	memset(&lv, 0, sizeof(lv));
	lv.rows = rows;
	lv.row_len = len;
	lv.nrows = f->nrows;
	lv.stride = f->diff ? 7 : 4;
	lv.names = f->name_str;
	lv.name_len = f->name_len;
	lv.nnames = f->nnames;
	if (f->opts != NULL) {
		lv.cancel = f->opts->cancel;
		lv.progress = f->opts->progress ? decode_progress : NULL;
		lv.ctx = f;
	}
	r = em_levels_to_profile(f->p, &lv, err);
out:
	free(rows);
	free(len);
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

/* Everything but the decoding: sample types, times, names, rows. */
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
	if (copy_names(f, cJSON_GetObjectItemCaseSensitive(graph, "names"), err) < 0 ||
	    add_types(f, fb ? meta : NULL, err) < 0)
		return -1;
	if (fb)
		add_times(f->p, meta);
	return copy_rows(f, cJSON_GetObjectItemCaseSensitive(graph, "levels"), fb == NULL, err);
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
	/* The tree takes 8 or more times the memory of the copied rows: free
	 * it before the decoder allocates its nodes and the profile its
	 * samples (1M nodes: peak RSS 527 MB kept, 365 MB freed). */
	cJSON_Delete(doc);
	if (r == 0)
		r = decode_rows(&f, err);
	free(f.name_str);
	free(f.name_len);
	free(f.name_buf);
	free(f.num);
	free(f.row_off);
	return r;
}

/* flamebearer_write.c - writing one sample type as legacy flamebearer JSON,
 * the body Pyroscope's /pyroscope/render returns:
 *
 *   {"version":1,"flamebearer":{"names":[..],"levels":[[..],..],
 *    "numTicks":N,"maxSelf":N},"metadata":{"format":"single",..},
 *    "timeline":null}
 *
 * names[0] is "total"; each level is groups of (x-delta, total, self, name
 * index), x-delta measured from the end of the previous node on the row.
 * A node's self is drawn at its left, so its first child starts at
 * x + self; children follow in name order (the em_tree order).
 * Names may hold any bytes: em_put_json (textout.c) replaces invalid UTF-8
 * with U+FFFD so the output is always valid JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "embers/textout.h"
#include "embers/tree.h"
#include "embers/writer.h"

static void put_i64(FILE *out, int64_t v)
{
	char buf[24], *e = buf + sizeof(buf), *b = e;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--b = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--b = '-';
	fwrite(b, 1, (size_t)(e - b), out);
}

/* Pyroscope's metadata for a sample type: "cpu" is reported in "samples"
 * at a sample rate of 1e9 (the values stay nanoseconds), object counts as
 * "objects"; anything else keeps its unit at rate 100. */
static const char *json_units(const char *type, const char *unit, uint32_t *rate)
{
	*rate = 100;
	if (strcmp(type, "cpu") == 0) {
		*rate = 1000000000;
		return "samples";
	}
	if (strcmp(type, "inuse_objects") == 0 || strcmp(type, "alloc_objects") == 0 ||
	    strcmp(type, "goroutine") == 0 || strcmp(type, "samples") == 0)
		return "objects";
	return unit;
}

typedef struct fb_ctx {
	const em_profile *p;
	em_tree t;
	int64_t *x, *xnext; /* left edges of the current / next level's nodes */
	uint32_t *name_ix;  /* per function: index in names[], 0 = not yet */
	em_func_id *order;  /* names[i] is function order[i] (i >= 1) */
	uint32_t nnames;
	int64_t max_self;
} fb_ctx;

/* Number the names in first-visit (breadth-first) order. */
static void number_names(fb_ctx *c)
{
	const em_tree *t = &c->t;
	uint32_t i;

	c->nnames = 1;
	for (i = 1; i < t->n; i++) {
		em_func_id f = t->func[i];

		if (f < c->p->nfuncs && c->name_ix[f] == 0) {
			c->order[c->nnames] = f;
			c->name_ix[f] = c->nnames++;
		}
	}
}

static void put_names(FILE *out, const fb_ctx *c)
{
	const em_profile *p = c->p;
	uint32_t i;

	fputs("\"names\":[\"total\"", out);
	for (i = 1; i < c->nnames; i++) {
		em_func_id f = c->order[i];

		putc(',', out);
		em_put_json(out, em_func_name(p, f), em_strtab_len(p->strs, p->funcs[f].name),
		    EM_JSON_FLAMEBEARER);
	}
	putc(']', out);
}

static void put_group(FILE *out, int64_t dx, int64_t total, int64_t self, uint32_t name)
{
	put_i64(out, dx);
	putc(',', out);
	put_i64(out, total);
	putc(',', out);
	put_i64(out, self);
	putc(',', out);
	put_i64(out, name);
}

/* One row: a node's children start at x + self and follow each other, so
 * only the x of this level and the next are kept. */
static void put_level(FILE *out, fb_ctx *c, uint32_t d)
{
	const em_tree *t = &c->t;
	uint32_t first = t->level[d], i, k;
	int64_t end = 0, *tmp;

	putc('[', out);
	for (i = first; i < t->level[d + 1]; i++) {
		int64_t x = c->x[i - first], self = em_tree_self(t, i), pos = x + self;
		em_func_id f = t->func[i];

		if (self > c->max_self)
			c->max_self = self;
		if (i > first)
			putc(',', out);
		put_group(out, x - end, t->total[i], self,
		    i == 0 || f >= c->p->nfuncs ? 0 : c->name_ix[f]);
		end = x + t->total[i];
		for (k = t->child[i]; k < t->child[i + 1]; k++) {
			c->xnext[k - t->level[d + 1]] = pos;
			pos += t->total[k];
		}
	}
	putc(']', out);
	tmp = c->x;
	c->x = c->xnext;
	c->xnext = tmp;
}

static void put_levels(FILE *out, fb_ctx *c)
{
	uint32_t d;

	fputs("\"levels\":[", out);
	c->x[0] = 0;
	c->max_self = 0;
	for (d = 0; d < c->t.nlevels; d++) {
		if (d)
			putc(',', out);
		put_level(out, c, d);
	}
	putc(']', out);
}

static uint32_t widest_level(const em_tree *t)
{
	uint32_t d, w = 1;

	for (d = 0; d < t->nlevels; d++)
		if (t->level[d + 1] - t->level[d] > w)
			w = t->level[d + 1] - t->level[d];
	return w;
}

static void put_metadata(FILE *out, const em_profile *p, uint32_t type)
{
	const char *name = em_profile_cstr(p, p->types[type].type);
	const char *unit = em_profile_cstr(p, p->types[type].unit);
	uint32_t rate;
	const char *units = json_units(name, unit, &rate);

	fputs("\"metadata\":{\"format\":\"single\",\"spyName\":\"\",\"sampleRate\":", out);
	fprintf(out, "%u,\"units\":", (unsigned)rate);
	em_put_json(out, units, units == unit ?
	    em_strtab_len(p->strs, p->types[type].unit) : strlen(units),
	    EM_JSON_FLAMEBEARER);
	fputs(",\"name\":", out);
	em_put_json(out, name, em_strtab_len(p->strs, p->types[type].type),
	    EM_JSON_FLAMEBEARER);
	putc('}', out);
}

int em_write_flamebearer(FILE *out, const em_profile *p, uint32_t type, em_error *err)
{
	fb_ctx c;
	int rc = -1;

	if (type >= p->ntypes)
		return em_error_set(err, "no sample type %u", (unsigned)type);
	memset(&c, 0, sizeof(c));
	c.p = p;
	if (em_tree_build(&c.t, p, type, err) < 0)
		return -1;
	c.x = malloc(widest_level(&c.t) * sizeof(*c.x));
	c.xnext = malloc(widest_level(&c.t) * sizeof(*c.xnext));
	c.name_ix = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*c.name_ix));
	c.order = malloc(((size_t)p->nfuncs + 1) * sizeof(*c.order));
	if (c.x == NULL || c.xnext == NULL || c.name_ix == NULL || c.order == NULL) {
		em_error_set(err, "out of memory");
		goto out;
	}
	number_names(&c);
	errno = 0;
	fputs("{\"version\":1,\"flamebearer\":{", out);
	put_names(out, &c);
	putc(',', out);
	put_levels(out, &c);
	fputs(",\"numTicks\":", out);
	put_i64(out, c.t.total[0]);
	fputs(",\"maxSelf\":", out);
	put_i64(out, c.max_self);
	fputs("},", out);
	put_metadata(out, p, type);
	fputs(",\"timeline\":null}\n", out);
	if (fflush(out) != 0 || ferror(out)) {
		em_error_set(err, "write error: %s", em_strerror_lc(errno ? errno : EIO));
		goto out;
	}
	rc = 0;
out:
	free(c.x);
	free(c.xnext);
	free(c.name_ix);
	free(c.order);
	em_tree_free(&c.t);
	return rc;
}

/* mapping.c - `.pyroscope.yaml`: libyaml document -> em_mapconf, the
 * validation rules of Pyroscope's config.Validate, and FindMapping/Match.
 *
 * Decoding follows what Go's yaml.v3 does with Pyroscope's structs:
 * unknown keys are ignored, a null value leaves a field empty (a null
 * `local:` or `github:` counts as absent), a duplicate key or a value of
 * the wrong shape (a scalar where a list is expected) is an error. */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "source/mapping.h"
#include "source/path.h"

struct dec {
	yaml_document_t *doc;
	em_error *err;
	size_t entries; /* mappings + prefixes so far (aliases can repeat nodes) */
};

static yaml_node_t *node(struct dec *d, int i)
{
	return yaml_document_get_node(d->doc, i);
}

static int is_null(const yaml_node_t *n)
{
	const char *v;

	if (n == NULL)
		return 1;
	if (n->type != YAML_SCALAR_NODE)
		return 0;
	if (n->tag && strcmp((const char *)n->tag, YAML_NULL_TAG) == 0)
		return 1;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	v = (const char *)n->data.scalar.value;
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static int fail(struct dec *d, const yaml_node_t *n, const char *what)
{
	if (n != NULL)
		return em_error_set(d->err, "line %lu: %s",
		    (unsigned long)n->start_mark.line + 1, what);
	return em_error_set(d->err, "%s", what);
}

/* A string field: any scalar (null gives ""); NUL bytes are refused. */
static int get_str(struct dec *d, const yaml_node_t *n, char **out)
{
	size_t len;

	free(*out);
	*out = NULL;
	if (is_null(n)) {
		*out = em_strdup("");
	} else if (n->type != YAML_SCALAR_NODE) {
		return fail(d, n, "expected a string");
	} else {
		len = n->data.scalar.length;
		if (memchr(n->data.scalar.value, '\0', len) != NULL)
			return fail(d, n, "NUL byte in a string");
		*out = em_strndup((const char *)n->data.scalar.value, len);
	}
	if (*out == NULL)
		return em_error_set(d->err, "out of memory");
	return 0;
}

/* Calls field(d, key, value, ctx) for each key of mapping n; duplicate
 * keys are an error, as in yaml.v3. */
static int each_key(struct dec *d, const yaml_node_t *n,
    int (*field)(struct dec *, const char *, yaml_node_t *, void *), void *ctx)
{
	yaml_node_pair_t *p, *q;

	if (n->type != YAML_MAPPING_NODE)
		return fail(d, n, "expected a mapping");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(d, p->key);

		if (k == NULL || k->type != YAML_SCALAR_NODE)
			continue;
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 = node(d, q->key);

			if (k2 && k2->type == YAML_SCALAR_NODE &&
			    strcmp((char *)k2->data.scalar.value, (char *)k->data.scalar.value) == 0)
				return fail(d, k, "duplicate key");
		}
		if (field(d, (const char *)k->data.scalar.value, node(d, p->value), ctx) < 0)
			return -1;
	}
	return 0;
}

static int count_entry(struct dec *d, const yaml_node_t *n)
{
	if (++d->entries > EM_MAPCONF_MAX_ENTRIES)
		return fail(d, n, "too many mappings or prefixes");
	return 0;
}

/* ---- prefixes -------------------------------------------------------- */

static int prefix_field(struct dec *d, const char *key, yaml_node_t *v, void *ctx)
{
	return strcmp(key, "prefix") == 0 ? get_str(d, v, ctx) : 0;
}

/* A list of {prefix: P} into *list / *n. */
static int get_prefixes(struct dec *d, const yaml_node_t *n, char ***list, size_t *cnt)
{
	yaml_node_item_t *it;
	size_t len;

	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(d, n, "expected a list of {prefix: ...}");
	len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	*list = calloc(len ? len : 1, sizeof(**list));
	if (*list == NULL)
		return em_error_set(d->err, "out of memory");
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = node(d, *it);
		char **slot = &(*list)[(*cnt)++];

		if (count_entry(d, e) < 0)
			return -1;
		if (is_null(e)) {
			*slot = em_strdup("");
			if (*slot == NULL)
				return em_error_set(d->err, "out of memory");
			continue;
		}
		if (each_key(d, e, prefix_field, slot) < 0)
			return -1;
		if (*slot == NULL && (*slot = em_strdup("")) == NULL)
			return em_error_set(d->err, "out of memory");
	}
	return 0;
}

/* ---- source ---------------------------------------------------------- */

struct src_ctx {
	em_mapping *m;
	int nlocal, ngithub;
};

static int local_field(struct dec *d, const char *key, yaml_node_t *v, void *ctx)
{
	em_mapping *m = ctx;

	return strcmp(key, "path") == 0 ? get_str(d, v, &m->local_path) : 0;
}

static int github_field(struct dec *d, const char *key, yaml_node_t *v, void *ctx)
{
	em_mapping *m = ctx;

	if (strcmp(key, "owner") == 0)
		return get_str(d, v, &m->owner);
	if (strcmp(key, "repo") == 0)
		return get_str(d, v, &m->repo);
	if (strcmp(key, "ref") == 0)
		return get_str(d, v, &m->ref);
	if (strcmp(key, "path") == 0)
		return get_str(d, v, &m->path);
	return 0;
}

static int source_field(struct dec *d, const char *key, yaml_node_t *v, void *ctx)
{
	struct src_ctx *s = ctx;

	if (strcmp(key, "local") == 0 && !is_null(v)) {
		s->nlocal = 1;
		return each_key(d, v, local_field, s->m);
	}
	if (strcmp(key, "github") == 0 && !is_null(v)) {
		s->ngithub = 1;
		return each_key(d, v, github_field, s->m);
	}
	return 0;
}

/* Empty strings for the fields the file left out, so users never see NULL. */
static int fill_empty(em_mapping *m)
{
	char **f[] = { &m->local_path, &m->owner, &m->repo, &m->ref, &m->path };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (*f[i] == NULL && (*f[i] = em_strdup("")) == NULL)
			return -1;
	return 0;
}

/* ---- one mapping ----------------------------------------------------- */

struct map_ctx {
	em_mapping *m;
	char *language;
	struct src_ctx src;
};

static int mapping_field(struct dec *d, const char *key, yaml_node_t *v, void *ctx)
{
	struct map_ctx *c = ctx;

	if (strcmp(key, "path") == 0)
		return get_prefixes(d, v, &c->m->path_prefix, &c->m->npath);
	if (strcmp(key, "function_name") == 0)
		return get_prefixes(d, v, &c->m->func_prefix, &c->m->nfunc);
	if (strcmp(key, "language") == 0)
		return get_str(d, v, &c->language);
	if (strcmp(key, "source") == 0 && !is_null(v))
		return each_key(d, v, source_field, &c->src);
	return 0;
}

static em_lang lang_parse(const char *s)
{
	if (strcmp(s, "go") == 0)
		return EM_LANG_GO;
	if (strcmp(s, "java") == 0)
		return EM_LANG_JAVA;
	if (strcmp(s, "python") == 0)
		return EM_LANG_PYTHON;
	if (strcmp(s, "javascript") == 0)
		return EM_LANG_JAVASCRIPT;
	return EM_LANG_UNKNOWN;
}

/* Pyroscope's MappingConfig.Validate (first failing rule reported). */
static int validate(struct dec *d, size_t i, struct map_ctx *c)
{
	em_mapping *m = c->m;
	const char *lang = c->language ? c->language : "";

	if (m->npath == 0 && m->nfunc == 0)
		return em_error_set(d->err, "mapping[%zu]: at least one path or a function_name match is required", i);
	m->lang = lang_parse(lang);
	if (m->lang == EM_LANG_UNKNOWN)
		return em_error_set(d->err, "mapping[%zu]: language '%.100s' unsupported, valid languages are [go java python javascript]", i, lang);
	if (c->src.nlocal + c->src.ngithub == 0)
		return em_error_set(d->err, "mapping[%zu]: no source type supplied, you need to supply exactly one source type", i);
	if (c->src.nlocal + c->src.ngithub > 1)
		return em_error_set(d->err, "mapping[%zu]: more than one source type supplied, you need to supply exactly one source type", i);
	m->github = c->src.ngithub;
	return 0;
}

static int decode_mapping(struct dec *d, size_t i, yaml_node_t *n, em_mapping *m)
{
	struct map_ctx c;
	int r;

	memset(&c, 0, sizeof(c));
	c.m = m;
	c.src.m = m;
	if (count_entry(d, n) < 0)
		return -1;
	if (is_null(n))
		r = 0;
	else
		r = each_key(d, n, mapping_field, &c);
	if (r == 0)
		r = validate(d, i, &c);
	if (r == 0 && fill_empty(m) < 0)
		r = em_error_set(d->err, "out of memory");
	free(c.language);
	return r;
}

/* ---- the document ---------------------------------------------------- */

static int decode_mappings(struct dec *d, em_mapconf *c, yaml_node_t *n)
{
	yaml_node_item_t *it;
	size_t len;

	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(d, n, "source_code.mappings: expected a list");
	len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	c->maps = calloc(len ? len : 1, sizeof(*c->maps));
	if (c->maps == NULL)
		return em_error_set(d->err, "out of memory");
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		em_mapping *m = &c->maps[c->n++];

		if (decode_mapping(d, c->n - 1, node(d, *it), m) < 0)
			return -1;
	}
	return 0;
}

static int source_code_field(struct dec *d, const char *key, yaml_node_t *v, void *ctx)
{
	return strcmp(key, "mappings") == 0 ? decode_mappings(d, ctx, v) : 0;
}

struct top_ctx {
	em_mapconf *c;
	char *version;
};

static int top_field(struct dec *d, const char *key, yaml_node_t *v, void *ctx)
{
	struct top_ctx *t = ctx;

	if (strcmp(key, "version") == 0)
		return get_str(d, v, &t->version);
	if (strcmp(key, "source_code") == 0 && !is_null(v))
		return each_key(d, v, source_code_field, t->c);
	return 0;
}

static int decode(struct dec *d, em_mapconf *c)
{
	yaml_node_t *root = yaml_document_get_root_node(d->doc);
	struct top_ctx t = { c, NULL };
	int r = 0;

	if (is_null(root))
		return 0; /* an empty file: version v1, no mappings */
	if (root->type != YAML_MAPPING_NODE)
		return fail(d, root, "expected a mapping at the top");
	r = each_key(d, root, top_field, &t);
	if (r == 0 && t.version != NULL && t.version[0] != '\0' && strcmp(t.version, "v1") != 0)
		r = em_error_set(d->err, "invalid version '%.100s', supported versions are 'v1'", t.version);
	free(t.version);
	return r;
}

int em_mapconf_parse(em_mapconf *c, const char *buf, size_t n, em_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct dec d;
	int r;

	memset(c, 0, sizeof(*c));
	if (n > EM_MAPCONF_MAX_BYTES)
		return em_error_set(err, "file larger than %d bytes", EM_MAPCONF_MAX_BYTES);
	if (!yaml_parser_initialize(&parser))
		return em_error_set(err, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, n);
	if (!yaml_parser_load(&parser, &doc)) {
		em_error_set(err, "line %lu: %s", (unsigned long)parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return -1;
	}
	d.doc = &doc;
	d.err = err;
	d.entries = 0;
	r = decode(&d, c);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (r < 0)
		em_mapconf_free(c);
	return r;
}

static void free_list(char **l, size_t n)
{
	size_t i;

	for (i = 0; l != NULL && i < n; i++)
		free(l[i]);
	free(l);
}

void em_mapconf_free(em_mapconf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		em_mapping *m = &c->maps[i];

		free_list(m->path_prefix, m->npath);
		free_list(m->func_prefix, m->nfunc);
		free(m->local_path);
		free(m->owner);
		free(m->repo);
		free(m->ref);
		free(m->path);
	}
	free(c->maps);
	memset(c, 0, sizeof(*c));
}

/* ---- matching -------------------------------------------------------- */

static long best_prefix(char *const *list, size_t n, const char *s, long best)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t len = strlen(list[i]);

		if (strncmp(s, list[i], len) == 0 && (long)len > best)
			best = (long)len;
	}
	return best;
}

long em_mapping_match(const em_mapping *m, const char *path, const char *func)
{
	long r = best_prefix(m->func_prefix, m->nfunc, func ? func : "", -1);

	return best_prefix(m->path_prefix, m->npath, path ? path : "", r);
}

const em_mapping *em_mapconf_find(const em_mapconf *c, const char *path,
    const char *func, long *score)
{
	const em_mapping *best = NULL;
	long best_score = -1;
	size_t i;

	for (i = 0; c != NULL && i < c->n; i++) {
		long s = em_mapping_match(&c->maps[i], path, func);

		if (s > best_score) {
			best = &c->maps[i];
			best_score = s;
		}
	}
	if (score != NULL)
		*score = best_score;
	return best;
}

const char *em_lang_name(em_lang l)
{
	switch (l) {
	case EM_LANG_GO: return "go";
	case EM_LANG_JAVA: return "java";
	case EM_LANG_PYTHON: return "python";
	case EM_LANG_JAVASCRIPT: return "javascript";
	default: return "unknown";
	}
}

/* filepath.Ext: from the last '.' of the last element. */
em_lang em_lang_of_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	static const char *const js[] = { ".js", ".mjs", ".cjs", ".ts", ".jsx", ".tsx" };
	size_t i;

	if (dot == NULL)
		return EM_LANG_UNKNOWN;
	if (strcmp(dot, ".go") == 0 || strcmp(dot, ".s") == 0)
		return EM_LANG_GO;
	if (strcmp(dot, ".py") == 0)
		return EM_LANG_PYTHON;
	for (i = 0; i < sizeof(js) / sizeof(js[0]); i++)
		if (strcmp(dot, js[i]) == 0)
			return EM_LANG_JAVASCRIPT;
	return EM_LANG_UNKNOWN;
}

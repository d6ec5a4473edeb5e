/* settings.c - where source lookup settings come from besides flags: the
 * environment ($GITHUB_TOKEN, $EMBERS_GITHUB_RAW_URL, $XDG_CACHE_HOME), the
 * `github:` section of $XDG_CONFIG_HOME/embers/config.yaml
 *
 *   github:
 *     token: ghp_...
 *     raw_url: https://ghe.example.com/raw
 *
 * and the service_* labels of a profile. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "embers/source.h"
#include "source/fetch.h"
#include "source/path.h"

#define CONFIG_MAX_BYTES (1024 * 1024)

static char *config_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");

	if (x != NULL && x[0] == '/')
		return em_strcat2(x, "/embers/config.yaml");
	if (h != NULL && h[0] == '/')
		return em_strcat2(h, "/.config/embers/config.yaml");
	return NULL;
}

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;

	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);

		if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static int take_scalar(yaml_node_t *n, char **field)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE || n->data.scalar.length == 0)
		return 0;
	return em_source_opts_set(field, (const char *)n->data.scalar.value);
}

static int parse_config(em_source_opts *o, const char *path, const char *buf, size_t n,
    em_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *gh;
	int r = 0;

	if (!yaml_parser_initialize(&parser))
		return em_error_set(err, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, n);
	if (!yaml_parser_load(&parser, &doc)) {
		em_error_set(err, "'%s': line %lu: %s", path,
		    (unsigned long)parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return -1;
	}
	gh = map_get(&doc, yaml_document_get_root_node(&doc), "github");
	if (take_scalar(map_get(&doc, gh, "token"), &o->token) < 0 ||
	    take_scalar(map_get(&doc, gh, "raw_url"), &o->raw_url) < 0)
		r = em_error_set(err, "out of memory");
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return r;
}

static int read_config(em_source_opts *o, em_error *err)
{
	char *path = config_path(), *buf;
	size_t n;
	FILE *fp;
	int r;

	if (path == NULL)
		return 0;
	fp = fopen(path, "rb");
	if (fp == NULL) {
		r = errno == ENOENT ? 0 :
		    em_error_set(err, "'%s': %s", path, em_strerror_lc(errno));
		free(path);
		return r;
	}
	buf = malloc(CONFIG_MAX_BYTES + 1);
	n = buf ? fread(buf, 1, CONFIG_MAX_BYTES + 1, fp) : 0;
	if (buf == NULL)
		r = em_error_set(err, "out of memory");
	else if (ferror(fp) || n > CONFIG_MAX_BYTES)
		r = em_error_set(err, "'%s': cannot read it (or larger than 1 MiB)", path);
	else
		r = parse_config(o, path, buf, n, err);
	fclose(fp);
	free(buf);
	free(path);
	return r;
}

int em_source_opts_init(em_source_opts *o, em_error *err)
{
	const char *t = getenv("GITHUB_TOKEN"), *u = getenv("EMBERS_GITHUB_RAW_URL");
	char *cache = em_cache_default_dir();
	int r = 0;

	memset(o, 0, sizeof(*o));
	o->cache_dir = cache;
	if (em_source_opts_set(&o->raw_url, EM_GITHUB_RAW_URL) < 0)
		return em_error_set(err, "out of memory");
	r = read_config(o, err);
	if ((t && t[0] && em_source_opts_set(&o->token, t) < 0) ||
	    (u && u[0] && em_source_opts_set(&o->raw_url, u) < 0))
		return em_error_set(err, "out of memory");
	return r;
}

/* The first sample's string label named key, or NULL. */
static const char *label(const em_profile *p, const char *key)
{
	em_str id = em_strtab_find(p->strs, key, strlen(key));
	size_t i;

	if (id == EM_STR_NONE || p->label_off == NULL)
		return NULL;
	for (i = 0; i < p->label_off[p->nsamples]; i++)
		if (p->labels[i].key == id && p->labels[i].str != 0)
			return em_profile_cstr(p, p->labels[i].str);
	return NULL;
}

int em_source_opts_from_labels(em_source_opts *o, const em_profile *p)
{
	struct { char **field; const char *key; } map[] = {
		{ &o->repo, "service_repository" },
		{ &o->ref, "service_git_ref" },
		{ &o->root_path, "service_root_path" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v;

		if (*map[i].field != NULL)
			continue;
		v = label(p, map[i].key);
		if (v != NULL && em_source_opts_set(map[i].field, v) < 0)
			return -1;
	}
	return 0;
}

/* config.c - where the connection settings of server mode come from.
 *
 * Names follow profilecli so its users feel at home (--url, --username,
 * --password, --token, --tenant-id and the PROFILECLI_* variables), plus
 * named servers in $XDG_CONFIG_HOME/embers/config.yaml:
 *
 *   default: prod                 # used when no URL is given otherwise
 *   servers:
 *     prod:
 *       url: https://pyroscope.example.net/api/datasources/proxy/uid/abc
 *       token: glc_...
 *       tenant-id: team-a
 *       ca-cert: ~/certs/ca.pem
 *       timeout: 30
 *     local:
 *       url: http://localhost:4040
 *
 * An entry is used whole: the environment is then ignored, so a token set
 * for one server is never sent to another. Values are validated here, so
 * a typo fails before any request is made. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <yaml.h>

#include "embers/pyroscope.h"

#define DEFAULT_URL "http://localhost:4040"

static const char *const key_names[EM_PK_N] = {
	"url", "username", "password", "token", "tenant-id", "insecure",
	"ca-cert", "connect-timeout", "timeout", "max-reply-size",
};

/* profilecli's variables; the URL also has EMBERS_URL (checked first). */
static const char *const env_names[EM_PK_N] = {
	"PROFILECLI_URL", "PROFILECLI_USERNAME", "PROFILECLI_PASSWORD",
	"PROFILECLI_TOKEN", "PROFILECLI_TENANT_ID", NULL, NULL, NULL, NULL, NULL,
};

const char *em_pyro_key_name(enum em_pyro_key k)
{
	return (unsigned)k < EM_PK_N ? key_names[k] : "?";
}

void em_pyro_conf_init(em_pyro_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->connect_timeout_ms = 10 * 1000;
	c->timeout_ms = 120 * 1000;
	c->max_reply = (size_t)1 << 30;
}

static void set_str(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

void em_pyro_conf_free(em_pyro_conf *c)
{
	set_str(&c->url, NULL);
	set_str(&c->username, NULL);
	set_str(&c->password, NULL);
	set_str(&c->token, NULL);
	set_str(&c->tenant, NULL);
	set_str(&c->ca_cert, NULL);
	set_str(&c->server, NULL);
}

/* ---- values ---------------------------------------------------------- */

/* The URL for messages: "user:pass@" becomes "***@". */
static void mask_url(char *buf, size_t n, const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *host = scheme ? scheme + 3 : url;
	const char *at = strchr(host, '@');
	const char *slash = strchr(host, '/');

	if (at != NULL && (slash == NULL || at < slash))
		snprintf(buf, n, "%.*s***%s", (int)(host - url), url, at);
	else
		snprintf(buf, n, "%s", url);
}

/* Credentials in the URL move to username/password; the stored URL has
 * none, no query and no trailing '/'. */
static int set_url(em_pyro_conf *c, const char *value, em_error *err)
{
	char shown[256], *scheme = NULL, *host = NULL, *user = NULL, *pass = NULL;
	char *query = NULL, *frag = NULL, *out = NULL;
	CURLU *u = curl_url();
	int rc = -1;
	size_t len;

	mask_url(shown, sizeof(shown), value);
	if (u == NULL)
		return em_error_set(err, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, value, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || host[0] == '\0') {
		em_error_set(err, "invalid URL '%s' (expected e.g. http://localhost:4040)", shown);
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		em_error_set(err, "URL '%s': scheme must be http or https", shown);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0) == CURLUE_OK) {
		em_error_set(err, "URL '%s': a base URL has no '?query' or '#fragment'", shown);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, CURLU_URLDECODE) == CURLUE_OK)
		set_str(&c->username, strdup(user));
	if (curl_url_get(u, CURLUPART_PASSWORD, &pass, CURLU_URLDECODE) == CURLUE_OK)
		set_str(&c->password, strdup(pass));
	curl_url_set(u, CURLUPART_USER, NULL, 0);
	curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
	if (curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK) {
		em_error_set(err, "invalid URL '%s'", shown);
		goto out;
	}
	len = strlen(out);
	while (len > 0 && out[len - 1] == '/')
		out[--len] = '\0';
	set_str(&c->url, strdup(out));
	rc = c->url ? 0 : em_error_set(err, "out of memory");
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(pass);
	curl_free(query);
	curl_free(frag);
	curl_free(out);
	curl_url_cleanup(u);
	return rc;
}

static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "true", "1", "yes", "on" };
	static const char *const no[] = { "false", "0", "no", "off" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* "2", "0.5", "30" seconds into ms (at most ~11 days). */
static int parse_seconds(const char *s, long *ms)
{
	long whole = 0, frac = 0, scale = 100;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 1000000)
			return -1;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	if (*p != '\0')
		return -1;
	*ms = whole * 1000 + frac;
	return 0;
}

/* "1000", "64K", "512M", "1G" (powers of 1024; "KiB", "MB" also read). */
static int parse_size(const char *s, size_t *out)
{
	unsigned long long v = 0, mul = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	switch (toupper((unsigned char)*p)) {
	case '\0':
		break;
	case 'K':
		mul = 1ULL << 10;
		break;
	case 'M':
		mul = 1ULL << 20;
		break;
	case 'G':
		mul = 1ULL << 30;
		break;
	default:
		return -1;
	}
	if (*p != '\0') {
		p++;
		if (strcmp(p, "iB") == 0 || strcmp(p, "B") == 0 || strcmp(p, "b") == 0)
			p += strlen(p);
		if (*p != '\0')
			return -1;
	}
	if (v == 0 || v > (unsigned long long)SIZE_MAX / mul)
		return -1;
	*out = (size_t)(v * mul);
	return 0;
}

static int has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* "~/x" relative to $HOME, for ca-cert in the config file. */
static char *expand_home(const char *path)
{
	const char *home = getenv("HOME");
	char *out;
	size_t n;

	if (strncmp(path, "~/", 2) != 0 || home == NULL || home[0] == '\0')
		return strdup(path);
	n = strlen(home) + strlen(path);
	out = malloc(n);
	if (out != NULL)
		snprintf(out, n, "%s%s", home, path + 1);
	return out;
}

int em_pyro_conf_set(em_pyro_conf *c, enum em_pyro_key k, const char *value,
    em_error *err)
{
	char *copy = NULL;

	switch (k) {
	case EM_PK_URL:
		return set_url(c, value, err);
	case EM_PK_INSECURE:
		if (parse_bool(value, &c->insecure) < 0)
			return em_error_set(err, "invalid insecure value '%s' (use true or false)", value);
		return 0;
	case EM_PK_CONNECT_TIMEOUT:
	case EM_PK_TIMEOUT:
		if (parse_seconds(value, k == EM_PK_TIMEOUT ? &c->timeout_ms
		    : &c->connect_timeout_ms) < 0)
			return em_error_set(err, "invalid %s '%s' (seconds, e.g. 10 or 2.5)",
			    key_names[k], value);
		if (k == EM_PK_CONNECT_TIMEOUT && c->connect_timeout_ms == 0)
			return em_error_set(err, "connect-timeout must be more than 0");
		return 0;
	case EM_PK_MAX_REPLY:
		if (parse_size(value, &c->max_reply) < 0)
			return em_error_set(err, "invalid max-reply-size '%s' (bytes, e.g. 1000, 64K, 512M, 2G)",
			    value);
		return 0;
	case EM_PK_CA_CERT:
		copy = expand_home(value);
		break;
	case EM_PK_USERNAME:
	case EM_PK_PASSWORD:
	case EM_PK_TOKEN:
	case EM_PK_TENANT:
		/* they go into HTTP headers: no CR/LF smuggling; never echoed */
		if (has_control(value))
			return em_error_set(err, "%s must not contain control characters",
			    key_names[k]);
		copy = strdup(value);
		break;
	default:
		copy = strdup(value);
		break;
	}
	if (copy == NULL)
		return em_error_set(err, "out of memory");
	switch (k) {
	case EM_PK_USERNAME: set_str(&c->username, copy); break;
	case EM_PK_PASSWORD: set_str(&c->password, copy); break;
	case EM_PK_TOKEN: set_str(&c->token, copy); break;
	case EM_PK_TENANT: set_str(&c->tenant, copy); break;
	case EM_PK_CA_CERT: set_str(&c->ca_cert, copy); break;
	default: free(copy); break;
	}
	return 0;
}

/* ---- config.yaml ----------------------------------------------------- */

struct cfg_entry {
	char *name;
	char *v[EM_PK_N];
};

struct cfg {
	char path[4096];
	struct cfg_entry *e;
	size_t n;
	char *def;
};

static void cfg_free(struct cfg *cfg)
{
	size_t i, k;

	for (i = 0; i < cfg->n; i++) {
		free(cfg->e[i].name);
		for (k = 0; k < EM_PK_N; k++)
			free(cfg->e[i].v[k]);
	}
	free(cfg->e);
	free(cfg->def);
}

static int default_path(char *buf, size_t n, em_error *err)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		snprintf(buf, n, "%s/embers/config.yaml", xdg);
	else if (home != NULL && home[0] != '\0')
		snprintf(buf, n, "%s/.config/embers/config.yaml", home);
	else
		return em_error_set(err, "cannot find the config file: neither XDG_CONFIG_HOME nor HOME is set");
	return 0;
}

/* A scalar node's text, NULL when the node is not a scalar or holds NUL. */
static char *scalar(yaml_document_t *doc, int id)
{
	yaml_node_t *node = yaml_document_get_node(doc, id);
	const char *s;
	size_t len;
	char *out;

	if (node == NULL || node->type != YAML_SCALAR_NODE)
		return NULL;
	s = (const char *)node->data.scalar.value;
	len = node->data.scalar.length;
	if (memchr(s, '\0', len) != NULL)
		return NULL;
	out = malloc(len + 1);
	if (out != NULL) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return out;
}

/* "tenant_id" and "tenant-id" are the same key. */
static int find_key(const char *name)
{
	char norm[32];
	size_t i;
	int k;

	for (i = 0; name[i] != '\0' && i + 1 < sizeof(norm); i++)
		norm[i] = name[i] == '_' ? '-' : name[i];
	norm[i] = '\0';
	for (k = 0; k < EM_PK_N; k++)
		if (strcmp(norm, key_names[k]) == 0)
			return k;
	return -1;
}

static int read_entry(struct cfg *cfg, yaml_document_t *doc, const char *name,
    yaml_node_t *map, em_error *err)
{
	struct cfg_entry *e, *grown;
	yaml_node_pair_t *pair;

	if (map->type != YAML_MAPPING_NODE)
		return em_error_set(err, "'%s': server '%s' is not a mapping of settings",
		    cfg->path, name);
	grown = realloc(cfg->e, (cfg->n + 1) * sizeof(*cfg->e));
	if (grown == NULL)
		return em_error_set(err, "out of memory");
	cfg->e = grown;
	e = &cfg->e[cfg->n++];
	memset(e, 0, sizeof(*e));
	e->name = strdup(name);
	if (e->name == NULL)
		return em_error_set(err, "out of memory");
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		char *key = scalar(doc, pair->key), *val;
		int k = key ? find_key(key) : -1;

		if (k < 0) {
			em_error_set(err, "'%s': server '%s': unknown setting '%s'", cfg->path,
			    name, key ? key : "?");
			free(key);
			return -1;
		}
		free(key);
		val = scalar(doc, pair->value);
		if (val == NULL)
			return em_error_set(err, "'%s': server '%s': '%s' must be a plain value",
			    cfg->path, name, key_names[k]);
		free(e->v[k]);
		e->v[k] = val;
	}
	return 0;
}

static int read_servers(struct cfg *cfg, yaml_document_t *doc, yaml_node_t *map,
    em_error *err)
{
	yaml_node_pair_t *pair;

	if (map->type != YAML_MAPPING_NODE)
		return em_error_set(err, "'%s': 'servers' must map names to settings", cfg->path);
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		char *name = scalar(doc, pair->key);
		yaml_node_t *val = yaml_document_get_node(doc, pair->value);
		int rc;

		if (name == NULL || val == NULL) {
			free(name);
			return em_error_set(err, "'%s': a server name must be a plain string", cfg->path);
		}
		rc = read_entry(cfg, doc, name, val, err);
		free(name);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int read_doc(struct cfg *cfg, yaml_document_t *doc, em_error *err)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	yaml_node_pair_t *pair;

	if (root == NULL)
		return 0; /* an empty file */
	if (root->type != YAML_MAPPING_NODE)
		return em_error_set(err, "'%s': expected a mapping with 'servers' and 'default'",
		    cfg->path);
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		char *key = scalar(doc, pair->key);
		int rc = 0;

		if (key != NULL && strcmp(key, "servers") == 0) {
			rc = read_servers(cfg, doc, yaml_document_get_node(doc, pair->value), err);
		} else if (key != NULL && strcmp(key, "default") == 0) {
			free(cfg->def);
			cfg->def = scalar(doc, pair->value);
			if (cfg->def == NULL)
				rc = em_error_set(err, "'%s': 'default' must name a server", cfg->path);
		} else {
			rc = em_error_set(err, "'%s': unknown key '%s' (expected 'servers' or 'default')",
			    cfg->path, key ? key : "?");
		}
		free(key);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Load cfg->path; *missing is set when there is no such file. */
static int cfg_load(struct cfg *cfg, int *missing, em_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	FILE *f = fopen(cfg->path, "rb");
	int rc;

	*missing = 0;
	if (f == NULL) {
		if (errno == ENOENT) {
			*missing = 1;
			return 0;
		}
		return em_error_set(err, "'%s': %s", cfg->path, em_strerror_lc(errno));
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return em_error_set(err, "out of memory");
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = em_error_set(err, "'%s': line %lu: %s", cfg->path,
		    (unsigned long)parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "invalid YAML");
	} else {
		rc = read_doc(cfg, &doc, err);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

static const struct cfg_entry *cfg_find(const struct cfg *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n; i++)
		if (strcmp(cfg->e[i].name, name) == 0)
			return &cfg->e[i];
	return NULL;
}

/* ---- resolution ------------------------------------------------------ */

static const char *env(const char *name)
{
	const char *v = name ? getenv(name) : NULL;

	return v != NULL && v[0] != '\0' ? v : NULL;
}

static int apply(em_pyro_conf *c, enum em_pyro_key k, const char *v, const char *from,
    em_error *err)
{
	if (v == NULL)
		return 0;
	if (em_pyro_conf_set(c, k, v, err) < 0) {
		char msg[EM_ERROR_MAX];

		/* "--url" and "EMBERS_URL" get quoted; a config entry comes quoted */
		if (from[0] != '\'') {
			em_error_prefix(err, from);
			return -1;
		}
		snprintf(msg, sizeof(msg), "%s", err->msg);
		return em_error_set(err, "%s: %s", from, msg);
	}
	return 0;
}

static int apply_entry(em_pyro_conf *c, const struct cfg *cfg,
    const struct cfg_entry *e, em_error *err)
{
	char from[4200];
	int k;

	snprintf(from, sizeof(from), "'%s' server '%s'", cfg->path, e->name);
	for (k = 0; k < EM_PK_N; k++)
		if (apply(c, (enum em_pyro_key)k, e->v[k], from, err) < 0)
			return -1;
	if (e->v[EM_PK_URL] == NULL)
		return em_error_set(err, "%s has no url", from);
	c->server = strdup(e->name);
	return c->server ? 0 : em_error_set(err, "out of memory");
}

static int apply_env(em_pyro_conf *c, em_error *err)
{
	int k;

	if (apply(c, EM_PK_URL, env("EMBERS_URL"), "EMBERS_URL", err) < 0)
		return -1;
	for (k = 0; k < EM_PK_N; k++) {
		if (k == EM_PK_URL && env("EMBERS_URL") != NULL)
			continue;
		if (apply(c, (enum em_pyro_key)k, env(env_names[k]), env_names[k], err) < 0)
			return -1;
	}
	return 0;
}

static int pick_entry(const struct cfg *cfg, const char *server, int missing,
    int have_url, const struct cfg_entry **e, em_error *err)
{
	*e = NULL;
	if (server != NULL) {
		if (missing)
			return em_error_set(err, "no server '%s': config file '%s' does not exist",
			    server, cfg->path);
		*e = cfg_find(cfg, server);
		if (*e == NULL)
			return em_error_set(err, "no server '%s' in '%s'", server, cfg->path);
	} else if (!have_url && cfg->def != NULL) {
		*e = cfg_find(cfg, cfg->def);
		if (*e == NULL)
			return em_error_set(err, "'%s': default server '%s' is not defined",
			    cfg->path, cfg->def);
	}
	return 0;
}

int em_pyro_conf_resolve(em_pyro_conf *c, const char *const flags[EM_PK_N],
    const char *server, const char *config_path, em_error *err)
{
	struct cfg cfg;
	const struct cfg_entry *e = NULL;
	int missing = 1, have_url, rc = -1, k;

	em_pyro_conf_init(c);
	memset(&cfg, 0, sizeof(cfg));
	have_url = (flags && flags[EM_PK_URL]) || env("EMBERS_URL") || env("PROFILECLI_URL");
	if (server != NULL || !have_url) {
		if (config_path != NULL)
			snprintf(cfg.path, sizeof(cfg.path), "%s", config_path);
		else if (default_path(cfg.path, sizeof(cfg.path), err) < 0 && server != NULL)
			goto out;
		if (cfg.path[0] != '\0' && cfg_load(&cfg, &missing, err) < 0)
			goto out;
		if (pick_entry(&cfg, server, missing, have_url, &e, err) < 0)
			goto out;
	}
	if (em_pyro_conf_set(c, EM_PK_URL, DEFAULT_URL, err) < 0)
		goto out;
	if (e != NULL ? apply_entry(c, &cfg, e, err) < 0 : apply_env(c, err) < 0)
		goto out;
	for (k = 0; flags != NULL && k < EM_PK_N; k++) {
		char from[40];

		snprintf(from, sizeof(from), "--%s", key_names[k]);
		if (apply(c, (enum em_pyro_key)k, flags[k], from, err) < 0)
			goto out;
	}
	rc = 0;
out:
	cfg_free(&cfg);
	if (rc < 0)
		em_pyro_conf_free(c);
	return rc;
}

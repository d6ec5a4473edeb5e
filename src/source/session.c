/* session.c - em_source: checking the settings, the service repository,
 * ref and root path, and switching repository when the user edits it. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source/fetch.h"
#include "source/session.h"

int em_source_opts_set(char **field, const char *value)
{
	char *v = NULL;

	if (value != NULL && value[0] != '\0' && (v = em_strdup(value)) == NULL)
		return -1;
	free(*field);
	*field = v;
	return 0;
}

void em_source_opts_free(em_source_opts *o)
{
	free(o->source_dir);
	free(o->repo);
	free(o->ref);
	free(o->root_path);
	free(o->raw_url);
	free(o->token);
	free(o->cache_dir);
	free(o->googlesource_url);
	memset(o, 0, sizeof(*o));
}

static int copy_opts(em_source_opts *d, const em_source_opts *o)
{
	memset(d, 0, sizeof(*d));
	d->offline = o->offline;
	d->max_bytes = o->max_bytes;
	d->connect_timeout_ms = o->connect_timeout_ms;
	d->timeout_ms = o->timeout_ms;
	return em_source_opts_set(&d->source_dir, o->source_dir) |
	    em_source_opts_set(&d->repo, o->repo) |
	    em_source_opts_set(&d->ref, o->ref) |
	    em_source_opts_set(&d->root_path, o->root_path) |
	    em_source_opts_set(&d->raw_url, o->raw_url ? o->raw_url : EM_GITHUB_RAW_URL) |
	    em_source_opts_set(&d->token, o->token) |
	    em_source_opts_set(&d->cache_dir, o->cache_dir) |
	    em_source_opts_set(&d->googlesource_url, o->googlesource_url);
}

/* http(s)://host[/path], trailing '/' removed. */
static int check_raw_url(em_source *s, em_error *err)
{
	char *u = s->o.raw_url;
	size_t n = strlen(u);

	if (!em_has_prefix(u, "https://") && !em_has_prefix(u, "http://"))
		return em_error_set(err, "'%s': the GitHub raw URL must start with https:// or http://", u);
	while (n > 0 && u[n - 1] == '/')
		u[--n] = '\0';
	s->token_origin = em_url_origin(u);
	if (s->token_origin == NULL)
		return em_error_set(err, "'%s': not a URL", u);
	return 0;
}

/* Only GitHub repositories: github.com, or the host of the raw URL (a
 * GitHub Enterprise server). */
static int set_repo(em_source *s, const char *url, em_error *err)
{
	const char *host;

	if (s->have_repo)
		em_repo_free(&s->repo);
	s->have_repo = 0;
	if (url == NULL || url[0] == '\0')
		return 0;
	if (em_repo_parse(&s->repo, url, err) < 0)
		return -1;
	host = strstr(s->token_origin, "://") + 3;
	if (strcmp(s->repo.host, "github.com") != 0 && strcmp(s->repo.host, host) != 0) {
		em_error_set(err, "'%s': only GitHub repositories are supported (github.com or the --github-raw-url host)", url);
		em_repo_free(&s->repo);
		return -1;
	}
	s->have_repo = 1;
	return 0;
}

static int set_ref(em_source *s, const char *ref)
{
	char *r = em_strdup(ref && ref[0] ? ref : "HEAD");

	if (r == NULL)
		return -1;
	free(s->ref);
	s->ref = r;
	return 0;
}

static int set_dir(em_source *s, em_error *err)
{
	char real[PATH_MAX];
	struct stat st;

	if (s->o.source_dir == NULL)
		return 0;
	if (realpath(s->o.source_dir, real) == NULL || stat(real, &st) < 0)
		return em_error_set(err, "'%s': cannot open the source directory", s->o.source_dir);
	if (!S_ISDIR(st.st_mode))
		return em_error_set(err, "'%s': not a directory", s->o.source_dir);
	s->srcdir = em_strdup(real);
	return s->srcdir ? 0 : em_error_set(err, "out of memory");
}

/* The root path as a clean relative directory ("" for none). */
static int set_root(em_source *s, em_error *err)
{
	const char *r = s->o.root_path ? s->o.root_path : "";
	char *c;

	while (*r == '/')
		r++;
	c = r[0] ? em_path_clean(r) : em_strdup("");
	if (c == NULL)
		return em_error_set(err, "out of memory");
	if (strcmp(c, ".") == 0)
		c[0] = '\0';
	if (em_path_has_dotdot(c)) {
		free(c);
		return em_error_set(err, "'%s': the root path leaves the repository", s->o.root_path);
	}
	s->root = c;
	return 0;
}

em_source *em_source_new(const em_source_opts *o, em_error *err)
{
	em_source *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		em_error_set(err, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	if (copy_opts(&s->o, o) < 0) {
		em_error_set(err, "out of memory");
		goto fail;
	}
	if (check_raw_url(s, err) < 0 || set_repo(s, s->o.repo, err) < 0 ||
	    set_root(s, err) < 0 || set_dir(s, err) < 0)
		goto fail;
	if (set_ref(s, s->o.ref) < 0) {
		em_error_set(err, "out of memory");
		goto fail;
	}
	em_http_global_init();
	return s;
fail:
	em_source_free(s);
	return NULL;
}

static void forget_repo_files(em_source *s)
{
	if (s->have_conf)
		em_mapconf_free(&s->conf);
	if (s->have_gomod)
		em_gomod_free(&s->gomod);
	s->conf_loaded = s->have_conf = 0;
	s->gomod_loaded = s->have_gomod = 0;
	s->conf_warning[0] = '\0';
}

void em_source_free(em_source *s)
{
	if (s == NULL)
		return;
	forget_repo_files(s);
	em_store_forget(s);
	if (s->have_repo)
		em_repo_free(&s->repo);
	free(s->ref);
	free(s->root);
	free(s->srcdir);
	free(s->token_origin);
	em_source_opts_free(&s->o);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

int em_source_set_repo(em_source *s, const char *repo, const char *ref, em_error *err)
{
	int r;

	pthread_mutex_lock(&s->mu);
	r = set_repo(s, repo, err);
	if (r == 0 && set_ref(s, ref) < 0)
		r = em_error_set(err, "out of memory");
	forget_repo_files(s);
	pthread_mutex_unlock(&s->mu);
	return r;
}

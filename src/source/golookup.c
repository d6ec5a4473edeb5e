/* golookup.c - the Go lookup (Pyroscope's findGoFile), steps in order, the
 * first file found wins:
 *   1. the winning mapping, with its prefix cut off the path;
 *   2. the standard library: golang/go at go<version> (or master), or,
 *      without a version, the mapping that best matches "$GOROOT/src";
 *   3. vendored code: the path from /vendor/ on, under the service root;
 *   4. module-cache paths: go.mod of the service repository (require,
 *      replace), gopkg.in and go-get vanity paths, then GitHub or
 *      go.googlesource.com at the ref the module version names;
 *   5. the path under the service root, dropping leading elements one at
 *      a time (at most 30 tries).
 * Steps 2 to 5 end the lookup whatever they find, as in Pyroscope. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/fetch.h"
#include "source/session.h"

#define MAX_ATTEMPTS 30

static int step_mapping(struct find *f, const em_mapping *m)
{
	long pos = em_mapping_match(m, f->path, f->func);
	const char *rel;

	if (pos < 0 || (size_t)pos > strlen(f->path))
		return EM_MISSING;
	for (rel = f->path + pos; *rel == '/'; rel++)
		;
	return em_find_mapping_file(f, m, rel);
}

static int step_stdlib(struct find *f, const char *rel, const char *version)
{
	em_source *s = f->s;
	char ref[96], *path;
	int r;

	if (version[0] == '\0' && s->have_conf) {
		const em_mapping *m = em_mapconf_find(&s->conf, "$GOROOT/src", "", NULL);

		if (m != NULL)
			return em_find_mapping_file(f, m, rel);
	}
	if (version[0] != '\0')
		snprintf(ref, sizeof(ref), "go%.80s", version);
	else
		snprintf(ref, sizeof(ref), "master");
	path = em_path_join("src", rel);
	if (path == NULL)
		return em_error_set(&f->why, "out of memory");
	r = em_store_github(f, "golang", "go", ref, path);
	free(path);
	return r;
}

/* go.mod at the root of the service repository (the root path is not
 * applied, as in Pyroscope), read once per repository. */
static void load_gomod(struct find *f)
{
	em_source *s = f->s;
	char *body = NULL;
	size_t len = 0;
	em_error err;
	int r;

	if (s->gomod_loaded)
		return;
	r = em_store_service_raw(f, "go.mod", &body, &len);
	if (r == EM_FAILED && f->cancel != NULL && *f->cancel)
		return;
	s->gomod_loaded = 1;
	if (r == EM_GOT && em_gomod_parse(&s->gomod, body, len, &err) == 0)
		s->have_gomod = 1;
	free(body);
}

/* A host name as a module path starts with: letters, digits, '.', '-'. */
static int module_host_ok(const char *path)
{
	size_t n = strcspn(path, "/"), i;

	if (n == 0 || memchr(path, '.', n) == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)path[i]) && path[i] != '.' && path[i] != '-')
			return 0;
	return 1;
}

/* https://<module>?go-get=1 and its go-source / go-import tags. */
static int resolve_goget(struct find *f, em_gomodule *mod)
{
	const char *key[] = { "goget", mod->path };
	const int split[] = { 0, 1 };
	char *url, *html = NULL, *np = NULL;
	size_t len = 0, n;
	int r;

	if (!module_host_ok(mod->path))
		return em_error_set(&f->why, "'%s': not a module path", mod->path);
	n = strlen(mod->path);
	while (n > 0 && mod->path[n - 1] == '/')
		n--;
	url = malloc(n + 20);
	if (url == NULL)
		return em_error_set(&f->why, "out of memory");
	snprintf(url, n + 20, "https://%.*s?go-get=1", (int)n, mod->path);
	r = em_store_url(f, url, key, split, 2, &html, &len);
	free(url);
	if (r != EM_GOT)
		return r == EM_MISSING ? EM_FAILED : r; /* Pyroscope: an error, not "not found" */
	r = em_go_vanity(html, len, mod->path, &np);
	free(html);
	if (r < 0)
		return em_error_set(&f->why, "out of memory");
	if (r == 1) {
		free(mod->path);
		mod->path = np;
	}
	return EM_GOT;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Standard base64 (whitespace skipped) in place; -1 when invalid. */
static int b64_decode(char *s, size_t n, size_t *out)
{
	size_t w = 0, i, k = 0;
	unsigned v = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i], d;

		if (isspace(c))
			continue;
		if (c == '=')
			break;
		if ((d = b64val(c)) < 0)
			return -1;
		v = (v << 6) | (unsigned)d;
		if (++k == 4) {
			s[w++] = (char)(v >> 16);
			s[w++] = (char)(v >> 8);
			s[w++] = (char)v;
			k = v = 0;
		}
	}
	if (k == 1)
		return -1;
	if (k == 2)
		s[w++] = (char)(v >> 4);
	if (k == 3) {
		s[w++] = (char)(v >> 10);
		s[w++] = (char)(v >> 2);
	}
	s[w] = '\0';
	*out = w;
	return 0;
}

static int fetch_googlesource(struct find *f, const em_gomodule *mod)
{
	const char *base = f->s->o.googlesource_url ? f->s->o.googlesource_url :
	    "https://go.googlesource.com";
	char *url = em_gomodule_googlesource_url(mod, base, &f->why), *body = NULL;
	const char *key[] = { "googlesource", NULL };
	const int split[] = { 0, 1 };
	size_t len = 0;
	int r;

	if (url == NULL)
		return EM_FAILED;
	key[1] = strstr(url, "://") ? strstr(url, "://") + 3 : url;
	r = em_store_url(f, url, key, split, 2, &body, &len);
	if (r == EM_GOT && b64_decode(body, len, &len) < 0)
		r = em_error_set(&f->why, "'%s': not base64 text", url);
	if (r == EM_GOT) {
		free(f->out->data);
		free(f->out->origin);
		f->out->data = body;
		f->out->len = len;
		f->out->origin = url;
		return EM_GOT;
	}
	free(body);
	free(url);
	return r;
}

static int fetch_module_file(struct find *f, const em_gomodule *mod)
{
	char *owner, *repo, *ref, *path;
	int r;

	if (em_has_prefix(mod->path, "go.googlesource.com/"))
		return fetch_googlesource(f, mod);
	if (!em_has_prefix(mod->path, "github.com/"))
		return em_error_set(&f->why, "unsupported module path: %s", mod->path);
	if (em_gomodule_github(mod, &owner, &repo, &ref, &path, &f->why) < 0)
		return EM_FAILED;
	r = em_store_github(f, owner, repo, ref, path);
	free(owner);
	free(repo);
	free(ref);
	free(path);
	return r;
}

/* The main module's path when go.mod has none: host/owner/repo. */
static char *main_module(const em_source *s)
{
	size_t n;
	char *p;

	if (s->have_gomod)
		return em_strdup(s->gomod.module);
	if (!s->have_repo)
		return em_strdup("");
	n = strlen(s->repo.host) + strlen(s->repo.owner) + strlen(s->repo.name) + 3;
	p = malloc(n);
	if (p != NULL)
		snprintf(p, n, "%s/%s/%s", s->repo.host, s->repo.owner, s->repo.name);
	return p;
}

/* The module cache stores upper case as "!x"; we undo it before looking
 * the module up in go.mod (which spells it plainly). Pyroscope compares
 * the escaped path and only strips '!' from the GitHub owner. A "./"
 * replacement is fetched at the service ref itself (Pyroscope wraps the
 * ref in a pseudo-version, which breaks refs holding '.' or '/'). */
static int step_module(struct find *f, em_gomodule *mod)
{
	em_source *s = f->s;
	char *mm;
	int r;

	em_gomodule_unescape(mod);
	load_gomod(f);
	if (s->have_gomod) {
		mm = main_module(s);
		r = mm ? em_gomodule_apply(mod, &s->gomod, mm, s->ref) : -1;
		free(mm);
		if (r < 0)
			return em_error_set(&f->why, "out of memory");
	}
	if (em_has_prefix(mod->path, "gopkg.in/")) {
		if (em_gomodule_gopkgin(mod) < 0)
			return em_error_set(&f->why, "invalid gopkg.in path: %s", mod->path);
	} else if (!em_has_prefix(mod->path, "github.com/")) {
		if ((r = resolve_goget(f, mod)) != EM_GOT)
			return r;
	}
	em_gomodule_strip_major(mod);
	return fetch_module_file(f, mod);
}

/* Pyroscope's tryFindGoFile. */
static int step_search(struct find *f)
{
	em_source *s = f->s;
	const char *p = f->path;
	int attempts = 0, r;

	if (s->have_repo) {
		char rp[600];
		const char *hit;

		snprintf(rp, sizeof(rp), "%s/%s/%s/", s->repo.host, s->repo.owner, s->repo.name);
		if ((hit = strstr(p, rp)) != NULL)
			p = hit + strlen(rp);
	}
	while (*p == '/')
		p++;
	for (;;) {
		const char *slash;

		/* <root>/<p>, joined and cleaned as fetchRepoFile does */
		r = em_find_repo_file(f, p);
		attempts++;
		if (r == EM_FAILED && strstr(f->why.msg, "not a file inside the repository"))
			r = EM_MISSING;
		if (r != EM_MISSING || attempts >= MAX_ATTEMPTS)
			return r;
		slash = strchr(p, '/');
		if (slash == NULL)
			return r;
		p = slash + 1;
	}
}

int em_find_go(struct find *f, const em_mapping *m)
{
	char *rel = NULL, *ver = NULL, *vendor;
	em_gomodule mod;
	int r;

	if (m != NULL && step_mapping(f, m) == EM_GOT)
		return EM_GOT;
	if (f->cancel != NULL && *f->cancel)
		return EM_FAILED;
	r = em_go_stdlib(f->path, &rel, &ver);
	if (r != 0) {
		r = r < 0 ? em_error_set(&f->why, "out of memory") : step_stdlib(f, rel, ver);
		free(rel);
		free(ver);
		return r;
	}
	if (strstr(f->path, "/vendor/") != NULL) {
		vendor = em_go_vendor_path(f->path);
		r = vendor ? em_find_repo_file(f, vendor) : em_error_set(&f->why, "out of memory");
		free(vendor);
		return r;
	}
	r = em_gomodule_parse(&mod, f->path);
	if (r < 0)
		return em_error_set(&f->why, "out of memory");
	if (r == 1) {
		r = step_module(f, &mod);
		em_gomodule_free(&mod);
		return r;
	}
	return step_search(f);
}

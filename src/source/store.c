/* store.c - where lookups get bytes from: the local checkout, GitHub raw
 * URLs and plain URLs, each remembered for the session (found and not
 * found alike) and, for network fetches, kept in the disk cache. With
 * --offline the network is never used: a cache miss counts as not found.
 *
 * Cached files of a ref that is not a full commit id are taken for a day
 * (a branch moves); commit ids forever; offline, any age. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "source/fetch.h"
#include "source/session.h"
#include "embers/vec.h"

static int local_raw(struct find *f, const char *path, char **body, size_t *len);

#define MEMO_MAX_BYTES (64u << 20)
#define BRANCH_MAX_AGE (24L * 3600)

static size_t max_bytes(const em_source *s)
{
	return s->o.max_bytes ? s->o.max_bytes : EM_SOURCE_MAX_BYTES;
}

static int is_commit(const char *ref)
{
	size_t i;

	for (i = 0; ref[i]; i++)
		if (!isxdigit((unsigned char)ref[i]))
			return 0;
	return i == 40 || i == 64;
}

static struct memo *memo_find(em_source *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nmemo; i++)
		if (strcmp(s->memo[i].key, key) == 0)
			return &s->memo[i];
	return NULL;
}

/* Remember a result; failures to remember are harmless. */
static void memo_add(em_source *s, const char *key, int status, const char *data,
    size_t len, const char *origin)
{
	struct memo m;

	if (s->memo_bytes + len > MEMO_MAX_BYTES ||
	    EM_VEC_RESERVE(s->memo, s->memo_cap, s->nmemo + 1) < 0)
		return;
	m.key = em_strdup(key);
	m.status = status;
	m.data = data ? em_strndup(data, len) : NULL;
	m.len = len;
	m.origin = em_strdup(origin ? origin : "");
	if (m.key == NULL || m.origin == NULL || (data && m.data == NULL)) {
		free(m.key);
		free(m.data);
		free(m.origin);
		return;
	}
	s->memo_bytes += len;
	s->memo[s->nmemo++] = m;
}

void em_store_forget(em_source *s)
{
	size_t i;

	for (i = 0; i < s->nmemo; i++) {
		free(s->memo[i].key);
		free(s->memo[i].data);
		free(s->memo[i].origin);
	}
	free(s->memo);
	s->memo = NULL;
	s->nmemo = s->memo_cap = s->memo_bytes = 0;
}

/* Hand data (owned) to the lookup's result. */
static int give(struct find *f, char *data, size_t len, const char *origin)
{
	em_source_file *out = f->out;

	free(out->data);
	free(out->origin);
	out->data = data;
	out->len = len;
	out->origin = em_strdup(origin);
	if (out->origin == NULL)
		return em_error_set(&f->why, "out of memory");
	return EM_GOT;
}

static int from_memo(struct find *f, const struct memo *m, char **body, size_t *len)
{
	char *copy;

	if (m->status != EM_GOT)
		return em_error_set(&f->why, "'%s': not found", m->origin), EM_MISSING;
	copy = em_strndup(m->data, m->len);
	if (copy == NULL)
		return em_error_set(&f->why, "out of memory");
	if (body != NULL) {
		*body = copy;
		*len = m->len;
		return EM_GOT;
	}
	return give(f, copy, m->len, m->origin);
}

/* Memory, then disk cache, then the network. On EM_GOT the bytes go to
 * *body when body is given, else to the lookup's result. */
static int get(struct find *f, const char *key, const char *url, const char *origin,
    long max_age, int with_token, char **body, size_t *len)
{
	em_source *s = f->s;
	struct memo *m = key ? memo_find(s, key) : NULL;
	em_http_opts ho;
	char *data = NULL;
	size_t n = 0;
	int r;

	if (m != NULL)
		return from_memo(f, m, body, len);
	if (f->cancel != NULL && *f->cancel)
		return em_error_set(&f->why, "cancelled");
	r = EM_MISSING;
	if (key != NULL && s->o.cache_dir != NULL)
		r = em_cache_get(s->o.cache_dir, key, s->o.offline ? -1 : max_age,
		    max_bytes(s), &data, &n);
	if (r != EM_GOT && s->o.offline) {
		if (key != NULL)
			memo_add(s, key, EM_MISSING, NULL, 0, origin);
		return em_error_set(&f->why, "'%s': not in the cache (offline)", origin), EM_MISSING;
	}
	if (r != EM_GOT) {
		memset(&ho, 0, sizeof(ho));
		ho.token = with_token ? s->o.token : NULL;
		ho.token_origin = s->token_origin;
		ho.max_bytes = max_bytes(s);
		ho.connect_timeout_ms = s->o.connect_timeout_ms;
		ho.timeout_ms = s->o.timeout_ms;
		ho.cancel = f->cancel;
		r = em_http_get(&ho, url, &data, &n, &f->why);
		if (r == EM_MISSING && key != NULL)
			memo_add(s, key, EM_MISSING, NULL, 0, origin);
		if (r != EM_GOT)
			return r;
		if (key != NULL && s->o.cache_dir != NULL) {
			em_error ignored;

			em_cache_put(s->o.cache_dir, key, data, n, &ignored);
		}
	}
	if (key != NULL)
		memo_add(s, key, EM_GOT, data, n, origin);
	if (body != NULL) {
		*body = data;
		*len = n;
		return EM_GOT;
	}
	return give(f, data, n, origin);
}

static int ref_ok(const char *ref)
{
	const char *c;

	if (ref[0] == '\0' || em_path_has_dotdot(ref) || ref[0] == '/')
		return 0;
	for (c = ref; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '?' || *c == '#' || *c == '\\')
			return 0;
	return 1;
}

static int github_raw(struct find *f, const char *owner, const char *repo,
    const char *ref, const char *path, char **body, size_t *len)
{
	em_source *s = f->s;
	const char *elems[] = { "github", owner, repo, ref, NULL };
	const int split[] = { 0, 0, 0, 1, 1 };
	char *clean, *key, *url, *origin;
	int escapes, r;
	size_t n;

	if (!em_repo_name_ok(owner) || !em_repo_name_ok(repo) || !ref_ok(ref))
		return em_error_set(&f->why, "'%s/%s@%s': not a valid GitHub repository and ref",
		    owner, repo, ref);
	clean = em_repo_file_path("", path, &escapes);
	if (clean == NULL && escapes)
		return em_error_set(&f->why, "'%s': not a file inside the repository", path);
	if (clean == NULL)
		return em_error_set(&f->why, "out of memory");
	elems[4] = clean;
	key = em_cache_key(elems, split, 5);
	url = em_strcat2(s->o.raw_url, "/");
	url = url ? em_url_append(url, owner, 0) : NULL;
	url = url ? em_url_append(url, "/", 1) : NULL;
	url = url ? em_url_append(url, repo, 0) : NULL;
	url = url ? em_url_append(url, "/", 1) : NULL;
	url = url ? em_url_append(url, ref, 1) : NULL;
	url = url ? em_url_append(url, "/", 1) : NULL;
	url = url ? em_url_append(url, clean, 1) : NULL;
	n = strlen(owner) + strlen(repo) + strlen(ref) + strlen(clean) + 32;
	origin = malloc(n);
	if (origin != NULL)
		snprintf(origin, n, "github.com/%s/%s@%s:%s", owner, repo, ref, clean);
	if (url == NULL || origin == NULL)
		r = em_error_set(&f->why, "out of memory");
	else
		r = get(f, key, url, origin, is_commit(ref) ? -1 : BRANCH_MAX_AGE, 1, body, len);
	free(key);
	free(url);
	free(origin);
	free(clean);
	return r;
}

/* With a local checkout, the service repository itself (say, a module
 * replaced by "./lib" in go.mod) is read from the checkout. */
int em_store_github(struct find *f, const char *owner, const char *repo,
    const char *ref, const char *path)
{
	em_source *s = f->s;

	if (s->srcdir != NULL && s->have_repo && strcasecmp(owner, s->repo.owner) == 0 &&
	    strcasecmp(repo, s->repo.name) == 0)
		return local_raw(f, path, NULL, NULL);
	return github_raw(f, owner, repo, ref, path, NULL, NULL);
}

int em_store_url(struct find *f, const char *url, const char *const *key,
    const int *split, size_t nkey, char **body, size_t *len)
{
	char *k = em_cache_key(key, split, nkey);
	int r = get(f, k, url, url, BRANCH_MAX_AGE, 0, body, len);

	free(k);
	return r;
}

static int local_raw(struct find *f, const char *path, char **body, size_t *len)
{
	em_source *s = f->s;
	char *clean, *data = NULL, *origin;
	size_t n = 0;
	int escapes, r;

	clean = em_repo_file_path("", path, &escapes);
	if (clean == NULL && escapes)
		return em_error_set(&f->why, "'%s': not a file inside the source directory", path);
	if (clean == NULL)
		return em_error_set(&f->why, "out of memory");
	r = em_local_read(s->srcdir, clean, max_bytes(s), &data, &n, &f->why);
	if (r == EM_GOT && body != NULL) {
		*body = data;
		*len = n;
	} else if (r == EM_GOT) {
		origin = malloc(strlen(s->srcdir) + strlen(clean) + 2);
		if (origin == NULL) {
			free(data);
			r = em_error_set(&f->why, "out of memory");
		} else {
			snprintf(origin, strlen(s->srcdir) + strlen(clean) + 2, "%s/%s", s->srcdir, clean);
			r = give(f, data, n, origin);
			free(origin);
		}
	}
	free(clean);
	return r;
}

int em_store_service_raw(struct find *f, const char *path, char **body, size_t *len)
{
	em_source *s = f->s;

	if (s->srcdir != NULL)
		return local_raw(f, path, body, len);
	if (s->have_repo)
		return github_raw(f, s->repo.owner, s->repo.name, s->ref, path, body, len);
	return em_error_set(&f->why, "'%s': no repository to look in (give --repo or --source-dir)",
	    path), EM_MISSING;
}

int em_store_service(struct find *f, const char *path)
{
	return em_store_service_raw(f, path, NULL, NULL);
}

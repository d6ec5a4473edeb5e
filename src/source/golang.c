/* golang.c - Go standard library detection, vendor paths and module-cache
 * paths (Pyroscope's source/golang: golang.go and modules.go), written as
 * small hand matchers that give the same results as its regular
 * expressions. go.mod parsing lives in gomod.c, versions in gover.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/golang.h"
#include "source/path.h"

/* ---- toolchain module paths ----------------------------------------- */

static size_t digits(const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	return n;
}

/* The regex -go(N.N(.N)?(rcN|betaN)?)(\.|-) on a module version such as
 * "v0.0.1-go1.24.6.linux-amd64": the first "-go" where it matches. */
static char *toolchain_version(const char *v)
{
	const char *s;

	for (s = strstr(v, "-go"); s != NULL; s = strstr(s + 1, "-go")) {
		const char *p = s + 3;
		size_t a = digits(p), b, n, patch, tag, i, j;

		if (a == 0 || p[a] != '.' || (b = digits(p + a + 1)) == 0)
			continue;
		n = a + 1 + b;
		patch = p[n] == '.' ? digits(p + n + 1) : 0;
		if (patch)
			patch++;
		/* greedy optional parts, then backtrack: patch x tag */
		for (i = 0; i < 2; i++) {
			size_t m = n + (i == 0 ? patch : 0);

			if (i == 0 && patch == 0)
				continue;
			for (j = 0; j < 2; j++) {
				size_t e = m;

				if (j == 0) {
					if (strncmp(p + m, "rc", 2) == 0 && (tag = digits(p + m + 2)) > 0)
						e = m + 2 + tag;
					else if (strncmp(p + m, "beta", 4) == 0 && (tag = digits(p + m + 4)) > 0)
						e = m + 4 + tag;
					else
						continue;
				}
				if (p[e] == '.' || p[e] == '-')
					return em_strndup(p, e);
			}
		}
	}
	return NULL;
}

/* ---- versioned install directories ---------------------------------- */

/* One semver identifier as the regex alternation 0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*
 * takes it (first alternative that matches). Length, 0 when none. */
static size_t pre_ident(const char *s)
{
	size_t n;

	if (s[0] == '0')
		return 1;
	if (s[0] >= '1' && s[0] <= '9')
		return digits(s);
	if (!isalpha((unsigned char)s[0]) && s[0] != '-')
		return 0;
	for (n = 1; isalnum((unsigned char)s[n]) || s[n] == '-'; n++)
		;
	return n;
}

static size_t build_ident(const char *s)
{
	size_t n = 0;

	while (isalnum((unsigned char)s[n]) || s[n] == '-')
		n++;
	return n;
}

/* (0|[1-9]\d*) before a '.' (must be followed by it) or at the end. */
static size_t num_part(const char *s, int need_dot)
{
	size_t n;

	if (s[0] == '0')
		n = 1;
	else if (s[0] >= '1' && s[0] <= '9')
		n = digits(s);
	else
		return 0;
	if (need_dot && s[n] != '.')
		return 0;
	return n;
}

/* The semver regex at s (greedy as the regex engine takes it); length or 0. */
static size_t semver_at(const char *s)
{
	size_t a, b, c, n, k;

	if ((a = num_part(s, 1)) == 0 || (b = num_part(s + a + 1, 1)) == 0 ||
	    (c = num_part(s + a + b + 2, 0)) == 0)
		return 0;
	n = a + b + c + 2;
	if (s[n] == '-' && (k = pre_ident(s + n + 1)) > 0) {
		n += 1 + k;
		while (s[n] == '.' && (k = pre_ident(s + n + 1)) > 0)
			n += 1 + k;
	}
	if (s[n] == '+' && (k = build_ident(s + n + 1)) > 0) {
		n += 1 + k;
		while (s[n] == '.' && (k = build_ident(s + n + 1)) > 0)
			n += 1 + k;
	}
	return n;
}

/* .*?/go/.*?(SEMVER).*?/src/(.*): the version is the first semver after the
 * first "/go/" that has a "/src/" somewhere after it. */
static int versioned_install(const char *path, char **rel, char **version)
{
	const char *g = strstr(path, "/go/"), *v;

	if (g == NULL)
		return 0;
	for (v = g + 4; *v; v++) {
		size_t n = semver_at(v);
		const char *src;

		if (n == 0)
			continue;
		src = strstr(v + n, "/src/");
		if (src == NULL)
			return 0; /* later starts only have less room */
		*version = em_strndup(v, n);
		*rel = em_strdup(src + 5);
		return *version && *rel ? 1 : -1;
	}
	return 0;
}

/* ---- unversioned ----------------------------------------------------- */

static int unversioned(const char *path, char **rel)
{
	const char *p = path, *slash, *base;
	size_t plen;

	if (em_has_prefix(p, "/usr/local/go/src/"))
		p += strlen("/usr/local/go/src/");
	if (em_has_prefix(p, "$GOROOT/src/"))
		p += strlen("$GOROOT/src/");
	/* filepath.Base, then the package is what is before "/" + base */
	plen = strlen(p);
	while (plen > 1 && p[plen - 1] == '/')
		plen--;
	slash = NULL;
	for (base = p + plen; base > p; base--)
		if (base[-1] == '/') {
			slash = base - 1;
			break;
		}
	if (slash == NULL || plen != strlen(p))
		plen = strlen(p); /* TrimSuffix did not apply: the whole path */
	else
		plen = (size_t)(slash - p);
	if (!em_has_prefix(p, "vendor/") && !em_go_std_package(p, plen))
		return 0;
	*rel = em_strdup(p);
	return *rel ? 1 : -1;
}

int em_go_stdlib(const char *path, char **rel, char **version)
{
	em_gomodule m;
	int r;

	*rel = *version = NULL;
	if (path[0] == '\0')
		return 0;
	r = em_gomodule_parse(&m, path);
	if (r < 0)
		return -1;
	if (r == 1 && strcmp(m.path, "golang.org/toolchain") == 0) {
		char *v = toolchain_version(m.version);

		if (v != NULL) {
			*version = v;
			*rel = em_strdup(em_has_prefix(m.file, "src/") ? m.file + 4 : m.file);
			em_gomodule_free(&m);
			return *rel ? 1 : -1;
		}
	}
	/* A module-cache path is never an install directory: Pyroscope's
	 * regex takes .../go/pkg/mod/x.io/y@v1.2.3/src/z.go for the standard
	 * library of Go 1.2.3, which we treat as a bug. */
	if (r == 1)
		em_gomodule_free(&m);
	else if ((r = versioned_install(path, rel, version)) != 0)
		return r;
	r = unversioned(path, rel);
	if (r == 1 && (*version = em_strdup("")) == NULL)
		r = -1;
	return r;
}

/* ---- vendor ---------------------------------------------------------- */

char *em_go_vendor_path(const char *path)
{
	const char *v = strstr(path, "/vendor/");

	return v ? em_strdup(v) : NULL;
}

/* ---- module cache ---------------------------------------------------- */

void em_gomodule_free(em_gomodule *m)
{
	free(m->path);
	free(m->version);
	free(m->file);
	memset(m, 0, sizeof(*m));
}

static size_t count_sub(const char *s, const char *sub)
{
	size_t n = 0, l = strlen(sub);

	while ((s = strstr(s, sub)) != NULL) {
		n++;
		s += l;
	}
	return n;
}

int em_gomodule_parse(em_gomodule *m, const char *path)
{
	const char *at, *after, *slash, *mod, *seg;
	size_t modlen;

	memset(m, 0, sizeof(*m));
	if (count_sub(path, "@v") != 1)
		return 0;
	at = strstr(path, "@v");
	after = at + 2;
	slash = strchr(after, '/');
	if (slash == NULL)
		return 0;
	mod = path;
	modlen = (size_t)(at - path);
	{
		/* only what follows the module cache root can be the module */
		const char *pm = strstr(path, "/pkg/mod/");

		if (pm != NULL && pm > path && pm < at) {
			modlen -= (size_t)(pm - mod);
			mod = pm;
		}
	}
	/* the module path starts at the first element holding a dot */
	for (seg = mod; seg < mod + modlen; ) {
		size_t n = 0;

		while (seg + n < mod + modlen && seg[n] != '/')
			n++;
		if (memchr(seg, '.', n) != NULL) {
			m->path = em_strndup(seg, (size_t)(mod + modlen - seg));
			m->version = malloc((size_t)(slash - after) + 2);
			m->file = em_strdup(slash + 1);
			if (m->path == NULL || m->version == NULL || m->file == NULL) {
				em_gomodule_free(m);
				return -1;
			}
			m->version[0] = 'v';
			memcpy(m->version + 1, after, (size_t)(slash - after));
			m->version[slash - after + 1] = '\0';
			return 1;
		}
		seg += n + 1;
	}
	return 0;
}

int em_gomodule_unescape(em_gomodule *m)
{
	char *s = m->path, *w = m->path;

	for (; *s; s++) {
		if (*s == '!') {
			if (!islower((unsigned char)s[1]))
				return -1;
			*w++ = (char)toupper((unsigned char)*++s);
		} else if (isupper((unsigned char)*s)) {
			return -1; /* not an escaped path after all */
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return 0;
}

static int set_str(char **dst, const char *src)
{
	char *d = em_strdup(src);

	if (d == NULL)
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

int em_gomodule_apply(em_gomodule *m, const em_gomod *g, const char *main_module,
    const char *service_ref)
{
	size_t i;

	for (i = 0; g != NULL && i < g->nreq; i++)
		if (strcmp(g->req[i].path, m->path) == 0 && set_str(&m->version, g->req[i].version) < 0)
			return -1;
	for (i = 0; g != NULL && i < g->nrep; i++)
		if (strcmp(g->rep[i].path, m->path) == 0 &&
		    (set_str(&m->path, g->rep[i].new_path) < 0 ||
		    set_str(&m->version, g->rep[i].new_version) < 0))
			return -1;
	if (em_has_prefix(m->path, "./")) {
		char *j = em_path_join(main_module, m->path);

		if (j == NULL || set_str(&m->version, service_ref) < 0) {
			free(j);
			return -1;
		}
		free(m->path);
		m->path = j;
	}
	return 0;
}

int em_gomodule_gopkgin(em_gomodule *m)
{
	const char *p = m->path, *last, *dot;
	char buf[512];
	size_t nparts = 1;
	const char *c;
	int w;

	if (!em_has_prefix(p, "gopkg.in/"))
		return 0;
	for (c = p; *c; c++)
		nparts += *c == '/';
	last = strrchr(p, '/') + 1;
	dot = strchr(last, '.');
	if (dot == NULL || dot == last || (nparts != 2 && nparts != 3))
		return -1;
	if (nparts == 2)
		w = snprintf(buf, sizeof(buf), "github.com/go-%.*s/%.*s",
		    (int)(dot - last), last, (int)(dot - last), last);
	else
		w = snprintf(buf, sizeof(buf), "github.com/%.*s/%.*s",
		    (int)(last - 1 - (p + 9)), p + 9, (int)(dot - last), last);
	if (w < 0 || (size_t)w >= sizeof(buf))
		return -1;
	return set_str(&m->path, buf) < 0 ? -1 : 1;
}

/* Element-wise: "/v2" and "/v11" elements go; Pyroscope's regex /v[0-9]+[/]*
 * also eats the slash after ("a/v2/b" -> "ab") and parts of names
 * ("api/v1beta1" -> "apibeta1", "org/v2ray" -> "orgray"), which we treat
 * as a bug. */
int em_gomodule_strip_major(em_gomodule *m)
{
	char *s = m->path, *w = m->path;

	while (*s) {
		size_t n = strcspn(s, "/");
		int major = n >= 2 && s[0] == 'v' && digits(s + 1) == n - 1;

		if (!major || w == m->path) {
			if (w != m->path)
				*w++ = '/';
			memmove(w, s, n);
			w += n;
		}
		s += n;
		while (*s == '/')
			s++;
	}
	*w = '\0';
	return 0;
}

int em_gomodule_github(const em_gomodule *m, char **owner, char **repo,
    char **ref, char **path, em_error *err)
{
	const char *p = m->path, *o, *r, *rest;
	size_t olen, i, w;

	*owner = *repo = *ref = *path = NULL;
	if (!em_has_prefix(p, "github.com/"))
		return em_error_set(err, "'%s': not a github.com module", p);
	o = p + 11;
	olen = strcspn(o, "/");
	if (o[olen] != '/')
		return em_error_set(err, "'%s': invalid github URL", p);
	r = o + olen + 1;
	rest = r + strcspn(r, "/");
	*owner = em_strndup(o, olen);
	*repo = em_strndup(r, (size_t)(rest - r));
	*ref = em_go_version_ref(m->version, "main");
	*path = em_path_join(*rest == '/' ? rest + 1 : "", m->file);
	if (!*owner || !*repo || !*ref || !*path)
		goto oom;
	for (i = w = 0; (*owner)[i]; i++) /* leftover case escapes */
		if ((*owner)[i] != '!')
			(*owner)[w++] = (*owner)[i];
	(*owner)[w] = '\0';
	if (!em_repo_name_ok(*owner) || !em_repo_name_ok(*repo)) {
		em_error_set(err, "'%s': invalid github URL", p);
		goto fail;
	}
	return 0;
oom:
	em_error_set(err, "out of memory");
fail:
	free(*owner);
	free(*repo);
	free(*ref);
	free(*path);
	*owner = *repo = *ref = *path = NULL;
	return -1;
}

char *em_gomodule_googlesource_url(const em_gomodule *m, const char *base,
    em_error *err)
{
	const char *p = m->path, *proj, *sub;
	char *file, *ref, *url;
	size_t plen, n;

	while (*p == '/')
		p++;
	if (!em_has_prefix(p, "go.googlesource.com/")) {
		em_error_set(err, "'%s': not a go.googlesource.com module", m->path);
		return NULL;
	}
	proj = p + strlen("go.googlesource.com/");
	plen = strcspn(proj, "/");
	if (plen == 0) {
		em_error_set(err, "'%s': invalid google source path", m->path);
		return NULL;
	}
	sub = proj[plen] == '/' ? proj + plen + 1 : "";
	file = em_path_join(sub, m->file);
	ref = em_go_version_ref(m->version, "master");
	n = strlen(base) + plen + (ref ? strlen(ref) : 0) + (file ? strlen(file) : 0) + 32;
	url = file && ref ? malloc(n) : NULL;
	if (url != NULL)
		snprintf(url, n, "%s/%.*s/+/%s/%s?format=TEXT", base, (int)plen, proj, ref, file);
	else
		em_error_set(err, "out of memory");
	free(file);
	free(ref);
	return url;
}

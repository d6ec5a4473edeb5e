/* vanity.c - reading the <meta name="go-source"> and <meta name="go-import">
 * tags of a `?go-get=1` page to find the repository behind a vanity import
 * path, as Pyroscope's resolveGoGet does: a go-source tag whose repository
 * URL holds "github.com/" wins, else the first git go-import tag. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "source/golang.h"
#include "source/path.h"

struct meta {
	char name[32];
	char content[1024];
};

/* Decode the few entities that appear in attribute values. */
static void decode_entities(char *s)
{
	static const struct { const char *e; char c; } ents[] = {
		{ "&amp;", '&' }, { "&quot;", '"' }, { "&#34;", '"' }, { "&#39;", '\'' },
		{ "&apos;", '\'' }, { "&lt;", '<' }, { "&gt;", '>' },
	};
	char *r = s, *w = s;
	size_t i;

	while (*r) {
		for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
			if (strncmp(r, ents[i].e, strlen(ents[i].e)) == 0)
				break;
		if (i < sizeof(ents) / sizeof(ents[0])) {
			*w++ = ents[i].c;
			r += strlen(ents[i].e);
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* Copy an attribute value at *p (quoted or bare) into out (bounded). */
static void attr_value(const char **p, const char *end, char *out, size_t cap)
{
	const char *s = *p;
	size_t w = 0;
	char q = 0;

	if (s < end && (*s == '"' || *s == '\''))
		q = *s++;
	while (s < end && (q ? *s != q : !isspace((unsigned char)*s) && *s != '>')) {
		if (w + 1 < cap)
			out[w++] = *s;
		s++;
	}
	out[w] = '\0';
	if (q && s < end)
		s++;
	*p = s;
}

/* Parse the attributes of one <meta ...> tag starting after "<meta". */
static const char *parse_meta(const char *s, const char *end, struct meta *m)
{
	m->name[0] = m->content[0] = '\0';
	while (s < end && *s != '>') {
		const char *a;
		size_t alen;
		char tmp[8];

		if (isspace((unsigned char)*s) || *s == '/') {
			s++;
			continue;
		}
		for (a = s; s < end && (isalnum((unsigned char)*s) || *s == '-' || *s == '_'); s++)
			;
		alen = (size_t)(s - a);
		if (alen == 0) {
			s++;
			continue;
		}
		while (s < end && isspace((unsigned char)*s))
			s++;
		if (s >= end || *s != '=')
			continue;
		s++;
		while (s < end && isspace((unsigned char)*s))
			s++;
		if (alen == 4 && strncasecmp(a, "name", 4) == 0)
			attr_value(&s, end, m->name, sizeof(m->name));
		else if (alen == 7 && strncasecmp(a, "content", 7) == 0)
			attr_value(&s, end, m->content, sizeof(m->content));
		else
			attr_value(&s, end, tmp, sizeof(tmp));
	}
	decode_entities(m->name);
	decode_entities(m->content);
	return s;
}

/* Pyroscope's cleanWhiteSpace: drop \n and \t, squeeze runs of spaces. */
static void clean_ws(char *s)
{
	char *r = s, *w = s;
	int space = 0;

	for (; *r; r++) {
		if (*r == '\n' || *r == '\t')
			continue;
		if (*r == ' ' && space)
			continue;
		space = *r == ' ';
		*w++ = *r;
	}
	*w = '\0';
}

/* Split on single spaces into at most max fields; returns the count. */
static size_t split_fields(char *s, char **f, size_t max)
{
	size_t n = 0;

	for (;;) {
		char *sp = strchr(s, ' ');

		if (n == max)
			return n + 1; /* more than asked for: only the count matters */
		f[n++] = s;
		if (sp == NULL)
			return n;
		*sp = '\0';
		s = sp + 1;
	}
}

/* New module path: repository URL (scheme and trailing '/' gone) joined
 * with what is left of mod after removing the import prefix once. */
static char *rebase(const char *mod, const char *prefix, const char *url)
{
	const char *hit = strstr(mod, prefix);
	char *sub, *repo, *out;
	size_t lp = strlen(prefix), lr;

	sub = malloc(strlen(mod) + 1);
	if (sub == NULL)
		return NULL;
	memcpy(sub, mod, (size_t)(hit - mod));
	memcpy(sub + (hit - mod), hit + lp, strlen(hit + lp) + 1);
	if (em_has_prefix(url, "https://"))
		url += 8;
	else if (em_has_prefix(url, "http://"))
		url += 7;
	lr = strlen(url);
	while (lr > 0 && url[lr - 1] == '/')
		lr--;
	repo = em_strndup(url, lr);
	out = repo ? em_path_join(repo, sub) : NULL;
	free(repo);
	free(sub);
	return out;
}

/* Every <meta> tag in order: fn(m, ctx) returns 1 to stop. */
static void each_meta(const char *html, size_t n, int (*fn)(struct meta *, void *), void *ctx)
{
	const char *s = html, *end = html + n;
	struct meta m;

	while (s + 5 < end) {
		const char *lt = memchr(s, '<', (size_t)(end - s));

		if (lt == NULL || end - lt < 6)
			return;
		s = lt + 1;
		if (strncasecmp(s, "meta", 4) != 0 || !(isspace((unsigned char)s[4]) || s[4] == '/'))
			continue;
		s = parse_meta(s + 4, end, &m);
		if (fn(&m, ctx))
			return;
	}
}

struct vanity {
	const char *mod;
	char *result;
	int oom;
	int pass; /* 0: go-source, 1: go-import */
};

static int vanity_tag(struct meta *m, void *ctx)
{
	struct vanity *v = ctx;
	char *f[4];
	size_t n;

	if (strcmp(m->name, v->pass == 0 ? "go-source" : "go-import") != 0)
		return 0;
	clean_ws(m->content);
	n = split_fields(m->content, f, 3);
	if (v->pass == 0) {
		if (n < 2 || strstr(v->mod, f[0]) == NULL || strstr(f[1], "github.com/") == NULL)
			return 0;
		v->result = rebase(v->mod, f[0], f[1]);
	} else {
		if (n < 3 || strstr(v->mod, f[0]) == NULL || strcmp(f[1], "git") != 0)
			return 0;
		v->result = rebase(v->mod, f[0], f[2]);
	}
	v->oom = v->result == NULL;
	return 1;
}

int em_go_vanity(const char *html, size_t n, const char *mod, char **new_path)
{
	struct vanity v = { mod, NULL, 0, 0 };

	*new_path = NULL;
	each_meta(html, n, vanity_tag, &v);
	if (v.result == NULL && !v.oom) {
		v.pass = 1;
		each_meta(html, n, vanity_tag, &v);
	}
	if (v.oom)
		return -1;
	*new_path = v.result;
	return v.result != NULL;
}

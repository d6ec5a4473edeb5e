/* gomod.c - just enough of a go.mod parser for source lookup: the module
 * path, require and replace directives (single lines and blocks), quoted
 * strings and // comments. Unknown directives make the file invalid, as
 * golang.org/x/mod/modfile.Parse does, and the resolver then goes on
 * without go.mod like Pyroscope. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "source/golang.h"
#include "source/path.h"
#include "embers/vec.h"

#define MAX_TOKENS 8

struct line {
	char *tok[MAX_TOKENS];
	size_t n;
};

static void line_free(struct line *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->tok[i]);
	l->n = 0;
}

/* A quoted token at *s ("..." with backslash escapes or `raw`). */
static char *quoted(const char **s, const char *end)
{
	char q = **s, *out = malloc((size_t)(end - *s) + 1);
	const char *p = *s + 1;
	size_t w = 0;

	if (out == NULL)
		return NULL;
	while (p < end && *p != q) {
		if (q == '"' && *p == '\\' && p + 1 < end)
			p++;
		out[w++] = *p++;
	}
	if (p >= end) {
		free(out);
		return NULL;
	}
	out[w] = '\0';
	*s = p + 1;
	return out;
}

/* Split one line into tokens; "=>", "(" and ")" stand alone. -1 on a bad
 * quote, too many tokens or OOM. */
static int tokenize(const char *s, const char *end, struct line *l)
{
	l->n = 0;
	while (s < end) {
		const char *t;
		char *tok;

		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if (end - s >= 2 && s[0] == '/' && s[1] == '/')
			break;
		if (l->n == MAX_TOKENS)
			return -1;
		if (*s == '"' || *s == '`') {
			tok = quoted(&s, end);
		} else if (*s == '(' || *s == ')') {
			tok = em_strndup(s++, 1);
		} else if (end - s >= 2 && s[0] == '=' && s[1] == '>') {
			tok = em_strndup(s, 2);
			s += 2;
		} else {
			for (t = s; t < end && !isspace((unsigned char)*t) && *t != '(' &&
			    *t != ')' && *t != '"' && !(end - t >= 2 && t[0] == '=' && t[1] == '>') &&
			    !(end - t >= 2 && t[0] == '/' && t[1] == '/'); t++)
				;
			tok = em_strndup(s, (size_t)(t - s));
			s = t;
		}
		if (tok == NULL)
			return -1;
		l->tok[l->n++] = tok;
	}
	return 0;
}

static int add_dep(em_gomod_dep **v, size_t *n, size_t *cap, const char *path,
    const char *ver, const char *np, const char *nv)
{
	em_gomod_dep d;

	if (EM_VEC_RESERVE(*v, *cap, *n + 1) < 0)
		return -1;
	d.path = em_strdup(path);
	d.version = em_strdup(ver);
	d.new_path = em_strdup(np);
	d.new_version = em_strdup(nv);
	if (!d.path || !d.version || !d.new_path || !d.new_version) {
		free(d.path);
		free(d.version);
		free(d.new_path);
		free(d.new_version);
		return -1;
	}
	(*v)[(*n)++] = d;
	return 0;
}

struct parse {
	em_gomod *g;
	size_t req_cap, rep_cap;
	em_error *err;
	size_t lineno;
};

static int bad(struct parse *ps, const char *what)
{
	return em_error_set(ps->err, "go.mod:%zu: %s", ps->lineno, what);
}

static int known_verb(const char *v)
{
	static const char *const verbs[] = { "module", "go", "toolchain", "godebug",
		"require", "exclude", "replace", "retract", "tool", "ignore" };
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(v, verbs[i]) == 0)
			return 1;
	return 0;
}

/* The arguments of one directive (after the verb). */
static int directive(struct parse *ps, const char *verb, char **a, size_t n)
{
	em_gomod *g = ps->g;
	size_t arrow;

	if (strcmp(verb, "module") == 0) {
		if (n != 1)
			return bad(ps, "usage: module module/path");
		free(g->module);
		g->module = em_strdup(a[0]);
		return g->module ? 0 : bad(ps, "out of memory");
	}
	if (strcmp(verb, "require") == 0) {
		if (n != 2)
			return bad(ps, "usage: require module/path v1.2.3");
		return add_dep(&g->req, &g->nreq, &ps->req_cap, a[0], a[1], "", "") < 0 ?
		    bad(ps, "out of memory") : 0;
	}
	if (strcmp(verb, "replace") == 0) {
		for (arrow = 0; arrow < n && strcmp(a[arrow], "=>") != 0; arrow++)
			;
		if (arrow == 0 || arrow > 2 || arrow == n || n - arrow - 1 < 1 || n - arrow - 1 > 2)
			return bad(ps, "usage: replace module/path [v1.2.3] => other/module v1.4");
		return add_dep(&g->rep, &g->nrep, &ps->rep_cap, a[0], arrow == 2 ? a[1] : "",
		    a[arrow + 1], n - arrow - 1 == 2 ? a[arrow + 2] : "") < 0 ?
		    bad(ps, "out of memory") : 0;
	}
	return known_verb(verb) ? 0 : bad(ps, "unknown directive");
}

static int parse_lines(struct parse *ps, const char *buf, size_t n)
{
	const char *s = buf, *end = buf + n;
	char block[32] = "";
	struct line l;

	memset(&l, 0, sizeof(l));
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		int r = 0;

		ps->lineno++;
		if (tokenize(s, le, &l) < 0) {
			line_free(&l);
			return bad(ps, "malformed line");
		}
		s = nl ? nl + 1 : end;
		if (l.n == 0)
			continue;
		if (block[0] != '\0') {
			if (l.n == 1 && strcmp(l.tok[0], ")") == 0)
				block[0] = '\0';
			else
				r = directive(ps, block, l.tok, l.n);
		} else if (l.n == 2 && strcmp(l.tok[1], "(") == 0) {
			if (!known_verb(l.tok[0]) || strlen(l.tok[0]) >= sizeof(block))
				r = bad(ps, "unknown directive");
			else
				memcpy(block, l.tok[0], strlen(l.tok[0]) + 1);
		} else {
			r = directive(ps, l.tok[0], l.tok + 1, l.n - 1);
		}
		line_free(&l);
		if (r < 0)
			return -1;
	}
	if (block[0] != '\0')
		return bad(ps, "unterminated block");
	return 0;
}

int em_gomod_parse(em_gomod *g, const char *buf, size_t n, em_error *err)
{
	struct parse ps;

	memset(g, 0, sizeof(*g));
	memset(&ps, 0, sizeof(ps));
	ps.g = g;
	ps.err = err;
	if (parse_lines(&ps, buf, n) < 0) {
		em_gomod_free(g);
		return -1;
	}
	if (g->module == NULL) {
		em_gomod_free(g);
		return em_error_set(err, "go.mod: no module directive");
	}
	return 0;
}

static void free_deps(em_gomod_dep *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(d[i].path);
		free(d[i].version);
		free(d[i].new_path);
		free(d[i].new_version);
	}
	free(d);
}

void em_gomod_free(em_gomod *g)
{
	free(g->module);
	free_deps(g->req, g->nreq);
	free_deps(g->rep, g->nrep);
	memset(g, 0, sizeof(*g));
}

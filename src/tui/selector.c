/* selector.c - parsing, editing and printing label selectors.
 *
 * The parser follows the PromQL lexer closely enough for what users type:
 * names bare ([A-Za-z_][A-Za-z0-9_.:]*, dots and colons accepted because
 * people write service.name) or quoted, values in "...", '...' (Go escapes)
 * or `...` (raw). Printing quotes names outside the legacy charset
 * ({"service.name"="x"}), which Pyroscope's Prometheus 3 parser wants. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/vec.h"
#include "selector.h"

static const char *const op_names[EM_OP_COUNT] = { "=", "!=", "=~", "!~" };

const char *em_match_op_str(int op)
{
	return op >= 0 && op < EM_OP_COUNT ? op_names[op] : "?";
}

void em_sel_init(struct em_selector *s)
{
	memset(s, 0, sizeof(*s));
}

static void matcher_free(struct em_matcher *m)
{
	free(m->name);
	free(m->value);
}

void em_sel_free(struct em_selector *s)
{
	for (size_t i = 0; i < s->n; i++)
		matcher_free(&s->m[i]);
	free(s->m);
	em_sel_init(s);
}

/* --- a growable string ---------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
	int oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (EM_VEC_RESERVE(b->p, b->cap, b->len + n + 1) < 0) {
		b->oom = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void putc_(struct buf *b, char c)
{
	put(b, &c, 1);
}

/* --- lexing ------------------------------------------------------------- */

struct lex {
	const char *s;
	size_t i;
	const char *text; /* for messages */
	em_error *err;
};

static void skip_ws(struct lex *l)
{
	while (l->s[l->i] == ' ' || l->s[l->i] == '\t' || l->s[l->i] == '\n' ||
	    l->s[l->i] == '\r')
		l->i++;
}

static int fail(struct lex *l, const char *what)
{
	return em_error_set(l->err, "selector '%s': %s at column %zu", l->text, what,
	    l->i + 1);
}

static int name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int name_char(int c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == ':';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_utf8(struct buf *b, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		putc_(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		put(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		put(b, u, 4);
	}
}

/* The escape after a backslash at l->i (which points past it). */
static int escape(struct lex *l, struct buf *b, char quote)
{
	static const char from[] = "abfnrtv\\'\"", to[] = "\a\b\f\n\r\t\v\\'\"";
	char c = l->s[l->i];
	const char *k;
	int digits = 0, base = 16;
	uint32_t v = 0;

	if (c == '\0')
		return fail(l, "unterminated string");
	k = strchr(from, c);
	if (k != NULL && (c != '\'' || quote == '\'') && (c != '"' || quote == '"')) {
		putc_(b, to[k - from]);
		l->i++;
		return 0;
	}
	if (c == 'x')
		digits = 2;
	else if (c == 'u')
		digits = 4;
	else if (c == 'U')
		digits = 8;
	else if (c >= '0' && c <= '7')
		digits = 3, base = 8;
	else
		return fail(l, "unknown escape sequence");
	if (base == 16)
		l->i++;
	for (int d = 0; d < digits; d++, l->i++) {
		int h = hexval(l->s[l->i]);
		if (h < 0 || h >= base)
			return fail(l, "bad escape sequence");
		v = v * (uint32_t)base + (uint32_t)h;
	}
	if (v == 0)
		return fail(l, "NUL byte in string");
	if (c == 'x' || base == 8) {
		if (v > 255)
			return fail(l, "escape out of range");
		putc_(b, (char)v);
	} else {
		if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return fail(l, "escape is not a valid Unicode code point");
		put_utf8(b, v);
	}
	return 0;
}

/* A quoted string at l->i into a malloc'd *out. */
static int string(struct lex *l, char **out)
{
	char q = l->s[l->i];
	struct buf b = { NULL, 0, 0, 0 };

	if (q != '"' && q != '\'' && q != '`')
		return fail(l, "expected a quoted string");
	l->i++;
	put(&b, "", 0);
	for (;;) {
		char c = l->s[l->i];

		if (c == '\0' || (c == '\n' && q != '`')) {
			free(b.p);
			return fail(l, "unterminated string");
		}
		l->i++;
		if (c == q)
			break;
		if (c == '\\' && q != '`') {
			if (escape(l, &b, q) < 0) {
				free(b.p);
				return -1;
			}
			continue;
		}
		putc_(&b, c);
	}
	if (b.oom) {
		free(b.p);
		return em_error_set(l->err, "out of memory");
	}
	*out = b.p;
	return 0;
}

static int name(struct lex *l, char **out)
{
	size_t start = l->i;

	if (l->s[l->i] == '"' || l->s[l->i] == '\'' || l->s[l->i] == '`') {
		if (string(l, out) < 0)
			return -1;
		if (**out == '\0') {
			free(*out);
			return fail(l, "empty label name");
		}
		return 0;
	}
	if (!name_start((unsigned char)l->s[l->i]))
		return fail(l, "expected a label name");
	while (name_char((unsigned char)l->s[l->i]))
		l->i++;
	*out = strndup(l->s + start, l->i - start);
	return *out ? 0 : em_error_set(l->err, "out of memory");
}

static int op(struct lex *l, int *out)
{
	const char *s = l->s + l->i;

	if (s[0] == '=' && s[1] == '~')
		*out = EM_OP_RE;
	else if (s[0] == '!' && s[1] == '~')
		*out = EM_OP_NRE;
	else if (s[0] == '!' && s[1] == '=')
		*out = EM_OP_NE;
	else if (s[0] == '=')
		*out = EM_OP_EQ;
	else
		return fail(l, "expected one of = != =~ !~");
	l->i += *out == EM_OP_EQ ? 1 : 2;
	return 0;
}

static int push(struct em_selector *s, char *nm, int o, char *val)
{
	if (EM_VEC_RESERVE(s->m, s->cap, s->n + 1) < 0) {
		free(nm);
		free(val);
		return -1;
	}
	s->m[s->n].name = nm;
	s->m[s->n].op = o;
	s->m[s->n].value = val;
	s->n++;
	return 0;
}

static int matchers(struct lex *l, struct em_selector *out)
{
	for (;;) {
		char *nm = NULL, *val = NULL;
		int o = EM_OP_EQ;

		skip_ws(l);
		if (l->s[l->i] == '}')
			break;
		if (name(l, &nm) < 0)
			return -1;
		skip_ws(l);
		if (op(l, &o) < 0) {
			free(nm);
			return -1;
		}
		skip_ws(l);
		if (string(l, &val) < 0) {
			free(nm);
			return -1;
		}
		if (push(out, nm, o, val) < 0)
			return em_error_set(l->err, "out of memory");
		skip_ws(l);
		if (l->s[l->i] == ',') {
			l->i++;
			continue;
		}
		if (l->s[l->i] != '}')
			return fail(l, "expected ',' or '}'");
	}
	l->i++;
	skip_ws(l);
	if (l->s[l->i] != '\0')
		return fail(l, "unexpected text after '}'");
	return 0;
}

int em_sel_parse(struct em_selector *s, const char *text, em_error *err)
{
	struct lex l = { text, 0, text, err };
	struct em_selector out;

	em_sel_init(&out);
	skip_ws(&l);
	if (text[l.i] == '\0') {
		em_sel_free(s);
		return 0;
	}
	if (name_start((unsigned char)text[l.i])) {
		size_t st = l.i;
		char *metric, *nm = strdup("__name__");

		while (name_char((unsigned char)text[l.i]))
			l.i++;
		metric = strndup(text + st, l.i - st);
		if (nm == NULL || metric == NULL || push(&out, nm, EM_OP_EQ, metric) < 0) {
			if (nm == NULL || metric == NULL) {
				free(nm);
				free(metric);
			}
			em_sel_free(&out);
			return em_error_set(err, "out of memory");
		}
		skip_ws(&l);
		if (text[l.i] == '\0')
			goto done;
	}
	if (text[l.i] != '{') {
		fail(&l, "expected '{'");
		em_sel_free(&out);
		return -1;
	}
	l.i++;
	if (matchers(&l, &out) < 0) {
		em_sel_free(&out);
		return -1;
	}
done:
	em_sel_free(s);
	*s = out;
	return 0;
}

/* --- editing ---------------------------------------------------------------- */

int em_sel_set(struct em_selector *s, const char *nm, int o, const char *value)
{
	char *v = strdup(value), *n;

	if (v == NULL)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		if (s->m[i].op == o && strcmp(s->m[i].name, nm) == 0) {
			free(s->m[i].value);
			s->m[i].value = v;
			return 0;
		}
	n = strdup(nm);
	if (n == NULL) {
		free(v);
		return -1;
	}
	return push(s, n, o, v);
}

size_t em_sel_remove(struct em_selector *s, const char *nm)
{
	size_t k = 0, dropped = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->m[i].name, nm) == 0) {
			matcher_free(&s->m[i]);
			dropped++;
			continue;
		}
		s->m[k++] = s->m[i];
	}
	s->n = k;
	return dropped;
}

const char *em_sel_get(const struct em_selector *s, const char *nm, int o)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->m[i].op == o && strcmp(s->m[i].name, nm) == 0)
			return s->m[i].value;
	return NULL;
}

/* --- printing --------------------------------------------------------------- */

static void quote(struct buf *b, const char *v)
{
	static const char hex[] = "0123456789abcdef";

	putc_(b, '"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		char e[4] = { '\\', 0, 0, 0 };
		switch (*p) {
		case '"': e[1] = '"'; put(b, e, 2); continue;
		case '\\': e[1] = '\\'; put(b, e, 2); continue;
		case '\n': e[1] = 'n'; put(b, e, 2); continue;
		case '\t': e[1] = 't'; put(b, e, 2); continue;
		case '\r': e[1] = 'r'; put(b, e, 2); continue;
		default:
			break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			e[1] = 'x';
			e[2] = hex[*p >> 4];
			e[3] = hex[*p & 15];
			put(b, e, 4);
			continue;
		}
		putc_(b, (char)*p);
	}
	putc_(b, '"');
}

size_t em_sel_quote(char *out, size_t n, const char *value)
{
	struct buf b = { NULL, 0, 0, 0 };
	size_t len;

	quote(&b, value);
	len = b.oom ? 0 : b.len;
	if (n > 0)
		snprintf(out, n, "%s", b.p && !b.oom ? b.p : "");
	free(b.p);
	return len;
}

static int legacy_name(const char *s)
{
	if (!name_start((unsigned char)*s))
		return 0;
	for (s++; *s; s++)
		if (!name_start((unsigned char)*s) && !(*s >= '0' && *s <= '9'))
			return 0;
	return 1;
}

char *em_sel_format(const struct em_selector *s)
{
	struct buf b = { NULL, 0, 0, 0 };

	putc_(&b, '{');
	for (size_t i = 0; i < s->n; i++) {
		const struct em_matcher *m = &s->m[i];
		const char *o = em_match_op_str(m->op);

		if (i > 0)
			put(&b, ", ", 2);
		if (legacy_name(m->name))
			put(&b, m->name, strlen(m->name));
		else
			quote(&b, m->name);
		put(&b, o, strlen(o));
		quote(&b, m->value);
	}
	putc_(&b, '}');
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

char *em_sel_with(const char *text, const char *nm, int o, const char *value, em_error *err)
{
	struct em_selector s;
	char *r;

	em_sel_init(&s);
	if (em_sel_parse(&s, text ? text : "", err) < 0)
		return NULL;
	if (em_sel_set(&s, nm, o, value) < 0 || (r = em_sel_format(&s)) == NULL) {
		em_sel_free(&s);
		em_error_set(err, "out of memory");
		return NULL;
	}
	em_sel_free(&s);
	return r;
}

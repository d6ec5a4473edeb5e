/* theme.c - theme files (parse, find, built-in fallback), flame colours by
 * package hash, and RGB reduction to 256/16/8 colours. No curses here. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "theme.h"

#ifndef EMBERS_DATADIR
#define EMBERS_DATADIR "/usr/local/share/embers"
#endif

#define THEME_MAX_BYTES (64 * 1024)

static const char *const style_names[] = {
#define EM_STYLE_NAME(slot, name) name,
	EM_STYLES(EM_STYLE_NAME)
#undef EM_STYLE_NAME
};

/* --- the built-in theme: the same values as themes/dark.theme ----------- */

static const char builtin_text[] =
	"name = dark\n"
	"normal = fg=default,bg=default\n"
	"status = fg=#1c1c1c,bg=#d0d0d0\n"
	"info = fg=default,bg=default\n"
	"header = fg=#d0d0d0,bg=#3a3a3a,bold\n"
	"header-focus = fg=#000000,bg=#ffaf5f,bold\n"
	"row-selected = fg=#000000,bg=#ffd75f,bold\n"
	"row-selected-unfocused = fg=#000000,bg=#808080\n"
	"row-match = fg=#ffd75f,bg=default,bold\n"
	"frame-selected = fg=#ffffff,bg=#0060c0,bold\n"
	"frame-dim = fg=#9e9e9e,bg=#3a3a3a\n"
	"aggregate = fg=#ffffff,bg=#5f5f87,bold\n"
	"breadcrumb = fg=#d0d0d0,bg=#444444\n"
	"border = fg=#6c6c6c,bg=default\n"
	"prompt = fg=#ffd75f,bg=default,bold\n"
	"error = fg=#ff5f5f,bg=default,bold\n"
	"help = fg=default,bg=default\n"
	"help-key = fg=#ffaf5f,bg=default,bold\n"
	"title = fg=#ffaf5f,bg=default,bold\n"
	"progress = fg=#ffaf5f,bg=#3a3a3a\n"
	"source-gutter = fg=#8a8a8a,bg=default\n"
	"source-hot-low = fg=#ffd7af,bg=#3a2a1c\n"
	"source-hot-mid = fg=#ffffff,bg=#7a3a14\n"
	"source-hot-high = fg=#ffffff,bg=#b8321a,bold\n"
	"diff-same = fg=#000000,bg=#a8a8a8\n"
	"diff-grow-low = fg=#000000,bg=#e8a8a0\n"
	"diff-grow-mid = fg=#000000,bg=#e06a5a\n"
	"diff-grow-high = fg=#ffffff,bg=#c0281c,bold\n"
	"diff-shrink-low = fg=#000000,bg=#a8d8a0\n"
	"diff-shrink-mid = fg=#000000,bg=#5ab85a\n"
	"diff-shrink-high = fg=#ffffff,bg=#1e8a28,bold\n"
	"flame = #e5533d #f07f3c #f6a13b #e8c547 #d9763a #c9512e #f2b36b #e0873f"
	" #d9a441 #cc6a3c #f0c06a #e06b52 #c98a3a #f19c55 #d65a31 #e3b04b\n"
	"flame-fg = #000000\n";

/* The same values as themes/mono.theme: attributes only. */
static const char builtin_mono[] =
	"name = mono\n"
	"normal = none\n"
	"status = reverse\n"
	"info = none\n"
	"header = underline\n"
	"header-focus = reverse,bold\n"
	"row-selected = reverse,bold\n"
	"row-selected-unfocused = reverse\n"
	"row-match = bold\n"
	"frame-selected = bold,underline\n"
	"frame-dim = none\n"
	"aggregate = reverse,bold\n"
	"breadcrumb = reverse,dim\n"
	"border = none\n"
	"prompt = bold\n"
	"error = bold\n"
	"help = none\n"
	"help-key = bold\n"
	"title = bold\n"
	"progress = reverse\n"
	"source-gutter = dim\n"
	"source-hot-low = underline\n"
	"source-hot-mid = bold\n"
	"source-hot-high = bold,underline\n"
	"diff-same = none\n"
	"diff-grow-low = bold\n"
	"diff-grow-mid = bold,underline\n"
	"diff-grow-high = bold,reverse\n"
	"diff-shrink-low = dim\n"
	"diff-shrink-mid = dim,underline\n"
	"diff-shrink-high = dim,reverse\n"
	"flame = default\n"
	"flame-fg = default,reverse\n";

int em_theme_builtin(struct em_theme *th, const char *name)
{
	/* the texts are known-good: test_tui_misc checks they parse and equal
	 * the files in themes/ */
	if (strcmp(name, "mono") == 0)
		return em_theme_parse(th, "mono", builtin_mono, sizeof(builtin_mono) - 1, NULL);
	if (strcmp(name, "dark") == 0)
		return em_theme_parse(th, "dark", builtin_text, sizeof(builtin_text) - 1, NULL);
	return -1;
}

/* --- parsing ------------------------------------------------------------ */

static const struct {
	const char *name;
	int idx;
} color_names[] = {
	{ "black", 0 }, { "red", 1 }, { "green", 2 }, { "yellow", 3 },
	{ "blue", 4 }, { "magenta", 5 }, { "cyan", 6 }, { "white", 7 },
	{ "bright-black", 8 }, { "bright-red", 9 }, { "bright-green", 10 },
	{ "bright-yellow", 11 }, { "bright-blue", 12 }, { "bright-magenta", 13 },
	{ "bright-cyan", 14 }, { "bright-white", 15 },
};

static int parse_color(const char *s, size_t n, int32_t *out)
{
	char buf[32];
	char *end;
	long v;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (strcmp(buf, "default") == 0) {
		*out = EM_COLOR_DEFAULT;
		return 0;
	}
	if (buf[0] == '#') {
		if (n != 7)
			return -1;
		for (size_t i = 1; i < 7; i++)
			if (!isxdigit((unsigned char)buf[i]))
				return -1;
		v = strtol(buf + 1, NULL, 16);
		*out = EM_RGB(v);
		return 0;
	}
	for (size_t i = 0; i < sizeof(color_names) / sizeof(color_names[0]); i++) {
		if (strcmp(buf, color_names[i].name) == 0) {
			*out = color_names[i].idx;
			return 0;
		}
	}
	if (strncmp(buf, "colour", 6) == 0 || strncmp(buf, "color", 5) == 0) {
		const char *d = buf + (buf[4] == 'u' ? 6 : 5);
		errno = 0;
		v = strtol(d, &end, 10);
		if (errno == 0 && end != d && *end == '\0' && v >= 0 && v <= 255) {
			*out = (int32_t)v;
			return 0;
		}
	}
	return -1;
}

static int style_index(const char *key, size_t n)
{
	for (size_t i = 0; i < sizeof(style_names) / sizeof(style_names[0]); i++)
		if (strlen(style_names[i]) == n && memcmp(style_names[i], key, n) == 0)
			return (int)i;
	return -1;
}

static int is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t';
}

/* "fg=#ffffff,bg=default,bold" */
static int parse_style(struct em_style_def *st, const char *v, size_t n)
{
	size_t i = 0;

	st->fg = st->bg = EM_COLOR_DEFAULT;
	st->attr = 0;
	while (i < n) {
		size_t j;
		const char *tok;
		size_t tn;

		while (i < n && is_sep(v[i]))
			i++;
		j = i;
		while (j < n && !is_sep(v[j]))
			j++;
		tok = v + i;
		tn = j - i;
		i = j;
		if (tn == 0)
			break;
		if (tn > 3 && memcmp(tok, "fg=", 3) == 0) {
			if (parse_color(tok + 3, tn - 3, &st->fg) < 0)
				return -1;
		} else if (tn > 3 && memcmp(tok, "bg=", 3) == 0) {
			if (parse_color(tok + 3, tn - 3, &st->bg) < 0)
				return -1;
		} else if (tn == 4 && memcmp(tok, "bold", 4) == 0) {
			st->attr |= EM_A_BOLD;
		} else if (tn == 7 && memcmp(tok, "reverse", 7) == 0) {
			st->attr |= EM_A_REVERSE;
		} else if (tn == 9 && memcmp(tok, "underline", 9) == 0) {
			st->attr |= EM_A_UNDERLINE;
		} else if (tn == 3 && memcmp(tok, "dim", 3) == 0) {
			st->attr |= EM_A_DIM;
		} else if (!(tn == 4 && memcmp(tok, "none", 4) == 0)) {
			return -1;
		}
	}
	return 0;
}

/* "flame = #aaaaaa #bbbbbb ..." */
static int parse_palette(struct em_theme *th, const char *v, size_t n)
{
	size_t i = 0;
	int k = 0;

	while (i < n) {
		size_t j;

		while (i < n && is_sep(v[i]))
			i++;
		j = i;
		while (j < n && !is_sep(v[j]))
			j++;
		if (j == i)
			break;
		if (k == EM_PALETTE_MAX)
			return -1;
		if (parse_color(v + i, j - i, &th->st[EM_ST_FLAME + k].bg) < 0)
			return -1;
		k++;
		i = j;
	}
	if (k == 0)
		return -1;
	th->npalette = k;
	return 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static int parse_line(struct em_theme *th, const char *line, size_t n,
    int32_t *flame_fg, uint8_t *flame_attr)
{
	const char *eq = memchr(line, '=', n);
	const char *key = line, *val;
	size_t kn, vn;
	int idx;

	if (eq == NULL)
		return -1;
	kn = (size_t)(eq - line);
	val = eq + 1;
	vn = n - kn - 1;
	trim(&key, &kn);
	trim(&val, &vn);
	if (kn == 4 && memcmp(key, "name", 4) == 0) {
		if (vn == 0 || vn >= sizeof(th->name))
			return -1;
		memcpy(th->name, val, vn);
		th->name[vn] = '\0';
		return 0;
	}
	if (kn == 5 && memcmp(key, "flame", 5) == 0)
		return parse_palette(th, val, vn);
	if (kn == 8 && memcmp(key, "flame-fg", 8) == 0) {
		/* "flame-fg = #000000,bold": a colour, then attributes */
		struct em_style_def st;
		size_t j = 0;

		while (j < vn && !is_sep(val[j]))
			j++;
		if (parse_color(val, j, flame_fg) < 0 || parse_style(&st, val + j, vn - j) < 0)
			return -1;
		*flame_attr = st.attr;
		return 0;
	}
	idx = style_index(key, kn);
	if (idx < 0)
		return -1;
	return parse_style(&th->st[idx], val, vn);
}

int em_theme_parse(struct em_theme *th, const char *name, const char *text,
    size_t len, em_error *err)
{
	int32_t flame_fg = EM_COLOR_DEFAULT;
	uint8_t flame_attr = 0;
	size_t off = 0;
	int lineno = 0;

	memset(th, 0, sizeof(*th));
	for (int i = 0; i < EM_NSTYLES; i++)
		th->st[i].fg = th->st[i].bg = EM_COLOR_DEFAULT;
	th->npalette = 1;
	snprintf(th->name, sizeof(th->name), "%s", name);
	while (off < len) {
		const char *line = text + off;
		const char *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off;
		const char *l = line;
		size_t ln = n;

		off += n + (nl ? 1 : 0);
		lineno++;
		trim(&l, &ln);
		if (ln == 0 || l[0] == '#')
			continue;
		if (memchr(l, '\0', ln) != NULL || parse_line(th, l, ln, &flame_fg, &flame_attr) < 0)
			return em_error_set(err, "'%s': line %d: cannot parse '%.*s'", name,
			    lineno, (int)(ln > 60 ? 60 : ln), l);
	}
	for (int k = 0; k < EM_PALETTE_MAX; k++) {
		struct em_style_def *st = &th->st[EM_ST_FLAME + k];
		/* slots past the theme's palette repeat it */
		if (k >= th->npalette)
			st->bg = th->st[EM_ST_FLAME + k % th->npalette].bg;
		st->fg = flame_fg;
		st->attr = flame_attr;
	}
	return 0;
}

/* --- finding theme files ------------------------------------------------ */

static int valid_name(const char *name)
{
	if (*name == '\0' || strlen(name) > 64)
		return 0;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return 0;
	return 1;
}

static int readable(const char *path)
{
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return 0;
	fclose(f);
	return 1;
}

int em_theme_find(const char *name, char *buf, size_t n)
{
	const char *dirs[3];
	int nd = 0;

	if (strchr(name, '/') != NULL) {
		if (snprintf(buf, n, "%s", name) >= (int)n || !readable(buf))
			return -1;
		return 0;
	}
	if (!valid_name(name))
		return -1;
	dirs[nd] = getenv("EMBERS_THEME_DIR");
	if (dirs[nd] != NULL && *dirs[nd] != '\0')
		nd++;
#ifdef EMBERS_SRCDIR
	dirs[nd++] = EMBERS_SRCDIR "/themes";
#endif
	dirs[nd++] = EMBERS_DATADIR "/themes";
	for (int i = 0; i < nd; i++) {
		int r = snprintf(buf, n, "%s/%s.theme", dirs[i], name);
		if (r > 0 && (size_t)r < n && readable(buf))
			return 0;
	}
	return -1;
}

int em_theme_load(struct em_theme *th, const char *name, em_error *err)
{
	char path[4096];
	char *text;
	size_t len;
	FILE *f;
	int r;

	if (em_theme_find(name, path, sizeof(path)) < 0)
		return em_error_set(err, "'%s': theme not found", name);
	f = fopen(path, "rb");
	if (f == NULL)
		return em_error_set(err, "'%s': %s", path, em_strerror_lc(errno));
	text = malloc(THEME_MAX_BYTES + 1);
	if (text == NULL) {
		fclose(f);
		return em_error_set(err, "'%s': out of memory", path);
	}
	len = fread(text, 1, THEME_MAX_BYTES + 1, f);
	r = ferror(f);
	fclose(f);
	if (r)
		r = em_error_set(err, "'%s': read error", path);
	else if (len > THEME_MAX_BYTES)
		r = em_error_set(err, "'%s': theme file too large", path);
	else
		r = em_theme_parse(th, path, text, len, err);
	free(text);
	return r;
}

/* --- flame colours ------------------------------------------------------ */

static const char *find2(const char *s, size_t n, const char *pat)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == pat[0] && s[i + 1] == pat[1])
			return s + i;
	return NULL;
}

size_t em_name_package(const char *name, size_t len)
{
	const char *paren = memchr(name, '(', len);
	size_t cut = paren ? (size_t)(paren - name) : len;
	size_t dots = 0, first = 0, last = 0;

	if (find2(name, cut, "::") != NULL) {
		/* C++ / Rust: ns::Class<T>::method(args): up to the last "::"
		 * outside template arguments */
		size_t at = 0;
		int depth = 0;
		for (size_t i = 0; i + 1 < cut; i++) {
			if (name[i] == '<')
				depth++;
			else if (name[i] == '>' && depth > 0)
				depth--;
			else if (depth == 0 && name[i] == ':' && name[i + 1] == ':')
				at = i++;
		}
		return at > 0 ? at : cut;
	}
	/* Go: example.com/a/b/pkg.Func: the path, then up to the first dot */
	for (size_t i = 0; i < cut; i++)
		if (name[i] == '/')
			first = i + 1;
	for (size_t i = first; i < cut; i++) {
		if (name[i] == '.') {
			if (dots == 0)
				last = i;
			dots++;
		}
	}
	if (first > 0)
		return dots > 0 ? last : cut;
	if (dots == 0)
		return cut;
	/* com.foo.Bar.baz: the class; pkg.Func or pkg.(*T).M: the package */
	if (dots >= 2) {
		for (size_t i = cut; i > 0; i--)
			if (name[i - 1] == '.')
				return i - 1;
	}
	return last;
}

uint16_t em_flame_style(const struct em_theme *th, const char *name, size_t len)
{
	size_t n = em_name_package(name, len);
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)name[i];
		h *= 16777619u;
	}
	return (uint16_t)(EM_ST_FLAME + h % (uint32_t)(th->npalette > 0 ? th->npalette : 1));
}

/* --- colour reduction (the cube and greys as tmux's colour.c) ----------- */

static int to_6cube(int v)
{
	if (v < 48)
		return 0;
	if (v < 114)
		return 1;
	return (v - 35) / 40;
}

static int dist_sq(int r1, int g1, int b1, int r2, int g2, int b2)
{
	return (r1 - r2) * (r1 - r2) + (g1 - g2) * (g1 - g2) + (b1 - b2) * (b1 - b2);
}

int em_rgb_to_256(uint32_t rgb)
{
	static const int q2c[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff };
	int r = (int)(rgb >> 16) & 0xff, g = (int)(rgb >> 8) & 0xff, b = (int)rgb & 0xff;
	int qr = to_6cube(r), qg = to_6cube(g), qb = to_6cube(b);
	int cr = q2c[qr], cg = q2c[qg], cb = q2c[qb];
	int grey_avg, grey_idx, grey;

	if (cr == r && cg == g && cb == b)
		return 16 + 36 * qr + 6 * qg + qb;
	grey_avg = (r + g + b) / 3;
	grey_idx = grey_avg > 238 ? 23 : (grey_avg < 3 ? 0 : (grey_avg - 3) / 10);
	grey = 8 + 10 * grey_idx;
	if (dist_sq(grey, grey, grey, r, g, b) < dist_sq(cr, cg, cb, r, g, b))
		return 232 + grey_idx;
	return 16 + 36 * qr + 6 * qg + qb;
}

static const uint32_t ansi16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

uint32_t em_256_to_rgb(int idx)
{
	static const int q2c[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff };

	if (idx < 0)
		return 0;
	if (idx < 16)
		return ansi16[idx];
	if (idx < 232) {
		idx -= 16;
		return (uint32_t)(q2c[idx / 36] << 16 | q2c[(idx / 6) % 6] << 8 | q2c[idx % 6]);
	}
	if (idx < 256) {
		int v = 8 + 10 * (idx - 232);
		return (uint32_t)(v << 16 | v << 8 | v);
	}
	return 0;
}

int em_rgb_to_16(uint32_t rgb, int ncolors)
{
	int r = (int)(rgb >> 16) & 0xff, g = (int)(rgb >> 8) & 0xff, b = (int)rgb & 0xff;
	int best = 0, bestd = -1;

	for (int i = 0; i < (ncolors >= 16 ? 16 : 8); i++) {
		int d = dist_sq(r, g, b, (int)(ansi16[i] >> 16) & 0xff,
		    (int)(ansi16[i] >> 8) & 0xff, (int)ansi16[i] & 0xff);
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

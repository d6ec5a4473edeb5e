/* screen.c - the cell grid: writing text into cells, UTF-8 decoding and
 * display width, and dumping rows as text for tests. No curses here. */
#include <stdlib.h>
#include <string.h>

#include "screen.h"

static const struct em_glyphs glyphs_utf8 = {
	1, "\xe2\x80\xa6", 1, "\xe2\x94\x82", "\xe2\x94\x80", "\xe2\x96\x88",
	"\xe2\x96\x91", " \xe2\x80\xba ", "\xe2\x96\xbc", "\xe2\x96\xb2", "+"
};
static const struct em_glyphs glyphs_ascii = {
	0, "..", 2, "|", "-", "#", ".", " > ", "v", "^", "+"
};

const struct em_glyphs *em_glyphs_get(int utf8)
{
	return utf8 ? &glyphs_utf8 : &glyphs_ascii;
}

int em_screen_resize(struct em_screen *s, int w, int h)
{
	struct em_cell *c;

	if (w < 0 || h < 0)
		return -1;
	c = calloc((size_t)w * (size_t)h + 1, sizeof(*c));
	if (c == NULL)
		return -1;
	free(s->cells);
	s->cells = c;
	s->w = w;
	s->h = h;
	em_screen_clear(s, 0);
	return 0;
}

void em_screen_free(struct em_screen *s)
{
	free(s->cells);
	s->cells = NULL;
	s->w = s->h = 0;
}

void em_screen_clear(struct em_screen *s, uint16_t style)
{
	for (int y = 0; y < s->h; y++)
		em_screen_fill(s, 0, y, s->w, " ", style, 0);
}

struct em_cell *em_screen_at(struct em_screen *s, int x, int y)
{
	if (x < 0 || y < 0 || x >= s->w || y >= s->h)
		return NULL;
	return &s->cells[(size_t)y * (size_t)s->w + (size_t)x];
}

static void cell_set(struct em_cell *c, const char *g, size_t len, uint16_t style,
    uint8_t attr)
{
	if (len > sizeof(c->ch))
		len = sizeof(c->ch);
	memcpy(c->ch, g, len);
	c->len = (uint8_t)len;
	c->style = style;
	c->attr = attr;
}

void em_screen_fill(struct em_screen *s, int x, int y, int w, const char *glyph,
    uint16_t style, uint8_t attr)
{
	size_t len = strlen(glyph);

	if (y < 0 || y >= s->h)
		return;
	if (x < 0) {
		w += x;
		x = 0;
	}
	if (w > s->w - x)
		w = s->w - x;
	for (int i = 0; i < w; i++)
		cell_set(em_screen_at(s, x + i, y), glyph, len, style, attr);
}

/* Decode one UTF-8 character at t[0..len): returns its byte length (>= 1)
 * and the code point in *cp, or -1 in *cp for an invalid sequence. */
static size_t utf8_next(const unsigned char *t, size_t len, long *cp)
{
	unsigned char c = t[0];
	size_t n;
	long v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
	} else {
		*cp = -1;
		return 1;
	}
	if (n > len) {
		*cp = -1;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((t[i] & 0xc0) != 0x80) {
			*cp = -1;
			return 1;
		}
		v = (v << 6) | (t[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF */
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff)) {
		*cp = -1;
		return 1;
	}
	*cp = v;
	return n;
}

/* Columns a code point takes: 0 for combining marks, 2 for East Asian wide
 * and emoji, 1 otherwise. Independent of the locale so the layout is the
 * same in tests and on a terminal. */
static int cp_width(long cp)
{
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0xfe00 && cp <= 0xfe0f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* The next displayable unit: its bytes (or "?"), byte length in the
 * source and display width. */
struct unit {
	const char *g;
	size_t glen, srclen;
	int width;
};

static struct unit next_unit(const char *text, size_t len, int utf8)
{
	struct unit u;
	long cp;

	u.srclen = utf8_next((const unsigned char *)text, len, &cp);
	u.g = text;
	u.glen = u.srclen;
	u.width = 1;
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    (!utf8 && cp >= 0x80)) {
		u.g = "?";
		u.glen = 1;
		return u;
	}
	if (cp >= 0x80)
		u.width = cp_width(cp);
	return u;
}

int em_text_width(const char *text, size_t len, int utf8)
{
	int w = 0;

	while (len > 0) {
		struct unit u = next_unit(text, len, utf8);
		w += u.width;
		text += u.srclen;
		len -= u.srclen;
	}
	return w;
}

int em_screen_text(struct em_screen *s, int x, int y, int maxw, const char *text,
    size_t len, uint16_t style, uint8_t attr)
{
	int used = 0;

	if (y < 0 || y >= s->h)
		return 0;
	if (maxw > s->w - x)
		maxw = s->w - x;
	while (len > 0 && used < maxw) {
		struct unit u = next_unit(text, len, s->utf8);
		struct em_cell *c;

		text += u.srclen;
		len -= u.srclen;
		if (u.width == 0)
			continue;
		if (u.width == 2 && used + 2 > maxw)
			break;
		c = em_screen_at(s, x + used, y);
		if (c != NULL)
			cell_set(c, u.g, u.glen, style, (uint8_t)(attr | (u.width == 2 ? EM_A_WIDE : 0)));
		if (u.width == 2) {
			c = em_screen_at(s, x + used + 1, y);
			if (c != NULL) {
				cell_set(c, "", 0, style, (uint8_t)(attr | EM_A_CONT));
			}
		}
		used += u.width;
	}
	return used;
}

int em_screen_puts(struct em_screen *s, int x, int y, int maxw, const char *text,
    uint16_t style, uint8_t attr)
{
	return em_screen_text(s, x, y, maxw, text, strlen(text), style, attr);
}

/* Bytes of text that fit in w columns. */
static size_t fit_prefix(const char *text, size_t len, int w, int utf8)
{
	size_t off = 0;
	int used = 0;

	while (off < len) {
		struct unit u = next_unit(text + off, len - off, utf8);
		if (used + u.width > w)
			break;
		used += u.width;
		off += u.srclen;
	}
	return off;
}

void em_screen_fit(struct em_screen *s, int x, int y, int w, const char *text,
    size_t len, uint16_t style, uint8_t attr)
{
	const struct em_glyphs *g = em_glyphs_get(s->utf8);
	int tw, used;

	if (w <= 0)
		return;
	em_screen_fill(s, x, y, w, " ", style, attr);
	tw = em_text_width(text, len, s->utf8);
	if (tw <= w) {
		em_screen_text(s, x, y, w, text, len, style, attr);
		return;
	}
	if (w <= g->ellipsis_w) {
		/* no room for an ellipsis: the first characters tell most */
		em_screen_text(s, x, y, w, text, len, style, attr);
		return;
	}
	used = em_screen_text(s, x, y, w - g->ellipsis_w, text,
	    fit_prefix(text, len, w - g->ellipsis_w, s->utf8), style, attr);
	em_screen_puts(s, x + used, y, w - used, g->ellipsis, style, attr);
}

/* Bytes to skip so that what is left of text (width tw) fits in w. */
static size_t fit_suffix(const char *text, size_t len, int tw, int w, int utf8)
{
	size_t off = 0;

	while (off < len && tw > w) {
		struct unit u = next_unit(text + off, len - off, utf8);
		tw -= u.width;
		off += u.srclen;
	}
	return off;
}

void em_screen_fit_mid(struct em_screen *s, int x, int y, int w, const char *text,
    size_t len, uint16_t style, uint8_t attr)
{
	const struct em_glyphs *g = em_glyphs_get(s->utf8);
	int tw = em_text_width(text, len, s->utf8), head, used;
	size_t off;

	if (tw <= w || w < g->ellipsis_w + 6) {
		em_screen_fit(s, x, y, w, text, len, style, attr);
		return;
	}
	em_screen_fill(s, x, y, w, " ", style, attr);
	head = (w - g->ellipsis_w) / 3;
	used = em_screen_text(s, x, y, head, text, fit_prefix(text, len, head, s->utf8), style,
	    attr);
	used += em_screen_puts(s, x + used, y, w - used, g->ellipsis, style, attr);
	off = fit_suffix(text, len, tw, w - used, s->utf8);
	em_screen_text(s, x + used, y, w - used, text + off, len - off, style, attr);
}

char *em_screen_row(const struct em_screen *s, int y, char *buf, size_t n)
{
	size_t off = 0;

	if (n == 0)
		return buf;
	for (int x = 0; y >= 0 && y < s->h && x < s->w; x++) {
		const struct em_cell *c = &s->cells[(size_t)y * (size_t)s->w + (size_t)x];
		if (c->attr & EM_A_CONT)
			continue;
		if (off + c->len + 1 > n)
			break;
		memcpy(buf + off, c->ch, c->len);
		off += c->len;
	}
	buf[off] = '\0';
	return buf;
}

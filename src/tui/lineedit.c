/* lineedit.c - the one-line editor: byte buffer, character-wise cursor. */
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "lineedit.h"

void em_le_set(struct em_lineedit *le, const char *text)
{
	size_t lead;
	unsigned char c;

	snprintf(le->buf, sizeof(le->buf), "%s", text ? text : "");
	le->len = strlen(le->buf);
	if (text != NULL && strlen(text) > le->len && le->len > 0) {
		/* cut in the middle of a character: drop its partial bytes */
		lead = le->len - 1;
		while (lead > 0 && ((unsigned char)le->buf[lead] & 0xc0) == 0x80)
			lead--;
		c = (unsigned char)le->buf[lead];
		if (c >= 0xc0 && le->len - lead < (size_t)(c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2)) {
			le->len = lead;
			le->buf[lead] = '\0';
		}
	}
	le->cur = le->len;
}

static int cont(const struct em_lineedit *le, size_t i)
{
	return i < le->len && ((unsigned char)le->buf[i] & 0xc0) == 0x80;
}

static size_t prev_char(const struct em_lineedit *le, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && cont(le, i))
		i--;
	return i;
}

static size_t next_char(const struct em_lineedit *le, size_t i)
{
	if (i >= le->len)
		return le->len;
	i++;
	while (cont(le, i))
		i++;
	return i;
}

static void cut(struct em_lineedit *le, size_t a, size_t b)
{
	memmove(le->buf + a, le->buf + b, le->len - b + 1);
	le->len -= b - a;
	le->cur = a;
}

static int insert(struct em_lineedit *le, int key)
{
	if (le->len + 1 >= sizeof(le->buf))
		return 0;
	memmove(le->buf + le->cur + 1, le->buf + le->cur, le->len - le->cur + 1);
	le->buf[le->cur++] = (char)key;
	le->len++;
	return 1;
}

int em_le_key(struct em_lineedit *le, int key)
{
	size_t i;

	switch (key) {
	case EM_KEY_LEFT:
	case 2: /* Ctrl-B */
		le->cur = prev_char(le, le->cur);
		return 2;
	case EM_KEY_RIGHT:
	case 6: /* Ctrl-F */
		le->cur = next_char(le, le->cur);
		return 2;
	case EM_KEY_HOME:
	case 1: /* Ctrl-A */
		le->cur = 0;
		return 2;
	case EM_KEY_END:
	case 5: /* Ctrl-E */
		le->cur = le->len;
		return 2;
	case EM_KEY_BACKSPACE:
	case 8:
		if (le->cur == 0)
			return 2;
		cut(le, prev_char(le, le->cur), le->cur);
		return 1;
	case EM_KEY_DELETE:
	case 4: /* Ctrl-D */
		if (le->cur >= le->len)
			return 2;
		cut(le, le->cur, next_char(le, le->cur));
		return 1;
	case 21: /* Ctrl-U */
		cut(le, 0, le->cur);
		return 1;
	case 11: /* Ctrl-K */
		le->len = le->cur;
		le->buf[le->len] = '\0';
		return 1;
	case 23: /* Ctrl-W: the word before the cursor */
		i = le->cur;
		while (i > 0 && le->buf[i - 1] == ' ')
			i--;
		while (i > 0 && le->buf[i - 1] != ' ')
			i--;
		cut(le, i, le->cur);
		return 1;
	default:
		break;
	}
	if (key < 32 || key == 127 || key > 255)
		return 0;
	return insert(le, key);
}

void em_le_draw(const struct em_lineedit *le, struct em_screen *s, int x, int y, int w,
    uint16_t style, int show_cursor)
{
	size_t off = 0;

	if (w <= 0)
		return;
	em_screen_fill(s, x, y, w, " ", style, 0);
	/* keep the cursor (and one cell for it past the end) in view */
	while (off < le->cur && em_text_width(le->buf + off, le->cur - off, s->utf8) > w - 1)
		off = next_char(le, off);
	em_screen_text(s, x, y, w, le->buf + off, le->len - off, style, 0);
	if (show_cursor) {
		int cx = x + em_text_width(le->buf + off, le->cur - off, s->utf8);
		struct em_cell *c = em_screen_at(s, cx, y);
		if (c != NULL && cx < x + w)
			c->attr |= EM_A_REVERSE;
	}
}

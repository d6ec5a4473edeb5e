/* picker.c - the filterable list: items, filtering, cursor, drawing. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "embers/vec.h"
#include "picker.h"
#include "theme.h"

void em_picker_init(struct em_picker *p, const char *title)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->title, sizeof(p->title), "%s", title);
}

void em_picker_clear(struct em_picker *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].text);
		free(p->items[i].aux);
	}
	p->n = 0;
	p->nvis = 0;
	p->cur = p->top = 0;
	p->col1 = 0;
}

void em_picker_free(struct em_picker *p)
{
	em_picker_clear(p);
	free(p->items);
	free(p->vis);
	memset(p, 0, sizeof(*p));
}

int em_picker_add(struct em_picker *p, const char *text, const char *aux, size_t tag)
{
	struct em_pick_item it;
	int w;

	it.text = strdup(text);
	it.aux = aux ? strdup(aux) : NULL;
	it.tag = tag;
	if (it.text == NULL || (aux && it.aux == NULL) ||
	    EM_VEC_RESERVE(p->items, p->cap, p->n + 1) < 0) {
		free(it.text);
		free(it.aux);
		return -1;
	}
	p->items[p->n++] = it;
	w = em_text_width(text, strlen(text), 1);
	if (w > p->col1)
		p->col1 = w;
	return 0;
}

void em_picker_set_note(struct em_picker *p, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->note, sizeof(p->note), fmt, ap);
	va_end(ap);
	p->note_error = error;
}

/* --- filtering -------------------------------------------------------------- */

static int has_word(const char *hay, const char *w, size_t wlen)
{
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < wlen && hay[i] && tolower((unsigned char)hay[i]) ==
		    tolower((unsigned char)w[i]))
			i++;
		if (i == wlen)
			return 1;
	}
	return wlen == 0;
}

static int words_match(const struct em_pick_item *it, const char *f)
{
	while (*f) {
		size_t len;

		while (*f == ' ')
			f++;
		len = strcspn(f, " ");
		if (len > 0 && !has_word(it->text, f, len) &&
		    !(it->aux != NULL && has_word(it->aux, f, len)))
			return 0;
		f += len;
	}
	return 1;
}

void em_picker_refilter(struct em_picker *p)
{
	const char *f = p->filter.buf;
	const struct em_pick_item *keep = em_picker_current(p);
	size_t keep_i = keep ? (size_t)(keep - p->items) : (size_t)-1;
	regex_t re;
	int use_re = 0;

	p->bad_regex = 0;
	if (p->mode == EM_PICK_REGEX && *f) {
		size_t n = strlen(f) + 8;
		char *pat = malloc(n);
		if (pat != NULL) {
			/* Pyroscope's regex matchers are fully anchored */
			snprintf(pat, n, "^(%s)$", f);
			use_re = regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) == 0;
			p->bad_regex = !use_re;
			free(pat);
		}
	}
	p->nvis = 0;
	p->cur = 0;
	if (EM_VEC_RESERVE(p->vis, p->viscap, p->n ? p->n : 1) < 0)
		goto out;
	for (size_t i = 0; i < p->n; i++) {
		int pass = p->mode == EM_PICK_REGEX
		    ? (!use_re || regexec(&re, p->items[i].text, 0, NULL, 0) == 0)
		    : words_match(&p->items[i], f);
		if (!pass)
			continue;
		if (i == keep_i)
			p->cur = p->nvis; /* the cursor stays on its row when it can */
		p->vis[p->nvis++] = i;
	}
out:
	if (use_re)
		regfree(&re);
	if (p->cur < p->top)
		p->top = p->cur;
	if (p->top > p->cur)
		p->top = p->cur;
}

void em_picker_set_filter(struct em_picker *p, const char *text)
{
	em_le_set(&p->filter, text);
	em_picker_refilter(p);
}

const struct em_pick_item *em_picker_current(const struct em_picker *p)
{
	if (p->nvis == 0 || p->cur >= p->nvis)
		return NULL;
	return &p->items[p->vis[p->cur]];
}

int em_picker_select(struct em_picker *p, const char *text)
{
	for (size_t i = 0; i < p->nvis; i++)
		if (strcmp(p->items[p->vis[i]].text, text) == 0) {
			p->cur = i;
			return 0;
		}
	return -1;
}

/* --- keys ------------------------------------------------------------------- */

static void move(struct em_picker *p, long d, int rows)
{
	long c = (long)p->cur + d;

	if (p->nvis == 0)
		return;
	if (c < 0)
		c = 0;
	if (c >= (long)p->nvis)
		c = (long)p->nvis - 1;
	p->cur = (size_t)c;
	if (rows < 1)
		rows = 1;
	if (p->cur < p->top)
		p->top = p->cur;
	else if (p->cur >= p->top + (size_t)rows)
		p->top = p->cur - (size_t)rows + 1;
}

int em_picker_key(struct em_picker *p, int key, int rows)
{
	int r;

	switch (key) {
	case EM_KEY_UP:
	case 16: /* Ctrl-P */
		move(p, -1, rows);
		return EM_PICK_NONE;
	case EM_KEY_DOWN:
	case 14: /* Ctrl-N */
		move(p, 1, rows);
		return EM_PICK_NONE;
	case EM_KEY_PGUP:
		move(p, -(rows > 1 ? rows - 1 : 1), rows);
		return EM_PICK_NONE;
	case EM_KEY_PGDN:
		move(p, rows > 1 ? rows - 1 : 1, rows);
		return EM_PICK_NONE;
	case EM_KEY_HOME:
		move(p, -(long)p->nvis, rows);
		return EM_PICK_NONE;
	case EM_KEY_END:
		move(p, (long)p->nvis, rows);
		return EM_PICK_NONE;
	case EM_KEY_ENTER:
	case '\n':
		return EM_PICK_CHOSEN;
	case EM_KEY_ESC:
		if (p->filter.len > 0) {
			em_picker_set_filter(p, "");
			return EM_PICK_NONE;
		}
		return EM_PICK_CANCEL;
	default:
		break;
	}
	r = em_le_key(&p->filter, key);
	if (r == 1)
		em_picker_refilter(p);
	return EM_PICK_NONE;
}

/* --- drawing ---------------------------------------------------------------- */

int em_picker_rows(int h)
{
	return h > 3 ? h - 3 : 1;
}

void em_picker_draw(struct em_picker *p, struct em_screen *s, int x, int y, int w, int h,
    const char *hint)
{
	char count[64];
	int rows = em_picker_rows(h), cw, hw = hint ? em_text_width(hint, strlen(hint), s->utf8) : 0;

	for (int r = 0; r < h; r++)
		em_screen_fill(s, x, y + r, w, " ", EM_ST_NORMAL, 0);
	if (h < 3)
		return;
	em_screen_fit(s, x + 1, y, w - 2 - (hw ? hw + 2 : 0), p->title, strlen(p->title),
	    EM_ST_TITLE, 0);
	if (hint && hw + 2 < w)
		em_screen_puts(s, x + w - hw - 1, y, hw, hint, EM_ST_BORDER, 0);
	snprintf(count, sizeof(count), " %zu/%zu", p->nvis, p->n);
	cw = (int)strlen(count);
	em_screen_puts(s, x + 1, y + 1, 2, "> ", EM_ST_PROMPT, 0);
	em_le_draw(&p->filter, s, x + 3, y + 1, w - 4 - cw - 1, EM_ST_PROMPT, 1);
	em_screen_puts(s, x + w - cw - 1, y + 1, cw, count, EM_ST_BORDER, 0);
	if (p->bad_regex)
		em_screen_puts(s, x + w - cw - 16, y + 1, 14, "(invalid regex)", EM_ST_ERROR, 0);
	if (p->note[0] != '\0' && (p->n == 0 || p->loading || p->note_error)) {
		em_screen_fit(s, x + 2, y + 3, w - 3, p->note, strlen(p->note),
		    p->note_error ? EM_ST_ERROR : EM_ST_NORMAL, 0);
		return;
	}
	if (p->nvis == 0) {
		em_screen_puts(s, x + 2, y + 3, w - 3, p->n ? "nothing matches the filter"
		    : "empty", EM_ST_BORDER, 0);
		return;
	}
	if (p->cur >= p->top + (size_t)rows)
		p->top = p->cur - (size_t)rows + 1;
	if (p->cur < p->top)
		p->top = p->cur;
	for (int r = 0; r < rows && p->top + (size_t)r < p->nvis; r++) {
		size_t vi = p->top + (size_t)r;
		const struct em_pick_item *it = &p->items[p->vis[vi]];
		int sel = vi == p->cur, yy = y + 3 + r, c1 = p->col1 + 2;
		uint16_t st = sel ? EM_ST_ROW_SEL : EM_ST_NORMAL;

		if (c1 > w / 2)
			c1 = w / 2;
		em_screen_fill(s, x + 1, yy, w - 2, " ", st, 0);
		if (it->aux == NULL) {
			em_screen_fit(s, x + 2, yy, w - 3, it->text, strlen(it->text), st, 0);
			continue;
		}
		em_screen_fit(s, x + 2, yy, c1 - 1, it->text, strlen(it->text), st, 0);
		em_screen_fit(s, x + 2 + c1, yy, w - 3 - c1, it->aux, strlen(it->aux),
		    sel ? st : EM_ST_HELP_KEY, 0);
	}
}

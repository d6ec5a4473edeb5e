/* textout.c - the one place that escapes names for text, CSV and JSON
 * output (the commands in src/cli and the flamebearer writer).
 *
 * Names are byte strings with a length (they may hold NUL). Runs of bytes
 * that need no escaping are written with one fwrite, since most names
 * have none. */
#include "embers/textout.h"

static int text_plain(unsigned char c, unsigned flags)
{
	if (c == '\t' && (flags & EM_TEXT_KEEP_TAB))
		return 1;
	return c >= 0x20 && c != 0x7f;
}

void em_put_text(FILE *out, const char *s, size_t n, unsigned flags)
{
	size_t i = 0, run;

	while (i < n) {
		unsigned char c;

		for (run = i; run < n && text_plain((unsigned char)s[run], flags); run++)
			;
		fwrite(s + i, 1, run - i, out);
		if (run == n)
			break;
		c = (unsigned char)s[run];
		if ((flags & EM_TEXT_SHORT) && (c == '\t' || c == '\n' || c == '\r'))
			fputs(c == '\t' ? "\\t" : c == '\n' ? "\\n" : "\\r", out);
		else
			fprintf(out, "\\x%02x", c);
		i = run + 1;
	}
}

static int csv_special(char c)
{
	return c == ',' || c == '"' || c == '\r' || c == '\n';
}

void em_put_csv(FILE *out, const char *s, size_t n)
{
	size_t i;
	int quote = 0;

	for (i = 0; i < n && !quote; i++)
		quote = csv_special(s[i]);
	if (!quote) {
		fwrite(s, 1, n, out);
		return;
	}
	putc('"', out);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			putc('"', out);
		putc(s[i], out);
	}
	putc('"', out);
}

/* The bounds of the second byte depend on the first (that is what rules
 * out overlongs, surrogates and values above U+10FFFF); the rest are
 * plain continuation bytes. */
size_t em_utf8_len(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i, dummy;

	if (bad == NULL)
		bad = &dummy;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 1;
	else if (c == 0xE0)
		need = 2, lo = 0xA0;
	else if (c == 0xED)
		need = 2, hi = 0x9F;
	else if (c >= 0xE1 && c <= 0xEF)
		need = 2;
	else if (c == 0xF0)
		need = 3, lo = 0x90;
	else if (c == 0xF4)
		need = 3, hi = 0x8F;
	else if (c >= 0xF1 && c <= 0xF3)
		need = 3;
	else {
		*bad = 1;
		return 0;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need + 1;
}

/* An ASCII byte inside a JSON string. */
static void json_ascii(FILE *out, unsigned char c, unsigned flags)
{
	const char *e = NULL;

	if (c == '"' || c == '\\') {
		putc('\\', out);
		putc(c, out);
		return;
	}
	if (c >= 0x20 && (c != 0x7f || (flags & EM_JSON_RAW_DEL))) {
		putc(c, out);
		return;
	}
	if (flags & EM_JSON_SHORT)
		e = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
	if (flags & EM_JSON_SHORT_BF)
		e = c == '\b' ? "\\b" : c == '\f' ? "\\f" : e;
	if (e != NULL)
		fputs(e, out);
	else
		fprintf(out, "\\u%04x", c);
}

void em_put_json(FILE *out, const char *str, size_t n, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len, bad;

	putc('"', out);
	while (i < n) {
		if (s[i] < 0x80) {
			json_ascii(out, s[i++], flags);
		} else if ((len = em_utf8_len(s + i, n - i, &bad)) > 0) {
			fwrite(s + i, 1, len, out);
			i += len;
		} else if (flags & EM_JSON_RAW_FFFD) {
			fputs("\xEF\xBF\xBD", out);
			i += bad;
		} else {
			fputs("\\ufffd", out);
			i++;
		}
	}
	putc('"', out);
}

/* test_textout.c - name escaping for text, CSV and JSON (textout.c):
 * every control byte, quotes, commas, NUL, invalid and overlong UTF-8,
 * multi-byte UTF-8 kept, and the JSON always parsing back (cJSON). */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/textout.h"
#include "tap.h"

enum kind { TEXT, CSV, JSON };

/* The bytes one call writes (malloc'd, *len set). */
static char *render(enum kind k, const char *s, size_t n, unsigned flags, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		return NULL;
	if (k == TEXT)
		em_put_text(f, s, n, flags);
	else if (k == CSV)
		em_put_csv(f, s, n);
	else
		em_put_json(f, s, n, flags);
	fclose(f);
	return buf;
}

/* Exact comparison (both sides may hold NUL); shows the output on failure. */
static void check(enum kind k, const char *s, size_t n, unsigned flags,
    const char *want, size_t wlen, const char *name)
{
	size_t len = 0, i;
	char *got = render(k, s, n, flags, &len);

	if (!ok(got != NULL && len == wlen && memcmp(got, want, wlen) == 0, "%s", name)) {
		printf("#   got (%zu bytes) '", len);
		for (i = 0; got != NULL && i < len; i++)
			printf((unsigned char)got[i] < 0x20 || (unsigned char)got[i] >= 0x7f ?
			    "<%02x>" : "%c", (unsigned char)got[i]);
		printf("'\n");
	}
	free(got);
}

/* String literals with their exact length (NUL inside included). */
#define CHECK(k, in, flags, out, name) \
	check(k, in, sizeof(in) - 1, flags, out, sizeof(out) - 1, name)

static void test_text_controls(void)
{
	char in[1], want[8];
	int c, bad0 = 0, bad_short = 0, bad_tab = 0;

	for (c = 0; c < 0x80; c++) {
		size_t len;
		char *got;

		if (c >= 0x20 && c != 0x7f)
			continue;
		in[0] = (char)c;
		snprintf(want, sizeof(want), "\\x%02x", c);
		got = render(TEXT, in, 1, 0, &len);
		bad0 += !(len == 4 && memcmp(got, want, 4) == 0);
		free(got);
		got = render(TEXT, in, 1, EM_TEXT_SHORT, &len);
		if (c == '\t' || c == '\n' || c == '\r')
			bad_short += !(len == 2 && got[0] == '\\' &&
			    got[1] == (c == '\t' ? 't' : c == '\n' ? 'n' : 'r'));
		else
			bad_short += !(len == 4 && memcmp(got, want, 4) == 0);
		free(got);
		got = render(TEXT, in, 1, EM_TEXT_KEEP_TAB, &len);
		if (c == '\t')
			bad_tab += !(len == 1 && got[0] == '\t');
		else
			bad_tab += !(len == 4 && memcmp(got, want, 4) == 0);
		free(got);
	}
	is_int(bad0, 0, "text: each of the 33 control bytes and DEL is \\xHH");
	is_int(bad_short, 0, "text SHORT: \\t \\n \\r named, the rest \\xHH");
	is_int(bad_tab, 0, "text KEEP_TAB: tab as it is, the rest \\xHH");
}

static void test_text(void)
{
	char all[95];
	int c;

	test_text_controls();
	for (c = 0x20; c < 0x7f; c++)
		all[c - 0x20] = (char)c;
	check(TEXT, all, sizeof(all), EM_TEXT_SHORT, all, sizeof(all),
	    "text: printable ASCII unchanged, backslash included");
	CHECK(TEXT, "main\0x", 0, "main\\x00x", "text: NUL inside a name is \\x00");
	CHECK(TEXT, "a\tb\nc\rd\x1b[2J", EM_TEXT_SHORT, "a\\tb\\nc\\rd\\x1b[2J",
	    "text: a name with escapes and a terminal sequence");
	CHECK(TEXT, "\xc3\xa9\xff\xc0\xaf", 0, "\xc3\xa9\xff\xc0\xaf",
	    "text: bytes >= 0x80 written as they are");
	CHECK(TEXT, "", EM_TEXT_SHORT, "", "text: empty name writes nothing");
	check(TEXT, "abc", 1, 0, "a", 1, "text: the length is obeyed, not the NUL");
}

static void test_csv(void)
{
	CHECK(CSV, "main.run", 0, "main.run", "csv: plain field unquoted");
	CHECK(CSV, "", 0, "", "csv: empty field");
	CHECK(CSV, "a,b", 0, "\"a,b\"", "csv: comma quotes the field");
	CHECK(CSV, "say \"hi\"", 0, "\"say \"\"hi\"\"\"", "csv: quotes doubled");
	CHECK(CSV, "\"", 0, "\"\"\"\"", "csv: a lone quote");
	CHECK(CSV, "a\nb", 0, "\"a\nb\"", "csv: LF quotes the field");
	CHECK(CSV, "a\rb", 0, "\"a\rb\"", "csv: CR quotes the field");
	CHECK(CSV, "a\tb;c", 0, "a\tb;c", "csv: tab and semicolon do not quote");
	CHECK(CSV, "a\0b", 0, "a\0b", "csv: NUL written as it is, no quotes");
	CHECK(CSV, "a\0,\"b", 0, "\"a\0,\"\"b\"", "csv: NUL before a comma kept inside quotes");
	CHECK(CSV, "x\xff\xc0", 0, "x\xff\xc0", "csv: invalid UTF-8 written as it is");
}

static void test_json_controls(void)
{
	char in[1], want[16];
	int c, bad[3] = { 0, 0, 0 };
	static const unsigned fl[3] = { 0, EM_JSON_SHORT, EM_JSON_FLAMEBEARER };
	int k;

	for (c = 0; c < 0x20; c++) {
		in[0] = (char)c;
		for (k = 0; k < 3; k++) {
			const char *e = NULL;
			size_t len;
			char *got = render(JSON, in, 1, fl[k], &len);

			if (k >= 1)
				e = c == '\n' ? "\"\\n\"" : c == '\t' ? "\"\\t\"" :
				    c == '\r' ? "\"\\r\"" : NULL;
			if (k == 2 && e == NULL)
				e = c == '\b' ? "\"\\b\"" : c == '\f' ? "\"\\f\"" : NULL;
			if (e == NULL) {
				snprintf(want, sizeof(want), "\"\\u%04x\"", c);
				e = want;
			}
			bad[k] += !(len == strlen(e) && memcmp(got, e, len) == 0);
			free(got);
		}
	}
	is_int(bad[0], 0, "json: every control byte as \\u00XX");
	is_int(bad[1], 0, "json SHORT: \\n \\t \\r, the rest \\u00XX");
	is_int(bad[2], 0, "json FLAMEBEARER: \\b \\f \\n \\r \\t, the rest \\u00XX");
	CHECK(JSON, "\x7f", 0, "\"\\u007f\"", "json: DEL as \\u007f");
	CHECK(JSON, "\x7f", EM_JSON_RAW_DEL, "\"\x7f\"", "json RAW_DEL: DEL as it is");
}

/* Every byte 0..0x7f, escaped and parsed back by cJSON, is the input. */
static void test_json_parses(void)
{
	static const unsigned fl[3] = { 0, EM_JSON_SHORT, EM_JSON_FLAMEBEARER };
	char in[127], *doc;
	size_t len;
	int c, k;

	for (c = 1; c < 0x80; c++) /* cJSON strings end at NUL */
		in[c - 1] = (char)c;
	for (k = 0; k < 3; k++) {
		cJSON *j;
		char *z;

		doc = render(JSON, in, sizeof(in), fl[k], &len);
		z = malloc(len + 1);
		memcpy(z, doc, len);
		z[len] = '\0';
		j = cJSON_Parse(z);
		ok(j != NULL && cJSON_IsString(j) &&
		    strlen(j->valuestring) == sizeof(in) &&
		    memcmp(j->valuestring, in, sizeof(in)) == 0,
		    "json flags %#x: bytes 1..0x7f parse back to themselves", fl[k]);
		cJSON_Delete(j);
		free(z);
		free(doc);
	}
}

static void test_json(void)
{
	test_json_controls();
	test_json_parses();
	CHECK(JSON, "", 0, "\"\"", "json: empty string");
	CHECK(JSON, "a\"b\\c", 0, "\"a\\\"b\\\\c\"", "json: quote and backslash escaped");
	CHECK(JSON, "a,b/c", 0, "\"a,b/c\"", "json: comma and slash as they are");
	CHECK(JSON, "a\0b", EM_JSON_SHORT, "\"a\\u0000b\"", "json: NUL as \\u0000");
	CHECK(JSON, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 0,
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"",
	    "json: 2-, 3- and 4-byte UTF-8 (U+10FFFF too) kept");
	CHECK(JSON, "\xf0\x9f\x98\x80", EM_JSON_FLAMEBEARER, "\"\xf0\x9f\x98\x80\"",
	    "json FLAMEBEARER: 4-byte UTF-8 kept");
	CHECK(JSON, "a\x80z", 0, "\"a\\ufffdz\"", "json: lone continuation byte");
	CHECK(JSON, "\xc0\xaf", 0, "\"\\ufffd\\ufffd\"", "json: overlong 2-byte '/'");
	CHECK(JSON, "\xe0\x80\xaf", 0, "\"\\ufffd\\ufffd\\ufffd\"", "json: overlong 3-byte");
	CHECK(JSON, "\xf0\x80\x80\xaf", 0, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
	    "json: overlong 4-byte");
	CHECK(JSON, "\xed\xa0\x80", 0, "\"\\ufffd\\ufffd\\ufffd\"", "json: surrogate U+D800");
	CHECK(JSON, "\xf4\x90\x80\x80", 0, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
	    "json: above U+10FFFF");
	CHECK(JSON, "\xf5\xfe\xff", 0, "\"\\ufffd\\ufffd\\ufffd\"", "json: bytes never in UTF-8");
	CHECK(JSON, "x\xe2\x82", 0, "\"x\\ufffd\\ufffd\"", "json: cut-short sequence, per byte");
	CHECK(JSON, "x\xe2\x82", EM_JSON_RAW_FFFD, "\"x\xef\xbf\xbd\"",
	    "json RAW_FFFD: cut-short sequence is one U+FFFD");
	CHECK(JSON, "\xf0\x9f\x98" "A\xc0\xaf", EM_JSON_RAW_FFFD,
	    "\"\xef\xbf\xbd" "A\xef\xbf\xbd\xef\xbf\xbd\"",
	    "json RAW_FFFD: maximal subparts (cut 4-byte; overlong per byte)");
	CHECK(JSON, "\xed\xa0\x80", EM_JSON_RAW_FFFD, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
	    "json RAW_FFFD: surrogate is three U+FFFD");
}

static void test_utf8_len(void)
{
	size_t bad = 99;

	is_int(em_utf8_len((const unsigned char *)"A", 1, &bad), 1, "utf8: ASCII");
	is_int(em_utf8_len((const unsigned char *)"\xc2\x80", 2, &bad), 2, "utf8: U+0080");
	is_int(em_utf8_len((const unsigned char *)"\xef\xbf\xbf", 3, &bad), 3, "utf8: U+FFFF");
	is_int(em_utf8_len((const unsigned char *)"\xf0\x90\x80\x80", 4, &bad), 4,
	    "utf8: U+10000");
	is_int(em_utf8_len((const unsigned char *)"\xc1\xbf", 2, &bad), 0, "utf8: C1 overlong");
	is_int(bad, 1, "utf8: C1 is a 1-byte bad part");
	is_int(em_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 3, &bad), 0,
	    "utf8: the length bounds the sequence");
	is_int(bad, 3, "utf8: the cut-short part is 3 bytes");
	is_int(em_utf8_len((const unsigned char *)"\xe2" "A", 2, &bad), 0, "utf8: bad continuation");
	is_int(bad, 1, "utf8: bad part stops before the ASCII byte");
	is_int(em_utf8_len((const unsigned char *)"\x80", 1, NULL), 0, "utf8: NULL bad allowed");
}

int main(void)
{
	test_text();
	test_csv();
	test_json();
	test_utf8_len();
	return done();
}

/* textout.h - writing names that may hold any bytes as one-line text, as
 * a CSV field or as a JSON string.
 *
 * Names come from profiles and servers, so they may hold control bytes,
 * NUL and invalid UTF-8: every function takes an exact length and writes
 * to a FILE* (errors show in ferror, checked by the caller once at the
 * end). The flags keep each command's output as its tests pin it. */
#ifndef EMBERS_TEXTOUT_H
#define EMBERS_TEXTOUT_H

#include <stddef.h>
#include <stdio.h>

/* Text: control bytes and DEL become \xHH so a row stays one line and a
 * name cannot drive the terminal; other bytes are written as they are. */
#define EM_TEXT_SHORT 0x1u    /* tab, LF, CR as \t \n \r (top, diff) */
#define EM_TEXT_KEEP_TAB 0x2u /* tab written as it is (source lines) */

void em_put_text(FILE *out, const char *s, size_t n, unsigned flags);

/* CSV (RFC 4180): a field holding a comma, quote, CR or LF is quoted with
 * its quotes doubled; any other field is written as it is. */
void em_put_csv(FILE *out, const char *s, size_t n);

/* JSON string, quotes included. '"' and '\\' are escaped, other control
 * bytes and DEL become \u00XX, valid UTF-8 is kept and each invalid byte
 * becomes the escape \ufffd (as Go's encoding/json), unless a flag says
 * otherwise. The output always parses. */
#define EM_JSON_SHORT 0x1u     /* \n \t \r as two-character escapes */
#define EM_JSON_SHORT_BF 0x2u  /* \b \f likewise */
#define EM_JSON_RAW_DEL 0x4u   /* DEL as it is (JSON allows it) */
#define EM_JSON_RAW_FFFD 0x8u  /* invalid UTF-8: the bytes EF BF BD, one per
                                * maximal ill-formed part (Unicode's
                                * "substitution of maximal subparts") */
#define EM_JSON_FLAMEBEARER \
	(EM_JSON_SHORT | EM_JSON_SHORT_BF | EM_JSON_RAW_DEL | EM_JSON_RAW_FFFD)

void em_put_json(FILE *out, const char *s, size_t n, unsigned flags);

/* Length (1 to 4) of the well-formed UTF-8 sequence at s, which has n > 0
 * bytes; 0 when ill-formed (overlong, surrogate, above U+10FFFF, cut
 * short), with *bad set to the length of the maximal ill-formed part. */
size_t em_utf8_len(const unsigned char *s, size_t n, size_t *bad);

#endif

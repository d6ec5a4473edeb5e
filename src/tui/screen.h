/* screen.h - the cell grid every view draws into.
 *
 * A screen is w x h cells; a cell holds one glyph (UTF-8, at most 4 bytes),
 * a style slot (see theme.h) and attributes. Views never talk to curses:
 * they fill a screen, and term_curses.c copies it to the terminal. Tests and
 * the benchmark read the same grid as text. */
#ifndef EMBERS_TUI_SCREEN_H
#define EMBERS_TUI_SCREEN_H

#include <stddef.h>
#include <stdint.h>

enum em_attr {
	EM_A_BOLD = 1,
	EM_A_REVERSE = 2,
	EM_A_UNDERLINE = 4,
	EM_A_DIM = 8,
	EM_A_WIDE = 16,  /* first half of a double-width glyph */
	EM_A_CONT = 32   /* second half: draw nothing */
};

struct em_cell {
	char ch[4];      /* UTF-8 bytes, not NUL-terminated when 4 long */
	uint8_t len;     /* bytes used in ch (0 = continuation cell) */
	uint8_t attr;    /* enum em_attr */
	uint16_t style;  /* enum em_style or a flame palette slot */
};

/* Glyphs that differ between a UTF-8 and an ASCII terminal. */
struct em_glyphs {
	int utf8;
	const char *ellipsis; int ellipsis_w;
	const char *vline, *hline, *block, *shade, *crumb_sep;
	const char *sort_down, *sort_up;
	const char *agg; /* narrow-frame aggregate marker */
};

const struct em_glyphs *em_glyphs_get(int utf8);

struct em_screen {
	int w, h;
	struct em_cell *cells;
	int utf8;
};

/* Resize (contents become blank); -1 on out of memory. */
int em_screen_resize(struct em_screen *s, int w, int h);
void em_screen_free(struct em_screen *s);
void em_screen_clear(struct em_screen *s, uint16_t style);
struct em_cell *em_screen_at(struct em_screen *s, int x, int y);

/* Fill cells [x, x+w) of row y with a glyph (ASCII or one UTF-8 char). */
void em_screen_fill(struct em_screen *s, int x, int y, int w, const char *glyph,
    uint16_t style, uint8_t attr);
/* Write text[0..len) at (x, y), at most maxw columns, cutting at the edge.
 * Invalid UTF-8 and control bytes become '?'; on an ASCII screen every
 * non-ASCII character does. Returns the columns used. */
int em_screen_text(struct em_screen *s, int x, int y, int maxw, const char *text,
    size_t len, uint16_t style, uint8_t attr);
/* Like em_screen_text with NUL-terminated text. */
int em_screen_puts(struct em_screen *s, int x, int y, int maxw, const char *text,
    uint16_t style, uint8_t attr);
/* Write text fitted into exactly w columns: cut with an ellipsis when too
 * long, padded with spaces when short. */
void em_screen_fit(struct em_screen *s, int x, int y, int w, const char *text,
    size_t len, uint16_t style, uint8_t attr);

/* The same, cutting the middle out instead: for function names, whose
 * end (the function) and start (the package) tell most. */
void em_screen_fit_mid(struct em_screen *s, int x, int y, int w, const char *text,
    size_t len, uint16_t style, uint8_t attr);

/* Display width of text (same rules as em_screen_text). */
int em_text_width(const char *text, size_t len, int utf8);

/* Row y as UTF-8 text into buf (trailing spaces kept); returns buf. */
char *em_screen_row(const struct em_screen *s, int y, char *buf, size_t n);

#endif

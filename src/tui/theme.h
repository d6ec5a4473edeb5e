/* theme.h - semantic colour slots, theme files and colour-depth reduction.
 *
 * Drawing code asks for a slot (EM_ST_STATUS, EM_ST_FRAME_SEL, a flame
 * palette slot), never for a colour. A theme file in themes/ gives each slot
 * a foreground, a background and attributes; term_curses.c turns RGB into
 * what the terminal can show (24-bit, 256, 16, 8 colours or none). */
#ifndef EMBERS_TUI_THEME_H
#define EMBERS_TUI_THEME_H

#include <stddef.h>
#include <stdint.h>

#include "embers/error.h"

/* X(slot, name in theme files) */
#define EM_STYLES(X) \
	X(NORMAL, "normal") \
	X(STATUS, "status") \
	X(INFO, "info") \
	X(HEADER, "header") \
	X(HEADER_FOCUS, "header-focus") \
	X(ROW_SEL, "row-selected") \
	X(ROW_SEL_DIM, "row-selected-unfocused") \
	X(ROW_MATCH, "row-match") \
	X(FRAME_SEL, "frame-selected") \
	X(FRAME_DIM, "frame-dim") \
	X(AGG, "aggregate") \
	X(CRUMB, "breadcrumb") \
	X(BORDER, "border") \
	X(PROMPT, "prompt") \
	X(ERROR, "error") \
	X(HELP, "help") \
	X(HELP_KEY, "help-key") \
	X(TITLE, "title") \
	X(PROGRESS, "progress") \
	X(SRC_GUTTER, "source-gutter") \
	X(SRC_HOT1, "source-hot-low") \
	X(SRC_HOT2, "source-hot-mid") \
	X(SRC_HOT3, "source-hot-high") \
	X(DIFF_SAME, "diff-same") \
	X(DIFF_GROW1, "diff-grow-low") \
	X(DIFF_GROW2, "diff-grow-mid") \
	X(DIFF_GROW3, "diff-grow-high") \
	X(DIFF_SHRINK1, "diff-shrink-low") \
	X(DIFF_SHRINK2, "diff-shrink-mid") \
	X(DIFF_SHRINK3, "diff-shrink-high")

enum em_style {
#define EM_STYLE_ENUM(slot, name) EM_ST_##slot,
	EM_STYLES(EM_STYLE_ENUM)
#undef EM_STYLE_ENUM
	EM_ST_FLAME /* first flame palette slot */
};

#define EM_PALETTE_MAX 24
#define EM_NSTYLES (EM_ST_FLAME + EM_PALETTE_MAX)

/* A colour: EM_COLOR_DEFAULT, an xterm index 0..255, or EM_RGB(0xRRGGBB). */
#define EM_COLOR_DEFAULT (-1)
#define EM_RGB_FLAG 0x1000000
#define EM_RGB(v) ((int32_t)(EM_RGB_FLAG | ((v) & 0xffffff)))
#define EM_IS_RGB(c) ((c) >= 0 && ((c) & EM_RGB_FLAG))

struct em_style_def {
	int32_t fg, bg;
	uint8_t attr; /* enum em_attr */
};

struct em_theme {
	char name[64];
	struct em_style_def st[EM_NSTYLES];
	int npalette; /* flame slots given by the theme (1..EM_PALETTE_MAX) */
};

/* Built-in copies of themes/dark.theme and themes/mono.theme, used when
 * no theme file can be found; -1 for other names. */
int em_theme_builtin(struct em_theme *th, const char *name);
/* Parse theme text (name is for messages). 0, or -1 with err. */
int em_theme_parse(struct em_theme *th, const char *name, const char *text,
    size_t len, em_error *err);
/* Find and load a theme by name ("dark") or path ("./x.theme"). Looks in
 * $EMBERS_THEME_DIR, the source tree, then the installed data directory. */
int em_theme_load(struct em_theme *th, const char *name, em_error *err);
/* Path of the theme file name would load, into buf; -1 when none. */
int em_theme_find(const char *name, char *buf, size_t n);

/* Flame palette slot for a function name: a hash of its package or class
 * part, so colours stay the same across runs and group related code. */
uint16_t em_flame_style(const struct em_theme *th, const char *name, size_t len);
/* The package/class part of a function name (offset 0, returned length). */
size_t em_name_package(const char *name, size_t len);

/* Colour depth reduction. */
int em_rgb_to_256(uint32_t rgb);
int em_rgb_to_16(uint32_t rgb, int ncolors); /* ncolors 8 or 16 */
uint32_t em_256_to_rgb(int idx);

#endif

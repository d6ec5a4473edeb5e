/* lines.h - per-line self and total of functions, as go tool pprof -list
 * computes them at line granularity.
 *
 * Figures are kept per (function, file): a function's name may be defined
 * in several files (JavaScript, Python), and pprof -list shows one routine
 * per function and file. The file of a frame is em_line_file.
 * For a (function, file, line):
 *   self  = sum of the values of samples whose leaf frame is that one
 *           (the innermost inlined frame of the leaf location);
 *   total = sum of the values of samples that hold it at least once.
 * A (function, file)'s own self and total are computed the same way at that
 * granularity (recursion counted once); for a function in one file they
 * equal em_top's figures. Rows whose self and total are both zero are
 * dropped, as pprof drops graph nodes without weight. No I/O here. */
#ifndef EMBERS_LINES_H
#define EMBERS_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"

typedef struct em_line_row {
	int64_t line;  /* 0 when the profile has no line number */
	int64_t self;
	int64_t total;
} em_line_row;

typedef struct em_func_lines {
	em_func_id func;
	em_str file;          /* 0: frames without a file */
	int64_t self, total;  /* the (function, file)'s figures */
	size_t first, n;      /* its rows: lines->rows[first .. first + n), by line */
} em_func_lines;

typedef struct em_lines {
	em_line_row *rows;
	size_t nrows;
	em_func_lines *funcs; /* wanted (function, file)s with weight, by function
	                       * id, then file name bytewise ("" first) */
	uint32_t nfuncs;
	int64_t total;        /* sum of the type's sample values */
	uint32_t type;
} em_lines;

/* One pass over the samples for every function f with want[f] != 0 (want
 * has p->nfuncs entries; NULL means all functions). 0, or -1 with err on
 * overflow or out of memory. */
int em_lines_build(em_lines *l, const em_profile *p, uint32_t type,
    const unsigned char *want, em_error *err);
/* The same for the single function f. */
int em_lines_build_func(em_lines *l, const em_profile *p, uint32_t type,
    em_func_id f, em_error *err);
void em_lines_free(em_lines *l);

/* The first entry of function f (its other files follow), or NULL when it
 * has no weight. */
const em_func_lines *em_lines_find(const em_lines *l, em_func_id f);
/* The entry of f in file, or NULL. */
const em_func_lines *em_lines_find_file(const em_lines *l, em_func_id f, em_str file);

/* The line range go tool pprof -list shows for a function in a file: from
 * its start line there (em_profile_start_line; or 5 lines above its first
 * sampled line when the start line is unknown) to 5 lines below its last
 * sampled line, never below 1. The printer also stops at the end of the
 * file. */
void em_lines_window(const em_profile *p, const em_lines *l,
    const em_func_lines *fl, int64_t *start, int64_t *end);

/* The row for line in fl, or NULL when the line has no weight. */
const em_line_row *em_lines_row(const em_lines *l, const em_func_lines *fl,
    int64_t line);

/* The row with the largest self (ties: total, then the lower line), or
 * NULL when fl has no row with a positive line number. */
const em_line_row *em_lines_hottest(const em_lines *l, const em_func_lines *fl);

#endif

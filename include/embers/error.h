/* error.h - one-line error messages carried from the core to the caller.
 *
 * The core never prints: it fills an em_error and returns -1 (or NULL).
 * The caller decides whether the line goes to stderr or the status bar. */
#ifndef EMBERS_ERROR_H
#define EMBERS_ERROR_H

#include <stddef.h>

#define EM_ERROR_MAX 512

typedef struct em_error {
	char msg[EM_ERROR_MAX];
} em_error;

#if defined(__GNUC__)
#define EM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define EM_PRINTF(a, b)
#endif

/* Set the message (printf-style, bounded). A NULL err is allowed. Returns -1. */
int em_error_set(em_error *err, const char *fmt, ...) EM_PRINTF(2, 3);

/* Prefix the existing message with "WHAT: ", e.g. the file name. */
void em_error_prefix(em_error *err, const char *what);

/* strerror(e) with its first letter in lower case, like our other
 * messages ("'x/y': not a directory"); an all-capitals word ("RPC ...")
 * is kept. The text is in a per-thread buffer, valid until the next call
 * from the same thread. */
const char *em_strerror_lc(int e);

#endif

/* error.c - filling em_error messages (bounded, never allocates). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "embers/error.h"

int em_error_set(em_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void em_error_prefix(em_error *err, const char *what)
{
	char old[EM_ERROR_MAX];

	if (err == NULL || what == NULL)
		return;
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	/* the quoted name goes first; the cause is cut when both don't fit */
	snprintf(err->msg, sizeof(err->msg), "'%.200s': %.300s", what, old);
}

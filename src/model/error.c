/* error.c - filling em_error messages (bounded, never allocates). */
#include <ctype.h>
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

const char *em_strerror_lc(int e)
{
	static _Thread_local char buf[128];

	snprintf(buf, sizeof(buf), "%s", strerror(e));
	if (isupper((unsigned char)buf[0]) && !isupper((unsigned char)buf[1]))
		buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

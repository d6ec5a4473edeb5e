/* atomic.c - where exports go: export format names, and replacing a file
 * atomically (write a temporary file next to it, then rename) so that a
 * failed or interrupted export never leaves a half-written target. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embers/writer.h"

int em_export_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "folded") == 0)
		return EM_EXPORT_FOLDED;
	if (strcmp(s, "pprof") == 0)
		return EM_EXPORT_PPROF;
	if (strcmp(s, "json") == 0)
		return EM_EXPORT_JSON;
	return -1;
}

static int write_stdout(int (*fn)(FILE *, void *, em_error *), void *ctx,
    em_error *err)
{
	if (fn(stdout, ctx, err) < 0) {
		em_error_prefix(err, "stdout");
		return -1;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		return em_error_set(err, "'stdout': %s", em_strerror_lc(errno ? errno : EIO));
	return 0;
}

/* The mode a plain fopen would have given: 0666 less the umask. umask can
 * only be read by setting it, so it is set back at once. */
static mode_t default_mode(void)
{
	mode_t mask = umask(022);

	umask(mask);
	return 0666 & ~mask;
}

/* Write, flush and close the temporary file; -1 with err set on failure
 * (out is closed either way). */
static int fill_temp(FILE *out, const char *path,
    int (*fn)(FILE *, void *, em_error *), void *ctx, em_error *err)
{
	int rc;

	errno = 0;
	if (fn(out, ctx, err) < 0) {
		fclose(out);
		em_error_prefix(err, path);
		return -1;
	}
	rc = fflush(out) != 0 || ferror(out);
	if (rc) {
		int e = errno ? errno : EIO;

		fclose(out);
		return em_error_set(err, "'%s': %s", path, em_strerror_lc(e));
	}
	if (fclose(out) != 0)
		return em_error_set(err, "'%s': %s", path, em_strerror_lc(errno));
	return 0;
}

int em_write_file_atomic(const char *path,
    int (*fn)(FILE *out, void *ctx, em_error *err), void *ctx, em_error *err)
{
	size_t len;
	char *tmp;
	FILE *out;
	int fd;

	if (strcmp(path, "-") == 0)
		return write_stdout(fn, ctx, err);
	len = strlen(path);
	tmp = malloc(len + sizeof(".XXXXXX"));
	if (tmp == NULL)
		return em_error_set(err, "'%s': out of memory", path);
	memcpy(tmp, path, len);
	memcpy(tmp + len, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkstemp(tmp);
	if (fd < 0) {
		em_error_set(err, "'%s': %s", path, em_strerror_lc(errno));
		free(tmp);
		return -1;
	}
	/* mkstemp creates 0600; an export should look like any other file */
	if (fchmod(fd, default_mode()) < 0 || (out = fdopen(fd, "wb")) == NULL) {
		em_error_set(err, "'%s': %s", path, em_strerror_lc(errno));
		close(fd);
		goto fail;
	}
	if (fill_temp(out, path, fn, ctx, err) < 0)
		goto fail;
	if (rename(tmp, path) < 0) {
		em_error_set(err, "'%s': %s", path, em_strerror_lc(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	return -1;
}

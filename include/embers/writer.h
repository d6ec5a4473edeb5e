/* writer.h - turning a profile into bytes: folded stacks, gzip pprof and
 * flamebearer JSON. Writers go to a FILE; em_write_file_atomic writes a
 * whole output to a temporary file next to the target and renames it, so a
 * failed export never leaves a half-written file. */
#ifndef EMBERS_WRITER_H
#define EMBERS_WRITER_H

#include <stdio.h>

#include "embers/error.h"
#include "embers/profile.h"
#include "embers/tree.h"

typedef enum em_export_format {
	EM_EXPORT_FOLDED,
	EM_EXPORT_PPROF,
	EM_EXPORT_JSON
} em_export_format;

int em_export_parse(const char *s); /* -1 when unknown */

/* Every distinct stack root;...;leaf and its summed value for `type`,
 * sorted bytewise, zero rows dropped. */
int em_write_folded(FILE *out, const em_profile *p, uint32_t type, em_error *err);
/* gzip-compressed pprof with every sample type. */
int em_write_pprof(FILE *out, const em_profile *p, em_error *err);
/* Flamebearer JSON (legacy single format) of one sample type. */
int em_write_flamebearer(FILE *out, const em_profile *p, uint32_t type, em_error *err);

/* Run write(out, ctx) into PATH atomically ("-" = stdout). */
int em_write_file_atomic(const char *path,
    int (*write)(FILE *out, void *ctx, em_error *err), void *ctx, em_error *err);

#endif

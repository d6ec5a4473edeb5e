/* reader.h - turning bytes into a profile. The format is chosen by content,
 * never by file name; gzip is undone first whatever the name says. */
#ifndef EMBERS_READER_H
#define EMBERS_READER_H

#include <stddef.h>
#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"

typedef enum em_format {
	EM_FORMAT_UNKNOWN = 0,
	EM_FORMAT_PPROF,
	EM_FORMAT_FOLDED,
	EM_FORMAT_FLAMEBEARER,  /* legacy /pyroscope/render JSON */
	EM_FORMAT_FLAMEGRAPH    /* Connect SelectMergeStacktraces JSON */
} em_format;

/* Loading a big profile can be watched and stopped from another thread. */
typedef struct em_read_opts {
	/* Called now and then with the fraction done (0..1). */
	void (*progress)(void *ctx, double fraction);
	void *ctx;
	/* When non-NULL and it becomes non-zero, the reader stops with
	 * the error "cancelled". */
	volatile int *cancel;
	/* Refuse inputs that decompress to more than this (0 = 4 GiB). */
	size_t max_bytes;
} em_read_opts;

/* Guess the format of (already decompressed) bytes. */
em_format em_format_detect(const uint8_t *buf, size_t n);
const char *em_format_name(em_format f);

/* Read a whole file ("-" is stdin) and parse it. On error returns NULL and
 * err holds "'PATH': what is wrong". opts may be NULL. */
em_profile *em_read_file(const char *path, const em_read_opts *opts, em_error *err);
/* Parse bytes already in memory (gzip or not). */
em_profile *em_read_buffer(const uint8_t *buf, size_t n, const em_read_opts *opts,
    em_error *err);

/* gzip/zlib: 1 when buf starts with the gzip magic. */
int em_is_gzip(const uint8_t *buf, size_t n);
/* Inflate a gzip buffer into a malloc'd one; -1 and err on corrupt or
 * truncated data or when the output would exceed max_bytes. */
int em_gunzip(const uint8_t *buf, size_t n, size_t max_bytes, uint8_t **out,
    size_t *outlen, em_error *err);

/* The per-format readers fill an empty profile; 0 or -1 with err. */
int em_read_pprof(em_profile *p, const uint8_t *buf, size_t n,
    const em_read_opts *opts, em_error *err);
int em_read_folded(em_profile *p, const uint8_t *buf, size_t n,
    const em_read_opts *opts, em_error *err);
int em_read_flamebearer(em_profile *p, const uint8_t *buf, size_t n,
    const em_read_opts *opts, em_error *err);

/* Content sniffers behind em_format_detect. em_folded_sniff: 1 when text
 * has a "stack count" line among its first lines, or only comments and
 * blank lines (the reader then says "no stacks found").
 * em_flamebearer_sniff: EM_FORMAT_FLAMEBEARER / EM_FORMAT_FLAMEGRAPH when
 * a JSON object has that top-level key, else EM_FORMAT_UNKNOWN. */
int em_folded_sniff(const uint8_t *buf, size_t n);
em_format em_flamebearer_sniff(const uint8_t *buf, size_t n);

#endif

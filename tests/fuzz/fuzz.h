/* fuzz.h - the fuzz entry points shared by the libFuzzer targets and the
 * replay test.
 *
 * Each fuzz_<name>.c defines em_fuzz_<name>(): feed the bytes to one reader
 * and, when it accepts them, check the profile and everything built on it
 * (em_fuzz_profile). Compiled with -DEM_LIBFUZZER the same file also defines
 * LLVMFuzzerTestOneInput, so one source serves the libFuzzer binary (built
 * with --enable-fuzzing) and tests/fuzz/replay (built always, so the ASan
 * build exercises the same code without clang).
 *
 * A broken invariant calls em_fuzz_fail(), which aborts: libFuzzer saves the
 * input as a crash and the replay test dies with the message. */
#ifndef EMBERS_FUZZ_H
#define EMBERS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "embers/error.h"
#include "embers/profile.h"
#include "embers/reader.h"

/* Largest decompressed size the fuzz targets let a reader produce: big
 * enough for every seed, small enough that a gzip bomb is refused rather
 * than running the fuzzer out of memory. */
#define EM_FUZZ_MAX_BYTES ((size_t)64 << 20)

/* The outcome of one entry point on one input. */
enum em_fuzz_result { EM_FUZZ_REJECTED = 0, EM_FUZZ_ACCEPTED = 1 };

int em_fuzz_read(const uint8_t *data, size_t n);        /* em_read_buffer */
int em_fuzz_pprof(const uint8_t *data, size_t n);       /* em_read_pprof */
int em_fuzz_folded(const uint8_t *data, size_t n);      /* em_read_folded */
int em_fuzz_flamebearer(const uint8_t *data, size_t n); /* em_read_flamebearer */
int em_fuzz_gzip(const uint8_t *data, size_t n);        /* em_gunzip */
int em_fuzz_levels(const uint8_t *data, size_t n);      /* em_levels_to_profile_tree */
int em_fuzz_flamegraph_pb(const uint8_t *data, size_t n); /* em_levels_pb_decode */

/* Check a profile a reader accepted: its arrays are consistent, and for
 * every sample type the call tree and the top table build, agree with each
 * other, and survive the writers (pprof export reads back with the same
 * figures). Aborts on the first broken invariant. */
void em_fuzz_profile(const em_profile *p);

/* Check the error a reader left when it refused an input: one non-empty
 * line. The last one is kept in em_fuzz_last_error for the replay test. */
void em_fuzz_rejected(const char *what, const em_error *err);
extern em_error em_fuzz_last_error;

/* Run one of the per-format readers (em_read_pprof, em_read_folded,
 * em_read_flamebearer) on data and check what it gives, as above;
 * EM_FUZZ_ACCEPTED or EM_FUZZ_REJECTED. */
typedef int (*em_fuzz_reader_fn)(em_profile *p, const uint8_t *buf, size_t n,
    const em_read_opts *opts, em_error *err);
int em_fuzz_reader(em_fuzz_reader_fn read, const char *name, const uint8_t *data,
    size_t n);

/* Called by em_fuzz_fail before it aborts (the replay test names the
 * input there); NULL by default. */
extern void (*em_fuzz_on_fail)(void);

/* Print "embers fuzz: what" and abort. */
void em_fuzz_fail(const char *fmt, ...) EM_PRINTF(1, 2) __attribute__((noreturn));

#ifdef EM_LIBFUZZER
/* The libFuzzer entry point for the target whose body is fn. */
#define EM_FUZZ_TARGET(fn) \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n); \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n) \
	{ \
		(void)fn(data, n); \
		return 0; \
	}
#else
#define EM_FUZZ_TARGET(fn)
#endif

#endif

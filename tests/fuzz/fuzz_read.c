/* fuzz_read.c - fuzz target for em_read_buffer: format detection, gzip
 * and every reader behind it, as `embers top FILE` reaches them. */
#include "embers/reader.h"

#include "fuzz.h"

int em_fuzz_read(const uint8_t *data, size_t n)
{
	em_read_opts opts = { .max_bytes = EM_FUZZ_MAX_BYTES };
	em_error err = { { 0 } };
	em_profile *p = em_read_buffer(data, n, &opts, &err);

	if (p == NULL) {
		em_fuzz_rejected("em_read_buffer", &err);
		return EM_FUZZ_REJECTED;
	}
	em_fuzz_profile(p);
	em_profile_free(p);
	return EM_FUZZ_ACCEPTED;
}

EM_FUZZ_TARGET(em_fuzz_read)

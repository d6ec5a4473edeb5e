/* fuzz_flamebearer.c - fuzz target for em_read_flamebearer: the Pyroscope
 * JSON reader (legacy flamebearer and Connect flamegraph), reached without
 * format detection. */
#include "embers/reader.h"

#include "fuzz.h"

int em_fuzz_flamebearer(const uint8_t *data, size_t n)
{
	em_read_opts opts = { .max_bytes = EM_FUZZ_MAX_BYTES };
	em_error err = { { 0 } };
	em_profile *p = em_profile_new();
	int accepted;

	if (p == NULL)
		em_fuzz_fail("out of memory");
	accepted = em_read_flamebearer(p, data, n, &opts, &err) == 0;
	if (accepted)
		em_fuzz_profile(p);
	else
		em_fuzz_rejected("em_read_flamebearer", &err);
	em_profile_free(p);
	return accepted ? EM_FUZZ_ACCEPTED : EM_FUZZ_REJECTED;
}

EM_FUZZ_TARGET(em_fuzz_flamebearer)

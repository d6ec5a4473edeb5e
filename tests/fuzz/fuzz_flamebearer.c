/* fuzz_flamebearer.c - fuzz target for em_read_flamebearer: the Pyroscope
 * JSON reader (legacy flamebearer and Connect flamegraph), reached without
 * format detection. */
#include "embers/reader.h"

#include "fuzz.h"

int em_fuzz_flamebearer(const uint8_t *data, size_t n)
{
	return em_fuzz_reader(em_read_flamebearer, "em_read_flamebearer", data, n);
}

EM_FUZZ_TARGET(em_fuzz_flamebearer)

/* fuzz_pprof.c - fuzz target for em_read_pprof: the pprof reader on raw
 * (not gzip'd) protobuf bytes, reached without format detection so that
 * every mutation hits the wire decoder. */
#include "embers/reader.h"

#include "fuzz.h"

int em_fuzz_pprof(const uint8_t *data, size_t n)
{
	return em_fuzz_reader(em_read_pprof, "em_read_pprof", data, n);
}

EM_FUZZ_TARGET(em_fuzz_pprof)

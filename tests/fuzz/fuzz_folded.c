/* fuzz_folded.c - fuzz target for em_read_folded: the folded-stacks
 * reader, reached without format detection so that every mutation hits
 * the line parser. */
#include "embers/reader.h"

#include "fuzz.h"

int em_fuzz_folded(const uint8_t *data, size_t n)
{
	return em_fuzz_reader(em_read_folded, "em_read_folded", data, n);
}

EM_FUZZ_TARGET(em_fuzz_folded)

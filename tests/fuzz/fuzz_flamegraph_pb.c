/* fuzz_flamegraph_pb.c - fuzz target for em_levels_pb_decode, the reader
 * of the server's FlameGraph replies (SelectMergeStacktraces) straight
 * from the wire, checked against protobuf-c: whatever protobuf-c reads,
 * it must read the same names and rows from. What it accepts goes on
 * through em_levels_to_profile_tree and the profile checks. */
#include <stdlib.h>
#include <string.h>

#include "embers/levels.h"
#include "embers/tree.h"
#include "querier.pb-c.h"

#include "fuzz.h"

/* protobuf-c's reading of the same bytes, when it has one. */
static void against_pbc(const em_levels_pb *d, int ours, const uint8_t *data, size_t n)
{
	Pyro__SelectMergeStacktracesResponse *r =
	    pyro__select_merge_stacktraces_response__unpack(NULL, n, data);
	const Pyro__FlameGraph *fg;

	if (r == NULL)
		return; /* protobuf-c refuses more (e.g. bad UTF-8 in names): no claim */
	fg = r->flamegraph;
	if (!ours)
		em_fuzz_fail("protobuf-c reads a reply em_levels_pb_decode refuses: %s",
		    em_fuzz_last_error.msg);
	if ((fg != NULL) != (d->present != 0))
		em_fuzz_fail("flame graph present: protobuf-c %d, ours %d", fg != NULL, d->present);
	if (fg != NULL && (fg->n_names != d->nnames || fg->n_levels != d->nrows))
		em_fuzz_fail("%zu names / %zu levels, protobuf-c %zu / %zu", d->nnames, d->nrows,
		    fg->n_names, fg->n_levels);
	/* protobuf-c's strings end at a NUL inside them; ours keep their length */
	for (size_t i = 0; fg != NULL && i < d->nnames; i++)
		if ((d->name_len[i] != strlen(fg->names[i]) &&
		    memchr(d->names[i], 0, d->name_len[i]) == NULL) ||
		    memcmp(d->names[i], fg->names[i], strlen(fg->names[i])) != 0)
			em_fuzz_fail("name %zu differs from protobuf-c's", i);
	for (size_t i = 0; fg != NULL && i < d->nrows; i++)
		if (d->row_len[i] != fg->levels[i]->n_values || (d->row_len[i] > 0 &&
		    memcmp(d->rows[i], fg->levels[i]->values, d->row_len[i] * sizeof(int64_t))))
			em_fuzz_fail("level %zu differs from protobuf-c's", i);
	pyro__select_merge_stacktraces_response__free_unpacked(r, NULL);
}

int em_fuzz_flamegraph_pb(const uint8_t *data, size_t n)
{
	em_levels_pb d;
	em_profile *p;
	em_error err;
	em_tree t;
	int ours = em_levels_pb_decode(&d, data, n, 1, 4, &err) == 0;

	if (!ours)
		em_fuzz_rejected("em_levels_pb_decode", &err);
	against_pbc(&d, ours, data, n);
	if (!ours)
		return EM_FUZZ_REJECTED;
	p = em_profile_new();
	if (p == NULL || em_profile_add_type(p, "cpu", "nanoseconds") < 0)
		em_fuzz_fail("out of memory making a profile");
	p->format = "flamegraph";
	if (em_levels_to_profile_tree(p, &d.lv, &t, &err) < 0) {
		em_fuzz_rejected("em_levels_to_profile_tree", &err);
	} else {
		em_tree_free(&t);
		em_fuzz_profile(p);
	}
	em_profile_free(p);
	em_levels_pb_free(&d);
	return EM_FUZZ_ACCEPTED;
}

EM_FUZZ_TARGET(em_fuzz_flamegraph_pb)

/* fuzz_levels.c - fuzz target for em_levels_to_profile_tree, the decoder
 * of Pyroscope's flame graph levels behind the server client, and a
 * differential check of its direct call tree against em_tree_build.
 *
 * The input is read as a flame graph without any JSON or protobuf around
 * it, so mutations reach the decoder's own rules at once:
 *   byte 0: rows - 1 (low 4 bits); bit 4: diff groups (7 ints) instead of 4
 *   then per row: a byte n (groups = n % 32), then the groups' ints as
 *   zigzag varints (missing bytes read as 0).
 * Names come from a fixed table with a repeated name ("a" twice) and
 * "other" out of name order, as Pyroscope sends them. */
#include <stdlib.h>
#include <string.h>

#include "embers/levels.h"
#include "embers/top.h"
#include "embers/tree.h"

#include "fuzz.h"

#define MAX_ROWS 16
#define MAX_GROUPS 31

static const char *const names[] = { "total", "a", "b", "c", "other", "a", "d", "e", "f",
	"g", "h", "i" };

struct in {
	const uint8_t *p, *end;
};

static uint8_t byte(struct in *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

static int64_t zigzag(struct in *in)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t b = byte(in);

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void same_tree(const em_tree *a, const em_tree *b)
{
	if (a->n != b->n || a->nlevels != b->nlevels)
		em_fuzz_fail("levels tree: %u nodes / %u levels, em_tree_build %u / %u", a->n,
		    a->nlevels, b->n, b->nlevels);
	for (uint32_t i = 0; i < a->n; i++)
		if (a->func[i] != b->func[i] || a->total[i] != b->total[i] ||
		    a->child[i] != b->child[i])
			em_fuzz_fail("levels tree: node %u differs from em_tree_build's", i);
	for (uint32_t d = 0; d <= a->nlevels; d++)
		if (a->level[d] != b->level[d])
			em_fuzz_fail("levels tree: level %u starts differ", d);
}

/* The direct tree equals the one built from the samples it left. */
static void check_direct(const em_profile *p, const em_tree *t)
{
	em_tree ref;
	em_error err;

	if (em_tree_build(&ref, p, 0, &err) < 0)
		em_fuzz_fail("levels tree given, but em_tree_build fails: %s", err.msg);
	same_tree(t, &ref);
	em_tree_free(&ref);
}

int em_fuzz_levels(const uint8_t *data, size_t n)
{
	struct in in = { data, data + n };
	int64_t vals[MAX_ROWS][MAX_GROUPS * 7];
	const int64_t *rows[MAX_ROWS];
	size_t lens[MAX_ROWS];
	uint8_t head = byte(&in);
	int stride = head & 0x10 ? 7 : 4;
	em_levels lv;
	em_profile *p = em_profile_new();
	em_tree t;
	em_error err;
	int rc;

	memset(&lv, 0, sizeof(lv));
	lv.nrows = (size_t)(head & 0x0f) + 1;
	for (size_t r = 0; r < lv.nrows; r++) {
		size_t groups = byte(&in) % (MAX_GROUPS + 1);

		lens[r] = groups * (size_t)stride;
		for (size_t i = 0; i < lens[r]; i++)
			vals[r][i] = zigzag(&in);
		rows[r] = vals[r];
	}
	lv.rows = rows;
	lv.row_len = lens;
	lv.stride = stride;
	lv.names = names;
	lv.nnames = sizeof(names) / sizeof(names[0]);
	if (p == NULL || em_profile_add_type(p, "cpu", "nanoseconds") < 0 ||
	    (stride == 7 && em_profile_add_type(p, "right", "nanoseconds") < 0))
		em_fuzz_fail("out of memory making a profile");
	p->format = "levels";
	memset(&err, 0, sizeof(err));
	rc = em_levels_to_profile_tree(p, &lv, &t, &err);
	if (rc < 0) {
		em_fuzz_rejected("em_levels_to_profile_tree", &err);
		if (t.n != 0)
			em_fuzz_fail("levels refused but a tree of %u nodes left", t.n);
		em_profile_free(p);
		return EM_FUZZ_REJECTED;
	}
	if (stride == 7 && t.n != 0)
		em_fuzz_fail("a tree from diff levels");
	if (t.n > 0)
		check_direct(p, &t);
	em_tree_free(&t);
	em_fuzz_profile(p);
	em_profile_free(p);
	return EM_FUZZ_ACCEPTED;
}

EM_FUZZ_TARGET(em_fuzz_levels)

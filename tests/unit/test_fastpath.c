/* test_fastpath.c - the fast ways to the call tree and the top table give
 * exactly what the reference ways give:
 *   - em_levels_to_profile_tree's tree == em_tree_build of the samples it
 *     made (hand-made flame graphs, siblings out of order as Pyroscope
 *     sends "other", the cases that must fall back, and random trees);
 *   - em_top_from_tree == em_top_build on every profile of tests/data and
 *     every sample type;
 *   - em_top_sort's keyed sort == the plain comparator's order;
 *   - em_levels_pb_decode reads what protobuf-c packs (packed or not, with
 *     other fields around), and refuses corrupt replies in one line. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "embers/levels.h"
#include "querier.pb-c.h"
#include "embers/reader.h"
#include "embers/top.h"
#include "embers/tree.h"
#include "tap.h"

#define diag(...) (printf("# " __VA_ARGS__), printf("\n"))

static int same_tree(const em_tree *a, const em_tree *b, const char *what)
{
	if (a->n != b->n || a->nlevels != b->nlevels) {
		diag("%s: %u nodes / %u levels against %u / %u", what, a->n, a->nlevels, b->n,
		    b->nlevels);
		return 0;
	}
	for (uint32_t i = 0; i < a->n; i++)
		if (a->func[i] != b->func[i] || a->total[i] != b->total[i] ||
		    a->child[i] != b->child[i]) {
			diag("%s: node %u differs", what, i);
			return 0;
		}
	if (a->child[a->n] != b->child[b->n])
		return 0;
	for (uint32_t d = 0; d <= a->nlevels; d++)
		if (a->level[d] != b->level[d])
			return 0;
	return 1;
}

/* Decode rows; *direct gets the tree's node count (0: fell back) and the
 * return says whether it equals em_tree_build's. -1: decode failed. */
static int check_levels(const int64_t *const *rows, const size_t *lens, size_t nrows,
    int stride, const char *const *names, size_t nnames, uint32_t *direct)
{
	em_profile *p = em_profile_new();
	em_tree t, ref;
	em_levels lv;
	em_error err;
	int same = -1;

	memset(&lv, 0, sizeof(lv));
	lv.rows = rows;
	lv.row_len = lens;
	lv.nrows = nrows;
	lv.stride = stride;
	lv.names = names;
	lv.nnames = nnames;
	em_profile_add_type(p, "cpu", "nanoseconds");
	if (stride == 7)
		em_profile_add_type(p, "right", "nanoseconds");
	if (em_levels_to_profile_tree(p, &lv, &t, &err) == 0) {
		*direct = t.n;
		same = 1;
		if (t.n > 0) {
			if (em_tree_build(&ref, p, 0, &err) < 0)
				same = 0;
			else
				same = same_tree(&t, &ref, "levels");
			em_tree_free(&ref);
		}
		em_tree_free(&t);
	}
	em_profile_free(p);
	return same;
}

static void test_hand_made(void)
{
	/* pyroscope-api.md 3.1: a;b;e = 1, a;c = 2, a;c;d = 1 */
	static const char *const names[] = { "total", "a", "c", "d", "b", "e", "b" };
	static const int64_t l0[] = { 0, 4, 0, 0 }, l1[] = { 0, 4, 0, 1 };
	static const int64_t l2[] = { 0, 1, 0, 4, 0, 3, 2, 2 };
	static const int64_t l3[] = { 0, 1, 1, 5, 2, 1, 1, 3 };
	/* c before b, as "other" comes after the sorted rest */
	static const int64_t u2[] = { 0, 3, 2, 2, 0, 1, 0, 4 };
	static const int64_t u3[] = { 2, 1, 1, 3, 0, 1, 1, 5 };
	/* two siblings named "b" (name 4 and 6) */
	static const int64_t dup2[] = { 0, 1, 1, 4, 0, 3, 3, 6 };
	/* the root holds 5 but a has 4 and the root no self */
	static const int64_t gap0[] = { 0, 5, 0, 0 };
	static const int64_t root[] = { 0, 4, 4, 0 };
	const int64_t *rows[4] = { l0, l1, l2, l3 };
	size_t lens[4] = { 4, 4, 8, 8 };
	static const char *const dnames[] = { "total", "a", "b" };
	static const int64_t d0[] = { 0, 2, 0, 0, 4, 0, 0 }, d1[] = { 0, 2, 2, 0, 4, 4, 1 };
	const int64_t *drows[2] = { d0, d1 };
	size_t dlens[2] = { 7, 7 };
	uint32_t n = 0;

	is_int(check_levels(rows, lens, 4, 4, names, 7, &n), 1, "sorted levels: same tree");
	is_int(n, 6, "built directly (6 nodes)");
	rows[2] = u2;
	rows[3] = u3;
	is_int(check_levels(rows, lens, 4, 4, names, 7, &n), 1, "siblings out of order: same tree");
	is_int(n, 6, "still built directly");
	rows[2] = dup2;
	lens[3] = 0;
	is_int(check_levels(rows, lens, 4, 4, names, 7, &n), 1, "two siblings of one name");
	is_int(n, 0, "left to em_tree_build (they merge)");
	rows[0] = gap0;
	rows[2] = l2;
	rows[3] = l3;
	lens[3] = 8;
	is_int(check_levels(rows, lens, 4, 4, names, 7, &n), 1, "a total above self + children");
	is_int(n, 0, "left to em_tree_build (the samples lose the gap)");
	is_int(check_levels(drows, dlens, 2, 7, dnames, 3, &n), 1, "diff levels decode");
	is_int(n, 0, "no tree for a diff");
	rows[0] = root;
	is_int(check_levels(rows, lens, 1, 4, names, 7, &n), 1, "root only");
	is_int(n, 1, "a one-node tree");
}

/* --- random flame graphs ------------------------------------------------ */

struct rnode {
	int64_t x, total, self;
	uint32_t name, depth;
};

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Children of a node get distinct names from a pool of 40, in a random
 * order; widths are laid out left to right from the parent's x. */
static size_t grow(struct rnode *nd, size_t n, size_t cap, size_t i, uint32_t maxd)
{
	uint32_t k = nd[i].depth + 1 < maxd ? rnd(5) : 0, used[40] = { 0 };
	int64_t x = nd[i].x;

	nd[i].self = 1 + rnd(3);
	nd[i].total = nd[i].self;
	for (uint32_t c = 0; c < k && n < cap; c++) {
		uint32_t name = 1 + rnd(40);
		size_t j;

		if (used[name - 1]++)
			continue;
		j = n++;
		nd[j].x = x;
		nd[j].name = name;
		nd[j].depth = nd[i].depth + 1;
		n = grow(nd, n, cap, j, maxd);
		x += nd[j].total;
		nd[i].total += nd[j].total;
	}
	return n;
}

static int by_depth_x(const void *a, const void *b)
{
	const struct rnode *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return (x->x > y->x) - (x->x < y->x);
}

static void test_random(void)
{
	static char pool[41][16];
	const char *names[41];
	int all = 1, direct = 0;

	for (int i = 0; i <= 40; i++) {
		snprintf(pool[i], sizeof(pool[i]), i ? "fn%02d" : "total", (i * 7) % 41);
		names[i] = pool[i];
	}
	for (int round = 0; round < 200; round++) {
		struct rnode nd[400];
		int64_t vals[400 * 4], *rows[16], prev[16];
		size_t lens[16] = { 0 }, n, i;
		uint32_t nrows = 0, got = 0;

		memset(nd, 0, sizeof(nd[0]));
		n = grow(nd, 1, 400, 0, 2 + rnd(12));
		qsort(nd, n, sizeof(nd[0]), by_depth_x);
		for (i = 0; i < n; i++)
			if (nd[i].depth + 1 > nrows)
				nrows = nd[i].depth + 1;
		for (uint32_t d = 0, o = 0; d < nrows; d++) {
			rows[d] = vals + o;
			prev[d] = 0;
			for (i = 0; i < n; i++)
				if (nd[i].depth == d) {
					int64_t *g = vals + o + lens[d];
					g[0] = nd[i].x - prev[d];
					g[1] = nd[i].total;
					g[2] = nd[i].self;
					g[3] = nd[i].name;
					prev[d] = nd[i].x + nd[i].total;
					lens[d] += 4;
				}
			o += (uint32_t)lens[d];
		}
		if (check_levels((const int64_t *const *)rows, lens, nrows, 4, names, 41, &got) != 1)
			all = 0;
		direct += got > 0;
	}
	ok(all, "200 random flame graphs: the direct tree equals em_tree_build's");
	is_int(direct, 200, "and each was built directly");
}

/* --- top from the tree, on every test profile ---------------------------- */

static int same_top(const em_top *a, const em_top *b)
{
	if (a->n != b->n || a->total != b->total)
		return 0;
	for (uint32_t i = 0; i < a->n; i++)
		if (a->rows[i].func != b->rows[i].func || a->rows[i].self != b->rows[i].self ||
		    a->rows[i].total != b->rows[i].total)
			return 0;
	return 1;
}

static int check_top(const char *path, int *types)
{
	em_profile *p = em_read_file(path, NULL, NULL);
	int good = 1;

	if (p == NULL)
		return -1; /* a file the readers refuse: not this test's business */
	for (uint32_t ty = 0; ty < p->ntypes; ty++) {
		em_tree t;
		em_top a, b;
		em_error err;

		if (em_tree_build(&t, p, ty, &err) < 0)
			continue;
		if (em_top_build(&a, p, ty, &err) == 0 && em_top_from_tree(&b, p, &t, &err) == 0) {
			if (!same_top(&a, &b)) {
				diag("%s type %u: top differs", path, ty);
				good = 0;
			}
			(*types)++;
			em_top_free(&b);
		}
		em_top_free(&a);
		em_tree_free(&t);
	}
	em_profile_free(p);
	return good;
}

static void walk_dir(const char *dir, int *files, int *types, int *bad)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk_dir(path, files, types, bad);
		} else {
			int r = check_top(path, types);
			*files += r >= 0;
			*bad += r == 0;
		}
	}
	closedir(d);
}

static void test_top(void)
{
	const char *data = getenv("TESTDATA");
	char dir[4096];
	int files = 0, types = 0, bad = 0;

	snprintf(dir, sizeof(dir), "%s/corpus", data ? data : "tests/data");
	walk_dir(dir, &files, &types, &bad);
	ok(files >= 20, "read %d profiles of tests/data/corpus", files);
	ok(types >= 40, "compared %d sample types", types);
	is_int(bad, 0, "em_top_from_tree == em_top_build on all of them");
}

/* --- the keyed sort ------------------------------------------------------- */

static const em_profile *cmp_p;

static int ref_name(const em_top_row *a, const em_top_row *b)
{
	return strcmp(em_func_name(cmp_p, a->func), em_func_name(cmp_p, b->func));
}

static int64_t mag(int64_t v)
{
	return v < 0 ? -v : v;
}

static int ref_self(const void *x, const void *y)
{
	const em_top_row *a = x, *b = y;

	if (mag(a->self) != mag(b->self))
		return mag(a->self) > mag(b->self) ? -1 : 1;
	return ref_name(a, b);
}

static void test_sort(void)
{
	const char *data = getenv("TESTDATA");
	char path[4096];
	em_profile *p;
	em_top t;
	em_top_row *want;
	em_error err;
	int same = 1;

	snprintf(path, sizeof(path), "%s/corpus/public/parca-dev__parca/alloc_objects.pb.gz",
	    data ? data : "tests/data");
	p = em_read_file(path, NULL, &err);
	if (!ok(p != NULL, "read alloc_objects.pb.gz")) {
		diag("%s", err.msg);
		return;
	}
	em_top_build(&t, p, 0, &err);
	want = malloc(t.n * sizeof(*want));
	memcpy(want, t.rows, t.n * sizeof(*want));
	cmp_p = p;
	qsort(want, t.n, sizeof(*want), ref_self);
	em_top_sort(&t, p, EM_SORT_NAME);
	for (uint32_t i = 1; i < t.n; i++)
		if (ref_name(&t.rows[i - 1], &t.rows[i]) >= 0)
			same = 0;
	ok(same, "by name: %u rows in strictly ascending name order", t.n);
	em_top_sort(&t, p, EM_SORT_SELF);
	for (uint32_t i = 0; i < t.n; i++)
		if (t.rows[i].func != want[i].func)
			same = 0;
	ok(same, "back to self: the plain comparator's order");
	free(want);
	em_top_free(&t);
	em_profile_free(p);
}

/* --- the flame graph straight from the wire -------------------------------- */

/* A SelectMergeStacktracesResponse holding fg, packed by protobuf-c. */
static uint8_t *pack_reply(Pyro__FlameGraph *fg, size_t *n)
{
	Pyro__SelectMergeStacktracesResponse r = PYRO__SELECT_MERGE_STACKTRACES_RESPONSE__INIT;
	uint8_t *buf;

	r.flamegraph = fg;                   /* and tree: a field to skip */
	r.tree.data = (uint8_t *)"\x0a\x01x";
	r.tree.len = 3;
	*n = pyro__select_merge_stacktraces_response__get_packed_size(&r);
	buf = malloc(*n);
	pyro__select_merge_stacktraces_response__pack(&r, buf);
	return buf;
}

static int same_as_pbc(const em_levels_pb *d, const uint8_t *buf, size_t n)
{
	Pyro__SelectMergeStacktracesResponse *r =
	    pyro__select_merge_stacktraces_response__unpack(NULL, n, buf);
	Pyro__FlameGraph *fg = r ? r->flamegraph : NULL;
	int same = fg != NULL && d->present && d->nnames == fg->n_names && d->nrows == fg->n_levels;

	for (size_t i = 0; same && i < d->nnames; i++)
		same = d->name_len[i] == strlen(fg->names[i]) &&
		    memcmp(d->names[i], fg->names[i], d->name_len[i]) == 0;
	for (size_t i = 0; same && i < d->nrows; i++)
		same = d->row_len[i] == fg->levels[i]->n_values &&
		    memcmp(d->rows[i], fg->levels[i]->values, d->row_len[i] * sizeof(int64_t)) == 0;
	if (r != NULL)
		pyro__select_merge_stacktraces_response__free_unpacked(r, NULL);
	return same;
}

static void test_wire(void)
{
	/* the worked example, with a negative value to need 10-byte varints */
	static char *names[] = { "total", "a", "c", "d", "b", "e" };
	int64_t l0[] = { 0, 4, 0, 0 }, l1[] = { 0, 4, 0, 1 }, l2[] = { 0, 1, 0, 4, 0, 3, 2, 2 };
	int64_t l3[] = { 0, 1, 1, 5, 2, 1, 1, 3 }, neg[] = { -1, 1, 1, 5 };
	int64_t *vals[] = { l0, l1, l2, l3 };
	size_t lens[] = { 4, 4, 8, 8 };
	Pyro__Level lv[4], *plv[4];
	Pyro__FlameGraph fg = PYRO__FLAME_GRAPH__INIT;
	em_levels_pb d;
	em_profile *p;
	em_error err;
	uint8_t *buf, unpacked[64];
	size_t n, k = 0;
	int64_t total = 0;

	for (int i = 0; i < 4; i++) {
		pyro__level__init(&lv[i]);
		lv[i].values = vals[i];
		lv[i].n_values = lens[i];
		plv[i] = &lv[i];
	}
	fg.names = names;
	fg.n_names = 6;
	fg.levels = plv;
	fg.n_levels = 4;
	fg.total = 4;
	buf = pack_reply(&fg, &n);
	ok(em_levels_pb_decode(&d, buf, n, 1, 4, &err) == 0 && same_as_pbc(&d, buf, n),
	    "a packed reply: the names and rows protobuf-c reads");
	p = em_profile_new();
	em_profile_add_type(p, "cpu", "nanoseconds");
	ok(em_levels_to_profile(p, &d.lv, &err) == 0 && p->nsamples == 3 &&
	    em_profile_total(p, 0, &total, &err) == 0 && total == 4,
	    "into a profile: 3 stacks, total 4");
	em_profile_free(p);
	em_levels_pb_free(&d);
	free(buf);

	lv[3].values = neg;
	lv[3].n_values = 4;
	buf = pack_reply(&fg, &n);
	ok(em_levels_pb_decode(&d, buf, n, 1, 4, &err) == 0 && same_as_pbc(&d, buf, n) &&
	    d.rows[3][0] == -1, "negative values (10-byte varints) read back");
	em_levels_pb_free(&d);
	free(buf);

	/* Level values one varint a field, as a proto2 writer may send them */
	unpacked[k++] = 0x0a;                           /* response.flamegraph */
	unpacked[k++] = 0;                              /* length, set below */
	unpacked[k++] = 0x0a; unpacked[k++] = 5;        /* names[0] = "total" */
	memcpy(unpacked + k, "total", 5);
	k += 5;
	unpacked[k++] = 0x12; unpacked[k++] = 8;        /* levels[0]: 4 values */
	for (int i = 0; i < 4; i++) {
		unpacked[k++] = 0x08;
		unpacked[k++] = (uint8_t)(i == 1 ? 7 : 0);
	}
	unpacked[k++] = 0x18; unpacked[k++] = 7;        /* total = 7: skipped */
	unpacked[1] = (uint8_t)(k - 2);
	ok(em_levels_pb_decode(&d, unpacked, k, 1, 4, &err) == 0 && same_as_pbc(&d, unpacked, k) &&
	    d.nrows == 1 && d.row_len[0] == 4 && d.rows[0][1] == 7,
	    "values not packed: read as protobuf-c reads them");
	em_levels_pb_free(&d);

	ok(em_levels_pb_decode(&d, (const uint8_t *)"\x12\x01x", 3, 1, 4, &err) == 0 &&
	    !d.present && d.nrows == 0, "a reply without a flame graph: no data");
	em_levels_pb_free(&d);
	ok(em_levels_pb_decode(&d, unpacked, k - 3, 1, 4, &err) < 0 &&
	    strstr(err.msg, "flame graph:") != NULL && strchr(err.msg, '\n') == NULL,
	    "a cut reply: %s", err.msg);
	{
		/* a packed value of 11 bytes */
		static const uint8_t longv[] = { 0x0a, 15, 0x12, 13, 0x0a, 11, 0xff, 0xff, 0xff,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };

		ok(em_levels_pb_decode(&d, longv, sizeof(longv), 1, 4, &err) < 0 &&
		    strstr(err.msg, "longer than 10 bytes") != NULL, "an 11-byte varint: %s", err.msg);
	}
	unpacked[2] = 0x08;                             /* names[0] as a varint */
	ok(em_levels_pb_decode(&d, unpacked, k, 1, 4, &err) < 0 &&
	    strstr(err.msg, "wire type") != NULL, "a name of the wrong wire type: %s", err.msg);
}

int main(void)
{
	test_hand_made();
	test_random();
	test_top();
	test_sort();
	test_wire();
	return done();
}

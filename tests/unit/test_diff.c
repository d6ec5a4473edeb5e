/* test_diff.c - the diff model on hand-built profiles whose figures are
 * worked out by hand (in the comments): the aligned tree, added and
 * removed nodes, widths, shares and changes, zero totals, swapping, the
 * per-function table and its orders, and Pyroscope's FlameGraphDiff. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "embers/diff.h"
#include "embers/profile.h"
#include "embers/top.h"
#include "embers/tree.h"
#include "tap.h"

static em_func_id fn(em_profile *p, const char *name)
{
	return em_profile_func(p, em_profile_str(p, name, strlen(name)), 0, 0, 0);
}

/* Add "a;b;c" with value v. */
static void stack(em_profile *p, const char *folded, int64_t v)
{
	uint32_t locs[64];
	size_t n = 0;
	char buf[256], *s = buf, *semi;

	snprintf(buf, sizeof(buf), "%s", folded);
	while (*s) {
		semi = strchr(s, ';');
		if (semi)
			*semi = '\0';
		locs[n++] = em_profile_func_location(p, fn(p, s));
		if (!semi)
			break;
		s = semi + 1;
	}
	if (em_profile_add_sample(p, locs, n, &v, NULL, 0) < 0)
		ok(0, "add sample %s", folded);
}

static em_profile *profile(const char *type)
{
	em_profile *p = em_profile_new();

	em_profile_add_type(p, type, "count");
	return p;
}

/* Base (total 20) and new (total 24). New's functions are created in
 * another order so that function ids differ between the two. */
static em_profile *base_profile(void)
{
	em_profile *p = profile("cpu");

	stack(p, "main;a;b", 4);
	stack(p, "main;a;c", 6);
	stack(p, "main;d", 10);
	return p;
}

static em_profile *new_profile(void)
{
	em_profile *p = profile("cpu");

	stack(p, "zz;x", 4);
	stack(p, "main;e", 6);
	stack(p, "main;d", 5);
	stack(p, "main;a;c", 9);
	return p;
}

/* "name=base/new[+-](children)" of the aligned tree; or with widths. */
static void dump_node(const em_diff *d, em_node i, int widths, char *buf, size_t n,
    size_t *used)
{
	uint32_t c;
	int w;

	if (widths)
		w = snprintf(buf + *used, n - *used, "%s=%lld", em_tree_name(&d->tree, d->names, i),
		    (long long)d->tree.total[i]);
	else
		w = snprintf(buf + *used, n - *used, "%s=%lld/%lld%s",
		    em_tree_name(&d->tree, d->names, i), (long long)em_diff_total(d, EM_BASE, i),
		    (long long)em_diff_total(d, EM_NEW, i), em_diff_flags(d, i) == EM_DIFF_ADDED ? "+" :
		    em_diff_flags(d, i) == EM_DIFF_REMOVED ? "-" : "");
	if (w < 0 || (size_t)w >= n - *used)
		return;
	*used += (size_t)w;
	for (c = d->tree.child[i]; c < d->tree.child[i + 1]; c++) {
		if (*used + 2 >= n)
			return;
		buf[(*used)++] = c == d->tree.child[i] ? '(' : ',';
		buf[*used] = '\0';
		dump_node(d, c, widths, buf, n, used);
	}
	if (d->tree.child[i] < d->tree.child[i + 1] && *used + 2 < n) {
		buf[(*used)++] = ')';
		buf[*used] = '\0';
	}
}

static const char *dump(const em_diff *d, int widths)
{
	static char buf[4096];
	size_t used = 0;

	buf[0] = '\0';
	dump_node(d, 0, widths, buf, sizeof(buf), &used);
	return buf;
}

static em_node node_named(const em_diff *d, const char *path)
{
	char buf[256], *s = buf, *semi;
	em_node i = 0;

	snprintf(buf, sizeof(buf), "%s", path);
	while (s && i != EM_NODE_NONE) {
		em_func_id f;

		semi = strchr(s, ';');
		if (semi)
			*semi = '\0';
		f = em_profile_find_func(d->names, s, strlen(s));
		i = f == EM_FUNC_NONE ? EM_NODE_NONE : em_tree_find_child(&d->tree, d->names, i, f);
		s = semi ? semi + 1 : NULL;
	}
	return i;
}

/* Widths never smaller than the children's sum (the layout relies on it). */
static int widths_hold_children(const em_diff *d)
{
	uint32_t i, c;

	for (i = 0; i < d->tree.n; i++) {
		int64_t sum = 0;

		for (c = d->tree.child[i]; c < d->tree.child[i + 1]; c++)
			sum += d->tree.total[c];
		if (sum > d->tree.total[i])
			return 0;
	}
	return 1;
}

static int near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static void test_tree(void)
{
	em_profile *b = base_profile(), *n = new_profile();
	em_tree bt, nt;
	em_diff d;
	em_error err;
	em_node c;

	em_tree_build(&bt, b, 0, &err);
	em_tree_build(&nt, n, 0, &err);
	ok(em_diff_build(&d, b, &bt, n, &nt, &err) == 0, "diff builds");
	is_str(dump(&d, 0),
	    "total=20/24(main=20/20(a=10/9(b=4/0-,c=6/9),d=10/5,e=0/6+),zz=0/4+(x=0/4+))",
	    "aligned by name path; one-side nodes flagged added (+) and removed (-)");
	ok(d.sum[EM_BASE] == 20 && d.sum[EM_NEW] == 24, "side totals");
	c = node_named(&d, "main;a;c");
	ok(em_diff_self(&d, EM_BASE, c) == 6 && em_diff_self(&d, EM_NEW, c) == 9 &&
	    em_diff_self(&d, EM_BASE, node_named(&d, "main;a")) == 0 &&
	    em_diff_self(&d, EM_NEW, node_named(&d, "zz;x")) == 4, "self per side");
	is_int(d.tree.nlevels, 4, "levels of the aligned tree");
	ok(d.tree.level[0] == 0 && d.tree.level[1] == 1 && d.tree.level[2] == 3 &&
	    d.tree.level[3] == 7 && d.tree.level[4] == 9, "breadth-first level bounds");
	is_int(em_tree_depth(&d.tree, c), 3, "em_tree_depth works on the aligned tree");
	is_int(em_tree_parent(&d.tree, c), node_named(&d, "main;a"), "em_tree_parent too");

	/* the node maps used to keep two comparison panes in step */
	{
		em_func_id fc = em_profile_find_func(b, "c", 1);
		em_node bc = em_tree_find_child(&bt, b, em_tree_find_child(&bt, b,
		    em_tree_find_child(&bt, b, 0, fn(b, "main")), fn(b, "a")), fc);
		em_node ncn;

		is_int(em_diff_node_from_side(&d, EM_BASE, &bt, bc), c, "base node -> diff node");
		is_int(em_diff_node_from_side(&d, EM_BASE, &bt, 0), 0, "root -> root");
		ncn = em_diff_node_to_side(&d, EM_NEW, c);
		ok(ncn != EM_NODE_NONE && strcmp(em_tree_name(&nt, n, ncn), "c") == 0 &&
		    nt.total[ncn] == 9, "diff node -> the same path in new");
		is_int(em_diff_node_to_side(&d, EM_NEW, node_named(&d, "main;a;b")), EM_NODE_NONE,
		    "a removed node has no new node");
		is_int(em_diff_node_from_side(&d, EM_BASE, &bt, bt.n), EM_NODE_NONE,
		    "out-of-range side node");
		is_int(em_diff_node_from_side(&d, EM_NEW, &nt, em_tree_find_child(&nt, n, 0,
		    fn(n, "zz"))), node_named(&d, "zz"), "new node -> diff node");
		ok(d.side_func[EM_NEW][d.tree.func[c]] == em_profile_find_func(n, "c", 1),
		    "names func -> side func");
	}

	is_str(dump(&d, 1), "total=24(main=20(a=9(b=0,c=9),d=5,e=6),zz=4(x=4))",
	    "width new: the new values");
	em_diff_set_width(&d, EM_WIDTH_BASE, EM_DIFF_NORMALISED);
	is_str(dump(&d, 1), "total=20(main=20(a=10(b=4,c=6),d=10,e=0),zz=0(x=0))",
	    "width base: the base values");
	/* base scaled by 24/20: b 4.8 -> 5, c 7.2 -> 7, a 12, d 12, main 24;
	 * a = max(12, 9, 5 + 9) = 14, main = max(24, 20, 14 + 12 + 6) = 32 */
	em_diff_set_width(&d, EM_WIDTH_MAX, EM_DIFF_NORMALISED);
	is_str(dump(&d, 1), "total=36(main=32(a=14(b=5,c=9),d=12,e=6),zz=4(x=4))",
	    "width max, normalised: larger share, widened to hold the children");
	ok(widths_hold_children(&d), "...and every frame holds its children");
	em_diff_set_width(&d, EM_WIDTH_MAX, EM_DIFF_ABSOLUTE);
	is_str(dump(&d, 1), "total=33(main=29(a=13(b=4,c=9),d=10,e=6),zz=4(x=4))",
	    "width max, absolute: larger raw value, widened to hold the children");
	ok(widths_hold_children(&d), "...and every frame holds its children");

	em_diff_swap(&d);
	is_str(dump(&d, 0),
	    "total=24/20(main=20/20(a=9/10(b=0/4+,c=9/6),d=5/10,e=6/0-),zz=4/0-(x=4/0-))",
	    "swap: sides, flags and totals exchanged");
	is_str(dump(&d, 1), "total=33(main=29(a=13(b=4,c=9),d=10,e=6),zz=4(x=4))",
	    "swap: widths recomputed in the same mode");
	is_int(em_diff_node_from_side(&d, EM_NEW, &bt, em_tree_find_child(&bt, b, 0,
	    fn(b, "a"))), EM_NODE_NONE, "swap: main;a is not a root path");
	is_int(em_diff_node_from_side(&d, EM_NEW, &bt, em_tree_find_child(&bt, b,
	    em_tree_find_child(&bt, b, 0, fn(b, "main")), fn(b, "a"))),
	    node_named(&d, "main;a"), "swap: the base tree is now the new side");
	ok(em_diff_flags(&d, node_named(&d, "main;a;b")) == EM_DIFF_ADDED &&
	    em_diff_self(&d, EM_BASE, node_named(&d, "main;e")) == 6, "swap: flags and self follow");
	em_diff_free(&d);
	em_tree_free(&bt);
	em_tree_free(&nt);
	em_profile_free(b);
	em_profile_free(n);
}

static void test_arithmetic(void)
{
	/* main: 20 of 20 -> 20 of 24 */
	ok(near(em_diff_share(20, 24), 20.0 / 24), "share");
	ok(em_diff_share(5, 0) == 0.0, "share of a zero total is 0, not a division by zero");
	ok(near(em_diff_delta(20, 20, 20, 24, EM_DIFF_NORMALISED), 20.0 / 24 - 1),
	    "normalised delta: difference of the shares");
	ok(near(em_diff_delta(10, 20, 5, 24, EM_DIFF_ABSOLUTE), -5), "absolute delta: raw");
	ok(near(em_diff_rel(20, 20, 20, 24, EM_DIFF_NORMALISED), 20.0 / 24 - 1),
	    "normalised relative change: of the shares");
	ok(near(em_diff_rel(10, 20, 5, 24, EM_DIFF_ABSOLUTE), -0.5), "absolute relative change");
	ok(isinf(em_diff_rel(0, 20, 6, 24, EM_DIFF_NORMALISED)) &&
	    em_diff_rel(0, 20, 6, 24, EM_DIFF_NORMALISED) > 0, "added: +infinity");
	ok(near(em_diff_rel(4, 20, 0, 24, EM_DIFF_NORMALISED), -1), "removed: -100 percent");
	ok(em_diff_rel(0, 0, 0, 0, EM_DIFF_NORMALISED) == 0.0, "nothing on either side: 0");
	ok(isinf(em_diff_rel(5, 0, 6, 24, EM_DIFF_NORMALISED)),
	    "zero base total: any new share is growth from nothing");
	ok(near(em_diff_heat(20, 20, 20, 24, EM_DIFF_NORMALISED), 20.0 / 24 - 1),
	    "heat normalised: relative change of the shares");
	ok(em_diff_heat(1, 20, 20, 24, EM_DIFF_NORMALISED) == 1.0 &&
	    em_diff_heat(0, 20, 6, 24, EM_DIFF_NORMALISED) == 1.0, "heat clamped to 1, added is 1");
	ok(em_diff_heat(4, 20, 0, 24, EM_DIFF_NORMALISED) == -1.0, "heat of removed is -1");
	ok(em_diff_heat(5, 0, 6, 24, EM_DIFF_NORMALISED) == 0.0 &&
	    em_diff_heat(5, 10, 6, 0, EM_DIFF_NORMALISED) == 0.0,
	    "heat normalised with a zero total: 0, as Grafana");
	ok(near(em_diff_heat(10, 20, 5, 24, EM_DIFF_ABSOLUTE), -5.0 / 24),
	    "heat absolute: change over the larger total");
	ok(near(em_diff_heat(0, 0, 3, 0, EM_DIFF_ABSOLUTE), 1.0),
	    "heat absolute with both totals 0: no division by zero");
}

static void test_zero_totals(void)
{
	em_profile *b = profile("cpu"), *n = new_profile(), *e = profile("cpu");
	em_diff d;
	em_error err;
	uint32_t i;
	int finite = 1;

	stack(b, "main;a;c", 0); /* a profile whose only sample is 0 */
	ok(em_diff_build_profiles(&d, b, 0, n, 0, &err) == 0, "zero base total: builds");
	is_str(dump(&d, 0),
	    "total=0/24(main=0/20+(a=0/9+(c=0/9+),d=0/5+,e=0/6+),zz=0/4+(x=0/4+))",
	    "zero base total: everything added");
	em_diff_set_width(&d, EM_WIDTH_MAX, EM_DIFF_NORMALISED);
	is_str(dump(&d, 1), "total=24(main=20(a=9(c=9),d=5,e=6),zz=4(x=4))",
	    "zero base total: max width is the new side");
	for (i = 0; i < d.tree.n; i++) {
		int64_t b0 = em_diff_total(&d, 0, i), n0 = em_diff_total(&d, 1, i);
		double r = em_diff_rel(b0, d.sum[0], n0, d.sum[1], d.scale);
		double h = em_diff_heat(b0, d.sum[0], n0, d.sum[1], d.scale);

		if (isnan(r) || isnan(h) || isnan(em_diff_delta(b0, d.sum[0], n0, d.sum[1], d.scale)))
			finite = 0;
	}
	ok(finite, "zero base total: no NaN in any change");
	em_diff_swap(&d);
	is_str(dump(&d, 1), "total=24(main=20(a=9(c=9),d=5,e=6),zz=4(x=4))",
	    "zero new total: max width is the base side");
	em_diff_free(&d);

	ok(em_diff_build_profiles(&d, e, 0, e, 0, &err) == 0 && d.tree.n == 1 &&
	    d.sum[0] == 0 && d.sum[1] == 0, "two empty profiles: the root alone");
	em_diff_free(&d);
	em_profile_free(b);
	em_profile_free(n);
	em_profile_free(e);
}

/* A differential profile's two types against each other. */
static void test_two_types(void)
{
	em_profile *p = em_profile_new();
	uint32_t locs[2];
	int64_t v[2];
	em_diff d;
	em_error err;

	em_profile_add_type(p, "before", "count");
	em_profile_add_type(p, "after", "count");
	locs[0] = em_profile_func_location(p, fn(p, "main"));
	locs[1] = em_profile_func_location(p, fn(p, "old"));
	v[0] = 3, v[1] = 0;
	em_profile_add_sample(p, locs, 2, v, NULL, 0);
	locs[1] = em_profile_func_location(p, fn(p, "new"));
	v[0] = 0, v[1] = 5;
	em_profile_add_sample(p, locs, 2, v, NULL, 0);
	ok(em_diff_build_profiles(&d, p, 0, p, 1, &err) == 0, "before/after of one profile");
	is_str(dump(&d, 0), "total=3/5(main=3/5(new=0/5+,old=3/0-))",
	    "before/after: added and removed frames");
	em_diff_free(&d);
	em_profile_free(p);
}

static const char *order(const em_diff_top *t)
{
	static char buf[512];
	size_t used = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < t->n && used < sizeof(buf) - 64; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? " " : "",
		    em_func_name(t->names, t->rows[i].func));
	return buf;
}

static const em_diff_row *drow(const em_diff_top *t, const char *name)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(em_func_name(t->names, t->rows[i].func), name) == 0)
			return &t->rows[i];
	return NULL;
}

static void test_table(void)
{
	em_profile *b = base_profile(), *n = new_profile();
	em_top bt, nt;
	em_diff_top t;
	em_error err;
	const em_diff_row *r;

	em_top_build(&bt, b, 0, &err);
	em_top_build(&nt, n, 0, &err);
	ok(em_diff_top_build(&t, b, &bt, n, &nt, &err) == 0, "diff table builds");
	is_int(t.n, 8, "a row per function on either side");
	ok(t.sum[0] == 20 && t.sum[1] == 24, "table totals");
	r = drow(&t, "b");
	ok(r && r->self[0] == 4 && r->total[0] == 4 && r->self[1] == 0 && r->total[1] == 0,
	    "removed function: base figures, zero new");
	r = drow(&t, "e");
	ok(r && r->self[0] == 0 && r->total[0] == 0 && r->self[1] == 6 && r->total[1] == 6,
	    "added function: zero base, new figures");
	r = drow(&t, "main");
	ok(r && r->self[0] == 0 && r->total[0] == 20 && r->self[1] == 0 && r->total[1] == 20,
	    "shared function: both sides");
	/* self change: e 6/24 = .25, x 4/24, c 9/24 - 6/20 = .075, a main zz 0,
	 * b -4/20, d 5/24 - 10/20 */
	is_str(order(&t), "e x c a main zz b d", "default: self change, largest growth first");
	em_diff_top_sort(&t, EM_DSORT_TOTAL_CHANGE, EM_DIFF_NORMALISED, 0);
	is_str(order(&t), "e x zz c a main b d", "total change (ties by name)");
	em_diff_top_sort(&t, EM_DSORT_SELF_CHANGE, EM_DIFF_ABSOLUTE, 0);
	is_str(order(&t), "e x c a main zz b d", "self change, absolute: +6 +4 +3 0 0 0 -4 -5");
	em_diff_top_sort(&t, EM_DSORT_NEW_TOTAL, EM_DIFF_NORMALISED, 0);
	is_str(order(&t), "main a c e d x zz b", "new total, largest first");
	em_diff_top_sort(&t, EM_DSORT_BASE_SELF, EM_DIFF_NORMALISED, 0);
	is_str(order(&t), "d c b a e main x zz", "base self, largest first");
	em_diff_top_sort(&t, EM_DSORT_NAME, EM_DIFF_NORMALISED, 0);
	is_str(order(&t), "a b c d e main x zz", "name");
	em_diff_top_sort(&t, EM_DSORT_NAME, EM_DIFF_NORMALISED, 1);
	is_str(order(&t), "zz x main e d c b a", "name, reversed");
	em_diff_top_swap(&t);
	em_diff_top_sort(&t, EM_DSORT_SELF_CHANGE, EM_DIFF_NORMALISED, 0);
	is_str(order(&t), "d b a main zz c x e", "swapped: shrinkers become growth");
	ok(t.sum[0] == 24 && drow(&t, "e")->self[0] == 6, "swapped: figures exchanged");
	is_int(em_diff_sort_parse("new-total"), EM_DSORT_NEW_TOTAL, "sort names parse");
	is_int(em_diff_sort_parse("bogus"), -1, "unknown sort name");
	is_str(em_diff_sort_name(EM_DSORT_SELF_CHANGE), "self", "sort name");
	em_diff_top_free(&t);
	em_top_free(&bt);
	em_top_free(&nt);
	em_profile_free(b);
	em_profile_free(n);
}

static int same_levels(const em_fg_diff *g, uint32_t l, const int64_t *want, size_t n)
{
	size_t i;

	if (l >= g->nlevels || g->level_len[l] != n) {
		printf("#   level %u: %zu numbers, want %zu\n", l,
		    l < g->nlevels ? g->level_len[l] : 0, n);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (g->levels[l][i] != want[i]) {
			printf("#   level %u [%zu]: got %lld, want %lld\n", l, i,
			    (long long)g->levels[l][i], (long long)want[i]);
			return 0;
		}
	return 1;
}

static const char *joined_names(const em_fg_diff *g)
{
	static char buf[512];
	size_t used = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < g->nnames && used < sizeof(buf) - 64; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%.*s", i ? " " : "",
		    (int)g->name_len[i], g->names[i]);
	return buf;
}

/* Worked by following NewFlamegraphDiff: depth-first from a stack, names
 * numbered as met, levels listed left to right, x delta-encoded. */
static void test_flamegraph(void)
{
	static const int64_t l0[] = { 0, 20, 0, 0, 24, 0, 0 };
	static const int64_t l1[] = { 0, 20, 0, 0, 20, 0, 3, 0, 0, 0, 0, 4, 0, 1 };
	static const int64_t l2[] = { 0, 10, 0, 0, 9, 0, 6, 0, 10, 10, 0, 5, 5, 5,
		0, 0, 0, 0, 6, 6, 4, 0, 0, 0, 0, 4, 4, 2 };
	static const int64_t l3[] = { 0, 4, 4, 0, 0, 0, 8, 0, 6, 6, 0, 9, 9, 7 };
	/* max_nodes 4: threshold = 4th largest max(l, r) of 24 20 10 10 9 6 4 4 4 */
	static const int64_t t1[] = { 0, 20, 0, 0, 20, 0, 2, 0, 0, 0, 0, 4, 4, 1 };
	static const int64_t t2[] = { 0, 10, 0, 0, 9, 0, 4, 0, 10, 10, 0, 5, 5, 3,
		0, 0, 0, 0, 6, 6, 1 };
	static const int64_t t3[] = { 0, 10, 10, 0, 9, 9, 1 };
	em_profile *b = base_profile(), *n = new_profile(), *neg;
	em_fg_diff g;
	em_diff d;
	em_error err;

	em_diff_build_profiles(&d, b, 0, n, 0, &err);
	ok(em_diff_flamegraph(&g, &d, 0, &err) == 0, "flame graph diff builds");
	is_str(joined_names(&g), "total zz x main e d a c b", "names in the server's order");
	is_int(g.nlevels, 4, "four levels");
	ok(same_levels(&g, 0, l0, 7), "level 0");
	ok(same_levels(&g, 1, l1, 14), "level 1");
	ok(same_levels(&g, 2, l2, 28), "level 2");
	ok(same_levels(&g, 3, l3, 14), "level 3");
	ok(g.left_ticks == 20 && g.right_ticks == 24 && g.total == 44 && g.max_self == 10,
	    "ticks, total and max self");
	em_fg_diff_free(&g);

	ok(em_diff_flamegraph(&g, &d, 9, &err) == 0 && g.nlevels == 4 && g.nnames == 9,
	    "max_nodes equal to the node count: nothing cut");
	em_fg_diff_free(&g);

	ok(em_diff_flamegraph(&g, &d, 4, &err) == 0, "truncated to 4 nodes");
	is_str(joined_names(&g), "total other main d a", "truncated: names with other");
	ok(same_levels(&g, 0, l0, 7) && same_levels(&g, 1, t1, 14) &&
	    same_levels(&g, 2, t2, 21) && same_levels(&g, 3, t3, 7),
	    "truncated: small children folded into other, placed last");
	em_fg_diff_free(&g);
	em_diff_free(&d);

	/* a function really called "other" shares the truncation's name */
	stack(n, "main;other", 30);
	em_diff_build_profiles(&d, b, 0, n, 0, &err);
	ok(em_diff_flamegraph(&g, &d, 4, &err) == 0, "a function named other");
	{
		uint32_t i, others = 0;

		for (i = 0; i < g.nnames; i++)
			others += g.name_len[i] == 5 && memcmp(g.names[i], "other", 5) == 0;
		is_int(others, 1, "...has one name entry with the truncation's other");
	}
	em_fg_diff_free(&g);
	em_diff_free(&d);

	neg = profile("delta");
	stack(neg, "main;a", 5);
	stack(neg, "main;b", -2);
	em_diff_build_profiles(&d, b, 0, neg, 0, &err);
	err.msg[0] = '\0';
	ok(em_diff_flamegraph(&g, &d, 0, &err) < 0 && strstr(err.msg, "negative"),
	    "negative values refused, as the server does");
	em_diff_free(&d);
	em_profile_free(neg);
	em_profile_free(b);
	em_profile_free(n);
}

int main(void)
{
	test_tree();
	test_arithmetic();
	test_zero_totals();
	test_two_types();
	test_table();
	test_flamegraph();
	return done();
}

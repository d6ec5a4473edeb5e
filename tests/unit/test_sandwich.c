/* test_sandwich.c - the callers and callees trees of a function on
 * hand-built profiles (figures worked out by hand), recursion counted
 * once, inlined frames, agreement with em_top on a generated profile, and
 * em_tree_build_stacks against em_tree_build. */
#include <stdlib.h>
#include <string.h>

#include "embers/profile.h"
#include "embers/sandwich.h"
#include "embers/top.h"
#include "embers/tree.h"
#include "tap.h"

static em_profile *prof;

static em_func_id fn(const char *name)
{
	return em_profile_func(prof, em_profile_str(prof, name, strlen(name)), 0, 0, 0);
}

static uint32_t loc(const char *name)
{
	return em_profile_func_location(prof, fn(name));
}

/* Add "a;b;c" with value v. */
static void stack(const char *folded, int64_t v)
{
	uint32_t locs[64];
	size_t n = 0;
	char buf[256], *p = buf, *semi;

	snprintf(buf, sizeof(buf), "%s", folded);
	while (*p) {
		semi = strchr(p, ';');
		if (semi)
			*semi = '\0';
		locs[n++] = loc(p);
		if (!semi)
			break;
		p = semi + 1;
	}
	if (em_profile_add_sample(prof, locs, n, &v, NULL, 0) < 0)
		ok(0, "add sample %s", folded);
}

static void new_profile(void)
{
	em_profile_free(prof);
	prof = em_profile_new();
	em_profile_add_type(prof, "cpu", "nanoseconds");
}

/* "name=total(child,child)" of the subtree at i; children in tree order. */
static void dump_node(const em_tree *t, em_node i, char *buf, size_t n, size_t *used)
{
	uint32_t c;
	int w = snprintf(buf + *used, n - *used, "%s=%lld", em_tree_name(t, prof, i),
	    (long long)t->total[i]);

	if (w < 0 || (size_t)w >= n - *used)
		return;
	*used += (size_t)w;
	if (em_tree_nchildren(t, i) == 0)
		return;
	for (c = t->child[i]; c < t->child[i + 1]; c++) {
		if (*used + 2 >= n)
			return;
		buf[(*used)++] = c == t->child[i] ? '(' : ',';
		buf[*used] = '\0';
		dump_node(t, c, buf, n, used);
	}
	if (*used + 2 < n) {
		buf[(*used)++] = ')';
		buf[*used] = '\0';
	}
}

static const char *dump(const em_tree *t)
{
	static char buf[4096];
	size_t used = 0;

	buf[0] = '\0';
	dump_node(t, 0, buf, sizeof(buf), &used);
	return buf;
}

static const em_top_row *top_row(const em_top *t, em_func_id f)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].func == f)
			return &t->rows[i];
	return NULL;
}

static void test_recursion_and_merging(void)
{
	em_sandwich s;
	em_error err;
	em_top top;
	const em_top_row *r;

	new_profile();
	stack("main;a;f;g", 5);
	stack("main;b;f", 3);
	stack("main;f;x;f;y", 2); /* recursion: only the outer f counts */
	stack("f", 4);            /* f as the root: no callers */
	stack("main;c", 7);       /* no f */
	stack("main;f;f", 1);     /* direct recursion, leaf f */
	stack("main;z;f", 0);     /* value 0: adds nothing */
	ok(em_sandwich_build(&s, prof, 0, fn("f"), &err) == 0, "sandwich of f builds");
	is_int(s.total, 15, "f total: each sample holding f once (5+3+2+4+1)");
	is_int(s.self, 8, "f self: samples whose leaf is f (3+4+1)");
	em_top_build(&top, prof, 0, &err);
	r = top_row(&top, fn("f"));
	ok(r && r->self == s.self && r->total == s.total, "self and total equal em_top's");
	is_str(dump(&s.callees), "total=15(f=15(f=1,g=5,x=2(f=2(y=2))))",
	    "callees: cut at the outermost f, nested calls of f inside");
	is_str(dump(&s.callers), "total=15(f=15(a=5(main=5),b=3(main=3),main=3))",
	    "callers: reversed paths above the outermost f, merged over occurrences");
	is_int(em_tree_self(&s.callees, 1), 7, "callees: f's own leaf time at the top level");
	is_int(em_tree_self(&s.callers, 1), 4, "callers: f as a root frame is f's self there");
	is_int(s.callers.total[0], top.total - 7, "callers root total: every sample holding f");
	is_int(s.callees.func[1], fn("f"), "node 1 of callees is f");
	is_int(s.callers.func[1], fn("f"), "node 1 of callers is f");
	em_top_free(&top);
	em_sandwich_free(&s);

	ok(em_sandwich_build(&s, prof, 0, fn("c"), &err) == 0, "sandwich of a leaf builds");
	is_str(dump(&s.callees), "total=7(c=7)", "leaf: callees are only itself");
	is_str(dump(&s.callers), "total=7(c=7(main=7))", "leaf: its one caller");
	em_sandwich_free(&s);

	ok(em_sandwich_build(&s, prof, 0, fn("z"), &err) == 0,
	    "a function only in zero-value samples builds");
	ok(s.total == 0 && s.self == 0 && s.callers.n == 1 && s.callees.n == 1 &&
	    s.callers.total[0] == 0, "...as two empty trees with zero figures");
	em_sandwich_free(&s);

	err.msg[0] = '\0';
	ok(em_sandwich_build(&s, prof, 0, prof->nfuncs, &err) < 0 && err.msg[0],
	    "an unknown function id is an error");
	ok(em_sandwich_build(&s, prof, 3, fn("f"), &err) < 0, "an unknown sample type is an error");
}

/* f inlined into outer: one location with two lines. */
static void test_inlined(void)
{
	em_line lines[2];
	uint32_t locs[3];
	int64_t v = 6;
	em_sandwich s;
	em_error err;

	new_profile();
	lines[0] = (em_line){ .func = fn("outer"), .line = 10 };
	lines[1] = (em_line){ .func = fn("f"), .line = 20 };
	locs[0] = loc("main");
	locs[1] = em_profile_add_location(prof, lines, 2, 0x1000, 0);
	locs[2] = loc("leaf");
	em_profile_add_sample(prof, locs, 3, &v, NULL, 0);
	ok(em_sandwich_build(&s, prof, 0, fn("f"), &err) == 0, "inlined: builds");
	is_str(dump(&s.callers), "total=6(f=6(outer=6(main=6)))",
	    "inlined: the function it was inlined into is its caller");
	is_str(dump(&s.callees), "total=6(f=6(leaf=6))", "inlined: callees below it");
	em_sandwich_free(&s);
}

/* A generated profile with recursion everywhere: for every function the
 * sandwich agrees with em_top and both trees hold f's total. */
static void test_against_top(void)
{
	static const char *names[] = { "r", "a", "b", "c", "d", "e" };
	unsigned seed = 12345;
	em_top top;
	em_error err;
	int i, good = 1, sums = 1;

	new_profile();
	for (i = 0; i < 400; i++) {
		char buf[200];
		size_t used = 0;
		int depth, k;

		seed = seed * 1103515245u + 12345u;
		depth = 1 + (int)((seed >> 16) % 9);
		for (k = 0; k < depth; k++) {
			seed = seed * 1103515245u + 12345u;
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
			    k ? ";" : "", names[(seed >> 16) % 6]);
		}
		stack(buf, (int64_t)((seed >> 8) % 50));
	}
	em_top_build(&top, prof, 0, &err);
	for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		em_func_id f = em_profile_find_func(prof, names[i], strlen(names[i]));
		const em_top_row *r = top_row(&top, f);
		em_sandwich s;

		if (em_sandwich_build(&s, prof, 0, f, &err) < 0) {
			good = 0;
			continue;
		}
		if (r == NULL || r->self != s.self || r->total != s.total)
			good = 0;
		if (s.callers.total[0] != s.total || s.callees.total[0] != s.total ||
		    s.callers.n < 2 || s.callees.total[1] != s.total ||
		    s.callers.total[1] != s.total || em_tree_nchildren(&s.callers, 0) != 1)
			sums = 0;
		em_sandwich_free(&s);
	}
	ok(good, "generated profile: every function's self and total equal em_top's");
	ok(sums, "generated profile: both trees hold f once with f's total");
	em_top_free(&top);
}

static void test_build_stacks(void)
{
	em_func_id a, b, c, frames[7];
	uint64_t off[4] = { 0, 3, 5, 7 };
	int64_t vals[3] = { 2, 5, 0 };
	em_tree t1, t2;
	em_error err;
	char want[4096];

	new_profile();
	stack("a;b;c", 2);
	stack("a;c", 5);
	stack("b;b", 0);
	a = fn("a");
	b = fn("b");
	c = fn("c");
	frames[0] = a, frames[1] = b, frames[2] = c;
	frames[3] = a, frames[4] = c;
	frames[5] = b, frames[6] = b;
	em_tree_build(&t1, prof, 0, &err);
	snprintf(want, sizeof(want), "%s", dump(&t1));
	ok(em_tree_build_stacks(&t2, prof, frames, off, 3, vals, &err) == 0,
	    "em_tree_build_stacks builds");
	is_str(dump(&t2), want, "...the same tree as em_tree_build on the same samples");
	is_str(want, "total=7(a=7(b=2(c=2),c=5))", "...which is the expected one");
	em_tree_free(&t1);
	em_tree_free(&t2);
	ok(em_tree_build_stacks(&t2, prof, NULL, NULL, 0, NULL, &err) == 0 && t2.n == 1 &&
	    t2.total[0] == 0, "no stacks: the root alone");
	em_tree_free(&t2);
	frames[1] = prof->nfuncs + 7;
	err.msg[0] = '\0';
	ok(em_tree_build_stacks(&t2, prof, frames, off, 3, vals, &err) < 0 && err.msg[0],
	    "a function id out of range is an error");
	frames[1] = b;
	off[1] = 6; /* stack 1 would end before it starts */
	ok(em_tree_build_stacks(&t2, prof, frames, off, 3, vals, &err) < 0,
	    "decreasing offsets are an error");
}

int main(void)
{
	test_recursion_and_merging();
	test_inlined();
	test_against_top();
	test_build_stacks();
	em_profile_free(prof);
	return done();
}

/* test_model.c - strtab, profile builder, call tree and top on hand-built
 * profiles whose figures are worked out by hand; the other files of
 * function names and the mapping table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/profile.h"
#include "embers/strtab.h"
#include "embers/top.h"
#include "embers/tree.h"
#include "tap.h"

static em_profile *prof;

static uint32_t loc(const char *name)
{
	em_str s = em_profile_str(prof, name, strlen(name));

	return em_profile_func_location(prof, em_profile_func(prof, s, 0, 0, 0));
}

/* Add "a;b;c" with value v (one sample type) or v and v2 (two). */
static void stack(const char *folded, int64_t v, int64_t v2)
{
	uint32_t locs[64];
	size_t n = 0;
	char buf[256], *p = buf, *semi;
	int64_t vals[2] = { v, v2 };

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
	if (em_profile_add_sample(prof, locs, n, vals, NULL, 0) < 0)
		ok(0, "add sample %s", folded);
}

static em_node child_named(const em_tree *t, em_node i, const char *name)
{
	em_func_id f = em_profile_find_func(prof, name, strlen(name));

	return f == EM_FUNC_NONE ? EM_NODE_NONE : em_tree_find_child(t, prof, i, f);
}

static const em_top_row *row(const em_top *t, const char *name)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(em_func_name(prof, t->rows[i].func), name) == 0)
			return &t->rows[i];
	return NULL;
}

static void test_strtab(void)
{
	em_strtab *t = em_strtab_new();
	char big[3000];
	em_str a, b, c, z;
	int i, same = 1;

	is_int(em_strtab_intern(t, "", 0), 0, "empty string is id 0");
	a = em_strtab_intern(t, "main", 4);
	b = em_strtab_intern(t, "main", 4);
	c = em_strtab_intern(t, "mai", 3);
	ok(a == b && a != c, "interning returns one id per distinct string");
	z = em_strtab_intern(t, "a\0b", 3);
	ok(z != em_strtab_intern(t, "a", 1) && em_strtab_len(t, z) == 3, "embedded NUL kept");
	for (i = 0; i < 20000; i++) {
		int n = snprintf(big, sizeof(big), "func%d", i);

		em_strtab_intern(t, big, (size_t)n);
	}
	for (i = 0; i < 20000; i += 997) {
		int n = snprintf(big, sizeof(big), "func%d", i);
		em_str id = em_strtab_find(t, big, (size_t)n);

		same &= id != EM_STR_NONE && strcmp(em_strtab_str(t, id), big) == 0;
	}
	ok(same, "ids survive growth of the table");
	is_str(em_strtab_str(t, a), "main", "lookup by id after growth");
	ok(em_strtab_find(t, "nope", 4) == EM_STR_NONE, "find of a missing string");
	em_strtab_free(t);
}

/* a;b;c 3, a;b 2, a;d 1, a;b;a;b 4 (recursion), e 5 */
static void build_profile(void)
{
	prof = em_profile_new();
	em_profile_add_type(prof, "cpu", "nanoseconds");
	em_profile_add_type(prof, "samples", "count");
	stack("a;b;c", 3, 1);
	stack("a;b", 2, 0);
	stack("a;d", 1, 1);
	stack("a;b;a;b", 4, 1);
	stack("e", 5, 0);
	stack("a;b;c", 0, 7); /* zero for type 0: adds no node there */
}

static void test_tree(void)
{
	em_tree t;
	em_error err;
	em_node a, b, c, d, e, ba;

	ok(em_tree_build(&t, prof, 0, &err) == 0, "tree builds");
	is_int(t.total[0], 15, "root total is the sum of samples");
	is_int(em_tree_nchildren(&t, 0), 2, "two roots: a and e");
	a = child_named(&t, 0, "a");
	e = child_named(&t, 0, "e");
	ok(a == 1 && e == 2, "root children in name order, breadth first");
	is_int(t.total[a], 10, "a total");
	is_int(em_tree_self(&t, a), 0, "a self");
	b = child_named(&t, a, "b");
	d = child_named(&t, a, "d");
	ok(b != EM_NODE_NONE && d == b + 1, "b and d are adjacent children of a");
	is_int(t.total[b], 9, "a;b total");
	is_int(em_tree_self(&t, b), 2, "a;b self");
	c = child_named(&t, b, "c");
	ba = child_named(&t, b, "a");
	ok(c != EM_NODE_NONE && ba != EM_NODE_NONE && ba < c, "b's children a, c in name order");
	is_int(t.total[c], 3, "a;b;c total (zero sample ignored)");
	is_int(t.total[child_named(&t, ba, "b")], 4, "recursive path keeps its own node");
	is_int(em_tree_parent(&t, c), b, "parent of c is b");
	is_int(em_tree_parent(&t, a), 0, "parent of a is the root");
	ok(em_tree_parent(&t, 0) == EM_NODE_NONE, "root has no parent");
	is_int(em_tree_depth(&t, child_named(&t, ba, "b")), 4, "depth of a;b;a;b");
	is_int(t.nlevels, 5, "levels: root + 4");
	is_int(t.n, 8, "node count");
	is_str(em_tree_name(&t, prof, 0), "total", "root is named total");
	is_int(em_tree_self(&t, e), 5, "e self");
	em_tree_free(&t);

	ok(em_tree_build(&t, prof, 1, &err) == 0, "tree of the second type");
	is_int(t.total[0], 10, "second type total");
	c = child_named(&t, child_named(&t, child_named(&t, 0, "a"), "b"), "c");
	is_int(t.total[c], 8, "identical stacks merge");
	ok(child_named(&t, 0, "e") == EM_NODE_NONE, "zero-valued e has no node");
	em_tree_free(&t);
	ok(em_tree_build(&t, prof, 2, &err) < 0 && strstr(err.msg, "sample type"),
	    "unknown type refused: %s", err.msg);
}

static void test_top(void)
{
	em_top t;
	em_error err;
	const em_top_row *r;

	ok(em_top_build(&t, prof, 0, &err) == 0, "top builds");
	is_int(t.total, 15, "top total");
	r = row(&t, "b");
	ok(r && r->self == 6 && r->total == 9, "b: self 6 (2 + 4), total 9 (recursion once)");
	r = row(&t, "a");
	ok(r && r->self == 0 && r->total == 10, "a: self 0, total 10");
	is_str(em_func_name(prof, t.rows[0].func), "b", "sorted by self: b first");
	is_str(em_func_name(prof, t.rows[1].func), "e", "then e");
	em_top_sort(&t, prof, EM_SORT_TOTAL);
	is_str(em_func_name(prof, t.rows[0].func), "a", "sorted by total: a first");
	em_top_sort(&t, prof, EM_SORT_NAME);
	is_str(em_func_name(prof, t.rows[0].func), "a", "sorted by name: a first");
	is_str(em_func_name(prof, t.rows[t.n - 1].func), "e", "sorted by name: e last");
	is_int(t.n, 5, "five functions");
	em_top_free(&t);
	is_int(em_sort_parse("total"), EM_SORT_TOTAL, "sort parse total");
	is_int(em_sort_parse("bogus"), -1, "sort parse rejects junk");
}

static void test_inlined_and_overflow(void)
{
	em_profile *p = em_profile_new();
	em_line lines[2];
	uint32_t l1, locs[1];
	int64_t v = INT64_MAX;
	em_tree t;
	em_top top;
	em_error err;

	em_profile_add_type(p, "space", "bytes");
	lines[0].func = em_profile_func(p, em_profile_str(p, "outer", 5), 0, 0, 0);
	lines[1].func = em_profile_func(p, em_profile_str(p, "inner", 5), 0, 0, 0);
	lines[0].line = 10;
	lines[1].line = 20;
	lines[0].file = lines[1].file = 0;
	l1 = em_profile_add_location(p, lines, 2, 0x1000, 0);
	locs[0] = l1;
	em_profile_add_sample(p, locs, 1, &v, NULL, 0);
	ok(em_tree_build(&t, p, 0, &err) == 0, "inlined location builds");
	ok(t.nlevels == 3 && t.func[1] == lines[0].func && t.func[2] == lines[1].func,
	    "an inlined location is two frames, caller first");
	em_tree_free(&t);
	em_profile_add_sample(p, locs, 1, &v, NULL, 0);
	ok(em_tree_build(&t, p, 0, &err) < 0 && strstr(err.msg, "overflow"),
	    "overflowing totals are an error: %s", err.msg);
	ok(em_top_build(&top, p, 0, &err) < 0, "top also refuses the overflow");
	ok(em_profile_find_type(p, "space") == 0 && em_profile_find_type(p, "0") == 0 &&
	    em_profile_find_type(p, "1") == -1 && em_profile_find_type(p, "x") == -1,
	    "sample types found by name and index");
	em_profile_free(p);
}

static void test_labels(void)
{
	em_profile *p = em_profile_new();
	em_label lab = { 0 };
	uint32_t l;
	int64_t v = 1;

	em_profile_add_type(p, "samples", "count");
	l = em_profile_func_location(p, em_profile_func(p, em_profile_str(p, "f", 1), 0, 0, 0));
	em_profile_add_sample(p, &l, 1, &v, NULL, 0);
	lab.key = em_profile_str(p, "span", 4);
	lab.str = em_profile_str(p, "x", 1);
	em_profile_add_sample(p, &l, 1, &v, &lab, 1);
	em_profile_add_sample(p, &l, 1, &v, NULL, 0);
	ok(p->label_off && p->label_off[0] == 0 && p->label_off[1] == 0 &&
	    p->label_off[2] == 1 && p->label_off[3] == 1, "labels indexed per sample");
	is_str(em_profile_cstr(p, p->labels[0].key), "span", "label key kept");
	ok(em_profile_add_type(p, "late", "count") < 0, "no new type after samples");
	em_profile_free(p);
}

/* A name in several files: recorded once each, the first start line
 * wins, the function's own file is not recorded, lines record theirs. */
static void test_func_files(void)
{
	em_profile *p = em_profile_new();
	em_str a = em_profile_str(p, "a.js", 4), b = em_profile_str(p, "b.js", 4);
	em_str c = em_profile_str(p, "c.js", 4);
	em_func_id f = em_profile_func(p, em_profile_str(p, "next", 4), 0, a, 3);
	em_line ln[3];
	uint32_t i, found = 0;
	int bad = 0;

	ok(em_profile_add_func_file(p, f, a, 99) == 0 && p->nfunc_files == 0,
	    "the function's own file is not another file");
	ok(em_profile_add_func_file(p, f, b, 20) == 0 &&
	    em_profile_add_func_file(p, f, b, 77) == 0 && p->nfunc_files == 1,
	    "another file is recorded once");
	is_int(em_profile_start_line(p, f, b), 20, "the first start line wins");
	is_int(em_profile_start_line(p, f, a), 3, "the own file's start line");
	is_int(em_profile_start_line(p, f, c), 0, "unknown file: start line 0");
	ok(em_profile_add_func_file(p, 7, b, 1) < 0 && em_profile_add_func_file(p, f,
	    EM_STR_NONE, 1) < 0, "a bad function or file is refused");
	ln[0] = (em_line){ .func = f, .file = c, .line = 5 };
	ln[1] = (em_line){ .func = f, .file = 12345, .line = 6 };
	ln[2] = (em_line){ .func = f, .file = EM_LINE_NO_FILE, .line = 7 };
	ok(em_profile_add_location(p, ln, 3, 0, 0) == 0, "location added");
	ok(em_profile_find_func_file(p, f, c) != UINT32_MAX && p->nfunc_files == 3,
	    "a line's other file and no file are recorded (c.js, none)");
	ok(p->lines[1].file == 0 && em_line_file(p, &p->lines[1]) == a,
	    "a file id that is no string counts as the function's");
	ok(em_line_file(p, &p->lines[2]) == 0 && em_line_file(p, &p->lines[0]) == c,
	    "em_line_file: none, or the line's own");
	/* enough names to grow the hash table several times */
	for (i = 0; i < 500; i++) {
		char name[32];
		int n = snprintf(name, sizeof(name), "f%u", i);
		em_func_id g = em_profile_func(p, em_profile_str(p, name, (size_t)n), 0, a, 1);

		bad |= em_profile_add_func_file(p, g, b, (int64_t)i) < 0 ||
		    em_profile_add_func_file(p, g, c, (int64_t)i + 1000) < 0;
	}
	for (i = 0; i < 500; i++) {
		char name[32];
		int n = snprintf(name, sizeof(name), "f%u", i);
		em_func_id g = em_profile_find_func(p, name, (size_t)n);

		found += em_profile_start_line(p, g, b) == (int64_t)i &&
		    em_profile_start_line(p, g, c) == (int64_t)i + 1000;
	}
	ok(!bad && found == 500 && p->nfunc_files == 1003, "1000 more found again (%u)", found);
	em_profile_free(p);
}

static void test_maps(void)
{
	em_profile *p = em_profile_new();
	em_func_id f = em_profile_func(p, em_profile_str(p, "f", 1), 0, 0, 0);
	em_line ln = { .func = f };
	em_memmap m;
	uint32_t first, second, l;

	memset(&m, 0, sizeof(m));
	m.memory_start = 0x1000;
	m.file = em_profile_str(p, "/bin/x", 6);
	m.build_id = EM_STR_NONE;
	first = em_profile_add_map(p, &m);
	m.file = em_profile_str(p, "/lib/y.so", 9);
	second = em_profile_add_map(p, &m);
	ok(first == 1 && second == 2 && p->nmaps == 2, "mappings numbered from 1 in order");
	ok(p->maps[0].build_id == 0 && p->maps[0].memory_start == 0x1000,
	    "a missing build id is 0; fields kept");
	l = em_profile_add_mapped_location(p, &ln, 1, 0x1234, second);
	ok(l != UINT32_MAX && p->locs[l].map == 2 && p->locs[l].mapping_file == m.file,
	    "a mapped location: its map and the map's file");
	ok(em_profile_add_mapped_location(p, &ln, 1, 0, 3) == UINT32_MAX,
	    "a mapping that does not exist is refused");
	l = em_profile_add_location(p, &ln, 1, 0, m.file);
	ok(l != UINT32_MAX && p->locs[l].map == 0 && p->locs[l].mapping_file == m.file,
	    "a location naming only a mapping file has no map");
	ok(sizeof(em_line) == 16 && sizeof(em_location) == 24,
	    "frames and locations did not grow");
	em_profile_free(p);
}

int main(void)
{
	test_strtab();
	build_profile();
	test_tree();
	test_top();
	em_profile_free(prof);
	test_inlined_and_overflow();
	test_labels();
	test_func_files();
	test_maps();
	return done();
}

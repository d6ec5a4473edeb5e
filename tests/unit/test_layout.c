/* test_layout.c - the flame graph geometry and the cell grid, without a
 * terminal: which frame occupies which cells for a width, zoom and group;
 * narrow frames aggregated and never dropped; search marks and share; the
 * ASCII fallback of the screen. */
#include <stdlib.h>
#include <string.h>

#include "embers/reader.h"
#include "embers/tree.h"
#include "tap.h"
#include "../../src/tui/flame_layout.h"
#include "../../src/tui/screen.h"
#include "../../src/tui/search.h"

struct fx {
	em_profile *p;
	em_tree t;
	uint32_t *h, *parent;
	struct em_flame_layout l;
};

static int fx_open(struct fx *f, const char *folded)
{
	em_error err;

	memset(f, 0, sizeof(*f));
	f->p = em_read_buffer((const uint8_t *)folded, strlen(folded), NULL, &err);
	if (f->p == NULL) {
		printf("# read: %s\n", err.msg);
		return -1;
	}
	if (em_tree_build(&f->t, f->p, 0, &err) < 0 || em_tree_heights(&f->t, &f->h) < 0 ||
	    em_tree_parents(&f->t, &f->parent) < 0) {
		printf("# tree: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void fx_close(struct fx *f)
{
	em_flame_layout_free(&f->l);
	free(f->h);
	free(f->parent);
	em_tree_free(&f->t);
	em_profile_free(f->p);
}

static em_node node_by_path(struct fx *f, const char *path)
{
	em_node n = 0;

	while (*path) {
		const char *semi = strchr(path, ';');
		size_t len = semi ? (size_t)(semi - path) : strlen(path);
		em_func_id fn = em_profile_find_func(f->p, path, len);

		n = fn == EM_FUNC_NONE ? EM_NODE_NONE : em_tree_find_child(&f->t, f->p, n, fn);
		if (n == EM_NODE_NONE || semi == NULL)
			return n;
		path = semi + 1;
	}
	return n;
}

static int layout(struct fx *f, em_node z, const em_node *m, uint32_t nm, int w, int crumbs)
{
	struct em_zoom_view zv = { z, m, nm };

	return em_flame_layout_build(&f->l, &f->t, f->h, &zv, w, crumbs);
}

/* "name@x+w" for every span of row r, for compact comparisons */
static const char *row_str(struct fx *f, uint32_t r)
{
	static char buf[2048];
	size_t off = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; r < f->l.nrows && i < em_layout_row_len(&f->l, r); i++) {
		const struct em_span *s = em_layout_row(&f->l, r) + i;
		const char *name = s->kind == EM_SPAN_AGG ? "+" : s->kind == EM_SPAN_MORE ? "..." :
		    s->kind == EM_SPAN_ZOOMAGG ? "group" : em_tree_name(&f->t, f->p, s->node);
		int n = snprintf(buf + off, sizeof(buf) - off, "%s%s@%u+%u", i ? " " : "", name,
		    s->x, s->w);
		if (n < 0 || (size_t)n >= sizeof(buf) - off)
			break;
		off += (size_t)n;
	}
	return buf;
}

static void test_proportional(void)
{
	struct fx f;

	if (!ok(fx_open(&f, "a;b 60\na;c 40\n") == 0, "simple profile"))
		return;
	ok(layout(&f, 0, NULL, 0, 100, 4) == 0, "layout at 100 columns");
	is_int(f.l.nrows, 3, "root, a, children: 3 rows");
	is_int(f.l.ncrumbs, 0, "no breadcrumb at the root");
	is_str(row_str(&f, 0), "total@0+100", "root spans the width");
	is_str(row_str(&f, 1), "a@0+100", "a is all of it");
	is_str(row_str(&f, 2), "b@0+60 c@60+40", "b 60%, c 40%, in name order");
	ok(layout(&f, 0, NULL, 0, 10, 4) == 0, "layout at 10 columns");
	is_str(row_str(&f, 2), "b@0+6 c@6+4", "scaled to 10 cells");
	ok(layout(&f, 0, NULL, 0, 7, 4) == 0, "layout at 7 columns");
	/* 4.2 and 2.8: floors 4 and 2, the leftover cell to the bigger deficit */
	is_str(row_str(&f, 2), "b@0+4 c@4+3", "largest remainder gets the spare cell");
	is_int(em_layout_at(&f.l, 2, 3), (long)f.l.row_first[2], "cell 3 of row 2 is b");
	is_int(em_layout_at(&f.l, 2, 4), (long)f.l.row_first[2] + 1, "cell 4 of row 2 is c");
	is_int(em_layout_at(&f.l, 2, 7), -1, "past the width: nothing");
	fx_close(&f);
}

static void test_self_gap(void)
{
	struct fx f;

	if (!ok(fx_open(&f, "a 50\na;b 30\na;c 20\n") == 0, "profile with self"))
		return;
	layout(&f, 0, NULL, 0, 100, 4);
	is_str(row_str(&f, 2), "b@0+30 c@30+20", "children left, a's self stays empty");
	fx_close(&f);
}

static void test_narrow(void)
{
	struct fx f;
	long agg;
	int64_t mass;
	uint32_t frames;

	if (!ok(fx_open(&f, "a;b 98\na;c 1\na;d;e 1\n") == 0, "profile with narrow frames"))
		return;
	layout(&f, 0, NULL, 0, 10, 4);
	is_str(row_str(&f, 2), "b@0+9 +@9+1", "c and d (0.1 cell each) become one + cell");
	is_str(row_str(&f, 3), "+@9+1", "the group continues below: d has a child");
	is_int(f.l.nrows, 4, "no row past the deepest frame");
	agg = em_layout_find_agg(&f.l, node_by_path(&f, "a"), 0);
	ok(agg >= 0, "the group is found by its parent");
	em_layout_agg_stats(&f.l, &f.t, (size_t)agg, &mass, &frames);
	is_int(mass, 2, "group mass 2");
	is_int(frames, 2, "group of 2 frames");
	agg = em_layout_find_agg(&f.l, node_by_path(&f, "a"), 1);
	em_layout_agg_stats(&f.l, &f.t, (size_t)agg, &mass, &frames);
	is_int(mass, 1, "one level down: mass 1 (e)");
	is_int(frames, 1, "one level down: 1 frame");
	is_int(em_layout_find_node(&f.l, &f.t, node_by_path(&f, "a;c")), -1, "c has no span");
	is_int(em_layout_find_hidden(&f.l, &f.t, node_by_path(&f, "a;d;e")), agg,
	    "e is found inside the group one level down");
	fx_close(&f);

	/* a 1-cell parent with two children: one cell for both */
	if (!ok(fx_open(&f, "a;big 990\na;x;y 5\na;x;z 5\n") == 0, "tiny parent"))
		return;
	layout(&f, 0, NULL, 0, 100, 4);
	is_str(row_str(&f, 2), "big@0+99 x@99+1", "x gets one cell");
	is_str(row_str(&f, 3), "+@99+1", "x's children share its one cell as a group");
	fx_close(&f);

	/* more wide children than cells: the smallest join the group */
	/* p is 3.4 cells wide ideally but gets 3; its children are 1.1 each */
	if (!ok(fx_open(&f, "p;a 275\np;b 275\np;c 275\np;d 25\nq 150\n") == 0,
	    "crowded parent"))
		return;
	layout(&f, 0, NULL, 0, 4, 4);
	is_str(row_str(&f, 1), "p@0+3 +@3+1", "p gets 3 cells, q is grouped");
	is_str(row_str(&f, 2), "a@0+1 b@1+1 +@2+1", "3 cells: a, b, then c and d grouped");
	fx_close(&f);
}

/* Never dropped: on every row the spans show exactly the mass of the
 * frames at that depth, at every width; spans never overlap and stay
 * inside their parent. */
static void test_never_dropped(void)
{
	struct fx f;
	char *text = malloc(64 * 1024);
	size_t off = 0;
	int bad_mass = 0, bad_geom = 0;

	/* a skewed tree: a few big stacks and many small ones */
	for (int i = 0; i < 300; i++)
		off += (size_t)snprintf(text + off, 64 * 1024 - off, "r;m%d;n%d;o%d %d\n", i % 17,
		    i % 5, i, i < 10 ? 1000 + i * 97 : 1 + i % 3);
	if (!ok(fx_open(&f, text) == 0, "generated profile")) {
		free(text);
		return;
	}
	for (int w = 1; w <= 200; w++) {
		layout(&f, 0, NULL, 0, w, 4);
		for (uint32_t r = 0; r < f.l.nrows; r++) {
			int64_t want = 0, got = 0;
			int lastx = -1;
			for (em_node n = f.t.level[r]; n < f.t.level[r + 1]; n++)
				want += f.t.total[n];
			for (uint32_t i = f.l.row_first[r]; i < f.l.row_first[r + 1]; i++) {
				const struct em_span *s = &f.l.spans[i];
				int64_t m;
				uint32_t fr;
				long up;
				if (s->kind == EM_SPAN_AGG) {
					em_layout_agg_stats(&f.l, &f.t, i, &m, &fr);
					got += m;
				} else {
					got += f.t.total[s->node];
				}
				if (s->w < 1 || s->x < lastx || s->x + s->w > w)
					bad_geom++;
				lastx = s->x + s->w;
				if (r > 0) {
					up = em_layout_at(&f.l, r - 1, s->x);
					if (up < 0 || s->x + s->w > f.l.spans[up].x + f.l.spans[up].w)
						bad_geom++;
				}
			}
			if (got != want)
				bad_mass++;
		}
	}
	is_int(bad_mass, 0, "every row shows all of its mass at widths 1..200");
	is_int(bad_geom, 0, "spans in order, inside the width and inside their parent");
	free(text);
	fx_close(&f);
}

static void test_zoom(void)
{
	struct fx f;
	em_node b;

	if (!ok(fx_open(&f, "a;b;c 60\na;b;d 30\na;e 10\n") == 0, "zoom profile"))
		return;
	b = node_by_path(&f, "a;b");
	layout(&f, b, NULL, 0, 90, 4);
	is_int(f.l.ncrumbs, 2, "breadcrumb: total and a");
	is_str(row_str(&f, 0), "total@0+90", "breadcrumb row 1: total");
	is_str(row_str(&f, 1), "a@0+90", "breadcrumb row 2: a");
	is_str(row_str(&f, 2), "b@0+90", "the zoomed frame spans the width");
	is_str(row_str(&f, 3), "c@0+60 d@60+30", "its children fill the width by share");
	is_int(f.l.zoom_mass, 90, "the width stands for b's total");
	ok(em_layout_find_node(&f.l, &f.t, node_by_path(&f, "a;e")) < 0, "e is outside the zoom");
	is_int(em_layout_find_node(&f.l, &f.t, node_by_path(&f, "a")), (long)f.l.row_first[1],
	    "a is found in the breadcrumb");
	fx_close(&f);
}

static void test_crumb_cap(void)
{
	struct fx f;
	em_node deep;

	if (!ok(fx_open(&f, "f0;f1;f2;f3;f4;f5;f6;f7;f8;f9 5\nf0;x 5\n") == 0, "deep chain"))
		return;
	deep = node_by_path(&f, "f0;f1;f2;f3;f4;f5;f6;f7;f8");
	layout(&f, deep, NULL, 0, 40, 4);
	is_int(f.l.ncrumbs, 4, "at most 4 breadcrumb rows");
	is_str(row_str(&f, 0), "total@0+40", "the root stays first");
	is_int(em_layout_row(&f.l, 1)->kind, EM_SPAN_MORE, "then the elided ones");
	is_int(em_layout_row(&f.l, 1)->k, 6, "6 ancestors elided (f0..f5)");
	is_str(row_str(&f, 2), "f6@0+40", "then the nearest ancestors");
	is_str(row_str(&f, 3), "f7@0+40", "the parent is last");
	is_str(row_str(&f, 4), "f8@0+40", "the zoom row");
	is_str(row_str(&f, 5), "f9@0+40", "its child");
	fx_close(&f);
}

static void test_group_zoom(void)
{
	struct fx f;
	em_node a, m[2];

	if (!ok(fx_open(&f, "a;b 98\na;c 1\na;d;e 1\n") == 0, "group profile"))
		return;
	a = node_by_path(&f, "a");
	m[0] = node_by_path(&f, "a;c");
	m[1] = node_by_path(&f, "a;d");
	layout(&f, a, m, 2, 10, 4);
	is_int(f.l.ncrumbs, 2, "breadcrumb ends at the group's parent");
	is_str(row_str(&f, 1), "a@0+10", "parent a is the last crumb");
	is_str(row_str(&f, 2), "group@0+10", "the group spans the width");
	is_str(row_str(&f, 3), "c@0+5 d@5+5", "its members share the width");
	is_str(row_str(&f, 4), "e@5+5", "and their children follow");
	is_int(f.l.zoom_mass, 2, "the width stands for the group's mass");
	fx_close(&f);
}

static void test_search_with(int indexed)
{
	struct em_func_index ix, *ixp = NULL;
	struct fx f;
	struct em_search s;
	em_error err;

	memset(&s, 0, sizeof(s));
	if (!ok(fx_open(&f, "a;x;b;x 10\na;c;x 5\na;d 85\n") == 0, "search profile"))
		return;
	printf("# search %s\n", indexed ? "with the function index (sparse)" : "whole tree (dense)");
	if (indexed) {
		ok(em_func_index_build(&ix, &f.t, f.p->nfuncs) == 0, "function index");
		ixp = &ix;
		s.sparse_max = UINT32_MAX;
	}
	ok(em_search_regex(&s, f.p, "^x$", &err) == 0, "regex compiles");
	ok(em_search_apply(&s, &f.t, f.parent, ixp) == 0, "applied");
	is_int(s.frames, 3, "three x frames");
	is_int(s.share, 15, "share 15: a nested match is not counted twice");
	is_int(s.funcs_matched, 1, "one function");
	ok(em_search_node(&s, &f.t, node_by_path(&f, "a;c;x")), "a;c;x matches");
	ok(!em_search_node(&s, &f.t, node_by_path(&f, "a;c")), "a;c does not");
	ok(em_search_below(&s, &f.t, node_by_path(&f, "a;c")), "a;c has a match below");
	ok(em_search_below(&s, &f.t, node_by_path(&f, "a")), "so has a");
	ok(!em_search_below(&s, &f.t, node_by_path(&f, "a;d")), "a;d has none");
	ok(em_search_regex(&s, f.p, "X", &err) == 0 && em_search_apply(&s, &f.t, f.parent, ixp) == 0,
	    "upper case pattern");
	is_int(s.frames, 0, "smart case: X is case sensitive");
	ok(em_search_regex(&s, f.p, "B", &err) == 0 && em_search_apply(&s, &f.t, f.parent, ixp) == 0, "literal B");
	is_int(s.frames, 0, "literal with upper case is case sensitive");
	ok(em_search_regex(&s, f.p, "b", &err) == 0 && em_search_apply(&s, &f.t, f.parent, ixp) == 0, "literal b");
	is_int(s.share, 10, "literal b matches b only");
	ok(em_search_regex(&s, f.p, "^[xa]$", &err) == 0 && em_search_apply(&s, &f.t, f.parent, ixp) == 0,
	    "bracket expression");
	is_int(s.funcs_matched, 2, "[xa] matches x and a");
	ok(em_search_regex(&s, f.p, "^dx?$", &err) == 0 && em_search_apply(&s, &f.t, f.parent, ixp) == 0,
	    "optional char");
	is_int(s.share, 85, "dx? matches d: the prefilter drops the optional x");
	ok(em_search_regex(&s, f.p, "^(b|d)$", &err) == 0 && em_search_apply(&s, &f.t, f.parent, ixp) == 0,
	    "alternation");
	is_int(s.share, 95, "b|d: 10 + 85");
	ok(em_search_regex(&s, f.p, "x{0}d", &err) == 0 && em_search_apply(&s, &f.t, f.parent, ixp) == 0,
	    "interval");
	is_int(s.share, 85, "x{0}d matches d");
	ok(em_search_regex(&s, f.p, "(", &err) < 0, "bad regex is refused");
	ok(strstr(err.msg, "'(': bad regex") != NULL, "error names the pattern");
	is_int(s.share, 85, "and the last search stays");
	ok(em_search_func(&s, f.p, em_profile_find_func(f.p, "d", 1), &err) == 0 &&
	    em_search_apply(&s, &f.t, f.parent, ixp) == 0, "one function");
	is_int(s.share, 85, "function d: 85");
	em_search_free(&s);
	if (indexed)
		em_func_index_free(&ix);
	fx_close(&f);
}

/* The sparse and dense passes agree on a bigger tree, for every function. */
static void test_search_agree(void)
{
	struct fx f;
	struct em_func_index ix;
	struct em_search a, b;
	char *text = malloc(64 * 1024);
	size_t off = 0;
	int bad = 0;
	em_error err;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	b.sparse_max = UINT32_MAX; /* always the sparse pass */
	for (int i = 0; i < 400; i++)
		off += (size_t)snprintf(text + off, 64 * 1024 - off, "r;f%d;f%d;f%d;f%d %d\n", i % 7,
		    i % 11, i % 5, i % 13, 1 + i % 9);
	if (!ok(fx_open(&f, text) == 0 && em_func_index_build(&ix, &f.t, f.p->nfuncs) == 0,
	    "generated profile and index")) {
		free(text);
		return;
	}
	for (uint32_t fn = 0; fn < f.p->nfuncs; fn++) {
		em_search_func(&a, f.p, fn, &err);
		em_search_func(&b, f.p, fn, &err);
		em_search_apply(&a, &f.t, f.parent, NULL);
		em_search_apply(&b, &f.t, f.parent, &ix);
		if (a.share != b.share || a.frames != b.frames)
			bad++;
		for (em_node n = 0; n < f.t.n; n++)
			if (em_search_below(&a, &f.t, n) != em_search_below(&b, &f.t, n))
				bad++;
	}
	is_int(bad, 0, "same share, frames and groups with and without the index");
	/* sets of several functions, nested in one another's stacks, and the
	 * same set twice in a row (the indexed result is reused) */
	bad = 0;
	{
		static const char *pats[] = { "f[0-3]$", "f1", "f1", "^f(2|5|12)$", "f", "f", "r|f6",
			"^f1[0-2]?$", "^f9$", "^nomatch$", "^f9$" };
		for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
			em_search_regex(&a, f.p, pats[i], &err);
			em_search_regex(&b, f.p, pats[i], &err);
			em_search_apply(&a, &f.t, f.parent, NULL);
			em_search_apply(&b, &f.t, f.parent, &ix);
			if (a.share != b.share || a.frames != b.frames || (b.frames == 0 && i != 9))
				bad++;
			for (em_node n = 0; n < f.t.n; n++)
				if (em_search_below(&a, &f.t, n) != em_search_below(&b, &f.t, n))
					bad++;
		}
	}
	is_int(bad, 0, "regex sets agree too, also when a set repeats");
	{
		/* the same set on another tree is not taken from the last one */
		struct fx g;
		struct em_func_index gx;

		if (ok(fx_open(&g, "r;f9;f1 7\nr;f2 5\n") == 0 &&
		    em_func_index_build(&gx, &g.t, g.p->nfuncs) == 0, "second tree")) {
			ok(em_search_regex(&b, g.p, "^f9$", &err) == 0 &&
			    em_search_apply(&b, &g.t, g.parent, &gx) == 0 && b.share == 7 && b.frames == 1,
			    "a new tree: its own share");
			em_func_index_free(&gx);
			fx_close(&g);
		}
	}
	em_search_free(&a);
	em_search_free(&b);
	em_func_index_free(&ix);
	free(text);
	fx_close(&f);
}

static void test_search(void)
{
	test_search_with(0);
	test_search_with(1);
	test_search_agree();
}

/* Function names lose their middle: the package start and the function. */
static void test_screen_mid(void)
{
	struct em_screen s = { 0, 0, NULL, 1 };
	const char *go = "github.com/grafana/pyroscope/pkg/model.(*Tree).InsertStack";
	char row[256];

	em_screen_resize(&s, 24, 3);
	em_screen_fit_mid(&s, 0, 0, 24, go, strlen(go), 0, 0);
	is_str(em_screen_row(&s, 0, row, sizeof(row)), "github.\xe2\x80\xa6ree).InsertStack",
	    "UTF-8: a third of the start, an ellipsis, the end");
	em_screen_fit_mid(&s, 0, 1, 20, "short.Name", 10, 0, 0);
	is_str(em_screen_row(&s, 1, row, sizeof(row)), "short.Name              ",
	    "a name that fits is padded, not cut");
	em_screen_fit_mid(&s, 0, 2, 8, go, strlen(go), 0, 0);
	is_str(em_screen_row(&s, 2, row, sizeof(row)), "gi\xe2\x80\xa6Stack                ",
	    "8 columns: still both ends");
	em_screen_fit_mid(&s, 0, 2, 6, go, strlen(go), 0, 0);
	is_str(em_screen_row(&s, 2, row, sizeof(row)), "githu\xe2\x80\xa6" "ck                ",
	    "6: too narrow for both ends, cut at the end (the rest untouched)");
	s.utf8 = 0;
	em_screen_fit_mid(&s, 0, 0, 24, "\xe4\xb8\xad\xe6\x96\x87" "abcdefghijklmnopqrstuvwxyz", 32,
	    0, 0);
	is_str(em_screen_row(&s, 0, row, sizeof(row)), "??abcde..lmnopqrstuvwxyz",
	    "ASCII screen: two-dot ellipsis, '?' for the non-ASCII");
	em_screen_free(&s);
}

static void test_screen(void)
{
	struct em_screen s = { 0, 0, NULL, 0 };
	char row[256];

	ok(em_screen_resize(&s, 10, 2) == 0, "screen 10x2");
	s.utf8 = 1;
	em_screen_fit(&s, 0, 0, 6, "abcdefghij", 10, 0, 0);
	is_str(em_screen_row(&s, 0, row, sizeof(row)), "abcde\xe2\x80\xa6    ",
	    "UTF-8: cut with a one-cell ellipsis");
	em_screen_fit(&s, 0, 1, 10, "caf\xc3\xa9", 5, 0, 0);
	is_str(em_screen_row(&s, 1, row, sizeof(row)), "caf\xc3\xa9      ", "UTF-8 name kept");
	s.utf8 = 0;
	em_screen_fit(&s, 0, 0, 6, "abcdefghij", 10, 0, 0);
	is_str(em_screen_row(&s, 0, row, sizeof(row)), "abcd..    ", "ASCII: two-dot ellipsis");
	em_screen_fit(&s, 0, 1, 10, "caf\xc3\xa9", 5, 0, 0);
	is_str(em_screen_row(&s, 1, row, sizeof(row)), "caf?      ", "ASCII: non-ASCII becomes ?");
	is_str(em_glyphs_get(0)->vline, "|", "ASCII vertical line");
	is_str(em_glyphs_get(1)->vline, "\xe2\x94\x82", "UTF-8 box line");
	s.utf8 = 1;
	em_screen_fit(&s, 0, 0, 10, "a\x01\xff" "b", 4, 0, 0);
	is_str(em_screen_row(&s, 0, row, sizeof(row)), "a??b      ", "control and bad bytes: ?");
	em_screen_fit(&s, 0, 0, 3, "\xe4\xb8\xad\xe6\x96\x87x", 7, 0, 0);
	is_int(em_text_width("\xe4\xb8\xad\xe6\x96\x87", 6, 1), 4, "CJK is two columns each");
	is_str(em_screen_row(&s, 0, row, sizeof(row)), "\xe4\xb8\xad\xe2\x80\xa6" "b      ",
	    "a wide char and the ellipsis fill 3 cells, the rest untouched");
	em_screen_puts(&s, 8, 1, 10, "xyz", 0, 0);
	is_str(em_screen_row(&s, 1, row, sizeof(row)), "caf?    xy", "cut at the edge");
	em_screen_free(&s);
	test_screen_mid();
}

int main(void)
{
	test_proportional();
	test_self_gap();
	test_narrow();
	test_never_dropped();
	test_zoom();
	test_crumb_cap();
	test_group_zoom();
	test_search();
	test_screen();
	return done();
}

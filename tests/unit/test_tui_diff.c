/* test_tui_diff.c - the sandwich, diff and comparison views on a virtual
 * screen: what a person would see after each key. Profiles are small
 * folded texts parsed here, so every figure is known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/reader.h"
#include "tap.h"
#include "../../src/tui/actions.h"
#include "../../src/tui/diff_view.h"
#include "../../src/tui/sandwich_view.h"
#include "../../src/tui/ui.h"

static struct em_theme theme;
static struct em_screen scr;
static char rows[80][2048];

static em_profile *folded(const char *text)
{
	em_error err;
	em_profile *p = em_read_buffer((const uint8_t *)text, strlen(text), NULL, &err);

	if (p == NULL)
		printf("# %s\n", err.msg);
	return p;
}

static void grab(void)
{
	for (int y = 0; y < scr.h && y < 80; y++)
		em_screen_row(&scr, y, rows[y], sizeof(rows[y]));
}

static void ui_draw(struct em_ui *ui)
{
	if (scr.w != ui->w || scr.h != ui->h)
		em_screen_resize(&scr, ui->w, ui->h);
	em_ui_draw(ui, &scr);
	grab();
}

static void ui_keys(struct em_ui *ui, const char *k)
{
	for (; *k; k++)
		em_ui_key(ui, *k == '\n' ? EM_KEY_ENTER : *k == 27 ? EM_KEY_ESC : (unsigned char)*k);
	ui_draw(ui);
}

static void dv_draw(struct em_dview *v)
{
	if (scr.w != v->w || scr.h != v->h)
		em_screen_resize(&scr, v->w, v->h);
	em_dview_draw(v, &scr);
	grab();
}

static void dv_keys(struct em_dview *v, const char *k)
{
	for (; *k; k++)
		em_dview_key(v, *k == '\n' ? EM_KEY_ENTER : *k == '\t' ? EM_KEY_TAB :
		    (unsigned char)*k);
	dv_draw(v);
}

static int line_with(const char *text)
{
	for (int y = 0; y < scr.h && y < 80; y++)
		if (strstr(rows[y], text) != NULL)
			return y;
	return -1;
}

/* x of the first cell of text on line y, -1 when absent. */
static int col_of(int y, const char *text)
{
	const char *p = y >= 0 ? strstr(rows[y], text) : NULL;

	return p == NULL ? -1 : (int)(p - rows[y]); /* ASCII screens only */
}

/* The screen line starting with text, or -1. */
static int line_starting(const char *text)
{
	for (int y = 0; y < scr.h && y < 80; y++)
		if (strncmp(rows[y], text, strlen(text)) == 0)
			return y;
	return -1;
}

static const char *info(void)
{
	return rows[scr.h - 1];
}

/* --- sandwich ------------------------------------------------------------ */

static const char *const sw_text =
    "main;x;f;g 30\n"
    "main;y;f;h 10\n"
    "main;y;f 5\n"
    "main;k 55\n";

static void test_sandwich(void)
{
	struct em_ui ui;
	em_error err;
	em_profile *p = folded(sw_text);
	int yc, yf, ycaller;

	if (!ok(p != NULL && em_ui_init(&ui, p, "sw", -1, &theme, &err) == 0, "sandwich ui")) {
		return;
	}
	ui.utf8 = 0;
	em_ui_resize(&ui, 100, 30);
	ui_keys(&ui, "jjl"); /* main -> k -> x */
	ui_keys(&ui, "j");  /* f */
	ok(strstr(info(), "f") == info(), "f selected in the flame graph");
	ui_keys(&ui, "y");
	ok(line_with("sandwich: f | self 5 (5.00%) | total 45 (45.00%)") == 0,
	    "header: f's self and total");
	yc = line_with("callers (above, growing up) of f");
	ycaller = line_with("x");
	yf = line_with("callees (below) of f");
	ok(yc > 0 && yf == yc + 1, "callers root row just above the callees root row");
	ok(ycaller > 0 && ycaller < yc - 1, "callers grow upward: x above f");
	ok(line_with("main") >= 0 && line_with("main") < ycaller, "main above its callee x");
	ok(line_starting("g ") > yf && col_of(line_starting("g "), "h") > 0, "callees g and h below");
	/* the callers half: x (30 of 45) is wider than y (15) */
	ok(col_of(ycaller, "x") < col_of(ycaller, "y"), "x before y on the callers row");
	/* k from the callees moves into the callers: f, then its caller x */
	ui_keys(&ui, "kkk");
	ok(strstr(info(), "caller x") != NULL, "k climbs into the callers");
	ui_keys(&ui, "\n");
	ok(line_with("sandwich: x | self 0 (0.00%) | total 30 (30.00%)") == 0,
	    "Enter re-centres on the caller x");
	ok(line_with("callees (below) of x") > 0 && line_starting("g ") > line_with("callees (below) of x"),
	    "x's callees f and g below");
	em_ui_key(&ui, EM_KEY_BACKSPACE);
	ui_draw(&ui);
	ok(line_with("sandwich: f") == 0, "Backspace returns to f's sandwich");
	em_ui_key(&ui, EM_KEY_ESC);
	ui_draw(&ui);
	ok(line_with("sandwich:") < 0 && strstr(info(), "f") == info(),
	    "Esc returns to the flame graph with f still selected");
	em_ui_free(&ui);
}

/* --- diff ------------------------------------------------------------------ */

/* base: total 100; new: total 200. a's share 50% -> 75%, b 50% -> 12.5%
 * (removed c... see below), n only in new, o only in base. */
static const char *const base_text =
    "main;a 50\n"
    "main;b 40\n"
    "main;o 10\n";
static const char *const new_text =
    "main;a 150\n"
    "main;b 25\n"
    "main;n 25\n";

static int open_dview(struct em_dview *v, int w, int h)
{
	em_error err;
	em_profile *b = folded(base_text), *n = folded(new_text);

	if (b == NULL || n == NULL || em_dview_init(v, b, 0, "base.folded", n, 0, "new.folded",
	    &theme, &err) < 0) {
		printf("# %s\n", b && n ? err.msg : "parse");
		return -1;
	}
	v->utf8 = 0;
	em_dview_resize(v, w, h);
	dv_draw(v);
	return 0;
}

static struct em_cell *cell_at(int x, int y)
{
	return em_screen_at(&scr, x, y);
}

static void test_diff_view(void)
{
	struct em_dview v;
	int y, x;

	if (!ok(open_dview(&v, 160, 30) == 0, "diff view opens")) {
		return;
	}
	y = line_with("main");
	ok(y == 1, "main under the root row");
	x = col_of(y + 1, "a");
	ok(x == 0, "a first on its row");
	/* a grew from 50% to 75%: +50% relative -> grow-mid; b shrank 40 -> 12.5 */
	is_int(cell_at(x, y + 1)->style, EM_ST_DIFF_GROW3, "a (+50% share) is strong red");
	x = col_of(y + 1, "b");
	is_int(cell_at(x, y + 1)->style, EM_ST_DIFF_SHRINK3, "b (-69% share) is strong green");
	ok(col_of(y + 1, "[+]n") >= 0, "n only in new is marked [+]");
	ok(col_of(y + 1, "[-]o") < 0, "o (base only) has no width in new-width mode");
	ok(strstr(rows[scr.h - 2], "normalised, width new") != NULL, "status: scale and width");
	ok(strstr(rows[scr.h - 2], "grew") && strstr(rows[scr.h - 2], "shrank") &&
	    strstr(rows[scr.h - 2], "[+]added [-]removed"), "legend in the status line");
	x = col_of(scr.h - 2, "grew");
	is_int(cell_at(x - 2, scr.h - 2)->style, EM_ST_DIFF_GROW3, "legend swatch for grew");
	dv_keys(&v, "m");
	ok(strstr(rows[scr.h - 2], "width base") != NULL, "m: width from the base");
	ok(col_of(2, "[-]o") >= 0 && col_of(2, "[+]n") < 0, "base width: o shows as [-], n not");
	dv_keys(&v, "m");
	ok(strstr(rows[scr.h - 2], "width max") && col_of(2, "[-]o") >= 0 && col_of(2, "[+]n") >= 0,
	    "max width: both one-sided frames show");
	dv_keys(&v, "m");
	/* selection figures: main -> a */
	dv_keys(&v, "jj");
	ok(strstr(info(), "a | base self 50 (50.00%) total 50 (50.00%) | new self 150 (75.00%) "
	    "total 150 (75.00%) | change total +25.00pp") == info(), "selection: base, new, change");
	dv_keys(&v, "a");
	dv_keys(&v, "x"); /* unbound: clears the message */
	ok(strstr(rows[scr.h - 2], "absolute") != NULL, "a: absolute");
	ok(strstr(info(), "change total +100") != NULL, "absolute change is new - base");
	x = col_of(2, "b");
	is_int(cell_at(x, 2)->style, EM_ST_DIFF_SHRINK1, "absolute: b -15 of max 200 -> shrink-low");
	dv_keys(&v, "a");
	/* the table: largest growth first */
	y = line_with("base self");
	ok(y > 0 && strstr(rows[y], "change") != NULL, "diff table header");
	ok(strstr(rows[y + 1], "+25.00pp") && strstr(rows[y + 1], " a"), "a first: largest growth");
	ok(strstr(rows[y + 2], "[+]n") != NULL,
	    "n (added, +12.5pp) second");
	dv_keys(&v, "S");
	ok(strstr(rows[y + 1], "b") != NULL, "S reverses: b (largest shrink) first");
	dv_keys(&v, "S");
	dv_keys(&v, "ssssss"); /* self change -> ... -> name */
	ok(strstr(rows[y], "function") != NULL && strstr(rows[y + 1], " a") &&
	    strstr(rows[y + 2], " b"), "sort by name: a, b, ...");
	dv_keys(&v, "s");
	/* swap: a now shrinks */
	dv_keys(&v, "b");
	ok(strstr(rows[scr.h - 2], "diff new.folded -> base.folded") != NULL, "b swaps the sides");
	x = col_of(2, "b");
	is_int(cell_at(x, 2)->style, EM_ST_DIFF_GROW3, "after the swap b (12.5% -> 40%) grew");
	ok(col_of(2, "[-]n") >= 0 || col_of(2, "[+]o") >= 0, "one-sided marks follow the swap");
	dv_keys(&v, "b");
	em_dview_free(&v);
}

static void test_compare(void)
{
	struct em_dview v;
	int y;

	if (!ok(open_dview(&v, 140, 30) == 0, "compare view opens")) {
		return;
	}
	dv_keys(&v, "jj"); /* main -> a */
	dv_keys(&v, "v");
	ok(strstr(rows[0], "base: base.folded | total 100") != NULL &&
	    strstr(rows[0], "new: new.folded | total 200") != NULL, "titles with totals, side by side");
	ok(strstr(info(), "new: a | total 150 (75.00%)") == info(), "new side selected on a");
	y = line_starting("a ");
	ok(y > 0 && em_screen_at(&scr, col_of(y, "a"), y)->style == EM_ST_ROW_SEL_DIM,
	    "base side shows a selected too");
	dv_keys(&v, "l"); /* a -> b on the new side */
	ok(strstr(info(), "new: b") == info(), "l moves to b");
	dv_keys(&v, "l"); /* n: only in new */
	ok(strstr(info(), "'n': this path does not exist in base (base.folded)") == info(),
	    "n does not exist in base: said so");
	dv_keys(&v, "\t");
	ok(strstr(info(), "base: b") == info(), "Tab: the base side kept b selected");
	dv_keys(&v, "v");
	ok(strstr(info(), "b | base self 40") == info(), "v back to the diff on the same frame");
	em_dview_resize(&v, 80, 30);
	dv_keys(&v, "v");
	ok(line_with("base: base.folded") == 0 && line_with("new: new.folded") > 1,
	    "narrow: stacked");
	em_dview_free(&v);
}

int main(void)
{
	if (em_theme_builtin(&theme, "dark") < 0)
		return 1;
	test_sandwich();
	test_diff_view();
	test_compare();
	em_screen_free(&scr);
	return done();
}

/* test_tui_ui.c - the interactive view driven by keys and mouse events on
 * a virtual screen (no terminal): what a person would see after each
 * step, read back from the cell grid as text. Uses $TESTDATA/tui. */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embers/reader.h"
#include "tap.h"
#include "../../src/tui/actions.h"
#include "../../src/tui/ui.h"

static struct em_theme theme;
static struct em_screen scr;
static char rows[80][2048];

static const char *data(const char *name)
{
	static char path[4096];
	const char *d = getenv("TESTDATA");

	snprintf(path, sizeof(path), "%s/tui/%s", d ? d : "../../tests/data", name);
	return path;
}

static int open_ui(struct em_ui *ui, const char *file, int w, int h)
{
	em_error err;
	em_profile *p = em_read_file(data(file), NULL, &err);

	if (p == NULL) {
		printf("# %s\n", err.msg);
		return -1;
	}
	if (em_ui_init(ui, p, file, -1, &theme, &err) < 0) {
		printf("# %s\n", err.msg);
		em_profile_free(p);
		return -1;
	}
	em_ui_resize(ui, w, h);
	return 0;
}

static void draw(struct em_ui *ui)
{
	if (scr.w != ui->w || scr.h != ui->h)
		em_screen_resize(&scr, ui->w, ui->h);
	em_ui_draw(ui, &scr);
	for (int y = 0; y < scr.h && y < 80; y++)
		em_screen_row(&scr, y, rows[y], sizeof(rows[y]));
}

/* Wait for a sample type build (the t key runs it on a thread) to end
 * and take it in, as the event loop does: sleep on the fd, then tick. */
static void settle(struct em_ui *ui)
{
	while (ui->tj != NULL) {
		struct pollfd pfd = { em_ui_wait_fd(ui), POLLIN, 0 };

		poll(&pfd, 1, 100);
		em_ui_tick(ui);
	}
}

static void keys(struct em_ui *ui, const char *k)
{
	for (; *k; k++) {
		em_ui_key(ui, *k == '\n' ? EM_KEY_ENTER : (unsigned char)*k);
		settle(ui);
	}
	draw(ui);
}

static void key(struct em_ui *ui, int k)
{
	em_ui_key(ui, k);
	draw(ui);
}

/* The screen line holding text, or -1. */
static int line_with(const char *text)
{
	for (int y = 0; y < scr.h && y < 80; y++)
		if (strstr(rows[y], text) != NULL)
			return y;
	return -1;
}

static const char *status(void)
{
	return rows[scr.h - 2];
}

static const char *info(void)
{
	return rows[scr.h - 1];
}

static void dump(void)
{
	for (int y = 0; y < scr.h; y++)
		printf("# |%s|\n", rows[y]);
}

#define has(where, text, name) do { \
	if (!ok(strstr((where), (text)) != NULL, "%s", name)) { \
		printf("# wanted '%s' in '%s'\n", text, where); \
		dump(); \
	} \
} while (0)

static void test_first_screen(void)
{
	struct em_ui ui;

	if (!ok(open_ui(&ui, "small.folded", 120, 40) == 0, "open small.folded"))
		return;
	ui.utf8 = 1;
	draw(&ui);
	ok(strncmp(rows[0], "total ", 6) == 0, "root frame 'total' on the first row");
	has(rows[1], "main", "main below it");
	has(rows[2], "server.handle", "the hottest frame is named");
	has(status(), "small.folded", "status: the profile");
	has(status(), "samples (count) 1/1", "status: sample type, unit");
	has(status(), "total 1.00k", "status: the total");
	has(info(), "self 0 (0.00%)", "selection: self");
	has(info(), "total 1.00k (100.00%)", "selection: total");
	has(info(), "100.00% of parent", "selection: % of parent");
	has(info(), "depth 0", "selection: depth");
	ok(line_with("function") > 20, "the table is below the flame graph (stacked at 120)");
	has(rows[line_with("function") + 1], "json.encodeString", "hottest self first");
	em_ui_free(&ui);
}

static void test_navigation(void)
{
	struct em_ui ui;

	if (!ok(open_ui(&ui, "small.folded", 120, 40) == 0, "open small.folded"))
		return;
	keys(&ui, "j");
	has(info(), "gc.bgMarkWorker", "j selects the first child (by name)");
	has(info(), "total 90 (9.00%)", "gc.bgMarkWorker is 9%");
	keys(&ui, "l");
	has(info(), "main", "l: the next sibling");
	has(info(), "total 910 (91.00%)", "main is 91%");
	has(info(), "91.00% of parent", "of the root");
	has(info(), "depth 1", "depth 1");
	keys(&ui, "j");
	has(info(), "server.handle", "then server.handle");
	has(info(), "76.92% of parent", "700 of 910");
	keys(&ui, "l");
	has(info(), "worker.run", "l: next sibling");
	keys(&ui, "l");
	has(info(), "+ 40 frames, 4.00%", "l again: the group of 40 narrow frames");
	has(info(), "4.40% of parent", "40 of 910");
	keys(&ui, "j");
	has(info(), "+ 40 frames, 4.00%", "the group continues one level down");
	has(info(), "100.00% of parent", "all of the level above");
	has(info(), "depth 3", "at depth 3");
	keys(&ui, "kh");
	has(info(), "worker.run", "k then h: back to worker.run");
	keys(&ui, "k");
	has(info(), "main", "k: parent");
	key(&ui, EM_KEY_DOWN);
	key(&ui, EM_KEY_RIGHT);
	has(info(), "worker.run", "arrows work as j and l");
	key(&ui, EM_KEY_LEFT);
	key(&ui, EM_KEY_UP);
	has(info(), "main", "Left, Up");
	keys(&ui, "g");
	has(info(), "depth 0", "g: the root");
	em_ui_free(&ui);
}

static void test_zoom(void)
{
	struct em_ui ui;

	if (!ok(open_ui(&ui, "small.folded", 120, 40) == 0, "open small.folded"))
		return;
	keys(&ui, "jlj\n");
	ok(strncmp(rows[0], "total ", 6) == 0, "zoomed: breadcrumb starts at the root");
	ok(strncmp(rows[1], "main ", 5) == 0, "then main");
	ok(strncmp(rows[2], "server.handle ", 14) == 0, "the zoomed frame spans the width");
	has(rows[3], "db.Query", "its children");
	ok(strstr(rows[3], "json.Marshal") - rows[3] > 40, "json.Marshal gets 400/700 of the width");
	has(status(), "zoom server.handle 70.00%", "status shows the zoom");
	ok(line_with("worker.run") < 0 || line_with("worker.run") > 20, "worker.run is not in the graph");
	keys(&ui, "jl\n");
	has(status(), "zoom json.Marshal", "zoom a second step");
	key(&ui, EM_KEY_BACKSPACE);
	has(status(), "zoom server.handle", "Backspace: one step back");
	has(info(), "json.Marshal", "and the frame we came from is selected");
	keys(&ui, "u");
	ok(strstr(status(), "zoom") == NULL, "u: back to the root");
	keys(&ui, "U");
	has(status(), "zoom server.handle", "U: forward");
	key(&ui, EM_KEY_CTRL_R);
	has(status(), "zoom json.Marshal", "Ctrl-R: forward again");
	key(&ui, EM_KEY_ESC);
	ok(strstr(status(), "zoom") == NULL, "Esc resets the zoom");
	keys(&ui, "u");
	has(status(), "zoom json.Marshal", "and the reset is a step that u undoes");
	em_ui_free(&ui);
}

static void test_group_zoom(void)
{
	struct em_ui ui;

	if (!ok(open_ui(&ui, "small.folded", 120, 40) == 0, "open small.folded"))
		return;
	keys(&ui, "jljll\n");
	has(rows[2], "+ 40 frames of main", "zoomed into the group");
	has(rows[3], "ti\xe2\x80\xa6ti\xe2\x80\xa6", "its members get the width, 3 cells each");
	has(status(), "zoom + 4.00%", "status: the group's share");
	keys(&ui, "j");
	has(info(), "tiny.helper00", "the first member");
	has(info(), "0.11% of parent", "1 of its parent main's 910");
	keys(&ui, "j");
	has(info(), "tiny.leaf00", "and its child");
	key(&ui, EM_KEY_BACKSPACE);
	has(info(), "+ 40 frames", "back: the group is selected again");
	em_ui_free(&ui);
}

static void test_search(void)
{
	struct em_ui ui;

	if (!ok(open_ui(&ui, "small.folded", 120, 40) == 0, "open small.folded"))
		return;
	keys(&ui, "/json");
	has(info(), "/json", "the prompt shows what is typed");
	has(status(), "/json/ 2 frames 40.00%", "matches as you type: 2 frames, 40%");
	keys(&ui, "\n");
	has(info(), "'json': 2 frames in 2 functions, 40.00% of total", "Enter: the share");
	keys(&ui, "n");
	has(info(), "json.encodeString", "n: the next match");
	keys(&ui, "n");
	has(info(), "json.Marshal", "n wraps around to the first");
	keys(&ui, "N");
	has(info(), "json.encodeString", "N: the previous match");
	key(&ui, EM_KEY_ESC);
	ok(strstr(status(), "/json/") == NULL, "Esc when not zoomed clears the search");
	keys(&ui, "*");
	has(status(), "=json.encodeString 1 frames 30.00%", "*: the name under the cursor");
	keys(&ui, "/tiny\n");
	has(info(), "80 frames in 80 functions, 4.00% of total", "hidden matches are counted");
	keys(&ui, "n");
	has(info(), "the matches are in + groups", "but they cannot be selected one by one");
	keys(&ui, "/(");
	has(info(), "bad regex", "a pattern that does not compile says so");
	key(&ui, EM_KEY_ESC);
	has(status(), "/tiny/", "Esc at the prompt restores the search before it");
	keys(&ui, "/\n");
	ok(strstr(status(), "/tiny/") == NULL, "an empty search clears it");
	em_ui_free(&ui);
}

/* rows of the table, in order, starting below its header */
static int table_order(const char *a, const char *b)
{
	int ya = line_with(a), yb = line_with(b);

	return ya >= 0 && yb >= 0 && ya < yb;
}

static void test_table(void)
{
	struct em_ui ui;
	int hdr;

	if (!ok(open_ui(&ui, "small.folded", 120, 40) == 0, "open small.folded"))
		return;
	key(&ui, EM_KEY_TAB);
	ok(line_with("function") < 0, "Tab: flame graph only");
	ok(strncmp(rows[0], "total", 5) == 0, "the flame graph is still there");
	key(&ui, EM_KEY_TAB);
	hdr = line_with("function");
	is_int(hdr, 0, "Tab: table only, header on top");
	ok(line_with("json.Marshal") > 0, "json.Marshal listed");
	has(info(), "json.encodeString", "the focus is on the table: its row is described");
	ok(table_order("json.encodeString", "net.(*conn).Read"), "sorted by self: 300 before 250");
	keys(&ui, "sg");
	has(rows[0], "total\xe2\x96\xbc", "s: sorted by total (arrow on total)");
	ok(table_order("main", "server.handle") && table_order("server.handle", "json.Marshal"),
	    "by total: main 910, server.handle 700, json.Marshal 400");
	keys(&ui, "sg");
	has(rows[0], "function\xe2\x96\xbc", "s: sorted by name");
	ok(table_order("compress.Deflate", "db.Query"), "by name: compress before db");
	keys(&ui, "Sg");
	has(rows[0], "function\xe2\x96\xb2", "S: reversed");
	ok(table_order("worker.run", "tiny.leaf39"), "reversed: worker before tiny");
	keys(&ui, "s");
	has(rows[0], "self\xe2\x96\xbc", "back to self, largest first again");
	keys(&ui, "fdb|net");
	has(info(), "filter: db|net", "f opens the filter prompt");
	keys(&ui, "\n");
	has(rows[0], "/db|net/ 2 of", "the header shows the filter and the count");
	ok(line_with("net.(*conn).Read") == 1 && line_with("db.Query") == 2, "only matching rows");
	ok(line_with("json.Marshal") < 0, "others hidden");
	keys(&ui, "j");
	has(info(), "db.Query", "j moves down the table");
	has(info(), "total 300 (30.00%)", "the row's total");
	keys(&ui, "\n");
	ok(line_with("function") > 5, "Enter: back to both panes");
	has(status(), "=db.Query 1 frames 30.00%", "db.Query highlighted with its share");
	has(info(), "db.Query", "and selected in the flame graph");
	has(info(), "depth 3", "the frame, not the row");
	keys(&ui, "f\n");
	ok(strstr(rows[line_with("function")], "/db|net/") == NULL, "an empty filter clears it");
	keys(&ui, "w");
	has(info(), "row ", "w: focus on the table");
	keys(&ui, "G");
	has(info(), "row 90 of 90", "G: the last row");
	keys(&ui, "g");
	has(info(), "row 1 of 90", "g: the first row");
	key(&ui, EM_KEY_PGDN);
	ok(strstr(info(), "row 1 of") == NULL, "PgDn moves a page");
	em_ui_free(&ui);
}

static void test_help(void)
{
	struct em_ui ui;

	if (!ok(open_ui(&ui, "small.folded", 120, 40) == 0, "open small.folded"))
		return;
	keys(&ui, "?");
	has(rows[0], "embers keys", "? opens the help");
	ok(line_with("Select the parent frame") > 0, "from the action table");
	ok(line_with("k, Up") > 0, "with the keys");
	ok(line_with("double click") > 0, "and the mouse");
	keys(&ui, "j");
	has(rows[0], "embers keys", "j scrolls, help stays");
	keys(&ui, "q");
	ok(line_with("embers keys") < 0, "q closes the help, not the program");
	is_int(em_ui_key(&ui, 'q'), EM_UI_QUIT, "q then quits");
	is_int(em_ui_key(&ui, EM_KEY_CTRL_C), EM_UI_QUIT, "so does Ctrl-C");
	em_ui_free(&ui);
}

static void test_resize(void)
{
	struct em_ui ui;

	if (!ok(open_ui(&ui, "small.folded", 120, 40) == 0, "open small.folded"))
		return;
	em_ui_resize(&ui, 200, 50);
	draw(&ui);
	ok(line_with("function") == 0, "200 wide: table beside the flame graph");
	has(rows[0], "\xe2\x94\x82", "a vertical line between them");
	has(rows[0], "total ", "flame graph on the left");
	em_ui_resize(&ui, 150, 40);
	ok(ui.rtable.w == 70 && ui.rflame.w == 79,
	    "150 wide: 70 columns for the table (names stay readable), %d for the flame", ui.rflame.w);
	em_ui_resize(&ui, 300, 40);
	ok(ui.rtable.w == 100 && ui.rflame.w == 199, "300 wide: the table stops at 100 columns");
	em_ui_resize(&ui, 149, 40);
	ok(ui.rtable.w == 149 && ui.rflame.w == 149 && ui.rtable.y > 0,
	    "149 wide: the table goes below the flame graph");
	em_ui_resize(&ui, 39, 20);
	draw(&ui);
	ok(line_with("terminal too small") >= 0, "39 columns: too small");
	has(rows[line_with("terminal too small") + 1], "39x20, needs at least 40x10", "says why");
	is_int(em_ui_key(&ui, 'j'), 0, "keys are ignored");
	em_ui_resize(&ui, 40, 9);
	draw(&ui);
	ok(line_with("terminal too small") >= 0, "9 rows: too small");
	em_ui_resize(&ui, 40, 10);
	draw(&ui);
	ok(line_with("terminal too small") < 0, "40x10 is enough");
	ok(strncmp(rows[0], "total", 5) == 0, "and shows the flame graph");
	em_ui_resize(&ui, 1, 1);
	draw(&ui);
	ok(ui.rflame.w == 0 && ui.rtable.w == 0, "1x1: no pane laid out, nothing drawn past it");
	em_ui_resize(&ui, 120, 40);
	ui.utf8 = 0;
	draw(&ui);
	has(status(), " | ", "ASCII terminal: plain separators");
	ui.utf8 = 1;
	em_ui_free(&ui);
}

static void test_types(void)
{
	struct em_ui ui;
	char before[2048];
	int y;

	if (!ok(open_ui(&ui, "go-heap.pb.gz", 120, 40) == 0, "open go-heap.pb.gz"))
		return;
	draw(&ui);
	has(status(), "inuse_space (bytes) 4/4", "the default type of a Go heap profile");
	keys(&ui, "j\n");
	snprintf(before, sizeof(before), "%s", status());
	ok(strstr(before, "zoom ") != NULL, "zoomed into the first child");
	keys(&ui, "t");
	has(status(), "alloc_objects (count) 1/4", "t: the next type");
	ok(strstr(status(), "zoom ") != NULL, "the zoom is kept");
	y = line_with("zoom ");
	ok(y >= 0, "still zoomed");
	keys(&ui, "t");
	has(status(), "alloc_space (bytes) 2/4", "t again");
	keys(&ui, "T");
	has(status(), "alloc_objects (count) 1/4", "T goes back");
	key(&ui, EM_KEY_ESC);
	ok(strstr(status(), "zoom ") == NULL, "reset");
	ok(em_ui_set_type(&ui, 9) < 0, "no type 9");
	em_ui_free(&ui);
}

/* t builds the new type on a thread: the old view stays with a spinner,
 * keys other than help and Esc are dropped, Esc keeps the old type, and
 * the finished build swaps in with the zoom kept. */
static void test_type_async(void)
{
	struct em_ui ui;
	char zoomed[2048];

	if (!ok(open_ui(&ui, "go-heap.pb.gz", 120, 40) == 0, "open go-heap.pb.gz"))
		return;
	keys(&ui, "j\n");
	snprintf(zoomed, sizeof(zoomed), "%s", status());
	ok(strstr(zoomed, "zoom ") != NULL, "zoomed");
	key(&ui, 't');
	ok(em_ui_building(&ui), "t: building");
	ok(em_ui_wait_fd(&ui) >= 0, "with an fd for the event loop");
	has(status(), "inuse_space (bytes) 4/4", "the old type stays on screen");
	has(info(), "building the alloc_objects call tree", "the spinner names the new type");
	key(&ui, 'j');
	has(status(), "inuse_space (bytes) 4/4", "other keys are dropped meanwhile");
	ok(strcmp(status(), zoomed) == 0, "and do not move the view");
	key(&ui, '?');
	ok(ui.help, "help answers while building");
	key(&ui, 'x');
	ok(!ui.help && em_ui_building(&ui), "and closes, still building");
	key(&ui, EM_KEY_ESC);
	ok(!em_ui_building(&ui), "Esc cancels");
	has(info(), "cancelled: still showing inuse_space", "says so");
	settle(&ui);
	draw(&ui);
	has(status(), "inuse_space (bytes) 4/4", "the old type stays after the thread ends");
	ok(strcmp(status(), zoomed) == 0, "with its zoom");
	key(&ui, 't');
	ok(em_ui_building(&ui), "t again: building");
	settle(&ui);
	draw(&ui);
	ok(!em_ui_building(&ui) && ui.tj == NULL, "done");
	has(status(), "alloc_objects (count) 1/4", "the new type is shown");
	ok(strstr(status(), "zoom ") != NULL, "the zoom is kept");
	key(&ui, 't');
	key(&ui, 'q');
	ok(em_ui_key(&ui, 'q') == EM_UI_QUIT, "q quits while building");
	em_ui_free(&ui); /* joins the running build */
}

static void test_mouse(void)
{
	struct em_ui ui;
	int x;

	if (!ok(open_ui(&ui, "small.folded", 120, 40) == 0, "open small.folded"))
		return;
	draw(&ui);
	x = (int)(strstr(rows[2], "worker.run") - rows[2]);
	em_ui_mouse(&ui, EM_MOUSE_CLICK, x + 2, 2);
	draw(&ui);
	has(info(), "worker.run", "click selects the frame under the pointer");
	em_ui_mouse(&ui, EM_MOUSE_DOUBLE, x + 2, 2);
	draw(&ui);
	has(status(), "zoom worker.run", "double click zooms");
	em_ui_mouse(&ui, EM_MOUSE_CLICK, 3, line_with("function") + 2);
	draw(&ui);
	has(info(), "row 2 of", "click on a table row selects it");
	em_ui_mouse(&ui, EM_MOUSE_WHEEL_DOWN, 3, line_with("function") + 2);
	draw(&ui);
	has(info(), "row 5 of", "the wheel scrolls the table");
	em_ui_mouse(&ui, EM_MOUSE_CLICK, 0, 0);
	draw(&ui);
	has(info(), "depth 0", "click on the breadcrumb selects the root");
	em_ui_mouse(&ui, EM_MOUSE_CLICK, 5, 30000);
	draw(&ui);
	has(info(), "depth 0", "a click off the screen changes nothing");
	em_ui_free(&ui);
}

/* A profile with sample types but no samples (Go's mutex profile when
 * nothing contended): every key works on a lone root. */
static void test_empty(void)
{
	struct em_ui ui;
	em_error err;
	const char *d = getenv("TESTDATA");
	char path[4096];
	em_profile *p;

	snprintf(path, sizeof(path), "%s/corpus/generated/go-workload/mutex.pb.gz",
	    d ? d : "../../tests/data");
	p = em_read_file(path, NULL, &err);
	if (!ok(p != NULL, "read the empty mutex profile")) {
		printf("# %s\n", err.msg);
		return;
	}
	if (!ok(em_ui_init(&ui, p, "mutex", -1, &theme, &err) == 0, "ui on an empty profile")) {
		em_profile_free(p);
		return;
	}
	em_ui_resize(&ui, 80, 24);
	draw(&ui);
	ok(strncmp(rows[0], "total", 5) == 0, "the root alone");
	has(status(), "total 0", "a total of 0");
	keys(&ui, "jklh\n\x7fuU/x\nnN*f.\nssSt?q");
	key(&ui, EM_KEY_ESC);
	key(&ui, EM_KEY_TAB);
	key(&ui, EM_KEY_TAB);
	em_ui_mouse(&ui, EM_MOUSE_DOUBLE, 3, 3);
	draw(&ui);
	has(status(), "total 0", "every key and a click on an empty profile leave it shown");
	em_ui_free(&ui);
}

int main(void)
{
	if (em_theme_builtin(&theme, "dark") < 0)
		return 1;
	test_first_screen();
	test_navigation();
	test_zoom();
	test_group_zoom();
	test_search();
	test_table();
	test_help();
	test_resize();
	test_types();
	test_type_async();
	test_mouse();
	test_empty();
	em_screen_free(&scr);
	return done();
}

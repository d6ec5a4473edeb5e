/* test_tui_misc.c - the action table (keys, help, man page KEYS section
 * equal to doc/embers.1), themes (files, built-ins, colour reduction,
 * colours by package) and the config file. Reads $top_srcdir. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "../../src/tui/actions.h"
#include "../../src/tui/config.h"
#include "../../src/tui/screen.h"
#include "../../src/tui/theme.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf != NULL) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

static const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s ? s : "../..";
}

static void test_actions(void)
{
	size_t n, dup = 0, unbound = 0;
	const struct em_action_def *a = em_actions(&n);
	char label[128];

	is_int(n, EM_ACT_COUNT, "every action is in the table");
	for (size_t i = 0; i < n; i++) {
		if (a[i].keys[0] == EM_KEY_NONE && a[i].mouse == NULL)
			unbound++;
		/* the details pane's keys are looked up among its actions alone */
		for (int k = 0; k < EM_ACTION_MAXKEYS && a[i].keys[k] != EM_KEY_NONE; k++)
			if ((a[i].ctx & EM_CTX_SOURCE ? em_action_for_key_in(a[i].keys[k], EM_CTX_SOURCE) :
			    em_action_for_key(a[i].keys[k])) != a[i].id)
				dup++;
	}
	is_int(unbound, 0, "every action has a key or a mouse gesture");
	is_int(dup, 0, "no key is bound twice (in the views, in the details pane)");
	is_int(em_action_for_key('d'), EM_ACT_DETAILS, "d: function details");
	is_int(em_action_for_key_in('n', EM_CTX_SOURCE), EM_ACT_SRC_HOT_NEXT, "pane: n next hot line");
	is_int(em_action_for_key_in('N', EM_CTX_SOURCE), EM_ACT_SRC_HOT_PREV, "pane: N previous");
	is_int(em_action_for_key_in('j', EM_CTX_SOURCE), EM_ACT_SRC_DOWN, "pane: j down");
	is_int(em_action_for_key_in(EM_KEY_PGUP, EM_CTX_SOURCE), EM_ACT_SRC_PAGE_UP, "pane: PgUp");
	is_int(em_action_for_key_in('G', EM_CTX_SOURCE), EM_ACT_SRC_BOTTOM, "pane: G");
	is_int(em_action_for_key_in(EM_KEY_ESC, EM_CTX_SOURCE), EM_ACT_SRC_CLOSE, "pane: Esc closes");
	is_int(em_action_for_key_in('q', EM_CTX_SOURCE), EM_ACT_SRC_CLOSE, "pane: q closes");
	is_int(em_action_for_key_in('?', EM_CTX_SOURCE), EM_ACT_NONE, "pane: ? is not its own");
	/* the keys the issue fixes */
	is_int(em_action_for_key('k'), EM_ACT_PARENT, "k: parent");
	is_int(em_action_for_key('j'), EM_ACT_CHILD, "j: first child");
	is_int(em_action_for_key('h'), EM_ACT_PREV, "h: previous sibling");
	is_int(em_action_for_key('l'), EM_ACT_NEXT, "l: next sibling");
	is_int(em_action_for_key(EM_KEY_UP), EM_ACT_PARENT, "Up: parent");
	is_int(em_action_for_key(EM_KEY_ENTER), EM_ACT_ZOOM, "Enter: zoom");
	is_int(em_action_for_key(EM_KEY_BACKSPACE), EM_ACT_BACK, "Backspace: back");
	is_int(em_action_for_key('u'), EM_ACT_BACK, "u: back");
	is_int(em_action_for_key(EM_KEY_ESC), EM_ACT_RESET, "Esc: reset zoom");
	is_int(em_action_for_key('/'), EM_ACT_SEARCH, "/: search");
	is_int(em_action_for_key('n'), EM_ACT_SEARCH_NEXT, "n: next match");
	is_int(em_action_for_key('N'), EM_ACT_SEARCH_PREV, "N: previous match");
	is_int(em_action_for_key('*'), EM_ACT_SEARCH_WORD, "*: name under the cursor");
	is_int(em_action_for_key(EM_KEY_TAB), EM_ACT_LAYOUT, "Tab: layout");
	is_int(em_action_for_key('t'), EM_ACT_TYPE_NEXT, "t: sample type");
	is_int(em_action_for_key('s'), EM_ACT_SORT, "s: sort");
	is_int(em_action_for_key('?'), EM_ACT_HELP, "?: help");
	is_int(em_action_for_key('q'), EM_ACT_QUIT, "q: quit");
	is_str(em_action_keys_label(em_action_get(EM_ACT_PARENT), label, sizeof(label)), "k, Up",
	    "key label");
	is_str(em_action_keys_label(em_action_get(EM_ACT_FORWARD), label, sizeof(label)),
	    "U, Ctrl-R", "control key label");
}

/* The KEYS section of doc/embers.1 must be exactly what the table prints. */
static void test_man_keys(void)
{
	char path[4096], *doc, *want = NULL, *start, *end;
	size_t dlen = 0, wlen = 0;
	FILE *mem = open_memstream(&want, &wlen);

	em_actions_man(mem);
	fclose(mem);
	snprintf(path, sizeof(path), "%s/doc/embers.1", srcdir());
	doc = slurp(path, &dlen);
	if (!ok(doc != NULL, "doc/embers.1 readable")) {
		free(want);
		return;
	}
	start = strstr(doc, ".SH KEYS\n");
	ok(start != NULL, "doc/embers.1 has a KEYS section");
	if (start != NULL) {
		end = strstr(start + 1, "\n.SH ");
		if (end != NULL)
			end[1] = '\0';
		if (!ok(strcmp(start, want) == 0,
		    "KEYS section equals the action table (regenerate: embers --keys-man)"))
			printf("# expected:\n%s", want);
	}
	ok(strstr(want, "Select the parent frame") != NULL, "the help text is in the man page");
	ok(strstr(want, "double click") != NULL, "mouse gestures are in the man page");
	ok(strstr(want, ".SS \"Function details pane\"\n") != NULL &&
	    strstr(want, "Jump to the next hot line") != NULL, "the pane's keys have a section");
	free(doc);
	free(want);
}

static int same_style(const struct em_theme *th, int a, int b)
{
	return th->st[a].fg == th->st[b].fg && th->st[a].bg == th->st[b].bg &&
	    th->st[a].attr == th->st[b].attr;
}

static void test_themes(void)
{
	static const char *names[] = { "dark", "light", "mono", "colorblind" };
	struct em_theme th, file;
	char path[4096], *text;
	size_t len;
	em_error err;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/themes/%s.theme", srcdir(), names[i]);
		text = slurp(path, &len);
		ok(text != NULL && em_theme_parse(&th, path, text, len, &err) == 0,
		    "themes/%s.theme parses", names[i]);
		is_str(th.name, names[i], "theme name");
		/* the details pane's heat: three looks, none the plain one */
		ok(text && strstr(text, "\nsource-gutter = ") && strstr(text, "\nsource-hot-low = ") &&
		    strstr(text, "\nsource-hot-mid = ") && strstr(text, "\nsource-hot-high = ") &&
		    !same_style(&th, EM_ST_SRC_HOT1, EM_ST_NORMAL) &&
		    !same_style(&th, EM_ST_SRC_HOT1, EM_ST_SRC_HOT2) &&
		    !same_style(&th, EM_ST_SRC_HOT2, EM_ST_SRC_HOT3) &&
		    !same_style(&th, EM_ST_SRC_HOT3, EM_ST_ROW_SEL),
		    "themes/%s.theme: source-hot-low/mid/high differ from each other and the cursor",
		    names[i]);
		free(text);
	}
	ok(em_theme_builtin(&th, "dark") == 0, "built-in dark");
	snprintf(path, sizeof(path), "%s/themes/dark.theme", srcdir());
	text = slurp(path, &len);
	ok(text && em_theme_parse(&file, "dark", text, len, &err) == 0 &&
	    memcmp(th.st, file.st, sizeof(th.st)) == 0 && th.npalette == file.npalette,
	    "built-in dark equals themes/dark.theme");
	free(text);
	ok(em_theme_builtin(&th, "mono") == 0, "built-in mono");
	snprintf(path, sizeof(path), "%s/themes/mono.theme", srcdir());
	text = slurp(path, &len);
	ok(text && em_theme_parse(&file, "mono", text, len, &err) == 0 &&
	    memcmp(th.st, file.st, sizeof(th.st)) == 0, "built-in mono equals themes/mono.theme");
	free(text);
	for (int i = 0; i < EM_NSTYLES; i++)
		if (th.st[i].fg != EM_COLOR_DEFAULT || th.st[i].bg != EM_COLOR_DEFAULT)
			ok(0, "mono slot %d has a colour", i);
	ok(th.st[EM_ST_FLAME].attr & EM_A_REVERSE, "mono frames are reverse video");
	ok(em_theme_builtin(&th, "nope") < 0, "no built-in 'nope'");

	ok(em_theme_parse(&th, "t", "status = fg=#zzzzzz\n", 20, &err) < 0, "bad colour refused");
	ok(strstr(err.msg, "'t': line 1") != NULL, "error names the file and line");
	ok(em_theme_parse(&th, "t", "bogus = bold\n", 13, &err) < 0, "unknown slot refused");
	{
		const char *t = "# c\n\nstatus = fg=red,bg=colour236,bold,underline\n"
		    "flame = #102030 #405060\n";
		ok(em_theme_parse(&th, "t", t, strlen(t), &err) == 0, "names, indexes and attributes");
	}
	is_int(th.st[EM_ST_STATUS].fg, 1, "red is 1");
	is_int(th.st[EM_ST_STATUS].bg, 236, "colour236");
	is_int(th.st[EM_ST_STATUS].attr, EM_A_BOLD | EM_A_UNDERLINE, "bold underline");
	is_int(th.npalette, 2, "two palette entries");
	is_int(th.st[EM_ST_FLAME + 3].bg, EM_RGB(0x405060), "the palette repeats");

	setenv("EMBERS_THEME_DIR", "/nonexistent", 1);
	ok(em_theme_find("light", path, sizeof(path)) == 0 && strstr(path, "light.theme"),
	    "found past a missing EMBERS_THEME_DIR");
	ok(em_theme_find("../etc/passwd", path, sizeof(path)) < 0 ||
	    strstr(path, "passwd") != NULL, "a path is taken as a path");
	ok(em_theme_find("no-such-theme", path, sizeof(path)) < 0, "unknown theme not found");
	ok(em_theme_load(&th, "no-such-theme", &err) < 0 &&
	    strcmp(err.msg, "'no-such-theme': theme not found") == 0, "clear error");
}

static void test_colors(void)
{
	struct em_theme th;

	is_int(em_rgb_to_256(0xff0000), 196, "red in 256");
	is_int(em_rgb_to_256(0x000000), 16, "black in 256");
	is_int(em_rgb_to_256(0x808080), 244, "grey in 256");
	is_int(em_rgb_to_256(0x5f87af), 67, "cube colour exactly");
	is_int(em_rgb_to_16(0xff0000, 16), 9, "red in 16");
	is_int(em_rgb_to_16(0xff0000, 8), 1, "red in 8");
	is_int(em_rgb_to_16(0xf6a13b, 8), 3, "orange in 8 is yellow");
	is_int((int)em_256_to_rgb(196), 0xff0000, "256 back to rgb");
	is_int((int)em_256_to_rgb(244), 0x808080, "grey back to rgb");

#define PKG(name, want) do { \
	const char *n_ = (name); \
	size_t l_ = em_name_package(n_, strlen(n_)); \
	char b_[128]; \
	snprintf(b_, sizeof(b_), "%.*s", (int)l_, n_); \
	is_str(b_, want, "package of " name); \
} while (0)
	PKG("runtime.mallocgc", "runtime");
	PKG("main.(*Server).handle", "main");
	PKG("github.com/x/y/pkg.(*T).M", "github.com/x/y/pkg");
	PKG("github.com/x/y/pkg.Func", "github.com/x/y/pkg");
	PKG("com.example.Foo.bar", "com.example.Foo");
	PKG("std::vector<int>::push_back(int const&)", "std::vector<int>");
	PKG("core::ptr::drop_in_place<alloc::vec::Vec<u8>>", "core::ptr");
	PKG("ns::Cls::method(int)", "ns::Cls");
	PKG("main", "main");
	em_theme_builtin(&th, "dark");
	is_int(em_flame_style(&th, "runtime.mallocgc", 16), em_flame_style(&th, "runtime.gcStart", 15),
	    "one package, one colour");
	ok(em_flame_style(&th, "x", 1) >= EM_ST_FLAME &&
	    em_flame_style(&th, "x", 1) < EM_ST_FLAME + th.npalette, "a palette slot");
	/* fixed value: the hash must never change between versions or runs */
	is_int(em_flame_style(&th, "runtime.mallocgc", 16), EM_ST_FLAME + 11,
	    "runtime's colour is stable");
}

static void test_config(void)
{
	struct em_config c;
	em_error err;
	char path[256];

	ok(em_config_parse(&c, "c", "theme: light\nother: 3\n", 22, &err) == 0, "config parses");
	is_str(c.theme, "light", "theme read");
	ok(em_config_parse(&c, "c", "# nothing\n", 10, &err) == 0 && c.theme[0] == '\0', "empty");
	ok(em_config_parse(&c, "c.yaml", "theme: [a, b]\n", 14, &err) < 0, "a list is refused");
	ok(strstr(err.msg, "'c.yaml': line 1") != NULL, "with the line: %s", err.msg);
	ok(em_config_parse(&c, "c.yaml", "theme: \"x\n", 10, &err) < 0, "bad YAML is refused");
	{
		/* the sections the server and source settings read are skipped */
		const char *t = "servers:\n  prod:\n    url: http://x\n    labels: [a, b]\n"
		    "github:\n  token: t\ntheme: light\ndefault: prod\n";
		ok(em_config_parse(&c, "c", t, strlen(t), &err) == 0 && strcmp(c.theme, "light") == 0,
		    "servers: and github: sections are skipped, theme still read");
		t = "theme:\n  name: light\n";
		ok(em_config_parse(&c, "c", t, strlen(t), &err) < 0, "a mapping as the theme is refused");
	}
	ok(em_config_load(&c, "/nonexistent/config.yaml", &err) == 0 && c.theme[0] == '\0',
	    "a missing file is no error");
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	ok(em_config_path(path, sizeof(path)) == 0, "config path");
	is_str(path, "/cfg/embers/config.yaml", "XDG_CONFIG_HOME is used");
}

int main(void)
{
	test_actions();
	test_man_keys();
	test_themes();
	test_colors();
	test_config();
	return done();
}

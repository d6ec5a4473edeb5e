/* test_source_map.c - .pyroscope.yaml parsing, validation and matching:
 * the real files in $TESTDATA/source (Pyroscope's own, its docs' examples
 * and the Java rideshare example), every validation rule, YAML shape
 * errors, ties, prefix scores, and inputs that must fail fast (alias
 * bombs, NUL bytes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/mapping.h"
#include "tap.h"

static char *slurp(const char *rel, size_t *n)
{
	char path[4096];
	const char *d = getenv("TESTDATA");
	FILE *f;
	char *buf;

	snprintf(path, sizeof(path), "%s/source/%s", d ? d : "tests/data", rel);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	buf = malloc(1 << 20);
	*n = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	return buf;
}

static int parse_file(em_mapconf *c, const char *rel, em_error *err)
{
	size_t n = 0;
	char *buf = slurp(rel, &n);
	int r;

	if (buf == NULL) {
		em_error_set(err, "cannot read %s", rel);
		memset(c, 0, sizeof(*c));
		return -2;
	}
	r = em_mapconf_parse(c, buf, n, err);
	free(buf);
	return r;
}

static int parse_str(em_mapconf *c, const char *yaml, em_error *err)
{
	err->msg[0] = '\0';
	return em_mapconf_parse(c, yaml, strlen(yaml), err);
}

/* The mapping index found for (path, func), -1 for none. */
static long find(const em_mapconf *c, const char *path, const char *func, long *score)
{
	const em_mapping *m = em_mapconf_find(c, path, func, score);

	return m ? (long)(m - c->maps) : -1;
}

static void real_files(void)
{
	em_mapconf c;
	em_error err;
	long score;

	is_int(parse_file(&c, "pyroscope-root.pyroscope.yaml", &err), 0, "pyroscope's own .pyroscope.yaml parses");
	is_int(c.n, 1, "one mapping");
	if (c.n == 1) {
		is_int(c.maps[0].npath, 1, "one path prefix");
		is_str(c.maps[0].path_prefix[0], "$GOROOT/src", "prefix $GOROOT/src");
		is_int(c.maps[0].lang, EM_LANG_GO, "language go");
		ok(c.maps[0].github, "github source");
		is_str(c.maps[0].owner, "golang", "owner");
		is_str(c.maps[0].repo, "go", "repo");
		is_str(c.maps[0].ref, "go1.25.13", "ref");
		is_str(c.maps[0].path, "src", "path");
		is_str(c.maps[0].local_path, "", "no local path");
	}
	is_int(find(&c, "$GOROOT/src", "", &score), 0, "$GOROOT/src finds the mapping");
	is_int(score, 11, "score = prefix length");
	is_int(find(&c, "/usr/local/go/src/fmt/print.go", "fmt.Println", &score), -1,
	    "a real install path does not match the literal $GOROOT prefix");
	is_int(score, -1, "no match scores -1");
	em_mapconf_free(&c);

	is_int(parse_file(&c, "docs-block1-template.pyroscope.yaml", &err), -1,
	    "docs template (local and github in one source) is invalid");
	ok(strstr(err.msg, "mapping[0]") && strstr(err.msg, "more than one source type"),
	    "error names the mapping and the rule: %s", err.msg);
	is_int(c.n, 0, "an invalid file leaves no mappings");

	is_int(parse_file(&c, "docs-block2-go-goroot.pyroscope.yaml", &err), 0, "docs $GOROOT example parses");
	is_str(c.n ? c.maps[0].ref : "", "go1.24.10", "its ref");
	em_mapconf_free(&c);

	is_int(parse_file(&c, "docs-block3-java.pyroscope.yaml", &err), 0, "docs Java example parses");
	is_int(c.n, 4, "four mappings");
	if (c.n == 4) {
		ok(!c.maps[0].github && strcmp(c.maps[0].local_path, "src/main/java") == 0,
		    "mapping 0 is local src/main/java");
		is_int(c.maps[1].nfunc, 2, "mapping 1 has two function prefixes");
		is_str(c.maps[1].ref, "jdk-17+0", "openjdk ref");
		is_int(c.maps[3].nfunc, 2, "mapping 3 has two function prefixes");
	}
	is_int(find(&c, "", "org/example/myapp/App.main", &score), 0, "own code -> local mapping");
	is_int(find(&c, "", "java/lang/Thread.run", &score), 1, "java/ -> JDK");
	is_int(score, 4, "scored by 'java'");
	is_int(find(&c, "", "javax/servlet/http/HttpServlet.service", &score), 1, "javax/ -> JDK");
	is_int(score, 5, "scored by the longer 'javax'");
	is_int(find(&c, "", "org/springframework/web/servlet/DispatcherServlet.doService", &score), 2,
	    "web/servlet: the longest prefix wins over web");
	is_int(score, 31, "score 31");
	is_int(find(&c, "", "org/springframework/web/client/RestTemplate.doExecute", &score), 3,
	    "web/client -> spring-web");
	is_int(find(&c, "", "org/springframework/http/HttpHeaders.get", &score), 3, "http -> spring-web");
	is_int(find(&c, "", "com/sun/net/httpserver/Filter$Chain.doFilter", &score), -1,
	    "no mapping for com/sun (real frame from profile_java)");
	em_mapconf_free(&c);

	is_int(parse_file(&c, "java-rideshare.pyroscope.yaml", &err), 0, "Java rideshare example parses");
	is_int(c.n, 4, "four mappings");
	is_int(find(&c, "", "org/springframework/web/servlet/FrameworkServlet.service", &score), 3,
	    "servlet prefix listed after web still wins by length");
	is_int(find(&c, "", "org/example/rideshare/RideShareController.orderCar", &score), 0,
	    "rideshare code -> local");
	is_int(find(&c, "", "java/lang/ThreadLocal$ThreadLocalMap.getEntry", &score), 1,
	    "real kafka frame java/lang/ThreadLocal$ThreadLocalMap.getEntry -> JDK");
	em_mapconf_free(&c);

	is_int(parse_file(&c, "docs-block4-go-vendor-deps.pyroscope.yaml", &err), 0, "docs vendor example parses");
	is_int(find(&c, "github.com/prometheus/client_golang/prometheus/registry.go", "", &score), 1,
	    "module path -> client_golang mapping");
	is_int(score, 35, "score 35");
	is_str(c.n == 2 ? c.maps[1].path : "x", "", "path: \"\" is empty");
	is_int(find(&c, "vendor/golang.org/x/net/http2/frame.go", "", &score), 0, "vendor/ -> local vendor");
	is_int(find(&c, "/src/enterprise-logs/vendor/cloud.google.com/go/storage/bucket.go", "", &score), -1,
	    "prefixes are plain prefixes: an absolute vendor path does not match 'vendor/'");
	em_mapconf_free(&c);
}

/* One-mapping documents that must be refused, with the message part. */
static void invalid(void)
{
	static const struct { const char *yaml, *want, *name; } cases[] = {
		{ "version: v2\n", "invalid version 'v2'", "version v2" },
		{ "version: 1\n", "invalid version '1'", "version 1" },
		{ "source_code:\n  mappings:\n    - path: [{prefix: a}]\n      source: {local: {path: x}}\n",
		  "language '' unsupported", "missing language" },
		{ "source_code:\n  mappings:\n    - path: [{prefix: a}]\n      language: rust\n      source: {local: {path: x}}\n",
		  "language 'rust' unsupported", "unknown language" },
		{ "source_code:\n  mappings:\n    - language: go\n      source: {local: {path: x}}\n",
		  "at least one path or a function_name", "no prefixes" },
		{ "source_code:\n  mappings:\n    - path: []\n      function_name: []\n      language: go\n      source: {local: {path: x}}\n",
		  "at least one path or a function_name", "empty prefix lists" },
		{ "source_code:\n  mappings:\n    - path: [{prefix: a}]\n      language: go\n",
		  "no source type supplied", "no source" },
		{ "source_code:\n  mappings:\n    - path: [{prefix: a}]\n      language: go\n      source: {}\n",
		  "no source type supplied", "empty source" },
		{ "source_code:\n  mappings:\n    - path: [{prefix: a}]\n      language: go\n      source:\n        local: {path: x}\n        github: {owner: o, repo: r}\n",
		  "more than one source type", "two sources" },
		{ "source_code:\n  mappings:\n    - path: [{prefix: a}]\n      language: go\n      source: {local: {path: x}}\n    - function_name: [{prefix: b}]\n      language: java\n",
		  "mapping[1]: no source type", "a bad second mapping voids the file" },
		{ "source_code:\n  mappings:\n    - path: a/b\n      language: go\n      source: {local: {path: x}}\n",
		  "expected a list", "path as a scalar" },
		{ "source_code:\n  mappings: {a: b}\n", "expected a list", "mappings as a mapping" },
		{ "source_code:\n  mappings:\n    - path: [{prefix: [x]}]\n      language: go\n      source: {local: {path: x}}\n",
		  "expected a string", "prefix as a list" },
		{ "version: v1\nversion: v1\n", "duplicate key", "duplicate key" },
		{ "- a\n- b\n", "expected a mapping", "a list at the top" },
		{ "hello\n", "expected a mapping", "a scalar at the top" },
		{ "source_code: [\n", "line", "malformed YAML" },
		{ "source_code:\n  mappings:\n    - path: [{prefix: \"a\\0b\"}]\n      language: go\n      source: {local: {path: x}}\n",
		  "NUL byte", "NUL byte in a prefix" },
	};
	size_t i;
	em_mapconf c;
	em_error err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = parse_str(&c, cases[i].yaml, &err);

		ok(r == -1 && strstr(err.msg, cases[i].want) != NULL && c.n == 0,
		    "invalid: %s (%s)", cases[i].name, err.msg);
		em_mapconf_free(&c);
	}
}

static void valid_edges(void)
{
	em_mapconf c;
	em_error err;
	long score;

	is_int(parse_str(&c, "", &err), 0, "empty file is valid");
	is_int(c.n, 0, "and has no mappings");
	ok(em_mapconf_find(&c, "a.go", "f", &score) == NULL && score == -1, "nothing matches");
	em_mapconf_free(&c);

	is_int(parse_str(&c, "version: \"\"\nsource_code:\n  mappings:\n", &err), 0,
	    "empty version counts as v1; null mappings");
	em_mapconf_free(&c);

	is_int(parse_str(&c, "version: v1\nunknown: 1\nsource_code:\n  extra: [1]\n  mappings:\n"
	    "    - path: [{prefix: a, other: 1}]\n      language: go\n      comment: x\n"
	    "      source: {local: {path: d}, github: ~}\n", &err), 0,
	    "unknown keys are ignored; a null github counts as absent");
	ok(c.n == 1 && !c.maps[0].github && strcmp(c.maps[0].local_path, "d") == 0, "local source kept");
	em_mapconf_free(&c);

	/* ties go to the first mapping; path and function prefixes compete */
	is_int(parse_str(&c, "source_code:\n  mappings:\n"
	    "    - path: [{prefix: src/}]\n      language: go\n      source: {local: {path: one}}\n"
	    "    - path: [{prefix: src/}]\n      language: go\n      source: {local: {path: two}}\n"
	    "    - function_name: [{prefix: main.}]\n      language: go\n      source: {local: {path: three}}\n"
	    "    - path: [{prefix: \"\"}]\n      language: python\n      source: {local: {path: all}}\n"
	    "    - path: [{prefix: org/example}]\n      language: java\n      source: {local: {path: ex}}\n", &err), 0,
	    "tie document parses");
	is_int(find(&c, "src/main.go", "x.y", &score), 0, "equal scores: the first mapping wins");
	is_int(score, 4, "score 4");
	is_int(find(&c, "src/main.go", "main.run", &score), 2, "a longer function prefix beats a path prefix");
	is_int(find(&c, "lib/main.go", "main.run", &score), 2, "function prefix main. wins elsewhere");
	is_int(score, 5, "score 5");
	is_int(find(&c, "lib/x.py", "f", &score), 3, "empty prefix is a catch-all");
	is_int(score, 0, "with score 0");
	is_int(find(&c, "org/examples/App.java", "", &score), 4,
	    "no path-boundary check: org/example matches org/examples/...");
	is_int(em_mapping_match(&c.maps[2], "a", NULL), -1, "NULL function name never matches main.");
	em_mapconf_free(&c);
}

/* The src/ vs main. case above has main. longer; check it precisely. */
static void scores(void)
{
	em_mapconf c;
	em_error err;
	long score;

	is_int(parse_str(&c, "source_code:\n  mappings:\n"
	    "    - path: [{prefix: src/}]\n      language: go\n      source: {local: {path: one}}\n"
	    "    - function_name: [{prefix: main.}]\n      language: go\n      source: {local: {path: three}}\n", &err), 0,
	    "score document parses");
	is_int(find(&c, "src/main.go", "main.run", &score), 1, "main. (5) beats src/ (4)");
	is_int(score, 5, "score 5");
	em_mapconf_free(&c);
}

/* Nested aliases would expand to a billion prefixes: refused quickly. */
static void alias_bomb(void)
{
	char yaml[4096];
	size_t w = 0;
	int i;
	em_mapconf c;
	em_error err;

	w += (size_t)snprintf(yaml + w, sizeof(yaml) - w, "a0: &a0 {path: [{prefix: x}], language: go, source: {local: {path: d}}}\n");
	for (i = 1; i < 9; i++)
		w += (size_t)snprintf(yaml + w, sizeof(yaml) - w,
		    "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
		    i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	snprintf(yaml + w, sizeof(yaml) - w, "source_code:\n  mappings: *a1\n");
	is_int(parse_str(&c, yaml, &err), 0, "aliases to mappings are followed");
	is_int(c.n, 10, "ten aliased mappings");
	em_mapconf_free(&c);
	/* a list of lists where a mapping list is expected fails at once */
	snprintf(yaml + w, sizeof(yaml) - w, "source_code:\n  mappings: *a8\n");
	is_int(parse_str(&c, yaml, &err), -1, "nested lists where mappings belong are refused");
	em_mapconf_free(&c);
}

static void many_prefixes(void)
{
	size_t n = 120000, i, w = 0;
	char *yaml = malloc(n * 8 + 200);
	em_mapconf c;
	em_error err;

	if (yaml == NULL)
		return;
	w += (size_t)snprintf(yaml, 200, "source_code:\n  mappings:\n    - language: go\n      source: {local: {path: d}}\n      path: [");
	for (i = 0; i < n && w + 8 < n * 8; i++)
		w += (size_t)snprintf(yaml + w, 8, "{}, ");
	snprintf(yaml + w, 4, "]\n");
	err.msg[0] = '\0';
	is_int(em_mapconf_parse(&c, yaml, strlen(yaml), &err), -1, "more prefixes than the limit are refused");
	ok(strstr(err.msg, "too many") != NULL, "with 'too many': %s", err.msg);
	em_mapconf_free(&c);
	free(yaml);
}

static void languages(void)
{
	is_int(em_lang_of_path("/usr/local/go/src/runtime/proc.go"), EM_LANG_GO, ".go");
	is_int(em_lang_of_path("/usr/lib/go-1.19/src/runtime/memclr_amd64.s"), EM_LANG_GO, ".s is Go");
	is_int(em_lang_of_path("lib/utility/utility.py"), EM_LANG_PYTHON, ".py");
	is_int(em_lang_of_path("/app/index.ts"), EM_LANG_JAVASCRIPT, ".ts");
	is_int(em_lang_of_path("node:internal/crypto/hash"), EM_LANG_UNKNOWN, "node: builtin without extension");
	is_int(em_lang_of_path("a.mjs"), EM_LANG_JAVASCRIPT, ".mjs");
	is_int(em_lang_of_path("a.cjs"), EM_LANG_JAVASCRIPT, ".cjs");
	is_int(em_lang_of_path("a.jsx"), EM_LANG_JAVASCRIPT, ".jsx");
	is_int(em_lang_of_path("a.tsx"), EM_LANG_JAVASCRIPT, ".tsx");
	is_int(em_lang_of_path("App.java"), EM_LANG_UNKNOWN, ".java has no extension rule");
	is_int(em_lang_of_path("dir.go/README"), EM_LANG_UNKNOWN, "extension of the last element only");
	is_str(em_lang_name(EM_LANG_JAVASCRIPT), "javascript", "language name");
}

int main(void)
{
	real_files();
	invalid();
	valid_edges();
	scores();
	alias_bomb();
	many_prefixes();
	languages();
	return done();
}

/* test_source_rules.c - the language rules with real paths taken from real
 * profiles (the corpus's Parca, Loki and Go workload profiles; Python
 * paths from this machine's interpreters; Java frames from the Kafka JFR
 * and profile_java files), go.mod parsing on Pyroscope's own go.mod,
 * module resolution (require, replace, "./" replacements, gopkg.in,
 * vanity pages, major versions, pseudo-versions), path cleaning, repository
 * URLs, cache keys, and local reads that must not leave their root. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/fetch.h"
#include "source/golang.h"
#include "source/lang.h"
#include "source/path.h"
#include "tap.h"

/* ---- Go standard library ---------------------------------------------- */

static void stdlib_case(const char *path, int want, const char *rel, const char *ver)
{
	char *r = NULL, *v = NULL;
	int got = em_go_stdlib(path, &r, &v);

	if (!ok(got == want && (want == 0 || (strcmp(r, rel) == 0 && strcmp(v, ver) == 0)),
	    "stdlib %s", path))
		printf("#   got %d '%s' '%s'\n", got, r ? r : "", v ? v : "");
	free(r);
	free(v);
}

static void go_stdlib(void)
{
	/* real paths: parca profiles (Homebrew Go 1.19.1, golang:1.x image) */
	stdlib_case("/opt/homebrew/Cellar/go/1.19.1/libexec/src/bufio/bufio.go", 1, "bufio/bufio.go", "1.19.1");
	stdlib_case("/opt/homebrew/Cellar/go/1.19.1/libexec/src/compress/flate/deflate.go", 1,
	    "compress/flate/deflate.go", "1.19.1");
	stdlib_case("/usr/local/go/src/bufio/scan.go", 1, "bufio/scan.go", "");
	stdlib_case("/usr/local/go/src/net/http/server.go", 1, "net/http/server.go", "");
	stdlib_case("$GOROOT/src/runtime/proc.go", 1, "runtime/proc.go", "");
	stdlib_case("fmt/print.go", 1, "fmt/print.go", "");
	stdlib_case("/usr/local/go/src/vendor/golang.org/x/net/http2/hpack/huffman.go", 1,
	    "vendor/golang.org/x/net/http2/hpack/huffman.go", "");
	/* old runtime/internal layout (Go <= 1.21) and the new one */
	stdlib_case("/usr/local/go/src/runtime/internal/atomic/atomic_amd64.go", 1,
	    "runtime/internal/atomic/atomic_amd64.go", "");
	stdlib_case("/usr/local/go/src/internal/runtime/maps/table.go", 1, "internal/runtime/maps/table.go", "");
	/* toolchain modules: the examples of the reference's section 7.5 */
	stdlib_case("/Users/u/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.24.6.darwin-arm64/src/runtime/proc.go",
	    1, "runtime/proc.go", "1.24.6");
	stdlib_case("/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.25rc1.linux-amd64/src/net/net.go",
	    1, "net/net.go", "1.25rc1");
	stdlib_case("/opt/hostedtoolcache/go/1.21.6/x64/src/runtime/mgc.go", 1, "runtime/mgc.go", "1.21.6");
	/* not the standard library */
	stdlib_case("/usr/lib/go-1.19/src/runtime/proc.go", 0, NULL, NULL); /* Debian: as Pyroscope */
	stdlib_case("/Users/brancz/src/github.com/parca-dev/parca/pkg/parca/parca.go", 0, NULL, NULL);
	stdlib_case("/home/dev/goworkload/main.go", 0, NULL, NULL);
	stdlib_case("main.go", 0, NULL, NULL);
	stdlib_case("", 0, NULL, NULL);
	stdlib_case("/go/pkg/mod/github.com/aws/aws-sdk-go-v2@v1.26.1/aws/signer/internal/v4/cache.go", 0, NULL, NULL);
	/* a module with a src/ directory is not Go 1.2.3 (a Pyroscope bug) */
	stdlib_case("/go/pkg/mod/github.com/x/y@v1.2.3/src/z.go", 0, NULL, NULL);
	ok(em_go_std_package("net/http", 8) && !em_go_std_package("net/htt", 7) &&
	    !em_go_std_package("github.com/x", 12), "std package list lookup");
}

static void go_vendor(void)
{
	char *v = em_go_vendor_path("/src/enterprise-logs/vendor/cloud.google.com/go/storage/bucket.go");
	char *p;
	int esc;

	is_str(v, "/vendor/cloud.google.com/go/storage/bucket.go", "vendor part of a real Loki path");
	p = em_repo_file_path("services/logs", v, &esc);
	is_str(p, "services/logs/vendor/cloud.google.com/go/storage/bucket.go", "joined under the root path");
	free(p);
	free(v);
	ok(em_go_vendor_path("/home/dev/goworkload/main.go") == NULL, "no vendor");
}

/* ---- module-cache paths -------------------------------------------------- */

static void module_case(const char *path, int want, const char *mod, const char *ver, const char *file)
{
	em_gomodule m;
	int r = em_gomodule_parse(&m, path);

	if (!ok(r == want && (want == 0 || (strcmp(m.path, mod) == 0 && strcmp(m.version, ver) == 0 &&
	    strcmp(m.file, file) == 0)), "module %s", path) && r == 1)
		printf("#   got '%s' '%s' '%s'\n", m.path, m.version, m.file);
	if (r == 1)
		em_gomodule_free(&m);
}

static void go_modules(void)
{
	module_case("/Users/brancz/pkg/mod/github.com/desertbit/timer@v0.0.0-20180107155436-c41aec40b27f/timers.go",
	    1, "github.com/desertbit/timer", "v0.0.0-20180107155436-c41aec40b27f", "timers.go");
	module_case("/go/pkg/mod/github.com/aws/aws-sdk-go-v2@v1.26.1/aws/signer/internal/v4/cache.go",
	    1, "github.com/aws/aws-sdk-go-v2", "v1.26.1", "aws/signer/internal/v4/cache.go");
	module_case("/go/pkg/mod/gopkg.in/yaml.v2@v2.4.0/decode.go", 1, "gopkg.in/yaml.v2", "v2.4.0", "decode.go");
	/* a dotted user directory before /pkg/mod/ is skipped */
	module_case("/home/first.last/go/pkg/mod/golang.org/x/net@v0.58.0/http2/frame.go",
	    1, "golang.org/x/net", "v0.58.0", "http2/frame.go");
	module_case("/home/dev/goworkload/main.go", 0, NULL, NULL, NULL);
	module_case("/a/x.io/b@v1/c@v2/d.go", 0, NULL, NULL, NULL);
	module_case("/a/x.io/b@v1.0.0", 0, NULL, NULL, NULL);
	module_case("/pkg/mod/nodots@v1.0.0/a.go", 0, NULL, NULL, NULL);
}

static void version_refs(void)
{
	static const struct { const char *v, *ref; } cases[] = {
		{ "v0.0.0-20180107155436-c41aec40b27f", "c41aec40b27f" },
		{ "v0.3.1-0.20260515134459-1798cf41aca7", "1798cf41aca7" },
		{ "v1.2.3-pre.0.20191109021931-daa7c04131f5", "daa7c04131f5" },
		{ "v2.0.0-20191109021931-daa7c04131f5+incompatible", "daa7c04131f5" },
		{ "v1.26.1", "v1.26.1" },
		{ "v1.2", "v1.2.0" },
		{ "v3", "v3.0.0" },
		{ "v1.2.3+incompatible", "v1.2.3" },
		{ "v1.0.0-rc.1", "v1.0.0-rc.1" },
		{ "v1.0.0-20191109021931-daa7c04131f5", "daa7c04131f5" },
		{ "v1.2.3-20191109021931-daa7c04131f5", "v1.2.3-20191109021931-daa7c04131f5" },
		{ "v01.2.3", "v01.2.3" },
		{ "main", "main" },
		{ "", "DEFAULT" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *r = em_go_version_ref(cases[i].v, "DEFAULT");

		is_str(r, cases[i].ref, cases[i].v[0] ? cases[i].v : "(empty)");
		free(r);
	}
}

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

/* Resolve path as the lookup would (go.mod, gopkg.in, major versions) and
 * check the GitHub file it lands on. */
static void resolve_case(const em_gomod *g, const char *path, const char *owner, const char *repo,
    const char *ref, const char *file)
{
	em_gomodule m;
	char *o = NULL, *r = NULL, *f = NULL, *p = NULL;
	em_error err;
	int good = 0;

	if (em_gomodule_parse(&m, path) == 1) {
		em_gomodule_unescape(&m);
		em_gomodule_apply(&m, g, g ? g->module : "", "main");
		if (em_has_prefix(m.path, "gopkg.in/"))
			em_gomodule_gopkgin(&m);
		em_gomodule_strip_major(&m);
		if (em_gomodule_github(&m, &o, &r, &f, &p, &err) == 0)
			good = strcmp(o, owner) == 0 && strcmp(r, repo) == 0 &&
			    strcmp(f, ref) == 0 && strcmp(p, file) == 0;
		em_gomodule_free(&m);
	}
	if (!ok(good, "resolve %s", path))
		printf("#   got %s/%s@%s:%s\n", o ? o : "-", r ? r : "-", f ? f : "-", p ? p : "-");
	free(o);
	free(r);
	free(f);
	free(p);
}

static void gomod(void)
{
	em_gomod g;
	em_error err;
	size_t n = 0, i;
	char *buf = slurp("pyroscope.go.mod", &n);
	int found_api = 0;

	err.msg[0] = '\0';
	is_int(buf ? em_gomod_parse(&g, buf, n, &err) : -1, 0, "Pyroscope's go.mod parses");
	is_str(g.module, "github.com/grafana/pyroscope/v2", "module path");
	is_int(g.nreq, 324, "324 require entries (counted with a script)");
	is_int(g.nrep, 4, "4 replace entries");
	for (i = 0; i < g.nreq; i++)
		if (strcmp(g.req[i].path, "github.com/grafana/pyroscope/api") == 0)
			found_api = strcmp(g.req[i].version, "v1.5.0") == 0;
	ok(found_api, "require github.com/grafana/pyroscope/api v1.5.0");
	ok(g.nrep == 4 && strcmp(g.rep[0].new_path, "./api") == 0 && g.rep[0].new_version[0] == '\0',
	    "replace => ./api");
	ok(g.nrep == 4 && strcmp(g.rep[3].path, "gopkg.in/yaml.v3") == 0 &&
	    strcmp(g.rep[3].new_version, "v0.0.0-20220720105220-255a8d16d094") == 0,
	    "replace after a comment block");

	resolve_case(&g, "/go/pkg/mod/github.com/grafana/pyroscope/api@v1.5.0/gen/proto/go/querier/v1/querier.pb.go",
	    "grafana", "pyroscope", "main", "api/gen/proto/go/querier/v1/querier.pb.go");
	resolve_case(&g, "/go/pkg/mod/github.com/hashicorp/memberlist@v0.5.3/state.go",
	    "grafana", "memberlist", "1798cf41aca7", "state.go");
	resolve_case(&g, "/go/pkg/mod/gopkg.in/yaml.v3@v3.0.1/decode.go",
	    "colega", "go-yaml-yaml", "255a8d16d094", "decode.go");
	resolve_case(&g, "/go/pkg/mod/github.com/google/pprof@v0.0.0-20260507013755-92041b743c96/profile/profile.go",
	    "google", "pprof", "92041b743c96", "profile/profile.go");
	resolve_case(NULL, "/go/pkg/mod/gopkg.in/yaml.v2@v2.4.0/decode.go", "go-yaml", "yaml", "v2.4.0", "decode.go");
	resolve_case(NULL, "/Users/brancz/pkg/mod/github.com/desertbit/timer@v0.0.0-20180107155436-c41aec40b27f/timers.go",
	    "desertbit", "timer", "c41aec40b27f", "timers.go");
	resolve_case(NULL, "/Users/thor/go/pkg/mod/github.com/dgraph-io/badger/v3@v3.2103.2/db.go",
	    "dgraph-io", "badger", "v3.2103.2", "db.go");
	resolve_case(NULL, "/root/go/pkg/mod/github.com/!f!zambia/eagle@v0.0.2/eagle.go",
	    "FZambia", "eagle", "v0.0.2", "eagle.go");
	resolve_case(NULL, "/go/pkg/mod/github.com/v2fly/v2ray-core/v5@v5.1.0/main.go",
	    "v2fly", "v2ray-core", "v5.1.0", "main.go");
	em_gomod_free(&g);
	free(buf);

	buf = slurp("golang-push-rideshare.go.mod", &n);
	is_int(buf ? em_gomod_parse(&g, buf, n, &err) : -1, 0, "rideshare go.mod parses");
	is_str(g.module, "rideshare", "module rideshare");
	is_int(g.nreq, 16 + 23, "39 require entries");
	em_gomod_free(&g);
	free(buf);

	err.msg[0] = '\0';
	is_int(em_gomod_parse(&g, "module x\nfrobnicate y\n", 22, &err), -1, "unknown directive refused");
	ok(strstr(err.msg, "go.mod:2") != NULL, "with the line: %s", err.msg);
	is_int(em_gomod_parse(&g, "require (\n a v1\n", 16, &err), -1, "unterminated block refused");
	is_int(em_gomod_parse(&g, "go 1.21\n", 8, &err), -1, "no module line refused");
	is_int(em_gomod_parse(&g, "module \"quoted/path\" // c\nreplace a v1 => b\n", 44, &err), 0,
	    "quoted module, replace without a new version");
	is_str(g.module, "quoted/path", "quotes removed");
	ok(g.nrep == 1 && strcmp(g.rep[0].version, "v1") == 0 && strcmp(g.rep[0].new_path, "b") == 0,
	    "replace a v1 => b");
	em_gomod_free(&g);
	is_int(em_gomod_parse(&g, "module a\nreplace => b\n", 22, &err), -1, "replace without old path");
}

static void gopkgin(void)
{
	em_gomodule m = { NULL, NULL, NULL };

	m.path = em_strdup("gopkg.in/check.v1");
	is_int(em_gomodule_gopkgin(&m), 1, "gopkg.in/pkg.vN");
	is_str(m.path, "github.com/go-check/check", "-> github.com/go-check/check");
	free(m.path);
	m.path = em_strdup("gopkg.in/DataDog/dd-trace-go.v1");
	is_int(em_gomodule_gopkgin(&m), 1, "gopkg.in/user/pkg.vN");
	is_str(m.path, "github.com/DataDog/dd-trace-go", "-> github.com/DataDog/dd-trace-go");
	free(m.path);
	m.path = em_strdup("gopkg.in/a/b/c.v1");
	is_int(em_gomodule_gopkgin(&m), -1, "too many elements");
	free(m.path);
	m.path = em_strdup("gopkg.in/.v1");
	is_int(em_gomodule_gopkgin(&m), -1, "empty package name");
	free(m.path);
	m.path = em_strdup("github.com/a/b");
	is_int(em_gomodule_gopkgin(&m), 0, "not gopkg.in");
	free(m.path);
}

static void vanity(void)
{
	static const char xnet[] =
	    "<!DOCTYPE html>\n<html><head>\n"
	    "<meta name=\"go-import\" content=\"golang.org/x/net git https://go.googlesource.com/net\">\n"
	    "<meta name=\"go-source\" content=\"golang.org/x/net https://github.com/golang/net/ "
	    "https://github.com/golang/net/tree/master{/dir} https://github.com/golang/net/blob/master{/dir}/{file}#L{line}\">\n"
	    "</head></html>\n";
	static const char grpc[] =
	    "<html><head><meta name=\"go-import\" content=\"google.golang.org/grpc git https://github.com/grpc/grpc-go\">\n"
	    "<meta name=\"go-source\" content=\"google.golang.org/grpc https://github.com/grpc/grpc-go "
	    "https://github.com/grpc/grpc-go/tree/master{/dir} https://github.com/grpc/grpc-go/tree/master{/dir}/{file}#L{line}\"></head></html>";
	static const char gs[] =
	    "<meta content='google.golang.org/protobuf git https://go.googlesource.com/protobuf' name='go-import'/>";
	static const char none[] = "<html><body>no tags <meta name=\"description\" content=\"x\"></body></html>";
	static const char ws[] = "<META NAME=\"go-import\" CONTENT=\"go.uber.org/atomic git\n\t  https://github.com/uber-go/atomic\">";
	char *np = NULL;

	is_int(em_go_vanity(xnet, strlen(xnet), "golang.org/x/net", &np), 1, "golang.org/x/net page");
	is_str(np, "github.com/golang/net", "go-source github.com wins over googlesource go-import");
	free(np);
	is_int(em_go_vanity(grpc, strlen(grpc), "google.golang.org/grpc/internal", &np), 1, "sub-path of a module");
	is_str(np, "github.com/grpc/grpc-go/internal", "sub-path kept");
	free(np);
	is_int(em_go_vanity(gs, strlen(gs), "google.golang.org/protobuf", &np), 1, "go-import only, single quotes");
	is_str(np, "go.googlesource.com/protobuf", "-> go.googlesource.com/protobuf");
	free(np);
	is_int(em_go_vanity(ws, strlen(ws), "go.uber.org/atomic", &np), 1, "upper-case tag; tab, newline and double space in content");
	is_str(np, "github.com/uber-go/atomic", "whitespace cleaned");
	free(np);
	is_int(em_go_vanity(none, strlen(none), "example.com/x", &np), 0, "no go-import tag");
	is_int(em_go_vanity(xnet, 40, "golang.org/x/net", &np), 0, "truncated page");
}

static void googlesource(void)
{
	em_gomodule m = { NULL, NULL, NULL };
	em_error err;
	char *u;

	m.path = em_strdup("go.googlesource.com/protobuf");
	m.version = em_strdup("v1.36.11");
	m.file = em_strdup("proto/decode.go");
	u = em_gomodule_googlesource_url(&m, "https://go.googlesource.com", &err);
	is_str(u, "https://go.googlesource.com/protobuf/+/v1.36.11/proto/decode.go?format=TEXT", "googlesource URL");
	free(u);
	free(m.version);
	m.version = em_strdup("");
	u = em_gomodule_googlesource_url(&m, "https://go.googlesource.com", &err);
	is_str(u, "https://go.googlesource.com/protobuf/+/master/proto/decode.go?format=TEXT", "no version -> master");
	free(u);
	em_gomodule_free(&m);
}

static void strip_major(void)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "github.com/dgraph-io/badger/v3", "github.com/dgraph-io/badger" },
		{ "github.com/go-chi/chi/v5", "github.com/go-chi/chi" },
		{ "github.com/grafana/pyroscope/v2/api", "github.com/grafana/pyroscope/api" },
		{ "k8s.io/api/v1beta1", "k8s.io/api/v1beta1" },
		{ "github.com/v2fly/v2ray-core/v5", "github.com/v2fly/v2ray-core" },
		{ "github.com/a/b", "github.com/a/b" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		em_gomodule m = { em_strdup(cases[i].in), NULL, NULL };

		em_gomodule_strip_major(&m);
		is_str(m.path, cases[i].out, cases[i].in);
		free(m.path);
	}
}

/* ---- Java and Python ----------------------------------------------------- */

static void java(void)
{
	static const struct { const char *fn, *file; } cases[] = {
		{ "org/apache/kafka/clients/NetworkClient.canSendRequest", "org/apache/kafka/clients/NetworkClient.java" },
		{ "java/lang/ThreadLocal$ThreadLocalMap.getEntry", "java/lang/ThreadLocal.java" },
		{ "sun/net/httpserver/ServerImpl$Exchange$LinkHandler.handle", "sun/net/httpserver/ServerImpl.java" },
		{ "java/lang/invoke/LambdaForm$DMH.0x0000000801578c00.newInvokeSpecial", "java/lang/invoke/LambdaForm.java" },
		{ "java/lang/String.<init>", "java/lang/String.java" },
		{ "org/example/App", "org/example/App.java" },
		{ "org/example/.hidden", "org/example/.hidden.java" },
		{ "VMThread::run", "VMThread::run.java" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = em_java_path(cases[i].fn);

		is_str(p, cases[i].file, cases[i].fn);
		free(p);
	}
}

static void python_case(const char *path, int want, const char *rel, const char *ver)
{
	char *r = NULL, *v = NULL;
	int got = em_python_stdlib(path, &r, &v);

	if (!ok(got == want && (want == 0 || (strcmp(r, rel) == 0 && strcmp(v, ver) == 0)),
	    "python %s", path))
		printf("#   got %d '%s' '%s'\n", got, r ? r : "", v ? v : "");
	free(r);
	free(v);
}

static void python(void)
{
	/* real: this machine's pyenv and Debian interpreters */
	python_case("/root/.pyenv/versions/3.11.7/lib/python3.11/threading.py", 1, "threading.py", "3.11");
	python_case("/root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py", 1, "json/decoder.py", "3.11");
	python_case("/usr/lib/python3.11/asyncio/base_events.py", 1, "asyncio/base_events.py", "3.11");
	python_case("/opt/python3.8/lib/python3.12/difflib.py", 1, "difflib.py", "3.12");
	/* third-party code under the version directory is not cpython's */
	python_case("/usr/local/lib/python3.11/site-packages/flask/app.py", 0, NULL, NULL);
	python_case("/usr/lib/python3/dist-packages/yaml/__init__.py", 0, NULL, NULL);
	/* real relative paths from profile_python and pyspy-1 */
	python_case("lib/utility/utility.py", 0, NULL, NULL);
	python_case("flask/app.py", 0, NULL, NULL);
	python_case("/usr/lib/python3.11/", 0, NULL, NULL);
	python_case("/usr/lib/python3.123/x.py", 0, NULL, NULL);
}

/* ---- paths, repositories, cache keys ------------------------------------ */

static void paths(void)
{
	static const struct { const char *in, *out; } clean[] = {
		{ "", "." }, { "a//b/./c/..", "a/b" }, { "/../x", "/x" }, { "../../a", "../../a" },
		{ "a/../..", ".." }, { "/", "/" }, { "./", "." }, { "a/b/", "a/b" },
	};
	size_t i;
	char *p;
	int esc;

	for (i = 0; i < sizeof(clean) / sizeof(clean[0]); i++) {
		p = em_path_clean(clean[i].in);
		is_str(p, clean[i].out, clean[i].in[0] ? clean[i].in : "(empty)");
		free(p);
	}
	p = em_path_join("src/main/java", "org/example/App.java");
	is_str(p, "src/main/java/org/example/App.java", "join");
	free(p);
	p = em_path_join("", "");
	is_str(p, "", "join of empties");
	free(p);
	p = em_repo_file_path("", "/home/dev/goworkload/main.go", &esc);
	is_str(p, "home/dev/goworkload/main.go", "absolute profile path trimmed");
	free(p);
	ok(em_repo_file_path("root", "../../etc/passwd", &esc) == NULL && esc, "escaping path refused");
	ok(em_repo_file_path("", ".", &esc) == NULL && esc, "'.' names no file");
	p = em_repo_file_path("svc", "../other/x.go", &esc);
	is_str(p, "other/x.go", "leaving the root but not the repository is allowed (filepath.Join)");
	free(p);
	ok(em_path_has_dotdot("a/../b") && !em_path_has_dotdot("a/..b/c"), "has_dotdot");
}

static void repo_case(const char *url, const char *host, const char *owner, const char *name)
{
	em_repo r;
	em_error err;
	int rc = em_repo_parse(&r, url, &err);

	if (!ok(host ? rc == 0 && strcmp(r.host, host) == 0 && strcmp(r.owner, owner) == 0 &&
	    strcmp(r.name, name) == 0 : rc == -1, "repository URL %s", url) && rc == 0)
		printf("#   got %s %s %s\n", r.host, r.owner, r.name);
	if (rc == 0)
		em_repo_free(&r);
}

static void repos(void)
{
	repo_case("https://github.com/grafana/pyroscope", "github.com", "grafana", "pyroscope");
	repo_case("https://github.com/grafana/pyroscope.git", "github.com", "grafana", "pyroscope");
	repo_case("https://GitHub.com/grafana/pyroscope/", "github.com", "grafana", "pyroscope");
	repo_case("git@github.com:grafana/pyroscope.git", "github.com", "grafana", "pyroscope");
	repo_case("ssh://git@github.com/grafana/pyroscope", "github.com", "grafana", "pyroscope");
	repo_case("github.com/grafana/pyroscope", "github.com", "grafana", "pyroscope");
	repo_case("https://github.com/grafana", NULL, NULL, NULL);
	repo_case("https://github.com/../x", NULL, NULL, NULL);
	repo_case("https://github.com/a/b/tree/main", NULL, NULL, NULL);
	repo_case("https://github.com/a b/c", NULL, NULL, NULL);
}

static void cache_keys(void)
{
	const char *e1[] = { "github", "golang", "go", "go1.21.6", "src/runtime/proc.go" };
	const char *e2[] = { "github", "..", "x", "release/1.0", "a/../b" };
	const char *e3[] = { "github", "o", "r", "main", "a//b" };
	const char *e4[] = { "github", "o", "", "main", "a" };
	const int split[] = { 0, 0, 0, 1, 1 };
	char *k;

	k = em_cache_key(e1, split, 5);
	is_str(k, "github/golang/go/go1.21.6/src/runtime/proc.go", "plain key");
	free(k);
	k = em_cache_key(e2, split, 5);
	is_str(k, "github/%2E%2E/x/release/1.0/a/%2E%2E/b", "dot elements encoded, never path steps");
	free(k);
	ok(em_cache_key(e3, split, 5) == NULL, "empty path element refused");
	ok(em_cache_key(e4, split, 5) == NULL, "empty element refused");
}

/* ---- local reads ------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void remove_tree(const char *dir)
{
	static const char *const files[] = { "root/pkg/a.go", "root/out", "root/in", "root/big",
		"secret", "root/pkg", "root" };
	char path[4200];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (unlink(path) < 0)
			rmdir(path);
	}
	rmdir(dir);
}

static void local_reads(void)
{
	char tmpl[] = "/tmp/embers-srcXXXXXX", real[4096], path[4200];
	char *body = NULL;
	size_t len = 0;
	em_error err;
	int r;

	if (mkdtemp(tmpl) == NULL) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/root", tmpl);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/root/pkg", tmpl);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/root/pkg/a.go", tmpl);
	write_file(path, "package pkg\n");
	snprintf(path, sizeof(path), "%s/secret", tmpl);
	write_file(path, "secret\n");
	snprintf(path, sizeof(path), "%s/root/out", tmpl);
	r = symlink("../secret", path);
	snprintf(path, sizeof(path), "%s/root/in", tmpl);
	r |= symlink("pkg/a.go", path);
	snprintf(path, sizeof(path), "%s/root/big", tmpl);
	write_file(path, "0123456789abcdef");
	ok(r == 0, "symlinks made");
	snprintf(path, sizeof(path), "%s/root", tmpl);
	if (realpath(path, real) == NULL)
		return;

	r = em_local_read(real, "pkg/a.go", 1 << 20, &body, &len, &err);
	ok(r == EM_GOT && len == 12 && strcmp(body, "package pkg\n") == 0, "file inside the root is read");
	free(body);
	r = em_local_read(real, "in", 1 << 20, &body, &len, &err);
	ok(r == EM_GOT && len == 12, "a symlink inside the root is followed");
	free(body);
	r = em_local_read(real, "out", 1 << 20, &body, &len, &err);
	ok(r == EM_FAILED && strstr(err.msg, "outside") != NULL, "a symlink leading out is refused: %s", err.msg);
	r = em_local_read(real, "../secret", 1 << 20, &body, &len, &err);
	ok(r == EM_FAILED && strstr(err.msg, "outside") != NULL, ".. is refused");
	r = em_local_read(real, "/etc/passwd", 1 << 20, &body, &len, &err);
	ok(r == EM_FAILED, "absolute path refused");
	r = em_local_read(real, "pkg/missing.go", 1 << 20, &body, &len, &err);
	is_int(r, EM_MISSING, "missing file is 'missing'");
	r = em_local_read(real, "pkg", 1 << 20, &body, &len, &err);
	is_int(r, EM_MISSING, "a directory is 'missing'");
	r = em_local_read(real, "big", 8, &body, &len, &err);
	ok(r == EM_FAILED && strstr(err.msg, "larger") != NULL, "size cap: %s", err.msg);
	remove_tree(tmpl);
}

int main(void)
{
	go_stdlib();
	go_vendor();
	go_modules();
	version_refs();
	gomod();
	gopkgin();
	vanity();
	googlesource();
	strip_major();
	java();
	python();
	paths();
	repos();
	cache_keys();
	local_reads();
	return done();
}

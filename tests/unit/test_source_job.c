/* test_source_job.c - whole lookups (em_source) against local checkouts,
 * offline so that nothing touches the network: .pyroscope.yaml mappings
 * for Python, Java and JavaScript, the $GOROOT mapping, Go vendor,
 * go.mod "./" replacements, the fallback search, refusals (a local path
 * or a symlink leading out of the checkout), an invalid .pyroscope.yaml,
 * bad settings, profile labels; and the asynchronous job API.
 *
 * With EMBERS_TEST_SLOW_URL set (tests/source/test_source.py does that,
 * pointing at its slow local server) it also checks that cancelling a job
 * stops a transfer at once. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "embers/source.h"
#include "tap.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[512], *s;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (s = path + strlen(root) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(path, 0700);
		*s = '/';
	}
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static const char conf[] =
    "version: v1\n"
    "source_code:\n"
    "  mappings:\n"
    "    - path: [{prefix: /app/}]\n"
    "      language: python\n"
    "      source: {local: {path: src}}\n"
    "    - function_name: [{prefix: org/example/rideshare}]\n"
    "      language: java\n"
    "      source: {local: {path: src/main/java}}\n"
    "    - path: [{prefix: /usr/src/app}]\n"
    "      language: javascript\n"
    "      source: {local: {path: web}}\n"
    "    - path: [{prefix: $GOROOT/src}]\n"
    "      language: go\n"
    "      source: {github: {owner: golang, repo: go, ref: go1.25.13, path: src}}\n"
    "    - function_name: [{prefix: org/escape}]\n"
    "      language: java\n"
    "      source: {local: {path: ../../etc}}\n";

static void make_repo(void)
{
	char path[512];

	snprintf(root, sizeof(root), "/tmp/embers-jobXXXXXX");
	if (mkdtemp(root) == NULL)
		return;
	put("svc/.pyroscope.yaml", conf);
	put("svc/src/lib/server.py", "def bike():\n    pass\n");
	put("svc/src/main/java/org/example/rideshare/App.java", "class App {}\n");
	put("svc/web/index.js", "console.log(1)\n");
	put("svc/vendor/github.com/x/y/z.go", "package y\n");
	put("svc/cmd/main.go", "package main\n");
	put("go.mod", "module github.com/acme/shop\n\nrequire github.com/acme/lib v1.0.0\n\nreplace github.com/acme/lib => ./lib\n");
	put("lib/util.go", "package lib\n");
	put("other/.pyroscope.yaml", "source_code:\n  mappings:\n    - path: [{prefix: x}]\n      language: cobol\n      source: {local: {path: x}}\n");
	put("other/a.py", "x = 1\n");
	put("secret.txt", "secret\n");
	snprintf(path, sizeof(path), "%s/svc/src/main/java/org/example/rideshare/Evil.java", root);
	if (symlink("/etc/passwd", path) < 0)
		printf("# symlink: %s\n", strerror(errno));
}

static em_source *open_src(const char *dir, const char *repo, const char *rootp, em_error *err)
{
	em_source_opts o;
	em_source *s;
	char d[512];

	memset(&o, 0, sizeof(o));
	snprintf(d, sizeof(d), "%s%s", root, dir);
	em_source_opts_set(&o.source_dir, d);
	em_source_opts_set(&o.repo, repo);
	em_source_opts_set(&o.root_path, rootp);
	o.offline = 1;
	err->msg[0] = '\0';
	s = em_source_new(&o, err);
	em_source_opts_free(&o);
	return s;
}

/* Look up and check: found with data starting with want, or not found
 * with why containing want. */
static void look(em_source *s, const char *func, const char *path, int found, const char *want)
{
	em_source_file f;
	int r = em_source_find(s, func, path, NULL, &f);
	int good = found ? r == 0 && f.data && strncmp(f.data, want, strlen(want)) == 0 :
	    r == -1 && f.data == NULL && strstr(f.why, want) != NULL;

	if (!ok(good, "%s %s %s -> %s", found ? "find" : "miss", func, path, want))
		printf("#   rc %d why '%s' origin '%s'\n", r, f.why, f.origin ? f.origin : "");
	em_source_file_free(&f);
}

static void lookups(void)
{
	em_error err;
	em_source *s = open_src("", "https://github.com/acme/shop", "svc", &err);

	if (!ok(s != NULL, "session on a checkout (%s)", err.msg))
		return;
	look(s, "bike", "/app/lib/server.py", 1, "def bike");
	look(s, "run", "/usr/lib/python3.11/threading.py", 0, "python/cpython@3.11:Lib/threading.py");
	look(s, "org/example/rideshare/App$Inner.run", "App.java", 1, "class App");
	look(s, "com/other/X.y", "X.java", 0, "not found");
	look(s, "org/escape/X.y", "", 0, "local path '../../etc' leaves the repository");
	look(s, "org/example/rideshare/Evil.run", "", 0, "outside the source directory");
	look(s, "handler", "/usr/src/app/index.js", 1, "console.log");
	look(s, "fmt.Println", "/usr/local/go/src/fmt/print.go", 0, "golang/go@go1.25.13:src/fmt/print.go");
	look(s, "runtime.gcBgMarkWorker", "/opt/hostedtoolcache/go/1.21.6/x64/src/runtime/mgc.go", 0,
	    "golang/go@go1.21.6:src/runtime/mgc.go");
	look(s, "y.Z", "/build/shop/svc/vendor/github.com/x/y/z.go", 1, "package y");
	look(s, "lib.Util", "/go/pkg/mod/github.com/acme/lib@v1.0.0/util.go", 1, "package lib");
	look(s, "main.main", "/home/ci/shop/svc/cmd/main.go", 1, "package main");
	look(s, "main.main", "github.com/acme/shop/svc/cmd/main.go", 1, "package main");
	look(s, "x.Y", "/go/pkg/mod/github.com/other/mod@v1.2.3/x.go", 0, "other/mod@v1.2.3:x.go");
	look(s, "", "", 0, "no file name");
	ok(em_source_set_repo(s, "https://gitlab.com/a/b", NULL, &err) == -1 &&
	    strstr(err.msg, "only GitHub") != NULL, "switching to a non-GitHub repository fails");
	em_source_free(s);

	s = open_src("/other", NULL, NULL, &err);
	if (ok(s != NULL, "session on a checkout with a bad .pyroscope.yaml")) {
		em_source_file f;

		ok(em_source_find(s, "f", "a.py", NULL, &f) == 0 && strstr(f.warning, ".pyroscope.yaml") &&
		    strstr(f.warning, "language 'cobol'") && strstr(f.warning, "ignored"),
		    "invalid file ignored with a warning, lookup goes on: %s", f.warning);
		em_source_file_free(&f);
		em_source_free(s);
	}
}

static void bad_settings(void)
{
	em_source_opts o;
	em_error err;
	em_source *s;

	memset(&o, 0, sizeof(o));
	em_source_opts_set(&o.raw_url, "ftp://example.com");
	s = em_source_new(&o, &err);
	ok(s == NULL && strstr(err.msg, "https://"), "raw URL must be http(s): %s", err.msg);
	em_source_opts_set(&o.raw_url, NULL);
	em_source_opts_set(&o.repo, "https://gitlab.com/a/b");
	s = em_source_new(&o, &err);
	ok(s == NULL && strstr(err.msg, "only GitHub"), "gitlab refused: %s", err.msg);
	em_source_opts_set(&o.repo, "https://ghe.example.com/a/b");
	em_source_opts_set(&o.raw_url, "https://ghe.example.com/raw/");
	s = em_source_new(&o, &err);
	ok(s != NULL, "GitHub Enterprise repository with its raw URL");
	em_source_free(s);
	em_source_opts_set(&o.repo, NULL);
	em_source_opts_set(&o.source_dir, "/nonexistent/dir");
	s = em_source_new(&o, &err);
	ok(s == NULL && strstr(err.msg, "/nonexistent/dir"), "missing source dir: %s", err.msg);
	em_source_opts_set(&o.source_dir, NULL);
	em_source_opts_set(&o.root_path, "../up");
	s = em_source_new(&o, &err);
	ok(s == NULL && strstr(err.msg, "root path"), "root path leaving the repository: %s", err.msg);
	em_source_opts_free(&o);
}

static void labels(void)
{
	em_profile *p = em_profile_new();
	em_source_opts o;
	em_line ln;
	em_label lab[3];
	uint32_t l;
	int64_t v = 1;

	em_profile_add_type(p, "cpu", "nanoseconds");
	ln.func = em_profile_func(p, em_profile_str(p, "main", 4), 0, 0, 0);
	ln.line = 1;
	ln.file = 0;
	l = em_profile_add_location(p, &ln, 1, 0, 0);
	em_profile_add_sample(p, &l, 1, &v, NULL, 0);
	memset(lab, 0, sizeof(lab));
	lab[0].key = em_profile_str(p, "service_repository", 18);
	lab[0].str = em_profile_str(p, "https://github.com/grafana/pyroscope", 36);
	lab[1].key = em_profile_str(p, "service_git_ref", 15);
	lab[1].str = em_profile_str(p, "v1.2.3", 6);
	lab[2].key = em_profile_str(p, "service_root_path", 17);
	lab[2].str = em_profile_str(p, "examples/go", 11);
	em_profile_add_sample(p, &l, 1, &v, lab, 3);
	memset(&o, 0, sizeof(o));
	em_source_opts_set(&o.ref, "main");
	ok(em_source_opts_from_labels(&o, p) == 0, "labels read");
	is_str(o.repo, "https://github.com/grafana/pyroscope", "service_repository (from the second sample)");
	is_str(o.ref, "main", "a flag given first is kept");
	is_str(o.root_path, "examples/go", "service_root_path");
	em_source_opts_free(&o);
	em_profile_free(p);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void jobs(void)
{
	const char *td = getenv("TESTDATA");
	em_source_opts o;
	em_source *s;
	em_source_job *j;
	em_source_file f;
	em_error err;
	char dir[4096];
	struct pollfd pfd;

	memset(&o, 0, sizeof(o));
	snprintf(dir, sizeof(dir), "%s/source/goworkload", td ? td : "tests/data");
	em_source_opts_set(&o.source_dir, dir);
	o.offline = 1;
	s = em_source_new(&o, &err);
	em_source_opts_free(&o);
	if (!ok(s != NULL, "session on tests/data/source/goworkload"))
		return;
	j = em_source_job_start(s, "main.sortWork", "/home/dev/goworkload/main.go", &err);
	if (!ok(j != NULL, "job started"))
		return;
	pfd.fd = em_source_job_fd(j);
	pfd.events = POLLIN;
	ok(poll(&pfd, 1, 10000) == 1, "job fd becomes readable");
	ok(em_source_job_done(j), "job done");
	is_int(em_source_job_finish(j, &f), 0, "job found the file");
	ok(f.data && strstr(f.data, "func sortWork(") != NULL, "it is main.go");
	ok(f.origin && strstr(f.origin, "goworkload/main.go") != NULL, "origin is the local file: %s",
	    f.origin ? f.origin : "");
	em_source_file_free(&f);
	em_source_free(s);
}

/* Needs a server that answers slowly (EMBERS_TEST_SLOW_URL). */
static void cancel(void)
{
	const char *url = getenv("EMBERS_TEST_SLOW_URL");
	em_source_opts o;
	em_source *s;
	em_source_job *j;
	em_source_file f;
	em_error err;
	double t0;

	if (url == NULL) {
		ok(1, "# SKIP cancel needs EMBERS_TEST_SLOW_URL");
		return;
	}
	memset(&o, 0, sizeof(o));
	em_source_opts_set(&o.raw_url, url);
	em_source_opts_set(&o.repo, "https://github.com/slow/repo");
	o.timeout_ms = 20000;
	s = em_source_new(&o, &err);
	em_source_opts_free(&o);
	if (!ok(s != NULL, "session on the slow server (%s)", err.msg))
		return;
	j = em_source_job_start(s, "f", "slow/a.txt", &err);
	usleep(300000);
	ok(!em_source_job_done(j), "still fetching after 0.3 s");
	t0 = now();
	em_source_job_cancel(j);
	is_int(em_source_job_finish(j, &f), -1, "cancelled job finds nothing");
	ok(now() - t0 < 3.0, "cancel stops the transfer within 3 s (%.2f s)", now() - t0);
	is_str(f.why, "cancelled", "why: cancelled");
	em_source_file_free(&f);
	em_source_free(s);
}

static void cleanup(void)
{
	char cmd[128];

	if (strncmp(root, "/tmp/embers-job", 15) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", root);
	}
}

int main(void)
{
	make_repo();
	lookups();
	bad_settings();
	labels();
	jobs();
	cancel();
	cleanup();
	return done();
}

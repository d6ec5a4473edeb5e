#!/usr/bin/env python3
"""test_source.py - `embers source` end to end.

- per-line figures in CSV and text on real profiles, against numbers read
  off `go tool pprof -list` (see tests/unit/test_source_lines.c for how);
- a local checkout (--source-dir), including a symlink leading out;
- fetching through a local server standing in for raw.githubusercontent.com
  (rawserver.py): .pyroscope.yaml, go.mod replace, the Go standard library
  via the $GOROOT mapping, Java mappings, the fallback search; 404, 401
  without a token and with one, the token never sent to another origin
  (also after a redirect), a slow server (time-out), a huge file (size
  cap), the cache (mode 0700, --offline afterwards), an invalid
  .pyroscope.yaml (one warning); usage errors;
- cancelling an asynchronous lookup (tests/unit/test_source_job against
  the slow server).
"""
import csv
import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
from emtest import Tap  # noqa: E402
import pprofgen  # noqa: E402
from rawserver import RawServer  # noqa: E402

EMBERS = os.environ.get("EMBERS", "embers")
TESTDATA = os.environ.get("TESTDATA") or os.path.join(HERE, "..", "data")
BUILDDIR = os.environ.get("top_builddir", ".")
SAMPLE = os.path.join(TESTDATA, "corpus", "public", "google__pprof", "sample.cpu")
GOWORK = os.path.join(TESTDATA, "source", "goworkload.cpu.pb.gz")
GOWORK_SRC = os.path.join(TESTDATA, "source", "goworkload")

TMP = tempfile.mkdtemp(prefix="embers-source-test-")


def env(**extra):
    e = {k: v for k, v in os.environ.items()
         if k not in ("GITHUB_TOKEN", "EMBERS_GITHUB_RAW_URL")}
    e["HOME"] = os.path.join(TMP, "home")
    e["XDG_CACHE_HOME"] = os.path.join(TMP, "cache")
    e["XDG_CONFIG_HOME"] = os.path.join(TMP, "config")
    e.update(extra)
    return e


class Result:
    def __init__(self, p, secs):
        self.rc = p.returncode
        self.out = p.stdout.decode("utf-8", "replace")
        self.err = p.stderr.decode("utf-8", "replace")
        self.secs = secs

    def __repr__(self):
        return "rc=%d (%.1fs)\nstdout:\n%s\nstderr:\n%s" % (
            self.rc, self.secs, self.out[:1500], self.err[:800])

    def rows(self):
        return list(csv.reader(io.StringIO(self.out)))


def run(*args, environ=None, timeout=60):
    t0 = time.time()
    p = subprocess.run([EMBERS, "source"] + [str(a) for a in args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=environ or env(), timeout=timeout)
    return Result(p, time.time() - t0)


def weighted(rows, func):
    """{line: (self, total)} of the rows of func with weight."""
    return {int(r[2]): (int(r[3]), int(r[4])) for r in rows[1:]
            if r[0] == func and (r[3] != "0" or r[4] != "0")}


# ---- real profiles, local sources ------------------------------------------

# `go tool pprof -unit=ns -list 'main.sortWork$'` on goworkload.cpu.pb.gz
SORTWORK = {168: (0, 40000000), 170: (20000000, 2260000000), 172: (0, 370000000),
            177: (0, 370000000), 178: (0, 160000000), 179: (0, 2900000000)}
# `go tool pprof -unit=ns -list main.busyLoop` on sample.cpu
BUSYLOOP = {32: (0, 130000000), 35: (50000000, 50000000),
            36: (50000000, 1420000000), 37: (50000000, 160000000)}


def real_profiles(tap):
    r = run("--format", "csv", "--offline", "--source-dir", GOWORK_SRC, GOWORK, "main.sortWork$")
    rows = r.rows()
    tap.ok(r.rc == 0 and rows and rows[0] == ["function", "file", "line", "self", "total", "source"],
           "csv header", r)
    tap.is_eq(weighted(rows, "main.sortWork"), SORTWORK, "main.sortWork per line = pprof -list")
    lines = [int(x[2]) for x in rows[1:]]
    tap.is_eq((lines[0], lines[-1], len(lines)), (163, 184, 22),
              "rows 163..184, the lines pprof -list shows")
    src = {int(x[2]): x[5] for x in rows[1:]}
    tap.is_eq(src.get(167), "func sortWork(r *rand.Rand, n int) int {", "source column from --source-dir")

    r = run("--offline", "--source-dir", GOWORK_SRC, "--profile", GOWORK, "main.sortWork$")
    out = r.out.splitlines()
    tap.ok(r.rc == 0 and out[0] == "Total: 21.7s" and
           out[1] == "ROUTINE ======================== main.sortWork in /home/dev/goworkload/main.go",
           "text header like pprof", r)
    tap.ok("(flat, cum) 28.14% of Total" in out[2] and "6.10s" in out[2], "flat/cum line", r)
    tap.ok(out[3].startswith(" Source: ") and out[3].endswith("/goworkload/main.go"), "source line", r)
    row179 = [x for x in out if ":\tsort.Slice(ints" in x]
    tap.ok(len(row179) == 1 and row179[0].split()[:3] == [".", "2.90s", "179:"],
           "row 179: '.' and 2.90s", r)

    r = run("--format", "csv", "--offline", "--sample-type", "cpu", SAMPLE, "busyLoop")
    rows = r.rows()
    tap.is_eq(weighted(rows, "main.busyLoop"), BUSYLOOP, "main.busyLoop per line = pprof -list (sample.cpu)")
    tap.ok(all(x[5] == "" for x in rows[1:]) and [int(x[2]) for x in rows[1:]] == list(range(27, 43)),
           "no source: empty column, rows 27..42 still there", r)
    r = run("--offline", SAMPLE, "busyLoop")
    tap.ok(r.rc == 0 and r.out.count(" Error: ") == 1 and "no repository to look in" in r.out and
           "36:" in r.out, "text: one Error line, then the per-line table", r)


def local_checkout(tap):
    d = os.path.join(TMP, "checkout")
    os.makedirs(os.path.join(d, "pkg"))
    with open(os.path.join(TMP, "outside.go"), "w") as f:
        f.write("package secret\n")
    os.symlink(os.path.join(TMP, "outside.go"), os.path.join(d, "pkg", "leak.go"))
    prof = os.path.join(TMP, "leak.pb.gz")
    with open(prof, "wb") as f:
        f.write(pprofgen.make([("cpu", "nanoseconds")],
                              [([[("main.main", "/src/app/main.go", 3, 1)],
                                 [("pkg.Leak", "/src/app/pkg/leak.go", 2, 1)]], [10])]))
    r = run("--offline", "--source-dir", d, prof, "pkg.Leak")
    tap.ok(r.rc == 0 and "outside the source directory" in r.out and "package secret" not in r.out,
           "a symlink leading out of --source-dir is refused", r)

    # a line number far beyond any file: no billion-row output without the file
    huge = os.path.join(TMP, "hugeline.pb.gz")
    with open(huge, "wb") as f:
        f.write(pprofgen.make([("cpu", "nanoseconds")],
                              [([[("main.far", "far.go", 10 ** 12, 1)]], [5])]))
    r = run("--offline", "--format", "csv", huge, "main.far", timeout=20)
    tap.ok(r.rc == 0 and len(r.rows()) == 2 and r.rows()[1][2:5] == [str(10 ** 12), "5", "5"],
           "a window of 10^12 lines without the file prints only the weighted line", r)


# ---- the stand-in for GitHub --------------------------------------------------

PYRO_YAML = """version: v1
source_code:
  mappings:
    - path:
        - prefix: $GOROOT/src
      language: go
      source:
        github:
          owner: golang
          repo: go
          ref: go1.25.13
          path: src
    - function_name:
        - prefix: org/example/rideshare
      language: java
      source:
        local:
          path: src/main/java
"""


def server_profile(path, labels):
    frames = [
        [[("main.main", "/app/svc/main.go", 10, 8)], [("main.handler", "/app/svc/handler.go", 3, 1)]],
        [[("runtime.main", "/usr/local/go/src/runtime/proc.go", 250, 0)]],
        [[("yaml.unmarshal", "/go/pkg/mod/gopkg.in/yaml.v3@v3.0.1/decode.go", 4, 1)]],
        [[("org/example/rideshare/App$Inner.run", "App.java", 2, 0)]],
        [[("main.missing", "/app/svc/missing.go", 1, 1)]],
    ]
    with open(path, "wb") as f:
        f.write(pprofgen.make([("cpu", "nanoseconds")], [(s, [7]) for s in frames], labels))


def server_files():
    with open(os.path.join(TESTDATA, "source", "pyroscope.go.mod"), "rb") as f:
        gomod = f.read()
    return {
        "/acme/shop/main/svc/.pyroscope.yaml": PYRO_YAML,
        "/acme/shop/main/go.mod": gomod,
        "/acme/shop/main/svc/handler.go": "package main\n\nfunc handler() {\n}\n",
        "/acme/shop/main/svc/main.go": "".join("// main %d\n" % i for i in range(1, 20)),
        "/golang/go/go1.25.13/src/runtime/proc.go": "".join("// proc %d\n" % i for i in range(1, 300)),
        "/colega/go-yaml-yaml/255a8d16d094/decode.go": "package yaml\n// decode\n// line 3\n// line 4\n",
        "/acme/shop/main/svc/src/main/java/org/example/rideshare/App.java": "package x;\nclass App {}\n",
        "/private/repo/main/x.go": "package private\n",
        "/acme/repo/main/x.go": "package redirected\n",
    }


def source_col(rows, func, line):
    for r in rows[1:]:
        if r[0] == func and int(r[2]) == line:
            return r[5]
    return None


def fetching(tap, srv):
    prof = os.path.join(TMP, "server.pb.gz")
    server_profile(prof, {"service_repository": "https://github.com/acme/shop",
                          "service_git_ref": "main", "service_root_path": "svc"})
    e = env(EMBERS_GITHUB_RAW_URL=srv.url)
    r = run("--format", "csv", prof, ".", environ=e)
    rows = r.rows()
    tap.ok(r.rc == 0, "csv run against the stand-in server", r)
    tap.is_eq(source_col(rows, "main.handler", 3), "func handler() {",
              "fallback search under the root path (labels give repo, ref, root)")
    tap.is_eq(source_col(rows, "runtime.main", 250), "// proc 250",
              "Go stdlib without version -> the $GOROOT/src mapping's golang/go@go1.25.13")
    tap.is_eq(source_col(rows, "yaml.unmarshal", 4), "// line 4",
              "module path -> go.mod replace -> colega/go-yaml-yaml at the pseudo-version's commit")
    tap.is_eq(source_col(rows, "org/example/rideshare/App$Inner.run", 2), "class App {}",
              "Java mapping -> src/main/java/.../App.java under the root path")
    tap.is_eq(source_col(rows, "main.missing", 1), "", "404 everywhere: empty source")
    paths = [p for p, _ in srv.requests()]
    tap.ok("/acme/shop/main/svc/.pyroscope.yaml" in paths and "/acme/shop/main/go.mod" in paths and
           "/acme/shop/main/svc/app/svc/handler.go" in paths,
           ".pyroscope.yaml from the root path, go.mod from the repository root, search tries", paths)
    tap.ok(all(a is None for _, a in srv.requests()), "no token configured, none sent")

    cache = os.path.join(TMP, "cache", "embers")
    mode = stat.S_IMODE(os.stat(cache).st_mode) if os.path.isdir(cache) else None
    tap.is_eq(mode, 0o700, "cache directory mode 0700")
    tap.ok(os.path.isfile(os.path.join(cache, "github", "golang", "go", "go1.25.13", "src",
                                       "runtime", "proc.go")), "cache keyed by owner/repo/ref/path")

    srv.clear()
    r2 = run("--format", "csv", "--offline", prof, ".", environ=e)
    tap.ok(r2.rc == 0 and source_col(r2.rows(), "yaml.unmarshal", 4) == "// line 4" and
           source_col(r2.rows(), "main.handler", 3) == "func handler() {",
           "--offline answers from the cache", r2)
    tap.is_eq(srv.requests(), [], "--offline makes no request")

    r = run(prof, "main.missing", environ=e)
    tap.ok(r.rc == 0 and " Error: " in r.out and "not found" in r.out, "text: 404 explained", r)


def tokens(tap, srv, other):
    prof = os.path.join(TMP, "private.pb.gz")
    with open(prof, "wb") as f:
        f.write(pprofgen.make([("cpu", "nanoseconds")],
                              [([[("main.x", "x.go", 1, 1)]], [1])]))
    e = env(EMBERS_GITHUB_RAW_URL=srv.url)
    r = run("--repo", "https://github.com/private/repo", "--ref", "main", prof, "main.x", environ=e)
    tap.ok("HTTP 401" in r.out and "GITHUB_TOKEN" in r.out, "401 without a token says so", r)

    srv.clear()
    e = env(EMBERS_GITHUB_RAW_URL=srv.url, GITHUB_TOKEN="s3cret")
    r = run("--repo", "https://github.com/private/repo", "--ref", "main", "--format", "csv",
            prof, "main.x", environ=e)
    tap.is_eq(source_col(r.rows(), "main.x", 1), "package private", "GITHUB_TOKEN opens the private repository")
    tap.ok(all(a == "token s3cret" for _, a in srv.requests()) and srv.requests(),
           "token sent to the configured raw origin")

    os.makedirs(os.path.join(TMP, "config", "embers"), exist_ok=True)
    with open(os.path.join(TMP, "config", "embers", "config.yaml"), "w") as f:
        f.write("github:\n  token: fromconfig\n  raw_url: %s\n" % srv.url)
    srv.clear()
    r = run("--repo", "https://github.com/private/repo", "--ref", "main", "--format", "csv",
            prof, "main.x", environ=env(XDG_CACHE_HOME=os.path.join(TMP, "cache3")))
    tap.ok(source_col(r.rows(), "main.x", 1) == "" and
           ("/private/repo/main/x.go", "token fromconfig") in srv.requests() and
           all(a == "token fromconfig" for _, a in srv.requests()),
           "config file github.token and raw_url are used", (r, srv.requests()))
    os.remove(os.path.join(TMP, "config", "embers", "config.yaml"))

    # a redirect to another origin: followed, without the token
    srv.clear()
    other.clear()
    e = env(GITHUB_TOKEN="s3cret")
    r = run("--github-raw-url", srv.url, "--repo", "https://github.com/moved/repo", "--ref", "main",
            "--format", "csv", prof, "main.x", environ=e)
    tap.is_eq(source_col(r.rows(), "main.x", 1), "package redirected", "redirect followed")
    tap.ok(srv.requests() and all(a == "token s3cret" for _, a in srv.requests()),
           "token on the first hop (configured origin)")
    tap.ok(other.requests() and all(a is None for _, a in other.requests()),
           "no token after a redirect to another origin", other.requests())
    # the token only goes where --github-raw-url points, not to EMBERS_GITHUB_RAW_URL's host
    other.clear()
    e = env(GITHUB_TOKEN="s3cret", EMBERS_GITHUB_RAW_URL=other.url)
    r = run("--github-raw-url", srv.url, "--repo", "https://github.com/acme/repo", "--ref", "main",
            prof, "main.x", environ=e)
    tap.ok(other.requests() == [], "the flag overrides the environment", other.requests())


def limits(tap, srv):
    prof = os.path.join(TMP, "limits.pb.gz")
    with open(prof, "wb") as f:
        f.write(pprofgen.make([("cpu", "nanoseconds")],
                              [([[("main.x", "x.go", 1, 1)]], [1])]))
    e = env(EMBERS_GITHUB_RAW_URL=srv.url)
    r = run("--repo", "https://github.com/slow/repo", "--fetch-timeout", "1", prof, "main.x",
            environ=e, timeout=30)
    tap.ok(r.rc == 0 and "timed out" in r.out and r.secs < 4.5,
           "slow server: time-out after --fetch-timeout (%.1fs)" % r.secs, r)
    r = run("--repo", "https://github.com/huge/repo", prof, "main.x", environ=e, timeout=60)
    tap.ok(r.rc == 0 and "larger than 8388608 bytes" in r.out, "huge file refused at 8 MiB", r)
    tap.ok(not os.path.exists(os.path.join(TMP, "cache", "embers", "github", "huge")),
           "nothing cached for it")


def bad_config(tap, srv):
    files = dict(server_files())
    files["/acme/shop/main/svc/.pyroscope.yaml"] = "version: v1\nsource_code:\n  mappings:\n    - language: go\n"
    bad = RawServer(files)
    with bad:
        prof = os.path.join(TMP, "server.pb.gz")
        e = env(XDG_CACHE_HOME=os.path.join(TMP, "cache2"))
        r = run("--github-raw-url", bad.url, "--format", "csv", prof, ".", environ=e)
        warn = [x for x in r.err.splitlines() if "warning" in x]
        tap.ok(len(warn) == 1 and "mapping[0]" in warn[0] and ".pyroscope.yaml" in warn[0],
               "invalid .pyroscope.yaml: one warning", r)
        tap.is_eq(source_col(r.rows(), "main.handler", 3), "func handler() {",
                  "lookup goes on without the file")


def usage(tap):
    r = run(GOWORK)
    tap.ok(r.rc == 2 and "no REGEX" in r.err, "no REGEX: usage error", r)
    r = run("--format", "json", GOWORK, "x")
    tap.ok(r.rc == 2 and "unknown format" in r.err, "unknown format", r)
    r = run(GOWORK, "a(")
    tap.ok(r.rc == 2 and "invalid regular expression" in r.err, "bad regex", r)
    r = run("--offline", GOWORK, "^nosuchfunction$")
    tap.ok(r.rc == 1 and "no function matches" in r.err, "no match: exit 1", r)
    r = run("--repo", "https://gitlab.com/a/b", GOWORK, "main.sortWork$")
    tap.ok(r.rc == 2 and "only GitHub" in r.err, "non-GitHub repository refused", r)
    r = run(GOWORK, "x", "y")
    tap.ok(r.rc == 2 and "too many" in r.err, "too many operands", r)
    r = run("--help")
    tap.ok(r.rc == 0 and "csv has the" in r.out and "--source-dir DIR" in r.out, "help", r)


def cancel_job(tap, srv):
    prog = os.path.join(BUILDDIR, "tests", "unit", "test_source_job")
    if not os.path.exists(prog):
        tap.ok(True, "# SKIP test_source_job not built")
        return
    e = env(EMBERS_TEST_SLOW_URL=srv.url, TESTDATA=TESTDATA)
    p = subprocess.run([prog], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=e, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    bad = [x for x in out.splitlines() if x.startswith("not ok")]
    tap.ok(p.returncode == 0 and not bad and "cancel stops the transfer" in out,
           "async job cancelled against the slow server", out[-1500:])


def main():
    tap = Tap()
    try:
        real_profiles(tap)
        local_checkout(tap)
        other = RawServer(server_files())
        with other:
            srv = RawServer(server_files(), token="s3cret", slow_seconds=8, redirect_to=other.url)
            with srv:
                fetching(tap, srv)
                tokens(tap, srv, other)
                limits(tap, srv)
                bad_config(tap, srv)
                cancel_job(tap, srv)
        usage(tap)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""test_source_pane.py - the function details pane end to end in tmux.

Runs the real viewer ($EMBERS) in a private tmux server and checks what a
person sees:
  - the goworkload CPU profile (file names and line numbers) with its
    main.go as --source-dir: the pane on main.sortWork, its gutter figures
    against `embers source --format csv` (and the text output, which uses
    the same formatter), hot-line jumps, and Esc back to the table;
  - google/pprof sample.cpu without a repository: one line saying why,
    the per-line table against `embers source --format csv`;
  - the stand-in for raw.githubusercontent.com (tests/source/rawserver.py,
    loopback): the file fetched through --github-raw-url, repository and
    ref from the profile's labels, the ref edited in the pane, and a slow
    fetch that shows a spinner, leaves the keys working and is cancelled
    with Esc.
Prints TAP. Skips when tmux is missing."""

import csv
import io
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "source"))
sys.path.insert(0, HERE)
import pprofgen  # noqa: E402
from rawserver import RawServer  # noqa: E402
import tmuxlib  # noqa: E402
from tmuxlib import EMBERS, TESTDATA, H, ok, keys, literal, wait_for, run_main  # noqa: E402

GOWORK = os.path.join(TESTDATA, "source", "goworkload.cpu.pb.gz")
GOWORK_SRC = os.path.join(TESTDATA, "source", "goworkload")
SAMPLE = os.path.join(TESTDATA, "corpus", "public", "google__pprof", "sample.cpu")
VBAR = "\u2502"


def wait_text(s, timeout=15.0, stable=True):
    """Wait for s on a settled screen (stable=False while a spinner turns)."""
    return tmuxlib.wait_text(s, timeout, stable)


def info(text):
    return text.split("\n")[H - 1]


def head(text, label):
    """The header row with that label (first column, 12 wide)."""
    for line in text.split("\n"):
        if line.startswith("%-12s" % label):
            return line
    return ""


def clean_env(tmpdir, extra=None):
    """The shell's environment, the cache under tmpdir too."""
    e = {"XDG_CACHE_HOME": os.path.join(tmpdir, "cache")}
    e.update(extra or {})
    return tmuxlib.clean_env(tmpdir, e)


class Session(tmuxlib.Shell):
    """A shell in a tmux pane from which the viewer is started."""

    def __init__(self, tmpdir):
        super().__init__(tmpdir, clean_env(tmpdir))

    def start(self, args, ready="? help"):
        self.run("%s %s; echo EMBERS-EXIT $?" % (EMBERS, args))
        return wait_text(ready)

    def quit(self):
        keys("C-c")
        return tmuxlib.wait_exit()


def embers_source(*args):
    p = subprocess.run([EMBERS, "source"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=clean_env(TMP), timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def csv_rows(out, func):
    """{line: (self, total)} of func from `embers source --format csv`."""
    rows = list(csv.reader(io.StringIO(out)))
    return {int(r[2]): (int(r[3]), int(r[4])) for r in rows[1:] if r[0] == func}


def text_rows(out):
    """{line: (self, total)} as strings from `embers source` text output."""
    res = {}
    for line in out.split("\n"):
        m = re.match(r"^\s*(\S+)\s+(\S+)\s+(\d+):", line)
        if m:
            res[int(m.group(3))] = (m.group(1), m.group(2))
    return res


def gutter_rows(text):
    """{line: (self, total)} of the source rows with figures on screen."""
    res = {}
    for line in text.split("\n"):
        m = re.match(r"^\s*(\S+)\s+(\S+)\s+(\d+) " + VBAR, line)
        if m:
            res[int(m.group(3))] = (m.group(1), m.group(2))
    return res


def table_rows(text):
    """{line: (self, total)} of the per-line table on screen."""
    res = {}
    for line in text.split("\n"):
        if VBAR in line or not re.match(r"^\s*\d+\s+\S+\s+\S+(\s|$)", line):
            continue
        for m in re.finditer(r"(\d+)\s+(\S+)\s+(\S+)", line):
            res[int(m.group(1))] = (m.group(2), m.group(3))
    return res


UNITS = {"ns": 1, "us": 1e3, "\u00b5s": 1e3, "ms": 1e6, "s": 1e9, "min": 60e9, "h": 3600e9}


def parse_ns(s):
    if s == ".":
        return 0
    m = re.match(r"^([0-9.]+)(ns|us|\u00b5s|ms|s|min|h)$", s)
    if not m:
        return None
    return float(m.group(1)) * UNITS[m.group(2)]


def close_to(shown, exact):
    """A figure as shown (3 significant digits) against the raw integer."""
    v = parse_ns(shown)
    return v is not None and abs(v - exact) <= 0.005 * exact + 1


def open_on(name):
    """From the first screen: the table, filtered to name, then d."""
    keys("w", "f")
    literal("^%s$" % name)
    keys("Enter")
    wait_text("functions match")
    keys("d")


# ---- local checkout ---------------------------------------------------------------

def local_checkout(s):
    rc, out_csv = embers_source("--format", "csv", "--offline", "--source-dir", GOWORK_SRC,
                                GOWORK, "main.sortWork$")
    want = csv_rows(out_csv, "main.sortWork")
    rc2, out_text = embers_source("--offline", "--source-dir", GOWORK_SRC, GOWORK, "main.sortWork$")
    want_text = text_rows(out_text)
    ok(rc == 0 and rc2 == 0 and len(want) == 22, "embers source: 22 rows of main.sortWork", out_csv)

    s.start("--offline --source-dir %s %s" % (GOWORK_SRC, GOWORK))
    open_on("main.sortWork")
    text = wait_text("main.go, 481 lines")
    ls = text.split("\n")
    ok(ls[0].startswith("main.sortWork"), "the pane opens on main.sortWork", text)
    ok("/home/dev/goworkload/main.go" in head(text, "file"), "file from the profile", text)
    ok(head(text, "source").endswith("goworkload/main.go") or
       "goworkload/main.go" in head(text, "source"), "source from --source-dir", text)
    ok("total 6.10s (28.14%)" in head(text, "all"), "all occurrences: 6.10s, 28.14%", text)

    shown = gutter_rows(text)
    common = sorted(set(shown) & set(want))
    ok(len(common) >= 15 and 170 in common and 179 in common,
       "the function's lines are on screen (%d of %d)" % (len(common), len(want)), text)
    bad = [(ln, shown[ln], want[ln]) for ln in common
           if not (close_to(shown[ln][0], want[ln][0]) and close_to(shown[ln][1], want[ln][1]))]
    ok(not bad, "gutter figures = embers source --format csv (%d lines)" % len(common), bad)
    bad = [(ln, shown[ln], want_text.get(ln)) for ln in common if shown[ln] != want_text.get(ln)]
    ok(not bad, "and the same strings as its text output", bad)
    ok(shown.get(179) == (".", "2.90s") and shown.get(170) == ("20.0ms", "2.26s"),
       "179: . 2.90s; 170: 20.0ms 2.26s", shown)
    table = table_rows(text)
    weighted = {ln: v for ln, v in want.items() if v != (0, 0)}
    ok(sorted(table) == sorted(weighted) and
       all(close_to(table[ln][0], weighted[ln][0]) and close_to(table[ln][1], weighted[ln][1])
           for ln in weighted), "per-line table = the csv rows with samples", (table, weighted))
    ok("line 170 " in info(text) and "hot line 2 of 6" in info(text),
       "opened at the hottest line (most self)", info(text))

    keys("n")
    text = wait_text("line 172 ")
    ok("line 172 " in info(text) and "total 370ms" in info(text), "n: next hot line 172", info(text))
    keys("n", "n", "n")
    text = wait_text("line 179 ")
    ok("hot line 6 of 6" in info(text), "n n n: the last one, 179", info(text))
    keys("N")
    text = wait_text("line 178 ")
    ok("line 178 " in info(text), "N: back to 178", info(text))
    keys("G")
    text = wait_text("line 481 ")
    ok(" 481 " + VBAR in text and 170 not in gutter_rows(text), "G: the end of the file", text)
    keys("Escape")
    text = wait_for(lambda t: "main.go, 481 lines" not in t)
    ok("main.go, 481 lines" not in text and "row 1 of 1" in info(text) and
       "main.sortWork" in info(text), "Esc: back to the table, same row", text)
    s.quit()


def no_source(s):
    rc, out_csv = embers_source("--format", "csv", "--offline", "--sample-type", "cpu", SAMPLE,
                                "busyLoop")
    want = {ln: v for ln, v in csv_rows(out_csv, "main.busyLoop").items() if v != (0, 0)}
    ok(rc == 0 and sorted(want) == [32, 35, 36, 37], "embers source: busyLoop rows", out_csv)
    s.start("--offline -t cpu %s" % SAMPLE)
    open_on("main.busyLoop")
    text = wait_text("cannot be had")
    ok("cannot be had: 'sample.go': no repository to look in" in head(text, "source"),
       "one line saying why", text)
    ok(sum("cannot be had" in l for l in text.split("\n")) == 1, "only one", text)
    table = table_rows(text)
    ok(sorted(table) == sorted(want) and
       all(close_to(table[ln][0], want[ln][0]) and close_to(table[ln][1], want[ln][1])
           for ln in want), "the per-line table is still there, = csv", (table, want))
    s.quit()


# ---- the stand-in for GitHub --------------------------------------------------------

def github(s, tmpdir):
    with open(os.path.join(GOWORK_SRC, "main.go"), "rb") as f:
        main_go = f.read()
    files = {
        "/acme/shop/main/goworkload/main.go": main_go,
        "/acme/shop/main/svc/handler.go": "package main\n\n// main\nfunc handler() {}\n",
        "/acme/shop/v2/svc/handler.go": "package main\n\n// v2\nfunc handler() { v2() }\n",
    }
    prof = os.path.join(tmpdir, "labels.pb.gz")
    with open(prof, "wb") as f:
        f.write(pprofgen.make([("cpu", "nanoseconds")],
                              [([[("main.main", "/app/svc/main.go", 10, 8)],
                                 [("main.handler", "/app/svc/handler.go", 4, 4)]], [7000000])],
                              {"service_repository": "https://github.com/acme/shop",
                               "service_git_ref": "main", "service_root_path": "svc"}))
    with RawServer(files, slow_seconds=20) as srv:
        # the slow answer comes after the fetch was cancelled: a broken
        # pipe that is no error here
        srv.httpd.handle_error = lambda request, address: None
        # the goworkload file through --github-raw-url and --repo/--ref
        s.start("--github-raw-url %s --repo https://github.com/acme/shop --ref main %s"
                % (srv.url, GOWORK))
        open_on("main.sortWork")
        text = wait_text("main.go, 481 lines")
        ok("github.com/acme/shop" in head(text, "source") and "goworkload/main.go" in
           head(text, "source"), "fetched from the stand-in server", text)
        ok(gutter_rows(text).get(179) == (".", "2.90s"), "same gutter as from the checkout", text)
        ok(os.path.isdir(os.path.join(tmpdir, "cache", "embers")), "and cached")
        s.quit()

        # repository, ref and root path from the profile's labels; the ref edited
        srv.clear()
        s.start("--github-raw-url %s %s" % (srv.url, prof))
        open_on("main.handler")
        text = wait_text("handler.go, 4 lines")
        ok("https://github.com/acme/shop   ref main   root svc" in head(text, "repository"),
           "repository, ref and root path from the labels", text)
        ok("// main" in text and " 4 " + VBAR + " func handler() {}" in text,
           "the file at ref main", text)
        keys("c")
        text = wait_text("ref: main")
        ok("ref: main" in info(text), "c: the ref prompt holds the current ref", info(text))
        keys("C-u")
        literal("v2")
        keys("Enter")
        text = wait_text("// v2")
        ok("ref v2" in head(text, "repository") and "func handler() { v2() }" in text,
           "the edited ref is looked up again", text)
        ok("/acme/shop/v2/svc/handler.go" in [p for p, _ in srv.requests()],
           "from the new ref", srv.requests())
        s.quit()

        # a slow server: spinner, keys still work, Esc cancels
        s.start("--github-raw-url %s --repo https://github.com/slow/shop %s" % (srv.url, GOWORK))
        open_on("main.sortWork")
        text = wait_text("looking up", stable=False)
        ok("Esc cancels" in head(text, "source"), "a spinner while it fetches", text)
        first = head(text, "source")[:14]
        keys("n")
        text = wait_text("line 172 ", timeout=3, stable=False)
        ok("line 172 " in info(text), "keys work meanwhile (n)", info(text))
        text = wait_for(lambda t: head(t, "source")[:14] != first, timeout=3)
        ok(head(text, "source")[:14] != first, "the spinner turns", head(text, "source"))
        t0 = time.time()
        keys("Escape")
        text = wait_text("cannot be had: cancelled", timeout=10)
        ok("cannot be had: cancelled" in head(text, "source") and time.time() - t0 < 5,
           "Esc cancels the fetch (%.1f s)" % (time.time() - t0), text)
        ok(text.split("\n")[0].startswith("main.sortWork"), "the pane stays", text)
        keys("Escape")
        text = wait_for(lambda t: "row 1 of 1" in info(t))
        ok("row 1 of 1" in info(text), "a second Esc closes it", text)
        text = s.quit()
        ok("EMBERS-EXIT 130" in text, "quits normally afterwards", text)


def refused_repo(s, tmpdir):
    """A repository the lookup refuses (GitLab, from the labels) does not
    cost the local checkout: the pane warns and looks without it."""
    d = os.path.join(tmpdir, "checkout")
    os.makedirs(os.path.join(d, "svc"), exist_ok=True)
    with open(os.path.join(d, "svc", "handler.go"), "w") as f:
        f.write("package main\n\n// local\nfunc handler() {}\n")
    prof = os.path.join(tmpdir, "gitlab.pb.gz")
    with open(prof, "wb") as f:
        f.write(pprofgen.make([("cpu", "nanoseconds")],
                              [([[("main.main", "/app/svc/main.go", 10, 8)],
                                 [("main.handler", "/app/svc/handler.go", 4, 4)]], [7000000])],
                              {"service_repository": "https://gitlab.com/acme/shop"}))
    s.start("--offline --source-dir %s %s" % (d, prof))
    open_on("main.handler")
    text = wait_text("handler.go, 4 lines")
    ok("// local" in text and " 4 " + VBAR + " func handler() {}" in text,
       "the file from --source-dir", text)
    ok("only GitHub repositories" in head(text, "warning") and
       "looking without the repository" in head(text, "warning"), "a warning about the repository",
       text)
    s.quit()


def main():
    def body(tmpdir):
        global TMP
        TMP = tmpdir
        s = Session(TMP)
        local_checkout(s)
        no_source(s)
        github(s, TMP)
        refused_repo(s, TMP)
    return run_main(body, "embers-srcpane-")


TMP = None

if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""test_server_diff_tui.py - the diff of two queries in the server viewer
(embers --url), end to end in tmux against tests/server/fake_pyroscope.py
(127.0.0.1, ephemeral port, data anchored at the current minute, TZ UTC).

What a person does and sees: marking A and B on the timeline ([ < A, then
{ [ < B) opens the diff of the two ranges, both shown on the timeline's
axis, the server asked for exactly those ranges; 3 (last hour), c and
"before" compare the last hour with the hour before: the diff view with
its legend, the two queries in the header, the table's top row the one
`embers diff --url` prints first for the same pair, v the two flame graphs
titled with query, range and total, Esc back to the query's own view; a
second selector over the same range (c, "selector"); an error on one side
(a regex the server refuses) is one line naming it and the view answers;
? shows how to get back; q quits. Prints TAP; skips without tmux."""

import csv
import io
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
sys.path.insert(0, HERE)
import tmuxlib  # noqa: E402
from tmuxlib import EMBERS, H, ok, screen, keys, literal, shq, exited, run_main  # noqa: E402
from fakeserver import CPU, CHECKOUT, FakeServer, client_env  # noqa: E402

EXITED = re.compile(r"EMBERS-EXIT \d")
FIB = '{service_name="fib"}'
DASH = "\u2013"


def wait_for(pred, timeout=20.0):
    """Poll the screen until pred(text) holds on a settled screen; a crash
    (the exit marker) fails fast."""
    return tmuxlib.poll(screen, pred, timeout, give_up=EXITED.search, settle=True)


def wait_text(s, timeout=20.0):
    return wait_for(lambda t: s in t, timeout)


def idle(text):
    return "Esc cancels" not in text.split("\n")[0]


def head(text):
    return text.split("\n")[0]


def last(text):
    return (text.split("\n") + [""] * H)[H - 1]


def in_diff(text):
    return head(text).startswith(" diff  A: ") and idle(text) and "grew" in text


def axis(text):
    return (text.split("\n") + [""] * H)[4]


def merges(srv, n0):
    """The sides asked for since request n0: [(selector, start, end)]."""
    out = []
    for r in srv.requests()[n0:]:
        q = r.get("request") or {}
        if r["method"] == "SelectMergeProfile":
            out.append((q.get("labelSelector", ""), int(q.get("start", 0)), int(q.get("end", 0))))
    return out


def cli_first(url, base, new, n):
    """The first n functions of `embers diff --url` for the pair of
    (selector, start, end)."""
    r = subprocess.run([EMBERS, "diff", "--url", url, "--profile-type", CPU,
                        "--query", new[0], "--from", str(new[1]), "--to", str(new[2]),
                        "--base-query", base[0], "--base-from", str(base[1]),
                        "--base-to", str(base[2]), "--format", "csv",
                        "--limit", str(n)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, env=client_env(), timeout=60)
    rows = list(csv.reader(io.StringIO(r.stdout)))
    return [x[0] for x in rows[1:]] if r.returncode == 0 else None


def table_first(text, n):
    """The functions of the diff table's first n rows (names at column 72,
    cut with an ellipsis when long)."""
    ls = text.split("\n")
    for i, l in enumerate(ls):
        if l.startswith("base self") and "function" in l:
            return [re.sub(r"^\[[+-]\]", "", x[72:].strip()).rstrip("\u2026")
                    for x in ls[i + 1:i + 1 + n]]
    return None


class Session(tmuxlib.Shell):
    def __init__(self, tmpdir):
        super().__init__(tmpdir, {"TZ": "UTC"})

    def start(self, *args):
        self.run(" ".join(shq(a) for a in [EMBERS] + list(args)) + "; echo EMBERS-EXIT $?")


def test_marks(s, srv):
    s.start("--url", srv.url, "-q", CHECKOUT, "--profile-type", CPU)
    text = wait_for(lambda t: "cpu (nanoseconds)" in t and idle(t) and "timeline, 31s" in t)
    ok("last 1h" in head(text), "the query's own view of the last hour", text)
    keys("[")
    for _ in range(10):
        keys("<")
    keys("A")
    text = wait_text("A (baseline): ")
    ok(last(text).startswith('A (baseline): {service_name="checkout"} ') and "mark B" in last(text),
       "[ < A: the status says what was marked and what next", text)
    ok("A" in axis(text), "A shows on the timeline's axis", text)
    n0 = len(srv.requests())
    keys("{", "{", "[")
    for _ in range(10):
        keys("<")
    keys("B")
    text = wait_for(in_diff)
    ok(in_diff(text), "{ [ < B: the diff of the two ranges opens", text)
    m = re.match(r' diff  A: \{service_name="checkout"\} (\S+)%s(\S+)  vs  B: '
                 r'\{service_name="checkout"\} (\S+)%s(\S+)' % (DASH, DASH), head(text))
    ok(m is not None, "the header names both queries and ranges", text)
    ax = axis(text)
    ok("A" in ax and "B" in ax and ax.index("B") < ax.index("A"),
       "A and B on the axis, B left of A", text)
    sides = merges(srv, n0)
    ok(len(sides) == 2 and all(e - b == 11 * 31000 for _, b, e in sides) and
       sorted(b for _, b, _ in sides)[1] - sorted(b for _, b, _ in sides)[0] >= 20 * 31000,
       "the server was asked for two 11-bucket ranges (%s)" % sides, text)
    keys("q")
    text = wait_for(lambda t: "last 1h" in head(t))
    ok("last 1h" in head(text) and "checkout │ cpu (nanoseconds)" in text,
       "q: back to the query's own view", text)


def test_before(s, srv):
    keys("3")
    text = wait_for(lambda t: "last 1h" in head(t) and idle(t) and "cpu (nanoseconds)" in t)
    keys("c")
    text = wait_text("this range vs the one before it")
    ok("this range vs 24 h earlier" in text and "this range vs a week earlier" in text and
       "this range with another selector" in text and "the marked A vs B" in text,
       "c: the compare menu", text)
    n0 = len(srv.requests())
    literal("before")
    keys("Enter")
    text = wait_for(in_diff)
    ok(in_diff(text), "before: the diff view", text)
    st = text.split("\n")[H - 2]
    ok("grew" in st and "shrank" in st and "[+]added" in st and "normalised" in st,
       "the legend in the status line", text)
    sides = merges(srv, n0)
    hour = 3600 * 1000
    ok(len(sides) == 2 and sides[0][1] != sides[1][1] and
       all(e - b == hour for _, b, e in sides) and
       abs(max(b for _, b, _ in sides) - min(e for _, _, e in sides)) == 0,
       "the last hour and the hour just before it were asked for", sides)
    keys("b")
    text = wait_text("base is now B")
    ok(head(text).startswith(" diff  B: ") and "(swapped)" in head(text),
       "b: the header names the base first, B now", text)
    keys("b")
    keys("v")
    text = wait_for(lambda t: "> new: B " in t and "base: A " in t)
    ok("> new: B {service_name=\"checkout\"}" in text and "| total " in text,
       "v: both flame graphs, titled with query, range and total", text)
    keys("Escape")
    text = wait_for(lambda t: "last 1h" in head(t))
    ok(head(text).startswith(' {service_name="checkout"} │ process_cpu:cpu │ last 1h') and
       "checkout │ cpu (nanoseconds)" in text, "Esc: back to the query's own view", text)


def test_selector(s, srv):
    keys("c")
    wait_text("this range with another selector")
    literal("selector")
    keys("Enter")
    text = wait_text("baseline selector: ")
    ok(last(text).startswith('baseline selector: {service_name="checkout"}'),
       "another selector: the current one to edit", text)
    keys("C-u")
    literal(FIB)
    n0 = len(srv.requests())
    keys("Enter")
    text = wait_for(lambda t: in_diff(t) and "fib" in head(t))
    ok(head(text).startswith(' diff  A: {service_name="fib"} ') and
       'B: {service_name="checkout"}' in head(text), "fib (baseline) vs checkout", text)
    ok("[+]" in text and "[-]" in text, "functions of one side only are marked", text)
    sides = merges(srv, n0)
    base = [x for x in sides if x[0] == FIB]
    new = [x for x in sides if x[0] == CHECKOUT]
    want = cli_first(srv.url, base[0], new[0], 3) if len(sides) == 2 and base and new else None
    got = table_first(text, 3)
    ok(want is not None and got is not None and len(want) == 3 and
       all(w.startswith(g) and g for w, g in zip(want, got)),
       "the table's top rows are those of embers diff --url for the pair (%s / %s)"
       % (got, want), text)

    # one side failing: a regex the server refuses, in the baseline
    keys("c")
    wait_text("this range with another selector")
    literal("selector")
    keys("Enter")
    wait_text("baseline selector: ")
    keys("C-u")
    literal('{env=~"("}')
    keys("Enter")
    text = wait_for(lambda t: last(t).startswith("baseline: ") and idle(t))
    ok(last(text).startswith("baseline: ") and "regular expression" in last(text),
       "an error on one side: one line naming it", text)
    ok(head(text).startswith(' diff  A: {service_name="fib"}'), "the last diff stays", text)
    keys("?")
    text = wait_text("q or Esc: back to the query")
    ok("q or Esc: back to the query" in text, "? shows the diff keys and how to get back", text)
    keys("q")
    text = wait_for(lambda t: "q or Esc: back" not in t)
    keys("q")
    text = wait_for(lambda t: "last 1h" in head(t))
    ok("last 1h" in head(text), "q: back to the query", text)
    keys("q")
    text = tmuxlib.poll(screen, exited, 10)
    ok("EMBERS-EXIT 0" in text, "q quits (status 0)", text)


def main():
    def body(tmpdir):
        try:
            srv = FakeServer(tmpdir)
            s = Session(tmpdir)
            test_marks(s, srv)
            test_before(s, srv)
            test_selector(s, srv)
        finally:
            FakeServer.stop_all()
    return run_main(body, "embers-srvdiff-tmux-")


if __name__ == "__main__":
    sys.exit(main())

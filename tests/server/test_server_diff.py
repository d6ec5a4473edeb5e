#!/usr/bin/env python3
"""test_server_diff.py - `embers diff` with server sides, against
tests/server/fake_pyroscope.py on 127.0.0.1 (ephemeral port):

  - two time ranges (--compare previous, --compare DURATION, --base-from/
    --base-to), two label selectors, a mix, and a file against the server:
    the CSV table must hold what `embers top --url ... --format csv` says of
    each side on its own;
  - the issue's key check: the diff flame graph made here from two merged
    profiles (--format flamegraph-json, em_diff_flamegraph) equals the
    server's Diff RPC reply for the same pair node by node, at several
    max_nodes;
  - errors: an unreachable server, a Connect error on one side, sides that
    are the same query: one line, exit 1 (server) or 2 (usage).
TAP output.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
sys.path.insert(0, HERE)
from emtest import Tap, EMBERS, TESTDATA  # noqa: E402
import pb  # noqa: E402
from fakeserver import (NOW, CPU, CHECKOUT, FakeServer, client_env,  # noqa: E402
                        closed_port)

PROD = '{env="prod"}'
DEV = '{env="dev"}'
CHECKOUT_FILE = os.path.join(TESTDATA, "corpus/public/laixintao__flameshow/profile-10seconds.out")

tap = Tap()
TMP = tempfile.mkdtemp(prefix="embers-srvdiff-test-")


def at(minutes_before_now):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ",
                         time.gmtime((NOW - minutes_before_now * 60000) // 1000))


def ms(minutes_before_now):
    return NOW - minutes_before_now * 60000


class Res:
    def __init__(self, p):
        self.rc = p.returncode
        self.out = p.stdout.decode("utf-8", "replace")
        self.err = p.stderr.decode("utf-8", "replace")

    def __repr__(self):
        return "rc=%d\nstdout=%s\nstderr=%s" % (self.rc, self.out[:800], self.err[:800])


def embers(*args):
    env = client_env()
    env["XDG_CONFIG_HOME"] = os.path.join(TMP, "noconfig")
    p = subprocess.run([EMBERS] + [str(a) for a in args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=120)
    return Res(p)


def csv_rows(text):
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def top(*src):
    """{function: (self, total)} of one side, from `embers top`."""
    r = embers("top", *src, "--format", "csv", "--limit", "0")
    head, rows = csv_rows(r.out)
    assert r.rc == 0 and head[0] == "function", r
    return {x[0]: (int(x[1]), int(x[2])) for x in rows}


def expected(base, new):
    out = {}
    for name in set(base) | set(new):
        bs, bt = base.get(name, (0, 0))
        ns, nt = new.get(name, (0, 0))
        if bs or bt or ns or nt:
            out[name] = (bs, bt, ns, nt)
    return out


def diff_csv(*args):
    r = embers("diff", *args, "--format", "csv", "--limit", "0")
    if r.rc != 0:
        return None, r
    head, rows = csv_rows(r.out)
    if head != ["function", "base_self", "base_total", "new_self", "new_total"]:
        return None, r
    return {x[0]: tuple(int(v) for v in x[1:]) for x in rows}, r


def check_table(name, diff_args, base_src, new_src):
    got, r = diff_csv(*diff_args)
    want = expected(top(*base_src), top(*new_src))
    ok = got == want and len(want) > 0
    diag = r if got is None else "\n".join(
        "%s: got %r want %r" % (k, got.get(k), want.get(k))
        for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k))
    tap.ok(ok, name, diag or "no rows")
    return got


def srv(s, query, start, end):
    return ["--url", s.url, "--query", query, "--from", at(start), "--to", at(end)]


def test_tables(s):
    new = srv(s, CHECKOUT, 60, 0)
    got = check_table("--compare previous: the hour before against the last hour",
                      new + ["--compare", "previous"], srv(s, CHECKOUT, 120, 60), new)
    sides = top(*srv(s, CHECKOUT, 120, 60)), top(*new)
    tap.ok(got is not None and sides[0] != sides[1],
           "the two ranges differ (weights), so the check can fail")
    new = srv(s, PROD, 40, 10)
    check_table("--compare 30m: the same range 30 minutes earlier",
                new + ["--compare", "30m"], srv(s, PROD, 70, 40), new)
    check_table("--base-from/--base-to: any other range",
                new + ["--base-from", at(100), "--base-to", at(75)],
                srv(s, PROD, 100, 75), new)
    new = srv(s, PROD, 90, 30)
    got = check_table("two label selectors over the same range (env=dev vs env=prod)",
                      new + ["--base-query", DEV], srv(s, DEV, 90, 30), new)
    tap.ok(got is not None and any(v[0] == v[1] == 0 for v in got.values()) and
           any(v[2] == v[3] == 0 for v in got.values()),
           "functions on one side only are rows with zeros on the other")
    check_table("a mix: another selector and another range",
                new + ["--base-query", CHECKOUT, "--compare", "1h"],
                srv(s, CHECKOUT, 150, 90), new)
    new = srv(s, CHECKOUT, 3, 0)
    check_table("a file as the base against the server's query",
                [CHECKOUT_FILE] + new, [CHECKOUT_FILE, "--sample-type", "cpu"], new)
    r = embers("diff", *srv(s, CHECKOUT, 60, 0), "--compare", "previous", "--limit", "3")
    lines = r.out.splitlines()
    tap.ok(r.rc == 0 and len(lines) == 7 and
           lines[0].startswith("Base " + CHECKOUT + " 2024-05-01T10:00:00Z..2024-05-01T11:00:00Z")
           and lines[1].startswith("New  " + CHECKOUT + " 2024-05-01T11:00:00Z.."),
           "the text table names each side by selector and range", r)
    before = s.methods().count("SelectMergeProfile")
    embers("diff", *srv(s, PROD, 60, 0), "--base-query", DEV, "--format", "csv")
    tap.is_eq(s.methods().count("SelectMergeProfile") - before, 2,
              "each side is one SelectMergeProfile call")


def post(url, method, body):
    req = urllib.request.Request(url + "/querier.v1.QuerierService/" + method, data=body,
                                 method="POST", headers={"Content-Type": "application/proto"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=60) as resp:
        return resp.read()


def server_diff(s, left, right, max_nodes):
    """The Diff RPC's FlameGraphDiff for (selector, start, end) pairs."""
    def side(q):
        return {"profile_typeID": CPU, "label_selector": q[0], "start": ms(q[1]),
                "end": ms(q[2]), "max_nodes": max_nodes}
    body = post(s.url, "Diff", pb.encode("DiffRequest", {"left": side(left),
                                                          "right": side(right)}))
    fg = pb.decode("DiffResponse", body)["flamegraph"]
    return {"names": list(fg.get("names", [])),
            "levels": [list(lv.get("values", [])) for lv in fg.get("levels", [])],
            "total": fg.get("total", 0), "maxSelf": fg.get("max_self", 0),
            "leftTicks": fg.get("leftTicks", 0), "rightTicks": fg.get("rightTicks", 0)}


def local_diff(s, left, right, max_nodes):
    args = ["diff", "--url", s.url, "--query", right[0], "--from", at(right[1]),
            "--to", at(right[2]), "--base-query", left[0], "--base-from", at(left[1]),
            "--base-to", at(left[2]), "--format", "flamegraph-json"]
    if max_nodes:
        args += ["--max-nodes", max_nodes]
    r = embers(*args)
    return (json.loads(r.out) if r.rc == 0 else None), r


def resolved(fg):
    """Levels with the name index replaced by the name: the name table's
    order is an encoding detail (Pyroscope numbers names in the order it
    visits nodes, right to left), the nodes are what must agree."""
    names = fg["names"]
    out = []
    for row in fg["levels"]:
        row = row["values"] if isinstance(row, dict) else row
        out.append([tuple(row[j:j + 6]) + (names[row[j + 6]],) for j in range(0, len(row), 7)])
    return {"levels": out, "total": fg["total"], "maxSelf": fg["maxSelf"],
            "leftTicks": fg["leftTicks"], "rightTicks": fg["rightTicks"],
            "names": sorted(names)}


def first_difference(got, want):
    for k in want:
        if k == "levels":
            continue
        if got.get(k) != want[k]:
            return "%s: got %r want %r" % (k, got.get(k), want[k])
    gl, wl = got.get("levels", []), want["levels"]
    if len(gl) != len(wl):
        return "%d levels, want %d" % (len(gl), len(wl))
    for i, (g, w) in enumerate(zip(gl, wl)):
        for j in range(max(len(g), len(w))):
            if g[j:j + 1] != w[j:j + 1]:
                return "level %d node %d: got %r want %r" % (i, j, g[j:j + 1], w[j:j + 1])
    return None


def test_against_rpc(s):
    pairs = [("two ranges", (CHECKOUT, 120, 60), (CHECKOUT, 60, 0)),
             ("two label sets", (DEV, 90, 30), (PROD, 90, 30)),
             ("a mix", (CHECKOUT, 100, 70), (PROD, 40, 0))]
    for what, left, right in pairs:
        for max_nodes in (0, 200, 40, 7):
            want = resolved(server_diff(s, left, right, max_nodes))
            got, r = local_diff(s, left, right, max_nodes)
            got = got and resolved(got)
            nodes = sum(len(x) for x in want["levels"])
            name = ("%s, max_nodes %s: the local diff flame graph equals the Diff RPC's "
                    "(%d nodes)" % (what, max_nodes or "default", nodes))
            tap.ok(got is not None and got == want and nodes > 1 and want["leftTicks"] > 0
                   and want["rightTicks"] > 0, name,
                   r if got is None else first_difference(got, want))
    want = resolved(server_diff(s, (CHECKOUT, 60, 0), (CHECKOUT, 120, 60), 40))
    got, r = local_diff(s, (CHECKOUT, 120, 60), (CHECKOUT, 60, 0), 40)
    tap.ok(got is not None and resolved(got) != want, "swapped sides differ (the check "
           "can fail)", r)
    other = [n for n in want["names"] if n == "other"]
    tap.ok(other, "max_nodes 40 cuts nodes into 'other'", want["names"][:10])


def test_errors(s):
    r = embers("diff", "--url", "http://127.0.0.1:%d" % closed_port(), "--query", CHECKOUT,
               "--compare", "previous")
    tap.ok(r.rc == 1 and len(r.err.splitlines()) == 1 and r.out == "",
           "an unreachable server: one line, exit 1", r)
    r = embers("diff", *srv(s, PROD, 60, 0), "--base-query", '{env="dev"')
    tap.ok(r.rc == 1 and len(r.err.splitlines()) == 1 and "base side: " in r.err
           and r.out == "", "a Connect error on the base side: one line naming it, exit 1", r)
    r = embers("diff", *srv(s, '{env=}', 60, 0), "--base-query", PROD)
    tap.ok(r.rc == 1 and len(r.err.splitlines()) == 1 and "new side: " in r.err and r.out == "",
           "a Connect error on the new side: one line naming it, exit 1", r)
    r = embers("diff", *srv(s, PROD, 60, 0))
    tap.ok(r.rc == 2 and "same query" in r.err, "both sides the same query: usage error", r)
    r = embers("diff", *srv(s, PROD, 60, 0), "--compare", "sideways")
    tap.ok(r.rc == 2 and "--compare" in r.err, "a bad --compare: usage error", r)
    r = embers("diff", *srv(s, PROD, 60, 0), "--compare", "1h", "--base-from", at(200))
    tap.ok(r.rc == 2 and "not both" in r.err, "--compare with --base-from: usage error", r)
    r = embers("diff", CHECKOUT_FILE, CHECKOUT_FILE, *srv(s, PROD, 60, 0))
    tap.ok(r.rc == 2 and "not both" in r.err, "two files and a server: usage error", r)
    r = embers("diff", CHECKOUT_FILE, *srv(s, PROD, 60, 0), "--base-query", DEV)
    tap.ok(r.rc == 2 and len(r.err.splitlines()) >= 1, "a BASE file with --base-query: "
           "usage error", r)


def main():
    s = None
    try:
        s = FakeServer(TMP, now=NOW)
        test_tables(s)
        test_against_rpc(s)
        test_errors(s)
    finally:
        if s is not None:
            s.stop()
        shutil.rmtree(TMP, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""test_diff.py - `embers diff` and `embers top --base` on real and synthetic data.

Real pair: two runs of the same Node.js workload (tests/data/corpus/generated/
node-workload/node-wall-cpu.pb.gz as base, tests/data/diff/node-wall-lines.pb.gz
as new), whose per-function figures come from the pprof library (the oracle
top.<i>.<type>.tsv files): the diff CSV must be exactly the union of the two
oracle tables, in the order computed here from those figures. A differential
folded file ("stack before after") is made here from the two oracle folded
files; comparing it must give the same table. Synthetic pprof profiles
(emtest.make_pprof) cover functions on one side only, odd names, recursion and
zero totals.
"""
import gzip
import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emtest import (TESTDATA, Tap, expected_top, make_pprof,  # noqa: E402
                    parse_csv, run)

BASE = os.path.join(TESTDATA, "corpus", "generated", "node-workload", "node-wall-cpu.pb.gz")
BASE_ORACLE = os.path.join(TESTDATA, "oracle", "generated", "node-workload",
                           "node-wall-cpu.pb.gz")
NEW = os.path.join(TESTDATA, "diff", "node-wall-lines.pb.gz")
NEW_ORACLE = os.path.join(TESTDATA, "diff", "node-wall-lines")
HEADER = [b"function", b"base_self", b"base_total", b"new_self", b"new_total"]


def oracle_top(path):
    """({name: (self, total)}, total) from a top.<i>.<type>.tsv."""
    table, total = {}, None
    with open(path, "rb") as f:
        for line in f.read().split(b"\n"):
            if line.startswith(b"#"):
                for word in line.split():
                    if word.startswith(b"total="):
                        total = int(word[6:])
                continue
            if line:
                flat, cum, name = line.split(b"\t", 2)
                table[name] = (int(flat), int(cum))
    return table, total


def union(base, new):
    """{name: (base_self, base_total, new_self, new_total)}."""
    out = {}
    for name in set(base) | set(new):
        b, n = base.get(name, (0, 0)), new.get(name, (0, 0))
        out[name] = (b[0], b[1], n[0], n[1])
    return out


def csv_rows(out):
    rows = parse_csv(out)
    return rows[0] if rows else None, [
        (r[0], (int(r[1]), int(r[2]), int(r[3]), int(r[4]))) for r in rows[1:]]


def share(v, total):
    return v / total if total else 0.0


def expected_order(table, btot, ntot, col):
    """Names by the change of column col (0 self, 1 total), largest growth
    first, ties by name: what em_diff_top_sort does."""
    def key(item):
        name, v = item
        d = share(v[2 + col], ntot) - share(v[col], btot)
        return (-d, name)
    return [name for name, _ in sorted(table.items(), key=key)]


def one_error(tap, r, name, must):
    lines = r.err_lines()
    return tap.ok(r.rc == 2 and r.out == b"" and len(lines) >= 1 and
                  lines[0].startswith("embers: ") and must in lines[0], name, r)


def test_real_pair(tap):
    for i, tname in ((1, "wall"), (0, "sample")):
        base, btot = oracle_top(os.path.join(BASE_ORACLE, "top.%d.%s.tsv" % (i, tname)))
        new, ntot = oracle_top(NEW_ORACLE + ".top.%d.%s.tsv" % (i, tname))
        want = union(base, new)
        args = ["diff", "--format", "csv", "--limit", "0"]
        if tname != "wall":  # wall is NEW's default type
            args += ["--sample-type", tname]
        r = run(*(args + [BASE, NEW]))
        tap.ok(r.rc == 0 and r.err == b"", "diff csv exits 0, quietly: " + tname, r)
        head, rows = csv_rows(r.out)
        tap.is_eq(head, HEADER, "csv header: " + tname)
        tap.ok(dict(rows) == want and len(rows) == len(want),
               "csv = union of the two pprof-library tables (%d functions): %s"
               % (len(want), tname),
               sorted(set(dict(rows).items()) ^ set(want.items()))[:10])
        tap.ok(any(v[1] == 0 for v in want.values()) and
               any(v[3] == 0 for v in want.values()),
               "the pair has functions on one side only: " + tname)
        tap.is_eq([n for n, _ in rows], expected_order(want, btot, ntot, 0),
                  "default order: self change, largest growth first: " + tname)
        r = run(*(args + ["--sort", "total", BASE, NEW]))
        tap.is_eq([n for n, _ in csv_rows(r.out)[1]], expected_order(want, btot, ntot, 1),
                  "--sort total: total change, largest growth first: " + tname)
        r = run(*(args + ["--sort", "name", BASE, NEW]))
        tap.is_eq([n for n, _ in csv_rows(r.out)[1]], sorted(want),
                  "--sort name: " + tname)

        r = run("diff", "--format", "json", "--limit", "0", "--sample-type", tname, BASE, NEW)
        try:
            j = json.loads(r.out)
        except ValueError as e:
            tap.ok(False, "json parses: " + tname, "%s %r" % (e, r))
            continue
        tap.ok(j["base_total"] == btot and j["new_total"] == ntot and
               j["base"]["type"] == tname and j["new"]["type"] == tname and
               j["scale"] == "normalised", "json totals and types: " + tname, j)
        good = len(j["functions"]) == len(want)
        for f in j["functions"]:
            v = want.get(f["name"].encode("utf-8"))
            status = "added" if v and v[1] == 0 else "removed" if v and v[3] == 0 else "both"
            good = good and v is not None and \
                (f["base_self"], f["base_total"], f["new_self"], f["new_total"]) == v and \
                f["status"] == status and \
                abs(f["self_change"] - (share(v[2], ntot) - share(v[0], btot))) < 1e-12 and \
                abs(f["new_total_share"] - share(v[3], ntot)) < 1e-12
        tap.ok(good, "json rows: figures, status, shares and changes: " + tname)

    r = run("diff", "--format", "json", "--absolute", "--limit", "0", BASE, NEW)
    j = json.loads(r.out)
    tap.ok(j["scale"] == "absolute" and all(
        f["self_change"] == f["new_self"] - f["base_self"] and
        f["total_change"] == f["new_total"] - f["base_total"] for f in j["functions"]),
        "--absolute: changes are raw differences")
    sc = [f["self_change"] for f in j["functions"]]
    tap.ok(sc == sorted(sc, reverse=True), "--absolute: sorted by raw self change")

    r = run("diff", "--limit", "5", BASE, NEW)
    lines = r.out.decode().splitlines()
    tap.ok(r.rc == 0 and len(lines) == 4 + 5 and lines[0].startswith("Base ") and
           lines[1].startswith("New ") and "largest growth first" in lines[2] and
           "base self%" in lines[3] and "pp " in lines[4], "text: header and 5 rows", r)
    r = run("diff", "--limit", "0", BASE, NEW)
    text = r.out.decode()
    added = [n for n, v in union(*(oracle_top(p)[0] for p in (
        os.path.join(BASE_ORACLE, "top.1.wall.tsv"), NEW_ORACLE + ".top.1.wall.tsv"))).items()
        if v[1] == 0]
    tap.ok(all((" %s (added)\n" % n.decode()) in text for n in added),
           "text: functions only in new are marked (added)")


def differential_folded(base_folded, new_folded):
    """'stack before after' lines from two folded files (bytes)."""
    def parse(data):
        out = {}
        for line in data.split(b"\n"):
            if line:
                stack, v = line.rsplit(b" ", 1)
                out[stack] = out.get(stack, 0) + int(v)
        return out
    b, n = parse(base_folded), parse(new_folded)
    return b"".join(b"%s %d %d\n" % (s, b.get(s, 0), n.get(s, 0))
                    for s in sorted(set(b) | set(n)))


def test_differential_file(tap, tmp):
    with gzip.open(os.path.join(BASE_ORACLE, "folded.1.wall.txt.gz")) as f:
        bf = f.read()
    with gzip.open(NEW_ORACLE + ".folded.1.wall.txt.gz") as f:
        nf = f.read()
    path = os.path.join(tmp, "wall-diff.folded")
    with open(path, "wb") as f:
        f.write(differential_folded(bf, nf))
    two = run("diff", "--format", "csv", "--limit", "0", BASE, NEW)
    one = run("diff", "--format", "csv", "--limit", "0", path)
    tap.ok(one.rc == 0 and one.err == b"", "differential folded file: exits 0", one)
    tap.ok(one.out == two.out and len(one.out) > 1000,
           "differential folded file: before/after give the same table as the two "
           "profiles", "%r\n%r" % (one.out[:300], two.out[:300]))
    j = json.loads(run("diff", "--format", "json", path).out)
    tap.ok(j["base"]["type"] == "before" and j["new"]["type"] == "after",
           "differential folded file: before is the base, after the new")
    r = run("diff", "--sample-type", "after", path)
    one_error(tap, r, "--sample-type with one file is a usage error", "needs two files")
    r = run("diff", BASE)
    one_error(tap, r, "one ordinary file is a usage error", "not a differential folded file")


SYN_TYPES = [("samples", "count"), ("space", "bytes")]
SYN_BASE = [
    (["main", "parse", "lex"], [5, 500]),
    (["main", "parse"], [3, 300]),
    (["main", "gone"], [4, 400]),             # only in base
    (["main", "rec", "rec", "rec"], [2, 200]),
    (["main", "comma,name"], [1, 100]),
]
SYN_NEW = [
    (["main", "parse", "lex"], [9, 900]),
    (["main", "fresh"], [6, 600]),            # only in new
    (["main", "rec", "rec"], [4, 400]),
    (["main", 'quote"name', "new\nline"], [2, 200]),
    (["main", "comma,name"], [1, 100]),
]


def test_synthetic(tap, tmp):
    bpath, npath = os.path.join(tmp, "syn-base.pb.gz"), os.path.join(tmp, "syn-new.pb.gz")
    with open(bpath, "wb") as f:
        f.write(make_pprof(SYN_TYPES, SYN_BASE))
    with open(npath, "wb") as f:
        f.write(make_pprof(SYN_TYPES, SYN_NEW))
    for t in (0, 1):
        want = union(expected_top(SYN_BASE, t), expected_top(SYN_NEW, t))
        r = run("diff", "--format", "csv", "--limit", "0", "--sample-type", str(t), bpath, npath)
        head, rows = csv_rows(r.out)
        tap.ok(r.rc == 0 and head == HEADER and dict(rows) == want and len(rows) == len(want),
               "synthetic type %d: figures computed independently, recursion once, "
               "quoted names" % t, r)
        btot = sum(v[t] for _, v in SYN_BASE)
        ntot = sum(v[t] for _, v in SYN_NEW)
        tap.is_eq([n for n, _ in rows], expected_order(want, btot, ntot, 0),
                  "synthetic type %d: order" % t)
    r = run("diff", "--limit", "0", bpath, npath)
    text = r.out
    tap.ok(b" fresh (added)\n" in text and b" gone (removed)\n" in text and
           b" new\\nline (added)\n" in text, "text: added/removed marks, escaped names", r)

    # zero total on one side: shares are 0, nothing divides by zero
    zpath = os.path.join(tmp, "syn-zero.pb.gz")
    zero = [(s, [0, 0]) for s, _ in SYN_BASE]
    with open(zpath, "wb") as f:
        f.write(make_pprof(SYN_TYPES, zero))
    for args in ([], ["--absolute"]):
        for fmt in ("text", "json", "csv"):
            r = run("diff", "--format", fmt, "--limit", "0", *(args + [zpath, npath]))
            low = r.out.lower()
            tap.ok(r.rc == 0 and b"nan" not in low and b"inf" not in low,
                   "zero base total %s %s: no nan or inf" % (fmt, " ".join(args)), r)
        r = run("diff", "--format", "json", "--limit", "0", *(args + [npath, zpath]))
        j = json.loads(r.out)
        tap.ok(j["new_total"] == 0 and all(f["status"] == "removed" and
               f["new_self_share"] == 0 for f in j["functions"]),
               "zero new total %s: every function removed, shares 0" % " ".join(args))
    r = run("diff", "--format", "csv", zpath, zpath)
    tap.ok(r.rc == 0 and r.out == b"function,base_self,base_total,new_self,new_total\n",
           "both totals zero: header only", r)


def test_top_base(tap):
    r = run("top", "--base", BASE, "--format", "csv", "--limit", "0", NEW)
    d = run("diff", "--format", "csv", "--limit", "0", BASE, NEW)
    tap.ok(r.rc == 0 and r.out.startswith(
        b"function,base_self,base_total,new_self,new_total\n"),
        "top --base csv: the diff header", r)
    tap.ok(r.out == d.out, "top --base csv = diff csv")
    r = run("top", "--base", BASE, "--format", "csv", "--sort", "total", "--limit", "7", NEW)
    d = run("diff", "--format", "csv", "--sort", "total", "--limit", "7", BASE, NEW)
    tap.ok(r.rc == 0 and r.out == d.out and len(parse_csv(r.out)) == 8,
           "top --base --sort total --limit 7 = diff --sort total", r)
    r = run("top", "--base", BASE, "--sample-type", "sample", "--format", "json", NEW)
    tap.ok(r.rc == 0 and json.loads(r.out)["base"]["type"] == "sample",
           "top --base --sample-type", r)


def test_errors(tap, tmp):
    one_error(tap, run("diff"), "no file: usage error", "no profile file given")
    one_error(tap, run("diff", BASE, NEW, NEW), "three files: usage error", "too many")
    one_error(tap, run("diff", "--sort", "bogus", BASE, NEW), "unknown sort", "unknown sort")
    one_error(tap, run("diff", "--format", "xml", BASE, NEW), "unknown format", "unknown format")
    one_error(tap, run("diff", "--sample-type", "nope", BASE, NEW), "unknown sample type",
              "unknown sample type 'nope'")
    one_error(tap, run("diff", BASE, os.path.join(tmp, "missing.pb")), "missing file",
              "missing.pb")
    one_error(tap, run("diff", "-", "-"), "stdin twice", "standard input")
    folded = os.path.join(tmp, "plain.folded")
    with open(folded, "wb") as f:
        f.write(b"main;a 3\nmain;b 4\n")
    r = run("diff", "--format", "csv", folded, NEW)
    lines = r.err_lines()
    tap.ok(r.rc == 0 and len(lines) == 1 and "warning" in lines[0] and "'samples'" in lines[0],
           "different sample types: one warning line, still compared", r)
    r = run("help", "diff")
    tap.ok(r.rc == 0 and b"--absolute" in r.out and b"before" in r.out, "help diff", r)
    r = run("--help")
    tap.ok(b"  diff " in r.out, "diff is in the command list", r)


def main():
    tap = Tap()
    with tempfile.TemporaryDirectory() as tmp:
        test_real_pair(tap)
        test_differential_file(tap, tmp)
        test_synthetic(tap, tmp)
        test_top_base(tap)
        test_errors(tap, tmp)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""test_oracle.py - embers against the pprof library, for every sample type.

For each profile in tests/data/corpus that has expected outputs in
tests/data/oracle/<same path>/ (made with the Go pprof library, see
tests/data/README.md), and for EVERY sample type i listed in stats.json:
  * `embers top --format csv --limit 0 --sample-type i FILE` gives exactly the
    functions, self and total of top.<i>.<type>.tsv;
  * `embers top --format json` gives the type's exact total;
  * `embers export --format folded --sample-type i FILE` equals
    folded.<i>.<type>.txt byte for byte.
"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emtest import (TESTDATA, Tap, csv_top, oracle_escape, read_maybe_gz,  # noqa: E402
                    run)


def oracle_top(path):
    """{name: (flat, cum)} from a top.<i>.<type>.tsv."""
    table = {}
    with open(path, "rb") as f:
        for line in f.read().split(b"\n"):
            if not line or line.startswith(b"#"):
                continue
            flat, cum, name = line.split(b"\t", 2)
            table[name] = (int(flat), int(cum))
    return table


def diff_tables(got, want):
    lines = []
    for name in sorted(set(got) | set(want)):
        if got.get(name) != want.get(name):
            lines.append("%r: got %r want %r" % (name, got.get(name), want.get(name)))
    return "\n".join(lines[:20]) + ("\n... %d differences" % len(lines) if len(lines) > 20 else "")


def first_diff(got, want):
    g, w = got.split(b"\n"), want.split(b"\n")
    for i in range(max(len(g), len(w))):
        a = g[i] if i < len(g) else None
        b = w[i] if i < len(w) else None
        if a != b:
            return "line %d:\ngot:  %r\nwant: %r\n(%d vs %d lines)" % (
                i + 1, a and a[:300], b and b[:300], len(g), len(w))
    return ""


def check_type(tap, prof, odir, st, rel):
    i, tname = st["index"], st["type"]
    label = "%s type %d (%s)" % (rel, i, tname)
    tsv = os.path.join(odir, st.get("top_tsv") or "top.%d.%s.tsv" % (i, tname))
    r = run("top", "--format", "csv", "--limit", "0", "--sample-type", str(i), prof)
    if not tap.ok(r.rc == 0, "top csv exits 0: " + label, r):
        tap.ok(False, "top figures: " + label, "no output")
    else:
        header, got = csv_top(r.out)
        got = {oracle_escape(k): v for k, v in got.items()}
        want = oracle_top(tsv)
        tap.ok(header == [b"function", b"self", b"total"] and got == want,
               "top self/total of %d functions: %s" % (len(want), label),
               "header %r\n" % (header,) + diff_tables(got, want))

    r = run("top", "--format", "json", "--limit", "1", "--sample-type", str(i), prof)
    total = None
    if r.rc == 0:
        try:
            total = json.loads(r.out.decode("utf-8"))["total"]
        except (ValueError, KeyError) as e:
            total = "bad json: %s" % e
    tap.is_eq(total, st["total"], "json total: " + label)

    folded = st.get("folded_file")
    if not folded:
        return
    fpath = os.path.join(odir, folded)
    if not os.path.exists(fpath) and not os.path.exists(fpath + ".gz"):
        tap.skip("folded stacks: " + label, "no expected folded file copied")
        return
    want = read_maybe_gz(fpath)
    r = run("export", "--format", "folded", "--sample-type", str(i), prof)
    tap.ok(r.rc == 0 and r.out == want, "folded stacks: " + label,
           repr(r) if r.rc != 0 else first_diff(r.out, want))


def check_other(tap, prof, odir, stats, rel):
    """Folded and flamebearer inputs: top.tsv (self, total per frame; the
    flamebearer one includes the synthetic root "total") and the total."""
    if "envelope" in stats:
        usable = stats.get("format") == "single"
        total = stats.get("numTicks")
    else:
        usable = (stats.get("format") in ("standard", "bracketed") and
                  not stats.get("fractional_lines") and not stats.get("differential_mode"))
        total = stats.get("total")
    if not usable or not os.path.exists(os.path.join(odir, "top.tsv")):
        tap.skip("top of " + rel, "not a single-type integer profile")
        return
    want = oracle_top(os.path.join(odir, "top.tsv"))
    if "envelope" in stats:
        want.pop(b"total", None)
    r = run("top", "--format", "csv", "--limit", "0", prof)
    if not tap.ok(r.rc == 0, "top csv exits 0: " + rel, r):
        return
    got = {oracle_escape(k): v for k, v in csv_top(r.out)[1].items()}
    tap.ok(got == want, "top self/total of %d functions: %s" % (len(want), rel),
           diff_tables(got, want))
    r = run("top", "--format", "json", "--limit", "1", prof)
    try:
        got_total = json.loads(r.out.decode("utf-8"))["total"]
    except (ValueError, KeyError) as e:
        got_total = "rc %d, bad json: %s" % (r.rc, e)
    tap.is_eq(got_total, total, "json total: " + rel)


def main():
    tap = Tap()
    oroot = os.path.join(TESTDATA, "oracle")
    croot = os.path.join(TESTDATA, "corpus")
    for dirpath, _, files in sorted(os.walk(oroot)):
        if "stats.json" not in files:
            continue
        rel = os.path.relpath(dirpath, oroot)
        prof = os.path.join(croot, rel)
        with open(os.path.join(dirpath, "stats.json"), encoding="utf-8") as f:
            stats = json.load(f)
        if not tap.ok(os.path.isfile(prof), "profile present: " + rel):
            continue
        if "sample_types" not in stats:
            check_other(tap, prof, dirpath, stats, rel)
            continue
        types = stats.get("sample_types") or []
        tap.ok(len(types) > 0, "oracle lists sample types: " + rel)
        for st in types:
            check_type(tap, prof, dirpath, st, rel)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())

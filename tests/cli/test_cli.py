#!/usr/bin/env python3
"""test_cli.py - the embers command line: help, top, export, exit codes.

Runs $EMBERS on tests/data/corpus/public/google__pprof/sample.cpu and on
synthetic pprof profiles encoded here (emtest.make_pprof) whose figures are
computed independently in Python, with names that need quoting (comma,
quote, tab, newline, invalid UTF-8).
"""
import gzip
import json
import os
import pty
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emtest import (EMBERS, TESTDATA, Tap, csv_top, expected_top,  # noqa: E402
                    make_pprof, parse_csv, run)

SAMPLE = os.path.join(TESTDATA, "corpus", "public", "google__pprof", "sample.cpu")
HEAP = os.path.join(TESTDATA, "corpus", "public", "laixintao__flameshow", "heap.out")
LEGACY_TEXT = os.path.join(TESTDATA, "corpus", "public", "google__pprof", "java.heap")
LEGACY_BIN = os.path.join(TESTDATA, "corpus", "public", "google__pprof", "gobench.cpu")

TYPES = [("samples", "count"), ("cpu", "nanoseconds")]
ODD = [
    ("main", "comma,name", "leaf"),
    ("main", 'quote"name'),
    ("main", "tab\tname"),
    ("main", "new\nline", "cr\rname"),
    ("main", b"bad\xff\xfeutf8"),
    ("main", "caf\u00e9", "recurse", "recurse", "recurse"),
    ("main", "zero"),
]
ODD_STACKS = [
    (list(ODD[0]), [3, 30]),
    (list(ODD[1]), [5, 50]),
    (list(ODD[2]), [7, 70]),
    (list(ODD[3]), [2, 20]),
    (list(ODD[4]), [11, 110]),
    (list(ODD[5]), [13, 130]),
    (list(ODD[6]), [0, 0]),
    (["main"], [1, 10]),
]
# 25 functions (for the default limit of 20), distinct self values.
WIDE_STACKS = [(["root", "f%02d" % i], [i + 1, (i + 1) * 1000]) for i in range(24)]


def one_error_line(tap, r, rc, name, must_contain=None):
    lines = r.err_lines()
    good = (r.rc == rc and len(lines) == 1 and lines[0].startswith("embers: ")
            and r.out == b"")
    if must_contain is not None:
        good = good and must_contain in lines[0]
    return tap.ok(good, name, r)


def test_help(tap):
    r = run("--version")
    tap.ok(r.rc == 0 and re.fullmatch(rb"embers \d+\.\d+\.\d+\n", r.out) is not None,
           "--version prints 'embers X.Y.Z'", r)
    r = run("--help")
    text = r.out.decode()
    tap.ok(r.rc == 0 and "top" in text and "export" in text and "help" in text,
           "--help lists the commands", r)
    r = run("help", "top")
    text = r.out.decode()
    tap.ok(r.rc == 0 and text.startswith("usage: embers top [options] FILE") and
           all(o in text for o in ("--sample-type", "--sort", "--limit", "--format")),
           "help top shows usage and every option", r)
    r2 = run("top", "--help")
    tap.is_eq(r2.out, r.out, "top --help equals help top")
    r = run("help", "export")
    text = r.out.decode()
    tap.ok(r.rc == 0 and all(o in text for o in ("--format", "--sample-type", "-o")),
           "help export shows its options", r)
    r = run("help", "nosuch")
    tap.ok(r.rc == 2 and r.err_lines()[:1] == ["embers: unknown command 'nosuch'"],
           "help of an unknown command is a usage error", r)
    r = run("top", "--bogus", SAMPLE)
    tap.is_eq((r.rc, r.err_lines()),
              (2, ["embers: unknown option '--bogus'", "usage: embers top [options] FILE"]),
              "unknown option: message and usage line, exit 2")
    r = run("top", "--format", SAMPLE)
    tap.ok(r.rc == 2 and "unknown format" in r.err.decode(), "--format takes the next word", r)
    r = run("top", "--limit")
    tap.ok(r.rc == 2 and r.err_lines()[:1] == ["embers: option '--limit' requires a value"],
           "missing option value", r)
    r = run("top")
    tap.ok(r.rc == 2 and len(r.err_lines()) == 2, "top without a file is a usage error", r)
    r = run("top", SAMPLE, SAMPLE)
    tap.ok(r.rc == 2, "two files are a usage error", r)


def test_csv_json_text(tap, odd):
    r = run("top", "--format", "csv", "--limit", "0", "--sample-type", "cpu", odd)
    header, got = csv_top(r.out)
    tap.ok(r.rc == 0 and r.out.startswith(b"function,self,total\n"),
           "csv header is 'function,self,total'", r)
    tap.is_eq(got, expected_top(ODD_STACKS, 1), "csv figures equal the stacks' self/total")
    tap.ok(b'\n"comma,name",0,30\n' in r.out, "csv quotes a field with a comma")
    tap.ok(b'\n"quote""name",50,50\n' in r.out, "csv doubles quotes inside a quoted field")
    tap.ok(b'\n"new\nline",0,20\n' in r.out and b'\n"cr\rname",20,20\n' in r.out,
           "csv quotes fields with LF and CR")
    tap.ok(b"\ntab\tname,70,70\n" in r.out and b"\nmain,10,420\n" in r.out,
           "csv leaves plain fields unquoted")
    tap.ok(b"zero" not in r.out, "functions with no value are left out")

    r = run("top", "--format", "json", "--limit", "0", "--sample-type", "1", odd)
    try:
        doc = json.loads(r.out.decode("utf-8"))
    except ValueError as e:
        doc = None
        tap.ok(False, "json parses (strict UTF-8)", "%s\n%r" % (e, r))
    else:
        tap.ok(True, "json parses (strict UTF-8)")
    if doc is not None:
        tap.is_eq((doc["sample_type"], doc["unit"], doc["total"]),
                  ("cpu", "nanoseconds", 420), "json sample_type, unit and total")
        jt = {f["name"]: (f["self"], f["total"]) for f in doc["functions"]}
        want = {k.decode("utf-8", "replace"): v for k, v in got.items()}
        tap.is_eq(jt, want, "json figures equal csv (invalid UTF-8 as U+FFFD)")
        tap.ok("bad\ufffd\ufffdutf8" in jt and "new\nline" in jt and "tab\tname" in jt,
               "json keeps tab/newline and replaces invalid bytes")

    r = run("top", "--sample-type", "cpu", odd)
    text = r.out.decode("utf-8", "replace")
    lines = text.split("\n")
    tap.ok(r.rc == 0 and lines[0] == "Type: cpu", "text: 'Type:' header line", r)
    tap.ok(re.fullmatch(r"Showing 10 of 10 functions, total \S+", lines[1]) is not None,
           "text: 'Showing N of M functions, total X'", lines[1])
    tap.ok(lines[2].split() == ["self", "self%", "sum%", "total", "total%", "name"],
           "text: column headers", lines[2])
    rows = [ln for ln in lines[3:] if ln]
    tap.is_eq(len(rows), 10, "text: one line per function (names escaped)")
    tap.ok(any(ln.endswith("  tab\\tname") for ln in rows) and
           any(ln.endswith("  new\\nline") for ln in rows) and
           any(ln.endswith("  cr\\rname") for ln in rows),
           "text: tab, newline and CR in names are escaped", "\n".join(rows))
    name_col = {re.match(r"(\s*\S+){5}  ", ln).end() for ln in rows + [lines[2]]}
    tap.ok(len(name_col) == 1, "text: columns are aligned, names start in one column",
           "\n".join(lines[2:]))


def pct(s):
    return float(s.rstrip("%"))


def test_text_figures(tap):
    """Percentages in the text table agree with the raw csv numbers."""
    rc = run("top", "--format", "csv", "--limit", "0", "--sample-type", "cpu", SAMPLE)
    _, table = csv_top(rc.out)
    total = 1760000000
    r = run("top", "--limit", "0", "--sample-type", "cpu", SAMPLE)
    lines = r.out.decode().split("\n")
    tap.ok(r.rc == 0 and lines[1].startswith("Showing %d of %d functions, total " %
                                             (len(table), len(table))),
           "text header counts functions", r)
    bad = []
    running = 0
    for ln in lines[3:]:
        if not ln:
            continue
        cols = ln.split(None, 5)
        name = cols[5].encode()
        s, t = table[name]
        running += s
        for got, want in ((cols[1], s), (cols[2], running), (cols[4], t)):
            if abs(pct(got) - 100.0 * want / total) > 0.06:
                bad.append("%s: %s vs %.4f%%" % (name, got, 100.0 * want / total))
    tap.ok(not bad, "text self%, sum% and total% match the raw figures", "\n".join(bad))
    first = lines[3].split()[0] if len(lines) > 3 and lines[3] else ""
    tap.ok(first != "1280000000" and re.fullmatch(r"[0-9.]+[a-z]+", first) is not None,
           "text values are human readable times (%s)" % first, "\n".join(lines))


def test_sort_limit(tap, wide):
    def names(*args):
        r = run("top", "--format", "csv", "--sample-type", "1", *args)
        return r.rc, [row[0] for row in parse_csv(r.out)[1:]], r

    exp = expected_top(WIDE_STACKS, 1)
    rc, n, r = names(wide)
    tap.ok(rc == 0 and len(n) == 20, "default limit is 20 rows", r)
    rc, n, r = names("--limit", "0", wide)
    tap.is_eq(len(n), 25, "--limit 0 prints all 25 functions")
    by_self = sorted(exp, key=lambda k: (-exp[k][0], -exp[k][1], k))
    tap.is_eq(n, by_self, "default sort is self, descending")
    rc, n, r = names("--limit=3", "--sort=total", wide)
    tap.is_eq(n, [b"root", b"f23", b"f22"], "--sort=total --limit=3")
    rc, n, r = names("--sort", "name", "--limit", "0", wide)
    tap.is_eq(n, sorted(exp), "--sort name is bytewise ascending")
    rc, n, r = names("--sort", "self", "--limit", "5", wide)
    tap.is_eq(n, by_self[:5], "--sort self --limit 5")
    for bad in ("-1", "abc", "3x", "", " 3", "99999999999999999999"):
        r = run("top", "--limit", bad, wide)
        tap.ok(r.rc == 2 and len(r.err_lines()) == 2 and "--limit" in r.err_lines()[0],
               "--limit %r is a usage error" % bad, r)
    r = run("top", "--sort", "size", wide)
    tap.ok(r.rc == 2 and "unknown sort 'size'" in r.err.decode(), "unknown --sort", r)


def test_sample_type(tap, odd):
    a = run("top", "--format", "csv", "--sample-type", "cpu", SAMPLE)
    b = run("top", "--format", "csv", "--sample-type", "1", SAMPLE)
    c = run("top", "--format", "csv", "--sample-type=cpu", SAMPLE)
    d = run("top", "--format", "csv", "--sample-type", "samples", SAMPLE)
    tap.ok(a.rc == 0 and a.out == b.out == c.out and a.out != d.out,
           "--sample-type by name, by index and with '=' agree", (a, b, d))
    _, t0 = csv_top(d.out)
    _, t1 = csv_top(a.out)
    tap.ok(t0 and set(t0) == set(t1) and
           all(t1[k][0] == t0[k][0] * 10000000 for k in t0),
           "sample.cpu: cpu = samples x 10ms for every function")
    dflt = run("top", "--format", "csv", SAMPLE)
    tap.is_eq(dflt.out, a.out, "without default_sample_type the last type is the default "
              "(as go tool pprof)")
    r = run("top", "--sample-type", "nope", SAMPLE)
    one_error_line(tap, r, 2, "unknown sample type: one line, exit 2")
    msg = r.err.decode()
    tap.ok("'%s': unknown sample type 'nope'" % SAMPLE in msg and "'samples'" in msg
           and "'cpu'" in msg, "unknown sample type lists the available ones", msg)
    r = run("top", "--sample-type", "2", SAMPLE)
    tap.ok(r.rc == 2 and "unknown sample type '2'" in r.err.decode(),
           "sample type index out of range", r)


def test_stdin(tap, tmp):
    want = run("top", "--format", "csv", SAMPLE)
    with open(SAMPLE, "rb") as f:
        r = run("top", "--format", "csv", "-", stdin=f)
    tap.ok(r.rc == 0 and r.out == want.out, "'-' reads the profile from stdin", r)
    with open(SAMPLE, "rb") as f:
        raw = gzip.decompress(f.read())
    r = run("top", "--format", "csv", "-", input_bytes=raw)
    tap.ok(r.rc == 0 and r.out == want.out, "stdin without gzip", r)
    r = run("top", "--format", "csv", "--", SAMPLE)
    tap.ok(r.rc == 0 and r.out == want.out, "'--' ends the options", r)


def write(tmp, name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def top_level_fields(raw):
    """[(start, end, wire type, payload length)] of a protobuf's top level."""
    fields, i = [], 0

    def varint(i):
        v, shift = 0, 0
        while True:
            b = raw[i]
            v |= (b & 0x7f) << shift
            i += 1
            shift += 7
            if not b & 0x80:
                return v, i
    while i < len(raw):
        start = i
        key, i = varint(i)
        wire, length = key & 7, 0
        if wire == 0:
            _, i = varint(i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            length, i = varint(i)
            i += length
        else:
            raise ValueError("wire type %d" % wire)
        fields.append((start, i, wire, length))
    return fields


def corrupt_protobuf(raw):
    """A valid prefix, then a key with the invalid wire type 7."""
    cut = top_level_fields(raw)[3][1]
    return raw[:cut] + b"\x0f\x01\x02\x03" + raw[cut:]


def truncate_protobuf(raw):
    """Cut inside the last length-delimited field longer than 4 bytes."""
    start, end, _, _ = [f for f in top_level_fields(raw) if f[2] == 2 and f[3] > 4][-1]
    return raw[:end - 3]


def test_errors(tap, tmp):
    with open(SAMPLE, "rb") as f:
        gz = f.read()
    raw = gzip.decompress(gz)
    rnd = random.Random(42)
    cases = [
        ("missing file", os.path.join(tmp, "does-not-exist.pb.gz")),
        ("directory", tmp),
        ("empty file", write(tmp, "empty.pb", b"")),
        ("truncated gzip", write(tmp, "trunc.pb.gz", gz[:len(gz) // 2])),
        ("gzip with a bad checksum", write(tmp, "crc.pb.gz", gz[:-8] + bytes(
            b ^ 0xff for b in gz[-8:-4]) + gz[-4:])),
        ("corrupt protobuf", write(tmp, "corrupt.pb", corrupt_protobuf(raw))),
        ("truncated protobuf", write(tmp, "trunc.pb", truncate_protobuf(raw))),
        ("PNG image", write(tmp, "image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" +
                            bytes(rnd.randrange(256) for _ in range(200)))),
        ("random bytes", write(tmp, "random.bin", bytes(rnd.randrange(256) for _ in range(4096)))),
        ("legacy pprof text", LEGACY_TEXT),
        ("legacy pprof binary", LEGACY_BIN),
    ]
    for what, path in cases:
        r = run("top", path)
        one_error_line(tap, r, 2, "%s: one error line, exit 2" % what,
                       must_contain="embers: '%s': " % path)
    r = run(os.path.join(tmp, "does-not-exist.pb.gz"))
    tap.ok(r.rc == 2 and len(r.err_lines()) == 1, "embers FILE: missing file, exit 2", r)
    r = run("export", "--format", "folded", os.path.join(tmp, "empty.pb"))
    one_error_line(tap, r, 2, "export of an empty file: one error line, exit 2")


def listing(d):
    return sorted(os.listdir(d))


def test_export(tap, tmp, odd):
    out_dir = os.path.join(tmp, "out")
    os.mkdir(out_dir)
    out = os.path.join(out_dir, "sample.folded")
    want = run("export", "--format", "folded", "--sample-type", "cpu", SAMPLE)
    lines = want.out.decode().splitlines()
    tap.ok(want.rc == 0 and lines and all(re.fullmatch(r".+ -?\d+", ln) for ln in lines)
           and lines == sorted(lines), "export folded to stdout: sorted 'stack value' lines",
           want)
    tap.ok(sum(int(ln.rsplit(" ", 1)[1]) for ln in lines) == 1760000000,
           "folded values add up to the cpu total")
    r = run("export", "--format", "folded", "--sample-type", "cpu", "-o", out, SAMPLE)
    with open(out, "rb") as f:
        got = f.read()
    tap.ok(r.rc == 0 and r.out == b"" and got == want.out,
           "export -o writes the complete file and nothing to stdout", r)
    tap.is_eq(listing(out_dir), ["sample.folded"], "no temporary file is left")

    r = run("export", "--format", "folded", "--sample-type", "nope", "-o", out, SAMPLE)
    with open(out, "rb") as f:
        still = f.read()
    tap.ok(r.rc == 2 and still == want.out and listing(out_dir) == ["sample.folded"],
           "failed export (unknown sample type) keeps the old file, leaves no temp", r)
    new = os.path.join(out_dir, "never.folded")
    r = run("export", "--format", "json", "--sample-type", "nope", "-o", new, SAMPLE)
    tap.ok(r.rc == 2 and not os.path.exists(new) and listing(out_dir) == ["sample.folded"],
           "failed export creates no file", r)
    blocker = write(tmp, "plainfile", b"x")
    r = run("export", "--format", "folded", "-o", os.path.join(blocker, "out"), SAMPLE)
    one_error_line(tap, r, 1, "unwritable output: one error line, exit 1")
    missing_dir = os.path.join(tmp, "no-such-dir", "out.folded")
    r = run("export", "--format", "pprof", "-o", missing_dir, SAMPLE)
    one_error_line(tap, r, 1, "output in a missing directory: one error line, exit 1")
    tap.ok(not os.path.exists(os.path.dirname(missing_dir)), "no directory is created")
    locked = os.path.join(tmp, "locked")
    os.mkdir(locked, 0o555)
    if os.geteuid() == 0:
        tap.skip("read-only directory: exit 1, nothing left", "root may write anywhere")
    else:
        r = run("export", "--format", "folded", "-o", os.path.join(locked, "x"), SAMPLE)
        tap.ok(r.rc == 1 and len(r.err_lines()) == 1 and listing(locked) == [],
               "read-only directory: exit 1, nothing left", r)
    os.chmod(locked, 0o755)
    r = run("export", SAMPLE)
    tap.ok(r.rc == 2 and "--format" in r.err.decode(), "export without --format", r)
    r = run("export", "--format", "svg", SAMPLE)
    tap.ok(r.rc == 2 and "unknown format 'svg'" in r.err.decode(), "unknown export format", r)
    test_roundtrip(tap, out_dir, odd)
    test_tty(tap)


def top_all(path, t):
    r = run("top", "--format", "csv", "--limit", "0", "--sample-type", str(t), path)
    return r.rc, csv_top(r.out)[1]


def test_roundtrip(tap, out_dir, odd):
    for src, ntypes in ((SAMPLE, 2), (HEAP, 4), (odd, 2)):
        base = os.path.basename(src)
        pb = os.path.join(out_dir, base + ".pb.gz")
        r = run("export", "--format", "pprof", "-o", pb, src)
        with open(pb, "rb") as f:
            magic = f.read(2)
        tap.ok(r.rc == 0 and magic == b"\x1f\x8b", "export pprof is gzip: " + base, r)
        for t in range(ntypes):
            a, b = top_all(src, t), top_all(pb, t)
            tap.ok(a[0] == 0 and a == b and a[1],
                   "pprof round trip keeps every function's figures: %s type %d" % (base, t))
        if src == odd:
            continue  # names with ';' or invalid UTF-8 cannot survive folded/JSON
        js = os.path.join(out_dir, base + ".json")
        fo = os.path.join(out_dir, base + ".folded")
        r1 = run("export", "--format", "json", "--sample-type", "1", "-o", js, src)
        r2 = run("export", "--format", "folded", "--sample-type", "1", "-o", fo, src)
        try:
            with open(js, "rb") as f:
                json.loads(f.read().decode("utf-8"))
            parsed = True
        except (ValueError, OSError):
            parsed = False
        tap.ok(r1.rc == 0 and parsed, "export json parses: " + base, r1)
        want = top_all(src, 1)
        tap.ok(want[0] == 0 and top_all(js, 0) == want,
               "json round trip keeps every function's figures: " + base)
        tap.ok(r2.rc == 0 and top_all(fo, 0) == want,
               "folded round trip keeps every function's figures: " + base)


def test_tty(tap):
    """Binary pprof is not written to a terminal."""
    master, slave = pty.openpty()
    try:
        p = subprocess.run([EMBERS, "export", "--format", "pprof", SAMPLE],
                           stdout=slave, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(slave)
    os.set_blocking(master, False)
    try:
        leaked = os.read(master, 4096)
    except (BlockingIOError, OSError):
        leaked = b""
    os.close(master)
    err = p.stderr.decode()
    tap.ok(p.returncode == 2 and leaked == b"" and "terminal" in err and
           len(err.splitlines()) == 1, "export pprof refuses a terminal", (p.returncode, err))


def test_default_command(tap):
    a = run("top", SAMPLE)
    b = run(SAMPLE)
    tap.ok(a.rc == 0 and a.out == b.out,
           "embers FILE prints embers top FILE when stdout is not a terminal")


def main():
    tap = Tap()
    tmp = tempfile.mkdtemp(prefix="embers-cli-")
    try:
        odd = write(tmp, "odd.pb.gz", make_pprof(TYPES, ODD_STACKS))
        wide = write(tmp, "wide.pb", make_pprof(TYPES, WIDE_STACKS, compress=False))
        test_help(tap)
        test_csv_json_text(tap, odd)
        test_text_figures(tap)
        test_sort_limit(tap, wide)
        test_sample_type(tap, odd)
        test_stdin(tap, tmp)
        test_errors(tap, tmp)
        test_export(tap, tmp, odd)
        test_default_command(tap)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())

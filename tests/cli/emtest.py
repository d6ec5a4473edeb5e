"""emtest.py - helpers shared by the Python CLI tests (stdlib only).

TAP output, running $EMBERS, an RFC 4180 CSV parser that works on bytes
(names may hold NUL and invalid UTF-8), the oracle's name escaping, and a
tiny pprof protobuf encoder for synthetic profiles with known figures.
"""
import gzip
import os
import subprocess
import sys

EMBERS = os.environ.get("EMBERS", "embers")
TESTDATA = os.environ.get("TESTDATA") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data")


class Tap:
    """Test Anything Protocol producer: ok(), is_eq(), done().

    escape=False prints names as they are (the tmux tests name frames such
    as (anonymous:L#22)); diag_max=None prints the whole diagnostic (a
    screen capture)."""

    def __init__(self, escape=True, diag_max=30):
        self.n = 0
        self.failed = 0
        self.escape = escape
        self.diag_max = diag_max

    def ok(self, cond, name, diag=None):
        """One point, with diag printed under it when it fails."""
        self.n += 1
        if not cond:
            self.failed += 1
        if self.escape:
            name = name.replace("\n", "\\n").replace("#", "\\#")
        print("%sok %d - %s" % ("" if cond else "not ", self.n, name))
        if not cond and diag:
            for line in str(diag).splitlines()[:self.diag_max]:
                print("#   " + line)
        sys.stdout.flush()
        return cond

    def skip(self, name, reason):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, name.replace("#", "\\#"), reason))
        sys.stdout.flush()

    def is_eq(self, got, want, name):
        return self.ok(got == want, name,
                       "got:  %r\nwant: %r" % (got, want))

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


class Result:
    def __init__(self, rc, out, err):
        self.rc = rc
        self.out = out
        self.err = err

    def err_lines(self):
        return self.err.decode("utf-8", "replace").splitlines()

    def __repr__(self):
        return "rc=%d stdout=%r stderr=%r" % (self.rc, self.out[:400], self.err[:800])


def run(*args, stdin=None, input_bytes=None, timeout=120, cwd=None):
    """Run embers with args; stdout and stderr as bytes."""
    p = subprocess.run([EMBERS] + [str(a) for a in args], stdin=stdin,
                       input=input_bytes, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout, cwd=cwd)
    return Result(p.returncode, p.stdout, p.stderr)


def parse_csv(data):
    """RFC 4180 records from bytes: a list of lists of bytes fields."""
    rows, row, field = [], [], bytearray()
    i, n = 0, len(data)
    quoted = False
    at_start = True
    while i < n:
        c = data[i:i + 1]
        if quoted:
            if c == b'"':
                if data[i + 1:i + 2] == b'"':
                    field += b'"'
                    i += 2
                    continue
                quoted = False
            else:
                field += c
            i += 1
            continue
        if c == b'"' and at_start:
            quoted = True
            at_start = False
        elif c == b',':
            row.append(bytes(field))
            field = bytearray()
            at_start = True
        elif c == b'\n' or c == b'\r':
            if c == b'\r' and data[i + 1:i + 2] == b'\n':
                i += 1
            row.append(bytes(field))
            rows.append(row)
            row, field = [], bytearray()
            at_start = True
        else:
            field += c
            at_start = False
        i += 1
    if field or row:
        row.append(bytes(field))
        rows.append(row)
    return rows


def csv_top(data):
    """{name bytes: (self, total)} and the header from `top --format csv`."""
    rows = parse_csv(data)
    if not rows:
        return None, {}
    table = {}
    for r in rows[1:]:
        if len(r) != 3:
            raise ValueError("csv row with %d fields: %r" % (len(r), r))
        table[r[0]] = (int(r[1]), int(r[2]))
    return rows[0], table


def oracle_escape(name):
    """The oracle writes tab, CR and LF inside names as \\t, \\r, \\n."""
    return name.replace(b"\t", b"\\t").replace(b"\r", b"\\r").replace(b"\n", b"\\n")


def read_maybe_gz(path):
    """The file's bytes, gunzipped when it (or PATH.gz instead) is gzip."""
    if not os.path.exists(path):
        path += ".gz"
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if path.endswith(".gz") else data


# ---- a minimal pprof encoder ---------------------------------------------

def _varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field, wire):
    return _varint((field << 3) | wire)


def _bytes_field(field, payload):
    return _key(field, 2) + _varint(len(payload)) + payload


def _int_field(field, v):
    return _key(field, 0) + _varint(v)


def _packed(field, values):
    return _bytes_field(field, b"".join(_varint(v) for v in values))


def make_pprof(types, stacks, compress=True):
    """types: [(type, unit)]; stacks: [([root, ..., leaf] names as bytes or
    str, [value per type])]. Each function gets one location. Returns the
    encoded (gzip) profile."""
    strings = [b""]
    index = {b"": 0}

    def s(x):
        if isinstance(x, str):
            x = x.encode("utf-8")
        if x not in index:
            index[x] = len(strings)
            strings.append(x)
        return index[x]

    out = bytearray()
    for t, u in types:
        out += _bytes_field(1, _int_field(1, s(t)) + _int_field(2, s(u)))
    func_id = {}
    for names, _ in stacks:
        for name in names:
            key = name.encode("utf-8") if isinstance(name, str) else name
            if key not in func_id:
                func_id[key] = len(func_id) + 1
    for names, values in stacks:
        locs = [func_id[n.encode("utf-8") if isinstance(n, str) else n]
                for n in reversed(names)]
        out += _bytes_field(2, _packed(1, locs) + _packed(2, values))
    for name, fid in func_id.items():
        line = _int_field(1, fid) + _int_field(2, 1)
        out += _bytes_field(4, _int_field(1, fid) + _bytes_field(4, line))
        out += _bytes_field(5, _int_field(1, fid) + _int_field(2, s(name)))
    for x in strings:
        out += _bytes_field(6, x)
    out += _int_field(12, 1)
    data = bytes(out)
    return gzip.compress(data, mtime=0) if compress else data


def expected_top(stacks, t):
    """{name bytes: (self, total)} as go tool pprof -top computes them."""
    res = {}
    for names, values in stacks:
        v = values[t]
        if v == 0:
            continue
        names = [n.encode("utf-8") if isinstance(n, str) else n for n in names]
        for n in set(names):
            a, b = res.get(n, (0, 0))
            res[n] = (a, b + v)
        a, b = res[names[-1]]
        res[names[-1]] = (a + v, b)
    return res

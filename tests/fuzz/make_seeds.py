#!/usr/bin/env python3
"""make_seeds.py - write the hand-made fuzz seeds in tests/fuzz/seeds/.

Run from anywhere: python3 tests/fuzz/make_seeds.py. The seeds are checked
in; this script says how they were made and remakes them identically. Each
targets a corner the corpus files miss: unpacked repeated fields,
inlined frames, lineless locations, drop/keep_frames, labels, negative
values, several gzip members. Python 3 stdlib only.
"""
import gzip
import json
import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, "seeds")


# --- protobuf wire encoding ------------------------------------------------

def varint(v):
    v &= (1 << 64) - 1  # negative int64 as two's complement, 10 bytes
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(num, wt):
    return varint(num << 3 | wt)


def f_varint(num, v):
    return key(num, 0) + varint(v)


def f_bytes(num, b):
    return key(num, 2) + varint(len(b)) + b


def f_packed(num, vals):
    return f_bytes(num, b"".join(varint(v) for v in vals))


def f_unpacked(num, vals):
    return b"".join(f_varint(num, v) for v in vals)


class Strings:
    def __init__(self):
        self.table = [""]

    def __call__(self, s):
        if s not in self.table:
            self.table.append(s)
        return self.table.index(s)

    def encode(self):
        return b"".join(f_bytes(6, s.encode("utf-8", "surrogateescape"))
                        for s in self.table)


def value_type(st, t, u):
    return f_varint(1, st(t)) + f_varint(2, st(u))


def function(fid, name_idx, file_idx=0, start=0):
    return f_varint(1, fid) + f_varint(2, name_idx) + f_varint(4, file_idx) + \
        (f_varint(5, start) if start else b"")


def line(fid, ln):
    return f_varint(1, fid) + f_varint(2, ln)


def location(lid, lines, mapping=0, address=0):
    b = f_varint(1, lid)
    if mapping:
        b += f_varint(2, mapping)
    if address:
        b += f_varint(3, address)
    for fid, ln in lines:  # leaf (inlined) first, caller last, as pprof
        b += f_bytes(4, line(fid, ln))
    return b


def sample(locs, values, labels=(), packed=True):
    enc = f_packed if packed else f_unpacked
    b = enc(1, locs) + enc(2, values)
    for lab in labels:
        b += f_bytes(3, lab)
    return b


def pprof_inline_labels():
    """Inlined frames, unpacked fields, labels, a lineless location with a
    mapping and one without, negative values, default_sample_type."""
    st = Strings()
    funcs = ["main", "run", "work", "inlined_helper", "recurse"]
    out = f_bytes(1, value_type(st, "samples", "count"))
    out += f_bytes(1, value_type(st, "cpu", "nanoseconds"))
    lab_str = f_varint(1, st("thread")) + f_varint(2, st("worker 1"))
    lab_num = f_varint(1, st("bytes")) + f_varint(3, 4096) + f_varint(4, st("bytes"))
    out += f_bytes(2, sample([3, 2, 1], [1, 10000000], [lab_str], packed=False))
    out += f_bytes(2, sample([5, 5, 2, 1], [2, 20000000], [lab_num]))
    out += f_bytes(2, sample([4, 1], [1, -5000000]))
    out += f_bytes(2, sample([6, 2, 1], [3, 30000000]))
    out += f_bytes(2, sample([], [1, 1]))
    out += f_bytes(3, f_varint(1, 1) + f_varint(2, 0x400000) + f_varint(3, 0x500000) +
                   f_varint(5, st("/usr/lib/libfoo.so.1")))
    out += f_bytes(4, location(1, [(1, 10)]))
    out += f_bytes(4, location(2, [(2, 20)]))
    out += f_bytes(4, location(3, [(4, 31), (3, 30)]))  # helper inlined into work
    out += f_bytes(4, location(4, [], mapping=1, address=0x401234))
    out += f_bytes(4, location(5, [(5, 50)]))
    out += f_bytes(4, location(6, [], address=0xdead))
    for i, name in enumerate(funcs, 1):
        out += f_bytes(5, function(i, st(name), st("main.c"), i * 10))
    out += f_varint(9, 1700000000000000000) + f_varint(10, 10000000000)
    out += f_bytes(11, value_type(st, "cpu", "nanoseconds")) + f_varint(12, 10000000)
    out += f_unpacked(13, [st("made by make_seeds.py")])
    out += f_varint(14, st("cpu"))
    return out + st.encode()


def pprof_drop_keep():
    """drop_frames and keep_frames regexps, as Go's runtime writes them."""
    st = Strings()
    names = ["main", "runtime.mallocgc", "runtime.mcall", "app.handler", "bytes.growSlice"]
    out = f_bytes(1, value_type(st, "alloc_space", "bytes"))
    out += f_bytes(2, sample([2, 4, 1], [1024]))
    out += f_bytes(2, sample([3, 1], [2048]))
    out += f_bytes(2, sample([5, 2, 4, 1], [512]))
    for i in range(1, 6):
        out += f_bytes(4, location(i, [(i, i)]))
    for i, name in enumerate(names, 1):
        out += f_bytes(5, function(i, st(name)))
    out += f_varint(7, st("runtime\\..*"))
    out += f_varint(8, st("runtime\\.mcall"))
    return out + st.encode()


def pprof_tables_first():
    """Tables before samples (the order most writers do not use) and a
    string table written before everything."""
    st = Strings()
    for s in ["", "a", "b", "c", "count"]:
        st(s)
    out = st.encode()
    out += f_bytes(5, function(1, 1)) + f_bytes(5, function(2, 2)) + f_bytes(5, function(3, 3))
    out += f_bytes(4, location(1, [(1, 0)])) + f_bytes(4, location(2, [(2, 0)]))
    out += f_bytes(4, location(3, [(3, 0)]))
    out += f_bytes(1, value_type(st, "count", "count"))
    out += f_bytes(2, sample([3, 2, 1], [7])) + f_bytes(2, sample([1], [3]))
    out += f_bytes(2, sample([2, 1], [0]))
    return out


def write(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(d, name), mode) as f:
        f.write(data)


def gz(data):
    # mtime 0 so that the bytes do not change from run to run
    return gzip.compress(data, mtime=0)


FOLDED = "main;run;work 10\nmain;run 5\n\nmain;idle loop;sleep (kernel) 3\nmain;run;work 2\n"
FLAMEBEARER = {
    "version": 1,
    "flamebearer": {
        "names": ["total", "a", "c", "d", "b", "e"],
        "levels": [[0, 4, 0, 0], [0, 4, 0, 1], [0, 1, 0, 4, 0, 3, 2, 2], [0, 1, 1, 5, 2, 1, 1, 3]],
        "numTicks": 4, "maxSelf": 2,
    },
    "metadata": {"format": "single", "spyName": "", "sampleRate": 100,
                 "units": "samples", "name": "cpu"},
    "timeline": None,
}
FLAMEGRAPH = {"flamegraph": {
    "names": ["total", "a", "c", "d", "b", "e"],
    "levels": [{"values": [str(v) for v in lv]} for lv in FLAMEBEARER["flamebearer"]["levels"]],
    "total": "4", "maxSelf": "2"}}


# --- flame graph levels (fuzz_levels.c's own format) -----------------------

def levels(rows, diff=False):
    """rows of groups (4 or 7 ints each) -> the bytes fuzz_levels.c reads;
    name indexes refer to its table: total a b c other a d e f g h i."""
    out = bytearray([(len(rows) - 1) | (0x10 if diff else 0)])
    for row in rows:
        out.append(len(row))
        for group in row:
            for v in group:
                out += varint((v << 1) ^ (v >> 63))
    return bytes(out)


LEVELS_WORKED = [[(0, 4, 0, 0)], [(0, 4, 0, 1)], [(0, 1, 0, 2), (0, 3, 2, 3)],
                 [(0, 1, 1, 7), (2, 1, 1, 6)]]
LEVELS_OTHER_LAST = [[(0, 5, 0, 0)], [(0, 4, 0, 1), (0, 1, 1, 4)],
                     [(0, 3, 2, 3), (0, 1, 0, 2)], [(2, 1, 1, 6), (0, 1, 1, 7)]]
LEVELS_SAME_NAME = [[(0, 4, 0, 0)], [(0, 2, 2, 1), (0, 2, 2, 5)]]
LEVELS_DIFF = [[(0, 2, 0, 0, 4, 0, 0)], [(0, 2, 2, 0, 4, 4, 1)]]


def flamegraph_reply(names, rows, packed=True):
    """A SelectMergeStacktracesResponse holding a FlameGraph (fuzz_flamegraph_pb)."""
    enc = f_packed if packed else f_unpacked
    fg = b"".join(f_bytes(1, n.encode()) for n in names)
    fg += b"".join(f_bytes(2, enc(1, [v for g in row for v in g])) for row in rows)
    fg += f_varint(3, rows[0][0][1])
    return f_bytes(1, fg) + f_bytes(2, b"\x0a\x01x")


FG_NAMES = ["total", "a", "b", "c", "other", "a", "d", "e"]


def main():
    inline = pprof_inline_labels()
    write("pprof", "inline-labels.pb", inline)
    write("pprof", "drop-keep.pb", pprof_drop_keep())
    write("pprof", "tables-first.pb", pprof_tables_first())
    write("read", "inline-labels.pb.gz", gz(inline))
    write("read", "drop-keep.pb", pprof_drop_keep())
    write("read", "folded.txt", FOLDED)
    write("read", "folded.txt.gz", gz(FOLDED.encode()))
    write("read", "flamebearer.json", json.dumps(FLAMEBEARER) + "\n")
    write("read", "flamegraph.json", json.dumps(FLAMEGRAPH) + "\n")
    write("read", "bad-empty", b"")
    write("read", "bad-text", "this is not a profile, just a sentence.\n")
    write("folded", "spaces-blank-lines.txt", FOLDED)
    write("folded", "crlf-deep.txt",
          "".join(";".join("f%d" % k for k in range(i + 1)) + " %d\r\n" % (i + 1)
                  for i in range(40)))
    write("folded", "big-counts.txt",
          "a;b 9223372036854775000\na;c 7\nx 1\n")
    write("flamebearer", "single.json", json.dumps(FLAMEBEARER) + "\n")
    write("flamebearer", "flamegraph.json", json.dumps(FLAMEGRAPH) + "\n")
    write("levels", "worked-example.bin", levels(LEVELS_WORKED))
    write("levels", "other-last.bin", levels(LEVELS_OTHER_LAST))
    write("levels", "same-name-siblings.bin", levels(LEVELS_SAME_NAME))
    write("levels", "diff.bin", levels(LEVELS_DIFF, diff=True))
    write("levels", "bad-child-outside.bin", levels([[(0, 2, 0, 0)], [(1, 2, 2, 1)]]))
    write("flamegraph_pb", "worked-example.pb", flamegraph_reply(FG_NAMES, LEVELS_WORKED))
    write("flamegraph_pb", "other-last-unpacked.pb",
          flamegraph_reply(FG_NAMES, LEVELS_OTHER_LAST, packed=False))
    write("flamegraph_pb", "negative.pb",
          flamegraph_reply(FG_NAMES, [[(0, 2, 0, 0)], [(0, 2, 2, 1)], [(-1, 1, 1, 2)]]))
    write("flamegraph_pb", "no-graph.pb", f_bytes(2, b"\x0a\x01x"))
    write("flamegraph_pb", "bad-cut.pb", flamegraph_reply(FG_NAMES, LEVELS_WORKED)[:-9])
    write("gzip", "one-member.gz", gz(FOLDED.encode()))
    write("gzip", "two-members.gz", gz(b"main;a 1\n") + gz(b"main;b 2\n"))
    write("gzip", "nul-padded.gz", gz(b"main;a 1\n") + b"\0" * 16)
    write("gzip", "empty-content.gz", gz(b""))
    write("gzip", "stored-block.gz", gzip.compress(bytes(range(256)) * 4, compresslevel=0, mtime=0))
    write("gzip", "bad-trailing-garbage.gz", gz(b"main;a 1\n") + b"garbage")
    write("gzip", "bad-truncated.gz", gz(FOLDED.encode())[:-6])
    write("gzip", "bad-not-gzip", b"\x1f\x8c not gzip")
    raw = zlib.compress(b"zlib, not gzip")
    write("gzip", "bad-zlib-stream", raw)


if __name__ == "__main__":
    main()

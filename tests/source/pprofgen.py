"""pprofgen.py - encode small pprof profiles with file names, line numbers,
inlined frames and sample labels (stdlib only), for tests whose figures are
known by construction.

frames: a list of (function name, file, line, start_line) tuples; a stack
is a list of locations, root first, each location a list of frames root
first (several frames = inlining).
"""
import gzip


def _varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field, wire):
    return _varint((field << 3) | wire)


def _bytes(field, payload):
    return _key(field, 2) + _varint(len(payload)) + payload


def _int(field, v):
    return _key(field, 0) + _varint(v)


def _packed(field, values):
    return _bytes(field, b"".join(_varint(v) for v in values))


def make(types, samples, labels=None):
    """types: [(type, unit)]; samples: [(stack, [values])] where stack is a
    list of locations (root first), a location a list of
    (name, file, line, start_line) frames (root first); labels: {key: str}
    put on the first sample. Returns gzip bytes."""
    strings = [b""]
    index = {b"": 0}

    def s(x):
        x = x.encode("utf-8") if isinstance(x, str) else x
        if x not in index:
            index[x] = len(strings)
            strings.append(x)
        return index[x]

    funcs = {}
    locs = {}
    out = bytearray()
    for t, u in types:
        out += _bytes(1, _int(1, s(t)) + _int(2, s(u)))
    for i, (stack, values) in enumerate(samples):
        ids = []
        for loc in stack:
            key = tuple(loc)
            if key not in locs:
                locs[key] = len(locs) + 1
            ids.append(locs[key])
        body = _packed(1, list(reversed(ids))) + _packed(2, values)
        if i == 0 and labels:
            for k, v in labels.items():
                body += _bytes(3, _int(1, s(k)) + _int(2, s(v)))
        out += _bytes(2, body)
    out += _bytes(3, _int(1, 1) + _int(2, 0x1000) + _int(3, 0x2000) + _int(5, s("app")))
    for loc, lid in locs.items():
        body = _int(1, lid) + _int(2, 1) + _int(3, 0x1000 + lid)
        for name, file, line, start in reversed(loc):   # pprof: leaf first
            fkey = (name, file, start)
            if fkey not in funcs:
                funcs[fkey] = len(funcs) + 1
            body += _bytes(4, _int(1, funcs[fkey]) + _int(2, line))
        out += _bytes(4, body)
    for (name, file, start), fid in funcs.items():
        out += _bytes(5, _int(1, fid) + _int(2, s(name)) + _int(3, s(name)) +
                      _int(4, s(file)) + _int(5, start))
    for x in strings:
        out += _bytes(6, x)
    return gzip.compress(bytes(out))

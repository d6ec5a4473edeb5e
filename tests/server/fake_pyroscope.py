#!/usr/bin/env python3
"""fake_pyroscope.py - a small Pyroscope query server for tests and demos.

It speaks the real wire format of querier.v1.QuerierService (Connect unary
over HTTP/1.1): application/proto and application/json bodies, gzip both
ways, Connect JSON errors with the matching HTTP statuses, the X-Scope-OrgID
tenant check and gateway-style basic or bearer auth. It serves real pprof
files, assigned to services, labels and timestamps by a JSON manifest
(tests/server/manifest.json), and answers the way Pyroscope does:
  - SelectSeries buckets a profile at t into the point stamped T when
    T - step < t <= T, T = start, start + step, ... <= end; empty buckets
    give no point;
  - flame graphs are 4-int groups [x delta, total, self, name] per row, the
    delta taken from the end of the previous node of the row, self on the
    left, children in name order; with max_nodes N only nodes whose total
    reaches the N-th largest total are kept, the rest of each parent's
    children fold into "other"; Diff uses 7-int groups;
  - the usual validation errors (missing range, range over the limit,
    bad profile type, bad selector, bad step, max_nodes limits).

Test-only faults, chosen by a path prefix before the RPC path (so a base
URL such as http://127.0.0.1:PORT/_fault/sleep=3 triggers them):
  sleep=S      wait S seconds, then answer normally
  html=CODE    an HTML error page with status CODE, as a proxy sends
  login        a 200 HTML login page
  status=CODE  a bare status with a plain text body
  garbage      200 application/proto that is not a valid message
  badgzip      200 with Content-Encoding gzip and a corrupt body
  redirect     301 to https://example.invalid/

Only stdlib; run with --help for the options (--tenants, --basic-auth,
--bearer, --base-path, --tls-cert, old-server emulations). It prints
"listening on http://HOST:PORT" (https with --tls-cert) once ready.
"""
import argparse
import base64
import gzip
import heapq
import json
import math
import os
import re
import ssl
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pb  # noqa: E402

SERVICE = "/querier.v1.QuerierService/"
DAY_MS = 86400 * 1000
DEFAULT_MAX_NODES = 8192
MAX_NODES_LIMIT = 1048576


class ConnectError(Exception):
    STATUS = {"canceled": 499, "unknown": 500, "invalid_argument": 400,
              "deadline_exceeded": 504, "not_found": 404, "already_exists": 409,
              "permission_denied": 403, "resource_exhausted": 429,
              "failed_precondition": 400, "aborted": 409, "out_of_range": 400,
              "unimplemented": 501, "internal": 500, "unavailable": 503,
              "data_loss": 500, "unauthenticated": 401}

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(msg):
    return ConnectError("invalid_argument", msg)


# ---- durations and times ---------------------------------------------------

def parse_duration(s):
    """Prometheus-style "1h30m" into ms."""
    units = {"y": 365 * DAY_MS, "w": 7 * DAY_MS, "d": DAY_MS, "h": 3600000,
             "m": 60000, "s": 1000, "ms": 1}
    parts = re.findall(r"(\d+)(ms|y|w|d|h|m|s)", s)
    if not parts or "".join(n + u for n, u in parts) != s:
        raise ValueError("bad duration %r" % s)
    return sum(int(n) * units[u] for n, u in parts)


def go_duration(ms):
    """A duration as Go prints it, e.g. 48h0m0s."""
    secs = ms / 1000.0
    h = int(secs // 3600)
    m = int((secs % 3600) // 60)
    s = secs - h * 3600 - m * 60
    s_txt = ("%d" % s) if s == int(s) else ("%g" % s)
    if h:
        return "%dh%dm%ss" % (h, m, s_txt)
    if m:
        return "%dm%ss" % (m, s_txt)
    return "%ss" % s_txt


# ---- pprof -----------------------------------------------------------------

class Pprof:
    """One parsed pprof file."""

    def __init__(self, path):
        raw = open(path, "rb").read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        d = pb.decode("Profile", raw)
        st = pb.get(d, "string_table", "Profile") or [""]
        self.path = path
        self.strings = st

        def s(i):
            return st[i] if 0 <= i < len(st) else ""

        self.types = [(s(t.get("type", 0)), s(t.get("unit", 0)))
                      for t in d.get("sample_type", [])]
        pt = d.get("period_type", {})
        self.period_type = (s(pt.get("type", 0)), s(pt.get("unit", 0)))
        self.period = d.get("period", 0)
        self.functions = {f.get("id", 0): f for f in d.get("function", [])}
        self.mappings = {m.get("id", 0): m for m in d.get("mapping", [])}
        self.locations = {loc.get("id", 0): loc for loc in d.get("location", [])}
        self.samples = []
        for smp in d.get("sample", []):
            labels = tuple(sorted((s(lb.get("key", 0)), s(lb.get("str", 0)))
                                  for lb in smp.get("label", []) if lb.get("str", 0)))
            self.samples.append((tuple(smp.get("location_id", [])),
                                 list(smp.get("value", [])), labels))
        self._names = {}
        self._stacks = {}

    def frames(self, loc_id):
        """Function names of a location, innermost first."""
        if loc_id not in self._names:
            loc = self.locations.get(loc_id, {})
            names = []
            for line in loc.get("line", []):
                f = self.functions.get(line.get("function_id", 0), {})
                names.append(self.strings[f.get("name", 0)])
            if not names:
                names = ["0x%x" % loc.get("address", 0)]
            self._names[loc_id] = names
        return self._names[loc_id]

    def stack(self, loc_ids):
        """Root-first function names of a sample (leaf-first location ids)."""
        st = self._stacks.get(loc_ids)
        if st is None:
            out = []
            for lid in loc_ids:
                out.extend(self.frames(lid))
            out.reverse()
            st = self._stacks[loc_ids] = tuple(out)
        return st


class Row:
    """One series of one profile at one time: what Pyroscope stores."""

    def __init__(self, labels, ts, prof, tidx, weight, sample_labels):
        self.labels = labels
        self.ts = ts
        self.prof = prof
        self.tidx = tidx
        self.weight = weight
        self.sample_labels = sample_labels
        self._stacks = None

    def stacks(self):
        """[(root-first names, value)] of this row's samples."""
        if self._stacks is None:
            self._stacks = [(self.prof.stack(locs), vals[self.tidx] * self.weight)
                            for locs, vals, lbs in self.prof.samples
                            if lbs == self.sample_labels and self.tidx < len(vals)
                            and vals[self.tidx]]
        return self._stacks

    def total(self, call_site=()):
        return sum(v for st, v in self.stacks() if st[:len(call_site)] == call_site)


def load_manifest(path, now_ms):
    with open(path) as f:
        man = json.load(f)
    base = os.path.join(os.path.dirname(os.path.abspath(path)), man.get("data_dir", "."))
    rows = []
    cache = {}
    for ent in man["profiles"]:
        fpath = os.path.join(base, ent["file"])
        prof = cache.get(fpath) or Pprof(fpath)
        cache[fpath] = prof
        every = parse_duration(ent.get("every", "1m"))
        count = int(ent.get("count", 1))
        offset = parse_duration(ent.get("offset", "0s")) if ent.get("offset") else 0
        weights = ent.get("weights", [1])
        name = ent["name"]
        label_sets = sorted({lbs for _, _, lbs in prof.samples})
        for k in range(count):
            ts = now_ms - offset - (count - 1 - k) * every
            w = weights[k % len(weights)]
            for tidx, (st, su) in enumerate(prof.types):
                ptype = ":".join([name, st, su, prof.period_type[0], prof.period_type[1]])
                for lbs in label_sets:
                    labels = {"__name__": name, "__profile_type__": ptype,
                              "__type__": st, "__unit__": su,
                              "__period_type__": prof.period_type[0],
                              "__period_unit__": prof.period_type[1]}
                    labels.update(ent.get("labels", {}))
                    labels.setdefault("service_name", "unknown_service")
                    labels.update(dict(lbs))
                    rows.append(Row(labels, ts, prof, tidx, w, lbs))
    return rows


# ---- selectors -------------------------------------------------------------

SEL_TOKEN = re.compile(r'\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_.:]*)|(?P<str>"(?:[^"\\]|\\.)*"'
                       r"|'(?:[^'\\]|\\.)*'|`[^`]*`)|(?P<op>=~|!~|!=|=)|(?P<punct>[{},]))")


def _unquote(tok):
    if tok[0] == "`":
        return tok[1:-1]
    body = tok[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def parse_selector(sel):
    """A PromQL metric selector into [(name, op, value)]."""
    toks = []
    pos = 0
    sel = sel.strip()
    while pos < len(sel):
        m = SEL_TOKEN.match(sel, pos)
        if not m or m.end() == pos:
            raise invalid("parse error at char %d: unexpected character in selector %r"
                          % (pos + 1, sel))
        pos = m.end()
        kind = m.lastgroup
        toks.append((kind, m.group(kind)))
    matchers = []
    i = 0
    if toks and toks[0][0] == "name":
        matchers.append(("__name__", "=", toks[0][1]))
        i = 1
    if i >= len(toks):
        if matchers:
            return matchers
        raise invalid("parse error: unexpected end of input in selector %r" % sel)
    if toks[i] != ("punct", "{"):
        raise invalid("parse error: expected '{' in selector %r" % sel)
    i += 1
    while i < len(toks) and toks[i] != ("punct", "}"):
        if i + 2 >= len(toks) or toks[i][0] not in ("name", "str") \
                or toks[i + 1][0] != "op" or toks[i + 2][0] != "str":
            raise invalid("parse error: bad label matcher in selector %r" % sel)
        name = toks[i][1] if toks[i][0] == "name" else _unquote(toks[i][1])
        value = _unquote(toks[i + 2][1])
        op = toks[i + 1][1]
        if op in ("=~", "!~"):
            try:
                re.compile(value)
            except re.error as e:
                raise invalid("parse error: invalid regular expression %r: %s" % (value, e))
        matchers.append((name, op, value))
        i += 3
        if i < len(toks) and toks[i] == ("punct", ","):
            i += 1
    if i != len(toks) - 1:
        raise invalid("parse error: unexpected input after '}' in selector %r" % sel)
    return matchers


def matches(labels, matchers):
    for name, op, value in matchers:
        v = labels.get(name, "")
        if op == "=" and v != value:
            return False
        if op == "!=" and v == value:
            return False
        if op == "=~" and not re.fullmatch(value, v):
            return False
        if op == "!~" and re.fullmatch(value, v):
            return False
    return True


def parse_profile_type(pt):
    parts = pt.split(":")
    if len(parts) not in (5, 6):
        raise invalid("profile-type selection must be of the form "
                      "<name>:<sample-type>:<sample-unit>:<period-type>:<period-unit>"
                      "(:delta), got(%d): %r" % (len(parts), pt))
    return ":".join(parts[:5])


# ---- trees and flame graphs ------------------------------------------------

class Node:
    __slots__ = ("name", "self", "total", "children")

    def __init__(self, name):
        self.name = name
        self.self = 0
        self.total = 0
        self.children = {}


def build_tree(stacks):
    root = Node("")
    for names, v in stacks:
        if not names or v == 0:
            continue
        n = root
        n.total += v
        for name in names:
            c = n.children.get(name)
            if c is None:
                c = n.children[name] = Node(name)
            c.total += v
            n = c
        n.self += v
    return root


def _all_nodes(root):
    out = []
    todo = list(root.children.values())
    while todo:
        n = todo.pop()
        out.append(n)
        todo.extend(n.children.values())
    return out


def min_value(totals, max_nodes):
    """The smallest total a node needs to stay: the max_nodes-th largest."""
    if max_nodes < 1 or len(totals) <= max_nodes:
        return 0
    return heapq.nlargest(max_nodes, totals)[-1]


def _kept_children(node, minval, key):
    kept, other = [], []
    for name in sorted(node.children):
        c = node.children[name]
        (kept if key(c) >= minval and name != "other" else other).append(c)
    return kept, other


def flamegraph(root, max_nodes):
    minval = min_value([n.total for n in _all_nodes(root)], max_nodes)
    names, index, levels = ["total"], {"": 0}, []
    max_self = 0

    def name_idx(name):
        if name not in index:
            index[name] = len(names)
            names.append(name)
        return index[name]

    stack = [(root, 0, 0)]
    while stack:  # pre-order, left to right: rows come out sorted by x
        node, level, x = stack.pop()
        if level == len(levels):
            levels.append([])
        levels[level].append([x, node.total, node.self, name_idx(node.name)])
        max_self = max(max_self, node.self)
        kept, other = _kept_children(node, minval, lambda c: c.total)
        cx = x + node.self
        todo = []
        for c in kept:
            todo.append((c, level + 1, cx))
            cx += c.total
        if other:
            o = Node("other")
            o.self = o.total = sum(c.total for c in other)
            todo.append((o, level + 1, cx))
        stack.extend(reversed(todo))
    for row in levels:  # delta-encode x from the end of the previous node
        prev = 0
        for g in row:
            g[0], prev = g[0] - prev, g[0] + g[1]
    return {"names": names, "levels": [{"values": [v for g in row for v in g]}
                                       for row in levels],
            "total": root.total, "max_self": max_self}


def tree_bytes(root, max_nodes):
    """PROFILE_FORMAT_TREE: pre-order name, self, child count (uvarints)."""
    minval = min_value([n.total for n in _all_nodes(root)], max_nodes)
    out = bytearray()
    stack = [root]
    while stack:
        node = stack.pop()
        name = node.name.encode("utf-8", "surrogateescape")
        kept, other = _kept_children(node, minval, lambda c: c.total)
        kids = list(kept)
        if other:
            o = Node("other")
            o.self = o.total = sum(c.total for c in other)
            kids.append(o)
        out += pb.varint(len(name)) + name + pb.varint(node.self) + pb.varint(len(kids))
        stack.extend(kids)  # popped in reverse name order, as Pyroscope writes
    return bytes(out)


class DNode:
    __slots__ = ("name", "ls", "lt", "rs", "rt", "children")

    def __init__(self, name):
        self.name = name
        self.ls = self.lt = self.rs = self.rt = 0
        self.children = {}


def combine(left, right):
    """Align two trees by name: one tree with left and right values."""
    root = DNode("")

    def walk(dst, node, side):
        if side == 0:
            dst.ls += node.self
            dst.lt += node.total
        else:
            dst.rs += node.self
            dst.rt += node.total
        for name, c in node.children.items():
            d = dst.children.get(name)
            if d is None:
                d = dst.children[name] = DNode(name)
            walk(d, c, side)

    walk(root, left, 0)
    walk(root, right, 1)
    return root


def flamegraph_diff(left, right, max_nodes):
    root = combine(left, right)
    # Pyroscope's combineMinValues counts the synthetic root too
    nodes = [root] + _all_nodes(root)
    minval = min_value([max(n.lt, n.rt) for n in nodes], max_nodes)
    names, index, levels = ["total"], {"": 0}, []
    max_self = 0

    def name_idx(name):
        if name not in index:
            index[name] = len(names)
            names.append(name)
        return index[name]

    stack = [(root, 0, 0, 0)]
    while stack:
        node, level, xl, xr = stack.pop()
        if level == len(levels):
            levels.append([])
        levels[level].append([xl, node.lt, node.ls, xr, node.rt, node.rs, name_idx(node.name)])
        max_self = max(max_self, node.ls, node.rs)
        kept, other = _kept_children(node, minval, lambda c: max(c.lt, c.rt))
        cl, cr = xl + node.ls, xr + node.rs
        todo = []
        for c in kept:
            todo.append((c, level + 1, cl, cr))
            cl += c.lt
            cr += c.rt
        if other:
            o = DNode("other")
            o.ls = o.lt = sum(c.lt for c in other)
            o.rs = o.rt = sum(c.rt for c in other)
            todo.append((o, level + 1, cl, cr))
        stack.extend(reversed(todo))
    for row in levels:
        pl = pr = 0
        for g in row:
            g[0], pl = g[0] - pl, g[0] + g[1]
            g[3], pr = g[3] - pr, g[3] + g[4]
    return {"names": names, "levels": [{"values": [v for g in row for v in g]}
                                       for row in levels],
            "total": root.lt + root.rt, "max_self": max_self,
            "leftTicks": root.lt, "rightTicks": root.rt}


# ---- merged pprof ----------------------------------------------------------

class PprofBuilder:
    """Merge samples of several pprof files into one Profile message dict,
    deduplicating functions, mappings and locations by content."""

    def __init__(self, stype, sunit, ptype, punit, period):
        self.strings = [""]
        self.sindex = {"": 0}
        self.funcs, self.maps, self.locs = {}, {}, {}
        self.flist, self.mlist, self.llist = [], [], []
        self.loc_cache = {}
        self.samples = {}
        self.stype = (self.s(stype), self.s(sunit))
        self.ptype = (self.s(ptype), self.s(punit))
        self.period = period

    def s(self, text):
        if text not in self.sindex:
            self.sindex[text] = len(self.strings)
            self.strings.append(text)
        return self.sindex[text]

    def _func(self, prof, fid):
        f = prof.functions.get(fid, {})
        st = prof.strings
        key = tuple(st[f.get(k, 0)] for k in ("name", "system_name", "filename")) + \
            (f.get("start_line", 0),)
        if key not in self.funcs:
            self.funcs[key] = len(self.flist) + 1
            self.flist.append({"id": self.funcs[key], "name": self.s(key[0]),
                               "system_name": self.s(key[1]), "filename": self.s(key[2]),
                               "start_line": key[3]})
        return self.funcs[key]

    def _mapping(self, prof, mid):
        m = prof.mappings.get(mid)
        if m is None:
            return 0
        st = prof.strings
        key = (m.get("memory_start", 0), m.get("memory_limit", 0), m.get("file_offset", 0),
               st[m.get("filename", 0)], st[m.get("build_id", 0)])
        if key not in self.maps:
            self.maps[key] = len(self.mlist) + 1
            nm = dict(m)
            nm.update({"id": self.maps[key], "filename": self.s(key[3]),
                       "build_id": self.s(key[4])})
            self.mlist.append(nm)
        return self.maps[key]

    def location(self, prof, lid):
        ck = (id(prof), lid)
        if ck in self.loc_cache:
            return self.loc_cache[ck]
        loc = prof.locations.get(lid, {})
        mid = self._mapping(prof, loc.get("mapping_id", 0))
        lines = tuple((self._func(prof, ln.get("function_id", 0)), ln.get("line", 0))
                      for ln in loc.get("line", []))
        key = (mid, loc.get("address", 0) if not lines else 0, lines)
        if key not in self.locs:
            self.locs[key] = len(self.llist) + 1
            self.llist.append({"id": self.locs[key], "mapping_id": mid,
                               "address": loc.get("address", 0),
                               "line": [{"function_id": f, "line": n} for f, n in lines]})
        self.loc_cache[ck] = self.locs[key]
        return self.locs[key]

    def add(self, prof, loc_ids, value):
        key = tuple(self.location(prof, lid) for lid in loc_ids)
        self.samples[key] = self.samples.get(key, 0) + value

    def message(self, start_ms, end_ms):
        return {"sample_type": [{"type": self.stype[0], "unit": self.stype[1]}],
                "sample": [{"location_id": list(k), "value": [v]}
                           for k, v in sorted(self.samples.items()) if v],
                "mapping": self.mlist, "location": self.llist, "function": self.flist,
                "string_table": self.strings, "time_nanos": end_ms * 1000000,
                "duration_nanos": (end_ms - start_ms) * 1000000,
                "period_type": {"type": self.ptype[0], "unit": self.ptype[1]},
                "period": self.period, "default_sample_type": self.stype[0]}


# ---- the query logic -------------------------------------------------------

class Store:
    def __init__(self, rows, opts):
        self.rows = rows
        self.opts = opts

    # -- validation
    def check_range(self, start, end):
        if start == 0 or end == 0:
            raise invalid("missing time range in the query")
        if start > end:
            raise invalid("query start time is after end time")
        limit = self.opts.max_query_length
        if limit and end - start > limit:
            raise invalid("the query time range exceeds the limit (max_query_length, "
                          "actual: %s, limit: %s)" % (go_duration(end - start),
                                                       go_duration(limit)))

    @staticmethod
    def check_max_nodes(n):
        if n < 0:
            raise invalid("max_nodes must be non-negative")
        if n > MAX_NODES_LIMIT:
            raise invalid("max flamegraph nodes limit %d is greater than allowed %d"
                          % (n, MAX_NODES_LIMIT))
        return n or DEFAULT_MAX_NODES

    # -- row selection
    def select(self, matchers_list, start, end, ptype=None, selector=None):
        ms = [parse_selector(m) for m in matchers_list if m.strip() not in ("", "{}")]
        sel = parse_selector(selector) if selector and selector.strip() else []
        out = []
        for r in self.rows:
            if start and end and not (start <= r.ts <= end):
                continue
            if ptype is not None and r.labels["__profile_type__"] != ptype:
                continue
            if ms and not any(matches(r.labels, m) for m in ms):  # v1: ORed
                continue
            if sel and not matches(r.labels, sel):
                continue
            out.append(r)
        return out

    @staticmethod
    def utf8_ok(name, allow_utf8):
        return allow_utf8 or re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", name)

    # -- RPCs
    def ProfileTypes(self, req, ctx):
        seen = {}
        for r in self.select([], pb.get(req, "start", "ProfileTypesRequest"),
                             pb.get(req, "end", "ProfileTypesRequest")):
            pt = r.labels["__profile_type__"]
            parts = pt.split(":")
            seen[pt] = {"ID": pt, "name": parts[0], "sample_type": parts[1],
                        "sample_unit": parts[2], "period_type": parts[3],
                        "period_unit": parts[4]}
        return {"profile_types": [seen[k] for k in sorted(seen)]}

    def LabelNames(self, req, ctx):
        names = set()
        for r in self.select(req.get("matchers", []), req.get("start", 0), req.get("end", 0)):
            names.update(n for n in r.labels if self.utf8_ok(n, ctx["utf8"]))
        return {"names": sorted(names)}

    def LabelValues(self, req, ctx):
        name = req.get("name", "")
        if not name:
            raise invalid("name is required")
        vals = set()
        for r in self.select(req.get("matchers", []), req.get("start", 0), req.get("end", 0)):
            if name in r.labels:
                vals.add(r.labels[name])
        return {"names": sorted(vals)}

    def Series(self, req, ctx):
        want = req.get("label_names", [])
        sets = set()
        for r in self.select(req.get("matchers", []), req.get("start", 0), req.get("end", 0)):
            items = [(k, v) for k, v in r.labels.items()
                     if (not want or k in want) and self.utf8_ok(k, ctx["utf8"])]
            sets.add(tuple(sorted(items)))
        return {"labels_set": [{"labels": [{"name": k, "value": v} for k, v in s]}
                               for s in sorted(sets)]}

    def _merge_request(self, req, msg):
        ptype = parse_profile_type(pb.get(req, "profile_typeID", msg))
        start, end = pb.get(req, "start", msg), pb.get(req, "end", msg)
        self.check_range(start, end)
        sts = req.get("stack_trace_selector") or {}
        call_site = tuple(loc.get("name", "") for loc in sts.get("call_site", []))
        rows = self.select([], start, end, ptype, pb.get(req, "label_selector", msg))
        return rows, call_site, start, end, ptype

    def _tree(self, rows, call_site):
        return build_tree((st, v) for r in rows for st, v in r.stacks()
                          if st[:len(call_site)] == call_site)

    def _pprof(self, rows, call_site, start, end, ptype):
        parts = ptype.split(":")
        b = PprofBuilder(parts[1], parts[2], parts[3], parts[4],
                         rows[0].prof.period if rows else 0)
        for r in rows:
            for locs, vals, lbs in r.prof.samples:
                if lbs != r.sample_labels or r.tidx >= len(vals) or not vals[r.tidx]:
                    continue
                if call_site and r.prof.stack(locs)[:len(call_site)] != call_site:
                    continue
                b.add(r.prof, locs, vals[r.tidx] * r.weight)
        return b.message(start, end)

    def SelectMergeStacktraces(self, req, ctx):
        msg = "SelectMergeStacktracesRequest"
        max_nodes = self.check_max_nodes(pb.get(req, "max_nodes", msg))
        rows, call_site, start, end, ptype = self._merge_request(req, msg)
        if self.opts.drop_stack_selector:  # the v1 read path drops it
            call_site = ()
        fmt = pb.get(req, "format", msg)
        if fmt == 4 and not self.opts.no_pprof_format:
            return {"pprof": {"profile": self._pprof(rows, call_site, start, end, ptype)}}
        if fmt == 3:
            raise ConnectError("unimplemented",
                               "dot format is only supported with the v2 query backend")
        tree = self._tree(rows, call_site)
        if fmt == 2:
            return {"tree": tree_bytes(tree, max_nodes)}
        return {"flamegraph": flamegraph(tree, max_nodes)}

    def SelectMergeProfile(self, req, ctx):
        rows, call_site, start, end, ptype = self._merge_request(req, "SelectMergeProfileRequest")
        return self._pprof(rows, call_site, start, end, ptype)

    def Diff(self, req, ctx):
        msg = "SelectMergeStacktracesRequest"
        left, right = req.get("left") or {}, req.get("right") or {}
        max_nodes = self.check_max_nodes(max(pb.get(left, "max_nodes", msg),
                                             pb.get(right, "max_nodes", msg)))
        trees = []
        for side in (left, right):
            rows, call_site, _, _, _ = self._merge_request(side, msg)
            trees.append(self._tree(rows, call_site))
        return {"flamegraph": flamegraph_diff(trees[0], trees[1], max_nodes)}

    def SelectSeries(self, req, ctx):
        msg = "SelectSeriesRequest"
        ptype = parse_profile_type(pb.get(req, "profile_typeID", msg))
        start, end = pb.get(req, "start", msg), pb.get(req, "end", msg)
        self.check_range(start, end)
        step = pb.get(req, "step", msg)
        if not step >= 0.001:
            raise invalid("step must be >= 1ms")
        step_ms = int(step * 1000)
        group_by = req.get("group_by", [])
        avg = pb.get(req, "aggregation", msg) == 1
        sts = req.get("stack_trace_selector") or {}
        call_site = tuple(loc.get("name", "") for loc in sts.get("call_site", []))
        rows = self.select([], start - step_ms + 1, end, ptype,
                           pb.get(req, "label_selector", msg))
        buckets = {}  # (group, T) -> [sum, count]
        for r in rows:
            k = max(0, -(-(r.ts - start) // step_ms))  # smallest T >= ts
            t = start + k * step_ms
            if t > end or r.ts <= t - step_ms:
                continue
            group = tuple((g, r.labels[g]) for g in group_by if g in r.labels)
            b = buckets.setdefault((group, t), [0, 0])
            b[0] += r.total(call_site)
            b[1] += 1
        series = {}
        for (group, t), (total, n) in sorted(buckets.items()):
            series.setdefault(group, []).append(
                {"timestamp": t, "value": float(total) / n if avg else float(total)})
        keys = sorted(series)
        limit = pb.get(req, "limit", msg)
        if limit > 0:
            keys = sorted(sorted(keys, key=lambda g: -sum(p["value"] for p in series[g]))[:limit])
        return {"series": [{"labels": [{"name": k, "value": v} for k, v in g],
                            "points": series[g]} for g in keys]}

    def GetProfileStats(self, req, ctx):
        if not self.rows:
            return {"data_ingested": False}
        return {"data_ingested": True,
                "oldest_profile_time": min(r.ts for r in self.rows),
                "newest_profile_time": max(r.ts for r in self.rows)}


RPCS = {
    "ProfileTypes": ("ProfileTypesRequest", "ProfileTypesResponse"),
    "LabelNames": ("LabelNamesRequest", "LabelNamesResponse"),
    "LabelValues": ("LabelValuesRequest", "LabelValuesResponse"),
    "Series": ("SeriesRequest", "SeriesResponse"),
    "SelectMergeStacktraces": ("SelectMergeStacktracesRequest",
                               "SelectMergeStacktracesResponse"),
    "SelectMergeProfile": ("SelectMergeProfileRequest", "Profile"),
    "SelectSeries": ("SelectSeriesRequest", "SelectSeriesResponse"),
    "Diff": ("DiffRequest", "DiffResponse"),
    "GetProfileStats": ("GetProfileStatsRequest", "GetProfileStatsResponse"),
}


# ---- HTTP ------------------------------------------------------------------

HTML_PAGE = ("<!DOCTYPE html>\n<html><head><title>%d %s</title></head>\n"
             "<body><center><h1>%d %s</h1></center><hr><center>nginx</center>"
             "</body></html>\n")
LOGIN_PAGE = ("<!doctype html><html><head><title>Sign in - Example SSO</title></head>"
              "<body><form method=post><input name=user></form></body></html>\n")
REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
           504: "Gateway Timeout"}


def accept_ok(value):
    """Pyroscope >= 1.16 rejects an Accept header that is not a media-type list."""
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        mt = part.split(";")[0].strip()
        if not re.fullmatch(r"[\w.+*-]+/[\w.+*-]+", mt):
            return False
        for param in part.split(";")[1:]:
            if "=" not in param:
                return False
    return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-pyroscope/1"

    def log_message(self, fmt, *args):
        if self.server.opts.verbose:
            sys.stderr.write("fake_pyroscope: " + (fmt % args) + "\n")

    def _log(self, entry):
        path = self.server.opts.log
        if not path:
            return
        with self.server.log_lock, open(path, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def _send(self, status, body, ctype, extra=None, gz=False):
        # the request's log line, written before its reply leaves
        entry, self._entry = getattr(self, "_entry", None), None
        if entry is not None:
            self._log(entry)
        if gz:
            body = gzip.compress(body, compresslevel=1)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if gz:
            self.send_header("Content-Encoding", "gzip")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, err, gz=False):
        body = json.dumps({"code": err.code, "message": err.message}).encode()
        self._send(ConnectError.STATUS.get(err.code, 500), body, "application/json", gz=gz)

    def do_GET(self):
        if SERVICE in self.path:
            self._send(405, b"", "text/plain", {"Allow": "POST"})
        else:
            self._send(404, b"404 page not found\n", "text/plain; charset=utf-8")

    do_PUT = do_GET
    do_DELETE = do_GET

    def _fault(self, path):
        """Apply a /_fault/KIND prefix; returns the rest of the path, or None
        when the fault answered the request itself."""
        m = re.match(r"/_fault/([a-z]+)(?:=(\d+(?:\.\d+)?))?(/.*)$", path)
        if not m:
            return path
        kind, arg, rest = m.group(1), m.group(2), m.group(3)
        if kind == "sleep":
            time.sleep(float(arg or 1))
            return rest
        if kind == "html":
            code = int(arg or 502)
            reason = REASONS.get(code, "Error")
            self._send(code, (HTML_PAGE % (code, reason, code, reason)).encode(),
                       "text/html")
        elif kind == "login":
            self._send(200, LOGIN_PAGE.encode(), "text/html; charset=utf-8")
        elif kind == "status":
            self._send(int(arg or 503), b"upstream connect error or disconnect/reset "
                       b"before headers\n", "text/plain")
        elif kind == "garbage":
            self._send(200, b"\x0a\xff\xff\xff\xff\xff", "application/proto")
        elif kind == "badgzip":
            body = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage-not-deflate"
            self.send_response(200)
            self.send_header("Content-Type", "application/proto")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif kind == "redirect":
            self._send(301, b"", "text/plain", {"Location": "https://example.invalid/"})
        else:
            self._send(400, b"unknown fault\n", "text/plain")
        return None

    def _auth(self):
        """Gateway auth (plain 401) and the tenant check (Connect errors)."""
        opts = self.server.opts
        got = self.headers.get("Authorization", "")
        if opts.basic_auth:
            want = "Basic " + base64.b64encode(opts.basic_auth.encode()).decode()
            if got != want:
                self._send(401, b"401 Unauthorized\n", "text/plain",
                           {"WWW-Authenticate": 'Basic realm="pyroscope"'})
                return False
        if opts.bearer and got != "Bearer " + opts.bearer:
            self._send(401, b'{"message":"invalid authentication credentials"}\n',
                       "text/plain")
            return False
        if opts.tenants:
            tenant = self.headers.get("X-Scope-OrgID", "")
            if not tenant:
                self._error(ConnectError("unauthenticated", "no org id"))
                return False
            if any(t not in opts.tenants for t in tenant.split("|")):
                self._error(ConnectError("permission_denied",
                                         "tenant %r may not read this data" % tenant))
                return False
        return True

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > 16 << 20:
            raise ConnectError("resource_exhausted", "request too large")
        body = self.rfile.read(n) if n else b""
        enc = self.headers.get("Content-Encoding", "")
        if enc == "gzip":
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError, zlib.error):
                raise invalid("gzip: invalid request body")
        elif enc and enc != "identity":
            raise ConnectError("unimplemented", "unknown compression %r: supported "
                               "encodings are gzip" % enc)
        return body

    def do_POST(self):
        opts = self.server.opts
        self._entry = None
        path = self._fault(self.path)
        if path is None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            return
        if opts.base_path:
            if not path.startswith(opts.base_path + "/"):
                # drain the body, or the kept-alive connection goes out of step
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._send(404, b"404 page not found\n", "text/plain; charset=utf-8")
                return
            path = path[len(opts.base_path):]
        method = path[len(SERVICE):] if path.startswith(SERVICE) else None
        if method not in RPCS:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._send(404, b"404 page not found\n", "text/plain; charset=utf-8")
            return
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        names = re.split(r"[,\s]+", self.headers.get("Accept-Encoding", ""))
        req_gz = self.headers.get("Content-Encoding", "") == "gzip"
        gz = req_gz or "gzip" in names
        accept = self.headers.get("Accept", "")
        # logged when the reply is sent (_send), with the decoded request
        # ("request": its fields as protojson) when the body was read
        self._entry = {"method": method, "content_type": ctype,
                       "connect_protocol_version": self.headers.get("Connect-Protocol-Version"),
                       "accept_encoding": self.headers.get("Accept-Encoding"),
                       "accept": accept, "tenant": self.headers.get("X-Scope-OrgID"),
                       "auth": self.headers.get("Authorization", "").split(" ")[0],
                       "timeout_ms": self.headers.get("Connect-Timeout-Ms"),
                       "gzip_reply": gz}
        if accept and not accept_ok(accept):
            self._send(400, ("Invalid header format: %s\n" % accept).encode(), "text/plain")
            return
        if ctype not in ("application/proto", "application/json"):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._send(415, b"", "text/plain", {"Accept-Post": "application/json, "
                       "application/json; charset=utf-8, application/proto"})
            return
        try:
            body = self._body()
            if not self._auth():
                return
            cpv = self.headers.get("Connect-Protocol-Version")
            if cpv is not None and cpv != "1":
                raise invalid('connect-protocol-version must be "1": got %r' % cpv)
            if method in opts.unimplemented:
                raise ConnectError("unimplemented", "%s is not implemented" % path)
            reply = self._call(method, ctype, body, "allow-utf8-labelnames=true" in accept)
        except ConnectError as e:
            self._error(e)
            return
        if gz:  # compress once per distinct reply: the bench times the client
            key = ("gz", reply)
            packed = self.server.cache.get(key)
            if packed is None:
                packed = gzip.compress(reply, compresslevel=1)
                with self.server.log_lock:
                    self.server.cache[key] = packed
            self._send(200, packed, ctype, {"Accept-Encoding": "gzip",
                                            "Content-Encoding": "gzip"})
            return
        self._send(200, reply, ctype, {"Accept-Encoding": "gzip"})

    def _call(self, method, ctype, body, utf8):
        req_msg, resp_msg = RPCS[method]
        try:
            if ctype == "application/json":
                if not body:
                    raise pb.DecodeError("zero-length payload is not a valid JSON object")
                req = pb.from_json(req_msg, json.loads(body))
            else:
                req = pb.decode(req_msg, body)
        except (pb.DecodeError, ValueError) as e:
            raise invalid("unmarshal into %s: %s" % (req_msg, e))
        if getattr(self, "_entry", None) is not None:
            self._entry["request"] = pb.to_json(req_msg, req)
        cache_key = (method, ctype, body, utf8)
        cached = self.server.cache.get(cache_key)
        if cached is not None:
            return cached
        resp = getattr(self.server.store, method)(req, {"utf8": utf8})
        if ctype == "application/json":
            out = json.dumps(pb.to_json(resp_msg, resp), separators=(",", ":")).encode()
        else:
            out = pb.encode(resp_msg, resp)
        with self.server.log_lock:
            if len(self.server.cache) > 256:
                self.server.cache.clear()
            self.server.cache[cache_key] = out
        return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="A fake Pyroscope query server.")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--manifest", default=os.path.join(here, "manifest.json"))
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=4040, help="0 picks a free port")
    ap.add_argument("--now", help="anchor of the data, ms since the epoch "
                    "(default: now, rounded down to the minute)")
    ap.add_argument("--base-path", default="", help="serve under this path prefix")
    ap.add_argument("--tenants", default="", help="comma list: multi-tenant mode")
    ap.add_argument("--basic-auth", default="", help="USER:PASS a gateway demands")
    ap.add_argument("--bearer", default="", help="token a gateway demands")
    ap.add_argument("--max-query-length", default="24h")
    ap.add_argument("--unimplemented", default="", help="comma list of RPCs to refuse")
    ap.add_argument("--drop-stack-selector", action="store_true",
                    help="ignore stack trace selectors on SelectMergeStacktraces (v1 path)")
    ap.add_argument("--no-pprof-format", action="store_true",
                    help="ignore the pprof format of SelectMergeStacktraces (< v2.2)")
    ap.add_argument("--tls-cert", default="", help="serve HTTPS with this PEM certificate")
    ap.add_argument("--tls-key", default="", help="its PEM private key")
    ap.add_argument("--log", default="", help="append one JSON line per request: "
                    "method, headers, and the decoded request as \"request\"")
    ap.add_argument("-v", "--verbose", action="store_true")
    opts = ap.parse_args(argv)
    opts.base_path = opts.base_path.rstrip("/")
    opts.tenants = [t for t in opts.tenants.split(",") if t]
    opts.unimplemented = [m for m in opts.unimplemented.split(",") if m]
    opts.max_query_length = parse_duration(opts.max_query_length) \
        if opts.max_query_length != "0" else 0
    now = int(opts.now) if opts.now else int(time.time() * 1000) // 60000 * 60000
    srv = ThreadingHTTPServer((opts.host, opts.port), Handler)
    srv.daemon_threads = True
    srv.opts = opts
    srv.store = Store(load_manifest(opts.manifest, now), opts)
    srv.cache = {}
    srv.log_lock = threading.Lock()
    scheme = "http"
    if opts.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(opts.tls_cert, opts.tls_key or None)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        scheme = "https"
    print("listening on %s://%s:%d" % (scheme, opts.host, srv.server_address[1]), flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

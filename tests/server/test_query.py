#!/usr/bin/env python3
"""test_query.py - server mode end to end: `embers query ...`, `embers top
--url` and `embers export --url` against tests/server/fake_pyroscope.py on
127.0.0.1 (ephemeral ports), including every error case: a closed port,
TLS to a plain port, 401/403 with and without tenant, a wrong base path, a
proxy's HTML page, Connect errors, a time-out and a reply over the size cap.

Expected figures are computed here from the manifest (which pprof file at
which times with which weights) and from `embers top`/`export` of the
original files, never from the fake server's own code. TAP output.
"""
import base64
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
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

MANIFEST = os.path.join(HERE, "manifest.json")
CHECKOUT_FILE = os.path.join(TESTDATA, "corpus/public/laixintao__flameshow/profile-10seconds.out")

tap = Tap()
TMP = tempfile.mkdtemp(prefix="embers-server-test-")


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))


def at(minutes_before_now, seconds=0):
    return iso(NOW - minutes_before_now * 60000 - seconds * 1000)


class Res:
    def __init__(self, p, secs):
        self.rc = p.returncode
        self.out = p.stdout.decode("utf-8", "replace")
        self.err = p.stderr.decode("utf-8", "replace")
        self.secs = secs

    def __repr__(self):
        return "rc=%d secs=%.2f\nstdout=%s\nstderr=%s" % (self.rc, self.secs, self.out[:800],
                                                         self.err[:800])


def clean_env(**extra):
    env = client_env()
    env["XDG_CONFIG_HOME"] = os.path.join(TMP, "noconfig")
    env.update(extra)
    return env


def embers(*args, env=None, timeout=60):
    t0 = time.time()
    p = subprocess.run([EMBERS] + [str(a) for a in args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env or clean_env(), timeout=timeout)
    return Res(p, time.time() - t0)


def top_csv(text):
    rows = {}
    for line in text.splitlines()[1:]:
        name, s, t = line.rsplit(",", 2)
        rows[name] = (int(s), int(t))
    return rows


def folded(text):
    out = {}
    for line in text.splitlines():
        stack, v = line.rsplit(" ", 1)
        out[stack] = out.get(stack, 0) + int(v)
    return out


# ---- what the manifest says ------------------------------------------------

def instances(entry_index):
    """[(ts, weight)] of one manifest entry."""
    with open(MANIFEST) as f:
        ent = json.load(f)["profiles"][entry_index]
    units = {"m": 60000, "h": 3600000, "s": 1000}
    every = int(ent["every"][:-1]) * units[ent["every"][-1]]
    off = ent.get("offset", "0s")
    offset = int(off[:-1]) * units[off[-1]]
    w = ent.get("weights", [1])
    n = ent["count"]
    return [(NOW - offset - (n - 1 - k) * every, w[k % len(w)]) for k in range(n)]


def weight_in(entry_index, start, end):
    return sum(w for ts, w in instances(entry_index) if start <= ts <= end)


ORIG = top_csv(embers("top", CHECKOUT_FILE, "--sample-type", "cpu", "--format", "csv",
                      "--limit", "0").out)
ORIG_TOTAL = json.loads(embers("top", CHECKOUT_FILE, "--sample-type", "cpu",
                               "--format", "json").out)["total"]


def same(got, want, name):
    """is_eq with a short diagnosis for big dicts."""
    if got == want or not isinstance(got, dict) or not isinstance(want, dict):
        return tap.is_eq(got, want, name)
    diff = ["%r: got %r want %r" % (k, got.get(k), want.get(k))
            for k in sorted(set(got) | set(want), key=str) if got.get(k) != want.get(k)]
    return tap.ok(False, name, "%d of %d keys differ\n%s" % (len(diff), len(want),
                                                               "\n".join(diff[:8])))


def scaled(k):
    return {n: (s * k, t * k) for n, (s, t) in ORIG.items()}


# ---- listings ----------------------------------------------------------------

def test_listings(s):
    rng = ["--url", s.url, "--from", at(60), "--to", at(0)]
    r = embers("query", "profile-types", *rng)
    tap.is_eq(r.out.splitlines(), [
        "goroutines:goroutine:count:goroutine:count",
        "memory:alloc_objects:count:space:bytes", "memory:alloc_space:bytes:space:bytes",
        "memory:inuse_objects:count:space:bytes", "memory:inuse_space:bytes:space:bytes",
        "process_cpu:cpu:nanoseconds:cpu:nanoseconds",
        "process_cpu:samples:count:cpu:nanoseconds",
        "wall:cpu:nanoseconds:wall:nanoseconds", "wall:sample:count:wall:nanoseconds",
        "wall:wall:nanoseconds:wall:nanoseconds"], "profile-types lists every type in range")
    r = embers("query", "profile-types", "--url", s.url, "--from", at(60), "--to", at(0),
               "--format", "json")
    doc = json.loads(r.out)
    tap.ok(doc[0] == {"id": "goroutines:goroutine:count:goroutine:count", "name": "goroutines",
                      "sample_type": "goroutine", "sample_unit": "count",
                      "period_type": "goroutine", "period_unit": "count"},
           "profile-types --format json splits the ID", r)
    r = embers("query", "profile-types", "--url", s.url, "--from", at(180), "--to", at(170))
    tap.is_eq(r.out.splitlines(), ["process_cpu:samples:count:cpu:nanoseconds"],
              "an older range holds only the worker's profiles")
    r = embers("query", "label-values", "service_name", *rng)
    tap.is_eq(r.out.splitlines(), ["checkout", "fib", "frontend", "worker"],
              "label-values service_name")
    r = embers("query", "label-values", "service_name", *rng, "--query", '{env="dev"}')
    tap.is_eq(r.out.splitlines(), ["fib"], "label-values with a selector")
    r = embers("query", "label-values", "service_name", *rng, "-q", '{service_name=~"f.*"}')
    tap.is_eq(r.out.splitlines(), ["fib", "frontend"], "label-values with a regex matcher")
    r = embers("query", "label-names", *rng, "--query", '{service_name="frontend"}')
    names = r.out.splitlines()
    tap.ok("deployment.environment" in names and "service_name" in names
           and "thread_id" not in names, "label-names: UTF-8 names asked for, only frontend's", r)
    r = embers("query", "series", *rng, "--label-names", "service_name,__profile_type__",
               "--query", '{service_name="fib"}')
    tap.is_eq(r.out.splitlines(), [
        '{__profile_type__="process_cpu:cpu:nanoseconds:cpu:nanoseconds", service_name="fib"}',
        '{__profile_type__="process_cpu:samples:count:cpu:nanoseconds", service_name="fib"}'],
        "series projected on two labels")
    r = embers("query", "series", *rng, "--label-names", "service_name", "--label-names",
               "env", "--format", "json")
    tap.is_eq(json.loads(r.out), [{"env": "dev", "service_name": "fib"},
                                  {"env": "prod", "service_name": "checkout"},
                                  {"env": "prod", "service_name": "frontend"},
                                  {"env": "prod", "service_name": "worker"}],
              "series --format json, repeated --label-names")
    r = embers("query", "label-names", *rng, "--format", "json")
    tap.ok(r.rc == 0 and "service_name" in json.loads(r.out), "label-names --format json", r)


def test_wire(s):
    reqs = [x for x in s.requests() if x["method"] == "LabelValues"]
    tap.ok(reqs and all(x["content_type"] == "application/proto" and
                        x["connect_protocol_version"] == "1" and
                        "gzip" in (x["accept_encoding"] or "") and x["gzip_reply"] and
                        "allow-utf8-labelnames=true" in x["accept"] for x in reqs),
           "embers sends application/proto, Connect-Protocol-Version 1, accepts gzip "
           "(and got it) and asks for UTF-8 label names", reqs[:1])


def post(url, method, body, ctype, headers=None):
    req = urllib.request.Request(url + "/querier.v1.QuerierService/" + method, data=body,
                                 method="POST", headers=dict({"Content-Type": ctype},
                                                             **(headers or {})))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=30) as resp:
            data = resp.read()
            if resp.headers.get("Content-Encoding") == "gzip":
                data = gzip.decompress(data)
            return resp.status, resp.headers, data
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def test_fake_codecs(s):
    """The fake answers JSON and proto alike (what the Pyroscope UI and
    profilecli send), gzip both ways."""
    req = {"profile_typeID": CPU, "label_selector": CHECKOUT,
           "start": NOW - 120000, "end": NOW, "max_nodes": 16}
    st, h, body = post(s.url, "SelectMergeStacktraces", pb.encode(
        "SelectMergeStacktracesRequest", req), "application/proto",
        {"Accept-Encoding": "gzip"})
    as_proto = pb.decode("SelectMergeStacktracesResponse", body)
    js = json.dumps({"profileTypeID": CPU, "labelSelector": CHECKOUT,
                     "start": str(NOW - 120000), "end": NOW, "maxNodes": "16"}).encode()
    st2, h2, body2 = post(s.url, "SelectMergeStacktraces", gzip.compress(js),
                          "application/json", {"Content-Encoding": "gzip"})
    doc = json.loads(body2)
    as_json = pb.from_json("SelectMergeStacktracesResponse", doc)
    tap.ok(st == 200 and st2 == 200 and h.get("Content-Encoding") == "gzip" and
           h2.get("Content-Encoding") == "gzip" and as_proto == as_json and
           isinstance(doc["flamegraph"]["total"], str),
           "JSON and proto replies carry the same flame graph (int64 as JSON strings)")
    st, h, body = post(s.url, "LabelNames", b"{}", "application/json")
    tap.ok(st == 200 and "deployment.environment" not in json.loads(body)["names"],
           "without the Accept capability UTF-8 label names are dropped", body[:200])
    st, h, body = post(s.url, "LabelNames", b"", "application/json")
    tap.ok(st == 400 and json.loads(body)["code"] == "invalid_argument",
           "an empty JSON body is invalid_argument", body)
    st, h, body = post(s.url, "LabelNames", b"{}", "text/plain")
    tap.ok(st == 415 and "application/proto" in h.get("Accept-Post", ""),
           "other content types get 415 with Accept-Post")


# ---- merged profiles -------------------------------------------------------

def test_profiles(s):
    base = ["--url", s.url, "--query", CHECKOUT]
    one = ["--from", at(0, 30), "--to", at(0)]
    k1 = weight_in(0, NOW - 30000, NOW)
    out = os.path.join(TMP, "one.pb.gz")
    r = embers("query", "profile", *base, *one, "-o", out)
    tap.ok(r.rc == 0 and open(out, "rb").read(2) == b"\x1f\x8b", "query profile -o writes gzip", r)
    got = top_csv(embers("top", out, "--format", "csv", "--limit", "0").out)
    same(got, scaled(k1), "one profile back: every function's self and total x%d" % k1)
    go = shutil.which("go")
    if go:
        p = subprocess.run([go, "tool", "pprof", "-raw", out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        tap.ok(p.returncode == 0 and b"Samples:" in p.stdout,
               "go tool pprof reads the written file", p.stderr[-500:])
    else:
        tap.ok(True, "# SKIP go not installed")

    five = ["--from", at(5), "--to", at(0)]
    k5 = weight_in(0, NOW - 300000, NOW)
    r = embers("query", "profile", *base, *five, "-o", out)
    got = top_csv(embers("top", out, "--format", "csv", "--limit", "0").out)
    same(got, scaled(k5), "six profiles merged: figures x%d (weights summed)" % k5)

    r = embers("query", "profile", *base, *five)
    full = folded(r.out)
    tap.is_eq(sum(full.values()), ORIG_TOTAL * k5, "query profile prints folded stacks")
    r = embers("query", "profile", *base, *five, "--format", "json")
    doc = json.loads(r.out)
    tap.is_eq(doc["flamebearer"]["numTicks"], ORIG_TOTAL * k5, "--format json is flamebearer")

    r = embers("query", "profile", *base, *five, "--max-nodes", "100000")
    same(folded(r.out), full, "flame graph (SelectMergeStacktraces) = full pprof")
    r = embers("query", "profile", *base, *five, "--max-nodes", "8")
    cut = folded(r.out)
    tap.ok(sum(cut.values()) == ORIG_TOTAL * k5 and any(k.endswith("other") for k in cut)
           and len(cut) < len(full), "--max-nodes 8 folds nodes into 'other', total kept",
           sorted(cut.items())[:5])

    # a call site: the two root frames of the heaviest stack
    heavy = max(full, key=full.get).split(";")[:2]
    want = {k: v for k, v in full.items() if k.split(";")[:2] == heavy}
    cs = ["--call-site", heavy[0], "--call-site", heavy[1]]
    r = embers("query", "profile", *base, *five, *cs)
    same(folded(r.out), want, "--call-site keeps the stacks under %s" % ";".join(heavy))
    r = embers("query", "profile", *base, *five, *cs, "--max-nodes", "100000")
    same(folded(r.out), want, "--call-site on the flame graph too")
    return full, want, heavy


def test_top_export(s):
    k5 = weight_in(0, NOW - 300000, NOW)
    r = embers("top", "--url", s.url, "--query", CHECKOUT, "--from", at(5), "--to", at(0),
               "--format", "csv", "--limit", "0")
    same(top_csv(r.out), scaled(k5), "embers top --url merges on the server")
    r = embers("top", "--url", s.url, "--query", CHECKOUT, "--from", at(5), "--to", at(0),
               "--format", "csv", "--limit", "0", "--max-nodes", "100000")
    same(top_csv(r.out), scaled(k5), "embers top --url --max-nodes (flame graph)")
    r = embers("top", CHECKOUT_FILE, "--url", s.url)
    tap.ok(r.rc == 2 and "not both" in r.err, "top FILE --url is a usage error", r)
    out = os.path.join(TMP, "exp.pb.gz")
    r = embers("export", "--format", "pprof", "-o", out, "--url", s.url, "--query", CHECKOUT,
               "--from", at(5), "--to", at(0))
    got = top_csv(embers("top", out, "--format", "csv", "--limit", "0").out)
    same(got, scaled(k5), "embers export --url writes the merged profile")


def test_series(s):
    base = ["--url", s.url, "--query", CHECKOUT]
    r = embers("query", "series-values", *base, "--from", at(10), "--to", at(0), "--step", "2m")
    want = []
    for i in range(6):
        t = NOW - 600000 + i * 120000
        want.append("%s\t%d\t{}" % (iso(t), ORIG_TOTAL * weight_in(0, t - 120000 + 1, t)))
    tap.is_eq(r.out.splitlines(), want, "series-values: the point at T sums (T-step, T]")
    r = embers("query", "series-values", "--url", s.url, "--query", '{service_name="fib"}',
               "--from", at(10), "--to", at(0), "--step", "60", "--format", "json")
    pts = json.loads(r.out)[0]["points"]
    tap.is_eq([p["t"] for p in pts], [NOW - 600000 + i * 120000 for i in range(6)],
              "buckets without profiles give no point (fib: every 2m, step 1m)")
    r = embers("query", "series-values", "--url", s.url, "--from", at(10), "--to", at(0),
               "--step", "10m", "--group-by", "service_name", "--format", "json")
    doc = json.loads(r.out)
    tap.is_eq([d["labels"] for d in doc], [{"service_name": "checkout"},
                                           {"service_name": "fib"}],
              "--group-by service_name: one series per service")
    r = embers("query", "series-values", *base, "--from", at(10), "--to", at(0),
               "--step", "2m", "--aggregation", "avg", "--format", "json")
    pts = json.loads(r.out)[0]["points"]
    t = NOW
    ws = [w for ts, w in instances(0) if t - 120000 < ts <= t]
    tap.is_eq(pts[-1]["v"], ORIG_TOTAL * sum(ws) / len(ws), "--aggregation avg")


def test_diff(s, servers_without_diff):
    args = ["query", "diff", "--query", CHECKOUT, "--from", at(0, 30), "--to", at(0),
            "--right-from", at(1, 90), "--right-to", at(1, 60)]
    kl = weight_in(0, NOW - 30000, NOW)
    kr = weight_in(0, NOW - 150000, NOW - 120000)
    for srv, what in [(s, "Diff RPC")] + [(x, "two flame graphs") for x in servers_without_diff]:
        r = embers(*args, "--url", srv.url, "--format", "json")
        doc = json.loads(r.out) if r.rc == 0 else {}
        tap.ok(doc.get("left_total") == ORIG_TOTAL * kl and
               doc.get("right_total") == ORIG_TOTAL * kr and
               all(x["left"] * kr == x["right"] * kl for x in doc["stacks"]),
               "diff (%s): totals x%d and x%d, every stack in proportion" % (what, kl, kr), r)
    r = embers(*args, "--url", s.url)
    first = r.out.splitlines()[0].rsplit(" ", 2)
    tap.ok(r.rc == 0 and int(first[1]) * kr == int(first[2]) * kl,
           "diff text: 'stack left right' lines", r)


def test_fallbacks(full, want, heavy):
    five = ["--query", CHECKOUT, "--from", at(5), "--to", at(0)]
    cs = ["--call-site", heavy[0], "--call-site", heavy[1]]
    v1 = FakeServer(TMP, "--drop-stack-selector", now=NOW)
    r = embers("query", "profile", "--url", v1.url, *five, *cs, "--max-nodes", "100000")
    methods = [x["method"] for x in v1.requests()]
    tap.ok(folded(r.out) == want and methods == ["SelectMergeStacktraces", "SelectMergeProfile"],
           "a server that ignores the call site on flame graphs: SelectMergeProfile instead",
           (r, methods))
    new = FakeServer(TMP, "--unimplemented", "SelectMergeProfile,Diff", now=NOW)
    r = embers("query", "profile", "--url", new.url, *five)
    methods = [x["method"] for x in new.requests()]
    tap.ok(folded(r.out) == full and methods == ["SelectMergeProfile", "SelectMergeStacktraces"],
           "no SelectMergeProfile: SelectMergeStacktraces with the pprof format", (r, methods))
    old = FakeServer(TMP, "--unimplemented", "SelectMergeProfile", "--no-pprof-format", now=NOW)
    r = embers("query", "profile", "--url", old.url, *five)
    same(folded(r.out), full, "and when the pprof format is ignored: its flame graph")
    return [new]


# ---- errors ------------------------------------------------------------------

def expect_fail(what, r, *needles, rc=1):
    ok = r.rc == rc and all(n in r.err for n in needles) and len(r.err.splitlines()) == 1
    tap.ok(ok, "%s: %s" % (what, r.err.strip()[:160]), r)


def test_errors(s):
    q = ["query", "label-names", "--from", at(60), "--to", at(0)]
    port = closed_port()
    expect_fail("closed port", embers(*q, "--url", "http://127.0.0.1:%d" % port),
                "cannot connect to 'http://127.0.0.1:%d'" % port, "connection refused")
    expect_fail("https to a plain http port", embers(*q, "--url", "https://127.0.0.1:%d" % s.port),
                "TLS handshake failed", "plain http://")
    expect_fail("wrong base path", embers(*q, "--url", s.url + "/pyroscope"),
                "HTTP 404 Not Found", "is '%s/pyroscope' the Pyroscope base URL?" % s.url)
    expect_fail("a proxy's HTML page", embers(*q, "--url", s.url + "/_fault/html=502"),
                "got an HTML page (HTTP 502 Bad Gateway: \"502 Bad Gateway\")")
    expect_fail("a login page with status 200", embers(*q, "--url", s.url + "/_fault/login"),
                "HTML page", "Sign in - Example SSO")
    expect_fail("a bare 503 from a load balancer",
                embers(*q, "--url", s.url + "/_fault/status=503"),
                "HTTP 503 Service Unavailable: upstream connect error")
    expect_fail("a redirect", embers(*q, "--url", s.url + "/_fault/redirect"), "HTTP 301 redirect")
    expect_fail("garbage instead of protobuf", embers(*q, "--url", s.url + "/_fault/garbage"),
                "LabelNames: cannot decode the reply")
    expect_fail("corrupt gzip", embers(*q, "--url", s.url + "/_fault/badgzip"),
                "corrupt compressed reply")
    r = embers("query", "profile", "--url", s.url, "--from", at(48 * 60), "--to", at(0))
    expect_fail("Connect error: range over the limit", r, "the query time range exceeds the "
                "limit (max_query_length, actual: 48h0m0s, limit: 24h0m0s) (invalid_argument)")
    r = embers("query", "profile", "--url", s.url, "--profile-type", "cpu:only")
    expect_fail("Connect error: bad profile type", r, "profile-type selection must be of the form")
    r = embers("query", "profile", "--url", s.url, "--query", "{service_name=}")
    expect_fail("Connect error: bad selector", r, "parse error", "(invalid_argument)")
    r = embers(*q, "--url", s.url + "/_fault/sleep=3", "--timeout", "1")
    expect_fail("time-out", r, "no complete reply within 1.0 s (--timeout)")
    tap.ok(r.secs < 2.5, "the time-out is kept (%.2f s)" % r.secs)
    r = embers("query", "profile", "--url", s.url, "--query", CHECKOUT, "--from", at(60),
               "--to", at(0), "--max-reply-size", "1K")
    expect_fail("reply too large", r, "reply is larger than 1024 bytes (--max-reply-size)")
    expect_fail("bad time string", embers(*q, "--url", s.url, "--from", "yesterday"),
                "invalid time 'yesterday'", rc=2)
    expect_fail("bad URL", embers(*q, "--url", "gopher://x"), "scheme must be http or https",
                rc=2)
    r = embers("query", "--url", s.url)
    tap.ok(r.rc == 2 and "which query?" in r.err, "no query named", r)


def test_auth():
    q = ["query", "label-values", "service_name", "--from", at(60), "--to", at(0)]
    ten = FakeServer(TMP, "--tenants", "team-a,team-b", now=NOW)
    expect_fail("401 without a tenant", embers(*q, "--url", ten.url),
                "no org id (unauthenticated)", "set --tenant-id")
    expect_fail("403 with a tenant", embers(*q, "--url", ten.url, "--tenant-id", "team-x"),
                "may not read this data (permission_denied)", "check --tenant-id")
    r = embers(*q, "--url", ten.url, "--tenant-id", "team-a")
    tap.ok(r.rc == 0 and "checkout" in r.out, "the right tenant gets data", r)
    r = embers(*q, "--url", ten.url, env=clean_env(PROFILECLI_TENANT_ID="team-a|team-b"))
    tap.ok(r.rc == 0 and "checkout" in r.out and
           ten.requests()[-1]["tenant"] == "team-a|team-b", "PROFILECLI_TENANT_ID", r)

    secret = "s3cret-pw-4711"
    gw = FakeServer(TMP, "--basic-auth", "alice:" + secret, now=NOW)
    expect_fail("401 without credentials", embers(*q, "--url", gw.url),
                "HTTP 401 Unauthorized", "the server wants credentials")
    r = embers(*q, "--url", gw.url, "--username", "alice", "--password", "wrong-" + secret)
    expect_fail("401 with a wrong password", r, "check --username/--password")
    tap.ok(secret not in r.err + r.out, "the password is not shown")
    r = embers(*q, "--url", gw.url, "--username", "alice", "--password", secret)
    tap.ok(r.rc == 0 and "checkout" in r.out, "basic auth", r)
    r = embers(*q, "--url", gw.url.replace("http://", "http://alice:%s@" % secret))
    tap.ok(r.rc == 0 and "checkout" in r.out, "credentials in the URL", r)
    r = embers("query", "profile", "--url", gw.url.replace("http://", "http://alice:%s@" % secret),
               "--from", "now-2d")
    tap.ok(r.rc == 1 and secret not in r.err and "exceeds the limit" in r.err,
           "errors never show the URL's password", r)
    r = embers(*q, "--url", gw.url, env=clean_env(PROFILECLI_USERNAME="alice",
                                                  PROFILECLI_PASSWORD=secret))
    tap.ok(r.rc == 0 and "checkout" in r.out, "PROFILECLI_USERNAME/PASSWORD", r)

    bearer = FakeServer(TMP, "--bearer", "tok-" + secret, now=NOW)
    expect_fail("401 without a token", embers(*q, "--url", bearer.url), "HTTP 401")
    r = embers(*q, "--url", bearer.url, "--token", "tok-" + secret)
    tap.ok(r.rc == 0 and bearer.requests()[-1]["auth"] == "Bearer", "bearer token", r)

    based = FakeServer(TMP, "--base-path", "/pyro", now=NOW)
    r = embers(*q, "--url", based.url + "/pyro/")
    tap.ok(r.rc == 0 and "checkout" in r.out, "a base path is kept", r)


def test_tls():
    """TLS is verified by default; --ca-cert trusts a CA, --insecure skips."""
    openssl = shutil.which("openssl")
    if not openssl:
        for _ in range(3):
            tap.ok(True, "# SKIP openssl not installed")
        return
    cert, key = os.path.join(TMP, "cert.pem"), os.path.join(TMP, "key.pem")
    p = subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        tap.ok(False, "openssl made a test certificate", p.stderr[-400:])
        return
    tls = FakeServer(TMP, "--tls-cert", cert, "--tls-key", key, now=NOW)
    q = ["query", "label-values", "service_name", "--from", at(60), "--to", at(0),
         "--url", tls.url]
    expect_fail("an untrusted certificate", embers(*q), "TLS handshake failed",
                "--ca-cert FILE, or --insecure")
    r = embers(*q, "--ca-cert", cert)
    tap.ok(r.rc == 0 and "checkout" in r.out, "--ca-cert trusts it", r)
    r = embers(*q, "--insecure")
    tap.ok(r.rc == 0 and "checkout" in r.out, "--insecure skips the check", r)
    expect_fail("a missing CA file", embers(*q, "--ca-cert", os.path.join(TMP, "nope.pem")),
                "nope.pem': cannot read CA certificates", rc=2)


def test_config(s):
    home = os.path.join(TMP, "xdg")
    os.makedirs(os.path.join(home, "embers"), exist_ok=True)
    with open(os.path.join(home, "embers", "config.yaml"), "w") as f:
        f.write("default: fake\nservers:\n  fake:\n    url: %s\n  dead:\n"
                "    url: http://127.0.0.1:%d\n    connect-timeout: 2\n" % (s.url, closed_port()))
    q = ["query", "label-values", "service_name", "--from", at(60), "--to", at(0)]
    r = embers(*q, env=clean_env(XDG_CONFIG_HOME=home))
    tap.ok(r.rc == 0 and "checkout" in r.out, "the config's default server", r)
    r = embers(*q, "--server", "dead", env=clean_env(XDG_CONFIG_HOME=home))
    tap.ok(r.rc == 1 and "cannot connect" in r.err, "--server NAME picks another entry", r)
    r = embers(*q, "--server", "nope", env=clean_env(XDG_CONFIG_HOME=home))
    tap.ok(r.rc == 2 and "no server 'nope'" in r.err, "unknown --server", r)
    r = embers(*q, env=clean_env(XDG_CONFIG_HOME=home, EMBERS_URL="http://127.0.0.1:%d"
                                 % closed_port()))
    tap.ok(r.rc == 1 and "cannot connect" in r.err, "EMBERS_URL beats the default entry", r)
    r = embers(*q, env=clean_env(PROFILECLI_URL=s.url))
    tap.ok(r.rc == 0 and "checkout" in r.out, "PROFILECLI_URL", r)


def main():
    try:
        s = FakeServer(TMP, now=NOW)
        test_listings(s)
        test_wire(s)
        test_fake_codecs(s)
        full, want, heavy = test_profiles(s)
        test_top_export(s)
        test_series(s)
        no_diff = test_fallbacks(full, want, heavy)
        test_diff(s, no_diff)
        test_errors(s)
        test_auth()
        test_tls()
        test_config(s)
    finally:
        FakeServer.stop_all()
        shutil.rmtree(TMP, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())

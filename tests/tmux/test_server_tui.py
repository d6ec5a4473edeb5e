#!/usr/bin/env python3
"""test_server_tui.py - the server viewer (embers --url) end to end in tmux.

Starts tests/server/fake_pyroscope.py on 127.0.0.1 (ephemeral port, its
data anchored at the current minute) as tests/server/test_query.py does,
runs the real binary in a private tmux server (own socket, no config, TZ
UTC) and asserts what a person sees: the service / profile type picker,
the flame graph and table of the picked profile (its hottest function the
one `embers top` names for the same query), the timeline with its time
axis, a range preset, marking a sub-range and zooming the query into it,
the label filter editor and the selector line, the spinner and Esc
cancelling a slow request, a zoom into a truncated frame fetching its
detail, and one-line errors (closed port, 401, 404, a Connect error, TLS
to a plain HTTP server, no or a foreign tenant, a bare 403, a proxy's HTML
page, an SSO login page, --timeout, --max-reply-size) after which the UI
still answers. Prints TAP; skips without tmux or python3."""

import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
sys.path.insert(0, HERE)
import tmuxlib  # noqa: E402
from tmuxlib import (EMBERS, H, ok, screen, lines, keys, literal, shq,  # noqa: E402
                     exited, run_main)
from fakeserver import CPU, FakeServer, client_env, closed_port  # noqa: E402

EXITED = re.compile(r"EMBERS-EXIT \d")


def wait_for(pred, timeout=15.0, exit_ok=False):
    """Poll the screen until pred(text); gives up at once when embers
    exited and that is not what is waited for (a crash fails fast)."""
    return tmuxlib.poll(screen, pred, timeout, give_up=None if exit_ok else EXITED.search)


def wait_text(s, timeout=15.0):
    return wait_for(lambda t: s in t, timeout)


class Session(tmuxlib.Shell):
    """A shell in a tmux pane (TZ=UTC); embers runs from it so the prompt
    and an exit marker show the terminal was given back."""

    def __init__(self, tmpdir):
        super().__init__(tmpdir, {"TZ": "UTC"})

    def start(self, *args, ready=None, env=""):
        self.run(env + " ".join(shq(a) for a in [EMBERS] + list(args)) + "; echo EMBERS-EXIT $?")
        if ready is not None:
            return wait_text(ready)
        return screen()

    def quit(self, key="q"):
        t0 = time.time()
        keys(key)
        text = wait_for(exited, exit_ok=True)
        return text, time.time() - t0


def idle(text):
    """No request in flight: the header has no spinner."""
    return "Esc cancels" not in text.split("\n")[0]


def header():
    return lines()[0]


def bottom():
    return lines()[H - 1]


def top_function(url, query, ptype):
    """The hottest function by self of `embers top` for the same query."""
    env = client_env()
    r = subprocess.run([EMBERS, "top", "--url", url, "-q", query, "--profile-type", ptype,
                        "--format", "csv", "--limit", "1"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    rows = r.stdout.splitlines()
    return rows[1].rsplit(",", 2)[0] if r.returncode == 0 and len(rows) > 1 else None


# --- the tests ------------------------------------------------------------------

def test_picker_to_flame(s, srv):
    text = s.start("--url", srv.url, ready="process_cpu:cpu:nanoseconds:cpu:nanoseconds")
    ok("Pick a service and profile type" in text, "no query: the picker opens", text)
    ok(srv.url in lines()[0], "the header names the server", text)
    for svc in ("checkout", "fib", "frontend"):
        ok(re.search(r"^\s+%s\s+\S+:" % svc, text, re.M) is not None,
           "service %s listed with its profile types" % svc, text)
    ok("memory:alloc_space:bytes:space:bytes" in text, "every profile type is there", text)
    literal("fib process_cpu:cpu:")
    text = wait_for(lambda t: re.search(r"> fib process_cpu:cpu:\s+1/\d+", t) is not None)
    ok(re.search(r"> fib process_cpu:cpu:\s+1/\d+", text) is not None,
       "typing filters the list to one pair", text)
    keys("Enter")
    text = wait_for(lambda t: " fib │ cpu (nanoseconds)" in t and idle(t))
    ok(lines()[0].startswith(' {service_name="fib"} │ process_cpu:cpu │ last 1h'),
       "the header: selector, profile type, range", text)
    ok("main.calculateFib" in text, "the flame graph of fib", text)
    want = top_function(srv.url, '{service_name="fib"}', CPU)
    ls = lines()
    head = [i for i, l in enumerate(ls) if l.startswith("function")]
    first = ls[head[0] + 1] if head else ""
    ok(want is not None and first.startswith(want + " "),
       "the table's hottest function is what `embers top` says (%s)" % want, text)
    return text


def test_timeline(s):
    text = screen()
    ls = text.split("\n")
    ok(ls[1].startswith(" timeline, 31s buckets"), "the timeline pane: 1 h in 31 s buckets",
       text)
    ok(any(c in ls[2] + ls[3] for c in "▁▂▃▄▅▆▇█"), "the sparkline has bars", text)
    ticks = re.findall(r"\d\d:\d\d", ls[4])
    ok(len(ticks) >= 8 and all(int(t[3:]) % 5 == 0 for t in ticks),
       "the time axis: HH:MM ticks every 5 minutes (%s)" % " ".join(ticks), text)
    now = time.gmtime()
    last = int(ticks[-1][:2]) * 60 + int(ticks[-1][3:]) if ticks else -1
    mins = now.tm_hour * 60 + now.tm_min
    ok(ticks and (mins - last) % 1440 <= 10, "the axis ends near now (UTC)", text)

    keys("1")
    text = wait_for(lambda t: "last 5m" in t.split("\n")[0] and "15s buckets" in t
                    and idle(t))
    ls = text.split("\n")
    ok("last 5m" in ls[0], "1: the last 5 minutes", text)
    ok(ls[1].startswith(" timeline, 15s buckets"), "5 minutes in 15 s buckets", text)
    ok(re.search(r"\d\d:\d\d:\d\d", ls[4]) is not None, "seconds on a 5 minute axis", text)
    keys("3")
    text = wait_for(lambda t: "last 1h" in t.split("\n")[0] and "31s buckets" in t
                    and idle(t))
    ok("last 1h" in lines()[0], "3: the last hour again", text)

    # mark 11 buckets and zoom the query into them
    keys("[")
    # the timeline's title says "marked" too: wait for the status line, as
    # a capture can fall between the two rows of one redraw
    text = wait_for(lambda t: "marked" in t.split("\n")[H - 1])
    ok("marked" in lines()[H - 1], "[ marks the cursor's bucket", text)
    def marked(t):
        m = re.search(r"marked (\d\d):(\d\d):(\d\d)-(\d\d):(\d\d):(\d\d)", t.split("\n")[1])
        if not m:
            return None
        a = [int(x) for x in m.groups()]
        return ((a[3] - a[0]) * 3600 + (a[4] - a[1]) * 60 + a[5] - a[2]) % 86400

    for _ in range(10):
        keys("<")
    text = wait_for(lambda t: marked(t) == 11 * 31)
    ok(marked(text) == 11 * 31, "< moves the cursor: 11 buckets of 31 s marked", text)
    keys("]")
    text = wait_for(lambda t: "last" not in t.split("\n")[0] and "15s buckets" in t
                    and idle(t))
    m = re.search(r"\d\d-\d\d (\d\d):(\d\d):(\d\d)-(\d\d):(\d\d):(\d\d)", lines()[0])
    span2 = None
    if m:
        a = [int(x) for x in m.groups()]
        span2 = ((a[3] - a[0]) * 3600 + (a[4] - a[1]) * 60 + a[5] - a[2]) % 86400
    ok(span2 == 11 * 31, "] zooms the query into the marked range (the header's range)",
       text)
    ok(" fib │ cpu (nanoseconds)" in text, "the profile of that range is shown", text)
    keys("3")
    wait_for(lambda t: "last 1h" in t.split("\n")[0] and idle(t))


def test_labels(s):
    keys("L")
    text = wait_for(lambda t: "pick its name" in t and "loading" not in t)
    ok("Filter by a label of fib" in text and re.search(r"^\s+env\s*$", text, re.M) and
       re.search(r"^\s+region\s*$", text, re.M), "L lists the service's label names", text)
    ok("__profile_type__" not in text, "the server's own labels are hidden", text)
    literal("reg")
    keys("Enter")
    # the list can be caught halfway through its redraw: wait for its end
    text = wait_for(lambda t: "pick how to compare" in t and "does not match the regex" in t)
    ok("does not match the regex" in text, "then the four operators", text)
    keys("Enter")
    text = wait_for(lambda t: "pick or type a value" in t and
                    re.search(r"^\s+us-east\s*$", t, re.M) is not None)
    ok(re.search(r"^\s+us-east\s*$", text, re.M) is not None, "then the values (LabelValues)",
       text)
    keys("Enter")
    text = wait_for(lambda t: 'region="us-east"' in t.split("\n")[0] and
                    "cpu (nanoseconds)" in t and idle(t))
    ok(lines()[0].startswith(' {service_name="fib", region="us-east"}'),
       "the filter is in the selector the header shows", text)
    ok("main.calculateFib" in text, "and the profile still matches", text)

    keys("L")
    wait_for(lambda t: "pick its name" in t and "loading" not in t)
    literal("env")
    keys("Enter")
    wait_text("pick how to compare")
    keys("Down", "Enter")
    wait_for(lambda t: "pick or type a value" in t and "loading" not in t)
    literal("dev")
    keys("Enter")
    text = wait_for(lambda t: "profiles match" in t and idle(t))
    ok('env!="dev"' in lines()[0], "!= dev added", text)
    ok("no process_cpu:cpu:nanoseconds:cpu:nanoseconds profiles match" in lines()[H - 1],
       "fib runs in dev: nothing matches, said in one line", text)

    keys("e")
    text = wait_text("selector: {")
    ok(lines()[H - 1].startswith('selector: {service_name="fib", region="us-east", '
                                 'env!="dev"}'), "e: the selector on the bottom line", text)
    keys("C-u")
    literal('{service_name="fib", region=~"us-.*"')
    keys("Enter")
    text = wait_text("expected")
    ok("expected ',' or '}'" in lines()[H - 1], "a broken selector is refused in one line",
       text)
    literal("}")
    keys("Enter")
    text = wait_for(lambda t: t.split("\n")[0].startswith(
        ' {service_name="fib", region=~"us-.*"}') and idle(t) and "calculateFib" in t)
    ok(lines()[0].startswith(' {service_name="fib", region=~"us-.*"}'),
       "typed directly, the selector applies", text)
    ok("main.calculateFib" in text, "regex matcher: the profile is back", text)


def test_errors_in_view(s, srv):
    keys("6")
    text = wait_text("exceeds the limit")
    ok("the query time range exceeds the limit" in lines()[H - 1],
       "7 d over a 24 h limit: the Connect error in one line", text)
    keys("3")
    text = wait_for(lambda t: "last 1h" in t.split("\n")[0] and "exceeds" not in t
                    and idle(t))
    ok("main.calculateFib" in text and "exceeds" not in text,
       "the UI answers: back to the last hour", text)
    keys("?")
    wait_text("embers keys")
    text = screen()
    for _ in range(60):  # scroll down line by line to the server's section
        if "With a server (embers --url):" in text and "Query the last 5 minutes" in text:
            break
        keys("j")
        time.sleep(0.05)
        text = screen()
    ok("With a server (embers --url):" in text and "Query the last 5 minutes" in text,
       "help lists the server keys (scrolled down)", text)
    keys("q")
    text, secs = s.quit("q")
    ok("EMBERS-EXIT 0" in text, "q quits (status 0)", text)


def test_truncation(s, srv):
    q = '{service_name="checkout"}'
    text = s.start("--url", srv.url, "-q", q, "--profile-type", CPU, "--max-nodes", "20",
                   ready="cpu (nanoseconds)")
    text = wait_for(lambda t: "truncated" in t and idle(t))
    ok("truncated (small frames are in 'other')" in lines()[0],
       "--max-nodes 20: the header says the view is truncated", text)
    ok("runtime.netpoll" not in text, "small frames are folded away", text)
    n0 = len(srv.requests())
    keys("/")
    literal("^runtime.mcall$")
    keys("Enter")
    text = wait_for(lambda t: t.split("\n")[H - 1].startswith("runtime.mcall"))
    keys("Enter")
    text = wait_text("detail of runtime.mcall")
    ok("detail of runtime.mcall" in lines()[0], "zooming asks for the frame's detail", text)
    text = wait_text("runtime.netpoll")
    ok("runtime.netpoll" in text, "and frames that were in 'other' come back", text)
    reqs = [r["method"] for r in srv.requests()[n0:]]
    ok("SelectMergeStacktraces" in reqs, "with one more flame graph request (%s)" % reqs,
       text)
    keys("Escape")
    text = wait_for(lambda t: "detail of" not in t.split("\n")[0] and "cpu (nano" in t)
    ok("truncated" in lines()[0] and "detail" not in lines()[0],
       "Esc: back to the root, the whole graph again", text)
    s.quit("q")


def test_cancel(s, srv):
    slow = srv.url + "/_fault/sleep=6"
    s.start("--url", slow, "-q", '{service_name="fib"}', "--profile-type", CPU)
    # the placeholder says "Esc cancels" too: wait for the header's spinner
    text = wait_for(lambda t: "loading flame graph" in t.split("\n")[0], timeout=5)
    ok(re.search(r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] loading flame graph \d+\.\ds", lines()[0]) is not None,
       "a slow request: a spinner with the time in the header", text)
    t1 = lines()[0]
    time.sleep(0.5)
    ok(lines()[0] != t1, "the spinner moves", t1 + "\n" + lines()[0])
    t0 = time.time()
    keys("Escape")
    text = wait_text("cancelled", timeout=5)
    ok("profile request cancelled" in text and time.time() - t0 < 3,
       "Esc cancels it at once (%.1fs)" % (time.time() - t0), text)
    ok("Esc cancels" not in lines()[0], "the spinner stops", text)
    keys("e")
    text = wait_text("selector: {")
    ok(lines()[H - 1].startswith("selector: {"), "the UI still answers keys", text)
    keys("Escape")
    text, secs = s.quit("q")
    ok("EMBERS-EXIT 0" in text and secs < 3,
       "q quits at once, no waiting for the server (%.1fs)" % secs, text)


def test_errors(s, srv, tmpdir):
    port = closed_port()
    text = s.start("--url", "http://127.0.0.1:%d" % port, ready="connection refused")
    ok("services: cannot connect to 'http://127.0.0.1:%d': connection refused" % port in text,
       "closed port: one line in the picker", text)
    n0 = len(lines()[0])
    keys("C-r")
    text = wait_for(lambda t: "connection refused" in t and idle(t))
    ok("connection refused" in text and n0 > 0, "Ctrl-R retries, the UI answers", text)
    text, _ = s.quit("Escape")
    ok("EMBERS-EXIT 0" in text, "Esc quits an empty picker", text)

    gw = FakeServer(tmpdir, "--basic-auth", "alice:secret")
    text = s.start("--url", gw.url, "-q", '{service_name="fib"}', "--profile-type", CPU,
                   ready="HTTP 401")
    err = [l for l in lines() if "HTTP 401 Unauthorized" in l]
    ok(err and "the server wants credentials" in err[0], "401: one line says why", text)
    keys("e")
    text = wait_text("selector: {")
    ok(lines()[H - 1].startswith("selector: {"), "401: the UI still answers", text)
    keys("Escape")
    s.quit("q")

    based = FakeServer(tmpdir, "--base-path", "/pyroscope")
    text = s.start("--url", based.url, "-q", '{service_name="fib"}', "--profile-type", CPU,
                   ready="HTTP 404")
    text = wait_text("the Pyroscope base URL?")
    err = [l for l in lines() if "HTTP 404 Not Found" in l]
    ok(err and err[-1] == lines()[H - 1] and err[-1].startswith("profile: "),
       "404 wrong base path: one line at the bottom", text)
    ok("is '%s' the Pyroscope base URL?" % based.url in
       " ".join(l.strip() for l in lines()[5:H - 1]), "the whole message, with the hint", text)
    # (no retry here: the fake server answers a wrong base path without
    # reading the body, which spoils the kept-alive connection)
    keys("e")
    text = wait_text("selector: {")
    ok(lines()[H - 1].startswith("selector: {"), "404: the UI still answers", text)
    keys("Escape")
    text = wait_text("r retries   e edits")
    text, _ = s.quit("q")
    ok("EMBERS-EXIT 0" in text, "q quits", text)


def flat(ls):
    """The body of the screen as one string: the placeholder wraps a long
    message over a few centred lines."""
    return " ".join(l.strip() for l in ls)


def view_error(s, name, url, want, hint=None, extra=()):
    """Opens the view of fib on URL, expects WANT on the bottom line (the
    one line with the cause) and HINT in the whole message above it, then
    checks that the UI still answers: ? (help) and e (the selector)."""
    text = s.start("--url", url, "-q", '{service_name="fib"}', "--profile-type", CPU,
                   *extra, ready=want, env="TZ=UTC ")
    text = wait_for(lambda t: want in t.split("\n")[H - 1] and idle(t))
    last = lines()[H - 1]
    ok(want in last and last.startswith("profile: ") and
       sum(1 for l in lines()[1:H - 1] if l.startswith("profile: ")) == 0,
       "%s: one line at the bottom (%s)" % (name, last.strip()[:80]), text)
    if hint is not None:
        ok(hint in flat(lines()[1:H - 1]), "%s: the whole message says %r" % (name, hint),
           text)
    keys("?")
    text = wait_for(lambda t: "r refresh   e selector" in t.split("\n")[H - 1])
    ok(lines()[H - 1].startswith("r refresh   e selector"),
       "%s: the UI still answers (? shows the keys)" % name, text)
    keys("e")
    text = wait_text("selector: {")
    ok(lines()[H - 1].startswith('selector: {service_name="fib"}'),
       "%s: e edits the selector" % name, text)
    keys("Escape")
    text, secs = s.quit("q")
    ok("EMBERS-EXIT 0" in text and secs < 3, "%s: q quits (%.1fs)" % (name, secs), text)


def test_more_errors(s, srv, tmpdir):
    """TLS, 403 and tenants, a proxy's HTML page, a time-out, a reply too
    large: each one line, and the UI goes on."""
    hostport = srv.url[len("http://"):]
    view_error(s, "TLS to a plain HTTP server", "https://" + hostport,
               "TLS handshake failed", hint="(is it a plain http:// server?)")

    mt = FakeServer(tmpdir, "--tenants", "acme")
    view_error(s, "multi-tenant, no --tenant-id", mt.url, "no org id (unauthenticated)",
               hint="set --tenant-id")
    view_error(s, "403 with a foreign --tenant-id", mt.url,
               "tenant 'evil' may not read this data", extra=("--tenant-id", "evil"),
               hint="(permission_denied) (check --tenant-id")
    n0 = len(mt.requests())
    text = s.start("--url", mt.url, "-q", '{service_name="fib"}', "--profile-type", CPU,
                   "--tenant-id", "acme")
    text = wait_for(lambda t: "main.calculateFib" in t and idle(t))
    ok("main.calculateFib" in text, "the right --tenant-id: the profile (control)", text)
    # the flame graph, then (once it is shown) the full profile and the rest
    end = time.time() + 10
    while len(mt.requests()) < n0 + 3 and time.time() < end:
        time.sleep(0.05)
    sent = mt.requests()[n0:]
    ok(len(sent) >= 3 and all(r["tenant"] == "acme" for r in sent),
       "X-Scope-OrgID sent on every request (%d)" % len(sent), sent)
    s.quit("q")
    view_error(s, "a gateway's bare 403", srv.url + "/_fault/status=403",
               "HTTP 403 Forbidden", hint="or the credentials lack rights")

    view_error(s, "a proxy's HTML 502 page", srv.url + "/_fault/html=502",
               "got an HTML page (HTTP 502 Bad Gateway",
               hint="a proxy or login page in between")
    view_error(s, "an SSO login page (200 HTML)", srv.url + "/_fault/login",
               "got an HTML page (HTTP 200", hint='"Sign in - Example SSO"')

    t0 = time.time()
    view_error(s, "time-out", srv.url + "/_fault/sleep=4", "no complete reply within 1.0 s",
               extra=("--timeout", "1"), hint="(--timeout)")
    ok(time.time() - t0 < 4, "--timeout 1: the error comes before the server's 4 s "
       "(%.1fs in all)" % (time.time() - t0))

    view_error(s, "reply too large", srv.url, "reply is larger than 2048 bytes",
               extra=("--max-reply-size", "2K"), hint="(--max-reply-size)")

    # the picker: the same errors, one line, and typing still filters
    text = s.start("--url", srv.url + "/_fault/html=503", ready="got an HTML page")
    text = wait_for(lambda t: "got an HTML page" in t and idle(t))
    last = lines()[H - 1]
    ok(last.startswith("services: ") and "got an HTML page (HTTP 503 Service Unavailable"
       in last, "picker, a proxy's 503 page: one line at the bottom", text)
    literal("fib")
    text = wait_for(lambda t: re.search(r"^\s*> fib\s+0/0\s*$", t, re.M) is not None)
    ok(re.search(r"^\s*> fib\s+0/0\s*$", text, re.M) is not None,
       "picker: the UI still answers (typing goes to the filter)", text)
    keys("C-u")
    text, _ = s.quit("Escape")
    ok("EMBERS-EXIT 0" in text, "picker: Esc quits", text)


def test_env(s, srv):
    text = s.start(env="EMBERS_URL=%s " % srv.url, ready="Pick a service")
    ok("Pick a service and profile type" in text and srv.url in lines()[0],
       "EMBERS_URL and no file: the server viewer", text)
    s.quit("C-c")
    s.start("--url", srv.url, "some.pb.gz")
    text = wait_for(exited, exit_ok=True)
    ok("give a profile FILE or server options, not both" in text and "EMBERS-EXIT 2" in text,
       "a file and --url: a usage error", text)


def main():
    def body(tmpdir):
        try:
            srv = FakeServer(tmpdir)
            s = Session(tmpdir)
            test_picker_to_flame(s, srv)
            test_timeline(s)
            test_labels(s)
            test_errors_in_view(s, srv)
            test_truncation(s, srv)
            test_cancel(s, srv)
            test_errors(s, srv, tmpdir)
            test_more_errors(s, srv, tmpdir)
            test_env(s, srv)
        finally:
            FakeServer.stop_all()
    return run_main(body, "embers-srv-tmux-")


if __name__ == "__main__":
    sys.exit(main())

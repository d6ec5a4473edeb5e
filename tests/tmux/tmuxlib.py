"""tmuxlib.py - the tmux driver the end-to-end TUI tests share (stdlib only).

A private tmux server (its own socket, no config) holding one pane with a
clean shell; embers is started from that shell so that the prompt and an
"EMBERS-EXIT N" marker show the terminal was given back. Keys go in with
send-keys, the screen comes out with capture-pane and is polled until a
predicate holds. TAP points come from tests/cli/emtest.py's Tap, names
unescaped (frames such as (anonymous:L#22) are test names) and whole screen
captures as diagnostics.

Used by tests/tmux/test_tui.py, test_source_pane.py, test_server_tui.py,
test_server_diff_tui.py and test_diff_tui.py; run_main() does their skip checks, temporary directory
and clean-up.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
from emtest import Tap  # noqa: E402

EMBERS = os.environ.get("EMBERS", "")
TESTDATA = os.environ.get("TESTDATA", os.path.join(HERE, "..", "data"))
# one server per test process, named after the test script
SOCKET = "embers-%s-%d" % (os.path.splitext(os.path.basename(sys.argv[0]))[0], os.getpid())
W, H = 120, 40
# passed through to the shell: a sanitizer build keeps its options
PASS_VARS = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TERMINFO")

tap = Tap(escape=False, diag_max=None)
ok = tap.ok


# ---- tmux commands ---------------------------------------------------------

def tmux(*args, check=True):
    r = subprocess.run(["tmux", "-L", SOCKET, "-f", "/dev/null"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("tmux %s: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


def screen(escapes=False):
    """The pane's text (with its SGR escapes when asked)."""
    args = ["capture-pane", "-p", "-t", "t"]
    if escapes:
        args.insert(1, "-e")
    return tmux(*args)


def lines():
    return screen().split("\n")


def keys(*k):
    tmux("send-keys", "-t", "t", *k)


def literal(s):
    tmux("send-keys", "-t", "t", "-l", s)


def shq(s):
    return "'" + s.replace("'", "'\\''") + "'"


# ---- waiting for the screen ------------------------------------------------

def poll(capture, pred, timeout, interval=0.05, give_up=None, settle=False):
    """Capture until pred(capture) holds or timeout; returns the last
    capture. give_up(capture) stops early (embers exited when that is not
    what is awaited: a crash fails fast). settle: pred must hold on two
    equal captures in a row (a redraw may reach tmux in pieces)."""
    end = time.time() + timeout
    got = capture()
    while time.time() < end:
        if give_up is not None and give_up(got):
            return got
        if pred(got):
            if not settle:
                return got
            time.sleep(interval)
            again = capture()
            if again == got:
                return got
            got = again
            continue
        time.sleep(interval)
        got = capture()
    return got


def wait_for(pred, timeout=15.0):
    """Poll the screen until pred(text) holds; returns the last screen."""
    return poll(screen, pred, timeout)


def wait_text(s, timeout=15.0, stable=False):
    """Wait for s on screen; stable: and for the screen to settle, as a
    capture can catch the terminal halfway through a redraw (not while a
    spinner turns)."""
    end = time.time() + timeout
    text = wait_for(lambda t: s in t, timeout)
    while stable and time.time() < end:
        time.sleep(0.1)
        again = screen()
        if again == text and s in text:
            return text
        text = again
    return text


def exited(text):
    """The shell printed the exit marker after embers."""
    return any(l.startswith("EMBERS-EXIT ") for l in text.split("\n"))


def wait_exit(timeout=15.0):
    return wait_for(exited, timeout)


# ---- the shell in the pane -------------------------------------------------

def clean_env(tmpdir, extra=None):
    """A minimal environment: HOME and the config under tmpdir, a UTF-8
    256-colour terminal, the sanitizer settings; extra on top."""
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmpdir,
         "XDG_CONFIG_HOME": os.path.join(tmpdir, "config"),
         "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    for var in PASS_VARS:
        if var in os.environ:
            e[var] = os.environ[var]
    e.update(extra or {})
    return e


class Shell:
    """A shell (prompt "$ ") in a W x H tmux pane, run with clean_env."""

    def __init__(self, tmpdir, extra_env=None):
        self.tmpdir = tmpdir
        env = ["env", "-i"] + ["%s=%s" % kv for kv in clean_env(tmpdir, extra_env).items()]
        tmux("new-session", "-d", "-s", "t", "-x", str(W), "-y", str(H),
             " ".join(shq(e) for e in env + ["PS1=$ "]) + " sh")
        tmux("set-option", "-g", "status", "off")
        tmux("set-option", "-g", "escape-time", "0")
        wait_text("$")

    def run(self, cmdline):
        """Type cmdline at a cleared prompt and press Enter."""
        keys("clear", "Enter")
        wait_for(lambda t: t.strip() == "$")
        literal(cmdline)
        keys("Enter")


def stty_flags():
    """Ask the shell for its terminal's icanon and echo flags after embers
    exited: (the output line(s), the screen). The output line, not the
    command line, which starts with the prompt."""
    literal("stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo "
            "| tr '\\n' ' '; echo STTY-DONE")
    keys("Enter")

    def outs(text):
        return [l for l in text.split("\n")
                if l.rstrip().endswith("STTY-DONE") and not l.startswith("$")]
    text = wait_for(outs)
    return outs(text), text


# ---- the test's frame --------------------------------------------------------

def close():
    """Kill the tmux server and remove the socket it leaves behind."""
    sock = tmux("display-message", "-p", "#{socket_path}", check=False).strip()
    tmux("kill-server", check=False)
    if sock and os.path.basename(sock) == SOCKET:
        try:
            os.unlink(sock)
        except OSError:
            pass


def run_main(body, prefix):
    """Skip without tmux or a built $EMBERS; else body(tmpdir) with a fresh
    temporary directory, then clean up and print the plan. Exit status."""
    if shutil.which("tmux") is None:
        print("1..0 # SKIP tmux not installed")
        return 0
    if not EMBERS or not os.access(EMBERS, os.X_OK):
        print("1..0 # SKIP $EMBERS not built")
        return 0
    tmpdir = tempfile.mkdtemp(prefix=prefix)
    try:
        body(tmpdir)
    finally:
        close()
        shutil.rmtree(tmpdir, ignore_errors=True)
    return tap.done()

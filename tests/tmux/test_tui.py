#!/usr/bin/env python3
"""test_tui.py - end-to-end tests of the terminal UI inside tmux.

Runs the real binary ($EMBERS) in a private tmux server (its own socket,
no config), types keys with send-keys and reads the screen with
capture-pane, asserting what a person would see: frame names, status line
percentages, zoom and back, search, table order, help, resize, the sample
type switch, the too-small screen, colours, and that the terminal is
restored (the shell prompt back, stty sane) after q, Ctrl-C and SIGTERM.
Prints TAP. Skips when tmux is missing."""

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tmuxlib import (EMBERS, TESTDATA, W, H, ok, tmux, screen, keys, literal,  # noqa: E402
                     wait_for, wait_text, wait_exit, stty_flags, run_main, Shell)


class Session(Shell):
    """The shell; start() runs embers with its pid written to a file (for
    the signal tests)."""

    def start(self, args, env="", ready="? help"):
        pidfile = os.path.join(self.tmpdir, "pid")
        if os.path.exists(pidfile):
            os.unlink(pidfile)
        self.run("%s sh -c 'echo $$ > %s; exec \"$0\" \"$@\"' %s %s; echo EMBERS-EXIT $?"
                 % (env, pidfile, EMBERS, args))
        text = wait_text(ready)
        self.pid = None
        for _ in range(100):
            try:
                with open(pidfile) as f:
                    self.pid = int(f.read().strip())
                break
            except (OSError, ValueError):
                time.sleep(0.05)
        return text


def assert_restored(name, status):
    text = wait_exit()
    ok("EMBERS-EXIT %d" % status in text, "%s: exit status %d" % (name, status), text)
    ok("? help" not in text and "total 1.00k" not in text,
       "%s: the TUI is gone from the screen (alternate screen left)" % name, text)
    out, text = stty_flags()
    ok(out and "icanon" in out[0] and "-icanon" not in out[0] and "echo" in out[0]
       and "-echo" not in out[0], "%s: stty sane (icanon, echo)" % name, repr(out) + "\n" + text)


def main():
    def body(tmpdir):
        small = os.path.join(TESTDATA, "tui", "small.folded")
        heap = os.path.join(TESTDATA, "tui", "go-heap.pb.gz")
        run_tests(Session(tmpdir), small, heap, tmpdir)
    return run_main(body, "embers-tmux-")


def run_tests(s, small, heap, tmpdir):
    # --- first screen ---------------------------------------------------
    text = s.start(small)
    ls = text.split("\n")
    ok(ls[0].startswith("total"), "root frame 'total' on the first row", text)
    ok("main" in ls[1], "main below the root", text)
    ok("server.handle" in ls[2], "the hottest frame server.handle is named", text)
    ok("small.folded" in ls[H - 2] and "total 1.00k" in ls[H - 2],
       "status line: profile and total", text)
    ok("samples (count)" in ls[H - 2], "status line: sample type and unit", text)
    ok("total 1.00k (100.00%)" in ls[H - 1] and "depth 0" in ls[H - 1],
       "selection: total, %, depth", text)

    # --- navigation and zoom --------------------------------------------
    keys("j", "l")
    text = wait_text("91.00% of parent")
    ok("main" in text.split("\n")[H - 1] and "total 910 (91.00%)" in text,
       "j l: main selected, 91% of total", text)
    keys("j", "Enter")
    text = wait_text("zoom server.handle")
    ls = text.split("\n")
    ok("zoom server.handle 70.00%" in ls[H - 2], "Enter zooms: status shows 70%", text)
    ok(ls[0].startswith("total") and ls[1].startswith("main") and
       ls[2].startswith("server.handle"), "breadcrumb total > main above the zoom", text)
    ok("json.Marshal" in ls[3] and "db.Query" in ls[3], "children fill the width", text)
    keys("BSpace")
    text = wait_for(lambda t: "zoom" not in t.split("\n")[H - 2])
    ok("zoom" not in text.split("\n")[H - 2], "Backspace: back to the root", text)
    ok("server.handle" in text.split("\n")[H - 1], "the zoomed frame stays selected", text)
    keys("U")
    text = wait_text("zoom server.handle")
    ok("zoom server.handle" in text, "U: forward again", text)
    keys("Escape")
    text = wait_for(lambda t: "zoom" not in t.split("\n")[H - 2])
    ok("zoom" not in text.split("\n")[H - 2], "Esc resets the zoom", text)

    # --- search ---------------------------------------------------------
    keys("/")
    literal("json")
    text = wait_text("/json/ 2 frames 40.00%")
    ok("/json/ 2 frames 40.00%" in text, "search as you type: 2 frames, 40% matched", text)
    keys("Enter")
    text = wait_text("40.00% of total")
    ok("'json': 2 frames in 2 functions, 40.00% of total" in text, "Enter: the matched share",
       text)
    keys("n")
    text = wait_for(lambda t: "json.encodeString" in t.split("\n")[H - 1])
    ok("json.encodeString" in text.split("\n")[H - 1], "n: the next match selected", text)
    keys("Escape")
    text = wait_for(lambda t: "/json/" not in t)
    ok("/json/" not in text, "Esc clears the search", text)

    # --- table ----------------------------------------------------------
    keys("Tab", "Tab")
    text = wait_for(lambda t: t.split("\n")[0].startswith("function"))
    ls = text.split("\n")
    ok(ls[0].startswith("function"), "Tab Tab: the table alone", text)
    ok("json.encodeString" in ls[1] and "net.(*conn).Read" in ls[2],
       "sorted by self: 300 then 250", text)
    keys("s", "g")
    text = wait_for(lambda t: "main" in t.split("\n")[1])
    ls = text.split("\n")
    ok("total\u25bc" in ls[0], "s: sort by total (arrow)", text)
    ok("main" in ls[1] and "server.handle" in ls[2] and "json.Marshal" in ls[3],
       "by total: main, server.handle, json.Marshal", text)
    ok("91.00%" in ls[1], "total % column", text)
    keys("s", "s", "Tab")
    text = wait_for(lambda t: t.split("\n")[0].startswith("total"))
    ok(text.split("\n")[0].startswith("total"), "Tab: both panes again", text)

    # --- help -------------------------------------------------------------
    keys("?")
    text = wait_text("embers keys")
    ok("Select the parent frame" in text and "k, Up" in text, "? shows the key help", text)
    keys("?")
    text = wait_for(lambda t: "embers keys" not in t)
    ok("embers keys" not in text, "? closes it", text)

    # --- resize and the too-small screen ----------------------------------
    tmux("resize-window", "-t", "t", "-x", "200", "-y", "50")
    text = wait_for(lambda t: "function" in t.split("\n")[0])
    ok("function" in text.split("\n")[0] and text.startswith("total"),
       "200 columns: table beside the flame graph", text)
    tmux("resize-window", "-t", "t", "-x", "30", "-y", "8")
    text = wait_text("terminal too small")
    ok("terminal too small" in text and "30x8" in text, "30x8: terminal too small", text)
    tmux("resize-window", "-t", "t", "-x", str(W), "-y", str(H))
    text = wait_for(lambda t: t.startswith("total") and "? help" in t)
    ok(text.startswith("total") and "? help" in text.split("\n")[H - 2],
       "back to 120x40: the view again", text)

    # --- quit -------------------------------------------------------------
    keys("q")
    assert_restored("q", 0)

    # --- sample types -----------------------------------------------------
    text = s.start(heap)
    ok("inuse_space (bytes) 4/4" in text, "Go heap: default type inuse_space", text)
    keys("j", "Enter")
    text = wait_text("zoom ")
    zoomed = [l for l in text.split("\n") if "zoom " in l]
    keys("t")
    text = wait_text("alloc_objects (count) 1/4")
    ok("alloc_objects (count) 1/4" in text, "t: next sample type", text)
    ok(zoomed and zoomed[0].split("zoom ")[1].split()[0] in text.split("\n")[H - 2],
       "the zoom is kept across the switch", text)
    # the type is built on a thread: keys right after t still answer
    keys("t", "?")
    text = wait_text("Select the parent frame")
    ok("Select the parent frame" in text, "? answers right after t", text)
    keys("Escape")
    text = wait_for(lambda t: "alloc_space (bytes) 2/4" in t and
                    "Select the parent frame" not in t)
    ok("alloc_space (bytes) 2/4" in text.split("\n")[H - 2] and
       "Select the parent frame" not in text, "then the new type is shown", text)
    keys("C-c")
    assert_restored("Ctrl-C", 130)

    # --- SIGTERM ----------------------------------------------------------
    s.start(small)
    ok(s.pid is not None, "got the viewer's pid")
    if s.pid is not None:
        os.kill(s.pid, signal.SIGTERM)
        assert_restored("SIGTERM", 128 + signal.SIGTERM)

    # --- SIGHUP, and a fatal signal (restored, then re-raised) ---------------
    s.start(small)
    if s.pid is not None:
        os.kill(s.pid, signal.SIGHUP)
        assert_restored("SIGHUP", 128 + signal.SIGHUP)
    s.start(small)
    if s.pid is not None:
        os.kill(s.pid, signal.SIGSEGV)
        text = wait_exit()
        m = re.search(r"^EMBERS-EXIT (\d+)", text, re.M)
        # 139: the default action ran; 1: a sanitizer's handler reported it
        ok(m is not None and int(m.group(1)) in (139, 1),
           "SIGSEGV: re-raised after the restore (exit 139, or 1 under ASan)", text)
        assert_restored("SIGSEGV", int(m.group(1)) if m else 139)

    # --- warnings while curses is up go to a file and are shown after --------
    os.makedirs(os.path.join(tmpdir, "config", "embers"), exist_ok=True)
    cfg = os.path.join(tmpdir, "config", "embers", "config.yaml")
    with open(cfg, "w") as f:
        f.write("theme: [not, a, name]\n")
    text = s.start(small)
    ok("line 1" not in text, "a config warning does not scribble over the view", text)
    keys("q")
    text = wait_exit()
    ok("embers: '%s': line 1: a list is not a setting" % cfg in text,
       "and is shown after the viewer exits", text)
    os.unlink(cfg)

    # --- a big profile: progress, and Esc cancels -----------------------------
    # The profile comes through a FIFO whose writer holds back the end
    # until Esc was pressed, so the load is still running when the key
    # arrives however fast the build is (a file raced a quick build).
    big = os.path.join(tmpdir, "big.folded")
    os.mkfifo(big)
    pressed = threading.Event()

    def feed():
        with open(big, "w") as f:
            for i in range(100000):
                f.write("main;pkg%d.handler;pkg%d.work%d;leaf%d %d\n"
                        % (i % 50, i % 50, i % 977, i, 1 + i % 7))
            f.flush()
            pressed.wait(30)
            f.write("main;last 1\n")

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    s.run("%s %s; echo EMBERS-EXIT $?" % (EMBERS, big))
    text = wait_text("Esc cancels", timeout=10)
    ok("loading big.folded" in text and "Esc cancels" in text,
       "loading shows the file and how to cancel", text)
    keys("Escape")
    time.sleep(0.3)
    pressed.set()
    writer.join(10)
    text = wait_exit()
    ok("embers: '%s': cancelled" % big in text and "EMBERS-EXIT 2" in text,
       "Esc cancels the load: one line, exit 2", text)

    # --- profile on stdin, keys from the terminal ---------------------------
    s.run("cat %s | %s -; echo EMBERS-EXIT $?" % (small, EMBERS))
    text = wait_text("? help")
    ok("stdin" in text.split("\n")[H - 2], "embers - reads the profile from stdin", text)
    keys("j", "l")
    text = wait_text("91.00% of parent")
    ok("main" in text.split("\n")[H - 1], "keys still work (read from /dev/tty)", text)
    keys("q")
    assert_restored("stdin", 0)

    # --- colours ----------------------------------------------------------
    s.start(small)
    esc = screen(escapes=True)
    ok("48;5;" in esc, "256-colour terminal: 256-colour backgrounds", esc[:400])
    keys("q")
    wait_exit()
    s.start(small, env="NO_COLOR=1")
    esc = screen(escapes=True)
    ok("\x1b[7m" in esc or ";7m" in esc, "NO_COLOR: reverse video", esc[:400])
    ok("48;5;" not in esc and "38;5;" not in esc, "NO_COLOR: no colours", esc[:400])
    keys("q")
    wait_exit()
    s.start(small, env="TERM=xterm")
    esc = screen(escapes=True)
    ok("48;5;" not in esc and re.search(r"\x1b\[([0-9;]*;)?4[0-7]m", esc) is not None,
       "8-colour terminal: basic colours", esc[:400])
    keys("q")
    wait_exit()
    if shutil.which("tic"):
        tdir = os.path.join(tmpdir, "terminfo")
        src = os.path.join(tmpdir, "direct.src")
        with open(src, "w") as f:
            f.write("xterm-direct-test|xterm with direct colour,\n"
                    "\tuse=xterm-256color, RGB, colors#0x1000000, pairs#0x10000,\n"
                    "\tsetaf=\\E[%?%p1%{8}%<%t3%p1%d%e38;2;%p1%{65536}%/%d;%p1%{256}%/%{255}%&%d;"
                    "%p1%{255}%&%d%;m,\n"
                    "\tsetab=\\E[%?%p1%{8}%<%t4%p1%d%e48;2;%p1%{65536}%/%d;%p1%{256}%/%{255}%&%d;"
                    "%p1%{255}%&%d%;m,\n")
        r = subprocess.run(["tic", "-x", "-o", tdir, src], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if r.returncode == 0:
            s.start(small, env="TERMINFO=%s TERM=xterm-direct-test COLORTERM=truecolor" % tdir)
            esc = screen(escapes=True)
            ok("48;2;" in esc, "COLORTERM=truecolor with a direct-colour terminfo: 24-bit",
               esc[:400])
            keys("q")
            wait_exit()
    # the config file picks the theme
    os.makedirs(os.path.join(tmpdir, "config", "embers"), exist_ok=True)
    with open(os.path.join(tmpdir, "config", "embers", "config.yaml"), "w") as f:
        f.write("theme: mono\n")
    s.start(small)
    esc = screen(escapes=True)
    ok("48;5;" not in esc and ("\x1b[7m" in esc or ";7m" in esc),
       "config.yaml theme: mono is used", esc[:400])
    keys("q")
    wait_exit()
    os.unlink(os.path.join(tmpdir, "config", "embers", "config.yaml"))

    # --- ASCII when the locale is not UTF-8 ----------------------------------
    s.start(small, env="LANG=C LC_ALL=C")
    text = screen()
    ok(" | " in text.split("\n")[H - 2] and "\u2502" not in text,
       "C locale: ASCII separators, no box characters", text)
    keys("q")
    wait_exit()

    # --- bad input: one clear error, terminal fine --------------------------
    bad = os.path.join(tmpdir, "bad.pb.gz")
    with open(bad, "wb") as f:
        f.write(b"\x1f\x8b\x08\x00garbage")
    s.run("%s %s; echo EMBERS-EXIT $?" % (EMBERS, bad))
    text = wait_exit()
    ok("embers: '%s':" % bad in text and "EMBERS-EXIT 2" in text,
       "a corrupt file: one error line, exit 2", text)


if __name__ == "__main__":
    sys.exit(main())

"""fakeserver.py - the fake Pyroscope server as the server tests use it.

Starts tests/server/fake_pyroscope.py on 127.0.0.1 (an ephemeral port, the
URL read from its first line), reads its request log and stops it; also the
environments that keep the tests on loopback (no proxy, no profilecli or
EMBERS_URL settings of the person running them). Shared by
tests/server/test_query.py, test_server_diff.py,
tests/tmux/test_server_tui.py and test_server_diff_tui.py (stdlib only).
"""
import json
import os
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fake_pyroscope.py")
PYTHON = os.environ.get("PYTHON3") or sys.executable
NOW = 1714564800000  # 2024-05-01T12:00:00Z, the anchor the tests give the server
# names in the fake server's data (tests/server/manifest.json)
CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds"
CHECKOUT = '{service_name="checkout"}'


def loopback_env(env=None):
    """env (default ours) without *_proxy: the tests talk to 127.0.0.1 only."""
    env = os.environ if env is None else env
    return {k: v for k, v in env.items() if not k.lower().endswith("_proxy")}


def client_env():
    """An environment for embers as a client of the fake server: loopback
    only, and none of the settings that would pick another server."""
    return {k: v for k, v in loopback_env().items()
            if not k.startswith("PROFILECLI_") and k != "EMBERS_URL"}


def closed_port():
    """A loopback port nobody listens on (bound once, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class FakeServer:
    """One fake server; its requests logged to LOGDIR/log-N.jsonl. now
    anchors its data (default: the current minute). Extra args go to
    fake_pyroscope.py (--tenants, --basic-auth, --base-path, ...)."""

    started = []

    def __init__(self, logdir, *args, now=None):
        self.log = os.path.join(logdir, "log-%d.jsonl" % len(FakeServer.started))
        anchor = ["--now", str(now)] if now is not None else []
        self.proc = subprocess.Popen(
            [PYTHON, FAKE, "--port", "0"] + anchor + ["--log", self.log] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
            env=loopback_env())
        line = self.proc.stdout.readline().decode()
        if not line.startswith("listening on "):
            raise RuntimeError("fake server did not start: %r %r"
                               % (line, self.proc.stderr.read()[:2000]))
        self.url = line.split()[-1]
        self.port = int(self.url.rsplit(":", 1)[1])
        FakeServer.started.append(self)

    def requests(self):
        """The logged requests, oldest first (dicts with "method", ...)."""
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(x) for x in f]

    def methods(self):
        return [r["method"] for r in self.requests()]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    @classmethod
    def stop_all(cls):
        for srv in cls.started:
            srv.stop()

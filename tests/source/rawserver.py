"""rawserver.py - a stand-in for raw.githubusercontent.com on 127.0.0.1.

GET /OWNER/REPO/REF/PATH answers from a dict of files. Some owners behave
specially:
  private/...  401 unless "Authorization: token <token>" is sent
  slow/...     waits `slow_seconds` before answering
  huge/...     streams `huge_bytes` bytes
  moved/...    301 to the same path on `redirect_to` (another server) or,
               for moved/same/..., to /acme/... on this server
Every request is logged as (path, Authorization header or None).
Loopback only; stdlib only.
"""
import http.server
import threading
import time


class RawServer:
    def __init__(self, files=None, token=None, slow_seconds=5.0,
                 huge_bytes=20 << 20, redirect_to=None):
        self.files = dict(files or {})
        self.token = token
        self.slow_seconds = slow_seconds
        self.huge_bytes = huge_bytes
        self.redirect_to = redirect_to
        self.log = []
        self.lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                pass

            def send_body(self, code, body, ctype="text/plain"):
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                path = self.path
                with server.lock:
                    server.log.append((path, self.headers.get("Authorization")))
                parts = path.lstrip("/").split("/", 1)
                owner = parts[0]
                if owner == "private":
                    want = "token %s" % server.token
                    if self.headers.get("Authorization") != want:
                        return self.send_body(401, b"401: Unauthorized\n")
                if owner == "slow":
                    time.sleep(server.slow_seconds)
                if owner == "huge":
                    self.send_response(200)
                    self.send_header("Content-Length", str(server.huge_bytes))
                    self.end_headers()
                    chunk = b"// filler line of a huge file\n" * 1024
                    sent = 0
                    try:
                        while sent < server.huge_bytes:
                            n = min(len(chunk), server.huge_bytes - sent)
                            self.wfile.write(chunk[:n])
                            sent += n
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                if owner == "moved":
                    rest = parts[1] if len(parts) > 1 else ""
                    if rest.startswith("same/"):
                        loc = "/acme/" + rest[len("same/"):]
                    else:
                        loc = server.redirect_to + "/acme/" + rest
                    self.send_response(301)
                    self.send_header("Location", loc)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = server.files.get(path)
                if body is None:
                    return self.send_body(404, b"404: Not Found")
                if isinstance(body, str):
                    body = body.encode("utf-8")
                self.send_body(200, body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests(self):
        with self.lock:
            return list(self.log)

    def clear(self):
        with self.lock:
            self.log.clear()

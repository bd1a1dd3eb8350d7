#!/usr/bin/env python3
"""Demo upstream for deploy/quickstart.sh: a stand-in for a city health platform.

Answers every GET, HEAD and POST with a small JSON document naming the service, the method, the
path and (when the gateway sent one) the X-Request-Id it received, so a request through metrogw
shows what reached the upstream. HTTP/1.1 with keep-alive; request bodies are read in full
(Content-Length or chunked) and only their size is reported. Listens on loopback only.

Usage: upstream.py [--host 127.0.0.1] [--port 8081] [--service demo-platform]
"""

import argparse
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY_BYTES = 8 * 1024 * 1024


class DemoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless the client asks to close
    service = "demo-platform"

    def version_string(self):
        return "demo-upstream/1"

    def do_GET(self):
        self._answer(body_bytes=0)

    def do_HEAD(self):
        self._answer(body_bytes=0, send_body=False)

    def do_POST(self):
        size = self._read_body()
        if size is None:
            return
        self._answer(body_bytes=size)

    def _read_body(self):
        """Reads and discards the request body; returns its size, or None after an error reply."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            self._error(400, "bad Content-Length")
            return None
        if length < 0 or length > MAX_BODY_BYTES:
            self._error(413, "body too large")
            return None
        self.rfile.read(length)
        return length

    def _read_chunked(self):
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self._error(400, "bad chunk size")
                return None
            if size == 0:
                # Trailer section ends with an empty line.
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return total
            total += size
            if total > MAX_BODY_BYTES:
                self._error(413, "body too large")
                return None
            self.rfile.read(size)
            self.rfile.readline(1024)  # CRLF after the chunk data

    def _answer(self, body_bytes, send_body=True):
        doc = {"service": self.service, "method": self.command, "path": self.path}
        request_id = self.headers.get("X-Request-Id")
        if request_id:
            doc["received_request_id"] = request_id
        if body_bytes:
            doc["body_bytes"] = body_bytes
        self._send(200, doc, send_body)

    def _error(self, status, detail):
        self.close_connection = True
        self._send(status, {"service": self.service, "error": detail}, True)

    def _send(self, status, doc, send_body):
        payload = (json.dumps(doc, separators=(",", ":")) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if send_body:
            self.wfile.write(payload)

    def log_message(self, fmt, *args):
        sys.stderr.write("upstream: %s %s\n" % (self.address_string(), fmt % args))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--service", default="demo-platform")
    args = parser.parse_args()

    DemoHandler.service = args.service
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer((args.host, args.port), DemoHandler)
    # SIGTERM (deploy/quickstart.sh --stop) ends serve_forever() cleanly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sys.stderr.write("upstream: %s listening on %s:%d\n" % (args.service, args.host, args.port))
    sys.stderr.flush()
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

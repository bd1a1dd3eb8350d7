#!/usr/bin/env python3
"""Observability: Prometheus metrics (content and promtool lint), admin endpoints, access log."""

import datetime
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (LOOPBACK, HttpReader, NodeTestCase, connect, parse_metrics,  # noqa: E402
                     request, simple_config, wait_until)

PROMTOOL = shutil.which("promtool") or ("/usr/bin/promtool" if os.path.exists("/usr/bin/promtool") else None)


ROUTES = [
    {"name": "node", "path": "/v1/node", "match": "exact", "methods": ["GET"], "handler": "node-info"},
    {"name": "api", "path": "/ok/", "cluster": "up"},
    {"name": "failing", "path": "/fail", "match": "exact", "cluster": "up"},
    {"name": "hanging", "path": "/hang", "match": "exact", "cluster": "up"},
]


class MetricsTest(NodeTestCase):

    def start(self, **kwargs):
        self.up = self.upstream()
        self.up.set("status:500", path="/fail")
        self.up.set("hang", path="/hang")
        kwargs.setdefault("routes", ROUTES)
        self.gw = self.node(simple_config([self.up.address], workers=2, **kwargs))
        self.port = self.gw.port("main")

    def traffic(self):
        for i in range(5):
            self.assertEqual(request(self.port, "GET", f"/ok/{i}?q=secret-{i}").status, 200)
        self.assertEqual(request(self.port, "GET", "/v1/node").status, 200)
        self.assertEqual(request(self.port, "POST", "/v1/node").status, 405)
        self.assertEqual(request(self.port, "GET", "/fail").status, 500)

    def test_request_and_upstream_metrics(self):
        self.start()
        self.traffic()
        self.assertEqual(request(self.port, "GET", "/unrouted").status, 404)
        text = self.gw.metrics()
        v = lambda name, **labels: sum(val for n, l, val in parse_metrics(text)  # noqa: E731
                                       if n == name and all(l.get(k) == x for k, x in labels.items()))
        self.assertEqual(v("metrogw_http_requests_total", listener="main", route="api", code_class="2xx"), 5, text)
        self.assertEqual(v("metrogw_http_requests_total", listener="main", route="node", code_class="2xx"), 1)
        self.assertEqual(v("metrogw_http_requests_total", listener="main", route="failing", code_class="5xx"), 1)
        self.assertGreaterEqual(v("metrogw_http_requests_total", listener="main", code_class="4xx"), 2)
        self.assertEqual(v("metrogw_upstream_requests_total", cluster="up", code_class="2xx"), 5)
        self.assertEqual(v("metrogw_upstream_requests_total", cluster="up", code_class="5xx"), 1)
        self.assertEqual(v("metrogw_upstream_request_duration_seconds_count", cluster="up"), 6)
        self.assertEqual(v("metrogw_http_request_duration_seconds_count", route="api", code_class="2xx"), 5)
        self.assertEqual(v("metrogw_http_request_duration_seconds_bucket", route="api", code_class="2xx", le="+Inf"),
                         5)
        self.assertGreaterEqual(v("metrogw_http_connections_total", listener="main"), 9)
        for family in ("metrogw_http_active_connections", "metrogw_upstream_errors_total",
                       "metrogw_upstream_retries_total", "metrogw_upstream_active_connections",
                       "metrogw_config_reloads_total", "metrogw_tls_handshake_failures_total"):
            self.assertIn(f"# TYPE {family} ", text)

    def test_active_connections_gauge(self):
        self.start()
        socks = []
        for i in range(3):
            s = connect(self.port)
            self.addCleanup(s.close)
            s.sendall(f"GET /ok/held{i} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            self.assertEqual(HttpReader(s).read_response(timeout=5).status, 200)
            socks.append(s)
        wait_until(lambda: self.gw.metric_value("metrogw_http_active_connections", {"listener": "main"}) == 3,
                   timeout=3, message="3 active client connections")
        self.assertGreaterEqual(self.gw.metric_value("metrogw_upstream_active_connections", {"cluster": "up"}), 1)
        for s in socks:
            s.close()
        wait_until(lambda: self.gw.metric_value("metrogw_http_active_connections", {"listener": "main"}) == 0,
                   timeout=3, message="active client connections back to 0")

    @unittest.skipIf(PROMTOOL is None, "promtool not installed")
    def test_promtool_check_metrics(self):
        self.start()
        self.traffic()
        request(self.port, "GET", "/nowhere-special")
        text = self.gw.metrics()
        r = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, f"promtool check metrics:\n{r.stdout}{r.stderr}")

    def test_metrics_survive_reload(self):
        self.start()
        for i in range(3):
            request(self.port, "GET", f"/ok/{i}")
        # The worker counts a request after its last byte is written: the client may read first.
        count = lambda: self.gw.metric_value("metrogw_http_requests_total", {"route": "api", "code_class": "2xx"})
        wait_until(lambda: count() >= 3, timeout=3, message="the requests before the reload were not counted")
        self.assertEqual(count(), 3)
        self.assertEqual(self.gw.reload(simple_config([self.up.address], workers=2, routes=ROUTES)), "success")
        time.sleep(0.2)
        request(self.port, "GET", "/ok/after")
        wait_until(lambda: count() >= 4, timeout=3, message="the request after the reload was not counted")
        self.assertEqual(count(), 4, "request counters were reset or duplicated by a reload")

    def test_admin_endpoints(self):
        self.start()
        self.assertEqual(self.gw.admin_get("/healthz"), (200, "ok\n"))
        status, body = self.gw.admin_get("/readyz")
        self.assertEqual(status, 200)
        status, body = self.gw.admin_get("/nope")
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(body)["type"], "urn:metrogw:problem:not-found")
        conn = http.client.HTTPConnection(LOOPBACK, self.gw.admin_port, timeout=3)
        self.addCleanup(conn.close)
        conn.request("POST", "/metrics", body=b"x")
        r = conn.getresponse()
        self.assertEqual(r.status, 405)
        r.read()
        conn.request("GET", "/metrics")
        r = conn.getresponse()
        self.assertTrue(r.getheader("content-type", "").startswith("text/plain"), r.getheaders())
        r.read()

    # ---- access log ----

    def test_access_log_json_lines(self):
        self.start()
        self.traffic()
        ids = [request(self.port, "GET", "/ok/last?token=abc&x=1").header("x-request-id")]
        wait_until(lambda: len(self.gw.stdout_lines) >= 9, timeout=4, message="access log lines flushed")
        with self.gw._lock:
            lines = list(self.gw.stdout_lines)
        entries = []
        for line in lines:
            try:
                entries.append(json.loads(line))
            except ValueError:
                self.fail(f"access log line is not JSON: {line!r}")
        for e in entries:
            for key in ("ts", "request_id", "listener", "method", "path", "status", "duration_ms"):
                self.assertIn(key, e, e)
            self.assertNotIn("?", e["path"], f"query string logged: {e}")
            self.assertNotIn("secret", json.dumps(e))
            self.assertNotIn("token", json.dumps(e))
        last = [e for e in entries if e["request_id"] == ids[0]]
        self.assertEqual(len(last), 1)
        self.assertEqual(last[0]["path"], "/ok/last")
        self.assertEqual(last[0]["status"], 200)
        self.assertEqual(last[0]["route"], "api")
        self.assertEqual(last[0]["cluster"], "up")
        self.assertEqual(last[0]["upstream"], self.up.address)
        self.assertEqual(last[0]["method"], "GET")
        # ts is the request's wall-clock start, in UTC
        ts = datetime.datetime.strptime(last[0]["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        self.assertLess(abs(ts.timestamp() - time.time()), 30, last[0]["ts"])
        statuses = sorted(e["status"] for e in entries)
        self.assertIn(405, statuses)
        self.assertIn(500, statuses)

    def test_access_log_client_gone_499(self):
        self.start()
        s = connect(self.port)
        s.sendall(b"GET /hang HTTP/1.1\r\nHost: x\r\n\r\n")
        self.up.wait_requests(1)
        # Abort (RST): a plain close would be a half-close, which the gateway still answers.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
        wait_until(lambda: any(e.get("path") == "/hang" for e in self.gw.access_log()), timeout=4,
                   message="access log line for the abandoned request")
        e = [e for e in self.gw.access_log() if e.get("path") == "/hang"][0]
        self.assertEqual(e["status"], 499, e)
        self.assertIn("CC", e.get("flags", ""), e)

    def test_access_log_to_file_and_disabled(self):
        path = os.path.join(self.tmpdir, "access.log")
        self.start(access_log_path=path)
        rid = request(self.port, "GET", "/ok/to-file").header("x-request-id")

        def logged():
            if not os.path.exists(path):
                return False
            with open(path) as f:
                return [json.loads(l) for l in f if l.strip()]

        entries = wait_until(logged, timeout=4, message="access log file written")
        self.assertEqual(entries[0]["request_id"], rid)
        self.assertEqual(self.gw.stdout_lines, [], "access log also written to stdout")

        up = self.upstream()
        quiet = self.node(simple_config([up.address], access_log=False))
        request(quiet.port("main"), "GET", "/quiet")
        self.assertEqual(quiet.stop(), 0)
        self.assertEqual(quiet.stdout_lines, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)

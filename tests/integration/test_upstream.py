#!/usr/bin/env python3
"""Upstream failure handling: unavailable, timeouts, retries, outlier ejection, circuit breaker,
truncated answers, pooled-connection races, and TLS towards upstreams."""

import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (LOOPBACK, HttpReader, NodeTestCase, connect, free_port, request,  # noqa: E402
                     shared_certs, simple_config, wait_until)


def head(method, target, headers=()):
    out = f"{method} {target} HTTP/1.1\r\nHost: gw.test\r\n"
    for k, v in headers:
        out += f"{k}: {v}\r\n"
    return (out + "\r\n").encode("latin-1")


class UpstreamTest(NodeTestCase):

    def start_node(self, hosts, cluster=None, routes=None, workers=1, limits=None):
        self.gw = self.node(simple_config(hosts, cluster=cluster, routes=routes, workers=workers, limits=limits))
        self.port = self.gw.port("main")
        return self.gw

    def upstream_errors(self, kind):
        return self.gw.metric_value("metrogw_upstream_errors_total", {"cluster": "up", "kind": kind})

    # ---- unavailable / timeouts ----

    def test_upstream_down_503(self):
        dead = f"{LOOPBACK}:{free_port()}"  # nothing listens there
        self.start_node([dead])
        t0 = time.monotonic()
        r = request(self.port, "GET", "/anything")
        self.assertProblem(r, 503, "upstream-unavailable")
        self.assertLess(time.monotonic() - t0, 2.0)
        self.assertIn("urn:metrogw:request:" + r.header("x-request-id"), r.json().get("instance", ""), r)
        self.assertGreaterEqual(self.upstream_errors("connect"), 1)

    def test_upstream_hang_504(self):
        up = self.upstream("hang")
        self.start_node([up.address], cluster={"request_timeout_ms": 500, "retry": {"max_retries": 0}})
        t0 = time.monotonic()
        r = request(self.port, "GET", "/hang", timeout=10)
        elapsed = time.monotonic() - t0
        self.assertProblem(r, 504, "upstream-timeout")
        self.assertGreaterEqual(elapsed, 0.45)
        self.assertLess(elapsed, 2.0, f"504 after {elapsed:.2f}s with request_timeout_ms 500")
        self.assertGreaterEqual(self.upstream_errors("timeout"), 1)

    def test_route_timeout_overrides_cluster(self):
        up = self.upstream("hang")
        routes = [{"name": "fast", "path": "/fast/", "cluster": "up", "timeout_ms": 300},
                  {"name": "default", "path": "/", "cluster": "up"}]
        self.start_node([up.address], cluster={"request_timeout_ms": 5000}, routes=routes)
        t0 = time.monotonic()
        r = request(self.port, "GET", "/fast/x", timeout=10)
        elapsed = time.monotonic() - t0
        self.assertProblem(r, 504, "upstream-timeout")
        self.assertLess(elapsed, 1.5, f"route timeout_ms 300 not applied ({elapsed:.2f}s)")

    def test_connect_timeout(self):
        # A listener whose accept backlog is full drops SYNs: connects hang (loopback only).
        blackhole = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(blackhole.close)
        blackhole.bind((LOOPBACK, 0))
        blackhole.listen(0)
        filler = socket.create_connection(blackhole.getsockname(), timeout=1)
        self.addCleanup(filler.close)
        probe = socket.socket()
        self.addCleanup(probe.close)
        probe.settimeout(0.3)
        try:
            probe.connect(blackhole.getsockname())
            self.skipTest("kernel accepted a connection beyond the backlog; cannot emulate a connect timeout")
        except socket.timeout:
            pass
        addr = f"{LOOPBACK}:{blackhole.getsockname()[1]}"
        self.start_node([addr], cluster={"connect_timeout_ms": 300, "request_timeout_ms": 5000,
                                         "retry": {"max_retries": 0}})
        t0 = time.monotonic()
        r = request(self.port, "GET", "/x", timeout=10)
        elapsed = time.monotonic() - t0
        self.assertProblem(r, 503, "upstream-unavailable")
        self.assertGreaterEqual(elapsed, 0.25)
        self.assertLess(elapsed, 2.0, f"connect_timeout_ms 300 took {elapsed:.2f}s")
        self.assertGreaterEqual(self.upstream_errors("connect"), 1)

    def test_malformed_upstream_answer_502(self):
        up = self.upstream("garbage")
        self.start_node([up.address])
        r = request(self.port, "GET", "/junk")
        self.assertProblem(r, 502, "bad-gateway")
        self.assertGreaterEqual(self.upstream_errors("malformed"), 1)

    # ---- retries ----

    def retry_pair(self, bad_behaviour, cluster=None):
        self.a = self.upstream(bad_behaviour, name="A")
        self.b = self.upstream("ok", name="B")
        cl = {"outlier_detection": {"consecutive_5xx": 0}}
        cl.update(cluster or {})
        self.start_node([self.a.address, self.b.address], cluster=cl)

    def test_retry_idempotent_on_503(self):
        self.retry_pair("status:503")
        for i in range(6):
            r = request(self.port, "GET", f"/r/{i}")
            self.assertEqual(r.status, 200, f"GET {i}: {r!r}")
            self.assertEqual(r.json()["upstream"], "B")
        self.assertGreaterEqual(self.a.count(), 1, "host A was never tried")
        self.assertEqual(self.b.count(), 6)
        self.assertGreater(self.gw.metric_value("metrogw_upstream_retries_total", {"cluster": "up"}), 0)
        # Other idempotent methods are retried too.
        for method in ("PUT", "DELETE"):
            for i in range(2):
                r = request(self.port, method, f"/m/{i}", body=b"data" if method == "PUT" else None)
                self.assertEqual(r.status, 200, f"{method}: {r!r}")
        puts = [q for q in self.b.received() if q.method == "PUT"]
        self.assertTrue(all(q.body == b"data" for q in puts), "retried PUT lost its body")

    def test_post_not_retried(self):
        self.retry_pair("status:503")
        statuses = []
        for i in range(4):
            r = request(self.port, "POST", f"/p/{i}", body=b'{"n":%d}' % i)
            statuses.append((r.status, r.json().get("upstream")))
        posts_a = [q for q in self.a.received() if q.method == "POST"]
        posts_b = [q for q in self.b.received() if q.method == "POST"]
        self.assertEqual(len(posts_a) + len(posts_b), 4, f"a POST was sent twice: A={posts_a} B={posts_b}")
        self.assertGreaterEqual(len(posts_a), 1, "round robin never picked A")
        # A's 503 reaches the client as is (upstream's own body, not a gateway problem document).
        self.assertIn((503, "A"), statuses)
        self.assertEqual(statuses.count((503, "A")), len(posts_a))
        self.assertEqual(self.gw.metric_value("metrogw_upstream_retries_total", {"cluster": "up"}), 0)

    def test_no_retry_on_5xx_when_disabled(self):
        self.retry_pair("status:503", cluster={"retry": {"retry_on_5xx": False}})
        statuses = [request(self.port, "GET", f"/g/{i}").status for i in range(4)]
        self.assertIn(503, statuses)
        self.assertEqual(self.a.count() + self.b.count(), 4)

    def test_retry_on_reset_before_answer(self):
        self.retry_pair("reset")
        for i in range(4):
            r = request(self.port, "GET", f"/reset/{i}")
            self.assertEqual(r.status, 200, r)
        self.assertGreaterEqual(self.a.count(), 1)
        self.assertGreater(self.gw.metric_value("metrogw_upstream_retries_total", {"cluster": "up"}), 0)

    def test_retry_on_connect_failure(self):
        self.b = self.upstream("ok", name="B")
        dead = f"{LOOPBACK}:{free_port()}"
        self.start_node([dead, self.b.address], cluster={"outlier_detection": {"consecutive_5xx": 0}})
        for i in range(4):
            r = request(self.port, "GET", f"/c/{i}")
            self.assertEqual(r.status, 200, r)
        self.assertGreater(self.gw.metric_value("metrogw_upstream_retries_total", {"cluster": "up"}), 0)

    def test_max_retries_bounds_attempts(self):
        self.a = self.upstream("status:503", name="A")
        self.b = self.upstream("status:503", name="B")
        self.start_node([self.a.address, self.b.address],
                        cluster={"retry": {"max_retries": 1}, "outlier_detection": {"consecutive_5xx": 0}})
        r = request(self.port, "GET", "/both-bad")
        self.assertEqual(r.status, 503, r)
        self.assertEqual(self.a.count() + self.b.count(), 2, "max_retries 1 means at most 2 attempts")
        self.assertEqual(self.a.count(), 1, "the retry must avoid the host that failed")

    # ---- outlier detection ----

    def test_outlier_ejection(self):
        self.a = self.upstream("status:500", name="A")
        self.b = self.upstream("ok", name="B")
        self.start_node([self.a.address, self.b.address],
                        cluster={"outlier_detection": {"consecutive_5xx": 2, "base_ejection_ms": 1500}})
        for i in range(6):
            request(self.port, "GET", f"/warm/{i}")
        wait_until(lambda: self.gw.metric_value("metrogw_upstream_ejections_total", {"cluster": "up"}) >= 1,
                   timeout=3, message="host A ejected")
        self.assertEqual(self.a.count(), 2, "A should get exactly consecutive_5xx requests before ejection")
        t_ejected = time.monotonic()
        for i in range(10):
            r = request(self.port, "GET", f"/ejected/{i}")
            self.assertEqual(r.status, 200, r)
        self.assertLess(time.monotonic() - t_ejected, 1.2, "test too slow to observe the ejection window")
        self.assertEqual(self.a.count(), 2, "an ejected host received requests")
        # After the ejection period the host gets traffic again.
        time.sleep(max(0.0, 1.6 - (time.monotonic() - t_ejected)))
        for i in range(4):
            request(self.port, "GET", f"/back/{i}")
        self.assertGreater(self.a.count(), 2, "host A never came back after base_ejection_ms")

    # ---- circuit breaker ----

    def test_circuit_breaker_max_active(self):
        up = self.upstream("ok")
        up.set("hang", prefix="/hang")
        self.start_node([up.address], cluster={"request_timeout_ms": 3000, "retry": {"max_retries": 0},
                                               "circuit_breaker": {"max_pending": 100, "max_active": 1}})
        first = {}

        def hold():
            first["resp"] = request(self.port, "GET", "/hang/1", timeout=10)

        t = threading.Thread(target=hold, daemon=True)
        t.start()
        self.addCleanup(t.join, 10)
        up.wait_requests(1, timeout=5)
        t0 = time.monotonic()
        r = request(self.port, "GET", "/second", timeout=5)
        elapsed = time.monotonic() - t0
        self.assertProblem(r, 503, "circuit-open")
        self.assertLess(elapsed, 1.0, f"circuit-open answer took {elapsed:.2f}s")
        self.assertEqual([q.path for q in up.received()], ["/hang/1"])
        self.assertGreaterEqual(self.gw.metric_value("metrogw_upstream_circuit_rejections_total", {"cluster": "up"}), 1)
        self.assertGreaterEqual(self.gw.metric_value("metrogw_upstream_circuit_open", {"cluster": "up"}), 1)
        t.join(10)
        self.assertProblem(first["resp"], 504, "upstream-timeout")
        # Capacity is back once the hanging request is over.
        r = request(self.port, "GET", "/after")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.gw.metric_value("metrogw_upstream_circuit_open", {"cluster": "up"}), 0)

    # ---- truncated answers ----

    def test_upstream_closes_mid_body(self):
        up = self.upstream("close_mid_body")
        self.start_node([up.address])
        sock = connect(self.port)
        self.addCleanup(sock.close)
        sock.sendall(head("GET", "/truncated"))
        reader = HttpReader(sock)
        t0 = time.monotonic()
        try:
            r = reader.read_response(timeout=5)
            self.fail(f"a truncated upstream body was delivered as complete: {r!r}")
        except ConnectionError as e:
            self.assertIn(b" 200 ", bytes(reader.buf[:20]) if reader.buf else str(e).encode())
        except socket.timeout:
            self.fail("client connection left hanging after the upstream closed mid-body")
        self.assertLess(time.monotonic() - t0, 3.0)
        self.assertGreaterEqual(self.upstream_errors("reset"), 1)

    def test_stale_pooled_connection(self):
        """The upstream closes idle keep-alive connections; later requests (even POST) must not fail."""
        up = self.upstream("ok_then_close:0.05")
        self.start_node([up.address])
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        for i, method in enumerate(("GET", "GET", "POST", "POST")):
            body = b"x=1" if method == "POST" else b""
            extra = [("Content-Length", str(len(body)))] if body else []
            sock.sendall(head(method, f"/stale/{i}", extra) + body)
            r = reader.read_response(timeout=5)
            self.assertEqual(r.status, 200, f"request {i} ({method}) after the upstream closed its idle "
                                            f"connection: {r!r}")
            time.sleep(0.3)  # let the upstream close the pooled connection
        self.assertEqual(up.count(), 4)

    # ---- early answers ----

    def test_upstream_answers_before_reading_body(self):
        up = self.upstream("early:413")
        up.set("ok", path="/next")
        self.start_node([up.address])
        # Whole body sent: the answer is relayed and the connection stays usable or is closed cleanly.
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        sock.sendall(head("POST", "/early", [("Content-Length", "200000")]) + b"z" * 200000)
        r = reader.read_response(timeout=5)
        self.assertEqual(r.status, 413, r)
        self.assertEqual(r.json()["upstream"], "upstream")
        if (r.header("connection") or "").lower() != "close":
            sock.sendall(head("GET", "/next"))
            self.assertEqual(reader.read_response(timeout=5).json()["target"], "/next")
        else:
            self.assertTrue(reader.closed_by_peer(2))

    def test_upstream_answers_while_body_still_arriving(self):
        up = self.upstream("early:403")
        self.start_node([up.address])
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        sock.sendall(head("POST", "/early", [("Content-Length", "100000")]) + b"z" * 1000)
        r = reader.read_response(timeout=5)
        self.assertEqual(r.status, 403, r)
        self.assertEqual((r.header("connection") or "").lower(), "close",
                         "the rest of the body will never be read: the answer must close the connection")
        try:
            sock.sendall(b"z" * 1000)
        except OSError:
            pass
        self.assertTrue(reader.closed_by_peer(2))

    def test_retry_replays_chunked_body(self):
        self.retry_pair("reset")
        body_pieces = [b"alpha", b"-beta" * 100, b"-gamma"]
        for i in range(2):
            sock = connect(self.port)
            self.addCleanup(sock.close)
            chunked = b"".join(b"%x\r\n" % len(p) + p + b"\r\n" for p in body_pieces) + b"0\r\n\r\n"
            sock.sendall(head("PUT", f"/doc/{i}", [("Transfer-Encoding", "chunked")]) + chunked)
            r = HttpReader(sock).read_response(timeout=5)
            self.assertEqual(r.status, 200, r)
        for q in self.b.received():
            self.assertEqual(q.body, b"".join(body_pieces), f"replayed body differs for {q.target}")
        self.assertGreaterEqual(self.a.count() + self.gw.metric_value("metrogw_upstream_retries_total"), 1)

    def test_retry_recorded_in_access_log(self):
        self.retry_pair("status:503")
        rids = [request(self.port, "GET", f"/log/{i}").header("x-request-id") for i in range(4)]
        entries = wait_until(lambda: [e for e in self.gw.access_log() if e.get("request_id") in rids]
                             if len([e for e in self.gw.access_log() if e.get("request_id") in rids]) == 4 else None,
                             timeout=4, message="access log lines for the retried requests")
        retried = [e for e in entries if e.get("retries", 0) >= 1]
        self.assertTrue(retried, entries)
        for e in retried:
            self.assertEqual(e["status"], 200)
            self.assertIn("RE", e.get("flags", ""), e)
            self.assertEqual(e["upstream"], self.b.address, e)

    # ---- upstream TLS ----

    def tls_node(self, tls):
        certs = shared_certs()
        up = self.upstream("ok", tls_certs=certs)
        self.start_node([up.address], cluster={"tls": tls, "retry": {"max_retries": 0}})
        return up, certs

    def test_upstream_tls_verified(self):
        certs = shared_certs()
        up, _ = self.tls_node({"ca": certs.ca, "server_name": "localhost"})
        for i in range(3):
            r = request(self.port, "GET", f"/secure/{i}")
            self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["target"], "/secure/2")
        self.assertEqual(up.connections(), 1, "upstream TLS connections are not reused")

    def test_upstream_tls_untrusted_ca_502(self):
        certs = shared_certs()
        up, _ = self.tls_node({"ca": certs.rogue_ca, "server_name": "localhost"})
        r = request(self.port, "GET", "/secure")
        self.assertProblem(r, 502, "bad-gateway")
        self.assertEqual(up.count(), 0)
        self.assertGreaterEqual(self.upstream_errors("tls"), 1)

    def test_upstream_tls_wrong_name_502(self):
        certs = shared_certs()
        up, _ = self.tls_node({"ca": certs.ca, "server_name": "not-the-server.example"})
        r = request(self.port, "GET", "/secure")
        self.assertProblem(r, 502, "bad-gateway")
        self.assertEqual(up.count(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)

#!/usr/bin/env python3
"""Downstream limits and timeouts: header/body size, malformed input, timeouts, connection caps,
and back-pressure towards a client that does not read."""

import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (HttpReader, NodeTestCase, connect, parse_one_response, parse_responses,  # noqa: E402
                     raw_exchange, request, simple_config, wait_until)


def head(method, target, headers=()):
    out = f"{method} {target} HTTP/1.1\r\nHost: gw.test\r\n"
    for k, v in headers:
        out += f"{k}: {v}\r\n"
    return (out + "\r\n").encode("latin-1")


class LimitsTest(NodeTestCase):

    def start(self, limits, workers=1, upstream="ok", cluster=None, env=None):
        self.up = self.upstream(upstream)
        self.gw = self.node(simple_config([self.up.address], workers=workers, limits=limits, cluster=cluster),
                            env=env)
        self.port = self.gw.port("main")

    def protocol_errors(self, kind):
        return self.gw.metric_value("metrogw_http_protocol_errors_total", {"type": kind})

    def assert_closed(self, reader, timeout=2.0, what="connection"):
        self.assertTrue(reader.closed_by_peer(timeout), f"{what} was not closed by the gateway within {timeout}s")

    # ---- sizes ----

    def test_431_header_too_large(self):
        self.start({"max_header_bytes": 2048})
        ok = request(self.port, "GET", "/small", headers={"X-Pad": "a" * 1000})
        self.assertEqual(ok.status, 200, ok)
        sock = connect(self.port)
        self.addCleanup(sock.close)
        sock.sendall(head("GET", "/big", [("X-Pad", "a" * 3000)]))
        reader = HttpReader(sock)
        r = reader.read_response(timeout=3)
        self.assertProblem(r, 431, "header-too-large")
        self.assert_closed(reader)
        self.assertEqual(self.up.count(), 1, "the oversized request reached the upstream")
        self.assertGreaterEqual(self.protocol_errors("header_too_large"), 1)

    def test_431_many_small_headers(self):
        self.start({"max_header_bytes": 2048})
        headers = [(f"X-H{i}", "v" * 20) for i in range(100)]
        out = raw_exchange(self.port, head("GET", "/many", headers), timeout=3)
        resps = parse_responses(out)
        self.assertEqual(len(resps), 1, out[:300])
        self.assertProblem(resps[0], 431, "header-too-large")

    def test_413_by_content_length(self):
        self.start({"max_body_bytes": 1000})
        sock = connect(self.port)
        self.addCleanup(sock.close)
        # Only the head is sent: the gateway must refuse on the announced length alone.
        sock.sendall(head("POST", "/upload", [("Content-Length", "5000")]))
        reader = HttpReader(sock)
        r = reader.read_response(timeout=3)
        self.assertProblem(r, 413, "body-too-large")
        self.assert_closed(reader)
        self.assertEqual(self.up.count(), 0)
        self.assertGreaterEqual(self.protocol_errors("body_too_large"), 1)
        # At the limit is fine.
        self.up.set("echo_body")
        r = request(self.port, "POST", "/upload", body=b"b" * 1000)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.body), 1000)

    def test_413_by_chunked_body(self):
        self.start({"max_body_bytes": 1000})
        self.up.set("echo_body")
        sock = connect(self.port)
        self.addCleanup(sock.close)
        sock.sendall(head("POST", "/upload", [("Transfer-Encoding", "chunked")]))
        for _ in range(4):
            sock.sendall(b"190\r\n" + b"c" * 400 + b"\r\n")  # 1600 bytes in total, no final chunk
        reader = HttpReader(sock)
        r = reader.read_response(timeout=3)
        self.assertProblem(r, 413, "body-too-large")
        self.assert_closed(reader)
        # The upstream never got a complete request.
        time.sleep(0.2)
        self.assertTrue(all(len(q.body) <= 1000 for q in self.up.received()), self.up.received())
        self.assertEqual(self.up.count(), 0, "a truncated chunked body was completed towards the upstream")

    # ---- malformed ----

    def test_400_malformed_then_closed(self):
        self.start({})
        for bad in (b"GARBAGE\r\n\r\n",
                    b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
                    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
                    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"):
            sock = connect(self.port)
            self.addCleanup(sock.close)
            # A valid request pipelined after the bad one must not be answered.
            sock.sendall(bad + head("GET", "/after"))
            reader = HttpReader(sock)
            r = reader.read_response(timeout=3)
            self.assertProblem(r, 400, "malformed-request")
            self.assertEqual((r.header("connection") or "").lower(), "close", r)
            self.assert_closed(reader, what=f"connection after {bad!r}")
        self.assertEqual(self.up.count(), 0, self.up.received())
        self.assertGreaterEqual(self.protocol_errors("malformed"), 4)

    def test_upgrade_not_implemented(self):
        self.start({})
        out = raw_exchange(self.port, head("GET", "/ws", [("Connection", "Upgrade"), ("Upgrade", "websocket")]),
                           timeout=3)
        resps = parse_responses(out)
        self.assertEqual(len(resps), 1, out)
        self.assertProblem(resps[0], 501, "not-implemented")
        self.assertEqual(self.up.count(), 0)

    def test_smuggling_content_length_and_chunked_refused(self):
        self.start({})
        data = (b"POST /smuggle HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")
        out = raw_exchange(self.port, data, timeout=3)
        resps = parse_responses(out)
        self.assertGreaterEqual(len(resps), 1, out)
        self.assertProblem(resps[0], 400, "malformed-request")
        self.assertEqual(len(resps), 1, f"more than one answer: {resps}")
        self.assertNotIn("/smuggled", [q.path for q in self.up.received()])

    def test_bad_chunk_size_400(self):
        self.start({})
        self.up.set("echo_body")
        out = raw_exchange(self.port, head("POST", "/c", [("Transfer-Encoding", "chunked")]) + b"zz\r\nhello\r\n",
                           timeout=3)
        resps = parse_responses(out)
        self.assertEqual(len(resps), 1, out)
        self.assertProblem(resps[0], 400, "malformed-request")

    def test_header_timeout_on_second_keepalive_request(self):
        self.start({"header_timeout_ms": 300, "idle_timeout_ms": 5000})
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        sock.sendall(head("GET", "/first"))
        self.assertEqual(reader.read_response(timeout=3).status, 200)
        time.sleep(0.5)  # idle (not a header timeout): longer than header_timeout_ms
        t0 = time.monotonic()
        sock.sendall(b"GET /second HTTP/1.1\r\nHost: x\r\n")
        r = reader.read_response(timeout=3)
        self.assertProblem(r, 408, "request-timeout")
        self.assertGreaterEqual(time.monotonic() - t0, 0.25)
        self.assertEqual([q.path for q in self.up.received()], ["/first"])

    def test_body_timeout_is_per_gap(self):
        """body_timeout_ms bounds the gap between body reads, not the whole body."""
        self.start({"body_timeout_ms": 400})
        self.up.set("echo_body")
        sock = connect(self.port)
        self.addCleanup(sock.close)
        pieces = [b"%02d-" % i * 10 for i in range(10)]
        sock.sendall(head("POST", "/trickle", [("Content-Length", str(sum(map(len, pieces))))]))
        for p in pieces:  # 10 x 150 ms = 1.5 s in total, gaps well under the timeout
            time.sleep(0.15)
            sock.sendall(p)
        r = HttpReader(sock).read_response(timeout=5)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, b"".join(pieces))

    def test_upload_backpressure_memory_bounded(self):
        size = 24 * 1024 * 1024
        # Under ASan, freed buffers sit in a quarantine (256 MB by default) instead of being reused,
        # so resident memory grows with bytes moved, bounded or not. Keep the quarantine small here.
        env = None
        if os.environ.get("ASAN_OPTIONS") is not None:
            env = {"ASAN_OPTIONS": os.environ["ASAN_OPTIONS"] + ":quarantine_size_mb=1"}
        self.start({"max_body_bytes": 64 * 1024 * 1024}, workers=1, cluster={"request_timeout_ms": 20000}, env=env)
        self.up.set("slow_read:2.5", path="/upload")
        baseline_kb = self.gw.rss_kb()
        sock = connect(self.port, timeout=10)
        self.addCleanup(sock.close)
        sock.sendall(head("PUT", "/upload", [("Content-Length", str(size))]))
        sent = [0]
        block = b"u" * 65536

        def pump():
            try:
                while sent[0] < size:
                    sock.sendall(block)
                    sent[0] += len(block)
            except OSError:
                pass

        t = threading.Thread(target=pump, daemon=True)
        t.start()
        self.addCleanup(t.join, 10)
        peak_kb = baseline_kb
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            peak_kb = max(peak_kb, self.gw.rss_kb())
            time.sleep(0.1)
        self.assertLess(sent[0], size, "the whole upload was accepted while the upstream was not reading")
        self.assertLess(peak_kb - baseline_kb, 12 * 1024,
                        f"node buffered {peak_kb - baseline_kb} kB of a request body the upstream did not read")
        # Once the upstream reads again, the upload must flow to the end.
        t.join(6)
        self.assertEqual(sent[0], size, f"upload stalled: {sent[0]} of {size} bytes accepted 3.5 s after the "
                                        f"upstream started reading")
        r = HttpReader(sock).read_response(timeout=10)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["body_len"], size)

    # ---- request validation (RFC 9112) ----

    def test_whitespace_before_colon_rejected(self):
        """RFC 9112 5.1: whitespace between field name and colon MUST be rejected with 400 (smuggling vector)."""
        self.start({})
        self.up.set("echo_body")
        for bad in (b"GET /ws1 HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello",
                    b"GET /ws2 HTTP/1.1\r\nHost : x\r\n\r\n"):
            out = raw_exchange(self.port, bad, timeout=2)
            resps = parse_responses(out)
            self.assertEqual(len(resps), 1, f"request {bad!r}: got {out[:300]!r}")
            self.assertProblem(resps[0], 400, "malformed-request")
        self.assertEqual(self.up.count(), 0, f"forwarded verbatim: {[q.raw_head for q in self.up.received()]}")

    def test_duplicate_host_rejected(self):
        """RFC 9112 3.2: more than one Host field MUST be answered with 400."""
        self.start({})
        out = raw_exchange(self.port, b"GET /h HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n", timeout=2)
        resps = parse_responses(out)
        self.assertEqual(len(resps), 1, out[:300])
        self.assertProblem(resps[0], 400, "malformed-request")
        self.assertEqual(self.up.count(), 0, [q.raw_head for q in self.up.received()])

    def test_missing_host_http11_rejected(self):
        """RFC 9112 3.2: an HTTP/1.1 request without Host MUST be answered with 400."""
        self.start({})
        out = raw_exchange(self.port, b"GET /nohost HTTP/1.1\r\nConnection: close\r\n\r\n", timeout=2)
        resps = parse_responses(out)
        self.assertEqual(len(resps), 1, out[:300])
        self.assertProblem(resps[0], 400, "malformed-request")
        self.assertEqual(self.up.count(), 0)
        # HTTP/1.0 may omit it.
        out = raw_exchange(self.port, b"GET /nohost10 HTTP/1.0\r\n\r\n", timeout=2)
        self.assertEqual(parse_responses(out)[0].status, 200, out[:200])

    def test_obs_fold_not_forwarded(self):
        """RFC 9112 5.2: a proxy must reject obs-fold or replace it with SP before forwarding."""
        self.start({})
        out = raw_exchange(self.port, b"GET /fold HTTP/1.1\r\nHost: x\r\nX-F: a\r\n b\r\nConnection: close\r\n\r\n",
                           timeout=2)
        status = parse_responses(out)[0].status
        if status == 200:
            raw = self.up.last().raw_head
            self.assertNotIn(b"\r\n ", raw, raw)
        else:
            self.assertEqual(status, 400, out[:200])

    # ---- timeouts ----

    def test_header_timeout_408(self):
        self.start({"header_timeout_ms": 300})
        sock = connect(self.port)
        self.addCleanup(sock.close)
        t0 = time.monotonic()
        sock.sendall(b"GET /partial HTTP/1.1\r\nHost: gw.test\r\nX-Slow: ")
        reader = HttpReader(sock)
        r = reader.read_response(timeout=3)
        elapsed = time.monotonic() - t0
        self.assertProblem(r, 408, "request-timeout")
        self.assertGreaterEqual(elapsed, 0.25, "408 came before the header timeout")
        self.assertLess(elapsed, 2.0)
        self.assert_closed(reader)
        self.assertEqual(self.up.count(), 0)
        self.assertGreaterEqual(self.protocol_errors("timeout"), 1)

    def test_header_timeout_not_reset_by_trickle(self):
        """The header timeout runs from the first byte to the end of the head: trickling bytes does not extend it."""
        self.start({"header_timeout_ms": 400})
        sock = connect(self.port)
        self.addCleanup(sock.close)
        t0 = time.monotonic()
        sock.sendall(b"GET /trickle HTTP/1.1\r\n")
        got = b""
        sock.settimeout(0.1)
        for i in range(30):  # up to 3 s of one header line every 100 ms
            try:
                sock.sendall(f"X-T{i}: v\r\n".encode())
                chunk = sock.recv(4096)
                if chunk:
                    got += chunk
                    break
            except socket.timeout:
                continue
            except OSError:
                break
        elapsed = time.monotonic() - t0
        self.assertIn(b" 408 ", got.split(b"\r\n", 1)[0], got[:200])
        self.assertLess(elapsed, 1.5, "the trickling client kept the head open past header_timeout_ms")

    def test_body_timeout_408(self):
        self.start({"body_timeout_ms": 300})
        self.up.set("echo_body")
        sock = connect(self.port)
        self.addCleanup(sock.close)
        t0 = time.monotonic()
        sock.sendall(head("POST", "/upload", [("Content-Length", "100")]) + b"0123456789")
        reader = HttpReader(sock)
        r = reader.read_response(timeout=3)
        elapsed = time.monotonic() - t0
        self.assertProblem(r, 408, "request-timeout")
        self.assertGreaterEqual(elapsed, 0.25)
        self.assertLess(elapsed, 2.0)
        self.assert_closed(reader)

    def test_idle_keepalive_timeout_closes_silently(self):
        self.start({"idle_timeout_ms": 300})
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        sock.sendall(head("GET", "/one"))
        self.assertEqual(reader.read_response(timeout=3).status, 200)
        t0 = time.monotonic()
        try:
            rest = reader.read_until_close(timeout=3)
        except ConnectionResetError:
            rest = b""
        elapsed = time.monotonic() - t0
        self.assertEqual(rest, b"", "idle close must be silent (no 408 on an idle keep-alive connection)")
        self.assertGreaterEqual(elapsed, 0.2)
        self.assertLess(elapsed, 2.0)
        # A connection that never sends anything is closed silently too.
        sock2 = connect(self.port)
        self.addCleanup(sock2.close)
        self.assertTrue(HttpReader(sock2).closed_by_peer(timeout=2.0))

    def test_idle_timeout_not_applied_while_waiting_for_upstream(self):
        self.start({"idle_timeout_ms": 300})
        self.up.set("slow_body:0.8")
        r = request(self.port, "GET", "/slow", timeout=5)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.body), 1000)

    # ---- connection cap ----

    def test_max_connections_per_worker(self):
        self.start({"max_connections_per_worker": 2}, workers=1)
        held = []
        for i in range(2):
            s = connect(self.port)
            self.addCleanup(s.close)
            s.sendall(head("GET", f"/held/{i}"))
            r = HttpReader(s).read_response(timeout=3)
            self.assertEqual(r.status, 200)
            held.append(s)
        third = connect(self.port)
        self.addCleanup(third.close)
        # Nothing is sent on it: the refusal is written at accept time, and unread request bytes
        # could turn the close into a reset that destroys it.
        reader = HttpReader(third)
        try:
            data = reader.read_until_close(timeout=3)
        except ConnectionResetError:
            data = bytes(reader.buf)
        if data:
            head_part, _, body = data.partition(b"\r\n\r\n")
            r, _ = parse_one_response(head_part + b"\r\n\r\n", method="HEAD")  # head only
            self.assertEqual(r.status, 503, data)
            self.assertEqual(int(r.header("content-length", "-1")), len(body),
                             f"Content-Length of the too-many-connections answer does not match its body: {data!r}")
            r.body = body
            self.assertProblem(r, 503, "too-many-connections")
        try:
            third.sendall(head("GET", "/third"))
        except OSError:
            pass
        time.sleep(0.1)
        self.assertNotIn("/third", [q.path for q in self.up.received()])
        self.assertGreaterEqual(self.protocol_errors("too_many_connections"), 1)
        # Freeing a slot lets new connections in again.
        held[0].close()

        def fresh_ok():
            return request(self.port, "GET", "/after", timeout=2).status == 200

        wait_until(fresh_ok, timeout=5, message="a new connection is served once a slot is free")

    # ---- back-pressure ----

    def test_slow_reader_memory_bounded(self):
        size = 20 * 1024 * 1024
        self.start({}, workers=1, upstream=f"big:{size}")
        baseline_kb = self.gw.rss_kb()
        sock = connect(self.port)
        self.addCleanup(sock.close)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        sock.sendall(head("GET", "/large"))
        self.up.wait_requests(1, timeout=5)
        peak_kb = 0
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            peak_kb = max(peak_kb, self.gw.rss_kb())
            time.sleep(0.1)
        # 100 MB in all for a release build; a sanitizer build starts near that, so its bound is relative.
        self.assertLess(peak_kb, max(100 * 1024, baseline_kb + 24 * 1024),
                        f"node RSS reached {peak_kb} kB (baseline {baseline_kb} kB) with a client not reading")
        # Well below the 20 MB body: the gateway must not buffer what the client does not read.
        self.assertLess(peak_kb - baseline_kb, 12 * 1024,
                        f"node buffered {peak_kb - baseline_kb} kB for a client not reading")
        reader = HttpReader(sock)
        r = reader.read_response(timeout=30)
        self.assertEqual(r.status, 200)
        self.assertEqual(len(r.body), size)
        self.assertEqual(r.body[:512], bytes(range(256)) * 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)

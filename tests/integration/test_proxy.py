#!/usr/bin/env python3
"""Proxying behaviour of metrogw: routing, keep-alive, pipelining, framing, header handling."""

import http.client
import os
import re
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (CHUNKED_BODY, CLOSE_DELIMITED_BODY, LOOPBACK, HttpReader, NodeTestCase,  # noqa: E402
                     connect, parse_responses, raw_exchange, request, simple_config)

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def req_bytes(method, target, headers=(), body=b"", host="gw.test"):
    head = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n"
    for k, v in headers:
        head += f"{k}: {v}\r\n"
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode("latin-1") + b"\r\n" + body


class ProxyTest(NodeTestCase):

    def start(self, workers=2, **kwargs):
        self.up = self.upstream()
        self.gw = self.node(simple_config([self.up.address], workers=workers, **kwargs))
        self.port = self.gw.port("main")
        return self.gw

    # ---- basics ----

    def test_basic_proxy(self):
        self.start()
        r = request(self.port, "GET", "/hello/world")
        self.assertEqual(r.status, 200, r)
        echo = r.json()
        self.assertEqual(echo["method"], "GET")
        self.assertEqual(echo["target"], "/hello/world")
        self.assertEqual(echo["upstream"], "upstream")
        self.assertEqual(self.up.count(), 1)
        self.assertEqual(self.up.last().path, "/hello/world")
        self.assertTrue(HEX32.match(r.header("x-request-id") or ""), r)

    def test_post_body_forwarded(self):
        self.start()
        self.up.set("echo_body")
        payload = b'{"patient":"p-1","data":"' + b"z" * 50000 + b'"}'
        r = request(self.port, "POST", "/records", body=payload, headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, payload)
        self.assertEqual(self.up.last().body, payload)
        self.assertEqual(self.up.last().header("content-length"), str(len(payload)))

    def test_keepalive_reuse(self):
        self.start()
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        for i in range(10):
            sock.sendall(req_bytes("GET", f"/ka/{i}"))
            r = reader.read_response(timeout=5)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["target"], f"/ka/{i}")
            self.assertNotEqual((r.header("connection") or "").lower(), "close", r)
        self.assertEqual(self.up.count(), 10)
        self.assertLessEqual(self.up.connections(), 2,
                             f"upstream saw {self.up.connections()} connections for 10 keep-alive requests")
        conn_ids = {q.conn_id for q in self.up.received()}
        self.assertLessEqual(len(conn_ids), 2)
        # The client connection is still open: no EOF, and an 11th request works on it.
        self.assertFalse(reader.closed_by_peer(timeout=0.3), "gateway closed the keep-alive connection")
        sock.sendall(req_bytes("GET", "/ka/last"))
        self.assertEqual(reader.read_response(timeout=5).status, 200)

    def test_keepalive_http_client(self):
        self.start()
        conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=5)
        self.addCleanup(conn.close)
        for i in range(10):
            conn.request("GET", f"/c/{i}")
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            r.read()
            self.assertIsNotNone(conn.sock, "http.client saw the connection closed")
        self.assertLessEqual(self.up.connections(), 2)

    def test_pipelining_in_order_with_local_handler(self):
        self.start()
        self.up.set("slow_body:0.3", path="/first")  # the first answer is the slowest
        data = (req_bytes("GET", "/first") + req_bytes("GET", "/v1/node") +
                req_bytes("GET", "/third", headers=[("Connection", "close")]))
        out = raw_exchange(self.port, data, timeout=5)
        resps = parse_responses(out)
        self.assertEqual([r.status for r in resps], [200, 200, 200], out[:2000])
        self.assertTrue(resps[0].body.startswith(b"slow-body:"), resps[0])
        node = resps[1].json()
        self.assertEqual(node["node"], "itest", resps[1])
        self.assertIn("version", node)
        self.assertEqual(resps[2].json()["target"], "/third", resps[2])
        self.assertEqual([q.path for q in self.up.received()], ["/first", "/third"])

    def test_pipelining_three_proxied(self):
        self.start()
        data = b"".join(req_bytes("GET", f"/p/{i}") for i in range(3))
        sock = connect(self.port)
        self.addCleanup(sock.close)
        sock.sendall(data)
        reader = HttpReader(sock)
        targets = [reader.read_response(timeout=5).json()["target"] for _ in range(3)]
        self.assertEqual(targets, ["/p/0", "/p/1", "/p/2"])

    # ---- framing ----

    def test_chunked_request_body_forwarded_intact(self):
        self.start()
        self.up.set("echo_body")
        pieces = [b"hello ", b"chunked " * 1000, b"world", b"\r\n0\r\n"]  # tricky bytes inside the data
        body = b"".join(b"%x\r\n" % len(p) + p + b"\r\n" for p in pieces) + b"0\r\n\r\n"
        data = req_bytes("POST", "/upload", headers=[("Transfer-Encoding", "chunked"), ("Connection", "close")],
                         body=body)
        out = raw_exchange(self.port, data, timeout=5)
        resps = parse_responses(out)
        self.assertEqual(len(resps), 1, out[:500])
        expected = b"".join(pieces)
        self.assertEqual(resps[0].status, 200, resps[0])
        self.assertEqual(resps[0].body, expected)
        self.assertEqual(self.up.last().body, expected, "upstream did not see the decoded body")

    def test_chunked_request_body_sent_slowly(self):
        self.start()
        self.up.set("echo_body")
        sock = connect(self.port)
        self.addCleanup(sock.close)
        sock.sendall(req_bytes("PUT", "/slow-upload", headers=[("Transfer-Encoding", "chunked")]))
        expected = b""
        for i in range(5):
            piece = (b"part%d-" % i) * 200
            expected += piece
            sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
            time.sleep(0.05)
        sock.sendall(b"0\r\n\r\n")
        r = HttpReader(sock).read_response(timeout=5)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, expected)
        self.assertEqual(self.up.last().body, expected)

    def test_chunked_upstream_response(self):
        self.start()
        self.up.set("chunked")
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        sock.sendall(req_bytes("GET", "/chunks"))
        r = reader.read_response(timeout=5)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, CHUNKED_BODY)
        # The connection stays usable afterwards.
        sock.sendall(req_bytes("GET", "/chunks"))
        self.assertEqual(reader.read_response(timeout=5).body, CHUNKED_BODY)

    def test_close_delimited_upstream_response(self):
        self.start()
        self.up.set("close_delimited")
        r = request(self.port, "GET", "/legacy")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.body, CLOSE_DELIMITED_BODY)
        # And for an HTTP/1.0 client (no chunked encoding possible).
        out = raw_exchange(self.port, b"GET /legacy HTTP/1.0\r\nHost: x\r\n\r\n", timeout=5)
        resps = parse_responses(out)
        self.assertEqual(len(resps), 1, out[:300])
        self.assertEqual(resps[0].body, CLOSE_DELIMITED_BODY)
        self.assertIsNone(resps[0].header("transfer-encoding"), resps[0])

    def test_head_request(self):
        self.start()
        self.up.set("big:5000")
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        sock.sendall(req_bytes("HEAD", "/doc"))
        r = reader.read_response(method="HEAD", timeout=5)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("content-length"), "5000", r)
        self.assertEqual(self.up.last().method, "HEAD")
        # No body bytes leaked: the next response on the connection parses cleanly.
        sock.sendall(req_bytes("GET", "/doc"))
        r2 = reader.read_response(timeout=5)
        self.assertEqual(r2.status, 200, r2)
        self.assertEqual(len(r2.body), 5000)

    def test_expect_100_continue(self):
        self.start()
        self.up.set("echo_body")
        body = b"payload-after-continue"
        sock = connect(self.port)
        self.addCleanup(sock.close)
        head = req_bytes("POST", "/upload", headers=[("Expect", "100-continue"), ("Content-Length", str(len(body)))])
        sock.sendall(head)
        reader = HttpReader(sock)
        interim = reader.read_response(timeout=2)
        self.assertEqual(interim.status, 100, f"expected 100 Continue before the body, got {interim!r}")
        self.assertEqual(self.up.count(), 0)
        sock.sendall(body)
        final = reader.read_response(timeout=5)
        self.assertEqual(final.status, 200, final)
        self.assertEqual(final.body, body)
        self.assertEqual(self.up.last().body, body)
        self.assertFalse(self.up.last().has_header("expect"), self.up.last())

    # ---- headers ----

    def test_hop_by_hop_stripped_request(self):
        self.start()
        headers = [("Connection", "keep-alive, X-Hop-Custom"), ("X-Hop-Custom", "secret"),
                   ("Keep-Alive", "timeout=5"), ("TE", "trailers"), ("Trailer", "X-Checksum"),
                   ("Proxy-Authorization", "Basic Zm9vOmJhcg=="), ("Proxy-Connection", "keep-alive"),
                   ("Upgrade", "h2c-not-really"), ("X-Keep-Me", "yes")]
        sock = connect(self.port)
        self.addCleanup(sock.close)
        sock.sendall(req_bytes("GET", "/hop", headers=headers))
        r = HttpReader(sock).read_response(timeout=5)
        self.assertEqual(r.status, 200, r)
        got = self.up.last()
        for name in ("connection", "x-hop-custom", "keep-alive", "te", "trailer", "proxy-authorization",
                     "proxy-connection", "upgrade"):
            self.assertFalse(got.has_header(name), f"{name} reached the upstream: {got.headers}")
        self.assertEqual(got.header("x-keep-me"), "yes")

    def test_hop_by_hop_stripped_response(self):
        self.start()
        self.up.response_headers = [("Connection", "X-Up-Hop"), ("X-Up-Hop", "internal"),
                                    ("Keep-Alive", "timeout=5, max=100"), ("Proxy-Authenticate", "Basic"),
                                    ("Trailer", "X-Checksum"), ("Upgrade", "foo/1"), ("X-Up-Keep", "visible")]
        out = raw_exchange(self.port, req_bytes("GET", "/hop", headers=[("Connection", "close")]), timeout=5)
        resps = parse_responses(out)
        self.assertEqual(len(resps), 1, out[:500])
        r = resps[0]
        self.assertEqual(r.status, 200, r)
        for name in ("x-up-hop", "keep-alive", "proxy-authenticate", "trailer", "upgrade"):
            self.assertFalse(r.has_header(name), f"{name} reached the client: {r.headers}")
        # The only Connection header allowed is the gateway's own "close".
        self.assertEqual([v.lower() for v in r.header_all("connection")], ["close"], r.headers)
        self.assertEqual(r.header("x-up-keep"), "visible")

    def test_hop_by_hop_stripped_from_chunked_response(self):
        self.start()
        self.up.set("chunked")
        self.up.response_headers = [("Connection", "X-Up-Hop"), ("X-Up-Hop", "internal"), ("X-Up-Keep", "1")]
        sock = connect(self.port)
        self.addCleanup(sock.close)
        sock.sendall(req_bytes("GET", "/c"))
        r = HttpReader(sock).read_response(timeout=5)
        self.assertEqual(r.body, CHUNKED_BODY)
        self.assertFalse(r.has_header("x-up-hop"), r.headers)
        self.assertEqual(r.header_all("transfer-encoding"), ["chunked"], r.headers)

    def test_x_forwarded_for_appended(self):
        self.start()
        request(self.port, "GET", "/xff", headers={"X-Forwarded-For": "203.0.113.7"})
        request(self.port, "GET", "/no-xff")
        got = self.up.received()
        self.assertEqual(got[0].header_all("x-forwarded-for"), ["203.0.113.7, 127.0.0.1"], got[0])
        self.assertEqual(got[1].header_all("x-forwarded-for"), ["127.0.0.1"], got[1])

    def test_x_forwarded_proto_set_not_trusted(self):
        self.start()
        request(self.port, "GET", "/proto", headers={"X-Forwarded-Proto": "https"})
        self.assertEqual(self.up.last().header_all("x-forwarded-proto"), ["http"], self.up.last())

    def test_request_id_generated(self):
        self.start()
        r = request(self.port, "GET", "/rid")
        rid = r.header("x-request-id")
        self.assertTrue(rid and HEX32.match(rid), r)
        self.assertEqual(self.up.last().header_all("x-request-id"), [rid])
        r2 = request(self.port, "GET", "/rid")
        self.assertNotEqual(r2.header("x-request-id"), rid, "request ids must be unique")

    def test_request_id_preserved(self):
        self.start()
        r = request(self.port, "GET", "/rid", headers={"X-Request-Id": "client-req-0042"})
        self.assertEqual(r.header("x-request-id"), "client-req-0042", r)
        self.assertEqual(self.up.last().header_all("x-request-id"), ["client-req-0042"])

    def test_request_id_invalid_replaced(self):
        self.start()
        r = request(self.port, "GET", "/rid", headers={"X-Request-Id": 'bad"id' + "x" * 200})
        rid = r.header("x-request-id")
        self.assertTrue(rid and HEX32.match(rid), r)
        self.assertEqual(self.up.last().header_all("x-request-id"), [rid])

    def test_traceparent_passed_unchanged(self):
        self.start()
        tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        request(self.port, "GET", "/trace", headers={"traceparent": tp, "tracestate": "vendor=abc"})
        self.assertEqual(self.up.last().header_all("traceparent"), [tp])
        self.assertEqual(self.up.last().header_all("tracestate"), ["vendor=abc"])

    def test_caller_header_spoofing_removed_on_plain_listener(self):
        self.start()
        request(self.port, "GET", "/spoof", headers={"X-Metrogw-Caller": "CN=wuhu-platform,O=Evil"})
        got = self.up.last()
        self.assertFalse(got.has_header("x-metrogw-caller"), f"spoofed caller reached upstream: {got.headers}")
        # Local handler does not see it either.
        r = request(self.port, "GET", "/v1/node", headers={"X-Metrogw-Caller": "CN=evil"})
        self.assertEqual(r.json()["caller"], "", r)

    # ---- more framing and header edge cases ----

    def test_x_forwarded_for_multiple_headers(self):
        """Two X-Forwarded-For fields are one comma-joined list (RFC 9110 5.3): no hop may be lost."""
        self.start()
        sock = connect(self.port)
        self.addCleanup(sock.close)
        sock.sendall(req_bytes("GET", "/xff2", headers=[("X-Forwarded-For", "198.51.100.1"),
                                                        ("X-Forwarded-For", "203.0.113.7")]))
        self.assertEqual(HttpReader(sock).read_response(timeout=5).status, 200)
        got = self.up.last().header_all("x-forwarded-for")
        self.assertEqual(len(got), 1, got)
        self.assertEqual([h.strip() for h in got[0].split(",")], ["198.51.100.1", "203.0.113.7", "127.0.0.1"])

    def test_http10_client(self):
        self.start()
        # Without keep-alive: answered, then closed.
        out = raw_exchange(self.port, b"GET /ten HTTP/1.0\r\nHost: x\r\n\r\n", timeout=3)
        resps = parse_responses(out)
        self.assertEqual(len(resps), 1, out)
        self.assertEqual(resps[0].status, 200)
        self.assertEqual(resps[0].json()["target"], "/ten")
        # With keep-alive: the connection stays open and says so.
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        for i in range(2):
            sock.sendall(b"GET /ten-ka HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
            r = reader.read_response(timeout=3)
            self.assertEqual(r.status, 200, r)
            self.assertEqual((r.header("connection") or "").lower(), "keep-alive", r)

    def test_pipelining_burst(self):
        self.start()
        n = 100
        data = b"".join(req_bytes("GET", f"/burst/{i}") for i in range(n)) + req_bytes(
            "GET", "/burst/last", headers=[("Connection", "close")])
        out = raw_exchange(self.port, data, timeout=10)
        resps = parse_responses(out)
        self.assertEqual(len(resps), n + 1, f"{len(resps)} answers to {n + 1} pipelined requests")
        self.assertEqual([r.json()["target"] for r in resps], [f"/burst/{i}" for i in range(n)] + ["/burst/last"])

    def test_pipelined_post_bodies(self):
        self.start()
        self.up.set("echo_body")
        bodies = [b"first-body", b"second" * 1000, b"", b"fourth"]
        data = b"".join(req_bytes("POST", f"/pb/{i}", headers=[("Content-Length", str(len(b)))], body=b)
                        for i, b in enumerate(bodies))
        sock = connect(self.port)
        self.addCleanup(sock.close)
        sock.sendall(data)
        reader = HttpReader(sock)
        got = [reader.read_response(timeout=5).body for _ in bodies]
        self.assertEqual(got, bodies)

    def test_upstream_interim_responses_not_forwarded_as_final(self):
        self.start()
        self.up.set("interim")
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        sock.sendall(req_bytes("GET", "/hints"))
        r = reader.read_final(timeout=5)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["target"], "/hints")
        sock.sendall(req_bytes("GET", "/hints"))
        self.assertEqual(reader.read_final(timeout=5).status, 200)

    def test_upstream_204_and_304(self):
        self.start()
        self.up.set("no_content", path="/empty")
        self.up.set("not_modified", path="/cached")
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        sock.sendall(req_bytes("DELETE", "/empty"))
        r = reader.read_response(timeout=5)
        self.assertEqual(r.status, 204, r)
        self.assertIsNone(r.header("transfer-encoding"), r)
        sock.sendall(req_bytes("GET", "/cached", headers=[("If-None-Match", '"v1"')]))
        r = reader.read_response(timeout=5)
        self.assertEqual(r.status, 304, r)
        self.assertEqual(r.header("etag"), '"v1"')
        self.assertIsNone(r.header("transfer-encoding"), r)
        # Nothing stray on the connection: the next answer parses.
        sock.sendall(req_bytes("GET", "/after"))
        r = reader.read_response(timeout=5)
        self.assertEqual(r.json()["target"], "/after", r)

    def test_upstream_connection_close_not_reused(self):
        self.start()
        self.up.set("ok_close")
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        for i in range(5):
            sock.sendall(req_bytes("GET", f"/oc/{i}"))
            r = reader.read_response(timeout=5)
            self.assertEqual(r.status, 200, r)
            self.assertNotEqual((r.header("connection") or "").lower(), "close",
                                "the upstream's Connection: close leaked to the client")
        self.assertEqual(self.up.count(), 5)
        self.assertEqual(self.up.connections(), 5)

    def test_client_connection_survives_upstream_error(self):
        self.start()
        self.up.set("status:502", path="/bad")
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        sock.sendall(req_bytes("POST", "/bad", body=b"x"))  # POST: not retried
        self.assertEqual(reader.read_response(timeout=5).status, 502)
        sock.sendall(req_bytes("GET", "/good"))
        self.assertEqual(reader.read_response(timeout=5).json()["target"], "/good")

    def test_concurrent_clients(self):
        self.start(workers=2)
        errors = []

        def client(k):
            try:
                conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=10)
                for i in range(5):
                    conn.request("GET", f"/cc/{k}/{i}")
                    r = conn.getresponse()
                    body = r.read()
                    if r.status != 200 or f"/cc/{k}/{i}".encode() not in body:
                        errors.append((k, i, r.status, body[:100]))
                conn.close()
            except Exception as e:  # noqa: BLE001
                errors.append((k, repr(e)))

        threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        self.assertEqual(errors, [])
        self.assertEqual(self.up.count(), 250)

    def test_large_uploads(self):
        """Several 8 MB request bodies in a row, streamed as fast as the client can."""
        self.start()
        size = 8 * 1024 * 1024
        block = bytes(range(256)) * 256
        for attempt in range(3):
            sock = connect(self.port, timeout=10)
            self.addCleanup(sock.close)
            sock.sendall(req_bytes("PUT", f"/upload/{attempt}", headers=[("Content-Length", str(size))]))
            sent = 0
            try:
                while sent < size:
                    sock.sendall(block)
                    sent += len(block)
            except OSError:  # timeout, or reset when the gateway gives up (504)
                self.fail(f"upload {attempt} stalled after {sent} of {size} bytes (client blocked for 10 s)")
            r = HttpReader(sock).read_response(timeout=10)
            self.assertEqual(r.status, 200, f"upload {attempt}: all {size} bytes written by the client, upstream "
                                            f"received {self.up.count() - attempt} complete request(s); got {r!r}")
            self.assertEqual(r.json()["body_len"], size)
            sock.close()

    # ---- routing ----

    def routing_config(self, up2):
        return [
            {"name": "node", "path": "/v1/node", "match": "exact", "methods": ["GET"], "handler": "node-info"},
            {"name": "hospital", "path": "/v1/hospitals/{id}", "match": "template", "methods": ["GET", "HEAD"],
             "cluster": "second"},
            {"name": "readonly", "path": "/readonly/", "match": "prefix", "methods": ["GET"], "cluster": "up"},
            {"name": "rewrite", "path": "/api/v2/", "prefix_rewrite": "/internal/", "cluster": "up"},
            {"name": "exact", "path": "/exact", "match": "exact", "cluster": "up"},
            {"name": "v1", "path": "/v1/", "cluster": "up"},
        ]

    def start_routing(self):
        self.up = self.upstream()
        self.up2 = self.upstream(name="second")
        clusters = [{"name": "up", "hosts": [self.up.address]}, {"name": "second", "hosts": [self.up2.address]}]
        self.gw = self.node(simple_config([], clusters=clusters, routes=self.routing_config(self.up2), workers=2))
        self.port = self.gw.port("main")

    def test_methods_outside_default_set_refused(self):
        """Routes without `methods` accept GET HEAD POST PUT DELETE PATCH OPTIONS only (config reference)."""
        self.start_routing()
        for method in ("TRACE", "PROPFIND", "MKCOL"):
            out = raw_exchange(self.port, req_bytes(method, "/v1/anything", headers=[("Connection", "close")]),
                               timeout=2)
            resps = parse_responses(out)
            self.assertEqual(len(resps), 1, out[:200])
            self.assertIn(resps[0].status, (405, 501), f"{method} on a route without methods: {resps[0]!r}")
        self.assertEqual([q.method for q in self.up.received()], [], "non-default methods reached the upstream")
        for method in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            r = request(self.port, method, "/v1/anything", body=b"" if method in ("POST", "PUT", "PATCH") else None)
            self.assertEqual(r.status, 200, f"{method}: {r!r}")

    def test_multiple_set_cookie_preserved(self):
        self.start()
        self.up.response_headers = [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/"),
                                    ("Vary", "Accept"), ("Vary", "Origin")]
        out = raw_exchange(self.port, req_bytes("GET", "/cookies", headers=[("Connection", "close")]), timeout=3)
        r = parse_responses(out)[0]
        self.assertEqual(r.header_all("set-cookie"), ["a=1; Path=/", "b=2; Path=/"], r.headers)
        self.assertEqual(r.header_all("vary"), ["Accept", "Origin"])

    def test_404_no_route(self):
        self.start_routing()
        sock = connect(self.port)
        self.addCleanup(sock.close)
        reader = HttpReader(sock)
        sock.sendall(req_bytes("GET", "/nowhere"))
        r = reader.read_response(timeout=5)
        self.assertProblem(r, 404, "not-found")
        self.assertTrue(HEX32.match(r.header("x-request-id") or ""), r)
        # exact route does not match a longer path
        sock.sendall(req_bytes("GET", "/exact/more"))
        self.assertProblem(reader.read_response(timeout=5), 404, "not-found")
        self.assertEqual(self.up.count() + self.up2.count(), 0)
        # The connection survives a 404 (no body to skip).
        sock.sendall(req_bytes("GET", "/exact"))
        self.assertEqual(reader.read_response(timeout=5).status, 200)

    def test_405_method_mismatch(self):
        self.start_routing()
        r = request(self.port, "DELETE", "/readonly/thing")
        self.assertProblem(r, 405, "method-not-allowed")
        # With a body the gateway answers without reading it, so it must close the connection.
        out = raw_exchange(self.port, req_bytes("POST", "/readonly/thing", body=b'{"a":1}'), timeout=3)
        resps = parse_responses(out)
        self.assertEqual(len(resps), 1, out)
        self.assertProblem(resps[0], 405, "method-not-allowed")
        self.assertEqual(resps[0].header("connection"), "close", resps[0])
        self.assertEqual(self.up.count() + self.up2.count(), 0)
        self.assertEqual(request(self.port, "GET", "/readonly/thing").status, 200)

    def test_query_string_preserved(self):
        self.start_routing()
        target = "/v1/search?q=a%20b&flag&x=%2F%3F&empty="
        r = request(self.port, "GET", target)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.up.last().target, target)

    def test_prefix_rewrite(self):
        self.start_routing()
        r = request(self.port, "GET", "/api/v2/patients/7?fields=name")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.up.last().target, "/internal/patients/7?fields=name")
        request(self.port, "GET", "/api/v2/")
        self.assertEqual(self.up.last().target, "/internal/")

    def test_template_route(self):
        self.start_routing()
        r = request(self.port, "GET", "/v1/hospitals/42")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["upstream"], "second")
        self.assertEqual(self.up2.last().target, "/v1/hospitals/42")
        # More segments than the template: falls through to the /v1/ prefix route (first cluster).
        r = request(self.port, "GET", "/v1/hospitals/42/beds")
        self.assertEqual(r.json()["upstream"], "upstream", r)
        # An empty {id} segment does not match the template either.
        r = request(self.port, "GET", "/v1/hospitals/")
        self.assertEqual(r.json()["upstream"], "upstream", r)
        self.assertEqual(self.up2.count(), 1)

    def test_local_handler_route(self):
        self.start_routing()
        r = request(self.port, "GET", "/v1/node")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["node"], "itest")
        self.assertEqual(self.up.count(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)

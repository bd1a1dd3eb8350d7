#!/usr/bin/env python3
"""TLS and mutual TLS on listeners: verification, client certificate policy, caller identity,
protocol versions and session resumption."""

import calendar
import os
import socket
import ssl
import subprocess
import sys
import time
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (LOOPBACK, HttpReader, NodeTestCase, client_context, parse_responses,  # noqa: E402
                     request, shared_certs, simple_config, wait_until)


def get(target, headers=(), close=True):
    out = f"GET {target} HTTP/1.1\r\nHost: localhost\r\n"
    for k, v in headers:
        out += f"{k}: {v}\r\n"
    if close:
        out += "Connection: close\r\n"
    return (out + "\r\n").encode("latin-1")


class TlsTest(NodeTestCase):

    def setUp(self):
        super().setUp()
        self.certs = shared_certs()

    def start(self, tls_min_version=None):
        c = self.certs
        tls = {"cert": c.server, "key": c.server_key}
        if tls_min_version:
            tls["min_version"] = tls_min_version
        mtls = {"cert": c.server, "key": c.server_key, "client_ca": c.ca}
        listeners = [{"name": "main"}, {"name": "tls", "tls": tls}, {"name": "mtls", "tls": mtls}]
        self.up = self.upstream()
        self.gw = self.node(simple_config([self.up.address], listeners=listeners, workers=2))

    def tls_failures(self, listener):
        return self.gw.metric_value("metrogw_tls_handshake_failures_total", {"listener": listener})

    def https(self, listener, target="/", ctx=None, headers=None, server_hostname="localhost"):
        ctx = ctx or client_context(self.certs)
        sock = socket.create_connection((LOOPBACK, self.gw.port(listener)), timeout=5)
        tls = ctx.wrap_socket(sock, server_hostname=server_hostname)
        self.addCleanup(tls.close)
        tls.sendall(get(target, list((headers or {}).items())))
        r = HttpReader(tls).read_response(timeout=5)
        return r, tls

    def assert_refused(self, listener, ctx, what):
        """The handshake (or, with TLS 1.3, the first read) fails and no HTTP answer is received."""
        before = self.tls_failures(listener)
        received = b""
        sock = socket.create_connection((LOOPBACK, self.gw.port(listener)), timeout=5)
        try:
            tls = ctx.wrap_socket(sock, server_hostname="localhost")
            try:
                tls.sendall(get("/refused"))
                deadline = time.monotonic() + 3
                while time.monotonic() < deadline:
                    chunk = tls.recv(65536)
                    if not chunk:
                        break
                    received += chunk
            finally:
                tls.close()
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError, socket.timeout):
            pass
        finally:
            sock.close()
        self.assertEqual(received, b"", f"{what}: got an HTTP answer: {received[:200]!r}")
        self.assertEqual(self.up.count(), 0, f"{what}: request reached the upstream")
        wait_until(lambda: self.tls_failures(listener) > before, timeout=3,
                   message=f"{what}: metrogw_tls_handshake_failures_total{{listener={listener}}} increased")

    # ---- server TLS ----

    def test_tls_listener_verified(self):
        self.start()
        for name in ("localhost", "127.0.0.1"):  # both are SANs of server.pem
            r, tls = self.https("tls", f"/secure?via={name}", server_hostname=name)
            self.assertEqual(r.status, 200, r)
            self.assertIn(tls.version(), ("TLSv1.2", "TLSv1.3"))
        # http.client over TLS, too.
        r = request(self.gw.port("tls"), "GET", "/secure", tls_context=client_context(self.certs))
        self.assertEqual(r.status, 200, r)
        got = self.up.last()
        self.assertEqual(got.header_all("x-forwarded-proto"), ["https"], got)
        self.assertFalse(got.has_header("x-metrogw-caller"), got)

    def test_tls_listener_keepalive(self):
        self.start()
        sock = socket.create_connection((LOOPBACK, self.gw.port("tls")), timeout=5)
        tls = client_context(self.certs).wrap_socket(sock, server_hostname="localhost")
        self.addCleanup(tls.close)
        reader = HttpReader(tls)
        for i in range(5):
            tls.sendall(get(f"/k/{i}", close=False))
            r = reader.read_response(timeout=5)
            self.assertEqual(r.json()["target"], f"/k/{i}")
        self.up.set("big:3000000")
        tls.sendall(get("/big", close=False))
        r = reader.read_response(timeout=10)
        self.assertEqual(len(r.body), 3000000)

    def test_certificate_expiry_is_exported(self):
        """metrogw_tls_certificate_expiry_timestamp_seconds per TLS listener: the certificate's notAfter,
        as openssl reads it, so that an alert can fire before it lapses; the plain listener has none."""
        self.start()
        out = subprocess.run(["openssl", "x509", "-noout", "-enddate", "-in", self.certs.server],
                             capture_output=True, text=True, check=True, timeout=10).stdout
        not_after = calendar.timegm(time.strptime(out.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z"))
        for listener in ("tls", "mtls"):
            self.assertEqual(self.gw.metric_value("metrogw_tls_certificate_expiry_timestamp_seconds",
                                                  {"kind": "listener", "name": listener}), not_after, listener)
        self.assertEqual(self.gw.metric_value("metrogw_tls_certificate_expiry_timestamp_seconds",
                                              {"kind": "listener", "name": "main"}), 0)

    def test_plain_http_on_tls_listener(self):
        self.start()
        before = self.tls_failures("tls")
        sock = socket.create_connection((LOOPBACK, self.gw.port("tls")), timeout=5)
        self.addCleanup(sock.close)
        sock.sendall(get("/plain"))
        data = b""
        try:
            data = HttpReader(sock).read_until_close(timeout=3)
        except ConnectionResetError:
            pass
        self.assertFalse(data.startswith(b"HTTP/1.1 200"), data[:100])
        self.assertEqual(self.up.count(), 0)
        wait_until(lambda: self.tls_failures("tls") > before, timeout=3, message="failure counted")

    def test_spoofed_caller_removed_on_tls_listener(self):
        self.start()
        r, _ = self.https("tls", "/spoof", headers={"X-Metrogw-Caller": "CN=wuhu-platform,O=Wuhu Health Platform"})
        self.assertEqual(r.status, 200)
        self.assertFalse(self.up.last().has_header("x-metrogw-caller"), self.up.last())

    def test_tls_large_upload(self):
        self.start()
        size = 8 * 1024 * 1024
        sock = socket.create_connection((LOOPBACK, self.gw.port("tls")), timeout=10)
        tls = client_context(self.certs).wrap_socket(sock, server_hostname="localhost")
        self.addCleanup(tls.close)
        tls.sendall(f"PUT /up HTTP/1.1\r\nHost: localhost\r\nContent-Length: {size}\r\n\r\n".encode())
        block = b"t" * 65536
        for _ in range(size // len(block)):
            tls.sendall(block)
        r = HttpReader(tls).read_response(timeout=10)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["body_len"], size)

    def test_tls_upload_to_slow_upstream(self):
        self.start()
        self.up.set("slow_read:1.0", path="/slow-up")
        size = 8 * 1024 * 1024
        sock = socket.create_connection((LOOPBACK, self.gw.port("tls")), timeout=10)
        tls = client_context(self.certs).wrap_socket(sock, server_hostname="localhost")
        self.addCleanup(tls.close)
        tls.sendall(f"PUT /slow-up HTTP/1.1\r\nHost: localhost\r\nContent-Length: {size}\r\n\r\n".encode())
        block = b"s" * 65536
        for _ in range(size // len(block)):
            tls.sendall(block)
        r = HttpReader(tls).read_response(timeout=10)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["body_len"], size)

    def test_handshake_bounded_by_header_timeout(self):
        c = self.certs
        self.up = self.upstream()
        self.gw = self.node(simple_config([self.up.address], limits={"header_timeout_ms": 300},
                                          listeners=[{"name": "tls", "tls": {"cert": c.server, "key": c.server_key}}]))
        sock = socket.create_connection((LOOPBACK, self.gw.port("tls")), timeout=5)
        self.addCleanup(sock.close)
        t0 = time.monotonic()
        self.assertTrue(HttpReader(sock).closed_by_peer(timeout=3), "silent TLS client kept open")
        self.assertLess(time.monotonic() - t0, 2.0)

    # ---- mTLS ----

    def test_mtls_without_client_cert_refused(self):
        self.start()
        self.assert_refused("mtls", client_context(self.certs), "no client certificate")

    def test_mtls_without_client_cert_refused_tls12(self):
        self.start()
        self.assert_refused("mtls", client_context(self.certs, maximum_version=ssl.TLSVersion.TLSv1_2),
                            "no client certificate (TLS 1.2)")

    def test_mtls_rogue_client_refused(self):
        self.start()
        ctx = client_context(self.certs, cert=self.certs.rogue_client, key=self.certs.rogue_client_key)
        self.assert_refused("mtls", ctx, "client certificate from an untrusted CA")

    def test_mtls_valid_client(self):
        self.start()
        ctx = client_context(self.certs, cert=self.certs.client, key=self.certs.client_key)
        r, _ = self.https("mtls", "/records", ctx=ctx, headers={"X-Metrogw-Caller": "CN=evil"})
        self.assertEqual(r.status, 200, r)
        callers = self.up.last().header_all("x-metrogw-caller")
        self.assertEqual(len(callers), 1, self.up.last())
        self.assertIn("CN=wuhu-platform", callers[0])
        self.assertIn("O=Wuhu Health Platform", callers[0])
        self.assertNotIn("evil", callers[0])
        r, _ = self.https("mtls", "/v1/node", ctx=ctx)
        self.assertIn("CN=wuhu-platform", r.json()["caller"], r)
        # The access log names the caller too.
        wait_until(lambda: any("CN=wuhu-platform" in e.get("caller", "") for e in self.gw.access_log()),
                   timeout=3, message="caller in the access log")

    def test_mtls_client_cert_on_non_mtls_listener_ignored(self):
        self.start()
        ctx = client_context(self.certs, cert=self.certs.client, key=self.certs.client_key)
        r, _ = self.https("tls", "/x", ctx=ctx)
        self.assertEqual(r.status, 200)
        self.assertFalse(self.up.last().has_header("x-metrogw-caller"))

    # ---- protocol versions ----

    def old_client(self, version):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.certs.ca)
        try:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        except ssl.SSLError:
            pass
        with warnings.catch_warnings():  # TLS 1.1 is deprecated in ssl: that is the point here
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = version
            ctx.maximum_version = version
        return ctx

    def test_tls11_refused(self):
        self.start()
        self.assert_refused("tls", self.old_client(ssl.TLSVersion.TLSv1_1), "TLS 1.1 client")

    def test_min_version_13(self):
        self.start(tls_min_version="1.3")
        self.assert_refused("tls", self.old_client(ssl.TLSVersion.TLSv1_2), "TLS 1.2 client on a 1.3-only listener")
        r, tls = self.https("tls", "/v13")
        self.assertEqual(r.status, 200)
        self.assertEqual(tls.version(), "TLSv1.3")

    # ---- session resumption ----

    def resume(self, listener, ctx):
        port = self.gw.port(listener)
        s1 = ctx.wrap_socket(socket.create_connection((LOOPBACK, port), timeout=5), server_hostname="localhost")
        self.addCleanup(s1.close)
        s1.sendall(get("/first"))
        data = HttpReader(s1).read_until_close(timeout=5)  # reading also collects TLS 1.3 tickets
        self.assertEqual(parse_responses(data)[0].status, 200, data[:200])
        session = s1.session
        self.assertIsNotNone(session)
        s1.close()
        s2 = ctx.wrap_socket(socket.create_connection((LOOPBACK, port), timeout=5), server_hostname="localhost",
                             session=session)
        self.addCleanup(s2.close)
        s2.sendall(get("/second"))
        data = HttpReader(s2).read_until_close(timeout=5)
        self.assertEqual(parse_responses(data)[0].status, 200, data[:200])
        return s2.session_reused

    def test_session_resumption_tls13(self):
        self.start()
        self.assertTrue(self.resume("tls", client_context(self.certs)), "TLS 1.3 session not resumed")

    def test_session_resumption_tls12(self):
        self.start()
        ctx = client_context(self.certs, maximum_version=ssl.TLSVersion.TLSv1_2)
        self.assertTrue(self.resume("tls", ctx), "TLS 1.2 session not resumed")

    def test_session_resumption_mtls_keeps_caller(self):
        self.start()
        ctx = client_context(self.certs, cert=self.certs.client, key=self.certs.client_key)
        self.assertTrue(self.resume("mtls", ctx), "mTLS session not resumed")
        second = [q for q in self.up.received() if q.path == "/second"]
        self.assertEqual(len(second), 1)
        self.assertIn("CN=wuhu-platform", second[0].header("x-metrogw-caller") or "",
                      "caller identity lost on a resumed mTLS session")


if __name__ == "__main__":
    unittest.main(verbosity=2)

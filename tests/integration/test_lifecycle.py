#!/usr/bin/env python3
"""Process lifecycle: --check, SIGHUP reload (under load, invalid configs), SIGTERM/SIGINT drain."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (LOOPBACK, METROGW_BIN, SLOW_BODY, HttpReader, NodeTestCase, connect,  # noqa: E402
                     request, simple_config, to_yaml, wait_until)


def get(target, close=False):
    return (f"GET {target} HTTP/1.1\r\nHost: gw.test\r\n" + ("Connection: close\r\n" if close else "") +
            "\r\n").encode()


VALID_YAML = """\
node_name: check-me
workers: 1
admin:
  address: 127.0.0.1
  port: 0
listeners:
  - name: main
    address: 127.0.0.1
    port: 0
clusters:
  - name: up
    hosts: ["127.0.0.1:9"]
routes:
  - name: default
    path: /
    cluster: up
"""


class CheckTest(unittest.TestCase):

    def run_check(self, text):
        with open(os.path.join(self.tmp, "c.yaml"), "w") as f:
            f.write(text)
        return subprocess.run([METROGW_BIN, "--config", os.path.join(self.tmp, "c.yaml"), "--check"],
                              capture_output=True, text=True, timeout=20, cwd=self.tmp)

    def setUp(self):
        t = tempfile.TemporaryDirectory(prefix="metrogw-check-")
        self.addCleanup(t.cleanup)
        self.tmp = t.name

    def test_check_valid(self):
        r = self.run_check(VALID_YAML)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("valid", r.stdout)

    def test_check_unknown_key(self):
        lines = VALID_YAML.splitlines()
        at = lines.index("    cluster: up")
        lines.insert(at + 1, "    colour: blue")  # line at + 2 (1-based)
        r = self.run_check("\n".join(lines) + "\n")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"c.yaml:{at + 2}:", r.stderr)
        self.assertIn("colour", r.stderr)

    def test_check_dangling_cluster_and_bad_value(self):
        text = VALID_YAML.replace("    cluster: up", "    cluster: nowhere").replace("workers: 1", "workers: -3")
        r = self.run_check(text)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("c.yaml:2:", r.stderr)  # workers
        cluster_line = text.splitlines().index("    cluster: nowhere") + 1
        self.assertIn(f"c.yaml:{cluster_line}:", r.stderr)
        self.assertIn("nowhere", r.stderr)

    def test_check_syntax_error(self):
        r = self.run_check(VALID_YAML + "routes: [unclosed\n")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"c\.yaml:\d+:")

    def test_check_missing_file(self):
        r = subprocess.run([METROGW_BIN, "--config", os.path.join(self.tmp, "absent.yaml"), "--check"],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 1)
        self.assertIn("absent.yaml", r.stderr)


class LoadLoop(threading.Thread):
    """Sequential GETs for `duration` seconds: keep-alive connections, a fresh one every 10 requests."""

    def __init__(self, port, duration):
        super().__init__(daemon=True)
        self.port = port
        self.duration = duration
        self.results = []  # (start_monotonic, status or exception repr, upstream name)
        self.stop_flag = threading.Event()

    def run(self):
        end = time.monotonic() + self.duration
        conn = None
        n = 0
        while time.monotonic() < end and not self.stop_flag.is_set():
            if conn is None or n % 10 == 0:
                if conn is not None:
                    conn.close()
                conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=5)
            n += 1
            t = time.monotonic()
            try:
                conn.request("GET", f"/load/{n}")
                r = conn.getresponse()
                body = r.read()
                upstream = None
                if r.status == 200:
                    upstream = json.loads(body).get("upstream")
                self.results.append((t, r.status, upstream))
            except Exception as e:  # noqa: BLE001 - every failure is recorded and reported
                self.results.append((t, repr(e), None))
                conn.close()
                conn = None
        if conn is not None:
            conn.close()


class LifecycleTest(NodeTestCase):

    def test_reload_under_load(self):
        u1 = self.upstream(name="U1")
        u2 = self.upstream(name="U2")
        cfg = simple_config([u1.address], workers=2)
        gw = self.node(cfg)
        load = LoadLoop(gw.port("main"), 3.0)
        load.start()
        self.addCleanup(load.join, 10)
        wait_until(lambda: len(load.results) > 20, timeout=3, message="load running")
        cfg2 = simple_config([u2.address], workers=2)
        self.assertEqual(gw.reload(cfg2), "success")
        t_reload1 = time.monotonic()
        time.sleep(0.7)
        cfg3 = simple_config([u2.address], workers=2, cluster={"request_timeout_ms": 4000})
        cfg3["routes"].insert(0, {"name": "extra", "path": "/extra", "match": "exact", "handler": "node-info"})
        self.assertEqual(gw.reload(cfg3), "success")
        load.join(10)
        self.assertFalse(load.is_alive())
        failures = [r for r in load.results if r[1] != 200]
        self.assertEqual(failures, [], f"{len(failures)} of {len(load.results)} requests failed during reloads")
        self.assertGreater(len(load.results), 50)
        late = [r for r in load.results if r[0] > t_reload1 + 0.3]
        self.assertTrue(late, "no requests after the reload")
        self.assertEqual({r[2] for r in late}, {"U2"}, "requests after the reload did not reach the new upstream")
        self.assertGreater(u1.count(), 0)
        self.assertGreater(u2.count(), 0)
        self.assertEqual(gw.metric_value("metrogw_config_reloads_total", {"result": "success"}), 2)
        self.assertEqual(gw.metric_value("metrogw_config_reloads_total", {"result": "failure"}), 0)
        r = request(gw.port("main"), "GET", "/extra")
        self.assertEqual(r.json().get("node"), "itest", "route added by the reload not served")

    def test_reload_applies_limits_and_routes(self):
        u1 = self.upstream(name="U1")
        cfg = simple_config([u1.address], workers=2)
        gw = self.node(cfg)
        port = gw.port("main")
        big_header = {"X-Pad": "p" * 3000}
        self.assertEqual(request(port, "GET", "/pad", headers=big_header).status, 200)
        self.assertEqual(request(port, "GET", "/v1/node").status, 200)
        cfg2 = simple_config([u1.address], workers=2, limits={"max_header_bytes": 2048},
                             routes=[{"name": "only", "path": "/only/", "cluster": "up"}])
        self.assertEqual(gw.reload(cfg2), "success")

        def applied():
            return request(port, "GET", "/v1/node").status == 404

        wait_until(applied, timeout=3, message="route removed by the reload")
        r = request(port, "GET", "/only/pad", headers=big_header)
        self.assertProblem(r, 431, "header-too-large")
        self.assertEqual(request(port, "GET", "/only/x").status, 200)

    def test_reload_under_load_with_pooled_upstream_connections(self):
        """Connections pooled for the old cluster are retired: no request fails, none goes to the old host."""
        u1 = self.upstream(name="U1")
        u2 = self.upstream(name="U2")
        gw = self.node(simple_config([u1.address], workers=1))
        port = gw.port("main")
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=5)
        self.addCleanup(conn.close)
        for i in range(3):
            conn.request("GET", f"/pool/{i}")
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
        self.assertEqual(gw.reload(simple_config([u2.address], workers=1)), "success")
        time.sleep(0.2)
        n1 = u1.count()
        for i in range(5):
            conn.request("GET", f"/pool/after/{i}")
            r = conn.getresponse()
            body = r.read()
            self.assertEqual(r.status, 200, body)
        self.assertEqual(u1.count(), n1, "requests went to the old cluster's pooled connection")
        self.assertEqual(u2.count(), 5)

    def test_invalid_reload_keeps_old_config(self):
        u1 = self.upstream(name="U1")
        u2 = self.upstream(name="U2")
        gw = self.node(simple_config([u1.address]))
        self.assertEqual(request(gw.port("main"), "GET", "/a").json()["upstream"], "U1")
        # Fill in the node's ports so that only the unknown key is wrong.
        cfg = simple_config([u2.address])
        cfg["admin"] = {"address": LOOPBACK, "port": gw.admin_port}
        cfg["listeners"] = [{"name": "main", "address": LOOPBACK, "port": gw.port("main")}]
        self.assertEqual(gw.reload(to_yaml(cfg) + "\nbogus_key: 1\n"), "failure")
        self.assertTrue(gw.running())
        for i in range(3):
            r = request(gw.port("main"), "GET", f"/after/{i}")
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["upstream"], "U1", "an invalid config was applied")
        self.assertEqual(u2.count(), 0)
        self.assertEqual(gw.metric_value("metrogw_config_reloads_total", {"result": "failure"}), 1)
        self.assertEqual(gw.metric_value("metrogw_config_reloads_total", {"result": "success"}), 0)
        self.assertIn("reload", gw.stderr_text())
        # A reload that changes a listener's port needs a restart: refused too.
        cfg["listeners"][0]["port"] = gw.port("main") + 1 if gw.port("main") < 65535 else gw.port("main") - 1
        self.assertEqual(gw.reload(to_yaml(cfg)), "failure")
        self.assertEqual(request(gw.port("main"), "GET", "/still").json()["upstream"], "U1")
        # And a valid one afterwards still works.
        cfg["listeners"][0]["port"] = gw.port("main")
        self.assertEqual(gw.reload(to_yaml(cfg)), "success")
        wait_until(lambda: request(gw.port("main"), "GET", "/new").json()["upstream"] == "U2", timeout=3,
                   message="valid reload applied")

    def test_sigterm_drains_in_flight_request(self):
        up = self.upstream("slow_body:1.5")
        gw = self.node(simple_config([up.address], workers=2, limits={"drain_timeout_ms": 8000}))
        port = gw.port("main")
        # An idle keep-alive connection: closed by the drain at once.
        idle = connect(port)
        self.addCleanup(idle.close)
        up.set("ok", path="/quick")
        idle.sendall(get("/quick"))
        self.assertEqual(HttpReader(idle).read_response(timeout=5).status, 200)

        result = {}

        def slow_request():
            try:
                s = connect(port, timeout=10)
                s.sendall(get("/slow"))
                result["resp"] = HttpReader(s).read_response(timeout=10)
                s.close()
            except Exception as e:  # noqa: BLE001
                result["error"] = e

        t = threading.Thread(target=slow_request, daemon=True)
        t.start()
        self.addCleanup(t.join, 10)
        wait_until(lambda: any(q.path == "/slow" for q in up.received()), timeout=5, message="slow request sent")
        time.sleep(0.3)
        t_term = time.monotonic()
        gw.terminate()

        # Readiness flips to 503 while draining.
        def readyz_draining():
            status, body = gw.admin_get("/readyz", timeout=1)
            return status == 503 and "draining" in body

        wait_until(readyz_draining, timeout=1.0, message="/readyz answers 503 draining during the drain")
        # New connections are refused.

        def refused():
            try:
                s = socket.create_connection((LOOPBACK, port), timeout=0.5)
            except (ConnectionRefusedError, socket.timeout):
                return True
            try:
                s.sendall(get("/new", close=True))
                data = HttpReader(s).read_until_close(timeout=1)
            except (ConnectionResetError, BrokenPipeError, socket.timeout):
                data = b""
            finally:
                s.close()
            if data.startswith(b"HTTP/1.1 200"):
                raise AssertionError(f"a new connection was served after SIGTERM: {data[:100]!r}")
            return not data or b"503" in data.split(b"\r\n", 1)[0]

        wait_until(refused, timeout=1.0, message="new connections refused after SIGTERM")
        self.assertTrue(gw.running(), "node exited before the in-flight request finished")
        self.assertTrue(HttpReader(idle).closed_by_peer(timeout=1.0), "idle keep-alive connection kept open")
        code = gw.wait_exit(timeout=10)
        elapsed = time.monotonic() - t_term
        t.join(5)
        self.assertEqual(code, 0, gw.stderr_tail())
        self.assertNotIn("error", result, f"in-flight request failed: {result.get('error')!r}")
        resp = result["resp"]
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.body, SLOW_BODY)
        self.assertGreater(elapsed, 1.0, "node exited before the slow response could have completed")
        self.assertLess(elapsed, 5.0, f"drain took {elapsed:.1f}s although the last request ended after ~1.2s")
        self.assertEqual([q.path for q in up.received()].count("/new"), 0)

    def test_drain_response_not_started_gets_connection_close(self):
        up = self.upstream("delay:1.0")
        gw = self.node(simple_config([up.address], limits={"drain_timeout_ms": 5000}))
        s = connect(gw.port("main"))
        self.addCleanup(s.close)
        s.sendall(get("/delayed"))
        up.wait_requests(1)
        gw.terminate()
        reader = HttpReader(s)
        r = reader.read_response(timeout=5)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["target"], "/delayed")
        self.assertEqual((r.header("connection") or "").lower(), "close",
                         f"a response started during the drain must announce Connection: close: {r!r}")
        self.assertTrue(reader.closed_by_peer(timeout=2))
        self.assertEqual(gw.wait_exit(10), 0)

    def test_drain_deadline_bounds_shutdown(self):
        up = self.upstream("hang")
        gw = self.node(simple_config([up.address], limits={"drain_timeout_ms": 500},
                                     cluster={"request_timeout_ms": 30000}))
        s = connect(gw.port("main"))
        self.addCleanup(s.close)
        s.sendall(get("/hang"))
        up.wait_requests(1)
        t0 = time.monotonic()
        code = gw.stop(timeout=10)
        elapsed = time.monotonic() - t0
        self.assertEqual(code, 0)
        self.assertLess(elapsed, 3.0, f"drain_timeout_ms 500 but shutdown took {elapsed:.1f}s")
        self.assertGreaterEqual(elapsed, 0.4)
        self.assertTrue(HttpReader(s).closed_by_peer(timeout=2))

    def test_sigint_exits_cleanly(self):
        up = self.upstream()
        gw = self.node(simple_config([up.address]))
        self.assertEqual(request(gw.port("main"), "GET", "/x").status, 200)
        gw.proc.send_signal(signal.SIGINT)
        self.assertEqual(gw.wait_exit(10), 0)

    def test_second_node_on_a_taken_port_refuses_to_start(self):
        # The workers' sockets share the port with SO_REUSEPORT; a second process of the same user
        # must not join that group and silently take part of the traffic.
        up = self.upstream()
        gw = self.node(simple_config([up.address], workers=2))
        port = gw.port("main")
        path = os.path.join(gw.tmpdir, "second.yaml")
        with open(path, "w") as f:
            f.write(VALID_YAML.replace("    port: 0\nclusters", f"    port: {port}\nclusters"))
        second = subprocess.run([METROGW_BIN, "--config", path], capture_output=True, text=True, timeout=20)
        self.assertNotEqual(second.returncode, 0)
        self.assertIn(f"cannot listen on 127.0.0.1:{port}", second.stderr + second.stdout)
        for i in range(8):  # every connection still reaches the first node
            self.assertEqual(request(port, "GET", f"/x/{i}").status, 200)

    def test_access_log_flushed_on_exit(self):
        up = self.upstream()
        gw = self.node(simple_config([up.address]))
        r = request(gw.port("main"), "GET", "/logged?secret=1")
        rid = r.header("x-request-id")
        self.assertEqual(gw.stop(), 0)
        entries = [e for e in gw.access_log() if e.get("request_id") == rid]
        self.assertEqual(len(entries), 1, gw.stdout_lines)
        self.assertEqual(entries[0]["path"], "/logged")


if __name__ == "__main__":
    unittest.main(verbosity=2)

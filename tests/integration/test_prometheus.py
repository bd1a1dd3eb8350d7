#!/usr/bin/env python3
"""A real Prometheus server (Debian package prometheus) on loopback scrapes a running metrogw node with
the shipped alert rules (deploy/prometheus/alerts.yml) loaded; its HTTP API then answers a metric the
node exported (the requests just served, by route) and lists the metrogw alert rules as healthy.
The graph of the node's request rate in Prometheus's own UI is kept as a screenshot
(build/test-artifacts/prometheus-graph.png; Grafana is not packaged in Debian 12)."""
import json
import os
import shutil
import subprocess
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOURCE_DIR, NodeTestCase, free_port, request, simple_config, wait_until  # noqa: E402
from webdriver import ARTIFACTS, WebDriver, browsers_installed  # noqa: E402

PROMETHEUS = shutil.which("prometheus")
RULES = os.path.join(SOURCE_DIR, "deploy", "prometheus", "alerts.yml")


class PrometheusTest(NodeTestCase):
    def start_prometheus(self, admin_port):
        port = free_port()
        config = os.path.join(self.tmpdir, "prometheus.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write("global: { scrape_interval: 1s, evaluation_interval: 1s }\n"
                    f"rule_files: [{json.dumps(RULES)}]\n"
                    "scrape_configs:\n"
                    "  - job_name: metrogw\n"
                    f"    static_configs: [{{ targets: ['127.0.0.1:{admin_port}'], labels: {{ city: '3201' }} }}]\n")
        log = open(os.path.join(self.tmpdir, "prometheus.log"), "w")
        self.addCleanup(log.close)
        proc = subprocess.Popen([PROMETHEUS, f"--config.file={config}",
                                 f"--storage.tsdb.path={os.path.join(self.tmpdir, 'tsdb')}",
                                 f"--web.listen-address=127.0.0.1:{port}"],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

        def stop():
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.addCleanup(stop)
        wait_until(lambda: self.api_ok(port, "/-/ready"), timeout=30, interval=0.2,
                   message="prometheus did not become ready")
        return port

    @staticmethod
    def api_ok(port, path):
        try:
            return request(port, "GET", path, timeout=2).status == 200
        except OSError:
            return False

    @staticmethod
    def api(port, path):
        r = request(port, "GET", path, timeout=5)
        return json.loads(r.body) if r.status == 200 else {}

    def test_prometheus_scrapes_a_node_and_loads_the_rules(self):
        self.assertIsNotNone(PROMETHEUS, "prometheus is missing: deploy/install-deps.sh installs it")
        up = self.upstream()
        node = self.node(simple_config([up.address]))
        for _ in range(7):
            self.assertEqual(request(node.port(), "GET", "/v1/node").status, 200)
        port = self.start_prometheus(node.admin_port)
        query = urllib.parse.quote('sum(metrogw_http_requests_total{route="node",code_class="2xx",city="3201"})')

        def scraped():
            result = self.api(port, f"/api/v1/query?query={query}").get("data", {}).get("result", [])
            return result and float(result[0]["value"][1]) == 7
        wait_until(scraped, timeout=30, interval=0.5, message="the node's requests did not reach Prometheus")
        up_query = urllib.parse.quote('up{job="metrogw"}')
        self.assertEqual(self.api(port, f"/api/v1/query?query={up_query}")["data"]["result"][0]["value"][1], "1")

        rules = self.api(port, "/api/v1/rules")["data"]["groups"]
        names = {r["name"]: r for g in rules for r in g["rules"]}
        self.assertIn("MetrogwCertificateExpiringSoon", names)
        self.assertEqual(len(names), 8, sorted(names))
        time.sleep(2)  # a few evaluations
        rules = self.api(port, "/api/v1/rules")["data"]["groups"]
        self.assertTrue(all(r["health"] in ("ok", "unknown") for g in rules for r in g["rules"]), rules)
        self.graph_screenshot(port, node)

    def graph_screenshot(self, port, node):
        self.assertTrue(browsers_installed(), "chromium and chromium-driver: deploy/install-deps.sh installs them")
        deadline = time.monotonic() + 12  # a few scrapes of changing traffic draw a line
        i = 0
        while time.monotonic() < deadline:
            for _ in range(1 + i % 7):
                request(node.port(), "GET", "/v1/node")
            request(node.port(), "GET", "/missing")
            i += 1
            time.sleep(0.2)
        expr = urllib.parse.quote("sum by (route, code_class) (rate(metrogw_http_requests_total[5s])) > 0")
        driver = WebDriver(self.tmpdir)
        self.addCleanup(driver.close)
        driver.go(f"http://127.0.0.1:{port}/classic/graph?g0.expr={expr}&g0.tab=0&g0.range_input=1m")
        wait_until(lambda: driver.js("return document.querySelectorAll('.graph_area svg path.line, "
                                     ".graph_area svg path').length") > 0,
                   timeout=20, interval=0.5, message="the graph was not drawn")
        time.sleep(1)
        os.makedirs(ARTIFACTS, exist_ok=True)
        shot = os.path.join(ARTIFACTS, "prometheus-graph.png")
        driver.screenshot(shot)
        self.assertGreater(os.path.getsize(shot), 10_000)


if __name__ == "__main__":
    unittest.main(verbosity=2)

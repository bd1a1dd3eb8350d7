#!/usr/bin/env python3
"""The north API's contract, docs/openapi.yaml, against what the nodes really serve.

- Every route of the `main` listener in the deployed city configs (deploy/demo/federation_configs.py
  with identity, sharing and booking: the quickstart deployment) is an operation of the document with
  the same method, path and handler (x-metrogw-handler), and every operation of the document is such
  a route: nothing undocumented, nothing documented that is not served.
- The real binary accepts those configs (`--check`: every handler is registered in code).
- Every problem type the document names is in the catalogue the code emits from
  (gateway/http/problem.cc), and every response that is an error says application/problem+json.
- A running node serves the document byte for byte at GET /v1/openapi.yaml as application/yaml.

Needs PyYAML (Debian python3-yaml, installed by deploy/install-deps.sh).
"""
import os
import re
import secrets
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import METROGW_BIN, Node, NodeTestCase, request  # noqa: E402
from cities import CONFIGS, GEN_NODE_CERTS, SOURCE_DIR  # noqa: E402

try:
    import yaml
except ImportError:  # a clear failure, not a skip: CI installs python3-yaml
    yaml = None

DOCUMENT = os.path.join(SOURCE_DIR, "docs", "openapi.yaml")
CATALOGUE = os.path.join(SOURCE_DIR, "gateway", "http", "problem.cc")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def documented_operations(doc):
    ops = {}
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                ops[(method.upper(), path)] = item[method]
    return ops


class OpenApiTest(NodeTestCase):
    def setUp(self):
        super().setUp()
        self.assertIsNotNone(yaml, "PyYAML is missing: deploy/install-deps.sh installs python3-yaml")
        with open(DOCUMENT, encoding="utf-8") as f:
            self.text = f.read()
        self.doc = yaml.safe_load(self.text)

    def city_configs(self):
        certs = os.path.join(self.tmpdir, "certs")
        subprocess.run(["bash", GEN_NODE_CERTS, certs, "nanjing", "wuhu", "maanshan"], check=True,
                       capture_output=True, timeout=60)
        keys = os.path.join(self.tmpdir, "person-keys")
        with open(keys, "w") as f:
            f.write(f"t1 {secrets.token_hex(32)}\n")
        os.chmod(keys, 0o600)
        out = os.path.join(self.tmpdir, "config")
        subprocess.run([sys.executable, CONFIGS, out, certs, "--redis", "127.0.0.1:6379", "--key-file", keys,
                        "--sharing", os.path.join(self.tmpdir, "audit"), "--booking"], check=True, timeout=30)
        return {name: os.path.join(out, f"{name}.yaml") for name in ("nanjing", "wuhu", "maanshan")}

    def test_document_is_openapi_3_1(self):
        self.assertTrue(str(self.doc["openapi"]).startswith("3.1"), self.doc.get("openapi"))
        for key in ("info", "paths", "components"):
            self.assertIn(key, self.doc)
        ids = [op.get("operationId") for op in documented_operations(self.doc).values()]
        self.assertEqual(len(ids), len(set(ids)), "operationIds are unique")

    def test_every_served_route_is_documented_and_every_documented_route_is_served(self):
        for name, path in self.city_configs().items():
            with open(path, encoding="utf-8") as f:
                config = yaml.safe_load(f)
            served = {}
            for route in config["routes"]:
                if "handler" not in route or "main" not in route.get("listeners", ["main"]):
                    continue
                for method in route.get("methods", ["GET"]):
                    served[(method, route["path"])] = route["handler"]
            documented = {key: op.get("x-metrogw-handler") for key, op in documented_operations(self.doc).items()}
            self.assertEqual(sorted(set(served) - set(documented)), [], f"{name}: served but not documented")
            self.assertEqual(sorted(set(documented) - set(served)), [], f"{name}: documented but not served")
            self.assertEqual(documented, served, f"{name}: handlers differ")
            check = subprocess.run([METROGW_BIN, "--config", path, "--check"], capture_output=True, text=True,
                                   timeout=30)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

    def test_problem_types_are_the_codes_own(self):
        with open(CATALOGUE, encoding="utf-8") as f:
            catalogue = set(re.findall(r'\{\d{3}, "([a-z0-9-]+)",', f.read()))
        self.assertGreater(len(catalogue), 20)
        named = set(re.findall(r"urn:metrogw:problem:([a-z0-9-]+)", self.text))
        self.assertTrue(named, "the document names the problem types")
        self.assertEqual(sorted(named - catalogue), [], "problem types the code never emits")
        for (method, path), op in documented_operations(self.doc).items():
            for status, response in op.get("responses", {}).items():
                if "$ref" in response or not str(status)[0] in "45":
                    continue
                self.assertIn("application/problem+json", response.get("content", {}), (method, path, status))

    def test_a_node_serves_the_document(self):
        config = {"workers": 1, "listeners": [{"name": "main", "address": "127.0.0.1", "port": 0}],
                  "routes": [{"name": "openapi", "path": "/v1/openapi.yaml", "match": "exact", "methods": ["GET"],
                              "handler": "openapi"}]}
        node = Node(config, tmpdir=self.tmpdir)
        self.addCleanup(node.close)
        r = request(node.port(), "GET", "/v1/openapi.yaml")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "application/yaml")
        self.assertEqual(r.body.decode("utf-8"), self.text)


if __name__ == "__main__":
    unittest.main(verbosity=2)

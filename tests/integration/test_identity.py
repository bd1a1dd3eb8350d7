#!/usr/bin/env python3
"""Cross-city identity end to end: three city nodes (real metrogw) in front of the three platform
simulators (real metrogw-sim: FHIR R4, HL7 v2 over MLLP, HL7 v3), each node with its Redis database on
one real redis-server started by the test, and person tokens under a key file written here.

The simulators share "metro residents" (metrogw-sim residents SEED): the same person with a
different local number in each city, and a few with a wrong birth date in one city (conflicts).
Discoveries are counted from the simulators' own logs ("query:Patients" lines).
"""
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Node, NodeTestCase, free_port, request, wait_until  # noqa: E402
from cities import CITIES, CONFIGS, GEN_NODE_CERTS, Redis, Sim, residents  # noqa: E402

SEED = 7
DEADLINE_MS = 2000
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_char(first17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def valid_id(region, birth, seq):
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + check_char(first17)


class IdentityTest(NodeTestCase):
    # Settings the identity section gets on top of the generated configs; tests override.
    IDENTITY_EXTRA = {}
    WORKERS = 1
    REDIS_PASSWORD = None

    def setUp(self):
        super().setUp()
        self.certs = os.path.join(self.tmpdir, "certs")
        subprocess.run(["bash", GEN_NODE_CERTS, self.certs, "nanjing", "wuhu", "maanshan"], check=True,
                       capture_output=True, timeout=60)
        self.keys = os.path.join(self.tmpdir, "person-keys")
        with open(self.keys, "w") as f:
            f.write(f"# test keys\nt1 {secrets.token_hex(32)}\n")
        os.chmod(self.keys, 0o600)
        self.redis = Redis(self.tmpdir, password=self.REDIS_PASSWORD)
        self.addCleanup(self.redis.stop)
        password_args = []
        if self.REDIS_PASSWORD:
            password_file = os.path.join(self.tmpdir, "redis.password")
            with open(password_file, "w") as f:
                f.write(self.REDIS_PASSWORD + "\n")
            os.chmod(password_file, 0o600)
            password_args = ["--redis-password-file", password_file]
        self.sims = {}
        for name, city, dialect in CITIES:
            sim = Sim(dialect, city, 0)
            self.addCleanup(sim.stop)
            self.sims[name] = sim
        self.ports = {name: {"main": free_port(), "federation": free_port(), "admin": free_port(),
                             "platform": self.sims[name].port} for name, _, _ in CITIES}
        self.configs = os.path.join(self.tmpdir, "config")
        subprocess.run([sys.executable, CONFIGS, self.configs, self.certs, "--ports", json.dumps(self.ports),
                        "--deadline-ms", str(DEADLINE_MS), "--redis", f"127.0.0.1:{self.redis.port}",
                        "--key-file", self.keys] + password_args, check=True, timeout=30)
        self.nodes = {name: self.start_node(name) for name, _, _ in CITIES}
        # /readyz does not wait for Redis (a node serves degraded without it); these tests start
        # from a connected cache on every worker.
        for node in self.nodes.values():
            wait_until(lambda n=node: n.metric_value("metrogw_redis_connected") == self.WORKERS, timeout=10,
                       message="redis not connected on every worker")
        self.people = residents(SEED)

    def config_text(self, name):
        with open(os.path.join(self.configs, f"{name}.yaml"), encoding="utf-8") as f:
            text = f.read()
        extra = "".join(f"\n  {k}: {v}" for k, v in self.IDENTITY_EXTRA.items())
        text = text.replace("  check_digit: reject", "  check_digit: reject" + extra)
        text = text.replace("workers: 1", f"workers: {self.WORKERS}")
        return text.replace("access_log: false", "access_log: true")  # JSON lines on stdout

    def start_node(self, name):
        tmpdir = os.path.join(self.tmpdir, f"node-{name}-{time.monotonic_ns()}")
        os.makedirs(tmpdir)
        node = Node(self.config_text(name), tmpdir=tmpdir, start=False)
        node.admin_port = self.ports[name]["admin"]
        node.ports = {"main": self.ports[name]["main"], "federation": self.ports[name]["federation"]}
        self.addCleanup(node.close)
        node.start()
        return node

    # ---- helpers ----

    def resolve(self, node, person, **override):
        body = {"resident_id": person["resident_id"], "name": person["name"], "birth_date": person["birth_date"]}
        body.update(override)
        r = request(self.ports[node]["main"], "POST", "/v1/patients/$resolve",
                    headers={"Content-Type": "application/json"}, body=json.dumps(body).encode(), timeout=15)
        return r, (json.loads(r.body) if r.body else {})

    def call(self, name, method, path, body=None):
        r = request(self.ports[name]["main"], method, path, body=body, timeout=10)
        return r, (json.loads(r.body) if r.body else {})

    def discoveries(self):
        return sum(sim.count("query:Patients") for sim in self.sims.values())

    def person(self, cities=3, conflict=False):
        for p in self.people:
            if len(p["cities"]) == cities and bool(p["conflict_city"]) == conflict:
                return p
        raise AssertionError("no such metro resident")

    def nobody(self, seq=1):
        """A valid resident ID no platform knows."""
        return {"resident_id": valid_id("320102", "19700101", 900 + seq), "name": "无名氏", "birth_date": "1970-01-01"}

    def wait_discoveries(self, n):
        wait_until(lambda: self.discoveries() >= n, timeout=5, message=f"expected {n} discovery queries")


class ResolveAndCacheTest(IdentityTest):
    IDENTITY_EXTRA = {"negative_ttl_ms": 1500}

    def test_miss_discovers_every_city_then_redis_answers(self):
        p = self.person(cities=3)
        r, body = self.resolve("wuhu", p)
        self.assertEqual(r.status, 200, body)
        self.assertEqual(body["source"], "discovery")
        self.assertEqual(sorted(c["city"] for c in body["cities"]), sorted(p["cities"]))
        self.assertEqual(body["conflicts"], [])
        self.assertEqual(body["incomplete"], [])
        for c in body["cities"]:
            self.assertTrue(c["patient_id"].startswith(c["city"] + "-PT"), c)
        self.assertRegex(body["token"], r"^t1\.[A-Za-z0-9_-]{43}$")
        self.wait_discoveries(3)
        asked = self.discoveries()
        self.assertEqual(asked, 3, "one patient query per city")

        r2, again = self.resolve("wuhu", p)
        self.assertEqual(r2.status, 200, again)
        self.assertEqual(again["source"], "redis")
        self.assertEqual(again["token"], body["token"])
        self.assertEqual(again["cities"], body["cities"])
        self.assertEqual(self.discoveries(), asked, "a cache hit asks no platform")

        r3, xref = self.call("wuhu", "GET", f"/v1/patients/{body['token']}")
        self.assertEqual(r3.status, 200, xref)
        self.assertEqual(xref["cities"], body["cities"])
        self.assertGreater(self.nodes["wuhu"].metric_value("metrogw_identity_cache_total",
                                                           {"layer": "redis", "result": "hit"}), 0)
        self.assertEqual(self.nodes["wuhu"].metric_value("metrogw_identity_discoveries_total",
                                                         {"outcome": "linked"}), 1)

    def test_conflict_is_reported_and_not_linked(self):
        p = self.person(cities=1, conflict=True)
        r, body = self.resolve("nanjing", p)
        self.assertEqual(r.status, 200, body)
        self.assertEqual([c["city"] for c in body["cities"]], p["cities"])
        self.assertEqual([(c["city"], c["reason"]) for c in body["conflicts"]],
                         [(p["conflict_city"], "birth date differs")])
        self.assertEqual(self.nodes["nanjing"].metric_value("metrogw_identity_conflicts_total"), 1)

    def test_other_demographics_do_not_reuse_the_entry_and_do_not_replace_it(self):
        p = self.person(cities=3)
        r, good = self.resolve("nanjing", p)
        self.assertEqual(len(good["cities"]), 3, good)
        r, wrong = self.resolve("nanjing", p, name="王小二")
        self.assertEqual(r.status, 200, wrong)
        self.assertEqual(wrong["source"], "discovery")
        self.assertEqual(wrong["cities"], [])
        self.assertEqual(sorted(c["reason"] for c in wrong["conflicts"]), ["name differs"] * 3)
        r, again = self.resolve("nanjing", p)
        self.assertEqual(again["source"], "redis", "the confirmed entry survived")

    def test_unknown_person_is_negatively_cached_for_the_short_ttl(self):
        who = self.nobody()
        r, body = self.resolve("maanshan", who)
        self.assertEqual(r.status, 200, body)
        self.assertEqual((body["cities"], body["conflicts"], body["source"]), ([], [], "discovery"))
        self.wait_discoveries(3)
        r, again = self.resolve("maanshan", who)
        self.assertEqual(again["source"], "redis")
        self.assertEqual(self.discoveries(), 3)
        wait_until(lambda: self.resolve("maanshan", who)[1]["source"] == "discovery", timeout=5,
                   message="negative entry did not expire")
        self.assertEqual(self.discoveries(), 6)

    def test_invalidation_by_api_and_by_platform_message(self):
        p = self.person(cities=3)
        _, body = self.resolve("nanjing", p)
        token = body["token"]
        r, _ = self.call("nanjing", "DELETE", f"/v1/patients/{token}/cache")
        self.assertEqual(r.status, 204)
        r, problem = self.call("nanjing", "GET", f"/v1/patients/{token}")
        self.assertEqual(r.status, 404, problem)
        self.assertEqual(problem["type"], "urn:metrogw:problem:unknown-patient")
        _, again = self.resolve("nanjing", p)
        self.assertEqual(again["source"], "discovery")

        # Nanjing's platform (FHIR) announces an update of the patient's record.
        event = {"resourceType": "Patient", "id": "x1",
                 "identifier": [{"system": "urn:oid:2.16.156.10011.1.3", "value": p["resident_id"]}],
                 "name": [{"text": p["name"]}], "birthDate": p["birth_date"]}
        r, out = self.call("nanjing", "POST", "/v1/platform/events", body=json.dumps(event).encode())
        self.assertEqual(r.status, 200, out)
        self.assertEqual(out["invalidated_tokens"], 1)
        r, _ = self.call("nanjing", "GET", f"/v1/patients/{token}")
        self.assertEqual(r.status, 404)
        self.assertEqual(self.nodes["nanjing"].metric_value("metrogw_identity_invalidations_total",
                                                            {"trigger": "platform"}), 1)

    def test_bad_requests_get_clear_problems_without_the_number(self):
        p = self.person(cities=3)
        bad = p["resident_id"][:-1] + ("0" if p["resident_id"][-1] != "0" else "1")
        r, problem = self.resolve("wuhu", p, resident_id=bad)
        self.assertEqual(r.status, 422, problem)
        self.assertEqual(problem["type"], "urn:metrogw:problem:invalid-identifier")
        self.assertIn("check-character", problem["detail"])
        self.assertNotIn(bad[:17], json.dumps(problem))
        r, problem = self.resolve("wuhu", p, birth_date="1999-01-01")
        self.assertEqual(r.status, 422, problem)
        self.assertIn("birth-date", problem["detail"])
        r = request(self.ports["wuhu"]["main"], "POST", "/v1/patients/$resolve", body=b"{not json", timeout=5)
        self.assertEqual((r.status, r.problem_type()), (400, "malformed-request"))
        r, problem = self.resolve("wuhu", p, name="")
        self.assertEqual(r.status, 422, problem)
        r, problem = self.call("wuhu", "GET", "/v1/patients/not-a-token")
        self.assertEqual((r.status, problem["type"]), (400, "urn:metrogw:problem:invalid-parameter"))
        r, problem = self.call("wuhu", "GET", "/v1/patients/zz." + "A" * 43)
        self.assertEqual((r.status, problem["type"]), (404, "urn:metrogw:problem:unknown-patient"))


class ExpiryTest(IdentityTest):
    IDENTITY_EXTRA = {"cache_ttl_ms": 1200}

    def test_entry_expires_after_the_ttl(self):
        p = self.person(cities=3)
        self.assertEqual(self.resolve("wuhu", p)[1]["source"], "discovery")
        self.assertEqual(self.resolve("wuhu", p)[1]["source"], "redis")
        time.sleep(1.5)
        self.assertEqual(self.resolve("wuhu", p)[1]["source"], "discovery")


class SingleFlightTest(IdentityTest):
    WORKERS = 2

    def test_concurrent_misses_trigger_one_discovery(self):
        p = self.person(cities=3)
        results = []

        def one():
            results.append(self.resolve("wuhu", p))

        threads = [threading.Thread(target=one) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        self.assertEqual(len(results), 16)
        tokens = {body["token"] for r, body in results}
        self.assertEqual(len(tokens), 1)
        for r, body in results:
            self.assertEqual(r.status, 200, body)
            self.assertEqual(len(body["cities"]), 3, body)
        time.sleep(0.3)
        self.assertEqual(self.discoveries(), 3, "16 concurrent misses on 2 workers: one query per city")


class DegradedTest(IdentityTest):
    def test_redis_down_then_back(self):
        node = self.nodes["wuhu"]
        p, q = self.person(cities=3), self.person(cities=2)
        self.assertEqual(self.resolve("wuhu", p)[1]["source"], "discovery")
        self.assertEqual(self.resolve("wuhu", p)[1]["source"], "redis")

        self.redis.stop()
        wait_until(lambda: "degraded" in node.admin_get("/readyz")[1], timeout=5,
                   message="/readyz did not report the degradation")
        status, text = node.admin_get("/readyz")
        self.assertEqual(status, 200, "degraded, not unready: requests still resolve")
        self.assertIn("identity resolves by discovery", text)
        r, body = self.resolve("wuhu", p)
        self.assertEqual(r.status, 200, body)
        self.assertEqual(body["source"], "discovery")
        self.assertEqual(len(body["cities"]), 3)
        r, body = self.resolve("wuhu", q)
        self.assertEqual((r.status, len(body["cities"])), (200, 2), body)
        self.assertEqual(node.metric_value("metrogw_redis_connected"), 0)
        self.assertEqual(node.stderr_text().count("redis unreachable: degraded"), 1)

        self.redis.start()
        wait_until(lambda: "degraded" not in node.admin_get("/readyz")[1], timeout=15,
                   message="node did not recover when redis came back")
        self.assertEqual(node.metric_value("metrogw_redis_connected"), 1)
        self.assertEqual(self.resolve("wuhu", p)[1]["source"], "discovery")  # the restarted redis is empty
        self.assertEqual(self.resolve("wuhu", p)[1]["source"], "redis")
        self.assertEqual(node.stderr_text().count("degraded mode over"), 1)


class PrivacyTest(IdentityTest):
    def test_no_identifier_name_or_phone_in_redis_or_logs(self):
        people = [self.person(cities=3), self.person(cities=2), self.person(cities=1, conflict=True), self.nobody()]
        for name in ("nanjing", "wuhu", "maanshan"):
            for who in people:
                r, body = self.resolve(name, who)
                self.assertEqual(r.status, 200, body)
        stored = self.redis.dump()
        self.assertGreater(len(stored), 0)
        blob = b"\n".join(k + b"=" + v for k, v in stored)
        for node in self.nodes.values():  # access-log lines are written in batches
            wait_until(lambda n=node: any("$resolve" in json.dumps(line) for line in n.access_log()), timeout=5,
                       message="no access-log line for the resolves")
        logs = "".join(node.stderr_text() for node in self.nodes.values())
        logs += "".join(json.dumps(line, ensure_ascii=False) for node in self.nodes.values()
                        for line in node.access_log())
        self.assertIn("/v1/patients/$resolve", logs, "the access log was written")
        for who in people:
            for secret in (who["resident_id"], who["resident_id"][:17], who["name"]):
                self.assertNotIn(secret.encode(), blob, "in redis")
                self.assertNotIn(secret, logs, "in logs")
        self.assertIsNone(re.search(rb"1[3-9]\d{9}", blob), "a mobile phone number in redis")
        # Bounded by non-alphanumerics, so digits inside hex request ids do not count.
        phone = re.search(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])", logs)
        self.assertIsNone(phone, "a mobile phone number in logs: " +
                          (logs[max(0, phone.start() - 120):phone.end() + 20] if phone else ""))
        for key, _ in stored:
            self.assertRegex(key.decode(), r"^mgw:x(ref|lock):t1\.[A-Za-z0-9_-]{43}$")


class KeyRotationTest(IdentityTest):
    def test_tokens_under_the_previous_key_keep_resolving(self):
        p = self.person(cities=3)
        _, first = self.resolve("wuhu", p)
        old = first["token"]
        self.assertTrue(old.startswith("t1."), old)
        with open(self.keys, encoding="utf-8") as f:
            previous = f.read().splitlines()[-1]
        with open(self.keys, "w", encoding="utf-8") as f:
            f.write(f"t2 {secrets.token_hex(32)}\n{previous}\n")  # new key on top, old one kept
        self.assertEqual(self.nodes["wuhu"].reload(self.config_text("wuhu")), "success")
        asked = self.discoveries()
        r, second = self.resolve("wuhu", p)
        self.assertEqual(r.status, 200, second)
        self.assertTrue(second["token"].startswith("t2."), second)
        self.assertEqual(second["source"], "redis", "found under the previous key's token")
        self.assertEqual(second["cities"], first["cities"])
        self.assertEqual(self.discoveries(), asked)
        r, _ = self.call("wuhu", "GET", f"/v1/patients/{old}")
        self.assertEqual(r.status, 200, "the old token still resolves during the rotation")
        r, _ = self.call("wuhu", "GET", f"/v1/patients/{second['token']}")
        self.assertEqual(r.status, 200, "and the entry now also sits under the new token")


class RedisAuthTest(IdentityTest):
    REDIS_PASSWORD = "s3cret-" + secrets.token_hex(8)

    def test_node_authenticates_with_the_password_file(self):
        p = self.person(cities=2)
        self.assertEqual(self.resolve("nanjing", p)[1]["source"], "discovery")
        self.assertEqual(self.resolve("nanjing", p)[1]["source"], "redis")
        self.assertEqual(self.nodes["nanjing"].metric_value("metrogw_redis_connected"), 1)
        self.assertNotIn(self.REDIS_PASSWORD, self.nodes["nanjing"].stderr_text())


class ScopeTest(IdentityTest):
    def config_text(self, name):
        return super().config_text(name).replace(
            "anonymous_scopes: [identity:resolve, identity:read, identity:admin, platform:events]",
            "anonymous_scopes: [identity:resolve]")

    def test_caller_without_the_scope_is_refused(self):
        _, body = self.resolve("wuhu", self.person(cities=3))
        r, problem = self.call("wuhu", "DELETE", f"/v1/patients/{body['token']}/cache")
        self.assertEqual((r.status, problem["type"]), (403, "urn:metrogw:problem:caller-not-allowed"))
        r, problem = self.call("wuhu", "GET", f"/v1/patients/{body['token']}")
        self.assertEqual(r.status, 403, problem)


if __name__ == "__main__":
    unittest.main()

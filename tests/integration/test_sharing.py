#!/usr/bin/env python3
"""Consent-governed sharing end to end: three city nodes (real metrogw) in front of the three
platform simulators (real metrogw-sim), one real redis-server (a database per node: the identity
cache and the consent ledger), audit files in the test's temp dir.

The main case is a Nanjing resident's Nanjing lab reports read by a Ma'anshan doctor: the consent
is recorded at Nanjing (the home node, which also owns the data), the doctor's request enters the
Ma'anshan node, which fans out to every city where the patient is known; each owning node decides
with its own ledger, audits, and answers only what is permitted.
"""
import glob
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Node, NodeTestCase, free_port, request, wait_until  # noqa: E402
from cities import CITIES, CONFIGS, GEN_NODE_CERTS, Redis, Sim, residents  # noqa: E402

SEED = 7
DEADLINE_MS = 2000
METROGW_BIN = os.environ.get("METROGW_BIN", "")
CITY = {name: city for name, city, _ in CITIES}
DOCTOR = {"X-Practitioner": "MAS-D-0042", "X-Hospital": "maanshan-people-hospital"}


class SharingTest(NodeTestCase):
    def setUp(self):
        super().setUp()
        self.certs = os.path.join(self.tmpdir, "certs")
        subprocess.run(["bash", GEN_NODE_CERTS, self.certs, "nanjing", "wuhu", "maanshan"], check=True,
                       capture_output=True, timeout=60)
        self.keys = os.path.join(self.tmpdir, "person-keys")
        with open(self.keys, "w") as f:
            f.write(f"# test keys\nt1 {secrets.token_hex(32)}\n")
        os.chmod(self.keys, 0o600)
        self.redis = Redis(self.tmpdir)
        self.addCleanup(self.redis.stop)
        self.sims = {}
        for name, city, dialect in CITIES:
            sim = Sim(dialect, city, 0)
            self.addCleanup(sim.stop)
            self.sims[name] = sim
        self.ports = {name: {"main": free_port(), "federation": free_port(), "admin": free_port(),
                             "platform": self.sims[name].port} for name, _, _ in CITIES}
        self.configs = os.path.join(self.tmpdir, "config")
        self.audit_dir = os.path.join(self.tmpdir, "audit")
        subprocess.run([sys.executable, CONFIGS, self.configs, self.certs, "--ports", json.dumps(self.ports),
                        "--deadline-ms", str(DEADLINE_MS), "--redis", f"127.0.0.1:{self.redis.port}",
                        "--key-file", self.keys, "--sharing", self.audit_dir], check=True, timeout=30)
        self.nodes = {name: self.start_node(name) for name, _, _ in CITIES}
        for node in self.nodes.values():
            wait_until(lambda n=node: n.metric_value("metrogw_redis_connected") >= 1, timeout=10,
                       message="redis not connected")
        self.people = residents(SEED)

    def start_node(self, name):
        with open(os.path.join(self.configs, f"{name}.yaml"), encoding="utf-8") as f:
            text = f.read()
        tmpdir = os.path.join(self.tmpdir, f"node-{name}-{time.monotonic_ns()}")
        os.makedirs(tmpdir)
        node = Node(text, tmpdir=tmpdir, start=False)
        node.admin_port = self.ports[name]["admin"]
        node.ports = {"main": self.ports[name]["main"], "federation": self.ports[name]["federation"]}
        self.addCleanup(node.close)
        node.start()
        return node

    # ---- helpers ----

    def call(self, name, method, path, body=None, headers=None):
        h = dict(headers or {})
        if body is not None:
            h["Content-Type"] = "application/json"
            body = json.dumps(body).encode()
        r = request(self.ports[name]["main"], method, path, headers=h, body=body, timeout=15)
        try:
            parsed = json.loads(r.body) if r.body else {}
        except ValueError:
            parsed = {}
        return r, parsed

    def nanjing_resident(self):
        for p in self.people:
            if p["resident_id"].startswith("3201") and len(p["cities"]) == 3 and not p["conflict_city"]:
                return p
        raise AssertionError("no Nanjing metro resident known in three cities")

    def resolve(self, name, person):
        body = {"resident_id": person["resident_id"], "name": person["name"], "birth_date": person["birth_date"]}
        r, out = self.call(name, "POST", "/v1/patients/$resolve", body)
        self.assertEqual(r.status, 200, out)
        return out["token"], {c["city"]: c["patient_id"] for c in out["cities"]}

    def grant(self, token, categories=("lab-report",), purposes=("treatment",), grantee=None, at="nanjing"):
        body = {"patient": token, "grantee": grantee or {"city": CITY["maanshan"]}, "categories": list(categories),
                "purposes": list(purposes), "source": "12320-app"}
        r, out = self.call(at, "POST", "/v1/consents", body)
        self.assertEqual(r.status, 201, out)
        return out

    def lab_reports(self, token, purpose="treatment", headers=None, at="maanshan", accept=None):
        h = dict(DOCTOR)
        h.update(headers or {})
        if accept:
            h["Accept"] = accept
        return self.call(at, "GET", f"/v1/patients/{token}/lab-reports?purpose={purpose}", headers=h)

    def sim_reports(self, local_id):
        """What the Nanjing simulator holds for the patient: {report id: {observation id: value}}."""
        q = urllib.parse.urlencode({"patient": local_id, "_include": "DiagnosticReport:result"})
        r = request(self.sims["nanjing"].port, "GET", f"/fhir/DiagnosticReport?{q}", timeout=10)
        self.assertEqual(r.status, 200)
        bundle = json.loads(r.body)
        reports, values, ids = {}, {}, {}
        for e in bundle.get("entry", []):
            res = e["resource"]
            if res["resourceType"] == "DiagnosticReport":
                reports[res["id"]] = [ref["reference"] for ref in res.get("result", [])]
            elif res["resourceType"] == "Observation":
                v = res.get("valueQuantity", {}).get("value", res.get("valueString"))
                values[res["id"]] = v
                ids[e.get("fullUrl", "")] = res["id"]
                ids["Observation/" + res["id"]] = res["id"]
        reports = {rid: [ids.get(ref, ref.split("/")[-1]) for ref in refs] for rid, refs in reports.items()}
        return {rid: {oid: values.get(oid) for oid in obs} for rid, obs in reports.items()}

    def audit_records(self, name):
        out = []
        for path in sorted(glob.glob(os.path.join(self.audit_dir, name, "audit-*.jsonl"))):
            with open(path, encoding="utf-8") as f:
                out += [json.loads(line) for line in f if line.endswith("\n")]
        return out

    def audit_verify(self, name):
        return subprocess.run([METROGW_BIN, "audit", "verify", "--dir", os.path.join(self.audit_dir, name)],
                              capture_output=True, text=True, timeout=30)


class ConsentedReadTest(SharingTest):
    def test_consented_doctor_reads_nanjing_reports_with_values_and_nothing_else(self):
        p = self.nanjing_resident()
        token, local = self.resolve("maanshan", p)
        self.assertEqual(sorted(local), sorted(CITY.values()))
        consent = self.grant(token)
        self.assertTrue(consent["id"].startswith("3201-"), consent)

        r, body = self.lab_reports(token)
        self.assertEqual(r.status, 200, body)
        expected = self.sim_reports(local["3201"])
        self.assertTrue(expected, "the Nanjing simulator holds reports for the patient")
        got = {rep["id"]: rep for rep in body.get("lab_reports", [])}
        # Only Nanjing's reports: Wuhu and Ma'anshan have no consent in their ledgers, so their
        # reports are absent, and nothing counts or names them.
        self.assertEqual(sorted(got), sorted(expected))
        for rid, observations in expected.items():
            values = {o["id"]: o.get("value") for o in got[rid].get("observations", [])}
            self.assertEqual(sorted(values), sorted(observations))
            for oid, v in observations.items():
                if isinstance(v, (int, float)):
                    self.assertAlmostEqual(float(values[oid]), float(v), places=6)
                elif v is not None:
                    self.assertEqual(values[oid], v)
        self.assertNotIn("total", body)
        self.assertNotIn("incomplete", body)
        self.assertIsNone(r.header("x-metrogw-incomplete"))

        # The Nanjing node audited the permit with the consent id; the other owners their denials.
        nj = [e for e in self.audit_records("nanjing") if e.get("action") == "search"]
        self.assertTrue(any(e["decision"] == "permit" and e["consent_id"] == consent["id"] and
                            e["category"] == "lab-report" and e["caller_city"] == "3405" and
                            e["practitioner"] == DOCTOR["X-Practitioner"] and e["patient_token"] == token
                            for e in nj), nj)
        wh = [e for e in self.audit_records("wuhu") if e.get("action") == "search"]
        self.assertTrue(wh and all(e["decision"] == "deny" for e in wh), wh)
        self.assertEqual(self.nodes["nanjing"].metric_value(
            "metrogw_policy_decisions_total", {"outcome": "permit", "category": "lab-report"}), 1)

        # FHIR: DiagnosticReport + Observation Bundle, no total.
        r, bundle = self.lab_reports(token, accept="application/fhir+json")
        self.assertEqual(r.status, 200, bundle)
        self.assertTrue(r.header("content-type").startswith("application/fhir+json"))
        kinds = {e["resource"]["resourceType"] for e in bundle.get("entry", [])}
        self.assertIn("DiagnosticReport", kinds)
        self.assertIn("Observation", kinds)
        self.assertNotIn("total", bundle)

        # One report by id; a record summary is not consented (another category): 403.
        rid = sorted(expected)[0]
        r, one = self.call("maanshan", "GET", f"/v1/patients/{token}/lab-reports/{rid}?purpose=treatment",
                           headers=DOCTOR)
        self.assertEqual(r.status, 200, one)
        self.assertEqual(one["id"], rid)
        r, summary = self.call("maanshan", "GET", f"/v1/patients/{token}/record-summary?purpose=treatment",
                               headers=DOCTOR)
        self.assertEqual(r.status, 403, summary)
        self.assertEqual(r.problem_type(), "consent-required")

        for name in ("nanjing", "wuhu", "maanshan"):
            v = self.audit_verify(name)
            self.assertEqual(v.returncode, 0, v.stdout + v.stderr)

    def test_without_consent_403_and_after_revocation_403(self):
        p = self.nanjing_resident()
        token, _ = self.resolve("maanshan", p)
        r, body = self.lab_reports(token)
        self.assertEqual(r.status, 403, body)
        self.assertTrue(r.header("content-type").startswith("application/problem+json"))
        self.assertEqual(r.problem_type(), "consent-required")
        self.assertNotIn(p["resident_id"], r.body.decode())

        consent = self.grant(token)
        r, body = self.lab_reports(token)
        self.assertEqual(r.status, 200, (body, [(e["seq"], e["time_ms"], e["reason"]) for e in self.audit_records("nanjing")]))
        r, revocation = self.call("nanjing", "DELETE", f"/v1/consents/{consent['id']}")
        self.assertEqual(r.status, 200, revocation)
        self.assertEqual(revocation["kind"], "revocation")
        self.assertEqual(revocation["revokes"], consent["id"])
        r, body = self.lab_reports(token)
        self.assertEqual(r.status, 403, body)
        self.assertEqual(r.problem_type(), "consent-required")

        # History kept: the grant and its revocation; FHIR Consent resources when asked.
        r, history = self.call("nanjing", "GET", f"/v1/patients/{token}/consents")
        self.assertEqual(r.status, 200, history)
        self.assertEqual([c["kind"] for c in history["consents"]], ["grant", "revocation"])
        r, bundle = self.call("nanjing", "GET", f"/v1/patients/{token}/consents",
                              headers={"Accept": "application/fhir+json"})
        self.assertEqual(r.status, 200)
        self.assertEqual([e["resource"]["status"] for e in bundle["entry"]], ["inactive", "inactive"])
        self.assertEqual(bundle["entry"][0]["resource"]["resourceType"], "Consent")
        # Revoke at another node: not its ledger.
        r, other = self.call("wuhu", "DELETE", f"/v1/consents/{consent['id']}")
        self.assertEqual(r.status, 404, other)
        self.assertEqual(r.problem_type(), "consent-not-found")

        actions = [e["action"] for e in self.audit_records("nanjing") if e["action"].startswith("consent-")]
        self.assertEqual(actions, ["consent-grant", "consent-revoke"])

    def test_break_glass_is_permitted_with_a_reason_and_flagged_in_the_audit(self):
        p = self.nanjing_resident()
        token, _ = self.resolve("maanshan", p)
        r, body = self.lab_reports(token, purpose="emergency")
        self.assertEqual(r.status, 403, body)
        self.assertEqual(r.problem_type(), "break-glass-not-permitted")
        r, body = self.lab_reports(token, purpose="emergency",
                                   headers={"X-Break-Glass-Reason": "unconscious patient in the ED"})
        self.assertEqual(r.status, 200, body)
        self.assertTrue(body.get("lab_reports"))
        flagged = [e for e in self.audit_records("nanjing") if e.get("break_glass")]
        self.assertTrue(flagged, self.audit_records("nanjing"))
        self.assertEqual(flagged[0]["break_glass_reason"], "unconscious patient in the ED")
        self.assertEqual(flagged[0]["decision"], "permit")
        self.assertGreaterEqual(self.nodes["nanjing"].metric_value("metrogw_policy_break_glass_total"), 1)

    def test_bad_requests(self):
        p = self.nanjing_resident()
        token, _ = self.resolve("maanshan", p)
        r, _ = self.call("maanshan", "GET", f"/v1/patients/{token}/lab-reports", headers=DOCTOR)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.problem_type(), "invalid-parameter")
        r, _ = self.call("maanshan", "GET", f"/v1/patients/{token}/lab-reports?purpose=treatment")
        self.assertEqual(r.status, 400)  # no X-Practitioner
        r, _ = self.call("maanshan", "GET", "/v1/patients/t1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/lab-reports"
                         "?purpose=treatment", headers=DOCTOR)
        self.assertEqual(r.status, 404)
        self.assertEqual(r.problem_type(), "unknown-patient")
        r, _ = self.call("nanjing", "POST", "/v1/consents", {"patient": token, "grantee": {}})
        self.assertEqual(r.status, 400)


class KillTest(SharingTest):
    def test_every_answered_read_is_in_the_audit_log_after_kill_9(self):
        p = self.nanjing_resident()
        token, _ = self.resolve("maanshan", p)
        self.grant(token)
        answered = 0
        for _ in range(20):
            r, _ = self.lab_reports(token)
            self.assertEqual(r.status, 200)
            answered += 1
        self.nodes["nanjing"].proc.send_signal(signal.SIGKILL)
        self.nodes["nanjing"].proc.wait(10)
        permits = [e for e in self.audit_records("nanjing")
                   if e.get("action") == "search" and e.get("decision") == "permit" and e.get("patient_token") == token]
        self.assertGreaterEqual(len(permits), answered)
        v = self.audit_verify("nanjing")
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)


if __name__ == "__main__":
    unittest.main()

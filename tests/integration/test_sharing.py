#!/usr/bin/env python3
"""Consent-governed sharing end to end: three city nodes (real metrogw) in front of the three
platform simulators (real metrogw-sim), one real redis-server (a database per node: the identity
cache and the consent ledger), audit files in the test's temp dir.

The main case is a Nanjing resident's lab reports read by a Ma'anshan doctor: the consent is
recorded at Nanjing (the home node), the doctor's request enters the Ma'anshan node, which fans out
to every city where the patient is known; each owning node decides with its own ledger and the
ledgers of the other cities where the patient is known (read at their consent-peer endpoints),
audits, and answers only what is permitted. A ledger that cannot be read contributes nothing.
Audit records are also shipped to each node's Redis stream (<prefix>audit:events).
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
from harness import Node, NodeTestCase, client_context, free_port, request, wait_until  # noqa: E402
from cities import CITIES, CONFIGS, GEN_NODE_CERTS, Redis, Sim, _encode, _read, residents  # noqa: E402

SEED = 7
DEADLINE_MS = 2000
METROGW_BIN = os.environ.get("METROGW_BIN", "")
CITY = {name: city for name, city, _ in CITIES}
DB = {name: i for i, (name, _, _) in enumerate(CITIES)}  # the node's Redis database (federation_configs.py)
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

    def sim_reports(self, local_id, city="3201"):
        """What a city's simulator holds for the patient: {report id: {observation id: value}}. The
        worlds are deterministic per (city, seed), so a FHIR simulator of the same city and seed
        holds the same reports as the node's own (which may speak HL7 v2 or v3)."""
        port = self.sims["nanjing"].port if city == "3201" else self.fhir_sim(city).port
        q = urllib.parse.urlencode({"patient": local_id, "_include": "DiagnosticReport:result"})
        r = request(port, "GET", f"/fhir/DiagnosticReport?{q}", timeout=10)
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

    def fhir_sim(self, city):
        if not hasattr(self, "_fhir_sims"):
            self._fhir_sims = {}
        if city not in self._fhir_sims:
            sim = Sim("fhir-r4", city, 0)
            self.addCleanup(sim.stop)
            self._fhir_sims[city] = sim
        return self._fhir_sims[city]

    def assert_reports(self, got, expected, observation_ids=True):
        """Every expected report is in `got` ({id: report}) with its observations' values. HL7 v2
        (Wuhu) carries no observation ids (OBX-1 is a set id): there the values are compared as a
        multiset per report."""
        def norm(v):
            try:
                return ("n", round(float(v), 6))
            except (TypeError, ValueError):
                return ("s", v)

        for rid, observations in expected.items():
            self.assertIn(rid, got)
            if not observation_ids:
                values = sorted(norm(o.get("value")) for o in got[rid].get("observations", []))
                self.assertEqual(values, sorted(norm(v) for v in observations.values()), rid)
                continue
            values = {o["id"]: o.get("value") for o in got[rid].get("observations", [])}
            self.assertEqual(sorted(values), sorted(observations))
            for oid, v in observations.items():
                if isinstance(v, (int, float)):
                    self.assertAlmostEqual(float(values[oid]), float(v), places=6)
                elif v is not None:
                    self.assertEqual(values[oid], v)

    def audit_records(self, name):
        out = []
        for path in sorted(glob.glob(os.path.join(self.audit_dir, name, "audit-*.jsonl"))):
            with open(path, encoding="utf-8") as f:
                out += [json.loads(line) for line in f if line.endswith("\n")]
        return out

    def audit_lines(self, name, directory=None):
        out = []
        for path in sorted(glob.glob(os.path.join(directory or os.path.join(self.audit_dir, name),
                                                  "audit-*.jsonl"))):
            with open(path, encoding="utf-8") as f:
                out += [line[:-1] for line in f if line.endswith("\n")]
        return out

    def redis_in_db(self, name, *args):
        """One command in the node's Redis database."""
        import socket
        with socket.create_connection(("127.0.0.1", self.redis.port), timeout=3) as sock:
            f = sock.makefile("rb")
            sock.sendall(_encode(["SELECT", str(DB[name])]))
            _read(f)
            sock.sendall(_encode(list(args)))
            return _read(f)

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
        # The consent recorded at the home node covers every city's reports (each owner reads the
        # Nanjing ledger at its consent-peer endpoint): Nanjing's with their values, and the
        # others' too (CrossCityConsentTest checks those values).
        self.assert_reports(got, expected)
        self.assertGreater(len(got), len(expected))
        self.assertNotIn("total", body)
        # Ma'anshan's own reports come from its HL7 v3 platform (RCMR_IN000031UV01 -> CDA C0007
        # documents in RCMR_IN000032UV01), with their values; every city answered.
        self.assert_reports(got, self.sim_reports(local["3405"], city="3405"))
        self.assertEqual(body.get("incomplete", []), [])
        self.assertIsNone(r.header("x-metrogw-incomplete"))

        # Every owner audited its permit with the consent id.
        for name in ("nanjing", "wuhu", "maanshan"):
            events = [e for e in self.audit_records(name) if e.get("action") == "search"]
            self.assertTrue(any(e["decision"] == "permit" and e["consent_id"] == consent["id"] and
                                e["category"] == "lab-report" and e["caller_city"] == "3405" and
                                e["owner_city"] == CITY[name] and
                                e["practitioner"] == DOCTOR["X-Practitioner"] and e["patient_token"] == token
                                for e in events), (name, events))
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

        actions = [e["action"] for e in self.audit_records("nanjing")
                   if e["action"] in ("consent-grant", "consent-revoke")]
        self.assertEqual(actions, ["consent-grant", "consent-revoke"])
        # The other owners read the Nanjing ledger for each request: audited there as consent-read.
        reads = [e for e in self.audit_records("nanjing") if e["action"] == "consent-read"]
        self.assertEqual({e["caller_city"] for e in reads}, {CITY["wuhu"], CITY["maanshan"]})
        self.assertTrue(all(e["patient_token"] == token and e["request_id"] for e in reads), reads)

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


class RecordSummaryTest(SharingTest):
    def test_consented_record_summaries_from_fhir_and_cda_platforms(self):
        p = self.nanjing_resident()
        token, local = self.resolve("maanshan", p)
        self.grant(token, categories=("record-summary",))
        r, body = self.call("maanshan", "GET", f"/v1/patients/{token}/record-summary?purpose=treatment",
                            headers=DOCTOR)
        self.assertEqual(r.status, 200, body)
        summaries = body.get("record_summaries", [])
        # Nanjing (FHIR) and Ma'anshan (HL7 v3: RCMR_IN000031UV01 answered with a C0001 document)
        # answer; HL7 v2 has no record-summary interaction, so Wuhu is named as incomplete.
        self.assertEqual(len(summaries), 2, body)
        self.assertTrue(all(s.get("problems") or s.get("encounters") for s in summaries), summaries)
        self.assertEqual([(i["city"], i["reason"]) for i in body.get("incomplete", [])], [("3402", "refused")])
        # Lab reports are another category: not consented, refused.
        r, out = self.lab_reports(token)
        self.assertEqual(r.status, 403, out)


class CrossCityConsentTest(SharingTest):
    """One consent at the home node (Nanjing) governs the reports another city (Wuhu) holds."""

    def wuhu_search_events(self, token):
        return [e for e in self.audit_records("wuhu") if e.get("action") == "search" and e["patient_token"] == token]

    def test_home_node_consent_covers_other_cities_and_its_revocation_ends_it(self):
        p = self.nanjing_resident()
        token, local = self.resolve("maanshan", p)
        expected_nj = self.sim_reports(local["3201"])
        expected_wh = self.sim_reports(local["3402"], city="3402")
        self.assertTrue(expected_nj and expected_wh, "both simulators hold reports for the patient")
        self.assertFalse(set(expected_nj) & set(expected_wh))

        consent = self.grant(token)  # at Nanjing only: the Wuhu ledger holds nothing for the patient
        r, history = self.call("wuhu", "GET", f"/v1/patients/{token}/consents")
        self.assertEqual((r.status, history["consents"]), (200, []))

        r, body = self.lab_reports(token)
        self.assertEqual(r.status, 200, body)
        got = {rep["id"]: rep for rep in body.get("lab_reports", [])}
        self.assert_reports(got, expected_nj)
        self.assert_reports(got, expected_wh, observation_ids=False)
        # Wuhu decided with the Nanjing grant, read from the Nanjing ledger over mTLS.
        permits = [e for e in self.wuhu_search_events(token) if e["decision"] == "permit"]
        self.assertTrue(permits and all(e["consent_id"] == consent["id"] and e["owner_city"] == "3402"
                                        for e in permits), permits)
        self.assertGreaterEqual(self.nodes["wuhu"].metric_value(
            "metrogw_sharing_ledger_reads_total", {"city": "3201", "result": "ok"}), 1)
        reads = [e for e in self.audit_records("nanjing") if e["action"] == "consent-read" and
                 e["caller_city"] == "3402"]
        self.assertTrue(reads and reads[-1]["patient_token"] == token and
                        reads[-1]["practitioner"] == DOCTOR["X-Practitioner"], reads)
        self.assertEqual(reads[-1]["request_id"], permits[-1]["request_id"])

        # Revoked at the home node: refused everywhere, from the next request on (nothing cached).
        r, _ = self.call("nanjing", "DELETE", f"/v1/consents/{consent['id']}")
        self.assertEqual(r.status, 200)
        r, body = self.lab_reports(token)
        self.assertEqual(r.status, 403, body)
        self.assertEqual(r.problem_type(), "consent-required")
        self.assertNotIn("lab_reports", body)
        last = [e for e in self.wuhu_search_events(token) if e["category"] == "lab-report"][-1]
        self.assertEqual((last["decision"], last["reason"], last["consent_id"]), ("deny", "revoked", consent["id"]))
        for v in (self.audit_verify(n) for n in ("nanjing", "wuhu")):
            self.assertEqual(v.returncode, 0, v.stdout + v.stderr)

    def test_unreachable_home_ledger_releases_nothing_from_other_cities(self):
        p = self.nanjing_resident()
        token, local = self.resolve("maanshan", p)
        expected_wh = self.sim_reports(local["3402"], city="3402")
        self.grant(token)
        r, body = self.lab_reports(token)
        self.assertEqual(r.status, 200, body)
        self.assertTrue(set(expected_wh) <= {rep["id"] for rep in body["lab_reports"]})

        self.nodes["nanjing"].stop()  # the home node, its ledger and its consent-peer endpoint
        r, body = self.lab_reports(token)
        # Nanjing is unreachable; Wuhu and Ma'anshan cannot read the Nanjing ledger, so its grant
        # counts for nothing there: both deny, and nothing is released.
        self.assertEqual(r.status, 403, body)
        self.assertEqual(r.problem_type(), "consent-required")
        self.assertNotIn("lab_reports", body)
        for rid in expected_wh:
            self.assertNotIn(rid, r.body.decode())
        last = [e for e in self.wuhu_search_events(token) if e["category"] == "lab-report"][-1]
        self.assertEqual(last["decision"], "deny")
        self.assertEqual(last["reason"], "no-consent; ledgers not read: 3201")
        failures = sum(self.nodes["wuhu"].metric_value("metrogw_sharing_ledger_reads_total",
                                                       {"city": "3201", "result": result})
                       for result in ("unavailable", "timeout"))
        self.assertGreaterEqual(failures, 1)
        v = self.audit_verify("wuhu")
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)

    def test_consent_peer_answers_configured_peers_only(self):
        p = self.nanjing_resident()
        token, _ = self.resolve("maanshan", p)
        consent = self.grant(token)
        subprocess.run(["bash", GEN_NODE_CERTS, self.certs, "outsider"], check=True, capture_output=True,
                       timeout=60)
        body = json.dumps({"patient": token, "request_id": "t-1"}).encode()
        headers = {"Content-Type": "application/json"}

        def ask(who):
            ctx = client_context(None, cert=os.path.join(self.certs, f"{who}.pem"),
                                 key=os.path.join(self.certs, f"{who}.key"), ca=os.path.join(self.certs, "ca.pem"))
            ctx.check_hostname = False
            return request(self.ports["nanjing"]["federation"], "POST", "/federation/v1/consents", headers=headers,
                           body=body, tls_context=ctx, timeout=10)

        r = ask("wuhu")
        self.assertEqual(r.status, 200, r.body)
        answer = json.loads(r.body)
        self.assertEqual([c["id"] for c in answer["consents"]], [consent["id"]])
        for who in ("outsider", "nanjing"):  # signed by the same CA, but not a peer of Nanjing
            r = ask(who)
            self.assertEqual(r.status, 403, r.body)
            self.assertEqual(r.problem_type(), "caller-not-allowed")
            self.assertNotIn(consent["id"], r.body.decode())


class AuditStreamTest(SharingTest):
    def test_audit_records_are_shipped_to_the_redis_stream_without_personal_data(self):
        p = self.nanjing_resident()
        token, local = self.resolve("maanshan", p)
        consent = self.grant(token)
        for _ in range(3):
            r, _ = self.lab_reports(token)
            self.assertEqual(r.status, 200)
        self.call("nanjing", "DELETE", f"/v1/consents/{consent['id']}")
        r, _ = self.lab_reports(token)
        self.assertEqual(r.status, 403)
        key = "mgw:audit:events"
        for name in ("nanjing", "wuhu", "maanshan"):
            lines = self.audit_lines(name)
            self.assertGreaterEqual(len(lines), 5)
            wait_until(lambda n=name, want=len(lines): self.redis_in_db(n, "XLEN", key) == want, timeout=10,
                       message=f"{name}: audit stream not caught up")
            entries = self.redis_in_db(name, "XRANGE", key, "-", "+")
            shipped = {}
            for _, fields in entries:
                f = {fields[i].decode(): fields[i + 1].decode() for i in range(0, len(fields), 2)}
                self.assertEqual(f["node"], f"metrogw-{name}")
                shipped[int(f["seq"])] = f["record"]
            # The same records as the files: same seq, byte for byte the same line (hash included).
            in_files = {json.loads(line)["seq"]: line for line in lines}
            self.assertEqual(shipped, in_files)
            ids = {json.loads(line)["request_id"] for line in lines}
            self.assertTrue(any(i for i in ids))
        # No resident ID, name or phone number in clear in any stream.
        r = request(self.sims["nanjing"].port, "GET", f"/fhir/Patient?_id={local['3201']}", timeout=10)
        self.assertEqual(r.status, 200, r.body)
        patient = json.loads(r.body)["entry"][0]["resource"]
        phones = [t["value"] for t in patient.get("telecom", []) if t.get("system") == "phone"]
        self.assertTrue(phones)
        for name in ("nanjing", "wuhu", "maanshan"):
            raw = b"\n".join(b"\n".join(v for v in fields) for _, fields in
                              self.redis_in_db(name, "XRANGE", key, "-", "+"))
            self.assertIn(token.encode(), raw)
            for secret in [p["resident_id"], p["name"]] + phones:
                self.assertNotIn(secret.encode(), raw, name)


class AuditReloadTest(SharingTest):
    def test_a_new_audit_directory_applies_on_sighup_other_settings_after_a_restart(self):
        p = self.nanjing_resident()
        token, _ = self.resolve("maanshan", p)
        self.grant(token)
        node = self.nodes["nanjing"]
        with open(os.path.join(self.configs, "nanjing.yaml"), encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.rstrip().endswith(os.path.join(self.audit_dir, "nanjing") + '"'), text[-200:])

        # hash changed, same directory: not applied (the chain goes on in SM3), and the log says so.
        self.assertEqual(node.reload(text + "  hash: sha256\n"), "success")
        r, _ = self.lab_reports(token)
        self.assertEqual(r.status, 200)
        wait_until(lambda: "audit settings changed" in node.stderr_text(), timeout=5,
                   message="no warning about audit settings needing a restart")
        self.assertIn("(hash)", node.stderr_text())
        self.assertEqual({json.loads(line)["alg"] for line in self.audit_lines("nanjing")}, {"sm3"})

        # A new directory: the node writes there from the next access on (a new chain, new settings).
        moved = os.path.join(self.tmpdir, "audit-moved")
        text2 = text.replace(os.path.join(self.audit_dir, "nanjing"), moved) + "  hash: sha256\n"
        self.assertEqual(node.reload(text2), "success")
        before = len(self.audit_lines("nanjing"))
        r, _ = self.lab_reports(token)
        self.assertEqual(r.status, 200)
        new = [json.loads(line) for line in self.audit_lines("nanjing", directory=moved)]
        self.assertTrue(any(e["action"] == "search" and e["decision"] == "permit" for e in new), new)
        self.assertEqual({e["alg"] for e in new}, {"sha256"})
        self.assertEqual(len(self.audit_lines("nanjing")), before)
        for d in (os.path.join(self.audit_dir, "nanjing"), moved):
            v = subprocess.run([METROGW_BIN, "audit", "verify", "--dir", d], capture_output=True, text=True,
                               timeout=30)
            self.assertEqual(v.returncode, 0, v.stdout + v.stderr)


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

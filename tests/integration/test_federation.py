#!/usr/bin/env python3
"""Federation end to end: three city nodes (real metrogw binaries) in front of three city platform
simulators (real metrogw-sim binaries speaking FHIR R4, HL7 v2 over MLLP and HL7 v3), linked over
mutual TLS with certificates generated for the test (deploy/gen-node-certs.sh) and configs written
by deploy/demo/federation_configs.py, the generator quickstart uses.
"""
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOURCE_DIR, Node, NodeTestCase, free_port, request  # noqa: E402
from cities import CITIES, CONFIGS, GEN_NODE_CERTS, SIM_BIN, Sim  # noqa: E402,F401

SCHEMA = os.path.join(SOURCE_DIR, "model", "schema", "metrogw.fbs")
DEADLINE_MS = 1500


class FederationTest(NodeTestCase):
    def setUp(self):
        super().setUp()
        self.certs = os.path.join(self.tmpdir, "certs")
        subprocess.run(["bash", GEN_NODE_CERTS, self.certs, "nanjing", "wuhu", "maanshan", "partner"], check=True,
                       capture_output=True, timeout=60)
        self.sims = {}
        for name, city, dialect in CITIES:
            sim = Sim(dialect, city, 0)
            self.addCleanup(sim.stop)
            self.sims[name] = sim
        self.ports = {name: {"main": free_port(), "federation": free_port(), "admin": free_port(),
                             "platform": self.sims[name].port} for name, _, _ in CITIES}
        self.configs = os.path.join(self.tmpdir, "config")
        subprocess.run([sys.executable, CONFIGS, self.configs, self.certs, "--ports", json.dumps(self.ports),
                        "--deadline-ms", str(DEADLINE_MS)], check=True, timeout=30)
        self.nodes = {name: self.start_node(name) for name, _, _ in CITIES}

    def start_node(self, name, text=None):
        if text is None:
            with open(os.path.join(self.configs, f"{name}.yaml"), encoding="utf-8") as f:
                text = f.read()
            # Wuhu's HL7 v2 platform by host name: the MLLP client resolves it (as in containers).
            mllp = f'address: "127.0.0.1:{self.ports[name]["platform"]}"'
            if name == "wuhu":
                self.assertIn(mllp, text)
                text = text.replace(mllp, f'address: "localhost:{self.ports[name]["platform"]}"')
        tmpdir = os.path.join(self.tmpdir, f"node-{name}-{time.monotonic_ns()}")
        os.makedirs(tmpdir)
        node = Node(text, tmpdir=tmpdir, start=False)
        node.admin_port = self.ports[name]["admin"]
        node.ports = {"main": self.ports[name]["main"], "federation": self.ports[name]["federation"]}
        self.addCleanup(node.close)
        node.start()
        return node

    def get(self, name, target):
        r = request(self.ports[name]["main"], "GET", target, timeout=10)
        body = json.loads(r.body.decode("utf-8")) if r.body else {}
        return r, body

    # ---- the scenario ----

    def test_wuhu_doctor_finds_nanjing_orthopaedics_slots(self):
        r, body = self.get("wuhu", "/v1/slots?department=04.03&city=3201&limit=20")
        self.assertEqual(r.status, 200, body)
        self.assertEqual(body.get("incomplete", []), [])
        slots = body.get("slots", [])
        self.assertGreater(len(slots), 0, body)
        for s in slots:
            self.assertEqual(s["organization"]["city"], "3201", s)
            self.assertTrue(s["start"] < s["end"], s)
            self.assertTrue(s["start"].endswith("+08:00"), s)
            self.assertNotEqual(s.get("status"), "Busy", s)
        self.assertEqual([s["start"] for s in slots], sorted(s["start"] for s in slots))

    def test_directory_lists_hospitals_of_all_three_cities(self):
        r, body = self.get("wuhu", "/v1/hospitals")
        self.assertEqual(r.status, 200, body)
        self.assertEqual(body.get("incomplete", []), [])
        by_city = {}
        for org in body.get("organizations", []):
            by_city.setdefault(org["city"], []).append(org["name"])
        self.assertEqual(set(by_city), {"3201", "3402", "3405"}, by_city)
        self.assertEqual(len(by_city["3201"]), 34, "Nanjing's 34 hospitals of the published statistics")
        self.assertIn("南京鼓楼医院", " ".join(by_city["3201"]))

    def test_each_city_searches_the_others(self):
        for name in ("nanjing", "maanshan"):
            r, body = self.get(name, "/v1/slots?department=04.03")
            self.assertEqual(r.status, 200, body)
            self.assertEqual(body.get("incomplete", []), [], f"from {name}")
            cities = {s["organization"]["city"] for s in body["slots"]}
            self.assertEqual(cities, {"3201", "3402", "3405"}, f"from {name}")

    # ---- failures ----

    def test_stopped_node_is_listed_incomplete_within_the_deadline(self):
        self.nodes["maanshan"].stop()
        t0 = time.monotonic()
        r, body = self.get("wuhu", "/v1/slots?department=04.03")
        elapsed = time.monotonic() - t0
        self.assertEqual(r.status, 200, body)
        self.assertLess(elapsed, DEADLINE_MS / 1000 + 1.0)
        self.assertEqual([(i["city"], i["reason"]) for i in body["incomplete"]], [("3405", "unavailable")])
        self.assertEqual(r.header("x-metrogw-incomplete"), "3405")
        self.assertEqual({s["organization"]["city"] for s in body["slots"]}, {"3201", "3402"})

    def hung_peer(self, name):
        """Takes over `name`'s federation port: completes the TLS handshake with `name`'s certificate,
        reads the request and never answers."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(self.certs, f"{name}.pem"), os.path.join(self.certs, f"{name}.key"))
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.ports[name]["federation"]))
        srv.listen(16)
        held = []

        def serve():
            while True:
                try:
                    conn, _ = srv.accept()
                    tls = ctx.wrap_socket(conn, server_side=True)
                    tls.recv(65536)
                    held.append(tls)
                except OSError:
                    return

        threading.Thread(target=serve, daemon=True).start()
        self.addCleanup(lambda: [c.close() for c in held])
        self.addCleanup(srv.close)

    def test_hung_peer_times_out_at_the_deadline(self):
        self.nodes["maanshan"].stop()
        self.hung_peer("maanshan")
        t0 = time.monotonic()
        r, body = self.get("wuhu", "/v1/slots?department=04.03")
        elapsed = time.monotonic() - t0
        self.assertEqual(r.status, 200, body)
        self.assertGreaterEqual(elapsed, DEADLINE_MS / 1000 - 0.1)
        self.assertLess(elapsed, DEADLINE_MS / 1000 + 1.0)
        self.assertEqual([(i["city"], i["reason"]) for i in body["incomplete"]], [("3405", "timeout")])
        self.assertEqual({s["organization"]["city"] for s in body["slots"]}, {"3201", "3402"})

    def test_peer_with_wrong_certificate_subject_is_refused(self):
        # The Nanjing node comes back presenting Ma'anshan's certificate: valid CA, wrong subject.
        self.nodes["nanjing"].stop()
        with open(os.path.join(self.configs, "nanjing.yaml"), encoding="utf-8") as f:
            text = f.read().replace("nanjing.pem", "maanshan.pem").replace("nanjing.key", "maanshan.key")
        self.nodes["nanjing"] = self.start_node("nanjing", text)
        r, body = self.get("wuhu", "/v1/slots?department=04.03&city=3201,3405")
        self.assertEqual(r.status, 200, body)
        self.assertEqual([(i["city"], i["reason"]) for i in body["incomplete"]], [("3201", "unavailable")])
        self.assertIn("TLS", body["incomplete"][0]["detail"])
        self.assertEqual({s["organization"]["city"] for s in body["slots"]}, {"3405"})

    def peer_post(self, cert_name, body, content_type="application/x-flatbuffers", target="nanjing", full=False):
        ctx = ssl.create_default_context(cafile=os.path.join(self.certs, "ca.pem"))
        ctx.load_cert_chain(os.path.join(self.certs, f"{cert_name}.pem"), os.path.join(self.certs, f"{cert_name}.key"))
        with socket.create_connection(("127.0.0.1", self.ports[target]["federation"]), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(b"POST /federation/v1/query HTTP/1.1\r\nHost: localhost\r\nContent-Type: " +
                          content_type.encode() + b"\r\nContent-Length: " + str(len(body)).encode() +
                          b"\r\nConnection: close\r\n\r\n" + body)
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        head = head.decode("latin-1")
        if full:
            return int(head.split(" ")[1]), head.lower(), rest
        return int(head.split(" ")[1]), head.lower()

    # ---- envelopes through the federation endpoint (FlatBuffers made with flatc from JSON) ----

    def envelope_call(self, caller, target, envelope):
        """POSTs `envelope` (canonical JSON) as a FlatBuffers envelope to `target`'s federation endpoint
        with `caller`'s certificate; returns (status, answer envelope as canonical JSON)."""
        work = os.path.join(self.tmpdir, f"env-{time.monotonic_ns()}")
        os.makedirs(work)
        with open(os.path.join(work, "req.json"), "w", encoding="utf-8") as f:
            json.dump(envelope, f, ensure_ascii=False)
        subprocess.run(["flatc", "-b", "-o", work, SCHEMA, os.path.join(work, "req.json")], check=True,
                       capture_output=True, timeout=30)
        with open(os.path.join(work, "req.mgw"), "rb") as f:
            body = f.read()
        status, _, answer = self.peer_post(caller, body, target=target, full=True)
        with open(os.path.join(work, "ans.mgw"), "wb") as f:
            f.write(answer)
        subprocess.run(["flatc", "--json", "--strict-json", "--raw-binary", "-o", work, SCHEMA, "--",
                        os.path.join(work, "ans.mgw")], check=True, capture_output=True, timeout=30)
        with open(os.path.join(work, "ans.json"), encoding="utf-8") as f:
            return status, json.load(f)

    def test_booking_and_cancelling_through_each_platform(self):
        """Query, Book and Cancel reach each city's platform through its node, in each dialect."""
        for name, city, dialect in CITIES:
            caller = "wuhu" if name != "wuhu" else "nanjing"
            with self.subTest(city=name, dialect=dialect):
                status, found = self.envelope_call(caller, name, {
                    "schema_version": 1, "body_type": "Query",
                    "body": {"kind": "Slots", "department_code": "04.03", "limit": 3}})
                self.assertEqual((status, found["body_type"]), (200, "SearchResult"), found)
                slot = found["body"]["slots"][0]
                self.assertEqual(slot["organization"]["city"], city)
                status, booked = self.envelope_call(caller, name, {
                    "schema_version": 1, "body_type": "Command",
                    "body": {"action": "Book", "slot_id": slot["id"], "idempotency_key": f"e2e-{name}",
                             "patient": {"identifiers": [{"system": "2.16.156.10011.1.3",
                                                          "value": "34020219900101123X"}]},
                             "requester": {"kind": "Practitioner", "id": "doc-1", "city": "3402"}}})
                self.assertEqual((status, booked["body_type"]), (200, "Appointment"), booked)
                self.assertEqual(booked["body"]["status"], "Booked")
                self.assertEqual(booked["origin_city"], city)
                appointment = booked["body"]["id"]
                status, cancelled = self.envelope_call(caller, name, {
                    "schema_version": 1, "body_type": "Command",
                    "body": {"action": "Cancel", "appointment_id": appointment, "idempotency_key": f"e2e-c-{name}"}})
                self.assertEqual((status, cancelled["body_type"]), (200, "Appointment"), cancelled)
                self.assertEqual(cancelled["body"]["status"], "Cancelled")
                self.assertEqual(cancelled["body"]["id"], appointment)

    def test_federation_endpoint_does_not_release_patient_records(self):
        """Lab reports and record summaries go only through /federation/v1/sharing (consent checked)."""
        for kind in ("LabReports", "LabReport", "RecordSummary"):
            with self.subTest(kind=kind):
                status, answer = self.envelope_call("wuhu", "nanjing", {
                    "schema_version": 1, "body_type": "Query", "body": {"kind": kind, "id": "r1"}})
                self.assertEqual((status, answer["body_type"]), (403, "Problem"), answer)
                self.assertEqual(answer["body"]["type"], "urn:metrogw:problem:consent-required")

    def test_federation_endpoint_refuses_callers_that_are_not_peers(self):
        status, head = self.peer_post("partner", b"x" * 16)
        self.assertEqual(status, 403)
        self.assertIn("content-type: application/x-flatbuffers", head)

    def test_federation_endpoint_rejects_a_malformed_envelope(self):
        status, _ = self.peer_post("wuhu", b"\x00" * 64)
        self.assertEqual(status, 400)

    def test_federation_listener_refuses_clients_without_certificate(self):
        ctx = ssl.create_default_context(cafile=os.path.join(self.certs, "ca.pem"))
        with socket.create_connection(("127.0.0.1", self.ports["nanjing"]["federation"]), timeout=5) as raw:
            with self.assertRaises((ssl.SSLError, ConnectionResetError, BrokenPipeError)):
                with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                    s.sendall(b"POST /federation/v1/query HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                    if not s.recv(1024):
                        raise ConnectionResetError("closed without an answer")


if __name__ == "__main__":
    unittest.main(verbosity=2)

#!/usr/bin/env python3
"""The metropolitan appointment pool end to end: three city nodes (real metrogw) in front of the three
platform simulators (real metrogw-sim), each node's pool in its own database of one real redis-server
started here, configs from deploy/demo/federation_configs.py --booking.

Callers are loopback clients without certificates: on Nanjing and Ma'anshan they hold the
booking:family-doctor scope (family doctors), on Wuhu they do not (the public). Every node syncs its
pool from its simulator at start; for the rush test Nanjing's simulated Gulou hospital releases 1,000
single-place slots (metrogw-sim --release).
"""
import base64
import collections
import datetime
import json
import os
import random
import secrets
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Node, NodeTestCase, free_port, request, wait_until  # noqa: E402
from cities import (CITIES, CONFIGS, GEN_NODE_CERTS, RELEASE_ARGS, RELEASE_HOSPITAL, RELEASE_RULES,  # noqa: E402
                    RELEASE_SLOTS, Redis, Sim, sim_free_release_slots)

DEADLINE_MS = 3000
CHINA = datetime.timezone(datetime.timedelta(hours=8))
DB = {"nanjing": 0, "wuhu": 1, "maanshan": 2}
BOOKING = {"hold_ttl_ms": 1500, "cancel_cutoff_minutes": 3 * 24 * 60, "reserved_opens_at_public": False,
           "forward_timeout_ms": 5000,
           # booking.delivery reaches the real binary's config loader and consumer (defaults otherwise)
           "delivery": {"poll_interval_ms": 50, "retry_initial_ms": 250, "max_held": 8192}}


def token():
    """A person token (format only: the pool never resolves it)."""
    return "t1." + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


class BookingTest(NodeTestCase):
    SIM_ARGS = {}  # extra metrogw-sim arguments by node name
    BOOKING = BOOKING  # every node's booking: section

    def setUp(self):
        super().setUp()
        self.certs = os.path.join(self.tmpdir, "certs")
        subprocess.run(["bash", GEN_NODE_CERTS, self.certs, "nanjing", "wuhu", "maanshan"], check=True,
                       capture_output=True, timeout=60)
        keys = os.path.join(self.tmpdir, "person-keys")
        with open(keys, "w") as f:
            f.write(f"# test keys\nt1 {secrets.token_hex(32)}\n")
        os.chmod(keys, 0o600)
        self.redis = Redis(self.tmpdir)
        self.addCleanup(self.redis.stop)
        self.sims = {}
        for name, city, dialect in CITIES:
            sim = Sim(dialect, city, 0, self.SIM_ARGS.get(name, ()))
            self.addCleanup(sim.stop)
            self.sims[name] = sim
        self.ports = {name: {"main": free_port(), "federation": free_port(), "admin": free_port(),
                             "platform": self.sims[name].port} for name, _, _ in CITIES}
        self.configs = os.path.join(self.tmpdir, "config")
        subprocess.run([sys.executable, CONFIGS, self.configs, self.certs, "--ports", json.dumps(self.ports),
                        "--deadline-ms", str(DEADLINE_MS), "--redis", f"127.0.0.1:{self.redis.port}",
                        "--key-file", keys, "--booking", json.dumps(self.BOOKING)], check=True, timeout=30)
        self.nodes = {name: self.start_node(name) for name, _, _ in CITIES}
        for name, node in self.nodes.items():
            wait_until(lambda n=node: n.metric_value("metrogw_booking_syncs_total", {"result": "ok"}) >= 1,
                       timeout=120, message=f"{name}: first slot sync did not complete")

    def config_text(self, name):
        with open(os.path.join(self.configs, f"{name}.yaml"), encoding="utf-8") as f:
            text = f.read()
        if name == "wuhu":
            text = text.replace(", booking:family-doctor", "")
        return text

    def start_node(self, name):
        tmpdir = os.path.join(self.tmpdir, f"node-{name}")
        os.makedirs(tmpdir)
        node = Node(self.config_text(name), tmpdir=tmpdir, start=False)
        node.admin_port = self.ports[name]["admin"]
        node.ports = {"main": self.ports[name]["main"], "federation": self.ports[name]["federation"]}
        self.addCleanup(node.close)
        node.start()
        return node

    # ---- helpers ----

    def call(self, name, method, path, body=None, key=None, headers=None):
        h = dict(headers or {})
        if body is not None:
            h["Content-Type"] = "application/json"
        if key is not None:
            h["Idempotency-Key"] = key
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        r = request(self.ports[name]["main"], method, path, headers=h, body=data, timeout=15)
        try:
            parsed = json.loads(r.body) if r.body else {}
        except ValueError:
            parsed = {}
        return r, parsed

    def book(self, name, slot, patient=None, hold=None, key=None):
        body = {"slot": slot, "patient": patient or token()}
        if hold:
            body["hold"] = hold
        return self.call(name, "POST", "/v1/appointments", body, key=key or secrets.token_hex(8))

    def hold(self, name, slot, patient=None, key=None):
        return self.call(name, "POST", "/v1/appointments/holds", {"slot": slot, "patient": patient or token()},
                         key=key or secrets.token_hex(8))

    def slots(self, name, city, days_from=0, days_to=14, limit=200, **params):
        now = datetime.datetime.now(CHINA)
        q = {"city": city, "limit": str(limit),
             "from": (now + datetime.timedelta(days=days_from)).strftime("%Y-%m-%dT%H:%M:%S+08:00"),
             "to": (now + datetime.timedelta(days=days_to)).strftime("%Y-%m-%dT%H:%M:%S+08:00")}
        q.update(params)
        path = "/v1/slots?" + "&".join(f"{k}={v.replace('+', '%2B')}" for k, v in q.items())
        r, body = self.call(name, "GET", path)
        self.assertEqual(r.status, 200, r.body[:500])
        return body

    def redis_in(self, city_name, *args):
        return self.redis.command("EVAL", "redis.call('SELECT', ARGV[1]) return redis.call(unpack(KEYS))",
                                  len(args), *args, DB[city_name])

    def assert_problem(self, r, body, status, slug):
        self.assertEqual(r.status, status, body)
        self.assertEqual(r.header("content-type"), "application/problem+json")
        self.assertEqual(body.get("type"), f"urn:metrogw:problem:{slug}", body)


class SearchAndBookTest(BookingTest):
    def test_search_local_and_cross_city_with_fhir(self):
        local = self.slots("nanjing", "3201", days_from=1, days_to=3, limit=5)
        self.assertEqual(len(local["slots"]), 5, local)
        self.assertTrue(all(s["id"].startswith("3201.") for s in local["slots"]), local)
        self.assertIn("next_cursor", local)
        first = local["slots"][0]
        for field in ("city", "hospital", "department", "doctor", "start", "end", "capacity", "available",
                      "family_available"):
            self.assertIn(field, first)
        remote = self.slots("wuhu", "3201", days_from=1, days_to=3, limit=5)
        self.assertEqual([s["id"] for s in remote["slots"]], [s["id"] for s in local["slots"]])
        nxt = self.call("wuhu", "GET", "/v1/slots?limit=5&cursor=" + remote["next_cursor"])[1]
        self.assertEqual(len(nxt["slots"]), 5)
        self.assertFalse(set(s["id"] for s in nxt["slots"]) & set(s["id"] for s in remote["slots"]))
        every = self.slots("maanshan", "3201,3402,3405", days_from=1, days_to=2, limit=3)
        # Ma'anshan's pool stays empty for now: its HL7 v3 slot sync answers pages without slots.
        self.assertLessEqual({"3201", "3402"}, {s["city"] for s in every["slots"]}, every)
        r, fhir = self.call("maanshan", "GET", "/v1/slots?city=3402&limit=2", headers={"Accept": "application/fhir+json"})
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(fhir.get("resourceType"), "Bundle", fhir)
        self.assertEqual(fhir.get("type"), "searchset")
        self.assertTrue(all(e["resource"]["resourceType"] == "Slot" for e in fhir["entry"]), fhir)

    def open_slot(self, city, name="nanjing", days_from=1, days_to=6, places=1):
        for s in self.slots(name, city, days_from=days_from, days_to=days_to)["slots"]:
            if s["available"] >= places:
                return s
        raise AssertionError(f"no slot of {city} with {places} public places")

    def test_hold_then_book_across_cities_and_read_and_cancel(self):
        slot = self.open_slot("3201", days_from=4)
        patient = token()
        r, held = self.hold("wuhu", slot["id"], patient)
        self.assertEqual(r.status, 201, held)
        self.assertTrue(held["hold"].startswith("3201.h"), held)
        r, appt = self.book("wuhu", slot["id"], patient, hold=held["hold"], key="book-1")
        self.assertEqual(r.status, 201, appt)
        self.assertEqual((appt["status"], appt["delivery"], appt["slot"]), ("booked", "pending", slot["id"]))
        self.assertTrue(appt["id"].startswith("3201.a"))
        self.assertEqual((appt["caller_city"], appt["channel"]), ("3402", "anonymous"))
        self.assertEqual(self.redis_in("nanjing", "HGET", f"mgw:pool:appt:{appt['id']}", "status"), b"booked")
        # idempotent retry through the asking node: the first answer, no second booking
        self.assertIsNone(r.header("idempotent-replayed"))
        r2, again = self.book("wuhu", slot["id"], patient, hold=held["hold"], key="book-1")
        self.assertEqual((r2.status, again), (201, appt))
        self.assertEqual(r2.header("idempotent-replayed"), "true")  # the owner's mark, carried back
        r3, reused = self.book("wuhu", slot["id"], token(), key="book-1")
        self.assert_problem(r3, reused, 422, "idempotency-key-reused")
        r, read = self.call("wuhu", "GET", f"/v1/appointments/{appt['id']}")
        self.assertEqual((r.status, read["status"]), (200, "booked"), read)
        r, other = self.call("maanshan", "GET", f"/v1/appointments/{appt['id']}")
        self.assert_problem(r, other, 404, "appointment-not-found")
        booked = int(self.redis_in("nanjing", "HGET", f"mgw:pool:slot:{slot['id']}", "booked"))
        r, cancelled = self.call("wuhu", "DELETE", f"/v1/appointments/{appt['id']}", key="cancel-1")
        self.assertEqual((r.status, cancelled["status"]), (200, "cancelled"), cancelled)
        self.assertEqual(int(self.redis_in("nanjing", "HGET", f"mgw:pool:slot:{slot['id']}", "booked")), booked - 1)
        self.assertIsNone(r.header("idempotent-replayed"))
        r, again = self.call("wuhu", "DELETE", f"/v1/appointments/{appt['id']}", key="cancel-1")
        self.assertEqual((r.status, again), (200, cancelled))
        self.assertEqual(r.header("idempotent-replayed"), "true")
        self.assertEqual(int(self.redis_in("nanjing", "HGET", f"mgw:pool:slot:{slot['id']}", "booked")), booked - 1)
        # (delivery may append its own retries to the stream: only check both actions were queued)
        actions = [e[1][3] for e in self.redis_in("nanjing", "XRANGE", "mgw:pool:delivery", "-", "+")]
        self.assertIn(b"book", actions)
        self.assertIn(b"cancel", actions)

    def test_hold_expires(self):
        slot = self.open_slot("3402", name="maanshan")
        patient = token()
        r, held = self.hold("maanshan", slot["id"], patient)
        self.assertEqual(r.status, 201, held)
        time.sleep(2.0)
        r, late = self.book("maanshan", slot["id"], patient, hold=held["hold"])
        self.assert_problem(r, late, 409, "hold-expired")

    def test_idempotency_key_is_required(self):
        slot = self.open_slot("3201")
        r, body = self.call("nanjing", "POST", "/v1/appointments", {"slot": slot["id"], "patient": token()})
        self.assert_problem(r, body, 400, "idempotency-key-required")
        r, body = self.call("nanjing", "POST", "/v1/appointments", {"slot": slot["id"], "patient": "320102199001011234"},
                            key="k")
        self.assert_problem(r, body, 400, "malformed-request")


class RulesTest(BookingTest):
    def test_full_slot_is_a_clean_409(self):
        slot = next(s for s in self.slots("nanjing", "3201", days_from=4, days_to=6)["slots"]
                    if s["family_available"] >= 1)
        for _ in range(slot["family_available"]):
            r, body = self.book("nanjing", slot["id"])
            self.assertEqual(r.status, 201, body)
        r, body = self.book("nanjing", slot["id"])
        self.assert_problem(r, body, 409, "slot-unavailable")

    def test_public_window_and_reserved_share(self):
        later = next(s for s in self.slots("nanjing", "3201", days_from=8, days_to=13)["slots"]
                     if s["family_available"] > 0)
        r, body = self.book("wuhu", later["id"])
        self.assert_problem(r, body, 409, "booking-window-closed")
        r, body = self.book("nanjing", later["id"])
        self.assertEqual(r.status, 201, body)  # family doctors book the reserved share first
        reserved = next((s for s in self.slots("nanjing", "3201", days_from=4, days_to=6)["slots"]
                         if 0 < s["available"] < s["family_available"]), None)
        self.assertIsNotNone(reserved, "no tertiary slot with a reserved share")
        for _ in range(reserved["available"]):
            r, body = self.book("wuhu", reserved["id"])
            self.assertEqual(r.status, 201, body)
        r, body = self.book("wuhu", reserved["id"])
        self.assert_problem(r, body, 409, "reserved-for-family-doctors")
        r, body = self.book("nanjing", reserved["id"])
        self.assertEqual(r.status, 201, body)

    def test_one_booking_per_doctor_per_day(self):
        by_key = collections.defaultdict(list)
        for s in self.slots("nanjing", "3201", days_from=4, days_to=6)["slots"]:
            if s["available"] > 0:
                by_key[(s["doctor"], s["start"][:10])].append(s)
        pair = next(v for v in by_key.values() if len(v) >= 2)
        patient = token()
        r, body = self.book("wuhu", pair[0]["id"], patient)
        self.assertEqual(r.status, 201, body)
        r, body = self.book("wuhu", pair[1]["id"], patient)
        self.assert_problem(r, body, 409, "patient-limit-reached")
        self.assertIn("per-doctor-per-day", body["detail"])

    def test_cancellation_cut_off(self):
        soon = next(s for s in self.slots("nanjing", "3201", days_from=0.2, days_to=2)["slots"] if s["available"])
        r, appt = self.book("nanjing", soon["id"])
        self.assertEqual(r.status, 201, appt)
        r, body = self.call("nanjing", "DELETE", f"/v1/appointments/{appt['id']}", key=secrets.token_hex(8))
        self.assert_problem(r, body, 409, "cancellation-cutoff-passed")

    def test_three_no_shows_suspend_the_patient(self):
        patient = token()
        picks = []
        for d in range(1, 7):
            day = [s for s in self.slots("nanjing", "3201", days_from=d, days_to=d + 1, limit=50)["slots"]
                   if s["available"] and s["start"][:10] not in {p["start"][:10] for p in picks}]
            picks += day[:1]
        self.assertGreaterEqual(len(picks), 4)
        for s in picks[:3]:
            r, appt = self.book("nanjing", s["id"], patient)
            self.assertEqual(r.status, 201, appt)
            r, marked = self.call("nanjing", "POST", f"/v1/appointments/{appt['id']}/$noshow", body=b"")
            self.assertEqual(r.status, 200, marked)
        self.assertTrue(marked["suspended"])
        r, body = self.book("nanjing", picks[3]["id"], patient)
        self.assert_problem(r, body, 409, "patient-suspended")
        r, body = self.book("wuhu", picks[3]["id"], patient)
        self.assert_problem(r, body, 409, "patient-suspended")


class ReferralTest(BookingTest):
    """Two-way referral: a Wuhu community doctor refers to a Nanjing specialist through the Wuhu node; the
    Nanjing side (loopback callers hold booking:admin) accepts, completes and refers the patient back."""

    def referral(self, **changes):
        r = {"id": "WH-CC3-" + secrets.token_hex(4), "diagnosis": "M17.1", "reason": "knee replacement opinion",
             "summary": "bilateral knee osteoarthritis, conservative treatment failed",
             "from": {"city": "3402", "hospital": "wuhu-cc-3", "practitioner": "gp-0042"}}
        r.update(changes)
        return r

    def referral_call(self, name, aid, action, body, key=None):
        path = f"/v1/appointments/{aid}/" + ("$refer-back" if action == "back" else "referral")
        return self.call(name, "POST", path, body, key=key or secrets.token_hex(8))

    def test_refer_accept_complete_and_refer_back_across_cities(self):
        slot = next(s for s in self.slots("nanjing", "3201", days_from=4, days_to=6)["slots"] if s["available"])
        sent = self.referral()
        r, appt = self.call("wuhu", "POST", "/v1/appointments",
                            {"slot": slot["id"], "patient": token(), "referral": sent}, key="ref-book-1")
        self.assertEqual(r.status, 201, appt)
        aid = appt["id"]
        ref = appt["referral"]
        self.assertEqual((ref["status"], ref["id"], ref["diagnosis"]), ("requested", sent["id"], "M17.1"), ref)
        self.assertEqual(ref["from"], sent["from"])
        self.assertEqual(ref["to"], {"city": "3201", "hospital": slot["hospital"], "department": slot["department"],
                                     "doctor": slot["doctor"]})
        self.assertEqual(self.redis_in("nanjing", "HGET", f"mgw:pool:appt:{aid}", "referral_status"), b"requested")
        # The asking node is not the receiving side; nor may it skip a step on the owning node.
        r, body = self.referral_call("wuhu", aid, "status", {"status": "accepted"})
        self.assert_problem(r, body, 404, "appointment-not-found")
        r, body = self.referral_call("nanjing", aid, "status", {"status": "completed"})
        self.assert_problem(r, body, 409, "referral-transition-not-allowed")
        self.assertIn("requested referral cannot become completed", body["detail"])
        r, body = self.referral_call("nanjing", aid, "back", {"summary": "s", "instructions": "i"})
        self.assert_problem(r, body, 409, "referral-transition-not-allowed")
        # Accept (retried with the same key: the first answer, replayed), then complete.
        r, accepted = self.referral_call("nanjing", aid, "status", {"status": "accepted"}, key="accept-1")
        self.assertEqual((r.status, accepted["referral"]["status"]), (200, "accepted"), accepted)
        r, again = self.referral_call("nanjing", aid, "status", {"status": "accepted"}, key="accept-1")
        self.assertEqual((r.status, again), (200, accepted))
        self.assertEqual(r.header("idempotent-replayed"), "true")
        r, body = self.referral_call("nanjing", aid, "status", {"status": "accepted"})
        self.assert_problem(r, body, 409, "referral-transition-not-allowed")
        r, done = self.referral_call("nanjing", aid, "status", {"status": "completed", "note": "seen, TKA planned"})
        self.assertEqual((r.status, done["referral"]["status"]), (200, "completed"), done)
        back = {"summary": "left TKA performed, no complications", "instructions": "physiotherapy twice a week, "
                "review wound at day 14", "diagnosis": "Z96.6", "practitioner": "ortho-07"}
        r, body = self.referral_call("nanjing", aid, "back", back, key="back-1")
        self.assertEqual(r.status, 201, body)
        r, body = self.referral_call("nanjing", aid, "back", back)
        self.assert_problem(r, body, 409, "referral-transition-not-allowed")
        self.assertIn("already referred back", body["detail"])
        # The referring side reads it through its own node (forwarded to Nanjing).
        r, read = self.call("wuhu", "GET", f"/v1/appointments/{aid}")
        self.assertEqual(r.status, 200, read)
        ref = read["referral"]
        self.assertEqual(ref["status"], "completed")
        self.assertEqual([e["event"] for e in ref["events"]], ["requested", "accepted", "completed", "referred-back"])
        self.assertEqual(ref["events"][2]["note"], "seen, TKA planned")
        got = ref["back"]
        self.assertEqual((got["summary"], got["instructions"], got["diagnosis"]),
                         (back["summary"], back["instructions"], "Z96.6"))
        self.assertEqual(got["to"], sent["from"])
        self.assertEqual(got["from"], {"city": "3201", "hospital": slot["hospital"], "department": slot["department"],
                                       "practitioner": "ortho-07"})
        self.assertEqual(got["id"], aid + ".back")
        nanjing = self.nodes["nanjing"]
        for status in ("requested", "accepted", "completed", "referred-back"):
            self.assertEqual(nanjing.metric_value("metrogw_booking_referrals_total", {"status": status}), 1, status)
        self.assertEqual(nanjing.metric_value("metrogw_booking_requests_total",
                                              {"op": "referral", "outcome": "refused"}), 2)

    def test_the_receiving_hospital_lists_its_referrals(self):
        free = [s for s in self.slots("nanjing", "3201", days_from=4, days_to=8, limit=200)["slots"] if s["available"]]
        by_hospital = collections.defaultdict(list)
        for s in free:
            by_hospital[s["hospital"]].append(s)
        hospital, slots = max(by_hospital.items(), key=lambda kv: len(kv[1]))
        self.assertGreaterEqual(len(slots), 3, by_hospital.keys())
        ids = []
        for i, s in enumerate(slots[:2]):
            r, appt = self.call("wuhu", "POST", "/v1/appointments",
                                {"slot": s["id"], "patient": token(), "referral": self.referral()}, key=f"list-{i}")
            self.assertEqual(r.status, 201, appt)
            ids.append(appt["id"])
            time.sleep(0.01)  # distinct receive times: the list is oldest first
        r, plain = self.call("wuhu", "POST", "/v1/appointments", {"slot": slots[2]["id"], "patient": token()},
                             key="list-plain")
        self.assertEqual(r.status, 201, plain)

        r, body = self.call("nanjing", "GET", f"/v1/referrals?hospital={hospital}")
        self.assertEqual(r.status, 200, body)
        self.assertEqual(body["hospital"], hospital)
        self.assertEqual([a["id"] for a in body["referrals"]], ids)  # the booking without a referral is absent
        self.assertTrue(all(a["referral"]["status"] == "requested" for a in body["referrals"]))
        self.assertNotIn("next_cursor", body)
        # Paging, then filtering by referral status once one is accepted.
        r, page = self.call("nanjing", "GET", f"/v1/referrals?hospital={hospital}&limit=1")
        self.assertEqual(([a["id"] for a in page["referrals"]], page.get("next_cursor")), ([ids[0]], "1"), page)
        r, page = self.call("nanjing", "GET", f"/v1/referrals?hospital={hospital}&limit=1&cursor=1")
        self.assertEqual([a["id"] for a in page["referrals"]], [ids[1]])
        r, _ = self.referral_call("nanjing", ids[1], "status", {"status": "accepted"})
        self.assertEqual(r.status, 200)
        r, body = self.call("nanjing", "GET", f"/v1/referrals?hospital={hospital}&status=accepted")
        self.assertEqual([a["id"] for a in body["referrals"]], [ids[1]])
        r, body = self.call("nanjing", "GET", f"/v1/referrals?hospital={hospital}&status=requested")
        self.assertEqual([a["id"] for a in body["referrals"]], [ids[0]])
        # Bad parameters are clean problems; the hospital is required of an administrator.
        for query, detail in (("", "'hospital': required"), (f"hospital={hospital}&status=lost", "'status'"),
                              (f"hospital={hospital}&limit=0", "'limit'"), ("hospital=x&sort=asc", "'sort'")):
            r, body = self.call("nanjing", "GET", "/v1/referrals?" + query)
            self.assertEqual(r.header("content-type"), "application/problem+json", query)
            self.assertEqual(body.get("type"), "urn:metrogw:problem:invalid-parameter", (query, body))
            self.assertIn(detail, body.get("detail", ""), query)
        self.assertEqual(self.nodes["nanjing"].metric_value("metrogw_booking_requests_total",
                                                            {"op": "referral-list", "outcome": "ok"}), 5)

    def test_invalid_referrals_are_422_naming_the_field_and_book_nothing(self):
        slot = next(s for s in self.slots("nanjing", "3201", days_from=4, days_to=6)["slots"] if s["available"])
        booked = int(self.redis_in("nanjing", "HGET", f"mgw:pool:slot:{slot['id']}", "booked"))
        cases = [
            (self.referral(diagnosis="knee"), "referral.diagnosis"),
            (self.referral(**{"from": {"city": "3201", "hospital": "h", "practitioner": "p"}}), "referral.from.city"),
            (self.referral(to={"hospital": "gulou"}), "referral.to"),
            (self.referral(summary="call the patient on 13912345678"), "referral.summary"),
            ({k: v for k, v in self.referral().items() if k != "id"}, "referral.id"),
        ]
        # Ma'anshan's doctors refer from Ma'anshan: a referral claiming Wuhu is refused there.
        cases.append((self.referral(), "referral.from.city", "maanshan"))
        for case in cases:
            referral, field, node = case if len(case) == 3 else case + ("wuhu",)
            r, body = self.call(node, "POST", "/v1/appointments",
                                {"slot": slot["id"], "patient": token(), "referral": referral}, key=secrets.token_hex(8))
            self.assert_problem(r, body, 422, "invalid-referral")
            self.assertTrue(body["detail"].startswith(field + ":"), (node, body))
        self.assertEqual(int(self.redis_in("nanjing", "HGET", f"mgw:pool:slot:{slot['id']}", "booked")), booked)
        r, appt = self.book("nanjing", slot["id"])
        self.assertEqual(r.status, 201, appt)
        r, body = self.referral_call("nanjing", appt["id"], "status", {"status": "accepted"})
        self.assert_problem(r, body, 409, "referral-transition-not-allowed")
        r, body = self.referral_call("nanjing", appt["id"], "status", {"status": "done"})
        self.assert_problem(r, body, 422, "invalid-referral")
        self.assertTrue(body["detail"].startswith("status:"), body)
        r, body = self.call("nanjing", "POST", f"/v1/appointments/{appt['id']}/referral", {"status": "accepted"})
        self.assert_problem(r, body, 400, "idempotency-key-required")
        # Not an appointment id at all: a clean 404, and the node keeps answering.
        r, body = self.call("wuhu", "GET", "/v1/appointments/nonsense")
        self.assert_problem(r, body, 404, "appointment-not-found")
        r, body = self.call("wuhu", "GET", f"/v1/appointments/{appt['id']}")
        self.assert_problem(r, body, 404, "appointment-not-found")  # another caller's (Nanjing's) appointment


class RushTest(BookingTest):
    SLOTS = RELEASE_SLOTS
    ATTEMPTS_PER_SLOT = 3
    THREADS = 24
    HOSPITAL = RELEASE_HOSPITAL  # Nanjing Gulou in the simulated world
    SIM_ARGS = {"nanjing": RELEASE_ARGS}
    BOOKING = {**BOOKING, **RELEASE_RULES}

    def add_rush_slots(self):
        """The hospital's release, as the pool synced it: SLOTS single-place slots, free at the platform
        and in Nanjing's pool. Returns their pool ids."""
        released = sim_free_release_slots(self.sims["nanjing"].port)
        self.assertEqual(len(released), self.SLOTS)
        lua = """
        redis.call('SELECT', 0)
        local ids = redis.call('ZRANGEBYSCORE', 'mgw:pool:idx:all', '-inf', '+inf')
        local out = {}
        for _, sid in ipairs(ids) do
          local s = redis.call('HMGET', 'mgw:pool:slot:' .. sid, 'hospital', 'capacity', 'booked', 'platform_id')
          if s[1] == ARGV[1] and s[2] == '1' and s[3] == '0' then out[#out + 1] = sid .. ' ' .. s[4] end
        end
        return out"""
        pool = dict(x.decode().split(" ", 1) for x in self.redis.command("EVAL", lua, 0, self.HOSPITAL))
        rush = [sid for sid, platform_id in pool.items() if platform_id in released]
        self.assertEqual(len(rush), self.SLOTS, "every released slot is in the pool")
        return rush

    def test_rush_on_two_nodes_never_oversells(self):
        rush = self.add_rush_slots()
        attempts = [(sid, "nanjing" if (i + k) % 2 == 0 else "wuhu")
                    for i, sid in enumerate(rush) for k in range(self.ATTEMPTS_PER_SLOT)]
        random.Random(5).shuffle(attempts)
        results = collections.Counter()
        ids = []
        lock = threading.Lock()
        work = iter(attempts)

        def worker():
            while True:
                with lock:
                    item = next(work, None)
                if item is None:
                    return
                slot, node = item
                try:
                    r, body = self.book(node, slot)
                    outcome = (r.status, body.get("type", ""))
                except OSError as e:
                    outcome = ("error", str(e))
                with lock:
                    results[outcome] += 1
                    if outcome[0] == 201:
                        ids.append((slot, body["id"]))

        threads = [threading.Thread(target=worker) for _ in range(self.THREADS)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        total = self.SLOTS * self.ATTEMPTS_PER_SLOT
        print(f"rush: {total} attempts in {elapsed:.1f}s ({total / elapsed:.0f}/s): {dict(results)}", file=sys.stderr)
        # A booking the hospital finally refuses gives its place back (delivery), so it may be taken again.
        statuses = collections.Counter(
            self.redis_in("nanjing", "HGET", f"mgw:pool:appt:{aid}", "status") for _, aid in ids)
        failed = statuses[b"failed"]
        self.assertEqual(results[(201, "")], self.SLOTS + failed, (results, statuses))
        self.assertEqual(results[(409, "urn:metrogw:problem:slot-unavailable")], total - self.SLOTS - failed, results)
        active = collections.Counter(slot for slot, aid in ids
                                     if self.redis_in("nanjing", "HGET", f"mgw:pool:appt:{aid}", "status") != b"failed")
        self.assertEqual(len(active), self.SLOTS)
        self.assertEqual(max(active.values()), 1, "a slot was booked twice")
        booked = self.redis.command(
            "EVAL", "redis.call('SELECT', 0) local n = 0 for _, k in ipairs(KEYS) do "
            "n = n + tonumber(redis.call('HGET', 'mgw:pool:slot:' .. k, 'booked')) end return n", len(rush), *rush)
        self.assertEqual(booked, self.SLOTS)
        # Every confirmed booking reaches the simulated hospital: after delivery none of the released
        # slots is free there any more.
        confirmed = [aid for _, aid in ids
                     if self.redis_in("nanjing", "HGET", f"mgw:pool:appt:{aid}", "status") == b"booked"]
        wait_until(lambda: all(self.redis_in("nanjing", "HGET", f"mgw:pool:appt:{aid}", "delivery") == b"delivered"
                               for aid in confirmed), timeout=120, interval=1, message="deliveries pending")
        self.assertEqual(sim_free_release_slots(self.sims["nanjing"].port), set())


if __name__ == "__main__":
    unittest.main()

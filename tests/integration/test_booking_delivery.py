#!/usr/bin/env python3
"""Appointment pool durability and delivery end to end: three city nodes (real metrogw) in front of the
three platform simulators (real metrogw-sim), the pool's Redis a real redis-server started with
deploy/redis/pool.conf (AOF, appendfsync always, noeviction) on its own data directory.

- Rush with kill -9: concurrent bookings of the simulated Gulou hospital's release (1,000 single-place
  slots, metrogw-sim --release) through the Nanjing and Wuhu nodes;
  redis-server is SIGKILLed mid-rush and restarted on the same port and data dir. Every booking
  answered 201 must still be there (booked), no slot holds more than its capacity, each slot's
  `booked` counter equals its booked appointments, and every one of them reaches the platform
  (delivery=delivered, distinct platform references, gone from the hospital's free slots).
- Platform down: the Nanjing simulator is stopped, bookings are answered 201 with delivery pending and
  stay pending while the delivery consumer retries; the simulator is restarted on the same port and
  they are delivered.
- Platform refuses: the simulator's public places of a slot are taken directly at the platform, so the
  pool (which still offers them) books one and the platform answers 409: the booking becomes failed,
  the place goes back to the pool.
"""
import base64
import concurrent.futures
import datetime
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Node, NodeTestCase, free_port, request, wait_until  # noqa: E402
from cities import (CITIES, CONFIGS, GEN_NODE_CERTS, RELEASE_ARGS, RELEASE_HOSPITAL, RELEASE_RULES,  # noqa: E402
                    RELEASE_SLOTS, SOURCE_DIR, Sim, _encode, _read, sim_free_release_slots)

POOL_CONF = os.path.join(SOURCE_DIR, "deploy", "redis", "pool.conf")
NANJING = "3201"
DEADLINE_MS = 2000


class PoolRedis:
    """redis-server with deploy/redis/pool.conf on a fixed port and data dir; kill() is SIGKILL."""

    def __init__(self, tmpdir):
        self.port = free_port()
        self.dir = os.path.join(tmpdir, "redis-pool")
        os.makedirs(self.dir)
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(["redis-server", POOL_CONF, "--port", str(self.port), "--dir", self.dir,
                                      "--logfile", os.path.join(self.dir, "redis.log")],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._answers, timeout=15, message="redis-server (pool.conf) did not start")

    def _answers(self):
        try:
            return self.command("PING") == "PONG"
        except (OSError, RuntimeError):  # RuntimeError: LOADING while it replays the AOF
            return False

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def command(self, *args, db=0):
        import socket
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            f = s.makefile("rb")
            if db:
                s.sendall(_encode(["SELECT", str(db)]))
                _read(f)
            s.sendall(_encode(list(args)))
            return _read(f)

    def hgetall(self, key, db=0):
        flat = self.command("HGETALL", key, db=db) or []
        return {flat[i].decode(): flat[i + 1].decode() for i in range(0, len(flat), 2)}


def token():
    """A well-formed person token (key id t1) no key made: the pool stores it as is."""
    return "t1." + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


class BookingDeliveryTest(NodeTestCase):
    WORKERS = 2

    def setUp(self):
        super().setUp()
        self.certs = os.path.join(self.tmpdir, "certs")
        subprocess.run(["bash", GEN_NODE_CERTS, self.certs, "nanjing", "wuhu", "maanshan"], check=True,
                       capture_output=True, timeout=60)
        self.keys = os.path.join(self.tmpdir, "person-keys")
        with open(self.keys, "w") as f:
            f.write(f"# test keys\nt1 {secrets.token_hex(32)}\n")
        os.chmod(self.keys, 0o600)
        self.redis = PoolRedis(self.tmpdir)
        self.addCleanup(self.redis.kill)
        self.sims = {}
        for name, city, dialect in CITIES:
            self.sims[name] = self.start_sim(name, 0)
        self.ports = {name: {"main": free_port(), "federation": free_port(), "admin": free_port(),
                             "platform": self.sims[name].port} for name, _, _ in CITIES}
        self.configs = os.path.join(self.tmpdir, "config")
        subprocess.run([sys.executable, CONFIGS, self.configs, self.certs, "--ports", json.dumps(self.ports),
                        "--deadline-ms", str(DEADLINE_MS), "--redis", f"127.0.0.1:{self.redis.port}",
                        "--key-file", self.keys, "--booking", json.dumps(RELEASE_RULES)], check=True, timeout=30)
        self.nodes = {name: self.start_node(name) for name, _, _ in CITIES}
        for node in self.nodes.values():
            wait_until(lambda n=node: n.metric_value("metrogw_redis_connected") >= self.WORKERS, timeout=15,
                       message="redis not connected on every worker")
        wait_until(lambda: len(self.slots(limit=5)) > 0, timeout=30, message="Nanjing's pool has no slots")

    def start_sim(self, name, port):
        dialect = next(d for n, _, d in CITIES if n == name)
        city = next(c for n, c, _ in CITIES if n == name)
        sim = Sim(dialect, city, port, RELEASE_ARGS if name == "nanjing" else ())
        self.addCleanup(sim.stop)
        return sim

    def start_node(self, name):
        with open(os.path.join(self.configs, f"{name}.yaml"), encoding="utf-8") as f:
            text = f.read().replace("workers: 1", f"workers: {self.WORKERS}")
        tmpdir = os.path.join(self.tmpdir, f"node-{name}")
        os.makedirs(tmpdir)
        node = Node(text, tmpdir=tmpdir, start=False)
        node.admin_port = self.ports[name]["admin"]
        node.ports = {"main": self.ports[name]["main"], "federation": self.ports[name]["federation"]}
        self.addCleanup(node.close)
        node.start()
        return node

    # ---- the pool's HTTP API ----

    def call(self, name, method, path, body=None, headers=None, timeout=15):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        r = request(self.ports[name]["main"], method, path, headers=h, body=data, timeout=timeout)
        try:
            return r, (json.loads(r.body) if r.body else {})
        except ValueError:
            return r, {}

    def slots(self, limit=200, want=None, **params):
        """Nanjing's slots with a public place left, from GET /v1/slots (paged)."""
        out, cursor = [], None
        while True:
            q = {"city": NANJING, "limit": str(limit), **params}
            if cursor:
                q["cursor"] = cursor
            r, body = self.call("nanjing", "GET", "/v1/slots?" + urllib.parse.urlencode(q))
            if r.status != 200:
                return out
            out += [s for s in body.get("slots", []) if s.get("available", 0) > 0]
            cursor = body.get("next_cursor")
            if not cursor or (want and len(out) >= want):
                return out

    def book(self, node, slot, patient=None):
        return self.call(node, "POST", "/v1/appointments", {"slot": slot, "patient": patient or token()},
                         headers={"Idempotency-Key": secrets.token_hex(16)})

    def appt(self, aid):
        return self.redis.hgetall("mgw:pool:appt:" + aid)

    def slot_hash(self, sid):
        return self.redis.hgetall("mgw:pool:slot:" + sid)

    def wait_delivery(self, ids, want, timeout=60):
        def done():
            return all(self.appt(a).get("delivery") == want for a in ids)
        wait_until(done, timeout=timeout, interval=0.2,
                   message=f"bookings not {want}: " + str({a: self.appt(a).get("delivery") for a in ids}))

    def booked_by_slot(self):
        """slot id -> number of booked appointments, from every pool:appt hash."""
        counts, cursor = {}, "0"
        while True:
            cursor, keys = self.redis.command("SCAN", cursor, "MATCH", "mgw:pool:appt:*", "COUNT", "1000")
            for k in keys:
                a = self.redis.hgetall(k.decode())
                if a.get("status") == "booked":
                    counts[a["slot"]] = counts.get(a["slot"], 0) + 1
            cursor = cursor.decode() if isinstance(cursor, bytes) else cursor
            if cursor == "0":
                return counts

    # ---- tests ----

    def test_sigkill_of_redis_mid_rush_loses_no_confirmed_booking_and_never_oversells(self):
        # The rush of tests/integration/test_booking.py again (the hospital's release of single-place
        # slots, three attempts per place through two nodes), with redis-server SIGKILLed a third of the
        # way in and restarted.
        slots = [s for s in self.slots(hospital=RELEASE_HOSPITAL) if s["start"][11:13] >= "18"]
        self.assertEqual(len(slots), RELEASE_SLOTS)
        capacity = {s["id"]: int(self.slot_hash(s["id"])["capacity"]) for s in slots}
        attempts = 3 * sum(s["available"] for s in slots)
        confirmed, statuses, lock, booked_via = [], {}, threading.Lock(), {}
        started = threading.Event()

        def attempt(i):
            node = "nanjing" if i % 2 == 0 else "wuhu"
            try:
                r, body = self.book(node, random.choice(slots)["id"])
                status = r.status
            except OSError:
                status, body = "io", {}
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 201:
                    confirmed.append(body["id"])
                    booked_via[body["id"]] = node
                if i == attempts // 3:
                    started.set()

        def killer():
            started.wait(60)
            self.redis.kill()
            time.sleep(0.5)
            self.redis.start()

        k = threading.Thread(target=killer)
        k.start()
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            list(pool.map(attempt, range(attempts)))
        k.join()
        self.assertGreater(len(confirmed), 0, statuses)
        self.assertEqual(len(set(confirmed)), len(confirmed))
        for status in statuses:
            self.assertIn(status, (201, 409, 422, 503, 504, 502, "io"), statuses)
        # Every booking answered 201 survived the SIGKILL, and no slot is oversold.
        for aid in confirmed:
            self.assertEqual(self.appt(aid).get("status"), "booked", aid)
        # A slot's `booked` counts the platform's own bookings from the sync (platform_booked) plus
        # the pool's booked appointments.
        by_slot = self.booked_by_slot()
        for sid, cap in capacity.items():
            h = self.slot_hash(sid)
            self.assertLessEqual(int(h["booked"]), cap, sid)
            self.assertEqual(int(h["booked"]) - int(h.get("platform_booked", 0)), by_slot.get(sid, 0), (sid, h))
        # The nodes reconnect and read them back; every one reaches the platform exactly once.
        for node in self.nodes.values():
            wait_until(lambda n=node: n.metric_value("metrogw_redis_connected") >= self.WORKERS, timeout=15)
        # Every client of every worker reconnects (with back-off), then the asking node reads its
        # booking through the owner again.
        via_wuhu = [aid for aid, node in booked_via.items() if node == "wuhu"]
        self.assertTrue(via_wuhu, booked_via)
        wait_until(lambda: self.call("wuhu", "GET", f"/v1/appointments/{via_wuhu[0]}")[0].status == 200,
                   timeout=30)
        self.wait_delivery(confirmed, "delivered", timeout=120)
        refs = [self.appt(a)["platform_ref"] for a in confirmed]
        self.assertEqual(len(set(refs)), len(refs))
        # Each of them is at the hospital, and the places gone there are exactly those the pool holds a
        # booking for (an attempt whose answer was lost in the kill may have booked too: it is in the
        # pool and at the hospital, and a retry with its Idempotency-Key would get it).
        booked_platform = {self.slot_hash(self.appt(a)["slot"])["platform_id"] for a in confirmed}
        self.assertEqual(len(booked_platform), len(confirmed), "a place was booked twice")
        released = {s["id"].split(".", 1)[1] for s in slots}

        def gone_there_is_booked_here():
            free = sim_free_release_slots(self.sims["nanjing"].port)
            in_pool = {self.slot_hash(sid)["platform_id"] for sid in self.booked_by_slot()} & released
            return not free & booked_platform and released - free == in_pool
        wait_until(gone_there_is_booked_here, timeout=60, interval=1,
                   message="the hospital's booked places differ from the pool's bookings")

    def test_bookings_stay_pending_while_the_platform_is_down_then_are_delivered(self):
        slots = self.slots(want=3)[:3]
        sim_port = self.sims["nanjing"].port
        self.sims["nanjing"].stop()
        ids = []
        for s in slots:
            r, body = self.book("wuhu", s["id"])
            self.assertEqual(r.status, 201, body)
            self.assertEqual(body.get("delivery"), "pending", body)
            ids.append(body["id"])
        time.sleep(3)
        for aid in ids:
            a = self.appt(aid)
            self.assertEqual((a["status"], a["delivery"]), ("booked", "pending"), aid)
            self.assertGreaterEqual(int(a.get("delivery_attempts", "0")), 1, aid)
        self.assertGreater(self.nodes["nanjing"].metric_value("metrogw_booking_delivery_total",
                                                              {"outcome": "retry"}), 0)
        self.sims["nanjing"] = self.start_sim("nanjing", sim_port)
        self.wait_delivery(ids, "delivered", timeout=90)
        r, body = self.call("wuhu", "GET", f"/v1/appointments/{ids[0]}")
        self.assertEqual(r.status, 200, body)
        self.assertEqual(body.get("delivery"), "delivered", body)

    def test_a_booking_the_platform_refuses_fails_and_gives_its_place_back(self):
        sim_port = self.sims["nanjing"].port
        for s in self.slots(want=50):
            pid = s["id"].split(".", 1)[1]
            # Take every public place of the slot directly at the platform (the pool does not know).
            taken = 0
            while taken < 10:
                r = request(sim_port, "POST", "/fhir/Appointment", headers={"Content-Type": "application/fhir+json"},
                            body=json.dumps({"resourceType": "Appointment", "status": "booked",
                                             "slot": [{"reference": f"Slot/{pid}"}],
                                             "participant": [{"actor": {"reference": f"Patient/X{taken}"},
                                                              "status": "accepted"}]}).encode(), timeout=10)
                if r.status != 201:
                    break
                taken += 1
            if r.status == 409 and taken > 0:
                sid = s["id"]
                break
        else:
            self.fail("no slot could be filled at the platform")
        before = int(self.slot_hash(sid)["booked"])
        month = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m")
        stats_before = self.redis.hgetall(f"mgw:pool:stats:{month}")
        r, body = self.book("nanjing", sid)
        self.assertEqual(r.status, 201, body)
        aid = body["id"]
        self.assertEqual(int(self.slot_hash(sid)["booked"]), before + 1)
        field = f"{self.appt(aid)['hospital']}|{self.appt(aid)['channel']}"
        wait_until(lambda: self.appt(aid).get("status") == "failed", timeout=30, interval=0.2,
                   message="the refused booking did not fail")
        a = self.appt(aid)
        self.assertEqual(a["delivery"], "failed")
        self.assertIn("409", a["reason"])
        self.assertEqual(int(self.slot_hash(sid)["booked"]), before)
        # The monthly statistics counted the booking (the book script) and no longer do once the
        # hospital refused it (without the failure's correction this would be one more).
        self.assertEqual(int(self.redis.hgetall(f"mgw:pool:stats:{month}").get(field, 0)),
                         int(stats_before.get(field, 0)))
        r, body = self.call("nanjing", "GET", f"/v1/appointments/{aid}")
        self.assertEqual(r.status, 200, body)
        self.assertEqual(body.get("status"), "failed", body)
        self.assertEqual(self.nodes["nanjing"].metric_value("metrogw_booking_delivery_total",
                                                            {"outcome": "failed"}), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)

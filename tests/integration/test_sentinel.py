#!/usr/bin/env python3
"""Redis Sentinel failover under the appointment pool, with real processes on loopback: a primary
(redis-server), two replicas, three sentinels (redis-server --sentinel, quorum 2) and the three city
nodes configured with `redis.sentinel` and `redis.wait_replicas: 1` (a booking is confirmed only once
a replica holds it).

Bookings are made, the primary is SIGKILLed, the sentinels promote a replica; the nodes follow the
new primary without a restart (they ask the sentinels again when the connection drops, and refuse a
server whose ROLE is not master), bookings continue, and every booking confirmed before or after the
failover is in the new primary.
"""
import os
import secrets
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import METROGW_BIN, free_port, wait_until  # noqa: E402
from cities import _encode, _read  # noqa: E402
import socket  # noqa: E402
import test_booking  # noqa: E402

MASTER = "pool"


def command(port, *args):
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        f = s.makefile("rb")
        s.sendall(_encode(list(args)))
        return _read(f)


class Process:
    def __init__(self, args, port):
        self.port = port
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_until(self.answers, timeout=10, message=f"{args[0]} on {port} did not start")

    def answers(self):
        try:
            return command(self.port, "PING") in ("PONG", b"PONG")
        except OSError:
            return False

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class SentinelFailoverTest(test_booking.BookingTest):
    def config_text(self, name):
        if not hasattr(self, "sentinels"):
            self.start_sentinel_group()
        text = super().config_text(name)
        old = f'  address: "127.0.0.1:{self.redis.port}"'
        self.assertIn(old, text)
        addresses = ", ".join(f'"127.0.0.1:{s.port}"' for s in self.sentinels)
        old_timeout = "  command_timeout_ms: 200"
        self.assertIn(old_timeout, text)
        # WAIT must end before the client's command timeout does.
        text = text.replace(old_timeout, "  command_timeout_ms: 3000")
        return text.replace(old, f"  sentinel: {{ master: {MASTER}, addresses: [{addresses}] }}\n"
                                 "  wait_replicas: 1\n  wait_timeout_ms: 2000")

    def start_sentinel_group(self):
        primary = self.redis.port
        self.replicas = []
        for i in range(2):
            port = free_port()
            d = os.path.join(self.tmpdir, f"replica{i}")
            os.makedirs(d)
            r = Process(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", d,
                         "--replicaof", "127.0.0.1", str(primary)], port)
            self.addCleanup(r.kill)
            self.replicas.append(r)
        wait_until(lambda: command(primary, "INFO", "replication").count(b"state=online") == 2, timeout=20,
                   message="replicas did not come online")
        self.sentinels = []
        for i in range(3):
            port = free_port()
            conf = os.path.join(self.tmpdir, f"sentinel{i}.conf")
            with open(conf, "w") as f:
                f.write(f"port {port}\nbind 127.0.0.1\ndir {self.tmpdir}\n"
                        f"sentinel monitor {MASTER} 127.0.0.1 {primary} 2\n"
                        f"sentinel down-after-milliseconds {MASTER} 1000\n"
                        f"sentinel failover-timeout {MASTER} 5000\n")
            s = Process(["redis-server", conf, "--sentinel"], port)
            self.addCleanup(s.kill)
            self.sentinels.append(s)
        wait_until(lambda: all(b"num-other-sentinels" in b"".join(
            x for x in command(s.port, "SENTINEL", "master", MASTER) if isinstance(x, bytes)) for s in self.sentinels),
            timeout=20, message="sentinels do not monitor the primary")

    def primary_port(self):
        host_port = command(self.sentinels[0].port, "SENTINEL", "get-master-addr-by-name", MASTER)
        return int(host_port[1])

    def book_one(self, slots):
        for s in slots:
            r, body = self.book("nanjing", s["id"], key=secrets.token_hex(8))
            if r.status == 201:
                slots.remove(s)
                return body["id"]
        return None

    def test_bookings_survive_a_primary_failover(self):
        slots = [s for s in self.slots("nanjing", "3201", days_from=1, days_to=6, limit=200)["slots"]
                 if s["available"] > 0]
        self.assertGreater(len(slots), 30)
        confirmed = []
        for _ in range(10):
            aid = self.book_one(slots)
            self.assertIsNotNone(aid, "bookings work through the sentinel-named primary")
            confirmed.append(aid)
        old = self.primary_port()
        self.assertEqual(old, self.redis.port)

        self.redis.stop()  # SIGKILL
        started = time.monotonic()
        after = None
        while after is None and time.monotonic() - started < 90:
            try:
                after = self.book_one(slots)
            except OSError:
                pass
            if after is None:
                time.sleep(0.5)
        self.assertIsNotNone(after, "no booking succeeded within 90 s of the primary's death")
        print(f"sentinel: bookings resumed {time.monotonic() - started:.1f}s after the failover", file=sys.stderr)
        confirmed.append(after)
        for _ in range(5):
            aid = self.book_one(slots)
            self.assertIsNotNone(aid, "bookings continue on the new primary")
            confirmed.append(aid)

        new = self.primary_port()
        self.assertIn(new, [r.port for r in self.replicas])
        for aid in confirmed:
            status = command(new, "EVAL", "redis.call('SELECT', 0) return redis.call('HGET', KEYS[1], 'status')", 1,
                             f"mgw:pool:appt:{aid}")
            self.assertEqual(status, b"booked", f"{aid} lost in the failover")
            r, body = self.call("nanjing", "GET", f"/v1/appointments/{aid}")
            self.assertEqual((r.status, body.get("status")), (200, "booked"), aid)

        # The blocking users of the redis: section ask the sentinels too: the monthly report reads the
        # new primary (every confirmed booking is counted there).
        month = time.strftime("%Y-%m", time.gmtime(time.time() + 8 * 3600))
        out = subprocess.run([METROGW_BIN,
                              "report", "bookings", "--month", month, "--config", self.nodes["nanjing"].config_path],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        counts = [int(line.rsplit(",", 1)[1]) for line in out.stdout.splitlines()[1:] if line.strip()]
        self.assertGreaterEqual(sum(counts), len(confirmed), out.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)

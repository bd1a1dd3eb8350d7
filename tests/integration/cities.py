"""City platform simulators and Redis for the end-to-end suites: real metrogw-sim and redis-server
processes on loopback, started and stopped by the tests."""
import json
import os
import signal
import socket
import subprocess
import threading
import time

from harness import SOURCE_DIR, free_port, request, wait_until  # noqa: F401

SIM_BIN = os.environ.get("METROGW_SIM_BIN", os.path.join(os.path.dirname(os.environ.get("METROGW_BIN", "")),
                                                         "metrogw-sim"))
GEN_NODE_CERTS = os.path.join(SOURCE_DIR, "deploy", "gen-node-certs.sh")
CONFIGS = os.path.join(SOURCE_DIR, "deploy", "demo", "federation_configs.py")
CITIES = [("nanjing", "3201", "fhir-r4"), ("wuhu", "3402", "hl7v2"), ("maanshan", "3405", "hl7v3-cda")]

# A slot release at the simulated Nanjing platform (metrogw-sim --release): Gulou's single-place evening
# slots, booked by the rush tests. RELEASE_RULES makes them public (no family-doctor share: 30 % of one
# place, rounded up, would reserve each of them for family doctors during the priority window).
RELEASE_HOSPITAL = "3201H01"
RELEASE_SLOTS = 1000
RELEASE_ARGS = ("--release", f"{RELEASE_HOSPITAL}:{RELEASE_SLOTS}")
RELEASE_RULES = {"hospitals": [{"id": RELEASE_HOSPITAL, "reserved_share_percent": 0}]}


def sim_free_release_slots(port):
    """Ids of the release slots still free at a FHIR simulator (evening slots of RELEASE_HOSPITAL)."""
    free, page = set(), None
    while True:
        q = f"organization={RELEASE_HOSPITAL}&status=free&_count=500" + (f"&_page_token={page}" if page else "")
        r = request(port, "GET", f"/fhir/Slot?{q}", timeout=15)
        if r.status != 200:
            raise AssertionError(f"simulator slot search: {r.status} {r.body[:300]}")
        bundle = json.loads(r.body)
        for e in bundle.get("entry", []):
            res = e["resource"]
            if res["start"][11:13] >= "18":
                free.add(res["id"])
        nxt = [link["url"] for link in bundle.get("link", []) if link.get("relation") == "next"]
        if not nxt:
            return free
        page = nxt[0].split("_page_token=")[1].split("&")[0]


class Sim:
    """One metrogw-sim process; `port` is the one it printed in its ready line."""

    def __init__(self, dialect, city, port, extra=()):
        self.proc = subprocess.Popen([SIM_BIN, "--dialect", dialect, "--city", city, "--port", str(port),
                                      "--seed", "7", *extra], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"metrogw-sim {dialect} exited: {self.proc.stderr.read()[-2000:]}")
        ready = json.loads(line)
        assert ready.get("event") == "ready", line
        self.port = ready["port"]
        self.lines = []  # its log lines (JSON), for counting the requests it served
        threading.Thread(target=self._collect, daemon=True).start()
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def _collect(self):
        try:
            for line in self.proc.stderr:
                self.lines.append(line)
        except (OSError, ValueError):
            pass

    def count(self, text):
        """How many of its log lines so far contain `text` (e.g. "query:Patients")."""
        return sum(1 for line in list(self.lines) if text in line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except (OSError, ValueError):
                pass  # a reader thread may be closing it at the same time




class Redis:
    """A redis-server on a free loopback port, no persistence; stop() and start() keep the port."""

    def __init__(self, tmpdir, password=None):
        self.port = free_port()
        self.dir = tmpdir
        self.password = password
        self.proc = None
        self.start()

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", self.dir]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_until(self._answers, timeout=10, message="redis-server did not start")

    def _answers(self):
        try:
            return self.command("PING") in ("PONG", b"PONG")
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def command(self, *args):
        """One command over RESP; returns str/bytes/int/None/list (bulk strings as bytes)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=3) as s:
            f = s.makefile("rb")
            if self.password:
                s.sendall(_encode(["AUTH", self.password]))
                _read(f)
            s.sendall(_encode(list(args)))
            return _read(f)

    def dump(self, db_count=3):
        """Every key and value of the first `db_count` databases, as bytes."""
        out = []
        for db in range(db_count):
            with socket.create_connection(("127.0.0.1", self.port), timeout=3) as s:
                f = s.makefile("rb")
                if self.password:
                    s.sendall(_encode(["AUTH", self.password]))
                    _read(f)
                s.sendall(_encode(["SELECT", str(db)]))
                _read(f)
                s.sendall(_encode(["KEYS", "*"]))
                for key in _read(f):
                    s.sendall(_encode(["TYPE", key]))
                    kind = _read(f)
                    kind = kind.decode() if isinstance(kind, bytes) else str(kind)
                    s.sendall(_encode(_DUMP_COMMANDS.get(kind, ["GET"]) + [key] + _DUMP_ARGS.get(kind, [])))
                    out.append((key, _flatten(_read(f))))
        return out


# How dump() reads each kind of value (every kind is checked for personal data, not only strings).
_DUMP_COMMANDS = {"string": ["GET"], "hash": ["HGETALL"], "list": ["LRANGE"], "set": ["SMEMBERS"],
                  "zset": ["ZRANGE"], "stream": ["XRANGE"]}
_DUMP_ARGS = {"list": ["0", "-1"], "zset": ["0", "-1"], "stream": ["-", "+"]}


def _flatten(value):
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, list):
        return b"\n".join(_flatten(v) for v in value)
    return str(value).encode()


def _encode(args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(parts)


def _read(f):
    line = f.readline()
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RuntimeError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        return data[:-2]
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_read(f) for _ in range(n)]
    raise RuntimeError(f"unexpected RESP line {line!r}")


def residents(seed):
    """The simulators' metro residents (metrogw-sim residents SEED) as dicts."""
    out = subprocess.run([SIM_BIN, "residents", str(seed)], check=True, capture_output=True, text=True, timeout=30)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]

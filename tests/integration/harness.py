"""Black-box integration harness for metrogw: runs the real binary against programmable upstreams.

Python 3 standard library only. Everything listens on loopback; every wait is bounded.

Main pieces:
  free_port()            a currently free loopback TCP port
  make_certs(tmpdir)     runs tests/tools/gen_certs.sh into tmpdir, returns a Certs (paths)
  Node                   writes a YAML config, starts metrogw, waits for /readyz, stops/reloads it
  Upstream               threaded raw-socket HTTP/1.1 test server with per-path behaviours
  raw_exchange()         send raw bytes, read until close/timeout
  parse_responses()      tiny HTTP/1.1 response parser (pipelining, chunked, 1xx, HEAD)
  HttpReader             incremental response reader over a socket
"""

import http.client
import json
import os
import re
import select
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("METROGW_SOURCE_DIR") or os.path.normpath(os.path.join(HERE, "..", ".."))
METROGW_BIN = os.environ.get("METROGW_BIN", "/work/main/build/metrogw")
GEN_CERTS = os.path.join(SOURCE_DIR, "tests", "tools", "gen_certs.sh")
if not os.path.exists(GEN_CERTS):  # fallback: relative to this file
    GEN_CERTS = os.path.normpath(os.path.join(HERE, "..", "tools", "gen_certs.sh"))

LOOPBACK = "127.0.0.1"
PROBLEM_PREFIX = "urn:metrogw:problem:"


def wait_until(predicate, timeout=5.0, interval=0.02, message="condition not met"):
    """Polls predicate() until it returns a truthy value; returns it, or raises AssertionError."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - keep polling, report the last error
            last_exc = e
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_exc!r})" if last_exc else ""
            raise AssertionError(f"timed out after {timeout}s: {message}{detail}")
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# Ports and certificates
# ---------------------------------------------------------------------------------------------

_handed_out = set()
_port_lock = threading.Lock()


def free_port():
    """A loopback TCP port that is free right now (never the same one twice in this process)."""
    with _port_lock:
        for _ in range(100):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind((LOOPBACK, 0))
                port = s.getsockname()[1]
            finally:
                s.close()
            if port not in _handed_out:
                _handed_out.add(port)
                return port
    raise RuntimeError("no free port found")


class Certs:
    def __init__(self, directory):
        self.dir = directory

    def __getattr__(self, name):
        # certs.ca -> ca.pem, certs.server_key -> server.key, certs.rogue_client -> rogue-client.pem
        if name.endswith("_key"):
            return os.path.join(self.dir, name[:-4].replace("_", "-") + ".key")
        return os.path.join(self.dir, name.replace("_", "-") + ".pem")


def make_certs(tmpdir):
    """Runs tests/tools/gen_certs.sh into tmpdir/certs; returns a Certs."""
    out = os.path.join(tmpdir, "certs")
    r = subprocess.run(["bash", GEN_CERTS, out], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"gen_certs.sh failed ({r.returncode}): {r.stdout}{r.stderr}")
    return Certs(out)


def client_context(certs, cert=None, key=None, ca=None, **kwargs):
    """An SSL client context trusting ca.pem (or `ca`), optionally presenting a client certificate."""
    ctx = ssl.create_default_context(cafile=ca or certs.ca)
    if cert:
        ctx.load_cert_chain(cert, key)
    for k, v in kwargs.items():
        setattr(ctx, k, v)
    return ctx


# ---------------------------------------------------------------------------------------------
# YAML emission (block style; strings are JSON-quoted, which YAML accepts)
# ---------------------------------------------------------------------------------------------

def _scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if v is None:
        return "null"
    return json.dumps(str(v))


def to_yaml(value, indent=0):
    pad = "  " * indent
    lines = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{k}:")
                lines.append(to_yaml(v, indent + 1))
            elif isinstance(v, list):
                lines.append(f"{pad}{k}: []")
            elif isinstance(v, dict):
                lines.append(f"{pad}{k}: {{}}")
            else:
                lines.append(f"{pad}{k}: {_scalar(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                sub = to_yaml(item, indent + 1).split("\n")
                first = sub[0].lstrip()
                lines.append(f"{pad}- {first}")
                lines.extend(sub[1:])
            elif isinstance(item, list):
                lines.append(f"{pad}- [{', '.join(_scalar(x) for x in item)}]")
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(pad + _scalar(value))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Metrics text parsing
# ---------------------------------------------------------------------------------------------

_SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$')
_LABEL_RE = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')


def parse_metrics(text):
    """Returns [(name, {label: value}, float)] for every sample line."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE_RE.match(line)
        if not m:
            continue
        labels = {}
        if m.group(3):
            for lm in _LABEL_RE.finditer(m.group(3)):
                labels[lm.group(1)] = lm.group(2).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        try:
            value = float(m.group(4))
        except ValueError:
            continue
        out.append((m.group(1), labels, value))
    return out


def metric_sum(text, name, labels=None):
    labels = labels or {}
    total = 0.0
    for n, l, v in parse_metrics(text):
        if n == name and all(l.get(k) == str(val) for k, val in labels.items()):
            total += v
    return total


# ---------------------------------------------------------------------------------------------
# The node under test
# ---------------------------------------------------------------------------------------------

class Node:
    """One metrogw process.

    `config` is a dict in the config file's shape. Listener ports that are missing or 0 and the
    admin port are filled with free ports (kept across reloads, by listener name).
    """

    def __init__(self, config, tmpdir=None, start=True, ready_timeout=15.0, env=None):
        self._own_tmp = None
        self.env = env  # extra environment variables for the process
        if tmpdir is None:
            self._own_tmp = tempfile.TemporaryDirectory(prefix="metrogw-node-")
            tmpdir = self._own_tmp.name
        self.tmpdir = tmpdir
        self.config_path = os.path.join(tmpdir, "metrogw.yaml")
        self.ports = {}
        self.admin_port = None
        self.proc = None
        self.stdout_lines = []
        self.stderr_lines = []
        self._lock = threading.Lock()
        self._readers = []
        self.ready_timeout = ready_timeout
        self.config = None
        self._orig_config = None
        self.write_config(config)
        if start:
            self.start()

    # -- configuration --

    def _fill_ports(self, config):
        config = json.loads(json.dumps(config))  # deep copy
        admin = config.setdefault("admin", {})
        admin.setdefault("address", LOOPBACK)
        if not admin.get("port"):
            if self.admin_port is None:
                self.admin_port = free_port()
            admin["port"] = self.admin_port
        else:
            self.admin_port = admin["port"]
        for listener in config.get("listeners", []):
            listener.setdefault("address", LOOPBACK)
            name = listener.get("name")
            if not listener.get("port"):
                if name not in self.ports:
                    self.ports[name] = free_port()
                listener["port"] = self.ports[name]
            else:
                self.ports[name] = listener["port"]
        return config

    def write_config(self, config):
        if isinstance(config, str):
            text = config
        else:
            self._orig_config = config
            self.config = self._fill_ports(config)
            text = to_yaml(self.config) + "\n"
        tmp = self.config_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.config_path)
        return text

    def port(self, listener=None):
        if listener is None:
            listener = next(iter(self.ports))
        return self.ports[listener]

    # -- process --

    def _reader(self, stream, sink):
        for raw in iter(stream.readline, b""):
            with self._lock:
                sink.append(raw.decode("utf-8", "replace").rstrip("\n"))
        stream.close()

    def start(self):
        for attempt in range(3):
            self._spawn()
            try:
                self.wait_ready(self.ready_timeout)
                return
            except AssertionError:
                if self.proc.poll() is not None and "cannot listen" in self.stderr_text() and attempt < 2 \
                        and self._orig_config is not None:
                    # A port we picked was taken in the meantime: pick new ones and retry.
                    self.ports = {}
                    self.admin_port = None
                    self.write_config(self._orig_config)
                    continue
                self.kill()
                raise

    def _spawn(self):
        if not os.path.exists(METROGW_BIN):
            raise AssertionError(f"metrogw binary not found at {METROGW_BIN} (set METROGW_BIN)")
        self.stdout_lines.clear()
        self.stderr_lines.clear()
        env = None
        if self.env:
            env = dict(os.environ)
            env.update(self.env)
        self.proc = subprocess.Popen([METROGW_BIN, "--config", self.config_path], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=self.tmpdir, env=env)
        self._readers = []
        for stream, sink in ((self.proc.stdout, self.stdout_lines), (self.proc.stderr, self.stderr_lines)):
            t = threading.Thread(target=self._reader, args=(stream, sink), daemon=True)
            t.start()
            self._readers.append(t)

    @property
    def pid(self):
        return self.proc.pid

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr_text(self):
        with self._lock:
            return "\n".join(self.stderr_lines)

    def stderr_tail(self, n=30):
        with self._lock:
            return "\n".join(self.stderr_lines[-n:])

    def access_log(self):
        """Parsed JSON access-log lines seen on stdout so far (non-JSON lines raise)."""
        with self._lock:
            lines = list(self.stdout_lines)
        return [json.loads(l) for l in lines if l.strip()]

    def admin_get(self, path, timeout=3.0):
        conn = http.client.HTTPConnection(LOOPBACK, self.admin_port, timeout=timeout)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            return r.status, r.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def wait_ready(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                for t in self._readers:
                    t.join(1.0)
                raise AssertionError(f"metrogw exited with {self.proc.returncode} before becoming ready; "
                                     f"stderr tail:\n{self.stderr_tail()}")
            try:
                status, _ = self.admin_get("/readyz", timeout=1.0)
                if status == 200:
                    return
                last = f"/readyz answered {status}"
            except OSError as e:
                last = repr(e)
            time.sleep(0.02)
        raise AssertionError(f"metrogw not ready after {timeout}s ({last}); stderr tail:\n{self.stderr_tail()}")

    def metrics(self):
        status, body = self.admin_get("/metrics")
        if status != 200:
            raise AssertionError(f"/metrics answered {status}: {body}")
        return body

    def metric_value(self, name, labels=None):
        """Sum of the samples of `name` whose labels include `labels`."""
        return metric_sum(self.metrics(), name, labels)

    def reload(self, new_config, wait=True, timeout=5.0):
        """Rewrites the config file and sends SIGHUP; waits until a reload result is counted.

        Returns "success" or "failure" (or None when wait=False)."""
        before_ok = self.metric_value("metrogw_config_reloads_total", {"result": "success"})
        before_fail = self.metric_value("metrogw_config_reloads_total", {"result": "failure"})
        self.write_config(new_config)
        self.proc.send_signal(signal.SIGHUP)
        if not wait:
            return None

        def outcome():
            ok = self.metric_value("metrogw_config_reloads_total", {"result": "success"})
            fail = self.metric_value("metrogw_config_reloads_total", {"result": "failure"})
            if ok > before_ok:
                return "success"
            if fail > before_fail:
                return "failure"
            return None

        return wait_until(outcome, timeout, message="reload result counted in metrics")

    def terminate(self):
        self.proc.send_signal(signal.SIGTERM)

    def wait_exit(self, timeout=20.0):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"metrogw did not exit within {timeout}s; stderr tail:\n{self.stderr_tail()}")

    def stop(self, timeout=20.0):
        """SIGTERM, wait for exit; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.terminate()
        code = self.wait_exit(timeout)
        for t in self._readers:
            t.join(2.0)
        return code

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        for t in self._readers:
            t.join(2.0)

    def close(self):
        """tearDown helper: whatever state it is in, make sure the process is gone."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                pass
            self.kill()
        if self._own_tmp is not None:
            self._own_tmp.cleanup()
            self._own_tmp = None

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def simple_config(hosts, *, routes=None, cluster=None, limits=None, listeners=None, workers=1, clusters=None,
                  **top):
    """A one-listener, one-cluster config proxying everything to `hosts` (plus the node-info route)."""
    cl = {"name": "up", "hosts": list(hosts), "connect_timeout_ms": 1000, "request_timeout_ms": 5000}
    if cluster:
        cl.update(cluster)
    cfg = {
        "node_name": "itest",
        "workers": workers,
        "log_level": "info",
        "access_log": True,
        "admin": {"address": LOOPBACK},
        "listeners": listeners or [{"name": "main", "address": LOOPBACK}],
        "clusters": clusters if clusters is not None else [cl],
        "routes": routes if routes is not None else [
            {"name": "node", "path": "/v1/node", "match": "exact", "methods": ["GET"], "handler": "node-info"},
            {"name": "default", "path": "/", "cluster": "up"},
        ],
    }
    if limits:
        cfg["limits"] = limits
    cfg.update(top)
    return cfg


# ---------------------------------------------------------------------------------------------
# HTTP parsing helpers
# ---------------------------------------------------------------------------------------------

class Response:
    def __init__(self, status, reason, headers, body, version="HTTP/1.1"):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (name, value) in order
        self.body = body
        self.version = version

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def has_header(self, name):
        return any(k.lower() == name.lower() for k, _ in self.headers)

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def problem_type(self):
        try:
            t = self.json().get("type", "")
        except ValueError:
            return None
        return t[len(PROBLEM_PREFIX):] if t.startswith(PROBLEM_PREFIX) else t

    def __repr__(self):
        return f"<Response {self.status} {self.reason} headers={self.headers} body={self.body[:300]!r}>"


class Incomplete(Exception):
    pass


def _parse_head(data, start):
    end = data.find(b"\r\n\r\n", start)
    if end < 0:
        raise Incomplete()
    lines = data[start:end].decode("latin-1").split("\r\n")
    return lines, end + 4


def parse_one_response(data, start=0, method="GET", eof=False):
    """Parses one response at data[start:]. Returns (Response, next_offset); raises Incomplete."""
    lines, pos = _parse_head(data, start)
    status_line = lines[0]
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise ValueError(f"bad status line {status_line!r}")
    version, status = parts[0], int(parts[1])
    reason = parts[2] if len(parts) > 2 else ""
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    resp = Response(status, reason, headers, b"", version)
    if 100 <= status < 200 or status in (204, 304) or method == "HEAD":
        return resp, pos
    te = (resp.header("transfer-encoding") or "").lower()
    if "chunked" in te:
        body = bytearray()
        while True:
            eol = data.find(b"\r\n", pos)
            if eol < 0:
                raise Incomplete()
            size = int(data[pos:eol].split(b";")[0].strip(), 16)
            pos = eol + 2
            if size == 0:
                # trailers until an empty line
                while True:
                    eol = data.find(b"\r\n", pos)
                    if eol < 0:
                        raise Incomplete()
                    line = data[pos:eol]
                    pos = eol + 2
                    if not line:
                        break
                resp.body = bytes(body)
                return resp, pos
            if len(data) < pos + size + 2:
                raise Incomplete()
            body += data[pos:pos + size]
            if data[pos + size:pos + size + 2] != b"\r\n":
                raise ValueError("chunk not followed by CRLF")
            pos += size + 2
    cl = resp.header("content-length")
    if cl is not None:
        n = int(cl)
        if len(data) < pos + n:
            raise Incomplete()
        resp.body = bytes(data[pos:pos + n])
        return resp, pos + n
    # close-delimited
    if not eof:
        raise Incomplete()
    resp.body = bytes(data[pos:])
    return resp, len(data)


def parse_responses(data, methods=None, eof=True):
    """Parses every complete response in `data` (pipelined). `methods` lists the request methods
    in order (for HEAD); 1xx interim responses are returned as their own entries."""
    out = []
    pos = 0
    i = 0
    methods = list(methods or [])
    while pos < len(data):
        method = methods[i] if i < len(methods) else "GET"
        try:
            resp, pos = parse_one_response(data, pos, method, eof)
        except Incomplete:
            break
        out.append(resp)
        if resp.status >= 200:
            i += 1
    return out


class HttpReader:
    """Reads responses incrementally from a (possibly TLS) socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        self.eof = False

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("read deadline passed")
        self.sock.settimeout(remaining)
        chunk = self.sock.recv(65536)
        if not chunk:
            self.eof = True
        self.buf += chunk

    def read_response(self, method="GET", timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                resp, pos = parse_one_response(self.buf, 0, method, self.eof)
                del self.buf[:pos]
                return resp
            except Incomplete:
                if self.eof:
                    raise ConnectionError(f"connection closed mid-response; got {bytes(self.buf[:500])!r}")
                self._fill(deadline)

    def read_final(self, method="GET", timeout=5.0):
        """Skips 1xx responses."""
        while True:
            r = self.read_response(method, timeout)
            if r.status >= 200:
                return r

    def read_until_close(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        while not self.eof:
            self._fill(deadline)
        data = bytes(self.buf)
        self.buf.clear()
        return data

    def closed_by_peer(self, timeout=2.0):
        """True when the peer closes (EOF or reset) within timeout with no further data."""
        try:
            data = self.read_until_close(timeout)
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
        return data == b""


def connect(port, timeout=5.0, host=LOOPBACK):
    return socket.create_connection((host, port), timeout=timeout)


def raw_exchange(port, data, timeout=3.0, host=LOOPBACK, tls_context=None, server_hostname=None):
    """Sends `data`, returns everything read until the peer closes or `timeout` passes."""
    sock = socket.create_connection((host, port), timeout=timeout)
    if tls_context is not None:
        sock = tls_context.wrap_socket(sock, server_hostname=server_hostname or host)
    deadline = time.monotonic() + timeout
    out = bytearray()
    try:
        sock.sendall(data)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except (ConnectionResetError, ssl.SSLError):
                break
            if not chunk:
                break
            out += chunk
    finally:
        sock.close()
    return bytes(out)


def request(port, method="GET", path="/", headers=None, body=None, timeout=5.0, tls_context=None,
            host=LOOPBACK):
    """One request on a fresh http.client connection; returns (status, headers dict lower, body bytes)."""
    if tls_context is not None:
        conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=tls_context)
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, r.reason, r.getheaders(), data)
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# The programmable test upstream
# ---------------------------------------------------------------------------------------------

class RecordedRequest:
    def __init__(self, method, target, version, headers, body, conn_id, raw_head):
        self.method = method
        self.target = target
        self.path = target.split("?", 1)[0]
        self.query = target.split("?", 1)[1] if "?" in target else ""
        self.version = version
        self.headers = headers  # list of (name, value)
        self.body = body
        self.conn_id = conn_id
        self.raw_head = raw_head
        self.time = time.monotonic()

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def has_header(self, name):
        return any(k.lower() == name.lower() for k, _ in self.headers)

    def __repr__(self):
        return f"<RecordedRequest {self.method} {self.target} conn={self.conn_id} headers={self.headers}>"


class _ConnClosed(Exception):
    pass


class Upstream:
    """Threaded HTTP/1.1 test upstream on 127.0.0.1.

    Behaviours (chosen per request: `behaviours[path]` (exact), then the longest matching prefix in
    `prefix_behaviours`, then `default`); a behaviour is a string, optionally with ':' arguments:
      ok                 200 JSON echo {method, target, headers, body_len, conn}
      status:N           N with a small JSON body
      delay:S            like ok, after S seconds
      slow_read:S        waits S seconds before reading the request body, then like ok
      interim            100 Continue and 103 Early Hints, then 200
      no_content         204 (no body);   not_modified: 304 with ETag (no body)
      ok_close           200 with Connection: close, then closes
      early:N            answers N (Connection: close) right after the head without reading the body
      hang               never answers (connection held until stop())
      slow_body[:S]      headers at once (Content-Length), body after S seconds (default 1.5)
      close_mid_body     announces 100000 bytes, sends 1000, closes
      chunked            Transfer-Encoding: chunked answer in several chunks
      close_delimited    no length, Connection: close, body then close
      echo_body          200 with the request body as body
      big:N              200 with an N-byte body (pattern bytes), Content-Length
      reset              closes the connection without answering (RST)
      garbage            answers bytes that are not HTTP, then closes
      ok_then_close[:S]  like ok (keep-alive), then closes the idle connection after S s (0.05)
    `response_headers` (list of (name, value)) are added to ok/echo_body/chunked answers.
    """

    def __init__(self, default="ok", tls_certs=None, name="upstream"):
        self.name = name
        self.default = default
        self.behaviours = {}
        self.prefix_behaviours = {}
        self.response_headers = []
        self.requests = []
        self.accepted = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._conns = set()
        self._threads = []
        self._tls = None
        if tls_certs is not None:
            self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls.load_cert_chain(tls_certs.server, tls_certs.server_key)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((LOOPBACK, 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        with _port_lock:
            _handed_out.add(self.port)
        self.address = f"{LOOPBACK}:{self.port}"
        self._accept_thread = threading.Thread(target=self._accept_loop, daemon=True, name=f"{name}-accept")
        self._accept_thread.start()

    # -- configuration and inspection --

    def set(self, behaviour, path=None, prefix=None):
        if path is not None:
            self.behaviours[path] = behaviour
        elif prefix is not None:
            self.prefix_behaviours[prefix] = behaviour
        else:
            self.default = behaviour

    def behaviour_for(self, req):
        if req.path in self.behaviours:
            return self.behaviours[req.path]
        best = None
        for prefix in self.prefix_behaviours:
            if req.path.startswith(prefix) and (best is None or len(prefix) > len(best)):
                best = prefix
        return self.prefix_behaviours[best] if best is not None else self.default

    def received(self):
        with self._lock:
            return list(self.requests)

    def count(self):
        with self._lock:
            return len(self.requests)

    def connections(self):
        with self._lock:
            return self.accepted

    def wait_requests(self, n, timeout=5.0):
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{self.name}: expected {n} requests, got {len(self.requests)}")
                self._cond.wait(remaining)
            return list(self.requests)

    def last(self):
        with self._lock:
            return self.requests[-1] if self.requests else None

    def stop(self):
        self._stop.set()
        try:
            self.sock.close()
        except OSError:
            pass
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                c.close()
            except OSError:
                pass
        self._accept_thread.join(2.0)
        for t in list(self._threads):
            t.join(2.0)

    close = stop

    # -- server --

    def _accept_loop(self):
        conn_id = 0
        while not self._stop.is_set():
            try:
                r, _, _ = select.select([self.sock], [], [], 0.1)
            except (OSError, ValueError):
                return
            if not r:
                continue
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            conn_id += 1
            with self._lock:
                self.accepted += 1
                self._conns.add(c)
            t = threading.Thread(target=self._serve, args=(c, conn_id), daemon=True, name=f"{self.name}-c{conn_id}")
            self._threads.append(t)
            t.start()

    def _serve(self, c, conn_id):
        sock = c
        try:
            c.settimeout(30)
            if self._tls is not None:
                try:
                    sock = self._tls.wrap_socket(c, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                with self._lock:
                    self._conns.add(sock)
            buf = bytearray()
            while not self._stop.is_set():
                req = self._read_request(sock, buf, conn_id)
                if req is None:
                    return
                with self._cond:
                    self.requests.append(req)
                    self._cond.notify_all()
                keep = self._respond(sock, req)
                if not keep:
                    return
        except (_ConnClosed, OSError, ValueError):
            return
        finally:
            try:
                sock.close()
            except OSError:
                pass
            with self._lock:
                self._conns.discard(c)
                self._conns.discard(sock)

    def _recv(self, sock, buf):
        chunk = sock.recv(65536)
        if not chunk:
            raise _ConnClosed()
        buf += chunk

    def _read_request(self, sock, buf, conn_id):
        while b"\r\n\r\n" not in buf:
            try:
                self._recv(sock, buf)
            except _ConnClosed:
                return None
        end = buf.index(b"\r\n\r\n")
        raw_head = bytes(buf[:end + 4])
        del buf[:end + 4]
        lines = raw_head[:-4].decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        lower = {k.lower(): v for k, v in headers}
        behaviour = self.behaviour_for(RecordedRequest(method, target, version, headers, b"", conn_id, raw_head))
        if isinstance(behaviour, str) and behaviour.startswith("early:"):
            # Answer from the head alone; the body is never read.
            return RecordedRequest(method, target, version, headers, b"", conn_id, raw_head)
        if isinstance(behaviour, str) and behaviour.startswith("slow_read:"):
            # Leave the body in the socket for a while (back-pressure towards the gateway).
            if self._stop.wait(float(behaviour.split(":", 1)[1])):
                return None
        body = bytearray()
        if "chunked" in lower.get("transfer-encoding", "").lower():
            while True:
                while b"\r\n" not in buf:
                    self._recv(sock, buf)
                eol = buf.index(b"\r\n")
                size = int(bytes(buf[:eol]).split(b";")[0].strip(), 16)
                del buf[:eol + 2]
                if size == 0:
                    while True:  # trailers
                        while b"\r\n" not in buf:
                            self._recv(sock, buf)
                        eol = buf.index(b"\r\n")
                        line = bytes(buf[:eol])
                        del buf[:eol + 2]
                        if not line:
                            break
                    break
                while len(buf) < size + 2:
                    self._recv(sock, buf)
                body += buf[:size]
                del buf[:size + 2]
        elif "content-length" in lower:
            n = int(lower["content-length"])
            while len(buf) < n:
                self._recv(sock, buf)
            body += buf[:n]
            del buf[:n]
        return RecordedRequest(method, target, version, headers, bytes(body), conn_id, raw_head)

    @staticmethod
    def _head(status, headers, reason=None):
        reasons = {200: "OK", 404: "Not Found", 500: "Internal Server Error", 502: "Bad Gateway",
                   503: "Service Unavailable", 504: "Gateway Timeout"}
        out = f"HTTP/1.1 {status} {reason or reasons.get(status, 'Status')}\r\n"
        for k, v in headers:
            out += f"{k}: {v}\r\n"
        return (out + "\r\n").encode("latin-1")

    def _respond(self, sock, req):
        behaviour = self.behaviour_for(req)
        if callable(behaviour):
            behaviour = behaviour(req)
        name, _, arg = behaviour.partition(":")
        client_close = "close" in (req.header("connection") or "").lower()
        keep = not client_close
        conn_hdr = [("Connection", "close")] if client_close else []
        head_req = req.method == "HEAD"

        def send(status, body, ctype="application/json", extra=()):
            headers = [("Content-Type", ctype), ("Content-Length", str(len(body)))] + list(extra) + conn_hdr
            sock.sendall(self._head(status, headers) + (b"" if head_req else body))

        if name == "delay":  # delay:S -> wait S seconds, then answer like ok
            if self._stop.wait(float(arg)):
                return False
            name = "ok"
        if name == "slow_read":
            name = "ok"
        if name == "ok":
            body = json.dumps({"method": req.method, "target": req.target, "headers": req.headers,
                               "body_len": len(req.body), "conn": req.conn_id, "upstream": self.name}).encode()
            send(200, body, extra=self.response_headers)
        elif name == "status":
            code = int(arg)
            send(code, json.dumps({"status": code, "upstream": self.name}).encode())
        elif name == "echo_body":
            send(200, req.body, "application/octet-stream", self.response_headers)
        elif name == "big":
            n = int(arg)
            headers = [("Content-Type", "application/octet-stream"), ("Content-Length", str(n))] + conn_hdr
            sock.sendall(self._head(200, headers))
            if not head_req:
                block = bytes(range(256)) * 256  # 64 KiB
                sent = 0
                while sent < n:
                    piece = block[:min(len(block), n - sent)]
                    sock.sendall(piece)
                    sent += len(piece)
        elif name == "hang":
            self._stop.wait(60)
            return False
        elif name == "slow_body":
            delay = float(arg) if arg else 1.5
            body = b"slow-body:" + b"x" * 990
            headers = [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))] + conn_hdr
            sock.sendall(self._head(200, headers))
            if self._stop.wait(delay):
                return False
            if not head_req:
                sock.sendall(body)
        elif name == "close_mid_body":
            headers = [("Content-Type", "application/octet-stream"), ("Content-Length", "100000")]
            sock.sendall(self._head(200, headers) + b"y" * 1000)
            time.sleep(0.05)
            return False
        elif name == "chunked":
            headers = [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")] + \
                list(self.response_headers) + conn_hdr
            sock.sendall(self._head(200, headers))
            if not head_req:
                for piece in (b"alpha-", b"bravo-" * 100, b"charlie-" * 3000, b"delta"):
                    sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
                    time.sleep(0.02)
                sock.sendall(b"0\r\n\r\n")
        elif name == "close_delimited":
            headers = [("Content-Type", "text/plain"), ("Connection", "close")]
            sock.sendall(self._head(200, headers))
            if not head_req:
                for piece in (b"one-", b"two-" * 500, b"three"):
                    sock.sendall(piece)
                    time.sleep(0.02)
            return False
        elif name == "interim":  # 1xx answers before the final one
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n")
            send(200, json.dumps({"target": req.target, "upstream": self.name}).encode())
        elif name == "no_content":
            sock.sendall(self._head(204, [("X-Answer", "none")] + conn_hdr, "No Content"))
        elif name == "not_modified":
            sock.sendall(self._head(304, [("ETag", '"v1"')] + conn_hdr, "Not Modified"))
        elif name == "ok_close":  # announces Connection: close and closes after the answer
            body = json.dumps({"target": req.target, "conn": req.conn_id, "upstream": self.name}).encode()
            sock.sendall(self._head(200, [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                          ("Connection", "close")]) + body)
            return False
        elif name == "early":  # answers N right after the head, never reads the body, closes gracefully
            body = json.dumps({"status": int(arg), "upstream": self.name}).encode()
            sock.sendall(self._head(int(arg), [("Content-Type", "application/json"),
                                               ("Content-Length", str(len(body))), ("Connection", "close")]) + body)
            try:
                sock.shutdown(socket.SHUT_WR)
                sock.settimeout(1.0)
                while sock.recv(65536):
                    pass
            except OSError:
                pass
            return False
        elif name == "garbage":
            sock.sendall(b"NOT-HTTP garbage\r\n\r\n")
            time.sleep(0.05)
            return False
        elif name == "ok_then_close":
            # A normal keep-alive answer, then the upstream closes the idle connection shortly after.
            body = json.dumps({"method": req.method, "target": req.target, "conn": req.conn_id,
                               "upstream": self.name}).encode()
            send(200, body)
            self._stop.wait(float(arg) if arg else 0.05)
            return False
        elif name == "reset":
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            return False
        else:
            raise ValueError(f"unknown behaviour {behaviour!r}")
        return keep


CHUNKED_BODY = b"alpha-" + b"bravo-" * 100 + b"charlie-" * 3000 + b"delta"
CLOSE_DELIMITED_BODY = b"one-" + b"two-" * 500 + b"three"
SLOW_BODY = b"slow-body:" + b"x" * 990


class NodeTestCase(unittest.TestCase):
    """Base class: tracks nodes/upstreams started by a test and tears them down even on failure."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="metrogw-itest-")
        self.tmpdir = self._tmp.name
        self.addCleanup(self._tmp.cleanup)

    def upstream(self, default="ok", **kwargs):
        u = Upstream(default, **kwargs)
        self.addCleanup(u.stop)
        return u

    def node(self, config, **kwargs):
        sub = tempfile.mkdtemp(dir=self.tmpdir)
        n = Node(config, tmpdir=sub, start=False, **kwargs)
        self.addCleanup(n.close)
        n.start()
        return n

    def assertProblem(self, resp, status, slug):
        self.assertEqual(resp.status, status, f"expected {status} {slug}, got {resp!r}")
        ctype = resp.header("content-type") or ""
        self.assertTrue(ctype.startswith("application/problem+json"), f"content-type {ctype!r} in {resp!r}")
        self.assertEqual(resp.problem_type(), slug, repr(resp))


_certs_cache = {}


def shared_certs():
    """Certificates generated once per process (read-only material), removed at exit."""
    if "certs" not in _certs_cache:
        tmp = tempfile.TemporaryDirectory(prefix="metrogw-certs-")
        _certs_cache["tmp"] = tmp
        _certs_cache["certs"] = make_certs(tmp.name)
    return _certs_cache["certs"]

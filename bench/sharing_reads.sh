#!/usr/bin/env bash
# Whole-system sharing benchmark: consent-checked, audited lab-report reads through HTTP against the
# same node's plain proxy path, in the same run.
#
#   proxy        wrk ─GET /bench──────────────► metrogw "nanjing" ──► nginx upstream (100-byte JSON)
#   read-local   wrk ─GET .../lab-reports─────► metrogw "nanjing": identity cache (Redis) → ledger
#                (Redis) → policy::decide() ×2 → 2 audit appends (write(2), batched fsync) → the
#                Nanjing FHIR simulator → obligations → JSON
#   read-peer    wrk ─GET .../lab-reports─────► metrogw "maanshan" ──mTLS──► metrogw "nanjing"
#                (the same owning-node path) — the cross-city case
#
# The patient is the first metro resident known only in Nanjing (metrogw-sim residents 7), resolved
# at both nodes; consent for lab reports is recorded at Nanjing for the practitioner's hospital's city
# (3201 and 3405 grants). Before measuring, each read must answer 200 with at least one report. Runs
# alternate proxy, read-local, read-peer (ROUNDS rounds), each with a 2 s warm-up, wrk -t2 -c16; each
# prints requests/s and p50/p99; then the medians and the read/proxy ratios. The simulator (one
# thread, evhttp) is in the read path: the ratio measures the whole owning-node path, platform
# included, against a proxy hop to nginx.
#
# Environment: METROGW_BIN (default build/metrogw), METROGW_SIM_BIN, DURATION (5), ROUNDS (2),
# KEEP_WORKDIR=1. Everything on 127.0.0.1, free ports, one mktemp -d directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${DURATION:-5}"
ROUNDS="${ROUNDS:-2}"
METROGW_BIN="${METROGW_BIN:-build/metrogw}"
METROGW_SIM_BIN="${METROGW_SIM_BIN:-}"
readonly WARMUP_S=2 THREADS=2 CONNECTIONS=16 START_TIMEOUT_S=20 SEED=7
readonly BODY='{"service":"bench-upstream","status":"ok","data":"0123456789abcdef0123456789abcdef0123456789ab"}'
readonly CITIES=("nanjing 3201 fhir-r4" "wuhu 3402 hl7v2" "maanshan 3405 hl7v3-cda")
readonly PRACTITIONER="BENCH-D-1"

WORK=""
PIDS=()
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

check_environment() {
  local tool
  for tool in nginx wrk curl python3 redis-server redis-cli openssl; do
    command -v "$tool" >/dev/null || die "$tool not found; run deploy/install-deps.sh"
  done
  [[ $METROGW_BIN == /* ]] || METROGW_BIN="$ROOT/$METROGW_BIN"
  [[ -x $METROGW_BIN ]] || die "metrogw binary not found at $METROGW_BIN (set METROGW_BIN)"
  [[ -n $METROGW_SIM_BIN ]] || METROGW_SIM_BIN="$(dirname "$METROGW_BIN")/metrogw-sim"
  [[ -x $METROGW_SIM_BIN ]] || die "metrogw-sim not found at $METROGW_SIM_BIN (set METROGW_SIM_BIN)"
}

start_upstream() {
  local port=$1 dir="$WORK/upstream"
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server { listen 127.0.0.1:$port; location / { default_type application/json; return 200 '$BODY'; } }
}
EOF
  start upstream nginx -p "$dir/" -c "$dir/nginx.conf" -g 'daemon off;'
  wait_ready upstream "$LAST_PID" "http://127.0.0.1:$port/"
}

start_redis() {
  mkdir -p "$WORK/redis"
  start redis redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK/redis"
  local tries=0
  until [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" == PONG ]]; do
    ((tries++ < 100)) || die "redis-server did not start"
    sleep 0.1
  done
}

# start_sims: the three simulators on free ports; SIM_PORT_<name> from their ready lines.
start_sims() {
  local entry name city dialect tries port
  for entry in "${CITIES[@]}"; do
    read -r name city dialect <<<"$entry"
    start "sim-$name" "$METROGW_SIM_BIN" --dialect "$dialect" --city "$city" --port 0 --seed "$SEED"
    tries=0
    port=""
    until [[ -n $port ]]; do
      port="$(sed -n 's/^{"event":"ready".*"port":\([0-9][0-9]*\).*$/\1/p' "$WORK/sim-$name.log" | head -n 1)"
      [[ -n $port ]] && break
      ((tries++ < 200)) || die "metrogw-sim $name printed no ready line"
      sleep 0.1
    done
    printf -v "SIM_PORT_$name" '%s' "$port"
  done
}

# add_bench_route FILE UPSTREAM_PORT: log_level warn, a cluster and a /bench route to nginx.
add_bench_route() {
  python3 - "$1" "$2" <<'EOF'
import sys
path, upstream = sys.argv[1:3]
text = open(path, encoding="utf-8").read()
for old, new in [("\nlog_level: info\n", "\nlog_level: warn\n"),
                 ("\nclusters:\n", "\nclusters:\n  - name: bench-upstream\n"
                  f"    hosts: [\"127.0.0.1:{upstream}\"]\n    max_idle_per_host: 64\n"),
                 ("\nroutes:\n", "\nroutes:\n  - { name: bench, path: /bench, match: prefix, cluster: bench-upstream,"
                  " listeners: [main] }\n")]:
    if text.count(old) != 1:
        sys.exit(f"bench: {path}: anchor {old.strip()!r} not found once")
    text = text.replace(old, new)
open(path, "w", encoding="utf-8").write(text)
EOF
}

# prepare NJ_PORT MAS_PORT: resolves the patient at both nodes, records the consents at Nanjing,
# checks both reads; prints the token.
prepare() {
  python3 - "$1" "$2" "$WORK/residents.jsonl" "$PRACTITIONER" <<'EOF'
import json, sys, urllib.request
nj, mas, residents, practitioner = sys.argv[1:5]
people = [json.loads(l) for l in open(residents, encoding="utf-8") if l.strip()]
p = next(p for p in people if p["cities"] == ["3201"] and not p["conflict_city"])
def call(port, method, path, body=None, headers=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers=dict(headers or {}, **({"Content-Type": "application/json"} if body else {})))
    with urllib.request.urlopen(req, timeout=15) as r:
        return r.status, json.loads(r.read())
ident = {k: p[k] for k in ("resident_id", "name", "birth_date")}
token = None
for port in (nj, mas):
    status, out = call(port, "POST", "/v1/patients/$resolve", ident)
    token = out["token"]
for city in ("3201", "3405"):
    call(nj, "POST", "/v1/consents", {"patient": token, "grantee": {"city": city}, "categories": ["lab-report"],
                                      "purposes": ["treatment"], "source": "bench"})
for port in (nj, mas):
    status, out = call(port, "GET", f"/v1/patients/{token}/lab-reports?purpose=treatment",
                       headers={"X-Practitioner": practitioner})
    if status != 200 or not out.get("lab_reports"):
        sys.exit(f"bench: read at {port}: {status} {out}")
print(token)
EOF
}

run_one() {
  local round=$1 name=$2 url=$3 out="$WORK/wrk-$1-$2.txt" rps p50 p99 non2xx
  progress "round $round/$ROUNDS: $name"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_S}s" -H "X-Practitioner: $PRACTITIONER" "$url" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "X-Practitioner: $PRACTITIONER" "$url" >"$out"
  rps="$(wrk_value "$out" rps)"
  p50="$(wrk_value "$out" p50)"
  p99="$(wrk_value "$out" p99)"
  non2xx="$(wrk_value "$out" non2xx)"
  [[ -z $non2xx || $non2xx == 0 ]] || {
    cat "$out" >&2
    die "$name: $non2xx non-2xx answers"
  }
  printf 'round %d %-11s %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms\n' "$round" "$name" "$rps" "$p50" "$p99"
  local -n list="RPS_${name//-/_}"
  list+=("$rps")
}

main() {
  check_environment
  WORK="$(mktemp -d -t metrogw-bench.XXXXXX)"
  chmod 755 "$WORK"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local upstream_port redis_port ports
  read -r upstream_port redis_port < <(free_ports 2)
  read -r -a ports < <(free_ports 9)
  bash deploy/gen-node-certs.sh "$WORK/certs" nanjing wuhu maanshan >"$WORK/certs.log" 2>&1 || die "certificates"
  printf '# bench keys\nt1 %s\n' "$(openssl rand -hex 32)" >"$WORK/person-keys"
  chmod 600 "$WORK/person-keys"
  start_redis "$redis_port"
  start_upstream "$upstream_port"
  start_sims
  "$METROGW_SIM_BIN" residents "$SEED" >"$WORK/residents.jsonl"
  local json
  json="{\"nanjing\": {\"main\": ${ports[0]}, \"federation\": ${ports[1]}, \"admin\": ${ports[2]}, \"platform\": $SIM_PORT_nanjing},"
  json+=" \"wuhu\": {\"main\": ${ports[3]}, \"federation\": ${ports[4]}, \"admin\": ${ports[5]}, \"platform\": $SIM_PORT_wuhu},"
  json+=" \"maanshan\": {\"main\": ${ports[6]}, \"federation\": ${ports[7]}, \"admin\": ${ports[8]}, \"platform\": $SIM_PORT_maanshan}}"
  python3 deploy/demo/federation_configs.py "$WORK/config" "$WORK/certs" --ports "$json" \
    --redis "127.0.0.1:$redis_port" --key-file "$WORK/person-keys" --sharing "$WORK/audit" ||
    die "federation_configs.py failed"
  add_bench_route "$WORK/config/nanjing.yaml" "$upstream_port" || die "could not edit nanjing.yaml"
  local name i=0 admin
  for name in nanjing wuhu maanshan; do
    admin=${ports[$((i * 3 + 2))]}
    start "$name" "$METROGW_BIN" --config "$WORK/config/$name.yaml"
    wait_ready "$name" "$LAST_PID" "http://127.0.0.1:$admin/readyz"
    i=$((i + 1))
  done
  sleep 1  # Redis connections of every worker
  local token
  token="$(prepare "${ports[0]}" "${ports[6]}")" || die "could not prepare the patient and the consents"
  local path="/v1/patients/$token/lab-reports?purpose=treatment"
  printf 'sharing benchmark: wrk -t%d -c%d -d%ds --latency, %d round(s), %d CPU(s)\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$(nproc)"
  RPS_proxy=()
  RPS_read_local=()
  RPS_read_peer=()
  local round
  for ((round = 1; round <= ROUNDS; round++)); do
    run_one "$round" proxy "http://127.0.0.1:${ports[0]}/bench"
    run_one "$round" read-local "http://127.0.0.1:${ports[0]}$path"
    run_one "$round" read-peer "http://127.0.0.1:${ports[6]}$path"
  done
  local audited
  audited="$(cat "$WORK"/audit/nanjing/audit-*.jsonl | grep -c '"decision":"permit"' || true)"
  stop_all
  local proxy local_rps peer
  proxy="$(median "${RPS_proxy[@]}")"
  local_rps="$(median "${RPS_read_local[@]}")"
  peer="$(median "${RPS_read_peer[@]}")"
  printf 'median proxy %.0f req/s, read-local %.0f req/s, read-peer %.0f req/s; %s permit records in the Nanjing audit log\n' \
    "$proxy" "$local_rps" "$peer" "$audited"
  printf 'read/proxy throughput ratio, owning node: %s\n' "$(ratio "$local_rps" "$proxy")"
  printf 'read/proxy throughput ratio, through a peer: %s\n' "$(ratio "$peer" "$proxy")"
}

main "$@"

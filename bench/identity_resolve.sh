#!/usr/bin/env bash
# Whole-system identity benchmark: a warm POST /v1/patients/$resolve against the same node type's plain
# proxy path, in the same run.
#
#   proxy             wrk ─GET /bench───► metrogw "nanjing" (workers: 1) ──► nginx upstream: `return 200`
#                                                                              of a 100-byte JSON
#   resolve-redis     wrk ─POST $resolve─► metrogw "nanjing" ──► redis-server (entry already there);
#                     the same person in every request
#   resolve-redis-128 wrk ─POST $resolve─► metrogw "nanjing" ──► redis-server; 128 people, each
#                     thread cycling through its own 64
#   resolve-memory    wrk ─POST $resolve─► metrogw "nanjing-cached" (workers: 1, identity:
#                     local_cache_ttl_ms: 2000) ──► in-process cache (Redis once per 2 s); same person
#
# Around them runs a complete identity federation as in tests/integration/test_identity.py: node
# certificates (deploy/gen-node-certs.sh), a person-token key file, one redis-server, the three city
# platform simulators (metrogw-sim, --seed 7) and the Wuhu and Ma'anshan nodes, all configured by
# deploy/demo/federation_configs.py. Nanjing's generated config gets log_level: warn, a route /bench
# and a cluster to the nginx upstream (its plain proxy path); "nanjing-cached" is the same node on
# other ports (same Redis database, same key file) with the in-process cache on.
#
# Why two Redis variants: concurrent resolves of the same person share one Redis read (worker
# single-flight), so with one person and 64 connections most requests join a read already in flight.
# resolve-redis-128 makes (nearly) every request read Redis itself. Its 128 people are synthetic
# residents known to no city, resolved once (discovery, "known nowhere"), so their Redis entries are
# negative ones; "nanjing" has identity negative_ttl_ms: 3600000 so they outlive the run.
#
# Before measuring: the proxy path must return exactly the upstream's body; the person is resolved
# once (discovery over the federation, linked in all three cities), then "nanjing" must answer 200
# with "source":"redis", "nanjing-cached" "source":"redis" then "source":"memory"; each of the 128 is
# resolved once and then answered from Redis. After each resolve run (warm-up included), the node's
# counters must show no discovery, no Redis error, and at least one cache hit or single-flight join
# per request wrk counted (a few more: wrk does not count the requests cut off at its end); the
# run's line says how many requests joined a read in flight. Runs alternate proxy, resolve-redis,
# resolve-redis-128, resolve-memory, ... (ROUNDS rounds), each preceded by a 2 s warm-up and driven
# by wrk -t2 -c64. For each run it prints requests/s, p50/p99 latency and the node's CPU time
# (utime + stime from /proc); then medians over the rounds. The last lines are the resolve/proxy
# ratios of the median requests/s. A ratio above 1 is possible: the proxy path is two HTTP exchanges
# (wrk to metrogw, metrogw to nginx) and the upstream nginx runs on the same cores, while a warm
# resolve's back end is one Redis MGET (or none).
#
# Environment: METROGW_BIN (default build/metrogw), METROGW_SIM_BIN (metrogw-sim next to METROGW_BIN),
# DURATION seconds per run (5), ROUNDS (2), KEEP_WORKDIR=1 keeps the temporary directory. If the
# default build/metrogw is missing, it is built (cmake --build build --target metrogw metrogw-sim).
# Everything listens on 127.0.0.1 only, on free ports, under one mktemp -d directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${DURATION:-5}"
ROUNDS="${ROUNDS:-2}"
METROGW_BIN="${METROGW_BIN:-build/metrogw}"
METROGW_SIM_BIN="${METROGW_SIM_BIN:-}"
readonly WARMUP_S=2 THREADS=2 CONNECTIONS=64 UPSTREAM_KEEPALIVE=64 START_TIMEOUT_S=20
readonly SEED=7 LOCAL_CACHE_TTL_MS=2000 NEGATIVE_TTL_MS=3600000 MANY_PEOPLE=128
readonly LUA_SCRIPT="$ROOT/bench/identity_resolve.lua"
# shellcheck disable=SC2016  # a literal $ in the path
readonly RESOLVE_PATH='/v1/patients/$resolve'
# The upstream's answer, 100 bytes; the proxy path must return exactly this.
readonly BODY='{"service":"bench-upstream","status":"ok","data":"0123456789abcdef0123456789abcdef0123456789ab"}'
# name, GB/T 2260 city prefix, platform dialect (as in deploy/demo/federation_configs.py)
readonly CITIES=("nanjing 3201 fhir-r4" "wuhu 3402 hl7v2" "maanshan 3405 hl7v3-cda")

WORK=""
PIDS=()  # every process started here, killed with its children on exit
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# ---------------------------------------------------------------------------------------------
# Set-up.
# ---------------------------------------------------------------------------------------------

check_environment() {
  [[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive number of seconds, got '$DURATION'"
  [[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer, got '$ROUNDS'"
  local tool
  for tool in nginx wrk curl python3 redis-server redis-cli openssl pgrep getconf; do
    command -v "$tool" >/dev/null || die "$tool not found; run deploy/install-deps.sh"
  done
  if [[ $METROGW_BIN == build/metrogw && ! -x $ROOT/build/metrogw && -f $ROOT/build/CMakeCache.txt ]]; then
    progress "build/metrogw is missing: cmake --build build --target metrogw metrogw-sim"
    cmake --build "$ROOT/build" --target metrogw metrogw-sim >&2 || die "the build failed"
  fi
  [[ $METROGW_BIN == /* ]] || METROGW_BIN="$ROOT/$METROGW_BIN"
  [[ -x $METROGW_BIN ]] ||
    die "metrogw binary not found at $METROGW_BIN (cmake --build build --target metrogw, or set METROGW_BIN)"
  [[ -n $METROGW_SIM_BIN ]] || METROGW_SIM_BIN="$(dirname "$METROGW_BIN")/metrogw-sim"
  [[ $METROGW_SIM_BIN == /* ]] || METROGW_SIM_BIN="$ROOT/$METROGW_SIM_BIN"
  [[ -x $METROGW_SIM_BIN ]] ||
    die "metrogw-sim not found at $METROGW_SIM_BIN (cmake --build build --target metrogw-sim, or set METROGW_SIM_BIN)"
  [[ -r $LUA_SCRIPT ]] || die "$LUA_SCRIPT is missing"
}

write_upstream_conf() {
  local port=$1 dir="$WORK/upstream"
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/json;
      return 200 '$BODY';
    }
  }
}
EOF
}

start_upstream() {
  local port=$1 dir="$WORK/upstream"
  write_upstream_conf "$port"
  nginx -t -q -p "$dir/" -c "$dir/nginx.conf" >"$dir/check.log" 2>&1 || {
    cat "$dir/check.log" >&2
    die "nginx rejected $dir/nginx.conf"
  }
  start upstream nginx -p "$dir/" -c "$dir/nginx.conf" -g 'daemon off;'
  wait_ready upstream "$LAST_PID" "http://127.0.0.1:$port/"
}

start_redis() {
  local port=$1 tries=0
  mkdir -p "$WORK/redis"
  start redis redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK/redis"
  local pid=$LAST_PID
  until [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]]; do
    alive "$pid" || {
      show_log "$WORK/redis.log"
      die "redis-server exited during start-up"
    }
    ((tries++ < START_TIMEOUT_S * 10)) || die "redis-server did not answer within ${START_TIMEOUT_S}s"
    sleep 0.1
  done
}

# start_sims: starts the three cities' platform simulators on free ports, then appends each one's
# port (from its ready line) to NODE_PORTS_<name>.
start_sims() {
  local entry name city dialect pids=()
  for entry in "${CITIES[@]}"; do
    read -r name city dialect <<<"$entry"
    start "sim-$name" "$METROGW_SIM_BIN" --dialect "$dialect" --city "$city" --port 0 --seed "$SEED"
    pids+=("$LAST_PID")
  done
  local i=0 port
  for entry in "${CITIES[@]}"; do
    read -r name city dialect <<<"$entry"
    port="$(wait_sim_port "$name" "${pids[i]}")"
    local -n node_ports="NODE_PORTS_$name"
    node_ports+=("$port")
    unset -n node_ports
    i=$((i + 1))
  done
}

# wait_sim_port NAME PID: prints the port of the simulator's ready line once it appears in its log.
wait_sim_port() {
  local name=$1 pid=$2 log="$WORK/sim-$1.log" tries=0 port=""
  until [[ -n $port ]]; do
    port="$(sed -n 's/^{"event":"ready".*"port":\([0-9][0-9]*\).*$/\1/p' "$log" | head -n 1)"
    [[ -n $port ]] && break
    alive "$pid" || {
      show_log "$log"
      die "metrogw-sim for $name exited during start-up"
    }
    ((tries++ < START_TIMEOUT_S * 10)) || die "metrogw-sim for $name printed no ready line within ${START_TIMEOUT_S}s"
    sleep 0.1
  done
  printf '%s\n' "$port"
}

# node_ports_json NAME... : {"nanjing": {"main": P, ...}, ...} from the NODE_PORTS_<name> variables.
node_ports_json() {
  local name sep="" out="{"
  for name in "$@"; do
    local -n ports="NODE_PORTS_$name"
    out+="$sep\"$name\": {\"main\": ${ports[0]}, \"federation\": ${ports[1]}, \"admin\": ${ports[2]},"
    out+=" \"platform\": ${ports[3]}}"
    sep=", "
  done
  printf '%s}\n' "$out"
}

# bench_node_conf FILE UPSTREAM_PORT IDENTITY_SETTING: turns a generated nanjing.yaml into a
# benchmark node: log_level warn, a cluster "bench-upstream" and a prefix route /bench to it, and
# IDENTITY_SETTING ("key: value") in the identity section. Each edit must find its anchor exactly once.
bench_node_conf() {
  python3 - "$1" "$2" "$3" "$UPSTREAM_KEEPALIVE" <<'EOF'
import sys
path, upstream, setting, keepalive = sys.argv[1:5]
with open(path, encoding="utf-8") as f:
    text = f.read()
edits = [
    ("\nlog_level: info\n", "\nlog_level: warn\n"),
    ("\nclusters:\n", "\nclusters:\n  - name: bench-upstream\n"
     f"    hosts: [\"127.0.0.1:{upstream}\"]\n    connect_timeout_ms: 1000\n    request_timeout_ms: 5000\n"
     f"    max_idle_per_host: {keepalive}\n"),
    ("\nroutes:\n", "\nroutes:\n  - { name: bench, path: /bench, match: prefix, cluster: bench-upstream,"
     " listeners: [main] }\n"),
    ("\n  check_digit: reject\n", f"\n  check_digit: reject\n  {setting}\n"),
]
for old, new in edits:
    if text.count(old) != 1:
        sys.exit(f"bench: {path}: expected one {old.strip()!r}, found {text.count(old)}")
    text = text.replace(old, new)
with open(path, "w", encoding="utf-8") as f:
    f.write(text)
EOF
}

# write_configs UPSTREAM_PORT REDIS_PORT: $WORK/config/{nanjing,wuhu,maanshan}.yaml and
# $WORK/config-cached/nanjing.yaml (nanjing on the NODE_PORTS_cached ports, in-process cache on);
# both nanjing configs made benchmark nodes (bench_node_conf).
write_configs() {
  local upstream_port=$1 redis_port=$2 ports_json cached_json
  ports_json="$(node_ports_json nanjing wuhu maanshan)"
  python3 deploy/demo/federation_configs.py "$WORK/config" "$WORK/certs" --ports "$ports_json" \
    --redis "127.0.0.1:$redis_port" --key-file "$WORK/person-keys" || die "federation_configs.py failed"
  NODE_PORTS_nanjing_saved=("${NODE_PORTS_nanjing[@]}")
  NODE_PORTS_nanjing=("${NODE_PORTS_cached[@]}")
  cached_json="$(node_ports_json nanjing wuhu maanshan)"
  NODE_PORTS_nanjing=("${NODE_PORTS_nanjing_saved[@]}")
  python3 deploy/demo/federation_configs.py "$WORK/config-cached" "$WORK/certs" --ports "$cached_json" \
    --redis "127.0.0.1:$redis_port" --key-file "$WORK/person-keys" || die "federation_configs.py failed"
  bench_node_conf "$WORK/config/nanjing.yaml" "$upstream_port" "negative_ttl_ms: $NEGATIVE_TTL_MS" ||
    die "could not edit nanjing.yaml"
  bench_node_conf "$WORK/config-cached/nanjing.yaml" "$upstream_port" "local_cache_ttl_ms: $LOCAL_CACHE_TTL_MS" ||
    die "could not edit the cached nanjing.yaml"
}

# start_node NAME CONFIG ADMIN_PORT: checks the config, starts metrogw, waits for /readyz; sets LAST_PID.
start_node() {
  local name=$1 conf=$2 admin_port=$3
  mkdir -p "$WORK/$name"
  "$METROGW_BIN" --config "$conf" --check >"$WORK/$name/check.log" 2>&1 || {
    cat "$WORK/$name/check.log" >&2
    die "metrogw --check rejected $conf"
  }
  start "$name" "$METROGW_BIN" --config "$conf"
  local pid=$LAST_PID
  wait_ready "$name" "$pid" "http://127.0.0.1:$admin_port/readyz"
  LAST_PID=$pid
}

# verify_proxy URL: the node must answer 200 with exactly the upstream's body.
verify_proxy() {
  local url=$1 out status body
  out="$(curl -sS --max-time 5 -w '\n%{http_code}' "$url" 2>&1)" || die "GET $url failed: $out"
  status="${out##*$'\n'}"
  body="${out%$'\n'*}"
  if [[ $status != 200 || $body != "$BODY" ]]; then
    printf 'bench: expected 200 with body %s\nbench: got %s with body %s\n' "$BODY" "$status" "$body" >&2
    die "the node does not proxy to the upstream correctly ($url)"
  fi
  progress "proxy: GET $url -> 200 with the upstream body"
}

# write_bodies: $WORK/one.json, the resolve request of the first metro resident known to all three
# cities without a conflict (metrogw-sim residents SEED), and $WORK/many.jsonl, MANY_PEOPLE requests
# of synthetic residents (valid check digits, born from 1901-01-01 on) that no simulated platform knows.
write_bodies() {
  "$METROGW_SIM_BIN" residents "$SEED" >"$WORK/residents.jsonl" || die "metrogw-sim residents $SEED failed"
  python3 - "$WORK/residents.jsonl" "$WORK/one.json" "$WORK/many.jsonl" "$MANY_PEOPLE" <<'EOF' ||
import datetime, json, sys
residents, one, many, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(residents, encoding="utf-8") as f:
    people = [json.loads(line) for line in f if line.strip()]
person = next(p for p in people if len(p["cities"]) == 3 and not p["conflict_city"])
with open(one, "w", encoding="utf-8") as f:
    json.dump({k: person[k] for k in ("resident_id", "name", "birth_date")}, f, ensure_ascii=False,
              separators=(",", ":"))
    f.write("\n")
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
with open(many, "w", encoding="utf-8") as f:
    for i in range(count):
        born = datetime.date(1901, 1, 1) + datetime.timedelta(days=i)
        first17 = f"320102{born:%Y%m%d}{i % 1000:03d}"
        check = "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]
        body = {"resident_id": first17 + check, "name": "无名氏", "birth_date": born.isoformat()}
        f.write(json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n")
EOF
    die "no metro resident known to all three cities"
}

# expect_sources NAME PORT SOURCE...: POSTs $WORK/one.json once per SOURCE, back to back (well
# within the in-process cache's TTL); each answer must be 200, the person linked in all three cities
# with no conflict, and come from that SOURCE.
expect_sources() {
  local name=$1 url="http://127.0.0.1:$2$RESOLVE_PATH"
  shift 2
  python3 - "$url" "$WORK/one.json" "$@" <<'EOF' || die "$name: unexpected answer to POST $RESOLVE_PATH"
import json, sys, urllib.error, urllib.request
url, path, expected = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(path, "rb") as f:
    body = f.read().strip()
for want in expected:
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            status, answer = r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        status, answer = e.code, {}
    cities = sorted(c.get("city") for c in answer.get("cities", []))
    got = (status, cities, answer.get("conflicts"), answer.get("source"))
    if got != (200, ["3201", "3402", "3405"], [], want):
        sys.exit("bench: expected 200, linked in 3 cities, no conflict, source %s; got %s, cities %s,"
                 " conflicts %s, source %s" % ((want,) + got))
EOF
  progress "$name: POST $RESOLVE_PATH -> 200, linked in 3 cities, sources: $*"
}

# warm_many PORT: resolves every request of $WORK/many.jsonl, 8 at a time: first each must be 200
# from discovery and known nowhere, then 200 from Redis.
warm_many() {
  python3 - "http://127.0.0.1:$1$RESOLVE_PATH" "$WORK/many.jsonl" <<'EOF' || die "could not warm the $MANY_PEOPLE people"
import concurrent.futures, json, sys, urllib.request
url, path = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    bodies = [line.strip() for line in f if line.strip()]

def resolve(body):
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=15) as r:
        answer = json.loads(r.read())
        return r.status, answer.get("source"), answer.get("cities"), answer.get("conflicts")

with concurrent.futures.ThreadPoolExecutor(8) as pool:
    for expected in ("discovery", "redis"):
        for status, source, cities, conflicts in pool.map(resolve, bodies):
            if (status, source, cities, conflicts) != (200, expected, [], []):
                sys.exit(f"bench: expected 200 from {expected}, known nowhere; got {status} from {source},"
                         f" {len(cities or [])} cities, {len(conflicts or [])} conflicts")
EOF
  progress "nanjing: $MANY_PEOPLE people known nowhere resolved by discovery, then answered from Redis"
}

# ---------------------------------------------------------------------------------------------
# Measurement.
# ---------------------------------------------------------------------------------------------

# metric ADMIN_PORT NAME [LABEL=VALUE...]: sum of the samples of NAME carrying all the given labels.
metric() {
  local port=$1 name=$2
  shift 2
  curl -sS --max-time 5 "http://127.0.0.1:$port/metrics" | awk -v name="$name" -v labels="$*" '
    BEGIN { n = split(labels, want, " ") }
    $1 == name || index($1, name "{") == 1 {
      for (i = 1; i <= n; i++) {
        split(want[i], kv, "=")
        if (index($1, kv[1] "=\"" kv[2] "\"") == 0) next
      }
      sum += $NF
    }
    END { printf "%.0f\n", sum }'
}

# cache_counters ADMIN_PORT: "memory_hits redis_hits joins redis_errors discoveries" of a node,
# where joins are the requests that joined a Redis read (or discovery) already in flight on their
# worker. Warm, every resolve is one of memory hit, Redis hit, join.
cache_counters() {
  printf '%s %s %s %s %s\n' \
    "$(metric "$1" metrogw_identity_cache_total layer=memory result=hit)" \
    "$(metric "$1" metrogw_identity_cache_total layer=redis result=hit)" \
    "$(metric "$1" metrogw_identity_singleflight_joins_total scope=worker)" \
    "$(metric "$1" metrogw_identity_cache_total layer=redis result=error)" \
    "$(metric "$1" metrogw_identity_discoveries_total)"
}

percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }'; }

# check_cache NAME WANT BEFORE AFTER REQUESTS: after a resolve run, the node must have discovered
# nothing, had no Redis error, and counted at least one memory hit, Redis hit or join per request
# wrk counted (REQUESTS, warm-up included; wrk does not count the requests in flight at its end).
# WANT redis: no memory hit; WANT memory: at least 99 % memory hits (the rest are the Redis
# refreshes once per TTL and the requests joining them). Sets JOINED to the joins' percentage.
check_cache() {
  local name=$1 want=$2 requests=$5 b a
  read -r -a b <<<"$3"
  read -r -a a <<<"$4"
  local memory=$((a[0] - b[0])) redis=$((a[1] - b[1])) joins=$((a[2] - b[2])) errors=$((a[3] - b[3]))
  local discoveries=$((a[4] - b[4]))
  JOINED="$(percent "$joins" "$requests")"
  progress "$name: wrk counted $requests requests; the node $memory memory hits, $redis redis hits," \
    "$joins single-flight joins, $errors redis errors, $discoveries discoveries"
  ((discoveries == 0 && errors == 0)) || die "$name: requests left the cache; figures would be meaningless"
  ((memory + redis + joins >= requests)) || die "$name: fewer cache answers than requests"
  if [[ $want == redis ]]; then
    ((memory == 0)) || die "$name: the in-process cache answered; expected Redis only"
  else
    ((memory * 100 >= requests * 99)) || die "$name: under 99 % of the requests were answered from memory"
  fi
}

# run_one ROUND NAME PID PORT ADMIN_PORT [BODY_FILE]: warm-up, measured wrk run, per-run line;
# appends to RPS_<name>, P50_<name>, P99_<name> (dashes in NAME as underscores). With BODY_FILE,
# the run POSTs resolves (bench/identity_resolve.lua) and checks the node's cache counters after.
run_one() {
  local round=$1 name=$2 pid=$3 port=$4 admin_port=$5 body_file=${6:-}
  local url out="$WORK/wrk-$round-$name.txt" warm="$WORK/wrk-$round-$name-warmup.txt" args=() note=""
  local before after cpu_s requests warm_requests rps p50 p99 non2xx errors counters_before counters_after
  if [[ -z $body_file ]]; then
    url="http://127.0.0.1:$port/bench"
  else
    url="http://127.0.0.1:$port$RESOLVE_PATH"
    args=(-s "$LUA_SCRIPT")
    counters_before="$(cache_counters "$admin_port")"
  fi
  progress "round $round/$ROUNDS: $name (${WARMUP_S}s warm-up, ${DURATION}s measured)"
  RESOLVE_BODY_FILE="$body_file" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_S}s" "${args[@]}" "$url" -- "$THREADS" >"$warm"
  before="$(cpu_ticks "$pid")"
  RESOLVE_BODY_FILE="$body_file" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${args[@]}" "$url" -- "$THREADS" >"$out"
  after="$(cpu_ticks "$pid")"
  alive "$pid" || die "the node died during the $name run (see $WORK/*.log)"

  requests="$(wrk_value "$out" requests)"
  warm_requests="$(wrk_value "$warm" requests)"
  rps="$(wrk_value "$out" rps)"
  p50="$(wrk_value "$out" p50)"
  p99="$(wrk_value "$out" p99)"
  errors="$(wrk_value "$out" socket_errors)"
  [[ -n $requests && -n $warm_requests && -n $rps && -n $p99 ]] || {
    cat "$out" "$warm" >&2
    die "could not parse the wrk output above"
  }
  local file
  for file in "$warm" "$out"; do
    non2xx="$(wrk_value "$file" non2xx)"
    if [[ -n $non2xx && $non2xx != 0 ]]; then
      cat "$file" >&2
      die "$name: $non2xx answers with a status other than 2xx/3xx; figures would be meaningless"
    fi
  done
  if [[ -n $body_file ]]; then
    counters_after="$(cache_counters "$admin_port")"
    local want=redis
    [[ $name == *memory* ]] && want=memory
    check_cache "$name" "$want" "$counters_before" "$counters_after" $((requests + warm_requests))
    note="  joined $JOINED %"
  fi
  cpu_s="$(awk -v t=$((after - before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')"
  printf 'round %d %-17s %7.0f req/s  p50 %6.3f ms  p99 %7.3f ms  node cpu %5.2f s  %6.0f req/cpu-s%s%s\n' \
    "$round" "$name" "$rps" "$p50" "$p99" "$cpu_s" \
    "$(awk -v r="$requests" -v c="$cpu_s" 'BEGIN { print (c > 0 ? r / c : 0) }')" \
    "$note" "${errors:+  (socket errors: $errors)}"
  local key="${name//-/_}"
  local -n rps_list="RPS_$key" p50_list="P50_$key" p99_list="P99_$key"
  rps_list+=("$rps")
  p50_list+=("$p50")
  p99_list+=("$p99")
}

# summary NAME: the medians of one kind of run; sets MEDIAN_RPS.
summary() {
  local key="${1//-/_}"
  # shellcheck disable=SC2178  # namerefs to the arrays filled by run_one
  local -n rps_list="RPS_$key" p50_list="P50_$key" p99_list="P99_$key"
  MEDIAN_RPS="$(median "${rps_list[@]}")"
  printf 'median %-17s %7.0f req/s  p50 %6.3f ms  p99 %7.3f ms\n' "$1" "$MEDIAN_RPS" \
    "$(median "${p50_list[@]}")" "$(median "${p99_list[@]}")"
}

main() {
  [[ $# -eq 0 ]] || die "no arguments; set METROGW_BIN, METROGW_SIM_BIN, DURATION, ROUNDS, KEEP_WORKDIR"
  check_environment
  CLK_TCK="$(getconf CLK_TCK)"
  WORK="$(mktemp -d -t metrogw-bench.XXXXXX)"
  chmod 755 "$WORK"  # nginx workers may run as an unprivileged user
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  local upstream_port redis_port
  read -r upstream_port redis_port < <(free_ports 2)
  # main, federation, admin per node; the platform port is appended once its simulator runs.
  local all_ports
  read -r -a all_ports < <(free_ports 12)
  NODE_PORTS_nanjing=("${all_ports[@]:0:3}")
  NODE_PORTS_wuhu=("${all_ports[@]:3:3}")
  NODE_PORTS_maanshan=("${all_ports[@]:6:3}")
  NODE_PORTS_cached=("${all_ports[@]:9:3}")

  progress "certificates, person-token key, redis-server, upstream, platform simulators"
  bash deploy/gen-node-certs.sh "$WORK/certs" nanjing wuhu maanshan >"$WORK/gen-node-certs.log" 2>&1 || {
    show_log "$WORK/gen-node-certs.log"
    die "deploy/gen-node-certs.sh failed"
  }
  (
    umask 077
    printf '# bench keys\nt1 %s\n' "$(openssl rand -hex 32)" >"$WORK/person-keys"
  )
  chmod 600 "$WORK/person-keys"
  start_redis "$redis_port"
  start_upstream "$upstream_port"
  start_sims
  NODE_PORTS_cached+=("${NODE_PORTS_nanjing[3]}")
  write_configs "$upstream_port" "$redis_port"
  write_bodies

  progress "city nodes"
  start_node wuhu "$WORK/config/wuhu.yaml" "${NODE_PORTS_wuhu[2]}"
  start_node maanshan "$WORK/config/maanshan.yaml" "${NODE_PORTS_maanshan[2]}"
  local node_pid cached_pid
  start_node nanjing "$WORK/config/nanjing.yaml" "${NODE_PORTS_nanjing[2]}"
  node_pid=$LAST_PID
  start_node nanjing-cached "$WORK/config-cached/nanjing.yaml" "${NODE_PORTS_cached[2]}"
  cached_pid=$LAST_PID

  local port=${NODE_PORTS_nanjing[0]} admin=${NODE_PORTS_nanjing[2]}
  local cached_port=${NODE_PORTS_cached[0]} cached_admin=${NODE_PORTS_cached[2]}
  verify_proxy "http://127.0.0.1:$port/bench"
  expect_sources nanjing "$port" discovery redis
  expect_sources nanjing-cached "$cached_port" redis memory
  warm_many "$port"

  printf 'identity benchmark: wrk -t%d -c%d -d%ds --latency, %d round(s), %d CPU(s), %s, redis %s\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$(nproc)" \
    "$("$METROGW_BIN" --version 2>/dev/null || echo metrogw)" \
    "$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')"
  local round variant many="resolve-redis-$MANY_PEOPLE"
  for variant in proxy resolve-redis "$many" resolve-memory; do
    declare -g -a "RPS_${variant//-/_}=()" "P50_${variant//-/_}=()" "P99_${variant//-/_}=()"
  done
  for ((round = 1; round <= ROUNDS; round++)); do
    run_one "$round" proxy "$node_pid" "$port" "$admin"
    run_one "$round" resolve-redis "$node_pid" "$port" "$admin" "$WORK/one.json"
    run_one "$round" "$many" "$node_pid" "$port" "$admin" "$WORK/many.jsonl"
    run_one "$round" resolve-memory "$cached_pid" "$cached_port" "$cached_admin" "$WORK/one.json"
  done

  stop_all  # before the summary, so nothing is printed after its last line
  local proxy_rps redis_rps many_rps memory_rps
  summary proxy
  proxy_rps=$MEDIAN_RPS
  summary resolve-redis
  redis_rps=$MEDIAN_RPS
  summary "$many"
  many_rps=$MEDIAN_RPS
  summary resolve-memory
  memory_rps=$MEDIAN_RPS
  printf 'resolve/proxy throughput ratio, redis, one person: %s\n' "$(ratio "$redis_rps" "$proxy_rps")"
  printf 'resolve/proxy throughput ratio, redis, %d people: %s\n' "$MANY_PEOPLE" "$(ratio "$many_rps" "$proxy_rps")"
  printf 'resolve/proxy throughput ratio, in-process cache: %s\n' "$(ratio "$memory_rps" "$proxy_rps")"
}

main "$@"

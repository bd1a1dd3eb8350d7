#!/usr/bin/env bash
# Booking rush benchmark: booking attempts per second through HTTP against the raw throughput of the
# same Redis script (the pool's book script) via redis-benchmark, in the same run, on the same Redis.
#
#   http  wrk ─POST /v1/appointments─► metrogw "nanjing" (workers: 1, booking:) ──► redis-server
#         every request a distinct booking: a random slot among SLOTS, a fresh person token, a fresh
#         Idempotency-Key (bench/booking_rush.lua)
#   raw   redis-benchmark ─EVALSHA <book script> ...─► the same redis-server, the arguments the node
#         sent for a booking (captured with MONITOR), with slot, patient and Idempotency-Key record
#         made random by __rand_int__ (-r SLOTS)
#
# The Redis is the pool's as deployed: deploy/redis/pool.conf (AOF, appendfsync always, noeviction),
# its data dir under the work directory. SLOTS slots (default 100000) are seeded straight into Redis in
# the pool's layout (P pool:slot:3201.bench<12 digits>, one doctor each, capacity 1000000, tomorrow
# 09:00 China time, inside the public window) so that every attempt is a booking that succeeds: the
# script's most expensive path (appointment hash, patient day, delivery stream entry, monthly stats,
# idempotency record). The node's platform port is closed: the delivery consumer's attempts fail and
# back off (at most delivery max_held entries read), so the figure is the booking path's.
#
# Before measuring: one booking through HTTP must answer 201 and the node must have sent it as one
# EVALSHA (captured); the same EVALSHA with fresh values must answer "ok" 201 from redis-cli. After
# each HTTP run, wrk must count no non-2xx answer. redis-benchmark draws slot, patient and key from
# the same keyspace (-r SLOTS), so some of its requests repeat an Idempotency-Key and get the stored
# answer (cheaper): with -n RAW_REQUESTS (default 20000) and SLOTS 100000 about 10 %; that flatters the
# raw figure, so the ratio is conservative.
#
# Runs alternate http, raw (ROUNDS rounds; http with a 2 s warm-up, wrk -t2 -c64 -dDURATION;
# raw with redis-benchmark -c64 -n RAW_REQUESTS); the last lines are the medians and the ratio
# http/raw (goal >= 0.5).
#
# Environment: METROGW_BIN (default build/metrogw), DURATION seconds per HTTP run (5), ROUNDS (2),
# SLOTS (100000), RAW_REQUESTS (20000), KEEP_WORKDIR=1 keeps the temporary directory.
# Everything listens on 127.0.0.1 only, on free ports, under one mktemp -d directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${DURATION:-5}"
ROUNDS="${ROUNDS:-2}"
SLOTS="${SLOTS:-100000}"
RAW_REQUESTS="${RAW_REQUESTS:-20000}"
METROGW_BIN="${METROGW_BIN:-build/metrogw}"
readonly WARMUP_S=2 THREADS=2 CONNECTIONS=64 START_TIMEOUT_S=20
readonly LUA_SCRIPT="$ROOT/bench/booking_rush.lua" POOL_CONF="$ROOT/deploy/redis/pool.conf"
readonly PREFIX="mgw:" BOOK_PATH="/v1/appointments"

WORK=""
PIDS=()
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

check_environment() {
  [[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive number of seconds, got '$DURATION'"
  [[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer, got '$ROUNDS'"
  [[ $SLOTS =~ ^[1-9][0-9]*$ ]] || die "SLOTS must be a positive integer, got '$SLOTS'"
  [[ $RAW_REQUESTS =~ ^[1-9][0-9]*$ ]] || die "RAW_REQUESTS must be a positive integer, got '$RAW_REQUESTS'"
  local tool
  for tool in wrk curl python3 redis-server redis-cli redis-benchmark openssl pgrep; do
    command -v "$tool" >/dev/null || die "$tool not found; run deploy/install-deps.sh"
  done
  [[ $METROGW_BIN == /* ]] || METROGW_BIN="$ROOT/$METROGW_BIN"
  [[ -x $METROGW_BIN ]] || die "metrogw binary not found at $METROGW_BIN (cmake --build build --target metrogw)"
  [[ -r $LUA_SCRIPT && -r $POOL_CONF ]] || die "$LUA_SCRIPT or $POOL_CONF is missing"
}

rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

start_redis() {
  local tries=0
  mkdir -p "$WORK/redis"
  start redis redis-server "$POOL_CONF" --port "$REDIS_PORT" --dir "$WORK/redis"
  local pid=$LAST_PID
  until [[ "$(rcli ping 2>/dev/null)" == PONG ]]; do
    alive "$pid" || {
      show_log "$WORK/redis.log"
      die "redis-server exited during start-up"
    }
    ((tries++ < START_TIMEOUT_S * 10)) || die "redis-server did not answer within ${START_TIMEOUT_S}s"
    sleep 0.1
  done
  REDIS_PID=$pid
}

# seed_slots: SLOTS slot hashes in the pool's layout, through redis-cli --pipe.
seed_slots() {
  python3 - "$SLOTS" "$PREFIX" <<'EOF' | rcli --pipe >"$WORK/seed.log" || die "seeding the slots failed"
import datetime, sys, time
count, prefix = int(sys.argv[1]), sys.argv[2]
china = datetime.timezone(datetime.timedelta(hours=8))
day = (datetime.datetime.now(china) + datetime.timedelta(days=1)).date()
start = datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=china)
start_ms, now_ms = int(start.timestamp() * 1000), int(time.time() * 1000)
out = sys.stdout.buffer
def cmd(*args):
    out.write(b"*%d\r\n" % len(args))
    for a in args:
        b = str(a).encode()
        out.write(b"$%d\r\n%s\r\n" % (len(b), b))
for i in range(count):
    sid = "3201.bench%012d" % i
    cmd("HSET", prefix + "pool:slot:" + sid, "city", "3201", "platform_id", "bench%012d" % i,
        "hospital", "bench-hospital", "department", "bench-dept", "doctor", "bench-doc-%d" % i,
        "start", start.isoformat(), "end", (start + datetime.timedelta(minutes=30)).isoformat(),
        "start_ms", start_ms, "capacity", 1000000, "reserved", 0, "booked", 0, "booked_family", 0,
        "status", "free", "updated_ms", now_ms)
EOF
  grep -q "errors: 0" "$WORK/seed.log" || {
    cat "$WORK/seed.log" >&2
    die "redis-cli --pipe reported errors while seeding"
  }
  progress "seeded $SLOTS slots (capacity 1000000 each)"
}

write_config() {
  local ports_json
  ports_json="$(printf '{"nanjing": {"main": %s, "federation": %s, "admin": %s, "platform": %s},' \
    "$MAIN_PORT" "$FED_PORT" "$ADMIN_PORT" "$PLATFORM_PORT")"
  # shellcheck disable=SC2086  # four ports each
  ports_json+="$(printf ' "wuhu": {"main": %s, "federation": %s, "admin": %s, "platform": %s},' $OTHER_PORTS_A)"
  # shellcheck disable=SC2086
  ports_json+="$(printf ' "maanshan": {"main": %s, "federation": %s, "admin": %s, "platform": %s}}' $OTHER_PORTS_B)"
  bash deploy/gen-node-certs.sh "$WORK/certs" nanjing wuhu maanshan >"$WORK/gen-node-certs.log" 2>&1 ||
    die "deploy/gen-node-certs.sh failed"
  (
    umask 077
    printf '# bench keys\nt1 %s\n' "$(openssl rand -hex 32)" >"$WORK/person-keys"
  )
  python3 deploy/demo/federation_configs.py "$WORK/config" "$WORK/certs" --ports "$ports_json" \
    --redis "127.0.0.1:$REDIS_PORT" --key-file "$WORK/person-keys" --booking || die "federation_configs.py failed"
  python3 - "$WORK/config/nanjing.yaml" <<'EOF' || die "could not edit nanjing.yaml"
import sys
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    text = f.read()
if text.count("\nlog_level: info\n") != 1:
    sys.exit("bench: expected one 'log_level: info'")
text = text.replace("\nlog_level: info\n", "\nlog_level: warn\n")
with open(path, "w", encoding="utf-8") as f:
    f.write(text)
EOF
}

# metric ADMIN_PORT NAME: sum of the samples of NAME.
metric() {
  curl -sS --max-time 5 "http://127.0.0.1:$1/metrics" |
    awk -v name="$2" '$1 == name || index($1, name "{") == 1 { sum += $NF } END { printf "%.0f\n", sum }'
}

start_node() {
  mkdir -p "$WORK/nanjing"
  "$METROGW_BIN" --config "$WORK/config/nanjing.yaml" --check >"$WORK/nanjing/check.log" 2>&1 || {
    cat "$WORK/nanjing/check.log" >&2
    die "metrogw --check rejected the config"
  }
  start nanjing "$METROGW_BIN" --config "$WORK/config/nanjing.yaml"
  NODE_PID=$LAST_PID
  wait_ready nanjing "$NODE_PID" "http://127.0.0.1:$ADMIN_PORT/readyz"
  local tries=0
  until [[ "$(metric "$ADMIN_PORT" metrogw_redis_connected)" -ge 1 ]]; do
    ((tries++ < START_TIMEOUT_S * 10)) || die "the node did not connect to Redis"
    sleep 0.1
  done
}

# capture_book: one booking through HTTP (must be 201) while MONITOR records the EVALSHA it caused;
# RAW_ARGS becomes that command with slot, patient and idempotency record made random (__rand_int__).
capture_book() {
  rcli monitor >"$WORK/monitor.log" 2>&1 &
  local monitor=$! status patient
  sleep 0.3
  patient="t1.$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n')"
  status="$(curl -sS --max-time 5 -o "$WORK/first-booking.json" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' -H "Idempotency-Key: bench-first-$$" \
    --data "{\"slot\":\"3201.bench000000000000\",\"patient\":\"$patient\"}" \
    "http://127.0.0.1:$MAIN_PORT$BOOK_PATH")" || true
  sleep 0.3
  kill "$monitor" 2>/dev/null || true
  wait "$monitor" 2>/dev/null || true
  [[ $status == 201 ]] || {
    cat "$WORK/first-booking.json" >&2
    die "POST $BOOK_PATH answered $status, expected 201"
  }
  python3 - "$WORK/monitor.log" "$WORK/raw-args" <<'EOF' || die "no booking EVALSHA in the MONITOR output"
import re, sys
log, out = sys.argv[1:3]
token = re.compile(r'"((?:[^"\\]|\\.)*)"')
escapes = {"n": "\n", "r": "\r", "t": "\t", "a": "\a", "b": "\b"}
def unquote(s):
    return re.sub(r'\\(x[0-9a-fA-F]{2}|.)',
                  lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) == 3 and m.group(1)[0] == "x"
                  else escapes.get(m.group(1), m.group(1)), s)
for line in open(log, encoding="utf-8", errors="replace"):
    args = [unquote(t) for t in token.findall(line)]
    # EVALSHA sha numkeys ARGV...: ARGV[3] idempotency record, ARGV[6] slot, ARGV[7] patient.
    if len(args) >= 17 and args[0].upper() in ("EVALSHA", "EVAL") and args[8] == "3201.bench000000000000":
        break
else:
    sys.exit(1)
if args[0].upper() != "EVALSHA":
    sys.exit("bench: the node sent EVAL, expected EVALSHA")
argv = args[3:]
argv[2] = argv[2].rsplit(":", 1)[0] + ":raw-__rand_int__"
argv[5] = "3201.bench__rand_int__"
argv[6] = "t1.raw-__rand_int__"
with open(out, "w", encoding="utf-8") as f:
    for a in args[:3] + argv:
        if "\n" in a or "\0" in a:
            sys.exit("bench: an argument holds a newline")
        f.write(a + "\n")
EOF
  mapfile -t RAW_ARGS <"$WORK/raw-args"
  local check
  check="$(rcli "${RAW_ARGS[@]//__rand_int__/000000000001}" | head -n 2 | tr '\n' ' ')"
  [[ $check == "ok 201 "* ]] || die "the captured EVALSHA does not book from redis-cli: $check"
  progress "captured the book script (sha ${RAW_ARGS[1]}); it books from redis-cli too"
}

run_http() {
  local round=$1 out="$WORK/wrk-$round.txt" warm="$WORK/wrk-$round-warmup.txt"
  local url="http://127.0.0.1:$MAIN_PORT$BOOK_PATH"
  progress "round $round/$ROUNDS: http (${WARMUP_S}s warm-up, ${DURATION}s measured)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_S}s" -s "$LUA_SCRIPT" "$url" -- "$SLOTS" >"$warm"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA_SCRIPT" "$url" -- "$SLOTS" >"$out"
  alive "$NODE_PID" || die "the node died during the run"
  local file non2xx
  for file in "$warm" "$out"; do
    non2xx="$(wrk_value "$file" non2xx)"
    if [[ -n $non2xx && $non2xx != 0 ]]; then
      cat "$file" >&2
      curl -sS --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" |
        grep -E '^metrogw_(booking_requests_total|http_responses_total|http_requests_total|redis_)' | grep -v ' 0$' >&2 || true
      die "http: $non2xx answers other than 2xx; figures would be meaningless"
    fi
  done
  local rps p50 p99
  rps="$(wrk_value "$out" rps)"
  p50="$(wrk_value "$out" p50)"
  p99="$(wrk_value "$out" p99)"
  [[ -n $rps && -n $p99 ]] || die "could not parse $out"
  printf 'round %d http  %8.0f bookings/s  p50 %7.3f ms  p99 %7.3f ms\n' "$round" "$rps" "$p50" "$p99"
  HTTP_RPS+=("$rps")
}

run_raw() {
  local round=$1 out="$WORK/raw-$round.csv"
  progress "round $round/$ROUNDS: raw (redis-benchmark -c$CONNECTIONS -n$RAW_REQUESTS -r$SLOTS EVALSHA)"
  redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c "$CONNECTIONS" -n "$RAW_REQUESTS" -r "$SLOTS" --csv \
    "${RAW_ARGS[@]}" >"$out" 2>"$WORK/raw-$round.err" || {
    cat "$WORK/raw-$round.err" >&2
    die "redis-benchmark failed"
  }
  local rps p50 p99
  # The test name (the whole command) holds quotes and commas: take the last seven fields.
  read -r rps p50 p99 < <(awk -F'","' 'NR == 2 { r = $(NF-6); p = $(NF-3); q = $(NF-1); gsub(/"/, "", r); print r, p, q }' "$out")
  [[ -n $rps ]] || die "could not parse $out"
  printf 'round %d raw   %8.0f scripts/s   p50 %7.3f ms  p99 %7.3f ms\n' "$round" "$rps" "$p50" "$p99"
  RAW_RPS+=("$rps")
}

main() {
  [[ $# -eq 0 ]] || die "no arguments; set METROGW_BIN, DURATION, ROUNDS, SLOTS, RAW_REQUESTS, KEEP_WORKDIR"
  check_environment
  WORK="$(mktemp -d -t metrogw-bench.XXXXXX)"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local ports
  read -r -a ports < <(free_ports 13)
  REDIS_PORT=${ports[0]} MAIN_PORT=${ports[1]} FED_PORT=${ports[2]} ADMIN_PORT=${ports[3]}
  PLATFORM_PORT=${ports[4]}
  OTHER_PORTS_A="${ports[*]:5:4}"
  OTHER_PORTS_B="${ports[*]:9:4}"

  progress "redis-server (deploy/redis/pool.conf), slots, certificates, config, node"
  start_redis
  seed_slots
  write_config
  start_node
  capture_book

  printf 'booking rush benchmark: wrk -t%d -c%d -d%ds vs redis-benchmark -c%d -n%d, %d slots, %d round(s), %d CPU(s), %s, redis %s, pool.conf (appendfsync always)\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$CONNECTIONS" "$RAW_REQUESTS" "$SLOTS" "$ROUNDS" "$(nproc)" \
    "$("$METROGW_BIN" --version 2>/dev/null || echo metrogw)" \
    "$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')"
  HTTP_RPS=()
  RAW_RPS=()
  local round
  for ((round = 1; round <= ROUNDS; round++)); do
    run_http "$round"
    run_raw "$round"
  done
  local appointments
  appointments="$(rcli eval "return #redis.call('KEYS', ARGV[1])" 0 "${PREFIX}pool:appt:*")"
  stop_all
  local http raw
  http="$(median "${HTTP_RPS[@]}")"
  raw="$(median "${RAW_RPS[@]}")"
  printf 'appointments in the pool after the run: %s\n' "$appointments"
  printf 'median http %8.0f bookings/s\n' "$http"
  printf 'median raw  %8.0f scripts/s\n' "$raw"
  printf 'http/raw throughput ratio: %s (goal >= 0.5)\n' "$(ratio "$http" "$raw")"
}

main "$@"

#!/usr/bin/env bash
# Builds metrogw and runs the default deployment on loopback: a three-city federation.
#
#   Nanjing   node :8201 (federation mTLS :8301, admin :9201) ── FHIR R4 simulator  :7201
#   Wuhu      node :8202 (federation mTLS :8302, admin :9202) ── HL7 v2 simulator   :7202 (MLLP)
#   Ma'anshan node :8203 (federation mTLS :8303, admin :9203) ── HL7 v3 simulator   :7203
#   redis-server :6390 (deploy/redis/pool.conf: identity cache, pools, consent ledgers; AOF, fsync always)
#
# then runs the scenario (deploy/demo/scenario.py): a Wuhu doctor searches Nanjing orthopaedics
# slots through the Wuhu node and sees all three cities' hospitals in one directory search.
# Certificates (deploy/gen-node-certs.sh), configs (deploy/demo/federation_configs.py), pidfiles and
# logs are in build/quickstart/.
#
#   deploy/quickstart.sh          install dependencies, build, (re)start the demo, run the scenario
#   deploy/quickstart.sh --once   same, then stop everything; exit 0 only if the scenario passed
#   deploy/quickstart.sh --single one node with the embedded default config in front of a demo upstream
#   deploy/quickstart.sh --stop   stop whatever a previous run started
#
# Running it again stops the previous demo first, so it is safe to repeat.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

readonly BUILD_DIR="$ROOT/build"
# METROGW_QUICKSTART_DIR moves the state (pidfiles, logs, configs, certificates) elsewhere: the
# console's browser test runs its own quickstart deployment without touching a demo in build/.
readonly STATE_DIR="${METROGW_QUICKSTART_DIR:-$BUILD_DIR/quickstart}"
# With --no-build, METROGW_BIN and METROGW_SIM_BIN may name binaries of another build (sanitizers).
readonly BIN_FROM_ENV="${METROGW_BIN:-}" SIM_FROM_ENV="${METROGW_SIM_BIN:-}"
METROGW_BIN="$BUILD_DIR/metrogw"
SIM_BIN="$BUILD_DIR/metrogw-sim"
readonly REDIS_PORT=6390
# name, GB/T 2260 city, platform dialect, node main port, admin port, platform (simulator) port
readonly CITIES=("nanjing 3201 fhir-r4 8201 9201 7201" "wuhu 3402 hl7v2 8202 9202 7202"
  "maanshan 3405 hl7v3-cda 8203 9203 7203")
readonly FEDERATION_PORTS=(8301 8302 8303)
readonly UPSTREAM_SCRIPT="$ROOT/deploy/demo/upstream.py"
# Ports of the embedded default configuration.
readonly LISTEN_PORT=8080
readonly ADMIN_PORT=9901
readonly UPSTREAM_PORT=8081
readonly READY_TIMEOUT_S=20
readonly STOP_TIMEOUT_S=20  # longer than the default drain_timeout (15 s)

log() { printf 'quickstart: %s\n' "$*"; }
warn() { printf 'quickstart: warning: %s\n' "$*" >&2; }
die() {
  printf 'quickstart: error: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<EOF
Usage: deploy/quickstart.sh [--no-build] [--once | --single | --stop | --help]

Without options: installs the Debian packages (deploy/install-deps.sh), builds build/metrogw and
build/metrogw-sim, starts redis-server, three city platform simulators and three city nodes
(Nanjing FHIR R4, Wuhu HL7 v2, Ma'anshan HL7 v3) on loopback, runs the scenario and leaves
everything running.

  --once    run the scenario, then stop everything; exit 0 only if the scenario passed
  --single  instead: one node with the embedded default configuration (listener
            127.0.0.1:$LISTEN_PORT, admin 127.0.0.1:$ADMIN_PORT) in front of a demo upstream
  --stop    stop the processes started by a previous run (pidfiles in ${STATE_DIR#"$ROOT"/})
  --no-build  skip installing and building: use the binaries already built (or those named by
            METROGW_BIN and METROGW_SIM_BIN); for tests that run the quickstart deployment
  --help    show this text

Environment: METROGW_QUICKSTART_DIR puts pidfiles, logs, configs and certificates elsewhere than
${STATE_DIR#"$ROOT"/}/.
EOF
}

# ---------------------------------------------------------------------------------------------
# Processes. Each service NAME has $STATE_DIR/NAME.pid, NAME.log (stderr) and NAME.out (stdout).
# ---------------------------------------------------------------------------------------------

pidfile() { printf '%s/%s.pid' "$STATE_DIR" "$1"; }

# Start time of PID in clock ticks since boot (/proc/PID/stat field 22); with the pid it identifies
# one process, so a recycled pid is never signalled.
start_ticks() {
  local stat fields
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  read -r -a fields <<<"${stat##*) }"  # fields[0] is field 3
  printf '%s\n' "${fields[19]}"
}

# Prints the pid of service NAME if the process its pidfile names is still the one started here.
service_pid() {
  local file pid
  file="$(pidfile "$1")"
  [[ -f $file && -f $STATE_DIR/$1.start ]] || return 1
  pid="$(<"$file")"
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ "$(start_ticks "$pid")" == "$(<"$STATE_DIR/$1.start")" ]] || return 1
  [[ "$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || return 1
  printf '%s\n' "$pid"
}

# start_service NAME COMMAND [ARGS...]: runs COMMAND in the background, detached from stdin and
# SIGHUP of this terminal, and records its pid and start time.
start_service() {
  local name=$1 pid
  shift
  mkdir -p "$STATE_DIR"
  nohup "$@" </dev/null >"$STATE_DIR/$name.out" 2>"$STATE_DIR/$name.log" &
  pid=$!
  printf '%s\n' "$pid" >"$(pidfile "$name")"
  start_ticks "$pid" >"$STATE_DIR/$name.start" || true
}

# stop_service NAME: SIGTERM, then SIGKILL after STOP_TIMEOUT_S; removes the pidfile.
stop_service() {
  local name=$1 pid waited=0
  if pid="$(service_pid "$name")"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    while service_pid "$name" >/dev/null; do
      if ((waited >= STOP_TIMEOUT_S * 10)); then
        warn "$name (pid $pid) did not exit within ${STOP_TIMEOUT_S}s of SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.1
      waited=$((waited + 1))
    done
  fi
  rm -f "$(pidfile "$name")" "$STATE_DIR/$name.start"
}

# Stops every service with a pidfile: gateway nodes first (they drain against live upstreams).
stop_all() {
  local pass file name kind stopped=0
  [[ -d $STATE_DIR ]] || return 0
  for pass in gateway other; do
    for file in "$STATE_DIR"/*.pid; do
      [[ -e $file ]] || continue
      name="$(basename "$file" .pid)"
      kind=other
      [[ $name == metrogw* ]] && kind=gateway
      [[ $kind == "$pass" ]] || continue
      stop_service "$name"
      stopped=$((stopped + 1))
    done
  done
  ((stopped > 0)) || log "nothing to stop"
}

show_log_tail() {
  local name=$1 lines=${2:-25} file="$STATE_DIR/$1.log"
  if [[ -s $file ]]; then
    printf -- '--- last %d lines of %s ---\n' "$lines" "${file#"$ROOT"/}" >&2
    tail -n "$lines" "$file" >&2
    printf -- '---\n' >&2
  else
    printf 'quickstart: (%s is empty)\n' "${file#"$ROOT"/}" >&2
  fi
}

# ---------------------------------------------------------------------------------------------
# Ports and readiness.
# ---------------------------------------------------------------------------------------------

# True when something already holds 127.0.0.1:PORT (a bind attempt fails).
port_busy() {
  ! python3 - "$1" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.close()
EOF
}

check_ports_free() {
  local port busy=()
  for port in "$@"; do
    if port_busy "$port"; then busy+=("$port"); fi
  done
  ((${#busy[@]} == 0)) && return 0
  for port in "${busy[@]}"; do
    printf 'quickstart: error: port %s on 127.0.0.1 is already in use\n' "$port" >&2
    if command -v ss >/dev/null; then ss -Hltnp "sport = :$port" >&2 || true; fi
  done
  die "the demo needs ports $(IFS=,; printf '%s' "$*") on 127.0.0.1 free;" \
    "stop what holds them (deploy/quickstart.sh --stop if it is an earlier demo) and run again"
}

# wait_http_ok NAME URL TIMEOUT_S: polls URL until it answers 2xx; fails early if NAME exits.
wait_http_ok() {
  local name=$1 url=$2 timeout_s=$3 tries=0
  until curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; do
    if ! service_pid "$name" >/dev/null; then
      printf 'quickstart: error: %s exited during start-up\n' "$name" >&2
      return 1
    fi
    if ((tries >= timeout_s * 5)); then
      printf 'quickstart: error: %s did not answer %s within %ss\n' "$name" "$url" "$timeout_s" >&2
      return 1
    fi
    sleep 0.2
    tries=$((tries + 1))
  done
}

# ---------------------------------------------------------------------------------------------
# Steps.
# ---------------------------------------------------------------------------------------------

install_deps() {
  log "checking Debian packages (deploy/install-deps.sh)"
  "$ROOT/deploy/install-deps.sh"
  local tool
  for tool in cmake curl python3; do
    command -v "$tool" >/dev/null || die "$tool not found after deploy/install-deps.sh"
  done
}

build_gateway() {
  log "building metrogw and metrogw-sim (RelWithDebInfo) in ${BUILD_DIR#"$ROOT"/}/"
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target metrogw metrogw-sim
  [[ -x $METROGW_BIN ]] || die "build finished but $METROGW_BIN is missing"
  [[ -x $SIM_BIN ]] || die "build finished but $SIM_BIN is missing"
}

# start_upstream NAME PORT SERVICE_NAME
start_upstream() {
  local name=$1 port=$2 service=$3
  log "starting $name ($service) on 127.0.0.1:$port"
  start_service "$name" python3 "$UPSTREAM_SCRIPT" --host 127.0.0.1 --port "$port" --service "$service"
  if ! wait_http_ok "$name" "http://127.0.0.1:$port/" 10; then
    show_log_tail "$name"
    stop_all
    die "the demo upstream did not start"
  fi
}

# start_node NAME ADMIN_PORT [CONFIG_FILE]: without CONFIG_FILE the embedded default is used.
# stdout (the access log) goes to NAME.out, stderr (JSON logs) to NAME.log.
start_node() {
  local name=$1 admin_port=$2 config=${3:-}
  local args=()
  if [[ -n $config ]]; then
    "$METROGW_BIN" --config "$config" --check || die "$config does not validate"
    args=(--config "$config")
    log "starting $name with $config"
  else
    log "starting $name with the embedded default configuration"
  fi
  start_service "$name" "$METROGW_BIN" "${args[@]}"
  if ! wait_http_ok "$name" "http://127.0.0.1:$admin_port/readyz" "$READY_TIMEOUT_S"; then
    show_log_tail "$name" 40
    stop_all
    die "$name did not become ready (GET http://127.0.0.1:$admin_port/readyz); its log is above"
  fi
  log "$name is ready (admin 127.0.0.1:$admin_port)"
}

# demo_request NAME URL: one request through the node; prints the status line, X-Request-Id and body.
demo_request() {
  local name=$1 url=$2 response headers body status_line request_id
  printf '\n$ curl -si %s\n' "$url"
  if ! response="$(curl -sS -i --max-time 10 "$url")"; then
    show_log_tail "$name"
    die "the request through $name failed (the node keeps running; deploy/quickstart.sh --stop ends it)"
  fi
  headers="${response%%$'\r\n\r\n'*}"
  body="${response#*$'\r\n\r\n'}"
  status_line="$(head -n 1 <<<"$headers" | tr -d '\r')"
  request_id="$(grep -i '^x-request-id:' <<<"$headers" | tr -d '\r' || true)"
  printf '%s\n' "$status_line"
  if [[ -n $request_id ]]; then
    printf '%s\n' "$request_id"
  else
    warn "the response carries no X-Request-Id header"
  fi
  printf '\n%s\n' "$body"
  if [[ $status_line != "HTTP/1.1 200"* ]]; then
    show_log_tail "$name"
    die "expected 200 from $url, got '$status_line'" \
      "(the node keeps running; deploy/quickstart.sh --stop ends it)"
  fi
}

show_metrics() {
  local admin_port=$1 metrics lines
  printf '\n$ curl -s http://127.0.0.1:%s/metrics | grep -E "^metrogw_(http|upstream)_requests_total" | grep -v " 0$"\n' "$admin_port"
  if ! metrics="$(curl -fsS --max-time 5 "http://127.0.0.1:$admin_port/metrics")"; then
    warn "GET /metrics on 127.0.0.1:$admin_port failed"
    return 0
  fi
  lines="$(grep -E '^metrogw_(http|upstream)_requests_total' <<<"$metrics" | grep -v ' 0$' | head -n 8 || true)"
  if [[ -n $lines ]]; then
    printf '%s\n' "$lines"
  else
    warn "/metrics has no metrogw_http_requests_total series yet"
  fi
}

print_next_steps() {
  cat <<EOF

The demo is running:
  gateway   http://127.0.0.1:$LISTEN_PORT/       (pid $(service_pid metrogw || echo '?'))
  admin     http://127.0.0.1:$ADMIN_PORT/healthz /readyz /metrics
  upstream  http://127.0.0.1:$UPSTREAM_PORT/       (pid $(service_pid upstream || echo '?'))
  logs      ${STATE_DIR#"$ROOT"/}/metrogw.log (JSON), metrogw.out (access log), upstream.log
  config    ${METROGW_BIN#"$ROOT"/} --print-default-config

Run on a config file:     build/metrogw --config deploy/config/local.yaml   (SIGHUP then reloads it)
Stop everything:          deploy/quickstart.sh --stop
EOF
}

# wait_line NAME PATTERN TIMEOUT_S: waits until NAME's stdout has a line matching PATTERN.
wait_line() {
  local name=$1 pattern=$2 timeout_s=$3 tries=0
  until grep -q "$pattern" "$STATE_DIR/$name.out" 2>/dev/null; do
    if ! service_pid "$name" >/dev/null || ((tries >= timeout_s * 10)); then
      printf 'quickstart: error: %s did not become ready\n' "$name" >&2
      return 1
    fi
    sleep 0.1
    tries=$((tries + 1))
  done
}

start_redis() {
  log "starting redis-server on 127.0.0.1:$REDIS_PORT (deploy/redis/pool.conf: AOF, appendfsync always)"
  rm -rf "$STATE_DIR/redis"  # every demo starts empty (its person-token key is fresh too)
  mkdir -p "$STATE_DIR/redis"
  start_service redis redis-server "$ROOT/deploy/redis/pool.conf" --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$STATE_DIR/redis"
  local tries=0
  until redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do
    if ((tries >= 50)); then
      show_log_tail redis
      stop_all
      die "redis-server did not start"
    fi
    sleep 0.1
    tries=$((tries + 1))
  done
}

start_federation() {
  local certs="$STATE_DIR/certs" configs="$STATE_DIR/config" entry name city dialect admin platform
  log "generating node certificates in ${certs#"$ROOT"/}/ and configs in ${configs#"$ROOT"/}/"
  "$ROOT/deploy/gen-node-certs.sh" "$certs" nanjing wuhu maanshan
  # The person-token key the three nodes share (identity/token.h): a fresh one per demo.
  (umask 077 && printf 'k%s %s\n' "$(date +%Y%m)" "$(openssl rand -hex 32)" >"$STATE_DIR/person-token.keys")
  python3 "$ROOT/deploy/demo/federation_configs.py" "$configs" "$certs" \
    --redis "127.0.0.1:$REDIS_PORT" --key-file "$STATE_DIR/person-token.keys" \
    --sharing "$STATE_DIR/audit" --booking
  for entry in "${CITIES[@]}"; do
    read -r name city dialect _ admin platform <<<"$entry"
    log "starting the $name platform simulator ($dialect, city $city) on 127.0.0.1:$platform"
    start_service "sim-$name" "$SIM_BIN" --dialect "$dialect" --city "$city" --port "$platform"
    if ! wait_line "sim-$name" '"event":"ready"' 20; then
      show_log_tail "sim-$name"
      stop_all
      die "the $name simulator did not start"
    fi
  done
  for entry in "${CITIES[@]}"; do
    read -r name _ _ _ admin _ <<<"$entry"
    start_node "metrogw-$name" "$admin" "$configs/$name.yaml"
  done
}

print_federation() {
  cat <<EOF

The federation is running (stop it with deploy/quickstart.sh --stop):
  Nanjing   node http://127.0.0.1:8201/v1/slots?department=04.03   admin http://127.0.0.1:9201/metrics
  Wuhu      node http://127.0.0.1:8202/v1/hospitals                admin http://127.0.0.1:9202/metrics
            POST http://127.0.0.1:8202/v1/patients/\$resolve  (metro residents: $SIM_BIN residents)
  Ma'anshan node http://127.0.0.1:8203/v1/slots?department=04.03   admin http://127.0.0.1:9203/metrics
  doctor console            http://127.0.0.1:8203/console/ (every node; Ma'anshan's callers are family doctors)
  API contract (OpenAPI 3.1) http://127.0.0.1:8201/v1/openapi.yaml (every node)
  platform simulators 127.0.0.1:7201 (FHIR R4, /fhir), 127.0.0.1:7202 (HL7 v2, MLLP), 127.0.0.1:7203 (HL7 v3, /hip)
  redis 127.0.0.1:$REDIS_PORT (identity cache, appointment pools, consent ledgers, audit streams);
  logs, configs, certificates and audit logs in ${STATE_DIR#"$ROOT"/}/
EOF
}

run_single() {
  check_ports_free "$LISTEN_PORT" "$UPSTREAM_PORT" "$ADMIN_PORT"
  start_upstream upstream "$UPSTREAM_PORT" demo-platform
  start_node metrogw "$ADMIN_PORT"
  demo_request metrogw "http://127.0.0.1:$LISTEN_PORT/v1/hello"
  show_metrics "$ADMIN_PORT"
  print_next_steps
}

run_federation() {
  local once=$1 rc=0
  check_ports_free 8201 8202 8203 "${FEDERATION_PORTS[@]}" 9201 9202 9203 7201 7202 7203 "$REDIS_PORT"
  start_redis
  start_federation
  python3 "$ROOT/deploy/demo/scenario.py" --wuhu http://127.0.0.1:8202 --nanjing http://127.0.0.1:8201 \
    --maanshan http://127.0.0.1:8203 --sim "$SIM_BIN" || rc=$?
  show_metrics 9202
  if [[ $once == 1 ]]; then
    stop_all
    ((rc == 0)) || die "the scenario failed (logs in ${STATE_DIR#"$ROOT"/}/)"
    log "scenario passed; everything stopped"
    return 0
  fi
  print_federation
  ((rc == 0)) || die "the scenario failed; the deployment keeps running for inspection"
}

main() {
  local mode=federation once=0 build=1
  while (($# > 0)); do
    case "$1" in
      --once) once=1 ;;
      --single) mode=single ;;
      --no-build) build=0 ;;
      --stop) mode=stop ;;
      -h | --help)
        usage
        return 0
        ;;
      *)
        usage >&2
        die "unknown argument '$1'"
        ;;
    esac
    shift
  done
  if [[ $mode == stop ]]; then
    stop_all
    return 0
  fi

  if [[ -d $STATE_DIR ]] && compgen -G "$STATE_DIR/*.pid" >/dev/null; then
    log "stopping the previous demo first"
    stop_all
  fi
  if ((build)); then
    install_deps
    build_gateway
  else
    METROGW_BIN="${BIN_FROM_ENV:-$METROGW_BIN}"
    SIM_BIN="${SIM_FROM_ENV:-$SIM_BIN}"
    [[ -x $METROGW_BIN && -x $SIM_BIN ]] || die "--no-build: $METROGW_BIN or $SIM_BIN is not built"
  fi
  if [[ $mode == single ]]; then
    run_single
  else
    run_federation "$once"
  fi
}

main "$@"

#!/usr/bin/env bash
# Whole-system proxy benchmark: metrogw against nginx as a reverse proxy, in the same run.
#
#   wrk ──► metrogw (workers: 1)           ──┐
#   wrk ──► nginx proxy (worker_processes 1) ─┴──► nginx upstream: `return 200` of a ~100-byte JSON
#
# Both proxies keep up to 64 idle HTTP/1.1 connections to the same upstream and log nothing per
# request. Runs alternate (metrogw, nginx, metrogw, nginx, ...; ROUNDS rounds), each preceded by a
# 2 s warm-up. For each run it prints requests/s, p50/p99 latency, the proxy's CPU time (utime +
# stime of the proxy and its child processes, from /proc) and requests per proxy CPU-second; then
# medians over the rounds. The last line is "metrogw/nginx throughput ratio: X.XX", the ratio of
# requests per CPU-second.
#
# Environment: METROGW_BIN (default build/metrogw), DURATION seconds per run (10), ROUNDS (2),
# KEEP_WORKDIR=1 keeps the temporary directory (configs, logs, wrk output).
# Everything listens on 127.0.0.1 only, on free ports, under one mktemp -d directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-2}"
METROGW_BIN="${METROGW_BIN:-build/metrogw}"
readonly WARMUP_S=2 THREADS=2 CONNECTIONS=64 UPSTREAM_KEEPALIVE=64 START_TIMEOUT_S=20
# The upstream's answer, 100 bytes; both proxies must return exactly this.
readonly BODY='{"service":"bench-upstream","status":"ok","data":"0123456789abcdef0123456789abcdef0123456789ab"}'

WORK=""
PIDS=()  # every process started here, killed with its children on exit

progress() { printf 'bench: %s\n' "$*" >&2; }
die() {
  printf 'bench: error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Processes and clean-up.
# ---------------------------------------------------------------------------------------------

# Prints PID and all its descendants.
process_tree() {
  local child
  printf '%s\n' "$1"
  for child in $(pgrep -P "$1" || true); do process_tree "$child"; done
}

alive() {
  local state
  state="$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n $state && $state != Z ]]
}

# SIGTERM to each process tree, then SIGKILL to whatever is left after 5 s.
stop_all() {
  local pid tree=() waited=0
  for pid in "${PIDS[@]}"; do
    alive "$pid" || continue
    mapfile -t -O "${#tree[@]}" tree < <(process_tree "$pid")
    kill -TERM "$pid" 2>/dev/null || true
  done
  while ((waited < 50)); do
    local any=0
    for pid in "${tree[@]}"; do alive "$pid" && any=1; done
    ((any)) || break
    sleep 0.1
    waited=$((waited + 1))
  done
  for pid in "${tree[@]}"; do alive "$pid" && kill -KILL "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_all 2>/dev/null
  if [[ -n $WORK && -d $WORK ]]; then
    # Kept for inspection after a failure (not after an interrupt) or on request.
    if [[ ${KEEP_WORKDIR:-0} == 1 ]] || ((rc != 0 && rc != 130 && rc != 143)); then
      printf 'bench: configs, logs and wrk output kept in %s\n' "$WORK" >&2
    else
      rm -rf "$WORK"
    fi
  fi
  exit "$rc"
}

# start NAME COMMAND...: runs COMMAND in the background with output in $WORK/NAME.log.
start() {
  local name=$1
  shift
  "$@" </dev/null >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
  LAST_PID=$!
}

show_log() {
  local file
  for file in "$@"; do
    [[ -s $file ]] || continue
    printf -- '--- %s (last 20 lines) ---\n' "$file" >&2
    tail -n 20 "$file" >&2
  done
}

# wait_ready NAME PID URL: polls URL until it answers (any status) or the process exits.
wait_ready() {
  local name=$1 pid=$2 url=$3 tries=0
  until curl -s -o /dev/null --max-time 1 "$url"; do
    alive "$pid" || {
      show_log "$WORK/$name.log" "$WORK/$name/error.log"
      die "$name exited during start-up"
    }
    ((tries++ < START_TIMEOUT_S * 10)) || {
      show_log "$WORK/$name.log" "$WORK/$name/error.log"
      die "$name did not answer $url within ${START_TIMEOUT_S}s"
    }
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------------------------
# Set-up.
# ---------------------------------------------------------------------------------------------

check_environment() {
  [[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive number of seconds, got '$DURATION'"
  [[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer, got '$ROUNDS'"
  local tool
  for tool in nginx wrk curl python3 pgrep getconf; do
    command -v "$tool" >/dev/null || die "$tool not found; run deploy/install-deps.sh"
  done
  [[ $METROGW_BIN == /* ]] || METROGW_BIN="$ROOT/$METROGW_BIN"
  [[ -x $METROGW_BIN ]] ||
    die "metrogw binary not found at $METROGW_BIN (cmake --build build --target metrogw, or set METROGW_BIN)"
}

# Prints N distinct free TCP ports on 127.0.0.1.
free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

# nginx_main_conf NAME: the main and events sections shared by both nginx instances.
nginx_main_conf() {
  local dir="$WORK/$1"
  cat <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
EOF
}

nginx_http_common() {
  local dir="$WORK/$1"
  cat <<EOF
  access_log off;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
EOF
}

write_upstream_conf() {
  local port=$1
  mkdir -p "$WORK/upstream/tmp"
  {
    nginx_main_conf upstream
    printf 'http {\n'
    nginx_http_common upstream
    cat <<EOF
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/json;
      return 200 '$BODY';
    }
  }
}
EOF
  } >"$WORK/upstream/nginx.conf"
}

write_nginx_proxy_conf() {
  local port=$1 upstream_port=$2
  mkdir -p "$WORK/nginx/tmp"
  {
    nginx_main_conf nginx
    printf 'http {\n'
    nginx_http_common nginx
    cat <<EOF
  upstream bench_upstream {
    server 127.0.0.1:$upstream_port;
    keepalive $UPSTREAM_KEEPALIVE;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
  } >"$WORK/nginx/nginx.conf"
}

write_metrogw_conf() {
  local port=$1 admin_port=$2 upstream_port=$3
  mkdir -p "$WORK/metrogw"
  cat >"$WORK/metrogw/metrogw.yaml" <<EOF
# Generated by bench/proxy_vs_nginx.sh.
node_name: bench
workers: 1
log_level: warn
access_log: false
admin:
  address: 127.0.0.1
  port: $admin_port
listeners:
  - name: main
    address: 127.0.0.1
    port: $port
clusters:
  - name: upstream
    hosts: ["127.0.0.1:$upstream_port"]
    connect_timeout_ms: 1000
    request_timeout_ms: 5000
    max_idle_per_host: $UPSTREAM_KEEPALIVE
routes:
  - name: all
    path: /
    match: prefix
    cluster: upstream
EOF
}

# start_nginx NAME: checks and starts the nginx instance configured in $WORK/NAME/nginx.conf.
start_nginx() {
  local name=$1 dir="$WORK/$1"
  nginx -t -q -p "$dir/" -c "$dir/nginx.conf" >"$dir/check.log" 2>&1 || {
    cat "$dir/check.log" >&2
    die "nginx rejected $dir/nginx.conf"
  }
  start "$name" nginx -p "$dir/" -c "$dir/nginx.conf" -g 'daemon off;'
}

start_metrogw() {
  local conf="$WORK/metrogw/metrogw.yaml"
  "$METROGW_BIN" --config "$conf" --check >"$WORK/metrogw/check.log" 2>&1 || {
    cat "$WORK/metrogw/check.log" >&2
    die "metrogw --check rejected the generated $conf"
  }
  start metrogw "$METROGW_BIN" --config "$conf"
}

# verify NAME URL: the proxy must answer 200 with exactly the upstream's body.
verify() {
  local name=$1 url=$2 out status body
  out="$(curl -sS --max-time 5 -w '\n%{http_code}' "$url" 2>&1)" || die "$name: GET $url failed: $out"
  status="${out##*$'\n'}"
  body="${out%$'\n'*}"
  if [[ $status != 200 || $body != "$BODY" ]]; then
    printf 'bench: expected 200 with body %s\nbench: got %s with body %s\n' "$BODY" "$status" "$body" >&2
    die "$name does not proxy to the upstream correctly ($url)"
  fi
  progress "$name: GET $url -> 200 with the upstream body"
}

# ---------------------------------------------------------------------------------------------
# Measurement.
# ---------------------------------------------------------------------------------------------

# CPU clock ticks (utime + stime, /proc/PID/stat fields 14 and 15) of PID and its descendants.
cpu_ticks() {
  local pid stat fields total=0
  for pid in $(process_tree "$1"); do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    read -r -a fields <<<"${stat##*) }"  # fields[0] is field 3 (state)
    total=$((total + fields[11] + fields[12]))
  done
  printf '%s\n' "$total"
}

# wrk_value FILE KEY: extracts one figure from wrk --latency output. Latencies are in ms.
wrk_value() {
  awk -v key="$2" '
    function ms(v) {
      if (v ~ /us$/) return v / 1000
      if (v ~ /ms$/) return v + 0
      if (v ~ /m$/) return v * 60000
      if (v ~ /s$/) return v * 1000
      return v + 0
    }
    key == "rps" && $1 == "Requests/sec:" { print $2 }
    key == "requests" && $2 == "requests" && $3 == "in" { print $1 }
    key == "p50" && $1 == "50%" { print ms($2) }
    key == "p99" && $1 == "99%" { print ms($2) }
    key == "non2xx" && /Non-2xx or 3xx responses:/ { print $NF }
    key == "socket_errors" && $1 == "Socket" && $2 == "errors:" { print $4 + $6 + $8 + $10 }
  ' "$1"
}

# run_one ROUND NAME PID PORT: warm-up, measured wrk run, per-run line; appends to RESULTS_*.
run_one() {
  local round=$1 name=$2 pid=$3 port=$4
  local url="http://127.0.0.1:$port/bench" out="$WORK/wrk-$round-$name.txt"
  local before after cpu_s requests rps p50 p99 non2xx errors per_cpu
  progress "round $round/$ROUNDS: $name (${WARMUP_S}s warm-up, ${DURATION}s measured)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_S}s" "$url" >/dev/null
  before="$(cpu_ticks "$pid")"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" >"$out"
  after="$(cpu_ticks "$pid")"
  alive "$pid" || die "$name died during the run (see $WORK/$name.log)"

  requests="$(wrk_value "$out" requests)"
  rps="$(wrk_value "$out" rps)"
  p50="$(wrk_value "$out" p50)"
  p99="$(wrk_value "$out" p99)"
  non2xx="$(wrk_value "$out" non2xx)"
  errors="$(wrk_value "$out" socket_errors)"
  [[ -n $requests && -n $rps && -n $p99 ]] || {
    cat "$out" >&2
    die "could not parse the wrk output above"
  }
  if [[ -n $non2xx && $non2xx != 0 ]]; then
    cat "$out" >&2
    die "$name answered $non2xx requests with a status other than 2xx/3xx; figures would be meaningless"
  fi
  cpu_s="$(awk -v t=$((after - before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')"
  per_cpu="$(awk -v r="$requests" -v c="$cpu_s" 'BEGIN { printf "%.0f", (c > 0 ? r / c : 0) }')"
  printf 'round %d %-7s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  proxy cpu %6.2f s  %8s req/cpu-s%s\n' \
    "$round" "$name" "$rps" "$p50" "$p99" "$cpu_s" "$per_cpu" "${errors:+  (socket errors: $errors)}"
  if [[ $name == metrogw ]]; then
    MGW_PER_CPU+=("$per_cpu")
    MGW_P99+=("$p99")
  else
    NGX_PER_CPU+=("$per_cpu")
    NGX_P99+=("$p99")
  fi
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print 0; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

main() {
  [[ $# -eq 0 ]] || die "no arguments; set METROGW_BIN, DURATION, ROUNDS, KEEP_WORKDIR in the environment"
  check_environment
  CLK_TCK="$(getconf CLK_TCK)"
  WORK="$(mktemp -d -t metrogw-bench.XXXXXX)"
  chmod 755 "$WORK"  # nginx workers may run as an unprivileged user
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  local upstream_port nginx_port metrogw_port admin_port
  read -r upstream_port nginx_port metrogw_port admin_port < <(free_ports 4)
  write_upstream_conf "$upstream_port"
  write_nginx_proxy_conf "$nginx_port" "$upstream_port"
  write_metrogw_conf "$metrogw_port" "$admin_port" "$upstream_port"

  local upstream_pid nginx_pid metrogw_pid
  start_nginx upstream
  upstream_pid=$LAST_PID
  wait_ready upstream "$upstream_pid" "http://127.0.0.1:$upstream_port/"
  start_nginx nginx
  nginx_pid=$LAST_PID
  wait_ready nginx "$nginx_pid" "http://127.0.0.1:$nginx_port/"
  start_metrogw
  metrogw_pid=$LAST_PID
  wait_ready metrogw "$metrogw_pid" "http://127.0.0.1:$admin_port/readyz"

  verify upstream "http://127.0.0.1:$upstream_port/bench"
  verify nginx "http://127.0.0.1:$nginx_port/bench"
  verify metrogw "http://127.0.0.1:$metrogw_port/bench"

  printf 'proxy benchmark: wrk -t%d -c%d -d%ds --latency, %d round(s), %d CPU(s), %s, %s\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$(nproc)" \
    "$("$METROGW_BIN" --version 2>/dev/null || echo metrogw)" "$(nginx -v 2>&1 | sed 's/^nginx version: //')"
  MGW_PER_CPU=() MGW_P99=() NGX_PER_CPU=() NGX_P99=()
  local round
  for ((round = 1; round <= ROUNDS; round++)); do
    run_one "$round" metrogw "$metrogw_pid" "$metrogw_port"
    run_one "$round" nginx "$nginx_pid" "$nginx_port"
  done

  local mgw_cpu mgw_p99 ngx_cpu ngx_p99
  mgw_cpu="$(median "${MGW_PER_CPU[@]}")"
  mgw_p99="$(median "${MGW_P99[@]}")"
  ngx_cpu="$(median "${NGX_PER_CPU[@]}")"
  ngx_p99="$(median "${NGX_P99[@]}")"
  stop_all  # before the summary, so nothing is printed after its last line
  printf 'nginx: %.0f req/cpu-s, p99 %.3f ms\n' "$ngx_cpu" "$ngx_p99"
  printf 'metrogw: %.0f req/cpu-s, p99 %.3f ms\n' "$mgw_cpu" "$mgw_p99"
  printf 'p99 ratio metrogw/nginx: %s\n' "$(ratio "$mgw_p99" "$ngx_p99")"
  printf 'metrogw/nginx throughput ratio: %s\n' "$(ratio "$mgw_cpu" "$ngx_cpu")"
}

main "$@"

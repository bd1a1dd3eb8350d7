# Shared by the bench/ scripts (sourced after they set ROOT, WORK="", PIDS=() and START_TIMEOUT_S):
# progress and errors, starting and stopping processes with their children, waiting for an HTTP
# endpoint, free ports, CPU time from /proc, wrk output parsing, medians and ratios.
# shellcheck shell=bash

progress() { printf 'bench: %s\n' "$*" >&2; }

die() {
  printf 'bench: error: %s\n' "$*" >&2
  exit 1
}

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
  # shellcheck disable=SC2034  # read by the scripts that source this file
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

# CPU clock ticks in user and in kernel mode ("UTIME STIME", /proc/PID/stat fields 14 and 15) of
# PID and its descendants.
cpu_ticks_split() {
  local pid stat fields user=0 sys=0
  for pid in $(process_tree "$1"); do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    read -r -a fields <<<"${stat##*) }"  # fields[0] is field 3 (state)
    user=$((user + fields[11]))
    sys=$((sys + fields[12]))
  done
  printf '%s %s\n' "$user" "$sys"
}

# CPU clock ticks (utime + stime) of PID and its descendants.
cpu_ticks() {
  local user sys
  read -r user sys < <(cpu_ticks_split "$1")
  printf '%s\n' "$((user + sys))"
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

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print 0; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

#!/bin/sh
# Starts one Sentinel (StatefulSet "redis-sentinel") watching the city's pool, then execs
# redis-server --sentinel. Sentinel rewrites its configuration file, so it is written anew into a
# writable directory at every start; the current primary is learnt first from the other Sentinels,
# else from a Redis pod reporting role:master, else it is redis-0 (a new pool).
#
# Environment: as redis-start.sh, plus
#   SENTINEL_BIND (0.0.0.0), SENTINEL_RUN_DIR (/run/sentinel), SENTINEL_QUORUM (2),
#   SENTINEL_DOWN_AFTER_MS (5000), SENTINEL_FAILOVER_TIMEOUT_MS (60000)
set -eu

SENTINEL_BIND="${SENTINEL_BIND:-0.0.0.0}"
SENTINEL_RUN_DIR="${SENTINEL_RUN_DIR:-/run/sentinel}"
SENTINEL_QUORUM="${SENTINEL_QUORUM:-2}"
SENTINEL_DOWN_AFTER_MS="${SENTINEL_DOWN_AFTER_MS:-5000}"
SENTINEL_FAILOVER_TIMEOUT_MS="${SENTINEL_FAILOVER_TIMEOUT_MS:-60000}"

log() { printf 'sentinel-start: %s\n' "$*" >&2; }
# shellcheck source=redis-common.sh
. "$(dirname "$0")/redis-common.sh"

# shellcheck disable=SC2059  # the formats are ours, from the environment
me="$(printf "$SENTINEL_HOST_FMT" "$ordinal")"

find_primary "$me"

if [ -z "$primary" ]; then
  primary="$first"
  log "nobody knows a primary yet: watching $first"
fi

# Sentinel refuses a configuration whose primary name does not resolve; on a fresh namespace the
# Redis pods may not exist yet, so wait for the name (up to 5 minutes) rather than crash-loop.
waited=0
until getent ahosts "$primary" >/dev/null 2>&1; do
  if [ "$waited" -ge 300 ]; then
    log "$primary does not resolve after ${waited}s"
    exit 1
  fi
  sleep 2
  waited=$((waited + 2))
done

mkdir -p "$SENTINEL_RUN_DIR"
conf="$SENTINEL_RUN_DIR/sentinel.conf"
umask 077
cat >"$conf" <<EOF
bind $SENTINEL_BIND
port $SENTINEL_PORT
dir $SENTINEL_RUN_DIR
# Host names (stable StatefulSet DNS names) rather than pod IPs, which change on every restart.
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
sentinel announce-ip $me
sentinel announce-port $SENTINEL_PORT
sentinel monitor $MASTER_NAME $primary $REDIS_PORT $SENTINEL_QUORUM
sentinel auth-pass $MASTER_NAME $password
sentinel down-after-milliseconds $MASTER_NAME $SENTINEL_DOWN_AFTER_MS
sentinel failover-timeout $MASTER_NAME $SENTINEL_FAILOVER_TIMEOUT_MS
sentinel parallel-syncs $MASTER_NAME 1
EOF
log "starting $me, monitoring $MASTER_NAME at $primary:$REDIS_PORT (quorum $SENTINEL_QUORUM)"
exec redis-server "$conf" --sentinel

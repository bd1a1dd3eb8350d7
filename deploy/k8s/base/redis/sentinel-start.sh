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

: "${POD_NAME:?POD_NAME is required}"
ns="${POD_NAMESPACE:-}"
REDIS_PODS="${REDIS_PODS:-3}"
SENTINEL_PODS="${SENTINEL_PODS:-3}"
MASTER_NAME="${MASTER_NAME:-pool}"
REDIS_HOST_FMT="${REDIS_HOST_FMT:-redis-%s.redis-headless.$ns.svc.cluster.local}"
SENTINEL_HOST_FMT="${SENTINEL_HOST_FMT:-redis-sentinel-%s.redis-sentinel-headless.$ns.svc.cluster.local}"
REDIS_PORT="${REDIS_PORT:-6379}"
SENTINEL_PORT="${SENTINEL_PORT:-26379}"
SENTINEL_BIND="${SENTINEL_BIND:-0.0.0.0}"
REDIS_PASSWORD_FILE="${REDIS_PASSWORD_FILE:-/etc/metrogw/redis-auth/password}"
SENTINEL_RUN_DIR="${SENTINEL_RUN_DIR:-/run/sentinel}"
SENTINEL_QUORUM="${SENTINEL_QUORUM:-2}"
SENTINEL_DOWN_AFTER_MS="${SENTINEL_DOWN_AFTER_MS:-5000}"
SENTINEL_FAILOVER_TIMEOUT_MS="${SENTINEL_FAILOVER_TIMEOUT_MS:-60000}"

log() { printf 'sentinel-start: %s\n' "$*" >&2; }

ordinal="${POD_NAME##*-}"
# shellcheck disable=SC2059  # the formats are ours, from the environment
me="$(printf "$SENTINEL_HOST_FMT" "$ordinal")"
# shellcheck disable=SC2059
first="$(printf "$REDIS_HOST_FMT" 0)"
password="$(head -n 1 "$REDIS_PASSWORD_FILE")"

# shellcheck source=find-primary.sh
. "$(dirname "$0")/find-primary.sh"
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

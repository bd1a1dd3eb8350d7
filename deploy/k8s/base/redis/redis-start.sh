#!/bin/sh
# Starts one Redis of the city's pool (StatefulSet "redis"): as the primary or as a replica of the
# current primary, decided at every start, then execs redis-server.
#
# Who is the primary, in this order:
#   1. what a Sentinel answers (SENTINEL get-master-addr-by-name pool);
#   2. else a Redis pod that reports role:master;
#   3. else redis-0 (a new pool: redis-0 starts as primary, the others replicate from it).
# Rule 3 is also what happens after every Redis and every Sentinel were down at once: then redis-0
# becomes primary with its own data, even if another pod held newer writes. See
# deploy/DEPLOYMENT.md ("Redis", "After a full outage") for checking that before the pods start.
#
# The environment names everything, so the same script runs under Kubernetes (defaults) and in a
# local test on loopback addresses:
#   POD_NAME (required, e.g. redis-1), POD_NAMESPACE (required unless the *_HOST_FMT are given)
#   REDIS_PODS (3), SENTINEL_PODS (3), MASTER_NAME (pool)
#   REDIS_HOST_FMT      printf format of a Redis pod's host name from its ordinal
#   SENTINEL_HOST_FMT   the same for the Sentinels
#   REDIS_PORT (6379), SENTINEL_PORT (26379), REDIS_BIND (0.0.0.0)
#   REDIS_PASSWORD_FILE (/etc/metrogw/redis-auth/password), POOL_CONF (/etc/metrogw/redis/pool.conf)
#   REDIS_DATA_DIR (/data), REDIS_RUN_DIR (/run/redis), REDIS_MAXMEMORY (0 = no limit; set it)
#   MIN_REPLICAS_TO_WRITE (1), MIN_REPLICAS_MAX_LAG (10)
set -eu

REDIS_BIND="${REDIS_BIND:-0.0.0.0}"
POOL_CONF="${POOL_CONF:-/etc/metrogw/redis/pool.conf}"
REDIS_DATA_DIR="${REDIS_DATA_DIR:-/data}"
REDIS_RUN_DIR="${REDIS_RUN_DIR:-/run/redis}"
REDIS_MAXMEMORY="${REDIS_MAXMEMORY:-0}"
MIN_REPLICAS_TO_WRITE="${MIN_REPLICAS_TO_WRITE:-1}"
MIN_REPLICAS_MAX_LAG="${MIN_REPLICAS_MAX_LAG:-10}"

log() { printf 'redis-start: %s\n' "$*" >&2; }
# shellcheck source=redis-common.sh
. "$(dirname "$0")/redis-common.sh"

# shellcheck disable=SC2059  # the formats are ours, from the environment
me="$(printf "$REDIS_HOST_FMT" "$ordinal")"
[ -n "$password" ] || {
  log "$REDIS_PASSWORD_FILE is empty"
  exit 1
}

find_primary "$me"

if [ -z "$primary" ]; then
  primary="$first"
  log "no sentinel and no Redis knows a primary: $first is the primary"
fi

mkdir -p "$REDIS_RUN_DIR"
conf="$REDIS_RUN_DIR/redis.conf"
umask 077
{
  # Every durability and memory setting of the pool (AOF, appendfsync always, noeviction, no RDB).
  printf 'include %s\n' "$POOL_CONF"
  # What placing it in the cluster changes; later lines override pool.conf's.
  printf 'bind %s\n' "$REDIS_BIND"
  printf 'port %s\n' "$REDIS_PORT"
  printf 'dir %s\n' "$REDIS_DATA_DIR"
  printf 'requirepass %s\n' "$password"
  printf 'masterauth %s\n' "$password"
  # Replicas and Sentinels address each other by these stable names, not by pod IPs.
  printf 'replica-announce-ip %s\n' "$me"
  printf 'replica-announce-port %s\n' "$REDIS_PORT"
  # A primary that lost every replica refuses writes (the node answers 503) instead of taking
  # bookings that a failover would then lose.
  printf 'min-replicas-to-write %s\n' "$MIN_REPLICAS_TO_WRITE"
  printf 'min-replicas-max-lag %s\n' "$MIN_REPLICAS_MAX_LAG"
  printf 'maxmemory %s\n' "$REDIS_MAXMEMORY"
  if [ "$primary" != "$me" ]; then
    printf 'replicaof %s %s\n' "$primary" "$REDIS_PORT"
  fi
} >"$conf"

if [ "$primary" = "$me" ]; then
  log "starting $me as the primary"
else
  log "starting $me as a replica of $primary"
fi
exec redis-server "$conf"

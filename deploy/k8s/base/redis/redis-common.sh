# shellcheck shell=sh disable=SC2154,SC2034  # log comes from, and ordinal/first/password go to, the sourcing script
# Sourced first by redis-start.sh and sentinel-start.sh (same ConfigMap, /scripts): the settings
# both share (see redis-start.sh for each variable), the pod's ordinal, the first Redis pod, the
# Redis password, and find_primary.
: "${POD_NAME:?POD_NAME is required}"
ns="${POD_NAMESPACE:-}"
REDIS_PODS="${REDIS_PODS:-3}"
SENTINEL_PODS="${SENTINEL_PODS:-3}"
MASTER_NAME="${MASTER_NAME:-pool}"
REDIS_HOST_FMT="${REDIS_HOST_FMT:-redis-%s.redis-headless.$ns.svc.cluster.local}"
SENTINEL_HOST_FMT="${SENTINEL_HOST_FMT:-redis-sentinel-%s.redis-sentinel-headless.$ns.svc.cluster.local}"
REDIS_PORT="${REDIS_PORT:-6379}"
SENTINEL_PORT="${SENTINEL_PORT:-26379}"
REDIS_PASSWORD_FILE="${REDIS_PASSWORD_FILE:-/etc/metrogw/redis-auth/password}"
ordinal="${POD_NAME##*-}"
# shellcheck disable=SC2059  # the formats are ours, from the environment
first="$(printf "$REDIS_HOST_FMT" 0)"
password="$(head -n 1 "$REDIS_PASSWORD_FILE")"

# find_primary SKIP sets $primary to the Redis primary as the Sentinels name it, else to a Redis pod
# that reports role:master, else leaves it empty. SKIP is a host name not to ask (the calling pod).
find_primary() {
  skip=$1
  primary=""
  i=0
  while [ "$i" -lt "$SENTINEL_PODS" ] && [ -z "$primary" ]; do
    # shellcheck disable=SC2059
    host="$(printf "$SENTINEL_HOST_FMT" "$i")"
    if [ "$host" != "$skip" ]; then
      answer="$(timeout 3 redis-cli -h "$host" -p "$SENTINEL_PORT" --raw \
        SENTINEL get-master-addr-by-name "$MASTER_NAME" 2>/dev/null | head -n 1)" || answer=""
      case "$answer" in
        "" | *ERR* | *NOAUTH* | *IDONTKNOW*) ;;
        *)
          primary="$answer"
          log "sentinel $host names $primary as the primary"
          ;;
      esac
    fi
    i=$((i + 1))
  done
  i=0
  while [ "$i" -lt "$REDIS_PODS" ] && [ -z "$primary" ]; do
    # shellcheck disable=SC2059
    host="$(printf "$REDIS_HOST_FMT" "$i")"
    if [ "$host" != "$skip" ] &&
      REDISCLI_AUTH="$password" timeout 3 redis-cli -h "$host" -p "$REDIS_PORT" INFO replication 2>/dev/null |
      tr -d '\r' | grep -qx 'role:master'; then
      primary="$host"
      log "$host reports role:master"
    fi
    i=$((i + 1))
  done
}

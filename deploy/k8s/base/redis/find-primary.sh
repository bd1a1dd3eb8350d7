# shellcheck shell=sh disable=SC2154  # password and log come from the sourcing script
# Sourced by redis-start.sh and sentinel-start.sh (same ConfigMap, /scripts): find_primary SKIP
# sets $primary to the Redis primary as the Sentinels name it, else to a Redis pod that reports
# role:master, else leaves it empty. SKIP is a host name not to ask (the calling pod itself).
# Needs SENTINEL_PODS, SENTINEL_HOST_FMT, SENTINEL_PORT, MASTER_NAME, REDIS_PODS, REDIS_HOST_FMT,
# REDIS_PORT, $password and a log function.
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

#!/bin/bash
# Container health check for metrogw without curl: one HTTP/1.1 GET on the node's admin listener.
#
#   metrogw-healthcheck [PATH]        PATH defaults to /healthz (use /readyz for readiness)
#
# The admin address and port come from METROGW_ADMIN_ADDR (default 127.0.0.1) and
# METROGW_ADMIN_PORT (default 9901, the port of the images' conventional configuration; the compose
# demo sets 9201/9202/9203 per city). Exit 0 when the answer's status is 200, 1 otherwise.
# Uses bash's /dev/tcp, so the runtime image needs no HTTP client.
set -u
addr=${METROGW_ADMIN_ADDR:-127.0.0.1}
port=${METROGW_ADMIN_PORT:-9901}
path=${1:-/healthz}

exec 3<>"/dev/tcp/$addr/$port" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$path" "$addr" "$port" >&3 || exit 1
IFS= read -r -t 3 status <&3 || exit 1
[[ $status == "HTTP/1."[01]" 200 "* ]]

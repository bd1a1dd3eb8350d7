#!/usr/bin/env bash
# Prepares what the compose demo (deploy/compose/compose.yaml) mounts into its containers:
#
#   deploy/compose/prepare.sh [STATE_DIR]      default STATE_DIR: build/compose (repository root)
#
#   STATE_DIR/certs/        demo CA and one certificate per city node (deploy/gen-node-certs.sh;
#                           an existing CA is reused, node certificates are made anew)
#   STATE_DIR/secrets/person-token.keys
#                           the person-token key the three nodes share (made once, mode 0600; kept
#                           across runs so tokens cached in Redis stay valid)
#   STATE_DIR/config/<city>.yaml
#                           node configs from deploy/demo/federation_configs.py (identity, sharing
#                           and booking on), rewritten for containers: see rewrite_config below
#   STATE_DIR/audit/<city>/ the nodes' audit directories (persist across container restarts)
#   STATE_DIR/redis/<city>/ each city's Redis data directory (AOF)
#   STATE_DIR/compose.env   METROGW_UID / METROGW_GID (the containers run as you, so they can read
#                           the 0600 key files this script writes) and METROGW_STATE
#
# Then: docker-compose -p metrogw -f deploy/compose/compose.yaml --env-file STATE_DIR/compose.env up -d --build
# Needs bash, python3 and openssl. Safe to run again (configs and certificates are rewritten).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${1:-$ROOT/build/compose}"

# name, GB/T 2260 city, north API port, federation port, admin port, platform simulator port: the
# defaults of federation_configs.py, which this script does not override.
readonly CITIES=("nanjing 3201 8201 8301 9201 7201" "wuhu 3402 8202 8302 9202 7202"
  "maanshan 3405 8203 8303 9203 7203")

log() { printf 'prepare: %s\n' "$*"; }
die() {
  printf 'prepare: error: %s\n' "$*" >&2
  exit 1
}

for tool in python3 openssl sed; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done

mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)"

# ---------------------------------------------------------------------------------------------
# Certificates and the shared person-token key.
# ---------------------------------------------------------------------------------------------
log "certificates in $STATE/certs (deploy/gen-node-certs.sh)"
"$ROOT/deploy/gen-node-certs.sh" "$STATE/certs" nanjing wuhu maanshan

mkdir -p "$STATE/secrets"
chmod 0700 "$STATE/secrets"
if [[ ! -s $STATE/secrets/person-token.keys ]]; then
  log "person-token key in $STATE/secrets/person-token.keys"
  (umask 077 && printf 'k%s %s\n' "$(date +%Y%m)" "$(openssl rand -hex 32)" >"$STATE/secrets/person-token.keys")
fi
chmod 0600 "$STATE/secrets/person-token.keys"

# ---------------------------------------------------------------------------------------------
# Node configs. federation_configs.py writes the quickstart's loopback layout: every listener and
# the admin endpoint on 127.0.0.1, peers and platforms at 127.0.0.1:<port>. It takes no host names,
# so its output is rewritten here with sed:
#   - listeners and admin bind 0.0.0.0 inside the container (compose publishes the north API and
#     admin ports on the host's 127.0.0.1 only);
#   - peer node 127.0.0.1:830N -> metrogw-<city>:830N, platform 127.0.0.1:720N -> sim-<city>:720N;
#   - the Redis address, passed as the placeholder @REDIS@, -> redis-<city> (one Redis per city).
# Certificate, key-file and audit paths are passed as the paths inside the containers. The demo
# certificates carry SAN DNS:localhost, and the peer clusters verify server_name "localhost", so
# they work unchanged between containers.
# ---------------------------------------------------------------------------------------------
log "node configs in $STATE/config (deploy/demo/federation_configs.py, rewritten for containers)"
python3 "$ROOT/deploy/demo/federation_configs.py" "$STATE/config" /etc/metrogw/certs \
  --redis "@REDIS@:6379" --key-file /etc/metrogw/secrets/person-token.keys \
  --sharing /var/lib/metrogw/audit --booking

sed_args=(-E -e 's/^( +address:) 127\.0\.0\.1$/\1 0.0.0.0/')
for entry in "${CITIES[@]}"; do
  read -r name _ _ federation _ platform <<<"$entry"
  sed_args+=(-e "s/127\\.0\\.0\\.1:$federation\\b/metrogw-$name:$federation/g")
  sed_args+=(-e "s/127\\.0\\.0\\.1:$platform\\b/sim-$name:$platform/g")
done

for entry in "${CITIES[@]}"; do
  read -r name _ <<<"$entry"
  file="$STATE/config/$name.yaml"
  [[ -s $file ]] || die "federation_configs.py wrote no $file"
  sed -i "${sed_args[@]}" -e "s/@REDIS@/redis-$name/g" "$file"
  # Anything still on loopback would be unreachable from the other containers: fail loudly if the
  # generator grows an address this script does not know yet.
  if grep -n '127\.0\.0\.1' "$file" >&2; then
    die "$file still names 127.0.0.1 (lines above): teach prepare.sh the new address"
  fi
  mkdir -p "$STATE/audit/$name" "$STATE/redis/$name"
  chmod 0700 "$STATE/audit/$name"
done

# ---------------------------------------------------------------------------------------------
# The compose environment: who the containers run as, and where the state is.
# ---------------------------------------------------------------------------------------------
cat >"$STATE/compose.env" <<EOF
# Written by deploy/compose/prepare.sh. Use with:
#   docker-compose -p metrogw -f $ROOT/deploy/compose/compose.yaml --env-file $STATE/compose.env ...
METROGW_UID=$(id -u)
METROGW_GID=$(id -g)
METROGW_STATE=$STATE
EOF

if [[ $(id -u) -eq 0 ]]; then
  log "note: you are root, so the containers will run as root too; run this as an ordinary user" \
    "(in the docker group) to keep them unprivileged"
fi
cat <<EOF

prepare: done. Next, from $ROOT:
  docker-compose -p metrogw -f deploy/compose/compose.yaml --env-file $STATE/compose.env up -d --build
  docker-compose -p metrogw -f deploy/compose/compose.yaml --env-file $STATE/compose.env ps
  python3 deploy/demo/scenario.py --sim deploy/compose/sim.sh
EOF

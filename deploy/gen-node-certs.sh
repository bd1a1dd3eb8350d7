#!/usr/bin/env bash
# Generates a federation PKI for a local deployment or tests: a CA and one certificate per city node.
#
#   deploy/gen-node-certs.sh OUTDIR NAME...      e.g. deploy/gen-node-certs.sh run/certs nanjing wuhu maanshan
#
# Writes OUTDIR/ca.pem, OUTDIR/ca.key and, per NAME, OUTDIR/NAME.pem + OUTDIR/NAME.key: EC P-256,
# subject "/O=metrogw/CN=NAME.metrogw" (RFC 2253: "CN=NAME.metrogw,O=metrogw", the string peers put
# in tls.expected_subject), SAN DNS:localhost + IP:127.0.0.1, EKU serverAuth + clientAuth (a node is
# server to its peers and client of them), valid 825 days. An existing CA in OUTDIR is reused, so
# nodes can be added later. For production, use certificates from the operators' own CA.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 OUTDIR NAME..." >&2
  exit 2
fi
out="$1"
shift
mkdir -p "$out"
export OPENSSL_CONF=/dev/null
work="$(mktemp -d "${TMPDIR:-/tmp}/metrogw-node-certs.XXXXXX")"
trap 'rm -rf "$work"' EXIT

run() {
  local log="$work/openssl.log"
  if ! "$@" >"$log" 2>&1; then
    echo "gen-node-certs: failed: $*" >&2
    cat "$log" >&2
    exit 1
  fi
}

if [[ ! -s "$out/ca.pem" || ! -s "$out/ca.key" ]]; then
  run openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/O=metrogw/CN=metrogw federation CA" -keyout "$out/ca.key" -out "$out/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
fi

for name in "$@"; do
  if [[ ! $name =~ ^[a-z0-9-]+$ ]]; then
    echo "gen-node-certs: bad name '$name' (use [a-z0-9-])" >&2
    exit 2
  fi
  cat >"$work/$name.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
  run openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/O=metrogw/CN=$name.metrogw" -keyout "$out/$name.key" -out "$work/$name.csr"
  run openssl x509 -req -in "$work/$name.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" -CAcreateserial \
    -CAserial "$work/ca.srl" -days 825 -extfile "$work/$name.ext" -out "$out/$name.pem"
done
chmod 0644 "$out"/*.pem
chmod 0600 "$out"/*.key

#!/usr/bin/env bash
# Generates the throw-away PKI that TLS unit and integration tests use: gen_certs.sh OUTDIR
#
# Files written to OUTDIR (all keys EC P-256, all files mode 0644 — test material only):
#   ca.pem / ca.key                  test root CA; trust anchor for both server and client certs
#   server.pem / server.key          listener cert, CN=metrogw-test-server,
#                                    SAN DNS:localhost, IP:127.0.0.1, EKU serverAuth, signed by ca
#   client.pem / client.key          platform client cert, subject O=Wuhu Health Platform,
#                                    CN=wuhu-platform, EKU clientAuth, signed by ca (mTLS: accepted)
#   rogue-ca.pem / rogue-ca.key      an unrelated root CA that nothing trusts
#   rogue-client.pem / rogue-client.key
#                                    same subject as client.pem but signed by rogue-ca (mTLS: refused)
#   expired.pem / expired.key        server cert (same SANs as server.pem) signed by ca whose validity
#                                    ended in 2020 (secondsUntilExpiry() < 0, handshakes fail verify)
#
# Every run regenerates everything (idempotent, no state kept between runs), prints nothing on
# success, prints the failing openssl command's output and exits non-zero on any failure.
# Needs only the openssl 3.x CLI; runs in well under a second.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
out="$1"
mkdir -p "$out"
work="$(mktemp -d "${TMPDIR:-/tmp}/metrogw-gen-certs.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Hermetic: never read the system openssl.cnf (its defaults differ between distributions).
cat >"$work/openssl.cnf" <<EOF
[req]
distinguished_name = req_dn
x509_extensions = ca_ext
[req_dn]

[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

# Only used for expired.pem: 'openssl ca' is the one 3.0 command that accepts explicit dates.
[ca]
default_ca = backdating_ca
[backdating_ca]
database = $work/index.txt
new_certs_dir = $work
rand_serial = yes
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
x509_extensions = server_ext
[policy_any]
commonName = supplied
EOF
export OPENSSL_CONF="$work/openssl.cnf"
: >"$work/index.txt"

# Runs a command with its output captured; on failure shows the output and aborts.
run() {
  if ! "$@" >"$work/log" 2>&1; then
    echo "gen_certs.sh: failed: $*" >&2
    cat "$work/log" >&2
    exit 1
  fi
}

newKey() {
  run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/$1.key"
}

# newCa NAME SUBJECT
newCa() {
  newKey "$1"
  run openssl req -x509 -new -key "$out/$1.key" -subj "$2" -days 3650 -sha256 -out "$out/$1.pem"
}

# newLeaf NAME SUBJECT ISSUER EXTENSION_SECTION
newLeaf() {
  newKey "$1"
  run openssl req -new -key "$out/$1.key" -subj "$2" -out "$work/$1.csr"
  run openssl x509 -req -in "$work/$1.csr" -CA "$out/$3.pem" -CAkey "$out/$3.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 365 -sha256 \
    -extfile "$OPENSSL_CONF" -extensions "$4" -out "$out/$1.pem"
}

newCa ca "/O=metrogw test/CN=metrogw-test-ca"
newCa rogue-ca "/O=metrogw rogue/CN=metrogw-rogue-ca"
newLeaf server "/CN=metrogw-test-server" ca server_ext
newLeaf client "/O=Wuhu Health Platform/CN=wuhu-platform" ca client_ext
newLeaf rogue-client "/O=Wuhu Health Platform/CN=wuhu-platform" rogue-ca client_ext

newKey expired
run openssl req -new -key "$out/expired.key" -subj "/CN=metrogw-test-server" -out "$work/expired.csr"
run openssl ca -batch -notext -in "$work/expired.csr" -cert "$out/ca.pem" -keyfile "$out/ca.key" \
  -startdate 200101000000Z -enddate 200102000000Z -out "$out/expired.pem"

for f in ca rogue-ca server client rogue-client expired; do
  chmod 0644 "$out/$f.pem" "$out/$f.key"
done

#!/usr/bin/env bash
# Installs the Debian 12 packages metrogw needs to build, test and run.
# Idempotent: packages already present are skipped; nothing outside Debian's archive is used.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake pkg-config git ca-certificates
  # runtime libraries (see README "Dependencies")
  libevent-dev libssl-dev openssl libflatbuffers-dev flatbuffers-compiler
  libhiredis-dev prometheus-cpp-dev libyaml-cpp-dev rapidjson-dev
  libhttp-parser-dev libpugixml-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev redis-server redis-tools
  nginx-light wrk prometheus curl python3 python3-yaml procps
  # the browser tests: headless Chromium, driven by playwright-core (console) and over WebDriver
  # (Prometheus graph screenshot); Node.js and npm are checked below
  chromium chromium-driver fonts-wqy-microhei
  # fuzzing, sanitizers, lint
  clang-14 libclang-rt-14-dev clang-tidy clang-format
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Node.js and npm run the console's browser test (playwright-core, installed by deploy/test.sh). A
# machine may already have them from elsewhere (its own nodejs build bundles npm): then leave them.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

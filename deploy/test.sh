#!/usr/bin/env bash
# Builds metrogw and runs its tests. One mode per run:
#
#   deploy/test.sh               build/ with -Werror, every target, then ctest (unit + integration)
#   deploy/test.sh --sanitize    build-asan/ with ASan + UBSan, then ctest there
#   deploy/test.sh --fuzz SECS   build-fuzz/ with clang-14 + libFuzzer, run each *_fuzz for SECS
#   deploy/test.sh --lint        configure + build build/, then deploy/lint.sh
#
# Exits non-zero on any build error, test failure, fuzzer crash or lint finding. In the ctest modes
# CTest's own summary is the last thing printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

JOBS="$(nproc)"
readonly JOBS
readonly CTEST_ARGS=(--output-on-failure -j2 --timeout 300)
readonly FUZZ_GRACE_S=120  # beyond -max_total_time, for start-up, the final merge and reporting

log() { printf 'test.sh: %s\n' "$*" >&2; }
die() {
  printf 'test.sh: error: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<'EOF'
Usage: deploy/test.sh [--sanitize | --fuzz SECONDS | --lint | --help]

  (none)          configure build/ with -DMETROGW_WERROR=ON, build everything, run ctest
  --sanitize      same in build-asan/ with -DMETROGW_SANITIZE=ON (ASan, UBSan, leak checks)
  --fuzz SECONDS  build the libFuzzer targets in build-fuzz/ with clang-14 and run each one for
                  SECONDS, seeded from fuzz/corpus/<name>/; fails on any crash, leak or OOM
  --lint          clang-format and clang-tidy (deploy/lint.sh) against build/

Select tests with ctest labels afterwards, e.g. ctest --test-dir build -L unit.
EOF
}

install_deps() { "$ROOT/deploy/install-deps.sh"; }

# The doctor console's browser test drives Debian's Chromium with playwright-core, the one package
# taken from the npm registry (pinned in tests/console/package-lock.json; no browser download).
install_browser_test_deps() {
  local dir="$ROOT/tests/console"
  if [[ -d $dir/node_modules/playwright-core && ! $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    return 0
  fi
  echo "test.sh: installing the console test's npm packages (npm ci in tests/console)"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
}

run_default() {
  install_deps
  cmake -S . -B build -DMETROGW_WERROR=ON
  cmake --build build -j"$JOBS"
  install_browser_test_deps
  exec ctest --test-dir build "${CTEST_ARGS[@]}"
}

run_sanitize() {
  install_deps
  # -O1 (what the sanitizers' authors advise) and line tables only (-g1): half the compile time of
  # -O2 -g with the same symbolised stack traces. No -DNDEBUG: asserts are checked here too.
  cmake -S . -B build-asan -DMETROGW_SANITIZE=ON -DMETROGW_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1"
  cmake --build build-asan -j"$JOBS"
  install_browser_test_deps
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$ROOT/fuzz/ubsan.supp
  exec ctest --test-dir build-asan "${CTEST_ARGS[@]}"
}

run_lint() {
  install_deps
  # A full build also produces generated headers that clang-tidy must see.
  cmake -S . -B build -DMETROGW_WERROR=ON
  cmake --build build -j"$JOBS"
  exec "$ROOT/deploy/lint.sh"
}

# Names of the *_fuzz targets the build-fuzz/ build system knows about (any generator).
fuzz_target_names() {
  cmake --build build-fuzz --target help 2>/dev/null | grep -oE '\b[A-Za-z0-9_]+_fuzz\b' | sort -u || true
}

# run_fuzzer BINARY SECONDS: runs one fuzzer; new inputs go to a scratch corpus, never into the
# checked-in seeds under fuzz/corpus/; crash reproducers go to build-fuzz/artifacts/.
run_fuzzer() {
  local bin=$1 seconds=$2 name seeds work logfile rc=0
  name="$(basename "$bin")"
  seeds="$ROOT/fuzz/corpus/${name%_fuzz}"
  work="$ROOT/build-fuzz/corpus-work/$name"
  logfile="$ROOT/build-fuzz/fuzz-logs/$name.log"
  mkdir -p "$work" "$ROOT/build-fuzz/artifacts" "$(dirname "$logfile")"
  local corpora=("$work")
  [[ -d $seeds ]] && corpora+=("$seeds")

  log "fuzzing $name for ${seconds}s (seeds: $([[ -d $seeds ]] && echo "${seeds#"$ROOT"/}" || echo none))"
  # The watchdog bounds a fuzzer that hangs while reporting (libFuzzer's out-of-memory heap profile
  # can spin for a very long time); -timeout reports a single slow input as a finding.
  timeout -k 10 $((seconds + FUZZ_GRACE_S)) \
    "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 -print_final_stats=1 \
    -artifact_prefix="$ROOT/build-fuzz/artifacts/$name-" "${corpora[@]}" >"$logfile" 2>&1 || rc=$?
  if ((rc == 124 || rc == 137)); then
    printf 'test.sh: FAIL %s: still running %ds after its %ds budget; killed. Last lines of %s:\n' \
      "$name" "$FUZZ_GRACE_S" "$seconds" "${logfile#"$ROOT"/}" >&2
    tail -n 40 "$logfile" >&2
    return 1
  elif ((rc != 0)); then
    printf 'test.sh: FAIL %s (exit %d); last lines of %s:\n' "$name" "$rc" "${logfile#"$ROOT"/}" >&2
    tail -n 40 "$logfile" >&2
    return 1
  fi
  printf 'test.sh: ok   %s: %s\n' "$name" "$(grep -E '^(stat::number_of_executed_units|Done )' "$logfile" | tail -n 1)" >&2
}

run_fuzz() {
  local seconds=$1
  [[ $seconds =~ ^[1-9][0-9]*$ ]] || die "--fuzz needs a positive number of seconds, got '$seconds'"
  install_deps
  command -v clang++-14 >/dev/null || die "clang++-14 not found (Debian package clang-14)"
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DMETROGW_FUZZ=ON -DMETROGW_BENCH=OFF

  local targets=()
  mapfile -t targets < <(fuzz_target_names)
  if ((${#targets[@]} > 0)); then
    cmake --build build-fuzz -j"$JOBS" --target "${targets[@]}"
  else
    cmake --build build-fuzz -j"$JOBS"
  fi

  local fuzzers=()
  [[ -d build-fuzz/fuzz ]] && mapfile -t fuzzers < <(find build-fuzz/fuzz -type f -executable -name '*_fuzz' | sort)
  ((${#fuzzers[@]} > 0)) || die "no *_fuzz executables in build-fuzz/fuzz/ (see fuzz/CMakeLists.txt)"

  export ASAN_OPTIONS=detect_leaks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$ROOT/fuzz/ubsan.supp
  local bin failed=()
  for bin in "${fuzzers[@]}"; do
    run_fuzzer "$ROOT/$bin" "$seconds" || failed+=("$(basename "$bin")")
  done
  if ((${#failed[@]} > 0)); then
    die "${#failed[@]} of ${#fuzzers[@]} fuzzers failed: ${failed[*]} (reproducers in build-fuzz/artifacts/)"
  fi
  log "all ${#fuzzers[@]} fuzzers ran ${seconds}s each without a crash"
}

main() {
  local max_args=1
  [[ ${1:-} == --fuzz ]] && max_args=2
  (($# <= max_args)) || die "unexpected arguments: $* (one mode per run; see --help)"
  case "${1:-}" in
    "") run_default ;;
    --sanitize) run_sanitize ;;
    --fuzz)
      (($# >= 2)) || die "--fuzz needs SECONDS"
      run_fuzz "$2"
      ;;
    --lint) run_lint ;;
    -h | --help) usage ;;
    *)
      usage >&2
      die "unknown argument '$1'"
      ;;
  esac
}

main "$@"

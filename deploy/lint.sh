#!/usr/bin/env bash
# Style and static checks, configured once in .clang-format and .clang-tidy:
#   1. clang-format --dry-run --Werror on every *.cc / *.h of the C++ folders;
#   2. clang-tidy (through run-clang-tidy, in parallel) on the library and app *.cc files, using the
#      compilation database of build/ (BUILD_DIR overrides). Run a full build first so generated
#      headers exist; deploy/test.sh --lint does both.
# Exits 1 when either check has findings. Changes nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${BUILD_DIR:-build}"
readonly BUILD_DIR
readonly FORMAT_DIRS=(common config observability gateway model adapters federation redis identity policy audit consent sharing booking sim app tests fuzz bench)
readonly TIDY_DIRS=(common config observability gateway model adapters federation redis identity policy audit consent sharing booking sim app)
# The database holds GCC's flags; clang-tidy must not fail on a GCC-only warning option.
readonly TIDY_EXTRA_ARG=-Wno-unknown-warning-option
JOBS="$(nproc)"
readonly JOBS

log() { printf 'lint: %s\n' "$*" >&2; }
die() {
  printf 'lint: error: %s\n' "$*" >&2
  exit 2
}

first_tool() {
  local tool
  for tool in "$@"; do
    if command -v "$tool" >/dev/null; then
      printf '%s\n' "$tool"
      return 0
    fi
  done
  return 1
}

# sources PATTERN DIR...: NUL-separated files under the existing DIRs whose names match PATTERN.
sources() {
  local pattern=$1 dirs=() dir
  shift
  for dir in "$@"; do [[ -d $dir ]] && dirs+=("$dir"); done
  ((${#dirs[@]} > 0)) || return 0
  find "${dirs[@]}" -type f -regextype posix-extended -regex "$pattern" -print0 | sort -z
}

# Escapes a literal string for use inside an extended regular expression.
# shellcheck disable=SC2001  # a bracket-expression substitution with & is clearest in sed
regex_escape() { sed 's/[][\.*^$?+(){}|]/\\&/g' <<<"$1"; }

check_format() {
  local clang_format files=()
  clang_format="$(first_tool clang-format-14 clang-format)" || die "clang-format not found (Debian package clang-format)"
  mapfile -d '' files < <(sources '.*\.(cc|h)' "${FORMAT_DIRS[@]}")
  if ((${#files[@]} == 0)); then
    log "clang-format: no sources found"
    return 0
  fi
  log "clang-format: checking ${#files[@]} files"
  if ! printf '%s\0' "${files[@]}" | xargs -0 "$clang_format" --dry-run --Werror; then
    log "clang-format: FAILED (fix with: $clang_format -i FILE...)"
    return 1
  fi
  log "clang-format: ok"
}

# Lists library sources that are not in the compilation database: clang-tidy cannot check those.
report_unbuilt() {
  local db=$1
  python3 - "$db" "$ROOT" "$@" <<'EOF'
import json, os, sys
db, root, files = sys.argv[1], sys.argv[2], sys.argv[3:]
known = {os.path.normpath(os.path.join(e["directory"], e["file"])) for e in json.load(open(db))}
for f in files:
    if os.path.normpath(os.path.join(root, f)) not in known:
        print(f"lint: clang-tidy: warning: {f} is not in {db} (not built?); not checked", file=sys.stderr)
EOF
}

strip_colour() {
  if [[ -t 1 ]]; then
    cat
  else
    sed -u 's/\x1b\[[0-9;]*m//g'
  fi
}

check_tidy() {
  local clang_tidy runner db files=() root_re dirs_re header_filter
  clang_tidy="$(first_tool clang-tidy-14 clang-tidy)" || die "clang-tidy not found (Debian package clang-tidy)"
  db="$BUILD_DIR/compile_commands.json"
  if [[ ! -f $db ]]; then
    log "clang-tidy: $db missing; configuring $BUILD_DIR/"
    cmake -S . -B "$BUILD_DIR" >/dev/null
  fi
  [[ -f $db ]] || die "$db was not generated (CMAKE_EXPORT_COMPILE_COMMANDS)"

  mapfile -d '' files < <(sources '.*\.cc' "${TIDY_DIRS[@]}")
  if ((${#files[@]} == 0)); then
    log "clang-tidy: no sources found"
    return 0
  fi
  report_unbuilt "$db" "${files[@]}"

  # Paths in the database are absolute; so are the header names clang-tidy matches.
  root_re="$(regex_escape "$ROOT")"
  dirs_re="($(IFS='|'; printf '%s' "${TIDY_DIRS[*]}"))"
  header_filter="^$root_re/$dirs_re/"
  log "clang-tidy: checking ${#files[@]} files with $JOBS jobs"
  if runner="$(first_tool run-clang-tidy-14 run-clang-tidy)"; then
    # run-clang-tidy always asks for colour; keep logs plain when stdout is not a terminal.
    if ! "$runner" -clang-tidy-binary "$(command -v "$clang_tidy")" -p "$BUILD_DIR" -quiet -j "$JOBS" \
      -extra-arg="$TIDY_EXTRA_ARG" -header-filter "$header_filter" "^$root_re/$dirs_re/.*\\.cc\$" | strip_colour; then
      log "clang-tidy: FAILED"
      return 1
    fi
  elif ! printf '%s\0' "${files[@]}" |
    xargs -0 -n 1 -P "$JOBS" "$clang_tidy" -p "$BUILD_DIR" --quiet --extra-arg="$TIDY_EXTRA_ARG" --header-filter="$header_filter"; then
    log "clang-tidy: FAILED"
    return 1
  fi
  log "clang-tidy: ok"
}

main() {
  [[ $# -eq 0 ]] || die "usage: deploy/lint.sh (no arguments; BUILD_DIR=dir to use another build)"
  local failed=0
  check_format || failed=1
  check_tidy || failed=1
  if ((failed)); then
    log "FAILED: see the findings above"
    exit 1
  fi
  log "clean"
}

main "$@"

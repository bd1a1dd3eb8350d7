#!/usr/bin/env bash
# Lints the exposition printed by metrics_dump with `promtool check metrics`; any finding fails.
# Usage: promtool_check.sh path/to/metrics_dump
set -euo pipefail

dump=${1:?usage: promtool_check.sh path/to/metrics_dump}
promtool=${PROMTOOL:-promtool}
if ! command -v "$promtool" >/dev/null 2>&1; then
  echo "promtool not found (Debian package 'prometheus'); skipping" >&2
  exit 77
fi

text=$("$dump")
if [[ -z "$text" ]]; then
  echo "metrics_dump printed nothing" >&2
  exit 1
fi

set +e
findings=$(printf '%s\n' "$text" | "$promtool" check metrics 2>&1)
rc=$?
set -e
if [[ $rc -ne 0 || -n "$findings" ]]; then
  echo "promtool check metrics failed (exit $rc):" >&2
  echo "$findings" >&2
  echo "--- exposition ---" >&2
  echo "$text" >&2
  exit 1
fi
echo "promtool: $(printf '%s\n' "$text" | grep -c -v '^#') samples, no findings"

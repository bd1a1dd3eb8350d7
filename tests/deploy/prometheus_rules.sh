#!/usr/bin/env bash
# prometheus_rules.sh DIR: promtool check config + check rules + test rules on deploy/prometheus/.
set -euo pipefail
dir=$1
command -v promtool >/dev/null || {
  echo "promtool not found (Debian package prometheus)" >&2
  exit 77
}
cd "$dir"
promtool check config prometheus.yml
promtool check rules alerts.yml
promtool test rules alerts_test.yml

#!/usr/bin/env bash
# metrogw-sim inside the running compose demo, for tools that call the simulator binary, e.g.
#   python3 deploy/demo/scenario.py --sim deploy/compose/sim.sh
# (the scenario runs `SIM residents` to list the simulated metro residents; the containers' seed is
# the default one, so the list matches the running simulators). Any metrogw-sim arguments work.
# METROGW_STATE selects the prepared state (default build/compose), as for prepare.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${METROGW_STATE:-$HERE/../../build/compose}"
args=(-p metrogw -f "$HERE/compose.yaml")
if [[ -f $STATE/compose.env ]]; then args+=(--env-file "$STATE/compose.env"); fi
# Debian 12's docker-compose (1.29) or the Compose v2 plugin, whichever is installed.
compose=(docker-compose)
command -v docker-compose >/dev/null || compose=(docker compose)
exec "${compose[@]}" "${args[@]}" exec -T sim-nanjing metrogw-sim "$@"

#!/usr/bin/env bash
# The main job on a fresh machine: a full watch cycle on a simulated government site, offline.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/venv.sh"
exec "$root/.venv/bin/regwatch" demo "$@"

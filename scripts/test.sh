#!/usr/bin/env bash
# The whole test suite. Set REGWATCH_TEST_POSTGRES_URL to run the database tests on PostgreSQL too.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/venv.sh" test
cd "$root"
exec "$root/.venv/bin/python" -m pytest "$@"

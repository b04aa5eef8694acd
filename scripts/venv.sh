#!/usr/bin/env bash
# Create .venv (once) and install regwatch with the given extras; re-runs are no-ops until
# pyproject.toml changes. Sourced by scripts/demo.sh and scripts/test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
extras="${1:-}"
python="${PYTHON:-python3}"
if [ ! -x "$root/.venv/bin/python" ]; then
  "$python" -m venv "$root/.venv"
fi
stamp="$root/.venv/.regwatch-installed${extras:+-$extras}"
want="$(sha256sum "$root/pyproject.toml" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  # The system pip (23.2) crashes resolving lxml[html-clean] for trafilatura + readability-lxml.
  "$root/.venv/bin/python" -m pip install --quiet --upgrade pip
  "$root/.venv/bin/python" -m pip install --quiet -e "$root${extras:+[$extras]}"
  echo "$want" > "$stamp"
fi

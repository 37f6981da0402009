#!/usr/bin/env bash
# Creates (or refreshes) the Python venv that tools/ml/train.py runs in and prints its python path.
# Idempotent: reinstalls only when requirements.txt changed since the last successful install.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${FIELDMESH_ML_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/fieldmesh/ml-venv}"
python="${PYTHON:-python3}"
stamp="$venv/.requirements.sha256"
wanted="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"

if [[ ! -x "$venv/bin/python" ]]; then
  mkdir -p "$(dirname "$venv")"
  "$python" -m venv "$venv" >&2
fi
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  echo "$wanted" > "$stamp"
fi
echo "$venv/bin/python"

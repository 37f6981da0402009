#!/usr/bin/env bash
# Reproduces the shipped default models: records normal operation with the simulator, then trains one
# model per asset class into models/ (version given as $1, default 1.0.0). Each card names this script.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
version="${1:-1.0.0}"
python="$(tools/ml/setup-venv.sh)"
mkdir -p .fieldmesh/ml
npx tsx deploy/simulator/src/main.ts record --config tools/ml/normal-operation.yaml --out .fieldmesh/ml/normal-operation.csv
for class in compressor pump motor conveyor; do
  "$python" tools/ml/train.py --recording .fieldmesh/ml/normal-operation.csv --asset-class "$class" --version "$version" \
    --applicable 'load.min>=20' \
    --description "Simulated normal operation (tools/ml/normal-operation.yaml: seed 7, 6 lines, 4 h at 1 sample/s, no failures) of every ${class} of the plant, 10 s windows with the running load at or above 20 % (starts, stops and idling are outside the model)." \
    --command "tools/ml/train-defaults.sh ${version}  # = simulator record --config tools/ml/normal-operation.yaml, then train.py --recording .fieldmesh/ml/normal-operation.csv --asset-class ${class} --version ${version} --applicable 'load.min>=20'"
done

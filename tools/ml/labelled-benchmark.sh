#!/usr/bin/env bash
# Chooses an anomaly model by backtest on labelled recordings in the SKAB layout (github.com/waico/SKAB:
# data/<folder>/<n>.csv, ';'-separated, zoneless timestamps, eight signals, `anomaly` 0/1), each file one
# run of the pump testbed. Runs alternate between training and test: the candidates are trained on the
# training runs only and judged on the test runs, each test run learning its own baseline from its first
# windows, as the operator does on a new asset.
#
#   tools/ml/labelled-benchmark.sh <data folder> [work folder]     (npm run data:skab -- <SKAB>/data)
#
# Candidates: the pooled class model of the issue (ppca, no baseline), ppca with per-asset baselines and an
# autoencoder with per-asset baselines. Prints `fieldmesh models evaluate` for each and picks the best
# point-wise F1 among those with a false-alarm rate of at most 15 %. Options through the environment:
# TIMEZONE (default Europe/Moscow, where SKAB was recorded), BASELINE_WINDOWS (default 30 windows of 10 s).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
data="${1:?usage: tools/ml/labelled-benchmark.sh <data folder> [work folder]}"
work="${2:-.fieldmesh/labelled-benchmark}"
timezone="${TIMEZONE:-Europe/Moscow}"
baseline="${BASELINE_WINDOWS:-30}"
python="$(tools/ml/setup-venv.sh)"
rm -rf "$work" && mkdir -p "$work"

mapfile -t files < <(find "$data" -name '*.csv' -not -path '*anomaly-free*' | sort -V)
if [[ ${#files[@]} -lt 2 ]]; then echo "need at least two runs (CSV files) under $data" >&2; exit 2; fi
train=() test=()
for i in "${!files[@]}"; do if ((i % 2 == 0)); then train+=("${files[$i]}"); else test+=("${files[$i]}"); fi; done
echo "${#files[@]} runs: ${#train[@]} for training, ${#test[@]} for the backtest" >&2

signals='Accelerometer1RMS,Accelerometer2RMS,Current,Pressure,Temperature,Thermocouple,Voltage,Volume Flow RateRMS'
import() {
  npx tsx contracts/cli/src/main.ts data import "${@:2}" --out "$1" --asset-class pump --timezone "$timezone" \
    --delimiter ';' --time-column datetime --label-column anomaly --columns "$signals"
}
import "$work/train.csv" "${train[@]}"
import "$work/test.csv" "${test[@]}"
npx tsx domains/asset-health/src/features-export.ts --recording "$work/train.csv" --out "$work/train-features.csv"

declare -A candidates=(
  [pooled-ppca]="--family ppca"
  [baseline-ppca]="--family ppca --baseline-windows $baseline"
  [baseline-autoencoder]="--family autoencoder --baseline-windows $baseline"
)
for name in pooled-ppca baseline-ppca baseline-autoencoder; do
  # shellcheck disable=SC2086 # the candidate's options are words
  "$python" tools/ml/train.py --features "$work/train-features.csv" --asset-class pump --models-dir "$work/$name" --version 1.0.0 \
    --threshold-quantile 0.99 ${candidates[$name]} >&2
  npx tsx domains/asset-health/src/backtest.ts --recording "$work/test.csv" --models "$work/$name" --predictions-out "$work/$name.predictions.csv" >"$work/$name.backtest.txt"
  echo "== $name" && npx tsx contracts/cli/src/main.ts models evaluate --predictions "$work/$name.predictions.csv" | tee "$work/$name.evaluation.txt"
  npx tsx contracts/cli/src/main.ts models evaluate --predictions "$work/$name.predictions.csv" --json >"$work/$name.evaluation.json"
done

"$python" - "$work" <<'EOF'
import json, sys
from pathlib import Path
work = Path(sys.argv[1])
results = {path.name.removesuffix(".evaluation.json"): json.loads(path.read_text())["pointwise"] for path in sorted(work.glob("*.evaluation.json"))}
eligible = {name: r for name, r in results.items() if r["falseAlarmRate"] <= 0.15}
if not eligible:
    sys.exit("no candidate keeps the false-alarm rate at or below 15 %; none chosen")
best = max(eligible, key=lambda name: eligible[name]["f1"])
r = results[best]
print(f"chosen by backtest: {best} (point-wise F1 {r['f1']:.3f}, false-alarm rate {r['falseAlarmRate']:.3f}, missed-alarm rate {r['missedAlarmRate']:.3f}); model in {work / best}")
EOF

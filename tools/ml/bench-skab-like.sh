#!/usr/bin/env bash
# The labelled benchmark on synthetic SKAB-like runs (tools/ml/skab_like.py: 34 runs like SKAB's, seed 1),
# for when the real SKAB data is not at hand: `npm run bench:skab-like`. Its figures show that the import,
# baselines, training and backtest work together; they are not figures of a real plant.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
python="$(tools/ml/setup-venv.sh)"
"$python" tools/ml/skab_like.py --out .fieldmesh/skab-like --runs "${RUNS:-34}" --seed "${SEED:-1}" >&2
exec tools/ml/labelled-benchmark.sh .fieldmesh/skab-like .fieldmesh/skab-like-benchmark

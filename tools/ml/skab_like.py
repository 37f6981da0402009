#!/usr/bin/env python3
"""Write synthetic recordings in the layout of the SKAB pump testbed benchmark (github.com/waico/SKAB).

Each run is one CSV like SKAB's data/<valve1|valve2|other>/<n>.csv: `;`-separated, zoneless local
timestamps at 1 s, the testbed's eight signals, then `anomaly` and `changepoint` (0/1). What makes SKAB
hard for one pooled model is reproduced on purpose: every run has its own normal level (temperature up to
9 °C apart between runs, drifting 0.5 °C within one), and each run holds one failure episode after a
normal start: a valve closure (valve1/valve2: flow down, pressure and current up) or, in other/, a rotor
imbalance (vibration up), a heating fault (temperature ramp) or cavitation (pressure and flow noise).

These are test fixtures and a stand-in for the real data, never a replacement for it: figures measured on
them say the pipeline works, not how it does on a real plant. Deterministic for a given --seed.

Usage: skab_like.py --out <folder> [--runs 12] [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np

SIGNALS = ("Accelerometer1RMS", "Accelerometer2RMS", "Current", "Pressure", "Temperature", "Thermocouple", "Voltage", "Volume Flow RateRMS")
FOLDERS = ("valve1", "valve2", "other")
OTHER_FAULTS = ("imbalance", "heating", "cavitation")


def run(rng: np.random.Generator, seconds: int, fault: str) -> tuple[np.ndarray, np.ndarray]:
    """One run's readings [seconds × 8] and its 0/1 anomaly labels."""
    t = np.arange(seconds)
    level = {
        "acc1": rng.uniform(0.024, 0.030),
        "acc2": rng.uniform(0.036, 0.042),
        "current": rng.uniform(0.9, 1.3),
        "temperature": rng.uniform(66.0, 75.0),
        "thermocouple": rng.uniform(23.0, 29.0),
        "voltage": rng.uniform(225.0, 240.0),
        "flow": rng.uniform(30.0, 34.0),
    }
    drift = rng.uniform(-0.5, 0.5) * t / seconds
    X = np.column_stack(
        [
            level["acc1"] + rng.normal(0, 0.0003, seconds),
            level["acc2"] + rng.normal(0, 0.0006, seconds),
            level["current"] + rng.normal(0, 0.25, seconds),
            np.round(rng.normal(0.05, 0.3, seconds) / 0.328) * 0.328 + 0.055,
            level["temperature"] + drift + rng.normal(0, 0.08, seconds),
            level["thermocouple"] + 0.3 * drift + rng.normal(0, 0.01, seconds),
            level["voltage"] + rng.normal(0, 11.0, seconds),
            np.round(level["flow"] + rng.normal(0, 0.5, seconds)),
        ]
    )
    start = int(rng.uniform(0.40, 0.60) * seconds)
    end = min(seconds, start + int(rng.uniform(0.25, 0.35) * seconds))
    labels = np.zeros(seconds, dtype=int)
    labels[start:end] = 1
    span = np.arange(end - start)
    onset = np.minimum(1.0, span / 20.0)  # faults build up over about 20 s
    if fault == "valve":
        X[start:end, 7] -= onset * rng.uniform(4.0, 8.0)
        X[start:end, 3] += onset * rng.uniform(0.3, 0.6)
        X[start:end, 2] += onset * rng.uniform(0.15, 0.3)
    elif fault == "imbalance":
        X[start:end, 0] += onset * rng.uniform(0.0015, 0.003)
        X[start:end, 1] += onset * rng.uniform(0.002, 0.004)
    elif fault == "heating":
        X[start:end, 4] += span * rng.uniform(0.01, 0.02)
        X[start:end, 5] += span * rng.uniform(0.002, 0.004)
    else:  # cavitation
        X[start:end, 3] += onset * rng.normal(0, 0.6, end - start)
        X[start:end, 7] += onset * rng.normal(0, 2.0, end - start)
    return X, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write valve1/, valve2/ and other/ into")
    parser.add_argument("--runs", type=int, default=12, help="number of runs, spread over the three folders (default 12)")
    parser.add_argument("--seconds", type=int, default=1150, help="length of a run in seconds (SKAB's are about 1150; default 1150)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    start = dt.datetime(2020, 3, 9, 10, 0, 0)
    for i in range(args.runs):
        folder = FOLDERS[i % 3]
        fault = "valve" if folder != "other" else OTHER_FAULTS[(i // 3) % 3]
        X, labels = run(rng, args.seconds, fault)
        changepoints = np.diff(np.concatenate([[0], labels])) != 0
        out = args.out / folder / f"{i // 3}.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        first = start + dt.timedelta(hours=2 * i)
        with out.open("w") as file:
            file.write(";".join(("datetime", *SIGNALS, "anomaly", "changepoint")) + "\n")
            for k in range(args.seconds):
                stamp = (first + dt.timedelta(seconds=k)).strftime("%Y-%m-%d %H:%M:%S")
                file.write(";".join([stamp, *(f"{v:.6g}" for v in X[k]), f"{labels[k]:.1f}", f"{float(changepoints[k]):.1f}"]) + "\n")
    print(f"{args.runs} runs of {args.seconds} s → {args.out}")


if __name__ == "__main__":
    main()

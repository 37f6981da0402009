#!/usr/bin/env python3
"""Train an asset-health anomaly model from recorded normal operation and write a new model version.

The model is a Gaussian of the standardised window features whose covariance is probabilistic PCA
(scikit-learn's PCA: the leading components plus isotropic noise), so strongly correlated features such
as a signal's mean, min, max and RMS do not make it singular. Its score is the squared Mahalanobis
distance divided by the number of features (about 1 in normal operation); the per-feature terms
z_i * (P z)_i sum to that score and say which features drove it. It is exported to ONNX with skl2onnx
through a registered converter, checked against scikit-learn, and written with its model card.

Input: the features CSV the pipeline's own feature code exports
(`npx tsx domains/asset-health/src/features-export.ts`), from a simulator recording (--recording runs the
export first) or exported from the ClickHouse table of asset-health.features.v1. Labelled windows (a
failure active) are left out: the model learns normal operation only.

Two model families, chosen by backtest rather than by default (docs/models.md): `ppca` above, and
`autoencoder`, a scikit-learn MLPRegressor trained to reproduce the standardised features through a
narrow layer; its score is the mean squared reconstruction error and the per-feature squared errors are
its contributions. With --baseline-windows N each asset's features are first centred on the mean of its
own first N windows (the operator does the same when it serves the model: the card's `baseline`), so the
model learns how a machine moves around its own normal level instead of taking the spread of levels
between machines or runs as normal.

Run `tools/ml/train.py --help`; it needs the venv from tools/ml/setup-venv.sh.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import sklearn
import skl2onnx
import yaml
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA
from sklearn.neural_network import MLPRegressor
from skl2onnx import to_onnx, update_registered_converter
from skl2onnx.algebra.onnx_ops import OnnxAdd, OnnxDiv, OnnxLog, OnnxMatMul, OnnxMul, OnnxReduceSumApi11, OnnxRelu, OnnxSub, OnnxTanh
from skl2onnx.common.data_types import FloatTensorType

REPO_ROOT = Path(__file__).resolve().parents[2]
META_COLUMNS = ("assetPath", "assetClass", "windowStart", "windowEnd", "readingCount", "labels")
TARGET_OPSET = 17
INPUT_NAME = "features"


class StandardisedModel(BaseEstimator):
    """Log of the masked columns (spreads), then standardisation: the input stage both families share."""

    def _logged(self, X: np.ndarray) -> np.ndarray:
        """log(x + eps) on the masked columns (spreads), x elsewhere: written as one expression so ONNX can do the same."""
        m = self.log_mask_
        return X * (1 - m) + np.log(np.maximum(X, 0) * m + self.log_eps_)

    def _fit_standardisation(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        self.log_mask_ = np.zeros(X.shape[1]) if self.log_mask is None else np.asarray(self.log_mask, dtype=np.float64)
        # A spread of exactly 0 (a stuck sensor) must stay finite but far below any normal spread: 1 % of the median.
        self.log_eps_ = np.where(self.log_mask_ > 0, 0.01 * np.maximum(np.median(X, axis=0), 1e-9), 1.0)
        X = self._logged(X)
        self.mean_ = X.mean(axis=0)
        # A feature that never varied in training (a constant) must not divide by zero; any change of it
        # is then measured in units of a tiny spread and dominates the score, which is what it should do.
        self.scale_ = np.maximum(X.std(axis=0), 1e-6 * np.maximum(1.0, np.abs(self.mean_)))
        self.n_features_in_ = X.shape[1]
        return (X - self.mean_) / self.scale_

    def _standardised(self, X: np.ndarray) -> np.ndarray:
        return (self._logged(np.asarray(X, dtype=np.float64)) - self.mean_) / self.scale_

    def score_samples(self, X: np.ndarray) -> np.ndarray:
        return self.contributions(X).sum(axis=1)


class PpcaMahalanobis(StandardisedModel):
    """Standardise, fit probabilistic PCA, score by Mahalanobis distance per feature."""

    def __init__(self, variance: float = 0.99, log_mask: np.ndarray | None = None, random_state: int = 0):
        self.variance = variance
        self.log_mask = log_mask
        self.random_state = random_state

    def fit(self, X: np.ndarray, y=None):
        Z = self._fit_standardisation(X)
        self.pca_ = PCA(n_components=self.variance, svd_solver="full", random_state=self.random_state).fit(Z)
        self.precision_ = self.pca_.get_precision()
        return self

    def contributions(self, X: np.ndarray) -> np.ndarray:
        Z = self._standardised(X)
        return Z * (Z @ self.precision_) / self.n_features_in_


class Autoencoder(StandardisedModel):
    """Standardise, fit an MLP that reproduces its input through a narrow layer; score by reconstruction error."""

    def __init__(self, hidden: tuple[int, ...] = (16, 4, 16), log_mask: np.ndarray | None = None, random_state: int = 0):
        self.hidden = hidden
        self.log_mask = log_mask
        self.random_state = random_state

    def fit(self, X: np.ndarray, y=None):
        Z = self._fit_standardisation(X)
        self.mlp_ = MLPRegressor(
            hidden_layer_sizes=self.hidden, activation="tanh", alpha=1e-3, max_iter=2000, early_stopping=len(Z) >= 50, random_state=self.random_state
        ).fit(Z, Z)
        return self

    def contributions(self, X: np.ndarray) -> np.ndarray:
        Z = self._standardised(X)
        return (Z - self.mlp_.predict(Z)) ** 2 / self.n_features_in_


def _shape(operator):
    n = operator.inputs[0].get_first_dimension()
    features = operator.raw_operator.n_features_in_
    operator.outputs[0].type = FloatTensorType([n, 1])
    operator.outputs[1].type = FloatTensorType([n, features])


def _standardised_graph(model: StandardisedModel, raw, opv):
    m = model.log_mask_.astype(np.float32)
    x = OnnxAdd(
        OnnxMul(raw, (1 - m), op_version=opv),
        OnnxLog(OnnxAdd(OnnxMul(OnnxRelu(raw, op_version=opv), m, op_version=opv), model.log_eps_.astype(np.float32), op_version=opv), op_version=opv),
        op_version=opv,
    )
    return OnnxDiv(OnnxSub(x, model.mean_.astype(np.float32), op_version=opv), model.scale_.astype(np.float32), op_version=opv)


def _ppca_terms(model: PpcaMahalanobis, z, opv):
    return OnnxMul(z, OnnxMatMul(z, model.precision_.astype(np.float32), op_version=opv), op_version=opv)


def _autoencoder_terms(model: Autoencoder, z, opv):
    """The MLP's forward pass written out (tanh hidden layers, identity output), then squared residuals."""
    layer = z
    last = len(model.mlp_.coefs_) - 1
    for i, (weights, bias) in enumerate(zip(model.mlp_.coefs_, model.mlp_.intercepts_)):
        layer = OnnxAdd(OnnxMatMul(layer, weights.astype(np.float32), op_version=opv), bias.astype(np.float32), op_version=opv)
        if i < last:
            layer = OnnxTanh(layer, op_version=opv)
    residual = OnnxSub(z, layer, op_version=opv)
    return OnnxMul(residual, residual, op_version=opv)


def _converter(terms_of):
    def convert(scope, operator, container):
        model = operator.raw_operator
        opv = container.target_opset
        z = _standardised_graph(model, operator.inputs[0], opv)
        terms = OnnxMul(terms_of(model, z, opv), np.array([1.0 / model.n_features_in_], dtype=np.float32), op_version=opv, output_names=[operator.outputs[1]])
        score = OnnxReduceSumApi11(terms, axes=[1], keepdims=1, op_version=opv, output_names=[operator.outputs[0]])
        terms.add_to(scope, container)
        score.add_to(scope, container)

    return convert


def _parser(alias: str):
    def parse(scope, model, inputs, custom_parsers=None):
        operator = scope.declare_local_operator(alias, model)
        operator.inputs = inputs
        operator.outputs.append(scope.declare_local_variable("score", FloatTensorType()))
        operator.outputs.append(scope.declare_local_variable("contributions", FloatTensorType()))
        return operator.outputs

    return parse


update_registered_converter(PpcaMahalanobis, "FieldmeshPpcaMahalanobis", _shape, _converter(_ppca_terms), parser=_parser("FieldmeshPpcaMahalanobis"))
update_registered_converter(Autoencoder, "FieldmeshAutoencoder", _shape, _converter(_autoencoder_terms), parser=_parser("FieldmeshAutoencoder"))


def export_features(recording: Path, out: Path) -> None:
    command = ["npx", "tsx", "domains/asset-health/src/features-export.ts", "--recording", str(recording), "--out", str(out)]
    print("$", " ".join(command), file=sys.stderr)
    subprocess.run(command, cwd=REPO_ROOT, check=True, stdout=sys.stderr)


def parse_condition(text: str) -> dict:
    match = re.fullmatch(r"([a-z0-9_]+\.[a-z]+|readingCount)(>=|<=)(-?[0-9.]+)", text)
    if not match:
        raise argparse.ArgumentTypeError(f"'{text}' is not <signal>.<stat>>=<number> or <=<number>, e.g. load.min>=20")
    feature, op, number = match.groups()
    return {"feature": feature, "min" if op == ">=" else "max": float(number)}


def applies(row: dict, conditions: list[dict]) -> bool:
    for condition in conditions:
        cell = row.get(condition["feature"], "")
        if cell == "":
            return False
        value = float(cell)
        if ("min" in condition and value < condition["min"]) or ("max" in condition and value > condition["max"]):
            return False
    return True


def read_features(path: Path, asset_class: str, conditions: list[dict], baseline_windows: int):
    with path.open(newline="") as file:
        reader = csv.DictReader(file)
        columns = [c for c in reader.fieldnames or [] if c not in META_COLUMNS]
        rows = [row for row in reader if row["assetClass"] == asset_class]
    if not rows:
        sys.exit(f"{path} has no windows of asset class '{asset_class}'. Check --asset-class against the assetClass column.")
    # A window cut short (the end of a recording, a gap) has too few readings for its spreads and slopes to
    # mean anything; the model covers windows with at least half the usual number of readings.
    usual = float(np.median([int(row["readingCount"]) for row in rows]))
    conditions.insert(0, {"feature": "readingCount", "min": float(np.ceil(usual / 2))})
    applicable = sorted((row for row in rows if applies(row, conditions)), key=lambda row: int(row["windowStart"]))
    # Inputs are the features the class always has: a signal the class does not measure is empty throughout.
    normal = [row for row in applicable if not row["labels"]]
    present = [c for c in columns if sum(1 for row in normal if row[c] != "") >= 0.99 * len(normal)]
    values = {id(row): np.array([float(row[c]) if row[c] != "" else np.nan for c in present]) for row in applicable}
    if baseline_windows:
        # As the operator serves the model: an asset's first applicable windows (whatever their label) are its
        # baseline and are not scored; the rest are centred on the baseline's mean.
        seen: dict[str, list] = {}
        for row in applicable:
            seen.setdefault(row["assetPath"], []).append(row)
        short = sorted(asset for asset, windows in seen.items() if len(windows) <= baseline_windows)
        if short:
            print(f"warning: {len(short)} asset(s) have no more than {baseline_windows} applicable windows, all baseline, none to train on: {', '.join(short[:5])}",
                  file=sys.stderr)
        centred = []
        for windows in seen.values():
            means = np.nanmean(np.array([values[id(row)] for row in windows[:baseline_windows]]), axis=0)
            for row in windows[baseline_windows:]:
                values[id(row)] = values[id(row)] - np.nan_to_num(means)
                centred.append(row)
        normal = [row for row in sorted(centred, key=lambda row: int(row["windowStart"])) if not row["labels"]]
    complete = [row for row in normal if not np.isnan(values[id(row)]).any()]
    X = np.array([values[id(row)] for row in complete], dtype=np.float64).reshape(len(complete), len(present))
    starts = np.array([int(row["windowStart"]) for row in complete])
    ends = np.array([int(row["windowEnd"]) for row in complete])
    assets = sorted({row["assetPath"] for row in complete})
    return present, X, starts, ends, assets, sum(1 for row in rows if row["labels"])


def drift_reference(X: np.ndarray, names: list[str]) -> list[dict]:
    """Training mean and spread per feature, and decile bins with their training shares for PSI."""
    stats = []
    for i, name in enumerate(names):
        column = X[:, i]
        edges = np.unique(np.quantile(column, np.linspace(0.1, 0.9, 9)))
        counts = np.bincount(np.searchsorted(edges, column, side="right"), minlength=len(edges) + 1)
        stats.append(
            {
                "name": name,
                "mean": float(column.mean()),
                "std": float(column.std()),
                "binEdges": [float(e) for e in edges],
                "binShares": [round(float(c) / len(column), 6) for c in counts],
            }
        )
    return stats


def next_version(models_dir: Path, name: str) -> str:
    versions = []
    for child in (models_dir / name).glob("*"):
        parts = child.name.split(".")
        if child.is_dir() and len(parts) == 3 and all(p.isdigit() for p in parts):
            versions.append(tuple(int(p) for p in parts))
    if not versions:
        return "1.0.0"
    major, minor, _ = max(versions)
    return f"{major}.{minor + 1}.0"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--recording", type=Path, help="simulator recording (CSV + .mapping.yaml + .labels.jsonl); features are exported first")
    source.add_argument("--features", type=Path, help="features CSV from features-export.ts or the ClickHouse features table")
    parser.add_argument("--asset-class", required=True, help="asset class to train, e.g. pump")
    parser.add_argument("--name", help="model name (default asset-health-<class>)")
    parser.add_argument("--version", help="model version (default: next minor after the newest in --models-dir)")
    parser.add_argument("--models-dir", type=Path, default=REPO_ROOT / "models", help="model registry root (default models/)")
    parser.add_argument("--family", choices=("ppca", "autoencoder"), default="ppca", help="model family (default ppca); compare families with the backtest before promoting one")
    parser.add_argument("--variance", type=float, default=0.99, help="ppca: share of variance the PCA components keep (default 0.99)")
    parser.add_argument("--hidden", default="16,4,16", help="autoencoder: hidden layer sizes, the narrow one in the middle (default 16,4,16)")
    parser.add_argument(
        "--baseline-windows",
        type=int,
        default=0,
        help="centre each asset's features on the mean of its own first N applicable windows (the operator does the same when serving; those windows are not scored). Default 0: no per-asset baseline",
    )
    parser.add_argument("--validation-share", type=float, default=0.25, help="newest share of windows held out to set the threshold (default 0.25)")
    parser.add_argument("--threshold-quantile", type=float, default=0.999, help="threshold = this quantile of validation scores (default 0.999)")
    parser.add_argument("--threshold-margin", type=float, default=1.25, help="threshold multiplier above the quantile (default 1.25)")
    parser.add_argument(
        "--min-validation-windows",
        type=int,
        help="fewest validation windows the threshold quantile may rest on (default: 1 / (1 - quantile), so at least one window lies above it); below it train.py warns",
    )
    parser.add_argument(
        "--applicable",
        type=parse_condition,
        action="append",
        default=[],
        help="operating condition the model covers, e.g. load.min>=20 (running, not starting or idling); windows outside are not scored",
    )
    parser.add_argument("--description", default="", help="training data description for the card (how it was recorded)")
    parser.add_argument("--command", help="the command to put in the card (default: this command line)")
    args = parser.parse_args()

    name = args.name or f"asset-health-{args.asset_class}"
    version = args.version or next_version(args.models_dir, name)
    with tempfile.TemporaryDirectory() as scratch:
        features_csv = args.features
        if args.recording:
            features_csv = Path(scratch) / "features.csv"
            export_features(args.recording, features_csv)
        names, X, starts, ends, assets, labelled = read_features(features_csv, args.asset_class, args.applicable, args.baseline_windows)
        source_file = args.recording or args.features
        source_digest = sha256(source_file)

    split = int(len(X) * (1 - args.validation_share))
    train, validation = X[:split], X[split:]
    if len(train) < len(names):
        print(
            f"warning: {len(train)} training windows for {len(names)} features: the model cannot learn how the features move together "
            "and will flag ordinary variation. Record longer normal operation, use a shorter window, or train on fewer signals.",
            file=sys.stderr,
        )
    if len(validation) == 0:
        sys.exit(f"no validation windows ({len(X)} windows, --validation-share {args.validation_share}); record longer normal operation")
    minimum = args.min_validation_windows or int(np.ceil(1 / (1 - args.threshold_quantile)))
    if len(validation) < minimum:
        print(
            f"warning: the threshold is the {args.threshold_quantile} quantile of only {len(validation)} validation windows (at least {minimum} wanted), "
            "so it is about the largest validation score and uncertain. Record longer normal operation, raise --validation-share or lower --threshold-quantile.",
            file=sys.stderr,
        )
    # Centred features can be negative: spreads are logged only when they are raw.
    log_mask = np.array([1.0 if n.endswith(".std") and not args.baseline_windows else 0.0 for n in names])
    if args.family == "autoencoder":
        hidden = tuple(int(size) for size in args.hidden.split(","))
        model = Autoencoder(hidden=hidden, log_mask=log_mask).fit(train)
        algorithm = {
            "name": "autoencoder",
            "summary": "StandardScaler + MLPRegressor autoencoder (tanh) reproducing the standardised features; score = mean squared reconstruction error; contributions = squared errors / features",
            "parameters": {"hidden": list(hidden), "iterations": int(model.mlp_.n_iter_)},
        }
        shape = f"hidden layers {args.hidden}"
    else:
        model = PpcaMahalanobis(variance=args.variance, log_mask=log_mask).fit(train)
        algorithm = {
            "name": "ppca-mahalanobis",
            "summary": "log of spreads (.std), StandardScaler + probabilistic PCA covariance; score = squared Mahalanobis distance / features; contributions z_i * (P z)_i / features sum to the score",
            "parameters": {"variance": args.variance, "components": int(model.pca_.n_components_)},
        }
        shape = f"{model.pca_.n_components_} components"
    validation_scores = model.score_samples(validation)
    train_scores = model.score_samples(train)
    threshold = float(np.quantile(validation_scores, args.threshold_quantile) * args.threshold_margin)

    onx = to_onnx(model, train[:1].astype(np.float32), target_opset={"": TARGET_OPSET}, initial_types=[(INPUT_NAME, FloatTensorType([None, len(names)]))])
    onnx.checker.check_model(onx)
    session = onnxruntime.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    onnx_score, onnx_terms = session.run(["score", "contributions"], {INPUT_NAME: validation.astype(np.float32)})
    deviation = float(np.max(np.abs(onnx_score[:, 0] - validation_scores) / np.maximum(1.0, validation_scores)))
    if deviation > 1e-3:
        sys.exit(f"the ONNX model's scores differ from scikit-learn's by {deviation:.2e} (relative); refusing to write it")

    out = args.models_dir / name / version
    out.mkdir(parents=True, exist_ok=False)
    onnx.save(onx, out / "model.onnx")
    window_ms = int(np.median(ends - starts))
    command = args.command or " ".join(shlex.quote(a) for a in ["tools/ml/train.py", *sys.argv[1:]])
    card = {
        "name": name,
        "version": version,
        "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "description": f"Anomaly score of one {args.asset_class} feature window: how far the window's signal statistics lie from normal operation, allowing for how they move together.",
        "labels": {"assetClass": args.asset_class, "featureWindowMs": str(window_ms), "task": "anomaly-detection"},
        "algorithm": {
            **algorithm,
            "libraries": {"scikit-learn": sklearn.__version__, "skl2onnx": skl2onnx.__version__, "onnx": onnx.__version__, "numpy": np.__version__, "opset": TARGET_OPSET},
        },
        "inputs": {"tensor": INPUT_NAME, "features": names},
        "applicability": args.applicable,
        "outputs": {"score": "score", "contributions": "contributions"},
        "threshold": round(threshold, 6),
        **({"baseline": {"windows": args.baseline_windows}} if args.baseline_windows else {}),
        "trainingData": {
            "description": args.description or f"Normal operation of {len(assets)} {args.asset_class} assets, windows with a failure label left out.",
            "source": os.path.relpath(source_file.resolve(), REPO_ROOT) if source_file.resolve().is_relative_to(REPO_ROOT) else source_file.name,
            "sha256": source_digest,
            "command": command,
            "assets": assets,
            "windows": {"train": int(len(train)), "validation": int(len(validation)), "labelledLeftOut": int(labelled)},
            "from": dt.datetime.fromtimestamp(int(starts.min()) / 1000, dt.timezone.utc).isoformat().replace("+00:00", "Z"),
            "to": dt.datetime.fromtimestamp(int(ends.max()) / 1000, dt.timezone.utc).isoformat().replace("+00:00", "Z"),
            "featureStats": drift_reference(train, names),
        },
        "metrics": {
            "trainScoreP50": round(float(np.median(train_scores)), 4),
            "trainScoreP99": round(float(np.quantile(train_scores, 0.99)), 4),
            "validationScoreP50": round(float(np.median(validation_scores)), 4),
            "validationScoreP999": round(float(np.quantile(validation_scores, 0.999)), 4),
            "validationFalseAlarmRate": round(float(np.mean(validation_scores > threshold)), 6),
            **({"explainedVariance": round(float(model.pca_.explained_variance_ratio_.sum()), 4)} if args.family == "ppca" else {}),
            "onnxMaxRelativeDeviation": deviation,
        },
    }
    with (out / "model-card.yaml").open("w") as file:
        file.write(f"# Model card of {name} {version}, written by tools/ml/train.py. Reproduce with trainingData.command.\n")
        yaml.safe_dump(card, file, sort_keys=False, width=160)
    print(f"{name} {version}: {len(names)} features, {args.family} ({shape}), threshold {threshold:.3f}, "
          f"validation false alarms {card['metrics']['validationFalseAlarmRate']:.4%} → {out}")


if __name__ == "__main__":
    main()

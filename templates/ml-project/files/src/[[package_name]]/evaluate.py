"""Metrics, and re-evaluation of the saved model on the held-out test split."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

if not __package__:  # run as a file: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from [[package_name]].config import load_params  # noqa: E402
from [[package_name]].data import load_or_create, split  # noqa: E402
from [[package_name]].model import load_model, predict  # noqa: E402


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Accuracy, and F1 of the positive class (label 1)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    tp = np.sum((y_pred == 1) & (y_true == 1))
    fp = np.sum((y_pred == 1) & (y_true != 1))
    fn = np.sum((y_pred != 1) & (y_true == 1))
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"accuracy": float(np.mean(y_true == y_pred)), "f1": float(f1)}


def evaluate(params: dict) -> dict:
    """Score the saved model on the same test split that train.py held out."""
    X, y = load_or_create(params)
    _, X_test, _, y_test = split(X, y, params["data"]["test_size"], params["seed"])
    model = load_model(params["paths"]["model"])
    return classification_metrics(y_test, predict(model, X_test))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Evaluate the saved model on the test split.")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    args = parser.parse_args(argv)
    metrics = evaluate(load_params(args.params))
    print(json.dumps({name: round(value, 4) for name, value in metrics.items()}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

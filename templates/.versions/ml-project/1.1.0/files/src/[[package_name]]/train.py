"""Train the model configured in params.yaml; write the model file and metrics.json.

From the project root:
    python3 src/[[package_name]]/train.py [--params params.yaml]
    PYTHONPATH=src python3 -m [[package_name]].train
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if not __package__:  # run as a file: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from [[package_name]].config import load_params  # noqa: E402
from [[package_name]].data import load_or_create, split  # noqa: E402
from [[package_name]].evaluate import classification_metrics  # noqa: E402
from [[package_name]].model import fit, predict, save_model  # noqa: E402


def train(params: dict) -> dict:
    """Train on the training split, score the test split, save model and metrics."""
    X, y = load_or_create(params)
    X_train, X_test, y_train, y_test = split(X, y, params["data"]["test_size"], params["seed"])
    model, fit_metrics = fit(X_train, y_train, params)
    metrics = {**classification_metrics(y_test, predict(model, X_test)), **fit_metrics}
    metrics = {name: round(float(value), 4) for name, value in metrics.items()}

    save_model(model, params["paths"]["model"])
    metrics_path = params["paths"]["metrics"]
    metrics_path.parent.mkdir(parents=True, exist_ok=True)
    metrics_path.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the model configured in params.yaml.")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    args = parser.parse_args(argv)
    params = load_params(args.params)
    started = time.perf_counter()
    metrics = train(params)
    print(json.dumps(metrics, sort_keys=True))
    print(f"model: {params['paths']['model']} ({time.perf_counter() - started:.1f}s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

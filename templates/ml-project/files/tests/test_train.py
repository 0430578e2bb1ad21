import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from [[package_name]].data import load_or_create
from [[package_name]].evaluate import classification_metrics, evaluate
from [[package_name]].model import load_model, predict
from [[package_name]].train import train

ROOT = Path(__file__).resolve().parents[1]


def test_classification_metrics():
    metrics = classification_metrics(np.array([1, 1, 0, 0]), np.array([1, 0, 0, 0]))
    assert metrics["accuracy"] == pytest.approx(0.75)
    assert metrics["f1"] == pytest.approx(2 / 3)


def test_train_writes_metrics_and_model(params):
    metrics = train(params)
    assert json.loads(params["paths"]["metrics"].read_text()) == metrics
    assert metrics["accuracy"] > 0.75
    assert 0.0 <= metrics["f1"] <= 1.0
    assert params["paths"]["model"].is_file()


def test_training_is_reproducible(params):
    assert train(params) == train(params)


def test_saved_model_predicts(params):
    metrics = train(params)
    model = load_model(params["paths"]["model"])
    X, _ = load_or_create(params)
    predictions = predict(model, X[:20])
    assert predictions.shape == (20,)
    assert set(np.unique(predictions)) <= {0, 1}
    assert evaluate(params)["accuracy"] == pytest.approx(metrics["accuracy"], abs=1e-4)


@pytest.mark.parametrize("how", ["file", "module"])
def test_train_entry_points(params_file, how):
    env = dict(os.environ)
    if how == "file":
        env.pop("PYTHONPATH", None)  # the script must find its package on its own
        cmd = [sys.executable, str(ROOT / "src" / "[[package_name]]" / "train.py")]
    else:
        env["PYTHONPATH"] = str(ROOT / "src")
        cmd = [sys.executable, "-m", "[[package_name]].train"]
    result = subprocess.run(
        cmd + ["--params", str(params_file)],
        cwd=params_file.parent, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads((params_file.parent / "metrics.json").read_text())
    assert {"accuracy", "f1"} <= set(metrics)

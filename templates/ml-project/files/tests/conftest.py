"""Fixtures: a shrunken copy of params.yaml in tmp_path, so tests are fast and every
output (dataset, model, metrics) lands next to it instead of in the project."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from [[package_name]].config import load_params

ROOT = Path(__file__).resolve().parents[1]
# Small enough for a fast suite, large enough for a stable accuracy.
SMALL_DATA = {"n_samples": 400}
SMALL_MODEL = [[#framework_is_sklearn]]{"n_estimators": 25}[[/framework_is_sklearn]][[#framework_is_pytorch]]{"epochs": 15}[[/framework_is_pytorch]]


@pytest.fixture
def params_file(tmp_path: Path) -> Path:
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params["data"].update(SMALL_DATA)
    params["model"].update(SMALL_MODEL)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params), encoding="utf-8")
    return path


@pytest.fixture
def params(params_file: Path) -> dict:
    return load_params(params_file)

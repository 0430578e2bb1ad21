"""Reading params.yaml."""
from __future__ import annotations

from pathlib import Path

import yaml


def load_params(path: str | Path = "params.yaml") -> dict:
    """Load the parameters; entries under `paths` become absolute paths.

    They are resolved against the directory holding the params file rather than the
    working directory, so a copy of params.yaml elsewhere (as the tests use) keeps
    every output next to it.
    """
    path = Path(path)
    with path.open(encoding="utf-8") as f:
        params = yaml.safe_load(f)
    root = path.resolve().parent
    params["paths"] = {name: root / value for name, value in params["paths"].items()}
    return params

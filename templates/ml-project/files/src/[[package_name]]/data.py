"""Creating, saving and loading the dataset.

The project ships no data: when data/raw/dataset.csv is missing, a seeded synthetic
classification set is generated so that training works offline and reproducibly. To use
real data, put a CSV there with numeric feature columns and an integer `target` column
last, or change make_dataset.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
[[#framework_is_sklearn]]
from sklearn.datasets import make_classification
[[/framework_is_sklearn]]

if not __package__:  # run as a file: python src/[[package_name]]/data.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from [[package_name]].config import load_params  # noqa: E402

TARGET = "target"


def make_dataset(n_samples: int, n_features: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A binary classification problem; the same arguments always give the same data."""
[[#framework_is_sklearn]]
    return make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=max(2, n_features // 2),
        n_redundant=n_features // 4,
        random_state=seed,
    )
[[/framework_is_sklearn]]
[[#framework_is_pytorch]]
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    weights = rng.normal(size=n_features)
    # The interaction term keeps the classes from being linearly separable, which gives
    # the hidden layers something to learn.
    logits = X @ weights + 2.0 * X[:, 0] * X[:, 1] + rng.normal(scale=0.5, size=n_samples)
    return X, (logits > 0).astype(np.int64)
[[/framework_is_pytorch]]


def save_csv(X: np.ndarray, y: np.ndarray, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = ",".join([f"feature_{i}" for i in range(X.shape[1])] + [TARGET])
    fmt = ["%.8g"] * X.shape[1] + ["%d"]
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=header, comments="", fmt=fmt)


def load_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    return table[:, :-1], table[:, -1].astype(np.int64)


def load_or_create(params: dict, force: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Load paths.dataset, generating it first if it is missing (or if force is set).

    Freshly generated data is read back from the CSV too, so a run always trains on
    exactly what is on disk.
    """
    path = params["paths"]["dataset"]
    if force or not path.exists():
        cfg = params["data"]
        save_csv(*make_dataset(cfg["n_samples"], cfg["n_features"], params["seed"]), path)
    return load_csv(path)


def split(X: np.ndarray, y: np.ndarray, test_size: float, seed: int):
    """Shuffled train/test split: X_train, X_test, y_train, y_test; stable for a given seed."""
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = max(1, round(len(y) * test_size))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create the dataset if it is missing.")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--force", action="store_true", help="regenerate even if the file exists")
    args = parser.parse_args(argv)
    params = load_params(args.params)
    X, _ = load_or_create(params, force=args.force)
    print(f"{params['paths']['dataset']}: {X.shape[0]} rows, {X.shape[1]} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())

import numpy as np

from [[package_name]].data import load_csv, load_or_create, make_dataset, save_csv, split


def test_make_dataset_shape_and_labels():
    X, y = make_dataset(200, 6, seed=0)
    assert X.shape == (200, 6)
    assert y.shape == (200,)
    assert set(np.unique(y)) == {0, 1}


def test_make_dataset_is_deterministic():
    X1, y1 = make_dataset(100, 5, seed=1)
    X2, y2 = make_dataset(100, 5, seed=1)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = make_dataset(100, 5, seed=2)
    assert not np.array_equal(X1, X3)


def test_csv_round_trip(tmp_path):
    X, y = make_dataset(50, 4, seed=0)
    path = tmp_path / "nested" / "dataset.csv"
    save_csv(X, y, path)
    X2, y2 = load_csv(path)
    np.testing.assert_allclose(X2, X, rtol=1e-6)
    np.testing.assert_array_equal(y2, y)
    assert path.read_text().splitlines()[0].endswith(",target")


def test_load_or_create_generates_once(params):
    path = params["paths"]["dataset"]
    X, _ = load_or_create(params)
    assert path.exists()
    assert X.shape == (params["data"]["n_samples"], params["data"]["n_features"])
    written = path.stat().st_mtime_ns
    X2, _ = load_or_create(params)
    assert path.stat().st_mtime_ns == written
    np.testing.assert_array_equal(X, X2)


def test_split_is_disjoint_and_sized():
    X = np.arange(100).reshape(50, 2)
    y = np.arange(50) % 2
    X_train, X_test, y_train, y_test = split(X, y, test_size=0.2, seed=0)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (40, 10, 40, 10)
    assert not set(X_train[:, 0]) & set(X_test[:, 0])

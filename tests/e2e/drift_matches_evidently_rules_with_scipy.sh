#!/usr/bin/env bash
# mlops drift's numbers equal those of Evidently's default rules computed with pandas and scipy
# (Debian's /usr/bin/python3): column types, the test each column gets (small and large
# reference, few values, categories, a category absent from the reference, ties, a constant
# column, missing cells), every --method, thresholds, comparators and the dataset verdict.
# Statistics to 1e-9 relative, p-values to 1e-6.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

PY=/usr/bin/python3
$PY -c 'import scipy, pandas' 2>/dev/null || skip "$PY lacks scipy or pandas (Debian: python3-scipy python3-pandas)"

cat >check.py <<'PY'
import json, subprocess, sys
import numpy as np, pandas as pd
from scipy import stats
from scipy.spatial import distance

mlops = sys.argv[1]
rng = np.random.default_rng(7)

def frames(n_ref, n_cur):
    ref = pd.DataFrame({
        "f": rng.normal(0, 1, n_ref),
        "ties": np.round(rng.normal(0, 1, n_ref), 1),
        "few": rng.choice([1.5, 2.5, 3.5, 4.5], n_ref),
        "bin": rng.choice([0.0, 1.0], n_ref),
        "small_int": rng.integers(0, 6, n_ref),
        "big_int": rng.integers(0, 500, n_ref),
        "cat": rng.choice(["a", "b", "c"], n_ref),
        "yn": rng.choice(["yes", "no"], n_ref),
        "const": np.full(n_ref, 3.25),
        "gaps": np.where(rng.random(n_ref) < 0.2, np.nan, rng.normal(0, 1, n_ref)),
    })
    cur = pd.DataFrame({
        "f": rng.normal(0.2, 1, n_cur),
        "ties": np.round(rng.normal(0.05, 1, n_cur), 1),
        "few": rng.choice([1.5, 2.5, 3.5, 4.5], n_cur, p=[0.4, 0.2, 0.2, 0.2]),
        "bin": rng.choice([0.0, 1.0], n_cur, p=[0.4, 0.6]),
        "small_int": rng.integers(0, 6, n_cur),
        "big_int": rng.integers(20, 520, n_cur),
        "cat": rng.choice(["a", "b", "c", "new"], n_cur, p=[0.3, 0.3, 0.3, 0.1]),
        "yn": rng.choice(["yes", "no"], n_cur),
        "const": np.full(n_cur, 3.25),
        "gaps": np.where(rng.random(n_cur) < 0.1, np.nan, rng.normal(0.1, 1, n_cur)),
    })
    return ref, cur

def column_type(s):
    if s.dtype.kind == "f":
        return "num"
    if s.dtype.kind in "iu":
        return "cat" if s.nunique() <= 10 else "num"
    return "cat"

def binned(r, c, ctype, fill):
    if ctype == "num" and r.nunique() > 20:
        bins = np.histogram_bin_edges(pd.concat([r, c]), bins="sturges")
        rp = np.histogram(r, bins)[0] / len(r)
        cp = np.histogram(c, bins)[0] / len(c)
    else:
        keys = sorted(set(r.unique()) | set(c.unique()))
        rv, cv = r.value_counts(), c.value_counts()
        rp = np.array([rv.get(k, 0) for k in keys]) / len(r)
        cp = np.array([cv.get(k, 0) for k in keys]) / len(c)
    if fill:
        for p in (rp, cp):
            m = min(p[p != 0])
            np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return rp, cp

def test(method, r, c, ctype):
    """(score, p_value or None, threshold, comparator)"""
    if method == "ks":
        p = stats.ks_2samp(r, c)[1]
        return p, p, 0.05, "<="
    if method == "wasserstein":
        return stats.wasserstein_distance(r, c) / max(np.std(r), 0.001), None, 0.1, ">="
    if method == "chisquare":
        keys = sorted(set(r.unique()) | set(c.unique()))
        rv, cv = r.value_counts(), c.value_counts()
        k = len(c) / len(r)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = stats.chisquare([cv.get(x, 0) for x in keys], [rv.get(x, 0) * k for x in keys])[1]
        return p, p, 0.05, "<"
    if method == "z":
        if r.nunique() == 1 and c.nunique() == 1 and r.unique()[0] == c.unique()[0]:
            p = 1.0
        else:
            key = sorted(set(r.unique()) | set(c.unique()))[0]
            a, b = (r != key).astype(int), (c != key).astype(int)
            n1, n2 = len(a), len(b)
            p1, p2 = float(sum(a)) / n1, float(sum(b)) / n2
            P = float(p1 * n1 + p2 * n2) / (n1 + n2)
            z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
            p = 2 * (1 - stats.norm.cdf(np.abs(z)))
        return p, p, 0.05, "<"
    if method == "jensenshannon":
        rp, cp = binned(r, c, ctype, False)
        return distance.jensenshannon(rp, cp), None, 0.1, ">="
    if method == "psi":
        rp, cp = binned(r, c, ctype, True)
        return float(np.sum((rp - cp) * np.log(rp / cp))), None, 0.1, ">="
    if method == "kl":
        rp, cp = binned(r, c, ctype, True)
        return stats.entropy(rp, cp), None, 0.1, ">="

def auto(r, c, ctype):
    n_values = pd.concat([r, c]).nunique()
    small = len(r) <= 1000
    if ctype == "num" and n_values > 5:
        return "ks" if small else "wasserstein"
    if ctype == "num" and n_values > 2:
        return "chisquare" if small else "jensenshannon"
    if n_values > 2:
        return "chisquare" if small else "jensenshannon"
    return "z" if small else "jensenshannon"

def close(a, b, rel):
    if b is None or (isinstance(b, float) and np.isnan(b)):
        return a is None  # JSON has no NaN: null
    if a is None:
        return False
    return abs(a - b) <= rel * abs(b) or abs(a - b) < 1e-300

bad = 0
checked = 0
for n_ref, n_cur in [(300, 250), (1000, 900), (1001, 1300), (4000, 3000)]:
    ref, cur = frames(n_ref, n_cur)
    ref.to_csv("ref.csv", index=False)
    cur.to_csv("cur.csv", index=False)
    for method in ["auto", "ks", "wasserstein", "chisquare", "z", "jensenshannon", "psi", "kl"]:
        out = subprocess.run([mlops, "drift", "--reference", "ref.csv", "--current", "cur.csv", "--format", "json",
                              "--fail-on", "never", "--method", method], capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr); sys.exit(1)
        got = json.loads(out.stdout)
        drifted = 0
        tested = 0
        for col in ref.columns:
            r, c = ref[col].dropna(), cur[col].dropna()
            ctype = column_type(ref[col])
            m = auto(r, c, ctype) if method == "auto" else method
            if ctype == "cat" and ref[col].dtype.kind not in "iuf" and m in ("ks", "wasserstein"):
                m = auto(r, c, ctype)
            score, p, thr, cmp = test(m, r, c, ctype)
            drift = score <= thr if cmp == "<=" else (score < thr if cmp == "<" else score >= thr)
            g = got["drift_by_columns"][col]
            where = "n_ref=%d %s %s" % (n_ref, method, col)
            checked += 1
            tol = 1e-6 if p is not None else 1e-9
            if g["column_type"] != ctype or g["method"] != m or g["comparator"] != cmp or g["stattest_threshold"] != thr:
                print("%s: mlops %s/%s/%s/%s, expected %s/%s/%s/%s" % (where, g["column_type"], g["method"], g["comparator"],
                      g["stattest_threshold"], ctype, m, cmp, thr)); bad += 1
            elif not close(g["drift_score"], score, tol) or not close(g["p_value"], p, 1e-6) or g["drift_detected"] != drift:
                print("%s: mlops score %r p %r drift %r, scipy %r %r %r" % (where, g["drift_score"], g["p_value"],
                      g["drift_detected"], score, p, drift)); bad += 1
            if g["n_ref"] != len(r) or g["n_cur"] != len(c):
                print("%s: n_ref/n_cur %d/%d, expected %d/%d" % (where, g["n_ref"], g["n_cur"], len(r), len(c))); bad += 1
            tested += 1
            drifted += drift
        share = drifted / tested
        if got["number_of_drifted_columns"] != drifted or got["dataset_drift"] != (share >= 0.5) or \
                got["number_of_columns"] != tested or not close(got["share_of_drifted_columns"], share, 1e-12):
            print("n_ref=%d %s: dataset %r, expected %d drifted of %d" % (n_ref, method, {k: got[k] for k in
                  ["number_of_columns", "number_of_drifted_columns", "dataset_drift"]}, drifted, tested)); bad += 1
print("checked %d column results, %d differ" % (checked, bad))
sys.exit(1 if bad else 0)
PY
$PY check.py "$MLOPS" || fail "mlops drift differs from Evidently's rules computed with scipy (above)"

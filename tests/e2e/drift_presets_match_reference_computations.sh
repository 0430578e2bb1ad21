#!/usr/bin/env bash
# --preset nannyml|alibi|mlops and --correction give the numbers those rules give when computed
# independently with numpy and scipy (Debian's /usr/bin/python3; no statsmodels: the BH and
# Bonferroni adjustments are written out in numpy): alibi's asymptotic K-S and chi-square
# contingency with Bonferroni and "any column" dataset drift, NannyML's base-2 Jensen-Shannon
# on Doane bins fit on the reference with a leftover bin and a mean + 3 std threshold over 10
# reference chunks, the mlops preset's p-value, effect size and BH adjustment.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

PY=/usr/bin/python3
$PY -c 'import scipy, pandas' 2>/dev/null || skip "$PY lacks scipy or pandas (Debian: python3-scipy python3-pandas)"

cat >check.py <<'PY'
import json, subprocess, sys
import numpy as np, pandas as pd
from scipy import stats
from scipy.spatial import distance
from scipy.stats.contingency import association

mlops = sys.argv[1]
rng = np.random.default_rng(11)

def frames(n_ref, n_cur):
    ref = pd.DataFrame({
        "f": rng.normal(0, 1, n_ref),
        "g": rng.normal(0, 1, n_ref) ** 2,
        "h": rng.normal(5, 2, n_ref),
        "ties": np.round(rng.normal(0, 1, n_ref), 1),
        "cat": rng.choice(["a", "b", "c"], n_ref),
        "yn": rng.choice(["yes", "no"], n_ref),
        "small_int": rng.integers(0, 4, n_ref),
    })
    cur = pd.DataFrame({
        "f": rng.normal(0.3, 1, n_cur),
        "g": rng.normal(0, 1.1, n_cur) ** 2 + 0.5,
        "h": rng.normal(5, 2, n_cur),
        "ties": np.round(rng.normal(0.02, 1, n_cur), 1),
        "cat": rng.choice(["a", "b", "c", "new"], n_cur, p=[0.3, 0.3, 0.3, 0.1]),
        "yn": rng.choice(["yes", "no"], n_cur),
        "small_int": rng.integers(0, 4, n_cur),
    })
    return ref, cur

def categorical(s):
    return s.dtype.kind not in "f"

def table(r, c):
    keys = sorted(set(r.astype(str)) | set(c.astype(str)))
    rv, cv = r.astype(str).value_counts(), c.astype(str).value_counts()
    return np.array([[rv.get(k, 0) for k in keys], [cv.get(k, 0) for k in keys]])

def nannyml_js(edges, ref_share, x):
    h = np.histogram(x, edges)[0] / len(x)
    p = ref_share
    leftover = 1 - np.sum(h)
    if leftover > 1e-12:
        h = np.append(h, leftover); p = np.append(p, 0)
    return distance.jensenshannon(p, h, base=2)

def bh(p):
    p = np.asarray(p, float); n = len(p)
    order = np.argsort(p)
    raw = p[order] * n / np.arange(1, n + 1)
    adj = np.minimum.accumulate(raw[::-1])[::-1]
    out = np.empty(n); out[order] = np.minimum(adj, 1)
    return out

def close(a, b, rel):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel * abs(b) or abs(a - b) < 1e-12

bad = 0
def check(where, got, want, rel=1e-9):
    global bad
    if isinstance(want, (bool, str)) or want is None:
        ok = got == want
    else:
        ok = close(got, want, rel)
    if not ok:
        print("%s: mlops %r, expected %r" % (where, got, want)); bad += 1

def run(*args):
    out = subprocess.run([mlops, "drift", "--reference", "ref.csv", "--current", "cur.csv", "--format", "json",
                          "--fail-on", "never"] + list(args), capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr); sys.exit(1)
    return json.loads(out.stdout)

for n_ref, n_cur in [(200, 180), (3000, 2500)]:
    ref, cur = frames(n_ref, n_cur)
    ref.to_csv("ref.csv", index=False)
    cur.to_csv("cur.csv", index=False)
    cols = list(ref.columns)

    # alibi: K-S asymptotic for numbers, chi2 contingency for categories; Bonferroni (default) or BH.
    for corr in ["bonferroni", "bh", "none"]:
        got = run("--preset", "alibi") if corr == "bonferroni" else run("--preset", "alibi", "--correction", corr)
        p = []
        for col in cols:
            r, c = ref[col], cur[col]
            if categorical(r):
                p.append(stats.chi2_contingency(table(r, c))[1])
            else:
                p.append(stats.ks_2samp(r, c, method="asymp")[1])
        p = np.array(p)
        adj = np.minimum(p * len(p), 1) if corr == "bonferroni" else (bh(p) if corr == "bh" else p)
        drifted = 0
        for col, pv, pa in zip(cols, p, adj):
            g = got["drift_by_columns"][col]
            w = "alibi %s n=%d %s" % (corr, n_ref, col)
            check(w + " p_value", g["p_value"], pv, 1e-6)
            check(w + " p_value_adjusted", g["p_value_adjusted"], pa, 1e-6)
            check(w + " drift", g["drift_detected"], bool(pa < 0.05))
            drifted += pa < 0.05
        check("alibi %s n=%d correction" % (corr, n_ref), got["correction"], corr)
        check("alibi %s n=%d dataset_drift (any)" % (corr, n_ref), got["dataset_drift"], bool(drifted > 0))

    # nannyml: base-2 JS on Doane bins of the reference, leftover bin, mean + 3 std of 10 chunks.
    got = run("--preset", "nannyml")
    for col in cols:
        r, c = ref[col], cur[col]
        g = got["drift_by_columns"][col]
        w = "nannyml n=%d %s" % (n_ref, col)
        if categorical(r):
            pv = stats.chi2_contingency(table(r, c))[1]
            check(w + " p_value", g["p_value"], pv, 1e-6)
            check(w + " drift", g["drift_detected"], bool(pv < 0.05))
            continue
        edges = np.histogram_bin_edges(r, "doane")
        share = np.histogram(r, edges)[0] / len(r)
        js = nannyml_js(edges, share, c)
        size = len(r) // 10
        chunks = [nannyml_js(edges, share, r[i:i + size]) for i in range(0, len(r), size)]
        thr = min(max(np.mean(chunks) + 3 * np.std(chunks), 0), 1)
        check(w + " score", g["drift_score"], js)
        check(w + " threshold", g["stattest_threshold"], thr)
        check(w + " drift", g["drift_detected"], bool(js > thr))
        check(w + " log_base", g["log_base"], "2")

    # mlops: p-value (K-S auto / chi2 contingency) BH-adjusted, and an effect size >= 0.1.
    for corr in ["bh", "bonferroni"]:
        got = run("--preset", "mlops") if corr == "bh" else run("--preset", "mlops", "--correction", corr)
        p, eff = [], []
        for col in cols:
            r, c = ref[col], cur[col]
            if categorical(r):
                t = table(r, c)
                p.append(stats.chi2_contingency(t)[1]); eff.append(association(t, method="cramer"))
            else:
                p.append(stats.ks_2samp(r, c)[1])
                eff.append(stats.wasserstein_distance(r, c) / max(np.std(r), 0.001))
        adj = bh(p) if corr == "bh" else np.minimum(np.array(p) * len(p), 1)
        for col, pv, pa, e in zip(cols, p, adj, eff):
            g = got["drift_by_columns"][col]
            w = "mlops %s n=%d %s" % (corr, n_ref, col)
            check(w + " p_value", g["p_value"], pv, 1e-6)
            check(w + " p_value_adjusted", g["p_value_adjusted"], pa, 1e-6)
            check(w + " effect_size", g["effect_size"], e)
            check(w + " drift", g["drift_detected"], bool(pa < 0.05 and e >= 0.1))
print("%d differences" % bad)
sys.exit(1 if bad else 0)
PY
$PY check.py "$MLOPS" || fail "mlops drift --preset differs from the reference computations (above)"

# The presets take their own tests: --method with a preset is a usage error.
make_drift_csvs .
expect_exit 2 mlops drift --reference ref.csv --current cur.csv --preset mlops --method ks

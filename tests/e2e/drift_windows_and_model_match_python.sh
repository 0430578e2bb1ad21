#!/usr/bin/env bash
# --timestamp/--window check each window of the current data against the reference, and
# --prediction/--target report the model's performance on both sides and per window: the
# windows' bounds and rows, each window's per-column scores (scipy) and the metrics (numpy
# formulas: accuracy, macro F1, MAE, RMSE) equal an independent computation in
# /usr/bin/python3. Timestamps in ISO 8601 dates, date-times with and without a zone, and Unix
# seconds; unparsable ones are counted, or an error with --strict; every format has one row a window.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

PY=/usr/bin/python3
$PY -c 'import scipy, pandas' 2>/dev/null || skip "$PY lacks scipy or pandas (Debian: python3-scipy python3-pandas)"

cat >check.py <<'PY'
import json, subprocess, sys, datetime as dt
import numpy as np, pandas as pd
from scipy import stats

mlops = sys.argv[1]
rng = np.random.default_rng(5)
bad = 0
def check(where, got, want, rel=1e-9):
    global bad
    if isinstance(want, (str, bool, int, list)) or want is None:
        ok = got == want
    else:
        ok = got is not None and abs(got - want) <= rel * abs(want) + 1e-15
    if not ok:
        print("%s: mlops %r, expected %r" % (where, got, want)); bad += 1

def run(*args, code=0):
    out = subprocess.run([mlops, "drift", "--reference", "ref.csv", "--current", "cur.csv", "--fail-on", "never"] + list(args),
                         capture_output=True, text=True)
    if out.returncode != code:
        print(args, out.returncode, out.stderr); sys.exit(1)
    return out

def f1_macro(y, p):
    labels = sorted(set(y) | set(p))
    f = []
    for l in labels:
        tp = sum((y == l) & (p == l)); fp = sum((y != l) & (p == l)); fn = sum((y == l) & (p != l))
        f.append(0.0 if 2 * tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f))

# Classification, 12-hour/daily/weekly windows over 9 days with mixed timestamp spellings.
n_ref, n_cur = 400, 900
ref = pd.DataFrame({"x": rng.normal(0, 1, n_ref), "c": rng.choice(["a", "b", "c"], n_ref),
                    "label": rng.choice(["cat", "dog", "bird"], n_ref)})
ref["pred"] = np.where(rng.random(n_ref) < 0.85, ref["label"], rng.choice(["cat", "dog", "bird"], n_ref))
base = dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc).timestamp()
secs = np.sort(base + rng.integers(0, 9 * 86400, n_cur)).astype(np.int64)
cur = pd.DataFrame({"x": rng.normal(0, 1, n_cur) + (secs > base + 5 * 86400) * 0.8,
                    "c": rng.choice(["a", "b", "c"], n_cur), "label": rng.choice(["cat", "dog", "bird"], n_cur)})
cur["pred"] = np.where(rng.random(n_cur) < np.where(secs > base + 6 * 86400, 0.5, 0.85), cur["label"],
                       rng.choice(["cat", "dog", "bird"], n_cur))
def spell(i, t):
    d = dt.datetime.fromtimestamp(t, dt.timezone.utc)
    k = i % 4
    if k == 0: return str(t)                                                   # Unix seconds
    if k == 1: return d.strftime("%Y-%m-%dT%H:%M:%SZ")
    if k == 2: return (d.astimezone(dt.timezone(dt.timedelta(hours=2)))).isoformat()  # +02:00
    return d.strftime("%Y-%m-%d %H:%M:%S")                                     # no zone: UTC
cur.insert(0, "time", [spell(i, int(t)) for i, t in enumerate(secs)])
cur.loc[7, "time"] = "not a time"; cur.loc[8, "time"] = "2024-02-30"; cur.loc[9, "time"] = ""
valid = np.ones(n_cur, bool); valid[[7, 8, 9]] = False
ref.insert(0, "time", "2024-01-01")
ref.to_csv("ref.csv", index=False); cur.to_csv("cur.csv", index=False)

for window, width, origin in [("12h", 43200, 0), ("1d", 86400, 0), ("1w", 7 * 86400, 4 * 86400)]:
    got = json.loads(run("--timestamp", "time", "--window", window, "--prediction", "pred", "--target", "label",
                         "--format", "json").stdout)
    check(window + " unparsable", got["unparsable_timestamps"], 3)
    keys = (secs[valid] - origin) // width
    wanted = sorted(set(keys.tolist()))
    check(window + " windows", [w["index"] for w in got["windows"]], wanted)
    drifted_x = 0
    for w in got["windows"]:
        k = w["index"]
        sel = np.zeros(n_cur, bool); sel[valid] = keys == k
        part = cur[sel]
        where = "%s window %d" % (window, k)
        check(where + " start", w["start"], dt.datetime.fromtimestamp(origin + k * width, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        check(where + " end", w["end"], dt.datetime.fromtimestamp(origin + (k + 1) * width, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        check(where + " rows", w["rows"], int(sel.sum()))
        check(where + " has no time column", "time" in w["drift_by_columns"], False)
        p = stats.ks_2samp(ref["x"], part["x"])[1]
        check(where + " x p", w["drift_by_columns"]["x"]["p_value"], p, 1e-6)
        drifted_x += p <= 0.05
        y, q = part["label"].to_numpy(), part["pred"].to_numpy()
        m = w["model"]["metrics"]
        check(where + " accuracy", m["accuracy"]["current"], float(np.mean(y == q)))
        check(where + " f1", m["f1_macro"]["current"], f1_macro(y, q))
        check(where + " accuracy ref", m["accuracy"]["reference"], float(np.mean(ref["label"] == ref["pred"])))
        check(where + " f1 difference", m["f1_macro"]["difference"], f1_macro(y, q) - f1_macro(ref["label"].to_numpy(), ref["pred"].to_numpy()))
    check(window + " x drifted windows", got["windows_drifted_by_column"]["x"], int(drifted_x))
    y, q = cur["label"][valid].to_numpy(), cur["pred"][valid].to_numpy()
    check(window + " overall accuracy", got["model"]["metrics"]["accuracy"]["current"], float(np.mean(y == q)))

# Row windows and regression.
ref = pd.DataFrame({"x": rng.normal(0, 1, 300), "y": rng.normal(10, 2, 300)})
ref["yhat"] = ref["y"] + rng.normal(0, 0.5, 300)
cur = pd.DataFrame({"x": rng.normal(0, 1, 1000), "y": rng.normal(10, 2, 1000)})
cur["yhat"] = cur["y"] + rng.normal(0, 0.5, 1000) * np.linspace(1, 3, 1000)
cur.loc[3, "y"] = np.nan
ref.to_csv("ref.csv", index=False); cur.to_csv("cur.csv", index=False)
got = json.loads(run("--window", "300", "--prediction", "yhat", "--target", "y", "--format", "json").stdout)
check("rows windows", [(w["start"], w["end"], w["rows"]) for w in got["windows"]], [(1, 300, 300), (301, 600, 300), (601, 900, 300), (901, 1000, 100)])
for w, lo in zip(got["windows"], [0, 300, 600, 900]):
    part = cur.iloc[lo:lo + 300].dropna()
    e = part["yhat"] - part["y"]
    m = w["model"]
    check("rows %d task" % lo, m["task"], "regression")
    check("rows %d mae" % lo, m["metrics"]["mae"]["current"], float(np.mean(np.abs(e))))
    check("rows %d rmse" % lo, m["metrics"]["rmse"]["current"], float(np.sqrt(np.mean(e ** 2))))
    check("rows %d skipped" % lo, m["skipped_current"], 1 if lo == 0 else 0)
e = ref["yhat"] - ref["y"]
check("ref rmse", got["model"]["metrics"]["rmse"]["reference"], float(np.sqrt(np.mean(e ** 2))))
print("%d differences" % bad)
sys.exit(1 if bad else 0)
PY
$PY check.py "$MLOPS" || fail "mlops drift windows/model differ from the python computation (above)"

# Every format has one row a window; unparsable timestamps are an error with --strict.
$PY - <<'PY'
rows = ["time,x,pred,label"] + ["2024-03-%02dT10:00:00,%d,%s,%s" % (1 + i % 3, i % 50, "a" if i % 3 else "b", "a") for i in range(90)]
open("cur.csv", "w").write("\n".join(rows + ["junk,1,a,a"]) + "\n")
open("ref.csv", "w").write("\n".join(rows) + "\n")
PY
for f in table md html junit; do
  mlops drift --reference ref.csv --current cur.csv --timestamp time --window 1d --prediction pred --target label \
    --format "$f" --fail-on never >"out.$f" 2>err.txt || fail "--format $f failed: $(cat err.txt)"
  for day in 01 02 03; do expect_contains "out.$f" "2024-03-${day}T00:00:00Z"; done
done
expect_contains out.table "accuracy"
expect_contains err.txt "1 rows of cur.csv have no usable timestamp"
# Tiny windows are allowed, with a warning: a distance on 5 values is noise.
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --window 5 --fail-on never
expect_contains "$TEST_DIR/err" "19 of 19 windows have fewer than 30 rows"
expect_exit 4 mlops drift --reference ref.csv --current cur.csv --timestamp time --window 1d --strict
expect_contains "$TEST_DIR/err" "cur.csv:92: column time: not a timestamp: junk"
expect_exit 2 mlops drift --reference ref.csv --current cur.csv --timestamp time --window 1y
expect_exit 2 mlops drift --reference ref.csv --current cur.csv --window 1d
expect_exit 2 mlops drift --reference ref.csv --current cur.csv --timestamp time
expect_exit 2 mlops drift --reference ref.csv --current cur.csv --timestamp nope --window 1d
expect_exit 2 mlops drift --reference ref.csv --current cur.csv --target label
expect_exit 2 mlops drift --reference ref.csv --current cur.csv --prediction nope

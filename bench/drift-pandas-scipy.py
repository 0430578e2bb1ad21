#!/usr/bin/python3
# The baseline of bench/drift: what a pandas + scipy user runs for the same verdict as
# `mlops drift` (Evidently's default rules for numerical columns): read both CSV files, then
# per column K-S up to 1000 reference values, normed Wasserstein above (or K-S for every
# column with --method ks). Prints one line per column so that both sides do all the work.
import sys

import numpy as np
import pandas as pd
from scipy import stats

ref_path, cur_path, method = sys.argv[1], sys.argv[2], sys.argv[3]
ref = pd.read_csv(ref_path)
cur = pd.read_csv(cur_path)
drifted = 0
for col in ref.columns:
    r = ref[col].replace([np.inf, -np.inf], np.nan).dropna()
    c = cur[col].replace([np.inf, -np.inf], np.nan).dropna()
    if method == "ks" or len(r) <= 1000:
        score = stats.ks_2samp(r, c)[1]
        drift = score <= 0.05
    else:
        score = stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)
        drift = score >= 0.1
    drifted += drift
    print(col, score, drift)
print("dataset_drift", drifted / len(ref.columns) >= 0.5)

#!/usr/bin/env bash
# `mlops report` in Markdown: metrics with deltas against the baseline, params, the gates of mlops.yaml, every table well formed; --format json carries the same; -o writes the file.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'gates:\n  metrics.accuracy: {min: 0.9}\n' >>mlops.yaml
git commit -qam gates
expect_exit 0 mlops exp run -n base -- sh -c 'echo "{\"accuracy\": 0.90, \"loss\": 0.3}" > metrics.json'
expect_exit 0 mlops exp run -n better -S lr=0.2 -- sh -c 'echo "{\"accuracy\": 0.95, \"loss\": 0.25}" > metrics.json'
expect_exit 0 mlops exp run -n worse -S depth=5 -- sh -c 'echo "{\"accuracy\": 0.85, \"loss\": 0.4}" > metrics.json'
expect_exit 0 mlops report better worse --against base
expect_contains "$TEST_DIR/out" "## mlops report: 2 runs against base"
expect_contains "$TEST_DIR/out" "| Run | accuracy | loss |"
grep -q '^| better ([0-9A-Z]*) | 0.95 (+0.05) | 0.25 (-0.05) |$' "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "no delta row for better"; }
expect_contains "$TEST_DIR/out" "| Run | depth | lr | optimizer |"
expect_contains "$TEST_DIR/out" "**0.2**"
expect_contains "$TEST_DIR/out" "### Gates"
expect_contains "$TEST_DIR/out" "❌ 1 of 1 failed"
# Every table: each row has the header's number of cells, the separator right after it.
awk -F'|' '/^\|/ { if (!t) { n = NF; t = 1; h = NR } else if (NF != n) exit 1; if (NR == h + 1 && $0 !~ /^\|(---\|)+$/) exit 2; next } { t = 0 }' "$TEST_DIR/out" ||
  fail "malformed Markdown table"
expect_exit 0 mlops --json report better --against base
expect_json "$TEST_DIR/out" '.runs[0].deltas.accuracy * 1000 | round' 50
expect_json "$TEST_DIR/out" '.runs[0].params.lr' 0.2
expect_json "$TEST_DIR/out" '.runs[0].params.optimizer' sgd
expect_json "$TEST_DIR/out" '.baseline.label' base
expect_json "$TEST_DIR/out" '.runs[0].gates[0].status' pass
expect_exit 0 mlops report better -o "$TEST_DIR/r.md"
expect_contains "$TEST_DIR/r.md" "## mlops report: 1 run"
expect_exit 3 mlops report no-such-run
expect_clean_error

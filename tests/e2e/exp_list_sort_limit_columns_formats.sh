#!/usr/bin/env bash
# `mlops exp list` sorts (--sort -metrics.x numerically), limits, picks --columns, prints CSV and Markdown, and its default table shows only the params that differ.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
for x in 9 10 0.5 100; do
  expect_exit 0 mlops exp run -n "x$x" -S "depth=$x" -- sh -c "echo '{\"x\": $x, \"same\": 1}' > metrics.json"
done
order() { mlops --json exp list "$@" | jq -r '[.[].name] | join(" ")'; }
expect_eq "$(order)" "x100 x0.5 x10 x9" "default order: newest first"
expect_eq "$(order --sort -metrics.x)" "x100 x10 x9 x0.5" "--sort -metrics.x"
expect_eq "$(order --sort metrics.x)" "x0.5 x9 x10 x100" "--sort metrics.x"
expect_eq "$(order --sort -metrics.x --limit 2)" "x100 x10" "--limit 2"
expect_eq "$(order --sort name)" "x0.5 x10 x100 x9" "--sort name (text)"
expect_eq "$(order --limit 1)" "x100" "--limit 1 without a sort"

# The default table: params and metrics that differ (depth, x), not those that do not (lr, optimizer, same).
expect_exit 0 mlops exp list --sort -metrics.x
read -r -a header <"$TEST_DIR/out"
expect_eq "${header[*]}" "ID NAME STATUS STARTED depth x" "table header"
expect_eq "$(awk 'NR > 1 { print $2, $(NF - 1), $NF }' "$TEST_DIR/out" | paste -sd,)" "x100 100 100,x10 10 10,x9 9 9,x0.5 0.5 0.5" "table rows"
# The ID column is the short id: 8 characters of the id's random part.
expect_eq "$(awk 'NR == 2 { print $1 }' "$TEST_DIR/out")" "$(mlops --json exp show x100 | jq -r '.id[10:18]')" "short id of x100"

# --columns picks fields in that order; --csv parses as CSV.
expect_exit 0 mlops exp list --sort metrics.x --columns 'name, metrics.x,params.lr,status,command' --csv
"$PYTHON" - "$TEST_DIR/out" <<'PY' || fail "unexpected CSV"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["NAME", "x", "lr", "STATUS", "COMMAND"], rows[0]
assert [r[0] for r in rows[1:]] == ["x0.5", "x9", "x10", "x100"], rows
assert all(r[2] == "0.1" and r[3] == "completed" for r in rows[1:]), rows
assert float(rows[4][1]) == 100.0, rows[4]
assert rows[1][4].startswith("sh -c echo"), rows[1]
PY
expect_exit 0 mlops exp list --sort metrics.x --limit 2 --md --columns name,metrics.x
expect_eq "$(cat "$TEST_DIR/out")" "$(printf '| NAME | x |\n|---|---|\n| x0.5 | 0.5 |\n| x9 | 9 |')" "Markdown"
# --json with --columns: objects with those keys (and the schema).
expect_exit 0 mlops --json exp list --sort -metrics.x --limit 1 --columns name,metrics.x,sweep
expect_json "$TEST_DIR/out" '.[0] | keys | join(",")' "metrics.x,name,schema,sweep"
expect_json "$TEST_DIR/out" '.[0]["metrics.x"] == 100' true
expect_json "$TEST_DIR/out" '.[0].sweep' null

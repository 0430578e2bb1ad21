#!/usr/bin/env bash
# A clone whose store lacks the data a pointer names: checkout changes nothing, exit 3, and
# the hint names the remote to pull from; after `mlops cache pull` from it the data is there.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p p/data && cd p && git init -q
printf 'schema: 1\nremotes: {shared: {url: "file://%s/remote"}}\ndefault_remote: shared\n' "$TEST_DIR" >mlops.yaml
echo payload >data/raw.csv
expect_exit 0 mlops data add data/raw.csv
git add -A && git commit -qm data
cd .. && git clone -q p q && cd q
export MLOPS_HOME="$TEST_DIR/other-store"
expect_exit 3 mlops checkout
expect_clean_error
expect_contains "$TEST_DIR/err" "data/raw.csv"
expect_contains "$TEST_DIR/err" "mlops cache pull shared"
expect_no_path data/raw.csv
expect_exit 3 mlops cache pull
expect_contains "$TEST_DIR/err" "1 blob(s) are on neither"
(cd ../p && MLOPS_HOME="$TEST_DIR/home/.local/share/mlops" "$MLOPS" cache push) >/dev/null 2>&1
expect_exit 0 mlops cache pull
expect_eq "$(cat data/raw.csv)" payload "pulled"

#!/usr/bin/env bash
# A linked data file made editable with `mlops data unprotect` is a private copy: an edit
# changes the workspace only, the store's blob stays intact (fsck clean) and `data status`
# says the data was modified.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p p/data && cd p && git init -q && printf 'schema: 1\n' >mlops.yaml
echo original >data/raw.csv
mkdir data/dir && echo inner >data/dir/x
expect_exit 0 mlops data add data/raw.csv
expect_exit 0 mlops data add data/dir
expect_exit 0 mlops data unprotect data/raw.csv
expect_contains "$TEST_DIR/err" "1 file(s) are private copies now"
expect_exit 0 mlops data unprotect data/dir
echo edited >>data/raw.csv
echo edited >>data/dir/x
expect_exit 0 mlops cache fsck
expect_contains "$TEST_DIR/err" "none corrupt"
expect_exit 0 mlops data status
expect_contains "$TEST_DIR/out" "data/raw.csv: modified"
expect_contains "$TEST_DIR/out" "data/dir: modified"
# The edit is in no store: checkout keeps it unless --force.
expect_exit 6 mlops checkout
expect_contains data/raw.csv edited
expect_exit 0 mlops checkout --force
expect_eq "$(cat data/raw.csv)" original "checkout --force brings the added version back"

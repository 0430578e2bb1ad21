#!/usr/bin/env bash
# `mlops checkout` does not overwrite an output the user edited when the edited bytes are in
# no store (they would be lost): exit 6 naming the output, nothing changed; --force overwrites.
# An output whose bytes the store holds (another branch's result) is replaced without asking.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
model=$(sha256sum model.bin)
echo "my hand-tuned weights" >model.bin
rm prepared.csv
expect_exit 6 mlops checkout
expect_clean_error
expect_contains "$TEST_DIR/err" "model.bin"
expect_contains "$TEST_DIR/err" "--force"
expect_eq "$(cat model.bin)" "my hand-tuned weights" "the edit is kept"
[[ ! -e prepared.csv ]] || fail "nothing changed: prepared.csv stays missing"

expect_exit 0 mlops checkout --force
expect_eq "$(sha256sum model.bin)" "$model" "model.bin"
expect_contains "$TEST_DIR/out" "restored prepared.csv"

# the bytes of an earlier run are in the store: nothing is lost by replacing them
printf 'c\n' >>raw.csv
expect_exit 0 mlops repro
cp mlops.lock new.lock
printf 'b\na\n' >raw.csv
expect_exit 0 mlops repro
expect_exit 0 mlops checkout  # matches
cp new.lock mlops.lock
expect_exit 0 mlops checkout
expect_contains "$TEST_DIR/out" "restored model.bin"

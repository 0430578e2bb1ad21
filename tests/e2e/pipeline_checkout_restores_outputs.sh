#!/usr/bin/env bash
# `mlops checkout` puts outputs back as mlops.lock records them, from the store, leaving
# matching ones alone; with a blob missing it changes nothing and says which output (exit 3).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
model=$(sha256sum model.bin)
rm model.bin
echo edited >prepared.csv
expect_exit 0 mlops checkout --force  # prepared.csv was edited
expect_contains "$TEST_DIR/out" "restored model.bin"
expect_contains "$TEST_DIR/out" "restored prepared.csv"
expect_eq "$(sha256sum model.bin)" "$model" "model.bin"
expect_exit 0 mlops status
expect_contains "$TEST_DIR/err" "pipeline is up to date"
expect_exit 0 mlops checkout
expect_contains "$TEST_DIR/err" "every output matches mlops.lock"

rm model.bin
echo edited >prepared.csv
rm "$(store_blob "$(cut -d' ' -f1 <<<"$model")")"  # model.bin's blob (prepared.csv has the same bytes)
expect_exit 3 mlops checkout
expect_clean_error
expect_contains "$TEST_DIR/err" "is not in the store"
expect_eq "$(cat prepared.csv)" edited "nothing changed"

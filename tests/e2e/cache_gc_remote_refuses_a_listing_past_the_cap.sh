#!/usr/bin/env bash
# `mlops cache gc --remote` takes at most 10,000,000 blob names from a remote's listing (a
# hostile remote may list millions): past the cap it refuses with one line and deletes
# nothing. MLOPS_MAX_REMOTE_BLOBS lowers the cap for this test.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
expect_exit 0 mlops cache push "file://$TEST_DIR/remote"
blobs=$TEST_DIR/remote/mlops-cache/blobs/sha256
# Blobs nothing refers to: what gc would delete.
for i in 1 2 3; do
  printf 'junk %s\n' "$i" >"$TEST_DIR/junk"
  cp "$TEST_DIR/junk" "$blobs/$(sha256sum <"$TEST_DIR/junk" | cut -d' ' -f1)"
done
n=$(find "$blobs" -type f | wc -l)
MLOPS_MAX_REMOTE_BLOBS=$((n - 1)) expect_exit 4 mlops cache gc --remote "file://$TEST_DIR/remote" --force
expect_clean_error
expect_contains "$TEST_DIR/err" "more than $((n - 1)) blobs"
expect_contains "$TEST_DIR/err" "nothing was deleted"
expect_eq "$(find "$blobs" -type f | wc -l)" "$n" "blobs on the remote"
MLOPS_MAX_REMOTE_BLOBS=$n expect_exit 0 mlops --json cache gc --remote "file://$TEST_DIR/remote" --force
expect_json "$TEST_DIR/out" .removed 3
expect_eq "$(find "$blobs" -type f | wc -l)" "$((n - 3))" "blobs on the remote"

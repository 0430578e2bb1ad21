#!/usr/bin/env bash
# The stat caches (<git dir>/mlops/pipeline/dirs and digests) are derived data: one byte of
# either changed, anywhere, makes status ignore that file (hashing again what it must), never
# trust a digest it holds; the next save writes it whole again. A cache of an older version
# is ignored the same way.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
sleep 0.2 # past the racy window, so that the next status remembers every file
expect_exit 0 mlops status
state=.git/mlops/pipeline
expect_file "$state/dirs"
expect_file "$state/digests"
cp "$state/dirs" "$TEST_DIR/dirs.good"
cp "$state/digests" "$TEST_DIR/digests.good"
up_to_date() { # a failure names the byte changed last, in $TEST_DIR/flipped
  expect_exit 0 mlops --json status
  expect_json "$TEST_DIR/out" '[.stages[] | select(.stale)] | length' 0
}
# Every 7th byte of dirs (digests intact), then of digests (dirs gone, so it is read).
size=$(stat -c %s "$TEST_DIR/dirs.good")
for ((at = 0; at < size; at += 7)); do
  cp "$TEST_DIR/dirs.good" "$state/dirs"
  flip_byte "$state/dirs" "$at"
  echo "dirs, byte $at" >"$TEST_DIR/flipped"
  up_to_date
done
size=$(stat -c %s "$TEST_DIR/digests.good")
for ((at = 0; at < size; at += 7)); do
  rm -f "$state/dirs"
  cp "$TEST_DIR/digests.good" "$state/digests"
  flip_byte "$state/digests" "$at"
  echo "digests, byte $at" >"$TEST_DIR/flipped"
  up_to_date
done
# Rebuilt: after one status over a damaged cache, the next reads no file.
rm -f "$state/dirs"
cp "$TEST_DIR/digests.good" "$state/digests"
flip_byte "$state/digests" 40
expect_exit 0 mlops -vv status
expect_not_contains "$TEST_DIR/err" "status read 0 files"
expect_exit 0 mlops -vv status
expect_contains "$TEST_DIR/err" "status read 0 files"
# An older version's text is ignored (and replaced) the same way.
rm -f "$state/dirs"
printf 'mlops-digest-cache 2\n' >"$state/digests"
expect_exit 0 mlops -vv status
expect_contains "$TEST_DIR/err" "pipeline is up to date"
expect_exit 0 mlops -vv status
expect_contains "$TEST_DIR/err" "status read 0 files"

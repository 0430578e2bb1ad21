#!/usr/bin/env bash
# `mlops cache gc --all-commits` reads the mlops.lock of every commit: a lock unchanged over
# many commits is one git blob, parsed once (the count is in --json), and what an older lock
# names is still kept.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
git add -A && git commit -qm v1
old=$(sha256sum <model.bin | cut -d' ' -f1)
for i in 1 2 3 4 5; do
  echo "$i" >notes.txt
  git add notes.txt && git commit -qm "notes $i"
done
printf 'c\n' >>raw.csv
expect_exit 0 mlops repro
git add -A && git commit -qm v2
for i in 6 7 8; do
  echo "$i" >notes.txt
  git add notes.txt && git commit -qm "notes $i"
done
git checkout -qb side HEAD~3 && echo side >side.txt && git add side.txt && git commit -qm side && git checkout -q -
expect_exit 0 mlops --json cache gc --all-commits
expect_json "$TEST_DIR/out" .lock_blobs_parsed 2
expect_json "$TEST_DIR/out" .removed 0
expect_exit 0 mlops --json cache gc
expect_json "$TEST_DIR/out" .lock_blobs_parsed 0
expect_file "$(store_blob "$old")"

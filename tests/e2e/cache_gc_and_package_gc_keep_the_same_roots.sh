#!/usr/bin/env bash
# The store is shared by packages, pipelines and data: `mlops package gc` used to delete every
# blob no package named, so pipeline outputs and added data were lost. Both gcs now keep the
# same roots: packages, the run cache, and what each project's mlops.lock and pointers name
# (pins). `mlops cache gc` is a dry run until --force, and keeps older revisions with --rev.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
# A stage the run cache does not keep (no deps): only the lock names its output.
cat >>mlops.yaml <<'YAML'
  stamp:
    cmd: echo stamp >> runs.log && echo stamped > stamp.txt
    outs: [stamp.txt]
YAML
mkdir data && echo v1 >data/big.bin
expect_exit 0 mlops data add data/big.bin
expect_exit 0 mlops repro
git add -A && git commit -qm v1
v1=$(sha256sum <data/big.bin | cut -d' ' -f1)
expect_exit 0 mlops package gc
expect_file "$(store_blob "$v1")"
rm -f stamp.txt model.bin data/big.bin
expect_exit 0 mlops checkout
expect_eq "$(cat stamp.txt)" stamped "stamp.txt restored after package gc"
expect_eq "$(cat data/big.bin)" v1 "data restored after package gc"
# A new version of the data: v1 is named only by the first commit.
expect_exit 0 mlops data unprotect data/big.bin
echo v2 >data/big.bin
expect_exit 0 mlops data add data/big.bin
git add -A && git commit -qm v2
expect_exit 0 mlops --json cache gc --rev HEAD~1
expect_json "$TEST_DIR/out" .removed 0
expect_exit 0 mlops --json cache gc
expect_json "$TEST_DIR/out" .dry_run true
expect_json "$TEST_DIR/out" .removed 1
expect_file "$(store_blob "$v1")"
expect_exit 0 mlops --json cache gc --all-commits --force
expect_json "$TEST_DIR/out" .removed 0
expect_exit 0 mlops cache gc --force
expect_no_path "$(store_blob "$v1")"
expect_exit 0 mlops package gc
expect_exit 0 mlops checkout
expect_exit 0 mlops status
expect_contains "$TEST_DIR/err" "pipeline is up to date"
expect_exit 3 mlops cache gc --rev no-such-rev

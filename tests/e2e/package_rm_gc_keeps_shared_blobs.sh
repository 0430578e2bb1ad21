#!/usr/bin/env bash
# rm untags; gc then deletes exactly the blobs no remaining package needs, and the
# remaining package still verifies. A tag made with `tag` keeps its package alive.
. "$(dirname "$0")/harness.sh"

make_package_project proj
expect_exit 0 mlops -C proj package build
head -c 1000 /dev/urandom >proj/models/model.bin
sed -i 's/version: "1.0"/version: "2.0"/' proj/mlops.yaml
expect_exit 0 mlops -C proj package build
expect_exit 0 mlops package tag demo:2.0 demo:prod
expect_exit 0 mlops --json package list
expect_json "$TEST_DIR/out" '[.[].ref] | join(",")' "demo:1.0,demo:2.0,demo:prod"

expect_exit 0 mlops package rm demo:1.0 demo:2.0
expect_exit 0 mlops --json package gc
# Gone: v1's manifest, config, card and weights; the shared code and README layers stay.
expect_json "$TEST_DIR/out" .blobs_removed 4
expect_exit 0 mlops package verify demo:prod
expect_exit 0 mlops --json package gc
expect_json "$TEST_DIR/out" .blobs_removed 0
expect_exit 3 mlops package inspect demo:1.0
expect_clean_error
expect_contains "$TEST_DIR/err" "no package 'demo:1.0'"

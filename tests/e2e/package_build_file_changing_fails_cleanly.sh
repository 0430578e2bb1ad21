#!/usr/bin/env bash
# A file that grows while it is packed fails the build with a clear error: no manifest, no
# tag, no temp file left in the store.
. "$(dirname "$0")/harness.sh"

make_package_project proj
head -c 300000000 /dev/zero >proj/models/model.bin
( while :; do printf x >>proj/models/model.bin; done ) &
writer=$!
KILL_ON_EXIT+=("$writer")
sleep 0.3
expect_exit 4 mlops -C proj package build
kill "$writer"
expect_clean_error
expect_contains "$TEST_DIR/err" "models/model.bin changed while it was being packed"
expect_eq "$(jq '.manifests | length' "$MLOPS_HOME/index.json")" 0
expect_eq "$(find "$MLOPS_HOME/ingest" -type f | wc -l)" 0 "temp files left"

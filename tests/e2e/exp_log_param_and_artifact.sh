#!/usr/bin/env bash
# `mlops exp log --param` adds a typed param and `--artifact` records a file with the same sha256 as sha256sum gives, in artifacts.json of the run commit.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
bin=$(dirname "$MLOPS")
cat >train.sh <<'SH'
#!/bin/sh
mkdir -p out
head -c 5000 /dev/urandom >out/model.bin
echo weights >out/extra.txt
mlops exp log --param optimizer=adam --param layers=4
mlops exp log --artifact out/model.bin loss=0.5
mlops exp log --artifact out/extra.txt --artifact out/missing.bin
SH
expect_exit 0 env PATH="$bin:$PATH" "$MLOPS" exp run -n art -- sh train.sh
expect_exit 0 mlops --json exp show art
expect_json "$TEST_DIR/out" .params.optimizer adam
expect_json "$TEST_DIR/out" '.params.layers | type' number
expect_json "$TEST_DIR/out" .params.layers 4
expect_json "$TEST_DIR/out" .params.lr 0.1
# A metric after --artifact is a metric, not a second artifact.
expect_json "$TEST_DIR/out" .metrics.loss.last 0.5
expect_json "$TEST_DIR/out" '.warnings | map(select(test("out/missing.bin"))) | length' 1
commit=$(jq -r .commit "$TEST_DIR/out")
git show "$commit:artifacts.json" >"$TEST_DIR/artifacts.json"
expect_json "$TEST_DIR/artifacts.json" '[.[].path] | join(" ")' "out/model.bin out/extra.txt"
expect_json "$TEST_DIR/artifacts.json" '.[] | select(.path == "out/model.bin") | .sha256' "$(sha256sum out/model.bin | cut -d' ' -f1)"
expect_json "$TEST_DIR/artifacts.json" '.[] | select(.path == "out/model.bin") | .size' 5000
expect_json "$TEST_DIR/artifacts.json" '.[] | select(.path == "out/extra.txt") | .sha256' "$(sha256sum out/extra.txt | cut -d' ' -f1)"
expect_json "$TEST_DIR/artifacts.json" '.[] | select(.path == "out/model.bin") | .kept' false
expect_eq "$(git show "$commit:params.json" | jq -r .optimizer)" adam "params.json in the run commit"

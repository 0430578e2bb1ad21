#!/usr/bin/env bash
# exp and package commands find the project by one rule from a subdirectory: the nearest
# mlops.yaml, which must be a file (a directory of that name is refused by both, not skipped
# by one and read by the other), never above the git working tree's top.
. "$(dirname "$0")/harness.sh"

exp_repo proj
mkdir -p proj/sub/deeper
printf 'lr: 0.5\n' >proj/sub/params.yaml
printf 'params: [params.yaml]\npackage:\n  name: sub\n  version: "1"\n  model: [params.yaml]\n' >proj/sub/mlops.yaml
git -C proj add -A && git -C proj commit -q -m sub
cd proj/sub/deeper

# Both take proj/sub as the project: exp reads its params file, package builds its section.
expect_exit 0 mlops exp run -n nested -- true
expect_eq "$(exp_field nested .params.lr)" 0.5
expect_exit 0 mlops --json package build
expect_json "$TEST_DIR/out" .ref sub:1

# An mlops.yaml that is not a file stops both the same way (exit 4, naming it).
rm ../mlops.yaml && mkdir ../mlops.yaml
expect_exit 4 mlops exp run -n again -- true
expect_clean_error
expect_contains "$TEST_DIR/err" "proj/sub/mlops.yaml"
expect_exit 4 mlops package build
expect_clean_error
expect_contains "$TEST_DIR/err" "proj/sub/mlops.yaml"

# Above the repository's top there is no project for either.
rm -rf ../mlops.yaml "$TEST_DIR/proj/mlops.yaml"
printf 'package:\n  name: outer\n  model: [x]\n' >"$TEST_DIR/mlops.yaml"
expect_exit 2 mlops package build
expect_contains "$TEST_DIR/err" "no mlops.yaml"

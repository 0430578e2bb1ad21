#!/usr/bin/env bash
# The new version's hooks run only with --trust (as in init): without it they are listed in a
# warning and skipped; with it their output is part of the version merged in.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
cat >>src/mlops-template.yaml <<'YAML'
hooks:
  post_generate:
    - "echo hooked > hooked.txt"
YAML
commit_template src v2
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cp -a proj proj2

expect_exit 0 mlops update proj
expect_contains "$TEST_DIR/err" "--trust"
expect_contains "$TEST_DIR/err" "echo hooked"
expect_no_path proj/hooked.txt
expect_no_path "$TEST_DIR/hooked.txt"

expect_exit 0 mlops update proj2 --trust
expect_eq "$(cat proj2/hooked.txt)" hooked
expect_eq "$(git -C proj2 status --porcelain)" "" "committed"

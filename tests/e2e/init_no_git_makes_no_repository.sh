#!/usr/bin/env bash
# `--no-git` creates no .git and commits nothing, not even into an enclosing repository.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 0 mlops init alone --defaults --no-git
expect_file alone/mlops.yaml
expect_file alone/.mlops/answers.yaml
expect_no_path alone/.git
expect_not_contains "$TEST_DIR/out" "commit"

# Inside an existing repository: still nothing committed or staged.
git init -q outer
git -C outer commit -q --allow-empty -m base
head_before=$(git -C outer rev-parse HEAD)
expect_exit 0 mlops --json init outer/proj --defaults --no-git
expect_json "$TEST_DIR/out" '.git.mode' none
expect_json "$TEST_DIR/out" '.git.commit' ""
expect_file outer/proj/mlops.yaml
expect_no_path outer/proj/.git
expect_eq "$(git -C outer rev-parse HEAD)" "$head_before" "HEAD of the enclosing repository"
expect_eq "$(git -C outer diff --cached --name-only)" "" "staged files in the enclosing repository"
expect_eq "$(git -C outer status --porcelain)" "?? proj/" "status of the enclosing repository"

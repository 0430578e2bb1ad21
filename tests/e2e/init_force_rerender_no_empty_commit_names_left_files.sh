#!/usr/bin/env bash
# init --force over a project with the same answers adds no commit; with answers that no longer produce some files it commits the changes and names the files it left.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 0 mlops init proj --defaults -s ci=github
first=$(git -C proj rev-parse HEAD)

# The same answers again: nothing changes, and no commit says otherwise.
expect_exit 0 mlops init proj --force --answers proj/.mlops/answers.yaml
expect_eq "$(git -C proj rev-parse HEAD)" "$first" "HEAD after re-rendering the same answers"
expect_contains "$TEST_DIR/err" "no changes"
expect_eq "$(git -C proj status --porcelain)" "" "git status"

# Other answers: the GitHub workflow is no longer produced, and is left in place, named.
expect_exit 0 mlops --json init proj --force --answers proj/.mlops/answers.yaml -s ci=gitlab
expect_json "$TEST_DIR/out" '.left | join(",")' ".github/workflows/ci.yml,.github/workflows/mlops.yml"
expect_json "$TEST_DIR/out" '.git.commit | length' 40
expect_file proj/.github/workflows/ci.yml
expect_file proj/.gitlab-ci.yml
expect_eq "$(git -C proj rev-list --count HEAD)" 2 "commits"
expect_exit 0 mlops init proj --force --answers proj/.mlops/answers.yaml -s ci=github
expect_contains "$TEST_DIR/err" ".gitlab-ci.yml"
expect_contains "$TEST_DIR/err" "no longer"

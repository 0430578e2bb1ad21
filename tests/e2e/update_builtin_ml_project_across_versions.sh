#!/usr/bin/env bash
# The built-in ml-project carries its earlier version 1.0.0 (templates/.versions): a project
# at 1.0.0 is updated to the current version with your edits kept, and ends identical to a
# fresh init but for them.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

current=$(mlops --json template list | jq -r '.[] | select(.name == "ml-project") | .version')
[ "$current" != 1.0.0 ] || fail "ml-project's version must have moved past 1.0.0 for this test"

expect_exit 0 mlops init a/demo --defaults
expect_exit 0 mlops init b/demo --defaults
# a/demo back to 1.0.0, as if made then: an update to that version.
expect_exit 0 mlops --json update a/demo --to 1.0.0
expect_json "$TEST_DIR/out" .from.version "$current"
expect_json "$TEST_DIR/out" .to.version 1.0.0
expect_contains a/demo/.mlops/answers.yaml "version: 1.0.0"
expect_exit 1 mlops update --check a/demo

expect_exit 3 mlops update a/demo --to 0.9.0
expect_clean_error
expect_contains "$TEST_DIR/err" "1.0.0"

echo "# my notes" >>a/demo/README.md
git -C a/demo commit -qam "my notes"
expect_exit 0 mlops --json update a/demo
expect_json "$TEST_DIR/out" .from.version 1.0.0
expect_json "$TEST_DIR/out" .to.version "$current"
expect_exit 0 mlops update --check a/demo
expect_contains a/demo/README.md "# my notes"
sed -i '$d' a/demo/README.md
expect_eq "$(worktree_digest a/demo)" "$(worktree_digest b/demo)" "updated vs fresh ml-project $current"


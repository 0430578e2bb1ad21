#!/usr/bin/env bash
# init --force over a git project whose files the template would replace hold uncommitted changes (modified in the working tree, or staged) refuses with exit 6, names them, and changes nothing: the edits are not overwritten and then buried under a new commit. Committed files are still replaced.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 0 mlops init proj --defaults
head=$(git -C proj rev-parse HEAD)
printf 'my unsaved notes\n' >>proj/README.md
printf 'staged: 1\n' >>proj/params.yaml
git -C proj add params.yaml
before=$(worktree_digest proj)

expect_exit 6 mlops init proj --force --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "README.md"
expect_contains "$TEST_DIR/err" "params.yaml"
expect_eq "$(worktree_digest proj)" "$before" "the project after the refused init --force"
expect_eq "$(git -C proj rev-parse HEAD)" "$head" "HEAD after the refused init --force"
expect_contains proj/README.md "my unsaved notes"

# Once committed, --force re-renders as documented.
git -C proj commit -q -am "my edits"
expect_exit 0 mlops init proj --force --defaults
expect_not_contains proj/README.md "my unsaved notes"

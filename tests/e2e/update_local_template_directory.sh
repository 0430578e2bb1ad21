#!/usr/bin/env bash
# A template in a local directory that is a git repository: init records its commit (the tree
# is clean), and update goes to its latest version tag, or --to a given one.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
expect_exit 0 mlops --json init proj --template ./src --defaults
expect_json "$TEST_DIR/out" .template.commit "$(git -C src rev-parse v1)"
sed -i 's/^line 3$/line 3, v2/' src/files/README.md
commit_template src v2
sed -i 's/^line 3, v2$/line 3, v3/' src/files/README.md
commit_template src v3

expect_exit 0 mlops --json update proj --to v2
expect_json "$TEST_DIR/out" .to.ref v2
expect_contains proj/README.md "line 3, v2"
expect_contains proj/.mlops/answers.yaml "source: path"
expect_contains proj/.mlops/answers.yaml "commit: $(git -C src rev-parse v2)"
expect_exit 1 mlops update --check proj
expect_exit 0 mlops update proj
expect_contains proj/README.md "line 3, v3"
expect_exit 0 mlops update --check proj

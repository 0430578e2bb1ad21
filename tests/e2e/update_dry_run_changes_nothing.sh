#!/usr/bin/env bash
# --dry-run prints the change as a diff and writes nothing: files, index, HEAD, .git/mlops-update.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
sed -i 's/^line 4$/line 4, from v2/' src/files/README.md
echo 'added in v2' >src/files/added.txt
commit_template src v2

expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cd proj
sed -i 's/^line 4$/line 4, mine/' README.md
git commit -qam "mine"
digest=$(tree_digest .)
expect_exit 0 mlops update --dry-run
expect_contains "$TEST_DIR/out" "+added in v2"
expect_contains "$TEST_DIR/out" "+++ b/.mlops/answers.yaml"
expect_contains "$TEST_DIR/err" "nothing was changed"
expect_exit 0 mlops --json update --dry-run
expect_json "$TEST_DIR/out" .dry_run true
expect_json "$TEST_DIR/out" '.conflicts | join(",")' README.md
expect_json "$TEST_DIR/out" .commit ""
expect_eq "$(tree_digest .)" "$digest" "the project and its .git after --dry-run"

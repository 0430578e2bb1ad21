#!/usr/bin/env bash
# --force into a directory holding the user's symlink to outside: a template symlink leading through it exits 4 and nothing changes.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p proj outside
echo victim >outside/secret.txt
echo keep >proj/notes.txt
ln -s ../outside proj/escape
make_template tpl <<'YAML' "README.md=hi"
name: through-user-link
YAML
ln -s escape/secret.txt tpl/files/config.txt
before=$(tree_digest .)
expect_exit 4 mlops init proj --force --template ./tpl --defaults --no-git
expect_clean_error
expect_contains "$TEST_DIR/err" "files/config.txt"
expect_contains "$TEST_DIR/err" "outside the project through escape"
rm "$TEST_DIR/out" "$TEST_DIR/err"
expect_eq "$(tree_digest .)" "$before" "the test directory after the refused init"

# A link through the user's link that stays inside is fine.
mkdir proj/data
ln -s data proj/current
rm tpl/files/config.txt
ln -s current/train.csv tpl/files/train.csv
expect_exit 0 mlops init proj --force --template ./tpl --defaults --no-git
expect_eq "$(readlink proj/train.csv)" current/train.csv "proj/train.csv"

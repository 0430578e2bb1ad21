#!/usr/bin/env bash
# A new version that cannot render (an undefined name, a path escaping the project, a symlink
# out of it): the error names it, exit 4, and the project, index and HEAD are untouched.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
digest=$(tree_digest proj)

echo 'hello {{undefined_name}}' >src/files/bad.txt
commit_template src v2
expect_exit 4 mlops update proj
expect_clean_error
expect_contains "$TEST_DIR/err" "undefined_name"
expect_eq "$(tree_digest proj)" "$digest" "unchanged after an undefined name"

git -C src rm -q files/bad.txt
ln -s ../../../etc/passwd src/files/escape
commit_template src v3
expect_exit 4 mlops update proj
expect_clean_error
expect_contains "$TEST_DIR/err" "escape"
expect_eq "$(tree_digest proj)" "$digest" "unchanged after a symlink out of the project"

git -C src rm -q files/escape
mkdir -p 'src/files/{{#name}}..{{/name}}'
echo x >'src/files/{{#name}}..{{/name}}/x'
commit_template src v4
expect_exit 4 mlops update proj
expect_clean_error
expect_eq "$(tree_digest proj)" "$digest" "unchanged after a .. path"

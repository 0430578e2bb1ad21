#!/usr/bin/env bash
# A directory of the project that is a symlink leading out of it (yours, committed) is never
# written through: a file the template adds there is a conflict with nothing written (exit 6,
# --abort restores); a template symlink that would lead out through it is refused (exit 4)
# before anything changes. Nothing appears outside.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
mkdir -p src/files/conf && echo 'setting' >src/files/conf/app.conf
commit_template src v2
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
mkdir outside
ln -s ../outside proj/conf
git -C proj add conf && git -C proj commit -qm "conf lives elsewhere"
git -C proj status --porcelain >"$TEST_DIR/status-before"
digest=$(worktree_digest proj)
expect_exit 6 mlops --json update proj
expect_json "$TEST_DIR/out" '.conflicts | join(",")' conf/app.conf
expect_json "$TEST_DIR/out" '.unreachable | join(",")' conf/app.conf
expect_no_path outside/app.conf
expect_no_path outside/app.conf.rej
expect_exit 0 mlops update --abort proj
expect_eq "$(worktree_digest proj)" "$digest" "nothing changed after --abort"
git -C proj status --porcelain | diff - "$TEST_DIR/status-before" || fail "git status differs after --abort"

# A template symlink that would lead out through your symlink is refused the same way.
git -C src rm -q -r files/conf
ln -s conf src/files/cfg   # fine in the template alone (it dangles), outside once in the project
commit_template src v3
expect_exit 4 mlops update proj
expect_clean_error
expect_contains "$TEST_DIR/err" "cfg"
expect_no_path proj/cfg
expect_eq "$(worktree_digest proj)" "$digest" "nothing changed"

#!/usr/bin/env bash
# The template turns a directory you never changed (config/main.txt) into a file (config):
# one clean commit, as a fresh init of the new version, no empty directory left; with a file of
# yours in config/ it is a conflict that changes nothing there; --abort of a conflicted
# update puts the directory back.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
mkdir -p src/files/config/deep && echo 'inner' >src/files/config/main.txt && echo 'deeper' >src/files/config/deep/x.txt
git -C src add -A && git -C src commit -qm "config dir" && git -C src tag -f v1 >/dev/null
git -C src rm -rq files/config
echo 'cfg' >src/files/config
sed -i 's/^line 4$/line 4, from v2/' src/files/README.md
commit_template src v2
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cp -a proj proj2
cp -a proj proj3
expect_exit 0 mlops update proj
expect_eq "$(cat proj/config)" "cfg" "config after the update"
expect_eq "$(git -C proj status --porcelain)" "" "the update is one commit"
expect_exit 0 mlops init fresh --template "file://$(pwd -P)/src@v2" --defaults
expect_eq "$(worktree_digest proj)" "$(worktree_digest fresh)" "the same tree as a fresh init of v2"

# A conflict elsewhere: --abort puts config/ back as it was.
cd proj2
sed -i 's/^line 4$/line 4, mine/' README.md
git commit -qam "my edit"
digest_before=$(worktree_digest .)
expect_exit 6 mlops update
expect_eq "$(cat config)" "cfg" "config while the update waits"
expect_exit 0 mlops update --abort
expect_eq "$(worktree_digest .)" "$digest_before" "every file after --abort"
expect_file config/deep/x.txt

# A file of yours in config/: never removed; the template's config is the conflict.
cd ../proj3
echo 'mine' >config/local.txt
git add config/local.txt && git commit -qm "mine"
expect_exit 6 mlops update
expect_file config/local.txt
expect_contains "$TEST_DIR/err" "C config"

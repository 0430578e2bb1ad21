#!/usr/bin/env bash
# The template turns a file you never changed (config) into a directory (config/main.txt):
# one clean commit, as a fresh init of the new version; --abort of a conflicted update of it
# puts the file back.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
echo 'cfg' >src/files/config
git -C src add -A && git -C src commit -qm "config file" && git -C src tag -f v1 >/dev/null
git -C src rm -q files/config
mkdir src/files/config && echo 'inner' >src/files/config/main.txt
sed -i 's/^line 4$/line 4, from v2/' src/files/README.md
commit_template src v2
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cp -a proj proj2
expect_exit 0 mlops update proj
expect_contains proj/config/main.txt "inner"
expect_eq "$(git -C proj status --porcelain)" "" "the update is one commit"

cd proj2
sed -i 's/^line 4$/line 4, mine/' README.md
git commit -qam "my edit"
digest_before=$(worktree_digest .)
expect_exit 6 mlops update
expect_contains config/main.txt "inner"
expect_exit 0 mlops update --abort
expect_eq "$(worktree_digest .)" "$digest_before" "every file after --abort"
expect_file config

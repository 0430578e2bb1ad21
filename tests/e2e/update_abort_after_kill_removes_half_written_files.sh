#!/usr/bin/env bash
# An update killed (kill -9) while writing a file leaves the atomic write's temporary file
# (.NAME.tmp-XXXXXX) beside it, and a symlink's (.NAME.mlops-update-link); the next --abort
# removes them with the rest, so the tree is exactly as before, new directories gone too.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
sed -i 's/^line 4$/line 4, from v2/' src/files/README.md
mkdir -p src/files/newdir && echo 'new in v2' >src/files/newdir/added.txt
ln -s ../README.md src/files/newdir/readme-link
commit_template src v2

expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cd proj
sed -i 's/^line 4$/line 4, mine/' README.md
git commit -qam "my edit"
echo 'untracked, mine' >scratch.txt
echo 'not ours: another name' >.scratch.txt.tmp-kept01
head_before=$(git rev-parse HEAD)
digest_before=$(worktree_digest .)

expect_exit 6 mlops update
# What a kill -9 in the middle of writing leaves besides the saved state:
: >newdir/.added.txt.tmp-Ab3dEf
: >.README.md.tmp-x1Y2z3
ln -s ../README.md newdir/.readme-link.mlops-update-link

expect_exit 0 mlops update --abort
expect_eq "$(git rev-parse HEAD)" "$head_before" "HEAD after --abort"
expect_eq "$(worktree_digest .)" "$digest_before" "every file after --abort"
expect_no_path newdir
expect_file .scratch.txt.tmp-kept01
expect_no_path .git/mlops-update

#!/usr/bin/env bash
# A template that moves a file out of a directory you replaced with a symlink (data/ on
# another disk): the rest of the update goes on; the new name is added, your file stays where
# it is, and nothing is written or removed through the symlink.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
mkdir -p src/files/data && printf 'd1\nd2\n' >src/files/data/a.txt
git -C src add -A && git -C src commit -qm "data dir" && git -C src tag -f v1 >/dev/null
git -C src mv files/data/a.txt files/moved.txt
sed -i 's/^line 3$/line 3, v2/' src/files/README.md
commit_template src v2
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
mkdir -p disk && mv proj/data/a.txt disk/ && rmdir proj/data && ln -s ../disk proj/data
git -C proj add -A && git -C proj commit -qm "data on another disk"
before=$(tree_digest disk)
expect_exit 0 mlops update proj
expect_contains proj/README.md "line 3, v2"
expect_contains proj/moved.txt "d2"
[ -L proj/data ] || fail "data is no longer your symlink"
expect_eq "$(tree_digest disk)" "$before" "nothing written or removed through the symlink"
expect_eq "$(git -C proj status --porcelain)" "" "the update is one commit"

# A file of the template you replaced with a directory: the same, nothing removed.
update_template_v1 src2
printf 'f1\n' >src2/files/thing.txt
git -C src2 add -A && git -C src2 commit -qm "thing" && git -C src2 tag -f v1 >/dev/null
git -C src2 mv files/thing.txt files/thing2.txt
commit_template src2 v2
expect_exit 0 mlops init proj2 --template "file://$(pwd -P)/src2@v1" --defaults
rm proj2/thing.txt && mkdir proj2/thing.txt && echo mine >proj2/thing.txt/inside
git -C proj2 add -A && git -C proj2 commit -qm "a directory of mine"
expect_exit 0 mlops update proj2
expect_contains proj2/thing.txt/inside "mine"
expect_contains proj2/thing2.txt "f1"

#!/usr/bin/env bash
# A directory you replaced with a symlink (data/ on another disk) does not stop an update when
# the template does not change what is in it: the rest merges, nothing is written through it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
mkdir -p src/files/data && echo 'keep' >src/files/data/.gitkeep
git -C src add -A && git -C src commit -qm "data dir" && git -C src tag -f v1 >/dev/null
sed -i 's/^line 3$/line 3, v2/' src/files/README.md
commit_template src v2
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
mkdir -p disk && mv proj/data/.gitkeep disk/ && rmdir proj/data && ln -s ../disk proj/data
git -C proj add -A && git -C proj commit -qm "data on another disk"
before=$(tree_digest disk)
expect_exit 0 mlops update proj
expect_contains proj/README.md "line 3, v2"
[ -L proj/data ] || fail "data is no longer your symlink"
expect_eq "$(tree_digest disk)" "$before" "nothing written through the symlink"

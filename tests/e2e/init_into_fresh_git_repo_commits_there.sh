#!/usr/bin/env bash
# A directory holding only a fresh `git init` counts as empty, and the commit goes into that repository.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

git init -q -b trunk fresh
git -C fresh config mlops.marker kept
gitdir_inode=$(stat -c %i fresh/.git)
expect_exit 0 mlops init fresh --defaults
expect_file fresh/mlops.yaml
# Same repository (not re-created), same branch, one commit holding the project.
expect_eq "$(stat -c %i fresh/.git)" "$gitdir_inode" "inode of fresh/.git"
expect_eq "$(git -C fresh config mlops.marker)" kept "the repository's own config"
expect_eq "$(git -C fresh symbolic-ref HEAD)" refs/heads/trunk "branch"
expect_eq "$(git -C fresh rev-list --count HEAD)" 1 "commits"
expect_eq "$(git -C fresh log -1 --format=%s)" "Initialize project from mlops template ml-project 1.3.0" "commit subject"
git -C fresh cat-file -e HEAD:mlops.yaml || fail "mlops.yaml is not in the commit"
git -C fresh cat-file -e HEAD:.mlops/answers.yaml || fail ".mlops/answers.yaml is not in the commit"
expect_eq "$(git -C fresh status --porcelain --untracked-files=all)" "" "git status"
expect_eq "$(find fresh -name '*mlops-init*' | wc -l)" 0 "staging directories left"

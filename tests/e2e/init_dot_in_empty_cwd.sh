#!/usr/bin/env bash
# `mlops init .` in an empty current directory fills that very directory (the shell's cwd stays valid).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir here-proj
cd here-proj
inode_before=$(stat -c %i .)
expect_exit 0 mlops init . --defaults
# The directory was filled in place, not replaced: the cwd is the same inode and sees the files.
expect_eq "$(stat -c %i .)" "$inode_before" "inode of the current directory"
expect_eq "$(stat -c %i "$TEST_DIR/here-proj")" "$inode_before" "inode of the directory by path"
expect_file ./mlops.yaml
expect_file ./src/here_proj/__init__.py
expect_contains ./.mlops/answers.yaml 'project_name: "here-proj"'
expect_eq "$(git rev-parse --show-toplevel)" "$(pwd -P)" "repository root"
expect_eq "$(git rev-list --count HEAD)" 1 "commits"
expect_eq "$(git status --porcelain --untracked-files=all)" "" "git status"
# No staging directory left behind, here or beside it.
expect_eq "$(find . "$TEST_DIR" -maxdepth 1 -name '*mlops-init*' | wc -l)" 0 "staging directories left"

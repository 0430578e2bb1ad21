#!/usr/bin/env bash
# A git template whose tree holds names git itself refuses (.., .git, a name twice as a link and a directory) or a symlink whose target holds a NUL exits 4; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

git init -q -b main src
cd src
manifest=$(printf 'name: hostile\n' | git hash-object -w --stdin)
blob=$(printf 'pwned\n' | git hash-object -w --stdin)
target=$(printf '/tmp' | git hash-object -w --stdin)
sub=$(printf '100644 blob %s\tx\n' "$blob" | git mktree)
files=$(printf '100644 blob %s\tREADME.md\n' "$blob" | git mktree)
commit() { git -c user.name=t -c user.email=t@t commit-tree "$(git mktree)" -m hostile; }
git update-ref refs/heads/dotdot "$(printf '100644 blob %s\tmlops-template.yaml\n040000 tree %s\tfiles\n040000 tree %s\t..\n' "$manifest" "$files" "$sub" | commit)"
git update-ref refs/heads/dotgit "$(printf '100644 blob %s\tmlops-template.yaml\n040000 tree %s\tfiles\n040000 tree %s\t.GIT\n' "$manifest" "$files" "$sub" | commit)"
git update-ref refs/heads/twice "$(printf '100644 blob %s\tmlops-template.yaml\n040000 tree %s\tfiles\n120000 blob %s\thooks\n040000 tree %s\thooks\n' "$manifest" "$files" "$target" "$sub" | commit)"
nul_target=$(printf 'loop\000/../../../etc/passwd' | git hash-object -w --stdin)
files_nul=$(printf '120000 blob %s\tloop\n' "$nul_target" | git mktree)
git update-ref refs/heads/nullink "$(printf '100644 blob %s\tmlops-template.yaml\n040000 tree %s\tfiles\n' "$manifest" "$files_nul" | commit)"
cd ..

for branch in dotdot dotgit twice nullink; do
  expect_exit 4 mlops template show "file://$TEST_DIR/src" --ref "$branch"
  expect_clean_error
  expect_exit 4 mlops init proj --template "file://$TEST_DIR/src" --ref "$branch" --defaults --trust
  expect_clean_error
  expect_no_path proj
done

#!/usr/bin/env bash
# A damaged or hostile .git/mlops-update/state is refused whole (exit 4, one-line error)
# before --abort changes anything: no path into .git (a hook), no missing index line (that
# would delete the index), no index copy that is not there, no blob id that is not one.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

git init -q -b main p
cd p
echo a >a.txt && echo b >b.txt
git add . && git commit -qm a
head=$(git rev-parse HEAD)
blob=$(printf '#!/bin/sh\necho pwned\n' | git hash-object -w --stdin)
echo changed >a.txt
digest=$(worktree_digest .)
index=$(sha256sum <.git/index)

hostile() { # STATE-LINES...: the state with them, then --abort must refuse it and change nothing
  mkdir -p .git/mlops-update
  { printf 'mlops-update 1\nhead %s\nbranch refs/heads/main\nto x\n' "$head"; printf '%s\n' "$@"; } >.git/mlops-update/state
  expect_exit 4 mlops update --abort
  expect_clean_error
  expect_eq "$(worktree_digest .)" "$digest" "the tree after a refused --abort ($*)"
  expect_eq "$(sha256sum <.git/index)" "$index" "the index after a refused --abort ($*)"
  expect_no_path .git/hooks/post-checkout
}
hostile 'index no' "path 755 $blob .git/hooks/post-checkout"
hostile 'index no' "path 755 $blob sub/.git/hooks/post-checkout"
hostile 'index no' "path 755 $blob .GIT/hooks/post-checkout"
hostile 'index no' 'dir .git/x'
hostile "path 644 $blob a.txt"
hostile 'index maybe' "path 644 $blob a.txt"
hostile 'index yes' "path 644 $blob a.txt"
hostile 'index no' "path 644 zzzz a.txt"
hostile 'index no' "path 644 $blob/../x a.txt"

#!/usr/bin/env bash
# Template symlinks that leave the project only together (sub/z -> .. plus evil -> sub/z/sub/z/../../x), judged where the project ends up, exit 4; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# Each link is lexically inside (every ".." is matched by a "sub/z"), resolves outside from
# the final target, and dangles from the staging directory one level deeper.
echo secret >secret.txt
mkdir work
echo keep >work/keep.txt
check() { # TARGET LINK-TARGET
  local target=$1 link=$2
  rm -rf tpl
  make_template tpl <<'YAML' "README.md=hi"
name: link-chain
YAML
  mkdir -p tpl/files/sub
  ln -s .. tpl/files/sub/z
  ln -s "$link" tpl/files/evil
  local before
  before=$(tree_digest "$(dirname "$target")")
  expect_exit 4 mlops init "$target" --template ./tpl --defaults --no-git
  expect_clean_error
  expect_contains "$TEST_DIR/err" "files/evil"
  expect_contains "$TEST_DIR/err" "outside the project"
  expect_eq "$(tree_digest "$(dirname "$target")")" "$before" "$(dirname "$target") after a link to $link"
}
check work/proj sub/z/sub/z/../../secret.txt

# The issue's reproduction: a target eight directories below /, and /etc/passwd.
deep=$TEST_DIR/d
while [ "$(tr -cd / <<<"$deep" | wc -c)" -lt 8 ]; do deep=$deep/d; done
mkdir -p "$deep"
check "$deep/target" "sub/z/sub/z/sub/z/sub/z/../../../../../../../../etc/passwd"

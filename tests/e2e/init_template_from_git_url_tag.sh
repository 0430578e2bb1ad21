#!/usr/bin/env bash
# A template from a file:// git URL at @TAG uses that tag's tree (not HEAD), keeps modes and links, and records ref and commit.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template src <<'YAML' "README.md=v1 for {{name}}" "bin/run=#!/bin/sh"
name: git-tpl
version: "1.0.0"
questions:
  - {name: name, default: svc}
YAML
chmod 755 src/files/bin/run
ln -s README.md src/files/INDEX.md
git -C src init -q
git -C src add -A
git -C src commit -q -m v1
git -C src tag -a v1 -m "release v1"   # annotated: must be peeled to its commit
v1=$(git -C src rev-parse 'v1^{commit}')
echo "v2 for {{name}}" >src/files/README.md
git -C src commit -q -am v2
head=$(git -C src rev-parse HEAD)
git clone -q --bare src tpl.git

url="file://$(pwd -P)/tpl.git"
expect_exit 0 mlops --json init proj --template "$url@v1" --defaults
expect_eq "$(cat proj/README.md)" "v1 for svc" "README.md at v1"
[ -x proj/bin/run ] || fail "bin/run lost its executable bit"
[ -L proj/INDEX.md ] || fail "INDEX.md is not a symlink"
expect_json "$TEST_DIR/out" '.template.source' git
expect_json "$TEST_DIR/out" '.template.ref' v1
expect_json "$TEST_DIR/out" '.template.commit' "$v1"
expect_contains proj/.mlops/answers.yaml "source: git"
expect_contains proj/.mlops/answers.yaml "location: $url"
expect_contains proj/.mlops/answers.yaml "ref: v1"
expect_contains proj/.mlops/answers.yaml "commit: $v1"
git -C proj log -1 --format=%B | grep -qF "(commit $v1)" || fail "the commit message does not record the template commit"

# Without @REF: the remote HEAD.
expect_exit 0 mlops init proj-head --template "$url" --defaults
expect_eq "$(cat proj-head/README.md)" "v2 for svc" "README.md at HEAD"
expect_contains proj-head/.mlops/answers.yaml "commit: $head"

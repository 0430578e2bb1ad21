#!/usr/bin/env bash
# `mlops init --template git://…/tpl.git@v1` fetches the template from a git daemon at tag v1 and records ref and commit.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"

use_test_server GIT_DAEMON

make_template src <<'YAML' "README.md=# {{name}} from {{template_version}}" "bin/run=#!/bin/sh"
name: remote-tpl
version: "1.0.0"
questions:
  - {name: name, default: svc}
YAML
chmod 755 src/files/bin/run
git -C src init -q -b main
git -C src add -A
git -C src commit -q -m v1
git -C src tag -a v1 -m v1
v1=$(git -C src rev-parse 'v1^{commit}')
sed -i 's/^version: .*/version: "2.0.0"/' src/mlops-template.yaml
git -C src commit -q -am v2

name="tpl-$$-$RANDOM.git"
repo="$MLOPS_TEST_GIT_DAEMON_ROOT/$name"
git init -q --bare -b main "$repo"
url="$MLOPS_TEST_GIT_DAEMON_URL/$name"
timeout 60 git -C src push -q "$url" main v1

expect_exit 0 mlops --json init proj --template "$url@v1" --defaults
expect_eq "$(cat proj/README.md)" "# svc from 1.0.0" "README.md (rendered from v1)"
[ -x proj/bin/run ] || fail "bin/run lost its executable bit"
expect_json "$TEST_DIR/out" '.template.source' git
expect_json "$TEST_DIR/out" '.template.location' "$url"
expect_json "$TEST_DIR/out" '.template.ref' v1
expect_json "$TEST_DIR/out" '.template.commit' "$v1"
expect_contains proj/.mlops/answers.yaml "location: $url"
expect_contains proj/.mlops/answers.yaml "ref: v1"
expect_contains proj/.mlops/answers.yaml "commit: $v1"
expect_eq "$(git -C proj rev-list --count HEAD)" 1 "commits"
git -C proj log -1 --format=%B | grep -qF "Template: git $url@v1 (commit $v1)" || fail "the commit does not record the template source"

# Without @REF: the daemon's HEAD (main, at v2).
expect_exit 0 mlops init proj-head --template "$url" --defaults
expect_eq "$(cat proj-head/README.md)" "# svc from 2.0.0" "README.md (rendered from HEAD)"

rm -rf -- "$repo"

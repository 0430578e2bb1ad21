#!/usr/bin/env bash
# --ref fetches a git template at a branch whose name holds '/' (release/2.0), which @REF cannot express; --ref with @REF, or with a directory, is a usage error.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template src <<'YAML' "README.md=main for {{name}}"
name: git-tpl
version: "1.0.0"
questions:
  - {name: name, default: svc}
YAML
git -C src init -q -b main
git -C src add -A
git -C src commit -q -m main
git -C src checkout -q -b release/2.0
echo "release for {{name}}" >src/files/README.md
git -C src commit -q -am release
release=$(git -C src rev-parse HEAD)
git -C src checkout -q main
git clone -q --bare src tpl.git
url="file://$(pwd -P)/tpl.git"

expect_exit 0 mlops --json init proj --template "$url" --ref release/2.0 --defaults
expect_eq "$(cat proj/README.md)" "release for svc" "README.md on release/2.0"
expect_json "$TEST_DIR/out" '.template.ref' release/2.0
expect_json "$TEST_DIR/out" '.template.commit' "$release"
expect_contains proj/.mlops/answers.yaml "ref: release/2.0"

expect_exit 0 mlops --json template show "$url" --ref release/2.0
expect_json "$TEST_DIR/out" .name git-tpl

# Without --ref the same URL gives the default branch; @REF cannot name this branch.
expect_exit 0 mlops init proj-main --template "$url" --defaults
expect_eq "$(cat proj-main/README.md)" "main for svc" "README.md on main"

expect_exit 2 mlops init twice --template "$url@main" --ref release/2.0 --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "give it once"
expect_no_path twice
expect_exit 2 mlops init local --template ./src --ref release/2.0 --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "--ref needs a git URL"
expect_no_path local

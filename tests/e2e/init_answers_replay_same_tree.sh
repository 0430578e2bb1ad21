#!/usr/bin/env bash
# Replaying a project's .mlops/answers.yaml with --answers --defaults reproduces the same files.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir a b
expect_exit 0 mlops init a/proj --defaults -s project_name="Fraud Detector" -s framework=pytorch \
  -s ci=github,gitlab -s license=BSD-3-Clause -s include_notebooks=no -s python_version=3.12 \
  -s description="Flags odd payments" -s author_name="Ada Lovelace" -s author_email=ada@example.com
expect_contains a/proj/.mlops/answers.yaml 'project_name: "Fraud Detector"'
expect_exit 0 mlops init b/proj --answers a/proj/.mlops/answers.yaml --defaults
expect_not_contains "$TEST_DIR/err" "warning"

# Same paths, modes and bytes everywhere except .git.
(cd a/proj && find . -path ./.git -prune -o -printf '%p %y %m\n' | LC_ALL=C sort) >"$TEST_DIR/a.list"
(cd b/proj && find . -path ./.git -prune -o -printf '%p %y %m\n' | LC_ALL=C sort) >"$TEST_DIR/b.list"
diff -u "$TEST_DIR/a.list" "$TEST_DIR/b.list" || fail "the replayed project has different paths or modes"
diff -r --exclude=.git a/proj b/proj || fail "the replayed project has different contents"
grep -q 'Fraud Detector' a/proj/README.md || fail "the answers did not reach README.md"
expect_file a/proj/.gitlab-ci.yml
# Identical content means identical git trees.
expect_eq "$(git -C b/proj rev-parse 'HEAD^{tree}')" "$(git -C a/proj rev-parse 'HEAD^{tree}')" "tree of the first commit"

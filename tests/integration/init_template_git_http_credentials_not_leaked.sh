#!/usr/bin/env bash
# A template over git smart HTTP with user:password in the URL works, and the password appears nowhere: output, answers, files, git objects.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"

use_test_server GIT_HTTP
user=$MLOPS_TEST_GIT_HTTP_USER pass=$MLOPS_TEST_GIT_HTTP_PASSWORD

make_template src <<'YAML' "README.md=# {{name}}" "src/app.py=print('{{name}}')"
name: private-tpl
version: "1.0.0"
questions:
  - {name: name, default: svc}
YAML
git -C src init -q -b main
git -C src add -A
git -C src commit -q -m v1
git -C src tag v1
v1=$(git -C src rev-parse v1)
name="tpl-$$-$RANDOM.git"
repo="$MLOPS_TEST_GIT_HTTP_ROOT/$name"
git init -q --bare -b main "$repo"
plain_url="$MLOPS_TEST_GIT_HTTP_URL/$name"
url=$(with_creds "$plain_url" "$user" "$pass")
timeout 60 git -C src push -q "$url" main v1

for verbosity in "" -vv; do
  rm -rf proj
  # shellcheck disable=SC2086  # $verbosity is one flag or nothing
  expect_exit 0 mlops $verbosity --json init proj --template "$url@v1" --defaults
  expect_json "$TEST_DIR/out" '.template.location' "$plain_url"
  expect_json "$TEST_DIR/out" '.template.commit' "$v1"
  expect_not_contains "$TEST_DIR/out" "$pass"
  expect_not_contains "$TEST_DIR/err" "$pass"
done
expect_eq "$(cat proj/README.md)" "# svc" "README.md"
expect_contains proj/.mlops/answers.yaml "location: $plain_url"
expect_contains proj/.mlops/answers.yaml "ref: v1"
expect_contains proj/.mlops/answers.yaml "commit: $v1"
expect_not_contains proj/.mlops/answers.yaml "$pass"
expect_not_contains proj/.mlops/answers.yaml "$user@"
if grep -r -F -l -- "$pass" proj; then fail "the password is in a file of the project (see above)"; fi
git -C proj cat-file --batch-all-objects --batch >"$TEST_DIR/objects"
[ -s "$TEST_DIR/objects" ] || fail "no git objects to check"
expect_not_contains "$TEST_DIR/objects" "$pass"
git -C proj log -1 --format=%B | grep -qF "Template: git $plain_url@v1" || fail "the commit does not record the template URL without credentials"

# Text output too.
rm -rf proj
expect_exit 0 mlops init proj --template "$url@v1" --defaults
expect_not_contains "$TEST_DIR/out" "$pass"
expect_not_contains "$TEST_DIR/err" "$pass"

rm -rf -- "$repo"

#!/usr/bin/env bash
# An alias name with '..', a space, a slash, a control character or a leading '-' is a usage error (exit 2) and creates no ref.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
cd proj
for bad in 'a..b' 'pro d' 'a/b' "$(printf 'p\033[31m')" '.hidden' 'x.lock' ''; do
  expect_exit 2 mlops model promote demo:1.0 --alias="$bad"
  expect_clean_error
  expect_not_contains "$TEST_DIR/err" "$(printf '\033')"
done
[ -z "$(git for-each-ref refs/mlops/aliases)" ] || fail "a ref was created"
expect_exit 0 mlops model promote demo:1.0 --alias release-1.2_rc

#!/usr/bin/env bash
# A remote base path with a '.' or '..' segment (file://, an s3:// prefix, an http path) is a
# usage error (exit 2) for push, pull and copy, said before anything else, and nothing is
# written outside or inside the directory it seems to name.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
cd "$TEST_DIR/proj"
mkdir -p "$TEST_DIR/models" "$TEST_DIR/elsewhere"
for url in "file://$TEST_DIR/models/../elsewhere" "file://$TEST_DIR/models/./x" "s3://bucket/team/../other" "http://127.0.0.1:9/a/../b" \
  "oci://127.0.0.1:9/team/.."; do
  expect_exit 2 mlops push demo:1.0 "$url"
  expect_contains "$TEST_DIR/err" "'..'"
  expect_exit 2 mlops push no-such:1.0 "$url"   # the URL is checked first
  expect_exit 2 mlops pull "$url/demo:1.0"
  expect_exit 2 mlops copy "file://$TEST_DIR/models/demo:1.0" "$url"
done
[ -z "$(ls -A "$TEST_DIR/elsewhere")" ] || fail "something was written through '..'"
expect_exit 2 mlops remote add up "file://$TEST_DIR/models/../elsewhere"

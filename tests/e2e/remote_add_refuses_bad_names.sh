#!/usr/bin/env bash
# A remote name is [a-z0-9][a-z0-9._-]*: anything else is a usage error and changes nothing.
. "$(dirname "$0")/harness.sh"

mkdir proj && cd proj
printf 'schema: 1\n' >mlops.yaml
for name in Team -x .x _x 'a b' a/b 'a:b' "$(printf 'a\033[31m')" ''; do
  expect_exit 2 mlops remote add -- "$name" oci://h/x
  expect_clean_error
  expect_contains "$TEST_DIR/err" "remote name"
  expect_not_contains "$TEST_DIR/err" "$(printf '\033')"
done
for url in ftp://h/x registry.example/x oci:// file://host/x 'https://h/x?token=t' s3:///x; do
  expect_exit 2 mlops remote add ok "$url"
  expect_clean_error
done
expect_eq "$(cat mlops.yaml)" "schema: 1"

#!/usr/bin/env bash
# Pointer files are input from git, so from anyone: a bad digest, a path leaving its
# directory, a huge size or an unknown key is exit 4 with FILE:LINE, and nothing changes.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p p/data && cd p && git init -q && printf 'schema: 1\n' >mlops.yaml
echo keep >data/raw.csv
expect_exit 0 mlops data add data/raw.csv
good=$(cat data/raw.csv.mlops)
check() { # SED-EXPR TEXT
  printf '%s\n' "$good" | sed "$1" >data/raw.csv.mlops
  before=$(tree_digest .)
  expect_exit 4 mlops checkout --force
  expect_clean_error
  expect_contains "$TEST_DIR/err" "raw.csv.mlops:"
  expect_contains "$TEST_DIR/err" "$2"
  expect_eq "$(tree_digest .)" "$before" "nothing changed"
  expect_exit 4 mlops data status
}
check 's/sha256: .*/sha256: 1234/' "sha256 must be 64"
check 's/sha256: .*/sha256: ..\/..\/..\/etc\/passwd/' "sha256 must be 64"
check 's/path: raw.csv/path: ..\/..\/outside/' "path must be 'raw.csv'"
check 's/size: .*/size: 99999999999999999999/' "size"
check 's/size: .*/size: 18446744073709551615/' "beyond what mlops accepts"
check 's/schema: 1/schema: 2/' "schema must be 1"
# shellcheck disable=SC2016  # a sed command, not a shell expansion
check '$a\    evil: 1' "unknown key"
printf 'schema: 1\nouts: [' >data/raw.csv.mlops
expect_exit 4 mlops checkout
expect_clean_error
head -c 100000 /dev/zero | tr '\0' '#' >data/raw.csv.mlops
expect_exit 4 mlops checkout
expect_clean_error

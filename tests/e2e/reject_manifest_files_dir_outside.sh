#!/usr/bin/env bash
# `files: ../..` (or an absolute path) in the manifest exits 4 with mlops-template.yaml:LINE; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir work
before=$(tree_digest work)
for dir in ../.. /etc files/../.. ..; do
  rm -rf tpl
  make_template tpl <<YAML "README.md=hi"
name: escaping-files
files: $dir
YAML
  expect_exit 4 mlops init work/proj --template ./tpl --defaults
  expect_clean_error
  expect_contains "$TEST_DIR/err" "mlops-template.yaml:2:"
  expect_contains "$TEST_DIR/err" "'files'"
  expect_eq "$(tree_digest work)" "$before" "work/ after files: $dir"
done

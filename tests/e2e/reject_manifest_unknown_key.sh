#!/usr/bin/env bash
# An unknown key in the manifest (top level or in a question) exits 4 naming it with mlops-template.yaml:LINE; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template top <<'YAML' "README.md=hi"
name: typo
summary: ok
colour: red
YAML
make_template inq <<'YAML' "README.md=hi"
name: typo
questions:
  - name: a
    default: x
  - name: b
    defualt: y
YAML
mkdir work
before=$(tree_digest work)
expect_exit 4 mlops init work/proj --template ./top --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "top/mlops-template.yaml:3: unknown key 'colour'"
expect_eq "$(tree_digest work)" "$before" "work/ after the failed init"
expect_exit 4 mlops init work/proj --template ./inq --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "inq/mlops-template.yaml:6: unknown key 'defualt'"
expect_eq "$(tree_digest work)" "$before" "work/ after the failed init"

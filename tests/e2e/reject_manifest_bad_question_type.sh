#!/usr/bin/env bash
# A question with an unknown type exits 4 naming the type with mlops-template.yaml:LINE; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi"
name: bad-type
questions:
  - name: rate
    type: float
    default: "0.1"
YAML
mkdir work
before=$(tree_digest work)
expect_exit 4 mlops init work/proj --template ./tpl --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops-template.yaml:4: unknown question type 'float'"
expect_eq "$(tree_digest work)" "$before" "work/ after the failed init"

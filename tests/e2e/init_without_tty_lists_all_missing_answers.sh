#!/usr/bin/env bash
# Without a terminal, every question that has no default and no answer is listed in one usage error (exit 2), and nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md={{dataset}} {{owner}} {{team}}"
name: needs-answers
questions:
  - name: dataset
    help: no default
  - name: team
    default: core
  - name: owner
    type: string
YAML
mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)

for extra in "" "--defaults"; do
  # shellcheck disable=SC2086  # $extra is one flag or nothing
  expect_exit 2 mlops init work/proj --template ./tpl $extra </dev/null
  expect_clean_error
  expect_contains "$TEST_DIR/err" "dataset"
  expect_contains "$TEST_DIR/err" "owner"
  expect_not_contains "$TEST_DIR/err" "team"
  expect_eq "$(tree_digest work)" "$before" "work/ after a failed init $extra"
done

# With the two answers given, it works.
expect_exit 0 mlops init work/proj --template ./tpl -s dataset=iris -s owner=ada </dev/null
expect_eq "$(cat work/proj/README.md)" "iris ada core" "README.md"

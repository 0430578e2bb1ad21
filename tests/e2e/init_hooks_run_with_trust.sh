#!/usr/bin/env bash
# With --trust, pre_generate hooks run before the files are written and post_generate hooks after the first commit, in the new project (with MLOPS_* variables).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi {{name}}"
name: hooked
questions:
  - {name: name, default: svc}
hooks:
  pre_generate:
    - ["sh", "-c", "echo \"$MLOPS_ANSWER_NAME|$MLOPS_PROJECT_DIR|$MLOPS_TEMPLATE_DIR\" > \"$MARK_DIR/pre-ran\""]
  post_generate:
    - "test -f README.md && cat README.md > from-post-hook.txt && touch \"$MARK_DIR/post-ran\""
YAML
mkdir marks
export MARK_DIR="$TEST_DIR/marks"
expect_exit 0 mlops init proj --template ./tpl --trust -s name=churn
expect_not_contains "$TEST_DIR/err" "warning"
expect_file marks/pre-ran
expect_file marks/post-ran
expect_eq "$(cat marks/pre-ran)" "churn|$(pwd -P)/proj|$(pwd -P)/tpl" "MLOPS_ANSWER_NAME|MLOPS_PROJECT_DIR|MLOPS_TEMPLATE_DIR"
# The post_generate hook ran inside the project, after rendering, and its output is committed.
expect_eq "$(cat proj/from-post-hook.txt)" "hi churn" "proj/from-post-hook.txt"
git -C proj cat-file -e HEAD:from-post-hook.txt || fail "the post_generate hook's file is not committed"
expect_eq "$(git -C proj status --porcelain --untracked-files=all)" "" "git status"

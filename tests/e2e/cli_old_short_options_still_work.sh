#!/usr/bin/env bash
# Short options that changed meaning keep working where scripts used them (init -t/-s, exp list -f/-s), quietly, and with -v a warning names the new spelling; help shows only the new ones (init -S).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "answer.txt={{greeting}}"
name: t
questions:
  - name: greeting
    type: string
    default: hello
YAML
expect_exit 0 mlops init --no-git zero -t ./tpl -s greeting=old
expect_eq "$(cat zero/answer.txt)" "old" "init -t/-s"
expect_not_contains "$TEST_DIR/err" "warning"
expect_exit 0 mlops -v init --no-git one -t ./tpl -s greeting=old
expect_eq "$(cat one/answer.txt)" "old" "init -v -t/-s"
expect_contains "$TEST_DIR/err" "mlops: warning: -t is the old spelling of --template in 'mlops init'"
expect_contains "$TEST_DIR/err" "mlops: warning: -s is the old spelling of --set in 'mlops init'"
expect_exit 0 mlops init --no-git two --template ./tpl -S greeting=new
expect_eq "$(cat two/answer.txt)" "new" "init -S"
expect_not_contains "$TEST_DIR/err" "warning"
# The old and the new spelling add up, in order; a single-value option given both ways is "more than once".
expect_exit 2 mlops init --no-git three -t ./tpl --template ./tpl
expect_clean_error
expect_contains "$TEST_DIR/err" "--template was given more than once"

exp_repo repo
cd repo
for lr in 0.1 0.3 0.2; do expect_exit 0 mlops -q exp run -n "lr$lr" -S "lr=$lr" -- true; done
expect_exit 0 mlops exp list -f 'params.lr > 0.15' -s -params.lr -c name
expect_eq "$(tail -n +2 "$TEST_DIR/out" | tr '\n' ' ')" "lr0.3 lr0.2 " "exp list -f/-s"
expect_not_contains "$TEST_DIR/err" "warning"
expect_exit 0 mlops exp list -v -f 'params.lr > 0.15' -s -params.lr -c name
expect_contains "$TEST_DIR/err" "mlops: warning: -f is the old spelling of --filter in 'mlops exp list'"
expect_contains "$TEST_DIR/err" "mlops: warning: -s is the old spelling of --sort in 'mlops exp list'"
expect_exit 0 mlops exp list --filter 'params.lr > 0.15' --sort -params.lr -c name
expect_eq "$(tail -n +2 "$TEST_DIR/out" | tr '\n' ' ')" "lr0.3 lr0.2 " "exp list --filter/--sort"
expect_not_contains "$TEST_DIR/err" "warning"
# Help shows only the new spellings.
expect_exit 0 mlops exp list --help
expect_not_contains "$TEST_DIR/out" "-f,"
expect_not_contains "$TEST_DIR/out" "-s,"
expect_exit 0 mlops init --help
expect_contains "$TEST_DIR/out" "-S,--set"
expect_not_contains "$TEST_DIR/out" "-t,"

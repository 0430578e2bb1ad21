#!/usr/bin/env bash
# Names, tags, notes, params and metric keys, values and logs of runs (which exp pull brings from anyone) never reach the terminal raw: exp show, list (table, CSV, Markdown), diff and the run summary print control characters and escape sequences as \xNN; --json keeps them, escaped by JSON; exp tag refuses control characters in tags.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
esc=$'\e'
printf 'lr: 0.1\n"k\e[31mred": 1\n' >params.yaml
git commit -q -am params
expect_exit 0 mlops exp run -n r1 -m $'note \e]0;pwned\a\xc2\x9b2J' -- sh -c "printf '{\"m\\\\u001b[2J\": 1}' > metrics.json; printf 'out \\033[5m\\n'"
# Any control character but tab, newline and CR (CSV ends its lines with CRLF), and C1 controls.
raw() { ! LC_ALL=C grep -q $'[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]\|\xc2[\x80-\x9f]' "$@"; }
# (its stdout is the command's own output, passed through as it comes)
raw "$TEST_DIR/err" || { cat -v "$TEST_DIR/err"; fail "exp run printed a control character"; }
expect_contains "$TEST_DIR/err" 'm\x1b[2J=1'
id=$(exp_field r1 .id)
# A forged copy whose name and tags hold escape sequences, as a hostile remote could send.
evil="01M8ZZZZZZZZZZZZZZZZZZZZZ1"
git update-ref "refs/mlops/exps/$evil" "$("$PYTHON" "$MLOPS_SOURCE_DIR/tests/e2e/forge_run.py" "refs/mlops/exps/$id" "$evil" \
  --set 'name="evil\u001b[2J\u001b]0;x\u0007"' --set 'tags=["t\u001b[31m", "\u009b1m"]')"

for cmd in "exp show r1" "exp show $evil" "exp list" "exp list --all --csv" "exp list --md" "exp list -c name,tags,note" \
  "exp diff r1 $evil" "exp diff r1" "exp tag r1 plain" "metrics show" "params diff"; do
  # shellcheck disable=SC2086
  expect_exit 0 mlops $cmd
  raw "$TEST_DIR/out" "$TEST_DIR/err" || { cat -v "$TEST_DIR/out" "$TEST_DIR/err"; fail "'mlops $cmd' printed a control character"; }
done
expect_exit 0 mlops exp show "$evil"
expect_contains "$TEST_DIR/out" 'evil\x1b[2J\x1b]0;x\x07'
expect_contains "$TEST_DIR/out" '\xc2\x9b1m'
expect_exit 0 mlops exp show r1
expect_contains "$TEST_DIR/out" 'note \x1b]0;pwned\x07\xc2\x9b2J'
expect_contains "$TEST_DIR/out" 'k\x1b[31mred'
expect_contains "$TEST_DIR/out" 'out \x1b[5m'
# JSON keeps the text (escaped by JSON itself).
expect_exit 0 mlops --json exp show "$evil"
expect_json "$TEST_DIR/out" .name "evil${esc}[2J${esc}]0;x"$'\a'
expect_exit 2 mlops exp tag r1 $'bad\ttag'
expect_exit 2 mlops exp tag r1 $'bad\e[1mtag'
expect_clean_error
raw "$TEST_DIR/err" || fail "the error repeated the tag raw"

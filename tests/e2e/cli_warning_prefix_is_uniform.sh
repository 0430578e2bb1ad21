#!/usr/bin/env bash
# Every warning, from the command line layer or from the library's log, starts with "mlops: warning:"; -q silences them.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "a.txt={{name}}"
name: t
questions:
  - name: name
    type: string
    default: x
hooks:
  post_generate:
    - ["true"]
YAML
printf 'name: y\nnot_a_question: 1\n' >answers.yaml
# The hooks are skipped without --trust (a CLI warning); the answers file has an answer the
# template does not ask for (a library log warning).
expect_exit 0 mlops init one --no-git --template ./tpl --answers answers.yaml
grep -q "hooks were not run" "$TEST_DIR/err" || { cat "$TEST_DIR/err" >&2; fail "no warning about skipped hooks"; }
grep -q "not_a_question" "$TEST_DIR/err" || { cat "$TEST_DIR/err" >&2; fail "no warning about the unknown answer"; }
grep -i "warning:" "$TEST_DIR/err" >"$TEST_DIR/warnings"
[ "$(wc -l <"$TEST_DIR/warnings")" -ge 2 ] || fail "expected two warnings"
if grep -v '^mlops: warning: ' "$TEST_DIR/warnings" >&2; then fail "a warning without the 'mlops: warning: ' prefix (above)"; fi

expect_exit 0 mlops -q init two --no-git --template ./tpl --answers answers.yaml
expect_eq "$(cat "$TEST_DIR/err")" "" "stderr of mlops -q init (warnings)"
expect_file two/a.txt

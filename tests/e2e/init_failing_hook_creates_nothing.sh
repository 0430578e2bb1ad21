#!/usr/bin/env bash
# A failing post_generate hook (with --trust) makes init fail with a clean error, and no project or staging directory is left.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi"
name: failing-hook
hooks:
  post_generate:
    - "touch half-done"
    - ["sh", "-c", "echo 'hook says no' >&2; exit 3"]
YAML
mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)
got=0
mlops init work/new/proj --template ./tpl --trust >"$TEST_DIR/out" 2>"$TEST_DIR/err" || got=$?
[ "$got" != 0 ] || fail "init succeeded although a hook failed"
[ "$got" -lt 70 ] || { cat "$TEST_DIR/err" >&2; fail "a failing hook is reported as an internal error (exit $got)"; }
grep -v '^hook says no$' "$TEST_DIR/err" >"$TEST_DIR/err.mlops" || true
mv "$TEST_DIR/err.mlops" "$TEST_DIR/err"
expect_clean_error
expect_contains "$TEST_DIR/err" "post_generate"
expect_contains "$TEST_DIR/err" "exit code 3"
expect_contains "$TEST_DIR/err" "sh -c 'echo '\\''hook says no'\\'' >&2; exit 3'"   # the error names the failing command, as typed
expect_no_path work/new
expect_eq "$(tree_digest work)" "$before" "work/ after the failed init"

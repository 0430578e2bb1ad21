#!/usr/bin/env bash
# SIGINT during init (while a trusted hook runs) exits 130 promptly and leaves no target and no staging directory.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi"
name: slow
hooks:
  pre_generate:
    - ["sh", "-c", "echo $$ > \"$MARK_DIR/hook.pid\"; exec sleep 60"]
YAML
mkdir work marks
export MARK_DIR="$TEST_DIR/marks"
echo keep >work/keep.txt
before=$(tree_digest work)

"$MLOPS" init work/proj --template ./tpl --trust >"$TEST_DIR/out" 2>"$TEST_DIR/err" &
pid=$!
hook_alive() { [ -s "$MARK_DIR/hook.pid" ] && kill -0 "$(cat "$MARK_DIR/hook.pid")" 2>/dev/null; }
stop_all() { kill -KILL "$pid" 2>/dev/null || true; if hook_alive; then kill -KILL "$(cat "$MARK_DIR/hook.pid")"; fi; }
for _ in $(seq 100); do [ -s "$MARK_DIR/hook.pid" ] && break; sleep 0.05; done
[ -s "$MARK_DIR/hook.pid" ] || { stop_all; fail "the hook did not start"; }
ls -d work/.proj.mlops-init-* >/dev/null 2>&1 || { stop_all; fail "no staging directory while the hook runs"; }

start=$SECONDS
kill -INT "$pid"    # mlops only, not its process group: the hook does not see this signal itself
# mlops must not sit out the 60 s hook.
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$pid" 2>/dev/null; then
  stop_all
  fail "mlops was still running 5 s after SIGINT (waiting for its hook?)"
fi
got=0
wait "$pid" || got=$?
for _ in $(seq 40); do hook_alive || break; sleep 0.05; done
if hook_alive; then stop_all; fail "the hook is still running after mlops was interrupted"; fi
expect_eq "$got" 130 "exit status after SIGINT"
[ $((SECONDS - start)) -lt 10 ] || fail "mlops took $((SECONDS - start)) s to stop"
expect_no_path work/proj
expect_eq "$(find work -name '*mlops-init*' | wc -l)" 0 "staging directories left"
expect_eq "$(tree_digest work)" "$before" "work/ after the interrupted init"
expect_not_contains "$TEST_DIR/err" "terminate called"

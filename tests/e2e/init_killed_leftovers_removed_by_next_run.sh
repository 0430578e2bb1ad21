#!/usr/bin/env bash
# The staging directory and template copy of an `init` killed with -9 are removed by the next `init`, which succeeds; a live run's are left alone.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

export TMPDIR=$TEST_DIR/tmp
mkdir "$TMPDIR" work
# A git template, so that the hook gets a copy of it in $TMPDIR.
make_template src <<'YAML' "README.md=hi"
name: slow
hooks:
  pre_generate:
    - 'echo $$ > "$HOOK_PID.tmp" && mv "$HOOK_PID.tmp" "$HOOK_PID" && exec sleep 60'
YAML
git -C src init -q -b main && git -C src add -A && git -C src -c user.name=t -c user.email=t@t commit -qm tpl
export HOOK_PID=$TEST_DIR/hook.pid
"$MLOPS" init work/proj --template "file://$TEST_DIR/src" --trust --defaults >"$TEST_DIR/out" 2>&1 &
pid=$!
KILL_ON_EXIT+=("$pid")
for ((i = 0; i < 300; i++)); do [ -s "$HOOK_PID" ] && break; sleep 0.1; done  # up to 30 s: not a timing assertion
[ -s "$HOOK_PID" ] || fail "the hook did not start"
KILL_ON_EXIT+=("$(cat "$HOOK_PID")")
kill -KILL "$pid"
wait "$pid" || true
kill -KILL "$(cat "$HOOK_PID")"

[ -n "$(find work -maxdepth 1 -name '.proj.mlops-init-*')" ] || fail "expected the killed run's staging directory in work/"
[ -n "$(ls -A "$TMPDIR")" ] || fail "expected the killed run's template copy in \$TMPDIR"
# A live run's directories look the same, with its own pid: they stay.
sleep 60 &
live=$!
KILL_ON_EXIT+=("$live")
ns=$(readlink /proc/self/ns/pid | tr -dc 0-9)
live_dir=".proj.mlops-init-$live-$(awk '{print $22}' "/proc/$live/stat")-$ns-AbCdEf"
mkdir "work/$live_dir"

expect_exit 0 mlops init work/proj --template ./src --defaults
expect_file work/proj/README.md
expect_eq "$(find work -maxdepth 1 -name '.proj.mlops-init-*' -printf '%f\n')" "$live_dir" "staging directories left in work/"
expect_eq "$(ls -A "$TMPDIR")" "" "\$TMPDIR after the next run"

# Killed while generating into an existing empty directory: the next run there does not find
# it "not empty".
mkdir work/here
dead=$(sh -c 'echo $$')   # a pid that has exited
mkdir "work/here/.mlops-init-$dead-1-$ns-AbCdEf"
expect_exit 0 mlops init work/here --template ./src --defaults
expect_file work/here/README.md
expect_no_path "work/here/.mlops-init-$dead-1-$ns-AbCdEf"

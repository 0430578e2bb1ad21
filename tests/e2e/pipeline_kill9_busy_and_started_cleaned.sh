#!/usr/bin/env bash
# A repro killed with kill -9 in a run-cache stage leaves its busy file (the flock on the
# stage's input key) and its started entry. The next repro removes both: the busy file of a
# key it does not run (the dep changed meanwhile) because nobody holds its flock, the started
# entry of a stage mlops.yaml no longer has; a busy file whose flock a live process holds
# stays. A finished stage leaves no busy file behind at all.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
command -v flock >/dev/null || skip "flock(1) is not installed"

mkdir p && cd p && git init -q
echo 1 >in.txt
cat >mlops.yaml <<'YAML'
stages:
  slow:
    cmd: cat in.txt > out.txt && if [ -e ../slow ]; then echo $$ > ../child.pid; sleep 30; fi
    deps: [in.txt]
    outs: [out.txt]
YAML
busy=$MLOPS_HOME/mlops/busy
expect_exit 0 mlops repro
[ -z "$(ls -A "$busy")" ] || fail "a finished stage left busy files: $(ls "$busy")"

touch ../slow
echo 2 >in.txt
start_repro
kill -KILL "$leader"
kill -KILL -- "-$child"
wait "$leader" 2>/dev/null || true
rm ../slow
[ "$(find "$busy" -mindepth 1 | wc -l)" = 1 ] || fail "expected the killed stage's busy file: $(ls -A "$busy")"
state=.git/mlops/pipeline/started
expect_file "$state/slow"

# A live holder's busy file (another clone running that key now) must survive.
live=$busy/$(printf 'f%.0s' $(seq 64))
flock "$live" -c 'touch ../held; exec sleep 60' >/dev/null 2>&1 &
KILL_ON_EXIT+=("$!")
for _ in $(seq 200); do [ -e ../held ] && break; sleep 0.05; done
[ -e ../held ] || fail "flock did not take the lock"

# The stage renamed, its input changed: the killed key is not run again.
echo 3 >in.txt
sed -i 's/^  slow:/  quick:/' mlops.yaml
expect_exit 0 mlops repro
expect_contains "$TEST_DIR/err" "running quick"
expect_no_path "$state/slow"
expect_eq "$(ls -A "$state")" "" "started entries left"
expect_eq "$(ls -A "$busy")" "$(basename "$live")" "busy files left"

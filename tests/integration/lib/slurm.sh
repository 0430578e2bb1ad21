# shellcheck shell=bash
# Helpers for the `exp run --executor slurm` scenarios (source after harness.sh).
#   use_slurm         skips with the reason unless tests/servers/slurm_start.sh brought a node up
#   slurm_repo DIR    exp_repo DIR with the job logs and scratch of its tasks under TEST_DIR
#   sweep_state SWEEP INDEX   the state `exp status --json` gives the point
#   slurm_pipeline_project DIR   pipeline_project DIR whose stage jobs get MLOPS_HOME; cd's into it
use_slurm() {
  local envf=${MLOPS_TEST_SLURM_ENV:-}
  if [ -z "$envf" ] || [ ! -r "$envf" ]; then skip "MLOPS_TEST_SLURM_ENV is not set (run tests/servers/slurm_start.sh RUN_DIR, or ctest -L integration)"; fi
  unset MLOPS_TEST_SLURM_CONF MLOPS_TEST_SKIP_SLURM
  # shellcheck source=/dev/null
  . "$envf"
  [ -n "${MLOPS_TEST_SLURM_CONF:-}" ] || skip "slurm: ${MLOPS_TEST_SKIP_SLURM:-not available}"
  export SLURM_CONF=$MLOPS_TEST_SLURM_CONF
  export TMPDIR=$TEST_DIR/tmp
  mkdir -p "$TMPDIR"
  # Tasks run as root and read git's configuration from HOME: give them this test's.
  git config --global user.name "Test User"
  git config --global user.email test@example.com
}
slurm_pipeline_project() {
  pipeline_project "$1"
  cd "$1" || fail "cd $1"
  printf 'executors:\n  slurm:\n    export: [MLOPS_HOME]\n' >>mlops.yaml
}
sweep_state() { mlops --json exp status "$1" >"$TEST_DIR/st.json" && jq -r ".points[$2].state" "$TEST_DIR/st.json"; }
# wait_sweep SWEEP: `exp wait`, bounded (a scheduler that never runs the tasks fails the test).
wait_sweep() { timeout 120 "$MLOPS" exp wait "$1" >"$TEST_DIR/out" 2>"$TEST_DIR/err"; }

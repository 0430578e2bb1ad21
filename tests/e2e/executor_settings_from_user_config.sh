#!/usr/bin/env bash
# executors.slurm in the user's config.yaml: per-user defaults under the project's mlops.yaml. An
# account and a git remote set only there reach sbatch and the sweep's manifest; a key set in both
# (partition, then remote) takes the project's value; export lists are merged; repro --executor
# slurm reads them too; a hostile value there is refused with FILE:LINE (exit 4) before sbatch,
# as in mlops.yaml.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

remote=$TEST_DIR/remote.git
exp_repo_on_remote a "$remote"
git init -q --bare -b main "$TEST_DIR/project.git"
mkdir -p "$XDG_CONFIG_HOME/mlops"
user_config=$XDG_CONFIG_HOME/mlops/config.yaml
printf 'jobs: 2\nexecutors:\n  slurm:\n    account: user-acct\n    partition: user-part\n    remote: file://%s\n    export: [USER_VAR]\n' \
  "$remote" >"$user_config"
printf 'executors:\n  slurm:\n    partition: proj-part\n    export: [PROJ_VAR]\n' >>mlops.yaml
git commit -qam 'the project: its partition and variable'

manifest() { git show "refs/mlops/sweeps/$1:sweep.json" | jq -r "$2"; }
expect_exit 0 mlops exp run --executor slurm -S lr=0.1,0.2 -- true
sweep=$(cat "$TEST_DIR/out")
sbatch=$(grep '^sbatch' "$FAKE_SLURM_DIR/calls" | tail -n 1)
case $sbatch in *" --account=user-acct "*) ;; *) fail "the user's account is not passed: $sbatch" ;; esac
case $sbatch in *" --partition=proj-part "*) ;; *) fail "the project's partition does not win: $sbatch" ;; esac
case $sbatch in *"--export="*PROJ_VAR,USER_VAR*) ;; *) fail "the export lists are not merged: $sbatch" ;; esac
case $sbatch in *"--remote"*"file://$remote"*) ;; *) fail "the tasks do not get the user's remote: $sbatch" ;; esac
expect_eq "$(manifest "$sweep" .remote)" "file://$remote" "the manifest's remote"
expect_eq "$(manifest "$sweep" .resources.account)" user-acct "the manifest's account"
expect_eq "$(manifest "$sweep" .resources.partition)" proj-part "the manifest's partition"
expect_eq "$(git -C "$remote" for-each-ref "refs/mlops/sweeps/$sweep" | wc -l)" 1 "the sweep on the user's remote"

# A remote in mlops.yaml too: the project's wins.
printf '    remote: file://%s\n' "$TEST_DIR/project.git" >>mlops.yaml
git commit -qam 'the project: its remote'
expect_exit 0 mlops exp run --executor slurm -S lr=0.3 -- true
sweep=$(cat "$TEST_DIR/out")
expect_eq "$(manifest "$sweep" .remote)" "file://$TEST_DIR/project.git" "the manifest's remote"
expect_eq "$(git -C "$TEST_DIR/project.git" for-each-ref "refs/mlops/sweeps/$sweep" | wc -l)" 1 "the sweep on the project's remote"

# executor test reads the same settings.
expect_exit 0 mlops executor test slurm --no-job
expect_contains "$TEST_DIR/out" "ok    git remote: file://$TEST_DIR/project.git (reachable)"

# repro --executor slurm: the user's account under the project's partition.
cd "$TEST_DIR"
pipeline_project p
cd p
expect_exit 0 mlops repro --executor slurm
sbatch=$(grep '^sbatch' "$FAKE_SLURM_DIR/calls" | tail -n 1)
case $sbatch in *" --account=user-acct "*) ;; *) fail "repro: the user's account is not passed: $sbatch" ;; esac
case $sbatch in *" --partition=user-part "*) ;; *) fail "repro: the user's partition is not passed: $sbatch" ;; esac

# Hostile there as in mlops.yaml: refused with the file and line, nothing submitted.
cd "$TEST_DIR/a"
printf 'executors:\n  slurm:\n    qos: "q\\n#SBATCH --export=ALL"\n' >"$user_config"
: >"$FAKE_SLURM_DIR/calls"
expect_exit 4 mlops exp run --executor slurm -S lr=0.4 -- true
expect_clean_error
expect_contains "$TEST_DIR/err" "config.yaml:3: executors.slurm.qos"
expect_not_contains "$FAKE_SLURM_DIR/calls" sbatch

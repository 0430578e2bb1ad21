#!/usr/bin/env bash
# exp run --executor slurm: the resources of executors.slurm in mlops.yaml reach sbatch (an
# option not given on the command line leaves them be); an option given overrides its key only.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

exp_repo a
cd a
printf 'executors:\n  slurm:\n    partition: gpu\n    account: proj\n    time: "10:00"\n' >>mlops.yaml
git commit -qam 'resources for the tasks'
last_sbatch() { grep '^sbatch' "$FAKE_SLURM_DIR/calls" | tail -n 1; }
expect_exit 0 mlops exp run --executor slurm -S lr=0.1,0.2 -- true
for arg in --partition=gpu --account=proj --time=10:00; do
  case " $(last_sbatch) " in *" $arg "*) ;; *) fail "sbatch did not get $arg: $(last_sbatch)" ;; esac
done
expect_exit 0 mlops exp run --executor slurm --partition debug -S lr=0.3 -- true
for arg in --partition=debug --account=proj --time=10:00; do
  case " $(last_sbatch) " in *" $arg "*) ;; *) fail "sbatch did not get $arg: $(last_sbatch)" ;; esac
done

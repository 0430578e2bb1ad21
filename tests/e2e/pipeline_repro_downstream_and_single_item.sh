#!/usr/bin/env bash
# `repro --downstream STAGE` runs STAGE and what depends on it, not its upstream;
# `--single-item STAGE` runs STAGE alone; the two together are a usage error.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
cat >>mlops.yaml <<'YAML'
  report:
    cmd: echo report >> runs.log && cat model.bin > report.txt
    deps: [model.bin]
    params: [lr]
    outs: [report.txt]
  other:
    cmd: echo other >> runs.log && echo x > other.txt
    outs: [other.txt]
YAML
expect_exit 0 mlops repro
mark=$(wc -l <runs.log)
# Everything stale: only train and what needs it run.
sed -i 's/^n: 3/n: 4/; s/^lr: 0.1/lr: 0.2/' params.yaml
echo y >>raw.csv
expect_exit 0 mlops --json repro --downstream train
expect_json "$TEST_DIR/out" '.ran | join(",")' "train,report"
expect_eq "$(runs_since "$mark")" "report train"
mark=$(wc -l <runs.log)
expect_exit 0 mlops --json repro --single-item report --force
expect_json "$TEST_DIR/out" '.ran | join(",")' "report"
expect_eq "$(runs_since "$mark")" "report"
expect_exit 2 mlops repro --downstream --single-item train
expect_clean_error

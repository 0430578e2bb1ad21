#!/usr/bin/env bash
# `mlops ci init --schedule` retrains a project with pipeline stages (mlops.yaml stages:) through `mlops exp run --pull` (the pipeline form, where the installed mlops has --pull), and a project without them with `mlops exp run` as on pull requests.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

python3 -c 'import yaml' 2>/dev/null || skip "python3 lacks PyYAML (Debian: python3-yaml)"
git init -q proj && cd proj
cat >mlops.yaml <<'YAML'
schema: 1
project: demo
stages:
  train:
    cmd: python3 train.py
    deps: [train.py]
    outs: [model.bin]
YAML
expect_exit 0 mlops ci init --provider github --schedule '0 3 * * 1'
expect_exit 0 mlops ci init --provider gitlab --schedule '0 3 * * 1'
python3 - <<'PY'
import yaml
gh = yaml.safe_load(open(".github/workflows/mlops.yml"))
run = [s for s in gh["jobs"]["mlops"]["steps"] if s.get("name") == "Run the experiment"][0]
assert run["env"]["EVENT"] == "${{ github.event_name }}", run
assert 'mlops exp run -n "$RUN_NAME" ${pull:+--pull}' in run["run"], run["run"]
assert 'mlops exp run --help' in run["run"], run["run"]
open("gh-run.sh", "w").write("#!/bin/bash\n" + run["run"])
gl = "\n".join(yaml.safe_load(open(".gitlab-ci.yml"))["mlops"]["script"])
assert 'mlops exp run -n "$RUN_NAME" ${pull:+--pull}' in gl, gl
assert '"$CI_PIPELINE_SOURCE" = schedule' in gl, gl
PY
if command -v shellcheck >/dev/null; then shellcheck -e SC2154 gh-run.sh || fail "shellcheck: the run step"; fi
# No stages: exp run, as on pull requests; no repro anywhere.
printf 'schema: 1\nproject: demo\n' >mlops.yaml
expect_exit 0 mlops ci init --provider github --schedule '0 3 * * 1' --force
expect_exit 0 mlops ci init --provider gitlab --schedule '0 3 * * 1' --force
expect_not_contains .github/workflows/mlops.yml "repro"
expect_not_contains .github/workflows/mlops.yml "--pull"
expect_not_contains .gitlab-ci.yml "repro"
# shellcheck disable=SC2016  # a literal $ in the text
expect_contains .github/workflows/mlops.yml 'mlops exp run -n "$RUN_NAME"'

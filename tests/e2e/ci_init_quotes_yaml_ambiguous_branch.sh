#!/usr/bin/env bash
# `mlops ci init --branch` with a value YAML would read as something else (1.0, 10, yes, on, null, 0x1F, 1e3) writes it quoted, so the workflow triggers on that branch name and not on a number or a boolean.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

python3 -c 'import yaml' 2>/dev/null || skip "python3 lacks PyYAML (Debian: python3-yaml)"
git init -q proj && cd proj
printf 'schema: 1\nproject: demo\n' >mlops.yaml
for branch in 1.0 10 yes on null No 0x1F 1e3 main; do
  expect_exit 0 mlops ci init --provider github --branch "$branch" --force
  expect_exit 0 mlops ci init --provider gitlab --branch "$branch" --force
  BRANCH=$branch python3 - <<'PY' || fail "branch $branch did not read back as a string"
import os, yaml
want = os.environ["BRANCH"]
gh = yaml.safe_load(open(".github/workflows/mlops.yml"))
assert gh[True]["push"]["branches"] == [want], gh[True]["push"]["branches"]
gl = yaml.safe_load(open(".gitlab-ci.yml"))
assert gl["workflow"]["rules"][1] == {"if": '$CI_COMMIT_BRANCH == "%s"' % want}, gl["workflow"]["rules"]
PY
done

#!/usr/bin/env bash
# `mlops ci init` writes a GitHub or GitLab workflow that parses as YAML, has the jobs and steps CI users expect (run, report with a PR comment or MR note, check, package+sign+push on the branch, a scheduled drift check), whose shell passes shellcheck and never prints a token; it refuses to overwrite without --force and rejects a bad cron without writing anything.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

python3 -c 'import yaml' 2>/dev/null || skip "python3 lacks PyYAML (Debian: python3-yaml)"
mkdir proj && cd proj
git init -q
printf 'schema: 1\nproject: demo\n' >mlops.yaml
mkdir sub
# From a subdirectory: the file goes to the project root.
expect_exit 0 mlops -C sub ci init --provider github --schedule '0 3 * * 1'
expect_file .github/workflows/mlops.yml
expect_exit 0 mlops ci init --provider gitlab --schedule '*/15 0-6,22 1 1-12/2 1-5'
expect_file .gitlab-ci.yml

# Parse both; check their structure, and extract every shell script to check it.
mkdir scripts
python3 - <<'PY'
import yaml
gh = yaml.safe_load(open(".github/workflows/mlops.yml"))
on = gh[True]  # YAML 1.1 reads the key `on` as true
assert set(on) == {"pull_request", "push", "schedule", "workflow_dispatch"}, on
assert on["push"]["branches"] == ["main"], on
assert on["schedule"] == [{"cron": "0 3 * * 1"}], on
assert gh["permissions"] == {"contents": "write", "pull-requests": "write"}, gh["permissions"]
steps = gh["jobs"]["mlops"]["steps"]
names = [s.get("name", s.get("uses")) for s in steps]
for want in ["Install mlops", "Run the experiment", "Report", "Comment on the pull request", "Check the gates",
             "Package, sign and push", "Drift"]:
    assert want in names, (want, names)
by = {s.get("name"): s for s in steps}
assert "gh pr comment" in by["Comment on the pull request"]["run"]
assert by["Comment on the pull request"]["env"]["GH_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"
assert "mlops check" in by["Check the gates"]["run"]
assert "--against" in by["Report"]["run"]
assert "mlops package sign" in by["Package, sign and push"]["run"]
assert "mlops push" in by["Package, sign and push"]["run"]
assert by["Package, sign and push"]["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
assert "mlops drift" in by["Drift"]["run"] and by["Drift"]["if"] == "github.event_name == 'schedule'"
for i, s in enumerate(steps):
    if "run" in s:
        assert "${{" not in s["run"], ("expressions go through env, never into a script", s["run"])
        open(f"scripts/github-{i}.sh", "w").write("#!/bin/bash\n" + s["run"])

gl = yaml.safe_load(open(".gitlab-ci.yml"))
assert gl["image"] == "python:3.11-bookworm", gl["image"]
assert gl["mlops"]["artifacts"]["reports"]["junit"] == "mlops-check.xml"
script = gl["mlops"]["script"]
text = "\n".join(script)
for want in ["mlops exp run", "mlops report", "merge_requests/$CI_MERGE_REQUEST_IID/notes", "mlops check",
             "mlops package sign", "mlops push", "mlops drift"]:
    assert want in text, want
for i, s in enumerate(script):
    open(f"scripts/gitlab-{i}.sh", "w").write("#!/bin/bash\n" + s)
PY
for s in scripts/*.sh; do
  bash -n "$s" || fail "$s does not parse"
done
if command -v shellcheck >/dev/null; then
  # SC2154: CI variables (RUN_NAME, CI_*) are set by the runner.
  shellcheck -e SC2154 scripts/*.sh || fail "shellcheck found problems in the workflows' scripts"
fi
# A secret is never echoed or traced.
if grep -nE 'set -x|echo .*(TOKEN|SIGNING_KEY)"?\$' .github/workflows/mlops.yml .gitlab-ci.yml; then fail "a secret may be printed"; fi
# shellcheck disable=SC2016  # a literal $ in the pattern
expect_not_contains .gitlab-ci.yml 'echo "$MLOPS_GITLAB_TOKEN'
if command -v actionlint >/dev/null; then actionlint .github/workflows/mlops.yml || fail "actionlint"; fi

# Without --schedule: no schedule, no drift step.
mkdir ../plain && cd ../plain
expect_exit 0 mlops ci init --provider github --branch release/2 --python 3.12
expect_not_contains .github/workflows/mlops.yml "schedule"
expect_not_contains .github/workflows/mlops.yml "mlops drift"
expect_contains .github/workflows/mlops.yml 'branches: ["release/2"]'
expect_contains .github/workflows/mlops.yml 'python-version: "3.12"'

# Never overwritten without --force; replaced with it.
echo 'custom: true' >.gitlab-ci.yml
expect_exit 6 mlops ci init --provider gitlab
expect_clean_error
expect_contains "$TEST_DIR/err" "--force"
expect_eq "$(cat .gitlab-ci.yml)" "custom: true"
expect_exit 0 mlops ci init --provider gitlab --force
expect_contains .gitlab-ci.yml "mlops check"

# A bad cron, branch or Python version: usage error, nothing written.
rm -rf .github .gitlab-ci.yml
for cron in '60 * * * *' '* 24 * * *' '* * 0 * *' '* * * 13 *' '* * * * 7' '* * *' '* * * * * *' '5-1 * * * *' \
  '*/0 * * * *' 'a * * * *' '1,,2 * * * *' '@daily'; do
  expect_exit 2 mlops ci init --provider github --schedule "$cron"
  expect_clean_error
done
expect_exit 2 mlops ci init --provider github --branch 'x: y'
expect_exit 2 mlops ci init --provider github --python '3; rm -rf /'
expect_exit 2 mlops ci init --provider circleci
expect_no_path .github
expect_no_path .gitlab-ci.yml

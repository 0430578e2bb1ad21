#!/usr/bin/env bash
# In a monorepo (the mlops project in a subdirectory of the git repository), `mlops ci init` writes the workflow where the CI service reads it, at the repository root, and runs every step in the project's directory (GitHub: defaults.run.working-directory; GitLab: a cd first), with artifact paths under it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

python3 -c 'import yaml' 2>/dev/null || skip "python3 lacks PyYAML (Debian: python3-yaml)"
git init -q repo && mkdir -p repo/services/churn-model/src && cd repo/services/churn-model
printf 'schema: 1\nproject: demo\n' >mlops.yaml
expect_exit 0 mlops -C src ci init --provider github
expect_exit 0 mlops ci init --provider gitlab
expect_no_path .github
expect_no_path .gitlab-ci.yml
cd ../..
expect_file .github/workflows/mlops.yml
expect_file .gitlab-ci.yml
python3 - <<'PY'
import yaml
gh = yaml.safe_load(open(".github/workflows/mlops.yml"))
job = gh["jobs"]["mlops"]
assert job["defaults"] == {"run": {"working-directory": "services/churn-model"}}, job.get("defaults")
upload = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")][0]
assert upload["with"]["path"].split() == ["services/churn-model/mlops-report.md", "services/churn-model/mlops-package.json"], upload
gl = yaml.safe_load(open(".gitlab-ci.yml"))
assert gl["variables"]["MLOPS_PROJECT_DIR"] == "services/churn-model", gl["variables"]
assert gl["mlops"]["script"][0] == 'cd "$CI_PROJECT_DIR/$MLOPS_PROJECT_DIR"', gl["mlops"]["script"][0]
assert gl["mlops"]["artifacts"]["paths"] == ["services/churn-model/mlops-report.md", "services/churn-model/mlops-package.json"]
assert gl["mlops"]["artifacts"]["reports"]["junit"] == "services/churn-model/mlops-check.xml"
PY
# At the root of its own repository: no working directory, no cd.
git init -q ../single && cd ../single
printf 'schema: 1\nproject: demo\n' >mlops.yaml
expect_exit 0 mlops ci init --provider github
expect_not_contains .github/workflows/mlops.yml "working-directory"
# A project directory whose name YAML or a shell would mangle is refused, nothing written.
git init -q ../odd && mkdir -p '../odd/a b' && cd '../odd/a b'
printf 'schema: 1\nproject: demo\n' >mlops.yaml
expect_exit 4 mlops ci init --provider github
expect_clean_error
expect_no_path ../.github

#!/usr/bin/env bash
# `init --answers FILE` without --template renders the template FILE records (a directory, or a git URL at the recorded commit), not ml-project; --template still wins.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# A local directory.
make_template tpl <<'YAML' "README.md=svc {{service}}"
name: svc
version: "1.0"
questions:
  - {name: service, default: churn}
YAML
expect_exit 0 mlops init a --template ./tpl -s service=billing
expect_exit 0 mlops init b --answers a/.mlops/answers.yaml
expect_eq "$(cat b/README.md)" "svc billing" "b/README.md"
expect_contains "$TEST_DIR/err" "$TEST_DIR/tpl"   # says which template it uses
expect_no_path b/pyproject.toml

# The template's version changed since: used anyway, with a warning.
sed -i 's/version: "1.0"/version: "2.0"/' tpl/mlops-template.yaml
expect_exit 0 mlops init c --answers a/.mlops/answers.yaml
expect_contains "$TEST_DIR/err" "warning"
expect_contains "$TEST_DIR/err" "1.0"
expect_contains "$TEST_DIR/err" "2.0"

# A git template: the recorded commit, not what the branch holds now.
git init -q -b main src
cp -r tpl/. src/
git -C src add -A && git -C src -c user.name=t -c user.email=t@t commit -qm one
first=$(git -C src rev-parse HEAD)
expect_exit 0 mlops init d --template "file://$TEST_DIR/src" -s service=first
echo 'changed {{service}}' >src/files/README.md
git -C src -c user.name=t -c user.email=t@t commit -qam two
expect_exit 0 mlops --json init e --answers d/.mlops/answers.yaml
expect_json "$TEST_DIR/out" .template.commit "$first"
expect_json "$TEST_DIR/out" .template.location "file://$TEST_DIR/src"
expect_eq "$(cat e/README.md)" "svc first" "e/README.md"
expect_contains e/.mlops/answers.yaml "commit: $first"

# --template given: it wins over the record.
expect_exit 0 mlops init f --answers a/.mlops/answers.yaml --template ml-project --defaults
expect_file f/pyproject.toml

# A plain mapping of answers records no template: ml-project, as before.
printf 'project_name: plain\n' >plain.yaml
expect_exit 0 mlops init g --answers plain.yaml --defaults
expect_file g/pyproject.toml

#!/usr/bin/env bash
# A section that spans path components, [[#x]]dir[[/x]]/file, makes or skips a whole directory.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# On disk, "[[#ci]]ci[[/ci]]/jobs/test.yml" is directory "[[#ci]]ci[[" / directory "ci]]" / ... (as in templates/ml-project/files).
make_template tpl <<'YAML' '[[#ci]]ci[[/ci]]/jobs/test.yml=run: [[name]]' '[[#ci]]ci[[/ci]]/README=ci for [[name]]' 'main.txt=[[name]]'
name: spanning
delimiters: ["[[", "]]"]
questions:
  - {name: ci, type: bool, default: true}
  - {name: name, default: svc}
YAML
[ -f 'tpl/files/[[#ci]]ci[[/ci]]/jobs/test.yml' ] || fail "test setup: template not laid out as expected"

expect_exit 0 mlops init on --template ./tpl --defaults
expect_eq "$(cat on/ci/jobs/test.yml)" "run: svc" "on/ci/jobs/test.yml"
expect_eq "$(cat on/ci/README)" "ci for svc" "on/ci/README"
expect_eq "$(cd on && find . -path ./.git -prune -o -print | LC_ALL=C sort | tr '\n' ' ')" \
  ". ./.mlops ./.mlops/answers.yaml ./ci ./ci/README ./ci/jobs ./ci/jobs/test.yml ./main.txt " "tree with ci=yes"

expect_exit 0 mlops init off --template ./tpl --defaults -s ci=no
expect_no_path off/ci
expect_eq "$(cd off && find . -path ./.git -prune -o -print | LC_ALL=C sort | tr '\n' ' ')" \
  ". ./.mlops ./.mlops/answers.yaml ./main.txt " "tree with ci=no"

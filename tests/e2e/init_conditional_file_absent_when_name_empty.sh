#!/usr/bin/env bash
# A file whose name renders empty (a section around the whole name) is not generated; it is when the condition holds.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# "{{#docker}}Dockerfile{{/docker}}" is stored as directory "{{#docker}}Dockerfile{{" holding file "docker}}",
# and "{{extra_name}}" renders empty unless answered.
make_template tpl <<'YAML' "{{#docker}}Dockerfile{{/docker}}=FROM python:3.11" "{{extra_name}}=extra" "always.txt=here"
name: conditional-files
questions:
  - {name: docker, type: bool, default: false}
  - {name: extra_name, default: ""}
YAML
[ -f 'tpl/files/{{#docker}}Dockerfile{{/docker}}' ] || fail "test setup: conditional file not laid out as expected"

expect_exit 0 mlops init off --template ./tpl --defaults
expect_file off/always.txt
expect_no_path off/Dockerfile
expect_eq "$(cd off && find . -path ./.git -prune -o -type f -print | LC_ALL=C sort | tr '\n' ' ')" "./.mlops/answers.yaml ./always.txt " "files with both conditions false"
expect_eq "$(git -C off ls-files | LC_ALL=C sort | tr '\n' ' ')" ".mlops/answers.yaml always.txt " "committed files"

expect_exit 0 mlops init on --template ./tpl --defaults -s docker=yes -s extra_name=EXTRA.md
expect_eq "$(cat on/Dockerfile)" "FROM python:3.11" "on/Dockerfile"
expect_eq "$(cat on/EXTRA.md)" "extra" "on/EXTRA.md"

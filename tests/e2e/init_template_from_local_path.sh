#!/usr/bin/env bash
# A template given as a local directory is rendered, and .mlops/answers.yaml and the commit record where it came from.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template my-tpl <<'YAML' "README.md=# {{title}}" "src/{{module}}.py=NAME = '{{title}}'"
name: local-tpl
version: "2.3.0"
questions:
  - {name: title, default: Demo}
  - {name: module, default: app}
YAML
mkdir sub
expect_exit 0 mlops init proj --template ./my-tpl --defaults -s module=core
expect_eq "$(cat proj/README.md)" "# Demo" "README.md"
expect_eq "$(cat proj/src/core.py)" "NAME = 'Demo'" "src/core.py"
expect_contains proj/.mlops/answers.yaml "name: local-tpl"
expect_contains proj/.mlops/answers.yaml "version: 2.3.0"
expect_contains proj/.mlops/answers.yaml "source: path"
expect_contains proj/.mlops/answers.yaml "location: $(pwd -P)/my-tpl"
expect_contains proj/.mlops/answers.yaml 'module: "core"'
expect_eq "$(git -C proj log -1 --format=%s)" "Initialize project from mlops template local-tpl 2.3.0" "commit subject"
git -C proj log -1 --format=%B | grep -qxF "Template: path $(pwd -P)/my-tpl" || fail "the commit does not record the template path"

# An absolute path and a path from another directory (-C) name the same template.
expect_exit 0 mlops -C sub init proj --template "$(pwd -P)/my-tpl" --defaults -s module=core
diff -r --exclude=.git proj sub/proj || fail "the same template by absolute path gave a different project"

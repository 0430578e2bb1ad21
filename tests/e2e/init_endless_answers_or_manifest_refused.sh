#!/usr/bin/env bash
# `mlops init --answers /dev/zero`, or a local template whose mlops-template.yaml or a file is a symlink to /dev/zero, is refused with exit 4 and a one-line error naming the file: a bounded read, not std::bad_alloc (exit 70) after eating memory. An answers file given as a pipe still works.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 4 mlops init p1 --answers /dev/zero
expect_clean_error
expect_contains "$TEST_DIR/err" "/dev/zero"
expect_no_path p1

make_template tpl <<'YAML' "README.md=# {{name}}"
name: tpl
questions:
  - name: name
    default: demo
YAML
cp -r tpl tpl-manifest
rm tpl-manifest/mlops-template.yaml
ln -s /dev/zero tpl-manifest/mlops-template.yaml
expect_exit 4 mlops init p2 --defaults --template ./tpl-manifest
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops-template.yaml"
expect_no_path p2

# A pipe is fine (process substitution is how scripts pass answers).
expect_exit 0 mlops init p3 --template ./tpl --answers <(printf 'name: piped\n')
expect_contains p3/README.md "# piped"

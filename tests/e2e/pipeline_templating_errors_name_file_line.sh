#!/usr/bin/env bash
# Templating mistakes are refused with mlops.yaml:LINE and exit 4 before anything runs: an
# unknown variable, a bad reference, a list put into text, a variable defined twice, two
# generated stages with one name, a value that makes no valid stage name, and a hostile
# matrix of 10^9 points (refused at once, nothing expanded).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
printf 'lr: 0.1\nlist: [1, 2]\n' >params.yaml
check() { # EXPECTED-TEXT: the error of `mlops status` on the mlops.yaml just written
  local line
  line=$(grep -n 'HERE' mlops.yaml | head -1 | cut -d: -f1)
  expect_exit 4 mlops status
  expect_clean_error
  expect_contains "$TEST_DIR/err" "mlops.yaml:$line: "
  expect_contains "$TEST_DIR/err" "$1"
  expect_no_path mlops.lock
}
cat >mlops.yaml <<'YAML'
stages:
  train:
    cmd: echo ${lrr}  # HERE
    outs: [m]
YAML
check "unknown variable 'lrr'"
expect_contains "$TEST_DIR/err" "hint: known: list, lr"

cat >mlops.yaml <<'YAML'
stages:
  train:
    cmd: echo ${lr  # HERE
YAML
check "'\${' is not closed"

cat >mlops.yaml <<'YAML'
stages:
  train:
    cmd: echo ${lr + 1}  # HERE
YAML
check "is not a variable reference"

cat >mlops.yaml <<'YAML'
stages:
  train:
    cmd: echo ${list}  # HERE
YAML
check "'\${list}' is a list, which cannot be put into text"

cat >mlops.yaml <<'YAML'
vars:
  - lr: 0.2  # HERE
stages:
  train:
    cmd: echo ${lr}
YAML
check "variable 'lr' is defined twice: in mlops.yaml:2 and in params.yaml"

cat >mlops.yaml <<'YAML'
stages:
  t:  # HERE
    foreach: [a, b, a]
    do:
      cmd: echo ${item}
YAML
check "stage 't@a' is defined twice"

cat >mlops.yaml <<'YAML'
stages:
  t:  # HERE
    foreach: [a/b]
    do:
      cmd: echo ${item}
YAML
check "stage name 't@a/b' is not valid"

cat >mlops.yaml <<'YAML'
stages:
  a@b:  # HERE
    cmd: echo hi
YAML
check "stage name 'a@b' is not valid"

{
  echo 'stages:'
  echo '  big:'
  echo '    matrix:  # HERE'
  for d in a b c d e f g h i; do echo "      $d: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"; done
  # shellcheck disable=SC2016  # a literal ${...} or $(...): for mlops or the stage shell, not this one
  echo '    cmd: echo ${key}'
} >mlops.yaml
check "this makes more than 10000 stages"

cat >mlops.yaml <<'YAML'
stages:
  t:
    foreach: ${nothing}  # HERE
    do:
      cmd: echo
YAML
check "unknown variable 'nothing'"

cat >mlops.yaml <<'YAML'
stages:
  t:
    foreach: ${lr}  # HERE
    do:
      cmd: echo
YAML
check "foreach takes a list, a map or a \${...} that names one"

printf 'a: 1\n' >v.yaml
cat >mlops.yaml <<'YAML'
vars:
  - v.yaml:a,zz  # HERE
stages:
  t:
    cmd: echo ${a}
YAML
check "vars file 'v.yaml' has no key 'zz'"

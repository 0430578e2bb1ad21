#!/usr/bin/env bash
# vars/foreach/matrix as in DVC: ${...} from params.yaml and vars:, foreach over a list and a
# map, matrix as a cartesian product, stages named NAME@KEY; a group name selects its stages;
# mlops.lock holds the resolved commands.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
cat >params.yaml <<'YAML'
prefix: out
opt: {lr: 0.1, epochs: 2, verbose: true, quiet: false}
YAML
cat >mlops.yaml <<'YAML'
vars:
  - sizes: [s, m]
    seeds: {a: 1, b: 2}
stages:
  gen:
    foreach: ${sizes}
    do:
      cmd: echo ${item} > ${prefix}-${item}.txt
      outs:
        - ${prefix}-${item}.txt
  seed:
    foreach: ${seeds}
    do:
      cmd: echo ${key}=${item} > seed-${key}.txt
      outs:
        - seed-${key}.txt
  rows:
    foreach:
      - {name: x, n: 3}
      - {name: y, n: 4}
    do:
      cmd: echo ${item.name} ${item.n} > row-${item.name}.txt
      outs:
        - row-${item.name}.txt
  grid:
    matrix:
      size: ${sizes}
      depth: [1, 2]
    cmd: echo ${item.size} ${item.depth} ${key} > grid-${key}.txt && echo ${opt}
    deps:
      - out-${item.size}.txt
    outs:
      - grid-${key}.txt
YAML
expect_exit 0 mlops dag
for s in gen@s gen@m seed@a seed@b rows@0 rows@1 grid@s-1 grid@s-2 grid@m-1 grid@m-2; do
  grep -q "^$s" "$TEST_DIR/out" || fail "no stage $s in: $(cat "$TEST_DIR/out")"
done
expect_contains "$TEST_DIR/out" "grid@m-2 <- gen@m"
expect_exit 0 mlops repro -j 2
expect_eq "$(cat out-m.txt)" "m"
expect_eq "$(cat seed-b.txt)" "b=2"
expect_eq "$(cat row-y.txt)" "y 4"
expect_eq "$(cat grid-m-2.txt)" "m 2 m-2"
# A map in a command becomes --key value flags (false left out).
expect_contains "$TEST_DIR/err" "[grid@s-1] --lr 0.1 --epochs 2 --verbose"
expect_contains mlops.lock "grid@s-1:"
expect_contains mlops.lock "cmd: echo s 1 s-1 > grid-s-1.txt && echo --lr 0.1 --epochs 2 --verbose"
# shellcheck disable=SC2016  # a literal ${...} or $(...): for mlops or the stage shell, not this one
expect_not_contains mlops.lock '${'
# The group's name selects every stage it made.
expect_exit 0 mlops --json repro --force seed
expect_json "$TEST_DIR/out" '.ran | sort | join(",")' "seed@a,seed@b"
# A changed value changes the resolved command: those stages run again.
sed -i 's/b: 2/b: 3/' mlops.yaml
expect_exit 0 mlops --json repro
expect_json "$TEST_DIR/out" '.ran | join(",")' "seed@b"
expect_eq "$(cat seed-b.txt)" "b=3"

# A variable named like foreach's own (item) is shadowed inside the foreach, and stays
# itself elsewhere (the foreach does not overwrite it).
cat >mlops.yaml <<'YAML'
vars:
  - item: outer
stages:
  t:
    foreach: [a, b]
    do:
      cmd: echo ${item}
  u:
    cmd: echo ${item}
YAML
rm -f params.yaml
expect_exit 0 mlops repro
expect_contains "$TEST_DIR/err" "[t@b] b"
expect_contains "$TEST_DIR/err" "[u] outer"

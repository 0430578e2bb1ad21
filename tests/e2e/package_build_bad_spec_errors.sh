#!/usr/bin/env bash
# Bad package sections get one-line errors with the documented exit codes and leave the
# store untouched: a missing model file (3, with a hint), an unknown key (4, file:line), a
# path escaping the project (4), no package section (3), an invalid tag (2).
. "$(dirname "$0")/harness.sh"

make_package_project proj
rm proj/models/model.bin
expect_exit 3 mlops -C proj package build
expect_clean_error
expect_contains "$TEST_DIR/err" "models/model.bin is listed in mlops.yaml's package section but does not exist"
expect_contains "$TEST_DIR/err" "hint: train the model first"

head -c 10 /dev/urandom >proj/models/model.bin
printf '  colour: blue\n' >>proj/mlops.yaml
expect_exit 4 mlops -C proj package build
expect_contains "$TEST_DIR/err" "mlops.yaml:14: unknown key 'package.colour'"

sed -i '/colour/d; s|code: \[src/\]|code: [../elsewhere]|' proj/mlops.yaml
expect_exit 4 mlops -C proj package build
expect_contains "$TEST_DIR/err" "'../elsewhere' in 'package.code' must be a path inside the project"

sed -i 's|code: \[../elsewhere\]|code: [src/]|' proj/mlops.yaml
expect_exit 2 mlops -C proj package build -t 'Bad Name:1'
expect_contains "$TEST_DIR/err" "invalid package name 'Bad Name'"

printf 'schema: 1\n' >proj/mlops.yaml
expect_exit 3 mlops -C proj package build
expect_contains "$TEST_DIR/err" "has no 'package:' section"
[ ! -f "$MLOPS_HOME/index.json" ] || expect_eq "$(jq '.manifests | length' "$MLOPS_HOME/index.json")" 0

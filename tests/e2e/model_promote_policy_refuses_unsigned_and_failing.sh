#!/usr/bin/env bash
# mlops.yaml's promote: {require: [signed, gates]} refuses (exit 4, alias unchanged) an unsigned package and one whose run fails its gates; a signed package of a passing run is promoted.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_package_project proj
cd proj
printf 'metrics: [metrics.json]\ngates:\n  metrics.accuracy: {min: 0.9}\npromote:\n  require: [signed, gates]\n' >>mlops.yaml
git commit -qam policy
expect_exit 0 mlops exp run -n good -- sh -c 'echo "{\"accuracy\": 0.95}" > metrics.json'
expect_exit 0 mlops exp run -n bad -- sh -c 'echo "{\"accuracy\": 0.5}" > metrics.json'
expect_exit 0 mlops package build -t demo:good --from-exp good
expect_exit 0 mlops package build -t demo:bad --from-exp bad
expect_exit 0 mlops key generate k.key
expect_exit 4 mlops model promote demo:good --alias prod
expect_clean_error
expect_contains "$TEST_DIR/err" "not signed"
expect_exit 0 mlops package sign demo:bad --key k.key
expect_exit 4 mlops model promote demo:bad --alias prod
expect_clean_error
expect_contains "$TEST_DIR/err" "fails its gates"
git show-ref --verify -q refs/mlops/aliases/prod && fail "a refused promotion moved the alias"
expect_exit 0 mlops package sign demo:good --key k.key
expect_exit 0 mlops model promote demo:good --alias prod
# A malformed policy is a usage error at its line.
sed -i 's/require: \[signed, gates\]/require: [signd]/' mlops.yaml
expect_exit 2 mlops model promote demo:good --alias prod
expect_contains "$TEST_DIR/err" "mlops.yaml:"

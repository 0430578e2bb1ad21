#!/usr/bin/env bash
# A params file where a dotted key and a nested key flatten to the same name ("model.lr")
# is ambiguous: -S on it is refused with a one-line error naming the key, and the file is
# left as it was. (Found by fuzz_values.)
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'model:\n  lr: 0.01\nmodel.lr: 0.5\n' >params.yaml
git commit -q -am ambiguous
before=$(sha256sum params.yaml)
expect_exit 4 mlops exp run -S model.lr=0.2 -- true
expect_clean_error
expect_contains "$TEST_DIR/err" "'model.lr' names two values"
expect_eq "$(sha256sum params.yaml)" "$before" "params.yaml untouched"

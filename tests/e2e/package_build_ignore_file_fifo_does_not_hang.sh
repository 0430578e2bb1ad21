#!/usr/bin/env bash
# `mlops package build` in a project whose .mlopsignore (at the top or in a layer's directory) is a FIFO nobody writes is read as holding no rules (at the top: the build goes on; in a layer's directory: exit 4, a FIFO is not a file to pack) instead of hanging in open(2). (A FIFO .gitignore still hangs inside libgit2's status walk: not ours to open.)
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_package_project proj
# At the top: no rules, and the build goes on.
mkfifo proj/.mlopsignore
# A hang is what this guards against: the timeout only turns one into a failure.
(cd proj && expect_exit 0 timeout 120 "$MLOPS" package build)
rm proj/.mlopsignore
# In a layer's directory it is also a file of the layer, which must be a regular one.
mkfifo proj/src/.mlopsignore
(cd proj && expect_exit 4 timeout 120 "$MLOPS" package build)
expect_clean_error
expect_contains "$TEST_DIR/err" "src/.mlopsignore is not a regular file"

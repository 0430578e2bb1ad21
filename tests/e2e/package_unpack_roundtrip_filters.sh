#!/usr/bin/env bash
# `mlops package unpack` writes back exactly the packaged files (content, executable bit, the in-package symlink, no staging directory left), and --filter picks layers by kind (model, code, docs) or entries by glob ('*' spans directories).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# The harness's project (with the in-package symlink src/alias.py and the executable
# src/run.sh) plus a plain 0644 source file.
make_package_project proj
printf 'import pkg\n' >proj/src/train.py
git -C proj add src/train.py
git -C proj commit -q -m train
build_package proj

# Everything, into a directory that does not exist yet.
expect_exit 0 mlops --json package unpack demo:1.0 unpacked/all
for f in models/model.bin src/pkg/__init__.py src/train.py src/run.sh README.md; do
  cmp "proj/$f" "unpacked/all/$f" || fail "unpacked/all/$f differs from the project's"
done
expect_json "$TEST_DIR/out" '.paths | index("src/alias.py") != null' true
[ "$(readlink unpacked/all/src/alias.py)" = pkg/__init__.py ] || fail "src/alias.py is not the package's symlink"
[ -x unpacked/all/src/run.sh ] || fail "src/run.sh lost its executable bit"
[ "$(stat -c %a unpacked/all/src/train.py)" = 644 ] || fail "src/train.py should be 0644"
[ "$(stat -c %a unpacked/all/models/model.bin)" = 644 ] || fail "models/model.bin should be 0644"
[ -z "$(find unpacked/all -name '.mlops-unpack-*')" ] || fail "a staging directory was left behind"

# By kind.
expect_exit 0 mlops --json package unpack demo:1.0 unpacked/model --filter model
expect_json "$TEST_DIR/out" '.paths | join(",")' models/model.bin
expect_eq "$(cd unpacked/model && find . -type f | sort | tr '\n' ' ')" "./models/model.bin " "files of --filter model"

# docs: README.md and the model card the build writes.
expect_exit 0 mlops --json package unpack demo:1.0 unpacked/code --filter code --filter docs
expect_json "$TEST_DIR/out" '.paths | join(",")' MODEL_CARD.md,README.md,src/alias.py,src/pkg/__init__.py,src/run.sh,src/train.py
expect_no_path unpacked/code/models

# By glob: '*' spans directories, and a tar layer gives only its matching entries.
expect_exit 0 mlops --json package unpack demo:1.0 unpacked/py --filter '*.py'
expect_json "$TEST_DIR/out" '.paths | join(",")' src/alias.py,src/pkg/__init__.py,src/train.py
expect_no_path unpacked/py/src/run.sh
expect_no_path unpacked/py/README.md

# A filter that matches nothing is "not found" (exit 3) and creates nothing.
expect_exit 3 mlops package unpack demo:1.0 unpacked/none --filter '*.nothing'
expect_clean_error
expect_no_path unpacked/none

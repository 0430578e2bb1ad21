#!/usr/bin/env bash
# `mlops package unpack` writes back exactly the packaged files (content, executable bit, the in-package symlink, no staging directory left), and --filter picks layers by kind (model, code, docs) or entries by glob ('*' spans directories).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

git init -q -b main proj
mkdir -p proj/models proj/src/pkg
head -c 300000 /dev/urandom >proj/models/model.bin
printf 'print("hi")\n' >proj/src/pkg/__init__.py
printf 'import pkg\n' >proj/src/train.py
printf '#!/bin/sh\necho run\n' >proj/src/run.sh
chmod 755 proj/src/run.sh
ln -s pkg/__init__.py proj/src/link.py
printf '# demo\n' >proj/README.md
cat >proj/mlops.yaml <<'EOF'
schema: 1
package:
  name: demo
  version: "1.0"
  model:
    - path: models/model.bin
  code: [src/]
  docs: [README.md]
EOF
git -C proj add -A
git -C proj commit -q -m base
(cd proj && "$MLOPS" package build >"$TEST_DIR/build.out" 2>&1) || { cat "$TEST_DIR/build.out" >&2; fail "package build failed"; }

# Everything, into a directory that does not exist yet.
expect_exit 0 mlops --json package unpack demo:1.0 unpacked/all
for f in models/model.bin src/pkg/__init__.py src/train.py src/run.sh README.md; do
  cmp "proj/$f" "unpacked/all/$f" || fail "unpacked/all/$f differs from the project's"
done
expect_json "$TEST_DIR/out" '.paths | index("src/link.py") != null' true
[ "$(readlink unpacked/all/src/link.py)" = pkg/__init__.py ] || fail "src/link.py is not the package's symlink"
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
expect_json "$TEST_DIR/out" '.paths | join(",")' MODEL_CARD.md,README.md,src/link.py,src/pkg/__init__.py,src/run.sh,src/train.py
expect_no_path unpacked/code/models

# By glob: '*' spans directories, and a tar layer gives only its matching entries.
expect_exit 0 mlops --json package unpack demo:1.0 unpacked/py --filter '*.py'
expect_json "$TEST_DIR/out" '.paths | join(",")' src/link.py,src/pkg/__init__.py,src/train.py
expect_no_path unpacked/py/src/run.sh
expect_no_path unpacked/py/README.md

# A filter that matches nothing is "not found" (exit 3) and creates nothing.
expect_exit 3 mlops package unpack demo:1.0 unpacked/none --filter '*.nothing'
expect_clean_error
expect_no_path unpacked/none

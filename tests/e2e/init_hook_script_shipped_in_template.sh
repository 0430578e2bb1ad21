#!/usr/bin/env bash
# A trusted hook may run a script shipped in the template (path relative to the template), from a directory and from a git URL.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template src <<'YAML' "README.md=hi {{name}}"
name: scripted
questions:
  - {name: name, default: svc}
hooks:
  post_generate:
    - ["hooks/post.sh", "from-arg"]
YAML
mkdir src/hooks
# shellcheck disable=SC2016  # expanded by the hook
printf '#!/bin/sh\necho "post-hook $1 for $MLOPS_ANSWER_NAME" > generated-by-hook.txt\n' >src/hooks/post.sh
chmod 755 src/hooks/post.sh
git -C src init -q
git -C src add -A
git -C src commit -q -m v1
git clone -q --bare src tpl.git

expect_exit 0 mlops init from-dir --template ./src --trust -s name=a
expect_eq "$(cat from-dir/generated-by-hook.txt)" "post-hook from-arg for a" "from-dir/generated-by-hook.txt"
expect_no_path from-dir/hooks   # only files/ is the project
expect_exit 0 mlops init from-git --template "file://$(pwd -P)/tpl.git" --trust -s name=b
expect_eq "$(cat from-git/generated-by-hook.txt)" "post-hook from-arg for b" "from-git/generated-by-hook.txt"
expect_eq "$(git -C from-git status --porcelain --untracked-files=all)" "" "git status"

#!/usr/bin/env bash
# post_generate hooks run after the first commit, so they can use git; what they change becomes a second commit (none when they change nothing). In an enclosing repository they run after its commit and their changes stay uncommitted.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi"
name: git-hook
hooks:
  post_generate:
    - "git rev-parse HEAD > first-commit.txt"
    - ["git", "remote", "add", "origin", "https://example.com/org/proj.git"]
    - "echo generated > generated.txt && git status --porcelain > status-seen-by-hook.txt"
YAML
expect_exit 0 mlops init proj --template ./tpl --trust
expect_eq "$(git -C proj rev-list --count HEAD)" 2 "commits"
expect_eq "$(cat proj/first-commit.txt)" "$(git -C proj rev-parse HEAD~1)" "HEAD seen by the hook"
expect_contains proj/status-seen-by-hook.txt "first-commit.txt"   # the template's files were committed, the hook's not yet
expect_not_contains proj/status-seen-by-hook.txt "README.md"
expect_eq "$(git -C proj remote get-url origin)" "https://example.com/org/proj.git" "origin"
git -C proj log -1 --format=%s | grep -q post_generate || fail "the second commit does not say it holds the hooks' changes"
expect_eq "$(git -C proj show --name-only --format= HEAD | LC_ALL=C sort | tr '\n' ' ')" "first-commit.txt generated.txt status-seen-by-hook.txt " "files of the hooks' commit"
expect_eq "$(git -C proj status --porcelain --untracked-files=all)" "" "git status"
expect_contains "$TEST_DIR/err" "$(git -C proj rev-parse --short=12 HEAD)"

# Hooks that change nothing: one commit.
make_template quiet <<'YAML' "README.md=hi"
name: quiet-hook
hooks:
  post_generate:
    - "git log --oneline >/dev/null"
YAML
expect_exit 0 mlops init proj2 --template ./quiet --trust
expect_eq "$(git -C proj2 rev-list --count HEAD)" 1 "commits"

# In an enclosing repository: after its commit, in the project; the changes are left for review.
git init -q -b main outer
git -C outer -c user.name=t -c user.email=t@t commit -q --allow-empty -m base
expect_exit 0 mlops init outer/proj --template ./tpl --trust
expect_eq "$(git -C outer rev-list --count HEAD)" 2 "commits in the enclosing repository"
expect_eq "$(cat outer/proj/first-commit.txt)" "$(git -C outer rev-parse HEAD)" "HEAD seen by the hook"
git -C outer cat-file -e HEAD:proj/README.md || fail "README.md is not committed"
expect_eq "$(git -C outer status --porcelain --untracked-files=all | LC_ALL=C sort | tr '\n' ' ')" "?? proj/first-commit.txt ?? proj/generated.txt ?? proj/status-seen-by-hook.txt " "git status of the enclosing repository"
expect_contains "$TEST_DIR/err" "generated.txt"

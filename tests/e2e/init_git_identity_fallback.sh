#!/usr/bin/env bash
# With no git identity anywhere, init still commits, using a fallback identity that a warning names.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL EMAIL
export USER=fallback-user
if [ -e "$HOME/.gitconfig" ] || [ -e "$XDG_CONFIG_HOME/git/config" ]; then fail "test setup: HOME has a git config"; fi
if env -u GIT_CONFIG_NOSYSTEM git config --system --get user.name >/dev/null 2>&1; then
  skip "the system git config (/etc/gitconfig) sets user.name, so there is no identity-less setup to test"
fi

expect_exit 0 mlops init proj --defaults
expect_eq "$(git -C proj rev-list --count HEAD)" 1 "commits"
author=$(git -C proj log -1 --format='%an <%ae>')
expect_eq "$(git -C proj log -1 --format='%cn <%ce>')" "$author" "committer"
expect_eq "${author%% <*}" fallback-user "author name"
case "$author" in "fallback-user <fallback-user@"?*">") ;; *) fail "unexpected fallback author: $author" ;; esac
expect_contains "$TEST_DIR/err" "warning:"
expect_contains "$TEST_DIR/err" "no git identity"
expect_contains "$TEST_DIR/err" "committed as $author"
expect_contains "$TEST_DIR/err" "git config --global user.name"
expect_eq "$(git -C proj status --porcelain --untracked-files=all)" "" "git status"

# A configured identity is used as is, without the warning.
git config --global user.name "Conf User"
git config --global user.email conf@example.com
expect_exit 0 mlops init proj2 --defaults
expect_eq "$(git -C proj2 log -1 --format='%an <%ae>')" "Conf User <conf@example.com>" "configured author"
expect_not_contains "$TEST_DIR/err" "no git identity"
expect_contains proj2/.mlops/answers.yaml 'author_name: "Conf User"'

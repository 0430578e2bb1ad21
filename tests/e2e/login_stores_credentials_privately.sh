#!/usr/bin/env bash
# `mlops login HOST -u USER --password-stdin` stores the credentials in $XDG_CONFIG_HOME/mlops/credentials.json (mode 0600), prints where but never the password (not with -vv, not with --json); `mlops logout HOST` removes them, and says so when there were none.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

secret='pa55-W0rd-never-shown'
printf '%s\n' "$secret" | "$MLOPS" -vv login Registry.Example:5000 -u ci --password-stdin >out 2>err || { cat err >&2; fail "login failed"; }
file="$XDG_CONFIG_HOME/mlops/credentials.json"
expect_file "$file"
expect_eq "$(stat -c %a "$file")" 600 "mode of the credentials file"
expect_eq "$(jq -r '.hosts["registry.example:5000"].username' "$file")" ci "stored user"
expect_eq "$(jq -r '.hosts["registry.example:5000"].secret' "$file")" "$secret" "stored secret"
expect_contains err "registry.example:5000"
printf '%s\n' "$secret" | "$MLOPS" --json login https://other.example/v2/ -u ci --password-stdin >>out 2>>err
expect_eq "$(jq -r '.hosts | keys | join(",")' "$file")" "other.example,registry.example:5000" "hosts after a second login"
# A group-readable file is rewritten private by the next login.
chmod 644 "$file"
printf 'x\n' | "$MLOPS" login third.example -u a --password-stdin >>out 2>>err
expect_eq "$(stat -c %a "$file")" 600 "mode after a login rewrote a group-readable file"
"$MLOPS" -vv logout registry.example:5000 >>out 2>>err
expect_eq "$(jq -r '.hosts | has("registry.example:5000")' "$file")" false "entry after logout"
"$MLOPS" logout registry.example:5000 >>out 2>>err
grep -q "no stored credentials for registry.example:5000" err || fail "a second logout does not say there was nothing"
if grep -q "$secret" out err; then fail "the password reached the output"; fi

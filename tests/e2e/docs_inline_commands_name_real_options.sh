#!/usr/bin/env bash
# Every `mlops ...` quoted inline in the prose of README.md, docs/*.md, bench/README.md,
# tests/fuzz/README.md and tests/servers/README.md names commands and options that exist: each
# word that selects a subcommand is one (`a/b` and `a|b` are alternatives, each checked), and
# each -x/--option after them is listed by that command's --help. These are references and
# fragments (FILE, REF, `...`), not runnable lines: the ```sh blocks are run by
# docs_mlops_examples_run.sh.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# Inline spans that are not commands a user types, with the reason.
not_a_command() {
  case $1 in
    "mlops run <name>: <status>") ;;           # a run commit's message (docs/formats.md)
    "mlops __complete "*) ;;                   # hidden, for completion scripts: completion_values_come_without_libgit2.sh
    *"…"* | *"..."*) ;;                        # "any mlops command"
    *) return 1 ;;
  esac
}

# Subcommands listed by a help page (aliases after a comma dropped).
subcommands() { awk '/^Subcommands:/ {s = 1; next} s && /^[^ ]/ {s = 0} s && /^  [a-z]/ {sub(",", "", $1); print $1}' <<<"$1"; }

# load_help PATH...: sets the caller's $page to the command's --help, asked once per command
# (two hundred spans name a few dozen commands; each start of the binary is slow under ASan).
declare -A pages=()
load_help() {
  local key="${*:-.}"
  if [ -z "${pages[$key]+set}" ]; then
    pages[$key]=$("$MLOPS" "$@" --help) || return 1
  fi
  page=${pages[$key]}
}

# check SPAN WORD...: walks the subcommands the words select, then checks the options left.
check() {
  local span=$1; shift
  local path=() page w alt found
  load_help
  while [ $# -gt 0 ]; do
    w=${1#[}                                   # [--opt VALUE]: an optional part is checked too
    w=${w%]}
    if [[ $w == -* ]]; then
      [ "$w" = -- ] && return 0                # the rest is the user's command
      w=${w%%=*}
      if [[ $w =~ ^-[a-zA-Z]+$ ]] && [ -z "${w//[-${w:1:1}]/}" ]; then w=-${w:1:1}; fi  # -vv is -v twice
      grep -qE -- "(^|[ ,])$w([ ,=]|$)" <<<"$page" || fail "\`$span\`: 'mlops ${path[*]}' has no option $w"
    elif [[ $w =~ ^[a-z][a-z0-9_-]*([/|][a-z][a-z0-9_-]*)+$ ]]; then
      # alternatives: each must be a subcommand here, or none is (then they are values)
      found=0
      for alt in ${w//[\/|]/ }; do
        if subcommands "$page" | grep -qx -- "$alt"; then found=$((found + 1)); fi
      done
      if [ "$found" -gt 0 ]; then
        [ "$found" = "$(wc -w <<<"${w//[\/|]/ }")" ] || fail "\`$span\`: not all of $w are subcommands of 'mlops ${path[*]}'"
        shift
        for alt in ${w//[\/|]/ }; do check "$span" "${path[@]}" "$alt" "$@"; done
        return 0
      fi
    elif [ ${#path[@]} -eq 0 ] || subcommands "$page" | grep -qx -- "$w"; then
      subcommands "$page" | grep -qx -- "$w" || fail "\`$span\`: '$w' is not an mlops command"
      path+=("$w")
      load_help "${path[@]}" || fail "\`$span\`: mlops ${path[*]} --help fails"
    fi
    shift
  done
}

# The `mlops ...` code spans outside the ```sh blocks.
(
  cd "$MLOPS_SOURCE_DIR"
  for doc in README.md docs/*.md bench/README.md tests/fuzz/README.md tests/servers/README.md; do
    # shellcheck disable=SC2016  # backquotes, not an expansion
    awk '/^```/ {block = !block; next} !block' "$doc" | grep -oE '`mlops( [^`]*)?`' | tr -d '`' | sed "s|^|$doc\t|" || true
  done
) >spans.tsv
[ "$(wc -l <spans.tsv)" -ge 40 ] || { cat spans.tsv >&2; fail "expected at least 40 inline mlops commands in the docs"; }

n=0
while IFS=$'\t' read -r doc span; do
  not_a_command "$span" && continue
  read -ra words <<<"${span#mlops}"
  check "$span ($doc)" "${words[@]}"
  n=$((n + 1))
done <spans.tsv
echo "checked $n inline commands"

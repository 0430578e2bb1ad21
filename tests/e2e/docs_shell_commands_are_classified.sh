#!/usr/bin/env bash
# Every line of a ```sh block in the docs (README.md, docs/*.md, bench/README.md,
# tests/fuzz/README.md, tests/servers/README.md) and in the README that `mlops init` writes is
# run by a test, or is a build, install, CI or benchmark command named here with what
# covers it: a new example that no test runs fails here until it is run or classified.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

(cd "$MLOPS_SOURCE_DIR" && doc_shell_lines) >commands.tsv
# and the README that mlops init writes into a project
expect_exit 0 mlops init demo --defaults --no-git
(cd demo && doc_shell_lines README.md) | sed 's|^README.md|generated|' >>commands.tsv
[ "$(wc -l <commands.tsv)" -ge 40 ] || { cat commands.tsv >&2; fail "expected at least 40 shell lines in the docs"; }

shopt -s extglob  # @(a|b) in covered_by's patterns
# covered_by DOC SECTION LINE: what runs the command (a test file under tests/, or a CI stage or
# "by hand" with the reason), empty when nothing does.
covered_by() {
  local doc=$1 section=$2 line=$3
  case $doc in
    generated)
      case $line in
        "python3 -m venv "* | "make install") echo "by hand: pip installs from the network" ;;
        *) echo tests/e2e/docs_mlops_examples_run.sh ;;
      esac
      return ;;
    tests/servers/README.md) echo "ctest -L integration (servers.start/servers.stop run start.sh/stop.sh; servers_smoke.sh); make deps-test installs the packages"; return ;;
  esac
  case "$section|$line" in
    "Scaffolding|mlops "*) echo tests/e2e/init_readme_scaffolding_examples_run.sh ;;
    "Continuous training|mlops "*) echo tests/e2e/readme_continuous_training_loop_runs.sh ;;
    "Install|make deb" | "Install|sudo apt install ./build-deb/"* | "Install|sudo apt remove mlops" | \
      "Install|mlops --version && man mlops") echo tests/install/deb_installs_runs_and_removes.sh ;;
    "Install|cmake --preset default -DMLOPS_BUILD_TESTS=OFF && cmake --build --preset default" | \
      "Install|sudo cmake --install build" | "Install|cmake --install build --prefix "*) echo tests/install/cmake_install_library_links.sh ;;
    *"|mlops "*) echo tests/e2e/docs_mlops_examples_run.sh ;;
    *"|skopeo "*) echo tests/e2e/package_skopeo_commands_in_docs_work.sh ;;
    *"|make test" | *"|.ci/run"*) echo "CI itself (.ci/run)" ;;
    *"|cmake --preset "@(default|asan|tsan|fuzz)" && cmake --build --preset "*) echo "CI: .ci/run's release (preset ci), asan, tsan and fuzz stages" ;;
    *"|cmake --preset fuzz && cmake --build --preset fuzz" | *"|ctest --test-dir build-fuzz "* | *"|build-fuzz/tests/fuzz/"*) echo "CI: .ci/run's fuzz stage" ;;
    *"|cmake --preset dev && cmake --build --preset dev && ctest --preset dev") echo "by hand: the dev preset is default's flags plus -Werror, which CI's ci preset checks" ;;
    *"|make completions man") echo "tests/e2e/completions_are_current.sh and man_pages_are_current.sh check their output" ;;
    *"|make demo") echo "tests/e2e/readme_demo_runs_whole_loop.sh runs its recipe (all but the package install and the build)" ;;
    *"|make bench" | *"|bench/"* | *"|MLOPS="*" bench/startup" | *"|cmake -S . -B /tmp/bench-build "* | *"|cmake --build /tmp/bench-build") echo "by hand: a benchmark" ;;
  esac
}

unclassified=0
while IFS=$'\t' read -r doc section line; do
  what=$(covered_by "$doc" "$section" "$line")
  if [ -z "$what" ]; then
    echo "$doc ($section): $line" >&2
    unclassified=$((unclassified + 1))
  elif [[ $what == tests/* ]]; then
    [ -f "$MLOPS_SOURCE_DIR/${what%% *}" ] || fail "$doc ($section): $line is said to be covered by ${what%% *}, which does not exist"
  fi
done <commands.tsv
[ "$unclassified" = 0 ] || fail "$unclassified command(s) above are run by no test: run them in one (tests/e2e/docs_mlops_examples_run.sh runs every mlops line) or classify them here"

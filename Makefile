# The two commands in README.md. Both install missing Debian packages themselves (as root, or
# through sudo), so they work on a fresh Debian 12 machine.
#   make demo   build the mlops command, then run the main job (tools/demo): scaffold a project with
#               the built-in defaults, run two experiments, report and check the gates, package and
#               sign the best run, promote it, push it to a file:// remote, pull it back and verify it
#   make test   what CI runs (.ci/run): install what the tests need, build (release, ASan+UBSan,
#               TSan, fuzz) and run every test, printing each stage's time
# Also: make build (release build with the unit tests), make deb (mlops_<version>_amd64.deb),
# make completions / make man (regenerate completions/ and man/ after changing options).
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -euo pipefail -c

JOBS ?= $(shell nproc)
BUILD_PACKAGES := cmake ninja-build pkg-config g++ make git ca-certificates \
  libcli11-dev libgit2-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libyaml-cpp-dev \
  libkainjow-mustache-dev catch2 libssl-dev libarchive-dev libsodium-dev libzstd-dev zlib1g-dev libboost-dev \
  libcurl4-openssl-dev
DEMO_PACKAGES := python3 python3-sklearn python3-pytest python3-yaml python3-joblib
TEST_PACKAGES := $(DEMO_PACKAGES) python3-torch python3-scipy python3-pandas chromium jq tmux curl clang libclang-rt-14-dev \
  docker-registry skopeo apache2-utils nginx fcgiwrap hyperfine shellcheck \
  zstd openssl time zsh fish bash-completion man-db dpkg-dev file clang-format-14 \
  chromium slurm-wlm munge iproute2

.PHONY: all build demo deb test test-release test-asan test-tsan test-fuzz deps deps-test completions man bench clean

all: build

deps:
	@tools/install-packages $(BUILD_PACKAGES) $(DEMO_PACKAGES)

deps-test:
	@tools/install-packages $(BUILD_PACKAGES) $(TEST_PACKAGES)
	command -v npm >/dev/null || tools/install-packages npm
	[ -d tests/servers/node_modules/s3rver ] || (cd tests/servers && npm ci --no-fund --no-audit --loglevel=error)

build: deps
	cmake --preset default >/dev/null
	cmake --build --preset default -j $(JOBS)

demo: deps
	cmake --preset default >/dev/null
	cmake --build --preset default -j $(JOBS) --target mlops
	tools/demo build/cli/mlops

test:
	.ci/run

test-release:
	.ci/run release

test-asan:
	.ci/run asan

test-tsan:
	.ci/run tsan

test-fuzz:
	.ci/run fuzz

deb: deps
	@tools/install-packages dpkg-dev file
	cmake --preset deb >/dev/null
	cmake --build --preset deb -j $(JOBS)
	cd build-deb && cpack
	ls build-deb/mlops_*.deb

completions: build
	for shell in bash zsh fish; do
	  case $$shell in bash) f=completions/mlops.bash ;; zsh) f=completions/_mlops ;; fish) f=completions/mlops.fish ;; esac
	  build/cli/mlops completion $$shell > $$f.tmp && mv $$f.tmp $$f
	done

man: build
	rm -f man/*.1
	build/cli/mlops_manpages man

bench: build
	@tools/install-packages hyperfine jq time openssl git
	bench/startup
	bench/exp-list
	bench/exp-run
	bench/package

clean:
	rm -rf build build-dev build-ci build-deb build-asan build-tsan build-fuzz

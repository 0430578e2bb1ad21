# The two commands in README.md. Both install missing Debian packages themselves (as root, or
# through sudo), so they work on a fresh Debian 12 machine.
#   make demo   build the mlops command, then scaffold a project with the built-in defaults and run it,
#               package it, push it to a file:// remote, pull it into a second store and verify it
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
  chromium slurm-wlm munge

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
	DEMO=$$(mktemp -d /tmp/mlops-demo.XXXXXX)
	echo "+ mlops init $$DEMO/churn-model --defaults"
	build/cli/mlops init "$$DEMO/churn-model" --defaults
	cd "$$DEMO/churn-model"
	echo; echo "+ git log --stat"; git --no-pager log --stat | head -40
	echo; echo "+ python3 -m pytest -q"; /usr/bin/python3 -m pytest -q
	export MLOPS_HOME=$$DEMO/store
	echo; echo "+ mlops exp run -n baseline -- make train"; $(CURDIR)/build/cli/mlops exp run -n baseline -- make --no-print-directory train PYTHON=/usr/bin/python3
	echo; echo "+ mlops exp run -n deeper -S model.max_depth=12 -- make train"; $(CURDIR)/build/cli/mlops exp run -n deeper -S model.max_depth=12 -- make --no-print-directory train PYTHON=/usr/bin/python3 >/dev/null
	echo; echo "+ mlops exp list"; $(CURDIR)/build/cli/mlops exp list
	echo; echo "+ mlops package build --from-exp deeper"; $(CURDIR)/build/cli/mlops package build --from-exp deeper
	echo; echo "+ mlops key generate && mlops package sign && mlops package verify"
	$(CURDIR)/build/cli/mlops -q key generate $$DEMO/demo.key >/dev/null
	$(CURDIR)/build/cli/mlops package sign churn_model:0.1.0 --key $$DEMO/demo.key
	$(CURDIR)/build/cli/mlops package verify churn_model:0.1.0 --key $$DEMO/demo.key.pub
	echo; echo "+ mlops package inspect churn_model:0.1.0"; $(CURDIR)/build/cli/mlops package inspect churn_model:0.1.0
	echo; echo "+ mlops push churn_model:0.1.0 file://$$DEMO/remote"; $(CURDIR)/build/cli/mlops push churn_model:0.1.0 "file://$$DEMO/remote"
	echo; echo "+ MLOPS_HOME=$$DEMO/store2 mlops pull file://$$DEMO/remote/churn_model:0.1.0 && mlops package verify"
	MLOPS_HOME=$$DEMO/store2 $(CURDIR)/build/cli/mlops pull "file://$$DEMO/remote/churn_model:0.1.0"
	MLOPS_HOME=$$DEMO/store2 $(CURDIR)/build/cli/mlops package verify churn_model:0.1.0 --key $$DEMO/demo.key.pub
	echo; echo "The project is in $$DEMO/churn-model, its package store in $$DEMO/store (an OCI image layout),"
	echo "pushed to the file remote $$DEMO/remote (an OCI layout per package) and pulled into $$DEMO/store2"

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

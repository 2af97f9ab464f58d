# Sluice: the two commands are 'make run' and 'make test'.
# Both install missing Debian packages first (as root, with apt-get).

BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CONFIG  ?= sluice.yml
CMAKE_FLAGS ?=

.PHONY: all deps deps-test configure build run test unit e2e test-harness sanitize fuzz bench clean format

all: build

deps:
	@tools/deps.sh build

deps-test:
	@tools/deps.sh test

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/sluice $(CONFIG)

# Unit tests, fuzz-corpus replays, lints and the end-to-end suite.
test: deps-test $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	tools/run_tests.sh $(BUILD)

unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

e2e: build
	SLUICE_BIN=$(CURDIR)/$(BUILD)/sluice /usr/bin/pytest -q tests/e2e

# The e2e client recipes checked against GStreamer's own RTSP server.
test-harness: deps-test
	/usr/bin/pytest -q tests/e2e/test_harness.py tests/e2e/test_rtmp_harness.py

# ASan + UBSan build of everything, then unit, replays and e2e against it.
sanitize: deps-test
	cmake -S . -B build-asan -DSL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-asan -j $(JOBS)
	tools/run_tests.sh build-asan

# libFuzzer binaries (clang): make fuzz, then build-fuzz/fuzz_<name> corpus/.
fuzz: deps
	CC=clang cmake -S . -B build-fuzz -DSL_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-fuzz -j $(JOBS)

bench: build
	/usr/bin/python3 bench/run.py

format:
	clang-format -i $$(find src tests -name '*.[ch]')

clean:
	rm -rf $(BUILD) build-asan build-fuzz

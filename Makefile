# SPDX-License-Identifier: GPL-2.0-or-later
# A thin wrapper around meson/ninja.
#   make          build everything into $(BUILD)
#   make check    build and run the tests
#   make run      build, then boot Debian's arm64 Linux to a shell
#   make run-toy  build, then run the toy-guest demo of the translator
#   make asan     build with AddressSanitizer + UBSan into build-asan and test
BUILD ?= build
MESON_OPTS ?=

.PHONY: all check check-pending run run-toy asan clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

check: all
	meson test -C $(BUILD) --print-errorlogs --num-processes 2 --no-suite pending

run: all
	scripts/run-linux.sh $(BUILD)

run-toy: all
	$(BUILD)/tests/toy/kestrel-toy

asan:
	$(MAKE) check BUILD=build-asan MESON_OPTS=-Dsanitizers=true

clean:
	rm -rf $(BUILD) build-asan

# Tests of work in progress (not yet expected to pass).
check-pending: all
	meson test -C $(BUILD) --print-errorlogs --suite pending

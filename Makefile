# SPDX-License-Identifier: GPL-2.0-or-later
# A thin wrapper around meson/ninja.
#   make          build everything into $(BUILD)
#   make check    build and run the tests
#   make run      build and run the main job (see README.md)
#   make asan     build with AddressSanitizer + UBSan into build-asan and test
BUILD ?= build
MESON_OPTS ?=

.PHONY: all check check-pending run asan clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

check: all
	meson test -C $(BUILD) --print-errorlogs --num-processes 2 --no-suite pending

run: all
	$(BUILD)/tests/toy/kestrel-toy

asan:
	$(MAKE) check BUILD=build-asan MESON_OPTS=-Dsanitizers=true

clean:
	rm -rf $(BUILD) build-asan

# Tests of work in progress (not yet expected to pass).
check-pending: all
	meson test -C $(BUILD) --print-errorlogs --suite pending

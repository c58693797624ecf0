# SPDX-License-Identifier: GPL-2.0-or-later
# A thin wrapper around meson/ninja.
#   make          build everything into $(BUILD)
#   make check    build and run the tests
#   make run      build and run the main job (see README.md)
#   make asan     build with AddressSanitizer + UBSan into build-asan and test
BUILD ?= build
MESON_OPTS ?=

.PHONY: all check run asan clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

check: all
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

run: all
	$(BUILD)/tests/toy/kestrel-toy

asan:
	$(MAKE) check BUILD=build-asan MESON_OPTS=-Dsanitizers=true

clean:
	rm -rf $(BUILD) build-asan

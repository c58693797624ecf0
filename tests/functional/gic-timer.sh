#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gic-timer.sh KESTREL_SYSTEM_AARCH64 - a bare-metal guest takes a timer
# interrupt through the GIC on -M virt, with gic-version=2 and 3, and
# prints I0K (see gic-timer.S).  Skips (77) without the cross binutils.
set -u
K=$1
dir=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gic-timer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for tool in aarch64-linux-gnu-as aarch64-linux-gnu-ld \
            aarch64-linux-gnu-objcopy; do
    command -v $tool > /dev/null || { echo "no $tool: skipped"; exit 77; }
done
fail=0
for v in 2 3; do
    aarch64-linux-gnu-as --defsym GICV3=$((v == 3)) -o "$tmp/t.o" \
        "$dir/gic-timer.S" &&
    aarch64-linux-gnu-ld -Ttext=0 --build-id=none -o "$tmp/t.elf" \
        "$tmp/t.o" &&
    aarch64-linux-gnu-objcopy -O binary "$tmp/t.elf" "$tmp/t$v.bin" ||
        exit 1
    out=$(timeout 30 "$K" -M virt,gic-version=$v -m 128 -nographic \
          -kernel "$tmp/t$v.bin" -d guest_errors 2>&1 < /dev/null)
    if [ "$out" = "I0K" ]; then
        echo "ok   gic-version=$v"
    else
        echo "FAIL gic-version=$v: got:"
        echo "$out" | sed 's/^/     /'
        fail=1
    fi
done
exit $fail

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# build.sh - build one system-mode test program by hand (meson does the
# same): build.sh NAME [OUTDIR]  ->  OUTDIR/NAME.elf and OUTDIR/NAME.bin
set -e
here=$(cd "$(dirname "$0")" && pwd)
name=$1
out=${2:-.}
CC=${CC:-aarch64-linux-gnu-gcc}
OBJCOPY=${OBJCOPY:-aarch64-linux-gnu-objcopy}
$CC -O2 -g -Wall -Wextra -ffreestanding -nostdlib -nostartfiles -static \
    -fno-pie -no-pie -mgeneral-regs-only -mstrict-align \
    -fno-tree-loop-distribute-patterns -fno-stack-protector \
    -Wl,--build-id=none -Wl,-T,"$here/virt.ld" -I"$here" \
    -o "$out/$name.elf" "$here/start.S" "$here/lib.c" "$here/pt.c" \
    "$here/$name.c" -lgcc
$OBJCOPY -O binary "$out/$name.elf" "$out/$name.bin"

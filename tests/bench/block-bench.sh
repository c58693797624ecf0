#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# block-bench.sh - disk performance of Kestrel beside Debian's QEMU.
#
# 1. Guest I/O.  The same arm64 Debian kernel and a tiny initramfs
#    (/init = block-bench-guest.c, built here with aarch64-linux-gnu-gcc)
#    boot on both emulators with the same options:
#      -M virt -cpu cortex-a57 -m 256 -nographic (QEMU also -nic none)
#      -device virtio-blk-device,drive=d0
#      -drive if=none,id=d0,file=IMG,format=FMT,cache=writeback
#    (virtio-blk-device: QEMU's virt board would put if=virtio on PCI;
#    this keeps both on virtio-mmio).  The guest times 4 KiB O_DIRECT
#    requests with its own clock: sequential write and read (MB/s),
#    random write and read at seeded offsets (IOPS), on a fresh raw
#    image and a fresh qcow2 image each run.
# 2. Image conversion on the host, timed with the same arguments:
#    raw -> qcow2, qcow2 -> raw, raw -> compressed qcow2 (-c), of a
#    deterministic source image (data, text, zeroes).
# Each figure is printed with the ratio Kestrel/QEMU (for MB/s and IOPS
# higher is better; for seconds lower is better).  Timing only: this is
# not a test and is not part of `make check`.  See tests/bench/README.md.
#
# Usage:  block-bench.sh [BUILD_DIR]        (default: build)
# Environment: GUEST_CACHE (default $HOME/.cache/emu-guests), QEMU
#   (default qemu-system-aarch64), QEMU_IMG (default qemu-img),
#   BENCH_SEQ_MB (16), BENCH_RAND_OPS (2048), BENCH_SPAN_MB (64),
#   CONVERT_MB (256) size of the conversion source, RUNS (1): runs per
#   figure, the best is kept.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$here/../../build}
EMU=$BUILD/kestrel-system-aarch64
IMG=$BUILD/tools/kestrel-img
QEMU=${QEMU:-qemu-system-aarch64}
QEMU_IMG=${QEMU_IMG:-qemu-img}
GUEST_CACHE=${GUEST_CACHE:-$HOME/.cache/emu-guests}
SEQ_MB=${BENCH_SEQ_MB:-16}
RAND_OPS=${BENCH_RAND_OPS:-2048}
SPAN_MB=${BENCH_SPAN_MB:-64}
CONVERT_MB=${CONVERT_MB:-256}
RUNS=${RUNS:-1}
KERNEL=$GUEST_CACHE/arm64/vmlinuz
name=block-bench

die() { echo "$name: $*" >&2; exit 1; }

[ -x "$EMU" ] || die "$EMU: not built"
[ -x "$IMG" ] || die "$IMG: not built"
[ -f "$KERNEL" ] || die "no arm64 kernel in $GUEST_CACHE (fetch-guests.sh)"
for t in "$QEMU" "$QEMU_IMG" cpio dpkg-deb gcc aarch64-linux-gnu-gcc; do
    command -v "$t" >/dev/null || die "needs $t"
done
kver=$(basename "$(readlink -f "$KERNEL")" | sed 's/^vmlinuz-//')
deb=$(find "$GUEST_CACHE/debs" -name "linux-image-${kver}_*.deb" | head -1)
[ -n "$deb" ] || die "no linux-image-$kver .deb in $GUEST_CACHE/debs"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/block-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# ------------------------------------------------------------------
# The guest

root=$tmp/root
mkdir -p "$root/dev"
aarch64-linux-gnu-gcc -O2 -static -o "$root/init" \
    "$here/block-bench-guest.c" || die "cannot build the guest program"
gcc -O2 -o "$tmp/helper" "$here/block-bench-guest.c" ||
    die "cannot build the host helper"
mods="virtio/virtio_mmio block/virtio_blk"
for m in $mods; do
    echo "./lib/modules/$kver/kernel/drivers/$m.ko"
done > "$tmp/modlist"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" -T "$tmp/modlist" ||
    die "$deb lacks the virtio modules"
for m in $mods; do
    cp "$tmp/lib/modules/$kver/kernel/drivers/$m.ko" "$root/"
done
(cd "$root" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --quiet) |
    gzip -1 > "$tmp/initrd.gz" || die "cpio failed"

# guest EMULATOR FORMAT: boot on a fresh image, "BENCH ..." lines in
# $tmp/out.
guest() {
    disk=$tmp/disk.$2
    rm -f "$disk"
    "$IMG" create -q -f "$2" "$disk" $((2 * SPAN_MB))M >/dev/null ||
        die "cannot create $disk"
    extra=
    case $1 in
    *qemu*) extra="-nic none" ;;
    esac
    # shellcheck disable=SC2086  # $extra is zero or two words
    timeout -k 5 600 "$1" -M virt -cpu cortex-a57 -m 256 -nographic \
        -no-reboot $extra -kernel "$KERNEL" -initrd "$tmp/initrd.gz" \
        -append "console=ttyAMA0 panic=-1 quiet BENCH_SEQ_MB=$SEQ_MB \
BENCH_RAND_OPS=$RAND_OPS BENCH_SPAN_MB=$SPAN_MB" \
        -device virtio-blk-device,drive=d0 \
        -drive "if=none,id=d0,file=$disk,format=$2,cache=writeback" \
        </dev/null 2>&1 | tr -d '\r' > "$tmp/out"
    if ! grep -q '^BENCH-DONE' "$tmp/out"; then
        tail -20 "$tmp/out" >&2
        die "$1 on $2: the guest did not finish"
    fi
}

# ------------------------------------------------------------------
# Figures: "KEY VALUE" lines in $tmp/k.fig and $tmp/q.fig.

# best FILE KEY VALUE HIGHER_IS_BETTER: keep the best of the runs.
best() {
    old=$(sed -n "s/^$2 //p" "$1")
    if [ -z "$old" ] ||
       awk -v n="$3" -v o="$old" -v h="$4" \
           'BEGIN { exit !(h ? n > o : n < o) }'; then
        grep -v "^$2 " "$1" > "$1.new"
        echo "$2 $3" >> "$1.new"
        mv "$1.new" "$1"
    fi
}

: > "$tmp/k.fig"
: > "$tmp/q.fig"
run=1
while [ $run -le "$RUNS" ]; do
    for fmt in raw qcow2; do
        for who in k q; do
            [ $who = k ] && emu=$EMU || emu=$QEMU
            guest "$emu" $fmt
            sed -n 's/^BENCH \([a-z-]*\) \([0-9.]*\) .*/\1 \2/p' \
                "$tmp/out" | while read -r test value; do
                best "$tmp/$who.fig" "$fmt-$test" "$value" 1
            done
        done
    done
    run=$((run + 1))
done

# time_cmd: seconds the command takes (it must succeed).
time_cmd() {
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || die "failed: $*"
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

"$tmp/helper" fill "$tmp/src.raw" "$CONVERT_MB" || die "fill failed"
"$QEMU_IMG" convert -O qcow2 "$tmp/src.raw" "$tmp/src.qcow2" ||
    die "qemu-img convert failed"
cat "$tmp/src.raw" "$tmp/src.qcow2" > /dev/null     # warm the cache
run=1
while [ $run -le "$RUNS" ]; do
    for who in k q; do
        [ $who = k ] && tool=$IMG || tool=$QEMU_IMG
        rm -f "$tmp/o.qcow2" "$tmp/o.raw"
        best "$tmp/$who.fig" raw-to-qcow2 \
            "$(time_cmd "$tool" convert -O qcow2 "$tmp/src.raw" \
               "$tmp/o.qcow2")" 0
        best "$tmp/$who.fig" qcow2-to-raw \
            "$(time_cmd "$tool" convert -O raw "$tmp/src.qcow2" \
               "$tmp/o.raw")" 0
        rm -f "$tmp/o.qcow2"
        best "$tmp/$who.fig" raw-to-qcow2-c \
            "$(time_cmd "$tool" convert -c -O qcow2 "$tmp/src.raw" \
               "$tmp/o.qcow2")" 0
    done
    run=$((run + 1))
done

# ------------------------------------------------------------------
# Report

fig() { sed -n "s/^$2 //p" "$tmp/$1.fig"; }
row() {
    k=$(fig k "$1") q=$(fig q "$1")
    awk -v n="$1" -v u="$2" -v k="$k" -v q="$q" 'BEGIN {
        r = (q > 0 && k != "") ? sprintf("%.2f", k / q) : "-"
        printf "  %-22s %-5s %10s %10s %8s\n", n, u, k, q, r }'
}
echo "$name: guest I/O, 4 KiB O_DIRECT requests ($SEQ_MB MiB sequential," \
     "$RAND_OPS random in $SPAN_MB MiB), guest clock, best of $RUNS"
printf '  %-22s %-5s %10s %10s %8s\n' test unit kestrel qemu k/q
for fmt in raw qcow2; do
    row $fmt-seq-write MB/s
    row $fmt-seq-read MB/s
    row $fmt-rand-write IOPS
    row $fmt-rand-read IOPS
done
echo "$name: image conversion of a $CONVERT_MB MiB image, host seconds" \
     "(lower is better), best of $RUNS"
printf '  %-22s %-5s %10s %10s %8s\n' test unit kestrel-img qemu-img k/q
row raw-to-qcow2 s
row qcow2-to-raw s
row raw-to-qcow2-c s

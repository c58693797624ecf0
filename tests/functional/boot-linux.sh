#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# boot-linux.sh - boot Debian's arm64 kernel with the busybox initramfs of
# ../shared/workloads on the virt board, wait for EMU-BOOT-OK, run a
# workload subset, and check the data sha256 (the value native busybox
# gives, from the workloads README), EMU-CHECKS ok, EMU-DONE and a clean
# power-off (the emulator exits with status 0).
#
# Usage:  boot-linux.sh [EMULATOR [GIC_VERSION]]
#   EMULATOR     default build/kestrel-system-aarch64; $QEMU overrides it
#                (QEMU=qemu-system-aarch64 proves the script right)
#   GIC_VERSION  2 or 3 (default 3)
# Environment:
#   GUEST_CACHE  where fetch-guests.sh puts the guests
#                (default $HOME/.cache/emu-guests)
#   WL_STEPS     workload steps (default awk-gen,sha256)
#   BOOT_TIMEOUT seconds for the whole run (default 900)
#   EMU_ARGS     extra emulator options
# Exit status: 0 pass, 1 fail, 77 (skip) without the kernel, busybox or
# cpio.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
W=$here/../../../shared/workloads
EMU=${QEMU:-${1:-$here/../../build/kestrel-system-aarch64}}
GIC=${2:-3}
GUEST_CACHE=${GUEST_CACHE:-$HOME/.cache/emu-guests}
WL_STEPS=${WL_STEPS:-awk-gen,sha256}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-900}
EMU_ARGS=${EMU_ARGS:-}
EXP_SHA=63badf884aa52f472566563a0319f1ab3d1b1d334087d5662389644c2b721148
KERNEL=$GUEST_CACHE/arm64/vmlinuz
BUSYBOX=$GUEST_CACHE/arm64/busybox
name="boot-linux(gicv$GIC)"

skip() { echo "$name: SKIP: $*" >&2; exit 77; }
fail() { echo "$name: FAIL: $*"; exit 1; }

if [ ! -f "$KERNEL" ] || [ ! -f "$BUSYBOX" ]; then
    if [ -x "$W/fetch-guests.sh" ]; then
        GUEST_CACHE=$GUEST_CACHE "$W/fetch-guests.sh" >&2 || true
    fi
    if [ ! -f "$KERNEL" ] || [ ! -f "$BUSYBOX" ]; then
        skip "no arm64 kernel/busybox in $GUEST_CACHE"
    fi
fi
[ -x "$W/mkinitramfs.sh" ] || skip "no $W/mkinitramfs.sh"
command -v cpio >/dev/null || skip "needs cpio"
command -v "$EMU" >/dev/null || fail "$EMU: not an executable"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/boot-linux.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
GUEST_CACHE=$GUEST_CACHE "$W/mkinitramfs.sh" arm64 "$tmp/initrd.gz" \
    >"$tmp/mkinitramfs.log" 2>&1 ||
    { cat "$tmp/mkinitramfs.log"; fail "mkinitramfs.sh failed"; }

# QEMU wants its NIC ROM unless told there is no NIC.
case $(basename "$EMU") in
qemu-system-*) EMU_ARGS="$EMU_ARGS -nic none" ;;
esac

start=$(date +%s)
# shellcheck disable=SC2086  # EMU_ARGS is a list of words
timeout -k 5 "$BOOT_TIMEOUT" "$EMU" -M "virt,gic-version=$GIC" \
    -cpu cortex-a57 -m 512 -nographic -no-reboot $EMU_ARGS \
    -kernel "$KERNEL" -initrd "$tmp/initrd.gz" \
    -append "console=ttyAMA0 earlycon panic=-1 WL_STEPS=$WL_STEPS" \
    </dev/null >"$tmp/console" 2>&1
rc=$?
tr -d '\r' <"$tmp/console" >"$tmp/log"
echo "$name: exit status $rc after $(($(date +%s) - start)) s"

show_log() {
    echo "---- console (last 40 lines) ----"
    tail -40 "$tmp/log"
}
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    show_log
    if grep -q '^EMU-BOOT-OK' "$tmp/log"; then
        fail "timed out after ${BOOT_TIMEOUT}s (booted; workload unfinished)"
    fi
    fail "timed out after ${BOOT_TIMEOUT}s before EMU-BOOT-OK"
fi
grep '^EMU-' "$tmp/log"
grep -q '^EMU-BOOT-OK' "$tmp/log" || { show_log; fail "no EMU-BOOT-OK"; }
case ",$WL_STEPS," in
*,sha256,*)
    grep -qx "EMU-CHECK data-sha256 $EXP_SHA ok" "$tmp/log" ||
        { show_log; fail "data-sha256 is not $EXP_SHA"; } ;;
esac
grep -qx 'EMU-CHECKS ok' "$tmp/log" || { show_log; fail "EMU-CHECKS not ok"; }
grep -qx 'EMU-DONE' "$tmp/log" || { show_log; fail "no EMU-DONE"; }
if grep -q 'EMU-INFO poweroff failed' "$tmp/log"; then
    show_log
    fail "poweroff -f failed in the guest"
fi
[ "$rc" = 0 ] || { show_log; fail "exit status $rc after poweroff, want 0"; }
echo "$name: PASS"

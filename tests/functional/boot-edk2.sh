#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# boot-edk2.sh - boot Debian's EDK2 (package qemu-efi-aarch64,
# QEMU_EFI.fd) on the virt board with Debian's arm64 kernel and the
# busybox initramfs of ../shared/workloads given as -kernel/-initrd: the
# firmware runs from CFI flash, reads the device tree and fetches the
# kernel, initrd and command line through fw_cfg, and the kernel's EFI
# stub starts Linux.  Checks the firmware banner, the EFI stub's lines,
# the SMBIOS system the kernel reports (fw_cfg "etc/smbios/..."),
# EMU-BOOT-OK, EMU-DONE and exit status 0 after the guest powers off.
#
# Three boots:
#   1. -bios QEMU_EFI.fd (GICv2, EL1), flash bank 1 blank RAM
#   2. -drive if=pflash for both banks: the code read-only, an empty
#      variable store image (GICv3, virtualization=on: EDK2 at EL2), which
#      EDK2 must format (firmware volume signature "_FVH" at 0x28)
#   3. the same again, with the variable store EDK2 wrote
#
# Usage:  boot-edk2.sh [EMULATOR]
#   EMULATOR     default build/kestrel-system-aarch64; $QEMU overrides it
#                (QEMU=qemu-system-aarch64 proves the script right)
# Environment:
#   EDK2         firmware (default /usr/share/qemu-efi-aarch64/QEMU_EFI.fd)
#   GUEST_CACHE  where fetch-guests.sh puts the guests
#                (default $HOME/.cache/emu-guests)
#   BOOT_TIMEOUT seconds for each boot (default 100)
#   EMU_ARGS     extra emulator options
# Exit status: 0 pass, 1 fail, 77 (skip) without the firmware, the kernel,
# busybox or cpio.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
W=$here/../../../shared/workloads
EMU=${QEMU:-${1:-$here/../../build/kestrel-system-aarch64}}
EDK2=${EDK2:-/usr/share/qemu-efi-aarch64/QEMU_EFI.fd}
GUEST_CACHE=${GUEST_CACHE:-$HOME/.cache/emu-guests}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-100}
EMU_ARGS=${EMU_ARGS:-}
KERNEL=$GUEST_CACHE/arm64/vmlinuz
BUSYBOX=$GUEST_CACHE/arm64/busybox
FLASH_SIZE=67108864
name=boot-edk2

skip() { echo "$name: SKIP: $*" >&2; exit 77; }
fail() { echo "$name: FAIL: $*"; exit 1; }

[ -f "$EDK2" ] || skip "no $EDK2 (qemu-efi-aarch64)"
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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/boot-edk2.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
GUEST_CACHE=$GUEST_CACHE "$W/mkinitramfs.sh" arm64 "$tmp/initrd.gz" \
    >"$tmp/mkinitramfs.log" 2>&1 ||
    { cat "$tmp/mkinitramfs.log"; fail "mkinitramfs.sh failed"; }

# QEMU wants its NIC ROM unless told there is no NIC.
case $(basename "$EMU") in
qemu-system-*) EMU_ARGS="$EMU_ARGS -nic none" ;;
esac

show_log() {
    echo "---- console (last 40 lines) ----"
    tail -40 "$tmp/log"
}

# boot LABEL MACHINE FIRMWARE-OPTIONS...: one boot, checked.
boot() {
    label=$1 machine=$2
    shift 2
    start=$(date +%s)
    # shellcheck disable=SC2086  # EMU_ARGS is a list of words
    timeout -k 5 "$BOOT_TIMEOUT" "$EMU" -M "$machine" -cpu cortex-a57 \
        -m 1G -nographic -no-reboot $EMU_ARGS "$@" \
        -kernel "$KERNEL" -initrd "$tmp/initrd.gz" \
        -append "console=ttyAMA0 panic=-1 WL_STEPS=none" \
        </dev/null >"$tmp/console" 2>&1
    rc=$?
    tr -d '\r' <"$tmp/console" >"$tmp/log"
    echo "$name: $label: exit status $rc after $(($(date +%s) - start)) s"
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        show_log
        fail "$label: timed out after ${BOOT_TIMEOUT}s"
    fi
    grep -q '^UEFI firmware' "$tmp/log" ||
        { show_log; fail "$label: no EDK2 banner"; }
    for line in 'EFI stub: Booting Linux Kernel...' \
                'EFI stub: Loaded initrd from LINUX_EFI_INITRD_MEDIA_GUID' \
                'EFI stub: Exiting boot services...'; do
        grep -qF "$line" "$tmp/log" ||
            { show_log; fail "$label: no '$line'"; }
    done
    grep -q 'efi: EFI v[0-9.]* by EDK II' "$tmp/log" ||
        { show_log; fail "$label: the kernel did not find EFI"; }
    grep -q 'DMI: QEMU QEMU Virtual Machine' "$tmp/log" ||
        { show_log; fail "$label: no SMBIOS system information"; }
    grep -qx 'EMU-BOOT-OK' "$tmp/log" ||
        { show_log; fail "$label: no EMU-BOOT-OK"; }
    grep -qx 'EMU-DONE' "$tmp/log" || { show_log; fail "$label: no EMU-DONE"; }
    [ "$rc" = 0 ] ||
        { show_log; fail "$label: exit status $rc after poweroff, want 0"; }
}

boot "-bios" virt -bios "$EDK2"

# Bank images are exactly the flash size: the code padded with zeroes.
cp "$EDK2" "$tmp/code.fd" && truncate -s "$FLASH_SIZE" "$tmp/code.fd" &&
    truncate -s "$FLASH_SIZE" "$tmp/vars.fd" || fail "cannot make images"
boot "pflash" virt,gic-version=3,virtualization=on \
    -drive "if=pflash,format=raw,file=$tmp/code.fd,readonly=on" \
    -drive "if=pflash,format=raw,file=$tmp/vars.fd"
sig=$(dd if="$tmp/vars.fd" bs=1 skip=40 count=4 2>/dev/null)
[ "$sig" = _FVH ] ||
    fail "EDK2 did not format the variable store (got '$sig' at 0x28)"
boot "pflash again" virt,gic-version=3,virtualization=on \
    -drive "if=pflash,format=raw,file=$tmp/code.fd,readonly=on" \
    -drive "if=pflash,format=raw,file=$tmp/vars.fd"
echo "$name: PASS"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# boot-uboot.sh - boot Debian's U-Boot (package u-boot-qemu,
# qemu_arm64/u-boot.bin) with -bios on the virt board and drive its
# console: stop the autoboot, wait for the "=>" prompt, run `version` and
# `bdinfo` and check their answers, then end the emulator.
#
# Usage:  boot-uboot.sh [EMULATOR [GIC_VERSION]]
#   EMULATOR     default build/kestrel-system-aarch64; $QEMU overrides it
#   GIC_VERSION  2 or 3 (default 3)
# Environment:
#   UBOOT        firmware (default /usr/lib/u-boot/qemu_arm64/u-boot.bin)
#   UBOOT_TIMEOUT seconds to wait for each answer (default 120)
#   EMU_ARGS     extra emulator options
# The console is the emulator's stdio (-nographic): its input is a FIFO
# this script writes to, its output a file this script polls.
# Exit status: 0 pass, 1 fail, 77 (skip) without the U-Boot image.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
EMU=${QEMU:-${1:-$here/../../build/kestrel-system-aarch64}}
GIC=${2:-3}
UBOOT=${UBOOT:-/usr/lib/u-boot/qemu_arm64/u-boot.bin}
T=${UBOOT_TIMEOUT:-120}
EMU_ARGS=${EMU_ARGS:-}
name="boot-uboot(gicv$GIC)"

fail() {
    echo "$name: FAIL: $*"
    echo "---- console (last 30 lines) ----"
    tr -d '\r' <"$tmp/console" | tail -30
    exit 1
}
[ -f "$UBOOT" ] || { echo "$name: SKIP: no $UBOOT (u-boot-qemu)" >&2; exit 77; }
if ! command -v "$EMU" >/dev/null; then
    echo "$name: FAIL: $EMU: not an executable"
    exit 1
fi
case $(basename "$EMU") in
qemu-system-*) EMU_ARGS="$EMU_ARGS -nic none" ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/boot-uboot.XXXXXX")
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null
        sleep 1
        kill -9 "$pid" 2>/dev/null
    fi
    exec 3>&- 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
mkfifo "$tmp/in"
: >"$tmp/console"
# shellcheck disable=SC2086  # EMU_ARGS is a list of words
"$EMU" -M "virt,gic-version=$GIC" -cpu cortex-a57 -m 512 -nographic \
    $EMU_ARGS -bios "$UBOOT" <"$tmp/in" >"$tmp/console" 2>&1 &
pid=$!
exec 3>"$tmp/in"        # keep the FIFO open: the console never sees EOF

# wait_for PATTERN [FROM_LINE]: until the console (from a byte offset)
# matches the extended regex, or T seconds pass.  Keys keep being sent
# with `poke` (a newline) while waiting, when asked.
wait_for() {
    pat=$1 from=${2:-0} poke=${3:-} end=$(($(date +%s) + T))
    while [ "$(date +%s)" -lt "$end" ]; do
        if tail -c +"$((from + 1))" "$tmp/console" | tr -d '\r' |
           grep -Eq "$pat"; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || fail "emulator exited waiting for /$pat/"
        [ -n "$poke" ] && printf '\n' >&3
        sleep 0.5
    done
    fail "no /$pat/ within ${T}s"
}

# settle: wait until the console has been quiet for a second.
settle() {
    last=-1
    while :; do
        now=$(stat -c %s "$tmp/console")
        [ "$now" = "$last" ] && return 0
        last=$now
        sleep 1
    done
}

# send CMD: type a command at the prompt; sets MARK to where its answer
# starts in the console file.
send() {
    MARK=$(stat -c %s "$tmp/console")
    printf '%s\n' "$1" >&3
}

wait_for '^U-Boot 20[0-9][0-9]'
echo "$name: U-Boot started"
# Stop the autoboot countdown (any key) and get a prompt.
wait_for '^=> ?$' 0 poke
settle
echo "$name: prompt"

send version
wait_for '^U-Boot 20[0-9][0-9]' "$MARK"
settle
ans=$(tail -c +"$((MARK + 1))" "$tmp/console" | tr -d '\r')
echo "$ans" | grep -Eq '^U-Boot 20[0-9][0-9]\.[0-9]+' ||
    fail "version: no 'U-Boot YYYY.MM' line"
echo "$ans" | grep -q 'aarch64-linux-gnu-gcc\|gcc' ||
    fail "version: no compiler line"
echo "$name: version: $(echo "$ans" | grep -E '^U-Boot 20' | head -1)"

send bdinfo
wait_for '^boot_params' "$MARK"
settle
ans=$(tail -c +"$((MARK + 1))" "$tmp/console" | tr -d '\r')
echo "$ans" | grep -Eq '^boot_params' || fail "bdinfo: no boot_params line"
echo "$ans" | grep -Eq '^DRAM bank += 0x0+0?$' ||
    fail "bdinfo: no 'DRAM bank = 0x0' line"
echo "$ans" | grep -Eiq '^-> start += 0x0*40000000$' ||
    fail "bdinfo: DRAM does not start at 0x40000000"
echo "$ans" | grep -Eiq '^-> size += 0x0*20000000$' ||
    fail "bdinfo: DRAM size is not 0x20000000 (-m 512)"
echo "$name: bdinfo: DRAM 0x40000000 + 0x20000000"

# End: U-Boot's poweroff (PSCI SYSTEM_OFF) when it has the command.
send poweroff
end=$(($(date +%s) + 10))
while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do
    sleep 0.2
done
if kill -0 "$pid" 2>/dev/null; then
    echo "$name: (no poweroff: emulator stopped by the script)"
else
    wait "$pid"
    rc=$?
    pid=
    [ "$rc" = 0 ] || fail "exit status $rc after poweroff"
    echo "$name: powered off, exit status 0"
fi
echo "$name: PASS"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-linux.sh [BUILD] - the main job (`make run`): boot Debian's arm64
# kernel on the virt board with a busybox initramfs, to an interactive
# shell on the console.  `poweroff -f` (or Ctrl-A x) ends it.
#
# The guests (Debian's kernel and static busybox) are fetched once by
# ../shared/workloads/fetch-guests.sh into $GUEST_CACHE
# (default ~/.cache/emu-guests).  Extra emulator options: $KESTREL_ARGS
# (e.g. KESTREL_ARGS="-M virt,gic-version=3 -smp 2").
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
W=${WORKLOADS:-$top/../shared/workloads}
GUEST_CACHE=${GUEST_CACHE:-$HOME/.cache/emu-guests}
export GUEST_CACHE
kernel=$GUEST_CACHE/arm64/vmlinuz
busybox=$GUEST_CACHE/arm64/busybox

die() {
    echo "run-linux: $*" >&2
    exit 1
}

if [ ! -f "$kernel" ] || [ ! -x "$busybox" ]; then
    [ -x "$W/fetch-guests.sh" ] || die "no guests in $GUEST_CACHE and no $W/fetch-guests.sh"
    "$W/fetch-guests.sh" >&2 || die "fetching the guests failed"
fi
command -v cpio >/dev/null || die "needs cpio (scripts/setup.sh installs it)"

# A small initramfs: busybox and an /init that gives a shell.
root=$(mktemp -d "${TMPDIR:-/tmp}/kestrel-run.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
export PATH=/bin HOME=/tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo 1 > /proc/sys/kernel/printk
echo
echo "Debian's arm64 Linux $(uname -r) on Kestrel's virt board," \
     "$(nproc) CPU(s)."
echo "This is busybox sh; 'poweroff -f' or Ctrl-A x ends the emulator."
setsid cttyhack sh -l
poweroff -f
INIT
chmod 755 "$root/init"
initrd=$root/initrd.cpio
(cd "$root" && find bin dev init proc sys tmp | cpio -o -H newc --quiet) \
    > "$initrd"

# shellcheck disable=SC2086
"$build/kestrel-system-aarch64" -M virt -cpu cortex-a57 -m 512 \
    -nographic ${KESTREL_ARGS:-} -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyAMA0 quiet"

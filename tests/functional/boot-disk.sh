#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# boot-disk.sh - an arm64 Linux guest on a virtio-blk disk (virtio-mmio).
#
# A small busybox initramfs (built here, with Debian's virtio_mmio and
# virtio_blk modules taken from the kernel package) runs one step given
# on the kernel command line and powers off:
#   write  fill the first 1 MiB of /dev/vda with random data, fsync, drop
#          the page cache, read it back; discard a MiB further on; print
#          both sha256s
#   read   print the sha256 of the first 1 MiB (the disk is read-only:
#          a write must fail)
# Boots, each a fresh emulator:
#   raw     write; the host checks the image file holds the data; read
#           (readonly=on) sees the same data
#   raw     -snapshot write: the guest reads its new data back, the image
#           file is byte-for-byte unchanged
#   qcow2   write, then read (images made with kestrel-img, or qemu-img
#           when kestrel-img is not there yet; skipped without either)
#
# Usage:  boot-disk.sh [EMULATOR [KESTREL_IMG]]
#   EMULATOR     default build/kestrel-system-aarch64; $QEMU overrides it
#                (QEMU=qemu-system-aarch64 proves the script right)
#   KESTREL_IMG  default build/kestrel-img, else qemu-img
# Environment: GUEST_CACHE (default $HOME/.cache/emu-guests),
#   BOOT_TIMEOUT seconds per boot (default 120), EMU_ARGS extra options.
# Exit status: 0 pass, 1 fail, 77 (skip) without the kernel package,
# busybox, cpio or dpkg-deb.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
EMU=${QEMU:-${1:-$here/../../build/kestrel-system-aarch64}}
IMG_TOOL=${2:-$here/../../build/kestrel-img}
GUEST_CACHE=${GUEST_CACHE:-$HOME/.cache/emu-guests}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}
EMU_ARGS=${EMU_ARGS:-}
KERNEL=$GUEST_CACHE/arm64/vmlinuz
BUSYBOX=$GUEST_CACHE/arm64/busybox
name=boot-disk

skip() { echo "$name: SKIP: $*" >&2; exit 77; }
fail() { echo "$name: FAIL: $*"; exit 1; }

[ -f "$KERNEL" ] && [ -f "$BUSYBOX" ] ||
    skip "no arm64 kernel/busybox in $GUEST_CACHE (fetch-guests.sh)"
command -v cpio >/dev/null || skip "needs cpio"
command -v dpkg-deb >/dev/null || skip "needs dpkg-deb"
command -v "$EMU" >/dev/null || fail "$EMU: not an executable"
# The kernel package the vmlinuz came from holds its modules.
kver=$(basename "$(readlink -f "$KERNEL")" | sed 's/^vmlinuz-//')
deb=$(ls "$GUEST_CACHE"/debs/linux-image-"$kver"_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || skip "no linux-image-$kver .deb in $GUEST_CACHE/debs"
if [ ! -x "$IMG_TOOL" ]; then
    IMG_TOOL=$(command -v qemu-img || true)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/boot-disk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# ------------------------------------------------------------------
# The initramfs

root=$tmp/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
cp "$BUSYBOX" "$root/bin/busybox"
# virtio_pci only for QEMU, whose virt board puts if=virtio on PCI.
mods="virtio/virtio_mmio virtio/virtio_pci_legacy_dev
      virtio/virtio_pci_modern_dev virtio/virtio_pci block/virtio_blk"
for m in $mods; do
    echo "./lib/modules/$kver/kernel/drivers/$m.ko"
done > "$tmp/modlist"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" -T "$tmp/modlist" ||
    skip "$deb lacks the virtio modules"
for m in $mods; do
    cp "$tmp/lib/modules/$kver/kernel/drivers/$m.ko" "$root/"
done
cat > "$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec 0</dev/console 1>/dev/console 2>&1
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo 1 > /proc/sys/kernel/printk
sha() { sha256sum | cut -d' ' -f1; }
for m in virtio_mmio virtio_pci_legacy_dev virtio_pci_modern_dev \
         virtio_pci virtio_blk; do
    insmod /$m.ko || echo "EMU-DISK-ERR insmod $m"
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ -b /dev/vda ]; then
    echo "EMU-DISK size $(cat /sys/block/vda/size) ro $(cat /sys/block/vda/ro)"
    case $DISK_STEP in
    write)
        dd if=/dev/urandom of=/tmp/data bs=65536 count=16 2>/dev/null
        dd if=/tmp/data of=/dev/vda bs=65536 conv=fsync 2>/dev/null ||
            echo "EMU-DISK-ERR write"
        sync
        echo "EMU-DISK wrote $(sha < /tmp/data)"
        echo 3 > /proc/sys/vm/drop_caches
        echo "EMU-DISK readback $(dd if=/dev/vda bs=65536 count=16 \
            2>/dev/null | sha)"
        blkdiscard -o 4194304 -l 1048576 /dev/vda ||
            echo "EMU-DISK-ERR discard"
        ;;
    read)
        echo "EMU-DISK read $(dd if=/dev/vda bs=65536 count=16 \
            2>/dev/null | sha)"
        if dd if=/dev/zero of=/dev/vda bs=512 count=1 conv=fsync \
            2>/dev/null; then
            echo "EMU-DISK-ERR wrote a read-only disk"
        fi
        ;;
    esac
else
    echo "EMU-DISK-ERR no /dev/vda"
fi
echo "EMU-DISK-DONE"
poweroff -f
EOF
chmod 755 "$root/init" "$root/bin/busybox"
(cd "$root" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --quiet) |
    gzip -1 > "$tmp/initrd.gz" || fail "cpio failed"

# ------------------------------------------------------------------
# Boots

case $(basename "$EMU") in
qemu-system-*) EMU_ARGS="$EMU_ARGS -nic none" ;;
esac

# boot LABEL STEP DRIVE-OPTIONS...: run the guest, console in $tmp/LABEL.
boot() {
    label=$1 step=$2
    shift 2
    start=$(date +%s)
    # shellcheck disable=SC2086  # EMU_ARGS is a list of words
    timeout -k 5 "$BOOT_TIMEOUT" "$EMU" -M virt -cpu cortex-a57 -m 256 \
        -nographic -no-reboot $EMU_ARGS "$@" \
        -kernel "$KERNEL" -initrd "$tmp/initrd.gz" \
        -append "console=ttyAMA0 panic=-1 quiet DISK_STEP=$step" \
        </dev/null 2>&1 | tr -d '\r' > "$tmp/$label"
    echo "$name: $label: $(($(date +%s) - start)) s"
    grep '^EMU-DISK' "$tmp/$label"
    if grep -q '^EMU-DISK-ERR' "$tmp/$label" ||
       ! grep -q '^EMU-DISK-DONE' "$tmp/$label"; then
        tail -30 "$tmp/$label"
        fail "$label"
    fi
}

# field LABEL KEY: the value of "EMU-DISK KEY value" in LABEL's console.
field() {
    sed -n "s/^EMU-DISK $2 //p" "$tmp/$1" | head -1
}

check_write() {
    wrote=$(field "$1" wrote)
    [ -n "$wrote" ] || fail "$1: no sha256 of the written data"
    [ "$(field "$1" readback)" = "$wrote" ] ||
        fail "$1: read back $(field "$1" readback), wrote $wrote"
}

# Raw: write, check the file, read back read-only.
disk=$tmp/disk.raw
head -c 8388608 /dev/zero > "$disk"
boot raw-write write -drive "file=$disk,format=raw,if=virtio,discard=unmap"
check_write raw-write
grep -qx 'EMU-DISK size 16384 ro 0' "$tmp/raw-write" ||
    fail "raw-write: want 16384 sectors, writable"
host=$(head -c 1048576 "$disk" | sha256sum | cut -d' ' -f1)
[ "$host" = "$wrote" ] || fail "raw image holds $host, guest wrote $wrote"
boot raw-read read -drive "file=$disk,format=raw,if=none,id=d0,readonly=on" \
    -device virtio-blk-device,drive=d0
grep -qx 'EMU-DISK size 16384 ro 1' "$tmp/raw-read" ||
    fail "raw-read: want 16384 sectors, read-only"
[ "$(field raw-read read)" = "$wrote" ] ||
    fail "raw-read: read $(field raw-read read), wrote $wrote"

# -snapshot: the guest sees its writes, the file does not change.
before=$(sha256sum < "$disk")
boot raw-snapshot write -snapshot -drive "file=$disk,format=raw"
check_write raw-snapshot
[ "$wrote" != "$host" ] || fail "raw-snapshot: wrote the same data again?"
[ "$(sha256sum < "$disk")" = "$before" ] ||
    fail "-snapshot: the image file changed"

# qcow2, when there is a tool to make one.
if [ -z "$IMG_TOOL" ]; then
    echo "$name: qcow2 skipped (no kestrel-img or qemu-img)"
elif ! "$IMG_TOOL" create -f qcow2 "$tmp/disk.qcow2" 8M >/dev/null; then
    fail "$IMG_TOOL create -f qcow2 failed"
else
    boot qcow2-write write -drive "file=$tmp/disk.qcow2,format=qcow2"
    check_write qcow2-write
    # What the guest wrote through Kestrel, as Debian's qemu-img sees it.
    if command -v qemu-img >/dev/null; then
        qemu-img check "$tmp/disk.qcow2" > "$tmp/qcheck" 2>&1 ||
            fail "qemu-img check of the guest-written image: $(cat "$tmp/qcheck")"
        grep -q "No errors were found on the image." "$tmp/qcheck" ||
            fail "qemu-img check: $(cat "$tmp/qcheck")"
        qemu-img convert -O raw "$tmp/disk.qcow2" "$tmp/q.raw" ||
            fail "qemu-img convert of the guest-written image"
        [ "$(head -c 1048576 "$tmp/q.raw" | sha256sum | cut -d' ' -f1)" = \
          "$wrote" ] || fail "qemu-img reads other data than the guest wrote"
    fi
    boot qcow2-read read -drive "file=$tmp/disk.qcow2,readonly=on"
    [ "$(field qcow2-read read)" = "$wrote" ] ||
        fail "qcow2-read: read $(field qcow2-read read), wrote $wrote"
fi
echo "$name: PASS"

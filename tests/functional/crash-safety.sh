#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# crash-safety.sh - SIGKILL the emulator while its guest writes a qcow2
# disk, again and again, and check that nothing flushed was lost.
#
# The guest is Debian's arm64 kernel (quiet) with a tiny initramfs whose
# /init is crash-records.c: it loads virtio_mmio and virtio_blk, then at
# once writes numbered, checksummed 4 KiB records to /dev/vda (O_DIRECT),
# each followed by fdatasync() (a virtio-blk flush), and prints
# "FLUSHED n" only after the flush returned.  The host waits for the
# writer to start, sleeps a random delay (fixed seed) and kills the
# emulator with SIGKILL.  Three images take turns, each continued from
# where its last run stopped, so every run allocates new clusters:
#   plain    qcow2 v3, 4 KiB clusters, a record every 8 KiB (new L2
#            tables and refcount blocks as it grows)
#   backing  qcow2 v3, 64 KiB clusters over a raw backing file full of a
#            pattern (half the disk's size: past its end the image reads
#            zeroes); each record covers 4 KiB of a fresh cluster, so the
#            other 60 KiB are copied up from the backing file
#   lazy     qcow2 v3, 16 KiB clusters, lazy_refcounts=on (the image is
#            left dirty; the next open rebuilds its refcounts)
# All with cache=writeback.  After each kill:
#   - `kestrel-img check` and, if installed, `qemu-img check` find no
#     corruption (exit 0, or 3 for leaked clusters).  A dirty lazy
#     image may hold stale refcounts by design: for it a copy must be
#     repaired cleanly by `check -r all` (what opening it does) and
#     then check clean, with both tools;
#   - every record up to the last "FLUSHED n" reads back intact through
#     `kestrel-img convert -O raw` (and, every fifth run and at the end,
#     through `qemu-img convert`), with the rest of each record's stride
#     untouched (zeroes, or the backing file's bytes).
# Prints a summary: runs, records verified, leaks, dirty images.
#
# Usage:  crash-safety.sh EMULATOR KESTREL_IMG
# Environment: GUEST_CACHE (default $HOME/.cache/emu-guests),
#   CRASH_RUNS (default 50), CRASH_SEED (default 1), CRASH_MAX_DELAY_MS
#   (default 1500), CRASH_SIZE_MIB (virtual size of each image, default
#   512), CRASH_CACHE (the drive's cache= mode, default
#   writeback), EMU_ARGS extra emulator options, KEEP_TMP=1 keeps the
#   work directory.
# Exit status: 0 pass, 1 fail, 77 (skip) without the kernel package,
# cpio, dpkg-deb, gcc or aarch64-linux-gnu-gcc (static).
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
EMU=${1:-$here/../../build/kestrel-system-aarch64}
IMG=${2:-$here/../../build/tools/kestrel-img}
GUEST_CACHE=${GUEST_CACHE:-$HOME/.cache/emu-guests}
RUNS=${CRASH_RUNS:-50}
SEED=${CRASH_SEED:-1}
MAX_DELAY_MS=${CRASH_MAX_DELAY_MS:-1500}
CACHE=${CRASH_CACHE:-writeback}
EMU_ARGS=${EMU_ARGS:-}
KERNEL=$GUEST_CACHE/arm64/vmlinuz
START_TIMEOUT=60        # seconds from launch to "WRITER START"
name=crash-safety

skip() { echo "$name: SKIP: $*" >&2; exit 77; }
fail() { echo "$name: FAIL: $*"; exit 1; }

[ -f "$KERNEL" ] || skip "no arm64 kernel in $GUEST_CACHE (fetch-guests.sh)"
for t in cpio dpkg-deb gcc aarch64-linux-gnu-gcc; do
    command -v $t >/dev/null || skip "needs $t"
done
[ -x "$EMU" ] || fail "$EMU: not an executable"
[ -x "$IMG" ] || fail "$IMG: not an executable"
kver=$(basename "$(readlink -f "$KERNEL")" | sed 's/^vmlinuz-//')
deb=$(ls "$GUEST_CACHE"/debs/linux-image-"$kver"_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || skip "no linux-image-$kver .deb in $GUEST_CACHE/debs"
QIMG=$(command -v qemu-img || true)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/crash-safety.XXXXXX")
emu_pid=
cleanup() {
    [ -n "$emu_pid" ] && kill -KILL "$emu_pid" 2>/dev/null
    if [ "${KEEP_TMP:-0}" = 1 ]; then
        echo "$name: kept $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ------------------------------------------------------------------
# The guest (/init = crash-records) and the host checker

root=$tmp/root
mkdir -p "$root/dev"
aarch64-linux-gnu-gcc -O2 -static -o "$root/init" "$here/crash-records.c" ||
    skip "aarch64-linux-gnu-gcc cannot link statically (libc6-dev-arm64-cross)"
gcc -O2 -o "$tmp/records" "$here/crash-records.c" ||
    fail "cannot build crash-records for the host"
mods="virtio/virtio_mmio block/virtio_blk"
for m in $mods; do
    echo "./lib/modules/$kver/kernel/drivers/$m.ko"
done > "$tmp/modlist"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" -T "$tmp/modlist" ||
    skip "$deb lacks the virtio modules"
for m in $mods; do
    cp "$tmp/lib/modules/$kver/kernel/drivers/$m.ko" "$root/"
done
(cd "$root" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --quiet) |
    gzip -1 > "$tmp/initrd.gz" || fail "cpio failed"

# ------------------------------------------------------------------
# The images (all 512 MiB; the backing file covers the first half).

SIZE=$((${CRASH_SIZE_MIB:-512} * 1024 * 1024))
BACKING_SIZE=$((256 * 1024 * 1024))
"$tmp/records" fill "$tmp/base.raw" $BACKING_SIZE || fail "fill failed"
mk() {
    "$IMG" create -q -f qcow2 "$@" >/dev/null ||
        fail "$IMG create $* failed"
}
# make_image NAME: (re)create one of the three images, empty.
make_image() {
    rm -f "$tmp/$1.qcow2"
    case $1 in
    plain) mk -o cluster_size=4096 "$tmp/plain.qcow2" $SIZE ;;
    backing) mk -o cluster_size=65536 -b "$tmp/base.raw" -F raw \
                "$tmp/backing.qcow2" $SIZE ;;
    lazy) mk -o cluster_size=16384,lazy_refcounts=on "$tmp/lazy.qcow2" \
             $SIZE ;;
    esac
}
for i in plain backing lazy; do
    make_image $i
done
last_plain=-1 last_backing=-1 last_lazy=-1

# image_for RUN: the image of a run, its stride, record count and last
# flushed record; set_last IMAGE N records a new last.
image_for() {
    case $(($1 % 3)) in
    1) img=plain stride=8192 last=$last_plain ;;
    2) img=backing stride=65536 last=$last_backing ;;
    0) img=lazy stride=16384 last=$last_lazy ;;
    esac
    count=$((SIZE / stride))
}
set_last() {
    case $1 in
    plain) last_plain=$2 ;;
    backing) last_backing=$2 ;;
    lazy) last_lazy=$2 ;;
    esac
}

# ------------------------------------------------------------------
# One run: boot, wait for the writer, sleep, SIGKILL.

rng=$SEED
# next_delay: a delay in ms in [0, MAX_DELAY_MS) from a fixed LCG.
next_delay() {
    rng=$(((rng * 1103515245 + 12345) % 2147483648))
    delay_ms=$(((rng / 65536) % MAX_DELAY_MS))
}

# wait_start CONSOLE: until the writer starts; 1 if the emulator died or
# START_TIMEOUT passed.
wait_start() {
    i=0
    while [ $i -lt $((START_TIMEOUT * 20)) ]; do
        grep -q 'WRITER START' "$1" && return 0
        kill -0 "$emu_pid" 2>/dev/null || return 1
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# run IMAGE START STRIDE COUNT: console in $tmp/console.
run() {
    # shellcheck disable=SC2086  # EMU_ARGS is a list of words
    "$EMU" -M virt -cpu cortex-a57 -m 256 -nographic -no-reboot $EMU_ARGS \
        -kernel "$KERNEL" -initrd "$tmp/initrd.gz" \
        -append "console=ttyAMA0 panic=-1 quiet CRASH_START=$2 \
CRASH_STRIDE=$3 CRASH_COUNT=$4" \
        -drive "file=$1,format=qcow2,if=virtio,cache=$CACHE" \
        </dev/null >"$tmp/console" 2>&1 &
    emu_pid=$!
    if ! wait_start "$tmp/console"; then
        kill -KILL "$emu_pid" 2>/dev/null
        wait "$emu_pid" 2>/dev/null
        emu_pid=
        tail -20 "$tmp/console"
        fail "run $iter ($1): the writer did not start"
    fi
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    finished=no
    if ! kill -0 "$emu_pid" 2>/dev/null; then
        # The writer may have filled the image first: not a kill, but
        # still a run to verify; the image is then started afresh.
        grep -q 'WRITER END' "$tmp/console" ||
            { tail -5 "$tmp/console"; fail "run $iter: exited before the kill"; }
        finished=yes
    fi
    kill -KILL "$emu_pid" 2>/dev/null
    wait "$emu_pid" 2>/dev/null
    emu_pid=
    tr -d '\r' < "$tmp/console" > "$tmp/console.txt"
    if grep -q 'WRITER-ERR' "$tmp/console.txt"; then
        grep 'WRITER-ERR' "$tmp/console.txt"
        fail "run $iter: the guest saw an error"
    fi
}

# ------------------------------------------------------------------
# Checks after a kill

leak_runs=0 leaks=0 dirty=0 stale=0 qemu_reads=0 reads=0 fills=0

# check_tool TOOL IMAGE: exit 0 or 3 (leaks) with TOOL's check; the
# number of leaked clusters in $nleaks.
check_tool() {
    "$1" check "$2" >"$tmp/check.out" 2>&1
    rc=$?
    nleaks=$(sed -n 's/^\([0-9]*\) leaked clusters were found.*/\1/p' \
             "$tmp/check.out")
    nleaks=${nleaks:-0}
    case $rc in
    0|3) ;;
    *)  cat "$tmp/check.out"
        fail "run $iter: $(basename "$1") check $(basename "$2"): exit $rc" ;;
    esac
}

# check_clean IMAGE: both tools find at most leaks, and the same leaks.
check_clean() {
    check_tool "$IMG" "$1"
    k=$nleaks
    if [ -n "$QIMG" ]; then
        check_tool "$QIMG" "$1"
        [ "$nleaks" = "$k" ] ||
            fail "run $iter: kestrel-img check finds $k leaked clusters, \
qemu-img check $nleaks"
    fi
    if [ "$k" != 0 ]; then
        leak_runs=$((leak_runs + 1)) leaks=$((leaks + k))
    fi
}

# repair_copy TOOL IMAGE: a copy repairs cleanly and then checks clean.
repair_copy() {
    cp "$2" "$tmp/copy.qcow2"
    for what in "-r all" ""; do
        # shellcheck disable=SC2086  # $what is zero or two words
        "$1" check $what "$tmp/copy.qcow2" >"$tmp/check.out" 2>&1
        rc=$?
        if [ $rc != 0 ]; then
            cat "$tmp/check.out"
            fail "run $iter: $(basename "$1") check $what on a repaired \
copy of the dirty image: exit $rc"
        fi
    done
}

is_dirty() {
    "$IMG" info --output=json "$1" | grep -q '"dirty-flag": true'
}

# check_image IMAGE DIRTY_ALLOWED
check_image() {
    if [ "$2" = yes ] && is_dirty "$1"; then
        dirty=$((dirty + 1))
        # Stale refcounts are what lazy_refcounts allows; count them.
        "$IMG" check "$1" >/dev/null 2>&1
        [ $? = 2 ] && stale=$((stale + 1))
        repair_copy "$IMG" "$1"
        [ -n "$QIMG" ] && repair_copy "$QIMG" "$1"
        return
    fi
    check_clean "$1"
}

# verify TOOL IMAGE STRIDE LAST BACKING
verify() {
    rm -f "$tmp/out.raw"
    "$1" convert -O raw "$2" "$tmp/out.raw" >"$tmp/convert.out" 2>&1 ||
        { cat "$tmp/convert.out"; fail "run $iter: $1 convert failed"; }
    # shellcheck disable=SC2086  # $5 is empty or one file name
    "$tmp/records" verify "$tmp/out.raw" "$3" "$4" $5 >"$tmp/verify.out" ||
        { cat "$tmp/verify.out"; fail "run $iter ($(basename "$2"), read \
by $(basename "$1")): a record flushed before the kill is lost"; }
}

# ------------------------------------------------------------------
# The runs

echo "$name: $RUNS runs, seed $SEED, kill 0..$MAX_DELAY_MS ms after the \
writer starts"
t0=$(date +%s)
iter=1
while [ $iter -le "$RUNS" ]; do
    image_for "$iter"
    file=$tmp/$img.qcow2
    next_delay
    run "$file" $((last + 1)) "$stride" "$count"
    new=$(sed -n 's/^FLUSHED \([0-9]*\)$/\1/p' "$tmp/console.txt" | tail -1)
    [ -n "$new" ] && last=$new
    set_last "$img" "$last"
    backing=
    [ "$img" = backing ] && backing=$tmp/base.raw
    check_image "$file" "$([ "$img" = lazy ] && echo yes || echo no)"
    verify "$IMG" "$file" "$stride" "$last" "$backing"
    if [ -n "$QIMG" ] && { [ $((iter % 5)) = 0 ] ||
                           [ "$iter" -gt $((RUNS - 3)) ]; }; then
        verify "$QIMG" "$file" "$stride" "$last" "$backing"
        qemu_reads=$((qemu_reads + 1))
    fi
    reads=$((reads + last + 1))
    if [ $finished = yes ]; then
        echo "$name: $img filled up before the kill (record $last): \
$(cat "$tmp/verify.out"); starting it afresh"
        fills=$((fills + 1))
        [ $fills -le 20 ] || fail "the writers keep finishing before the kill"
        make_image "$img"
        set_last "$img" -1
        continue        # the same run again, on the fresh image
    fi
    echo "$name: run $iter: $img, kill after $delay_ms ms, flushed up to \
$last: $(cat "$tmp/verify.out")"
    iter=$((iter + 1))
done

total=$((last_plain + last_backing + last_lazy + 3))
echo "$name: summary: $RUNS runs in $(($(date +%s) - t0)) s, $total \
records flushed and verified (plain $((last_plain + 1)), backing \
$((last_backing + 1)), lazy $((last_lazy + 1))), $reads record reads \
in all ($qemu_reads runs also read through qemu-img); leaked clusters \
after $leak_runs kills ($leaks in all); the lazy image dirty after \
$dirty kills, with stale refcounts $stale times"
[ -n "$QIMG" ] || echo "$name: note: qemu-img not installed, checked with \
kestrel-img only"
echo "$name: PASS"

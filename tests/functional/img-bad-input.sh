#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kestrel-img on bad input: bad arguments, missing, truncated and
# garbage files, a backing chain that loops, unknown formats.  Each must
# fail with qemu-img's exit status and an error in qemu-img's words
# (compared exactly where the message is the tool's own: usage errors,
# option errors; where the block layer words the reason, one line
# "kestrel-img: Could not open 'F': ..." is required), and leave every
# file byte for byte as it was.
# Usage: img-bad-input.sh PATH/TO/kestrel-img
# Exit 77 (skip) without qemu-img.
set -u
K=$(realpath "$1")
if ! command -v qemu-img >/dev/null || ! command -v qemu-io >/dev/null; then
    echo "SKIP: qemu-img/qemu-io not installed (apt-get install qemu-utils)"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# Images live in $T/w; the outputs compared go to $T.
mkdir "$T/w" && cd "$T/w" || exit 1
export LC_ALL=C

fails=0
checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { checks=$((checks + 1)); }

sums() { md5sum ./* 2>/dev/null; ls -R; }

# Same stdout, stderr and exit status as qemu-img, files unchanged.
exact() {
    sums > ../before
    "$K" "$@" >../k.out 2>../k.err; local krc=$?
    sums > ../after
    if ! cmp -s ../before ../after; then
        fail "kestrel-img $* changed files"; diff ../before ../after
        restore
        return
    fi
    qemu-img "$@" >../q.out 2>../q.err; local qrc=$?
    sed -i 's/qemu-img/kestrel-img/g' ../q.out ../q.err
    if [ $qrc != $krc ]; then
        fail "$* : exit $krc, qemu-img $qrc"; cat ../k.err
    elif ! cmp -s ../q.out ../k.out || ! cmp -s ../q.err ../k.err; then
        fail "$* : output differs"
        diff ../q.out ../k.out | head; diff ../q.err ../k.err | head
    else
        pass
    fi
    restore
}

# qemu-img's exit status, one line on stderr starting with $1, files
# unchanged.  $2: "noref" to skip qemu-img (it hangs on looping chains).
oneline() {
    local prefix=$1 ref=$2; shift 2
    sums > ../before
    "$K" "$@" >../k.out 2>../k.err; local krc=$?
    sums > ../after
    local qrc=1
    [ "$1" = compare ] && qrc=2
    if [ "$ref" = ref ]; then
        timeout 20 qemu-img "$@" >/dev/null 2>&1; qrc=$?
        restore
    fi
    if ! cmp -s ../before ../after; then
        fail "kestrel-img $* changed files"; diff ../before ../after
    elif [ $krc != $qrc ]; then
        fail "$* : exit $krc, expected $qrc"; cat ../k.err
    elif [ "$(wc -l < ../k.err)" != 1 ] || ! grep -q "^kestrel-img: $prefix" ../k.err
    then
        fail "$* : not one line starting '$prefix'"; cat ../k.err
    else
        pass
    fi
}

# Put the test files back (qemu-img may have changed them).
restore() { rm -f ./*.qcow2 ./*.img ./*.raw; cp ../ref/* .; }

# The files every case runs on.
mkdir ../ref
qemu-img create -q -f qcow2 ../ref/keep.qcow2 4M
qemu-io -c 'write -P 1 0 256k' ../ref/keep.qcow2 >/dev/null
head -c 1M /dev/urandom > ../ref/keep.raw
head -c 100 ../ref/keep.qcow2 > ../ref/trunc.qcow2               # header cut
{ printf 'QFI\373'; head -c 4092 /dev/urandom; } > ../ref/badhdr.qcow2
head -c 200k /dev/urandom > ../ref/garbage.img
qemu-img create -q -f qcow2 -u -b l2.qcow2 -F qcow2 ../ref/l1.qcow2 1M
qemu-img create -q -f qcow2 -u -b l1.qcow2 -F qcow2 ../ref/l2.qcow2 1M
qemu-img create -q -f qcow2 -u -b self.qcow2 -F qcow2 ../ref/self.qcow2 1M
qemu-img create -q -f qcow2 -u -b gone.qcow2 -F qcow2 ../ref/orphan.qcow2 1M
restore

echo "== usage errors"
exact
exact frobnicate keep.qcow2
exact -z info keep.qcow2
exact info
exact info keep.qcow2 extra
exact info -z keep.qcow2
exact info --bogus keep.qcow2
exact info --output=xml keep.qcow2
exact info --output
exact check -r foo keep.qcow2
exact check
exact map
exact map --start-offset=abc keep.qcow2
exact snapshot -l -c x keep.qcow2
exact snapshot keep.qcow2 keep.raw
exact commit
exact rebase
exact rebase keep.qcow2
exact resize keep.qcow2
exact resize keep.qcow2 xyz
exact resize keep.qcow2 -1M
exact resize keep.qcow2 1M
exact resize -f raw keep.raw 1000
exact resize -f raw keep.raw -- -5G
exact compare keep.qcow2
exact convert keep.qcow2
exact convert -O foo keep.raw out.qcow2
exact convert -c -O raw keep.raw out.raw
exact convert -S 3 keep.raw out.raw
exact convert -S 1Q keep.raw out.raw
exact convert -O qcow2 -B keep.qcow2 keep.raw out.qcow2
exact convert -O raw -B keep.qcow2 -F qcow2 keep.raw out.raw
exact convert -O qcow2 -o bogus=1 keep.raw out.qcow2
exact convert -O qcow2 -o compat=0.9 keep.raw out.qcow2
exact convert --target-is-zero -O raw keep.raw out.raw
exact convert -n -O raw keep.raw keep.qcow2
exact convert -n -O raw -o size=1M keep.raw out.raw

echo "== create must not clobber"
exact create -f
exact create -f qcow2
exact create -f qcow2 keep.qcow2 1Q
exact create -f qcow2 keep.qcow2 abc
exact create -f qcow2 keep.qcow2 -5
exact create -f qcow2 keep.qcow2 8E
exact create -f qcow2 keep.qcow2 1M extra
exact create -f vmdkx keep.qcow2 1M
exact create -f qcow2 -o foo=bar keep.qcow2 1M
exact create -f qcow2 -o ,compat=1.1 keep.qcow2 1M
exact create -f qcow2 -o compat=1.1, keep.qcow2 1M
exact create -f qcow2 -o cluster_size=abc keep.qcow2 1M
exact create -f qcow2 -o refcount_bits=abc keep.qcow2 1M
exact create -f qcow2 -o lazy_refcounts=maybe keep.qcow2 1M
exact create -f qcow2 -o cluster_size=1000 keep.qcow2 1M
exact create -f qcow2 -o cluster_size=256 keep.qcow2 1M
exact create -f qcow2 -o cluster_size=4M keep.qcow2 1M
exact create -f qcow2 -o refcount_bits=3 keep.qcow2 1M
exact create -f qcow2 -o refcount_bits=128 keep.qcow2 1M
exact create -f qcow2 -o compat=0.9 keep.qcow2 1M
exact create -f qcow2 -o compat=0.10,lazy_refcounts=on keep.qcow2 1M
exact create -f qcow2 -o compat=0.10,refcount_bits=8 keep.qcow2 1M
exact create -f qcow2 -o size=2M keep.qcow2 1M
exact create -f qcow2 keep.qcow2
exact create -f qcow2 -F qcow2 keep.qcow2 1M
exact create -f qcow2 keep.qcow2 1E
exact create -f raw -o cluster_size=4k keep.raw 1M
exact create -f raw -b keep.qcow2 -F qcow2 keep.raw 1M
# qemu-img ends this one without a newline; compare the first line.
"$K" create -f qcow2 -b keep.qcow2 keep.raw 2>../k.err >/dev/null; rc=$?
[ $rc = 1 ] && head -1 ../k.err | grep -qx \
    "kestrel-img: keep.raw: Backing file specified without backing format" &&
    grep -qx "Detected format of qcow2." ../k.err &&
    cmp -s keep.raw ../ref/keep.raw && pass ||
    fail "create -b without -F: $(cat ../k.err)"
exact create -f qcow2 -u -b nothere keep.raw 1M
exact create -f qcow2 -u -b nothere -F qcow2 keep.raw
exact create -f qcow2 -b keep.qcow2 -F qcow2 keep.qcow2
# qemu-img adds a second line here: "Could not open backing image."
"$K" create -f qcow2 -b nothere -F qcow2 keep.raw 1M 2>../k.err; rc=$?
[ $rc = 1 ] && head -1 ../k.err | grep -q \
    "^kestrel-img: keep.raw: Could not open 'nothere': " &&
    cmp -s keep.raw ../ref/keep.raw && pass ||
    fail "create with a missing backing file: $(cat ../k.err)"

echo "== missing, truncated and garbage files"
for cmd in "info" "info --backing-chain" "check" "map" "snapshot -l" \
           "snapshot -c s" "commit" "rebase -u -b x -F qcow2" "resize" \
           "convert -O raw"; do
    extra=""
    case $cmd in
        resize) extra=2M ;;
        convert*) extra=out.raw ;;
    esac
    for f in missing.qcow2 trunc.qcow2 badhdr.qcow2; do
        # shellcheck disable=SC2086
        oneline "Could not open '$f'" ref $cmd $f $extra
    done
    case $cmd in
        snapshot*) continue ;;  # no -f, as in qemu-img
    esac
    # shellcheck disable=SC2086
    oneline "Could not open 'garbage.img'" ref $cmd -f qcow2 garbage.img \
        $extra
done
oneline "Could not open 'missing.qcow2'" ref compare keep.qcow2 missing.qcow2
oneline "Could not open 'trunc.qcow2'" ref compare trunc.qcow2 keep.qcow2
oneline "Could not open 'keep.qcow2'" ref info -f vmdk keep.qcow2
oneline "Could not open 'keep.qcow2'" ref convert -f vmdk keep.qcow2 out.raw
oneline "Could not open 'nowhere/out.raw'" ref \
    convert -n -O raw keep.raw nowhere/out.raw
exact info garbage.img
exact check garbage.img
exact check -f raw keep.raw
exact check --output=json -f raw keep.raw

echo "== backing chains that loop or are missing"
exact info --backing-chain l1.qcow2
exact info --backing-chain self.qcow2
exact info l1.qcow2
for cmd in "check" "map" "snapshot -l" "snapshot -c s" "commit" \
           "rebase -b keep.qcow2 -F qcow2" "resize" "convert -O raw" \
           "compare keep.qcow2"; do
    extra=""
    case $cmd in
        resize) extra=2M ;;
        convert*) extra=out.raw ;;
    esac
    for f in l1.qcow2 self.qcow2; do
        # shellcheck disable=SC2086
        oneline "Could not open '" noref $cmd $f $extra
    done
    # shellcheck disable=SC2086
    oneline "Could not open 'orphan.qcow2'" ref $cmd orphan.qcow2 $extra
done
oneline "Could not open 'gone.qcow2'" ref info --backing-chain orphan.qcow2

echo "$checks checks passed, $fails failed"
[ $fails = 0 ]

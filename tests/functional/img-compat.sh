#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kestrel-img against Debian's qemu-img (qemu-utils), both ways:
#  - images kestrel-img writes pass `qemu-img check` and read back
#    identically through `qemu-img convert -O raw`;
#  - images qemu-img writes (backing files, compression, snapshots, zero
#    clusters, v2 and v3, several cluster sizes) read identically through
#    `kestrel-img convert -O raw`, and info, check, map, snapshot -l and
#    compare print exactly what qemu-img prints;
#  - create, resize, commit and rebase run side by side in two copies
#    of the same images print the same and give images qemu-img compare
#    finds identical.
# Usage: img-compat.sh PATH/TO/kestrel-img
# Exit 77 (skip) without qemu-img.
set -u
K=$(realpath "$1")
if ! command -v qemu-img >/dev/null || ! command -v qemu-io >/dev/null; then
    echo "SKIP: qemu-img/qemu-io not installed (apt-get install qemu-utils)"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export TZ=UTC LC_ALL=C

fails=0
checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { checks=$((checks + 1)); }

# Run qemu-img and kestrel-img with the same arguments (read-only
# commands) and require the same stdout, stderr and exit status.
same() {
    qemu-img "$@" >q.out 2>q.err; local qrc=$?
    "$K" "$@" >k.out 2>k.err; local krc=$?
    sed -i 's/qemu-img/kestrel-img/g' q.out q.err
    if [ $qrc != $krc ]; then
        fail "$* : exit $krc, qemu-img $qrc"
    elif ! cmp -s q.out k.out; then
        fail "$* : stdout differs"; diff q.out k.out | head -20
    elif ! cmp -s q.err k.err; then
        fail "$* : stderr differs"; diff q.err k.err | head -20
    else
        pass
    fi
}

# Run a command that changes images in q/ with qemu-img and in k/ with
# kestrel-img (the two dirs hold the same files); same output and status.
side() {
    (cd q && qemu-img "$@") >q.out 2>q.err; local qrc=$?
    (cd k && "$K" "$@") >k.out 2>k.err; local krc=$?
    sed -i 's/qemu-img/kestrel-img/g' q.out q.err
    if [ $qrc != $krc ]; then
        fail "side $* : exit $krc, qemu-img $qrc"; cat k.err
    elif ! cmp -s q.out k.out; then
        fail "side $* : stdout differs"; diff q.out k.out | head -20
    elif ! cmp -s q.err k.err; then
        fail "side $* : stderr differs"; diff q.err k.err | head -20
    else
        pass
    fi
}

# info of f in q/ and k/ (after a side-by-side command), equal but for
# the disk size: the two tools need not allocate the same host space.
side_info() {
    (cd q && qemu-img info "$@") | grep -v '^disk size' > q.out
    (cd k && "$K" info "$@") | grep -v '^disk size' > k.out
    cmp -s q.out k.out && pass || { fail "info $* after side by side"
                                    diff q.out k.out; }
}
# Same info --output=json, as qemu-img reads both images.
side_json() {
    (cd q && qemu-img info --output=json "$1") | grep -v actual-size > q.json
    (cd k && qemu-img info --output=json "$1") | grep -v actual-size > k.json
    cmp -s q.json k.json && pass || { fail "info of created $1"
                                      diff q.json k.json; }
}

# Differences that come from the block layer rather than the tool,
# reported without failing (see docs/user/kestrel-img.md).
known() {
    qemu-img "$@" >q.out 2>&1; "$K" "$@" >k.out 2>&1
    sed -i 's/qemu-img/kestrel-img/g' q.out
    if cmp -s q.out k.out; then echo "NOTE: now the same: $*"
    else echo "KNOWN DIFFERENCE: $*"; diff q.out k.out | head -6; fi
}

# The same content (qemu-img compare), and both pass qemu-img check.
same_content() {
    if qemu-img compare -q "$1" "$2"; then pass
    else fail "content of $1 and $2 differs"; fi
}
qcheck() {
    qemu-img check -q "$1" 2>/dev/null; local rc=$?
    if [ $rc = 0 ] || [ $rc = 63 ]; then pass
    else fail "qemu-img check $1: exit $rc"; qemu-img check "$1"; fi
}
# Image reads back as raw file $2 through qemu-img.
reads_as() {
    rm -f rb.raw
    qemu-img convert -O raw "$1" rb.raw
    if cmp -s rb.raw "$2"; then pass
    else fail "$1 does not read back as $2 through qemu-img"; fi
}

# Data: random, compressible text, zeroes, in 64k pieces.
head -c 1M /dev/urandom > rnd.raw
{ head -c 512k /dev/urandom; head -c 512k /dev/zero; yes kestrel | head -c 1M
  head -c 64k /dev/urandom; head -c 1984k /dev/zero; } > mix.raw
head -c 4M /dev/urandom > rnd4.raw

echo "== create, as qemu-img prints it"
mkdir q k
for a in "-f raw a.img 1G" "-f raw a.img 1000" "-f raw a.img 1.5M" \
         "a.img 64k" "-f qcow2 a.qcow2 4M" \
         "-f qcow2 -o compat=0.10 a.qcow2 4M" \
         "-f qcow2 -o compat=v2,cluster_size=4k a.qcow2 4M" \
         "-f qcow2 -o cluster_size=512,refcount_bits=8 a.qcow2 1M" \
         "-f qcow2 -o lazy_refcounts=on,cluster_size=2M a.qcow2 8M" \
         "-f qcow2 -o refcount_bits=64 a.qcow2 4M" \
         "-q -f qcow2 a.qcow2 4M" "-f qcow2 a.qcow2 1T" "-f qcow2 a.qcow2 0"; do
    rm -f q/a.* k/a.*
    # shellcheck disable=SC2086
    side create $a
    f=$(ls k/ | grep '^a\.')
    qcheck "k/$f"
    [ "${f##*.}" = qcow2 ] && side_json "$f"
done

echo "== create with backing files"
rm -f q/* k/*
qemu-img create -q -f qcow2 q/base.qcow2 2M
cp q/base.qcow2 k/base.qcow2
side create -f qcow2 -b base.qcow2 -F qcow2 ov.qcow2
side create -f qcow2 -o backing_file=base.qcow2,backing_fmt=qcow2 ov2.qcow2 3M
side create -f qcow2 -u -b missing.qcow2 -F qcow2 ov3.qcow2 1M
for f in ov ov2 ov3; do side_json $f.qcow2; done
# A raw file whose length is not a multiple of 512: qemu rounds its size.
(cd k && known create -f qcow2 -b base.qcow2 -F raw ov4.qcow2)

echo "== kestrel-img writes, qemu-img reads"
for o in "" "-c" "-o compat=0.10" "-o compat=0.10 -c" \
         "-o cluster_size=4k" "-o cluster_size=512,compat=0.10" \
         "-o cluster_size=2M -c" "-o refcount_bits=1" "-S 0" "-S 64k"; do
    for src in rnd.raw mix.raw; do
        rm -f out.qcow2
        # shellcheck disable=SC2086
        "$K" convert -f raw -O qcow2 $o "$src" out.qcow2 ||
            fail "convert $o $src"
        qcheck out.qcow2
        reads_as out.qcow2 "$src"
    done
done
rm -f out.raw
"$K" convert -O raw mix.raw out.raw && reads_as out.raw mix.raw
# Sparse stays sparse: 2 MiB of the 4 MiB are zeroes.
[ "$(du -k out.raw | cut -f1)" -lt 2200 ] && pass ||
    fail "raw output not sparse: $(du -k out.raw)"
# Several sources are concatenated.
"$K" convert -O qcow2 rnd.raw mix.raw cat.qcow2 && qcheck cat.qcow2
cat rnd.raw mix.raw > cat.raw && reads_as cat.qcow2 cat.raw
# Compressed output is smaller than the text it holds.
"$K" convert -c -O qcow2 mix.raw c.qcow2
qemu-img check --output=json c.qcow2 | grep -q '"compressed-clusters"' &&
    pass || fail "convert -c wrote no compressed cluster"
# -p: qemu-img's progress line.
"$K" convert -p -O qcow2 rnd.raw p.qcow2 > p.out
head -c 16 p.out | grep -q '^    (0.00/100%)' && tail -c 17 p.out |
    grep -q '(100.00/100%)' && pass || fail "progress: $(od -c p.out | head -3)"

echo "== backing files and snapshots written by kestrel-img"
rm -f b.qcow2 t.qcow2 nt.qcow2
"$K" create -q -f qcow2 b.qcow2 4M
"$K" convert -n -f raw -O qcow2 rnd4.raw b.qcow2
"$K" create -q -f qcow2 -b b.qcow2 -F qcow2 t.qcow2
qemu-io -c 'write -P 0x5a 100k 300k' -c 'write -z 2M 128k' t.qcow2 >/dev/null
qemu-img convert -O raw t.qcow2 t.raw
"$K" convert -O qcow2 -B b.qcow2 -F qcow2 t.qcow2 nt.qcow2
qcheck nt.qcow2; reads_as nt.qcow2 t.raw
qemu-img info nt.qcow2 | grep -q '^backing file: b.qcow2$' && pass ||
    fail "convert -B: backing file not recorded"
"$K" snapshot -c first b.qcow2
"$K" convert -n -f raw -O qcow2 rnd.raw b.qcow2
"$K" snapshot -c second b.qcow2
qcheck b.qcow2
{ cat rnd.raw; tail -c +1048577 rnd4.raw; } > b2.raw
reads_as b.qcow2 b2.raw
"$K" snapshot -a first b.qcow2 && qcheck b.qcow2 && reads_as b.qcow2 rnd4.raw
"$K" snapshot -d second b.qcow2 && qcheck b.qcow2
qemu-img snapshot -l b.qcow2 | grep -q ' first ' && pass || fail "snapshot list"
qemu-img snapshot -l b.qcow2 | grep -q ' second ' && fail "snapshot -d" || pass

echo "== qemu-img writes, kestrel-img reads"
qemu-img create -q -f qcow2 v3.qcow2 8M
qemu-io -c 'write -P 1 0 64k' -c 'write -P 2 1M 300k' -c 'write -z 3M 64k' \
    -c 'write -P 3 5M 4k' v3.qcow2 >/dev/null
qemu-img create -q -f qcow2 -o compat=0.10,cluster_size=4k v2.qcow2 3M
qemu-io -c 'write -P 7 10k 100k' -c 'write -z 2M 8k' v2.qcow2 >/dev/null
qemu-img create -q -f qcow2 -o cluster_size=512,refcount_bits=4 small.qcow2 1M
qemu-io -c 'write -P 9 1000 5000' small.qcow2 >/dev/null
qemu-img convert -c -O qcow2 mix.raw qc.qcow2
qemu-img convert -c -O qcow2 -o compat=0.10,cluster_size=16k mix.raw qc2.qcow2
qemu-img create -q -f qcow2 -b v3.qcow2 -F qcow2 ov.qcow2
qemu-io -c 'write -P 4 32k 64k' -c 'write -z 1M 64k' ov.qcow2 >/dev/null
qemu-img create -q -f qcow2 -b ov.qcow2 -F qcow2 ov2.qcow2 10M
qemu-io -c 'write -P 5 9M 64k' ov2.qcow2 >/dev/null
qemu-img create -q -f qcow2 -b mix.raw -F raw ovr.qcow2
qemu-io -c 'write -P 6 0 4k' ovr.qcow2 >/dev/null
mkdir -p sub && qemu-img create -q -f qcow2 -b ../v3.qcow2 -F qcow2 sub/o.qcow2
cp v3.qcow2 snap.qcow2
qemu-img snapshot -c one snap.qcow2
qemu-io -c 'write -P 8 0 128k' snap.qcow2 >/dev/null
qemu-img snapshot -c a_rather_long_snapshot_name_here snap.qcow2
qemu-img snapshot -c one snap.qcow2
cp mix.raw plain.raw
for f in v3.qcow2 v2.qcow2 small.qcow2 qc.qcow2 qc2.qcow2 ov.qcow2 \
         ov2.qcow2 ovr.qcow2 sub/o.qcow2 snap.qcow2 plain.raw; do
    rm -f q.raw k.raw
    qemu-img convert -O raw "$f" q.raw
    "$K" convert -O raw "$f" k.raw
    cmp -s q.raw k.raw && pass || fail "kestrel-img convert -O raw $f"
    same info "$f"
    same info --output=json "$f"
    same info --backing-chain "$f"
    same info --backing-chain --output=json "$f"
    same check "$f"
    same check --output=json "$f"
    case $f in
        qc*) same map --output=json "$f" ;; # human: an error in qemu-img
        snap*)
            # Partly written clusters: qemu also reports the holes the
            # host file has inside a data cluster (block layer).
            known map --output=json "$f" ;;
        *) same map --output=json "$f"; same map "$f" ;;
    esac
    same snapshot -l "$f"
    same compare "$f" q.raw
done
qemu-img create -q -f qcow2 al.qcow2 8M
qemu-io -c 'write -P 1 0 64k' -c 'write -P 2 1M 320k' -c 'write -z 3M 64k' \
    -c 'write -P 3 5M 64k' al.qcow2 >/dev/null
qemu-img create -q -f qcow2 -b al.qcow2 -F qcow2 alo.qcow2
qemu-io -c 'write -P 4 64k 64k' -c 'write -z 1M 64k' alo.qcow2 >/dev/null
for f in al.qcow2 alo.qcow2; do
    same map "$f"; same map --output=json "$f"
done
same map --start-offset=1M --max-length=2M --output=json al.qcow2
same map --start-offset=1088k --output=json alo.qcow2
same info -f raw v3.qcow2
same compare v3.qcow2 ov.qcow2
same compare -s v2.qcow2 rnd.raw
same compare -f raw -F raw mix.raw plain.raw

echo "== resize"
rm -rf q k && mkdir q k
for d in q k; do
    qemu-img create -q -f qcow2 $d/r.qcow2 4M
    qemu-io -c 'write -P 1 3M 1M' $d/r.qcow2 >/dev/null
    cp rnd.raw $d/r.raw
done
for a in "r.qcow2 8M" "r.qcow2 +1M" "r.qcow2 -1M" "--shrink r.qcow2 -1M" \
         "r.qcow2 2M" "--shrink r.qcow2 3.5M" "-f raw r.raw 2M" \
         "-f raw --shrink r.raw 100k" "-f raw r.raw 0" "-q -f raw r.raw +1M"; do
    # shellcheck disable=SC2086
    side resize $a
done
same_content q/r.qcow2 k/r.qcow2; qcheck k/r.qcow2
same_content q/r.raw k/r.raw
cmp -s q/r.raw k/r.raw && pass || fail "resize raw"

echo "== commit"
mkchain() {
    rm -rf q k && mkdir q k
    qemu-img create -q -f qcow2 q/b.qcow2 2M
    qemu-io -c 'write -P 1 0 1M' q/b.qcow2 >/dev/null
    qemu-img create -q -f qcow2 -b b.qcow2 -F qcow2 q/m.qcow2 3M
    qemu-io -c 'write -P 2 512k 1M' -c 'write -z 100k 8k' q/m.qcow2 >/dev/null
    qemu-img create -q -f qcow2 -b m.qcow2 -F qcow2 q/t.qcow2 3M
    qemu-io -c 'write -P 3 2M 300k' -c 'write -z 0 64k' q/t.qcow2 >/dev/null
    cp q/*.qcow2 k/
}
mkchain
side commit t.qcow2
for f in b m t; do same_content q/$f.qcow2 k/$f.qcow2; qcheck k/$f.qcow2; done
known map --output=json k/t.qcow2
mkchain
side commit -d m.qcow2
for f in b m t; do same_content q/$f.qcow2 k/$f.qcow2; qcheck k/$f.qcow2; done
mkchain
side commit -b b.qcow2 t.qcow2
for f in b t; do same_content q/$f.qcow2 k/$f.qcow2; qcheck k/$f.qcow2; done
side commit b.qcow2

echo "== rebase"
mkchain
qemu-img create -q -f qcow2 q/n.qcow2 3M
qemu-io -c 'write -P 1 0 256k' -c 'write -P 9 2M 1M' q/n.qcow2 >/dev/null
cp q/n.qcow2 k/
side rebase -b n.qcow2 -F qcow2 t.qcow2
same_content q/t.qcow2 k/t.qcow2; qcheck k/t.qcow2
side_info t.qcow2
side rebase -b "" m.qcow2
same_content q/m.qcow2 k/m.qcow2; qcheck k/m.qcow2
side_info m.qcow2
side rebase -u -b elsewhere.qcow2 -F qcow2 t.qcow2
side_info t.qcow2
side rebase -u -b "" t.qcow2
side_info t.qcow2

echo "== snapshot commands"
rm -rf q k && mkdir q k
qemu-img create -q -f qcow2 q/s.qcow2 1M && cp q/s.qcow2 k/
for a in "-c a" "-c a" "-a nope" "-a 1" "-d nope" "-d a" "-c x -l" ""; do
    # shellcheck disable=SC2086
    side snapshot $a s.qcow2
done
# Dates differ by when each ran; the ICOUNT column is the block layer's.
qemu-img snapshot -l q/s.qcow2 | sed 's/ 20[0-9][0-9]-.*//' > q.out
"$K" snapshot -l k/s.qcow2 | sed 's/ 20[0-9][0-9]-.*//' > k.out
cmp -s q.out k.out && pass || { fail "snapshot list after commands"; diff q.out k.out; }

echo "== help and version"
"$K" --version | grep -q '^kestrel-img version ' && pass || fail "--version"
"$K" --help | grep -q '^usage: kestrel-img' && pass || fail "--help"
"$K" -h >/dev/null && pass || fail "-h"

echo "$checks checks passed, $fails failed"
[ $fails = 0 ]

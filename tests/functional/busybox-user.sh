#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# busybox-user.sh - run Debian's arm64 static busybox under kestrel-aarch64
# and compare, byte for byte, with the amd64 busybox run natively on the
# same inputs: stdout and exit status of each case.
#
# Usage:  busybox-user.sh [KESTREL_AARCH64]   (default: build/kestrel-aarch64)
# Environment:
#   GUEST_CACHE   where fetch-guests.sh put the guests
#                 (default $HOME/.cache/emu-guests)
#   KESTREL_ARGS  extra options for kestrel-aarch64 (e.g. -accel
#                 tcg,backend=interp)
#   CASES         space-separated case names to run (default: all)
# Exit status: 0 all cases match, 1 a mismatch, 77 (skip) when the guests
# cannot be fetched.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
K=${1:-$here/../../build/kestrel-aarch64}
GUEST_CACHE=${GUEST_CACHE:-$HOME/.cache/emu-guests}
BB_ARM=$GUEST_CACHE/arm64/busybox
BB_AMD=$GUEST_CACHE/amd64/busybox
KESTREL_ARGS=${KESTREL_ARGS:-}

if [ ! -x "$BB_ARM" ] || [ ! -x "$BB_AMD" ]; then
    W=$here/../../../shared/workloads
    if [ -x "$W/fetch-guests.sh" ]; then
        GUEST_CACHE=$GUEST_CACHE "$W/fetch-guests.sh" >&2 || true
    fi
    if [ ! -x "$BB_ARM" ] || [ ! -x "$BB_AMD" ]; then
        echo "busybox-user: SKIP: no busybox guests in $GUEST_CACHE" >&2
        exit 77
    fi
fi
# Cases run in their own directories: make the path absolute.
case $K in
/*) ;;
*) K=$PWD/$K ;;
esac
if [ ! -x "$K" ]; then
    echo "busybox-user: $K: not an executable" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/busybox-user.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# Inputs, made by the native busybox so both sides read the same bytes.
mkdir -p "$tmp/in/tree/a/b" "$tmp/in/tree/c"
"$BB_AMD" awk 'BEGIN { srand(7); for (i = 0; i < 4000; i++)
    printf "%d %05d word%d %s\n", i, int(rand() * 100000), i % 37,
           (i % 3 ? "alpha" : "beta gamma") }' > "$tmp/in/data.txt"
"$BB_AMD" seq 1 500 > "$tmp/in/tree/a/seq.txt"
echo hello > "$tmp/in/tree/a/b/hello.txt"
printf 'x\ny\nz\n' > "$tmp/in/tree/c/xyz"
: > "$tmp/in/tree/c/empty"
touch -d '2020-01-02 03:04:05' "$tmp/in/tree" "$tmp/in/tree"/* \
    "$tmp/in/tree"/*/* "$tmp/in/tree"/a/b/* 2>/dev/null

# name|script (run by busybox sh -c, with $BB the busybox of that side)
cases='
shell|i=0; while [ $i -lt 30 ]; do echo "line $i $((i * i % 7))"; i=$((i + 1)); done | $BB sort -k3n -k2n | $BB head -12; f() { echo "f:$1:$#"; }; f a b c; case xyz in x*) echo matched;; esac; echo $( echo nested $(echo deeper) ); (exit 3); echo "status $?"
pipes|$BB cat data.txt | $BB grep beta | $BB cut -d" " -f2 | $BB sort -n | $BB uniq | $BB wc -l; $BB tr a-z A-Z < data.txt | $BB tail -3
sha256|$BB sha256sum data.txt tree/a/seq.txt; $BB sha1sum data.txt
md5|$BB md5sum data.txt tree/a/seq.txt; $BB cat data.txt data.txt | $BB md5sum
gzip|$BB gzip -9 -c < data.txt > d.gz && $BB md5sum < d.gz && $BB gunzip -c d.gz | $BB cmp - data.txt && echo roundtrip ok; $BB gzip -1 -c < data.txt | $BB wc -c
bzip2|$BB bzip2 -9 -c < data.txt > d.bz2 && $BB md5sum < d.bz2 && $BB bunzip2 -c d.bz2 | $BB cmp - data.txt && echo roundtrip ok
sort|$BB sort -k2,2n -k1,1nr data.txt | $BB head -20; $BB sort -u -k3,3 data.txt | $BB wc -l; $BB sort -r data.txt | $BB md5sum
awk|$BB awk "{ s += \$2; c[\$3]++ } END { printf \"%d %d %.3f\\n\", s, NR, s / NR; n = 0; for (k in c) n++; print n; print substr(\"kestrel\", 2, 3), length(\"abc\"), index(\"hello\", \"ll\"), toupper(\"x\") }" data.txt; $BB awk "BEGIN { printf \"%.6f %e %g\\n\", atan2(1, 1) * 4, exp(10), sqrt(2) }"
sed|$BB sed -e "s/[0-9][0-9]*/N/g" -e "/alpha/d" data.txt | $BB md5sum; $BB sed -n "10,20p;25q" data.txt; echo abcabc | $BB sed "s/b/X/2"
find|cd tree && $BB find . | $BB sort; $BB find . -type f -name "*.txt" | $BB sort; $BB find . -type d | $BB wc -l; $BB find . -size +1k
tar|$BB tar -cf t.tar -C tree . && $BB tar -tf t.tar | $BB sort && $BB mkdir -p x && $BB tar -xf t.tar -C x && $BB diff -r tree x && echo tar ok; $BB tar -czf - -C tree a | $BB tar -tzvf - | $BB sort
misc|$BB expr 6 \* 7; $BB printf "%5.2f|%-4s|%x\n" 3.14159 ab 255; $BB basename /a/b/c.txt .txt; $BB seq 5 -1 1 | $BB paste -s -d+; $BB cksum data.txt; $BB true; echo "true $?"; $BB false; echo "false $?"
'

run_case() {    # side busybox name script -> $tmp/<side>.<name>
    side=$1 bb=$2 name=$3 script=$4 runner=
    rm -rf "$tmp/w.$side"
    cp -a "$tmp/in" "$tmp/w.$side"
    if [ "$side" = arm ]; then
        runner="$K $KESTREL_ARGS"
    fi
    (cd "$tmp/w.$side" && BB="$bb" $runner "$bb" sh -c "BB=\"$bb\"; $script" \
        > "$tmp/$side.$name" 2>"$tmp/$side.$name.err"; echo "exit $?" \
        >> "$tmp/$side.$name")
}

fail=0
total=0
old_ifs=$IFS
IFS='
'
for line in $cases; do
    IFS=$old_ifs
    [ -n "$line" ] || continue
    name=${line%%|*}
    script=${line#*|}
    if [ -n "${CASES:-}" ]; then
        case " $CASES " in *" $name "*) ;; *) continue ;; esac
    fi
    total=$((total + 1))
    run_case amd "$BB_AMD" "$name" "$script"
    # The guest busybox runs applets by re-executing itself: with $K it
    # is an AArch64 binary, so execve goes back through kestrel-aarch64.
    run_case arm "$BB_ARM" "$name" "$script"
    if cmp -s "$tmp/amd.$name" "$tmp/arm.$name"; then
        echo "ok   $name"
    else
        echo "FAIL $name"
        diff "$tmp/amd.$name" "$tmp/arm.$name" | head -20 | sed 's/^/     /'
        sed 's/^/     stderr: /' "$tmp/arm.$name.err" | head -5
        fail=$((fail + 1))
    fi
done
IFS=$old_ifs
echo "busybox-user: $((total - fail))/$total cases match native"
[ "$fail" -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# logs.sh KESTREL_AARCH64 PROG - the -d logs a student reads, on a small
# guest program (tests/tcg/aarch64/branch.S, built at test time):
#   - -d in_asm,op,out_asm with -dfilter on the entry TB shows the three
#     views of that TB, and of no other;
#   - -d exec,nochain with -dfilter traces only the filtered pc;
#   - -d tb_stats lists the hottest TBs with each guest instruction, its
#     IR and its host code;
#   - a bad -dfilter is a one-line error with exit status 1.
set -u
K=$1
PROG=$2
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kestrel-logs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

bad() {
    echo "FAIL: $*"
    fail=1
}

entry=$(readelf -h "$PROG" | awk '/Entry point/ { print $4 }')
[ -n "$entry" ] || { echo "FAIL: no entry point in $PROG"; exit 1; }
pc=$(printf '0x%016x' "$entry")

# 1. The three views of the entry TB, and only of it.
"$K" -d in_asm,op,out_asm -dfilter "$entry+4" -D "$tmp/views" "$PROG" \
    >/dev/null 2>&1 || bad "program failed under -d in_asm,op,out_asm"
[ "$(grep -c '^IN:' "$tmp/views")" = 1 ] || bad "expected one IN: section"
[ "$(grep -c '^OP:' "$tmp/views")" = 1 ] || bad "expected one OP: section"
[ "$(grep -c '^OUT:' "$tmp/views")" = 1 ] || bad "expected one OUT: section"
grep -q "^OP: pc=$entry\$" "$tmp/views" || bad "OP: is not for $entry"
grep -q "^OUT: .* pc=$entry\$" "$tmp/views" || bad "OUT: is not for $entry"
# The entry TB of branch.S: four movz and the first cbz.
sed -n '/^IN:/,/^$/p' "$tmp/views" | grep '^0x' | awk '{ print $3, $4 }' \
    > "$tmp/in_asm"
cat > "$tmp/in_asm.expected" <<EOF
movz x28,
movz x27,
movz x3,
movz x0,
cbz x3,
EOF
cmp -s "$tmp/in_asm" "$tmp/in_asm.expected" ||
    bad "entry TB guest code: $(tr '\n' ';' < "$tmp/in_asm")"
grep -q "^ ---- $entry" "$tmp/views" || grep -q "^ ----" "$tmp/views" ||
    bad "OP: has no insn_start markers"
grep -q '^  0x0000' "$tmp/views" || bad "OUT: has no host instructions"

# 2. -d exec with -dfilter: only the filtered pc is traced.
"$K" -d exec,nochain -dfilter "$entry..$entry" -D "$tmp/exec" "$PROG" \
    >/dev/null 2>&1 || bad "program failed under -d exec"
[ "$(grep -c 'Trace' "$tmp/exec")" -ge 1 ] || bad "no Trace line"
grep 'Trace' "$tmp/exec" | grep -v "pc=$entry\$" | grep -q . &&
    bad "-dfilter let other TBs through -d exec"

# 3. The hottest TBs: guest insns, their IR and their host code.
"$K" -d tb_stats -D "$tmp/hot" "$PROG" >/dev/null 2>&1 ||
    bad "program failed under -d tb_stats"
grep -q '^Hottest TBs (10 of [0-9]* counted' "$tmp/hot" ||
    bad "no hottest-TB listing"
# TB 1: as many guest lines as its header says, each with IR.
awk '/^TB 1\/10:/ { on = 1; n = $0; sub(/.* times \([^)]*\), /, "", n);
                    sub(/ guest insns.*/, "", n); want = n; next }
     /^TB 2\/10:/ { on = 0 }
     on && /^  0x0000000000/ { guest++ }
     on && /^ +IR / { ir++ }
     on && /^  0x00007/ { host++ }
     END { if (guest != want || ir < guest || host < guest) {
               printf "guest %d of %d, IR %d, host %d\n", guest, want, ir, host
               exit 1 } }' "$tmp/hot" > "$tmp/hot.check" ||
    bad "TB 1 listing: $(cat "$tmp/hot.check")"

# 4. A bad -dfilter.
out=$("$K" -dfilter 0x10..0x5 "$PROG" 2>&1)
status=$?
[ "$status" = 1 ] || bad "bad -dfilter: exit status $status"
expected="kestrel-aarch64: -dfilter: invalid range '0x10..0x5' (START..LAST, START+SIZE or START-SIZE)"
[ "$out" = "$expected" ] || bad "bad -dfilter said: $out"

[ $fail = 0 ] && echo "logs: all checks passed ($pc)"
exit $fail

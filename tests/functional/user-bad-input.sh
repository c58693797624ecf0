#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# user-bad-input.sh KESTREL_AARCH64 DYN_PROGRAM - bad user input to
# kestrel-aarch64 gets one line naming the problem and exit status 1.
set -u
K=$1 DYN=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bad-input.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
printf 'hello\n' > "$tmp/text"
fail=0

# expect "description" "expected stderr line" command...
expect() {
    what=$1 want=$2
    shift 2
    "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    got=$(cat "$tmp/err")
    if [ "$rc" -ne 1 ] || [ "$got" != "$want" ]; then
        echo "FAIL $what: exit $rc, stderr:"
        sed 's/^/     /' "$tmp/err"
        echo "     wanted: $want"
        fail=1
    else
        echo "ok   $what"
    fi
}

expect "not ELF" "kestrel-aarch64: $tmp/text: not an ELF executable" \
    "$K" "$tmp/text"
expect "not AArch64" "kestrel-aarch64: /bin/sh: not an AArch64 program (ELF machine 62)" \
    "$K" /bin/sh
expect "missing file" "kestrel-aarch64: $tmp/none: No such file or directory" \
    "$K" "$tmp/none"
expect "unknown cpu" "kestrel-aarch64: -cpu: unknown CPU model 'foo' (valid: max, cortex-a57, cortex-a72)" \
    "$K" -L /usr/aarch64-linux-gnu -cpu foo "$DYN"
expect "missing interpreter" "kestrel-aarch64: ELF interpreter /lib/ld-linux-aarch64.so.1 not found (tried $tmp/lib/ld-linux-aarch64.so.1)" \
    "$K" -L "$tmp" "$DYN"
expect "unknown option" "kestrel-aarch64: unknown option '-bogus' (try -help)" \
    "$K" -bogus
exit $fail

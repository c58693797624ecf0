#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run-twice.sh - run one system-mode test program twice (run.sh judges
# each run) and check both runs printed exactly the same console output:
# for programs whose output must be deterministic (-icount).
#
# Usage:  run-twice.sh SECONDS EMULATOR ARGS...
set -u
here=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcg-system-twice.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
for n in 1 2; do
    if ! sh "$here/run.sh" "$@" >"$tmp/out$n"; then
        cat "$tmp/out$n"
        echo "run-twice.sh: FAIL: run $n failed"
        exit 1
    fi
done
cat "$tmp/out1"
if ! cmp -s "$tmp/out1" "$tmp/out2"; then
    diff "$tmp/out1" "$tmp/out2"
    echo "run-twice.sh: FAIL: the two runs printed different output"
    exit 1
fi
echo "run-twice.sh: both runs printed the same output"
exit 0

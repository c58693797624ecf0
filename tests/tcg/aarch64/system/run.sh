#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - run one system-mode test program and judge it.
#
# Usage:  run.sh SECONDS EMULATOR ARGS...
#   e.g.  run.sh 30 build/kestrel-system-aarch64 -M virt,gic-version=3 \
#                -cpu cortex-a57 -nographic -kernel timer.bin
# Prints the console.  Exit status 0 only when the program printed a line
# "PASS", no "not ok"/"FAIL" line, and the emulator exited with status 0
# (PSCI SYSTEM_OFF) within SECONDS.
set -u
t=$1
shift
out=$(mktemp "${TMPDIR:-/tmp}/tcg-system.XXXXXX")
trap 'rm -f "$out"' EXIT INT TERM
timeout -k 5 "$t" "$@" </dev/null >"$out" 2>&1
rc=$?
tr -d '\r' <"$out"
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "run.sh: FAIL: no power-off within ${t}s (last line above)"
    exit 1
fi
if tr -d '\r' <"$out" | grep -q -e '^not ok' -e '^FAIL'; then
    echo "run.sh: FAIL: a check failed (exit status $rc)"
    exit 1
fi
if ! tr -d '\r' <"$out" | grep -qx 'PASS'; then
    echo "run.sh: FAIL: no PASS line (exit status $rc)"
    exit 1
fi
if [ "$rc" != 0 ]; then
    echo "run.sh: FAIL: PASS, but the emulator exited with status $rc"
    exit 1
fi
exit 0

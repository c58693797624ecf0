# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by gdb-system.sh and gdb-user.sh, which set $dir (their own
# directory) first.  Usage:
#
#     gdb_test_init NAME KESTREL_BINARY TOOL...   # sets K, tmp, pid, fail
#     ... start "$K" with -g/-gdb unix:$tmp/sock in the background, pid=$!
#     wait_socket "$tmp/sock"
#     gdb_batch "$tmp/sock" -ex 'break main' ... prog > "$tmp/gdb.out"
#     check "gdb session" "$tmp/gdb.want" "$tmp/gdb.out"
#     exit $fail

# Absolute path of the emulator in K, a scratch directory in tmp (removed,
# and a still running $pid killed, on exit); skip (77) without a TOOL.
gdb_test_init() {
    K=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    pid=
    fail=0
    trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
    shift 2
    for tool in "$@"; do
        command -v "$tool" > /dev/null ||
            { echo "no $tool: skipped"; exit 77; }
    done
}

# Wait up to 5 s for the emulator to create its gdb socket.
wait_socket() {
    for i in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
}

# gdb-multiarch in batch mode, connected to socket $1, sources in
# $dir/gdb; the rest are its arguments (-ex commands, the program).
gdb_batch() {
    sock=$1
    shift
    timeout 60 gdb-multiarch -nx -batch \
        -ex 'set pagination off' -ex 'set confirm off' \
        -ex "directory $dir/gdb" -ex "target remote $sock" \
        "$@" 2>&1 < /dev/null
}

check() {   # NAME EXPECTED-FILE ACTUAL-FILE; sets fail=1 on a difference
    if diff -u "$2" "$3" > "$tmp/diff"; then
        echo "ok   $1"
    else
        echo "FAIL $1:"
        sed 's/^/     /' "$tmp/diff"
        fail=1
    fi
}

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gdb-user.sh KESTREL_AARCH64 - drive Debian's gdb-multiarch in batch
# mode against a static arm64 program (gdb/user-prog.c) run with
# kestrel-aarch64 -g unix:SOCK: breakpoints, registers, stepi, next,
# write and read watchpoints, memory and register writes, the exit
# code.  Output compared exactly (code addresses replaced by ADDR).
# Skips (77) without gdb-multiarch or the cross compiler.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
. "$dir/gdb/common.sh"
gdb_test_init gdb-user "$1" gdb-multiarch aarch64-linux-gnu-gcc
aarch64-linux-gnu-gcc -O0 -g -static -fdebug-prefix-map="$dir/gdb"=. \
    -o "$tmp/prog" "$dir/gdb/user-prog.c" || exit 1

timeout 60 "$K" -g "unix:$tmp/sock" "$tmp/prog" > "$tmp/prog.out" 2>&1 &
pid=$!
wait_socket "$tmp/sock"
cd "$tmp" || exit 1
gdb_batch "$tmp/sock" \
    -ex 'break regs_set' -ex 'break compute' \
    -ex 'continue' -ex 'info registers x19 x20 x21' \
    -ex 'continue' -ex 'info registers x0 x1' \
    -ex 'stepi' -ex 'next' -ex 'p r' \
    -ex 'delete' -ex 'watch watched' -ex 'rwatch result' \
    -ex 'continue' -ex 'continue' \
    -ex 'set var result = 0x1234' -ex 'x/2xw &result' \
    -ex 'set $x19 = 0x77' -ex 'p/x $x19' \
    -ex 'delete' -ex 'continue' \
    prog |
    sed 's/0x0*4[0-9a-f]\{5\}\b/ADDR/g' > "$tmp/gdb.out"
wait $pid
echo "exit status $?" >> "$tmp/prog.out"
pid=
cat > "$tmp/gdb.want" <<'OUT'
ADDR in _start ()
Breakpoint 1 at ADDR
Breakpoint 2 at ADDR: file ./user-prog.c, line 22.

Breakpoint 1, ADDR in set_regs () at ./user-prog.c:11
11	    asm volatile("movz x19, #0x1111\n\t"
x19            0x1111              4369
x20            0x22220000          572653568
x21            0xffffffffffffffff  -1

Breakpoint 2, compute (a=0, b=7) at ./user-prog.c:22
22	    uint64_t r = a * 3 + b;
x0             0x0                 0
x1             0x7                 7
ADDR	22	    uint64_t r = a * 3 + b;
24	    return r;
$1 = 7
Hardware watchpoint 3: watched
Hardware read watchpoint 4: result

Hardware watchpoint 3: watched

Old value = 0
New value = 46
main () at ./user-prog.c:36
36	    result = watched + 1;

Hardware read watchpoint 4: result

Value = 47
ADDR in main () at ./user-prog.c:37
37	    printf("result %d\n", (int)result);
ADDR <result>:	0x00001234	0x00000000
$2 = 0x77
[Inferior 1 (Remote target) exited with code 03]
OUT
check "gdb session" "$tmp/gdb.want" "$tmp/gdb.out"
printf 'result 47\nexit status 3\n' > "$tmp/prog.want"
check "program output and exit status" "$tmp/prog.want" "$tmp/prog.out"
exit $fail

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gdb-system.sh KESTREL_SYSTEM_AARCH64 - drive Debian's gdb-multiarch in
# batch mode against a bare-metal program (gdb/system-prog.c, MMU on) on
# -M virt started with -S -gdb unix:SOCK: breakpoints, registers, stepi,
# next, a write watchpoint, memory and register writes, the exit; the
# output is compared exactly (code addresses, which depend on the
# compiler, are replaced by ADDR).  Then gdb/packets.py checks malformed
# packets and Ctrl-C over a raw socket.  Skips (77) without the tools.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
sys="$dir/../tcg/aarch64/system"
. "$dir/gdb/common.sh"
gdb_test_init gdb-system "$1" gdb-multiarch aarch64-linux-gnu-gcc \
    aarch64-linux-gnu-objcopy python3
aarch64-linux-gnu-gcc -O0 -g -ffreestanding -nostdlib -nostartfiles \
    -static -fno-pie -no-pie -mgeneral-regs-only -mstrict-align \
    -fno-stack-protector -Wl,--build-id=none -Wl,-T,"$sys/virt.ld" \
    -I"$sys" -fdebug-prefix-map="$dir/gdb"=. -o "$tmp/prog.elf" \
    "$sys/start.S" "$sys/lib.c" "$sys/pt.c" "$dir/gdb/system-prog.c" \
    -lgcc &&
aarch64-linux-gnu-objcopy -O binary "$tmp/prog.elf" "$tmp/prog.bin" ||
    exit 1

# --- gdb session --------------------------------------------------------
timeout 60 "$K" -M virt -cpu cortex-a57 -m 128 -nographic \
    -kernel "$tmp/prog.bin" -S -gdb "unix:$tmp/sock" \
    > "$tmp/guest.out" 2>&1 < /dev/null &
pid=$!
wait_socket "$tmp/sock"
cd "$tmp" || exit 1
gdb_batch "$tmp/sock" \
    -ex 'p $pc' \
    -ex 'break regs_set' -ex 'break compute' \
    -ex 'continue' -ex 'info registers x19 x20 x21' \
    -ex 'continue' -ex 'info registers x0 x1' \
    -ex 'stepi' -ex 'next' -ex 'p r' -ex 'continue' -ex 'p a' \
    -ex 'delete' -ex 'watch watched' -ex 'continue' \
    -ex 'set var result = 0x1234' -ex 'p/x result' \
    -ex 'x/2xw &result' \
    -ex 'set $x19 = 0x77' -ex 'p/x $x19' \
    -ex 'p $v0.d.u[1]' -ex 'p/x $cpsr & 0xf' \
    -ex 'delete' -ex 'continue' \
    prog.elf |
    sed 's/0x0*4[0-9a-f]\{7\}\b/ADDR/g' > "$tmp/gdb.out"
wait $pid
st=$?
tr -d '\r' < "$tmp/guest.out" > "$tmp/guest.txt"
echo "exit status $st" >> "$tmp/guest.txt"
pid=
cat > "$tmp/gdb.want" <<'OUT'
0x0000000000000000 in ?? ()
$1 = (void (*)()) 0x0
Breakpoint 1 at ADDR
Breakpoint 2 at ADDR: file ./system-prog.c, line 27.

Breakpoint 1, ADDR in set_regs () at ./system-prog.c:16
16	    asm volatile("movz x19, #0x1111\n\t"
x19            0x1111              4369
x20            0x22220000          572653568
x21            0xffffffffffffffff  -1

Breakpoint 2, compute (a=0, b=7) at ./system-prog.c:27
27	    uint64_t r = a * 3 + b;
x0             0x0                 0
x1             0x7                 7
ADDR	27	    uint64_t r = a * 3 + b;
29	    return r;
$2 = 7

Breakpoint 2, compute (a=1, b=7) at ./system-prog.c:27
27	    uint64_t r = a * 3 + b;
$3 = 1
Hardware watchpoint 3: watched

Hardware watchpoint 3: watched

Old value = 0
New value = 46
main () at ./system-prog.c:43
43	    result = watched + 1;
$4 = 0x1234
ADDR <result>:	0x00001234	0x00000000
$5 = 0x77
$6 = 0
$7 = 0x5
[Inferior 1 (Remote target) exited normally]
OUT
check "gdb session" "$tmp/gdb.want" "$tmp/gdb.out"
printf 'done\nexit status 0\n' > "$tmp/guest.want"
check "guest output and exit" "$tmp/guest.want" "$tmp/guest.txt"

# --- raw packets ----------------------------------------------------------
timeout 60 "$K" -M virt -cpu cortex-a57 -m 128 -nographic \
    -kernel "$tmp/prog.bin" -S -gdb "unix:$tmp/sock2" \
    > "$tmp/guest2.out" 2>&1 < /dev/null &
pid=$!
wait_socket "$tmp/sock2"
if python3 "$dir/gdb/packets.py" "$tmp/sock2" > "$tmp/packets.out" 2>&1
then
    echo "ok   raw packets"
else
    echo "FAIL raw packets:"
    sed 's/^/     /' "$tmp/packets.out"
    fail=1
fi
# After D (detach) the guest ran to its end.
wait $pid
st=$?
pid=
if [ $st -ne 0 ] || ! grep -q done "$tmp/guest2.out"; then
    echo "FAIL detach: status $st, output: $(cat "$tmp/guest2.out")"
    fail=1
fi
exit $fail

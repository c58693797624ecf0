#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# system-bad-input.sh KESTREL_SYSTEM_AARCH64 - bad command lines given to
# kestrel-system-aarch64 get one line naming the problem and exit
# status 1; -help, -version and the help listings exit 0.
set -u
K=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/system-bad-input.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
P=kestrel-system-aarch64

# expect "description" "expected stderr line" args...
expect() {
    what=$1 want=$2
    shift 2
    "$K" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
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

# expect_ok "description" "text stdout must contain" args...
expect_ok() {
    what=$1 want=$2
    shift 2
    "$K" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
    rc=$?
    if [ "$rc" -ne 0 ] || ! grep -q -- "$want" "$tmp/out" ||
       [ -s "$tmp/err" ]; then
        echo "FAIL $what: exit $rc"
        sed 's/^/     /' "$tmp/err"
        fail=1
    else
        echo "ok   $what"
    fi
}

expect "unknown option" "$P: unknown option '-bogus' (try -help)" -bogus
expect "stray argument (-hda)" \
    "$P: -drive file=$tmp/disk.img,index=0,media=disk: $tmp/disk.img: could not open: No such file or directory" \
    -M virt "$tmp/disk.img"
expect "-cdrom" \
    "$P: -cdrom: CD-ROM drives are not supported (the virt board has no CD-ROM interface)" \
    -M virt -cdrom "$tmp/cd.iso"
expect "-drive if=ide" \
    "$P: -drive file=$tmp/d.img,if=ide: if=ide is not supported (use virtio, pflash or none)" \
    -M virt -drive "file=$tmp/d.img,if=ide"
expect "-drive unknown key" \
    "$P: -drive file=$tmp/d.img,speed=9: invalid parameter 'speed'" \
    -M virt -drive "file=$tmp/d.img,speed=9"
expect "-drive media=cdrom" \
    "$P: -drive file=$tmp/d.img,media=cdrom: media=cdrom is not supported (no CD-ROM drive on this machine)" \
    -M virt -drive "file=$tmp/d.img,media=cdrom"
expect "-device virtio-blk-device without a drive" \
    "$P: -device virtio-blk-device: drive 'nope' not found" \
    -M virt -device virtio-blk-device,drive=nope
expect "missing argument" "$P: option '-kernel' needs an argument" \
    -M virt -kernel
expect "bad -m" "$P: -m: invalid size 'lots'" -M virt -m lots
expect "bad -m suffix" "$P: -m: invalid size '12Q'" -M virt -m 12Q
expect "zero -m" "$P: -m: invalid size '0'" -M virt -m 0
expect "bad -smp" "$P: -smp: invalid value 'two'" -M virt -smp two
expect "too many cpus" "$P: -smp: at most 8 CPUs are supported" \
    -M virt -smp 64
expect "unknown machine" "$P: -M: unknown machine 'pc' (-M help lists them)" \
    -M pc
expect "unknown -d item" "$P: unknown -d item 'everything' (try -d help)" \
    -d everything
expect "unknown accelerator" "$P: -accel: unknown accelerator 'kvm'" \
    -M virt -accel kvm
expect "bad thread mode" \
    "$P: -accel tcg,thread: unknown mode 'many' (single, multi)" \
    -M virt -accel tcg,thread=many
expect "-icount shift=auto" \
    "$P: -icount: shift=auto is not supported (give shift=N)" \
    -M virt -icount shift=auto
expect "-icount rr" "$P: -icount: 'rr=record' is not supported" \
    -M virt -icount shift=3,rr=record
expect "-icount no shift" "$P: -icount: missing shift=N" \
    -M virt -icount sleep=off
expect "-icount thread=multi" \
    "$P: -icount: not supported with -accel tcg,thread=multi" \
    -M virt -icount 3 -accel tcg,thread=multi
expect "bad -icount" "$P: -icount: invalid shift 'x' (0..10 or auto)" \
    -M virt -icount shift=x
expect "bad -gdb" "$P: -gdb: 'serial:x': expected tcp::PORT, tcp:HOST:PORT, \
unix:PATH or a port number" -M virt -gdb serial:x
expect "-gdb port range" "$P: -gdb: 'tcp::70000': expected tcp::PORT, \
tcp:HOST:PORT, unix:PATH or a port number" -M virt -gdb tcp::70000
expect "-monitor" "$P: -monitor: unknown character backend 'bogus:x'" \
    -M virt -monitor bogus:x
expect "-qmp" "$P: -qmp: unknown character backend 'bogus:x'" \
    -M virt -qmp bogus:x
expect "-mon property" "$P: -mon: unknown or bad property 'foo=bar'" \
    -M virt -mon foo=bar
expect "-mon no chardev" "$P: -mon: 'mode=control' needs chardev=ID" \
    -M virt -mon mode=control
expect "-mon unknown chardev" "$P: -mon: no -chardev with id 'nope'" \
    -M virt -mon chardev=nope
expect "-nic user" \
    "$P: -nic/-net: 'user': networking is not supported (only none)" \
    -M virt -nic user
expect "-display gtk" "$P: -display: 'gtk' is not supported (only none)" \
    -M virt -display gtk
expect "bad -serial" "$P: -serial: unknown character backend 'vc:80Cx24C'" \
    -M virt -serial vc:80Cx24C
expect "-serial file in a missing dir" \
    "$P: -serial: $tmp/no/out: No such file or directory" \
    -M virt -display none -serial "file:$tmp/no/out"
expect "-chardev without id" "$P: -chardev: 'null' needs an id=" \
    -M virt -chardev null
expect "-chardev bad property" \
    "$P: -chardev: backend 'socket' has no property 'telnet'" \
    -M virt -display none -chardev socket,id=s0,port=4321,telnet=on
expect "-serial chardev: unknown id" \
    "$P: -serial: no -chardev with id 'nope'" \
    -M virt -display none -serial chardev:nope

expect_ok "-help" "Usage: kestrel-system-aarch64" -help
expect_ok "-version" "kestrel-system-aarch64 version" -version
expect_ok "-M help" "virt" -M help
expect_ok "-cpu help" "cortex-a57" -cpu help
expect_ok "-d help" "guest_errors" -d help
exit $fail

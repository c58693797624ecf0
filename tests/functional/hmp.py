#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""hmp.py KESTREL_SYSTEM_AARCH64 - the human monitor behind Ctrl-A c.

Boots the bare-metal monitor-guest.S under -nographic with stdin and
stdout on pipes, switches to the monitor with Ctrl-A c and checks the
exact text of: the banner and prompt, info status, stop, info registers
(the values the guest set), x and xp of known memory, x/i, info mtree,
an unknown command, cont, Ctrl-A c back to the console and Ctrl-A x.
Then the same monitor on a -monitor unix socket.  Skips (77) without
the cross binutils."""
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from monitor_common import DATA, SPIN, Checker, build_guest  # noqa: E402

REGS = """\
 PC=%016x  SP=%016x
X00=0000000000000000 X01=0000000000001111 X02=0000000000002222 \
X03=0000000000003333
X04=0000000000004444 X05=0000000000005555 X06=0000000000006666 \
X07=0000000000007777
X08=0000000000008888 X09=0000000000009999 X10=000000000000aaaa \
X11=000000000000bbbb
X12=000000000000cccc X13=000000000000dddd X14=000000000000eeee \
X15=000000000000ffff
X16=0000000000011110 X17=0000000000012221 X18=0000000000013332 \
X19=0000000000014443
X20=0000000000015554 X21=0000000000016665 X22=0000000000017776 \
X23=0000000000018887
X24=0000000000019998 X25=000000000001aaa9 X26=000000000001bbba \
X27=000000000001cccb
X28=000000000001dddc X29=000000000001eeed X30=0000000030303030 
PSTATE=000003c5 ---- EL1h DAIF=f
SCTLR_EL1=0000000030d00800 TCR_EL1=0000000000000000 \
VBAR_EL1=0000000000000000
TTBR0_EL1=0000000000000000 TTBR1_EL1=0000000000000000
ELR_EL1=0000000000000000 SPSR_EL1=00000000 ESR_EL1=00000000 \
FAR_EL1=0000000000000000
FPCR=00000000 FPSR=00000000
""" % (SPIN, DATA)

VIRTIO = "".join(
    "    %016x-%016x (prio 0, i/o): virtio-mmio\n"
    % (0xa000000 + i * 0x200, 0xa0001ff + i * 0x200) for i in range(32))
MTREE = """\
address-space: cpu-memory-0
address-space: memory
  0000000000000000-fffffffffffffffe (prio 0, container): system
    0000000000000000-0000000003ffffff (prio 0, romd): virt.flash0
    0000000004000000-0000000007ffffff (prio 0, romd): virt.flash1
    0000000008000000-0000000008000fff (prio 0, i/o): gic.dist
    0000000008010000-0000000008011fff (prio 0, i/o): gic.cpu
    0000000009000000-0000000009000fff (prio 0, i/o): pl011
    0000000009010000-0000000009010fff (prio 0, i/o): pl031
    0000000009020000-0000000009020017 (prio 0, i/o): fw_cfg
""" + VIRTIO + """\
    0000000040000000-0000000047ffffff (prio 0, ram): virt.ram

"""


def crlf(s):
    return s.replace("\n", "\r\n")


class Console:
    """The emulator's stdin/stdout, read until a prompt or a timeout."""

    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        os.set_blocking(self.p.stdout.fileno(), False)
        self.buf = b""

    def read_until(self, end, timeout=20):
        deadline = time.time() + timeout
        while not self.buf.endswith(end) and time.time() < deadline:
            d = self.p.stdout.read()
            if d:
                self.buf += d
            elif self.p.poll() is not None:
                break
            else:
                time.sleep(0.02)
        out, self.buf = self.buf, b""
        return out.decode(errors="replace")

    def send(self, data, end=b"(qemu) "):
        self.p.stdin.write(data)
        self.p.stdin.flush()
        return self.read_until(end)


def hmp_transcript(con, t, version):
    t.eq("banner", con.send(b"\x01c"),
         "Kestrel %s monitor - type 'help' for more information\r\n"
         "(qemu) " % version)

    def cmd(line, want):
        t.eq(line, con.send(line.encode() + b"\r"),
             line + "\r\n" + crlf(want) + "(qemu) ")
    cmd("info status", "VM status: running\n")
    cmd("stop", "")
    cmd("info status", "VM status: paused\n")
    cmd("info registers", REGS)
    cmd("x/4wx 0x%x" % DATA, "%016x: 0xdeadbeef 0x01234567 0x89abcdef "
        "0x00c0ffee\n" % DATA)
    cmd("xp /2gx 0x%x" % DATA, "%016x: 0x01234567deadbeef "
        "0x00c0ffee89abcdef\n" % DATA)
    cmd("xp/6c 0x%x" % (DATA + 16), "%016x: 'R' 'E' 'A' 'D' 'Y' '\\n'\n"
        % (DATA + 16))
    cmd("xp/3bd 0x%x" % DATA, "%016x: 239 190 173\n" % DATA)
    cmd("x/1i 0x%x" % SPIN, "0x%08x:  14000000  b        #0x%x\n"
        % (SPIN, SPIN))
    cmd("info mtree", MTREE)
    # No -d tb_stats: no block carries a counter.
    cmd("info tbs 3", "No TB execution counts (they are kept with "
        "-d tb_stats from translation on).\n")
    cmd("info tbs x", "info tbs: invalid count 'x'\n")
    cmd("log guest_errors,unimp", "")
    cmd("log none", "")
    cmd("foo", "unknown command: 'foo'\n")
    cmd("info foo", "unknown command: 'info foo'\n")
    cmd("cont", "")
    cmd("info status", "VM status: running\n")
    t.eq("back to the console", con.send(b"\x01c", end=b"\r\n"), "\r\n")
    t.eq("Ctrl-A x", con.send(b"\x01x", end=b"Terminated\r\n"),
         "\r\nKestrel: Terminated\r\n")
    t.eq("exit status", con.p.wait(20), 0)


def socket_monitor(k, guest, tmp, t, version):
    path = os.path.join(tmp, "m.sock")
    p = subprocess.Popen([k, "-M", "virt", "-m", "128", "-display", "none",
                          "-kernel", guest, "-monitor",
                          "unix:%s,server=on,wait=off" % path])
    try:
        for _ in range(200):
            if os.path.exists(path):
                break
            time.sleep(0.05)
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        s.settimeout(20)
        f = s.makefile("rb")
        want = ("Kestrel %s monitor - type 'help' for more information\r\n"
                "(qemu) " % version).encode()
        t.eq("socket banner", f.read(len(want)), want)
        s.sendall(b"info status\r\n")
        want = b"info status\r\nVM status: running\r\n(qemu) "
        t.eq("socket info status", f.read(len(want)), want)
        s.sendall(b"quit\n")
        t.eq("socket quit", p.wait(20), 0)
    finally:
        if p.poll() is None:
            p.kill()


def main():
    k = sys.argv[1]
    t = Checker()
    version = subprocess.run([k, "-version"], capture_output=True,
                             text=True).stdout.split()[-1]
    with tempfile.TemporaryDirectory() as tmp:
        guest = build_guest(tmp)
        con = Console([k, "-M", "virt", "-m", "128", "-nographic",
                       "-kernel", guest])
        try:
            t.eq("guest output", con.read_until(b"READY\n"), "READY\n")
            hmp_transcript(con, t, version)
        finally:
            if con.p.poll() is None:
                con.p.kill()
        socket_monitor(k, guest, tmp, t, version)
    t.exit()


if __name__ == "__main__":
    main()

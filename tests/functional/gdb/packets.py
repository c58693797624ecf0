#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""packets.py SOCK - talk to Kestrel's gdb stub over a raw Unix socket
(a -S system guest): malformed packets get '-' or an error reply and the
stub keeps working; Ctrl-C stops a running guest; D lets it run on."""
import socket
import sys
import time

fails = 0


def frame(payload):
    return b"$%s#%02x" % (payload, sum(payload) & 0xff)


class Stub:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self.buf = b""

    def send(self, raw):
        self.s.sendall(raw)

    def byte(self):
        while not self.buf:
            self.buf = self.s.recv(65536)
            if not self.buf:
                raise EOFError("stub closed the connection")
        c, self.buf = self.buf[:1], self.buf[1:]
        return c

    def packet(self):
        """The next packet's payload (skipping acks), checksum checked."""
        c = self.byte()
        while c != b"$":
            c = self.byte()
        data = b""
        c = self.byte()
        while c != b"#":
            data += c
            c = self.byte()
        cs = self.byte() + self.byte()
        if int(cs, 16) != sum(data) & 0xff:
            raise ValueError("bad checksum from stub: %r" % data)
        self.send(b"+")
        return data

    def ack(self):
        return self.byte()


def expect(what, got, want):
    global fails
    if got == want:
        print("ok   %s" % what)
    else:
        print("FAIL %s: got %r, want %r" % (what, got, want))
        fails += 1


def ask(stub, payload):
    stub.send(frame(payload))
    a = stub.ack()
    if a != b"+":
        return b"<ack %r>" % a
    return stub.packet()


def main():
    st = Stub(sys.argv[1])
    expect("qSupported", ask(st, b"qSupported:multiprocess+"),
           b"PacketSize=1000;qXfer:features:read+;QStartNoAckMode+;"
           b"vContSupported+;multiprocess-")
    # A bad checksum: '-', nothing else; then it still answers.
    st.send(b"$g#00")
    expect("bad checksum", st.ack(), b"-")
    expect("after bad checksum", ask(st, b"?"), b"T05thread:1;")
    # Too long: acked, then an error; the stream stays in sync.
    expect("oversized", ask(st, b"m" * 6000), b"E01")
    # Noise between packets is ignored.
    st.send(b"xyz\x00\xff\x7f")
    expect("unknown packet", ask(st, b"qKestrelFoo"), b"")
    expect("vMustReplyEmpty", ask(st, b"vMustReplyEmpty"), b"")
    for bad in (b"mzz,4", b"m0", b"m0,", b"M0,4:zz", b"M0,2:abcdef",
                b"X0,5:ab", b"p", b"p1000", b"Pz=00", b"P0=123",
                b"Z0,zz,4", b"Z0,0", b"z9,0,4;X", b"Hg99", b"Hx1",
                b"T5", b"vCont;x", b"vCont;c:zz", b"Cz",
                b"m" + b"f" * 40 + b",4", b"qXfer:features:read:x"):
        expect("malformed %s" % bad.decode(), ask(st, bad)[:1],
               b"E")
    expect("unsupported Z type", ask(st, b"Z7,0,4"), b"")
    expect("unknown annex",
           ask(st, b"qXfer:features:read:foo.xml:0,100"), b"E00")
    xml = b""
    while True:
        part = ask(st, b"qXfer:features:read:target.xml:%x,ffff" % len(xml))
        xml += part[1:]
        if part[:1] != b"m":
            break
    expect("target.xml", (part[:1], b"org.gnu.gdb.aarch64.fpu" in xml,
                          xml.endswith(b"</target>")), (b"l", True, True))
    expect("thread list", ask(st, b"qfThreadInfo"), b"m1")
    expect("thread list end", ask(st, b"qsThreadInfo"), b"l")
    expect("qC", ask(st, b"qC"), b"QC1")
    expect("qAttached", ask(st, b"qAttached"), b"1")
    expect("Hg1", ask(st, b"Hg1"), b"OK")
    expect("thread alive", ask(st, b"T1"), b"OK")
    # A branch-to-self at 0x40000000 (RAM below the image), pc there.
    expect("write memory", ask(st, b"M40000000,4:00000014"), b"OK")
    expect("read memory", ask(st, b"m40000000,4"), b"00000014")
    expect("binary write", ask(st, b"X40000004,2:}\x03}]"), b"OK")
    expect("binary readback", ask(st, b"m40000004,2"), b"237d")
    expect("device memory", ask(st, b"m9000000,4"), b"E14")
    expect("set pc", ask(st, b"P20=0000004000000000"), b"OK")
    expect("read pc", ask(st, b"p20"), b"0000004000000000")
    expect("register too big", ask(st, b"P20=" + b"00" * 9), b"E22")
    # Run, then Ctrl-C stops it where it spins.
    st.send(frame(b"vCont;c"))
    expect("vCont;c acked", st.ack(), b"+")
    time.sleep(0.3)
    st.send(b"\x03")
    expect("Ctrl-C stop", st.packet(), b"T02thread:1;")
    expect("pc after Ctrl-C", ask(st, b"p20"), b"0000004000000000")
    # One step of the branch-to-self: still there; then no-ack mode.
    expect("step", ask(st, b"vCont;s:1"), b"T05thread:1;")
    expect("QStartNoAckMode", ask(st, b"QStartNoAckMode"), b"OK")
    st.send(frame(b"p20"))
    expect("no-ack reply", st.packet(), b"0000004000000000")
    # Back to the boot code; detach: the guest runs to its end.
    st.send(frame(b"P20=0000000000000000"))
    expect("reset pc", st.packet(), b"OK")
    st.send(frame(b"D"))
    expect("detach", st.packet(), b"OK")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())

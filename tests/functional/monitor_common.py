# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared by qmp.py and hmp.py: build the bare-metal guest
(monitor-guest.S) with the cross binutils, and small checks."""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = ["aarch64-linux-gnu-as", "aarch64-linux-gnu-ld",
         "aarch64-linux-gnu-objcopy"]
# Where monitor-guest.S puts things (-kernel loads it at 0x40000000).
SPIN = 0x40000120
DATA = 0x40000130


def build_guest(tmp):
    """Assemble monitor-guest.S into tmp/guest.bin; exit 77 if no tools."""
    for t in TOOLS:
        if not shutil.which(t):
            print("no %s: skipped" % t)
            sys.exit(77)
    obj, elf, out = (os.path.join(tmp, n)
                     for n in ("g.o", "g.elf", "guest.bin"))
    subprocess.run([TOOLS[0], "-o", obj,
                    os.path.join(HERE, "monitor-guest.S")], check=True)
    subprocess.run([TOOLS[1], "-Ttext=0", "--build-id=none", "-o", elf,
                    obj], check=True)
    subprocess.run([TOOLS[2], "-O", "binary", elf, out], check=True)
    return out


class Checker:
    """Counts failures; prints ok/FAIL lines like the other tests."""

    def __init__(self):
        self.failed = 0

    def eq(self, what, got, want):
        if got == want:
            print("ok   %s" % what)
            return True
        self.failed += 1
        print("FAIL %s\n     got:  %r\n     want: %r" % (what, got, want))
        return False

    def true(self, what, cond, detail=""):
        if cond:
            print("ok   %s" % what)
        else:
            self.failed += 1
            print("FAIL %s %s" % (what, detail))
        return cond

    def exit(self):
        sys.exit(1 if self.failed else 0)

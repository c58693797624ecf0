#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Regenerate the reference tables of test-a64-fp from qemu-aarch64-static
(QEMU's softfloat is a faithful model of ARM floating point).  Not run by
the build: the headers are checked in.

    tests/unit/a64-fp-gen.py            # writes both headers
    tests/unit/a64-fp-gen.py big FILE   # a large random table for
                                        # `test-a64-fp FILE`

test-a64-fp-cases.h: fpu.c operations (a64-fp-ops.h) over interesting and
random operands under several FPCR settings, from a64-fp-gen.c.

test-a64-fp-insns.h: random scalar FP instructions (allocated encodings
without FEAT_FP16 arithmetic, FRINT32/64 or FJCVTZS) with random V0-V7,
X0-X7, NZCV and FPCR, and the V0-V7, X0-X7, FPSR and NZCV after one
instruction.
"""

import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CC = 'aarch64-linux-gnu-gcc'
QEMU = 'qemu-aarch64-static'
NINSN = 600


def run_gen(tmp, mode):
    exe = os.path.join(tmp, 'gen')
    subprocess.check_call([CC, '-O1', '-static', '-o', exe,
                           os.path.join(HERE, 'a64-fp-gen.c')])
    return subprocess.check_output([QEMU, exe, mode]).decode()


# -- random instructions ----------------------------------------------

def r(n):
    return random.getrandbits(n)


def reg():
    return random.randrange(8)


def enc():
    t = random.choice([0, 0, 1, 1, 3, 2])
    k = random.randrange(10)
    base = 0b11110 << 24 | t << 22 | 1 << 21
    if k == 0:      # fixed point
        return (r(1) << 31 | 0b11110 << 24 | t << 22 | r(2) << 19 |
                r(3) << 16 | r(6) << 10 | reg() << 5 | reg())
    if k == 1:      # integer
        return (r(1) << 31 | base | r(2) << 19 | r(3) << 16 |
                reg() << 5 | reg())
    if k == 2:      # 1-source
        return base | r(6) << 15 | 0b10000 << 10 | reg() << 5 | reg()
    if k == 3:      # compare
        return base | reg() << 16 | 0b1000 << 10 | reg() << 5 | r(2) << 3
    if k == 4:      # immediate
        return base | r(8) << 13 | 0b100 << 10 | reg()
    if k == 5:      # conditional compare
        return base | reg() << 16 | r(4) << 12 | 1 << 10 | reg() << 5 | r(5)
    if k in (6, 7):  # 2-source
        return base | reg() << 16 | r(4) << 12 | 2 << 10 | reg() << 5 | reg()
    if k == 8:      # select
        return base | reg() << 16 | r(4) << 12 | 3 << 10 | reg() << 5 | reg()
    return (0b11111 << 24 | t << 22 | r(1) << 21 | reg() << 16 |
            r(1) << 15 | reg() << 10 | reg() << 5 | reg())


def allowed(tmp, cands):
    src = os.path.join(tmp, 'cand.s')
    obj = os.path.join(tmp, 'cand.o')
    with open(src, 'w') as f:
        f.write(''.join('.inst 0x%08x\n' % w for w in cands))
    subprocess.check_call(['aarch64-linux-gnu-as', '-march=armv8.5-a+fp16',
                           '-o', obj, src])
    out = subprocess.check_output(['aarch64-linux-gnu-objdump', '-d',
                                   obj]).decode()
    ok = []
    for line in out.splitlines():
        m = re.match(r'\s*[0-9a-f]+:\s+([0-9a-f]{8})\s+(\S+)\s*(.*)', line)
        if not m:
            continue
        w, mn, ops = int(m.group(1), 16), m.group(2), m.group(3)
        if (mn.startswith('.inst') or 'undefined' in line or
                mn.startswith('frint32') or mn.startswith('frint64') or
                mn == 'fjcvtzs' or mn.startswith('bf')):
            continue
        if re.search(r'\bh\d', ops) and mn != 'fcvt':
            continue
        ok.append(w)
    return ok


S = [0, 0x80000000, 1, 0x807fffff, 0x00800000, 0x3f800000, 0xbfc00000,
     0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001,
     0xffc12345, 0x4f000000, 0x3effffff, 0x40490fdb]
D = [0, 1 << 63, 1, 0x000fffffffffffff, 0x0010000000000000,
     0x3ff0000000000000, 0xc004000000000000, 0x7fefffffffffffff,
     0x7ff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001,
     0xfff8123456789abc, 0x43e0000000000000, 0x400921fb54442d18]
H = [0, 0x3c00, 0x7c00, 0x7e00, 0x7c01, 0x0001, 0x7bff]
FPCRS = [0, 1 << 22, 2 << 22, 3 << 22, 1 << 24, 1 << 25, 1 << 26,
         7 << 24 | 3 << 22]


def val():
    k = random.randrange(5)
    if k == 0:
        return random.choice(S) | r(32) << 32
    if k == 1:
        return random.choice(D)
    if k == 2:
        return random.choice(H) | r(48) << 16
    if k == 3:
        return r(1) << 63 | random.randrange(0x380, 0x480) << 52 | r(52)
    return r(1) << 31 | random.randrange(0x60, 0xa0) << 23 | r(23) | \
        r(32) << 32


HARNESS = r'''
#include <stdio.h>
void runtests(const void *in, void *out);
extern const unsigned long long input[];
static unsigned long long out[%d * 26];
int main(void)
{
    runtests(input, out);
    for (int i = 0; i < %d * 26; i++) {
        printf("0x%%llx,%%s", out[i], i %% 26 == 25 ? "\n" : "");
    }
    return 0;
}
'''


def insn_cases(tmp):
    random.seed(7)
    words = allowed(tmp, [enc() for _ in range(NINSN * 3)])[:NINSN]
    n = len(words)
    asm = ['.text', '.global runtests', 'runtests:',
           'stp x19, x20, [sp, #-16]!', 'mov x19, x0', 'mov x20, x1']
    ins = []
    for w in words:
        asm += ['ldp q0, q1, [x19]', 'ldp q2, q3, [x19, #32]',
                'ldp q4, q5, [x19, #64]', 'ldp q6, q7, [x19, #96]',
                'ldp x0, x1, [x19, #128]', 'ldp x2, x3, [x19, #144]',
                'ldp x4, x5, [x19, #160]', 'ldp x6, x7, [x19, #176]',
                'ldp x8, x9, [x19, #192]', 'msr fpcr, x8', 'msr nzcv, x9',
                'msr fpsr, xzr', '.inst 0x%08x' % w,
                'stp q0, q1, [x20]', 'stp q2, q3, [x20, #32]',
                'stp q4, q5, [x20, #64]', 'stp q6, q7, [x20, #96]',
                'stp x0, x1, [x20, #128]', 'stp x2, x3, [x20, #144]',
                'stp x4, x5, [x20, #160]', 'stp x6, x7, [x20, #176]',
                'mrs x8, fpsr', 'mrs x9, nzcv', 'stp x8, x9, [x20, #192]',
                'msr fpcr, xzr', 'add x19, x19, #208', 'add x20, x20, #208']
        e = [val() for _ in range(16)]
        e += [random.choice([val(), r(64), r(32),
                             random.randrange(-100, 100) % 2**64])
              for _ in range(8)]
        e += [random.choice(FPCRS), r(4) << 28]
        ins.append(e)
    asm += ['ldp x19, x20, [sp], #16', 'ret', '.data', '.global input',
            'input:']
    for e in ins:
        asm.append('.quad ' + ', '.join('0x%x' % v for v in e))
    s = os.path.join(tmp, 'fz.s')
    c = os.path.join(tmp, 'fz.c')
    exe = os.path.join(tmp, 'fz')
    with open(s, 'w') as f:
        f.write('\n'.join(asm) + '\n')
    with open(c, 'w') as f:
        f.write(HARNESS % (n, n))
    subprocess.check_call([CC, '-O1', '-static', '-o', exe, c, s])
    outs = subprocess.check_output([QEMU, exe]).decode().splitlines()
    lines = ['/* Generated by a64-fp-gen.py: do not edit. */']
    for w, e, o in zip(words, ins, outs):
        lines.append('{0x%08x, {%s},\n {%s}},' %
                     (w, ', '.join('0x%x' % v for v in e), o.rstrip(',')))
    return '\n'.join(lines) + '\n'


def main():
    with tempfile.TemporaryDirectory() as tmp:
        if len(sys.argv) > 2 and sys.argv[1] == 'big':
            with open(sys.argv[2], 'w') as f:
                f.write(run_gen(tmp, 'big'))
            return
        with open(os.path.join(HERE, 'test-a64-fp-cases.h'), 'w') as f:
            f.write('/* Generated by a64-fp-gen.py: do not edit. */\n')
            f.write(run_gen(tmp, 'small'))
        with open(os.path.join(HERE, 'test-a64-fp-insns.h'), 'w') as f:
            f.write(insn_cases(tmp))


if __name__ == '__main__':
    main()

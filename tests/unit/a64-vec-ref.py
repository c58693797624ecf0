#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Run A64 SIMD&FP instruction sequences under qemu-aarch64-static and write
the C header of expected results a cmocka test compares Kestrel with.
Not run by the build: the headers are checked in.

    tests/unit/a64-vec-ref.py crypto > tests/unit/test-a64-crypto-cases.h
    tests/unit/a64-vec-ref.py simd-fp > tests/unit/test-a64-simd-fp-cases.h

The cases of a set come from a64_vec_cases_<set>.py next to this script:
a list CASES of (name, asm, fpcr, vin, xin), and optionally UNDEF, words
the reference raises SIGILL for (see qemu_accepts()).  Each case starts
with V0..V31 = the default table (DEFAULT_V below, emitted into the
header) overridden by vin, X0..X26 = 0x100 + n overridden by xin, FPCR =
fpcr, FPSR = 0 and NZCV = 0.  Expected: the V and X registers that differ
from their inputs (all others must be unchanged), FPSR and NZCV.  The
case's code must leave x27/x28 alone and be position independent (the
unit test runs it at 0x10000).

Assembling, running under QEMU and the driver fragments are shared with
a64-ref.py and a64-simd-ref.py in a64_qemu_ref.py next to this script;
this file holds the default V table, its own driver (no data area, so
the code may run anywhere), the SIGILL probe and the header layout.
"""

import concurrent.futures
import importlib.util
import os
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True   # keep __pycache__ out of the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a64_qemu_ref import (M64, M128, QEMU, SYS_EXIT0,  # noqa: E402
                          assemble_code, case_start, case_table, code_array,
                          code_words, header_start, ldp_q, ldp_x,
                          link_program, quads, run_program, stp_q, stp_x,
                          word_rows)

MARCH = '-march=armv8.2-a+crypto'
NX = 27


# -- values ------------------------------------------------------------
def f32b(x):
    """float or int bit pattern -> 32 bits"""
    if isinstance(x, int):
        return x & 0xffffffff
    return struct.unpack('<I', struct.pack('<f', x))[0]


def f64b(x):
    if isinstance(x, int):
        return x & M64
    return struct.unpack('<Q', struct.pack('<d', x))[0]


def f32x4(a, b=None, c=None, d=None):
    """Four single-precision lanes, lane 0 first (missing lanes repeat)."""
    lanes = [a, b if b is not None else a, c if c is not None else a,
             d if d is not None else a]
    v = 0
    for i, x in enumerate(lanes):
        v |= f32b(x) << (32 * i)
    return v


def f64x2(a, b=None):
    return f64b(a) | f64b(b if b is not None else a) << 64


def u32x4(a, b, c, d):
    return (a & 0xffffffff) | (b & 0xffffffff) << 32 | \
        (c & 0xffffffff) << 64 | (d & 0xffffffff) << 96


def u64x2(a, b):
    return (a & M64) | (b & M64) << 64


# Interesting values, as bit patterns.
S_QNAN = 0x7fc00000
S_SNAN = 0x7f800001
S_NQNAN = 0xffc00123
S_INF = 0x7f800000
S_NINF = 0xff800000
S_DENORM = 0x00000001
S_NDENORM = 0x807fffff
S_MAX = 0x7f7fffff
S_MIN = 0x00800000
D_QNAN = 0x7ff8000000000000
D_SNAN = 0x7ff0000000000001
D_NQNAN = 0xfff8000000000123
D_INF = 0x7ff0000000000000
D_NINF = 0xfff0000000000000
D_DENORM = 0x0000000000000001
D_NDENORM = 0x800fffffffffffff
D_MAX = 0x7fefffffffffffff
D_MIN = 0x0010000000000000

DEFAULT_V = [
    # v0..v7: ordinary singles
    f32x4(1.5, -2.25, 3.0e10, -0.1),
    f32x4(0.5, 4.0, -7.75, 1.0e-3),
    f32x4(2.5, -3.5, 1.0e20, 12345.678),
    f32x4(-0.0, 0.0, 1.0, -1.0),
    f32x4(100.0, -0.3333, 2.0e-20, 65536.5),
    f32x4(0.75, 0.75, -1.5, 7.0),
    f32x4(3.0, -8.5, 1.0e30, 1.0e-30),
    f32x4(1.1, 2.2, 3.3, 4.4),
    # v8..v15: ordinary doubles
    f64x2(1.5, -2.25),
    f64x2(0.1, 1.0e300),
    f64x2(-3.75, 1.0e-300),
    f64x2(123456789.125, -0.0),
    f64x2(2.0, 0.5),
    f64x2(-1.0e10, 7.0),
    f64x2(1.0 / 3.0, -2.0 / 3.0),
    f64x2(4.5, -4.5),
    # v16..v23: single specials
    f32x4(S_QNAN, S_SNAN, S_INF, S_NINF),
    f32x4(S_DENORM, S_NDENORM, S_MAX, S_MIN),
    f32x4(1.0, S_SNAN, S_NQNAN, 0.0),
    f32x4(S_INF, 0.0, -0.0, S_NINF),
    f32x4(2.0, 2.0, S_QNAN, 3.0),
    f32x4(-1.0, 0.5, S_DENORM, 1.0e38),
    f32x4(2147483648.0, -2147483904.0, 4294967296.0, -0.5),
    f32x4(0.5, 1.5, 2.5, -2.5),
    # v24..v31: double specials
    f64x2(D_QNAN, D_SNAN),
    f64x2(D_INF, D_NINF),
    f64x2(D_DENORM, D_NDENORM),
    f64x2(D_MAX, D_MIN),
    f64x2(D_NQNAN, 1.0),
    f64x2(9.3e18, -9.3e18),
    f64x2(0.5, -1.5),
    f64x2(-0.0, 2.5),
]


# -- driver ------------------------------------------------------------
# Inputs: V0..V31 at vin, X0..X26 and FPCR at xin (right after vin).
# Output: X0..X26, FPSR, NZCV (29 quads), then V0..V31.
DRIVER = '\n'.join(
    ['', '    .text', '    .global _start', '_start:',
     '    adr x27, vin'] + ldp_q('x27') +
    ['    ldr x0, [x27, #27 * 8]',
     '    msr fpcr, x0',
     '    msr fpsr, xzr',
     '    msr nzcv, xzr'] + ldp_x('x27') +
    ['    adr x28, ret_label',
     '    b code_start',
     'ret_label:',
     '    adrp x27, outbuf',
     '    add x27, x27, :lo12:outbuf'] + stp_x('x27') +
    ['    mrs x0, fpsr',
     '    str x0, [x27, #216]',
     '    mrs x0, nzcv',
     '    str x0, [x27, #224]',
     '    add x27, x27, #232'] + stp_q('x27') +
    ['    mov x0, #1',
     '    adrp x1, outbuf',
     '    add x1, x1, :lo12:outbuf',
     '    mov x2, #232 + 512',
     '    mov x8, #64',
     '    svc #0'] + SYS_EXIT0 +
    ['    .p2align 4', 'vin:', '%s', 'xin:', '%s',
     '    .p2align 2', 'code_start:', '%s', '    br x28',
     '    .bss', '    .p2align 4', 'outbuf:', '    .skip 1024', ''])


def run_case(tmp, name, asm, fpcr, vin, xin):
    vregs = list(DEFAULT_V)
    for r, v in vin.items():
        vregs[r] = v & M128
    xregs = [0x100 + i for i in range(NX)]
    for r, v in xin.items():
        xregs[r] = v & M64
    vq = []
    for v in vregs:
        vq += [v & M64, v >> 64]
    src = DRIVER % (quads(vq), quads(xregs + [fpcr]), asm)
    out = run_program(tmp, name, src, 'max', [MARCH])
    vals = struct.unpack('<29Q', out[:232])
    xout = list(vals[:NX])
    fpsr = vals[27]
    nzcv = vals[28]
    vout = []
    for i in range(32):
        lo, hi = struct.unpack('<QQ', out[232 + 16 * i:248 + 16 * i])
        vout.append(lo | hi << 64)
    code = assemble_code(tmp, name, asm, [MARCH])
    return vregs, xregs, vout, xout, fpsr, nzcv, code


PROBE = r'''
    .text
    .global _start
_start:
    .inst 0xd4bead3f
    mov x0, #0
    mov x8, #93
    svc #0
'''
PROBE_MARK = struct.pack('<I', 0xd4bead3f)


def qemu_accepts(words, cpu='cortex-a72'):
    """
    For each instruction word, whether QEMU (as cpu, an ARMv8.0 model by
    default, so no FP16) executes it rather than raising SIGILL.  The
    words must not access memory or general-purpose registers.
    """
    with tempfile.TemporaryDirectory() as tmp:
        exe = link_program(tmp, 'probe', PROBE, [MARCH])
        with open(exe, 'rb') as f:
            image = f.read()
        at = image.index(PROBE_MARK)

        def probe(k):
            path = os.path.join(tmp, 'p%d' % k)
            with open(path, 'wb') as f:
                f.write(image[:at] + struct.pack('<I', words[k]) +
                        image[at + 4:])
            os.chmod(path, 0o755)
            r = subprocess.run([QEMU, '-cpu', cpu, path],
                               capture_output=True)
            return r.returncode == 0

        with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
            return list(pool.map(probe, range(len(words))))


def c128(v):
    return '{ 0x%016xull, 0x%016xull }' % (v & M64, v >> 64)

def load_cases(which):
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, 'a64_vec_cases_%s.py' % which.replace('-', '_'))
    spec = importlib.util.spec_from_file_location('cases', path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules['cases'] = mod
    sys.modules['a64_vec_ref'] = sys.modules[__name__]
    spec.loader.exec_module(mod)
    return mod.CASES


def main():
    which = sys.argv[1]
    cases = load_cases(which)
    out = header_start('a64-vec-ref.py %s' % which)
    out.append('static const uint64_t a64_vec_default[32][2] = {')
    for v in DEFAULT_V:
        out.append('    %s,' % c128(v))
    out.append('};')
    out.append('')
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
        names = [c[0] for c in cases]
        assert len(set(names)) == len(names), 'duplicate case names'
        results = pool.map(lambda c: run_case(tmp, *c), cases)
        for (name, asm, fpcr, vin, xin), res in zip(cases, results):
            vregs, xregs, vout, xout, fpsr, nzcv, code = res
            words = code_words(code)
            out += code_array('vc_code_%s' % name, words)
            vi = sorted(vin.items())
            if vi:
                out.append('static const A64VecReg vc_vin_%s[] = {' % name)
                for r, v in vi:
                    out.append('    { %d, %s },' % (r, c128(v & M128)))
                out.append('};')
            vo = [(r, vout[r]) for r in range(32) if vout[r] != vregs[r]]
            if vo:
                out.append('static const A64VecReg vc_vout_%s[] = {' % name)
                for r, v in vo:
                    out.append('    { %d, %s },' % (r, c128(v)))
                out.append('};')
            xi = sorted(xin.items())
            if xi:
                out.append('static const A64XReg vc_xin_%s[] = {' % name)
                for r, v in xi:
                    out.append('    { %d, 0x%016xull },' % (r, v & M64))
                out.append('};')
            xo = [(r, xout[r]) for r in range(NX) if xout[r] != xregs[r]]
            if xo:
                out.append('static const A64XReg vc_xout_%s[] = {' % name)
                for r, v in xo:
                    out.append('    { %d, 0x%016xull },' % (r, v))
                out.append('};')
            out += case_start('A64VecCase', 'vc_case_%s' % name, name,
                              'vc_code_%s' % name, len(words))
            out.append('    .fpcr = 0x%08x,' % fpcr)
            if vi:
                out.append('    .vin = vc_vin_%s, .nvin = %d,' % (name,
                                                                 len(vi)))
            if vo:
                out.append('    .vout = vc_vout_%s, .nvout = %d,' % (name,
                                                                    len(vo)))
            if xi:
                out.append('    .xin = vc_xin_%s, .nxin = %d,' % (name,
                                                                 len(xi)))
            if xo:
                out.append('    .xout = vc_xout_%s, .nxout = %d,' % (name,
                                                                    len(xo)))
            out.append('    .fpsr = 0x%08x,' % fpsr)
            out.append('    .nzcv = 0x%08x,' % nzcv)
            out.append('};')
            out.append('')
    undef = getattr(sys.modules['cases'], 'UNDEF', [])
    out.append('/* Words the reference raises SIGILL for. */')
    out.append('static const uint32_t a64_vec_undef[] = {')
    out += word_rows(undef)
    if not undef:
        out.append('    0')
    out.append('};')
    out.append('static const size_t a64_vec_nundef = %d;' % len(undef))
    out.append('')
    out += case_table('A64VecCase', 'a64_vec_cases',
                      ['vc_case_%s' % c[0] for c in cases])
    print('\n'.join(out))


if __name__ == '__main__':
    sys.exit(main())

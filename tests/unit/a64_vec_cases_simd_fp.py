# SPDX-License-Identifier: GPL-2.0-or-later
"""
Advanced SIMD floating-point cases for a64-vec-ref.py
(test-a64-simd-fp-cases.h).

Each instruction of a case is followed by `mrs xK, fpsr; msr fpsr, xzr`
so the flags of every instruction are checked separately (x0..x26).
"""
from a64_vec_ref import (f32x4, f64x2, u32x4, u64x2, S_QNAN, S_SNAN,
                         S_DENORM, S_INF, S_NINF)

CASES = []

FZ = 1 << 24
DN = 1 << 25
AHP = 1 << 26


def rm(mode):
    return mode << 22


def case(name, insns, fpcr=0, v=None, x=None):
    assert len(insns) <= 27, name
    asm = []
    for k, insn in enumerate(insns):
        asm.append('    ' + insn)
        asm.append('    mrs x%d, fpsr' % k)
        asm.append('    msr fpsr, xzr')
    CASES.append((name, '\n'.join(asm) + '\n', fpcr, dict(v or {}),
                  dict(x or {})))


# Operand pairs: singles live in v0..v7 (ordinary) and v16..v23
# (specials), doubles in v8..v15 and v24..v31.
S_PAIRS = [(0, 1), (16, 17), (18, 19), (20, 21), (2, 22), (17, 16),
           (23, 6), (3, 5)]
S_DESTS = [24, 25, 26, 27, 28, 29, 30, 31]
D_PAIRS = [(8, 9), (24, 25), (26, 27), (28, 29), (30, 10), (25, 24),
           (11, 31), (12, 13)]
D_DESTS = [0, 1, 2, 3, 4, 5, 6, 7]

THREE_SAME = ['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm',
              'fminnm', 'fmla', 'fmls', 'fabd', 'fmulx', 'frecps',
              'frsqrts', 'fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt',
              'faddp', 'fmaxp', 'fminp', 'fmaxnmp', 'fminnmp']


def three_same_insns(op, dbl):
    out = []
    if dbl:
        for (n, m), d in zip(D_PAIRS, D_DESTS):
            out.append('%s v%d.2d, v%d.2d, v%d.2d' % (op, d, n, m))
    else:
        for k, ((n, m), d) in enumerate(zip(S_PAIRS, S_DESTS)):
            arr = '2s' if k == 5 else '4s'
            out.append('%s v%d.%s, v%d.%s, v%d.%s' % (op, d, arr, n, arr, m,
                                                     arr))
    return out


for op in THREE_SAME:
    case('%s_s' % op, three_same_insns(op, False))
    case('%s_d' % op, three_same_insns(op, True))

# Rounding modes, flush-to-zero and default NaN on the arithmetic.
for op in ['fadd', 'fmul', 'fdiv', 'fmla', 'fmax', 'fminnm', 'frecps']:
    for tag, fpcr in [('rp', rm(1)), ('rm', rm(2)), ('rz', rm(3)),
                      ('fz', FZ), ('dn', DN), ('fzdn', FZ | DN | rm(1))]:
        case('%s_s_%s' % (op, tag), three_same_insns(op, False), fpcr)
        case('%s_d_%s' % (op, tag), three_same_insns(op, True), fpcr)

# Rounding and overflow edges.
case('arith_edges', [
    'fadd v24.4s, v0.4s, v1.4s',
    'fmul v25.4s, v17.4s, v17.4s',
    'fmul v26.4s, v2.4s, v2.4s',
    'fdiv v27.4s, v3.4s, v3.4s',
    'fdiv v28.4s, v0.4s, v3.4s',
    'fsub v29.4s, v19.4s, v19.4s',
    'fmul v30.4s, v19.4s, v3.4s',
    'fmla v31.4s, v16.4s, v3.4s',
    'fadd v0.2d, v27.2d, v27.2d',
    'fmul v1.2d, v26.2d, v12.2d',
    'fdiv v2.2d, v9.2d, v26.2d',
    'fmla v3.2d, v25.2d, v31.2d',
    'fmulx v4.2d, v25.2d, v31.2d',
    'fmulx v5.4s, v19.4s, v19.4s',
], v={1: f32x4(1.0e-8, 3.0e38, -3.0e38, 1.0)})

# Aliasing: Vd is also a source.
case('alias', [
    'fadd v0.4s, v0.4s, v0.4s',
    'fmla v1.4s, v1.4s, v1.4s',
    'fmls v2.4s, v3.4s, v2.4s',
    'faddp v4.4s, v4.4s, v5.4s',
    'fmaxp v6.4s, v7.4s, v6.4s',
    'fmul v8.2d, v8.2d, v9.d[1]',
    'fmla v10.2d, v11.2d, v10.d[0]',
    'fabs v12.2d, v12.2d',
    'fcvtzs v13.2d, v13.2d',
    'fcvtn2 v14.4s, v14.2d',
    'fcvtl2 v15.2d, v15.4s',
    'fmaxv s16, v16.4s',
    'faddp d9, v9.2d',
])

# ---- Scalar three same -------------------------------------------------
SCALAR3 = ['fabd', 'fmulx', 'frecps', 'frsqrts', 'fcmeq', 'fcmge', 'fcmgt',
           'facge', 'facgt']
for op in SCALAR3:
    ins = []
    for (n, m), d in zip(S_PAIRS[:6], S_DESTS):
        ins.append('%s s%d, s%d, s%d' % (op, d, n, m))
    for (n, m), d in zip(D_PAIRS[:6], D_DESTS):
        ins.append('%s d%d, d%d, d%d' % (op, d, n, m))
    case('scalar_%s' % op, ins)
case('scalar_misc_lanes', [
    'fabd s24, s0, s1',
    'fcmgt d0, d8, d9',
    'frecps s25, s16, s3',
    'frsqrts d1, d25, d11',
], v={24: u64x2(-1, -1), 25: u64x2(-1, -1), 0: u64x2(-1, -1)})

# ---- Two-register misc --------------------------------------------------
S_IN = [0, 1, 2, 4, 6, 16, 17, 18, 19, 20, 21, 22, 23]
D_IN = [8, 9, 10, 11, 13, 24, 25, 26, 27, 28, 29, 30, 31]


def unary_insns(fmt, dbl, inputs=None):
    """fmt: e.g. 'fabs {d}.{a}, {n}.{a}'; one insn per input."""
    out = []
    ins = inputs or (D_IN if dbl else S_IN)
    dests = (list(range(0, 8)) + [12, 14, 15, 14, 15]) if dbl else \
        (list(range(24, 32)) + [3, 5, 7, 3, 5])
    for k, n in enumerate(ins):
        d = dests[k]
        arr = '2d' if dbl else ('2s' if k == 4 else '4s')
        out.append(fmt.format(d='v%d' % d, n='v%d' % n, a=arr))
    return out


UNARY = ['fabs', 'fneg', 'fsqrt', 'frintn', 'frinta', 'frintp', 'frintm',
         'frintz', 'frintx', 'frinti', 'fcvtns', 'fcvtnu', 'fcvtps',
         'fcvtpu', 'fcvtms', 'fcvtmu', 'fcvtzs', 'fcvtzu', 'fcvtas',
         'fcvtau', 'frecpe', 'frsqrte']
for op in UNARY:
    case('%s_s' % op, unary_insns(op + ' {d}.{a}, {n}.{a}', False))
    case('%s_d' % op, unary_insns(op + ' {d}.{a}, {n}.{a}', True))
for op in ['fsqrt', 'frintx', 'frinti', 'fcvtns', 'fcvtzu', 'frecpe']:
    for tag, fpcr in [('rp', rm(1)), ('rm', rm(2)), ('rz', rm(3)),
                      ('fz', FZ), ('dn', DN)]:
        case('%s_s_%s' % (op, tag),
             unary_insns(op + ' {d}.{a}, {n}.{a}', False), fpcr)
        case('%s_d_%s' % (op, tag),
             unary_insns(op + ' {d}.{a}, {n}.{a}', True), fpcr)
for op in ['fcmgt', 'fcmeq', 'fcmlt', 'fcmge', 'fcmle']:
    case('%s0_s' % op, unary_insns(op + ' {d}.{a}, {n}.{a}, #0.0', False))
    case('%s0_d' % op, unary_insns(op + ' {d}.{a}, {n}.{a}, #0.0', True))

# Values around rounding ties and integer limits.
TIES_S = {1: f32x4(0.5, 1.5, 2.5, -2.5), 2: f32x4(-0.5, 3.49999, 4.5e9,
                                                  -3.0e9),
          4: f32x4(1.0e10, -1.0e10, 2.9999998, -0.75)}
TIES_D = {9: f64x2(2.5, -3.5), 10: f64x2(1.0e19, -9.3e18),
          11: f64x2(4.5, 1.8446744073709552e19)}
for op in ['frintn', 'frinta', 'frintx', 'fcvtns', 'fcvtas', 'fcvtau',
           'fcvtzs', 'fcvtzu', 'fcvtms', 'fcvtpu']:
    case('%s_ties' % op,
         unary_insns(op + ' {d}.{a}, {n}.{a}', False, [1, 2, 4, 22, 23]) +
         unary_insns(op + ' {d}.{a}, {n}.{a}', True, [9, 10, 11, 29, 30]),
         v={**TIES_S, **TIES_D})

# Integer to FP.
INTS_S = {0: u32x4(0x80000000, 0x7fffffff, 1, 0xffffffff),
          1: u32x4(0x01000001, 0xfefffffe, 0, 123456789),
          2: u32x4(0x00ffffff, 0x80000001, 0x7fffff80, 0x7fffffc0)}
INTS_D = {8: u64x2(1 << 63, (1 << 63) - 1), 9: u64x2(1, -1),
          10: u64x2(0x0020000000000001, 0xffffffffffffff00)}
for op in ['scvtf', 'ucvtf']:
    for tag, fpcr in [('', 0), ('_rp', rm(1)), ('_rm', rm(2)),
                      ('_rz', rm(3))]:
        case(op + tag,
             unary_insns(op + ' {d}.{a}, {n}.{a}', False, [0, 1, 2, 3]) +
             unary_insns(op + ' {d}.{a}, {n}.{a}', True, [8, 9, 10, 11]) +
             [op + ' s3, s0', op + ' d12, d8', op + ' s5, s1',
              op + ' d14, d9'],
             fpcr, v={**INTS_S, **INTS_D})
case('urecpe_ursqrte', [
    'urecpe v24.4s, v0.4s', 'urecpe v25.2s, v1.2s',
    'urecpe v26.4s, v2.4s', 'ursqrte v27.4s, v0.4s',
    'ursqrte v28.2s, v1.2s', 'ursqrte v29.4s, v2.4s',
    'urecpe v30.4s, v3.4s', 'ursqrte v31.4s, v3.4s',
], v={**INTS_S, 3: u32x4(0x40000000, 0x3fffffff, 0xc0000000,
                         0x20000000)})

# Scalar two-register misc.
SCALAR2 = ['fcvtns', 'fcvtnu', 'fcvtps', 'fcvtpu', 'fcvtms', 'fcvtmu',
           'fcvtzs', 'fcvtzu', 'fcvtas', 'fcvtau', 'frecpe', 'frsqrte',
           'frecpx']
for op in SCALAR2:
    ins = ['%s s%d, s%d' % (op, d, n)
           for d, n in zip(S_DESTS, [0, 2, 16, 17, 18, 19, 21, 22])]
    ins += ['%s d%d, d%d' % (op, d, n)
            for d, n in zip(D_DESTS, [8, 9, 24, 25, 26, 27, 29, 30])]
    case('scalar_%s' % op, ins)
case('scalar_fcmp0', [
    'fcmgt s24, s0, #0.0', 'fcmeq s25, s3, #0.0', 'fcmlt s26, s16, #0.0',
    'fcmge s27, s19, #0.0', 'fcmle s28, s21, #0.0',
    'fcmgt d0, d8, #0.0', 'fcmeq d1, d11, #0.0', 'fcmlt d2, d24, #0.0',
    'fcmge d3, d25, #0.0', 'fcmle d4, d29, #0.0', 'fcmle d5, d31, #0.0',
])
case('frecpx_fz', ['frecpx s%d, s%d' % (d, n)
                   for d, n in zip(S_DESTS, [0, 2, 16, 17, 19, 21])] +
     ['frecpx d%d, d%d' % (d, n)
      for d, n in zip(D_DESTS, [8, 9, 25, 26, 27, 28])], FZ)

# ---- Precision changes -------------------------------------------------
CVT = [
    'fcvtn v24.4h, v0.4s', 'fcvtn2 v24.8h, v16.4s',
    'fcvtl v25.4s, v24.4h', 'fcvtl2 v26.4s, v24.8h',
    'fcvtn v27.2s, v8.2d', 'fcvtn2 v27.4s, v24.2d',
    'fcvtl v28.2d, v17.2s', 'fcvtl2 v29.2d, v17.4s',
    'fcvtxn v30.2s, v9.2d', 'fcvtxn2 v30.4s, v27.2d',
    'fcvtxn s31, d10', 'fcvtn v0.2s, v26.2d', 'fcvtn2 v0.4s, v29.2d',
    'fcvtxn v1.2s, v26.2d', 'fcvtl v2.4s, v18.4h', 'fcvtl2 v3.4s, v19.8h',
    'fcvtn v4.4h, v2.4s', 'fcvtn v5.4h, v21.4s', 'fcvtxn s6, d13',
    'fcvtxn s7, d12', 'fcvtn v12.2s, v9.2d', 'fcvtl v13.2d, v1.2s',
]
for tag, fpcr in [('', 0), ('_rp', rm(1)), ('_rz', rm(3)), ('_fz', FZ),
                  ('_dn', DN), ('_ahp', AHP), ('_ahp_fz', AHP | FZ)]:
    case('cvt' + tag, CVT, fpcr)

# ---- Across lanes and scalar pairwise ------------------------------------
ACROSS = []
for op in ['fmaxv', 'fminv', 'fmaxnmv', 'fminnmv']:
    for d, n in [(24, 0), (25, 16), (26, 17), (27, 18), (28, 20)]:
        ACROSS.append('%s s%d, v%d.4s' % (op, d, n))
case('across', ACROSS)
case('across_fz_dn', ACROSS, FZ | DN)
PAIRS = []
for op in ['faddp', 'fmaxp', 'fminp', 'fmaxnmp', 'fminnmp']:
    for d, n in [(24, 0), (25, 16), (26, 18), (27, 19)]:
        PAIRS.append('%s s%d, v%d.2s' % (op, d, n))
    for d, n in [(0, 8), (1, 24), (2, 28)]:
        PAIRS.append('%s d%d, v%d.2d' % (op, d, n))
case('scalar_pair_1', PAIRS[:18])
case('scalar_pair_2', PAIRS[18:])
case('scalar_pair_fz', PAIRS[:18], FZ | rm(2))

# ---- By element -----------------------------------------------------------
for op in ['fmul', 'fmla', 'fmls', 'fmulx']:
    ins = []
    for k, (n, m) in enumerate(S_PAIRS):
        arr = '2s' if k == 5 else '4s'
        ins.append('%s v%d.%s, v%d.%s, v%d.s[%d]' % (op, S_DESTS[k], arr, n,
                                                    arr, m, k % 4))
    for k, (n, m) in enumerate(D_PAIRS[:6]):
        ins.append('%s v%d.2d, v%d.2d, v%d.d[%d]' % (op, D_DESTS[k], n, m,
                                                    k % 2))
    ins.append('%s s12, s0, v17.s[3]' % op)
    ins.append('%s s13, s16, v1.s[1]' % op)
    ins.append('%s d14, d8, v25.d[1]' % op)
    ins.append('%s d15, d24, v9.d[0]' % op)
    case('idx_%s' % op, ins)
    case('idx_%s_fz' % op, ins, FZ | DN)

# ---- Fixed-point conversions ----------------------------------------------
FIX = []
for op in ['fcvtzs', 'fcvtzu']:
    FIX += ['%s v24.4s, v0.4s, #1' % op, '%s v25.4s, v22.4s, #32' % op,
            '%s v26.2s, v1.2s, #16' % op, '%s v27.2d, v13.2d, #1' % op,
            '%s v28.2d, v29.2d, #64' % op, '%s s29, s4, #31' % op,
            '%s d30, d9, #40' % op]
case('fix_to', FIX[:14])
FIX = []
for op in ['scvtf', 'ucvtf']:
    FIX += ['%s v24.4s, v0.4s, #1' % op, '%s v25.4s, v1.4s, #32' % op,
            '%s v26.2s, v2.2s, #16' % op, '%s v27.2d, v8.2d, #1' % op,
            '%s v28.2d, v9.2d, #64' % op, '%s s29, s0, #31' % op,
            '%s d30, d10, #40' % op]
case('fix_from', FIX, v={**INTS_S, **INTS_D})
case('fix_from_rz', FIX, rm(3), v={**INTS_S, **INTS_D})

# ---- Upper halves are zeroed by 64-bit forms -------------------------------
case('zero_upper', [
    'fadd v24.2s, v0.2s, v1.2s', 'fneg v25.2s, v0.2s',
    'fmul v26.2s, v0.2s, v1.s[1]', 'fcvtzs v27.2s, v0.2s, #3',
    'faddp v28.2s, v0.2s, v1.2s', 'fabd s29, s0, s1', 'fmulx d0, d8, d9',
    'fcvtzs s30, s0', 'frecpe d1, d8',
], v={24: u64x2(-1, -1), 25: u64x2(-1, -1), 26: u64x2(-1, -1),
      27: u64x2(-1, -1), 28: u64x2(-1, -1), 29: u64x2(-1, -1),
      30: u64x2(-1, -1)})

# Flags accumulate over lanes and instructions.
case('flags_accumulate', [
    'fadd v24.4s, v16.4s, v17.4s\n    fmul v25.4s, v2.4s, v2.4s',
    'fdiv v26.4s, v0.4s, v3.4s\n    fcvtzs v27.4s, v2.4s',
], v={17: f32x4(S_DENORM, S_SNAN, S_INF, S_NINF),
      16: f32x4(S_QNAN, 1.0, 0.0, S_DENORM)})

# ---- Random encodings of the SIMD FP classes --------------------------------
# Random words of each encoding class (FP opcodes, every size, Q, U, a and
# register); qemu-aarch64-static -cpu cortex-a72 (ARMv8.0: no FP16) says
# which are allocated.  Those run as reference cases, 20 per case under a
# rotating FPCR; the rest must raise UDEF (UNDEF below).
import random  # noqa: E402
from a64_vec_ref import qemu_accepts  # noqa: E402

_rng = random.Random(0x5fd)


def _regs(fixed, rm=True):
    w = fixed | _rng.getrandbits(5) | _rng.getrandbits(5) << 5
    if rm:
        w |= _rng.getrandbits(5) << 16
    return w


def _bits(n, at):
    return _rng.getrandbits(n) << at


def _fuzz_words():
    words = []
    for _ in range(160):
        # three same FP, vector and scalar: opcode 11xxx
        w = _regs(0x0e20c400) | _bits(2, 29) | _bits(2, 22) | _bits(3, 11)
        words.append(w)
        w = _regs(0x5e20c400) | _bits(1, 29) | _bits(2, 22) | _bits(3, 11)
        words.append(w)
    misc_ops = [0x0c, 0x0d, 0x0e, 0x0f, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
                0x1c, 0x1d, 0x1e, 0x1f]
    for _ in range(200):
        op = _rng.choice(misc_ops) << 12
        words.append(_regs(0x0e200800 | op, False) | _bits(2, 29) |
                     _bits(2, 22))
        op = _rng.choice(misc_ops) << 12
        words.append(_regs(0x5e200800 | op, False) | _bits(1, 29) |
                     _bits(2, 22))
    for _ in range(60):
        op = _rng.choice([0x0c, 0x0d, 0x0f]) << 12
        words.append(_regs(0x0e300800 | op, False) | _bits(2, 29) |
                     _bits(2, 22))
        words.append(_regs(0x5e300800 | op, False) | _bits(1, 29) |
                     _bits(2, 22))
    for _ in range(120):
        op = _rng.choice([0x1, 0x5, 0x9]) << 12
        words.append(_regs(0x0f000000 | op) | _bits(2, 29) | _bits(2, 22) |
                     _bits(1, 21) | _bits(1, 11))
        op = _rng.choice([0x1, 0x5, 0x9]) << 12
        words.append(_regs(0x5f000000 | op) | _bits(1, 29) | _bits(2, 22) |
                     _bits(1, 21) | _bits(1, 11))
    for _ in range(80):
        op = _rng.choice([0x1c, 0x1f]) << 11
        immhb = _rng.randrange(8, 128) << 16
        words.append(_regs(0x0f000400 | op | immhb, False) | _bits(2, 29))
        op = _rng.choice([0x1c, 0x1f]) << 11
        immhb = _rng.randrange(8, 128) << 16
        words.append(_regs(0x5f000400 | op | immhb, False) | _bits(1, 29))
    return sorted(set(words))


def _fuzz():
    words = _fuzz_words()
    ok = qemu_accepts(words)
    good = [w for w, a in zip(words, ok) if a]
    bad = [w for w, a in zip(words, ok) if not a]
    _rng.shuffle(good)
    fpcrs = [0, rm(1), rm(2), rm(3), FZ, DN, FZ | DN | rm(3), AHP]
    for k in range(0, len(good), 20):
        chunk = good[k:k + 20]
        case('fuzz_%03d' % (k // 20), ['.inst 0x%08x' % w for w in chunk],
             fpcrs[(k // 20) % len(fpcrs)])
    return bad


UNDEF = _fuzz()

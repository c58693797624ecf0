#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Regenerate tests/unit/test-a64-simd-cases.h: Advanced SIMD integer,
permute and structure load/store sequences with the register, FPSR and
memory results the reference (qemu-aarch64-static) produces for them.
Not run by the build: the header is checked in.

    tests/unit/a64-simd-ref.py > tests/unit/test-a64-simd-cases.h

Each case runs at 0x10000 with x0..x26 = 0x20000 + 0x100 * n (addresses
into the data area, unless given), x29 = 0x129, x30 = 0x130,
sp = 0x2f000, FPSR = 0, and V0..V31 from a per-case pseudo-random table
rich in lane edge values (0x00, 0x01, 0x7f, 0x80, 0xff); memory at
0x20000..0x40000 holds byte i = (i * 13 + 7) & 0xff.  The case must not
touch x27/x28.  Expected: x0..x26, x29, x30, sp, V0..V31, FPSR and an
FNV-1a 64 hash of 0x20000..0x21000.

Assembling, running under QEMU and the driver program (flat_driver())
are shared with a64-ref.py and a64-vec-ref.py in a64_qemu_ref.py next
to this script; this file holds the cases, their inputs and the header
layout.
"""

import os
import random
import struct
import sys
import tempfile

sys.dont_write_bytecode = True   # keep __pycache__ out of the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a64_qemu_ref import (M64, assemble_code, case_start,  # noqa: E402
                          case_table, code_array, code_words, flat_driver,
                          fnv1a, header_start, quads, run_program,
                          value_rows)

CASES = []


def case(name, asm, **kw):
    CASES.append((name, asm, kw))


def vinputs(name, kw):
    rng = random.Random(name)
    edge = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x81]
    out = []
    for r in range(32):
        b = bytes(rng.choice(edge) if rng.random() < 0.3
                  else rng.randrange(256) for _ in range(16))
        lo, hi = struct.unpack('<2Q', b)
        if ('v%d' % r) in kw:
            lo, hi = kw['v%d' % r]
        out.append((lo & M64, hi & M64))
    return out


def xinputs(kw):
    vals = [0x20000 + 0x100 * n for n in range(31)]
    vals[27] = 0x2f000       # slot 27 holds sp
    vals[28] = 0x129         # x29
    vals[29] = 0x130         # x30
    vals[30] = 0
    for k, v in kw.items():
        if k.startswith('x'):
            assert int(k[1:]) < 27
            vals[int(k[1:])] = v & M64
    return vals


# -- three same -------------------------------------------------------
case('logic', '''
    and v0.16b, v1.16b, v2.16b
    bic v3.8b, v4.8b, v5.8b
    orr v6.16b, v7.16b, v8.16b
    orn v9.16b, v10.16b, v11.16b
    eor v12.8b, v13.8b, v14.8b
    bsl v15.16b, v16.16b, v17.16b
    bit v18.16b, v19.16b, v20.16b
    bif v21.8b, v22.8b, v23.8b
    mov v24.16b, v25.16b
    not v26.16b, v27.16b
    mvn v28.8b, v29.8b
    eor v30.16b, v30.16b, v31.16b
''')
for arr, seed in [(a, k) for k in ['', '_b'] for a in
                  ['8b', '16b', '4h', '8h', '2s', '4s', '2d']]:
    case('addsub_' + arr + seed, '''
    add v0.{a}, v1.{a}, v2.{a}
    sub v3.{a}, v4.{a}, v5.{a}
    add v6.{a}, v6.{a}, v6.{a}
    sub v7.{a}, v8.{a}, v7.{a}
    cmeq v9.{a}, v10.{a}, v11.{a}
    cmeq v12.{a}, v13.{a}, v13.{a}
    cmeq v14.{a}, v15.{a}, #0
    cmtst v16.{a}, v17.{a}, v18.{a}
    cmgt v19.{a}, v20.{a}, v21.{a}
    cmge v22.{a}, v23.{a}, v24.{a}
    cmhi v25.{a}, v26.{a}, v27.{a}
    cmhs v28.{a}, v29.{a}, v30.{a}
    cmge v31.{a}, v1.{a}, #0
    cmgt v2.{a}, v4.{a}, #0
    cmle v5.{a}, v8.{a}, #0
    cmlt v10.{a}, v11.{a}, #0
'''.format(a=arr))
for arr in ['8b', '16b', '4h', '8h', '2s', '4s']:
    case('arith_' + arr, '''
    shadd v0.{a}, v1.{a}, v2.{a}
    uhadd v3.{a}, v4.{a}, v5.{a}
    srhadd v6.{a}, v7.{a}, v8.{a}
    urhadd v9.{a}, v10.{a}, v11.{a}
    shsub v12.{a}, v13.{a}, v14.{a}
    uhsub v15.{a}, v16.{a}, v17.{a}
    smax v18.{a}, v19.{a}, v20.{a}
    umax v21.{a}, v22.{a}, v23.{a}
    smin v24.{a}, v25.{a}, v26.{a}
    umin v27.{a}, v28.{a}, v29.{a}
    sabd v30.{a}, v31.{a}, v0.{a}
    uabd v1.{a}, v2.{a}, v3.{a}
    saba v4.{a}, v5.{a}, v6.{a}
    uaba v7.{a}, v8.{a}, v9.{a}
    mul v10.{a}, v11.{a}, v12.{a}
    mla v13.{a}, v14.{a}, v15.{a}
    mls v16.{a}, v17.{a}, v18.{a}
    smaxp v19.{a}, v20.{a}, v21.{a}
    umaxp v22.{a}, v23.{a}, v24.{a}
    sminp v25.{a}, v26.{a}, v27.{a}
    uminp v28.{a}, v29.{a}, v30.{a}
    addp v31.{a}, v0.{a}, v1.{a}
'''.format(a=arr))
for seed in ['a', 'b', 'c']:
    case('pairwise_bytes_' + seed, '''
    umaxp v0.16b, v1.16b, v2.16b
    uminp v3.16b, v4.16b, v5.16b
    addp v6.16b, v7.16b, v8.16b
    umaxp v9.8b, v10.8b, v11.8b
    uminp v12.8b, v13.8b, v14.8b
    addp v15.8b, v16.8b, v17.8b
    xtn v18.8b, v19.8h
    xtn2 v20.8h, v21.4s
    xtn v22.2s, v23.2d
    shrn v24.4h, v25.4s, #9
    shrn2 v26.4s, v27.2d, #31
    cmhs v28.16b, v29.16b, v28.16b
''')
case('pairwise_alias', '''
    umaxp v0.16b, v0.16b, v0.16b
    uminp v1.16b, v2.16b, v1.16b
    addp v3.16b, v3.16b, v4.16b
    addp v5.2d, v6.2d, v5.2d
    pmul v7.16b, v8.16b, v9.16b
    pmul v10.8b, v11.8b, v12.8b
    addp d13, v14.2d
''')
for arr in ['8b', '16b', '4h', '8h', '2s', '4s', '2d']:
    case('sat_' + arr, '''
    sqadd v0.{a}, v1.{a}, v2.{a}
    uqadd v3.{a}, v4.{a}, v5.{a}
    sqsub v6.{a}, v7.{a}, v8.{a}
    uqsub v9.{a}, v10.{a}, v11.{a}
    sshl v12.{a}, v13.{a}, v14.{a}
    ushl v15.{a}, v16.{a}, v17.{a}
    srshl v18.{a}, v19.{a}, v20.{a}
    urshl v21.{a}, v22.{a}, v23.{a}
    sqshl v24.{a}, v25.{a}, v26.{a}
    uqshl v27.{a}, v28.{a}, v29.{a}
    sqrshl v30.{a}, v31.{a}, v0.{a}
    uqrshl v1.{a}, v2.{a}, v3.{a}
'''.format(a=arr))
# Small shift counts so the shifts do something other than saturate.
case('shl_reg_small', '''
    movi v1.16b, #3
    mvni v2.8h, #6
    movi v3.4s, #31
    sshl v4.16b, v10.16b, v1.16b
    ushl v5.8h, v11.8h, v2.8h
    srshl v6.4s, v12.4s, v2.4s
    urshl v7.8h, v13.8h, v2.8h
    sqshl v8.16b, v14.16b, v1.16b
    uqshl v9.4s, v15.4s, v3.4s
    sqrshl v16.8h, v17.8h, v2.8h
    uqrshl v18.2d, v19.2d, v2.2d
    sshl v20.2d, v21.2d, v3.2d
    ushl d22, d23, d3
    srshl d24, d25, d2
''')
for sz in ['b', 'h', 's', 'd']:
    case('scalar_sat_' + sz, '''
    sqadd {s}0, {s}1, {s}2
    uqadd {s}3, {s}4, {s}5
    sqsub {s}6, {s}7, {s}8
    uqsub {s}9, {s}10, {s}11
    sqshl {s}12, {s}13, {s}14
    uqshl {s}15, {s}16, {s}17
    sqrshl {s}18, {s}19, {s}20
    uqrshl {s}21, {s}22, {s}23
    suqadd {s}24, {s}25
    usqadd {s}26, {s}27
    sqabs {s}28, {s}29
    sqneg {s}30, {s}31
'''.format(s=sz))
case('scalar_d', '''
    add d0, d1, d2
    sub d3, d4, d5
    cmeq d6, d7, d8
    cmeq d9, d10, d10
    cmgt d11, d12, d13
    cmhi d14, d15, d16
    cmge d17, d18, d19
    cmhs d20, d21, d22
    cmtst d23, d24, d25
    cmeq d26, d27, #0
    cmlt d28, d29, #0
    abs d30, d31
    neg d0, d1
    sshl d2, d3, d4
    cmgt d5, d6, #0
    cmle d7, d8, #0
    cmge d9, d10, #0
''')
case('qdmulh', '''
    sqdmulh v0.4h, v1.4h, v2.4h
    sqdmulh v3.8h, v4.8h, v5.8h
    sqrdmulh v6.2s, v7.2s, v8.2s
    sqrdmulh v9.4s, v10.4s, v11.4s
    sqdmulh h12, h13, h14
    sqrdmulh s15, s16, s17
    mvni v18.8h, #0x7f, lsl #8
    sqdmulh v19.8h, v18.8h, v18.8h
    sqrdmulh v20.8h, v18.8h, v18.8h
''')
# -- three different --------------------------------------------------
for arr, w in [('8b', '8h'), ('4h', '4s'), ('2s', '2d')]:
    for two in ['', '2']:
        n = arr if not two else {'8b': '16b', '4h': '8h', '2s': '4s'}[arr]
        case('long_%s%s' % (arr, two), '''
    saddl{t} v0.{w}, v1.{n}, v2.{n}
    uaddl{t} v3.{w}, v4.{n}, v5.{n}
    saddw{t} v6.{w}, v7.{w}, v8.{n}
    uaddw{t} v9.{w}, v10.{w}, v11.{n}
    ssubl{t} v12.{w}, v13.{n}, v14.{n}
    usubl{t} v15.{w}, v16.{n}, v17.{n}
    ssubw{t} v18.{w}, v19.{w}, v20.{n}
    usubw{t} v21.{w}, v22.{w}, v23.{n}
    sabal{t} v24.{w}, v25.{n}, v26.{n}
    uabal{t} v27.{w}, v28.{n}, v29.{n}
    sabdl{t} v30.{w}, v31.{n}, v0.{n}
    uabdl{t} v1.{w}, v2.{n}, v3.{n}
    smlal{t} v4.{w}, v5.{n}, v6.{n}
    umlal{t} v7.{w}, v8.{n}, v9.{n}
    smlsl{t} v10.{w}, v11.{n}, v12.{n}
    umlsl{t} v13.{w}, v14.{n}, v15.{n}
    smull{t} v16.{w}, v17.{n}, v18.{n}
    umull{t} v19.{w}, v20.{n}, v21.{n}
    addhn{t} v22.{n}, v23.{w}, v24.{w}
    raddhn{t} v25.{n}, v26.{w}, v27.{w}
    subhn{t} v28.{n}, v29.{w}, v30.{w}
    rsubhn{t} v31.{n}, v0.{w}, v1.{w}
'''.format(t=two, w=w, n=n))
for arr, w in [('4h', '4s'), ('2s', '2d')]:
    for two in ['', '2']:
        n = arr if not two else {'4h': '8h', '2s': '4s'}[arr]
        case('qdml_%s%s' % (arr, two), '''
    sqdmlal{t} v0.{w}, v1.{n}, v2.{n}
    sqdmlsl{t} v3.{w}, v4.{n}, v5.{n}
    sqdmull{t} v6.{w}, v7.{n}, v8.{n}
    mvni v9.8h, #0x7f, lsl #8
    sqdmull{t} v10.{w}, v9.{n}, v9.{n}
    sqdmlal{t} v11.{w}, v9.{n}, v9.{n}
'''.format(t=two, w=w, n=n))
case('qdml_scalar', '''
    sqdmlal s0, h1, h2
    sqdmlsl d3, s4, s5
    sqdmull s6, h7, h8
    sqdmull d9, s10, s11
''')
# -- two-register misc ------------------------------------------------
case('misc_rev_cnt', '''
    rev64 v0.16b, v1.16b
    rev64 v2.4h, v3.4h
    rev64 v4.4s, v5.4s
    rev32 v6.16b, v7.16b
    rev32 v8.8h, v9.8h
    rev16 v10.8b, v11.8b
    cnt v12.16b, v13.16b
    rbit v14.8b, v15.8b
    cls v16.16b, v17.16b
    clz v18.8h, v19.8h
    cls v20.4s, v21.4s
    clz v22.2s, v23.2s
    clz v24.16b, v25.16b
    cls v26.4h, v27.4h
''')
for arr in ['8b', '16b', '4h', '8h', '2s', '4s']:
    case('misc_' + arr, '''
    abs v0.{a}, v1.{a}
    neg v2.{a}, v3.{a}
    sqabs v4.{a}, v5.{a}
    sqneg v6.{a}, v7.{a}
    suqadd v8.{a}, v9.{a}
    usqadd v10.{a}, v11.{a}
    saddlp v12.{w}, v13.{a}
    uaddlp v14.{w}, v15.{a}
    sadalp v16.{w}, v17.{a}
    uadalp v18.{w}, v19.{a}
'''.format(a=arr, w={'8b': '4h', '16b': '8h', '4h': '2s', '8h': '4s',
                     '2s': '1d', '4s': '2d'}[arr]))
case('misc_2d', '''
    abs v0.2d, v1.2d
    neg v2.2d, v3.2d
    sqabs v4.2d, v5.2d
    sqneg v6.2d, v7.2d
    cmeq v8.2d, v9.2d, #0
    cmlt v10.2d, v11.2d, #0
    suqadd v12.2d, v13.2d
    usqadd v14.2d, v15.2d
''')
for w, n in [('8h', '8b'), ('4s', '4h'), ('2d', '2s')]:
    n2 = {'8b': '16b', '4h': '8h', '2s': '4s'}[n]
    case('narrow_' + n, '''
    xtn v0.{n}, v1.{w}
    xtn2 v2.{n2}, v3.{w}
    sqxtn v4.{n}, v5.{w}
    sqxtn2 v6.{n2}, v7.{w}
    uqxtn v8.{n}, v9.{w}
    uqxtn2 v10.{n2}, v11.{w}
    sqxtun v12.{n}, v13.{w}
    sqxtun2 v14.{n2}, v15.{w}
    shll v16.{w}, v17.{n}, #{sh}
    shll2 v18.{w}, v19.{n2}, #{sh}
    sxtl v20.{w}, v21.{n}
    uxtl2 v22.{w}, v23.{n2}
'''.format(n=n, n2=n2, w=w, sh={'8b': 8, '4h': 16, '2s': 32}[n]))
case('narrow_scalar', '''
    sqxtn b0, h1
    uqxtn h2, s3
    sqxtun s4, d5
    sqxtn s6, d7
    uqxtn b8, h9
''')
# -- across lanes -----------------------------------------------------
for arr in ['8b', '16b', '4h', '8h', '4s']:
    sz = {'8b': 'b', '16b': 'b', '4h': 'h', '8h': 'h', '4s': 's'}[arr]
    wz = {'b': 'h', 'h': 's', 's': 'd'}[sz]
    case('across_' + arr, '''
    addv {s}0, v1.{a}
    smaxv {s}2, v3.{a}
    umaxv {s}4, v5.{a}
    sminv {s}6, v7.{a}
    uminv {s}8, v9.{a}
    saddlv {w}10, v11.{a}
    uaddlv {w}12, v13.{a}
'''.format(a=arr, s=sz, w=wz))
# -- shift by immediate -----------------------------------------------
for arr, bits in [('8b', 8), ('16b', 8), ('4h', 16), ('8h', 16),
                  ('2s', 32), ('4s', 32), ('2d', 64)]:
    for sh in [1, bits // 2 + 1, bits]:
        ls = sh % bits
        case('shift_%s_%d' % (arr, sh), '''
    sshr v0.{a}, v1.{a}, #{r}
    ushr v2.{a}, v3.{a}, #{r}
    ssra v4.{a}, v5.{a}, #{r}
    usra v6.{a}, v7.{a}, #{r}
    srshr v8.{a}, v9.{a}, #{r}
    urshr v10.{a}, v11.{a}, #{r}
    srsra v12.{a}, v13.{a}, #{r}
    ursra v14.{a}, v15.{a}, #{r}
    sri v16.{a}, v17.{a}, #{r}
    shl v18.{a}, v19.{a}, #{l}
    sli v20.{a}, v21.{a}, #{l}
    sqshl v22.{a}, v23.{a}, #{l}
    uqshl v24.{a}, v25.{a}, #{l}
    sqshlu v26.{a}, v27.{a}, #{l}
    ushr v28.{a}, v28.{a}, #{r}
'''.format(a=arr, r=sh, l=ls))
case('shift_scalar', '''
    sshr d0, d1, #64
    ushr d2, d3, #1
    ssra d4, d5, #63
    usra d6, d7, #64
    srshr d8, d9, #64
    urshr d10, d11, #3
    srsra d12, d13, #7
    ursra d14, d15, #64
    sri d16, d17, #64
    sri d18, d19, #12
    shl d20, d21, #0
    sli d22, d23, #63
    sqshl b24, b25, #5
    uqshl h26, h27, #15
    sqshlu s28, s29, #9
    sqshl d30, d31, #1
''')
for w, n, bits in [('8h', '8b', 8), ('4s', '4h', 16), ('2d', '2s', 32)]:
    n2 = {'8b': '16b', '4h': '8h', '2s': '4s'}[n]
    for sh in [1, 4, bits]:
        case('shrn_%s_%d' % (n, sh), '''
    shrn v0.{n}, v1.{w}, #{s}
    shrn2 v2.{n2}, v3.{w}, #{s}
    rshrn v4.{n}, v5.{w}, #{s}
    rshrn2 v6.{n2}, v7.{w}, #{s}
    sqshrn v8.{n}, v9.{w}, #{s}
    sqshrn2 v10.{n2}, v11.{w}, #{s}
    uqshrn v12.{n}, v13.{w}, #{s}
    uqrshrn2 v14.{n2}, v15.{w}, #{s}
    sqrshrn v16.{n}, v17.{w}, #{s}
    sqshrun v18.{n}, v19.{w}, #{s}
    sqrshrun2 v20.{n2}, v21.{w}, #{s}
    sshll v22.{w}, v23.{n}, #{l}
    ushll2 v24.{w}, v25.{n2}, #{l}
    shrn v26.{n}, v26.{w}, #{s}
'''.format(n=n, n2=n2, w=w, s=sh, l=sh - 1))
case('shrn_scalar', '''
    sqshrn b0, h1, #3
    uqshrn h2, s3, #16
    sqrshrn s4, d5, #1
    uqrshrn b6, h7, #8
    sqshrun h8, s9, #5
    sqrshrun s10, d11, #32
''')
# -- indexed element --------------------------------------------------
case('indexed', '''
    mul v0.8h, v1.8h, v2.h[7]
    mul v3.2s, v4.2s, v5.s[1]
    mla v6.4h, v7.4h, v15.h[3]
    mla v8.4s, v9.4s, v31.s[2]
    mls v10.8h, v11.8h, v12.h[0]
    mls v13.2s, v14.2s, v16.s[3]
    sqdmulh v17.8h, v18.8h, v2.h[5]
    sqrdmulh v19.4s, v20.4s, v21.s[0]
    sqdmulh h22, h23, v3.h[2]
    sqrdmulh s24, s25, v26.s[1]
''')
case('indexed_long', '''
    smull v0.4s, v1.4h, v2.h[7]
    umull2 v3.2d, v4.4s, v5.s[1]
    smlal v6.2d, v7.2s, v8.s[3]
    umlal2 v9.4s, v10.8h, v11.h[4]
    smlsl2 v12.4s, v13.8h, v14.h[1]
    umlsl v15.2d, v16.2s, v17.s[0]
    sqdmull v18.4s, v19.4h, v0.h[6]
    sqdmlal2 v20.2d, v21.4s, v22.s[2]
    sqdmlsl v23.4s, v24.4h, v15.h[3]
    sqdmull s25, h26, v1.h[1]
    sqdmlal d27, s28, v29.s[3]
    sqdmlsl s30, h31, v2.h[0]
''')
# -- modified immediate -----------------------------------------------
case('movi', '''
    movi v0.16b, #0xab
    movi v1.8b, #0x7f
    movi v2.4h, #0x12, lsl #8
    movi v3.8h, #0x34
    movi v4.2s, #0x56, lsl #24
    movi v5.4s, #0x78, lsl #16
    movi v6.4s, #0x9a, msl #8
    movi v7.2s, #0xbc, msl #16
    movi d8, #0xff00ff0000ffff00
    movi v9.2d, #0x00ff00ff00ff00ff
    mvni v10.4h, #0x12
    mvni v11.4s, #0x34, lsl #8
    mvni v12.2s, #0x56, msl #16
    orr v13.4s, #0x12, lsl #24
    orr v14.4h, #0x34, lsl #8
    bic v15.8h, #0x56
    bic v16.2s, #0x78, lsl #16
    fmov v17.4s, #1.0
    fmov v18.2s, #-0.125
    fmov v19.2d, #31.0
    fmov v20.2d, #-1.5
    movi v21.2d, #0
''')
# -- permutes and moves -----------------------------------------------
case('dup_ins_mov', '''
    dup v0.16b, w1
    dup v1.8h, w2
    dup v2.2s, w3
    dup v3.2d, x4
    dup v4.8b, v5.b[13]
    dup v6.4h, v7.h[5]
    dup v8.4s, v9.s[3]
    dup v10.2d, v11.d[1]
    ins v12.b[9], w5
    ins v13.h[3], w6
    ins v14.s[2], w7
    ins v15.d[1], x8
    ins v16.b[0], v17.b[15]
    ins v18.h[7], v19.h[2]
    ins v20.s[1], v21.s[3]
    ins v22.d[0], v23.d[1]
    umov w0, v24.b[10]
    umov w1, v24.h[3]
    umov w2, v24.s[3]
    umov x3, v24.d[1]
    smov w4, v25.b[14]
    smov w5, v25.h[6]
    smov x6, v25.b[3]
    smov x7, v25.h[1]
    smov x8, v25.s[2]
    mov b26, v27.b[7]
    mov h28, v29.h[3]
    mov s30, v31.s[1]
    mov d9, v24.d[1]
    dup v11.16b, wzr
''', x1=0x1234567890abcdef, x2=0xfedcba98, x3=0x80000001, x4=M64,
     x5=0x55, x6=0x8765, x7=0xdeadbeef, x8=0x0123456789abcdef)
case('ext', '''
    ext v0.16b, v1.16b, v2.16b, #0
    ext v3.16b, v4.16b, v5.16b, #3
    ext v6.16b, v7.16b, v8.16b, #8
    ext v9.16b, v10.16b, v11.16b, #13
    ext v12.8b, v13.8b, v14.8b, #5
    ext v15.8b, v16.8b, v17.8b, #0
    ext v18.16b, v18.16b, v18.16b, #15
    ext v19.8b, v20.8b, v20.8b, #7
''')
case('tbl', '''
    movi v0.16b, #0x1f
    and v1.16b, v1.16b, v0.16b
    tbl v2.16b, {v3.16b}, v1.16b
    tbl v4.8b, {v5.16b, v6.16b}, v1.8b
    tbx v7.16b, {v8.16b}, v1.16b
    tbl v9.16b, {v10.16b, v11.16b, v12.16b}, v13.16b
    tbx v14.16b, {v30.16b, v31.16b, v0.16b, v1.16b}, v15.16b
    tbl v16.16b, {v17.16b, v18.16b, v19.16b, v20.16b}, v21.16b
    tbx v22.8b, {v23.16b, v24.16b}, v25.8b
    tbl v26.16b, {v26.16b}, v27.16b
''')
for arr in ['8b', '16b', '4h', '8h', '2s', '4s', '2d']:
    case('perm_' + arr, '''
    zip1 v0.{a}, v1.{a}, v2.{a}
    zip2 v3.{a}, v4.{a}, v5.{a}
    uzp1 v6.{a}, v7.{a}, v8.{a}
    uzp2 v9.{a}, v10.{a}, v11.{a}
    trn1 v12.{a}, v13.{a}, v14.{a}
    trn2 v15.{a}, v16.{a}, v17.{a}
    zip1 v18.{a}, v18.{a}, v19.{a}
    uzp2 v20.{a}, v21.{a}, v20.{a}
'''.format(a=arr))
# -- structure loads and stores ---------------------------------------
case('ld1_multi', '''
    ld1 {v0.16b}, [x1]
    ld1 {v1.8b}, [x2]
    ld1 {v2.8h, v3.8h}, [x3]
    ld1 {v4.2s, v5.2s, v6.2s}, [x4]
    ld1 {v7.2d, v8.2d, v9.2d, v10.2d}, [x5]
    ld1 {v30.16b, v31.16b, v0.16b}, [x6], #48
    ld1 {v11.4s}, [x7], x9
    ld1 {v12.1d}, [x8], #8
    ld1 {v13.4h, v14.4h}, [x10], x11
''', x9=0x20, x11=-8)
case('ld234_multi', '''
    ld2 {v0.16b, v1.16b}, [x1]
    ld2 {v2.4h, v3.4h}, [x2], #16
    ld3 {v4.8b, v5.8b, v6.8b}, [x3]
    ld3 {v7.4s, v8.4s, v9.4s}, [x4], #48
    ld4 {v10.16b, v11.16b, v12.16b, v13.16b}, [x5]
    ld4 {v14.2s, v15.2s, v16.2s, v17.2s}, [x6], x9
    ld2 {v18.2d, v19.2d}, [x7]
    ld4 {v30.8h, v31.8h, v0.8h, v1.8h}, [x8], #64
''', x9=3)
case('st_multi', '''
    st1 {v0.16b}, [x1]
    st1 {v1.8b, v2.8b}, [x2], #16
    st1 {v3.4s, v4.4s, v5.4s}, [x3]
    st1 {v6.2d, v7.2d, v8.2d, v9.2d}, [x4], #64
    st2 {v10.8h, v11.8h}, [x5]
    st3 {v12.8b, v13.8b, v14.8b}, [x6], x9
    st4 {v15.4s, v16.4s, v17.4s, v18.4s}, [x7]
    st2 {v19.2d, v20.2d}, [x8], #32
    st4 {v31.16b, v0.16b, v1.16b, v2.16b}, [x10]
    st3 {v21.4h, v22.4h, v23.4h}, [x11], #24
''', x9=5)
case('ldst_single', '''
    ld1 {v0.b}[5], [x1]
    ld1 {v1.h}[7], [x2], #2
    ld1 {v2.s}[1], [x3], x9
    ld1 {v3.d}[1], [x4]
    ld2 {v4.b, v5.b}[15], [x5], #2
    ld3 {v6.h, v7.h, v8.h}[2], [x6]
    ld4 {v9.s, v10.s, v11.s, v12.s}[3], [x7], #16
    ld2 {v31.d, v0.d}[0], [x8]
    st1 {v13.b}[3], [x10]
    st1 {v14.h}[6], [x11], #2
    st2 {v15.s, v16.s}[2], [x12]
    st3 {v17.d, v18.d, v19.d}[1], [x13], x9
    st4 {v20.b, v21.b, v22.b, v23.b}[9], [x14], #4
    st4 {v24.h, v25.h, v26.h, v27.h}[5], [x15]
''', x9=0x11)
case('ldr_replicate', '''
    ld1r {v0.16b}, [x1]
    ld1r {v1.4h}, [x2], #2
    ld1r {v2.4s}, [x3], x9
    ld1r {v3.1d}, [x4]
    ld2r {v4.8b, v5.8b}, [x5], #2
    ld3r {v6.8h, v7.8h, v8.8h}, [x6]
    ld4r {v9.2s, v10.2s, v11.2s, v12.2s}, [x7], #16
    ld4r {v30.2d, v31.2d, v0.2d, v1.2d}, [x8], x9
''', x9=0x31)
# -- glibc-style idioms -----------------------------------------------
case('strlen_idiom', '''
    ldr q0, [x1]
    cmeq v1.16b, v0.16b, #0
    shrn v2.8b, v1.8h, #4
    umaxp v3.16b, v1.16b, v1.16b
    umov x2, v2.d[0]
    umov x3, v3.d[0]
    uminv b4, v0.16b
    umaxv b5, v1.16b
    addp v6.16b, v1.16b, v1.16b
    dup v7.16b, w9
    cmeq v8.16b, v0.16b, v7.16b
    orr v9.16b, v8.16b, v1.16b
    and v10.16b, v9.16b, v7.16b
    addp v11.16b, v10.16b, v10.16b
    umov x4, v11.d[0]
''', x9=0xba)

DRIVER = flat_driver(vregs=True)


def run_case(tmp, name, asm, kw):
    xs = xinputs(kw)
    vs = vinputs(name, kw)
    vwords = '\n'.join('    .quad 0x%x, 0x%x' % v for v in vs)
    out = run_program(tmp, name, DRIVER % (vwords, quads(xs), asm))
    regs = struct.unpack('<31Q', out[:248])
    vout = struct.unpack('<64Q', out[256:768])
    data = out[768:768 + 0x1000]
    return xs, vs, regs, vout, fnv1a(data), assemble_code(tmp, name, asm)


def main():
    out = header_start('a64-simd-ref.py')
    with tempfile.TemporaryDirectory() as tmp:
        for name, asm, kw in CASES:
            xs, vs, regs, vout, h, code = run_case(tmp, name, asm, kw)
            words = code_words(code)
            out += code_array('simd_code_%s' % name, words)
            out += case_start('A64SimdCase', 'simd_case_%s' % name, name,
                              'simd_code_%s' % name, len(words))
            out.append('    .xin = {')
            out += value_rows(xs, '0x%xull,')
            out.append('    },')
            out.append('    .xout = {')
            out += value_rows(regs[:30], '0x%xull,')
            out.append('    },')
            out.append('    .vin = {')
            for v in vs:
                out.append('        { 0x%016xull, 0x%016xull },' % v)
            out.append('    },')
            out.append('    .vout = {')
            for i in range(32):
                out.append('        { 0x%016xull, 0x%016xull },'
                           % (vout[2 * i], vout[2 * i + 1]))
            out.append('    },')
            out.append('    .fpsr = 0x%08x,' % regs[30])
            out.append('    .mem_hash = 0x%016xull,' % h)
            out.append('};')
            out.append('')
    out += case_table('A64SimdCase', 'simd_cases',
                      ['simd_case_%s' % c[0] for c in CASES])
    print('\n'.join(out))


if __name__ == '__main__':
    sys.exit(main())

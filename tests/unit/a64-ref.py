#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Regenerate tests/unit/test-a64-cases.h: A64 instruction sequences with the
register, NZCV and memory results the reference (qemu-aarch64-static)
produces for them.  Not run by the build: the header is checked in, so
the unit test needs neither the cross assembler nor QEMU.

    tests/unit/a64-ref.py > tests/unit/test-a64-cases.h

Each case runs at 0x10000 with x0..x26, x29, x30 preset (0x100 + n unless
given), sp = 0x2f000, NZCV = 0, and memory at 0x20000..0x40000 filled
with byte i = (i * 13 + 7) & 0xff.  The case must not touch x27/x28.
Expected: x0..x26, x29, x30, sp, NZCV, and a hash (FNV-1a 64) of
0x20000..0x21000.

Assembling, running under QEMU and the driver program (flat_driver())
are shared with a64-simd-ref.py and a64-vec-ref.py in a64_qemu_ref.py
next to this script; this file holds the cases and the header layout.
"""

import os
import struct
import sys
import tempfile

sys.dont_write_bytecode = True   # keep __pycache__ out of the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from a64_qemu_ref import (M64, assemble_code, case_start,  # noqa: E402
                          case_table, code_array, code_words, flat_driver,
                          fnv1a, header_start, quads, run_program,
                          value_rows)

NREGS = 31
DUMP_REGS = list(range(27)) + [29, 30]

CASES = []


def case(name, asm, cpu='max', **regs):
    inputs = {}
    for k, v in regs.items():
        inputs[int(k[1:])] = v & (2**64 - 1)
    CASES.append((name, asm, inputs, cpu))


# -- add/sub and flags ------------------------------------------------
case('adds_flags', '''
    adds x0, x1, x2
    mrs x3, nzcv
    adds x4, x5, x6
    mrs x7, nzcv
    subs x8, x9, x10
    mrs x11, nzcv
    subs x12, x13, x13
    mrs x14, nzcv
    subs w15, w16, w17
    mrs x18, nzcv
    adds w19, w20, w21
    mrs x22, nzcv
    cmn x23, #1
    mrs x24, nzcv
    cmp w25, #4095, lsl #12
    mrs x26, nzcv
''', x1=M64, x2=1, x5=0x7fffffffffffffff, x6=1, x9=1, x10=2,
     x13=5, x16=0x80000000, x17=1, x20=0xffffffff, x21=1,
     x23=M64, x25=0xfff000)
case('addsub_imm_sp', '''
    add x0, sp, #16
    sub sp, sp, #32
    add x1, sp, #1, lsl #12
    sub w2, w3, #1
    add w4, w5, #4095
    mov x6, sp
    mov sp, x7
    adds xzr, x8, #0
    mrs x9, nzcv
''', x3=0, x5=0xfffff001, x7=0x2e000, x8=0)
case('addsub_shifted', '''
    add x0, x1, x2, lsl #4
    sub x3, x1, x2, lsr #1
    add x4, x1, x2, asr #63
    add w5, w1, w2, asr #31
    sub w6, w1, w2, lsl #31
    subs x7, x1, x2, lsl #60
    mrs x8, nzcv
    neg x9, x2
    negs w10, w11
    mrs x12, nzcv
''', x1=0x123456789abcdef0, x2=0x8000000000000001, x11=0x80000000)
case('addsub_ext', '''
    add x0, x1, w2, uxtb
    add x3, x1, w2, sxtb #2
    add x4, x1, w2, uxth #4
    sub x5, x1, w2, sxth
    add x6, x1, w2, uxtw #1
    add x7, x1, w2, sxtw #3
    add x8, x1, x2, sxtx
    add w9, w1, w2, sxtb
    add x10, sp, w2, uxtw
    adds x11, x1, w2, sxtw
    mrs x12, nzcv
    sub sp, sp, x13, lsl #3
    mov x14, sp
''', x1=0x1000, x2=0xfffffffff0f0ff80, x13=2)
case('adc_sbc', '''
    adds x0, x1, x1
    adc x2, x3, x4
    adcs x5, x6, x7
    mrs x8, nzcv
    sbc x9, x3, x4
    sbcs x10, x3, x4
    mrs x11, nzcv
    sbcs w12, w13, w14
    mrs x15, nzcv
    adcs w16, w17, w18
    mrs x19, nzcv
    ngc x20, x4
''', x1=0x8000000000000000, x3=10, x4=3, x6=M64, x7=0,
     x13=0, x14=0, x17=0xffffffff, x18=0)
# -- logic ------------------------------------------------------------
case('logic_imm', '''
    and x0, x1, #0xff00ff00ff00ff00
    orr x2, x1, #0x5555555555555555
    eor x3, x1, #0x3ffc
    ands x4, x1, #0x8000000000000000
    mrs x5, nzcv
    and w6, w1, #0xf0f0f0f0
    orr w7, wzr, #0x1
    mov x8, #0xaaaaaaaaaaaaaaaa
    eor w9, w1, #0x7ffffffe
    tst x1, #1
    mrs x10, nzcv
    and sp, x1, #0xfffffffffffffff0
    mov x11, sp
    mov sp, x12
    ands w13, w1, #0xff
    mrs x14, nzcv
''', x1=0xf123456789abcdef, x12=0x2f000)
case('logic_reg', '''
    and x0, x1, x2
    bic x3, x1, x2, lsl #4
    orr x4, x1, x2, ror #8
    orn x5, x1, x2, asr #2
    eor x6, x1, x2, lsr #60
    eon x7, x1, x2
    ands x8, x1, x2, lsl #63
    mrs x9, nzcv
    bics w10, w1, w2
    mrs x11, nzcv
    orr w12, w1, w2, ror #31
    mvn x13, x1
    mov x14, x2
    mov w15, w1
''', x1=0xf123456789abcdef, x2=0x0fedcba987654321)
case('forms32', '''
    csinc w0, w1, w2, eq
    csneg w3, w1, w2, ne
    cmp w1, w2
    ccmp w1, w2, #0, lt
    mrs x4, nzcv
    sbfiz w5, w1, #31, #1
    ubfx x6, x1, #63, #1
    asr x7, x1, #63
    sbfx x8, x1, #0, #1
    ubfiz w9, w2, #1, #31
    bfxil w10, w1, #0, #32
    adds w11, w1, #1, lsl #12
    mrs x12, nzcv
    cmp x1, #-1
    mrs x13, nzcv
    add w14, w1, w2, uxtb #4
    sub wsp, w15, #16
    mov x16, sp
    mov sp, x17
    madd w18, w1, w2, w19
    umaddl x20, w1, w2, x19
    smsubl x21, w1, w2, x19
    udiv w22, w1, w23
    eor w24, w1, w2, asr #3
    movk w25, #0x1234, lsl #16
''', x1=0x8000000080000001, x2=0xfffffffffffffffe, x10=0x1111111122222222,
     x15=0x12345, x17=0x2f000, x19=0x10, x23=3, x25=0xffffffffffffffff)
case('movw', '''
    movz x0, #0x1234, lsl #48
    movk x0, #0x5678, lsl #16
    movn x1, #0
    movn w2, #0x1234, lsl #16
    movz w3, #0xffff, lsl #16
    movk w4, #0xbeef
    movk x5, #0xdead, lsl #32
    mov x6, #-2
''', x4=0xffffffffffffffff, x5=0x1111111111111111)
# -- bitfield, extract ------------------------------------------------
case('bitfield', '''
    ubfx x0, x1, #4, #8
    sbfx x2, x1, #60, #4
    ubfiz x3, x1, #12, #16
    sbfiz x4, x1, #8, #8
    bfi x5, x1, #16, #8
    bfxil x6, x1, #8, #16
    lsl x7, x1, #3
    lsr x8, x1, #7
    asr x9, x1, #9
    sxtb x10, w1
    sxth w11, w1
    sxtw x12, w1
    uxtb w13, w1
    uxth w14, w1
    asr w15, w1, #31
    lsl w16, w1, #31
    bfi w17, w1, #28, #4
    ubfx w18, w1, #31, #1
    sbfx w19, w1, #0, #32
    bfi x20, xzr, #4, #8
''', x1=0x89abcdef01238765, x5=M64, x6=0, x17=0x12345678, x20=M64)
case('extr_ror', '''
    extr x0, x1, x2, #8
    extr x3, x1, x2, #0
    extr w4, w1, w2, #12
    ror x5, x1, #17
    ror w6, w1, #1
    extr x7, x1, x2, #63
''', x1=0x0123456789abcdef, x2=0xfedcba9876543210)
# -- 1 and 2 source ---------------------------------------------------
case('dp1', '''
    rbit x0, x1
    rbit w2, w1
    rev16 x3, x1
    rev16 w4, w1
    rev32 x5, x1
    rev w6, w1
    rev x7, x1
    clz x8, x1
    clz w9, w1
    clz x10, xzr
    clz w11, wzr
    cls x12, x1
    cls w13, w1
    cls x14, xzr
    cls x15, x16
    cls w17, w16
    cls x18, x19
''', x1=0x00f0123456789abc, x16=M64, x19=0x4000000000000000)
case('div', '''
    udiv x0, x1, x2
    sdiv x3, x1, x2
    udiv x4, x1, xzr
    sdiv x5, x6, x7
    udiv w8, w1, w2
    sdiv w9, w10, w11
    sdiv w12, w10, w7
    sdiv x13, x14, x2
    sdiv w15, w16, w2
''', x1=0xfffffffffffffff0, x2=7, x6=0x8000000000000000, x7=M64,
     x10=0x80000000, x11=0, x14=-100, x16=-100)
case('shiftv', '''
    lsl x0, x1, x2
    lsr x3, x1, x2
    asr x4, x1, x2
    ror x5, x1, x2
    lsl w6, w1, w2
    lsr w7, w1, w2
    asr w8, w1, w2
    ror w9, w1, w2
    lsl x10, x1, x11
    asr w12, w1, w11
''', x1=0x8000000080000001, x2=68, x11=0x3f)
case('mul', '''
    mul x0, x1, x2
    madd x3, x1, x2, x4
    msub x5, x1, x2, x4
    mul w6, w1, w2
    msub w7, w1, w2, w4
    smull x8, w1, w2
    umull x9, w1, w2
    smaddl x10, w1, w2, x4
    umsubl x11, w1, w2, x4
    smulh x12, x1, x2
    umulh x13, x1, x2
    smulh x14, x1, x1
    umulh x15, x16, x16
    mneg x17, x1, x2
''', x1=0xfedcba9876543210, x2=0x123456789, x4=1000, x16=M64)
case('crc32', '''
    crc32b w0, w1, w2
    crc32h w3, w1, w2
    crc32w w4, w1, w2
    crc32x w5, w1, x2
    crc32cb w6, w1, w2
    crc32ch w7, w1, w2
    crc32cw w8, w1, w2
    crc32cx w9, w1, x2
    crc32x w10, wzr, x11
    crc32cx w12, w13, x11
''', x1=0xffffffff, x2=0x0123456789abcdef, x11=0x3132333435363738,
     x13=0xffffffff)
# -- conditional --------------------------------------------------------
case('csel', '''
    cmp x1, x2
    csel x0, x1, x2, lt
    csinc x3, x1, x2, ge
    csinv x4, x1, x2, eq
    csneg x5, x1, x2, ne
    cset x6, hi
    csetm w7, ls
    cinc x8, x1, mi
    cneg w9, w1, pl
    csel x10, x1, x2, al
    csel w11, w1, w2, nv
    cmp x2, x1
    cset x12, gt
    cset x13, le
    cset x14, cs
    cset x15, cc
    cset x16, vs
    cset x17, vc
    cmp x1, x1
    cset x18, eq
    cset x19, hi
    cset x20, ls
    cset x21, ge
    cset x22, gt
''', x1=-5, x2=3)
case('ccmp', '''
    cmp x1, x2
    ccmp x1, x3, #4, eq
    mrs x0, nzcv
    cmp x1, x1
    ccmp x1, x3, #4, eq
    mrs x4, nzcv
    ccmn x1, #5, #0xf, ne
    mrs x5, nzcv
    ccmp w6, #31, #2, al
    mrs x7, nzcv
    cmp x1, x1
    ccmn w1, w3, #8, eq
    mrs x8, nzcv
    cmp x1, x1
    ccmp x1, #0, #1, ne
    mrs x9, nzcv
''', x1=5, x2=7, x3=10, x6=31)
case('msr_nzcv', '''
    msr nzcv, x1
    mrs x0, nzcv
    cset x2, eq
    cset x3, cs
    cset x4, mi
    cset x5, vs
    msr nzcv, x6
    mrs x7, nzcv
    cset x8, eq
''', x1=0xa0000000, x6=0x50000000)
# -- branches -----------------------------------------------------------
case('branches', '''
    mov x0, #0
    cbz x1, 1f
    add x0, x0, #1
1:  cbnz x1, 2f
    add x0, x0, #2
2:  tbz x2, #63, 3f
    add x0, x0, #4
3:  tbnz x2, #3, 4f
    add x0, x0, #8
4:  cbz w3, 5f
    add x0, x0, #16
5:  b.ne 6f
    add x0, x0, #32
6:  bl 7f
    add x0, x0, #64
    b 8f
7:  mov x4, x30
    ret
8:  adr x5, 8b
    adr x6, 9f
    blr x6
    b 10f
9:  add x0, x0, #128
    ret
10: mov x7, x30
    cmp x0, #0
    b.eq 11f
    b.gt 12f
11: mov x8, #1
12: mov x9, #2
''', x1=0, x2=0x8000000000000008, x3=0x100000000)
case('loop', '''
    mov x0, #0
    mov x1, #100
1:  add x0, x0, x1
    subs x1, x1, #1
    b.ne 1b
    mov x2, #0
    mov x3, #10
2:  add x2, x2, #3
    sub x3, x3, #1
    cbnz x3, 2b
''')
case('br_indirect', '''
    adr x1, 1f
    br x1
    mov x0, #1
1:  mov x2, #2
    adr x3, 2f
    blr x3
    b 3f
2:  mov x4, x30
    ret x4
3:  mov x5, #5
''')
# -- loads and stores ---------------------------------------------------
case('ldst_imm', '''
    ldr x0, [x1]
    ldr w2, [x1, #4]
    ldrb w3, [x1, #4095]
    ldrh w4, [x1, #2]
    ldrsb x5, [x1, #9]
    ldrsb w6, [x1, #9]
    ldrsh x7, [x1, #10]
    ldrsh w8, [x1, #10]
    ldrsw x9, [x1, #12]
    ldur x10, [x1, #-3]
    ldur w11, [x1, #255]
    str x12, [x1, #16]
    strb w12, [x1, #31]
    strh w12, [x1, #40]
    str w12, [x1, #44]
    stur x12, [x1, #-9]
    ldr x13, [x1, #16]
    ldr x14, [x1, #24]
    ldtr x15, [x1, #8]
    sttrb w12, [x1, #60]
    ldr x16, [x1, #56]
    prfm pldl1keep, [x1]
    prfum pldl1keep, [x1, #1]
''', x1=0x20100, x12=0x1122334455667788)
case('ldst_index', '''
    ldr x0, [x1], #8
    ldr x2, [x1, #8]!
    str x3, [x4], #-16
    str x3, [x4, #-8]!
    ldrb w5, [x6, #1]!
    ldrsh x7, [x6], #3
    strh w3, [x6, #-2]!
    ldr w8, [x6]
    ldr x9, [sp, #-16]!
    str x3, [sp], #32
    mov x10, sp
''', x1=0x20200, x3=0xa5a5a5a5deadbeef, x4=0x20300, x6=0x20400)
case('ldst_reg', '''
    ldr x0, [x1, x2]
    ldr x3, [x1, x2, lsl #3]
    ldr w4, [x1, w5, sxtw]
    ldr w6, [x1, w5, sxtw #2]
    ldrb w7, [x1, x8, lsl #0]
    ldrh w9, [x1, w10, uxtw #1]
    ldrsw x11, [x1, x12, sxtx #2]
    str x13, [x1, x2, lsl #3]
    strb w13, [x1, w5, sxtw]
    ldr x14, [x1, x2, lsl #3]
    ldrsb x15, [x1, w8, uxtw]
    prfm pldl1keep, [x1, x2]
''', x1=0x20500, x2=3, x5=-4, x8=7, x10=0xffffffff00000002, x12=-1,
     x13=0x0102030405060708)
case('ldst_pair', '''
    ldp x0, x2, [x1]
    ldp w3, w4, [x1, #-8]
    ldpsw x5, x6, [x1, #8]!
    stp x7, x8, [x1, #16]
    stp w7, w8, [x9], #-8
    ldp x10, x11, [x1, #16]
    ldnp x12, x13, [x1]
    stnp x8, x7, [x1, #32]
    ldr x14, [x1, #32]
    stp x7, x8, [sp, #-16]!
    ldp x15, x16, [sp], #16
    ldp w17, w18, [x9, #8]
    mov x19, sp
    ldpsw x20, x21, [x1], #16
''', x1=0x20600, x7=0x7777777788888888, x8=0x9999999911111111,
     x9=0x20700)
case('ldr_literal', '''
    ldr x0, 1f
    ldr w2, 1f
    ldrsw x3, 2f
    ldr s4, 1f
    ldr d5, 1f
    ldr q6, 1f
    prfm pldl1keep, 1f
    str q4, [x26]
    str q5, [x26, #16]
    str q6, [x26, #32]
    b 3f
    .p2align 4
1:  .quad 0x8899aabbccddeeff
    .quad 0x0011223344556677
2:  .word 0x80000000
    .word 0
3:  nop
''', x26=0x20f00)
case('ldst_fp', '''
    ldr q0, [x1]
    str q0, [x1, #32]
    ldr d1, [x1, #8]
    ldr s2, [x1, #4]
    ldr h3, [x1, #2]
    ldr b4, [x1, #1]
    str d1, [x1, #64]
    str s2, [x1, #72]
    str h3, [x1, #76]
    str b4, [x1, #78]
    ldp q5, q6, [x1]
    stp q6, q5, [x1, #96]
    ldp d7, d8, [x1], #16
    ldp s9, s10, [x1, #16]!
    ldur q11, [x1, #-3]
    str q11, [x2, x3, lsl #4]
    ldr q12, [x1, #-32]
    ldr q14, [x1, #80]
    stp q1, q2, [x26]
    stp q3, q4, [x26, #32]
    stp q5, q6, [x26, #64]
    stp q7, q8, [x26, #96]
    stp q9, q10, [x26, #128]
    stp q11, q12, [x26, #160]
    str q14, [x26, #192]
''', x1=0x20800, x2=0x20900, x3=2, x26=0x20f00)
case('ldst_fp_index', '''
    ldr d0, [x1], #8
    ldr q1, [x1, #16]!
    str s0, [x1, #-4]!
    str q1, [x2], #16
    ldr d2, [x1, x3]
    ldr h3, [x1, w3, uxtw #1]
    stp q0, q1, [x26]
    stp q2, q3, [x26, #32]
''', x1=0x20a00, x2=0x20b00, x3=8, x26=0x20f00)
# -- exclusives and atomics ---------------------------------------------
case('excl', '''
    ldxr x0, [x1]
    add x0, x0, #1
    stxr w2, x0, [x1]
    ldr x3, [x1]
    ldaxr w4, [x1]
    stlxr w5, w6, [x1]
    ldr x7, [x1]
    stxr w8, x6, [x1]
    ldxrb w9, [x26]
    clrex
    stxrb w10, w6, [x26]
    ldxrh w11, [x1]
    stxrh w12, w6, [x1]
    ldxp x13, x14, [x15]
    stxp w16, x14, x13, [x15]
    ldp x17, x18, [x15]
    ldaxp w19, w20, [x15]
    stlxp w21, w20, w19, [x15]
    ldr x22, [x15]
    ldxr x23, [x1]
    stxr w24, x6, [x15]
    ldar x25, [x1]
    stlr x6, [x15]
    ldarb w26, [x15]
    stlrh w25, [x15]
''', x1=0x20c00, x6=0x5555, x15=0x20c40, x26=0x20c01)
case('lse', '''
    ldadd x2, x0, [x1]
    ldr x3, [x1]
    ldclra x4, x5, [x1]
    ldeorl x4, x6, [x1]
    ldsetal x2, x7, [x1]
    ldr x8, [x1]
    ldsmax x9, x10, [x1]
    ldsmin x9, x11, [x1]
    ldr x12, [x1]
    ldumaxb w13, w14, [x1]
    lduminh w13, w15, [x1]
    swp x16, x17, [x1]
    ldr x18, [x1]
    stadd x2, [x1]
    ldaddw: ldadd w2, w19, [x1]
    add x3, x1, #8
    ldsmaxb w20, w21, [x3]
    ldsminh w20, w22, [x3]
    swpal w23, w24, [x26]
    ldr x25, [x1]
    ldr x26, [x26]
''', x1=0x20d00, x26=0x20d10, x2=0x10, x4=0xff00, x9=-7, x13=0xfe, x16=0x1234,
     x20=0x80, x23=0xabcdef)
case('cas', '''
    mov x0, x3
    cas x0, x2, [x1]
    ldr x4, [x1]
    mov x5, #1
    casa x5, x2, [x1]
    ldr x6, [x1]
    casb w7, w8, [x13]
    ldr x9, [x13]
    mov w10, w9
    casalh w10, w11, [x13]
    ldr x12, [x13]
    casp x14, x15, x16, x17, [x26]
    ldp x18, x19, [x26]
    mov x14, x18
    mov x15, x19
    caspal x14, x15, x16, x17, [x26]
    ldp x20, x21, [x26]
    add x26, x26, #16
    casp w22, w23, w24, w25, [x26]
    ldr x26, [x26]
''', x1=0x20e00, x13=0x20e08, x26=0x20e10, x2=0x2222,
     x3=0x220201fcfbf9f8f7, x8=0x31, x11=0x4444,
     x16=0x66, x17=0x77, x24=5, x25=6)
# -- system -------------------------------------------------------------
case('sysregs', '''
    msr tpidr_el0, x1
    mrs x0, tpidr_el0
    mrs x2, dczid_el0
    msr fpcr, x3
    mrs x4, fpcr
    msr fpsr, x5
    mrs x6, fpsr
    nop
    yield
    dmb ish
    dsb sy
    isb
    dc civac, x7
    dc cvau, x7
    ic ivau, x7
    mrs x11, mpidr_el1
    and x11, x11, #0x80000000
''', cpu='cortex-a57', x1=0x1234567, x3=0x03c00000, x5=0x0800009f,
     x7=0x20000)
case('dc_zva', '''
    dc zva, x1
    ldr x0, [x1, #-40]
    ldr x2, [x1, #-33]
    ldr x3, [x1, #-32]
    ldr x4, [x1, #31]
    ldr x5, [x1, #32]
''', cpu='cortex-a57', x1=0x20f40 + 32)


DRIVER = flat_driver(vregs=False)
ASFLAGS = ['-march=armv8.1-a+crc']


def inputs_of(inp):
    vals = [inp.get(i, 0x100 + i) for i in range(NREGS)]
    vals[27] = 0x2f000       # slot 27 holds sp
    return vals


def run_case(tmp, name, asm, inp, cpu):
    src = DRIVER % (quads(inputs_of(inp)), asm)
    out = run_program(tmp, name, src, cpu, ASFLAGS)
    regs = struct.unpack('<31Q', out[:248])
    data = out[248:248 + 0x1000]
    return regs, fnv1a(data), assemble_code(tmp, name, asm, ASFLAGS)


def main():
    out = header_start('a64-ref.py')
    with tempfile.TemporaryDirectory() as tmp:
        for name, asm, inp, cpu in CASES:
            regs, h, code = run_case(tmp, name, asm, inp, cpu)
            words = code_words(code)
            out += code_array('a64_code_%s' % name, words)
            out += case_start('A64Case', 'a64_case_%s' % name, name,
                              'a64_code_%s' % name, len(words))
            out.append('    .in = {')
            out += value_rows(inputs_of(inp), '0x%016xull,')
            out.append('    },')
            out.append('    .out = {')
            out += value_rows(regs[:NREGS - 1], '0x%016xull,')
            out.append('    },')
            out.append('    .nzcv = 0x%08x,' % regs[30])
            out.append('    .mem_hash = 0x%016xull,' % h)
            out.append('};')
            out.append('')
    out += case_table('A64Case', 'a64_cases',
                      ['a64_case_%s' % c[0] for c in CASES])
    print('\n'.join(out))


if __name__ == '__main__':
    sys.exit(main())

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Advanced SIMD integer helpers (helper-simd.c), called by
 * translate-simd.c and translate-simd-perm.c.
 *
 * Every helper takes env and a descriptor packing the instruction's
 * fields (SIMD_DESC below), plus at most one immediate, and works on
 * env->vregs directly: the result is built in a local buffer and then
 * stored, so any of rd/rn/rm may alias.  The whole of Vd is written:
 * lanes past the result (the upper half of a 64-bit form, everything but
 * element 0 of a scalar form) become zero, except for the "2" narrowing
 * forms, which keep the lower half.  Saturation sets FPSR.QC.
 *
 * The helpers only touch vregs and fpsr, which are plain CPU state
 * fields, not IR globals: they are IR_CALL_NO_READ_GLOBALS |
 * IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_RAISE.  The translator validates
 * the encodings; a helper never sees a reserved one.
 */
#ifndef KESTREL_FRONTEND_AARCH64_HELPER_SIMD_H
#define KESTREL_FRONTEND_AARCH64_HELPER_SIMD_H

#include <stdint.h>

#include "kestrel/ir.h"

/* FPSR.QC: cumulative saturation. */
#define A64_FPSR_QC (1u << 27)

/*
 * Descriptor: rd, rn, rm (5 bits each), esz (log2 element bytes), q
 * (128-bit, or the upper-half "2" form for widening/narrowing ops),
 * scalar, u (the U bit), opc (the class's opcode field, up to 5 bits)
 * and x (2 class-specific bits).
 */
#define SIMD_DESC(rd, rn, rm, esz, q, scalar, u, opc, x)                  \
    ((uint32_t)(rd) | (uint32_t)(rn) << 5 | (uint32_t)(rm) << 10 |       \
     (uint32_t)(esz) << 15 | (uint32_t)(q) << 17 |                       \
     (uint32_t)(scalar) << 18 | (uint32_t)(u) << 19 |                    \
     (uint32_t)(opc) << 20 | (uint32_t)(x) << 25)
#define SIMD_RD(d)      ((d) & 31)
#define SIMD_RN(d)      (((d) >> 5) & 31)
#define SIMD_RM(d)      (((d) >> 10) & 31)
#define SIMD_ESZ(d)     ((int)(((d) >> 15) & 3))
#define SIMD_Q(d)       (((d) >> 17) & 1)
#define SIMD_SCALAR(d)  (((d) >> 18) & 1)
#define SIMD_U(d)       (((d) >> 19) & 1)
#define SIMD_OPC(d)     ((int)(((d) >> 20) & 31))
#define SIMD_X(d)       ((int)(((d) >> 25) & 3))

/*
 * void (env, i32 desc): three same (opc = opcode 0..0x17, including the
 * pairwise SMAXP..ADDP).
 */
extern const IRHelperInfo helper_info_simd_3same;
/* void (env, i32 desc): three different (opc = opcode 0..0xd). */
extern const IRHelperInfo helper_info_simd_3diff;
/* void (env, i32 desc): two-register misc (opc = opcode). */
extern const IRHelperInfo helper_info_simd_2misc;
/* void (env, i32 desc): across lanes (opc = opcode). */
extern const IRHelperInfo helper_info_simd_across;
/*
 * void (env, i32 desc, i32 shift): shift by immediate; esz is the
 * (narrow) element size the encoding names, shift the decoded amount.
 */
extern const IRHelperInfo helper_info_simd_shift_imm;
/*
 * void (env, i32 desc, i32 index): vector x indexed element; opc is the
 * three-same opcode (MLA/MLS/MUL/SQDMULH/SQRDMULH) when x = 0, the
 * three-different one (the long forms) when x = 1.
 */
extern const IRHelperInfo helper_info_simd_indexed;
/* void (env, i32 desc): TBL/TBX; opc = len (table registers - 1), u = tbx */
extern const IRHelperInfo helper_info_simd_tbl;
/* void (env, i32 desc): ZIP/UZP/TRN; opc = the op field. */
extern const IRHelperInfo helper_info_simd_perm;

#endif /* KESTREL_FRONTEND_AARCH64_HELPER_SIMD_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the scalar floating-point translator (helper-fp.c).  Each
 * takes env first, then i64 operands holding the raw bits of the value
 * (single in the low 32 bits, half in the low 16), and returns the raw
 * result zero-extended to 64 bits.  They read FPCR and write FPSR, plain
 * env fields, so they touch no IR global and never raise.
 */
#ifndef KESTREL_FRONTEND_AARCH64_HELPER_FP_H
#define KESTREL_FRONTEND_AARCH64_HELPER_FP_H

#include "kestrel/ir.h"

/* 2-source: i64 (env, i64 n, i64 m). Index: A64FP2Op. */
typedef enum A64FP2Op {
    A64FP2_MUL, A64FP2_DIV, A64FP2_ADD, A64FP2_SUB, A64FP2_MAX,
    A64FP2_MIN, A64FP2_MAXNM, A64FP2_MINNM, A64FP2_N
} A64FP2Op;
extern const IRHelperInfo helper_info_a64_fp2_s[A64FP2_N];
extern const IRHelperInfo helper_info_a64_fp2_d[A64FP2_N];

/* i64 (env, i64 addend, i64 n, i64 m): addend + n * m, fused. */
extern const IRHelperInfo helper_info_a64_fmuladd_s;
extern const IRHelperInfo helper_info_a64_fmuladd_d;
/* i64 (env, i64 a): FSQRT. */
extern const IRHelperInfo helper_info_a64_fsqrt_s;
extern const IRHelperInfo helper_info_a64_fsqrt_d;

/* FRINT desc: FPRounding in bits 0..2 (7: FPCR.RMode), exact in bit 3. */
#define A64_FRINT_FPCR 7
#define A64_FRINT_EXACT 8
/* i64 (env, i64 a, i64 desc). */
extern const IRHelperInfo helper_info_a64_frint_s;
extern const IRHelperInfo helper_info_a64_frint_d;

/* FCVT between precisions: i64 (env, i64 a).  Index [from][to] with 0
 * single, 1 double, 3 half (as the A64 ftype field); others NULL. */
extern const IRHelperInfo *const helper_info_a64_fcvt[4][4];

/*
 * FCMP, FCMPE, FCCMP, FCCMPE: i64 (env, i64 a, i64 b, i64 ctl) -> NZCV in
 * bits 31..28.  ctl bit 0: signalling (E forms); bit 1: condition failed,
 * return ctl bits 7..4 (the immediate nzcv) without comparing.
 */
extern const IRHelperInfo helper_info_a64_fcmp_s;
extern const IRHelperInfo helper_info_a64_fcmp_d;

/*
 * FP to integer/fixed: i64 (env, i64 a, i64 desc); desc = fbits |
 * FPRounding << 8 | unsigned << 12 | (64-bit result) << 13.
 * Integer/fixed to FP: i64 (env, i64 x, i64 desc), same desc, rounding
 * from FPCR.
 */
#define A64_FCVT_DESC(fbits, rm, u, is64) \
    ((uint32_t)(fbits) | (uint32_t)(rm) << 8 | (uint32_t)(u) << 12 | \
     (uint32_t)(is64) << 13)
extern const IRHelperInfo helper_info_a64_fcvt_to_int_s;
extern const IRHelperInfo helper_info_a64_fcvt_to_int_d;
extern const IRHelperInfo helper_info_a64_fcvt_from_int_s;
extern const IRHelperInfo helper_info_a64_fcvt_from_int_d;

#endif /* KESTREL_FRONTEND_AARCH64_HELPER_FP_H */

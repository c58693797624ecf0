/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Advanced SIMD floating-point helpers (helper-simd-fp.c), called by
 * translate-simd-fp.c.
 *
 * Every helper is void (env, i32 desc, i32 imm) and works on whole
 * registers in env->vregs, one fpu.h call per element, accumulating the
 * FPSR flags of all elements.  desc (a64_vfp_desc()) packs:
 *
 *     bits  0..4   rd          bits 21     dbl: double-precision elements
 *     bits  5..9   rn          bits 22     q: 128-bit vector (or the
 *     bits 10..14  rm                      upper half, for FCVTN2/L2...)
 *     bits 15..20  op (A64VfpOp)  bit 23   scalar: one element
 *                               bits 24..25 mode (A64VfpMode)
 *
 * and imm is the element index (by-element forms) or the operation's
 * parameters (A64_VFP_IMM for conversions and roundings).  Operands are
 * read into locals first, so Vd may alias Vn or Vm.  Results are written
 * as the architecture specifies: a 64-bit vector or a scalar zeroes the
 * rest of the register.  The helpers touch only vregs, fpcr and fpsr
 * (no IR global) and never raise.
 */
#ifndef KESTREL_FRONTEND_AARCH64_HELPER_SIMD_FP_H
#define KESTREL_FRONTEND_AARCH64_HELPER_SIMD_FP_H

#include <stdbool.h>
#include <stdint.h>

#include "kestrel/ir.h"

typedef enum A64VfpOp {
    /* Binary (a64_vfp_binop): Vd[e] = op(Vn[e], Vm[e]). */
    VFP_ADD, VFP_SUB, VFP_MUL, VFP_DIV,
    VFP_MAX, VFP_MIN, VFP_MAXNM, VFP_MINNM,
    VFP_MLA, VFP_MLS,           /* Vd[e] +/-= Vn[e] * Vm[e], fused */
    VFP_ABD, VFP_MULX, VFP_RECPS, VFP_RSQRTS,
    VFP_CMEQ, VFP_CMGE, VFP_CMGT, VFP_ACGE, VFP_ACGT,
    /* Unary (a64_vfp_unop). */
    VFP_ABS, VFP_NEG, VFP_SQRT,
    VFP_RINT,                   /* imm: rounding, exact */
    VFP_TO_FIXED,               /* imm: rounding, unsigned, fbits */
    VFP_FROM_FIXED,             /* imm: unsigned, fbits (FPCR rounding) */
    VFP_RECPE, VFP_RSQRTE, VFP_RECPX,
    VFP_URECPE, VFP_URSQRTE,    /* 32-bit unsigned fixed point */
    VFP_CMGT0, VFP_CMEQ0, VFP_CMLT0, VFP_CMGE0, VFP_CMLE0,
    /* Reductions (a64_vfp_reduce): MAX, MIN, MAXNM, MINNM, ADD. */
    /* Precision changes (a64_vfp_cvt). */
    VFP_CVTN,                   /* narrow, FPCR rounding */
    VFP_CVTXN,                  /* double -> single, round to odd */
    VFP_CVTL,                   /* widen */
    VFP_OP_COUNT
} A64VfpOp;

typedef enum A64VfpMode {
    VFP_MODE_ELEMENTWISE = 0,
    VFP_MODE_INDEXED = 1,       /* Vm[imm] for every element */
    VFP_MODE_PAIRWISE = 2,      /* op(concat[2e], concat[2e + 1]) */
} A64VfpMode;

/* Rounding for A64_VFP_IMM: an FPRounding, or the FPCR's. */
#define VFP_RM_FPCR 7

/* imm of VFP_RINT, VFP_TO_FIXED, VFP_FROM_FIXED. */
static inline uint32_t a64_vfp_imm(unsigned rounding, bool is_unsigned,
                                   bool exact, unsigned fbits)
{
    return fbits | rounding << 8 | (unsigned)is_unsigned << 12 |
           (unsigned)exact << 13;
}

static inline uint32_t a64_vfp_desc(unsigned rd, unsigned rn, unsigned rm,
                                    A64VfpOp op, bool dbl, bool q,
                                    bool scalar, A64VfpMode mode)
{
    return rd | rn << 5 | rm << 10 | (unsigned)op << 15 |
           (unsigned)dbl << 21 | (unsigned)q << 22 |
           (unsigned)scalar << 23 | (unsigned)mode << 24;
}

/* Binary elementwise, by element (mode INDEXED) and pairwise ops. */
extern const IRHelperInfo helper_info_a64_vfp_binop;
/* Unary elementwise ops. */
extern const IRHelperInfo helper_info_a64_vfp_unop;
/*
 * FMAXV/FMINV/FMAXNMV/FMINNMV (vector, 4 singles) and the scalar
 * pairwise FADDP/FMAXP/FMINP/FMAXNMP/FMINNMP (scalar = 1, 2 elements):
 * op is VFP_ADD/MAX/MIN/MAXNM/MINNM.
 */
extern const IRHelperInfo helper_info_a64_vfp_reduce;
/* FCVTN{2}, FCVTXN{2}, FCVTL{2}; dbl: the wider type is double. */
extern const IRHelperInfo helper_info_a64_vfp_cvt;

#endif /* KESTREL_FRONTEND_AARCH64_HELPER_SIMD_FP_H */

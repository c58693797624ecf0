/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 Advanced SIMD floating point (a64-simd-fp.decode): the vector and
 * scalar forms of the FP three same, two-register misc, across lanes,
 * pairwise, by element and fixed-point conversion instructions, single
 * and double precision.  Half precision (FEAT_FP16) is not implemented:
 * its encodings return false and so raise UDEF.
 *
 * Every instruction is one call of a helper in helper-simd-fp.c that
 * loops over the elements with fpu.h; the trans_ functions only check the
 * encoding and build the descriptor (helper-simd-fp.h).
 */
#include "translate.h"
#include "fpu.h"
#include "helper-simd-fp.h"

#include "decode-a64-simd-fp.c.inc"

/* Sentinel for "unallocated" in the opcode tables. */
#define VFP_NONE VFP_OP_COUNT

static void gen_vfp(DisasContext *ctx, const IRHelperInfo *info,
                    uint32_t desc, uint32_t imm)
{
    IRContext *s = ctx->s;

    ir_call(s, info, 0,
            (IRTemp[]){ s->env, ir_const_i32(s, (int32_t)desc),
                        ir_const_i32(s, (int32_t)imm) });
}

/* A vector of doubles needs Q = 1. */
static bool vfp_size_ok(bool scalar, bool q, bool dbl)
{
    return scalar || q || !dbl;
}

/* ------------------------------------------------------------------ */
/* Three same                                                          */

/* [u][a][opcode - 0b11000]; PAIRWISE marks FADDP, FMAXP, ... */
#define PW 0x80
static const uint8_t fp3_vector_ops[2][2][8] = {
    {
        { VFP_MAXNM, VFP_MLA, VFP_ADD, VFP_MULX,
          VFP_CMEQ, VFP_NONE, VFP_MAX, VFP_RECPS },
        { VFP_MINNM, VFP_MLS, VFP_SUB, VFP_NONE,
          VFP_NONE, VFP_NONE, VFP_MIN, VFP_RSQRTS },
    },
    {
        { VFP_MAXNM | PW, VFP_NONE, VFP_ADD | PW, VFP_MUL,
          VFP_CMGE, VFP_ACGE, VFP_MAX | PW, VFP_DIV },
        { VFP_MINNM | PW, VFP_NONE, VFP_ABD, VFP_NONE,
          VFP_CMGT, VFP_ACGT, VFP_MIN | PW, VFP_NONE },
    },
};

/* The scalar forms exist for FABD, FMULX, FRECPS, FRSQRTS, compares. */
static bool fp3_scalar_ok(unsigned op)
{
    switch (op) {
    case VFP_ABD: case VFP_MULX: case VFP_RECPS: case VFP_RSQRTS:
    case VFP_CMEQ: case VFP_CMGE: case VFP_CMGT:
    case VFP_ACGE: case VFP_ACGT:
        return true;
    default:
        return false;
    }
}

static bool trans_FP3_SAME(DisasContext *ctx, arg_fp3 *a)
{
    unsigned op = fp3_vector_ops[a->u][a->a][a->opc];
    bool pairwise = op & PW;

    op &= ~PW;
    if (op == VFP_NONE || (a->scalar && !fp3_scalar_ok(op)) ||
        !vfp_size_ok(a->scalar, a->q, a->sz)) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    gen_vfp(ctx, &helper_info_a64_vfp_binop,
            a64_vfp_desc(a->rd, a->rn, a->rm, (A64VfpOp)op, a->sz, a->q,
                         a->scalar, pairwise ? VFP_MODE_PAIRWISE
                                             : VFP_MODE_ELEMENTWISE), 0);
    return true;
}

/* ------------------------------------------------------------------ */
/* Two-register misc                                                   */

typedef struct Fp2Op {
    uint8_t op;         /* A64VfpOp; VFP_NONE if unallocated */
    uint8_t rounding;   /* FPRounding or VFP_RM_FPCR */
    bool is_unsigned;
    bool exact;         /* FRINTX */
    bool scalar;        /* has a scalar form */
    bool vector;        /* has a vector form */
} Fp2Op;

#define CVT(rm, u) { VFP_TO_FIXED, rm, u, false, true, true }

static Fp2Op fp2_lookup(unsigned u, unsigned a, unsigned opc)
{
    static const Fp2Op none = { VFP_NONE, 0, false, false, false, false };
    static const Fp2Op cvts[2][2][3] = {
        /* opcode 11010, 11011, 11100 by u, a */
        {
            { CVT(FPROUNDING_TIEEVEN, 0), CVT(FPROUNDING_NEGINF, 0),
              CVT(FPROUNDING_TIEAWAY, 0) },
            { CVT(FPROUNDING_POSINF, 0), CVT(FPROUNDING_ZERO, 0),
              { VFP_URECPE, 0, false, false, false, true } },
        },
        {
            { CVT(FPROUNDING_TIEEVEN, 1), CVT(FPROUNDING_NEGINF, 1),
              CVT(FPROUNDING_TIEAWAY, 1) },
            { CVT(FPROUNDING_POSINF, 1), CVT(FPROUNDING_ZERO, 1),
              { VFP_URSQRTE, 0, false, false, false, true } },
        },
    };
    /* FRINT: opcode 11000, 11001 by u, a. */
    static const uint8_t rints[2][2][2] = {
        { { FPROUNDING_TIEEVEN, FPROUNDING_NEGINF },
          { FPROUNDING_POSINF, FPROUNDING_ZERO } },
        { { FPROUNDING_TIEAWAY, VFP_RM_FPCR },       /* FRINTA, FRINTX */
          { 0xff, VFP_RM_FPCR } },                   /* -, FRINTI */
    };
    Fp2Op r = none;

    switch (opc) {
    case 0x0c: case 0x0d: case 0x0e: { /* FCMGT/FCMEQ/FCMLT, FCMGE/FCMLE */
        static const uint8_t cmp[2][3] = {
            { VFP_CMGT0, VFP_CMEQ0, VFP_CMLT0 },
            { VFP_CMGE0, VFP_CMLE0, VFP_NONE },
        };
        if (a) {
            r = (Fp2Op){ cmp[u][opc - 0x0c], 0, false, false, true, true };
        }
        break;
    }
    case 0x0f:  /* FABS, FNEG */
        if (a) {
            r = (Fp2Op){ u ? VFP_NEG : VFP_ABS, 0, false, false, false,
                         true };
        }
        break;
    case 0x16:  /* FCVTN, FCVTXN */
        if (!a) {
            r = (Fp2Op){ u ? VFP_CVTXN : VFP_CVTN, 0, false, false, u,
                         true };
        }
        break;
    case 0x17:  /* FCVTL */
        if (!a && !u) {
            r = (Fp2Op){ VFP_CVTL, 0, false, false, false, true };
        }
        break;
    case 0x18: case 0x19:
        if (rints[u][a][opc - 0x18] != 0xff) {
            r = (Fp2Op){ VFP_RINT, rints[u][a][opc - 0x18], false,
                         u && !a && opc == 0x19, false, true };
        }
        break;
    case 0x1a: case 0x1b: case 0x1c:
        r = cvts[u][a][opc - 0x1a];
        break;
    case 0x1d:  /* SCVTF/UCVTF, FRECPE/FRSQRTE */
        if (a) {
            r = (Fp2Op){ u ? VFP_RSQRTE : VFP_RECPE, 0, false, false, true,
                         true };
        } else {
            r = (Fp2Op){ VFP_FROM_FIXED, VFP_RM_FPCR, u, false, true,
                         true };
        }
        break;
    case 0x1f:  /* FRECPX (scalar), FSQRT (vector) */
        if (a && !u) {
            r = (Fp2Op){ VFP_RECPX, 0, false, false, true, false };
        } else if (a && u) {
            r = (Fp2Op){ VFP_SQRT, 0, false, false, false, true };
        }
        break;
    default:
        break;
    }
    return r;
}

static bool trans_FP2_MISC(DisasContext *ctx, arg_fp2 *a)
{
    Fp2Op f = fp2_lookup(a->u, a->a, a->opc);
    A64VfpOp op = (A64VfpOp)f.op;
    const IRHelperInfo *info = &helper_info_a64_vfp_unop;
    uint32_t imm;

    if (op == VFP_NONE || !(a->scalar ? f.scalar : f.vector)) {
        return false;
    }
    switch (op) {
    case VFP_CVTN: case VFP_CVTXN: case VFP_CVTL:
        /* sz selects the wider type; q the upper half (the "2" forms) */
        if (op == VFP_CVTXN && !a->sz) {
            return false;
        }
        info = &helper_info_a64_vfp_cvt;
        break;
    case VFP_URECPE: case VFP_URSQRTE:
        if (a->sz) {
            return false;
        }
        break;
    default:
        if (!vfp_size_ok(a->scalar, a->q, a->sz)) {
            return false;
        }
        break;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    imm = a64_vfp_imm(f.rounding, f.is_unsigned, f.exact, 0);
    gen_vfp(ctx, info, a64_vfp_desc(a->rd, a->rn, 0, op, a->sz, a->q,
                                    a->scalar, VFP_MODE_ELEMENTWISE), imm);
    return true;
}

/* ------------------------------------------------------------------ */
/* Across lanes and scalar pairwise                                    */

/* opcode 01100: FMAXNM/FMINNM; 01101: FADD (a = 0); 01111: FMAX/FMIN. */
static A64VfpOp reduce_op(unsigned a, unsigned opc, bool add_ok)
{
    switch (opc) {
    case 0x0c:
        return a ? VFP_MINNM : VFP_MAXNM;
    case 0x0d:
        return add_ok && !a ? VFP_ADD : VFP_NONE;
    case 0x0f:
        return a ? VFP_MIN : VFP_MAX;
    default:
        return VFP_NONE;
    }
}

static bool trans_FP_ACROSS(DisasContext *ctx, arg_fp2 *a)
{
    A64VfpOp op = reduce_op(a->a, a->opc, false);

    /* U = 0 is half precision; only the 4S arrangement exists. */
    if (op == VFP_NONE || !a->u || a->sz || !a->q) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    gen_vfp(ctx, &helper_info_a64_vfp_reduce,
            a64_vfp_desc(a->rd, a->rn, 0, op, false, true, false,
                         VFP_MODE_ELEMENTWISE), 0);
    return true;
}

static bool trans_FP_PAIR(DisasContext *ctx, arg_fp2 *a)
{
    A64VfpOp op = reduce_op(a->a, a->opc, true);

    if (op == VFP_NONE || !a->u) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    gen_vfp(ctx, &helper_info_a64_vfp_reduce,
            a64_vfp_desc(a->rd, a->rn, 0, op, a->sz, false, true,
                         VFP_MODE_ELEMENTWISE), 0);
    return true;
}

/* ------------------------------------------------------------------ */
/* By element                                                          */

static bool trans_FP_IDX(DisasContext *ctx, arg_fpidx *a)
{
    unsigned rm = a->m << 4 | a->rm;
    unsigned index;
    A64VfpOp op;

    switch (a->opc) {
    case 0x1:
        op = VFP_MLA;
        break;
    case 0x5:
        op = VFP_MLS;
        break;
    case 0x9:
        op = VFP_MUL;
        break;
    default:
        return false;
    }
    if (a->u) {
        if (op != VFP_MUL) {
            return false;
        }
        op = VFP_MULX;
    }
    if (a->sz) {
        if (a->l || !vfp_size_ok(a->scalar, a->q, true)) {
            return false;
        }
        index = a->h;
    } else {
        index = a->h << 1 | a->l;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    gen_vfp(ctx, &helper_info_a64_vfp_binop,
            a64_vfp_desc(a->rd, a->rn, rm, op, a->sz, a->q, a->scalar,
                         VFP_MODE_INDEXED), index);
    return true;
}

/* ------------------------------------------------------------------ */
/* Fixed-point conversions (shift by immediate)                        */

static bool trans_FP_SHIFT(DisasContext *ctx, arg_fpsh *a)
{
    unsigned immhb = a->immh << 3 | a->immb;
    bool dbl;
    unsigned fbits;
    A64VfpOp op;
    uint32_t imm;

    if (a->opc == 0x1c) {
        op = VFP_FROM_FIXED;        /* SCVTF, UCVTF */
    } else if (a->opc == 0x1f) {
        op = VFP_TO_FIXED;          /* FCVTZS, FCVTZU */
    } else {
        return false;
    }
    if (a->immh & 8) {
        dbl = true;
        fbits = 128 - immhb;
    } else if (a->immh & 4) {
        dbl = false;
        fbits = 64 - immhb;
    } else {
        return false;               /* half precision, or reserved */
    }
    if (!vfp_size_ok(a->scalar, a->q, dbl)) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    imm = a64_vfp_imm(op == VFP_TO_FIXED ? FPROUNDING_ZERO : VFP_RM_FPCR,
                      a->u, false, fbits);
    gen_vfp(ctx, &helper_info_a64_vfp_unop,
            a64_vfp_desc(a->rd, a->rn, 0, op, dbl, a->q, a->scalar,
                         VFP_MODE_ELEMENTWISE), imm);
    return true;
}

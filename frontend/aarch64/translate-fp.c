/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 scalar floating point (a64-fp.decode): data processing with 1, 2
 * and 3 sources, compares, conditional compare and select, immediates,
 * and the conversions to and from integers and fixed point.
 *
 * Operands are loaded from env->vregs as raw bits into i64 temps; the
 * arithmetic is a helper call (helper-fp.c -> fpu.c) that reads FPCR and
 * writes FPSR in env; moves, FABS, FNEG, FCSEL and FMOV are plain IR.
 * Every scalar write zeroes the rest of the 128-bit register.  Half
 * precision exists only as an FCVT operand (no FEAT_FP16): other half
 * encodings, and FRINT32/64, FJCVTZS, are UNDEF.
 */
#include "translate.h"
#include "fpu.h"
#include "helper-fp.h"

#include "decode-a64-fp.c.inc"

/* ftype field values. */
enum { FT_S = 0, FT_D = 1, FT_RES = 2, FT_H = 3 };

static IRTemp new64(DisasContext *ctx)
{
    return ir_temp_new(ctx->s, IR_I64);
}

/* The low 16/32/64 bits of Vreg, zero-extended into a fresh i64. */
static IRTemp read_fp(DisasContext *ctx, int reg, int type)
{
    IRTemp t = new64(ctx);
    MemOp mop = type == FT_S ? MO_32 : type == FT_H ? MO_16 : MO_64;

    ir_ld(ctx->s, t, ctx->s->env, vreg_full_offset(reg), mop);
    return t;
}

/* Vreg = v (already zero-extended from the element size), rest zero. */
static void write_fp(DisasContext *ctx, int reg, IRTemp v)
{
    ir_st(ctx->s, v, ctx->s->env, vreg_full_offset(reg), MO_64);
    clear_vec_high(ctx, reg);
}

static IRTemp call_fp(DisasContext *ctx, const IRHelperInfo *info,
                      IRTemp a, IRTemp b, IRTemp c)
{
    IRTemp d = new64(ctx);
    IRTemp args[4] = { ctx->s->env, a, b, c };

    ir_call(ctx->s, info, d, args);
    return d;
}

static uint64_t sign_bit(int type)
{
    return type == FT_S ? 0x80000000ull : type == FT_H ? 0x8000ull
                                                       : 1ull << 63;
}

/* NZCV (bits 31..28 of an i64) into the split flag globals. */
static void gen_set_nzcv64(DisasContext *ctx, IRTemp nzcv64)
{
    IRContext *s = ctx->s;
    IRTemp t = ir_temp_new(s, IR_I32);

    ir_extrl_i64_i32(s, t, nzcv64);
    ir_mov(s, cpu_NF, t);                       /* N = bit 31 */
    ir_andi(s, cpu_ZF, t, 1 << 30);
    ir_xor(s, cpu_ZF, cpu_ZF, ir_const_i32(s, 1 << 30)); /* 0 iff Z */
    ir_extract(s, cpu_CF, t, 29, 1);
    ir_shl(s, cpu_VF, t, ir_const_i32(s, 3));  /* V: bit 28 -> 31 */
}

/* ------------------------------------------------------------------ */
/* Data processing                                                     */

static bool trans_FP_2SRC(DisasContext *ctx, arg_FP_2SRC *a)
{
    const IRHelperInfo *tab;
    IRTemp n, m, d;
    bool neg = false;
    int op = a->opcode;

    if (a->type > FT_D || op > 8) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    if (op == 8) {              /* FNMUL: -(n * m), NaNs negated too */
        op = A64FP2_MUL;
        neg = true;
    }
    tab = a->type == FT_S ? helper_info_a64_fp2_s : helper_info_a64_fp2_d;
    n = read_fp(ctx, a->rn, a->type);
    m = read_fp(ctx, a->rm, a->type);
    d = call_fp(ctx, &tab[op], n, m, 0);
    if (neg) {
        ir_xor(ctx->s, d, d, ir_const_i64(ctx->s, (int64_t)sign_bit(a->type)));
    }
    write_fp(ctx, a->rd, d);
    return true;
}

static bool trans_FP_3SRC(DisasContext *ctx, arg_FP_3SRC *a)
{
    IRContext *s = ctx->s;
    IRTemp n, m, ra, d;
    IRTemp sb;

    if (a->type > FT_D) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    n = read_fp(ctx, a->rn, a->type);
    m = read_fp(ctx, a->rm, a->type);
    ra = read_fp(ctx, a->ra, a->type);
    sb = ir_const_i64(s, (int64_t)sign_bit(a->type));
    /* FMSUB, FNMADD negate n; FNMADD, FNMSUB negate the addend. */
    if (a->o0 != a->o1) {
        ir_xor(s, n, n, sb);
    }
    if (a->o1) {
        ir_xor(s, ra, ra, sb);
    }
    d = call_fp(ctx, a->type == FT_S ? &helper_info_a64_fmuladd_s
                                     : &helper_info_a64_fmuladd_d, ra, n, m);
    write_fp(ctx, a->rd, d);
    return true;
}

static bool trans_FP_1SRC(DisasContext *ctx, arg_FP_1SRC *a)
{
    IRContext *s = ctx->s;
    int op = a->opcode, type = a->type;
    IRTemp n, d;

    if (type == FT_RES || (type == FT_H && (op < 4 || op > 7))) {
        return false;
    }
    if (op >= 4 && op <= 7) {           /* FCVT */
        const IRHelperInfo *info = helper_info_a64_fcvt[type][op & 3];
        if (!info) {
            return false;
        }
        if (!fp_access_check(ctx)) {
            return true;
        }
        write_fp(ctx, a->rd, call_fp(ctx, info, read_fp(ctx, a->rn, type),
                                     0, 0));
        return true;
    }
    if (op > 15 || op == 13) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    n = read_fp(ctx, a->rn, type);
    switch (op) {
    case 0:                             /* FMOV */
        d = n;
        break;
    case 1:                             /* FABS */
        d = new64(ctx);
        ir_andi(s, d, n, (int64_t)(sign_bit(type) - 1));
        break;
    case 2:                             /* FNEG */
        d = new64(ctx);
        ir_xor(s, d, n, ir_const_i64(s, (int64_t)sign_bit(type)));
        break;
    case 3:                             /* FSQRT */
        d = call_fp(ctx, type == FT_S ? &helper_info_a64_fsqrt_s
                                      : &helper_info_a64_fsqrt_d, n, 0, 0);
        break;
    default: {                          /* FRINTN/P/M/Z/A/X/I */
        static const uint8_t desc[8] = {
            FPROUNDING_TIEEVEN, FPROUNDING_POSINF, FPROUNDING_NEGINF,
            FPROUNDING_ZERO, FPROUNDING_TIEAWAY, 0,
            A64_FRINT_FPCR | A64_FRINT_EXACT, A64_FRINT_FPCR,
        };
        d = call_fp(ctx, type == FT_S ? &helper_info_a64_frint_s
                                      : &helper_info_a64_frint_d,
                    n, ir_const_i64(s, desc[op - 8]), 0);
        break;
    }
    }
    write_fp(ctx, a->rd, d);
    return true;
}

/* ------------------------------------------------------------------ */
/* Compares and selects                                                */

static void gen_fcmp(DisasContext *ctx, int type, IRTemp n, IRTemp m,
                     IRTemp ctl)
{
    IRTemp nzcv = call_fp(ctx, type == FT_S ? &helper_info_a64_fcmp_s
                                            : &helper_info_a64_fcmp_d,
                          n, m, ctl);
    gen_set_nzcv64(ctx, nzcv);
}

static bool trans_FCMP(DisasContext *ctx, arg_FCMP *a)
{
    IRTemp n, m;

    if (a->type > FT_D) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    n = read_fp(ctx, a->rn, a->type);
    m = a->z ? ir_const_i64(ctx->s, 0) : read_fp(ctx, a->rm, a->type);
    gen_fcmp(ctx, a->type, n, m, ir_const_i64(ctx->s, a->e));
    return true;
}

static bool trans_FCCMP(DisasContext *ctx, arg_FCCMP *a)
{
    IRContext *s = ctx->s;
    IRTemp n, m, ctl, fail32 = ir_temp_new(s, IR_I32);
    DisasCompare c;

    if (a->type > FT_D) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    n = read_fp(ctx, a->rn, a->type);
    m = read_fp(ctx, a->rm, a->type);
    a64_test_cc(ctx, &c, a->cond);
    if (c.cond == IR_COND_ALWAYS) {
        ctl = ir_const_i64(s, a->e);
    } else {
        /* ctl = e | !cond << 1 | nzcv << 4 */
        ctl = new64(ctx);
        ir_setcond(s, ir_cond_invert(c.cond), fail32, c.value,
                   ir_const_i32(s, 0));
        ir_extu_i32_i64(s, ctl, fail32);
        ir_shl(s, ctl, ctl, ir_const_i64(s, 1));
        ir_or(s, ctl, ctl, ir_const_i64(s, a->e | a->nzcv << 4));
    }
    gen_fcmp(ctx, a->type, n, m, ctl);
    return true;
}

static bool trans_FCSEL(DisasContext *ctx, arg_FCSEL *a)
{
    IRContext *s = ctx->s;
    IRTemp n, m, d, v;
    DisasCompare c;

    if (a->type > FT_D) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    n = read_fp(ctx, a->rn, a->type);
    m = read_fp(ctx, a->rm, a->type);
    a64_test_cc(ctx, &c, a->cond);
    if (c.cond == IR_COND_ALWAYS) {
        d = n;
    } else {
        d = new64(ctx);
        v = new64(ctx);
        ir_ext_i32_i64(s, v, c.value);
        ir_movcond(s, c.cond, d, v, ir_const_i64(s, 0), n, m);
    }
    write_fp(ctx, a->rd, d);
    return true;
}

/* VFPExpandImm. */
static uint64_t vfp_expand_imm(int type, unsigned imm8)
{
    uint64_t sign = imm8 >> 7, b6 = imm8 >> 6 & 1, hi = imm8 >> 4 & 3;
    uint64_t frac = imm8 & 15;

    if (type == FT_S) {
        uint64_t exp = (!b6) << 7 | (b6 ? 0x1f : 0) << 2 | hi;
        return sign << 31 | exp << 23 | frac << 19;
    }
    return sign << 63 | ((uint64_t)!b6 << 10 | (b6 ? 0xff : 0) << 2 | hi)
           << 52 | frac << 48;
}

static bool trans_FMOV_imm(DisasContext *ctx, arg_FMOV_imm *a)
{
    if (a->type > FT_D) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    write_fp(ctx, a->rd,
             ir_const_i64(ctx->s, (int64_t)vfp_expand_imm(a->type, a->imm)));
    return true;
}

/* ------------------------------------------------------------------ */
/* Conversions                                                         */

static void gen_to_int(DisasContext *ctx, int sf, int type, int rd, int rn,
                       int fbits, FPRounding rm, bool u)
{
    IRTemp d = call_fp(ctx, type == FT_S ? &helper_info_a64_fcvt_to_int_s
                                         : &helper_info_a64_fcvt_to_int_d,
                       read_fp(ctx, rn, type),
                       ir_const_i64(ctx->s, A64_FCVT_DESC(fbits, rm, u, sf)),
                       0);
    write_cpu_reg(ctx, rd, d, sf);
}

static void gen_from_int(DisasContext *ctx, int sf, int type, int rd,
                         int rn, int fbits, bool u)
{
    IRTemp d = call_fp(ctx, type == FT_S ? &helper_info_a64_fcvt_from_int_s
                                         : &helper_info_a64_fcvt_from_int_d,
                       cpu_reg(ctx, rn),
                       ir_const_i64(ctx->s, A64_FCVT_DESC(fbits, 0, u, sf)),
                       0);
    write_fp(ctx, rd, d);
}

static bool trans_FP_FIXED(DisasContext *ctx, arg_FP_FIXED *a)
{
    int fbits = 64 - a->scale;
    bool u = a->opcode & 1;

    if (a->type > FT_D || (!a->sf && a->scale < 32)) {
        return false;
    }
    if (a->rmode == 0 && (a->opcode >> 1) == 1) {           /* [SU]CVTF */
        if (fp_access_check(ctx)) {
            gen_from_int(ctx, a->sf, a->type, a->rd, a->rn, fbits, u);
        }
        return true;
    }
    if (a->rmode == 3 && (a->opcode >> 1) == 0) {           /* FCVTZ[SU] */
        if (fp_access_check(ctx)) {
            gen_to_int(ctx, a->sf, a->type, a->rd, a->rn, fbits,
                       FPROUNDING_ZERO, u);
        }
        return true;
    }
    return false;
}

/* FMOV between a general register and an FP register (or Vn.D[1]). */
static bool gen_fmov_general(DisasContext *ctx, arg_FP_INT *a)
{
    IRContext *s = ctx->s;
    bool to_fp = a->opcode & 1;
    int32_t ofs;
    IRTemp t;

    if (a->sf == 0 && a->type == FT_S && a->rmode == 0) {
        ofs = vreg_full_offset(to_fp ? a->rd : a->rn);
    } else if (a->sf == 1 && a->type == FT_D && a->rmode == 0) {
        ofs = vreg_full_offset(to_fp ? a->rd : a->rn);
    } else if (a->sf == 1 && a->type == FT_RES && a->rmode == 1) {
        ofs = vreg_hi_offset(to_fp ? a->rd : a->rn);
    } else {
        return false;               /* includes the FP16 forms */
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    if (to_fp) {
        t = new64(ctx);
        if (a->sf) {
            ir_mov(s, t, cpu_reg(ctx, a->rn));
        } else {
            ir_ext32u(s, t, cpu_reg(ctx, a->rn));
        }
        ir_st(s, t, s->env, ofs, MO_64);
        if (a->type != FT_RES) {
            clear_vec_high(ctx, a->rd);
        }
    } else {
        t = new64(ctx);
        ir_ld(s, t, s->env, ofs, a->sf ? MO_64 : MO_32);
        write_cpu_reg(ctx, a->rd, t, a->sf);
    }
    return true;
}

static bool trans_FP_INT(DisasContext *ctx, arg_FP_INT *a)
{
    static const FPRounding rmodes[4] = {
        FPROUNDING_TIEEVEN, FPROUNDING_POSINF, FPROUNDING_NEGINF,
        FPROUNDING_ZERO,
    };
    int op = a->opcode;

    if (op >= 6) {
        return gen_fmov_general(ctx, a);
    }
    if (a->type > FT_D) {
        return false;
    }
    if (op <= 1) {                      /* FCVT[NPMZ][SU] */
        if (fp_access_check(ctx)) {
            gen_to_int(ctx, a->sf, a->type, a->rd, a->rn, 0,
                       rmodes[a->rmode], op & 1);
        }
        return true;
    }
    if (a->rmode != 0) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    if (op <= 3) {                      /* SCVTF, UCVTF */
        gen_from_int(ctx, a->sf, a->type, a->rd, a->rn, 0, op & 1);
    } else {                            /* FCVTAS, FCVTAU */
        gen_to_int(ctx, a->sf, a->type, a->rd, a->rn, 0,
                   FPROUNDING_TIEAWAY, op & 1);
    }
    return true;
}

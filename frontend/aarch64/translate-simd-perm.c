/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 Advanced SIMD permutes and moves (a64-simd-perm.decode): DUP, INS,
 * UMOV/SMOV, the scalar DUP, EXT, TBL/TBX and ZIP/UZP/TRN.
 *
 * Element moves are single host loads/stores at the element's offset in
 * the CPU state (a vector register is 16 little-endian bytes); DUP
 * replicates by multiplying the zero-extended element by 0x0101...;
 * EXT is extract2 on 64-bit halves.  TBL/TBX and the zips go through
 * helpers (helper-simd.c).
 */
#include "translate.h"
#include "helper-simd.h"

#include "decode-a64-simd-perm.c.inc"

static IRTemp new64(DisasContext *ctx)
{
    return ir_temp_new(ctx->s, IR_I64);
}

static int32_t elem_offset(int reg, int esz, int index)
{
    return vreg_full_offset(reg) + (index << esz);
}

static IRTemp read_half(DisasContext *ctx, int reg, int half)
{
    IRTemp t = new64(ctx);

    ir_ld(ctx->s, t, ctx->s->env,
          half ? vreg_hi_offset(reg) : vreg_full_offset(reg), MO_64);
    return t;
}

/* Write lo, and hi or zero (hi == 0), to Vd. */
static void write_vec(DisasContext *ctx, int reg, IRTemp lo, IRTemp hi)
{
    IRContext *s = ctx->s;

    ir_st(s, lo, s->env, vreg_full_offset(reg), MO_64);
    if (hi) {
        ir_st(s, hi, s->env, vreg_hi_offset(reg), MO_64);
    } else {
        clear_vec_high(ctx, reg);
    }
}

/* Element size of an imm5 (lowest set bit), or -1 when reserved. */
static int imm5_esz(int imm5)
{
    return (imm5 & 15) ? __builtin_ctz((unsigned)imm5) : -1;
}

/* ------------------------------------------------------------------ */
/* Copy                                                                */

/* Fill Vd (both halves if q) with the low esz bytes of v, replicated. */
static void gen_dup(DisasContext *ctx, int rd, int esz, bool q, IRTemp v)
{
    static const uint64_t rep[4] = {
        0x0101010101010101ull, 0x0001000100010001ull,
        0x0000000100000001ull, 1,
    };
    IRContext *s = ctx->s;
    IRTemp t = new64(ctx);

    switch (esz) {
    case 0:
        ir_ext8u(s, t, v);
        break;
    case 1:
        ir_ext16u(s, t, v);
        break;
    case 2:
        ir_ext32u(s, t, v);
        break;
    default:
        ir_mov(s, t, v);
        break;
    }
    if (esz != 3) {
        ir_mul(s, t, t, ir_const_i64(s, (int64_t)rep[esz]));
    }
    write_vec(ctx, rd, t, q ? t : 0);
}

static bool trans_DUP_elem(DisasContext *ctx, arg_DUP_elem *a)
{
    int esz = imm5_esz(a->imm5);
    IRTemp t;

    if (esz < 0 || (esz == 3 && !a->q)) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    t = new64(ctx);
    ir_ld(ctx->s, t, ctx->s->env,
          elem_offset(a->rn, esz, a->imm5 >> (esz + 1)), (MemOp)esz);
    gen_dup(ctx, a->rd, esz, a->q, t);
    return true;
}

static bool trans_DUP_gen(DisasContext *ctx, arg_DUP_gen *a)
{
    int esz = imm5_esz(a->imm5);

    if (esz < 0 || (esz == 3 && !a->q)) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    gen_dup(ctx, a->rd, esz, a->q, cpu_reg(ctx, a->rn));
    return true;
}

static bool trans_DUP_scalar(DisasContext *ctx, arg_DUP_scalar *a)
{
    int esz = imm5_esz(a->imm5);
    IRTemp t;

    if (esz < 0) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    t = new64(ctx);
    ir_ld(ctx->s, t, ctx->s->env,
          elem_offset(a->rn, esz, a->imm5 >> (esz + 1)), (MemOp)esz);
    write_vec(ctx, a->rd, t, 0);
    return true;
}

static bool trans_INS_gen(DisasContext *ctx, arg_INS_gen *a)
{
    int esz = imm5_esz(a->imm5);

    if (esz < 0) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    ir_st(ctx->s, cpu_reg(ctx, a->rn), ctx->s->env,
          elem_offset(a->rd, esz, a->imm5 >> (esz + 1)), (MemOp)esz);
    return true;
}

static bool trans_INS_elem(DisasContext *ctx, arg_INS_elem *a)
{
    int esz = imm5_esz(a->imm5);
    IRTemp t;

    if (esz < 0) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    t = new64(ctx);
    ir_ld(ctx->s, t, ctx->s->env, elem_offset(a->rn, esz, a->imm4 >> esz),
          (MemOp)esz);
    ir_st(ctx->s, t, ctx->s->env,
          elem_offset(a->rd, esz, a->imm5 >> (esz + 1)), (MemOp)esz);
    return true;
}

/* UMOV (sign = false) and SMOV: q selects the X form. */
static bool do_mov_to_gpr(DisasContext *ctx, int imm5, int rn, int rd,
                          bool q, bool sign)
{
    int esz = imm5_esz(imm5);
    IRTemp t;

    if (esz < 0) {
        return false;
    }
    if (sign ? esz >= (q ? 3 : 2) : (q ? esz != 3 : esz == 3)) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    t = new64(ctx);
    ir_ld(ctx->s, t, ctx->s->env, elem_offset(rn, esz, imm5 >> (esz + 1)),
          (MemOp)esz | (sign ? MO_SIGN : 0));
    write_cpu_reg(ctx, rd, t, q);
    return true;
}

static bool trans_UMOV(DisasContext *ctx, arg_UMOV *a)
{
    return do_mov_to_gpr(ctx, a->imm5, a->rn, a->rd, a->q, false);
}

static bool trans_SMOV(DisasContext *ctx, arg_SMOV *a)
{
    return do_mov_to_gpr(ctx, a->imm5, a->rn, a->rd, a->q, true);
}

/* ------------------------------------------------------------------ */
/* EXT, TBL, ZIP/UZP/TRN                                               */

static bool trans_EXT(DisasContext *ctx, arg_EXT *a)
{
    IRContext *s = ctx->s;
    IRTemp h[4], r[2] = { 0, 0 };
    int pos = a->imm4, nh = a->q ? 4 : 2;

    if (!a->q && pos >= 8) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    /* The halves of Vm:Vn, least significant first. */
    h[0] = read_half(ctx, a->rn, 0);
    if (a->q) {
        h[1] = read_half(ctx, a->rn, 1);
        h[2] = read_half(ctx, a->rm, 0);
        h[3] = read_half(ctx, a->rm, 1);
    } else {
        h[1] = read_half(ctx, a->rm, 0);
    }
    for (int i = 0; i < (a->q ? 2 : 1); i++) {
        int k = pos / 8 + i;

        r[i] = new64(ctx);
        if (pos % 8 == 0) {
            ir_mov(s, r[i], h[k]);
        } else if (k + 1 < nh) {
            ir_extract2(s, r[i], h[k], h[k + 1], (unsigned)(pos % 8) * 8);
        } else {
            ir_shr(s, r[i], h[k], ir_const_i64(s, (pos % 8) * 8));
        }
    }
    write_vec(ctx, a->rd, r[0], r[1]);
    return true;
}

static bool trans_TBL(DisasContext *ctx, arg_TBL *a)
{
    IRContext *s = ctx->s;

    if (!fp_access_check(ctx)) {
        return true;
    }
    ir_call(s, &helper_info_simd_tbl, 0,
            (IRTemp[]){ s->env,
                        ir_const_i32(s, (int32_t)SIMD_DESC(a->rd, a->rn,
                            a->rm, 0, a->q, 0, a->tbx, a->len, 0)) });
    return true;
}

static bool trans_PERM(DisasContext *ctx, arg_PERM *a)
{
    IRContext *s = ctx->s;

    if ((a->op & 3) == 0 || (a->size == 3 && !a->q)) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    ir_call(s, &helper_info_simd_perm, 0,
            (IRTemp[]){ s->env,
                        ir_const_i32(s, (int32_t)SIMD_DESC(a->rd, a->rn,
                            a->rm, a->size, a->q, 0, 0, a->op, 0)) });
    return true;
}

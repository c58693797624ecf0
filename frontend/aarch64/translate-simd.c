/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 Advanced SIMD integer data processing (a64-simd.decode): three
 * same, three different, two-register misc, across lanes, shift by
 * immediate, vector x indexed element and modified immediate, in their
 * vector and scalar forms.
 *
 * Each trans_ function first rejects the reserved combinations of its
 * fields (returning false, so a later decoder or UNDEF gets the word),
 * then either expands the operation inline on the two 64-bit halves of
 * the registers -- the bitwise ops, ADD/SUB, the compares, the
 * 64-bit-lane shifts, SHRN/XTN, UMAXP/UMINP/ADDP on bytes: what glibc's
 * string functions run in their inner loops -- or calls one helper per
 * class (helper-simd.c) that loops over the elements.
 *
 * Inline lane arithmetic is SWAR: with H the mask of each lane's top
 * bit, lane-wise a + b is ((a & ~H) + (b & ~H)) ^ ((a ^ b) & H), so no
 * carry crosses a lane boundary.
 *
 * FMOV (vector, immediate) for single and double precision is done here
 * with MOVI (it shares the modified-immediate encoding and is only a bit
 * expansion); the half-precision form (o2 = 1) is left to the FP decoder.
 */
#include "translate.h"
#include "helper-simd.h"

#include "decode-a64-simd.c.inc"

/* ------------------------------------------------------------------ */
/* Register halves and helper calls                                    */

static IRTemp new64(DisasContext *ctx)
{
    return ir_temp_new(ctx->s, IR_I64);
}

static int32_t half_offset(int reg, int half)
{
    return half ? vreg_hi_offset(reg) : vreg_full_offset(reg);
}

/* A fresh temp holding 64-bit half `half` of Vreg. */
static IRTemp read_half(DisasContext *ctx, int reg, int half)
{
    IRTemp t = new64(ctx);

    ir_ld(ctx->s, t, ctx->s->env, half_offset(reg, half), MO_64);
    return t;
}

static void write_half(DisasContext *ctx, int reg, int half, IRTemp v)
{
    ir_st(ctx->s, v, ctx->s->env, half_offset(reg, half), MO_64);
}

/* Write the low half (and the high half, or zero it if hi is 0). */
static void write_vec(DisasContext *ctx, int reg, IRTemp lo, IRTemp hi)
{
    write_half(ctx, reg, 0, lo);
    if (hi) {
        write_half(ctx, reg, 1, hi);
    } else {
        clear_vec_high(ctx, reg);
    }
}

static IRTemp c64(DisasContext *ctx, uint64_t v)
{
    return ir_const_i64(ctx->s, (int64_t)v);
}

static void gen_helper(DisasContext *ctx, const IRHelperInfo *info,
                       uint32_t desc)
{
    IRContext *s = ctx->s;

    ir_call(s, info, 0, (IRTemp[]){ s->env, ir_const_i32(s, (int32_t)desc) });
}

static void gen_helper_imm(DisasContext *ctx, const IRHelperInfo *info,
                           uint32_t desc, int imm)
{
    IRContext *s = ctx->s;

    ir_call(s, info, 0, (IRTemp[]){ s->env, ir_const_i32(s, (int32_t)desc),
                                    ir_const_i32(s, imm) });
}

/* x replicated into every lane of size 1 << esz bytes. */
static uint64_t dup_const(int esz, uint64_t x)
{
    static const uint64_t rep[4] = {
        0x0101010101010101ull, 0x0001000100010001ull,
        0x0000000100000001ull, 1,
    };

    return (x & a64_bitmask64(8u << esz)) * rep[esz];
}

/* ------------------------------------------------------------------ */
/* SWAR lane arithmetic on one 64-bit half                             */

static void gen_lane_add(DisasContext *ctx, int esz, IRTemp d, IRTemp a,
                         IRTemp b, bool sub)
{
    IRContext *s = ctx->s;
    IRTemp h = c64(ctx, dup_const(esz, 1ull << ((8 << esz) - 1)));
    IRTemp t1 = new64(ctx), t2 = new64(ctx), x = new64(ctx);

    if (esz == 3) {
        if (sub) {
            ir_sub(s, d, a, b);
        } else {
            ir_add(s, d, a, b);
        }
        return;
    }
    ir_andc(s, t2, b, h);
    if (sub) {
        ir_or(s, t1, a, h);
        ir_sub(s, t1, t1, t2);
        ir_eqv(s, x, a, b);
    } else {
        ir_andc(s, t1, a, h);
        ir_add(s, t1, t1, t2);
        ir_xor(s, x, a, b);
    }
    ir_and(s, x, x, h);
    ir_xor(s, d, t1, x);
}

/*
 * d = all-ones in each lane of x that is zero (or nonzero, if nz), else
 * zero in that lane.
 */
static void gen_lane_test(DisasContext *ctx, int esz, IRTemp d, IRTemp x,
                          bool nz)
{
    IRContext *s = ctx->s;
    int bits = 8 << esz;
    IRTemp h, l, t = new64(ctx);

    if (esz == 3) {
        ir_negsetcond(s, nz ? IR_COND_NE : IR_COND_EQ, d, x, c64(ctx, 0));
        return;
    }
    h = c64(ctx, dup_const(esz, 1ull << (bits - 1)));
    l = c64(ctx, ~dup_const(esz, 1ull << (bits - 1)));
    ir_and(s, t, x, l);
    ir_add(s, t, t, l);
    ir_or(s, t, t, x);          /* lane top bit: lane != 0 */
    if (nz) {
        ir_and(s, t, t, h);
    } else {
        ir_andc(s, t, h, t);
    }
    ir_shr(s, t, t, c64(ctx, bits - 1));
    ir_mul(s, d, t, c64(ctx, a64_bitmask64((unsigned)bits)));
}

/*
 * d = all-ones in each lane where a >= b (ge) or a > b (!ge), as unsigned
 * or signed lanes, else zero.  a > b is !(b >= a).  With the top bits
 * forced on in a and off in b, the top bit of each lane of the
 * difference says whether a's low bits are >= b's; where the top bits
 * differ, a's top bit decides.
 */
static void gen_lane_cmp(DisasContext *ctx, int esz, IRTemp d, IRTemp a,
                         IRTemp b, bool sign, bool ge)
{
    IRContext *s = ctx->s;
    int bits = 8 << esz;
    IRTemp h, t, x, r, tmp;

    if (esz == 3) {
        ir_negsetcond(s, sign ? (ge ? IR_COND_GE : IR_COND_GT)
                              : (ge ? IR_COND_GEU : IR_COND_GTU), d, a, b);
        return;
    }
    if (!ge) {
        tmp = a;
        a = b;
        b = tmp;
    }
    h = c64(ctx, dup_const(esz, 1ull << (bits - 1)));
    if (sign) {
        IRTemp a2 = new64(ctx), b2 = new64(ctx);

        ir_xor(s, a2, a, h);
        ir_xor(s, b2, b, h);
        a = a2;
        b = b2;
    }
    t = new64(ctx);
    x = new64(ctx);
    r = new64(ctx);
    tmp = new64(ctx);
    ir_or(s, t, a, h);
    ir_andc(s, tmp, b, h);
    ir_sub(s, t, t, tmp);
    ir_xor(s, x, a, b);
    ir_and(s, r, a, x);
    ir_andc(s, t, t, x);
    ir_or(s, r, r, t);
    if (ge) {
        ir_and(s, r, r, h);
    } else {
        ir_andc(s, r, h, r);
    }
    ir_shr(s, r, r, c64(ctx, bits - 1));
    ir_mul(s, d, r, c64(ctx, a64_bitmask64((unsigned)bits)));
}

/*
 * Compress the low half of each 2 << esz byte lane of x into the low 32
 * bits of d (the narrowing step of XTN/SHRN on one 64-bit half).
 */
static void gen_pack_half(DisasContext *ctx, int esz, IRTemp d, IRTemp x)
{
    IRContext *s = ctx->s;
    IRTemp t = new64(ctx);

    switch (esz) {
    case 0:
        ir_and(s, d, x, c64(ctx, 0x00ff00ff00ff00ffull));
        ir_shr(s, t, d, c64(ctx, 8));
        ir_or(s, d, d, t);
        ir_and(s, d, d, c64(ctx, 0x0000ffff0000ffffull));
        break;
    case 1:
        ir_and(s, d, x, c64(ctx, 0x0000ffff0000ffffull));
        break;
    default:
        ir_ext32u(s, d, x);
        return;
    }
    ir_shr(s, t, d, c64(ctx, 16));
    ir_or(s, d, d, t);
    ir_ext32u(s, d, d);
}

/*
 * One 64-bit half of a pairwise operation on bytes: the pairs of h
 * (bytes 2i, 2i+1) reduced to four bytes, in the low 32 bits of d.
 * op: 0x14 UMAXP, 0x15 UMINP, 0x17 ADDP.
 */
static void gen_pair_bytes(DisasContext *ctx, int op, IRTemp d, IRTemp h)
{
    IRContext *s = ctx->s;
    IRTemp m8 = c64(ctx, 0x00ff00ff00ff00ffull);
    IRTemp e = new64(ctx), o = new64(ctx), t = new64(ctx);

    ir_and(s, e, h, m8);
    ir_shr(s, o, h, c64(ctx, 8));
    ir_and(s, o, o, m8);
    if (op == 0x17) {
        ir_add(s, t, e, o);
    } else {
        /* Bit 8 of each 16-bit lane of (e | 0x100) - o: e >= o. */
        IRTemp ge = new64(ctx);

        ir_or(s, ge, e, c64(ctx, 0x0100010001000100ull));
        ir_sub(s, ge, ge, o);
        ir_shr(s, ge, ge, c64(ctx, 8));
        ir_and(s, ge, ge, c64(ctx, 0x0001000100010001ull));
        ir_mul(s, ge, ge, c64(ctx, 0xffff));
        if (op == 0x15) {
            ir_not(s, ge, ge);
        }
        ir_and(s, t, e, ge);
        ir_andc(s, ge, o, ge);
        ir_or(s, t, t, ge);
    }
    gen_pack_half(ctx, 0, d, t);
}

/* ------------------------------------------------------------------ */
/* Three same                                                          */

/* Reserved size/q combinations of a three-same opcode (vector form). */
static bool three_same_ok(const arg_simd *a)
{
    int opc = a->opc, size = a->size;

    if (a->scalar) {
        switch (opc) {
        case 0x01: case 0x05: case 0x09: case 0x0b:
            return true;
        case 0x06: case 0x07: case 0x08: case 0x0a: case 0x10: case 0x11:
            return size == 3;
        case 0x16:
            return size == 1 || size == 2;
        default:
            return false;
        }
    }
    if (opc == 0x03) {
        return true;
    }
    if (size == 3 && !a->q) {
        return false;
    }
    switch (opc) {
    case 0x00: case 0x02: case 0x04: case 0x0c: case 0x0d: case 0x0e:
    case 0x0f: case 0x12: case 0x14: case 0x15:
        return size != 3;
    case 0x13:
        return a->u ? size == 0 : size != 3;
    case 0x16:
        return size == 1 || size == 2;
    case 0x17:
        return !a->u;
    default:
        return true;
    }
}

/* AND/BIC/ORR/ORN (u = 0) and EOR/BSL/BIT/BIF (u = 1), size the op. */
static void gen_logic_half(DisasContext *ctx, const arg_simd *a, int half)
{
    IRContext *s = ctx->s;
    IRTemp n = read_half(ctx, a->rn, half), m = read_half(ctx, a->rm, half);
    IRTemp r = new64(ctx), d, t;

    switch (a->u << 2 | a->size) {
    case 0: ir_and(s, r, n, m); break;
    case 1: ir_andc(s, r, n, m); break;
    case 2: ir_or(s, r, n, m); break;
    case 3: ir_orc(s, r, n, m); break;
    case 4: ir_xor(s, r, n, m); break;
    default:
        d = read_half(ctx, a->rd, half);
        t = new64(ctx);
        if (a->size == 1) {         /* BSL: m ^ ((n ^ m) & d) */
            ir_xor(s, t, n, m);
            ir_and(s, t, t, d);
            ir_xor(s, r, m, t);
        } else {                    /* BIT / BIF: d ^ ((d ^ n) & [~]m) */
            ir_xor(s, t, d, n);
            if (a->size == 2) {
                ir_and(s, t, t, m);
            } else {
                ir_andc(s, t, t, m);
            }
            ir_xor(s, r, d, t);
        }
        break;
    }
    write_half(ctx, a->rd, half, r);
}

/* The inline three-same ops; false if it needs the helper. */
static bool gen_three_same_inline(DisasContext *ctx, const arg_simd *a)
{
    int halves = a->q ? 2 : 1;
    IRTemp r[2] = { 0, 0 };

    if (a->opc == 0x03) {
        for (int i = 0; i < halves; i++) {
            gen_logic_half(ctx, a, i);
        }
        if (!a->q) {
            clear_vec_high(ctx, a->rd);
        }
        return true;
    }
    if (a->size == 0 &&
        (a->opc == 0x17 || ((a->opc == 0x14 || a->opc == 0x15) && a->u))) {
        /* ADDP, UMAXP, UMINP on bytes: n's pairs, then m's. */
        IRTemp lo = new64(ctx), hi = 0;
        IRTemp n0 = new64(ctx), m0 = new64(ctx);

        gen_pair_bytes(ctx, a->opc, n0, read_half(ctx, a->rn, 0));
        gen_pair_bytes(ctx, a->opc, m0, read_half(ctx, a->rm, 0));
        if (a->q) {
            IRTemp n1 = new64(ctx), m1 = new64(ctx);

            hi = new64(ctx);
            gen_pair_bytes(ctx, a->opc, n1, read_half(ctx, a->rn, 1));
            gen_pair_bytes(ctx, a->opc, m1, read_half(ctx, a->rm, 1));
            ir_shl(ctx->s, n1, n1, c64(ctx, 32));
            ir_or(ctx->s, lo, n0, n1);
            ir_shl(ctx->s, m1, m1, c64(ctx, 32));
            ir_or(ctx->s, hi, m0, m1);
        } else {
            ir_shl(ctx->s, m0, m0, c64(ctx, 32));
            ir_or(ctx->s, lo, n0, m0);
        }
        write_vec(ctx, a->rd, lo, hi);
        return true;
    }
    if (a->opc != 0x10 && a->opc != 0x11 && a->opc != 0x06 &&
        a->opc != 0x07) {
        return false;
    }
    for (int i = 0; i < halves; i++) {
        IRTemp n = read_half(ctx, a->rn, i), m = read_half(ctx, a->rm, i);
        IRTemp d = new64(ctx), x = new64(ctx);

        if (a->opc == 0x10) {
            gen_lane_add(ctx, a->size, d, n, m, a->u);
        } else if (a->opc != 0x11) {
            gen_lane_cmp(ctx, a->size, d, n, m, !a->u, a->opc == 0x07);
        } else if (a->u) {
            ir_xor(ctx->s, x, n, m);
            gen_lane_test(ctx, a->size, d, x, false);
        } else {
            ir_and(ctx->s, x, n, m);
            gen_lane_test(ctx, a->size, d, x, true);
        }
        r[i] = d;
    }
    write_vec(ctx, a->rd, r[0], a->q ? r[1] : 0);
    return true;
}

static bool trans_THREE_SAME(DisasContext *ctx, arg_simd *a)
{
    if (!three_same_ok(a)) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    if (gen_three_same_inline(ctx, a)) {
        return true;
    }
    gen_helper(ctx, &helper_info_simd_3same,
               SIMD_DESC(a->rd, a->rn, a->rm, a->size, a->q, a->scalar, a->u,
                         a->opc, 0));
    return true;
}

/* ------------------------------------------------------------------ */
/* Three different                                                     */

static bool trans_THREE_DIFF(DisasContext *ctx, arg_simd *a)
{
    bool qdm = a->opc == 0x9 || a->opc == 0xb || a->opc == 0xd;

    if (a->size == 3 || a->opc >= 0xe) {
        return false;   /* 0xe is PMULL: the crypto decoder's */
    }
    if (qdm && (a->u || a->size == 0)) {
        return false;
    }
    if (a->scalar && !qdm) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    gen_helper(ctx, &helper_info_simd_3diff,
               SIMD_DESC(a->rd, a->rn, a->rm, a->size, a->q, a->scalar, a->u,
                         a->opc, 0));
    return true;
}

/* ------------------------------------------------------------------ */
/* Two-register misc                                                   */

static bool two_misc_ok(const arg_simd *a)
{
    int opc = a->opc, size = a->size;

    if (a->scalar) {
        switch (opc) {
        case 0x03: case 0x07:
            return true;
        case 0x08: case 0x09: case 0x0b:
            return size == 3;
        case 0x0a:
            return !a->u && size == 3;
        case 0x12:
            return a->u && size != 3;
        case 0x14:
            return size != 3;
        default:
            return false;
        }
    }
    switch (opc) {
    case 0x00:
        return size < (a->u ? 2 : 3);
    case 0x01:
        return !a->u && size == 0;
    case 0x02: case 0x04: case 0x06: case 0x12: case 0x14:
        return size != 3;
    case 0x05:
        return size == 0 || (a->u && size == 1);
    case 0x03: case 0x07: case 0x08: case 0x09: case 0x0b:
        return size != 3 || a->q;
    case 0x0a:
        return !a->u && (size != 3 || a->q);
    case 0x13:
        return a->u && size != 3;
    default:
        return false;
    }
}

static bool trans_TWO_MISC(DisasContext *ctx, arg_simd *a)
{
    IRContext *s = ctx->s;
    int halves = a->q ? 2 : 1;
    IRTemp r[2] = { 0, 0 };

    if (!two_misc_ok(a)) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    if (!a->scalar && a->opc == 0x05 && a->u && a->size == 0) {
        /* NOT */
        for (int i = 0; i < halves; i++) {
            r[i] = new64(ctx);
            ir_not(s, r[i], read_half(ctx, a->rn, i));
        }
        write_vec(ctx, a->rd, r[0], r[1]);
        return true;
    }
    if (a->opc == 0x09 && !a->u) {
        /* CMEQ #0 */
        for (int i = 0; i < halves; i++) {
            r[i] = new64(ctx);
            gen_lane_test(ctx, a->size, r[i], read_half(ctx, a->rn, i),
                          false);
        }
        write_vec(ctx, a->rd, r[0], r[1]);
        return true;
    }
    if (!a->scalar && a->opc == 0x12 && !a->u) {
        /* XTN, XTN2 */
        IRTemp lo = new64(ctx), hi = new64(ctx);

        gen_pack_half(ctx, a->size, lo, read_half(ctx, a->rn, 0));
        gen_pack_half(ctx, a->size, hi, read_half(ctx, a->rn, 1));
        ir_shl(s, hi, hi, c64(ctx, 32));
        ir_or(s, lo, lo, hi);
        if (a->q) {
            write_half(ctx, a->rd, 1, lo);
        } else {
            write_vec(ctx, a->rd, lo, 0);
        }
        return true;
    }
    gen_helper(ctx, &helper_info_simd_2misc,
               SIMD_DESC(a->rd, a->rn, 0, a->size, a->q, a->scalar, a->u,
                         a->opc, 0));
    return true;
}

/* ------------------------------------------------------------------ */
/* Across lanes, scalar pairwise                                       */

static bool trans_ACROSS(DisasContext *ctx, arg_simd *a)
{
    switch (a->opc) {
    case 0x03: case 0x0a: case 0x1a:
        break;
    case 0x1b:
        if (a->u) {
            return false;
        }
        break;
    default:
        return false;   /* FP forms */
    }
    if (a->size == 3 || (a->size == 2 && !a->q)) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    gen_helper(ctx, &helper_info_simd_across,
               SIMD_DESC(a->rd, a->rn, 0, a->size, a->q, 0, a->u, a->opc, 0));
    return true;
}

static bool trans_ADDP_s(DisasContext *ctx, arg_simd *a)
{
    IRTemp t = new64(ctx);

    if (a->size != 3) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    ir_add(ctx->s, t, read_half(ctx, a->rn, 0), read_half(ctx, a->rn, 1));
    write_vec(ctx, a->rd, t, 0);
    return true;
}

/* ------------------------------------------------------------------ */
/* Shift by immediate                                                  */

/* Inline 64-bit-lane SSHR/USHR/SHL and SHRN; false for the helper. */
static bool gen_shift_imm_inline(DisasContext *ctx, const arg_shi *a,
                                 int esz, int sh)
{
    IRContext *s = ctx->s;
    int halves = a->q ? 2 : 1;
    IRTemp r[2] = { 0, 0 };

    if (a->opc == 0x10 && !a->u && !a->scalar) {
        /* SHRN: shift each wide lane, then pack the low halves. */
        IRTemp lo = new64(ctx), hi = new64(ctx);
        IRTemp n0 = new64(ctx), n1 = new64(ctx);

        ir_shr(s, n0, read_half(ctx, a->rn, 0), c64(ctx, sh));
        ir_shr(s, n1, read_half(ctx, a->rn, 1), c64(ctx, sh));
        gen_pack_half(ctx, esz, lo, n0);
        gen_pack_half(ctx, esz, hi, n1);
        ir_shl(s, hi, hi, c64(ctx, 32));
        ir_or(s, lo, lo, hi);
        if (a->q) {
            write_half(ctx, a->rd, 1, lo);
        } else {
            write_vec(ctx, a->rd, lo, 0);
        }
        return true;
    }
    if (esz != 3 || (a->opc != 0x00 && !(a->opc == 0x0a && !a->u))) {
        return false;
    }
    if (a->scalar) {
        halves = 1;
    }
    for (int i = 0; i < halves; i++) {
        IRTemp n = read_half(ctx, a->rn, i);

        r[i] = new64(ctx);
        if (a->opc == 0x0a) {
            ir_shl(s, r[i], n, c64(ctx, sh));
        } else if (sh == 64) {
            if (a->u) {
                ir_movi(s, r[i], 0);
            } else {
                ir_sar(s, r[i], n, c64(ctx, 63));
            }
        } else if (a->u) {
            ir_shr(s, r[i], n, c64(ctx, sh));
        } else {
            ir_sar(s, r[i], n, c64(ctx, sh));
        }
    }
    write_vec(ctx, a->rd, r[0], r[1]);
    return true;
}

static bool trans_SHIFT_IMM(DisasContext *ctx, arg_shi *a)
{
    int esz, immhb = a->immh << 3 | a->immb, sh, opc = a->opc;
    bool right, narrow = opc >= 0x10 && opc <= 0x13;

    if (a->immh == 0) {
        return false;
    }
    esz = 31 - __builtin_clz((unsigned)a->immh);
    switch (opc) {
    case 0x00: case 0x02: case 0x04: case 0x06:
        right = true;
        break;
    case 0x08:
        if (!a->u) {
            return false;
        }
        right = true;
        break;
    case 0x0a: case 0x0e:
        right = false;
        break;
    case 0x0c:
        if (!a->u) {
            return false;
        }
        right = false;
        break;
    case 0x10: case 0x11: case 0x12: case 0x13:
        if (esz == 3 || (a->scalar && opc <= 0x11 && !a->u)) {
            return false;
        }
        right = true;
        break;
    case 0x14:
        if (esz == 3 || a->scalar) {
            return false;
        }
        right = false;
        break;
    default:
        return false;   /* SCVTF/FCVTZS (fixed point): FP */
    }
    if (!narrow && opc != 0x14) {
        if (a->scalar ? (opc <= 0x0a && esz != 3) : (esz == 3 && !a->q)) {
            return false;
        }
    }
    sh = right ? (16 << esz) - immhb : immhb - (8 << esz);
    if (!fp_access_check(ctx)) {
        return true;
    }
    if (gen_shift_imm_inline(ctx, a, esz, sh)) {
        return true;
    }
    gen_helper_imm(ctx, &helper_info_simd_shift_imm,
                   SIMD_DESC(a->rd, a->rn, 0, esz, a->q, a->scalar, a->u,
                             opc, 0), sh);
    return true;
}

/* ------------------------------------------------------------------ */
/* Vector x indexed element                                            */

static bool trans_INDEXED(DisasContext *ctx, arg_idx *a)
{
    int rm, index, opc, x;
    bool u = a->u;

    switch (a->opc) {
    case 0x0: case 0x4:                 /* MLA, MLS */
        if (!a->u || a->scalar) {
            return false;
        }
        opc = 0x12;
        u = a->opc == 0x4;
        x = 0;
        break;
    case 0x8:                           /* MUL */
        if (a->u || a->scalar) {
            return false;
        }
        opc = 0x13;
        x = 0;
        break;
    case 0xc: case 0xd:                 /* SQDMULH, SQRDMULH */
        if (a->u) {
            return false;
        }
        opc = 0x16;
        u = a->opc == 0xd;
        x = 0;
        break;
    case 0x2: case 0x6: case 0xa:       /* [SU]MLAL, [SU]MLSL, [SU]MULL */
        if (a->scalar) {
            return false;
        }
        opc = 0x8 + (a->opc >> 2) * 2;
        x = 1;
        break;
    case 0x3: case 0x7: case 0xb:       /* SQDMLAL, SQDMLSL, SQDMULL */
        if (a->u) {
            return false;
        }
        opc = 0x9 + (a->opc >> 2) * 2;
        x = 1;
        break;
    default:
        return false;   /* FP, dot product, RDM */
    }
    switch (a->size) {
    case 1:
        rm = a->rm;
        index = a->h << 2 | a->l << 1 | a->m;
        break;
    case 2:
        rm = a->m << 4 | a->rm;
        index = a->h << 1 | a->l;
        break;
    default:
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    gen_helper_imm(ctx, &helper_info_simd_indexed,
                   SIMD_DESC(a->rd, a->rn, rm, a->size, a->q, a->scalar, u,
                             opc, x), index);
    return true;
}

/* ------------------------------------------------------------------ */
/* Modified immediate                                                  */

/* AdvSIMDExpandImm for cmode < 0xf (and 0xe with op). */
static uint64_t expand_imm(int op, int cmode, uint64_t imm8)
{
    uint64_t r = 0;

    switch (cmode >> 1) {
    case 0: case 1: case 2: case 3:
        return dup_const(2, imm8 << (8 * (cmode >> 1)));
    case 4: case 5:
        return dup_const(1, imm8 << (8 * ((cmode >> 1) & 1)));
    case 6:
        if (cmode & 1) {
            return dup_const(2, imm8 << 16 | 0xffff);
        }
        return dup_const(2, imm8 << 8 | 0xff);
    default:
        if (!op) {
            return dup_const(0, imm8);
        }
        for (int i = 0; i < 8; i++) {
            if (imm8 & (1u << i)) {
                r |= 0xffull << (8 * i);
            }
        }
        return r;
    }
}

static bool trans_MOD_IMM(DisasContext *ctx, arg_MOD_IMM *a)
{
    IRContext *s = ctx->s;
    uint64_t imm8 = (uint64_t)a->imm, imm;
    bool is_orr_bic = (a->cmode < 0xc && (a->cmode & 1));

    if (a->o2) {
        return false;   /* FMOV (vector, immediate) half precision */
    }
    if (a->cmode == 0xf) {
        /* FMOV Vd.2S/4S (op = 0) or Vd.2D (op = 1, q = 1). */
        uint64_t b6 = (imm8 >> 6) & 1;

        if (a->op) {
            if (!a->q) {
                return false;
            }
            imm = (imm8 >> 7) << 63 | (b6 ^ 1) << 62 |
                  (b6 ? 0xffull : 0) << 54 | (imm8 & 0x3f) << 48;
        } else {
            imm = dup_const(2, (imm8 >> 7) << 31 | (b6 ^ 1) << 30 |
                               (b6 ? 0x1full : 0) << 25 |
                               (imm8 & 0x3f) << 19);
        }
    } else {
        imm = expand_imm(a->op, a->cmode, imm8);
        if (a->op && a->cmode != 0xe) {
            imm = is_orr_bic ? imm : ~imm;  /* MVNI; BIC inverts below */
        }
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    if (!is_orr_bic) {
        write_vec(ctx, a->rd, c64(ctx, imm), a->q ? c64(ctx, imm) : 0);
        return true;
    }
    for (int i = 0; i < (a->q ? 2 : 1); i++) {
        IRTemp d = read_half(ctx, a->rd, i);

        if (a->op) {
            ir_andc(s, d, d, c64(ctx, imm));
        } else {
            ir_or(s, d, d, c64(ctx, imm));
        }
        write_half(ctx, a->rd, i, d);
    }
    if (!a->q) {
        clear_vec_high(ctx, a->rd);
    }
    return true;
}

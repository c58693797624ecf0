/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 data processing: immediate and register classes (a64-dp.decode).
 *
 * 32-bit forms (sf == 0) compute in i64 where the upper half cannot leak
 * into the low 32 bits (add, logic, multiply) and zero-extend the result
 * on write-back; shifts, rotates, divides and bit counts, whose low half
 * depends on the operand width, use i32 or explicitly extended operands.
 */
#include "translate.h"
#include "cpu-internal.h"

#include "decode-a64-dp.c.inc"

/* ------------------------------------------------------------------ */
/* Helpers (pure)                                                      */

static uint64_t helper_a64_rbit64(uint64_t x)
{
    x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
    x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0full) | ((x & 0x0f0f0f0f0f0f0f0full) << 4);
    return __builtin_bswap64(x);
}

static const IRHelperInfo helper_info_a64_rbit64 = {
    .func = (void *)helper_a64_rbit64,
    .name = "a64_rbit64",
    .flags = IR_CALL_PURE,
    .nb_args = 1,
    .ret_type = IR_I64,
    .arg_types = { IR_I64 },
};

/* CRC-32 (poly 0x04C11DB7) or CRC-32C (0x1EDC6F41), reflected, bytes. */
static uint64_t helper_a64_crc32(uint64_t acc, uint64_t val, uint32_t desc)
{
    unsigned bytes = desc & 15;
    uint32_t poly = (desc & 16) ? 0x82f63b78u : 0xedb88320u;
    uint32_t crc = (uint32_t)acc;

    for (unsigned i = 0; i < bytes; i++) {
        crc ^= (uint8_t)(val >> (8 * i));
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (poly & -(crc & 1));
        }
    }
    return crc;
}

static const IRHelperInfo helper_info_a64_crc32 = {
    .func = (void *)helper_a64_crc32,
    .name = "a64_crc32",
    .flags = IR_CALL_PURE,
    .nb_args = 3,
    .ret_type = IR_I64,
    .arg_types = { IR_I64, IR_I64, IR_I32 },
};

/* ------------------------------------------------------------------ */
/* Data processing: immediate                                          */

static IRTemp new64(DisasContext *ctx)
{
    return ir_temp_new(ctx->s, IR_I64);
}

static bool trans_ADR(DisasContext *ctx, arg_ADR *a)
{
    IRTemp t = new64(ctx);

    ir_movi(ctx->s, t, (int64_t)(ctx->pc_curr + (int64_t)a->imm));
    write_cpu_reg(ctx, a->rd, t, true);
    return true;
}

static bool trans_ADRP(DisasContext *ctx, arg_ADRP *a)
{
    IRTemp t = new64(ctx);
    uint64_t base = ctx->pc_curr & ~0xfffull;

    ir_movi(ctx->s, t, (int64_t)(base + ((int64_t)a->imm << 12)));
    write_cpu_reg(ctx, a->rd, t, true);
    return true;
}

static bool trans_ADDSUB_i(DisasContext *ctx, arg_ADDSUB_i *a)
{
    IRContext *s = ctx->s;
    uint64_t imm = (uint64_t)a->imm << (a->sh ? 12 : 0);
    IRTemp rn = cpu_reg_sp(ctx, a->rn);
    IRTemp b = ir_const_i64(s, (int64_t)imm);
    IRTemp d = new64(ctx);

    if (a->s) {
        if (a->op) {
            gen_sub_CC(ctx, a->sf, d, rn, b);
        } else {
            gen_add_CC(ctx, a->sf, d, rn, b);
        }
        write_cpu_reg(ctx, a->rd, d, a->sf);
    } else {
        if (a->op) {
            ir_sub(s, d, rn, b);
        } else {
            ir_add(s, d, rn, b);
        }
        write_cpu_reg_sp(ctx, a->rd, d, a->sf);
    }
    return true;
}

/*
 * DecodeBitMasks for logical immediates: false for the reserved
 * encodings.  The element (2..64 bits) of s+1 ones rotated right by r is
 * replicated to 64 bits.
 */
static bool logic_imm_decode(uint64_t *result, unsigned immn,
                             unsigned imms, unsigned immr)
{
    unsigned x = (immn << 6) | (~imms & 0x3f);
    unsigned len, e, levels, sv, rv;
    uint64_t mask;

    if (x == 0) {
        return false;
    }
    len = 31 - (unsigned)__builtin_clz(x);
    if (len < 1) {
        return false;
    }
    e = 1u << len;
    levels = e - 1;
    sv = imms & levels;
    rv = immr & levels;
    if (sv == levels) {
        return false;
    }
    mask = a64_bitmask64(sv + 1);
    if (rv) {
        mask = (mask >> rv) | (mask << (e - rv));
        mask &= a64_bitmask64(e);
    }
    while (e < 64) {
        mask |= mask << e;
        e *= 2;
    }
    *result = mask;
    return true;
}

static void gen_logic(DisasContext *ctx, int opc, IRTemp d, IRTemp a,
                      IRTemp b)
{
    switch (opc) {
    case 0:
    case 3:
        ir_and(ctx->s, d, a, b);
        break;
    case 1:
        ir_or(ctx->s, d, a, b);
        break;
    default:
        ir_xor(ctx->s, d, a, b);
        break;
    }
}

static bool trans_LOGIC_i(DisasContext *ctx, arg_LOGIC_i *a)
{
    uint64_t imm;
    IRTemp d = new64(ctx);

    if ((!a->sf && a->n) ||
        !logic_imm_decode(&imm, a->n, a->imms, a->immr)) {
        return false;
    }
    if (!a->sf) {
        imm &= 0xffffffffull;
    }
    gen_logic(ctx, a->opc, d, cpu_reg(ctx, a->rn),
              ir_const_i64(ctx->s, (int64_t)imm));
    if (a->opc == 3) {
        if (!a->sf) {
            ir_ext32u(ctx->s, d, d);
        }
        gen_logic_CC(ctx, d, a->sf);
        write_cpu_reg(ctx, a->rd, d, a->sf);
    } else {
        write_cpu_reg_sp(ctx, a->rd, d, a->sf);
    }
    return true;
}

static bool trans_MOVW(DisasContext *ctx, arg_MOVW *a)
{
    IRContext *s = ctx->s;
    unsigned pos = a->hw * 16;
    uint64_t imm = (uint64_t)a->imm << pos;
    IRTemp d;

    if (a->opc == 1 || (!a->sf && a->hw >= 2)) {
        return false;
    }
    if (a->rd == 31) {
        return true;
    }
    d = cpu_X[a->rd];
    switch (a->opc) {
    case 0: /* MOVN */
        imm = ~imm;
        ir_movi(s, d, (int64_t)(a->sf ? imm : (imm & 0xffffffffull)));
        break;
    case 2: /* MOVZ */
        ir_movi(s, d, (int64_t)imm);
        break;
    default: /* MOVK */
        ir_deposit(s, d, d, ir_const_i64(s, a->imm), pos, 16);
        if (!a->sf) {
            ir_ext32u(s, d, d);
        }
        break;
    }
    return true;
}

static bool trans_BFM(DisasContext *ctx, arg_BFM *a)
{
    IRContext *s = ctx->s;
    unsigned bits = a->sf ? 64 : 32;
    unsigned r = a->immr, sv = a->imms;
    IRTemp src = cpu_reg(ctx, a->rn);
    IRTemp d = new64(ctx);

    if (a->opc == 3 || a->sf != a->n || r >= bits || sv >= bits) {
        return false;
    }
    if (a->opc == 1) {  /* BFM: insert into the old value of rd */
        IRTemp old = read_cpu_reg(ctx, a->rd, true);

        if (sv >= r) {
            unsigned len = sv - r + 1;
            IRTemp f = new64(ctx);

            ir_extract(s, f, src, r, len);
            ir_deposit(s, d, old, f, 0, len);
        } else {
            ir_deposit(s, d, old, src, bits - r, sv + 1);
        }
    } else if (sv >= r) {   /* field at r..sv moves to bit 0 */
        if (a->opc == 0) {
            ir_sextract(s, d, src, r, sv - r + 1);
        } else {
            ir_extract(s, d, src, r, sv - r + 1);
        }
    } else {                /* bits 0..sv move up to bits - r */
        if (a->opc == 0) {
            ir_sextract(s, d, src, 0, sv + 1);
        } else {
            ir_extract(s, d, src, 0, sv + 1);
        }
        ir_shl(s, d, d, ir_const_i64(s, bits - r));
    }
    write_cpu_reg(ctx, a->rd, d, a->sf);
    return true;
}

static bool trans_EXTR(DisasContext *ctx, arg_EXTR *a)
{
    IRContext *s = ctx->s;
    IRTemp d = new64(ctx);

    if (a->sf != a->n || (!a->sf && a->imms >= 32)) {
        return false;
    }
    if (a->sf) {
        if (a->imms == 0) {
            ir_mov(s, d, cpu_reg(ctx, a->rm));
        } else {
            ir_extract2(s, d, cpu_reg(ctx, a->rm), cpu_reg(ctx, a->rn),
                        a->imms);
        }
    } else {
        IRTemp lo = read_cpu_reg(ctx, a->rm, false);

        ir_deposit(s, d, lo, cpu_reg(ctx, a->rn), 32, 32);
        ir_shr(s, d, d, ir_const_i64(s, a->imms));
    }
    write_cpu_reg(ctx, a->rd, d, a->sf);
    return true;
}

/* ------------------------------------------------------------------ */
/* Data processing: register                                           */

/* Rm shifted by type (LSL, LSR, ASR, ROR) and amount, for width sf. */
static IRTemp gen_shifted_reg(DisasContext *ctx, int reg, bool sf,
                              int type, int amount)
{
    IRContext *s = ctx->s;
    IRTemp t = new64(ctx);
    IRTemp src = cpu_reg(ctx, reg);

    if (sf) {
        IRTemp sh = ir_const_i64(s, amount);

        switch (type) {
        case 0:
            ir_shl(s, t, src, sh);
            break;
        case 1:
            ir_shr(s, t, src, sh);
            break;
        case 2:
            ir_sar(s, t, src, sh);
            break;
        default:
            ir_rotr(s, t, src, sh);
            break;
        }
    } else {
        IRTemp t32 = ir_temp_new(s, IR_I32);
        IRTemp sh = ir_const_i32(s, amount);

        ir_extrl_i64_i32(s, t32, src);
        switch (type) {
        case 0:
            ir_shl(s, t32, t32, sh);
            break;
        case 1:
            ir_shr(s, t32, t32, sh);
            break;
        case 2:
            ir_sar(s, t32, t32, sh);
            break;
        default:
            ir_rotr(s, t32, t32, sh);
            break;
        }
        ir_extu_i32_i64(s, t, t32);
    }
    return t;
}

static bool trans_LOGIC_r(DisasContext *ctx, arg_LOGIC_r *a)
{
    IRContext *s = ctx->s;
    IRTemp rm, d = new64(ctx);

    if (!a->sf && a->imm >= 32) {
        return false;
    }
    rm = gen_shifted_reg(ctx, a->rm, a->sf, a->shift, a->imm);
    if (a->n) {
        ir_not(s, rm, rm);
    }
    gen_logic(ctx, a->opc, d, cpu_reg(ctx, a->rn), rm);
    if (!a->sf) {
        ir_ext32u(s, d, d);
    }
    if (a->opc == 3) {
        gen_logic_CC(ctx, d, a->sf);
    }
    write_cpu_reg(ctx, a->rd, d, a->sf);
    return true;
}

static void gen_addsub(DisasContext *ctx, bool sf, bool sub, bool setflags,
                       IRTemp d, IRTemp a, IRTemp b)
{
    if (setflags) {
        if (sub) {
            gen_sub_CC(ctx, sf, d, a, b);
        } else {
            gen_add_CC(ctx, sf, d, a, b);
        }
    } else if (sub) {
        ir_sub(ctx->s, d, a, b);
    } else {
        ir_add(ctx->s, d, a, b);
    }
}

static bool trans_ADDSUB_r(DisasContext *ctx, arg_ADDSUB_r *a)
{
    IRTemp rm, d = new64(ctx);

    if (a->shift == 3 || (!a->sf && a->imm >= 32)) {
        return false;
    }
    rm = gen_shifted_reg(ctx, a->rm, a->sf, a->shift, a->imm);
    gen_addsub(ctx, a->sf, a->op, a->s, d, cpu_reg(ctx, a->rn), rm);
    write_cpu_reg(ctx, a->rd, d, a->sf);
    return true;
}

static bool trans_ADDSUB_x(DisasContext *ctx, arg_ADDSUB_x *a)
{
    IRContext *s = ctx->s;
    IRTemp rm = new64(ctx), d = new64(ctx);
    IRTemp src = cpu_reg(ctx, a->rm);
    bool sign = a->option & 4;

    if (a->opt != 0 || a->imm > 4) {
        return false;
    }
    switch (a->option & 3) {
    case 0:
        (sign ? ir_ext8s : ir_ext8u)(s, rm, src);
        break;
    case 1:
        (sign ? ir_ext16s : ir_ext16u)(s, rm, src);
        break;
    case 2:
        (sign ? ir_ext32s : ir_ext32u)(s, rm, src);
        break;
    default:
        ir_mov(s, rm, src);
        break;
    }
    ir_shl(s, rm, rm, ir_const_i64(s, a->imm));
    gen_addsub(ctx, a->sf, a->op, a->s, d, cpu_reg_sp(ctx, a->rn), rm);
    if (a->s) {
        write_cpu_reg(ctx, a->rd, d, a->sf);
    } else {
        write_cpu_reg_sp(ctx, a->rd, d, a->sf);
    }
    return true;
}

static bool trans_ADC(DisasContext *ctx, arg_ADC *a)
{
    IRContext *s = ctx->s;
    IRTemp rm = new64(ctx), d = new64(ctx);
    IRTemp rn = cpu_reg(ctx, a->rn);

    if (a->op) {
        ir_not(s, rm, cpu_reg(ctx, a->rm));
    } else {
        ir_mov(s, rm, cpu_reg(ctx, a->rm));
    }
    if (a->s) {
        gen_adc_CC(ctx, a->sf, d, rn, rm);
    } else {
        IRTemp c = new64(ctx);

        ir_extu_i32_i64(s, c, cpu_CF);
        ir_add(s, d, rn, rm);
        ir_add(s, d, d, c);
    }
    write_cpu_reg(ctx, a->rd, d, a->sf);
    return true;
}

static bool trans_CCMP(DisasContext *ctx, arg_CCMP *a)
{
    IRContext *s = ctx->s;
    IRLabel l_else = ir_label_new(s), l_end = ir_label_new(s);
    DisasCompare c;
    IRTemp b;

    a64_test_cc(ctx, &c, a->cond);
    if (c.cond != IR_COND_ALWAYS) {
        ir_brcond(s, ir_cond_invert(c.cond), c.value, ir_const_i32(s, 0),
                  l_else);
    }
    b = a->imm ? ir_const_i64(s, a->y) : cpu_reg(ctx, a->y);
    if (a->op) {
        gen_sub_CC(ctx, a->sf, new64(ctx), cpu_reg(ctx, a->rn), b);
    } else {
        gen_add_CC(ctx, a->sf, new64(ctx), cpu_reg(ctx, a->rn), b);
    }
    ir_br(s, l_end);
    ir_set_label(s, l_else);
    ir_movi(s, cpu_NF, (a->nzcv & 8) ? INT32_MIN : 0);
    ir_movi(s, cpu_ZF, (a->nzcv & 4) ? 0 : 1);
    ir_movi(s, cpu_CF, (a->nzcv & 2) ? 1 : 0);
    ir_movi(s, cpu_VF, (a->nzcv & 1) ? INT32_MIN : 0);
    ir_set_label(s, l_end);
    return true;
}

static bool trans_CSEL(DisasContext *ctx, arg_CSEL *a)
{
    IRContext *s = ctx->s;
    IRTemp rm = new64(ctx), d = new64(ctx), v = new64(ctx);
    DisasCompare c;

    a64_test_cc(ctx, &c, a->cond);
    if (a->op) {
        if (a->o2) {
            ir_neg(s, rm, cpu_reg(ctx, a->rm));
        } else {
            ir_not(s, rm, cpu_reg(ctx, a->rm));
        }
    } else if (a->o2) {
        ir_addi(s, rm, cpu_reg(ctx, a->rm), 1);
    } else {
        ir_mov(s, rm, cpu_reg(ctx, a->rm));
    }
    if (c.cond == IR_COND_ALWAYS) {
        ir_mov(s, d, cpu_reg(ctx, a->rn));
    } else {
        ir_ext_i32_i64(s, v, c.value);
        ir_movcond(s, c.cond, d, v, ir_const_i64(s, 0), cpu_reg(ctx, a->rn),
                   rm);
    }
    write_cpu_reg(ctx, a->rd, d, a->sf);
    return true;
}

static bool trans_DP3(DisasContext *ctx, arg_DP3 *a)
{
    IRContext *s = ctx->s;
    IRTemp n = new64(ctx), m = new64(ctx), d = new64(ctx);
    IRTemp hi = new64(ctx);
    bool sub = a->o0;

    if (a->op54 != 0) {
        return false;
    }
    switch (a->op31) {
    case 0: /* MADD, MSUB */
        ir_mul(s, d, cpu_reg(ctx, a->rn), cpu_reg(ctx, a->rm));
        break;
    case 1: /* SMADDL, SMSUBL */
    case 5: /* UMADDL, UMSUBL */
        if (!a->sf) {
            return false;
        }
        if (a->op31 == 1) {
            ir_ext32s(s, n, cpu_reg(ctx, a->rn));
            ir_ext32s(s, m, cpu_reg(ctx, a->rm));
        } else {
            ir_ext32u(s, n, cpu_reg(ctx, a->rn));
            ir_ext32u(s, m, cpu_reg(ctx, a->rm));
        }
        ir_mul(s, d, n, m);
        break;
    case 2: /* SMULH */
    case 6: /* UMULH */
        if (!a->sf || a->o0) {
            return false;
        }
        if (a->op31 == 2) {
            ir_muls2(s, n, hi, cpu_reg(ctx, a->rn), cpu_reg(ctx, a->rm));
        } else {
            ir_mulu2(s, n, hi, cpu_reg(ctx, a->rn), cpu_reg(ctx, a->rm));
        }
        write_cpu_reg(ctx, a->rd, hi, true);
        return true;
    default:
        return false;
    }
    if (sub) {
        ir_sub(s, d, cpu_reg(ctx, a->ra), d);
    } else {
        ir_add(s, d, cpu_reg(ctx, a->ra), d);
    }
    write_cpu_reg(ctx, a->rd, d, a->sf);
    return true;
}

static void gen_shift_var(DisasContext *ctx, arg_DP2 *a, IROpcode opc)
{
    IRContext *s = ctx->s;
    IRTemp d = new64(ctx);

    if (a->sf) {
        ir_emit(s, opc, IR_I64,
                IR_A(d, cpu_reg(ctx, a->rn), cpu_reg(ctx, a->rm)));
    } else {
        IRTemp n = ir_temp_new(s, IR_I32), m = ir_temp_new(s, IR_I32);

        ir_extrl_i64_i32(s, n, cpu_reg(ctx, a->rn));
        ir_extrl_i64_i32(s, m, cpu_reg(ctx, a->rm));
        ir_emit(s, opc, IR_I32, IR_A(n, n, m));
        ir_extu_i32_i64(s, d, n);
    }
    write_cpu_reg(ctx, a->rd, d, a->sf);
}

static void gen_div(DisasContext *ctx, arg_DP2 *a, bool sign)
{
    IRContext *s = ctx->s;
    IRTemp n = new64(ctx), m = new64(ctx), d = new64(ctx);

    if (a->sf) {
        ir_mov(s, n, cpu_reg(ctx, a->rn));
        ir_mov(s, m, cpu_reg(ctx, a->rm));
    } else if (sign) {
        ir_ext32s(s, n, cpu_reg(ctx, a->rn));
        ir_ext32s(s, m, cpu_reg(ctx, a->rm));
    } else {
        ir_ext32u(s, n, cpu_reg(ctx, a->rn));
        ir_ext32u(s, m, cpu_reg(ctx, a->rm));
    }
    /* IR division never traps: x/0 = 0, INT64_MIN/-1 = INT64_MIN. */
    if (sign) {
        ir_divs(s, d, n, m);
    } else {
        ir_divu(s, d, n, m);
    }
    write_cpu_reg(ctx, a->rd, d, a->sf);
}

static bool gen_crc32(DisasContext *ctx, arg_DP2 *a)
{
    IRContext *s = ctx->s;
    unsigned sz = a->opcode & 3;
    bool c = a->opcode & 4;
    IRTemp d = new64(ctx);

    if (!ctx->cpu->model->crc32 || (sz == 3) != a->sf) {
        return false;
    }
    ir_call(s, &helper_info_a64_crc32, d,
            (IRTemp[]){ cpu_reg(ctx, a->rn), cpu_reg(ctx, a->rm),
                        ir_const_i32(s, (1 << sz) | (c ? 16 : 0)) });
    write_cpu_reg(ctx, a->rd, d, false);
    return true;
}

static bool trans_DP2(DisasContext *ctx, arg_DP2 *a)
{
    if (a->s) {
        return false;
    }
    switch (a->opcode) {
    case 2:
        gen_div(ctx, a, false);
        return true;
    case 3:
        gen_div(ctx, a, true);
        return true;
    case 8:
        gen_shift_var(ctx, a, IR_OP_shl);
        return true;
    case 9:
        gen_shift_var(ctx, a, IR_OP_shr);
        return true;
    case 10:
        gen_shift_var(ctx, a, IR_OP_sar);
        return true;
    case 11:
        gen_shift_var(ctx, a, IR_OP_rotr);
        return true;
    default:
        if ((a->opcode & 0x38) == 0x10) {
            return gen_crc32(ctx, a);
        }
        return false;
    }
}

/* Swap the bytes of each 16-bit lane of t (width 64). */
static void gen_rev16(DisasContext *ctx, IRTemp d, IRTemp t)
{
    IRContext *s = ctx->s;
    IRTemp hi = new64(ctx), lo = new64(ctx);
    IRTemp mask = ir_const_i64(s, 0x00ff00ff00ff00ffll);

    ir_shr(s, hi, t, ir_const_i64(s, 8));
    ir_and(s, hi, hi, mask);
    ir_and(s, lo, t, mask);
    ir_shl(s, lo, lo, ir_const_i64(s, 8));
    ir_or(s, d, hi, lo);
}

static bool trans_DP1(DisasContext *ctx, arg_DP1 *a)
{
    IRContext *s = ctx->s;
    IRTemp src = cpu_reg(ctx, a->rn);
    IRTemp d = new64(ctx);

    if (a->s || a->opcode2 != 0) {
        return false;
    }
    switch (a->opcode) {
    case 0: /* RBIT */
        ir_call(s, &helper_info_a64_rbit64, d, (IRTemp[]){ src });
        if (!a->sf) {
            ir_shr(s, d, d, ir_const_i64(s, 32));
        }
        break;
    case 1: /* REV16 */
        gen_rev16(ctx, d, src);
        break;
    case 2: /* REV32 (64-bit), REV (32-bit) */
        ir_bswap64(s, d, src);
        ir_rotr(s, d, d, ir_const_i64(s, 32));
        break;
    case 3: /* REV (64-bit) */
        if (!a->sf) {
            return false;
        }
        ir_bswap64(s, d, src);
        break;
    case 4: /* CLZ */
    case 5: /* CLS */
        if (a->sf) {
            IRTemp t = new64(ctx);

            if (a->opcode == 5) {
                ir_sar(s, t, src, ir_const_i64(s, 1));
                ir_xor(s, t, t, src);
            } else {
                ir_mov(s, t, src);
            }
            ir_clz(s, d, t, ir_const_i64(s, 64));
        } else {
            IRTemp t = ir_temp_new(s, IR_I32);

            ir_extrl_i64_i32(s, t, src);
            if (a->opcode == 5) {
                IRTemp u = ir_temp_new(s, IR_I32);

                ir_sar(s, u, t, ir_const_i32(s, 1));
                ir_xor(s, t, t, u);
            }
            ir_clz(s, t, t, ir_const_i32(s, 32));
            ir_extu_i32_i64(s, d, t);
        }
        if (a->opcode == 5) {
            ir_addi(s, d, d, -1);
        }
        break;
    default:
        return false;
    }
    write_cpu_reg(ctx, a->rd, d, a->sf);
    return true;
}

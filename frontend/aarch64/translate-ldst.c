/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 loads and stores (a64-ldst.decode): single registers in every
 * addressing mode, pairs, literals, the scalar SIMD&FP register forms,
 * exclusives, load-acquire/store-release and the LSE atomics.
 *
 * Plain accesses are qemu_ld/qemu_st, little-endian, unaligned allowed
 * (Linux runs EL0 with SCTLR_EL1.A clear).  Exclusives and atomics go
 * through helpers (helper.c) that use host atomics and check alignment.
 *
 * Writeback: the loaded value is written after the base register, so a
 * load with writeback and rt == rn (CONSTRAINED UNPREDICTABLE) leaves the
 * loaded value; a store with writeback stores the pre-writeback rt.
 */
#include "translate.h"
#include "cpu-internal.h"
#include "helper.h"

#include "decode-a64-ldst.c.inc"

/* What one size/opc/v combination of a load/store does. */
typedef struct LdStKind {
    bool load;
    bool vec;       /* SIMD&FP register */
    bool prfm;      /* prefetch: no access at all */
    bool ext32;     /* sign-extend to 32 bits, zero the upper half */
    unsigned lg;    /* log2 of the access size (4: 128 bits) */
    MemOp mop;      /* size and sign for GPR loads */
} LdStKind;

/* Decode size/opc/v of the single-register forms; false if reserved. */
static bool ldst_kind(int size, int opc, int v, LdStKind *k)
{
    *k = (LdStKind){ .lg = (unsigned)size, .mop = (MemOp)size };
    if (v) {
        k->vec = true;
        k->load = opc & 1;
        if (opc & 2) {
            if (size != 0) {
                return false;
            }
            k->lg = 4;
        }
        return true;
    }
    switch (opc) {
    case 0:
        return true;
    case 1:
        k->load = true;
        return true;
    case 2:
        if (size == 3) {
            k->prfm = true;
            return true;
        }
        k->load = true;
        k->mop |= MO_SIGN;
        return true;
    default:
        if (size >= 2) {
            return false;
        }
        k->load = true;
        k->ext32 = true;
        k->mop |= MO_SIGN;
        return true;
    }
}

static IRTemp new64(DisasContext *ctx)
{
    return ir_temp_new(ctx->s, IR_I64);
}

/* Load into general register rt (31: discarded). */
static void do_gpr_ld(DisasContext *ctx, IRTemp val, IRTemp addr,
                      const LdStKind *k)
{
    IRContext *s = ctx->s;

    ir_qemu_ld(s, val, addr, get_mem_index(ctx),
               k->mop | MO_LE | a64_align(ctx));
    if (k->ext32) {
        ir_ext32u(s, val, val);
    }
}

static void do_gpr_st(DisasContext *ctx, IRTemp val, IRTemp addr,
                      unsigned lg)
{
    ir_qemu_st(ctx->s, val, addr, get_mem_index(ctx),
               (MemOp)lg | MO_LE | a64_align(ctx));
}

/* Load 1 << lg bytes into Vt, zeroing the rest of the register. */
static void do_fp_ld(DisasContext *ctx, int rt, IRTemp addr, unsigned lg)
{
    IRContext *s = ctx->s;
    IRTemp lo = new64(ctx);

    if (lg == 4) {
        IRTemp hi = new64(ctx);

        ir_qemu_ld128(s, lo, hi, addr, get_mem_index(ctx),
                      MO_128 | MO_LE | a64_align(ctx));
        ir_st(s, lo, s->env, vreg_full_offset(rt), MO_64);
        ir_st(s, hi, s->env, vreg_hi_offset(rt), MO_64);
        return;
    }
    ir_qemu_ld(s, lo, addr, get_mem_index(ctx),
               (MemOp)lg | MO_LE | a64_align(ctx));
    ir_st(s, lo, s->env, vreg_full_offset(rt), MO_64);
    clear_vec_high(ctx, rt);
}

static void do_fp_st(DisasContext *ctx, int rt, IRTemp addr, unsigned lg)
{
    IRContext *s = ctx->s;
    IRTemp lo = new64(ctx);

    ir_ld(s, lo, s->env, vreg_full_offset(rt), MO_64);
    if (lg == 4) {
        IRTemp hi = new64(ctx);

        ir_ld(s, hi, s->env, vreg_hi_offset(rt), MO_64);
        ir_qemu_st128(s, lo, hi, addr, get_mem_index(ctx),
                      MO_128 | MO_LE | a64_align(ctx));
        return;
    }
    ir_qemu_st(s, lo, addr, get_mem_index(ctx),
               (MemOp)lg | MO_LE | a64_align(ctx));
}

/*
 * One access of kind k at addr for register rt; the loaded GPR value is
 * returned (not yet written) so writeback can happen first.
 */
static IRTemp do_access(DisasContext *ctx, const LdStKind *k, int rt,
                        IRTemp addr)
{
    IRTemp val = 0;

    if (k->vec) {
        if (k->load) {
            do_fp_ld(ctx, rt, addr, k->lg);
        } else {
            do_fp_st(ctx, rt, addr, k->lg);
        }
    } else if (k->load) {
        val = new64(ctx);
        do_gpr_ld(ctx, val, addr, k);
    } else {
        do_gpr_st(ctx, cpu_reg(ctx, rt), addr, k->lg);
    }
    return val;
}

/*
 * Shared tail of the single-register forms: access at base + offset
 * (pre) or base (post), then writeback of base + offset if wback.
 */
static void do_ldst_single(DisasContext *ctx, const LdStKind *k, int rt,
                           int rn, IRTemp offset, bool post, bool wback)
{
    IRContext *s = ctx->s;
    IRTemp base = cpu_reg_sp(ctx, rn);
    IRTemp addr = new64(ctx), val;

    if (post) {
        ir_mov(s, addr, base);
    } else {
        ir_add(s, addr, base, offset);
    }
    if (k->prfm) {
        return;     /* prefetch: never faults, no effect */
    }
    val = do_access(ctx, k, rt, addr);
    if (wback) {
        if (post) {
            ir_add(s, base, base, offset);
        } else {
            ir_mov(s, base, addr);
        }
    }
    if (val) {
        write_cpu_reg(ctx, rt, val, true);
    }
}

/* ------------------------------------------------------------------ */
/* Single register                                                     */

static bool trans_LDR_lit(DisasContext *ctx, arg_LDR_lit *a)
{
    IRContext *s = ctx->s;
    IRTemp addr = new64(ctx), val;
    LdStKind k = { .load = true, .vec = a->v };

    ir_movi(s, addr, (int64_t)(ctx->pc_curr + (int64_t)a->imm * 4));
    if (a->v) {
        if (a->opc == 3) {
            return false;
        }
        k.lg = 2 + a->opc;
    } else {
        switch (a->opc) {
        case 0:
            k.lg = 2;
            break;
        case 1:
            k.lg = 3;
            break;
        case 2:
            k.lg = 2;
            k.mop = MO_SIGN;
            break;
        default:
            return true;    /* PRFM (literal) */
        }
        k.mop |= (MemOp)k.lg;
    }
    val = do_access(ctx, &k, a->rt, addr);
    if (val) {
        write_cpu_reg(ctx, a->rt, val, true);
    }
    return true;
}

static bool trans_LDST_imm9(DisasContext *ctx, arg_LDST_imm9 *a)
{
    LdStKind k;
    bool wback = a->idx & 1;

    if (!ldst_kind(a->size, a->opc, a->v, &k)) {
        return false;
    }
    /* No prefetch or SIMD&FP forms with writeback or unprivileged. */
    if ((k.prfm && a->idx != 0) || (k.vec && a->idx == 2)) {
        return false;
    }
    if (a->idx == 2) {
        /* LDTR/STTR: EL0's permissions when at EL1. */
        int saved = ctx->mem_idx;

        ctx->mem_idx = ctx->unpriv_idx;
        do_ldst_single(ctx, &k, a->rt, a->rn, ir_const_i64(ctx->s, a->imm),
                       false, false);
        ctx->mem_idx = saved;
        return true;
    }
    do_ldst_single(ctx, &k, a->rt, a->rn, ir_const_i64(ctx->s, a->imm),
                   a->idx == 1, wback);
    return true;
}

static bool trans_LDST_imm12(DisasContext *ctx, arg_LDST_imm12 *a)
{
    LdStKind k;
    int64_t ofs;

    if (!ldst_kind(a->size, a->opc, a->v, &k)) {
        return false;
    }
    ofs = (int64_t)a->imm << (k.prfm ? 3 : k.lg);
    do_ldst_single(ctx, &k, a->rt, a->rn, ir_const_i64(ctx->s, ofs),
                   false, false);
    return true;
}

static bool trans_LDST_reg(DisasContext *ctx, arg_LDST_reg *a)
{
    IRContext *s = ctx->s;
    IRTemp ofs = new64(ctx), rm = cpu_reg(ctx, a->rm);
    LdStKind k;

    if (!(a->option & 2) || !ldst_kind(a->size, a->opc, a->v, &k)) {
        return false;
    }
    switch (a->option) {
    case 2: /* UXTW */
        ir_ext32u(s, ofs, rm);
        break;
    case 6: /* SXTW */
        ir_ext32s(s, ofs, rm);
        break;
    default: /* LSL, SXTX */
        ir_mov(s, ofs, rm);
        break;
    }
    if (a->s) {
        ir_shl(s, ofs, ofs, ir_const_i64(s, k.prfm ? 3 : k.lg));
    }
    do_ldst_single(ctx, &k, a->rt, a->rn, ofs, false, false);
    return true;
}

/* ------------------------------------------------------------------ */
/* Pairs                                                               */

static bool trans_LDST_pair(DisasContext *ctx, arg_LDST_pair *a)
{
    IRContext *s = ctx->s;
    LdStKind k = { .load = a->l, .vec = a->v };
    IRTemp base = cpu_reg_sp(ctx, a->rn);
    IRTemp addr = new64(ctx), addr2 = new64(ctx);
    IRTemp v1, v2;
    int64_t ofs;

    if (a->opc == 3) {
        return false;
    }
    if (a->v) {
        k.lg = 2 + a->opc;
    } else if (a->opc == 1) {   /* LDPSW; STGP and LDNPSW do not exist */
        if (!a->l || a->mode == 0) {
            return false;
        }
        k.lg = 2;
        k.mop = MO_SL;
    } else {
        k.lg = a->opc ? 3 : 2;
        k.mop = (MemOp)k.lg;
    }
    ofs = (int64_t)a->imm << k.lg;
    if (a->mode == 1) {
        ir_mov(s, addr, base);
    } else {
        ir_addi(s, addr, base, ofs);
    }
    ir_addi(s, addr2, addr, 1 << k.lg);
    v1 = do_access(ctx, &k, a->rt, addr);
    v2 = do_access(ctx, &k, a->rt2, addr2);
    if (a->mode == 1) {
        ir_addi(s, base, base, ofs);
    } else if (a->mode == 3) {
        ir_mov(s, base, addr);
    }
    if (v1) {
        write_cpu_reg(ctx, a->rt, v1, true);
        write_cpu_reg(ctx, a->rt2, v2, true);
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Exclusives and ordered accesses                                     */

static IRTemp gen_base_addr(DisasContext *ctx, int rn)
{
    IRTemp addr = new64(ctx);

    ir_mov(ctx->s, addr, cpu_reg_sp(ctx, rn));
    return addr;
}

static bool trans_LDSTX(DisasContext *ctx, arg_LDSTX *a)
{
    IRContext *s = ctx->s;
    IRTemp addr = gen_base_addr(ctx, a->rn);
    IRTemp r = new64(ctx);

    if (a->o1 && a->size < 2) {
        return false;
    }
    if (!a->l && a->o0) {
        ir_mb(s, IR_MB_ALL);    /* store-release */
    }
    if (!a->o1) {
        if (a->l) {
            ir_call(s, &helper_info_a64_ldxr, r,
                    (IRTemp[]){ s->env, addr, ir_const_i32(s, a->size) });
            write_cpu_reg(ctx, a->rt, r, true);
        } else {
            ir_call(s, &helper_info_a64_stxr, r,
                    (IRTemp[]){ s->env, addr, cpu_reg(ctx, a->rt),
                                ir_const_i32(s, a->size) });
            write_cpu_reg(ctx, a->rs, r, false);
        }
    } else if (a->l) {
        IRTemp hi = new64(ctx);

        ir_call(s, &helper_info_a64_ldxp, r,
                (IRTemp[]){ s->env, addr, ir_const_i32(s, a->size) });
        ir_ld(s, hi, s->env, offsetof(CPUARMState, exclusive_high), MO_64);
        write_cpu_reg(ctx, a->rt, r, true);
        write_cpu_reg(ctx, a->rt2, hi, true);
    } else {
        ir_call(s, &helper_info_a64_stxp, r,
                (IRTemp[]){ s->env, addr, cpu_reg(ctx, a->rt),
                            cpu_reg(ctx, a->rt2),
                            ir_const_i32(s, a->size) });
        write_cpu_reg(ctx, a->rs, r, false);
    }
    if (a->l && a->o0) {
        ir_mb(s, IR_MB_ALL);    /* load-acquire */
    }
    return true;
}

static bool trans_LDAR_STLR(DisasContext *ctx, arg_LDAR_STLR *a)
{
    IRContext *s = ctx->s;
    IRTemp addr;
    MemOp mop = (MemOp)a->size | MO_LE | MO_ALIGN;

    if (!a->o0) {
        return false;   /* LDLAR / STLLR (FEAT_LOR) */
    }
    addr = gen_base_addr(ctx, a->rn);
    if (a->l) {
        IRTemp v = new64(ctx);

        ir_qemu_ld(s, v, addr, get_mem_index(ctx), mop);
        ir_mb(s, IR_MB_ALL);
        write_cpu_reg(ctx, a->rt, v, true);
    } else {
        ir_mb(s, IR_MB_ALL);
        ir_qemu_st(s, cpu_reg(ctx, a->rt), addr, get_mem_index(ctx), mop);
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* LSE                                                                 */

static bool trans_CAS(DisasContext *ctx, arg_CAS *a)
{
    IRContext *s = ctx->s;
    IRTemp addr, old = new64(ctx);

    if (!ctx->cpu->model->lse) {
        return false;
    }
    addr = gen_base_addr(ctx, a->rn);
    ir_call(s, &helper_info_a64_cas, old,
            (IRTemp[]){ s->env, addr, cpu_reg(ctx, a->rs),
                        cpu_reg(ctx, a->rt), ir_const_i32(s, a->size) });
    write_cpu_reg(ctx, a->rs, old, true);
    return true;
}

static bool trans_CASP(DisasContext *ctx, arg_CASP *a)
{
    IRContext *s = ctx->s;
    IRTemp addr;

    if (!ctx->cpu->model->lse || (a->rs & 1) || (a->rt & 1)) {
        return false;
    }
    addr = gen_base_addr(ctx, a->rn);
    ir_call(s, &helper_info_a64_casp, 0,
            (IRTemp[]){ s->env, addr, ir_const_i32(s, a->rs),
                        ir_const_i32(s, a->rt),
                        ir_const_i32(s, 2 + a->sz) });
    return true;
}

static bool trans_ATOMIC(DisasContext *ctx, arg_ATOMIC *a)
{
    IRContext *s = ctx->s;
    IRTemp addr, old = new64(ctx);
    A64AtomicOp op;

    if (!ctx->cpu->model->lse || a->v) {
        return false;
    }
    if (a->o3) {
        if (a->opc != 0) {
            return false;   /* LDAPR (FEAT_LRCPC) and reserved */
        }
        op = A64_ATOMIC_SWP;
    } else {
        op = (A64AtomicOp)a->opc;
    }
    addr = gen_base_addr(ctx, a->rn);
    ir_call(s, &helper_info_a64_atomic, old,
            (IRTemp[]){ s->env, addr, cpu_reg(ctx, a->rs),
                        ir_const_i32(s, (int32_t)A64_DESC(a->size, op)) });
    write_cpu_reg(ctx, a->rt, old, true);
    return true;
}

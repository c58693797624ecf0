/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 Advanced SIMD structure loads and stores (a64-simd-ldst.decode):
 * LD1-LD4/ST1-ST4 (multiple structures), their single-structure (lane)
 * forms, and LD1R-LD4R, each with no offset or post-index.
 *
 * Multiple-register LD1/ST1 move whole registers (one 16-byte or 8-byte
 * access each); the interleaving forms move one element per access,
 * between guest memory and the element's place in the CPU state.  A
 * fault part-way leaves the registers already written changed (their
 * contents are UNKNOWN architecturally) and the base register untouched:
 * writeback comes after the last access.  No alignment is required
 * (Linux runs EL0 with SCTLR_EL1.A clear).
 */
#include "translate.h"

#include "decode-a64-simd-ldst.c.inc"

static IRTemp new64(DisasContext *ctx)
{
    return ir_temp_new(ctx->s, IR_I64);
}

/* Address base + ofs, as a fresh temp. */
static IRTemp addr_plus(DisasContext *ctx, IRTemp base, int ofs)
{
    IRTemp t = new64(ctx);

    if (ofs) {
        ir_addi(ctx->s, t, base, ofs);
    } else {
        ir_mov(ctx->s, t, base);
    }
    return t;
}

/* One element of 1 << esz bytes between memory and Vreg[index]. */
static void do_elem(DisasContext *ctx, bool load, int reg, int esz,
                    int index, IRTemp addr)
{
    IRContext *s = ctx->s;
    IRTemp t = new64(ctx);
    int32_t ofs = vreg_full_offset(reg) + (index << esz);

    if (load) {
        ir_qemu_ld(s, t, addr, get_mem_index(ctx), (MemOp)esz | MO_LE);
        ir_st(s, t, s->env, ofs, (MemOp)esz);
    } else {
        ir_ld(s, t, s->env, ofs, (MemOp)esz);
        ir_qemu_st(s, t, addr, get_mem_index(ctx), (MemOp)esz | MO_LE);
    }
}

/* A whole register (16 bytes if q, else 8) between memory and Vreg. */
static void do_reg(DisasContext *ctx, bool load, int reg, bool q,
                   IRTemp addr)
{
    IRContext *s = ctx->s;
    IRTemp lo = new64(ctx), hi = new64(ctx);

    if (load) {
        if (q) {
            ir_qemu_ld128(s, lo, hi, addr, get_mem_index(ctx),
                          MO_128 | MO_LE);
            ir_st(s, lo, s->env, vreg_full_offset(reg), MO_64);
            ir_st(s, hi, s->env, vreg_hi_offset(reg), MO_64);
        } else {
            ir_qemu_ld(s, lo, addr, get_mem_index(ctx), MO_64 | MO_LE);
            ir_st(s, lo, s->env, vreg_full_offset(reg), MO_64);
            clear_vec_high(ctx, reg);
        }
        return;
    }
    ir_ld(s, lo, s->env, vreg_full_offset(reg), MO_64);
    if (q) {
        ir_ld(s, hi, s->env, vreg_hi_offset(reg), MO_64);
        ir_qemu_st128(s, lo, hi, addr, get_mem_index(ctx), MO_128 | MO_LE);
    } else {
        ir_qemu_st(s, lo, addr, get_mem_index(ctx), MO_64 | MO_LE);
    }
}

/* Post-index writeback: by Xm, or by the transfer size when rm == 31. */
static void do_writeback(DisasContext *ctx, int rn, int rm, int total)
{
    IRContext *s = ctx->s;
    IRTemp base = cpu_reg_sp(ctx, rn);

    if (rm == 31) {
        ir_addi(s, base, base, total);
    } else {
        ir_add(s, base, base, cpu_reg(ctx, rm));
    }
}

static bool trans_LDST_multi(DisasContext *ctx, arg_LDST_multi *a)
{
    static const int8_t rpt_of[16] = {
        [0x0] = 1, [0x2] = 4, [0x4] = 1, [0x6] = 3, [0x7] = 1,
        [0x8] = 1, [0xa] = 2,
    };
    static const int8_t selem_of[16] = {
        [0x0] = 4, [0x2] = 1, [0x4] = 3, [0x6] = 1, [0x7] = 1,
        [0x8] = 2, [0xa] = 1,
    };
    int rpt = rpt_of[a->opc], selem = selem_of[a->opc];
    int regbytes = a->q ? 16 : 8, esz = a->size;
    int nelem = regbytes >> esz, ofs = 0;
    IRTemp base;

    if (rpt == 0 || (esz == 3 && !a->q && selem > 1)) {
        return false;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    base = new64(ctx);
    ir_mov(ctx->s, base, cpu_reg_sp(ctx, a->rn));
    if (selem == 1) {
        for (int r = 0; r < rpt; r++) {
            do_reg(ctx, a->l, (a->rt + r) % 32, a->q,
                   addr_plus(ctx, base, ofs));
            ofs += regbytes;
        }
    } else {
        for (int e = 0; e < nelem; e++) {
            for (int k = 0; k < selem; k++) {
                do_elem(ctx, a->l, (a->rt + k) % 32, esz, e,
                        addr_plus(ctx, base, ofs));
                ofs += 1 << esz;
            }
        }
        if (a->l && !a->q) {
            for (int k = 0; k < selem; k++) {
                clear_vec_high(ctx, (a->rt + k) % 32);
            }
        }
    }
    if (a->post) {
        do_writeback(ctx, a->rn, a->rm, ofs);
    }
    return true;
}

/* LD1R-LD4R: each element loaded and replicated into a whole register. */
static void do_replicate(DisasContext *ctx, const arg_LDST_single *a,
                         int selem, IRTemp base)
{
    static const uint64_t rep[4] = {
        0x0101010101010101ull, 0x0001000100010001ull,
        0x0000000100000001ull, 1,
    };
    IRContext *s = ctx->s;
    int esz = a->size;

    for (int k = 0; k < selem; k++) {
        int reg = (a->rt + k) % 32;
        IRTemp t = new64(ctx);

        ir_qemu_ld(s, t, addr_plus(ctx, base, k << esz), get_mem_index(ctx),
                   (MemOp)esz | MO_LE);
        if (esz != 3) {
            ir_mul(s, t, t, ir_const_i64(s, (int64_t)rep[esz]));
        }
        ir_st(s, t, s->env, vreg_full_offset(reg), MO_64);
        if (a->q) {
            ir_st(s, t, s->env, vreg_hi_offset(reg), MO_64);
        } else {
            clear_vec_high(ctx, reg);
        }
    }
}

static bool trans_LDST_single(DisasContext *ctx, arg_LDST_single *a)
{
    int scale = a->opc >> 1, selem = ((a->opc & 1) << 1 | a->r) + 1;
    int esz = scale, index;
    IRTemp base;

    switch (scale) {
    case 3:
        if (!a->l || a->s) {
            return false;
        }
        esz = a->size;
        index = 0;
        break;
    case 0:
        index = a->q << 3 | a->s << 2 | a->size;
        break;
    case 1:
        if (a->size & 1) {
            return false;
        }
        index = a->q << 2 | a->s << 1 | a->size >> 1;
        break;
    default:
        if (a->size & 2) {
            return false;
        }
        if (a->size & 1) {
            if (a->s) {
                return false;
            }
            esz = 3;
            index = a->q;
        } else {
            index = a->q << 1 | a->s;
        }
        break;
    }
    if (!fp_access_check(ctx)) {
        return true;
    }
    base = new64(ctx);
    ir_mov(ctx->s, base, cpu_reg_sp(ctx, a->rn));
    if (scale == 3) {
        do_replicate(ctx, a, selem, base);
    } else {
        for (int k = 0; k < selem; k++) {
            do_elem(ctx, a->l, (a->rt + k) % 32, esz, index,
                    addr_plus(ctx, base, k << esz));
        }
    }
    if (a->post) {
        do_writeback(ctx, a->rn, a->rm, selem << esz);
    }
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86-64 JIT: host loads and stores, guest memory accesses (inline TLB
 * fast path, out-of-line slow paths) and helper calls.
 *
 * The softmmu fast path for "qemu_ld d, addr" (see cpu.h for the TLB):
 *
 *     mov  t0, addr ; shr t0, 7 ; and t0, [env-tlb.mask] ; add t0, [..table]
 *     lea  t1, [addr + size-1 - amask] ; and t1, PAGE_MASK | amask
 *     cmp  t1, [t0 + addr_read] ; jne slow
 *     mov  t0, [t0 + addend] ; mov rd, [addr + t0]
 *   join:
 *
 * and, after the last op of the TB:
 *
 *   slow: save the caller-saved registers holding values; call
 *         ld_slow(env, addr, oi, join - 1); rd = rax; restore; jmp join
 *
 * join - 1 is the last byte of the fast path's access, so it lies inside
 * the guest instruction and cpu_restore_state finds the right one.
 */
#include <string.h>

#include "kestrel/cpu.h"
#include "kestrel/host-cpu.h"
#include "x86_64/lower.h"

/* ------------------------------------------------------------------ */
/* Host and guest memory                                               */

/* rd = [base + index + disp] of size/sign/bswap mop, into a w64 value. */
static void emit_load(Lower *L, MemOp mop, bool w, int rd, int base,
                      int index, int32_t disp)
{
    IRContext *s = L->s;
    unsigned size = mop & MO_SIZE;
    bool sign = (mop & MO_SIGN) != 0;
    bool bswap = (mop & MO_BSWAP) && size > 0;
    bool movbe = (L->feat & HOST_CPU_MOVBE) != 0;
    uint32_t ww = w ? XO_W : 0;

    switch (size) {
    case MO_8:
        x86_op_rm(s, (sign ? XOP_MOVSBL | ww : XOP_MOVZBL), rd, base, index,
                   0, disp);
        break;
    case MO_16:
        if (!bswap) {
            x86_op_rm(s, (sign ? XOP_MOVSWL | ww : XOP_MOVZWL), rd, base,
                       index, 0, disp);
            break;
        }
        x86_op_rm(s, XOP_MOVZWL, rd, base, index, 0, disp);
        x86_rol16_8(s, rd);
        if (sign) {
            x86_movsx16(s, w, rd, rd);
        }
        break;
    case MO_32:
        if (bswap) {
            if (movbe) {
                x86_op_rm(s, XOP_MOVBE_R_M, rd, base, index, 0, disp);
            } else {
                x86_op_rm(s, XOP_MOV_R_RM, rd, base, index, 0, disp);
                x86_bswap(s, false, rd);
            }
            if (sign && w) {
                x86_movsx32(s, rd, rd);
            }
        } else if (sign && w) {
            x86_op_rm(s, XOP_MOVSLQ, rd, base, index, 0, disp);
        } else {
            x86_op_rm(s, XOP_MOV_R_RM, rd, base, index, 0, disp);
        }
        break;
    default:
        if (bswap && movbe) {
            x86_op_rm(s, XOP_MOVBE_R_M | XO_W, rd, base, index, 0, disp);
        } else {
            x86_op_rm(s, XOP_MOV_R_RM | XO_W, rd, base, index, 0, disp);
            if (bswap) {
                x86_bswap(s, true, rd);
            }
        }
        break;
    }
}

/* [base + index + disp] = rv; tmp is clobbered for byte swaps. */
static void emit_store(Lower *L, MemOp mop, int rv, int base, int index,
                       int32_t disp, int tmp)
{
    IRContext *s = L->s;
    unsigned size = mop & MO_SIZE;

    if (!(mop & MO_BSWAP) || size == MO_8) {
        x86_store(s, size, rv, base, index, disp);
        return;
    }
    if (L->feat & HOST_CPU_MOVBE) {
        static const uint32_t w[4] = { 0, XO_66, 0, XO_W };
        x86_op_rm(s, XOP_MOVBE_M_R | w[size], rv, base, index, 0, disp);
        return;
    }
    g_assert(tmp >= 0);
    x86_mov_rr(s, true, tmp, rv);
    if (size == MO_16) {
        x86_rol16_8(s, tmp);
    } else {
        x86_bswap(s, size == MO_64, tmp);
    }
    x86_store(s, size, tmp, base, index, disp);
}

static uint64_t bswap_const(uint64_t v, unsigned size)
{
    switch (size) {
    case MO_16:
        return __builtin_bswap16((uint16_t)v);
    case MO_32:
        return __builtin_bswap32((uint32_t)v);
    case MO_64:
        return __builtin_bswap64(v);
    default:
        return v;
    }
}

void x86_lower_ld(Lower *L)
{
    RegAlloc *ra = &L->ra;
    int rb = ra_in(ra, 1, RA_ALL_ENV);
    int rd = ra_out(ra, 0, RA_ALL, 1);

    emit_load(L, (MemOp)ra->op->args[3], op_w64(L), rd, rb, -1,
              (int32_t)ra->op->args[2]);
}

void x86_lower_st(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    MemOp mop = (MemOp)ra->op->args[3];
    unsigned size = mop & MO_SIZE;
    int32_t disp = (int32_t)ra->op->args[2];
    int rb = ra_in(ra, 1, RA_ALL_ENV);
    int64_t v;
    int rv, tmp = -1;

    if (ra_const(ra, 0, &v)) {
        if (mop & MO_BSWAP) {
            v = (int64_t)bswap_const((uint64_t)v, size);
        }
        if (size < MO_64 || x86_fits_s32(v)) {
            x86_store_imm(s, size, (int32_t)v, rb, disp);
            return;
        }
        mop &= ~MO_BSWAP;
        rv = ra_scratch(ra, RA_ALL);
        x86_movi(s, true, rv, v);
    } else {
        rv = ra_in(ra, 0, RA_ALL);
    }
    if ((mop & MO_BSWAP) && size != MO_8 && !(L->feat & HOST_CPU_MOVBE)) {
        tmp = ra_scratch(ra, RA_ALL);
    }
    emit_store(L, mop, rv, rb, -1, disp, tmp);
}

/* Offset from env of TLBFast field for mmu index idx. */
static int32_t tlb_fast_off(unsigned idx, bool table)
{
    return (int32_t)(offsetof(CPUNegState, tlb) + idx * sizeof(TLBFast) +
                     (table ? offsetof(TLBFast, table)
                            : offsetof(TLBFast, mask))) -
           (int32_t)sizeof(CPUNegState);
}

/*
 * Registers for a guest access: the address (and stored values), two
 * scratch registers, the outputs; and which caller-saved registers the
 * slow path must save around its call (sp->save) and restore (sp->restore).
 */
static void qemu_regs(Lower *L, SlowPath *sp, unsigned ai, int *t0, int *t1)
{
    RegAlloc *ra = &L->ra;
    IROp *op = ra->op;
    unsigned nb_o = op->nb_oargs, nb_i = op->nb_iargs;
    uint16_t in_mask = 0, out_mask = 0, assoc = 0;

    sp->addr = ra_in(ra, ai, RA_ALL);
    in_mask |= RA_BIT(sp->addr);
    if (nb_o == 0) {
        for (unsigned i = 0; i + 1 < nb_i; i++) {
            sp->val[i] = ra_in(ra, i, RA_ALL);
            in_mask |= RA_BIT(sp->val[i]);
        }
    }
    *t0 = ra_scratch(ra, RA_ALL);
    *t1 = ra_scratch(ra, RA_ALL);
    for (unsigned i = 0; i < nb_o; i++) {
        /* 128-bit loads address through t0, so addr may be reused. */
        sp->out[i] = ra_out(ra, i, RA_ALL, i == 0 ? (int)ai : -1);
        out_mask |= RA_BIT(sp->out[i]);
    }
    for (int r = 0; r < X_NB_REGS; r++) {
        if (ra->reg_temp[r] >= 0) {
            assoc |= RA_BIT(r);
        }
    }
    sp->save = (assoc | in_mask) & RA_CALLER_SAVED;
    sp->restore = sp->save & ~out_mask;
}

/*
 * Softmmu: t0 = the TLB entry's addend, or a jne to the slow path (its
 * displacement is returned) on a miss.  The host address is addr + t0.
 */
static uint8_t *emit_tlb_check(Lower *L, MemOpIdx oi, bool is_ld, int raddr,
                               int t0, int t1)
{
    IRContext *s = L->s;
    MemOp mop = get_memop(oi);
    unsigned s_bits = mop & MO_SIZE, a_bits = memop_align_bits(mop);
    unsigned s_mask = (1u << s_bits) - 1, a_mask = (1u << a_bits) - 1;
    unsigned mmu = get_mmuidx(oi);
    uint8_t *branch;

    x86_mov_rr(s, true, t0, raddr);
    x86_shift_ri(s, XS_SHR, true, t0, TARGET_PAGE_BITS - TLB_ENTRY_BITS);
    x86_alu_rm(s, XA_AND, true, t0, RA_REG_ENV, tlb_fast_off(mmu, false));
    x86_alu_rm(s, XA_ADD, true, t0, RA_REG_ENV, tlb_fast_off(mmu, true));
    /*
     * Compare the page of the last byte (so page-crossing accesses miss)
     * with the alignment bits of the first.
     */
    if (a_bits >= s_bits) {
        x86_mov_rr(s, true, t1, raddr);
    } else {
        x86_lea(s, true, t1, raddr, -1, 0, (int32_t)(s_mask - a_mask));
    }
    x86_alu_ri(s, XA_AND, true, t1, (int32_t)(TARGET_PAGE_MASK | a_mask));
    x86_alu_rm(s, XA_CMP, true, t1, t0,
               is_ld ? offsetof(TLBEntry, addr_read)
                     : offsetof(TLBEntry, addr_write));
    branch = x86_jcc32(s, XC_NE);
    x86_load64(s, t0, t0, offsetof(TLBEntry, addend));
    return branch;
}

/*
 * Direct mode: the host address is guest_base + addr, as [addr + disp]
 * or [addr + t0].  A misaligned access branches to the slow path when
 * the access needs alignment and a hook is set (returned), else NULL.
 */
static uint8_t *emit_direct_check(Lower *L, MemOp mop, bool have_slow,
                                  int raddr, int t0, int *index,
                                  int32_t *disp)
{
    IRContext *s = L->s;
    unsigned a_bits = memop_align_bits(mop);
    uint8_t *branch = NULL;

    if (a_bits && have_slow) {
        x86_grp3(s, XG3_TEST, true, raddr);
        x86_u32(s, (1u << a_bits) - 1);
        branch = x86_jcc32(s, XC_NE);
    }
    if (x86_fits_s32((int64_t)s->guest_base)) {
        *disp = (int32_t)s->guest_base;
    } else {
        x86_movi(s, true, t0, (int64_t)s->guest_base);
        *index = t0;
    }
    return branch;
}

/* The access itself at [base + index + disp]; t1 is free for swaps. */
static void emit_access(Lower *L, const SlowPath *sp, MemOp mop, int base,
                        int index, int32_t disp, int t1)
{
    bool is_ld = sp->out[0] >= 0;
    bool be = (mop & MO_BSWAP) != 0;
    MemOp m64 = MO_64 | (mop & MO_BSWAP);

    if ((mop & MO_SIZE) != MO_128) {
        if (is_ld) {
            emit_load(L, mop, sp->type == IR_I64, sp->out[0], base, index,
                      disp);
        } else {
            emit_store(L, mop, sp->val[0], base, index, disp, t1);
        }
        return;
    }
    /* 16 bytes, through one base register; big-endian swaps the halves. */
    if (is_ld) {
        emit_load(L, m64, true, sp->out[be ? 1 : 0], base, -1, 0);
        emit_load(L, m64, true, sp->out[be ? 0 : 1], base, -1, 8);
    } else {
        emit_store(L, m64, sp->val[be ? 1 : 0], base, -1, 0, t1);
        emit_store(L, m64, sp->val[be ? 0 : 1], base, -1, 8, t1);
    }
}

/*
 * Guest loads and stores.  Argument layout:
 *   qemu_ld d, addr, oi            qemu_st v, addr, oi
 *   qemu_ld128 lo, hi, addr, oi    qemu_st128 lo, hi, addr, oi
 */
void x86_lower_qemu(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    IROp *op = ra->op;
    unsigned nb_o = op->nb_oargs, nb_i = op->nb_iargs;
    unsigned ai = nb_i == 1 ? nb_o : nb_o + nb_i - 1;   /* addr arg */
    MemOpIdx oi = (MemOpIdx)op->args[nb_o + nb_i];
    MemOp mop = get_memop(oi);
    bool have_slow = ir_mem_slow_fn(s, op->opc) != 0;
    SlowPath sp = { .opc = op->opc, .type = op->type, .oi = oi,
                    .val = { -1, -1 }, .out = { -1, -1 } };
    int t0, t1, base, index = -1;
    int32_t disp = 0;
    uint8_t *branch;

    /* A fault leaves through the slow path: env must be exact. */
    ra_sync_globals(ra);
    qemu_regs(L, &sp, ai, &t0, &t1);
    base = sp.addr;
    if (s->mem_mode == IR_MEM_SOFTMMU) {
        g_assert(have_slow);
        branch = emit_tlb_check(L, oi, nb_o > 0, sp.addr, t0, t1);
        index = t0;
    } else {
        branch = emit_direct_check(L, mop, have_slow, sp.addr, t0, &index,
                                   &disp);
    }
    if ((mop & MO_SIZE) == MO_128) {
        /* One base register for both halves; frees addr for the output. */
        x86_lea(s, true, t0, base, index, 0, disp);
        base = t0, index = -1, disp = 0;
    }
    emit_access(L, &sp, mop, base, index, disp, t1);
    if (branch) {
        sp.branch = (uint32_t)(branch - s->code_buf);
        sp.join = code_off(s);
        L->slow = ir_scratch(s, X86_SCRATCH_SLOW,
                             sizeof(SlowPath) * (L->nb_slow + 1));
        L->slow[L->nb_slow++] = sp;
    }
}

/* Slow-path argument from register src, saved on entry if caller-saved. */
static void slow_arg(IRContext *s, const SlowPath *sp, int dst, int src)
{
    if (sp->save & RA_BIT(src)) {
        x86_load64(s, dst, X_RSP, FRAME_SAVE + 8 * src);
    } else {
        x86_mov_rr(s, true, dst, src);
    }
}

/* The hook's arguments: env, addr, [values,] oi, retaddr [, out]. */
static void slow_path_args(IRContext *s, const SlowPath *sp)
{
    uintptr_t retaddr = (uintptr_t)(s->code_buf + sp->join + s->rx_diff) - 1;

    x86_mov_rr(s, true, X_RDI, RA_REG_ENV);
    slow_arg(s, sp, X_RSI, sp->addr);
    switch (sp->opc) {
    case IR_OP_qemu_ld:
        x86_movi(s, false, X_RDX, sp->oi);
        x86_op_rip(s, XOP_LEA | XO_W, X_RCX, retaddr);
        break;
    case IR_OP_qemu_st:
        slow_arg(s, sp, X_RDX, sp->val[0]);
        x86_movi(s, false, X_RCX, sp->oi);
        x86_op_rip(s, XOP_LEA | XO_W, X_R8, retaddr);
        break;
    case IR_OP_qemu_ld128:
        x86_movi(s, false, X_RDX, sp->oi);
        x86_op_rip(s, XOP_LEA | XO_W, X_RCX, retaddr);
        x86_lea(s, true, X_R8, X_RSP, -1, 0, FRAME_OUT128);
        break;
    default:
        slow_arg(s, sp, X_RDX, sp->val[0]);
        slow_arg(s, sp, X_RCX, sp->val[1]);
        x86_movi(s, false, X_R8, sp->oi);
        x86_op_rip(s, XOP_LEA | XO_W, X_R9, retaddr);
        break;
    }
}

/* Loads: the hook's result into the outputs, extended as the fast path. */
static void slow_path_result(IRContext *s, const SlowPath *sp)
{
    MemOp mop = get_memop(sp->oi);
    bool w = sp->type == IR_I64, sign = (mop & MO_SIGN) != 0;
    int rd = sp->out[0];

    if (sp->opc == IR_OP_qemu_ld128) {
        x86_load64(s, sp->out[0], X_RSP, FRAME_OUT128);
        x86_load64(s, sp->out[1], X_RSP, FRAME_OUT128 + 8);
        return;
    }
    if (sp->opc != IR_OP_qemu_ld) {
        return;
    }
    switch (mop & MO_SIZE) {
    case MO_8:
        sign ? x86_movsx8(s, w, rd, X_RAX) : x86_movzx8(s, rd, X_RAX);
        break;
    case MO_16:
        sign ? x86_movsx16(s, w, rd, X_RAX) : x86_movzx16(s, rd, X_RAX);
        break;
    case MO_32:
        if (sign && w) {
            x86_movsx32(s, rd, X_RAX);
        } else {
            x86_mov_rr(s, false, rd, X_RAX);
        }
        break;
    default:
        x86_mov_rr(s, true, rd, X_RAX);
        break;
    }
}

void x86_emit_slow_path(Lower *L, const SlowPath *sp)
{
    IRContext *s = L->s;

    x86_patch32(s->code_buf + sp->branch, s->code_ptr);
    for (int r = 0; r < X_NB_REGS; r++) {
        if (sp->save & RA_BIT(r)) {
            x86_store(s, MO_64, r, X_RSP, -1, FRAME_SAVE + 8 * r);
        }
    }
    slow_path_args(s, sp);
    x86_call_abs(s, ir_mem_slow_fn(s, (IROpcode)sp->opc), X_RAX);
    slow_path_result(s, sp);
    for (int r = 0; r < X_NB_REGS; r++) {
        if (sp->restore & RA_BIT(r)) {
            x86_load64(s, r, X_RSP, FRAME_SAVE + 8 * r);
        }
    }
    x86_patch32(x86_jmp32(s), s->code_buf + sp->join);
}

/* ------------------------------------------------------------------ */
/* Helper calls (SysV AMD64)                                           */

static const int8_t call_arg_regs[6] = {
    X_RDI, X_RSI, X_RDX, X_RCX, X_R8, X_R9,
};

/* Whether temp t is an input of the op that dies there. */
static bool dying_input(RegAlloc *ra, IRTemp t)
{
    IROp *op = ra->op;

    for (unsigned i = op->nb_oargs; i < op->nb_oargs + op->nb_iargs; i++) {
        if (op->args[i] == t) {
            return ra_dies(ra, i);
        }
    }
    return false;
}

/* Register holding temp t's value right now, or -1. */
static int temp_reg_now(IRContext *s, IRTemp t)
{
    IRTempDesc *ts = &s->temps[t];

    if (ts->kind == IR_TEMP_FIXED) {
        return RA_REG_ENV;
    }
    if (ts->kind == IR_TEMP_CONST || ts->val_loc != RA_LOC_REG) {
        return -1;
    }
    return ts->reg;
}

/* Parallel move of registers into argument registers. */
static void call_reg_moves(IRContext *s, int8_t (*mv)[2], int n)
{
    while (n > 0) {
        bool done = false;
        for (int i = 0; i < n && !done; i++) {
            bool blocked = false;
            for (int j = 0; j < n; j++) {
                if (j != i && mv[j][1] == mv[i][0]) {
                    blocked = true;
                }
            }
            if (!blocked) {
                x86_mov_rr(s, true, mv[i][0], mv[i][1]);
                mv[i][0] = mv[n - 1][0], mv[i][1] = mv[n - 1][1];
                n--;
                done = true;
            }
        }
        if (!done) {
            /* Only cycles are left: swap one link and rename. */
            int d = mv[0][0], src = mv[0][1];
            x86_op_rr(s, XOP_XCHG | XO_W, src, d);
            mv[0][0] = mv[n - 1][0], mv[0][1] = mv[n - 1][1];
            n--;
            for (int j = 0; j < n; j++) {
                if (mv[j][1] == src) {
                    mv[j][1] = d;
                } else if (mv[j][1] == d) {
                    mv[j][1] = src;
                }
            }
        }
    }
}

/* Values live after the call leave the caller-saved registers. */
static void evacuate_caller_saved(RegAlloc *ra, bool writes)
{
    for (int r = 0; r < X_NB_REGS; r++) {
        int32_t t = ra->reg_temp[r];
        if (!(RA_CALLER_SAVED & RA_BIT(r)) || t < 0 ||
            dying_input(ra, (IRTemp)t)) {
            continue;
        }
        if (writes && ra->s->temps[t].kind == IR_TEMP_GLOBAL) {
            ra_forget(ra, r);
        } else {
            ra_evacuate(ra, r, RA_CALLER_SAVED);
        }
    }
}

/* A caller-saved register no argument is in right now. */
static int call_scratch(RegAlloc *ra)
{
    IROp *op = ra->op;
    uint16_t src_regs = 0;

    for (unsigned k = 0; k < op->nb_iargs; k++) {
        int r = temp_reg_now(ra->s, op->args[op->nb_oargs + k]);
        if (r >= 0) {
            src_regs |= RA_BIT(r);
        }
    }
    for (int r = 0; r < X_NB_REGS; r++) {
        if ((RA_CALLER_SAVED & RA_BIT(r)) && !(src_regs & RA_BIT(r))) {
            return r;
        }
    }
    return -1;
}

/* Arguments into the SysV argument registers and stack slots. */
static void place_args(RegAlloc *ra)
{
    IRContext *s = ra->s;
    IROp *op = ra->op;
    unsigned nb_o = op->nb_oargs, nb_i = op->nb_iargs;
    int8_t mv[6][2];
    int nmv = 0, scratch = call_scratch(ra);

    /* Stack arguments first: nothing is overwritten yet. */
    for (unsigned k = 6; k < nb_i; k++) {
        IRTemp t = op->args[nb_o + k];
        int32_t disp = FRAME_CALL_AREA + 8 * (k - 6);
        int r = temp_reg_now(s, t);
        if (r < 0) {
            ra_load_into(ra, scratch, t);
            r = scratch;
        }
        x86_store(s, MO_64, r, X_RSP, -1, disp);
    }
    for (unsigned k = 0; k < nb_i && k < 6; k++) {
        int r = temp_reg_now(s, op->args[nb_o + k]);
        if (r >= 0 && r != call_arg_regs[k]) {
            mv[nmv][0] = call_arg_regs[k];
            mv[nmv][1] = (int8_t)r;
            nmv++;
        }
    }
    call_reg_moves(s, mv, nmv);
    for (unsigned k = 0; k < nb_i && k < 6; k++) {
        IRTemp t = op->args[nb_o + k];
        if (temp_reg_now(s, t) < 0) {
            ra_load_into(ra, call_arg_regs[k], t);
        }
    }
}

void x86_lower_call(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    IROp *op = ra->op;
    const IRHelperInfo *info =
        (const IRHelperInfo *)(uintptr_t)op->args[op->nb_oargs + op->nb_iargs];
    uint32_t flags = info->flags;
    bool writes = !(flags & IR_CALL_NO_WRITE_GLOBALS);

    if (writes || !(flags & IR_CALL_NO_READ_GLOBALS) ||
        !(flags & IR_CALL_NO_RAISE)) {
        ra_sync_globals(ra);
    }
    evacuate_caller_saved(ra, writes);
    place_args(ra);
    x86_call_abs(s, (uintptr_t)info->func, X_RAX);

    for (int r = 0; r < X_NB_REGS; r++) {
        if (RA_CALLER_SAVED & RA_BIT(r)) {
            ra_forget(ra, r);
        }
    }
    if (writes) {
        ra_drop_globals(ra);
    }
    if (op->nb_oargs) {
        ra_out_fixed(ra, 0, X_RAX);
        if (info->ret_type == IR_I32) {
            /* The ABI leaves the upper half of rax undefined. */
            x86_mov_rr(s, false, X_RAX, X_RAX);
        }
    }
}

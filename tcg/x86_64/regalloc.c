/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Register allocator for the x86-64 backend: see regalloc.h.
 *
 * Invariants:
 *  1. reg_temp[r] == t  <=>  temps[t].val_loc == RA_LOC_REG && .reg == r.
 *  2. An i32 value in a register is zero-extended to 64 bits (every i32
 *     producer uses 32-bit operations), so a full-width copy is exact.
 *  3. A normal temp in RA_LOC_MEM has a spill slot; globals live at
 *     env + mem_offset.
 *  4. Within a basic block the allocator's state is the machine's state
 *     on the straight-line path; at labels it restarts from memory
 *     (ra_at_label), which every incoming edge prepared (ra_bb_end).
 *  5. Constants are materialised with mov (never xor), so loading an
 *     input never disturbs the flags between a cmp and its jcc/cmov.
 */
#include <stddef.h>
#include <string.h>

#include "x86_64/regalloc.h"

/*
 * Callee-saved registers first, so values survive helper calls; rax,
 * rdx and rcx last because div, mul and shifts want them.
 */
static const int8_t ra_order[] = {
    X_RBX, X_R12, X_R13, X_R14, X_R15, X_RSI, X_RDI, X_R8,
    X_R9, X_R10, X_R11, X_RCX, X_RDX, X_RAX,
};

static IRTempDesc *ts_of(RegAlloc *ra, IRTemp t)
{
    return &ra->s->temps[t];
}

static bool is_w64(IRTempDesc *ts)
{
    return ts->type == IR_I64;
}

/* ------------------------------------------------------------------ */
/* Spill slots and memory homes                                        */

/* Rule 6 of liveness.c: share a slot only with disjoint live ranges. */
static void ra_slot(RegAlloc *ra, IRTemp t)
{
    IRTempDesc *ts = ts_of(ra, t);

    unsigned k;

    if (ts->mem_allocated) {
        return;
    }
    /* A TB spills few temps: scan the slots in use, else take a new one. */
    for (k = 0; k < ra->nb_slots; k++) {
        if (ra->slot_end[k] < (int64_t)ts->live_start) {
            break;
        }
    }
    if (k == RA_MAX_SLOTS) {
        /* The caller sees out_of_slots and gives up on this TB. */
        ra->out_of_slots = true;
        ts->spill_offset = FRAME_SPILL;
        ts->mem_allocated = true;
        return;
    }
    if (k == ra->nb_slots) {
        ra->nb_slots++;
    }
    ra->slot_end[k] = ts->live_end;
    ts->spill_offset = FRAME_SPILL + 8 * k;
    ts->mem_allocated = true;
}

int32_t ra_temp_mem(RegAlloc *ra, IRTemp t, int *base)
{
    IRTempDesc *ts = ts_of(ra, t);

    if (ts->kind == IR_TEMP_GLOBAL) {
        *base = RA_REG_ENV;
        return ts->mem_offset;
    }
    g_assert(ts->kind == IR_TEMP_NORMAL);
    ra_slot(ra, t);
    *base = X_RSP;
    return ts->spill_offset;
}

static void temp_store(RegAlloc *ra, IRTemp t, int reg)
{
    IRTempDesc *ts = ts_of(ra, t);
    int base;
    int32_t disp = ra_temp_mem(ra, t, &base);

    x86_store(ra->s, is_w64(ts) ? 3 : 2, reg, base, -1, disp);
    ts->mem_coherent = true;
}

static void temp_load(RegAlloc *ra, IRTemp t, int reg)
{
    IRTempDesc *ts = ts_of(ra, t);
    int base;
    int32_t disp = ra_temp_mem(ra, t, &base);

    if (is_w64(ts)) {
        x86_load64(ra->s, reg, base, disp);
    } else {
        x86_load32(ra->s, reg, base, disp);
    }
}

/* ------------------------------------------------------------------ */
/* Register <-> temp bookkeeping                                       */

static void associate(RegAlloc *ra, IRTemp t, int reg)
{
    IRTempDesc *ts = ts_of(ra, t);

    ra->reg_temp[reg] = (int32_t)t;
    ts->reg = (int8_t)reg;
    ts->val_loc = RA_LOC_REG;
    ra->lru[reg] = ra->idx;
}

/* Release reg; the temp's value stays where the state says. */
static void release(RegAlloc *ra, int reg, uint8_t new_loc)
{
    int32_t t = ra->reg_temp[reg];

    if (t < 0) {
        return;
    }
    ra->reg_temp[reg] = -1;
    ts_of(ra, t)->reg = -1;
    ts_of(ra, t)->val_loc = new_loc;
}

/* The temp in reg dies: globals fall back to env, normals to nothing. */
static void release_dead(RegAlloc *ra, int reg)
{
    int32_t t = ra->reg_temp[reg];

    if (t >= 0) {
        release(ra, reg, ts_of(ra, t)->kind == IR_TEMP_GLOBAL
                             ? RA_LOC_MEM : RA_LOC_DEAD);
    }
}

/* Write reg's temp to memory if needed and release the register. */
static void spill(RegAlloc *ra, int reg)
{
    int32_t t = ra->reg_temp[reg];

    if (t < 0) {
        return;
    }
    if (!ts_of(ra, t)->mem_coherent) {
        temp_store(ra, t, reg);
    }
    release(ra, reg, RA_LOC_MEM);
}

void ra_forget(RegAlloc *ra, int reg)
{
    int32_t t = ra->reg_temp[reg];

    if (t < 0) {
        return;
    }
    if (ts_of(ra, t)->mem_coherent) {
        release(ra, reg, RA_LOC_MEM);
    } else {
        release_dead(ra, reg);
    }
}

static int pick_free(RegAlloc *ra, uint16_t allowed)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(ra_order); i++) {
        int r = ra_order[i];
        if ((allowed & RA_BIT(r)) && ra->reg_temp[r] < 0) {
            return r;
        }
    }
    return -1;
}

/* A register of allowed, emptied (spilling its value) and locked. */
static int reg_alloc(RegAlloc *ra, uint16_t allowed)
{
    int best = -1;

    allowed &= RA_ALL & ~ra->locked;
    g_assert(allowed != 0);
    best = pick_free(ra, allowed);
    if (best < 0) {
        /* Evict: a value env or a slot already has, least recently used. */
        for (int r = 0; r < X_NB_REGS; r++) {
            if (!(allowed & RA_BIT(r))) {
                continue;
            }
            if (best < 0) {
                best = r;
                continue;
            }
            bool c_r = ts_of(ra, ra->reg_temp[r])->mem_coherent;
            bool c_b = ts_of(ra, ra->reg_temp[best])->mem_coherent;
            if (c_r != c_b ? c_r : ra->lru[r] < ra->lru[best]) {
                best = r;
            }
        }
        spill(ra, best);
    }
    ra->locked |= RA_BIT(best);
    ra->lru[best] = ra->idx;
    return best;
}

void ra_evacuate(RegAlloc *ra, int reg, uint16_t avoid)
{
    int32_t t = ra->reg_temp[reg];
    int r;

    if (t < 0) {
        return;
    }
    r = pick_free(ra, RA_ALL & ~ra->locked & ~avoid & ~RA_BIT(reg));
    if (r < 0) {
        spill(ra, reg);
        return;
    }
    x86_mov_rr(ra->s, true, r, reg);
    ra->reg_temp[reg] = -1;
    associate(ra, t, r);
}

/* ------------------------------------------------------------------ */
/* Per-op interface                                                    */

void ra_begin_op(RegAlloc *ra, uint32_t idx)
{
    ra->idx = idx;
    ra->op = &ra->s->ops[idx];
    ra->locked = 0;
    ra->arg_copy = 0;
    memset(ra->arg_reg, -1, sizeof(ra->arg_reg));
}

bool ra_dies(RegAlloc *ra, unsigned n)
{
    return (ra->op->life & IR_LIFE_DEAD(n)) != 0;
}

bool ra_const(RegAlloc *ra, unsigned n, int64_t *val)
{
    IRTempDesc *ts = ts_of(ra, ra->op->args[n]);

    if (ts->kind != IR_TEMP_CONST) {
        return false;
    }
    *val = ts->type == IR_I32 ? (int64_t)(uint32_t)ts->val : ts->val;
    return true;
}

void ra_load_into(RegAlloc *ra, int reg, IRTemp t)
{
    IRTempDesc *ts = ts_of(ra, t);

    switch (ts->kind) {
    case IR_TEMP_FIXED:
        x86_mov_rr(ra->s, true, reg, RA_REG_ENV);
        return;
    case IR_TEMP_CONST:
        x86_movi(ra->s, is_w64(ts), reg,
                 is_w64(ts) ? ts->val : (int64_t)(uint32_t)ts->val);
        return;
    default:
        break;
    }
    if (ts->val_loc == RA_LOC_REG) {
        if (ts->reg != reg) {
            x86_mov_rr(ra->s, true, reg, ts->reg);
        }
    } else if (ts->val_loc == RA_LOC_MEM) {
        temp_load(ra, t, reg);
    }
    /* RA_LOC_DEAD: unreachable code or an undefined temp; any value. */
}

int ra_scratch(RegAlloc *ra, uint16_t allowed)
{
    int r = reg_alloc(ra, allowed);

    ra->arg_copy |= RA_BIT(r);
    return r;
}

int ra_in(RegAlloc *ra, unsigned n, uint16_t allowed)
{
    IRTemp t = ra->op->args[n];
    IRTempDesc *ts = ts_of(ra, t);
    uint16_t was_locked = ra->locked;
    int r;

    if (ts->kind == IR_TEMP_FIXED && (allowed & RA_BIT(RA_REG_ENV))) {
        ra->arg_reg[n] = RA_REG_ENV;
        return RA_REG_ENV;
    }
    if (ts->kind == IR_TEMP_FIXED || ts->kind == IR_TEMP_CONST) {
        r = ra_scratch(ra, allowed);
        ra_load_into(ra, r, t);
        ra->arg_reg[n] = r;
        return r;
    }
    if (ts->val_loc == RA_LOC_REG) {
        int old = ts->reg;
        if (allowed & RA_BIT(old)) {
            ra->locked |= RA_BIT(old);
            ra->lru[old] = ra->idx;
            ra->arg_reg[n] = old;
            return old;
        }
        r = reg_alloc(ra, allowed);
        x86_mov_rr(ra->s, true, r, old);
        if (was_locked & RA_BIT(old)) {
            /* Another arg of this op reads it there: private copy. */
            ra->arg_copy |= RA_BIT(r);
        } else {
            ra->reg_temp[old] = -1;
            associate(ra, t, r);
        }
        ra->arg_reg[n] = r;
        return r;
    }
    r = reg_alloc(ra, allowed);
    if (ts->val_loc == RA_LOC_MEM) {
        temp_load(ra, t, r);
        ts->mem_coherent = true;
    } else {
        ts->mem_coherent = false;
    }
    associate(ra, t, r);
    ra->arg_reg[n] = r;
    return r;
}

void ra_reserve(RegAlloc *ra, uint16_t mask)
{
    /* Lock them all first so evacuees do not land in one of them. */
    g_assert(!(ra->locked & mask));
    ra->locked |= mask;
    for (int r = 0; r < X_NB_REGS; r++) {
        if (mask & RA_BIT(r)) {
            ra_evacuate(ra, r, mask);
            ra->arg_copy |= RA_BIT(r);
        }
    }
}

void ra_in_fixed(RegAlloc *ra, unsigned n, int reg, bool clobber)
{
    IRTemp t = ra->op->args[n];
    IRTempDesc *ts = ts_of(ra, t);
    bool home = ts->kind != IR_TEMP_CONST && ts->kind != IR_TEMP_FIXED &&
                ts->val_loc == RA_LOC_REG && ts->reg == reg;

    if (home && (!clobber || ra_dies(ra, n))) {
        ra->locked |= RA_BIT(reg);
        ra->arg_reg[n] = reg;
        return;
    }
    ra_reserve(ra, RA_BIT(reg));
    ra_load_into(ra, reg, t);
    ra->arg_reg[n] = reg;
}

static bool arg_unique(RegAlloc *ra, unsigned n)
{
    IROp *op = ra->op;

    for (unsigned i = op->nb_oargs; i < op->nb_oargs + op->nb_iargs; i++) {
        if (i != n && op->args[i] == op->args[n]) {
            return false;
        }
    }
    return true;
}

static void assign(RegAlloc *ra, IRTemp d, int reg)
{
    IRTempDesc *ts = ts_of(ra, d);

    if (ra->reg_temp[reg] >= 0 && ra->reg_temp[reg] != (int32_t)d) {
        /* A dying input handed its register over. */
        release_dead(ra, reg);
    }
    if (ts->val_loc == RA_LOC_REG && ts->reg != reg) {
        /* The old value may still be read by this op: keep it locked. */
        ra->reg_temp[ts->reg] = -1;
    }
    associate(ra, d, reg);
    ts->mem_coherent = false;
    ra->locked |= RA_BIT(reg);
    ra->arg_copy &= ~RA_BIT(reg);
}

int ra_out(RegAlloc *ra, unsigned n, uint16_t allowed, int reuse)
{
    IRTemp d = ra->op->args[n];
    int r = -1;

    if (reuse >= 0 && ra->arg_reg[reuse] >= 0 &&
        (allowed & RA_BIT(ra->arg_reg[reuse])) && arg_unique(ra, reuse)) {
        int rr = ra->arg_reg[reuse];
        IRTemp t = ra->op->args[reuse];
        unsigned kind = ts_of(ra, t)->kind;
        if (ra->arg_copy & RA_BIT(rr)) {
            r = rr;
        } else if (ra_dies(ra, reuse) && ra->reg_temp[rr] == (int32_t)t &&
                   (kind == IR_TEMP_NORMAL || kind == IR_TEMP_GLOBAL)) {
            r = rr;
        }
    }
    if (r < 0) {
        r = reg_alloc(ra, allowed);
    }
    assign(ra, d, r);
    return r;
}

void ra_out_fixed(RegAlloc *ra, unsigned n, int reg)
{
    assign(ra, ra->op->args[n], reg);
}

void ra_out_const(RegAlloc *ra, unsigned n, int64_t val)
{
    IRTemp d = ra->op->args[n];
    IRTempDesc *ts = ts_of(ra, d);
    uint32_t life = ra->op->life;
    int r;

    if (ts->kind == IR_TEMP_GLOBAL && (life & IR_LIFE_SYNC(n)) &&
        (life & IR_LIFE_DEAD(n)) && (!is_w64(ts) || x86_fits_s32(val))) {
        /* Only env wants it: one store, no register. */
        if (ts->val_loc == RA_LOC_REG) {
            ra->reg_temp[ts->reg] = -1;
            ts->reg = -1;
        }
        x86_store_imm(ra->s, is_w64(ts) ? 3 : 2, (int32_t)val, RA_REG_ENV,
                      ts->mem_offset);
        ts->val_loc = RA_LOC_MEM;
        ts->mem_coherent = true;
        return;
    }
    r = ra_out(ra, n, RA_ALL, -1);
    x86_movi(ra->s, is_w64(ts), r, val);
}

static bool is_output(IROp *op, IRTemp t)
{
    for (unsigned i = 0; i < op->nb_oargs; i++) {
        if (op->args[i] == t) {
            return true;
        }
    }
    return false;
}

void ra_end_op(RegAlloc *ra)
{
    IROp *op = ra->op;
    uint32_t life = op->life;

    for (unsigned i = 0; i < op->nb_oargs; i++) {
        IRTempDesc *ts = ts_of(ra, op->args[i]);
        if (ts->val_loc != RA_LOC_REG) {
            continue;
        }
        if ((life & IR_LIFE_SYNC(i)) && !ts->mem_coherent) {
            temp_store(ra, op->args[i], ts->reg);
        }
        if (life & IR_LIFE_DEAD(i)) {
            release_dead(ra, ts->reg);
        }
    }
    for (unsigned i = op->nb_oargs; i < op->nb_oargs + op->nb_iargs; i++) {
        IRTemp t = op->args[i];
        IRTempDesc *ts = ts_of(ra, t);
        if (!(life & IR_LIFE_DEAD(i)) || is_output(op, t) ||
            (ts->kind != IR_TEMP_NORMAL && ts->kind != IR_TEMP_GLOBAL)) {
            continue;
        }
        if (ts->val_loc == RA_LOC_REG) {
            release_dead(ra, ts->reg);
        } else if (ts->kind == IR_TEMP_NORMAL) {
            ts->val_loc = RA_LOC_DEAD;
        }
    }
    ra->locked = 0;
    ra->arg_copy = 0;
}

/* ------------------------------------------------------------------ */
/* Globals, basic block ends, TB start                                 */

void ra_sync_globals(RegAlloc *ra)
{
    for (int r = 0; r < X_NB_REGS; r++) {
        int32_t t = ra->reg_temp[r];
        if (t >= 0 && ts_of(ra, t)->kind == IR_TEMP_GLOBAL &&
            !ts_of(ra, t)->mem_coherent) {
            temp_store(ra, t, r);
        }
    }
}

void ra_drop_globals(RegAlloc *ra)
{
    for (int r = 0; r < X_NB_REGS; r++) {
        int32_t t = ra->reg_temp[r];
        if (t >= 0 && ts_of(ra, t)->kind == IR_TEMP_GLOBAL) {
            release(ra, r, RA_LOC_MEM);
        }
    }
}

static bool live_at(IRTempDesc *ts, uint32_t idx)
{
    return ts->live_start <= idx && idx <= ts->live_end;
}

void ra_bb_end(RegAlloc *ra, uint32_t label_idx, bool keep)
{
    for (int r = 0; r < X_NB_REGS; r++) {
        int32_t t = ra->reg_temp[r];
        IRTempDesc *ts;
        if (t < 0) {
            continue;
        }
        ts = ts_of(ra, t);
        if (ts->kind == IR_TEMP_GLOBAL) {
            if (!ts->mem_coherent) {
                temp_store(ra, t, r);
            }
            if (!keep) {
                release(ra, r, RA_LOC_MEM);
            }
        } else if (live_at(ts, label_idx)) {
            /* Live across the jump: the label expects it in its slot. */
            if (!ts->mem_coherent) {
                temp_store(ra, t, r);
            }
            if (!keep) {
                release(ra, r, RA_LOC_MEM);
            }
        } else if (!keep) {
            release(ra, r, RA_LOC_DEAD);
        }
    }
}

void ra_reset(RegAlloc *ra)
{
    for (int r = 0; r < X_NB_REGS; r++) {
        int32_t t = ra->reg_temp[r];
        if (t >= 0) {
            release(ra, r, ts_of(ra, t)->kind == IR_TEMP_GLOBAL
                               ? RA_LOC_MEM : RA_LOC_DEAD);
        }
    }
}

void ra_at_label(RegAlloc *ra, uint32_t label_idx)
{
    ra_reset(ra);
    for (uint32_t i = 0; i < ra->nb_cross; i++) {
        IRTempDesc *ts = ts_of(ra, ra->cross[i]);
        if (live_at(ts, label_idx)) {
            ra_slot(ra, ra->cross[i]);
            ts->val_loc = RA_LOC_MEM;
            ts->mem_coherent = true;
        }
    }
}

void ra_init(RegAlloc *ra, IRContext *s)
{
    memset(ra, 0, offsetof(RegAlloc, slot_end));
    ra->s = s;
    for (int r = 0; r < X_NB_REGS; r++) {
        ra->reg_temp[r] = -1;
    }
    ra->cross = ir_scratch(s, X86_SCRATCH_CROSS,
                           sizeof(IRTemp) * (s->nb_temps + 1));
    for (uint32_t t = 0; t < s->nb_temps; t++) {
        IRTempDesc *ts = &s->temps[t];
        ts->reg = -1;
        ts->mem_allocated = false;
        switch (ts->kind) {
        case IR_TEMP_GLOBAL:
            ts->val_loc = RA_LOC_MEM;
            ts->mem_coherent = true;
            break;
        case IR_TEMP_FIXED:
            ts->val_loc = RA_LOC_REG;
            ts->reg = RA_REG_ENV;
            ts->mem_coherent = true;
            break;
        case IR_TEMP_NORMAL:
            ts->val_loc = RA_LOC_DEAD;
            ts->mem_coherent = false;
            if (ts->live_across_bb) {
                ra->cross[ra->nb_cross++] = t;
            }
            break;
        default:
            ts->val_loc = RA_LOC_DEAD;
            break;
        }
    }
}


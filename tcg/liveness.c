/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Liveness: one backward pass over the ops of a TB.
 *
 * Rules (the register allocator relies on every one of them):
 *  1. A normal temp is live where some path reaches a use of it before a
 *     redefinition; branches are followed exactly (live-in sets per
 *     label, iterated to a fixpoint when a branch goes backwards).
 *  2. Globals are read back from env after a label, a br, and a call
 *     that may write globals: their register copy is dead there.
 *  3. Globals must be exact in env at every BB end (so labels can start
 *     from env), at TB exits, at helper calls that read globals, write
 *     them or may raise, and before every guest memory access (it may
 *     fault and longjmp out).  A global output gets IR_LIFE_SYNC when env
 *     must see it before the global is defined again.
 *  4. IR_LIFE_DEAD(n) marks an input whose value is not needed after the
 *     op, and an output nobody reads.
 *  5. An op without side effects whose outputs are all dead (and, for
 *     globals, not needed in env) is turned into a nop.
 *  6. For normal temps, [live_start, live_end] covers every op index
 *     where the temp is used or live; spill slots are shared only between
 *     temps whose ranges do not overlap.
 */
#include <string.h>

#include "kestrel/ir.h"

enum {
    LS_LIVE = 1, /* value read later */
    LS_MEM = 2,  /* globals: env must hold the value later */
};

typedef struct Liveness {
    IRContext *s;
    uint8_t *state;        /* LS_* per global (index: temp) */
    IRTemp *globals;       /* the globals this TB reads or writes */
    uint32_t nb_used;
    uint64_t *live;        /* normal temps: LS_LIVE as a bitset */
    uint64_t *label_live;  /* live-in of normal temps, per label */
    uint32_t words;        /* bitset words per label */
    uint32_t *label_pos;   /* op index of each set_label */
    bool write;            /* final pass: fill life, remove, ranges */
    bool changed;          /* a label's live-in set grew */
} Liveness;

/* Liveness state of any temp (normal temps in the bitset). */
static unsigned get_state(Liveness *l, IRTemp t)
{
    if (l->s->temps[t].kind == IR_TEMP_NORMAL) {
        return (l->live[t / 64] >> (t % 64)) & 1 ? LS_LIVE : 0;
    }
    return l->state[t];
}

static void set_state(Liveness *l, IRTemp t, unsigned st)
{
    if (l->s->temps[t].kind == IR_TEMP_NORMAL) {
        uint64_t bit = 1ull << (t % 64);
        l->live[t / 64] = (st & LS_LIVE) ? l->live[t / 64] | bit
                                         : l->live[t / 64] & ~bit;
    } else {
        l->state[t] = (uint8_t)st;
    }
}

/* Every normal temp in a bitset joins the range at idx (at a BB edge). */
static void range_add_set(Liveness *l, const uint64_t *set, uint32_t idx);

static void range_add(Liveness *l, IRTemp t, uint32_t idx, bool at_bb)
{
    IRTempDesc *ts = &l->s->temps[t];

    if (!l->write || ts->kind != IR_TEMP_NORMAL) {
        return;
    }
    if (idx < ts->live_start) {
        ts->live_start = idx;
    }
    if (idx > ts->live_end) {
        ts->live_end = idx;
    }
    if (at_bb) {
        ts->live_across_bb = true;
    }
}

static uint64_t *label_set(Liveness *l, IRLabel lab)
{
    return &l->label_live[(size_t)lab * l->words];
}

/*
 * Globals at a BB end or exit: read back from env afterwards.  Only the
 * globals the TB uses have a state anybody reads.
 */
static void globals_to_mem(Liveness *l, bool keep_live)
{
    for (uint32_t i = 0; i < l->nb_used; i++) {
        IRTemp t = l->globals[i];

        l->state[t] = LS_MEM | (keep_live ? (l->state[t] & LS_LIVE) : 0);
    }
}

static void globals_need_mem(Liveness *l)
{
    globals_to_mem(l, true);
}

static void normals_dead(Liveness *l)
{
    memset(l->live, 0, sizeof(uint64_t) * l->words);
}

static void range_add_set(Liveness *l, const uint64_t *set, uint32_t idx)
{
    if (!l->write) {
        return;
    }
    for (uint32_t w = 0; w < l->words; w++) {
        uint64_t bits = set[w];
        while (bits) {
            IRTemp t = w * 64 + __builtin_ctzll(bits);
            bits &= bits - 1;
            range_add(l, t, idx, true);
        }
    }
}

/* Normal temps live at label lab (or with it, when merge) become live. */
static void normals_from_label(Liveness *l, IRLabel lab, uint32_t idx,
                               bool merge)
{
    const uint64_t *set = label_set(l, lab);

    for (uint32_t w = 0; w < l->words; w++) {
        l->live[w] = merge ? l->live[w] | set[w] : set[w];
    }
    range_add_set(l, set, idx);
}

static void label_record(Liveness *l, IRLabel lab, uint32_t idx)
{
    uint64_t *set = label_set(l, lab);

    for (uint32_t w = 0; w < l->words; w++) {
        if (l->live[w] & ~set[w]) {
            set[w] |= l->live[w];
            l->changed = true;
        }
    }
    range_add_set(l, l->live, idx);
}

static bool op_removable(IROp *op, const IROpDef *def)
{
    if (op->opc == IR_OP_call) {
        const IRHelperInfo *info = (const IRHelperInfo *)(uintptr_t)
            op->args[op->nb_oargs + op->nb_iargs];
        return (info->flags & IR_CALL_NO_SIDE_EFFECTS) != 0;
    }
    return op->nb_oargs > 0 &&
           !(def->flags & (IR_OPF_SIDE_EFFECTS | IR_OPF_BB_END |
                           IR_OPF_NOT_PRESENT));
}

static bool outputs_dead(Liveness *l, IROp *op)
{
    for (unsigned i = 0; i < op->nb_oargs; i++) {
        if (get_state(l, op->args[i]) & (LS_LIVE | LS_MEM)) {
            return false;
        }
    }
    return true;
}

/* Effect of a helper call on the globals (rule 2 and 3). */
static void call_globals(Liveness *l, IROp *op)
{
    const IRHelperInfo *info = (const IRHelperInfo *)(uintptr_t)
        op->args[op->nb_oargs + op->nb_iargs];

    if (!(info->flags & IR_CALL_NO_WRITE_GLOBALS)) {
        globals_to_mem(l, false);
    } else if (!(info->flags & IR_CALL_NO_READ_GLOBALS) ||
               !(info->flags & IR_CALL_NO_RAISE)) {
        globals_need_mem(l);
    }
}

/*
 * Control flow, and ops with nothing to track.  True when that was the
 * whole op (including a dead op removed, rule 5).
 */
static bool liveness_control(Liveness *l, IROp *op, uint32_t idx)
{
    IRContext *s = l->s;

    switch (op->opc) {
    case IR_OP_nop:
    case IR_OP_insn_start:
    case IR_OP_mb:
        return true;
    case IR_OP_discard: {
        IRTemp t = op->args[0];
        if (s->temps[t].kind == IR_TEMP_NORMAL ||
            s->temps[t].kind == IR_TEMP_GLOBAL) {
            set_state(l, t, 0);
        }
        return true;
    }
    case IR_OP_set_label:
        label_record(l, (IRLabel)op->args[0], idx);
        /* Rule 2: the fall-through into the label leaves globals in env. */
        globals_to_mem(l, false);
        return true;
    case IR_OP_br:
        globals_to_mem(l, false);
        normals_from_label(l, (IRLabel)op->args[0], idx, false);
        return true;
    case IR_OP_exit_tb:
    case IR_OP_goto_tb:
    case IR_OP_goto_ptr:
        globals_to_mem(l, false);
        normals_dead(l);
        return false;
    case IR_OP_brcond:
        globals_need_mem(l);
        normals_from_label(l, (IRLabel)op->args[3], idx, true);
        return false;
    default:
        if (op_removable(op, &ir_op_defs[op->opc]) && outputs_dead(l, op)) {
            if (l->write) {
                ir_op_remove(s, idx);
            }
            return true;
        }
        return false;
    }
}

/* Outputs: dead if unread, synced if env needs them (rules 3, 4). */
static uint32_t liveness_outputs(Liveness *l, IROp *op, uint32_t idx)
{
    uint32_t life = 0;

    for (unsigned i = 0; i < op->nb_oargs; i++) {
        IRTemp t = op->args[i];
        unsigned st = get_state(l, t);
        if (!(st & LS_LIVE)) {
            life |= IR_LIFE_DEAD(i);
        }
        if (l->s->temps[t].kind == IR_TEMP_GLOBAL && (st & LS_MEM)) {
            life |= IR_LIFE_SYNC(i);
        }
        set_state(l, t, 0);
        range_add(l, t, idx, false);
    }
    return life;
}

/* Inputs: every position of a temp dying here gets the bit; then live. */
static uint32_t liveness_inputs(Liveness *l, IROp *op, uint32_t idx)
{
    IRContext *s = l->s;
    unsigned nb_o = op->nb_oargs, nb_i = op->nb_iargs;
    uint32_t life = 0;

    for (unsigned i = nb_o; i < nb_o + nb_i; i++) {
        IRTemp t = op->args[i];
        unsigned kind = s->temps[t].kind;
        if ((kind == IR_TEMP_NORMAL || kind == IR_TEMP_GLOBAL) &&
            !(get_state(l, t) & LS_LIVE)) {
            life |= IR_LIFE_DEAD(i);
        }
    }
    for (unsigned i = nb_o; i < nb_o + nb_i; i++) {
        IRTemp t = op->args[i];
        unsigned kind = s->temps[t].kind;
        if (kind == IR_TEMP_NORMAL || kind == IR_TEMP_GLOBAL) {
            set_state(l, t, get_state(l, t) | LS_LIVE);
        }
        range_add(l, t, idx, false);
    }
    return life;
}

static void liveness_op(Liveness *l, uint32_t idx)
{
    IROp *op = &l->s->ops[idx];
    uint32_t life;

    if (liveness_control(l, op, idx)) {
        return;
    }
    life = liveness_outputs(l, op, idx);
    if (op->opc == IR_OP_call) {
        call_globals(l, op);
    } else if (ir_op_defs[op->opc].flags & IR_OPF_MEM) {
        globals_need_mem(l);
    }
    life |= liveness_inputs(l, op, idx);
    if (l->write) {
        op->life = life;
    }
}

static void liveness_pass(Liveness *l)
{
    IRContext *s = l->s;

    l->changed = false;
    /* Normal temps live in the bitset; constants are never outputs. */
    memset(l->state, 0, s->nb_globals);
    normals_dead(l);
    /* Whatever follows the TB reads globals from env. */
    globals_to_mem(l, false);
    if (l->write) {
        for (uint32_t t = s->nb_globals; t < s->nb_temps; t++) {
            s->temps[t].live_start = UINT32_MAX;
            s->temps[t].live_end = 0;
            s->temps[t].live_across_bb = false;
        }
    }
    for (uint32_t i = s->nb_ops; i-- > 0;) {
        liveness_op(l, i);
    }
}

static bool has_back_edge(Liveness *l)
{
    IRContext *s = l->s;

    for (uint32_t i = 0; i < s->nb_ops; i++) {
        IROp *op = &s->ops[i];
        IRLabel lab;
        if (op->opc == IR_OP_set_label) {
            l->label_pos[op->args[0]] = i;
            continue;
        }
        if (op->opc == IR_OP_br) {
            lab = (IRLabel)op->args[0];
        } else if (op->opc == IR_OP_brcond) {
            lab = (IRLabel)op->args[3];
        } else {
            continue;
        }
        if (l->label_pos[lab] != UINT32_MAX) {
            return true;
        }
    }
    return false;
}

/* The globals some op of the TB reads or writes, each once. */
static void collect_globals(Liveness *l)
{
    IRContext *s = l->s;
    uint8_t *seen = ir_scratch0(s, IR_SCRATCH_LIVE_STATE, s->nb_temps + 1);

    l->globals = ir_scratch(s, IR_SCRATCH_LIVE_GLOBALS,
                            sizeof(IRTemp) * (s->nb_globals + 1));
    l->nb_used = 0;
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const IROp *op = &s->ops[i];
        unsigned n = op->nb_oargs + op->nb_iargs;

        if (op->opc == IR_OP_insn_start) {
            continue;   /* constant words only */
        }
        for (unsigned k = 0; k < n; k++) {
            IRTemp t = op->args[k];

            if (t < s->nb_globals && !seen[t] &&
                s->temps[t].kind == IR_TEMP_GLOBAL) {
                seen[t] = 1;
                l->globals[l->nb_used++] = t;
            }
        }
    }
    l->state = seen;    /* liveness_pass clears it */
}

void ir_liveness(IRContext *s)
{
    Liveness l = { .s = s };
    size_t nlab = s->nb_labels + 1;

    l.words = (s->nb_temps + 63) / 64;
    collect_globals(&l);
    l.live = ir_scratch0(s, IR_SCRATCH_LIVE_BITS,
                         sizeof(uint64_t) * (l.words + 1));
    l.label_live = ir_scratch0(s, IR_SCRATCH_LIVE_LABELS,
                               sizeof(uint64_t) * l.words * nlab);
    l.label_pos = ir_scratch(s, IR_SCRATCH_LIVE_LABEL_POS,
                             sizeof(uint32_t) * nlab);
    memset(l.label_pos, 0xff, sizeof(uint32_t) * nlab);

    /*
     * With only forward branches every label is seen (backwards) before
     * its branches, so one pass is exact; a loop needs the fixpoint.
     */
    if (has_back_edge(&l)) {
        do {
            liveness_pass(&l);
        } while (l.changed);
    }
    l.write = true;
    liveness_pass(&l);
}

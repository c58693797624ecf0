/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interpreter backend's code generator: IR -> byte code (the format
 * is described at the top of interp.c).  One pass assigns frame slots,
 * one emits ops; branches are fixed up at the end.
 */
#include <string.h>

#include <glib.h>

#include "kestrel/ir.h"
#include "interp/bytecode.h"

#define NO_SLOT UINT32_MAX

/* Per-TB arrays live in the IRContext's scratch (ir_scratch). */
enum {
    GEN_SCRATCH_SLOT = IR_SCRATCH_BACKEND,
    GEN_SCRATCH_LABEL_OFF,
    GEN_SCRATCH_FIXUPS,
    GEN_SCRATCH_GLOBALS,
    GEN_SCRATCH_CACHED,
    GEN_SCRATCH_GINDEX,
    GEN_SCRATCH_CONSTS,
    GEN_SCRATCH_BY_VALUE,
};

/* An entry of the constant dedup table of assign_slots. */
typedef struct ConstSlot {
    uint64_t val;
    uint32_t idx1;      /* index in consts + 1; 0: free */
} ConstSlot;

typedef struct BranchFixup {
    uint32_t op_off;    /* the branch op, from code_buf */
    uint32_t field_off; /* its rel32 field, from code_buf */
    uint32_t label;
} BranchFixup;

typedef struct Gen {
    IRContext *s;
    uint8_t *p;     /* write position (rw view) */
    uint8_t *limit; /* s->code_highwater */
    bool overflow;
    uint32_t *slot;     /* temp -> frame slot (a global's: its home) */
    int64_t *label_off; /* label -> offset from code_buf, or -1 */
    BranchFixup *fixups;
    uint32_t nb_fixups;
    /*
     * Global cache: cached[i] is the slot that holds the current value
     * of globals[i] at this point of the byte code, or NO_SLOT.
     */
    uint32_t nglobals;
    IRTemp *globals; /* the globals this TB uses */
    uint32_t *cached;
    uint32_t *gindex; /* temp -> index in globals[] */
    uint64_t *consts; /* the TB's constants, for TB_ENTER */
    uint32_t nconsts;
    /* Global outputs of the current op, stored after it. */
    unsigned npend;
    IRTemp pend_temp[IR_MAX_ARGS];
} Gen;

static uint32_t gen_off(const Gen *g)
{
    return (uint32_t)(g->p - g->s->code_buf);
}

static void emit_bytes(Gen *g, const void *src, size_t n)
{
    if (g->overflow || (size_t)(g->limit - g->p) < n) {
        g->overflow = true;
        return;
    }
    memcpy(g->p, src, n);
    g->p += n;
}

static void emit16(Gen *g, uint64_t v)
{
    uint16_t x = (uint16_t)v;

    emit_bytes(g, &x, sizeof(x));
}

static void emit32(Gen *g, uint64_t v)
{
    uint32_t x = (uint32_t)v;

    emit_bytes(g, &x, sizeof(x));
}

static void emit64(Gen *g, uint64_t v)
{
    emit_bytes(g, &v, sizeof(v));
}

static void emit_env_access(Gen *g, BCOp bc, uint32_t slot, int32_t ofs)
{
    emit16(g, bc);
    emit16(g, slot);
    emit16(g, 0); /* env */
    emit32(g, (uint32_t)ofs);
}

/*
 * Globals.  Every write goes to env at once (store-through), so env is
 * exact wherever a helper, a fault or an exit may look at it.  Reads
 * are cached: once a global has been loaded or written, the slot that
 * holds its value serves later reads, until
 *   1. a label (another path may arrive without the value),
 *   2. a helper call that may write globals,
 *   3. a host st that may overlap the global in env, or
 *   4. an op that overwrites the slot holding the value.
 * Guest memory ops keep the cache, as they keep globals in registers in
 * the JIT: a slow path never writes globals (it raises instead).
 */
static bool is_global(const Gen *g, IRTemp t)
{
    return g->s->temps[t].kind == IR_TEMP_GLOBAL;
}

static void cache_forget_all(Gen *g)
{
    for (uint32_t i = 0; i < g->nglobals; i++) {
        g->cached[i] = NO_SLOT;
    }
}

/* Rule 4: slot is about to be overwritten. */
static void cache_forget_slot(Gen *g, uint32_t slot)
{
    for (uint32_t i = 0; i < g->nglobals; i++) {
        if (g->cached[i] == slot) {
            g->cached[i] = NO_SLOT;
        }
    }
}

/* Rule 3: a host store to env + [ofs, ofs + size). */
static void cache_forget_env_range(Gen *g, int64_t ofs, unsigned size)
{
    for (uint32_t i = 0; i < g->nglobals; i++) {
        const IRTempDesc *d = &g->s->temps[g->globals[i]];
        int64_t gofs = d->mem_offset;
        unsigned glen = d->type == IR_I32 ? 4 : 8;

        if (ofs < gofs + glen && gofs < ofs + size) {
            g->cached[i] = NO_SLOT;
        }
    }
}

static void emit_global_load(Gen *g, IRTemp t, uint32_t slot)
{
    const IRTempDesc *d = &g->s->temps[t];

    cache_forget_slot(g, slot);
    emit_env_access(g, d->type == IR_I32 ? BC_LD32U : BC_LD64, slot,
                    d->mem_offset);
    g->cached[g->gindex[t]] = slot;
}

static void emit_global_store(Gen *g, IRTemp t, uint32_t slot)
{
    const IRTempDesc *d = &g->s->temps[t];

    emit_env_access(g, d->type == IR_I32 ? BC_ST32 : BC_ST64, slot,
                    d->mem_offset);
    /* Rule 3 applies to globals that overlap this one, if any. */
    cache_forget_env_range(g, d->mem_offset, d->type == IR_I32 ? 4 : 8);
    g->cached[g->gindex[t]] = slot;
}

/* The slot holding input t; an uncached global is loaded first. */
static uint32_t in_slot(Gen *g, IRTemp t)
{
    if (is_global(g, t)) {
        uint32_t *c = &g->cached[g->gindex[t]];

        if (*c == NO_SLOT) {
            emit_global_load(g, t, g->slot[t]);
        }
        return *c;
    }
    return g->slot[t];
}

/*
 * The slot to write output t to.  Call after every input's in_slot();
 * a global output is written to its home slot and stored by
 * flush_outs() after the op.
 */
static uint32_t out_slot(Gen *g, IRTemp t)
{
    if (is_global(g, t)) {
        g->pend_temp[g->npend++] = t;
    }
    cache_forget_slot(g, g->slot[t]);
    return g->slot[t];
}

static void flush_outs(Gen *g)
{
    for (unsigned i = 0; i < g->npend; i++) {
        emit_global_store(g, g->pend_temp[i], g->slot[g->pend_temp[i]]);
    }
    g->npend = 0;
}

static void emit_branch(Gen *g, BCOp bc, const uint32_t *slots, unsigned nslots,
                        uint32_t label)
{
    BranchFixup f = {.op_off = gen_off(g), .label = label};

    emit16(g, bc);
    for (unsigned i = 0; i < nslots; i++) {
        emit16(g, slots[i]);
    }
    f.field_off = gen_off(g);
    emit32(g, 0);
    g->fixups = ir_scratch(g->s, GEN_SCRATCH_FIXUPS,
                           sizeof(BranchFixup) * (g->nb_fixups + 1));
    g->fixups[g->nb_fixups++] = f;
}

/*
 * The ops that are "opcode, output slots, input slots, constant args as
 * units": IR opcode -> byte code op, and whether a _64 twin follows it.
 */
typedef struct SimpleOp {
    uint16_t bc; /* 0: not a simple op (BC_NOP is never one) */
    bool typed;
} SimpleOp;

static const SimpleOp simple_ops[IR_OP_COUNT] = {
    [IR_OP_setcond] = {BC_SETCOND_32, true},
    [IR_OP_negsetcond] = {BC_NEGSETCOND_32, true},
    [IR_OP_movcond] = {BC_MOVCOND_32, true},
    [IR_OP_add] = {BC_ADD_32, true},
    [IR_OP_sub] = {BC_SUB_32, true},
    [IR_OP_mul] = {BC_MUL_32, true},
    [IR_OP_mulu2] = {BC_MULU2_32, true},
    [IR_OP_muls2] = {BC_MULS2_32, true},
    [IR_OP_divs] = {BC_DIVS_32, true},
    [IR_OP_divu] = {BC_DIVU_32, true},
    [IR_OP_rems] = {BC_REMS_32, true},
    [IR_OP_remu] = {BC_REMU_32, true},
    [IR_OP_and] = {BC_AND, false},
    [IR_OP_or] = {BC_OR, false},
    [IR_OP_xor] = {BC_XOR, false},
    [IR_OP_andc] = {BC_ANDC, false},
    [IR_OP_orc] = {BC_ORC_32, true},
    [IR_OP_eqv] = {BC_EQV_32, true},
    [IR_OP_nand] = {BC_NAND_32, true},
    [IR_OP_nor] = {BC_NOR_32, true},
    [IR_OP_not] = {BC_NOT_32, true},
    [IR_OP_neg] = {BC_NEG_32, true},
    [IR_OP_shl] = {BC_SHL_32, true},
    [IR_OP_shr] = {BC_SHR_32, true},
    [IR_OP_sar] = {BC_SAR_32, true},
    [IR_OP_rotl] = {BC_ROTL_32, true},
    [IR_OP_rotr] = {BC_ROTR_32, true},
    [IR_OP_ext8s] = {BC_EXT8S_32, true},
    [IR_OP_ext8u] = {BC_EXT8U, false},
    [IR_OP_ext16s] = {BC_EXT16S_32, true},
    [IR_OP_ext16u] = {BC_EXT16U, false},
    [IR_OP_ext32s] = {BC_EXT32S, false},
    [IR_OP_ext32u] = {BC_EXT32U, false},
    [IR_OP_ext_i32_i64] = {BC_EXT32S, false},
    [IR_OP_extu_i32_i64] = {BC_EXT32U, false},
    [IR_OP_extrl_i64_i32] = {BC_EXT32U, false},
    [IR_OP_extrh_i64_i32] = {BC_EXTRH, false},
    [IR_OP_bswap16] = {BC_BSWAP16, false},
    [IR_OP_bswap32] = {BC_BSWAP32, false},
    [IR_OP_bswap64] = {BC_BSWAP64, false},
    [IR_OP_clz] = {BC_CLZ_32, true},
    [IR_OP_ctz] = {BC_CTZ_32, true},
    [IR_OP_ctpop] = {BC_CTPOP, false},
    [IR_OP_add2] = {BC_ADD2_32, true},
    [IR_OP_sub2] = {BC_SUB2_32, true},
};

static void gen_simple(Gen *g, const IROp *op, unsigned bc)
{
    unsigned no = op->nb_oargs, nio = op->nb_oargs + op->nb_iargs;
    uint32_t sl[IR_MAX_ARGS];

    /* Inputs first: all are read before any output is written. */
    for (unsigned i = no; i < nio; i++) {
        sl[i] = in_slot(g, op->args[i]);
    }
    for (unsigned i = 0; i < no; i++) {
        sl[i] = out_slot(g, op->args[i]);
    }
    emit16(g, bc);
    for (unsigned i = 0; i < nio; i++) {
        emit16(g, sl[i]);
    }
    for (unsigned i = nio; i < nio + op->nb_cargs; i++) {
        emit16(g, op->args[i]);
    }
    flush_outs(g);
}

/* d = the slot s (used where a field op degenerates into a move). */
static void gen_mov_slot(Gen *g, IRTemp d, uint32_t src)
{
    uint32_t ds = out_slot(g, d);

    emit16(g, BC_MOV);
    emit16(g, ds);
    emit16(g, src);
    flush_outs(g);
}

static void gen_mov(Gen *g, const IROp *op)
{
    IRTemp d = op->args[0], a = op->args[1];

    if (is_global(g, d)) {
        /* A store straight from the source's slot, which caches d. */
        emit_global_store(g, d, in_slot(g, a));
    } else if (is_global(g, a) && g->cached[g->gindex[a]] == NO_SLOT) {
        /* Load straight into d, which then caches a. */
        emit_global_load(g, a, g->slot[d]);
    } else {
        uint32_t src = in_slot(g, a);

        if (src != g->slot[d]) {
            gen_mov_slot(g, d, src);
        }
    }
}

static void gen_extract(Gen *g, const IROp *op, bool sign)
{
    unsigned w = op->type == IR_I32 ? 32 : 64;
    uint64_t pos = op->args[2], len = op->args[3];
    uint32_t a, d;

    /* ir_verify rejects these; stay defined anyway (an empty field). */
    if (pos >= w || len == 0) {
        gen_mov_slot(g, op->args[0], BC_SLOT_ZERO);
        return;
    }
    len = MIN(len, w - pos);
    a = in_slot(g, op->args[1]);
    d = out_slot(g, op->args[0]);
    emit16(g, (sign ? BC_SEXTRACT_32 : BC_EXTRACT_32) + (w == 64));
    emit16(g, d);
    emit16(g, a);
    emit16(g, w - pos - len); /* left shift: field to the top */
    emit16(g, w - len);       /* right shift: field to the bottom */
    flush_outs(g);
}

static void gen_deposit(Gen *g, const IROp *op)
{
    unsigned w = op->type == IR_I32 ? 32 : 64;
    uint64_t pos = op->args[3], len = op->args[4];
    uint32_t a, b, d;

    if (pos >= w || len == 0) {
        gen_mov_slot(g, op->args[0], in_slot(g, op->args[1]));
        return;
    }
    len = MIN(len, w - pos);
    b = in_slot(g, op->args[2]);
    a = in_slot(g, op->args[1]);
    d = out_slot(g, op->args[0]);
    emit16(g, BC_DEPOSIT_32 + (w == 64));
    emit16(g, d);
    emit16(g, a);
    emit16(g, b);
    emit16(g, pos);
    emit16(g, len);
    flush_outs(g);
}

static void gen_extract2(Gen *g, const IROp *op)
{
    unsigned w = op->type == IR_I32 ? 32 : 64;
    uint64_t pos = op->args[3];
    uint32_t lo, hi, d;

    if (pos == 0) {
        gen_mov_slot(g, op->args[0], in_slot(g, op->args[1]));
        return;
    }
    if (pos >= w) {
        /* Rejected by ir_verify; the natural reading is "all of hi". */
        gen_mov_slot(g, op->args[0], in_slot(g, op->args[2]));
        return;
    }
    hi = in_slot(g, op->args[2]);
    lo = in_slot(g, op->args[1]);
    d = out_slot(g, op->args[0]);
    emit16(g, BC_EXTRACT2_32 + (w == 64));
    emit16(g, d);
    emit16(g, lo);
    emit16(g, hi);
    emit16(g, pos);
    flush_outs(g);
}

static void gen_brcond(Gen *g, const IROp *op)
{
    IRCond c = (IRCond)op->args[2];
    uint32_t sl[2];

    if (c == IR_COND_NEVER) {
        return;
    }
    if (c == IR_COND_ALWAYS) {
        emit_branch(g, BC_BR, NULL, 0, op->args[3]);
        return;
    }
    g_assert(c < IR_COND_COUNT);
    sl[1] = in_slot(g, op->args[1]);
    sl[0] = in_slot(g, op->args[0]);
    emit_branch(g,
                BC_BRCOND_EQ_32 + 2 * (c - IR_COND_EQ) + (op->type == IR_I64),
                sl, 2, op->args[3]);
}

/* Host load: a specialised op per size and sign, else the generic one. */
static BCOp ld_op(MemOp mop, bool i64)
{
    if (mop & MO_BSWAP) {
        return i64 ? BC_LDX_64 : BC_LDX_32;
    }
    switch (mop & (MO_SIZE | MO_SIGN)) {
    case MO_UB:
        return BC_LD8U;
    case MO_SB:
        return i64 ? BC_LD8S_64 : BC_LD8S_32;
    case MO_UW:
        return BC_LD16U;
    case MO_SW:
        return i64 ? BC_LD16S_64 : BC_LD16S_32;
    case MO_UL:
        return BC_LD32U;
    case MO_SL:
        return i64 ? BC_LD32S_64 : BC_LD32U;
    case MO_UQ:
        return i64 ? BC_LD64 : BC_LD32U;
    default:
        return i64 ? BC_LDX_64 : BC_LDX_32;
    }
}

static BCOp st_op(MemOp mop)
{
    if (mop & MO_BSWAP) {
        return BC_STX;
    }
    switch (mop & MO_SIZE) {
    case MO_8:
        return BC_ST8;
    case MO_16:
        return BC_ST16;
    case MO_32:
        return BC_ST32;
    case MO_64:
        return BC_ST64;
    default:
        return BC_STX;
    }
}

static void gen_ld_st(Gen *g, const IROp *op, bool store)
{
    MemOp mop = (MemOp)op->args[3];
    uint32_t v, base;
    BCOp bc;

    base = in_slot(g, op->args[1]);
    if (store) {
        v = in_slot(g, op->args[0]);
        bc = st_op(mop);
    } else {
        v = out_slot(g, op->args[0]);
        bc = ld_op(mop, op->type == IR_I64);
    }
    emit16(g, bc);
    emit16(g, v);
    emit16(g, base);
    emit32(g, op->args[2]);
    if (bc == BC_LDX_32 || bc == BC_LDX_64 || bc == BC_STX) {
        emit16(g, mop);
    }
    flush_outs(g);
    if (store) {
        if (g->s->temps[op->args[1]].kind == IR_TEMP_FIXED) {
            cache_forget_env_range(g, (int32_t)op->args[2], memop_size(mop));
        } else {
            cache_forget_all(g); /* could point anywhere, env too */
        }
    }
}

/*
 * Guest memory ops: the values, the address, the MemOpIdx, and what the
 * access mode needs (guest_base, or the slow path for this kind of op).
 */
static void gen_qemu(Gen *g, const IROp *op)
{
    IRContext *s = g->s;
    bool direct = s->mem_mode == IR_MEM_DIRECT;
    unsigned nv = op->opc == IR_OP_qemu_ld || op->opc == IR_OP_qemu_st ? 1 : 2;
    bool load = op->opc == IR_OP_qemu_ld || op->opc == IR_OP_qemu_ld128;
    uint32_t sl[3];
    uintptr_t extra, slow;
    unsigned bc;

    sl[nv] = in_slot(g, op->args[nv]);
    for (unsigned i = 0; i < nv; i++) {
        sl[i] = load ? out_slot(g, op->args[i]) : in_slot(g, op->args[i]);
    }
    switch (op->opc) {
    case IR_OP_qemu_ld:
        bc = (direct ? BC_QLD_D_32 : BC_QLD_M_32) + (op->type == IR_I64);
        break;
    case IR_OP_qemu_st:
        bc = direct ? BC_QST_D : BC_QST_M;
        break;
    case IR_OP_qemu_ld128:
        bc = direct ? BC_QLD128_D : BC_QLD128_M;
        break;
    default:
        bc = direct ? BC_QST128_D : BC_QST128_M;
        break;
    }
    slow = ir_mem_slow_fn(s, op->opc);
    extra = direct ? s->guest_base : slow;
    if (direct && memop_align_bits(get_memop(op->args[nv + 1])) && slow) {
        /* ir.h: a misaligned direct access goes to the (raising) hook. */
        emit16(g, BC_QALIGN);
        emit16(g, sl[nv]);
        emit32(g, (uint32_t)op->args[nv + 1] | (uint32_t)op->opc << 24);
        emit64(g, slow);
    }
    emit16(g, bc);
    for (unsigned i = 0; i <= nv; i++) {
        emit16(g, sl[i]);
    }
    emit32(g, op->args[nv + 1]);
    emit64(g, extra);
    flush_outs(g);
}

static void gen_call(Gen *g, const IROp *op)
{
    unsigned no = op->nb_oargs, ni = op->nb_iargs;
    const IRHelperInfo *info =
        (const IRHelperInfo *)(uintptr_t)op->args[no + ni];
    uint32_t sl[IR_MAX_HELPER_ARGS];
    uint32_t ret = 0;
    unsigned kind = CALL_RET_NONE;

    g_assert(ni <= IR_MAX_HELPER_ARGS && no <= 1);
    for (unsigned i = 0; i < ni; i++) {
        sl[i] = in_slot(g, op->args[no + i]);
    }
    if (no) {
        ret = out_slot(g, op->args[0]);
        kind = info->ret_type == IR_I32 ? CALL_RET_I32 : CALL_RET_I64;
    }
    emit16(g, BC_CALL);
    emit16(g, ni);
    emit16(g, kind);
    emit16(g, ret);
    emit64(g, (uintptr_t)info->func);
    for (unsigned i = 0; i < ni; i++) {
        emit16(g, sl[i]);
    }
    /* Rule 2, before the result is stored: it is current either way. */
    if (!(info->flags & IR_CALL_NO_WRITE_GLOBALS)) {
        cache_forget_all(g);
    }
    flush_outs(g);
}

static void gen_goto_tb(Gen *g, unsigned n)
{
    uintptr_t rx_diff = (uintptr_t)g->s->rx_diff;
    uint32_t off = gen_off(g);
    uintptr_t slot = bc_goto_tb_slot((uintptr_t)g->p + rx_diff) - rx_diff;

    emit16(g, BC_GOTO_TB);
    while ((uintptr_t)g->p < slot && !g->overflow) {
        emit16(g, 0);
    }
    /* Unchained: continue at the next op. */
    emit64(g, slot + 8 + rx_diff);
    if (n < 2) {
        g->s->tb_jmp_insn_offset[n] = off;
        g->s->tb_jmp_reset_offset[n] = gen_off(g);
    }
}

/* The dedup table's size - 1: a power of two at least twice the temps. */
static uint32_t by_value_mask(const IRContext *s)
{
    uint32_t n = 64;

    while (n < 2 * (s->nb_temps + 1)) {
        n *= 2;
    }
    return n - 1;
}

/* Index of v in g->consts, appending it the first time (linear probing). */
static uint32_t const_index(Gen *g, ConstSlot *tab, uint32_t mask, uint64_t v)
{
    uint32_t h = (uint32_t)((v * 0x9e3779b97f4a7c15ull) >> 32) & mask;

    for (; tab[h].idx1; h = (h + 1) & mask) {
        if (tab[h].val == v) {
            return tab[h].idx1 - 1;
        }
    }
    g->consts[g->nconsts] = v;
    tab[h] = (ConstSlot){ .val = v, .idx1 = ++g->nconsts };
    return g->nconsts - 1;
}

/* Assign frame slots; returns the frame size, or 0 if it is too big. */
static uint32_t assign_slots(Gen *g)
{
    IRContext *s = g->s;
    uint32_t nnormal = 0, nconst, nslots;
    /* Equal values share a slot (i32 and i64 constants, and the zero). */
    uint32_t mask = by_value_mask(s);
    ConstSlot *by_value = ir_scratch0(s, GEN_SCRATCH_BY_VALUE,
                                      sizeof(ConstSlot) * (mask + 1));

    /* First pass: number consts and normals separately (tag in bit 31). */
    const_index(g, by_value, mask, 0);
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const IROp *op = &s->ops[i];
        unsigned n = op->nb_oargs + op->nb_iargs;

        if (op->opc == IR_OP_nop || op->opc == IR_OP_discard ||
            op->opc == IR_OP_insn_start) {
            continue;
        }
        for (unsigned k = 0; k < n; k++) {
            IRTemp t = op->args[k];
            const IRTempDesc *d = &s->temps[t];

            if (g->slot[t] != NO_SLOT) {
                continue;
            }
            if (d->kind == IR_TEMP_CONST) {
                uint64_t v =
                    d->type == IR_I32 ? (uint32_t)d->val : (uint64_t)d->val;
                g->slot[t] = (1u << 31) | const_index(g, by_value, mask, v);
            } else if (d->kind == IR_TEMP_NORMAL) {
                g->slot[t] = nnormal++;
            } else if (d->kind == IR_TEMP_GLOBAL) {
                /* A home slot, and a place in the global cache. */
                g->slot[t] = nnormal++;
                g->gindex[t] = g->nglobals;
                g->globals[g->nglobals] = t;
                g->cached[g->nglobals++] = NO_SLOT;
            }
        }
    }
    nconst = g->nconsts;
    nslots = 1 + nconst + nnormal;
    if (nslots > BC_MAX_SLOTS) {
        return 0;
    }
    /* Second pass: final numbers. */
    for (uint32_t t = 0; t < s->nb_temps; t++) {
        uint32_t v = g->slot[t];

        if (s->temps[t].kind == IR_TEMP_FIXED) {
            g->slot[t] = 0;
        } else if (v != NO_SLOT) {
            g->slot[t] =
                v & (1u << 31) ? 1 + (v & ~(1u << 31)) : 1 + nconst + v;
        }
    }
    return nslots;
}

static void gen_one(Gen *g, const IROp *op)
{
    const SimpleOp *so = &simple_ops[op->opc];

    if (so->bc) {
        gen_simple(g, op, so->bc + (so->typed && op->type == IR_I64));
        return;
    }
    switch (op->opc) {
    case IR_OP_mov:
        gen_mov(g, op);
        break;
    case IR_OP_set_label:
        g->label_off[op->args[0]] = gen_off(g);
        cache_forget_all(g);
        break;
    case IR_OP_br:
        emit_branch(g, BC_BR, NULL, 0, op->args[0]);
        break;
    case IR_OP_brcond:
        gen_brcond(g, op);
        break;
    case IR_OP_mb:
        emit16(g, BC_MB);
        emit16(g, op->args[0]);
        break;
    case IR_OP_ld:
        gen_ld_st(g, op, false);
        break;
    case IR_OP_st:
        gen_ld_st(g, op, true);
        break;
    case IR_OP_extract:
        gen_extract(g, op, false);
        break;
    case IR_OP_sextract:
        gen_extract(g, op, true);
        break;
    case IR_OP_deposit:
        gen_deposit(g, op);
        break;
    case IR_OP_extract2:
        gen_extract2(g, op);
        break;
    case IR_OP_qemu_ld:
    case IR_OP_qemu_st:
    case IR_OP_qemu_ld128:
    case IR_OP_qemu_st128:
        gen_qemu(g, op);
        break;
    case IR_OP_call:
        gen_call(g, op);
        break;
    case IR_OP_goto_tb:
        gen_goto_tb(g, op->args[0]);
        break;
    case IR_OP_exit_tb:
        emit16(g, BC_EXIT_TB);
        emit64(g, op->args[0]);
        break;
    case IR_OP_goto_ptr: {
        uint32_t p = in_slot(g, op->args[0]);

        emit16(g, BC_GOTO_PTR);
        emit16(g, p);
        break;
    }
    default:
        g_assert_not_reached();
    }
}

static bool resolve_branches(Gen *g)
{
    for (uint32_t i = 0; i < g->nb_fixups; i++) {
        const BranchFixup *f = &g->fixups[i];
        int64_t target = g->label_off[f->label];
        int32_t rel;

        if (target < 0) {
            return false;
        }
        rel = (int32_t)(target - f->op_off);
        memcpy(g->s->code_buf + f->field_off, &rel, sizeof(rel));
    }
    return true;
}

static void gen_init(Gen *g, IRContext *s)
{
    memset(g, 0, sizeof(*g));
    g->s = s;
    g->p = s->code_ptr;
    g->limit = s->code_highwater;
    g->slot = ir_scratch(s, GEN_SCRATCH_SLOT, sizeof(uint32_t) * s->nb_temps);
    memset(g->slot, 0xff, s->nb_temps * sizeof(uint32_t));
    g->label_off = ir_scratch(s, GEN_SCRATCH_LABEL_OFF,
                              sizeof(int64_t) * (s->nb_labels + 1));
    for (uint32_t i = 0; i <= s->nb_labels; i++) {
        g->label_off[i] = -1;
    }
    g->globals = ir_scratch(s, GEN_SCRATCH_GLOBALS,
                            sizeof(IRTemp) * s->nb_globals);
    g->cached = ir_scratch(s, GEN_SCRATCH_CACHED,
                           sizeof(uint32_t) * s->nb_globals);
    g->gindex = ir_scratch(s, GEN_SCRATCH_GINDEX,
                           sizeof(uint32_t) * s->nb_globals);
    g->consts = ir_scratch(s, GEN_SCRATCH_CONSTS,
                           sizeof(uint64_t) * (s->nb_temps + 1));
}

/* insn_start: close the previous insn's range, record this one's data. */
static void gen_insn_start(Gen *g, const IROp *op, unsigned insn)
{
    IRContext *s = g->s;

    if (insn > 0) {
        s->gen_insn_end_off[insn - 1] = gen_off(g);
    }
    for (unsigned w = 0; w < IR_INSN_START_WORDS; w++) {
        s->gen_insn_data[insn][w] = op->args[w];
    }
}

/* The whole TB: 0, or -1 / -2 as gen_code returns them. */
static int gen_tb(Gen *g)
{
    IRContext *s = g->s;
    uint32_t nslots = assign_slots(g);
    unsigned insn = 0;

    if (!nslots) {
        return -2;
    }
    emit16(g, BC_TB_ENTER);
    emit16(g, nslots);
    emit16(g, g->nconsts);
    emit_bytes(g, g->consts, g->nconsts * sizeof(uint64_t));
    for (uint32_t i = 0; i < s->nb_ops && !g->overflow; i++) {
        const IROp *op = &s->ops[i];

        if (op->opc == IR_OP_insn_start) {
            if (insn >= IR_MAX_INSNS) {
                return -2;
            }
            gen_insn_start(g, op, insn++);
        } else if (op->opc != IR_OP_nop && op->opc != IR_OP_discard) {
            gen_one(g, op);
        }
    }
    if (g->overflow) {
        return -1;
    }
    if (insn > 0) {
        s->gen_insn_end_off[insn - 1] = gen_off(g);
    }
    /* A branch to a label never set is a frontend bug (see ir_verify). */
    if (!resolve_branches(g)) {
        g_assert_not_reached();
    }
    return 0;
}

int tcg_interp_gen_code(IRContext *s)
{
    Gen g;
    int ret;

    /* 16-bit units must stay aligned in both views. */
    g_assert((((uintptr_t)s->code_ptr | (uintptr_t)s->rx_diff) & 1) == 0);
    if (s->code_ptr >= s->code_highwater) {
        return -1;
    }
    gen_init(&g, s);
    ret = gen_tb(&g);
    if (ret == 0) {
        ret = (int)(g.p - s->code_ptr);
        s->code_ptr = g.p;
    }
    return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IR optimizer: one forward pass over a TB that folds constants,
 * propagates copies, simplifies algebra, folds branches and removes
 * unreachable code.  Dead results are left to tcg/liveness.c.
 *
 * The pass walks the ops in order, keeping for every temp what it knows
 * about the value the temp holds right now (OptTemp).  Each op first has
 * its inputs replaced by the best known equivalent (a constant temp or a
 * copy), then goes to its fold function, which either rewrites it
 * (into mov, br, nop or a cheaper op) or tells the driver what it learnt
 * about the result.
 *
 * Rules.  Every fold relies on these; a change that breaks one is a bug.
 *
 *  1. Semantics are ir.h's, bit for bit.  An op is only replaced by ops
 *     that produce the same outputs for every input, including the odd
 *     cases (x / 0 == 0, x % 0 == x, INT_MIN / -1, counts mod width).
 *  2. Knowledge about a temp holds on every path that reaches the
 *     current op.  It is: "is the constant val", "bits clear in z_mask
 *     are zero", and "holds the same value as every temp in its copy
 *     ring".  Bits set in z_mask promise nothing.
 *  3. Values and masks are normalised to the op's width: for i32 they
 *     live in the low 32 bits and the upper 32 are zero.  Constant temps
 *     store i32 values sign-extended; we normalise on reading and
 *     sign-extend again when asking ir_const() for a temp.
 *  4. Writing a temp (any output, or discard) drops what is known about
 *     it and takes it out of its ring, after the op's inputs were read.
 *     The rest of the ring still holds the old value and stays a ring.
 *  5. Knowledge flows along fall-through only.  A set_label that some
 *     branch still targets forgets everything (a new generation).  A
 *     label no branch targets is plain fall-through: it forgets nothing
 *     and is removed.  Fall-through past a brcond keeps everything: it is
 *     the only way in.
 *  6. Globals also change behind the IR's back: a call without
 *     IR_CALL_NO_WRITE_GLOBALS forgets every global, and a host st
 *     forgets the globals it may overlap (all of them unless its base is
 *     env).  Guest memory (qemu_st) never aliases the CPU state.
 *  7. An input is replaced by a constant temp when its value is known,
 *     else by the best member of its ring (fixed > global > normal), so
 *     that the copies made by movs die early.  Constant temps are never
 *     put in a ring: "is constant" already says everything.
 *  8. Ops are only rewritten into ops of IR_OPS that every backend has
 *     (mov, not, neg, xor, extract, br, nop); a two-output op that folds
 *     to constants becomes two movs (one inserted before it).
 *  9. Ops with side effects are kept: st, qemu_ld/st (may fault), calls,
 *     mb, goto_tb, exit_tb, goto_ptr, insn_start and targeted labels.
 *     Nothing is evaluated by running a helper or a load.
 * 10. Code after br, exit_tb or goto_ptr up to the next label that is
 *     still a branch target never runs and is removed, except insn_start
 *     (its position numbers the guest insns for state restore).
 * 11. label_refs[l] counts the br/brcond ops that target l.  It only
 *     goes down, when such a branch is removed, so a zero is final.
 * 12. A fold function returns true when it has finished the op (rewrote
 *     it and recorded its outputs).  Otherwise the driver forgets the
 *     outputs and records ctx->z_mask for output 0.
 */

#include <string.h>

#include "kestrel/ir.h"
#include "ir-eval.h"

typedef struct OptTemp {
    uint32_t gen;       /* the fields below hold only if gen matches */
    IRTemp prev, next;  /* ring of temps known to hold the same value */
    bool is_const;
    uint64_t val;       /* if is_const: the value (rule 3) */
    uint64_t z_mask;    /* bits that may be one (rule 2) */
} OptTemp;

typedef struct OptContext {
    IRContext *s;
    OptTemp *temps;      /* per temp existing at the start of the pass */
    uint32_t nb_temps;   /* later temps are all constants (rule 7) */
    uint32_t gen;        /* bumped to forget everything at once */
    uint32_t *label_refs;/* rule 11 */
    uint32_t idx;        /* index of the op being folded */
    int64_t pending_br;  /* the br that started dead code, or -1 */
    bool dead;           /* in unreachable code (rule 10) */
    uint64_t z_mask;     /* result for output 0, see rule 12 */
} OptContext;

/* ------------------------------------------------------------------ */
/* Values                                                              */

static unsigned type_bits(IRType t)
{
    return t == IR_I32 ? 32 : 64;
}

static uint64_t type_mask(IRType t)
{
    return t == IR_I32 ? UINT32_MAX : UINT64_MAX;
}

static uint64_t low_mask(unsigned len)
{
    return len >= 64 ? UINT64_MAX : (UINT64_C(1) << len) - 1;
}

static uint64_t sext(uint64_t v, unsigned bits)
{
    return ir_eval_sext(v, bits);
}

/* Every bit at or below the highest set bit of m. */
static uint64_t smear_right(uint64_t m)
{
    return m ? low_mask(64 - __builtin_clzll(m)) : 0;
}

/* ------------------------------------------------------------------ */
/* What is known about temps                                           */

static IRType temp_type(OptContext *ctx, IRTemp t)
{
    return ir_temp_type(ctx->s, t);
}

static OptTemp *ti(OptContext *ctx, IRTemp t)
{
    OptTemp *i;

    g_assert(t < ctx->nb_temps && !ir_temp_is_const(ctx->s, t));
    i = &ctx->temps[t];
    if (i->gen != ctx->gen) {
        i->gen = ctx->gen;
        i->prev = i->next = t;
        i->is_const = false;
        i->val = 0;
        i->z_mask = type_mask(temp_type(ctx, t));
    }
    return i;
}

static bool arg_is_const(OptContext *ctx, IRTemp t)
{
    return ir_temp_is_const(ctx->s, t) || ti(ctx, t)->is_const;
}

/* Only meaningful when arg_is_const(). */
static uint64_t arg_val(OptContext *ctx, IRTemp t)
{
    if (ir_temp_is_const(ctx->s, t)) {
        return (uint64_t)ir_temp(ctx->s, t)->val &
               type_mask(temp_type(ctx, t));
    }
    return ti(ctx, t)->val;
}

static bool arg_is_const_val(OptContext *ctx, IRTemp t, uint64_t v)
{
    return arg_is_const(ctx, t) &&
           arg_val(ctx, t) == (v & type_mask(temp_type(ctx, t)));
}

static uint64_t arg_z_mask(OptContext *ctx, IRTemp t)
{
    if (ir_temp_is_const(ctx->s, t)) {
        return arg_val(ctx, t);
    }
    return ti(ctx, t)->z_mask;
}

static IRTemp make_const(OptContext *ctx, IRType type, uint64_t v)
{
    int64_t sv = type == IR_I32 ? (int64_t)(int32_t)v : (int64_t)v;

    return ir_const(ctx->s, type, sv);
}

/* Rule 4: t is about to be written. */
static void forget_temp(OptContext *ctx, IRTemp t)
{
    OptTemp *i = ti(ctx, t);

    ti(ctx, i->prev)->next = i->next;
    ti(ctx, i->next)->prev = i->prev;
    i->prev = i->next = t;
    i->is_const = false;
    i->z_mask = type_mask(temp_type(ctx, t));
}

/* Rule 6: forget globals overlapping [lo, hi) of the CPU state. */
static void forget_globals(OptContext *ctx, int64_t lo, int64_t hi)
{
    IRContext *s = ctx->s;

    for (IRTemp t = 0; t < s->nb_globals; t++) {
        IRTempDesc *d = ir_temp(s, t);
        int64_t size = type_bits(d->type) / 8;

        if (d->kind == IR_TEMP_GLOBAL && d->mem_offset < hi &&
            d->mem_offset + size > lo) {
            forget_temp(ctx, t);
        }
    }
}

static bool temps_in_ring(OptContext *ctx, IRTemp a, IRTemp b)
{
    for (IRTemp j = ti(ctx, a)->next; j != a; j = ti(ctx, j)->next) {
        if (j == b) {
            return true;
        }
    }
    return false;
}

/* a and b are known to hold the same value. */
static bool temps_same(OptContext *ctx, IRTemp a, IRTemp b)
{
    if (a == b) {
        return true;
    }
    if (arg_is_const(ctx, a) || arg_is_const(ctx, b)) {
        return arg_is_const(ctx, a) && arg_is_const(ctx, b) &&
               arg_val(ctx, a) == arg_val(ctx, b);
    }
    return temps_in_ring(ctx, a, b);
}

/* Rule 7: the temp to read instead of t. */
static IRTemp canon_arg(OptContext *ctx, IRTemp t)
{
    IRContext *s = ctx->s;
    IRTemp best = t;
    OptTemp *i;

    if (ir_temp_is_const(s, t)) {
        return t;
    }
    i = ti(ctx, t);
    if (i->is_const) {
        return make_const(ctx, temp_type(ctx, t), i->val);
    }
    for (IRTemp j = i->next; j != t; j = ti(ctx, j)->next) {
        if (ir_temp(s, j)->kind > ir_temp(s, best)->kind) {
            best = j;
        }
    }
    return best;
}

/* ------------------------------------------------------------------ */
/* Rewriting ops                                                       */

static void op_reshape(IROp *op, IROpcode opc, IRType type)
{
    const IROpDef *def = &ir_op_defs[opc];

    op->opc = opc;
    op->type = type;
    op->nb_oargs = def->nb_oargs;
    op->nb_iargs = def->nb_iargs;
    op->nb_cargs = def->nb_cargs;
}

static void remove_op(OptContext *ctx)
{
    ir_op_remove(ctx->s, ctx->idx);
}

static IRType op_type(IROp *op)
{
    return (IRType)op->type;
}

static unsigned op_bits(IROp *op)
{
    return type_bits(op_type(op));
}

static bool fold_mov(OptContext *ctx, IROp *op)
{
    IRTemp d = op->args[0], a = op->args[1];
    OptTemp *di, *ai;

    if (temps_same(ctx, d, a)) {
        remove_op(ctx);
        return true;
    }
    forget_temp(ctx, d);
    di = ti(ctx, d);
    if (arg_is_const(ctx, a)) {
        di->is_const = true;
        di->val = arg_val(ctx, a);
        di->z_mask = di->val;
        return true;
    }
    ai = ti(ctx, a);
    di->z_mask = ai->z_mask;
    di->prev = a;
    di->next = ai->next;
    ti(ctx, ai->next)->prev = d;
    ai->next = d;
    return true;
}

/* Turn the op into "mov args[0], src". */
static bool fold_to_copy(OptContext *ctx, IROp *op, IRTemp src)
{
    op_reshape(op, IR_OP_mov, temp_type(ctx, op->args[0]));
    op->args[1] = src;
    return fold_mov(ctx, op);
}

static bool fold_to_const(OptContext *ctx, IROp *op, uint64_t v)
{
    IRType t = temp_type(ctx, op->args[0]);

    return fold_to_copy(ctx, op, make_const(ctx, t, v));
}

static void finish_op(OptContext *ctx, IROp *op);

/* Turn the op into "not/neg args[0], a" (a is not constant). */
static bool fold_to_unary(OptContext *ctx, IROp *op, IROpcode opc,
                          IRTemp a)
{
    op_reshape(op, opc, op_type(op));
    op->args[1] = a;
    ctx->z_mask = UINT64_MAX;
    finish_op(ctx, op);
    return true;
}

/* Two-output ops: insert "mov rl, lo" before, then "mov rh, hi". */
static bool fold_to_const2(OptContext *ctx, IROp *op, uint64_t lo,
                           uint64_t hi)
{
    IRType t = op_type(op);
    IRTemp rl = op->args[0], rh = op->args[1];
    IRTemp cl = make_const(ctx, t, lo), ch = make_const(ctx, t, hi);
    IROp *mv = ir_insert_before(ctx->s, ctx->idx, IR_OP_mov, t, 2);

    op_reshape(mv, IR_OP_mov, t);
    mv->args[0] = rl;
    mv->args[1] = cl;
    fold_mov(ctx, mv);
    ctx->idx++;
    op = &ctx->s->ops[ctx->idx];
    op_reshape(op, IR_OP_mov, t);
    op->args[0] = rh;
    op->args[1] = ch;
    return fold_mov(ctx, op);
}

/* Record the result's possibly-one bits; a zero mask means constant 0. */
static bool fold_masks(OptContext *ctx, IROp *op, uint64_t z)
{
    z &= type_mask(temp_type(ctx, op->args[0]));
    if (z == 0) {
        return fold_to_const(ctx, op, 0);
    }
    ctx->z_mask = z;
    return false;
}

/* ------------------------------------------------------------------ */
/* Constant evaluation (pure functions of normalised values)           */

static uint64_t eval_div(IROpcode opc, unsigned w, uint64_t a, uint64_t b)
{
    switch (opc) {
    case IR_OP_divu:
        return ir_eval_divu(a, b);
    case IR_OP_remu:
        return ir_eval_remu(a, b);
    case IR_OP_divs:
        return w == 32 ? ir_eval_divs32(a, b) : ir_eval_divs64(a, b);
    default:
        return w == 32 ? ir_eval_rems32(a, b) : ir_eval_rems64(a, b);
    }
}

static uint64_t eval_shift(IROpcode opc, unsigned w, uint64_t a,
                           uint64_t b)
{
    unsigned c = b & (w - 1);

    switch (opc) {
    case IR_OP_shl:
        return a << c;
    case IR_OP_shr:
        return a >> c;
    case IR_OP_sar:
        return (uint64_t)((int64_t)sext(a, w) >> c);
    default:
        /* rotr by c is rotl by -c */
        c = opc == IR_OP_rotl ? c : -c;
        return w == 32 ? ir_eval_rotl32(a, c) : ir_eval_rotl64(a, c);
    }
}

static uint64_t eval_count(IROpcode opc, unsigned w, uint64_t a,
                           uint64_t b)
{
    if (a == 0) {
        return b;
    }
    if (opc == IR_OP_clz) {
        return __builtin_clzll(a) - (64 - w);
    }
    return __builtin_ctzll(a);
}

/* Binary ops of one type; a and b normalised; result normalised. */
static uint64_t eval_binary(IROpcode opc, unsigned w, uint64_t a,
                            uint64_t b)
{
    uint64_t r;

    switch (opc) {
    case IR_OP_add: r = a + b; break;
    case IR_OP_sub: r = a - b; break;
    case IR_OP_mul: r = a * b; break;
    case IR_OP_and: r = a & b; break;
    case IR_OP_or: r = a | b; break;
    case IR_OP_xor: r = a ^ b; break;
    case IR_OP_andc: r = a & ~b; break;
    case IR_OP_orc: r = a | ~b; break;
    case IR_OP_eqv: r = ~(a ^ b); break;
    case IR_OP_nand: r = ~(a & b); break;
    case IR_OP_nor: r = ~(a | b); break;
    case IR_OP_divs: case IR_OP_divu: case IR_OP_rems: case IR_OP_remu:
        r = eval_div(opc, w, a, b);
        break;
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar:
    case IR_OP_rotl: case IR_OP_rotr:
        r = eval_shift(opc, w, a, b);
        break;
    case IR_OP_clz: case IR_OP_ctz:
        r = eval_count(opc, w, a, b);
        break;
    default:
        g_assert_not_reached();
    }
    return r & low_mask(w);
}

static uint64_t eval_unary(IROpcode opc, unsigned w, uint64_t a)
{
    uint64_t r;

    switch (opc) {
    case IR_OP_not: r = ~a; break;
    case IR_OP_neg: r = -a; break;
    case IR_OP_ext8s: r = sext(a, 8); break;
    case IR_OP_ext8u: r = a & 0xff; break;
    case IR_OP_ext16s: r = sext(a, 16); break;
    case IR_OP_ext16u: r = a & 0xffff; break;
    case IR_OP_ext32s: r = sext(a, 32); break;
    case IR_OP_ext32u: r = a & UINT32_MAX; break;
    case IR_OP_bswap16: r = ir_eval_bswap16(a); break;
    case IR_OP_bswap32: r = __builtin_bswap32((uint32_t)a); break;
    case IR_OP_bswap64: r = __builtin_bswap64(a); break;
    case IR_OP_ctpop: r = __builtin_popcountll(a); break;
    default:
        g_assert_not_reached();
    }
    return r & low_mask(w);
}

/* ------------------------------------------------------------------ */
/* Conditions                                                          */

/* Conditions on a value against 0 that its z_mask alone decides. */
static int decide_cond_zero(IRCond c, uint64_t za, unsigned w)
{
    bool nonneg = !(za >> (w - 1) & 1);

    switch (c) {
    case IR_COND_LTU: return 0;
    case IR_COND_GEU: return 1;
    case IR_COND_LT: return nonneg ? 0 : -1;
    case IR_COND_GE: return nonneg ? 1 : -1;
    default: return -1;
    }
}

/* 1 if (a c b) always holds, 0 if never, -1 if unknown. */
static int decide_cond(OptContext *ctx, IRCond c, IRTemp a, IRTemp b)
{
    unsigned w = type_bits(temp_type(ctx, a));

    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        return c == IR_COND_ALWAYS;
    }
    if (arg_is_const(ctx, a) && arg_is_const(ctx, b)) {
        return ir_cond_eval(c, temp_type(ctx, a), arg_val(ctx, a),
                            arg_val(ctx, b));
    }
    if (temps_same(ctx, a, b)) {
        return ir_cond_eval(c, temp_type(ctx, a), 0, 0);
    }
    if (arg_is_const_val(ctx, b, 0)) {
        return decide_cond_zero(c, arg_z_mask(ctx, a), w);
    }
    return -1;
}

/* Put a constant operand second, as backends prefer; returns the cond. */
static IRCond canon_cond(OptContext *ctx, IROp *op, unsigned ia,
                         unsigned ic)
{
    IRCond c = (IRCond)op->args[ic];
    IRTemp a = op->args[ia], b = op->args[ia + 1];

    if (arg_is_const(ctx, a) && !arg_is_const(ctx, b)) {
        op->args[ia] = b;
        op->args[ia + 1] = a;
        c = ir_cond_swap(c);
        op->args[ic] = c;
    }
    return c;
}

/* ------------------------------------------------------------------ */
/* Shared fold steps: each returns true if it finished the op          */

static bool fold_const1(OptContext *ctx, IROp *op)
{
    IRTemp a = op->args[1];

    if (arg_is_const(ctx, a)) {
        return fold_to_const(ctx, op, eval_unary(op->opc, op_bits(op),
                                                 arg_val(ctx, a)));
    }
    return false;
}

static bool fold_const2(OptContext *ctx, IROp *op)
{
    IRTemp a = op->args[1], b = op->args[2];

    if (arg_is_const(ctx, a) && arg_is_const(ctx, b)) {
        return fold_to_const(ctx, op,
                             eval_binary(op->opc, op_bits(op),
                                         arg_val(ctx, a), arg_val(ctx, b)));
    }
    return false;
}

/* Commutative ops: constant second.  Never finishes the op. */
static bool swap_commutative(OptContext *ctx, IROp *op)
{
    IRTemp a = op->args[1];

    if (arg_is_const(ctx, a) && !arg_is_const(ctx, op->args[2])) {
        op->args[1] = op->args[2];
        op->args[2] = a;
    }
    return false;
}

/* op x, i -> x */
static bool fold_xi_to_x(OptContext *ctx, IROp *op, uint64_t i)
{
    if (arg_is_const_val(ctx, op->args[2], i)) {
        return fold_to_copy(ctx, op, op->args[1]);
    }
    return false;
}

/* op x, i -> i */
static bool fold_xi_to_i(OptContext *ctx, IROp *op, uint64_t i)
{
    if (arg_is_const_val(ctx, op->args[2], i)) {
        return fold_to_const(ctx, op, i);
    }
    return false;
}

/* op x, i -> r */
static bool fold_xi_to_c(OptContext *ctx, IROp *op, uint64_t i,
                         uint64_t r)
{
    if (arg_is_const_val(ctx, op->args[2], i)) {
        return fold_to_const(ctx, op, r);
    }
    return false;
}

/* op x, i -> not x (or neg x) */
static bool fold_xi_to_unary(OptContext *ctx, IROp *op, uint64_t i,
                             IROpcode opc)
{
    if (arg_is_const_val(ctx, op->args[2], i)) {
        return fold_to_unary(ctx, op, opc, op->args[1]);
    }
    return false;
}

/* op x, x -> i */
static bool fold_xx_to_i(OptContext *ctx, IROp *op, uint64_t i)
{
    if (temps_same(ctx, op->args[1], op->args[2])) {
        return fold_to_const(ctx, op, i);
    }
    return false;
}

/* op x, x -> x */
static bool fold_xx_to_x(OptContext *ctx, IROp *op)
{
    if (temps_same(ctx, op->args[1], op->args[2])) {
        return fold_to_copy(ctx, op, op->args[1]);
    }
    return false;
}

/* op x, x -> not x */
static bool fold_xx_to_not(OptContext *ctx, IROp *op)
{
    if (temps_same(ctx, op->args[1], op->args[2])) {
        return fold_to_unary(ctx, op, IR_OP_not, op->args[1]);
    }
    return false;
}

static uint64_t z1(OptContext *ctx, IROp *op)
{
    return arg_z_mask(ctx, op->args[1]);
}

static uint64_t z2(OptContext *ctx, IROp *op)
{
    return arg_z_mask(ctx, op->args[2]);
}

/* ------------------------------------------------------------------ */
/* Fold functions, one per op                                          */

static bool fold_add(OptContext *ctx, IROp *op)
{
    return fold_const2(ctx, op) || swap_commutative(ctx, op) ||
           fold_xi_to_x(ctx, op, 0);
}

static bool fold_sub(OptContext *ctx, IROp *op)
{
    if (fold_const2(ctx, op) || fold_xx_to_i(ctx, op, 0) ||
        fold_xi_to_x(ctx, op, 0)) {
        return true;
    }
    if (arg_is_const_val(ctx, op->args[1], 0)) {
        return fold_to_unary(ctx, op, IR_OP_neg, op->args[2]);
    }
    return false;
}

static bool fold_mul(OptContext *ctx, IROp *op)
{
    return fold_const2(ctx, op) || swap_commutative(ctx, op) ||
           fold_xi_to_i(ctx, op, 0) || fold_xi_to_x(ctx, op, 1) ||
           fold_xi_to_unary(ctx, op, -1, IR_OP_neg);
}

static bool fold_and(OptContext *ctx, IROp *op)
{
    if (fold_const2(ctx, op) || swap_commutative(ctx, op) ||
        fold_xx_to_x(ctx, op)) {
        return true;
    }
    /* The constant keeps every bit that may be set in x. */
    if (arg_is_const(ctx, op->args[2]) &&
        (z1(ctx, op) & ~arg_val(ctx, op->args[2])) == 0) {
        return fold_to_copy(ctx, op, op->args[1]);
    }
    return fold_masks(ctx, op, z1(ctx, op) & z2(ctx, op));
}

static bool fold_or(OptContext *ctx, IROp *op)
{
    return fold_const2(ctx, op) || swap_commutative(ctx, op) ||
           fold_xi_to_x(ctx, op, 0) || fold_xi_to_i(ctx, op, -1) ||
           fold_xx_to_x(ctx, op) ||
           fold_masks(ctx, op, z1(ctx, op) | z2(ctx, op));
}

static bool fold_xor(OptContext *ctx, IROp *op)
{
    return fold_const2(ctx, op) || swap_commutative(ctx, op) ||
           fold_xi_to_x(ctx, op, 0) || fold_xx_to_i(ctx, op, 0) ||
           fold_xi_to_unary(ctx, op, -1, IR_OP_not) ||
           fold_masks(ctx, op, z1(ctx, op) | z2(ctx, op));
}

static bool fold_andc(OptContext *ctx, IROp *op)
{
    uint64_t z = z1(ctx, op);

    if (fold_const2(ctx, op) || fold_xx_to_i(ctx, op, 0) ||
        fold_xi_to_x(ctx, op, 0) || fold_xi_to_c(ctx, op, -1, 0)) {
        return true;
    }
    if (arg_is_const(ctx, op->args[2])) {
        z &= ~arg_val(ctx, op->args[2]);
    }
    return fold_masks(ctx, op, z);
}

static bool fold_orc(OptContext *ctx, IROp *op)
{
    return fold_const2(ctx, op) || fold_xx_to_i(ctx, op, -1) ||
           fold_xi_to_x(ctx, op, -1) || fold_xi_to_c(ctx, op, 0, -1);
}

static bool fold_eqv(OptContext *ctx, IROp *op)
{
    return fold_const2(ctx, op) || swap_commutative(ctx, op) ||
           fold_xx_to_i(ctx, op, -1) || fold_xi_to_x(ctx, op, -1) ||
           fold_xi_to_unary(ctx, op, 0, IR_OP_not);
}

static bool fold_nand(OptContext *ctx, IROp *op)
{
    return fold_const2(ctx, op) || swap_commutative(ctx, op) ||
           fold_xx_to_not(ctx, op) || fold_xi_to_c(ctx, op, 0, -1) ||
           fold_xi_to_unary(ctx, op, -1, IR_OP_not);
}

static bool fold_nor(OptContext *ctx, IROp *op)
{
    return fold_const2(ctx, op) || swap_commutative(ctx, op) ||
           fold_xx_to_not(ctx, op) || fold_xi_to_c(ctx, op, -1, 0) ||
           fold_xi_to_unary(ctx, op, 0, IR_OP_not);
}

static bool fold_not_neg(OptContext *ctx, IROp *op)
{
    return fold_const1(ctx, op);
}

/* Mask of a shift of x (mask za) by an unknown count. */
static uint64_t shift_mask_var(IROpcode opc, unsigned w, uint64_t za)
{
    bool may_neg = za >> (w - 1) & 1;

    if (opc == IR_OP_shr || (opc == IR_OP_sar && !may_neg)) {
        return smear_right(za);
    }
    return za == 0 ? 0 : low_mask(w);
}

static bool fold_shift(OptContext *ctx, IROp *op)
{
    unsigned w = op_bits(op);
    IRTemp b = op->args[2];
    bool sign_fill = op->opc != IR_OP_shl && op->opc != IR_OP_shr;

    if (fold_const2(ctx, op)) {
        return true;
    }
    /* sar and rotations of all-ones give all-ones whatever the count. */
    if (sign_fill && arg_is_const_val(ctx, op->args[1], -1)) {
        return fold_to_const(ctx, op, -1);
    }
    if (arg_is_const(ctx, b)) {
        unsigned c = arg_val(ctx, b) & (w - 1);

        if (c == 0) {
            return fold_to_copy(ctx, op, op->args[1]);
        }
        /*
         * Shifts and rotations move each possibly-set bit to a known
         * place (sar copies the sign bit's mask).
         */
        return fold_masks(ctx, op, eval_shift(op->opc, w, z1(ctx, op), c));
    }
    return fold_masks(ctx, op, shift_mask_var(op->opc, w, z1(ctx, op)));
}

static bool fold_div(OptContext *ctx, IROp *op)
{
    if (fold_const2(ctx, op) || fold_xi_to_i(ctx, op, 0) ||
        fold_xi_to_x(ctx, op, 1)) {
        return true;
    }
    if (op->opc == IR_OP_divs) {
        /* INT_MIN / -1 is INT_MIN, which is also -INT_MIN. */
        return fold_xi_to_unary(ctx, op, -1, IR_OP_neg);
    }
    /* An unsigned quotient is at most the dividend. */
    return fold_masks(ctx, op, smear_right(z1(ctx, op)));
}

static bool fold_rem(OptContext *ctx, IROp *op)
{
    if (fold_const2(ctx, op) || fold_xi_to_x(ctx, op, 0) ||
        fold_xi_to_c(ctx, op, 1, 0)) {
        return true;
    }
    if (op->opc == IR_OP_rems) {
        return fold_xi_to_c(ctx, op, -1, 0);
    }
    /* An unsigned remainder is at most the dividend (a % 0 == a). */
    return fold_masks(ctx, op, smear_right(z1(ctx, op)));
}

static bool fold_count_zeros(OptContext *ctx, IROp *op)
{
    unsigned w = op_bits(op);

    if (fold_const2(ctx, op)) {
        return true;
    }
    if (arg_is_const(ctx, op->args[1])) {
        uint64_t a = arg_val(ctx, op->args[1]);

        if (a == 0) {
            return fold_to_copy(ctx, op, op->args[2]);
        }
        return fold_to_const(ctx, op, eval_count(op->opc, w, a, 0));
    }
    /* A count of a non-zero value is below w. */
    return fold_masks(ctx, op, (w - 1) | z2(ctx, op));
}

static bool fold_ctpop(OptContext *ctx, IROp *op)
{
    return fold_const1(ctx, op) ||
           fold_masks(ctx, op, smear_right(op_bits(op)));
}

static bool fold_bswap(OptContext *ctx, IROp *op)
{
    /* Byte swapping permutes bits, so it maps the mask too. */
    return fold_const1(ctx, op) ||
           fold_masks(ctx, op,
                      eval_unary(op->opc, op_bits(op), z1(ctx, op)));
}

/* ext8s/ext8u/ext16s/ext16u/ext32s/ext32u within one type. */
static bool fold_ext(OptContext *ctx, IROp *op)
{
    static const uint8_t bits[] = {
        [IR_OP_ext8s] = 8, [IR_OP_ext8u] = 8, [IR_OP_ext16s] = 16,
        [IR_OP_ext16u] = 16, [IR_OP_ext32s] = 32, [IR_OP_ext32u] = 32,
    };
    unsigned n = bits[op->opc];
    bool sign = op->opc == IR_OP_ext8s || op->opc == IR_OP_ext16s ||
                op->opc == IR_OP_ext32s;
    uint64_t za = z1(ctx, op);
    /* The bits that must be zero for the op to change nothing. */
    uint64_t keep = low_mask(sign ? n - 1 : n);

    if (fold_const1(ctx, op)) {
        return true;
    }
    if ((za & ~keep) == 0) {
        return fold_to_copy(ctx, op, op->args[1]);
    }
    return fold_masks(ctx, op, sext(za & low_mask(n), sign ? n : 64));
}

static bool fold_ext_i32_i64(OptContext *ctx, IROp *op)
{
    IRTemp a = op->args[1];
    bool sign = op->opc == IR_OP_ext_i32_i64;
    uint64_t za = arg_z_mask(ctx, a);

    if (arg_is_const(ctx, a)) {
        uint64_t v = arg_val(ctx, a);

        return fold_to_const(ctx, op, sign ? sext(v, 32) : v);
    }
    return fold_masks(ctx, op, sign ? sext(za, 32) : za);
}

static bool fold_extr_i64_i32(OptContext *ctx, IROp *op)
{
    IRTemp a = op->args[1];
    unsigned sh = op->opc == IR_OP_extrh_i64_i32 ? 32 : 0;

    if (arg_is_const(ctx, a)) {
        return fold_to_const(ctx, op, arg_val(ctx, a) >> sh);
    }
    return fold_masks(ctx, op, arg_z_mask(ctx, a) >> sh);
}

/* Bits [pos, pos+len) of v, zero- or sign-extended. */
static uint64_t extract_val(uint64_t v, unsigned pos, unsigned len,
                            bool sign)
{
    uint64_t f = (v >> pos) & low_mask(len);

    return sign ? sext(f, len) : f;
}

static bool fold_extract(OptContext *ctx, IROp *op)
{
    unsigned pos = op->args[2], len = op->args[3];
    bool sign = op->opc == IR_OP_sextract;
    uint64_t za = z1(ctx, op);

    if (arg_is_const(ctx, op->args[1])) {
        return fold_to_const(ctx, op, extract_val(arg_val(ctx, op->args[1]),
                                                  pos, len, sign));
    }
    if (pos == 0 && (len == op_bits(op) ||
                     (za & ~low_mask(sign ? len - 1 : len)) == 0)) {
        return fold_to_copy(ctx, op, op->args[1]);
    }
    return fold_masks(ctx, op, extract_val(za, pos, len, sign));
}

static uint64_t deposit_val(uint64_t a, uint64_t b, unsigned pos,
                            unsigned len)
{
    return ir_eval_deposit(a, b, pos, len);
}

static bool fold_deposit(OptContext *ctx, IROp *op)
{
    IRTemp a = op->args[1], b = op->args[2];
    unsigned pos = op->args[3], len = op->args[4];

    if (arg_is_const(ctx, a) && arg_is_const(ctx, b)) {
        return fold_to_const(ctx, op, deposit_val(arg_val(ctx, a),
                                                  arg_val(ctx, b),
                                                  pos, len));
    }
    if (len == op_bits(op)) {
        return fold_to_copy(ctx, op, b);
    }
    if (pos == 0 && arg_is_const_val(ctx, a, 0)) {
        /* Depositing into zero at bit 0 is extracting the low bits. */
        op_reshape(op, IR_OP_extract, op_type(op));
        op->args[1] = b;
        op->args[2] = 0;
        op->args[3] = len;
        return fold_extract(ctx, op);
    }
    return fold_masks(ctx, op, deposit_val(z1(ctx, op), z2(ctx, op),
                                           pos, len));
}

/* Bits [pos, pos+w) of hi:lo. */
static uint64_t extract2_val(uint64_t lo, uint64_t hi, unsigned pos,
                             unsigned w)
{
    if (pos == 0) {
        return lo;
    }
    if (pos >= w) {
        return hi;
    }
    return ((lo >> pos) | (hi << (w - pos))) & low_mask(w);
}

static bool fold_extract2(OptContext *ctx, IROp *op)
{
    IRTemp lo = op->args[1], hi = op->args[2];
    unsigned pos = op->args[3], w = op_bits(op);

    if (arg_is_const(ctx, lo) && arg_is_const(ctx, hi)) {
        return fold_to_const(ctx, op, extract2_val(arg_val(ctx, lo),
                                                   arg_val(ctx, hi),
                                                   pos, w));
    }
    if (pos == 0) {
        return fold_to_copy(ctx, op, lo);
    }
    if (pos >= w) {
        return fold_to_copy(ctx, op, hi);
    }
    return fold_masks(ctx, op, extract2_val(z1(ctx, op), z2(ctx, op),
                                            pos, w));
}

/*
 * setcond/negsetcond of a value known to be 0 or 1 against 0 (a flag
 * computed earlier) is the value itself, its negation or its inverse.
 */
static bool fold_setcond_bool(OptContext *ctx, IROp *op, IRCond c)
{
    IRTemp a = op->args[1];
    bool neg = op->opc == IR_OP_negsetcond;
    bool same = c == IR_COND_NE || c == IR_COND_GTU;

    if (!arg_is_const_val(ctx, op->args[2], 0) ||
        arg_z_mask(ctx, a) != 1 || !(same || c == IR_COND_EQ ||
                                     c == IR_COND_LEU)) {
        return false;
    }
    if (!same) {
        if (neg) {
            return false;
        }
        op_reshape(op, IR_OP_xor, op_type(op));
        op->args[2] = make_const(ctx, op_type(op), 1);
        return fold_xor(ctx, op);
    }
    return neg ? fold_to_unary(ctx, op, IR_OP_neg, a)
               : fold_to_copy(ctx, op, a);
}

static bool fold_setcond(OptContext *ctx, IROp *op)
{
    IRCond c = canon_cond(ctx, op, 1, 3);
    int r = decide_cond(ctx, c, op->args[1], op->args[2]);
    bool neg = op->opc == IR_OP_negsetcond;

    if (r >= 0) {
        return fold_to_const(ctx, op, r ? (neg ? -1 : 1) : 0);
    }
    if (fold_setcond_bool(ctx, op, c)) {
        return true;
    }
    return fold_masks(ctx, op, neg ? -1 : 1);
}

static bool fold_movcond(OptContext *ctx, IROp *op)
{
    IRCond c = canon_cond(ctx, op, 1, 5);
    int r = decide_cond(ctx, c, op->args[1], op->args[2]);
    IRTemp v1 = op->args[3], v2 = op->args[4];

    if (r >= 0) {
        return fold_to_copy(ctx, op, r ? v1 : v2);
    }
    if (temps_same(ctx, v1, v2)) {
        return fold_to_copy(ctx, op, v1);
    }
    return fold_masks(ctx, op, arg_z_mask(ctx, v1) | arg_z_mask(ctx, v2));
}

static uint64_t mul2_hi(bool sign, unsigned w, uint64_t a, uint64_t b)
{
    if (w == 32) {
        uint64_t p = sign ? (uint64_t)((int64_t)sext(a, 32) *
                                       (int64_t)sext(b, 32))
                          : a * b;
        return p >> 32;
    }
    if (sign) {
        return (uint64_t)(((__int128)(int64_t)a * (int64_t)b) >> 64);
    }
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

static bool fold_mul2(OptContext *ctx, IROp *op)
{
    IRTemp a = op->args[2], b = op->args[3];
    unsigned w = op_bits(op);
    uint64_t va, vb;

    if (!arg_is_const(ctx, a) || !arg_is_const(ctx, b)) {
        return false;
    }
    va = arg_val(ctx, a);
    vb = arg_val(ctx, b);
    return fold_to_const2(ctx, op, (va * vb) & low_mask(w),
                          mul2_hi(op->opc == IR_OP_muls2, w, va, vb) &
                          low_mask(w));
}

static bool fold_addsub2(OptContext *ctx, IROp *op)
{
    unsigned w = op_bits(op);
    uint64_t v[4];
    unsigned __int128 x, y, r;

    for (unsigned i = 0; i < 4; i++) {
        if (!arg_is_const(ctx, op->args[2 + i])) {
            return false;
        }
        v[i] = arg_val(ctx, op->args[2 + i]);
    }
    x = ((unsigned __int128)v[1] << w) | v[0];
    y = ((unsigned __int128)v[3] << w) | v[2];
    r = op->opc == IR_OP_add2 ? x + y : x - y;
    return fold_to_const2(ctx, op, (uint64_t)r & low_mask(w),
                          (uint64_t)(r >> w) & low_mask(w));
}

/* Size mask of a zero-extending load into a value of width w. */
static uint64_t load_mask(MemOp mop, unsigned w)
{
    unsigned bits = memop_size(mop) * 8;

    if ((mop & MO_SIGN) || bits >= w) {
        return low_mask(w);
    }
    return low_mask(bits);
}

static bool fold_ld(OptContext *ctx, IROp *op)
{
    ctx->z_mask = load_mask((MemOp)op->args[3], op_bits(op));
    return false;
}

static bool fold_qemu_ld(OptContext *ctx, IROp *op)
{
    ctx->z_mask = load_mask(get_memop((MemOpIdx)op->args[2]),
                            op_bits(op));
    return false;
}

static bool fold_st(OptContext *ctx, IROp *op)
{
    int64_t ofs = (int64_t)op->args[2];

    if (op->args[1] == ctx->s->env) {
        forget_globals(ctx, ofs, ofs + memop_size((MemOp)op->args[3]));
    } else {
        forget_globals(ctx, INT64_MIN, INT64_MAX);
    }
    return false;
}

static bool fold_call(OptContext *ctx, IROp *op)
{
    const IRHelperInfo *info =
        (const IRHelperInfo *)(uintptr_t)op->args[op->nb_oargs +
                                                  op->nb_iargs];

    if (!(info->flags & IR_CALL_NO_WRITE_GLOBALS)) {
        forget_globals(ctx, INT64_MIN, INT64_MAX);
    }
    return false;
}

/* Rule 10: code after this op does not run until a targeted label. */
static bool start_dead_code(OptContext *ctx, int64_t pending_br)
{
    ctx->dead = true;
    ctx->pending_br = pending_br;
    return false;
}

/* The next op that emits anything, or NULL. */
static IROp *next_real_op(OptContext *ctx)
{
    IRContext *s = ctx->s;

    for (uint32_t i = ctx->idx + 1; i < s->nb_ops; i++) {
        IROpcode opc = s->ops[i].opc;

        if (opc != IR_OP_nop && opc != IR_OP_insn_start) {
            return &s->ops[i];
        }
    }
    return NULL;
}

static void remove_branch(OptContext *ctx, uint32_t idx, IRLabel l)
{
    ctx->label_refs[l]--;
    ir_op_remove(ctx->s, idx);
}

static bool fold_brcond(OptContext *ctx, IROp *op)
{
    IRCond c = canon_cond(ctx, op, 0, 2);
    IRLabel l = op->args[3];
    int r = decide_cond(ctx, c, op->args[0], op->args[1]);
    IROp *next = next_real_op(ctx);

    if (r == 0 || (next && next->opc == IR_OP_set_label &&
                   next->args[0] == l)) {
        remove_branch(ctx, ctx->idx, l);
        return true;
    }
    if (r == 1) {
        op_reshape(op, IR_OP_br, IR_I64);
        op->args[0] = l;
        return start_dead_code(ctx, ctx->idx);
    }
    return false;
}

static bool fold_set_label(OptContext *ctx, IROp *op)
{
    /*
     * Rule 5.  An untargeted label is only fall-through: drop it, so
     * that later passes do not end the basic block there either.
     */
    if (ctx->label_refs[op->args[0]] == 0) {
        remove_op(ctx);
    } else {
        ctx->gen++;
    }
    return true;
}

static bool fold_discard(OptContext *ctx, IROp *op)
{
    forget_temp(ctx, op->args[0]);
    return true;
}

/* ------------------------------------------------------------------ */
/* Driver                                                              */

static bool fold_op(OptContext *ctx, IROp *op)
{
    switch ((IROpcode)op->opc) {
    case IR_OP_mov: return fold_mov(ctx, op);
    case IR_OP_add: return fold_add(ctx, op);
    case IR_OP_sub: return fold_sub(ctx, op);
    case IR_OP_mul: return fold_mul(ctx, op);
    case IR_OP_and: return fold_and(ctx, op);
    case IR_OP_or: return fold_or(ctx, op);
    case IR_OP_xor: return fold_xor(ctx, op);
    case IR_OP_andc: return fold_andc(ctx, op);
    case IR_OP_orc: return fold_orc(ctx, op);
    case IR_OP_eqv: return fold_eqv(ctx, op);
    case IR_OP_nand: return fold_nand(ctx, op);
    case IR_OP_nor: return fold_nor(ctx, op);
    case IR_OP_not: case IR_OP_neg: return fold_not_neg(ctx, op);
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar:
    case IR_OP_rotl: case IR_OP_rotr: return fold_shift(ctx, op);
    case IR_OP_divs: case IR_OP_divu: return fold_div(ctx, op);
    case IR_OP_rems: case IR_OP_remu: return fold_rem(ctx, op);
    case IR_OP_clz: case IR_OP_ctz: return fold_count_zeros(ctx, op);
    case IR_OP_ctpop: return fold_ctpop(ctx, op);
    case IR_OP_bswap16: case IR_OP_bswap32:
    case IR_OP_bswap64: return fold_bswap(ctx, op);
    case IR_OP_ext8s: case IR_OP_ext8u: case IR_OP_ext16s:
    case IR_OP_ext16u: case IR_OP_ext32s:
    case IR_OP_ext32u: return fold_ext(ctx, op);
    case IR_OP_ext_i32_i64:
    case IR_OP_extu_i32_i64: return fold_ext_i32_i64(ctx, op);
    case IR_OP_extrl_i64_i32:
    case IR_OP_extrh_i64_i32: return fold_extr_i64_i32(ctx, op);
    case IR_OP_extract: case IR_OP_sextract: return fold_extract(ctx, op);
    case IR_OP_deposit: return fold_deposit(ctx, op);
    case IR_OP_extract2: return fold_extract2(ctx, op);
    case IR_OP_setcond:
    case IR_OP_negsetcond: return fold_setcond(ctx, op);
    case IR_OP_movcond: return fold_movcond(ctx, op);
    case IR_OP_mulu2: case IR_OP_muls2: return fold_mul2(ctx, op);
    case IR_OP_add2: case IR_OP_sub2: return fold_addsub2(ctx, op);
    case IR_OP_ld: return fold_ld(ctx, op);
    case IR_OP_qemu_ld: return fold_qemu_ld(ctx, op);
    case IR_OP_st: return fold_st(ctx, op);
    case IR_OP_call: return fold_call(ctx, op);
    case IR_OP_br: return start_dead_code(ctx, ctx->idx);
    case IR_OP_brcond: return fold_brcond(ctx, op);
    case IR_OP_exit_tb:
    case IR_OP_goto_ptr: return start_dead_code(ctx, -1);
    case IR_OP_set_label: return fold_set_label(ctx, op);
    case IR_OP_discard: return fold_discard(ctx, op);
    default:
        /* qemu_st*, qemu_ld128, mb, goto_tb, insn_start: nothing to do. */
        return false;
    }
}

/* Rule 12: the op stays; what is known about its outputs. */
static void finish_op(OptContext *ctx, IROp *op)
{
    for (unsigned i = 0; i < op->nb_oargs; i++) {
        forget_temp(ctx, op->args[i]);
    }
    if (op->nb_oargs > 0) {
        IRTemp d = op->args[0];

        ti(ctx, d)->z_mask = ctx->z_mask & type_mask(temp_type(ctx, d));
    }
}

/*
 * Rule 10, in unreachable code: returns true if the op starts live code
 * again and must be folded as usual.
 */
static bool fold_dead_op(OptContext *ctx, IROp *op)
{
    IRContext *s = ctx->s;

    switch (op->opc) {
    case IR_OP_set_label:
        if (ctx->pending_br >= 0 &&
            s->ops[ctx->pending_br].args[0] == op->args[0]) {
            /* "br L" over dead code to "L:" is a fall-through. */
            remove_branch(ctx, ctx->pending_br, op->args[0]);
        } else if (ctx->label_refs[op->args[0]] == 0) {
            break;
        }
        ctx->dead = false;
        ctx->pending_br = -1;
        return true;
    case IR_OP_insn_start:
    case IR_OP_nop:
        return false;
    case IR_OP_br:
        ctx->label_refs[op->args[0]]--;
        break;
    case IR_OP_brcond:
        ctx->label_refs[op->args[3]]--;
        break;
    }
    remove_op(ctx);
    return false;
}

static void optimize_op(OptContext *ctx)
{
    IROp *op = &ctx->s->ops[ctx->idx];
    unsigned nin = op->nb_oargs + op->nb_iargs;

    if (op->opc == IR_OP_nop) {
        return;
    }
    if (ctx->dead && !fold_dead_op(ctx, op)) {
        return;
    }
    for (unsigned i = op->nb_oargs; i < nin; i++) {
        op->args[i] = canon_arg(ctx, op->args[i]);
    }
    ctx->z_mask = UINT64_MAX;
    if (!fold_op(ctx, op)) {
        /* A fold may have inserted ops before this one. */
        finish_op(ctx, &ctx->s->ops[ctx->idx]);
    }
}

static void count_label_refs(OptContext *ctx)
{
    IRContext *s = ctx->s;

    for (uint32_t i = 0; i < s->nb_ops; i++) {
        IROp *op = &s->ops[i];

        if (op->opc == IR_OP_br) {
            ctx->label_refs[op->args[0]]++;
        } else if (op->opc == IR_OP_brcond) {
            ctx->label_refs[op->args[3]]++;
        }
    }
}

/*
 * One linear scan of reachability: code is live from the TB entry, after
 * a label some live branch targets, and after a brcond; br, exit_tb and
 * goto_ptr end it.  Returns true if a label became reachable behind the
 * scan (a backward branch), which needs another scan.
 */
static bool scan_reachable(IRContext *s, bool *reached)
{
    bool live = true, again = false;

    for (uint32_t i = 0; i < s->nb_ops; i++) {
        IROp *op = &s->ops[i];
        IRLabel l;

        if (op->opc == IR_OP_set_label) {
            live = live || reached[op->args[0]];
            continue;
        }
        if (!live) {
            continue;
        }
        switch (op->opc) {
        case IR_OP_br:
        case IR_OP_brcond:
            l = op->args[op->opc == IR_OP_br ? 0 : 3];
            if (!reached[l]) {
                reached[l] = true;
                /* A label already passed while dead needs a rescan. */
                for (uint32_t j = 0; j < i && !again; j++) {
                    again = s->ops[j].opc == IR_OP_set_label &&
                            s->ops[j].args[0] == l;
                }
            }
            live = op->opc == IR_OP_brcond;
            break;
        case IR_OP_exit_tb:
        case IR_OP_goto_ptr:
            live = false;
            break;
        default:
            break;
        }
    }
    return again;
}

/*
 * Rule 10 across labels: a block no live path reaches (for example a
 * loop left behind when the branch into it folded away) is removed
 * whole, so no later pass sees a read of a temp whose write was removed.
 */
static void remove_unreachable(IRContext *s)
{
    bool *reached = ir_scratch0(s, IR_SCRATCH_OPT_REACHED,
                                s->nb_labels + 1);
    bool live = true;

    while (scan_reachable(s, reached)) {
        /* iterate to the fixpoint */
    }
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        IROp *op = &s->ops[i];

        if (op->opc == IR_OP_set_label) {
            live = live || reached[op->args[0]];
        }
        if (!live && op->opc != IR_OP_insn_start) {
            ir_op_remove(s, i);
            continue;
        }
        if (op->opc == IR_OP_br || op->opc == IR_OP_exit_tb ||
            op->opc == IR_OP_goto_ptr) {
            live = false;
        }
    }
}

void ir_optimize(IRContext *s)
{
    OptContext ctx = {
        .s = s,
        .nb_temps = s->nb_temps,
        .gen = 1,
        .pending_br = -1,
    };

    ctx.temps = ir_scratch0(s, IR_SCRATCH_OPT_TEMPS,
                            sizeof(OptTemp) * s->nb_temps);
    ctx.label_refs = ir_scratch0(s, IR_SCRATCH_OPT_LABEL_REFS,
                                 sizeof(uint32_t) * (s->nb_labels + 1));
    count_label_refs(&ctx);
    for (ctx.idx = 0; ctx.idx < s->nb_ops; ctx.idx++) {
        optimize_op(&ctx);
    }
    remove_unreachable(s);
}

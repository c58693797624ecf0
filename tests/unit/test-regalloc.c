/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Register pressure: random programs with more live values than the host
 * has registers (40 to over 100 temps live at once, all combined at the
 * end), across helper calls that clobber every caller-saved register and
 * across forward branches, heavy on ops with fixed-register needs on
 * x86-64 (division, double-width multiply, variable shifts); and
 * globals-heavy programs (32 i64 and 16 i32 globals all modified, with
 * calls that read and write them).
 *
 * Every program is described once (a list of PrOp) and from that both
 * emitted as IR and evaluated by a small C evaluator built on the
 * reference semantics in harness.h.  The evaluator's result is the
 * reference; the interpreter, the JIT and the baseline JIT, unoptimized
 * and optimized, must all match it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* ------------------------------------------------------------------ */
/* Program description                                                 */

enum { PV_TEMP, PV_GLOBAL, PV_CONST, PV_ENV };

typedef struct PrVal {
    uint8_t kind;       /* PV_* */
    uint8_t type;       /* IRType */
    uint32_t idx;       /* temp number or global slot */
    uint64_t val;       /* PV_CONST */
} PrVal;

typedef struct PrOp {
    IROpcode opc;
    IRType type;
    uint8_t nout, nin, ncarg;
    PrVal o[2], i[IR_MAX_HELPER_ARGS];
    uint64_t c[3];
    int helper;         /* call: index into rhelpers */
} PrOp;

#define MAX_PROPS 400
#define MAX_PTEMPS 256
#define OUT_R 40            /* r40..r47, w40..w47: outputs */

typedef struct Prog {
    unsigned nops, ntemps, nlabels;
    PrOp ops[MAX_PROPS];
    uint8_t temp_type[MAX_PTEMPS];
} Prog;

/* ------------------------------------------------------------------ */
/* Helpers the programs call                                           */

static uint64_t rh_mix3(uint64_t a, uint64_t b, uint32_t c)
{
    h_trash_caller_saved();
    return a * 31 + (b ^ c);
}

static uint32_t rh_mix7(uint32_t a, uint64_t b, uint32_t c, uint64_t d,
                        uint64_t e, uint32_t f, uint64_t g)
{
    h_trash_caller_saved();
    return (uint32_t)(a ^ (b * 3) ^ ((uint64_t)c * 5) ^ (d * 7) ^ (e * 11) ^
                      ((uint64_t)f * 13) ^ (g * 17));
}

/* Reads every global the programs use and writes two of them. */
static void rh_glob(void *env)
{
    TestEnv *e = env;
    uint64_t sum = 0;

    for (int i = 0; i < 32; i++) {
        sum = sum * 131 + e->r[i];
    }
    for (int i = 0; i < 16; i++) {
        sum = sum * 7 + e->w[i];
    }
    e->r[sum % 32] = sum;
    e->w[(sum >> 11) % 16] ^= (uint32_t)(sum >> 20);
    h_trash_caller_saved();
}

static uint64_t rh_glob_ret(void *env, uint64_t x)
{
    TestEnv *e = env;

    e->r[x % 32] += x;
    h_trash_caller_saved();
    return e->r[(x >> 5) % 32];
}

static uint64_t call_mix3(const uint64_t *a)
{
    return rh_mix3(a[0], a[1], (uint32_t)a[2]);
}

static uint64_t call_mix7(const uint64_t *a)
{
    return rh_mix7((uint32_t)a[0], a[1], (uint32_t)a[2], a[3], a[4],
                   (uint32_t)a[5], a[6]);
}

static uint64_t call_glob(const uint64_t *a)
{
    rh_glob((void *)(uintptr_t)a[0]);
    return 0;
}

static uint64_t call_glob_ret(const uint64_t *a)
{
    return rh_glob_ret((void *)(uintptr_t)a[0], a[1]);
}

typedef struct RHelper {
    IRHelperInfo info;
    uint64_t (*call)(const uint64_t *args);
    bool uses_env;      /* argument 0 is env */
} RHelper;

static const RHelper rhelpers[] = {
    { { rh_mix3, "mix3", IR_CALL_PURE, 3, IR_I64,
        { IR_I64, IR_I64, IR_I32 } }, call_mix3, false },
    { { rh_mix7, "mix7", IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
        7, IR_I32, { IR_I32, IR_I64, IR_I32, IR_I64, IR_I64, IR_I32,
                     IR_I64 } }, call_mix7, false },
    { { rh_glob, "glob", 0, 1, IR_VOID, { IR_I64 } }, call_glob, true },
    { { rh_glob_ret, "glob_ret", 0, 2, IR_I64, { IR_I64, IR_I64 } },
      call_glob_ret, true },
};

/* ------------------------------------------------------------------ */
/* Emitting a program as IR                                            */

typedef struct EmitCtx {
    const Prog *p;
    IRTemp temps[MAX_PTEMPS];
    IRLabel labels[MAX_PROPS];
} EmitCtx;

static IRTemp emit_val(IRContext *s, EmitCtx *e, const PrVal *v)
{
    switch (v->kind) {
    case PV_TEMP:
        return e->temps[v->idx];
    case PV_GLOBAL:
        return h_global((IRType)v->type, v->idx);
    case PV_CONST:
        return ir_const(s, (IRType)v->type, (int64_t)v->val);
    default:
        return s->env;
    }
}

static void build_prog(IRContext *s, void *opaque)
{
    static EmitCtx e;
    const Prog *p = opaque;

    e.p = p;
    for (unsigned i = 0; i < p->ntemps; i++) {
        e.temps[i] = ir_temp_new(s, (IRType)p->temp_type[i]);
    }
    for (unsigned i = 0; i < p->nlabels; i++) {
        e.labels[i] = ir_label_new(s);
    }
    for (unsigned k = 0; k < p->nops; k++) {
        const PrOp *op = &p->ops[k];
        uint64_t args[IR_MAX_ARGS];
        IRTemp cargs[IR_MAX_HELPER_ARGS];
        unsigned n = 0;

        switch (op->opc) {
        case IR_OP_set_label:
            ir_set_label(s, e.labels[op->c[0]]);
            continue;
        case IR_OP_brcond:
            ir_brcond(s, (IRCond)op->c[0], emit_val(s, &e, &op->i[0]),
                      emit_val(s, &e, &op->i[1]), e.labels[op->c[1]]);
            continue;
        case IR_OP_call:
            for (unsigned j = 0; j < op->nin; j++) {
                cargs[j] = emit_val(s, &e, &op->i[j]);
            }
            ir_call(s, &rhelpers[op->helper].info,
                    op->nout ? emit_val(s, &e, &op->o[0]) : 0, cargs);
            continue;
        case IR_OP_ld:
        case IR_OP_st:
            args[n++] = emit_val(s, &e, op->nout ? &op->o[0] : &op->i[0]);
            args[n++] = s->env;
            args[n++] = op->c[0];
            args[n++] = op->c[1];
            ir_emit(s, op->opc, op->type, args);
            continue;
        default:
            break;
        }
        for (unsigned j = 0; j < op->nout; j++) {
            args[n++] = emit_val(s, &e, &op->o[j]);
        }
        for (unsigned j = 0; j < op->nin; j++) {
            args[n++] = emit_val(s, &e, &op->i[j]);
        }
        for (unsigned j = 0; j < op->ncarg; j++) {
            args[n++] = op->c[j];
        }
        ir_emit(s, op->opc, op->type, args);
    }
}

/* ------------------------------------------------------------------ */
/* The C evaluator (the reference)                                     */

typedef struct EvalCtx {
    TestEnv *env;
    uint64_t temps[MAX_PTEMPS];
} EvalCtx;

static uint64_t eval_val(EvalCtx *x, const PrVal *v)
{
    switch (v->kind) {
    case PV_TEMP:
        return x->temps[v->idx];
    case PV_GLOBAL:
        return h_env_get(x->env, (IRType)v->type, v->idx);
    case PV_CONST:
        return v->val & h_mask((IRType)v->type);
    default:
        return (uintptr_t)x->env;
    }
}

static void eval_set(EvalCtx *x, const PrVal *v, uint64_t val)
{
    val &= h_mask((IRType)v->type);
    if (v->kind == PV_TEMP) {
        x->temps[v->idx] = val;
    } else {
        h_env_set(x->env, (IRType)v->type, v->idx, val);
    }
}

static void eval_prog(const Prog *p, TestEnv *env)
{
    static EvalCtx x;
    uint32_t label_at[MAX_PROPS];

    x.env = env;
    for (unsigned k = 0; k < p->nops; k++) {
        if (p->ops[k].opc == IR_OP_set_label) {
            label_at[p->ops[k].c[0]] = k;
        }
    }
    for (unsigned k = 0; k < p->nops; k++) {
        const PrOp *op = &p->ops[k];
        uint64_t in[IR_MAX_HELPER_ARGS], out[2];
        uint8_t *mem;
        unsigned size;

        for (unsigned j = 0; j < op->nin; j++) {
            in[j] = eval_val(&x, &op->i[j]);
        }
        switch (op->opc) {
        case IR_OP_set_label:
            continue;
        case IR_OP_brcond:
            if (h_ref_cond((IRCond)op->c[0], op->type, in[0], in[1])) {
                k = label_at[op->c[1]];
            }
            continue;
        case IR_OP_call:
            out[0] = rhelpers[op->helper].call(in);
            if (op->nout) {
                eval_set(&x, &op->o[0], out[0]);
            }
            continue;
        case IR_OP_ld:
        case IR_OP_st:
            mem = (uint8_t *)env + op->c[0];
            size = memop_size((MemOp)op->c[1]);
            if (op->opc == IR_OP_st) {
                for (unsigned b = 0; b < size; b++) {
                    mem[b] = (uint8_t)(in[0] >> (8 * b));
                }
            } else {
                uint64_t v = 0;
                for (unsigned b = 0; b < size; b++) {
                    v |= (uint64_t)mem[b] << (8 * b);
                }
                if (op->c[1] & MO_SIGN) {
                    v = h_sext(v, 8 * size);
                }
                eval_set(&x, &op->o[0], v);
            }
            continue;
        default:
            break;
        }
        h_ref_op(op->opc, op->type, in, op->c, out);
        for (unsigned j = 0; j < op->nout; j++) {
            eval_set(&x, &op->o[j], out[j]);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Random program generator                                            */

typedef struct GenParams {
    unsigned min_ops, max_ops;
    unsigned p_call;        /* per mille */
    unsigned p_branch;
    unsigned p_overwrite;   /* write an existing temp instead of a new one */
    unsigned p_global_dst;  /* write a global */
    unsigned p_fixed;       /* prefer div/mul2/shift ops */
    unsigned nglobals64, nglobals32;
} GenParams;

typedef struct PGen {
    Prog *p;
    HRand r;
    const GenParams *gp;
    uint8_t defined[MAX_PTEMPS];    /* 1: holds a value on every path */
    unsigned nb_pending;
    struct {
        uint32_t label;
        uint8_t *snap;
    } pending[6];
} PGen;

static unsigned pick(PGen *g, unsigned n)
{
    return (unsigned)h_rand_below(&g->r, n);
}

static bool chance(PGen *g, unsigned per_mille)
{
    return pick(g, 1000) < per_mille;
}

static PrVal pv_const(IRType t, uint64_t v)
{
    PrVal x = { .kind = PV_CONST, .type = t, .val = v & h_mask(t) };
    return x;
}

static PrVal pv_global(IRType t, unsigned slot)
{
    PrVal x = { .kind = PV_GLOBAL, .type = t, .idx = slot };
    return x;
}

static PrVal pv_temp(PGen *g, unsigned i)
{
    PrVal x = { .kind = PV_TEMP, .type = g->p->temp_type[i], .idx = i };
    return x;
}

static PrVal pv_env(void)
{
    PrVal x = { .kind = PV_ENV, .type = IR_I64 };
    return x;
}

static unsigned nglobals(PGen *g, IRType t)
{
    return t == IR_I32 ? g->gp->nglobals32 : g->gp->nglobals64;
}

/* An operand of type t: mostly a defined temp (any of them, so that all
 * stay live), sometimes a global or a constant. */
static PrVal gsrc(PGen *g, IRType t)
{
    unsigned k = pick(g, 20);

    if (k == 0) {
        return pv_const(t, h_rand_value(&g->r, t));
    }
    if (k < 4 || g->p->ntemps == 0) {
        return pv_global(t, pick(g, nglobals(g, t)));
    }
    for (int tries = 0; tries < 32; tries++) {
        unsigned i = pick(g, g->p->ntemps);
        if (g->defined[i] && g->p->temp_type[i] == t) {
            return pv_temp(g, i);
        }
    }
    return pv_global(t, pick(g, nglobals(g, t)));
}

static PrVal new_temp(PGen *g, IRType t)
{
    unsigned i = g->p->ntemps++;

    g->p->temp_type[i] = t;
    return pv_temp(g, i);
}

/* A destination of type t, not equal to avoid (for two-output ops). */
static PrVal gdst(PGen *g, IRType t, const PrVal *avoid)
{
    for (;;) {
        PrVal d;

        if (chance(g, g->gp->p_global_dst)) {
            d = pv_global(t, pick(g, nglobals(g, t)));
        } else if (chance(g, g->gp->p_overwrite) && g->p->ntemps) {
            unsigned i = pick(g, g->p->ntemps);
            if (g->p->temp_type[i] != t) {
                continue;
            }
            d = pv_temp(g, i);
        } else if (g->p->ntemps < MAX_PTEMPS - 8) {
            d = new_temp(g, t);
        } else {
            d = pv_global(t, pick(g, nglobals(g, t)));
        }
        if (!avoid || d.kind != avoid->kind || d.idx != avoid->idx ||
            d.type != avoid->type) {
            return d;
        }
    }
}

static void mark(PGen *g, const PrOp *op)
{
    for (unsigned j = 0; j < op->nout; j++) {
        if (op->o[j].kind == PV_TEMP) {
            g->defined[op->o[j].idx] = 1;
        }
    }
}

static PrOp *new_op(PGen *g, IROpcode opc, IRType t)
{
    PrOp *op = &g->p->ops[g->p->nops++];
    const IROpDef *d = &ir_op_defs[opc];

    memset(op, 0, sizeof(*op));
    op->opc = opc;
    op->type = t;
    op->nout = d->nb_oargs;
    op->nin = d->nb_iargs;
    op->ncarg = d->nb_cargs;
    return op;
}

static const IROpcode fixed_ops[] = {
    IR_OP_divs, IR_OP_divu, IR_OP_rems, IR_OP_remu, IR_OP_mulu2,
    IR_OP_muls2, IR_OP_shl, IR_OP_shr, IR_OP_sar, IR_OP_rotl, IR_OP_rotr,
};
static const IROpcode plain_ops[] = {
    IR_OP_add, IR_OP_sub, IR_OP_mul, IR_OP_and, IR_OP_or, IR_OP_xor,
    IR_OP_andc, IR_OP_orc, IR_OP_eqv, IR_OP_nand, IR_OP_nor, IR_OP_clz,
    IR_OP_ctz, IR_OP_not, IR_OP_neg, IR_OP_ext8s, IR_OP_ext16u,
    IR_OP_bswap32, IR_OP_ctpop, IR_OP_mov, IR_OP_setcond,
    IR_OP_negsetcond, IR_OP_movcond, IR_OP_extract, IR_OP_sextract,
    IR_OP_deposit, IR_OP_extract2, IR_OP_add2, IR_OP_sub2,
    IR_OP_ext_i32_i64, IR_OP_extrl_i64_i32, IR_OP_extrh_i64_i32, IR_OP_ld,
    IR_OP_st,
};

static void gen_value_op(PGen *g)
{
    IRType t = pick(g, 3) ? IR_I64 : IR_I32;
    IROpcode opc;
    PrOp *op;
    unsigned w = h_bits(t);

    if (chance(g, g->gp->p_fixed)) {
        opc = fixed_ops[pick(g, G_N_ELEMENTS(fixed_ops))];
    } else {
        opc = plain_ops[pick(g, G_N_ELEMENTS(plain_ops))];
    }
    switch (opc) {
    case IR_OP_ext_i32_i64:
        op = new_op(g, opc, IR_I64);
        op->i[0] = gsrc(g, IR_I32);
        op->o[0] = gdst(g, IR_I64, NULL);
        mark(g, op);
        return;
    case IR_OP_extrl_i64_i32:
    case IR_OP_extrh_i64_i32:
        op = new_op(g, opc, IR_I32);
        op->i[0] = gsrc(g, IR_I64);
        op->o[0] = gdst(g, IR_I32, NULL);
        mark(g, op);
        return;
    case IR_OP_ld:
    case IR_OP_st: {
        unsigned sz = pick(g, t == IR_I32 ? 3 : 4);

        op = new_op(g, opc, t);
        op->c[0] = offsetof(TestEnv, scratch) + pick(g, 56);
        op->c[1] = sz | (opc == IR_OP_ld && sz < (unsigned)t + 2 &&
                         pick(g, 2) ? MO_SIGN : 0);
        if (opc == IR_OP_st) {
            op->nout = 0;
            op->nin = 1;
            op->i[0] = gsrc(g, t);
        } else {
            op->nout = 1;
            op->nin = 0;
            op->o[0] = gdst(g, t, NULL);
            mark(g, op);
        }
        return;
    }
    default:
        break;
    }
    op = new_op(g, opc, t);
    for (unsigned j = 0; j < op->nin; j++) {
        op->i[j] = gsrc(g, t);
    }
    switch (opc) {
    case IR_OP_shl:
    case IR_OP_shr:
    case IR_OP_sar:
    case IR_OP_rotl:
    case IR_OP_rotr:
        if (pick(g, 4) == 0) {
            op->i[1] = pv_const(t, pick(g, 2 * w));
        }
        break;
    case IR_OP_setcond:
    case IR_OP_negsetcond:
    case IR_OP_movcond:
        op->c[0] = pick(g, IR_COND_COUNT);
        break;
    case IR_OP_extract:
    case IR_OP_sextract:
    case IR_OP_deposit: {
        unsigned len = 1 + pick(g, w);
        op->c[0] = pick(g, w - len + 1);
        op->c[1] = len;
        break;
    }
    case IR_OP_extract2:
        op->c[0] = pick(g, w);
        break;
    default:
        break;
    }
    op->o[0] = gdst(g, t, NULL);
    if (op->nout == 2) {
        op->o[1] = gdst(g, t, &op->o[0]);
    }
    mark(g, op);
}

static void gen_call(PGen *g)
{
    int h = pick(g, G_N_ELEMENTS(rhelpers));
    const IRHelperInfo *info = &rhelpers[h].info;
    PrOp *op = new_op(g, IR_OP_call, IR_I64);

    op->helper = h;
    op->nin = info->nb_args;
    op->ncarg = 0;
    for (unsigned j = 0; j < info->nb_args; j++) {
        op->i[j] = gsrc(g, (IRType)info->arg_types[j]);
    }
    if (rhelpers[h].uses_env) {
        op->i[0] = pv_env();
    }
    op->nout = info->ret_type != IR_VOID;
    if (op->nout) {
        op->type = (IRType)info->ret_type;
        op->o[0] = gdst(g, (IRType)info->ret_type, NULL);
    }
    mark(g, op);
}

static void gen_set_label(PGen *g, unsigned i)
{
    PrOp *op = new_op(g, IR_OP_set_label, IR_I64);

    op->c[0] = g->pending[i].label;
    for (unsigned t = 0; t < g->p->ntemps; t++) {
        g->defined[t] &= t < MAX_PTEMPS ? g->pending[i].snap[t] : 0;
    }
    g_free(g->pending[i].snap);
    g->pending[i] = g->pending[--g->nb_pending];
}

static void gen_brcond(PGen *g)
{
    IRType t = pick(g, 2) ? IR_I64 : IR_I32;
    PrOp *op;

    if (g->nb_pending == G_N_ELEMENTS(g->pending)) {
        return;
    }
    op = new_op(g, IR_OP_brcond, t);
    op->i[0] = gsrc(g, t);
    op->i[1] = pick(g, 4) ? gsrc(g, t) : op->i[0];
    op->c[0] = pick(g, IR_COND_COUNT);
    op->c[1] = g->p->nlabels;
    g->pending[g->nb_pending].label = g->p->nlabels++;
    g->pending[g->nb_pending].snap = g_memdup2(g->defined, MAX_PTEMPS);
    g->nb_pending++;
}

/* The end: every defined temp feeds the outputs, latest first. */
static void gen_epilogue(PGen *g)
{
    Prog *p = g->p;
    PrVal acc[2] = { pv_global(IR_I32, OUT_R), pv_global(IR_I64, OUT_R) };
    unsigned direct[2] = { 0, 0 };

    for (int i = (int)p->ntemps - 1; i >= 0; i--) {
        IRType t = (IRType)p->temp_type[i];
        PrOp *op;

        if (!g->defined[i] || p->nops + 3 >= MAX_PROPS) {
            continue;
        }
        if (direct[t] < 7) {
            op = new_op(g, IR_OP_mov, t);
            op->o[0] = pv_global(t, OUT_R + 1 + direct[t]++);
            op->i[0] = pv_temp(g, i);
        }
        op = new_op(g, IR_OP_mul, t);
        op->o[0] = acc[t];
        op->i[0] = acc[t];
        op->i[1] = pv_const(t, 0x9e3779b1);
        op = new_op(g, IR_OP_add, t);
        op->o[0] = acc[t];
        op->i[0] = acc[t];
        op->i[1] = pv_temp(g, i);
    }
}

static void gen_prog(Prog *p, const GenParams *gp, uint64_t seed)
{
    PGen g = { .p = p, .r = h_rand_init(seed), .gp = gp };
    unsigned n = gp->min_ops + pick(&g, gp->max_ops - gp->min_ops + 1);

    memset(p, 0, offsetof(Prog, ops));
    memset(g.defined, 0, sizeof(g.defined));
    /* Every global of the program is written once up front. */
    if (gp->p_global_dst) {
        for (unsigned i = 0; i < gp->nglobals64; i++) {
            PrOp *op = new_op(&g, IR_OP_add, IR_I64);
            op->o[0] = pv_global(IR_I64, i);
            op->i[0] = pv_global(IR_I64, i);
            op->i[1] = pv_global(IR_I64, (i * 7 + 3) % gp->nglobals64);
        }
        for (unsigned i = 0; i < gp->nglobals32; i++) {
            PrOp *op = new_op(&g, IR_OP_xor, IR_I32);
            op->o[0] = pv_global(IR_I32, i);
            op->i[0] = pv_global(IR_I32, i);
            op->i[1] = pv_global(IR_I32, (i * 5 + 1) % gp->nglobals32);
        }
    }
    while (p->nops < n && p->nops < MAX_PROPS - 140) {
        if (chance(&g, gp->p_call)) {
            gen_call(&g);
        } else if (chance(&g, gp->p_branch)) {
            gen_brcond(&g);
        } else if (g.nb_pending && chance(&g, gp->p_branch)) {
            gen_set_label(&g, pick(&g, g.nb_pending));
        } else {
            gen_value_op(&g);
        }
    }
    while (g.nb_pending) {
        gen_set_label(&g, g.nb_pending - 1);
    }
    gen_epilogue(&g);
}

/* Most temps live at once (upper bound: defined and not yet consumed by
 * the epilogue, which reads every temp). */
static unsigned max_live(const Prog *p)
{
    unsigned live = 0, best = 0;
    bool seen[MAX_PTEMPS] = { false };

    for (unsigned k = 0; k < p->nops; k++) {
        const PrOp *op = &p->ops[k];
        for (unsigned j = 0; j < op->nout; j++) {
            if (op->o[j].kind == PV_TEMP && !seen[op->o[j].idx]) {
                seen[op->o[j].idx] = true;
                live++;
            }
        }
        if (op->opc == IR_OP_mul && op->o[0].kind == PV_GLOBAL &&
            op->o[0].idx == OUT_R) {
            break;
        }
        best = MAX(best, live);
    }
    return best;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */

enum { RR_INTERP, RR_JIT, RR_BASE, RR_INTERP_OPT, RR_JIT_OPT, RR_COUNT };
static const char *const rr_names[RR_COUNT] = {
    "interp", "jit", "jit-base", "interp+opt", "jit+opt",
};
static const int rr_cfg[RR_COUNT] = {
    H_INTERP, H_JIT, H_JIT_BASE, H_INTERP, H_JIT,
};

static void print_prog(Prog *p, const char *title)
{
    IRContext *s = h_begin();
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    build_prog(s, p);
    ir_exit_tb(s, 0);
    ir_dump(s, m);
    fclose(m);
    print_error("%s:\n%s", title, buf);
    free(buf);
}

static void run_programs(const char *name, const GenParams *gp,
                         unsigned nprogs, uint64_t seed0)
{
    static Prog p;
    HRand r = h_rand_init(seed0);
    unsigned printed = 0, live_max = 0;

    for (unsigned n = 0; n < nprogs; n++) {
        const void *code[RR_COUNT];
        uint64_t seed = seed0 * 1000003 + n;
        unsigned before = H.errors;

        gen_prog(&p, gp, seed);
        live_max = MAX(live_max, max_live(&p));
        h_rewind();
        for (int i = 0; i < RR_COUNT; i++) {
            code[i] = h_compile(rr_cfg[i], build_prog, &p,
                                i >= RR_INTERP_OPT ? H_OPT : 0, name);
        }
        for (unsigned it = 0; it < 3; it++) {
            TestEnv in_env, exp;

            h_fill_env(&in_env, &r);
            exp = in_env;
            eval_prog(&p, &exp);
            for (int i = 0; i < RR_COUNT; i++) {
                char *what;

                if (!code[i]) {
                    continue;
                }
                *H.env = in_env;
                h_run(rr_cfg[i], code[i]);
                if (!memcmp(H.env, &exp, sizeof(exp))) {
                    continue;
                }
                what = g_strdup_printf("%s, program seed %" G_GINT64_MODIFIER
                                       "u (%u ops, %u temps), %s vs C "
                                       "reference", name, seed, p.nops,
                                       p.ntemps, rr_names[i]);
                h_check_env(&exp, rr_cfg[i], what);
                g_free(what);
                code[i] = NULL;     /* one report per program and run */
            }
        }
        if (H.errors > before && printed < 1) {
            print_prog(&p, name);
            printed++;
        }
        if (H.errors > 30) {
            break;
        }
    }
    if (live_max < 40 && gp->p_overwrite < 500) {
        h_fail("%s: programs too small (at most %u live temps)", name,
               live_max);
    }
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void test_pressure_straight(void **state)
{
    static const GenParams gp = {
        .min_ops = 60, .max_ops = 200, .p_overwrite = 50,
        .p_fixed = 150, .nglobals64 = 8, .nglobals32 = 8,
    };

    run_programs("straight-line pressure", &gp, 200, 1);
    h_end_test();
}

static void test_pressure_fixed_regs(void **state)
{
    static const GenParams gp = {
        .min_ops = 60, .max_ops = 160, .p_overwrite = 100,
        .p_fixed = 700, .nglobals64 = 8, .nglobals32 = 8,
    };

    run_programs("pressure on div/mul2/shift", &gp, 200, 2);
    h_end_test();
}

static void test_pressure_calls(void **state)
{
    static const GenParams gp = {
        .min_ops = 60, .max_ops = 200, .p_call = 60, .p_overwrite = 80,
        .p_fixed = 200, .nglobals64 = 16, .nglobals32 = 8,
    };

    run_programs("pressure across calls", &gp, 200, 3);
    h_end_test();
}

static void test_pressure_branches(void **state)
{
    static const GenParams gp = {
        .min_ops = 60, .max_ops = 200, .p_branch = 70, .p_overwrite = 300,
        .p_fixed = 200, .nglobals64 = 16, .nglobals32 = 8,
    };

    run_programs("pressure across branches", &gp, 200, 4);
    h_end_test();
}

static void test_pressure_mixed(void **state)
{
    static const GenParams gp = {
        .min_ops = 80, .max_ops = 250, .p_call = 40, .p_branch = 50,
        .p_overwrite = 200, .p_global_dst = 100, .p_fixed = 250,
        .nglobals64 = 32, .nglobals32 = 16,
    };

    run_programs("pressure, calls, branches and globals", &gp, 200, 5);
    h_end_test();
}

static void test_globals_heavy(void **state)
{
    static const GenParams gp = {
        .min_ops = 100, .max_ops = 220, .p_call = 40, .p_branch = 50,
        .p_overwrite = 600, .p_global_dst = 700, .p_fixed = 200,
        .nglobals64 = 32, .nglobals32 = 16,
    };

    run_programs("32 globals all modified", &gp, 200, 6);
    h_end_test();
}

/* A fixed program: 100 i64 temps, all live across one clobbering call. */
static void build_hundred(IRContext *s, void *opaque)
{
    IRTemp t[100], acc = ir_temp_new(s, IR_I64), ret = ir_temp_new(s, IR_I64);

    for (int i = 0; i < 100; i++) {
        t[i] = ir_temp_new(s, IR_I64);
        ir_mul(s, t[i], H.r[i % 8], ir_const_i64(s, i + 1));
        ir_add(s, t[i], t[i], H.r[(i + 3) % 8]);
    }
    ir_call(s, &rhelpers[0].info, ret,
            (const IRTemp[]){ t[0], t[99], H.w[0] });
    ir_mov(s, acc, ret);
    for (int i = 99; i >= 0; i--) {
        ir_mul(s, acc, acc, ir_const_i64(s, 3));
        ir_add(s, acc, acc, t[i]);
    }
    ir_mov(s, H.r[OUT_R], acc);
    ir_mov(s, H.r[OUT_R + 1], t[50]);
}

static void test_hundred_live(void **state)
{
    HRand r = h_rand_init(100);
    const void *code[H_NB_CFG];

    h_rewind();
    h_compile_all(build_hundred, NULL, 0, "100 live temps", code);
    for (unsigned it = 0; it < 20; it++) {
        TestEnv in_env, exp;
        uint64_t t[100], acc;

        h_fill_env(&in_env, &r);
        exp = in_env;
        for (int i = 0; i < 100; i++) {
            t[i] = in_env.r[i % 8] * (uint64_t)(i + 1) + in_env.r[(i + 3) % 8];
        }
        acc = t[0] * 31 + (t[99] ^ in_env.w[0]);
        for (int i = 99; i >= 0; i--) {
            acc = acc * 3 + t[i];
        }
        exp.r[OUT_R] = acc;
        exp.r[OUT_R + 1] = t[50];
        for (int c = 0; c < H_NB_CFG; c++) {
            if (!code[c]) {
                continue;
            }
            *H.env = in_env;
            h_run(c, code[c]);
            h_check_env(&exp, c, "100 live temps across a call");
        }
    }
    h_end_test();
}

/*
 * N temps live at once, N = 1..48, with and without a clobbering call
 * in the middle: the first failing N tells where it breaks (running out
 * of callee-saved registers, out of all registers, spilling...).
 */
typedef struct Sweep {
    unsigned n;
    bool call;
} Sweep;

static void build_sweep(IRContext *s, void *opaque)
{
    const Sweep *sw = opaque;
    IRTemp t[48], acc = ir_temp_new(s, IR_I64);

    for (unsigned i = 0; i < sw->n; i++) {
        t[i] = ir_temp_new(s, IR_I64);
        ir_xor(s, t[i], H.r[i % 8], ir_const_i64(s, (int64_t)i * 0x1111));
    }
    if (sw->call) {
        IRTemp ret = ir_temp_new(s, IR_I64);

        ir_call(s, &rhelpers[0].info, ret,
                (const IRTemp[]){ H.r[8], H.r[9], H.w[0] });
        ir_mov(s, H.r[OUT_R + 1], ret);
    }
    ir_movi(s, acc, 0);
    for (int i = (int)sw->n - 1; i >= 0; i--) {
        ir_mul(s, acc, acc, ir_const_i64(s, 3));
        ir_add(s, acc, acc, t[i]);
    }
    ir_mov(s, H.r[OUT_R], acc);
}

static void test_live_sweep(void **state)
{
    HRand r = h_rand_init(48);

    for (int call = 0; call < 2; call++) {
        unsigned first_bad[H_NB_CFG] = { 0 };

        for (unsigned n = 1; n <= 48; n++) {
            Sweep sw = { n, call };
            const void *code[H_NB_CFG];

            h_rewind();
            h_compile_all(build_sweep, &sw, 0, "live sweep", code);
            for (unsigned it = 0; it < 4; it++) {
                TestEnv in_env, exp;
                uint64_t acc = 0;

                h_fill_env(&in_env, &r);
                exp = in_env;
                for (int i = (int)n - 1; i >= 0; i--) {
                    acc = acc * 3 + (in_env.r[i % 8] ^ (uint64_t)i * 0x1111);
                }
                exp.r[OUT_R] = acc;
                if (call) {
                    exp.r[OUT_R + 1] = in_env.r[8] * 31 +
                                       (in_env.r[9] ^ in_env.w[0]);
                }
                for (int c = 0; c < H_NB_CFG; c++) {
                    if (!code[c] || first_bad[c]) {
                        continue;
                    }
                    *H.env = in_env;
                    h_run(c, code[c]);
                    if (memcmp(H.env, &exp, sizeof(exp))) {
                        char *what = g_strdup_printf(
                            "%u temps live%s (first failing count)", n,
                            call ? " across a clobbering call" : "");
                        h_check_env(&exp, c, what);
                        g_free(what);
                        first_bad[c] = n;
                    }
                }
            }
        }
    }
    h_end_test();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_live_sweep),
        cmocka_unit_test(test_hundred_live),
        cmocka_unit_test(test_pressure_straight),
        cmocka_unit_test(test_pressure_fixed_regs),
        cmocka_unit_test(test_pressure_calls),
        cmocka_unit_test(test_pressure_branches),
        cmocka_unit_test(test_pressure_mixed),
        cmocka_unit_test(test_globals_heavy),
    };

    return cmocka_run_group_tests(tests, h_group_setup, NULL);
}

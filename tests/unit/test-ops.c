/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every IR op on every backend configuration (interpreter, JIT, JIT on
 * baseline x86-64) against a C reference (harness.h, h_ref_op), on edge
 * values and at least 10,000 fixed-seed random inputs per op.
 *
 * One TB per op form: it reads its inputs from env globals, computes, and
 * writes its outputs to env globals; it then runs once per input.  The
 * whole env is compared after every run, so stray writes show up too.
 * Forms: outputs in temps, outputs straight into globals, outputs that
 * reuse an input temp (d = a op d ...), in place on a global, all inputs
 * the same temp, and inputs as constants (immediate forms; one TB per
 * constant, also run through the optimizer, which then folds).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define NB_RANDOM 10000      /* random inputs per op and type */
#define NB_CONST_SAMPLES 200 /* constant-operand TBs per op and type */
#define OUT_SLOT 8           /* outputs go to r8/r9 or w8/w9 */
#define MAX_FAILS_PER_CFG 3  /* then stop running that configuration */

/* ------------------------------------------------------------------ */
/* One op form                                                         */

enum {
    V_TEMP,     /* inputs globals, outputs temps copied to globals */
    V_GLOBAL,   /* outputs written straight to the output globals */
    V_ALIAS0,   /* inputs copied to temps; output 0 reuses input 0's */
    V_ALIAS1,   /* output 0 reuses input 1's temp (output 1 input 0's) */
    V_INPLACE,  /* outputs written to the input globals themselves */
    V_SAME,     /* every input is the same global */
    V_COUNT,
};

static const char *const variant_names[V_COUNT] = {
    "temp-out", "global-out", "out=in0", "out=in1", "in-place", "same-in",
};

/* How to draw inputs. */
enum {
    G_PLAIN,    /* h_rand_value for each input */
    G_SHIFT,    /* input 1 is a shift count (often small) */
    G_CMP,      /* input 1 often equals input 0 or is next to it */
};

typedef struct Case {
    IROpcode opc;
    IRType type;                /* the op's type */
    unsigned nout, nin, ncarg;
    IRType otype[2], itype[4];
    uint64_t carg[3];
    unsigned gen;               /* G_* */
    unsigned variant;           /* V_* */
    unsigned const_mask;        /* input i is constant cval[i] */
    uint64_t cval[4];
} Case;

static const char *type_name(IRType t)
{
    return t == IR_I32 ? "i32" : "i64";
}

/* "add_i64 [temp-out] cond=lt pos=3 len=4 const=(in1=0x5)" */
static char *case_desc(const Case *c)
{
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "%s_%s [%s]", ir_op_defs[c->opc].name,
                           type_name(c->type), variant_names[c->variant]);
    switch (c->opc) {
    case IR_OP_setcond:
    case IR_OP_negsetcond:
    case IR_OP_movcond:
        g_string_append_printf(s, " cond=%s", h_cond_name(c->carg[0]));
        break;
    case IR_OP_extract:
    case IR_OP_sextract:
    case IR_OP_deposit:
        g_string_append_printf(s, " pos=%u len=%u", (unsigned)c->carg[0],
                               (unsigned)c->carg[1]);
        break;
    case IR_OP_extract2:
        g_string_append_printf(s, " pos=%u", (unsigned)c->carg[0]);
        break;
    default:
        break;
    }
    for (unsigned i = 0; i < c->nin; i++) {
        if (c->const_mask & (1u << i)) {
            g_string_append_printf(s, " in%u=const 0x%" G_GINT64_MODIFIER
                                   "x", i, c->cval[i]);
        }
    }
    return g_string_free(s, FALSE);
}

/* Can output k reuse input j (same type, not constant)? */
static bool can_alias(const Case *c, unsigned k, unsigned j)
{
    return j < c->nin && c->otype[k] == c->itype[j] &&
           !(c->const_mask & (1u << j));
}

static bool variant_ok(const Case *c, unsigned v)
{
    switch (v) {
    case V_TEMP:
    case V_GLOBAL:
        return true;
    case V_ALIAS0:
    case V_INPLACE:
        for (unsigned k = 0; k < c->nout; k++) {
            if (!can_alias(c, k, k)) {
                return false;
            }
        }
        return true;
    case V_ALIAS1:
        return c->nin >= 2 && can_alias(c, 0, 1) &&
               (c->nout < 2 || can_alias(c, 1, 0));
    case V_SAME:
        if (c->nin < 2) {
            return false;
        }
        for (unsigned i = 1; i < c->nin; i++) {
            if (c->itype[i] != c->itype[0]) {
                return false;
            }
        }
        return true;
    default:
        return false;
    }
}

/* The env slot input i is read from. */
static unsigned in_slot(const Case *c, unsigned i)
{
    return c->variant == V_SAME ? 0 : i;
}

static void build_case(IRContext *s, void *opaque)
{
    const Case *c = opaque;
    IRTemp in[4], out[2];
    uint64_t args[IR_MAX_ARGS];
    unsigned n = 0;

    for (unsigned i = 0; i < c->nin; i++) {
        IRTemp g = h_global(c->itype[i], in_slot(c, i));

        if (c->const_mask & (1u << i)) {
            in[i] = ir_const(s, c->itype[i], (int64_t)c->cval[i]);
        } else if (c->variant == V_ALIAS0 || c->variant == V_ALIAS1) {
            in[i] = ir_temp_new(s, c->itype[i]);
            ir_mov(s, in[i], g);
        } else {
            in[i] = g;
        }
    }
    for (unsigned k = 0; k < c->nout; k++) {
        switch (c->variant) {
        case V_GLOBAL:
            out[k] = h_global(c->otype[k], OUT_SLOT + k);
            break;
        case V_ALIAS0:
        case V_INPLACE:
            out[k] = in[k];
            break;
        case V_ALIAS1:
            out[k] = in[1 - k];
            break;
        default:
            out[k] = ir_temp_new(s, c->otype[k]);
            break;
        }
    }
    for (unsigned k = 0; k < c->nout; k++) {
        args[n++] = out[k];
    }
    for (unsigned i = 0; i < c->nin; i++) {
        args[n++] = in[i];
    }
    for (unsigned i = 0; i < c->ncarg; i++) {
        args[n++] = c->carg[i];
    }
    ir_emit(s, c->opc, c->type, args);
    if (c->variant != V_GLOBAL) {
        for (unsigned k = 0; k < c->nout; k++) {
            ir_mov(s, h_global(c->otype[k], OUT_SLOT + k), out[k]);
        }
    }
}

/* Inputs as the op sees them (constants, or read from env). */
static void case_inputs(const Case *c, const TestEnv *e, uint64_t *in)
{
    for (unsigned i = 0; i < c->nin; i++) {
        if (c->const_mask & (1u << i)) {
            in[i] = c->cval[i] & h_mask(c->itype[i]);
        } else {
            in[i] = h_env_get(e, c->itype[i], in_slot(c, i));
        }
    }
}

static void case_expect(const Case *c, const TestEnv *in_env, TestEnv *exp)
{
    uint64_t in[4] = { 0 }, out[2] = { 0 };

    case_inputs(c, in_env, in);
    h_ref_op(c->opc, c->type, in, c->carg, out);
    *exp = *in_env;
    for (unsigned k = 0; k < c->nout; k++) {
        h_env_set(exp, c->otype[k], OUT_SLOT + k, out[k]);
        if (c->variant == V_INPLACE) {
            h_env_set(exp, c->otype[k], k, out[k]);
        }
    }
}

/* Draw input i for generator kind gen (after inputs 0..i-1). */
static uint64_t draw_input(const Case *c, HRand *r, unsigned i,
                           const uint64_t *prev)
{
    IRType t = c->itype[i];
    unsigned w = h_bits(t);

    if (i == 1 && c->gen == G_SHIFT && h_rand_below(r, 2)) {
        return h_rand_below(r, 2 * w + 3);
    }
    if (i == 1 && c->gen == G_CMP) {
        switch (h_rand_below(r, 8)) {
        case 0:
        case 1:
            return prev[0] & h_mask(t);
        case 2:
            return (prev[0] + 1) & h_mask(t);
        case 3:
            return (prev[0] - 1) & h_mask(t);
        default:
            break;
        }
    }
    return h_rand_value(r, t);
}

/* Set the (non-constant) input slots of e for iteration it. */
static void set_inputs(const Case *c, TestEnv *e, HRand *r, unsigned it,
                       bool edges)
{
    uint64_t v[4];
    unsigned nvar = 0, vars[4];

    for (unsigned i = 0; i < c->nin; i++) {
        if (!(c->const_mask & (1u << i))) {
            vars[nvar++] = i;
        }
    }
    for (unsigned i = 0; i < c->nin; i++) {
        v[i] = draw_input(c, r, i, v);
    }
    if (edges && nvar >= 1) {
        v[vars[0]] = h_edge(c->itype[vars[0]], it % H_NB_EDGES);
        if (nvar >= 2) {
            v[vars[1]] = h_edge(c->itype[vars[1]], it / H_NB_EDGES);
        }
    }
    for (unsigned i = 0; i < c->nin; i++) {
        if (!(c->const_mask & (1u << i))) {
            h_env_set(e, c->itype[i], in_slot(c, i), v[i]);
        }
    }
}

/* Number of edge iterations for c: every pair (or every value). */
static unsigned nb_edge_iters(const Case *c)
{
    unsigned nvar = 0;

    for (unsigned i = 0; i < c->nin; i++) {
        nvar += !(c->const_mask & (1u << i));
    }
    return nvar >= 2 ? H_NB_EDGES * H_NB_EDGES : nvar ? H_NB_EDGES : 1;
}

static void report_mismatch(const Case *c, const TestEnv *in_env,
                            const TestEnv *exp, int cfg, uintptr_t ret)
{
    g_autofree char *desc = case_desc(c);
    GString *s = g_string_new(desc);
    uint64_t in[4] = { 0 };

    case_inputs(c, in_env, in);
    g_string_append(s, " inputs=(");
    for (unsigned i = 0; i < c->nin; i++) {
        g_string_append_printf(s, "%s0x%" G_GINT64_MODIFIER "x",
                               i ? ", " : "", in[i]);
    }
    g_string_append(s, ")");
    if (ret != 0) {
        g_string_append_printf(s, " exit value %#lx", (unsigned long)ret);
    }
    h_check_env(exp, cfg, s->str);
    g_string_free(s, TRUE);
}

/*
 * Run compiled code[] (one per configuration, NULL to skip) on inputs
 * from set_inputs, nb_edges edge iterations then n random ones.
 */
static void run_iters(const Case *c, const void *const *code, HRand *r,
                      unsigned nb_edges, unsigned n, const TestEnv *bg)
{
    TestEnv in_env = *bg, exp;
    unsigned fails[H_NB_CFG] = { 0 };

    for (unsigned it = 0; it < nb_edges + n; it++) {
        set_inputs(c, &in_env, r, it, it < nb_edges);
        case_expect(c, &in_env, &exp);
        for (int cfg = 0; cfg < H_NB_CFG; cfg++) {
            uintptr_t ret;

            if (!code[cfg] || fails[cfg] >= MAX_FAILS_PER_CFG) {
                continue;
            }
            *H.env = in_env;
            ret = h_run(cfg, code[cfg]);
            if (ret != 0 || memcmp(H.env, &exp, sizeof(exp)) != 0) {
                report_mismatch(c, &in_env, &exp, cfg, ret);
                fails[cfg]++;
            }
        }
    }
}

/* All variants of c (inputs from globals), n random inputs for the main
 * one and n / 5 for the others. */
static void run_case(Case c, unsigned n, HRand *r)
{
    TestEnv bg;

    h_fill_env(&bg, r);
    for (unsigned v = 0; v < V_COUNT; v++) {
        const void *code[H_NB_CFG];
        g_autofree char *desc = NULL;

        c.variant = v;
        c.const_mask = 0;
        if (!variant_ok(&c, v)) {
            continue;
        }
        desc = case_desc(&c);
        h_rewind();
        h_compile_all(build_case, &c, 0, desc, code);
        run_iters(&c, code, r, v == V_TEMP ? nb_edge_iters(&c) : 0,
                  v == V_TEMP ? n : n / 5 + 1, &bg);
    }
}

/*
 * Constant-operand forms: `samples` TBs, each with a nonempty subset of
 * the inputs constant (edge values first, then random), unoptimized on
 * every configuration and optimized on the interpreter and the JIT.
 */
static void run_const_forms(Case c, unsigned samples, HRand *r)
{
    unsigned nmasks = (1u << c.nin) - 1;
    TestEnv bg;

    h_fill_env(&bg, r);
    for (unsigned i = 0; i < samples; i++) {
        const void *code[H_NB_CFG];
        g_autofree char *desc = NULL;
        uint64_t prev[4];

        c.variant = V_TEMP;
        c.const_mask = i % nmasks + 1;
        for (unsigned j = 0; j < c.nin; j++) {
            if (i < 2 * H_NB_EDGES) {
                c.cval[j] = h_edge(c.itype[j], (i / 2 + j * 7) % H_NB_EDGES);
            } else {
                c.cval[j] = draw_input(&c, r, j, prev);
            }
            prev[j] = c.cval[j];
        }
        desc = case_desc(&c);
        h_rewind();
        h_compile_all(build_case, &c, 0, desc, code);
        run_iters(&c, code, r, 0, 4, &bg);

        /* Optimized: usually folds to a constant. */
        h_rewind();
        code[H_INTERP] = h_compile(H_INTERP, build_case, &c, H_OPT, desc);
        code[H_JIT] = h_compile(H_JIT, build_case, &c, H_OPT, desc);
        code[H_JIT_BASE] = NULL;
        run_iters(&c, code, r, 0, 2, &bg);
    }
}

/* ------------------------------------------------------------------ */
/* Case constructors                                                   */

static Case mk(IROpcode opc, IRType t, unsigned gen)
{
    const IROpDef *d = &ir_op_defs[opc];
    Case c = {
        .opc = opc,
        .type = t,
        .nout = d->nb_oargs,
        .nin = d->nb_iargs,
        .ncarg = d->nb_cargs,
        .gen = gen,
    };

    for (unsigned i = 0; i < 2; i++) {
        c.otype[i] = t;
    }
    for (unsigned i = 0; i < 4; i++) {
        c.itype[i] = t;
    }
    return c;
}

static void test_simple(IROpcode opc, unsigned gen, bool i64_only)
{
    HRand r = h_rand_init(opc);

    for (int t = i64_only ? IR_I64 : IR_I32; t <= IR_I64; t++) {
        Case c = mk(opc, (IRType)t, gen);

        run_case(c, NB_RANDOM, &r);
        run_const_forms(c, NB_CONST_SAMPLES, &r);
    }
    h_end_test();
}

#define SIMPLE_TEST(name, gen, i64_only)                                   \
    static void test_##name(void **state)                                  \
    {                                                                      \
        test_simple(IR_OP_##name, gen, i64_only);                          \
    }

SIMPLE_TEST(mov, G_PLAIN, false)
SIMPLE_TEST(add, G_PLAIN, false)
SIMPLE_TEST(sub, G_CMP, false)
SIMPLE_TEST(mul, G_PLAIN, false)
SIMPLE_TEST(mulu2, G_PLAIN, false)
SIMPLE_TEST(muls2, G_PLAIN, false)
SIMPLE_TEST(divs, G_PLAIN, false)
SIMPLE_TEST(divu, G_PLAIN, false)
SIMPLE_TEST(rems, G_PLAIN, false)
SIMPLE_TEST(remu, G_PLAIN, false)
SIMPLE_TEST(and, G_PLAIN, false)
SIMPLE_TEST(or, G_PLAIN, false)
SIMPLE_TEST(xor, G_CMP, false)
SIMPLE_TEST(andc, G_CMP, false)
SIMPLE_TEST(orc, G_CMP, false)
SIMPLE_TEST(eqv, G_CMP, false)
SIMPLE_TEST(nand, G_PLAIN, false)
SIMPLE_TEST(nor, G_PLAIN, false)
SIMPLE_TEST(not, G_PLAIN, false)
SIMPLE_TEST(neg, G_PLAIN, false)
SIMPLE_TEST(shl, G_SHIFT, false)
SIMPLE_TEST(shr, G_SHIFT, false)
SIMPLE_TEST(sar, G_SHIFT, false)
SIMPLE_TEST(rotl, G_SHIFT, false)
SIMPLE_TEST(rotr, G_SHIFT, false)
SIMPLE_TEST(ext8s, G_PLAIN, false)
SIMPLE_TEST(ext8u, G_PLAIN, false)
SIMPLE_TEST(ext16s, G_PLAIN, false)
SIMPLE_TEST(ext16u, G_PLAIN, false)
SIMPLE_TEST(ext32s, G_PLAIN, true)
SIMPLE_TEST(ext32u, G_PLAIN, true)
SIMPLE_TEST(bswap16, G_PLAIN, false)
SIMPLE_TEST(bswap32, G_PLAIN, false)
SIMPLE_TEST(bswap64, G_PLAIN, true)
SIMPLE_TEST(clz, G_SHIFT, false)
SIMPLE_TEST(ctz, G_SHIFT, false)
SIMPLE_TEST(ctpop, G_PLAIN, false)
SIMPLE_TEST(add2, G_PLAIN, false)
SIMPLE_TEST(sub2, G_CMP, false)

/* i32 <-> i64 conversions. */
static void test_conv(IROpcode opc, IRType out, IRType in)
{
    HRand r = h_rand_init(opc);
    Case c = mk(opc, out, G_PLAIN);

    c.itype[0] = in;
    run_case(c, NB_RANDOM, &r);
    run_const_forms(c, NB_CONST_SAMPLES, &r);
    h_end_test();
}

static void test_ext_i32_i64(void **state)
{
    test_conv(IR_OP_ext_i32_i64, IR_I64, IR_I32);
}

static void test_extu_i32_i64(void **state)
{
    test_conv(IR_OP_extu_i32_i64, IR_I64, IR_I32);
}

static void test_extrl_i64_i32(void **state)
{
    test_conv(IR_OP_extrl_i64_i32, IR_I32, IR_I64);
}

static void test_extrh_i64_i32(void **state)
{
    test_conv(IR_OP_extrh_i64_i32, IR_I32, IR_I64);
}

/* Ops with a condition: every IRCond. */
static void test_cond_op(IROpcode opc)
{
    HRand r = h_rand_init(opc);

    for (int t = IR_I32; t <= IR_I64; t++) {
        for (int cond = 0; cond < IR_COND_COUNT; cond++) {
            Case c = mk(opc, (IRType)t, G_CMP);

            c.carg[0] = cond;
            run_case(c, NB_RANDOM / 8, &r);
            run_const_forms(c, NB_CONST_SAMPLES / 8, &r);
        }
    }
    h_end_test();
}

static void test_setcond(void **state)
{
    test_cond_op(IR_OP_setcond);
}

static void test_negsetcond(void **state)
{
    test_cond_op(IR_OP_negsetcond);
}

static void test_movcond(void **state)
{
    test_cond_op(IR_OP_movcond);
}

/* pos/len pairs for extract, sextract and deposit. */
static unsigned field_pairs(IRType t, HRand *r, unsigned (*pairs)[2])
{
    static const unsigned fixed[][2] = {
        { 0, 1 }, { 0, 8 }, { 0, 16 }, { 0, 31 }, { 0, 32 }, { 1, 1 },
        { 8, 8 }, { 16, 16 }, { 24, 8 }, { 31, 1 }, { 1, 31 }, { 3, 5 },
        { 0, 63 }, { 0, 64 }, { 32, 32 }, { 63, 1 }, { 1, 63 }, { 40, 24 },
        { 48, 16 }, { 7, 33 }, { 16, 48 }, { 31, 2 }, { 33, 31 },
    };
    unsigned w = h_bits(t), n = 0;

    for (unsigned i = 0; i < G_N_ELEMENTS(fixed); i++) {
        if (fixed[i][0] + fixed[i][1] <= w) {
            pairs[n][0] = fixed[i][0];
            pairs[n][1] = fixed[i][1];
            n++;
        }
    }
    while (n < 40) {
        unsigned len = 1 + h_rand_below(r, w);
        pairs[n][0] = h_rand_below(r, w - len + 1);
        pairs[n][1] = len;
        n++;
    }
    return n;
}

static void test_field_op(IROpcode opc)
{
    HRand r = h_rand_init(opc);
    unsigned pairs[64][2];

    for (int t = IR_I32; t <= IR_I64; t++) {
        unsigned n = field_pairs((IRType)t, &r, pairs);

        for (unsigned i = 0; i < n; i++) {
            Case c = mk(opc, (IRType)t, G_PLAIN);

            c.carg[0] = pairs[i][0];
            c.carg[1] = pairs[i][1];
            run_case(c, NB_RANDOM / n + 1, &r);
            run_const_forms(c, 5, &r);
        }
    }
    h_end_test();
}

static void test_extract(void **state)
{
    test_field_op(IR_OP_extract);
}

static void test_sextract(void **state)
{
    test_field_op(IR_OP_sextract);
}

static void test_deposit(void **state)
{
    test_field_op(IR_OP_deposit);
}

static void test_extract2(void **state)
{
    HRand r = h_rand_init(IR_OP_extract2);

    for (int t = IR_I32; t <= IR_I64; t++) {
        unsigned w = h_bits((IRType)t);

        for (unsigned pos = 0; pos < w; pos++) {
            Case c = mk(IR_OP_extract2, (IRType)t, G_PLAIN);

            c.carg[0] = pos;
            run_case(c, NB_RANDOM / w + 1, &r);
            run_const_forms(c, 3, &r);
        }
    }
    h_end_test();
}

/* ------------------------------------------------------------------ */
/* brcond                                                              */

typedef struct BrCase {
    IRType type;
    IRCond cond;
    unsigned form;          /* 0: globals, 1: temps live across label */
    unsigned const_mask;
    uint64_t cval[2];
} BrCase;

/*
 * form 0:  mov r8,1; brcond a,b,L; mov r8,2; exit_tb 2; L: exit_tb 1
 * form 1:  t = a; brcond t,b,L; t = t + 1; L: r9 = t (i64 via ext)
 */
static void build_brcond(IRContext *s, void *opaque)
{
    const BrCase *b = opaque;
    IRLabel l = ir_label_new(s);
    IRTemp a = h_global(b->type, 0), c = h_global(b->type, 1);

    if (b->const_mask & 1) {
        a = ir_const(s, b->type, (int64_t)b->cval[0]);
    }
    if (b->const_mask & 2) {
        c = ir_const(s, b->type, (int64_t)b->cval[1]);
    }
    if (b->form == 0) {
        ir_movi(s, H.r[8], 1);
        ir_brcond(s, b->cond, a, c, l);
        ir_movi(s, H.r[8], 2);
        ir_exit_tb(s, 2);
        ir_set_label(s, l);
        ir_exit_tb(s, 1);
    } else {
        IRTemp t = ir_temp_new(s, b->type);

        ir_mov(s, t, a);
        ir_brcond(s, b->cond, t, c, l);
        ir_addi(s, t, t, 1);
        ir_set_label(s, l);
        ir_mov(s, h_global(b->type, 9), t);
        ir_exit_tb(s, 0);
    }
}

static void run_brcond(const BrCase *b, const void *const *code, HRand *r,
                       unsigned n, unsigned nb_edges)
{
    TestEnv in_env, exp;
    unsigned fails[H_NB_CFG] = { 0 };
    IRType t = b->type;

    h_fill_env(&in_env, r);
    for (unsigned it = 0; it < nb_edges + n; it++) {
        uint64_t a, c;
        uintptr_t want_ret, ret;
        bool taken;

        a = h_rand_value(r, t);
        c = h_rand_below(r, 3) ? h_rand_value(r, t) : a + h_rand_below(r, 3)
                                                      - 1;
        if (it < nb_edges) {
            a = h_edge(t, it % H_NB_EDGES);
            c = h_edge(t, it / H_NB_EDGES);
        }
        a = b->const_mask & 1 ? b->cval[0] : a & h_mask(t);
        c = b->const_mask & 2 ? b->cval[1] : c & h_mask(t);
        h_env_set(&in_env, t, 0, a);
        h_env_set(&in_env, t, 1, c);
        taken = h_ref_cond(b->cond, t, a, c);
        exp = in_env;
        if (b->form == 0) {
            exp.r[8] = taken ? 1 : 2;
            want_ret = taken ? 1 : 2;
        } else {
            h_env_set(&exp, t, 9, taken ? a : (a + 1) & h_mask(t));
            want_ret = 0;
        }
        for (int cfg = 0; cfg < H_NB_CFG; cfg++) {
            if (!code[cfg] || fails[cfg] >= MAX_FAILS_PER_CFG) {
                continue;
            }
            *H.env = in_env;
            ret = h_run(cfg, code[cfg]);
            if (ret != want_ret || memcmp(H.env, &exp, sizeof(exp))) {
                char *what = g_strdup_printf(
                    "brcond_%s cond=%s form=%u const_mask=%u a=0x%"
                    G_GINT64_MODIFIER "x b=0x%" G_GINT64_MODIFIER "x "
                    "(expected exit %lu, got %lu)", type_name(t),
                    h_cond_name(b->cond), b->form, b->const_mask, a, c,
                    (unsigned long)want_ret, (unsigned long)ret);
                if (h_check_env(&exp, cfg, what)) {
                    h_fail("%s [%s]: wrong exit value", what,
                           h_cfg_names[cfg]);
                }
                g_free(what);
                fails[cfg]++;
            }
        }
    }
}

static void test_brcond(void **state)
{
    HRand r = h_rand_init(IR_OP_brcond);

    for (int t = IR_I32; t <= IR_I64; t++) {
        for (int cond = 0; cond < IR_COND_COUNT; cond++) {
            for (unsigned form = 0; form < 2; form++) {
                BrCase b = { .type = (IRType)t, .cond = (IRCond)cond,
                             .form = form };
                const void *code[H_NB_CFG];

                h_rewind();
                h_compile_all(build_brcond, &b, H_NO_EXIT, "brcond", code);
                run_brcond(&b, code, &r, NB_RANDOM / 16,
                           form == 0 ? H_NB_EDGES * H_NB_EDGES : 0);
            }
            for (unsigned i = 0; i < 12; i++) {
                BrCase b = { .type = (IRType)t, .cond = (IRCond)cond,
                             .form = i & 1, .const_mask = i % 3 + 1 };
                const void *code[H_NB_CFG];

                b.cval[0] = h_rand_value(&r, (IRType)t);
                b.cval[1] = i < 6 ? b.cval[0] : h_rand_value(&r, (IRType)t);
                h_rewind();
                h_compile_all(build_brcond, &b, H_NO_EXIT, "brcond", code);
                run_brcond(&b, code, &r, 8, 0);
                h_rewind();
                code[H_INTERP] = h_compile(H_INTERP, build_brcond, &b,
                                           H_OPT | H_NO_EXIT, "brcond opt");
                code[H_JIT] = h_compile(H_JIT, build_brcond, &b,
                                        H_OPT | H_NO_EXIT, "brcond opt");
                code[H_JIT_BASE] = NULL;
                run_brcond(&b, code, &r, 4, 0);
            }
        }
    }
    h_end_test();
}

/* ------------------------------------------------------------------ */
/* ld / st on env                                                      */

typedef struct LdStCase {
    bool store;
    IRType type;
    MemOp mop;
    int32_t ofs;            /* from the base */
    unsigned form;          /* 0: base env, temp; 1: base env, global;
                               2: base r0 (a host pointer); 3: const value
                               (store only) */
    uint64_t cval;
} LdStCase;

#define SCRATCH_OFS ((int32_t)offsetof(TestEnv, scratch))

static void build_ldst(IRContext *s, void *opaque)
{
    const LdStCase *c = opaque;
    IRTemp base = c->form == 2 ? H.r[0] : s->env;
    int32_t ofs = c->form == 2 ? c->ofs : SCRATCH_OFS + c->ofs;

    if (c->store) {
        IRTemp v = h_global(c->type, 1);

        if (c->form == 3) {
            v = ir_const(s, c->type, (int64_t)c->cval);
        }
        ir_st(s, v, base, ofs, c->mop);
    } else if (c->form == 1) {
        ir_ld(s, h_global(c->type, 8), base, ofs, c->mop);
    } else {
        IRTemp t = ir_temp_new(s, c->type);

        ir_ld(s, t, base, ofs, c->mop);
        ir_mov(s, h_global(c->type, 8), t);
    }
}

static uint64_t load_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void store_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* A loaded value as MemOp mop makes it, for a result of type t. */
static uint64_t memop_value(MemOp mop, IRType t, uint64_t raw)
{
    unsigned size = memop_size(mop);

    if (mop & MO_BSWAP) {
        raw = h_ref_bswap(raw, size);
    }
    if (mop & MO_SIGN) {
        raw = h_sext(raw, 8 * size);
    }
    return raw & h_mask(t);
}

static char *mop_desc(MemOp mop)
{
    return g_strdup_printf("size=%u%s%s", memop_size(mop),
                           mop & MO_SIGN ? " signed" : "",
                           mop & MO_BSWAP ? " big-endian" : "");
}

static void run_ldst(const LdStCase *c, const void *const *code, HRand *r,
                     unsigned n)
{
    TestEnv in_env, exp;
    unsigned size = memop_size(c->mop);
    unsigned fails[H_NB_CFG] = { 0 };

    for (unsigned it = 0; it < n; it++) {
        h_fill_env(&in_env, r);
        in_env.r[0] = (uintptr_t)H.env->scratch;
        in_env.r[1] = h_rand_value(r, IR_I64);
        in_env.w[1] = (uint32_t)h_rand_value(r, IR_I32);
        exp = in_env;
        if (c->store) {
            uint64_t v = c->form == 3 ? c->cval
                                      : h_env_get(&in_env, c->type, 1);
            store_le(exp.scratch + c->ofs, size, v);
        } else {
            uint64_t raw = load_le(in_env.scratch + c->ofs, size);
            h_env_set(&exp, c->type, 8, memop_value(c->mop, c->type, raw));
        }
        for (int cfg = 0; cfg < H_NB_CFG; cfg++) {
            if (!code[cfg] || fails[cfg] >= MAX_FAILS_PER_CFG) {
                continue;
            }
            *H.env = in_env;
            h_run(cfg, code[cfg]);
            if (memcmp(H.env, &exp, sizeof(exp))) {
                g_autofree char *m = mop_desc(c->mop);
                char *what = g_strdup_printf("%s_%s %s scratch+%d form=%u",
                                             c->store ? "st" : "ld",
                                             type_name(c->type), m, c->ofs,
                                             c->form);
                h_check_env(&exp, cfg, what);
                g_free(what);
                fails[cfg]++;
            }
        }
    }
}

static void test_ld_st(void **state)
{
    static const int32_t offsets[] = { 0, 1, 3, 8, 13 };
    HRand r = h_rand_init(IR_OP_ld);

    for (int store = 0; store < 2; store++) {
        for (int t = IR_I32; t <= IR_I64; t++) {
            for (unsigned sz = MO_8; sz <= (t == IR_I32 ? MO_32 : MO_64);
                 sz++) {
                for (unsigned sign = 0; sign < 2; sign++) {
                    if (sign && (store || sz == MO_64)) {
                        continue;
                    }
                    for (unsigned o = 0; o < G_N_ELEMENTS(offsets); o++) {
                        for (unsigned form = 0; form < (store ? 4 : 3);
                             form++) {
                            LdStCase c = {
                                .store = store, .type = (IRType)t,
                                .mop = sz | (sign ? MO_SIGN : 0),
                                .ofs = offsets[o], .form = form,
                                .cval = h_rand_value(&r, (IRType)t),
                            };
                            const void *code[H_NB_CFG];

                            if (store && form == 1) {
                                continue;
                            }
                            h_rewind();
                            h_compile_all(build_ldst, &c, 0, "ld/st", code);
                            run_ldst(&c, code, &r, 100);
                        }
                    }
                }
            }
        }
    }
    h_end_test();
}

/* ------------------------------------------------------------------ */
/* qemu_ld / qemu_st, IR_MEM_DIRECT                                    */

#define GMEM_SIZE 4096
#define GMEM_SLACK 64

static uint8_t *gmem;           /* guest memory, guest_base points here */
static uint8_t gmem_before[GMEM_SIZE + GMEM_SLACK];
static uint8_t gmem_exp[GMEM_SIZE + GMEM_SLACK];

typedef struct QCase {
    bool store;
    IRType type;            /* value type; ignored for 128 */
    MemOp mop;
    bool const_addr;
    uint64_t addr;          /* const_addr */
    bool via_temp;
} QCase;

static void build_qemu(IRContext *s, void *opaque)
{
    const QCase *c = opaque;
    IRTemp addr = c->const_addr ? ir_const_i64(s, (int64_t)c->addr)
                                : H.r[0];
    bool is128 = (c->mop & MO_SIZE) == MO_128;

    if (is128 && c->store) {
        ir_qemu_st128(s, H.r[1], H.r[2], addr, 0, c->mop);
    } else if (is128) {
        IRTemp lo = c->via_temp ? ir_temp_new(s, IR_I64) : H.r[8];
        IRTemp hi = c->via_temp ? ir_temp_new(s, IR_I64) : H.r[9];

        ir_qemu_ld128(s, lo, hi, addr, 0, c->mop);
        if (c->via_temp) {
            ir_mov(s, H.r[8], lo);
            ir_mov(s, H.r[9], hi);
        }
    } else if (c->store) {
        ir_qemu_st(s, h_global(c->type, 1), addr, 0, c->mop);
    } else if (c->via_temp) {
        IRTemp t = ir_temp_new(s, c->type);

        ir_qemu_ld(s, t, addr, 0, c->mop);
        ir_mov(s, h_global(c->type, 8), t);
    } else {
        ir_qemu_ld(s, h_global(c->type, 8), addr, 0, c->mop);
    }
}

static void qemu_expect(const QCase *c, uint64_t addr, TestEnv *exp)
{
    unsigned size = memop_size(c->mop);
    uint8_t *src = gmem_before + addr;

    if ((c->mop & MO_SIZE) == MO_128) {
        uint64_t lo = exp->r[1], hi = exp->r[2];

        if (c->store) {
            if (c->mop & MO_BSWAP) {
                store_le(gmem_exp + addr, 8, h_ref_bswap(hi, 8));
                store_le(gmem_exp + addr + 8, 8, h_ref_bswap(lo, 8));
            } else {
                store_le(gmem_exp + addr, 8, lo);
                store_le(gmem_exp + addr + 8, 8, hi);
            }
        } else if (c->mop & MO_BSWAP) {
            exp->r[8] = h_ref_bswap(load_le(src + 8, 8), 8);
            exp->r[9] = h_ref_bswap(load_le(src, 8), 8);
        } else {
            exp->r[8] = load_le(src, 8);
            exp->r[9] = load_le(src + 8, 8);
        }
        return;
    }
    if (c->store) {
        uint64_t v = h_env_get(exp, c->type, 1);

        if (c->mop & MO_BSWAP) {
            v = h_ref_bswap(v, size);
        }
        store_le(gmem_exp + addr, size, v);
    } else {
        h_env_set(exp, c->type, 8,
                  memop_value(c->mop, c->type, load_le(src, size)));
    }
}

static void run_qemu(const QCase *c, const void *const *code, HRand *r,
                     unsigned n)
{
    TestEnv in_env, exp;
    unsigned fails[H_NB_CFG] = { 0 };
    unsigned size = memop_size(c->mop);

    h_fill_env(&in_env, r);
    for (unsigned it = 0; it < n; it++) {
        uint64_t addr = c->const_addr ? c->addr
                                      : h_rand_below(r, GMEM_SIZE - size + 1);

        if (it < 16 && !c->const_addr) {
            addr = it * 255 % (GMEM_SIZE - size + 1);
        }
        for (unsigned i = 0; i < GMEM_SIZE + GMEM_SLACK; i++) {
            gmem_before[i] = (uint8_t)h_rand(r);
        }
        in_env.r[0] = addr;
        in_env.r[1] = h_rand_value(r, IR_I64);
        in_env.r[2] = h_rand_value(r, IR_I64);
        in_env.w[1] = (uint32_t)h_rand_value(r, IR_I32);
        exp = in_env;
        memcpy(gmem_exp, gmem_before, sizeof(gmem_exp));
        qemu_expect(c, addr, &exp);
        for (int cfg = 0; cfg < H_NB_CFG; cfg++) {
            if (!code[cfg] || fails[cfg] >= MAX_FAILS_PER_CFG) {
                continue;
            }
            memcpy(gmem, gmem_before, sizeof(gmem_before));
            *H.env = in_env;
            h_run(cfg, code[cfg]);
            if (memcmp(H.env, &exp, sizeof(exp)) ||
                memcmp(gmem, gmem_exp, sizeof(gmem_exp))) {
                g_autofree char *m = mop_desc(c->mop);
                char *what = g_strdup_printf(
                    "qemu_%s%s_%s %s addr=0x%" G_GINT64_MODIFIER "x%s%s",
                    c->store ? "st" : "ld", size == 16 ? "128" : "",
                    type_name(c->type), m, addr,
                    c->const_addr ? " (const)" : "",
                    c->via_temp ? " via temp" : "");
                if (h_check_env(&exp, cfg, what)) {
                    for (unsigned i = 0; i < GMEM_SIZE + GMEM_SLACK; i++) {
                        if (gmem[i] != gmem_exp[i]) {
                            h_fail("%s [%s]: guest byte 0x%x expected "
                                   "0x%02x got 0x%02x", what,
                                   h_cfg_names[cfg], i, gmem_exp[i],
                                   gmem[i]);
                            break;
                        }
                    }
                }
                g_free(what);
                fails[cfg]++;
            }
        }
    }
}

static void qemu_case(QCase c, HRand *r)
{
    const void *code[H_NB_CFG];

    h_rewind();
    h_compile_all(build_qemu, &c, 0, "qemu_ld/st", code);
    run_qemu(&c, code, r, 150);
    /* A constant address: immediate forms. */
    c.const_addr = true;
    c.addr = h_rand_below(r, GMEM_SIZE - 16);
    h_rewind();
    h_compile_all(build_qemu, &c, 0, "qemu_ld/st const", code);
    run_qemu(&c, code, r, 4);
}

static void test_qemu_ld_st(void **state)
{
    HRand r = h_rand_init(IR_OP_qemu_ld);

    gmem = g_malloc0(GMEM_SIZE + GMEM_SLACK);
    H.guest_base = (uintptr_t)gmem;
    for (int store = 0; store < 2; store++) {
        for (int t = IR_I32; t <= IR_I64; t++) {
            for (unsigned sz = MO_8; sz <= (t == IR_I32 ? MO_32 : MO_64);
                 sz++) {
                for (unsigned flags = 0; flags < 4; flags++) {
                    QCase c = { .store = store, .type = (IRType)t,
                                .via_temp = flags & 2 };
                    bool sign = flags & 1;

                    if (sign && (store || sz == MO_64)) {
                        continue;
                    }
                    for (int be = 0; be < 2; be++) {
                        c.mop = sz | (sign ? MO_SIGN : 0) | (be ? MO_BE : 0);
                        qemu_case(c, &r);
                    }
                }
            }
        }
        for (int be = 0; be < 2; be++) {
            for (int via = 0; via < 2; via++) {
                QCase c = { .store = store, .type = IR_I64,
                            .mop = MO_128 | (be ? MO_BE : 0),
                            .via_temp = via };
                qemu_case(c, &r);
            }
        }
    }
    H.guest_base = 0;
    g_free(gmem);
    h_end_test();
}

/* ------------------------------------------------------------------ */
/* Helper calls                                                        */

static struct {
    int calls;
    unsigned nargs;
    uint64_t args[IR_MAX_HELPER_ARGS];
    int misaligned;
} hc;

static void hc_enter(unsigned nargs, bool misaligned)
{
    hc.calls++;
    hc.nargs = nargs;
    hc.misaligned += misaligned;
}

static void helper_v0(void)
{
    hc_enter(0, H_STACK_MISALIGNED());
}

static uint32_t helper_i32_1(uint32_t a)
{
    hc_enter(1, H_STACK_MISALIGNED());
    hc.args[0] = a;
    return a * 3 + 1;
}

static uint64_t helper_i64_2(uint64_t a, uint32_t b)
{
    hc_enter(2, H_STACK_MISALIGNED());
    hc.args[0] = a;
    hc.args[1] = b;
    return a ^ ((uint64_t)b << 7);
}

static uint64_t helper_i64_3(uint32_t a, uint64_t b, uint32_t c)
{
    hc_enter(3, H_STACK_MISALIGNED());
    hc.args[0] = a;
    hc.args[1] = b;
    hc.args[2] = c;
    return b - a + (uint64_t)c * 5;
}

static uint32_t helper_i32_4(uint64_t a, uint64_t b, uint32_t c, uint64_t d)
{
    hc_enter(4, H_STACK_MISALIGNED());
    hc.args[0] = a;
    hc.args[1] = b;
    hc.args[2] = c;
    hc.args[3] = d;
    return (uint32_t)(a + b * 3 - c) ^ (uint32_t)(d >> 32);
}

static void helper_v5(uint32_t a, uint32_t b, uint64_t c, uint32_t d,
                      uint64_t e)
{
    hc_enter(5, H_STACK_MISALIGNED());
    hc.args[0] = a;
    hc.args[1] = b;
    hc.args[2] = c;
    hc.args[3] = d;
    hc.args[4] = e;
}

static uint64_t helper_i64_6(uint64_t a, uint32_t b, uint64_t c, uint32_t d,
                             uint64_t e, uint32_t f)
{
    hc_enter(6, H_STACK_MISALIGNED());
    hc.args[0] = a;
    hc.args[1] = b;
    hc.args[2] = c;
    hc.args[3] = d;
    hc.args[4] = e;
    hc.args[5] = f;
    return a * 7 + b - c * 3 + d + (e ^ f);
}

static uint64_t helper_i64_7(uint32_t a, uint64_t b, uint32_t c, uint64_t d,
                             uint32_t e, uint64_t f, uint64_t g)
{
    hc_enter(7, H_STACK_MISALIGNED());
    hc.args[0] = a;
    hc.args[1] = b;
    hc.args[2] = c;
    hc.args[3] = d;
    hc.args[4] = e;
    hc.args[5] = f;
    hc.args[6] = g;
    return a + b * 3 + (uint64_t)c * 5 + d * 7 + (uint64_t)e * 11 + f * 13 +
           g * 17;
}

/*
 * Declared to the IR as returning i32: the upper half of the return
 * register is garbage, which the ABI allows.
 */
static uint64_t helper_i32_7_dirty(uint32_t a, uint32_t b, uint32_t c,
                                   uint32_t d, uint32_t e, uint32_t f,
                                   uint32_t g)
{
    hc_enter(7, H_STACK_MISALIGNED());
    hc.args[0] = a;
    hc.args[1] = b;
    hc.args[2] = c;
    hc.args[3] = d;
    hc.args[4] = e;
    hc.args[5] = f;
    hc.args[6] = g;
    return 0xdeadbeef00000000ull |
           (uint32_t)(a ^ (b * 3) ^ (c * 5) ^ (d * 7) ^ (e * 11) ^ (f * 13) ^
                      (g * 17));
}

typedef struct HelperDef {
    IRHelperInfo info;
    uint64_t (*ref)(const uint64_t *a);
} HelperDef;

static uint64_t ref_v(const uint64_t *a)
{
    return 0;
}

static uint64_t ref_i32_1(const uint64_t *a)
{
    return (uint32_t)(a[0] * 3 + 1);
}

static uint64_t ref_i64_2(const uint64_t *a)
{
    return a[0] ^ (a[1] << 7);
}

static uint64_t ref_i64_3(const uint64_t *a)
{
    return a[1] - a[0] + a[2] * 5;
}

static uint64_t ref_i32_4(const uint64_t *a)
{
    return (uint32_t)((uint32_t)(a[0] + a[1] * 3 - a[2]) ^
                      (uint32_t)(a[3] >> 32));
}

static uint64_t ref_i64_6(const uint64_t *a)
{
    return a[0] * 7 + a[1] - a[2] * 3 + a[3] + (a[4] ^ a[5]);
}

static uint64_t ref_i64_7(const uint64_t *a)
{
    return a[0] + a[1] * 3 + a[2] * 5 + a[3] * 7 + a[4] * 11 + a[5] * 13 +
           a[6] * 17;
}

static uint64_t ref_i32_7(const uint64_t *a)
{
    return (uint32_t)(a[0] ^ (a[1] * 3) ^ (a[2] * 5) ^ (a[3] * 7) ^
                      (a[4] * 11) ^ (a[5] * 13) ^ (a[6] * 17));
}

#define I32 IR_I32
#define I64 IR_I64
static const HelperDef helpers[] = {
    { { helper_v0, "v0", 0, 0, IR_VOID, { 0 } }, ref_v },
    { { helper_i32_1, "i32_1", 0, 1, I32, { I32 } }, ref_i32_1 },
    { { helper_i64_2, "i64_2", 0, 2, I64, { I64, I32 } }, ref_i64_2 },
    { { helper_i64_3, "i64_3", 0, 3, I64, { I32, I64, I32 } }, ref_i64_3 },
    { { helper_i32_4, "i32_4", 0, 4, I32, { I64, I64, I32, I64 } },
      ref_i32_4 },
    { { helper_v5, "v5", 0, 5, IR_VOID, { I32, I32, I64, I32, I64 } },
      ref_v },
    { { helper_i64_6, "i64_6", IR_CALL_PURE, 6, I64,
        { I64, I32, I64, I32, I64, I32 } }, ref_i64_6 },
    { { helper_i64_7, "i64_7", 0, 7, I64,
        { I32, I64, I32, I64, I32, I64, I64 } }, ref_i64_7 },
    { { helper_i32_7_dirty, "i32_7_dirty", IR_CALL_NO_RAISE, 7, I32,
        { I32, I32, I32, I32, I32, I32, I32 } }, ref_i32_7 },
};
#undef I32
#undef I64

typedef struct CallCase {
    const HelperDef *h;
    unsigned form;  /* 0 globals, 1 consts, 2 temps (one shared), 3 i32
                       args from extrl of i64 globals */
    uint64_t cval[IR_MAX_HELPER_ARGS];
} CallCase;

static void build_call(IRContext *s, void *opaque)
{
    const CallCase *c = opaque;
    const IRHelperInfo *info = &c->h->info;
    IRTemp args[IR_MAX_HELPER_ARGS], ret = 0;

    for (unsigned i = 0; i < info->nb_args; i++) {
        IRType t = (IRType)info->arg_types[i];

        switch (c->form) {
        case 1:
            args[i] = ir_const(s, t, (int64_t)c->cval[i]);
            break;
        case 2:
            if (i > 0 && info->arg_types[i - 1] == t && i % 3 == 2) {
                args[i] = args[i - 1]; /* same temp twice */
            } else {
                args[i] = ir_temp_new(s, t);
                ir_mov(s, args[i], h_global(t, i));
            }
            break;
        case 3:
            if (t == IR_I32) {
                args[i] = ir_temp_new(s, IR_I32);
                ir_extrl_i64_i32(s, args[i], H.r[16 + i]);
            } else {
                args[i] = h_global(t, i);
            }
            break;
        default:
            args[i] = h_global(t, i);
            break;
        }
    }
    if (info->ret_type != IR_VOID) {
        ret = ir_temp_new(s, (IRType)info->ret_type);
    }
    ir_call(s, info, ret, args);
    if (info->ret_type == IR_I32) {
        ir_mov(s, H.w[8], ret);
        ir_extu_i32_i64(s, H.r[10], ret);
    } else if (info->ret_type == IR_I64) {
        ir_mov(s, H.r[8], ret);
    }
}

/* The argument values c passes when env holds e. */
static void call_args(const CallCase *c, const TestEnv *e, uint64_t *a)
{
    const IRHelperInfo *info = &c->h->info;

    for (unsigned i = 0; i < info->nb_args; i++) {
        IRType t = (IRType)info->arg_types[i];

        switch (c->form) {
        case 1:
            a[i] = c->cval[i] & h_mask(t);
            break;
        case 2:
            if (i > 0 && info->arg_types[i - 1] == t && i % 3 == 2) {
                a[i] = a[i - 1];
            } else {
                a[i] = h_env_get(e, t, i);
            }
            break;
        case 3:
            a[i] = t == IR_I32 ? (uint32_t)e->r[16 + i] : e->r[i];
            break;
        default:
            a[i] = h_env_get(e, t, i);
            break;
        }
    }
}

static void run_call(const CallCase *c, const void *const *code, HRand *r,
                     unsigned n)
{
    const IRHelperInfo *info = &c->h->info;
    unsigned fails[H_NB_CFG] = { 0 };
    TestEnv in_env, exp;

    for (unsigned it = 0; it < n; it++) {
        uint64_t a[IR_MAX_HELPER_ARGS] = { 0 }, res;

        h_fill_env(&in_env, r);
        call_args(c, &in_env, a);
        res = c->h->ref(a);
        exp = in_env;
        if (info->ret_type == IR_I32) {
            exp.w[8] = (uint32_t)res;
            exp.r[10] = (uint32_t)res;
        } else if (info->ret_type == IR_I64) {
            exp.r[8] = res;
        }
        for (int cfg = 0; cfg < H_NB_CFG; cfg++) {
            bool bad = false;

            if (!code[cfg] || fails[cfg] >= MAX_FAILS_PER_CFG) {
                continue;
            }
            memset(&hc, 0, sizeof(hc));
            *H.env = in_env;
            h_run(cfg, code[cfg]);
            if (hc.calls != 1) {
                h_fail("call %s form %u [%s]: helper called %d times",
                       info->name, c->form, h_cfg_names[cfg], hc.calls);
                bad = true;
            }
            if (hc.misaligned) {
                h_fail("call %s form %u [%s]: stack not 16-byte aligned "
                       "at the call", info->name, c->form,
                       h_cfg_names[cfg]);
                bad = true;
            }
            for (unsigned i = 0; i < info->nb_args && hc.calls; i++) {
                if (hc.args[i] != a[i]) {
                    h_fail("call %s form %u [%s]: arg %u (%s) expected 0x%"
                           G_GINT64_MODIFIER "x got 0x%" G_GINT64_MODIFIER
                           "x", info->name, c->form, h_cfg_names[cfg], i,
                           info->arg_types[i] == IR_I32 ? "i32" : "i64",
                           a[i], hc.args[i]);
                    bad = true;
                }
            }
            if (memcmp(H.env, &exp, sizeof(exp))) {
                char *what = g_strdup_printf("call %s form %u (result)",
                                             info->name, c->form);
                h_check_env(&exp, cfg, what);
                g_free(what);
                bad = true;
            }
            fails[cfg] += bad;
        }
    }
}

static void test_call_args(void **state)
{
    HRand r = h_rand_init(IR_OP_call);

    for (unsigned i = 0; i < G_N_ELEMENTS(helpers); i++) {
        for (unsigned form = 0; form < 4; form++) {
            CallCase c = { .h = &helpers[i], .form = form };
            const void *code[H_NB_CFG];
            unsigned nconst = form == 1 ? 20 : 1;

            for (unsigned k = 0; k < nconst; k++) {
                for (unsigned j = 0; j < IR_MAX_HELPER_ARGS; j++) {
                    c.cval[j] = h_rand_value(&r, IR_I64);
                }
                h_rewind();
                h_compile_all(build_call, &c, 0, "call", code);
                run_call(&c, code, &r, form == 1 ? 3 : 300);
            }
        }
    }
    h_end_test();
}

/*
 * Globals are written back before a call and reloaded after: the helper
 * checks r3 and w5 hold what the TB just computed (in registers), and
 * changes r4 and w5, which the TB then reads (r4 was loaded before the
 * call, so a stale copy would show).
 */
static uint64_t env_seen_r3, env_seen_w5;

static uint64_t helper_env(void *env, uint64_t x)
{
    TestEnv *e = env;

    env_seen_r3 = e->r[3];
    env_seen_w5 = e->w[5];
    e->r[4] = e->r[3] * 3 + x;
    e->w[5] ^= 0x55aa55aa;
    return x + 1;
}

static const IRHelperInfo helper_env_info = {
    helper_env, "env", 0, 2, IR_I64, { IR_I64, IR_I64 },
};

static void build_env_call(IRContext *s, void *opaque)
{
    IRTemp ret = ir_temp_new(s, IR_I64);
    IRTemp t = ir_temp_new(s, IR_I32);

    ir_add(s, H.r[3], H.r[3], H.r[0]);
    ir_mov(s, H.w[5], H.w[1]);
    ir_mov(s, H.r[8], H.r[4]);
    ir_call(s, &helper_env_info, ret, (const IRTemp[]){ s->env, H.r[2] });
    ir_addi(s, H.r[6], H.r[4], 1);
    ir_addi(s, t, H.w[5], 1);
    ir_mov(s, H.w[7], t);
    ir_mov(s, H.r[9], ret);
    ir_add(s, H.r[10], H.r[3], H.r[8]);
}

static void test_call_globals(void **state)
{
    HRand r = h_rand_init(0xca11);
    const void *code[H_NB_CFG];
    TestEnv in_env, exp;

    h_rewind();
    for (int opt = 0; opt < 2; opt++) {
        h_compile_all(build_env_call, NULL, opt ? H_OPT : 0, "call env",
                      code);
        for (unsigned it = 0; it < 200; it++) {
            uint64_t r3;

            h_fill_env(&in_env, &r);
            exp = in_env;
            r3 = in_env.r[3] + in_env.r[0];
            exp.r[3] = r3;
            exp.r[8] = in_env.r[4];
            exp.r[4] = r3 * 3 + in_env.r[2];
            exp.w[5] = in_env.w[1] ^ 0x55aa55aa;
            exp.r[6] = exp.r[4] + 1;
            exp.w[7] = exp.w[5] + 1;
            exp.r[9] = in_env.r[2] + 1;
            exp.r[10] = r3 + in_env.r[4];
            for (int cfg = 0; cfg < H_NB_CFG; cfg++) {
                if (!code[cfg]) {
                    continue;
                }
                *H.env = in_env;
                env_seen_r3 = env_seen_w5 = ~0ull;
                h_run(cfg, code[cfg]);
                if (env_seen_r3 != r3 || env_seen_w5 != in_env.w[1]) {
                    h_fail("call env%s [%s]: globals not synced before the "
                           "call: helper saw r3=0x%" G_GINT64_MODIFIER
                           "x (expected 0x%" G_GINT64_MODIFIER "x) w5=0x%"
                           G_GINT64_MODIFIER "x (expected 0x%x)",
                           opt ? " opt" : "", h_cfg_names[cfg],
                           env_seen_r3, r3, env_seen_w5, in_env.w[1]);
                }
                h_check_env(&exp, cfg, opt ? "call env opt (globals after "
                                             "the call)"
                                           : "call env (globals after the "
                                             "call)");
            }
            if (H.errors > H_MAX_PRINT) {
                break;
            }
        }
    }
    h_end_test();
}

/*
 * A helper that promises not to touch globals (IR_CALL_PURE) but
 * clobbers every caller-saved register: values live across it must
 * survive, in registers or not.
 */
static uint64_t helper_trash(uint64_t a)
{
    h_trash_caller_saved();
    return a + 1;
}

static const IRHelperInfo helper_trash_info = {
    helper_trash, "trash", IR_CALL_PURE, 1, IR_I64, { IR_I64 },
};

static void build_trash_call(IRContext *s, void *opaque)
{
    IRTemp t[8], w[4], ret = ir_temp_new(s, IR_I64);

    for (int i = 0; i < 8; i++) {
        t[i] = ir_temp_new(s, IR_I64);
        ir_add(s, t[i], H.r[i], H.r[(i + 1) % 8]);
    }
    for (int i = 0; i < 4; i++) {
        w[i] = ir_temp_new(s, IR_I32);
        ir_xor(s, w[i], H.w[i], H.w[i + 1]);
    }
    ir_add(s, H.r[10], H.r[10], H.r[11]);
    ir_call(s, &helper_trash_info, ret, (const IRTemp[]){ t[0] });
    for (int i = 0; i < 8; i++) {
        ir_add(s, H.r[16 + i], t[i], ret);
    }
    for (int i = 0; i < 4; i++) {
        ir_mov(s, H.w[16 + i], w[i]);
    }
    ir_add(s, H.r[12], H.r[10], ret);
}

static void test_call_clobber(void **state)
{
    HRand r = h_rand_init(0x7a5);
    const void *code[H_NB_CFG];
    TestEnv in_env, exp;

    h_rewind();
    for (int opt = 0; opt < 2; opt++) {
        h_compile_all(build_trash_call, NULL, opt ? H_OPT : 0, "call trash",
                      code);
        for (unsigned it = 0; it < 100; it++) {
            uint64_t ret;

            h_fill_env(&in_env, &r);
            exp = in_env;
            ret = in_env.r[0] + in_env.r[1] + 1;
            for (int i = 0; i < 8; i++) {
                exp.r[16 + i] = in_env.r[i] + in_env.r[(i + 1) % 8] + ret;
            }
            for (int i = 0; i < 4; i++) {
                exp.w[16 + i] = in_env.w[i] ^ in_env.w[i + 1];
            }
            exp.r[10] = in_env.r[10] + in_env.r[11];
            exp.r[12] = exp.r[10] + ret;
            for (int cfg = 0; cfg < H_NB_CFG; cfg++) {
                if (!code[cfg]) {
                    continue;
                }
                *H.env = in_env;
                h_run(cfg, code[cfg]);
                h_check_env(&exp, cfg, opt ? "values across a clobbering "
                                             "call (opt)"
                                           : "values across a clobbering "
                                             "call");
            }
            if (H.errors > H_MAX_PRINT) {
                break;
            }
        }
    }
    h_end_test();
}

/* ------------------------------------------------------------------ */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mov),
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_sub),
        cmocka_unit_test(test_mul),
        cmocka_unit_test(test_mulu2),
        cmocka_unit_test(test_muls2),
        cmocka_unit_test(test_divs),
        cmocka_unit_test(test_divu),
        cmocka_unit_test(test_rems),
        cmocka_unit_test(test_remu),
        cmocka_unit_test(test_and),
        cmocka_unit_test(test_or),
        cmocka_unit_test(test_xor),
        cmocka_unit_test(test_andc),
        cmocka_unit_test(test_orc),
        cmocka_unit_test(test_eqv),
        cmocka_unit_test(test_nand),
        cmocka_unit_test(test_nor),
        cmocka_unit_test(test_not),
        cmocka_unit_test(test_neg),
        cmocka_unit_test(test_shl),
        cmocka_unit_test(test_shr),
        cmocka_unit_test(test_sar),
        cmocka_unit_test(test_rotl),
        cmocka_unit_test(test_rotr),
        cmocka_unit_test(test_ext8s),
        cmocka_unit_test(test_ext8u),
        cmocka_unit_test(test_ext16s),
        cmocka_unit_test(test_ext16u),
        cmocka_unit_test(test_ext32s),
        cmocka_unit_test(test_ext32u),
        cmocka_unit_test(test_ext_i32_i64),
        cmocka_unit_test(test_extu_i32_i64),
        cmocka_unit_test(test_extrl_i64_i32),
        cmocka_unit_test(test_extrh_i64_i32),
        cmocka_unit_test(test_extract),
        cmocka_unit_test(test_sextract),
        cmocka_unit_test(test_deposit),
        cmocka_unit_test(test_extract2),
        cmocka_unit_test(test_bswap16),
        cmocka_unit_test(test_bswap32),
        cmocka_unit_test(test_bswap64),
        cmocka_unit_test(test_clz),
        cmocka_unit_test(test_ctz),
        cmocka_unit_test(test_ctpop),
        cmocka_unit_test(test_setcond),
        cmocka_unit_test(test_negsetcond),
        cmocka_unit_test(test_movcond),
        cmocka_unit_test(test_brcond),
        cmocka_unit_test(test_add2),
        cmocka_unit_test(test_sub2),
        cmocka_unit_test(test_ld_st),
        cmocka_unit_test(test_qemu_ld_st),
        cmocka_unit_test(test_call_args),
        cmocka_unit_test(test_call_globals),
        cmocka_unit_test(test_call_clobber),
    };

    return cmocka_run_group_tests(tests, h_group_setup, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The optimizer: (a) hand-written programs whose optimized form is known
 * (asserting the essentials: which opcodes survive, how many value ops,
 * the folded constant), each also run unoptimized and optimized on the
 * interpreter and the JIT; (b) random programs (arithmetic on i32/i64
 * temps, globals and constants, setcond/movcond, forward branches, host
 * ld/st on env) run unoptimized and optimized on both backends, with
 * identical results required.
 *
 * "Value ops" are the ops left after dropping nops, ops whose results are
 * never used (the optimizer leaves those to liveness), insn_start,
 * labels, branches and exit_tb.
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
/* Inspecting the optimized IR                                         */

typedef struct Kept {
    unsigned n;
    uint32_t idx[1024];     /* kept ops, in order */
} Kept;

static bool op_is_control(const IROp *op)
{
    switch (op->opc) {
    case IR_OP_exit_tb:
    case IR_OP_insn_start:
    case IR_OP_set_label:
    case IR_OP_br:
    case IR_OP_brcond:
    case IR_OP_goto_tb:
    case IR_OP_goto_ptr:
        return true;
    default:
        return false;
    }
}

/*
 * The ops that matter: side effects, control flow, writes to globals,
 * and writes to temps read later (forward branches only, so "later in
 * the list" is every successor; a temp once read stays live).
 */
static void kept_ops(IRContext *s, Kept *k)
{
    bool *live = g_new0(bool, s->nb_temps);
    bool *keep = g_new0(bool, s->nb_ops);

    for (int i = (int)s->nb_ops - 1; i >= 0; i--) {
        const IROp *op = &s->ops[i];
        unsigned f = ir_op_defs[op->opc].flags;
        bool k_op;

        if (op->opc == IR_OP_nop || op->opc == IR_OP_discard) {
            continue;
        }
        k_op = (f & (IR_OPF_SIDE_EFFECTS | IR_OPF_BB_END | IR_OPF_EXIT |
                     IR_OPF_MEM | IR_OPF_CALL_CLOBBER)) ||
               op_is_control(op);
        for (unsigned o = 0; o < op->nb_oargs; o++) {
            IRTemp t = (IRTemp)op->args[o];
            if (s->temps[t].kind != IR_TEMP_NORMAL || live[t]) {
                k_op = true;
            }
        }
        if (!k_op) {
            continue;
        }
        keep[i] = true;
        for (unsigned j = 0; j < op->nb_iargs; j++) {
            live[op->args[op->nb_oargs + j]] = true;
        }
    }
    k->n = 0;
    for (uint32_t i = 0; i < s->nb_ops && k->n < G_N_ELEMENTS(k->idx); i++) {
        if (keep[i]) {
            k->idx[k->n++] = i;
        }
    }
    g_free(live);
    g_free(keep);
}

static char *dump_ir(IRContext *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    ir_dump(s, m);
    fclose(m);
    return buf;
}

/* The result of optimizing one hand-written program. */
typedef struct Opt {
    IRContext *s;
    Kept k;
    const char *name;
    char *text;             /* ir_dump after optimization */
} Opt;

static bool optimize_prog(Opt *o, const char *name, HBuildFn fn,
                          void *opaque)
{
    IRContext *s = h_begin();

    fn(s, opaque);
    ir_exit_tb(s, 0);
    o->s = s;
    o->name = name;
    o->text = NULL;
    if (!h_verify(s, name)) {
        return false;
    }
    ir_optimize(s);
    if (!h_verify(s, "after ir_optimize")) {
        return false;
    }
    kept_ops(s, &o->k);
    o->text = dump_ir(s);
    return true;
}

static void opt_done(Opt *o)
{
    free(o->text);
    o->text = NULL;
}

static IROp *kop(Opt *o, unsigned i)
{
    return &o->s->ops[o->k.idx[i]];
}

static unsigned count_opc(Opt *o, IROpcode opc)
{
    unsigned n = 0;

    for (unsigned i = 0; i < o->k.n; i++) {
        n += kop(o, i)->opc == opc;
    }
    return n;
}

static unsigned count_value_ops(Opt *o)
{
    unsigned n = 0;

    for (unsigned i = 0; i < o->k.n; i++) {
        n += !op_is_control(kop(o, i));
    }
    return n;
}

/* The kept op writing t (the last one), or NULL. */
static IROp *writer_of(Opt *o, IRTemp t)
{
    IROp *w = NULL;

    for (unsigned i = 0; i < o->k.n; i++) {
        IROp *op = kop(o, i);
        for (unsigned j = 0; j < op->nb_oargs; j++) {
            if (op->args[j] == t) {
                w = op;
            }
        }
    }
    return w;
}

static void expect(Opt *o, bool cond, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
static void expect(Opt *o, bool cond, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (cond) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    h_fail("%s: %s; optimized IR:\n%s", o->name, msg,
           o->text ? o->text : "(none)");
    g_free(msg);
}

static void expect_no_op(Opt *o, IROpcode opc)
{
    expect(o, count_opc(o, opc) == 0, "%s should be gone",
           ir_op_defs[opc].name);
}

static void expect_value_ops(Opt *o, unsigned n)
{
    unsigned got = count_value_ops(o);

    expect(o, got == n, "expected %u value op(s), got %u", n, got);
}

/* Global g is set to constant v by a mov from a constant temp. */
static void expect_movi(Opt *o, IRTemp g, uint64_t v)
{
    IROp *w = writer_of(o, g);
    IRType t = ir_temp_type(o->s, g);
    char name[32];

    ir_temp_name(o->s, g, name, sizeof(name));
    if (!w || w->opc != IR_OP_mov ||
        o->s->temps[w->args[1]].kind != IR_TEMP_CONST) {
        expect(o, false, "%s should be set by a mov from a constant", name);
        return;
    }
    expect(o, ((uint64_t)o->s->temps[w->args[1]].val & h_mask(t)) ==
                  (v & h_mask(t)),
           "%s = 0x%" G_GINT64_MODIFIER "x, expected 0x%" G_GINT64_MODIFIER
           "x", name, (uint64_t)o->s->temps[w->args[1]].val, v);
}

/*
 * Global g is a copy of src: a mov from src, or from a temp or global
 * that is itself (by a chain of movs) a copy of src.
 */
static void expect_copy(Opt *o, IRTemp g, IRTemp src)
{
    IROp *w = writer_of(o, g);
    char name[32], sname[32];
    bool ok = false;

    for (int depth = 0; depth < 4 && w && w->opc == IR_OP_mov; depth++) {
        if (w->args[1] == src) {
            ok = true;
            break;
        }
        w = writer_of(o, (IRTemp)w->args[1]);
    }
    ir_temp_name(o->s, g, name, sizeof(name));
    ir_temp_name(o->s, src, sname, sizeof(sname));
    expect(o, ok, "%s should be a copy of %s", name, sname);
}

static void expect_not_written(Opt *o, IRTemp g)
{
    char name[32];

    ir_temp_name(o->s, g, name, sizeof(name));
    expect(o, writer_of(o, g) == NULL, "%s should not be written (dead "
           "code)", name);
}

/*
 * Run the program unoptimized and optimized on the interpreter and the
 * JIT (and the baseline JIT, optimized) with `n` random envs: every
 * result equals the unoptimized interpreter's.  Returns false on a
 * difference.
 */
enum { R_INTERP, R_INTERP_OPT, R_JIT, R_JIT_OPT, R_BASE_OPT, R_COUNT };
static const char *const run_names[R_COUNT] = {
    "interp", "interp+opt", "jit", "jit+opt", "jit-base+opt",
};
static const int run_cfg[R_COUNT] = {
    H_INTERP, H_INTERP, H_JIT, H_JIT, H_JIT_BASE,
};

static void (*env_fixup)(TestEnv *e);   /* per-test env constraints */

static bool check_semantics(const char *name, HBuildFn fn, void *opaque,
                            HRand *r, unsigned n)
{
    const void *code[R_COUNT];
    TestEnv in_env, ref;
    uintptr_t ref_ret;
    bool ok = true;

    h_rewind();
    for (int i = 0; i < R_COUNT; i++) {
        bool opt = i == R_INTERP_OPT || i == R_JIT_OPT || i == R_BASE_OPT;
        code[i] = h_compile(run_cfg[i], fn, opaque, opt ? H_OPT : 0, name);
        if (!code[i]) {
            return false;
        }
    }
    for (unsigned it = 0; it < n && ok; it++) {
        h_fill_env(&in_env, r);
        if (env_fixup) {
            env_fixup(&in_env);
        }
        *H.env = in_env;
        ref_ret = h_run(H_INTERP, code[R_INTERP]);
        ref = *H.env;
        for (int i = 1; i < R_COUNT; i++) {
            uintptr_t ret;
            char *what;

            *H.env = in_env;
            ret = h_run(run_cfg[i], code[i]);
            if (ret == ref_ret && !memcmp(H.env, &ref, sizeof(ref))) {
                continue;
            }
            what = g_strdup_printf("%s: %s differs from unoptimized interp "
                                   "(exit %lu vs %lu)", name, run_names[i],
                                   (unsigned long)ret,
                                   (unsigned long)ref_ret);
            if (h_check_env(&ref, run_cfg[i], what)) {
                h_fail("%s", what);
            }
            g_free(what);
            ok = false;
        }
    }
    return ok;
}

/* Optimize, check with fn_check, then check semantics. */
static void pair(const char *name, HBuildFn build, void (*check)(Opt *o))
{
    HRand r = h_rand_init(g_str_hash(name));
    Opt o;

    if (optimize_prog(&o, name, build, NULL)) {
        check(&o);
    }
    opt_done(&o);
    check_semantics(name, build, NULL, &r, 20);
    env_fixup = NULL;
    h_end_test();
}

#define C64(v) ir_const_i64(s, (int64_t)(v))
#define C32(v) ir_const_i32(s, (int32_t)(v))
#define T64() ir_temp_new(s, IR_I64)
#define T32() ir_temp_new(s, IR_I32)
#define R(i) (H.r[i])
#define W(i) (H.w[i])

/* ------------------------------------------------------------------ */
/* (a) hand-written pairs                                              */

/* add x, 0 -> copy */
static void b_add_zero(IRContext *s, void *o)
{
    IRTemp t = T64(), u = T32();

    ir_add(s, t, R(0), C64(0));
    ir_mov(s, R(1), t);
    ir_add(s, u, C32(0), W(0));
    ir_mov(s, W(1), u);
}

static void c_add_zero(Opt *o)
{
    expect_no_op(o, IR_OP_add);
    expect_value_ops(o, 2);
    expect_copy(o, R(1), R(0));
    expect_copy(o, W(1), W(0));
}

static void test_add_zero(void **state)
{
    pair("add x,0", b_add_zero, c_add_zero);
}

/* (3 + 4) * 5 << 2 - 1 -> 139 */
static void b_fold_chain(IRContext *s, void *o)
{
    IRTemp t1 = T64(), t2 = T64(), t3 = T64(), t4 = T64();

    ir_add(s, t1, C64(3), C64(4));
    ir_mul(s, t2, t1, C64(5));
    ir_shl(s, t3, t2, C64(2));
    ir_sub(s, t4, t3, C64(1));
    ir_mov(s, R(1), t4);
}

static void c_fold_chain(Opt *o)
{
    expect_value_ops(o, 1);
    expect_movi(o, R(1), 139);
}

static void test_fold_chain(void **state)
{
    pair("constant chain add/mul/shl/sub", b_fold_chain, c_fold_chain);
}

/* i32: 0x7fffffff + 1 = 0x80000000; sar 4 -> 0xf8000000; rotl 4 ... */
static void b_fold_i32(IRContext *s, void *o)
{
    IRTemp t = T32(), u = T32(), v = T32(), x = T32();

    ir_add(s, t, C32(0x7fffffff), C32(1));
    ir_sar(s, u, t, C32(36));           /* count mod 32 = 4 */
    ir_rotl(s, v, u, C32(4));
    ir_mul(s, x, v, C32(0x10001));
    ir_mov(s, W(1), u);
    ir_mov(s, W(2), v);
    ir_mov(s, W(3), x);
}

static void c_fold_i32(Opt *o)
{
    expect_value_ops(o, 3);
    expect_movi(o, W(1), 0xf8000000);
    expect_movi(o, W(2), 0x8000000f);
    expect_movi(o, W(3), (uint32_t)(0x8000000fu * 0x10001u));
}

static void test_fold_i32(void **state)
{
    pair("i32 constant folding wraps", b_fold_i32, c_fold_i32);
}

/* brcond on constants, true: becomes br; the skipped code goes away. */
static void b_brcond_true(IRContext *s, void *o)
{
    IRLabel l = ir_label_new(s);

    ir_brcond(s, IR_COND_LT, C64(1), C64(2), l);
    ir_movi(s, R(1), 5);
    ir_add(s, R(2), R(2), R(3));
    ir_set_label(s, l);
    ir_movi(s, R(4), 6);
}

static void c_brcond_true(Opt *o)
{
    expect_no_op(o, IR_OP_brcond);
    expect_not_written(o, R(1));
    expect_not_written(o, R(2));
    expect_movi(o, R(4), 6);
}

static void test_brcond_const_true(void **state)
{
    pair("brcond on constants (taken)", b_brcond_true, c_brcond_true);
}

/* brcond on constants, false: removed. */
static void b_brcond_false(IRContext *s, void *o)
{
    IRLabel l = ir_label_new(s);

    ir_brcond(s, IR_COND_GTU, C32(1), C32(-1), l);
    ir_movi(s, R(1), 5);
    ir_set_label(s, l);
    ir_movi(s, R(4), 6);
}

static void c_brcond_false(Opt *o)
{
    expect_no_op(o, IR_OP_brcond);
    expect_no_op(o, IR_OP_br);
    expect_movi(o, R(1), 5);
    expect_movi(o, R(4), 6);
}

static void test_brcond_const_false(void **state)
{
    pair("brcond on constants (not taken)", b_brcond_false, c_brcond_false);
}

/* and x, 0 -> 0; and x, -1 -> x */
static void b_and_const(IRContext *s, void *o)
{
    IRTemp t = T64(), u = T64(), v = T32();

    ir_and(s, t, R(0), C64(0));
    ir_mov(s, R(1), t);
    ir_and(s, u, C64(-1), R(0));
    ir_mov(s, R(2), u);
    ir_and(s, v, W(0), C32(-1));
    ir_mov(s, W(3), v);
}

static void c_and_const(Opt *o)
{
    expect_no_op(o, IR_OP_and);
    expect_value_ops(o, 3);
    expect_movi(o, R(1), 0);
    expect_copy(o, R(2), R(0));
    expect_copy(o, W(3), W(0));
}

static void test_and_const(void **state)
{
    pair("and x,0 / and x,-1", b_and_const, c_and_const);
}

/* xor x, x -> 0; sub x, x -> 0 (also through a copy) */
static void b_xor_self(IRContext *s, void *o)
{
    IRTemp t = T64(), c = T64(), u = T64(), v = T32();

    ir_xor(s, t, R(0), R(0));
    ir_mov(s, R(1), t);
    ir_mov(s, c, R(5));
    ir_sub(s, u, c, R(5));
    ir_mov(s, R(2), u);
    ir_xor(s, v, W(4), W(4));
    ir_mov(s, W(3), v);
}

static void c_xor_self(Opt *o)
{
    expect_no_op(o, IR_OP_xor);
    expect_no_op(o, IR_OP_sub);
    expect_value_ops(o, 3);
    expect_movi(o, R(1), 0);
    expect_movi(o, R(2), 0);
    expect_movi(o, W(3), 0);
}

static void test_xor_sub_self(void **state)
{
    pair("xor x,x / sub x,x", b_xor_self, c_xor_self);
}

/* ext8u then and 0xff: one of them goes */
static void b_ext8u_and(IRContext *s, void *o)
{
    IRTemp t = T64(), u = T64();

    ir_ext8u(s, t, R(0));
    ir_andi(s, u, t, 0xff);
    ir_mov(s, R(1), u);
}

static void c_ext8u_and(Opt *o)
{
    unsigned n = count_opc(o, IR_OP_ext8u) + count_opc(o, IR_OP_and);
    unsigned movs = count_opc(o, IR_OP_mov);

    expect(o, n == 1, "expected one ext8u or and, got %u", n);
    expect(o, count_value_ops(o) == n + movs, "expected nothing but the "
           "ext8u/and and movs");
}

static void test_ext8u_and(void **state)
{
    pair("ext8u + and 0xff", b_ext8u_and, c_ext8u_and);
}

/* Code after br up to the label is removed. */
static void b_dead_after_br(IRContext *s, void *o)
{
    IRLabel l = ir_label_new(s);

    ir_movi(s, R(0), 1);
    ir_br(s, l);
    ir_movi(s, R(1), 1);
    ir_add(s, R(2), R(2), R(3));
    ir_mul(s, R(3), R(2), R(3));
    ir_set_label(s, l);
    ir_movi(s, R(4), 3);
}

static void c_dead_after_br(Opt *o)
{
    expect_not_written(o, R(1));
    expect_not_written(o, R(2));
    expect_not_written(o, R(3));
    expect_no_op(o, IR_OP_add);
    expect_no_op(o, IR_OP_mul);
    expect_movi(o, R(0), 1);
    expect_movi(o, R(4), 3);
}

static void test_dead_after_br(void **state)
{
    pair("dead code after br", b_dead_after_br, c_dead_after_br);
}

/* or x, x -> x; or x, 0 -> x; xor x, 0 -> x */
static void b_or_self(IRContext *s, void *o)
{
    IRTemp t = T64(), u = T64(), v = T32();

    ir_or(s, t, R(0), R(0));
    ir_mov(s, R(1), t);
    ir_or(s, u, R(5), C64(0));
    ir_mov(s, R(2), u);
    ir_xor(s, v, C32(0), W(6));
    ir_mov(s, W(3), v);
}

static void c_or_self(Opt *o)
{
    expect_no_op(o, IR_OP_or);
    expect_no_op(o, IR_OP_xor);
    expect_value_ops(o, 3);
    expect_copy(o, R(1), R(0));
    expect_copy(o, R(2), R(5));
    expect_copy(o, W(3), W(6));
}

static void test_or_self(void **state)
{
    pair("or x,x / or x,0 / xor x,0", b_or_self, c_or_self);
}

/* mul x, 1 -> x; mul x, 0 -> 0 */
static void b_mul_const(IRContext *s, void *o)
{
    IRTemp t = T64(), u = T32();

    ir_mul(s, t, R(0), C64(1));
    ir_mov(s, R(1), t);
    ir_mul(s, u, C32(0), W(0));
    ir_mov(s, W(2), u);
}

static void c_mul_const(Opt *o)
{
    expect_no_op(o, IR_OP_mul);
    expect_value_ops(o, 2);
    expect_copy(o, R(1), R(0));
    expect_movi(o, W(2), 0);
}

static void test_mul_const(void **state)
{
    pair("mul x,1 / mul 0,x", b_mul_const, c_mul_const);
}

/* shifts and rotates by 0 (and by the width, count mod W) -> x */
static void b_shift_zero(IRContext *s, void *o)
{
    IRTemp t = T64(), u = T64(), v = T32(), x = T32();

    ir_shl(s, t, R(0), C64(0));
    ir_mov(s, R(1), t);
    ir_sar(s, u, R(0), C64(64));
    ir_mov(s, R(2), u);
    ir_rotl(s, v, W(0), C32(32));
    ir_mov(s, W(3), v);
    ir_shr(s, x, W(0), C32(0));
    ir_mov(s, W(4), x);
}

static void c_shift_zero(Opt *o)
{
    expect_no_op(o, IR_OP_shl);
    expect_no_op(o, IR_OP_sar);
    expect_no_op(o, IR_OP_rotl);
    expect_no_op(o, IR_OP_shr);
    expect_value_ops(o, 4);
    expect_copy(o, R(1), R(0));
    expect_copy(o, R(2), R(0));
    expect_copy(o, W(3), W(0));
    expect_copy(o, W(4), W(0));
}

static void test_shift_zero(void **state)
{
    pair("shift/rotate by 0 mod width", b_shift_zero, c_shift_zero);
}

/* setcond / negsetcond on constants */
static void b_setcond_const(IRContext *s, void *o)
{
    IRTemp t = T64(), u = T64(), v = T32(), x = T32();

    ir_setcond(s, IR_COND_GTU, t, C64(5), C64(3));
    ir_mov(s, R(1), t);
    ir_negsetcond(s, IR_COND_LT, u, C64(5), C64(-3));
    ir_mov(s, R(2), u);
    ir_negsetcond(s, IR_COND_LTU, v, C32(5), C32(-3));
    ir_mov(s, W(3), v);
    ir_setcond(s, IR_COND_EQ, x, W(0), W(0));
    ir_mov(s, W(4), x);
}

static void c_setcond_const(Opt *o)
{
    expect_no_op(o, IR_OP_setcond);
    expect_no_op(o, IR_OP_negsetcond);
    expect_value_ops(o, 4);
    expect_movi(o, R(1), 1);
    expect_movi(o, R(2), 0);
    expect_movi(o, W(3), 0xffffffff);
    expect_movi(o, W(4), 1);
}

static void test_setcond_const(void **state)
{
    pair("setcond/negsetcond on constants", b_setcond_const,
         c_setcond_const);
}

/* movcond with a known condition -> copy */
static void b_movcond_const(IRContext *s, void *o)
{
    IRTemp t = T64(), u = T32();

    ir_movcond(s, IR_COND_EQ, t, C64(1), C64(1), R(0), R(1));
    ir_mov(s, R(2), t);
    ir_movcond(s, IR_COND_GT, u, C32(-1), C32(0), W(0), W(1));
    ir_mov(s, W(2), u);
}

static void c_movcond_const(Opt *o)
{
    expect_no_op(o, IR_OP_movcond);
    expect_value_ops(o, 2);
    expect_copy(o, R(2), R(0));
    expect_copy(o, W(2), W(1));
}

static void test_movcond_const(void **state)
{
    pair("movcond on constants", b_movcond_const, c_movcond_const);
}

/* Chains of movs collapse. */
static void b_copy_chain(IRContext *s, void *o)
{
    IRTemp t = T64(), u = T64(), v = T64();

    ir_mov(s, t, R(0));
    ir_mov(s, u, t);
    ir_mov(s, v, u);
    ir_mov(s, R(1), v);
    ir_add(s, R(2), v, u);
}

static void c_copy_chain(Opt *o)
{
    IROp *w = writer_of(o, R(2));

    expect_value_ops(o, 2);
    expect_copy(o, R(1), R(0));
    expect(o, w && w->opc == IR_OP_add && w->args[1] == R(0) &&
              w->args[2] == R(0), "r2 should be add r0, r0");
}

static void test_copy_chain(void **state)
{
    pair("copy propagation", b_copy_chain, c_copy_chain);
}

/* Constants propagate through movs into later ops. */
static void b_const_prop(IRContext *s, void *o)
{
    IRTemp t = T64(), u = T64(), v = T32();

    ir_movi(s, t, 5);
    ir_addi(s, u, t, 3);
    ir_mov(s, R(1), u);
    ir_extrl_i64_i32(s, v, u);
    ir_mov(s, W(1), v);
    ir_ext_i32_i64(s, R(2), C32(-5));
    ir_extu_i32_i64(s, R(3), C32(-5));
    ir_extrh_i64_i32(s, W(2), C64(0x123456789ll));
}

static void c_const_prop(Opt *o)
{
    expect_value_ops(o, 5);
    expect_movi(o, R(1), 8);
    expect_movi(o, W(1), 8);
    expect_movi(o, R(2), (uint64_t)-5);
    expect_movi(o, R(3), 0xfffffffb);
    expect_movi(o, W(2), 1);
}

static void test_const_prop(void **state)
{
    pair("constant propagation and conversions", b_const_prop,
         c_const_prop);
}

/* Division and remainder folding honour the odd cases. */
static void b_div_fold(IRContext *s, void *o)
{
    ir_divu(s, R(1), C64(7), C64(0));
    ir_rems(s, R(2), C64(-7), C64(0));
    ir_divs(s, R(3), C64(INT64_MIN), C64(-1));
    ir_rems(s, R(4), C64(INT64_MIN), C64(-1));
    ir_divs(s, W(1), C32(INT32_MIN), C32(-1));
    ir_rems(s, W(2), C32(-7), C32(2));
    ir_remu(s, W(3), C32(-7), C32(0));
    ir_divu(s, W(4), C32(-7), C32(2));
}

static void c_div_fold(Opt *o)
{
    expect_no_op(o, IR_OP_divs);
    expect_no_op(o, IR_OP_divu);
    expect_no_op(o, IR_OP_rems);
    expect_no_op(o, IR_OP_remu);
    expect_value_ops(o, 8);
    expect_movi(o, R(1), 0);
    expect_movi(o, R(2), (uint64_t)-7);
    expect_movi(o, R(3), (uint64_t)INT64_MIN);
    expect_movi(o, R(4), 0);
    expect_movi(o, W(1), 0x80000000);
    expect_movi(o, W(2), 0xffffffff);
    expect_movi(o, W(3), 0xfffffff9);
    expect_movi(o, W(4), 0x7ffffffc);
}

static void test_div_fold(void **state)
{
    pair("div/rem constant folding (x/0, INT_MIN/-1)", b_div_fold,
         c_div_fold);
}

/* brcond x, x, eq is always taken. */
static void b_brcond_same(IRContext *s, void *o)
{
    IRLabel l = ir_label_new(s);

    ir_brcond(s, IR_COND_EQ, R(0), R(0), l);
    ir_movi(s, R(1), 5);
    ir_set_label(s, l);
    ir_movi(s, R(4), 6);
}

static void c_brcond_same(Opt *o)
{
    expect_no_op(o, IR_OP_brcond);
    expect_not_written(o, R(1));
    expect_movi(o, R(4), 6);
}

static void test_brcond_same(void **state)
{
    pair("brcond x,x,eq", b_brcond_same, c_brcond_same);
}

/* Fold extract/deposit/bswap/clz/ctpop/mulu2/add2 of constants. */
static void b_fold_misc(IRContext *s, void *o)
{
    ir_extract(s, R(1), C64(0x123456789abcdef0ll), 8, 12);
    ir_sextract(s, W(1), C32(0x00f00000), 20, 4);
    ir_deposit(s, R(2), C64(-1), C64(0), 4, 8);
    ir_bswap32(s, W(2), C32(0x11223344));
    ir_clz(s, R(3), C64(0x00ff), C64(99));
    ir_ctz(s, W(3), C32(0), C32(77));
    ir_ctpop(s, R(4), C64(0xf0f0));
    ir_mulu2(s, R(5), R(6), C64(-1), C64(-1));
    ir_add2(s, W(4), W(5), C32(-1), C32(0), C32(1), C32(0));
}

static void c_fold_misc(Opt *o)
{
    expect_value_ops(o, 11);
    expect_movi(o, R(1), 0xcde);
    expect_movi(o, W(1), 0xffffffff);
    expect_movi(o, R(2), 0xfffffffffffff00full);
    expect_movi(o, W(2), 0x44332211);
    expect_movi(o, R(3), 56);
    expect_movi(o, W(3), 77);
    expect_movi(o, R(4), 8);
    expect_movi(o, R(5), 1);
    expect_movi(o, R(6), 0xfffffffffffffffeull);
    expect_movi(o, W(4), 0);
    expect_movi(o, W(5), 1);
}

static void test_fold_misc(void **state)
{
    pair("fold extract/deposit/bswap/clz/ctz/ctpop/mulu2/add2",
         b_fold_misc, c_fold_misc);
}

/* Correctness: knowledge must not flow into a branch target. */
static void b_label_forgets(IRContext *s, void *o)
{
    IRLabel l = ir_label_new(s);
    IRTemp t = T64();

    ir_movi(s, t, 5);
    ir_brcond(s, IR_COND_EQ, R(0), R(1), l);
    ir_movi(s, t, 6);
    ir_set_label(s, l);
    ir_addi(s, R(2), t, 1);
}

static void c_label_forgets(Opt *o)
{
    IROp *w = writer_of(o, R(2));

    expect(o, w && w->opc == IR_OP_add, "r2 must still be computed by an "
           "add (t is 5 or 6 at the label)");
}

static void fix_equal_01(TestEnv *e)
{
    if (e->r[5] & 1) {
        e->r[1] = e->r[0];
    }
}

static void test_label_forgets(void **state)
{
    env_fixup = fix_equal_01;
    pair("no constant across a branch target", b_label_forgets,
         c_label_forgets);
}

/* Correctness: a call that may write globals invalidates them. */
static uint64_t helper_set_r0(void *env)
{
    ((TestEnv *)env)->r[0] = 100;
    ((TestEnv *)env)->w[0] = 200;
    return 0;
}

static const IRHelperInfo set_r0_info = {
    helper_set_r0, "set_r0", 0, 1, IR_VOID, { IR_I64 },
};

static void b_call_forgets(IRContext *s, void *o)
{
    IRTemp t = T64();

    ir_movi(s, R(0), 5);
    ir_movi(s, W(0), 7);
    ir_movi(s, t, 9);
    ir_call(s, &set_r0_info, 0, (const IRTemp[]){ s->env });
    ir_addi(s, R(1), R(0), 1);
    ir_add(s, W(1), W(0), C32(1));
    ir_addi(s, R(2), t, 1);
}

static void c_call_forgets(Opt *o)
{
    IROp *w = writer_of(o, R(1));

    expect(o, count_opc(o, IR_OP_call) == 1, "the call must stay");
    expect(o, w && w->opc == IR_OP_add, "r1 must be computed after the "
           "call, not folded");
    expect_movi(o, R(2), 10);
}

static void test_call_forgets(void **state)
{
    pair("globals forgotten across a call", b_call_forgets, c_call_forgets);
}

/* ------------------------------------------------------------------ */
/* (b) random programs                                                 */

#define NB_PROGRAMS 4000
#define NB_RSLOTS 12        /* globals r0..r11, w0..w11 used as operands */
#define NB_TEMPS 12         /* temps per type */
#define OUT_BASE 24         /* live temps are copied to r24.., w24.. */

typedef struct Gen {
    IRContext *s;
    HRand r;
    IRTemp temps[2][NB_TEMPS];
    uint32_t defined[2];    /* bit i: temps[t][i] holds a value */
    bool dead;              /* after br: unreachable until a label */
    unsigned nb_pending;
    struct {
        IRLabel l;
        uint32_t snap[2];   /* defined on every branch to it */
    } pending[8];
} Gen;

static IRType rand_type(Gen *g)
{
    return h_rand_below(&g->r, 2) ? IR_I64 : IR_I32;
}

/* A readable operand of type t: global, defined temp or constant. */
static IRTemp src(Gen *g, IRType t)
{
    unsigned k = h_rand_below(&g->r, 10);

    if (k < 2) {
        return ir_const(g->s, t, (int64_t)h_rand_value(&g->r, t));
    }
    if (k < 6 && g->defined[t]) {
        for (;;) {
            unsigned i = h_rand_below(&g->r, NB_TEMPS);
            if (g->defined[t] & (1u << i)) {
                return g->temps[t][i];
            }
        }
    }
    return h_global(t, h_rand_below(&g->r, NB_RSLOTS));
}

/* A shift count: mostly a small constant or a global. */
static IRTemp count_src(Gen *g, IRType t)
{
    if (h_rand_below(&g->r, 2)) {
        return ir_const(g->s, t, (int64_t)h_rand_below(&g->r, 70));
    }
    return src(g, t);
}

/* A writable destination of type t (other than avoid). */
static IRTemp dst(Gen *g, IRType t, IRTemp avoid)
{
    for (;;) {
        IRTemp d;

        if (h_rand_below(&g->r, 10) < 3) {
            d = h_global(t, h_rand_below(&g->r, NB_RSLOTS));
        } else {
            unsigned i = h_rand_below(&g->r, NB_TEMPS);
            d = g->temps[t][i];
        }
        if (d != avoid) {
            return d;
        }
    }
}

static void mark_defined(Gen *g, IRTemp d)
{
    for (int t = 0; t < 2; t++) {
        for (unsigned i = 0; i < NB_TEMPS; i++) {
            if (g->temps[t][i] == d) {
                g->defined[t] |= 1u << i;
            }
        }
    }
}

static const IROpcode gen_binops[] = {
    IR_OP_add, IR_OP_sub, IR_OP_mul, IR_OP_divs, IR_OP_divu, IR_OP_rems,
    IR_OP_remu, IR_OP_and, IR_OP_or, IR_OP_xor, IR_OP_andc, IR_OP_orc,
    IR_OP_eqv, IR_OP_nand, IR_OP_nor, IR_OP_clz, IR_OP_ctz,
};
static const IROpcode gen_shifts[] = {
    IR_OP_shl, IR_OP_shr, IR_OP_sar, IR_OP_rotl, IR_OP_rotr,
};
static const IROpcode gen_unops[] = {
    IR_OP_mov, IR_OP_not, IR_OP_neg, IR_OP_ext8s, IR_OP_ext8u,
    IR_OP_ext16s, IR_OP_ext16u, IR_OP_bswap16, IR_OP_bswap32, IR_OP_ctpop,
    IR_OP_ext32s, IR_OP_ext32u, IR_OP_bswap64,
};

static void gen_label(Gen *g, unsigned i)
{
    IRContext *s = g->s;

    for (int t = 0; t < 2; t++) {
        g->defined[t] = g->dead ? g->pending[i].snap[t]
                                : g->defined[t] & g->pending[i].snap[t];
    }
    g->dead = false;
    ir_set_label(s, g->pending[i].l);
    g->pending[i] = g->pending[--g->nb_pending];
}

static void gen_branch(Gen *g, bool uncond)
{
    IRContext *s = g->s;
    unsigned i;

    if (g->nb_pending && h_rand_below(&g->r, 3) == 0) {
        i = h_rand_below(&g->r, g->nb_pending);
        for (int t = 0; t < 2; t++) {
            g->pending[i].snap[t] &= g->defined[t];
        }
    } else if (g->nb_pending < G_N_ELEMENTS(g->pending)) {
        i = g->nb_pending++;
        g->pending[i].l = ir_label_new(s);
        g->pending[i].snap[0] = g->defined[0];
        g->pending[i].snap[1] = g->defined[1];
    } else {
        return;
    }
    if (uncond) {
        ir_br(s, g->pending[i].l);
        g->dead = true;
    } else {
        IRType t = rand_type(g);
        IRTemp a = src(g, t), b = h_rand_below(&g->r, 4) ? src(g, t) : a;

        ir_brcond(s, (IRCond)h_rand_below(&g->r, IR_COND_COUNT), a, b,
                  g->pending[i].l);
    }
}

static void gen_op(Gen *g)
{
    IRContext *s = g->s;
    IRType t = rand_type(g);
    unsigned k = h_rand_below(&g->r, 100);
    IRTemp d, d2, a, b;

    if (k < 30) {
        IROpcode opc = gen_binops[h_rand_below(&g->r,
                                               G_N_ELEMENTS(gen_binops))];
        a = src(g, t);
        b = src(g, t);
        d = dst(g, t, 0);
        ir_emit(s, opc, t, IR_A(d, a, b));
    } else if (k < 40) {
        IROpcode opc = gen_shifts[h_rand_below(&g->r,
                                               G_N_ELEMENTS(gen_shifts))];
        a = src(g, t);
        b = count_src(g, t);
        d = dst(g, t, 0);
        ir_emit(s, opc, t, IR_A(d, a, b));
    } else if (k < 52) {
        unsigned n = G_N_ELEMENTS(gen_unops) - (t == IR_I32 ? 3 : 0);
        IROpcode opc = gen_unops[h_rand_below(&g->r, n)];
        a = src(g, t);
        d = dst(g, t, 0);
        ir_emit(s, opc, t, IR_A(d, a));
    } else if (k < 58) {
        IRCond c = (IRCond)h_rand_below(&g->r, IR_COND_COUNT);
        a = src(g, t);
        b = h_rand_below(&g->r, 4) ? src(g, t) : a;
        d = dst(g, t, 0);
        if (k < 56) {
            ir_emit(s, k & 1 ? IR_OP_setcond : IR_OP_negsetcond, t,
                    IR_A(d, a, b, c));
        } else {
            ir_movcond(s, c, d, a, b, src(g, t), src(g, t));
        }
    } else if (k < 64) {
        unsigned w = h_bits(t);
        unsigned len = 1 + h_rand_below(&g->r, w);
        unsigned pos = h_rand_below(&g->r, w - len + 1);

        a = src(g, t);
        d = dst(g, t, 0);
        switch (k % 4) {
        case 0:
            ir_extract(s, d, a, pos, len);
            break;
        case 1:
            ir_sextract(s, d, a, pos, len);
            break;
        case 2:
            ir_deposit(s, d, a, src(g, t), pos, len);
            break;
        default:
            ir_extract2(s, d, a, src(g, t), h_rand_below(&g->r, w));
            break;
        }
    } else if (k < 70) {
        a = src(g, t);
        b = src(g, t);
        d = dst(g, t, 0);
        d2 = dst(g, t, d);
        switch (k % 4) {
        case 0:
            ir_mulu2(s, d, d2, a, b);
            break;
        case 1:
            ir_muls2(s, d, d2, a, b);
            break;
        case 2:
            ir_add2(s, d, d2, a, b, src(g, t), src(g, t));
            break;
        default:
            ir_sub2(s, d, d2, a, b, src(g, t), src(g, t));
            break;
        }
        mark_defined(g, d2);
    } else if (k < 76) {
        if (k % 2) {
            a = src(g, IR_I32);
            d = dst(g, IR_I64, 0);
            ir_emit(s, k % 4 == 1 ? IR_OP_ext_i32_i64 : IR_OP_extu_i32_i64,
                    IR_I64, IR_A(d, a));
        } else {
            a = src(g, IR_I64);
            d = dst(g, IR_I32, 0);
            ir_emit(s, k % 4 == 0 ? IR_OP_extrl_i64_i32
                                  : IR_OP_extrh_i64_i32, IR_I32, IR_A(d, a));
        }
    } else if (k < 82) {
        unsigned sz = h_rand_below(&g->r, t == IR_I32 ? 3 : 4);
        MemOp mop = sz | (h_rand_below(&g->r, 2) && sz < (unsigned)(t + 2)
                          ? MO_SIGN : 0);
        int32_t ofs = offsetof(TestEnv, scratch) + h_rand_below(&g->r, 56);

        if (k % 2) {
            ir_st(s, src(g, t), s->env, ofs, sz);
            return;
        }
        d = dst(g, t, 0);
        ir_ld(s, d, s->env, ofs, mop);
    } else if (k < 90) {
        d = dst(g, t, 0);
        ir_mov(s, d, src(g, t));
    } else {
        /* add with a constant: folding fodder */
        a = src(g, t);
        d = dst(g, t, 0);
        ir_add(s, d, a, ir_const(s, t, (int64_t)h_rand_below(&g->r, 5)));
    }
    mark_defined(g, d);
}

static void build_random(IRContext *s, void *opaque)
{
    Gen g = { .s = s, .r = h_rand_init(*(unsigned *)opaque) };
    unsigned n = 10 + h_rand_below(&g.r, 51);
    unsigned out = 0;

    for (int t = 0; t < 2; t++) {
        for (unsigned i = 0; i < NB_TEMPS; i++) {
            g.temps[t][i] = ir_temp_new(s, (IRType)t);
        }
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned k = h_rand_below(&g.r, 100);

        if (k < 8) {
            gen_branch(&g, false);
        } else if (k < 10) {
            gen_branch(&g, true);
        } else if (k < 18 && g.nb_pending) {
            gen_label(&g, h_rand_below(&g.r, g.nb_pending));
        } else {
            gen_op(&g);
        }
    }
    while (g.nb_pending) {
        gen_label(&g, g.nb_pending - 1);
    }
    for (int t = 0; t < 2; t++) {
        out = 0;
        for (unsigned i = 0; i < NB_TEMPS; i++) {
            if (g.defined[t] & (1u << i)) {
                ir_mov(s, h_global((IRType)t, OUT_BASE + out++),
                       g.temps[t][i]);
            }
        }
    }
}

static void print_program(unsigned seed)
{
    IRContext *s = h_begin();
    char *text;

    build_random(s, &seed);
    ir_exit_tb(s, 0);
    text = dump_ir(s);
    print_error("program %u:\n%s", seed, text);
    free(text);
    s = h_begin();
    build_random(s, &seed);
    ir_exit_tb(s, 0);
    ir_optimize(s);
    text = dump_ir(s);
    print_error("program %u optimized:\n%s", seed, text);
    free(text);
}

static void test_random_programs(void **state)
{
    HRand r = h_rand_init(0x0b7);
    unsigned printed = 0;

    for (unsigned seed = 1; seed <= NB_PROGRAMS; seed++) {
        char name[64];
        unsigned before = H.errors;

        snprintf(name, sizeof(name), "random program %u", seed);
        if (!check_semantics(name, build_random, &seed, &r, 3) &&
            H.errors > before && printed < 2) {
            print_program(seed);
            printed++;
        }
        if (H.errors > 40) {
            break;
        }
    }
    h_end_test();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_zero),
        cmocka_unit_test(test_fold_chain),
        cmocka_unit_test(test_fold_i32),
        cmocka_unit_test(test_brcond_const_true),
        cmocka_unit_test(test_brcond_const_false),
        cmocka_unit_test(test_and_const),
        cmocka_unit_test(test_xor_sub_self),
        cmocka_unit_test(test_ext8u_and),
        cmocka_unit_test(test_dead_after_br),
        cmocka_unit_test(test_or_self),
        cmocka_unit_test(test_mul_const),
        cmocka_unit_test(test_shift_zero),
        cmocka_unit_test(test_setcond_const),
        cmocka_unit_test(test_movcond_const),
        cmocka_unit_test(test_copy_chain),
        cmocka_unit_test(test_const_prop),
        cmocka_unit_test(test_div_fold),
        cmocka_unit_test(test_brcond_same),
        cmocka_unit_test(test_fold_misc),
        cmocka_unit_test(test_label_forgets),
        cmocka_unit_test(test_call_forgets),
        cmocka_unit_test(test_random_programs),
    };

    return cmocka_run_group_tests(tests, h_group_setup, NULL);
}

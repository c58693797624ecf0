/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IR builder, its text form and the verifier: ill-formed programs are
 * caught with a message that names the op.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kestrel/ir.h"

typedef struct Env {
    uint64_t x0, x1;
    uint32_t w2;
} Env;

typedef struct Fixture {
    IRContext s;
    IRTemp x0, x1, w2;
} Fixture;

static int setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    ir_context_init(&f->s);
    f->x0 = ir_global_new(&f->s, IR_I64, offsetof(Env, x0), "x0");
    f->x1 = ir_global_new(&f->s, IR_I64, offsetof(Env, x1), "x1");
    f->w2 = ir_global_new(&f->s, IR_I32, offsetof(Env, w2), "w2");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;

    ir_context_destroy(&f->s);
    g_free(f);
    return 0;
}

static char *dump(IRContext *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    ir_dump(s, m);
    fclose(m);
    return buf;
}

/* Verify and return the error message, or NULL if well formed. */
static char *verify_msg(IRContext *s)
{
    GError *err = NULL;
    char *msg;

    if (ir_verify(s, &err)) {
        return NULL;
    }
    msg = g_strdup(err->message);
    g_error_free(err);
    return msg;
}

static void test_dump_text(void **state)
{
    Fixture *f = *state;
    IRContext *s = &f->s;
    IRTemp t = ir_temp_new(s, IR_I64);
    IRLabel l = ir_label_new(s);
    g_autofree char *text = NULL;

    ir_insn_start(s, 0x1000, 0, 0);
    ir_add(s, t, f->x1, ir_const_i64(s, 4));
    ir_brcond(s, IR_COND_LTU, t, f->x0, l);
    ir_mov(s, f->x0, t);
    ir_set_label(s, l);
    ir_qemu_ld(s, f->x1, t, 2, MO_UL | MO_BE | MO_ALIGN);
    ir_exit_tb(s, 0);
    text = dump(s);
    assert_string_equal(text,
                        " ---- 0x1000\n"
                        " add_i64 tmp0,x1,$0x4\n"
                        " brcond tmp0,x0,ltu,$L0\n"
                        " mov_i64 x0,tmp0\n"
                        " set_label $L0\n"
                        " qemu_ld_i64 x1,tmp0,ul_be+al4,mmu2\n"
                        " exit_tb 0x0\n");
    assert_null(verify_msg(s));
}

static void test_consts_shared(void **state)
{
    Fixture *f = *state;
    IRContext *s = &f->s;

    assert_int_equal(ir_const_i64(s, 7), ir_const_i64(s, 7));
    assert_int_not_equal(ir_const_i64(s, 7), ir_const_i32(s, 7));
    /* i32 constants are kept sign-extended from 32 bits. */
    assert_int_equal(s->temps[ir_const_i32(s, -1)].val, -1);
    assert_int_equal(ir_const(s, IR_I32, 0xffffffffll),
                     ir_const_i32(s, -1));
    ir_context_reset(s);
    assert_int_equal(s->nb_temps, s->nb_globals);
}

static void test_use_before_def(void **state)
{
    Fixture *f = *state;
    IRContext *s = &f->s;
    IRTemp t = ir_temp_new(s, IR_I64);
    g_autofree char *msg = NULL;

    ir_add(s, f->x0, f->x0, t);
    msg = verify_msg(s);
    assert_non_null(msg);
    assert_string_equal(msg, "IR op 0 (add): argument 2 (tmp0) used "
                        "before definition");
}

static void test_type_mismatch(void **state)
{
    Fixture *f = *state;
    IRContext *s = &f->s;
    g_autofree char *msg = NULL;

    ir_mov(s, f->x0, f->x1);
    ir_add(s, f->x0, f->x1, f->w2);
    msg = verify_msg(s);
    assert_string_equal(msg, "IR op 1 (add): argument 2 (w2) is i32, "
                        "expected i64");
}

static void test_missing_label(void **state)
{
    Fixture *f = *state;
    IRContext *s = &f->s;
    g_autofree char *msg = NULL;
    g_autofree char *msg2 = NULL;

    ir_br(s, 5);
    msg = verify_msg(s);
    assert_string_equal(msg, "IR op 0 (br): label 5 does not exist");

    ir_context_reset(s);
    ir_br(s, ir_label_new(s));
    ir_exit_tb(s, 0);
    msg2 = verify_msg(s);
    assert_string_equal(msg2, "IR op 0 (br): branch to label 0 which is "
                        "never set");
}

static void test_write_const(void **state)
{
    Fixture *f = *state;
    IRContext *s = &f->s;
    g_autofree char *msg = NULL;

    ir_emit(s, IR_OP_mov, IR_I64, IR_A(ir_const_i64(s, 1), f->x0));
    msg = verify_msg(s);
    assert_string_equal(msg, "IR op 0 (mov): output 0 ($0x1) is not "
                        "writable");
}

static void test_i64_only_and_fields(void **state)
{
    Fixture *f = *state;
    IRContext *s = &f->s;
    g_autofree char *msg = NULL;
    g_autofree char *msg2 = NULL;

    ir_emit(s, IR_OP_bswap64, IR_I32, IR_A(f->w2, f->w2));
    msg = verify_msg(s);
    assert_string_equal(msg, "IR op 0 (bswap64): op is only defined on "
                        "i64");

    ir_context_reset(s);
    ir_extract(s, f->w2, f->w2, 30, 4);
    msg2 = verify_msg(s);
    assert_string_equal(msg2, "IR op 0 (extract): field pos 30 len 4 "
                        "outside 32 bits");
}

static uint64_t helper_dummy(uint64_t a, uint32_t b)
{
    return a + b;
}

static const IRHelperInfo info_dummy = {
    .func = (void *)helper_dummy, .name = "dummy", .flags = IR_CALL_PURE,
    .nb_args = 2, .ret_type = IR_I64, .arg_types = { IR_I64, IR_I32 },
};

static void test_call(void **state)
{
    Fixture *f = *state;
    IRContext *s = &f->s;
    g_autofree char *text = NULL;
    g_autofree char *msg = NULL;

    ir_call(s, &info_dummy, f->x0, (IRTemp[]){ f->x1, f->w2 });
    text = dump(s);
    assert_string_equal(text, " call x0,x1,w2,dummy\n");
    assert_null(verify_msg(s));

    ir_context_reset(s);
    ir_call(s, &info_dummy, f->x0, (IRTemp[]){ f->x1, f->x1 });
    msg = verify_msg(s);
    assert_string_equal(msg, "IR op 0 (call): argument 2 (x1) is i64, "
                        "expected i32");
}

static void test_cond_helpers(void **state)
{
    static const uint64_t vals[] = { 0, 1, 0x7fffffff, 0x80000000,
                                     0xffffffff, 0x8000000000000000ull,
                                     ~0ull };
    (void)state;
    for (int c = 0; c < IR_COND_COUNT; c++) {
        for (size_t i = 0; i < G_N_ELEMENTS(vals); i++) {
            for (size_t j = 0; j < G_N_ELEMENTS(vals); j++) {
                for (int t = IR_I32; t <= IR_I64; t++) {
                    bool r = ir_cond_eval(c, t, vals[i], vals[j]);
                    assert_int_equal(!r, ir_cond_eval(ir_cond_invert(c), t,
                                                      vals[i], vals[j]));
                    assert_int_equal(r, ir_cond_eval(ir_cond_swap(c), t,
                                                     vals[j], vals[i]));
                }
            }
        }
    }
    assert_true(ir_cond_eval(IR_COND_LT, IR_I32, 0x80000000, 0));
    assert_false(ir_cond_eval(IR_COND_LT, IR_I64, 0x80000000, 0));
    assert_true(ir_cond_eval(IR_COND_GTU, IR_I32, 0xffffffff, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_dump_text),
        T(test_consts_shared),
        T(test_use_before_def),
        T(test_type_mismatch),
        T(test_missing_label),
        T(test_write_const),
        T(test_i64_only_and_fields),
        T(test_call),
        cmocka_unit_test(test_cond_helpers),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TB cache behaviour seen through toy guest programs: filling and
 * reclaiming the code buffer, invalidation unchaining jumps, state
 * restore after a fault in the middle of a TB, self-modifying code, and
 * a small buffer.  Runs on both backends; KESTREL_TEST_BACKEND=jit|interp
 * restricts to one.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "toy.h"

#define RAM_BASE TOY_DEFAULT_RAM_BASE
#define RAM_SIZE (4ull << 20)

static const char *cur_backend;

static void tcg_reinit(size_t tb_size_mib)
{
    g_autoptr(GError) err = NULL;

    if (!toy_tcg_init(cur_backend, tb_size_mib, &err)) {
        fail_msg("tcg_init(%s, %zu MiB): %s", cur_backend, tb_size_mib,
                 err->message);
    }
}

static uint64_t reg(ToyMachine *m, int r)
{
    return toy_env(m)->regs[r];
}

/* ------------------------------------------------------------------ */
/* (a), (e): a guest that writes and runs fresh code blocks            */

#define GEN_BUF (RAM_BASE + 0x100000) /* where blocks are written */
#define GEN_SLOTS 256                 /* 1 KiB slots, 64 pages */
#define GEN_INSNS 127                 /* ALU insns per block, + ret */
#define GEN_SLOT_BYTES 1024

static const uint64_t gen_addi = (TOY_OPC_BINI + TOY_BIN_add) | 1 << 8 |
                                 1 << 16;
static const uint64_t gen_xori = (TOY_OPC_BINI + TOY_BIN_xor) | 1 << 8 |
                                 1 << 16;

/*
 * For k in [r2, r7): write block k (insn j: r1 += or ^= (k*7+j) & 0xffff,
 * alternating) into slot k % GEN_SLOTS, then call it.  Ends with hlt.
 */
static void gen_program(ToyAsm *a)
{
    int outer = toy_label_new(a), inner = toy_label_new(a);

    toy_li(a, 8, GEN_BUF);
    toy_li(a, 11, gen_addi);
    toy_li(a, 12, gen_xori);
    toy_li(a, 14, toy_encode(TOY_OP_JR, 0, TOY_LR, 0, 0));
    toy_movi(a, 6, GEN_INSNS);
    toy_bind(a, outer);
    toy_remui(a, 3, 2, GEN_SLOTS);
    toy_muli(a, 3, 3, GEN_SLOT_BYTES);
    toy_add(a, 3, 3, 8);
    toy_movi(a, 4, 0);
    toy_bind(a, inner);
    toy_muli(a, 5, 2, 7);
    toy_add(a, 5, 5, 4);
    toy_andi(a, 5, 5, 0xffff);
    toy_shli(a, 5, 5, 32);
    toy_andi(a, 10, 4, 1);
    toy_mov(a, 13, 11);
    toy_movc(a, IR_COND_NE, 13, 10, 0, 12);
    toy_or(a, 5, 5, 13);
    toy_shli(a, 10, 4, 3);
    toy_add(a, 10, 10, 3);
    toy_st(a, MO_64, 5, 10, 0);
    toy_addi(a, 4, 4, 1);
    toy_bltu(a, 4, 6, inner);
    toy_st(a, MO_64, 14, 3, GEN_INSNS * 8);
    toy_jalr(a, TOY_LR, 3, 0);
    toy_addi(a, 2, 2, 1);
    toy_bltu(a, 2, 7, outer);
    toy_hlt(a);
}

static uint64_t gen_expect(uint64_t r1, uint64_t k0, uint64_t k1)
{
    for (uint64_t k = k0; k < k1; k++) {
        for (uint64_t j = 0; j < GEN_INSNS; j++) {
            uint64_t imm = (k * 7 + j) & 0xffff;

            r1 = (j & 1) ? r1 ^ imm : r1 + imm;
        }
    }
    return r1;
}

typedef struct GenResult {
    uint64_t blocks;
    uint64_t evictions, flushes, translations, invalidations;
} GenResult;

/*
 * Run batches of `batch` blocks until the cache reclaimed space (or
 * max_blocks), checking r1 exactly after each batch.
 */
static GenResult gen_run(uint64_t batch, uint64_t max_blocks,
                         bool stop_on_evict)
{
    ToyMachine *m = toy_machine_new(RAM_BASE, RAM_SIZE);
    const TBCacheStats *st = tcg_stats();
    TBCacheStats before = *st;
    GenResult res = { 0 };
    uint64_t k = 0, r1 = 0;
    ToyAsm a;

    toy_asm_init(&a, RAM_BASE);
    gen_program(&a);
    toy_asm_load(&a, m);
    while (k < max_blocks) {
        ToyEnv *e = toy_env(m);
        int r;

        e->pc = RAM_BASE;
        e->regs[2] = k;
        e->regs[7] = k + batch;
        r = toy_machine_run(m);
        if (r != EXCP_HLT) {
            fail_msg("[%s] run returned %d at pc 0x%" PRIx64, cur_backend,
                     r, e->pc);
        }
        r1 = gen_expect(r1, k, k + batch);
        k += batch;
        if (reg(m, 1) != r1) {
            fail_msg("[%s] after %" PRIu64 " blocks r1=0x%" PRIx64
                     " expected 0x%" PRIx64, cur_backend, k, reg(m, 1), r1);
        }
        if (stop_on_evict && (st->evictions > before.evictions ||
                              st->flushes > before.flushes)) {
            break;
        }
    }
    res.blocks = k;
    res.evictions = st->evictions - before.evictions;
    res.flushes = st->flushes - before.flushes;
    res.translations = st->translations - before.translations;
    res.invalidations = st->invalidations - before.invalidations;
    toy_machine_free(m);
    toy_asm_free(&a);
    return res;
}

static uint64_t fill_blocks; /* (a) -> (e) */
static uint64_t fill_evictions;

static void test_fill_16m(void **state)
{
    GenResult r;

    tcg_reinit(0);
    r = gen_run(1000, 200000, true);
    print_message("[%s] 16 MiB: %" PRIu64 " blocks, %" PRIu64
                  " translations, %" PRIu64 " evictions, %" PRIu64
                  " flushes, %" PRIu64 " invalidations\n", cur_backend,
                  r.blocks, r.translations, r.evictions, r.flushes,
                  r.invalidations);
    assert_true(r.evictions + r.flushes > 0);
    assert_true(r.invalidations > 0);
    fill_blocks = r.blocks;
    fill_evictions = r.evictions + r.flushes;
}

static void test_small_tb_size(void **state)
{
    GenResult r;

    tcg_reinit(1);
    r = gen_run(1000, fill_blocks ? fill_blocks : 20000, false);
    print_message("[%s] 1 MiB: %" PRIu64 " blocks, %" PRIu64
                  " translations, %" PRIu64 " evictions, %" PRIu64
                  " flushes\n", cur_backend, r.blocks, r.translations,
                  r.evictions, r.flushes);
    assert_true(r.evictions + r.flushes > fill_evictions);
    tcg_reinit(0);
}

/* ------------------------------------------------------------------ */
/* (b) invalidation unchains jumps into the page                       */

/*
 * Page 1 holds a loop of two blocks, A and B, chained to each other:
 *   A: addi r1, r1, 1; jmp B
 *   B: <op> r2, r2, r1; subi r3, r3, 1; bne r3, r0, A; ret
 * Page 0 calls it, patches B's first insn with a store (guest SMC),
 * calls it again, and halts.  A second entry point (page 0) just calls
 * the loop, for host-side patching.
 */
#define LOOP_A (RAM_BASE + 0x1000)
#define LOOP_B (RAM_BASE + 0x1100)

static void unchain_loop(ToyMachine *m)
{
    ToyAsm a;

    toy_asm_init(&a, LOOP_A);
    toy_addi(&a, 1, 1, 1);
    toy_emit_raw(&a, TOY_OP_JMP, 0, 0, 0, (int32_t)(LOOP_B - LOOP_A - 8));
    toy_asm_load(&a, m);
    toy_asm_free(&a);
    toy_asm_init(&a, LOOP_B);
    toy_add(&a, 2, 2, 1);
    toy_subi(&a, 3, 3, 1);
    toy_emit_raw(&a, TOY_OP_BCC, IR_COND_NE, 3, 0,
                 (int32_t)(LOOP_A - toy_asm_pc(&a)));
    toy_ret(&a);
    toy_asm_load(&a, m);
    toy_asm_free(&a);
}

static uint64_t loop_sum(uint64_t n, bool sub, uint64_t r1)
{
    uint64_t r2 = 0;

    for (uint64_t i = 0; i < n; i++) {
        r1++;
        r2 = sub ? r2 - r1 : r2 + r1;
    }
    return r2;
}

static void test_unchain_guest_smc(void **state)
{
    ToyMachine *m = toy_machine_new(RAM_BASE, RAM_SIZE);
    uint64_t new_insn = toy_encode(TOY_OPC_BIN + TOY_BIN_sub, 2, 2, 1, 0);
    ToyAsm a;

    unchain_loop(m);
    toy_asm_init(&a, RAM_BASE);
    toy_movi(&a, 3, 1000);
    toy_li(&a, 9, LOOP_A);
    toy_jalr(&a, TOY_LR, 9, 0);
    toy_mov(&a, 10, 2);          /* first result */
    toy_li(&a, 4, new_insn);
    toy_li(&a, 5, LOOP_B);
    toy_st(&a, MO_64, 4, 5, 0);
    toy_movi(&a, 2, 0);
    toy_movi(&a, 1, 0);
    toy_movi(&a, 3, 1000);
    toy_jalr(&a, TOY_LR, 9, 0);
    toy_hlt(&a);
    toy_asm_load(&a, m);
    assert_int_equal(toy_machine_run(m), EXCP_HLT);
    assert_int_equal(reg(m, 10), loop_sum(1000, false, 0));
    assert_int_equal(reg(m, 2), loop_sum(1000, true, 0));
    assert_true(m->smc_stores > 0);
    toy_machine_free(m);
    toy_asm_free(&a);
}

static void test_unchain_host_invalidate(void **state)
{
    ToyMachine *m = toy_machine_new(RAM_BASE, RAM_SIZE);
    uint64_t new_insn = toy_encode(TOY_OPC_BIN + TOY_BIN_sub, 2, 2, 1, 0);
    uint64_t old_insn;
    uint64_t *b = toy_machine_ptr(m, LOOP_B, 8);
    uint64_t translations;
    ToyAsm a;

    unchain_loop(m);
    toy_asm_init(&a, RAM_BASE);
    toy_movi(&a, 1, 0);
    toy_movi(&a, 2, 0);
    toy_movi(&a, 3, 1000);
    toy_li(&a, 9, LOOP_A);
    toy_jalr(&a, TOY_LR, 9, 0);
    toy_hlt(&a);
    toy_asm_load(&a, m);

    assert_int_equal(toy_machine_run(m), EXCP_HLT);
    assert_int_equal(reg(m, 2), loop_sum(1000, false, 0));

    /* Behind the cache's back: the chained old code keeps running. */
    old_insn = *b;
    *b = new_insn;
    translations = tcg_stats()->translations;
    toy_env(m)->pc = RAM_BASE;
    assert_int_equal(toy_machine_run(m), EXCP_HLT);
    assert_int_equal(reg(m, 2), loop_sum(1000, false, 0));
    assert_int_equal(tcg_stats()->translations, translations);

    /* Invalidate: A's chained jump into B must be undone. */
    tb_invalidate_phys_range(LOOP_B, LOOP_B + 8);
    toy_env(m)->pc = RAM_BASE;
    assert_int_equal(toy_machine_run(m), EXCP_HLT);
    assert_int_equal(reg(m, 2), loop_sum(1000, true, 0));
    assert_true(tcg_stats()->translations > translations);

    /* And back, invalidating the whole page this time. */
    *b = old_insn;
    tb_invalidate_phys_range(LOOP_A & TARGET_PAGE_MASK,
                             (LOOP_A & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE);
    toy_env(m)->pc = RAM_BASE;
    assert_int_equal(toy_machine_run(m), EXCP_HLT);
    assert_int_equal(reg(m, 2), loop_sum(1000, false, 0));
    toy_machine_free(m);
    toy_asm_free(&a);
}

/* ------------------------------------------------------------------ */
/* (c) exact state after a fault in the middle of a (hot, chained) TB  */

static void test_fault_restore(void **state)
{
    ToyMachine *m = toy_machine_new(RAM_BASE, RAM_SIZE);
    const uint64_t start = RAM_BASE + RAM_SIZE - 8 * 1000;
    uint64_t sum = 0, ld_pc;
    int loop;
    ToyAsm a;

    /* Walk an array off the end of RAM. */
    toy_asm_init(&a, RAM_BASE);
    loop = toy_label_new(&a);
    toy_li(&a, 1, start);
    toy_bind(&a, loop);
    toy_addi(&a, 6, 6, 1);
    toy_xori(&a, 7, 6, 0x55);
    ld_pc = toy_asm_pc(&a);
    toy_ld(&a, MO_64, 4, 1, 0);
    toy_add(&a, 5, 5, 4);
    toy_addi(&a, 1, 1, 8);
    toy_movi(&a, 8, 1);
    toy_jmp(&a, loop);
    toy_asm_load(&a, m);
    for (unsigned i = 0; i < 1000; i++) {
        uint64_t v = i * 0x9e3779b97f4a7c15ull;

        memcpy(toy_machine_ptr(m, start + 8 * i, 8), &v, 8);
        sum += v;
    }
    assert_int_equal(toy_machine_run(m), TOY_EXCP_BUS);
    assert_int_equal(toy_env(m)->pc, ld_pc);
    assert_int_equal(toy_env(m)->fault_addr, RAM_BASE + RAM_SIZE);
    assert_int_equal(reg(m, 1), RAM_BASE + RAM_SIZE);
    assert_int_equal(reg(m, 5), sum);
    assert_int_equal(reg(m, 6), 1001);
    assert_int_equal(reg(m, 7), 1001 ^ 0x55);
    toy_machine_free(m);
    toy_asm_free(&a);
}

/* ------------------------------------------------------------------ */
/* (d) self-modifying code at one address                              */

static void test_smc_rewrite(void **state)
{
    ToyMachine *m = toy_machine_new(RAM_BASE, RAM_SIZE);
    const uint64_t x = RAM_BASE + 0x800; /* same page as the loop */
    uint64_t expect = 0;
    int loop;
    ToyAsm a;

    /* for k in 0..199: write "movi r3, 3k" at x, call x, r4 += r3 */
    toy_asm_init(&a, RAM_BASE);
    loop = toy_label_new(&a);
    toy_li(&a, 9, x);
    toy_li(&a, 11, toy_encode(TOY_OP_MOVI, 3, 0, 0, 0));
    toy_li(&a, 12, toy_encode(TOY_OP_JR, 0, TOY_LR, 0, 0));
    toy_st(&a, MO_64, 12, 9, 8);
    toy_bind(&a, loop);
    toy_muli(&a, 5, 2, 3);
    toy_shli(&a, 5, 5, 32);
    toy_or(&a, 5, 5, 11);
    toy_st(&a, MO_64, 5, 9, 0);
    toy_jalr(&a, TOY_LR, 9, 0);
    toy_add(&a, 4, 4, 3);
    toy_addi(&a, 2, 2, 1);
    toy_movi(&a, 6, 200);
    toy_bltu(&a, 2, 6, loop);
    toy_hlt(&a);
    g_assert(toy_asm_pc(&a) < x);
    toy_asm_load(&a, m);
    for (uint64_t k = 0; k < 200; k++) {
        expect += 3 * k;
    }
    assert_int_equal(toy_machine_run(m), EXCP_HLT);
    assert_int_equal(reg(m, 4), expect);
    assert_true(m->smc_stores >= 200);

    /* Host side: load a new insn at x (like DMA), run x directly. */
    for (int32_t v = 1; v <= 3; v++) {
        uint64_t insn = toy_encode(TOY_OP_MOVI, 3, 0, 0, v * 1000);

        toy_machine_load(m, x, &insn, 8);
        toy_env(m)->regs[TOY_LR] = RAM_BASE + 0x1000;
        toy_machine_load(m, RAM_BASE + 0x1000,
                         (uint64_t[]){ toy_encode(TOY_OP_HLT, 0, 0, 0, 0) },
                         8);
        toy_env(m)->pc = x;
        assert_int_equal(toy_machine_run(m), EXCP_HLT);
        assert_int_equal(reg(m, 3), v * 1000);
    }
    toy_machine_free(m);
    toy_asm_free(&a);
}

/* ------------------------------------------------------------------ */
/* cpu_exit leaves an endless chained loop at a TB boundary            */

static void test_exit_request(void **state)
{
    for (int indirect = 0; indirect < 2; indirect++) {
        ToyMachine *m = toy_machine_new(RAM_BASE, RAM_SIZE);
        uint64_t top_pc, jmp_pc, hlt = toy_encode(TOY_OP_HLT, 0, 0, 0, 0);
        uint64_t last = 0;
        int top;
        ToyAsm a;

        toy_asm_init(&a, RAM_BASE);
        top = toy_label_new(&a);
        toy_la(&a, 9, top);
        toy_bind(&a, top);
        top_pc = toy_asm_pc(&a);
        toy_addi(&a, 1, 1, 1);
        toy_addi(&a, 2, 1, 5);
        jmp_pc = toy_asm_pc(&a);
        if (indirect) {
            toy_jr(&a, 9, 0);    /* lookup_tb_ptr + goto_ptr */
        } else {
            toy_jmp(&a, top);    /* chained goto_tb */
        }
        toy_asm_load(&a, m);
        for (int round = 0; round < 3; round++) {
            /* Retry if a loaded host gave the guest no time at all. */
            for (int tries = 0; tries < 50 && reg(m, 1) == last; tries++) {
                assert_int_equal(toy_machine_run_timeout(m, 20000),
                                 EXCP_INTERRUPT);
            }
            /* Stopped at a TB entry: the loop head, state consistent. */
            assert_int_equal(toy_env(m)->pc, top_pc);
            assert_true(reg(m, 1) > last);
            assert_int_equal(reg(m, 2), reg(m, 1) + 5);
            last = reg(m, 1);
        }
        /* Break the loop by patching the jump; it must stop there. */
        toy_machine_load(m, jmp_pc, &hlt, 8);
        assert_int_equal(toy_machine_run(m), EXCP_HLT);
        assert_int_equal(toy_env(m)->pc, jmp_pc + 8);
        assert_int_equal(reg(m, 1), last + 1);
        toy_machine_free(m);
        toy_asm_free(&a);
    }
}

/* ------------------------------------------------------------------ */

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fill_16m),
    cmocka_unit_test(test_small_tb_size),
    cmocka_unit_test(test_unchain_guest_smc),
    cmocka_unit_test(test_unchain_host_invalidate),
    cmocka_unit_test(test_fault_restore),
    cmocka_unit_test(test_smc_rewrite),
    cmocka_unit_test(test_exit_request),
};

int main(void)
{
    static const char *const all[] = { "jit", "interp" };
    const char *only = getenv("KESTREL_TEST_BACKEND");
    int failed = 0;

    for (unsigned i = 0; i < G_N_ELEMENTS(all); i++) {
        char name[64];

        if (only && strcmp(only, all[i]) != 0) {
            continue;
        }
        cur_backend = all[i];
        tcg_reinit(0);
        fill_blocks = 0;
        fill_evictions = 0;
        snprintf(name, sizeof(name), "tbcache/%s", all[i]);
        failed += _cmocka_run_group_tests(name, tests, G_N_ELEMENTS(tests),
                                          NULL, NULL);
    }
    return failed ? 1 : 0;
}

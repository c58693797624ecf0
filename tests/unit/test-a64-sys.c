/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AArch64 system mode: exceptions (SVC, ERET to EL0, BRK), data aborts
 * with exact ESR/FAR through page tables built in RAM (4K and 64K
 * granules, faults at each level, permission and Access flag faults),
 * TLBI, AT and the PSCI/system-register paths.  One CPU, RAM at
 * 0x40000000, run with cpu_exec directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "kestrel/memory.h"
#include "kestrel/tb.h"
#include "kestrel/tlb.h"
#include "frontend/aarch64/cpu.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (4ull << 20)
#define CODE RAM_BASE
#define VBAR (RAM_BASE + 0x1000)
#define TBL0 (RAM_BASE + 0x10000)   /* 64K aligned tables */
#define TBL1 (RAM_BASE + 0x20000)
#define TBL2 (RAM_BASE + 0x30000)
#define TBL3 (RAM_BASE + 0x40000)
#define DATA1 (RAM_BASE + 0x100000)
#define DATA2 (RAM_BASE + 0x200000)

enum {
    I_LDR = 0xf9400001,     /* ldr x1, [x0] */
    I_STR = 0xf9000001,     /* str x1, [x0] */
    I_BRK0 = 0xd4200000,
    I_BRK1 = 0xd4200020,
    I_SVC42 = 0xd4000841,
    I_ERET = 0xd69f03e0,
    I_TLBI_VMALLE1 = 0xd508871f,
    I_MRS_X2_CURRENTEL = 0xd5384242,
    I_MRS_X3_MIDR = 0xd5380003,
    I_HVC0 = 0xd4000002,
};

static MemoryRegion root, ram;
static AddressSpace as;
static ARMCPU *cpu;

static void put32(uint64_t pa, uint32_t v)
{
    address_space_write(&as, pa, &v, 4);
}

static void put64(uint64_t pa, uint64_t v)
{
    address_space_write(&as, pa, &v, 8);
}

static void code(const uint32_t *insns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put32(CODE + 4 * i, insns[i]);
    }
    tb_flush();
}

/* Reset to EL1h, MMU off, VBAR set, pc at CODE. */
static void fresh(void)
{
    cpu->reset_pc = CODE;
    aarch64_cpu_reset(cpu);
    cpu->env.vbar_el[1] = VBAR;
    /* Drop translations of code rewritten between tests. */
    tb_flush();
}

/* Run until a guest exception, take it; return its number. */
static int run(void)
{
    CPUState *cs = &cpu->parent;

    for (int i = 0; i < 1000; i++) {
        int r = cpu_exec(cs);

        if (r >= 0) {
            cs->exception_index = r;
            cs->ops->do_interrupt(cs);
            cs->exception_index = EXCP_NONE;
            return r;
        }
    }
    fail_msg("no exception");
    return -1;
}

static unsigned cur_el(void)
{
    return (cpu->env.pstate >> 2) & 3;
}

/* ------------------------------------------------------------------ */

static void test_svc_eret_el0(void **state)
{
    static const uint32_t prog[] = { I_ERET };
    CPUARMState *env = &cpu->env;

    fresh();
    code(prog, 1);
    put32(CODE + 0x100, I_SVC42);
    put32(CODE + 0x104, I_BRK1);
    env->spsr_el[1] = 0;            /* EL0t, NZCV clear */
    env->elr_el[1] = CODE + 0x100;
    env->sp_el[0] = 0x1234;
    assert_int_equal(run(), EXCP_SWI);
    assert_int_equal(cur_el(), 1);
    assert_int_equal(env->esr_el[1], 0x56000042);
    assert_int_equal(env->elr_el[1], CODE + 0x104);
    assert_int_equal(env->spsr_el[1], 0);
    assert_int_equal(env->pc, VBAR + 0x400);
    assert_int_equal(env->pstate & 0x3cf, 0x3c5);   /* EL1h, DAIF */
    assert_int_equal(env->sp_el[0], 0x1234);
    /* Back to EL0 (ERET at the vector), then BRK #1. */
    put32(VBAR + 0x400, I_ERET);
    assert_int_equal(run(), EXCP_BKPT);
    assert_int_equal(env->esr_el[1], 0xf2000001);
    assert_int_equal(env->elr_el[1], CODE + 0x104);
}

static void test_sysregs_and_hvc(void **state)
{
    static const uint32_t prog[] = {
        I_MRS_X2_CURRENTEL, I_MRS_X3_MIDR, I_HVC0, I_BRK0,
    };
    CPUARMState *env = &cpu->env;

    fresh();
    code(prog, G_N_ELEMENTS(prog));
    env->xregs[0] = 0x84000000;     /* PSCI_VERSION */
    /* PSCI over HVC: handled in do_interrupt, back at the next insn. */
    assert_int_equal(run(), EXCP_HVC);
    assert_int_equal(cur_el(), 1);
    assert_int_equal(env->pc, CODE + 12);
    assert_int_equal(run(), EXCP_BKPT);
    assert_int_equal(env->xregs[2], 4);
    assert_int_equal(env->xregs[3], 0x410fd083);
    assert_int_equal(env->xregs[0], 0x10000);
    assert_int_equal(env->elr_el[1], CODE + 12);
}

/* 4K granule, 48-bit VA: L0 @TBL0, L1 @TBL1, L2 @TBL2, L3 @TBL3. */
#define AF (1ull << 10)
#define VALID_TABLE 3ull
#define VALID_BLOCK 1ull
#define VALID_PAGE 3ull

static void map_4k(void)
{
    CPUARMState *env = &cpu->env;

    for (int i = 0; i < 512; i++) {
        put64(TBL0 + 8 * i, 0);
        put64(TBL1 + 8 * i, 0);
        put64(TBL2 + 8 * i, 0);
        put64(TBL3 + 8 * i, 0);
    }
    put64(TBL0, TBL1 | VALID_TABLE);
    put64(TBL1 + 8 * 1, RAM_BASE | AF | VALID_BLOCK);   /* 1G identity */
    put64(TBL1 + 8 * 2, TBL2 | VALID_TABLE);            /* 0x80000000 */
    put64(TBL2, TBL3 | VALID_TABLE);
    put64(TBL3 + 8 * 1, DATA1 | AF | 2ull << 6 | VALID_PAGE); /* RO */
    put64(TBL3 + 8 * 2, DATA1 | VALID_PAGE);                  /* AF=0 */
    put64(TBL3 + 8 * 3, DATA1 | AF | VALID_PAGE);             /* RW */
    env->mair_el[1] = 0xff;
    env->tcr_el[1] = 16 | 5ull << 32 | 1ull << 23;  /* T0SZ 16, IPS 48 */
    env->ttbr0_el[1] = TBL0;
    env->sctlr_el[1] |= 1;
    tlb_flush(&cpu->parent);
}

/* Run prog with x0 = va; expect a data abort with esr. */
static void expect_abort(uint32_t insn, uint64_t va, uint32_t esr)
{
    uint32_t prog[] = { insn, I_BRK0 };
    CPUARMState *env = &cpu->env;

    code(prog, 2);
    env->pc = CODE;
    env->xregs[0] = va;
    assert_int_equal(run(), EXCP_DATA_ABORT);
    assert_int_equal(env->esr_el[1], esr);
    assert_int_equal(env->far_el[1], va);
    assert_int_equal(env->elr_el[1], CODE);
    assert_int_equal(env->pc, VBAR + 0x200);
    /* Back to EL1h for the next case. */
    env->pstate = 5 | 0x3c0;
}

static void test_mmu_4k_faults(void **state)
{
    CPUARMState *env = &cpu->env;

    fresh();
    map_4k();
    expect_abort(I_LDR, 0x8000000000ull, 0x96000004);   /* L0 */
    expect_abort(I_LDR, 0x1000000000ull, 0x96000005);   /* L1 */
    expect_abort(I_LDR, 0x80200000ull, 0x96000006);     /* L2 */
    expect_abort(I_LDR, 0x80000000ull, 0x96000007);     /* L3 */
    expect_abort(I_STR, 0x80001008ull, 0x9600004f);     /* RO store */
    expect_abort(I_LDR, 0x80002000ull, 0x9600000b);     /* AF = 0 */
    expect_abort(I_LDR, 0x1000000000000ull, 0x96000004); /* beyond T0SZ */
    /* A mapped RW page reads the RAM behind it. */
    put64(DATA1 + 0x10, 0xfeedface);
    {
        uint32_t prog[] = { I_LDR, I_BRK0 };

        code(prog, 2);
        env->pc = CODE;
        env->xregs[0] = 0x80003010;
        assert_int_equal(run(), EXCP_BKPT);
        assert_int_equal(env->xregs[1], 0xfeedface);
    }
}

static void test_mmu_64k_and_tlbi(void **state)
{
    static const uint32_t prog[] = { I_LDR, I_BRK0 };
    static const uint32_t prog_tlbi[] = { I_TLBI_VMALLE1, I_LDR, I_BRK0 };
    CPUARMState *env = &cpu->env;

    fresh();
    for (int i = 0; i < 8192; i++) {
        put64(TBL1 + 8 * i, 0);
        put64(TBL2 + 8 * i, 0);
    }
    /* L1 (VA[47:42]) -> L2 (VA[41:29]) -> L3 (VA[28:16]). */
    put64(TBL0, TBL1 | VALID_TABLE);
    put64(TBL1 + 8 * 2, RAM_BASE | AF | VALID_BLOCK);   /* 512M block */
    put64(TBL1 + 8 * 3, TBL2 | VALID_TABLE);            /* 0x60000000 */
    put64(TBL2, DATA1 | AF | VALID_PAGE);
    for (int i = 0; i < 64; i++) {      /* TBL0 is 64K: clear the rest */
        if (i) {
            put64(TBL0 + 8 * i, 0);
        }
    }
    put64(DATA1 + 8, 0x1111);
    put64(DATA2 + 8, 0x2222);
    env->mair_el[1] = 0xff;
    env->tcr_el[1] = 16 | 1ull << 14 | 5ull << 32 | 1ull << 23;
    env->ttbr0_el[1] = TBL0;
    env->sctlr_el[1] |= 1;
    tlb_flush(&cpu->parent);

    code(prog, 2);
    env->pc = CODE;
    env->xregs[0] = 0x60000008;
    assert_int_equal(run(), EXCP_BKPT);
    assert_int_equal(env->xregs[1], 0x1111);

    /* Retarget the page: the TLB keeps the old one until TLBI. */
    put64(TBL2, DATA2 | AF | VALID_PAGE);
    env->pc = CODE;
    assert_int_equal(run(), EXCP_BKPT);
    assert_int_equal(env->xregs[1], 0x1111);
    code(prog_tlbi, 3);
    env->pc = CODE;
    assert_int_equal(run(), EXCP_BKPT);
    assert_int_equal(env->xregs[1], 0x2222);

    /* L3 hole: translation fault level 3 at the 64K page after it. */
    expect_abort(I_LDR, 0x60010000, 0x96000007);
}

int main(int argc, char **argv)
{
    static const char *const all[] = { "jit", "interp" };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svc_eret_el0),
        cmocka_unit_test(test_sysregs_and_hvc),
        cmocka_unit_test(test_mmu_4k_faults),
        cmocka_unit_test(test_mmu_64k_and_tlbi),
    };
    g_autoptr(GError) err = NULL;
    TCGOptions o = { .backend = argc > 1 ? argv[1] : all[0] };
    int failed;

    if (!tcg_init(&o, &err)) {
        fprintf(stderr, "tcg_init: %s\n", err->message);
        return 1;
    }
    memory_region_init_container(&root, "root", ~0ull);
    if (!memory_region_init_ram(&ram, "ram", RAM_SIZE, &err)) {
        return 1;
    }
    memory_region_add_subregion(&root, RAM_BASE, &ram, 0);
    address_space_init(&as, &root, "test");
    cpu = aarch64_cpu_create_system("max", &as, &err);
    if (!cpu) {
        fprintf(stderr, "%s\n", err->message);
        return 1;
    }
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    return failed ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * softmmu/tlb.c against a fake frontend whose tlb_fill maps
 *
 *   virtual                          physical
 *   VOFF .. VOFF + 3 MiB             vaddr - VOFF (RWX; VOFF+0x5000 R-X)
 *   LP .. LP + 2 MiB                 vaddr - LP, one 2 MiB page
 *   anything else                    fault (longjmp to the test)
 *
 * and a physical map of RAM at 0 (1 MiB), a recording device at
 * 0x100000 (4-byte registers) and ROM at 0x200000; 0x280000 is nothing.
 * Checked: fills, fast-path hits through generated code of every backend
 * configuration, MMIO through the slow path with the BQL held, byte
 * order and sign, page-crossing accesses (and a fault on the second page
 * leaving the first untouched), alignment faults, ROM, flushes by page,
 * index, large page and all CPUs, and TLB_NOTDIRTY: a store to a page
 * holding a TB invalidates it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "kestrel/memory.h"
#include "kestrel/sysemu.h"
#include "kestrel/tb.h"
#include "kestrel/tlb.h"

/* The BQL lives in softmmu/main-loop.c; tests run single-threaded. */
static bool test_bql;
__attribute__((weak)) void bql_lock(void)
{
    test_bql = true;
}
__attribute__((weak)) void bql_unlock(void)
{
    test_bql = false;
}
__attribute__((weak)) bool bql_locked(void)
{
    return test_bql;
}

#define VOFF 0x40000000ull
#define VSIZE 0x300000ull
#define LP 0x80000000ull
#define LP_SIZE 0x200000ull
#define RAM_SIZE 0x100000ull
#define DEV_BASE 0x100000ull
#define ROM_BASE 0x200000ull
#define HOLE 0x280000ull
#define RO_PAGE (VOFF + 0x5000)

static MemoryRegion root, ram, dev, rom;
static AddressSpace as;
static CPUState *cpu;
static unsigned fills;
static sigjmp_buf fault_jb;
static uint64_t fault_addr;
static bool unaligned_hit;

/* ------------------------------------------------------------------ */
/* The device                                                          */

static uint32_t dev_regs[1024];
static struct {
    bool write;
    uint64_t addr, val;
    unsigned size;
    bool bql;
} dev_log[16];
static unsigned dev_n;

static uint64_t dev_read(void *opaque, uint64_t addr, unsigned size)
{
    dev_log[dev_n % 16].write = false;
    dev_log[dev_n % 16].addr = addr;
    dev_log[dev_n % 16].size = size;
    dev_log[dev_n % 16].bql = bql_locked();
    dev_n++;
    return dev_regs[addr / 4];
}

static void dev_write(void *opaque, uint64_t addr, uint64_t val,
                      unsigned size)
{
    dev_log[dev_n % 16].write = true;
    dev_log[dev_n % 16].addr = addr;
    dev_log[dev_n % 16].val = val;
    dev_log[dev_n % 16].size = size;
    dev_log[dev_n % 16].bql = bql_locked();
    dev_n++;
    dev_regs[addr / 4] = (uint32_t)val;
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read, .write = dev_write, .min_access = 4, .max_access = 4,
};

/* ------------------------------------------------------------------ */
/* The fake frontend                                                   */

static bool t_tlb_fill(CPUState *c, uint64_t vaddr, int size, int type,
                       int mmu_idx, bool probe, uintptr_t retaddr)
{
    int prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;

    fills++;
    if (vaddr >= LP && vaddr < LP + LP_SIZE) {
        tlb_set_page(c, vaddr, vaddr - LP, prot, mmu_idx, LP_SIZE);
        return true;
    }
    if ((vaddr & TARGET_PAGE_MASK) == RO_PAGE) {
        prot = PAGE_READ | PAGE_EXEC;
    }
    if (vaddr < VOFF || vaddr >= VOFF + VSIZE ||
        (type == MMU_DATA_STORE && !(prot & PAGE_WRITE))) {
        if (probe) {
            return false;
        }
        fault_addr = vaddr;
        siglongjmp(fault_jb, 1);
    }
    tlb_set_page(c, vaddr, vaddr - VOFF, prot, mmu_idx, TARGET_PAGE_SIZE);
    return true;
}

static G_NORETURN void t_unaligned(CPUState *c, uint64_t vaddr, int type,
                                   int mmu_idx, uintptr_t retaddr)
{
    unaligned_hit = true;
    fault_addr = vaddr;
    siglongjmp(fault_jb, 2);
}

static void t_get_tb_cpu_state(CPUState *c, uint64_t *pc, uint64_t *cs_base,
                               uint32_t *flags)
{
    *pc = H.env->spare[0];
    *cs_base = 0;
    *flags = 0;
}

static uint64_t t_get_code_phys(CPUState *c, uint64_t pc)
{
    return get_page_addr_code(c, pc, 0);
}

/* One "instruction" of 4 bytes: fetch it, then leave. */
static void t_translate(CPUState *c, IRContext *s, TranslationBlock *tb,
                        int max_insns)
{
    H.env->spare[1] = cpu_ldl_code(c, tb->pc, 0);
    ir_insn_start(s, tb->pc, 0, 0);
    ir_exit_tb(s, 0);
    tb->size = 4;
    tb->icount = 1;
}

static const CPUArchOps test_ops = {
    .name = "tlb-test",
    .insn_start_words = 1,
    .get_tb_cpu_state = t_get_tb_cpu_state,
    .get_code_phys = t_get_code_phys,
    .translate = t_translate,
    .tlb_fill = t_tlb_fill,
    .do_unaligned_access = t_unaligned,
};

#define EXPECT_FAULT(stmt)                                              \
    do {                                                                \
        if (sigsetjmp(fault_jb, 0) == 0) {                              \
            stmt;                                                       \
            fail_msg("no fault from %s", #stmt);                        \
        }                                                               \
    } while (0)

static MemOpIdx oi(MemOp mop, unsigned idx)
{
    return make_memop_idx(mop, idx);
}

static TLBEntry *entry(unsigned idx, uint64_t vaddr)
{
    return &H.cpu->neg.tlb[idx].table[(vaddr >> TARGET_PAGE_BITS) &
                                      (H.cpu->neg.tlb[idx].mask >>
                                       TLB_ENTRY_BITS)];
}

static int setup(void **state)
{
    TCGOptions o = { 0 };
    GError *err = NULL;

    h_init();
    if (!tcg_init(&o, &err)) {
        fprintf(stderr, "tcg_init: %s\n", err->message);
        return -1;
    }
    memory_region_init_container(&root, "root", UINT64_MAX);
    address_space_init(&as, &root, "cpu-memory");
    assert_true(memory_region_init_ram(&ram, "ram", RAM_SIZE, NULL));
    assert_true(memory_region_init_rom(&rom, "rom", 0x1000, NULL));
    memory_region_init_io(&dev, "dev", 0x1000, &dev_ops, NULL);
    memory_region_add_subregion(&root, 0, &ram, 0);
    memory_region_add_subregion(&root, DEV_BASE, &dev, 0);
    memory_region_add_subregion(&root, ROM_BASE, &rom, 0);

    cpu = &H.cpu->cpu;
    cpu_init_common(cpu, &H.cpu->neg, &H.cpu->env, &test_ops);
    tlb_init(cpu, &as);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers' accesses                                                   */

static void test_ld_st(void **state)
{
    uint64_t v = 0x1122334455667788ull;

    tlb_flush(cpu);
    fills = 0;
    cpu_st_mmu(cpu, VOFF + 0x100, v, oi(MO_UQ, 0), 0);
    assert_memory_equal(ram.host + 0x100, &v, 8);
    assert_int_equal(fills, 1);
    assert_int_equal(entry(0, VOFF + 0x100)->addr_read, VOFF);
    assert_int_equal(entry(0, VOFF + 0x100)->addr_write, VOFF);

    assert_int_equal(cpu_ld_mmu(cpu, VOFF + 0x100, oi(MO_UL, 0), 0),
                     0x55667788);
    assert_int_equal(cpu_ld_mmu(cpu, VOFF + 0x100, oi(MO_UL | MO_BE, 0), 0),
                     0x88776655);
    assert_int_equal(cpu_ld_mmu(cpu, VOFF + 0x100, oi(MO_SB, 0), 0),
                     0xffffffffffffff88ull);
    assert_int_equal(cpu_ld_mmu(cpu, VOFF + 0x106, oi(MO_SW | MO_BE, 0), 0),
                     0x2211);
    cpu_st_mmu(cpu, VOFF + 0x108, 0xa1b2, oi(MO_UW | MO_BE, 0), 0);
    assert_int_equal(ram.host[0x108], 0xa1);
    assert_int_equal(fills, 1);

    /* Another MMU index has its own table. */
    cpu_ld_mmu(cpu, VOFF + 0x100, oi(MO_UL, 3), 0);
    assert_int_equal(fills, 2);

    /* Instruction fetch side. */
    assert_int_equal(get_page_addr_code(cpu, VOFF + 0x104, 0), 0x104);
    assert_int_equal(cpu_ldl_code(cpu, VOFF + 0x100, 0), 0x55667788);
    assert_ptr_equal(tlb_probe_host(cpu, VOFF + 0x100, 8, MMU_DATA_LOAD, 0,
                                    0), ram.host + 0x100);
}

static void test_mmio_rom_hole(void **state)
{
    uint8_t data[4] = { 1, 2, 3, 4 };

    tlb_flush(cpu);
    dev_n = 0;
    dev_regs[2] = 0x11223344;
    assert_int_equal(cpu_ld_mmu(cpu, VOFF + DEV_BASE + 8, oi(MO_UL, 0), 0),
                     0x11223344);
    assert_int_equal(dev_n, 1);
    assert_true(dev_log[0].bql);
    assert_false(bql_locked());
    /* A byte load widens to the register; a big-endian store swaps. */
    assert_int_equal(cpu_ld_mmu(cpu, VOFF + DEV_BASE + 9, oi(MO_UB, 0), 0),
                     0x33);
    cpu_st_mmu(cpu, VOFF + DEV_BASE + 4, 0xaabbccdd, oi(MO_UL | MO_BE, 0),
               0);
    assert_true(dev_log[2].write);
    assert_int_equal(dev_log[2].addr, 4);
    assert_int_equal(dev_log[2].val, 0xddccbbaa);
    assert_true(entry(0, VOFF + DEV_BASE)->addr_read & TLB_MMIO);
    assert_null(tlb_probe_host(cpu, VOFF + DEV_BASE, 4, MMU_DATA_LOAD, 0,
                               0));
    assert_int_equal(get_page_addr_code(cpu, VOFF + DEV_BASE, 0),
                     (uint64_t)-1);

    /* ROM: reads from RAM, writes ignored. */
    address_space_write_rom(&as, ROM_BASE, data, 4);
    cpu_st_mmu(cpu, VOFF + ROM_BASE, 0, oi(MO_UL, 0), 0);
    assert_int_equal(cpu_ld_mmu(cpu, VOFF + ROM_BASE, oi(MO_UL, 0), 0),
                     0x04030201);
    assert_false(entry(0, VOFF + ROM_BASE)->addr_read & TLB_MMIO);
    assert_true(entry(0, VOFF + ROM_BASE)->addr_write & TLB_MMIO);

    /* Nothing there: reads 0, writes vanish. */
    cpu_st_mmu(cpu, VOFF + HOLE, 5, oi(MO_UL, 0), 0);
    assert_int_equal(cpu_ld_mmu(cpu, VOFF + HOLE, oi(MO_UL, 0), 0), 0);
}

static void test_cross_and_faults(void **state)
{
    uint64_t v = 0x0102030405060708ull;
    uint8_t before[8];

    tlb_flush(cpu);
    fills = 0;
    cpu_st_mmu(cpu, VOFF + 0x1ffc, v, oi(MO_UQ, 0), 0);
    assert_int_equal(fills, 2);
    assert_memory_equal(ram.host + 0x1ffc, &v, 8);
    assert_int_equal(cpu_ld_mmu(cpu, VOFF + 0x1ffd, oi(MO_UL | MO_BE, 0), 0),
                     0x07060504);
    assert_int_equal(cpu_ld_mmu(cpu, VOFF + 0x1ffe, oi(MO_SL, 0), 0),
                     0x03040506);

    /* Faults: the second page, alignment, outside the mapping. */
    memcpy(before, ram.host + 0x4ffc, 8);
    EXPECT_FAULT(cpu_st_mmu(cpu, RO_PAGE - 4, ~0ull, oi(MO_UQ, 0), 0));
    assert_int_equal(fault_addr, RO_PAGE);
    assert_memory_equal(ram.host + 0x4ffc, before, 8);
    assert_int_equal(cpu_ld_mmu(cpu, RO_PAGE, oi(MO_UB, 0), 0),
                     ram.host[0x5000]);

    unaligned_hit = false;
    EXPECT_FAULT(cpu_ld_mmu(cpu, VOFF + 0x1002, oi(MO_UL | MO_ALIGN, 0), 0));
    assert_true(unaligned_hit);
    EXPECT_FAULT(cpu_ld_mmu(cpu, VOFF - 8, oi(MO_UQ, 0), 0));
    assert_int_equal(fault_addr, VOFF - 8);
    EXPECT_FAULT(cpu_ldl_code(cpu, VOFF + VSIZE, 0));
}

static void test_flush(void **state)
{
    uint64_t p = VOFF + 0x7000;

    tlb_flush(cpu);
    cpu_ld_mmu(cpu, p, oi(MO_UB, 0), 0);
    cpu_ld_mmu(cpu, p, oi(MO_UB, 1), 0);
    cpu_ld_mmu(cpu, p + 0x1000, oi(MO_UB, 0), 0);
    tlb_flush_page_by_mmuidx(cpu, p, 1 << 1);
    assert_int_equal(entry(0, p)->addr_read, p);
    assert_int_equal(entry(1, p)->addr_read, (uint64_t)-1);
    tlb_flush_page(cpu, p + 0x1000);
    assert_int_equal(entry(0, p)->addr_read, p);
    assert_int_equal(entry(0, p + 0x1000)->addr_read, (uint64_t)-1);
    tlb_flush_by_mmuidx(cpu, 1 << 0);
    assert_int_equal(entry(0, p)->addr_read, (uint64_t)-1);

    /* A 2 MiB page: flushing any address in it drops all its pieces. */
    cpu_ld_mmu(cpu, LP + 0x1000, oi(MO_UB, 2), 0);
    cpu_ld_mmu(cpu, LP + 0x5000, oi(MO_UB, 2), 0);
    cpu_ld_mmu(cpu, p, oi(MO_UB, 0), 0);
    assert_int_equal(entry(2, LP + 0x5000)->addr_read, LP + 0x5000);
    tlb_flush_page(cpu, LP + 0x100000);
    assert_int_equal(entry(2, LP + 0x1000)->addr_read, (uint64_t)-1);
    assert_int_equal(entry(2, LP + 0x5000)->addr_read, (uint64_t)-1);
    assert_int_equal(entry(0, p)->addr_read, p);
    tlb_flush_page_all_cpus(p, 1);
    assert_int_equal(entry(0, p)->addr_read, (uint64_t)-1);
    cpu_ld_mmu(cpu, p, oi(MO_UB, 0), 0);
    tlb_flush_all_cpus(0xffff);
    assert_int_equal(entry(0, p)->addr_read, (uint64_t)-1);
}

/* ------------------------------------------------------------------ */
/* Self-modifying code                                                 */

static TranslationBlock *gen_tb(uint64_t pc)
{
    H.env->spare[0] = pc;
    return tb_gen_code(cpu, pc, 0, 0, 0);
}

static void test_notdirty(void **state)
{
    uint64_t pc = VOFF + 0x6000;
    uint64_t inv = tcg_stats()->invalidations;
    TranslationBlock *tb;

    tlb_flush(cpu);
    cpu_st_mmu(cpu, pc, 0xcafef00d, oi(MO_UL, 0), 0);
    assert_false(entry(0, pc)->addr_write & TLB_NOTDIRTY);

    /* A TB on the page: stores to it now take the slow path. */
    tb = gen_tb(pc);
    assert_int_equal(H.env->spare[1], 0xcafef00d);
    assert_int_equal(tb->page_addr[0], 0x6000);
    assert_true(entry(0, pc)->addr_write & TLB_NOTDIRTY);
    assert_int_equal(entry(0, pc)->addr_read, pc);
    assert_ptr_equal(tb_lookup(cpu, pc, 0, 0, 0), tb);

    /* Same page, not the TB's bytes: the TB stays. */
    H.cpu->neg.exit_request = 0;
    cpu_st_mmu(cpu, pc + 0x800, 1, oi(MO_UL, 0), 0);
    assert_ptr_equal(tb_lookup(cpu, pc, 0, 0, 0), tb);
    assert_int_equal(H.cpu->neg.exit_request, 0);

    /* Over the TB: invalidated, the vCPU asked to leave, page clean. */
    cpu_st_mmu(cpu, pc + 2, 0x1234, oi(MO_UW, 0), 0);
    assert_null(tb_lookup(cpu, pc, 0, 0, 0));
    assert_int_equal(tcg_stats()->invalidations, inv + 1);
    assert_int_equal(H.cpu->neg.exit_request, 1);
    assert_false(entry(0, pc)->addr_write & TLB_NOTDIRTY);
    assert_int_equal(*(uint32_t *)(ram.host + 0x6000), 0x1234f00d);
    H.cpu->neg.exit_request = 0;

    /* A fill of a code page sets NOTDIRTY; DMA invalidates too. */
    tb = gen_tb(pc);
    tlb_flush(cpu);
    cpu_ld_mmu(cpu, pc, oi(MO_UB, 0), 0);
    assert_true(entry(0, pc)->addr_write & TLB_NOTDIRTY);
    address_space_st(&as, 0x6000, 0, 4, NULL);
    assert_null(tb_lookup(cpu, pc, 0, 0, 0));
    assert_false(entry(0, pc)->addr_write & TLB_NOTDIRTY);

    /* Atomics' host pointer: invalidates before handing it out. */
    tb = gen_tb(pc);
    assert_ptr_equal(tlb_probe_host(cpu, pc, 4, MMU_DATA_STORE, 0, 0),
                     ram.host + 0x6000);
    assert_null(tb_lookup(cpu, pc, 0, 0, 0));
    H.cpu->neg.exit_request = 0;
}

/* ------------------------------------------------------------------ */
/* Generated code                                                      */

static void build_ld_st(IRContext *s, void *opaque)
{
    ir_qemu_ld(s, H.r[1], H.r[0], 0, MO_UQ);
    ir_qemu_st(s, H.r[2], H.r[3], 0, MO_UL);
}

static void build_128(IRContext *s, void *opaque)
{
    ir_qemu_ld128(s, H.r[4], H.r[5], H.r[0], 0, MO_128);
    ir_qemu_st128(s, H.r[5], H.r[4], H.r[3], 0, MO_128 | MO_BE);
}

static void use_softmmu(void)
{
    static IRContext tmp;

    softmmu_install_hooks(&tmp);
    H.mem_mode = tmp.mem_mode;
    H.ld_slow = tmp.ld_slow;
    H.st_slow = tmp.st_slow;
    H.ld128_slow = tmp.ld128_slow;
    H.st128_slow = tmp.st128_slow;
}

static void test_generated(void **state)
{
    const void *code[H_NB_CFG], *code128[H_NB_CFG];
    uint64_t v = 0x8877665544332211ull, w = 0x1020304050607080ull;

    use_softmmu();
    h_rewind();
    assert_true(h_compile_all(build_ld_st, NULL, 0, "ld/st", code));
    assert_true(h_compile_all(build_128, NULL, 0, "ld128/st128", code128));
    memcpy(ram.host + 0x2000, &v, 8);
    memcpy(ram.host + 0x8ff8, &v, 8);
    memcpy(ram.host + 0x9000, &w, 8);
    for (int c = 0; c < H_NB_CFG; c++) {
        tlb_flush(cpu);
        fills = 0;
        H.env->r[0] = VOFF + 0x2000;
        H.env->r[2] = 0xdeadbeef + c;
        H.env->r[3] = VOFF + 0x3010;
        h_run(c, code[c]);
        assert_int_equal(H.env->r[1], v);
        assert_int_equal(*(uint32_t *)(ram.host + 0x3010), 0xdeadbeef + c);
        assert_int_equal(fills, 2);
        /* Now both hit inline. */
        H.env->r[2] = 0x600d + c;
        h_run(c, code[c]);
        assert_int_equal(*(uint32_t *)(ram.host + 0x3010), 0x600d + c);
        assert_int_equal(fills, 2);

        /* MMIO through the slow path. */
        dev_n = 0;
        dev_regs[2] = 0xaaaa0000 + c;
        dev_regs[3] = 0xbbbb0000;
        H.env->r[0] = VOFF + DEV_BASE + 8;
        H.env->r[3] = VOFF + DEV_BASE + 0x10;
        h_run(c, code[c]);
        assert_int_equal(H.env->r[1], 0xbbbb0000aaaa0000ull + c);
        assert_int_equal(dev_n, 3);
        assert_int_equal(dev_regs[4], 0x600d + c);

        /* 16 bytes across a page, stored back big-endian. */
        H.env->r[0] = VOFF + 0x8ff8;
        H.env->r[3] = VOFF + 0xa000;
        h_run(c, code128[c]);
        assert_int_equal(H.env->r[4], v);
        assert_int_equal(H.env->r[5], w);
        assert_int_equal(ram.host[0xa000], 0x88);
        assert_int_equal(ram.host[0xa00f], 0x80);
    }
    h_reset_mem_mode();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ld_st),
        cmocka_unit_test(test_mmio_rom_hole),
        cmocka_unit_test(test_cross_and_faults),
        cmocka_unit_test(test_flush),
        cmocka_unit_test(test_notdirty),
        cmocka_unit_test(test_generated),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}

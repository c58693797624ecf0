// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mmu.c - VMSAv8-64 stage 1 with the 4K granule (pt.c's map): the MMU
 * turned on, translation faults at levels 0-3, permission faults (write
 * to read-only, EL0 access to EL1-only, execute-never at EL1 and EL0),
 * access-flag faults fixed up and retried, aliases, TLB invalidation by
 * VA, all, ASID and VA-all-ASIDs, and AT S1E1R.  Every fault is checked
 * for its exact ESR_EL1 (EC, IL, WnR, DFSC/IFSC), FAR_EL1 and ELR_EL1.
 */
#include "sys.h"

#define T(n)        (TEST_VA + (n) * 4096UL)
#define MAGIC(n)    (0x1111111111111111UL * (n))

static uint64_t backing[8][512] __attribute__((aligned(4096)));

struct rec {
    int vec;
    uint64_t esr, far, elr;
};
static struct rec recs[8];
static int nrec;
static int af_fixup;

static int handler(struct frame *f, int vec)
{
    unsigned ec = f->esr >> 26;

    if (vec == VEC_LOW64_SYNC && f->esr == ESR(EC_SVC64, 0)) {
        return 0;
    }
    recs[nrec & 7] = (struct rec){ vec, f->esr, f->far, f->elr };
    nrec++;
    switch (ec) {
    case EC_DABT_CUR:
    case EC_DABT_LOW:
        if (af_fixup && (f->esr & 0x3f) == 0x0b &&
            f->far >= TEST_VA && f->far < TEST_VA + 0x200000) {
            pt_test[(f->far - TEST_VA) >> 12] |= PTE_AF;
            tlbi_va(f->far);
            return 1;                   /* retry the access */
        }
        f->elr += 4;
        return 1;
    case EC_IABT_CUR:
    case EC_IABT_LOW:
        f->elr = f->x[30];
        return 1;
    }
    return 0;
}

static uint64_t ld64(uint64_t a)
{
    uint64_t v = 0xbad;
    __asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(a) : "memory");
    return v;
}

static uint64_t ld8(uint64_t a)
{
    uint64_t v = 0xbad;
    __asm__ volatile("ldrb %w0, [%1]" : "+r"(v) : "r"(a) : "memory");
    return v;
}

static void st64(uint64_t a, uint64_t v)
{
    __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static void set_pte(int n, uint64_t pte)
{
    pt_test[n] = pte;
    __asm__ volatile("dsb ishst; isb" : : : "memory");
}

static uint64_t page(int backing_page, uint64_t attrs)
{
    return (uint64_t)backing[backing_page] | attrs | PTE_TABLE;
}

/* One access expected to fault: check ESR, FAR and the count. */
static void expect_fault(const char *what, int vec, uint64_t esr,
                         uint64_t far)
{
    printf_("# %s\n", what);
    check_eq("  one exception", nrec, 1);
    check_eq("  vector", recs[0].vec * 0x80, vec * 0x80);
    check_eq("  esr", recs[0].esr, esr);
    check_eq("  far", recs[0].far, far);
    nrec = 0;
}

static void test_translation_faults(void)
{
    uint64_t v;

    nrec = 0;
    v = ld8(T(0) + 0x123);
    expect_fault("ldrb, level 3 translation fault", VEC_CUR_SPX_SYNC,
                 ESR(EC_DABT_CUR, 0x07), T(0) + 0x123);
    check_eq("  load skipped", v, 0xbad);
    st64(T(0) + 0xff8, 1);
    expect_fault("str, level 3 translation fault (WnR)", VEC_CUR_SPX_SYNC,
                 ESR(EC_DABT_CUR, ESR_WNR | 0x07), T(0) + 0xff8);
    ld64(0x40600008);
    expect_fault("level 2 translation fault", VEC_CUR_SPX_SYNC,
                 ESR(EC_DABT_CUR, 0x06), 0x40600008);
    ld64(0x80000010);
    expect_fault("level 1 translation fault", VEC_CUR_SPX_SYNC,
                 ESR(EC_DABT_CUR, 0x05), 0x80000010);
    ld64(0x8000000000UL);
    expect_fault("VA beyond T0SZ: level 0 translation fault",
                 VEC_CUR_SPX_SYNC, ESR(EC_DABT_CUR, 0x04), 0x8000000000UL);
}

static void test_permissions(void)
{
    set_pte(1, page(1, PTE_NORMAL | PTE_AP_EL1_RO | PTE_PXN | PTE_UXN));
    nrec = 0;
    check_eq("read-only page reads", ld64(T(1) + 8), MAGIC(1));
    check_eq("  no exception", nrec, 0);
    st64(T(1) + 0x10, 5);
    expect_fault("write to read-only page: level 3 permission fault",
                 VEC_CUR_SPX_SYNC, ESR(EC_DABT_CUR, ESR_WNR | 0x0f),
                 T(1) + 0x10);
    check_eq("  memory unchanged", backing[1][2], MAGIC(1));

    set_pte(4, page(4, PTE_NORMAL | PTE_PXN | PTE_UXN));
    st64(T(4) + 0x18, 0x4444);
    check_eq("alias write seen at the physical page", backing[4][3],
             0x4444);
    check_eq("  no exception", nrec, 0);
}

static void test_access_flag(void)
{
    set_pte(3, page(3, (PTE_NORMAL & ~PTE_AF) | PTE_PXN | PTE_UXN));
    nrec = 0;
    af_fixup = 1;
    check_eq("AF=0 page read after fix-up", ld64(T(3) + 0x20), MAGIC(3));
    expect_fault("read with AF=0: level 3 access flag fault",
                 VEC_CUR_SPX_SYNC, ESR(EC_DABT_CUR, 0x0b), T(3) + 0x20);
    set_pte(3, page(3, (PTE_NORMAL & ~PTE_AF) | PTE_PXN | PTE_UXN));
    tlbi_va(T(3));
    st64(T(3) + 0x28, 0x3333);
    expect_fault("write with AF=0: access flag fault (WnR)",
                 VEC_CUR_SPX_SYNC, ESR(EC_DABT_CUR, ESR_WNR | 0x0b),
                 T(3) + 0x28);
    check_eq("  retried write landed", backing[3][5], 0x3333);
    af_fixup = 0;
}

static void test_tlb_maintenance(void)
{
    const uint64_t rw = PTE_NORMAL | PTE_PXN | PTE_UXN;
    uint64_t ttbr = mmu_ttbr0_4k();

    nrec = 0;
    set_pte(5, page(5, rw));
    check_eq("page mapped at run time", ld64(T(5)), MAGIC(5));
    set_pte(5, 0);
    tlbi_va(T(5));
    ld64(T(5) + 8);
    expect_fault("unmapped + TLBI VAE1: translation fault",
                 VEC_CUR_SPX_SYNC, ESR(EC_DABT_CUR, 0x07), T(5) + 8);

    set_pte(5, page(5, rw));
    check_eq("remapped", ld64(T(5)), MAGIC(5));
    set_pte(5, 0);
    tlbi_all();
    set_pte(5, page(6, rw));
    check_eq("moved to another page after TLBI VMALLE1", ld64(T(5)),
             MAGIC(6));

    set_pte(5, 0);
    tlbi_all();
    write_sysreg(ttbr | (5UL << 48), ttbr0_el1);
    isb();
    set_pte(5, page(5, rw | PTE_NG));
    check_eq("nG page under ASID 5", ld64(T(5)), MAGIC(5));
    set_pte(5, 0);
    __asm__ volatile("dsb ishst; tlbi aside1, %0; dsb ish; isb"
                     : : "r"(5UL << 48) : "memory");
    set_pte(5, page(4, rw | PTE_NG));
    check_eq("moved after TLBI ASIDE1", ld64(T(5) + 0x18), 0x4444);
    set_pte(5, 0);
    __asm__ volatile("dsb ishst; tlbi vaae1, %0; dsb ish; isb"
                     : : "r"(T(5) >> 12) : "memory");
    set_pte(5, page(6, rw | PTE_NG));
    check_eq("moved after TLBI VAAE1", ld64(T(5)), MAGIC(6));
    write_sysreg(ttbr, ttbr0_el1);
    tlbi_all();
    check_eq("  no exception", nrec, 0);
}

static void test_at(void)
{
    uint64_t par;

    __asm__ volatile("at s1e1r, %0; isb" : : "r"(T(4) + 0x123) : "memory");
    par = read_sysreg(par_el1);
    check_eq("AT S1E1R: PAR_EL1.PA", par & 0xfffffffff000UL,
             (uint64_t)backing[4]);
    check_eq("AT S1E1R: PAR_EL1.F", par & 1, 0);
    __asm__ volatile("at s1e1r, %0; isb" : : "r"(T(0)) : "memory");
    par = read_sysreg(par_el1);
    check_eq("AT S1E1R on a hole: PAR_EL1.F and FST", par & 0x7f, 0x0f);
}

static void test_exec(void)
{
    void (*fn)(void);

    nrec = 0;
    fn = (void (*)(void))T(0);
    fn();
    expect_fault("branch to an unmapped page: instruction abort",
                 VEC_CUR_SPX_SYNC, ESR(EC_IABT_CUR, 0x07), T(0));
    set_pte(2, page(2, PTE_NORMAL | PTE_PXN | PTE_UXN));
    fn = (void (*)(void))(T(2) + 0x40);
    fn();
    expect_fault("branch to a PXN page: permission fault",
                 VEC_CUR_SPX_SYNC, ESR(EC_IABT_CUR, 0x0f), T(2) + 0x40);
}

uint64_t el0_mmu(uint64_t el1_fn);
extern char el0_ld_t2[], el0_st_t6[], el0_ld_t0[];
__asm__(
    ".section .el0.text, \"ax\"\n"
    ".globl el0_mmu\n"
    "el0_mmu: ldr x9, =0x40402000\n"    /* T2: EL1 only */
    "    mov x10, #0xbad\n"
    ".globl el0_ld_t2\n"
    "el0_ld_t2: ldr x10, [x9]\n"
    "    ldr x9, =0x40406000\n"         /* T6: read-only at EL0 and EL1 */
    "    ldr x11, [x9]\n"
    ".globl el0_st_t6\n"
    "el0_st_t6: str x11, [x9]\n"
    "    ldr x9, =0x40407000\n"         /* T7: read-write at EL0 */
    "    mov x12, #0x77\n"
    "    str x12, [x9]\n"
    "    ldr x9, =0x40400010\n"         /* T0: invalid */
    ".globl el0_ld_t0\n"
    "el0_ld_t0: ldr x12, [x9]\n"
    "    blr x0\n"                      /* EL1 code: UXN */
    "    add x0, x11, x10\n"
    "    svc #0\n"
    "    .ltorg\n"
    "    .text\n");

static uint64_t el0_stack[512] __attribute__((section(".el0.data"),
                                              aligned(16)));

static void el1_only_fn(void)
{
}

static void test_el0(void)
{
    uint64_t ret;
    struct {
        const char *what;
        uint64_t esr, far, elr;
    } want[4] = {
        { "EL0 load from an EL1-only page", ESR(EC_DABT_LOW, 0x0f),
          T(2), (uint64_t)el0_ld_t2 },
        { "EL0 store to a read-only page", ESR(EC_DABT_LOW, ESR_WNR | 0x0f),
          T(6), (uint64_t)el0_st_t6 },
        { "EL0 load from an unmapped page", ESR(EC_DABT_LOW, 0x07),
          T(0) + 0x10, (uint64_t)el0_ld_t0 },
        { "EL0 branch to UXN EL1 code", ESR(EC_IABT_LOW, 0x0f),
          (uint64_t)el1_only_fn, (uint64_t)el1_only_fn },
    };

    set_pte(6, page(6, PTE_NORMAL | PTE_AP_ALL_RO | PTE_PXN | PTE_UXN));
    set_pte(7, page(7, PTE_NORMAL | PTE_AP_ALL_RW | PTE_PXN | PTE_UXN));
    nrec = 0;
    ret = run_el0((void *)el0_mmu, (uint64_t)el1_only_fn, &el0_stack[512]);
    check_eq("EL0 program result", ret, MAGIC(6) + 0xbad);
    check_eq("EL0 exceptions", nrec, 4);
    for (int i = 0; i < 4; i++) {
        printf_("# %s\n", want[i].what);
        check_eq("  vector", recs[i].vec * 0x80, VEC_LOW64_SYNC * 0x80);
        check_eq("  esr", recs[i].esr, want[i].esr);
        check_eq("  far", recs[i].far, want[i].far);
        check_eq("  elr", recs[i].elr, want[i].elr);
    }
    check_eq("EL0 store to an EL0 page landed", backing[7][0], 0x77);
    check_eq("read-only page unchanged", backing[6][0], MAGIC(6));
}

int main(void)
{
    puts_("# mmu: 4K granule stage 1 translation and faults\n");
    exc_handler = handler;
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 512; j++) {
            backing[i][j] = MAGIC(i);
        }
    }
    mmu_build_4k();
    mmu_enable(mmu_tcr_4k(), mmu_ttbr0_4k());
    check_eq("SCTLR_EL1.M", read_sysreg(sctlr_el1) & 1, 1);
    test_translation_faults();
    test_permissions();
    test_access_flag();
    test_tlb_maintenance();
    test_at();
    test_exec();
    test_el0();
    mmu_disable();
    check_eq("MMU off again", read_sysreg(sctlr_el1) & 1, 0);
    return finish();
}

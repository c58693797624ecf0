// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mmu64k.c - VMSAv8-64 stage 1 with the 64K granule: a 39-bit VA, so the
 * walk starts at level 2 (1024 entries of 512 MiB) and ends at level 3
 * (8192 pages of 64 KiB):
 *   0x00000000-0x1fffffff  device block
 *   0x40000000-0x47ffffff  64K pages (the image with pt.c's rights)
 *   0x40400000-            TEST_VA pages, set by the tests
 *   0x60000000-0x7fffffff  invalid (level 2 translation fault)
 * Checks exact ESR_EL1/FAR_EL1 of translation, permission and access
 * flag faults, an alias, and TLBI VAE1 with a 64K page.
 */
#include "sys.h"

#define PAGE        0x10000UL
#define T(n)        (TEST_VA + (n) * PAGE)
#define MAGIC(n)    (0x0101010101010101UL * (n) + 0x10)

static uint64_t l2[1024] __attribute__((aligned(PAGE)));
static uint64_t l3[8192] __attribute__((aligned(PAGE)));
static uint64_t backing[4][PAGE / 8] __attribute__((aligned(PAGE)));
static int nrec, af_fixup;
static uint64_t last_esr, last_far;

static int handler(struct frame *f, int vec)
{
    if (vec != VEC_CUR_SPX_SYNC || (f->esr >> 26) != EC_DABT_CUR) {
        return 0;
    }
    nrec++;
    last_esr = f->esr;
    last_far = f->far;
    if (af_fixup && (f->esr & 0x3f) == 0x0b) {
        l3[(f->far - 0x40000000UL) / PAGE] |= PTE_AF;
        tlbi_va(f->far);
        return 1;
    }
    f->elr += 4;
    return 1;
}

static uint64_t ld64(uint64_t a)
{
    uint64_t v = 0xbad;
    __asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(a) : "memory");
    return v;
}

static void st64(uint64_t a, uint64_t v)
{
    __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static void set_test(int n, uint64_t pte)
{
    l3[(T(n) - 0x40000000UL) / PAGE] = pte;
    __asm__ volatile("dsb ishst; isb" : : : "memory");
}

static uint64_t page(int b, uint64_t attrs)
{
    return (uint64_t)backing[b] | attrs | PTE_TABLE;
}

static void expect(const char *what, uint64_t esr, uint64_t far)
{
    printf_("# %s\n", what);
    check_eq("  one exception", nrec, 1);
    check_eq("  esr", last_esr, esr);
    check_eq("  far", last_far, far);
    nrec = 0;
}

static void build(void)
{
    const uint64_t rw = PTE_NORMAL | PTE_PXN | PTE_UXN;

    l2[0] = 0 | PTE_DEVICE | PTE_BLOCK;
    l2[2] = (uint64_t)l3 | PTE_TABLE;
    for (uint64_t i = 0; i < 2048; i++) {
        uint64_t pa = 0x40000000UL + i * PAGE;
        l3[i] = pa | (pa >= (uint64_t)__image_start &&
                      pa < (uint64_t)__image_end ?
                      pt_image_attrs(pa) : rw) | PTE_TABLE;
    }
    for (int n = 0; n < 8; n++) {
        set_test(n, 0);
    }
}

int main(void)
{
    const uint64_t rw = PTE_NORMAL | PTE_PXN | PTE_UXN;
    /* T0SZ 25, WB walks, inner shareable, TG0 = 64K, EPD1, IPS 40 bits */
    uint64_t tcr = 25 | (1UL << 8) | (1UL << 10) | (3UL << 12) |
                   (1UL << 14) | (1UL << 23) | (2UL << 32);

    puts_("# mmu64k: 64K granule stage 1 translation and faults\n");
    exc_handler = handler;
    if (!check_eq("ID_AA64MMFR0_EL1.TGran64 supported",
                  (read_sysreg(id_aa64mmfr0_el1) >> 24) & 0xf, 0)) {
        return finish();
    }
    for (int b = 0; b < 4; b++) {
        for (uint64_t j = 0; j < PAGE / 8; j++) {
            backing[b][j] = MAGIC(b);
        }
    }
    build();
    mmu_enable(tcr, (uint64_t)l2);
    check_eq("SCTLR_EL1.M", read_sysreg(sctlr_el1) & 1, 1);

    ld64(T(0) + 0xabc8);
    expect("level 3 translation fault", ESR(EC_DABT_CUR, 0x07),
           T(0) + 0xabc8);
    st64(0x60000008, 1);
    expect("level 2 (start level) translation fault, write",
           ESR(EC_DABT_CUR, ESR_WNR | 0x06), 0x60000008);

    set_test(1, page(1, PTE_NORMAL | PTE_AP_EL1_RO | PTE_PXN | PTE_UXN));
    check_eq("read-only 64K page reads (last 8 bytes)",
             ld64(T(1) + PAGE - 8), MAGIC(1));
    st64(T(1) + 0x8008, 7);
    expect("write to read-only: permission fault",
           ESR(EC_DABT_CUR, ESR_WNR | 0x0f), T(1) + 0x8008);

    set_test(2, page(2, (rw & ~PTE_AF)));
    af_fixup = 1;
    check_eq("AF=0 page read after fix-up", ld64(T(2) + 0xf000), MAGIC(2));
    expect("access flag fault", ESR(EC_DABT_CUR, 0x0b), T(2) + 0xf000);
    af_fixup = 0;

    set_test(3, page(3, rw));
    st64(T(3) + 0x9000, 0x3333);
    check_eq("alias write lands 36K into the physical page",
             backing[3][0x9000 / 8], 0x3333);
    set_test(3, 0);
    tlbi_va(T(3) + 0x9000);             /* any address in the page */
    ld64(T(3));
    expect("unmapped + TLBI VAE1 (64K page)", ESR(EC_DABT_CUR, 0x07), T(3));

    mmu_disable();
    check_eq("no stray exception", nrec, 0);
    return finish();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pt.c - a 4K-granule, 39-bit VA identity map of the `virt` board for the
 * system-mode tests (translation starts at level 1):
 *   0x00000000-0x3fffffff  device nGnRnE, 2 MiB blocks, execute-never
 *   0x40000000-0x401fffff  4K pages: the image with per-section rights
 *                          (EL1 text RO+X, EL0 text RO for all and
 *                          EL0-executable, EL0 data RW for all, .rwx RW+X
 *                          at EL1, the rest RW EL1 only, never executable)
 *   0x40200000-0x403fffff  normal RW EL1 block
 *   0x40400000-0x405fffff  TEST_VA: pt_test[], all invalid until a test
 *                          fills it
 *   0x40600000-0x407fffff  invalid (a level 2 translation fault)
 *   0x40800000-0x47ffffff  normal RW EL1 blocks
 *   0x80000000-            invalid (a level 1 translation fault)
 */
#include "sys.h"

static uint64_t pt_l1[512] __attribute__((aligned(4096)));
static uint64_t pt_l2_dev[512] __attribute__((aligned(4096)));
static uint64_t pt_l2_ram[512] __attribute__((aligned(4096)));
static uint64_t pt_l3_img[512] __attribute__((aligned(4096)));
uint64_t pt_test[512] __attribute__((aligned(4096)));

static int in(uint64_t pa, const char *lo, const char *hi)
{
    return pa >= (uint64_t)lo && pa < (uint64_t)hi;
}

uint64_t pt_image_attrs(uint64_t pa)
{
    if (in(pa, __image_start, __text_end)) {
        return PTE_NORMAL | PTE_AP_EL1_RO | PTE_UXN;
    }
    if (in(pa, __el0_text_start, __el0_text_end)) {
        return PTE_NORMAL | PTE_AP_ALL_RO | PTE_PXN;
    }
    if (in(pa, __el0_data_start, __el0_data_end)) {
        return PTE_NORMAL | PTE_AP_ALL_RW | PTE_PXN | PTE_UXN;
    }
    if (in(pa, __rwx_start, __rwx_end)) {
        return PTE_NORMAL | PTE_AP_EL1_RW | PTE_UXN;
    }
    return PTE_NORMAL | PTE_AP_EL1_RW | PTE_PXN | PTE_UXN;
}

void mmu_build_4k(void)
{
    const uint64_t ram_block = PTE_NORMAL | PTE_AP_EL1_RW | PTE_PXN |
                               PTE_UXN | PTE_BLOCK;

    pt_l1[0] = (uint64_t)pt_l2_dev | PTE_TABLE;
    pt_l1[1] = (uint64_t)pt_l2_ram | PTE_TABLE;
    for (uint64_t i = 0; i < 512; i++) {
        pt_l2_dev[i] = (i << 21) | PTE_DEVICE | PTE_BLOCK;
        pt_l3_img[i] = (0x40000000UL + (i << 12)) |
                       pt_image_attrs(0x40000000UL + (i << 12)) |
                       PTE_TABLE;
        pt_test[i] = 0;
    }
    pt_l2_ram[0] = (uint64_t)pt_l3_img | PTE_TABLE;
    pt_l2_ram[1] = 0x40200000UL | ram_block;
    pt_l2_ram[2] = (uint64_t)pt_test | PTE_TABLE;
    pt_l2_ram[3] = 0;
    for (uint64_t i = 4; i < 64; i++) {
        pt_l2_ram[i] = (0x40000000UL + (i << 21)) | ram_block;
    }
}

uint64_t mmu_ttbr0_4k(void)
{
    return (uint64_t)pt_l1;
}

/* T0SZ 25, walks inner/outer WB inner-shareable, TG0 4K, EPD1, IPS 40. */
uint64_t mmu_tcr_4k(void)
{
    return 25 | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 23) |
           (2UL << 32);
}

void mmu_enable(uint64_t tcr, uint64_t ttbr0)
{
    write_sysreg(MAIR_VALUE, mair_el1);
    write_sysreg(tcr, tcr_el1);
    write_sysreg(ttbr0, ttbr0_el1);
    __asm__ volatile("dsb ish; tlbi vmalle1; dsb ish; isb" : : : "memory");
    /* M, C, I */
    write_sysreg(read_sysreg(sctlr_el1) | 1 | (1 << 2) | (1 << 12),
                 sctlr_el1);
    isb();
}

void mmu_disable(void)
{
    write_sysreg(read_sysreg(sctlr_el1) & ~1UL, sctlr_el1);
    isb();
    tlbi_all();
}

void tlbi_va(uint64_t va)
{
    __asm__ volatile("dsb ishst; tlbi vae1, %0; dsb ish; isb"
                     : : "r"(va >> 12) : "memory");
}

void tlbi_all(void)
{
    __asm__ volatile("dsb ishst; tlbi vmalle1; dsb ish; isb" : : : "memory");
}

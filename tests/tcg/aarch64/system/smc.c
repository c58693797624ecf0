// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * smc.c - self-modifying code in system mode: instructions written to
 * RAM, made visible with DC CVAU / DSB / IC IVAU / DSB / ISB, run, then
 * rewritten and run again with the new result; a hot function rewritten
 * after many runs; a neighbour in the same page left intact; code that
 * patches the instruction right after its own ISB; with the MMU off, on,
 * and written through a non-executable alias of the same physical page.
 */
#include "sys.h"

#define MOVZ_W0(imm)    (0x52800000u | ((uint32_t)(imm) << 5))
#define RET             0xd65f03c0u

/* Two 4K code pages, writable and executable at EL1 (.rwx). */
static uint32_t code[2][1024] __attribute__((section(".rwx"),
                                             aligned(4096)));

typedef uint32_t (*fn_t)(void);
typedef uint32_t (*patch_fn_t)(uint32_t insn);

/* Position-independent: copied into code[] and run from there. */
void patch_self_start(void);
extern char patch_self_end[];
__asm__(
    ".text\n"
    ".balign 4\n"
    ".globl patch_self_start\n"
    "patch_self_start:\n"           /* w0 = the instruction for label 1 */
    "    adr x1, 1f\n"
    "    str w0, [x1]\n"
    "    dc cvau, x1\n"
    "    dsb ish\n"
    "    ic ivau, x1\n"
    "    dsb ish\n"
    "    isb\n"
    "1:  movz w0, #0\n"
    "    ret\n"
    ".globl patch_self_end\n"
    "patch_self_end:\n");

static void sync_icache(const void *exec_addr, const void *data_addr)
{
    __asm__ volatile("dc cvau, %1; dsb ish; ic ivau, %0; dsb ish; isb"
                     : : "r"(exec_addr), "r"(data_addr) : "memory");
}

static void put_fn(uint32_t *exec, uint32_t *write, uint32_t imm)
{
    write[0] = MOVZ_W0(imm);
    write[1] = RET;
    sync_icache(exec, write);
    sync_icache(exec + 1, write + 1);
}

/* exec: where the code runs; write: where it is written (same page). */
static void run_suite(const char *mode, uint32_t *exec, uint32_t *write)
{
    fn_t fn = (fn_t)(uintptr_t)exec;
    fn_t neighbour = (fn_t)(uintptr_t)(exec + 512);
    int bad = 0, n;
    uint32_t *pw;
    patch_fn_t patch;

    printf_("# %s\n", mode);
    put_fn(exec + 512, write + 512, 0x7777);
    for (uint32_t i = 0; i < 64; i++) {
        put_fn(exec, write, i * 1021 + 1);
        bad += fn() != i * 1021 + 1;
    }
    check_eq("  64 rewrites, each new result", bad, 0);

    for (n = 0; n < 5000; n++) {
        bad += fn() != 63 * 1021 + 1;
    }
    put_fn(exec, write, 0x1234);
    check_eq("  hot function (5000 runs) rewritten", fn(), 0x1234);
    check_eq("  neighbour in the same page intact", neighbour(), 0x7777);
    check_eq("  no wrong result in the loop", bad, 0);

    /* Rewrite only the second instruction of a 3-instruction function. */
    write[0] = MOVZ_W0(5);
    write[1] = 0x11000400u;             /* add w0, w0, #1 */
    write[2] = RET;
    for (int i = 0; i < 3; i++) {
        sync_icache(exec + i, write + i);
    }
    check_eq("  add #1", fn(), 6);
    write[1] = 0x11000c00u;             /* add w0, w0, #3 */
    sync_icache(exec + 1, write + 1);
    check_eq("  add #3 after rewriting one instruction", fn(), 8);

    pw = write + 256;
    memcpy(pw, (void *)patch_self_start,
           patch_self_end - (char *)patch_self_start);
    for (int i = 0; i < 16; i++) {
        sync_icache(exec + 256 + i, pw + i);
    }
    /* patch_self writes through its own (executable) address. */
    patch = (patch_fn_t)(uintptr_t)(exec + 256);
    bad = 0;
    for (uint32_t i = 1; i <= 32; i++) {
        bad += patch(MOVZ_W0(i * 3)) != i * 3;
    }
    check_eq("  code patching the instruction after its ISB (32x)", bad, 0);
}

int main(void)
{
    puts_("# smc: self-modifying code in system mode\n");
    run_suite("MMU off", code[0], code[0]);

    mmu_build_4k();
    /* TEST_VA: a read-write, never-executable alias of code[1]. */
    pt_test[0] = (uint64_t)code[1] | PTE_NORMAL | PTE_PXN | PTE_UXN |
                 PTE_TABLE;
    mmu_enable(mmu_tcr_4k(), mmu_ttbr0_4k());
    check_eq("MMU on", read_sysreg(sctlr_el1) & 1, 1);
    run_suite("MMU on", code[0], code[0]);
    /* code[1]'s patch_self writes through its executable VA, so the
     * alias suite uses the alias only for the put_fn writes. */
    run_suite("MMU on, written through a non-executable alias", code[1],
              (uint32_t *)TEST_VA);
    mmu_disable();
    return finish();
}

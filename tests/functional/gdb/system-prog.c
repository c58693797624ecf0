/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bare-metal program gdb-system.sh debugs on the virt board (built
 * with tests/tcg/aarch64/system's start.S, lib.c and pt.c, -O0 -g): it
 * runs with the MMU on (identity map), so the stub's memory accesses and
 * breakpoints go through a translation.
 */
#include "sys.h"

volatile uint64_t watched;
uint64_t result;

/* Known values in callee-saved registers for `info registers`. */
static void __attribute__((noinline)) set_regs(void)
{
    asm volatile("movz x19, #0x1111\n\t"
                 "movz x20, #0x2222, lsl #16\n\t"
                 "mov x21, #-1\n\t"
                 ".globl regs_set\n"
                 "regs_set:\n\t"
                 "nop"
                 ::: "x19", "x20", "x21");
}

static uint64_t __attribute__((noinline)) compute(uint64_t a, uint64_t b)
{
    uint64_t r = a * 3 + b;

    return r;
}

int main(void)
{
    uint64_t acc = 0;

    mmu_build_4k();
    mmu_enable(mmu_tcr_4k(), mmu_ttbr0_4k());
    set_regs();
    for (int i = 0; i < 4; i++) {
        acc += compute(i, 7);
    }
    watched = acc;
    result = watched + 1;
    puts_("done\n");
    return 0;
}

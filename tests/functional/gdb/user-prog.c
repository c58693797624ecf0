/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The static AArch64 program gdb-user.sh debugs under kestrel-aarch64. */
#include <stdint.h>
#include <stdio.h>

volatile uint64_t watched;
uint64_t result;

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

    set_regs();
    for (int i = 0; i < 4; i++) {
        acc += compute(i, 7);
    }
    watched = acc;
    result = watched + 1;
    printf("result %d\n", (int)result);
    return 3;
}

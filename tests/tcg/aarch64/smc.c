/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Self-modifying code, the way JITs do it:
 *   1. RWX buffer: write code, __builtin___clear_cache (DC CVAU, IC IVAU,
 *      DSB, ISB), run; overwrite the same address, clean again, run again.
 *   2. W^X: map RW, write, mprotect RX, run; mprotect RW, rewrite,
 *      mprotect RX, run.
 *   3. Without any cache maintenance on the same thread (real hardware
 *      needs it; an emulator must still run the new code, as QEMU does):
 *      patch a hot function many times, each result must be fresh.
 *   4. Patch the target of a direct branch that lives on another page
 *      (chained translations), and code that loops before being patched.
 *   5. Data writes to the page of running code that leave it unchanged.
 *   6. Generated code that rewrites an instruction it reaches later in
 *      the same call, past a branch.
 *
 * Freestanding (no libc), general registers only.
 */
#include "tcg-test.h"

#define PROT_READ   1
#define PROT_WRITE  2
#define PROT_EXEC   4
#define MAP_PRIVATE 0x02
#define MAP_ANON    0x20

#define RET         0xd65f03c0u
#define NOP         0xd503201fu

/* movz x0, #imm16 */
static uint32_t movz_x0(unsigned imm)
{
    return 0xd2800000u | ((imm & 0xffff) << 5);
}

/* add x0, x0, #imm12 */
static uint32_t add_x0(unsigned imm)
{
    return 0x91000000u | ((imm & 0xfff) << 10);
}

/* b to a pc-relative byte offset */
static uint32_t b_rel(long off)
{
    return 0x14000000u | ((uint32_t)(off >> 2) & 0x03ffffff);
}

typedef uint64_t (*Fn)(void);
typedef uint64_t (*Fn1)(uint64_t);

static void sync_code(void *p, size_t len)
{
    __builtin___clear_cache((char *)p, (char *)p + len);
}

static uint32_t *map(size_t len, int prot)
{
    void *p = t_mmap(0, len, prot, MAP_PRIVATE | MAP_ANON, -1, 0);

    if ((long)p < 0 && (long)p > -4096) {
        t_puts("mmap failed\n");
        t_exit(2);
    }
    return p;
}

static void test_rwx_clear_cache(void)
{
    uint32_t *code = map(4096, PROT_READ | PROT_WRITE | PROT_EXEC);

    code[0] = movz_x0(111);
    code[1] = RET;
    sync_code(code, 8);
    check_u64("rwx + clear_cache: first", ((Fn)code)(), 111);
    code[0] = movz_x0(222);
    sync_code(code, 8);
    check_u64("rwx + clear_cache: rewritten", ((Fn)code)(), 222);
    /* Longer code: replace the body of a two-instruction function. */
    code[0] = movz_x0(1);
    code[1] = add_x0(2);
    code[2] = RET;
    sync_code(code, 12);
    check_u64("rwx + clear_cache: grown", ((Fn)code)(), 3);
}

static void test_wx(void)
{
    uint32_t *code = map(8192, PROT_READ | PROT_WRITE);

    code[0] = movz_x0(7);
    code[1] = RET;
    check_u64("mprotect RX", t_mprotect(code, 8192, PROT_READ | PROT_EXEC), 0);
    sync_code(code, 8);
    check_u64("W^X: first", ((Fn)code)(), 7);
    check_u64("mprotect RW", t_mprotect(code, 8192, PROT_READ | PROT_WRITE),
              0);
    code[0] = movz_x0(8);
    t_mprotect(code, 8192, PROT_READ | PROT_EXEC);
    sync_code(code, 8);
    check_u64("W^X: rewritten", ((Fn)code)(), 8);
    /* Second page of the same mapping. */
    t_mprotect(code, 8192, PROT_READ | PROT_WRITE);
    code[1024] = movz_x0(9);
    code[1025] = RET;
    t_mprotect(code, 8192, PROT_READ | PROT_EXEC);
    sync_code(code + 1024, 8);
    check_u64("W^X: second page", ((Fn)(code + 1024))(), 9);
    check_u64("W^X: first page still", ((Fn)code)(), 8);
}

static void test_no_maintenance(void)
{
    uint32_t *code = map(4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    uint64_t sum = 0, want = 0;
    int bad = 0;

    code[1] = RET;
    for (unsigned k = 1; k <= 300; k++) {
        code[0] = movz_x0(k);
        uint64_t r = ((Fn)code)();
        /* Call it a few times so that it is hot (and chained). */
        r += ((Fn)code)();
        r += ((Fn)code)();
        bad += r != 3 * k;
        sum += r;
        want += 3 * k;
    }
    check_u64("no maintenance: 300 rewrites, stale results", bad, 0);
    check_u64("no maintenance: sum", sum, want);

    /* Rewrite a different instruction than the first. */
    code[0] = movz_x0(1000);
    code[1] = add_x0(1);
    code[2] = RET;
    check_u64("no maintenance: 3 insns", ((Fn)code)(), 1001);
    code[1] = add_x0(5);
    check_u64("no maintenance: middle insn rewritten", ((Fn)code)(), 1005);
    code[1] = RET;
    check_u64("no maintenance: ret moved earlier", ((Fn)code)(), 1000);
}

/*
 * A trampoline on one page jumps directly to a function on another page;
 * only the target is rewritten.
 */
static void test_branch_target(void)
{
    uint32_t *pg = map(3 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    uint32_t *tramp = pg;
    uint32_t *target = pg + 2 * 1024;   /* two pages later */
    int bad = 0;

    tramp[0] = NOP;
    tramp[1] = b_rel((char *)target - (char *)&tramp[1]);
    target[0] = movz_x0(50);
    target[1] = RET;
    sync_code(pg, 3 * 4096);
    for (int i = 0; i < 100; i++) {
        bad += ((Fn)tramp)() != 50;
    }
    check_u64("branch to other page: before", bad, 0);
    target[0] = movz_x0(60);
    bad = 0;
    for (int i = 0; i < 100; i++) {
        bad += ((Fn)tramp)() != 60;
    }
    check_u64("branch to other page: target rewritten (no maintenance)",
              bad, 0);
    /* Now rewrite the branch itself to skip the target. */
    tramp[1] = b_rel((char *)&tramp[4] - (char *)&tramp[1]);
    tramp[4] = movz_x0(70);
    tramp[5] = RET;
    check_u64("branch rewritten", ((Fn)tramp)(), 70);
}

/*
 * A counting loop in generated code, run, then the loop body's increment
 * is changed.
 */
static void test_loop(void)
{
    uint32_t *code = map(4096, PROT_READ | PROT_WRITE | PROT_EXEC);

    /*
     *   mov x1, x0         ; iterations
     *   mov x0, #0
     * 1: add x0, x0, #3
     *   subs x1, x1, #1
     *   b.ne 1b
     *   ret
     */
    code[0] = 0xaa0003e1u;        /* mov x1, x0 */
    code[1] = movz_x0(0);
    code[2] = add_x0(3);
    code[3] = 0xf1000421u;        /* subs x1, x1, #1 */
    code[4] = 0x54ffffc1u;        /* b.ne -8 */
    code[5] = RET;
    sync_code(code, 24);
    check_u64("generated loop", ((Fn1)code)(1000), 3000);
    code[2] = add_x0(5);
    check_u64("generated loop, body rewritten", ((Fn1)code)(1000), 5000);
}

/* Data next to code: stores to the same page must not break anything. */
static void test_data_on_code_page(void)
{
    uint32_t *code = map(4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    volatile uint64_t *data = (volatile uint64_t *)(code + 512);
    uint64_t sum = 0;

    code[0] = movz_x0(4);
    code[1] = RET;
    sync_code(code, 8);
    for (int i = 0; i < 1000; i++) {
        data[i & 7] = i;
        sum += ((Fn)code)();
    }
    check_u64("data stores on a code page", sum, 4000);
    check_u64("data stored", data[7], 999);
}

/*
 * The generated function stores a new instruction over one that comes
 * later on the same page, past a branch, then executes it: the second
 * call must see the instruction the first part of the same call stored
 * (the block after the branch was translated by the first call).
 *
 *   str w1, [x0, #12]     ; x0 = address of this code
 *   b 1f
 *   nop
 * 1: movz x0, #1          ; replaced by what w1 holds
 *   ret
 */
static uint64_t call_patcher(uint32_t *code, uint32_t insn)
{
    register uint64_t x0 __asm__("x0") = (uint64_t)code;
    register uint64_t x1 __asm__("x1") = insn;

    __asm__ volatile("blr %0" : "+r"(x0) : "r"(x1) : "x30", "memory");
    return x0;
}

static void test_same_call(void)
{
    uint32_t *code = map(4096, PROT_READ | PROT_WRITE | PROT_EXEC);

    code[0] = 0xb9000c01u;        /* str w1, [x0, #12] */
    code[1] = b_rel(8);
    code[2] = NOP;
    code[3] = movz_x0(1);
    code[4] = RET;
    sync_code(code, 20);
    check_u64("self-patching call, unchanged", call_patcher(code, movz_x0(1)),
              1);
    check_u64("self-patching call, patched", call_patcher(code, movz_x0(2)),
              2);
    check_u64("self-patching call, patched again",
              call_patcher(code, movz_x0(3)), 3);
    check_u64("store landed", code[3], movz_x0(3));
}

int main(int argc, char **argv)
{
    test_rwx_clear_cache();
    test_wx();
    test_no_maintenance();
    test_branch_target();
    test_loop();
    test_data_on_code_page();
    test_same_call();
    return t_done();
}

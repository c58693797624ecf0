/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Integer loads and stores in every addressing mode: scaled unsigned
 * offset, unscaled (ldur), pre-index and post-index with write-back,
 * register offset with LSL/UXTW/SXTW/SXTX, PC-relative literal, pairs
 * (offset, pre, post, ldpsw, ldnp), sign/zero extension of every size,
 * unprivileged ldtr/sttr, and unaligned accesses.
 *
 * Freestanding (no libc), general registers only.
 */
#include "tcg-test.h"

static uint8_t buf[512] __attribute__((aligned(16)));

static void fill(void)
{
    for (int i = 0; i < 256; i++) {
        buf[i] = (uint8_t)i;
        buf[256 + i] = 0;
    }
}

static void test_offsets(void)
{
    uint64_t b = (uint64_t)buf, r;

    fill();
    __asm__ volatile("ldr %0, [%1, #8]" : "=r"(r) : "r"(b) : "memory");
    check_u64("ldr x [#8]", r, 0x0f0e0d0c0b0a0908ull);
    __asm__ volatile("ldr %w0, [%1, #4]" : "=r"(r) : "r"(b) : "memory");
    check_u64("ldr w [#4]", r, 0x07060504);
    __asm__ volatile("ldrh %w0, [%1, #2]" : "=r"(r) : "r"(b) : "memory");
    check_u64("ldrh [#2]", r, 0x0302);
    __asm__ volatile("ldrb %w0, [%1, #255]" : "=r"(r) : "r"(b) : "memory");
    check_u64("ldrb [#255]", r, 0xff);
    __asm__ volatile("ldr %0, [%1, #32760]" : "=r"(r) : "r"(b - 32760)
                     : "memory");
    check_u64("ldr x [#32760] (max scaled)", r, 0x0706050403020100ull);
    __asm__ volatile("ldrsb %w0, [%1, #0x80]" : "=r"(r) : "r"(b)
                     : "memory");
    check_u64("ldrsb w zero-extends to x", r, 0xffffff80);
    __asm__ volatile("ldrsb %x0, [%1, #0x7f]" : "=r"(r) : "r"(b)
                     : "memory");
    check_u64("ldrsb x positive", r, 0x7f);
    __asm__ volatile("ldrsb %x0, [%1, #0x80]" : "=r"(r) : "r"(b)
                     : "memory");
    check_u64("ldrsb x", r, 0xffffffffffffff80ull);
    __asm__ volatile("ldrsh %x0, [%1, #0x80]" : "=r"(r) : "r"(b)
                     : "memory");
    check_u64("ldrsh x", r, 0xffffffffffff8180ull);
    __asm__ volatile("ldrsh %w0, [%1, #0x80]" : "=r"(r) : "r"(b)
                     : "memory");
    check_u64("ldrsh w", r, 0xffff8180);
    __asm__ volatile("ldrsw %0, [%1, #0x80]" : "=r"(r) : "r"(b)
                     : "memory");
    check_u64("ldrsw", r, 0xffffffff83828180ull);
    __asm__ volatile("ldur %0, [%1, #-1]" : "=r"(r) : "r"(b + 9)
                     : "memory");
    check_u64("ldur x [#-1]", r, 0x0f0e0d0c0b0a0908ull);
    __asm__ volatile("ldur %0, [%1, #1]" : "=r"(r) : "r"(b) : "memory");
    check_u64("ldur x unaligned", r, 0x0807060504030201ull);
    __asm__ volatile("ldur %w0, [%1, #-256]" : "=r"(r) : "r"(b + 259)
                     : "memory");
    check_u64("ldur w [#-256]", r, 0x06050403);
    __asm__ volatile("ldursh %w0, [%1, #255]" : "=r"(r) : "r"(b - 0x7f)
                     : "memory");
    check_u64("ldursh w [#255]", r, 0xffff8180);
    __asm__ volatile("ldr %0, [%1, #3]" : "=r"(r) : "r"(b) : "memory");
    check_u64("ldr x unaligned (#3 -> ldur)", r, 0x0a09080706050403ull);
    __asm__ volatile("ldtr %0, [%1, #8]" : "=r"(r) : "r"(b) : "memory");
    check_u64("ldtr x", r, 0x0f0e0d0c0b0a0908ull);
    __asm__ volatile("ldtrsb %x0, [%1, #-1]" : "=r"(r) : "r"(b + 0x91)
                     : "memory");
    check_u64("ldtrsb x", r, 0xffffffffffffff90ull);
    __asm__ volatile("prfm pldl1keep, [%0, #64]\n\tprfm pstl2strm, [%0]\n\t"
                     "prfum pldl3keep, [%0, #-3]" : : "r"(b) : "memory");
    check_u64("prfm is a no-op", buf[64], 64);
}

static void test_index(void)
{
    uint64_t b = (uint64_t)buf, r, p;

    fill();
    p = b;
    __asm__ volatile("ldr %0, [%1, #16]!" : "=r"(r), "+r"(p) : : "memory");
    check_u64("ldr pre-index value", r, 0x1716151413121110ull);
    check_u64("ldr pre-index base", p - b, 16);
    p = b + 32;
    __asm__ volatile("ldr %0, [%1], #-8" : "=r"(r), "+r"(p) : : "memory");
    check_u64("ldr post-index value", r, 0x2726252423222120ull);
    check_u64("ldr post-index base", p - b, 24);
    p = b + 100;
    __asm__ volatile("ldrb %w0, [%1, #-1]!" : "=r"(r), "+r"(p) : : "memory");
    check_u64("ldrb pre-index #-1 value", r, 99);
    check_u64("ldrb pre-index #-1 base", p - b, 99);
    p = b + 0x80;
    __asm__ volatile("ldrsh %x0, [%1], #255" : "=r"(r), "+r"(p) : : "memory");
    check_u64("ldrsh post-index value", r, 0xffffffffffff8180ull);
    check_u64("ldrsh post-index base", p - b, 0x17f);
    p = b + 0x80;
    __asm__ volatile("ldrsw %0, [%1, #-4]!" : "=r"(r), "+r"(p) : : "memory");
    check_u64("ldrsw pre-index value", r, 0x7f7e7d7c);
    check_u64("ldrsw pre-index base", p - b, 0x7c);

    p = b + 256;
    __asm__ volatile("str %2, [%0, #8]!\n\t"
                     "strh %w2, [%0], #4\n\t"
                     "strb %w2, [%0, #-256]!\n\t"
                     : "+r"(p) : "r"(p), "r"(0x1122334455667788ull)
                     : "memory");
    check_u64("str pre/strh post/strb pre base", p - b, 12);
    check_u64("strb pre stored", buf[12], 0x88);
    check_u64("str pre stored", *(uint64_t *)(buf + 264),
              (0x1122334455667788ull & ~0xffffull) | 0x7788);
    buf[12] = 12;
}

static void test_regoffset(void)
{
    uint64_t b = (uint64_t)buf, r;

    fill();
    __asm__ volatile("ldr %0, [%1, %2, lsl #3]" : "=r"(r) : "r"(b), "r"(3ull)
                     : "memory");
    check_u64("ldr x [x, x, lsl #3]", r, 0x1f1e1d1c1b1a1918ull);
    __asm__ volatile("ldr %0, [%1, %2]" : "=r"(r) : "r"(b), "r"(5ull)
                     : "memory");
    check_u64("ldr x [x, x]", r, 0x0c0b0a0908070605ull);
    __asm__ volatile("ldr %w0, [%1, %w2, sxtw #2]" : "=r"(r)
                     : "r"(b + 8), "r"(0xffffffffull) : "memory");
    check_u64("ldr w [x, w, sxtw #2] (-1)", r, 0x07060504);
    __asm__ volatile("ldr %w0, [%1, %w2, uxtw]" : "=r"(r)
                     : "r"(b), "r"(0xffffffff00000010ull) : "memory");
    check_u64("ldr w [x, w, uxtw] ignores high", r, 0x13121110);
    __asm__ volatile("ldr %0, [%1, %w2, uxtw #3]" : "=r"(r)
                     : "r"(b), "r"(0xdead000000000002ull) : "memory");
    check_u64("ldr x [x, w, uxtw #3]", r, 0x1716151413121110ull);
    __asm__ volatile("ldrb %w0, [%1, %2, sxtx]" : "=r"(r)
                     : "r"(b + 10), "r"(-3ll) : "memory");
    check_u64("ldrb [x, x, sxtx] (-3)", r, 7);
    __asm__ volatile("ldrh %w0, [%1, %w2, sxtw #1]" : "=r"(r)
                     : "r"(b + 20), "r"(0xfffffffeull) : "memory");
    check_u64("ldrh [x, w, sxtw #1] (-2)", r, 0x1110);
    __asm__ volatile("ldr %0, [%1, %w2, sxtw]" : "=r"(r)
                     : "r"(b + 16), "r"(0xfffffff8ull) : "memory");
    check_u64("ldr x [x, w, sxtw] (-8)", r, 0x0f0e0d0c0b0a0908ull);
    __asm__ volatile("ldrsw %0, [%1, %2, lsl #2]" : "=r"(r)
                     : "r"(b), "r"(0x20ull) : "memory");
    check_u64("ldrsw [x, x, lsl #2]", r, 0xffffffff83828180ull);
    __asm__ volatile("ldrsh %w0, [%1, %2, lsl #1]" : "=r"(r)
                     : "r"(b), "r"(0x40ull) : "memory");
    check_u64("ldrsh w [x, x, lsl #1]", r, 0xffff8180);
    __asm__ volatile("ldrsb %x0, [%1, %w2, uxtw]" : "=r"(r)
                     : "r"(b), "r"(0x1000000feull) : "memory");
    check_u64("ldrsb x [x, w, uxtw]", r, 0xfffffffffffffffeull);
    __asm__ volatile("str %w2, [%1, %3, lsl #2]\n\tldr %0, [%1, #256]"
                     : "=&r"(r) : "r"(b), "r"(0xcafef00d), "r"(64ull)
                     : "memory");
    check_u64("str w [x, x, lsl #2]", r, 0xcafef00dull);
    __asm__ volatile("strh %w2, [%1, %w3, sxtw #1]\n\tldur %0, [%1, #-8]"
                     : "=&r"(r) : "r"(b + 256), "r"(0xbeef),
                       "r"(0xfffffffcull) : "memory");
    check_u64("strh [x, w, sxtw #1] (-4)", r, 0xfffefdfcfbfabeefull);
}

static void test_literal(void)
{
    uint64_t r1, r2, r3, r4;

    __asm__ volatile("ldr %0, 1f\n\t"
                     "ldr %w1, 2f\n\t"
                     "ldrsw %2, 2f\n\t"
                     "ldr %3, 3f\n\t"
                     "prfm pldl1keep, 1f\n\t"
                     "b 4f\n\t"
                     ".balign 8\n"
                     "1:\t.quad 0x1122334455667788\n"
                     "2:\t.word 0x80000001\n"
                     "3:\t.word 0x0badcafe\n\t.word 0xfeedface\n"
                     "4:\n"
                     : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(r4));
    check_u64("ldr x literal", r1, 0x1122334455667788ull);
    check_u64("ldr w literal", r2, 0x80000001);
    check_u64("ldrsw literal", r3, 0xffffffff80000001ull);
    check_u64("ldr x literal (4-aligned)", r4, 0xfeedface0badcafeull);
    __asm__ volatile("b 2f\n"
                     "1:\t.quad 0x0102030405060708\n"
                     "2:\tldr %0, 1b\n"
                     : "=r"(r1));
    check_u64("ldr x literal backwards", r1, 0x0102030405060708ull);
}

static void test_pairs(void)
{
    uint64_t b = (uint64_t)buf, r1, r2, p;

    fill();
    __asm__ volatile("ldp %0, %1, [%2, #16]" : "=&r"(r1), "=&r"(r2) : "r"(b)
                     : "memory");
    check_u64("ldp x offset first", r1, 0x1716151413121110ull);
    check_u64("ldp x offset second", r2, 0x1f1e1d1c1b1a1918ull);
    __asm__ volatile("ldp %w0, %w1, [%2, #-8]" : "=&r"(r1), "=&r"(r2)
                     : "r"(b + 16) : "memory");
    check_u64("ldp w [#-8] first", r1, 0x0b0a0908);
    check_u64("ldp w [#-8] second", r2, 0x0f0e0d0c);
    __asm__ volatile("ldpsw %0, %1, [%2, #0x7c]" : "=&r"(r1), "=&r"(r2)
                     : "r"(b) : "memory");
    check_u64("ldpsw first", r1, 0x7f7e7d7c);
    check_u64("ldpsw second", r2, 0xffffffff83828180ull);
    p = b + 64;
    __asm__ volatile("ldp %0, %1, [%2, #-32]!" : "=&r"(r1), "=&r"(r2), "+r"(p)
                     : : "memory");
    check_u64("ldp pre-index first", r1, 0x2726252423222120ull);
    check_u64("ldp pre-index second", r2, 0x2f2e2d2c2b2a2928ull);
    check_u64("ldp pre-index base", p - b, 32);
    p = b + 8;
    __asm__ volatile("ldp %w0, %w1, [%2], #248" : "=&r"(r1), "=&r"(r2),
                     "+r"(p) : : "memory");
    check_u64("ldp w post-index first", r1, 0x0b0a0908);
    check_u64("ldp w post-index second", r2, 0x0f0e0d0c);
    check_u64("ldp w post-index base", p - b, 256);
    __asm__ volatile("ldnp %0, %1, [%2, #504]" : "=&r"(r1), "=&r"(r2)
                     : "r"(b - 504) : "memory");
    check_u64("ldnp x #504 first", r1, 0x0706050403020100ull);
    check_u64("ldnp x #504 second", r2, 0x0f0e0d0c0b0a0908ull);

    p = b + 256 + 32;
    __asm__ volatile("stp %1, %2, [%0, #-16]!\n\t"
                     "stp %w2, %w1, [%0], #-8\n\t"
                     : "+r"(p) : "r"(0x1111111111111111ull),
                       "r"(0x2222222222222222ull) : "memory");
    check_u64("stp pre/stp w post base", p - b, 256 + 8);
    check_u64("stp pre stored first", *(uint64_t *)(buf + 256 + 16),
              0x1111111122222222ull);
    check_u64("stp pre stored second", *(uint64_t *)(buf + 256 + 24),
              0x2222222222222222ull);
    __asm__ volatile("stp xzr, %1, [%0, #8]\n\tstnp %w1, wzr, [%0, #40]"
                     : : "r"(b + 256), "r"(0x3333333333333333ull)
                     : "memory");
    check_u64("stp xzr first", *(uint64_t *)(buf + 256 + 8), 0);
    check_u64("stp second", *(uint64_t *)(buf + 256 + 16),
              0x3333333333333333ull);
    check_u64("stnp w", *(uint64_t *)(buf + 256 + 40), 0x33333333);
    /* Unaligned pair. */
    __asm__ volatile("ldp %0, %1, [%2]" : "=&r"(r1), "=&r"(r2) : "r"(b + 3)
                     : "memory");
    check_u64("ldp x unaligned first", r1, 0x0a09080706050403ull);
    check_u64("ldp x unaligned second", r2, 0x1211100f0e0d0c0bull);
}

static void test_stores(void)
{
    uint64_t b = (uint64_t)buf + 256;
    uint64_t v = 0x8899aabbccddeeffull;

    fill();
    __asm__ volatile("str %1, [%0]\n\t"
                     "strb %w1, [%0, #8]\n\t"
                     "strh %w1, [%0, #10]\n\t"
                     "str %w1, [%0, #12]\n\t"
                     "stur %1, [%0, #17]\n\t"
                     "sttr %w1, [%0, #28]\n\t"
                     "sturh wzr, [%0, #1]\n\t"
                     : : "r"(b), "r"(v) : "memory");
    static const uint8_t want[32] = {
        0xff, 0x00, 0x00, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
        0xff, 0x00, 0xff, 0xee, 0xff, 0xee, 0xdd, 0xcc,
        0x00, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99,
        0x88, 0x00, 0x00, 0x00, 0xff, 0xee, 0xdd, 0xcc,
    };
    check_mem("str/strb/strh/str w/stur/sttr/sturh wzr", buf + 256, want, 32);
    /* Store of the base register itself (no write-back: defined). */
    __asm__ volatile("str %0, [%0, #32]" : : "r"(b) : "memory");
    check_u64("str base reg", *(uint64_t *)(buf + 256 + 32), b);
}

/* Loads that use sp as the base, with write-back. */
static void test_sp(void)
{
    uint64_t r1, r2, r3, sp0, sp1;

    __asm__ volatile("mov %3, sp\n\t"
                     "stp %5, %6, [sp, #-32]!\n\t"
                     "str %5, [sp, #16]\n\t"
                     "ldr %0, [sp], #16\n\t"
                     "ldr %1, [sp]\n\t"
                     "ldr %2, [sp, #-8]\n\t"
                     "add sp, sp, #16\n\t"
                     "mov %4, sp\n\t"
                     : "=&r"(r1), "=&r"(r2), "=&r"(r3), "=&r"(sp0), "=&r"(sp1)
                     : "r"(0xaaaaull), "r"(0xbbbbull)
                     : "memory");
    check_u64("sp pre-index store / post-index load", r1, 0xaaaa);
    check_u64("sp offset load", r2, 0xaaaa);
    check_u64("sp negative offset load", r3, 0xbbbb);
    check_u64("sp restored", sp1, sp0);
}

int main(int argc, char **argv)
{
    test_offsets();
    test_index();
    test_regoffset();
    test_literal();
    test_pairs();
    test_stores();
    test_sp();
    return t_done();
}

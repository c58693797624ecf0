/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exclusives and LSE atomics on one thread, with exact old values,
 * new memory contents and status results: ldxr/stxr of every size,
 * ldaxr/stlxr, ldxp/stxp, clrex making the next stxr fail, ldar/stlr,
 * and the LSE ldadd/ldclr/ldeor/ldset/ld{s,u}{max,min}/swp/cas/casp
 * families (byte to doubleword, signed compares, wrap-around, neighbours
 * untouched).  The multi-threaded counterpart is threads-atomic.c.
 *
 * Freestanding (no libc), general registers only, -march=armv8.1-a.
 */
#include "tcg-test.h"

static uint64_t mem[4] __attribute__((aligned(16)));

static void test_exclusive(void)
{
    uint64_t old, st;

    mem[0] = 0x1111111111111111ull;
    __asm__ volatile("ldxr %0, [%2]\n\tstxr %w1, %3, [%2]"
                     : "=&r"(old), "=&r"(st) : "r"(mem), "r"(0x42ull)
                     : "memory");
    check_u64("ldxr x old", old, 0x1111111111111111ull);
    check_u64("stxr x status", st, 0);
    check_u64("stxr x stored", mem[0], 0x42);

    mem[0] = 0xffffffffffffffffull;
    __asm__ volatile("ldxrb %w0, [%2]\n\tadd %w0, %w0, #1\n\t"
                     "stxrb %w1, %w0, [%2]"
                     : "=&r"(old), "=&r"(st) : "r"(mem) : "memory");
    check_u64("ldxrb/stxrb status", st, 0);
    check_u64("stxrb only the byte", mem[0], 0xffffffffffffff00ull);
    __asm__ volatile("ldxrh %w0, [%2]\n\tstxrh %w1, wzr, [%2, #0]"
                     : "=&r"(old), "=&r"(st) : "r"((char *)mem + 6)
                     : "memory");
    check_u64("ldxrh old", old, 0xffff);
    check_u64("stxrh status", st, 0);
    check_u64("stxrh only the half", mem[0], 0x0000ffffffffff00ull);
    __asm__ volatile("ldaxr %w0, [%2]\n\tstlxr %w1, %w3, [%2]"
                     : "=&r"(old), "=&r"(st) : "r"(mem), "r"(0x12345678)
                     : "memory");
    check_u64("ldaxr w old", old, 0xffffff00);
    check_u64("stlxr w status", st, 0);
    check_u64("stlxr w stored", mem[0], 0x0000ffff12345678ull);

    /* clrex: the next store-exclusive must fail and not store. */
    mem[0] = 5;
    __asm__ volatile("ldxr %0, [%2]\n\tclrex\n\tstxr %w1, %3, [%2]"
                     : "=&r"(old), "=&r"(st) : "r"(mem), "r"(6ull)
                     : "memory");
    check_u64("stxr after clrex fails", st, 1);
    check_u64("stxr after clrex did not store", mem[0], 5);
    /* A retry loop completes. */
    __asm__ volatile("1:\tldxr %0, [%2]\n\tadd %0, %0, #10\n\t"
                     "stxr %w1, %0, [%2]\n\tcbnz %w1, 1b"
                     : "=&r"(old), "=&r"(st) : "r"(mem) : "memory");
    check_u64("ldxr/stxr loop", mem[0], 15);

    /* Pairs. */
    uint64_t lo, hi;
    mem[0] = 0xa0a0a0a0a0a0a0a0ull;
    mem[1] = 0xb1b1b1b1b1b1b1b1ull;
    __asm__ volatile("ldxp %0, %1, [%3]\n\tstxp %w2, %1, %0, [%3]"
                     : "=&r"(lo), "=&r"(hi), "=&r"(st) : "r"(mem)
                     : "memory");
    check_u64("ldxp lo", lo, 0xa0a0a0a0a0a0a0a0ull);
    check_u64("ldxp hi", hi, 0xb1b1b1b1b1b1b1b1ull);
    check_u64("stxp status", st, 0);
    check_u64("stxp swapped lo", mem[0], 0xb1b1b1b1b1b1b1b1ull);
    check_u64("stxp swapped hi", mem[1], 0xa0a0a0a0a0a0a0a0ull);
    mem[2] = 0x0000000200000001ull;
    __asm__ volatile("ldaxp %w0, %w1, [%3]\n\tstlxp %w2, %w1, %w0, [%3]"
                     : "=&r"(lo), "=&r"(hi), "=&r"(st) : "r"(mem + 2)
                     : "memory");
    check_u64("ldaxp w lo", lo, 1);
    check_u64("ldaxp w hi", hi, 2);
    check_u64("stlxp w status", st, 0);
    check_u64("stlxp w stored", mem[2], 0x0000000100000002ull);

    /* Load-acquire / store-release. */
    __asm__ volatile("stlr %2, [%1]\n\tldar %0, [%1]"
                     : "=&r"(old) : "r"(mem + 3), "r"(0x77ull) : "memory");
    check_u64("stlr/ldar x", old, 0x77);
    __asm__ volatile("stlrb %w2, [%1]\n\tldarh %w0, [%1]"
                     : "=&r"(old) : "r"(mem + 3), "r"(0x1ff) : "memory");
    check_u64("stlrb/ldarh", old, 0xff);
}

/* LSE: op Rs, Rt, [Rn]: Rt = old, mem = op(old, Rs). */
#define LSE(fn, insn, w)                                                  \
    static uint64_t fn(uint64_t *p, uint64_t v)                           \
    {                                                                     \
        uint64_t old;                                                     \
        __asm__ volatile(insn " %" w "2, %" w "0, [%1]"                   \
                         : "=&r"(old) : "r"(p), "r"(v) : "memory");       \
        return old;                                                       \
    }

LSE(ldadd_x, "ldadd", "x")
LSE(ldadda_w, "ldadda", "w")
LSE(ldaddal_h, "ldaddalh", "w")
LSE(ldaddl_b, "ldaddlb", "w")
LSE(ldclr_x, "ldclral", "x")
LSE(ldeor_w, "ldeor", "w")
LSE(ldset_h, "ldseth", "w")
LSE(ldsmax_b, "ldsmaxb", "w")
LSE(ldsmin_x, "ldsmin", "x")
LSE(ldumax_w, "ldumax", "w")
LSE(ldumin_h, "lduminh", "w")
LSE(ldsmax_w, "ldsmaxl", "w")
LSE(ldsmin_h, "ldsminah", "w")
LSE(ldumax_b, "ldumaxb", "w")
LSE(swp_x, "swpal", "x")
LSE(swp_b, "swpb", "w")
LSE(swp_w, "swpa", "w")

static void test_lse(void)
{
    uint64_t o;

    mem[0] = 0x00000000fffffffeull;
    o = ldadd_x(mem, 3);
    check_u64("ldadd x old", o, 0xfffffffe);
    check_u64("ldadd x new", mem[0], 0x100000001ull);
    mem[0] = 0x12345678ffffffffull;
    o = ldadda_w(mem, 1);
    check_u64("ldadda w old", o, 0xffffffff);
    check_u64("ldadda w wraps, high word kept", mem[0], 0x1234567800000000ull);
    mem[0] = 0x111111111111ffffull;
    o = ldaddal_h(mem, 2);
    check_u64("ldaddalh old", o, 0xffff);
    check_u64("ldaddalh new", mem[0], 0x1111111111110001ull);
    mem[0] = 0x22222222222222ffull;
    o = ldaddl_b(mem, 0x101);
    check_u64("ldaddlb old (zero-extended)", o, 0xff);
    check_u64("ldaddlb new", mem[0], 0x2222222222222200ull);
    mem[0] = 0xffffffffffffffffull;
    o = ldclr_x(mem, 0x00ff00ff00ff00ffull);
    check_u64("ldclral old", o, 0xffffffffffffffffull);
    check_u64("ldclral new", mem[0], 0xff00ff00ff00ff00ull);
    mem[0] = 0xaaaaaaaa0f0f0f0full;
    o = ldeor_w(mem, 0xffffffff);
    check_u64("ldeor w old", o, 0x0f0f0f0f);
    check_u64("ldeor w new", mem[0], 0xaaaaaaaaf0f0f0f0ull);
    mem[0] = 0x0000000000000100ull;
    o = ldset_h(mem, 0x8001);
    check_u64("ldseth old", o, 0x100);
    check_u64("ldseth new", mem[0], 0x8101);
    mem[0] = 0x0000000000000080ull;
    o = ldsmax_b(mem, 0x7f);
    check_u64("ldsmaxb old", o, 0x80);
    check_u64("ldsmaxb signed (-128 < 127)", mem[0], 0x7f);
    mem[0] = 0x0000000000000001ull;
    o = ldsmax_b(mem, 0xff);
    check_u64("ldsmaxb keeps 1 > -1", mem[0], 1);
    mem[0] = 5;
    o = ldsmin_x(mem, 0xffffffffffffffffull);
    check_u64("ldsmin x old", o, 5);
    check_u64("ldsmin x new", mem[0], 0xffffffffffffffffull);
    mem[0] = 0x80000000;
    o = ldumax_w(mem, 0x7fffffff);
    check_u64("ldumax w unsigned keeps", mem[0], 0x80000000);
    o = ldsmax_w(mem, 0x7fffffff);
    check_u64("ldsmaxl w signed replaces", mem[0], 0x7fffffff);
    mem[0] = 0x8000;
    o = ldumin_h(mem, 0x7fff);
    check_u64("lduminh", mem[0], 0x7fff);
    mem[0] = 0x7fff;
    o = ldsmin_h(mem, 0x8000);
    check_u64("ldsminah old", o, 0x7fff);
    check_u64("ldsminah signed", mem[0], 0x8000);
    mem[0] = 0x7f;
    o = ldumax_b(mem, 0x80);
    check_u64("ldumaxb", mem[0], 0x80);
    mem[0] = 0x0123456789abcdefull;
    o = swp_x(mem, 0xfedcba9876543210ull);
    check_u64("swpal x old", o, 0x0123456789abcdefull);
    check_u64("swpal x new", mem[0], 0xfedcba9876543210ull);
    o = swp_b(mem, 0xaa);
    check_u64("swpb old", o, 0x10);
    check_u64("swpb new", mem[0], 0xfedcba98765432aaull);
    o = swp_w(mem, 0);
    check_u64("swpa w old", o, 0x765432aa);
    check_u64("swpa w new", mem[0], 0xfedcba9800000000ull);

    /* stadd: the no-result alias (Rt = zr). */
    mem[1] = 40;
    __asm__ volatile("stadd %0, [%1]" : : "r"(2ull), "r"(mem + 1)
                     : "memory");
    check_u64("stadd", mem[1], 42);
    __asm__ volatile("stclrlb %w0, [%1]" : : "r"(0x2), "r"(mem + 1)
                     : "memory");
    check_u64("stclrlb", mem[1], 40);
}

static void test_cas(void)
{
    uint64_t s;

    mem[0] = 10;
    s = 10;
    __asm__ volatile("cas %0, %2, [%1]" : "+r"(s) : "r"(mem), "r"(20ull)
                     : "memory");
    check_u64("cas x match: Rs = old", s, 10);
    check_u64("cas x match: stored", mem[0], 20);
    s = 10;
    __asm__ volatile("casal %0, %2, [%1]" : "+r"(s) : "r"(mem), "r"(30ull)
                     : "memory");
    check_u64("casal x mismatch: Rs = old", s, 20);
    check_u64("casal x mismatch: unchanged", mem[0], 20);
    mem[0] = 0xffffffff000000ffull;
    s = 0xffffffffffffffffull;
    __asm__ volatile("casb %w0, %w2, [%1]" : "+r"(s) : "r"(mem), "r"(0x11)
                     : "memory");
    check_u64("casb compares the low byte only", s, 0xff);
    check_u64("casb stored", mem[0], 0xffffffff00000011ull);
    s = 0x0011;
    __asm__ volatile("caslh %w0, %w2, [%1]" : "+r"(s) : "r"(mem),
                     "r"(0xabcd) : "memory");
    check_u64("caslh old", s, 0x0011);
    check_u64("caslh stored", mem[0], 0xffffffff0000abcdull);
    s = 0x0000abcd;
    __asm__ volatile("casa %w0, %w2, [%1]" : "+r"(s) : "r"(mem),
                     "r"(0x5555aaaa) : "memory");
    check_u64("casa w old", s, 0xabcd);
    check_u64("casa w stored", mem[0], 0xffffffff5555aaaaull);

    /* casp: compare and swap a pair (even/odd register pairs). */
    mem[0] = 1;
    mem[1] = 2;
    {
        register uint64_t x0 __asm__("x0") = 1;
        register uint64_t x1 __asm__("x1") = 2;
        register uint64_t x2 __asm__("x2") = 3;
        register uint64_t x3 __asm__("x3") = 4;
        __asm__ volatile("caspal x0, x1, x2, x3, [%4]"
                         : "+r"(x0), "+r"(x1) : "r"(x2), "r"(x3), "r"(mem)
                         : "memory");
        uint64_t r0 = x0, r1 = x1;
        check_u64("caspal match x0", r0, 1);
        check_u64("caspal match x1", r1, 2);
        check_u64("caspal stored lo", mem[0], 3);
        check_u64("caspal stored hi", mem[1], 4);
    }
    {
        register uint64_t x4 __asm__("x4") = 3;
        register uint64_t x5 __asm__("x5") = 5;
        register uint64_t x6 __asm__("x6") = 7;
        register uint64_t x7 __asm__("x7") = 8;
        __asm__ volatile("casp x4, x5, x6, x7, [%4]"
                         : "+r"(x4), "+r"(x5) : "r"(x6), "r"(x7), "r"(mem)
                         : "memory");
        uint64_t r4 = x4, r5 = x5;
        check_u64("casp mismatch x4 = old lo", r4, 3);
        check_u64("casp mismatch x5 = old hi", r5, 4);
        check_u64("casp mismatch unchanged lo", mem[0], 3);
        check_u64("casp mismatch unchanged hi", mem[1], 4);
    }
    {
        register uint64_t x0 __asm__("x0") = 0x00000004ffffffffull;
        register uint64_t x1 __asm__("x1") = 0x00000000ffffffffull;
        register uint64_t x2 __asm__("x2") = 0xaaaaaaaa;
        register uint64_t x3 __asm__("x3") = 0xbbbbbbbb;
        mem[0] = 0x0000000400000003ull;
        __asm__ volatile("casp w0, w1, w2, w3, [%4]"
                         : "+r"(x0), "+r"(x1) : "r"(x2), "r"(x3), "r"(mem)
                         : "memory");
        uint64_t r0 = x0, r1 = x1;
        check_u64("casp w mismatch w0", r0, 3);
        check_u64("casp w mismatch w1", r1, 4);
        x0 = 3;
        x1 = 4;
        x2 = 0xaaaaaaaa;
        x3 = 0xbbbbbbbb;
        __asm__ volatile("casp w0, w1, w2, w3, [%4]"
                         : "+r"(x0), "+r"(x1) : "r"(x2), "r"(x3), "r"(mem)
                         : "memory");
        check_u64("casp w match stored", mem[0], 0xbbbbbbbbaaaaaaaaull);
    }
}

int main(int argc, char **argv)
{
    test_exclusive();
    test_lse();
    test_cas();
    return t_done();
}

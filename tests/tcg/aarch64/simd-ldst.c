/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SIMD and FP loads and stores: ld1/st1 with 1-4 registers, the
 * interleaving ld2/ld3/ld4 and st2/st3/st4, single-lane ld1/st1 and the
 * replicating ld1r/ld2r/ld4r, post-index by immediate and by register,
 * ldr/str of b/h/s/d/q (scaled, unscaled, pre/post-index, register
 * offset, literal), ldp/stp of q and d registers, and the zeroing of the
 * rest of the vector register by scalar loads.
 *
 * Freestanding (no libc).
 */
#include "tcg-test.h"

static uint8_t src[256] __attribute__((aligned(16)));
static uint8_t dst[256] __attribute__((aligned(16)));
static uint8_t want[256];

static void fill(void)
{
    for (int i = 0; i < 256; i++) {
        src[i] = (uint8_t)(i * 7 + 3);
        dst[i] = 0;
        want[i] = 0;
    }
}

/* Copy src through vector registers with the given load/store pair. */
#define COPY(name, ld, st, nbytes)                                        \
    do {                                                                  \
        fill();                                                           \
        __asm__ volatile(ld "\n\t" st                                     \
                         : : "r"(src), "r"(dst)                           \
                         : "v0", "v1", "v2", "v3", "memory");             \
        check_mem(name, dst, src, nbytes);                                \
    } while (0)

static void test_multiple(void)
{
    COPY("ld1/st1 1 reg 16b", "ld1 {v0.16b}, [%0]", "st1 {v0.16b}, [%1]", 16);
    COPY("ld1/st1 4 regs 2d", "ld1 {v0.2d-v3.2d}, [%0]",
         "st1 {v0.2d-v3.2d}, [%1]", 64);
    COPY("ld1/st1 3 regs 8b", "ld1 {v0.8b-v2.8b}, [%0]",
         "st1 {v0.8b-v2.8b}, [%1]", 24);
    COPY("ld2/st2 8h", "ld2 {v0.8h, v1.8h}, [%0]", "st2 {v0.8h, v1.8h}, [%1]",
         32);
    COPY("ld3/st3 16b", "ld3 {v0.16b-v2.16b}, [%0]",
         "st3 {v0.16b-v2.16b}, [%1]", 48);
    COPY("ld4/st4 4s", "ld4 {v0.4s-v3.4s}, [%0]",
         "st4 {v0.4s-v3.4s}, [%1]", 64);
    COPY("ld4/st4 8b", "ld4 {v0.8b-v3.8b}, [%0]",
         "st4 {v0.8b-v3.8b}, [%1]", 32);
    /* A mismatched pair de-interleaves: ld2 .16b then st1 two regs. */
    fill();
    __asm__ volatile("ld2 {v0.16b, v1.16b}, [%0]\n\t"
                     "st1 {v0.16b, v1.16b}, [%1]"
                     : : "r"(src), "r"(dst) : "v0", "v1", "memory");
    for (int i = 0; i < 16; i++) {
        want[i] = src[2 * i];
        want[16 + i] = src[2 * i + 1];
    }
    check_mem("ld2 16b de-interleaves", dst, want, 32);
    fill();
    __asm__ volatile("ld1 {v0.8h-v2.8h}, [%0]\n\t"
                     "st3 {v0.8h-v2.8h}, [%1]"
                     : : "r"(src), "r"(dst) : "v0", "v1", "v2", "memory");
    for (int i = 0; i < 8; i++) {
        for (int r = 0; r < 3; r++) {
            want[6 * i + 2 * r] = src[16 * r + 2 * i];
            want[6 * i + 2 * r + 1] = src[16 * r + 2 * i + 1];
        }
    }
    check_mem("st3 8h interleaves", dst, want, 48);
    fill();
    __asm__ volatile("ld4 {v0.2d-v3.2d}, [%0]\n\t"
                     "st1 {v0.2d-v3.2d}, [%1]"
                     : : "r"(src), "r"(dst) : "v0", "v1", "v2", "v3",
                       "memory");
    for (int i = 0; i < 2; i++) {
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < 8; j++) {
                want[16 * r + 8 * i + j] = src[32 * i + 8 * r + j];
            }
        }
    }
    check_mem("ld4 2d de-interleaves", dst, want, 64);
}

static void test_post_index(void)
{
    uint64_t p = (uint64_t)src, q = (uint64_t)dst;

    fill();
    __asm__ volatile("ld1 {v0.16b, v1.16b}, [%0], #32\n\t"
                     "st1 {v0.16b, v1.16b}, [%1], #32\n\t"
                     "ld3 {v0.8b-v2.8b}, [%0], %2\n\t"
                     "st3 {v0.8b-v2.8b}, [%1], %2\n\t"
                     : "+r"(p), "+r"(q) : "r"(24ull) : "v0", "v1", "v2",
                       "memory");
    check_u64("ld1 post-index #32 + ld3 post-index reg: src", p - (uint64_t)src,
              56);
    check_u64("st post-index: dst", q - (uint64_t)dst, 56);
    check_mem("post-index copy", dst, src, 56);
    p = (uint64_t)src + 8;
    __asm__ volatile("ld1 {v0.s}[3], [%0], #4\n\t"
                     "ld1 {v0.b}[0], [%0], %1\n\t"
                     "mov %0, v0.d[1]\n\t"
                     : "+r"(p) : "r"(-12ll) : "v0");
    check_u64("ld1 single lane post-index", p >> 32,
              (uint64_t)src[8] | (uint64_t)src[9] << 8 |
              (uint64_t)src[10] << 16 | (uint64_t)src[11] << 24);
}

static void test_lanes(void)
{
    uint64_t lo, hi;

    fill();
    __asm__ volatile("movi v0.16b, #0xee\n\t"
                     "ld1 {v0.h}[5], [%2]\n\t"
                     "mov %0, v0.d[0]\n\tmov %1, v0.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(src + 4) : "v0", "memory");
    check_u64("ld1 h lane 5: low untouched", lo, 0xeeeeeeeeeeeeeeeeull);
    check_u64("ld1 h lane 5", hi,
              0xeeeeeeeeull << 32 | (uint64_t)src[5] << 24 |
              (uint64_t)src[4] << 16 | 0xeeee);
    __asm__ volatile("ld1r {v0.4s}, [%2]\n\t"
                     "mov %0, v0.d[0]\n\tmov %1, v0.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(src) : "v0", "memory");
    uint64_t w32 = src[0] | src[1] << 8 | src[2] << 16 | (uint64_t)src[3] << 24;
    check_u64("ld1r 4s lo", lo, w32 | w32 << 32);
    check_u64("ld1r 4s hi", hi, w32 | w32 << 32);
    __asm__ volatile("ld2r {v0.8b, v1.8b}, [%2]\n\t"
                     "mov %0, v0.d[0]\n\tmov %1, v1.d[0]"
                     : "=r"(lo), "=r"(hi) : "r"(src) : "v0", "v1", "memory");
    check_u64("ld2r 8b first", lo, 0x0101010101010101ull * src[0]);
    check_u64("ld2r 8b second", hi, 0x0101010101010101ull * src[1]);
    __asm__ volatile("ld1r {v0.8b}, [%2]\n\t"
                     "mov %0, v0.d[0]\n\tmov %1, v0.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(src + 9) : "v0", "memory");
    check_u64("ld1r 8b", lo, 0x0101010101010101ull * src[9]);
    check_u64("ld1r 8b clears high", hi, 0);
    __asm__ volatile("ld4 {v0.b, v1.b, v2.b, v3.b}[9], [%0]\n\t"
                     "st4 {v0.b, v1.b, v2.b, v3.b}[9], [%1]"
                     : : "r"(src + 100), "r"(dst + 1) : "v0", "v1", "v2",
                       "v3", "memory");
    check_mem("ld4/st4 single lane", dst + 1, src + 100, 4);
    check_u64("st4 lane: neighbours untouched", dst[0] | dst[5], 0);
    __asm__ volatile("ld1 {v0.d}[1], [%0]\n\t"
                     "st1 {v0.d}[1], [%1]"
                     : : "r"(src + 40), "r"(dst + 40) : "v0", "memory");
    check_mem("ld1/st1 d lane", dst + 40, src + 40, 8);
}

static void test_scalar(void)
{
    uint64_t lo, hi, p;

    fill();
    __asm__ volatile("movi v0.16b, #0xff\n\t"
                     "ldr b0, [%2, #3]\n\t"
                     "mov %0, v0.d[0]\n\tmov %1, v0.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(src) : "v0", "memory");
    check_u64("ldr b zero-extends the register", lo, src[3]);
    check_u64("ldr b clears high", hi, 0);
    __asm__ volatile("movi v0.16b, #0xff\n\t"
                     "ldr h0, [%2, #6]\n\t"
                     "mov %0, v0.d[0]\n\tmov %1, v0.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(src) : "v0", "memory");
    check_u64("ldr h", lo, src[6] | src[7] << 8);
    check_u64("ldr h clears high", hi, 0);
    __asm__ volatile("movi v0.16b, #0xff\n\t"
                     "ldur s0, [%2, #-3]\n\t"
                     "mov %0, v0.d[0]\n\tmov %1, v0.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(src + 8) : "v0", "memory");
    check_u64("ldur s", lo, src[5] | src[6] << 8 | src[7] << 16 |
              (uint64_t)src[8] << 24);
    check_u64("ldur s clears high", hi, 0);
    __asm__ volatile("ldr d0, [%2, %3, lsl #3]\n\t"
                     "ldr q1, [%2, #32]\n\t"
                     "fmov %0, d0\n\tmov %1, v1.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(src), "r"(2ull)
                     : "v0", "v1", "memory");
    check_u64("ldr d [x, x, lsl #3]", lo, *(uint64_t *)(src + 16));
    check_u64("ldr q [#32] high", hi, *(uint64_t *)(src + 40));
    p = (uint64_t)dst + 64;
    __asm__ volatile("ldr q0, [%1]\n\t"
                     "str q0, [%0, #-16]!\n\t"
                     "str d0, [%0], #32\n\t"
                     "str s0, [%0, %2]\n\t"
                     "str h0, [%0, #2]\n\t"
                     "str b0, [%0, #-1]\n\t"
                     : "+r"(p) : "r"(src), "r"(-8ll) : "v0", "memory");
    check_u64("str q pre-index / str d post-index base", p - (uint64_t)dst,
              80);
    for (int i = 0; i < 16; i++) {
        want[48 + i] = src[i];
    }
    for (int i = 0; i < 8; i++) {
        want[48 + i] = src[i];
    }
    for (int i = 0; i < 4; i++) {
        want[72 + i] = src[i];
    }
    want[82] = src[0];
    want[83] = src[1];
    want[79] = src[0];
    check_mem("str q/d/s/h/b addressing modes", dst, want, 96);
    /* Pairs. */
    fill();
    p = (uint64_t)src;
    __asm__ volatile("ldp q0, q1, [%0, #32]!\n\t"
                     "stp q1, q0, [%1]\n\t"
                     "ldp d2, d3, [%0], #-16\n\t"
                     "stp d3, d2, [%1, #32]\n\t"
                     "ldp s4, s5, [%0, #4]\n\t"
                     "stnp s5, s4, [%1, #48]\n\t"
                     : "+r"(p) : "r"(dst) : "v0", "v1", "v2", "v3", "v4",
                       "v5", "memory");
    check_u64("ldp q pre-index, ldp d post-index base", p - (uint64_t)src, 16);
    for (int i = 0; i < 16; i++) {
        want[i] = src[48 + i];
        want[16 + i] = src[32 + i];
    }
    for (int i = 0; i < 8; i++) {
        want[32 + i] = src[40 + i];
        want[40 + i] = src[32 + i];
    }
    for (int i = 0; i < 4; i++) {
        want[48 + i] = src[24 + i];
        want[52 + i] = src[20 + i];
    }
    check_mem("ldp/stp q d s", dst, want, 56);
    /* Literals. */
    __asm__ volatile("ldr q0, 1f\n\t"
                     "ldr d1, 2f\n\t"
                     "ldr s2, 3f\n\t"
                     "mov %0, v0.d[1]\n\t"
                     "fmov %1, d1\n\t"
                     "fmov w9, s2\n\t"
                     "add %1, %1, x9\n\t"
                     "b 4f\n\t"
                     ".balign 16\n"
                     "1:\t.quad 0x1111111111111111, 0x2222222222222222\n"
                     "2:\t.quad 0x3333333333333333\n"
                     "3:\t.word 0x44444444\n"
                     "4:\n"
                     : "=r"(hi), "=r"(lo) : : "v0", "v1", "v2", "x9");
    check_u64("ldr q literal", hi, 0x2222222222222222ull);
    check_u64("ldr d + ldr s literal", lo, 0x3333333377777777ull);
}

int main(int argc, char **argv)
{
    test_multiple();
    test_post_index();
    test_lanes();
    test_scalar();
    return t_done();
}

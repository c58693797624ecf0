/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reference generator for test-a64-fp: an AArch64 Linux program that runs
 * every operation of a64-fp-ops.h under several FPCR settings over lists
 * of interesting and random inputs, and prints one C initializer per case
 * ({op, fpcr, a, b, c, result, fpsr}).  Run under qemu-aarch64-static
 * (or real hardware) by a64-fp-gen.py; not built by meson.
 *
 *     a64-fp-gen [small|big] [seed]
 *
 * "big" uses many more random inputs, for one-off checks with
 * `test-a64-fp FILE` rather than for the checked-in table.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a64-fp-ops.h"

enum { IN_S, IN_D, IN_H, IN_I };
enum { T_FF, T_FI, T_IF, T_CMP };

#define PRE "msr fpcr, %[fpcr]\n msr fpsr, xzr\n"
#define POST "mrs %[fs], fpsr\n msr fpcr, xzr\n"
#define CLOB "x9", "v0", "v1", "v2", "v3", "cc", "memory"
#define IO [r] "=&r"(r), [fs] "=&r"(fs) \
    : [a] "r"(a), [b] "r"(b), [c] "r"(c), [fpcr] "r"(fpcr)

#define T_FF_ASM(insn) \
    PRE "movi v0.2d, #0\n fmov d1, %[a]\n fmov d2, %[b]\n fmov d3, %[c]\n" insn "\n fmov %[r], d0\n" POST
#define T_FI_ASM(insn) \
    PRE "fmov d1, %[a]\n mov x9, #0\n" insn "\n mov %[r], x9\n" POST
#define T_IF_ASM(insn) \
    PRE "mov x9, %[a]\n" insn "\n fmov %[r], d0\n" POST
#define T_CMP_ASM(insn) \
    PRE "msr nzcv, xzr\n fmov d1, %[a]\n fmov d2, %[b]\n" insn \
    "\n mrs %[r], nzcv\n" POST

#define DEF_FN(name, inc, ar, tmpl, insn)                               \
    static uint64_t op_##name(uint64_t a, uint64_t b, uint64_t c,       \
                              uint64_t fpcr, uint64_t *fsp)             \
    {                                                                   \
        uint64_t r, fs;                                                 \
        asm volatile(tmpl##_ASM(insn) : IO : CLOB);                     \
        *fsp = fs;                                                      \
        return r;                                                       \
    }
A64_FP_OPS(DEF_FN)

typedef struct Op {
    const char *name;
    int inc, arity;
    uint64_t (*fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t *);
} Op;

#define DEF_TAB(name, inc, ar, tmpl, insn) { #name, inc, ar, op_##name },
static const Op ops[] = { A64_FP_OPS(DEF_TAB) };

/* FPCR settings: RN, RP, RM, RZ, FZ, DN, FZ+DN+RP; AHP for half. */
static const uint32_t fpcrs[] = {
    0, 1u << 22, 2u << 22, 3u << 22, 1u << 24, 1u << 25,
    1u << 24 | 1u << 25 | 1u << 22,
};
static const uint32_t fpcrs_ahp[] = { 1u << 26, 1u << 26 | 1u << 24 | 3u << 22 };

static const uint64_t s_vals[] = {
    0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x807fffff, 0x00400000,
    0x00800000, 0x80800000, 0x00800001, 0x3f800000, 0xbf800000, 0x3fc00000,
    0x40000000, 0x40400000, 0x3f000000, 0xbf000000, 0x3f800001, 0x3fffffff,
    0x7f7fffff, 0xff7fffff, 0x7f000000, 0x7f800000, 0xff800000, 0x7fc00000,
    0xffc12345, 0x7f800001, 0xff812345, 0x7fbfffff, 0x4b000000, 0x4b000001,
    0x40200000, 0xc0200000, 0x3effffff, 0x3fbfffff, 0xbfc00000, 0x501502f9,
    0x4f000000, 0x4f800000, 0xcf000000, 0x4effffff, 0xcf000001, 0x5f000000,
    0x5f800000, 0x5effffff, 0xdf000000, 0xdf000001, 0x0c000000, 0x33800000,
    0x33000000, 0x33000001, 0x387fc000, 0x38800000, 0x477fe000, 0x477ff000,
    0x477fefff, 0x47800000, 0x1f800000, 0x00000003, 0x3e800000, 0x3e7fffff,
    0x7e800000, 0x7e7fffff, 0x00200000, 0x20000000, 0xc7000000, 0x42c80000,
    0x3dcccccd, 0x2f800000, 0x37800000,
};
static const uint64_t d_vals[] = {
    0, 0x8000000000000000, 1, 0x8000000000000001, 0x000fffffffffffff,
    0x800fffffffffffff, 0x0008000000000000, 0x0010000000000000,
    0x8010000000000000, 0x0010000000000001, 0x3ff0000000000000,
    0xbff0000000000000, 0x3ff8000000000000, 0x4000000000000000,
    0x4008000000000000, 0x3fe0000000000000, 0xbfe0000000000000,
    0x3ff0000000000001, 0x3fffffffffffffff, 0x7fefffffffffffff,
    0xffefffffffffffff, 0x7fe0000000000000, 0x7ff0000000000000,
    0xfff0000000000000, 0x7ff8000000000000, 0xfff8123456789abc,
    0x7ff0000000000001, 0xfff0123456789abc, 0x7ff7ffffffffffff,
    0x4330000000000000, 0x4330000000000001, 0x4004000000000000,
    0xc004000000000000, 0x3fdfffffffffffff, 0x41dfffffffc00000,
    0x41e0000000000000, 0x41efffffffe00000, 0x41f0000000000000,
    0xc1e0000000000000, 0xc1e0000000200000, 0x43e0000000000000,
    0x43f0000000000000, 0x43dfffffffffffff, 0xc3e0000000000000,
    0xc3e0000000000001, 0x36a0000000000000, 0x36a0000000000001,
    0x380fffffe0000000, 0x380ffffff0000000, 0x3810000000000000,
    0x47efffffe0000000, 0x47effffff0000000, 0x47f0000000000000,
    0x3e70000000000000, 0x3e60000000000000, 0x3e60000000000001,
    0x40effc0000000000, 0x40effe0000000000, 0x3fd0000000000000,
    0x7fd0000000000000, 0x0000000000000003, 0x2000000000000000,
    0x3fb999999999999a, 0x3690000000000000, 0x4059000000000000,
};
/* Operands for cross products, most interesting first. */
static const uint64_t s_xvals[] = {
    0x3f800000, 0xff7fffff, 0x7fc00000, 0x80000000, 0x007fffff, 0x7f800001,
    0xff800000, 0x00800000, 0x3fc00000, 0, 0xffc12345, 0x7f800000,
    0xbf800001, 0x80800001, 0x40400000, 0x0c000000,
};
static const uint64_t d_xvals[] = {
    0x3ff0000000000000, 0xffefffffffffffff, 0x7ff8000000000000,
    0x8000000000000000, 0x000fffffffffffff, 0x7ff0000000000001,
    0xfff0000000000000, 0x0010000000000000, 0x3ff8000000000000, 0,
    0xfff8123456789abc, 0x7ff0000000000000, 0xbff0000000000001,
    0x8010000000000001, 0x4008000000000000, 0x2000000000000000,
};
static const uint64_t h_vals[] = {
    0, 0x8000, 1, 0x8001, 0x03ff, 0x0400, 0x3c00, 0xbc00, 0x7bff, 0xfbff,
    0x7c00, 0xfc00, 0x7e00, 0xfe01, 0x7c01, 0xfd23, 0x7fff, 0x3555, 0x5640,
};
static const uint64_t i_vals[] = {
    0, 1, ~0ull, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff, 0x80000001,
    0x01000001, 0x01000003, 0x00ffffff, 0x7fffffffffffffff,
    0x8000000000000000, 0x8000000000000001, 0x0020000000000001,
    0x0020000000000003, 0xfff0000000000001, 0x123456789abcdef0,
    0xfedcba9876543210, 0xffffffff80000000, 0x00000000fffffffe,
    0x40000000, 0xc0000000, 0x8000000000000400, 0x7ffffffffffffe00,
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/*
 * A random value of class inc, biased to the places where rounding,
 * underflow and overflow decisions are made.
 */
static uint64_t rnd_val(int inc, int bucket)
{
    int eb = inc == IN_S ? 8 : 11, fb = inc == IN_S ? 23 : 52;
    int bias = (1 << (eb - 1)) - 1, emax = (1 << eb) - 2;
    uint64_t frac = rnd() & ((1ull << fb) - 1);
    int64_t e;

    if (inc == IN_I) {
        uint64_t x = rnd();
        return (rnd() & 1) ? x >> (rnd() % 64) : x;
    }
    if (inc == IN_H) {
        return rnd() & 0xffff;
    }
    switch (bucket % 6) {
    case 0:
        e = bias + (int64_t)(rnd() % 9) - 4;
        break;
    case 1:
        e = (int64_t)(rnd() % 4);
        break;
    case 2:
        e = emax - (int64_t)(rnd() % 3);
        break;
    case 3:
        e = bias / 2 + (int64_t)(rnd() % 4);         /* products near tiny */
        break;
    case 4:
        e = bias + bias / 2 + (int64_t)(rnd() % 4);  /* products near huge */
        break;
    default:
        e = bias + (int64_t)(rnd() % 80);            /* int conversions */
        break;
    }
    if (rnd() & 1) {
        frac &= ~0ull << (rnd() % (unsigned)fb);     /* few bits: ties */
    }
    return (uint64_t)(rnd() & 1) << (eb + fb) | (uint64_t)e << fb | frac;
}

static void vals_of(int inc, const uint64_t **v, size_t *n)
{
    switch (inc) {
    case IN_S:
        *v = s_vals;
        *n = sizeof(s_vals) / 8;
        break;
    case IN_D:
        *v = d_vals;
        *n = sizeof(d_vals) / 8;
        break;
    case IN_H:
        *v = h_vals;
        *n = sizeof(h_vals) / 8;
        break;
    default:
        *v = i_vals;
        *n = sizeof(i_vals) / 8;
        break;
    }
}

static void emit(int opi, uint32_t fpcr, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t fs, r = ops[opi].fn(a, b, c, fpcr, &fs);

    printf("{%d,0x%" PRIx32 ",0x%" PRIx64 ",0x%" PRIx64 ",0x%" PRIx64
           ",0x%" PRIx64 ",0x%" PRIx64 "},\n",
           opi, fpcr, a, b, c, r, fs);
}

/* Inputs for one FPCR setting; `wide` selects the full cross product. */
static void run_op(int opi, uint32_t fpcr, bool wide, int nrand)
{
    const Op *op = &ops[opi];
    const uint64_t *v;
    size_t n, i, j, k, lim;

    vals_of(op->inc, &v, &n);
    if (op->arity > 1) {
        v = op->inc == IN_S ? s_xvals : d_xvals;
        n = 16;
    }
    if (op->arity == 1) {
        for (i = 0; i < n; i += wide ? 1 : 3) {
            emit(opi, fpcr, v[i], 0, 0);
        }
    } else {
        /* A subset for the cross products of 2- and 3-operand ops. */
        lim = op->arity == 2 ? (wide ? 16 : 7) : (wide ? 8 : 4);
        for (i = 0; i < lim; i++) {
            for (j = 0; j < lim; j++) {
                if (op->arity == 2) {
                    emit(opi, fpcr, v[i], v[j], 0);
                    continue;
                }
                for (k = 0; k < lim; k++) {
                    emit(opi, fpcr, v[i], v[j], v[k]);
                }
            }
        }
    }
    for (i = 0; i < (size_t)nrand; i++) {
        int bk = (int)(rnd() % 6);
        emit(opi, fpcr, rnd_val(op->inc, bk), rnd_val(op->inc, bk),
             rnd_val(op->inc, (int)(rnd() % 6)));
    }
}

int main(int argc, char **argv)
{
    bool big = argc > 1 && !strcmp(argv[1], "big");
    int nrand = big ? 3000 : 6;

    if (argc > 2) {
        rng_state = strtoull(argv[2], NULL, 0) | 1;
    }
    for (int i = 0; i < (int)(sizeof(ops) / sizeof(ops[0])); i++) {
        const char *nm = ops[i].name;
        /* Explicit rounding: only FZ (input flushing) matters. */
        bool to_int = !strncmp(nm, "fcvt", 4) && nm[4] != '_' &&
                      nm[4] != 'x';
        /* Integer inputs: only the rounding mode matters. */
        bool from_int = strstr(nm, "cvtf") != NULL;

        for (size_t f = 0; f < sizeof(fpcrs) / 4; f++) {
            if ((to_int && f != 0 && f != 4) || (from_int && f > 3)) {
                continue;
            }
            run_op(i, fpcrs[f], f == 0 || big, big ? nrand : 2 * nrand);
        }
        if (!strncmp(ops[i].name, "fcvt_", 5)) {
            for (size_t f = 0; f < sizeof(fpcrs_ahp) / 4; f++) {
                run_op(i, fpcrs_ahp[f], true, nrand);
            }
        }
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Advanced SIMD lane operations through arm_neon.h, each compared lane by
 * lane with a scalar C model on edge-biased random inputs (the models are
 * built with vectorisation off, so they run as scalar code): integer
 * arithmetic, saturating arithmetic and the QC flag, shifts (immediate,
 * register, rounding, accumulate, insert), narrowing and widening,
 * permutes (zip/uzp/trn/ext/rev/dup/ins), table lookups, across-lanes
 * reductions, compares and bit operations, pairwise and halving ops,
 * floating point lanes and conversions; plus fixed vectors for a few
 * results that are easiest to state outright, and the rule that writing a
 * 64-bit vector clears the top half of the register.
 *
 * Freestanding (no libc).
 */
#include <arm_neon.h>
#include "tcg-test.h"

typedef union {
    uint8x16_t v;
    uint8_t b[16];
    int8_t sb[16];
    uint16_t h[8];
    int16_t sh[8];
    uint32_t s[4];
    int32_t ss[4];
    uint64_t d[2];
    int64_t sd[2];
    float f[4];
    double df[2];
} V;

#define NV 24
static V A[NV], B[NV], C[NV], FA[NV], FB[NV], FC[NV];
static uint64_t seed = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static uint8_t rbyte(void)
{
    uint64_t r = rnd();

    switch (r & 15) {
    case 0: return 0;
    case 1: return 0xff;
    case 2: return 0x80;
    case 3: return 0x7f;
    case 4: return 1;
    default: return (uint8_t)(r >> 8);
    }
}

static void init(void)
{
    for (int k = 0; k < NV; k++) {
        for (int i = 0; i < 16; i++) {
            A[k].b[i] = rbyte();
            B[k].b[i] = rbyte();
            C[k].b[i] = rbyte();
        }
        /* Halfword/word edge lanes appear when neighbouring bytes agree. */
        if (k % 4 == 1) {
            A[k].h[k % 8] = 0x8000;
            B[k].h[k % 8] = 0xffff;
            A[k].s[k % 4] = 0x80000000;
            B[k].s[(k + 1) % 4] = 0x7fffffff;
        }
        for (int i = 0; i < 4; i++) {
            FA[k].f[i] = (float)((int)(rnd() % 2001) - 1000) / 8.0f;
            FB[k].f[i] = (float)((int)(rnd() % 2001) - 1000) / 16.0f;
            FC[k].f[i] = (float)((int)(rnd() % 201) - 100) / 4.0f;
        }
    }
}

#define U8(x)  ((uint8x16_t)(x).v)
#define S8(x)  ((int8x16_t)(x).v)
#define U16(x) ((uint16x8_t)(x).v)
#define S16(x) ((int16x8_t)(x).v)
#define U32(x) ((uint32x4_t)(x).v)
#define S32(x) ((int32x4_t)(x).v)
#define U64(x) ((uint64x2_t)(x).v)
#define S64(x) ((int64x2_t)(x).v)
#define F32(x) ((float32x4_t)(x).v)
#define F64(x) ((float64x2_t)(x).v)
#define LO8(x)  vget_low_u8(U8(x))
#define LO16(x) vget_low_u16(U16(x))
#define LO32(x) vget_low_u32(U32(x))
#define SLO8(x)  vget_low_s8(S8(x))
#define SLO16(x) vget_low_s16(S16(x))
#define SLO32(x) vget_low_s32(S32(x))

/* 128-bit result from any vector type; 64-bit results go in the low half. */
#define Q(e)  ((uint8x16_t)(e))
#define D(e)  vcombine_u8((uint8x8_t)(e), vdup_n_u8(0))

/*
 * OP(name, inputs, vector-expression, model): for every input set, a/b/c
 * are the V inputs, r the vector result and w the model result (zeroed);
 * 'i' is free for the model's loops.
 */
#define OP(name, IN_A, IN_B, IN_C, expr, model)                           \
    do {                                                                  \
        int bad_ = 0;                                                     \
        for (int k_ = 0; k_ < NV; k_++) {                                 \
            V a = IN_A[k_], b = IN_B[k_], c = IN_C[k_], r, w;             \
            (void)a; (void)b; (void)c;                                    \
            r.v = (expr);                                                 \
            w.d[0] = w.d[1] = 0;                                          \
            model;                                                        \
            bad_ += r.d[0] != w.d[0] || r.d[1] != w.d[1];                 \
        }                                                                 \
        check_u64(name ": mismatching inputs", bad_, 0);                  \
    } while (0)
#define IOP(name, expr, model) OP(name, A, B, C, expr, model)
#define FOP(name, expr, model) OP(name, FA, FB, FC, expr, model)

static int64_t sat(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void test_arith(void)
{
    IOP("add 16b", Q(vaddq_u8(U8(a), U8(b))),
        for (int i = 0; i < 16; i++) w.b[i] = a.b[i] + b.b[i]);
    IOP("sub 8h", Q(vsubq_u16(U16(a), U16(b))),
        for (int i = 0; i < 8; i++) w.h[i] = a.h[i] - b.h[i]);
    IOP("add 2d", Q(vaddq_u64(U64(a), U64(b))),
        for (int i = 0; i < 2; i++) w.d[i] = a.d[i] + b.d[i]);
    IOP("add 8b (clears top)", D(vadd_u8(LO8(a), LO8(b))),
        for (int i = 0; i < 8; i++) w.b[i] = a.b[i] + b.b[i]);
    IOP("mul 4s", Q(vmulq_u32(U32(a), U32(b))),
        for (int i = 0; i < 4; i++) w.s[i] = a.s[i] * b.s[i]);
    IOP("mul 16b", Q(vmulq_u8(U8(a), U8(b))),
        for (int i = 0; i < 16; i++) w.b[i] = a.b[i] * b.b[i]);
    IOP("mla 8h", Q(vmlaq_s16(S16(c), S16(a), S16(b))),
        for (int i = 0; i < 8; i++) w.h[i] = c.h[i] + a.h[i] * b.h[i]);
    IOP("mls 4s", Q(vmlsq_u32(U32(c), U32(a), U32(b))),
        for (int i = 0; i < 4; i++) w.s[i] = c.s[i] - a.s[i] * b.s[i]);
    IOP("mul 8h by lane 3", Q(vmulq_laneq_s16(S16(a), S16(b), 3)),
        for (int i = 0; i < 8; i++) w.h[i] = a.h[i] * b.h[3]);
    IOP("mla 4s by lane 1", Q(vmlaq_laneq_u32(U32(c), U32(a), U32(b), 1)),
        for (int i = 0; i < 4; i++) w.s[i] = c.s[i] + a.s[i] * b.s[1]);
    IOP("abs 16b", Q(vabsq_s8(S8(a))),
        for (int i = 0; i < 16; i++) w.b[i] = a.sb[i] < 0 ? -a.sb[i] : a.sb[i]);
    IOP("neg 4s", Q(vnegq_s32(S32(a))),
        for (int i = 0; i < 4; i++) w.s[i] = -a.s[i]);
    IOP("neg 2d", Q(vnegq_s64(S64(a))),
        for (int i = 0; i < 2; i++) w.d[i] = -a.d[i]);
    IOP("abd u8", Q(vabdq_u8(U8(a), U8(b))),
        for (int i = 0; i < 16; i++)
            w.b[i] = a.b[i] > b.b[i] ? a.b[i] - b.b[i] : b.b[i] - a.b[i]);
    IOP("aba s16", Q(vabaq_s16(S16(c), S16(a), S16(b))),
        for (int i = 0; i < 8; i++)
            w.h[i] = c.h[i] + (uint16_t)(a.sh[i] > b.sh[i] ?
                     a.sh[i] - b.sh[i] : b.sh[i] - a.sh[i]));
    IOP("max u8", Q(vmaxq_u8(U8(a), U8(b))),
        for (int i = 0; i < 16; i++) w.b[i] = a.b[i] > b.b[i] ? a.b[i] : b.b[i]);
    IOP("min s16", Q(vminq_s16(S16(a), S16(b))),
        for (int i = 0; i < 8; i++)
            w.sh[i] = a.sh[i] < b.sh[i] ? a.sh[i] : b.sh[i]);
    IOP("max s32", Q(vmaxq_s32(S32(a), S32(b))),
        for (int i = 0; i < 4; i++)
            w.ss[i] = a.ss[i] > b.ss[i] ? a.ss[i] : b.ss[i]);
    IOP("hadd u8", Q(vhaddq_u8(U8(a), U8(b))),
        for (int i = 0; i < 16; i++) w.b[i] = (a.b[i] + b.b[i]) >> 1);
    IOP("rhadd s8", Q(vrhaddq_s8(S8(a), S8(b))),
        for (int i = 0; i < 16; i++) w.sb[i] = (a.sb[i] + b.sb[i] + 1) >> 1);
    IOP("hsub s16", Q(vhsubq_s16(S16(a), S16(b))),
        for (int i = 0; i < 8; i++) w.sh[i] = (a.sh[i] - b.sh[i]) >> 1);
    IOP("addp 8h", Q(vpaddq_u16(U16(a), U16(b))),
        for (int i = 0; i < 4; i++) {
            w.h[i] = a.h[2 * i] + a.h[2 * i + 1];
            w.h[4 + i] = b.h[2 * i] + b.h[2 * i + 1];
        });
    IOP("smaxp 16b", Q(vpmaxq_s8(S8(a), S8(b))),
        for (int i = 0; i < 8; i++) {
            w.sb[i] = a.sb[2 * i] > a.sb[2 * i + 1] ? a.sb[2 * i] : a.sb[2 * i + 1];
            w.sb[8 + i] = b.sb[2 * i] > b.sb[2 * i + 1] ? b.sb[2 * i] : b.sb[2 * i + 1];
        });
    IOP("uminp 4s", Q(vpminq_u32(U32(a), U32(b))),
        for (int i = 0; i < 2; i++) {
            w.s[i] = a.s[2 * i] < a.s[2 * i + 1] ? a.s[2 * i] : a.s[2 * i + 1];
            w.s[2 + i] = b.s[2 * i] < b.s[2 * i + 1] ? b.s[2 * i] : b.s[2 * i + 1];
        });
    IOP("uadalp 8h", Q(vpadalq_u8(U16(c), U8(a))),
        for (int i = 0; i < 8; i++)
            w.h[i] = c.h[i] + a.b[2 * i] + a.b[2 * i + 1]);
}

static uint64_t qc_read_clear(void)
{
    uint64_t v;

    __asm__ volatile("mrs %0, fpsr\n\tmsr fpsr, xzr" : "=r"(v));
    return (v >> 27) & 1;
}

static void test_saturating(void)
{
    IOP("sqadd 16b", Q(vqaddq_s8(S8(a), S8(b))),
        for (int i = 0; i < 16; i++) w.sb[i] = sat(a.sb[i] + b.sb[i], -128, 127));
    IOP("uqadd 16b", Q(vqaddq_u8(U8(a), U8(b))),
        for (int i = 0; i < 16; i++) w.b[i] = sat(a.b[i] + b.b[i], 0, 255));
    IOP("sqsub 8h", Q(vqsubq_s16(S16(a), S16(b))),
        for (int i = 0; i < 8; i++)
            w.sh[i] = sat(a.sh[i] - b.sh[i], -32768, 32767));
    IOP("uqsub 4s", Q(vqsubq_u32(U32(a), U32(b))),
        for (int i = 0; i < 4; i++)
            w.s[i] = a.s[i] > b.s[i] ? a.s[i] - b.s[i] : 0);
    IOP("sqadd 2d", Q(vqaddq_s64(S64(a), S64(b))),
        for (int i = 0; i < 2; i++) {
            int64_t s;
            w.sd[i] = __builtin_add_overflow(a.sd[i], b.sd[i], &s) ?
                      (a.sd[i] < 0 ? INT64_MIN : INT64_MAX) : s;
        });
    IOP("sqabs 16b", Q(vqabsq_s8(S8(a))),
        for (int i = 0; i < 16; i++)
            w.sb[i] = sat(a.sb[i] < 0 ? -a.sb[i] : a.sb[i], -128, 127));
    IOP("sqneg 8h", Q(vqnegq_s16(S16(a))),
        for (int i = 0; i < 8; i++) w.sh[i] = sat(-a.sh[i], -32768, 32767));
    IOP("sqdmulh 8h", Q(vqdmulhq_s16(S16(a), S16(b))),
        for (int i = 0; i < 8; i++)
            w.sh[i] = sat(((int64_t)2 * a.sh[i] * b.sh[i]) >> 16, -32768, 32767));
    IOP("sqrdmulh 4s", Q(vqrdmulhq_s32(S32(a), S32(b))),
        for (int i = 0; i < 4; i++)
            w.ss[i] = sat(((__int128)2 * a.ss[i] * b.ss[i] + (1ll << 31)) >> 32,
                          INT32_MIN, INT32_MAX));
    IOP("sqdmull 4s<-4h", Q(vqdmull_s16(SLO16(a), SLO16(b))),
        for (int i = 0; i < 4; i++)
            w.ss[i] = sat((int64_t)2 * a.sh[i] * b.sh[i], INT32_MIN, INT32_MAX));
    IOP("sqxtn 8b<-8h", D(vqmovn_s16(S16(a))),
        for (int i = 0; i < 8; i++) w.sb[i] = sat(a.sh[i], -128, 127));
    IOP("sqxtun 4h<-4s", D(vqmovun_s32(S32(a))),
        for (int i = 0; i < 4; i++) w.h[i] = sat(a.ss[i], 0, 65535));
    IOP("uqxtn 2s<-2d", D(vqmovn_u64(U64(a))),
        for (int i = 0; i < 2; i++)
            w.s[i] = a.d[i] > 0xffffffffull ? 0xffffffff : a.d[i]);
    IOP("sqxtn2 16b", Q(vqmovn_high_s16(SLO8(c), S16(a))),
        for (int i = 0; i < 8; i++) {
            w.b[i] = c.b[i];
            w.sb[8 + i] = sat(a.sh[i], -128, 127);
        });
    IOP("sqshl 16b #3", Q(vqshlq_n_s8(S8(a), 3)),
        for (int i = 0; i < 16; i++) w.sb[i] = sat(a.sb[i] * 8, -128, 127));
    IOP("uqshl 8h reg", Q(vqshlq_u16(U16(a), S16(b))),
        for (int i = 0; i < 8; i++) {
            int sh = (int8_t)b.b[2 * i];
            uint64_t v = a.h[i];
            if (sh >= 16) w.h[i] = v ? 0xffff : 0;
            else if (sh >= 0) w.h[i] = sat(v << sh, 0, 65535);
            else if (sh > -16) w.h[i] = v >> -sh;
            else w.h[i] = 0;
        });
    IOP("sqshrn 4h<-4s #5", D(vqshrn_n_s32(S32(a), 5)),
        for (int i = 0; i < 4; i++) w.sh[i] = sat(a.ss[i] >> 5, -32768, 32767));
    IOP("uqrshrn 8b<-8h #4", D(vqrshrn_n_u16(U16(a), 4)),
        for (int i = 0; i < 8; i++) w.b[i] = sat((a.h[i] + 8) >> 4, 0, 255));
    IOP("sqrshrun 8b<-8h #2", D(vqrshrun_n_s16(S16(a), 2)),
        for (int i = 0; i < 8; i++) w.b[i] = sat((a.sh[i] + 2) >> 2, 0, 255));

    /* QC is sticky and set only by saturation. */
    int8x16_t one = vdupq_n_s8(1), big = vdupq_n_s8(127);
    V r1, r2, r3;
    uint64_t f1, f2, f3;
    __asm__ volatile("msr fpsr, xzr\n\t"
                     "sqadd %0.16b, %6.16b, %6.16b\n\t"
                     "mrs %3, fpsr\n\t"
                     "sqadd %1.16b, %7.16b, %6.16b\n\t"
                     "mrs %4, fpsr\n\t"
                     "sqadd %2.16b, %6.16b, %6.16b\n\t"
                     "mrs %5, fpsr\n\t"
                     "msr fpsr, xzr\n\t"
                     : "=&w"(r1.v), "=&w"(r2.v), "=&w"(r3.v),
                       "=&r"(f1), "=&r"(f2), "=&r"(f3)
                     : "w"(one), "w"(big));
    check_u64("sqadd 1+1 = 2", r1.b[5], 2);
    check_u64("sqadd no saturation: QC clear", f1 >> 27 & 1, 0);
    check_u64("sqadd 127+1 = 127", r2.b[5], 127);
    check_u64("sqadd saturates: QC set", f2 >> 27 & 1, 1);
    check_u64("QC sticky over a later non-saturating op", f3 >> 27 & 1, 1);
    check_u64("sqadd 1+1 = 2 again", r3.b[0], 2);
}

static void test_shift(void)
{
    IOP("shl 8h #5", Q(vshlq_n_u16(U16(a), 5)),
        for (int i = 0; i < 8; i++) w.h[i] = a.h[i] << 5);
    IOP("sshr 4s #31", Q(vshrq_n_s32(S32(a), 31)),
        for (int i = 0; i < 4; i++) w.ss[i] = a.ss[i] >> 31);
    IOP("ushr 16b #8", Q(vshrq_n_u8(U8(a), 8)), (void)0);
    IOP("ushr 2d #63", Q(vshrq_n_u64(U64(a), 63)),
        for (int i = 0; i < 2; i++) w.d[i] = a.d[i] >> 63);
    IOP("sshr 16b #8", Q(vshrq_n_s8(S8(a), 8)),
        for (int i = 0; i < 16; i++) w.sb[i] = a.sb[i] < 0 ? -1 : 0);
    IOP("srshr 8h #3", Q(vrshrq_n_s16(S16(a), 3)),
        for (int i = 0; i < 8; i++) w.sh[i] = (a.sh[i] + 4) >> 3);
    IOP("urshr 4s #32", Q(vrshrq_n_u32(U32(a), 32)),
        for (int i = 0; i < 4; i++) w.s[i] = a.s[i] >> 31);
    IOP("usra 4s #7", Q(vsraq_n_u32(U32(c), U32(a), 7)),
        for (int i = 0; i < 4; i++) w.s[i] = c.s[i] + (a.s[i] >> 7));
    IOP("srsra 16b #1", Q(vrsraq_n_s8(S8(c), S8(a), 1)),
        for (int i = 0; i < 16; i++) w.sb[i] = c.sb[i] + ((a.sb[i] + 1) >> 1));
    IOP("sshl 16b reg (signed amounts)", Q(vshlq_s8(S8(a), S8(b))),
        for (int i = 0; i < 16; i++) {
            int sh = b.sb[i];
            w.sb[i] = sh >= 8 ? 0 : sh >= 0 ? (int8_t)(a.sb[i] << sh) :
                      sh > -8 ? a.sb[i] >> -sh : (a.sb[i] < 0 ? -1 : 0);
        });
    IOP("ushl 2d reg", Q(vshlq_u64(U64(a), S64(b))),
        for (int i = 0; i < 2; i++) {
            int sh = (int8_t)b.b[8 * i];
            w.d[i] = sh >= 64 || sh <= -64 ? 0 : sh >= 0 ? a.d[i] << sh :
                     a.d[i] >> -sh;
        });
    IOP("urshl 8h reg", Q(vrshlq_u16(U16(a), S16(b))),
        for (int i = 0; i < 8; i++) {
            int sh = (int8_t)b.b[2 * i];
            uint32_t v = a.h[i];
            w.h[i] = sh >= 16 ? 0 : sh >= 0 ? v << sh :
                     sh >= -16 ? (v + (1u << (-sh - 1))) >> -sh : 0;
        });
    IOP("sli 16b #3", Q(vsliq_n_u8(U8(c), U8(a), 3)),
        for (int i = 0; i < 16; i++) w.b[i] = (a.b[i] << 3) | (c.b[i] & 7));
    IOP("sri 8h #5", Q(vsriq_n_u16(U16(c), U16(a), 5)),
        for (int i = 0; i < 8; i++)
            w.h[i] = (a.h[i] >> 5) | (c.h[i] & 0xf800));
    IOP("ushll 8h<-8b #3", Q(vshll_n_u8(LO8(a), 3)),
        for (int i = 0; i < 8; i++) w.h[i] = a.b[i] << 3);
    IOP("sshll2 4s<-8h #0 (sxtl2)", Q(vmovl_high_s16(S16(a))),
        for (int i = 0; i < 4; i++) w.ss[i] = a.sh[4 + i]);
    IOP("shll 8h<-8b #8", Q(vshll_n_u8(LO8(a), 8)),
        for (int i = 0; i < 8; i++) w.h[i] = a.b[i] << 8);
    IOP("shrn 8b<-8h #3", D(vshrn_n_u16(U16(a), 3)),
        for (int i = 0; i < 8; i++) w.b[i] = a.h[i] >> 3);
    IOP("rshrn2 8h<-4s #16", Q(vrshrn_high_n_u32(LO16(c), U32(a), 16)),
        for (int i = 0; i < 4; i++) {
            w.h[i] = c.h[i];
            w.h[4 + i] = (uint16_t)(((uint64_t)a.s[i] + 0x8000) >> 16);
        });
}

static void test_widen_narrow(void)
{
    IOP("xtn 4h<-4s", D(vmovn_u32(U32(a))),
        for (int i = 0; i < 4; i++) w.h[i] = (uint16_t)a.s[i]);
    IOP("xtn2 4s<-2d", Q(vmovn_high_u64(LO32(c), U64(a))),
        for (int i = 0; i < 2; i++) {
            w.s[i] = c.s[i];
            w.s[2 + i] = (uint32_t)a.d[i];
        });
    IOP("sxtl 8h<-8b", Q(vmovl_s8(SLO8(a))),
        for (int i = 0; i < 8; i++) w.sh[i] = a.sb[i]);
    IOP("uxtl2 2d<-4s", Q(vmovl_high_u32(U32(a))),
        for (int i = 0; i < 2; i++) w.d[i] = a.s[2 + i]);
    IOP("uaddl 8h", Q(vaddl_u8(LO8(a), LO8(b))),
        for (int i = 0; i < 8; i++) w.h[i] = a.b[i] + b.b[i]);
    IOP("ssubl2 4s", Q(vsubl_high_s16(S16(a), S16(b))),
        for (int i = 0; i < 4; i++) w.ss[i] = a.sh[4 + i] - b.sh[4 + i]);
    IOP("saddw 4s", Q(vaddw_s16(S32(c), SLO16(a))),
        for (int i = 0; i < 4; i++) w.ss[i] = c.ss[i] + a.sh[i]);
    IOP("umull 8h", Q(vmull_u8(LO8(a), LO8(b))),
        for (int i = 0; i < 8; i++) w.h[i] = a.b[i] * b.b[i]);
    IOP("smull2 2d", Q(vmull_high_s32(S32(a), S32(b))),
        for (int i = 0; i < 2; i++) w.sd[i] = (int64_t)a.ss[2 + i] * b.ss[2 + i]);
    IOP("umlal 4s", Q(vmlal_u16(U32(c), LO16(a), LO16(b))),
        for (int i = 0; i < 4; i++) w.s[i] = c.s[i] + a.h[i] * b.h[i]);
    IOP("smlsl 8h", Q(vmlsl_s8(S16(c), SLO8(a), SLO8(b))),
        for (int i = 0; i < 8; i++) w.sh[i] = c.sh[i] - a.sb[i] * b.sb[i]);
    IOP("pmull 8h", Q(vmull_p8((poly8x8_t)LO8(a), (poly8x8_t)LO8(b))),
        for (int i = 0; i < 8; i++) {
            uint16_t p = 0;
            for (int j = 0; j < 8; j++) {
                if (b.b[i] >> j & 1) p ^= a.b[i] << j;
            }
            w.h[i] = p;
        });
    IOP("addhn 8b<-8h", D(vaddhn_u16(U16(a), U16(b))),
        for (int i = 0; i < 8; i++) w.b[i] = (uint16_t)(a.h[i] + b.h[i]) >> 8);
    IOP("raddhn 4h<-4s", D(vraddhn_u32(U32(a), U32(b))),
        for (int i = 0; i < 4; i++)
            w.h[i] = (uint32_t)(a.s[i] + b.s[i] + 0x8000u) >> 16);
    IOP("uabdl 8h", Q(vabdl_u8(LO8(a), LO8(b))),
        for (int i = 0; i < 8; i++)
            w.h[i] = a.b[i] > b.b[i] ? a.b[i] - b.b[i] : b.b[i] - a.b[i]);
}

static void test_permute(void)
{
    IOP("zip1 16b", Q(vzip1q_u8(U8(a), U8(b))),
        for (int i = 0; i < 8; i++) {
            w.b[2 * i] = a.b[i];
            w.b[2 * i + 1] = b.b[i];
        });
    IOP("zip2 8h", Q(vzip2q_u16(U16(a), U16(b))),
        for (int i = 0; i < 4; i++) {
            w.h[2 * i] = a.h[4 + i];
            w.h[2 * i + 1] = b.h[4 + i];
        });
    IOP("uzp1 4s", Q(vuzp1q_u32(U32(a), U32(b))),
        for (int i = 0; i < 2; i++) {
            w.s[i] = a.s[2 * i];
            w.s[2 + i] = b.s[2 * i];
        });
    IOP("uzp2 16b", Q(vuzp2q_u8(U8(a), U8(b))),
        for (int i = 0; i < 8; i++) {
            w.b[i] = a.b[2 * i + 1];
            w.b[8 + i] = b.b[2 * i + 1];
        });
    IOP("trn1 8h", Q(vtrn1q_u16(U16(a), U16(b))),
        for (int i = 0; i < 4; i++) {
            w.h[2 * i] = a.h[2 * i];
            w.h[2 * i + 1] = b.h[2 * i];
        });
    IOP("trn2 16b", Q(vtrn2q_u8(U8(a), U8(b))),
        for (int i = 0; i < 8; i++) {
            w.b[2 * i] = a.b[2 * i + 1];
            w.b[2 * i + 1] = b.b[2 * i + 1];
        });
    IOP("zip1 2d", Q(vzip1q_u64(U64(a), U64(b))),
        w.d[0] = a.d[0]; w.d[1] = b.d[0]);
    IOP("ext 16b #3", Q(vextq_u8(U8(a), U8(b), 3)),
        for (int i = 0; i < 16; i++) w.b[i] = i + 3 < 16 ? a.b[i + 3] : b.b[i - 13]);
    IOP("ext 8b #7", D(vext_u8(LO8(a), LO8(b), 7)),
        for (int i = 0; i < 8; i++) w.b[i] = i + 7 < 8 ? a.b[i + 7] : b.b[i - 1]);
    IOP("rev64 16b", Q(vrev64q_u8(U8(a))),
        for (int i = 0; i < 16; i++) w.b[i] = a.b[(i & ~7) + 7 - (i & 7)]);
    IOP("rev32 8h", Q(vrev32q_u16(U16(a))),
        for (int i = 0; i < 8; i++) w.h[i] = a.h[i ^ 1]);
    IOP("rev16 16b", Q(vrev16q_u8(U8(a))),
        for (int i = 0; i < 16; i++) w.b[i] = a.b[i ^ 1]);
    IOP("dup 8h lane 6", Q(vdupq_laneq_u16(U16(a), 6)),
        for (int i = 0; i < 8; i++) w.h[i] = a.h[6]);
    IOP("dup 4s from general", Q(vdupq_n_u32(OPAQUE(a.s[2]))),
        for (int i = 0; i < 4; i++) w.s[i] = a.s[2]);
    IOP("ins 16b[5] <- b[11]", Q(vcopyq_laneq_u8(U8(a), 5, U8(b), 11)),
        w = a; w.b[5] = b.b[11]);
    IOP("ins 2d[1] <- general", Q(vsetq_lane_u64(OPAQUE(b.d[0]), U64(a), 1)),
        w = a; w.d[1] = b.d[0]);
    /* Table lookups: indices biased so some are out of range. */
    IOP("tbl 1 reg", Q(vqtbl1q_u8(U8(a), vandq_u8(U8(b), vdupq_n_u8(0x1f)))),
        for (int i = 0; i < 16; i++) {
            unsigned ix = b.b[i] & 0x1f;
            w.b[i] = ix < 16 ? a.b[ix] : 0;
        });
    IOP("tbx 1 reg", Q(vqtbx1q_u8(U8(c), U8(a), vandq_u8(U8(b), vdupq_n_u8(0x1f)))),
        for (int i = 0; i < 16; i++) {
            unsigned ix = b.b[i] & 0x1f;
            w.b[i] = ix < 16 ? a.b[ix] : c.b[i];
        });
    IOP("tbl 2 regs", Q(vqtbl2q_u8((uint8x16x2_t){ { U8(a), U8(c) } },
                                   vandq_u8(U8(b), vdupq_n_u8(0x3f)))),
        for (int i = 0; i < 16; i++) {
            unsigned ix = b.b[i] & 0x3f;
            w.b[i] = ix < 16 ? a.b[ix] : ix < 32 ? c.b[ix - 16] : 0;
        });
    IOP("tbl 4 regs, all indices", Q(vqtbl4q_u8((uint8x16x4_t){ { U8(a), U8(b),
                                     U8(c), U8(a) } }, U8(b))),
        for (int i = 0; i < 16; i++) {
            unsigned ix = b.b[i];
            w.b[i] = ix < 16 ? a.b[ix] : ix < 32 ? b.b[ix - 16] :
                     ix < 48 ? c.b[ix - 32] : ix < 64 ? a.b[ix - 48] : 0;
        });
    IOP("tbx 8b 3 regs", D(vqtbx3_u8(LO8(c), (uint8x16x3_t){ { U8(a), U8(b),
                                     U8(c) } }, vand_u8(LO8(b), vdup_n_u8(0x3f)))),
        for (int i = 0; i < 8; i++) {
            unsigned ix = b.b[i] & 0x3f;
            w.b[i] = ix < 16 ? a.b[ix] : ix < 32 ? b.b[ix - 16] :
                     ix < 48 ? c.b[ix - 32] : c.b[i];
        });
}

static void test_reduce(void)
{
    IOP("addv 16b (wraps)", Q(vdupq_n_u8(vaddvq_u8(U8(a)))),
        uint8_t s = 0; for (int i = 0; i < 16; i++) s += a.b[i];
        for (int i = 0; i < 16; i++) w.b[i] = s);
    IOP("uaddlv 16b", Q(vdupq_n_u16(vaddlvq_u8(U8(a)))),
        uint16_t s = 0; for (int i = 0; i < 16; i++) s += a.b[i];
        for (int i = 0; i < 8; i++) w.h[i] = s);
    IOP("saddlv 8h", Q(vdupq_n_s32(vaddlvq_s16(S16(a)))),
        int32_t s = 0; for (int i = 0; i < 8; i++) s += a.sh[i];
        for (int i = 0; i < 4; i++) w.ss[i] = s);
    IOP("smaxv 16b", Q(vdupq_n_s8(vmaxvq_s8(S8(a)))),
        int8_t m = -128; for (int i = 0; i < 16; i++) if (a.sb[i] > m) m = a.sb[i];
        for (int i = 0; i < 16; i++) w.sb[i] = m);
    IOP("uminv 8h", Q(vdupq_n_u16(vminvq_u16(U16(a)))),
        uint16_t m = 0xffff; for (int i = 0; i < 8; i++) if (a.h[i] < m) m = a.h[i];
        for (int i = 0; i < 8; i++) w.h[i] = m);
    IOP("umaxv 4s", Q(vdupq_n_u32(vmaxvq_u32(U32(a)))),
        uint32_t m = 0; for (int i = 0; i < 4; i++) if (a.s[i] > m) m = a.s[i];
        for (int i = 0; i < 4; i++) w.s[i] = m);
    IOP("addp d (scalar pair)", Q(vdupq_n_u64(vpaddd_u64(U64(a)))),
        w.d[0] = w.d[1] = a.d[0] + a.d[1]);
    FOP("fmaxv 4s", Q(vdupq_n_f32(vmaxvq_f32(F32(a)))),
        float m = a.f[0]; for (int i = 1; i < 4; i++) if (a.f[i] > m) m = a.f[i];
        for (int i = 0; i < 4; i++) w.f[i] = m);
    FOP("fminnmv 4s", Q(vdupq_n_f32(vminnmvq_f32(F32(a)))),
        float m = a.f[0]; for (int i = 1; i < 4; i++) if (a.f[i] < m) m = a.f[i];
        for (int i = 0; i < 4; i++) w.f[i] = m);
}

static void test_logic_compare(void)
{
    IOP("and/orr/eor/bic/orn", Q(veorq_u8(vandq_u8(U8(a), U8(b)),
                               vorrq_u8(vbicq_u8(U8(c), U8(a)), vornq_u8(U8(b), U8(c))))),
        for (int i = 0; i < 2; i++)
            w.d[i] = (a.d[i] & b.d[i]) ^ ((c.d[i] & ~a.d[i]) | (b.d[i] | ~c.d[i])));
    IOP("bsl", Q(vbslq_u8(U8(a), U8(b), U8(c))),
        for (int i = 0; i < 2; i++) w.d[i] = (a.d[i] & b.d[i]) | (~a.d[i] & c.d[i]));
    IOP("bit/bif via asm", ({ uint8x16_t d_ = U8(c), e_ = U8(c);
            __asm__("bit %0.16b, %2.16b, %3.16b\n\tbif %1.16b, %2.16b, %3.16b"
                    : "+w"(d_), "+w"(e_) : "w"(U8(b)), "w"(U8(a)));
            veorq_u8(d_, vshlq_n_u8(e_, 1)); }),
        for (int i = 0; i < 16; i++) {
            uint8_t bit = (c.b[i] & ~a.b[i]) | (b.b[i] & a.b[i]);
            uint8_t bif = (c.b[i] & a.b[i]) | (b.b[i] & ~a.b[i]);
            w.b[i] = bit ^ (uint8_t)(bif << 1);
        });
    IOP("cmeq 16b", Q(vceqq_u8(U8(a), U8(b))),
        for (int i = 0; i < 16; i++) w.b[i] = a.b[i] == b.b[i] ? 0xff : 0);
    IOP("cmgt s16", Q(vcgtq_s16(S16(a), S16(b))),
        for (int i = 0; i < 8; i++) w.h[i] = a.sh[i] > b.sh[i] ? 0xffff : 0);
    IOP("cmhi u32", Q(vcgtq_u32(U32(a), U32(b))),
        for (int i = 0; i < 4; i++) w.s[i] = a.s[i] > b.s[i] ? ~0u : 0);
    IOP("cmhs u8", Q(vcgeq_u8(U8(a), U8(b))),
        for (int i = 0; i < 16; i++) w.b[i] = a.b[i] >= b.b[i] ? 0xff : 0);
    IOP("cmlt #0 s32", Q(vcltzq_s32(S32(a))),
        for (int i = 0; i < 4; i++) w.s[i] = a.ss[i] < 0 ? ~0u : 0);
    IOP("cmge s64", Q(vcgeq_s64(S64(a), S64(b))),
        for (int i = 0; i < 2; i++) w.d[i] = a.sd[i] >= b.sd[i] ? ~0ull : 0);
    IOP("cmtst 16b", Q(vtstq_u8(U8(a), U8(b))),
        for (int i = 0; i < 16; i++) w.b[i] = (a.b[i] & b.b[i]) ? 0xff : 0);
    IOP("cnt 16b", Q(vcntq_u8(U8(a))),
        for (int i = 0; i < 16; i++) w.b[i] = __builtin_popcount(a.b[i]));
    IOP("clz 8h", Q(vclzq_u16(U16(a))),
        for (int i = 0; i < 8; i++) w.h[i] = a.h[i] ? __builtin_clz(a.h[i]) - 16 : 16);
    IOP("cls 16b", Q(vclsq_s8(S8(a))),
        for (int i = 0; i < 16; i++) {
            uint8_t x = a.sb[i] < 0 ? ~a.b[i] : a.b[i];
            w.b[i] = (x ? __builtin_clz(x) - 24 : 8) - 1;
        });
    IOP("rbit 16b", Q(vrbitq_u8(U8(a))),
        for (int i = 0; i < 16; i++) {
            uint8_t x = 0;
            for (int j = 0; j < 8; j++) x |= ((a.b[i] >> j) & 1) << (7 - j);
            w.b[i] = x;
        });
    IOP("not 16b", Q(vmvnq_u8(U8(a))),
        for (int i = 0; i < 2; i++) w.d[i] = ~a.d[i]);
}

static void test_float(void)
{
    FOP("fadd 4s", Q(vaddq_f32(F32(a), F32(b))),
        for (int i = 0; i < 4; i++) w.f[i] = a.f[i] + b.f[i]);
    FOP("fsub 4s", Q(vsubq_f32(F32(a), F32(b))),
        for (int i = 0; i < 4; i++) w.f[i] = a.f[i] - b.f[i]);
    FOP("fmul 4s", Q(vmulq_f32(F32(a), F32(b))),
        for (int i = 0; i < 4; i++) w.f[i] = a.f[i] * b.f[i]);
    FOP("fmla 4s", Q(vfmaq_f32(F32(c), F32(a), F32(b))),
        for (int i = 0; i < 4; i++) w.f[i] = __builtin_fmaf(a.f[i], b.f[i], c.f[i]));
    FOP("fmls 4s by lane", Q(vfmsq_laneq_f32(F32(c), F32(a), F32(b), 2)),
        for (int i = 0; i < 4; i++) w.f[i] = __builtin_fmaf(-a.f[i], b.f[2], c.f[i]));
    FOP("fabd 4s", Q(vabdq_f32(F32(a), F32(b))),
        for (int i = 0; i < 4; i++) w.f[i] = __builtin_fabsf(a.f[i] - b.f[i]));
    FOP("fmaxnm 4s", Q(vmaxnmq_f32(F32(a), F32(b))),
        for (int i = 0; i < 4; i++) w.f[i] = a.f[i] > b.f[i] ? a.f[i] : b.f[i]);
    FOP("fcmgt 4s", Q(vcgtq_f32(F32(a), F32(b))),
        for (int i = 0; i < 4; i++) w.s[i] = a.f[i] > b.f[i] ? ~0u : 0);
    FOP("fcmeq #0 4s", Q(vceqzq_f32(vsubq_f32(F32(a), F32(a)))),
        for (int i = 0; i < 4; i++) w.s[i] = ~0u);
    FOP("faddp 4s", Q(vpaddq_f32(F32(a), F32(b))),
        w.f[0] = a.f[0] + a.f[1]; w.f[1] = a.f[2] + a.f[3];
        w.f[2] = b.f[0] + b.f[1]; w.f[3] = b.f[2] + b.f[3]);
    FOP("fcvtzs 4s", Q(vcvtq_s32_f32(F32(a))),
        for (int i = 0; i < 4; i++) w.ss[i] = (int32_t)a.f[i]);
    FOP("fcvtns 4s", Q(vcvtnq_s32_f32(F32(a))),
        for (int i = 0; i < 4; i++) {
            float fl = __builtin_floorf(a.f[i]);
            float fr = a.f[i] - fl;
            int32_t v = (int32_t)fl;
            w.ss[i] = fr > 0.5f || (fr == 0.5f && (v & 1)) ? v + 1 : v;
        });
    FOP("scvtf 4s", Q(vcvtq_f32_s32(vcvtq_s32_f32(F32(a)))),
        for (int i = 0; i < 4; i++) w.f[i] = (float)(int32_t)a.f[i]);
    FOP("ucvtf 4s #4 fixed", Q(vcvtq_n_f32_u32(U32(a), 4)),
        for (int i = 0; i < 4; i++) w.f[i] = (float)a.s[i] / 16.0f);
    FOP("frintm 4s", Q(vrndmq_f32(F32(a))),
        for (int i = 0; i < 4; i++) w.f[i] = __builtin_floorf(a.f[i]));
    FOP("frinta 4s", Q(vrndaq_f32(F32(a))),
        for (int i = 0; i < 4; i++) w.f[i] = __builtin_roundf(a.f[i]));
    FOP("fcvtl 2d<-2s", Q(vcvt_f64_f32(vget_low_f32(F32(a)))),
        for (int i = 0; i < 2; i++) w.df[i] = a.f[i]);
    FOP("fcvtn 2s<-2d", D(vcvt_f32_f64(vcombine_f64(vget_low_f64(F64(a)),
                                       vget_low_f64(F64(b))))),
        w.f[0] = (float)a.df[0]; w.f[1] = (float)b.df[0]);
    FOP("fdiv 2d", Q(vdivq_f64(vcvt_f64_f32(vget_low_f32(F32(a))),
                               vdupq_n_f64(3.0))),
        for (int i = 0; i < 2; i++) w.df[i] = (double)a.f[i] / 3.0);
    FOP("fsqrt 4s of squares", Q(vsqrtq_f32(vmulq_f32(F32(a), F32(a)))),
        for (int i = 0; i < 4; i++) w.f[i] = __builtin_fabsf(a.f[i]));
    FOP("fneg/fabs 2d", Q(vnegq_f64(vabsq_f64(F64(a)))),
        for (int i = 0; i < 2; i++) w.d[i] = a.d[i] | 0x8000000000000000ull);
}

/* Results stated outright. */
static void test_fixed(void)
{
    static uint8_t in[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                              14, 15 };
    V r, x;

    x.v = vld1q_u8(in);
    r.v = vqtbl1q_u8(x.v, OPAQUE(vcombine_u8(vcreate_u8(0x0f0e10ff07000102ull),
                                             vcreate_u8(0x8040201008040201ull))));
    check_u64("tbl fixed lo", r.d[0], 0x0f0e000007000102ull);
    check_u64("tbl fixed hi", r.d[1], 0x0000000008040201ull);
    r.v = vextq_u8(OPAQUE(x.v), OPAQUE(vdupq_n_u8(0xaa)), 14);
    check_u64("ext fixed lo", r.d[0], 0xaaaaaaaaaaaa0f0eull);
    r.v = (uint8x16_t)vrev64q_u16(OPAQUE((uint16x8_t)x.v));
    check_u64("rev64 8h fixed lo", r.d[0], 0x0100030205040706ull);
    /* Writing a D register clears bits 127:64; so do scalar ops. */
    uint64_t hi1, hi2, hi3, hi4;
    __asm__ volatile("movi v0.16b, #0xff\n\tadd v0.8b, v0.8b, v0.8b\n\t"
                     "mov %0, v0.d[1]\n\t"
                     "movi v1.16b, #0xff\n\tadd d1, d1, d1\n\t"
                     "mov %1, v1.d[1]\n\t"
                     "movi v2.16b, #0xff\n\tsqadd b2, b2, b2\n\t"
                     "mov %2, v2.d[1]\n\t"
                     "movi v3.16b, #0xff\n\tins v3.s[1], wzr\n\t"
                     "mov %3, v3.d[1]\n\t"
                     : "=r"(hi1), "=r"(hi2), "=r"(hi3), "=r"(hi4)
                     : : "v0", "v1", "v2", "v3");
    check_u64("add 8b clears high half", hi1, 0);
    check_u64("add d clears high half", hi2, 0);
    check_u64("sqadd b clears high half", hi3, 0);
    check_u64("ins keeps other lanes", hi4, ~0ull);
    qc_read_clear();
    /* smov/umov sign- and zero-extension. */
    V m;
    m.v = OPAQUE(vdupq_n_u8(0x80));
    check_u64("smov x <- b", (uint64_t)(int64_t)vgetq_lane_s8(S8(m), 3),
              0xffffffffffffff80ull);
    uint64_t sm, um;
    __asm__("smov %w0, %2.h[1]\n\tumov %w1, %2.h[1]" : "=r"(sm), "=r"(um)
            : "w"(m.v));
    check_u64("smov w zero-extends to x", sm, 0xffff8080);
    check_u64("umov w", um, 0x8080);
    /* movi/mvni/orr (vector, immediate), fmov (vector, immediate). */
    V i1, i2, i3, i4;
    __asm__("movi %0.4s, #0x12, lsl #8\n\t"
            "mvni %1.4s, #0x80, msl #8\n\t"
            "movi %2.2d, #0xff00ff0000ffff00\n\t"
            "fmov %3.4s, #-1.5\n\t"
            : "=w"(i1.v), "=w"(i2.v), "=w"(i3.v), "=w"(i4.v));
    check_u64("movi 4s lsl #8", i1.d[1], 0x0000120000001200ull);
    check_u64("mvni 4s msl #8", i2.d[0], 0xffff7f00ffff7f00ull);
    check_u64("movi 2d bytemask", i3.d[1], 0xff00ff0000ffff00ull);
    check_u64("fmov 4s #-1.5", i4.d[0], 0xbfc00000bfc00000ull);
    /* Estimates (architected tables). */
    V e;
    e.v = (uint8x16_t)vrecpeq_f32(OPAQUE(vdupq_n_f32(1.0f)));
    check_u64("frecpe 1.0", e.s[0], 0x3f7f8000);
    e.v = (uint8x16_t)vrsqrteq_f32(OPAQUE(vdupq_n_f32(4.0f)));
    check_u64("frsqrte 4.0", e.s[0], 0x3eff8000);
    e.v = (uint8x16_t)vrecpsq_f32(OPAQUE(vdupq_n_f32(2.0f)),
                                  OPAQUE(vdupq_n_f32(0.5f)));
    check_u64("frecps 2,0.5", e.s[0], 0x3f800000);
    e.v = (uint8x16_t)vrecpeq_u32(OPAQUE(vdupq_n_u32(0x80000000u)));
    check_u64("urecpe 0x80000000", e.s[0], 0xff800000);
}

int main(int argc, char **argv)
{
    init();
    test_arith();
    test_saturating();
    test_shift();
    test_widen_narrow();
    test_permute();
    test_reduce();
    test_logic_compare();
    test_float();
    test_fixed();
    return t_done();
}

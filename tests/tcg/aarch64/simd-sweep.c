/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A random sweep of integer Advanced SIMD instructions (vector and
 * scalar forms: saturating, rounding, narrowing, widening, shifting by
 * immediate and by register, pairwise, across lanes, permutes, table
 * lookups, estimates) on inputs whose lanes are biased towards 0, 1, -1
 * and the signed/unsigned limits of every element size.  For each
 * instruction the 128-bit result and FPSR (the saturation flag QC) of
 * every run are folded into a 64-bit hash, compared with the hash Debian's
 * qemu-aarch64-static computes for the same program (the table below).
 * simd.c checks lanes against C models; this test covers more encodings.
 *
 * To regenerate the table after changing the op list or the generator:
 *     qemu-aarch64-static ./simd-sweep gen
 * and paste the output over the table.
 *
 * Freestanding (no libc).
 */
#include "tcg-test.h"

#define ITERS 400

/* Inputs: v0, v1, v2 loaded from in[0..5]; result: v0 stored to out[0..1]. */
typedef void (*OpFn)(const uint64_t *in, uint64_t *out);

#define OP(fn, insn)                                                      \
    static void fn(const uint64_t *in, uint64_t *out)                     \
    {                                                                     \
        __asm__ volatile("ldp q0, q1, [%0]\n\t"                           \
                         "ldr q2, [%0, #32]\n\t"                          \
                         insn "\n\t"                                      \
                         "str q0, [%1]"                                   \
                         : : "r"(in), "r"(out)                            \
                         : "v0", "v1", "v2", "memory");                   \
    }

OP(add_16b, "add v0.16b, v0.16b, v1.16b")
OP(sub_2d, "sub v0.2d, v0.2d, v1.2d")
OP(mul_8h, "mul v0.8h, v0.8h, v1.8h")
OP(mla_4s, "mla v0.4s, v1.4s, v2.4s")
OP(mls_8h_elem, "mls v0.8h, v1.8h, v2.h[7]")
OP(mul_4s_elem, "mul v0.4s, v1.4s, v2.s[2]")
OP(sqadd_16b, "sqadd v0.16b, v0.16b, v1.16b")
OP(sqadd_8h, "sqadd v0.8h, v0.8h, v1.8h")
OP(sqadd_4s, "sqadd v0.4s, v0.4s, v1.4s")
OP(sqadd_2d, "sqadd v0.2d, v0.2d, v1.2d")
OP(uqadd_16b, "uqadd v0.16b, v0.16b, v1.16b")
OP(uqadd_2d, "uqadd v0.2d, v0.2d, v1.2d")
OP(sqsub_8h, "sqsub v0.8h, v0.8h, v1.8h")
OP(sqsub_2d, "sqsub v0.2d, v0.2d, v1.2d")
OP(uqsub_4s, "uqsub v0.4s, v0.4s, v1.4s")
OP(suqadd_16b, "suqadd v0.16b, v1.16b")
OP(usqadd_4s, "usqadd v0.4s, v1.4s")
OP(sqdmulh_8h, "sqdmulh v0.8h, v0.8h, v1.8h")
OP(sqdmulh_4s, "sqdmulh v0.4s, v0.4s, v1.4s")
OP(sqrdmulh_8h, "sqrdmulh v0.8h, v0.8h, v1.8h")
OP(sqrdmulh_4s_elem, "sqrdmulh v0.4s, v0.4s, v1.s[1]")
OP(sqdmull_4s, "sqdmull v0.4s, v0.4h, v1.4h")
OP(sqdmull2_2d, "sqdmull2 v0.2d, v1.4s, v2.4s")
OP(sqdmlal_4s, "sqdmlal v0.4s, v1.4h, v2.4h")
OP(sqdmlsl2_2d_elem, "sqdmlsl2 v0.2d, v1.4s, v2.s[3]")
OP(sshl_16b, "sshl v0.16b, v0.16b, v1.16b")
OP(ushl_8h, "ushl v0.8h, v0.8h, v1.8h")
OP(srshl_4s, "srshl v0.4s, v0.4s, v1.4s")
OP(urshl_2d, "urshl v0.2d, v0.2d, v1.2d")
OP(sqshl_16b, "sqshl v0.16b, v0.16b, v1.16b")
OP(uqshl_4s, "uqshl v0.4s, v0.4s, v1.4s")
OP(sqrshl_8h, "sqrshl v0.8h, v0.8h, v1.8h")
OP(uqrshl_2d, "uqrshl v0.2d, v0.2d, v1.2d")
OP(sshr_8h_3, "sshr v0.8h, v0.8h, #3")
OP(ushr_4s_32, "ushr v0.4s, v0.4s, #32")
OP(srshr_16b_8, "srshr v0.16b, v0.16b, #8")
OP(urshr_2d_1, "urshr v0.2d, v0.2d, #1")
OP(ssra_4s_31, "ssra v0.4s, v1.4s, #31")
OP(usra_16b_2, "usra v0.16b, v1.16b, #2")
OP(srsra_8h_16, "srsra v0.8h, v1.8h, #16")
OP(ursra_2d_64, "ursra v0.2d, v1.2d, #64")
OP(shl_4s_31, "shl v0.4s, v0.4s, #31")
OP(sqshl_8h_imm, "sqshl v0.8h, v0.8h, #9")
OP(uqshl_16b_imm, "uqshl v0.16b, v0.16b, #3")
OP(sqshlu_4s_imm, "sqshlu v0.4s, v0.4s, #4")
OP(sqshlu_2d_imm, "sqshlu v0.2d, v0.2d, #0")
OP(sri_16b_3, "sri v0.16b, v1.16b, #3")
OP(sli_2d_60, "sli v0.2d, v1.2d, #60")
OP(sri_4s_32, "sri v0.4s, v1.4s, #32")
OP(shrn_8b, "shrn v0.8b, v1.8h, #5")
OP(rshrn2_8h, "rshrn2 v0.8h, v1.4s, #16")
OP(sqshrn_4h, "sqshrn v0.4h, v1.4s, #3")
OP(uqshrn_2s, "uqshrn v0.2s, v1.2d, #17")
OP(sqrshrn2_16b, "sqrshrn2 v0.16b, v1.8h, #1")
OP(uqrshrn_8b, "uqrshrn v0.8b, v1.8h, #8")
OP(sqshrun_4h, "sqshrun v0.4h, v1.4s, #7")
OP(sqrshrun2_4s, "sqrshrun2 v0.4s, v1.2d, #30")
OP(xtn_8b, "xtn v0.8b, v1.8h")
OP(sqxtn_4h, "sqxtn v0.4h, v1.4s")
OP(uqxtn2_4s, "uqxtn2 v0.4s, v1.2d")
OP(sqxtun_8b, "sqxtun v0.8b, v1.8h")
OP(saddl_8h, "saddl v0.8h, v1.8b, v2.8b")
OP(uaddl2_2d, "uaddl2 v0.2d, v1.4s, v2.4s")
OP(ssubw_4s, "ssubw v0.4s, v1.4s, v2.4h")
OP(usubw2_8h, "usubw2 v0.8h, v1.8h, v2.16b")
OP(umull_4s, "umull v0.4s, v1.4h, v2.4h")
OP(smull2_8h, "smull2 v0.8h, v1.16b, v2.16b")
OP(smlal_2d_elem, "smlal v0.2d, v1.2s, v2.s[1]")
OP(umlsl2_4s, "umlsl2 v0.4s, v1.8h, v2.8h")
OP(pmull_8h, "pmull v0.8h, v1.8b, v2.8b")
OP(pmul_16b, "pmul v0.16b, v1.16b, v2.16b")
OP(sabal_8h, "sabal v0.8h, v1.8b, v2.8b")
OP(uabdl2_4s, "uabdl2 v0.4s, v1.8h, v2.8h")
OP(addhn_8b, "addhn v0.8b, v1.8h, v2.8h")
OP(raddhn2_16b, "raddhn2 v0.16b, v1.8h, v2.8h")
OP(subhn_2s, "subhn v0.2s, v1.2d, v2.2d")
OP(rsubhn_4h, "rsubhn v0.4h, v1.4s, v2.4s")
OP(abs_2d, "abs v0.2d, v0.2d")
OP(neg_16b, "neg v0.16b, v0.16b")
OP(sqabs_4s, "sqabs v0.4s, v0.4s")
OP(sqneg_2d, "sqneg v0.2d, v0.2d")
OP(cls_4s, "cls v0.4s, v0.4s")
OP(clz_16b, "clz v0.16b, v0.16b")
OP(cnt_8b, "cnt v0.8b, v0.8b")
OP(rbit_16b, "rbit v0.16b, v0.16b")
OP(rev32_16b, "rev32 v0.16b, v0.16b")
OP(cmeq_2d, "cmeq v0.2d, v0.2d, v1.2d")
OP(cmge_16b, "cmge v0.16b, v0.16b, v1.16b")
OP(cmgt_4s, "cmgt v0.4s, v0.4s, v1.4s")
OP(cmhi_8h, "cmhi v0.8h, v0.8h, v1.8h")
OP(cmhs_2d, "cmhs v0.2d, v0.2d, v1.2d")
OP(cmtst_4s, "cmtst v0.4s, v0.4s, v1.4s")
OP(cmle0_8h, "cmle v0.8h, v0.8h, #0")
OP(cmgt0_2d, "cmgt v0.2d, v0.2d, #0")
OP(smax_8h, "smax v0.8h, v0.8h, v1.8h")
OP(umin_4s, "umin v0.4s, v0.4s, v1.4s")
OP(smaxp_16b, "smaxp v0.16b, v0.16b, v1.16b")
OP(uminp_8h, "uminp v0.8h, v0.8h, v1.8h")
OP(addp_2d, "addp v0.2d, v0.2d, v1.2d")
OP(saddlp_4s, "saddlp v0.4s, v0.8h")
OP(uadalp_2d, "uadalp v0.2d, v1.4s")
OP(addv_8h, "addv h0, v0.8h")
OP(saddlv_16b, "saddlv h0, v0.16b")
OP(uaddlv_4s, "uaddlv d0, v0.4s")
OP(umaxv_16b, "umaxv b0, v0.16b")
OP(sminv_4s, "sminv s0, v0.4s")
OP(shadd_16b, "shadd v0.16b, v0.16b, v1.16b")
OP(uhsub_8h, "uhsub v0.8h, v0.8h, v1.8h")
OP(srhadd_4s, "srhadd v0.4s, v0.4s, v1.4s")
OP(urhadd_16b, "urhadd v0.16b, v0.16b, v1.16b")
OP(sabd_4s, "sabd v0.4s, v0.4s, v1.4s")
OP(uaba_16b, "uaba v0.16b, v1.16b, v2.16b")
OP(urecpe_4s, "urecpe v0.4s, v0.4s")
OP(ursqrte_4s, "ursqrte v0.4s, v0.4s")
OP(tbl_2, "tbl v0.16b, {v1.16b, v2.16b}, v0.16b")
OP(tbx_1, "tbx v0.8b, {v1.16b}, v2.8b")
OP(zip1_4s, "zip1 v0.4s, v1.4s, v2.4s")
OP(uzp2_8h, "uzp2 v0.8h, v1.8h, v2.8h")
OP(trn1_16b, "trn1 v0.16b, v1.16b, v2.16b")
OP(ext_13, "ext v0.16b, v1.16b, v2.16b, #13")
OP(bsl, "bsl v0.16b, v1.16b, v2.16b")
OP(bit, "bit v0.16b, v1.16b, v2.16b")
OP(bif, "bif v0.16b, v1.16b, v2.16b")
OP(dup_elem, "dup v0.8h, v1.h[5]")
OP(ins_elem, "ins v0.s[3], v1.s[0]")
OP(sqadd_b, "sqadd b0, b0, b1")
OP(sqsub_h, "sqsub h0, h0, h1")
OP(uqadd_s, "uqadd s0, s0, s1")
OP(sqadd_d, "sqadd d0, d0, d1")
OP(sqshl_s_imm, "sqshl s0, s0, #17")
OP(uqrshl_h, "uqrshl h0, h0, h1")
OP(sqrdmulh_s, "sqrdmulh s0, s0, s1")
OP(sqdmulh_h_elem, "sqdmulh h0, h0, v1.h[6]")
OP(sqdmull_s, "sqdmull d0, s0, s1")
OP(sqxtn_s, "sqxtn s0, d0")
OP(uqxtn_b, "uqxtn b0, h0")
OP(sqxtun_h, "sqxtun h0, s0")
OP(cmgt_d, "cmgt d0, d0, d1")
OP(ushr_d, "ushr d0, d0, #63")
OP(srshr_d, "srshr d0, d0, #1")
OP(sqneg_d, "sqneg d0, d0")
OP(abs_d, "abs d0, d0")
OP(addp_d, "addp d0, v0.2d")
OP(sshl_d, "sshl d0, d0, d1")
OP(sqshrn_b, "sqshrn b0, h0, #2")
OP(sqrshrun_s, "sqrshrun s0, d0, #20")

typedef struct {
    const char *name;
    OpFn fn;
} SweepOp;

#define E(fn) { #fn, fn }
static const SweepOp ops[] = {
    E(add_16b),
    E(sub_2d),
    E(mul_8h),
    E(mla_4s),
    E(mls_8h_elem),
    E(mul_4s_elem),
    E(sqadd_16b),
    E(sqadd_8h),
    E(sqadd_4s),
    E(sqadd_2d),
    E(uqadd_16b),
    E(uqadd_2d),
    E(sqsub_8h),
    E(sqsub_2d),
    E(uqsub_4s),
    E(suqadd_16b),
    E(usqadd_4s),
    E(sqdmulh_8h),
    E(sqdmulh_4s),
    E(sqrdmulh_8h),
    E(sqrdmulh_4s_elem),
    E(sqdmull_4s),
    E(sqdmull2_2d),
    E(sqdmlal_4s),
    E(sqdmlsl2_2d_elem),
    E(sshl_16b),
    E(ushl_8h),
    E(srshl_4s),
    E(urshl_2d),
    E(sqshl_16b),
    E(uqshl_4s),
    E(sqrshl_8h),
    E(uqrshl_2d),
    E(sshr_8h_3),
    E(ushr_4s_32),
    E(srshr_16b_8),
    E(urshr_2d_1),
    E(ssra_4s_31),
    E(usra_16b_2),
    E(srsra_8h_16),
    E(ursra_2d_64),
    E(shl_4s_31),
    E(sqshl_8h_imm),
    E(uqshl_16b_imm),
    E(sqshlu_4s_imm),
    E(sqshlu_2d_imm),
    E(sri_16b_3),
    E(sli_2d_60),
    E(sri_4s_32),
    E(shrn_8b),
    E(rshrn2_8h),
    E(sqshrn_4h),
    E(uqshrn_2s),
    E(sqrshrn2_16b),
    E(uqrshrn_8b),
    E(sqshrun_4h),
    E(sqrshrun2_4s),
    E(xtn_8b),
    E(sqxtn_4h),
    E(uqxtn2_4s),
    E(sqxtun_8b),
    E(saddl_8h),
    E(uaddl2_2d),
    E(ssubw_4s),
    E(usubw2_8h),
    E(umull_4s),
    E(smull2_8h),
    E(smlal_2d_elem),
    E(umlsl2_4s),
    E(pmull_8h),
    E(pmul_16b),
    E(sabal_8h),
    E(uabdl2_4s),
    E(addhn_8b),
    E(raddhn2_16b),
    E(subhn_2s),
    E(rsubhn_4h),
    E(abs_2d),
    E(neg_16b),
    E(sqabs_4s),
    E(sqneg_2d),
    E(cls_4s),
    E(clz_16b),
    E(cnt_8b),
    E(rbit_16b),
    E(rev32_16b),
    E(cmeq_2d),
    E(cmge_16b),
    E(cmgt_4s),
    E(cmhi_8h),
    E(cmhs_2d),
    E(cmtst_4s),
    E(cmle0_8h),
    E(cmgt0_2d),
    E(smax_8h),
    E(umin_4s),
    E(smaxp_16b),
    E(uminp_8h),
    E(addp_2d),
    E(saddlp_4s),
    E(uadalp_2d),
    E(addv_8h),
    E(saddlv_16b),
    E(uaddlv_4s),
    E(umaxv_16b),
    E(sminv_4s),
    E(shadd_16b),
    E(uhsub_8h),
    E(srhadd_4s),
    E(urhadd_16b),
    E(sabd_4s),
    E(uaba_16b),
    E(urecpe_4s),
    E(ursqrte_4s),
    E(tbl_2),
    E(tbx_1),
    E(zip1_4s),
    E(uzp2_8h),
    E(trn1_16b),
    E(ext_13),
    E(bsl),
    E(bit),
    E(bif),
    E(dup_elem),
    E(ins_elem),
    E(sqadd_b),
    E(sqsub_h),
    E(uqadd_s),
    E(sqadd_d),
    E(sqshl_s_imm),
    E(uqrshl_h),
    E(sqrdmulh_s),
    E(sqdmulh_h_elem),
    E(sqdmull_s),
    E(sqxtn_s),
    E(uqxtn_b),
    E(sqxtun_h),
    E(cmgt_d),
    E(ushr_d),
    E(srshr_d),
    E(sqneg_d),
    E(abs_d),
    E(addp_d),
    E(sshl_d),
    E(sqshrn_b),
    E(sqrshrun_s),
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

static uint64_t seed;

static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

/* A lane of 'size' bytes at 'pos' of a 16-byte vector gets an edge value. */
static void edge_lane(uint8_t *v, uint64_t r)
{
    static const uint64_t edges[] = {
        0, 1, ~0ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 2,
        0xfffffffffffffffeull,
    };
    int size = 1 << (r % 4);
    int pos = (int)((r >> 2) % (16 / size)) * size;
    uint64_t e = edges[(r >> 8) % 7];

    if ((r >> 12) & 1) {    /* the limits of this element size */
        e = (r >> 13) & 1 ? (1ull << (8 * size - 1)) - 1 : 1ull << (8 * size - 1);
        if (size == 8) {
            e = (r >> 13) & 1 ? 0x7fffffffffffffffull : 0x8000000000000000ull;
        }
    }
    for (int i = 0; i < size; i++) {
        v[pos + i] = (uint8_t)(e >> (8 * i));
    }
}

static void gen(uint64_t in[6])
{
    for (int i = 0; i < 6; i++) {
        uint64_t r = rnd();
        /* Small shift counts in some lanes (register shifts). */
        in[i] = (r & 3) == 0 ? (rnd() & 0x8787878787878787ull) : rnd();
    }
    for (int k = 0; k < 3; k++) {
        int n = (int)(rnd() % 6);
        for (int j = 0; j < n; j++) {
            edge_lane((uint8_t *)in + 16 * k, rnd());
        }
    }
}

static uint64_t fnv(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t sweep(const SweepOp *op)
{
    uint64_t in[6] __attribute__((aligned(16)));
    uint64_t out[2] __attribute__((aligned(16)));
    uint64_t h = 0xcbf29ce484222325ull;

    for (int i = 0; i < ITERS; i++) {
        uint64_t fpsr;

        gen(in);
        __asm__ volatile("msr fpsr, xzr");
        op->fn(in, out);
        __asm__ volatile("mrs %0, fpsr" : "=r"(fpsr));
        h = fnv(h, out[0]);
        h = fnv(h, out[1]);
        h = fnv(h, fpsr);
    }
    return h;
}

/* Generated by: qemu-aarch64-static ./simd-sweep gen */
static const uint64_t expected[] = {
    0x8aa9e95870ad043cull, /* add_16b */
    0x777ffe4481c5c62aull, /* sub_2d */
    0x25ed14f9af5a802bull, /* mul_8h */
    0x807a0a9dad002d23ull, /* mla_4s */
    0x54585b05e557afa3ull, /* mls_8h_elem */
    0xd59e9da8a7a2bcd0ull, /* mul_4s_elem */
    0xa1df6e889e3c079full, /* sqadd_16b */
    0x14e36d1fa2b19b86ull, /* sqadd_8h */
    0xae54a987fb8db4caull, /* sqadd_4s */
    0x705ea86cd722f996ull, /* sqadd_2d */
    0x3b2243e322e27125ull, /* uqadd_16b */
    0x5ad5d5993a096bb3ull, /* uqadd_2d */
    0x78ee0fbac8e751c1ull, /* sqsub_8h */
    0x30abe4d36e14788dull, /* sqsub_2d */
    0x9262a9f275578bc7ull, /* uqsub_4s */
    0xb229cc92b3b54862ull, /* suqadd_16b */
    0x3e24bf4323c16d8full, /* usqadd_4s */
    0xc4b0b936241d26f1ull, /* sqdmulh_8h */
    0x37a92284f6e88d43ull, /* sqdmulh_4s */
    0x760f47d63c59009cull, /* sqrdmulh_8h */
    0x22c3f5d0a8c69b05ull, /* sqrdmulh_4s_elem */
    0x98dc5fc35989eaa6ull, /* sqdmull_4s */
    0x605819d94271835dull, /* sqdmull2_2d */
    0xf3bc3dcdbb319a6dull, /* sqdmlal_4s */
    0xc6a55d2bfafceebull, /* sqdmlsl2_2d_elem */
    0x413bb205523fb6fdull, /* sshl_16b */
    0x21d4f566b2b7a2b9ull, /* ushl_8h */
    0x856dce641193ffcull, /* srshl_4s */
    0x92fd22cbea8f1a05ull, /* urshl_2d */
    0x66286f461a72ee24ull, /* sqshl_16b */
    0x964ce048508811ccull, /* uqshl_4s */
    0xba726891ecd4a776ull, /* sqrshl_8h */
    0xd2958bd2b1289d2cull, /* uqrshl_2d */
    0x69e2503295ae85d7ull, /* sshr_8h_3 */
    0x1679c52cd5075125ull, /* ushr_4s_32 */
    0x1679c52cd5075125ull, /* srshr_16b_8 */
    0x976335ea10f7a349ull, /* urshr_2d_1 */
    0x37f5f1b19bd4755bull, /* ssra_4s_31 */
    0xdcca24433f57b654ull, /* usra_16b_2 */
    0x1fcae1c89751f5full, /* srsra_8h_16 */
    0x37fbead90e548bb0ull, /* ursra_2d_64 */
    0xcb0fc029d14b78a5ull, /* shl_4s_31 */
    0x507477fee22ee573ull, /* sqshl_8h_imm */
    0x9889be7519340b25ull, /* uqshl_16b_imm */
    0xf270af9bf6cb7838ull, /* sqshlu_4s_imm */
    0x55ad31dbee7bf033ull, /* sqshlu_2d_imm */
    0x106c1170c3ae6bfbull, /* sri_16b_3 */
    0x7af4d971b305c5b3ull, /* sli_2d_60 */
    0x2a36119327c09c71ull, /* sri_4s_32 */
    0xd0197ab688cde06dull, /* shrn_8b */
    0x525eb73c3f029d65ull, /* rshrn2_8h */
    0xdd8b5e0f11c44136ull, /* sqshrn_4h */
    0xc9e3d96853f0d22cull, /* uqshrn_2s */
    0x5e2a6b5e7e8a8043ull, /* sqrshrn2_16b */
    0x4a48435bd61a209ull, /* uqrshrn_8b */
    0x94bca1c53ac77467ull, /* sqshrun_4h */
    0x2ca08b21ead1b6e6ull, /* sqrshrun2_4s */
    0x51b64566333a11baull, /* xtn_8b */
    0x92077524e0c22e08ull, /* sqxtn_4h */
    0x15aaccd773a7d206ull, /* uqxtn2_4s */
    0x9ff1c3e5ff322ecull, /* sqxtun_8b */
    0x55653b93d86d419full, /* saddl_8h */
    0xd05a53d91076c752ull, /* uaddl2_2d */
    0x743bec3b1bd5f060ull, /* ssubw_4s */
    0xab40f1f9532ef76dull, /* usubw2_8h */
    0x9ca09d061343fd09ull, /* umull_4s */
    0xe2cdff11f4a328eaull, /* smull2_8h */
    0x65db48c0b9ee9fe1ull, /* smlal_2d_elem */
    0x969c75b3b43c35ccull, /* umlsl2_4s */
    0x5a34334a7b3fe6edull, /* pmull_8h */
    0x23e271acac9f969cull, /* pmul_16b */
    0x40f16b9883481547ull, /* sabal_8h */
    0xaf51f8cf600c2a30ull, /* uabdl2_4s */
    0x8d84f71c010b5a6aull, /* addhn_8b */
    0xf8039f6390992745ull, /* raddhn2_16b */
    0x379dbd05df667375ull, /* subhn_2s */
    0x1eeda2b32f14c4dcull, /* rsubhn_4h */
    0xd783c1438456e268ull, /* abs_2d */
    0x43bf59ab3811e5cfull, /* neg_16b */
    0x6ae22cc5a30adda8ull, /* sqabs_4s */
    0xdff4168fc16ee12aull, /* sqneg_2d */
    0x43bef02d398119fbull, /* cls_4s */
    0xdfcc0e9e5e54ee92ull, /* clz_16b */
    0xac69e9ef924f8335ull, /* cnt_8b */
    0x94c4945426698743ull, /* rbit_16b */
    0x44b06c4a6d969434ull, /* rev32_16b */
    0xfd0623f0142c3215ull, /* cmeq_2d */
    0xc0d0d987fd1329acull, /* cmge_16b */
    0x385b7b1ff7db972dull, /* cmgt_4s */
    0x17e03491d708e56dull, /* cmhi_8h */
    0x6a828b2850e87c35ull, /* cmhs_2d */
    0x97c396b109c08479ull, /* cmtst_4s */
    0x54248904e5394f23ull, /* cmle0_8h */
    0xb1fb9471c9b19635ull, /* cmgt0_2d */
    0x5ea72f960c543c29ull, /* smax_8h */
    0xe47f61b4d900c78cull, /* umin_4s */
    0x7a6c926de8d81c8ull, /* smaxp_16b */
    0x29fb62ddad5b1244ull, /* uminp_8h */
    0xe453ece3ad109551ull, /* addp_2d */
    0x9d7ecec8ca5c2313ull, /* saddlp_4s */
    0x3d0ccc20cbb0894full, /* uadalp_2d */
    0x6cefa46ae8379151ull, /* addv_8h */
    0x5647be517fc3da0dull, /* saddlv_16b */
    0xd59463e84220ff81ull, /* uaddlv_4s */
    0x954db11c90b51ec0ull, /* umaxv_16b */
    0x622de423456664cull, /* sminv_4s */
    0x6bde9c93fdfefa4bull, /* shadd_16b */
    0xec70ce73eaa5050bull, /* uhsub_8h */
    0x62b8c0df1187348ull, /* srhadd_4s */
    0x6f79690b0846bc85ull, /* urhadd_16b */
    0x4875b8cbad2e8fdcull, /* sabd_4s */
    0x7a4feba8f67f7380ull, /* uaba_16b */
    0x6dcbebca9c89b0ebull, /* urecpe_4s */
    0x94f62fd6ecdfabe0ull, /* ursqrte_4s */
    0xbb3a1cd60db5786ull, /* tbl_2 */
    0x71165799d571b377ull, /* tbx_1 */
    0x329f4352fd6c38a4ull, /* zip1_4s */
    0x3ccd9347ff3407b7ull, /* uzp2_8h */
    0xe9a5abafda865393ull, /* trn1_16b */
    0x92b12b3b8ddb7edcull, /* ext_13 */
    0xaf0883441cea632full, /* bsl */
    0x6cd94fef3b772271ull, /* bit */
    0x5f43e97188d849c8ull, /* bif */
    0x7b612b3d371f0a15ull, /* dup_elem */
    0xb6a34f501d186aull, /* ins_elem */
    0x2b323de6f5840286ull, /* sqadd_b */
    0x4cf411174d1f541dull, /* sqsub_h */
    0x79a9b9691f3ceb7cull, /* uqadd_s */
    0xec943c30b4cf2a80ull, /* sqadd_d */
    0x4af14768a96aae8bull, /* sqshl_s_imm */
    0x84d06a25a765c7e7ull, /* uqrshl_h */
    0xb4783df8246e431ull, /* sqrdmulh_s */
    0x91664e9905eccf9dull, /* sqdmulh_h_elem */
    0x63a98259f2cf84b8ull, /* sqdmull_s */
    0x3ae2a65470d52ff7ull, /* sqxtn_s */
    0xd1196a9c56e7bda9ull, /* uqxtn_b */
    0x46487bf183d53110ull, /* sqxtun_h */
    0x56dd3fc927fa81d5ull, /* cmgt_d */
    0xb9ed4c98a8b84f04ull, /* ushr_d */
    0xf560246806a2370ull, /* srshr_d */
    0x9bb066378e18542cull, /* sqneg_d */
    0xbc8d1709c65e333cull, /* abs_d */
    0x50893622c409e26full, /* addp_d */
    0xd837ca2a93c5a5dfull, /* sshl_d */
    0x85383cfc679bddd2ull, /* sqshrn_b */
    0xedf509f98ee64175ull, /* sqrshrun_s */
};

int main(int argc, char **argv)
{
    int gen_mode = argc > 1 && argv[1][0] == 'g';
    unsigned nexp = sizeof(expected) / sizeof(expected[0]);

    for (unsigned i = 0; i < NOPS; i++) {
        seed = 0x9e3779b97f4a7c15ull * (i + 1);
        uint64_t h = sweep(&ops[i]);

        if (gen_mode) {
            TLine l = { .len = 0 };
            tl_str(&l, "    ");
            tl_hex(&l, h);
            tl_str(&l, "ull, /* ");
            tl_str(&l, ops[i].name);
            tl_str(&l, " */");
            tl_flush(&l);
            continue;
        }
        check_u64(ops[i].name, h, i < nexp ? expected[i] : 0);
    }
    if (gen_mode) {
        return 0;
    }
    check_u64("expected table matches the op list", nexp, NOPS);
    return t_done();
}

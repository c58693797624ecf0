/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A random sweep of floating-point instructions, scalar and vector,
 * under random FPCR settings (rounding mode, FZ, DN, AHP), on inputs
 * biased towards the interesting values: zeros, infinities, quiet and
 * signalling NaNs with payloads, denormals, the largest and smallest
 * normals, integers near the conversion limits, and pairs of nearly equal
 * values.  For each instruction the 128-bit result register, NZCV (for
 * compares) and the FPSR cumulative flags of every run are folded into a
 * 64-bit hash, and compared with the hash Debian's qemu-aarch64-static
 * computes for the same program (the table below).  fp.c states the
 * semantics case by case; this test finds the cases nobody thought of.
 *
 * To regenerate the table after changing the op list or the generator:
 *     qemu-aarch64-static ./fp-sweep gen
 * and paste the output over the table.
 *
 * Freestanding (no libc).
 */
#include "tcg-test.h"

#define ITERS 600

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
                         : "v0", "v1", "v2", "x9", "cc", "memory");       \
    }
/* Compare: NZCV into v0. */
#define CMP(fn, insn)                                                     \
    OP(fn, "msr nzcv, xzr\n\t" insn "\n\tmrs x9, nzcv\n\tfmov d0, x9")
/* Result in a general register, moved to v0. */
#define TOX(fn, insn) OP(fn, insn "\n\tfmov d0, x9")
#define TOW(fn, insn) OP(fn, insn "\n\tfmov s0, w9")
#define FROMX(fn, insn) OP(fn, "fmov x9, d0\n\t" insn)
#define FROMW(fn, insn) OP(fn, "fmov w9, s0\n\t" insn)

/* Scalar double. */
OP(fadd_d, "fadd d0, d0, d1")
OP(fsub_d, "fsub d0, d0, d1")
OP(fmul_d, "fmul d0, d0, d1")
OP(fdiv_d, "fdiv d0, d0, d1")
OP(fnmul_d, "fnmul d0, d0, d1")
OP(fabd_d, "fabd d0, d0, d1")
OP(fmax_d, "fmax d0, d0, d1")
OP(fmin_d, "fmin d0, d0, d1")
OP(fmaxnm_d, "fmaxnm d0, d0, d1")
OP(fminnm_d, "fminnm d0, d0, d1")
OP(fsqrt_d, "fsqrt d0, d0")
OP(fmadd_d, "fmadd d0, d0, d1, d2")
OP(fmsub_d, "fmsub d0, d0, d1, d2")
OP(fnmadd_d, "fnmadd d0, d0, d1, d2")
OP(fnmsub_d, "fnmsub d0, d0, d1, d2")
OP(frecpe_d, "frecpe d0, d0")
OP(frsqrte_d, "frsqrte d0, d0")
OP(frecps_d, "frecps d0, d0, d1")
OP(frsqrts_d, "frsqrts d0, d0, d1")
OP(frecpx_d, "frecpx d0, d0")
OP(frintn_d, "frintn d0, d0")
OP(frinta_d, "frinta d0, d0")
OP(frintp_d, "frintp d0, d0")
OP(frintm_d, "frintm d0, d0")
OP(frintz_d, "frintz d0, d0")
OP(frinti_d, "frinti d0, d0")
OP(frintx_d, "frintx d0, d0")
OP(fcvt_sd, "fcvt s0, d0")
OP(fcvt_hd, "fcvt h0, d0")
OP(fcvtxn_sd, "fcvtxn s0, d0")
TOX(fcvtzs_xd, "fcvtzs x9, d0")
TOX(fcvtzu_xd, "fcvtzu x9, d0")
TOX(fcvtns_xd, "fcvtns x9, d0")
TOX(fcvtnu_xd, "fcvtnu x9, d0")
TOX(fcvtas_xd, "fcvtas x9, d0")
TOX(fcvtau_xd, "fcvtau x9, d0")
TOX(fcvtms_xd, "fcvtms x9, d0")
TOX(fcvtps_xd, "fcvtpu x9, d0")
TOW(fcvtzs_wd, "fcvtzs w9, d0")
TOW(fcvtzu_wd, "fcvtzu w9, d0")
TOX(fcvtzs_xd_fix, "fcvtzs x9, d0, #10")
TOW(fcvtzu_wd_fix, "fcvtzu w9, d0, #31")
OP(fcvtzs_dd, "fcvtzs d0, d0")
CMP(fcmp_d, "fcmp d0, d1")
CMP(fcmpe_d, "fcmpe d0, d1")
CMP(fcmp0_d, "fcmp d0, #0.0")
CMP(fccmp_d, "fcmp d2, #0.0\n\tfccmp d0, d1, #0xa, gt")
OP(fcsel_d, "fcmp d0, d1\n\tfcsel d0, d0, d1, mi")
OP(fcmge_d, "fcmge d0, d0, d1")
OP(facgt_d, "facgt d0, d0, d1")

/* Scalar single. */
OP(fadd_s, "fadd s0, s0, s1")
OP(fsub_s, "fsub s0, s0, s1")
OP(fmul_s, "fmul s0, s0, s1")
OP(fdiv_s, "fdiv s0, s0, s1")
OP(fmulx_s, "fmulx s0, s0, s1")
OP(fmax_s, "fmax s0, s0, s1")
OP(fminnm_s, "fminnm s0, s0, s1")
OP(fsqrt_s, "fsqrt s0, s0")
OP(fmadd_s, "fmadd s0, s0, s1, s2")
OP(fnmsub_s, "fnmsub s0, s0, s1, s2")
OP(frecpe_s, "frecpe s0, s0")
OP(frsqrte_s, "frsqrte s0, s0")
OP(frecps_s, "frecps s0, s0, s1")
OP(frsqrts_s, "frsqrts s0, s0, s1")
OP(frinta_s, "frinta s0, s0")
OP(frintx_s, "frintx s0, s0")
OP(fcvt_ds, "fcvt d0, s0")
OP(fcvt_hs, "fcvt h0, s0")
OP(fcvt_sh, "fcvt s0, h0")
OP(fcvt_dh, "fcvt d0, h0")
TOW(fcvtzs_ws, "fcvtzs w9, s0")
TOW(fcvtzu_ws, "fcvtzu w9, s0")
TOW(fcvtns_ws, "fcvtns w9, s0")
TOX(fcvtas_xs, "fcvtas x9, s0")
TOX(fcvtmu_xs, "fcvtmu x9, s0")
CMP(fcmp_s, "fcmp s0, s1")
CMP(fcmpe_s, "fcmpe s0, s1")

/* Integer to FP. */
FROMX(scvtf_dx, "scvtf d0, x9")
FROMX(ucvtf_dx, "ucvtf d0, x9")
FROMX(scvtf_sx, "scvtf s0, x9")
FROMX(ucvtf_sx, "ucvtf s0, x9")
FROMW(scvtf_dw, "scvtf d0, w9")
FROMW(ucvtf_sw, "ucvtf s0, w9")
FROMX(scvtf_dx_fix, "scvtf d0, x9, #20")
FROMW(ucvtf_sw_fix, "ucvtf s0, w9, #32")
OP(scvtf_dd, "scvtf d0, d0")
OP(ucvtf_ss, "ucvtf s0, s0")

/* Vectors. */
OP(fadd_4s, "fadd v0.4s, v0.4s, v1.4s")
OP(fmul_2d, "fmul v0.2d, v0.2d, v1.2d")
OP(fdiv_4s, "fdiv v0.4s, v0.4s, v1.4s")
OP(fmla_4s, "fmla v0.4s, v1.4s, v2.4s")
OP(fmls_2d, "fmls v0.2d, v1.2d, v2.2d")
OP(fmul_4s_lane, "fmul v0.4s, v0.4s, v1.s[3]")
OP(fmulx_2d, "fmulx v0.2d, v0.2d, v1.2d")
OP(fsqrt_4s, "fsqrt v0.4s, v0.4s")
OP(fmaxnm_4s, "fmaxnm v0.4s, v0.4s, v1.4s")
OP(fmin_2d, "fmin v0.2d, v0.2d, v1.2d")
OP(fminp_4s, "fminp v0.4s, v0.4s, v1.4s")
OP(fmaxnmp_2d, "fmaxnmp v0.2d, v0.2d, v1.2d")
OP(faddp_4s, "faddp v0.4s, v0.4s, v1.4s")
OP(fabd_4s, "fabd v0.4s, v0.4s, v1.4s")
OP(frecpe_4s, "frecpe v0.4s, v0.4s")
OP(frsqrte_2d, "frsqrte v0.2d, v0.2d")
OP(frecps_4s, "frecps v0.4s, v0.4s, v1.4s")
OP(frinta_2d, "frinta v0.2d, v0.2d")
OP(frintm_4s, "frintm v0.4s, v0.4s")
OP(fcvtzs_4s, "fcvtzs v0.4s, v0.4s")
OP(fcvtau_2d, "fcvtau v0.2d, v0.2d")
OP(fcvtzs_4s_fix, "fcvtzs v0.4s, v0.4s, #5")
OP(scvtf_2d, "scvtf v0.2d, v0.2d")
OP(ucvtf_4s, "ucvtf v0.4s, v0.4s")
OP(fcvtn_4s, "fcvtn v0.2s, v0.2d\n\tfcvtn2 v0.4s, v1.2d")
OP(fcvtl_2d, "fcvtl2 v0.2d, v0.4s")
OP(fcvtn_8h, "fcvtn v0.4h, v0.4s")
OP(fcvtl_4s, "fcvtl v0.4s, v0.4h")
OP(fcvtxn_2s, "fcvtxn v0.2s, v0.2d")
OP(fcmge_4s, "fcmge v0.4s, v0.4s, v1.4s")
OP(fcmeq_2d, "fcmeq v0.2d, v0.2d, v1.2d")
OP(fcmlt0_4s, "fcmlt v0.4s, v0.4s, #0.0")
OP(facge_4s, "facge v0.4s, v0.4s, v1.4s")
OP(fmaxnmv_4s, "fmaxnmv s0, v0.4s")
OP(fminv_4s, "fminv s0, v0.4s")
OP(fneg_2d, "fneg v0.2d, v0.2d")
OP(fabs_4s, "fabs v0.4s, v0.4s")

enum { D, S, H, X };      /* how to fill the inputs */

typedef struct {
    const char *name;
    OpFn fn;
    int kind;
} SweepOp;

#define E(fn, kind) { #fn, fn, kind }
static const SweepOp ops[] = {
    E(fadd_d, D), E(fsub_d, D), E(fmul_d, D), E(fdiv_d, D), E(fnmul_d, D),
    E(fabd_d, D), E(fmax_d, D), E(fmin_d, D), E(fmaxnm_d, D),
    E(fminnm_d, D), E(fsqrt_d, D), E(fmadd_d, D), E(fmsub_d, D),
    E(fnmadd_d, D), E(fnmsub_d, D), E(frecpe_d, D), E(frsqrte_d, D),
    E(frecps_d, D), E(frsqrts_d, D), E(frecpx_d, D), E(frintn_d, D),
    E(frinta_d, D), E(frintp_d, D), E(frintm_d, D), E(frintz_d, D),
    E(frinti_d, D), E(frintx_d, D), E(fcvt_sd, D), E(fcvt_hd, D),
    E(fcvtxn_sd, D), E(fcvtzs_xd, D), E(fcvtzu_xd, D), E(fcvtns_xd, D),
    E(fcvtnu_xd, D), E(fcvtas_xd, D), E(fcvtau_xd, D), E(fcvtms_xd, D),
    E(fcvtps_xd, D), E(fcvtzs_wd, D), E(fcvtzu_wd, D), E(fcvtzs_xd_fix, D),
    E(fcvtzu_wd_fix, D), E(fcvtzs_dd, D), E(fcmp_d, D), E(fcmpe_d, D),
    E(fcmp0_d, D), E(fccmp_d, D), E(fcsel_d, D), E(fcmge_d, D),
    E(facgt_d, D),
    E(fadd_s, S), E(fsub_s, S), E(fmul_s, S), E(fdiv_s, S), E(fmulx_s, S),
    E(fmax_s, S), E(fminnm_s, S), E(fsqrt_s, S), E(fmadd_s, S),
    E(fnmsub_s, S), E(frecpe_s, S), E(frsqrte_s, S), E(frecps_s, S),
    E(frsqrts_s, S), E(frinta_s, S), E(frintx_s, S), E(fcvt_ds, S),
    E(fcvt_hs, S), E(fcvt_sh, H), E(fcvt_dh, H), E(fcvtzs_ws, S),
    E(fcvtzu_ws, S), E(fcvtns_ws, S), E(fcvtas_xs, S), E(fcvtmu_xs, S),
    E(fcmp_s, S), E(fcmpe_s, S),
    E(scvtf_dx, X), E(ucvtf_dx, X), E(scvtf_sx, X), E(ucvtf_sx, X),
    E(scvtf_dw, X), E(ucvtf_sw, X), E(scvtf_dx_fix, X), E(ucvtf_sw_fix, X),
    E(scvtf_dd, X), E(ucvtf_ss, X),
    E(fadd_4s, S), E(fmul_2d, D), E(fdiv_4s, S), E(fmla_4s, S),
    E(fmls_2d, D), E(fmul_4s_lane, S), E(fmulx_2d, D), E(fsqrt_4s, S),
    E(fmaxnm_4s, S), E(fmin_2d, D), E(fminp_4s, S), E(fmaxnmp_2d, D),
    E(faddp_4s, S), E(fabd_4s, S), E(frecpe_4s, S), E(frsqrte_2d, D),
    E(frecps_4s, S), E(frinta_2d, D), E(frintm_4s, S), E(fcvtzs_4s, S),
    E(fcvtau_2d, D), E(fcvtzs_4s_fix, S), E(scvtf_2d, X), E(ucvtf_4s, X),
    E(fcvtn_4s, D), E(fcvtl_2d, S), E(fcvtn_8h, S), E(fcvtl_4s, H),
    E(fcvtxn_2s, D), E(fcmge_4s, S), E(fcmeq_2d, D), E(fcmlt0_4s, S),
    E(facge_4s, S), E(fmaxnmv_4s, S), E(fminv_4s, S), E(fneg_2d, D),
    E(fabs_4s, S),
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

static const uint64_t dspecial[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff8000000000abcull,
    0xfff8000000000001ull, 0x7ff0000000000001ull, 0xfff4000000000123ull,
    0x0000000000000001ull, 0x800fffffffffffffull, 0x0008000000000000ull,
    0x0010000000000000ull, 0x8010000000000001ull, 0x7fefffffffffffffull,
    0xffefffffffffffffull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x3fe0000000000000ull, 0x3ff8000000000000ull, 0xc004000000000000ull,
    0x4330000000000000ull, 0x4340000000000001ull, 0x43e0000000000000ull,
    0xc3e0000000000000ull, 0x43f0000000000000ull, 0x41dfffffffc00000ull,
    0x41e0000000000000ull, 0xc1e0000000200000ull, 0x41efffffffe00000ull,
    0x3fefffffffffffffull, 0x7fe0000000000000ull, 0x0020000000000000ull,
    0x47efffffe0000000ull, 0x3810000000000000ull, 0x40effe0000000000ull,
};

static const uint32_t sspecial[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fc00123,
    0xffc00001, 0x7f800001, 0xffa00042, 0x00000001, 0x807fffff, 0x00400000,
    0x00800000, 0x80800001, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000,
    0x3f000000, 0x3fc00000, 0xc0200000, 0x4b000000, 0x4b800001, 0x4f000000,
    0xcf000000, 0x4f800000, 0x5f000000, 0xdf000000, 0x5f800000, 0x3f7fffff,
    0x477fe000, 0x38800000, 0x33800000, 0x477ff000,
};

static const uint16_t hspecial[] = {
    0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x7e01, 0xfe55, 0x7c01, 0xfd00,
    0x0001, 0x83ff, 0x0400, 0x7bff, 0xfbff, 0x3c00, 0xbc00, 0x3555, 0x7fff,
};

static uint64_t gen_d(void)
{
    uint64_t r = rnd();

    switch (r % 8) {
    case 0:
    case 1:
        return dspecial[(r >> 8) % (sizeof(dspecial) / 8)];
    case 2:
        return rnd();
    case 3:     /* tiny: denormal or near the normal boundary */
        return (r & 0x8000000000000000ull) | (rnd() >> (12 + (r >> 20) % 3));
    default:    /* moderate magnitudes */
        return (r & 0x8000000000000000ull) |
               ((uint64_t)(1023 - 70 + (r >> 8) % 140) << 52) |
               (rnd() >> 12);
    }
}

static uint32_t gen_s(void)
{
    uint64_t r = rnd();

    switch (r % 8) {
    case 0:
    case 1:
        return sspecial[(r >> 8) % (sizeof(sspecial) / 4)];
    case 2:
        return (uint32_t)rnd();
    case 3:
        return (uint32_t)(r & 0x80000000u) |
               (uint32_t)(rnd() >> (41 + (r >> 20) % 3));
    default:
        return (uint32_t)(r & 0x80000000u) |
               ((uint32_t)(127 - 40 + (r >> 8) % 80) << 23) |
               (uint32_t)(rnd() >> 41);
    }
}

static uint16_t gen_h(void)
{
    uint64_t r = rnd();

    if (r % 3 == 0) {
        return hspecial[(r >> 8) % (sizeof(hspecial) / 2)];
    }
    return (uint16_t)(r >> 16);
}

static uint64_t gen_x(void)
{
    uint64_t r = rnd();

    switch (r % 6) {
    case 0: return 0x8000000000000000ull >> (r >> 8) % 64;
    case 1: return -(0x8000000000000000ull >> (r >> 8) % 64);
    case 2: return rnd() >> (r >> 8) % 64;
    case 3: return (uint64_t)(int64_t)(int32_t)rnd();
    default: return rnd();
    }
}

static void gen(int kind, uint64_t in[6])
{
    for (int i = 0; i < 6; i++) {
        switch (kind) {
        case D:
            in[i] = gen_d();
            break;
        case S:
            in[i] = gen_s() | (uint64_t)gen_s() << 32;
            break;
        case H:
            in[i] = gen_h() | (uint64_t)gen_h() << 16 |
                    (uint64_t)gen_h() << 32 | (uint64_t)gen_h() << 48;
            break;
        default:
            in[i] = gen_x();
            break;
        }
    }
    /* Sometimes make the second operand close to the first. */
    if ((rnd() & 7) == 0) {
        in[2] = in[0] ^ (rnd() & 3);
        in[3] = in[1] ^ (rnd() & 3);
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
        uint64_t r = rnd(), fpcr, fpsr;

        fpcr = (r & 3) << 22 | ((r >> 2) & 1) << 24 | ((r >> 3) & 1) << 25 |
               ((r >> 4) & 1) << 26;
        gen(op->kind, in);
        __asm__ volatile("msr fpcr, %0\n\tmsr fpsr, xzr" : : "r"(fpcr));
        op->fn(in, out);
        __asm__ volatile("mrs %0, fpsr\n\tmsr fpcr, xzr" : "=r"(fpsr));
        h = fnv(h, out[0]);
        h = fnv(h, out[1]);
        h = fnv(h, fpsr);
    }
    return h;
}

/* Generated by: qemu-aarch64-static ./fp-sweep gen */
static const uint64_t expected[] = {
    0x909d1f0dbfa74e97ull, /* fadd_d */
    0xc7e25a4be4733114ull, /* fsub_d */
    0xda329f2601228895ull, /* fmul_d */
    0xb60da11f6288e850ull, /* fdiv_d */
    0x5bd88c89a6c71b56ull, /* fnmul_d */
    0x468a8674b620f6d0ull, /* fabd_d */
    0x3ff8815fbe931228ull, /* fmax_d */
    0xcf9ad8587760f115ull, /* fmin_d */
    0xdb42967eef0f50a2ull, /* fmaxnm_d */
    0xcc3dddd8bff594b1ull, /* fminnm_d */
    0xb5686b8784aa2554ull, /* fsqrt_d */
    0x40c861d052dd83f6ull, /* fmadd_d */
    0xb66fc9b4b5c251fbull, /* fmsub_d */
    0xfddaa9e5e3867d6eull, /* fnmadd_d */
    0xdc3fb10d5919525dull, /* fnmsub_d */
    0x884d6577a20be502ull, /* frecpe_d */
    0xa212e34c40050a41ull, /* frsqrte_d */
    0xcd8d8f778dfc5138ull, /* frecps_d */
    0x2b320799c25c6004ull, /* frsqrts_d */
    0x87a27d764232d003ull, /* frecpx_d */
    0x931bb39a8729b063ull, /* frintn_d */
    0x7c40efec51f0e294ull, /* frinta_d */
    0xea70c1e2872a7e68ull, /* frintp_d */
    0xc40d292fbc69d980ull, /* frintm_d */
    0xa768cdaf86e83969ull, /* frintz_d */
    0x73839c5ea68c9e8cull, /* frinti_d */
    0x39be1d16ac1fa07ull, /* frintx_d */
    0xaffbd0c30d1d4407ull, /* fcvt_sd */
    0x14bac0a2c7c6af5aull, /* fcvt_hd */
    0x8353786e59f024a8ull, /* fcvtxn_sd */
    0xc89d6008f0c626d7ull, /* fcvtzs_xd */
    0x4d765a26925b35a3ull, /* fcvtzu_xd */
    0x9492a2c9608014d4ull, /* fcvtns_xd */
    0xfe6f827480da54c3ull, /* fcvtnu_xd */
    0x6b9bcfa6cb726bfcull, /* fcvtas_xd */
    0xf1c87e743f8ec259ull, /* fcvtau_xd */
    0xe5db0f58949b6b79ull, /* fcvtms_xd */
    0xf605c6748ffc2a36ull, /* fcvtps_xd */
    0xfaf3485f27213aacull, /* fcvtzs_wd */
    0x496fe23574df445aull, /* fcvtzu_wd */
    0x60c1d7a7b989e3c0ull, /* fcvtzs_xd_fix */
    0x68c2b10edcea3ef5ull, /* fcvtzu_wd_fix */
    0xc6a503e6280b7110ull, /* fcvtzs_dd */
    0x6edbebe48d253f44ull, /* fcmp_d */
    0x9f213d704241dde5ull, /* fcmpe_d */
    0x101e622b66760cb4ull, /* fcmp0_d */
    0xa1162f14fc0def95ull, /* fccmp_d */
    0x969f81509299f15full, /* fcsel_d */
    0xdd360ca83c8d02cdull, /* fcmge_d */
    0x5460a887a9001c5cull, /* facgt_d */
    0xd2772de2b8c5ae45ull, /* fadd_s */
    0x35b135452a06d9b2ull, /* fsub_s */
    0xfef0f9b2a2262262ull, /* fmul_s */
    0xaac858b10ae7a443ull, /* fdiv_s */
    0x9b603167e12813b4ull, /* fmulx_s */
    0xfea863c1a0537920ull, /* fmax_s */
    0x2b2e4773a639ad57ull, /* fminnm_s */
    0x7fd10c2dfd8dddf8ull, /* fsqrt_s */
    0x9c8e57fcf7565e61ull, /* fmadd_s */
    0xa78248dc5c01d83aull, /* fnmsub_s */
    0x176922289a0a5152ull, /* frecpe_s */
    0xe052a3b1cae8450bull, /* frsqrte_s */
    0x2df4caa75364526cull, /* frecps_s */
    0x7cf85061d8af1250ull, /* frsqrts_s */
    0x11d45b2d503e4067ull, /* frinta_s */
    0x236ec7eaa207ceb4ull, /* frintx_s */
    0x7c0b65ac1949377eull, /* fcvt_ds */
    0xe4580271c122e04full, /* fcvt_hs */
    0x3e997e14134c1966ull, /* fcvt_sh */
    0x57d5506c9e23933cull, /* fcvt_dh */
    0xdf5459a7c80c5aacull, /* fcvtzs_ws */
    0x850e925f63b3815ull, /* fcvtzu_ws */
    0xb4972685bccb1410ull, /* fcvtns_ws */
    0x98193de30de419e3ull, /* fcvtas_xs */
    0x31bf00b99164fef7ull, /* fcvtmu_xs */
    0x56b9b5ae2f61a064ull, /* fcmp_s */
    0x67be8e19efd93974ull, /* fcmpe_s */
    0xf1b86f5910ac2bbeull, /* scvtf_dx */
    0x208caeb295ab1a69ull, /* ucvtf_dx */
    0xd38b7e40dc3a2845ull, /* scvtf_sx */
    0x26517307368be494ull, /* ucvtf_sx */
    0xa4d159044b0992a7ull, /* scvtf_dw */
    0x7a836bd83e7b02cbull, /* ucvtf_sw */
    0xd6d9b107a9a7bce1ull, /* scvtf_dx_fix */
    0xd6657063611f4f11ull, /* ucvtf_sw_fix */
    0x847ba51623ac2fe0ull, /* scvtf_dd */
    0xa6df98b9f660306ull, /* ucvtf_ss */
    0x1af11aca706e12deull, /* fadd_4s */
    0x5e113d154cfd30faull, /* fmul_2d */
    0xc653fd6eb4b311b7ull, /* fdiv_4s */
    0x8c9636778d83d2ddull, /* fmla_4s */
    0x731c64d9fa0bd5e1ull, /* fmls_2d */
    0xf6e7d0cd248161a0ull, /* fmul_4s_lane */
    0xefad7c5af0d3d060ull, /* fmulx_2d */
    0xbb6838bf38bb6cf0ull, /* fsqrt_4s */
    0x3f02d79467311e08ull, /* fmaxnm_4s */
    0xfd69dfe3f2660c9eull, /* fmin_2d */
    0xcb4358e0177d938cull, /* fminp_4s */
    0x9f912ee3075835c0ull, /* fmaxnmp_2d */
    0x90ab397a714900ddull, /* faddp_4s */
    0xb5b096a0ff79b5a2ull, /* fabd_4s */
    0x48489c136e97f4f2ull, /* frecpe_4s */
    0xea934990223ba45full, /* frsqrte_2d */
    0xd94407292019d50bull, /* frecps_4s */
    0xda5c9d9476891aadull, /* frinta_2d */
    0xab41588167533e02ull, /* frintm_4s */
    0x4d08077ff0b45731ull, /* fcvtzs_4s */
    0x5f35b8da1c0d5267ull, /* fcvtau_2d */
    0x8b1bab28b1706be2ull, /* fcvtzs_4s_fix */
    0x1c9dfb0f996ac6ddull, /* scvtf_2d */
    0xf66803802358fd41ull, /* ucvtf_4s */
    0x1614e930c2a64e1cull, /* fcvtn_4s */
    0xefbce435a38e3d8full, /* fcvtl_2d */
    0x85e0a3f7c79d7a34ull, /* fcvtn_8h */
    0x94a5ae66ebbefedbull, /* fcvtl_4s */
    0x7645885657144895ull, /* fcvtxn_2s */
    0x8bb2ad6c11a8ad74ull, /* fcmge_4s */
    0x97bc6f50e822141dull, /* fcmeq_2d */
    0xaf31e188ea553934ull, /* fcmlt0_4s */
    0xd1d4024949a01285ull, /* facge_4s */
    0x2829116fb8cb2a23ull, /* fmaxnmv_4s */
    0x4b15e4ea062f0a67ull, /* fminv_4s */
    0xd8342b69fe18b1ccull, /* fneg_2d */
    0x18a6889271457205ull, /* fabs_4s */
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

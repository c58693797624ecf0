/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scalar floating point, bit-exact, under each rounding mode (FPCR.RMode),
 * with the cumulative exception flags read back from FPSR:
 * add/mul/div/sqrt/fused multiply-add rounding, overflow and underflow,
 * division by zero, invalid operations, default NaN (FPCR.DN), NaN
 * propagation (SNaN over QNaN, first operand, payload and sign kept),
 * flush-to-zero of inputs and outputs (FPCR.FZ), min/max/minnm/maxnm,
 * compares (NZCV, fcmp vs fcmpe), conversions to and from integers
 * (saturation, every fcvt rounding variant, fixed point), frint*,
 * precision conversions (double/single/half), and half-precision
 * arithmetic when the CPU has it (HWCAP_FPHP).
 *
 * Freestanding (no libc); values are raw IEEE bit patterns.
 */
#include "tcg-test.h"

#define RN 0
#define RP 1
#define RM 2
#define RZ 3

#define FZ (1u << 24)
#define DN (1u << 25)

#define IOC 0x01
#define DZC 0x02
#define OFC 0x04
#define UFC 0x08
#define IXC 0x10
#define IDC 0x80

static void set_fpcr(uint64_t v)
{
    __asm__ volatile("msr fpcr, %0" : : "r"(v));
}

static uint64_t get_fpcr(void)
{
    uint64_t v;

    __asm__ volatile("mrs %0, fpcr" : "=r"(v));
    return v;
}

static void set_fpsr(uint64_t v)
{
    __asm__ volatile("msr fpsr, %0" : : "r"(v));
}

static uint64_t get_fpsr(void)
{
    uint64_t v;

    __asm__ volatile("mrs %0, fpsr" : "=r"(v));
    return v;
}

/*
 * Ops take and return raw bits in general registers; the FP registers
 * are only touched inside the asm.  t2/t3 run each with FPCR set and
 * FPSR cleared first, then read the flags back.
 */

#define DEF_D2(fn, insn)                                                  \
    static uint64_t fn(uint64_t a, uint64_t b)                            \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov d0, %1\n\tfmov d1, %2\n\t" insn "\n\t"     \
                         "fmov %0, d0"                                    \
                         : "=r"(r) : "r"(a), "r"(b) : "v0", "v1");        \
        return r;                                                         \
    }
#define DEF_S2(fn, insn)                                                  \
    static uint64_t fn(uint64_t a, uint64_t b)                            \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov s0, %w1\n\tfmov s1, %w2\n\t" insn "\n\t"   \
                         "fmov %w0, s0"                                   \
                         : "=r"(r) : "r"(a), "r"(b) : "v0", "v1");        \
        return r;                                                         \
    }
#define DEF_H2(fn, insn)                                                  \
    static uint64_t fn(uint64_t a, uint64_t b)                            \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov h0, %w1\n\tfmov h1, %w2\n\t" insn "\n\t"   \
                         "fmov %w0, h0"                                   \
                         : "=r"(r) : "r"(a), "r"(b) : "v0", "v1");        \
        return r;                                                         \
    }
#define DEF_D3(fn, insn)                                                  \
    static uint64_t fn(uint64_t a, uint64_t b, uint64_t c)                \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov d0, %1\n\tfmov d1, %2\n\tfmov d2, %3\n\t"  \
                         insn "\n\tfmov %0, d0"                           \
                         : "=r"(r) : "r"(a), "r"(b), "r"(c)               \
                         : "v0", "v1", "v2");                             \
        return r;                                                         \
    }
/* FP in d0 -> general register result. */
#define DEF_D2X(fn, insn)                                                 \
    static uint64_t fn(uint64_t a, uint64_t b)                            \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov d0, %1\n\t" insn                           \
                         : "=r"(r) : "r"(a), "r"(b) : "v0", "cc");        \
        return r;                                                         \
    }
/* General register -> FP result bits. */
#define DEF_X2D(fn, insn)                                                 \
    static uint64_t fn(uint64_t a, uint64_t b)                            \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile(insn "\n\tfmov %0, d0"                           \
                         : "=r"(r) : "r"(a), "r"(b) : "v0");              \
        return r;                                                         \
    }
#define DEF_X2S(fn, insn)                                                 \
    static uint64_t fn(uint64_t a, uint64_t b)                            \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile(insn "\n\tfmov %w0, s0"                          \
                         : "=r"(r) : "r"(a), "r"(b) : "v0");              \
        return r;                                                         \
    }

DEF_D2(fadd_d, "fadd d0, d0, d1")
DEF_D2(fsub_d, "fsub d0, d0, d1")
DEF_D2(fmul_d, "fmul d0, d0, d1")
DEF_D2(fdiv_d, "fdiv d0, d0, d1")
DEF_D2(fsqrt_d, "fsqrt d0, d0")
DEF_D2(fmax_d, "fmax d0, d0, d1")
DEF_D2(fmin_d, "fmin d0, d0, d1")
DEF_D2(fmaxnm_d, "fmaxnm d0, d0, d1")
DEF_D2(fminnm_d, "fminnm d0, d0, d1")
DEF_D2(fabd_d, "fabd d0, d0, d1")
DEF_D2(fnmul_d, "fnmul d0, d0, d1")
DEF_D2(fneg_d, "fneg d0, d0")
DEF_D2(fabs_d, "fabs d0, d0")
DEF_D2(frintn_d, "frintn d0, d0")
DEF_D2(frinta_d, "frinta d0, d0")
DEF_D2(frintp_d, "frintp d0, d0")
DEF_D2(frintm_d, "frintm d0, d0")
DEF_D2(frintz_d, "frintz d0, d0")
DEF_D2(frinti_d, "frinti d0, d0")
DEF_D2(frintx_d, "frintx d0, d0")
DEF_D3(fmadd_d, "fmadd d0, d0, d1, d2")
DEF_D3(fmsub_d, "fmsub d0, d0, d1, d2")
DEF_D3(fnmadd_d, "fnmadd d0, d0, d1, d2")
DEF_D3(fnmsub_d, "fnmsub d0, d0, d1, d2")
DEF_S2(fadd_s, "fadd s0, s0, s1")
DEF_S2(fmul_s, "fmul s0, s0, s1")
DEF_S2(fdiv_s, "fdiv s0, s0, s1")
DEF_S2(fsqrt_s, "fsqrt s0, s0")
DEF_S2(fmaxnm_s, "fmaxnm s0, s0, s1")
DEF_H2(fadd_h, "fadd h0, h0, h1")
DEF_H2(fmul_h, "fmul h0, h0, h1")
DEF_H2(fdiv_h, "fdiv h0, h0, h1")

DEF_D2X(fcvtzs_xd, "fcvtzs %0, d0")
DEF_D2X(fcvtzu_xd, "fcvtzu %0, d0")
DEF_D2X(fcvtzs_wd, "fcvtzs %w0, d0")
DEF_D2X(fcvtzu_wd, "fcvtzu %w0, d0")
DEF_D2X(fcvtns_xd, "fcvtns %0, d0")
DEF_D2X(fcvtas_xd, "fcvtas %0, d0")
DEF_D2X(fcvtms_xd, "fcvtms %0, d0")
DEF_D2X(fcvtps_xd, "fcvtps %0, d0")
DEF_D2X(fcvtau_wd, "fcvtau %w0, d0")
DEF_D2X(fcvtzs_fix8, "fcvtzs %0, d0, #8")
DEF_D2X(fcvtzu_wfix32, "fcvtzu %w0, d0, #32")
DEF_D2X(fcmp_d, "fmov d1, %2\n\tfcmp d0, d1\n\tmrs %0, nzcv\n\tlsr %0, %0, #28")
DEF_D2X(fcmpe_d, "fmov d1, %2\n\tfcmpe d0, d1\n\tmrs %0, nzcv\n\t"
                 "lsr %0, %0, #28")
DEF_D2X(fcmp0_d, "fcmp d0, #0.0\n\tmrs %0, nzcv\n\tlsr %0, %0, #28")
DEF_D2X(fccmp_d, "fmov d1, %2\n\tcmp %1, #0\n\t"
                 "fccmp d0, d1, #0x4, eq\n\tmrs %0, nzcv\n\tlsr %0, %0, #28")
DEF_D2X(fcsel_d, "fmov d1, %2\n\tfcmp d0, d1\n\tfcsel d0, d0, d1, gt\n\t"
                 "fmov %0, d0")
DEF_D2X(fcvt_sd, "fcvt s0, d0\n\tfmov %w0, s0")
DEF_D2X(fcvt_hd, "fcvt h0, d0\n\tfmov %w0, s0")
DEF_X2D(scvtf_dx, "scvtf d0, %1")
DEF_X2D(ucvtf_dx, "ucvtf d0, %1")
DEF_X2D(scvtf_dw, "scvtf d0, %w1")
DEF_X2D(ucvtf_dw_fix, "ucvtf d0, %w1, #16")
DEF_X2D(fcvt_ds, "fmov s0, %w1\n\tfcvt d0, s0")
DEF_X2D(fcvt_dh, "fmov s0, %w1\n\tfcvt d0, h0")
DEF_X2S(scvtf_sx, "scvtf s0, %1")
DEF_X2S(fcvt_sh, "fmov s0, %w1\n\tfcvt s0, h0")
DEF_X2S(fcvt_sh_ahp, "fmov s0, %w1\n\tfcvt s0, h0")
DEF_X2S(fmov_imm_s, "fmov s0, #-0.125")
DEF_X2D(fmov_imm_d, "fmov d0, #31.0")

typedef uint64_t (*Op)(uint64_t, uint64_t);
typedef uint64_t (*Op3)(uint64_t, uint64_t, uint64_t);

/* Run an op under an FPCR value; check result and exact FPSR flags. */
static void t2(const char *what, Op fn, uint64_t fpcr, uint64_t a, uint64_t b,
               uint64_t want, uint64_t want_flags)
{
    TLine l = { .len = 0 };
    uint64_t r, f;

    set_fpcr(fpcr);
    set_fpsr(0);
    r = fn(a, b);
    f = get_fpsr();
    set_fpcr(0);
    tl_str(&l, what);
    l.buf[l.len] = 0;
    check_u64(l.buf, r, want);
    tl_str(&l, " fpsr");
    l.buf[l.len] = 0;
    check_u64(l.buf, f, want_flags);
}

static void t3(const char *what, Op3 fn, uint64_t fpcr, uint64_t a,
               uint64_t b, uint64_t c, uint64_t want, uint64_t want_flags)
{
    TLine l = { .len = 0 };
    uint64_t r, f;

    set_fpcr(fpcr);
    set_fpsr(0);
    r = fn(a, b, c);
    f = get_fpsr();
    set_fpcr(0);
    tl_str(&l, what);
    l.buf[l.len] = 0;
    check_u64(l.buf, r, want);
    tl_str(&l, " fpsr");
    l.buf[l.len] = 0;
    check_u64(l.buf, f, want_flags);
}

#define MODE(m) ((uint64_t)(m) << 22)

/* Doubles. */
#define D_ONE      0x3ff0000000000000ull
#define D_MONE     0xbff0000000000000ull
#define D_TWO      0x4000000000000000ull
#define D_THREE    0x4008000000000000ull
#define D_HALF     0x3fe0000000000000ull
#define D_ZERO     0x0000000000000000ull
#define D_MZERO    0x8000000000000000ull
#define D_INF      0x7ff0000000000000ull
#define D_MINF     0xfff0000000000000ull
#define D_MAX      0x7fefffffffffffffull
#define D_MMAX     0xffefffffffffffffull
#define D_MIN      0x0010000000000000ull     /* smallest normal */
#define D_DENORM   0x0000000000000001ull
#define D_DNAN     0x7ff8000000000000ull     /* default NaN */
#define D_QNAN1    0x7ff8000000000123ull
#define D_SNAN1    0x7ff0000000000123ull
#define D_QNAN2    0xfff8000000000456ull
#define D_SNAN2    0x7ff4000000000789ull
#define D_075ULP   0x3ca8000000000000ull     /* 0.75 ulp of 1.0 */
#define D_HALFULP  0x3ca0000000000000ull     /* 0.5 ulp of 1.0 */

static void test_rounding(void)
{
    static const char *const mname[4] = { "RN", "RP", "RM", "RZ" };
    /* 1 + 0.75ulp, -(1 + 0.75ulp), 1/3, 2/3, sqrt(2), DBL_MAX*2,
     * -DBL_MAX*2, DBL_MIN*DBL_MIN: per mode. */
    static const uint64_t add_pos[4] = { 0x3ff0000000000001ull,
        0x3ff0000000000001ull, D_ONE, D_ONE };
    static const uint64_t add_neg[4] = { 0xbff0000000000001ull,
        D_MONE, 0xbff0000000000001ull, D_MONE };
    static const uint64_t third[4] = { 0x3fd5555555555555ull,
        0x3fd5555555555556ull, 0x3fd5555555555555ull, 0x3fd5555555555555ull };
    static const uint64_t mthird2[4] = { 0xbfe5555555555555ull,
        0xbfe5555555555555ull, 0xbfe5555555555556ull, 0xbfe5555555555555ull };
    static const uint64_t sqrt2[4] = { 0x3ff6a09e667f3bcdull,
        0x3ff6a09e667f3bcdull, 0x3ff6a09e667f3bccull, 0x3ff6a09e667f3bccull };
    static const uint64_t ovf[4] = { D_INF, D_INF, D_MAX, D_MAX };
    static const uint64_t movf[4] = { D_MINF, D_MMAX, D_MINF, D_MMAX };
    static const uint64_t unf[4] = { D_ZERO, D_DENORM, D_ZERO, D_ZERO };
    static const uint64_t f_add[4] = { 0x3f800001, 0x3f800001, 0x3f800000,
        0x3f800000 };
    static const uint64_t f_third[4] = { 0x3eaaaaab, 0x3eaaaaab, 0x3eaaaaaa,
        0x3eaaaaaa };
    static const uint64_t ucvt_max[4] = { 0x43f0000000000000ull,
        0x43f0000000000000ull, 0x43efffffffffffffull, 0x43efffffffffffffull };
    static const uint64_t scvt_max[4] = { 0x43e0000000000000ull,
        0x43e0000000000000ull, 0x43dfffffffffffffull, 0x43dfffffffffffffull };
    static const uint64_t frinti25[4] = { D_TWO, D_THREE, D_TWO, D_TWO };
    static const uint64_t frinti_m25[4] = { 0xc000000000000000ull,
        0xc000000000000000ull, 0xc008000000000000ull, 0xc000000000000000ull };
    static const uint64_t cvt_sd_third[4] = { 0x3eaaaaab, 0x3eaaaaab,
        0x3eaaaaaa, 0x3eaaaaaa };
    static const uint64_t cvt_sd_big[4] = { 0x7f800000, 0x7f800000,
        0x7f7fffff, 0x7f7fffff };
    static const uint64_t fma_exact[4] = { 0x3970000000000000ull,
        0x3970000000000000ull, 0x3970000000000000ull, 0x3970000000000000ull };

    for (int m = 0; m < 4; m++) {
        TLine l = { .len = 0 };
        uint64_t c = MODE(m);
#define NAME(s) (l.len = 0, tl_str(&l, s), tl_str(&l, " "), \
                 tl_str(&l, mname[m]), l.buf[l.len] = 0, l.buf)
        t2(NAME("fadd 1+0.75ulp"), fadd_d, c, D_ONE, D_075ULP, add_pos[m],
           IXC);
        t2(NAME("fadd -1-0.75ulp"), fadd_d, c, D_MONE, D_075ULP | D_MZERO,
           add_neg[m], IXC);
        t2(NAME("fdiv 1/3"), fdiv_d, c, D_ONE, D_THREE, third[m], IXC);
        t2(NAME("fdiv -2/3"), fdiv_d, c, 0xc000000000000000ull, D_THREE,
           mthird2[m], IXC);
        t2(NAME("fsqrt 2"), fsqrt_d, c, D_TWO, 0, sqrt2[m], IXC);
        t2(NAME("fmul max*2 overflow"), fmul_d, c, D_MAX, D_TWO, ovf[m],
           OFC | IXC);
        t2(NAME("fmul -max*2 overflow"), fmul_d, c, D_MMAX, D_TWO, movf[m],
           OFC | IXC);
        t2(NAME("fmul min*min underflow"), fmul_d, c, D_MIN, D_MIN, unf[m],
           UFC | IXC);
        t2(NAME("fadd s 1+0.75ulp"), fadd_s, c, 0x3f800000, 0x33c00000,
           f_add[m], IXC);
        t2(NAME("fdiv s 1/3"), fdiv_s, c, 0x3f800000, 0x40400000, f_third[m],
           IXC);
        t2(NAME("ucvtf d 2^64-1"), ucvtf_dx, c, ~0ull, 0, ucvt_max[m], IXC);
        t2(NAME("scvtf d 2^63-1"), scvtf_dx, c, 0x7fffffffffffffffull, 0,
           scvt_max[m], IXC);
        t2(NAME("frinti 2.5"), frinti_d, c, 0x4004000000000000ull, 0,
           frinti25[m], 0);
        t2(NAME("frinti -2.5"), frinti_d, c, 0xc004000000000000ull, 0,
           frinti_m25[m], 0);
        t2(NAME("fcvt s<-d 1/3"), fcvt_sd, c, 0x3fd5555555555555ull, 0,
           cvt_sd_third[m], IXC);
        t2(NAME("fcvt s<-d 1e300"), fcvt_sd, c, 0x7e37e43c8800759cull, 0,
           cvt_sd_big[m], OFC | IXC);
        t3(NAME("fmadd x*x-p exact"), fmadd_d, c, 0x3ff0000000000001ull,
           0x3ff0000000000001ull, 0xbff0000000000002ull, fma_exact[m], 0);
        /* Exact results raise nothing in every mode. */
        t2(NAME("fadd 1+2 exact"), fadd_d, c, D_ONE, D_TWO, D_THREE, 0);
        /* x - x is +0 except in RM where it is -0. */
        t2(NAME("fsub 1-1 sign of zero"), fsub_d, c, D_ONE, D_ONE,
           m == RM ? D_MZERO : D_ZERO, 0);
#undef NAME
    }
    /* Ties. */
    t2("fadd 1+0.5ulp ties-to-even (down)", fadd_d, MODE(RN), D_ONE,
       D_HALFULP, D_ONE, IXC);
    t2("fadd (1+ulp)+0.5ulp ties-to-even (up)", fadd_d, MODE(RN),
       0x3ff0000000000001ull, D_HALFULP, 0x3ff0000000000002ull, IXC);
    t2("fmul tiny: tininess before rounding", fmul_d, MODE(RN), D_MIN,
       0x3fefffffffffffffull, D_MIN, UFC | IXC);
    t2("fmul exact denormal: no flags", fmul_d, MODE(RN), D_MIN, D_HALF,
       0x0008000000000000ull, 0);
    /* FPCR reads back. */
    set_fpcr(MODE(RZ) | FZ | DN);
    check_u64("fpcr read back", get_fpcr(), MODE(RZ) | FZ | DN);
    set_fpcr(0);
    check_u64("fpcr cleared", get_fpcr(), 0);
    set_fpsr(IOC | IXC);
    check_u64("fpsr read back", get_fpsr(), IOC | IXC);
    set_fpsr(0);
}

static void test_special(void)
{
    t2("fdiv 1/0", fdiv_d, 0, D_ONE, D_ZERO, D_INF, DZC);
    t2("fdiv -1/0", fdiv_d, 0, D_MONE, D_ZERO, D_MINF, DZC);
    t2("fdiv 1/-0", fdiv_d, 0, D_ONE, D_MZERO, D_MINF, DZC);
    t2("fdiv 0/0", fdiv_d, 0, D_ZERO, D_ZERO, D_DNAN, IOC);
    t2("fdiv inf/0 (no DZC)", fdiv_d, 0, D_INF, D_ZERO, D_INF, 0);
    t2("fsub inf-inf", fsub_d, 0, D_INF, D_INF, D_DNAN, IOC);
    t2("fmul 0*inf", fmul_d, 0, D_ZERO, D_MINF, D_DNAN, IOC);
    t2("fsqrt -1", fsqrt_d, 0, D_MONE, 0, D_DNAN, IOC);
    t2("fsqrt -0", fsqrt_d, 0, D_MZERO, 0, D_MZERO, 0);
    t2("fsqrt s 4", fsqrt_s, 0, 0x40800000, 0, 0x40000000, 0);
    t2("fdiv s 1/0", fdiv_s, 0, 0x3f800000, 0, 0x7f800000, DZC);
    /* NaN propagation. */
    t2("fadd qnan+1 propagates payload", fadd_d, 0, D_QNAN1, D_ONE, D_QNAN1, 0);
    t2("fadd 1+qnan(neg) keeps sign", fadd_d, 0, D_ONE, D_QNAN2, D_QNAN2, 0);
    t2("fadd snan+1 quiets", fadd_d, 0, D_SNAN1, D_ONE,
       D_SNAN1 | 0x0008000000000000ull, IOC);
    t2("fadd qnan+snan: snan wins", fadd_d, 0, D_QNAN1, D_SNAN2,
       D_SNAN2 | 0x0008000000000000ull, IOC);
    t2("fadd qnan+qnan: first wins", fadd_d, 0, D_QNAN1, D_QNAN2, D_QNAN1, 0);
    t2("fmul snan+snan: first wins", fmul_d, 0, D_SNAN2, D_SNAN1,
       D_SNAN2 | 0x0008000000000000ull, IOC);
    t2("fadd s snan quiets", fadd_s, 0, 0x7f800001, 0x3f800000, 0x7fc00001,
       IOC);
    t3("fmadd nan addend", fmadd_d, 0, D_ONE, D_ONE, D_QNAN2, D_QNAN2, 0);
    t3("fmadd 0*inf+qnan: invalid, default NaN", fmadd_d, 0, D_ZERO, D_INF,
       D_QNAN1, D_DNAN, IOC);
    t3("fmadd snan addend first", fmadd_d, 0, D_QNAN1, D_ONE, D_SNAN2,
       D_SNAN2 | 0x0008000000000000ull, IOC);
    /* Default NaN mode. */
    t2("DN: fadd qnan+1", fadd_d, DN, D_QNAN1, D_ONE, D_DNAN, 0);
    t2("DN: fadd snan+1", fadd_d, DN, D_SNAN1, D_ONE, D_DNAN, IOC);
    t2("DN: fadd s qnan", fadd_s, DN, 0xffc00005, 0x3f800000, 0x7fc00000, 0);
    t2("DN: fneg of a NaN is not arithmetic", fneg_d, DN, D_SNAN1, 0,
       D_SNAN1 | D_MZERO, 0);
    t2("fabs of a NaN", fabs_d, 0, D_QNAN2, 0, D_QNAN2 & ~D_MZERO, 0);
    /* min/max. */
    t2("fmax qnan,1", fmax_d, 0, D_QNAN1, D_ONE, D_QNAN1, 0);
    t2("fmaxnm qnan,1", fmaxnm_d, 0, D_QNAN1, D_ONE, D_ONE, 0);
    t2("fminnm 1,qnan", fminnm_d, 0, D_ONE, D_QNAN2, D_ONE, 0);
    t2("fmaxnm snan,1", fmaxnm_d, 0, D_SNAN1, D_ONE,
       D_SNAN1 | 0x0008000000000000ull, IOC);
    t2("fmaxnm s qnan,qnan", fmaxnm_s, 0, 0x7fc00001, 0xffc00002, 0x7fc00001,
       0);
    t2("fmin -0,+0", fmin_d, 0, D_MZERO, D_ZERO, D_MZERO, 0);
    t2("fmin +0,-0", fmin_d, 0, D_ZERO, D_MZERO, D_MZERO, 0);
    t2("fmax -0,+0", fmax_d, 0, D_MZERO, D_ZERO, D_ZERO, 0);
    t2("fmax -inf,1", fmax_d, 0, D_MINF, D_ONE, D_ONE, 0);
    t2("fabd 1,3", fabd_d, 0, D_ONE, D_THREE, D_TWO, 0);
    t2("fnmul 1*2", fnmul_d, 0, D_ONE, D_TWO, 0xc000000000000000ull, 0);
    /* Fused multiply-add sign conventions: n=2, m=3, a=10. */
    t3("fmadd 2*3+10", fmadd_d, 0, D_TWO, D_THREE, 0x4024000000000000ull,
       0x4030000000000000ull, 0);
    t3("fmsub 10-2*3", fmsub_d, 0, D_TWO, D_THREE, 0x4024000000000000ull,
       0x4010000000000000ull, 0);
    t3("fnmadd -10-2*3", fnmadd_d, 0, D_TWO, D_THREE, 0x4024000000000000ull,
       0xc030000000000000ull, 0);
    t3("fnmsub 2*3-10", fnmsub_d, 0, D_TWO, D_THREE, 0x4024000000000000ull,
       0xc010000000000000ull, 0);
    t3("fmadd max*2-max is exact (no overflow)", fmadd_d, 0, D_MAX, D_TWO,
       D_MMAX, D_MAX, 0);
}

static void test_ftz(void)
{
    t2("no FZ: denormal+0 exact", fadd_d, 0, D_DENORM, D_ZERO, D_DENORM, 0);
    t2("FZ: denormal input flushed (IDC)", fadd_d, FZ, D_DENORM, D_ZERO,
       D_ZERO, IDC);
    t2("FZ: negative denormal input flushed to -0", fadd_d, FZ,
       0x8000000000000001ull, D_MZERO, D_MZERO, IDC);
    t2("FZ: denormal output flushed (UFC, no IXC)", fmul_d, FZ, D_MIN,
       D_HALF, D_ZERO, UFC);
    t2("FZ: min*min", fmul_d, FZ, D_MIN, D_MIN, D_ZERO, UFC);
    t2("FZ s: denormal input flushed", fadd_s, FZ, 0x00000001, 0x3f800000,
       0x3f800000, IDC);
    t2("FZ s: denormal output flushed", fmul_s, FZ, 0x00800000, 0x3f000000,
       0, UFC);
    t2("FZ: normal result unaffected", fmul_d, FZ, D_MIN, D_TWO,
       0x0020000000000000ull, 0);
    t2("FZ+DN: snan", fadd_d, FZ | DN, D_SNAN1, D_DENORM, D_DNAN,
       IOC | IDC);
}

static void test_compare(void)
{
    /* NZCV: less 8, equal 6, greater 2, unordered 3. */
    t2("fcmp 1<2", fcmp_d, 0, D_ONE, D_TWO, 8, 0);
    t2("fcmp 2=2", fcmp_d, 0, D_TWO, D_TWO, 6, 0);
    t2("fcmp 3>2", fcmp_d, 0, D_THREE, D_TWO, 2, 0);
    t2("fcmp -0=+0", fcmp_d, 0, D_MZERO, D_ZERO, 6, 0);
    t2("fcmp qnan unordered, quiet", fcmp_d, 0, D_QNAN1, D_ONE, 3, 0);
    t2("fcmpe qnan signals", fcmpe_d, 0, D_QNAN1, D_ONE, 3, IOC);
    t2("fcmp snan signals", fcmp_d, 0, D_ONE, D_SNAN1, 3, IOC);
    t2("fcmp #0.0 -inf", fcmp0_d, 0, D_MINF, 0, 8, 0);
    t2("fcmp inf=inf", fcmp_d, 0, D_INF, D_INF, 6, 0);
    t2("fccmp cond false -> #4", fccmp_d, 0, D_ONE, D_TWO, 4, 0);
    t2("fcsel gt", fcsel_d, 0, D_THREE, D_TWO, D_THREE, 0);
    t2("fcsel not gt", fcsel_d, 0, D_ONE, D_TWO, D_TWO, 0);
}

static void test_convert(void)
{
    t2("fcvtzs 1.5", fcvtzs_xd, 0, 0x3ff8000000000000ull, 0, 1, IXC);
    t2("fcvtzs -1.5", fcvtzs_xd, 0, 0xbff8000000000000ull, 0, -1ull, IXC);
    t2("fcvtzs 1e300 saturates", fcvtzs_xd, 0, 0x7e37e43c8800759cull, 0,
       0x7fffffffffffffffull, IOC);
    t2("fcvtzs -inf saturates", fcvtzs_xd, 0, D_MINF, 0,
       0x8000000000000000ull, IOC);
    t2("fcvtzs nan -> 0", fcvtzs_xd, 0, D_QNAN1, 0, 0, IOC);
    t2("fcvtzs -2^63 exact", fcvtzs_xd, 0, 0xc3e0000000000000ull, 0,
       0x8000000000000000ull, 0);
    t2("fcvtzu -1 -> 0", fcvtzu_xd, 0, D_MONE, 0, 0, IOC);
    t2("fcvtzu -0.5 -> 0 inexact", fcvtzu_xd, 0, 0xbfe0000000000000ull, 0, 0,
       IXC);
    t2("fcvtzu 2^64 saturates", fcvtzu_xd, 0, 0x43f0000000000000ull, 0,
       ~0ull, IOC);
    t2("fcvtzs w 2^31 saturates", fcvtzs_wd, 0, 0x41e0000000000000ull, 0,
       0x7fffffff, IOC);
    t2("fcvtzs w -2^31-0.5 truncates", fcvtzs_wd, 0, 0xc1e0000000100000ull,
       0, 0x80000000, IXC);
    t2("fcvtzs w -2^31-1 saturates", fcvtzs_wd, 0, 0xc1e0000000200000ull, 0,
       0x80000000, IOC);
    t2("fcvtzu w 2^32 saturates", fcvtzu_wd, 0, 0x41f0000000000000ull, 0,
       0xffffffff, IOC);
    t2("fcvtns 2.5 -> 2", fcvtns_xd, 0, 0x4004000000000000ull, 0, 2, IXC);
    t2("fcvtns 3.5 -> 4", fcvtns_xd, 0, 0x400c000000000000ull, 0, 4, IXC);
    t2("fcvtas 2.5 -> 3", fcvtas_xd, 0, 0x4004000000000000ull, 0, 3, IXC);
    t2("fcvtas -2.5 -> -3", fcvtas_xd, 0, 0xc004000000000000ull, 0, -3ull,
       IXC);
    t2("fcvtms -1.5 -> -2", fcvtms_xd, 0, 0xbff8000000000000ull, 0, -2ull,
       IXC);
    t2("fcvtps -1.5 -> -1", fcvtps_xd, 0, 0xbff8000000000000ull, 0, -1ull,
       IXC);
    t2("fcvtps 1.25 -> 2", fcvtps_xd, 0, 0x3ff4000000000000ull, 0, 2, IXC);
    t2("fcvtau w 0.5 -> 1", fcvtau_wd, 0, D_HALF, 0, 1, IXC);
    t2("fcvtzs ignores FPCR rounding", fcvtzs_xd, MODE(RP),
       0x3ff8000000000000ull, 0, 1, IXC);
    t2("fcvtzs #8 fixed 1.5", fcvtzs_fix8, 0, 0x3ff8000000000000ull, 0, 384,
       0);
    t2("fcvtzu w #32 fixed 0.5", fcvtzu_wfix32, 0, D_HALF, 0, 0x80000000, 0);
    t2("scvtf d w -1", scvtf_dw, 0, 0xffffffff, 0, D_MONE, 0);
    t2("scvtf d -2^63", scvtf_dx, 0, 0x8000000000000000ull, 0,
       0xc3e0000000000000ull, 0);
    t2("ucvtf d w #16 fixed", ucvtf_dw_fix, 0, 0x00018000, 0,
       0x3ff8000000000000ull, 0);
    t2("scvtf s 2^24+1 RN", scvtf_sx, 0, 0x1000001, 0, 0x4b800000, IXC);
    t2("scvtf s 2^24+1 RP", scvtf_sx, MODE(RP), 0x1000001, 0, 0x4b800001,
       IXC);
    /* frint*. */
    t2("frintn -2.5", frintn_d, 0, 0xc004000000000000ull, 0,
       0xc000000000000000ull, 0);
    t2("frinta -2.5", frinta_d, 0, 0xc004000000000000ull, 0,
       0xc008000000000000ull, 0);
    t2("frintm -0.5", frintm_d, 0, 0xbfe0000000000000ull, 0, D_MONE, 0);
    t2("frintp -0.5 -> -0", frintp_d, 0, 0xbfe0000000000000ull, 0, D_MZERO,
       0);
    t2("frintz -0.7 -> -0", frintz_d, 0, 0xbfe6666666666666ull, 0, D_MZERO,
       0);
    t2("frintx 2.5 inexact", frintx_d, 0, 0x4004000000000000ull, 0, D_TWO,
       IXC);
    t2("frintx 2.0 exact", frintx_d, 0, D_TWO, 0, D_TWO, 0);
    t2("frintn snan", frintn_d, 0, D_SNAN1, 0, D_SNAN1 | 0x0008000000000000ull,
       IOC);
    t2("frintz 2^53+1 unchanged", frintz_d, 0, 0x4340000000000001ull, 0,
       0x4340000000000001ull, 0);
    /* Precision conversions. */
    t2("fcvt d<-s snan quiets, payload shifted", fcvt_ds, 0, 0x7f800001, 0,
       0x7ff8000020000000ull, IOC);
    t2("fcvt d<-s denormal exact", fcvt_ds, 0, 0x00000001, 0,
       0x36a0000000000000ull, 0);
    t2("FZ: fcvt d<-s denormal flushed", fcvt_ds, FZ, 0x00000001, 0, 0, IDC);
    t2("fcvt s<-d qnan payload", fcvt_sd, 0, 0xfff8000020000000ull, 0,
       0xffc00001, 0);
    t2("fcvt h<-d 1/3", fcvt_hd, 0, 0x3fd5555555555555ull, 0, 0x3555, IXC);
    t2("fcvt h<-d 65520 overflows", fcvt_hd, 0, 0x40effe0000000000ull, 0,
       0x7c00, OFC | IXC);
    t2("fcvt h<-d 65519 rounds down", fcvt_hd, 0, 0x40effde000000000ull, 0,
       0x7bff, IXC);
    t2("fcvt s<-h 1/3", fcvt_sh, 0, 0x3555, 0, 0x3eaaa000, 0);
    t2("fcvt d<-h denormal", fcvt_dh, 0, 0x0001, 0, 0x3e70000000000000ull,
       0);
    t2("fcvt s<-h inf", fcvt_sh, 0, 0xfc00, 0, 0xff800000, 0);
    t2("AHP: fcvt s<-h 0x7c00 is 65536", fcvt_sh_ahp, 1u << 26, 0x7c00, 0,
       0x47800000, 0);
    t2("fmov s #-0.125", fmov_imm_s, 0, 0, 0, 0xbe000000, 0);
    t2("fmov d #31.0", fmov_imm_d, 0, 0, 0, 0x403f000000000000ull, 0);
}

/* Half-precision arithmetic (FEAT_FP16): only if the CPU advertises it. */
static void test_fp16(void)
{
    static const uint64_t h_add[4] = { 0x3c01, 0x3c01, 0x3c00, 0x3c00 };
    static const char *const hname[4] = {
        "fadd h 1+0.75ulp RN", "fadd h 1+0.75ulp RP",
        "fadd h 1+0.75ulp RM", "fadd h 1+0.75ulp RZ",
    };

    if (!(t_getauxval(T_AT_HWCAP) & T_HWCAP_FPHP)) {
        t_skip("half-precision arithmetic (no HWCAP_FPHP)");
        return;
    }
    for (int m = 0; m < 4; m++) {
        t2(hname[m], fadd_h, MODE(m), 0x3c00, 0x1200, h_add[m], IXC);
    }
    t2("fdiv h 1/0", fdiv_h, 0, 0x3c00, 0, 0x7c00, DZC);
    t2("fmul h overflow", fmul_h, 0, 0x7bff, 0x4000, 0x7c00, OFC | IXC);
    t2("fadd h snan quiets", fadd_h, 0, 0x7c01, 0x3c00, 0x7e01, IOC);
    t2("FZ does not apply to half precision", fadd_h, FZ, 0x0001, 0x0000,
       0x0001, 0);
}

int main(int argc, char **argv)
{
    test_rounding();
    test_special();
    test_ftz();
    test_compare();
    test_convert();
    test_fp16();
    return t_done();
}

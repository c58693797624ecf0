/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ARM floating-point arithmetic (see fpu.h for the interface).
 *
 * Two layers:
 *
 *   - A compact software model written after the ARM ARM pseudocode.  A
 *     finite operand is unpacked to (sign, exponent, 64-bit significand
 *     with the leading one at bit 63); an operation computes its exact
 *     result, or the top 64 bits of it with the rest OR-ed ("jammed")
 *     into bit 0, and fp_round() rounds that exactly like FPRoundBase:
 *     tininess before rounding, flush-to-zero of tiny results with UFC
 *     and no IXC, overflow by rounding mode, AHP saturation.  One set of
 *     functions serves half, single and double through an FPFmt.
 *
 *   - A host fast path for the common case of add, sub, mul, div, sqrt
 *     and fused multiply-add: FPCR.RMode = RN, FPSR.IXC already set, both
 *     operands normal or zero.  Then the SSE result of the host (which
 *     runs in round-to-nearest, no FTZ/DAZ) is the ARM result whenever it
 *     is a normal number above the smallest normal: no underflow or
 *     overflow happened, and the only flag the operation could raise,
 *     Inexact, is already set.  Anything else falls back to software.
 *     The host MXCSR is never written.
 */
#include <string.h>

#include "fpu.h"

typedef unsigned __int128 u128;

/*
 * Host square root and fused multiply-add without libm (the frontend
 * library does not link it): SSE2 sqrtsd/sqrtss, and FMA3 when the host
 * has it (checked once, at run time).
 */
static inline double host_sqrt(double x)
{
    __asm__("sqrtsd %1, %0" : "=x"(x) : "x"(x));
    return x;
}

static inline float host_sqrtf(float x)
{
    __asm__("sqrtss %1, %0" : "=x"(x) : "x"(x));
    return x;
}

__attribute__((target("fma")))
static double host_fma(double a, double b, double c)
{
    return __builtin_fma(a, b, c);
}

__attribute__((target("fma")))
static float host_fmaf(float a, float b, float c)
{
    return __builtin_fmaf(a, b, c);
}

static bool host_has_fma(void)
{
    static int has = -1;

    if (has < 0) {
        has = __builtin_cpu_supports("fma") ? 1 : 0;
    }
    return has;
}

/* ------------------------------------------------------------------ */
/* Formats and unpacked values                                         */

typedef struct FPFmt {
    int ebits;      /* exponent field width */
    int fbits;      /* fraction field width */
} FPFmt;

static const FPFmt fmt16 = { 5, 10 };
static const FPFmt fmt32 = { 8, 23 };
static const FPFmt fmt64 = { 11, 52 };

enum { FPC_ZERO, FPC_NORMAL, FPC_INF, FPC_QNAN, FPC_SNAN };

typedef struct FPVal {
    int cls;
    bool sign;
    int exp;        /* value = sig * 2^(exp - 63) */
    uint64_t sig;   /* bit 63 set for FPC_NORMAL */
} FPVal;

static inline int fmt_bias(const FPFmt *f)
{
    return (1 << (f->ebits - 1)) - 1;
}

static inline uint64_t fmt_emask(const FPFmt *f)
{
    return (1ull << f->ebits) - 1;
}

static inline uint64_t fmt_fmask(const FPFmt *f)
{
    return (1ull << f->fbits) - 1;
}

static inline uint64_t fmt_signbit(const FPFmt *f)
{
    return 1ull << (f->ebits + f->fbits);
}

static inline uint64_t fmt_qbit(const FPFmt *f)
{
    return 1ull << (f->fbits - 1);
}

static uint64_t fp_zero(const FPFmt *f, bool sign)
{
    return sign ? fmt_signbit(f) : 0;
}

static uint64_t fp_inf(const FPFmt *f, bool sign)
{
    return fp_zero(f, sign) | fmt_emask(f) << f->fbits;
}

static uint64_t fp_max_normal(const FPFmt *f, bool sign)
{
    return fp_zero(f, sign) | (fmt_emask(f) - 1) << f->fbits | fmt_fmask(f);
}

static uint64_t fp_default_nan(const FPFmt *f)
{
    return fmt_emask(f) << f->fbits | fmt_qbit(f);
}

/* Does FPCR.FZ flush operands and results of this format? */
static inline bool fmt_fz(const FPFmt *f, const FPStatus *st)
{
    return f->fbits != 10 && (st->fpcr & FPCR_FZ);
}

static inline bool fmt_ahp(const FPFmt *f, const FPStatus *st)
{
    return f->fbits == 10 && (st->fpcr & FPCR_AHP);
}

/* FPUnpack: classify; a denormal under FZ is zero and raises IDC. */
static FPVal fp_unpack_fz(const FPFmt *f, uint64_t x, bool fz, bool ahp,
                          FPStatus *st)
{
    FPVal v;
    uint64_t e = (x >> f->fbits) & fmt_emask(f);
    uint64_t frac = x & fmt_fmask(f);

    v.sign = (x & fmt_signbit(f)) != 0;
    v.exp = 0;
    v.sig = 0;
    if (e == fmt_emask(f) && !ahp) {
        if (frac == 0) {
            v.cls = FPC_INF;
        } else {
            v.cls = (frac & fmt_qbit(f)) ? FPC_QNAN : FPC_SNAN;
        }
    } else if (e == 0) {
        if (frac == 0) {
            v.cls = FPC_ZERO;
        } else if (fz) {
            v.cls = FPC_ZERO;
            st->fpsr |= FPSR_IDC;
        } else {
            int lz = __builtin_clzll(frac);
            v.cls = FPC_NORMAL;
            v.sig = frac << lz;
            v.exp = 1 - fmt_bias(f) - f->fbits + (63 - lz);
        }
    } else {
        v.cls = FPC_NORMAL;
        v.sig = (frac | 1ull << f->fbits) << (63 - f->fbits);
        v.exp = (int)e - fmt_bias(f);
    }
    return v;
}

static FPVal fp_unpack(const FPFmt *f, uint64_t x, FPStatus *st)
{
    return fp_unpack_fz(f, x, fmt_fz(f, st), fmt_ahp(f, st), st);
}

static inline bool is_nan(const FPVal *v)
{
    return v->cls == FPC_QNAN || v->cls == FPC_SNAN;
}

/* ------------------------------------------------------------------ */
/* Rounding (FPRoundBase)                                              */

static inline uint64_t shr_jam64(uint64_t x, int n)
{
    if (n <= 0) {
        return x;
    }
    if (n >= 64) {
        return x != 0;
    }
    return (x >> n) | ((x & ((1ull << n) - 1)) != 0);
}

static inline u128 shr_jam128(u128 x, int n)
{
    if (n <= 0) {
        return x;
    }
    if (n >= 128) {
        return x != 0;
    }
    return (x >> n) | ((x & (((u128)1 << n) - 1)) != 0);
}

/*
 * Round sign * sig * 2^(exp - 63) (sig != 0 with bit 63 set, inexact
 * bits jammed into bit 0) to format f with rounding rm.
 */
static uint64_t fp_round(const FPFmt *f, bool sign, int exp, uint64_t sig,
                         FPRounding rm, FPStatus *st)
{
    const int minexp = 1 - fmt_bias(f);
    const int rshift = 63 - f->fbits;
    const uint64_t half = 1ull << (rshift - 1);
    bool ahp = fmt_ahp(f, st);
    bool ovf_inf, up, inexact;
    uint64_t mant, rem, biased;

    if (exp < minexp) {
        if (fmt_fz(f, st)) {
            st->fpsr |= FPSR_UFC;
            return fp_zero(f, sign);
        }
        sig = shr_jam64(sig, minexp - exp);
        biased = 0;
    } else {
        biased = (uint64_t)(exp - minexp + 1);
    }
    mant = sig >> rshift;
    rem = sig & ((1ull << rshift) - 1);
    inexact = rem != 0;
    if (biased == 0 && inexact) {
        st->fpsr |= FPSR_UFC;
    }
    switch (rm) {
    case FPROUNDING_TIEEVEN:
        up = rem > half || (rem == half && (mant & 1));
        ovf_inf = true;
        break;
    case FPROUNDING_TIEAWAY:
        up = rem >= half;
        ovf_inf = true;
        break;
    case FPROUNDING_POSINF:
        up = inexact && !sign;
        ovf_inf = !sign;
        break;
    case FPROUNDING_NEGINF:
        up = inexact && sign;
        ovf_inf = sign;
        break;
    default:
        up = false;
        ovf_inf = false;
        break;
    }
    if (up) {
        mant++;
        if (mant == 1ull << f->fbits) {
            biased = 1;
        } else if (mant == 2ull << f->fbits) {
            biased++;
            mant >>= 1;
        }
    }
    if (inexact && rm == FPROUNDING_ODD) {
        mant |= 1;
    }
    if (!ahp) {
        if (biased >= fmt_emask(f)) {
            st->fpsr |= FPSR_OFC | FPSR_IXC;
            return ovf_inf ? fp_inf(f, sign) : fp_max_normal(f, sign);
        }
    } else if (biased > fmt_emask(f)) {
        st->fpsr |= FPSR_IOC;
        return fp_zero(f, sign) | (fmt_signbit(f) - 1);
    }
    if (inexact) {
        st->fpsr |= FPSR_IXC;
    }
    return fp_zero(f, sign) | biased << f->fbits | (mant & fmt_fmask(f));
}

/* Round a 128-bit magnitude m * 2^(e - 126) (m != 0). */
static uint64_t fp_round128(const FPFmt *f, bool sign, int e, u128 m,
                            FPRounding rm, FPStatus *st)
{
    int p = 127 - (int)(m >> 64 ? __builtin_clzll((uint64_t)(m >> 64))
                                 : 64 + __builtin_clzll((uint64_t)m));
    u128 n = m << (127 - p);
    uint64_t sig = (uint64_t)(n >> 64) | ((uint64_t)n != 0);

    return fp_round(f, sign, e - 126 + p, sig, rm, st);
}

/* ------------------------------------------------------------------ */
/* NaN handling                                                        */

/* FPProcessNaN. */
static uint64_t fp_process_nan(const FPFmt *f, uint64_t x, const FPVal *v,
                               FPStatus *st)
{
    if (v->cls == FPC_SNAN) {
        st->fpsr |= FPSR_IOC;
        x |= fmt_qbit(f);
    }
    if (st->fpcr & FPCR_DN) {
        return fp_default_nan(f);
    }
    return x;
}

/* FPProcessNaNs: true (and *res) when a or b is a NaN. */
static bool fp_process_nans(const FPFmt *f, uint64_t a, const FPVal *va,
                            uint64_t b, const FPVal *vb, uint64_t *res,
                            FPStatus *st)
{
    if (va->cls == FPC_SNAN) {
        *res = fp_process_nan(f, a, va, st);
    } else if (vb->cls == FPC_SNAN) {
        *res = fp_process_nan(f, b, vb, st);
    } else if (va->cls == FPC_QNAN) {
        *res = fp_process_nan(f, a, va, st);
    } else if (vb->cls == FPC_QNAN) {
        *res = fp_process_nan(f, b, vb, st);
    } else {
        return false;
    }
    return true;
}

/* FPProcessNaNs3. */
static bool fp_process_nans3(const FPFmt *f, uint64_t a, const FPVal *va,
                             uint64_t b, const FPVal *vb, uint64_t c,
                             const FPVal *vc, uint64_t *res, FPStatus *st)
{
    if (va->cls == FPC_SNAN) {
        *res = fp_process_nan(f, a, va, st);
    } else if (vb->cls == FPC_SNAN) {
        *res = fp_process_nan(f, b, vb, st);
    } else if (vc->cls == FPC_SNAN) {
        *res = fp_process_nan(f, c, vc, st);
    } else if (va->cls == FPC_QNAN) {
        *res = fp_process_nan(f, a, va, st);
    } else if (vb->cls == FPC_QNAN) {
        *res = fp_process_nan(f, b, vb, st);
    } else if (vc->cls == FPC_QNAN) {
        *res = fp_process_nan(f, c, vc, st);
    } else {
        return false;
    }
    return true;
}

static uint64_t fp_invalid(const FPFmt *f, FPStatus *st)
{
    st->fpsr |= FPSR_IOC;
    return fp_default_nan(f);
}

/* ------------------------------------------------------------------ */
/* Software arithmetic                                                 */

/*
 * Exact sum of two finite magnitudes in the wide form m * 2^(e - 126)
 * (m < 2^127), rounded; an exact zero gets the sign FPAdd gives it.
 */
static uint64_t fp_add_wide(const FPFmt *f, bool sa, int ea, u128 ma,
                            bool sb, int eb, u128 mb, int scale,
                            FPRounding rm, FPStatus *st)
{
    u128 r;
    bool sign;

    if (ma == 0 || (mb != 0 && eb > ea)) {
        bool ts = sa;
        int te = ea;
        u128 tm = ma;
        sa = sb; ea = eb; ma = mb;
        sb = ts; eb = te; mb = tm;
    }
    if (mb != 0) {
        mb = shr_jam128(mb, ea - eb);
    }
    sign = sa;
    if (sa == sb) {
        r = ma + mb;
    } else if (ma >= mb) {
        r = ma - mb;
    } else {
        r = mb - ma;
        sign = sb;
    }
    if (r == 0) {
        return fp_zero(f, rm == FPROUNDING_NEGINF);
    }
    return fp_round128(f, sign, ea + scale, r, rm, st);
}

static inline u128 wide_of(const FPVal *v)
{
    return v->cls == FPC_NORMAL ? (u128)v->sig << 63 : 0;
}

/* FPAdd / FPSub (neg: b is subtracted; NaNs keep their own sign). */
static uint64_t sw_add(const FPFmt *f, uint64_t a, uint64_t b, bool neg,
                       FPStatus *st)
{
    FPVal va = fp_unpack(f, a, st), vb = fp_unpack(f, b, st);
    uint64_t res;
    bool sb;

    if (fp_process_nans(f, a, &va, b, &vb, &res, st)) {
        return res;
    }
    sb = vb.sign ^ neg;
    if (va.cls == FPC_INF && vb.cls == FPC_INF && va.sign != sb) {
        return fp_invalid(f, st);
    }
    if (va.cls == FPC_INF) {
        return fp_inf(f, va.sign);
    }
    if (vb.cls == FPC_INF) {
        return fp_inf(f, sb);
    }
    if (va.cls == FPC_ZERO && vb.cls == FPC_ZERO && va.sign == sb) {
        return fp_zero(f, sb);
    }
    return fp_add_wide(f, va.sign, va.exp, wide_of(&va), sb, vb.exp,
                       wide_of(&vb), 0, fpst_rmode(st), st);
}

/* FPMul, and FPMulX when mulx. */
static uint64_t sw_mul(const FPFmt *f, uint64_t a, uint64_t b, bool mulx,
                       FPStatus *st)
{
    FPVal va = fp_unpack(f, a, st), vb = fp_unpack(f, b, st);
    bool sign = va.sign ^ vb.sign;
    uint64_t res;
    u128 p;

    if (fp_process_nans(f, a, &va, b, &vb, &res, st)) {
        return res;
    }
    if ((va.cls == FPC_INF && vb.cls == FPC_ZERO) ||
        (va.cls == FPC_ZERO && vb.cls == FPC_INF)) {
        if (mulx) {
            /* FPTwo(sign) */
            return fp_zero(f, sign) |
                   (uint64_t)(fmt_bias(f) + 1) << f->fbits;
        }
        return fp_invalid(f, st);
    }
    if (va.cls == FPC_INF || vb.cls == FPC_INF) {
        return fp_inf(f, sign);
    }
    if (va.cls == FPC_ZERO || vb.cls == FPC_ZERO) {
        return fp_zero(f, sign);
    }
    p = (u128)va.sig * vb.sig;
    return fp_round128(f, sign, va.exp + vb.exp, p, fpst_rmode(st), st);
}

static uint64_t sw_div(const FPFmt *f, uint64_t a, uint64_t b, FPStatus *st)
{
    FPVal va = fp_unpack(f, a, st), vb = fp_unpack(f, b, st);
    bool sign = va.sign ^ vb.sign;
    uint64_t res;
    u128 q, n;

    if (fp_process_nans(f, a, &va, b, &vb, &res, st)) {
        return res;
    }
    if ((va.cls == FPC_INF && vb.cls == FPC_INF) ||
        (va.cls == FPC_ZERO && vb.cls == FPC_ZERO)) {
        return fp_invalid(f, st);
    }
    if (va.cls == FPC_INF || vb.cls == FPC_ZERO) {
        if (va.cls != FPC_INF) {
            st->fpsr |= FPSR_DZC;
        }
        return fp_inf(f, sign);
    }
    if (va.cls == FPC_ZERO || vb.cls == FPC_INF) {
        return fp_zero(f, sign);
    }
    /* q = sig_a * 2^64 / sig_b in (2^63, 2^65); value q * 2^(ea-eb-64). */
    n = (u128)va.sig << 64;
    q = n / vb.sig;
    q |= (n % vb.sig) != 0;
    return fp_round128(f, sign, va.exp - vb.exp - 64 + 126, q,
                       fpst_rmode(st), st);
}

/* floor(sqrt(m)) for 2^126 <= m < 2^128, and whether it is exact. */
static uint64_t isqrt128(u128 m, bool *exact)
{
    double g = host_sqrt((double)m);
    u128 x = g >= 18446744073709551615.0 ? ~0ull : (uint64_t)g;
    uint64_t r;

    /* Two Newton steps from a 53-bit guess, then a final correction. */
    for (int i = 0; i < 2; i++) {
        x = (x + m / x) >> 1;
    }
    r = x > ~0ull ? ~0ull : (uint64_t)x;
    while ((u128)r * r > m) {
        r--;
    }
    while (r != ~0ull && (u128)(r + 1) * (r + 1) <= m) {
        r++;
    }
    *exact = (u128)r * r == m;
    return r;
}

static uint64_t sw_sqrt(const FPFmt *f, uint64_t a, FPStatus *st)
{
    FPVal va = fp_unpack(f, a, st);
    int e2;
    u128 m;
    uint64_t r;
    bool exact;

    if (is_nan(&va)) {
        return fp_process_nan(f, a, &va, st);
    }
    if (va.cls == FPC_ZERO) {
        return fp_zero(f, va.sign);
    }
    if (va.sign) {
        return fp_invalid(f, st);
    }
    if (va.cls == FPC_INF) {
        return fp_inf(f, false);
    }
    /* value = sig * 2^(exp - 63) = m * 2^(e2), e2 even, m ~ 2^126. */
    e2 = va.exp - 63 - 63;
    m = (u128)va.sig << 63;
    if (e2 & 1) {
        m <<= 1;
        e2 -= 1;
    }
    r = isqrt128(m, &exact);
    /* r has its top bit at 63; value = r * 2^(e2 / 2). */
    return fp_round(f, false, e2 / 2 + 63, r | !exact, fpst_rmode(st), st);
}

/*
 * FPMulAdd core: addend + n * m (after NaN and special handling), the
 * result scaled by 2^scale before the single rounding.
 */
static uint64_t fma_finite(const FPFmt *f, const FPVal *va, const FPVal *vn,
                           const FPVal *vm, int scale, FPStatus *st)
{
    bool sp = vn->sign ^ vm->sign;
    u128 p = 0, ma = wide_of(va);
    int ep = 0;

    if (vn->cls == FPC_NORMAL && vm->cls == FPC_NORMAL) {
        p = (u128)vn->sig * vm->sig;
        ep = vn->exp + vm->exp;
        if (p >> 127) {
            p = shr_jam128(p, 1);
            ep++;
        }
    }
    if (va->cls == FPC_ZERO && p == 0 && va->sign == sp) {
        return fp_zero(f, sp);
    }
    return fp_add_wide(f, va->sign, va->exp, ma, sp, ep, p, scale,
                       fpst_rmode(st), st);
}

static uint64_t sw_muladd(const FPFmt *f, uint64_t a, uint64_t n,
                          uint64_t m, FPStatus *st)
{
    FPVal va = fp_unpack(f, a, st), vn = fp_unpack(f, n, st);
    FPVal vm = fp_unpack(f, m, st);
    bool inf_zero = (vn.cls == FPC_INF && vm.cls == FPC_ZERO) ||
                    (vn.cls == FPC_ZERO && vm.cls == FPC_INF);
    bool sp = vn.sign ^ vm.sign;
    bool infp = vn.cls == FPC_INF || vm.cls == FPC_INF;
    uint64_t res;

    if (fp_process_nans3(f, a, &va, n, &vn, m, &vm, &res, st)) {
        if (va.cls == FPC_QNAN && inf_zero) {
            return fp_invalid(f, st);
        }
        return res;
    }
    if (inf_zero || (va.cls == FPC_INF && infp && va.sign != sp)) {
        return fp_invalid(f, st);
    }
    if (va.cls == FPC_INF) {
        return fp_inf(f, va.sign);
    }
    if (infp) {
        return fp_inf(f, sp);
    }
    return fma_finite(f, &va, &vn, &vm, 0, st);
}

/* FPRecipStepFused (two = true) and FPRSqrtStepFused. */
static uint64_t sw_step(const FPFmt *f, uint64_t n, uint64_t m, bool two,
                        FPStatus *st)
{
    FPVal vn, vm, vc;
    uint64_t res;
    bool inf_zero;

    n ^= fmt_signbit(f);
    vn = fp_unpack(f, n, st);
    vm = fp_unpack(f, m, st);
    if (fp_process_nans(f, n, &vn, m, &vm, &res, st)) {
        return res;
    }
    inf_zero = (vn.cls == FPC_INF && vm.cls == FPC_ZERO) ||
               (vn.cls == FPC_ZERO && vm.cls == FPC_INF);
    if (inf_zero) {
        /* 2.0 or 1.5 */
        return two ? (uint64_t)(fmt_bias(f) + 1) << f->fbits
                   : (uint64_t)fmt_bias(f) << f->fbits | fmt_qbit(f);
    }
    if (vn.cls == FPC_INF || vm.cls == FPC_INF) {
        return fp_inf(f, vn.sign ^ vm.sign);
    }
    vc.cls = FPC_NORMAL;
    vc.sign = false;
    vc.exp = 1;         /* 2.0 = 1.0 * 2^1; 3.0 = 1.5 * 2^1 */
    vc.sig = two ? 1ull << 63 : 3ull << 62;
    return fma_finite(f, &vc, &vn, &vm, two ? 0 : -1, st);
}

/* ------------------------------------------------------------------ */
/* Min / max / compare                                                 */

/* Ordering key of a non-NaN value (flushed denormals count as zero). */
static int64_t fp_key(const FPFmt *f, uint64_t x, const FPVal *v)
{
    int64_t mag = v->cls == FPC_ZERO ? 0 : (int64_t)(x & ~fmt_signbit(f));
    return v->sign ? -mag : mag;
}

static uint64_t sw_minmax(const FPFmt *f, uint64_t a, uint64_t b,
                          bool is_max, bool num, FPStatus *st)
{
    FPVal va = fp_unpack(f, a, st), vb = fp_unpack(f, b, st);
    uint64_t res;
    const FPVal *v;
    bool pick_a;

    if (num) {
        uint64_t inf = fp_inf(f, is_max);
        if (va.cls == FPC_QNAN && vb.cls != FPC_QNAN) {
            a = inf;
            va = fp_unpack(f, a, st);
        } else if (va.cls != FPC_QNAN && vb.cls == FPC_QNAN) {
            b = inf;
            vb = fp_unpack(f, b, st);
        }
    }
    if (fp_process_nans(f, a, &va, b, &vb, &res, st)) {
        return res;
    }
    pick_a = is_max ? fp_key(f, a, &va) > fp_key(f, b, &vb)
                    : fp_key(f, a, &va) < fp_key(f, b, &vb);
    v = pick_a ? &va : &vb;
    if (v->cls == FPC_ZERO) {
        bool sign = is_max ? (va.sign && vb.sign) : (va.sign || vb.sign);
        return fp_zero(f, sign);
    }
    return pick_a ? a : b;
}

/* -1, 0, 1 for less, equal, greater; 2 unordered. */
static int sw_cmp(const FPFmt *f, uint64_t a, uint64_t b, bool signal,
                  FPStatus *st)
{
    FPVal va = fp_unpack(f, a, st), vb = fp_unpack(f, b, st);
    int64_t ka, kb;

    if (is_nan(&va) || is_nan(&vb)) {
        if (signal || va.cls == FPC_SNAN || vb.cls == FPC_SNAN) {
            st->fpsr |= FPSR_IOC;
        }
        return 2;
    }
    ka = fp_key(f, a, &va);
    kb = fp_key(f, b, &vb);
    return ka < kb ? -1 : ka > kb;
}

static uint32_t cmp_nzcv(int r)
{
    static const uint32_t nzcv[4] = { 0x8, 0x6, 0x2, 0x3 };
    return nzcv[r + 1] << 28;
}

/* ------------------------------------------------------------------ */
/* Conversions                                                         */

/* FPConvert from format fs to format fd, rounded with rm. */
static uint64_t sw_convert(const FPFmt *fd, const FPFmt *fs, uint64_t a,
                           FPRounding rm, FPStatus *st)
{
    bool ahp_d = fmt_ahp(fd, st);
    FPVal v = fp_unpack(fs, a, st);

    if (is_nan(&v)) {
        uint64_t frac, res;
        if (ahp_d) {
            st->fpsr |= FPSR_IOC;
            return fp_zero(fd, v.sign);
        }
        if (v.cls == FPC_SNAN) {
            st->fpsr |= FPSR_IOC;
        }
        if (st->fpcr & FPCR_DN) {
            return fp_default_nan(fd);
        }
        frac = a & fmt_fmask(fs);
        if (fd->fbits > fs->fbits) {
            frac <<= fd->fbits - fs->fbits;
        } else {
            frac >>= fs->fbits - fd->fbits;
        }
        res = fp_inf(fd, v.sign) | frac | fmt_qbit(fd);
        return res;
    }
    if (v.cls == FPC_INF) {
        if (ahp_d) {
            st->fpsr |= FPSR_IOC;
            return fp_zero(fd, v.sign) | (fmt_signbit(fd) - 1);
        }
        return fp_inf(fd, v.sign);
    }
    if (v.cls == FPC_ZERO) {
        return fp_zero(fd, v.sign);
    }
    return fp_round(fd, v.sign, v.exp, v.sig, rm, st);
}

/*
 * Round sign * sig * 2^(exp - 63) to an integer with rm: the magnitude,
 * whether bits were lost, and *big when it does not fit 64 bits.
 */
static uint64_t round_to_int(bool sign, int exp, uint64_t sig,
                             FPRounding rm, bool *inexact, bool *big)
{
    uint64_t ip, frac, half;
    bool up;

    *big = false;
    if (exp >= 63) {
        *inexact = false;
        *big = exp > 63;
        return sig;
    }
    if (exp >= 0) {
        int s = 63 - exp;
        ip = sig >> s;
        frac = sig & ((1ull << s) - 1);
        half = 1ull << (s - 1);
    } else if (exp == -1) {
        ip = 0;
        frac = sig;
        half = 1ull << 63;
    } else {
        ip = 0;
        frac = 1;           /* nonzero and below one half */
        half = 2;
    }
    *inexact = frac != 0;
    switch (rm) {
    case FPROUNDING_TIEEVEN:
        up = frac > half || (frac == half && (ip & 1));
        break;
    case FPROUNDING_TIEAWAY:
        up = frac >= half;
        break;
    case FPROUNDING_POSINF:
        up = frac != 0 && !sign;
        break;
    case FPROUNDING_NEGINF:
        up = frac != 0 && sign;
        break;
    default:
        up = false;
        break;
    }
    if (up) {
        ip++;
        if (ip == 0) {
            *big = true;
        }
    }
    return ip;
}

static uint64_t sw_to_fixed(const FPFmt *f, uint64_t a, int fbits,
                            bool is_unsigned, int intbits, FPRounding rm,
                            FPStatus *st)
{
    FPVal v = fp_unpack(f, a, st);
    uint64_t mask = intbits == 64 ? ~0ull : (1ull << intbits) - 1;
    uint64_t mag, res;
    bool inexact = false, big = false, ovf;

    if (is_nan(&v)) {
        st->fpsr |= FPSR_IOC;
        return 0;
    }
    if (v.cls == FPC_ZERO) {
        return 0;
    }
    if (v.cls == FPC_INF) {
        big = true;
        mag = 0;
    } else {
        mag = round_to_int(v.sign, v.exp + fbits, v.sig, rm, &inexact, &big);
    }
    if (is_unsigned) {
        ovf = big || (v.sign && mag != 0) || mag > mask;
        res = ovf ? (v.sign ? 0 : mask) : mag;
    } else {
        uint64_t lim = 1ull << (intbits - 1);
        ovf = big || mag > lim || (!v.sign && mag == lim);
        if (ovf) {
            res = v.sign ? lim : lim - 1;
        } else {
            res = v.sign ? -mag : mag;
        }
    }
    if (ovf) {
        st->fpsr |= FPSR_IOC;
    } else if (inexact) {
        st->fpsr |= FPSR_IXC;
    }
    return res & mask;
}

static uint64_t sw_from_fixed(const FPFmt *f, uint64_t x, int fbits,
                              bool is_unsigned, int intbits, FPRounding rm,
                              FPStatus *st)
{
    bool sign = false;
    int lz;

    if (intbits == 32) {
        x = is_unsigned ? (uint32_t)x : (uint64_t)(int64_t)(int32_t)x;
    }
    if (!is_unsigned && (int64_t)x < 0) {
        sign = true;
        x = -x;
    }
    if (x == 0) {
        return 0;
    }
    lz = __builtin_clzll(x);
    return fp_round(f, sign, 63 - lz - fbits, x << lz, rm, st);
}

/* FPRoundInt. */
static uint64_t sw_round_int(const FPFmt *f, uint64_t a, FPRounding rm,
                             bool exact, FPStatus *st)
{
    FPVal v = fp_unpack(f, a, st);
    uint64_t mag;
    bool inexact, big;
    int lz;

    if (is_nan(&v)) {
        return fp_process_nan(f, a, &v, st);
    }
    if (v.cls == FPC_INF) {
        return a;
    }
    if (v.cls == FPC_ZERO) {
        return fp_zero(f, v.sign);
    }
    if (v.exp >= f->fbits) {
        return a;
    }
    mag = round_to_int(v.sign, v.exp, v.sig, rm, &inexact, &big);
    if (inexact && exact) {
        st->fpsr |= FPSR_IXC;
    }
    if (mag == 0) {
        return fp_zero(f, v.sign);
    }
    lz = __builtin_clzll(mag);
    /* Exact: at most fbits + 1 significant bits. */
    return fp_round(f, v.sign, 63 - lz, mag << lz, FPROUNDING_ZERO, st);
}

/* ------------------------------------------------------------------ */
/* Estimates                                                           */

/* RecipEstimate: a in [256, 512) -> [256, 512). */
static unsigned recip_estimate(unsigned a)
{
    unsigned b;

    a = a * 2 + 1;
    b = (1u << 19) / a;
    return (b + 1) / 2;
}

/* RecipSqrtEstimate: a in [128, 512) -> [256, 512). */
static unsigned rsqrt_estimate(unsigned a)
{
    uint64_t c;

    if (a < 256) {
        a = a * 2 + 1;
    } else {
        a = (a >> 1) << 1;
        a = (a + 1) * 2;
    }
    /* b: the last b >= 512 such that a * b^2 < 2^28 fails for b + 1. */
    c = (uint64_t)host_sqrt((double)(1u << 28) / a);
    if (c < 513) {
        c = 513;
    }
    while ((uint64_t)a * c * c < (1ull << 28)) {
        c++;
    }
    while (c > 513 && (uint64_t)a * (c - 1) * (c - 1) >= (1ull << 28)) {
        c--;
    }
    return (unsigned)c / 2;    /* (b + 1) / 2 with b = c - 1 */
}

static uint64_t sw_recpe(const FPFmt *f, uint64_t a, FPStatus *st)
{
    FPVal v = fp_unpack(f, a, st);
    int bias = fmt_bias(f);
    int exp, rexp;
    uint64_t frac, res;
    unsigned est;

    if (is_nan(&v)) {
        return fp_process_nan(f, a, &v, st);
    }
    if (v.cls == FPC_INF) {
        return fp_zero(f, v.sign);
    }
    if (v.cls == FPC_ZERO) {
        st->fpsr |= FPSR_DZC;
        return fp_inf(f, v.sign);
    }
    /* |value| < 2^-128 (single), 2^-1024 (double): overflow. */
    if (v.exp < -(bias + 1)) {
        bool ovf_inf;
        switch (fpst_rmode(st)) {
        case FPROUNDING_TIEEVEN:
            ovf_inf = true;
            break;
        case FPROUNDING_POSINF:
            ovf_inf = !v.sign;
            break;
        case FPROUNDING_NEGINF:
            ovf_inf = v.sign;
            break;
        default:
            ovf_inf = false;
            break;
        }
        st->fpsr |= FPSR_OFC | FPSR_IXC;
        return ovf_inf ? fp_inf(f, v.sign) : fp_max_normal(f, v.sign);
    }
    if (fmt_fz(f, st) && v.exp >= bias - 1) {
        st->fpsr |= FPSR_UFC;
        return fp_zero(f, v.sign);
    }
    /* Work on a 52-bit fraction as the pseudocode does. */
    frac = (a & fmt_fmask(f)) << (52 - f->fbits);
    exp = (int)((a >> f->fbits) & fmt_emask(f));
    if (exp == 0) {
        if (!(frac >> 51 & 1)) {
            exp = -1;
            frac = (frac << 2) & ((1ull << 52) - 1);
        } else {
            frac = (frac << 1) & ((1ull << 52) - 1);
        }
    }
    est = recip_estimate((unsigned)(256 | (frac >> 44)));
    rexp = 2 * bias - 1 - exp;     /* 253 - exp; 2045 - exp */
    frac = (uint64_t)(est & 0xff) << 44;
    if (rexp == 0) {
        frac = (1ull << 51) | (frac >> 1);
    } else if (rexp == -1) {
        frac = (1ull << 50) | (frac >> 2);
        rexp = 0;
    }
    res = fp_zero(f, v.sign) | (uint64_t)rexp << f->fbits |
          frac >> (52 - f->fbits);
    return res;
}

static uint64_t sw_rsqrte(const FPFmt *f, uint64_t a, FPStatus *st)
{
    FPVal v = fp_unpack(f, a, st);
    int bias = fmt_bias(f);
    int exp, rexp;
    uint64_t frac;
    unsigned scaled, est;

    if (is_nan(&v)) {
        return fp_process_nan(f, a, &v, st);
    }
    if (v.cls == FPC_ZERO) {
        st->fpsr |= FPSR_DZC;
        return fp_inf(f, v.sign);
    }
    if (v.sign) {
        return fp_invalid(f, st);
    }
    if (v.cls == FPC_INF) {
        return 0;
    }
    frac = (a & fmt_fmask(f)) << (52 - f->fbits);
    exp = (int)((a >> f->fbits) & fmt_emask(f));
    if (exp == 0) {
        while (!(frac >> 51 & 1)) {
            frac <<= 1;
            exp--;
        }
        frac = (frac << 1) & ((1ull << 52) - 1);
    }
    if (exp & 1) {
        scaled = (unsigned)(128 | (frac >> 45));
    } else {
        scaled = (unsigned)(256 | (frac >> 44));
    }
    /* (380 - exp) / 2 ; (3068 - exp) / 2 */
    rexp = (3 * bias - 1 - exp) / 2;
    est = rsqrt_estimate(scaled);
    return (uint64_t)rexp << f->fbits |
           (uint64_t)(est & 0xff) << (f->fbits - 8);
}

static uint64_t sw_recpx(const FPFmt *f, uint64_t a, FPStatus *st)
{
    FPVal v = fp_unpack(f, a, st);
    uint64_t e = (a >> f->fbits) & fmt_emask(f);

    if (is_nan(&v)) {
        return fp_process_nan(f, a, &v, st);
    }
    if (e == 0) {
        return fp_zero(f, v.sign) | (fmt_emask(f) - 1) << f->fbits;
    }
    return fp_zero(f, v.sign) | (~e & fmt_emask(f)) << f->fbits;
}

/* ------------------------------------------------------------------ */
/* Host fast path                                                      */

static inline float f32_of(uint32_t x)
{
    float f;
    memcpy(&f, &x, 4);
    return f;
}

static inline uint32_t bits_f32(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    return x;
}

static inline double f64_of(uint64_t x)
{
    double d;
    memcpy(&d, &x, 8);
    return d;
}

static inline uint64_t bits_f64(double d)
{
    uint64_t x;
    memcpy(&x, &d, 8);
    return x;
}

/* RN and IXC already set: only the value and rare flags matter. */
static inline bool fast_ok(const FPStatus *st)
{
    return (st->fpcr & FPCR_RMODE_MASK) == 0 && (st->fpsr & FPSR_IXC);
}

/* Normal or zero (not denormal, infinite or NaN). */
static inline bool f32_plain(uint32_t x)
{
    uint32_t e = (x >> 23) & 0xff;
    return (e != 0 && e != 0xff) || (x << 1) == 0;
}

static inline bool f64_plain(uint64_t x)
{
    uint64_t e = (x >> 52) & 0x7ff;
    return (e != 0 && e != 0x7ff) || (x << 1) == 0;
}

/* A normal result strictly above the smallest normal in magnitude. */
static inline bool f32_res_ok(uint32_t r)
{
    uint32_t m = r & 0x7fffffffu;
    return m > 0x00800000u && m < 0x7f800000u;
}

static inline bool f64_res_ok(uint64_t r)
{
    uint64_t m = r & ~(1ull << 63);
    return m > 0x0010000000000000ull && m < 0x7ff0000000000000ull;
}

static inline bool f32_zero(uint32_t x)
{
    return (x << 1) == 0;
}

static inline bool f64_zero(uint64_t x)
{
    return (x << 1) == 0;
}

/* ------------------------------------------------------------------ */
/* Public: single and double arithmetic                                */

uint32_t fp32_add(uint32_t a, uint32_t b, FPStatus *st)
{
    if (fast_ok(st) && f32_plain(a) && f32_plain(b)) {
        uint32_t r = bits_f32(f32_of(a) + f32_of(b));
        if (f32_res_ok(r) || f32_zero(r)) {
            return r;
        }
    }
    return (uint32_t)sw_add(&fmt32, a, b, false, st);
}

uint32_t fp32_sub(uint32_t a, uint32_t b, FPStatus *st)
{
    if (fast_ok(st) && f32_plain(a) && f32_plain(b)) {
        uint32_t r = bits_f32(f32_of(a) - f32_of(b));
        if (f32_res_ok(r) || f32_zero(r)) {
            return r;
        }
    }
    return (uint32_t)sw_add(&fmt32, a, b, true, st);
}

uint32_t fp32_mul(uint32_t a, uint32_t b, FPStatus *st)
{
    if (fast_ok(st) && f32_plain(a) && f32_plain(b)) {
        uint32_t r = bits_f32(f32_of(a) * f32_of(b));
        if (f32_res_ok(r) || (f32_zero(r) && (f32_zero(a) || f32_zero(b)))) {
            return r;
        }
    }
    return (uint32_t)sw_mul(&fmt32, a, b, false, st);
}

uint32_t fp32_mulx(uint32_t a, uint32_t b, FPStatus *st)
{
    return (uint32_t)sw_mul(&fmt32, a, b, true, st);
}

uint32_t fp32_div(uint32_t a, uint32_t b, FPStatus *st)
{
    if (fast_ok(st) && f32_plain(a) && f32_plain(b) && !f32_zero(b)) {
        uint32_t r = bits_f32(f32_of(a) / f32_of(b));
        if (f32_res_ok(r) || (f32_zero(r) && f32_zero(a))) {
            return r;
        }
    }
    return (uint32_t)sw_div(&fmt32, a, b, st);
}

uint32_t fp32_sqrt(uint32_t a, FPStatus *st)
{
    if (fast_ok(st) && f32_plain(a) && !(a >> 31)) {
        uint32_t r = bits_f32(host_sqrtf(f32_of(a)));
        if (f32_res_ok(r) || f32_zero(r)) {
            return r;
        }
    }
    return (uint32_t)sw_sqrt(&fmt32, a, st);
}

uint32_t fp32_muladd(uint32_t addend, uint32_t n, uint32_t m, FPStatus *st)
{
    if (fast_ok(st) && f32_plain(addend) && f32_plain(n) && f32_plain(m) &&
        host_has_fma()) {
        uint32_t r = bits_f32(host_fmaf(f32_of(n), f32_of(m), f32_of(addend)));
        if (f32_res_ok(r)) {
            return r;
        }
    }
    return (uint32_t)sw_muladd(&fmt32, addend, n, m, st);
}

uint32_t fp32_max(uint32_t a, uint32_t b, FPStatus *st)
{
    return (uint32_t)sw_minmax(&fmt32, a, b, true, false, st);
}

uint32_t fp32_min(uint32_t a, uint32_t b, FPStatus *st)
{
    return (uint32_t)sw_minmax(&fmt32, a, b, false, false, st);
}

uint32_t fp32_maxnm(uint32_t a, uint32_t b, FPStatus *st)
{
    return (uint32_t)sw_minmax(&fmt32, a, b, true, true, st);
}

uint32_t fp32_minnm(uint32_t a, uint32_t b, FPStatus *st)
{
    return (uint32_t)sw_minmax(&fmt32, a, b, false, true, st);
}

uint64_t fp64_add(uint64_t a, uint64_t b, FPStatus *st)
{
    if (fast_ok(st) && f64_plain(a) && f64_plain(b)) {
        uint64_t r = bits_f64(f64_of(a) + f64_of(b));
        if (f64_res_ok(r) || f64_zero(r)) {
            return r;
        }
    }
    return sw_add(&fmt64, a, b, false, st);
}

uint64_t fp64_sub(uint64_t a, uint64_t b, FPStatus *st)
{
    if (fast_ok(st) && f64_plain(a) && f64_plain(b)) {
        uint64_t r = bits_f64(f64_of(a) - f64_of(b));
        if (f64_res_ok(r) || f64_zero(r)) {
            return r;
        }
    }
    return sw_add(&fmt64, a, b, true, st);
}

uint64_t fp64_mul(uint64_t a, uint64_t b, FPStatus *st)
{
    if (fast_ok(st) && f64_plain(a) && f64_plain(b)) {
        uint64_t r = bits_f64(f64_of(a) * f64_of(b));
        if (f64_res_ok(r) || (f64_zero(r) && (f64_zero(a) || f64_zero(b)))) {
            return r;
        }
    }
    return sw_mul(&fmt64, a, b, false, st);
}

uint64_t fp64_mulx(uint64_t a, uint64_t b, FPStatus *st)
{
    return sw_mul(&fmt64, a, b, true, st);
}

uint64_t fp64_div(uint64_t a, uint64_t b, FPStatus *st)
{
    if (fast_ok(st) && f64_plain(a) && f64_plain(b) && !f64_zero(b)) {
        uint64_t r = bits_f64(f64_of(a) / f64_of(b));
        if (f64_res_ok(r) || (f64_zero(r) && f64_zero(a))) {
            return r;
        }
    }
    return sw_div(&fmt64, a, b, st);
}

uint64_t fp64_sqrt(uint64_t a, FPStatus *st)
{
    if (fast_ok(st) && f64_plain(a) && !(a >> 63)) {
        uint64_t r = bits_f64(host_sqrt(f64_of(a)));
        if (f64_res_ok(r) || f64_zero(r)) {
            return r;
        }
    }
    return sw_sqrt(&fmt64, a, st);
}

uint64_t fp64_muladd(uint64_t addend, uint64_t n, uint64_t m, FPStatus *st)
{
    if (fast_ok(st) && f64_plain(addend) && f64_plain(n) && f64_plain(m) &&
        host_has_fma()) {
        uint64_t r = bits_f64(host_fma(f64_of(n), f64_of(m), f64_of(addend)));
        if (f64_res_ok(r)) {
            return r;
        }
    }
    return sw_muladd(&fmt64, addend, n, m, st);
}

uint64_t fp64_max(uint64_t a, uint64_t b, FPStatus *st)
{
    return sw_minmax(&fmt64, a, b, true, false, st);
}

uint64_t fp64_min(uint64_t a, uint64_t b, FPStatus *st)
{
    return sw_minmax(&fmt64, a, b, false, false, st);
}

uint64_t fp64_maxnm(uint64_t a, uint64_t b, FPStatus *st)
{
    return sw_minmax(&fmt64, a, b, true, true, st);
}

uint64_t fp64_minnm(uint64_t a, uint64_t b, FPStatus *st)
{
    return sw_minmax(&fmt64, a, b, false, true, st);
}

/* ------------------------------------------------------------------ */
/* Public: comparisons                                                 */

uint32_t fp32_compare(uint32_t a, uint32_t b, bool signal, FPStatus *st)
{
    return cmp_nzcv(sw_cmp(&fmt32, a, b, signal, st));
}

uint32_t fp64_compare(uint64_t a, uint64_t b, bool signal, FPStatus *st)
{
    return cmp_nzcv(sw_cmp(&fmt64, a, b, signal, st));
}

bool fp32_cmpeq(uint32_t a, uint32_t b, FPStatus *st)
{
    return sw_cmp(&fmt32, a, b, false, st) == 0;
}

bool fp32_cmpge(uint32_t a, uint32_t b, FPStatus *st)
{
    int r = sw_cmp(&fmt32, a, b, true, st);
    return r == 0 || r == 1;
}

bool fp32_cmpgt(uint32_t a, uint32_t b, FPStatus *st)
{
    return sw_cmp(&fmt32, a, b, true, st) == 1;
}

bool fp64_cmpeq(uint64_t a, uint64_t b, FPStatus *st)
{
    return sw_cmp(&fmt64, a, b, false, st) == 0;
}

bool fp64_cmpge(uint64_t a, uint64_t b, FPStatus *st)
{
    int r = sw_cmp(&fmt64, a, b, true, st);
    return r == 0 || r == 1;
}

bool fp64_cmpgt(uint64_t a, uint64_t b, FPStatus *st)
{
    return sw_cmp(&fmt64, a, b, true, st) == 1;
}

/* ------------------------------------------------------------------ */
/* Public: conversions                                                 */

uint64_t fp32_to_fp64(uint32_t a, FPStatus *st)
{
    if (f32_plain(a)) {
        return bits_f64((double)f32_of(a));
    }
    return sw_convert(&fmt64, &fmt32, a, fpst_rmode(st), st);
}

uint32_t fp64_to_fp32(uint64_t a, FPStatus *st)
{
    return (uint32_t)sw_convert(&fmt32, &fmt64, a, fpst_rmode(st), st);
}

uint32_t fp64_to_fp32_rm(uint64_t a, FPRounding rm, FPStatus *st)
{
    return (uint32_t)sw_convert(&fmt32, &fmt64, a, rm, st);
}

uint16_t fp32_to_fp16(uint32_t a, FPStatus *st)
{
    return (uint16_t)sw_convert(&fmt16, &fmt32, a, fpst_rmode(st), st);
}

uint16_t fp64_to_fp16(uint64_t a, FPStatus *st)
{
    return (uint16_t)sw_convert(&fmt16, &fmt64, a, fpst_rmode(st), st);
}

uint32_t fp16_to_fp32(uint16_t a, FPStatus *st)
{
    return (uint32_t)sw_convert(&fmt32, &fmt16, a, fpst_rmode(st), st);
}

uint64_t fp16_to_fp64(uint16_t a, FPStatus *st)
{
    return sw_convert(&fmt64, &fmt16, a, fpst_rmode(st), st);
}

uint64_t fp32_to_fixed(uint32_t a, int fbits, bool is_unsigned, int intbits,
                       FPRounding rm, FPStatus *st)
{
    return sw_to_fixed(&fmt32, a, fbits, is_unsigned, intbits, rm, st);
}

uint64_t fp64_to_fixed(uint64_t a, int fbits, bool is_unsigned, int intbits,
                       FPRounding rm, FPStatus *st)
{
    return sw_to_fixed(&fmt64, a, fbits, is_unsigned, intbits, rm, st);
}

uint32_t fp32_from_fixed(uint64_t x, int fbits, bool is_unsigned,
                         int intbits, FPRounding rm, FPStatus *st)
{
    return (uint32_t)sw_from_fixed(&fmt32, x, fbits, is_unsigned, intbits,
                                   rm, st);
}

uint64_t fp64_from_fixed(uint64_t x, int fbits, bool is_unsigned,
                         int intbits, FPRounding rm, FPStatus *st)
{
    return sw_from_fixed(&fmt64, x, fbits, is_unsigned, intbits, rm, st);
}

uint32_t fp32_round_int(uint32_t a, FPRounding rm, bool exact, FPStatus *st)
{
    return (uint32_t)sw_round_int(&fmt32, a, rm, exact, st);
}

uint64_t fp64_round_int(uint64_t a, FPRounding rm, bool exact, FPStatus *st)
{
    return sw_round_int(&fmt64, a, rm, exact, st);
}

/* ------------------------------------------------------------------ */
/* Public: estimates and steps                                         */

uint32_t fp32_recpe(uint32_t a, FPStatus *st)
{
    return (uint32_t)sw_recpe(&fmt32, a, st);
}

uint64_t fp64_recpe(uint64_t a, FPStatus *st)
{
    return sw_recpe(&fmt64, a, st);
}

uint32_t fp32_rsqrte(uint32_t a, FPStatus *st)
{
    return (uint32_t)sw_rsqrte(&fmt32, a, st);
}

uint64_t fp64_rsqrte(uint64_t a, FPStatus *st)
{
    return sw_rsqrte(&fmt64, a, st);
}

uint32_t fp32_recps(uint32_t n, uint32_t m, FPStatus *st)
{
    return (uint32_t)sw_step(&fmt32, n, m, true, st);
}

uint64_t fp64_recps(uint64_t n, uint64_t m, FPStatus *st)
{
    return sw_step(&fmt64, n, m, true, st);
}

uint32_t fp32_rsqrts(uint32_t n, uint32_t m, FPStatus *st)
{
    return (uint32_t)sw_step(&fmt32, n, m, false, st);
}

uint64_t fp64_rsqrts(uint64_t n, uint64_t m, FPStatus *st)
{
    return sw_step(&fmt64, n, m, false, st);
}

uint32_t fp32_recpx(uint32_t a, FPStatus *st)
{
    return (uint32_t)sw_recpx(&fmt32, a, st);
}

uint64_t fp64_recpx(uint64_t a, FPStatus *st)
{
    return sw_recpx(&fmt64, a, st);
}

uint32_t fp_urecpe32(uint32_t a)
{
    if (!(a >> 31)) {
        return ~0u;
    }
    return (uint32_t)recip_estimate(a >> 23) << 23;
}

uint32_t fp_ursqrte32(uint32_t a)
{
    if (!(a >> 30)) {
        return ~0u;
    }
    return (uint32_t)rsqrt_estimate(a >> 23) << 23;
}

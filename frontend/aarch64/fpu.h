/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ARM floating-point arithmetic, bit-exact with the ARM ARM pseudocode
 * (FPAdd, FPMulAdd, FPRound, FPToFixed, FPRecipEstimate, ...).
 *
 * Values are passed as raw IEEE bit patterns: uint16_t (half), uint32_t
 * (single), uint64_t (double).  Every operation takes an FPStatus: the
 * FPCR in effect (RMode, FZ, DN, AHP) and the FPSR into which the
 * cumulative exception bits (IOC, DZC, OFC, UFC, IXC, IDC) are OR-ed.
 * Nothing is trapped (FPCR trap enables are RAZ/WI here).
 *
 * Usage from a helper (scalar or per vector element):
 *
 *     FPStatus st = fpst_load(env);
 *     for (i = 0; i < 4; i++) {
 *         d[i] = fp32_add(n[i], m[i], &st);
 *     }
 *     fpst_store(env, &st);
 *
 * fpst_load copies FPCR and FPSR out of env; fpst_store writes FPSR back.
 * Host floating-point state (MXCSR rounding mode, FTZ/DAZ) is unchanged
 * when a function returns.
 *
 * Half precision: only the conversions exist (FCVT, FCVTL/FCVTN); they
 * honour FPCR.AHP (alternative half precision) and, as the ARM ARM
 * specifies for conversions, ignore FZ (FZ16) for the half operand.  No
 * half-precision arithmetic is provided (FEAT_FP16 is not advertised).
 *
 * Negated forms: FMSUB/FNMADD/FNMSUB/FMLS negate operands *before* the
 * fused operation (fp32_neg, which flips the sign of NaNs too, as the ARM
 * ARM does), and FNMUL negates the result of fp32_mul afterwards.
 */
#ifndef KESTREL_FRONTEND_AARCH64_FPU_H
#define KESTREL_FRONTEND_AARCH64_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

/* FPCR fields. */
#define FPCR_AHP        (1u << 26)  /* alternative half precision */
#define FPCR_DN         (1u << 25)  /* default NaN */
#define FPCR_FZ         (1u << 24)  /* flush-to-zero (single, double) */
#define FPCR_RMODE_SHIFT 22
#define FPCR_RMODE_MASK (3u << 22)  /* 0 RN, 1 RP, 2 RM, 3 RZ */
#define FPCR_FZ16       (1u << 19)  /* FEAT_FP16 only: RES0 here */

/* FPSR cumulative flags. */
#define FPSR_IOC        (1u << 0)   /* invalid operation */
#define FPSR_DZC        (1u << 1)   /* divide by zero */
#define FPSR_OFC        (1u << 2)   /* overflow */
#define FPSR_UFC        (1u << 3)   /* underflow */
#define FPSR_IXC        (1u << 4)   /* inexact */
#define FPSR_IDC        (1u << 7)   /* input denormal (flushed by FZ) */
#define FPSR_QC         (1u << 27)  /* saturation (SIMD integer) */

/*
 * FPCR bits an MSR FPCR keeps in this implementation: AHP, DN, FZ, RMode
 * (FZ16 only with FEAT_FP16; Len/Stride are RES0 without AArch32; trap
 * enables are RAZ/WI).
 */
#define FPCR_WRITE_MASK (FPCR_AHP | FPCR_DN | FPCR_FZ | FPCR_RMODE_MASK)
/* FPSR bits an MSR FPSR keeps. */
#define FPSR_WRITE_MASK (FPSR_QC | FPSR_IDC | FPSR_IXC | FPSR_UFC | \
                         FPSR_OFC | FPSR_DZC | FPSR_IOC)

/* Rounding modes; 0..3 are FPCR.RMode encodings. */
typedef enum FPRounding {
    FPROUNDING_TIEEVEN = 0,     /* RN */
    FPROUNDING_POSINF = 1,      /* RP */
    FPROUNDING_NEGINF = 2,      /* RM */
    FPROUNDING_ZERO = 3,        /* RZ */
    FPROUNDING_TIEAWAY = 4,     /* FCVTA*, FRINTA */
    FPROUNDING_ODD = 5,         /* FCVTXN */
} FPRounding;

/* The floating-point environment one operation runs in. */
typedef struct FPStatus {
    uint32_t fpcr;  /* in: FPCR (AHP, DN, FZ, RMode are used) */
    uint32_t fpsr;  /* in/out: FPSR; exceptions OR their bits in */
} FPStatus;

static inline FPStatus fpst_load(const CPUARMState *env)
{
    FPStatus st = { env->fpcr, env->fpsr };
    return st;
}

static inline void fpst_store(CPUARMState *env, const FPStatus *st)
{
    env->fpsr = st->fpsr;
}

/* FPCR.RMode of st as an FPRounding. */
static inline FPRounding fpst_rmode(const FPStatus *st)
{
    return (FPRounding)((st->fpcr & FPCR_RMODE_MASK) >> FPCR_RMODE_SHIFT);
}

/* Map an FPCR.RMode-style encoding (0..3) to FPRounding. */
static inline FPRounding fp_rmode_from_bits(unsigned rm)
{
    return (FPRounding)(rm & 3);
}

/* ------------------------------------------------------------------ */
/* Constants and bit manipulation (no exceptions, never flushed)       */

#define FP16_DEFAULT_NAN 0x7e00u
#define FP32_DEFAULT_NAN 0x7fc00000u
#define FP64_DEFAULT_NAN 0x7ff8000000000000ull

static inline uint32_t fp32_neg(uint32_t a) { return a ^ 0x80000000u; }
static inline uint64_t fp64_neg(uint64_t a) { return a ^ (1ull << 63); }
static inline uint16_t fp16_neg(uint16_t a) { return a ^ 0x8000u; }
static inline uint32_t fp32_abs(uint32_t a) { return a & 0x7fffffffu; }
static inline uint64_t fp64_abs(uint64_t a) { return a & ~(1ull << 63); }
static inline uint16_t fp16_abs(uint16_t a) { return a & 0x7fffu; }

static inline bool fp32_is_nan(uint32_t a)
{
    return (a & 0x7fffffffu) > 0x7f800000u;
}
static inline bool fp64_is_nan(uint64_t a)
{
    return (a & ~(1ull << 63)) > 0x7ff0000000000000ull;
}

/* ------------------------------------------------------------------ */
/* Arithmetic: single (fp32_) and double (fp64_)                       */
/*
 * Each returns the result bits and ORs the ARM exception flags into
 * st->fpsr: NaN propagation per FPProcessNaNs (SNaN before QNaN, first
 * operand first, quietened; FPCR.DN gives the default NaN), FZ input
 * flushing (IDC) and output flushing (UFC), underflow detected before
 * rounding.
 */
uint32_t fp32_add(uint32_t a, uint32_t b, FPStatus *st);
uint32_t fp32_sub(uint32_t a, uint32_t b, FPStatus *st);
uint32_t fp32_mul(uint32_t a, uint32_t b, FPStatus *st);
uint32_t fp32_div(uint32_t a, uint32_t b, FPStatus *st);
uint32_t fp32_sqrt(uint32_t a, FPStatus *st);
/* FMULX: as fp32_mul, but (+-inf) * (+-0) is +-2.0 without Invalid. */
uint32_t fp32_mulx(uint32_t a, uint32_t b, FPStatus *st);
/*
 * FPMulAdd: addend + n * m with a single rounding.  NaN priority is
 * addend, n, m; a QNaN addend with inf * 0 gives the default NaN and
 * Invalid.  FMADD d = fp32_muladd(a, n, m); FMSUB negates n; FNMADD
 * negates a and n; FNMSUB negates a.  FMLA Vd += Vn*Vm is
 * fp32_muladd(d, n, m), FMLS negates n.
 */
uint32_t fp32_muladd(uint32_t addend, uint32_t n, uint32_t m,
                     FPStatus *st);
/* FMAX, FMIN (NaN operands propagate; max(-0,+0) = +0, min = -0). */
uint32_t fp32_max(uint32_t a, uint32_t b, FPStatus *st);
uint32_t fp32_min(uint32_t a, uint32_t b, FPStatus *st);
/* FMAXNM, FMINNM: a single quiet NaN operand loses to a number. */
uint32_t fp32_maxnm(uint32_t a, uint32_t b, FPStatus *st);
uint32_t fp32_minnm(uint32_t a, uint32_t b, FPStatus *st);

uint64_t fp64_add(uint64_t a, uint64_t b, FPStatus *st);
uint64_t fp64_sub(uint64_t a, uint64_t b, FPStatus *st);
uint64_t fp64_mul(uint64_t a, uint64_t b, FPStatus *st);
uint64_t fp64_div(uint64_t a, uint64_t b, FPStatus *st);
uint64_t fp64_sqrt(uint64_t a, FPStatus *st);
uint64_t fp64_mulx(uint64_t a, uint64_t b, FPStatus *st);
uint64_t fp64_muladd(uint64_t addend, uint64_t n, uint64_t m,
                     FPStatus *st);
uint64_t fp64_max(uint64_t a, uint64_t b, FPStatus *st);
uint64_t fp64_min(uint64_t a, uint64_t b, FPStatus *st);
uint64_t fp64_maxnm(uint64_t a, uint64_t b, FPStatus *st);
uint64_t fp64_minnm(uint64_t a, uint64_t b, FPStatus *st);

/* ------------------------------------------------------------------ */
/* Comparisons                                                         */

/*
 * FCMP (signal false) / FCMPE (signal true): NZCV in bits 31..28 as the
 * architecture packs it: equal 0110, less 1000, greater 0010, unordered
 * 0011.  Invalid for a signalling NaN, or any NaN when signal.
 */
uint32_t fp32_compare(uint32_t a, uint32_t b, bool signal, FPStatus *st);
uint32_t fp64_compare(uint64_t a, uint64_t b, bool signal, FPStatus *st);

/*
 * Vector compares (FCMEQ, FCMGE, FCMGT; FACGE/FACGT compare fp32_abs of
 * both): true when the relation holds.  EQ is quiet (Invalid on SNaN
 * only), GE and GT signal on any NaN.  FCMLE a, b is fp32_cmpge(b, a).
 */
bool fp32_cmpeq(uint32_t a, uint32_t b, FPStatus *st);
bool fp32_cmpge(uint32_t a, uint32_t b, FPStatus *st);
bool fp32_cmpgt(uint32_t a, uint32_t b, FPStatus *st);
bool fp64_cmpeq(uint64_t a, uint64_t b, FPStatus *st);
bool fp64_cmpge(uint64_t a, uint64_t b, FPStatus *st);
bool fp64_cmpgt(uint64_t a, uint64_t b, FPStatus *st);

/* ------------------------------------------------------------------ */
/* Conversions between precisions (FCVT, FCVTL, FCVTN, FCVTXN)         */

uint64_t fp32_to_fp64(uint32_t a, FPStatus *st);
/* Rounded with FPCR.RMode. */
uint32_t fp64_to_fp32(uint64_t a, FPStatus *st);
/* Rounded with an explicit mode (FCVTXN: FPROUNDING_ODD). */
uint32_t fp64_to_fp32_rm(uint64_t a, FPRounding rm, FPStatus *st);
/* Half <-> single/double, IEEE half or AHP per FPCR.AHP. */
uint16_t fp32_to_fp16(uint32_t a, FPStatus *st);
uint16_t fp64_to_fp16(uint64_t a, FPStatus *st);
uint32_t fp16_to_fp32(uint16_t a, FPStatus *st);
uint64_t fp16_to_fp64(uint16_t a, FPStatus *st);

/* ------------------------------------------------------------------ */
/* Conversions to and from integers and fixed point                    */

/*
 * FPToFixed: a * 2^fbits rounded with rm to a signed (!is_unsigned) or
 * unsigned integer of intbits (32 or 64) bits, saturating.  NaN gives 0;
 * NaN or out of range sets IOC (and not IXC); otherwise an inexact result
 * sets IXC.  The result is returned in the low intbits bits, the upper
 * bits zero.  FCVTZS Wd, Sn is fp32_to_fixed(n, 0, false, 32,
 * FPROUNDING_ZERO, st); FCVTNS uses TIEEVEN, FCVTAS TIEAWAY, FCVTPS
 * POSINF, FCVTMS NEGINF.
 */
uint64_t fp32_to_fixed(uint32_t a, int fbits, bool is_unsigned, int intbits,
                       FPRounding rm, FPStatus *st);
uint64_t fp64_to_fixed(uint64_t a, int fbits, bool is_unsigned, int intbits,
                       FPRounding rm, FPStatus *st);

/*
 * FixedToFP: the low intbits (32 or 64) bits of x, signed or unsigned,
 * divided by 2^fbits, rounded with rm (SCVTF/UCVTF use fpst_rmode(st)).
 */
uint32_t fp32_from_fixed(uint64_t x, int fbits, bool is_unsigned,
                         int intbits, FPRounding rm, FPStatus *st);
uint64_t fp64_from_fixed(uint64_t x, int fbits, bool is_unsigned,
                         int intbits, FPRounding rm, FPStatus *st);

/* ------------------------------------------------------------------ */
/* Round to integral (FRINTN/A/P/M/Z use their mode; FRINTX and FRINTI */
/* use fpst_rmode; exact (FRINTX) sets IXC when the value changed)     */

uint32_t fp32_round_int(uint32_t a, FPRounding rm, bool exact, FPStatus *st);
uint64_t fp64_round_int(uint64_t a, FPRounding rm, bool exact, FPStatus *st);

/* ------------------------------------------------------------------ */
/* Estimates and Newton-Raphson steps                                  */

/* FRECPE, FRSQRTE: the ARM ARM's 8-bit estimate tables, bit exact. */
uint32_t fp32_recpe(uint32_t a, FPStatus *st);
uint64_t fp64_recpe(uint64_t a, FPStatus *st);
uint32_t fp32_rsqrte(uint32_t a, FPStatus *st);
uint64_t fp64_rsqrte(uint64_t a, FPStatus *st);
/* FRECPS: 2.0 - n*m fused (inf * 0 gives 2.0, no Invalid). */
uint32_t fp32_recps(uint32_t n, uint32_t m, FPStatus *st);
uint64_t fp64_recps(uint64_t n, uint64_t m, FPStatus *st);
/* FRSQRTS: (3.0 - n*m) / 2 fused (inf * 0 gives 1.5, no Invalid). */
uint32_t fp32_rsqrts(uint32_t n, uint32_t m, FPStatus *st);
uint64_t fp64_rsqrts(uint64_t n, uint64_t m, FPStatus *st);
/* FRECPX: reciprocal exponent. */
uint32_t fp32_recpx(uint32_t a, FPStatus *st);
uint64_t fp64_recpx(uint64_t a, FPStatus *st);
/* URECPE, URSQRTE (unsigned 32-bit fixed point; no flags). */
uint32_t fp_urecpe32(uint32_t a);
uint32_t fp_ursqrte32(uint32_t a);

#endif /* KESTREL_FRONTEND_AARCH64_FPU_H */

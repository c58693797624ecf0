/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the scalar floating-point translator (translate-fp.c): thin
 * wrappers that run one fpu.c operation in env's FPCR/FPSR.
 */
#include "cpu.h"
#include "fpu.h"
#include "helper-fp.h"

#define FP_FLAGS (IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | \
                  IR_CALL_NO_RAISE)

#define FP_INFO(fn, n)                                               \
    {                                                                \
        .func = (void *)helper_##fn, .name = #fn, .flags = FP_FLAGS, \
        .nb_args = (n), .ret_type = IR_I64,                          \
        .arg_types = { IR_I64, IR_I64, IR_I64, IR_I64 },             \
    }

/* Run expression e with FPStatus st loaded from env, storing FPSR after. */
#define WITH_FPST(env, e)                                            \
    do {                                                             \
        FPStatus st = fpst_load(env);                                \
        uint64_t r_ = (e);                                           \
        fpst_store(env, &st);                                        \
        return r_;                                                   \
    } while (0)

/* ------------------------------------------------------------------ */
/* 2-source                                                            */

#define FP2(name, fn32, fn64)                                            \
    static uint64_t helper_a64_##name##_s(void *env, uint64_t a,         \
                                          uint64_t b)                    \
    {                                                                    \
        WITH_FPST(env, fn32((uint32_t)a, (uint32_t)b, &st));             \
    }                                                                    \
    static uint64_t helper_a64_##name##_d(void *env, uint64_t a,         \
                                          uint64_t b)                    \
    {                                                                    \
        WITH_FPST(env, fn64(a, b, &st));                                 \
    }

FP2(fmul, fp32_mul, fp64_mul)
FP2(fdiv, fp32_div, fp64_div)
FP2(fadd, fp32_add, fp64_add)
FP2(fsub, fp32_sub, fp64_sub)
FP2(fmax, fp32_max, fp64_max)
FP2(fmin, fp32_min, fp64_min)
FP2(fmaxnm, fp32_maxnm, fp64_maxnm)
FP2(fminnm, fp32_minnm, fp64_minnm)

const IRHelperInfo helper_info_a64_fp2_s[A64FP2_N] = {
    FP_INFO(a64_fmul_s, 3), FP_INFO(a64_fdiv_s, 3), FP_INFO(a64_fadd_s, 3),
    FP_INFO(a64_fsub_s, 3), FP_INFO(a64_fmax_s, 3), FP_INFO(a64_fmin_s, 3),
    FP_INFO(a64_fmaxnm_s, 3), FP_INFO(a64_fminnm_s, 3),
};
const IRHelperInfo helper_info_a64_fp2_d[A64FP2_N] = {
    FP_INFO(a64_fmul_d, 3), FP_INFO(a64_fdiv_d, 3), FP_INFO(a64_fadd_d, 3),
    FP_INFO(a64_fsub_d, 3), FP_INFO(a64_fmax_d, 3), FP_INFO(a64_fmin_d, 3),
    FP_INFO(a64_fmaxnm_d, 3), FP_INFO(a64_fminnm_d, 3),
};

/* ------------------------------------------------------------------ */
/* 3-source and 1-source                                               */

static uint64_t helper_a64_fmuladd_s(void *env, uint64_t a, uint64_t n,
                                     uint64_t m)
{
    WITH_FPST(env, fp32_muladd((uint32_t)a, (uint32_t)n, (uint32_t)m, &st));
}

static uint64_t helper_a64_fmuladd_d(void *env, uint64_t a, uint64_t n,
                                     uint64_t m)
{
    WITH_FPST(env, fp64_muladd(a, n, m, &st));
}

const IRHelperInfo helper_info_a64_fmuladd_s = FP_INFO(a64_fmuladd_s, 4);
const IRHelperInfo helper_info_a64_fmuladd_d = FP_INFO(a64_fmuladd_d, 4);

static uint64_t helper_a64_fsqrt_s(void *env, uint64_t a)
{
    WITH_FPST(env, fp32_sqrt((uint32_t)a, &st));
}

static uint64_t helper_a64_fsqrt_d(void *env, uint64_t a)
{
    WITH_FPST(env, fp64_sqrt(a, &st));
}

const IRHelperInfo helper_info_a64_fsqrt_s = FP_INFO(a64_fsqrt_s, 2);
const IRHelperInfo helper_info_a64_fsqrt_d = FP_INFO(a64_fsqrt_d, 2);

static FPRounding frint_rm(const FPStatus *st, uint64_t desc)
{
    unsigned rm = desc & 7;
    return rm == A64_FRINT_FPCR ? fpst_rmode(st) : (FPRounding)rm;
}

static uint64_t helper_a64_frint_s(void *env, uint64_t a, uint64_t desc)
{
    WITH_FPST(env, fp32_round_int((uint32_t)a, frint_rm(&st, desc),
                                  desc & A64_FRINT_EXACT, &st));
}

static uint64_t helper_a64_frint_d(void *env, uint64_t a, uint64_t desc)
{
    WITH_FPST(env, fp64_round_int(a, frint_rm(&st, desc),
                                  desc & A64_FRINT_EXACT, &st));
}

const IRHelperInfo helper_info_a64_frint_s = FP_INFO(a64_frint_s, 3);
const IRHelperInfo helper_info_a64_frint_d = FP_INFO(a64_frint_d, 3);

/* ------------------------------------------------------------------ */
/* Precision conversions                                               */

#define FCVT(name, e)                                                   \
    static uint64_t helper_a64_fcvt_##name(void *env, uint64_t a)       \
    {                                                                   \
        WITH_FPST(env, e);                                              \
    }                                                                   \
    static const IRHelperInfo info_fcvt_##name = FP_INFO(a64_fcvt_##name, 2);

FCVT(sd, fp32_to_fp64((uint32_t)a, &st))
FCVT(ds, fp64_to_fp32(a, &st))
FCVT(sh, fp32_to_fp16((uint32_t)a, &st))
FCVT(hs, fp16_to_fp32((uint16_t)a, &st))
FCVT(dh, fp64_to_fp16(a, &st))
FCVT(hd, fp16_to_fp64((uint16_t)a, &st))

const IRHelperInfo *const helper_info_a64_fcvt[4][4] = {
    [0][1] = &info_fcvt_sd, [0][3] = &info_fcvt_sh,
    [1][0] = &info_fcvt_ds, [1][3] = &info_fcvt_dh,
    [3][0] = &info_fcvt_hs, [3][1] = &info_fcvt_hd,
};

/* ------------------------------------------------------------------ */
/* Compare                                                             */

static uint64_t helper_a64_fcmp_s(void *env, uint64_t a, uint64_t b,
                                  uint64_t ctl)
{
    if (ctl & 2) {
        return (ctl >> 4 & 15) << 28;
    }
    WITH_FPST(env, fp32_compare((uint32_t)a, (uint32_t)b, ctl & 1, &st));
}

static uint64_t helper_a64_fcmp_d(void *env, uint64_t a, uint64_t b,
                                  uint64_t ctl)
{
    if (ctl & 2) {
        return (ctl >> 4 & 15) << 28;
    }
    WITH_FPST(env, fp64_compare(a, b, ctl & 1, &st));
}

const IRHelperInfo helper_info_a64_fcmp_s = FP_INFO(a64_fcmp_s, 4);
const IRHelperInfo helper_info_a64_fcmp_d = FP_INFO(a64_fcmp_d, 4);

/* ------------------------------------------------------------------ */
/* Integer and fixed-point conversions                                 */

#define DESC_FBITS(d)   ((int)((d) & 0xff))
#define DESC_RM(d)      ((FPRounding)(((d) >> 8) & 7))
#define DESC_U(d)       (((d) >> 12) & 1)
#define DESC_BITS(d)    (((d) >> 13) & 1 ? 64 : 32)

static uint64_t helper_a64_fcvt_to_int_s(void *env, uint64_t a, uint64_t d)
{
    WITH_FPST(env, fp32_to_fixed((uint32_t)a, DESC_FBITS(d), DESC_U(d),
                                 DESC_BITS(d), DESC_RM(d), &st));
}

static uint64_t helper_a64_fcvt_to_int_d(void *env, uint64_t a, uint64_t d)
{
    WITH_FPST(env, fp64_to_fixed(a, DESC_FBITS(d), DESC_U(d), DESC_BITS(d),
                                 DESC_RM(d), &st));
}

static uint64_t helper_a64_fcvt_from_int_s(void *env, uint64_t x, uint64_t d)
{
    WITH_FPST(env, fp32_from_fixed(x, DESC_FBITS(d), DESC_U(d), DESC_BITS(d),
                                   fpst_rmode(&st), &st));
}

static uint64_t helper_a64_fcvt_from_int_d(void *env, uint64_t x, uint64_t d)
{
    WITH_FPST(env, fp64_from_fixed(x, DESC_FBITS(d), DESC_U(d), DESC_BITS(d),
                                   fpst_rmode(&st), &st));
}

const IRHelperInfo helper_info_a64_fcvt_to_int_s =
    FP_INFO(a64_fcvt_to_int_s, 3);
const IRHelperInfo helper_info_a64_fcvt_to_int_d =
    FP_INFO(a64_fcvt_to_int_d, 3);
const IRHelperInfo helper_info_a64_fcvt_from_int_s =
    FP_INFO(a64_fcvt_from_int_s, 3);
const IRHelperInfo helper_info_a64_fcvt_from_int_d =
    FP_INFO(a64_fcvt_from_int_d, 3);

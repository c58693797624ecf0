/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers the A64 integer translator calls (helper.c).  Each has an
 * IRHelperInfo here; the comment gives the C signature after env.
 */
#ifndef KESTREL_FRONTEND_AARCH64_HELPER_H
#define KESTREL_FRONTEND_AARCH64_HELPER_H

#include "kestrel/ir.h"

/* CNTFRQ_EL0: the virtual counter ticks in nanoseconds. */
#define A64_CNTFRQ_HZ 1000000000ull

/* desc bits for the memory helpers below. */
#define A64_DESC_SIZE(d)  ((d) & 7)        /* log2 of the access size */
#define A64_DESC_OP(d)    (((d) >> 4) & 15)/* A64AtomicOp */
#define A64_DESC(size, op) ((uint32_t)(size) | (uint32_t)(op) << 4)

/* LSE atomic operations, in encoding order (opc); SWP after them. */
typedef enum A64AtomicOp {
    A64_ATOMIC_ADD, A64_ATOMIC_CLR, A64_ATOMIC_EOR, A64_ATOMIC_SET,
    A64_ATOMIC_SMAX, A64_ATOMIC_SMIN, A64_ATOMIC_UMAX, A64_ATOMIC_UMIN,
    A64_ATOMIC_SWP,
} A64AtomicOp;

/* i64 (void): the FPCR / FPSR value. */
extern const IRHelperInfo helper_info_a64_get_fpcr;
extern const IRHelperInfo helper_info_a64_get_fpsr;
/* void (i64 val): write FPCR / FPSR (reserved bits ignored). */
extern const IRHelperInfo helper_info_a64_set_fpcr;
extern const IRHelperInfo helper_info_a64_set_fpsr;
/* i64 (void): CNTVCT_EL0. */
extern const IRHelperInfo helper_info_a64_cntvct;
/* void (i64 addr): DC ZVA, zero the block holding addr. */
extern const IRHelperInfo helper_info_a64_dc_zva;
/* i64 (i64 addr, i32 desc): LDXR/LDAXR, arms the monitor. */
extern const IRHelperInfo helper_info_a64_ldxr;
/* i64 (i64 addr, i64 val, i32 desc): STXR/STLXR status (0 = stored). */
extern const IRHelperInfo helper_info_a64_stxr;
/* i64 (i64 addr, i32 desc): LDXP low element; high in exclusive_high. */
extern const IRHelperInfo helper_info_a64_ldxp;
/* i64 (i64 addr, i64 lo, i64 hi, i32 desc): STXP status. */
extern const IRHelperInfo helper_info_a64_stxp;
/* i64 (i64 addr, i64 val, i32 desc): LDADD..SWP, returns the old value. */
extern const IRHelperInfo helper_info_a64_atomic;
/* i64 (i64 addr, i64 expected, i64 new, i32 desc): CAS, old value. */
extern const IRHelperInfo helper_info_a64_cas;
/* void (i64 addr, i32 rs, i32 rt, i32 desc): CASP on xregs directly. */
extern const IRHelperInfo helper_info_a64_casp;

#endif /* KESTREL_FRONTEND_AARCH64_HELPER_H */

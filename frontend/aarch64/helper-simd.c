/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Advanced SIMD integer helpers: the element-wise operations the
 * translator does not expand inline (see helper-simd.h for the calling
 * convention).  A vector register is 16 little-endian bytes; element i of
 * size 1 << esz bytes sits at byte i << esz.  Elements travel as uint64_t
 * zero-extended, or int64_t sign-extended through sx(); the wide
 * intermediate results of saturating operations use __int128 so every
 * overflow is seen.
 */
#include <string.h>

#include "cpu.h"
#include "helper-simd.h"

/* ------------------------------------------------------------------ */
/* Element access and saturation                                       */

static inline uint8_t *vreg(CPUARMState *env, unsigned r)
{
    return (uint8_t *)env->vregs[r & 31];
}

static inline uint64_t get_e(const uint8_t *v, int esz, int i)
{
    uint16_t h;
    uint32_t w;
    uint64_t d;

    switch (esz) {
    case 0:
        return v[i];
    case 1:
        memcpy(&h, v + 2 * i, 2);
        return h;
    case 2:
        memcpy(&w, v + 4 * i, 4);
        return w;
    default:
        memcpy(&d, v + 8 * i, 8);
        return d;
    }
}

static inline void put_e(uint8_t *v, int esz, int i, uint64_t x)
{
    uint16_t h = (uint16_t)x;
    uint32_t w = (uint32_t)x;

    switch (esz) {
    case 0:
        v[i] = (uint8_t)x;
        break;
    case 1:
        memcpy(v + 2 * i, &h, 2);
        break;
    case 2:
        memcpy(v + 4 * i, &w, 4);
        break;
    default:
        memcpy(v + 8 * i, &x, 8);
        break;
    }
}

static inline int64_t sx(uint64_t x, int esz)
{
    int sh = 64 - (8 << esz);

    return (int64_t)(x << sh) >> sh;
}

/* Element as a signed or unsigned value, as the U bit says. */
static inline int64_t ext(uint64_t x, int esz, bool u)
{
    return u ? (int64_t)x : sx(x, esz);
}

static inline void set_qc(CPUARMState *env)
{
    env->fpsr |= A64_FPSR_QC;
}

static uint64_t sat_s(CPUARMState *env, __int128 x, int esz)
{
    int bits = 8 << esz;
    __int128 max = ((__int128)1 << (bits - 1)) - 1;
    __int128 min = -max - 1;

    if (x > max) {
        set_qc(env);
        return (uint64_t)max;
    }
    if (x < min) {
        set_qc(env);
        return (uint64_t)min;
    }
    return (uint64_t)x;
}

static uint64_t sat_u(CPUARMState *env, __int128 x, int esz)
{
    int bits = 8 << esz;
    __int128 max = ((__int128)1 << bits) - 1;

    if (x > max) {
        set_qc(env);
        return (uint64_t)max;
    }
    if (x < 0) {
        set_qc(env);
        return 0;
    }
    return (uint64_t)x;
}

static inline uint64_t esz_mask(int esz)
{
    return esz == 3 ? ~0ull : (1ull << (8 << esz)) - 1;
}

/* Elements of a vector form (q) or 1 for a scalar one. */
static inline int nelem(uint32_t desc, int esz)
{
    return SIMD_SCALAR(desc) ? 1 : (SIMD_Q(desc) ? 16 : 8) >> esz;
}

/* ------------------------------------------------------------------ */
/* Shifts                                                              */

/*
 * Shift a (esz element) by sh: left if sh >= 0, right (arithmetic when
 * signed) if negative, with optional rounding of right shifts and
 * saturation of left shifts.  The register-shift and immediate-shift
 * instructions share it.
 */
static uint64_t shift_elem(CPUARMState *env, uint64_t a, int sh, int esz,
                           bool u, bool round, bool sat)
{
    int bits = 8 << esz;
    int64_t sa = sx(a, esz);

    if (sh >= 0) {
        if (!sat) {
            return sh >= bits ? 0 : a << sh;
        }
        if (u) {
            if (a == 0) {
                return 0;
            }
            if (sh >= bits) {
                set_qc(env);
                return esz_mask(esz);
            }
            return sat_u(env, (__int128)a << sh, esz);
        }
        if (sa == 0) {
            return 0;
        }
        if (sh >= bits) {
            return sat_s(env, sa < 0 ? -((__int128)1 << 100)
                                     : (__int128)1 << 100, esz);
        }
        return sat_s(env, (__int128)sa << sh, esz);
    }
    sh = -sh;
    if (round) {
        __int128 v = u ? (__int128)a : (__int128)sa;

        if (sh > bits) {
            return 0;
        }
        return (uint64_t)((v + ((__int128)1 << (sh - 1))) >> sh);
    }
    if (sh >= bits) {
        return u ? 0 : (uint64_t)(sa >> 63);
    }
    return u ? a >> sh : (uint64_t)(sa >> sh);
}

/* ------------------------------------------------------------------ */
/* Three same                                                          */

static uint64_t pmul8(uint64_t a, uint64_t b)
{
    uint64_t r = 0;

    for (int i = 0; i < 8; i++) {
        if (b & (1u << i)) {
            r ^= a << i;
        }
    }
    return r & 0xff;
}

static uint64_t qdmulh(CPUARMState *env, int64_t a, int64_t b, int esz,
                       bool round)
{
    int bits = 8 << esz;
    __int128 p = (__int128)a * b * 2;

    if (round) {
        p += (__int128)1 << (bits - 1);
    }
    return sat_s(env, p >> bits, esz);
}

/* One element of a three-same operation (opc 0x00..0x16, not pairwise). */
static uint64_t op_3same(CPUARMState *env, int opc, bool u, int esz,
                         uint64_t a, uint64_t b, uint64_t d)
{
    int64_t ea = ext(a, esz, u), eb = ext(b, esz, u);
    int64_t diff;

    switch (opc) {
    case 0x00: /* SHADD/UHADD (esz <= 2) */
        return (uint64_t)((ea + eb) >> 1);
    case 0x01: /* SQADD/UQADD */
        if (u) {
            return sat_u(env, (__int128)a + b, esz);
        }
        return sat_s(env, (__int128)ea + eb, esz);
    case 0x02: /* SRHADD/URHADD */
        return (uint64_t)((ea + eb + 1) >> 1);
    case 0x04: /* SHSUB/UHSUB */
        return (uint64_t)((ea - eb) >> 1);
    case 0x05: /* SQSUB/UQSUB */
        if (u) {
            return sat_u(env, (__int128)a - b, esz);
        }
        return sat_s(env, (__int128)ea - eb, esz);
    case 0x06: /* CMGT/CMHI */
        return u ? -(uint64_t)(a > b) : -(uint64_t)(ea > eb);
    case 0x07: /* CMGE/CMHS */
        return u ? -(uint64_t)(a >= b) : -(uint64_t)(ea >= eb);
    case 0x08: /* SSHL/USHL */
    case 0x09: /* SQSHL/UQSHL */
    case 0x0a: /* SRSHL/URSHL */
    case 0x0b: /* SQRSHL/UQRSHL */
        return shift_elem(env, a, (int8_t)b, esz, u, opc & 2, opc & 1);
    case 0x0c: /* SMAX/UMAX */
        return u ? (a > b ? a : b) : (uint64_t)(ea > eb ? ea : eb);
    case 0x0d: /* SMIN/UMIN */
        return u ? (a < b ? a : b) : (uint64_t)(ea < eb ? ea : eb);
    case 0x0e: /* SABD/UABD (esz <= 2) */
    case 0x0f: /* SABA/UABA */
        diff = ea > eb ? ea - eb : eb - ea;
        return opc == 0x0f ? d + (uint64_t)diff : (uint64_t)diff;
    case 0x10: /* ADD/SUB */
        return u ? a - b : a + b;
    case 0x11: /* CMTST/CMEQ */
        return u ? -(uint64_t)(a == b) : -(uint64_t)((a & b) != 0);
    case 0x12: /* MLA/MLS */
        return u ? d - a * b : d + a * b;
    case 0x13: /* MUL/PMUL */
        return u ? pmul8(a, b) : a * b;
    case 0x16: /* SQDMULH/SQRDMULH */
        return qdmulh(env, sx(a, esz), sx(b, esz), esz, u);
    default:
        return 0;
    }
}

/* Pairwise SMAXP/UMAXP (0x14), SMINP/UMINP (0x15), ADDP (0x17). */
static uint64_t op_pair(int opc, bool u, int esz, uint64_t a, uint64_t b)
{
    int64_t ea = ext(a, esz, u), eb = ext(b, esz, u);

    switch (opc) {
    case 0x14:
        return u ? (a > b ? a : b) : (uint64_t)(ea > eb ? ea : eb);
    case 0x15:
        return u ? (a < b ? a : b) : (uint64_t)(ea < eb ? ea : eb);
    default:
        return a + b;
    }
}

static void helper_simd_3same(CPUARMState *env, uint32_t desc)
{
    int esz = SIMD_ESZ(desc), opc = SIMD_OPC(desc);
    bool u = SIMD_U(desc);
    int n = nelem(desc, esz);
    const uint8_t *vn = vreg(env, SIMD_RN(desc));
    const uint8_t *vm = vreg(env, SIMD_RM(desc));
    uint8_t *vd = vreg(env, SIMD_RD(desc));
    uint8_t r[16] = { 0 };

    if (opc == 0x14 || opc == 0x15 || opc == 0x17) {
        int half = n / 2;

        for (int i = 0; i < n; i++) {
            const uint8_t *src = i < half ? vn : vm;
            int j = (i % half) * 2;

            put_e(r, esz, i, op_pair(opc, u, esz, get_e(src, esz, j),
                                     get_e(src, esz, j + 1)));
        }
    } else {
        for (int i = 0; i < n; i++) {
            put_e(r, esz, i, op_3same(env, opc, u, esz, get_e(vn, esz, i),
                                      get_e(vm, esz, i), get_e(vd, esz, i)));
        }
    }
    memcpy(vd, r, 16);
}

/* ------------------------------------------------------------------ */
/* Three different                                                     */

/*
 * One wide result of a long operation: a and b are the (extended)
 * narrow operands, d the accumulator; esz is the narrow size.
 */
static uint64_t op_long(CPUARMState *env, int opc, int esz, int64_t a,
                        int64_t b, uint64_t d)
{
    int wsz = esz + 1;
    __int128 p;

    switch (opc) {
    case 0x0: /* SADDL/UADDL */
    case 0x1: /* SADDW/UADDW */
        return (uint64_t)a + (uint64_t)b;
    case 0x2: /* SSUBL/USUBL */
    case 0x3: /* SSUBW/USUBW */
        return (uint64_t)a - (uint64_t)b;
    case 0x5: /* SABAL/UABAL */
        return d + (uint64_t)(a > b ? a - b : b - a);
    case 0x7: /* SABDL/UABDL */
        return (uint64_t)(a > b ? a - b : b - a);
    case 0x8: /* SMLAL/UMLAL */
        return d + (uint64_t)a * (uint64_t)b;
    case 0xa: /* SMLSL/UMLSL */
        return d - (uint64_t)a * (uint64_t)b;
    case 0xc: /* SMULL/UMULL */
        return (uint64_t)a * (uint64_t)b;
    case 0x9: /* SQDMLAL */
    case 0xb: /* SQDMLSL */
    case 0xd: /* SQDMULL */
        p = sx(sat_s(env, (__int128)a * b * 2, wsz), wsz);
        if (opc == 0xd) {
            return (uint64_t)p;
        }
        if (opc == 0x9) {
            return sat_s(env, (__int128)sx(d, wsz) + p, wsz);
        }
        return sat_s(env, (__int128)sx(d, wsz) - p, wsz);
    default:
        return 0;
    }
}

static void helper_simd_3diff(CPUARMState *env, uint32_t desc)
{
    int esz = SIMD_ESZ(desc), opc = SIMD_OPC(desc), bits = 8 << esz;
    bool u = SIMD_U(desc), q = SIMD_Q(desc);
    int n = SIMD_SCALAR(desc) ? 1 : 8 >> esz;
    const uint8_t *vn = vreg(env, SIMD_RN(desc));
    const uint8_t *vm = vreg(env, SIMD_RM(desc));
    uint8_t *vd = vreg(env, SIMD_RD(desc));
    uint8_t r[16] = { 0 };

    if (opc == 0x4 || opc == 0x6) {
        /* ADDHN/RADDHN, SUBHN/RSUBHN: wide operands, narrow result. */
        if (q) {
            memcpy(r, vd, 8);
        }
        for (int i = 0; i < n; i++) {
            unsigned __int128 a = get_e(vn, esz + 1, i);
            unsigned __int128 b = get_e(vm, esz + 1, i);
            unsigned __int128 x = opc == 0x4 ? a + b : a - b;

            if (u) {
                x += (unsigned __int128)1 << (bits - 1);
            }
            put_e(r, esz, (q ? n : 0) + i, (uint64_t)(x >> bits));
        }
        memcpy(vd, r, 16);
        return;
    }
    for (int i = 0; i < n; i++) {
        int j = (q ? n : 0) + i;
        int64_t a = (opc == 0x1 || opc == 0x3)
                    ? (int64_t)get_e(vn, esz + 1, i)
                    : ext(get_e(vn, esz, j), esz, u);
        int64_t b = ext(get_e(vm, esz, j), esz, u);

        put_e(r, esz + 1, i,
              op_long(env, opc, esz, a, b, get_e(vd, esz + 1, i)));
    }
    memcpy(vd, r, 16);
}

/* ------------------------------------------------------------------ */
/* Two-register misc                                                   */

static uint64_t rbit8(uint64_t x)
{
    x = ((x >> 1) & 0x55) | ((x & 0x55) << 1);
    x = ((x >> 2) & 0x33) | ((x & 0x33) << 2);
    return ((x >> 4) & 0x0f) | ((x & 0x0f) << 4);
}

static uint64_t op_2misc(CPUARMState *env, int opc, bool u, int esz,
                         uint64_t a, uint64_t d)
{
    int bits = 8 << esz;
    int64_t sa = sx(a, esz);

    switch (opc) {
    case 0x03: /* SUQADD / USQADD */
        if (u) {
            return sat_u(env, (__int128)d + sa, esz);
        }
        return sat_s(env, (__int128)sx(d, esz) + a, esz);
    case 0x04: /* CLS / CLZ */
        if (u) {
            return a ? (uint64_t)(__builtin_clzll(a) - (64 - bits))
                     : (uint64_t)bits;
        }
        a = (uint64_t)(sa ^ (sa >> 63)) & esz_mask(esz);
        return a ? (uint64_t)(__builtin_clzll(a) - (64 - bits) - 1)
                 : (uint64_t)(bits - 1);
    case 0x05: /* CNT / NOT (esz 0) / RBIT (esz 1): all on bytes */
        if (!u) {
            return (uint64_t)__builtin_popcountll(a);
        }
        return esz == 0 ? ~a : rbit8(a);
    case 0x07: /* SQABS / SQNEG */
        if (u) {
            return sat_s(env, -(__int128)sa, esz);
        }
        return sat_s(env, sa < 0 ? -(__int128)sa : sa, esz);
    case 0x08: /* CMGT / CMGE #0 */
        return u ? -(uint64_t)(sa >= 0) : -(uint64_t)(sa > 0);
    case 0x09: /* CMEQ / CMLE #0 */
        return u ? -(uint64_t)(sa <= 0) : -(uint64_t)(sa == 0);
    case 0x0a: /* CMLT #0 */
        return -(uint64_t)(sa < 0);
    case 0x0b: /* ABS / NEG */
        return u ? -a : (sa < 0 ? -a : a);
    default:
        return 0;
    }
}

/* XTN, SQXTUN, SQXTN, UQXTN of one wide element a. */
static uint64_t op_narrow(CPUARMState *env, int opc, bool u, int esz,
                          uint64_t a)
{
    int64_t sa = sx(a, esz + 1);

    if (opc == 0x12) {
        return u ? sat_u(env, sa, esz) : a;
    }
    return u ? sat_u(env, (__int128)a, esz) : sat_s(env, sa, esz);
}

static void helper_simd_2misc(CPUARMState *env, uint32_t desc)
{
    int esz = SIMD_ESZ(desc), opc = SIMD_OPC(desc);
    bool u = SIMD_U(desc), q = SIMD_Q(desc);
    int n = nelem(desc, esz);
    const uint8_t *vn = vreg(env, SIMD_RN(desc));
    uint8_t *vd = vreg(env, SIMD_RD(desc));
    uint8_t r[16] = { 0 };

    switch (opc) {
    case 0x00: /* REV64 / REV32 */
    case 0x01: { /* REV16 */
        int ce = (opc == 1 ? 2 : u ? 4 : 8) >> esz;

        for (int i = 0; i < n; i++) {
            int j = (i / ce) * ce + (ce - 1 - i % ce);

            put_e(r, esz, i, get_e(vn, esz, j));
        }
        break;
    }
    case 0x02: /* SADDLP / UADDLP */
    case 0x06: /* SADALP / UADALP */
        for (int i = 0; i < n / 2; i++) {
            uint64_t x = (uint64_t)ext(get_e(vn, esz, 2 * i), esz, u) +
                         (uint64_t)ext(get_e(vn, esz, 2 * i + 1), esz, u);

            if (opc == 0x06) {
                x += get_e(vd, esz + 1, i);
            }
            put_e(r, esz + 1, i, x);
        }
        break;
    case 0x12: /* XTN / SQXTUN */
    case 0x14: /* SQXTN / UQXTN */
        n = SIMD_SCALAR(desc) ? 1 : 8 >> esz;
        if (q) {
            memcpy(r, vd, 8);
        }
        for (int i = 0; i < n; i++) {
            put_e(r, esz, (q ? n : 0) + i,
                  op_narrow(env, opc, u, esz, get_e(vn, esz + 1, i)));
        }
        break;
    case 0x13: /* SHLL */
        n = 8 >> esz;
        for (int i = 0; i < n; i++) {
            put_e(r, esz + 1, i,
                  get_e(vn, esz, (q ? n : 0) + i) << (8 << esz));
        }
        break;
    case 0x05: /* CNT, NOT, RBIT: byte lanes whatever the size field */
        for (int i = 0; i < (q ? 16 : 8); i++) {
            r[i] = (uint8_t)op_2misc(env, opc, u, esz, vn[i], 0);
        }
        break;
    default:
        for (int i = 0; i < n; i++) {
            put_e(r, esz, i, op_2misc(env, opc, u, esz, get_e(vn, esz, i),
                                      get_e(vd, esz, i)));
        }
        break;
    }
    memcpy(vd, r, 16);
}

/* ------------------------------------------------------------------ */
/* Across lanes                                                        */

static void helper_simd_across(CPUARMState *env, uint32_t desc)
{
    int esz = SIMD_ESZ(desc), opc = SIMD_OPC(desc);
    bool u = SIMD_U(desc);
    int n = nelem(desc, esz);
    const uint8_t *vn = vreg(env, SIMD_RN(desc));
    uint8_t r[16] = { 0 };
    int64_t acc = ext(get_e(vn, esz, 0), esz, u);
    int rsz = esz;

    for (int i = 1; i < n; i++) {
        int64_t x = ext(get_e(vn, esz, i), esz, u);

        switch (opc) {
        case 0x0a: /* SMAXV / UMAXV */
            acc = u ? ((uint64_t)x > (uint64_t)acc ? x : acc)
                    : (x > acc ? x : acc);
            break;
        case 0x1a: /* SMINV / UMINV */
            acc = u ? ((uint64_t)x < (uint64_t)acc ? x : acc)
                    : (x < acc ? x : acc);
            break;
        default: /* ADDV, SADDLV / UADDLV */
            acc = (int64_t)((uint64_t)acc + (uint64_t)x);
            break;
        }
    }
    if (opc == 0x03) {
        rsz = esz + 1;
    }
    put_e(r, rsz, 0, (uint64_t)acc);
    memcpy(vreg(env, SIMD_RD(desc)), r, 16);
}

/* ------------------------------------------------------------------ */
/* Shift by immediate                                                  */

/* Right-shift-and-narrow family (opc 0x10..0x13) of one wide element. */
static uint64_t op_shrn(CPUARMState *env, int opc, bool u, int esz,
                        uint64_t a, int sh)
{
    bool round = opc & 1;
    __int128 v;

    if (opc <= 0x11 && !u) {
        /* SHRN / RSHRN: plain truncation. */
        return shift_elem(env, a, -sh, esz + 1, true, round, false);
    }
    /* SQSHRUN/SQRSHRUN (0x10/0x11, u) and SQSHRN (0x12/0x13, !u) take a
     * signed source; UQSHRN/UQRSHRN (0x12/0x13, u) an unsigned one. */
    if (opc >= 0x12 && u) {
        v = (unsigned __int128)a;
    } else {
        v = sx(a, esz + 1);
    }
    if (round) {
        v += (__int128)1 << (sh - 1);
    }
    v >>= sh;
    if (opc <= 0x11 || u) {
        return sat_u(env, v, esz);
    }
    return sat_s(env, v, esz);
}

static uint64_t op_shift_imm(CPUARMState *env, int opc, bool u, int esz,
                             uint64_t a, uint64_t d, int sh)
{
    int bits = 8 << esz;
    uint64_t mask = esz_mask(esz), m;
    int64_t sa;

    switch (opc) {
    case 0x00: /* SSHR / USHR */
    case 0x04: /* SRSHR / URSHR */
        return shift_elem(env, a, -sh, esz, u, opc & 4, false);
    case 0x02: /* SSRA / USRA */
    case 0x06: /* SRSRA / URSRA */
        return d + shift_elem(env, a, -sh, esz, u, opc & 4, false);
    case 0x08: /* SRI */
        if (sh == bits) {
            return d;
        }
        m = mask >> sh;
        return (d & ~m) | (a >> sh);
    case 0x0a: /* SHL / SLI */
        if (!u) {
            return a << sh;
        }
        m = (mask << sh) & mask;
        return (d & ~m) | ((a << sh) & m);
    case 0x0c: /* SQSHLU */
        sa = sx(a, esz);
        if (sa < 0) {
            set_qc(env);
            return 0;
        }
        return shift_elem(env, (uint64_t)sa, sh, esz, true, false, true);
    case 0x0e: /* SQSHL / UQSHL (immediate) */
        return shift_elem(env, a, sh, esz, u, false, true);
    default:
        return 0;
    }
}

static void helper_simd_shift_imm(CPUARMState *env, uint32_t desc,
                                  uint32_t shift)
{
    int esz = SIMD_ESZ(desc), opc = SIMD_OPC(desc), sh = (int)shift;
    bool u = SIMD_U(desc), q = SIMD_Q(desc);
    int n = nelem(desc, esz);
    const uint8_t *vn = vreg(env, SIMD_RN(desc));
    uint8_t *vd = vreg(env, SIMD_RD(desc));
    uint8_t r[16] = { 0 };

    if (opc >= 0x10 && opc <= 0x13) {
        n = SIMD_SCALAR(desc) ? 1 : 8 >> esz;
        if (q) {
            memcpy(r, vd, 8);
        }
        for (int i = 0; i < n; i++) {
            put_e(r, esz, (q ? n : 0) + i,
                  op_shrn(env, opc, u, esz, get_e(vn, esz + 1, i), sh));
        }
    } else if (opc == 0x14) {
        /* SSHLL / USHLL */
        n = 8 >> esz;
        for (int i = 0; i < n; i++) {
            uint64_t x = (uint64_t)ext(get_e(vn, esz, (q ? n : 0) + i),
                                       esz, u);

            put_e(r, esz + 1, i, x << sh);
        }
    } else {
        for (int i = 0; i < n; i++) {
            put_e(r, esz, i, op_shift_imm(env, opc, u, esz, get_e(vn, esz, i),
                                          get_e(vd, esz, i), sh));
        }
    }
    memcpy(vd, r, 16);
}

/* ------------------------------------------------------------------ */
/* Vector x indexed element                                            */

static void helper_simd_indexed(CPUARMState *env, uint32_t desc,
                                uint32_t index)
{
    int esz = SIMD_ESZ(desc), opc = SIMD_OPC(desc);
    bool u = SIMD_U(desc), q = SIMD_Q(desc);
    const uint8_t *vn = vreg(env, SIMD_RN(desc));
    uint8_t *vd = vreg(env, SIMD_RD(desc));
    uint64_t b = get_e(vreg(env, SIMD_RM(desc)), esz, (int)index);
    uint8_t r[16] = { 0 };

    if (SIMD_X(desc) == 0) {
        int n = nelem(desc, esz);

        for (int i = 0; i < n; i++) {
            put_e(r, esz, i, op_3same(env, opc, u, esz, get_e(vn, esz, i), b,
                                      get_e(vd, esz, i)));
        }
    } else {
        int n = SIMD_SCALAR(desc) ? 1 : 8 >> esz;
        int64_t eb = ext(b, esz, u);

        for (int i = 0; i < n; i++) {
            int64_t a = ext(get_e(vn, esz, (q ? n : 0) + i), esz, u);

            put_e(r, esz + 1, i,
                  op_long(env, opc, esz, a, eb, get_e(vd, esz + 1, i)));
        }
    }
    memcpy(vd, r, 16);
}

/* ------------------------------------------------------------------ */
/* Permutes                                                            */

static void helper_simd_tbl(CPUARMState *env, uint32_t desc)
{
    int nregs = SIMD_OPC(desc) + 1, n = SIMD_Q(desc) ? 16 : 8;
    unsigned rn = SIMD_RN(desc);
    const uint8_t *idx = vreg(env, SIMD_RM(desc));
    uint8_t *vd = vreg(env, SIMD_RD(desc));
    uint8_t table[64], r[16] = { 0 };

    for (int i = 0; i < nregs; i++) {
        memcpy(table + 16 * i, vreg(env, rn + (unsigned)i), 16);
    }
    for (int i = 0; i < n; i++) {
        if (idx[i] < 16 * nregs) {
            r[i] = table[idx[i]];
        } else if (SIMD_U(desc)) {
            r[i] = vd[i];
        }
    }
    memcpy(vd, r, 16);
}

static void helper_simd_perm(CPUARMState *env, uint32_t desc)
{
    int esz = SIMD_ESZ(desc), op = SIMD_OPC(desc);
    int n = (SIMD_Q(desc) ? 16 : 8) >> esz, half = n / 2;
    int part = op >> 2;
    const uint8_t *vn = vreg(env, SIMD_RN(desc));
    const uint8_t *vm = vreg(env, SIMD_RM(desc));
    uint8_t r[16] = { 0 };

    for (int i = 0; i < n; i++) {
        uint64_t x;

        switch (op & 3) {
        case 1: /* UZP */
            x = i < half ? get_e(vn, esz, 2 * i + part)
                         : get_e(vm, esz, 2 * (i - half) + part);
            break;
        case 2: /* TRN */
            x = get_e(i & 1 ? vm : vn, esz, (i & ~1) + part);
            break;
        default: /* ZIP */
            x = get_e(i & 1 ? vm : vn, esz, part * half + i / 2);
            break;
        }
        put_e(r, esz, i, x);
    }
    memcpy(vreg(env, SIMD_RD(desc)), r, 16);
}

/* ------------------------------------------------------------------ */
/* Helper descriptions                                                 */

#define SIMD_HELPER(fn, nargs, ...)                                     \
    {                                                                   \
        .func = (void *)helper_##fn, .name = #fn,                       \
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS |   \
                 IR_CALL_NO_RAISE,                                      \
        .nb_args = nargs, .ret_type = IR_VOID,                          \
        .arg_types = { IR_I64, __VA_ARGS__ }                            \
    }

const IRHelperInfo helper_info_simd_3same =
    SIMD_HELPER(simd_3same, 2, IR_I32);
const IRHelperInfo helper_info_simd_3diff =
    SIMD_HELPER(simd_3diff, 2, IR_I32);
const IRHelperInfo helper_info_simd_2misc =
    SIMD_HELPER(simd_2misc, 2, IR_I32);
const IRHelperInfo helper_info_simd_across =
    SIMD_HELPER(simd_across, 2, IR_I32);
const IRHelperInfo helper_info_simd_shift_imm =
    SIMD_HELPER(simd_shift_imm, 3, IR_I32, IR_I32);
const IRHelperInfo helper_info_simd_indexed =
    SIMD_HELPER(simd_indexed, 3, IR_I32, IR_I32);
const IRHelperInfo helper_info_simd_tbl =
    SIMD_HELPER(simd_tbl, 2, IR_I32);
const IRHelperInfo helper_info_simd_perm =
    SIMD_HELPER(simd_perm, 2, IR_I32);

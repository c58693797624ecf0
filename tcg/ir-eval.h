/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reference semantics of the IR ops that need more than a C operator
 * (include/kestrel/ir.h says what they mean), written once for the two
 * places that evaluate ops on host values: the optimizer's constant
 * folding (tcg/optimize.c) and the interpreter (tcg/interp/interp.c).
 * Static inline: the interpreter runs them in its dispatch loop.
 *
 * Values of width 32 are zero-extended in a uint64_t (or a uint32_t):
 *
 *     ir_eval_divs64(INT64_MIN, -1) == INT64_MIN     never traps
 *     ir_eval_cond(IR_COND_LT, 32, 0x80000000, 0)   true
 *
 * Not for use outside tcg/.
 */
#ifndef KESTREL_TCG_IR_EVAL_H
#define KESTREL_TCG_IR_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kestrel/ir.h"

/* Sign-extend the low `bits` bits of v (1..64) to 64 bits. */
static inline uint64_t ir_eval_sext(uint64_t v, unsigned bits)
{
    unsigned sh = 64 - bits;

    if (bits >= 64) {
        return v;
    }
    return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* (a c b) for values of width bits (32 or 64); upper bits ignored. */
static inline bool ir_eval_cond(IRCond c, unsigned bits, uint64_t a,
                                uint64_t b)
{
    int64_t sa, sb;

    if (bits == 32) {
        a = (uint32_t)a;
        b = (uint32_t)b;
    }
    sa = (int64_t)ir_eval_sext(a, bits);
    sb = (int64_t)ir_eval_sext(b, bits);
    switch (c) {
    case IR_COND_NEVER: return false;
    case IR_COND_ALWAYS: return true;
    case IR_COND_EQ: return a == b;
    case IR_COND_NE: return a != b;
    case IR_COND_LT: return sa < sb;
    case IR_COND_GE: return sa >= sb;
    case IR_COND_LE: return sa <= sb;
    case IR_COND_GT: return sa > sb;
    case IR_COND_LTU: return a < b;
    case IR_COND_GEU: return a >= b;
    case IR_COND_LEU: return a <= b;
    case IR_COND_GTU: return a > b;
    default:
        g_assert_not_reached();
    }
}

/* Division never traps: x / 0 == 0, INT_MIN / -1 == INT_MIN. */
static inline uint32_t ir_eval_divs32(uint32_t a, uint32_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;

    if (y == 0) {
        return 0;
    }
    if (y == -1) {
        return -a;      /* wraps for INT_MIN, which traps on x86 */
    }
    return (uint32_t)(x / y);
}

static inline uint64_t ir_eval_divs64(uint64_t a, uint64_t b)
{
    int64_t x = (int64_t)a, y = (int64_t)b;

    if (y == 0) {
        return 0;
    }
    if (y == -1) {
        return -a;
    }
    return (uint64_t)(x / y);
}

/* x % 0 == x, x % -1 == 0 (also for INT_MIN). */
static inline uint32_t ir_eval_rems32(uint32_t a, uint32_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;

    if (y == 0) {
        return a;
    }
    if (y == -1) {
        return 0;
    }
    return (uint32_t)(x % y);
}

static inline uint64_t ir_eval_rems64(uint64_t a, uint64_t b)
{
    int64_t x = (int64_t)a, y = (int64_t)b;

    if (y == 0) {
        return a;
    }
    if (y == -1) {
        return 0;
    }
    return (uint64_t)(x % y);
}

/* Unsigned, either width (zero-extended operands). */
static inline uint64_t ir_eval_divu(uint64_t a, uint64_t b)
{
    return b ? a / b : 0;
}

static inline uint64_t ir_eval_remu(uint64_t a, uint64_t b)
{
    return b ? a % b : a;
}

/* Rotate left by n mod the width; rotr by n is rotl by -n. */
static inline uint32_t ir_eval_rotl32(uint32_t a, uint64_t n)
{
    unsigned c = n & 31;

    return (a << c) | (a >> ((32 - c) & 31));
}

static inline uint64_t ir_eval_rotl64(uint64_t a, uint64_t n)
{
    unsigned c = n & 63;

    return (a << c) | (a >> ((64 - c) & 63));
}

/* The low two bytes of a swapped, zero-extended. */
static inline uint64_t ir_eval_bswap16(uint64_t a)
{
    return __builtin_bswap16((uint16_t)a);
}

/* a with bits [pos, pos + len) replaced by b's low bits; pos + len <= 64. */
static inline uint64_t ir_eval_deposit(uint64_t a, uint64_t b, unsigned pos,
                                       unsigned len)
{
    uint64_t mask = (len >= 64 ? ~0ull : (1ull << len) - 1) << pos;

    return (a & ~mask) | ((b << pos) & mask);
}

#endif /* KESTREL_TCG_IR_EVAL_H */

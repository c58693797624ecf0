/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interpreter backend: the IR of a TB, serialized into a compact
 * byte code in the code buffer (gen.c), run by a threaded (computed
 * goto) loop (here).  The op list is in bytecode.h.
 *
 * It is the reference the x86-64 JIT is tested against, so every op
 * follows the semantics in the comment above IR_OPS in ir.h literally,
 * for both types, and never leans on the host's undefined behaviour
 * (shifts by the width, INT_MIN / -1, clz of 0 ...).
 *
 * Byte code.  A stream of 16-bit units, read through the executable view
 * of the code buffer.  Every op is one unit of opcode (BC_*) followed by
 * operand units: a frame slot index (r), a small constant (c), a 32-bit
 * immediate in two units (i), a self-relative branch offset in bytes
 * from the start of the op (L, two units), or a 64-bit immediate in four
 * units (q; host pointers, TB exit values, goto_tb targets).  BC_OPS
 * in bytecode.h lists each op's layout.  A TB starts with TB_ENTER,
 * which gives the frame size and the TB's constants:
 *
 *     TB_ENTER nslots nconsts  const[0] ... const[nconsts-1]   (u64 each)
 *
 * Frame.  A uint64_t array local to exec(): slot 0 holds env, slots
 * 1..nconsts the constants (slot 1 is always 0), then one slot per
 * normal temp and per global the TB uses.  i32 values are kept
 * zero-extended.  Globals live in env: every write is followed by a
 * store to env (so env is exact at every helper call, memory access and
 * exit without any bookkeeping), and reads load env into the global's
 * slot once, then reuse it while that is known to be current (see the
 * rules above in_slot() in gen.c).
 *
 * Entering a TB (exec, a chained goto_tb, goto_ptr) always runs its
 * TB_ENTER, which grows the frame if this TB needs more slots and copies
 * its constants in.  goto_tb is an opcode followed by an 8-byte aligned
 * slot (after 0 to 3 units of padding) holding the executable address to
 * continue at (initially the next op): patch_jump stores into it
 * atomically.  The
 * prologue is a single RET0 op: goto_ptr to it returns 0.
 *
 * Only executable-view (rx) addresses and self-relative offsets are
 * stored in the byte code, so it runs with split W^X mappings.
 */
#include <alloca.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kestrel/cpu.h"
#include "kestrel/ir.h"
#include "backend.h"
#include "interp/bytecode.h"
#include "interp/interp.h"
#include "ir-eval.h"

/* The op a helper was called from, for GETPC() (see cpu.h). */
__thread uintptr_t tcg_interp_pc;

/* ------------------------------------------------------------------ */
/* Byte code tables                                                    */

static const char *const bc_names[BC_COUNT] = {
#define BC_NAME(name, len, layout) [BC_##name] = #name,
    BC_OPS(BC_NAME)
#undef BC_NAME
};

static const char *const bc_layouts[BC_COUNT] = {
#define BC_LAYOUT(name, len, layout) [BC_##name] = layout,
    BC_OPS(BC_LAYOUT)
#undef BC_LAYOUT
};

static const uint8_t bc_fixed_len[BC_COUNT] = {
#define BC_FLEN(name, len, layout) [BC_##name] = len,
    BC_OPS(BC_FLEN)
#undef BC_FLEN
};

/* Frame slots a TB gets without growing the frame. */
#define INTERP_FRAME0 512

/* Length in units of the op at pc. */
static unsigned bc_len(const uint16_t *pc)
{
    switch (pc[0]) {
    case BC_TB_ENTER:
        return 3 + 4 * pc[2];
    case BC_CALL:
        return 8 + pc[1];
    case BC_GOTO_TB:
        return (bc_goto_tb_slot((uintptr_t)pc) + 8 - (uintptr_t)pc) / 2;
    default:
        return bc_fixed_len[pc[0]];
    }
}

/* ------------------------------------------------------------------ */
/* Op semantics that need more than an expression                      */

/* The generic setcond/movcond path; brcond has one bytecode per cond. */
static inline bool cond32(unsigned c, uint32_t a, uint32_t b)
{
    return ir_eval_cond((IRCond)c, 32, a, b);
}

static inline bool cond64(unsigned c, uint64_t a, uint64_t b)
{
    return ir_eval_cond((IRCond)c, 64, a, b);
}

/* Extend a value of the memop's size (up to 8 bytes) to 64 bits. */
static inline uint64_t memop_extend(uint64_t v, MemOp mop)
{
    switch (mop & (MO_SIZE | MO_SIGN)) {
    case MO_UB:
        return (uint8_t)v;
    case MO_UW:
        return (uint16_t)v;
    case MO_UL:
        return (uint32_t)v;
    case MO_SB:
        return (uint64_t)(int8_t)v;
    case MO_SW:
        return (uint64_t)(int16_t)v;
    case MO_SL:
        return (uint64_t)(int32_t)v;
    default:
        return v;
    }
}

/* Host load of 1..8 bytes with the memop's byte order and extension. */
static inline uint64_t host_load(const void *p, MemOp mop)
{
    uint64_t v;

    switch (mop & MO_SIZE) {
    case MO_8: {
        uint8_t x;
        memcpy(&x, p, 1);
        v = x;
        break;
    }
    case MO_16: {
        uint16_t x;
        memcpy(&x, p, 2);
        v = mop & MO_BSWAP ? __builtin_bswap16(x) : x;
        break;
    }
    case MO_32: {
        uint32_t x;
        memcpy(&x, p, 4);
        v = mop & MO_BSWAP ? __builtin_bswap32(x) : x;
        break;
    }
    default: {
        uint64_t x;
        memcpy(&x, p, 8);
        v = mop & MO_BSWAP ? __builtin_bswap64(x) : x;
        break;
    }
    }
    return memop_extend(v, mop);
}

static inline void host_store(void *p, uint64_t v, MemOp mop)
{
    switch (mop & MO_SIZE) {
    case MO_8: {
        uint8_t x = (uint8_t)v;
        memcpy(p, &x, 1);
        break;
    }
    case MO_16: {
        uint16_t x = (uint16_t)v;
        x = mop & MO_BSWAP ? __builtin_bswap16(x) : x;
        memcpy(p, &x, 2);
        break;
    }
    case MO_32: {
        uint32_t x = (uint32_t)v;
        x = mop & MO_BSWAP ? __builtin_bswap32(x) : x;
        memcpy(p, &x, 4);
        break;
    }
    default: {
        uint64_t x = mop & MO_BSWAP ? __builtin_bswap64(v) : v;
        memcpy(p, &x, 8);
        break;
    }
    }
}

/* 16 bytes as (lo, hi); big-endian swaps the whole 128-bit value. */
static inline void host_load128(const void *p, MemOp mop, uint64_t *lo,
                                uint64_t *hi)
{
    uint64_t w[2];

    memcpy(w, p, 16);
    if (mop & MO_BSWAP) {
        *lo = __builtin_bswap64(w[1]);
        *hi = __builtin_bswap64(w[0]);
    } else {
        *lo = w[0];
        *hi = w[1];
    }
}

static inline void host_store128(void *p, uint64_t lo, uint64_t hi,
                                 MemOp mop)
{
    uint64_t w[2];

    if (mop & MO_BSWAP) {
        w[0] = __builtin_bswap64(hi);
        w[1] = __builtin_bswap64(lo);
    } else {
        w[0] = lo;
        w[1] = hi;
    }
    memcpy(p, w, 16);
}

/*
 * The softmmu fast path, as the JIT emits it inline.  True on a hit,
 * with the host address in *host; false for a miss, a flagged entry
 * (MMIO, code page ...), a misaligned access or one that crosses a page.
 */
static inline bool tlb_fast(void *env, uint64_t addr, MemOpIdx oi,
                            bool store, unsigned size, void **host)
{
    const TLBFast *f = &env_neg(env)->tlb[get_mmuidx(oi)];
    uintptr_t ofs = (uintptr_t)(addr >> (TARGET_PAGE_BITS - TLB_ENTRY_BITS))
                    & f->mask;
    const TLBEntry *e = (const TLBEntry *)((const uint8_t *)f->table + ofs);
    /* Relaxed: another vCPU may be flushing this TLB right now. */
    uint64_t tag = __atomic_load_n(store ? &e->addr_write : &e->addr_read,
                                   __ATOMIC_RELAXED);
    unsigned a_bits = memop_align_bits(get_memop(oi));
    uint64_t a_mask = (1ull << a_bits) - 1;

    if ((addr & (TARGET_PAGE_MASK | a_mask)) != tag) {
        return false;
    }
    /* An access aligned to its size cannot cross a page. */
    if (a_mask < size - 1 &&
        ((addr ^ (addr + size - 1)) & TARGET_PAGE_MASK) != 0) {
        return false;
    }
    *host = (void *)(uintptr_t)(addr + e->addend);
    return true;
}

typedef uint64_t (*LdSlowFn)(void *env, uint64_t addr, MemOpIdx oi,
                             uintptr_t retaddr);
typedef void (*StSlowFn)(void *env, uint64_t addr, uint64_t val,
                         MemOpIdx oi, uintptr_t retaddr);
typedef void (*Ld128SlowFn)(void *env, uint64_t addr, MemOpIdx oi,
                            uintptr_t retaddr, uint64_t out[2]);
typedef void (*St128SlowFn)(void *env, uint64_t addr, uint64_t lo,
                            uint64_t hi, MemOpIdx oi, uintptr_t retaddr);

/*
 * Guest loads.  The slow path applies the byte order (it has the memop)
 * and returns the value in its low bytes; extending it here as well
 * makes the result right whether it zero- or sign-extended.
 */
/*
 * A misaligned access in IR_MEM_DIRECT mode: hand it to the slow-path
 * hook, which raises the guest's alignment fault (ir.h).  Should a hook
 * return, the access proceeds directly.
 */
static void qalign_fault(void *env, uint64_t addr, MemOpIdx oi,
                         unsigned opc, uintptr_t fn, const uint16_t *pc)
{
    uint64_t out[2];

    tcg_interp_pc = (uintptr_t)pc;
    switch (opc) {
    case IR_OP_qemu_ld:
        ((LdSlowFn)fn)(env, addr, oi, (uintptr_t)pc);
        break;
    case IR_OP_qemu_st:
        ((StSlowFn)fn)(env, addr, 0, oi, (uintptr_t)pc);
        break;
    case IR_OP_qemu_ld128:
        ((Ld128SlowFn)fn)(env, addr, oi, (uintptr_t)pc, out);
        break;
    default:
        ((St128SlowFn)fn)(env, addr, 0, 0, oi, (uintptr_t)pc);
        break;
    }
}

static uint64_t qld_mmu(void *env, uint64_t addr, const uint16_t *pc)
{
    MemOpIdx oi = (MemOpIdx)rd_i32(pc + 3);
    MemOp mop = get_memop(oi);
    void *h;

    if (tlb_fast(env, addr, oi, false, memop_size(mop), &h)) {
        return host_load(h, mop);
    }
    return memop_extend(((LdSlowFn)rd_ptr(pc + 5))(env, addr, oi,
                                                   (uintptr_t)pc), mop);
}

static void qst_mmu(void *env, uint64_t addr, uint64_t val,
                    const uint16_t *pc)
{
    MemOpIdx oi = (MemOpIdx)rd_i32(pc + 3);
    MemOp mop = get_memop(oi);
    void *h;

    if (tlb_fast(env, addr, oi, true, memop_size(mop), &h)) {
        host_store(h, val, mop);
    } else {
        ((StSlowFn)rd_ptr(pc + 5))(env, addr, val, oi, (uintptr_t)pc);
    }
}

static void qld128_mmu(void *env, uint64_t addr, const uint16_t *pc,
                       uint64_t out[2])
{
    MemOpIdx oi = (MemOpIdx)rd_i32(pc + 4);
    void *h;

    if (tlb_fast(env, addr, oi, false, 16, &h)) {
        host_load128(h, get_memop(oi), &out[0], &out[1]);
    } else {
        ((Ld128SlowFn)rd_ptr(pc + 6))(env, addr, oi, (uintptr_t)pc, out);
    }
}

static void qst128_mmu(void *env, uint64_t addr, uint64_t lo, uint64_t hi,
                       const uint16_t *pc)
{
    MemOpIdx oi = (MemOpIdx)rd_i32(pc + 4);
    void *h;

    if (tlb_fast(env, addr, oi, true, 16, &h)) {
        host_store128(h, lo, hi, get_memop(oi));
    } else {
        ((St128SlowFn)rd_ptr(pc + 6))(env, addr, lo, hi, oi,
                                      (uintptr_t)pc);
    }
}

/*
 * Helpers are called through one type with seven integer arguments.
 * On x86-64 SysV that is safe for any helper taking up to seven integer
 * or pointer arguments: the first six travel in registers whatever the
 * callee declares, the seventh on the stack, which the caller owns and
 * pops, so a callee declaring fewer simply never reads the rest; a
 * 32-bit parameter reads the low half of its register; and a 32-bit
 * result comes back in the low half of rax (we truncate it).
 */
typedef uint64_t (*HelperFn)(uint64_t, uint64_t, uint64_t, uint64_t,
                             uint64_t, uint64_t, uint64_t);


/* ------------------------------------------------------------------ */
/* The interpreter loop                                                */

/* Operand unit n of the current op as a frame slot. */
#define R(n) regs[pc[n]]
#define NEXT(len)                                                       \
    do {                                                                \
        pc += (len);                                                    \
        goto *dispatch[pc[0]];                                          \
    } while (0)
#define CASE(name) L_##name:
#define DONE(name) NEXT(BC_LEN_##name)

#define BIN32(name, expr)                                               \
    CASE(name)                                                          \
    {                                                                   \
        uint32_t a = (uint32_t)R(2), b = (uint32_t)R(3);                \
        R(1) = (uint32_t)(expr);                                        \
        DONE(name);                                                     \
    }
#define BIN64(name, expr)                                               \
    CASE(name)                                                          \
    {                                                                   \
        uint64_t a = R(2), b = R(3);                                    \
        R(1) = (expr);                                                  \
        DONE(name);                                                     \
    }
#define UN32(name, expr)                                                \
    CASE(name)                                                          \
    {                                                                   \
        uint32_t a = (uint32_t)R(2);                                    \
        R(1) = (uint32_t)(expr);                                        \
        DONE(name);                                                     \
    }
#define UN64(name, expr)                                                \
    CASE(name)                                                          \
    {                                                                   \
        uint64_t a = R(2);                                              \
        R(1) = (expr);                                                  \
        DONE(name);                                                     \
    }
#define LDOP(name, type, expr)                                          \
    CASE(name)                                                          \
    {                                                                   \
        type x;                                                         \
        memcpy(&x, (const void *)(uintptr_t)(R(2) + rd_i32(pc + 3)),    \
               sizeof(x));                                              \
        R(1) = (expr);                                                  \
        DONE(name);                                                     \
    }
#define STOP(name, type)                                                \
    CASE(name)                                                          \
    {                                                                   \
        type x = (type)R(1);                                            \
        memcpy((void *)(uintptr_t)(R(2) + rd_i32(pc + 3)), &x,          \
               sizeof(x));                                              \
        DONE(name);                                                     \
    }
#define BRC(name, cmp)                                                  \
    CASE(name)                                                          \
    {                                                                   \
        if (cmp) {                                                      \
            pc = (const uint16_t *)((const uint8_t *)pc +               \
                                    rd_i32(pc + 3));                    \
            NEXT(0);                                                    \
        }                                                               \
        DONE(name);                                                     \
    }
#define U32(n) ((uint32_t)R(n))
#define S32(n) ((int32_t)R(n))
#define S64(n) ((int64_t)R(n))

static uintptr_t interp_exec(void *env, const void *tc_rx)
{
    static const void *const dispatch[BC_COUNT] = {
#define BC_LABEL(name, len, layout) [BC_##name] = &&L_##name,
        BC_OPS(BC_LABEL)
#undef BC_LABEL
    };
    uint64_t frame0[INTERP_FRAME0];
    uint64_t *regs = frame0;
    size_t cap = INTERP_FRAME0;
    const uint16_t *pc = tc_rx;

    /* A helper may have longjmp'ed out of a previous run. */
    tcg_interp_pc = 0;
    regs[0] = (uintptr_t)env;
    NEXT(0);

    CASE(NOP)
    {
        DONE(NOP);
    }
    CASE(RET0)
    {
        tcg_interp_pc = 0;
        return 0;
    }
    CASE(TB_ENTER)
    {
        unsigned nslots = pc[1], nconsts = pc[2];

        if (nslots > cap) {
            /*
             * Doubling bounds the stack used by a chain of ever larger
             * TBs to twice the largest; it is all released when exec
             * returns or a helper longjmps out.
             */
            cap = MAX(nslots, cap * 2);
            regs = alloca(cap * sizeof(uint64_t));
            regs[0] = (uintptr_t)env;
        }
        memcpy(regs + 1, pc + 3, nconsts * sizeof(uint64_t));
        NEXT(3 + 4 * nconsts);
    }
    CASE(BR)
    {
        pc = (const uint16_t *)((const uint8_t *)pc + rd_i32(pc + 1));
        NEXT(0);
    }
    CASE(GOTO_TB)
    {
        /* Acquire: the target TB's byte code was written before. */
        pc = (const uint16_t *)(uintptr_t)__atomic_load_n(
            (const uint64_t *)bc_goto_tb_slot((uintptr_t)pc),
            __ATOMIC_ACQUIRE);
        NEXT(0);
    }
    CASE(EXIT_TB)
    {
        uintptr_t v = rd_ptr(pc + 1);

        tcg_interp_pc = 0;
        return v;
    }
    CASE(GOTO_PTR)
    {
        pc = (const uint16_t *)(uintptr_t)R(1);
        NEXT(0);
    }
    CASE(CALL)
    {
        unsigned n = pc[1];
        uint64_t a[IR_MAX_HELPER_ARGS] = { 0 };
        uint64_t r;

        for (unsigned i = 0; i < n; i++) {
            a[i] = R(8 + i);
        }
        tcg_interp_pc = (uintptr_t)pc;
        r = ((HelperFn)rd_ptr(pc + 4))(a[0], a[1], a[2], a[3], a[4], a[5],
                                       a[6]);
        if (pc[2] == CALL_RET_I32) {
            R(3) = (uint32_t)r;
        } else if (pc[2] == CALL_RET_I64) {
            R(3) = r;
        }
        NEXT(8 + n);
    }
    CASE(MB)
    {
        if (pc[1] & IR_MB_ST_LD) {
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
        } else {
            __atomic_thread_fence(__ATOMIC_ACQ_REL);
        }
        DONE(MB);
    }
    CASE(MOV)
    {
        R(1) = R(2);
        DONE(MOV);
    }

    /* Host memory: base slot + int32 offset. */
    LDOP(LD8U, uint8_t, x)
    LDOP(LD8S_32, int8_t, (uint32_t)x)
    LDOP(LD8S_64, int8_t, (uint64_t)x)
    LDOP(LD16U, uint16_t, x)
    LDOP(LD16S_32, int16_t, (uint32_t)x)
    LDOP(LD16S_64, int16_t, (uint64_t)x)
    LDOP(LD32U, uint32_t, x)
    LDOP(LD32S_64, int32_t, (uint64_t)x)
    LDOP(LD64, uint64_t, x)
    STOP(ST8, uint8_t)
    STOP(ST16, uint16_t)
    STOP(ST32, uint32_t)
    STOP(ST64, uint64_t)
    CASE(LDX_32)
    {
        R(1) = (uint32_t)host_load(
            (const void *)(uintptr_t)(R(2) + rd_i32(pc + 3)), pc[5]);
        DONE(LDX_32);
    }
    CASE(LDX_64)
    {
        R(1) = host_load((const void *)(uintptr_t)(R(2) + rd_i32(pc + 3)),
                         pc[5]);
        DONE(LDX_64);
    }
    CASE(STX)
    {
        host_store((void *)(uintptr_t)(R(2) + rd_i32(pc + 3)), R(1), pc[5]);
        DONE(STX);
    }

    /* Arithmetic.  i32 inputs are truncated, results zero-extended. */
    BIN32(ADD_32, a + b)
    BIN64(ADD_64, a + b)
    BIN32(SUB_32, a - b)
    BIN64(SUB_64, a - b)
    BIN32(MUL_32, a * b)
    BIN64(MUL_64, a * b)
    CASE(MULU2_32)
    {
        uint64_t p = (uint64_t)U32(3) * U32(4);

        R(1) = (uint32_t)p;
        R(2) = p >> 32;
        DONE(MULU2_32);
    }
    CASE(MULU2_64)
    {
        unsigned __int128 p = (unsigned __int128)R(3) * R(4);

        R(1) = (uint64_t)p;
        R(2) = (uint64_t)(p >> 64);
        DONE(MULU2_64);
    }
    CASE(MULS2_32)
    {
        int64_t p = (int64_t)S32(3) * S32(4);

        R(1) = (uint32_t)p;
        R(2) = (uint32_t)((uint64_t)p >> 32);
        DONE(MULS2_32);
    }
    CASE(MULS2_64)
    {
        __int128 p = (__int128)S64(3) * S64(4);

        R(1) = (uint64_t)p;
        R(2) = (uint64_t)((unsigned __int128)p >> 64);
        DONE(MULS2_64);
    }
    BIN32(DIVS_32, ir_eval_divs32(a, b))
    BIN64(DIVS_64, ir_eval_divs64(a, b))
    BIN32(DIVU_32, ir_eval_divu(a, b))
    BIN64(DIVU_64, ir_eval_divu(a, b))
    BIN32(REMS_32, ir_eval_rems32(a, b))
    BIN64(REMS_64, ir_eval_rems64(a, b))
    BIN32(REMU_32, ir_eval_remu(a, b))
    BIN64(REMU_64, ir_eval_remu(a, b))
    /* Zero-extended in, zero-extended out: one op serves both types. */
    BIN64(AND, a & b)
    BIN64(OR, a | b)
    BIN64(XOR, a ^ b)
    BIN64(ANDC, a & ~b)
    BIN32(ORC_32, a | ~b)
    BIN64(ORC_64, a | ~b)
    BIN32(EQV_32, ~(a ^ b))
    BIN64(EQV_64, ~(a ^ b))
    BIN32(NAND_32, ~(a & b))
    BIN64(NAND_64, ~(a & b))
    BIN32(NOR_32, ~(a | b))
    BIN64(NOR_64, ~(a | b))
    UN32(NOT_32, ~a)
    UN64(NOT_64, ~a)
    UN32(NEG_32, -a)
    UN64(NEG_64, -a)
    BIN32(SHL_32, a << (b & 31))
    BIN64(SHL_64, a << (b & 63))
    BIN32(SHR_32, a >> (b & 31))
    BIN64(SHR_64, a >> (b & 63))
    BIN32(SAR_32, (int32_t)a >> (b & 31))
    BIN64(SAR_64, (uint64_t)((int64_t)a >> (b & 63)))
    BIN32(ROTL_32, ir_eval_rotl32(a, b))
    BIN64(ROTL_64, ir_eval_rotl64(a, b))
    BIN32(ROTR_32, ir_eval_rotl32(a, -b))
    BIN64(ROTR_64, ir_eval_rotl64(a, -b))
    UN32(EXT8S_32, ir_eval_sext(a, 8))
    UN64(EXT8S_64, ir_eval_sext(a, 8))
    UN64(EXT8U, (uint8_t)a)
    UN32(EXT16S_32, ir_eval_sext(a, 16))
    UN64(EXT16S_64, ir_eval_sext(a, 16))
    UN64(EXT16U, (uint16_t)a)
    UN64(EXT32S, ir_eval_sext(a, 32))
    UN64(EXT32U, (uint32_t)a)
    UN64(EXTRH, a >> 32)
    /* Fields: the generator turns (pos, len) into two shift counts. */
    CASE(EXTRACT_32)
    {
        R(1) = (uint32_t)(U32(2) << pc[3]) >> pc[4];
        DONE(EXTRACT_32);
    }
    CASE(EXTRACT_64)
    {
        R(1) = (R(2) << pc[3]) >> pc[4];
        DONE(EXTRACT_64);
    }
    CASE(SEXTRACT_32)
    {
        R(1) = (uint32_t)((int32_t)(U32(2) << pc[3]) >> pc[4]);
        DONE(SEXTRACT_32);
    }
    CASE(SEXTRACT_64)
    {
        R(1) = (uint64_t)((int64_t)(R(2) << pc[3]) >> pc[4]);
        DONE(SEXTRACT_64);
    }
    CASE(DEPOSIT_32)
    {
        R(1) = (uint32_t)ir_eval_deposit(U32(2), U32(3), pc[4], pc[5]);
        DONE(DEPOSIT_32);
    }
    CASE(DEPOSIT_64)
    {
        R(1) = ir_eval_deposit(R(2), R(3), pc[4], pc[5]);
        DONE(DEPOSIT_64);
    }
    CASE(EXTRACT2_32)
    {
        uint64_t x = ((uint64_t)U32(3) << 32) | U32(2);

        R(1) = (uint32_t)(x >> pc[4]);
        DONE(EXTRACT2_32);
    }
    CASE(EXTRACT2_64)
    {
        /* pos is 1..63 here: the generator turns 0 into a mov. */
        unsigned pos = pc[4];

        R(1) = (R(2) >> pos) | (R(3) << (64 - pos));
        DONE(EXTRACT2_64);
    }
    UN64(BSWAP16, ir_eval_bswap16(a))
    UN64(BSWAP32, __builtin_bswap32((uint32_t)a))
    UN64(BSWAP64, __builtin_bswap64(a))
    BIN32(CLZ_32, a ? (uint32_t)__builtin_clz(a) : b)
    BIN64(CLZ_64, a ? (uint64_t)__builtin_clzll(a) : b)
    BIN32(CTZ_32, a ? (uint32_t)__builtin_ctz(a) : b)
    BIN64(CTZ_64, a ? (uint64_t)__builtin_ctzll(a) : b)
    UN64(CTPOP, (uint64_t)__builtin_popcountll(a))
    CASE(ADD2_32)
    {
        uint64_t x = ((uint64_t)U32(4) << 32) | U32(3);
        uint64_t y = ((uint64_t)U32(6) << 32) | U32(5);

        x += y;
        R(1) = (uint32_t)x;
        R(2) = x >> 32;
        DONE(ADD2_32);
    }
    CASE(ADD2_64)
    {
        unsigned __int128 x = ((unsigned __int128)R(4) << 64) | R(3);
        unsigned __int128 y = ((unsigned __int128)R(6) << 64) | R(5);

        x += y;
        R(1) = (uint64_t)x;
        R(2) = (uint64_t)(x >> 64);
        DONE(ADD2_64);
    }
    CASE(SUB2_32)
    {
        uint64_t x = ((uint64_t)U32(4) << 32) | U32(3);
        uint64_t y = ((uint64_t)U32(6) << 32) | U32(5);

        x -= y;
        R(1) = (uint32_t)x;
        R(2) = x >> 32;
        DONE(SUB2_32);
    }
    CASE(SUB2_64)
    {
        unsigned __int128 x = ((unsigned __int128)R(4) << 64) | R(3);
        unsigned __int128 y = ((unsigned __int128)R(6) << 64) | R(5);

        x -= y;
        R(1) = (uint64_t)x;
        R(2) = (uint64_t)(x >> 64);
        DONE(SUB2_64);
    }
    CASE(SETCOND_32)
    {
        R(1) = cond32(pc[4], U32(2), U32(3));
        DONE(SETCOND_32);
    }
    CASE(SETCOND_64)
    {
        R(1) = cond64(pc[4], R(2), R(3));
        DONE(SETCOND_64);
    }
    CASE(NEGSETCOND_32)
    {
        R(1) = cond32(pc[4], U32(2), U32(3)) ? UINT32_MAX : 0;
        DONE(NEGSETCOND_32);
    }
    CASE(NEGSETCOND_64)
    {
        R(1) = cond64(pc[4], R(2), R(3)) ? UINT64_MAX : 0;
        DONE(NEGSETCOND_64);
    }
    CASE(MOVCOND_32)
    {
        R(1) = cond32(pc[6], U32(2), U32(3)) ? U32(4) : U32(5);
        DONE(MOVCOND_32);
    }
    CASE(MOVCOND_64)
    {
        R(1) = cond64(pc[6], R(2), R(3)) ? R(4) : R(5);
        DONE(MOVCOND_64);
    }
    BRC(BRCOND_EQ_32, U32(1) == U32(2))
    BRC(BRCOND_EQ_64, R(1) == R(2))
    BRC(BRCOND_NE_32, U32(1) != U32(2))
    BRC(BRCOND_NE_64, R(1) != R(2))
    BRC(BRCOND_LT_32, S32(1) < S32(2))
    BRC(BRCOND_LT_64, S64(1) < S64(2))
    BRC(BRCOND_GE_32, S32(1) >= S32(2))
    BRC(BRCOND_GE_64, S64(1) >= S64(2))
    BRC(BRCOND_LE_32, S32(1) <= S32(2))
    BRC(BRCOND_LE_64, S64(1) <= S64(2))
    BRC(BRCOND_GT_32, S32(1) > S32(2))
    BRC(BRCOND_GT_64, S64(1) > S64(2))
    BRC(BRCOND_LTU_32, U32(1) < U32(2))
    BRC(BRCOND_LTU_64, R(1) < R(2))
    BRC(BRCOND_GEU_32, U32(1) >= U32(2))
    BRC(BRCOND_GEU_64, R(1) >= R(2))
    BRC(BRCOND_LEU_32, U32(1) <= U32(2))
    BRC(BRCOND_LEU_64, R(1) <= R(2))
    BRC(BRCOND_GTU_32, U32(1) > U32(2))
    BRC(BRCOND_GTU_64, R(1) > R(2))

    /*
     * Guest memory.  tcg_interp_pc is set first: a helper, a slow path
     * or (user mode) a SIGSEGV handler uses it to find the insn.
     */
    CASE(QALIGN)
    {
        /* oi in the low 24 bits, the IR opcode of the access above. */
        uint32_t w = (uint32_t)rd_i32(pc + 2);
        MemOpIdx oi = w & 0xffffff;
        uint64_t amask = (1ull << memop_align_bits(get_memop(oi))) - 1;

        if (R(1) & amask) {
            qalign_fault(env, R(1), oi, w >> 24, rd_ptr(pc + 4), pc);
        }
        DONE(QALIGN);
    }
    CASE(QLD_D_32)
    {
        tcg_interp_pc = (uintptr_t)pc;
        R(1) = (uint32_t)host_load(
            (const void *)(uintptr_t)(rd_ptr(pc + 5) + R(2)),
            get_memop((MemOpIdx)rd_i32(pc + 3)));
        DONE(QLD_D_32);
    }
    CASE(QLD_D_64)
    {
        tcg_interp_pc = (uintptr_t)pc;
        R(1) = host_load((const void *)(uintptr_t)(rd_ptr(pc + 5) + R(2)),
                         get_memop((MemOpIdx)rd_i32(pc + 3)));
        DONE(QLD_D_64);
    }
    CASE(QLD_M_32)
    {
        tcg_interp_pc = (uintptr_t)pc;
        R(1) = (uint32_t)qld_mmu(env, R(2), pc);
        DONE(QLD_M_32);
    }
    CASE(QLD_M_64)
    {
        tcg_interp_pc = (uintptr_t)pc;
        R(1) = qld_mmu(env, R(2), pc);
        DONE(QLD_M_64);
    }
    CASE(QST_D)
    {
        tcg_interp_pc = (uintptr_t)pc;
        host_store((void *)(uintptr_t)(rd_ptr(pc + 5) + R(2)), R(1),
                   get_memop((MemOpIdx)rd_i32(pc + 3)));
        DONE(QST_D);
    }
    CASE(QST_M)
    {
        tcg_interp_pc = (uintptr_t)pc;
        qst_mmu(env, R(2), R(1), pc);
        DONE(QST_M);
    }
    CASE(QLD128_D)
    {
        uint64_t lo, hi;

        tcg_interp_pc = (uintptr_t)pc;
        host_load128((const void *)(uintptr_t)(rd_ptr(pc + 6) + R(3)),
                     get_memop((MemOpIdx)rd_i32(pc + 4)), &lo, &hi);
        R(1) = lo;
        R(2) = hi;
        DONE(QLD128_D);
    }
    CASE(QLD128_M)
    {
        uint64_t out[2];

        tcg_interp_pc = (uintptr_t)pc;
        qld128_mmu(env, R(3), pc, out);
        R(1) = out[0];
        R(2) = out[1];
        DONE(QLD128_M);
    }
    CASE(QST128_D)
    {
        tcg_interp_pc = (uintptr_t)pc;
        host_store128((void *)(uintptr_t)(rd_ptr(pc + 6) + R(3)), R(1),
                      R(2), get_memop((MemOpIdx)rd_i32(pc + 4)));
        DONE(QST128_D);
    }
    CASE(QST128_M)
    {
        tcg_interp_pc = (uintptr_t)pc;
        qst128_mmu(env, R(3), R(1), R(2), pc);
        DONE(QST128_M);
    }
}

/* ------------------------------------------------------------------ */
/* The rest of the backend contract                                    */

static size_t interp_emit_prologue(IRContext *s, const void **epilogue_rx)
{
    uint16_t op = BC_RET0;

    g_assert((((uintptr_t)s->code_ptr | (uintptr_t)s->rx_diff) & 1) == 0);
    g_assert(s->code_ptr + sizeof(op) <= s->code_highwater);
    memcpy(s->code_ptr, &op, sizeof(op));
    *epilogue_rx = s->code_ptr + s->rx_diff;
    s->code_ptr += sizeof(op);
    return sizeof(op);
}

static void interp_patch_jump(uintptr_t jmp_rx, ptrdiff_t rx_diff,
                              uintptr_t target_rx)
{
    uint64_t *slot = (uint64_t *)(bc_goto_tb_slot(jmp_rx) - rx_diff);

    /* Release: the target's byte code is complete before it is seen. */
    __atomic_store_n(slot, (uint64_t)target_rx, __ATOMIC_RELEASE);
}

static void interp_disas(FILE *f, const void *code_rx, size_t size)
{
    const uint16_t *start = code_rx;
    const uint16_t *pc = start;
    const uint16_t *end = (const uint16_t *)((const uint8_t *)code_rx
                                             + size);

    while (pc < end) {
        const char *l;
        const uint16_t *u;

        if (pc[0] >= BC_COUNT) {
            fprintf(f, "  %04zx: <bad op %u>\n",
                    (size_t)((pc - start) * 2), pc[0]);
            return;
        }
        fprintf(f, "  %04zx: %-14s", (size_t)((pc - start) * 2),
                bc_names[pc[0]]);
        u = pc + 1;
        for (l = bc_layouts[pc[0]]; *l; l++) {
            switch (*l) {
            case 'r':
                fprintf(f, " r%u", *u++);
                break;
            case 'c':
                fprintf(f, " %u", *u++);
                break;
            case 'p':
                u++;
                break;
            case 'i':
                fprintf(f, " %" PRId32, rd_i32(u));
                u += 2;
                break;
            case 'L':
                fprintf(f, " ->%04zx",
                        (size_t)((pc - start) * 2 + rd_i32(u)));
                u += 2;
                break;
            case 'q':
                fprintf(f, " 0x%" PRIx64, rd_u64(u));
                u += 4;
                break;
            }
        }
        if (pc[0] == BC_CALL) {
            for (unsigned i = 0; i < pc[1]; i++) {
                fprintf(f, " r%u", pc[8 + i]);
            }
        } else if (pc[0] == BC_GOTO_TB) {
            fprintf(f, " 0x%" PRIx64,
                    rd_u64((const uint16_t *)bc_goto_tb_slot(
                        (uintptr_t)pc)));
        } else if (pc[0] == BC_TB_ENTER) {
            for (unsigned i = 0; i < pc[2]; i++) {
                fprintf(f, " r%u=0x%" PRIx64, 1 + i, rd_u64(pc + 3 + 4 * i));
            }
        }
        fputc('\n', f);
        pc += bc_len(pc);
    }
}

const TCGBackend tcg_backend_interp = {
    .name = "interp",
    .emit_prologue = interp_emit_prologue,
    .gen_code = tcg_interp_gen_code,
    .exec = interp_exec,
    .patch_jump = interp_patch_jump,
    .disas = interp_disas,
};

int tcg_interp_run_ir(IRContext *s, void *env, uintptr_t *ret)
{
    uint8_t *saved_buf = s->code_buf, *saved_ptr = s->code_ptr;
    uint8_t *saved_hw = s->code_highwater;
    ptrdiff_t saved_diff = s->rx_diff;
    size_t size = 4096 + (size_t)s->nb_ops * 64 + (size_t)s->nb_temps * 8;
    int r;

    for (;;) {
        uint8_t *buf = g_malloc(size);

        s->code_buf = s->code_ptr = buf;
        s->code_highwater = buf + size;
        s->rx_diff = 0;
        r = tcg_interp_gen_code(s);
        if (r >= 0) {
            *ret = interp_exec(env, buf);
        }
        g_free(buf);
        if (r != -1 || size > (64u << 20)) {
            break;
        }
        size *= 2;
    }
    s->code_buf = saved_buf;
    s->code_ptr = saved_ptr;
    s->code_highwater = saved_hw;
    s->rx_diff = saved_diff;
    return r >= 0 ? 0 : -1;
}

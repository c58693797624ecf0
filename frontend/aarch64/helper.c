/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 runtime helpers: exceptions, system registers, and the memory
 * operations the IR has no op for (exclusives, LSE atomics, DC ZVA).
 *
 * Exclusive monitor.  As QEMU does in user mode, LDXR records the address
 * and the value it loaded; STXR succeeds iff the address matches and
 * memory still holds that value, checked and stored in one host
 * compare-and-swap.  (An intervening store of the same value -- ABA --
 * goes unnoticed; real monitors would fail.  Software relying on LL/SC
 * cannot tell, since it only ever retries on failure.)
 *
 * Guest memory is reached at guest_base + addr (IR_MEM_DIRECT, user mode).
 * While a helper touches it, aarch64_helper_retaddr holds the helper's
 * return address so linux-user's SIGSEGV handler can restore the guest
 * state of the faulting instruction (cpu.h).
 */
#include <string.h>
#include <time.h>

#include "kestrel/tb.h"
#include "cpu-internal.h"
#include "helper.h"
#include "fpu.h"
#include "translate.h"

/* ------------------------------------------------------------------ */
/* Exceptions                                                          */

static void helper_a64_exception(void *envp, uint32_t excp, uint32_t syn)
{
    CPUARMState *env = envp;
    CPUState *cs = env_cpu(env);

    env->exception.syndrome = syn;
    env->exception.vaddr = 0;
    env->exception.is_write = false;
    cs->exception_index = (int)excp;
    cpu_loop_exit(cs);
}

const IRHelperInfo helper_info_a64_exception = {
    .func = (void *)helper_a64_exception,
    .name = "a64_exception",
    .flags = IR_CALL_NO_WRITE_GLOBALS,
    .nb_args = 3,
    .ret_type = IR_VOID,
    .arg_types = { IR_I64, IR_I32, IR_I32 },
};

G_NORETURN static void a64_mem_fault(CPUARMState *env, int excp,
                                     uint64_t addr, bool is_write,
                                     uintptr_t ra)
{
    CPUState *cs = env_cpu(env);

    env->exception.syndrome = (uint32_t)EC_DATAABORT_SAME_EL << 26 |
                              1u << 25 | (is_write ? 1u << 6 : 0) |
                              (excp == EXCP_UNALIGNED ? 0x21 : 0x04);
    env->exception.vaddr = addr;
    env->exception.is_write = is_write;
    cs->exception_index = excp;
    cpu_loop_exit_restore(cs, ra);
}

/*
 * Host address of [addr, addr + size) after checking the alignment the
 * operation needs (align bytes).
 */
static void *a64_host_addr(CPUARMState *env, uint64_t addr, unsigned size,
                           unsigned align, bool is_write, uintptr_t ra)
{
    IRContext *s = a64_ir;

    if (addr & (align - 1)) {
        a64_mem_fault(env, EXCP_UNALIGNED, addr, is_write, ra);
    }
    if (s->mem_mode != IR_MEM_DIRECT) {
        /* System mode: RAM through the TLB (faults raised there). */
        if (a64_sys_hooks) {
            return a64_sys_hooks->host_addr(env, addr, size, is_write, ra);
        }
        a64_mem_fault(env, EXCP_DATA_ABORT, addr, is_write, ra);
    }
    (void)size;
    aarch64_helper_retaddr = ra;
    return (void *)(s->guest_base + (uintptr_t)addr);
}

static void a64_host_done(void)
{
    aarch64_helper_retaddr = 0;
}

/* ------------------------------------------------------------------ */
/* System registers                                                    */

/*
 * FPCR keeps AHP, DN, FZ and RMode (fpu.h); FZ16 only with FEAT_FP16, and
 * Len/Stride are RES0 without AArch32.  Trap enables are not implemented.
 * FPSR keeps QC and the cumulative exception flags.
 */
#define A64_FPSR_MASK FPSR_WRITE_MASK

static uint64_t helper_a64_get_fpcr(void *envp)
{
    return ((CPUARMState *)envp)->fpcr;
}

static uint64_t helper_a64_get_fpsr(void *envp)
{
    return ((CPUARMState *)envp)->fpsr;
}

static void helper_a64_set_fpcr(void *envp, uint64_t v)
{
    uint32_t mask = FPCR_WRITE_MASK;

    if (aarch64_optional_features.fp16) {
        mask |= FPCR_FZ16;
    }
    ((CPUARMState *)envp)->fpcr = (uint32_t)v & mask;
}

static void helper_a64_set_fpsr(void *envp, uint64_t v)
{
    ((CPUARMState *)envp)->fpsr = (uint32_t)v & A64_FPSR_MASK;
}

#define A64_ENV_HELPER(fn, ret, nargs, ...)                          \
    {                                                                \
        .func = (void *)fn, .name = #fn,                             \
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | \
                 IR_CALL_NO_RAISE,                                   \
        .nb_args = nargs, .ret_type = ret, .arg_types = { __VA_ARGS__ } \
    }

const IRHelperInfo helper_info_a64_get_fpcr =
    A64_ENV_HELPER(helper_a64_get_fpcr, IR_I64, 1, IR_I64);
const IRHelperInfo helper_info_a64_get_fpsr =
    A64_ENV_HELPER(helper_a64_get_fpsr, IR_I64, 1, IR_I64);
const IRHelperInfo helper_info_a64_set_fpcr =
    A64_ENV_HELPER(helper_a64_set_fpcr, IR_VOID, 2, IR_I64, IR_I64);
const IRHelperInfo helper_info_a64_set_fpsr =
    A64_ENV_HELPER(helper_a64_set_fpsr, IR_VOID, 2, IR_I64, IR_I64);

static uint64_t helper_a64_cntvct(void *envp)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * A64_CNTFRQ_HZ + (uint64_t)ts.tv_nsec;
}

const IRHelperInfo helper_info_a64_cntvct =
    A64_ENV_HELPER(helper_a64_cntvct, IR_I64, 1, IR_I64);

/* ------------------------------------------------------------------ */
/* DC ZVA                                                              */

static void helper_a64_dc_zva(void *envp, uint64_t addr)
{
    uint64_t base = addr & ~(uint64_t)(A64_ZVA_BYTES - 1);
    void *p = a64_host_addr(envp, base, A64_ZVA_BYTES, 1, true, GETPC());

    memset(p, 0, A64_ZVA_BYTES);
    a64_host_done();
}

const IRHelperInfo helper_info_a64_dc_zva = {
    .func = (void *)helper_a64_dc_zva,
    .name = "a64_dc_zva",
    .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
    .nb_args = 2,
    .ret_type = IR_VOID,
    .arg_types = { IR_I64, IR_I64 },
};

/* ------------------------------------------------------------------ */
/* Sized host atomics                                                  */

static uint64_t a64_load(void *p, unsigned size)
{
    switch (size) {
    case 0:
        return __atomic_load_n((uint8_t *)p, __ATOMIC_SEQ_CST);
    case 1:
        return __atomic_load_n((uint16_t *)p, __ATOMIC_SEQ_CST);
    case 2:
        return __atomic_load_n((uint32_t *)p, __ATOMIC_SEQ_CST);
    default:
        return __atomic_load_n((uint64_t *)p, __ATOMIC_SEQ_CST);
    }
}

/* Compare-and-swap of 1 << size bytes; returns the old value. */
static uint64_t a64_cmpxchg(void *p, unsigned size, uint64_t cmp,
                            uint64_t val)
{
    switch (size) {
    case 0: {
        uint8_t c = (uint8_t)cmp;
        __atomic_compare_exchange_n((uint8_t *)p, &c, (uint8_t)val, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c;
    }
    case 1: {
        uint16_t c = (uint16_t)cmp;
        __atomic_compare_exchange_n((uint16_t *)p, &c, (uint16_t)val, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c;
    }
    case 2: {
        uint32_t c = (uint32_t)cmp;
        __atomic_compare_exchange_n((uint32_t *)p, &c, (uint32_t)val, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c;
    }
    default: {
        uint64_t c = cmp;
        __atomic_compare_exchange_n((uint64_t *)p, &c, val, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c;
    }
    }
}

static bool a64_cmpxchg128(void *p, uint64_t cmp_lo, uint64_t cmp_hi,
                           uint64_t lo, uint64_t hi, uint64_t old[2])
{
    unsigned __int128 c = (unsigned __int128)cmp_hi << 64 | cmp_lo;
    unsigned __int128 n = (unsigned __int128)hi << 64 | lo;
    unsigned __int128 o = __sync_val_compare_and_swap((unsigned __int128 *)p,
                                                      c, n);

    old[0] = (uint64_t)o;
    old[1] = (uint64_t)(o >> 64);
    return o == c;
}

static uint64_t a64_sext(uint64_t v, unsigned size)
{
    unsigned sh = 64 - (8u << size);

    return sh ? (uint64_t)((int64_t)(v << sh) >> sh) : v;
}

static uint64_t a64_zext(uint64_t v, unsigned size)
{
    return size >= 3 ? v : v & ((1ull << (8u << size)) - 1);
}

static uint64_t a64_atomic_apply(A64AtomicOp op, unsigned size, uint64_t old,
                                 uint64_t val)
{
    switch (op) {
    case A64_ATOMIC_ADD:
        return old + val;
    case A64_ATOMIC_CLR:
        return old & ~val;
    case A64_ATOMIC_EOR:
        return old ^ val;
    case A64_ATOMIC_SET:
        return old | val;
    case A64_ATOMIC_SMAX:
        return (int64_t)a64_sext(old, size) > (int64_t)a64_sext(val, size)
               ? old : val;
    case A64_ATOMIC_SMIN:
        return (int64_t)a64_sext(old, size) < (int64_t)a64_sext(val, size)
               ? old : val;
    case A64_ATOMIC_UMAX:
        return a64_zext(old, size) > a64_zext(val, size) ? old : val;
    case A64_ATOMIC_UMIN:
        return a64_zext(old, size) < a64_zext(val, size) ? old : val;
    default:
        return val;
    }
}

/* ------------------------------------------------------------------ */
/* Exclusives                                                          */

static uint64_t helper_a64_ldxr(void *envp, uint64_t addr, uint32_t desc)
{
    CPUARMState *env = envp;
    unsigned size = A64_DESC_SIZE(desc);
    void *p = a64_host_addr(env, addr, 1u << size, 1u << size, false,
                            GETPC());
    uint64_t v = a64_load(p, size);

    a64_host_done();
    env->exclusive_addr = addr;
    env->exclusive_val = v;
    return v;
}

static uint64_t helper_a64_stxr(void *envp, uint64_t addr, uint64_t val,
                                uint32_t desc)
{
    CPUARMState *env = envp;
    unsigned size = A64_DESC_SIZE(desc);
    void *p = a64_host_addr(env, addr, 1u << size, 1u << size, true,
                            GETPC());
    uint64_t expect = a64_zext(env->exclusive_val, size);
    uint64_t ok = 1;

    if (env->exclusive_addr == addr) {
        ok = a64_cmpxchg(p, size, expect, val) != expect;
    }
    a64_host_done();
    env->exclusive_addr = ~0ull;
    return ok;
}

/* desc size: 2 for a pair of words (one 8-byte access), 3 for Xt pairs. */
static uint64_t helper_a64_ldxp(void *envp, uint64_t addr, uint32_t desc)
{
    CPUARMState *env = envp;
    unsigned size = A64_DESC_SIZE(desc);
    unsigned bytes = 2u << size;
    uint64_t *p = a64_host_addr(env, addr, bytes, bytes, false, GETPC());
    uint64_t lo, hi;

    if (size == 2) {
        uint64_t v = a64_load(p, 3);

        lo = (uint32_t)v;
        hi = v >> 32;
        env->exclusive_val = v;
        env->exclusive_high = hi;
    } else {
        uint64_t old[2];

        /* An atomic 16-byte read: compare-and-swap with itself. */
        a64_cmpxchg128(p, 0, 0, 0, 0, old);
        lo = old[0];
        hi = old[1];
        env->exclusive_val = lo;
        env->exclusive_high = hi;
    }
    a64_host_done();
    env->exclusive_addr = addr;
    return lo;
}

static uint64_t helper_a64_stxp(void *envp, uint64_t addr, uint64_t lo,
                                uint64_t hi, uint32_t desc)
{
    CPUARMState *env = envp;
    unsigned size = A64_DESC_SIZE(desc);
    unsigned bytes = 2u << size;
    void *p = a64_host_addr(env, addr, bytes, bytes, true, GETPC());
    uint64_t ok = 1;

    if (env->exclusive_addr == addr) {
        if (size == 2) {
            uint64_t v = (uint32_t)lo | hi << 32;

            ok = a64_cmpxchg(p, 3, env->exclusive_val, v) !=
                 env->exclusive_val;
        } else {
            uint64_t old[2];

            ok = !a64_cmpxchg128(p, env->exclusive_val, env->exclusive_high,
                                 lo, hi, old);
        }
    }
    a64_host_done();
    env->exclusive_addr = ~0ull;
    return ok;
}

/* Exclusives read and write env fields that are not IR globals. */
#define A64_MEM_FLAGS (IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS)

const IRHelperInfo helper_info_a64_ldxr = {
    .func = (void *)helper_a64_ldxr, .name = "a64_ldxr",
    .flags = A64_MEM_FLAGS, .nb_args = 3, .ret_type = IR_I64,
    .arg_types = { IR_I64, IR_I64, IR_I32 },
};
const IRHelperInfo helper_info_a64_stxr = {
    .func = (void *)helper_a64_stxr, .name = "a64_stxr",
    .flags = A64_MEM_FLAGS, .nb_args = 4, .ret_type = IR_I64,
    .arg_types = { IR_I64, IR_I64, IR_I64, IR_I32 },
};
const IRHelperInfo helper_info_a64_ldxp = {
    .func = (void *)helper_a64_ldxp, .name = "a64_ldxp",
    .flags = A64_MEM_FLAGS, .nb_args = 3, .ret_type = IR_I64,
    .arg_types = { IR_I64, IR_I64, IR_I32 },
};
const IRHelperInfo helper_info_a64_stxp = {
    .func = (void *)helper_a64_stxp, .name = "a64_stxp",
    .flags = A64_MEM_FLAGS, .nb_args = 5, .ret_type = IR_I64,
    .arg_types = { IR_I64, IR_I64, IR_I64, IR_I64, IR_I32 },
};

/* ------------------------------------------------------------------ */
/* LSE atomics                                                         */

static uint64_t helper_a64_atomic(void *envp, uint64_t addr, uint64_t val,
                                  uint32_t desc)
{
    unsigned size = A64_DESC_SIZE(desc);
    A64AtomicOp op = (A64AtomicOp)A64_DESC_OP(desc);
    void *p = a64_host_addr(envp, addr, 1u << size, 1u << size, true,
                            GETPC());
    uint64_t old = a64_load(p, size), seen;

    for (;;) {
        uint64_t nv = a64_atomic_apply(op, size, old, val);

        seen = a64_cmpxchg(p, size, old, nv);
        if (seen == old) {
            break;
        }
        old = seen;
    }
    a64_host_done();
    return old;
}

static uint64_t helper_a64_cas(void *envp, uint64_t addr, uint64_t expected,
                               uint64_t val, uint32_t desc)
{
    unsigned size = A64_DESC_SIZE(desc);
    void *p = a64_host_addr(envp, addr, 1u << size, 1u << size, true,
                            GETPC());
    uint64_t old = a64_cmpxchg(p, size, a64_zext(expected, size), val);

    a64_host_done();
    return old;
}

static void helper_a64_casp(void *envp, uint64_t addr, uint32_t rs,
                            uint32_t rt, uint32_t desc)
{
    CPUARMState *env = envp;
    unsigned size = A64_DESC_SIZE(desc);
    unsigned bytes = 2u << size;
    void *p = a64_host_addr(env, addr, bytes, bytes, true, GETPC());
    uint64_t *x = env->xregs;
    /* Register 31 in a pair is XZR. */
    uint64_t s0 = rs == 31 ? 0 : x[rs], s1 = rs + 1 >= 31 ? 0 : x[rs + 1];
    uint64_t t0 = rt == 31 ? 0 : x[rt], t1 = rt + 1 >= 31 ? 0 : x[rt + 1];
    uint64_t o0, o1;

    if (size == 2) {
        uint64_t cmp = (uint32_t)s0 | s1 << 32;
        uint64_t old = a64_cmpxchg(p, 3, cmp, (uint32_t)t0 | t1 << 32);

        o0 = (uint32_t)old;
        o1 = old >> 32;
    } else {
        uint64_t old[2];

        a64_cmpxchg128(p, s0, s1, t0, t1, old);
        o0 = old[0];
        o1 = old[1];
    }
    a64_host_done();
    if (rs < 31) {
        x[rs] = o0;
    }
    if (rs + 1 < 31) {
        x[rs + 1] = o1;
    }
}

const IRHelperInfo helper_info_a64_atomic = {
    .func = (void *)helper_a64_atomic, .name = "a64_atomic",
    .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
    .nb_args = 4, .ret_type = IR_I64,
    .arg_types = { IR_I64, IR_I64, IR_I64, IR_I32 },
};
const IRHelperInfo helper_info_a64_cas = {
    .func = (void *)helper_a64_cas, .name = "a64_cas",
    .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
    .nb_args = 5, .ret_type = IR_I64,
    .arg_types = { IR_I64, IR_I64, IR_I64, IR_I64, IR_I32 },
};
const IRHelperInfo helper_info_a64_casp = {
    .func = (void *)helper_a64_casp, .name = "a64_casp",
    .flags = 0,     /* reads and writes the register pairs through env */
    .nb_args = 5, .ret_type = IR_VOID,
    .arg_types = { IR_I64, IR_I64, IR_I32, IR_I32, IR_I32 },
};

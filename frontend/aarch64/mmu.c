/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AArch64 VMSAv8-64 stage 1 translation for the software TLB: the
 * CPUArchOps.tlb_fill walker, alignment faults, AT and TLBI.
 *
 * Regimes by MMU index: 0 (EL0) and 1 (EL1) use the EL1&0 regime with two
 * VA ranges (TTBR0_EL1 below, TTBR1_EL1 when VA bit 55 is set), 2 and 3
 * the single-range EL2 and EL3 regimes.  4K, 16K and 64K granules,
 * T0SZ/T1SZ 16..39 (48- to 25-bit VAs), IPS up to 48 bits, TBI, table
 * and leaf permission bits, WXN.  The Access flag is never set by
 * hardware (an AF=0 leaf faults).  Faults report the ESR fault status
 * code with the level, and FAR = the faulting address.
 *
 * The TLB is not tagged by ASID, but the EL1&0 indexes are kept per
 * translation context (TTBR0_EL1, TTBR1_EL1, ASID; tlb_switch_context):
 * a TTBR write switches context instead of flushing, so KPTI's TTBR1
 * switch on every exception keeps both sides' entries.  Writes to
 * TCR/SCTLR/MAIR flush the regime's MMU indexes (in every context), a
 * TLBI by ASID flushes the contexts of that ASID, the others all.
 * Not emulated: stage 2, 52-bit addresses, hierarchical
 * permission disables, contiguous-hint grouping (entries are still
 * correct), PAN, SCTLR.A alignment checking of ordinary accesses.
 */
#include <inttypes.h>

#include "kestrel/log.h"
#include "kestrel/memory.h"
#include "kestrel/tlb.h"
#include "cpu-sys.h"
#include "translate.h"

/* Fault status codes (DFSC/IFSC) before the level is added. */
enum {
    FSC_ADDR_SIZE = 0x00,
    FSC_TRANSLATION = 0x04,
    FSC_ACCESS_FLAG = 0x08,
    FSC_PERMISSION = 0x0c,
    FSC_EXT_WALK = 0x14,
    FSC_ALIGNMENT = 0x21,
};

/* What one walk starts from. */
typedef struct A64WalkParams {
    uint64_t ttbr;
    unsigned va_bits;   /* 64 - TxSZ */
    unsigned gbits;     /* granule: 12, 14 or 16 */
    unsigned pa_bits;   /* from IPS/PS */
    bool two_ranges;    /* EL1&0 */
} A64WalkParams;

static const unsigned a64_pa_bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };

static unsigned a64_tg0_bits(unsigned tg)
{
    return tg == 1 ? 16 : tg == 2 ? 14 : 12;
}

static unsigned a64_tg1_bits(unsigned tg)
{
    return tg == 1 ? 14 : tg == 3 ? 16 : 12;
}

/* Pick the range of va; false (translation fault, level 0) if none. */
static bool a64_walk_params(CPUARMState *env, unsigned el, uint64_t va,
                            bool ifetch, A64WalkParams *p)
{
    uint64_t tcr = env->tcr_el[el];
    bool hi = el == 1 && ((va >> 55) & 1);
    unsigned tsz;
    bool tbi, epd = false;
    uint64_t top;

    p->two_ranges = el == 1;
    if (el != 1) {
        tsz = tcr & 63;
        p->gbits = a64_tg0_bits((tcr >> 14) & 3);
        p->pa_bits = a64_pa_bits[(tcr >> 16) & 7];
        tbi = (tcr >> 20) & 1;
        p->ttbr = env->ttbr0_el[el];
    } else if (hi) {
        tsz = (tcr >> 16) & 63;
        p->gbits = a64_tg1_bits((tcr >> 30) & 3);
        epd = (tcr >> 23) & 1;
        tbi = (tcr >> 38) & 1;
        p->ttbr = env->ttbr1_el[1];
    } else {
        tsz = tcr & 63;
        p->gbits = a64_tg0_bits((tcr >> 14) & 3);
        epd = (tcr >> 7) & 1;
        tbi = (tcr >> 37) & 1;
        p->ttbr = env->ttbr0_el[1];
    }
    if (el == 1) {
        p->pa_bits = a64_pa_bits[(tcr >> 32) & 7];
    }
    tsz = tsz < 16 ? 16 : tsz > 39 ? 39 : tsz;
    p->va_bits = 64 - tsz;
    if (tbi && !ifetch) {
        va = (uint64_t)((int64_t)(va << 8) >> 8);
    }
    top = va >> p->va_bits;
    if (epd) {
        return false;
    }
    return hi ? top == (~0ull >> p->va_bits) : top == 0;
}

static uint64_t a64_mask(unsigned bits)
{
    return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

/* Permissions of a leaf in regime el for MMU index idx. */
static int a64_leaf_prot(CPUARMState *env, unsigned el, int idx,
                         uint64_t desc, unsigned ap_table, bool xn_table,
                         bool pxn_table)
{
    unsigned ap = (desc >> 6) & 3;
    bool xn = ((desc >> 54) & 1) || xn_table;
    bool pxn = ((desc >> 53) & 1) || pxn_table;
    int prot = 0;

    if (ap_table & 2) {
        ap |= 2;
    }
    if (ap_table & 1) {
        ap &= ~1u;
    }
    if (el != 1) {
        prot = PAGE_READ | (ap & 2 ? 0 : PAGE_WRITE) | (xn ? 0 : PAGE_EXEC);
    } else if (idx == 0) {
        prot = (ap & 1) ? PAGE_READ | (ap & 2 ? 0 : PAGE_WRITE) : 0;
        prot |= xn ? 0 : PAGE_EXEC;
    } else {
        bool user_w = ap == 1;

        prot = PAGE_READ | (ap & 2 ? 0 : PAGE_WRITE);
        prot |= (pxn || user_w) ? 0 : PAGE_EXEC;
    }
    if ((env->sctlr_el[el] & SCTLR_WXN) && (prot & PAGE_WRITE)) {
        prot &= ~PAGE_EXEC;
    }
    return prot;
}

static bool a64_fault(A64Walk *w, uint32_t fsc, int level)
{
    w->fsc = fsc | (uint32_t)(level & 3);
    return false;
}

/* Block (level < 3) allowed for this granule at this level? */
static bool a64_block_ok(unsigned gbits, int level)
{
    return gbits == 12 ? (level == 1 || level == 2) : level == 2;
}

static bool a64_walk(ARMCPU *cpu, const A64WalkParams *p, uint64_t va,
                     unsigned el, int idx, A64Walk *w)
{
    CPUARMState *env = &cpu->env;
    unsigned stride = p->gbits - 3;
    int level = 4 - (int)((p->va_bits - p->gbits + stride - 1) / stride);
    uint64_t base = p->ttbr & 0x0000fffffffffffeull;
    unsigned ap_table = 0;
    bool xn_table = false, pxn_table = false;
    uint64_t desc, pa_limit = a64_mask(p->pa_bits);
    unsigned shift;

    if (base & ~pa_limit) {
        return a64_fault(w, FSC_ADDR_SIZE, level);
    }
    for (;;) {
        MemTxResult res;
        uint64_t index;

        shift = p->gbits + stride * (unsigned)(3 - level);
        index = (va & a64_mask(p->va_bits)) >> shift & a64_mask(stride);
        desc = address_space_ld(cpu->parent.as, base + index * 8, 8, &res);
        log_mask(LOG_MMU, "aarch64 walk: va 0x%" PRIx64 " L%d desc @0x%"
                 PRIx64 " = 0x%016" PRIx64 "\n", va, level,
                 base + index * 8, desc);
        if (res != MEMTX_OK) {
            return a64_fault(w, FSC_EXT_WALK, level);
        }
        if (!(desc & 1) || (level == 3 && !(desc & 2))) {
            return a64_fault(w, FSC_TRANSLATION, level);
        }
        if (level == 3 || !(desc & 2)) {
            break;
        }
        base = desc & 0x0000fffffffff000ull & ~a64_mask(p->gbits);
        if (base & ~pa_limit) {
            return a64_fault(w, FSC_ADDR_SIZE, level);
        }
        ap_table |= (desc >> 61) & 3;
        xn_table |= (desc >> 60) & 1;
        pxn_table |= (desc >> 59) & 1;
        level++;
    }
    if (level < 3 && !a64_block_ok(p->gbits, level)) {
        return a64_fault(w, FSC_TRANSLATION, level);
    }
    w->page_size = 1ull << shift;
    w->pa = desc & 0x0000ffffffffffffull & ~(w->page_size - 1);
    if (w->pa & ~pa_limit) {
        return a64_fault(w, FSC_ADDR_SIZE, level);
    }
    if (!(desc & (1ull << 10))) {
        return a64_fault(w, FSC_ACCESS_FLAG, level);
    }
    w->pa |= va & (w->page_size - 1);
    w->attrs = (env->mair_el[el] >> (8 * ((desc >> 2) & 7))) & 0xff;
    w->prot = a64_leaf_prot(env, el, idx, desc, ap_table, xn_table,
                            pxn_table);
    w->fsc = (uint32_t)level; /* for a permission fault */
    return true;
}

bool a64_mmu_translate(ARMCPU *cpu, uint64_t va, int access_type,
                       int mmu_idx, A64Walk *w)
{
    CPUARMState *env = &cpu->env;
    unsigned el = mmu_idx <= 1 ? 1 : (unsigned)mmu_idx;
    A64WalkParams p;
    int need;

    if (!(env->sctlr_el[el] & SCTLR_M)) {
        w->pa = va;
        w->page_size = TARGET_PAGE_SIZE;
        w->prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        w->attrs = 0;
        if (va >> 48) {
            return a64_fault(w, FSC_ADDR_SIZE, 0);
        }
        return true;
    }
    if (!a64_walk_params(env, el, va, access_type == MMU_INST_FETCH, &p)) {
        return a64_fault(w, FSC_TRANSLATION, 0);
    }
    if (!a64_walk(cpu, &p, va, el, mmu_idx, w)) {
        return false;
    }
    need = access_type == MMU_INST_FETCH ? PAGE_EXEC
           : access_type == MMU_DATA_STORE ? PAGE_WRITE : PAGE_READ;
    if (!(w->prot & need)) {
        return a64_fault(w, FSC_PERMISSION, (int)w->fsc);
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* TLB fill and faults                                                 */

G_NORETURN static void a64_raise_abort(CPUState *cs, uint64_t vaddr,
                                       int access_type, uint32_t fsc,
                                       uintptr_t retaddr)
{
    CPUARMState *env = &((ARMCPU *)cs)->env;
    bool ifetch = access_type == MMU_INST_FETCH;
    bool is_write = access_type == MMU_DATA_STORE;

    env->exception.syndrome =
        (uint32_t)(ifetch ? EC_INSNABORT_SAME_EL : EC_DATAABORT_SAME_EL)
            << 26 | 1u << 25 | (is_write ? 1u << 6 : 0) | fsc;
    env->exception.vaddr = vaddr;
    env->exception.is_write = is_write;
    cs->exception_index = ifetch ? EXCP_PREFETCH_ABORT : EXCP_DATA_ABORT;
    log_mask(LOG_MMU, "aarch64: %s fault at 0x%" PRIx64 " fsc 0x%x\n",
             ifetch ? "fetch" : is_write ? "store" : "load", vaddr, fsc);
    cpu_loop_exit_restore(cs, retaddr);
}

bool a64_tlb_fill(CPUState *cs, uint64_t vaddr, int size, int access_type,
                  int mmu_idx, bool probe, uintptr_t retaddr)
{
    A64Walk w;

    (void)size;
    if (!a64_mmu_translate((ARMCPU *)cs, vaddr, access_type, mmu_idx,
                           &w)) {
        if (probe) {
            return false;
        }
        a64_raise_abort(cs, vaddr, access_type, w.fsc, retaddr);
    }
    /* The 4K page of vaddr; tlb.c remembers the block size. */
    tlb_set_page(cs, vaddr, w.pa, w.prot, mmu_idx, w.page_size);
    return true;
}

G_NORETURN void a64_do_unaligned_access(CPUState *cs, uint64_t vaddr,
                                        int access_type, int mmu_idx,
                                        uintptr_t retaddr)
{
    (void)mmu_idx;
    a64_raise_abort(cs, vaddr, access_type == MMU_INST_FETCH
                                   ? MMU_DATA_LOAD : access_type,
                    FSC_ALIGNMENT, retaddr);
}

/* ------------------------------------------------------------------ */
/* AT and TLBI                                                         */

void a64_at(CPUARMState *env, int mmu_idx, bool is_write, uint64_t va)
{
    A64Walk w;

    if (a64_mmu_translate(a64_env_cpu(env), va,
                          is_write ? MMU_DATA_STORE : MMU_DATA_LOAD,
                          mmu_idx, &w)) {
        /* ATTR, PA, NS = 0, SH = 0b11 for cacheable memory. */
        env->par_el1 = w.attrs << 56 | (w.pa & 0x0000fffffffff000ull) |
                       ((w.attrs & 0xf0) ? 3u << 7 : 0);
    } else {
        env->par_el1 = 1u << 11 | w.fsc << 1 | 1;
    }
}

/* The VA of a TLBI by address: Xt[43:0] = VA[55:12], sign-extended. */
static uint64_t a64_tlbi_va(uint64_t val)
{
    uint64_t va = (val & 0xfffffffffffull) << 12;

    return (uint64_t)((int64_t)(va << 8) >> 8);
}

/* The current EL1&0 ASID (TCR_EL1.A1 picks the TTBR, .AS the width). */
static uint32_t a64_el1_asid(CPUARMState *env)
{
    uint64_t tcr = env->tcr_el[1];
    uint64_t ttbr = (tcr >> 22) & 1 ? env->ttbr1_el[1] : env->ttbr0_el[1];

    return (uint32_t)(ttbr >> 48) & ((tcr >> 36) & 1 ? 0xffff : 0xff);
}

void a64_tlbreg_written(ARMCPU *cpu, size_t offset, uint16_t map)
{
    CPUARMState *env = &cpu->env;

    if (offset == offsetof(CPUARMState, ttbr0_el[1]) ||
        offset == offsetof(CPUARMState, ttbr1_el[1])) {
        tlb_switch_context(&cpu->parent, map, env->ttbr0_el[1],
                           env->ttbr1_el[1], a64_el1_asid(env));
    } else {
        tlb_flush_by_mmuidx(&cpu->parent, map);
    }
}

/* TLBI ASIDE1(IS): Xt[63:48] is the ASID. */
static void a64_tlbi_asid(CPUARMState *env, bool is, uint64_t val)
{
    uint32_t asid = (uint32_t)(val >> 48);

    if (!((env->tcr_el[1] >> 36) & 1)) {
        asid &= 0xff;
    }
    if (is) {
        tlb_flush_asid_all_cpus(3, asid);
    } else {
        tlb_flush_asid(env_cpu(env), 3, asid);
    }
}

static void a64_do_tlbi(CPUState *cs, bool is, bool by_va, uint64_t va,
                        uint16_t map)
{
    if (by_va) {
        if (is) {
            tlb_flush_page_all_cpus(va, map);
        } else {
            tlb_flush_page_by_mmuidx(cs, va, map);
        }
    } else if (is) {
        tlb_flush_all_cpus(map);
    } else {
        tlb_flush_by_mmuidx(cs, map);
    }
}

bool a64_tlbi(CPUARMState *env, uint32_t key, uint64_t val)
{
    unsigned op1 = (key >> 11) & 7, crm = (key >> 3) & 15, op2 = key & 7;
    bool by_va = op2 == 1 || op2 == 3 || op2 == 5 || op2 == 7;
    uint16_t map;

    if ((key >> 14) != 1 || ((key >> 7) & 15) != 8) {
        return false;
    }
    if (op1 == 4 && (crm == 0 || crm == 4) && (op2 == 1 || op2 == 5)) {
        return true;    /* TLBI IPAS2(L)E1(IS): no stage 2 */
    }
    if (crm != 3 && crm != 7) {
        return false;
    }
    switch (op1) {
    case 0:
        if (op2 == 4 || op2 == 6) {
            return false;
        }
        if (op2 == 2) {
            a64_tlbi_asid(env, crm == 3, val);
            return true;
        }
        map = 3;
        break;
    case 4:
        if (op2 == 4 || op2 == 6) {     /* ALLE1, VMALLS12E1 */
            map = 3;
            by_va = false;
        } else if (op2 == 0 || op2 == 1 || op2 == 5) {
            map = 4;
        } else {
            return false;
        }
        break;
    case 6:
        if (op2 != 0 && op2 != 1 && op2 != 5) {
            return false;
        }
        map = 8;
        break;
    default:
        return false;
    }
    a64_do_tlbi(env_cpu(env), crm == 3, by_va, a64_tlbi_va(val), map);
    return true;
}

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
 *
 * Stage 2 (mmu-s2.c) joins in only when HCR_EL2.VM or DC is set for an
 * EL1/EL0 access (a64_translate_s12); the stage-1-only path tests one
 * HCR_EL2 word and nothing else.  The context key then also holds the
 * VMID (a64_el1_ctx_asid).
 * Not emulated: 52-bit addresses, hierarchical
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
    bool s2;            /* table addresses are IPAs (stage 2 on) */
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
    w->s2 = false;
    w->s1ptw = false;
    return false;
}

/*
 * A stage 1 table access at IPA *addr through stage 2 (S1PTW).  With
 * HCR_EL2.PTW, tables in stage 2 Device memory are a permission fault.
 */
static bool a64_s1ptw(ARMCPU *cpu, uint64_t *addr, A64Walk *w)
{
    A64Walk s2;
    bool ok = a64_s2_translate(cpu, *addr, MMU_DATA_LOAD, &s2);

    if (ok && (cpu->env.hcr_el2 & HCR_PTW) && !(s2.attrs & 0xc)) {
        s2.fsc = FSC_PERMISSION | (s2.fsc & 3);
        ok = false;
    }
    if (!ok) {
        w->fsc = s2.fsc;
        w->s2 = true;
        w->s1ptw = true;
        w->ipa = *addr;
        return false;
    }
    *addr = s2.pa;
    return true;
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
        uint64_t addr;

        shift = p->gbits + stride * (unsigned)(3 - level);
        addr = base + ((va & a64_mask(p->va_bits)) >> shift &
                       a64_mask(stride)) * 8;
        if (G_UNLIKELY(p->s2) && !a64_s1ptw(cpu, &addr, w)) {
            return false;
        }
        desc = address_space_ld(cpu->parent.as, addr, 8, &res);
        log_mask(LOG_MMU, "aarch64 walk: va 0x%" PRIx64 " L%d desc @0x%"
                 PRIx64 " = 0x%016" PRIx64 "\n", va, level, addr, desc);
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
    w->sh = (desc >> 8) & 3;
    w->prot = a64_leaf_prot(env, el, idx, desc, ap_table, xn_table,
                            pxn_table);
    w->fsc = (uint32_t)level; /* for a permission fault */
    return true;
}

/* The access type's permission bit. */
static int a64_need(int access_type)
{
    return access_type == MMU_INST_FETCH ? PAGE_EXEC
           : access_type == MMU_DATA_STORE ? PAGE_WRITE : PAGE_READ;
}

/*
 * Stage 1 of va in mmu_idx; off: translation disabled (SCTLR.M, or
 * HCR_EL2.DC/TGE for EL1&0); s2: table addresses go through stage 2.
 */
static bool a64_translate_s1(ARMCPU *cpu, uint64_t va, int access_type,
                             int mmu_idx, bool off, bool s2, A64Walk *w)
{
    CPUARMState *env = &cpu->env;
    unsigned el = mmu_idx <= 1 ? 1 : (unsigned)mmu_idx;
    A64WalkParams p;

    if (off || !(env->sctlr_el[el] & SCTLR_M)) {
        w->pa = va;
        w->page_size = TARGET_PAGE_SIZE;
        w->prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        /* HCR_EL2.DC: Normal write-back; else Device-nGnRnE. */
        w->attrs = (env->hcr_el2 & HCR_DC) && el == 1 ? 0xff : 0;
        w->sh = 0;
        if (va >> 48) {
            return a64_fault(w, FSC_ADDR_SIZE, 0);
        }
        return true;
    }
    if (!a64_walk_params(env, el, va, access_type == MMU_INST_FETCH, &p)) {
        return a64_fault(w, FSC_TRANSLATION, 0);
    }
    p.s2 = s2;
    if (!a64_walk(cpu, &p, va, el, mmu_idx, w)) {
        return false;
    }
    if (!(w->prot & a64_need(access_type))) {
        return a64_fault(w, FSC_PERMISSION, (int)w->fsc);
    }
    return true;
}

/*
 * EL1&0 with HCR_EL2.VM, DC or TGE set: stage 1 (maybe disabled), then
 * unless s1_only stage 2 on the IPA.  Permissions and page size are
 * those of both stages; w->s2 tells a stage 2 fault.
 */
static bool a64_translate_s12(ARMCPU *cpu, uint64_t va, int access_type,
                              int mmu_idx, bool s1_only, A64Walk *w)
{
    CPUARMState *env = &cpu->env;
    bool s2 = (env->hcr_el2 & (HCR_VM | HCR_DC)) != 0;
    bool off = (env->hcr_el2 & (HCR_DC | HCR_TGE)) != 0;
    A64Walk w2;
    uint64_t ipa;

    if (!a64_translate_s1(cpu, va, access_type, mmu_idx, off, s2, w)) {
        return false;
    }
    if (!s2 || s1_only) {
        return true;
    }
    ipa = w->pa;
    if (!a64_s2_translate(cpu, ipa, access_type, &w2)) {
        w->fsc = w2.fsc;
        w->s2 = true;
        w->s1ptw = false;
        w->ipa = ipa;
        return false;
    }
    w->pa = w2.pa;
    w->page_size = MIN(w->page_size, w2.page_size);
    w->prot &= w2.prot;
    w->s2_attrs = (uint8_t)w2.attrs;
    w->s2_sh = w2.sh;
    return true;
}

bool a64_mmu_translate(ARMCPU *cpu, uint64_t va, int access_type,
                       int mmu_idx, A64Walk *w)
{
    CPUARMState *env = &cpu->env;

    if (G_UNLIKELY(mmu_idx <= 1 &&
                   (env->hcr_el2 & (HCR_VM | HCR_DC | HCR_TGE)))) {
        return a64_translate_s12(cpu, va, access_type, mmu_idx, false, w);
    }
    return a64_translate_s1(cpu, va, access_type, mmu_idx, false, false, w);
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
        if (w.s2) {
            a64_s2_raise_abort(cs, vaddr, access_type, &w, retaddr);
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

/* PAR_EL1.SH of a stage 1+2 result: Outer wins, then Inner. */
static unsigned a64_combine_sh(unsigned s1, unsigned s2)
{
    return s1 == 2 || s2 == 2 ? 2 : s1 == 3 || s2 == 3 ? 3 : 0;
}

static uint64_t a64_par_ok(CPUARMState *env, const A64Walk *w, bool s12)
{
    uint64_t attrs = w->attrs;
    unsigned sh = w->sh;

    if (s12) {
        attrs = a64_s2_combine_attrs(w->attrs, w->s2_attrs);
        sh = a64_combine_sh(w->sh, w->s2_sh);
        if (!(attrs & 0xf0) || attrs == 0x44) {
            sh = 2;     /* Device and Normal NC are Outer Shareable */
        }
    }
    (void)env;
    /* ATTR, PA, bit 11 (RES1), NS (no Secure state here), SH. */
    return attrs << 56 | (w->pa & 0x0000fffffffff000ull) | 1u << 11 |
           1u << 9 | sh << 7;
}

/*
 * AT S1E1x from EL1 whose stage 1 walk faulted at stage 2: the fault is
 * taken to EL2 (a data abort with CM = 1), not reported in PAR_EL1.
 */
G_NORETURN static void a64_at_s2_trap(CPUARMState *env, uint64_t va,
                                      const A64Walk *w)
{
    CPUState *cs = env_cpu(env);

    env->hpfar_el2 = (w->ipa >> 12) << 4;
    env->exception.syndrome = (uint32_t)EC_DATAABORT_SAME_EL << 26 |
                              1u << 25 | 1u << 8 | 1u << 7 | 1u << 6 |
                              w->fsc;
    env->exception.vaddr = va;
    env->exception.is_write = true;
    env->exception.target_el = 2;
    cs->exception_index = EXCP_DATA_ABORT;
    cpu_loop_exit(cs);
}

void a64_at(CPUARMState *env, int mmu_idx, bool is_write, bool s12,
            uint64_t va)
{
    ARMCPU *cpu = a64_env_cpu(env);
    int type = is_write ? MMU_DATA_STORE : MMU_DATA_LOAD;
    bool s2 = mmu_idx <= 1 && (env->hcr_el2 & (HCR_VM | HCR_DC));
    A64Walk w;
    bool ok;

    if (mmu_idx <= 1 && (env->hcr_el2 & (HCR_VM | HCR_DC | HCR_TGE))) {
        ok = a64_translate_s12(cpu, va, type, mmu_idx, !s12, &w);
    } else {
        ok = a64_translate_s1(cpu, va, type, mmu_idx, false, false, &w);
    }
    if (ok) {
        env->par_el1 = a64_par_ok(env, &w, s12 && s2);
    } else if (w.s1ptw && !s12 && a64_current_el(env) == 1) {
        a64_at_s2_trap(env, va, &w);
    } else {
        /* F, FST, PTW (stage 2 fault on a stage 1 walk), S (stage 2). */
        env->par_el1 = 1u << 11 | (w.s2 ? 1u << 9 : 0) |
                       (w.s1ptw ? 1u << 8 : 0) | w.fsc << 1 | 1;
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

/*
 * The ASID word of an EL1&0 translation context: the ASID, and with
 * stage 2 on, bit 16 and the (8-bit) VMID above it, so that entries of
 * different VMIDs, or with and without stage 2, never meet.
 */
static uint32_t a64_el1_ctx_asid(CPUARMState *env, uint32_t asid)
{
    if (env->hcr_el2 & (HCR_VM | HCR_DC)) {
        asid |= 1u << 16 | (uint32_t)((env->vttbr_el2 >> 48) & 0xff) << 17;
    }
    return asid;
}

static void a64_el1_switch_context(ARMCPU *cpu)
{
    CPUARMState *env = &cpu->env;

    tlb_switch_context(&cpu->parent, 3, env->ttbr0_el[1], env->ttbr1_el[1],
                       a64_el1_ctx_asid(env, a64_el1_asid(env)));
}

void a64_tlbreg_written(ARMCPU *cpu, size_t offset, uint16_t map)
{
    if (offset == offsetof(CPUARMState, ttbr0_el[1]) ||
        offset == offsetof(CPUARMState, ttbr1_el[1]) ||
        offset == offsetof(CPUARMState, vttbr_el2)) {
        a64_el1_switch_context(cpu);
    } else {
        tlb_flush_by_mmuidx(&cpu->parent, map);
    }
}

void a64_hcr_written(ARMCPU *cpu, uint64_t old)
{
    uint64_t hcr = cpu->env.hcr_el2, diff = old ^ hcr;

    /* PTW matters only with stage 2 on (a VM toggle switches context). */
    if ((diff & (HCR_DC | HCR_TGE)) ||
        ((diff & HCR_PTW) && (old & hcr & HCR_VM))) {
        tlb_flush_by_mmuidx(&cpu->parent, 3);
    }
    if (diff & (HCR_VM | HCR_DC)) {
        a64_el1_switch_context(cpu);
    }
}

void a64_vtcr_written(ARMCPU *cpu, uint64_t old)
{
    if (old != cpu->env.vtcr_el2) {
        tlb_flush_by_mmuidx(&cpu->parent, 3);
    }
}

/* TLBI ASIDE1(IS): Xt[63:48] is the ASID (of the current VMID). */
static void a64_tlbi_asid(CPUARMState *env, bool is, uint64_t val)
{
    uint32_t asid = (uint32_t)(val >> 48);

    if (!((env->tcr_el[1] >> 36) & 1)) {
        asid &= 0xff;
    }
    asid = a64_el1_ctx_asid(env, asid);
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
    bool is;
    uint16_t map;

    if ((key >> 14) != 1 || ((key >> 7) & 15) != 8) {
        return false;
    }
    if (op1 == 4 && (crm == 0 || crm == 4) && (op2 == 1 || op2 == 5)) {
        /* TLBI IPAS2(L)E1(IS): no IPA-tagged entries; drop EL1&0's. */
        a64_do_tlbi(env_cpu(env), crm == 0, false, 0, 3);
        return true;
    }
    if (crm != 3 && crm != 7) {
        return false;
    }
    /* HCR_EL2.FB: EL1's TLBIs are broadcast. */
    is = crm == 3 || (a64_current_el(env) == 1 && (env->hcr_el2 & HCR_FB));
    switch (op1) {
    case 0:
        if (op2 == 4 || op2 == 6) {
            return false;
        }
        if (op2 == 2) {
            a64_tlbi_asid(env, is, val);
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
    a64_do_tlbi(env_cpu(env), is, by_va, a64_tlbi_va(val), map);
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AArch64 stage 2 translation (EL2 virtualization) for the EL1&0 regime:
 * the walk of the tables at VTTBR_EL2 as VTCR_EL2 describes them, stage 2
 * faults taken to EL2 (ESR_EL2 with the ISV syndrome of plain loads and
 * stores, FAR_EL2, HPFAR_EL2), AT S12E*, and what the TLB contexts need
 * to keep VMIDs apart.
 *
 * When it applies.  HCR_EL2.VM (or DC) set, access from EL1 or EL0 (MMU
 * indexes 0 and 1).  mmu.c calls in here only then, so stage-1-only
 * guests never pay for it: each stage 1 table address and the stage 1
 * output address (the IPA) go through a64_s2_translate.  The TLB holds
 * combined VA -> PA entries with the permissions of both stages.
 *
 * VTCR_EL2: T0SZ 16..39, SL0, TG0 (4K/16K/64K), PS; the starting level
 * may use 2..16 concatenated tables.  Descriptors: S2AP (read/write),
 * XN (bit 54; FEAT_XNX is not advertised), AF (a fault when clear; no
 * hardware update), MemAttr and SH (reported by AT only).
 *
 * The TLB.  Entries are tagged by VMID through the translation context
 * key (a64_s2_ctx_bits, folded into the ASID word tlb_switch_context
 * gets): writing VTTBR_EL2 or toggling HCR_EL2.VM switches context
 * instead of flushing, so a hypervisor's world switch finds the guest's
 * and the host's entries again.  A VTCR_EL2 change, an HCR_EL2.DC/TGE
 * change, or a PTW change with VM staying set flushes the EL1&0
 * indexes.  TLBI IPAS2* flush every EL1&0
 * entry (the TLB has no IPA-indexed entries to pick from).  VMIDs are
 * 8 bits (ID_AA64MMFR1_EL1.VMIDBits = 0).
 *
 * HCR_EL2.PTW: a stage 1 walk into stage 2 Device memory is a stage 2
 * permission fault (mmu.c, a64_s1ptw) at the level of the stage 2 leaf.
 * Not emulated: HCR_EL2.FWB, CD/ID (no cache model), 52-bit IPAs,
 * FEAT_TTST (SL0 = 3), hardware Access flag and dirty state updates,
 * secure EL2.
 */
#include <inttypes.h>

#include "kestrel/log.h"
#include "kestrel/memory.h"
#include "kestrel/tlb.h"
#include "cpu-sys.h"
#include "translate.h"

enum {
    S2_FSC_ADDR_SIZE = 0x00,
    S2_FSC_TRANSLATION = 0x04,
    S2_FSC_ACCESS_FLAG = 0x08,
    S2_FSC_PERMISSION = 0x0c,
    S2_FSC_EXT_WALK = 0x14,
};

/* What one stage 2 walk starts from. */
typedef struct A64S2Params {
    uint64_t base;      /* start table (concatenated tables included) */
    unsigned ipa_bits;  /* 64 - T0SZ */
    unsigned gbits;     /* granule: 12, 14 or 16 */
    unsigned pa_bits;   /* PS */
    unsigned top_bits;  /* IPA bits the starting level resolves */
    int level;          /* starting level */
} A64S2Params;

static const unsigned a64_s2_pa_bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };

static uint64_t s2_mask(unsigned bits)
{
    return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

static bool s2_fault(A64Walk *w, uint32_t fsc, int level)
{
    w->fsc = fsc | (uint32_t)(level & 3);
    return false;
}

/*
 * Decode VTCR_EL2/VTTBR_EL2; false with w->fsc for a configuration the
 * ARM ARM leaves CONSTRAINED UNPREDICTABLE (we fault, as QEMU does).
 */
static bool a64_s2_params(CPUARMState *env, A64S2Params *p, A64Walk *w)
{
    uint64_t vtcr = env->vtcr_el2;
    unsigned tsz = vtcr & 63, sl0 = (vtcr >> 6) & 3, tg = (vtcr >> 14) & 3;
    unsigned stride;
    int top;

    p->gbits = tg == 1 ? 16 : tg == 2 ? 14 : 12;
    stride = p->gbits - 3;
    p->pa_bits = a64_s2_pa_bits[(vtcr >> 16) & 7];
    if (tsz < 16 || tsz > 39 || sl0 == 3) {
        return s2_fault(w, S2_FSC_TRANSLATION, 0);
    }
    p->ipa_bits = 64 - tsz;
    p->level = (p->gbits == 12 ? 2 : 3) - (int)sl0;
    top = (int)p->ipa_bits - (int)((3 - p->level) * stride + p->gbits);
    if (p->ipa_bits > p->pa_bits || top < 1 || top > (int)stride + 4) {
        return s2_fault(w, S2_FSC_TRANSLATION, 0);
    }
    p->top_bits = (unsigned)top;
    p->base = env->vttbr_el2 & 0x0000fffffffffffeull;
    if (p->base & ~s2_mask(p->pa_bits)) {
        return s2_fault(w, S2_FSC_ADDR_SIZE, 0);
    }
    p->base &= ~s2_mask(p->top_bits + 3);
    return true;
}

/* Block (level < 3) allowed for this granule at this level? */
static bool s2_block_ok(unsigned gbits, int level)
{
    return gbits == 12 ? (level == 1 || level == 2) : level == 2;
}

/* Walk to the leaf descriptor of ipa; its level and size in w. */
static bool a64_s2_walk(ARMCPU *cpu, const A64S2Params *p, uint64_t ipa,
                        uint64_t *descp, A64Walk *w)
{
    unsigned stride = p->gbits - 3, bits = p->top_bits, shift;
    uint64_t base = p->base, desc, pa_limit = s2_mask(p->pa_bits);
    int level = p->level;

    for (;;) {
        MemTxResult res;
        uint64_t addr;

        shift = p->gbits + stride * (unsigned)(3 - level);
        addr = base + ((ipa >> shift) & s2_mask(bits)) * 8;
        desc = address_space_ld(cpu->parent.as, addr, 8, &res);
        log_mask(LOG_MMU, "aarch64 s2 walk: ipa 0x%" PRIx64 " L%d desc @0x%"
                 PRIx64 " = 0x%016" PRIx64 "\n", ipa, level, addr, desc);
        if (res != MEMTX_OK) {
            return s2_fault(w, S2_FSC_EXT_WALK, level);
        }
        if (!(desc & 1) || (level == 3 && !(desc & 2))) {
            return s2_fault(w, S2_FSC_TRANSLATION, level);
        }
        if (level == 3 || !(desc & 2)) {
            break;
        }
        base = desc & 0x0000fffffffff000ull & ~s2_mask(p->gbits);
        if (base & ~pa_limit) {
            return s2_fault(w, S2_FSC_ADDR_SIZE, level);
        }
        bits = stride;
        level++;
    }
    if (level < 3 && !s2_block_ok(p->gbits, level)) {
        return s2_fault(w, S2_FSC_TRANSLATION, level);
    }
    w->page_size = 1ull << shift;
    w->fsc = (uint32_t)level;   /* the leaf's level, for later faults */
    *descp = desc;
    return true;
}

bool a64_s2_translate(ARMCPU *cpu, uint64_t ipa, int access_type,
                      A64Walk *w)
{
    A64S2Params p;
    uint64_t desc;
    int level, need;

    if (!a64_s2_params(&cpu->env, &p, w)) {
        return false;
    }
    if (ipa >> p.ipa_bits) {
        return s2_fault(w, S2_FSC_TRANSLATION, 0);
    }
    if (!a64_s2_walk(cpu, &p, ipa, &desc, w)) {
        return false;
    }
    level = (int)w->fsc;
    w->pa = desc & 0x0000ffffffffffffull & ~(w->page_size - 1);
    if (w->pa & ~s2_mask(p.pa_bits)) {
        return s2_fault(w, S2_FSC_ADDR_SIZE, level);
    }
    if (!(desc & (1ull << 10))) {
        return s2_fault(w, S2_FSC_ACCESS_FLAG, level);
    }
    w->pa |= ipa & (w->page_size - 1);
    w->prot = ((desc >> 6) & 1 ? PAGE_READ : 0) |
              ((desc >> 7) & 1 ? PAGE_WRITE : 0) |
              ((desc >> 54) & 1 ? 0 : PAGE_EXEC);
    w->attrs = (desc >> 2) & 0xf;       /* MemAttr[3:0] */
    w->sh = (desc >> 8) & 3;
    need = access_type == MMU_INST_FETCH ? PAGE_EXEC
           : access_type == MMU_DATA_STORE ? PAGE_WRITE : PAGE_READ;
    if (!(w->prot & need)) {
        return s2_fault(w, S2_FSC_PERMISSION, level);
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Stage 2 aborts                                                      */

/*
 * The ISS bits [24:14] (ISV, SAS, SSE, SRT, SF, AR) of a data abort on
 * insn, or 0 when it is not a single general-purpose register load or
 * store without writeback (ISV = 0: the hypervisor must decode it).
 */
uint32_t a64_s2_insn_iss(uint32_t insn)
{
    unsigned size = insn >> 30, opc = (insn >> 22) & 3, rt = insn & 31;
    bool sign = false, ar = false, sf;

    /* General-purpose registers only (V, bit 26, clear). */
    if ((insn & 0x3f000000u) == 0x39000000u ||     /* unsigned imm12 */
        (insn & 0x3f200400u) == 0x38000000u ||     /* unscaled, LDTR */
        (insn & 0x3f200c00u) == 0x38200800u) {     /* register offset */
        if (size == 3 && opc >= 2) {
            return 0;                   /* PRFM, unallocated */
        }
        sign = opc >= 2;
        sf = sign ? opc == 2 : size == 3;
    } else if ((insn & 0xbf000000u) == 0x18000000u) {
        /* LDR (literal) W/X: opc in bit 30. */
        size = 2 + ((insn >> 30) & 1);
        sf = size == 3;
    } else if ((insn & 0xff000000u) == 0x98000000u) {
        size = 2;                       /* LDRSW (literal) */
        sign = sf = true;
    } else if ((insn & 0x3fa08000u) == 0x08808000u) {
        ar = true;                      /* LDAR, STLR */
        sf = size == 3;
    } else {
        return 0;
    }
    return 1u << 24 | size << 22 | (sign ? 1u << 21 : 0) | rt << 16 |
           (sf ? 1u << 15 : 0) | (ar ? 1u << 14 : 0);
}

/* The instruction at env->pc, fetched without side effects; 0 if not. */
static uint32_t a64_s2_fetch_insn(ARMCPU *cpu)
{
    CPUARMState *env = &cpu->env;
    MemTxResult res;
    A64Walk w;
    uint64_t insn;

    if (!a64_mmu_translate(cpu, env->pc, MMU_INST_FETCH,
                           (int)a64_current_el(env), &w)) {
        return 0;
    }
    insn = address_space_ld(cpu->parent.as, w.pa, 4, &res);
    return res == MEMTX_OK ? (uint32_t)insn : 0;
}

G_NORETURN void a64_s2_raise_abort(CPUState *cs, uint64_t vaddr,
                                   int access_type, const A64Walk *w,
                                   uintptr_t retaddr)
{
    ARMCPU *cpu = (ARMCPU *)cs;
    CPUARMState *env = &cpu->env;
    bool ifetch = access_type == MMU_INST_FETCH;
    /* A stage 1 walk only reads (no hardware table updates). */
    bool is_write = access_type == MMU_DATA_STORE && !w->s1ptw;
    uint32_t syn;

    if (retaddr) {
        cpu_restore_state(cs, retaddr);
    }
    syn = (uint32_t)(ifetch ? EC_INSNABORT_SAME_EL : EC_DATAABORT_SAME_EL)
              << 26 | 1u << 25 | (w->s1ptw ? 1u << 7 : 0) |
          (is_write ? 1u << 6 : 0) | w->fsc;
    if (!ifetch && !w->s1ptw) {
        syn |= a64_s2_insn_iss(a64_s2_fetch_insn(cpu));
    }
    env->hpfar_el2 = (w->ipa >> 12) << 4;
    env->exception.syndrome = syn;
    env->exception.vaddr = vaddr;
    env->exception.is_write = is_write;
    env->exception.target_el = 2;
    cs->exception_index = ifetch ? EXCP_PREFETCH_ABORT : EXCP_DATA_ABORT;
    log_mask(LOG_MMU, "aarch64: stage 2 %s fault at 0x%" PRIx64 " ipa 0x%"
             PRIx64 " fsc 0x%x%s\n", ifetch ? "fetch" : is_write ? "store"
             : "load", vaddr, w->ipa, w->fsc, w->s1ptw ? " (s1ptw)" : "");
    cpu_loop_exit(cs);
}

/* ------------------------------------------------------------------ */
/* AT S12E*                                                            */

/* Stage 2 MemAttr[3:2] or [1:0] (Normal) as a MAIR nibble. */
static unsigned s2_attr_nibble(unsigned a)
{
    return a == 1 ? 0x4 : (a << 2) | 3;
}

/* One of inner/outer: Non-cacheable wins, then Write-through. */
static unsigned s2_combine_nibble(unsigned s1, unsigned s2)
{
    if (s1 == 4 || s2 == 4) {
        return 4;
    }
    if ((s1 >> 2) == 0 || (s1 >> 2) == 2 || (s2 >> 2) != 2) {
        return s1;
    }
    return 8 | (s1 & 3);    /* stage 2 WT, stage 1 allocation hints */
}

/*
 * The PAR_EL1 ATTR byte of a stage 1 MAIR attribute combined with a
 * stage 2 MemAttr: Device wins (the stronger Device type), Normal
 * combines inner and outer separately.
 */
uint8_t a64_s2_combine_attrs(uint8_t s1, unsigned s2)
{
    unsigned hi = (s2 >> 2) & 3, lo = s2 & 3;
    unsigned d2 = lo << 2, d1 = s1 & 0xf;

    if (hi == 0 && (s1 >> 4) == 0) {
        return (uint8_t)(d1 < d2 ? d1 : d2);
    }
    if (hi == 0) {
        return (uint8_t)d2;
    }
    if ((s1 >> 4) == 0) {
        return s1;
    }
    return (uint8_t)(s2_combine_nibble(s1 >> 4, s2_attr_nibble(hi)) << 4 |
                     s2_combine_nibble(s1 & 0xf, s2_attr_nibble(lo)));
}

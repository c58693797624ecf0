/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AArch64 system registers and SYS operations in system mode: one table
 * of {encoding, name, storage or accessors}, looked up at run time by
 * MRS/MSR/SYS (translate-sys.c forwards here through A64SysHooks).
 *
 * Access rules.  The minimum EL comes from op1 (0-2: EL1, 3: EL0,
 * 4: EL2, 6: EL3, 5 and 7: none -- no VHE, no secure EL1 timer); an EL2
 * or EL3 register also needs that EL implemented.  Anything not in the
 * table, or accessed from too low an EL, or written when read-only, is
 * UNDEFINED (logged under -d unimp for unknown encodings).  Fine-grained
 * traps to EL2 (HCR_EL2.TVM, CPTR_EL2 ...) are not emulated.
 *
 * What the ID registers advertise: AArch64 at every implemented EL,
 * FP and AdvSIMD, no PMU (PMUVer 0: PMU registers UNDEF), no debug
 * breakpoints beyond the architectural minimum (their registers are
 * RAZ/WI), 48-bit PA, 16-bit ASIDs, 4K/16K/64K granules (both stages),
 * 8-bit VMIDs, no PAN, no VHE, no FWB, no XNX, no hardware Access flag
 * update, GIC system registers only with a GICv3 CPU interface attached.
 * HCR_EL2, VTTBR_EL2 and VTCR_EL2 writes go through mmu.c (the TLB's
 * translation contexts) and cpu-sys.c (the virtual IRQ/FIQ lines).
 */
#include <inttypes.h>
#include <stddef.h>

#include "kestrel/log.h"
#include "kestrel/sysemu.h"
#include "kestrel/tlb.h"
#include "cpu-sys.h"
#include "translate.h"

#define SR(op0, op1, crn, crm, op2) A64_SYSREG(op0, op1, crn, crm, op2)

typedef enum A64RegKind {
    K_FIELD,    /* uint64_t at offset in CPUARMState */
    K_TLBREG,   /* same, and a write flushes the regime's TLB */
    K_CONST,    /* read-only constant */
    K_RAZWI,    /* reads 0, writes ignored */
    K_NOP,      /* SYS operation with no effect (cache maintenance) */
    K_FN,       /* accessor functions */
} A64RegKind;

typedef struct A64SysReg A64SysReg;
struct A64SysReg {
    uint32_t key;
    const char *name;
    A64RegKind kind;
    bool ro;                /* writes UNDEF */
    size_t offset;          /* K_FIELD, K_TLBREG */
    uint64_t value;         /* K_CONST; K_TLBREG: MMU index mask */
    uint64_t (*read)(ARMCPU *cpu, const A64SysReg *r);
    void (*write)(ARMCPU *cpu, const A64SysReg *r, uint64_t val);
};

#define FIELD(k, n, f) \
    { .key = k, .name = n, .kind = K_FIELD, \
      .offset = offsetof(CPUARMState, f) }
#define TLBREG(k, n, f, idx) \
    { .key = k, .name = n, .kind = K_TLBREG, \
      .offset = offsetof(CPUARMState, f), .value = idx }
#define CONST(k, n, v) \
    { .key = k, .name = n, .kind = K_CONST, .ro = true, .value = v }
#define RAZWI(k, n) { .key = k, .name = n, .kind = K_RAZWI }
#define NOP(k, n) { .key = k, .name = n, .kind = K_NOP }
#define FN(k, n, r, w) \
    { .key = k, .name = n, .kind = K_FN, .read = r, .write = w, \
      .ro = (w) == NULL }

/* ------------------------------------------------------------------ */
/* Identification                                                      */

/* Caches reported to Linux: 32K L1D, 48K L1I, 2M L2 (a Cortex-A57's). */
static const uint64_t a64_ccsidr[3] = {
    0x701fe00a, 0x201fe012, 0x70ffe07a,
};
#define A64_CLIDR 0x0a200023ull

uint64_t a64_sys_pfr0(ARMCPU *cpu)
{
    uint64_t v = 0x11;          /* EL0, EL1: AArch64 only */
    uint64_t id;

    if (cpu->has_el2) {
        v |= 1ull << 8;
    }
    if (cpu->has_el3) {
        v |= 1ull << 12;
    }
    if (cpu->gicv3) {
        v |= 1ull << 24;
    }
    /* FP/AdvSIMD fields as user mode sees them. */
    aarch64_read_id_reg(cpu, 3, 0, 0, 4, 0, &id);
    return v | (id & 0xff0000ull);
}

static uint64_t rd_midr(ARMCPU *cpu, const A64SysReg *r)
{
    return cpu->model->midr;
}

static uint64_t rd_mpidr(ARMCPU *cpu, const A64SysReg *r)
{
    return cpu->mpidr | 0x80000000ull;
}

static uint64_t rd_pfr0(ARMCPU *cpu, const A64SysReg *r)
{
    return a64_sys_pfr0(cpu);
}

static uint64_t rd_isar0(ARMCPU *cpu, const A64SysReg *r)
{
    uint64_t v;

    aarch64_read_id_reg(cpu, 3, 0, 0, 6, 0, &v);
    return v;
}

static uint64_t rd_ctr(ARMCPU *cpu, const A64SysReg *r)
{
    return aarch64_ctr_el0();
}

static uint64_t rd_dczid(ARMCPU *cpu, const A64SysReg *r)
{
    return aarch64_dczid_el0();
}

static uint64_t rd_ccsidr(ARMCPU *cpu, const A64SysReg *r)
{
    unsigned sel = (unsigned)cpu->env.csselr_el1 & 0xf;

    /* CSSELR: Level in [3:1], InD in [0]: 0 L1D, 1 L1I, 2 L2. */
    return sel < G_N_ELEMENTS(a64_ccsidr) ? a64_ccsidr[sel] : 0;
}

/* ------------------------------------------------------------------ */
/* PSTATE views, stack pointers                                        */

static uint64_t rd_currentel(ARMCPU *cpu, const A64SysReg *r)
{
    return (uint64_t)a64_current_el(&cpu->env) << 2;
}

static uint64_t rd_spsel(ARMCPU *cpu, const A64SysReg *r)
{
    return cpu->env.pstate & PSTATE_SP;
}

static void wr_spsel(ARMCPU *cpu, const A64SysReg *r, uint64_t v)
{
    a64_pstate_write(&cpu->env, (cpu->env.pstate & ~PSTATE_SP) | (v & 1));
}

static uint64_t rd_daif(ARMCPU *cpu, const A64SysReg *r)
{
    return cpu->env.pstate & PSTATE_DAIF;
}

static void wr_daif(ARMCPU *cpu, const A64SysReg *r, uint64_t v)
{
    cpu->env.pstate = (cpu->env.pstate & ~PSTATE_DAIF) | (v & PSTATE_DAIF);
}

/* SP_EL0 / SP_EL1 / SP_EL2: the level is in value. */
static uint64_t rd_sp(ARMCPU *cpu, const A64SysReg *r)
{
    return a64_sp_read(&cpu->env, (unsigned)r->value);
}

static void wr_sp(ARMCPU *cpu, const A64SysReg *r, uint64_t v)
{
    a64_sp_write(&cpu->env, (unsigned)r->value, v);
}

#define SPREG(k, n, el) \
    { .key = k, .name = n, .kind = K_FN, .read = rd_sp, .write = wr_sp, \
      .value = el }

/* At EL1/EL0 with IMO/FMO set, ISR_EL1 shows the virtual lines. */
static uint64_t rd_isr(ARMCPU *cpu, const A64SysReg *r)
{
    int req = cpu->parent.interrupt_request;
    uint64_t hcr = cpu->env.hcr_el2;
    bool virt = a64_current_el(&cpu->env) <= 1 && !(hcr & HCR_TGE);
    int irq = virt && (hcr & HCR_IMO) ? CPU_INTERRUPT_VIRQ
                                      : CPU_INTERRUPT_HARD;
    int fiq = virt && (hcr & HCR_FMO) ? CPU_INTERRUPT_VFIQ
                                      : CPU_INTERRUPT_FIQ;

    return ((req & irq) ? 1u << 7 : 0) | ((req & fiq) ? 1u << 6 : 0);
}

static void wr_oslar(ARMCPU *cpu, const A64SysReg *r, uint64_t v)
{
    cpu->env.oslsr_el1 = (cpu->env.oslsr_el1 & ~2ull) | (v & 1) << 1;
}

static void wr_tpidrro(ARMCPU *cpu, const A64SysReg *r, uint64_t v)
{
    cpu->env.tpidrro_el0 = v;
}

static uint64_t rd_tpidrro(ARMCPU *cpu, const A64SysReg *r)
{
    return cpu->env.tpidrro_el0;
}

/* ------------------------------------------------------------------ */
/* Timers and the GIC CPU interface (locked: they touch devices)       */

static uint64_t rd_timer(ARMCPU *cpu, const A64SysReg *r)
{
    uint64_t v = 0;
    bool locked = bql_locked();

    if (!locked) {
        bql_lock();
    }
    a64_gt_read(cpu, r->key, &v);
    if (!locked) {
        bql_unlock();
    }
    return v;
}

static void wr_timer(ARMCPU *cpu, const A64SysReg *r, uint64_t v)
{
    bool locked = bql_locked();

    if (!locked) {
        bql_lock();
    }
    a64_gt_write(cpu, r->key, v);
    if (!locked) {
        bql_unlock();
    }
}

#define TIMER(k, n) FN(k, n, rd_timer, wr_timer)
#define TIMER_RO(k, n) FN(k, n, rd_timer, NULL)

static uint64_t rd_cntfrq(ARMCPU *cpu, const A64SysReg *r)
{
    return A64_SYS_CNTFRQ;
}

/* CNTFRQ_EL0 is writable at the highest EL only; the value is fixed. */
static void wr_cntfrq(ARMCPU *cpu, const A64SysReg *r, uint64_t v)
{
    if (v != A64_SYS_CNTFRQ) {
        log_mask(LOG_UNIMP, "aarch64: CNTFRQ_EL0 write of %" PRIu64
                 " ignored (fixed at %llu Hz)\n", v, A64_SYS_CNTFRQ);
    }
}

static bool a64_is_icc(uint32_t key)
{
    unsigned op1 = (key >> 11) & 7, crn = (key >> 7) & 15;
    unsigned crm = (key >> 3) & 15;

    if ((key >> 14) != 3) {
        return false;
    }
    if (key == SR(3, 0, 4, 6, 0)) {     /* ICC_PMR_EL1 */
        return true;
    }
    return crn == 12 && crm >= 8 && (op1 == 0 || op1 == 4 || op1 == 6);
}

/* ------------------------------------------------------------------ */
/* SYS operations                                                      */

static void wr_at(ARMCPU *cpu, const A64SysReg *r, uint64_t v)
{
    unsigned op1 = (r->key >> 11) & 7, op2 = r->key & 7;
    int idx = op1 == 4 ? 2 : op1 == 6 ? 3 : (op2 & 2) ? 0 : 1;

    a64_at(&cpu->env, idx, op2 & 1, false, v);
}

#define AT(k, n) { .key = k, .name = n, .kind = K_FN, .write = wr_at }

/* AT S12E1R/W (op2 4, 5), S12E0R/W (op2 6, 7), from EL2. */
static void wr_at_s12(ARMCPU *cpu, const A64SysReg *r, uint64_t v)
{
    unsigned op2 = r->key & 7;

    a64_at(&cpu->env, (op2 & 2) ? 0 : 1, op2 & 1, true, v);
}

#define AT_S12(k, n) { .key = k, .name = n, .kind = K_FN, .write = wr_at_s12 }

/* Stage 2 controls: mmu.c keeps the TLB contexts right. */
static void wr_hcr(ARMCPU *cpu, const A64SysReg *r, uint64_t v)
{
    uint64_t old = cpu->env.hcr_el2;

    cpu->env.hcr_el2 = v;
    a64_hcr_written(cpu, old);
    a64_virq_update(cpu);
}

static uint64_t rd_hcr(ARMCPU *cpu, const A64SysReg *r)
{
    return cpu->env.hcr_el2;
}

static void wr_vtcr(ARMCPU *cpu, const A64SysReg *r, uint64_t v)
{
    uint64_t old = cpu->env.vtcr_el2;

    cpu->env.vtcr_el2 = v;
    a64_vtcr_written(cpu, old);
}

static uint64_t rd_vtcr(ARMCPU *cpu, const A64SysReg *r)
{
    return cpu->env.vtcr_el2;
}

/* ------------------------------------------------------------------ */
/* The table                                                           */

static const A64SysReg a64_sysregs[] = {
    /* Identification (EL1). */
    FN(SR(3, 0, 0, 0, 0), "MIDR_EL1", rd_midr, NULL),
    FN(SR(3, 0, 0, 0, 5), "MPIDR_EL1", rd_mpidr, NULL),
    CONST(SR(3, 0, 0, 0, 6), "REVIDR_EL1", 0),
    FN(SR(3, 0, 0, 4, 0), "ID_AA64PFR0_EL1", rd_pfr0, NULL),
    /* DebugVer v8, 2 breakpoints, 2 watchpoints, no PMU. */
    CONST(SR(3, 0, 0, 5, 0), "ID_AA64DFR0_EL1", 0x00101006),
    FN(SR(3, 0, 0, 6, 0), "ID_AA64ISAR0_EL1", rd_isar0, NULL),
    /* PARange 48 bits, 16-bit ASID, TGran16 yes, TGran64/4 yes. */
    CONST(SR(3, 0, 0, 7, 0), "ID_AA64MMFR0_EL1", 0x00100025),
    FN(SR(3, 1, 0, 0, 0), "CCSIDR_EL1", rd_ccsidr, NULL),
    CONST(SR(3, 1, 0, 0, 1), "CLIDR_EL1", A64_CLIDR),
    CONST(SR(3, 1, 0, 0, 7), "AIDR_EL1", 0),
    FIELD(SR(3, 2, 0, 0, 0), "CSSELR_EL1", csselr_el1),
    FIELD(SR(3, 4, 0, 0, 0), "VPIDR_EL2", vpidr_el2),
    FIELD(SR(3, 4, 0, 0, 5), "VMPIDR_EL2", vmpidr_el2),
    /* EL1 system control. */
    TLBREG(SR(3, 0, 1, 0, 0), "SCTLR_EL1", sctlr_el[1], 3),
    FIELD(SR(3, 0, 1, 0, 1), "ACTLR_EL1", actlr_el[1]),
    FIELD(SR(3, 0, 1, 0, 2), "CPACR_EL1", cpacr_el1),
    TLBREG(SR(3, 0, 2, 0, 0), "TTBR0_EL1", ttbr0_el[1], 3),
    TLBREG(SR(3, 0, 2, 0, 1), "TTBR1_EL1", ttbr1_el[1], 3),
    TLBREG(SR(3, 0, 2, 0, 2), "TCR_EL1", tcr_el[1], 3),
    FIELD(SR(3, 0, 4, 0, 0), "SPSR_EL1", spsr_el[1]),
    FIELD(SR(3, 0, 4, 0, 1), "ELR_EL1", elr_el[1]),
    SPREG(SR(3, 0, 4, 1, 0), "SP_EL0", 0),
    FN(SR(3, 0, 4, 2, 0), "SPSel", rd_spsel, wr_spsel),
    FN(SR(3, 0, 4, 2, 2), "CurrentEL", rd_currentel, NULL),
    FIELD(SR(3, 0, 5, 1, 0), "AFSR0_EL1", afsr0_el[1]),
    FIELD(SR(3, 0, 5, 1, 1), "AFSR1_EL1", afsr1_el[1]),
    FIELD(SR(3, 0, 5, 2, 0), "ESR_EL1", esr_el[1]),
    FIELD(SR(3, 0, 6, 0, 0), "FAR_EL1", far_el[1]),
    FIELD(SR(3, 0, 7, 4, 0), "PAR_EL1", par_el1),
    TLBREG(SR(3, 0, 10, 2, 0), "MAIR_EL1", mair_el[1], 3),
    FIELD(SR(3, 0, 10, 3, 0), "AMAIR_EL1", amair_el[1]),
    FIELD(SR(3, 0, 12, 0, 0), "VBAR_EL1", vbar_el[1]),
    FN(SR(3, 0, 12, 1, 0), "ISR_EL1", rd_isr, NULL),
    FIELD(SR(3, 0, 13, 0, 1), "CONTEXTIDR_EL1", contextidr_el1),
    FIELD(SR(3, 0, 13, 0, 4), "TPIDR_EL1", tpidr_el[1]),
    FIELD(SR(3, 0, 14, 1, 0), "CNTKCTL_EL1", cntkctl_el1),
    /* EL0-visible. */
    FN(SR(3, 3, 0, 0, 1), "CTR_EL0", rd_ctr, NULL),
    FN(SR(3, 3, 0, 0, 7), "DCZID_EL0", rd_dczid, NULL),
    FN(SR(3, 3, 4, 2, 1), "DAIF", rd_daif, wr_daif),
    FN(SR(3, 3, 13, 0, 3), "TPIDRRO_EL0", rd_tpidrro, wr_tpidrro),
    FN(SR(3, 3, 14, 0, 0), "CNTFRQ_EL0", rd_cntfrq, wr_cntfrq),
    TIMER_RO(SR(3, 3, 14, 0, 1), "CNTPCT_EL0"),
    TIMER_RO(SR(3, 3, 14, 0, 2), "CNTVCT_EL0"),
    TIMER(SR(3, 3, 14, 2, 0), "CNTP_TVAL_EL0"),
    TIMER(SR(3, 3, 14, 2, 1), "CNTP_CTL_EL0"),
    TIMER(SR(3, 3, 14, 2, 2), "CNTP_CVAL_EL0"),
    TIMER(SR(3, 3, 14, 3, 0), "CNTV_TVAL_EL0"),
    TIMER(SR(3, 3, 14, 3, 1), "CNTV_CTL_EL0"),
    TIMER(SR(3, 3, 14, 3, 2), "CNTV_CVAL_EL0"),
    /* Debug: stored or RAZ/WI, no debug exceptions. */
    FIELD(SR(2, 0, 0, 2, 2), "MDSCR_EL1", mdscr_el1),
    RAZWI(SR(2, 0, 0, 2, 0), "MDCCINT_EL1"),
    RAZWI(SR(2, 0, 1, 0, 0), "MDRAR_EL1"),
    FN(SR(2, 0, 1, 0, 4), "OSLAR_EL1", NULL, wr_oslar),
    FIELD(SR(2, 0, 1, 1, 4), "OSLSR_EL1", oslsr_el1),
    RAZWI(SR(2, 0, 1, 3, 4), "OSDLR_EL1"),
    RAZWI(SR(2, 0, 1, 4, 4), "DBGPRCR_EL1"),
    RAZWI(SR(2, 0, 7, 8, 6), "DBGCLAIMSET_EL1"),
    RAZWI(SR(2, 0, 7, 9, 6), "DBGCLAIMCLR_EL1"),
    RAZWI(SR(2, 0, 7, 14, 6), "DBGAUTHSTATUS_EL1"),
    RAZWI(SR(2, 3, 0, 1, 0), "MDCCSR_EL0"),
    RAZWI(SR(2, 4, 0, 7, 0), "DBGVCR32_EL2"),
    /* EL2. */
    TLBREG(SR(3, 4, 1, 0, 0), "SCTLR_EL2", sctlr_el[2], 4),
    FIELD(SR(3, 4, 1, 0, 1), "ACTLR_EL2", actlr_el[2]),
    FN(SR(3, 4, 1, 1, 0), "HCR_EL2", rd_hcr, wr_hcr),
    FIELD(SR(3, 4, 1, 1, 1), "MDCR_EL2", mdcr_el2),
    FIELD(SR(3, 4, 1, 1, 2), "CPTR_EL2", cptr_el2),
    FIELD(SR(3, 4, 1, 1, 3), "HSTR_EL2", hstr_el2),
    RAZWI(SR(3, 4, 1, 1, 7), "HACR_EL2"),
    TLBREG(SR(3, 4, 2, 0, 0), "TTBR0_EL2", ttbr0_el[2], 4),
    TLBREG(SR(3, 4, 2, 0, 2), "TCR_EL2", tcr_el[2], 4),
    TLBREG(SR(3, 4, 2, 1, 0), "VTTBR_EL2", vttbr_el2, 3),
    FN(SR(3, 4, 2, 1, 2), "VTCR_EL2", rd_vtcr, wr_vtcr),
    FIELD(SR(3, 4, 4, 0, 0), "SPSR_EL2", spsr_el[2]),
    FIELD(SR(3, 4, 4, 0, 1), "ELR_EL2", elr_el[2]),
    SPREG(SR(3, 4, 4, 1, 0), "SP_EL1", 1),
    RAZWI(SR(3, 4, 4, 3, 0), "SPSR_irq"),
    RAZWI(SR(3, 4, 4, 3, 1), "SPSR_abt"),
    RAZWI(SR(3, 4, 4, 3, 2), "SPSR_und"),
    RAZWI(SR(3, 4, 4, 3, 3), "SPSR_fiq"),
    FIELD(SR(3, 4, 5, 1, 0), "AFSR0_EL2", afsr0_el[2]),
    FIELD(SR(3, 4, 5, 1, 1), "AFSR1_EL2", afsr1_el[2]),
    FIELD(SR(3, 4, 5, 2, 0), "ESR_EL2", esr_el[2]),
    FIELD(SR(3, 4, 6, 0, 0), "FAR_EL2", far_el[2]),
    FIELD(SR(3, 4, 6, 0, 4), "HPFAR_EL2", hpfar_el2),
    TLBREG(SR(3, 4, 10, 2, 0), "MAIR_EL2", mair_el[2], 4),
    FIELD(SR(3, 4, 10, 3, 0), "AMAIR_EL2", amair_el[2]),
    FIELD(SR(3, 4, 12, 0, 0), "VBAR_EL2", vbar_el[2]),
    FIELD(SR(3, 4, 13, 0, 2), "TPIDR_EL2", tpidr_el[2]),
    TIMER(SR(3, 4, 14, 0, 3), "CNTVOFF_EL2"),
    FIELD(SR(3, 4, 14, 1, 0), "CNTHCTL_EL2", cnthctl_el2),
    TIMER(SR(3, 4, 14, 2, 0), "CNTHP_TVAL_EL2"),
    TIMER(SR(3, 4, 14, 2, 1), "CNTHP_CTL_EL2"),
    TIMER(SR(3, 4, 14, 2, 2), "CNTHP_CVAL_EL2"),
    /* EL3. */
    TLBREG(SR(3, 6, 1, 0, 0), "SCTLR_EL3", sctlr_el[3], 8),
    FIELD(SR(3, 6, 1, 0, 1), "ACTLR_EL3", actlr_el[3]),
    FIELD(SR(3, 6, 1, 1, 0), "SCR_EL3", scr_el3),
    FIELD(SR(3, 6, 1, 1, 2), "CPTR_EL3", cptr_el3),
    FIELD(SR(3, 6, 1, 3, 1), "MDCR_EL3", mdcr_el3),
    TLBREG(SR(3, 6, 2, 0, 0), "TTBR0_EL3", ttbr0_el[3], 8),
    TLBREG(SR(3, 6, 2, 0, 2), "TCR_EL3", tcr_el[3], 8),
    FIELD(SR(3, 6, 4, 0, 0), "SPSR_EL3", spsr_el[3]),
    FIELD(SR(3, 6, 4, 0, 1), "ELR_EL3", elr_el[3]),
    SPREG(SR(3, 6, 4, 1, 0), "SP_EL2", 2),
    FIELD(SR(3, 6, 5, 2, 0), "ESR_EL3", esr_el[3]),
    FIELD(SR(3, 6, 6, 0, 0), "FAR_EL3", far_el[3]),
    TLBREG(SR(3, 6, 10, 2, 0), "MAIR_EL3", mair_el[3], 8),
    FIELD(SR(3, 6, 12, 0, 0), "VBAR_EL3", vbar_el[3]),
    FIELD(SR(3, 6, 13, 0, 2), "TPIDR_EL3", tpidr_el[3]),
    /* Cache maintenance: no cache model. */
    NOP(SR(1, 0, 7, 1, 0), "IC IALLUIS"),
    NOP(SR(1, 0, 7, 5, 0), "IC IALLU"),
    NOP(SR(1, 3, 7, 5, 1), "IC IVAU"),
    NOP(SR(1, 0, 7, 6, 1), "DC IVAC"),
    NOP(SR(1, 0, 7, 6, 2), "DC ISW"),
    NOP(SR(1, 0, 7, 10, 2), "DC CSW"),
    NOP(SR(1, 0, 7, 14, 2), "DC CISW"),
    NOP(SR(1, 3, 7, 10, 1), "DC CVAC"),
    NOP(SR(1, 3, 7, 11, 1), "DC CVAU"),
    NOP(SR(1, 3, 7, 14, 1), "DC CIVAC"),
    /* Address translation. */
    AT(SR(1, 0, 7, 8, 0), "AT S1E1R"),
    AT(SR(1, 0, 7, 8, 1), "AT S1E1W"),
    AT(SR(1, 0, 7, 8, 2), "AT S1E0R"),
    AT(SR(1, 0, 7, 8, 3), "AT S1E0W"),
    AT(SR(1, 4, 7, 8, 0), "AT S1E2R"),
    AT(SR(1, 4, 7, 8, 1), "AT S1E2W"),
    AT(SR(1, 6, 7, 8, 0), "AT S1E3R"),
    AT(SR(1, 6, 7, 8, 1), "AT S1E3W"),
    AT_S12(SR(1, 4, 7, 8, 4), "AT S12E1R"),
    AT_S12(SR(1, 4, 7, 8, 5), "AT S12E1W"),
    AT_S12(SR(1, 4, 7, 8, 6), "AT S12E0R"),
    AT_S12(SR(1, 4, 7, 8, 7), "AT S12E0W"),
};

/* ------------------------------------------------------------------ */
/* Lookup and access                                                   */

/*
 * key (16 bits) -> 1 + index in a64_sysregs, 0 if unlisted; built on
 * first use.  The kernel reads some registers (the counter) often
 * enough that a linear search of the table shows in profiles.
 */
static uint16_t a64_sysreg_index[1u << 16];

static void a64_sysreg_index_init(void)
{
    static gsize done;

    if (g_once_init_enter(&done)) {
        G_STATIC_ASSERT(G_N_ELEMENTS(a64_sysregs) < UINT16_MAX);
        for (size_t i = G_N_ELEMENTS(a64_sysregs); i-- > 0;) {
            /* Backwards: the first entry of a key wins, as before. */
            uint32_t key = a64_sysregs[i].key & 0xffff;

            a64_sysreg_index[key] = (uint16_t)(i + 1);
        }
        g_once_init_leave(&done, 1);
    }
}

static const A64SysReg *a64_find_sysreg(uint32_t key)
{
    unsigned i;

    a64_sysreg_index_init();
    if (key > 0xffff) {
        return NULL;
    }
    i = a64_sysreg_index[key];
    return i ? &a64_sysregs[i - 1] : NULL;
}

/* Lowest EL that may access key, or 4 if none. */
static unsigned a64_key_min_el(ARMCPU *cpu, uint32_t key)
{
    static const unsigned by_op1[8] = { 1, 1, 1, 0, 2, 4, 3, 4 };
    unsigned el = by_op1[(key >> 11) & 7];

    if ((el == 2 && !cpu->has_el2) || (el == 3 && !cpu->has_el3)) {
        return 4;
    }
    return el;
}

static void a64_sysreg_log_unknown(CPUARMState *env, uint32_t key,
                                   bool isread)
{
    log_mask(LOG_UNIMP, "aarch64: %s of unknown system register "
             "op0=%u op1=%u CRn=%u CRm=%u op2=%u at EL%u pc 0x%" PRIx64
             "\n", isread ? "read" : "write", key >> 14, (key >> 11) & 7,
             (key >> 7) & 15, (key >> 3) & 15, key & 7,
             a64_current_el(env), env->pc);
}

/* Debug breakpoint/watchpoint registers DBG{B,W}{V,C}Rn_EL1: RAZ/WI. */
static bool a64_is_dbg_bpwp(uint32_t key)
{
    return (key >> 11) == (2u << 3 | 0) && ((key >> 7) & 15) == 0 &&
           (key & 7) >= 4;
}

static bool a64_gic_access(ARMCPU *cpu, uint32_t key, bool isread,
                           uint64_t *val)
{
    const ARMGICv3CPUIfOps *g = cpu->gicv3;
    bool locked;

    if (!g || !a64_is_icc(key)) {
        return false;
    }
    locked = bql_locked();
    if (!locked) {
        bql_lock();
    }
    if (isread) {
        *val = g->read ? g->read(g->opaque, cpu->parent.cpu_index, key) : 0;
    } else if (g->write) {
        g->write(g->opaque, cpu->parent.cpu_index, key, *val);
    }
    if (!locked) {
        bql_unlock();
    }
    return true;
}

/*
 * EL0 accesses that SCTLR_EL1 gates (UMA: DAIF, UCT: CTR_EL0) trap to EL1
 * with EC 0x18 and the encoding, Rt and direction in the ISS.
 */
static void a64_el0_trap_check(CPUARMState *env, uint32_t key, unsigned rt,
                               bool isread, uintptr_t ra)
{
    uint64_t sctlr = env->sctlr_el[1];
    bool trap;

    if (a64_current_el(env) != 0) {
        return;
    }
    switch (key) {
    case SR(3, 3, 4, 2, 1):     /* DAIF */
        trap = !(sctlr & SCTLR_UMA);
        break;
    case SR(3, 3, 0, 0, 1):     /* CTR_EL0 */
        trap = !(sctlr & SCTLR_UCT);
        break;
    default:
        return;
    }
    if (trap) {
        uint32_t iss = (key >> 14) << 20 | (key & 7) << 17 |
                       ((key >> 11) & 7) << 14 | ((key >> 7) & 15) << 10 |
                       rt << 5 | ((key >> 3) & 15) << 1 | isread;

        a64_raise_syndrome(env, 0x18u << 26 | 1u << 25 | iss, ra);
    }
}

/* Common checks; NULL for an access that must UDEF. */
static const A64SysReg *a64_sysreg_check(ARMCPU *cpu, uint32_t key,
                                         bool isread)
{
    const A64SysReg *r;

    if (a64_current_el(&cpu->env) < a64_key_min_el(cpu, key)) {
        return NULL;
    }
    r = a64_find_sysreg(key);
    if (!r) {
        return NULL;
    }
    if (isread ? (r->kind == K_NOP || (r->kind == K_FN && !r->read))
               : r->ro) {
        return NULL;
    }
    return r;
}

/* The ID register space op0=3 op1=0 CRn=0 CRm=1..7: unlisted RAZ. */
static bool a64_is_id_space(uint32_t key)
{
    return (key >> 7) == (3u << 7 | 0 << 4 | 0) && ((key >> 3) & 15) >= 1;
}

uint64_t a64_sysreg_read(CPUARMState *env, uint32_t key, uintptr_t ra)
{
    ARMCPU *cpu = a64_env_cpu(env);
    const A64SysReg *r;
    uint64_t v = 0;
    unsigned rt = key >> 16;

    key &= 0xffff;
    a64_el0_trap_check(env, key, rt, true, ra);
    if (a64_current_el(env) >= 1 &&
        (a64_gic_access(cpu, key, true, &v) || a64_is_dbg_bpwp(key))) {
        return v;
    }
    r = a64_sysreg_check(cpu, key, true);
    if (!r) {
        if (a64_current_el(env) >= 1 && a64_is_id_space(key)) {
            return 0;
        }
        a64_sysreg_log_unknown(env, key, true);
        a64_raise_udef(env, ra);
    }
    switch (r->kind) {
    case K_FIELD:
    case K_TLBREG:
        return *(uint64_t *)((char *)env + r->offset);
    case K_CONST:
        return r->value;
    case K_FN:
        return r->read(cpu, r);
    default:
        return 0;
    }
}

void a64_sysreg_write(CPUARMState *env, uint32_t key, uint64_t val,
                      uintptr_t ra)
{
    ARMCPU *cpu = a64_env_cpu(env);
    const A64SysReg *r;
    unsigned rt = key >> 16;

    key &= 0xffff;
    a64_el0_trap_check(env, key, rt, false, ra);
    if (a64_current_el(env) >= 1 &&
        (a64_gic_access(cpu, key, false, &val) || a64_is_dbg_bpwp(key))) {
        return;
    }
    if (a64_current_el(env) >= a64_key_min_el(cpu, key) &&
        a64_tlbi(env, key, val)) {
        return;
    }
    r = a64_sysreg_check(cpu, key, false);
    if (!r) {
        a64_sysreg_log_unknown(env, key, false);
        a64_raise_udef(env, ra);
    }
    switch (r->kind) {
    case K_FIELD:
        *(uint64_t *)((char *)env + r->offset) = val;
        break;
    case K_TLBREG:
        *(uint64_t *)((char *)env + r->offset) = val;
        a64_tlbreg_written(cpu, r->offset, (uint16_t)r->value);
        break;
    case K_FN:
        r->write(cpu, r, val);
        break;
    default:
        break;
    }
    /* CPACR_EL1 and SCTLR_ELx feed the TB flags: cheap to redo always. */
    a64_rebuild_tb_flags(env);
}

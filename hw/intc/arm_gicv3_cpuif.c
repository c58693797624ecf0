/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GICv3 CPU interface: the ICC_* system registers, reached from the CPU
 * through ARMCPU.gicv3 (frontend/aarch64/cpu.h) with the BQL held.
 *
 * One security state (GICD_CTLR.DS = 1): group 0 signals FIQ and group 1
 * IRQ, ICC_SRE_ELx.SRE is RAO/WI (no memory-mapped CPU interface),
 * ICC_CTLR_EL1 reports 5 priority bits and 16-bit INTIDs.
 *
 * Not emulated: the virtual CPU interface (ICH_*, ICV_*), ICC_ASGI1R_EL1
 * (ignored, logged), AP[01]R1..3 (RAZ/WI: 5 priority bits fit AP[01]R0).
 */
#include "intc/arm_gic_internal.h"
#include "kestrel/log.h"

#define ICC(crm, op2) A64_SYSREG(3, 0, 12, crm, op2)
#define ICC_PMR_EL1 A64_SYSREG(3, 0, 4, 6, 0)
#define ICC_IAR0_EL1 ICC(8, 0)
#define ICC_EOIR0_EL1 ICC(8, 1)
#define ICC_HPPIR0_EL1 ICC(8, 2)
#define ICC_BPR0_EL1 ICC(8, 3)
#define ICC_AP0R0_EL1 ICC(8, 4)
#define ICC_AP0R3_EL1 ICC(8, 7)
#define ICC_AP1R0_EL1 ICC(9, 0)
#define ICC_AP1R3_EL1 ICC(9, 3)
#define ICC_DIR_EL1 ICC(11, 1)
#define ICC_RPR_EL1 ICC(11, 3)
#define ICC_SGI1R_EL1 ICC(11, 5)
#define ICC_ASGI1R_EL1 ICC(11, 6)
#define ICC_SGI0R_EL1 ICC(11, 7)
#define ICC_IAR1_EL1 ICC(12, 0)
#define ICC_EOIR1_EL1 ICC(12, 1)
#define ICC_HPPIR1_EL1 ICC(12, 2)
#define ICC_BPR1_EL1 ICC(12, 3)
#define ICC_CTLR_EL1 ICC(12, 4)
#define ICC_SRE_EL1 ICC(12, 5)
#define ICC_IGRPEN0_EL1 ICC(12, 6)
#define ICC_IGRPEN1_EL1 ICC(12, 7)
#define ICC_SRE_EL2 A64_SYSREG(3, 4, 12, 9, 5)
#define ICC_CTLR_EL3 A64_SYSREG(3, 6, 12, 12, 4)
#define ICC_SRE_EL3 A64_SYSREG(3, 6, 12, 12, 5)
#define ICC_IGRPEN1_EL3 A64_SYSREG(3, 6, 12, 12, 7)

#define ICC_SRE_SRE_DFB_DIB 0x7
#define ICC_SRE_ENABLE 0x8
#define ICC_CTLR_PRIBITS (4u << 8)      /* 5 bits of priority */

static uint64_t gicv3_hppir(ARMGICState *s, int c, int grp)
{
    int prio;
    int id = gic_hppi(s, c, &prio);

    if (id == GIC_SPURIOUS || gic_irq(s, c, id)->group1 != grp) {
        return GIC_SPURIOUS;
    }
    return id;
}

static uint64_t gicv3_bpr1(ARMGICState *s, int c)
{
    GICCPU *cs = &s->cpu[c];

    if (cs->ctlr & ICC_CTLR_CBPR) {
        return MIN(cs->bpr[0] + 1, 7);
    }
    return cs->bpr[1];
}

uint64_t arm_gicv3_cpuif_read(ARMGICState *s, int c, uint32_t reg)
{
    GICCPU *cs = &s->cpu[c];
    int rpr;

    switch (reg) {
    case ICC_PMR_EL1:
        return cs->pmr;
    case ICC_IAR0_EL1:
        return gic_acknowledge(s, c, 0);
    case ICC_IAR1_EL1:
        return gic_acknowledge(s, c, 1);
    case ICC_HPPIR0_EL1:
        return gicv3_hppir(s, c, 0);
    case ICC_HPPIR1_EL1:
        return gicv3_hppir(s, c, 1);
    case ICC_BPR0_EL1:
        return cs->bpr[0];
    case ICC_BPR1_EL1:
        return gicv3_bpr1(s, c);
    case ICC_AP0R0_EL1:
        return cs->apr[0];
    case ICC_AP1R0_EL1:
        return cs->apr[1];
    case ICC_AP0R0_EL1 + 1 ... ICC_AP0R3_EL1:
    case ICC_AP1R0_EL1 + 1 ... ICC_AP1R3_EL1:
        return 0;
    case ICC_RPR_EL1:
        rpr = gic_running_priority(s, c);
        return rpr == GIC_IDLE_PRIO ? 0xff : rpr;
    case ICC_CTLR_EL1:
    case ICC_CTLR_EL3:
        return (cs->ctlr & (ICC_CTLR_CBPR | ICC_CTLR_EOIMODE)) |
               ICC_CTLR_PRIBITS;
    case ICC_SRE_EL1:
        return ICC_SRE_SRE_DFB_DIB;
    case ICC_SRE_EL2:
    case ICC_SRE_EL3:
        return ICC_SRE_SRE_DFB_DIB | ICC_SRE_ENABLE;
    case ICC_IGRPEN0_EL1:
        return cs->grpen[0];
    case ICC_IGRPEN1_EL1:
    case ICC_IGRPEN1_EL3:
        return cs->grpen[1];
    case ICC_SGI0R_EL1:
    case ICC_SGI1R_EL1:
    case ICC_ASGI1R_EL1:
    case ICC_EOIR0_EL1:
    case ICC_EOIR1_EL1:
    case ICC_DIR_EL1:
        log_mask(LOG_GUEST_ERROR, "gicv3: read of a write-only ICC "
                 "register 0x%x\n", reg);
        return 0;
    }
    log_mask(LOG_UNIMP, "gicv3: read of unknown ICC register 0x%x\n", reg);
    return 0;
}

/* Does SGI1R/SGI0R value val target CPU t (affinity 0.0.0.t)? */
static bool gicv3_sgi_targets(uint64_t val, int self, int t)
{
    unsigned rs = (val >> 44) & 0xf;

    if (val & (1ull << 40)) {           /* IRM: all but self */
        return t != self;
    }
    if (((val >> 16) & 0xff) || ((val >> 32) & 0xff) ||
        ((val >> 48) & 0xff)) {
        return false;                   /* Aff1, Aff2, Aff3 are 0 */
    }
    return (unsigned)t / 16 == rs && ((val >> (t % 16)) & 1);
}

static void gicv3_send_sgi(ARMGICState *s, int c, uint64_t val, int grp)
{
    int sgi = (val >> 24) & 0xf;

    for (int t = 0; t < s->num_cpus; t++) {
        if (gicv3_sgi_targets(val, c, t) &&
            s->cpu[t].local[sgi].group1 == grp) {
            gic_sgi_set(s, t, sgi, c);
        }
    }
}

static void gicv3_eoi(ARMGICState *s, int c, uint64_t val, int grp)
{
    gic_priority_drop(s, c, grp);
    if (!(s->cpu[c].ctlr & ICC_CTLR_EOIMODE)) {
        gic_deactivate(s, c, val & 0xffffff);
    }
}

static bool gicv3_cpuif_write_ctl(ARMGICState *s, int c, uint32_t reg,
                                  uint64_t val)
{
    GICCPU *cs = &s->cpu[c];

    switch (reg) {
    case ICC_PMR_EL1:
        cs->pmr = val & GIC_PRIO_MASK;
        break;
    case ICC_BPR0_EL1:
        gic_set_bpr(s, c, 0, val);
        break;
    case ICC_BPR1_EL1:
        if (!(cs->ctlr & ICC_CTLR_CBPR)) {
            gic_set_bpr(s, c, 1, val);
        }
        break;
    case ICC_AP0R0_EL1:
        cs->apr[0] = val;
        break;
    case ICC_AP1R0_EL1:
        cs->apr[1] = val;
        break;
    case ICC_CTLR_EL1:
        cs->ctlr = val & (ICC_CTLR_CBPR | ICC_CTLR_EOIMODE);
        break;
    case ICC_IGRPEN0_EL1:
        cs->grpen[0] = val & 1;
        break;
    case ICC_IGRPEN1_EL1:
    case ICC_IGRPEN1_EL3:
        cs->grpen[1] = val & 1;
        break;
    case ICC_AP0R0_EL1 + 1 ... ICC_AP0R3_EL1:
    case ICC_AP1R0_EL1 + 1 ... ICC_AP1R3_EL1:
    case ICC_SRE_EL1:
    case ICC_SRE_EL2:
    case ICC_SRE_EL3:
    case ICC_CTLR_EL3:
        break;
    default:
        return false;
    }
    return true;
}

void arm_gicv3_cpuif_write(ARMGICState *s, int c, uint32_t reg,
                           uint64_t val)
{
    switch (reg) {
    case ICC_EOIR0_EL1:
        gicv3_eoi(s, c, val, 0);
        return;
    case ICC_EOIR1_EL1:
        gicv3_eoi(s, c, val, 1);
        return;
    case ICC_DIR_EL1:
        gic_deactivate(s, c, val & 0xffffff);
        return;
    case ICC_SGI0R_EL1:
        gicv3_send_sgi(s, c, val, 0);
        return;
    case ICC_SGI1R_EL1:
        gicv3_send_sgi(s, c, val, 1);
        return;
    case ICC_ASGI1R_EL1:
        log_mask(LOG_UNIMP, "gicv3: ICC_ASGI1R_EL1 ignored\n");
        return;
    case ICC_IAR0_EL1:
    case ICC_IAR1_EL1:
    case ICC_HPPIR0_EL1:
    case ICC_HPPIR1_EL1:
    case ICC_RPR_EL1:
        log_mask(LOG_GUEST_ERROR, "gicv3: write to a read-only ICC "
                 "register 0x%x\n", reg);
        return;
    }
    if (gicv3_cpuif_write_ctl(s, c, reg, val)) {
        gic_update_cpu(s, c);
        return;
    }
    log_mask(LOG_UNIMP, "gicv3: write to unknown ICC register 0x%x\n", reg);
}

/* ------------------------------------------------------------------ */
/* The hook on the CPU                                                 */

static uint64_t gicv3_sysreg_read(void *opaque, int cpu, uint32_t reg)
{
    GICCPU *cs = opaque;

    return arm_gicv3_cpuif_read(cs->gic, cs->index, reg);
}

static void gicv3_sysreg_write(void *opaque, int cpu, uint32_t reg,
                               uint64_t value)
{
    GICCPU *cs = opaque;

    arm_gicv3_cpuif_write(cs->gic, cs->index, reg, value);
}

/*
 * Install the ICC_* registers on CPU c.  opaque is this CPU's interface,
 * so the cpu number the frontend passes is not needed.
 */
void gicv3_cpuif_install(ARMGICState *s, int c)
{
    GICCPU *cs = &s->cpu[c];

    cs->sysreg.read = gicv3_sysreg_read;
    cs->sysreg.write = gicv3_sysreg_write;
    cs->sysreg.opaque = cs;
    if (cs->cpu) {
        ((ARMCPU *)cs->cpu)->gicv3 = &cs->sysreg;
    }
}

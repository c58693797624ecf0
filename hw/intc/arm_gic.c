/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ARM Generic Interrupt Controller: the part GICv2 and GICv3 share (the
 * interrupt state and its arbitration, creation, inputs and outputs) and
 * the GICv2 distributor and CPU interface.
 *
 * Regions (GICv2):
 *   distributor    ARM_GICV2_DIST_SIZE (4 KiB): GICD_*
 *   CPU interface  ARM_GICV2_CPU_SIZE (8 KiB): GICC_*, GICC_DIR at 0x1000
 *   (GICv3 regions: arm_gicv3_dist.c, arm_gicv3_redist.c)
 * IRQ lines:
 *   in:  SPIs (arm_gic_spi), PPIs per CPU (arm_gic_ppi)
 *   out: per CPU, IRQ and FIQ (cpu_interrupt or the test output hook)
 * Properties: version (2, 3), number of CPUs, number of SPIs.
 *
 * Not emulated: the security extensions (a single security state),
 * GICv2 virtualization extensions (GICH/GICV), the GICC_A* group 1
 * aliases (RAZ/WI), more than 5 bits of priority.
 *
 * The GICv2 banked registers (INTIDs 0..31, the whole CPU interface)
 * belong to the CPU doing the access: current_cpu, the vCPU thread's
 * CPU; CPU 0 when there is none (tests, the main loop).
 */
#include <inttypes.h>
#include <string.h>

#include "intc/arm_gic_internal.h"
#include "kestrel/log.h"

/* ------------------------------------------------------------------ */
/* Interrupt state                                                     */

GICIrq *gic_irq(ARMGICState *s, int cpu, int intid)
{
    if (intid < 0 || intid >= s->num_irq) {
        return NULL;
    }
    if (intid < GIC_INTERNAL) {
        return &s->cpu[cpu].local[intid];
    }
    return &s->spi[intid - GIC_INTERNAL];
}

bool gic_irq_pending(const GICIrq *irq)
{
    return irq->latched || (!irq->edge && irq->level);
}

static bool gic_spi_targets(ARMGICState *s, const GICIrq *irq, int c)
{
    if (s->version == 3) {
        return gicv3_spi_target(s, irq) == c;
    }
    if (s->num_cpus == 1) {
        return c == 0;
    }
    return (irq->targets >> c) & 1;
}

static bool gic_dist_grp_enabled(ARMGICState *s, int grp)
{
    return s->ctlr & (grp ? GICD_CTLR_EN_GRP1 : GICD_CTLR_EN_GRP0);
}

static bool gic_cpu_grp_enabled(ARMGICState *s, int c, int grp)
{
    GICCPU *cs = &s->cpu[c];

    if (s->version == 3) {
        return cs->grpen[grp];
    }
    return cs->ctlr & (grp ? GICC_CTLR_EN_GRP1 : GICC_CTLR_EN_GRP0);
}

/* Which output an interrupt of group grp drives. */
static int gic_grp_line(ARMGICState *s, int c, int grp)
{
    if (grp) {
        return ARM_GIC_OUT_IRQ;
    }
    if (s->version == 3 || (s->cpu[c].ctlr & GICC_CTLR_FIQEN)) {
        return ARM_GIC_OUT_FIQ;
    }
    return ARM_GIC_OUT_IRQ;
}

/* The mask that leaves the group priority of a group grp priority. */
static uint8_t gic_group_mask(ARMGICState *s, int c, int grp)
{
    GICCPU *cs = &s->cpu[c];
    uint32_t cbpr = s->version == 3 ? ICC_CTLR_CBPR : GICC_CTLR_CBPR;
    int shift;

    if (grp == 0 || (cs->ctlr & cbpr)) {
        shift = cs->bpr[0] + 1;
    } else {
        shift = cs->bpr[1];
    }
    return (0xff << shift) & GIC_PRIO_MASK;
}

int gic_running_priority(ARMGICState *s, int c)
{
    uint32_t apr = s->cpu[c].apr[0] | s->cpu[c].apr[1];

    if (!apr) {
        return GIC_IDLE_PRIO;
    }
    return __builtin_ctz(apr) << 3;
}

int gic_hppi(ARMGICState *s, int c, int *prio)
{
    int best = GIC_SPURIOUS;
    int best_prio = GIC_IDLE_PRIO;

    for (int id = 0; id < s->num_irq; id++) {
        GICIrq *irq = gic_irq(s, c, id);

        if (!irq->enabled || irq->active || !gic_irq_pending(irq) ||
            irq->priority >= best_prio ||
            !gic_dist_grp_enabled(s, irq->group1)) {
            continue;
        }
        if (id >= GIC_INTERNAL && !gic_spi_targets(s, irq, c)) {
            continue;
        }
        best = id;
        best_prio = irq->priority;
    }
    *prio = best_prio;
    return best;
}

/* May intid (of priority prio) be signalled to / taken by CPU c now? */
static bool gic_can_signal(ARMGICState *s, int c, int intid, int prio)
{
    GICIrq *irq = gic_irq(s, c, intid);
    int grp = irq->group1;

    return prio < s->cpu[c].pmr &&
           (prio & gic_group_mask(s, c, grp)) < gic_running_priority(s, c) &&
           gic_cpu_grp_enabled(s, c, grp);
}

static void gic_set_output(ARMGICState *s, int c, int line, int level)
{
    GICCPU *cs = &s->cpu[c];
    int mask = line == ARM_GIC_OUT_IRQ ? CPU_INTERRUPT_HARD
                                       : CPU_INTERRUPT_FIQ;

    if (cs->out[line] == level) {
        return;
    }
    cs->out[line] = level;
    if (s->hook) {
        s->hook(s->hook_opaque, c, line, level);
    } else if (cs->cpu && level) {
        cpu_interrupt(cs->cpu, mask);
    } else if (cs->cpu) {
        cpu_reset_interrupt(cs->cpu, mask);
    }
}

void gic_update_cpu(ARMGICState *s, int c)
{
    int level[2] = { 0, 0 };
    int prio;
    int id = gic_hppi(s, c, &prio);

    if (id != GIC_SPURIOUS && gic_can_signal(s, c, id, prio)) {
        level[gic_grp_line(s, c, gic_irq(s, c, id)->group1)] = 1;
    }
    gic_set_output(s, c, ARM_GIC_OUT_IRQ, level[ARM_GIC_OUT_IRQ]);
    gic_set_output(s, c, ARM_GIC_OUT_FIQ, level[ARM_GIC_OUT_FIQ]);
}

void gic_update(ARMGICState *s)
{
    for (int c = 0; c < s->num_cpus; c++) {
        gic_update_cpu(s, c);
    }
}

/* ------------------------------------------------------------------ */
/* CPU interface operations                                            */

int gic_acknowledge(ARMGICState *s, int c, int grp)
{
    GICCPU *cs = &s->cpu[c];
    int prio, src = 0;
    int id = gic_hppi(s, c, &prio);
    GICIrq *irq;

    if (id == GIC_SPURIOUS) {
        return GIC_SPURIOUS;
    }
    irq = gic_irq(s, c, id);
    if ((grp >= 0 && irq->group1 != grp) || !gic_can_signal(s, c, id, prio)) {
        return GIC_SPURIOUS;
    }
    irq->active = true;
    if (s->version == 2 && id < GIC_NR_SGIS) {
        src = irq->sgi_sources ? __builtin_ctz(irq->sgi_sources) : 0;
        irq->sgi_sources &= ~(1u << src);
        irq->latched = irq->sgi_sources != 0;
    } else {
        irq->latched = false;
    }
    cs->apr[irq->group1] |=
        1u << ((prio & gic_group_mask(s, c, irq->group1)) >> 3);
    if (id < GIC_INTERNAL) {
        gic_update_cpu(s, c);
    } else {
        gic_update(s);
    }
    return id | (src << 10);
}

void gic_priority_drop(ARMGICState *s, int c, int grp)
{
    GICCPU *cs = &s->cpu[c];
    uint32_t apr = cs->apr[0] | cs->apr[1];

    if (!apr) {
        log_mask(LOG_GUEST_ERROR, "gic: EOI with no active priority "
                 "(cpu %d)\n", c);
        return;
    }
    apr &= -apr;            /* the highest priority active */
    cs->apr[0] &= ~apr;
    cs->apr[1] &= ~apr;
    gic_update_cpu(s, c);
}

void gic_deactivate(ARMGICState *s, int c, int intid)
{
    GICIrq *irq = gic_irq(s, c, intid);

    if (intid >= 1020 && intid <= 1023) {
        return;             /* special INTIDs: nothing to do */
    }
    if (!irq || !irq->active) {
        log_mask(LOG_GUEST_ERROR, "gic: deactivate of INTID %d, which is "
                 "not active (cpu %d)\n", intid, c);
        return;
    }
    irq->active = false;
    if (intid < GIC_INTERNAL) {
        gic_update_cpu(s, c);
    } else {
        gic_update(s);
    }
}

void gic_set_bpr(ARMGICState *s, int c, int grp, uint32_t val)
{
    uint32_t min = grp ? GIC_MIN_BPR1 : GIC_MIN_BPR0;

    val &= 7;
    s->cpu[c].bpr[grp] = val < min ? min : val;
    gic_update_cpu(s, c);
}

void gic_sgi_set(ARMGICState *s, int target, int sgi, int src)
{
    GICIrq *irq = &s->cpu[target].local[sgi];

    if (s->version == 2) {
        irq->sgi_sources |= 1u << src;
    }
    irq->latched = true;
    gic_update_cpu(s, target);
}

/* ------------------------------------------------------------------ */
/* Register helpers                                                    */

static bool gic_field(const GICIrq *irq, GICField f)
{
    switch (f) {
    case GIC_F_GROUP:
        return irq->group1;
    case GIC_F_ENABLE:
        return irq->enabled;
    case GIC_F_PENDING:
        return gic_irq_pending(irq);
    case GIC_F_ACTIVE:
        return irq->active;
    }
    return false;
}

uint32_t gic_bits_read(ARMGICState *s, int cpu, int first, GICField f)
{
    uint32_t val = 0;

    for (int i = 0; i < 32; i++) {
        GICIrq *irq = gic_irq(s, cpu, first + i);

        if (irq && gic_field(irq, f)) {
            val |= 1u << i;
        }
    }
    return val;
}

static void gic_field_write(ARMGICState *s, int id, GICIrq *irq,
                            GICField f, bool set)
{
    switch (f) {
    case GIC_F_GROUP:
        irq->group1 = set;
        break;
    case GIC_F_ENABLE:
        irq->enabled = set;
        break;
    case GIC_F_PENDING:
        if (s->version == 2 && id < GIC_NR_SGIS) {
            break;          /* v2: GICD_[SC]PENDSGIR instead */
        }
        irq->latched = set;
        break;
    case GIC_F_ACTIVE:
        irq->active = set;
        break;
    }
}

void gic_bits_write(ARMGICState *s, int cpu, int first, GICField f,
                    uint32_t val, bool set)
{
    for (int i = 0; i < 32; i++) {
        GICIrq *irq = gic_irq(s, cpu, first + i);
        bool bit = (val >> i) & 1;

        if (!irq) {
            break;
        }
        if (f == GIC_F_GROUP) {
            gic_field_write(s, first + i, irq, f, bit);
        } else if (bit) {
            gic_field_write(s, first + i, irq, f, set);
        }
    }
    gic_update(s);
}

uint32_t gic_prio_read(ARMGICState *s, int cpu, int first)
{
    uint32_t val = 0;

    for (int i = 0; i < 4; i++) {
        GICIrq *irq = gic_irq(s, cpu, first + i);

        if (irq) {
            val |= (uint32_t)irq->priority << (8 * i);
        }
    }
    return val;
}

void gic_prio_write(ARMGICState *s, int cpu, int first, uint32_t val,
                    unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        GICIrq *irq = gic_irq(s, cpu, first + i);

        if (irq) {
            irq->priority = (val >> (8 * i)) & GIC_PRIO_MASK;
        }
    }
    gic_update(s);
}

uint32_t gic_cfg_read(ARMGICState *s, int cpu, int first)
{
    uint32_t val = 0;

    for (int i = 0; i < 16; i++) {
        GICIrq *irq = gic_irq(s, cpu, first + i);

        if (irq && irq->edge) {
            val |= 2u << (2 * i);
        }
    }
    return val;
}

void gic_cfg_write(ARMGICState *s, int cpu, int first, uint32_t val)
{
    for (int i = 0; i < 16; i++) {
        GICIrq *irq = gic_irq(s, cpu, first + i);

        if (irq && first + i >= GIC_NR_SGIS) {
            irq->edge = (val >> (2 * i + 1)) & 1;
        }
    }
    gic_update(s);
}

/*
 * Peripheral and component ID registers at 0xFD0..0xFFC: PIDR4..7,
 * PIDR0..3, CIDR0..3.  Only PIDR2.ArchRev (bits [7:4]) matters to
 * drivers; the rest describe an ARM part.
 */
uint32_t gic_id_reg(int arch, uint64_t offset)
{
    static const uint8_t ids[12] = {
        0x04, 0x00, 0x00, 0x00,     /* PIDR4..7 */
        0x92, 0xb4, 0x0b, 0x00,     /* PIDR0..3 (PIDR2 gets ArchRev) */
        0x0d, 0xf0, 0x05, 0xb1,     /* CIDR0..3 */
    };
    unsigned i = ((offset & 0xff) - 0xd0) / 4;

    if (i >= 12) {
        return 0;
    }
    if (i == 6) {
        return ids[i] | (arch << 4);
    }
    return ids[i];
}

/* ------------------------------------------------------------------ */
/* Inputs                                                              */

static void gic_set_level(GICIrq *irq, int level)
{
    if (irq->edge && level && !irq->level) {
        irq->latched = true;
    }
    irq->level = level != 0;
}

static void gic_spi_handler(void *opaque, int n, int level)
{
    ARMGICState *s = opaque;

    gic_set_level(&s->spi[n], level);
    gic_update(s);
}

static void gic_ppi_handler(void *opaque, int n, int level)
{
    GICCPU *cs = opaque;

    gic_set_level(&cs->local[n], level);
    gic_update_cpu(cs->gic, cs->index);
}

IRQLine *arm_gic_spi(ARMGICState *s, int n)
{
    if (n < 0 || n >= s->num_irq - GIC_INTERNAL) {
        return NULL;
    }
    return &s->spi_in[n];
}

IRQLine *arm_gic_ppi(ARMGICState *s, int cpu, int n)
{
    if (cpu < 0 || cpu >= s->num_cpus || n < 0 ||
        n >= GIC_INTERNAL - GIC_NR_SGIS) {
        return NULL;
    }
    return &s->cpu[cpu].ppi_in[n];
}

/* ------------------------------------------------------------------ */
/* GICv2 distributor                                                   */

/* The GIC CPU number of the CPU doing an MMIO access. */
static int gic_current_cpu(ARMGICState *s)
{
    CPUState *cpu = current_cpu;

    for (int c = 0; cpu && c < s->num_cpus; c++) {
        if (s->cpu[c].cpu == cpu) {
            return c;
        }
    }
    return 0;
}

static uint32_t gicv2_targets_read(ARMGICState *s, int c, int first)
{
    uint32_t val = 0;

    for (int i = 0; i < 4; i++) {
        GICIrq *irq = gic_irq(s, c, first + i);
        uint8_t t = first + i < GIC_INTERNAL ? 1u << c : 0;

        if (irq && first + i >= GIC_INTERNAL) {
            t = s->num_cpus == 1 ? 1 : irq->targets;
        }
        val |= (uint32_t)t << (8 * i);
    }
    return val;
}

static void gicv2_targets_write(ARMGICState *s, int first, uint32_t val,
                                unsigned size)
{
    uint8_t mask = (1u << s->num_cpus) - 1;

    for (unsigned i = 0; i < size; i++) {
        GICIrq *irq = gic_irq(s, 0, first + i);

        if (irq && first + i >= GIC_INTERNAL) {
            irq->targets = (val >> (8 * i)) & mask;
        }
    }
    gic_update(s);
}

static void gicv2_sgir_write(ARMGICState *s, int c, uint32_t val)
{
    int sgi = val & 0xf;
    uint32_t targets = (val >> 16) & 0xff;

    switch ((val >> 24) & 3) {
    case 0:
        break;
    case 1:
        targets = ((1u << s->num_cpus) - 1) & ~(1u << c);
        break;
    case 2:
        targets = 1u << c;
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "gic: GICD_SGIR: bad filter\n");
        return;
    }
    for (int t = 0; t < s->num_cpus; t++) {
        if (targets & (1u << t)) {
            gic_sgi_set(s, t, sgi, c);
        }
    }
}

static uint32_t gicv2_sgi_pend_read(ARMGICState *s, int c, int first)
{
    uint32_t val = 0;

    for (int i = 0; i < 4 && first + i < GIC_NR_SGIS; i++) {
        val |= (uint32_t)s->cpu[c].local[first + i].sgi_sources << (8 * i);
    }
    return val;
}

static void gicv2_sgi_pend_write(ARMGICState *s, int c, int first,
                                 uint32_t val, unsigned size, bool set)
{
    for (unsigned i = 0; i < size && first + i < GIC_NR_SGIS; i++) {
        GICIrq *irq = &s->cpu[c].local[first + i];
        uint8_t bits = val >> (8 * i);

        if (set) {
            irq->sgi_sources |= bits;
        } else {
            irq->sgi_sources &= ~bits;
        }
        irq->latched = irq->sgi_sources != 0;
    }
    gic_update_cpu(s, c);
}

static const GICField gic_bitmap_fields[8] = {
    GIC_F_GROUP, GIC_F_ENABLE, GIC_F_ENABLE, GIC_F_PENDING,
    GIC_F_PENDING, GIC_F_ACTIVE, GIC_F_ACTIVE, GIC_F_GROUP,
};

static uint64_t gicv2_dist_read(void *opaque, uint64_t addr, unsigned size)
{
    ARMGICState *s = opaque;
    int c = gic_current_cpu(s);

    uint32_t mask = size >= 4 ? ~0u : (1u << (8 * size)) - 1;

    if (addr >= 0x400 && addr < 0x800) {
        return gic_prio_read(s, c, addr - 0x400) & mask;
    }
    if (addr >= 0x800 && addr < 0xc00) {
        return gicv2_targets_read(s, c, addr - 0x800) & mask;
    }
    if (addr >= 0xf10 && addr < 0xf30) {
        return gicv2_sgi_pend_read(s, c, addr & 0xf) & mask;
    }
    if (size != 4) {
        log_mask(LOG_GUEST_ERROR, "gic: GICD 0x%" PRIx64 " read of size "
                 "%u\n", addr, size);
        return 0;
    }
    if (addr >= 0x80 && addr < 0x400) {
        return gic_bits_read(s, c, (addr & 0x7f) * 8,
                             gic_bitmap_fields[(addr >> 7) - 1]);
    }
    if (addr >= 0xc00 && addr < 0xd00) {
        return gic_cfg_read(s, c, (addr - 0xc00) * 4);
    }
    if (addr >= 0xfd0) {
        return gic_id_reg(2, addr);
    }
    switch (addr) {
    case 0x000: /* GICD_CTLR */
        return s->ctlr & (GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1);
    case 0x004: /* GICD_TYPER */
        return (s->num_irq / 32 - 1) | (s->num_cpus - 1) << 5;
    case 0x008: /* GICD_IIDR */
        return ARM_JEP106_IMPL;     /* product 0: matches no errata */
    }
    log_mask(LOG_GUEST_ERROR, "gic: GICD read of bad offset 0x%" PRIx64
             "\n", addr);
    return 0;
}

static void gicv2_dist_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    ARMGICState *s = opaque;
    int c = gic_current_cpu(s);

    if (addr >= 0x400 && addr < 0x800) {
        gic_prio_write(s, c, addr - 0x400, val, size);
        return;
    }
    if (addr >= 0x800 && addr < 0xc00) {
        gicv2_targets_write(s, addr - 0x800, val, size);
        return;
    }
    if (addr >= 0xf10 && addr < 0xf30) {
        gicv2_sgi_pend_write(s, c, addr & 0xf, val, size, addr >= 0xf20);
        return;
    }
    if (size != 4) {
        log_mask(LOG_GUEST_ERROR, "gic: GICD 0x%" PRIx64 " write of size "
                 "%u\n", addr, size);
        return;
    }
    if (addr >= 0x80 && addr < 0x400) {
        bool set = ((addr >> 7) & 1) == 0;     /* I[S]xxx at 0x100, 0x200.. */

        gic_bits_write(s, c, (addr & 0x7f) * 8,
                       gic_bitmap_fields[(addr >> 7) - 1], val,
                       addr < 0x100 || set);
        return;
    }
    if (addr >= 0xc00 && addr < 0xd00) {
        gic_cfg_write(s, c, (addr - 0xc00) * 4, val);
        return;
    }
    switch (addr) {
    case 0x000: /* GICD_CTLR */
        s->ctlr = val & (GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1);
        gic_update(s);
        return;
    case 0xf00: /* GICD_SGIR */
        gicv2_sgir_write(s, c, val);
        return;
    }
    log_mask(LOG_GUEST_ERROR, "gic: GICD write of bad offset 0x%" PRIx64
             "\n", addr);
}

static const MemoryRegionOps gicv2_dist_ops = {
    .read = gicv2_dist_read,
    .write = gicv2_dist_write,
    .min_access = 1,
    .max_access = 4,
};

/* ------------------------------------------------------------------ */
/* GICv2 CPU interface                                                 */

static uint32_t gicv2_iar_read(ARMGICState *s, int c)
{
    int prio;
    int id = gic_hppi(s, c, &prio);

    if (id != GIC_SPURIOUS && gic_irq(s, c, id)->group1 &&
        !(s->cpu[c].ctlr & GICC_CTLR_ACKCTL)) {
        return GIC_SPURIOUS_OTHER;
    }
    return gic_acknowledge(s, c, -1);
}

static uint32_t gicv2_hppir_read(ARMGICState *s, int c)
{
    int prio;
    int id = gic_hppi(s, c, &prio);

    if (id != GIC_SPURIOUS && gic_irq(s, c, id)->group1 &&
        !(s->cpu[c].ctlr & GICC_CTLR_ACKCTL)) {
        return GIC_SPURIOUS_OTHER;
    }
    if (id < GIC_NR_SGIS && s->cpu[c].local[id].sgi_sources) {
        id |= __builtin_ctz(s->cpu[c].local[id].sgi_sources) << 10;
    }
    return id;
}

static uint64_t gicv2_cpu_read(void *opaque, uint64_t addr, unsigned size)
{
    ARMGICState *s = opaque;
    int c = gic_current_cpu(s);
    GICCPU *cs = &s->cpu[c];
    int rpr;

    switch (addr) {
    case 0x00: /* GICC_CTLR */
        return cs->ctlr;
    case 0x04: /* GICC_PMR */
        return cs->pmr;
    case 0x08: /* GICC_BPR */
        return cs->bpr[0];
    case 0x0c: /* GICC_IAR */
        return gicv2_iar_read(s, c);
    case 0x14: /* GICC_RPR */
        rpr = gic_running_priority(s, c);
        return rpr == GIC_IDLE_PRIO ? 0xff : rpr;
    case 0x18: /* GICC_HPPIR */
        return gicv2_hppir_read(s, c);
    case 0x1c: /* GICC_ABPR */
        return cs->bpr[1];
    case 0x20: /* GICC_AIAR */
    case 0x28: /* GICC_AHPPIR */
        return GIC_SPURIOUS;
    case 0xd0: /* GICC_APR0 */
        return cs->apr[0];
    case 0xe0: /* GICC_NSAPR0 */
        return cs->apr[1];
    case 0xd4 ... 0xdc:
    case 0xe4 ... 0xec:
        return 0;
    case 0xfc: /* GICC_IIDR */
        return 0x0002 << 16 | ARM_JEP106_IMPL;
    }
    log_mask(LOG_GUEST_ERROR, "gic: GICC read of bad offset 0x%" PRIx64
             "\n", addr);
    return 0;
}

static void gicv2_eoi(ARMGICState *s, int c, uint32_t val)
{
    gic_priority_drop(s, c, -1);
    if (!(s->cpu[c].ctlr & GICC_CTLR_EOIMODE)) {
        gic_deactivate(s, c, val & 0x3ff);
    }
}

static void gicv2_cpu_write(void *opaque, uint64_t addr, uint64_t val,
                            unsigned size)
{
    ARMGICState *s = opaque;
    int c = gic_current_cpu(s);
    GICCPU *cs = &s->cpu[c];

    switch (addr) {
    case 0x00: /* GICC_CTLR */
        cs->ctlr = val & 0x3ff;
        break;
    case 0x04: /* GICC_PMR */
        cs->pmr = val & GIC_PRIO_MASK;
        break;
    case 0x08: /* GICC_BPR */
        gic_set_bpr(s, c, 0, val);
        return;
    case 0x10: /* GICC_EOIR */
        gicv2_eoi(s, c, val);
        return;
    case 0x1c: /* GICC_ABPR */
        gic_set_bpr(s, c, 1, val);
        return;
    case 0x24: /* GICC_AEOIR */
        return;
    case 0xd0: /* GICC_APR0 */
        cs->apr[0] = val;
        break;
    case 0xe0: /* GICC_NSAPR0 */
        cs->apr[1] = val;
        break;
    case 0xd4 ... 0xdc:
    case 0xe4 ... 0xec:
        return;
    case 0x1000: /* GICC_DIR */
        gic_deactivate(s, c, val & 0x3ff);
        return;
    default:
        log_mask(LOG_GUEST_ERROR, "gic: GICC write of bad offset 0x%"
                 PRIx64 "\n", addr);
        return;
    }
    gic_update_cpu(s, c);
}

static const MemoryRegionOps gicv2_cpu_ops = {
    .read = gicv2_cpu_read,
    .write = gicv2_cpu_write,
    .min_access = 4,
    .max_access = 4,
};

/* ------------------------------------------------------------------ */
/* Creation and reset                                                  */

static void gic_irq_reset(ARMGICState *s, GICIrq *irq, int id)
{
    bool level = irq->level;    /* the wire keeps its level */

    memset(irq, 0, sizeof(*irq));
    irq->level = level;
    irq->edge = id < GIC_NR_SGIS;
}

void arm_gic_reset(ARMGICState *s)
{
    s->ctlr = 0;
    for (int id = GIC_INTERNAL; id < s->num_irq; id++) {
        gic_irq_reset(s, &s->spi[id - GIC_INTERNAL], id);
    }
    for (int c = 0; c < s->num_cpus; c++) {
        GICCPU *cs = &s->cpu[c];

        for (int id = 0; id < GIC_INTERNAL; id++) {
            gic_irq_reset(s, &cs->local[id], id);
        }
        cs->ctlr = 0;
        cs->pmr = 0;
        cs->bpr[0] = GIC_MIN_BPR0;
        cs->bpr[1] = GIC_MIN_BPR1;
        cs->apr[0] = cs->apr[1] = 0;
        cs->grpen[0] = cs->grpen[1] = false;
        cs->sleep = true;
    }
    gic_update(s);
}

void arm_gic_reset_cb(void *opaque)
{
    arm_gic_reset(opaque);
}

int arm_gic_version(ARMGICState *s)
{
    return s->version;
}

void arm_gic_set_output_hook(ARMGICState *s, ARMGICOutputHook fn,
                             void *opaque)
{
    s->hook = fn;
    s->hook_opaque = opaque;
}

static void gic_map(ARMGICState *s, MemoryRegion *sysmem,
                    uint64_t dist_base, uint64_t cpu_base)
{
    if (s->version == 2) {
        memory_region_init_io(&s->dist_mr, "gic.dist", ARM_GICV2_DIST_SIZE,
                              &gicv2_dist_ops, s);
        memory_region_init_io(&s->cpu_mr, "gic.cpu", ARM_GICV2_CPU_SIZE,
                              &gicv2_cpu_ops, s);
    } else {
        memory_region_init_io(&s->dist_mr, "gicv3.dist",
                              ARM_GICV3_DIST_SIZE, &gicv3_dist_ops, s);
        memory_region_init_io(&s->cpu_mr, "gicv3.redist",
                              s->num_cpus * ARM_GICV3_REDIST_STRIDE,
                              &gicv3_redist_ops, s);
    }
    if (sysmem) {
        memory_region_add_subregion(sysmem, dist_base, &s->dist_mr, 0);
        memory_region_add_subregion(sysmem, cpu_base, &s->cpu_mr, 0);
    }
}

ARMGICState *arm_gic_create(MemoryRegion *sysmem, int version,
                            uint64_t dist_base, uint64_t cpu_or_redist_base,
                            int num_cpus, CPUState **cpus, int num_spis,
                            GError **errp)
{
    ARMGICState *s;

    if (version != 2 && version != 3) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "gic-version must be 2 or 3, not %d", version);
        return NULL;
    }
    if (num_cpus < 1 || num_cpus > ARM_GIC_MAX_CPUS ||
        num_spis < 0 || num_spis > ARM_GIC_MAX_SPIS) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "GIC: %d CPUs and %d SPIs is more than it supports "
                    "(%d, %d)", num_cpus, num_spis, ARM_GIC_MAX_CPUS,
                    ARM_GIC_MAX_SPIS);
        return NULL;
    }
    s = g_new0(ARMGICState, 1);
    s->version = version;
    s->num_cpus = num_cpus;
    s->num_irq = MIN(GIC_INTERNAL + ((num_spis + 31) & ~31), 1020);
    s->spi = g_new0(GICIrq, s->num_irq - GIC_INTERNAL);
    s->spi_in = irq_allocate(gic_spi_handler, s, s->num_irq - GIC_INTERNAL);
    for (int c = 0; c < num_cpus; c++) {
        GICCPU *cs = &s->cpu[c];

        cs->gic = s;
        cs->index = c;
        cs->cpu = cpus ? cpus[c] : NULL;
        for (int n = 0; n < GIC_INTERNAL - GIC_NR_SGIS; n++) {
            irq_init(&cs->ppi_in[n], gic_ppi_handler, cs, GIC_NR_SGIS + n);
        }
        if (version == 3) {
            gicv3_cpuif_install(s, c);
        }
    }
    gic_map(s, sysmem, dist_base, cpu_or_redist_base);
    arm_gic_reset(s);
    return s;
}

void arm_gic_free(ARMGICState *s)
{
    if (!s) {
        return;
    }
    g_free(s->spi_in);
    g_free(s->spi);
    g_free(s);
}

uint64_t arm_gic_mmio_read(ARMGICState *s, int region, uint64_t addr,
                           unsigned size)
{
    MemoryRegion *mr = region == ARM_GIC_REGION_DIST ? &s->dist_mr
                                                     : &s->cpu_mr;

    return mr->ops->read(mr->opaque, addr, size);
}

void arm_gic_mmio_write(ARMGICState *s, int region, uint64_t addr,
                        uint64_t val, unsigned size)
{
    MemoryRegion *mr = region == ARM_GIC_REGION_DIST ? &s->dist_mr
                                                     : &s->cpu_mr;

    mr->ops->write(mr->opaque, addr, val, size);
}

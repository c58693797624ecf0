/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GICv3 distributor: the SPIs (INTIDs 32 and up) with affinity routing.
 *
 * Region: ARM_GICV3_DIST_SIZE (64 KiB), 32- and 64-bit accesses (bytes
 * for GICD_IPRIORITYR).  The state and arbitration live in arm_gic.c.
 *
 * Affinity routing is always on (GICD_CTLR.ARE RAO/WI) and there is one
 * security state (GICD_CTLR.DS RAO/WI): the INTID 0..31 words of the
 * bitmap registers, GICD_ITARGETSR, GICD_SGIR and GICD_[SC]PENDSGIR are
 * RAZ/WI, as are GICD_IGRPMODR and GICD_NSACR.  No LPIs, no message
 * based SPIs (GICD_TYPER.MBIS = 0, but GICD_SETSPI_NSR works).
 */
#include <inttypes.h>

#include "intc/arm_gic_internal.h"
#include "kestrel/log.h"

#define GICD_IROUTER 0x6000
#define GICD_IROUTER_MASK 0xff80ffffffull  /* Aff3, IRM, Aff2..Aff0 */
#define GICD_IROUTER_IRM (1ull << 31)

int gicv3_spi_target(ARMGICState *s, const GICIrq *irq)
{
    if (irq->route & GICD_IROUTER_IRM) {
        /* 1 of N: the first CPU that has the interrupt's group on. */
        for (int c = 0; c < s->num_cpus; c++) {
            if (s->cpu[c].grpen[irq->group1] && !s->cpu[c].sleep) {
                return c;
            }
        }
        return -1;
    }
    /* CPU n has affinity 0.0.0.n. */
    if ((irq->route & ~0xffull) || (irq->route & 0xff) >= (uint64_t)
        s->num_cpus) {
        return -1;
    }
    return irq->route & 0xff;
}

/* GICD_IROUTER<n>: 64 bits, or either 32-bit half. */
static uint64_t gicv3_irouter_read(ARMGICState *s, uint64_t addr,
                                   unsigned size)
{
    int id = (addr - GICD_IROUTER) / 8;
    GICIrq *irq = gic_irq(s, 0, id);

    if (id < GIC_INTERNAL || !irq) {
        return 0;
    }
    if (size == 8) {
        return irq->route;
    }
    return (uint32_t)(irq->route >> (addr & 4 ? 32 : 0));
}

static void gicv3_irouter_write(ARMGICState *s, uint64_t addr,
                                uint64_t val, unsigned size)
{
    int id = (addr - GICD_IROUTER) / 8;
    GICIrq *irq = gic_irq(s, 0, id);

    if (id < GIC_INTERNAL || !irq) {
        return;
    }
    if (size == 4 && (addr & 4)) {
        val = (irq->route & 0xffffffffull) | val << 32;
    } else if (size == 4) {
        val = (irq->route & ~0xffffffffull) | (uint32_t)val;
    }
    irq->route = val & GICD_IROUTER_MASK;
    gic_update(s);
}

static uint32_t gicv3_dist_read32(ARMGICState *s, uint64_t addr)
{
    if (addr >= 0x80 && addr < 0x400) {
        int first = (addr & 0x7f) * 8;

        if (first < GIC_INTERNAL) {
            return 0;
        }
        return gic_bits_read(s, 0, first, (GICField[]){
            GIC_F_GROUP, GIC_F_ENABLE, GIC_F_ENABLE, GIC_F_PENDING,
            GIC_F_PENDING, GIC_F_ACTIVE, GIC_F_ACTIVE }[(addr >> 7) - 1]);
    }
    if (addr >= 0xc00 && addr < 0xd00) {
        int first = (addr - 0xc00) * 4;

        return first < GIC_INTERNAL ? 0 : gic_cfg_read(s, 0, first);
    }
    if (addr >= 0xffd0) {
        return gic_id_reg(3, addr);
    }
    switch (addr) {
    case 0x0000: /* GICD_CTLR */
        return s->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
    case 0x0004: /* GICD_TYPER: ITLinesNumber, CPUNumber, IDbits = 10 */
        return (s->num_irq / 32 - 1) | (s->num_cpus - 1) << 5 | 9 << 19;
    case 0x0008: /* GICD_IIDR */
        return ARM_JEP106_IMPL;     /* product 0: matches no errata */
    case 0x000c: /* GICD_TYPER2 */
    case 0x0010: /* GICD_STATUSR */
        return 0;
    }
    if ((addr >= 0x800 && addr < 0xc00) || (addr >= 0xd00 && addr < 0xf30)) {
        return 0;   /* ITARGETSR, IGRPMODR, NSACR, SGIR, [SC]PENDSGIR */
    }
    log_mask(LOG_GUEST_ERROR, "gicv3: GICD read of bad offset 0x%" PRIx64
             "\n", addr);
    return 0;
}

static void gicv3_setspi(ARMGICState *s, uint32_t val, bool set)
{
    GICIrq *irq = gic_irq(s, 0, val & 0x3ff);

    if (!irq || (val & 0x3ff) < GIC_INTERNAL) {
        log_mask(LOG_GUEST_ERROR, "gicv3: GICD_%sSPI_NSR: bad INTID %u\n",
                 set ? "SET" : "CLR", val);
        return;
    }
    irq->latched = set;
    gic_update(s);
}

static void gicv3_dist_write32(ARMGICState *s, uint64_t addr, uint32_t val)
{
    if (addr >= 0x80 && addr < 0x400) {
        int first = (addr & 0x7f) * 8;
        int reg = addr >> 7;

        if (first >= GIC_INTERNAL) {
            gic_bits_write(s, 0, first, (GICField[]){
                GIC_F_GROUP, GIC_F_ENABLE, GIC_F_ENABLE, GIC_F_PENDING,
                GIC_F_PENDING, GIC_F_ACTIVE, GIC_F_ACTIVE }[reg - 1], val,
                reg == 1 || (reg & 1) == 0);
        }
        return;
    }
    if (addr >= 0xc00 && addr < 0xd00) {
        if ((addr - 0xc00) * 4 >= GIC_INTERNAL) {
            gic_cfg_write(s, 0, (addr - 0xc00) * 4, val);
        }
        return;
    }
    switch (addr) {
    case 0x0000: /* GICD_CTLR */
        s->ctlr = val & (GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1);
        gic_update(s);
        return;
    case 0x0040: /* GICD_SETSPI_NSR */
        gicv3_setspi(s, val, true);
        return;
    case 0x0048: /* GICD_CLRSPI_NSR */
        gicv3_setspi(s, val, false);
        return;
    }
    if ((addr >= 0x800 && addr < 0xc00) || (addr >= 0xd00 && addr < 0xf30)) {
        return;
    }
    log_mask(LOG_GUEST_ERROR, "gicv3: GICD write of bad offset 0x%" PRIx64
             "\n", addr);
}

static uint64_t gicv3_dist_read(void *opaque, uint64_t addr, unsigned size)
{
    ARMGICState *s = opaque;

    if (addr >= GICD_IROUTER && addr < GICD_IROUTER + 8 * 1020) {
        return gicv3_irouter_read(s, addr, size);
    }
    if (addr >= 0x400 && addr < 0x800) {
        uint64_t mask = size >= 4 ? 0xffffffffull : (1ull << 8 * size) - 1;

        return addr < 0x400 + GIC_INTERNAL ? 0
               : gic_prio_read(s, 0, addr - 0x400) & mask;
    }
    if (size != 4) {
        log_mask(LOG_GUEST_ERROR, "gicv3: GICD 0x%" PRIx64 " read of size "
                 "%u\n", addr, size);
        return 0;
    }
    return gicv3_dist_read32(s, addr);
}

static void gicv3_dist_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    ARMGICState *s = opaque;

    if (addr >= GICD_IROUTER && addr < GICD_IROUTER + 8 * 1020) {
        gicv3_irouter_write(s, addr, val, size);
        return;
    }
    if (addr >= 0x400 && addr < 0x800) {
        if (addr >= 0x400 + GIC_INTERNAL && size <= 4) {
            gic_prio_write(s, 0, addr - 0x400, val, size);
        }
        return;
    }
    if (size != 4) {
        log_mask(LOG_GUEST_ERROR, "gicv3: GICD 0x%" PRIx64 " write of size "
                 "%u\n", addr, size);
        return;
    }
    gicv3_dist_write32(s, addr, val);
}

const MemoryRegionOps gicv3_dist_ops = {
    .read = gicv3_dist_read,
    .write = gicv3_dist_write,
    .min_access = 1,
    .max_access = 8,
};

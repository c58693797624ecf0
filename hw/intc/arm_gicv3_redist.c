/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GICv3 redistributors: one per CPU, each two 64 KiB frames, RD_base
 * (control, GICR_TYPER, GICR_WAKER) and SGI_base (the SGIs and PPIs of
 * that CPU), ARM_GICV3_REDIST_STRIDE apart in one region of num_cpus *
 * 128 KiB.  The last one has GICR_TYPER.Last set.
 *
 * Not emulated: LPIs (GICR_TYPER.PLPIS = 0; GICR_PROPBASER/PENDBASER are
 * RAZ/WI), GICR_IGRPMODR0 and GICR_NSACR (RAZ/WI with one security
 * state).  GICR_WAKER.ProcessorSleep only mirrors into ChildrenAsleep.
 */
#include <inttypes.h>

#include "intc/arm_gic_internal.h"
#include "kestrel/log.h"

#define GICR_SGI_BASE 0x10000
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)

static uint64_t gicv3_typer(ARMGICState *s, int c)
{
    uint64_t typer = (uint64_t)c << 32 | (uint64_t)c << 8;

    if (c == s->num_cpus - 1) {
        typer |= 1 << 4;    /* Last */
    }
    return typer;
}

static uint64_t gicv3_rd_read(ARMGICState *s, int c, uint64_t off,
                              unsigned size)
{
    if (off == 0x8 && size == 8) {
        return gicv3_typer(s, c);
    }
    if (size != 4) {
        log_mask(LOG_GUEST_ERROR, "gicv3: GICR 0x%" PRIx64 " read of "
                 "size %u\n", off, size);
        return 0;
    }
    if (off >= 0xffd0) {
        return gic_id_reg(3, off);
    }
    switch (off) {
    case 0x0000: /* GICR_CTLR */
        return 0;
    case 0x0004: /* GICR_IIDR */
        return ARM_JEP106_IMPL;     /* product 0: matches no errata */
    case 0x0008: /* GICR_TYPER, low half */
        return (uint32_t)gicv3_typer(s, c);
    case 0x000c: /* GICR_TYPER, high half */
        return gicv3_typer(s, c) >> 32;
    case 0x0010: /* GICR_STATUSR */
        return 0;
    case 0x0014: /* GICR_WAKER */
        return s->cpu[c].sleep ? GICR_WAKER_SLEEP | GICR_WAKER_ASLEEP : 0;
    case 0x0070 ... 0x007f: /* GICR_PROPBASER, GICR_PENDBASER */
        return 0;
    }
    log_mask(LOG_GUEST_ERROR, "gicv3: GICR read of bad offset 0x%" PRIx64
             "\n", off);
    return 0;
}

static void gicv3_rd_write(ARMGICState *s, int c, uint64_t off,
                           uint64_t val, unsigned size)
{
    switch (off) {
    case 0x0000: /* GICR_CTLR: EnableLPIs cannot be set */
    case 0x0010: /* GICR_STATUSR */
    case 0x0070 ... 0x007f:
        return;
    case 0x0014: /* GICR_WAKER */
        s->cpu[c].sleep = val & GICR_WAKER_SLEEP;
        gic_update(s);
        return;
    }
    log_mask(LOG_GUEST_ERROR, "gicv3: GICR write of bad offset 0x%" PRIx64
             "\n", off);
}

/* The bitmap registers of SGI_base: INTIDs 0..31 only. */
static bool gicv3_sgi_bitmap(uint64_t off, GICField *f, bool *set)
{
    static const GICField fields[7] = {
        GIC_F_GROUP, GIC_F_ENABLE, GIC_F_ENABLE, GIC_F_PENDING,
        GIC_F_PENDING, GIC_F_ACTIVE, GIC_F_ACTIVE,
    };

    if (off < 0x80 || off >= 0x400 || (off & 0x7f) != 0) {
        return false;
    }
    *f = fields[(off >> 7) - 1];
    *set = (off >> 7) == 1 || ((off >> 7) & 1) == 0;
    return true;
}

static uint64_t gicv3_sgi_read(ARMGICState *s, int c, uint64_t off,
                               unsigned size)
{
    GICField f;
    bool set;

    if (off >= 0x400 && off < 0x420) {
        uint64_t mask = size >= 4 ? 0xffffffffull : (1ull << 8 * size) - 1;

        return gic_prio_read(s, c, off - 0x400) & mask;
    }
    if (size != 4) {
        log_mask(LOG_GUEST_ERROR, "gicv3: GICR SGI_base 0x%" PRIx64 " read "
                 "of size %u\n", off, size);
        return 0;
    }
    if (gicv3_sgi_bitmap(off, &f, &set)) {
        return gic_bits_read(s, c, 0, f);
    }
    switch (off) {
    case 0x0c00: /* GICR_ICFGR0 */
    case 0x0c04: /* GICR_ICFGR1 */
        return gic_cfg_read(s, c, (off - 0xc00) * 4);
    case 0x0d00: /* GICR_IGRPMODR0 */
    case 0x0e00: /* GICR_NSACR */
        return 0;
    }
    log_mask(LOG_GUEST_ERROR, "gicv3: GICR SGI_base read of bad offset 0x%"
             PRIx64 "\n", off);
    return 0;
}

static void gicv3_sgi_write(ARMGICState *s, int c, uint64_t off,
                            uint64_t val, unsigned size)
{
    GICField f;
    bool set;

    if (off >= 0x400 && off < 0x420) {
        gic_prio_write(s, c, off - 0x400, val, size > 4 ? 4 : size);
        return;
    }
    if (size != 4) {
        log_mask(LOG_GUEST_ERROR, "gicv3: GICR SGI_base 0x%" PRIx64 " write "
                 "of size %u\n", off, size);
        return;
    }
    if (gicv3_sgi_bitmap(off, &f, &set)) {
        gic_bits_write(s, c, 0, f, val, set);
        return;
    }
    switch (off) {
    case 0x0c00: /* GICR_ICFGR0: SGIs, edge, read-only */
    case 0x0c04: /* GICR_ICFGR1 */
        gic_cfg_write(s, c, (off - 0xc00) * 4, val);
        return;
    case 0x0d00: /* GICR_IGRPMODR0 */
    case 0x0e00: /* GICR_NSACR */
        return;
    }
    log_mask(LOG_GUEST_ERROR, "gicv3: GICR SGI_base write of bad offset "
             "0x%" PRIx64 "\n", off);
}

static uint64_t gicv3_redist_read(void *opaque, uint64_t addr,
                                  unsigned size)
{
    ARMGICState *s = opaque;
    int c = addr / ARM_GICV3_REDIST_STRIDE;
    uint64_t off = addr % ARM_GICV3_REDIST_STRIDE;

    if (c >= s->num_cpus) {
        return 0;
    }
    if (off >= GICR_SGI_BASE) {
        return gicv3_sgi_read(s, c, off - GICR_SGI_BASE, size);
    }
    return gicv3_rd_read(s, c, off, size);
}

static void gicv3_redist_write(void *opaque, uint64_t addr, uint64_t val,
                               unsigned size)
{
    ARMGICState *s = opaque;
    int c = addr / ARM_GICV3_REDIST_STRIDE;
    uint64_t off = addr % ARM_GICV3_REDIST_STRIDE;

    if (c >= s->num_cpus) {
        return;
    }
    if (off >= GICR_SGI_BASE) {
        gicv3_sgi_write(s, c, off - GICR_SGI_BASE, val, size);
    } else {
        gicv3_rd_write(s, c, off, val, size);
    }
}

const MemoryRegionOps gicv3_redist_ops = {
    .read = gicv3_redist_read,
    .write = gicv3_redist_write,
    .min_access = 1,
    .max_access = 8,
};

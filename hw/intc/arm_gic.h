/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ARM Generic Interrupt Controller as a board sees it: GICv2
 * (hw/intc/arm_gic.c) or GICv3 (hw/intc/arm_gicv3*.c), one API.
 *
 * Model: no security extensions (GICD_CTLR.DS reads 1 on v3), 5 bits of
 * priority, group 0 signals FIQ and group 1 IRQ (v2: group 0 signals IRQ
 * unless GICC_CTLR.FIQEn), no LPIs and no ITS (GICD_TYPER.LPIS = 0),
 * GICv3 with affinity routing always on (GICD_CTLR.ARE RAO/WI).
 *
 * Affinity (v3): CPU n has affinity 0.0.0.n; the board gives it
 * MPIDR_EL1 = 0x80000000 | n and the DT cpu node reg = <n>.
 *
 * Board usage:
 *
 *     ARMGICState *gic = arm_gic_create(sysmem, 3, 0x08000000, 0x080a0000,
 *                                       ms->nb_cpus, ms->cpus, 256, errp);
 *     if (!gic) { return false; }
 *     system_register_reset(arm_gic_reset_cb, gic);
 *     pl011_irq = arm_gic_spi(gic, 1);             // INTID 33
 *     timer_irq = arm_gic_ppi(gic, cpu, 14);       // INTID 30 (CNTPNS)
 *
 * Outputs: for each CPU, IRQ and FIQ drive cpu_interrupt(cpu,
 * CPU_INTERRUPT_HARD / CPU_INTERRUPT_FIQ) and cpu_reset_interrupt.
 * Tests may instead install an output hook (arm_gic_set_output_hook) and
 * pass cpus = NULL.
 *
 * GICv3 CPU interface: the ICC_* system registers.  arm_gic_create
 * installs them on each ARMCPU (ARMCPU.gicv3, frontend/aarch64/cpu.h),
 * so the board must not.  Every register access happens under the BQL.
 */
#ifndef KESTREL_HW_INTC_ARM_GIC_H
#define KESTREL_HW_INTC_ARM_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "kestrel/cpu.h"
#include "kestrel/irq.h"
#include "kestrel/memory.h"

/* Sizes of the MMIO regions arm_gic_create maps (for the DT). */
#define ARM_GICV2_DIST_SIZE 0x1000ull
#define ARM_GICV2_CPU_SIZE 0x2000ull      /* GICC_DIR at 0x1000 */
#define ARM_GICV3_DIST_SIZE 0x10000ull
#define ARM_GICV3_REDIST_STRIDE 0x20000ull /* RD_base + SGI_base per CPU */

#define ARM_GIC_MAX_CPUS 8
#define ARM_GIC_MAX_SPIS 988              /* INTIDs 32..1019 */

/* The two outputs of each CPU interface. */
enum {
    ARM_GIC_OUT_IRQ = 0,
    ARM_GIC_OUT_FIQ = 1,
};

typedef struct ARMGICState ARMGICState;

/*
 * Create a GIC of version 2 or 3 for num_cpus CPUs with num_spis shared
 * peripheral interrupts (rounded up to a multiple of 32), and map it in
 * sysmem: the distributor at dist_base, and the CPU interface (v2,
 * ARM_GICV2_CPU_SIZE) or the redistributors (v3, num_cpus *
 * ARM_GICV3_REDIST_STRIDE) at cpu_or_redist_base.  sysmem NULL maps
 * nothing (tests use arm_gic_mmio_read/write).  cpus may be NULL when an
 * output hook is installed.  The GIC starts in its reset state.
 * Returns NULL with *errp set on a bad version or count.
 */
ARMGICState *arm_gic_create(MemoryRegion *sysmem, int version,
                            uint64_t dist_base, uint64_t cpu_or_redist_base,
                            int num_cpus, CPUState **cpus, int num_spis,
                            GError **errp);
void arm_gic_free(ARMGICState *s);

/* Input for SPI n (INTID 32 + n); NULL if n is out of range. */
IRQLine *arm_gic_spi(ARMGICState *s, int n);
/* Input for PPI n (INTID 16 + n, n = 0..15) of CPU cpu; NULL if bad. */
IRQLine *arm_gic_ppi(ARMGICState *s, int cpu, int n);

/* Back to the reset state (lowers every output that was raised). */
void arm_gic_reset(ARMGICState *s);
/* The same, in the shape system_register_reset wants. */
void arm_gic_reset_cb(void *opaque);

int arm_gic_version(ARMGICState *s);

/*
 * Tests: send outputs to fn(opaque, cpu, ARM_GIC_OUT_*, level) instead
 * of cpu_interrupt.  fn is called on each change of level only.
 */
typedef void (*ARMGICOutputHook)(void *opaque, int cpu, int line,
                                 int level);
void arm_gic_set_output_hook(ARMGICState *s, ARMGICOutputHook fn,
                             void *opaque);

/*
 * Tests: one register access without a memory map.  region is
 * ARM_GIC_REGION_*; for the v3 redistributors addr is the offset from
 * the first CPU's RD_base (cpu n at n * ARM_GICV3_REDIST_STRIDE).
 */
enum {
    ARM_GIC_REGION_DIST = 0,
    ARM_GIC_REGION_CPU = 1,      /* v2 CPU interface, v3 redistributors */
};
uint64_t arm_gic_mmio_read(ARMGICState *s, int region, uint64_t addr,
                           unsigned size);
void arm_gic_mmio_write(ARMGICState *s, int region, uint64_t addr,
                        uint64_t val, unsigned size);

/*
 * The GICv3 CPU interface of CPU cpu (0..num_cpus-1): reg is the
 * A64_SYSREG encoding (frontend/aarch64/cpu.h).  arm_gic_create installs
 * these on each ARMCPU through ARMCPU.gicv3; tests call them directly.
 * Registers the GIC does not have read as 0 and are logged (-d unimp).
 * The caller holds the BQL.
 */
uint64_t arm_gicv3_cpuif_read(ARMGICState *s, int cpu, uint32_t reg);
void arm_gicv3_cpuif_write(ARMGICState *s, int cpu, uint32_t reg,
                           uint64_t val);

#endif /* KESTREL_HW_INTC_ARM_GIC_H */

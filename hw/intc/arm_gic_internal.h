/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GIC internals shared by the GICv2 (arm_gic.c) and GICv3
 * (arm_gicv3_*.c) models: the interrupt state, the arbitration core
 * (highest priority pending, acknowledge, priority drop, deactivate) and
 * the bitmap register helpers every frame uses.
 *
 * Priorities keep 5 bits (mask 0xf8); a group priority is the priority
 * masked by the binary point, and the active priorities (APR) hold one
 * bit per group priority, bit n for priority n << 3.
 */
#ifndef KESTREL_HW_INTC_ARM_GIC_INTERNAL_H
#define KESTREL_HW_INTC_ARM_GIC_INTERNAL_H

#include "intc/arm_gic.h"
#include "frontend/aarch64/cpu.h"

#define GIC_NR_SGIS 16
#define GIC_INTERNAL 32          /* SGIs + PPIs, banked per CPU */
#define GIC_SPURIOUS 1023
#define GIC_SPURIOUS_OTHER 1022  /* pending, but in the other group */
#define GIC_PRIO_MASK 0xf8       /* 5 implemented priority bits */
#define GIC_IDLE_PRIO 0x100      /* running priority with nothing active */
#define GIC_MIN_BPR0 2           /* group priority = bits [7:3] */
#define GIC_MIN_BPR1 3

/* One interrupt: an SPI, or one CPU's copy of an SGI/PPI. */
typedef struct GICIrq {
    uint8_t priority;     /* implemented bits only */
    bool enabled;         /* I[SC]ENABLER */
    bool latched;         /* pending latch: edge, ISPENDR, SGI */
    bool level;           /* input line */
    bool active;          /* I[SC]ACTIVER */
    bool edge;            /* ICFGR: edge-triggered */
    bool group1;          /* IGROUPR */
    uint8_t targets;      /* v2 ITARGETSR (SPIs) */
    uint8_t sgi_sources;  /* v2 SGIs: pending per source CPU */
    uint64_t route;       /* v3 IROUTER (SPIs) */
} GICIrq;

/* Bitmap register fields. */
typedef enum GICField {
    GIC_F_GROUP,
    GIC_F_ENABLE,
    GIC_F_PENDING,
    GIC_F_ACTIVE,
} GICField;

typedef struct GICCPU {
    ARMGICState *gic;
    int index;
    CPUState *cpu;             /* NULL in tests */
    ARMGICv3CPUIfOps sysreg;   /* v3: installed on the ARMCPU */
    GICIrq local[GIC_INTERNAL];
    IRQLine ppi_in[GIC_INTERNAL - GIC_NR_SGIS];
    uint32_t ctlr;             /* GICC_CTLR / ICC_CTLR_EL1 (stored bits) */
    uint8_t pmr;               /* priority mask */
    uint8_t bpr[2];            /* binary point: group 0, group 1 */
    uint32_t apr[2];           /* active priorities: group 0, group 1 */
    bool grpen[2];             /* v3 ICC_IGRPEN0/1_EL1 */
    bool sleep;                /* v3 GICR_WAKER.ProcessorSleep */
    int out[2];                /* levels driven: ARM_GIC_OUT_IRQ/FIQ */
} GICCPU;

struct ARMGICState {
    int version;               /* 2 or 3 */
    int num_cpus;
    int num_irq;               /* INTIDs: 32 + SPIs, multiple of 32 */
    uint32_t ctlr;             /* GICD_CTLR */
    GICIrq *spi;               /* num_irq - 32 */
    IRQLine *spi_in;
    GICCPU cpu[ARM_GIC_MAX_CPUS];
    MemoryRegion dist_mr;
    MemoryRegion cpu_mr;       /* v2 CPU interface / v3 redistributors */
    ARMGICOutputHook hook;
    void *hook_opaque;
};

/* GICD_CTLR / GICC_CTLR bits (v2 without security, v3 with DS = 1). */
#define GICD_CTLR_EN_GRP0 (1u << 0)
#define GICD_CTLR_EN_GRP1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_DS (1u << 6)
#define GICC_CTLR_EN_GRP0 (1u << 0)
#define GICC_CTLR_EN_GRP1 (1u << 1)
#define GICC_CTLR_ACKCTL (1u << 2)
#define GICC_CTLR_FIQEN (1u << 3)
#define GICC_CTLR_CBPR (1u << 4)
#define GICC_CTLR_EOIMODE (1u << 9)
#define ICC_CTLR_CBPR (1u << 0)
#define ICC_CTLR_EOIMODE (1u << 1)

#define ARM_JEP106_IMPL 0x43b      /* IIDR implementer: ARM */

/* ------------------------------------------------------------------ */
/* Core (arm_gic.c)                                                    */

/* The state of intid as cpu sees it; NULL if intid is out of range. */
GICIrq *gic_irq(ARMGICState *s, int cpu, int intid);
bool gic_irq_pending(const GICIrq *irq);
/* Recompute the outputs of one CPU / of every CPU. */
void gic_update_cpu(ARMGICState *s, int cpu);
void gic_update(ARMGICState *s);

/* CPU interface operations, for cpu c and group grp (0/1; -1 = any). */
int gic_hppi(ARMGICState *s, int c, int *prio);
int gic_acknowledge(ARMGICState *s, int c, int grp);
void gic_priority_drop(ARMGICState *s, int c, int grp);
void gic_deactivate(ARMGICState *s, int c, int intid);
int gic_running_priority(ARMGICState *s, int c);
void gic_set_bpr(ARMGICState *s, int c, int grp, uint32_t val);

/* Bitmap and byte registers covering INTIDs from first (a multiple of
 * 32 / of 4 / of 16); cpu selects the bank of INTIDs 0..31. */
uint32_t gic_bits_read(ARMGICState *s, int cpu, int first, GICField f);
void gic_bits_write(ARMGICState *s, int cpu, int first, GICField f,
                    uint32_t val, bool set);
uint32_t gic_prio_read(ARMGICState *s, int cpu, int first);
void gic_prio_write(ARMGICState *s, int cpu, int first, uint32_t val,
                    unsigned size);
uint32_t gic_cfg_read(ARMGICState *s, int cpu, int first);
void gic_cfg_write(ARMGICState *s, int cpu, int first, uint32_t val);
/* Set an SGI pending on target (v2: from source src). */
void gic_sgi_set(ARMGICState *s, int target, int sgi, int src);
/* The ID registers at 0xFD0..0xFFC of every frame (arch 2 or 3). */
uint32_t gic_id_reg(int arch, uint64_t offset);

/* ------------------------------------------------------------------ */
/* GICv3 (arm_gicv3_*.c)                                               */

extern const MemoryRegionOps gicv3_dist_ops;
extern const MemoryRegionOps gicv3_redist_ops;
/* The CPU an SPI goes to (v3 IROUTER), or -1. */
int gicv3_spi_target(ARMGICState *s, const GICIrq *irq);
void gicv3_cpuif_install(ARMGICState *s, int c);

#endif /* KESTREL_HW_INTC_ARM_GIC_INTERNAL_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GICv2 and GICv3 register-level tests: program the distributor, CPU
 * interface and redistributors as a guest would, drive the input lines,
 * and check the IRQ/FIQ outputs (through the output hook) and the exact
 * register values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "frontend/aarch64/cpu.h"
#include "intc/arm_gic.h"

#define NCPU 2
static int out[NCPU][2];

static void hook(void *opaque, int cpu, int line, int level)
{
    assert_true(cpu >= 0 && cpu < NCPU);
    assert_int_not_equal(out[cpu][line], level);   /* changes only */
    out[cpu][line] = level;
}

static ARMGICState *make(int version, CPUState **cpus)
{
    GError *err = NULL;
    ARMGICState *s;

    memset(out, 0, sizeof(out));
    s = arm_gic_create(NULL, version, 0, 0, NCPU, cpus, 64, &err);
    assert_non_null(s);
    arm_gic_set_output_hook(s, hook, NULL);
    return s;
}

/* ------------------------------------------------------------------ */
/* GICv2                                                               */

static CPUState fake_cpu[NCPU];

static uint32_t d_rd(ARMGICState *s, uint64_t a)
{
    return arm_gic_mmio_read(s, ARM_GIC_REGION_DIST, a, 4);
}
static void d_wr(ARMGICState *s, uint64_t a, uint32_t v)
{
    arm_gic_mmio_write(s, ARM_GIC_REGION_DIST, a, v, 4);
}
static void d_wrb(ARMGICState *s, uint64_t a, uint32_t v)
{
    arm_gic_mmio_write(s, ARM_GIC_REGION_DIST, a, v, 1);
}
static uint32_t c_rd(ARMGICState *s, uint64_t a)
{
    return arm_gic_mmio_read(s, ARM_GIC_REGION_CPU, a, 4);
}
static void c_wr(ARMGICState *s, uint64_t a, uint32_t v)
{
    arm_gic_mmio_write(s, ARM_GIC_REGION_CPU, a, v, 4);
}

/* Act as CPU c for the banked registers. */
static void as_cpu(int c)
{
    current_cpu = &fake_cpu[c];
}

static ARMGICState *v2_setup(void)
{
    CPUState *cpus[NCPU] = { &fake_cpu[0], &fake_cpu[1] };
    ARMGICState *s = make(2, cpus);

    for (int c = 0; c < NCPU; c++) {
        as_cpu(c);
        c_wr(s, 0x00, 1);           /* GICC_CTLR.EnableGrp0 */
        c_wr(s, 0x04, 0xf0);        /* GICC_PMR */
    }
    as_cpu(0);
    d_wr(s, 0x000, 1);              /* GICD_CTLR.EnableGrp0 */
    /* SPIs 5, 6, 7 (INTIDs 37..39) to CPU 0, priority 0xa0, enabled. */
    for (int id = 37; id <= 39; id++) {
        d_wrb(s, 0x400 + id, 0xa0);
        d_wrb(s, 0x800 + id, 1);
    }
    d_wr(s, 0x104, 7 << 5);
    return s;
}

static void test_v2_id(void **state)
{
    ARMGICState *s = v2_setup();

    assert_int_equal(d_rd(s, 0x004), 0x22);      /* 96 INTIDs, 2 CPUs */
    assert_int_equal(d_rd(s, 0xfe8) & 0xf0, 0x20);
    assert_int_equal(d_rd(s, 0x000), 1);
    assert_int_equal(d_rd(s, 0x424) >> 8 & 0xff, 0xa0);   /* INTID 37 */
    assert_int_equal(d_rd(s, 0x104), 7 << 5);
    /* Banked ITARGETSR0..7 read as the reading CPU's bit. */
    as_cpu(1);
    assert_int_equal(d_rd(s, 0x800), 0x02020202);
    as_cpu(0);
    assert_int_equal(d_rd(s, 0x800), 0x01010101);
    /* SGIs are edge, read-only. */
    assert_int_equal(d_rd(s, 0xc00), 0xaaaaaaaa);
    /* Bad offsets read as 0, do not crash. */
    assert_int_equal(d_rd(s, 0xe00), 0);
    d_wr(s, 0xe00, 1);
    assert_int_equal(c_rd(s, 0xfc) & 0xfff, 0x43b);
    arm_gic_free(s);
}

static void test_v2_level(void **state)
{
    ARMGICState *s = v2_setup();
    IRQLine *l = arm_gic_spi(s, 5);

    assert_int_equal(c_rd(s, 0x0c), 1023);
    irq_raise(l);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    assert_int_equal(out[1][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(c_rd(s, 0x18), 37);         /* HPPIR */
    assert_int_equal(c_rd(s, 0x0c), 37);         /* IAR */
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(c_rd(s, 0x14), 0xa0);       /* RPR */
    assert_int_equal(d_rd(s, 0x304), 1 << 5);    /* active */
    assert_int_equal(d_rd(s, 0x204), 1 << 5);    /* still pending: level */
    c_wr(s, 0x10, 37);                           /* EOIR */
    assert_int_equal(c_rd(s, 0x14), 0xff);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);  /* line still high */
    irq_lower(l);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(c_rd(s, 0x0c), 1023);
    /* Disabled: pending but not signalled. */
    d_wr(s, 0x184, 1 << 5);
    irq_raise(l);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(d_rd(s, 0x204), 1 << 5);
    d_wr(s, 0x104, 1 << 5);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    irq_lower(l);
    arm_gic_free(s);
}

static void test_v2_edge(void **state)
{
    ARMGICState *s = v2_setup();

    d_wr(s, 0xc08, 2u << 10);                    /* INTID 37 edge */
    assert_int_equal(d_rd(s, 0xc08), 2u << 10);
    irq_pulse(arm_gic_spi(s, 5));
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    assert_int_equal(c_rd(s, 0x0c), 37);
    assert_int_equal(d_rd(s, 0x204), 0);         /* latch consumed */
    c_wr(s, 0x10, 37);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(c_rd(s, 0x0c), 1023);
    /* Software pending (ISPENDR) and its clearing. */
    d_wr(s, 0x204, 1 << 5);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    d_wr(s, 0x284, 1 << 5);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    arm_gic_free(s);
}

static void test_v2_priority(void **state)
{
    ARMGICState *s = v2_setup();

    d_wrb(s, 0x400 + 38, 0x80);
    d_wrb(s, 0x400 + 39, 0x90);
    /* Priority mask: 0xa0 is not higher than PMR 0xa0. */
    c_wr(s, 0x04, 0xa0);
    irq_raise(arm_gic_spi(s, 5));
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(c_rd(s, 0x0c), 1023);
    c_wr(s, 0x04, 0xa8);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    assert_int_equal(c_rd(s, 0x0c), 37);
    /* 0x80 preempts 0xa0. */
    irq_raise(arm_gic_spi(s, 6));
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    assert_int_equal(c_rd(s, 0x0c), 38);
    assert_int_equal(c_rd(s, 0x14), 0x80);
    assert_int_equal(c_rd(s, 0xd0), (1u << (0x80 >> 3)) | (1u << (0xa0 >> 3)));
    /* 0x90 does not preempt 0x80, but does 0xa0. */
    irq_raise(arm_gic_spi(s, 7));
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    irq_lower(arm_gic_spi(s, 6));
    c_wr(s, 0x10, 38);
    assert_int_equal(c_rd(s, 0x14), 0xa0);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    assert_int_equal(c_rd(s, 0x0c), 39);
    arm_gic_free(s);
}

static void test_v2_sgi(void **state)
{
    ARMGICState *s = v2_setup();

    as_cpu(1);
    d_wr(s, 0x100, 1 << 3);                      /* CPU 1: SGI 3 on */
    as_cpu(0);
    d_wr(s, 0x100, 1 << 5);                      /* CPU 0: SGI 5 on */
    d_wr(s, 0xf00, (2 << 16) | 3);               /* CPU 0 -> CPU 1 */
    assert_int_equal(out[1][ARM_GIC_OUT_IRQ], 1);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(c_rd(s, 0x0c), 1023);       /* not CPU 0's */
    as_cpu(1);
    assert_int_equal(d_rd(s, 0xf10), 1u << 24);  /* SGI 3 from CPU 0 */
    assert_int_equal(c_rd(s, 0x0c), 3);
    assert_int_equal(out[1][ARM_GIC_OUT_IRQ], 0);
    c_wr(s, 0x10, 3);
    d_wr(s, 0xf00, (1 << 24) | 5);               /* all but self */
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    as_cpu(0);
    assert_int_equal(c_rd(s, 0x0c), 5 | (1 << 10));
    c_wr(s, 0x10, 5 | (1 << 10));
    assert_int_equal(c_rd(s, 0x14), 0xff);
    arm_gic_free(s);
    current_cpu = NULL;
}

static void test_v2_groups(void **state)
{
    ARMGICState *s = v2_setup();

    /* Group 0 with FIQEn signals FIQ. */
    c_wr(s, 0x00, 1 | 8);
    irq_raise(arm_gic_spi(s, 5));
    assert_int_equal(out[0][ARM_GIC_OUT_FIQ], 1);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    /* Group 1 needs EnableGrp1 on both sides; IAR needs AckCtl. */
    d_wr(s, 0x084, 1 << 5);
    assert_int_equal(out[0][ARM_GIC_OUT_FIQ], 0);
    d_wr(s, 0x000, 3);
    c_wr(s, 0x00, 3 | 8);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    assert_int_equal(c_rd(s, 0x0c), 1022);
    c_wr(s, 0x00, 3 | 4 | 8);
    assert_int_equal(c_rd(s, 0x0c), 37);
    /* EOImode: EOIR drops priority only, DIR deactivates. */
    c_wr(s, 0x00, 3 | 4 | 8 | (1 << 9));
    c_wr(s, 0x10, 37);
    assert_int_equal(c_rd(s, 0x14), 0xff);
    assert_int_equal(d_rd(s, 0x304), 1 << 5);
    c_wr(s, 0x1000, 37);
    assert_int_equal(d_rd(s, 0x304), 0);
    /* Reset clears everything and lowers the outputs. */
    arm_gic_reset(s);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(d_rd(s, 0x000), 0);
    arm_gic_free(s);
}

/* ------------------------------------------------------------------ */
/* GICv3                                                               */

#define ICC_PMR A64_SYSREG(3, 0, 4, 6, 0)
#define ICC_IAR0 A64_SYSREG(3, 0, 12, 8, 0)
#define ICC_EOIR0 A64_SYSREG(3, 0, 12, 8, 1)
#define ICC_AP1R0 A64_SYSREG(3, 0, 12, 9, 0)
#define ICC_DIR A64_SYSREG(3, 0, 12, 11, 1)
#define ICC_RPR A64_SYSREG(3, 0, 12, 11, 3)
#define ICC_SGI1R A64_SYSREG(3, 0, 12, 11, 5)
#define ICC_IAR1 A64_SYSREG(3, 0, 12, 12, 0)
#define ICC_EOIR1 A64_SYSREG(3, 0, 12, 12, 1)
#define ICC_HPPIR1 A64_SYSREG(3, 0, 12, 12, 2)
#define ICC_BPR1 A64_SYSREG(3, 0, 12, 12, 3)
#define ICC_CTLR A64_SYSREG(3, 0, 12, 12, 4)
#define ICC_SRE A64_SYSREG(3, 0, 12, 12, 5)
#define ICC_IGRPEN0 A64_SYSREG(3, 0, 12, 12, 6)
#define ICC_IGRPEN1 A64_SYSREG(3, 0, 12, 12, 7)

#define RD(c) ((uint64_t)(c) * ARM_GICV3_REDIST_STRIDE)
#define SGI(c) (RD(c) + 0x10000)

static uint64_t r_rd(ARMGICState *s, uint64_t a, unsigned size)
{
    return arm_gic_mmio_read(s, ARM_GIC_REGION_CPU, a, size);
}
static void r_wr(ARMGICState *s, uint64_t a, uint32_t v)
{
    arm_gic_mmio_write(s, ARM_GIC_REGION_CPU, a, v, 4);
}
static uint64_t icc_rd(ARMGICState *s, int c, uint32_t reg)
{
    return arm_gicv3_cpuif_read(s, c, reg);
}
static void icc_wr(ARMGICState *s, int c, uint32_t reg, uint64_t v)
{
    arm_gicv3_cpuif_write(s, c, reg, v);
}

/* What Linux's gic-v3 driver does at boot, roughly. */
static ARMGICState *v3_setup(void)
{
    ARMGICState *s = make(3, NULL);

    d_wr(s, 0x000, 0x13);                        /* ARE, Grp0, Grp1 */
    for (int i = 1; i < 3; i++) {
        d_wr(s, 0x80 + 4 * i, ~0u);              /* SPIs group 1 */
        d_wr(s, 0x180 + 4 * i, ~0u);
    }
    for (int id = 32; id < 96; id += 4) {
        d_wr(s, 0x400 + id, 0xa0a0a0a0);
    }
    for (int c = 0; c < NCPU; c++) {
        r_wr(s, RD(c) + 0x14, 0);                /* wake up */
        r_wr(s, SGI(c) + 0x80, ~0u);
        for (int id = 0; id < 32; id += 4) {
            r_wr(s, SGI(c) + 0x400 + id, 0xa0a0a0a0);
        }
        icc_wr(s, c, ICC_PMR, 0xf0);
        icc_wr(s, c, ICC_BPR1, 0);
        icc_wr(s, c, ICC_IGRPEN1, 1);
    }
    return s;
}

static void test_v3_id(void **state)
{
    ARMGICState *s = v3_setup();

    assert_int_equal(d_rd(s, 0x000), 0x53);      /* + DS */
    assert_int_equal(d_rd(s, 0x004) & 0x1f, 2);
    assert_int_equal(d_rd(s, 0x004) & (1 << 17), 0);     /* no LPIs */
    assert_int_equal(d_rd(s, 0xffe8) & 0xf0, 0x30);
    assert_int_equal(r_rd(s, RD(0) + 0xffe8, 4) & 0xf0, 0x30);
    assert_int_equal(r_rd(s, RD(0) + 8, 8), 0);
    assert_int_equal(r_rd(s, RD(1) + 8, 8),
                     (1ull << 32) | (1 << 8) | (1 << 4));
    assert_int_equal(r_rd(s, RD(1) + 0xc, 4), 1);
    assert_int_equal(r_rd(s, RD(0) + 0x14, 4), 0);
    r_wr(s, RD(0) + 0x14, 2);
    assert_int_equal(r_rd(s, RD(0) + 0x14, 4), 6);
    assert_int_equal(icc_rd(s, 0, ICC_SRE) & 1, 1);
    assert_int_equal(icc_rd(s, 0, ICC_CTLR) >> 8 & 7, 4);  /* 5 bits */
    assert_int_equal(icc_rd(s, 0, ICC_BPR1), 3);            /* clamped */
    assert_int_equal(r_rd(s, SGI(0) + 0xc00, 4), 0xaaaaaaaa);
    assert_int_equal(d_rd(s, 0x5000), 0);                   /* bad */
    arm_gic_free(s);
}

static void test_v3_spi_route(void **state)
{
    ARMGICState *s = v3_setup();
    uint64_t a = 0x6000 + 40 * 8;

    arm_gic_mmio_write(s, ARM_GIC_REGION_DIST, a, 1, 8);   /* to CPU 1 */
    assert_int_equal(arm_gic_mmio_read(s, ARM_GIC_REGION_DIST, a, 8), 1);
    d_wr(s, 0x104, 1 << 8);
    irq_raise(arm_gic_spi(s, 8));
    assert_int_equal(out[1][ARM_GIC_OUT_IRQ], 1);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(icc_rd(s, 0, ICC_IAR1), 1023);
    assert_int_equal(icc_rd(s, 1, ICC_HPPIR1), 40);
    assert_int_equal(icc_rd(s, 1, ICC_IAR1), 40);
    assert_int_equal(icc_rd(s, 1, ICC_RPR), 0xa0);
    assert_int_equal(icc_rd(s, 1, ICC_AP1R0), 1u << (0xa0 >> 3));
    assert_int_equal(out[1][ARM_GIC_OUT_IRQ], 0);
    irq_lower(arm_gic_spi(s, 8));
    icc_wr(s, 1, ICC_EOIR1, 40);
    assert_int_equal(icc_rd(s, 1, ICC_RPR), 0xff);
    assert_int_equal(d_rd(s, 0x304), 0);
    /* Reroute to CPU 0 with a 32-bit write; 1-of-N goes to CPU 0. */
    d_wr(s, a, 0);
    irq_raise(arm_gic_spi(s, 8));
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    d_wr(s, a, 1u << 31);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    d_wr(s, a, 5);                                /* no such CPU */
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(out[1][ARM_GIC_OUT_IRQ], 0);
    irq_lower(arm_gic_spi(s, 8));
    /* GICD_SETSPI_NSR. */
    d_wr(s, a, 0);
    d_wr(s, 0x40, 40);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    d_wr(s, 0x48, 40);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    arm_gic_free(s);
}

static void test_v3_group0_fiq(void **state)
{
    ARMGICState *s = v3_setup();

    d_wr(s, 0x84, ~0u & ~(1u << 9));             /* INTID 41: group 0 */
    d_wr(s, 0x104, 1 << 9);
    icc_wr(s, 0, ICC_IGRPEN0, 1);
    irq_raise(arm_gic_spi(s, 9));
    assert_int_equal(out[0][ARM_GIC_OUT_FIQ], 1);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(icc_rd(s, 0, ICC_IAR1), 1023);
    assert_int_equal(icc_rd(s, 0, ICC_IAR0), 41);
    assert_int_equal(out[0][ARM_GIC_OUT_FIQ], 0);
    irq_lower(arm_gic_spi(s, 9));
    icc_wr(s, 0, ICC_EOIR0, 41);
    assert_int_equal(icc_rd(s, 0, ICC_RPR), 0xff);
    arm_gic_free(s);
}

static void test_v3_sgi_ppi(void **state)
{
    ARMGICState *s = v3_setup();

    r_wr(s, SGI(1) + 0x100, 1 << 2);             /* CPU 1: SGI 2 on */
    icc_wr(s, 0, ICC_SGI1R, (2ull << 24) | (1 << 1));
    assert_int_equal(out[1][ARM_GIC_OUT_IRQ], 1);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(r_rd(s, SGI(1) + 0x200, 4), 1 << 2);
    assert_int_equal(icc_rd(s, 1, ICC_IAR1), 2);
    icc_wr(s, 1, ICC_EOIR1, 2);
    /* IRM: everyone but the sender; Aff1 != 0 reaches nobody. */
    r_wr(s, SGI(0) + 0x100, 1 << 2);
    icc_wr(s, 1, ICC_SGI1R, (2ull << 24) | (1ull << 40));
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    assert_int_equal(out[1][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(icc_rd(s, 0, ICC_IAR1), 2);
    icc_wr(s, 0, ICC_EOIR1, 2);
    icc_wr(s, 0, ICC_SGI1R, (2ull << 24) | (1 << 16) | 3);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ] | out[1][ARM_GIC_OUT_IRQ], 0);

    /* A level PPI (timer, INTID 30) of CPU 0, with EOImode 1. */
    r_wr(s, SGI(0) + 0x100, 1 << 30);
    icc_wr(s, 0, ICC_CTLR, 2);
    irq_raise(arm_gic_ppi(s, 0, 14));
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);
    assert_int_equal(out[1][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(icc_rd(s, 0, ICC_IAR1), 30);
    icc_wr(s, 0, ICC_EOIR1, 30);                 /* priority drop only */
    assert_int_equal(icc_rd(s, 0, ICC_RPR), 0xff);
    assert_int_equal(r_rd(s, SGI(0) + 0x300, 4), 1u << 30);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);  /* still active */
    icc_wr(s, 0, ICC_DIR, 30);
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 1);  /* line still high */
    irq_lower(arm_gic_ppi(s, 0, 14));
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    /* Disabled CPU interface group: pending, not signalled. */
    icc_wr(s, 0, ICC_IGRPEN1, 0);
    irq_raise(arm_gic_ppi(s, 0, 14));
    assert_int_equal(out[0][ARM_GIC_OUT_IRQ], 0);
    assert_int_equal(icc_rd(s, 0, ICC_IAR1), 1023);
    arm_gic_free(s);
}

static void test_bad_create(void **state)
{
    GError *err = NULL;

    assert_null(arm_gic_create(NULL, 4, 0, 0, 1, NULL, 64, &err));
    assert_non_null(err);
    g_clear_error(&err);
    assert_null(arm_gic_create(NULL, 2, 0, 0, 9, NULL, 64, &err));
    assert_non_null(err);
    g_clear_error(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v2_id),
        cmocka_unit_test(test_v2_level),
        cmocka_unit_test(test_v2_edge),
        cmocka_unit_test(test_v2_priority),
        cmocka_unit_test(test_v2_sgi),
        cmocka_unit_test(test_v2_groups),
        cmocka_unit_test(test_v3_id),
        cmocka_unit_test(test_v3_spi_route),
        cmocka_unit_test(test_v3_group0_fiq),
        cmocka_unit_test(test_v3_sgi_ppi),
        cmocka_unit_test(test_bad_create),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

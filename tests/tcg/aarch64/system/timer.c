// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timer.c - the generic timer through the GIC: CNTV (PPI 27) and CNTP
 * (PPI 30) interrupts taken at VBAR_EL1 + 0x280, acknowledged and ended
 * through GICC_IAR/EOIR (GICv2) or ICC_IAR1_EL1/EOIR1_EL1 (GICv3),
 * chosen by the distributor's GICD_PIDR2.ArchRev
 * (at offset 0xffe8 for GICv3, 0xfe8 for GICv2; run with
 * -M virt,gic-version=2 and 3).  Also: polling ISTATUS, IMASK, an
 * interrupt held pending while PSTATE.I is set and taken on unmasking,
 * and the spurious ID 1023 when nothing is pending.
 */
#include "sys.h"

#define PPI_VTIMER      27
#define PPI_PTIMER      30
#define TICKS           10

#define ICC_IAR1_EL1    S3_0_C12_C12_0
#define ICC_EOIR1_EL1   S3_0_C12_C12_1
#define ICC_SRE_EL1     S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_PMR_EL1     S3_0_C4_C6_0
#define GICR_SGI        (GICR_BASE + 0x10000)

static int gic_version;
static volatile int vticks, pticks, others, bad_state;
static uint64_t period;

static void gic_prio_enable(int irq)
{
    if (gic_version == 2) {
        mmio_write8(GICD_BASE + 0x400 + irq, 0xa0);
        mmio_write32(GICD_BASE + 0x100, 1u << irq);
    } else {
        mmio_write32(GICR_SGI + 0x080,
                     mmio_read32(GICR_SGI + 0x080) | (1u << irq));
        mmio_write8(GICR_SGI + 0x400 + irq, 0xa0);
        mmio_write32(GICR_SGI + 0x100, 1u << irq);
    }
}

static int gic_pending(int irq)
{
    uint64_t reg = gic_version == 2 ? GICD_BASE + 0x200 : GICR_SGI + 0x200;
    return (mmio_read32(reg) >> irq) & 1;
}

static void gic_init(void)
{
    if (gic_version == 2) {
        mmio_write32(GICD_BASE + 0x000, 1);         /* GICD_CTLR */
        mmio_write32(GICC_BASE + 0x004, 0xf0);      /* GICC_PMR */
        mmio_write32(GICC_BASE + 0x000, 1);         /* GICC_CTLR */
    } else {
        /* ARE, EnableGrp1, EnableGrp0 (security disabled: DS = 1). */
        mmio_write32(GICD_BASE + 0x000, (1u << 4) | 3);
        while (mmio_read32(GICD_BASE) & (1u << 31)) {
            /* RWP */
        }
        mmio_write32(GICR_BASE + 0x14,
                     mmio_read32(GICR_BASE + 0x14) & ~2u);
        while (mmio_read32(GICR_BASE + 0x14) & 4) {
            /* ChildrenAsleep */
        }
        write_sysreg(read_sysreg(ICC_SRE_EL1) | 1, ICC_SRE_EL1);
        isb();
        write_sysreg(0xf0, ICC_PMR_EL1);
        write_sysreg(1, ICC_IGRPEN1_EL1);
        isb();
    }
    gic_prio_enable(PPI_VTIMER);
    gic_prio_enable(PPI_PTIMER);
}

static uint32_t gic_ack(void)
{
    if (gic_version == 2) {
        return mmio_read32(GICC_BASE + 0x00c);
    }
    return (uint32_t)read_sysreg(ICC_IAR1_EL1);
}

static void gic_eoi(uint32_t iar)
{
    if (gic_version == 2) {
        mmio_write32(GICC_BASE + 0x010, iar);
    } else {
        write_sysreg(iar, ICC_EOIR1_EL1);
        isb();
    }
}

static int handler(struct frame *f, int vec)
{
    uint32_t iar, id;

    (void)f;
    if (vec != VEC_CUR_SPX_IRQ) {
        return 0;
    }
    iar = gic_ack();
    id = iar & (gic_version == 2 ? 0x3ff : 0xffffff);
    if (id == PPI_VTIMER) {
        uint64_t ctl = read_sysreg(cntv_ctl_el0);
        if (!(ctl & 4) || read_sysreg(cntvct_el0) <
                          read_sysreg(cntv_cval_el0)) {
            bad_state++;
        }
        if (++vticks < TICKS) {
            write_sysreg(read_sysreg(cntv_cval_el0) + period,
                         cntv_cval_el0);
        } else {
            write_sysreg(0, cntv_ctl_el0);
        }
        isb();
    } else if (id == PPI_PTIMER) {
        pticks++;
        write_sysreg(0, cntp_ctl_el0);
        isb();
    } else {
        others++;
        if (id >= 1020) {
            return 1;                   /* spurious: no EOI */
        }
    }
    gic_eoi(iar);
    return 1;
}

/* Wait until cond() or about a second of counter time passes. */
static int wait_for(volatile int *var, int value, int use_wfi)
{
    uint64_t end = read_sysreg(cntvct_el0) + read_sysreg(cntfrq_el0);

    while (*var < value) {
        if (read_sysreg(cntvct_el0) > end) {
            return 0;
        }
        if (use_wfi) {
            __asm__ volatile("wfi");
        }
    }
    return 1;
}

static void test_polling(void)
{
    uint64_t end, c0 = read_sysreg(cntvct_el0);
    int ok = 0;

    check_true("CNTVCT_EL0 counts", read_sysreg(cntvct_el0) > c0 ||
               read_sysreg(cntvct_el0) > c0);
    write_sysreg(period, cntv_tval_el0);
    write_sysreg(3, cntv_ctl_el0);              /* enabled, IMASK */
    isb();
    end = read_sysreg(cntvct_el0) + 1000 * period;
    while (read_sysreg(cntvct_el0) < end) {
        if (read_sysreg(cntv_ctl_el0) & 4) {
            ok = 1;
            break;
        }
    }
    check_true("CNTV_CTL_EL0.ISTATUS rises (polled, IMASK set)", ok);
    check_true("  CNTV_TVAL_EL0 now counts below zero",
               (int32_t)read_sysreg(cntv_tval_el0) <= 0);
    check_eq("  GIC: PPI 27 not pending while IMASK", gic_pending(27), 0);
    write_sysreg(0, cntv_ctl_el0);
    isb();
}

static void test_ticks(void)
{
    vticks = 0;
    write_sysreg(read_sysreg(cntvct_el0) + period, cntv_cval_el0);
    write_sysreg(1, cntv_ctl_el0);
    isb();
    __asm__ volatile("msr daifclr, #2" : : : "memory");
    check_true("10 virtual timer interrupts (wfi between)",
               wait_for(&vticks, TICKS, 1));
    __asm__ volatile("msr daifset, #2" : : : "memory");
    check_eq("  ISTATUS set and CVAL reached in each", bad_state, 0);
    check_eq("  no other interrupt IDs", others, 0);
}

static void test_masked(void)
{
    uint64_t end;

    vticks = 0;
    write_sysreg(1, cntv_tval_el0);
    write_sysreg(1, cntv_ctl_el0);
    isb();
    end = read_sysreg(cntvct_el0) + 1000 * period;
    while (!(read_sysreg(cntv_ctl_el0) & 4) && read_sysreg(cntvct_el0) < end) {
        /* wait */
    }
    for (int i = 0; i < 1000; i++) {
        __asm__ volatile("nop");
    }
    check_eq("PSTATE.I set: not taken", vticks, 0);
    check_eq("  GIC: PPI 27 pending", gic_pending(27), 1);
    __asm__ volatile("msr daifclr, #2; isb" : : : "memory");
    for (int i = 0; i < 100 && !vticks; i++) {
        __asm__ volatile("isb");
    }
    __asm__ volatile("msr daifset, #2" : : : "memory");
    check_true("  taken once unmasked", vticks >= 1);
    write_sysreg(0, cntv_ctl_el0);
    isb();
}

static void test_physical(void)
{
    pticks = 0;
    write_sysreg(period, cntp_tval_el0);
    write_sysreg(1, cntp_ctl_el0);
    isb();
    __asm__ volatile("msr daifclr, #2" : : : "memory");
    check_true("physical timer interrupt (PPI 30)",
               wait_for(&pticks, 1, 1));
    __asm__ volatile("msr daifset, #2" : : : "memory");
    others = 0;
    check_eq("spurious ID with nothing pending", gic_ack() & 0x3ff, 1023);
}

int main(void)
{
    uint64_t freq = read_sysreg(cntfrq_el0);
    /*
     * GICD_PIDR2: at 0xfe8 in GICv2's 4K frame (where GICv3 is RAZ),
     * 0xffe8 in GICv3's 64K frame (beyond GICv2's: an external abort).
     */
    unsigned pidr2 = mmio_read32(GICD_BASE + 0xfe8);
    unsigned pfr0_gic = (read_sysreg(id_aa64pfr0_el1) >> 24) & 0xf;

    puts_("# timer: generic timer interrupts through the GIC\n");
    exc_handler = handler;
    gic_version = (pidr2 >> 4) & 0xf;
    if (gic_version != 2) {
        pidr2 = mmio_read32(GICD_BASE + 0xffe8);
        gic_version = (pidr2 >> 4) & 0xf;
    }
    printf_("# GICv%d\n", gic_version);
    check_true("GICD_PIDR2.ArchRev is 2 or 3",
               gic_version == 2 || gic_version == 3);
    check_eq("ID_AA64PFR0_EL1.GIC matches", pfr0_gic,
             gic_version == 3 ? 1 : 0);
    check_true("CNTFRQ_EL0 set", freq >= 1000000);
    if (test_failures) {
        return finish();
    }
    period = freq / 1000;                       /* 1 ms */
    gic_init();
    test_polling();
    test_ticks();
    test_masked();
    test_physical();
    return finish();
}

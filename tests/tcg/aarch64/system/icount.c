// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * icount.c - guest time under -icount shift=3 (8 ns per instruction, so
 * the 62.5 MHz counter advances one tick per two instructions).  Run
 * with -M virt,gic-version=2 -icount shift=3, twice: run-twice.sh also
 * checks that both runs print the same lines, counter values included.
 *
 * Checks, with slack for Kestrel counting whole TBs at their entry (a
 * counter read may be ahead by less than one TB, 512 insns):
 *   - a loop of a known instruction count advances CNTVCT_EL0 by half
 *     that count;
 *   - a CNTV interrupt is taken right after CVAL is reached, whether
 *     the CPU was busy or in WFI (idle time jumps to the deadline);
 *   - a periodic timer during a busy loop fires the expected number of
 *     times.
 */
#include "sys.h"

#define PPI_VTIMER      27
#define TICKS           8
#define LOOP_ITERS      100000          /* 2 insns each */
#define SLACK           300             /* ticks: about one TB */

static volatile int vticks;
static volatile uint64_t late_max;      /* CNTVCT - CVAL in the handler */
static uint64_t period;
static int rearm;                       /* handler re-arms the timer */

static void gic_init(void)
{
    mmio_write32(GICD_BASE + 0x000, 1);                 /* GICD_CTLR */
    mmio_write32(GICC_BASE + 0x004, 0xf0);              /* GICC_PMR */
    mmio_write32(GICC_BASE + 0x000, 1);                 /* GICC_CTLR */
    mmio_write8(GICD_BASE + 0x400 + PPI_VTIMER, 0xa0);
    mmio_write32(GICD_BASE + 0x100, 1u << PPI_VTIMER);
}

static int handler(struct frame *f, int vec)
{
    uint32_t iar;
    uint64_t now, cval;

    (void)f;
    if (vec != VEC_CUR_SPX_IRQ) {
        return 0;
    }
    iar = mmio_read32(GICC_BASE + 0x00c);
    if ((iar & 0x3ff) != PPI_VTIMER) {
        return (iar & 0x3ff) >= 1020;
    }
    now = read_sysreg(cntvct_el0);
    cval = read_sysreg(cntv_cval_el0);
    if (now - cval > late_max) {
        late_max = now - cval;
    }
    vticks++;
    if (rearm) {
        write_sysreg(cval + period, cntv_cval_el0);
    } else {
        write_sysreg(0, cntv_ctl_el0);
    }
    isb();
    mmio_write32(GICC_BASE + 0x010, iar);
    return 1;
}

static void busy(uint64_t iters)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tb.ne 1b"
                     : "+r"(iters) : : "cc");
}

static void test_counter(void)
{
    uint64_t c0, c1;

    c0 = read_sysreg(cntvct_el0);
    busy(LOOP_ITERS);
    c1 = read_sysreg(cntvct_el0);
    printf_("# counter: %lu -> %lu\n", c0, c1);
    check_true("loop of 200000 insns: CNTVCT +100000 (+-300)",
               c1 - c0 + SLACK >= LOOP_ITERS &&
               c1 - c0 <= LOOP_ITERS + SLACK);
}

/* One-shot interrupts, CPU in WFI: time jumps to each deadline. */
static void test_wfi(void)
{
    uint64_t t0 = read_sysreg(cntvct_el0);

    rearm = 0;
    late_max = 0;
    vticks = 0;
    for (int i = 0; i < TICKS; i++) {
        write_sysreg(read_sysreg(cntvct_el0) + period, cntv_cval_el0);
        write_sysreg(1, cntv_ctl_el0);
        isb();
        while (vticks <= i) {
            __asm__ volatile("wfi");
        }
        printf_("# wfi tick %d at %lu\n", i, read_sysreg(cntvct_el0));
    }
    check_eq("8 interrupts out of WFI", vticks, TICKS);
    printf_("# wfi: late_max %lu\n", late_max);
    check_true("  each taken within 300 ticks of CVAL", late_max < SLACK);
    check_true("  idle time passed (>= 8 periods)",
               read_sysreg(cntvct_el0) - t0 >= TICKS * period);
}

/* A periodic timer while busy: period 1000 ticks, loop 100000 ticks. */
static void test_busy(void)
{
    rearm = 1;
    late_max = 0;
    vticks = 0;
    period = 1000;
    write_sysreg(read_sysreg(cntvct_el0) + period, cntv_cval_el0);
    write_sysreg(1, cntv_ctl_el0);
    isb();
    busy(LOOP_ITERS);
    write_sysreg(0, cntv_ctl_el0);
    isb();
    printf_("# busy: %d interrupts, late_max %lu\n", vticks, late_max);
    /* The handlers' own insns take time too: a few percent more. */
    check_true("about 100 interrupts during the loop (100..110)",
               vticks >= 100 && vticks <= 110);
    check_true("  each taken within 300 ticks of CVAL", late_max < SLACK);
}

int main(void)
{
    uint64_t freq = read_sysreg(cntfrq_el0);

    puts_("# icount: instruction-counted time (-icount shift=3)\n");
    exc_handler = handler;
    check_eq("CNTFRQ_EL0 is 62.5 MHz", freq, 62500000);
    if (test_failures) {
        return finish();
    }
    period = freq / 1000;                       /* 1 ms */
    gic_init();
    __asm__ volatile("msr daifclr, #2" : : : "memory");
    test_counter();
    test_wfi();
    test_busy();
    __asm__ volatile("msr daifset, #2" : : : "memory");
    return finish();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ARM generic timer of one CPU: the system counter and the EL1
 * physical, EL1 virtual and EL2 physical timers, each driving an IRQ
 * output (ARMCPU.timer_irq[GT_*], wired by the board to GIC PPIs 30, 27,
 * 26; the secure timer, 29, is never raised).
 *
 * The counter runs at A64_SYS_CNTFRQ = 62.5 MHz (QEMU's default) from
 * CLOCK_VIRTUAL: count = ns / 16.  A timer condition is met when
 * count - offset >= CVAL (offset = CNTVOFF_EL2 for the virtual timer);
 * the output is ENABLE && ISTATUS && !IMASK.  A host timer is armed for
 * the moment the condition becomes true.  Called with the BQL held.
 */
#include <inttypes.h>

#include "kestrel/irq.h"
#include "kestrel/sysemu.h"
#include "cpu-sys.h"

#define CTL_ENABLE 1u
#define CTL_IMASK 2u
#define CTL_ISTATUS 4u

uint64_t a64_gt_count(void)
{
    return (uint64_t)clock_get_ns(CLOCK_VIRTUAL) / A64_SYS_NS_PER_TICK;
}

static uint64_t a64_gt_offset(ARMCPU *cpu, int t)
{
    return t == GT_VIRT ? cpu->env.cntvoff_el2 : 0;
}

static bool a64_gt_istatus(ARMCPU *cpu, int t)
{
    return (cpu->env.gt[t].ctl & CTL_ENABLE) &&
           a64_gt_count() - a64_gt_offset(cpu, t) >= cpu->env.gt[t].cval;
}

/* Drive the output and re-arm the host timer of timer t. */
static void a64_gt_update(ARMCPU *cpu, int t)
{
    CPUARMState *env = &cpu->env;
    bool ist = a64_gt_istatus(cpu, t);
    int level = ist && !(env->gt[t].ctl & CTL_IMASK);

    if (level != env->gt[t].level) {
        env->gt[t].level = level;
        irq_set(cpu->timer_irq[t], level);
    }
    if (!cpu->gt_timer[t]) {
        return;
    }
    if ((env->gt[t].ctl & CTL_ENABLE) && !ist) {
        uint64_t when = env->gt[t].cval + a64_gt_offset(cpu, t);

        if (when < env->gt[t].cval || when > INT64_MAX / A64_SYS_NS_PER_TICK) {
            timer_del(cpu->gt_timer[t]);    /* never, in practice */
        } else {
            timer_mod_ns(cpu->gt_timer[t],
                         (int64_t)(when * A64_SYS_NS_PER_TICK));
        }
    } else {
        timer_del(cpu->gt_timer[t]);
    }
}

static void a64_gt_cb_phys(void *opaque)
{
    a64_gt_update(opaque, GT_PHYS);
}

static void a64_gt_cb_virt(void *opaque)
{
    a64_gt_update(opaque, GT_VIRT);
}

static void a64_gt_cb_hyp(void *opaque)
{
    a64_gt_update(opaque, GT_HYP);
}

void a64_gt_init(ARMCPU *cpu)
{
    cpu->gt_timer[GT_PHYS] = timer_new_ns(CLOCK_VIRTUAL, a64_gt_cb_phys, cpu);
    cpu->gt_timer[GT_VIRT] = timer_new_ns(CLOCK_VIRTUAL, a64_gt_cb_virt, cpu);
    cpu->gt_timer[GT_HYP] = timer_new_ns(CLOCK_VIRTUAL, a64_gt_cb_hyp, cpu);
}

void a64_gt_reset(ARMCPU *cpu)
{
    for (int t = 0; t < GT_NUM; t++) {
        cpu->env.gt[t].ctl = 0;
        cpu->env.gt[t].cval = 0;
        if (cpu->gt_timer[t]) {
            timer_del(cpu->gt_timer[t]);
        }
        if (cpu->env.gt[t].level) {
            cpu->env.gt[t].level = 0;
            irq_set(cpu->timer_irq[t], 0);
        }
    }
}

/* Timer index and register (0 TVAL, 1 CTL, 2 CVAL) of key, or -1. */
static int a64_gt_decode(uint32_t key, int *reg)
{
    unsigned op1 = (key >> 11) & 7, crn = (key >> 7) & 15;
    unsigned crm = (key >> 3) & 15, op2 = key & 7;

    if ((key >> 14) != 3 || crn != 14 || op2 > 2) {
        return -1;
    }
    *reg = (int)op2;
    if (op1 == 3 && crm == 2) {
        return GT_PHYS;
    }
    if (op1 == 3 && crm == 3) {
        return GT_VIRT;
    }
    if (op1 == 4 && crm == 2) {
        return GT_HYP;
    }
    return -1;
}

bool a64_gt_read(ARMCPU *cpu, uint32_t key, uint64_t *val)
{
    CPUARMState *env = &cpu->env;
    int reg, t;

    if (key == A64_SYSREG(3, 3, 14, 0, 1)) {        /* CNTPCT_EL0 */
        *val = a64_gt_count();
        return true;
    }
    if (key == A64_SYSREG(3, 3, 14, 0, 2)) {        /* CNTVCT_EL0 */
        *val = a64_gt_count() - env->cntvoff_el2;
        return true;
    }
    if (key == A64_SYSREG(3, 4, 14, 0, 3)) {        /* CNTVOFF_EL2 */
        *val = env->cntvoff_el2;
        return true;
    }
    t = a64_gt_decode(key, &reg);
    if (t < 0) {
        return false;
    }
    switch (reg) {
    case 0:
        *val = (uint32_t)(env->gt[t].cval -
                          (a64_gt_count() - a64_gt_offset(cpu, t)));
        break;
    case 1:
        *val = env->gt[t].ctl | (a64_gt_istatus(cpu, t) ? CTL_ISTATUS : 0);
        break;
    default:
        *val = env->gt[t].cval;
        break;
    }
    return true;
}

bool a64_gt_write(ARMCPU *cpu, uint32_t key, uint64_t val)
{
    CPUARMState *env = &cpu->env;
    int reg, t;

    if (key == A64_SYSREG(3, 4, 14, 0, 3)) {
        env->cntvoff_el2 = val;
        a64_gt_update(cpu, GT_VIRT);
        return true;
    }
    t = a64_gt_decode(key, &reg);
    if (t < 0) {
        return false;
    }
    switch (reg) {
    case 0:
        env->gt[t].cval = a64_gt_count() - a64_gt_offset(cpu, t) +
                          (uint64_t)(int64_t)(int32_t)val;
        break;
    case 1:
        env->gt[t].ctl = (uint32_t)val & (CTL_ENABLE | CTL_IMASK);
        break;
    default:
        env->gt[t].cval = val;
        break;
    }
    a64_gt_update(cpu, t);
    return true;
}

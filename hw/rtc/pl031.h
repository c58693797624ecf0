/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ARM PrimeCell PL031 real-time clock (hw/rtc/pl031.c).
 *
 *     PL031State *rtc = g_new0(PL031State, 1);
 *     pl031_init(rtc, arm_gic_spi(gic, 2));
 *     memory_region_add_subregion(sysmem, 0x09010000, &rtc->iomem, 0);
 *     system_register_reset(pl031_reset, rtc);
 */
#ifndef HW_RTC_PL031_H
#define HW_RTC_PL031_H

#include <stdint.h>

#include "kestrel/irq.h"
#include "kestrel/memory.h"
#include "kestrel/sysemu.h"

#define PL031_MMIO_SIZE 0x1000

typedef struct PL031State {
    MemoryRegion iomem;     /* the 4 KiB register window */
    IRQLine *irq;           /* RTCINTR */
    Timer *timer;           /* fires when the counter reaches MR */

    /* Counter = tick_offset + guest seconds elapsed since base_ns. */
    uint32_t tick_offset;
    int64_t base_ns;        /* CLOCK_VIRTUAL when tick_offset was set */

    uint32_t mr;            /* match register */
    uint32_t lr;            /* last value loaded */
    uint32_t imsc;          /* bit 0: match interrupt enabled */
    uint32_t ris;           /* bit 0: match happened */
} PL031State;

/* Set up the region, interrupt output (may be NULL) and timer; reset. */
void pl031_init(PL031State *s, IRQLine *irq);
/* Reload the counter from the host's wall clock (system reset). */
void pl031_reset(void *opaque);

#endif /* HW_RTC_PL031_H */

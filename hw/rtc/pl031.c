/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ARM PrimeCell PL031 real-time clock (DDI0224).
 *
 * What the board sees:
 *  + one MMIO region of 4 KiB (s->iomem): the RTC registers and the
 *    PrimeCell ID registers; 32-bit accesses
 *  + one IRQ output, RTCINTR: the match interrupt, masked by IMSC
 *
 * The counter counts seconds of guest time (CLOCK_VIRTUAL, so it stands
 * still while the VM is paused) from the host's wall clock read at
 * reset; writing LR reloads it.  When the counter reaches MR the match
 * interrupt is raised (a CLOCK_VIRTUAL timer).  CR.RTCStart always reads
 * 1: the counter cannot be stopped (writing 0 is ignored, as on the
 * real part once started).
 */
#include "hw/rtc/pl031.h"

#include "kestrel/log.h"

enum {
    PL031_DR = 0x00,        /* data: the counter (read-only) */
    PL031_MR = 0x04,        /* match */
    PL031_LR = 0x08,        /* load */
    PL031_CR = 0x0c,        /* control: bit 0 RTCStart */
    PL031_IMSC = 0x10,      /* interrupt mask set/clear */
    PL031_RIS = 0x14,       /* raw interrupt status */
    PL031_MIS = 0x18,       /* masked interrupt status */
    PL031_ICR = 0x1c,       /* interrupt clear */
    PL031_ID_BASE = 0xfe0,
};

#define NS_PER_SEC 1000000000ll

static const uint8_t pl031_id[8] = {
    0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

static void pl031_update(PL031State *s)
{
    irq_set(s->irq, (s->ris & s->imsc & 1) != 0);
}

static uint32_t pl031_counter(PL031State *s)
{
    int64_t elapsed = clock_get_ns(CLOCK_VIRTUAL) - s->base_ns;

    return s->tick_offset + (uint32_t)(elapsed / NS_PER_SEC);
}

/* Arm the timer for the second at which the counter next equals MR. */
static void pl031_arm_match(PL031State *s)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    uint64_t ticks = (uint32_t)(s->mr - pl031_counter(s));
    /* Nanoseconds until the counter next moves on. */
    int64_t to_next = NS_PER_SEC - (now - s->base_ns) % NS_PER_SEC;

    if (!s->timer) {
        return;
    }
    if (ticks == 0) {
        ticks = 1ull << 32;     /* equal now: the next match wraps */
    }
    timer_mod_ns(s->timer, now + to_next + (int64_t)(ticks - 1) *
                                               NS_PER_SEC);
}

static void pl031_match(void *opaque)
{
    PL031State *s = opaque;

    s->ris |= 1;
    pl031_update(s);
}

static void pl031_set_counter(PL031State *s, uint32_t value)
{
    s->tick_offset = value;
    s->base_ns = clock_get_ns(CLOCK_VIRTUAL);
    pl031_arm_match(s);
}

static uint64_t pl031_read(void *opaque, uint64_t addr, unsigned size)
{
    PL031State *s = opaque;

    switch (addr) {
    case PL031_DR:
        return pl031_counter(s);
    case PL031_MR:
        return s->mr;
    case PL031_LR:
        return s->lr;
    case PL031_CR:
        return 1;
    case PL031_IMSC:
        return s->imsc;
    case PL031_RIS:
        return s->ris;
    case PL031_MIS:
        return s->ris & s->imsc;
    case PL031_ICR:
        break;
    default:
        if (addr >= PL031_ID_BASE && addr < PL031_MMIO_SIZE) {
            return pl031_id[(addr - PL031_ID_BASE) >> 2];
        }
        break;
    }
    log_mask(LOG_GUEST_ERROR, "pl031: read of bad offset 0x%03x\n",
             (unsigned)addr);
    return 0;
}

static void pl031_write(void *opaque, uint64_t addr, uint64_t val,
                        unsigned size)
{
    PL031State *s = opaque;

    switch (addr) {
    case PL031_MR:
        s->mr = val;
        pl031_arm_match(s);
        return;
    case PL031_LR:
        s->lr = val;
        pl031_set_counter(s, val);
        return;
    case PL031_CR:
        return;             /* RTCStart: already running; 0 ignored */
    case PL031_IMSC:
        s->imsc = val & 1;
        break;
    case PL031_ICR:
        s->ris &= ~(val & 1);
        break;
    default:
        log_mask(LOG_GUEST_ERROR,
                 "pl031: write of bad offset 0x%03x (0x%x)\n",
                 (unsigned)addr, (unsigned)val);
        return;
    }
    pl031_update(s);
}

static const MemoryRegionOps pl031_ops = {
    .read = pl031_read,
    .write = pl031_write,
    .min_access = 4,
    .max_access = 4,
};

void pl031_reset(void *opaque)
{
    PL031State *s = opaque;

    s->mr = 0;
    s->lr = 0;
    s->imsc = 0;
    s->ris = 0;
    pl031_set_counter(s, clock_get_ns(CLOCK_HOST) / NS_PER_SEC);
    pl031_update(s);
}

void pl031_init(PL031State *s, IRQLine *irq)
{
    memory_region_init_io(&s->iomem, "pl031", PL031_MMIO_SIZE, &pl031_ops,
                          s);
    s->irq = irq;
    s->timer = timer_new_ns(CLOCK_VIRTUAL, pl031_match, s);
    pl031_reset(s);
}

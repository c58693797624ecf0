/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ARM PrimeCell PL011 UART (hw/char/pl011.c).
 *
 *     PL011State *uart = g_new0(PL011State, 1);
 *     pl011_init(uart, ms->serial[0], arm_gic_spi(gic, 1));
 *     memory_region_add_subregion(sysmem, 0x09000000, &uart->iomem, 0);
 *     system_register_reset(pl011_reset, uart);
 */
#ifndef HW_CHAR_PL011_H
#define HW_CHAR_PL011_H

#include <stdbool.h>
#include <stdint.h>

#include "kestrel/irq.h"
#include "kestrel/memory.h"
#include "kestrel/sysemu.h"

#define PL011_FIFO_DEPTH 32
#define PL011_MMIO_SIZE 0x1000

typedef struct PL011State {
    MemoryRegion iomem;     /* the 4 KiB register window */
    IRQLine *irq;           /* UARTINTR: the combined interrupt output */
    Chardev *chr;           /* backend, or NULL (output dropped) */

    uint32_t rsr;           /* receive status (FE, PE, BE, OE) */
    uint32_t ilpr;
    uint32_t ibrd;
    uint32_t fbrd;
    uint32_t lcr_h;
    uint32_t cr;
    uint32_t ifls;
    uint32_t imsc;          /* interrupt mask: 1 = enabled */
    uint32_t ris;           /* raw interrupt status */
    uint32_t dmacr;

    /* Receive FIFO: data byte | error bits 8..11 per entry. */
    uint16_t rx_fifo[PL011_FIFO_DEPTH];
    unsigned rx_head;       /* index of the oldest entry */
    unsigned rx_count;      /* entries held */
} PL011State;

/*
 * Set up the register region and wire the backend (chr may be NULL) and
 * the interrupt output (may be NULL); leaves the UART in its reset state.
 * The caller maps s->iomem.
 */
void pl011_init(PL011State *s, Chardev *chr, IRQLine *irq);
/* Back to the reset state (a system_register_reset callback). */
void pl011_reset(void *opaque);

#endif /* HW_CHAR_PL011_H */

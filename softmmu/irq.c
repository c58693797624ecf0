/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IRQ lines (include/kestrel/irq.h).  A line is just {handler, opaque,
 * n}; this file only allocates arrays of them for devices with many
 * inputs (an interrupt controller's SPIs, a CPU's IRQ/FIQ pins).
 */
#include <glib.h>

#include "kestrel/irq.h"

IRQLine *irq_allocate(IRQHandler h, void *opaque, int count)
{
    IRQLine *lines = g_new0(IRQLine, count);

    for (int i = 0; i < count; i++) {
        irq_init(&lines[i], h, opaque, i);
    }
    return lines;
}

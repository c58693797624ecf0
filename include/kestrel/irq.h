/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IRQ lines: a device output is a pointer to the input it is wired to.
 *
 *     IRQLine *uart_irq = gic_input(gic, 33);     // board wiring
 *     irq_set(s->irq, level);                     // device raises it
 */
#ifndef KESTREL_IRQ_H
#define KESTREL_IRQ_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*IRQHandler)(void *opaque, int n, int level);

/* An input: who handles it and which of its lines it is. */
typedef struct IRQLine {
    IRQHandler handler;
    void *opaque;
    int n;
} IRQLine;

static inline void irq_init(IRQLine *l, IRQHandler h, void *opaque, int n)
{
    l->handler = h;
    l->opaque = opaque;
    l->n = n;
}

/* Allocate count inputs n = 0..count-1 of one handler. */
IRQLine *irq_allocate(IRQHandler h, void *opaque, int count);

/* Drive an output; an unconnected output (NULL) goes nowhere. */
static inline void irq_set(IRQLine *l, int level)
{
    if (l && l->handler) {
        l->handler(l->opaque, l->n, level);
    }
}
static inline void irq_raise(IRQLine *l)
{
    irq_set(l, 1);
}
static inline void irq_lower(IRQLine *l)
{
    irq_set(l, 0);
}
static inline void irq_pulse(IRQLine *l)
{
    irq_set(l, 1);
    irq_set(l, 0);
}

#endif /* KESTREL_IRQ_H */

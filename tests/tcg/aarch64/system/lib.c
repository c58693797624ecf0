// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib.c - console output, checks, PSCI and exception dispatch of the
 * system-mode test programs (see sys.h).
 */
#include "sys.h"

#define UART_DR     0x000
#define UART_FR     0x018
#define UART_CR     0x030
#define UART_FR_TXFF (1u << 5)

exc_handler_fn exc_handler;
int test_failures;
static int test_count;
static int uart_ready;

void putc_(char c)
{
    if (!uart_ready) {
        mmio_write32(UART_BASE + UART_CR, 0x301);   /* UARTEN TXE RXE */
        uart_ready = 1;
    }
    if (c == '\n') {
        putc_('\r');
    }
    while (mmio_read32(UART_BASE + UART_FR) & UART_FR_TXFF) {
        /* wait for room */
    }
    mmio_write32(UART_BASE + UART_DR, (uint8_t)c);
}

void puts_(const char *s)
{
    while (*s) {
        putc_(*s++);
    }
}

static void put_num(uint64_t v, unsigned base, int width, char pad)
{
    char buf[24];
    int n = 0;

    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n < width) {
        buf[n++] = pad;
    }
    while (n) {
        putc_(buf[--n]);
    }
}

/* %s %c %d %u %x %lx %lu %ld %016lx %08x: enough for the tests. */
static void vprintf_(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        int width = 0, is_long = 0;
        char pad = ' ';
        if (*fmt != '%') {
            putc_(*fmt);
            continue;
        }
        fmt++;
        if (*fmt == '0') {
            pad = '0';
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == 'l') {
            is_long = 1;
            fmt++;
        }
        switch (*fmt) {
        case 's':
            puts_(va_arg(ap, const char *));
            break;
        case 'c':
            putc_((char)va_arg(ap, int));
            break;
        case 'd': {
            int64_t v = is_long ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (v < 0) {
                putc_('-');
                v = -v;
            }
            put_num((uint64_t)v, 10, width, pad);
            break;
        }
        case 'u':
            put_num(is_long ? va_arg(ap, uint64_t) : va_arg(ap, unsigned),
                    10, width, pad);
            break;
        case 'x':
            put_num(is_long ? va_arg(ap, uint64_t) : va_arg(ap, unsigned),
                    16, width, pad);
            break;
        default:
            putc_('%');
            putc_(*fmt);
            break;
        }
    }
}

void printf_(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf_(fmt, ap);
    va_end(ap);
}

void note(const char *fmt, ...)
{
    va_list ap;

    puts_("# ");
    va_start(ap, fmt);
    vprintf_(fmt, ap);
    va_end(ap);
    putc_('\n');
}

int check_eq(const char *what, uint64_t got, uint64_t want)
{
    test_count++;
    if (got == want) {
        printf_("ok %d - %s\n", test_count, what);
        return 1;
    }
    printf_("not ok %d - %s: got 0x%lx, want 0x%lx\n", test_count, what,
            got, want);
    test_failures++;
    return 0;
}

int check_true(const char *what, int cond)
{
    test_count++;
    if (cond) {
        printf_("ok %d - %s\n", test_count, what);
        return 1;
    }
    printf_("not ok %d - %s\n", test_count, what);
    test_failures++;
    return 0;
}

int finish(void)
{
    printf_("1..%d\n", test_count);
    if (test_failures) {
        printf_("FAIL %d\n", test_failures);
    } else {
        puts_("PASS\n");
    }
    return test_failures;
}

void power_off(void)
{
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    puts_("FAIL - PSCI SYSTEM_OFF returned\n");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

/* Called by the vectors in start.S. */
void exc_dispatch(struct frame *f, int vec);
void exc_dispatch(struct frame *f, int vec)
{
    if (exc_handler && exc_handler(f, vec)) {
        return;
    }
    /* "svc #0" from EL0 ends run_el0(). */
    if (vec == VEC_LOW64_SYNC && f->esr == ESR(EC_SVC64, 0)) {
        el0_return(f->x[0]);
    }
    printf_("not ok - unexpected exception: vector 0x%x esr 0x%lx "
            "elr 0x%lx far 0x%lx spsr 0x%lx\n", vec * 0x80, f->esr,
            f->elr, f->far, f->spsr);
    test_failures++;
    finish();
    power_off();
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;

    while (n--) {
        *p++ = (unsigned char)c;
    }
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;

    while (n--) {
        *p++ = *q++;
    }
    return d;
}

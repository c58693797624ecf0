/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PL011 UART at register level: registers through
 * memory_region_dispatch_*, output and input through a real character
 * backend on a socketpair (input delivered by the main loop), the
 * interrupt output recorded by an IRQLine handler.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "kestrel/memory.h"
#include "kestrel/sysemu.h"
#include "char/pl011.h"
#include "../../softmmu/sysemu-internal.h"

enum {
    DR = 0x000, RSR = 0x004, FR = 0x018, IBRD = 0x024, FBRD = 0x028,
    LCR_H = 0x02c, CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03c,
    MIS = 0x040, ICR = 0x044, DMACR = 0x048,
};
enum { FR_RXFE = 0x10, FR_RXFF = 0x40, FR_TXFE = 0x80 };
enum { INT_RX = 0x10, INT_TX = 0x20, INT_RT = 0x40 };
#define CR_ON 0x301             /* UARTEN | TXE | RXE */
#define FEN 0x10

typedef struct Fixture {
    PL011State uart;
    IRQLine line;
    int level;                  /* last level on the IRQ output */
    int changes;                /* calls of the handler */
    int peer;                   /* our end of the socketpair */
} Fixture;

static Fixture *fix;

static void irq_handler(void *opaque, int n, int level)
{
    Fixture *f = opaque;

    f->level = level;
    f->changes++;
}

static uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdeadbeef;

    assert_int_equal(memory_region_dispatch_read(&fix->uart.iomem, off, &v,
                                                 4), MEMTX_OK);
    return v;
}

static void wr(uint64_t off, uint32_t v)
{
    assert_int_equal(memory_region_dispatch_write(&fix->uart.iomem, off, v,
                                                  4), MEMTX_OK);
}

/* Run the main loop until the FIFO holds want entries (or give up). */
static void deliver(unsigned want)
{
    for (int i = 0; i < 100 && fix->uart.rx_count < want; i++) {
        main_loop_wait(10 * 1000 * 1000);
    }
    assert_int_equal(fix->uart.rx_count, want);
}

static void send_peer(const char *s)
{
    assert_int_equal(write(fix->peer, s, strlen(s)), (ssize_t)strlen(s));
}

static int group_setup(void **state)
{
    int sv[2];

    fix = g_new0(Fixture, 1);
    bql_lock();
    main_loop_init();
    irq_init(&fix->line, irq_handler, fix, 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    fix->peer = sv[0];
    pl011_init(&fix->uart, chardev_new_fds(NULL, sv[1], dup(sv[1])),
               &fix->line);
    return 0;
}

static int group_teardown(void **state)
{
    close(fix->peer);
    bql_unlock();
    return 0;
}

/* Every test starts from reset with no interrupt raised. */
static int setup(void **state)
{
    pl011_reset(&fix->uart);
    fix->changes = 0;
    assert_int_equal(fix->level, 0);
    return 0;
}

/* ------------------------------------------------------------------ */

static void test_ids_and_reset(void **state)
{
    static const uint8_t id[8] = {
        0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
    };
    uint64_t v;

    for (int i = 0; i < 8; i++) {
        assert_int_equal(rd(0xfe0 + i * 4), id[i]);
    }
    assert_int_equal(rd(FR), FR_RXFE | FR_TXFE);
    assert_int_equal(rd(CR), 0x300);
    assert_int_equal(rd(IFLS), 0x12);
    assert_int_equal(rd(LCR_H), 0);
    assert_int_equal(rd(IMSC), 0);
    assert_int_equal(rd(RIS), 0);
    assert_int_equal(rd(MIS), 0);
    assert_int_equal(rd(DR), 0);        /* empty FIFO */
    /* Linux accesses the registers 16 bits wide. */
    assert_int_equal(memory_region_dispatch_write(&fix->uart.iomem, IBRD,
                                                  0x1234, 2), MEMTX_OK);
    assert_int_equal(memory_region_dispatch_read(&fix->uart.iomem, IBRD,
                                                 &v, 2), MEMTX_OK);
    assert_int_equal(v, 0x1234);
    wr(FBRD, 0xff);
    assert_int_equal(rd(FBRD), 0x3f);
    /* Offsets with nothing behind them read 0 and take writes. */
    assert_int_equal(rd(0x100), 0);
    wr(0x100, 1);
    wr(FR, 0);
    assert_int_equal(rd(FR), FR_RXFE | FR_TXFE);
}

static void test_transmit(void **state)
{
    char buf[8] = { 0 };

    wr(CR, CR_ON);
    wr(DR, 'O');
    wr(DR, 0x14b);              /* only the low 8 bits go out */
    assert_int_equal(read(fix->peer, buf, sizeof(buf)), 2);
    assert_string_equal(buf, "OK");
    assert_int_equal(rd(RIS), INT_TX);
    assert_int_equal(rd(MIS), 0);
    assert_int_equal(fix->level, 0);
    wr(IMSC, INT_TX);
    assert_int_equal(rd(MIS), INT_TX);
    assert_int_equal(fix->level, 1);
    wr(ICR, INT_TX);
    assert_int_equal(rd(RIS), 0);
    assert_int_equal(fix->level, 0);
    wr(DR, '!');
    assert_int_equal(fix->level, 1);
    assert_int_equal(read(fix->peer, buf, sizeof(buf)), 1);
    wr(IMSC, 0);
    assert_int_equal(fix->level, 0);
}

static void test_receive_no_fifo(void **state)
{
    wr(IMSC, INT_RX | INT_RT);
    send_peer("xy");
    /* Disabled UART takes nothing. */
    main_loop_wait(20 * 1000 * 1000);
    assert_int_equal(fix->uart.rx_count, 0);
    wr(CR, CR_ON);
    deliver(1);                 /* one-entry holding register */
    assert_int_equal(rd(FR), FR_RXFF | FR_TXFE);
    assert_int_equal(rd(RIS), INT_RX | INT_RT);
    assert_int_equal(fix->level, 1);
    assert_int_equal(rd(DR), 'x');
    assert_int_equal(rd(RSR), 0);
    assert_int_equal(rd(RIS), 0);
    assert_int_equal(fix->level, 0);
    deliver(1);
    assert_int_equal(rd(DR), 'y');
    assert_int_equal(rd(FR), FR_RXFE | FR_TXFE);
    wr(IMSC, 0);
}

static void test_receive_fifo(void **state)
{
    char big[41];

    wr(LCR_H, FEN | 0x60);      /* 8 bits, FIFO on */
    wr(CR, CR_ON);
    wr(IMSC, INT_RX);
    send_peer("abcde");         /* below the 1/2 (16 entries) level */
    deliver(5);
    assert_int_equal(rd(RIS), INT_RT);
    assert_int_equal(fix->level, 0);
    assert_int_equal(rd(FR), FR_TXFE);
    send_peer("fghijklmnop");   /* 16 now */
    deliver(16);
    assert_int_equal(rd(RIS), INT_RX | INT_RT);
    assert_int_equal(rd(MIS), INT_RX);
    assert_int_equal(fix->level, 1);
    assert_int_equal(rd(DR), 'a');
    assert_int_equal(rd(RIS), INT_RT);      /* 15 left: below the level */
    assert_int_equal(fix->level, 0);
    for (const char *p = "bcdefghijklmnop"; *p; p++) {
        assert_int_equal(rd(DR), *p);
    }
    assert_int_equal(rd(RIS), 0);
    assert_int_equal(rd(FR), FR_RXFE | FR_TXFE);

    /* 1/8 level: 4 entries. */
    wr(IFLS, 0);
    memset(big, 'A', 40);
    big[40] = 0;
    big[39] = 'Z';
    send_peer(big);
    deliver(32);                /* full; 8 bytes wait in the backend */
    assert_int_equal(rd(FR), FR_RXFF | FR_TXFE);
    assert_int_equal(rd(RIS), INT_RX | INT_RT);
    for (int i = 0; i < 31; i++) {
        assert_int_equal(rd(DR), 'A');
    }
    deliver(9);                 /* the rest came in as room appeared */
    for (int i = 0; i < 9; i++) {
        assert_int_equal(rd(DR), i == 8 ? 'Z' : 'A');
    }
    assert_int_equal(rd(FR), FR_RXFE | FR_TXFE);
    assert_int_equal(fix->level, 0);
    wr(IMSC, 0);
}

static void test_loopback_and_icr(void **state)
{
    wr(CR, CR_ON | 0x80);       /* LBE */
    wr(LCR_H, FEN);
    wr(DR, 'q');
    wr(DR, 'r');
    assert_int_equal(rd(FR), FR_TXFE);
    assert_int_equal(rd(RIS), INT_TX | INT_RT);
    wr(IMSC, INT_RT);
    assert_int_equal(fix->level, 1);
    wr(ICR, 0x7ff);
    assert_int_equal(rd(RIS), 0);
    assert_int_equal(fix->level, 0);
    assert_int_equal(rd(DR), 'q');
    assert_int_equal(rd(DR), 'r');
    /* Turning the FIFO off empties it. */
    wr(DR, 's');
    wr(LCR_H, 0);
    assert_int_equal(rd(FR), FR_RXFE | FR_TXFE);
    wr(DMACR, 3);
    assert_int_equal(rd(DMACR), 3);
    wr(IMSC, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ids_and_reset, setup),
        cmocka_unit_test_setup(test_transmit, setup),
        cmocka_unit_test_setup(test_receive_no_fifo, setup),
        cmocka_unit_test_setup(test_receive_fifo, setup),
        cmocka_unit_test_setup(test_loopback_and_icr, setup),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

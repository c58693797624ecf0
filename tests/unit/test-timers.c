/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * softmmu/timer.c and main-loop.c: timers fire in expiry order (ties in
 * arming order), re-arming and deleting, CLOCK_VIRTUAL stands still
 * while stopped and its timers with it, a timer armed from another
 * thread wakes a main loop that waits forever, shutdown/reset requests,
 * bottom halves, the reset registry and irq_allocate.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "kestrel/irq.h"
#include "kestrel/sysemu.h"
#include "../../softmmu/sysemu-internal.h"

#define MS 1000000ll

/* The order callbacks ran in. */
static char fired[32];
static int nfired;

static void record(void *opaque)
{
    g_assert(bql_locked());
    fired[nfired++] = *(char *)opaque;
    fired[nfired] = 0;
}

/* Run the main loop until n callbacks have fired (or 2 s pass). */
static void run_until(int n)
{
    int64_t end = clock_get_ns(CLOCK_REALTIME) + 2000 * MS;

    while (nfired < n && clock_get_ns(CLOCK_REALTIME) < end) {
        main_loop_wait(100 * MS);
    }
}

static int setup(void **state)
{
    main_loop_init();
    bql_lock();
    clock_virtual_start();
    nfired = 0;
    fired[0] = 0;
    return 0;
}

static int teardown(void **state)
{
    bql_unlock();
    return 0;
}

static void test_order(void **state)
{
    static char a = 'a', b = 'b', c = 'c', d = 'd', e = 'e';
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    Timer *ta = timer_new_ns(CLOCK_VIRTUAL, record, &a);
    Timer *tb = timer_new_ns(CLOCK_VIRTUAL, record, &b);
    Timer *tc = timer_new_ns(CLOCK_VIRTUAL, record, &c);
    Timer *td = timer_new_ns(CLOCK_VIRTUAL, record, &d);
    Timer *te = timer_new_ns(CLOCK_VIRTUAL, record, &e);

    timer_mod_ns(ta, now + 4 * MS);
    timer_mod_ns(tb, now + 1 * MS);
    timer_mod_ns(tc, now + 3 * MS);
    timer_mod_ns(td, now + 1 * MS);     /* same time: after b */
    timer_mod_ns(te, now + 2 * MS);
    timer_mod_ns(te, now + 5 * MS);     /* re-armed: now last */
    timer_mod_ns(tc, now + 3 * MS);
    assert_true(timer_pending(tc));
    timer_del(tc);
    assert_false(timer_pending(tc));
    run_until(4);
    assert_string_equal(fired, "bdae");
    assert_false(timer_pending(ta));
    /* Not before its time. */
    assert_true(clock_get_ns(CLOCK_VIRTUAL) >= now + 5 * MS);
    timer_free(ta);
    timer_free(tb);
    timer_free(tc);
    timer_free(td);
    timer_free(te);
}

static void test_virtual_pause(void **state)
{
    static char v = 'v', r = 'r';
    Timer *tv = timer_new_ns(CLOCK_VIRTUAL, record, &v);
    Timer *tr = timer_new_ns(CLOCK_REALTIME, record, &r);
    int64_t t0;

    clock_virtual_stop();
    assert_false(clock_virtual_running());
    t0 = clock_get_ns(CLOCK_VIRTUAL);
    timer_mod_ns(tv, t0 + 1 * MS);
    timer_mod_ns(tr, clock_get_ns(CLOCK_REALTIME) + 1 * MS);
    usleep(20000);
    assert_int_equal(clock_get_ns(CLOCK_VIRTUAL), t0);
    /* The realtime timer fires; the virtual one waits. */
    run_until(1);
    main_loop_wait(30 * MS);
    assert_string_equal(fired, "r");
    assert_true(timer_pending(tv));

    clock_virtual_start();
    /* Time resumes from where it stopped, not from the host clock. */
    assert_true(clock_get_ns(CLOCK_VIRTUAL) - t0 < 10 * MS);
    run_until(2);
    assert_string_equal(fired, "rv");
    timer_free(tv);
    timer_free(tr);
}

static Timer *cross_timer;

static void *arm_later(void *arg)
{
    usleep(20000);
    timer_mod_ns(cross_timer, clock_get_ns(CLOCK_VIRTUAL) + 1 * MS);
    return NULL;
}

static void test_cross_thread(void **state)
{
    static char x = 'x';
    int64_t start = clock_get_ns(CLOCK_REALTIME);
    pthread_t th;

    cross_timer = timer_new_ns(CLOCK_VIRTUAL, record, &x);
    pthread_create(&th, NULL, arm_later, NULL);
    /* Waits forever unless the other thread's timer_mod_ns wakes us. */
    while (nfired < 1) {
        main_loop_wait(-1);
    }
    pthread_join(th, NULL);
    assert_string_equal(fired, "x");
    assert_true(clock_get_ns(CLOCK_REALTIME) - start < 1000 * MS);
    timer_free(cross_timer);
}

static void *request_later(void *arg)
{
    usleep(10000);
    system_reset_request();
    system_shutdown_request(SHUTDOWN_GUEST_POWEROFF);
    system_shutdown_request(SHUTDOWN_HOST_QUIT);    /* first one wins */
    return NULL;
}

static void test_requests(void **state)
{
    ShutdownCause cause = SHUTDOWN_HOST_QUIT;
    pthread_t th;

    main_loop_clear_requests();
    assert_false(main_loop_take_shutdown(&cause));
    pthread_create(&th, NULL, request_later, NULL);
    while (!main_loop_take_shutdown(&cause)) {
        main_loop_wait(-1);
    }
    pthread_join(th, NULL);
    assert_int_equal(cause, SHUTDOWN_GUEST_POWEROFF);
    assert_true(main_loop_take_reset());
    assert_false(main_loop_take_reset());
}

static void test_bottom_half_and_resets(void **state)
{
    static char h = 'h', r1 = '1', r2 = '2';

    main_loop_schedule(record, &h);
    main_loop_wait(0);
    assert_string_equal(fired, "h");
    system_register_reset(record, &r1);
    system_register_reset(record, &r2);
    system_run_resets();
    assert_string_equal(fired, "h12");
}

static int irq_log[4];

static void irq_handler(void *opaque, int n, int level)
{
    irq_log[n] = level + (opaque == irq_log ? 10 : 0);
}

static void test_irq_allocate(void **state)
{
    IRQLine *l = irq_allocate(irq_handler, irq_log, 4);

    irq_raise(&l[2]);
    irq_set(&l[0], 1);
    irq_lower(&l[0]);
    irq_set(NULL, 1);               /* unconnected: nothing */
    assert_int_equal(irq_log[2], 11);
    assert_int_equal(irq_log[0], 10);
    assert_int_equal(irq_log[1], 0);
    g_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtual_pause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bottom_half_and_resets, setup,
                                        teardown),
        cmocka_unit_test(test_irq_allocate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -icount in softmmu/timer.c without a guest: CLOCK_VIRTUAL counts the
 * budget a fake CPU spends (its neg->icount_decr, as generated code
 * decrements it), the budget ends at the next CLOCK_VIRTUAL deadline,
 * arming an earlier timer from the CPU's thread cuts it exactly, and an
 * idle warp jumps to the deadline.  The main loop leaves the clock's
 * timers alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <glib.h>

#include "kestrel/sysemu.h"
#include "../../softmmu/sysemu-internal.h"

static int fired_a, fired_b;

static void cb_a(void *opaque)
{
    g_assert(bql_locked());
    fired_a++;
}

static void cb_b(void *opaque)
{
    g_assert(bql_locked());
    fired_b++;
}

static void test_icount(void **state)
{
    CPUNegState neg = { 0 };
    CPUState cpu = { .neg = &neg };
    Timer *a = timer_new_ns(CLOCK_VIRTUAL, cb_a, NULL);
    Timer *b = timer_new_ns(CLOCK_VIRTUAL, cb_b, NULL);
    int64_t t0;

    (void)state;
    main_loop_init();
    icount_configure(3);                /* 8 ns per insn */
    assert_true(icount_enabled());
    clock_virtual_start();
    t0 = clock_get_ns(CLOCK_VIRTUAL);
    assert_int_equal(t0, 0);

    /* No deadline: a large budget; nothing ran yet. */
    icount_start_slice(&cpu, 0);
    assert_true(neg.icount_decr >= 1000000);
    assert_int_equal(icount_end_slice(&cpu), 0);

    /* Deadline 800 ns away: 100 insns (805 ns: rounded up, 101). */
    timer_mod_ns(a, 800);
    icount_start_slice(&cpu, 0);
    assert_int_equal(neg.icount_decr, 100);
    icount_end_slice(&cpu);
    timer_mod_ns(a, 805);
    icount_start_slice(&cpu, 0);
    assert_int_equal(neg.icount_decr, 101);
    icount_end_slice(&cpu);
    /* A cap (round-robin slice) wins over the deadline. */
    icount_start_slice(&cpu, 7);
    assert_int_equal(neg.icount_decr, 7);
    icount_end_slice(&cpu);

    /* A TB of 30 insns: the clock includes the running budget. */
    icount_start_slice(&cpu, 0);
    neg.icount_decr -= 30;
    assert_int_equal(clock_get_ns(CLOCK_VIRTUAL), 240);
    /* The guest arms an earlier timer from the CPU's thread: exact cut. */
    current_cpu = &cpu;
    timer_mod_ns(b, 240 + 80);
    assert_int_equal(neg.icount_decr, 10);
    assert_int_equal(clock_get_ns(CLOCK_VIRTUAL), 240);
    neg.icount_decr = 0;                /* ran to the end */
    assert_int_equal(icount_end_slice(&cpu), 40);
    current_cpu = NULL;
    assert_int_equal(clock_get_ns(CLOCK_VIRTUAL), 320);
    assert_int_equal(neg.icount_decr, 0);

    /* The main loop neither waits for nor runs CLOCK_VIRTUAL timers. */
    assert_int_equal(timers_deadline_ns(), -1);
    bql_lock();
    timers_run_expired();
    bql_unlock();
    assert_int_equal(fired_b, 0);
    icount_run_timers();
    assert_int_equal(fired_b, 1);
    assert_int_equal(fired_a, 0);

    /* Idle: jump to a's deadline and run it; then nothing is armed. */
    assert_true(icount_warp());
    assert_int_equal(fired_a, 1);
    assert_int_equal(clock_get_ns(CLOCK_VIRTUAL), 805);
    assert_false(icount_warp());
    assert_int_equal(clock_get_ns(CLOCK_VIRTUAL), 805);

    timer_free(a);
    timer_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icount),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

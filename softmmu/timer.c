/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks and timers.
 *
 * CLOCK_VIRTUAL is guest time: host CLOCK_MONOTONIC minus an offset
 * while the VM runs, frozen while it is stopped (it starts stopped, at
 * 0, until machine_run starts it).  CLOCK_REALTIME is host monotonic
 * time, CLOCK_HOST the host's wall clock.  (-icount, where guest time
 * advances by 2^shift ns per instruction, needs instruction counting in
 * the translator and is refused on the command line for now.)
 *
 * Each clock has a list of armed timers sorted by expiry.  vCPU threads
 * arm timers (the guest programs its timer) while the main loop runs
 * them, so the lists have a lock of their own; callbacks run in the main
 * loop with the BQL held and without that lock.  Arming a timer that
 * becomes the earliest wakes the main loop so it shortens its poll.
 */
#include <pthread.h>
#include <time.h>

#include "sysemu-internal.h"

#define NB_CLOCKS 3

struct Timer {
    ClockType type;
    TimerCB cb;
    void *opaque;
    int64_t expire_ns;      /* absolute, on the timer's clock */
    bool pending;           /* on the active list */
    Timer *next;
};

static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static Timer *active[NB_CLOCKS];    /* sorted by expire_ns, timer_lock */

/* CLOCK_VIRTUAL state, vclock_lock. */
static pthread_mutex_t vclock_lock = PTHREAD_MUTEX_INITIALIZER;
static bool vclock_running;
static int64_t vclock_offset;       /* running: virtual = host - offset */
static int64_t vclock_frozen;       /* stopped: the value */

/* ------------------------------------------------------------------ */
/* Clocks                                                              */

static int64_t host_clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clock_get_ns(ClockType type)
{
    int64_t v;

    switch ((int)type) {
    case CLOCK_REALTIME:
        return host_clock_ns(CLOCK_MONOTONIC);
    case CLOCK_HOST:
        return host_clock_ns(CLOCK_REALTIME);
    case CLOCK_VIRTUAL:
        pthread_mutex_lock(&vclock_lock);
        v = vclock_running ? host_clock_ns(CLOCK_MONOTONIC) - vclock_offset
                           : vclock_frozen;
        pthread_mutex_unlock(&vclock_lock);
        return v;
    }
    g_assert_not_reached();
}

void clock_virtual_stop(void)
{
    pthread_mutex_lock(&vclock_lock);
    if (vclock_running) {
        vclock_frozen = host_clock_ns(CLOCK_MONOTONIC) - vclock_offset;
        vclock_running = false;
    }
    pthread_mutex_unlock(&vclock_lock);
}

void clock_virtual_start(void)
{
    pthread_mutex_lock(&vclock_lock);
    if (!vclock_running) {
        vclock_offset = host_clock_ns(CLOCK_MONOTONIC) - vclock_frozen;
        vclock_running = true;
    }
    pthread_mutex_unlock(&vclock_lock);
    /* Virtual timers may be due now. */
    main_loop_notify();
}

bool clock_virtual_running(void)
{
    bool r;

    pthread_mutex_lock(&vclock_lock);
    r = vclock_running;
    pthread_mutex_unlock(&vclock_lock);
    return r;
}

/* ------------------------------------------------------------------ */
/* Timers                                                              */

Timer *timer_new_ns(ClockType type, TimerCB cb, void *opaque)
{
    Timer *t = g_new0(Timer, 1);

    g_assert((unsigned)type < NB_CLOCKS);
    t->type = type;
    t->cb = cb;
    t->opaque = opaque;
    return t;
}

/* Take t off its list; timer_lock held. */
static void timer_unlink(Timer *t)
{
    Timer **pp;

    if (!t->pending) {
        return;
    }
    for (pp = &active[t->type]; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
    t->pending = false;
}

void timer_mod_ns(Timer *t, int64_t expire_ns)
{
    Timer **pp;
    bool first;

    pthread_mutex_lock(&timer_lock);
    timer_unlink(t);
    t->expire_ns = expire_ns;
    /* After timers of the same expiry: they fire in arming order. */
    for (pp = &active[t->type]; *pp; pp = &(*pp)->next) {
        if ((*pp)->expire_ns > expire_ns) {
            break;
        }
    }
    t->next = *pp;
    *pp = t;
    t->pending = true;
    first = active[t->type] == t;
    pthread_mutex_unlock(&timer_lock);
    if (first && !main_loop_is_main_thread()) {
        main_loop_notify();
    }
}

void timer_del(Timer *t)
{
    pthread_mutex_lock(&timer_lock);
    timer_unlink(t);
    pthread_mutex_unlock(&timer_lock);
}

void timer_free(Timer *t)
{
    if (t) {
        timer_del(t);
        g_free(t);
    }
}

bool timer_pending(Timer *t)
{
    bool r;

    pthread_mutex_lock(&timer_lock);
    r = t->pending;
    pthread_mutex_unlock(&timer_lock);
    return r;
}

/* Whether timers of clock type advance now. */
static bool clock_ticking(int type)
{
    return type != CLOCK_VIRTUAL || clock_virtual_running();
}

int64_t timers_deadline_ns(void)
{
    int64_t best = -1;

    for (int type = 0; type < NB_CLOCKS; type++) {
        int64_t expire, d;

        if (!clock_ticking(type)) {
            continue;
        }
        pthread_mutex_lock(&timer_lock);
        expire = active[type] ? active[type]->expire_ns : INT64_MAX;
        pthread_mutex_unlock(&timer_lock);
        if (expire == INT64_MAX) {
            continue;
        }
        d = expire - clock_get_ns(type);
        d = d < 0 ? 0 : d;
        if (best < 0 || d < best) {
            best = d;
        }
    }
    return best;
}

/* Pop the first timer of type if it is due at now; timer_lock taken. */
static Timer *timer_pop_expired(int type, int64_t now)
{
    Timer *t;

    pthread_mutex_lock(&timer_lock);
    t = active[type];
    if (t && t->expire_ns <= now) {
        active[type] = t->next;
        t->next = NULL;
        t->pending = false;
    } else {
        t = NULL;
    }
    pthread_mutex_unlock(&timer_lock);
    return t;
}

bool timers_run_expired(void)
{
    bool ran = false;

    g_assert(bql_locked());
    for (int type = 0; type < NB_CLOCKS; type++) {
        int64_t now;
        Timer *t;

        if (!clock_ticking(type)) {
            continue;
        }
        /*
         * One reading of the clock per pass: a callback that re-arms
         * its timer for "now" runs again on the next iteration rather
         * than looping here forever.
         */
        now = clock_get_ns(type);
        while ((t = timer_pop_expired(type, now))) {
            t->cb(t->opaque);
            ran = true;
        }
    }
    return ran;
}

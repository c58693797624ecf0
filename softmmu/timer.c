/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks and timers.
 *
 * CLOCK_VIRTUAL is guest time: host CLOCK_MONOTONIC minus an offset
 * while the VM runs, frozen while it is stopped (it starts stopped, at
 * 0, until machine_run starts it).  CLOCK_REALTIME is host monotonic
 * time, CLOCK_HOST the host's wall clock.
 *
 * -icount shift=N: CLOCK_VIRTUAL is instead bias + insns << N, where
 * insns counts the guest instructions executed.  The vCPU loop
 * (cpus.c) gives the running CPU a budget of instructions up to the
 * next CLOCK_VIRTUAL deadline (icount_start_slice), accounts what it ran
 * (icount_end_slice) and runs the due CLOCK_VIRTUAL timers itself
 * (icount_run_timers): the main loop leaves that clock alone, so timer
 * callbacks happen at the same instruction count in every run.  While
 * the guest executes, the count includes the running CPU's budget
 * already spent (budget - neg->icount_decr).  A TB pays for all its
 * instructions at entry, so a clock read in the middle of a TB sees the
 * TB's end: it may be ahead by less than one TB, identically each run.
 * When every CPU is idle (WFI) the loop jumps the clock to the next
 * deadline (icount_warp: bias grows), QEMU's sleep=off.
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

static void icount_deadline_moved(int64_t expire_ns);

/* CLOCK_VIRTUAL state, vclock_lock. */
static pthread_mutex_t vclock_lock = PTHREAD_MUTEX_INITIALIZER;
static bool vclock_running;
static int64_t vclock_offset;       /* running: virtual = host - offset */
static int64_t vclock_frozen;       /* stopped: the value */

/* -icount state, vclock_lock (icount_shift is set before any thread). */
#define ICOUNT_MAX_BUDGET (1 << 24) /* insns per slice without deadline */
static int icount_shift = -1;       /* -1: off */
static int64_t icount_insns;        /* executed, accounted */
static int64_t icount_bias;         /* ns skipped by icount_warp */
static CPUState *icount_cpu;        /* running on a budget, or NULL */
static int32_t icount_budget;       /* what icount_cpu was given */

/* ------------------------------------------------------------------ */
/* Clocks                                                              */

static int64_t host_clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CLOCK_VIRTUAL under -icount; vclock_lock held. */
static int64_t icount_clock_locked(void)
{
    int64_t insns = icount_insns;

    if (icount_cpu) {
        insns += icount_budget -
                 __atomic_load_n(&icount_cpu->neg->icount_decr,
                                 __ATOMIC_RELAXED);
    }
    return icount_bias + (insns << icount_shift);
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
        if (icount_shift >= 0) {
            v = icount_clock_locked();
        } else {
            v = vclock_running ? host_clock_ns(CLOCK_MONOTONIC) -
                                 vclock_offset
                               : vclock_frozen;
        }
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
    if (first && t->type == CLOCK_VIRTUAL && icount_shift >= 0) {
        icount_deadline_moved(expire_ns);
        return;                 /* the main loop does not run them */
    }
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

/*
 * Whether the main loop runs timers of clock type now: CLOCK_VIRTUAL
 * only while the VM runs, and never under -icount (the vCPU loop does).
 */
static bool clock_ticking(int type)
{
    return type != CLOCK_VIRTUAL ||
           (icount_shift < 0 && clock_virtual_running());
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

/* Run the due timers of one clock; BQL held. */
static bool timers_run_clock(int type)
{
    bool ran = false;
    int64_t now;
    Timer *t;

    /*
     * One reading of the clock per pass: a callback that re-arms its
     * timer for "now" runs again on the next pass rather than looping
     * here forever.
     */
    now = clock_get_ns(type);
    while ((t = timer_pop_expired(type, now))) {
        t->cb(t->opaque);
        ran = true;
    }
    return ran;
}

bool timers_run_expired(void)
{
    bool ran = false;

    g_assert(bql_locked());
    for (int type = 0; type < NB_CLOCKS; type++) {
        if (clock_ticking(type) && timers_run_clock(type)) {
            ran = true;
        }
    }
    return ran;
}

/* ------------------------------------------------------------------ */
/* -icount                                                             */

void icount_configure(int shift)
{
    g_assert(shift >= -1 && shift <= 10);
    icount_shift = shift;
}

bool icount_enabled(void)
{
    return icount_shift >= 0;
}

/* Insns from now until expire_ns (ceiling), capped; vclock_lock held. */
static int32_t icount_insns_until(int64_t expire_ns)
{
    int64_t d = expire_ns - icount_clock_locked();

    if (d <= 0) {
        return 0;
    }
    d = (d + (1ll << icount_shift) - 1) >> icount_shift;
    return d > ICOUNT_MAX_BUDGET ? ICOUNT_MAX_BUDGET : (int32_t)d;
}

static int64_t virtual_deadline(void)
{
    int64_t expire;

    pthread_mutex_lock(&timer_lock);
    expire = active[CLOCK_VIRTUAL] ? active[CLOCK_VIRTUAL]->expire_ns
                                   : INT64_MAX;
    pthread_mutex_unlock(&timer_lock);
    return expire;
}

void icount_start_slice(CPUState *cpu, int32_t max_insns)
{
    int64_t expire = virtual_deadline();
    int32_t n;

    pthread_mutex_lock(&vclock_lock);
    n = expire == INT64_MAX ? ICOUNT_MAX_BUDGET : icount_insns_until(expire);
    /* An overdue timer (re-armed in the past): still make progress. */
    n = MAX(n, 1);
    if (max_insns > 0) {
        n = MIN(n, max_insns);
    }
    icount_budget = n;
    __atomic_store_n(&cpu->neg->icount_decr, n, __ATOMIC_RELAXED);
    icount_cpu = cpu;
    pthread_mutex_unlock(&vclock_lock);
}

int32_t icount_end_slice(CPUState *cpu)
{
    int32_t ran;

    pthread_mutex_lock(&vclock_lock);
    g_assert(icount_cpu == cpu);
    ran = icount_budget - cpu->neg->icount_decr;
    icount_insns += ran;
    cpu->neg->icount_decr = 0;
    icount_budget = 0;
    icount_cpu = NULL;
    pthread_mutex_unlock(&vclock_lock);
    return ran;
}

/*
 * A CLOCK_VIRTUAL timer became the earliest while a CPU runs on its
 * budget.  From that CPU's own thread (the guest armed it) cut the
 * budget to the new deadline, exactly; from elsewhere make it re-slice.
 */
static void icount_deadline_moved(int64_t expire_ns)
{
    CPUState *cpu;

    pthread_mutex_lock(&vclock_lock);
    cpu = icount_cpu;
    if (cpu && cpu == current_cpu) {
        int32_t decr = cpu->neg->icount_decr;
        int32_t need = icount_insns_until(expire_ns);

        if (need < decr) {
            icount_budget -= decr - need;
            cpu->neg->icount_decr = need;
        }
        cpu = NULL;
    }
    pthread_mutex_unlock(&vclock_lock);
    if (cpu) {
        cpu_exit(cpu);
    }
}

void icount_run_timers(void)
{
    if (virtual_deadline() > clock_get_ns(CLOCK_VIRTUAL)) {
        return;                 /* the common case: no BQL */
    }
    bql_lock();
    timers_run_clock(CLOCK_VIRTUAL);
    bql_unlock();
}

bool icount_warp(void)
{
    int64_t expire = virtual_deadline();

    if (expire == INT64_MAX) {
        return false;
    }
    pthread_mutex_lock(&vclock_lock);
    if (expire > icount_clock_locked()) {
        icount_bias += expire - icount_clock_locked();
    }
    pthread_mutex_unlock(&vclock_lock);
    icount_run_timers();
    return true;
}

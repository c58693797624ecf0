/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vCPU threads.  Two modes, chosen by -accel tcg,thread=...:
 *
 * single (the default): one host thread runs every vCPU in turn, as
 * QEMU's round-robin TCG does.  Nothing in the translator or the TLB has
 * to cope with another vCPU running concurrently: a TLB flush of another
 * CPU, or the TB cache reclaiming a code region, happens while that CPU
 * is between two cpu_exec calls.
 *
 *     for (;;) {
 *         wait while: paused (reset/shutdown), or no CPU is runnable
 *                     (each one stopped, or halted with nothing pending)
 *         for each runnable CPU, starting after the last one run:
 *             rr_current = cpu;               // a slice:
 *             do r = cpu_exec(cpu), handle r (below)
 *             while cpu is runnable and the slice is not over
 *             rr_current = NULL;
 *     }
 *
 * With more than one CPU a periodic kick (a CLOCK_REALTIME timer in the
 * main loop) ends the slice (rr_slice_over, and cpu_exit on rr_current)
 * if the same slice was running at the previous tick, so one CPU
 * spinning on a lock another holds gives way after one to two periods.
 * An interrupt for another CPU than rr_current (an IPI, a device line)
 * ends the slice too, so the target runs its handler soon.
 *
 * multi (thread=multi): one host thread per guest CPU, each running
 *
 *     for (;;) {
 *         wait while: paused, cpu->stopped (powered off), or cpu->halted
 *                     with no interrupt_request (WFI)
 *         r = cpu_exec(cpu);                      // without the BQL
 *         handle r
 *     }
 *
 * -icount (single mode only): each cpu_exec runs on an instruction
 * budget ending at the next CLOCK_VIRTUAL deadline, after which the
 * thread runs the due timers itself; slices are RR_ICOUNT_SLICE guest
 * instructions instead of the host-timed kick; and when every CPU is
 * idle, guest time jumps to the next deadline (rr_icount_warp).
 *
 * Known unsafe with several CPUs: tlb.c flushes another CPU's TLB while
 * it runs generated code, and tb-maint.c reclaims regions another thread
 * may be executing.
 *
 * Handling r: r >= 0 is an exception, delivered with the BQL held
 * (ops->do_interrupt); EXCP_HLT and EXCP_INTERRUPT just loop (the wait
 * above sleeps or checks for a pause).
 *
 * Waiting uses one mutex (wait_lock) and two condition variables, not
 * the BQL: cpu_interrupt is called by devices that hold the BQL, and it
 * must take the lock a waiting thread checks its condition under, or the
 * wake-up could be lost.  Order: BQL before wait_lock.
 *
 * Waking a CPU whose cpu->stopped or cpu->halted someone else cleared
 * (PSCI CPU_ON): clear the flag, then cpu_interrupt(cpu,
 * CPU_INTERRUPT_EXITTB).  EXITTB is not stored in interrupt_request (it
 * would keep a WFI from ever sleeping): it only kicks the CPU out of
 * generated code and the thread out of its wait.
 *
 * Pausing (system reset, shutdown): the main loop sets pause_requested,
 * makes every CPU leave guest code (cpu_exit) and waits, with the BQL
 * dropped so that CPUs in an MMIO access can finish, until each thread
 * has parked in vcpu_wait.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "kestrel/debug.h"
#include "kestrel/gdbstub.h"
#include "kestrel/log.h"
#include "sysemu-internal.h"

/* The round-robin kick period: a CPU runs one to two of these. */
#define RR_KICK_PERIOD_NS (2 * 1000 * 1000)
/* -icount with several CPUs: guest insns per slice (instead of kicks). */
#define RR_ICOUNT_SLICE (100 * 1000)

typedef struct VCPUThread {
    CPUState *cpu;              /* multi: its CPU; single: NULL (all) */
    pthread_t thread;
    bool parked;                /* waiting because of a pause, wait_lock */
    int tid;                    /* host thread id (atomic), 0 before */
} VCPUThread;

static bool multi_threaded;     /* -accel tcg,thread=multi */

static CPUState *cpus[MAX_CPUS];
static int nb_cpus;
static VCPUThread threads[MAX_CPUS];
static int nb_threads;

static pthread_mutex_t wait_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t vcpu_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t parked_cond = PTHREAD_COND_INITIALIZER;
static bool pause_requested;    /* written under wait_lock; atomic */
static bool vm_stopped;         /* vm_stop: written under wait_lock;
                                   atomic */
/*
 * vm_stop_request (a vCPU at a breakpoint): park every vCPU now, before
 * the main loop's vm_stop runs, so none runs guest code meanwhile (a
 * single step must not become two).  wait_lock; atomic.
 */
static bool stop_pending;
static bool exiting;            /* written under wait_lock; atomic */
static int nb_parked;           /* wait_lock */

/* Single mode: the CPU in cpu_exec (NULL: none) and a count of runs. */
static CPUState *rr_current;    /* atomic */
static unsigned rr_runs;        /* atomic */
static bool rr_slice_over;      /* atomic: rr_current must give way */
static Timer *rr_kick_timer;    /* BQL */
static bool rr_sleeping;        /* the thread waits for work, wait_lock */
static bool rr_kick_idle;       /* the kick is not armed, wait_lock */

void cpus_set_thread_mode(TCGThreadMode mode)
{
    multi_threaded = mode == TCG_THREAD_MULTI;
}

/* ------------------------------------------------------------------ */
/* Interrupt lines                                                     */

/* Single mode: end the running CPU's slice (any thread). */
static void rr_end_slice(void)
{
    CPUState *cur = __atomic_load_n(&rr_current, __ATOMIC_SEQ_CST);

    __atomic_store_n(&rr_slice_over, true, __ATOMIC_SEQ_CST);
    if (cur) {
        cpu_exit(cur);
    }
}

void cpu_interrupt(CPUState *cpu, int mask)
{
    mask &= ~CPU_INTERRUPT_EXITTB;
    if (mask) {
        __atomic_or_fetch(&cpu->interrupt_request, mask, __ATOMIC_SEQ_CST);
    }
    if (multi_threaded ||
        __atomic_load_n(&rr_current, __ATOMIC_SEQ_CST) == cpu) {
        cpu_exit(cpu);
    } else {
        /* Let the round robin reach cpu now. */
        rr_end_slice();
    }
    pthread_mutex_lock(&wait_lock);
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&wait_lock);
}

void cpu_reset_interrupt(CPUState *cpu, int mask)
{
    __atomic_and_fetch(&cpu->interrupt_request, ~mask, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------------ */
/* Waiting                                                             */

/* Whether cpu has guest code to run now. */
static bool vcpu_runnable(CPUState *cpu)
{
    if (__atomic_load_n(&cpu->stopped, __ATOMIC_ACQUIRE)) {
        return false;
    }
    return !cpu->halted ||
           __atomic_load_n(&cpu->interrupt_request, __ATOMIC_ACQUIRE);
}

/* Whether thread t has a CPU to run. */
static bool thread_runnable(VCPUThread *t)
{
    if (t->cpu) {
        return vcpu_runnable(t->cpu);
    }
    for (int i = 0; i < nb_cpus; i++) {
        if (vcpu_runnable(cpus[i])) {
            return true;
        }
    }
    return false;
}

/* Whether a pause or the end was asked for (cheap, no lock). */
static bool vcpu_should_leave(void)
{
    return __atomic_load_n(&pause_requested, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&vm_stopped, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&stop_pending, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&exiting, __ATOMIC_ACQUIRE);
}

static void rr_kick_arm(void)
{
    timer_mod_ns(rr_kick_timer,
                 clock_get_ns(CLOCK_REALTIME) + RR_KICK_PERIOD_NS);
}

/* Block until t may run guest code; false when the thread must end. */
static bool vcpu_wait(VCPUThread *t)
{
    bool run, rearm;

    pthread_mutex_lock(&wait_lock);
    for (;;) {
        if (pause_requested || vm_stopped || stop_pending || exiting) {
            if (!t->parked) {
                t->parked = true;
                nb_parked++;
                pthread_cond_broadcast(&parked_cond);
            }
            if (exiting) {
                break;
            }
        } else if (thread_runnable(t)) {
            break;
        }
        rr_sleeping = !t->cpu;
        pthread_cond_wait(&vcpu_cond, &wait_lock);
        rr_sleeping = false;
    }
    if (t->parked) {
        t->parked = false;
        nb_parked--;
    }
    run = !exiting;
    /* Single mode: the kick stopped while we slept; restart it. */
    rearm = run && rr_kick_idle;
    rr_kick_idle = false;
    pthread_mutex_unlock(&wait_lock);
    if (rearm) {
        rr_kick_arm();
    }
    return run;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */

static void vcpu_handle_exit(CPUState *cpu, int r)
{
    if (r >= 0) {
        bql_lock();
        cpu->exception_index = r;
        cpu->ops->do_interrupt(cpu);
        cpu->exception_index = EXCP_NONE;
        bql_unlock();
        if (G_UNLIKELY(cpu_single_stepping(cpu))) {
            /* A stepped insn took an exception: stop at the vector. */
            gdbserver_debug_stop(cpu);
        }
        return;
    }
    switch (r) {
    case EXCP_HLT:          /* vcpu_wait sleeps until an interrupt */
        if (G_UNLIKELY(cpu_single_stepping(cpu))) {
            gdbserver_debug_stop(cpu);      /* a stepped WFI */
        }
        break;
    case EXCP_INTERRUPT:    /* vcpu_wait checks for a pause */
        break;
    case EXCP_DEBUG:        /* breakpoint, watchpoint, single step */
        gdbserver_debug_stop(cpu);
        break;
    case EXCP_ATOMIC:
        log_mask(LOG_UNIMP, "cpu %d: EXCP_ATOMIC is not supported in "
                 "system mode\n", cpu->cpu_index);
        break;
    default:
        log_mask(LOG_INT, "cpu %d: exec loop returned %d\n",
                 cpu->cpu_index, r);
        break;
    }
}

static void *vcpu_thread_fn(void *arg)
{
    VCPUThread *t = arg;

    __atomic_store_n(&t->tid, (int)gettid(), __ATOMIC_RELEASE);
    while (vcpu_wait(t)) {
        vcpu_handle_exit(t->cpu, cpu_exec(t->cpu));
    }
    return NULL;
}

/*
 * -icount: one cpu_exec on a budget of at most *left insns, ending at
 * the next CLOCK_VIRTUAL deadline; then run the timers that are due.
 */
static int rr_exec_icount(CPUState *cpu, int32_t *left)
{
    int r;

    icount_run_timers();
    icount_start_slice(cpu, *left);
    r = cpu_exec(cpu);
    *left -= icount_end_slice(cpu);
    icount_run_timers();
    return r;
}

/*
 * Single mode: one slice of cpu.  It goes on through exceptions and
 * interrupts taken until it halts or stops, the kick ends the slice, or
 * another CPU gets an interrupt.  Under -icount there is no kick (it
 * would depend on host time): with several CPUs a slice is
 * RR_ICOUNT_SLICE guest instructions.
 */
static void rr_run(CPUState *cpu)
{
    bool icount = icount_enabled();
    int32_t left = nb_cpus > 1 ? RR_ICOUNT_SLICE : INT32_MAX;

    __atomic_store_n(&rr_slice_over, false, __ATOMIC_SEQ_CST);
    __atomic_store_n(&rr_current, cpu, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&rr_runs, 1, __ATOMIC_RELAXED);
    do {
        vcpu_handle_exit(cpu, icount ? rr_exec_icount(cpu, &left)
                                     : cpu_exec(cpu));
    } while (!__atomic_load_n(&rr_slice_over, __ATOMIC_SEQ_CST) &&
             !vcpu_should_leave() && vcpu_runnable(cpu) && left > 0);
    __atomic_store_n(&rr_current, NULL, __ATOMIC_SEQ_CST);
}

/*
 * -icount, every CPU idle (WFI): guest time does not pass by itself, so
 * jump it to the next CLOCK_VIRTUAL deadline, until a timer wakes a CPU
 * or none is armed (then vcpu_wait sleeps until something external).
 */
static void rr_icount_warp(void)
{
    if (!icount_enabled()) {
        return;
    }
    while (!vcpu_should_leave()) {
        for (int i = 0; i < nb_cpus; i++) {
            if (vcpu_runnable(cpus[i])) {
                return;
            }
        }
        if (!icount_warp()) {
            return;
        }
    }
}

static void *rr_thread_fn(void *arg)
{
    VCPUThread *t = arg;
    int next = 0;

    __atomic_store_n(&t->tid, (int)gettid(), __ATOMIC_RELEASE);
    for (;;) {
        rr_icount_warp();
        if (!vcpu_wait(t)) {
            break;
        }
        /* One round: every CPU runnable now gets a slice. */
        for (int n = 0; n < nb_cpus && !vcpu_should_leave(); n++) {
            CPUState *cpu = cpus[next];

            next = (next + 1) % nb_cpus;
            if (vcpu_runnable(cpu)) {
                rr_run(cpu);
            }
        }
    }
    return NULL;
}

/*
 * The kick: end the running CPU's slice if it began before last tick.
 * While the thread sleeps (every CPU halted) the kick stops, so an idle
 * guest does not wake the host; vcpu_wait re-arms it.
 */
static void rr_kick(void *opaque)
{
    static unsigned last_runs;
    unsigned runs = __atomic_load_n(&rr_runs, __ATOMIC_RELAXED);
    CPUState *cpu = __atomic_load_n(&rr_current, __ATOMIC_SEQ_CST);
    bool idle;

    (void)opaque;
    if (cpu && runs == last_runs) {
        rr_end_slice();
    }
    last_runs = runs;
    pthread_mutex_lock(&wait_lock);
    idle = rr_kick_idle = rr_sleeping;
    pthread_mutex_unlock(&wait_lock);
    if (!idle) {
        rr_kick_arm();
    }
}

/* ------------------------------------------------------------------ */
/* Control from the main loop                                          */

static void start_thread(VCPUThread *t, CPUState *cpu, const char *name)
{
    int err;

    t->cpu = cpu;
    t->parked = false;
    err = pthread_create(&t->thread, NULL,
                         cpu ? vcpu_thread_fn : rr_thread_fn, t);
    if (err) {
        g_error("cannot create vCPU thread: %s", g_strerror(err));
    }
    pthread_setname_np(t->thread, name);
}

static void start_threads(void)
{
    char name[16];

    if (!multi_threaded) {
        nb_threads = 1;
        start_thread(&threads[0], NULL, "CPUs/TCG");
        return;
    }
    nb_threads = nb_cpus;
    for (int i = 0; i < nb_cpus; i++) {
        snprintf(name, sizeof(name), "CPU %d/TCG", i);
        start_thread(&threads[i], cpus[i], name);
    }
}

void cpus_start(MachineState *ms)
{
    sigset_t all, old;

    g_assert(ms->nb_cpus <= MAX_CPUS);
    nb_cpus = ms->nb_cpus;
    for (int i = 0; i < nb_cpus; i++) {
        cpus[i] = ms->cpus[i];
    }
    if (multi_threaded && nb_cpus > 1) {
        fprintf(stderr, "kestrel-system-aarch64: warning: -accel tcg,"
                "thread=multi is not thread-safe yet (TLB flushes, TB "
                "eviction); the guest may crash\n");
    }
    /* Signals are the main loop's business: vCPU threads block them. */
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_mutex_lock(&wait_lock);
    __atomic_store_n(&exiting, false, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&wait_lock);
    if (!multi_threaded && nb_cpus > 1 && !icount_enabled()) {
        rr_kick_timer = timer_new_ns(CLOCK_REALTIME, rr_kick, NULL);
    }
    start_threads();
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rr_kick_timer) {
        rr_kick(NULL);
    }
}

/* Make every CPU leave guest code; wait_lock held. */
static void exit_all_cpus(void)
{
    pthread_cond_broadcast(&vcpu_cond);
    for (int i = 0; i < nb_cpus; i++) {
        cpu_exit(cpus[i]);
    }
}

/* Wait, BQL dropped, until every thread is parked; wait_lock held. */
static void wait_all_parked(void)
{
    bql_unlock();
    while (nb_parked < nb_threads) {
        pthread_cond_wait(&parked_cond, &wait_lock);
    }
    pthread_mutex_unlock(&wait_lock);
    bql_lock();
}

void cpus_pause(void)
{
    g_assert(bql_locked());
    pthread_mutex_lock(&wait_lock);
    __atomic_store_n(&pause_requested, true, __ATOMIC_RELEASE);
    exit_all_cpus();
    wait_all_parked();
}

void cpus_resume(void)
{
    pthread_mutex_lock(&wait_lock);
    __atomic_store_n(&pause_requested, false, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&wait_lock);
}

void cpus_stop(void)
{
    g_assert(bql_locked());
    pthread_mutex_lock(&wait_lock);
    __atomic_store_n(&exiting, true, __ATOMIC_RELEASE);
    exit_all_cpus();
    pthread_mutex_unlock(&wait_lock);
    bql_unlock();
    for (int i = 0; i < nb_threads; i++) {
        pthread_join(threads[i].thread, NULL);
    }
    bql_lock();
    /* After the join: vcpu_wait may re-arm the kick until then. */
    if (rr_kick_timer) {
        timer_free(rr_kick_timer);
        rr_kick_timer = NULL;
    }
    rr_kick_idle = false;
    nb_threads = 0;
    nb_cpus = 0;
    nb_parked = 0;
    __atomic_store_n(&pause_requested, false, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ */
/* Run state: vm_stop / vm_start                                       */

typedef struct RunstateNotifier {
    void (*fn)(bool running, void *opaque);
    void *opaque;
} RunstateNotifier;

static GArray *runstate_notifiers;  /* RunstateNotifier, BQL */

void runstate_add_notifier(void (*fn)(bool running, void *opaque),
                           void *opaque)
{
    RunstateNotifier n = { .fn = fn, .opaque = opaque };

    if (!runstate_notifiers) {
        runstate_notifiers = g_array_new(false, true,
                                         sizeof(RunstateNotifier));
    }
    g_array_append_val(runstate_notifiers, n);
}

static void runstate_notify(bool running)
{
    for (guint i = 0; runstate_notifiers && i < runstate_notifiers->len;
         i++) {
        RunstateNotifier *n = &g_array_index(runstate_notifiers,
                                             RunstateNotifier, i);

        n->fn(running, n->opaque);
    }
}

bool runstate_is_running(void)
{
    return !__atomic_load_n(&vm_stopped, __ATOMIC_ACQUIRE);
}

void vm_stop(void)
{
    pthread_mutex_lock(&wait_lock);
    __atomic_store_n(&stop_pending, false, __ATOMIC_RELEASE);
    if (vm_stopped) {
        pthread_mutex_unlock(&wait_lock);
        return;
    }
    __atomic_store_n(&vm_stopped, true, __ATOMIC_RELEASE);
    if (nb_threads == 0) {
        /* Before machine_run (-S): the threads will park at once. */
        pthread_mutex_unlock(&wait_lock);
    } else {
        g_assert(bql_locked());
        exit_all_cpus();
        wait_all_parked();
    }
    clock_virtual_stop();
    runstate_notify(false);
}

void vm_start(void)
{
    pthread_mutex_lock(&wait_lock);
    if (!vm_stopped) {
        pthread_mutex_unlock(&wait_lock);
        return;
    }
    __atomic_store_n(&vm_stopped, false, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&wait_lock);
    if (nb_threads > 0) {
        clock_virtual_start();
    }
    runstate_notify(true);
}

static void vm_stop_bh(void *opaque)
{
    vm_stop();
}

void vm_stop_request(void)
{
    /* Park every CPU at once (stop_pending), stop from the loop. */
    pthread_mutex_lock(&wait_lock);
    __atomic_store_n(&stop_pending, true, __ATOMIC_RELEASE);
    exit_all_cpus();
    pthread_mutex_unlock(&wait_lock);
    main_loop_schedule(vm_stop_bh, NULL);
}

int cpus_thread_id(CPUState *cpu)
{
    for (int i = 0; i < nb_threads; i++) {
        if (!threads[i].cpu || threads[i].cpu == cpu) {
            return __atomic_load_n(&threads[i].tid, __ATOMIC_ACQUIRE);
        }
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vCPU threads: one host thread per guest CPU, each running
 *
 *     for (;;) {
 *         wait while: paused (reset/shutdown), cpu->stopped (powered off),
 *                     or cpu->halted with no interrupt_request (WFI)
 *         r = cpu_exec(cpu);                      // without the BQL
 *         r >= 0: bql_lock(); ops->do_interrupt(); bql_unlock();
 *         EXCP_HLT: loop (waits above); EXCP_INTERRUPT: loop (re-checks)
 *     }
 *
 * Waiting uses one mutex (wait_lock) and two condition variables, not
 * the BQL: cpu_interrupt is called by devices that hold the BQL, and it
 * must take the lock a waiting vCPU checks its condition under, or the
 * wake-up could be lost.  Order: BQL before wait_lock.
 *
 * Waking a CPU whose cpu->stopped or cpu->halted someone else cleared
 * (PSCI CPU_ON): clear the flag, then cpu_interrupt(cpu,
 * CPU_INTERRUPT_EXITTB).  EXITTB is not stored in interrupt_request (it
 * would keep a WFI from ever sleeping): it only kicks the CPU out of
 * generated code and out of its wait.
 *
 * Pausing (system reset, shutdown): the main loop sets pause_requested,
 * makes every CPU leave guest code (cpu_exit) and waits, with the BQL
 * dropped so that CPUs in an MMIO access can finish, until each one has
 * parked in vcpu_wait.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include "kestrel/log.h"
#include "sysemu-internal.h"

typedef struct VCPU {
    CPUState *cpu;
    pthread_t thread;
    bool parked;                /* waiting because of a pause, wait_lock */
} VCPU;

static VCPU vcpus[MAX_CPUS];
static int nb_vcpus;

static pthread_mutex_t wait_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t vcpu_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t parked_cond = PTHREAD_COND_INITIALIZER;
static bool pause_requested;    /* wait_lock */
static bool exiting;            /* wait_lock */
static int nb_parked;           /* wait_lock */

/* ------------------------------------------------------------------ */
/* Interrupt lines                                                     */

static void vcpu_kick(CPUState *cpu)
{
    cpu_exit(cpu);
    pthread_mutex_lock(&wait_lock);
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&wait_lock);
}

void cpu_interrupt(CPUState *cpu, int mask)
{
    mask &= ~CPU_INTERRUPT_EXITTB;
    if (mask) {
        __atomic_or_fetch(&cpu->interrupt_request, mask, __ATOMIC_SEQ_CST);
    }
    vcpu_kick(cpu);
}

void cpu_reset_interrupt(CPUState *cpu, int mask)
{
    __atomic_and_fetch(&cpu->interrupt_request, ~mask, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------------ */
/* The thread                                                          */

/* Whether cpu has guest code to run now. */
static bool vcpu_runnable(CPUState *cpu)
{
    if (__atomic_load_n(&cpu->stopped, __ATOMIC_ACQUIRE)) {
        return false;
    }
    return !cpu->halted ||
           __atomic_load_n(&cpu->interrupt_request, __ATOMIC_ACQUIRE);
}

/* Block until v may run guest code; false when the thread must end. */
static bool vcpu_wait(VCPU *v)
{
    bool run;

    pthread_mutex_lock(&wait_lock);
    for (;;) {
        if (pause_requested || exiting) {
            if (!v->parked) {
                v->parked = true;
                nb_parked++;
                pthread_cond_broadcast(&parked_cond);
            }
            if (exiting) {
                break;
            }
        } else if (vcpu_runnable(v->cpu)) {
            break;
        }
        pthread_cond_wait(&vcpu_cond, &wait_lock);
    }
    if (v->parked) {
        v->parked = false;
        nb_parked--;
    }
    run = !exiting;
    pthread_mutex_unlock(&wait_lock);
    return run;
}

static void vcpu_handle_exit(CPUState *cpu, int r)
{
    if (r >= 0) {
        bql_lock();
        cpu->exception_index = r;
        cpu->ops->do_interrupt(cpu);
        cpu->exception_index = EXCP_NONE;
        bql_unlock();
        return;
    }
    switch (r) {
    case EXCP_HLT:          /* vcpu_wait sleeps until an interrupt */
    case EXCP_INTERRUPT:    /* vcpu_wait checks for a pause */
    case EXCP_DEBUG:        /* no debugger yet */
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
    VCPU *v = arg;

    while (vcpu_wait(v)) {
        vcpu_handle_exit(v->cpu, cpu_exec(v->cpu));
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Control from the main loop                                          */

void cpus_start(MachineState *ms)
{
    sigset_t all, old;

    g_assert(ms->nb_cpus <= MAX_CPUS);
    /* Signals are the main loop's business: vCPU threads block them. */
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_mutex_lock(&wait_lock);
    exiting = false;
    pthread_mutex_unlock(&wait_lock);
    nb_vcpus = ms->nb_cpus;
    for (int i = 0; i < nb_vcpus; i++) {
        char name[16];
        int err;

        vcpus[i].cpu = ms->cpus[i];
        vcpus[i].parked = false;
        err = pthread_create(&vcpus[i].thread, NULL, vcpu_thread_fn,
                             &vcpus[i]);
        if (err) {
            g_error("cannot create vCPU thread: %s", g_strerror(err));
        }
        snprintf(name, sizeof(name), "CPU %d/TCG", i);
        pthread_setname_np(vcpus[i].thread, name);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Wait, BQL dropped, until every vCPU is parked; wait_lock held. */
static void wait_all_parked(void)
{
    bql_unlock();
    while (nb_parked < nb_vcpus) {
        pthread_cond_wait(&parked_cond, &wait_lock);
    }
    pthread_mutex_unlock(&wait_lock);
    bql_lock();
}

void cpus_pause(void)
{
    g_assert(bql_locked());
    pthread_mutex_lock(&wait_lock);
    pause_requested = true;
    pthread_cond_broadcast(&vcpu_cond);
    for (int i = 0; i < nb_vcpus; i++) {
        cpu_exit(vcpus[i].cpu);
    }
    wait_all_parked();
}

void cpus_resume(void)
{
    pthread_mutex_lock(&wait_lock);
    pause_requested = false;
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&wait_lock);
}

void cpus_stop(void)
{
    g_assert(bql_locked());
    pthread_mutex_lock(&wait_lock);
    exiting = true;
    pthread_cond_broadcast(&vcpu_cond);
    for (int i = 0; i < nb_vcpus; i++) {
        cpu_exit(vcpus[i].cpu);
    }
    pthread_mutex_unlock(&wait_lock);
    bql_unlock();
    for (int i = 0; i < nb_vcpus; i++) {
        pthread_join(vcpus[i].thread, NULL);
    }
    bql_lock();
    nb_vcpus = 0;
    nb_parked = 0;
    pause_requested = false;
}

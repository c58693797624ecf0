/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AArch64 CPU loop of linux-user: run guest code until it stops, turn
 * the reason into a syscall or a guest signal, deliver pending signals,
 * and go on.
 *
 * Where pc points when cpu_exec returns (the frontend's convention, see
 * frontend/aarch64/cpu.h): after an SVC, the next instruction; for UDEF,
 * BRK and data aborts, the faulting instruction.  The syscall number is
 * in x8, arguments in x0..x5, the result goes to x0.
 */
#include <errno.h>
#include <string.h>

#include "kestrel/debug.h"
#include "kestrel/gdbstub.h"
#include "kestrel/log.h"
#include "kestrel/tb.h"
#include "user.h"

/* si_code values */
#define TARGET_ILL_ILLOPC 1
#define TARGET_TRAP_BRKPT 1
#define TARGET_BUS_ADRALN 1
#define TARGET_SEGV_MAPERR 1
#define TARGET_SEGV_ACCERR 2

/* The SVC instruction is 4 bytes: restart puts pc back on it. */
#define SVC_INSN_SIZE 4

void syscall_dispatch(CPUARMState *env)
{
    TaskState *ts = thread_ts;
    uint64_t a[6];
    int nr = (int)env->xregs[8];
    int64_t ret;

    /*
     * A signal that came in since the last check would not interrupt a
     * host syscall that has yet to start: deliver it first, and run the
     * SVC when the handler returns.  (The window between this test and
     * the host call blocking remains; qemu closes it with its
     * safe_syscall assembly.)
     */
    if (ts->signal_pending && nr != TARGET_NR_rt_sigreturn) {
        env->pc -= SVC_INSN_SIZE;
        return;
    }
    memcpy(a, env->xregs, sizeof(a));
    if (user_opts.strace) {
        strace_print_call(nr, a);
    }
    ret = do_syscall(env, nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    if (user_opts.strace && ret != -TARGET_ESIGRETURN) {
        strace_print_ret(nr, ret);
    }
    if (ret == -TARGET_ERESTARTSYS) {
        /* x0 still holds the first argument: run the SVC again. */
        env->pc -= SVC_INSN_SIZE;
        ts->syscall_restart = true;
        ts->signal_pending = 1;
    } else if (ret != -TARGET_ESIGRETURN) {
        env->xregs[0] = ret;
    }
}

static void raise_fault(CPUARMState *env, TaskState *ts, int trapnr)
{
    const ARMException *e = &env->exception;

    switch (trapnr) {
    case EXCP_UDEF:
        queue_signal(ts, SIGILL, TARGET_ILL_ILLOPC, env->pc, true);
        break;
    case EXCP_BKPT:
    case EXCP_DEBUG:
        queue_signal(ts, SIGTRAP, TARGET_TRAP_BRKPT, env->pc, true);
        break;
    case EXCP_UNALIGNED:
        queue_signal(ts, SIGBUS, TARGET_BUS_ADRALN, e->vaddr, true);
        break;
    case EXCP_PREFETCH_ABORT:
    case EXCP_DATA_ABORT:
        queue_signal(ts, SIGSEGV,
                     (page_get_flags(e->vaddr) & PAGE_VALID)
                     ? TARGET_SEGV_ACCERR : TARGET_SEGV_MAPERR,
                     e->vaddr, true);
        break;
    }
}

/*
 * The gdb stub: a debug event (sig SIGTRAP, or SIGINT for Ctrl-C) stops
 * here and GDB decides; a signal it passes on is queued.
 */
static void gdb_stop(CPUState *cs, TaskState *ts, int sig)
{
    CPUARMState *env = &((ARMCPU *)cs)->env;

    sig = gdbserver_user_stop(cs, sig);
    if (sig > 0 && sig <= TARGET_NSIG) {
        queue_signal(ts, sig, 0, env->pc, false);
    }
}

G_NORETURN void cpu_loop(ARMCPU *cpu)
{
    CPUARMState *env = &cpu->env;
    CPUState *cs = &cpu->parent;
    TaskState *ts = thread_ts;

    for (;;) {
        int trapnr = cpu_exec(cs);

        if (G_UNLIKELY(gdbserver_connected()) &&
            (trapnr == EXCP_DEBUG ||
             (trapnr == EXCP_INTERRUPT && gdbserver_user_interrupt))) {
            gdbserver_user_interrupt = 0;
            gdb_stop(cs, ts, trapnr == EXCP_DEBUG ? SIGTRAP : SIGINT);
            continue;
        }
        switch (trapnr) {
        case EXCP_SWI:
            syscall_dispatch(env);
            break;
        case EXCP_INTERRUPT:
        case EXCP_SMC_RETRY:
            break;
        case EXCP_HLT:
            /* WFI/WFE at EL0: nothing to wait for but other threads. */
            cs->halted = false;
            sched_yield();
            break;
        case EXCP_ATOMIC:
            log_mask(LOG_UNIMP, "EXCP_ATOMIC at pc 0x%" G_GINT64_MODIFIER
                     "x: not supported in user mode\n", env->pc);
            queue_signal(ts, SIGILL, TARGET_ILL_ILLOPC, env->pc, true);
            break;
        case EXCP_UDEF:
        case EXCP_BKPT:
        case EXCP_DEBUG:
        case EXCP_UNALIGNED:
        case EXCP_PREFETCH_ABORT:
        case EXCP_DATA_ABORT:
            log_mask(LOG_INT, "exception %d at pc 0x%" G_GINT64_MODIFIER
                     "x\n", trapnr, env->pc);
            raise_fault(env, ts, trapnr);
            break;
        default:
            fprintf(stderr, "kestrel-aarch64: unexpected exception %d at "
                    "pc 0x%" G_GINT64_MODIFIER "x\n", trapnr, env->pc);
            abort();
        }
        if (G_UNLIKELY(cpu_single_stepping(cs)) && trapnr >= 0) {
            /* A stepped SVC or fault: the step is over. */
            gdb_stop(cs, ts, SIGTRAP);
        }
        if (ts->signal_pending) {
            process_pending_signals(env);
        }
    }
}

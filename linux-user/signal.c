/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signals: host signals in, AArch64 signal frames out.
 *
 * Dispositions.  The host disposition follows the guest's: SIG_IGN and
 * SIG_DFL are installed as such on the host (so the host kernel ignores,
 * stops or kills exactly as it would the real program, and exec'd
 * children inherit ignored signals), and a guest handler becomes
 * host_signal_handler.  SIGSEGV and SIGBUS always have our handler: they
 * carry guest faults and self-modifying-code write faults.
 *
 * Masks.  Each host thread blocks what its guest thread blocks (minus
 * SIGSEGV/SIGBUS), so the host kernel keeps blocked signals pending and
 * picks the thread for process-directed ones.
 *
 * Delivery.  host_signal_handler records the siginfo in the thread's
 * TaskState and calls cpu_exit: generated code leaves at the next TB
 * entry, a blocking host syscall returns EINTR.  The CPU loop then calls
 * process_pending_signals, which builds the rt_sigframe on the guest
 * stack:
 *
 *     sp after delivery -> struct rt_sigframe { siginfo; ucontext }
 *                          struct frame_record { x29, x30 }  (x29 -> here)
 *
 * with x0 = signal, x1 = &info, x2 = &uc, x30 = the sa_restorer or our
 * trampoline page ("mov x8, #139; svc #0"), pc = the handler.
 *
 * Syscall restart.  A host syscall that fails with EINTR returns
 * -TARGET_ERESTARTSYS; the CPU loop puts pc back on the SVC with the
 * original x0 and sets ts->syscall_restart.  If a handler without
 * SA_RESTART is then delivered, the frame gets x0 = -EINTR and pc past
 * the SVC instead; otherwise the SVC simply runs again.
 *
 * Host faults.  A SIGSEGV/SIGBUS from generated code (or from a frontend
 * helper that set aarch64_helper_retaddr) on a guest address is the
 * guest's: restore the guest state from the host pc, queue the guest
 * signal with si_addr = the guest address, and unwind to the CPU loop.
 * A write fault on a page that only lost write access because it holds
 * code is SMC: drop the page's TBs, give write access back and return, so
 * the store runs again (see host_fault for why the current TB is allowed
 * to finish).  Anything else is a Kestrel bug: report and abort.
 */
#include <errno.h>
#include <execinfo.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "kestrel/gdbstub.h"
#include "kestrel/log.h"
#include "kestrel/tb.h"
#include "user.h"

#define TARGET_SA_NOCLDSTOP 0x00000001
#define TARGET_SA_SIGINFO 0x00000004
#define TARGET_SA_ONSTACK 0x08000000
#define TARGET_SA_RESTART 0x10000000
#define TARGET_SA_NODEFER 0x40000000
#define TARGET_SA_RESETHAND 0x80000000
#define TARGET_SA_RESTORER 0x04000000
#define TARGET_SIG_DFL 0
#define TARGET_SIG_IGN 1
#define TARGET_SS_ONSTACK 1
#define TARGET_SS_DISABLE 2
#define TARGET_MINSIGSTKSZ 5120

#define FPSIMD_MAGIC 0x46508001

/* struct sigaction as the arm64 kernel takes it. */
typedef struct TargetSigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
} TargetSigaction;

typedef struct TargetStack {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
} TargetStack;

typedef struct TargetSigcontext {
    uint64_t fault_address;
    uint64_t regs[31];
    uint64_t sp;
    uint64_t pc;
    uint64_t pstate;
    uint8_t reserved[4096] __attribute__((aligned(16)));
} TargetSigcontext;

typedef struct TargetUcontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    TargetStack uc_stack;
    uint64_t uc_sigmask;
    uint8_t unused[1024 / 8 - 8];
    TargetSigcontext uc_mcontext;
} TargetUcontext;

typedef struct TargetFpsimdContext {
    uint32_t magic;
    uint32_t size;
    uint32_t fpsr;
    uint32_t fpcr;
    uint64_t vregs[32][2];
} TargetFpsimdContext;

typedef struct TargetRtSigframe {
    TargetSiginfo info;
    TargetUcontext uc;
} TargetRtSigframe;

typedef struct FrameRecord {
    uint64_t fp, lr;
} FrameRecord;

/* The arm64 ABI, pinned. */
_Static_assert(offsetof(TargetUcontext, uc_sigmask) == 40, "uc_sigmask");
_Static_assert(offsetof(TargetUcontext, uc_mcontext) == 176, "uc_mcontext");
_Static_assert(offsetof(TargetSigcontext, reserved) == 288, "__reserved");
_Static_assert(sizeof(TargetFpsimdContext) == 528, "fpsimd_context");
_Static_assert(sizeof(TargetSigaction) == 32, "sigaction");

__thread TaskState *thread_ts;

static TargetSigaction sigact[TARGET_NSIG + 1];
static uint64_t trampoline;

void signal_set_trampoline(uint64_t addr)
{
    trampoline = addr;
}

uint64_t signal_trampoline_addr(void)
{
    return trampoline;
}

static bool sig_is_internal(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS;
}

/* ------------------------------------------------------------------ */
/* Host masks                                                          */

static void mask_to_host(uint64_t mask, sigset_t *set)
{
    sigemptyset(set);
    for (int sig = 1; sig <= TARGET_NSIG; sig++) {
        if ((mask & sig_bit(sig)) && !sig_is_internal(sig)) {
            sigaddset(set, sig);
        }
    }
}

void signal_update_host_mask(TaskState *ts)
{
    sigset_t set;

    ts->sigmask &= ~(sig_bit(SIGKILL) | sig_bit(SIGSTOP));
    mask_to_host(ts->sigmask, &set);
    pthread_sigmask(SIG_SETMASK, &set, NULL);
    if (ts->pending & ~ts->sigmask) {
        ts->signal_pending = 1;
    }
}

/* Block every host signal; returns the old mask in *old. */
static void block_all(sigset_t *old)
{
    sigset_t all;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, old);
}

/* ------------------------------------------------------------------ */
/* Host handlers                                                       */

static void host_fault(int sig, siginfo_t *info, ucontext_t *uc);

static void host_signal_handler(int sig, siginfo_t *info, void *puc)
{
    TaskState *ts = thread_ts;
    int saved_errno = errno;

    if (sig_is_internal(sig) && info->si_code > 0) {
        host_fault(sig, info, puc);
        errno = saved_errno;
        return;
    }
    if (!ts || sig < 1 || sig > TARGET_NSIG) {
        return;
    }
    /* Same layout on both sides: 128 bytes of siginfo. */
    memcpy(&ts->info[sig], info, sizeof(TargetSiginfo));
    __atomic_or_fetch(&ts->pending, sig_bit(sig), __ATOMIC_SEQ_CST);
    ts->signal_pending = 1;
    cpu_exit(&ts->cpu->parent);
    errno = saved_errno;
}

static void install_host(int sig, uint64_t handler, uint64_t flags)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sigfillset(&sa.sa_mask);
    if (sig_is_internal(sig) || handler > TARGET_SIG_IGN) {
        sa.sa_sigaction = host_signal_handler;
        /* No SA_RESTART: EINTR tells us to look (see the top). */
        sa.sa_flags = SA_SIGINFO | (flags & TARGET_SA_NOCLDSTOP);
    } else {
        sa.sa_handler = handler == TARGET_SIG_IGN ? SIG_IGN : SIG_DFL;
    }
    /* glibc refuses its own RT signals (32, 33): the guest loses them. */
    sigaction(sig, &sa, NULL);
}

void signal_init(void)
{
    struct sigaction old;

    for (int sig = 1; sig <= TARGET_NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) {
            continue;
        }
        /* Inherit ignored signals across exec, as the kernel does. */
        if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN) {
            sigact[sig].handler = TARGET_SIG_IGN;
        }
    }
    install_host(SIGSEGV, TARGET_SIG_DFL, 0);
    install_host(SIGBUS, TARGET_SIG_DFL, 0);
}

void signal_init_thread(TaskState *ts)
{
    thread_ts = ts;
    signal_update_host_mask(ts);
}

bool signal_is_ignored(int sig)
{
    uint64_t h = sigact[sig].handler;

    if (h == TARGET_SIG_IGN) {
        return true;
    }
    return h == TARGET_SIG_DFL &&
           (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
            sig == SIGCONT);
}

void signal_prepare_exec(void)
{
    /* Handlers do not survive exec; the host resets ours itself. */
    for (int sig = 1; sig <= TARGET_NSIG; sig++) {
        if (sigact[sig].handler > TARGET_SIG_IGN) {
            sigact[sig].handler = TARGET_SIG_DFL;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Queueing                                                            */

void queue_signal(TaskState *ts, int sig, int code, uint64_t addr,
                  bool force)
{
    TargetSiginfo *si = &ts->info[sig];
    sigset_t old;

    block_all(&old);
    memset(si, 0, sizeof(*si));
    si->si_signo = sig;
    si->si_code = code;
    si->u.fault.addr = addr;
    /* A fault the guest blocks or ignores kills it (force_sig_info). */
    if (force && ((ts->sigmask & sig_bit(sig)) ||
                  sigact[sig].handler == TARGET_SIG_IGN)) {
        sigact[sig].handler = TARGET_SIG_DFL;
        ts->sigmask &= ~sig_bit(sig);
    }
    ts->pending |= sig_bit(sig);
    ts->signal_pending = 1;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

G_NORETURN void signal_die(int sig)
{
    struct rlimit nocore = { 0, 0 };
    sigset_t set;

    if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
        sig == SIGTRAP || sig == SIGFPE || sig == SIGABRT ||
        sig == SIGQUIT || sig == SIGSYS) {
        fprintf(stderr, "kestrel-aarch64: uncaught target signal %d (%s)"
                " - core dumped\n", sig, strsignal(sig));
    }
    gdbserver_user_signaled(sig);
    fflush(NULL);
    /* Die of the same signal, so the parent sees the right status. */
    setrlimit(RLIMIT_CORE, &nocore);
    signal(sig, SIG_DFL);
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    kill(getpid(), sig);
    _exit(128 + sig);
}

/* ------------------------------------------------------------------ */
/* Frames                                                              */

static bool on_alt_stack(TaskState *ts, uint64_t sp)
{
    return ts->alt_size && sp - ts->alt_sp < ts->alt_size;
}

static void save_fpsimd(CPUARMState *env, TargetFpsimdContext *fp)
{
    fp->magic = FPSIMD_MAGIC;
    fp->size = sizeof(*fp);
    fp->fpsr = env->fpsr;
    fp->fpcr = env->fpcr;
    memcpy(fp->vregs, env->vregs, sizeof(fp->vregs));
}

static void setup_sigcontext(CPUARMState *env, TargetSigcontext *sc,
                             const TargetSiginfo *info)
{
    uint32_t *end;

    memset(sc, 0, offsetof(TargetSigcontext, reserved));
    if (info->si_signo == SIGSEGV || info->si_signo == SIGBUS ||
        info->si_signo == SIGILL || info->si_signo == SIGTRAP) {
        sc->fault_address = info->u.fault.addr;
    }
    memcpy(sc->regs, env->xregs, sizeof(sc->regs));
    sc->sp = env->xregs[31];
    sc->pc = env->pc;
    sc->pstate = aarch64_nzcv_read(env);    /* EL0t, no other bits */
    save_fpsimd(env, (TargetFpsimdContext *)sc->reserved);
    end = (uint32_t *)(sc->reserved + sizeof(TargetFpsimdContext));
    end[0] = end[1] = 0;
}

/* Build the frame and point env at the handler; false if no room. */
static bool setup_rt_frame(CPUARMState *env, TaskState *ts, int sig,
                           const TargetSigaction *ka,
                           const TargetSiginfo *info, uint64_t oldmask)
{
    uint64_t sp = env->xregs[31], rec_at, frame_at;
    TargetRtSigframe *frame;
    FrameRecord *rec;

    if ((ka->flags & TARGET_SA_ONSTACK) && ts->alt_size &&
        !on_alt_stack(ts, sp)) {
        sp = ts->alt_sp + ts->alt_size;
    }
    rec_at = (sp - sizeof(FrameRecord)) & ~15ull;
    frame_at = (rec_at - sizeof(TargetRtSigframe)) & ~15ull;
    frame = lock_user(frame_at, rec_at + sizeof(FrameRecord) - frame_at,
                      PAGE_WRITE);
    if (!frame) {
        return false;
    }
    rec = g2h(rec_at);
    memcpy(&frame->info, info, sizeof(*info));
    memset(&frame->uc, 0, offsetof(TargetUcontext, uc_mcontext));
    frame->uc.uc_stack.ss_sp = ts->alt_sp;
    frame->uc.uc_stack.ss_size = ts->alt_size;
    frame->uc.uc_stack.ss_flags = !ts->alt_size ? TARGET_SS_DISABLE :
        on_alt_stack(ts, env->xregs[31]) ? TARGET_SS_ONSTACK : 0;
    frame->uc.uc_sigmask = oldmask;
    setup_sigcontext(env, &frame->uc.uc_mcontext, info);
    rec->fp = env->xregs[29];
    rec->lr = env->xregs[30];

    env->xregs[0] = sig;
    env->xregs[1] = frame_at + offsetof(TargetRtSigframe, info);
    env->xregs[2] = frame_at + offsetof(TargetRtSigframe, uc);
    env->xregs[29] = rec_at;
    env->xregs[30] = (ka->flags & TARGET_SA_RESTORER) ? ka->restorer
                                                      : trampoline;
    env->xregs[31] = frame_at;
    env->pc = ka->handler;
    return true;
}

static void restore_fpsimd(CPUARMState *env, TargetSigcontext *sc)
{
    size_t off = 0;

    while (off + 8 <= sizeof(sc->reserved)) {
        TargetFpsimdContext *fp = (void *)(sc->reserved + off);

        if (fp->magic == 0 || fp->size < 8 ||
            off + fp->size > sizeof(sc->reserved)) {
            return;
        }
        if (fp->magic == FPSIMD_MAGIC && fp->size >= sizeof(*fp)) {
            env->fpsr = fp->fpsr;
            env->fpcr = fp->fpcr;
            memcpy(env->vregs, fp->vregs, sizeof(fp->vregs));
            return;
        }
        off += fp->size;
    }
}

int64_t do_rt_sigreturn(CPUARMState *env)
{
    TaskState *ts = thread_ts;
    uint64_t frame_at = env->xregs[31];
    TargetRtSigframe *frame;
    TargetSigcontext *sc;

    if (frame_at & 15) {
        goto badframe;
    }
    frame = lock_user(frame_at, sizeof(*frame), PAGE_READ);
    if (!frame) {
        goto badframe;
    }
    sc = &frame->uc.uc_mcontext;
    memcpy(env->xregs, sc->regs, sizeof(sc->regs));
    env->xregs[31] = sc->sp;
    env->pc = sc->pc;
    aarch64_nzcv_write(env, sc->pstate & 0xf0000000u);
    restore_fpsimd(env, sc);
    ts->sigmask = frame->uc.uc_sigmask;
    signal_update_host_mask(ts);
    /* The alternate stack as the frame says; errors are ignored. */
    if (!(frame->uc.uc_stack.ss_flags & TARGET_SS_DISABLE) &&
        !on_alt_stack(ts, env->xregs[31])) {
        ts->alt_sp = frame->uc.uc_stack.ss_sp;
        ts->alt_size = frame->uc.uc_stack.ss_size;
    }
    return -TARGET_ESIGRETURN;
badframe:
    queue_signal(ts, SIGSEGV, 128 /* SI_KERNEL */, 0, true);
    return -TARGET_ESIGRETURN;
}

/* ------------------------------------------------------------------ */
/* Delivery                                                            */

static void deliver_default(int sig)
{
    switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT:
        return;
    case SIGTSTP: case SIGTTIN: case SIGTTOU: case SIGSTOP:
        kill(getpid(), SIGSTOP);
        return;
    default:
        signal_die(sig);
    }
}

static void handle_signal(CPUARMState *env, TaskState *ts, int sig,
                          const TargetSiginfo *info)
{
    TargetSigaction ka = sigact[sig];
    uint64_t oldmask;

    log_mask(LOG_INT, "signal %d at pc 0x%" G_GINT64_MODIFIER "x\n", sig,
             env->pc);
    if (ka.handler == TARGET_SIG_DFL) {
        deliver_default(sig);
        return;
    }
    if (ka.handler == TARGET_SIG_IGN) {
        return;
    }
    if (ts->syscall_restart && !(ka.flags & TARGET_SA_RESTART)) {
        env->xregs[0] = -EINTR;
        env->pc += 4;
        ts->syscall_restart = false;
    }
    oldmask = ts->in_sigsuspend ? ts->saved_mask : ts->sigmask;
    if (!setup_rt_frame(env, ts, sig, &ka, info, oldmask)) {
        signal_die(SIGSEGV);
    }
    ts->in_sigsuspend = false;
    ts->sigmask |= ka.mask;
    if (!(ka.flags & TARGET_SA_NODEFER)) {
        ts->sigmask |= sig_bit(sig);
    }
    if (ka.flags & TARGET_SA_RESETHAND) {
        sigact[sig].handler = TARGET_SIG_DFL;
        install_host(sig, TARGET_SIG_DFL, 0);
    }
}

void process_pending_signals(CPUARMState *env)
{
    TaskState *ts = thread_ts;
    sigset_t old;

    block_all(&old);
    while (ts->signal_pending) {
        uint64_t ready;
        int sig;

        ts->signal_pending = 0;
        ready = ts->pending & ~ts->sigmask;
        if (!ready) {
            break;
        }
        sig = __builtin_ctzll(ready) + 1;
        /* Synchronous faults first, as the kernel does. */
        for (int s = 1; s <= TARGET_NSIG; s++) {
            if ((ready & sig_bit(s)) && (s == SIGSEGV || s == SIGBUS ||
                                         s == SIGILL || s == SIGTRAP ||
                                         s == SIGFPE)) {
                sig = s;
                break;
            }
        }
        ts->pending &= ~sig_bit(sig);
        handle_signal(env, ts, sig, &ts->info[sig]);
        ts->signal_pending = 1;
    }
    if (ts->in_sigsuspend) {
        ts->sigmask = ts->saved_mask;
        ts->in_sigsuspend = false;
    }
    ts->syscall_restart = false;
    signal_update_host_mask(ts);
}

/* ------------------------------------------------------------------ */
/* Host faults                                                         */

G_NORETURN static void host_crash(int sig, siginfo_t *info, uintptr_t pc)
{
    fprintf(stderr, "kestrel-aarch64: internal error: host signal %d "
            "(%s) at pc %p, address %p\n", sig, strsignal(sig),
            (void *)pc, info->si_addr);
    {
        void *frames[32];
        int n = backtrace(frames, G_N_ELEMENTS(frames));

        backtrace_symbols_fd(frames, n, STDERR_FILENO);
    }
    signal(SIGABRT, SIG_DFL);
    abort();
}

/* Unwind to the CPU loop with the signal mask from before the fault. */
G_NORETURN static void fault_exit(CPUState *cs, ucontext_t *uc, int excp)
{
    pthread_sigmask(SIG_SETMASK, &uc->uc_sigmask, NULL);
    cs->exception_index = excp;
    cpu_loop_exit(cs);
}

static void host_fault(int sig, siginfo_t *info, ucontext_t *uc)
{
    TaskState *ts = thread_ts;
    uintptr_t pc = uc->uc_mcontext.gregs[REG_RIP];
    uintptr_t haddr = (uintptr_t)info->si_addr;
    bool is_write = sig == SIGSEGV && (uc->uc_mcontext.gregs[REG_ERR] & 2);
    uintptr_t retaddr = tcg_interp_pc ? tcg_interp_pc : pc;
    TranslationBlock *tb = NULL;
    CPUState *cs;
    uint64_t gaddr;
    int code;

    if (!ts) {
        host_crash(sig, info, pc);
    }
    cs = &ts->cpu->parent;
    tb = tb_find_by_host_pc(retaddr);
    if (!tb && aarch64_helper_retaddr) {
        retaddr = aarch64_helper_retaddr;
        tb = tb_find_by_host_pc(retaddr);
    }
    if (!tb) {
        host_crash(sig, info, pc);
    }
    gaddr = h2g_valid(haddr) ? h2g((void *)haddr) : 0;
    if (is_write && h2g_valid(haddr) && page_unprotect(gaddr)) {
        /*
         * SMC: the page is writable again and its TBs are gone; let the
         * store run again.  When the TB doing the store was on that page
         * it was invalidated too, but we still finish it: restarting at
         * the store would translate it again, which protects the page
         * again, and the store would fault forever.  The rest of this TB
         * runs the old instructions, as a core without an ISB may; the
         * next execution translates the new ones.  (EXCP_SMC_RETRY is
         * not needed with this scheme.)
         */
        return;
    }
    cpu_restore_state(cs, retaddr);
    aarch64_helper_retaddr = 0;
    if (sig == SIGBUS) {
        code = 2; /* BUS_ADRERR */
    } else {
        code = (page_get_flags(gaddr) & PAGE_VALID) ? 2 /* SEGV_ACCERR */
                                                    : 1 /* SEGV_MAPERR */;
    }
    log_mask(LOG_INT, "guest fault: host signal %d at guest 0x%"
             G_GINT64_MODIFIER "x, pc 0x%" G_GINT64_MODIFIER "x\n", sig,
             gaddr, ts->cpu->env.pc);
    queue_signal(ts, sig, code, gaddr, true);
    fault_exit(cs, uc, EXCP_INTERRUPT);
}

/* ------------------------------------------------------------------ */
/* Syscalls                                                            */

int64_t do_rt_sigaction(int sig, uint64_t act, uint64_t oact,
                        uint64_t sigsetsize)
{
    TargetSigaction ka;

    if (sigsetsize != 8 || sig < 1 || sig > TARGET_NSIG) {
        return -EINVAL;
    }
    if (act && (sig == SIGKILL || sig == SIGSTOP)) {
        return -EINVAL;
    }
    if (act && copy_from_user(&ka, act, sizeof(ka))) {
        return -EFAULT;
    }
    if (oact && copy_to_user(oact, &sigact[sig], sizeof(ka))) {
        return -EFAULT;
    }
    if (act) {
        ka.mask &= ~(sig_bit(SIGKILL) | sig_bit(SIGSTOP));
        sigact[sig] = ka;
        install_host(sig, ka.handler, ka.flags);
    }
    return 0;
}

int64_t do_rt_sigprocmask(int how, uint64_t set, uint64_t oset,
                          uint64_t sigsetsize)
{
    TaskState *ts = thread_ts;
    uint64_t old = ts->sigmask, mask;

    if (sigsetsize != 8) {
        return -EINVAL;
    }
    if (set) {
        if (copy_from_user(&mask, set, 8)) {
            return -EFAULT;
        }
        switch (how) {
        case SIG_BLOCK:
            ts->sigmask |= mask;
            break;
        case SIG_UNBLOCK:
            ts->sigmask &= ~mask;
            break;
        case SIG_SETMASK:
            ts->sigmask = mask;
            break;
        default:
            return -EINVAL;
        }
        signal_update_host_mask(ts);
    }
    if (oset && copy_to_user(oset, &old, 8)) {
        return -EFAULT;
    }
    return 0;
}

int64_t do_sigaltstack(CPUARMState *env, uint64_t ss, uint64_t oss)
{
    TaskState *ts = thread_ts;
    bool on = on_alt_stack(ts, env->xregs[31]);
    TargetStack cur = {
        .ss_sp = ts->alt_sp, .ss_size = ts->alt_size,
        .ss_flags = on ? TARGET_SS_ONSTACK
                       : (ts->alt_size ? 0 : TARGET_SS_DISABLE),
    };
    TargetStack n;

    if (ss) {
        if (copy_from_user(&n, ss, sizeof(n))) {
            return -EFAULT;
        }
        if (on) {
            return -EPERM;
        }
        if (n.ss_flags & ~(TARGET_SS_DISABLE | (1 << 31))) {
            return -EINVAL;
        }
        if (n.ss_flags & TARGET_SS_DISABLE) {
            n.ss_sp = n.ss_size = 0;
        } else if (n.ss_size < TARGET_MINSIGSTKSZ) {
            return -ENOMEM;
        }
    }
    if (oss && copy_to_user(oss, &cur, sizeof(cur))) {
        return -EFAULT;
    }
    if (ss) {
        ts->alt_sp = n.ss_sp;
        ts->alt_size = n.ss_size;
    }
    return 0;
}

int64_t do_rt_sigsuspend(uint64_t set, uint64_t sigsetsize)
{
    TaskState *ts = thread_ts;
    uint64_t mask;
    sigset_t hset;

    if (sigsetsize != 8) {
        return -EINVAL;
    }
    if (copy_from_user(&mask, set, 8)) {
        return -EFAULT;
    }
    mask &= ~(sig_bit(SIGKILL) | sig_bit(SIGSTOP));
    ts->saved_mask = ts->sigmask;
    ts->in_sigsuspend = true;
    ts->sigmask = mask;
    /* Something queued already and now unblocked: no need to wait. */
    if (!(ts->pending & ~mask)) {
        mask_to_host(mask, &hset);
        sigsuspend(&hset);
    }
    ts->signal_pending = 1;
    return -EINTR;
}

int64_t do_rt_sigpending(uint64_t set, uint64_t sigsetsize)
{
    uint64_t mask = thread_ts->pending;
    sigset_t host;

    if (sigsetsize != 8) {
        return -EINVAL;
    }
    if (sigpending(&host) == 0) {
        for (int sig = 1; sig <= TARGET_NSIG; sig++) {
            if (sigismember(&host, sig) == 1) {
                mask |= sig_bit(sig);
            }
        }
    }
    return copy_to_user(set, &mask, 8);
}

int64_t do_rt_sigtimedwait(uint64_t set, uint64_t info, uint64_t timeout,
                           uint64_t sigsetsize)
{
    TaskState *ts = thread_ts;
    struct timespec tmo;
    uint64_t mask, ready;
    siginfo_t hinfo;
    sigset_t hset;
    int sig;

    if (sigsetsize != 8) {
        return -EINVAL;
    }
    if (copy_from_user(&mask, set, 8) ||
        (timeout && copy_from_user(&tmo, timeout, sizeof(tmo)))) {
        return -EFAULT;
    }
    ready = ts->pending & mask;
    if (ready) {
        sig = __builtin_ctzll(ready) + 1;
        ts->pending &= ~sig_bit(sig);
        if (info && copy_to_user(info, &ts->info[sig], 128)) {
            return -EFAULT;
        }
        return sig;
    }
    mask_to_host(mask, &hset);
    sig = sigtimedwait(&hset, &hinfo, timeout ? &tmo : NULL);
    if (sig < 0) {
        return host_ret(sig);
    }
    if (info && copy_to_user(info, &hinfo, 128)) {
        return -EFAULT;
    }
    return sig;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signals and sigreturn:
 *   - SIGSEGV (unmapped and write-protected): si_addr, si_code,
 *     fault_address and pc in the ucontext; the handler skips the
 *     faulting instruction by advancing pc;
 *   - SIGILL on an undefined instruction, SIGTRAP on brk;
 *   - a handler that changes x2, x20, v5 and NZCV in the ucontext: the
 *     interrupted code continues with the new values (sigreturn restores
 *     the whole frame), and v16 clobbered by the handler comes back;
 *   - raise()/kill()/sigqueue() to self: si_code, si_pid, si_value;
 *   - sigaltstack + SA_ONSTACK: the handler runs on the alternate stack;
 *   - blocked signals stay pending, run on unblock; sa_mask defers a
 *     nested signal; uc_sigmask changed by a handler takes effect;
 *   - SA_RESTART restarts a blocking read, without it read fails EINTR;
 *   - siglongjmp out of a SIGSEGV handler;
 *   - a timer signal interrupts a tight loop that makes no system call
 *     (the emulator must leave its chain of translated blocks), in the
 *     main thread and, through pthread_kill, in a second thread.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>
#include "tcg-test.h"

extern char segv_insn[], ill_insn[], brk_insn[], regs_insn[];

static volatile uint64_t h_addr, h_fault, h_pc, h_code, h_sig, h_count;

static void segv_handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;

    h_sig = sig;
    h_addr = (uint64_t)si->si_addr;
    h_code = si->si_code;
    h_fault = uc->uc_mcontext.fault_address;
    h_pc = uc->uc_mcontext.pc;
    h_count++;
    uc->uc_mcontext.pc += 4;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void test_segv(void)
{
    uint64_t r;

    install(SIGSEGV, segv_handler, 0);
    h_count = 0;
    __asm__ volatile("mov %0, #7\n\t"
                     ".globl segv_insn\nsegv_insn:\n\t"
                     "ldr %0, [%1]\n\t"
                     "add %0, %0, #1"
                     : "=&r"(r) : "r"(0xdead0123ull) : "memory");
    check_u64("SIGSEGV delivered once", h_count, 1);
    check_u64("SIGSEGV signo", h_sig, SIGSEGV);
    check_u64("SIGSEGV si_addr", h_addr, 0xdead0123);
    check_u64("SIGSEGV si_code SEGV_MAPERR", h_code, SEGV_MAPERR);
    check_u64("SIGSEGV fault_address", h_fault, 0xdead0123);
    check_u64("SIGSEGV pc = faulting insn", h_pc, (uint64_t)segv_insn);
    check_u64("skipped load, execution continued", r, 8);

    char *ro = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    h_count = 0;
    *(volatile uint32_t *)(ro + 4100) = 1;
    check_u64("write to read-only page: delivered", h_count, 1);
    check_u64("write to read-only page: si_addr", h_addr,
              (uint64_t)(ro + 4100));
    check_u64("write to read-only page: SEGV_ACCERR", h_code, SEGV_ACCERR);
    check_u64("read of read-only page still works", ro[4100], 0);
    munmap(ro, 8192);
    signal(SIGSEGV, SIG_DFL);
}

static void test_sigill_sigtrap(void)
{
    install(SIGILL, segv_handler, 0);
    h_count = 0;
    __asm__ volatile(".globl ill_insn\nill_insn:\n\t.inst 0x00000000"
                     : : : "memory");
    check_u64("SIGILL delivered", h_count, 1);
    check_u64("SIGILL signo", h_sig, SIGILL);
    /* Linux says ILL_ILLOPC; qemu-user says ILL_ILLOPN: accept both. */
    check_u64("SIGILL si_code ILL_ILLOPC or ILL_ILLOPN",
              h_code == ILL_ILLOPC || h_code == ILL_ILLOPN, 1);
    check_u64("SIGILL si_addr", h_addr, (uint64_t)ill_insn);
    check_u64("SIGILL pc", h_pc, (uint64_t)ill_insn);

    install(SIGTRAP, segv_handler, 0);
    h_count = 0;
    __asm__ volatile(".globl brk_insn\nbrk_insn:\n\tbrk #0x123" : : : "memory");
    check_u64("SIGTRAP on brk delivered", h_count, 1);
    check_u64("SIGTRAP signo", h_sig, SIGTRAP);
    check_u64("SIGTRAP pc", h_pc, (uint64_t)brk_insn);
    signal(SIGILL, SIG_DFL);
    signal(SIGTRAP, SIG_DFL);
}

/* The fpsimd record in the signal frame (struct fpsimd_context). */
struct fpsimd_rec {
    uint32_t magic, size;
    uint32_t fpsr, fpcr;
    __uint128_t vregs[32];
};
#define FPSIMD_MAGIC 0x46508001
#define SVE_MAGIC 0x53564501
#define V5_NEW ((__uint128_t)0x0505050505050505ull << 64 | 0xa5a5a5a5a5a5a5a5ull)

static volatile int fpsimd_found;

static void regs_handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    unsigned char *p = (unsigned char *)uc->uc_mcontext.__reserved;

    uc->uc_mcontext.regs[2] = 0x1122334455667788ull;
    uc->uc_mcontext.regs[20] = 0x99aabbccddeeff00ull;
    uc->uc_mcontext.pstate |= 1u << 30;   /* Z */
    uc->uc_mcontext.pc += 4;
    fpsimd_found = 0;
    for (;;) {
        struct fpsimd_rec *r = (struct fpsimd_rec *)p;
        if (r->magic == 0 || r->size == 0) {
            break;
        }
        if (r->magic == FPSIMD_MAGIC) {
            fpsimd_found = r->vregs[16] == ((__uint128_t)0x1616 << 64 | 0x16);
            r->vregs[5] = V5_NEW;
        }
        /*
         * With SVE state in the frame (QEMU's -cpu max always has it) the
         * kernel restores V registers from the Z registers there.
         */
        if (r->magic == SVE_MAGIC && r->size > 16) {
            uint16_t vl = *(uint16_t *)(p + 8);
            memcpy(p + 16 + 5 * vl, &(__uint128_t){ V5_NEW }, 16);
        }
        p += r->size;
    }
    /* Clobber v16 here: sigreturn must restore the interrupted value. */
    __asm__ volatile("movi v16.16b, #0xee" : : : "v16");
}

static void test_regs(void)
{
    uint64_t r2, r20, z, v5lo, v5hi, v16lo, v16hi;

    install(SIGILL, regs_handler, 0);
    __asm__ volatile("mov x2, #0\n\t"
                     "mov x20, #0\n\t"
                     "movi v5.2d, #0\n\t"
                     "mov x9, #0x16\n\t"
                     "fmov d16, x9\n\t"
                     "mov x9, #0x1616\n\t"
                     "mov v16.d[1], x9\n\t"
                     "cmp x2, #1\n\t"          /* Z = 0 */
                     ".globl regs_insn\nregs_insn:\n\t.inst 0x00000000\n\t"
                     "cset %2, eq\n\t"
                     "mov %0, x2\n\t"
                     "mov %1, x20\n\t"
                     "mov %3, v5.d[0]\n\t"
                     "mov %4, v5.d[1]\n\t"
                     "mov %5, v16.d[0]\n\t"
                     "mov %6, v16.d[1]\n\t"
                     : "=&r"(r2), "=&r"(r20), "=&r"(z), "=&r"(v5lo),
                       "=&r"(v5hi), "=&r"(v16lo), "=&r"(v16hi)
                     : : "x2", "x9", "x20", "v5", "v16", "cc", "memory");
    check_u64("handler set x2", r2, 0x1122334455667788ull);
    check_u64("handler set x20", r20, 0x99aabbccddeeff00ull);
    check_u64("handler set Z in pstate", z, 1);
    check_u64("fpsimd record present, v16 saved", fpsimd_found, 1);
    check_u64("handler set v5 lo", v5lo, 0xa5a5a5a5a5a5a5a5ull);
    check_u64("handler set v5 hi", v5hi, 0x0505050505050505ull);
    check_u64("v16 restored lo", v16lo, 0x16);
    check_u64("v16 restored hi", v16hi, 0x1616);
    signal(SIGILL, SIG_DFL);
}

static volatile int usr_count, usr2_count, order[8], order_n;
static volatile int last_code, last_pid, last_value;
static volatile uint64_t handler_sp;
static volatile int handler_onstack;

static void usr_handler(int sig, siginfo_t *si, void *uc)
{
    int local;
    stack_t ss;

    if (sig == SIGUSR1) {
        usr_count++;
    } else {
        usr2_count++;
    }
    if (order_n < 8) {
        order[order_n++] = sig;
    }
    last_code = si->si_code;
    last_pid = si->si_pid;
    last_value = si->si_value.sival_int;
    handler_sp = (uint64_t)&local;
    sigaltstack(NULL, &ss);
    handler_onstack = (ss.ss_flags & SS_ONSTACK) != 0;
}

static void test_self_signals(void)
{
    install(SIGUSR1, usr_handler, 0);
    install(SIGUSR2, usr_handler, 0);
    usr_count = 0;
    check_u64("raise", raise(SIGUSR1), 0);
    check_u64("raise: handler ran", usr_count, 1);
    check_u64("raise: si_code SI_TKILL", last_code, SI_TKILL);
    kill(getpid(), SIGUSR1);
    check_u64("kill: handler ran", usr_count, 2);
    check_u64("kill: si_code SI_USER", last_code, SI_USER);
    check_u64("kill: si_pid", last_pid, getpid());
    union sigval v = { .sival_int = 1234 };
    sigqueue(getpid(), SIGUSR2, v);
    check_u64("sigqueue: handler ran", usr2_count, 1);
    check_u64("sigqueue: si_code SI_QUEUE", last_code, SI_QUEUE);
    check_u64("sigqueue: si_value", last_value, 1234);
}

static void test_altstack(void)
{
    static char alt[65536] __attribute__((aligned(16)));
    stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0 };
    int local;

    check_u64("sigaltstack", sigaltstack(&ss, NULL), 0);
    install(SIGUSR1, usr_handler, SA_ONSTACK);
    raise(SIGUSR1);
    check_u64("SA_ONSTACK handler sp inside the alt stack",
              handler_sp >= (uint64_t)alt &&
              handler_sp < (uint64_t)alt + sizeof(alt), 1);
    check_u64("SS_ONSTACK inside the handler", handler_onstack, 1);
    install(SIGUSR1, usr_handler, 0);
    raise(SIGUSR1);
    check_u64("without SA_ONSTACK: on the normal stack",
              handler_sp < (uint64_t)alt ||
              handler_sp >= (uint64_t)alt + sizeof(alt), 1);
    check_u64("normal stack is near ours",
              (uint64_t)&local - handler_sp < 65536, 1);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
}

static void nest_handler(int sig, siginfo_t *si, void *uc)
{
    if (order_n < 8) {
        order[order_n++] = sig;
    }
    if (sig == SIGUSR1) {
        raise(SIGUSR2);
        if (order_n < 8) {
            order[order_n++] = 100 + sig;
        }
    }
}

static void mask_handler(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;

    usr_count++;
    sigaddset(&uc->uc_sigmask, SIGUSR2);
}

static void test_masks(void)
{
    sigset_t set, old, pend;
    struct sigaction sa;

    /* Blocked: pending, then delivered on unblock. */
    install(SIGUSR1, usr_handler, 0);
    usr_count = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    check_u64("blocked: not delivered", usr_count, 0);
    sigpending(&pend);
    check_u64("blocked: pending", sigismember(&pend, SIGUSR1), 1);
    sigprocmask(SIG_SETMASK, &old, NULL);
    check_u64("unblocked: delivered", usr_count, 1);

    /* Nested: SIGUSR2 raised in a SIGUSR1 handler runs at once... */
    install(SIGUSR1, nest_handler, 0);
    install(SIGUSR2, nest_handler, 0);
    order_n = 0;
    raise(SIGUSR1);
    check_u64("nested: 3 events", order_n, 3);
    check_u64("nested: order", order[0] * 10000 + order[1] * 100 + order[2],
              SIGUSR1 * 10000 + SIGUSR2 * 100 + 100 + SIGUSR1);
    /* ...but with SIGUSR2 in sa_mask it waits for the handler's return. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = nest_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    order_n = 0;
    raise(SIGUSR1);
    check_u64("sa_mask: 3 events", order_n, 3);
    check_u64("sa_mask: deferred order",
              order[0] * 10000 + order[1] * 100 + order[2],
              SIGUSR1 * 10000 + (100 + SIGUSR1) * 100 + SIGUSR2);

    /* A handler that adds SIGUSR2 to uc_sigmask: blocked after return. */
    install(SIGUSR1, mask_handler, 0);
    usr_count = 0;
    raise(SIGUSR1);
    sigprocmask(SIG_BLOCK, NULL, &set);
    check_u64("uc_sigmask change took effect", sigismember(&set, SIGUSR2),
              1);
    check_u64("uc_sigmask: SIGUSR1 unblocked again",
              sigismember(&set, SIGUSR1), 0);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static int pfd[2];
static volatile int alarm_count;

static void alarm_handler(int sig, siginfo_t *si, void *uc)
{
    alarm_count++;
    if (write(pfd[1], "x", 1) != 1) {
        alarm_count += 100;
    }
}

static void test_restart(void)
{
    struct itimerval it = { .it_value = { .tv_sec = 0, .tv_usec = 200000 } };
    char c;
    long n;

    check_u64("pipe", pipe(pfd), 0);
    install(SIGALRM, alarm_handler, SA_RESTART);
    alarm_count = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    n = read(pfd[0], &c, 1);
    check_u64("SA_RESTART: read restarted and got the byte", n, 1);
    check_u64("SA_RESTART: handler ran once", alarm_count, 1);

    install(SIGALRM, alarm_handler, 0);
    alarm_count = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    errno = 0;
    n = read(pfd[0], &c, 1);
    check_u64("no SA_RESTART: read returns -1", n, (uint64_t)-1);
    check_u64("no SA_RESTART: errno EINTR", errno, EINTR);
    check_u64("no SA_RESTART: handler ran once", alarm_count, 1);
    check_u64("the byte is still in the pipe", read(pfd[0], &c, 1), 1);
    close(pfd[0]);
    close(pfd[1]);
    signal(SIGALRM, SIG_DFL);
}

static sigjmp_buf jb;

static void jump_handler(int sig)
{
    siglongjmp(jb, sig);
}

static void test_longjmp(void)
{
    volatile int rounds = 0;
    sigset_t set;

    signal(SIGSEGV, jump_handler);
    int r = sigsetjmp(jb, 1);
    if (r == 0 || rounds < 3) {
        rounds++;
        *(volatile int *)(uintptr_t)(0x10 * rounds) = 1;
    }
    check_u64("siglongjmp out of SIGSEGV, 3 times", rounds, 3);
    check_u64("siglongjmp value", r, SIGSEGV);
    sigprocmask(SIG_BLOCK, NULL, &set);
    check_u64("SIGSEGV unblocked after siglongjmp",
              sigismember(&set, SIGSEGV), 0);
    signal(SIGSEGV, SIG_DFL);
}

static volatile int spin_flag;
static volatile uint64_t spin_count;

static void spin_handler(int sig)
{
    spin_flag = 1;
}

static void spin(void)
{
    /* No system call and no memory write in the loop: only the flag. */
    uint64_t n = 0;

    while (!spin_flag) {
        n++;
    }
    spin_count = n;
}

static void *spin_thread(void *arg)
{
    spin();
    return NULL;
}

static void test_async(void)
{
    struct itimerval it = { .it_value = { .tv_sec = 0, .tv_usec = 20000 } };
    pthread_t th;

    signal(SIGALRM, spin_handler);
    spin_flag = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    spin();
    check_u64("timer signal interrupts a tight loop", spin_flag, 1);

    signal(SIGUSR1, spin_handler);
    spin_flag = 0;
    check_u64("pthread_create", pthread_create(&th, NULL, spin_thread, NULL),
              0);
    usleep(20000);
    check_u64("pthread_kill", pthread_kill(th, SIGUSR1), 0);
    check_u64("pthread_join", pthread_join(th, NULL), 0);
    check_u64("pthread_kill interrupts a spinning thread", spin_flag, 1);
    signal(SIGALRM, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
}

int main(int argc, char **argv)
{
    test_segv();
    test_sigill_sigtrap();
    test_regs();
    test_self_signals();
    test_altstack();
    test_masks();
    test_restart();
    test_longjmp();
    test_async();
    return t_done();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System call dispatch, and the calls that fit no other area: memory,
 * time, system information, limits, randomness.
 *
 * Most structures of the 64-bit asm-generic ABI (AArch64) have the same
 * layout as x86-64's, and errno and signal numbers agree, so many calls
 * pass guest buffers (g2h, after an access check) straight to the host.
 * What differs is converted where it is used: struct stat, open flags,
 * epoll_event, and pointers inside structures (iovec, msghdr).
 *
 * The areas: syscall-file.c (files, fds, ioctl), syscall-proc.c
 * (processes, threads, ids, futex), syscall-sock.c (sockets, poll,
 * epoll, eventfd, timerfd), signal.c (rt_sig*).
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kestrel/log.h"
#include "user.h"

int64_t host_ret(long r)
{
    if (r == -1) {
        return errno == EINTR ? -TARGET_ERESTARTSYS : -errno;
    }
    return r;
}

/* ------------------------------------------------------------------ */
/* Memory                                                              */

bool do_syscall_mem(CPUARMState *env, int nr, const uint64_t *a,
                    int64_t *ret)
{
    switch (nr) {
    case TARGET_NR_mmap:
        *ret = target_mmap(a[0], a[1], (int)a[2], (int)a[3], (int)a[4],
                           (int64_t)a[5]);
        break;
    case TARGET_NR_munmap:
        *ret = target_munmap(a[0], a[1]);
        break;
    case TARGET_NR_mprotect:
        *ret = target_mprotect(a[0], a[1], (int)a[2]);
        break;
    case TARGET_NR_mremap:
        *ret = target_mremap(a[0], a[1], a[2], (int)a[3], a[4]);
        break;
    case TARGET_NR_brk:
        *ret = target_brk(a[0]);
        break;
    case TARGET_NR_madvise:
        *ret = target_madvise(a[0], a[1], (int)a[2]);
        break;
    case TARGET_NR_msync:
        *ret = target_msync(a[0], a[1], (int)a[2]);
        break;
    case TARGET_NR_mlock:
    case TARGET_NR_munlock:
    case TARGET_NR_mlockall:
    case TARGET_NR_munlockall:
        *ret = 0;
        break;
    case TARGET_NR_mincore: {
        bool bad = false;
        void *vec = gbuf(a[2], (GUEST_PAGE_ALIGN(a[1]) >> 12), PAGE_WRITE,
                         &bad);

        if (bad || !lock_user(a[0], a[1], 0)) {
            *ret = -EFAULT;
        } else {
            *ret = host_ret(mincore(g2h(a[0]), a[1], vec));
        }
        break;
    }
    default:
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Time                                                                */

bool do_syscall_time(CPUARMState *env, int nr, const uint64_t *a,
                     int64_t *ret)
{
    bool bad = false;
    void *p0, *p1, *p2, *p3;

    switch (nr) {
    case TARGET_NR_clock_gettime:
    case TARGET_NR_clock_getres:
        p1 = gbuf(a[1], sizeof(struct timespec), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(nr == TARGET_NR_clock_gettime
                                                ? SYS_clock_gettime
                                                : SYS_clock_getres,
                                                (int)a[0], p1));
        break;
    case TARGET_NR_clock_settime:
        p1 = gbuf(a[1], sizeof(struct timespec), PAGE_READ, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(SYS_clock_settime, (int)a[0], p1));
        break;
    case TARGET_NR_gettimeofday:
        p0 = gbuf(a[0], sizeof(struct timeval), PAGE_WRITE, &bad);
        p1 = gbuf(a[1], sizeof(struct timezone), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(SYS_gettimeofday, p0, p1));
        break;
    case TARGET_NR_settimeofday:
        p0 = gbuf(a[0], sizeof(struct timeval), PAGE_READ, &bad);
        p1 = gbuf(a[1], sizeof(struct timezone), PAGE_READ, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(SYS_settimeofday, p0, p1));
        break;
    case TARGET_NR_nanosleep:
        p0 = gbuf(a[0], sizeof(struct timespec), PAGE_READ, &bad);
        p1 = gbuf(a[1], sizeof(struct timespec), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(SYS_nanosleep, p0, p1));
        break;
    case TARGET_NR_clock_nanosleep:
        p2 = gbuf(a[2], sizeof(struct timespec), PAGE_READ, &bad);
        p3 = gbuf(a[3], sizeof(struct timespec), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(SYS_clock_nanosleep, (int)a[0],
                                      (int)a[1], p2, p3));
        break;
    case TARGET_NR_times:
        p0 = gbuf(a[0], sizeof(struct tms), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(SYS_times, p0));
        break;
    case TARGET_NR_getitimer:
        p1 = gbuf(a[1], sizeof(struct itimerval), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(SYS_getitimer, (int)a[0], p1));
        break;
    case TARGET_NR_setitimer:
        p1 = gbuf(a[1], sizeof(struct itimerval), PAGE_READ, &bad);
        p2 = gbuf(a[2], sizeof(struct itimerval), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(SYS_setitimer, (int)a[0], p1, p2));
        break;
    case TARGET_NR_timer_create:
        /* struct sigevent: same layout; SIGEV_THREAD_ID tids are host. */
        p1 = gbuf(a[1], 64, PAGE_READ, &bad);
        p2 = gbuf(a[2], sizeof(int), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(SYS_timer_create, (int)a[0], p1, p2));
        break;
    case TARGET_NR_timer_settime:
        p2 = gbuf(a[2], sizeof(struct itimerspec), PAGE_READ, &bad);
        p3 = gbuf(a[3], sizeof(struct itimerspec), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(SYS_timer_settime, (int)a[0],
                                      (int)a[1], p2, p3));
        break;
    case TARGET_NR_timer_gettime:
        p1 = gbuf(a[1], sizeof(struct itimerspec), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(SYS_timer_gettime, (int)a[0], p1));
        break;
    case TARGET_NR_timer_getoverrun:
    case TARGET_NR_timer_delete:
        *ret = host_ret(syscall(nr == TARGET_NR_timer_delete
                                ? SYS_timer_delete : SYS_timer_getoverrun,
                                (int)a[0]));
        break;
    default:
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* System information, limits, misc                                    */

static int64_t do_uname(uint64_t addr)
{
    struct utsname u;

    if (uname(&u) < 0) {
        return -errno;
    }
    g_strlcpy(u.machine, "aarch64", sizeof(u.machine));
    return copy_to_user(addr, &u, sizeof(u));
}

static int64_t do_prlimit(int pid, int res, uint64_t new, uint64_t old)
{
    bool bad = false;
    void *pn = gbuf(new, sizeof(struct rlimit), PAGE_READ, &bad);
    void *po = gbuf(old, sizeof(struct rlimit), PAGE_WRITE, &bad);

    if (bad) {
        return -EFAULT;
    }
    /* Our own address-space reservation must not count against AS. */
    if (res == RLIMIT_AS && pn) {
        return old ? host_ret(syscall(SYS_prlimit64, pid, res, NULL, po))
                   : 0;
    }
    return host_ret(syscall(SYS_prlimit64, pid, res, pn, po));
}

static bool do_syscall_misc(CPUARMState *env, int nr, const uint64_t *a,
                            int64_t *ret)
{
    bool bad = false;
    void *p;

    switch (nr) {
    case TARGET_NR_uname:
        *ret = do_uname(a[0]);
        break;
    case TARGET_NR_sysinfo:
        p = gbuf(a[0], sizeof(struct sysinfo), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(SYS_sysinfo, p));
        break;
    case TARGET_NR_getrlimit:
        *ret = do_prlimit(0, (int)a[0], 0, a[1]);
        break;
    case TARGET_NR_setrlimit:
        *ret = do_prlimit(0, (int)a[0], a[1], 0);
        break;
    case TARGET_NR_prlimit64:
        *ret = do_prlimit((int)a[0], (int)a[1], a[2], a[3]);
        break;
    case TARGET_NR_getrusage:
        p = gbuf(a[1], sizeof(struct rusage), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(SYS_getrusage, (int)a[0], p));
        break;
    case TARGET_NR_getrandom:
        p = gbuf(a[0], a[1], PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(SYS_getrandom, p, a[1],
                                                (unsigned)a[2]));
        break;
    case TARGET_NR_umask:
        *ret = umask((mode_t)a[0]);
        break;
    case TARGET_NR_personality:
        /* Only querying (0xffffffff) and PER_LINUX (0) are meaningful. */
        *ret = 0;
        break;
    case TARGET_NR_syslog:
        *ret = -EPERM;
        break;
    case TARGET_NR_sethostname:
    case TARGET_NR_setdomainname:
        p = gbuf(a[0], a[1], PAGE_READ, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(nr == TARGET_NR_sethostname
                                      ? SYS_sethostname : SYS_setdomainname,
                                      p, a[1]));
        break;
    case TARGET_NR_getcpu:
        *ret = host_ret(syscall(SYS_getcpu,
                                gbuf(a[0], 4, PAGE_WRITE, &bad),
                                gbuf(a[1], 4, PAGE_WRITE, &bad), NULL));
        break;
    case TARGET_NR_reboot:
        *ret = -EPERM;
        break;
    default:
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

int64_t do_syscall(CPUARMState *env, int nr, uint64_t a1, uint64_t a2,
                   uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    const uint64_t a[6] = { a1, a2, a3, a4, a5, a6 };
    int64_t ret = -ENOSYS;

    if (do_syscall_file(env, nr, a, &ret) ||
        do_syscall_mem(env, nr, a, &ret) ||
        do_syscall_proc(env, nr, a, &ret) ||
        do_syscall_sock(env, nr, a, &ret) ||
        do_syscall_time(env, nr, a, &ret) ||
        do_syscall_misc(env, nr, a, &ret)) {
        return ret;
    }
    switch (nr) {
    case TARGET_NR_rt_sigaction:
        return do_rt_sigaction((int)a1, a2, a3, a4);
    case TARGET_NR_rt_sigprocmask:
        return do_rt_sigprocmask((int)a1, a2, a3, a4);
    case TARGET_NR_rt_sigreturn:
        return do_rt_sigreturn(env);
    case TARGET_NR_sigaltstack:
        return do_sigaltstack(env, a1, a2);
    case TARGET_NR_rt_sigsuspend:
        return do_rt_sigsuspend(a1, a2);
    case TARGET_NR_rt_sigpending:
        return do_rt_sigpending(a1, a2);
    case TARGET_NR_rt_sigtimedwait:
        return do_rt_sigtimedwait(a1, a2, a3, a4);
    case TARGET_NR_rseq:
    case TARGET_NR_clone3:
    case TARGET_NR_set_robust_list:
    case TARGET_NR_get_robust_list:
    case TARGET_NR_io_uring_setup:
        return -ENOSYS;
    }
    {
        const char *name = syscall_name(nr);

        if (name) {
            log_mask(LOG_UNIMP, "unimplemented syscall %s (%d)\n", name,
                     nr);
        } else {
            log_mask(LOG_UNIMP, "unknown syscall %d\n", nr);
        }
    }
    return -ENOSYS;
}

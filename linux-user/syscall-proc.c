/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Processes and threads: clone, execve, exit, wait, kill, ids, futex,
 * scheduling, prctl.
 *
 * clone without CLONE_VM (or with CLONE_VFORK) is a host fork: the child
 * carries on in its own copy of everything, Kestrel included.  clone
 * with CLONE_VM | CLONE_THREAD is a host thread with its own vCPU
 * (do_clone_thread); guest tids are host tids, so kill/tgkill and futex
 * (on guest_base + uaddr) go straight to the host kernel.
 *
 * execve of an AArch64 ELF re-executes Kestrel (/proc/self/exe) with the
 * options that should carry over; a #! script whose interpreter is an
 * AArch64 ELF runs that interpreter the same way; any other program
 * (a host binary, a script for a host interpreter) is executed natively.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kestrel/log.h"
#include "kestrel/gdbstub.h"
#include "kestrel/tb.h"
#include "user.h"

static int thread_count = 1;

G_NORETURN void user_exit_group(int status)
{
    gdbserver_user_exit(status);
    if (log_enabled(LOG_TB_STATS)) {
        tcg_print_stats(log_file());
        tcg_dump_hot_tbs(log_file(), 10);
    }
    fflush(NULL);
    _exit(status);
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */

typedef struct ThreadStart {
    TaskState *ts;
    uint64_t flags, ptid, ctid;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pid_t tid;
} ThreadStart;

static void *thread_main(void *opaque)
{
    ThreadStart *st = opaque;
    TaskState *ts = st->ts;
    pid_t tid = syscall(SYS_gettid);

    ts->tid = tid;
    if (st->flags & CLONE_CHILD_SETTID) {
        copy_to_user(st->ctid, &tid, sizeof(tid));
    }
    if (st->flags & CLONE_PARENT_SETTID) {
        copy_to_user(st->ptid, &tid, sizeof(tid));
    }
    signal_init_thread(ts);
    pthread_mutex_lock(&st->lock);
    st->tid = tid;
    pthread_cond_signal(&st->cond);
    pthread_mutex_unlock(&st->lock);
    /* st is gone from here on. */
    cpu_loop(ts->cpu);
}

int64_t do_clone_thread(CPUARMState *env, uint64_t flags, uint64_t newsp,
                        uint64_t ptid, uint64_t ctid, uint64_t tls)
{
    TaskState *parent = thread_ts, *ts;
    g_autoptr(GError) err = NULL;
    ThreadStart st;
    pthread_attr_t attr;
    pthread_t th;
    sigset_t all, old;
    ARMCPU *cpu;
    int r;

    cpu = aarch64_cpu_create(user_opts.cpu_model, true, &err);
    if (!cpu) {
        return -ENOMEM;
    }
    memcpy(&cpu->env, env, sizeof(*env));
    cpu->env.xregs[0] = 0;
    cpu->env.exclusive_addr = ~0ull;
    if (newsp) {
        cpu->env.xregs[31] = newsp;
    }
    if (flags & CLONE_SETTLS) {
        cpu->env.tpidr_el0 = tls;
    }
    ts = g_new0(TaskState, 1);
    ts->cpu = cpu;
    cpu->parent.opaque = ts;
    ts->sigmask = parent->sigmask;
    ts->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0;

    memset(&st, 0, sizeof(st));
    st.ts = ts;
    st.flags = flags;
    st.ptid = ptid;
    st.ctid = ctid;
    pthread_mutex_init(&st.lock, NULL);
    pthread_cond_init(&st.cond, NULL);

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 4 << 20);
    /* The thread starts with everything blocked, then takes its mask. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    __atomic_add_fetch(&thread_count, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&st.lock);
    r = pthread_create(&th, &attr, thread_main, &st);
    if (r == 0) {
        while (!st.tid) {
            pthread_cond_wait(&st.cond, &st.lock);
        }
    }
    pthread_mutex_unlock(&st.lock);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    pthread_cond_destroy(&st.cond);
    pthread_mutex_destroy(&st.lock);
    if (r != 0) {
        __atomic_sub_fetch(&thread_count, 1, __ATOMIC_SEQ_CST);
        aarch64_cpu_free(cpu);
        g_free(ts);
        return -r;
    }
    return st.tid;
}

G_NORETURN void do_thread_exit(CPUARMState *env, int status)
{
    TaskState *ts = thread_ts;

    if (__atomic_sub_fetch(&thread_count, 1, __ATOMIC_SEQ_CST) == 0) {
        user_exit_group(status);
    }
    if (ts->clear_child_tid) {
        uint32_t zero = 0;

        if (copy_to_user(ts->clear_child_tid, &zero, 4) == 0) {
            syscall(SYS_futex, g2h(ts->clear_child_tid), FUTEX_WAKE,
                    INT32_MAX, NULL, NULL, 0);
        }
    }
    /* The vCPU stays registered with the TB cache: others may hold it. */
    thread_ts = NULL;
    pthread_exit(NULL);
}

static int64_t do_fork(CPUARMState *env, uint64_t flags, uint64_t newsp,
                       uint64_t ptid, uint64_t ctid, uint64_t tls)
{
    TaskState *ts = thread_ts;
    pid_t pid;

    if (flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_PARENT | CLONE_FS |
                 CLONE_FILES | CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID |
                 CLONE_PIDFD)) {
        log_mask(LOG_UNIMP, "clone: unsupported flags 0x%" G_GINT64_MODIFIER
                 "x\n", flags);
        return -EINVAL;
    }
    fflush(NULL);
    /* Lock order: mmap_lock, then the TB lock (see tcg_fork_prepare). */
    mmap_lock();
    tcg_fork_prepare();
    pid = fork();
    if (pid == 0) {
        g_autoptr(GError) err = NULL;

        /* Fresh TB lock and a code buffer of the child's own. */
        if (!tcg_fork_child(&user_opts.tcg, &err)) {
            fprintf(stderr, "kestrel-aarch64: fork: %s\n", err->message);
            _exit(127);
        }
        mmap_unlock();
        gdbserver_user_fork_child();
        ts->tid = getpid();
        thread_count = 1;
        if (newsp) {
            env->xregs[31] = newsp;
        }
        if (flags & CLONE_SETTLS) {
            env->tpidr_el0 = tls;
        }
        if (flags & CLONE_CHILD_SETTID) {
            copy_to_user(ctid, &ts->tid, sizeof(pid_t));
        }
        if (flags & CLONE_CHILD_CLEARTID) {
            ts->clear_child_tid = ctid;
        }
        return 0;
    }
    tcg_fork_parent();
    mmap_unlock();
    if (pid < 0) {
        return -errno;
    }
    if (flags & CLONE_PARENT_SETTID) {
        copy_to_user(ptid, &pid, sizeof(pid));
    }
    return pid;
}

static int64_t do_clone(CPUARMState *env, const uint64_t *a)
{
    uint64_t flags = a[0];

    /*
     * arm64 has CONFIG_CLONE_BACKWARDS: flags, newsp, parent_tidptr, tls,
     * child_tidptr (glibc's clone.S passes them so).
     */
    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) {
        if ((flags & (CLONE_THREAD | CLONE_SIGHAND)) !=
            (CLONE_THREAD | CLONE_SIGHAND)) {
            log_mask(LOG_UNIMP, "clone: CLONE_VM without CLONE_THREAD\n");
            return -EINVAL;
        }
        return do_clone_thread(env, flags, a[1], a[2], a[4], a[3]);
    }
    return do_fork(env, flags & ~(uint64_t)(CLONE_VM | CLONE_VFORK |
                                             CSIGNAL),
                   a[1], a[2], a[4], a[3]);
}

/* ------------------------------------------------------------------ */
/* execve                                                              */

/* A NULL-terminated guest pointer array as host strings, or NULL. */
static GPtrArray *get_strv(uint64_t addr, bool *bad)
{
    GPtrArray *v = g_ptr_array_new();

    for (uint64_t i = 0; addr; i++) {
        uint64_t p;
        char *s;

        if (copy_from_user(&p, addr + i * 8, 8)) {
            *bad = true;
            break;
        }
        if (!p) {
            break;
        }
        s = lock_user_string(p);
        if (!s) {
            *bad = true;
            break;
        }
        g_ptr_array_add(v, s);
    }
    return v;
}

/* "#!interp arg" of a script: interp and arg (may be NULL). */
static bool parse_shebang(const char *path, char **interp, char **arg)
{
    char buf[256], *p, *end;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return false;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 3) {
        return false;
    }
    buf[n] = 0;
    end = strchr(buf, '\n');
    if (end) {
        *end = 0;
    }
    p = buf + 2;
    p += strspn(p, " \t");
    end = p + strcspn(p, " \t");
    if (end == p) {
        return false;
    }
    *interp = g_strndup(p, end - p);
    p = end + strspn(end, " \t");
    g_strchomp(p);
    *arg = *p ? g_strdup(p) : NULL;
    return true;
}

static char *sysroot_path(const char *path)
{
    return g_strdup(path_remap(path));
}

static int64_t exec_kestrel(const char *argv0, GPtrArray *prefix,
                            const char *prog, GPtrArray *args,
                            char **envp)
{
    GPtrArray *v = g_ptr_array_new();

    g_ptr_array_add(v, "kestrel-aarch64");
    for (guint i = 0; i < user_opts.reexec_args->len; i++) {
        g_ptr_array_add(v, g_ptr_array_index(user_opts.reexec_args, i));
    }
    g_ptr_array_add(v, "-0");
    g_ptr_array_add(v, (char *)argv0);
    g_ptr_array_add(v, (char *)prog);
    for (guint i = 0; prefix && i < prefix->len; i++) {
        g_ptr_array_add(v, g_ptr_array_index(prefix, i));
    }
    for (guint i = 1; i < args->len; i++) {
        g_ptr_array_add(v, g_ptr_array_index(args, i));
    }
    g_ptr_array_add(v, NULL);
    fflush(NULL);
    execve("/proc/self/exe", (char **)v->pdata, envp);
    g_ptr_array_free(v, true);
    return -errno;
}

int64_t do_execve(const char *gpath, uint64_t argv_addr, uint64_t envp_addr)
{
    bool bad = false;
    g_autoptr(GPtrArray) args = get_strv(argv_addr, &bad);
    g_autoptr(GPtrArray) envs = get_strv(envp_addr, &bad);
    const char *path = path_remap(gpath);
    const char *argv0;
    int kind;

    if (bad) {
        return -EFAULT;
    }
    argv0 = args->len ? g_ptr_array_index(args, 0) : path;
    g_ptr_array_add(envs, NULL);
    kind = elf_probe_file(path);
    if (kind < 0) {
        return kind;
    }
    if (access(path, X_OK) < 0) {
        return -errno;
    }
    if (kind == 1) {
        return exec_kestrel(argv0, NULL, path, args, (char **)envs->pdata);
    }
    if (kind == 3) {
        g_autofree char *interp = NULL, *arg = NULL, *ipath = NULL;

        if (parse_shebang(path, &interp, &arg)) {
            ipath = sysroot_path(interp);
            if (elf_probe_file(ipath) == 1) {
                g_autoptr(GPtrArray) pre = g_ptr_array_new();

                if (arg) {
                    g_ptr_array_add(pre, arg);
                }
                g_ptr_array_add(pre, (char *)gpath);
                return exec_kestrel(interp, pre, ipath, args,
                                    (char **)envs->pdata);
            }
        }
    }
    /* Not ours: let the host run it. */
    g_ptr_array_add(args, NULL);
    fflush(NULL);
    execve(path, (char **)args->pdata, (char **)envs->pdata);
    return -errno;
}

/* ------------------------------------------------------------------ */
/* futex                                                               */

static int64_t do_futex(const uint64_t *a)
{
    int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;
    void *uaddr = lock_user(a[0], 4, PAGE_READ);
    void *uaddr2 = NULL;
    bool bad = false;
    uint64_t arg4 = a[3];

    if (!uaddr) {
        return -EFAULT;
    }
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_WAIT_REQUEUE_PI:
        arg4 = (uintptr_t)gbuf(a[3], sizeof(struct timespec), PAGE_READ,
                               &bad);
        break;
    }
    switch (cmd) {
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
    case FUTEX_WAIT_REQUEUE_PI:
    case FUTEX_CMP_REQUEUE_PI:
        uaddr2 = gbuf(a[4], 4, PAGE_READ, &bad);
        break;
    }
    if (bad) {
        return -EFAULT;
    }
    return host_ret(syscall(SYS_futex, uaddr, op, (uint32_t)a[2],
                            (uintptr_t)arg4, uaddr2, (uint32_t)a[5]));
}

/* ------------------------------------------------------------------ */
/* prctl, scheduling                                                   */

static int64_t do_prctl(const uint64_t *a)
{
    void *p;

    switch ((int)a[0]) {
    case PR_SET_NAME:
    case PR_GET_NAME:
        p = lock_user(a[1], 16, (int)a[0] == PR_GET_NAME ? PAGE_WRITE
                                                          : PAGE_READ);
        return p ? host_ret(prctl((int)a[0], p)) : -EFAULT;
    case PR_GET_PDEATHSIG:
        p = lock_user(a[1], 4, PAGE_WRITE);
        return p ? host_ret(prctl((int)a[0], p)) : -EFAULT;
    case PR_SET_PDEATHSIG:
    case PR_GET_DUMPABLE:
    case PR_SET_DUMPABLE:
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS:
    case PR_SET_CHILD_SUBREAPER:
    case PR_GET_KEEPCAPS:
    case PR_SET_KEEPCAPS:
    case PR_CAPBSET_READ:
        return host_ret(prctl((int)a[0], a[1], a[2], a[3], a[4]));
    default:
        /* Seccomp, SVE, pointer auth, tagged addresses: not emulated. */
        log_mask(LOG_UNIMP, "prctl: unsupported option %d\n", (int)a[0]);
        return -EINVAL;
    }
}

static bool do_sched(int nr, const uint64_t *a, int64_t *ret)
{
    bool bad = false;
    void *p;

    switch (nr) {
    case TARGET_NR_sched_yield:
        *ret = host_ret(sched_yield());
        break;
    case TARGET_NR_sched_getaffinity:
        p = lock_user(a[2], a[1], PAGE_WRITE);
        *ret = p ? host_ret(syscall(SYS_sched_getaffinity, (int)a[0], a[1],
                                    p)) : -EFAULT;
        break;
    case TARGET_NR_sched_setaffinity:
        p = lock_user(a[2], a[1], PAGE_READ);
        *ret = p ? host_ret(syscall(SYS_sched_setaffinity, (int)a[0], a[1],
                                    p)) : -EFAULT;
        break;
    case TARGET_NR_sched_getscheduler:
        *ret = host_ret(syscall(SYS_sched_getscheduler, (int)a[0]));
        break;
    case TARGET_NR_sched_get_priority_max:
    case TARGET_NR_sched_get_priority_min:
        *ret = host_ret(syscall(nr == TARGET_NR_sched_get_priority_max
                                ? SYS_sched_get_priority_max
                                : SYS_sched_get_priority_min, (int)a[0]));
        break;
    case TARGET_NR_sched_getparam:
    case TARGET_NR_sched_setparam:
        p = gbuf(a[1], sizeof(int), PAGE_READ | PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(nr == TARGET_NR_sched_getparam
                                      ? SYS_sched_getparam
                                      : SYS_sched_setparam, (int)a[0], p));
        break;
    case TARGET_NR_sched_setscheduler:
        p = gbuf(a[2], sizeof(int), PAGE_READ, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(SYS_sched_setscheduler,
                                                (int)a[0], (int)a[1], p));
        break;
    case TARGET_NR_getpriority:
        *ret = host_ret(syscall(SYS_getpriority, (int)a[0], (int)a[1]));
        break;
    case TARGET_NR_setpriority:
        *ret = host_ret(syscall(SYS_setpriority, (int)a[0], (int)a[1],
                                (int)a[2]));
        break;
    default:
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* ids                                                                 */

static bool do_ids(int nr, const uint64_t *a, int64_t *ret)
{
    static const struct {
        int target;
        long host;
        int nargs;
    } plain[] = {
        { TARGET_NR_getpid, SYS_getpid, 0 },
        { TARGET_NR_getppid, SYS_getppid, 0 },
        { TARGET_NR_gettid, SYS_gettid, 0 },
        { TARGET_NR_getuid, SYS_getuid, 0 },
        { TARGET_NR_geteuid, SYS_geteuid, 0 },
        { TARGET_NR_getgid, SYS_getgid, 0 },
        { TARGET_NR_getegid, SYS_getegid, 0 },
        { TARGET_NR_setsid, SYS_setsid, 0 },
        { TARGET_NR_getpgid, SYS_getpgid, 1 },
        { TARGET_NR_getsid, SYS_getsid, 1 },
        { TARGET_NR_setpgid, SYS_setpgid, 2 },
        /* Raw calls: per thread, as the kernel does (glibc broadcasts). */
        { TARGET_NR_setuid, SYS_setuid, 1 },
        { TARGET_NR_setgid, SYS_setgid, 1 },
        { TARGET_NR_setreuid, SYS_setreuid, 2 },
        { TARGET_NR_setregid, SYS_setregid, 2 },
        { TARGET_NR_setresuid, SYS_setresuid, 3 },
        { TARGET_NR_setresgid, SYS_setresgid, 3 },
        { TARGET_NR_setfsuid, SYS_setfsuid, 1 },
        { TARGET_NR_setfsgid, SYS_setfsgid, 1 },
        { TARGET_NR_kill, SYS_kill, 2 },
        { TARGET_NR_tkill, SYS_tkill, 2 },
        { TARGET_NR_tgkill, SYS_tgkill, 3 },
    };
    bool bad = false;
    void *p[3];

    for (size_t i = 0; i < G_N_ELEMENTS(plain); i++) {
        if (plain[i].target == nr) {
            *ret = host_ret(syscall(plain[i].host, (long)a[0], (long)a[1],
                                    (long)a[2]));
            return true;
        }
    }
    switch (nr) {
    case TARGET_NR_getresuid:
    case TARGET_NR_getresgid:
        for (int i = 0; i < 3; i++) {
            p[i] = gbuf(a[i], 4, PAGE_WRITE, &bad);
        }
        *ret = bad ? -EFAULT
                   : host_ret(syscall(nr == TARGET_NR_getresuid
                                      ? SYS_getresuid : SYS_getresgid,
                                      p[0], p[1], p[2]));
        return true;
    case TARGET_NR_getgroups:
    case TARGET_NR_setgroups:
        p[0] = gbuf(a[1], 4 * (a[0] & 0xffff), nr == TARGET_NR_getgroups
                    ? PAGE_WRITE : PAGE_READ, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(nr == TARGET_NR_getgroups
                                      ? SYS_getgroups : SYS_setgroups,
                                      (int)a[0], p[0]));
        return true;
    case TARGET_NR_rt_sigqueueinfo:
    case TARGET_NR_rt_tgsigqueueinfo: {
        /* siginfo has the same 128-byte layout on both sides. */
        bool tg = nr == TARGET_NR_rt_tgsigqueueinfo;

        p[0] = gbuf(a[tg ? 3 : 2], 128, PAGE_READ, &bad);
        *ret = bad ? -EFAULT
                   : tg ? host_ret(syscall(SYS_rt_tgsigqueueinfo, (int)a[0],
                                           (int)a[1], (int)a[2], p[0]))
                        : host_ret(syscall(SYS_rt_sigqueueinfo, (int)a[0],
                                           (int)a[1], p[0]));
        return true;
    }
    case TARGET_NR_capget:
    case TARGET_NR_capset:
        p[0] = gbuf(a[0], 8, PAGE_READ | PAGE_WRITE, &bad);
        p[1] = gbuf(a[1], 24, nr == TARGET_NR_capget ? PAGE_WRITE
                                                     : PAGE_READ, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(nr == TARGET_NR_capget ? SYS_capget
                                                             : SYS_capset,
                                      p[0], p[1]));
        return true;
    }
    return false;
}

/* ------------------------------------------------------------------ */

bool do_syscall_proc(CPUARMState *env, int nr, const uint64_t *a,
                     int64_t *ret)
{
    bool bad = false;
    void *p, *q;
    const char *s;

    if (do_ids(nr, a, ret) || do_sched(nr, a, ret)) {
        return true;
    }
    switch (nr) {
    case TARGET_NR_clone:
        *ret = do_clone(env, a);
        break;
    case TARGET_NR_execve:
        s = lock_user_string(a[0]);
        *ret = s ? do_execve(s, a[1], a[2]) : -EFAULT;
        break;
    case TARGET_NR_exit:
        do_thread_exit(env, (int)a[0]);
    case TARGET_NR_exit_group:
        user_exit_group((int)a[0]);
    case TARGET_NR_wait4:
        p = gbuf(a[1], sizeof(int), PAGE_WRITE, &bad);
        q = gbuf(a[3], sizeof(struct rusage), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(SYS_wait4, (int)a[0], p,
                                                (int)a[2], q));
        break;
    case TARGET_NR_waitid:
        p = gbuf(a[2], sizeof(TargetSiginfo), PAGE_WRITE, &bad);
        q = gbuf(a[4], sizeof(struct rusage), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(SYS_waitid, (int)a[0], (int)a[1], p,
                                      (int)a[3], q));
        break;
    case TARGET_NR_set_tid_address:
        thread_ts->clear_child_tid = a[0];
        *ret = thread_ts->tid;
        break;
    case TARGET_NR_futex:
        *ret = do_futex(a);
        break;
    case TARGET_NR_prctl:
        *ret = do_prctl(a);
        break;
    case TARGET_NR_membarrier:
        *ret = host_ret(syscall(SYS_membarrier, (int)a[0], (unsigned)a[1],
                                (int)a[2]));
        break;
    case TARGET_NR_unshare:
    case TARGET_NR_setns:
        *ret = -EPERM;
        break;
    default:
        return false;
    }
    return true;
}

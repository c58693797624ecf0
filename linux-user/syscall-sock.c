/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sockets and waiting on descriptors: socket calls, poll/ppoll/pselect6,
 * epoll, eventfd, timerfd, signalfd.
 *
 * Socket structures (sockaddr, msghdr, cmsghdr, linger, timeval) have
 * the same layout on both sides; msghdr holds guest pointers, which are
 * translated.  epoll_event is packed (12 bytes) on x86-64 but not on
 * AArch64 (16 bytes): converted.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kestrel/log.h"
#include "user.h"

/* AArch64 struct epoll_event: not packed. */
typedef struct TargetEpollEvent {
    uint32_t events;
    uint32_t pad;
    uint64_t data;
} TargetEpollEvent;

/* The guest's struct msghdr (64-bit layout). */
typedef struct TargetMsghdr {
    uint64_t msg_name;
    uint32_t msg_namelen;
    uint32_t pad0;
    uint64_t msg_iov;
    uint64_t msg_iovlen;
    uint64_t msg_control;
    uint64_t msg_controllen;
    int32_t msg_flags;
    int32_t pad1;
} TargetMsghdr;
_Static_assert(sizeof(TargetMsghdr) == sizeof(struct msghdr), "msghdr");

/* ------------------------------------------------------------------ */
/* msghdr                                                              */

static int64_t do_msg(int fd, uint64_t addr, int flags, bool send)
{
    TargetMsghdr *gm = lock_user(addr, sizeof(*gm), PAGE_READ | PAGE_WRITE);
    int data_acc = send ? PAGE_READ : PAGE_WRITE;
    struct msghdr hm;
    int64_t ret = 0;
    bool bad = false;

    if (!gm) {
        return -EFAULT;
    }
    memset(&hm, 0, sizeof(hm));
    hm.msg_name = gbuf(gm->msg_name, gm->msg_namelen, data_acc, &bad);
    hm.msg_namelen = gm->msg_namelen;
    hm.msg_control = gbuf(gm->msg_control, gm->msg_controllen, data_acc,
                          &bad);
    hm.msg_controllen = gm->msg_controllen;
    hm.msg_flags = gm->msg_flags;
    if (bad) {
        return -EFAULT;
    }
    hm.msg_iovlen = gm->msg_iovlen;
    hm.msg_iov = lock_iovec(gm->msg_iov, gm->msg_iovlen, data_acc, &ret);
    if (!hm.msg_iov) {
        return ret;
    }
    /* SCM_RIGHTS fds and credentials need no translation. */
    ret = host_ret(send ? sendmsg(fd, &hm, flags) : recvmsg(fd, &hm, flags));
    if (!send && ret >= 0) {
        gm->msg_namelen = hm.msg_namelen;
        gm->msg_controllen = hm.msg_controllen;
        gm->msg_flags = hm.msg_flags;
    }
    g_free(hm.msg_iov);
    return ret;
}

/* sendmmsg/recvmmsg: one message at a time. */
static int64_t do_mmsg(int fd, uint64_t vec, unsigned vlen, int flags,
                       bool send)
{
    unsigned i;

    for (i = 0; i < vlen; i++) {
        uint64_t m = vec + i * 64;   /* struct mmsghdr: msghdr + len */
        int64_t r = do_msg(fd, m, flags, send);
        uint32_t len;

        if (r < 0) {
            return i ? (int64_t)i : r;
        }
        len = (uint32_t)r;
        if (copy_to_user(m + 56, &len, 4)) {
            return i ? (int64_t)i : -EFAULT;
        }
        if (!send && (flags & MSG_WAITFORONE)) {
            flags |= MSG_DONTWAIT;
        }
    }
    return i;
}

/* The socklen_t at addrlen, for an address buffer at addr (0 if none). */
static int64_t sock_addr_call(int nr, const uint64_t *a)
{
    bool bad = false;
    socklen_t *lenp = gbuf(a[2], sizeof(socklen_t), PAGE_READ | PAGE_WRITE,
                           &bad);
    void *addr;

    if (bad) {
        return -EFAULT;
    }
    addr = gbuf(a[1], lenp ? *lenp : 0, PAGE_WRITE, &bad);
    if (bad) {
        return -EFAULT;
    }
    switch (nr) {
    case TARGET_NR_accept:
        return host_ret(accept((int)a[0], addr, lenp));
    case TARGET_NR_accept4:
        return host_ret(accept4((int)a[0], addr, lenp,
                                target_to_host_open_flags((int)a[3])));
    case TARGET_NR_getsockname:
        return host_ret(getsockname((int)a[0], addr, lenp));
    default:
        return host_ret(getpeername((int)a[0], addr, lenp));
    }
}

static bool do_socket_call(int nr, const uint64_t *a, int64_t *ret)
{
    bool bad = false;
    void *p, *q;

    switch (nr) {
    case TARGET_NR_socket:
        *ret = host_ret(socket((int)a[0], (int)a[1], (int)a[2]));
        break;
    case TARGET_NR_socketpair:
        p = lock_user(a[3], 2 * sizeof(int), PAGE_WRITE);
        *ret = p ? host_ret(socketpair((int)a[0], (int)a[1], (int)a[2], p))
                 : -EFAULT;
        break;
    case TARGET_NR_bind:
    case TARGET_NR_connect:
        p = lock_user(a[1], a[2], PAGE_READ);
        if (!p) {
            *ret = -EFAULT;
        } else if (nr == TARGET_NR_bind) {
            *ret = host_ret(bind((int)a[0], p, (socklen_t)a[2]));
        } else {
            *ret = host_ret(connect((int)a[0], p, (socklen_t)a[2]));
        }
        break;
    case TARGET_NR_listen:
        *ret = host_ret(listen((int)a[0], (int)a[1]));
        break;
    case TARGET_NR_accept:
    case TARGET_NR_accept4:
    case TARGET_NR_getsockname:
    case TARGET_NR_getpeername:
        *ret = sock_addr_call(nr, a);
        break;
    case TARGET_NR_sendto:
        p = lock_user(a[1], a[2], PAGE_READ);
        q = gbuf(a[4], a[5], PAGE_READ, &bad);
        *ret = !p || bad ? -EFAULT
                         : host_ret(sendto((int)a[0], p, a[2], (int)a[3], q,
                                           (socklen_t)a[5]));
        break;
    case TARGET_NR_recvfrom: {
        socklen_t *lenp = gbuf(a[5], sizeof(socklen_t),
                               PAGE_READ | PAGE_WRITE, &bad);

        p = lock_user(a[1], a[2], PAGE_WRITE);
        q = bad ? NULL : gbuf(a[4], lenp ? *lenp : 0, PAGE_WRITE, &bad);
        *ret = !p || bad ? -EFAULT
                         : host_ret(recvfrom((int)a[0], p, a[2], (int)a[3],
                                             q, lenp));
        break;
    }
    case TARGET_NR_setsockopt:
        p = gbuf(a[3], a[4], PAGE_READ, &bad);
        *ret = bad ? -EFAULT : host_ret(setsockopt((int)a[0], (int)a[1],
                                                   (int)a[2], p,
                                                   (socklen_t)a[4]));
        break;
    case TARGET_NR_getsockopt: {
        socklen_t *lenp = lock_user(a[4], sizeof(socklen_t),
                                    PAGE_READ | PAGE_WRITE);

        p = lenp ? gbuf(a[3], *lenp, PAGE_WRITE, &bad) : NULL;
        *ret = !lenp || bad ? -EFAULT
                            : host_ret(getsockopt((int)a[0], (int)a[1],
                                                  (int)a[2], p, lenp));
        break;
    }
    case TARGET_NR_shutdown:
        *ret = host_ret(shutdown((int)a[0], (int)a[1]));
        break;
    case TARGET_NR_sendmsg:
    case TARGET_NR_recvmsg:
        *ret = do_msg((int)a[0], a[1], (int)a[2], nr == TARGET_NR_sendmsg);
        break;
    case TARGET_NR_sendmmsg:
    case TARGET_NR_recvmmsg:
        *ret = do_mmsg((int)a[0], a[1], (unsigned)a[2], (int)a[3],
                       nr == TARGET_NR_sendmmsg);
        break;
    default:
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* poll, select                                                        */

/* A guest sigset pointer for ppoll/pselect/epoll_pwait as a host set. */
static int get_sigmask(uint64_t addr, uint64_t size, sigset_t *set,
                       sigset_t **out)
{
    uint64_t mask;

    *out = NULL;
    if (!addr) {
        return 0;
    }
    if (size != 8) {
        return -EINVAL;
    }
    if (copy_from_user(&mask, addr, 8)) {
        return -EFAULT;
    }
    sigemptyset(set);
    for (int sig = 1; sig <= TARGET_NSIG; sig++) {
        if ((mask & sig_bit(sig)) && sig != SIGSEGV && sig != SIGBUS) {
            sigaddset(set, sig);
        }
    }
    *out = set;
    return 0;
}

static int64_t do_ppoll(const uint64_t *a)
{
    struct pollfd *fds = lock_user(a[0], a[1] * sizeof(struct pollfd),
                                   PAGE_READ | PAGE_WRITE);
    bool bad = false;
    struct timespec *tmo = gbuf(a[2], sizeof(*tmo), PAGE_READ | PAGE_WRITE,
                                &bad);
    sigset_t set, *setp;
    int r;

    if ((!fds && a[1]) || bad) {
        return -EFAULT;
    }
    r = get_sigmask(a[3], a[4], &set, &setp);
    if (r < 0) {
        return r;
    }
    r = ppoll(fds, a[1], tmo, setp);
    /* Interrupted: don't restart, report it (ERESTARTNOHAND-ish). */
    return r < 0 ? -errno : r;
}

static int64_t do_pselect6(const uint64_t *a)
{
    bool bad = false;
    fd_set *r = gbuf(a[1], sizeof(fd_set), PAGE_READ | PAGE_WRITE, &bad);
    fd_set *w = gbuf(a[2], sizeof(fd_set), PAGE_READ | PAGE_WRITE, &bad);
    fd_set *e = gbuf(a[3], sizeof(fd_set), PAGE_READ | PAGE_WRITE, &bad);
    struct timespec *tmo = gbuf(a[4], sizeof(*tmo), PAGE_READ | PAGE_WRITE,
                                &bad);
    uint64_t sig[2] = { 0, 0 };
    sigset_t set, *setp = NULL;
    int ret;

    if (bad || (a[5] && copy_from_user(sig, a[5], sizeof(sig)))) {
        return -EFAULT;
    }
    if (sig[0]) {
        ret = get_sigmask(sig[0], sig[1], &set, &setp);
        if (ret < 0) {
            return ret;
        }
    }
    ret = pselect((int)a[0], r, w, e, tmo, setp);
    return ret < 0 ? -errno : ret;
}

/* ------------------------------------------------------------------ */
/* epoll                                                               */

static int64_t do_epoll_ctl(const uint64_t *a)
{
    struct epoll_event ev, *evp = NULL;
    TargetEpollEvent t;

    if (a[3]) {
        if (copy_from_user(&t, a[3], sizeof(t))) {
            return -EFAULT;
        }
        ev.events = t.events;
        ev.data.u64 = t.data;
        evp = &ev;
    }
    return host_ret(epoll_ctl((int)a[0], (int)a[1], (int)a[2], evp));
}

static int64_t do_epoll_pwait(int nr, const uint64_t *a)
{
    int max = (int)a[2], n;
    TargetEpollEvent *out;
    struct epoll_event *ev;
    sigset_t set, *setp;
    int timeout = (int)a[3];
    bool bad = false;

    if (max <= 0 || max > 65536) {
        return -EINVAL;
    }
    out = lock_user(a[1], (uint64_t)max * sizeof(*out), PAGE_WRITE);
    if (!out) {
        return -EFAULT;
    }
    n = get_sigmask(a[4], a[5], &set, &setp);
    if (n < 0) {
        return n;
    }
    if (nr == TARGET_NR_epoll_pwait2) {
        struct timespec *ts = gbuf(a[3], sizeof(*ts), PAGE_READ, &bad);

        if (bad) {
            return -EFAULT;
        }
        timeout = !ts ? -1 : (int)MIN(ts->tv_sec * 1000 +
                                      (ts->tv_nsec + 999999) / 1000000,
                                      INT32_MAX);
    }
    ev = g_new(struct epoll_event, max);
    n = epoll_pwait((int)a[0], ev, max, timeout, setp);
    if (n < 0) {
        n = -errno;
    }
    for (int i = 0; i < n; i++) {
        out[i].events = ev[i].events;
        out[i].pad = 0;
        out[i].data = ev[i].data.u64;
    }
    g_free(ev);
    return n;
}

/* ------------------------------------------------------------------ */

bool do_syscall_sock(CPUARMState *env, int nr, const uint64_t *a,
                     int64_t *ret)
{
    bool bad = false;
    void *p, *q;
    sigset_t set, *setp;

    if (do_socket_call(nr, a, ret)) {
        return true;
    }
    switch (nr) {
    case TARGET_NR_ppoll:
        *ret = do_ppoll(a);
        break;
    case TARGET_NR_pselect6:
        *ret = do_pselect6(a);
        break;
    case TARGET_NR_epoll_create1:
        *ret = host_ret(epoll_create1(target_to_host_open_flags((int)a[0])));
        break;
    case TARGET_NR_epoll_ctl:
        *ret = do_epoll_ctl(a);
        break;
    case TARGET_NR_epoll_pwait:
    case TARGET_NR_epoll_pwait2:
        *ret = do_epoll_pwait(nr, a);
        break;
    case TARGET_NR_eventfd2:
        *ret = host_ret(syscall(SYS_eventfd2, (unsigned)a[0],
                                target_to_host_open_flags((int)a[1])));
        break;
    case TARGET_NR_timerfd_create:
        *ret = host_ret(syscall(SYS_timerfd_create, (int)a[0],
                                target_to_host_open_flags((int)a[1])));
        break;
    case TARGET_NR_timerfd_settime:
        p = gbuf(a[2], sizeof(struct itimerspec), PAGE_READ, &bad);
        q = gbuf(a[3], sizeof(struct itimerspec), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT
                   : host_ret(syscall(SYS_timerfd_settime, (int)a[0],
                                      (int)a[1], p, q));
        break;
    case TARGET_NR_timerfd_gettime:
        p = gbuf(a[1], sizeof(struct itimerspec), PAGE_WRITE, &bad);
        *ret = bad ? -EFAULT : host_ret(syscall(SYS_timerfd_gettime,
                                                (int)a[0], p));
        break;
    case TARGET_NR_signalfd4:
        *ret = get_sigmask(a[1], a[2], &set, &setp);
        if (*ret == 0) {
            *ret = setp ? host_ret(signalfd((int)a[0], setp,
                                            target_to_host_open_flags(
                                                (int)a[3])))
                        : -EFAULT;
        }
        break;
    default:
        return false;
    }
    return true;
}

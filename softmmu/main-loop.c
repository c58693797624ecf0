/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BQL and the main loop: a ppoll() over the registered file
 * descriptors plus one eventfd that other threads write to wake it, with
 * a timeout to the earliest timer.  Everything the loop calls runs with
 * the BQL held; the lock is dropped only while polling.
 *
 *     bql_lock();
 *     main_loop_init();
 *     for (;;) {
 *         main_loop_wait(-1);        // fds, bottom halves, timers
 *         if (main_loop_take_shutdown(&cause)) break;
 *     }
 *
 * The handler list is only changed with the BQL held; the loop copies it
 * into a pollfd array before dropping the lock and looks each fd up
 * again afterwards, so a handler removed while polling is not called.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "sysemu-internal.h"

/* ------------------------------------------------------------------ */
/* The big lock                                                        */

static pthread_mutex_t bql = PTHREAD_MUTEX_INITIALIZER;
static __thread bool bql_held;

void bql_lock(void)
{
    g_assert(!bql_held);
    pthread_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    g_assert(bql_held);
    bql_held = false;
    pthread_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

/* ------------------------------------------------------------------ */
/* State                                                               */

typedef struct FdHandler {
    int fd;
    void (*cb)(void *opaque);
    void *opaque;
} FdHandler;

typedef struct BottomHalf {
    void (*fn)(void *opaque);
    void *opaque;
} BottomHalf;

static GArray *fd_handlers;         /* FdHandler, BQL */
static int wake_fd = -1;            /* eventfd */
static pthread_t main_thread;
static bool main_thread_set;

static pthread_mutex_t bh_lock = PTHREAD_MUTEX_INITIALIZER;
static GArray *bh_queue;            /* BottomHalf, bh_lock */

/* Requests: set from any thread, taken by the run loop. */
static int shutdown_requested;      /* atomic: 1 + ShutdownCause */
static int reset_requested;         /* atomic */

void main_loop_init(void)
{
    if (wake_fd >= 0) {
        return;
    }
    wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd < 0) {
        g_error("eventfd: %s", g_strerror(errno));
    }
    fd_handlers = g_array_new(false, true, sizeof(FdHandler));
    bh_queue = g_array_new(false, true, sizeof(BottomHalf));
    main_thread = pthread_self();
    main_thread_set = true;
}

bool main_loop_is_main_thread(void)
{
    return main_thread_set && pthread_equal(main_thread, pthread_self());
}

void main_loop_notify(void)
{
    uint64_t one = 1;

    if (wake_fd >= 0 && write(wake_fd, &one, sizeof(one)) < 0) {
        /* EAGAIN: the counter is saturated, the loop wakes anyway. */
    }
}

/* ------------------------------------------------------------------ */
/* File descriptors                                                    */

static int fd_handler_index(int fd)
{
    for (guint i = 0; i < fd_handlers->len; i++) {
        if (g_array_index(fd_handlers, FdHandler, i).fd == fd) {
            return i;
        }
    }
    return -1;
}

void main_loop_set_fd_handler(int fd, void (*cb)(void *opaque),
                              void *opaque)
{
    int i;

    main_loop_init();
    i = fd_handler_index(fd);
    if (!cb) {
        if (i >= 0) {
            g_array_remove_index(fd_handlers, i);
        }
    } else if (i >= 0) {
        g_array_index(fd_handlers, FdHandler, i).cb = cb;
        g_array_index(fd_handlers, FdHandler, i).opaque = opaque;
    } else {
        FdHandler h = { .fd = fd, .cb = cb, .opaque = opaque };

        g_array_append_val(fd_handlers, h);
    }
    if (!main_loop_is_main_thread()) {
        main_loop_notify();
    }
}

static void dispatch_fds(struct pollfd *pfd, int n)
{
    for (int k = 0; k < n; k++) {
        int i;

        if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR))) {
            continue;
        }
        i = fd_handler_index(pfd[k].fd);
        if (i >= 0) {
            FdHandler h = g_array_index(fd_handlers, FdHandler, i);

            h.cb(h.opaque);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Bottom halves                                                       */

void main_loop_schedule(void (*fn)(void *opaque), void *opaque)
{
    BottomHalf bh = { .fn = fn, .opaque = opaque };

    main_loop_init();
    pthread_mutex_lock(&bh_lock);
    g_array_append_val(bh_queue, bh);
    pthread_mutex_unlock(&bh_lock);
    if (!main_loop_is_main_thread()) {
        main_loop_notify();
    }
}

static bool run_bottom_halves(void)
{
    GArray *todo;

    pthread_mutex_lock(&bh_lock);
    if (bh_queue->len == 0) {
        pthread_mutex_unlock(&bh_lock);
        return false;
    }
    todo = bh_queue;
    bh_queue = g_array_new(false, true, sizeof(BottomHalf));
    pthread_mutex_unlock(&bh_lock);
    for (guint i = 0; i < todo->len; i++) {
        BottomHalf *bh = &g_array_index(todo, BottomHalf, i);

        bh->fn(bh->opaque);
    }
    g_array_free(todo, true);
    return true;
}

static bool bottom_halves_pending(void)
{
    bool r;

    pthread_mutex_lock(&bh_lock);
    r = bh_queue->len > 0;
    pthread_mutex_unlock(&bh_lock);
    return r;
}

/* ------------------------------------------------------------------ */
/* One iteration                                                       */

static bool requests_pending(void)
{
    return __atomic_load_n(&shutdown_requested, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&reset_requested, __ATOMIC_ACQUIRE);
}

/* The poll timeout: the smaller of max_ns and the next timer. */
static int64_t poll_timeout_ns(int64_t max_ns)
{
    int64_t t = timers_deadline_ns();

    if (bottom_halves_pending() || requests_pending()) {
        return 0;
    }
    if (t < 0 || (max_ns >= 0 && max_ns < t)) {
        t = max_ns;
    }
    return t;
}

static void drain_wake_fd(void)
{
    uint64_t v;

    while (read(wake_fd, &v, sizeof(v)) > 0) {
        /* Just a wake-up. */
    }
}

void main_loop_wait(int64_t max_ns)
{
    int n;
    struct pollfd *pfd;
    struct timespec ts, *tsp = NULL;
    int64_t timeout;

    main_loop_init();
    g_assert(bql_locked());
    n = fd_handlers->len;
    pfd = g_new0(struct pollfd, n + 1);
    pfd[0].fd = wake_fd;
    pfd[0].events = POLLIN;
    for (int i = 0; i < n; i++) {
        pfd[i + 1].fd = g_array_index(fd_handlers, FdHandler, i).fd;
        pfd[i + 1].events = POLLIN;
    }
    timeout = poll_timeout_ns(max_ns);
    if (timeout >= 0) {
        ts.tv_sec = timeout / 1000000000;
        ts.tv_nsec = timeout % 1000000000;
        tsp = &ts;
    }

    bql_unlock();
    if (ppoll(pfd, n + 1, tsp, NULL) < 0 && errno != EINTR) {
        g_error("ppoll: %s", g_strerror(errno));
    }
    bql_lock();

    if (pfd[0].revents) {
        drain_wake_fd();
    }
    dispatch_fds(pfd + 1, n);
    g_free(pfd);
    run_bottom_halves();
    timers_run_expired();
}

/* ------------------------------------------------------------------ */
/* Reset and shutdown requests                                         */

void system_shutdown_request(ShutdownCause cause)
{
    int expected = 0;

    /* The first cause wins. */
    __atomic_compare_exchange_n(&shutdown_requested, &expected, 1 + cause,
                                false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    main_loop_notify();
}

void system_reset_request(void)
{
    __atomic_store_n(&reset_requested, 1, __ATOMIC_SEQ_CST);
    main_loop_notify();
}

bool main_loop_take_shutdown(ShutdownCause *cause)
{
    int v = __atomic_exchange_n(&shutdown_requested, 0, __ATOMIC_SEQ_CST);

    if (v && cause) {
        *cause = (ShutdownCause)(v - 1);
    }
    return v != 0;
}

bool main_loop_take_reset(void)
{
    return __atomic_exchange_n(&reset_requested, 0, __ATOMIC_SEQ_CST);
}

void main_loop_clear_requests(void)
{
    __atomic_store_n(&shutdown_requested, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&reset_requested, 0, __ATOMIC_SEQ_CST);
}

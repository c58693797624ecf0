/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gdb stub in user mode (kestrel-aarch64 -g PORT, or QEMU_GDB).
 *
 * Synchronous, as qemu-user's: gdbserver_start waits for GDB to
 * connect; the CPU loop calls gdbserver_user_stop before the program's
 * first instruction and at each EXCP_DEBUG, and that call serves GDB
 * (reading the socket itself) until GDB resumes.  One thread serves at
 * a time (gdb_user.lock); other guest threads keep running meanwhile.
 *
 * While the program runs, a small watcher thread waits for Ctrl-C on the
 * socket: it makes every vCPU leave generated code and raises
 * gdbserver_user_interrupt, which the CPU loop turns into a SIGINT stop.
 *
 * Memory goes through the guest mapping with page checks (lock_user):
 * reads need a readable or executable page, writes a writable one.
 * Watchpoints instrument the guest loads and stores of new translations
 * (tcg/debug.c, cpu_watchpoint_user_mode), so they stop before the
 * access as in system mode.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kestrel/debug.h"
#include "internal.h"
#include "user.h"

typedef struct GdbUser {
    int fd;                 /* the client, or -1 */
    GdbSession sess;
    pthread_mutex_t lock;   /* one serving thread; sess */
    pthread_cond_t resumed; /* sess.running became true */
    uint64_t load_bias;     /* qOffsets */
    bool watcher_started;
} GdbUser;

static GdbUser gdb_user = {
    .fd = -1,
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .resumed = PTHREAD_COND_INITIALIZER,
};

volatile int gdbserver_user_interrupt;

/* ------------------------------------------------------------------ */
/* GdbTargetOps                                                        */

static int user_mem_rw(void *opaque, CPUState *cpu, uint64_t addr,
                       uint8_t *buf, size_t len, bool write)
{
    void *host;

    mmap_lock();
    host = lock_user(addr, len, write ? PAGE_WRITE : PAGE_READ | PAGE_EXEC);
    if (host) {
        if (write) {
            memcpy(host, buf, len);
        } else {
            memcpy(buf, host, len);
        }
    }
    mmap_unlock();
    return host ? 0 : -EFAULT;
}

static void user_resume(void *opaque, const GdbAction *act, int n)
{
    gdb_cpus_set_steps(act, n);
    pthread_cond_broadcast(&gdb_user.resumed);
}

static void user_interrupt(void *opaque)
{
    int n = cpu_list_count();

    gdbserver_user_interrupt = 1;
    for (int i = 0; i < n; i++) {
        cpu_exit(cpu_list_get(i));
    }
}

static void user_kill(void *opaque)
{
    _exit(137);
}

static void user_close(void)
{
    if (gdb_user.fd >= 0) {
        close(gdb_user.fd);
        gdb_user.fd = -1;
    }
}

static void user_detach(void *opaque)
{
    user_close();
    pthread_cond_broadcast(&gdb_user.resumed);
}

static bool user_offsets(void *opaque, uint64_t *text, uint64_t *data)
{
    *text = *data = gdb_user.load_bias;
    return true;
}

static void user_write(void *opaque, const uint8_t *buf, size_t len)
{
    gdb_socket_write_all(gdb_user.fd, buf, len);
}

static const GdbTargetOps user_ops = {
    .nb_cpus = gdb_cpus_count,
    .cpu = gdb_cpus_get,
    .mem_rw = user_mem_rw,
    .insert_bp = gdb_cpus_insert_bp,
    .remove_bp = gdb_cpus_remove_bp,
    .remove_all_bps = gdb_cpus_remove_all_bps,
    .resume = user_resume,
    .interrupt = user_interrupt,
    .kill = user_kill,
    .detach = user_detach,
    .offsets = user_offsets,
    .write = user_write,
};

/* ------------------------------------------------------------------ */
/* Serving                                                             */

/* Read and handle GDB's requests until it resumes or goes; lock held. */
static void serve(void)
{
    uint8_t buf[4096];

    while (gdb_user.fd >= 0 && !gdb_user.sess.running) {
        ssize_t n = recv(gdb_user.fd, buf, sizeof(buf), 0);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            /* GDB went away: run on without it. */
            gdb_cpus_remove_all_bps(NULL);
            user_close();
            break;
        }
        gdb_session_input(&gdb_user.sess, buf, (size_t)n);
    }
}

/*
 * The watcher: while the program runs, only Ctrl-C may come; read it
 * (and anything else, which the session answers) under the lock.
 */
static void *watcher_fn(void *arg)
{
    sigset_t all;

    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    pthread_mutex_lock(&gdb_user.lock);
    for (;;) {
        struct pollfd pfd;
        uint8_t c;

        while (gdb_user.fd >= 0 && !gdb_user.sess.running) {
            pthread_cond_wait(&gdb_user.resumed, &gdb_user.lock);
        }
        if (gdb_user.fd < 0) {
            break;
        }
        pfd.fd = gdb_user.fd;
        pfd.events = POLLIN;
        pthread_mutex_unlock(&gdb_user.lock);
        poll(&pfd, 1, 100);
        pthread_mutex_lock(&gdb_user.lock);
        if ((pfd.revents & POLLIN) && gdb_user.sess.running &&
            gdb_user.fd >= 0 &&
            recv(gdb_user.fd, &c, 1, MSG_DONTWAIT) == 1) {
            gdb_session_input(&gdb_user.sess, &c, 1);
        }
    }
    pthread_mutex_unlock(&gdb_user.lock);
    return NULL;
}

int gdbserver_user_stop(CPUState *cpu, int sig)
{
    int deliver;

    pthread_mutex_lock(&gdb_user.lock);
    if (gdb_user.fd < 0) {
        pthread_mutex_unlock(&gdb_user.lock);
        return sig == SIGTRAP || sig == SIGINT ? 0 : sig;
    }
    if (gdb_user.sess.running) {
        gdb_session_report_stop(&gdb_user.sess, cpu, sig);
    }
    gdb_user.sess.resume_sig = 0;
    serve();
    deliver = gdb_user.sess.resume_sig;
    if (!gdb_user.watcher_started && gdb_user.fd >= 0) {
        pthread_t t;

        gdb_user.watcher_started =
            pthread_create(&t, NULL, watcher_fn, NULL) == 0;
        if (gdb_user.watcher_started) {
            pthread_detach(t);
        }
    }
    pthread_mutex_unlock(&gdb_user.lock);
    return deliver;
}

void gdbserver_user_exit(int status)
{
    pthread_mutex_lock(&gdb_user.lock);
    if (gdb_user.fd >= 0) {
        gdb_session_report_exit(&gdb_user.sess, status);
        user_close();
    }
    pthread_mutex_unlock(&gdb_user.lock);
}

void gdbserver_user_signaled(int sig)
{
    pthread_mutex_lock(&gdb_user.lock);
    if (gdb_user.fd >= 0) {
        gdb_session_report_signaled(&gdb_user.sess, sig);
        user_close();
    }
    pthread_mutex_unlock(&gdb_user.lock);
}

void gdbserver_user_fork_child(void)
{
    if (gdb_user.fd < 0) {
        return;
    }
    /* Only this thread exists: no lock holder to wait for. */
    pthread_mutex_init(&gdb_user.lock, NULL);
    close(gdb_user.fd);
    gdb_user.fd = -1;
    gdb_user.watcher_started = false;
    gdb_cpus_remove_all_bps(NULL);
}

void gdbserver_user_set_load_bias(uint64_t bias)
{
    gdb_user.load_bias = bias;
}

bool gdbserver_start(const char *spec, GError **errp)
{
    g_autofree char *desc = NULL;
    int lfd = gdb_socket_listen(spec, &desc, errp);
    int fd;

    if (lfd < 0) {
        return false;
    }
    fd = gdb_socket_accept(lfd);
    close(lfd);
    if (fd < 0) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "%s: accept: %s", desc, g_strerror(errno));
        return false;
    }
    gdb_user.fd = fd;
    gdb_session_init(&gdb_user.sess, &user_ops, NULL, true);
    cpu_watchpoint_user_mode();
    return true;
}

bool gdbserver_connected(void)
{
    return gdb_user.fd >= 0;
}

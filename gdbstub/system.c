/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gdb stub in system mode: a listening socket and one client,
 * served from the main loop (fd handlers, BQL held).
 *
 * A client connecting stops the VM.  Resuming (c, s, vCont) sets the
 * vCPUs' single-step flags and calls vm_start; the stop reply goes out
 * from the run-state notifier when the VM stops again, whoever stopped
 * it: a vCPU at a breakpoint, watchpoint or after a step
 * (gdbserver_debug_stop -> vm_stop_request, T05 for that vCPU), Ctrl-C
 * or the monitor's `stop` (T02).  All vCPUs run when one is stepped
 * (other threads are not held back).
 *
 * Disconnecting removes every breakpoint and watchpoint and resumes the
 * VM if the debugger had stopped it.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "kestrel/debug.h"
#include "kestrel/sysemu.h"
#include "kestrel/tlb.h"
#include "internal.h"

typedef struct GdbSystem {
    int listen_fd;          /* -1: not started */
    int fd;                 /* the client, or -1 */
    GdbSession sess;
    bool notifier_added;
    CPUState *debug_cpu;    /* set by a vCPU (atomic), taken on stop */
} GdbSystem;

static GdbSystem gdb_sys = { .listen_fd = -1, .fd = -1 };

/* ------------------------------------------------------------------ */
/* GdbTargetOps                                                        */

static int sys_mem_rw(void *opaque, CPUState *cpu, uint64_t addr,
                      uint8_t *buf, size_t len, bool write)
{
    return cpu ? cpu_memory_rw_debug(cpu, addr, buf, len, write) : -EINVAL;
}

static void sys_resume(void *opaque, const GdbAction *act, int n)
{
    gdb_cpus_set_steps(act, n);
    __atomic_store_n(&gdb_sys.debug_cpu, NULL, __ATOMIC_RELEASE);
    if (runstate_is_running()) {
        /* Someone resumed it under us (monitor): report at once. */
        vm_stop();
        return;
    }
    vm_start();
}

static void sys_interrupt(void *opaque)
{
    vm_stop();      /* the notifier sends the stop reply */
}

static void sys_kill(void *opaque)
{
    system_shutdown_request(SHUTDOWN_HOST_QUIT);
}

static void sys_detach(void *opaque)
{
    vm_start();
}

static void sys_write(void *opaque, const uint8_t *buf, size_t len)
{
    /* On an error the read handler notices the hang-up. */
    gdb_socket_write_all(gdb_sys.fd, buf, len);
}

static const GdbTargetOps sys_ops = {
    .nb_cpus = gdb_cpus_count,
    .cpu = gdb_cpus_get,
    .mem_rw = sys_mem_rw,
    .insert_bp = gdb_cpus_insert_bp,
    .remove_bp = gdb_cpus_remove_bp,
    .remove_all_bps = gdb_cpus_remove_all_bps,
    .resume = sys_resume,
    .interrupt = sys_interrupt,
    .kill = sys_kill,
    .detach = sys_detach,
    .write = sys_write,
};

/* ------------------------------------------------------------------ */
/* Run state and vCPU events                                           */

static void runstate_changed(bool running, void *opaque)
{
    CPUState *cpu;

    if (running || gdb_sys.fd < 0 || !gdb_sys.sess.running) {
        return;
    }
    cpu = __atomic_exchange_n(&gdb_sys.debug_cpu, NULL, __ATOMIC_ACQ_REL);
    for (int i = 0; i < cpu_list_count(); i++) {
        cpu_single_step(cpu_list_get(i), false);
    }
    gdb_session_report_stop(&gdb_sys.sess, cpu ? cpu : cpu_list_get(0),
                            cpu ? GDB_SIGNAL_TRAP : GDB_SIGNAL_INT);
}

void gdbserver_debug_stop(CPUState *cpu)
{
    CPUState *none = NULL;

    /* The first vCPU to stop is the one reported. */
    __atomic_compare_exchange_n(&gdb_sys.debug_cpu, &none, cpu, false,
                                __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    vm_stop_request();
}

/* ------------------------------------------------------------------ */
/* The connection                                                      */

static void client_close(void)
{
    main_loop_set_fd_handler(gdb_sys.fd, NULL, NULL);
    close(gdb_sys.fd);
    gdb_sys.fd = -1;
    gdb_cpus_remove_all_bps(NULL);
    gdb_session_destroy(&gdb_sys.sess);
    if (!runstate_is_running()) {
        vm_start();
    }
}

static void client_read(void *opaque)
{
    uint8_t buf[4096];
    ssize_t n = read(gdb_sys.fd, buf, sizeof(buf));

    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        client_close();
        return;
    }
    gdb_session_input(&gdb_sys.sess, buf, (size_t)n);
}

static void listen_ready(void *opaque)
{
    int fd = gdb_socket_accept(gdb_sys.listen_fd);

    if (fd < 0) {
        return;
    }
    if (gdb_sys.fd >= 0) {
        close(fd);      /* one debugger at a time */
        return;
    }
    gdb_sys.fd = fd;
    gdb_session_init(&gdb_sys.sess, &sys_ops, NULL, false);
    __atomic_store_n(&gdb_sys.debug_cpu, NULL, __ATOMIC_RELEASE);
    /* GDB expects a stopped target. */
    vm_stop();
    main_loop_set_fd_handler(fd, client_read, NULL);
}

/* ------------------------------------------------------------------ */
/* Public                                                              */

/* The machine is going away: tell GDB the "process" exited. */
static void gdb_sys_atexit(void)
{
    if (gdb_sys.fd >= 0) {
        gdb_session_report_exit(&gdb_sys.sess, 0);
    }
}

bool gdbserver_start(const char *spec, GError **errp)
{
    g_autofree char *desc = NULL;
    int fd = gdb_socket_listen(spec, &desc, errp);

    if (fd < 0) {
        return false;
    }
    if (gdb_sys.listen_fd >= 0) {
        main_loop_set_fd_handler(gdb_sys.listen_fd, NULL, NULL);
        close(gdb_sys.listen_fd);
    }
    gdb_sys.listen_fd = fd;
    main_loop_set_fd_handler(fd, listen_ready, NULL);
    if (!gdb_sys.notifier_added) {
        runstate_add_notifier(runstate_changed, NULL);
        atexit(gdb_sys_atexit);
        gdb_sys.notifier_added = true;
    }
    return true;
}

bool gdbserver_connected(void)
{
    return gdb_sys.fd >= 0;
}

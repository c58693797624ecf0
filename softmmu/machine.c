/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running a built machine: machine_run is what main calls after the
 * board's init.
 *
 *     bql_lock();
 *     system_run_resets();        // boards put boot-time CPU set-up here
 *     start CLOCK_VIRTUAL and one thread per vCPU
 *     loop: main_loop_wait; on a reset request pause the vCPUs, run the
 *           resets again, resume; on a shutdown request stop
 *     stop and join the vCPUs, return the exit status
 *
 * As in QEMU, the board's state right after init is not what the vCPUs
 * start from: every registered reset function runs once first, so the
 * same code brings the machine up at start and after a guest reset.  A
 * board therefore sets the boot CPU's entry point (and x0 = the device
 * tree) from a reset function registered after the CPU's own reset.
 *
 * Exit status: 0 for a guest power-off, a guest reset under -no-reboot,
 * and a host quit (Ctrl-A x, SIGINT/SIGTERM).
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sysemu-internal.h"

static volatile sig_atomic_t quit_signal;

static void quit_signal_handler(int sig)
{
    quit_signal = sig;
    system_shutdown_request(SHUTDOWN_HOST_QUIT);
}

static void install_signal_handlers(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = quit_signal_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* A system reset with every vCPU parked (BQL held). */
static void machine_reset(void)
{
    cpus_pause();
    system_run_resets();
    cpus_resume();
}

/* Serve the main loop until shutdown; returns the exit status. */
static int machine_loop(MachineState *ms)
{
    ShutdownCause cause;

    for (;;) {
        main_loop_wait(-1);
        if (main_loop_take_shutdown(&cause)) {
            /* QMP SHUTDOWN (unless the monitor's quit sent it). */
            monitor_shutdown_taken(cause != SHUTDOWN_HOST_QUIT,
                                   cause == SHUTDOWN_GUEST_POWEROFF ?
                                   "guest-shutdown" :
                                   cause == SHUTDOWN_GUEST_RESET ?
                                   "guest-reset" : quit_signal ?
                                   "host-signal" : "host-ui");
            break;
        }
        if (main_loop_take_reset()) {
            if (ms->no_reboot) {
                monitor_shutdown_taken(true, "guest-reset");
                break;
            }
            monitor_reset_taken();
            machine_reset();
        }
    }
    if (quit_signal) {
        fprintf(stderr, "kestrel-system-aarch64: terminating on signal "
                "%d\n", (int)quit_signal);
    }
    return 0;
}

int machine_run(MachineState *ms)
{
    int status;

    main_loop_init();
    install_signal_handlers();
    bql_lock();
    system_run_resets();
    if (runstate_is_running()) {    /* else -S: the first cont starts it */
        clock_virtual_start();
    }
    cpus_start(ms);
    status = machine_loop(ms);
    cpus_stop();
    clock_virtual_stop();
    bql_unlock();
    chardev_close_all();
    return status;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the parts of the system-emulation runtime tell each other (not
 * for devices or boards: they use include/kestrel/sysemu.h).
 *
 *     main.c      vl_parse -> tcg_init -> vl_open_backends -> board init
 *                 -> machine_run
 *     machine.c   machine_run: resets, vCPU threads, main loop, requests
 *     main-loop.c BQL, poll loop, bottom halves, request flags
 *     timer.c     clocks and timer lists
 *     cpus.c      vCPU threads, pause/resume, cpu_interrupt
 *     reset.c     the reset registry
 *     chardev.c   character backends
 *     vl.c        the command line
 */
#ifndef KESTREL_SOFTMMU_SYSEMU_INTERNAL_H
#define KESTREL_SOFTMMU_SYSEMU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kestrel/machine.h"
#include "kestrel/sysemu.h"
#include "kestrel/tb.h"

/* ------------------------------------------------------------------ */
/* main-loop.c                                                         */

/* Create the wake-up eventfd (idempotent); the caller is the main loop. */
void main_loop_init(void);
/*
 * One iteration: poll the fds and the wake-up fd for at most max_ns
 * nanoseconds (-1: until something happens; capped by the earliest
 * timer), then run fd handlers, bottom halves and expired timers.  The
 * caller holds the BQL; it is dropped while polling.
 */
void main_loop_wait(int64_t max_ns);
/* Run fn(opaque) from the main loop, BQL held, soon (any thread). */
void main_loop_schedule(void (*fn)(void *opaque), void *opaque);
/* Whether the calling thread is the one that called main_loop_init. */
bool main_loop_is_main_thread(void);

/* Pending requests, taken (cleared) by the machine's run loop. */
bool main_loop_take_shutdown(ShutdownCause *cause);
bool main_loop_take_reset(void);
/* Forget pending requests (tests, start of machine_run). */
void main_loop_clear_requests(void);

/* ------------------------------------------------------------------ */
/* timer.c                                                             */

/* Nanoseconds until the earliest armed timer is due, or -1 if none. */
int64_t timers_deadline_ns(void);
/* Run every expired timer's callback (BQL held); true if any ran. */
bool timers_run_expired(void);
/* Stop / restart CLOCK_VIRTUAL (stopped until the first start). */
void clock_virtual_stop(void);
void clock_virtual_start(void);
bool clock_virtual_running(void);

/*
 * -icount shift=N (0..10; -1: off), before machine_run.  Then
 * CLOCK_VIRTUAL counts 2^N ns per guest instruction, and its timers run
 * in the vCPU thread (icount_run_timers), not in the main loop.
 */
void icount_configure(int shift);
bool icount_enabled(void);
/*
 * Before cpu_exec: give cpu a budget of insns up to the next
 * CLOCK_VIRTUAL deadline (at least 1; at most max_insns if > 0).
 */
void icount_start_slice(CPUState *cpu, int32_t max_insns);
/* After cpu_exec: account what cpu ran (returned) and drop the budget. */
int32_t icount_end_slice(CPUState *cpu);
/* vCPU thread, BQL not held: run the due CLOCK_VIRTUAL timers. */
void icount_run_timers(void);
/*
 * Every CPU idle: advance CLOCK_VIRTUAL to its next deadline and run
 * the timers due; false if no CLOCK_VIRTUAL timer is armed.  BQL not
 * held.
 */
bool icount_warp(void);

/* ------------------------------------------------------------------ */
/* cpus.c                                                              */

/*
 * -accel tcg,thread=: TCG_THREAD_MULTI runs one host thread per CPU;
 * anything else (the default) one thread for all CPUs, round-robin.
 * Call before cpus_start.
 */
void cpus_set_thread_mode(TCGThreadMode mode);
/* Start the vCPU thread(s) for the CPUs of ms (called with the BQL held). */
void cpus_start(MachineState *ms);
/* Make every vCPU leave guest code and wait until all are parked. */
void cpus_pause(void);
void cpus_resume(void);
/* Stop and join every vCPU thread (after cpus_start). */
void cpus_stop(void);
/* The host thread id running cpu (the monitor's info cpus), 0 if none. */
int cpus_thread_id(CPUState *cpu);

/* ------------------------------------------------------------------ */
/* reset.c                                                             */

/* Call every registered reset function, in registration order. */
void system_run_resets(void);

/* ------------------------------------------------------------------ */
/* chardev.c                                                           */

/*
 * A backend on two already open fds (in_fd may be -1 for output only);
 * Kestrel owns them from now on.  For tests and internal users.
 */
Chardev *chardev_new_fds(const char *id, int in_fd, int out_fd);
/*
 * chardev_new, naming the backend label in messages ("char device
 * redirected to /dev/pts/3 (label serial0)"); NULL label: the -chardev
 * id.
 */
Chardev *chardev_new_labeled(const char *spec, const char *label,
                             GError **errp);
/* Close every backend and restore the terminal. */
void chardev_close_all(void);
/*
 * Attach a second frontend (the monitor) to a mux=on backend: Ctrl-A c
 * moves the input between the device and it, calling focus(opaque,
 * true) when it gets the input and focus(opaque, false) when it loses
 * it.  False if c is not mux=on or already has one.
 */
bool chardev_mux_attach(Chardev *c,
                        void (*receive)(void *opaque, const uint8_t *buf,
                                        int len),
                        void (*focus)(void *opaque, bool focused),
                        void *opaque);
bool chardev_is_mux(const Chardev *c);
/*
 * event(opaque, true) when a client connects (at once if c is
 * connected already: stdio, a client socket, a server with one), false
 * when it leaves (socket servers then listen again).
 */
void chardev_set_event_handler(Chardev *c,
                               void (*event)(void *opaque, bool opened),
                               void *opaque);

/* ------------------------------------------------------------------ */
/* monitor.c                                                           */

typedef struct MonitorSpec {
    const char *chardev;        /* a -serial-style spec, or NULL */
    const char *chardev_id;     /* -mon chardev=ID, or NULL */
    bool qmp;                   /* mode=control */
    bool pretty;                /* QMP pretty=on */
} MonitorSpec;

/*
 * Open the monitors of specs (MonitorSpec *).  ms: the machine the
 * commands look at (its CPUs are read when a command runs).
 */
bool monitor_init_all(MachineState *ms, GPtrArray *specs, GError **errp);
/* An HMP on mux backend chr (Ctrl-A c): -nographic, -serial mon:stdio. */
bool monitor_attach_mux_hmp(MachineState *ms, Chardev *chr, GError **errp);
/*
 * machine.c, after taking a request: send SHUTDOWN / RESET unless the
 * monitor command that asked for it sent it already.
 */
void monitor_shutdown_taken(bool guest, const char *reason);
void monitor_reset_taken(void);

/* ------------------------------------------------------------------ */
/* vl.c: the command line                                              */

typedef struct VLConfig {
    MachineState ms;            /* what the board gets */
    const char *machine_name;   /* -M NAME, NULL if not given */
    TCGOptions tcg;             /* -accel tcg,... */
    bool nographic;             /* -nographic */
    bool display_none;          /* -display none */
    GPtrArray *serial_specs;    /* -serial SPEC (char *) */
    GPtrArray *chardev_specs;   /* -chardev SPEC (char *) */
    GPtrArray *monitor_specs;   /* MonitorSpec *: -monitor, -qmp, -mon */
    bool default_monitor;       /* none of those: HMP on the mux console */
    const char *gdb_spec;       /* -gdb SPEC / -s (tcp::1234), or NULL */
    bool start_stopped;         /* -S: vCPUs wait for gdb or `cont` */
    int icount_shift;           /* -icount shift=N; -1 (vl_parse): off */
    bool cpu_help;              /* -cpu help: main lists the models */
    bool exit_now;              /* -h, -version, -M help: done, status 0 */
} VLConfig;

/*
 * Parse argv into cfg (which the caller zeroes).  False with *errp
 * holding the one-line message (naming the option) on bad input.
 */
bool vl_parse(VLConfig *cfg, int argc, char **argv, GError **errp);
/*
 * The board -M named, checked against -smp; NULL with *errp when -M is
 * missing or unknown.
 */
const MachineClass *vl_find_machine(VLConfig *cfg, GError **errp);
/* Open the -chardev and -serial backends into cfg->ms.serial. */
bool vl_open_backends(VLConfig *cfg, GError **errp);
/* The -help text. */
void vl_usage(FILE *f);

#endif /* KESTREL_SOFTMMU_SYSEMU_INTERNAL_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System emulation services every board and device uses: the big lock,
 * clocks and timers, the main loop, reset and shutdown requests, and
 * character backends.  softmmu/ implements them.
 *
 * Threads.  Each vCPU runs guest code in its own thread; the main thread
 * runs the main loop (file descriptors, timers, the monitor).  Device
 * state is protected by one lock, the BQL: the main loop holds it while
 * it runs callbacks, and a vCPU takes it around every MMIO access and
 * around interrupt delivery.  Devices therefore need no locks of their
 * own; they must not block.
 */
#ifndef KESTREL_SYSEMU_H
#define KESTREL_SYSEMU_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <glib.h>

/* ------------------------------------------------------------------ */
/* The big lock                                                        */

void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);

/* ------------------------------------------------------------------ */
/* Clocks and timers                                                   */

/*
 * CLOCK_REALTIME: host monotonic, always running.  <time.h> (which glib
 * includes) already defines CLOCK_REALTIME as a macro for 0, so the enum
 * cannot name it: the clock is value 0 and Kestrel code spells it
 * CLOCK_REALTIME as before.
 */
typedef enum ClockType {
    /*
     * Guest time: host monotonic time while the VM runs (stops while it
     * is paused), or, with -icount shift=N, 2^N ns per guest instruction.
     */
    CLOCK_VIRTUAL = 1,
    CLOCK_HOST = 2,         /* host wall clock (for RTCs) */
} ClockType;
_Static_assert(CLOCK_REALTIME == 0, "CLOCK_REALTIME is <time.h>'s 0");

int64_t clock_get_ns(ClockType type);

typedef struct Timer Timer;
typedef void (*TimerCB)(void *opaque);

/* A timer calls cb(opaque) with the BQL held, from the main loop. */
Timer *timer_new_ns(ClockType type, TimerCB cb, void *opaque);
/* Arm at absolute time expire_ns on the timer's clock (re-arms). */
void timer_mod_ns(Timer *t, int64_t expire_ns);
void timer_del(Timer *t);
void timer_free(Timer *t);
bool timer_pending(Timer *t);

/* ------------------------------------------------------------------ */
/* Main loop                                                           */

/* Call cb(opaque) with the BQL held when fd is readable (NULL: stop). */
void main_loop_set_fd_handler(int fd, void (*cb)(void *opaque),
                              void *opaque);
/* Wake the main loop (after changing timers from another thread). */
void main_loop_notify(void);

/* Reset and shutdown, as the guest (PSCI) or the user asks. */
typedef enum ShutdownCause {
    SHUTDOWN_GUEST_POWEROFF,
    SHUTDOWN_GUEST_RESET,   /* exits instead with -no-reboot */
    SHUTDOWN_HOST_QUIT,     /* monitor quit, Ctrl-A x, signal */
} ShutdownCause;
void system_shutdown_request(ShutdownCause cause);
void system_reset_request(void);
/* Functions called, in registration order, on every system reset. */
void system_register_reset(void (*fn)(void *opaque), void *opaque);

/* ------------------------------------------------------------------ */
/* Run state (the monitor's stop/cont, the gdb stub, -S)               */

/*
 * Stop the VM: every vCPU leaves guest code and parks, and CLOCK_VIRTUAL
 * stops; on return no vCPU runs guest code.  Resets and shutdowns still
 * work while stopped (a reset leaves the VM stopped).  Main loop thread
 * with the BQL held; also before machine_run (-S: start stopped).  A
 * no-op if already stopped.
 */
void vm_stop(void);
/* Resume a stopped VM (main loop thread, BQL held); no-op if running. */
void vm_start(void);
/* From any thread (a vCPU hitting a breakpoint): vm_stop, soon. */
void vm_stop_request(void);
bool runstate_is_running(void);
/*
 * Call fn(running, opaque) after each change of the run state, in
 * registration order, main loop thread, BQL held.
 */
void runstate_add_notifier(void (*fn)(bool running, void *opaque),
                           void *opaque);

/* ------------------------------------------------------------------ */
/* Character backends (-serial, -chardev)                             */

typedef struct Chardev Chardev;

/*
 * Open a backend from a command-line spec: "stdio", "null", "file:PATH",
 * "pty", "tcp:HOST:PORT[,server=on][,wait=off]", "unix:PATH[,server=on]"
 * (the -serial spellings), or a -chardev description
 * "socket,id=X,port=N,host=H,server=on,wait=off" etc.  NULL with *errp.
 */
Chardev *chardev_new(const char *spec, GError **errp);
/* Find a -chardev by id. */
Chardev *chardev_find(const char *id);
/* Guest output: write all of buf (may drop when nobody listens). */
void chardev_write(Chardev *c, const uint8_t *buf, int len);
/*
 * Guest input: can_receive returns how many bytes the device takes now;
 * receive gets them.  Called from the main loop with the BQL held.
 */
void chardev_set_handlers(Chardev *c, int (*can_receive)(void *opaque),
                          void (*receive)(void *opaque, const uint8_t *buf,
                                          int len),
                          void *opaque);
/* A device became able to take input again: retry pending bytes. */
void chardev_accept_input(Chardev *c);

#endif /* KESTREL_SYSEMU_H */

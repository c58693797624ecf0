/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GDB remote serial protocol stub, shared by system mode (-s, -S,
 * -gdb, the monitor's gdbserver command) and user mode (-g PORT).
 * gdbstub/ implements it; the rest of the program sees only this.
 */
#ifndef KESTREL_GDBSTUB_H
#define KESTREL_GDBSTUB_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

/*
 * Start listening for GDB on spec: "tcp::PORT", "tcp:HOST:PORT",
 * "unix:PATH" or a bare port number (what -gdb, -s (tcp::1234) and the
 * monitor's gdbserver command take).  System mode: a connecting GDB
 * stops the VM.  False with *errp (a one-line message) on a bad spec or
 * a socket error.
 */
bool gdbserver_start(const char *spec, GError **errp);

/* True while a GDB is connected. */
bool gdbserver_connected(void);

struct CPUState;

/*
 * System mode, from a vCPU thread: cpu_exec returned EXCP_DEBUG (or a
 * single-stepped instruction took an exception): stop the VM and report
 * cpu to GDB.  Never returns to guest code before the VM is resumed.
 */
void gdbserver_debug_stop(struct CPUState *cpu);

/*
 * User mode (linux-user).  gdbserver_start waits for GDB to connect;
 * then the CPU loop calls gdbserver_user_stop before the first
 * instruction (sig 0) and whenever cpu_exec returns EXCP_DEBUG (sig
 * SIGTRAP): it reports the stop and serves GDB until it resumes.  It
 * returns the signal GDB asked to deliver (0: none).  Exit reports:
 * gdbserver_user_exit (exit status) or gdbserver_user_signaled (killed
 * by a signal), just before the process ends.
 */
int gdbserver_user_stop(struct CPUState *cpu, int sig);
void gdbserver_user_exit(int status);
/*
 * In a fork child: forget GDB (the parent keeps the connection) and
 * drop the breakpoints, watchpoints and single step the CPUs inherited.
 */
void gdbserver_user_fork_child(void);
/* Where a PIE program was loaded (qOffsets); 0 for fixed addresses. */
void gdbserver_user_set_load_bias(uint64_t bias);
void gdbserver_user_signaled(int sig);
/* The user-mode CPU loop's poll for Ctrl-C from GDB (cheap). */
extern volatile int gdbserver_user_interrupt;

/*
 * What a frontend tells the debugger (CPUArchOps.gdb).  Registers are
 * numbered as in the target description, which is also the order of
 * the 'g' packet.
 */
typedef struct CPUGdbOps {
    /* The target description file annex ("target.xml"), or NULL. */
    const char *(*xml)(struct CPUState *cpu, const char *annex);
    int num_regs;
    /*
     * Append register n in target byte order to buf: returns its size,
     * 0 if there is no register n.
     */
    int (*read_register)(struct CPUState *cpu, GByteArray *buf, int n);
    /* Set register n from len bytes of buf: bytes used, 0 on error. */
    int (*write_register)(struct CPUState *cpu, const uint8_t *buf, int len,
                          int n);
    /*
     * System mode: the guest physical address behind vaddr for data
     * accesses at the current exception level, without faulting or any
     * other side effect; false if unmapped.  NULL in user mode.
     */
    bool (*phys_addr_debug)(struct CPUState *cpu, uint64_t vaddr,
                            uint64_t *paddr);
} CPUGdbOps;

#endif /* KESTREL_GDBSTUB_H */

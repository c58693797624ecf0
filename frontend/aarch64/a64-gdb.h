/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AArch64 register map for the gdb stub (gdbstub.c, gdbstub-sys.c).
 *
 * GDB numbering (the target description's order, also the 'g' packet):
 *     0..30 x0..x30, 31 sp, 32 pc, 33 cpsr (32 bits),
 *     34..65 v0..v31 (128 bits), 66 fpsr, 67 fpcr (32 bits)
 */
#ifndef KESTREL_FRONTEND_AARCH64_A64_GDB_H
#define KESTREL_FRONTEND_AARCH64_A64_GDB_H

#include "kestrel/gdbstub.h"
#include "cpu.h"

enum {
    A64_GDB_SP = 31,
    A64_GDB_PC = 32,
    A64_GDB_CPSR = 33,
    A64_GDB_V0 = 34,
    A64_GDB_FPSR = 66,
    A64_GDB_FPCR = 67,
    A64_GDB_NUM_REGS = 68,
};

/* User mode (cpu.c). */
extern const CPUGdbOps a64_gdb_user_ops;
/* System mode (cpu-sys.c; gdbstub-sys.c). */
extern const CPUGdbOps a64_gdb_sys_ops;

const char *a64_gdb_xml(CPUState *cs, const char *annex);
int a64_gdb_read_register(CPUState *cs, GByteArray *buf, int n);
/*
 * Write register n; pstate_write (system mode) replaces PSTATE when a
 * cpsr write changes more than NZCV, NULL: only NZCV is writable.
 */
int a64_gdb_write_register(CPUState *cs, const uint8_t *buf, int len, int n,
                           void (*pstate_write)(CPUARMState *env,
                                                uint32_t pstate));

#endif /* KESTREL_FRONTEND_AARCH64_A64_GDB_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debugger support in the translator and the memory system:
 * breakpoints, watchpoints and single step, per vCPU.  The gdb stub
 * (gdbstub/) is the user; tcg/debug.c keeps the lists.
 *
 * Breakpoints never touch guest memory.  While a vCPU has any, the
 * translator asks translator_breakpoint_at() for every instruction and
 * ends the TB before a breakpoint pc with a call that raises EXCP_DEBUG
 * (ir_gen_debug_exception), so cpu_exec returns EXCP_DEBUG with pc at
 * the breakpoint.  Inserting or removing one invalidates the TBs that
 * hold its pc.
 *
 * Single step: CPUState.tcg_cflags gets CF_SINGLE_STEP | CF_NO_CHAIN | 1,
 * so every TB is one instruction and the exec loop returns EXCP_DEBUG
 * after it ran (interrupts are not taken meanwhile, as QEMU's default).
 *
 * Watchpoints (system mode): pages holding a watched byte get
 * TLB_WATCHPOINT in their read and/or write tags, so every access there
 * takes the slow path, which raises EXCP_DEBUG before a matching access
 * happens, with pc at the accessing instruction (what GDB expects on
 * AArch64, whose watchpoints trigger before the access).
 *
 *     cpu_breakpoint_insert(cpu, pc);        // vCPU stopped
 *     cpu_single_step(cpu, true);
 *     r = cpu_exec(cpu);                     // EXCP_DEBUG
 */
#ifndef KESTREL_DEBUG_H
#define KESTREL_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "kestrel/cpu.h"
#include "kestrel/ir.h"
#include "kestrel/tb.h"

/* Watchpoint kinds (CPUWatchpoint.flags). */
enum {
    BP_MEM_READ = 1,
    BP_MEM_WRITE = 2,
    BP_MEM_ACCESS = BP_MEM_READ | BP_MEM_WRITE,
};

typedef struct CPUWatchpoint {
    uint64_t vaddr;             /* first watched byte */
    uint64_t len;               /* bytes (>= 1) */
    int flags;                  /* BP_MEM_* */
} CPUWatchpoint;

/* Breakpoint and watchpoint limits per vCPU (-ENOSPC beyond). */
#define CPU_MAX_BREAKPOINTS 1024
#define CPU_MAX_WATCHPOINTS 64

/*
 * Breakpoints at a guest virtual pc.  0 or -ENOSPC; removing one that
 * is not there is -ENOENT.  The same pc may be inserted twice (and then
 * needs two removals).  Call with the vCPU outside cpu_exec.
 */
int cpu_breakpoint_insert(CPUState *cpu, uint64_t pc);
int cpu_breakpoint_remove(CPUState *cpu, uint64_t pc);
void cpu_breakpoint_remove_all(CPUState *cpu);
bool cpu_breakpoint_test(const CPUState *cpu, uint64_t pc);

/* Start or stop single-stepping cpu (outside cpu_exec). */
void cpu_single_step(CPUState *cpu, bool enable);

static inline bool cpu_single_stepping(const CPUState *cpu)
{
    return (cpu->tcg_cflags & CF_SINGLE_STEP) != 0;
}

/*
 * Watchpoints: 0, -EINVAL (len 0 or wrapping), -ENOSPC, -ENOENT (remove
 * of one that is not there).  Outside cpu_exec.
 */
int cpu_watchpoint_insert(CPUState *cpu, uint64_t addr, uint64_t len,
                          int flags);
int cpu_watchpoint_remove(CPUState *cpu, uint64_t addr, uint64_t len,
                          int flags);
void cpu_watchpoint_remove_all(CPUState *cpu);
/* The first watchpoint of kind flags overlapping [addr, +len), or NULL. */
const CPUWatchpoint *cpu_watchpoint_match(const CPUState *cpu,
                                          uint64_t addr, uint64_t len,
                                          int flags);
/*
 * The memory system's hook: the watchpoints of cpu over [addr, +len)
 * changed (softmmu flushes those TLB pages).  NULL in user mode.
 */
extern void (*cpu_watchpoints_changed)(CPUState *cpu, uint64_t addr,
                                       uint64_t len);
/*
 * User mode (no TLB): watch by instrumenting the guest loads and stores
 * of TBs translated while any vCPU has a watchpoint (the TB cache is
 * flushed when that starts or stops being the case).  Helpers that
 * touch guest memory directly (exclusives, atomics) are not watched.
 */
void cpu_watchpoint_user_mode(void);
/*
 * Record that wp fired on cpu and leave for the exec loop with
 * EXCP_DEBUG, after restoring the state of the instruction at retaddr
 * (a GETPC() of the helper doing the access).
 */
G_NORETURN void cpu_watchpoint_raise(CPUState *cpu, const CPUWatchpoint *wp,
                                     uintptr_t retaddr);

/*
 * Translator side.  True if the frontend must end the TB before the
 * instruction at pc with ir_gen_debug_exception (never while single
 * stepping: stepping off a breakpoint runs the instruction).
 */
static inline bool translator_breakpoint_at(const CPUState *cpu,
                                            uint32_t cflags, uint64_t pc)
{
    return G_UNLIKELY(cpu->nb_breakpoints > 0) &&
           !(cflags & CF_SINGLE_STEP) && cpu_breakpoint_test(cpu, pc);
}
/*
 * The vCPUs that exist (cpu_init_common'ed and not destroyed), in
 * creation order: the debugger's thread list.
 */
int cpu_list_count(void);
CPUState *cpu_list_get(int i);     /* NULL past the end */

/* Raise EXCP_DEBUG; the frontend has stored the guest pc first. */
void ir_gen_debug_exception(IRContext *s);

#endif /* KESTREL_DEBUG_H */

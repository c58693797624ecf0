/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Breakpoints, watchpoints and single step for the debugger (see
 * include/kestrel/debug.h for the design).  The lists live in CPUState
 * and change only while the vCPU is outside cpu_exec (the gdb stub stops
 * the VM first), so the translator and the TLB read them without locks.
 */
#include <errno.h>
#include <string.h>

#include "kestrel/debug.h"
#include "kestrel/gdbstub.h"
#include "tb-internal.h"

void (*cpu_watchpoints_changed)(CPUState *cpu, uint64_t addr,
                                uint64_t len);

/* ------------------------------------------------------------------ */
/* Breakpoints                                                         */

/*
 * Drop the TBs holding pc, so the next translation sees the breakpoint
 * list as it is now.  The TB cache is keyed by physical address: system
 * mode asks the frontend for a fault-free translation; if pc is not
 * mapped now, a TB for it may still be cached under an old mapping, so
 * everything goes.
 */
static void breakpoint_invalidate(CPUState *cpu, uint64_t pc)
{
    const CPUGdbOps *g = cpu->ops->gdb;
    uint64_t phys = pc;

    if (g && g->phys_addr_debug && !g->phys_addr_debug(cpu, pc, &phys)) {
        tb_flush();
        return;
    }
    tb_invalidate_phys_range(phys, phys + 1);
}

bool cpu_breakpoint_test(const CPUState *cpu, uint64_t pc)
{
    for (int i = 0; i < cpu->nb_breakpoints; i++) {
        if (cpu->breakpoints[i] == pc) {
            return true;
        }
    }
    return false;
}

int cpu_breakpoint_insert(CPUState *cpu, uint64_t pc)
{
    if (cpu->nb_breakpoints >= CPU_MAX_BREAKPOINTS) {
        return -ENOSPC;
    }
    cpu->breakpoints = g_renew(uint64_t, cpu->breakpoints,
                               cpu->nb_breakpoints + 1);
    cpu->breakpoints[cpu->nb_breakpoints++] = pc;
    breakpoint_invalidate(cpu, pc);
    return 0;
}

int cpu_breakpoint_remove(CPUState *cpu, uint64_t pc)
{
    for (int i = 0; i < cpu->nb_breakpoints; i++) {
        if (cpu->breakpoints[i] == pc) {
            cpu->breakpoints[i] = cpu->breakpoints[--cpu->nb_breakpoints];
            breakpoint_invalidate(cpu, pc);
            return 0;
        }
    }
    return -ENOENT;
}

void cpu_breakpoint_remove_all(CPUState *cpu)
{
    while (cpu->nb_breakpoints > 0) {
        cpu_breakpoint_remove(cpu, cpu->breakpoints[0]);
    }
    g_free(cpu->breakpoints);
    cpu->breakpoints = NULL;
}

/* ------------------------------------------------------------------ */
/* Single step                                                         */

void cpu_single_step(CPUState *cpu, bool enable)
{
    cpu->tcg_cflags = enable ? CF_SINGLE_STEP | CF_NO_CHAIN | 1 : 0;
}

/* ------------------------------------------------------------------ */
/* Watchpoints                                                         */

static void watchpoints_changed(CPUState *cpu, uint64_t addr, uint64_t len)
{
    if (cpu_watchpoints_changed) {
        cpu_watchpoints_changed(cpu, addr, len);
    }
}

int cpu_watchpoint_insert(CPUState *cpu, uint64_t addr, uint64_t len,
                          int flags)
{
    CPUWatchpoint *wp;

    if (len == 0 || addr + len - 1 < addr || !(flags & BP_MEM_ACCESS)) {
        return -EINVAL;
    }
    if (cpu->nb_watchpoints >= CPU_MAX_WATCHPOINTS) {
        return -ENOSPC;
    }
    cpu->watchpoints = g_renew(CPUWatchpoint, cpu->watchpoints,
                               cpu->nb_watchpoints + 1);
    wp = &cpu->watchpoints[cpu->nb_watchpoints++];
    wp->vaddr = addr;
    wp->len = len;
    wp->flags = flags & BP_MEM_ACCESS;
    watchpoints_changed(cpu, addr, len);
    return 0;
}

int cpu_watchpoint_remove(CPUState *cpu, uint64_t addr, uint64_t len,
                          int flags)
{
    for (int i = 0; i < cpu->nb_watchpoints; i++) {
        CPUWatchpoint *wp = &cpu->watchpoints[i];

        if (wp->vaddr == addr && wp->len == len &&
            wp->flags == (flags & BP_MEM_ACCESS)) {
            *wp = cpu->watchpoints[--cpu->nb_watchpoints];
            watchpoints_changed(cpu, addr, len);
            return 0;
        }
    }
    return -ENOENT;
}

void cpu_watchpoint_remove_all(CPUState *cpu)
{
    while (cpu->nb_watchpoints > 0) {
        CPUWatchpoint wp = cpu->watchpoints[0];

        cpu_watchpoint_remove(cpu, wp.vaddr, wp.len, wp.flags);
    }
    g_free(cpu->watchpoints);
    cpu->watchpoints = NULL;
}

const CPUWatchpoint *cpu_watchpoint_match(const CPUState *cpu,
                                          uint64_t addr, uint64_t len,
                                          int flags)
{
    uint64_t last = addr + (len ? len - 1 : 0);

    for (int i = 0; i < cpu->nb_watchpoints; i++) {
        const CPUWatchpoint *wp = &cpu->watchpoints[i];
        uint64_t wlast = wp->vaddr + wp->len - 1;

        if ((wp->flags & flags) && addr <= wlast && wp->vaddr <= last) {
            return wp;
        }
    }
    return NULL;
}

G_NORETURN void cpu_watchpoint_raise(CPUState *cpu, const CPUWatchpoint *wp,
                                     uintptr_t retaddr)
{
    cpu->watchpoint_hit_addr = wp->vaddr;
    cpu->watchpoint_hit_flags = wp->flags;
    cpu->exception_index = EXCP_DEBUG;
    cpu_loop_exit_restore(cpu, retaddr);
}

/* ------------------------------------------------------------------ */
/* User mode: instrumented loads and stores                            */

/* info: access size | is_write << 8. */
static void helper_watch_check(void *env, uint64_t addr, uint32_t info)
{
    CPUState *cpu = env_cpu(env);
    const CPUWatchpoint *wp =
        cpu_watchpoint_match(cpu, addr, info & 0xff,
                             info >> 8 ? BP_MEM_WRITE : BP_MEM_READ);

    if (wp) {
        cpu_watchpoint_raise(cpu, wp, GETPC());
    }
}

static const IRHelperInfo helper_info_watch_check = {
    .func = (void *)helper_watch_check,
    .name = "watch_check",
    .flags = 0,                 /* raises, restoring state */
    .nb_args = 3,
    .ret_type = IR_VOID,
    .arg_types = { IR_I64, IR_I64, IR_I32 },
};

static void gen_watch_check(IRContext *s, IRTemp addr, MemOpIdx oi,
                            bool is_write)
{
    uint32_t info = memop_size(get_memop(oi)) | (uint32_t)is_write << 8;

    ir_call(s, &helper_info_watch_check, 0,
            (IRTemp[]){ s->env, addr, ir_const_i32(s, (int32_t)info) });
}

static void user_watchpoints_changed(CPUState *cpu, uint64_t addr,
                                     uint64_t len)
{
    bool any = false;

    tb_lock();
    for (unsigned i = 0; tb_ctx.cpus && i < tb_ctx.cpus->len; i++) {
        CPUState *c = g_ptr_array_index(tb_ctx.cpus, i);

        any |= c->nb_watchpoints > 0;
    }
    if (any != (tb_ctx.ir.mem_watch != NULL)) {
        /* Old TBs lack (or have) the checks: translate afresh. */
        tb_ctx.ir.mem_watch = any ? gen_watch_check : NULL;
        tb_flush_locked();
    }
    tb_unlock();
}

void cpu_watchpoint_user_mode(void)
{
    cpu_watchpoints_changed = user_watchpoints_changed;
}

/* ------------------------------------------------------------------ */
/* The vCPU list                                                       */

int cpu_list_count(void)
{
    int n;

    tb_lock();
    n = tb_ctx.cpus ? (int)tb_ctx.cpus->len : 0;
    tb_unlock();
    return n;
}

CPUState *cpu_list_get(int i)
{
    CPUState *cpu = NULL;

    tb_lock();
    if (tb_ctx.cpus && i >= 0 && (guint)i < tb_ctx.cpus->len) {
        cpu = g_ptr_array_index(tb_ctx.cpus, i);
    }
    tb_unlock();
    return cpu;
}

/* ------------------------------------------------------------------ */
/* Translator side                                                     */

static void helper_debug(void *env)
{
    CPUState *cpu = env_cpu(env);

    cpu->exception_index = EXCP_DEBUG;
    cpu_loop_exit(cpu);
}

static const IRHelperInfo helper_info_debug = {
    .func = (void *)helper_debug,
    .name = "debug",
    .flags = 0,                 /* raises; the frontend synced pc */
    .nb_args = 1,
    .ret_type = IR_VOID,
    .arg_types = { IR_I64 },
};

void ir_gen_debug_exception(IRContext *s)
{
    ir_call(s, &helper_info_debug, 0, (IRTemp[]){ s->env });
    /* Not reached; keeps the TB well formed. */
    ir_exit_tb(s, 0);
}

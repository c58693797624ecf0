/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GdbTargetOps parts that system.c and user.c share: the vCPU list,
 * breakpoints and watchpoints set on every vCPU alike (GDB sees one
 * address space), and the single-step flags of a resume.
 *
 * Kept out of gdbstub.c because these call into tcg/debug.c, while the
 * protocol core must link without it (tests and the fuzzer drive it with
 * a fake target).
 */
#include "kestrel/debug.h"
#include "internal.h"

int gdb_cpus_count(void *opaque)
{
    return cpu_list_count();
}

CPUState *gdb_cpus_get(void *opaque, int i)
{
    return cpu_list_get(i);
}

static int wp_flags(int type)
{
    return type == GDB_WP_WRITE ? BP_MEM_WRITE
         : type == GDB_WP_READ ? BP_MEM_READ : BP_MEM_ACCESS;
}

static int insert_one(CPUState *cpu, int type, uint64_t addr, uint64_t len)
{
    return type <= GDB_BP_HW ? cpu_breakpoint_insert(cpu, addr)
                             : cpu_watchpoint_insert(cpu, addr, len,
                                                     wp_flags(type));
}

static int remove_one(CPUState *cpu, int type, uint64_t addr, uint64_t len)
{
    return type <= GDB_BP_HW ? cpu_breakpoint_remove(cpu, addr)
                             : cpu_watchpoint_remove(cpu, addr, len,
                                                     wp_flags(type));
}

int gdb_cpus_insert_bp(void *opaque, int type, uint64_t addr, uint64_t len)
{
    int n = cpu_list_count();
    int r = 0, i;

    for (i = 0; i < n && r == 0; i++) {
        r = insert_one(cpu_list_get(i), type, addr, len);
    }
    if (r < 0) {
        /* vCPUs 0 .. i-2 took it; i-1 failed. */
        for (int j = 0; j < i - 1; j++) {
            remove_one(cpu_list_get(j), type, addr, len);
        }
    }
    return r;
}

int gdb_cpus_remove_bp(void *opaque, int type, uint64_t addr, uint64_t len)
{
    int n = cpu_list_count();
    int r = 0;

    for (int i = 0; i < n; i++) {
        int e = remove_one(cpu_list_get(i), type, addr, len);

        r = r ? r : e;
    }
    return r;
}

void gdb_cpus_remove_all_bps(void *opaque)
{
    int n = cpu_list_count();

    for (int i = 0; i < n; i++) {
        CPUState *cpu = cpu_list_get(i);

        cpu_breakpoint_remove_all(cpu);
        cpu_watchpoint_remove_all(cpu);
        cpu_single_step(cpu, false);
    }
}

void gdb_cpus_set_steps(const GdbAction *act, int n)
{
    for (int i = 0; i < n; i++) {
        cpu_single_step(cpu_list_get(i), act[i] == GDB_ACT_STEP);
    }
}

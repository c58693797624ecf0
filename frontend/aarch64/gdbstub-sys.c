/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gdb register map in system mode: cpsr writes may change PSTATE
 * (EL, SPSel, DAIF), and the debugger translates addresses with the
 * page-table walker directly (no TLB fill, no fault, no side effect).
 */
#include "kestrel/tlb.h"
#include "a64-gdb.h"
#include "cpu-sys.h"

static int a64_gdb_write_sys(CPUState *cs, const uint8_t *buf, int len,
                             int n)
{
    return a64_gdb_write_register(cs, buf, len, n, a64_pstate_write);
}

static bool a64_gdb_phys_addr(CPUState *cs, uint64_t vaddr, uint64_t *paddr)
{
    ARMCPU *cpu = (ARMCPU *)cs;
    int mmu_idx = (int)a64_current_el(&cpu->env);
    A64Walk w;

    /* Data first; execute-only code is still worth reading. */
    if (!a64_mmu_translate(cpu, vaddr, MMU_DATA_LOAD, mmu_idx, &w) &&
        !a64_mmu_translate(cpu, vaddr, MMU_INST_FETCH, mmu_idx, &w)) {
        return false;
    }
    *paddr = w.pa;
    return true;
}

const CPUGdbOps a64_gdb_sys_ops = {
    .xml = a64_gdb_xml,
    .num_regs = A64_GDB_NUM_REGS,
    .read_register = a64_gdb_read_register,
    .write_register = a64_gdb_write_sys,
    .phys_addr_debug = a64_gdb_phys_addr,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The software TLB behind the inline fast path (system mode), and what a
 * frontend calls to fill and flush it.  softmmu/tlb.c implements it.
 *
 * A miss in generated code calls the slow path (softmmu_install_hooks
 * puts it in the IRContext), which asks the frontend's
 * CPUArchOps.tlb_fill to walk the guest page tables; tlb_fill either
 * calls tlb_set_page and returns true, or raises the guest's fault
 * (cpu_loop_exit_restore) -- or returns false when probing.  The slow
 * path then retries the lookup and performs the access: RAM directly,
 * MMIO through memory_region_dispatch_*, and stores to pages holding
 * translated code (TLB_NOTDIRTY) invalidate those TBs first.
 */
#ifndef KESTREL_TLB_H
#define KESTREL_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "kestrel/cpu.h"
#include "kestrel/ir.h"
#include "kestrel/memory.h"

/* Access types, for tlb_fill and faults. */
typedef enum MMUAccessType {
    MMU_DATA_LOAD = 0,
    MMU_DATA_STORE = 1,
    MMU_INST_FETCH = 2,
} MMUAccessType;

/* prot bits for tlb_set_page. */
enum {
    PAGE_READ = 1,
    PAGE_WRITE = 2,
    PAGE_EXEC = 4,
};

/*
 * Set up cpu's TLB: tables for every MMU index (neg->tlb), the address
 * space it reaches.  Call once after cpu_init_common.
 */
void tlb_init(CPUState *cpu, AddressSpace *as);
void tlb_destroy(CPUState *cpu);

/*
 * Map the page of vaddr (size: the guest page size, >= 4 KiB; larger
 * pages are entered 4 KiB at a time on demand, but flushes by address
 * then drop the whole large page) to guest physical paddr with prot, in
 * mmu_idx.
 */
void tlb_set_page(CPUState *cpu, uint64_t vaddr, uint64_t paddr, int prot,
                  int mmu_idx, uint64_t size);

/* Flushes (TLBI).  idxmap: bit n = MMU index n. */
void tlb_flush(CPUState *cpu);
void tlb_flush_by_mmuidx(CPUState *cpu, uint16_t idxmap);
void tlb_flush_page(CPUState *cpu, uint64_t vaddr);
void tlb_flush_page_by_mmuidx(CPUState *cpu, uint64_t vaddr,
                              uint16_t idxmap);
/* The same on every vCPU (TLBI ...IS). */
void tlb_flush_all_cpus(uint16_t idxmap);
void tlb_flush_page_all_cpus(uint64_t vaddr, uint16_t idxmap);

/*
 * Translation contexts (address-space switches without flushing).  The
 * tables of the MMU indexes in idxmap (always the same map for a vCPU)
 * are kept per (key0, key1, asid) -- e.g. the TTBRs of the regime -- for
 * a few recent contexts, with their jump caches; switching back to one
 * finds its entries again.  Flushes apply to every context; the asid
 * only selects the contexts tlb_flush_asid drops.  The caller flushes
 * when anything else that shapes translations changes.
 */
void tlb_switch_context(CPUState *cpu, uint16_t idxmap, uint64_t key0,
                        uint64_t key1, uint32_t asid);
/* TLBI by ASID: flush idxmap in the contexts of asid (all of idxmap if
 * it is not the context map). */
void tlb_flush_asid(CPUState *cpu, uint16_t idxmap, uint32_t asid);
void tlb_flush_asid_all_cpus(uint16_t idxmap, uint32_t asid);

/* Put the softmmu slow paths into s (before the first translation). */
void softmmu_install_hooks(IRContext *s);

/*
 * Guest accesses from C helpers, through the TLB (filling it, and
 * raising guest faults with retaddr like generated code would).
 */
uint64_t cpu_ld_mmu(CPUState *cpu, uint64_t addr, MemOpIdx oi,
                    uintptr_t retaddr);
void cpu_st_mmu(CPUState *cpu, uint64_t addr, uint64_t val, MemOpIdx oi,
                uintptr_t retaddr);
/*
 * Host address of len bytes at addr for access_type in mmu_idx, when they
 * are plain RAM in one page (for atomics and exclusives); NULL otherwise
 * (MMIO, watchpoint...): the caller falls back to cpu_ld/st_mmu.  Raises
 * the guest fault if the page is not accessible.
 */
void *tlb_probe_host(CPUState *cpu, uint64_t addr, unsigned len,
                     MMUAccessType access_type, int mmu_idx,
                     uintptr_t retaddr);

/*
 * Instruction fetch for translators: the guest physical address of the
 * code at vaddr (CPUArchOps.get_code_phys in system mode), and a 32-bit
 * little-endian fetch.  Both raise the guest's fetch fault.
 */
uint64_t get_page_addr_code(CPUState *cpu, uint64_t vaddr, int mmu_idx);
uint32_t cpu_ldl_code(CPUState *cpu, uint64_t vaddr, int mmu_idx);

/*
 * The debugger's access to len bytes of cpu's virtual memory at addr,
 * translated as the CPU would now (CPUGdbOps.phys_addr_debug: no fault,
 * no TLB change).  Only RAM and ROM are accessible, so device state is
 * never touched; writes invalidate translated code.  0, -EFAULT
 * (unmapped or a device), -ENOSYS (the CPU cannot translate).
 */
int cpu_memory_rw_debug(CPUState *cpu, uint64_t addr, void *buf, size_t len,
                        bool is_write);

#endif /* KESTREL_TLB_H */

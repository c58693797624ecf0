/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private interfaces of the AArch64 system-mode files (cpu-sys.c,
 * sysreg.c, mmu.c, gtimer.c, psci.c).  Nothing here is reachable from
 * user mode.
 */
#ifndef KESTREL_FRONTEND_AARCH64_CPU_SYS_H
#define KESTREL_FRONTEND_AARCH64_CPU_SYS_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu-internal.h"

/* PSTATE bits (SPSR layout) kept in env->pstate. */
#define PSTATE_SP (1u << 0)
#define PSTATE_EL_SHIFT 2
#define PSTATE_F (1u << 6)
#define PSTATE_I (1u << 7)
#define PSTATE_A (1u << 8)
#define PSTATE_D (1u << 9)
#define PSTATE_DAIF (PSTATE_D | PSTATE_A | PSTATE_I | PSTATE_F)
#define PSTATE_IL (1u << 20)
#define PSTATE_SS (1u << 21)
#define PSTATE_nRW (1u << 4)

/* SCTLR / HCR / SCR bits used here. */
#define SCTLR_M (1ull << 0)
#define SCTLR_A (1ull << 1)
#define SCTLR_WXN (1ull << 19)
#define SCTLR_UMA (1ull << 9)   /* EL0 may access DAIF */
#define SCTLR_UCT (1ull << 15)  /* EL0 may read CTR_EL0 */
#define SCTLR_NTWI (1ull << 16) /* EL0 WFI is not trapped */
#define HCR_VM (1ull << 0)      /* stage 2 for EL1&0 */
#define HCR_PTW (1ull << 2)     /* stage 1 walks to S2 Device: fault */
#define HCR_FMO (1ull << 3)
#define HCR_IMO (1ull << 4)
#define HCR_VF (1ull << 6)      /* virtual FIQ pending (with FMO) */
#define HCR_VI (1ull << 7)      /* virtual IRQ pending (with IMO) */
#define HCR_FB (1ull << 9)      /* EL1 TLBI and IC IALLU broadcast */
#define HCR_DC (1ull << 12)     /* stage 1 off, stage 2 on, cacheable */
#define HCR_TGE (1ull << 27)
#define HCR_RW (1ull << 31)
#define SCR_FIQ (1ull << 2)
#define SCR_IRQ (1ull << 1)
#define SCR_RW (1ull << 10)

/* Generic timer frequency: QEMU's default, 62.5 MHz (16 ns a tick). */
#define A64_SYS_CNTFRQ 62500000ull
#define A64_SYS_NS_PER_TICK 16

static inline ARMCPU *a64_env_cpu(CPUARMState *env)
{
    return (ARMCPU *)env_cpu(env);
}

/* cpu-sys.c */
/* Replace PSTATE (not NZCV), switching the banked SP accordingly. */
void a64_pstate_write(CPUARMState *env, uint32_t pstate);
/* Recompute env->tb_flags after PSTATE.EL, CPACR_EL1 or SCTLR_ELx change. */
void a64_rebuild_tb_flags(CPUARMState *env);
/* Current SP value of a level (xregs[31] when it is the one in use). */
uint64_t a64_sp_read(CPUARMState *env, unsigned el);
void a64_sp_write(CPUARMState *env, unsigned el, uint64_t val);
/* HCR_EL2.VI/VF changed: raise or drop the virtual IRQ/FIQ lines. */
void a64_virq_update(ARMCPU *cpu);
/* Raise UDEF for the instruction being executed. */
G_NORETURN void a64_raise_udef(CPUARMState *env, uintptr_t ra);
/* Raise a synchronous exception to EL1 (at least) with this syndrome. */
G_NORETURN void a64_raise_syndrome(CPUARMState *env, uint32_t syndrome,
                                   uintptr_t ra);
/* The system CPU whose MPIDR affinity is mpidr, or NULL (PSCI). */
ARMCPU *a64_sys_cpu_by_mpidr(uint64_t mpidr);
/* Reset to the given EL and entry (PSCI CPU_ON), powered on. */
void a64_cpu_power_on(ARMCPU *cpu, unsigned el, uint64_t entry,
                      uint64_t context_id);
/*
 * PSCI CPU_OFF / SYSTEM_OFF of the calling CPU (from do_interrupt, outside
 * cpu_exec): mark it stopped; its vCPU thread then waits.
 */
void a64_cpu_power_off_self(ARMCPU *cpu);

/* sysreg.c */
uint64_t a64_sysreg_read(CPUARMState *env, uint32_t key, uintptr_t ra);
void a64_sysreg_write(CPUARMState *env, uint32_t key, uint64_t val,
                      uintptr_t ra);
/* ID_AA64PFR0_EL1 as this CPU reports it. */
uint64_t a64_sys_pfr0(ARMCPU *cpu);

/* mmu.c */
/* Result of a translation (stage 1, and stage 2 when it applies). */
typedef struct A64Walk {
    uint64_t pa;        /* physical address of va */
    uint64_t page_size; /* of the mapping (block or page) */
    int prot;           /* PAGE_READ | PAGE_WRITE | PAGE_EXEC */
    uint32_t fsc;       /* fault status code when the walk failed */
    uint64_t attrs;     /* MAIR attribute byte (stage 2: MemAttr) */
    unsigned sh;        /* descriptor SH[1:0] (for PAR_EL1) */
    /* Stage 2 (mmu-s2.c). */
    bool s2;            /* the fault is a stage 2 fault (taken to EL2) */
    bool s1ptw;         /* ... on a stage 1 table access */
    uint64_t ipa;       /* IPA that faulted at stage 2 (HPFAR_EL2) */
    uint8_t s2_attrs;   /* stage 2 MemAttr[3:0] of a stage 1+2 result */
    unsigned s2_sh;     /* stage 2 SH[1:0] */
} A64Walk;
/* Translate va for access_type in mmu_idx; false with w->fsc on fault. */
bool a64_mmu_translate(ARMCPU *cpu, uint64_t va, int access_type,
                       int mmu_idx, A64Walk *w);
/* mmu-dump.c: `info tlb` (CPUArchOps.dump_mmu). */
void a64_dump_mmu(CPUState *cs, FILE *f);
bool a64_tlb_fill(CPUState *cs, uint64_t vaddr, int size, int access_type,
                  int mmu_idx, bool probe, uintptr_t retaddr);
G_NORETURN void a64_do_unaligned_access(CPUState *cs, uint64_t vaddr,
                                        int access_type, int mmu_idx,
                                        uintptr_t retaddr);
/*
 * AT S1ExR/W (s12 false) and S12E1R/W, S12E0R/W (s12 true, mmu_idx 1 or
 * 0): PAR_EL1 gets the result; a stage 2 fault on the stage 1 walk of an
 * AT S1E* at EL1 is taken to EL2 instead.
 */
void a64_at(CPUARMState *env, int mmu_idx, bool is_write, bool s12,
            uint64_t va);
/* TLBI by key (op0=1, CRn=8); false if not a TLBI we know. */
bool a64_tlbi(CPUARMState *env, uint32_t key, uint64_t val);
/* A write to a K_TLBREG register at offset in env (mmu.c). */
void a64_tlbreg_written(ARMCPU *cpu, size_t offset, uint16_t map);
/* HCR_EL2 / VTCR_EL2 were written (old: the previous value). */
void a64_hcr_written(ARMCPU *cpu, uint64_t old);
void a64_vtcr_written(ARMCPU *cpu, uint64_t old);

/* mmu-s2.c */
/*
 * Stage 2 of ipa for access_type (MMU_*): false with w->fsc on a fault
 * (the caller marks it a stage 2 fault); else pa, page_size, prot,
 * attrs (MemAttr), sh, and the leaf's level in fsc.
 */
bool a64_s2_translate(ARMCPU *cpu, uint64_t ipa, int access_type,
                      A64Walk *w);
/* Take the stage 2 fault in w (w->s2) to EL2; retaddr as for tlb_fill. */
G_NORETURN void a64_s2_raise_abort(CPUState *cs, uint64_t vaddr,
                                   int access_type, const A64Walk *w,
                                   uintptr_t retaddr);
/* ISV, SAS, SSE, SRT, SF, AR of a data abort on insn (0: ISV = 0). */
uint32_t a64_s2_insn_iss(uint32_t insn);
/* PAR_EL1.ATTR of stage 1 attributes s1 (MAIR byte) and stage 2 s2. */
uint8_t a64_s2_combine_attrs(uint8_t s1, unsigned s2);

/* gtimer.c */
void a64_gt_init(ARMCPU *cpu);
void a64_gt_reset(ARMCPU *cpu);
/* CNTPCT (no offset). */
uint64_t a64_gt_count(void);
/* Timer registers: true if key is one (value in/out). */
bool a64_gt_read(ARMCPU *cpu, uint32_t key, uint64_t *val);
bool a64_gt_write(ARMCPU *cpu, uint32_t key, uint64_t val);

/* psci.c */
/* HVC/SMC with the PSCI conduit: true if handled (x0 holds the result). */
bool a64_psci_call(ARMCPU *cpu, bool is_smc);

#endif /* KESTREL_FRONTEND_AARCH64_CPU_SYS_H */

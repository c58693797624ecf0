/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The AArch64 frontend's private view of CPU models and system registers. */
#ifndef KESTREL_FRONTEND_AARCH64_CPU_INTERNAL_H
#define KESTREL_FRONTEND_AARCH64_CPU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

/* A -cpu model: identification and the optional features it has. */
typedef struct ARMCPUModel {
    const char *name;
    const char *desc;
    uint32_t midr;      /* MIDR_EL1 */
    bool crc32;         /* CRC32/CRC32C (FEAT_CRC32) */
    bool lse;           /* LSE atomics: CAS, LDADD... (FEAT_LSE, v8.1) */
} ARMCPUModel;

/*
 * The translation context, cached by aarch64_cpu_create: tcg_ir_context()
 * takes the TB lock, which get_code_phys and helpers may run under.
 * Helpers read its mem_mode and guest_base (set once, before running).
 */
extern IRContext *a64_ir;

/* Fixed EL0-visible registers. */
uint64_t aarch64_ctr_el0(void);
uint64_t aarch64_dczid_el0(void);

/*
 * The system-mode runtime, installed by aarch64_cpu_create_system
 * (cpu-sys.c).  translate-sys.c and helper.c reach it only through this
 * pointer, so user mode links without softmmu.  ra is the helper's
 * GETPC() for faults.
 */
typedef struct A64SysHooks {
    /* MRS (isread) / MSR / SYS of key (A64_SYSREG); UDEF if not allowed. */
    uint64_t (*sysreg_read)(CPUARMState *env, uint32_t key, uintptr_t ra);
    void (*sysreg_write)(CPUARMState *env, uint32_t key, uint64_t val,
                         uintptr_t ra);
    /* ERET: restore PSTATE from SPSR_ELx, pc from ELR_ELx. */
    void (*eret)(CPUARMState *env);
    /* MSR (immediate) of PSTATE field op (op1 << 3 | op2). */
    void (*msr_pstate)(CPUARMState *env, uint32_t op, uint32_t imm,
                       uintptr_t ra);
    /* WFI: env->pc is the next insn; halt (never returns). */
    G_NORETURN void (*wfi)(CPUARMState *env);
    /* Host address of RAM for exclusives/atomics/DC ZVA, or fault. */
    void *(*host_addr)(CPUARMState *env, uint64_t addr, unsigned size,
                       bool is_write, uintptr_t ra);
} A64SysHooks;
extern const A64SysHooks *a64_sys_hooks;

/* Current exception level (system mode; 0 in user mode). */
static inline unsigned a64_current_el(const CPUARMState *env)
{
    return (env->pstate >> 2) & 3;
}

/* ZVA block size in bytes (from DCZID_EL0). */
#define A64_ZVA_BYTES 64

#endif /* KESTREL_FRONTEND_AARCH64_CPU_INTERNAL_H */

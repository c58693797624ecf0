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

/* ZVA block size in bytes (from DCZID_EL0). */
#define A64_ZVA_BYTES 64

#endif /* KESTREL_FRONTEND_AARCH64_CPU_INTERNAL_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AArch64 guest CPU: state, models, and what user mode and boards use.
 *
 * Layout follows include/kestrel/cpu.h: ARMCPU = { CPUState, CPUNegState,
 * CPUARMState }, and generated code addresses CPUARMState as env.
 */
#ifndef KESTREL_FRONTEND_AARCH64_CPU_H
#define KESTREL_FRONTEND_AARCH64_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "kestrel/cpu.h"

/* Guest exceptions cpu_exec returns (>= 0; EXCP_* < 0 are the loop's). */
enum {
    EXCP_UDEF = 1,          /* undefined instruction: SIGILL */
    EXCP_SWI = 2,           /* SVC: syscall; imm16 in syndrome */
    EXCP_PREFETCH_ABORT = 3,/* instruction fetch fault; vaddr = pc */
    EXCP_DATA_ABORT = 4,    /* data fault; vaddr = address */
    EXCP_BKPT = 5,          /* BRK #imm16: SIGTRAP */
    EXCP_UNALIGNED = 6,     /* alignment fault: SIGBUS */
    EXCP_FPE = 7,           /* (none on A64 integer; reserved) */
    EXCP_SMC_RETRY = 8,     /* self-modifying code: re-run the insn */
};

/*
 * Where env->pc points when cpu_exec returns a guest exception:
 *   EXCP_SWI             the instruction after the SVC (syndrome: imm16)
 *   EXCP_UDEF, EXCP_BKPT the faulting instruction (BKPT syndrome: imm16)
 *   EXCP_PREFETCH_ABORT  the pc that could not be fetched (= vaddr)
 *   EXCP_UNALIGNED       the instruction (data: vaddr = address), or the
 *                        misaligned pc itself (pc alignment fault)
 *   EXCP_DATA_ABORT      the instruction (raised by linux-user's fault
 *                        handling or by helpers; vaddr = address)
 */

/* Exception details, filled before cpu_loop_exit. */
typedef struct ARMException {
    uint32_t syndrome;      /* ESR-like: EC, IL, ISS (imm16 for SVC/BRK) */
    uint64_t vaddr;         /* faulting address for aborts */
    bool is_write;          /* data abort on a store */
} ARMException;

/*
 * The architectural state generated code works on.  Every field that
 * translated code reads is documented; offsets are taken with offsetof.
 */
typedef struct CPUARMState {
    uint64_t xregs[32];     /* X0..X30; xregs[31] is SP (EL0 in user mode) */
    uint64_t pc;            /* of the current instruction when not in a TB */
    /*
     * NZCV split for cheap computation (the QEMU representation):
     * N = NF bit 31, Z = (ZF == 0), C = CF (0 or 1), V = VF bit 31.
     */
    uint32_t NF, ZF, CF, VF;
    uint32_t fpcr;          /* FPCR: rounding, FZ, DN, AHP... */
    uint32_t fpsr;          /* FPSR: cumulative exception flags, QC */
    /* Q0..Q31: [0] low 64 bits, [1] high 64 bits. */
    uint64_t vregs[32][2] __attribute__((aligned(16)));
    uint64_t tpidr_el0;     /* TPIDR_EL0: thread pointer */
    uint64_t tpidrro_el0;   /* TPIDRRO_EL0 */
    /* Exclusive monitor (LDXR/STXR): address, or -1 when clear. */
    uint64_t exclusive_addr;
    uint64_t exclusive_val;  /* value loaded (low 64 for pairs) */
    uint64_t exclusive_high; /* second value for LDXP */
    ARMException exception;  /* details of the last exception */
    /* More fields may follow; user mode and boards use the above. */
} CPUARMState;

typedef struct ARMCPU {
    CPUState parent;
    /* Aligned like env, so no padding separates them (asserted below). */
    CPUNegState neg __attribute__((aligned(16)));
    CPUARMState env;
    /* Model: ID register values and features (frontend private). */
    const struct ARMCPUModel *model;
    uint64_t hwcap, hwcap2;  /* Linux AT_HWCAP / AT_HWCAP2 to advertise */
    bool user_only;          /* linux-user: EL0 only, no MMU */
} ARMCPU;

_Static_assert(offsetof(ARMCPU, env) ==
               offsetof(ARMCPU, neg) + sizeof(CPUNegState),
               "CPUNegState must sit right before env");

/*
 * Create a CPU of model name ("max", "cortex-a57", "cortex-a72"; NULL is
 * "max").  user_only selects linux-user behaviour (EL0, guest memory by
 * IR_MEM_DIRECT).  tcg_init must have run.  NULL with *errp listing the
 * valid models on an unknown name.
 */
ARMCPU *aarch64_cpu_create(const char *model, bool user_only, GError **errp);
void aarch64_cpu_free(ARMCPU *cpu);
/* Print the models -cpu accepts (for -cpu help). */
void aarch64_cpu_list(FILE *f);

/* NZCV as the architecture packs it (bits 31..28). */
uint32_t aarch64_nzcv_read(const CPUARMState *env);
void aarch64_nzcv_write(CPUARMState *env, uint32_t nzcv);

/*
 * Instruction fetch for the translator, installed by linux-user (or a
 * board): read the 32-bit little-endian word at guest pc into *insn, or
 * return false if pc is not mapped executable.  The CPU's get_code_phys
 * calls it for the first instruction of each TB and raises
 * EXCP_PREFETCH_ABORT (exception.vaddr = pc) when it fails; a TB never
 * spans a page, so later fetches of the same TB succeed.  NULL (the
 * default) reads guest_base + pc directly in IR_MEM_DIRECT mode.
 */
extern bool (*aarch64_fetch_code)(CPUState *cpu, uint64_t pc,
                                  uint32_t *insn);

/*
 * Helpers that touch guest memory directly (exclusives, LSE atomics, DC
 * ZVA: they use host atomics on guest_base + addr in IR_MEM_DIRECT mode)
 * set this to their GETPC() for the duration of the access and clear it
 * after.  A host SIGSEGV/SIGBUS whose pc is not in generated code while it
 * is nonzero came from such a helper: linux-user's handler then calls
 * cpu_restore_state(cpu, aarch64_helper_retaddr), fills env->exception
 * and raises EXCP_DATA_ABORT as for a fault in generated code.
 */
extern __thread uintptr_t aarch64_helper_retaddr;

/*
 * Linux AT_HWCAP / AT_HWCAP2 bits (arch/arm64/include/uapi/asm/hwcap.h);
 * ARMCPU.hwcap/hwcap2 hold what this CPU advertises.
 */
enum {
    ARM_HWCAP_FP = 1 << 0,
    ARM_HWCAP_ASIMD = 1 << 1,
    ARM_HWCAP_EVTSTRM = 1 << 2,
    ARM_HWCAP_AES = 1 << 3,
    ARM_HWCAP_PMULL = 1 << 4,
    ARM_HWCAP_SHA1 = 1 << 5,
    ARM_HWCAP_SHA2 = 1 << 6,
    ARM_HWCAP_CRC32 = 1 << 7,
    ARM_HWCAP_ATOMICS = 1 << 8,
    ARM_HWCAP_FPHP = 1 << 9,
    ARM_HWCAP_ASIMDHP = 1 << 10,
    ARM_HWCAP_CPUID = 1 << 11,
};

/*
 * Optional FP/SIMD features the translator implements, advertised in
 * hwcap and the ID registers by every CPU created afterwards.  The
 * defaults (all off) live in cpu.c, in the initializer of
 * aarch64_optional_features: turn a feature on there once its
 * instructions are implemented.
 */
typedef struct A64OptionalFeatures {
    bool aes;       /* AESE/AESD/AESMC/AESIMC; also PMULL if pmull */
    bool pmull;     /* PMULL/PMULL2 64x64->128 */
    bool sha1;
    bool sha2;      /* SHA256 */
    bool fp16;      /* FPHP + ASIMDHP */
} A64OptionalFeatures;
extern A64OptionalFeatures aarch64_optional_features;

/*
 * An EL0-visible system register by its MRS encoding (op0, op1, CRn, CRm,
 * op2), as Linux presents it to user space (ID registers sanitised);
 * false if EL0 may not read it.  For tests and the CPUID emulation.
 */
bool aarch64_read_id_reg(ARMCPU *cpu, unsigned op0, unsigned op1,
                         unsigned crn, unsigned crm, unsigned op2,
                         uint64_t *val);

static inline ARMCPU *arm_env_cpu(CPUARMState *env)
{
    return (ARMCPU *)env_cpu(env);
}

#endif /* KESTREL_FRONTEND_AARCH64_CPU_H */

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
    /* System mode only (do_interrupt takes them; syndrome in exception). */
    EXCP_HVC = 9,           /* HVC #imm: pc = next insn */
    EXCP_SMC = 10,          /* SMC #imm: pc = next insn */
    EXCP_IRQ = 11,          /* asynchronous, from CPU_INTERRUPT_HARD */
    EXCP_FIQ = 12,          /* asynchronous, from CPU_INTERRUPT_FIQ */
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
    /* System mode: lowest EL to take it to (2: stage 2 fault), or 0. */
    unsigned target_el;
} ARMException;

/*
 * The architectural state generated code works on.  Every field that
 * translated code reads is documented; offsets are taken with offsetof.
 */
typedef struct CPUARMState {
    uint64_t xregs[32];     /* X0..X30; xregs[31] is SP (EL0 in user mode) */
    uint64_t pc;            /* of the current instruction when not in a TB */
    /*
     * The A64_TBF_* mode flags of the current state, the key TBs are
     * looked up by (read straight from here by the indirect-branch
     * lookup).  System mode keeps it current with a64_rebuild_tb_flags()
     * wherever what it depends on changes (PSTATE.EL, CPACR_EL1,
     * SCTLR_ELx); user mode leaves it 0.
     */
    uint32_t tb_flags;
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

    /*
     * System mode (cpu-sys.c, sysreg.c, mmu.c, gtimer.c).  Arrays indexed
     * by exception level; entries of levels the CPU lacks stay 0.
     */
    uint32_t pstate;        /* PSTATE but NZCV, in SPSR layout: M[3:0]
                               (EL << 2 | SPSel), F, I, A, D, IL, SS */
    uint32_t pad_sys;
    uint64_t sp_el[4];      /* SP_ELx while not the current SP */
    uint64_t elr_el[4];     /* ELR_ELx (index 0 unused) */
    uint64_t spsr_el[4];    /* SPSR_ELx */
    uint64_t esr_el[4];     /* ESR_ELx */
    uint64_t far_el[4];     /* FAR_ELx */
    uint64_t vbar_el[4];    /* VBAR_ELx */
    uint64_t sctlr_el[4];   /* SCTLR_ELx */
    uint64_t tcr_el[4];     /* TCR_ELx */
    uint64_t ttbr0_el[4];   /* TTBR0_ELx */
    uint64_t ttbr1_el[4];   /* TTBR1_EL1 (only [1] is used) */
    uint64_t mair_el[4];    /* MAIR_ELx */
    uint64_t amair_el[4];   /* AMAIR_ELx (no effect) */
    uint64_t tpidr_el[4];   /* TPIDR_EL1..3 ([0] is tpidr_el0 above) */
    uint64_t actlr_el[4];   /* ACTLR_ELx (no effect) */
    uint64_t afsr0_el[4], afsr1_el[4]; /* AFSRn_ELx (no effect) */
    uint64_t cpacr_el1;     /* CPACR_EL1: FPEN traps FP/SIMD to EL1 */
    uint64_t contextidr_el1;
    uint64_t par_el1;       /* PAR_EL1: result of the last AT */
    uint64_t csselr_el1;    /* CSSELR_EL1 */
    uint64_t mdscr_el1;     /* MDSCR_EL1 (stored, no effect) */
    uint64_t oslsr_el1;     /* OSLSR_EL1.OSLK, set by OSLAR */
    uint64_t cntkctl_el1;   /* CNTKCTL_EL1 (stored, not enforced) */
    uint64_t hcr_el2;       /* HCR_EL2: IMO/FMO route IRQ/FIQ to EL2 */
    uint64_t cptr_el2, mdcr_el2, hstr_el2, vttbr_el2, vtcr_el2, hpfar_el2;
    uint64_t vpidr_el2, vmpidr_el2;
    uint64_t cnthctl_el2;   /* CNTHCTL_EL2 (stored) */
    uint64_t cntvoff_el2;   /* CNTVOFF_EL2: virtual counter offset */
    uint64_t scr_el3, cptr_el3, mdcr_el3;
    /* Generic timers: GT_PHYS, GT_VIRT, GT_HYP, GT_SEC. */
    struct {
        uint64_t cval;      /* CNTx_CVAL */
        uint32_t ctl;       /* CNTx_CTL: ENABLE, IMASK (ISTATUS computed) */
        int32_t level;      /* last level driven on the IRQ output */
    } gt[4];
} CPUARMState;

/* Generic timer indexes (CPUARMState.gt, ARMCPU.timer_irq). */
enum { GT_PHYS, GT_VIRT, GT_HYP, GT_SEC, GT_NUM };

/*
 * The GICv3 CPU interface (ICC_* system registers), implemented by the
 * GICv3 model and installed per CPU by the board.  reg_encoding is the
 * MRS/MSR key op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2 (see
 * A64_SYSREG).  Called from the vCPU thread with the BQL held.  Without
 * it, ICC_* are UNDEFINED and ID_AA64PFR0_EL1.GIC reads 0.
 */
typedef struct ARMGICv3CPUIfOps {
    uint64_t (*read)(void *opaque, int cpu, uint32_t reg_encoding);
    void (*write)(void *opaque, int cpu, uint32_t reg_encoding,
                  uint64_t value);
    void *opaque;
} ARMGICv3CPUIfOps;

#define A64_SYSREG(op0, op1, crn, crm, op2) \
    ((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 | \
     (uint32_t)(crm) << 3 | (uint32_t)(op2))

/* PSCI conduits (ARMCPU.psci_conduit). */
enum { ARM_PSCI_NONE, ARM_PSCI_HVC, ARM_PSCI_SMC };

typedef struct ARMCPU {
    CPUState parent;
    /* Aligned like env, so no padding separates them (asserted below). */
    CPUNegState neg __attribute__((aligned(16)));
    CPUARMState env;
    /* Model: ID register values and features (frontend private). */
    const struct ARMCPUModel *model;
    uint64_t hwcap, hwcap2;  /* Linux AT_HWCAP / AT_HWCAP2 to advertise */
    bool user_only;          /* linux-user: EL0 only, no MMU */

    /*
     * System mode (aarch64_cpu_create_system).  Properties the board sets
     * before aarch64_cpu_reset:
     */
    bool has_el2;            /* EL2 implemented (default false) */
    bool has_el3;            /* EL3 implemented (default false) */
    int reset_el;            /* EL entered at reset: 1 (default), 2, 3 */
    uint64_t reset_pc;       /* pc at reset */
    uint64_t mpidr;          /* MPIDR_EL1 (default: Aff0 = cpu_index) */
    int psci_conduit;        /* ARM_PSCI_HVC (default), _SMC or _NONE */
    bool start_powered_off;  /* secondary CPU: waits for PSCI CPU_ON */
    struct IRQLine *timer_irq[GT_NUM]; /* generic timer outputs, or NULL */
    const ARMGICv3CPUIfOps *gicv3; /* ICC_* registers, or NULL */
    /* State. */
    bool powered_off;        /* PSCI CPU_OFF, or start_powered_off */
    struct Timer *gt_timer[GT_NUM]; /* CLOCK_VIRTUAL timers (gtimer.c) */
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

/*
 * System mode (cpu-sys.c; link with softmmu).  Create a CPU whose
 * physical accesses go to as, with a software MMU (tlb_init) and all
 * system registers; then set the properties above and call
 * aarch64_cpu_reset.  The CPU registers itself for system resets.
 * NULL with *errp on an unknown model.
 */
struct AddressSpace;
ARMCPU *aarch64_cpu_create_system(const char *model, struct AddressSpace *as,
                                  GError **errp);
/*
 * Architectural reset: EL reset_el with SP_ELx, MMU off, DAIF masked,
 * pc = reset_pc, timers stopped; powered off if start_powered_off
 * (cs->stopped and cs->halted set).
 */
void aarch64_cpu_reset(ARMCPU *cpu);

/*
 * Set by softmmu/cpus.c (or the board): PSCI CPU_ON has reset cs to its
 * entry point and cleared cs->stopped and cs->halted; wake its vCPU
 * thread.  Called from the calling vCPU's thread.  NULL: cpu_interrupt
 * (cs, CPU_INTERRUPT_EXITTB) is used instead.
 */
extern void (*arm_psci_cpu_on_hook)(CPUState *cs);
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest-independent part of a vCPU, as the exec loop and generated
 * code see it, and the operations a frontend provides.
 *
 * Layout contract.  A frontend allocates its CPU as
 *
 *     struct FooCPU {
 *         CPUState parent;     // first
 *         CPUNegState neg;     // immediately before env
 *         CPUFooState env;     // what generated code calls env
 *     };
 *
 * and calls cpu_init_common(&c->parent, &c->neg, &c->env, ops).
 * Generated code holds env in a host register and reaches the TLB and
 * the exit request at small negative offsets (CPU_NEG_OFFSET).
 */
#ifndef KESTREL_CPU_H
#define KESTREL_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kestrel/ir.h"

/* ------------------------------------------------------------------ */
/* Software TLB, as generated code reads it                            */

#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ull << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(TARGET_PAGE_SIZE - 1))

/*
 * Flag bits kept in the low bits of a tag.  The fast path compares
 * (addr & (TARGET_PAGE_MASK | align_mask)) with the tag, so any flag set
 * forces the slow path.  They sit above the largest alignment (64 bytes).
 */
#define TLB_INVALID_MASK (1ull << (TARGET_PAGE_BITS - 1)) /* no entry */
#define TLB_NOTDIRTY (1ull << (TARGET_PAGE_BITS - 2))     /* holds code */
#define TLB_MMIO (1ull << (TARGET_PAGE_BITS - 3))         /* device */
#define TLB_WATCHPOINT (1ull << (TARGET_PAGE_BITS - 4))   /* watched */
#define TLB_FLAGS_MASK (TLB_INVALID_MASK | TLB_NOTDIRTY | TLB_MMIO | \
                        TLB_WATCHPOINT)

typedef struct TLBEntry {
    uint64_t addr_read;  /* page | flags, or -1: tag for loads */
    uint64_t addr_write; /* tag for stores */
    uint64_t addr_code;  /* tag for instruction fetch */
    uintptr_t addend;    /* host address = guest address + addend */
} TLBEntry;

#define TLB_ENTRY_BITS 5
_Static_assert(sizeof(TLBEntry) == 1 << TLB_ENTRY_BITS, "TLBEntry size");

/* Per MMU index: what the inline fast path needs. */
typedef struct TLBFast {
    uintptr_t mask;   /* (number of entries - 1) << TLB_ENTRY_BITS */
    TLBEntry *table;  /* the entries */
} TLBFast;

struct CPUState;

/*
 * The part of the CPU that sits right before env.  16-byte aligned so
 * that an env of alignment up to 16 follows it with no padding; check
 * with CPU_LAYOUT_ASSERT.
 */
typedef struct __attribute__((aligned(16))) CPUNegState {
    TLBFast tlb[IR_NB_MMU_MODES]; /* indexed by MMU index */
    struct CPUState *cpu;         /* back pointer, for helpers */
    int32_t exit_request;         /* nonzero: leave at the next TB entry */
    /*
     * -icount: guest insns the vCPU may still run in this slice.  TBs
     * translated with CF_USE_ICOUNT subtract their insn count at entry,
     * or leave (TB_EXIT_ICOUNT_EXPIRED) if it would go negative.
     */
    int32_t icount_decr;
} CPUNegState;

_Static_assert(sizeof(CPUNegState) % 16 == 0, "env stays aligned");

/* Offset of a CPUNegState field from env (negative). */
#define CPU_NEG_OFFSET(field) \
    ((int32_t)offsetof(CPUNegState, field) - (int32_t)sizeof(CPUNegState))

/*
 * Generated code finds neg at env - sizeof(CPUNegState): a frontend's CPU
 * type must have env start exactly where neg ends.
 */
#define CPU_LAYOUT_ASSERT(type)                                        \
    _Static_assert(offsetof(type, env) ==                              \
                       offsetof(type, neg) + sizeof(CPUNegState),      \
                   #type ": env must follow neg with no padding")

static inline CPUNegState *env_neg(void *env)
{
    return (CPUNegState *)env - 1;
}
static inline struct CPUState *env_cpu(void *env)
{
    return env_neg(env)->cpu;
}

/* ------------------------------------------------------------------ */
/* The frontend's operations                                           */

struct TranslationBlock;

/* Exception indexes below 0 are the exec loop's own. */
enum {
    EXCP_INTERRUPT = -1, /* exit requested (cpu_exit) */
    EXCP_HLT = -2,       /* halted (WFI, HLT) */
    EXCP_DEBUG = -3,     /* breakpoint or single step for the debugger */
    EXCP_ATOMIC = -4,    /* retry this insn exclusively */
    EXCP_NONE = -5,      /* no exception pending */
};

typedef struct CPUArchOps {
    const char *name;
    /* Words of insn_start data the frontend emits (1..3). */
    unsigned insn_start_words;
    /* The key of the next TB: pc, cs_base and mode flags. */
    void (*get_tb_cpu_state)(struct CPUState *cpu, uint64_t *pc,
                             uint64_t *cs_base, uint32_t *flags);
    /*
     * Optional shortcut for the indirect-branch lookup: when
     * tb_flags_offset is non-zero, pc (uint64_t) and flags (uint32_t)
     * sit at these byte offsets in env, always current, and cs_base is
     * 0, so the lookup reads them instead of calling get_tb_cpu_state.
     */
    unsigned tb_pc_offset;
    unsigned tb_flags_offset;
    /*
     * Guest physical address of the code at virtual pc, for TB lookup and
     * invalidation; may raise a fetch fault (cpu_loop_exit).  User mode
     * returns pc itself.
     */
    uint64_t (*get_code_phys)(struct CPUState *cpu, uint64_t pc);
    /*
     * Translate the guest code of tb (tb->pc, tb->flags ...) into IR in s:
     * insn_start per instruction, goto_tb / exit_tb at the end.  At most
     * max_insns instructions.  Sets tb->size (guest bytes covered) and
     * tb->icount.
     */
    void (*translate)(struct CPUState *cpu, IRContext *s,
                      struct TranslationBlock *tb, int max_insns);
    /* Restore the guest state from one insn_start's data. */
    void (*restore_state)(struct CPUState *cpu, struct TranslationBlock *tb,
                          const uint64_t *data);
    /* Set pc after a TB that exited without chaining (optional). */
    void (*synchronize_from_tb)(struct CPUState *cpu,
                                const struct TranslationBlock *tb);
    /*
     * Deliver a pending interrupt (system mode); return true if taken.
     * Optional.
     */
    bool (*exec_interrupt)(struct CPUState *cpu, int interrupt_request);

    /* System mode (include/kestrel/tlb.h); NULL in user-only frontends. */
    /*
     * Translate vaddr for access_type (MMUAccessType) in mmu_idx: on
     * success tlb_set_page and return true; on a fault return false if
     * probe, else raise the guest's fault (cpu_loop_exit_restore with
     * retaddr).
     */
    bool (*tlb_fill)(struct CPUState *cpu, uint64_t vaddr, int size,
                     int access_type, int mmu_idx, bool probe,
                     uintptr_t retaddr);
    /* A misaligned access that MemOp forbade: raise the guest's fault. */
    G_NORETURN void (*do_unaligned_access)(struct CPUState *cpu,
                                           uint64_t vaddr, int access_type,
                                           int mmu_idx, uintptr_t retaddr);
    /*
     * Take the exception in cpu->exception_index (>= 0) the guest's way:
     * the system-mode vCPU loop calls it when cpu_exec returns one.
     */
    void (*do_interrupt)(struct CPUState *cpu);
    /* The MMU index instruction fetch uses now. */
    int (*mmu_index)(struct CPUState *cpu, bool ifetch);
    /* Print the registers (-d cpu, `info registers`). */
    void (*dump_state)(struct CPUState *cpu, FILE *f);
    /* Print the current translation regime's mappings (`info tlb`). */
    void (*dump_mmu)(struct CPUState *cpu, FILE *f);
    /* The debugger's view: registers, target description (gdbstub.h). */
    const struct CPUGdbOps *gdb;
} CPUArchOps;

/* interrupt_request bits (system mode). */
enum {
    CPU_INTERRUPT_HARD = 1 << 0,   /* IRQ */
    CPU_INTERRUPT_FIQ = 1 << 1,
    CPU_INTERRUPT_VIRQ = 1 << 2,
    CPU_INTERRUPT_VFIQ = 1 << 3,
    CPU_INTERRUPT_EXITTB = 1 << 4, /* leave the TB, nothing to take */
};

/* ------------------------------------------------------------------ */
/* The generic vCPU                                                    */


/*
 * One jump-cache entry: everything helper_lookup_tb_ptr compares and
 * returns sits in one 32-byte, 32-aligned entry, so an indirect branch
 * touches one cache line (not the entry and then the TB).  tc_ptr NULL
 * marks an empty or invalidated entry.
 */
#define CPU_JMP_CACHE_SPARES 8

typedef struct TBJmpCacheEntry {
    uint64_t pc;
    uint64_t key;                   /* flags | (uint64_t)cflags << 32 */
    const void *tc_ptr;             /* tb->tc_ptr, or NULL */
    struct TranslationBlock *tb;
} __attribute__((aligned(32))) TBJmpCacheEntry;

typedef struct CPUState {
    const CPUArchOps *ops;
    void *env;                    /* the frontend's state, after neg */
    CPUNegState *neg;
    int cpu_index;
    sigjmp_buf jmp_env;           /* cpu_loop_exit lands here */
    int exception_index;          /* EXCP_* or a guest exception number */
    volatile int interrupt_request; /* pending interrupt lines (bits) */
    bool halted;
    bool can_do_io;
    bool stopped;                 /* paused by the monitor / power off */
    void *tlb;                    /* softmmu TLB state (tlb_init) */
    struct AddressSpace *as;      /* what this CPU's physical accesses see */
    TBJmpCacheEntry *tb_jmp_cache;/* tb_jmp_cache_new(): 2^bits entries,
                                     bits from TCGOptions.jmp_cache_bits */
    /*
     * Jump caches of this vCPU not in use now (softmmu's inactive
     * address-space contexts, tb_jmp_cache_register): invalidating a TB
     * clears it from these too, since no TB pointer check guards a hit.
     */
    TBJmpCacheEntry *tb_jmp_spare[CPU_JMP_CACHE_SPARES];
    void *opaque;                 /* owner (board, user-mode thread) */

    /*
     * Debugger state (include/kestrel/debug.h), all zero while no
     * debugger is attached.  Changed only while the vCPU is outside
     * cpu_exec.
     */
    uint32_t tcg_cflags;          /* CF_* added to each TB (single step) */
    int nb_breakpoints;           /* > 0: the translator checks the list */
    uint64_t *breakpoints;        /* pcs that raise EXCP_DEBUG */
    int nb_watchpoints;           /* > 0: the TLB marks watched pages */
    struct CPUWatchpoint *watchpoints;
    uint64_t watchpoint_hit_addr; /* start of the watchpoint that fired */
    int watchpoint_hit_flags;     /* its BP_MEM_*; 0: none fired */
} CPUState;

/* tcg/cpu-exec.c */

/* Bind the common parts; ops must outlive the CPU.  cpu_index is given
 * in creation order (a board may overwrite it). */
void cpu_init_common(CPUState *cpu, CPUNegState *neg, void *env,
                     const CPUArchOps *ops);
void cpu_destroy_common(CPUState *cpu);

/*
 * Run guest code until an exception or exit: returns the exception
 * index (a guest exception the caller delivers, or an EXCP_* value) and
 * resets cpu->exception_index to EXCP_NONE.  Pending interrupts are
 * offered to ops->exec_interrupt before exit_request is checked; a
 * halted CPU with no pending interrupt_request returns EXCP_HLT, and any
 * pending line wakes it.
 */
int cpu_exec(CPUState *cpu);

/* Ask cpu to leave generated code at the next TB entry (thread safe). */
void cpu_exit(CPUState *cpu);

/*
 * softmmu/cpus.c (system mode): raise or clear interrupt_request bits;
 * raising one wakes a halted CPU and makes it leave generated code.
 * Thread safe.
 */
void cpu_interrupt(CPUState *cpu, int mask);
void cpu_reset_interrupt(CPUState *cpu, int mask);

/*
 * The CPU this thread last ran with cpu_exec (NULL in other threads);
 * devices with banked registers (the GICv2 CPU interface) read it in
 * their MMIO handlers.
 */
extern __thread CPUState *current_cpu;

/* Unwind to cpu_exec with cpu->exception_index set.  CPU code only. */
G_NORETURN void cpu_loop_exit(CPUState *cpu);
/*
 * Same, after restoring the guest state of the instruction that contains
 * host address retaddr (a helper's GETPC()); retaddr 0 restores nothing.
 */
G_NORETURN void cpu_loop_exit_restore(CPUState *cpu, uintptr_t retaddr);
/* Restore guest state for host pc; true if it was inside a TB. */
bool cpu_restore_state(CPUState *cpu, uintptr_t host_pc);

/*
 * Where a helper was called from, for cpu_loop_exit_restore: inside JIT
 * code, the return address minus one (so it points into the call); under
 * the interpreter, the address of the calling op in the code buffer,
 * which the interpreter keeps in tcg_interp_pc while it runs.
 */
extern __thread uintptr_t tcg_interp_pc;
#define GETPC()                                                    \
    (tcg_interp_pc ? tcg_interp_pc                                 \
                   : (uintptr_t)__builtin_return_address(0) - 1)

#endif /* KESTREL_CPU_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Translation blocks and the TB cache.
 *
 * A TB is the host code for a run of guest instructions, keyed by
 * (physical pc, virtual pc, cs_base, flags).  Its code lives in one region
 * of the code buffer; regions are filled in order and reclaimed oldest
 * first when the buffer is full, invalidating their TBs.
 */
#ifndef KESTREL_TB_H
#define KESTREL_TB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kestrel/cpu.h"
#include "kestrel/ir.h"

/* exit_tb values: a TB pointer (aligned) or'ed with one of these. */
enum {
    TB_EXIT_IDX0 = 0,      /* left by goto_tb slot 0: chain slot 0 */
    TB_EXIT_IDX1 = 1,      /* left by goto_tb slot 1: chain slot 1 */
    TB_EXIT_ICOUNT_EXPIRED = 2, /* -icount budget too small for the TB */
    TB_EXIT_REQUESTED = 3, /* exit_request was set at TB entry */
    TB_EXIT_MASK = 3,
};

/* cflags */
enum {
    CF_COUNT_MASK = 0x1ff,  /* max insns (0 = default) */
    CF_NO_CHAIN = 1 << 10,  /* never chain from this TB (-d nochain) */
    CF_INVALID = 1 << 11,   /* invalidated: never looked up again */
    CF_USE_ICOUNT = 1 << 12,/* count insns in neg->icount_decr */
    /*
     * Debugger single step: one insn, never chained; the exec loop
     * returns EXCP_DEBUG once it ran (CPUState.tcg_cflags).
     */
    CF_SINGLE_STEP = 1 << 13,
};

typedef struct TranslationBlock {
    /*
     * First cache line: everything a hash-table or jump-cache lookup
     * reads (the key, the chain link, the code pointer).
     */
    uint64_t pc;            /* guest virtual pc of the first insn */
    uint64_t cs_base;       /* extra key (x86 CS base), else 0 */
    uint32_t flags;         /* CPU mode flags the code depends on */
    uint32_t cflags;        /* CF_* */
    uint64_t phys_pc;       /* guest physical address of pc */
    uint32_t hash;          /* of the lookup key (tcg/tb-maint.c) */
    uint32_t tc_size;       /* bytes of host code */
    struct TranslationBlock *hash_next; /* same hash bucket */
    const void *tc_ptr;     /* host code, executable view */

    uint64_t page_addr[2];  /* guest physical pages spanned; [1] = -1 */
    uint32_t size;          /* guest bytes covered */
    uint16_t icount;        /* guest insns */
    uint16_t region;        /* code buffer region holding tc_ptr */
    uint32_t insn_data_off; /* restore data, offset from tc_ptr */

    /* Chaining.  Outgoing: slot n jumps at tc_ptr + jmp_insn_offset[n]. */
    uint16_t jmp_reset_offset[2]; /* unchained target, from tc_ptr */
    uint16_t jmp_insn_offset[2];  /* the patchable jump, from tc_ptr */
    struct TranslationBlock *jmp_dest[2]; /* chained to, or NULL */
    /* Incoming: TBs whose slot jumps here; (tb | n) tagged pointers. */
    uintptr_t jmp_list_head;
    uintptr_t jmp_list_next[2];

    /*
     * The list of TBs on page_addr[n], doubly linked for O(1) removal:
     * page_pprev[n] points at the link that points here.
     */
    struct TranslationBlock *page_next[2];
    struct TranslationBlock **page_pprev[2];
    uint64_t exec_count;    /* only kept when tb_stats is on */
} __attribute__((aligned(64))) TranslationBlock;

/* The current backend and statistics. */
typedef struct TBCacheStats {
    uint64_t translations;  /* TBs generated */
    uint64_t guest_insns;   /* guest insns translated */
    uint64_t code_bytes;    /* host code bytes generated */
    uint64_t flushes;       /* full flushes */
    uint64_t evictions;     /* regions reclaimed */
    uint64_t invalidations; /* TBs invalidated by writes */
    uint64_t retranslations_smaller; /* TB too big, retried smaller */
    uint64_t lookup_misses; /* indirect-branch lookups that missed the
                               jump cache (back to the exec loop) */
    uint64_t hash_lookups;  /* exec-loop lookups past the jump cache */
} TBCacheStats;

/* How vCPUs map to host threads (-accel tcg,thread=...; system mode). */
typedef enum TCGThreadMode {
    TCG_THREAD_DEFAULT,     /* not given: the program's default */
    TCG_THREAD_SINGLE,      /* thread=single: all vCPUs round-robin */
    TCG_THREAD_MULTI,       /* thread=multi: one host thread per vCPU */
} TCGThreadMode;

/* Options for tcg_init (parsed from -accel tcg,...). */
typedef struct TCGOptions {
    size_t tb_size_mib;     /* code buffer; 0 = default 16 */
    const char *backend;    /* "jit" (default), "interp" */
    bool no_chain;          /* -d nochain */
    bool no_split_wx;       /* split-wx=off: one RWX mapping, no memfd */
    /*
     * log2 of the entries of each jump cache; 0 = 12.  System mode wants
     * more (16): a kernel and many processes share it, and TLB flushes
     * clear it; user mode fewer, for cache locality and cheap forks.
     */
    unsigned jmp_cache_bits;
    TCGThreadMode thread;   /* thread=single|multi (tcg_init ignores it) */
    bool icount;            /* -icount: translate with CF_USE_ICOUNT */
} TCGOptions;

/* tcg/tcg.c: bring up the code buffer, backend and TB cache. */
bool tcg_init(const TCGOptions *opts, GError **errp);
/*
 * A host fork() while other threads translate (user mode): the child
 * must not inherit a TB lock some other thread held.  The caller holds
 * its own locks that come before the TB lock (linux-user's mmap_lock):
 *
 *     mmap_lock(); tcg_fork_prepare();
 *     pid = fork();
 *     if (pid == 0) {
 *         tcg_fork_child(&opts, &err);
 *     } else {
 *         tcg_fork_parent();
 *     }
 *     mmap_unlock();
 *
 * tcg_fork_prepare takes the TB lock; tcg_fork_parent releases it.
 * tcg_fork_child re-initialises the lock (the child has one thread) and
 * gives the child a code buffer of its own: the memfd behind the two
 * views is shared with the parent, so both must not keep translating
 * into it.  The child's copy holds the parent's translations at the same
 * addresses, so it keeps every TB (and the code pages stay protected);
 * only if the copy fails does it start afresh, as tcg_init.  False with
 * *errp if no buffer can be mapped.
 */
void tcg_fork_prepare(void);
void tcg_fork_parent(void);
bool tcg_fork_child(const TCGOptions *opts, GError **errp);
/* Name of the active backend. */
const char *tcg_backend_name(void);
/*
 * The IR context TB translation uses (for frontends' global setup).  It
 * takes the TB lock: never call it from CPUArchOps callbacks, which run
 * with that lock held; keep the pointer instead.
 */
IRContext *tcg_ir_context(void);
const TBCacheStats *tcg_stats(void);
/*
 * Parse the argument of -accel ("tcg,tb-size=64,backend=interp") into
 * opts (fields not named keep their value).  False with *errp naming the
 * bad property.
 */
bool tcg_parse_accel_opts(const char *arg, TCGOptions *opts, GError **errp);
/*
 * The n hottest TBs (exact counts need -d tb_stats from translation on),
 * each guest insn with its IR and host code (tcg/tb-stats.c).  Translates
 * the listed TBs again on the first vCPU: call with the vCPUs stopped.
 */
void tcg_dump_hot_tbs(FILE *f, unsigned n);
/* Print TBCacheStats (for -d tb_stats at exit, or the monitor). */
void tcg_print_stats(FILE *f);

/* Find a TB by key, or NULL. */
TranslationBlock *tb_lookup(CPUState *cpu, uint64_t pc, uint64_t cs_base,
                            uint32_t flags, uint32_t cflags);
/* Translate (or find) the TB for the key; never fails. */
TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base,
                              uint32_t flags, uint32_t cflags);
/* Invalidate every TB touching guest physical [start, end). */
void tb_invalidate_phys_range(uint64_t start, uint64_t end);
/*
 * Called when a guest physical page gets its first TB (has_code true) or
 * loses its last one, so the memory system can make stores to it take
 * the slow path (TLB_NOTDIRTY) and call tb_invalidate_phys_range.
 */
typedef void (*TBCodePageNotifier)(uint64_t page_addr, bool has_code);
void tb_set_code_page_notifier(TBCodePageNotifier fn);
/* Throw away every TB. */
void tb_flush(void);
/*
 * Forget cpu's jump cache.  The jump cache is keyed by virtual pc only, so
 * the memory system calls this whenever cpu's virtual-to-physical mapping
 * of code may have changed (TLB flush).
 */
void tb_jmp_cache_clear(CPUState *cpu);
/*
 * jc (from tb_jmp_cache_new) also belongs to cpu, swapped in and out of
 * cpu->tb_jmp_cache: keep it free of invalidated TBs while it is out.
 * At most CPU_JMP_CACHE_SPARES; unregister before freeing it.
 */
void tb_jmp_cache_register(CPUState *cpu, TBJmpCacheEntry *jc);
void tb_jmp_cache_unregister(CPUState *cpu, TBJmpCacheEntry *jc);
/* A zeroed jump cache for CPUState.tb_jmp_cache (g_free it). */
TBJmpCacheEntry *tb_jmp_cache_new(void);
/* Forget every entry of jump cache jc (from tb_jmp_cache_new). */
void tb_jmp_cache_reset(TBJmpCacheEntry *jc);
/*
 * Forget the entries of jump cache jc (from tb_jmp_cache_new) for TBs
 * that start on vaddr's page or the page before (a TB may run into the
 * next page).  Cheap when jc holds no TB of those pages.
 */
void tb_jmp_cache_clear_page(TBJmpCacheEntry *jc, uint64_t vaddr);
/* The TB whose host code contains host_pc, or NULL. */
TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc);
/*
 * Helper for lookup-and-jump: the host code to continue at for the
 * current CPU state, or the epilogue address that returns 0 to the loop.
 * Frontends call it and then goto_ptr on the result.
 */
const void *helper_lookup_tb_ptr(void *env);
extern const IRHelperInfo helper_info_lookup_tb_ptr;

/*
 * tcg/translator.c: what every frontend does at the two ends of a TB.
 * ir_gen_tb_start emits the exit_request check; ir_gen_tb_end the exit
 * path it branches to.
 */
void ir_gen_tb_start(IRContext *s, TranslationBlock *tb);
void ir_gen_tb_end(IRContext *s, TranslationBlock *tb);

#endif /* KESTREL_TB_H */

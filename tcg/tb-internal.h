/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State shared by the TB cache files (tcg.c, tb-maint.c, cpu-exec.c).
 * Not for use outside tcg/.
 *
 * Locking: one mutex, tb_ctx_lock, guards everything here (hash table,
 * page lists, jump lists, regions, the IR context, the CPU list, the
 * stats).  A thread that holds it has tb_lock_held set, so the exec loop
 * can drop it when a fault longjmps out of the translator.  The per-vCPU
 * jump cache is written by its own thread and cleared (entry by entry,
 * atomically) by whoever invalidates a TB.
 */
#ifndef KESTREL_TCG_TB_INTERNAL_H
#define KESTREL_TCG_TB_INTERNAL_H

#include <pthread.h>

#include "kestrel/log.h"
#include "kestrel/tb.h"
#include "backend.h"
#include "code-buffer.h"

typedef struct TBHashTable {
    TranslationBlock **buckets;
    size_t mask;            /* nb buckets - 1 */
    size_t count;
} TBHashTable;

typedef struct TBContext {
    bool initialized;
    const TCGBackend *backend;
    bool ir_ready;
    IRContext ir;           /* the one translation context */
    CodeBuffer cb;
    const void *epilogue_rx;/* returns 0 to the exec loop */
    bool no_chain;          /* -d nochain / opts.no_chain */
    bool cs_base_seen;      /* some TB had cs_base != 0 (jump cache) */
    bool icount;            /* -icount: TBs count insns (CF_USE_ICOUNT) */

    TBHashTable htable;
    GHashTable *pages;      /* guest phys page -> PageDesc */
    TBCodePageNotifier page_notifier;
    GPtrArray *cpus;        /* CPUState * registered by cpu_init_common */
    int next_cpu_index;

    /*
     * Bumped whenever TB memory may be reused (eviction, flush): a TB
     * pointer obtained under an older generation may be dangling.
     */
    uint64_t generation;
    TBCacheStats stats;
} TBContext;

extern TBContext tb_ctx;
/* A pthread mutex rather than GMutex: ThreadSanitizer understands it. */
extern pthread_mutex_t tb_ctx_lock;
extern __thread bool tb_lock_held;

/* Read one (s)LEB128 value of a TB's restore data; returns what follows. */
const uint8_t *tb_get_leb(const uint8_t *p, uint64_t *val, bool sign);

static inline void tb_lock(void)
{
    pthread_mutex_lock(&tb_ctx_lock);
    tb_lock_held = true;
}

static inline void tb_unlock(void)
{
    tb_lock_held = false;
    pthread_mutex_unlock(&tb_ctx_lock);
}

/* tb-maint.c, all with the lock held. */
void tb_maint_init(void);
void tb_flush_locked(void);
TranslationBlock *tb_lookup_locked(uint64_t phys_pc, uint64_t pc,
                                   uint64_t cs_base, uint32_t flags,
                                   uint32_t cflags);
/*
 * Chain from's exit slot n to to, if the rules allow; generation is the
 * tb_ctx.generation at which `from` was known to be alive.  Takes the
 * lock itself.
 */
void tb_add_jump(TranslationBlock *from, int n, TranslationBlock *to,
                 uint64_t generation);
/*
 * Find the insn of tb whose host code contains host_pc (execute view)
 * and put its `words` insn_start words in data[IR_INSN_START_WORDS].
 * False if host_pc is past the last insn.
 */
bool tb_restore_data(const TranslationBlock *tb, unsigned words,
                     uintptr_t host_pc, uint64_t *data);

/*
 * cflags the current execution mode asks for (no-chain, icount).  Inline
 * and branch-light: every jump-cache lookup computes it, and tests flip
 * kestrel_log_mask directly, so it is not cached.
 */
static inline uint32_t tb_cpu_cflags(void)
{
    uint32_t cf = tb_ctx.icount ? CF_USE_ICOUNT : 0;

    return tb_ctx.no_chain || (kestrel_log_mask & LOG_NOCHAIN)
           ? cf | CF_NO_CHAIN : cf;
}

/*
 * Jump cache: 2^tb_jmp_cache_bits sets of two 32-byte entries, one
 * 64-byte cache line per set, so an indirect branch still touches one
 * line while two targets that hash alike (a function returning to two
 * callers) both stay cached.  The set index is a Fibonacci hash of the
 * pc, which spreads any alignment (x86's byte-granular pcs, arm's
 * 4-byte ones).  Way 0 holds the most recently filled entry.
 */
extern unsigned tb_jmp_cache_bits;   /* set by tcg_init */
#define TB_JMP_CACHE_WAYS 2
#define TB_JMP_CACHE_SIZE ((1u << tb_jmp_cache_bits) * TB_JMP_CACHE_WAYS)

/* The first entry of pc's set. */
static inline uint32_t tb_jmp_cache_hash(uint64_t pc)
{
    return (uint32_t)((pc * 0x9e3779b97f4a7c15ull) >>
                      (64 - tb_jmp_cache_bits)) * TB_JMP_CACHE_WAYS;
}

/*
 * Page filter: a jump cache (tb_jmp_cache_new) is followed by a bitmap
 * with a bit set for the page of every pc stored since the last full
 * clear, so a TLB page flush (tb_jmp_cache_clear_page) can skip the scan
 * of the whole cache for the many pages that hold no cached TB.  False
 * positives only cost a scan.
 */
#define TB_JMP_FILTER_BITS 15
#define TB_JMP_FILTER_WORDS ((1u << TB_JMP_FILTER_BITS) / 64)

static inline uint64_t *tb_jmp_cache_filter(TBJmpCacheEntry *jc)
{
    return (uint64_t *)(jc + TB_JMP_CACHE_SIZE);
}

static inline uint32_t tb_jmp_filter_bit(uint64_t pc)
{
    uint64_t page = pc >> TARGET_PAGE_BITS;

    return (uint32_t)((page * 0x9e3779b97f4a7c15ull) >>
                      (64 - TB_JMP_FILTER_BITS));
}

static inline void tb_jmp_filter_set(TBJmpCacheEntry *jc, uint64_t pc)
{
    uint32_t bit = tb_jmp_filter_bit(pc);
    uint64_t *w = &tb_jmp_cache_filter(jc)[bit / 64];

    if (!(*w & (1ull << (bit % 64)))) {
        *w |= 1ull << (bit % 64);
    }
}

#endif /* KESTREL_TCG_TB_INTERNAL_H */

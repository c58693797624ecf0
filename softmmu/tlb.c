/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The software TLB: tables per vCPU and MMU index, filled by the
 * frontend's page-table walker, read inline by generated code, and the
 * slow paths generated code calls when the inline check fails.
 *
 * Tables.  Each MMU index has TLB_ENTRIES direct-mapped entries (index
 * (vaddr >> 12) & (n - 1)), installed in CPUNegState so generated code
 * finds them, and a parallel array of TLBIOEntry giving the guest
 * physical page behind each entry (for MMIO dispatch, code-page marking
 * and invalidation).  Entries describe 4 KiB pieces; a larger guest page
 * is entered piece by piece, and its whole range is remembered per MMU
 * index so that flushing any address inside it flushes the index (as
 * QEMU does).
 *
 * Contexts.  A frontend may ask (tlb_switch_context) to keep the tables
 * of some MMU indexes per translation context (AArch64: TTBR0_EL1,
 * TTBR1_EL1, ASID) instead of flushing on an address-space switch.  Up to
 * TLB_CTX_SLOTS contexts are kept, least recently used evicted, each with
 * its own jump cache (which is keyed by virtual pc).  Inactive contexts
 * take page flushes at once and whole-index flushes lazily (stale: reset
 * when resumed); an inactive jump cache is cleared on resume if the TB
 * cache flushed or evicted meanwhile (its TB pointers may dangle).
 * A page flush forgets only the jump-cache entries of that page and the
 * one before, not the whole cache.
 *
 * Tags.  addr_read / addr_write / addr_code are the page address or -1,
 * plus flags: TLB_MMIO for anything that is not a whole page of RAM (IO,
 * unmapped, a page shared by several regions; ROM for writes only),
 * TLB_NOTDIRTY on the write tag of RAM pages holding translated code.
 *
 * Code pages.  The TB cache tells us (tb_set_code_page_notifier) when a
 * physical page gains its first TB or loses its last; we keep the set of
 * such pages and set or clear TLB_NOTDIRTY in every matching entry of
 * every vCPU.  A store that hits TLB_NOTDIRTY invalidates the TBs on the
 * bytes it writes, then stores.  If that invalidated anything, the vCPU
 * is asked to leave at the next TB entry (cpu_exit) so it retranslates;
 * the rest of the current TB still runs its old code.  That is enough
 * for AArch64, where modified code needs an ISB (which ends the TB)
 * before it may run; QEMU's stricter "exit right after the store" is
 * not emulated.
 *
 * Locking.  A vCPU's tables are read without locks by its own thread
 * (generated code, slow paths) and written under the per-vCPU lock by
 * its own fills and by anyone flushing or marking code pages.  Lock
 * order: tb lock (the notifier runs under it) -> cpus_lock -> a vCPU's
 * lock -> code_lock.  Nothing here is called with mem_lock held.
 * Device accesses take the BQL unless the caller holds it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "kestrel/bytes.h"
#include "kestrel/debug.h"
#include "kestrel/gdbstub.h"
#include "kestrel/log.h"
#include "kestrel/sysemu.h"
#include "kestrel/tb.h"
#include "kestrel/tlb.h"
#include "softmmu-internal.h"

#define TLB_ENTRIES_BITS 12
#define TLB_ENTRIES (1u << TLB_ENTRIES_BITS)
#define TLB_ALL_IDX ((uint16_t)((1u << IR_NB_MMU_MODES) - 1))
#define TLB_FILL_TRIES 64
#define TLB_NONE ((uint64_t)-1)    /* a tag that never hits */
#define TLB_CTX_SLOTS 8
_Static_assert(TLB_CTX_SLOTS <= CPU_JMP_CACHE_SPARES,
               "each context's jump cache is registered with tcg");

/* What the slow path needs beyond the fast-path entry. */
typedef struct TLBIOEntry {
    uint64_t paddr;         /* guest physical page, or -1 */
    bool ram;               /* writable RAM backs the whole page */
} TLBIOEntry;

/*
 * A translation context (see tlb_switch_context): the tables of the
 * switched MMU indexes and a jump cache, kept while other contexts run.
 * The tables of the active context live in CPUTLB (and the jump cache in
 * CPUState); a slot holds them only while inactive.
 */
typedef struct TLBContext {
    bool used;
    bool stale;             /* flushed while inactive: reset on resume */
    uint64_t key[2];
    uint32_t asid;
    uint64_t lru;
    uint16_t dirty;
    TLBEntry *table[IR_NB_MMU_MODES];
    TLBIOEntry *io[IR_NB_MMU_MODES];
    uint64_t large_addr[IR_NB_MMU_MODES];
    uint64_t large_mask[IR_NB_MMU_MODES];
    TBJmpCacheEntry *jc;
    uint64_t jc_gen;        /* tcg_gen() when it was left */
} TLBContext;

typedef struct CPUTLB {
    CPUState *cpu;
    GMutex lock;                            /* writers of the tables */
    uint16_t dirty;                         /* indexes with entries */
    TLBEntry *table[IR_NB_MMU_MODES];       /* = neg->tlb[i].table */
    TLBIOEntry *io[IR_NB_MMU_MODES];
    uint64_t large_addr[IR_NB_MMU_MODES];   /* large pages seen, or -1 */
    uint64_t large_mask[IR_NB_MMU_MODES];
    /* Contexts: none until the first tlb_switch_context. */
    uint16_t ctx_map;                       /* indexes switched */
    int cur;                                /* active slot */
    uint64_t lru_clock;
    TBJmpCacheEntry *orig_jc;               /* cpu_init_common's */
    TLBContext ctx[TLB_CTX_SLOTS];
} CPUTLB;

/* One page's part of an access, after lookup. */
typedef struct PageAccess {
    uint64_t addr;          /* first byte */
    unsigned size;          /* bytes on this page */
    uint64_t flags;         /* TLB_* flags of the tag */
    uint8_t *host;          /* host address of addr (RAM, ROM) */
    uint64_t paddr;         /* guest physical address of addr */
} PageAccess;

static GMutex cpus_lock;
static GPtrArray *tlb_cpus;     /* CPUState * with a TLB */
static GMutex code_lock;
static GHashTable *code_pages;  /* uint64_t page -> itself */
static int code_page_count;     /* read without the lock */


static inline unsigned tlb_index(uint64_t addr)
{
    return (addr >> TARGET_PAGE_BITS) & (TLB_ENTRIES - 1);
}

static inline bool tag_hit(uint64_t tag, uint64_t addr)
{
    return (tag & (TARGET_PAGE_MASK | TLB_INVALID_MASK)) ==
           (addr & TARGET_PAGE_MASK);
}

static inline void set_u64(uint64_t *p, uint64_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ */
/* Code pages                                                          */

bool tlb_phys_page_has_code(uint64_t page)
{
    bool r;

    if (!__atomic_load_n(&code_page_count, __ATOMIC_ACQUIRE)) {
        return false;
    }
    g_mutex_lock(&code_lock);
    r = code_pages && g_hash_table_contains(code_pages, &page);
    g_mutex_unlock(&code_lock);
    return r;
}

/* Set or clear TLB_NOTDIRTY in one set of tables for physical page. */
static void tlb_mark_code_tables(TLBEntry **table, TLBIOEntry **io,
                                 uint16_t dirty, uint64_t page,
                                 bool has_code)
{
    for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
        if (!(dirty & (1u << i))) {
            continue;
        }
        for (unsigned j = 0; j < TLB_ENTRIES; j++) {
            TLBEntry *e = &table[i][j];
            uint64_t w = e->addr_write;

            if (io[i][j].paddr != page || !io[i][j].ram ||
                (w & TLB_INVALID_MASK)) {
                continue;
            }
            set_u64(&e->addr_write, has_code ? w | TLB_NOTDIRTY
                                             : w & ~TLB_NOTDIRTY);
        }
    }
}

/*
 * Set or clear TLB_NOTDIRTY on t's write tags for physical page.
 * Inactive contexts only need the flag set (a stray flag costs a slow
 * store, nothing more).
 */
static void tlb_mark_code(CPUTLB *t, uint64_t page, bool has_code)
{
    g_mutex_lock(&t->lock);
    tlb_mark_code_tables(t->table, t->io, t->dirty, page, has_code);
    for (int c = 0; has_code && t->ctx_map && c < TLB_CTX_SLOTS; c++) {
        TLBContext *x = &t->ctx[c];

        if (c != t->cur && x->used && !x->stale) {
            tlb_mark_code_tables(x->table, x->io, x->dirty, page, true);
        }
    }
    g_mutex_unlock(&t->lock);
}

/* TB cache callback, with the tb lock held. */
static void code_page_notify(uint64_t page, bool has_code)
{
    g_mutex_lock(&code_lock);
    if (!code_pages) {
        code_pages = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                           g_free, NULL);
    }
    if (has_code) {
        uint64_t *key = g_new(uint64_t, 1);

        *key = page;
        g_hash_table_replace(code_pages, key, key);
    } else {
        g_hash_table_remove(code_pages, &page);
    }
    __atomic_store_n(&code_page_count, (int)g_hash_table_size(code_pages),
                     __ATOMIC_RELEASE);
    g_mutex_unlock(&code_lock);

    g_mutex_lock(&cpus_lock);
    for (guint i = 0; tlb_cpus && i < tlb_cpus->len; i++) {
        CPUState *cpu = g_ptr_array_index(tlb_cpus, i);

        tlb_mark_code(cpu->tlb, page, has_code);
    }
    g_mutex_unlock(&cpus_lock);
}

/* ------------------------------------------------------------------ */
/* Set up                                                              */

static void tlb_reset_idx(CPUTLB *t, unsigned i)
{
    for (unsigned j = 0; j < TLB_ENTRIES; j++) {
        TLBEntry *e = &t->table[i][j];

        set_u64(&e->addr_read, -1);
        set_u64(&e->addr_write, -1);
        set_u64(&e->addr_code, -1);
        e->addend = 0;
        t->io[i][j].paddr = -1;
        t->io[i][j].ram = false;
    }
    t->large_addr[i] = -1;
    t->large_mask[i] = -1;
}

static void tlb_watchpoints_changed(CPUState *cpu, uint64_t addr,
                                    uint64_t len);

void tlb_init(CPUState *cpu, AddressSpace *as)
{
    CPUTLB *t = g_new0(CPUTLB, 1);

    g_mutex_init(&t->lock);
    t->cpu = cpu;
    for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
        t->table[i] = g_new(TLBEntry, TLB_ENTRIES);
        t->io[i] = g_new(TLBIOEntry, TLB_ENTRIES);
        tlb_reset_idx(t, i);
        cpu->neg->tlb[i].mask = (uintptr_t)(TLB_ENTRIES - 1)
                                << TLB_ENTRY_BITS;
        cpu->neg->tlb[i].table = t->table[i];
    }
    cpu->tlb = t;
    cpu->as = as ? as : address_space_memory();
    cpu_watchpoints_changed = tlb_watchpoints_changed;

    /* Takes the tb lock: before cpus_lock (lock order). */
    tb_set_code_page_notifier(code_page_notify);
    g_mutex_lock(&cpus_lock);
    if (!tlb_cpus) {
        tlb_cpus = g_ptr_array_new();
    }
    g_ptr_array_add(tlb_cpus, cpu);
    g_mutex_unlock(&cpus_lock);
}

/* Free the inactive contexts; cpu keeps cpu_init_common's jump cache. */
static void tlb_ctx_destroy(CPUTLB *t)
{
    CPUState *cpu = t->cpu;

    if (!t->ctx_map) {
        return;
    }
    if (cpu->tb_jmp_cache && cpu->tb_jmp_cache != t->orig_jc) {
        tb_jmp_cache_unregister(cpu, cpu->tb_jmp_cache);
        g_free(cpu->tb_jmp_cache);
        cpu->tb_jmp_cache = t->orig_jc;
    }
    tb_jmp_cache_unregister(cpu, t->orig_jc);
    for (int c = 0; c < TLB_CTX_SLOTS; c++) {
        TLBContext *x = &t->ctx[c];

        if (c == t->cur) {
            continue;
        }
        if (x->jc != t->orig_jc) {
            tb_jmp_cache_unregister(cpu, x->jc);
            g_free(x->jc);
        }
        for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
            g_free(x->table[i]);
            g_free(x->io[i]);
        }
    }
    t->ctx_map = 0;
}

void tlb_destroy(CPUState *cpu)
{
    CPUTLB *t = cpu->tlb;

    if (!t) {
        return;
    }
    g_mutex_lock(&cpus_lock);
    g_ptr_array_remove(tlb_cpus, cpu);
    g_mutex_unlock(&cpus_lock);
    tlb_ctx_destroy(t);
    for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
        cpu->neg->tlb[i].table = NULL;
        cpu->neg->tlb[i].mask = 0;
        g_free(t->table[i]);
        g_free(t->io[i]);
    }
    g_mutex_clear(&t->lock);
    g_free(t);
    cpu->tlb = NULL;
}

/* ------------------------------------------------------------------ */
/* Filling                                                             */

/* Widen mmu index idx's large-page range to cover [vaddr, +size). */
static void tlb_add_large_page(CPUTLB *t, int idx, uint64_t vaddr,
                               uint64_t size)
{
    uint64_t mask = ~(size - 1);

    if (t->large_addr[idx] != (uint64_t)-1) {
        mask &= t->large_mask[idx];
        while (mask && ((t->large_addr[idx] ^ vaddr) & mask)) {
            mask <<= 1;
        }
    }
    t->large_mask[idx] = mask;
    t->large_addr[idx] = vaddr & mask;
}

/* The host address of the whole page at ppage, if RAM or ROM backs it. */
static uint8_t *tlb_page_host(AddressSpace *as, uint64_t ppage,
                              MemoryRegionKind *kind)
{
    MemSection sec;

    if (!address_space_translate(as, ppage, &sec) ||
        sec.len < TARGET_PAGE_SIZE ||
        (sec.mr->kind != MR_RAM && sec.mr->kind != MR_ROM)) {
        return NULL;
    }
    *kind = sec.mr->kind;
    return sec.mr->host + sec.offset;
}

/*
 * Watchpoints: TLB_WATCHPOINT on the tags of pages holding a watched
 * byte (of kind flags), so accesses there take the slow path, which
 * checks them (tlb_watch_check).
 */
static uint64_t tlb_watch_flag(CPUState *cpu, uint64_t vpage, int flags)
{
    if (G_LIKELY(cpu->nb_watchpoints == 0) ||
        !cpu_watchpoint_match(cpu, vpage, TARGET_PAGE_SIZE, flags)) {
        return 0;
    }
    return TLB_WATCHPOINT;
}

/* cpu_watchpoints_changed: refill the pages of [addr, +len). */
static void tlb_watchpoints_changed(CPUState *cpu, uint64_t addr,
                                    uint64_t len)
{
    uint64_t first = addr & TARGET_PAGE_MASK;
    uint64_t last = (addr + len - 1) & TARGET_PAGE_MASK;

    if (last - first >= 16 * TARGET_PAGE_SIZE) {
        tlb_flush(cpu);
        return;
    }
    for (uint64_t p = first; p <= last; p += TARGET_PAGE_SIZE) {
        tlb_flush_page(cpu, p);
    }
}

void tlb_set_page(CPUState *cpu, uint64_t vaddr, uint64_t paddr, int prot,
                  int mmu_idx, uint64_t size)
{
    CPUTLB *t = cpu->tlb;
    uint64_t vpage = vaddr & TARGET_PAGE_MASK;
    uint64_t ppage = paddr & TARGET_PAGE_MASK;
    MemoryRegionKind kind = MR_IO;
    uint8_t *host = tlb_page_host(cpu->as, ppage, &kind);
    uint64_t rflag = host ? 0 : TLB_MMIO;
    uint64_t wflag = kind == MR_RAM ? 0 : TLB_MMIO;
    unsigned i = tlb_index(vaddr);
    TLBEntry *e = &t->table[mmu_idx][i];

    g_assert(mmu_idx >= 0 && mmu_idx < IR_NB_MMU_MODES);
    g_mutex_lock(&t->lock);
    if (kind == MR_RAM && (prot & PAGE_WRITE) &&
        tlb_phys_page_has_code(ppage)) {
        wflag |= TLB_NOTDIRTY;
    }
    if (size > TARGET_PAGE_SIZE) {
        tlb_add_large_page(t, mmu_idx, vaddr, size);
    }
    e->addend = host ? (uintptr_t)host - (uintptr_t)vpage : 0;
    set_u64(&e->addr_read, prot & PAGE_READ
                           ? vpage | rflag | tlb_watch_flag(cpu, vpage,
                                                            BP_MEM_READ)
                           : TLB_NONE);
    set_u64(&e->addr_write, prot & PAGE_WRITE
                            ? vpage | wflag | tlb_watch_flag(cpu, vpage,
                                                             BP_MEM_WRITE)
                            : TLB_NONE);
    set_u64(&e->addr_code, prot & PAGE_EXEC ? vpage | rflag : TLB_NONE);
    t->io[mmu_idx][i].paddr = ppage;
    t->io[mmu_idx][i].ram = kind == MR_RAM;
    t->dirty |= 1u << mmu_idx;
    g_mutex_unlock(&t->lock);
}

/* ------------------------------------------------------------------ */
/* Flushing                                                            */

/* Drop the entry of table/io for vaddr's page, if it maps it. */
static void tlb_flush_entry(TLBEntry *table, TLBIOEntry *io,
                            uint64_t vaddr)
{
    unsigned j = tlb_index(vaddr);
    TLBEntry *e = &table[j];

    if (tag_hit(e->addr_read, vaddr) || tag_hit(e->addr_write, vaddr) ||
        tag_hit(e->addr_code, vaddr)) {
        set_u64(&e->addr_read, -1);
        set_u64(&e->addr_write, -1);
        set_u64(&e->addr_code, -1);
        io[j].paddr = -1;
        io[j].ram = false;
    }
}

static void jc_clear(TBJmpCacheEntry *jc)
{
    tb_jmp_cache_reset(jc);
}

/* Inactive contexts: a flush of idxmap makes them stale. */
static void tlb_ctx_flush_idx(CPUTLB *t, uint16_t idxmap)
{
    if (!(idxmap & t->ctx_map)) {
        return;
    }
    for (int c = 0; c < TLB_CTX_SLOTS; c++) {
        if (c != t->cur && t->ctx[c].used) {
            t->ctx[c].stale = true;
        }
    }
}

/* Inactive contexts: drop vaddr's page from the indexes of idxmap. */
static void tlb_ctx_flush_page(CPUTLB *t, uint64_t vaddr, uint16_t idxmap)
{
    for (int c = 0; (idxmap & t->ctx_map) && c < TLB_CTX_SLOTS; c++) {
        TLBContext *x = &t->ctx[c];

        if (c == t->cur || !x->used || x->stale) {
            continue;
        }
        for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
            if (!(idxmap & x->dirty & (1u << i))) {
                continue;
            }
            if (x->large_addr[i] != (uint64_t)-1 &&
                (vaddr & x->large_mask[i]) == x->large_addr[i]) {
                x->stale = true;
                break;
            }
            tlb_flush_entry(x->table[i], x->io[i], vaddr);
        }
        if (!x->stale) {
            tb_jmp_cache_clear_page(x->jc, vaddr);
        }
    }
}

void tlb_flush_by_mmuidx(CPUState *cpu, uint16_t idxmap)
{
    CPUTLB *t = cpu->tlb;

    g_mutex_lock(&t->lock);
    for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
        if (idxmap & t->dirty & (1u << i)) {
            tlb_reset_idx(t, i);
        }
    }
    t->dirty &= ~idxmap;
    tlb_ctx_flush_idx(t, idxmap);
    g_mutex_unlock(&t->lock);
    tb_jmp_cache_clear(cpu);
}

void tlb_flush(CPUState *cpu)
{
    tlb_flush_by_mmuidx(cpu, TLB_ALL_IDX);
}

void tlb_flush_page_by_mmuidx(CPUState *cpu, uint64_t vaddr,
                              uint16_t idxmap)
{
    CPUTLB *t = cpu->tlb;
    bool all = false;

    g_mutex_lock(&t->lock);
    for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
        if (!(idxmap & t->dirty & (1u << i))) {
            continue;
        }
        if (t->large_addr[i] != (uint64_t)-1 &&
            (vaddr & t->large_mask[i]) == t->large_addr[i]) {
            /* Inside a large page: we don't know its pieces, drop all. */
            tlb_reset_idx(t, i);
            t->dirty &= ~(1u << i);
            all = true;
        } else {
            tlb_flush_entry(t->table[i], t->io[i], vaddr);
        }
    }
    tlb_ctx_flush_page(t, vaddr, idxmap);
    g_mutex_unlock(&t->lock);
    if (all) {
        tb_jmp_cache_clear(cpu);
    } else {
        tb_jmp_cache_clear_page(cpu->tb_jmp_cache, vaddr);
    }
}

void tlb_flush_page(CPUState *cpu, uint64_t vaddr)
{
    tlb_flush_page_by_mmuidx(cpu, vaddr, TLB_ALL_IDX);
}

void tlb_flush_all_cpus(uint16_t idxmap)
{
    g_mutex_lock(&cpus_lock);
    for (guint i = 0; tlb_cpus && i < tlb_cpus->len; i++) {
        tlb_flush_by_mmuidx(g_ptr_array_index(tlb_cpus, i), idxmap);
    }
    g_mutex_unlock(&cpus_lock);
}

void tlb_flush_page_all_cpus(uint64_t vaddr, uint16_t idxmap)
{
    g_mutex_lock(&cpus_lock);
    for (guint i = 0; tlb_cpus && i < tlb_cpus->len; i++) {
        tlb_flush_page_by_mmuidx(g_ptr_array_index(tlb_cpus, i), vaddr,
                                 idxmap);
    }
    g_mutex_unlock(&cpus_lock);
}

void tlb_flush_asid(CPUState *cpu, uint16_t idxmap, uint32_t asid)
{
    CPUTLB *t = cpu->tlb;
    bool cur;

    if (!t->ctx_map || (idxmap & ~t->ctx_map)) {
        tlb_flush_by_mmuidx(cpu, idxmap);
        return;
    }
    g_mutex_lock(&t->lock);
    cur = t->ctx[t->cur].asid == asid;
    for (int c = 0; c < TLB_CTX_SLOTS; c++) {
        if (c != t->cur && t->ctx[c].used && t->ctx[c].asid == asid) {
            t->ctx[c].stale = true;
        }
    }
    g_mutex_unlock(&t->lock);
    if (cur) {
        /* The active context; the others are already marked. */
        g_mutex_lock(&t->lock);
        for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
            if (idxmap & t->dirty & (1u << i)) {
                tlb_reset_idx(t, i);
            }
        }
        t->dirty &= ~idxmap;
        g_mutex_unlock(&t->lock);
        tb_jmp_cache_clear(cpu);
    }
}

void tlb_flush_asid_all_cpus(uint16_t idxmap, uint32_t asid)
{
    g_mutex_lock(&cpus_lock);
    for (guint i = 0; tlb_cpus && i < tlb_cpus->len; i++) {
        tlb_flush_asid(g_ptr_array_index(tlb_cpus, i), idxmap, asid);
    }
    g_mutex_unlock(&cpus_lock);
}

/* ------------------------------------------------------------------ */
/* Contexts                                                            */

/* Moves between tcg flushes and evictions: old TB pointers may dangle. */
static uint64_t tcg_gen(void)
{
    const TBCacheStats *st = tcg_stats();

    return st->flushes + st->evictions;
}

/* Give each slot its own tables and jump cache; slot 0 takes the live
 * ones (and becomes the active, unkeyed context). */
static void tlb_ctx_init(CPUTLB *t, uint16_t idxmap)
{
    t->ctx_map = idxmap;
    t->orig_jc = t->cpu->tb_jmp_cache;
    for (int c = 0; c < TLB_CTX_SLOTS; c++) {
        TLBContext *x = &t->ctx[c];

        x->jc = c ? tb_jmp_cache_new() : NULL;
        /* TB invalidation must reach it while it is swapped out. */
        tb_jmp_cache_register(t->cpu, c ? x->jc : t->orig_jc);
        for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
            if (!(idxmap & (1u << i))) {
                continue;
            }
            x->table[i] = c ? g_new(TLBEntry, TLB_ENTRIES) : NULL;
            x->io[i] = c ? g_new(TLBIOEntry, TLB_ENTRIES) : NULL;
        }
        x->used = false;
        x->stale = true;    /* reset before first use */
    }
    t->cur = 0;
    t->ctx[0].used = true;
    t->ctx[0].stale = false;
    t->ctx[0].key[0] = t->ctx[0].key[1] = TLB_NONE;
}

/*
 * Park the live tables and jump cache in slot o (the active one) and
 * make slot c's live; an active slot holds no tables of its own.
 */
static void tlb_ctx_swap(CPUTLB *t, int o, int c)
{
    TLBContext *x = &t->ctx[c], *y = &t->ctx[o];
    CPUState *cpu = t->cpu;

    for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
        if (!(t->ctx_map & (1u << i))) {
            continue;
        }
        y->table[i] = t->table[i];
        y->io[i] = t->io[i];
        y->large_addr[i] = t->large_addr[i];
        y->large_mask[i] = t->large_mask[i];
        t->table[i] = x->table[i];
        t->io[i] = x->io[i];
        t->large_addr[i] = x->large_addr[i];
        t->large_mask[i] = x->large_mask[i];
        x->table[i] = NULL;
        x->io[i] = NULL;
        cpu->neg->tlb[i].table = t->table[i];
    }
    y->dirty = t->dirty & t->ctx_map;
    t->dirty = (t->dirty & ~t->ctx_map) | (x->dirty & t->ctx_map);
    y->jc = cpu->tb_jmp_cache;
    cpu->tb_jmp_cache = x->jc;
    x->jc = NULL;
}

/* The slot to hold a new key: an unused one, else the least recent. */
static int tlb_ctx_victim(CPUTLB *t)
{
    int best = -1;

    for (int c = 0; c < TLB_CTX_SLOTS; c++) {
        if (c == t->cur) {
            continue;
        }
        if (!t->ctx[c].used) {
            return c;
        }
        if (best < 0 || t->ctx[c].lru < t->ctx[best].lru) {
            best = c;
        }
    }
    return best;
}

void tlb_switch_context(CPUState *cpu, uint16_t idxmap, uint64_t key0,
                        uint64_t key1, uint32_t asid)
{
    CPUTLB *t = cpu->tlb;
    TLBContext *old, *x;
    int c;

    g_mutex_lock(&t->lock);
    if (!t->ctx_map) {
        tlb_ctx_init(t, idxmap);
    }
    g_assert(idxmap == t->ctx_map);
    old = &t->ctx[t->cur];
    if (old->key[0] == key0 && old->key[1] == key1 && old->asid == asid) {
        g_mutex_unlock(&t->lock);
        return;
    }
    if (!(t->dirty & t->ctx_map)) {
        /* Nothing filled under the old key (a transient state): free. */
        old->key[0] = TLB_NONE;
        old->key[1] = TLB_NONE;
        old->used = false;
    }
    for (c = 0; c < TLB_CTX_SLOTS; c++) {
        x = &t->ctx[c];
        if (c != t->cur && x->used && x->key[0] == key0 &&
            x->key[1] == key1 && x->asid == asid) {
            break;
        }
    }
    if (c == TLB_CTX_SLOTS) {
        if (!(t->dirty & t->ctx_map)) {
            /* Re-key the empty active context in place. */
            old->key[0] = key0;
            old->key[1] = key1;
            old->asid = asid;
            old->used = true;
            old->lru = ++t->lru_clock;
            g_mutex_unlock(&t->lock);
            jc_clear(cpu->tb_jmp_cache);
            return;
        }
        c = tlb_ctx_victim(t);
        x = &t->ctx[c];
        x->used = true;
        x->stale = true;
        x->key[0] = key0;
        x->key[1] = key1;
        x->asid = asid;
    }
    old->lru = ++t->lru_clock;
    old->jc_gen = tcg_gen();
    tlb_ctx_swap(t, t->cur, c);
    t->cur = c;
    x->lru = t->lru_clock;
    if (x->stale) {
        for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
            if (t->ctx_map & (1u << i)) {
                tlb_reset_idx(t, i);
            }
        }
        t->dirty &= ~t->ctx_map;
        x->stale = false;
        jc_clear(cpu->tb_jmp_cache);
    } else if (x->jc_gen != tcg_gen()) {
        jc_clear(cpu->tb_jmp_cache);
    }
    g_mutex_unlock(&t->lock);
}

void tlb_memory_map_changed(void)
{
    tlb_flush_all_cpus(TLB_ALL_IDX);
}

/* ------------------------------------------------------------------ */
/* Lookup                                                              */

static uint64_t entry_tag(const TLBEntry *e, MMUAccessType type)
{
    switch (type) {
    case MMU_DATA_STORE:
        return __atomic_load_n(&e->addr_write, __ATOMIC_RELAXED);
    case MMU_INST_FETCH:
        return __atomic_load_n(&e->addr_code, __ATOMIC_RELAXED);
    default:
        return __atomic_load_n(&e->addr_read, __ATOMIC_RELAXED);
    }
}

/* Look p->addr up without filling; true on a hit, p filled. */
static bool tlb_hit_page(CPUState *cpu, MMUAccessType type, int mmu_idx,
                         PageAccess *p)
{
    CPUTLB *t = cpu->tlb;
    unsigned i = tlb_index(p->addr);
    TLBEntry *e = &t->table[mmu_idx][i];
    uint64_t tag = entry_tag(e, type);

    if (!tag_hit(tag, p->addr)) {
        return false;
    }
    p->flags = tag & TLB_FLAGS_MASK;
    p->host = (uint8_t *)(uintptr_t)(p->addr + e->addend);
    p->paddr = t->io[mmu_idx][i].paddr | (p->addr & ~TARGET_PAGE_MASK);
    return true;
}

/* Look p->addr up, asking the frontend to fill on a miss (may raise). */
static void tlb_fill_page(CPUState *cpu, MMUAccessType type, int mmu_idx,
                          uintptr_t retaddr, PageAccess *p)
{
    for (int tries = 0; !tlb_hit_page(cpu, type, mmu_idx, p); tries++) {
        if (tries == TLB_FILL_TRIES) {
            g_error("tlb: fill of 0x%" PRIx64 " (access %d, mmu %d) "
                    "never hits", p->addr, type, mmu_idx);
        }
        cpu->ops->tlb_fill(cpu, p->addr, p->size, type, mmu_idx, false,
                           retaddr);
    }
}

/*
 * An access to a page with watchpoints: stop before it if it touches a
 * watched byte (GDB on AArch64 expects the insn not to have run).
 */
static void tlb_watch_check(CPUState *cpu, uint64_t addr, unsigned size,
                            MMUAccessType type, uintptr_t retaddr)
{
    const CPUWatchpoint *wp;

    if (type == MMU_INST_FETCH) {
        return;
    }
    wp = cpu_watchpoint_match(cpu, addr, size, type == MMU_DATA_STORE
                                               ? BP_MEM_WRITE : BP_MEM_READ);
    if (wp) {
        cpu_watchpoint_raise(cpu, wp, retaddr);
    }
}

/*
 * Check alignment and fill the one or two pages of an access of size
 * bytes at addr.  Both pages are filled before anything is accessed, so
 * a fault on the second leaves memory untouched.  Returns the number of
 * pages.
 */
static int mmu_lookup(CPUState *cpu, uint64_t addr, MemOp mop, int mmu_idx,
                      MMUAccessType type, uintptr_t retaddr,
                      PageAccess p[2])
{
    unsigned size = memop_size(mop);
    uint64_t amask = (1ull << memop_align_bits(mop)) - 1;
    uint64_t off = addr & ~TARGET_PAGE_MASK;

    if ((addr & amask) && cpu->ops->do_unaligned_access) {
        cpu->ops->do_unaligned_access(cpu, addr, type, mmu_idx, retaddr);
    }
    p[0].addr = addr;
    p[0].size = size;
    if (off + size <= TARGET_PAGE_SIZE) {
        tlb_fill_page(cpu, type, mmu_idx, retaddr, &p[0]);
        if (G_UNLIKELY(p[0].flags & TLB_WATCHPOINT)) {
            tlb_watch_check(cpu, addr, size, type, retaddr);
        }
        return 1;
    }
    p[0].size = TARGET_PAGE_SIZE - off;
    p[1].addr = (addr & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE;
    p[1].size = size - p[0].size;
    tlb_fill_page(cpu, type, mmu_idx, retaddr, &p[0]);
    tlb_fill_page(cpu, type, mmu_idx, retaddr, &p[1]);
    if (G_UNLIKELY((p[0].flags | p[1].flags) & TLB_WATCHPOINT)) {
        tlb_watch_check(cpu, addr, size, type, retaddr);
    }
    return 2;
}

/* ------------------------------------------------------------------ */
/* Accessing one page's part                                           */

/* Largest aligned power of two of at most 8 bytes that fits. */
static unsigned io_piece(uint64_t addr, unsigned len)
{
    unsigned n = 8;

    while (n > len || (addr & (n - 1))) {
        n >>= 1;
    }
    return n;
}

/* Device (or unmapped, or ROM write) access, with the BQL. */
static void io_access(CPUState *cpu, uint64_t paddr, uint8_t *buf,
                      unsigned len, bool write)
{
    bool locked = bql_locked();

    if (!locked) {
        bql_lock();
    }
    for (unsigned done = 0; done < len;) {
        unsigned n = io_piece(paddr + done, len - done);

        if (write) {
            address_space_st(cpu->as, paddr + done, ldn_le(buf + done, n),
                             n, NULL);
        } else {
            stn_le(buf + done, n,
                   address_space_ld(cpu->as, paddr + done, n, NULL));
        }
        done += n;
    }
    if (!locked) {
        bql_unlock();
    }
}

static void part_read(CPUState *cpu, const PageAccess *p, uint8_t *buf)
{
    if (p->flags & TLB_MMIO) {
        io_access(cpu, p->paddr, buf, p->size, false);
    } else {
        memcpy(buf, p->host, p->size);
    }
}

/* A write to a page with code: drop the TBs it overwrites. */
static void notdirty_write(CPUState *cpu, uint64_t paddr, unsigned len)
{
    uint64_t before = tcg_stats()->invalidations;

    tb_invalidate_phys_range(paddr, paddr + len);
    if (tcg_stats()->invalidations != before) {
        /* The current TB may be stale: retranslate from the next one. */
        cpu_exit(cpu);
    }
}

static void part_write(CPUState *cpu, const PageAccess *p,
                       const uint8_t *buf)
{
    if (p->flags & TLB_MMIO) {
        io_access(cpu, p->paddr, (uint8_t *)buf, p->size, true);
        return;
    }
    if (p->flags & TLB_NOTDIRTY) {
        notdirty_write(cpu, p->paddr, p->size);
    }
    memcpy(p->host, buf, p->size);
}

static void do_ld_bytes(CPUState *cpu, uint64_t addr, MemOpIdx oi,
                        MMUAccessType type, uintptr_t retaddr, uint8_t *buf)
{
    PageAccess p[2];
    int n = mmu_lookup(cpu, addr, get_memop(oi), get_mmuidx(oi), type,
                       retaddr, p);

    part_read(cpu, &p[0], buf);
    if (n == 2) {
        part_read(cpu, &p[1], buf + p[0].size);
    }
}

static void do_st_bytes(CPUState *cpu, uint64_t addr, MemOpIdx oi,
                        uintptr_t retaddr, const uint8_t *buf)
{
    PageAccess p[2];
    int n = mmu_lookup(cpu, addr, get_memop(oi), get_mmuidx(oi),
                       MMU_DATA_STORE, retaddr, p);

    part_write(cpu, &p[0], buf);
    if (n == 2) {
        part_write(cpu, &p[1], buf + p[0].size);
    }
}

/* ------------------------------------------------------------------ */
/* Loads and stores from helpers and generated code                    */

uint64_t cpu_ld_mmu(CPUState *cpu, uint64_t addr, MemOpIdx oi,
                    uintptr_t retaddr)
{
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);
    uint8_t buf[8];
    uint64_t v;

    g_assert(size <= 8);
    do_ld_bytes(cpu, addr, oi, MMU_DATA_LOAD, retaddr, buf);
    v = (mop & MO_BSWAP) ? ldn_be(buf, size) : ldn_le(buf, size);
    if ((mop & MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;

        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

void cpu_st_mmu(CPUState *cpu, uint64_t addr, uint64_t val, MemOpIdx oi,
                uintptr_t retaddr)
{
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);
    uint8_t buf[8];

    g_assert(size <= 8);
    if (mop & MO_BSWAP) {
        stn_be(buf, size, val);
    } else {
        stn_le(buf, size, val);
    }
    do_st_bytes(cpu, addr, oi, retaddr, buf);
}

static void cpu_ld128_mmu(CPUState *cpu, uint64_t addr, MemOpIdx oi,
                          uintptr_t retaddr, uint64_t out[2])
{
    uint8_t buf[16];

    do_ld_bytes(cpu, addr, oi, MMU_DATA_LOAD, retaddr, buf);
    if (get_memop(oi) & MO_BSWAP) {
        out[0] = ldn_be(buf + 8, 8);
        out[1] = ldn_be(buf, 8);
    } else {
        out[0] = ldn_le(buf, 8);
        out[1] = ldn_le(buf + 8, 8);
    }
}

static void cpu_st128_mmu(CPUState *cpu, uint64_t addr, uint64_t lo,
                          uint64_t hi, MemOpIdx oi, uintptr_t retaddr)
{
    uint8_t buf[16];

    if (get_memop(oi) & MO_BSWAP) {
        stn_be(buf, 8, hi);
        stn_be(buf + 8, 8, lo);
    } else {
        stn_le(buf, 8, lo);
        stn_le(buf + 8, 8, hi);
    }
    do_st_bytes(cpu, addr, oi, retaddr, buf);
}

static uint64_t slow_ld(void *env, uint64_t addr, MemOpIdx oi,
                        uintptr_t retaddr)
{
    return cpu_ld_mmu(env_cpu(env), addr, oi, retaddr);
}

static void slow_st(void *env, uint64_t addr, uint64_t val, MemOpIdx oi,
                    uintptr_t retaddr)
{
    cpu_st_mmu(env_cpu(env), addr, val, oi, retaddr);
}

static void slow_ld128(void *env, uint64_t addr, MemOpIdx oi,
                       uintptr_t retaddr, uint64_t out[2])
{
    cpu_ld128_mmu(env_cpu(env), addr, oi, retaddr, out);
}

static void slow_st128(void *env, uint64_t addr, uint64_t lo, uint64_t hi,
                       MemOpIdx oi, uintptr_t retaddr)
{
    cpu_st128_mmu(env_cpu(env), addr, lo, hi, oi, retaddr);
}

void softmmu_install_hooks(IRContext *s)
{
    s->mem_mode = IR_MEM_SOFTMMU;
    s->ld_slow = slow_ld;
    s->st_slow = slow_st;
    s->ld128_slow = slow_ld128;
    s->st128_slow = slow_st128;
}

void *tlb_probe_host(CPUState *cpu, uint64_t addr, unsigned len,
                     MMUAccessType access_type, int mmu_idx,
                     uintptr_t retaddr)
{
    PageAccess p = { .addr = addr, .size = len ? len : 1 };

    if ((addr & ~TARGET_PAGE_MASK) + p.size > TARGET_PAGE_SIZE) {
        return NULL;
    }
    tlb_fill_page(cpu, access_type, mmu_idx, retaddr, &p);
    if (p.flags & (TLB_MMIO | TLB_WATCHPOINT)) {
        return NULL;
    }
    if (p.flags & TLB_NOTDIRTY) {
        notdirty_write(cpu, p.paddr, p.size);
    }
    return p.host;
}

/* ------------------------------------------------------------------ */
/* Instruction fetch                                                   */

uint64_t get_page_addr_code(CPUState *cpu, uint64_t vaddr, int mmu_idx)
{
    PageAccess p = { .addr = vaddr, .size = 1 };

    tlb_fill_page(cpu, MMU_INST_FETCH, mmu_idx, 0, &p);
    if (p.flags & TLB_MMIO) {
        /* Only RAM and ROM hold executable code here. */
        log_mask(LOG_GUEST_ERROR, "tlb: execution from non-RAM at 0x%"
                 PRIx64 " (physical 0x%" PRIx64 ")\n", vaddr, p.paddr);
        return -1;
    }
    return p.paddr;
}

uint32_t cpu_ldl_code(CPUState *cpu, uint64_t vaddr, int mmu_idx)
{
    uint8_t buf[4];

    do_ld_bytes(cpu, vaddr, make_memop_idx(MO_UL, mmu_idx), MMU_INST_FETCH,
                0, buf);
    return (uint32_t)ldn_le(buf, 4);
}

/* ------------------------------------------------------------------ */
/* Debugger access                                                     */

/*
 * One page's part: RAM or ROM only (a debugger read must not poke a
 * device); ROM is writable here, as for loading images.
 */
static int debug_rw_phys(CPUState *cpu, uint64_t paddr, uint8_t *buf,
                         size_t len, bool is_write)
{
    MemSection sec;

    if (!address_space_translate(cpu->as, paddr, &sec) || sec.len < len ||
        (sec.mr->kind != MR_RAM && sec.mr->kind != MR_ROM)) {
        return -EFAULT;
    }
    if (is_write) {
        return address_space_write_rom(cpu->as, paddr, buf, len) == MEMTX_OK
               ? 0 : -EFAULT;
    }
    memcpy(buf, sec.mr->host + sec.offset, len);
    return 0;
}

int cpu_memory_rw_debug(CPUState *cpu, uint64_t addr, void *buf, size_t len,
                        bool is_write)
{
    const CPUGdbOps *g = cpu->ops->gdb;
    uint8_t *p = buf;

    if (!g || !g->phys_addr_debug) {
        return -ENOSYS;
    }
    while (len > 0) {
        uint64_t page_left = TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK);
        size_t n = MIN(len, page_left);
        uint64_t paddr;
        int r;

        if (!g->phys_addr_debug(cpu, addr, &paddr)) {
            return -EFAULT;
        }
        r = debug_rw_phys(cpu, paddr, p, n, is_write);
        if (r < 0) {
            return r;
        }
        addr += n;
        p += n;
        len -= n;
    }
    return 0;
}

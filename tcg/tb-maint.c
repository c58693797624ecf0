/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TB cache: translation, lookup, chaining, invalidation, eviction.
 *
 * Where TBs live.  A TB's struct sits in the code buffer right before its
 * host code, followed by its compact restore data:
 *
 *     region:  | TB | code ........ | insn data | TB | code ... | free |
 *                ^ cache-line aligned  ^ tb->tc_ptr (execute view)
 *
 * so TB memory is freed exactly when its code is: when its region is
 * reclaimed.  Each region also keeps an array of its TBs in address
 * order, which tb_find_by_host_pc binary-searches.
 *
 * Eviction (FIFO by region).  Regions are filled in order 0, 1, ... 15.
 * When the current one cannot hold the next TB we move to the next one,
 * wrapping around.  After the first wrap the next region is always the
 * oldest, so we invalidate every TB in it (out of the hash table, the
 * page lists and every vCPU's jump cache, incoming jumps unchained) and
 * reuse it: one eviction.  Code still hot is retranslated into the
 * newest region the next time the exec loop misses it, so a small buffer
 * costs a trickle of retranslation, never a full flush.  A full buffer
 * is never an error.  tb_flush() throws everything away (a flush).
 *
 * Lookup.  A chained hash table keyed by (phys pc, pc, cs_base, flags,
 * cflags); chain links live in the TB.  Per guest physical page, a list
 * of the TBs whose code touches it (a TB spans at most two pages), for
 * tb_invalidate_phys_range and the code-page notifier.
 *
 * Chaining.  tb_add_jump patches the goto_tb jump of `from`'s exit slot n
 * to `to`'s code, only when both start on the same guest page (virtual
 * and physical): a jump to another page must go through the lookup,
 * because that page's mapping may change without this TB being
 * invalidated.  Every TB keeps the list of (tb, slot) jumping into it,
 * as tagged pointers, so invalidation can point those jumps back at
 * their reset target (the exit to the loop).
 *
 * Locking: everything here runs under tb_ctx_lock (see tb-internal.h).
 * Known limit: with several vCPU threads (user mode) a region may be
 * reclaimed while another thread still runs code in it; the exec side
 * needs an exclusive section (stop the other vCPUs) around eviction and
 * flush, which is left to the user-mode thread code.
 */
#include <inttypes.h>
#include <string.h>

#include "kestrel/log.h"
#include "tb-internal.h"

#define TB_ALIGN 16              /* host code of a TB (fetch blocks) */
#define TB_CHUNK 256             /* TB structs per allocation */
#define TB_NO_SLOT 0xffff        /* jmp offsets of an unused goto_tb */
/*
 * Backends check code_highwater between ops, so one op (and the slow
 * paths they append at the end) may run past it: keep this much slack.
 */
#define TB_HIGHWATER_SLACK 4096
/* The least room worth starting a TB in. */
#define TB_MIN_SPACE (TB_HIGHWATER_SLACK + 1024)
/* Worst case restore data: count + per insn 3 sleb128 + 1 uleb128. */
#define TB_INSN_DATA_MAX (5 + IR_MAX_INSNS * (IR_INSN_START_WORDS * 10 + 5))

typedef struct PageDesc {
    uint64_t addr;               /* hash key: guest physical page */
    TranslationBlock *first;     /* linked through page_next[slot] */
} PageDesc;

/* ------------------------------------------------------------------ */
/* Hash table                                                          */

static uint32_t tb_hash(uint64_t phys, uint64_t pc, uint64_t cs_base,
                        uint32_t flags, uint32_t cflags)
{
    uint64_t h = phys * 0x9e3779b97f4a7c15ull;

    h ^= pc * 0xc2b2ae3d27d4eb4full;
    h ^= cs_base * 0x165667b19e3779f9ull;
    h ^= (((uint64_t)flags << 32) | cflags) * 0x27d4eb2f165667c5ull;
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ull;
    return (uint32_t)(h ^ (h >> 32));
}

static void htable_resize(TBHashTable *ht, size_t nb)
{
    TranslationBlock **nbuckets = g_new0(TranslationBlock *, nb);

    for (size_t i = 0; ht->buckets && i <= ht->mask; i++) {
        TranslationBlock *tb = ht->buckets[i];

        while (tb) {
            TranslationBlock *next = tb->hash_next;
            size_t b = tb->hash & (nb - 1);

            tb->hash_next = nbuckets[b];
            nbuckets[b] = tb;
            tb = next;
        }
    }
    g_free(ht->buckets);
    ht->buckets = nbuckets;
    ht->mask = nb - 1;
}

static void htable_insert(TranslationBlock *tb)
{
    TBHashTable *ht = &tb_ctx.htable;
    size_t b;

    /* Load factor at most 1/2: short chains, each hop a cache miss. */
    if (ht->count >= (ht->mask + 1) / 2) {
        htable_resize(ht, (ht->mask + 1) * 2);
    }
    b = tb->hash & ht->mask;
    tb->hash_next = ht->buckets[b];
    ht->buckets[b] = tb;
    ht->count++;
}

static void htable_remove(TranslationBlock *tb)
{
    TBHashTable *ht = &tb_ctx.htable;
    TranslationBlock **pp = &ht->buckets[tb->hash & ht->mask];

    for (; *pp; pp = &(*pp)->hash_next) {
        if (*pp == tb) {
            *pp = tb->hash_next;
            ht->count--;
            return;
        }
    }
}

static void htable_clear(void)
{
    TBHashTable *ht = &tb_ctx.htable;

    memset(ht->buckets, 0, (ht->mask + 1) * sizeof(*ht->buckets));
    ht->count = 0;
}

TranslationBlock *tb_lookup_locked(uint64_t phys_pc, uint64_t pc,
                                   uint64_t cs_base, uint32_t flags,
                                   uint32_t cflags)
{
    uint32_t h = tb_hash(phys_pc, pc, cs_base, flags, cflags);
    TranslationBlock *tb;

    for (tb = tb_ctx.htable.buckets[h & tb_ctx.htable.mask]; tb;
         tb = tb->hash_next) {
        if (tb->hash == h && tb->phys_pc == phys_pc && tb->pc == pc &&
            tb->cs_base == cs_base && tb->flags == flags &&
            tb->cflags == cflags) {
            return tb;
        }
    }
    return NULL;
}

TranslationBlock *tb_lookup(CPUState *cpu, uint64_t pc, uint64_t cs_base,
                            uint32_t flags, uint32_t cflags)
{
    uint64_t phys = cpu->ops->get_code_phys(cpu, pc);
    TranslationBlock *tb;

    tb_lock();
    tb = tb_lookup_locked(phys, pc, cs_base, flags, cflags);
    tb_unlock();
    return tb;
}

/* ------------------------------------------------------------------ */
/* Page lists                                                          */

/*
 * Which of tb's page list links belongs to page's list.  A TB whose two
 * virtual pages map to the same physical page is on that list once,
 * through slot 0 (tb_pages_same).
 */
static inline unsigned tb_page_slot(const TranslationBlock *tb,
                                    uint64_t page)
{
    return tb->page_addr[0] == page ? 0 : 1;
}

/* Whether tb is on a second page list (see tb_page_slot). */
static inline bool tb_on_two_pages(const TranslationBlock *tb)
{
    return tb->page_addr[1] != (uint64_t)-1 &&
           tb->page_addr[1] != tb->page_addr[0];
}

static void tb_page_add(TranslationBlock *tb, unsigned n)
{
    uint64_t addr = tb->page_addr[n];
    PageDesc *pd = g_hash_table_lookup(tb_ctx.pages, &addr);
    TranslationBlock *next;

    if (!pd) {
        pd = g_new0(PageDesc, 1);
        pd->addr = addr;
        g_hash_table_insert(tb_ctx.pages, &pd->addr, pd);
        if (tb_ctx.page_notifier) {
            tb_ctx.page_notifier(addr, true);
        }
    }
    next = pd->first;
    tb->page_next[n] = next;
    tb->page_pprev[n] = &pd->first;
    if (next) {
        next->page_pprev[tb_page_slot(next, addr)] = &tb->page_next[n];
    }
    pd->first = tb;
}

/* O(1): eviction removes the oldest TBs, which sit at the list tails. */
static void tb_page_remove(TranslationBlock *tb, unsigned n)
{
    uint64_t addr = tb->page_addr[n];
    TranslationBlock *next = tb->page_next[n];
    PageDesc *pd;

    *tb->page_pprev[n] = next;
    if (next) {
        next->page_pprev[tb_page_slot(next, addr)] = tb->page_pprev[n];
    }
    tb->page_next[n] = NULL;
    tb->page_pprev[n] = NULL;
    pd = g_hash_table_lookup(tb_ctx.pages, &addr);
    if (pd && !pd->first) {
        /* Frees pd (the table owns its values). */
        g_hash_table_remove(tb_ctx.pages, &addr);
        if (tb_ctx.page_notifier) {
            tb_ctx.page_notifier(addr, false);
        }
    }
}

void tb_set_code_page_notifier(TBCodePageNotifier fn)
{
    tb_lock();
    tb_ctx.page_notifier = fn;
    tb_unlock();
}

/* ------------------------------------------------------------------ */
/* Chaining                                                            */

static void tb_reset_jump(TranslationBlock *tb, unsigned n)
{
    uintptr_t base = (uintptr_t)tb->tc_ptr;

    tb_ctx.backend->patch_jump(base + tb->jmp_insn_offset[n],
                               tb_ctx.cb.rx_diff,
                               base + tb->jmp_reset_offset[n]);
}

/*
 * The chaining rules.  Called twice by tb_add_jump: first without the
 * lock as a cheap filter (most exits can't chain: already chained, other
 * page), then under the lock to decide.  Fields another thread may
 * change are loaded atomically; the rest never change while tb lives.
 */
static bool tb_can_chain(const TranslationBlock *from, int n,
                         const TranslationBlock *to)
{
    uint32_t cf = __atomic_load_n(&from->cflags, __ATOMIC_RELAXED) |
                  __atomic_load_n(&to->cflags, __ATOMIC_RELAXED);

    return (n == 0 || n == 1) && !(cf & (CF_INVALID | CF_NO_CHAIN)) &&
           !__atomic_load_n(&from->jmp_dest[n], __ATOMIC_RELAXED) &&
           from->page_addr[0] == to->page_addr[0] &&
           from->jmp_insn_offset[n] != TB_NO_SLOT &&
           ((from->pc ^ to->pc) & TARGET_PAGE_MASK) == 0;
}

void tb_add_jump(TranslationBlock *from, int n, TranslationBlock *to,
                 uint64_t generation)
{
    /* An older generation: from's memory may hold another TB by now. */
    if (generation != __atomic_load_n(&tb_ctx.generation, __ATOMIC_ACQUIRE) ||
        !tb_can_chain(from, n, to)) {
        return;
    }
    tb_lock();
    if (generation == tb_ctx.generation && tb_can_chain(from, n, to)) {
        tb_ctx.backend->patch_jump((uintptr_t)from->tc_ptr +
                                   from->jmp_insn_offset[n],
                                   tb_ctx.cb.rx_diff,
                                   (uintptr_t)to->tc_ptr);
        __atomic_store_n(&from->jmp_dest[n], to, __ATOMIC_RELAXED);
        from->jmp_list_next[n] = to->jmp_list_head;
        to->jmp_list_head = (uintptr_t)from | n;
    }
    tb_unlock();
}

/* Point every jump into tb back at its exit. */
static void tb_unlink_incoming(TranslationBlock *tb)
{
    uintptr_t e = tb->jmp_list_head;

    while (e) {
        TranslationBlock *src = (TranslationBlock *)(e & ~(uintptr_t)3);
        unsigned n = e & 3;

        e = src->jmp_list_next[n];
        tb_reset_jump(src, n);
        __atomic_store_n(&src->jmp_dest[n], NULL, __ATOMIC_RELAXED);
        src->jmp_list_next[n] = 0;
    }
    tb->jmp_list_head = 0;
}

/* Take tb off the incoming lists of the TBs it jumps to. */
static void tb_unlink_outgoing(TranslationBlock *tb)
{
    for (unsigned n = 0; n < 2; n++) {
        TranslationBlock *dest = tb->jmp_dest[n];
        uintptr_t me = (uintptr_t)tb | n;
        uintptr_t *pp;

        if (!dest) {
            continue;
        }
        for (pp = &dest->jmp_list_head; *pp;) {
            TranslationBlock *t = (TranslationBlock *)(*pp & ~(uintptr_t)3);

            if (*pp == me) {
                *pp = tb->jmp_list_next[n];
                break;
            }
            pp = &t->jmp_list_next[*pp & 3];
        }
        /* A thread still inside tb must not reach dest once it dies. */
        tb_reset_jump(tb, n);
        __atomic_store_n(&tb->jmp_dest[n], NULL, __ATOMIC_RELAXED);
        tb->jmp_list_next[n] = 0;
    }
}

/* ------------------------------------------------------------------ */
/* Invalidation and eviction                                           */

static void jmp_cache_drop(TBJmpCacheEntry *jc, uint32_t h,
                           const TranslationBlock *tb)
{
    for (unsigned w = 0; w < TB_JMP_CACHE_WAYS; w++) {
        TBJmpCacheEntry *e = &jc[h + w];

        if (__atomic_load_n(&e->tb, __ATOMIC_RELAXED) == tb) {
            __atomic_store_n(&e->tc_ptr, NULL, __ATOMIC_RELEASE);
            __atomic_store_n(&e->tb, NULL, __ATOMIC_RELEASE);
        }
    }
}

/* Every jump cache of every vCPU, the swapped-out ones too. */
static void tb_jmp_cache_remove(TranslationBlock *tb)
{
    uint32_t h = tb_jmp_cache_hash(tb->pc);

    for (unsigned i = 0; tb_ctx.cpus && i < tb_ctx.cpus->len; i++) {
        CPUState *cpu = g_ptr_array_index(tb_ctx.cpus, i);

        jmp_cache_drop(cpu->tb_jmp_cache, h, tb);
        for (unsigned k = 0; k < CPU_JMP_CACHE_SPARES; k++) {
            TBJmpCacheEntry *jc = __atomic_load_n(&cpu->tb_jmp_spare[k],
                                                  __ATOMIC_ACQUIRE);

            if (jc && jc != cpu->tb_jmp_cache) {
                jmp_cache_drop(jc, h, tb);
            }
        }
    }
}

void tb_jmp_cache_register(CPUState *cpu, TBJmpCacheEntry *jc)
{
    for (unsigned k = 0; k < CPU_JMP_CACHE_SPARES; k++) {
        TBJmpCacheEntry *none = NULL;

        if (__atomic_compare_exchange_n(&cpu->tb_jmp_spare[k], &none, jc,
                                        false, __ATOMIC_RELEASE,
                                        __ATOMIC_RELAXED)) {
            return;
        }
    }
    g_assert_not_reached();     /* more contexts than CPU_JMP_CACHE_SPARES */
}

void tb_jmp_cache_unregister(CPUState *cpu, TBJmpCacheEntry *jc)
{
    tb_lock();      /* no tb_jmp_cache_remove is looking at it then */
    for (unsigned k = 0; k < CPU_JMP_CACHE_SPARES; k++) {
        if (cpu->tb_jmp_spare[k] == jc) {
            __atomic_store_n(&cpu->tb_jmp_spare[k], NULL, __ATOMIC_RELEASE);
        }
    }
    tb_unlock();
}

/* Make tb unreachable: no lookup finds it, no jump enters it. */
static void tb_invalidate(TranslationBlock *tb)
{
    if (tb->cflags & CF_INVALID) {
        return;
    }
    __atomic_store_n(&tb->cflags, tb->cflags | CF_INVALID,
                     __ATOMIC_RELEASE);
    htable_remove(tb);
    tb_page_remove(tb, 0);
    if (tb_on_two_pages(tb)) {
        tb_page_remove(tb, 1);
    }
    tb_jmp_cache_remove(tb);
    tb_unlink_incoming(tb);
    tb_unlink_outgoing(tb);
}

/*
 * Does tb's guest code on physical page `page` overlap [start, end)?
 * Both parts are checked: the two virtual pages may map to one physical
 * page (page_addr[0] == page_addr[1]).
 */
static bool tb_overlaps(const TranslationBlock *tb, uint64_t page,
                        uint64_t start, uint64_t end)
{
    uint64_t size = tb->size ? tb->size : 1;
    uint64_t first_len = TARGET_PAGE_SIZE - (tb->phys_pc & ~TARGET_PAGE_MASK);
    bool hit = false;

    if (first_len > size) {
        first_len = size;
    }
    if (tb->page_addr[0] == page) {
        hit = tb->phys_pc < end && start < tb->phys_pc + first_len;
    }
    if (tb->page_addr[1] == page && size > first_len) {
        hit |= tb->page_addr[1] < end &&
               start < tb->page_addr[1] + (size - first_len);
    }
    return hit;
}

static void tb_invalidate_page_range(uint64_t page, uint64_t start,
                                     uint64_t end)
{
    PageDesc *pd = g_hash_table_lookup(tb_ctx.pages, &page);
    TranslationBlock *tb = pd ? pd->first : NULL;

    while (tb) {
        /* pd may be freed by the last invalidation; next is NULL then. */
        TranslationBlock *next = tb->page_next[tb_page_slot(tb, page)];

        if (tb_overlaps(tb, page, start, end)) {
            tb_invalidate(tb);
            tb_ctx.stats.invalidations++;
        }
        tb = next;
    }
}

void tb_invalidate_phys_range(uint64_t start, uint64_t end)
{
    uint64_t first = start & TARGET_PAGE_MASK;
    uint64_t npages;

    if (end <= start) {
        return;
    }
    tb_lock();
    if (!tb_ctx.initialized) {
        tb_unlock();
        return;
    }
    npages = ((end - 1 - first) >> TARGET_PAGE_BITS) + 1;
    if (npages <= g_hash_table_size(tb_ctx.pages)) {
        for (uint64_t i = 0; i < npages; i++) {
            tb_invalidate_page_range(first + (i << TARGET_PAGE_BITS),
                                     start, end);
        }
    } else {
        /* Big range (a DMA, a RAM reset): walk the pages that have code. */
        GArray *hit = g_array_new(false, false, sizeof(uint64_t));
        GHashTableIter it;
        gpointer key;

        g_hash_table_iter_init(&it, tb_ctx.pages);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            uint64_t page = *(uint64_t *)key;

            if (page >= first && page < end) {
                g_array_append_val(hit, page);
            }
        }
        for (guint i = 0; i < hit->len; i++) {
            tb_invalidate_page_range(g_array_index(hit, uint64_t, i),
                                     start, end);
        }
        g_array_free(hit, true);
    }
    tb_unlock();
}

/* Readers outside the lock load it atomically (tb_add_jump, exec loop). */
static void tb_generation_bump(void)
{
    __atomic_store_n(&tb_ctx.generation, tb_ctx.generation + 1,
                     __ATOMIC_RELEASE);
}

/* Reclaim the region: kill its TBs, make it empty. */
static void tb_region_evict(CodeRegion *r)
{
    for (guint i = 0; i < r->tbs->len; i++) {
        tb_invalidate(g_ptr_array_index(r->tbs, i));
    }
    code_region_reset(r);
    tb_generation_bump();
    tb_ctx.stats.evictions++;
}

/* Start filling the next region, reclaiming it first if it is in use. */
static void tb_region_next(void)
{
    CodeBuffer *cb = &tb_ctx.cb;
    CodeRegion *r;

    cb->cur = (cb->cur + 1) % cb->nb_regions;
    r = code_buffer_cur(cb);
    if (r->tbs->len) {
        tb_region_evict(r);
    } else {
        code_region_reset(r);
    }
}

void tb_jmp_cache_reset(TBJmpCacheEntry *jc)
{
    for (unsigned i = 0; i < TB_JMP_CACHE_SIZE; i++) {
        __atomic_store_n(&jc[i].tc_ptr, NULL, __ATOMIC_RELAXED);
        __atomic_store_n(&jc[i].tb, NULL, __ATOMIC_RELAXED);
    }
    memset(tb_jmp_cache_filter(jc), 0,
           TB_JMP_FILTER_WORDS * sizeof(uint64_t));
}

void tb_jmp_cache_clear(CPUState *cpu)
{
    tb_jmp_cache_reset(cpu->tb_jmp_cache);
}

unsigned tb_jmp_cache_bits = 12;

TBJmpCacheEntry *tb_jmp_cache_new(void)
{
    size_t filter = TB_JMP_FILTER_WORDS * sizeof(uint64_t);

    size_t size = TB_JMP_CACHE_SIZE * sizeof(TBJmpCacheEntry) + filter;
    void *p;

    /* Entries on 32-byte boundaries: one cache line each.  (g_free-able:
     * posix_memalign memory is released by free().) */
    if (posix_memalign(&p, 64, size)) {
        g_error("jump cache: out of memory");
    }
    return memset(p, 0, size);
}

static bool jc_filter_test(TBJmpCacheEntry *jc, uint64_t page)
{
    uint32_t bit = tb_jmp_filter_bit(page);

    return tb_jmp_cache_filter(jc)[bit / 64] & (1ull << (bit % 64));
}

void tb_jmp_cache_clear_page(TBJmpCacheEntry *jc, uint64_t vaddr)
{
    uint64_t page = vaddr & TARGET_PAGE_MASK;

    if (!jc_filter_test(jc, page) &&
        !jc_filter_test(jc, page - TARGET_PAGE_SIZE)) {
        return;
    }
    for (unsigned i = 0; i < TB_JMP_CACHE_SIZE; i++) {
        uint64_t d = (jc[i].pc & TARGET_PAGE_MASK) - page;

        if (d == 0 || d == (uint64_t)-TARGET_PAGE_SIZE) {
            __atomic_store_n(&jc[i].tc_ptr, NULL, __ATOMIC_RELAXED);
            __atomic_store_n(&jc[i].tb, NULL, __ATOMIC_RELAXED);
        }
    }
}

void tb_flush_locked(void)
{
    CodeBuffer *cb = &tb_ctx.cb;
    GHashTableIter it;
    gpointer key;

    if (!tb_ctx.initialized) {
        return;
    }
    /* Nothing survives, so no jump needs unchaining one by one. */
    htable_clear();
    g_hash_table_iter_init(&it, tb_ctx.pages);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (tb_ctx.page_notifier) {
            tb_ctx.page_notifier(*(uint64_t *)key, false);
        }
        g_hash_table_iter_remove(&it);
    }
    for (unsigned i = 0; tb_ctx.cpus && i < tb_ctx.cpus->len; i++) {
        tb_jmp_cache_clear(g_ptr_array_index(tb_ctx.cpus, i));
    }
    for (unsigned i = 0; i < cb->nb_regions; i++) {
        code_region_reset(&cb->regions[i]);
    }
    cb->cur = 0;
    tb_generation_bump();
    tb_ctx.stats.flushes++;
}

void tb_flush(void)
{
    tb_lock();
    tb_flush_locked();
    tb_unlock();
}

void tb_maint_init(void)
{
    if (!tb_ctx.htable.buckets) {
        htable_resize(&tb_ctx.htable, 1 << 12);
    }
    htable_clear();
    if (!tb_ctx.pages) {
        tb_ctx.pages = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                             NULL, g_free);
    }
}

/* ------------------------------------------------------------------ */
/* Restore data: per insn, sleb128 deltas of the insn_start words and   */
/* a uleb128 delta of the host end offset.                             */

static uint8_t *put_uleb(uint8_t *p, uint64_t v)
{
    do {
        uint8_t b = v & 0x7f;

        v >>= 7;
        *p++ = b | (v ? 0x80 : 0);
    } while (v);
    return p;
}

static uint8_t *put_sleb(uint8_t *p, int64_t v)
{
    for (;;) {
        uint8_t b = v & 0x7f;

        v >>= 7;    /* arithmetic: gcc guarantees it */
        if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
            *p++ = b;
            return p;
        }
        *p++ = b | 0x80;
    }
}

const uint8_t *tb_get_leb(const uint8_t *p, uint64_t *val, bool sign)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b;

    do {
        b = *p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while ((b & 0x80) && shift < 64);
    if (sign && shift < 64 && (b & 0x40)) {
        v |= ~0ull << shift;
    }
    *val = v;
    return p;
}

static size_t tb_encode_insn_data(const IRContext *s,
                                  const TranslationBlock *tb, uint8_t *buf)
{
    uint64_t prev[IR_INSN_START_WORDS] = { tb->pc };
    uint32_t prev_end = 0;
    uint8_t *p = put_uleb(buf, s->nb_insns);

    for (unsigned i = 0; i < s->nb_insns; i++) {
        for (unsigned j = 0; j < s->insn_start_words; j++) {
            p = put_sleb(p, (int64_t)(s->gen_insn_data[i][j] - prev[j]));
            prev[j] = s->gen_insn_data[i][j];
        }
        p = put_uleb(p, s->gen_insn_end_off[i] - prev_end);
        prev_end = s->gen_insn_end_off[i];
    }
    return p - buf;
}

bool tb_restore_data(const TranslationBlock *tb, unsigned words,
                     uintptr_t host_pc, uint64_t *data)
{
    const uint8_t *p = (const uint8_t *)tb->tc_ptr - tb_ctx.cb.rx_diff +
                       tb->insn_data_off;
    uint64_t off = host_pc - (uintptr_t)tb->tc_ptr;
    uint64_t n, end = 0, v;

    memset(data, 0, IR_INSN_START_WORDS * sizeof(*data));
    data[0] = tb->pc;
    p = tb_get_leb(p, &n, false);
    for (uint64_t i = 0; i < n; i++) {
        for (unsigned j = 0; j < words; j++) {
            p = tb_get_leb(p, &v, true);
            data[j] += v;
        }
        p = tb_get_leb(p, &v, false);
        end += v;
        if (off < end) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Host pc -> TB                                                       */

static TranslationBlock *tb_find_by_host_pc_locked(uintptr_t host_pc)
{
    CodeBuffer *cb = &tb_ctx.cb;
    GPtrArray *tbs;
    guint lo = 0, hi;
    int idx;

    /* Accept the write view too (an interpreter may report either). */
    if (host_pc >= (uintptr_t)cb->rw && host_pc < (uintptr_t)cb->rw +
        cb->size) {
        host_pc += cb->rx_diff;
    }
    idx = code_buffer_region_of(cb, host_pc);
    if (idx < 0) {
        return NULL;
    }
    tbs = cb->regions[idx].tbs;
    hi = tbs->len;
    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        TranslationBlock *tb = g_ptr_array_index(tbs, mid);

        if ((uintptr_t)tb->tc_ptr <= host_pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo > 0) {
        TranslationBlock *tb = g_ptr_array_index(tbs, lo - 1);

        if (host_pc < (uintptr_t)tb->tc_ptr + tb->tc_size) {
            return tb;
        }
    }
    return NULL;
}

TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc)
{
    TranslationBlock *tb;

    if (tb_lock_held) {
        return tb_find_by_host_pc_locked(host_pc);
    }
    tb_lock();
    tb = tb_ctx.initialized ? tb_find_by_host_pc_locked(host_pc) : NULL;
    tb_unlock();
    return tb;
}

/* ------------------------------------------------------------------ */
/* Translation                                                         */

/* Slot i of region r's TB structs (allocating the chunk it falls in). */
static TranslationBlock *region_tb_slot(CodeRegion *r, unsigned i)
{
    while (i / TB_CHUNK >= r->tb_chunks->len) {
        void *chunk;

        /* Cache-line aligned, as the struct's first line is its hot one
         * (free()-able, so the array's g_free releases it). */
        if (posix_memalign(&chunk, _Alignof(TranslationBlock),
                           TB_CHUNK * sizeof(TranslationBlock))) {
            g_error("TB structs: out of memory");
        }
        g_ptr_array_add(r->tb_chunks, chunk);
    }
    return (TranslationBlock *)g_ptr_array_index(r->tb_chunks,
                                                 i / TB_CHUNK) + i % TB_CHUNK;
}

/*
 * A TB struct for the current region's next TB (it becomes the region's
 * only when tb_commit adds it to r->tbs), with its host code to start at
 * the region's free pointer; moves to the next region when too little
 * room is left.  tb->tc_ptr is set (executable view).
 */
static TranslationBlock *tb_alloc(bool *region_was_empty)
{
    for (;;) {
        CodeRegion *r = code_buffer_cur(&tb_ctx.cb);
        uint8_t *code = (uint8_t *)(((uintptr_t)r->ptr + TB_ALIGN - 1) &
                                    ~(uintptr_t)(TB_ALIGN - 1));

        if (code + TB_MIN_SPACE <= r->end) {
            TranslationBlock *tb = region_tb_slot(r, r->tbs->len);

            *region_was_empty = r->tbs->len == 0;
            memset(tb, 0, sizeof(TranslationBlock));
            tb->tc_ptr = code + tb_ctx.cb.rx_diff;
            return tb;
        }
        tb_region_next();
    }
}

static void tb_log_ir(IRContext *s, const TranslationBlock *tb, int mask,
                      const char *what)
{
    if (log_tb_enabled(mask, tb->pc)) {
        FILE *f = log_file();

        fprintf(f, "%s: pc=0x%" PRIx64 "\n", what, tb->pc);
        ir_dump(s, f);
        fprintf(f, "\n");
    }
}

static void tb_verify(IRContext *s, const TranslationBlock *tb,
                      const char *stage)
{
#ifdef KESTREL_IR_VERIFY
    g_autoptr(GError) err = NULL;

    if (!ir_verify(s, &err)) {
        /* An IR bug is an internal invariant, not a guest problem. */
        g_error("invalid IR %s, TB pc=0x%" PRIx64 ": %s", stage, tb->pc,
                err->message);
    }
#else
    (void)s;
    (void)tb;
    (void)stage;
#endif
}

/* Frontend IR, optimized and checked, for tb. */
static void tb_gen_ir(CPUState *cpu, IRContext *s, TranslationBlock *tb,
                      int max_insns)
{
    CodeRegion *r = code_buffer_cur(&tb_ctx.cb);
    uint8_t *code = (uint8_t *)tb->tc_ptr - tb_ctx.cb.rx_diff;

    ir_context_reset(s);
    s->insn_start_words = cpu->ops->insn_start_words;
    s->code_buf = s->code_ptr = code;
    s->code_highwater = r->end - TB_HIGHWATER_SLACK;
    s->rx_diff = tb_ctx.cb.rx_diff;
    for (unsigned n = 0; n < 2; n++) {
        s->tb_jmp_insn_offset[n] = UINT32_MAX;
        s->tb_jmp_reset_offset[n] = UINT32_MAX;
    }

    cpu->ops->translate(cpu, s, tb, max_insns);
    tb_log_ir(s, tb, LOG_OP, "OP");
    tb_verify(s, tb, "from the frontend");
    if (s->optimize) {
        ir_optimize(s);
        tb_log_ir(s, tb, LOG_OP_OPT, "OP after optimization");
        tb_verify(s, tb, "after optimization");
    }
}

/* The backend's jump offsets, or false if they don't fit the TB's. */
static bool tb_set_jmp_offsets(TranslationBlock *tb, const IRContext *s)
{
    for (unsigned n = 0; n < 2; n++) {
        uint32_t insn = s->tb_jmp_insn_offset[n];
        uint32_t reset = s->tb_jmp_reset_offset[n];

        if (insn == UINT32_MAX || reset == UINT32_MAX) {
            tb->jmp_insn_offset[n] = tb->jmp_reset_offset[n] = TB_NO_SLOT;
            continue;
        }
        if (insn >= TB_NO_SLOT || reset >= TB_NO_SLOT) {
            return false;
        }
        tb->jmp_insn_offset[n] = insn;
        tb->jmp_reset_offset[n] = reset;
    }
    return true;
}

/*
 * Place the restore data after the code and make the TB live: region
 * pointer, region TB list, hash table, page lists, stats.  False if the
 * restore data does not fit in the region.
 */
static bool tb_commit(TranslationBlock *tb, IRContext *s, int size)
{
    static uint8_t data[TB_INSN_DATA_MAX];
    CodeRegion *r = code_buffer_cur(&tb_ctx.cb);
    uint8_t *code = (uint8_t *)tb->tc_ptr - tb_ctx.cb.rx_diff;
    size_t len = tb_encode_insn_data(s, tb, data);

    if (code + size + len > r->end) {
        return false;
    }
    memcpy(code + size, data, len);
    tb->tc_size = size;
    tb->insn_data_off = size;
    tb->region = tb_ctx.cb.cur;
    tb->hash = tb_hash(tb->phys_pc, tb->pc, tb->cs_base, tb->flags,
                       tb->cflags);
    r->ptr = code + size + len;
    g_ptr_array_add(r->tbs, tb);

    htable_insert(tb);
    tb_page_add(tb, 0);
    if (tb_on_two_pages(tb)) {
        tb_page_add(tb, 1);
    }
    tb_ctx.stats.translations++;
    tb_ctx.stats.guest_insns += tb->icount;
    tb_ctx.stats.code_bytes += size;
    return true;
}

static void tb_log_out_asm(const TranslationBlock *tb)
{
    if (log_tb_enabled(LOG_OUT_ASM, tb->pc)) {
        FILE *f = log_file();

        fprintf(f, "OUT: [size=%u] tb=%p pc=0x%" PRIx64 "\n", tb->tc_size,
                (void *)tb, tb->pc);
        if (tb_ctx.backend->disas) {
            tb_ctx.backend->disas(f, tb->tc_ptr, tb->tc_size);
        }
        fprintf(f, "\n");
    }
}

/*
 * The TB did not fit (a region, the 16-bit jump offsets, or its restore
 * data in an empty region): the insn count to retry with.
 */
static int tb_fewer_insns(const IRContext *s, uint64_t pc)
{
    if (s->nb_insns <= 1) {
        g_error("TB at pc=0x%" PRIx64 " does not fit even with one "
                "instruction", pc);
    }
    tb_ctx.stats.retranslations_smaller++;
    return MAX(1, s->nb_insns / 2);
}

/* The physical page of tb's last byte, when it is on a second page. */
static void tb_set_page2(CPUState *cpu, TranslationBlock *tb)
{
    uint64_t last = tb->pc + (tb->size ? tb->size - 1 : 0);

    if ((last ^ tb->pc) & TARGET_PAGE_MASK) {
        /* The frontend just fetched from there: mapped, no fault. */
        tb->page_addr[1] = cpu->ops->get_code_phys(cpu, last) &
                           TARGET_PAGE_MASK;
    }
}

/*
 * Translate into the current region.  Running out of room in a region
 * that already holds TBs moves on to the next region; a TB too big for
 * an empty region (or for the TB format) is retried with fewer insns.
 */
static TranslationBlock *tb_translate(CPUState *cpu, uint64_t phys,
                                      uint64_t pc, uint64_t cs_base,
                                      uint32_t flags, uint32_t cflags)
{
    IRContext *s = &tb_ctx.ir;
    int max_insns = cflags & CF_COUNT_MASK;

    if (max_insns == 0 || max_insns > IR_MAX_INSNS) {
        max_insns = IR_MAX_INSNS;
    }
    for (;;) {
        bool fresh;
        TranslationBlock *tb = tb_alloc(&fresh);
        int size;

        tb->pc = pc;
        tb->cs_base = cs_base;
        if (cs_base) {
            tb_ctx.cs_base_seen = true;
        }
        tb->flags = flags;
        tb->cflags = cflags;
        tb->phys_pc = phys;
        tb->page_addr[0] = phys & TARGET_PAGE_MASK;
        tb->page_addr[1] = -1;
        tb_gen_ir(cpu, s, tb, max_insns);

        size = tb_ctx.backend->gen_code(s);
        if (size == -1 && !fresh) {
            tb_region_next();
            continue;
        }
        if (size < 0 || !tb_set_jmp_offsets(tb, s)) {
            max_insns = tb_fewer_insns(s, pc);
            continue;
        }
        tb_set_page2(cpu, tb);
        if (!tb_commit(tb, s, size)) {
            if (fresh) {
                max_insns = tb_fewer_insns(s, pc);
            } else {
                tb_region_next();
            }
            continue;
        }
        tb_log_out_asm(tb);
        return tb;
    }
}

TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base,
                              uint32_t flags, uint32_t cflags)
{
    TranslationBlock *tb;
    uint64_t phys;

    /* May fault (cpu_loop_exit); the exec loop drops the lock then. */
    tb_lock();
    phys = cpu->ops->get_code_phys(cpu, pc);
    /* Another vCPU may have translated it while we waited. */
    tb = tb_lookup_locked(phys, pc, cs_base, flags, cflags);
    if (!tb) {
        tb = tb_translate(cpu, phys, pc, cs_base, flags, cflags);
    }
    tb_unlock();
    return tb;
}

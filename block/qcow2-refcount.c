/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 metadata caches, reference counts and cluster allocation.
 *
 * Write-ordering rules (what keeps a killed process at worst leaking
 * clusters):
 *
 *  1. A refcount increment reaches the file before anything that uses
 *     the cluster: the L2 cache "depends on" the refcount cache, so
 *     writing back an L2 table first writes the refcount blocks and
 *     flushes the file (skipped with lazy refcounts: the dirty bit makes
 *     the next open repair instead).
 *  2. A refcount decrement reaches the file after the metadata that
 *     dropped the reference: the refcount cache then depends on the L2
 *     cache.  The two dependencies cannot both be pending: setting one
 *     first resolves the other (qcow2_cache_set_dependency).
 *  3. A new refcount block is written (and flushed) before the refcount
 *     table entry pointing at it; a new refcount table (and the blocks
 *     covering it) before the header that switches to it, and the old
 *     table is freed only afterwards.
 *  4. Metadata written through a cache is checked against the fixed
 *     metadata ranges (header, L1 tables, refcount table, snapshot
 *     table) first; an overlap marks the image corrupt instead.
 *
 * Allocation: the first run of free clusters at or after
 * free_cluster_index.  Clusters whose refcount block does not exist
 * count as free; the missing blocks are then created self-describing
 * (each at the first cluster of the range it covers) and the search
 * retried, because a new block may have landed inside the run.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "qcow2.h"

/* ------------------------------------------------------------------ */
/* Metadata caches                                                     */

Qcow2Cache *qcow2_cache_create(const char *name, int size, int table_size)
{
    Qcow2Cache *c = g_new0(Qcow2Cache, 1);

    c->name = name;
    c->size = size;
    c->entries = g_new0(Qcow2CacheEntry, size);
    for (int i = 0; i < size; i++) {
        c->entries[i].table = g_malloc0(table_size);
    }
    return c;
}

void qcow2_cache_destroy(Qcow2Cache *c)
{
    if (!c) {
        return;
    }
    for (int i = 0; i < c->size; i++) {
        g_free(c->entries[i].table);
    }
    g_free(c->entries);
    g_free(c);
}

static int cache_find(Qcow2Cache *c, int64_t offset)
{
    if (c->entries[c->last_hit].offset == offset) {
        return c->last_hit;
    }
    for (int i = 0; i < c->size; i++) {
        if (c->entries[i].offset == offset) {
            c->last_hit = i;
            return i;
        }
    }
    return -1;
}

static int cache_find_table(Qcow2Cache *c, const void *table)
{
    for (int i = 0; i < c->size; i++) {
        if (c->entries[i].table == table) {
            return i;
        }
    }
    g_assert_not_reached();
}

/* Write c's dependency, then flush the file, so c may be written. */
static int cache_flush_dependency(BlockDriverState *bs, Qcow2Cache *c)
{
    int ret = qcow2_cache_flush(bs, c->depends);

    if (ret < 0) {
        return ret;
    }
    c->depends = NULL;
    c->depends_on_flush = true;
    return 0;
}

static int cache_entry_write(BlockDriverState *bs, Qcow2Cache *c, int i)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2CacheEntry *e = &c->entries[i];
    int ret;

    if (!e->dirty) {
        return 0;
    }
    if (c->depends && (ret = cache_flush_dependency(bs, c)) < 0) {
        return ret;
    }
    if (c->depends_on_flush) {
        ret = bdrv_flush(bs->file);
        if (ret < 0) {
            return ret;
        }
        c->depends_on_flush = false;
    }
    ret = qcow2_check_overlap(bs, e->offset, s->cluster_size);
    if (ret < 0) {
        return ret;
    }
    ret = bdrv_pwrite(bs->file, e->offset, e->table, s->cluster_size);
    if (ret < 0) {
        return ret;
    }
    e->dirty = false;
    return 0;
}

int qcow2_cache_flush(BlockDriverState *bs, Qcow2Cache *c)
{
    int result = 0;

    for (int i = 0; i < c->size; i++) {
        int ret = cache_entry_write(bs, c, i);
        if (ret < 0 && result == 0) {
            result = ret;
        }
    }
    if (result == 0 && c->depends) {
        result = cache_flush_dependency(bs, c);
    }
    return result;
}

int qcow2_cache_set_dependency(BlockDriverState *bs, Qcow2Cache *c,
                               Qcow2Cache *dependency)
{
    int ret;

    if (dependency->depends) {
        ret = cache_flush_dependency(bs, dependency);
        if (ret < 0) {
            return ret;
        }
    }
    if (c->depends && c->depends != dependency) {
        ret = cache_flush_dependency(bs, c);
        if (ret < 0) {
            return ret;
        }
    }
    c->depends = dependency;
    return 0;
}

void qcow2_cache_depends_on_flush(Qcow2Cache *c)
{
    c->depends_on_flush = true;
}

static int cache_victim(Qcow2Cache *c)
{
    int best = -1;

    for (int i = 0; i < c->size; i++) {
        Qcow2CacheEntry *e = &c->entries[i];
        if (e->ref) {
            continue;
        }
        if (!e->offset) {
            return i;
        }
        if (best < 0 || e->lru < c->entries[best].lru) {
            best = i;
        }
    }
    return best;
}

static int cache_do_get(BlockDriverState *bs, Qcow2Cache *c, int64_t offset,
                        void **table, bool read)
{
    BDRVQcow2State *s = bs->opaque;
    int i = cache_find(c, offset);
    int ret;

    if (i < 0) {
        i = cache_victim(c);
        if (i < 0) {
            return -ENOSPC;
        }
        ret = cache_entry_write(bs, c, i);
        if (ret < 0) {
            return ret;
        }
        c->entries[i].offset = 0;
        if (read) {
            ret = bdrv_pread(bs->file, offset, c->entries[i].table,
                             s->cluster_size);
            if (ret < 0) {
                return ret;
            }
        }
        c->entries[i].offset = offset;
        c->last_hit = i;
    }
    c->entries[i].ref++;
    c->entries[i].lru = ++c->lru_counter;
    *table = c->entries[i].table;
    return 0;
}

int qcow2_cache_get(BlockDriverState *bs, Qcow2Cache *c, int64_t offset,
                    void **table)
{
    return cache_do_get(bs, c, offset, table, true);
}

int qcow2_cache_get_empty(BlockDriverState *bs, Qcow2Cache *c,
                          int64_t offset, void **table)
{
    return cache_do_get(bs, c, offset, table, false);
}

void qcow2_cache_put(Qcow2Cache *c, void **table)
{
    int i = cache_find_table(c, *table);

    c->entries[i].ref--;
    *table = NULL;
}

void qcow2_cache_mark_dirty(Qcow2Cache *c, void *table)
{
    c->entries[cache_find_table(c, table)].dirty = true;
}

void qcow2_cache_discard(Qcow2Cache *c, int64_t offset)
{
    int i = cache_find(c, offset);

    if (i >= 0 && c->entries[i].ref == 0) {
        c->entries[i].offset = 0;
        c->entries[i].dirty = false;
    }
}

void qcow2_cache_drop_all(Qcow2Cache *c)
{
    for (int i = 0; i < c->size; i++) {
        c->entries[i].offset = 0;
        c->entries[i].dirty = false;
        c->entries[i].ref = 0;
    }
    c->depends = NULL;
}

/* ------------------------------------------------------------------ */
/* Refcount entries: 1..64 bits; sub-byte ones packed from bit 0 up    */

uint64_t qcow2_rc_get(BDRVQcow2State *s, const void *block, uint64_t i)
{
    const uint8_t *b = block;
    int order = s->refcount_order;

    if (order < 3) {
        int per = 8 >> order, bits = 1 << order;
        return (b[i / per] >> (bits * (i % per))) & ((1u << bits) - 1);
    }
    switch (order) {
    case 3:
        return b[i];
    case 4:
        return GUINT16_FROM_BE(((const uint16_t *)block)[i]);
    case 5:
        return GUINT32_FROM_BE(((const uint32_t *)block)[i]);
    default:
        return GUINT64_FROM_BE(((const uint64_t *)block)[i]);
    }
}

void qcow2_rc_set(BDRVQcow2State *s, void *block, uint64_t i, uint64_t v)
{
    uint8_t *b = block;
    int order = s->refcount_order;

    if (order < 3) {
        int per = 8 >> order, bits = 1 << order;
        int shift = bits * (i % per);
        uint8_t mask = ((1u << bits) - 1) << shift;
        b[i / per] = (b[i / per] & ~mask) | ((v << shift) & mask);
        return;
    }
    switch (order) {
    case 3:
        b[i] = v;
        break;
    case 4:
        ((uint16_t *)block)[i] = GUINT16_TO_BE(v);
        break;
    case 5:
        ((uint32_t *)block)[i] = GUINT32_TO_BE(v);
        break;
    default:
        ((uint64_t *)block)[i] = GUINT64_TO_BE(v);
        break;
    }
}

/* ------------------------------------------------------------------ */
/* The refcount table                                                  */

int qcow2_refcount_init(BlockDriverState *bs, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    size_t bytes = (size_t)s->refcount_table_size * 8;
    int ret;

    s->refcount_table = g_try_malloc0(MAX(bytes, 8));
    if (!s->refcount_table) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
                    "%s: cannot allocate the refcount table", bs->filename);
        return -ENOMEM;
    }
    ret = bdrv_pread(bs->file, s->refcount_table_offset, s->refcount_table,
                     bytes);
    if (ret < 0) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_IO,
                    "%s: cannot read the refcount table: %s", bs->filename,
                    g_strerror(-ret));
        return ret;
    }
    for (uint32_t i = 0; i < s->refcount_table_size; i++) {
        s->refcount_table[i] = GUINT64_FROM_BE(s->refcount_table[i]);
    }
    return 0;
}

void qcow2_refcount_close(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;

    g_free(s->refcount_table);
    s->refcount_table = NULL;
}

/* The refcount block covering reftable index i (0: none), or -EIO. */
static int64_t rc_block_offset(BlockDriverState *bs, uint64_t i)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off;

    if (i >= s->refcount_table_size) {
        return 0;
    }
    off = s->refcount_table[i] & REFT_OFFSET_MASK;
    if (qcow2_offset_into_cluster(s, off) || off >= QCOW2_MAX_HOST_OFFSET) {
        return qcow2_signal_corruption(bs, "refblock offset %#" PRIx64
                                       " unaligned (reftable index %#"
                                       PRIx64 ")", off, i);
    }
    if (off && off < (uint64_t)s->cluster_size) {
        return qcow2_signal_corruption(bs, "refblock at offset %#" PRIx64
                                       " overlaps the header", off);
    }
    return off;
}

int qcow2_get_refcount(BlockDriverState *bs, int64_t cluster,
                       uint64_t *refcount)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t block = rc_block_offset(bs, cluster >> s->refcount_block_bits);
    void *t;
    int ret;

    *refcount = 0;
    if (block <= 0) {
        return block;
    }
    ret = qcow2_cache_get(bs, s->rc_cache, block, &t);
    if (ret < 0) {
        return ret;
    }
    *refcount = qcow2_rc_get(s, t, cluster &
                             ((1LL << s->refcount_block_bits) - 1));
    qcow2_cache_put(s->rc_cache, &t);
    return 0;
}

static int write_reftable_entry(BlockDriverState *bs, uint64_t i)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t be = GUINT64_TO_BE(s->refcount_table[i]);

    return bdrv_pwrite(bs->file, s->refcount_table_offset + i * 8, &be, 8);
}

/*
 * Size a new refcount area at cluster a: nb_blocks refcount blocks for
 * reftable indices first..first+nb_blocks-1 followed by a table of
 * *table_clusters clusters with at least min_entries entries, all of it
 * covered by those blocks.
 */
static int64_t size_refcount_area(BDRVQcow2State *s, int64_t a,
                                  int64_t first, uint64_t min_entries,
                                  int64_t *table_clusters)
{
    int64_t blocks = 0, tc = 0;

    for (int iter = 0; iter < 64; iter++) {
        int64_t end = a + blocks + tc;
        int64_t last = (end - 1) >> s->refcount_block_bits;
        int64_t nb = MAX(last - first + 1, 1);
        uint64_t entries = MAX(min_entries, (uint64_t)(first + nb));
        int64_t ntc = (entries * 8 + s->cluster_size - 1) >> s->cluster_bits;

        if (nb == blocks && ntc == tc) {
            break;
        }
        blocks = nb;
        tc = ntc;
    }
    *table_clusters = tc;
    return blocks;
}

/* Write refcount blocks for the area [a, a + nb + tc) at a..a+nb-1. */
static int write_area_blocks(BlockDriverState *bs, int64_t a, int64_t first,
                             int64_t nb, int64_t tc, const uint32_t *refs,
                             int64_t nb_refs)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t per = 1LL << s->refcount_block_bits;
    int64_t area_end = a + nb + tc;
    uint8_t *blk = g_malloc(s->cluster_size);
    int ret = 0;

    for (int64_t r = 0; r < nb && ret >= 0; r++) {
        int64_t base = (first + r) * per;
        memset(blk, 0, s->cluster_size);
        for (int64_t j = 0; j < per; j++) {
            int64_t c = base + j;
            uint64_t v = c < nb_refs ? refs[c] : 0;
            if (c >= a && c < area_end) {
                v = 1;
            }
            if (v > s->refcount_max) {
                ret = -ERANGE;
                break;
            }
            qcow2_rc_set(s, blk, j, v);
        }
        if (ret >= 0) {
            ret = bdrv_pwrite(bs->file, (a + r) << s->cluster_bits, blk,
                              s->cluster_size);
        }
    }
    g_free(blk);
    return ret;
}

/* Switch to the new table (already written): header, then old freed. */
static int switch_reftable(BlockDriverState *bs, uint64_t *table,
                           int64_t offset, int64_t clusters, bool free_old)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t old_off = s->refcount_table_offset;
    int64_t old_clusters = qcow2_size_to_clusters(
        s, (int64_t)s->refcount_table_size * 8);
    int ret = bdrv_flush(bs->file);

    if (ret < 0) {
        g_free(table);
        return ret;
    }
    g_free(s->refcount_table);
    s->refcount_table = table;
    s->refcount_table_offset = offset;
    s->refcount_table_size = (clusters << s->cluster_bits) / 8;
    ret = qcow2_update_header(bs);
    if (ret >= 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret >= 0 && free_old) {
        qcow2_free_clusters(bs, old_off, old_clusters << s->cluster_bits);
    }
    return ret;
}

/* A larger refcount table with at least min_entries entries, placed
 * with the blocks covering it past everything the old one covers. */
static int grow_reftable(BlockDriverState *bs, uint64_t min_entries)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t file_cl = qcow2_size_to_clusters(s, bdrv_getlength(bs->file));
    int64_t a = MAX(file_cl, (int64_t)s->refcount_table_size
                    << s->refcount_block_bits);
    int64_t first = a >> s->refcount_block_bits;
    uint64_t want = MAX(min_entries, (uint64_t)s->refcount_table_size * 2);
    int64_t tc, nb;
    uint64_t *table, *be;
    int ret;

    want = MIN(want, (uint64_t)QCOW2_MAX_REFTABLE_BYTES / 8);
    nb = size_refcount_area(s, a, first, MAX(want, min_entries), &tc);
    if ((tc << s->cluster_bits) > QCOW2_MAX_REFTABLE_BYTES ||
        ((a + nb + tc) << s->cluster_bits) > (int64_t)QCOW2_MAX_HOST_OFFSET) {
        return -EFBIG;
    }
    ret = write_area_blocks(bs, a, first, nb, tc, NULL, 0);
    if (ret < 0) {
        return ret;
    }
    table = g_malloc0(tc << s->cluster_bits);
    memcpy(table, s->refcount_table, (size_t)s->refcount_table_size * 8);
    for (int64_t r = 0; r < nb; r++) {
        table[first + r] = (a + r) << s->cluster_bits;
    }
    be = g_malloc(tc << s->cluster_bits);
    for (int64_t i = 0; i < (tc << s->cluster_bits) / 8; i++) {
        be[i] = GUINT64_TO_BE(table[i]);
    }
    ret = bdrv_pwrite(bs->file, (a + nb) << s->cluster_bits, be,
                      tc << s->cluster_bits);
    g_free(be);
    if (ret < 0) {
        g_free(table);
        return ret;
    }
    return switch_reftable(bs, table, (a + nb) << s->cluster_bits, tc, true);
}

/* ------------------------------------------------------------------ */
/* Updating refcounts                                                  */

static void cluster_freed(BlockDriverState *bs, int64_t cluster)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t off = cluster << s->cluster_bits;

    if (cluster < s->free_cluster_index) {
        s->free_cluster_index = cluster;
    }
    if (s->free_byte_offset &&
        qcow2_start_of_cluster(s, s->free_byte_offset) == off) {
        s->free_byte_offset = 0;
    }
    qcow2_cache_discard(s->l2_cache, off);
    qcow2_cache_discard(s->rc_cache, off);
    s->cluster_cache_offset = -1;
}

/* Add addend to clusters [c, last] of one refcount block. */
static int update_block(BlockDriverState *bs, int64_t c, int64_t last,
                        int64_t addend, int64_t *done)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t rt = c >> s->refcount_block_bits;
    int64_t mask = (1LL << s->refcount_block_bits) - 1;
    int64_t block = rc_block_offset(bs, rt);
    void *t;
    int ret;

    if (block <= 0) {
        /* Allocation creates blocks first; a cluster in use has one. */
        return block < 0 ? block : qcow2_signal_corruption(bs,
            "cluster %#" PRIx64 " in use has no refcount block",
            (uint64_t)c << s->cluster_bits);
    }
    ret = qcow2_cache_get(bs, s->rc_cache, block, &t);
    if (ret < 0) {
        return ret;
    }
    last = MIN(last, c | mask);
    for (; c <= last; c++) {
        uint64_t old = qcow2_rc_get(s, t, c & mask);
        if (addend < 0 && old < (uint64_t)-addend) {
            ret = qcow2_signal_corruption(bs, "refcount of cluster %#"
                                          PRIx64 " would drop below zero",
                                          (uint64_t)c << s->cluster_bits);
            break;
        }
        if (addend > 0 && s->refcount_max - old < (uint64_t)addend) {
            ret = -ERANGE;
            break;
        }
        qcow2_rc_set(s, t, c & mask, old + addend);
        qcow2_cache_mark_dirty(s->rc_cache, t);
        if (old + addend == 0) {
            cluster_freed(bs, c);
        }
        (*done)++;
    }
    qcow2_cache_put(s->rc_cache, &t);
    return ret;
}

int qcow2_update_refcount(BlockDriverState *bs, int64_t offset,
                          int64_t length, int64_t addend)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t first, last, c, done = 0;
    int ret = 0;

    if (length <= 0 || addend == 0) {
        return 0;
    }
    if (addend < 0) {
        ret = qcow2_cache_set_dependency(bs, s->rc_cache, s->l2_cache);
        if (ret < 0) {
            return ret;
        }
    }
    first = offset >> s->cluster_bits;
    last = (offset + length - 1) >> s->cluster_bits;
    for (c = first; c <= last && ret >= 0; c = first + done) {
        ret = update_block(bs, c, last, addend, &done);
    }
    if (ret < 0 && done > 0) {
        /* Undo the part that was applied, so nothing half-happens. */
        int64_t undone = 0;
        for (c = first; c < first + done; c = first + undone) {
            if (update_block(bs, c, first + done - 1, -addend, &undone) < 0) {
                break;
            }
        }
    }
    return ret;
}

void qcow2_free_clusters(BlockDriverState *bs, int64_t offset,
                         int64_t length)
{
    int ret = qcow2_update_refcount(bs, offset, length, -1);

    if (ret < 0) {
        bdrv_log_error(bs, "could not free clusters at %#" PRIx64 ": %s "
                       "(leaked)", (uint64_t)offset, g_strerror(-ret));
    }
}

void qcow2_compressed_range(BDRVQcow2State *s, uint64_t l2_entry,
                            uint64_t *coffset, int *csize)
{
    uint64_t nb = ((l2_entry >> s->csize_shift) & s->csize_mask) + 1;

    *coffset = l2_entry & s->cluster_offset_mask;
    *csize = nb * 512 - (*coffset & 511);
}

void qcow2_free_any_cluster(BlockDriverState *bs, uint64_t l2_entry)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t coffset;
    int csize;

    switch (qcow2_cluster_type(l2_entry)) {
    case QCOW2_CLUSTER_NORMAL:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        qcow2_free_clusters(bs, l2_entry & L2E_OFFSET_MASK, s->cluster_size);
        break;
    case QCOW2_CLUSTER_COMPRESSED:
        qcow2_compressed_range(s, l2_entry, &coffset, &csize);
        qcow2_free_clusters(bs, coffset, csize);
        s->cluster_cache_offset = -1;
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------------ */
/* Allocation                                                          */

static int64_t alloc_clusters_noref(BlockDriverState *bs, int64_t n)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t i = s->free_cluster_index, start = i;
    int64_t limit = QCOW2_MAX_HOST_OFFSET >> s->cluster_bits;

    while (i - start < n) {
        uint64_t rc;
        int ret;

        if (i >= limit) {
            return -EFBIG;
        }
        ret = qcow2_get_refcount(bs, i, &rc);
        if (ret < 0) {
            return ret;
        }
        i++;
        if (rc) {
            start = i;
        }
    }
    return start;
}

/* How many reftable indices covering clusters [start, end) have no
 * refcount block; the highest of them in *max_rt. */
static int64_t count_missing(BlockDriverState *bs, int64_t start,
                             int64_t end, int64_t *max_rt)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t n = 0;

    for (int64_t rt = start >> s->refcount_block_bits;
         rt <= (end - 1) >> s->refcount_block_bits; rt++) {
        int64_t block = rc_block_offset(bs, rt);
        if (block < 0) {
            return block;
        }
        if (block == 0) {
            n++;
            *max_rt = rt;
        }
    }
    return n;
}

/*
 * Create the missing refcount blocks for the ranges covering
 * [start, start + n + m) at clusters start + n ... start + n + m - 1
 * (free: the caller searched for a run of n + m), each new block
 * recording the new blocks that fall in its range.  Blocks first, then
 * the table entries.
 */
static int create_refblocks(BlockDriverState *bs, int64_t start, int64_t n,
                            int64_t m)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t mask = (1LL << s->refcount_block_bits) - 1;
    int64_t pos = start + n, end = start + n + m;
    int64_t *rts = g_new(int64_t, m);
    int64_t nb = 0;
    int ret = 0;

    for (int64_t rt = start >> s->refcount_block_bits;
         rt <= (end - 1) >> s->refcount_block_bits && nb < m; rt++) {
        if (rc_block_offset(bs, rt) == 0) {
            rts[nb++] = rt;
        }
    }
    for (int64_t j = 0; j < nb && ret >= 0; j++) {
        int64_t off = (pos + j) << s->cluster_bits;
        void *t;
        ret = qcow2_check_overlap(bs, off, s->cluster_size);
        if (ret >= 0) {
            ret = qcow2_cache_get_empty(bs, s->rc_cache, off, &t);
        }
        if (ret < 0) {
            break;
        }
        memset(t, 0, s->cluster_size);
        for (int64_t c = pos; c < pos + nb; c++) {
            if ((c >> s->refcount_block_bits) == rts[j]) {
                qcow2_rc_set(s, t, c & mask, 1);
            }
        }
        qcow2_cache_mark_dirty(s->rc_cache, t);
        qcow2_cache_put(s->rc_cache, &t);
    }
    if (ret >= 0) {
        ret = qcow2_cache_flush(bs, s->rc_cache);
    }
    if (ret >= 0) {
        ret = bdrv_flush(bs->file);
    }
    for (int64_t j = 0; j < nb && ret >= 0; j++) {
        s->refcount_table[rts[j]] = (pos + j) << s->cluster_bits;
        ret = write_reftable_entry(bs, rts[j]);
    }
    g_free(rts);
    return ret;
}

int64_t qcow2_alloc_clusters(BlockDriverState *bs, int64_t n)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t m = 0;

    if (n <= 0 ||
        n > (int64_t)(QCOW2_MAX_HOST_OFFSET >> s->cluster_bits)) {
        return -EFBIG;
    }
    for (;;) {
        int64_t start = alloc_clusters_noref(bs, n + m), max_rt = 0;
        int64_t missing;
        int ret;

        if (start < 0) {
            return start;
        }
        missing = count_missing(bs, start, start + n + m, &max_rt);
        if (missing < 0) {
            return missing;
        }
        if (missing > m) {
            m = missing;    /* room for the blocks after the run */
            continue;
        }
        if (missing == 0) {
            ret = qcow2_update_refcount(bs, start << s->cluster_bits,
                                        n << s->cluster_bits, 1);
            if (ret < 0) {
                return ret;
            }
            s->free_cluster_index = start + n;
            return start << s->cluster_bits;
        }
        if (max_rt >= s->refcount_table_size) {
            ret = grow_reftable(bs, max_rt + 1);
        } else {
            ret = create_refblocks(bs, start, n, missing);
        }
        if (ret < 0) {
            return ret;
        }
        m = 0;
    }
}

/* Byte-granular allocation for compressed clusters: packed into the
 * current partially used cluster when they fit. */
int64_t qcow2_alloc_bytes(BlockDriverState *bs, int size)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t off = s->free_byte_offset;
    int ret;

    if (off && s->cluster_size - qcow2_offset_into_cluster(s, off) >= size) {
        uint64_t rc;
        ret = qcow2_get_refcount(bs, off >> s->cluster_bits, &rc);
        if (ret < 0) {
            return ret;
        }
        if (rc == 0 || rc >= s->refcount_max) {
            off = 0;
        } else {
            ret = qcow2_update_refcount(bs, off, 1, 1);
            if (ret < 0) {
                return ret;
            }
        }
    } else {
        off = 0;
    }
    if (!off) {
        off = qcow2_alloc_clusters(bs, qcow2_size_to_clusters(s, size));
        if (off < 0) {
            return off;
        }
    }
    s->free_byte_offset = off + size;
    if (qcow2_offset_into_cluster(s, s->free_byte_offset) == 0) {
        s->free_byte_offset = 0;
    }
    return off;
}

/* ------------------------------------------------------------------ */
/* Overlap check and refcount rebuild                                  */

static bool ranges_overlap(int64_t a, int64_t alen, int64_t b, int64_t blen)
{
    return alen > 0 && blen > 0 && a < b + blen && b < a + alen;
}

int qcow2_check_overlap(BlockDriverState *bs, int64_t offset, int64_t size)
{
    BDRVQcow2State *s = bs->opaque;
    const char *what = NULL;

    if (ranges_overlap(offset, size, 0, s->cluster_size)) {
        what = "qcow2 header";
    } else if (ranges_overlap(offset, size, s->l1_table_offset,
                              (int64_t)s->l1_size * 8)) {
        what = "active L1 table";
    } else if (ranges_overlap(offset, size, s->refcount_table_offset,
                              (int64_t)s->refcount_table_size * 8)) {
        what = "refcount table";
    } else if (ranges_overlap(offset, size, s->snapshots_offset,
                              s->snapshots_size)) {
        what = "snapshot table";
    }
    for (int i = 0; !what && i < s->nb_snapshots; i++) {
        if (ranges_overlap(offset, size, s->snapshots[i].l1_table_offset,
                           (int64_t)s->snapshots[i].l1_size * 8)) {
            what = "inactive L1 table";
        }
    }
    if (what) {
        return qcow2_signal_corruption(bs, "Preventing invalid write on "
                                       "metadata (overlaps with %s)", what);
    }
    return 0;
}

/*
 * Replace the refcount structures with new ones holding refs[0..nb)
 * (plus the new structures themselves), written past everything.  The
 * old structures are then simply unreferenced.
 */
int qcow2_write_refcount_area(BlockDriverState *bs, const uint32_t *refs,
                              int64_t nb_clusters)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t file_cl = qcow2_size_to_clusters(s, bdrv_getlength(bs->file));
    int64_t a = MAX(nb_clusters, file_cl);
    int64_t tc, nb;
    uint64_t *table, *be;
    int ret;

    nb = size_refcount_area(s, a, 0, 1, &tc);
    if ((tc << s->cluster_bits) > QCOW2_MAX_REFTABLE_BYTES) {
        return -EFBIG;
    }
    qcow2_cache_drop_all(s->rc_cache);
    ret = write_area_blocks(bs, a, 0, nb, tc, refs, nb_clusters);
    if (ret < 0) {
        return ret;
    }
    table = g_malloc0(tc << s->cluster_bits);
    be = g_malloc0(tc << s->cluster_bits);
    for (int64_t r = 0; r < nb; r++) {
        table[r] = (a + r) << s->cluster_bits;
        be[r] = GUINT64_TO_BE(table[r]);
    }
    ret = bdrv_pwrite(bs->file, (a + nb) << s->cluster_bits, be,
                      tc << s->cluster_bits);
    g_free(be);
    if (ret < 0) {
        g_free(table);
        return ret;
    }
    s->free_cluster_index = 0;
    s->free_byte_offset = 0;
    return switch_reftable(bs, table, (a + nb) << s->cluster_bits, tc,
                           false);
}

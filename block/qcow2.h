/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 driver internals, shared by qcow2*.c.  The on-disk format is
 * QEMU's (docs/interop/qcow2.txt); big-endian throughout.
 *
 *   cluster 0     header, header extensions, backing file name
 *   L1 table      one contiguous array of u64: L2 table offset | COPIED
 *   L2 tables     one cluster each: data cluster descriptor per cluster
 *   refcount table  contiguous u64 array of refcount block offsets
 *   refcount blocks one cluster each, refcount_bits per host cluster
 *   snapshot table  variable-size entries, each with its own L1 copy
 *
 * In memory: the active L1 table and the refcount table (host order),
 * the snapshot table, and two write-back caches of big-endian tables
 * (L2 tables, refcount blocks).  Write ordering is kept by cache
 * dependencies; see qcow2-refcount.c and docs/devel/block.md.
 */
#ifndef KESTREL_BLOCK_QCOW2_H
#define KESTREL_BLOCK_QCOW2_H

#include <inttypes.h>

#include "block-int.h"

#define QCOW2_MAGIC             0x514649fbu     /* "QFI\xfb" */
#define QCOW2_V2_HEADER_LEN     72
#define QCOW2_V3_HEADER_LEN     104
#define QCOW2_HEADER_LEN_NEW    112     /* with the compression type */

#define QCOW_OFLAG_COPIED       (1ULL << 63)
#define QCOW_OFLAG_COMPRESSED   (1ULL << 62)
#define QCOW_OFLAG_ZERO         (1ULL << 0)
#define L1E_OFFSET_MASK         ((uint64_t)0x00fffffffffffe00ULL)
#define L2E_OFFSET_MASK         ((uint64_t)0x00fffffffffffe00ULL)
#define REFT_OFFSET_MASK        ((uint64_t)0xfffffffffffffe00ULL)
#define QCOW2_MAX_HOST_OFFSET   ((uint64_t)1 << 56)

#define QCOW2_INCOMPAT_DIRTY        (1ULL << 0)
#define QCOW2_INCOMPAT_CORRUPT      (1ULL << 1)
#define QCOW2_INCOMPAT_SUPPORTED    (QCOW2_INCOMPAT_DIRTY | \
                                     QCOW2_INCOMPAT_CORRUPT)
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ULL << 0)

#define QCOW2_EXT_END           0x00000000u
#define QCOW2_EXT_BACKING_FMT   0xe2792acau
#define QCOW2_EXT_FEATURES      0x6803f857u

/* Caps against hostile images (QEMU's values). */
#define QCOW2_MAX_L1_BYTES      (32 * 1024 * 1024)
#define QCOW2_MAX_REFTABLE_BYTES (8 * 1024 * 1024)
#define QCOW2_MAX_SNAPSHOTS     65536
#define QCOW2_MAX_SNAPSHOT_TABLE (64 * 1024 * 1024)
#define QCOW2_MAX_SNAPSHOT_EXTRA 1024
#define QCOW2_MAX_BACKING_NAME  1023
#define QCOW2_MAX_SIZE          (1LL << 61)

typedef enum Qcow2ClusterType {
    QCOW2_CLUSTER_UNALLOCATED,
    QCOW2_CLUSTER_ZERO_PLAIN,
    QCOW2_CLUSTER_ZERO_ALLOC,
    QCOW2_CLUSTER_NORMAL,
    QCOW2_CLUSTER_COMPRESSED,
} Qcow2ClusterType;

typedef struct Qcow2Snapshot {
    uint64_t l1_table_offset;
    uint32_t l1_size;
    char *id_str;
    char *name;
    uint64_t disk_size;
    uint64_t vm_state_size;
    uint32_t date_sec;
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t icount;
    uint32_t extra_data_size;   /* as read (or 24 for ours) */
    uint8_t *unknown_extra;     /* extra data past the fields we know */
    uint32_t unknown_extra_size;
} Qcow2Snapshot;

typedef struct Qcow2UnknownExt {
    uint32_t magic;
    uint32_t len;
    uint8_t *data;
} Qcow2UnknownExt;

typedef struct Qcow2CacheEntry {
    int64_t offset;             /* 0: free slot */
    void *table;
    uint64_t lru;
    int ref;
    bool dirty;
} Qcow2CacheEntry;

typedef struct Qcow2Cache {
    Qcow2CacheEntry *entries;
    int size;
    uint64_t lru_counter;
    int last_hit;
    struct Qcow2Cache *depends;     /* write that cache (and flush) first */
    bool depends_on_flush;          /* flush the file before writing */
    const char *name;
} Qcow2Cache;

typedef struct BDRVQcow2State {
    int version;
    int cluster_bits;
    int cluster_size;
    int l2_bits;                /* log2 entries per L2 table */
    int l2_size;
    int64_t size;               /* virtual size */
    uint64_t incompat;
    uint64_t compat;
    uint64_t autoclear;
    uint32_t header_length;
    uint8_t *unknown_header;    /* header bytes past the 112 we know */
    uint32_t unknown_header_len;
    GArray *unknown_exts;       /* Qcow2UnknownExt */

    uint64_t *l1_table;
    uint32_t l1_size;
    int64_t l1_table_offset;

    uint64_t *refcount_table;
    uint32_t refcount_table_size;       /* entries */
    int64_t refcount_table_offset;
    int refcount_order;
    int refcount_bits;
    uint64_t refcount_max;
    int refcount_block_bits;    /* log2 refcounts per block */

    int csize_shift;
    uint64_t csize_mask;
    uint64_t cluster_offset_mask;

    Qcow2Cache *l2_cache;
    Qcow2Cache *rc_cache;
    int64_t free_cluster_index;
    int64_t free_byte_offset;

    int nb_snapshots;
    Qcow2Snapshot *snapshots;
    int64_t snapshots_offset;
    uint64_t snapshots_size;    /* bytes, as laid out */

    bool write_prepared;        /* dirty bit / autoclear done */
    bool corrupt_logged;
    bool data_written;          /* data since the last L2 write-back */
    bool quiet_check;           /* repair on open: no messages */

    uint8_t *cluster_cache;     /* one decompressed cluster */
    int64_t cluster_cache_offset;
    uint8_t *cluster_data;      /* compressed bytes scratch */
} BDRVQcow2State;

static inline int64_t qcow2_offset_into_cluster(BDRVQcow2State *s,
                                                int64_t offset)
{
    return offset & (s->cluster_size - 1);
}

static inline int64_t qcow2_start_of_cluster(BDRVQcow2State *s,
                                             int64_t offset)
{
    return offset & ~(int64_t)(s->cluster_size - 1);
}

static inline int64_t qcow2_size_to_clusters(BDRVQcow2State *s,
                                             int64_t size)
{
    return (size + s->cluster_size - 1) >> s->cluster_bits;
}

static inline int64_t qcow2_size_to_l1(BDRVQcow2State *s, int64_t size)
{
    int shift = s->cluster_bits + s->l2_bits;

    return (size + (1LL << shift) - 1) >> shift;
}

static inline bool qcow2_lazy(BDRVQcow2State *s)
{
    return s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS;
}

Qcow2ClusterType qcow2_cluster_type(uint64_t l2_entry);

/* qcow2.c */
int qcow2_update_header(BlockDriverState *bs);
int qcow2_signal_corruption(BlockDriverState *bs, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
int qcow2_prepare_write(BlockDriverState *bs);
int qcow2_write_l1_entry(BlockDriverState *bs, int index);
int qcow2_grow_l1_table(BlockDriverState *bs, uint64_t min_size);
int qcow2_flush_caches(BlockDriverState *bs);

/* qcow2-refcount.c: caches */
Qcow2Cache *qcow2_cache_create(const char *name, int size, int table_size);
void qcow2_cache_destroy(Qcow2Cache *c);
int qcow2_cache_get(BlockDriverState *bs, Qcow2Cache *c, int64_t offset,
                    void **table);
int qcow2_cache_get_empty(BlockDriverState *bs, Qcow2Cache *c,
                          int64_t offset, void **table);
void qcow2_cache_put(Qcow2Cache *c, void **table);
void qcow2_cache_mark_dirty(Qcow2Cache *c, void *table);
int qcow2_cache_flush(BlockDriverState *bs, Qcow2Cache *c);
int qcow2_cache_set_dependency(BlockDriverState *bs, Qcow2Cache *c,
                               Qcow2Cache *dependency);
void qcow2_cache_depends_on_flush(Qcow2Cache *c);
void qcow2_cache_discard(Qcow2Cache *c, int64_t offset);
void qcow2_cache_drop_all(Qcow2Cache *c);

/* qcow2-refcount.c: refcounts and allocation */
uint64_t qcow2_rc_get(BDRVQcow2State *s, const void *block, uint64_t i);
void qcow2_rc_set(BDRVQcow2State *s, void *block, uint64_t i, uint64_t v);
int qcow2_refcount_init(BlockDriverState *bs, GError **errp);
void qcow2_refcount_close(BlockDriverState *bs);
int qcow2_get_refcount(BlockDriverState *bs, int64_t cluster,
                       uint64_t *refcount);
int qcow2_update_refcount(BlockDriverState *bs, int64_t offset,
                          int64_t length, int64_t addend);
int64_t qcow2_alloc_clusters(BlockDriverState *bs, int64_t nb_clusters);
int64_t qcow2_alloc_bytes(BlockDriverState *bs, int size);
void qcow2_free_clusters(BlockDriverState *bs, int64_t offset,
                         int64_t length);
void qcow2_free_any_cluster(BlockDriverState *bs, uint64_t l2_entry);
void qcow2_compressed_range(BDRVQcow2State *s, uint64_t l2_entry,
                            uint64_t *coffset, int *csize);
int qcow2_check_overlap(BlockDriverState *bs, int64_t offset,
                        int64_t size);
int qcow2_write_refcount_area(BlockDriverState *bs, const uint32_t *refs,
                              int64_t nb_clusters);

/* qcow2-cluster.c */
int qcow2_get_host_offset(BlockDriverState *bs, int64_t offset,
                          int64_t *bytes, uint64_t *host,
                          Qcow2ClusterType *type);
int qcow2_co_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                    const struct iovec *iov, int niov);
int qcow2_co_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                     const struct iovec *iov, int niov);
int qcow2_co_pwrite_compressed(BlockDriverState *bs, int64_t offset,
                               const void *buf, size_t bytes);
int qcow2_co_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes);
int qcow2_co_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                           int64_t bytes, int flags);
int qcow2_co_block_status(BlockDriverState *bs, int64_t offset,
                          int64_t bytes, int64_t *pnum, int64_t *map);
/* Unallocate whole clusters [offset, offset + bytes): reads fall through
 * to the backing file afterwards. */
int qcow2_unallocate(BlockDriverState *bs, int64_t offset, int64_t bytes);

/* qcow2-snapshot.c */
int qcow2_read_snapshots(BlockDriverState *bs, GError **errp);
void qcow2_free_snapshots(BDRVQcow2State *s);
int qcow2_update_snapshot_refcount(BlockDriverState *bs, int64_t l1_offset,
                                   int l1_size, int addend);
int qcow2_snapshot_create(BlockDriverState *bs, const char *name,
                          GError **errp);
int qcow2_snapshot_goto(BlockDriverState *bs, const char *id_or_name,
                        GError **errp);
int qcow2_snapshot_delete(BlockDriverState *bs, const char *id_or_name,
                          GError **errp);
int qcow2_snapshot_list(BlockDriverState *bs, BlockImageInfo *info);

/* qcow2-check.c */
int qcow2_check(BlockDriverState *bs, BlockCheckResult *res, int fix);

#endif /* KESTREL_BLOCK_QCOW2_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 consistency check and repair (kestrel-img check, and the repair
 * of an image left dirty by lazy refcounts).
 *
 * The check counts, in memory, every reference the metadata makes to a
 * host cluster (header, active and snapshot L1 tables, L2 tables, data
 * and compressed clusters, snapshot table, refcount table and blocks)
 * and compares with the stored refcounts, printing qemu-img's lines.
 *
 * Repair: leaks alone are fixed by lowering each refcount in place.  A
 * refcount that is too low, or a broken refcount structure, rebuilds
 * the whole structure from the computed references, written past the
 * end of the image (qcow2_write_refcount_area): the old structure then
 * simply becomes unreferenced.  COPIED flags of the active image are
 * fixed last, against the repaired refcounts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "qcow2.h"

typedef struct CheckState {
    uint32_t *refs;             /* computed references per cluster */
    int64_t nb;                 /* entries in refs */
    int64_t limit;              /* refs grows up to this many */
    BlockCheckResult *res;
    bool quiet;
    bool structure_broken;      /* a refcount block is unusable */
} CheckState;

#define CHECK_MSG(st, ...) \
    do { \
        if (!(st)->quiet) { \
            fprintf(stderr, __VA_ARGS__); \
        } \
    } while (0)

static void inc_refs(BDRVQcow2State *s, CheckState *st, int64_t offset,
                     int64_t size)
{
    if (size <= 0) {
        return;
    }
    for (int64_t c = offset >> s->cluster_bits;
         c <= (offset + size - 1) >> s->cluster_bits; c++) {
        if (c >= st->nb) {
            if (c >= st->limit) {
                CHECK_MSG(st, "ERROR: reference to cluster %" PRId64
                          " beyond the end of the image\n", c);
                st->res->corruptions++;
                return;
            }
            int64_t nb = MIN(st->limit, MAX(c + 1, st->nb * 2));
            st->refs = g_renew(uint32_t, st->refs, nb);
            memset(st->refs + st->nb, 0, (nb - st->nb) * sizeof(uint32_t));
            st->nb = nb;
        }
        if (st->refs[c] < UINT32_MAX) {
            st->refs[c]++;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Counting references                                                 */

static void count_data(BDRVQcow2State *s, CheckState *st, uint64_t e,
                       bool active, uint64_t *next)
{
    BlockCheckResult *res = st->res;
    uint64_t off = e & L2E_OFFSET_MASK, coff;
    int csize;

    switch (qcow2_cluster_type(e)) {
    case QCOW2_CLUSTER_COMPRESSED:
        if (e & QCOW_OFLAG_COPIED) {
            CHECK_MSG(st, "ERROR: coffset=0x%" PRIx64 ": copied flag must "
                      "never be set for compressed clusters\n",
                      e & s->cluster_offset_mask);
            res->corruptions++;
        }
        qcow2_compressed_range(s, e, &coff, &csize);
        inc_refs(s, st, coff, csize);
        if (active) {
            res->allocated_clusters++;
            res->compressed_clusters++;
            res->fragmented_clusters++;
        }
        break;
    case QCOW2_CLUSTER_NORMAL:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        if (qcow2_offset_into_cluster(s, off)) {
            CHECK_MSG(st, "ERROR offset=%" PRIx64 ": Cluster is not "
                      "properly aligned; L2 entry corrupted.\n", off);
            res->corruptions++;
            break;
        }
        if (active) {
            res->allocated_clusters++;
            if (*next && off != *next) {
                res->fragmented_clusters++;
            }
            *next = off + s->cluster_size;
        }
        inc_refs(s, st, off, s->cluster_size);
        break;
    default:
        break;
    }
}

static int count_l2(BlockDriverState *bs, CheckState *st, uint64_t l2off,
                    bool active)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t *l2 = g_malloc(s->cluster_size);
    uint64_t next = 0;
    int ret = bdrv_pread(bs->file, l2off, l2, s->cluster_size);

    if (ret < 0) {
        CHECK_MSG(st, "ERROR: I/O error in check_refcounts_l2\n");
        st->res->check_errors++;
    }
    for (int i = 0; ret >= 0 && i < s->l2_size; i++) {
        count_data(s, st, GUINT64_FROM_BE(l2[i]), active, &next);
    }
    g_free(l2);
    return ret;
}

static int count_l1(BlockDriverState *bs, CheckState *st, int64_t l1_off,
                    uint32_t l1_size, bool active)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t *l1 = g_new0(uint64_t, MAX(l1_size, 1));
    int ret = 0;

    inc_refs(s, st, l1_off, (int64_t)l1_size * 8);
    if (active) {
        memcpy(l1, s->l1_table, (size_t)l1_size * 8);
    } else {
        ret = bdrv_pread(bs->file, l1_off, l1, (size_t)l1_size * 8);
        for (uint32_t i = 0; i < l1_size; i++) {
            l1[i] = GUINT64_FROM_BE(l1[i]);
        }
    }
    if (ret < 0) {
        CHECK_MSG(st, "ERROR: I/O error in check_refcounts_l1\n");
        st->res->check_errors++;
    }
    for (uint32_t i = 0; ret >= 0 && i < l1_size; i++) {
        uint64_t l2off = l1[i] & L1E_OFFSET_MASK;
        if (!l2off) {
            continue;
        }
        inc_refs(s, st, l2off, s->cluster_size);
        if (qcow2_offset_into_cluster(s, l2off)) {
            CHECK_MSG(st, "ERROR l2_offset=%" PRIx64 ": Table is not "
                      "cluster aligned; L1 entry corrupted\n", l2off);
            st->res->corruptions++;
            continue;
        }
        count_l2(bs, st, l2off, active);
    }
    g_free(l1);
    return 0;
}

/* The refcount table and blocks (counted apart: a rebuild drops them). */
static void count_refcount_structure(BlockDriverState *bs, CheckState *st)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t file_cl = qcow2_size_to_clusters(s, bdrv_getlength(bs->file));

    inc_refs(s, st, s->refcount_table_offset,
             (int64_t)s->refcount_table_size * 8);
    for (uint32_t i = 0; i < s->refcount_table_size; i++) {
        uint64_t off = s->refcount_table[i] & REFT_OFFSET_MASK;
        if (!off) {
            continue;
        }
        if (qcow2_offset_into_cluster(s, off)) {
            CHECK_MSG(st, "ERROR refcount block %u is not cluster aligned; "
                      "refcount table entry corrupted\n", i);
            st->res->corruptions++;
            st->structure_broken = true;
            continue;
        }
        if ((int64_t)(off >> s->cluster_bits) >= file_cl) {
            CHECK_MSG(st, "ERROR refcount block %u is outside image\n", i);
            st->res->corruptions++;
            st->structure_broken = true;
            continue;
        }
        inc_refs(s, st, off, s->cluster_size);
    }
}

static void count_all(BlockDriverState *bs, CheckState *st, bool rc_struct)
{
    BDRVQcow2State *s = bs->opaque;

    inc_refs(s, st, 0, s->cluster_size);
    count_l1(bs, st, s->l1_table_offset, s->l1_size, true);
    for (int i = 0; i < s->nb_snapshots; i++) {
        count_l1(bs, st, s->snapshots[i].l1_table_offset,
                 s->snapshots[i].l1_size, false);
    }
    inc_refs(s, st, s->snapshots_offset, s->snapshots_size);
    if (rc_struct) {
        count_refcount_structure(bs, st);
    }
}

/* ------------------------------------------------------------------ */
/* Comparing and repairing                                             */

typedef enum CompareMode {
    CMP_COUNT,          /* count only, no messages */
    CMP_REPORT,         /* messages, no repair */
    CMP_FIX_LEAKS,      /* lower refcounts that are too high */
    CMP_REBUILD,        /* all mismatches are repaired by a rebuild */
} CompareMode;

static void compare(BlockDriverState *bs, CheckState *st, CompareMode m,
                    int64_t *highest)
{
    BDRVQcow2State *s = bs->opaque;
    BlockCheckResult *res = st->res;

    int64_t end = st->nb;

    /* Refcounts past the end of the file are leaks too. */
    for (int64_t rt = s->refcount_table_size - 1; rt >= 0; rt--) {
        if (s->refcount_table[rt]) {
            end = MAX(end, MIN(st->limit, (rt + 1) << s->refcount_block_bits));
            break;
        }
    }
    for (int64_t i = 0; i < end; i++) {
        uint64_t r1, r2 = i < st->nb ? st->refs[i] : 0;
        int ret = qcow2_get_refcount(bs, i, &r1);
        bool fixed;

        if (ret < 0) {
            if (m != CMP_COUNT) {
                CHECK_MSG(st, "ERROR: Can't get refcount for cluster %"
                          PRId64 ": %s\n", i, g_strerror(-ret));
            }
            res->check_errors++;
            continue;
        }
        if (r1 > 0 || r2 > 0) {
            *highest = i;
        }
        if (r1 == r2) {
            continue;
        }
        fixed = m == CMP_REBUILD || (m == CMP_FIX_LEAKS && r1 > r2);
        if (m != CMP_COUNT) {
            CHECK_MSG(st, "%s cluster %" PRId64 " refcount=%" PRIu64
                      " reference=%" PRIu64 "\n", fixed ? "Repairing"
                      : r1 < r2 ? "ERROR" : "Leaked", i, r1, r2);
        }
        if (fixed && m == CMP_FIX_LEAKS &&
            qcow2_update_refcount(bs, i << s->cluster_bits, 1,
                                  (int64_t)r2 - (int64_t)r1) < 0) {
            res->check_errors++;
            fixed = false;
        }
        if (fixed) {
            *(r1 < r2 ? &res->corruptions_fixed : &res->leaks_fixed) += 1;
        } else {
            *(r1 < r2 ? &res->corruptions : &res->leaks) += 1;
        }
    }
}

static int check_oflag_l2(BlockDriverState *bs, CheckState *st,
                          uint64_t l2off, bool fix)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t *l2;
    int ret = qcow2_cache_get(bs, s->l2_cache, l2off, (void **)&l2);

    for (int j = 0; ret >= 0 && j < s->l2_size; j++) {
        uint64_t e = GUINT64_FROM_BE(l2[j]), rc;
        Qcow2ClusterType t = qcow2_cluster_type(e);

        if ((t != QCOW2_CLUSTER_NORMAL && t != QCOW2_CLUSTER_ZERO_ALLOC) ||
            qcow2_offset_into_cluster(s, e & L2E_OFFSET_MASK) ||
            qcow2_get_refcount(bs, (e & L2E_OFFSET_MASK) >> s->cluster_bits,
                               &rc) < 0 ||
            (rc == 1) == !!(e & QCOW_OFLAG_COPIED)) {
            continue;
        }
        CHECK_MSG(st, "ERROR OFLAG_COPIED data cluster: l2_entry=%" PRIx64
                  " refcount=%" PRIu64 "\n", e, rc);
        if (fix) {
            e = rc == 1 ? e | QCOW_OFLAG_COPIED : e & ~QCOW_OFLAG_COPIED;
            l2[j] = GUINT64_TO_BE(e);
            qcow2_cache_mark_dirty(s->l2_cache, l2);
            st->res->corruptions_fixed++;
        } else {
            st->res->corruptions++;
        }
    }
    if (ret >= 0) {
        qcow2_cache_put(s->l2_cache, (void **)&l2);
    }
    return ret;
}

static void check_oflag_copied(BlockDriverState *bs, CheckState *st,
                               bool fix)
{
    BDRVQcow2State *s = bs->opaque;

    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t e = s->l1_table[i], l2off = e & L1E_OFFSET_MASK, rc;

        if (!l2off || qcow2_offset_into_cluster(s, l2off) ||
            qcow2_get_refcount(bs, l2off >> s->cluster_bits, &rc) < 0) {
            continue;
        }
        if ((rc == 1) != !!(e & QCOW_OFLAG_COPIED)) {
            CHECK_MSG(st, "ERROR OFLAG_COPIED L2 cluster: l1_index=%u "
                      "l1_entry=%" PRIx64 " refcount=%" PRIu64 "\n", i, e, rc);
            if (fix) {
                s->l1_table[i] = rc == 1 ? e | QCOW_OFLAG_COPIED
                                         : e & ~QCOW_OFLAG_COPIED;
                if (qcow2_write_l1_entry(bs, i) < 0) {
                    st->res->check_errors++;
                }
                st->res->corruptions_fixed++;
            } else {
                st->res->corruptions++;
            }
        }
        if (check_oflag_l2(bs, st, l2off, fix) < 0) {
            st->res->check_errors++;
        }
    }
}

static void state_init(BlockDriverState *bs, CheckState *st,
                       BlockCheckResult *res, bool quiet)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t file_cl = qcow2_size_to_clusters(s, bdrv_getlength(bs->file));

    memset(st, 0, sizeof(*st));
    st->nb = MAX(file_cl, 1);
    st->limit = MAX(file_cl * 2, file_cl + 65536);
    st->refs = g_new0(uint32_t, st->nb);
    st->res = res;
    st->quiet = quiet;
}

/* Rebuild the refcount structure from the references alone. */
static int rebuild(BlockDriverState *bs, CheckState *st)
{
    CheckState data;
    BlockCheckResult scratch = { 0 };
    int ret;

    state_init(bs, &data, &scratch, true);
    count_all(bs, &data, false);
    ret = qcow2_write_refcount_area(bs, data.refs, data.nb);
    g_free(data.refs);
    if (ret < 0) {
        CHECK_MSG(st, "ERROR: could not rebuild the refcount structure: "
                  "%s\n", g_strerror(-ret));
        st->res->check_errors++;
    }
    return ret;
}

/* Recount after a repair: what is left is what the result reports. */
static void recount(BlockDriverState *bs, BlockCheckResult *res)
{
    BlockCheckResult again = { 0 };
    CheckState st;
    int64_t highest = -1;

    state_init(bs, &st, &again, true);
    count_all(bs, &st, true);
    compare(bs, &st, CMP_COUNT, &highest);
    check_oflag_copied(bs, &st, false);
    res->corruptions = again.corruptions;
    res->leaks = again.leaks;
    res->image_end_offset = (highest + 1) * (int64_t)
        ((BDRVQcow2State *)bs->opaque)->cluster_size;
    g_free(st.refs);
}

int qcow2_check(BlockDriverState *bs, BlockCheckResult *res, int fix)
{
    BDRVQcow2State *s = bs->opaque;
    BlockCheckResult pre = { 0 };
    CheckState st;
    CompareMode m = CMP_REPORT;
    int64_t highest = -1;

    memset(res, 0, sizeof(*res));
    res->supported = true;
    if (!bs->read_only && qcow2_flush_caches(bs) < 0) {
        res->check_errors++;
    }
    state_init(bs, &st, &pre, true);
    count_all(bs, &st, true);
    compare(bs, &st, CMP_COUNT, &highest);
    if ((fix & BDRV_FIX_ERRORS) && (pre.corruptions || st.structure_broken)) {
        m = CMP_REBUILD;
    } else if ((fix & BDRV_FIX_LEAKS) && pre.leaks) {
        m = CMP_FIX_LEAKS;
    }
    g_free(st.refs);

    state_init(bs, &st, res, s->quiet_check);
    count_all(bs, &st, true);
    highest = -1;
    compare(bs, &st, m, &highest);
    if (m == CMP_REBUILD) {
        rebuild(bs, &st);
    }
    check_oflag_copied(bs, &st, fix & BDRV_FIX_ERRORS);
    res->image_end_offset = (highest + 1) * (int64_t)s->cluster_size;
    res->total_clusters = qcow2_size_to_clusters(s, s->size);
    g_free(st.refs);
    if (res->leaks_fixed || res->corruptions_fixed) {
        if (qcow2_flush_caches(bs) < 0 || bdrv_flush(bs->file) < 0) {
            res->check_errors++;
        }
        recount(bs, res);
        if (res->corruptions == 0 &&
            (s->incompat & QCOW2_INCOMPAT_CORRUPT) && !bs->read_only) {
            s->incompat &= ~QCOW2_INCOMPAT_CORRUPT;
            qcow2_update_header(bs);
            bdrv_flush(bs->file);
        }
    }
    return 0;
}

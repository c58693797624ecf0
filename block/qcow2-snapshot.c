/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 internal snapshots.
 *
 * A snapshot is a copy of the L1 table plus one more reference on every
 * L2 table and data cluster reachable from it; COPIED flags (refcount
 * is 1) are recomputed after each change so writes know what they may
 * overwrite in place.  The table entry layout is QEMU's, including the
 * v3 extra data (large VM state size, disk size, icount); extra data we
 * do not know is kept.
 *
 * Crash ordering: references are added before anything points at them
 * and dropped only after nothing does, with the caches and the file
 * flushed between the stages, so an interrupted operation leaks at
 * worst.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qcow2.h"

#define SN_HEADER_SIZE  40
#define SN_EXTRA_KNOWN  24

static uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static uint64_t rd64(const uint8_t *p)
{
    return ((uint64_t)rd32(p) << 32) | rd32(p + 4);
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, v >> 16);
    wr16(p + 2, v);
}

static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, v >> 32);
    wr32(p + 4, v);
}

void qcow2_free_snapshots(BDRVQcow2State *s)
{
    for (int i = 0; i < s->nb_snapshots && s->snapshots; i++) {
        g_free(s->snapshots[i].id_str);
        g_free(s->snapshots[i].name);
        g_free(s->snapshots[i].unknown_extra);
    }
    g_free(s->snapshots);
    s->snapshots = NULL;
}

/* ------------------------------------------------------------------ */
/* Reading the table                                                   */

#define SN_ERR(...) \
    (g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL, __VA_ARGS__), \
     -EINVAL)

static void parse_extra(BDRVQcow2State *s, Qcow2Snapshot *sn,
                        const uint8_t *x, uint32_t len)
{
    sn->disk_size = s->size;
    sn->icount = UINT64_MAX;
    if (len >= 8) {
        sn->vm_state_size = rd64(x);
    }
    if (len >= 16) {
        sn->disk_size = rd64(x + 8);
    }
    if (len >= 24) {
        sn->icount = rd64(x + 16);
    }
    if (len > SN_EXTRA_KNOWN) {
        sn->unknown_extra_size = len - SN_EXTRA_KNOWN;
        sn->unknown_extra = g_memdup2(x + SN_EXTRA_KNOWN,
                                      sn->unknown_extra_size);
    }
}

static int check_sn_l1(BlockDriverState *bs, Qcow2Snapshot *sn,
                       int64_t file_len, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bytes = (uint64_t)sn->l1_size * 8;

    if (bytes > QCOW2_MAX_L1_BYTES) {
        return SN_ERR("%s: snapshot L1 table is too large", bs->filename);
    }
    if (qcow2_offset_into_cluster(s, sn->l1_table_offset) ||
        (bytes && (sn->l1_table_offset == 0 ||
                   sn->l1_table_offset + bytes > (uint64_t)file_len))) {
        return SN_ERR("%s: snapshot L1 table offset %#" PRIx64 " is invalid",
                      bs->filename, sn->l1_table_offset);
    }
    return 0;
}

/* Read entry i at *off; advances *off past it. */
static int read_one(BlockDriverState *bs, Qcow2Snapshot *sn, uint64_t *off,
                    int64_t file_len, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t h[SN_HEADER_SIZE];
    uint8_t *buf;
    uint32_t extra, id_len, name_len;
    int ret;

    if (*off + SN_HEADER_SIZE > (uint64_t)file_len) {
        return SN_ERR("%s: snapshot table is past the end of the file",
                      bs->filename);
    }
    ret = bdrv_pread(bs->file, *off, h, sizeof(h));
    if (ret < 0) {
        return SN_ERR("%s: cannot read the snapshot table", bs->filename);
    }
    sn->l1_table_offset = rd64(h);
    sn->l1_size = rd32(h + 8);
    id_len = (h[12] << 8) | h[13];
    name_len = (h[14] << 8) | h[15];
    sn->date_sec = rd32(h + 16);
    sn->date_nsec = rd32(h + 20);
    sn->vm_clock_nsec = rd64(h + 24);
    sn->vm_state_size = rd32(h + 32);
    extra = rd32(h + 36);
    if (extra > QCOW2_MAX_SNAPSHOT_EXTRA) {
        return SN_ERR("%s: snapshot extra data is too large", bs->filename);
    }
    sn->extra_data_size = extra;
    *off += SN_HEADER_SIZE;
    if (*off + extra + id_len + name_len > (uint64_t)file_len) {
        return SN_ERR("%s: snapshot table is past the end of the file",
                      bs->filename);
    }
    buf = g_malloc(extra + id_len + name_len + 1);
    ret = bdrv_pread(bs->file, *off, buf, extra + id_len + name_len);
    if (ret >= 0) {
        parse_extra(s, sn, buf, extra);
        sn->id_str = g_strndup((char *)buf + extra, id_len);
        sn->name = g_strndup((char *)buf + extra + id_len, name_len);
    }
    g_free(buf);
    if (ret < 0) {
        return SN_ERR("%s: cannot read the snapshot table", bs->filename);
    }
    *off = (*off + extra + id_len + name_len + 7) & ~7ULL;
    return check_sn_l1(bs, sn, file_len, errp);
}

int qcow2_read_snapshots(BlockDriverState *bs, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t file_len = bdrv_getlength(bs->file);
    uint64_t off = s->snapshots_offset;
    int ret;

    s->snapshots_size = 0;
    if (s->nb_snapshots == 0) {
        s->snapshots_offset = 0;
        return 0;
    }
    if (s->nb_snapshots < 0 || s->nb_snapshots > QCOW2_MAX_SNAPSHOTS) {
        int n = s->nb_snapshots;
        s->nb_snapshots = 0;
        return SN_ERR("%s: too many snapshots (%u)", bs->filename,
                      (unsigned)n);
    }
    if (qcow2_offset_into_cluster(s, off) || off == 0) {
        s->nb_snapshots = 0;
        return SN_ERR("%s: snapshot table offset %#" PRIx64 " is invalid",
                      bs->filename, off);
    }
    s->snapshots = g_new0(Qcow2Snapshot, s->nb_snapshots);
    for (int i = 0; i < s->nb_snapshots; i++) {
        ret = read_one(bs, &s->snapshots[i], &off, file_len, errp);
        if (ret >= 0 && off - s->snapshots_offset > QCOW2_MAX_SNAPSHOT_TABLE) {
            ret = SN_ERR("%s: snapshot table is too large", bs->filename);
        }
        if (ret < 0) {
            return ret;
        }
    }
    s->snapshots_size = off - s->snapshots_offset;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Writing the table                                                   */

static GByteArray *serialize_table(BDRVQcow2State *s)
{
    GByteArray *b = g_byte_array_new();
    static const uint8_t pad[8];

    for (int i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        uint8_t h[SN_HEADER_SIZE + SN_EXTRA_KNOWN];
        size_t id_len = strlen(sn->id_str), name_len = strlen(sn->name);

        wr64(h, sn->l1_table_offset);
        wr32(h + 8, sn->l1_size);
        wr16(h + 12, id_len);
        wr16(h + 14, name_len);
        wr32(h + 16, sn->date_sec);
        wr32(h + 20, sn->date_nsec);
        wr64(h + 24, sn->vm_clock_nsec);
        wr32(h + 32, sn->vm_state_size);
        wr32(h + 36, SN_EXTRA_KNOWN + sn->unknown_extra_size);
        wr64(h + 40, sn->vm_state_size);
        wr64(h + 48, sn->disk_size);
        wr64(h + 56, sn->icount);
        g_byte_array_append(b, h, sizeof(h));
        if (sn->unknown_extra_size) {
            g_byte_array_append(b, sn->unknown_extra,
                                sn->unknown_extra_size);
        }
        g_byte_array_append(b, (uint8_t *)sn->id_str, id_len);
        g_byte_array_append(b, (uint8_t *)sn->name, name_len);
        g_byte_array_append(b, pad, (8 - (b->len & 7)) & 7);
    }
    return b;
}

/* Write the in-memory table to new clusters, switch the header to it,
 * free the old one. */
static int write_snapshots(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    GByteArray *b = serialize_table(s);
    int64_t old_off = s->snapshots_offset, old_size = s->snapshots_size;
    int64_t off = 0;
    int ret = 0;

    if (b->len) {
        off = qcow2_alloc_clusters(bs, qcow2_size_to_clusters(s, b->len));
        ret = off < 0 ? off : qcow2_check_overlap(bs, off, b->len);
        if (ret >= 0) {
            ret = bdrv_pwrite(bs->file, off, b->data, b->len);
        }
    }
    if (ret >= 0) {
        ret = qcow2_flush_caches(bs);
    }
    if (ret >= 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret >= 0) {
        s->snapshots_offset = off;
        s->snapshots_size = b->len;
        ret = qcow2_update_header(bs);
    }
    if (ret >= 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret >= 0 && old_size) {
        qcow2_free_clusters(bs, old_off, old_size);
    }
    g_byte_array_free(b, TRUE);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Refcounts of a whole tree                                           */

static int update_l2_refcounts(BlockDriverState *bs, int64_t l2off,
                               int addend)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t *l2 = NULL;        /* a failed get leaves it untouched */
    int ret = qcow2_cache_get(bs, s->l2_cache, l2off, (void **)&l2);

    for (int j = 0; ret >= 0 && j < s->l2_size; j++) {
        uint64_t e = GUINT64_FROM_BE(l2[j]), ne = e, rc = 0, coff;
        Qcow2ClusterType t = qcow2_cluster_type(e);
        int csize;

        if (t == QCOW2_CLUSTER_COMPRESSED) {
            qcow2_compressed_range(s, e, &coff, &csize);
            ret = qcow2_update_refcount(bs, coff, csize, addend);
            continue;
        }
        if (t != QCOW2_CLUSTER_NORMAL && t != QCOW2_CLUSTER_ZERO_ALLOC) {
            continue;
        }
        ret = qcow2_update_refcount(bs, e & L2E_OFFSET_MASK,
                                    s->cluster_size, addend);
        if (ret >= 0) {
            ret = qcow2_get_refcount(bs, (e & L2E_OFFSET_MASK) >>
                                     s->cluster_bits, &rc);
        }
        ne = rc == 1 ? e | QCOW_OFLAG_COPIED : e & ~QCOW_OFLAG_COPIED;
        if (ret >= 0 && ne != e) {
            l2[j] = GUINT64_TO_BE(ne);
            qcow2_cache_mark_dirty(s->l2_cache, l2);
        }
    }
    if (l2) {
        qcow2_cache_put(s->l2_cache, (void **)&l2);
    }
    return ret;
}

/*
 * Add addend to the refcount of everything l1 reaches and recompute the
 * COPIED flags (in the L2 tables and in l1).  *modified: l1 changed.
 */
static int update_tree(BlockDriverState *bs, uint64_t *l1, uint32_t l1_size,
                       int addend, bool *modified)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = 0;

    *modified = false;
    for (uint32_t i = 0; i < l1_size && ret >= 0; i++) {
        uint64_t l2off = l1[i] & L1E_OFFSET_MASK, rc = 0, ne;

        if (!l2off) {
            continue;
        }
        if (qcow2_offset_into_cluster(s, l2off)) {
            return qcow2_signal_corruption(bs, "L2 table offset %#" PRIx64
                                           " unaligned", l2off);
        }
        ret = update_l2_refcounts(bs, l2off, addend);
        if (ret >= 0) {
            ret = qcow2_update_refcount(bs, l2off, s->cluster_size, addend);
        }
        if (ret >= 0) {
            ret = qcow2_get_refcount(bs, l2off >> s->cluster_bits, &rc);
        }
        ne = rc == 1 ? l1[i] | QCOW_OFLAG_COPIED : l1[i] & ~QCOW_OFLAG_COPIED;
        if (ret >= 0 && ne != l1[i]) {
            l1[i] = ne;
            *modified = true;
        }
    }
    return ret;
}

static int write_l1(BlockDriverState *bs, int64_t off, const uint64_t *l1,
                    uint32_t size)
{
    uint64_t *be = g_new(uint64_t, MAX(size, 1));
    int ret;

    for (uint32_t i = 0; i < size; i++) {
        be[i] = GUINT64_TO_BE(l1[i]);
    }
    ret = bdrv_pwrite(bs->file, off, be, (size_t)size * 8);
    g_free(be);
    return ret;
}

static int read_l1(BlockDriverState *bs, int64_t off, uint32_t size,
                   uint64_t **l1)
{
    int ret;

    *l1 = g_new0(uint64_t, MAX(size, 1));
    ret = bdrv_pread(bs->file, off, *l1, (size_t)size * 8);
    for (uint32_t i = 0; i < size; i++) {
        (*l1)[i] = GUINT64_FROM_BE((*l1)[i]);
    }
    return ret;
}

/* Update a tree and write its L1 back if flags changed (and it may). */
static int update_and_write(BlockDriverState *bs, uint64_t *l1,
                            uint32_t size, int64_t l1_off, int addend)
{
    bool modified;
    int ret = update_tree(bs, l1, size, addend, &modified);

    if (ret >= 0 && modified && l1_off) {
        ret = qcow2_flush_caches(bs);
        if (ret >= 0) {
            ret = bdrv_flush(bs->file);
        }
        if (ret >= 0) {
            ret = write_l1(bs, l1_off, l1, size);
        }
    }
    return ret;
}

int qcow2_update_snapshot_refcount(BlockDriverState *bs, int64_t l1_offset,
                                   int l1_size, int addend)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t *l1;
    int ret;

    if (l1_offset == s->l1_table_offset) {
        return update_and_write(bs, s->l1_table, s->l1_size, l1_offset,
                                addend);
    }
    ret = read_l1(bs, l1_offset, l1_size, &l1);
    if (ret >= 0) {
        ret = update_and_write(bs, l1, l1_size, 0, addend);
    }
    g_free(l1);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Create, goto, delete, list                                          */

static int find_snapshot(BDRVQcow2State *s, const char *id_or_name)
{
    for (int i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].id_str, id_or_name)) {
            return i;
        }
    }
    for (int i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].name, id_or_name)) {
            return i;
        }
    }
    return -1;
}

static char *new_snapshot_id(BDRVQcow2State *s)
{
    unsigned long max = 0;

    for (int i = 0; i < s->nb_snapshots; i++) {
        unsigned long id = strtoul(s->snapshots[i].id_str, NULL, 10);
        max = MAX(max, id);
    }
    return g_strdup_printf("%lu", max + 1);
}

static int sn_fail(BlockDriverState *bs, int ret, const char *what,
                   GError **errp)
{
    g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: could not %s: %s",
                bs->filename, what, g_strerror(-ret));
    return ret;
}

/* Copy the active L1 (COPIED flags cleared) to new clusters. */
static int64_t copy_active_l1(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t *copy;
    int64_t off;
    int ret;

    if (!s->l1_size) {
        return 0;
    }
    off = qcow2_alloc_clusters(bs, qcow2_size_to_clusters(
                                   s, (int64_t)s->l1_size * 8));
    if (off < 0) {
        return off;
    }
    copy = g_new(uint64_t, s->l1_size);
    for (uint32_t i = 0; i < s->l1_size; i++) {
        copy[i] = s->l1_table[i] & ~QCOW_OFLAG_COPIED;
    }
    ret = qcow2_check_overlap(bs, off, (int64_t)s->l1_size * 8);
    if (ret >= 0) {
        ret = write_l1(bs, off, copy, s->l1_size);
    }
    g_free(copy);
    if (ret < 0) {
        qcow2_free_clusters(bs, off, (int64_t)s->l1_size * 8);
        return ret;
    }
    return off;
}

int qcow2_snapshot_create(BlockDriverState *bs, const char *name,
                          GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2Snapshot sn = { 0 };
    gint64 now = g_get_real_time();
    int64_t l1_off;
    int ret = qcow2_prepare_write(bs);

    if (ret < 0) {
        return sn_fail(bs, ret, "create the snapshot", errp);
    }
    if (s->nb_snapshots >= QCOW2_MAX_SNAPSHOTS) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
                    "%s: too many snapshots", bs->filename);
        return -EFBIG;
    }
    l1_off = copy_active_l1(bs);
    if (l1_off < 0) {
        return sn_fail(bs, l1_off, "create the snapshot", errp);
    }
    ret = qcow2_update_snapshot_refcount(bs, s->l1_table_offset, s->l1_size,
                                         1);
    if (ret < 0) {
        return sn_fail(bs, ret, "create the snapshot", errp);
    }
    sn.l1_table_offset = l1_off;
    sn.l1_size = s->l1_size;
    sn.id_str = new_snapshot_id(s);
    sn.name = g_strdup(name);
    sn.disk_size = s->size;
    sn.date_sec = now / G_USEC_PER_SEC;
    sn.date_nsec = (now % G_USEC_PER_SEC) * 1000;
    sn.icount = 0;              /* what qemu-img records for disk-only */
    sn.extra_data_size = SN_EXTRA_KNOWN;
    s->snapshots = g_renew(Qcow2Snapshot, s->snapshots, s->nb_snapshots + 1);
    s->snapshots[s->nb_snapshots++] = sn;
    ret = write_snapshots(bs);
    if (ret < 0) {
        return sn_fail(bs, ret, "write the snapshot table", errp);
    }
    return 0;
}

int qcow2_snapshot_goto(BlockDriverState *bs, const char *id_or_name,
                        GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int i = find_snapshot(s, id_or_name);
    uint64_t *sn_l1 = NULL, *old_l1;
    uint32_t old_size = s->l1_size;
    Qcow2Snapshot *sn;
    bool modified;
    int ret;

    if (i < 0) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "%s: no snapshot with id or name '%s'", bs->filename,
                    id_or_name);
        return -ENOENT;
    }
    sn = &s->snapshots[i];
    ret = qcow2_prepare_write(bs);
    if (ret >= 0 && sn->l1_size > s->l1_size) {
        ret = qcow2_grow_l1_table(bs, sn->l1_size);
        old_size = s->l1_size;
    }
    if (ret >= 0) {
        ret = read_l1(bs, sn->l1_table_offset, sn->l1_size, &sn_l1);
    }
    /* 1. the snapshot's tree gains the active image's reference */
    if (ret >= 0) {
        ret = update_tree(bs, sn_l1, sn->l1_size, 1, &modified);
    }
    if (ret >= 0 && (ret = qcow2_flush_caches(bs)) >= 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        g_free(sn_l1);
        return sn_fail(bs, ret, "revert to the snapshot", errp);
    }
    /* 2. the active L1 becomes the snapshot's */
    old_l1 = s->l1_table;
    s->l1_table = g_new0(uint64_t, old_size);
    memcpy(s->l1_table, sn_l1, (size_t)sn->l1_size * 8);
    g_free(sn_l1);
    ret = write_l1(bs, s->l1_table_offset, s->l1_table, s->l1_size);
    if (ret >= 0) {
        ret = bdrv_flush(bs->file);
    }
    /* 3. the old tree loses it; 4. flags follow the new refcounts */
    if (ret >= 0) {
        ret = update_tree(bs, old_l1, old_size, -1, &modified);
    }
    g_free(old_l1);
    if (ret >= 0) {
        ret = update_and_write(bs, s->l1_table, s->l1_size,
                               s->l1_table_offset, 0);
    }
    if (ret >= 0 && s->version >= 3 && (int64_t)sn->disk_size != s->size) {
        s->size = sn->disk_size;
        ret = qcow2_update_header(bs);
    }
    if (ret >= 0) {
        ret = bdrv_flush(bs);
    }
    return ret < 0 ? sn_fail(bs, ret, "revert to the snapshot", errp) : 0;
}

int qcow2_snapshot_delete(BlockDriverState *bs, const char *id_or_name,
                          GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int i = find_snapshot(s, id_or_name);
    Qcow2Snapshot sn;
    int ret;

    if (i < 0) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "%s: no snapshot with id or name '%s'", bs->filename,
                    id_or_name);
        return -ENOENT;
    }
    ret = qcow2_prepare_write(bs);
    if (ret < 0) {
        return sn_fail(bs, ret, "delete the snapshot", errp);
    }
    sn = s->snapshots[i];
    memmove(&s->snapshots[i], &s->snapshots[i + 1],
            (s->nb_snapshots - i - 1) * sizeof(sn));
    s->nb_snapshots--;
    ret = write_snapshots(bs);
    if (ret >= 0) {
        ret = qcow2_update_snapshot_refcount(bs, sn.l1_table_offset,
                                             sn.l1_size, -1);
    }
    if (ret >= 0) {
        qcow2_free_clusters(bs, sn.l1_table_offset, (int64_t)sn.l1_size * 8);
        ret = qcow2_update_snapshot_refcount(bs, s->l1_table_offset,
                                             s->l1_size, 0);
    }
    if (ret >= 0) {
        ret = bdrv_flush(bs);
    }
    g_free(sn.id_str);
    g_free(sn.name);
    g_free(sn.unknown_extra);
    return ret < 0 ? sn_fail(bs, ret, "delete the snapshot", errp) : 0;
}

int qcow2_snapshot_list(BlockDriverState *bs, BlockImageInfo *info)
{
    BDRVQcow2State *s = bs->opaque;

    info->nb_snapshots = s->nb_snapshots;
    info->snapshots = g_new0(BlockSnapshotInfo, MAX(s->nb_snapshots, 1));
    for (int i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        BlockSnapshotInfo *o = &info->snapshots[i];

        o->id = g_strdup(sn->id_str);
        o->name = g_strdup(sn->name);
        o->vm_state_size = sn->vm_state_size;
        o->date_sec = sn->date_sec;
        o->date_nsec = sn->date_nsec;
        o->vm_clock_nsec = sn->vm_clock_nsec;
        o->icount = sn->icount;
    }
    return 0;
}

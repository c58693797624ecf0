/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 cluster mapping and I/O: reads, allocating writes with
 * copy-on-write, compressed clusters, zero clusters, discard.
 *
 * A request is cut at L2-table boundaries and, inside one table, into
 * runs of clusters that are handled alike: contiguous in-place clusters
 * (NORMAL with COPIED: refcount 1) become one host write; a run that
 * needs new clusters gets one contiguous allocation and one host write
 * of [COW head][guest data][COW tail], the head and tail read from what
 * the clusters held before (backing file, zeroes, compressed data, or a
 * shared cluster).
 *
 * Order of an allocating write: refcounts (cache) -> data (host write)
 * -> L2 entries (cache, written back after the refcounts and a file
 * flush) -> refcounts of the clusters it replaced dropped (written back
 * after the L2 tables).  A new or copied L2 table is written and flushed
 * before the L1 entry that points at it.
 */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "qcow2.h"

/* ------------------------------------------------------------------ */
/* Finding L2 tables                                                   */

static uint64_t l2_get(const uint64_t *l2, int i)
{
    return GUINT64_FROM_BE(l2[i]);
}

static void l2_set(uint64_t *l2, int i, uint64_t v)
{
    l2[i] = GUINT64_TO_BE(v);
}

/* The L2 table offset of l1 index i (0: none), or -EIO if corrupt. */
static int64_t l2_offset(BlockDriverState *bs, uint64_t i)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off;

    if (i >= s->l1_size) {
        return 0;
    }
    off = s->l1_table[i] & L1E_OFFSET_MASK;
    if (off && (qcow2_offset_into_cluster(s, off) ||
                off < (uint64_t)s->cluster_size)) {
        return qcow2_signal_corruption(bs, "L2 table offset %#" PRIx64
                                       " unaligned (L1 index: %#" PRIx64
                                       ")", off, i);
    }
    return off;
}

/*
 * Make L1 entry i point at an L2 table of our own (refcount 1), copying
 * a shared one or creating an empty one; returns it from the cache.
 */
static int l2_for_write(BlockDriverState *bs, uint64_t i, uint64_t **l2)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t old = l2_offset(bs, i), new;
    void *src = NULL, *dst;
    int ret;

    if (old < 0 || i >= s->l1_size) {
        return old < 0 ? old : -EIO;
    }
    if (old && (s->l1_table[i] & QCOW_OFLAG_COPIED)) {
        return qcow2_cache_get(bs, s->l2_cache, old, (void **)l2);
    }
    new = qcow2_alloc_clusters(bs, 1);
    if (new < 0) {
        return new;
    }
    if (old && (ret = qcow2_cache_get(bs, s->l2_cache, old, &src)) < 0) {
        goto fail;
    }
    ret = qcow2_cache_get_empty(bs, s->l2_cache, new, &dst);
    if (ret < 0) {
        goto fail;
    }
    if (src) {
        memcpy(dst, src, s->cluster_size);
        qcow2_cache_put(s->l2_cache, &src);
    } else {
        memset(dst, 0, s->cluster_size);
    }
    if (!qcow2_lazy(s)) {
        qcow2_cache_set_dependency(bs, s->l2_cache, s->rc_cache);
    }
    qcow2_cache_mark_dirty(s->l2_cache, dst);
    ret = qcow2_cache_flush(bs, s->l2_cache);
    if (ret >= 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret >= 0) {
        uint64_t saved = s->l1_table[i];
        s->l1_table[i] = new | QCOW_OFLAG_COPIED;
        ret = qcow2_write_l1_entry(bs, i);
        if (ret < 0) {
            s->l1_table[i] = saved;
        }
    }
    if (ret < 0) {
        qcow2_cache_put(s->l2_cache, &dst);
        goto fail;
    }
    if (old) {
        qcow2_free_clusters(bs, old, s->cluster_size);
    }
    *l2 = dst;
    return 0;

fail:
    if (src) {
        qcow2_cache_put(s->l2_cache, &src);
    }
    qcow2_free_clusters(bs, new, s->cluster_size);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Mapping                                                             */

static bool same_run(BDRVQcow2State *s, Qcow2ClusterType t, uint64_t first,
                     uint64_t e, int n)
{
    if (qcow2_cluster_type(e) != t) {
        return false;
    }
    switch (t) {
    case QCOW2_CLUSTER_NORMAL:
    case QCOW2_CLUSTER_ZERO_ALLOC:
        return (e & L2E_OFFSET_MASK) ==
               (first & L2E_OFFSET_MASK) + ((uint64_t)n << s->cluster_bits);
    case QCOW2_CLUSTER_COMPRESSED:
        return false;
    default:
        return true;
    }
}

int qcow2_get_host_offset(BlockDriverState *bs, int64_t offset,
                          int64_t *bytes, uint64_t *host,
                          Qcow2ClusterType *type)
{
    BDRVQcow2State *s = bs->opaque;
    int l2_index = (offset >> s->cluster_bits) & (s->l2_size - 1);
    int64_t in_cluster = qcow2_offset_into_cluster(s, offset);
    int64_t max = MIN(*bytes, ((int64_t)(s->l2_size - l2_index)
                               << s->cluster_bits) - in_cluster);
    int64_t l2off = l2_offset(bs, offset >> (s->cluster_bits + s->l2_bits));
    uint64_t *l2, e;
    int n = 1, ret;

    *host = 0;
    *type = QCOW2_CLUSTER_UNALLOCATED;
    *bytes = max;
    if (l2off <= 0) {
        return l2off;
    }
    ret = qcow2_cache_get(bs, s->l2_cache, l2off, (void **)&l2);
    if (ret < 0) {
        return ret;
    }
    e = l2_get(l2, l2_index);
    *type = qcow2_cluster_type(e);
    while (((int64_t)n << s->cluster_bits) - in_cluster < max &&
           same_run(s, *type, e, l2_get(l2, l2_index + n), n)) {
        n++;
    }
    qcow2_cache_put(s->l2_cache, (void **)&l2);
    *bytes = MIN(max, ((int64_t)n << s->cluster_bits) - in_cluster);
    if (*type == QCOW2_CLUSTER_COMPRESSED) {
        *host = e;
    } else if (*type == QCOW2_CLUSTER_NORMAL ||
               *type == QCOW2_CLUSTER_ZERO_ALLOC) {
        *host = (e & L2E_OFFSET_MASK) + in_cluster;
        if (qcow2_offset_into_cluster(s, e & L2E_OFFSET_MASK)) {
            return qcow2_signal_corruption(bs, "cluster allocation offset %#"
                                           PRIx64 " unaligned (guest offset"
                                           " %#" PRIx64 ")",
                                           e & L2E_OFFSET_MASK,
                                           (uint64_t)offset);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

static int read_backing(BlockDriverState *bs, int64_t offset, int64_t bytes,
                        const struct iovec *iov, int niov)
{
    int64_t blen = bs->backing ? bdrv_getlength(bs->backing) : 0;
    int64_t n = offset < blen ? MIN(bytes, blen - offset) : 0;
    int ret = 0;

    if (blen < 0) {
        return blen;
    }
    if (n > 0) {
        struct iovec *sub = g_new(struct iovec, niov);
        int k = iov_slice(iov, niov, 0, n, sub, niov);
        ret = bdrv_preadv(bs->backing, offset, sub, k);
        g_free(sub);
    }
    if (ret >= 0 && n < bytes) {
        iov_memset(iov, niov, n, 0, bytes - n);
    }
    return ret;
}

static int decompress_cluster(BlockDriverState *bs, uint64_t l2_entry)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t coffset;
    int csize, ret;
    z_stream z = { 0 };

    qcow2_compressed_range(s, l2_entry, &coffset, &csize);
    if (s->cluster_cache_offset == (int64_t)coffset) {
        return 0;
    }
    ret = bdrv_pread(bs->file, coffset, s->cluster_data, csize);
    if (ret < 0) {
        return ret;
    }
    if (inflateInit2(&z, -12) != Z_OK) {
        return -ENOMEM;
    }
    z.next_in = s->cluster_data;
    z.avail_in = csize;
    z.next_out = s->cluster_cache;
    z.avail_out = s->cluster_size;
    ret = inflate(&z, Z_FINISH);
    inflateEnd(&z);
    if ((ret != Z_STREAM_END && ret != Z_BUF_ERROR) || z.avail_out != 0) {
        s->cluster_cache_offset = -1;
        bdrv_log_error(bs, "compressed cluster at %#" PRIx64 " is corrupt",
                       coffset);
        return -EIO;
    }
    s->cluster_cache_offset = coffset;
    return 0;
}

int qcow2_co_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                    const struct iovec *iov, int niov)
{
    BDRVQcow2State *s = bs->opaque;
    struct iovec *sub = g_new(struct iovec, niov);
    int64_t done = 0;
    int ret = 0;

    while (done < bytes && ret >= 0) {
        int64_t n = bytes - done;
        uint64_t host;
        Qcow2ClusterType type;
        int k;

        ret = qcow2_get_host_offset(bs, offset + done, &n, &host, &type);
        if (ret < 0) {
            break;
        }
        k = iov_slice(iov, niov, done, n, sub, niov);
        switch (type) {
        case QCOW2_CLUSTER_UNALLOCATED:
            ret = read_backing(bs, offset + done, n, sub, k);
            break;
        case QCOW2_CLUSTER_ZERO_PLAIN:
        case QCOW2_CLUSTER_ZERO_ALLOC:
            iov_memset(sub, k, 0, 0, n);
            break;
        case QCOW2_CLUSTER_COMPRESSED:
            ret = decompress_cluster(bs, host);
            if (ret >= 0) {
                iov_from_buf(sub, k, 0, s->cluster_cache +
                             qcow2_offset_into_cluster(s, offset + done), n);
            }
            break;
        case QCOW2_CLUSTER_NORMAL:
            ret = bdrv_preadv(bs->file, host, sub, k);
            break;
        }
        done += n;
    }
    g_free(sub);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */

static bool in_place(uint64_t e)
{
    return qcow2_cluster_type(e) == QCOW2_CLUSTER_NORMAL &&
           (e & QCOW_OFLAG_COPIED);
}

/* Read what [offset, offset + bytes) holds now, for copy-on-write. */
static int read_old(BlockDriverState *bs, int64_t offset, int64_t bytes,
                    uint8_t *buf)
{
    struct iovec iov = { buf, bytes };

    return bytes ? qcow2_co_preadv(bs, offset, bytes, &iov, 1) : 0;
}

/* Point k L2 entries from guest offset at new host clusters and drop
 * the clusters they pointed at before. */
static int link_l2(BlockDriverState *bs, int64_t offset, int k,
                   uint64_t host)
{
    BDRVQcow2State *s = bs->opaque;
    int l2_index = (offset >> s->cluster_bits) & (s->l2_size - 1);
    uint64_t *l2, *old = g_new(uint64_t, k);
    int ret = l2_for_write(bs, offset >> (s->cluster_bits + s->l2_bits), &l2);

    if (ret < 0) {
        g_free(old);
        return ret;
    }
    if (!qcow2_lazy(s)) {
        qcow2_cache_set_dependency(bs, s->l2_cache, s->rc_cache);
    }
    qcow2_cache_depends_on_flush(s->l2_cache);
    for (int i = 0; i < k; i++) {
        old[i] = l2_get(l2, l2_index + i);
        l2_set(l2, l2_index + i, (host + ((uint64_t)i << s->cluster_bits)) |
               QCOW_OFLAG_COPIED);
    }
    qcow2_cache_mark_dirty(s->l2_cache, l2);
    qcow2_cache_put(s->l2_cache, (void **)&l2);
    for (int i = 0; i < k; i++) {
        qcow2_free_any_cluster(bs, old[i]);
    }
    g_free(old);
    return 0;
}

static int alloc_write(BlockDriverState *bs, int64_t offset, int64_t n,
                       int k, const struct iovec *iov, int niov,
                       int64_t iov_off)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t start = qcow2_start_of_cluster(s, offset);
    int64_t head = offset - start;
    int64_t tail = start + ((int64_t)k << s->cluster_bits) - (offset + n);
    uint8_t *hbuf = g_malloc(head + tail + 1), *tbuf = hbuf + head;
    struct iovec *v = g_new(struct iovec, niov + 2);
    int64_t host;
    int cnt = 0, ret;

    ret = read_old(bs, start, head, hbuf);
    if (ret >= 0) {
        ret = read_old(bs, offset + n, tail, tbuf);
    }
    host = ret < 0 ? ret : qcow2_alloc_clusters(bs, k);
    if (host < 0) {
        ret = host;
        goto out;
    }
    ret = qcow2_check_overlap(bs, host, (int64_t)k << s->cluster_bits);
    if (ret < 0) {
        goto out;
    }
    if (head) {
        v[cnt++] = (struct iovec){ hbuf, head };
    }
    cnt += iov_slice(iov, niov, iov_off, n, v + cnt, niov);
    if (tail) {
        v[cnt++] = (struct iovec){ tbuf, tail };
    }
    ret = bdrv_pwritev(bs->file, host, v, cnt);
    if (ret >= 0) {
        ret = link_l2(bs, offset, k, host);
    }
    if (ret < 0) {
        qcow2_free_clusters(bs, host, (int64_t)k << s->cluster_bits);
    }
out:
    g_free(v);
    g_free(hbuf);
    return ret < 0 ? ret : 0;
}

/* Write one run inside one L2 table; returns the bytes written. */
static int64_t write_run(BlockDriverState *bs, int64_t offset, int64_t max,
                         const struct iovec *iov, int niov, int64_t iov_off)
{
    BDRVQcow2State *s = bs->opaque;
    int l2_index = (offset >> s->cluster_bits) & (s->l2_size - 1);
    int64_t in_cluster = qcow2_offset_into_cluster(s, offset);
    uint64_t *l2, first;
    int n = 1, ret;
    bool inplace;

    max = MIN(max, ((int64_t)(s->l2_size - l2_index) << s->cluster_bits) -
                   in_cluster);
    ret = l2_for_write(bs, offset >> (s->cluster_bits + s->l2_bits), &l2);
    if (ret < 0) {
        return ret;
    }
    first = l2_get(l2, l2_index);
    inplace = in_place(first);
    while (((int64_t)n << s->cluster_bits) - in_cluster < max) {
        uint64_t e = l2_get(l2, l2_index + n);
        if (in_place(e) != inplace ||
            (inplace && !same_run(s, QCOW2_CLUSTER_NORMAL, first, e, n))) {
            break;
        }
        n++;
    }
    qcow2_cache_put(s->l2_cache, (void **)&l2);
    max = MIN(max, ((int64_t)n << s->cluster_bits) - in_cluster);
    if (inplace) {
        uint64_t host = (first & L2E_OFFSET_MASK) + in_cluster;
        struct iovec *v = g_new(struct iovec, niov);
        int cnt = iov_slice(iov, niov, iov_off, max, v, niov);
        ret = qcow2_check_overlap(bs, host, max);
        if (ret >= 0) {
            ret = bdrv_pwritev(bs->file, host, v, cnt);
        }
        g_free(v);
    } else {
        ret = alloc_write(bs, offset, max, n, iov, niov, iov_off);
    }
    return ret < 0 ? ret : max;
}

int qcow2_co_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                     const struct iovec *iov, int niov)
{
    int64_t done = 0;
    int ret = qcow2_prepare_write(bs);

    while (ret >= 0 && done < bytes) {
        int64_t n = write_run(bs, offset + done, bytes - done, iov, niov,
                              done);
        if (n < 0) {
            return n;
        }
        done += n;
    }
    return ret;
}

/* ------------------------------------------------------------------ */
/* Compressed clusters                                                 */

/* Raw deflate, as QEMU writes it; -1 when the result does not shrink. */
static int compress_cluster(const void *src, int size, void *dst)
{
    z_stream z = { 0 };
    int ret, len = -1;

    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        return -1;
    }
    z.next_in = (Bytef *)src;
    z.avail_in = size;
    z.next_out = dst;
    z.avail_out = size;
    ret = deflate(&z, Z_FINISH);
    if (ret == Z_STREAM_END && z.avail_out > 0) {
        len = size - z.avail_out;
    }
    deflateEnd(&z);
    return len;
}

static int write_compressed(BlockDriverState *bs, int64_t offset,
                            const uint8_t *out, int len)
{
    BDRVQcow2State *s = bs->opaque;
    int l2_index = (offset >> s->cluster_bits) & (s->l2_size - 1);
    uint64_t l1_index = offset >> (s->cluster_bits + s->l2_bits);
    uint64_t *l2, old, entry, nb;
    int64_t host;
    int ret = l2_for_write(bs, l1_index, &l2);

    if (ret < 0) {
        return ret;
    }
    qcow2_cache_put(s->l2_cache, (void **)&l2);
    host = qcow2_alloc_bytes(bs, len);
    if (host < 0) {
        return host;
    }
    ret = qcow2_check_overlap(bs, host, len);
    if (ret >= 0) {
        ret = bdrv_pwrite(bs->file, host, out, len);
    }
    if (ret >= 0) {
        ret = l2_for_write(bs, l1_index, &l2);
    }
    if (ret < 0) {
        qcow2_free_clusters(bs, host, len);
        return ret;
    }
    nb = ((host + len - 1) >> 9) - (host >> 9);
    entry = QCOW_OFLAG_COMPRESSED | host | (nb << s->csize_shift);
    if (!qcow2_lazy(s)) {
        qcow2_cache_set_dependency(bs, s->l2_cache, s->rc_cache);
    }
    qcow2_cache_depends_on_flush(s->l2_cache);
    old = l2_get(l2, l2_index);
    l2_set(l2, l2_index, entry);
    qcow2_cache_mark_dirty(s->l2_cache, l2);
    qcow2_cache_put(s->l2_cache, (void **)&l2);
    qcow2_free_any_cluster(bs, old);
    s->cluster_cache_offset = -1;
    return 0;
}

int qcow2_co_pwrite_compressed(BlockDriverState *bs, int64_t offset,
                               const void *buf, size_t bytes)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *src = NULL, *out;
    int len, ret = qcow2_prepare_write(bs);

    if (ret < 0) {
        return ret;
    }
    if (qcow2_offset_into_cluster(s, offset) || bytes == 0 ||
        bytes > (size_t)s->cluster_size ||
        (bytes < (size_t)s->cluster_size &&
         offset + (int64_t)bytes != s->size)) {
        return -EINVAL;
    }
    if (bytes < (size_t)s->cluster_size) {
        src = g_malloc0(s->cluster_size);
        memcpy(src, buf, bytes);
    }
    out = g_malloc(s->cluster_size);
    len = compress_cluster(src ? src : buf, s->cluster_size, out);
    if (len < 0) {
        struct iovec iov = { (void *)buf, bytes };
        ret = qcow2_co_pwritev(bs, offset, bytes, &iov, 1);
    } else {
        ret = write_compressed(bs, offset, out, len);
    }
    g_free(out);
    g_free(src);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Zero clusters, discard, unallocation                                */

typedef enum ZeroMode {
    ZMODE_DISCARD,      /* anything may read back */
    ZMODE_UNALLOC,      /* reads go to the backing file */
    ZMODE_ZERO,         /* zero flag, keep our own allocation */
    ZMODE_ZERO_UNMAP,   /* zero flag, free the allocation */
} ZeroMode;

static uint64_t zero_entry(BlockDriverState *bs, uint64_t old, ZeroMode m)
{
    BDRVQcow2State *s = bs->opaque;
    Qcow2ClusterType t = qcow2_cluster_type(old);

    switch (m) {
    case ZMODE_DISCARD:
        return s->version >= 3 && bs->backing ? QCOW_OFLAG_ZERO : 0;
    case ZMODE_UNALLOC:
        return 0;
    case ZMODE_ZERO:
        if ((t == QCOW2_CLUSTER_NORMAL || t == QCOW2_CLUSTER_ZERO_ALLOC) &&
            (old & QCOW_OFLAG_COPIED)) {
            return old | QCOW_OFLAG_ZERO;
        }
        return QCOW_OFLAG_ZERO;
    default:
        return QCOW_OFLAG_ZERO;
    }
}

/* Apply m to clusters from offset inside one L2 table; returns how
 * many clusters were handled. */
static int64_t zero_l2_range(BlockDriverState *bs, int64_t offset,
                             int64_t nb, ZeroMode m)
{
    BDRVQcow2State *s = bs->opaque;
    int l2_index = (offset >> s->cluster_bits) & (s->l2_size - 1);
    uint64_t l1_index = offset >> (s->cluster_bits + s->l2_bits);
    int64_t l2off = l2_offset(bs, l1_index);
    uint64_t *l2;
    int ret;

    nb = MIN(nb, s->l2_size - l2_index);
    if (l2off < 0) {
        return l2off;
    }
    if (!l2off && (m == ZMODE_DISCARD || m == ZMODE_UNALLOC ||
                   !bs->backing)) {
        return nb;      /* nothing allocated; already reads right */
    }
    ret = l2_for_write(bs, l1_index, &l2);
    if (ret < 0) {
        return ret;
    }
    for (int i = 0; i < nb; i++) {
        uint64_t old = l2_get(l2, l2_index + i);
        uint64_t new = zero_entry(bs, old, m);
        if (new == old) {
            continue;
        }
        l2_set(l2, l2_index + i, new);
        qcow2_cache_mark_dirty(s->l2_cache, l2);
        if ((new & L2E_OFFSET_MASK) != (old & L2E_OFFSET_MASK) ||
            qcow2_cluster_type(old) == QCOW2_CLUSTER_COMPRESSED) {
            qcow2_free_any_cluster(bs, old);
        }
    }
    qcow2_cache_put(s->l2_cache, (void **)&l2);
    return nb;
}

/* Whole clusters of [start, end): start aligned, end aligned or the
 * end of the image. */
static int zero_clusters(BlockDriverState *bs, int64_t start, int64_t end,
                         ZeroMode m)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t nb = qcow2_size_to_clusters(s, end - start);

    while (nb > 0) {
        int64_t n = zero_l2_range(bs, start, nb, m);
        if (n < 0) {
            return n;
        }
        nb -= n;
        start += n << s->cluster_bits;
    }
    return 0;
}

/* The whole-cluster part of [offset, offset + bytes). */
static bool cluster_span(BDRVQcow2State *s, int64_t offset, int64_t bytes,
                         int64_t *start, int64_t *end)
{
    *start = qcow2_start_of_cluster(s, offset + s->cluster_size - 1);
    *end = offset + bytes == s->size ? s->size
           : qcow2_start_of_cluster(s, offset + bytes);
    return *end > *start;
}

int qcow2_co_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t start, end;
    int ret = qcow2_prepare_write(bs);

    if (ret < 0 || !cluster_span(s, offset, bytes, &start, &end)) {
        return ret;
    }
    return zero_clusters(bs, start, end, ZMODE_DISCARD);
}

int qcow2_unallocate(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t start, end;
    int ret = qcow2_prepare_write(bs);

    if (ret < 0 || bytes <= 0 || !cluster_span(s, offset, bytes, &start,
                                               &end)) {
        return ret;
    }
    return zero_clusters(bs, start, end, ZMODE_UNALLOC);
}

/* Explicit zeroes for a partial cluster, unless it already reads so. */
static int zero_bytes(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    int64_t n = bytes;
    uint64_t host;
    Qcow2ClusterType type;
    struct iovec iov;
    int ret = qcow2_get_host_offset(bs, offset, &n, &host, &type);

    if (ret < 0 || bytes <= 0 || type == QCOW2_CLUSTER_ZERO_PLAIN ||
        type == QCOW2_CLUSTER_ZERO_ALLOC ||
        (type == QCOW2_CLUSTER_UNALLOCATED && !bs->backing)) {
        return ret;
    }
    iov.iov_base = g_malloc0(bytes);
    iov.iov_len = bytes;
    ret = qcow2_co_pwritev(bs, offset, bytes, &iov, 1);
    g_free(iov.iov_base);
    return ret;
}

int qcow2_co_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                           int64_t bytes, int flags)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t start, end;
    ZeroMode m = (flags & BDRV_REQ_MAY_UNMAP) ? ZMODE_ZERO_UNMAP : ZMODE_ZERO;
    int ret = qcow2_prepare_write(bs);

    if (ret < 0) {
        return ret;
    }
    if (s->version < 3) {
        if (bs->backing) {
            return -ENOTSUP;
        }
        m = ZMODE_UNALLOC;      /* no backing: unallocated reads zero */
    }
    if (!cluster_span(s, offset, bytes, &start, &end)) {
        return zero_bytes(bs, offset, bytes);
    }
    ret = zero_bytes(bs, offset, start - offset);
    if (ret >= 0) {
        ret = zero_clusters(bs, start, end, m);
    }
    if (ret >= 0) {
        ret = zero_bytes(bs, end, offset + bytes - end);
    }
    return ret;
}

int qcow2_co_block_status(BlockDriverState *bs, int64_t offset,
                          int64_t bytes, int64_t *pnum, int64_t *map)
{
    uint64_t host;
    Qcow2ClusterType type;
    int ret = qcow2_get_host_offset(bs, offset, &bytes, &host, &type);

    if (ret < 0) {
        return ret;
    }
    *pnum = bytes;
    *map = 0;
    switch (type) {
    case QCOW2_CLUSTER_UNALLOCATED:
        return 0;
    case QCOW2_CLUSTER_ZERO_PLAIN:
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED;
    case QCOW2_CLUSTER_ZERO_ALLOC:
        *map = host;
        return BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED |
               BDRV_BLOCK_OFFSET_VALID;
    case QCOW2_CLUSTER_COMPRESSED:
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED |
               BDRV_BLOCK_COMPRESSED;
    default:
        *map = host;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED |
               BDRV_BLOCK_OFFSET_VALID;
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2: header, open (with every check a hostile image needs), create,
 * close, flush, resize and the driver table.  Cluster mapping and I/O
 * are in qcow2-cluster.c, refcounts in qcow2-refcount.c, snapshots in
 * qcow2-snapshot.c, the consistency check in qcow2-check.c.
 *
 * Opening never writes: the dirty bit (lazy refcounts) and clearing
 * unknown autoclear bits happen at the first write (qcow2_prepare_write);
 * the only exception is the refcount repair of an image left dirty.
 * The header is always rewritten whole from the in-memory state
 * (qcow2_update_header), unknown header extensions included.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "qcow2.h"

static uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static uint64_t rd64(const uint8_t *p)
{
    return ((uint64_t)rd32(p) << 32) | rd32(p + 4);
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, v >> 32);
    wr32(p + 4, v);
}

Qcow2ClusterType qcow2_cluster_type(uint64_t l2_entry)
{
    if (l2_entry & QCOW_OFLAG_COMPRESSED) {
        return QCOW2_CLUSTER_COMPRESSED;
    }
    if (l2_entry & QCOW_OFLAG_ZERO) {
        return (l2_entry & L2E_OFFSET_MASK) ? QCOW2_CLUSTER_ZERO_ALLOC
                                            : QCOW2_CLUSTER_ZERO_PLAIN;
    }
    return (l2_entry & L2E_OFFSET_MASK) ? QCOW2_CLUSTER_NORMAL
                                        : QCOW2_CLUSTER_UNALLOCATED;
}

/* ------------------------------------------------------------------ */
/* Feature names (the table QEMU writes, and our error messages)       */

typedef struct Qcow2Feature {
    uint8_t type;               /* 0 incompatible, 1 compatible, 2 autoclear */
    uint8_t bit;
    const char *name;
} Qcow2Feature;

static const Qcow2Feature qcow2_features[] = {
    { 0, 0, "dirty bit" },
    { 0, 1, "corrupt bit" },
    { 0, 2, "external data file" },
    { 0, 3, "compression type" },
    { 0, 4, "extended L2 entries" },
    { 1, 0, "lazy refcounts" },
    { 2, 0, "bitmaps" },
    { 2, 1, "raw external data" },
};

/* ------------------------------------------------------------------ */
/* Writing the header                                                  */

static void put_ext(GByteArray *b, uint32_t magic, const void *data,
                    uint32_t len)
{
    uint8_t hdr[8];
    static const uint8_t pad[8];

    wr32(hdr, magic);
    wr32(hdr + 4, len);
    g_byte_array_append(b, hdr, 8);
    g_byte_array_append(b, data, len);
    g_byte_array_append(b, pad, (8 - (len & 7)) & 7);
}

static void put_feature_table(GByteArray *b)
{
    uint8_t t[G_N_ELEMENTS(qcow2_features) * 48];

    memset(t, 0, sizeof(t));
    for (size_t i = 0; i < G_N_ELEMENTS(qcow2_features); i++) {
        t[i * 48] = qcow2_features[i].type;
        t[i * 48 + 1] = qcow2_features[i].bit;
        strncpy((char *)t + i * 48 + 2, qcow2_features[i].name, 46);
    }
    put_ext(b, QCOW2_EXT_FEATURES, t, sizeof(t));
}

/* The first cluster's contents for s, or NULL when it does not fit. */
static GByteArray *build_header(BDRVQcow2State *s, const char *backing,
                                const char *backing_fmt)
{
    GByteArray *b = g_byte_array_new();
    uint32_t hlen = s->version >= 3 ? s->header_length : QCOW2_V2_HEADER_LEN;
    uint8_t h[QCOW2_HEADER_LEN_NEW] = { 0 };

    wr32(h, QCOW2_MAGIC);
    wr32(h + 4, s->version);
    wr32(h + 20, s->cluster_bits);
    wr64(h + 24, s->size);
    wr32(h + 36, s->l1_size);
    wr64(h + 40, s->l1_table_offset);
    wr64(h + 48, s->refcount_table_offset);
    wr32(h + 56, qcow2_size_to_clusters(s,
                     (int64_t)s->refcount_table_size * 8));
    wr32(h + 60, s->nb_snapshots);
    wr64(h + 64, s->snapshots_offset);
    if (s->version >= 3) {
        wr64(h + 72, s->incompat);
        wr64(h + 80, s->compat);
        wr64(h + 88, s->autoclear);
        wr32(h + 96, s->refcount_order);
        wr32(h + 100, hlen);
    }
    g_byte_array_append(b, h, MIN(hlen, QCOW2_HEADER_LEN_NEW));
    if (s->unknown_header_len) {
        g_byte_array_append(b, s->unknown_header, s->unknown_header_len);
    }
    if (backing_fmt) {
        put_ext(b, QCOW2_EXT_BACKING_FMT, backing_fmt, strlen(backing_fmt));
    }
    /*
     * The table takes 392 bytes: like qemu-img, leave it out of small
     * clusters, where the header must also hold the backing file name.
     */
    if (s->version >= 3 && s->cluster_size > 4096) {
        put_feature_table(b);
    }
    for (guint i = 0; s->unknown_exts && i < s->unknown_exts->len; i++) {
        Qcow2UnknownExt *e = &g_array_index(s->unknown_exts,
                                            Qcow2UnknownExt, i);
        put_ext(b, e->magic, e->data, e->len);
    }
    put_ext(b, QCOW2_EXT_END, NULL, 0);
    if (backing) {
        wr64(b->data + 8, b->len);
        wr32(b->data + 16, strlen(backing));
        g_byte_array_append(b, (const uint8_t *)backing, strlen(backing));
    }
    if (b->len > (guint)s->cluster_size) {
        g_byte_array_free(b, TRUE);
        return NULL;
    }
    return b;
}

int qcow2_update_header(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    GByteArray *b;
    int ret;

    if (bs->read_only) {
        return -EPERM;
    }
    b = build_header(s, bs->backing_file, bs->backing_format);
    if (!b) {
        return -ENOSPC;
    }
    ret = bdrv_pwrite(bs->file, 0, b->data, b->len);
    g_byte_array_free(b, TRUE);
    return ret;
}

int qcow2_signal_corruption(BlockDriverState *bs, const char *fmt, ...)
{
    BDRVQcow2State *s = bs->opaque;
    va_list ap;
    char *msg;

    if (!s->corrupt_logged) {
        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        bdrv_log_error(bs, "%s: %s; further corruption events will be "
                       "suppressed", bs->read_only ? "image is corrupt"
                       : "marking image as corrupt", msg);
        g_free(msg);
        s->corrupt_logged = true;
    }
    if (!bs->read_only && !(s->incompat & QCOW2_INCOMPAT_CORRUPT) &&
        s->version >= 3) {
        s->incompat |= QCOW2_INCOMPAT_CORRUPT;
        qcow2_update_header(bs);
        bdrv_flush(bs->file);
    }
    return -EIO;
}

int qcow2_prepare_write(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    bool changed = false;
    int ret;

    if ((s->incompat & QCOW2_INCOMPAT_CORRUPT) &&
        !(bs->open_flags & BDRV_O_CHECK)) {
        return -EIO;
    }
    if (s->write_prepared) {
        return 0;
    }
    if (s->autoclear) {
        s->autoclear = 0;           /* we maintain none of them */
        changed = true;
    }
    if (qcow2_lazy(s) && !(s->incompat & QCOW2_INCOMPAT_DIRTY)) {
        s->incompat |= QCOW2_INCOMPAT_DIRTY;
        changed = true;
    }
    if (changed) {
        ret = qcow2_update_header(bs);
        if (ret >= 0) {
            ret = bdrv_flush(bs->file);
        }
        if (ret < 0) {
            return ret;
        }
    }
    s->write_prepared = true;
    return 0;
}

/* ------------------------------------------------------------------ */
/* The L1 table                                                        */

int qcow2_write_l1_entry(BlockDriverState *bs, int index)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t be = GUINT64_TO_BE(s->l1_table[index]);

    return bdrv_pwrite(bs->file, s->l1_table_offset + (int64_t)index * 8,
                       &be, 8);
}

int qcow2_grow_l1_table(BlockDriverState *bs, uint64_t min_size)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t bytes = min_size * 8, off, old_off = s->l1_table_offset;
    int64_t old_bytes = (int64_t)s->l1_size * 8;
    uint64_t *buf;
    int ret;

    if (min_size <= s->l1_size) {
        return 0;
    }
    if (bytes > QCOW2_MAX_L1_BYTES) {
        return -EFBIG;
    }
    off = qcow2_alloc_clusters(bs, qcow2_size_to_clusters(s, bytes));
    if (off < 0) {
        return off;
    }
    buf = g_malloc0(bytes);
    for (uint32_t i = 0; i < s->l1_size; i++) {
        buf[i] = GUINT64_TO_BE(s->l1_table[i]);
    }
    ret = qcow2_check_overlap(bs, off, bytes);
    if (ret >= 0) {
        ret = bdrv_pwrite(bs->file, off, buf, bytes);
    }
    /* The new table's refcounts must be stable before the header. */
    if (ret >= 0) {
        ret = qcow2_cache_flush(bs, s->rc_cache);
    }
    if (ret >= 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret < 0) {
        g_free(buf);
        qcow2_free_clusters(bs, off, bytes);
        return ret;
    }
    for (uint64_t i = 0; i < min_size; i++) {
        buf[i] = GUINT64_FROM_BE(buf[i]);
    }
    g_free(s->l1_table);
    s->l1_table = buf;
    s->l1_size = min_size;
    s->l1_table_offset = off;
    ret = qcow2_update_header(bs);
    if (ret >= 0) {
        ret = bdrv_flush(bs->file);
    }
    if (ret >= 0 && old_bytes) {
        qcow2_free_clusters(bs, old_off, old_bytes);
    }
    return ret;
}

/* ------------------------------------------------------------------ */
/* Opening: header fields                                              */

#define OPEN_ERR(...) \
    (g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL, __VA_ARGS__), \
     -EINVAL)

static int parse_fixed_header(BlockDriverState *bs, const uint8_t *h,
                              int64_t file_len, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    const char *f = bs->filename;
    uint32_t cb;

    if (rd32(h) != QCOW2_MAGIC) {
        return OPEN_ERR("%s: not a qcow2 image (bad magic)", f);
    }
    s->version = rd32(h + 4);
    if (s->version != 2 && s->version != 3) {
        return OPEN_ERR("%s: unsupported qcow2 version %d", f, s->version);
    }
    cb = rd32(h + 20);
    if (cb < 9 || cb > 21) {
        return OPEN_ERR("%s: unsupported cluster size: 2^%u", f, cb);
    }
    s->cluster_bits = cb;
    s->cluster_size = 1 << cb;
    s->l2_bits = cb - 3;
    s->l2_size = 1 << s->l2_bits;
    if (rd32(h + 32)) {
        return OPEN_ERR("%s: encrypted images are not supported", f);
    }
    s->size = rd64(h + 24);
    if (s->size > QCOW2_MAX_SIZE) {
        return OPEN_ERR("%s: virtual size %" PRIu64 " is too large", f,
                        rd64(h + 24));
    }
    (void)file_len;
    return 0;
}

static int parse_v3_header(BlockDriverState *bs, const uint8_t *h,
                           GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    const char *f = bs->filename;

    s->header_length = QCOW2_V2_HEADER_LEN;
    s->refcount_order = 4;
    if (s->version < 3) {
        return 0;
    }
    s->incompat = rd64(h + 72);
    s->compat = rd64(h + 80);
    s->autoclear = rd64(h + 88);
    s->refcount_order = rd32(h + 96);
    s->header_length = rd32(h + 100);
    if ((uint32_t)s->refcount_order > 6) {  /* negative as int, too */
        return OPEN_ERR("%s: refcount width 2^%u bits is not supported", f,
                        (uint32_t)s->refcount_order);
    }
    if (s->header_length < QCOW2_V3_HEADER_LEN ||
        s->header_length > (uint32_t)s->cluster_size ||
        (s->header_length & 7 && s->header_length != 105)) {
        return OPEN_ERR("%s: invalid header length %u", f, s->header_length);
    }
    if (s->header_length > QCOW2_V3_HEADER_LEN && h[104] != 0 &&
        !(s->incompat & (1ULL << 3))) {
        return OPEN_ERR("%s: compression type %u without its feature bit",
                        f, h[104]);
    }
    if (s->header_length > QCOW2_HEADER_LEN_NEW) {
        s->unknown_header_len = s->header_length - QCOW2_HEADER_LEN_NEW;
        s->unknown_header = g_memdup2(h + QCOW2_HEADER_LEN_NEW,
                                      s->unknown_header_len);
    }
    return 0;
}

/* "dirty bit, bit 40" from the image's own table or ours. */
static char *feature_names(uint64_t bits, const uint8_t *table, int n)
{
    GString *str = g_string_new(NULL);

    for (int bit = 0; bit < 64; bit++) {
        const char *name = NULL;
        if (!(bits & (1ULL << bit))) {
            continue;
        }
        for (int i = 0; i < n && !name; i++) {
            if (table[i * 48] == 0 && table[i * 48 + 1] == bit) {
                name = (const char *)table + i * 48 + 2;
            }
        }
        for (size_t i = 0; i < G_N_ELEMENTS(qcow2_features) && !name; i++) {
            if (qcow2_features[i].type == 0 && qcow2_features[i].bit == bit) {
                name = qcow2_features[i].name;
            }
        }
        if (str->len) {
            g_string_append(str, ", ");
        }
        if (name) {
            g_string_append_printf(str, "%.46s", name);
        } else {
            g_string_append_printf(str, "unknown incompatible bit %d", bit);
        }
    }
    return g_string_free(str, FALSE);
}

static void free_unknown_exts(BDRVQcow2State *s)
{
    for (guint i = 0; s->unknown_exts && i < s->unknown_exts->len; i++) {
        g_free(g_array_index(s->unknown_exts, Qcow2UnknownExt, i).data);
    }
    if (s->unknown_exts) {
        g_array_free(s->unknown_exts, TRUE);
    }
    s->unknown_exts = NULL;
}

static int parse_extensions(BlockDriverState *bs, const uint8_t *h,
                            uint64_t end, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t off = s->version >= 3 ? s->header_length : QCOW2_V2_HEADER_LEN;
    const uint8_t *features = NULL;
    int nb_features = 0;

    s->unknown_exts = g_array_new(FALSE, TRUE, sizeof(Qcow2UnknownExt));
    while (off + 8 <= end) {
        uint32_t magic = rd32(h + off), len = rd32(h + off + 4);
        const uint8_t *data = h + off + 8;

        if (magic == QCOW2_EXT_END) {
            break;
        }
        if (len > end - off - 8) {
            return OPEN_ERR("%s: header extension %#x is too long",
                            bs->filename, magic);
        }
        if (magic == QCOW2_EXT_BACKING_FMT) {
            if (len > 1023) {
                return OPEN_ERR("%s: backing format name is too long",
                                bs->filename);
            }
            g_free(bs->backing_format);
            bs->backing_format = g_strndup((const char *)data, len);
        } else if (magic == QCOW2_EXT_FEATURES) {
            features = data;
            nb_features = len / 48;
        } else {
            Qcow2UnknownExt e = { magic, len, g_memdup2(data, len) };
            g_array_append_val(s->unknown_exts, e);
        }
        off += 8 + ((len + 7ULL) & ~7ULL);
    }
    if (s->incompat & ~QCOW2_INCOMPAT_SUPPORTED) {
        char *names = feature_names(s->incompat & ~QCOW2_INCOMPAT_SUPPORTED,
                                    features, nb_features);
        (void)OPEN_ERR("%s: unsupported qcow2 feature(s): %s", bs->filename,
                       names);
        g_free(names);
        return -ENOTSUP;
    }
    return 0;
}

static int parse_backing_name(BlockDriverState *bs, const uint8_t *h,
                              uint64_t off, uint32_t len, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;

    if (!off) {
        return 0;
    }
    if (off >= (uint64_t)s->cluster_size || len > QCOW2_MAX_BACKING_NAME ||
        len > s->cluster_size - off) {
        return OPEN_ERR("%s: backing file name is too long or outside the "
                        "header cluster", bs->filename);
    }
    if (len) {
        bs->backing_file = g_strndup((const char *)h + off, len);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Opening: tables                                                     */

/* offset/bytes describe a table: aligned and inside the file. */
static int check_table(BlockDriverState *bs, const char *what,
                       uint64_t offset, uint64_t bytes, uint64_t max,
                       GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t file_len = bdrv_getlength(bs->file);

    if (bytes > max) {
        return OPEN_ERR("%s: %s is too large (%" PRIu64 " bytes)",
                        bs->filename, what, bytes);
    }
    if (offset & (s->cluster_size - 1)) {
        return OPEN_ERR("%s: %s offset %#" PRIx64 " is not cluster aligned",
                        bs->filename, what, offset);
    }
    if (bytes && (offset == 0 || offset >= QCOW2_MAX_HOST_OFFSET ||
                  offset + bytes > (uint64_t)file_len)) {
        return OPEN_ERR("%s: %s offset %#" PRIx64 " is past the end of the "
                        "file", bs->filename, what, offset);
    }
    return 0;
}

static int open_l1(BlockDriverState *bs, const uint8_t *h, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bytes;
    int ret;

    s->l1_size = rd32(h + 36);
    s->l1_table_offset = rd64(h + 40);
    bytes = (uint64_t)s->l1_size * 8;
    if (s->l1_size < (uint64_t)qcow2_size_to_l1(s, s->size)) {
        return OPEN_ERR("%s: L1 table is too small for the image size",
                        bs->filename);
    }
    ret = check_table(bs, "L1 table", rd64(h + 40), bytes,
                      QCOW2_MAX_L1_BYTES, errp);
    if (ret < 0) {
        return ret;
    }
    s->l1_table = g_try_malloc0(MAX(bytes, 8));
    if (!s->l1_table) {
        return OPEN_ERR("%s: cannot allocate the L1 table", bs->filename);
    }
    ret = bdrv_pread(bs->file, s->l1_table_offset, s->l1_table, bytes);
    if (ret < 0) {
        return OPEN_ERR("%s: cannot read the L1 table: %s", bs->filename,
                        g_strerror(-ret));
    }
    for (uint32_t i = 0; i < s->l1_size; i++) {
        s->l1_table[i] = GUINT64_FROM_BE(s->l1_table[i]);
    }
    return 0;
}

static int open_refcounts(BlockDriverState *bs, const uint8_t *h,
                          GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t clusters = rd32(h + 56);
    int ret;

    s->refcount_bits = 1 << s->refcount_order;
    s->refcount_max = s->refcount_bits == 64 ? UINT64_MAX
                      : (1ULL << s->refcount_bits) - 1;
    s->refcount_block_bits = s->cluster_bits + 3 - s->refcount_order;
    s->refcount_table_offset = rd64(h + 48);
    if (clusters == 0) {
        return OPEN_ERR("%s: image has no refcount table", bs->filename);
    }
    ret = check_table(bs, "refcount table", s->refcount_table_offset,
                      clusters << s->cluster_bits,
                      MAX(QCOW2_MAX_REFTABLE_BYTES, s->cluster_size), errp);
    if (ret < 0) {
        return ret;
    }
    s->refcount_table_size = (clusters << s->cluster_bits) / 8;
    return qcow2_refcount_init(bs, errp);
}

static void init_derived(BDRVQcow2State *s)
{
    s->csize_shift = 62 - (s->cluster_bits - 8);
    s->csize_mask = (1ULL << (s->cluster_bits - 8)) - 1;
    s->cluster_offset_mask = (1ULL << s->csize_shift) - 1;
    s->cluster_cache_offset = -1;
}

static void create_caches(BDRVQcow2State *s)
{
    int64_t tables = qcow2_size_to_l1(s, s->size);
    int64_t max = MAX(16, (32 * 1024 * 1024) >> s->cluster_bits);
    int l2 = MIN(MAX(tables, 16), MIN(max, 256));

    s->l2_cache = qcow2_cache_create("L2", l2, s->cluster_size);
    s->rc_cache = qcow2_cache_create("refcount", 16, s->cluster_size);
    s->cluster_cache = g_malloc(s->cluster_size);
    s->cluster_data = g_malloc(2 * s->cluster_size + 512);
}

static void qcow2_free_state(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;

    qcow2_cache_destroy(s->l2_cache);
    qcow2_cache_destroy(s->rc_cache);
    qcow2_refcount_close(bs);
    qcow2_free_snapshots(s);
    free_unknown_exts(s);
    g_free(s->unknown_header);
    g_free(s->l1_table);
    g_free(s->cluster_cache);
    g_free(s->cluster_data);
    memset(s, 0, sizeof(*s));
}

static int open_header(BlockDriverState *bs, uint8_t **hp, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t file_len = bdrv_getlength(bs->file);
    uint8_t fixed[QCOW2_V3_HEADER_LEN] = { 0 };
    int ret;

    if (file_len < QCOW2_V2_HEADER_LEN) {
        return OPEN_ERR("%s: file is too small for a qcow2 header",
                        bs->filename);
    }
    ret = bdrv_pread(bs->file, 0, fixed, sizeof(fixed));
    if (ret < 0) {
        return OPEN_ERR("%s: cannot read the header: %s", bs->filename,
                        g_strerror(-ret));
    }
    ret = parse_fixed_header(bs, fixed, file_len, errp);
    if (ret < 0) {
        return ret;
    }
    *hp = g_malloc0(s->cluster_size);
    ret = bdrv_pread(bs->file, 0, *hp, s->cluster_size);
    if (ret < 0) {
        return OPEN_ERR("%s: cannot read the header: %s", bs->filename,
                        g_strerror(-ret));
    }
    return 0;
}

static int qcow2_do_open(BlockDriverState *bs, int flags, uint8_t *h,
                         GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint64_t bf_off = rd64(h + 8);
    uint64_t ext_end = s->cluster_size;
    int ret;

    if ((ret = parse_v3_header(bs, h, errp)) < 0) {
        return ret;
    }
    if (bf_off && bf_off < ext_end) {
        ext_end = bf_off;
    }
    if ((ret = parse_extensions(bs, h, ext_end, errp)) < 0 ||
        (ret = parse_backing_name(bs, h, bf_off, rd32(h + 16), errp)) < 0) {
        return ret;
    }
    if ((s->incompat & QCOW2_INCOMPAT_CORRUPT) && (flags & BDRV_O_RDWR) &&
        !(flags & BDRV_O_CHECK)) {
        return OPEN_ERR("%s: image is corrupt; cannot be opened read/write "
                        "(run 'kestrel-img check -r all')", bs->filename);
    }
    init_derived(s);
    if ((ret = open_l1(bs, h, errp)) < 0 ||
        (ret = open_refcounts(bs, h, errp)) < 0) {
        return ret;
    }
    s->nb_snapshots = rd32(h + 60);
    s->snapshots_offset = rd64(h + 64);
    if ((ret = qcow2_read_snapshots(bs, errp)) < 0) {
        return ret;
    }
    create_caches(s);
    return 0;
}

/* A dirty image (lazy refcounts, not closed cleanly): rebuild refcounts. */
static int repair_dirty(BlockDriverState *bs, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    BlockCheckResult res;
    int ret;

    s->quiet_check = true;
    ret = qcow2_check(bs, &res, BDRV_FIX_LEAKS | BDRV_FIX_ERRORS);
    s->quiet_check = false;
    if (ret >= 0 && res.corruptions == 0) {
        s->incompat &= ~QCOW2_INCOMPAT_DIRTY;
        ret = qcow2_update_header(bs);
        if (ret >= 0) {
            ret = bdrv_flush(bs->file);
        }
    }
    if (ret < 0 || res.corruptions) {
        return OPEN_ERR("%s: could not repair the refcounts of a dirty image",
                        bs->filename);
    }
    return 0;
}

static int qcow2_open(BlockDriverState *bs, int flags, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    uint8_t *h = NULL;
    int ret = open_header(bs, &h, errp);

    if (ret >= 0) {
        ret = qcow2_do_open(bs, flags, h, errp);
    }
    g_free(h);
    if (ret >= 0 && (s->incompat & QCOW2_INCOMPAT_DIRTY) &&
        (flags & BDRV_O_RDWR) && !(flags & BDRV_O_CHECK)) {
        ret = repair_dirty(bs, errp);
    }
    if (ret < 0) {
        qcow2_free_state(bs);
        g_clear_pointer(&bs->backing_file, g_free);
        g_clear_pointer(&bs->backing_format, g_free);
    }
    return ret;
}

int qcow2_flush_caches(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = qcow2_cache_flush(bs, s->l2_cache);

    if (ret >= 0) {
        ret = qcow2_cache_flush(bs, s->rc_cache);
    }
    if (ret >= 0) {
        s->data_written = false;
    }
    return ret;
}

static int qcow2_flush(BlockDriverState *bs)
{
    return qcow2_flush_caches(bs);
}

static void qcow2_close(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;

    if (!bs->read_only && qcow2_flush_caches(bs) >= 0 &&
        (s->incompat & QCOW2_INCOMPAT_DIRTY) &&
        !(s->incompat & QCOW2_INCOMPAT_CORRUPT) &&
        bdrv_flush(bs->file) >= 0) {
        s->incompat &= ~QCOW2_INCOMPAT_DIRTY;
        if (qcow2_update_header(bs) >= 0) {
            bdrv_flush(bs->file);
        }
    }
    qcow2_free_state(bs);
}

/* ------------------------------------------------------------------ */
/* Creating                                                            */

static int check_create_opts(const char *filename,
                             const BlockCreateOptions *o, GError **errp)
{
    uint32_t cs = o->cluster_size ? o->cluster_size : 65536;
    int compat = o->compat ? o->compat : 3;
    int rb = o->refcount_bits ? o->refcount_bits : 16;

    if (cs < 512 || cs > (2 << 20) || (cs & (cs - 1))) {
        return OPEN_ERR("%s: cluster size must be a power of two between "
                        "512 and 2M", filename);
    }
    if (compat != 2 && compat != 3) {
        return OPEN_ERR("%s: compat must be 0.10 or 1.1", filename);
    }
    if (rb < 1 || rb > 64 || (rb & (rb - 1))) {
        return OPEN_ERR("%s: refcount width must be a power of two and "
                        "may not exceed 64 bits", filename);
    }
    if (compat == 2 && (rb != 16 || o->lazy_refcounts)) {
        return OPEN_ERR("%s: %s requires compat=1.1 or later", filename,
                        rb != 16 ? "a refcount width other than 16"
                                 : "lazy refcounts");
    }
    if (o->size > QCOW2_MAX_SIZE) {
        return OPEN_ERR("%s: image size is too large", filename);
    }
    if (o->backing_file && strlen(o->backing_file) > QCOW2_MAX_BACKING_NAME) {
        return OPEN_ERR("%s: backing file name is too long", filename);
    }
    return 0;
}

/* Header, one-cluster refcount table, one refcount block; no L1. */
static int write_empty_image(BlockDriverState *file,
                             const BlockCreateOptions *o, GError **errp)
{
    BDRVQcow2State s = { 0 };
    uint32_t cs = o->cluster_size ? o->cluster_size : 65536;
    uint8_t *buf = g_malloc0(2 * cs);
    GByteArray *h;
    int ret;

    s.version = o->compat ? o->compat : 3;
    s.cluster_bits = __builtin_ctz(cs);
    s.cluster_size = cs;
    s.refcount_order = __builtin_ctz(o->refcount_bits ? o->refcount_bits
                                                      : 16);
    s.header_length = QCOW2_HEADER_LEN_NEW;
    s.compat = o->lazy_refcounts ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0;
    s.refcount_table_offset = cs;
    s.refcount_table_size = cs / 8;
    h = build_header(&s, o->backing_file, o->backing_file
                     ? o->backing_fmt : NULL);
    if (!h) {
        g_free(buf);
        return OPEN_ERR("%s: header does not fit in one cluster",
                        file->filename);
    }
    wr64(buf, 2 * cs);                          /* reftable[0] */
    for (int i = 0; i < 3; i++) {
        qcow2_rc_set(&s, buf + cs, i, 1);       /* clusters 0, 1, 2 */
    }
    ret = bdrv_pwrite(file, 0, h->data, h->len);
    if (ret >= 0) {
        ret = bdrv_pwrite(file, cs, buf, 2 * cs);
    }
    g_byte_array_free(h, TRUE);
    g_free(buf);
    if (ret < 0) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: write: %s",
                    file->filename, g_strerror(-ret));
    }
    return ret;
}

static int qcow2_create(const char *filename, const BlockCreateOptions *o,
                        GError **errp)
{
    BlockDriverState *file, *bs;
    int ret = check_create_opts(filename, o, errp);

    if (ret < 0 || (ret = bdrv_create_file(filename, errp)) < 0) {
        return ret;
    }
    file = bdrv_open_file(filename, BDRV_O_RDWR, errp);
    if (!file) {
        return -EIO;
    }
    ret = write_empty_image(file, o, errp);
    if (ret >= 0) {
        ret = bdrv_flush(file);
    }
    bdrv_close(file);
    if (ret < 0) {
        return ret;
    }
    /* Size the image through the driver, as a resize would. */
    bs = bdrv_open(filename, "qcow2", BDRV_O_RDWR | BDRV_O_NO_BACKING, errp);
    if (!bs) {
        return -EIO;
    }
    ret = o->size ? bdrv_truncate(bs, o->size, errp) : 0;
    bdrv_close(bs);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Resize, information, backing files                                  */

static int qcow2_shrink(BlockDriverState *bs, int64_t size, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t new_l1 = qcow2_size_to_l1(s, size);
    int ret;

    if (s->nb_snapshots) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: cannot shrink an image with internal snapshots",
                    bs->filename);
        return -ENOTSUP;
    }
    ret = qcow2_unallocate(bs, qcow2_start_of_cluster(s, size +
                           s->cluster_size - 1), s->size);
    for (int64_t i = new_l1; ret >= 0 && i < s->l1_size; i++) {
        uint64_t l2 = s->l1_table[i] & L1E_OFFSET_MASK;
        if (!l2) {
            continue;
        }
        s->l1_table[i] = 0;
        ret = qcow2_write_l1_entry(bs, i);
        if (ret >= 0) {
            qcow2_free_clusters(bs, l2, s->cluster_size);
        }
    }
    return ret;
}

/* Zero [old, end) of the old last cluster, unless it reads as zero. */
static int zero_old_tail(BlockDriverState *bs, int64_t old, int64_t end)
{
    int64_t n = end - old;
    uint64_t host;
    Qcow2ClusterType type;
    void *zero;
    struct iovec iov;
    int ret = qcow2_get_host_offset(bs, old, &n, &host, &type);

    if (ret < 0 || type == QCOW2_CLUSTER_ZERO_PLAIN ||
        type == QCOW2_CLUSTER_ZERO_ALLOC ||
        (type == QCOW2_CLUSTER_UNALLOCATED && !bs->backing)) {
        return ret;
    }
    zero = g_malloc0(end - old);
    iov = (struct iovec){ zero, end - old };
    ret = qcow2_co_pwritev(bs, old, end - old, &iov, 1);
    g_free(zero);
    return ret;
}

static int qcow2_truncate(BlockDriverState *bs, int64_t size, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int64_t old = s->size;
    int ret = qcow2_prepare_write(bs);

    if (ret >= 0 && size > QCOW2_MAX_SIZE) {
        ret = -EFBIG;
    }
    if (ret >= 0 && size < old) {
        ret = qcow2_shrink(bs, size, errp);
        if (ret < 0 && errp && *errp) {
            return ret;
        }
    } else if (ret >= 0) {
        ret = qcow2_grow_l1_table(bs, qcow2_size_to_l1(s, size));
    }
    if (ret >= 0) {
        s->size = size;
        ret = qcow2_update_header(bs);
    }
    if (ret >= 0 && size > old && qcow2_offset_into_cluster(s, old)) {
        /* A shrink may have left old bytes past the old end. */
        int64_t end = MIN(size, qcow2_start_of_cluster(s, old) +
                          s->cluster_size);
        ret = zero_old_tail(bs, old, end);
    }
    if (ret >= 0) {
        ret = bdrv_flush(bs);
    }
    if (ret < 0) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_IO,
                    "%s: could not resize: %s", bs->filename,
                    g_strerror(-ret));
    }
    return ret;
}

static int64_t qcow2_getlength(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;

    return s->size;
}

static int qcow2_get_info(BlockDriverState *bs, BlockImageInfo *info)
{
    BDRVQcow2State *s = bs->opaque;

    info->cluster_size = s->cluster_size;
    info->format_specific = true;
    info->compat = s->version;
    info->refcount_bits = s->refcount_bits;
    info->lazy_refcounts = qcow2_lazy(s);
    info->corrupt = s->incompat & QCOW2_INCOMPAT_CORRUPT;
    info->dirty = s->incompat & QCOW2_INCOMPAT_DIRTY;
    return qcow2_snapshot_list(bs, info);
}

static int qcow2_change_backing_file(BlockDriverState *bs,
                                     const char *backing,
                                     const char *backing_fmt, GError **errp)
{
    char *old = bs->backing_file, *old_fmt = bs->backing_format;
    int ret = qcow2_prepare_write(bs);

    if (ret < 0) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: %s",
                    bs->filename, g_strerror(-ret));
        return ret;
    }
    bs->backing_file = backing && backing[0] ? g_strdup(backing) : NULL;
    bs->backing_format = bs->backing_file && backing_fmt
                         ? g_strdup(backing_fmt) : NULL;
    if (bs->backing_file && strlen(bs->backing_file) > 1023) {
        ret = -ENOSPC;
    } else {
        ret = qcow2_update_header(bs);
    }
    if (ret < 0) {
        g_free(bs->backing_file);
        g_free(bs->backing_format);
        bs->backing_file = old;
        bs->backing_format = old_fmt;
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: could not change the backing file: %s",
                    bs->filename, ret == -ENOSPC
                    ? "the name does not fit in the header"
                    : g_strerror(-ret));
        return ret;
    }
    g_free(old);
    g_free(old_fmt);
    return bdrv_flush(bs->file);
}

static int qcow2_make_empty(BlockDriverState *bs, GError **errp)
{
    BDRVQcow2State *s = bs->opaque;
    int ret = qcow2_unallocate(bs, 0, s->size);

    if (ret >= 0) {
        ret = bdrv_flush(bs);
    }
    if (ret < 0) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_IO,
                    "%s: could not empty the image: %s", bs->filename,
                    g_strerror(-ret));
    }
    return ret;
}

static int qcow2_probe(const uint8_t *buf, int len, const char *filename)
{
    (void)filename;
    return len >= 8 && rd32(buf) == QCOW2_MAGIC &&
           rd32(buf + 4) >= 2 ? 100 : 0;
}

const BlockDriver bdrv_qcow2 = {
    .format_name = "qcow2",
    .instance_size = sizeof(BDRVQcow2State),
    .probe = qcow2_probe,
    .open = qcow2_open,
    .close = qcow2_close,
    .create = qcow2_create,
    .getlength = qcow2_getlength,
    .preadv = qcow2_co_preadv,
    .pwritev = qcow2_co_pwritev,
    .flush = qcow2_flush,
    .pdiscard = qcow2_co_pdiscard,
    .pwrite_zeroes = qcow2_co_pwrite_zeroes,
    .pwrite_compressed = qcow2_co_pwrite_compressed,
    .truncate = qcow2_truncate,
    .block_status = qcow2_co_block_status,
    .get_info = qcow2_get_info,
    .check = qcow2_check,
    .snapshot_create = qcow2_snapshot_create,
    .snapshot_goto = qcow2_snapshot_goto,
    .snapshot_delete = qcow2_snapshot_delete,
    .change_backing_file = qcow2_change_backing_file,
    .make_empty = qcow2_make_empty,
};

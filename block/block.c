/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block layer core: opening images and their backing chains, and the
 * bdrv_* entry points of include/kestrel/block.h.
 *
 * Every request goes through here on its way to a driver, including a
 * format driver's own requests to its host file (bs->file), so the
 * checks below (negative offsets, requests past the end of a format
 * node, writes to read-only nodes) hold at every level.  Flags flow down
 * the chain: a format node's flags are its file's; backing nodes are
 * opened read-only.
 *
 *     BlockDriverState *bs = bdrv_open("top.qcow2", NULL, BDRV_O_RDWR, &err);
 *       top.qcow2 (qcow2) -> file (file-posix)
 *         backing: base.raw (raw, read-only) -> file (file-posix)
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block-int.h"

#define BDRV_MAX_CHAIN  64

static const BlockDriver *const block_formats[] = {
    &bdrv_qcow2,
    &bdrv_raw,
};

/* ------------------------------------------------------------------ */
/* iovec helpers                                                       */

size_t iov_size(const struct iovec *iov, int niov)
{
    size_t n = 0;

    for (int i = 0; i < niov; i++) {
        n += iov[i].iov_len;
    }
    return n;
}

/* Walk iov from offset, calling fn on each piece; returns bytes done. */
static size_t iov_walk(const struct iovec *iov, int niov, size_t offset,
                       size_t bytes,
                       void (*fn)(void *iov_base, size_t done, size_t len,
                                  void *opaque),
                       void *opaque)
{
    size_t done = 0;

    for (int i = 0; i < niov && done < bytes; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t len = MIN(iov[i].iov_len - offset, bytes - done);
        fn((uint8_t *)iov[i].iov_base + offset, done, len, opaque);
        done += len;
        offset = 0;
    }
    return done;
}

static void iov_to_buf_fn(void *base, size_t done, size_t len, void *opaque)
{
    memcpy((uint8_t *)opaque + done, base, len);
}

static void iov_from_buf_fn(void *base, size_t done, size_t len,
                            void *opaque)
{
    memcpy(base, (const uint8_t *)opaque + done, len);
}

static void iov_memset_fn(void *base, size_t done, size_t len, void *opaque)
{
    memset(base, *(int *)opaque, len);
}

size_t iov_to_buf(const struct iovec *iov, int niov, size_t offset,
                  void *buf, size_t bytes)
{
    return iov_walk(iov, niov, offset, bytes, iov_to_buf_fn, buf);
}

size_t iov_from_buf(const struct iovec *iov, int niov, size_t offset,
                    const void *buf, size_t bytes)
{
    return iov_walk(iov, niov, offset, bytes, iov_from_buf_fn, (void *)buf);
}

void iov_memset(const struct iovec *iov, int niov, size_t offset, int c,
                size_t bytes)
{
    iov_walk(iov, niov, offset, bytes, iov_memset_fn, &c);
}

int iov_slice(const struct iovec *iov, int niov, size_t offset,
              size_t bytes, struct iovec *out, int max)
{
    int n = 0;

    for (int i = 0; i < niov && bytes > 0 && n < max; i++) {
        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        size_t len = MIN(iov[i].iov_len - offset, bytes);
        out[n].iov_base = (uint8_t *)iov[i].iov_base + offset;
        out[n].iov_len = len;
        n++;
        bytes -= len;
        offset = 0;
    }
    return n;
}

void bdrv_log_error(BlockDriverState *bs, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", bs->filename, msg);
    g_free(msg);
}

/* ------------------------------------------------------------------ */
/* Opening and closing                                                 */

static BlockDriverState *bdrv_new(const BlockDriver *drv,
                                  const char *filename, int flags)
{
    BlockDriverState *bs = g_new0(BlockDriverState, 1);

    bs->drv = drv;
    bs->opaque = g_malloc0(drv->instance_size ? drv->instance_size : 1);
    bs->filename = g_strdup(filename);
    bs->open_flags = flags;
    bs->read_only = !(flags & BDRV_O_RDWR);
    bs->request_alignment = 1;
    return bs;
}

static void bdrv_free(BlockDriverState *bs)
{
    g_free(bs->opaque);
    g_free(bs->filename);
    g_free(bs->backing_file);
    g_free(bs->backing_format);
    g_free(bs);
}

BlockDriverState *bdrv_open_file(const char *filename, int flags,
                                 GError **errp)
{
    BlockDriverState *bs = bdrv_new(&bdrv_file, filename, flags);

    if (bdrv_file.open(bs, flags, errp) < 0) {
        bdrv_free(bs);
        return NULL;
    }
    return bs;
}

static const BlockDriver *bdrv_find_format(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(block_formats); i++) {
        if (!strcmp(block_formats[i]->format_name, name)) {
            return block_formats[i];
        }
    }
    return NULL;
}

static const BlockDriver *bdrv_probe(BlockDriverState *file)
{
    uint8_t buf[512] = { 0 };
    const BlockDriver *best = &bdrv_raw;
    int best_score = 0;

    if (bdrv_pread(file, 0, buf, sizeof(buf)) < 0) {
        return &bdrv_raw;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(block_formats); i++) {
        int score = block_formats[i]->probe(buf, sizeof(buf), file->filename);
        if (score > best_score) {
            best_score = score;
            best = block_formats[i];
        }
    }
    return best;
}

/* The backing file name resolved against the directory of the image. */
static char *bdrv_backing_path(const char *image, const char *backing)
{
    if (g_path_is_absolute(backing)) {
        return g_strdup(backing);
    }
    char *dir = g_path_get_dirname(image);
    char *path = g_build_filename(dir, backing, NULL);
    g_free(dir);
    return path;
}

typedef struct OpenChain {
    GPtrArray *paths;           /* realpaths of the images opened so far */
} OpenChain;

static BlockDriverState *bdrv_open_chain(const char *filename,
                                         const char *format, int flags,
                                         OpenChain *chain, GError **errp);

static int bdrv_open_backing(BlockDriverState *bs, int flags,
                             OpenChain *chain, GError **errp)
{
    char *path = bdrv_backing_path(bs->filename, bs->backing_file);
    int bflags = flags & ~(BDRV_O_RDWR | BDRV_O_TEMPORARY | BDRV_O_CHECK);
    GError *local = NULL;

    bs->backing = bdrv_open_chain(path, bs->backing_format, bflags, chain,
                                  &local);
    g_free(path);
    if (!bs->backing) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_LOOP)) {
            g_propagate_error(errp, local);
        } else {
            g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                        "%s: could not open backing file: %s",
                        bs->filename, local->message);
            g_error_free(local);
        }
        return -EINVAL;
    }
    return 0;
}

static int bdrv_chain_enter(const char *filename, OpenChain *chain,
                            GError **errp)
{
    char *real = realpath(filename, NULL);

    if (!real) {
        return 0;       /* the open reports the real problem */
    }
    for (guint i = 0; i < chain->paths->len; i++) {
        if (!strcmp(g_ptr_array_index(chain->paths, i), real)) {
            g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_LOOP,
                        "%s: backing chain loops back to this image",
                        filename);
            free(real);
            return -ELOOP;
        }
    }
    if (chain->paths->len >= BDRV_MAX_CHAIN) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_LOOP,
                    "%s: backing chain is deeper than %d images",
                    filename, BDRV_MAX_CHAIN);
        free(real);
        return -ELOOP;
    }
    g_ptr_array_add(chain->paths, g_strdup(real));
    free(real);
    return 0;
}

static BlockDriverState *bdrv_open_chain(const char *filename,
                                         const char *format, int flags,
                                         OpenChain *chain, GError **errp)
{
    const BlockDriver *drv = NULL;
    BlockDriverState *file, *bs;

    if (format && !(drv = bdrv_find_format(format))) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: unknown image format '%s'", filename, format);
        return NULL;
    }
    if (bdrv_chain_enter(filename, chain, errp) < 0) {
        return NULL;
    }
    file = bdrv_open_file(filename, flags, errp);
    if (!file) {
        return NULL;
    }
    if (!drv) {
        drv = bdrv_probe(file);
    }
    bs = bdrv_new(drv, filename, flags);
    bs->file = file;
    bs->request_alignment = file->request_alignment;
    if (drv->open(bs, flags, errp) < 0) {
        bdrv_close(file);
        bdrv_free(bs);
        return NULL;
    }
    if (bs->backing_file && !(flags & BDRV_O_NO_BACKING) &&
        bdrv_open_backing(bs, flags, chain, errp) < 0) {
        bdrv_close(bs);
        return NULL;
    }
    return bs;
}

BlockDriverState *bdrv_open(const char *filename, const char *format,
                            int flags, GError **errp)
{
    OpenChain chain = { g_ptr_array_new_with_free_func(g_free) };
    BlockDriverState *bs;

    bs = bdrv_open_chain(filename, format, flags, &chain, errp);
    g_ptr_array_free(chain.paths, TRUE);
    if (bs && (flags & BDRV_O_TEMPORARY)) {
        unlink(filename);
    }
    return bs;
}

void bdrv_close(BlockDriverState *bs)
{
    if (!bs) {
        return;
    }
    if (!bs->read_only) {
        bdrv_flush(bs);
    }
    if (bs->drv->close) {
        bs->drv->close(bs);
    }
    bdrv_close(bs->backing);
    bdrv_close(bs->file);
    bdrv_free(bs);
}

/* ------------------------------------------------------------------ */
/* Creating                                                            */

int64_t bdrv_probe_length(const char *filename, const char *format,
                          const char **probed_fmt, GError **errp)
{
    BlockDriverState *bs = bdrv_open(filename, format, 0, errp);
    int64_t len;

    if (!bs) {
        return -EINVAL;
    }
    len = bdrv_getlength(bs);
    if (probed_fmt) {
        *probed_fmt = bs->drv->format_name;
    }
    bdrv_close(bs);
    return len;
}

int bdrv_create(const char *format, const char *filename,
                const BlockCreateOptions *opts, GError **errp)
{
    const BlockDriver *drv = bdrv_find_format(format ? format : "raw");
    BlockCreateOptions o = *opts;

    if (!drv || !drv->create) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: unknown image format '%s'", filename,
                    format ? format : "");
        return -EINVAL;
    }
    if (o.size < 0) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: invalid image size %" G_GINT64_FORMAT,
                    filename, o.size);
        return -EINVAL;
    }
    if (o.backing_file && o.backing_file[0]) {
        char *path = bdrv_backing_path(filename, o.backing_file);
        const char *fmt = NULL;
        GError *local = NULL;
        int64_t len = bdrv_probe_length(path, o.backing_fmt, &fmt, &local);

        g_free(path);
        if (len < 0) {
            g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                        "%s: could not open backing file: %s", filename,
                        local->message);
            g_error_free(local);
            return -EINVAL;
        }
        if (!o.backing_fmt) {
            o.backing_fmt = fmt;
        }
        if (o.size == 0) {
            o.size = len;
        }
    }
    return drv->create(filename, &o, errp);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */

const char *bdrv_format_name(const BlockDriverState *bs)
{
    return bs->drv->format_name;
}

const char *bdrv_filename(const BlockDriverState *bs)
{
    return bs->filename;
}

BlockDriverState *bdrv_backing(const BlockDriverState *bs)
{
    return bs->backing;
}

bool bdrv_is_read_only(const BlockDriverState *bs)
{
    return bs->read_only;
}

int64_t bdrv_getlength(BlockDriverState *bs)
{
    return bs->drv->getlength(bs);
}

int64_t bdrv_get_allocated_file_size(BlockDriverState *bs)
{
    if (bs->drv->get_allocated_file_size) {
        return bs->drv->get_allocated_file_size(bs);
    }
    if (bs->file) {
        return bdrv_get_allocated_file_size(bs->file);
    }
    return -ENOTSUP;
}

uint32_t bdrv_request_alignment(const BlockDriverState *bs)
{
    return bs->request_alignment;
}

/* ------------------------------------------------------------------ */
/* I/O                                                                 */

/* 0 if [offset, offset + bytes) may be accessed, else -errno. */
static int bdrv_check_request(BlockDriverState *bs, int64_t offset,
                              int64_t bytes, bool write)
{
    if (offset < 0 || bytes < 0 || bytes > INT64_MAX - offset) {
        return -EINVAL;
    }
    if (write && bs->read_only) {
        return -EPERM;
    }
    if (!bs->drv->is_protocol) {
        int64_t len = bdrv_getlength(bs);
        if (len < 0) {
            return (int)len;
        }
        if (offset + bytes > len) {
            return -EIO;
        }
    }
    return 0;
}

int bdrv_preadv(BlockDriverState *bs, int64_t offset,
                const struct iovec *iov, int niov)
{
    int64_t bytes = iov_size(iov, niov);
    int ret = bdrv_check_request(bs, offset, bytes, false);

    if (ret < 0 || bytes == 0) {
        return ret;
    }
    return bs->drv->preadv(bs, offset, bytes, iov, niov);
}

static int bdrv_after_write(BlockDriverState *bs, int ret)
{
    if (ret >= 0 && !bs->drv->is_protocol &&
        (bs->open_flags & BDRV_O_WRITETHROUGH)) {
        ret = bdrv_flush(bs);
    }
    return ret;
}

int bdrv_pwritev(BlockDriverState *bs, int64_t offset,
                 const struct iovec *iov, int niov)
{
    int64_t bytes = iov_size(iov, niov);
    int ret = bdrv_check_request(bs, offset, bytes, true);

    if (ret < 0 || bytes == 0) {
        return ret;
    }
    ret = bs->drv->pwritev(bs, offset, bytes, iov, niov);
    return bdrv_after_write(bs, ret);
}

int bdrv_pread(BlockDriverState *bs, int64_t offset, void *buf,
               size_t bytes)
{
    struct iovec iov = { buf, bytes };

    return bdrv_preadv(bs, offset, &iov, 1);
}

int bdrv_pwrite(BlockDriverState *bs, int64_t offset, const void *buf,
                size_t bytes)
{
    struct iovec iov = { (void *)buf, bytes };

    return bdrv_pwritev(bs, offset, &iov, 1);
}

int bdrv_flush(BlockDriverState *bs)
{
    int ret = 0;

    if (!bs || bs->read_only) {
        return 0;
    }
    if (bs->drv->flush) {
        ret = bs->drv->flush(bs);
    }
    if (ret >= 0 && bs->file) {
        ret = bdrv_flush(bs->file);
    }
    return ret;
}

int bdrv_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    int ret = bdrv_check_request(bs, offset, bytes, true);

    if (ret < 0 || bytes == 0 || !bs->drv->pdiscard) {
        return ret;
    }
    ret = bs->drv->pdiscard(bs, offset, bytes);
    return bdrv_after_write(bs, ret == -ENOTSUP ? 0 : ret);
}

/* Write explicit zeroes, a chunk at a time. */
static int bdrv_write_zero_buffer(BlockDriverState *bs, int64_t offset,
                                  int64_t bytes)
{
    const size_t chunk = 1 << 20;
    void *zero = g_malloc0(MIN((int64_t)chunk, bytes));
    int ret = 0;

    while (bytes > 0 && ret >= 0) {
        size_t n = MIN((int64_t)chunk, bytes);
        struct iovec iov = { zero, n };
        ret = bs->drv->pwritev(bs, offset, n, &iov, 1);
        offset += n;
        bytes -= n;
    }
    g_free(zero);
    return ret;
}

int bdrv_pwrite_zeroes(BlockDriverState *bs, int64_t offset, int64_t bytes,
                       int flags)
{
    int ret = bdrv_check_request(bs, offset, bytes, true);

    if (ret < 0 || bytes == 0) {
        return ret;
    }
    ret = -ENOTSUP;
    if (bs->drv->pwrite_zeroes) {
        ret = bs->drv->pwrite_zeroes(bs, offset, bytes, flags);
    }
    if (ret == -ENOTSUP) {
        ret = bdrv_write_zero_buffer(bs, offset, bytes);
    }
    return bdrv_after_write(bs, ret);
}

int bdrv_pwrite_compressed(BlockDriverState *bs, int64_t offset,
                           const void *buf, size_t bytes)
{
    int ret = bdrv_check_request(bs, offset, bytes, true);

    if (ret < 0) {
        return ret;
    }
    if (!bs->drv->pwrite_compressed) {
        return -ENOTSUP;
    }
    ret = bs->drv->pwrite_compressed(bs, offset, buf, bytes);
    return bdrv_after_write(bs, ret);
}

int bdrv_truncate(BlockDriverState *bs, int64_t size, GError **errp)
{
    if (size < 0) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: invalid size %" G_GINT64_FORMAT, bs->filename,
                    size);
        return -EINVAL;
    }
    if (bs->read_only) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_PERM,
                    "%s: image is read-only", bs->filename);
        return -EPERM;
    }
    if (!bs->drv->truncate) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: format '%s' cannot be resized", bs->filename,
                    bs->drv->format_name);
        return -ENOTSUP;
    }
    return bs->drv->truncate(bs, size, errp);
}

/* ------------------------------------------------------------------ */
/* Allocation status                                                   */

int bdrv_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum, int64_t *map)
{
    int64_t len = bdrv_getlength(bs);
    int64_t dummy;

    map = map ? map : &dummy;
    *pnum = 0;
    *map = 0;
    if (len < 0) {
        return (int)len;
    }
    if (offset < 0 || bytes < 0) {
        return -EINVAL;
    }
    bytes = MIN(bytes, len - offset);
    if (bytes <= 0) {
        return 0;
    }
    if (!bs->drv->block_status) {
        *pnum = bytes;
        *map = offset;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED |
               BDRV_BLOCK_OFFSET_VALID;
    }
    return bs->drv->block_status(bs, offset, bytes, pnum, map);
}

int bdrv_block_status_above(BlockDriverState *bs, int64_t offset,
                            int64_t bytes, int64_t *pnum, int64_t *map,
                            int *depth)
{
    int64_t limit = bytes;
    int d = 0;

    for (BlockDriverState *p = bs; p; p = p->backing, d++) {
        int64_t n = 0;
        int64_t plen = bdrv_getlength(p);
        int ret;

        if (plen >= 0 && offset >= plen) {
            break;      /* past this image's end: zeroes from here */
        }
        ret = bdrv_block_status(p, offset, limit, &n, map);
        if (ret < 0) {
            return ret;
        }
        if (n <= 0) {
            break;
        }
        limit = n;
        if (ret & BDRV_BLOCK_ALLOCATED) {
            *pnum = n;
            *depth = d;
            return ret;
        }
    }
    *pnum = limit;
    *depth = -1;
    if (map) {
        *map = 0;
    }
    return limit > 0 ? BDRV_BLOCK_ZERO : 0;
}

/* ------------------------------------------------------------------ */
/* Information, check, snapshots, backing files                        */

int bdrv_get_info(BlockDriverState *bs, BlockImageInfo *info)
{
    memset(info, 0, sizeof(*info));
    info->format = bs->drv->format_name;
    info->filename = g_strdup(bs->filename);
    info->virtual_size = bdrv_getlength(bs);
    info->actual_size = bdrv_get_allocated_file_size(bs);
    info->backing_filename = g_strdup(bs->backing_file);
    info->backing_fmt = g_strdup(bs->backing_format);
    if (bs->drv->get_info) {
        return bs->drv->get_info(bs, info);
    }
    return 0;
}

void bdrv_image_info_clear(BlockImageInfo *info)
{
    g_free(info->filename);
    g_free(info->backing_filename);
    g_free(info->backing_fmt);
    for (int i = 0; i < info->nb_snapshots; i++) {
        g_free(info->snapshots[i].id);
        g_free(info->snapshots[i].name);
    }
    g_free(info->snapshots);
    memset(info, 0, sizeof(*info));
}

int bdrv_check(BlockDriverState *bs, BlockCheckResult *res, int fix)
{
    memset(res, 0, sizeof(*res));
    if (!bs->drv->check) {
        return 0;
    }
    if (fix && bs->read_only) {
        return -EPERM;
    }
    res->supported = true;
    return bs->drv->check(bs, res, fix);
}

static int bdrv_not_supported(BlockDriverState *bs, const char *what,
                              GError **errp)
{
    g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: format '%s' does not support %s", bs->filename,
                bs->drv->format_name, what);
    return -ENOTSUP;
}

static int bdrv_check_writable(BlockDriverState *bs, GError **errp)
{
    if (bs->read_only) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_PERM,
                    "%s: image is read-only", bs->filename);
        return -EPERM;
    }
    return 0;
}

int bdrv_snapshot_create(BlockDriverState *bs, const char *name,
                         GError **errp)
{
    if (!bs->drv->snapshot_create) {
        return bdrv_not_supported(bs, "internal snapshots", errp);
    }
    if (bdrv_check_writable(bs, errp) < 0) {
        return -EPERM;
    }
    return bs->drv->snapshot_create(bs, name, errp);
}

int bdrv_snapshot_goto(BlockDriverState *bs, const char *id_or_name,
                       GError **errp)
{
    if (!bs->drv->snapshot_goto) {
        return bdrv_not_supported(bs, "internal snapshots", errp);
    }
    if (bdrv_check_writable(bs, errp) < 0) {
        return -EPERM;
    }
    return bs->drv->snapshot_goto(bs, id_or_name, errp);
}

int bdrv_snapshot_delete(BlockDriverState *bs, const char *id_or_name,
                         GError **errp)
{
    if (!bs->drv->snapshot_delete) {
        return bdrv_not_supported(bs, "internal snapshots", errp);
    }
    if (bdrv_check_writable(bs, errp) < 0) {
        return -EPERM;
    }
    return bs->drv->snapshot_delete(bs, id_or_name, errp);
}

int bdrv_change_backing_file(BlockDriverState *bs, const char *backing,
                             const char *backing_fmt, GError **errp)
{
    if (!bs->drv->change_backing_file) {
        return bdrv_not_supported(bs, "backing files", errp);
    }
    if (bdrv_check_writable(bs, errp) < 0) {
        return -EPERM;
    }
    return bs->drv->change_backing_file(bs, backing, backing_fmt, errp);
}

int bdrv_make_empty(BlockDriverState *bs, GError **errp)
{
    if (!bs->drv->make_empty) {
        return bdrv_not_supported(bs, "emptying", errp);
    }
    if (bdrv_check_writable(bs, errp) < 0) {
        return -EPERM;
    }
    return bs->drv->make_empty(bs, errp);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "raw" format: the image is the disk, byte for byte.  Every request
 * passes straight to the host file; the virtual size is the file's size
 * (writes past it fail in the core, as they do for a real disk).
 */
#include <errno.h>

#include "block-int.h"

static int raw_probe(const uint8_t *buf, int len, const char *filename)
{
    (void)buf;
    (void)len;
    (void)filename;
    return 1;   /* anything can be raw */
}

static int raw_open(BlockDriverState *bs, int flags, GError **errp)
{
    (void)bs;
    (void)flags;
    (void)errp;
    return 0;
}

static int raw_create(const char *filename, const BlockCreateOptions *opts,
                      GError **errp)
{
    BlockDriverState *file;
    int ret;

    if (opts->backing_file) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: format 'raw' does not support backing files",
                    filename);
        return -EINVAL;
    }
    ret = bdrv_create_file(filename, errp);
    if (ret < 0) {
        return ret;
    }
    file = bdrv_open_file(filename, BDRV_O_RDWR, errp);
    if (!file) {
        return -EIO;
    }
    ret = bdrv_file_truncate(file, opts->size);
    if (ret < 0) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(-ret),
                    "%s: could not resize: %s", filename, g_strerror(-ret));
    }
    bdrv_close(file);
    return ret;
}

/*
 * Whole sectors, as QEMU reports a raw image: the tail of a file whose
 * length is not a multiple of 512 reads as zeroes.
 */
static int64_t raw_getlength(BlockDriverState *bs)
{
    int64_t len = bdrv_getlength(bs->file);

    if (len < 0) {
        return len;
    }
    return (len + BDRV_SECTOR_SIZE - 1) & ~(int64_t)(BDRV_SECTOR_SIZE - 1);
}

static int raw_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      const struct iovec *iov, int niov)
{
    (void)bytes;
    return bdrv_preadv(bs->file, offset, iov, niov);
}

static int raw_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                       const struct iovec *iov, int niov)
{
    (void)bytes;
    return bdrv_pwritev(bs->file, offset, iov, niov);
}

static int raw_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    return bdrv_pdiscard(bs->file, offset, bytes);
}

static int raw_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                             int64_t bytes, int flags)
{
    return bdrv_pwrite_zeroes(bs->file, offset, bytes, flags);
}

static int raw_truncate(BlockDriverState *bs, int64_t size, GError **errp)
{
    int ret = bdrv_file_truncate(bs->file, size);

    if (ret < 0) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(-ret),
                    "%s: could not resize: %s", bs->filename,
                    g_strerror(-ret));
    }
    return ret;
}

static int raw_block_status(BlockDriverState *bs, int64_t offset,
                            int64_t bytes, int64_t *pnum, int64_t *map)
{
    return bdrv_block_status(bs->file, offset, bytes, pnum, map);
}

const BlockDriver bdrv_raw = {
    .format_name = "raw",
    .probe = raw_probe,
    .open = raw_open,
    .create = raw_create,
    .getlength = raw_getlength,
    .preadv = raw_preadv,
    .pwritev = raw_pwritev,
    .pdiscard = raw_pdiscard,
    .pwrite_zeroes = raw_pwrite_zeroes,
    .truncate = raw_truncate,
    .block_status = raw_block_status,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "file" protocol driver: a host file or block device.
 *
 * Reads past the end of the file return zeroes (qcow2 reads compressed
 * clusters that end there); writes past it grow the file.  With
 * BDRV_O_NOCACHE the file is opened O_DIRECT: requests whose offset,
 * length or memory are not aligned to FILE_DIRECT_ALIGN go through an
 * aligned bounce buffer (read-modify-write of the partial blocks at the
 * edges), and a write that had to round past the end of the file is
 * trimmed back so the file's size is what the caller wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block-int.h"

#define FILE_DIRECT_ALIGN   4096
#define FILE_IOV_MAX        1024

typedef struct FileState {
    int fd;
    int64_t size;           /* cached: only we grow or shrink the file */
    bool is_blockdev;
    bool direct;
} FileState;

static int file_refresh_size(FileState *s)
{
    struct stat st;

    if (fstat(s->fd, &st) < 0) {
        return -errno;
    }
    s->is_blockdev = S_ISBLK(st.st_mode);
    if (s->is_blockdev) {
        off_t end = lseek(s->fd, 0, SEEK_END);
        if (end < 0) {
            return -errno;
        }
        s->size = end;
    } else {
        s->size = st.st_size;
    }
    return 0;
}

static int file_open(BlockDriverState *bs, int flags, GError **errp)
{
    FileState *s = bs->opaque;
    int oflags = O_CLOEXEC | ((flags & BDRV_O_RDWR) ? O_RDWR : O_RDONLY);
    int ret;

    if (flags & BDRV_O_NOCACHE) {
        oflags |= O_DIRECT;
        s->direct = true;
        bs->request_alignment = FILE_DIRECT_ALIGN;
    }
    s->fd = open(bs->filename, oflags);
    if (s->fd < 0) {
        ret = -errno;
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(-ret),
                    "%s: could not open: %s", bs->filename,
                    g_strerror(-ret));
        return ret;
    }
    ret = file_refresh_size(s);
    if (ret < 0) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(-ret),
                    "%s: could not stat: %s", bs->filename,
                    g_strerror(-ret));
        close(s->fd);
        return ret;
    }
    return 0;
}

static void file_close(BlockDriverState *bs)
{
    FileState *s = bs->opaque;

    close(s->fd);
}

int bdrv_create_file(const char *filename, GError **errp)
{
    int fd = open(filename, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);

    if (fd < 0) {
        int ret = -errno;
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(-ret),
                    "%s: could not create: %s", filename, g_strerror(-ret));
        return ret;
    }
    close(fd);
    return 0;
}

static int file_create(const char *filename, const BlockCreateOptions *opts,
                       GError **errp)
{
    (void)opts;
    return bdrv_create_file(filename, errp);
}

static int64_t file_getlength(BlockDriverState *bs)
{
    FileState *s = bs->opaque;

    return s->size;
}

static int64_t file_allocated_size(BlockDriverState *bs)
{
    FileState *s = bs->opaque;
    struct stat st;

    if (fstat(s->fd, &st) < 0) {
        return -errno;
    }
    return (int64_t)st.st_blocks * 512;
}

/* ------------------------------------------------------------------ */
/* Plain I/O loops                                                     */

/* Advance a private iovec copy by n bytes. */
static int iov_advance(struct iovec *iov, int niov, size_t n)
{
    int i = 0;

    while (i < niov && n >= iov[i].iov_len) {
        n -= iov[i].iov_len;
        i++;
    }
    if (i < niov) {
        iov[i].iov_base = (uint8_t *)iov[i].iov_base + n;
        iov[i].iov_len -= n;
    }
    return i;
}

static int file_rw_loop(FileState *s, int64_t offset, int64_t bytes,
                        const struct iovec *iov_in, int niov, bool write)
{
    struct iovec stack[16];
    struct iovec *iov = niov <= 16 ? stack : g_new(struct iovec, niov);
    int first = 0;
    int ret = 0;

    memcpy(iov, iov_in, niov * sizeof(*iov));
    while (bytes > 0) {
        int cnt = MIN(niov - first, FILE_IOV_MAX);
        ssize_t n = write ? pwritev(s->fd, iov + first, cnt, offset)
                          : preadv(s->fd, iov + first, cnt, offset);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            ret = -errno;
            break;
        }
        if (n == 0) {
            if (write) {
                ret = -EIO;
            } else {        /* end of file: the rest reads as zeroes */
                iov_memset(iov + first, niov - first, 0, 0, bytes);
            }
            break;
        }
        offset += n;
        bytes -= n;
        first += iov_advance(iov + first, niov - first, n);
    }
    if (iov != stack) {
        g_free(iov);
    }
    return ret;
}

static bool file_iov_aligned(const struct iovec *iov, int niov)
{
    for (int i = 0; i < niov; i++) {
        if (((uintptr_t)iov[i].iov_base | iov[i].iov_len) &
            (FILE_DIRECT_ALIGN - 1)) {
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* O_DIRECT bounce buffering                                           */

static int file_direct_bounce(FileState *s, int64_t offset, int64_t bytes,
                              const struct iovec *iov, int niov, bool write)
{
    const int64_t a = FILE_DIRECT_ALIGN;
    int64_t start = offset & ~(a - 1);
    int64_t end = (offset + bytes + a - 1) & ~(a - 1);
    int64_t old_size = s->size;
    size_t len = end - start;
    void *buf;
    struct iovec biov;
    int ret = 0;

    if (posix_memalign(&buf, a, len)) {
        return -ENOMEM;
    }
    bool head = start != offset, tail = end != offset + bytes;

    if (!write || head || (tail && len == (size_t)a)) {
        biov = (struct iovec){ buf, write ? a : len };
        ret = file_rw_loop(s, start, biov.iov_len, &biov, 1, false);
    }
    if (ret >= 0 && write && tail && len > (size_t)a) {
        biov = (struct iovec){ (uint8_t *)buf + len - a, a };
        ret = file_rw_loop(s, end - a, a, &biov, 1, false);
    }
    if (ret >= 0 && write) {
        iov_to_buf(iov, niov, 0, (uint8_t *)buf + (offset - start), bytes);
        biov = (struct iovec){ buf, len };
        ret = file_rw_loop(s, start, len, &biov, 1, true);
        if (ret >= 0 && end > MAX(old_size, offset + bytes)) {
            if (ftruncate(s->fd, MAX(old_size, offset + bytes)) < 0) {
                ret = -errno;
            }
        }
    } else if (ret >= 0) {
        iov_from_buf(iov, niov, 0, (uint8_t *)buf + (offset - start), bytes);
    }
    free(buf);
    return ret;
}

static int file_rw(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   const struct iovec *iov, int niov, bool write)
{
    FileState *s = bs->opaque;
    int ret;

    if (s->direct &&
        (((offset | bytes) & (FILE_DIRECT_ALIGN - 1)) ||
         !file_iov_aligned(iov, niov))) {
        ret = file_direct_bounce(s, offset, bytes, iov, niov, write);
    } else {
        ret = file_rw_loop(s, offset, bytes, iov, niov, write);
    }
    if (ret >= 0 && write && offset + bytes > s->size) {
        s->size = offset + bytes;
    }
    return ret;
}

static int file_preadv(BlockDriverState *bs, int64_t offset, int64_t bytes,
                       const struct iovec *iov, int niov)
{
    return file_rw(bs, offset, bytes, iov, niov, false);
}

static int file_pwritev(BlockDriverState *bs, int64_t offset, int64_t bytes,
                        const struct iovec *iov, int niov)
{
    return file_rw(bs, offset, bytes, iov, niov, true);
}

static int file_flush(BlockDriverState *bs)
{
    FileState *s = bs->opaque;

    if (bs->open_flags & BDRV_O_UNSAFE) {
        return 0;
    }
    if (fdatasync(s->fd) < 0) {
        return -errno;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Discard, zeroes, size, status                                       */

static int file_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    FileState *s = bs->opaque;

    if (s->is_blockdev || offset >= s->size) {
        return 0;
    }
    bytes = MIN(bytes, s->size - offset);
    /* Best effort: a file system without hole punching keeps the data. */
    fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset,
              bytes);
    return 0;
}

static int file_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                              int64_t bytes, int flags)
{
    FileState *s = bs->opaque;

    if (s->is_blockdev) {
        return -ENOTSUP;
    }
    if ((flags & BDRV_REQ_MAY_UNMAP) && offset + bytes <= s->size &&
        fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  offset, bytes) == 0) {
        return 0;
    }
    if (fallocate(s->fd, FALLOC_FL_ZERO_RANGE, offset, bytes) == 0) {
        s->size = MAX(s->size, offset + bytes);
        return 0;
    }
    if (offset >= s->size) {
        /* Past the end, growing the file makes zeroes. */
        if (ftruncate(s->fd, offset + bytes) < 0) {
            return -errno;
        }
        s->size = offset + bytes;
        return 0;
    }
    return -ENOTSUP;
}

int bdrv_file_truncate(BlockDriverState *file, int64_t size)
{
    FileState *s = file->opaque;

    if (file->read_only) {
        return -EPERM;
    }
    if (s->is_blockdev) {
        return size <= s->size ? 0 : -ENOSPC;
    }
    if (ftruncate(s->fd, size) < 0) {
        return -errno;
    }
    s->size = size;
    return 0;
}

static int file_truncate(BlockDriverState *bs, int64_t size, GError **errp)
{
    int ret = bdrv_file_truncate(bs, size);

    if (ret < 0) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(-ret),
                    "%s: could not resize: %s", bs->filename,
                    g_strerror(-ret));
    }
    return ret;
}

static int file_block_status(BlockDriverState *bs, int64_t offset,
                             int64_t bytes, int64_t *pnum, int64_t *map)
{
    FileState *s = bs->opaque;
    const int flags = BDRV_BLOCK_ALLOCATED | BDRV_BLOCK_OFFSET_VALID;
    off_t data, hole;

    *map = offset;
    *pnum = bytes;
    if (s->is_blockdev) {
        return flags | BDRV_BLOCK_DATA;
    }
    data = lseek(s->fd, offset, SEEK_DATA);
    if (data < 0 && errno == ENXIO) {
        return flags | BDRV_BLOCK_ZERO;     /* a hole up to the end */
    }
    if (data < 0) {
        return flags | BDRV_BLOCK_DATA;     /* SEEK_DATA unsupported */
    }
    if (data > offset) {
        *pnum = MIN(bytes, data - offset);
        return flags | BDRV_BLOCK_ZERO;
    }
    hole = lseek(s->fd, offset, SEEK_HOLE);
    if (hole > offset) {
        *pnum = MIN(bytes, hole - offset);
    }
    return flags | BDRV_BLOCK_DATA;
}

const BlockDriver bdrv_file = {
    .format_name = "file",
    .instance_size = sizeof(FileState),
    .is_protocol = true,
    .open = file_open,
    .close = file_close,
    .create = file_create,
    .getlength = file_getlength,
    .get_allocated_file_size = file_allocated_size,
    .preadv = file_preadv,
    .pwritev = file_pwritev,
    .flush = file_flush,
    .pdiscard = file_pdiscard,
    .pwrite_zeroes = file_pwrite_zeroes,
    .truncate = file_truncate,
    .block_status = file_block_status,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block layer's inside: the driver interface and the node struct.
 *
 * A node (BlockDriverState) is one driver instance.  Format nodes (raw,
 * qcow2) sit on a protocol node (the "file" driver, file-posix.c) held in
 * bs->file, and may have a backing node (another format node, opened
 * read-only).  block.c validates every request against the node's size,
 * then calls the driver; a driver reaches its host file only through
 * bdrv_* calls on bs->file, so the core's checks and flags apply there
 * too.
 *
 * Requests reaching a driver are within [0, length) for format drivers
 * (protocol drivers may be asked past their end: reads return zeroes,
 * writes grow the file).  Drivers run single-threaded per chain: the
 * BlockBackend worker serializes requests.
 */
#ifndef KESTREL_BLOCK_INT_H
#define KESTREL_BLOCK_INT_H

#include "kestrel/block.h"

typedef struct BlockDriver BlockDriver;

struct BlockDriver {
    const char *format_name;
    size_t instance_size;       /* bytes of bs->opaque */
    bool is_protocol;           /* opens a host file itself */
    /* Score how much buf (the file's first bytes) looks like this
     * format: 0 no, 1 fallback (raw), 100 magic match. */
    int (*probe)(const uint8_t *buf, int len, const char *filename);
    /* Format drivers: bs->file is open.  Protocol drivers: open
     * bs->filename.  Must not write to the file when it fails. */
    int (*open)(BlockDriverState *bs, int flags, GError **errp);
    void (*close)(BlockDriverState *bs);
    /* Create filename (format drivers create the host file through
     * bdrv_create_file). */
    int (*create)(const char *filename, const BlockCreateOptions *opts,
                  GError **errp);
    int64_t (*getlength)(BlockDriverState *bs);
    int64_t (*get_allocated_file_size)(BlockDriverState *bs);
    int (*preadv)(BlockDriverState *bs, int64_t offset, int64_t bytes,
                  const struct iovec *iov, int niov);
    int (*pwritev)(BlockDriverState *bs, int64_t offset, int64_t bytes,
                   const struct iovec *iov, int niov);
    /* Format drivers: write cached metadata to bs->file (the core then
     * flushes bs->file).  Protocol drivers: fdatasync. */
    int (*flush)(BlockDriverState *bs);
    int (*pdiscard)(BlockDriverState *bs, int64_t offset, int64_t bytes);
    /* -ENOTSUP: the core writes a buffer of zeroes instead. */
    int (*pwrite_zeroes)(BlockDriverState *bs, int64_t offset,
                         int64_t bytes, int flags);
    int (*pwrite_compressed)(BlockDriverState *bs, int64_t offset,
                             const void *buf, size_t bytes);
    int (*truncate)(BlockDriverState *bs, int64_t size, GError **errp);
    /* NULL: everything is data at the same offset of bs->file. */
    int (*block_status)(BlockDriverState *bs, int64_t offset,
                        int64_t bytes, int64_t *pnum, int64_t *map);
    /* Fill the format's own fields; the core fills the generic ones. */
    int (*get_info)(BlockDriverState *bs, BlockImageInfo *info);
    int (*check)(BlockDriverState *bs, BlockCheckResult *res, int fix);
    int (*snapshot_create)(BlockDriverState *bs, const char *name,
                           GError **errp);
    int (*snapshot_goto)(BlockDriverState *bs, const char *id_or_name,
                         GError **errp);
    int (*snapshot_delete)(BlockDriverState *bs, const char *id_or_name,
                           GError **errp);
    int (*change_backing_file)(BlockDriverState *bs, const char *backing,
                               const char *backing_fmt, GError **errp);
    int (*make_empty)(BlockDriverState *bs, GError **errp);
};

struct BlockDriverState {
    const BlockDriver *drv;
    void *opaque;               /* drv->instance_size bytes */
    char *filename;             /* as given to bdrv_open */
    int open_flags;             /* BDRV_O_* */
    bool read_only;
    uint32_t request_alignment; /* 1 unless O_DIRECT */
    BlockDriverState *file;     /* protocol child of a format node */
    BlockDriverState *backing;  /* open backing image, or NULL */
    /* Set by the format driver's open: the backing file as recorded
     * in the image (NULL: none) and its recorded format (or NULL). */
    char *backing_file;
    char *backing_format;
};

extern const BlockDriver bdrv_file;
extern const BlockDriver bdrv_raw;
extern const BlockDriver bdrv_qcow2;

/* Create an empty host file (truncating an existing one). */
int bdrv_create_file(const char *filename, GError **errp);
/* Open filename with the protocol driver only (for create functions). */
BlockDriverState *bdrv_open_file(const char *filename, int flags,
                                 GError **errp);
/* Open a format image for a create function that needs its size. */
int64_t bdrv_probe_length(const char *filename, const char *format,
                          const char **probed_fmt, GError **errp);
/* Host file truncate (protocol nodes). */
int bdrv_file_truncate(BlockDriverState *file, int64_t size);

/* iovec helpers.  Copy between a flat buffer and iov at byte offset. */
/* hw/virtio exports iov_to_buf/iov_from_buf too: keep block's apart. */
#define iov_to_buf block_iov_to_buf
#define iov_from_buf block_iov_from_buf
size_t iov_to_buf(const struct iovec *iov, int niov, size_t offset,
                  void *buf, size_t bytes);
size_t iov_from_buf(const struct iovec *iov, int niov, size_t offset,
                    const void *buf, size_t bytes);
void iov_memset(const struct iovec *iov, int niov, size_t offset, int c,
                size_t bytes);
size_t iov_size(const struct iovec *iov, int niov);
/*
 * Describe [offset, offset + bytes) of iov in out (at most max entries,
 * which need not exceed niov).  Returns the number of entries used.
 */
int iov_slice(const struct iovec *iov, int niov, size_t offset,
              size_t bytes, struct iovec *out, int max);

/* Log a message about bs once per node and category (corruption). */
void bdrv_log_error(BlockDriverState *bs, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

#endif /* KESTREL_BLOCK_INT_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block layer: disk images behind one API, whatever their format.
 *
 * Two levels.
 *
 * BlockDriverState ("bs", an open image node): synchronous, byte-granular
 * I/O through the image's format driver (raw, qcow2) and its backing chain.
 * Requests need no alignment; the core does read-modify-write around the
 * driver's request alignment.  kestrel-img and the tests work here.
 *
 *     GError *err = NULL;
 *     BlockDriverState *bs = bdrv_open("disk.qcow2", NULL,
 *                                      BDRV_O_RDWR, &err);
 *     if (!bs) { fprintf(stderr, "%s\n", err->message); ... }
 *     r = bdrv_pwrite(bs, 512, buf, 4096);        // 0 or -errno
 *     r = bdrv_flush(bs);
 *     bdrv_close(bs);                             // closes the chain
 *
 * BlockBackend ("blk", what a device model holds): the top node plus the
 * drive's options (read-only, cache mode), and asynchronous requests.  A
 * worker thread runs the synchronous requests in submission order; each
 * completion is queued and the backend's event fd becomes readable.  The
 * device registers that fd with its main loop and calls
 * blk_run_completions(), which calls each request's callback in the
 * caller's thread.  block/ therefore knows nothing of the main loop,
 * the BQL or the devices (ARCHITECTURE.md: block depends on glib and
 * zlib only).
 *
 * Errors: functions returning int give 0 (or a count) on success and
 * -errno on failure; functions that open or create take a GError whose
 * message is one line naming the image and the problem ("disk.qcow2:
 * L1 table offset 0x... is past the end of the file").  An image found
 * corrupt while in use is marked corrupt (qcow2's corrupt bit), further
 * writes fail with -EIO, and the problem is logged once.
 */
#ifndef KESTREL_BLOCK_H
#define KESTREL_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <glib.h>

#define BDRV_SECTOR_SIZE        512

typedef struct BlockDriverState BlockDriverState;
typedef struct BlockBackend BlockBackend;

/* ------------------------------------------------------------------ */
/* Opening and creating images                                         */

enum {
    BDRV_O_RDWR         = 1 << 0,   /* open for writing */
    BDRV_O_NO_BACKING   = 1 << 1,   /* do not open the backing file */
    BDRV_O_NOCACHE      = 1 << 2,   /* O_DIRECT on the host file */
    BDRV_O_CHECK        = 1 << 3,   /* open a corrupt/dirty image for check
                                       (no automatic repair on open) */
    BDRV_O_UNSAFE       = 1 << 4,   /* cache=unsafe: flushes are no-ops */
    BDRV_O_WRITETHROUGH = 1 << 5,   /* flush after every write */
    BDRV_O_TEMPORARY    = 1 << 6,   /* unlink the file once it is open */
};

/*
 * Open filename with format ("raw", "qcow2", or NULL to probe: qcow2 by
 * its magic, raw otherwise).  The backing chain is opened read-only
 * (backing formats probed when the image does not record one); a chain
 * that loops or is deeper than 64 is an error.  NULL with *errp set.
 */
BlockDriverState *bdrv_open(const char *filename, const char *format,
                            int flags, GError **errp);
/* Close bs and its backing chain (flushing first).  NULL is a no-op. */
void bdrv_close(BlockDriverState *bs);

/* What bdrv_create makes.  Zero fields mean the format's default. */
typedef struct BlockCreateOptions {
    int64_t size;               /* virtual size in bytes; with a backing
                                   file, 0 means the backing file's */
    const char *backing_file;   /* NULL: none (recorded as given) */
    const char *backing_fmt;    /* NULL: probed, and recorded if known */
    uint32_t cluster_size;      /* qcow2: 512..2M, power of two; 65536 */
    int compat;                 /* qcow2: 2 ("0.10") or 3 ("1.1"); 3 */
    int refcount_bits;          /* qcow2 v3: 1..64, power of two; 16 */
    bool lazy_refcounts;        /* qcow2 v3 only */
} BlockCreateOptions;

/*
 * Create (or overwrite) filename as an empty image of format.  With a
 * backing file the backing image is opened to check it (and to take its
 * size when opts->size is 0).  0 on success, -errno with *errp.
 */
int bdrv_create(const char *format, const char *filename,
                const BlockCreateOptions *opts, GError **errp);

/* "raw", "qcow2" */
const char *bdrv_format_name(const BlockDriverState *bs);
const char *bdrv_filename(const BlockDriverState *bs);
/* The open backing image, or NULL. */
BlockDriverState *bdrv_backing(const BlockDriverState *bs);
bool bdrv_is_read_only(const BlockDriverState *bs);
/* Virtual size in bytes. */
int64_t bdrv_getlength(BlockDriverState *bs);
/* Bytes the image file occupies on the host (st_blocks * 512). */
int64_t bdrv_get_allocated_file_size(BlockDriverState *bs);
/* Smallest request the driver takes without read-modify-write. */
uint32_t bdrv_request_alignment(const BlockDriverState *bs);

/* ------------------------------------------------------------------ */
/* Synchronous I/O (0 or -errno; byte granularity)                     */

int bdrv_pread(BlockDriverState *bs, int64_t offset, void *buf,
               size_t bytes);
int bdrv_pwrite(BlockDriverState *bs, int64_t offset, const void *buf,
                size_t bytes);
int bdrv_preadv(BlockDriverState *bs, int64_t offset,
                const struct iovec *iov, int niov);
int bdrv_pwritev(BlockDriverState *bs, int64_t offset,
                 const struct iovec *iov, int niov);
/* Data and metadata on stable storage (honours BDRV_O_UNSAFE). */
int bdrv_flush(BlockDriverState *bs);
/* The range may read back as anything afterwards; never an error for
 * a driver that cannot discard (it does nothing). */
int bdrv_pdiscard(BlockDriverState *bs, int64_t offset, int64_t bytes);

enum {
    BDRV_REQ_MAY_UNMAP = 1 << 0,    /* write-zeroes may deallocate */
};
/* The range reads back as zeroes afterwards. */
int bdrv_pwrite_zeroes(BlockDriverState *bs, int64_t offset,
                       int64_t bytes, int flags);
/*
 * Write whole clusters compressed (qcow2; -ENOTSUP for raw).  offset is
 * cluster-aligned; bytes is the cluster size, or less for the last
 * cluster of the image.  Data that does not shrink is written plainly.
 */
int bdrv_pwrite_compressed(BlockDriverState *bs, int64_t offset,
                           const void *buf, size_t bytes);
/* Grow or shrink the virtual size (qcow2 shrinks only with no
 * snapshots; a shrink drops data past the new end). */
int bdrv_truncate(BlockDriverState *bs, int64_t size, GError **errp);

/* ------------------------------------------------------------------ */
/* Allocation status (kestrel-img map, convert, commit)                */

enum {
    BDRV_BLOCK_DATA         = 1 << 0,   /* holds data (not a hole) */
    BDRV_BLOCK_ZERO         = 1 << 1,   /* reads as zeroes */
    BDRV_BLOCK_OFFSET_VALID = 1 << 2,   /* *map is the host offset */
    BDRV_BLOCK_ALLOCATED    = 1 << 3,   /* decided by this layer, not
                                           the backing file */
    BDRV_BLOCK_COMPRESSED   = 1 << 4,
};
/*
 * Status of [offset, offset + bytes) in bs alone (not its backing): the
 * returned flags hold for the first *pnum bytes (*pnum >= 1 while
 * offset < length).  *map gets the offset in the image file when
 * BDRV_BLOCK_OFFSET_VALID.  Negative -errno on failure.
 */
int bdrv_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum, int64_t *map);
/*
 * As bdrv_block_status, but following the chain: unallocated ranges
 * take the status of the backing image that allocates them; *depth is
 * 0 for bs itself, 1 for its backing, ...  (-1 for a hole nobody
 * allocates).
 */
int bdrv_block_status_above(BlockDriverState *bs, int64_t offset,
                            int64_t bytes, int64_t *pnum, int64_t *map,
                            int *depth);

/* ------------------------------------------------------------------ */
/* Image information (kestrel-img info)                                */

typedef struct BlockSnapshotInfo {
    char *id;                   /* "1", "2", ... */
    char *name;
    uint64_t vm_state_size;
    uint32_t date_sec;          /* host time when taken */
    uint32_t date_nsec;
    uint64_t vm_clock_nsec;     /* guest clock when taken */
    uint64_t icount;            /* -1 (UINT64_MAX) when not recorded */
} BlockSnapshotInfo;

typedef struct BlockImageInfo {
    const char *format;
    char *filename;
    int64_t virtual_size;
    int64_t actual_size;        /* bdrv_get_allocated_file_size */
    uint32_t cluster_size;      /* 0 when the format has none */
    char *backing_filename;     /* as recorded in the image, or NULL */
    char *backing_fmt;          /* as recorded, or NULL */
    /* qcow2 only (format_specific false otherwise): */
    bool format_specific;
    int compat;                 /* 2 or 3 */
    int refcount_bits;
    bool lazy_refcounts;
    bool corrupt;
    bool dirty;
    /* Snapshots (qcow2), in table order. */
    int nb_snapshots;
    BlockSnapshotInfo *snapshots;
} BlockImageInfo;

int bdrv_get_info(BlockDriverState *bs, BlockImageInfo *info);
void bdrv_image_info_clear(BlockImageInfo *info);

/* ------------------------------------------------------------------ */
/* Consistency check and repair (kestrel-img check)                    */

enum {
    BDRV_FIX_LEAKS  = 1 << 0,
    BDRV_FIX_ERRORS = 1 << 1,
};

typedef struct BlockCheckResult {
    int corruptions;            /* found and still there */
    int leaks;
    int check_errors;           /* the check itself failed (I/O) */
    int corruptions_fixed;
    int leaks_fixed;
    int64_t image_end_offset;   /* highest used byte + 1 */
    int64_t total_clusters;     /* virtual size in clusters */
    int64_t allocated_clusters;
    int64_t fragmented_clusters;
    int64_t compressed_clusters;
    bool supported;             /* false: the format has no check */
} BlockCheckResult;

/*
 * Check bs (opened with BDRV_O_CHECK, and BDRV_O_RDWR to fix) and repair
 * what fix asks.  Problems are printed to stderr one a line, as qemu-img
 * does ("Leaked cluster 5 refcount=1 reference=0", "ERROR cluster 9
 * refcount=1 reference=2").  0, or -errno when the check could not run.
 */
int bdrv_check(BlockDriverState *bs, BlockCheckResult *res, int fix);

/* ------------------------------------------------------------------ */
/* Internal snapshots (qcow2; -ENOTSUP otherwise)                      */

/* Take a disk-only snapshot named name (id assigned). */
int bdrv_snapshot_create(BlockDriverState *bs, const char *name,
                         GError **errp);
/* Revert the image to the snapshot whose id or name is id_or_name. */
int bdrv_snapshot_goto(BlockDriverState *bs, const char *id_or_name,
                       GError **errp);
int bdrv_snapshot_delete(BlockDriverState *bs, const char *id_or_name,
                         GError **errp);

/* ------------------------------------------------------------------ */
/* Backing files (kestrel-img rebase, commit)                          */

/* Rewrite the backing file name/format recorded in bs's header only
 * (NULL backing: none).  The open chain is not changed. */
int bdrv_change_backing_file(BlockDriverState *bs, const char *backing,
                             const char *backing_fmt, GError **errp);
/* Drop every allocation of bs so it reads through to its backing. */
int bdrv_make_empty(BlockDriverState *bs, GError **errp);

/* ------------------------------------------------------------------ */
/* Block backends: what devices hold                                   */

typedef enum BlockCacheMode {
    BLOCK_CACHE_WRITEBACK,      /* default */
    BLOCK_CACHE_WRITETHROUGH,
    BLOCK_CACHE_NONE,           /* O_DIRECT */
    BLOCK_CACHE_DIRECTSYNC,     /* O_DIRECT + writethrough */
    BLOCK_CACHE_UNSAFE,         /* flushes ignored */
} BlockCacheMode;

/* The BDRV_O_* flags (besides RDWR) bdrv_open takes for a cache mode. */
int blk_cache_mode_flags(BlockCacheMode mode);

/* Wrap an open node (takes ownership; blk_unref closes it). */
BlockBackend *blk_new(BlockDriverState *bs, bool read_only);
void blk_unref(BlockBackend *blk);
/*
 * discard=unmap (true): discards and BDRV_REQ_MAY_UNMAP reach the
 * driver.  discard=ignore (false, the default as in QEMU): discards
 * succeed doing nothing and write-zeroes never deallocates.
 */
void blk_set_discard(BlockBackend *blk, bool unmap);
BlockDriverState *blk_bs(BlockBackend *blk);
bool blk_is_read_only(const BlockBackend *blk);
int64_t blk_getlength(BlockBackend *blk);

/* ret: 0 (or bytes for nothing), or -errno. */
typedef void BlockCompletionFunc(void *opaque, int ret);

/*
 * Queue a request; cb(opaque, ret) runs later from blk_run_completions.
 * The iovecs (and the memory they describe) must stay valid until then.
 * Requests on one backend complete in submission order; a write to a
 * read-only backend completes with -EPERM.
 */
void blk_aio_preadv(BlockBackend *blk, int64_t offset,
                    const struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwritev(BlockBackend *blk, int64_t offset,
                     const struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque);
void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb,
                   void *opaque);
void blk_aio_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset,
                           int64_t bytes, int flags,
                           BlockCompletionFunc *cb, void *opaque);
/* Readable (level-triggered) while completions wait to be run. */
int blk_get_event_fd(BlockBackend *blk);
/* Run the callbacks of every finished request; returns how many. */
int blk_run_completions(BlockBackend *blk);
/* Wait until every queued request has finished and run its callback. */
void blk_drain(BlockBackend *blk);

/* ------------------------------------------------------------------ */
/* Drives from the command line (-drive, -hda, -snapshot)              */

typedef enum BlockInterfaceType {
    IF_DEFAULT = -1,            /* the board's choice */
    IF_NONE,                    /* only for -device ...,drive=ID */
    IF_VIRTIO,
    IF_PFLASH,
} BlockInterfaceType;

typedef struct DriveInfo {
    char *id;                   /* id= or "drive0", "drive1", ... */
    BlockInterfaceType type;
    int index;                  /* index= / unit order, -1 if unset */
    BlockBackend *blk;
    bool claimed;               /* a device took it */
} DriveInfo;

/*
 * Parse a -drive spec ("file=F,format=qcow2,if=virtio,id=X,readonly=on,
 * cache=none,snapshot=on,index=N,media=disk") and open the image.
 * snapshot: -snapshot was given (writes go to a temporary qcow2 overlay,
 * unlinked at once, so the file is never written).  NULL with *errp.
 */
DriveInfo *drive_add(const char *spec, bool snapshot, GError **errp);
DriveInfo *drive_find(const char *id);
/* The n-th drive (in command-line order) of interface type, or NULL. */
DriveInfo *drive_get_by_type(BlockInterfaceType type, int n);
/* Drives not claimed by any device, for the "not used" error. */
void drive_foreach(void (*fn)(DriveInfo *d, void *opaque), void *opaque);
/* Flush and close every drive (at exit). */
void drive_close_all(void);

#endif /* KESTREL_BLOCK_H */

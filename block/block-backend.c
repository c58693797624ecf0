/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block backends: what a device model holds.  A BlockBackend wraps the
 * top node of an open image with the drive's options and runs requests
 * asynchronously, so a vCPU that submits I/O never waits for the disk.
 *
 *     blk = blk_new(bs, false);
 *     main_loop_set_fd_handler(blk_get_event_fd(blk), done_cb, s);
 *     blk_aio_preadv(blk, off, iov, niov, req_done, req);   // returns now
 *     ...
 *     done_cb: blk_run_completions(blk);    // req_done(req, 0 or -errno)
 *
 * One worker thread per backend takes requests from a FIFO and runs them
 * with the synchronous bdrv_* calls; that makes "complete in submission
 * order" trivially true and keeps the format drivers single-threaded
 * (only the worker touches the node while requests are queued).  A
 * finished request moves to the done list and the eventfd is written;
 * blk_run_completions swaps the whole done list out under the lock,
 * clears the eventfd, and calls the callbacks in the caller's thread.
 *
 * The data is never copied here: iovecs point at the caller's buffers
 * (guest RAM for virtio-blk) and go down to the driver as they are.
 *
 * Locking: lock protects the two lists, the counters and stopping.  The
 * eventfd's counter is only touched with the lock held, so "readable"
 * and "done list not empty" always agree.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "kestrel/block.h"

typedef enum BlkReqType {
    BLK_REQ_READ,
    BLK_REQ_WRITE,
    BLK_REQ_FLUSH,
    BLK_REQ_DISCARD,
    BLK_REQ_WRITE_ZEROES,
    BLK_REQ_FAIL,               /* rejected at submission: ret is set */
} BlkReqType;

typedef struct BlkRequest {
    BlkReqType type;
    int64_t offset;
    int64_t bytes;              /* discard, write-zeroes */
    const struct iovec *iov;    /* the caller's, not copied */
    int niov;
    int flags;                  /* BDRV_REQ_* */
    int ret;
    BlockCompletionFunc *cb;
    void *opaque;
} BlkRequest;

struct BlockBackend {
    BlockDriverState *bs;
    bool read_only;
    bool discard_unmap;         /* discard=unmap; ignore otherwise */
    int event_fd;
    pthread_t worker;
    pthread_mutex_t lock;
    pthread_cond_t work_cond;   /* worker: queue became non-empty */
    pthread_cond_t done_cond;   /* drain: a request finished */
    GQueue queue;               /* BlkRequest *, submitted, not started */
    GQueue done;                /* finished, callback not yet run */
    unsigned in_flight;         /* submitted, callback not yet run */
    bool stopping;
};

/* ------------------------------------------------------------------ */
/* Options                                                             */

int blk_cache_mode_flags(BlockCacheMode mode)
{
    switch (mode) {
    case BLOCK_CACHE_WRITEBACK:
        return 0;
    case BLOCK_CACHE_WRITETHROUGH:
        return BDRV_O_WRITETHROUGH;
    case BLOCK_CACHE_NONE:
        return BDRV_O_NOCACHE;
    case BLOCK_CACHE_DIRECTSYNC:
        return BDRV_O_NOCACHE | BDRV_O_WRITETHROUGH;
    case BLOCK_CACHE_UNSAFE:
        return BDRV_O_UNSAFE;
    }
    return 0;
}

void blk_set_discard(BlockBackend *blk, bool unmap)
{
    blk->discard_unmap = unmap;
}

BlockDriverState *blk_bs(BlockBackend *blk)
{
    return blk->bs;
}

bool blk_is_read_only(const BlockBackend *blk)
{
    return blk->read_only;
}

int64_t blk_getlength(BlockBackend *blk)
{
    return bdrv_getlength(blk->bs);
}

int blk_get_event_fd(BlockBackend *blk)
{
    return blk->event_fd;
}

/* ------------------------------------------------------------------ */
/* The worker                                                          */

static int blk_do_request(BlockBackend *blk, BlkRequest *req)
{
    switch (req->type) {
    case BLK_REQ_READ:
        return bdrv_preadv(blk->bs, req->offset, req->iov, req->niov);
    case BLK_REQ_WRITE:
        return bdrv_pwritev(blk->bs, req->offset, req->iov, req->niov);
    case BLK_REQ_FLUSH:
        return bdrv_flush(blk->bs);
    case BLK_REQ_DISCARD:
        return bdrv_pdiscard(blk->bs, req->offset, req->bytes);
    case BLK_REQ_WRITE_ZEROES:
        return bdrv_pwrite_zeroes(blk->bs, req->offset, req->bytes,
                                  req->flags);
    case BLK_REQ_FAIL:
        return req->ret;
    }
    return -EINVAL;
}

/* Lock held.  Makes the eventfd readable (it counts; any value will do). */
static void blk_signal_done(BlockBackend *blk)
{
    uint64_t one = 1;

    if (write(blk->event_fd, &one, sizeof(one)) < 0) {
        /* EAGAIN: the counter is saturated, still readable. */
    }
}

static void *blk_worker_fn(void *opaque)
{
    BlockBackend *blk = opaque;
    BlkRequest *req;

    pthread_mutex_lock(&blk->lock);
    for (;;) {
        while (!blk->stopping && g_queue_is_empty(&blk->queue)) {
            pthread_cond_wait(&blk->work_cond, &blk->lock);
        }
        req = g_queue_pop_head(&blk->queue);
        if (!req) {
            break;              /* stopping, and nothing left to run */
        }
        pthread_mutex_unlock(&blk->lock);
        req->ret = blk_do_request(blk, req);
        pthread_mutex_lock(&blk->lock);
        g_queue_push_tail(&blk->done, req);
        blk_signal_done(blk);
        pthread_cond_broadcast(&blk->done_cond);
    }
    pthread_mutex_unlock(&blk->lock);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */

BlockBackend *blk_new(BlockDriverState *bs, bool read_only)
{
    BlockBackend *blk = g_new0(BlockBackend, 1);

    blk->bs = bs;
    blk->read_only = read_only || bdrv_is_read_only(bs);
    blk->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (blk->event_fd < 0) {
        g_error("eventfd: %s", g_strerror(errno));
    }
    pthread_mutex_init(&blk->lock, NULL);
    pthread_cond_init(&blk->work_cond, NULL);
    pthread_cond_init(&blk->done_cond, NULL);
    g_queue_init(&blk->queue);
    g_queue_init(&blk->done);
    if (pthread_create(&blk->worker, NULL, blk_worker_fn, blk)) {
        g_error("block backend: cannot create its worker thread");
    }
    return blk;
}

void blk_unref(BlockBackend *blk)
{
    if (!blk) {
        return;
    }
    blk_drain(blk);
    pthread_mutex_lock(&blk->lock);
    blk->stopping = true;
    pthread_cond_signal(&blk->work_cond);
    pthread_mutex_unlock(&blk->lock);
    pthread_join(blk->worker, NULL);
    close(blk->event_fd);
    pthread_cond_destroy(&blk->work_cond);
    pthread_cond_destroy(&blk->done_cond);
    pthread_mutex_destroy(&blk->lock);
    bdrv_close(blk->bs);
    g_free(blk);
}

/* ------------------------------------------------------------------ */
/* Submitting and completing                                           */

static BlkRequest *blk_req_new(BlkReqType type, int64_t offset,
                               BlockCompletionFunc *cb, void *opaque)
{
    BlkRequest *req = g_new0(BlkRequest, 1);

    req->type = type;
    req->offset = offset;
    req->cb = cb;
    req->opaque = opaque;
    return req;
}

static void blk_submit(BlockBackend *blk, BlkRequest *req)
{
    pthread_mutex_lock(&blk->lock);
    blk->in_flight++;
    g_queue_push_tail(&blk->queue, req);
    pthread_cond_signal(&blk->work_cond);
    pthread_mutex_unlock(&blk->lock);
}

/* A write to a read-only backend: still completes in order, with -EPERM. */
static void blk_submit_write(BlockBackend *blk, BlkRequest *req)
{
    if (blk->read_only) {
        req->type = BLK_REQ_FAIL;
        req->ret = -EPERM;
    }
    blk_submit(blk, req);
}

void blk_aio_preadv(BlockBackend *blk, int64_t offset,
                    const struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque)
{
    BlkRequest *req = blk_req_new(BLK_REQ_READ, offset, cb, opaque);

    req->iov = iov;
    req->niov = niov;
    blk_submit(blk, req);
}

void blk_aio_pwritev(BlockBackend *blk, int64_t offset,
                     const struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque)
{
    BlkRequest *req = blk_req_new(BLK_REQ_WRITE, offset, cb, opaque);

    req->iov = iov;
    req->niov = niov;
    blk_submit_write(blk, req);
}

void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb,
                   void *opaque)
{
    BlkRequest *req = blk_req_new(BLK_REQ_FLUSH, 0, cb, opaque);

    if (blk->read_only) {
        req->type = BLK_REQ_FAIL;   /* nothing to flush: success */
        req->ret = 0;
    }
    blk_submit(blk, req);
}

void blk_aio_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BlockCompletionFunc *cb, void *opaque)
{
    BlkRequest *req = blk_req_new(BLK_REQ_DISCARD, offset, cb, opaque);

    req->bytes = bytes;
    if (!blk->discard_unmap && !blk->read_only) {
        /* discard=ignore (QEMU's default): a hint we may drop. */
        req->type = BLK_REQ_FAIL;
        req->ret = 0;
    }
    blk_submit_write(blk, req);
}

void blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset,
                           int64_t bytes, int flags,
                           BlockCompletionFunc *cb, void *opaque)
{
    BlkRequest *req = blk_req_new(BLK_REQ_WRITE_ZEROES, offset, cb,
                                  opaque);

    req->bytes = bytes;
    req->flags = blk->discard_unmap ? flags : flags & ~BDRV_REQ_MAY_UNMAP;
    blk_submit_write(blk, req);
}

int blk_run_completions(BlockBackend *blk)
{
    GQueue done;
    BlkRequest *req;
    uint64_t v;
    int n = 0;

    pthread_mutex_lock(&blk->lock);
    done = blk->done;
    g_queue_init(&blk->done);
    if (read(blk->event_fd, &v, sizeof(v)) < 0) {
        /* EAGAIN: nothing was signalled. */
    }
    pthread_mutex_unlock(&blk->lock);

    while ((req = g_queue_pop_head(&done)) != NULL) {
        if (req->cb) {
            req->cb(req->opaque, req->ret);
        }
        g_free(req);
        n++;
    }
    if (n) {
        pthread_mutex_lock(&blk->lock);
        blk->in_flight -= n;
        pthread_mutex_unlock(&blk->lock);
    }
    return n;
}

void blk_drain(BlockBackend *blk)
{
    /* Callbacks may queue more requests: loop until nothing is left. */
    for (;;) {
        pthread_mutex_lock(&blk->lock);
        while (!g_queue_is_empty(&blk->queue) ||
               blk->in_flight > g_queue_get_length(&blk->done)) {
            pthread_cond_wait(&blk->done_cond, &blk->lock);
        }
        if (blk->in_flight == 0) {
            pthread_mutex_unlock(&blk->lock);
            return;
        }
        pthread_mutex_unlock(&blk->lock);
        blk_run_completions(blk);
    }
}

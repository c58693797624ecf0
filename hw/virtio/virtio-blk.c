/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk, the block device (virtio 1.x, 5.2), on a BlockBackend.
 *
 * What the board sees: a VirtIODevice (device ID 2) to plug into a
 * transport; properties drive= (required), serial=, discard=,
 * write-zeroes=, queue-size= (see virtio-blk.h).
 *
 * Features: SEG_MAX, BLK_SIZE (512), FLUSH, DISCARD and WRITE_ZEROES
 * (one segment per request, as QEMU), RO for a read-only drive.
 *
 * Queue 0 (requestq): each chain is a 16-byte header {type, ioprio,
 * sector}, the data, and a status byte the device writes last.  Reads
 * and writes go to blk_aio_* with iovecs pointing straight into guest
 * RAM (no copy), so the vCPU that notified returns at once; the backend
 * signals completions through its event fd, which the main loop turns
 * into vblk_completions_ready (BQL held): status byte, used ring, one
 * interrupt per batch.  Requests complete in submission order.
 *
 * Reset drains the backend first: requests in flight finish (as QEMU
 * does) before the core forgets the rings.
 *
 * Not emulated: multiple queues, CONFIG_WCE (the cache mode is the
 * drive's), GEOMETRY/TOPOLOGY, SECURE_ERASE, zoned devices, legacy
 * (pre-1.0) layout, error policies (werror/rerror: errors go to the
 * guest as IOERR).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kestrel/log.h"
#include "virtio/virtio-blk.h"

#define VBLK_SECTOR_BITS        9
#define VBLK_SECTOR_SIZE        (1u << VBLK_SECTOR_BITS)
#define VBLK_DEFAULT_QSIZE      256
#define VBLK_OUTHDR_SIZE        16
#define VBLK_SEG_SIZE           16
/* The largest discard / write-zeroes, in sectors (QEMU's bound too). */
#define VBLK_MAX_WZ_SECTORS     ((uint32_t)(INT32_MAX >> VBLK_SECTOR_BITS))

typedef struct VirtIOBlock {
    VirtIODevice vdev;          /* first: the core frees through it */
    VirtQueue *vq;
    BlockBackend *blk;          /* the drive's; not ours to close */
    char *serial;
    uint64_t capacity;          /* sectors */
    unsigned in_flight;         /* submitted to blk, not completed */
} VirtIOBlock;

/* One request between submission and completion. */
typedef struct VirtIOBlockReq {
    VirtIOBlock *s;
    VirtQueueElement *elem;
    uint8_t *status;            /* last byte of in_sg, in guest RAM */
    uint32_t in_len;            /* bytes written to in_sg, with status */
    int niov;
    struct iovec iov[];         /* data: a slice of out_sg or in_sg */
} VirtIOBlockReq;

/* ------------------------------------------------------------------ */
/* Config space                                                        */

static void stl(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);           /* host and virtio are little-endian */
}

static void vblk_get_config(VirtIODevice *vdev)
{
    VirtIOBlock *s = (VirtIOBlock *)vdev;
    uint8_t *c = vdev->config;

    memset(c, 0, VIRTIO_BLK_CFG_SIZE);
    memcpy(c + VIRTIO_BLK_CFG_CAPACITY, &s->capacity, 8);
    stl(c + VIRTIO_BLK_CFG_SEG_MAX, s->vq->num_max - 2);
    stl(c + VIRTIO_BLK_CFG_BLK_SIZE, VBLK_SECTOR_SIZE);
    c[VIRTIO_BLK_CFG_NUM_QUEUES] = 1;
    stl(c + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, VBLK_MAX_WZ_SECTORS);
    stl(c + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 1);
    stl(c + VIRTIO_BLK_CFG_DISCARD_ALIGNMENT, 1);
    stl(c + VIRTIO_BLK_CFG_MAX_WZ_SECTORS, VBLK_MAX_WZ_SECTORS);
    stl(c + VIRTIO_BLK_CFG_MAX_WZ_SEG, 1);
    c[VIRTIO_BLK_CFG_WZ_MAY_UNMAP] = 1;
}

/* ------------------------------------------------------------------ */
/* Completion                                                          */

static void vblk_req_finish(VirtIOBlockReq *req, uint8_t status)
{
    *req->status = status;
    virtqueue_push(req->s->vq, req->elem, req->in_len);
    g_free(req);
}

/* blk callback (main loop or reset, BQL held). */
static void vblk_rw_done(void *opaque, int ret)
{
    VirtIOBlockReq *req = opaque;

    if (ret < 0) {
        log_mask(LOG_GUEST_ERROR, "virtio-blk: request failed: %s\n",
                 g_strerror(-ret));
    }
    req->s->in_flight--;
    vblk_req_finish(req, ret < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK);
}

/* The backend's event fd is readable: run what finished, interrupt once. */
static void vblk_completions_ready(void *opaque)
{
    VirtIOBlock *s = opaque;

    if (blk_run_completions(s->blk) > 0) {
        virtio_notify(&s->vdev, s->vq);
    }
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */

/*
 * Copy into dst the iovecs of src covering [skip, skip + len): pointers
 * only, the data stays where it is.  Returns the number of iovecs.
 */
static int iov_slice(struct iovec *dst, const struct iovec *src,
                     unsigned n, size_t skip, size_t len)
{
    int k = 0;

    for (unsigned i = 0; i < n && len; i++) {
        size_t l = src[i].iov_len;

        if (skip >= l) {
            skip -= l;
            continue;
        }
        dst[k].iov_base = (uint8_t *)src[i].iov_base + skip;
        dst[k].iov_len = MIN(l - skip, len);
        len -= dst[k].iov_len;
        skip = 0;
        k++;
    }
    return k;
}

/* The status byte: the last byte of the last non-empty in iovec. */
static uint8_t *vblk_status_byte(VirtQueueElement *elem)
{
    for (unsigned i = elem->in_num; i-- > 0;) {
        if (elem->in_sg[i].iov_len) {
            return (uint8_t *)elem->in_sg[i].iov_base +
                   elem->in_sg[i].iov_len - 1;
        }
    }
    return NULL;
}

/* [sector, sector + bytes/512) lies inside the disk. */
static bool vblk_range_ok(VirtIOBlock *s, uint64_t sector, uint64_t bytes)
{
    uint64_t n = bytes >> VBLK_SECTOR_BITS;

    return !(bytes & (VBLK_SECTOR_SIZE - 1)) && sector <= s->capacity &&
           n <= s->capacity - sector;
}

/* IN / OUT: data between the header and the status byte. */
static uint8_t vblk_submit_rw(VirtIOBlockReq *req, bool is_write,
                              uint64_t sector)
{
    VirtIOBlock *s = req->s;
    VirtQueueElement *elem = req->elem;
    size_t len;

    if (is_write) {
        len = elem->out_len - VBLK_OUTHDR_SIZE;
        req->niov = iov_slice(req->iov, elem->out_sg, elem->out_num,
                              VBLK_OUTHDR_SIZE, len);
    } else {
        len = elem->in_len - 1;
        req->niov = iov_slice(req->iov, elem->in_sg, elem->in_num, 0, len);
        req->in_len = elem->in_len;
    }
    if (!vblk_range_ok(s, sector, len)) {
        log_mask(LOG_GUEST_ERROR, "virtio-blk: %s of %zu bytes at sector "
                 "%" PRIu64 " outside the disk (%" PRIu64 " sectors)\n",
                 is_write ? "write" : "read", len, sector, s->capacity);
        req->in_len = 1;
        return VIRTIO_BLK_S_IOERR;
    }
    s->in_flight++;
    if (is_write) {
        blk_aio_pwritev(s->blk, sector << VBLK_SECTOR_BITS, req->iov,
                        req->niov, vblk_rw_done, req);
    } else {
        blk_aio_preadv(s->blk, sector << VBLK_SECTOR_BITS, req->iov,
                       req->niov, vblk_rw_done, req);
    }
    return 0xff;                /* in flight */
}

/* DISCARD / WRITE_ZEROES: one segment {sector, num_sectors, flags}. */
static uint8_t vblk_submit_wz(VirtIOBlockReq *req, uint32_t type)
{
    VirtIOBlock *s = req->s;
    VirtQueueElement *elem = req->elem;
    bool discard = type == VIRTIO_BLK_T_DISCARD;
    uint8_t seg[VBLK_SEG_SIZE];
    uint64_t sector;
    uint32_t num, flags;

    if (!virtio_has_feature(&s->vdev, discard ? VIRTIO_BLK_F_DISCARD
                                              : VIRTIO_BLK_F_WRITE_ZEROES) ||
        elem->out_len - VBLK_OUTHDR_SIZE != VBLK_SEG_SIZE) {
        return VIRTIO_BLK_S_UNSUPP;     /* not offered, or > 1 segment */
    }
    iov_to_buf(elem->out_sg, elem->out_num, VBLK_OUTHDR_SIZE, seg,
               sizeof(seg));
    memcpy(&sector, seg, 8);
    memcpy(&num, seg + 8, 4);
    memcpy(&flags, seg + 12, 4);
    if (flags & ~(discard ? 0u : VIRTIO_BLK_WZ_F_UNMAP)) {
        return VIRTIO_BLK_S_UNSUPP;
    }
    if (num > VBLK_MAX_WZ_SECTORS ||
        !vblk_range_ok(s, sector, (uint64_t)num << VBLK_SECTOR_BITS)) {
        return VIRTIO_BLK_S_IOERR;
    }
    s->in_flight++;
    if (discard) {
        blk_aio_pdiscard(s->blk, sector << VBLK_SECTOR_BITS,
                         (int64_t)num << VBLK_SECTOR_BITS, vblk_rw_done,
                         req);
    } else {
        blk_aio_pwrite_zeroes(s->blk, sector << VBLK_SECTOR_BITS,
                              (int64_t)num << VBLK_SECTOR_BITS,
                              (flags & VIRTIO_BLK_WZ_F_UNMAP)
                              ? BDRV_REQ_MAY_UNMAP : 0, vblk_rw_done, req);
    }
    return 0xff;
}

/* GET_ID: the serial, NUL-terminated only when shorter than 20 bytes. */
static uint8_t vblk_get_id(VirtIOBlockReq *req)
{
    VirtQueueElement *elem = req->elem;
    const char *serial = req->s->serial ? req->s->serial : "";
    size_t n = MIN(strlen(serial) + 1, VIRTIO_BLK_ID_BYTES);

    n = MIN(n, elem->in_len - 1);
    iov_from_buf(elem->in_sg, elem->in_num, 0, serial, n);
    req->in_len = n + 1;
    return VIRTIO_BLK_S_OK;
}

/* Start one request; its status, or 0xff when it completes later. */
static uint8_t vblk_submit(VirtIOBlockReq *req)
{
    VirtQueueElement *elem = req->elem;
    uint8_t hdr[VBLK_OUTHDR_SIZE];
    uint32_t type;
    uint64_t sector;

    iov_to_buf(elem->out_sg, elem->out_num, 0, hdr, sizeof(hdr));
    memcpy(&type, hdr, 4);
    memcpy(&sector, hdr + 8, 8);
    switch (type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT:
        return vblk_submit_rw(req, type == VIRTIO_BLK_T_OUT, sector);
    case VIRTIO_BLK_T_FLUSH:
        req->s->in_flight++;
        blk_aio_flush(req->s->blk, vblk_rw_done, req);
        return 0xff;
    case VIRTIO_BLK_T_GET_ID:
        return vblk_get_id(req);
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        return vblk_submit_wz(req, type);
    default:
        return VIRTIO_BLK_S_UNSUPP;
    }
}

static void vblk_handle_elem(VirtIOBlock *s, VirtQueueElement *elem)
{
    VirtIOBlockReq *req;
    uint8_t status;
    unsigned n = MAX(elem->out_num, elem->in_num);

    if (elem->out_len < VBLK_OUTHDR_SIZE || elem->in_len < 1) {
        virtio_error(&s->vdev, "request without header or status byte "
                     "(out %zu, in %zu bytes)", elem->out_len,
                     elem->in_len);
        virtqueue_detach(s->vq, elem);
        return;
    }
    req = g_malloc(sizeof(*req) + n * sizeof(struct iovec));
    req->s = s;
    req->elem = elem;
    req->status = vblk_status_byte(elem);
    req->in_len = 1;
    req->niov = 0;
    status = vblk_submit(req);
    if (status != 0xff) {
        vblk_req_finish(req, status);
    }
}

static void vblk_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOBlock *s = (VirtIOBlock *)vdev;
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq)) != NULL) {
        vblk_handle_elem(s, elem);
    }
    /* For the requests answered at once; the rest notify when done. */
    virtio_notify(vdev, vq);
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */

static void vblk_reset(VirtIODevice *vdev)
{
    VirtIOBlock *s = (VirtIOBlock *)vdev;

    blk_drain(s->blk);
    g_assert(s->in_flight == 0);
}

static void vblk_cleanup(VirtIODevice *vdev)
{
    VirtIOBlock *s = (VirtIOBlock *)vdev;

    blk_drain(s->blk);
    main_loop_set_fd_handler(blk_get_event_fd(s->blk), NULL, NULL);
    g_free(s->serial);
}

static const VirtIODeviceOps virtio_blk_ops_rw = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .features = (1ull << VIRTIO_BLK_F_SEG_MAX) |
                (1ull << VIRTIO_BLK_F_BLK_SIZE) |
                (1ull << VIRTIO_BLK_F_FLUSH),
    .config_size = VIRTIO_BLK_CFG_SIZE,
    .get_config = vblk_get_config,
    .reset = vblk_reset,
    .cleanup = vblk_cleanup,
};

VirtIODevice *virtio_blk_new(BlockBackend *blk, const VirtIOBlockConf *conf)
{
    static const VirtIOBlockConf defaults = {
        .discard = true, .write_zeroes = true,
    };
    VirtIOBlock *s = g_new0(VirtIOBlock, 1);
    unsigned qsize;

    conf = conf ? conf : &defaults;
    qsize = conf->queue_size ? conf->queue_size : VBLK_DEFAULT_QSIZE;
    virtio_init(&s->vdev, &virtio_blk_ops_rw);
    s->vdev.host_features |=
        (conf->discard ? 1ull << VIRTIO_BLK_F_DISCARD : 0) |
        (conf->write_zeroes ? 1ull << VIRTIO_BLK_F_WRITE_ZEROES : 0) |
        (blk_is_read_only(blk) ? 1ull << VIRTIO_BLK_F_RO : 0);
    s->vq = virtio_add_queue(&s->vdev, qsize, vblk_handle_output);
    s->blk = blk;
    s->serial = g_strdup(conf->serial);
    s->capacity = (uint64_t)MAX(blk_getlength(blk), 0) >> VBLK_SECTOR_BITS;
    vblk_get_config(&s->vdev);
    main_loop_set_fd_handler(blk_get_event_fd(blk), vblk_completions_ready,
                             s);
    return &s->vdev;
}

/* ------------------------------------------------------------------ */
/* -device and -drive if=virtio                                        */

static bool vblk_error(GError **errp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
static bool vblk_error(GError **errp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_propagate_error(errp, g_error_new_valist(G_OPTION_ERROR,
                                               G_OPTION_ERROR_BAD_VALUE,
                                               fmt, ap));
    va_end(ap);
    return false;
}

static bool vblk_parse_bool(const char *name, const char *key,
                            const char *val, bool *out, GError **errp)
{
    if (!strcmp(val, "on") || !strcmp(val, "true")) {
        *out = true;
    } else if (!strcmp(val, "off") || !strcmp(val, "false")) {
        *out = false;
    } else {
        return vblk_error(errp, "-device %s: %s='%s': expected on or off",
                          name, key, val);
    }
    return true;
}

static bool vblk_parse_qsize(const char *name, const char *val,
                             unsigned *out, GError **errp)
{
    char *end;
    unsigned long v = strtoul(val, &end, 10);

    if (end == val || *end || v < 4 || v > VIRTQUEUE_MAX_SIZE ||
        (v & (v - 1))) {
        return vblk_error(errp, "-device %s: queue-size='%s': expected a "
                          "power of two from 4 to %d", name, val,
                          VIRTQUEUE_MAX_SIZE);
    }
    *out = (unsigned)v;
    return true;
}

static bool vblk_parse_prop(const char *name, const char *p,
                            VirtIOBlockConf *conf, const char **drive,
                            GError **errp)
{
    const char *eq = strchr(p, '=');
    g_autofree char *key = g_strndup(p, eq ? (size_t)(eq - p) : strlen(p));
    const char *val = eq ? eq + 1 : "";

    if (!strcmp(key, "drive")) {
        *drive = val;
    } else if (!strcmp(key, "serial")) {
        conf->serial = val;
    } else if (!strcmp(key, "discard")) {
        return vblk_parse_bool(name, key, val, &conf->discard, errp);
    } else if (!strcmp(key, "write-zeroes")) {
        return vblk_parse_bool(name, key, val, &conf->write_zeroes, errp);
    } else if (!strcmp(key, "queue-size")) {
        return vblk_parse_qsize(name, val, &conf->queue_size, errp);
    } else if (strcmp(key, "id") && strcmp(key, "bus")) {
        return vblk_error(errp, "-device %s: unknown property '%s'", name,
                          key);
    }
    return true;
}

static DriveInfo *vblk_claim_drive(const char *name, const char *id,
                                   GError **errp)
{
    DriveInfo *d;

    if (!id || !*id) {
        vblk_error(errp, "-device %s: needs drive=ID (a -drive with "
                   "if=none,id=ID)", name);
        return NULL;
    }
    d = drive_find(id);
    if (!d) {
        vblk_error(errp, "-device %s: drive '%s' not found", name, id);
        return NULL;
    }
    if (d->claimed) {
        vblk_error(errp, "-device %s: drive '%s' is already in use by "
                   "another device", name, id);
        return NULL;
    }
    if (d->type != IF_NONE) {
        vblk_error(errp, "-device %s: drive '%s' is connected "
                   "automatically; give it if=none to use it with "
                   "-device", name, id);
        return NULL;
    }
    d->claimed = true;
    return d;
}

int virtio_blk_device_create(const char *spec, GPtrArray *devs,
                             GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    VirtIOBlockConf conf = { .discard = true, .write_zeroes = true };
    const char *drive = NULL;
    const char *name = parts[0];
    DriveInfo *d;

    if (!name || (strcmp(name, "virtio-blk-device") &&
                  strcmp(name, "virtio-blk"))) {
        return 0;
    }
    for (char **p = parts + 1; *p; p++) {
        if (**p && !vblk_parse_prop(name, *p, &conf, &drive, errp)) {
            return -1;
        }
    }
    d = vblk_claim_drive(name, drive, errp);
    if (!d) {
        return -1;
    }
    g_ptr_array_add(devs, virtio_blk_new(d->blk, &conf));
    return 1;
}

typedef struct DefaultDrives {
    GPtrArray *devs;
    bool default_virtio;
} DefaultDrives;

static void vblk_default_drive(DriveInfo *d, void *opaque)
{
    DefaultDrives *dd = opaque;

    if (d->type == IF_VIRTIO ||
        (d->type == IF_DEFAULT && dd->default_virtio)) {
        d->claimed = true;
        g_ptr_array_add(dd->devs, virtio_blk_new(d->blk, NULL));
    }
}

void virtio_blk_create_default_drives(GPtrArray *devs, bool default_virtio)
{
    DefaultDrives dd = { .devs = devs, .default_virtio = default_virtio };

    drive_foreach(vblk_default_drive, &dd);
}

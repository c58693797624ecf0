/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio core: device status and features, split virtqueues in guest
 * RAM, element pop/push, notifications, and -device parsing for the
 * virtio devices.  See virtio.h for the model.
 *
 * Rings.  When the driver sets QueueReady the three rings are checked
 * (size a power of two, alignment) and mapped once to host pointers; they
 * must lie in RAM.  Indexes and ring entries are then read and written in
 * place with the barriers the virtio memory model asks for: the avail
 * index is loaded with acquire semantics before the entries it covers,
 * and the used index is stored with release semantics after its entries.
 *
 * Invariants the chain walk keeps, whatever the guest writes:
 *   1. every descriptor index is checked against its table size;
 *   2. a walk visits at most table-size descriptors (loops end there);
 *   3. indirect tables do not nest and must be enabled by the feature;
 *   4. device-readable buffers precede device-writable ones;
 *   5. every buffer maps to guest RAM, in at most VIRTQUEUE_MAX_SG pieces.
 * A violation logs under -d guest_errors and breaks the device.
 *
 * Host byte order is little-endian (x86-64), like the rings.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "kestrel/log.h"
#include "virtio/virtio.h"

#define VRING_DESC_SIZE 16

/* One descriptor as the guest wrote it. */
typedef struct VRingDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VRingDesc;

G_STATIC_ASSERT(sizeof(VRingDesc) == VRING_DESC_SIZE);
G_STATIC_ASSERT(G_BYTE_ORDER == G_LITTLE_ENDIAN);

/* ------------------------------------------------------------------ */
/* Device life cycle                                                   */

void virtio_init(VirtIODevice *vdev, const VirtIODeviceOps *ops)
{
    memset(vdev, 0, sizeof(*vdev));
    vdev->ops = ops;
    vdev->host_features = ops->features |
                          (1ull << VIRTIO_F_VERSION_1) |
                          (1ull << VIRTIO_F_INDIRECT_DESC) |
                          (1ull << VIRTIO_F_EVENT_IDX);
    vdev->config = g_malloc0(MAX(ops->config_size, 1));
}

VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned num_max,
                            VirtQueueHandler handle)
{
    VirtQueue *vq;

    g_assert(vdev->num_queues < VIRTIO_QUEUE_MAX);
    g_assert(num_max > 0 && num_max <= VIRTQUEUE_MAX_SIZE);
    g_assert((num_max & (num_max - 1)) == 0);
    vq = &vdev->vq[vdev->num_queues];
    vq->vdev = vdev;
    vq->index = vdev->num_queues++;
    vq->num_max = num_max;
    vq->num = num_max;
    vq->handle = handle;
    return vq;
}

void virtio_cleanup(VirtIODevice *vdev)
{
    if (vdev->ops->cleanup) {
        vdev->ops->cleanup(vdev);
    }
    g_free(vdev->config);
    vdev->config = NULL;
}

void virtio_device_free(VirtIODevice *vdev)
{
    if (vdev) {
        virtio_cleanup(vdev);
        g_free(vdev);   /* vdev is the first member of the device */
    }
}

void virtio_bind(VirtIODevice *vdev, const VirtIOTransport *t)
{
    vdev->transport = t;
}

static void virtio_update_irq(VirtIODevice *vdev)
{
    if (vdev->transport && vdev->transport->update_irq) {
        vdev->transport->update_irq(vdev->transport->opaque);
    }
}

static void virtqueue_reset(VirtQueue *vq)
{
    vq->num = vq->num_max;
    vq->ready = false;
    vq->desc_addr = vq->avail_addr = vq->used_addr = 0;
    vq->desc = vq->avail = vq->used = NULL;
    vq->last_avail_idx = 0;
    vq->used_idx = 0;
    vq->signalled_used = 0;
    vq->signalled_used_valid = false;
    vq->used_pending = false;
    vq->inuse = 0;
}

void virtio_reset(VirtIODevice *vdev)
{
    unsigned i;

    if (vdev->ops->reset) {
        vdev->ops->reset(vdev);     /* drops elements it holds */
    }
    vdev->status = 0;
    vdev->isr = 0;
    vdev->broken = false;
    vdev->guest_features = 0;
    vdev->config_generation = 0;
    for (i = 0; i < vdev->num_queues; i++) {
        virtqueue_reset(&vdev->vq[i]);
    }
    virtio_update_irq(vdev);
}

bool virtio_device_running(const VirtIODevice *vdev)
{
    return (vdev->status & VIRTIO_STATUS_DRIVER_OK) && !vdev->broken;
}

bool virtqueue_usable(const VirtQueue *vq)
{
    return vq->ready && virtio_device_running(vq->vdev);
}

void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    log_mask(LOG_GUEST_ERROR, "%s: %s (device needs reset)\n",
             vdev->ops->name, msg);
    g_free(msg);
    if (vdev->broken) {
        return;
    }
    vdev->broken = true;
    vdev->status |= VIRTIO_STATUS_NEEDS_RESET;
    if (vdev->status & VIRTIO_STATUS_DRIVER_OK) {
        virtio_notify_config(vdev);
    }
}

/* ------------------------------------------------------------------ */
/* Features and status                                                 */

uint32_t virtio_get_features(VirtIODevice *vdev, unsigned sel)
{
    return sel < 2 ? (uint32_t)(vdev->host_features >> (32 * sel)) : 0;
}

void virtio_set_guest_features(VirtIODevice *vdev, unsigned sel,
                               uint32_t val)
{
    uint64_t mask;

    if (vdev->status & VIRTIO_STATUS_FEATURES_OK) {
        log_mask(LOG_GUEST_ERROR,
                 "%s: driver features written after FEATURES_OK\n",
                 vdev->ops->name);
        return;
    }
    if (sel >= 2) {
        if (val) {
            log_mask(LOG_GUEST_ERROR, "%s: driver features %u: %#x "
                     "(no such features)\n", vdev->ops->name, sel, val);
        }
        return;
    }
    mask = 0xffffffffull << (32 * sel);
    vdev->guest_features = (vdev->guest_features & ~mask) |
                           ((uint64_t)val << (32 * sel));
}

/* FEATURES_OK: the accepted set must be offered and modern. */
static bool virtio_features_ok(VirtIODevice *vdev)
{
    uint64_t extra = vdev->guest_features & ~vdev->host_features;

    if (extra) {
        log_mask(LOG_GUEST_ERROR, "%s: driver accepted features %#" PRIx64
                 " that were not offered\n", vdev->ops->name, extra);
        return false;
    }
    if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
        log_mask(LOG_GUEST_ERROR, "%s: driver did not accept "
                 "VIRTIO_F_VERSION_1 (legacy is not emulated)\n",
                 vdev->ops->name);
        return false;
    }
    return true;
}

static void virtio_kick_all(VirtIODevice *vdev)
{
    unsigned i;

    for (i = 0; i < vdev->num_queues; i++) {
        VirtQueue *vq = &vdev->vq[i];
        if (virtqueue_usable(vq) && vq->handle) {
            vq->handle(vdev, vq);
        }
    }
}

void virtio_set_status(VirtIODevice *vdev, uint8_t val)
{
    uint8_t old = vdev->status;

    if (val == 0) {
        virtio_reset(vdev);
        return;
    }
    if ((val & VIRTIO_STATUS_FEATURES_OK) &&
        !(old & VIRTIO_STATUS_FEATURES_OK) && !virtio_features_ok(vdev)) {
        val &= ~VIRTIO_STATUS_FEATURES_OK;
    }
    /* NEEDS_RESET is the device's to set; only a reset clears it. */
    vdev->status = val | (old & VIRTIO_STATUS_NEEDS_RESET);
    if (vdev->ops->set_status) {
        vdev->ops->set_status(vdev, old);
    }
    if ((val & VIRTIO_STATUS_DRIVER_OK) &&
        !(old & VIRTIO_STATUS_DRIVER_OK)) {
        /* Buffers made available before DRIVER_OK wait for it. */
        virtio_kick_all(vdev);
    }
}

void virtio_isr_ack(VirtIODevice *vdev, uint8_t bits)
{
    vdev->isr &= ~bits;
    virtio_update_irq(vdev);
}

/* ------------------------------------------------------------------ */
/* Config space                                                        */

static bool virtio_config_range_ok(VirtIODevice *vdev, unsigned offset,
                                   unsigned size, const char *what)
{
    if (size > 4 || offset + size > vdev->ops->config_size) {
        log_mask(LOG_GUEST_ERROR, "%s: config %s of %u bytes at %#x "
                 "outside its %u bytes\n", vdev->ops->name, what, size,
                 offset, vdev->ops->config_size);
        return false;
    }
    return true;
}

uint32_t virtio_config_read(VirtIODevice *vdev, unsigned offset,
                            unsigned size)
{
    uint32_t val = 0;

    if (!virtio_config_range_ok(vdev, offset, size, "read")) {
        return 0;
    }
    if (vdev->ops->get_config) {
        vdev->ops->get_config(vdev);
    }
    memcpy(&val, vdev->config + offset, size);
    return val;
}

void virtio_config_write(VirtIODevice *vdev, unsigned offset,
                         unsigned size, uint32_t val)
{
    if (!virtio_config_range_ok(vdev, offset, size, "write")) {
        return;
    }
    memcpy(vdev->config + offset, &val, size);
    if (vdev->ops->set_config) {
        vdev->ops->set_config(vdev, offset, size);
    }
}

void virtio_notify_config(VirtIODevice *vdev)
{
    vdev->config_generation++;
    if (vdev->status & VIRTIO_STATUS_DRIVER_OK) {
        vdev->isr |= VIRTIO_ISR_CONFIG;
        virtio_update_irq(vdev);
    }
}

/* ------------------------------------------------------------------ */
/* Queue set-up                                                        */

static size_t vring_desc_size(unsigned num)
{
    return (size_t)VRING_DESC_SIZE * num;
}

/* flags, idx, ring[num], used_event */
static size_t vring_avail_size(unsigned num)
{
    return 4 + 2 * (size_t)num + 2;
}

/* flags, idx, ring[num] of {id, len}, avail_event */
static size_t vring_used_size(unsigned num)
{
    return 4 + 8 * (size_t)num + 2;
}

static bool virtqueue_check_layout(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;

    if (vq->num == 0 || vq->num > vq->num_max ||
        (vq->num & (vq->num - 1))) {
        virtio_error(vdev, "queue %u: size %u (max %u, power of two)",
                     vq->index, vq->num, vq->num_max);
        return false;
    }
    if ((vq->desc_addr & 15) || (vq->avail_addr & 1) ||
        (vq->used_addr & 3)) {
        virtio_error(vdev, "queue %u: misaligned rings desc %#" PRIx64
                     " avail %#" PRIx64 " used %#" PRIx64, vq->index,
                     vq->desc_addr, vq->avail_addr, vq->used_addr);
        return false;
    }
    return true;
}

static uint8_t *virtqueue_map(VirtQueue *vq, const char *what,
                              uint64_t addr, size_t len, bool is_write)
{
    AddressSpace *as = vq->vdev->transport->dma_as;
    uint8_t *p = address_space_map_ram(as, addr, len, is_write);

    if (!p) {
        virtio_error(vq->vdev, "queue %u: %s ring at %#" PRIx64
                     " (+%zu) is not in RAM", vq->index, what, addr, len);
    }
    return p;
}

bool virtio_queue_set_ready(VirtQueue *vq, bool ready)
{
    if (!ready) {
        vq->ready = false;
        vq->desc = vq->avail = vq->used = NULL;
        return true;
    }
    if (vq->ready) {
        return true;
    }
    if (!vq->vdev->transport || !virtqueue_check_layout(vq)) {
        return false;
    }
    vq->desc = virtqueue_map(vq, "descriptor", vq->desc_addr,
                             vring_desc_size(vq->num), false);
    vq->avail = virtqueue_map(vq, "available", vq->avail_addr,
                              vring_avail_size(vq->num), false);
    vq->used = virtqueue_map(vq, "used", vq->used_addr,
                             vring_used_size(vq->num), true);
    if (!vq->desc || !vq->avail || !vq->used) {
        vq->desc = vq->avail = vq->used = NULL;
        return false;
    }
    vq->last_avail_idx = 0;
    vq->used_idx = 0;
    vq->signalled_used_valid = false;
    vq->used_pending = false;
    vq->inuse = 0;
    vq->ready = true;
    return true;
}

void virtio_queue_notify(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq;

    if (n >= vdev->num_queues) {
        log_mask(LOG_GUEST_ERROR, "%s: notify of queue %u (has %u)\n",
                 vdev->ops->name, n, vdev->num_queues);
        return;
    }
    vq = &vdev->vq[n];
    if (virtqueue_usable(vq) && vq->handle) {
        vq->handle(vdev, vq);
    }
}

/* ------------------------------------------------------------------ */
/* Ring accessors                                                      */

static uint16_t vring_avail_flags(VirtQueue *vq)
{
    return __atomic_load_n((uint16_t *)vq->avail, __ATOMIC_RELAXED);
}

static uint16_t vring_avail_idx(VirtQueue *vq)
{
    return __atomic_load_n((uint16_t *)(vq->avail + 2), __ATOMIC_ACQUIRE);
}

static uint16_t vring_avail_ring(VirtQueue *vq, unsigned i)
{
    return __atomic_load_n((uint16_t *)(vq->avail + 4 + 2 * i),
                           __ATOMIC_RELAXED);
}

static uint16_t vring_used_event(VirtQueue *vq)
{
    return vring_avail_ring(vq, vq->num);
}

static void vring_set_avail_event(VirtQueue *vq, uint16_t val)
{
    __atomic_store_n((uint16_t *)(vq->used + 4 + 8 * vq->num), val,
                     __ATOMIC_RELAXED);
}

static void vring_used_write(VirtQueue *vq, unsigned i, uint32_t id,
                             uint32_t len)
{
    uint32_t *e = (uint32_t *)(vq->used + 4 + 8 * i);

    __atomic_store_n(&e[0], id, __ATOMIC_RELAXED);
    __atomic_store_n(&e[1], len, __ATOMIC_RELAXED);
}

static void vring_set_used_idx(VirtQueue *vq, uint16_t idx)
{
    __atomic_store_n((uint16_t *)(vq->used + 2), idx, __ATOMIC_RELEASE);
}

static void vring_desc_read(const uint8_t *table, unsigned i, VRingDesc *d)
{
    memcpy(d, table + (size_t)i * VRING_DESC_SIZE, sizeof(*d));
}

/* ------------------------------------------------------------------ */
/* Popping a descriptor chain                                          */

/* The element being gathered (on the stack: one per pop). */
typedef struct ChainWalk {
    VirtQueue *vq;
    unsigned n;                 /* iovecs so far */
    unsigned out_num;           /* of which readable */
    size_t out_len, in_len;
    bool seen_write;            /* rule 4 */
    struct iovec iov[VIRTQUEUE_MAX_SG];
} ChainWalk;

/* Map [addr, addr + len) into one or more iovecs (rule 5). */
static bool chain_map_buffer(ChainWalk *w, uint64_t addr, uint64_t len,
                             bool is_write)
{
    AddressSpace *as = w->vq->vdev->transport->dma_as;

    while (len) {
        uint64_t piece = len;
        void *host = address_space_map_ram(as, addr, len, is_write);
        MemSection sec;

        if (!host && address_space_translate(as, addr, &sec) &&
            sec.len < len) {
            piece = sec.len;
            host = address_space_map_ram(as, addr, piece, is_write);
        }
        if (!host) {
            virtio_error(w->vq->vdev, "queue %u: buffer at %#" PRIx64
                         " (+%#" PRIx64 ") is not in RAM", w->vq->index,
                         addr, len);
            return false;
        }
        if (w->n == VIRTQUEUE_MAX_SG) {
            virtio_error(w->vq->vdev, "queue %u: more than %u buffers "
                         "in one chain", w->vq->index, VIRTQUEUE_MAX_SG);
            return false;
        }
        w->iov[w->n].iov_base = host;
        w->iov[w->n].iov_len = piece;
        w->n++;
        addr += piece;
        len -= piece;
    }
    return true;
}

static bool chain_add_desc(ChainWalk *w, const VRingDesc *d)
{
    bool is_write = d->flags & VRING_DESC_F_WRITE;

    if (!is_write && w->seen_write) {
        virtio_error(w->vq->vdev, "queue %u: readable descriptor after "
                     "a writable one", w->vq->index);
        return false;
    }
    if (!chain_map_buffer(w, d->addr, d->len, is_write)) {
        return false;
    }
    if (is_write) {
        w->seen_write = true;
        w->in_len += d->len;
    } else {
        w->out_len += d->len;
        w->out_num = w->n;
    }
    return true;
}

static bool chain_walk(ChainWalk *w, const uint8_t *table, unsigned size,
                       unsigned i, bool indirect);

static bool chain_walk_indirect(ChainWalk *w, const VRingDesc *d)
{
    VirtQueue *vq = w->vq;
    const uint8_t *table;

    if (!virtio_has_feature(vq->vdev, VIRTIO_F_INDIRECT_DESC)) {
        virtio_error(vq->vdev, "queue %u: indirect descriptor without "
                     "VIRTIO_F_INDIRECT_DESC", vq->index);
        return false;
    }
    if (d->flags & VRING_DESC_F_NEXT) {
        virtio_error(vq->vdev, "queue %u: indirect descriptor with NEXT",
                     vq->index);
        return false;
    }
    if (d->len == 0 || d->len % VRING_DESC_SIZE ||
        d->len / VRING_DESC_SIZE > VIRTQUEUE_MAX_SG) {
        virtio_error(vq->vdev, "queue %u: indirect table of %u bytes",
                     vq->index, d->len);
        return false;
    }
    table = address_space_map_ram(vq->vdev->transport->dma_as, d->addr,
                                  d->len, false);
    if (!table) {
        virtio_error(vq->vdev, "queue %u: indirect table at %#" PRIx64
                     " is not in RAM", vq->index, d->addr);
        return false;
    }
    return chain_walk(w, table, d->len / VRING_DESC_SIZE, 0, true);
}

/* Rules 1-3: follow NEXT from i, visiting at most size descriptors. */
static bool chain_walk(ChainWalk *w, const uint8_t *table, unsigned size,
                       unsigned i, bool indirect)
{
    VirtIODevice *vdev = w->vq->vdev;
    unsigned count;
    VRingDesc d;

    for (count = 0; count < size; count++) {
        if (i >= size) {
            virtio_error(vdev, "queue %u: descriptor index %u out of "
                         "range (%u)", w->vq->index, i, size);
            return false;
        }
        vring_desc_read(table, i, &d);
        if (d.flags & VRING_DESC_F_INDIRECT) {
            if (indirect) {
                virtio_error(vdev, "queue %u: nested indirect table",
                             w->vq->index);
                return false;
            }
            return chain_walk_indirect(w, &d);
        }
        if (!chain_add_desc(w, &d)) {
            return false;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            return true;
        }
        i = d.next;
    }
    virtio_error(vdev, "queue %u: descriptor chain longer than %u "
                 "(loop?)", w->vq->index, size);
    return false;
}

static VirtQueueElement *chain_to_element(ChainWalk *w, unsigned head)
{
    VirtQueueElement *elem;

    elem = g_malloc(sizeof(*elem) + w->n * sizeof(struct iovec));
    elem->index = head;
    elem->out_num = w->out_num;
    elem->in_num = w->n - w->out_num;
    elem->out_len = w->out_len;
    elem->in_len = w->in_len;
    elem->out_sg = (struct iovec *)(elem + 1);
    elem->in_sg = elem->out_sg + w->out_num;
    memcpy(elem->out_sg, w->iov, w->n * sizeof(struct iovec));
    return elem;
}

/* How many entries wait in the avail ring; breaks on a bogus index. */
static unsigned virtqueue_avail_count(VirtQueue *vq)
{
    uint16_t avail = vring_avail_idx(vq);
    uint16_t n = avail - vq->last_avail_idx;

    if (n > vq->num) {
        virtio_error(vq->vdev, "queue %u: avail index %u is %u ahead "
                     "of %u (size %u)", vq->index, avail, n,
                     vq->last_avail_idx, vq->num);
        return 0;
    }
    return n;
}

bool virtqueue_has_avail(VirtQueue *vq)
{
    if (!virtqueue_usable(vq)) {
        return false;
    }
    if (virtqueue_avail_count(vq)) {
        return true;
    }
    if (virtio_has_feature(vq->vdev, VIRTIO_F_EVENT_IDX)) {
        /* Ask for a kick at the next entry, then look again. */
        vring_set_avail_event(vq, vq->last_avail_idx);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        return virtqueue_avail_count(vq) > 0 && !vq->vdev->broken;
    }
    return false;
}

VirtQueueElement *virtqueue_pop(VirtQueue *vq)
{
    ChainWalk w;
    unsigned head;

    if (!virtqueue_has_avail(vq)) {
        return NULL;
    }
    head = vring_avail_ring(vq, vq->last_avail_idx & (vq->num - 1));
    vq->last_avail_idx++;
    if (virtio_has_feature(vq->vdev, VIRTIO_F_EVENT_IDX)) {
        vring_set_avail_event(vq, vq->last_avail_idx);
    }
    w.vq = vq;
    w.n = w.out_num = 0;
    w.out_len = w.in_len = 0;
    w.seen_write = false;
    if (head >= vq->num) {
        virtio_error(vq->vdev, "queue %u: avail ring head %u out of "
                     "range (%u)", vq->index, head, vq->num);
        return NULL;
    }
    if (!chain_walk(&w, vq->desc, vq->num, head, false)) {
        return NULL;
    }
    vq->inuse++;
    return chain_to_element(&w, head);
}

/* ------------------------------------------------------------------ */
/* Returning elements and notifying                                    */

void virtqueue_detach(VirtQueue *vq, VirtQueueElement *elem)
{
    if (elem && vq->inuse) {
        vq->inuse--;
    }
    g_free(elem);
}

void virtqueue_push(VirtQueue *vq, VirtQueueElement *elem, uint32_t len)
{
    if (!elem) {
        return;
    }
    /* After a reset or a guest error the rings are no longer ours. */
    if (vq->ready && !vq->vdev->broken) {
        if (len > elem->in_len) {
            len = elem->in_len;
        }
        vring_used_write(vq, vq->used_idx & (vq->num - 1), elem->index,
                         len);
        vq->used_idx++;
        vq->used_pending = true;
        vring_set_used_idx(vq, vq->used_idx);
    }
    virtqueue_detach(vq, elem);
}

/* Notification suppression (virtio 1.x, 2.7.10): flags or used_event. */
static bool virtqueue_should_notify(VirtQueue *vq)
{
    uint16_t old = vq->signalled_used, new = vq->used_idx, event;
    bool valid = vq->signalled_used_valid;

    if (!vq->used_pending) {
        return false;               /* nothing new since the last one */
    }
    vq->used_pending = false;
    vq->signalled_used = new;
    vq->signalled_used_valid = true;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!virtio_has_feature(vq->vdev, VIRTIO_F_EVENT_IDX)) {
        return !(vring_avail_flags(vq) & VRING_AVAIL_F_NO_INTERRUPT);
    }
    if (!valid) {
        return true;
    }
    event = vring_used_event(vq);
    return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

void virtio_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    if (!virtqueue_usable(vq) || !virtqueue_should_notify(vq)) {
        return;
    }
    vdev->isr |= VIRTIO_ISR_QUEUE;
    virtio_update_irq(vdev);
}

/* ------------------------------------------------------------------ */
/* Scatter-gather copies                                               */

size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t offset,
                  void *buf, size_t len)
{
    size_t done = 0;
    unsigned i;

    for (i = 0; i < n && done < len; i++) {
        size_t chunk;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        chunk = MIN(iov[i].iov_len - offset, len - done);
        memcpy((uint8_t *)buf + done, (uint8_t *)iov[i].iov_base + offset,
               chunk);
        done += chunk;
        offset = 0;
    }
    return done;
}

size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t offset,
                    const void *buf, size_t len)
{
    size_t done = 0;
    unsigned i;

    for (i = 0; i < n && done < len; i++) {
        size_t chunk;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        chunk = MIN(iov[i].iov_len - offset, len - done);
        memcpy((uint8_t *)iov[i].iov_base + offset,
               (const uint8_t *)buf + done, chunk);
        done += chunk;
        offset = 0;
    }
    return done;
}

/* ------------------------------------------------------------------ */
/* -device                                                             */

static const char *const virtio_device_names[] = {
    "virtio-rng-device",
    "virtio-console-device",
    "virtio-serial-device",
    "virtconsole",
};

void virtio_device_list(FILE *f)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(virtio_device_names); i++) {
        fprintf(f, "%s\n", virtio_device_names[i]);
    }
}

/*
 * Parse "key=val,..." after the name: chardev=, and QEMU's id=, bus= and
 * name= (accepted, meaningless with one port per transport).
 */
static bool virtio_parse_props(const char *name, char **props,
                               const char **chardev, GError **errp)
{
    for (; *props; props++) {
        const char *p = *props;

        if (g_str_has_prefix(p, "chardev=") && p[8]) {
            *chardev = p + 8;
        } else if (g_str_has_prefix(p, "id=") ||
                   g_str_has_prefix(p, "bus=") ||
                   g_str_has_prefix(p, "name=")) {
            continue;
        } else {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "-device %s: unknown property '%s'", name, p);
            return false;
        }
    }
    return true;
}

static Chardev *virtio_find_chardev(const char *name, const char *id,
                                    GError **errp)
{
    Chardev *c = chardev_find(id);

    if (!c) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-device %s: chardev '%s' not found", name, id);
    }
    return c;
}

/* virtconsole: the port of the last console without a backend. */
static bool virtio_attach_port(GPtrArray *devs, Chardev *c, GError **errp)
{
    guint i;

    for (i = devs->len; i-- > 0;) {
        VirtIODevice *vdev = g_ptr_array_index(devs, i);
        if (vdev->ops->device_id == VIRTIO_ID_CONSOLE &&
            virtio_console_set_chardev(vdev, c)) {
            return true;
        }
    }
    g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "-device virtconsole: needs a virtio-serial-device "
                "before it (one port each)");
    return false;
}

static int virtio_create_named(const char *name, const char *chardev,
                               GPtrArray *devs, GError **errp)
{
    Chardev *c = NULL;

    if (chardev && !(c = virtio_find_chardev(name, chardev, errp))) {
        return -1;
    }
    if (!strcmp(name, "virtio-rng-device")) {
        if (chardev) {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "-device %s: unknown property 'chardev'", name);
            return -1;
        }
        g_ptr_array_add(devs, virtio_rng_new());
    } else if (!strcmp(name, "virtconsole")) {
        if (!c) {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "-device virtconsole: needs chardev=ID");
            return -1;
        }
        return virtio_attach_port(devs, c, errp) ? 1 : -1;
    } else {
        g_ptr_array_add(devs, virtio_console_new(c));
    }
    return 1;
}

int virtio_device_create(const char *spec, GPtrArray *devs, GError **errp)
{
    char **parts = g_strsplit(spec, ",", -1);
    const char *chardev = NULL;
    bool known = false;
    unsigned i;
    int ret = 0;

    for (i = 0; parts[0] && i < G_N_ELEMENTS(virtio_device_names); i++) {
        known |= !strcmp(parts[0], virtio_device_names[i]);
    }
    if (known) {
        ret = -1;
        if (virtio_parse_props(parts[0], parts + 1, &chardev, errp)) {
            ret = virtio_create_named(parts[0], chardev, devs, errp);
        }
    }
    g_strfreev(parts);
    return ret;
}

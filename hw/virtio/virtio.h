/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The transport-independent virtio core (virtio 1.x, split virtqueues):
 * feature negotiation, device status, virtqueues in guest memory and the
 * scatter-gather elements devices pop from them and push back.
 *
 * A device embeds a VirtIODevice as its first member, describes itself
 * with a VirtIODeviceOps and gives each queue a handler called when the
 * driver notifies it:
 *
 *     static void rng_handle(VirtIODevice *vdev, VirtQueue *vq)
 *     {
 *         VirtQueueElement *elem;
 *         while ((elem = virtqueue_pop(vq)) != NULL) {
 *             size_t n = fill(elem->in_sg, elem->in_num);
 *             virtqueue_push(vq, elem, n);
 *         }
 *         virtio_notify(vdev, vq);
 *     }
 *
 *     virtio_init(&s->vdev, &rng_ops);
 *     virtio_add_queue(&s->vdev, 256, rng_handle);
 *
 * A transport (virtio-mmio.c) binds the device with virtio_bind(), turns
 * register accesses into the virtio_* calls below and raises its
 * interrupt when vdev->isr becomes non-zero.
 *
 * Guest errors (bad ring addresses, out-of-range indexes, descriptor
 * loops) are logged under -d guest_errors and mark the device broken:
 * DEVICE_NEEDS_RESET is set, queues stop until the driver resets it.
 * All state lives in the structs: devices may have many instances.
 */
#ifndef HW_VIRTIO_H
#define HW_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>

#include <glib.h>

#include "kestrel/memory.h"
#include "kestrel/sysemu.h"

/* Device status bits (virtio 1.x, 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE       0x01
#define VIRTIO_STATUS_DRIVER            0x02
#define VIRTIO_STATUS_DRIVER_OK         0x04
#define VIRTIO_STATUS_FEATURES_OK       0x08
#define VIRTIO_STATUS_NEEDS_RESET       0x40
#define VIRTIO_STATUS_FAILED            0x80

/* Interrupt status bits (what InterruptStatus / the ISR reads). */
#define VIRTIO_ISR_QUEUE                0x1
#define VIRTIO_ISR_CONFIG               0x2

/* Device-independent feature bits. */
#define VIRTIO_F_INDIRECT_DESC          28
#define VIRTIO_F_EVENT_IDX              29
#define VIRTIO_F_VERSION_1              32

/* Device IDs (virtio 1.x, 5). */
#define VIRTIO_ID_NET                   1
#define VIRTIO_ID_BLOCK                 2
#define VIRTIO_ID_CONSOLE               3
#define VIRTIO_ID_RNG                   4

/* Split-ring descriptor flags. */
#define VRING_DESC_F_NEXT               1
#define VRING_DESC_F_WRITE              2
#define VRING_DESC_F_INDIRECT           4
#define VRING_AVAIL_F_NO_INTERRUPT      1
#define VRING_USED_F_NO_NOTIFY          1

#define VIRTIO_QUEUE_MAX                8       /* queues per device */
#define VIRTQUEUE_MAX_SIZE              1024    /* entries per queue */
#define VIRTQUEUE_MAX_SG                1024    /* iovecs per element */

typedef struct VirtIODevice VirtIODevice;
typedef struct VirtQueue VirtQueue;

/* Called when the driver notifies vq (and when DRIVER_OK is set). */
typedef void (*VirtQueueHandler)(VirtIODevice *vdev, VirtQueue *vq);

/*
 * One descriptor chain the device took from a queue: the device reads
 * out_sg (driver -> device) and writes in_sg (device -> driver).  The
 * iovecs point into guest RAM (host addresses); a buffer crossing RAM
 * regions takes several iovecs.  Freed by virtqueue_push/_detach.
 */
typedef struct VirtQueueElement {
    unsigned index;             /* head descriptor index */
    unsigned out_num;           /* readable iovecs, out_sg[0..out_num) */
    unsigned in_num;            /* writable iovecs, in_sg[0..in_num) */
    size_t out_len;             /* total bytes of out_sg */
    size_t in_len;              /* total bytes of in_sg */
    struct iovec *out_sg;
    struct iovec *in_sg;
} VirtQueueElement;

/* A split virtqueue: where the driver put it and how far both sides are. */
struct VirtQueue {
    VirtIODevice *vdev;
    unsigned index;             /* queue number */
    unsigned num_max;           /* QueueNumMax: 0 = queue does not exist */
    unsigned num;               /* QueueNum (power of two) */
    bool ready;                 /* QueueReady */
    uint64_t desc_addr;         /* QueueDesc: descriptor table */
    uint64_t avail_addr;        /* QueueDriver: available ring */
    uint64_t used_addr;         /* QueueDevice: used ring */
    /* Host views of the rings, mapped when the queue is made ready. */
    uint8_t *desc;
    uint8_t *avail;
    uint8_t *used;
    uint16_t last_avail_idx;    /* next available entry to take */
    uint16_t used_idx;          /* next used entry to fill */
    uint16_t signalled_used;    /* used_idx at the last interrupt */
    bool signalled_used_valid;
    bool used_pending;          /* pushed since the last notify check */
    unsigned inuse;             /* popped, not yet pushed */
    VirtQueueHandler handle;
};

/* What a device model provides to the core. */
typedef struct VirtIODeviceOps {
    const char *name;           /* "virtio-rng-device", for logs */
    uint32_t device_id;         /* VIRTIO_ID_*; 0 is invalid */
    uint64_t features;          /* device-specific features offered
                                   (the core adds VERSION_1 and the
                                   ring features) */
    unsigned config_size;       /* bytes of device config space */
    /* Refresh vdev->config before the driver reads it (may be NULL). */
    void (*get_config)(VirtIODevice *vdev);
    /* The driver wrote config bytes [offset, offset + size). */
    void (*set_config)(VirtIODevice *vdev, unsigned offset, unsigned size);
    /* Status changed (e.g. DRIVER_OK set); old is the previous value. */
    void (*set_status)(VirtIODevice *vdev, uint8_t old);
    /* Device reset (driver wrote 0 to Status, or system reset). */
    void (*reset)(VirtIODevice *vdev);
    /* Free what the device allocated (not vdev itself). */
    void (*cleanup)(VirtIODevice *vdev);
} VirtIODeviceOps;

/* The transport's side: how the core raises the interrupt. */
typedef struct VirtIOTransport {
    /* vdev->isr changed: set the interrupt line to (isr != 0). */
    void (*update_irq)(void *opaque);
    void *opaque;
    AddressSpace *dma_as;       /* where rings and buffers live */
} VirtIOTransport;

struct VirtIODevice {
    const VirtIODeviceOps *ops;
    uint8_t status;             /* Status register */
    uint8_t isr;                /* VIRTIO_ISR_* pending */
    bool broken;                /* guest error: stop until reset */
    uint64_t host_features;     /* offered */
    uint64_t guest_features;    /* accepted by the driver */
    uint32_t config_generation;
    uint8_t *config;            /* ops->config_size bytes, little-endian */
    unsigned num_queues;
    VirtQueue vq[VIRTIO_QUEUE_MAX];
    const VirtIOTransport *transport; /* NULL until plugged */
};

/* ------------------------------------------------------------------ */
/* For device models                                                   */

/* Initialise vdev (status 0, no queues) for ops; allocates config. */
void virtio_init(VirtIODevice *vdev, const VirtIODeviceOps *ops);
/* Add the next queue, of at most num_max (power of two) entries. */
VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned num_max,
                            VirtQueueHandler handle);
/* Release what virtio_init allocated and what ops->cleanup frees. */
void virtio_cleanup(VirtIODevice *vdev);
/* Free a device made by one of the *_new constructors. */
void virtio_device_free(VirtIODevice *vdev);

static inline bool virtio_has_feature(const VirtIODevice *vdev, unsigned bit)
{
    return (vdev->guest_features >> bit) & 1;
}

/* DRIVER_OK set and not broken: queues may be used. */
bool virtio_device_running(const VirtIODevice *vdev);
/* Queue is ready and the device running. */
bool virtqueue_usable(const VirtQueue *vq);

/*
 * Take the next available descriptor chain, or NULL when the queue is
 * empty, not usable or broken (a malformed chain breaks the device).
 */
VirtQueueElement *virtqueue_pop(VirtQueue *vq);
/* True if the driver has made buffers available (without taking one). */
bool virtqueue_has_avail(VirtQueue *vq);
/* Return elem to the driver with len bytes written to in_sg; frees it. */
void virtqueue_push(VirtQueue *vq, VirtQueueElement *elem, uint32_t len);
/* Drop elem without returning it (device reset); frees it. */
void virtqueue_detach(VirtQueue *vq, VirtQueueElement *elem);
/* Interrupt the driver for vq's used buffers, if it wants one. */
void virtio_notify(VirtIODevice *vdev, VirtQueue *vq);
/* Config space changed: bump the generation and interrupt. */
void virtio_notify_config(VirtIODevice *vdev);
/* Guest error: log it, set DEVICE_NEEDS_RESET, stop the queues. */
void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/* Copy between iovecs and a flat buffer; return bytes copied. */
size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t offset,
                  void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t offset,
                    const void *buf, size_t len);

/* ------------------------------------------------------------------ */
/* For transports                                                      */

void virtio_bind(VirtIODevice *vdev, const VirtIOTransport *t);
void virtio_reset(VirtIODevice *vdev);
/* 32 feature bits of the offered set, sel 0 = low, 1 = high. */
uint32_t virtio_get_features(VirtIODevice *vdev, unsigned sel);
void virtio_set_guest_features(VirtIODevice *vdev, unsigned sel,
                               uint32_t val);
/* Status write (0 resets); validates FEATURES_OK. */
void virtio_set_status(VirtIODevice *vdev, uint8_t val);
/* QueueReady 1: checks and maps the rings; false on a guest error. */
bool virtio_queue_set_ready(VirtQueue *vq, bool ready);
/* The driver notified queue n. */
void virtio_queue_notify(VirtIODevice *vdev, unsigned n);
/* Driver acknowledged interrupt bits. */
void virtio_isr_ack(VirtIODevice *vdev, uint8_t bits);
/* Config space access at offset (little-endian, size 1, 2 or 4). */
uint32_t virtio_config_read(VirtIODevice *vdev, unsigned offset,
                            unsigned size);
void virtio_config_write(VirtIODevice *vdev, unsigned offset,
                         unsigned size, uint32_t val);

/* ------------------------------------------------------------------ */
/* Devices and -device                                                 */

/* A virtio-console with one port on c (NULL: output dropped, no input). */
VirtIODevice *virtio_console_new(Chardev *c);
/* Attach c to a console created without one; false if it has one. */
bool virtio_console_set_chardev(VirtIODevice *vdev, Chardev *c);
/* A virtio-rng fed from the host's getrandom(). */
VirtIODevice *virtio_rng_new(void);

/*
 * Create the virtio device a -device spec names and append it to devs:
 *   virtio-rng-device
 *   virtio-console-device[,chardev=ID]
 *   virtio-serial-device           (a console with no port yet)
 *   virtconsole,chardev=ID         (the port of the last virtio-serial)
 * Returns 1 when it handled spec, 0 when spec names no virtio device
 * (the board tries its own), -1 with *errp on a bad property.
 */
int virtio_device_create(const char *spec, GPtrArray *devs, GError **errp);
/* The names virtio_device_create knows, one a line (-device help). */
void virtio_device_list(FILE *f);

#endif /* HW_VIRTIO_H */

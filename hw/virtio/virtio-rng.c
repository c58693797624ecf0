/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-rng, the entropy device (virtio 1.x, 5.4).
 *
 * What the board sees: a VirtIODevice (device ID 4) to plug into a
 * transport; no properties, no config space, no features.
 *
 * Queue 0 (requestq): each buffer the driver offers is filled with bytes
 * from the host's getrandom() and returned at once.
 *
 * Not emulated: rate limiting (max-bytes/period), other entropy backends.
 */
#include <errno.h>
#include <sys/random.h>

#include "virtio/virtio.h"

#define VIRTIO_RNG_QUEUE_SIZE   64

typedef struct VirtIORNG {
    VirtIODevice vdev;          /* first: the core frees through it */
    VirtQueue *vq;
} VirtIORNG;

/* Fill len bytes at p; returns how many the host gave (never blocks). */
static size_t rng_fill(uint8_t *p, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t r = getrandom(p + done, len - done, GRND_NONBLOCK);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;      /* EAGAIN: pool not ready; give what we have */
        }
        done += r;
    }
    return done;
}

static void rng_handle(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtQueueElement *elem;
    size_t total, n;
    unsigned i;

    while ((elem = virtqueue_pop(vq)) != NULL) {
        total = 0;
        for (i = 0; i < elem->in_num; i++) {
            n = rng_fill(elem->in_sg[i].iov_base, elem->in_sg[i].iov_len);
            total += n;
            if (n < elem->in_sg[i].iov_len) {
                break;
            }
        }
        virtqueue_push(vq, elem, total);
    }
    virtio_notify(vdev, vq);
}

static const VirtIODeviceOps virtio_rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_RNG,
};

VirtIODevice *virtio_rng_new(void)
{
    VirtIORNG *s = g_new0(VirtIORNG, 1);

    virtio_init(&s->vdev, &virtio_rng_ops);
    s->vq = virtio_add_queue(&s->vdev, VIRTIO_RNG_QUEUE_SIZE, rng_handle);
    return &s->vdev;
}

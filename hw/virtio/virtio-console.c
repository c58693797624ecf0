/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-console (virtio 1.x, 5.3) with a single port: Linux's /dev/hvc0.
 *
 * What the board sees: a VirtIODevice (device ID 3) to plug into a
 * transport; property chardev (the backend, may be attached later with
 * virtio_console_set_chardev, as -device virtconsole does).
 *
 * Queues: 0 receiveq (chardev input -> guest), 1 transmitq (guest output
 * -> chardev).  Config: cols, rows, max_nr_ports, emerg_wr (12 bytes).
 * Features: VIRTIO_CONSOLE_F_EMERG_WRITE (a byte written to emerg_wr goes
 * to the chardev).
 *
 * Input takes one receive buffer at a time: can_receive pops it and
 * reports its size, receive fills and returns it.
 *
 * Not emulated: MULTIPORT (control queues, more ports), F_SIZE.
 */
#include <limits.h>

#include "virtio/virtio.h"

#define VIRTIO_CONSOLE_F_EMERG_WRITE    2
#define VIRTIO_CONSOLE_CONFIG_SIZE      12
#define VIRTIO_CONSOLE_EMERG_WR         8       /* config offset */
#define VIRTIO_CONSOLE_QUEUE_SIZE       128

typedef struct VirtIOConsole {
    VirtIODevice vdev;          /* first: the core frees through it */
    Chardev *chr;               /* NULL: output dropped, no input */
    VirtQueue *rx;              /* receiveq */
    VirtQueue *tx;              /* transmitq */
    VirtQueueElement *rx_elem;  /* receive buffer waiting for input */
} VirtIOConsole;

static VirtIOConsole *to_console(VirtIODevice *vdev)
{
    return (VirtIOConsole *)vdev;
}

/* ------------------------------------------------------------------ */
/* Guest output                                                        */

static void console_handle_tx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOConsole *s = to_console(vdev);
    VirtQueueElement *elem;
    unsigned i;

    while ((elem = virtqueue_pop(vq)) != NULL) {
        for (i = 0; s->chr && i < elem->out_num; i++) {
            chardev_write(s->chr, elem->out_sg[i].iov_base,
                          (int)MIN(elem->out_sg[i].iov_len, INT_MAX));
        }
        virtqueue_push(vq, elem, 0);
    }
    virtio_notify(vdev, vq);
}

static void console_set_config(VirtIODevice *vdev, unsigned offset,
                               unsigned size)
{
    VirtIOConsole *s = to_console(vdev);
    uint8_t c = vdev->config[VIRTIO_CONSOLE_EMERG_WR];

    if (offset == VIRTIO_CONSOLE_EMERG_WR && size >= 1 && s->chr &&
        virtio_has_feature(vdev, VIRTIO_CONSOLE_F_EMERG_WRITE)) {
        chardev_write(s->chr, &c, 1);
    }
}

/* ------------------------------------------------------------------ */
/* Guest input                                                         */

/* Make sure a receive buffer is at hand; false if the guest gave none. */
static bool console_get_rx(VirtIOConsole *s)
{
    while (!s->rx_elem) {
        s->rx_elem = virtqueue_pop(s->rx);
        if (!s->rx_elem) {
            return false;
        }
        if (s->rx_elem->in_len == 0) {
            virtqueue_push(s->rx, s->rx_elem, 0);   /* useless buffer */
            s->rx_elem = NULL;
        }
    }
    return true;
}

static int console_can_receive(void *opaque)
{
    VirtIOConsole *s = opaque;

    if (!virtqueue_usable(s->rx) || !console_get_rx(s)) {
        return 0;
    }
    return (int)MIN(s->rx_elem->in_len, INT_MAX);
}

static void console_receive(void *opaque, const uint8_t *buf, int len)
{
    VirtIOConsole *s = opaque;
    size_t done = 0, n;

    while (done < (size_t)len && virtqueue_usable(s->rx) &&
           console_get_rx(s)) {
        n = iov_from_buf(s->rx_elem->in_sg, s->rx_elem->in_num, 0,
                         buf + done, len - done);
        virtqueue_push(s->rx, s->rx_elem, n);
        s->rx_elem = NULL;
        done += n;
    }
    virtio_notify(&s->vdev, s->rx);
    /* Input beyond the buffers we have is dropped (can_receive said so). */
}

static void console_handle_rx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOConsole *s = to_console(vdev);

    (void)vq;
    if (s->chr) {
        chardev_accept_input(s->chr);
    }
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */

static void console_set_status(VirtIODevice *vdev, uint8_t old)
{
    VirtIOConsole *s = to_console(vdev);

    if (!(old & VIRTIO_STATUS_DRIVER_OK) && s->chr &&
        (vdev->status & VIRTIO_STATUS_DRIVER_OK)) {
        chardev_accept_input(s->chr);
    }
}

static void console_reset(VirtIODevice *vdev)
{
    VirtIOConsole *s = to_console(vdev);

    virtqueue_detach(s->rx, s->rx_elem);
    s->rx_elem = NULL;
    memset(vdev->config, 0, VIRTIO_CONSOLE_CONFIG_SIZE);
}

static void console_cleanup(VirtIODevice *vdev)
{
    VirtIOConsole *s = to_console(vdev);

    if (s->chr) {
        chardev_set_handlers(s->chr, NULL, NULL, NULL);
    }
    g_free(s->rx_elem);
    s->rx_elem = NULL;
}

static const VirtIODeviceOps virtio_console_ops = {
    .name = "virtio-console",
    .device_id = VIRTIO_ID_CONSOLE,
    .features = 1ull << VIRTIO_CONSOLE_F_EMERG_WRITE,
    .config_size = VIRTIO_CONSOLE_CONFIG_SIZE,
    .set_config = console_set_config,
    .set_status = console_set_status,
    .reset = console_reset,
    .cleanup = console_cleanup,
};

bool virtio_console_set_chardev(VirtIODevice *vdev, Chardev *c)
{
    VirtIOConsole *s = to_console(vdev);

    g_assert(vdev->ops == &virtio_console_ops);
    if (s->chr) {
        return false;
    }
    s->chr = c;
    if (c) {
        chardev_set_handlers(c, console_can_receive, console_receive, s);
    }
    return true;
}

VirtIODevice *virtio_console_new(Chardev *c)
{
    VirtIOConsole *s = g_new0(VirtIOConsole, 1);

    virtio_init(&s->vdev, &virtio_console_ops);
    s->rx = virtio_add_queue(&s->vdev, VIRTIO_CONSOLE_QUEUE_SIZE,
                             console_handle_rx);
    s->tx = virtio_add_queue(&s->vdev, VIRTIO_CONSOLE_QUEUE_SIZE,
                             console_handle_tx);
    virtio_console_set_chardev(&s->vdev, c);
    return &s->vdev;
}

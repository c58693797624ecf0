/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-mmio transport, version 2 (virtio 1.x, 4.2.2).
 *
 * What the board sees:
 *   - one MMIO region of VIRTIO_MMIO_SIZE (0x200) bytes: registers at
 *     0x000-0x0ff (32-bit accesses only), device config space from 0x100
 *     (8-, 16- and 32-bit accesses);
 *   - one IRQ output, high while InterruptStatus is non-zero;
 *   - no properties: virtio_mmio_plug() puts a device behind it.  An empty
 *     transport answers MagicValue, Version and VendorID, and DeviceID 0.
 *
 * Not emulated: the legacy (version 1) layout, shared memory regions
 * (SHMLen reads all ones: "no such region"), QueueReset.
 */
#include <inttypes.h>

#include "kestrel/log.h"
#include "virtio/virtio-mmio.h"

struct VirtIOMMIO {
    MemoryRegion iomem;
    uint64_t base;              /* for log messages */
    IRQLine *irq;
    VirtIODevice *vdev;         /* NULL: empty slot */
    VirtIOTransport transport;
    uint32_t device_features_sel;
    uint32_t driver_features_sel;
    uint32_t queue_sel;
    uint32_t shm_sel;
};

static void virtio_mmio_update_irq(void *opaque)
{
    VirtIOMMIO *s = opaque;

    irq_set(s->irq, s->vdev && s->vdev->isr != 0);
}

/* The selected queue, or NULL if QueueSel names none. */
static VirtQueue *virtio_mmio_vq(VirtIOMMIO *s)
{
    if (s->queue_sel >= s->vdev->num_queues) {
        return NULL;
    }
    return &s->vdev->vq[s->queue_sel];
}

/* ------------------------------------------------------------------ */
/* Reads                                                               */

static uint64_t virtio_mmio_read_queue(VirtIOMMIO *s, uint64_t addr)
{
    VirtQueue *vq = virtio_mmio_vq(s);

    if (!vq) {
        return 0;       /* QueueNumMax 0: "no such queue" */
    }
    switch (addr) {
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return vq->num_max;
    case VIRTIO_MMIO_QUEUE_NUM:
        return vq->num;
    case VIRTIO_MMIO_QUEUE_READY:
        return vq->ready;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        return (uint32_t)vq->desc_addr;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        return vq->desc_addr >> 32;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        return (uint32_t)vq->avail_addr;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        return vq->avail_addr >> 32;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
        return (uint32_t)vq->used_addr;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        return vq->used_addr >> 32;
    }
    g_assert_not_reached();
}

static uint64_t virtio_mmio_read_reg(VirtIOMMIO *s, uint64_t addr)
{
    VirtIODevice *vdev = s->vdev;

    switch (addr) {
    case VIRTIO_MMIO_DEVICE_ID:
        return vdev->ops->device_id;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return virtio_get_features(vdev, s->device_features_sel);
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
    case VIRTIO_MMIO_QUEUE_NUM:
    case VIRTIO_MMIO_QUEUE_READY:
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        return virtio_mmio_read_queue(s, addr);
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        return vdev->isr;
    case VIRTIO_MMIO_STATUS:
        return vdev->status;
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW:
    case VIRTIO_MMIO_SHM_BASE_HIGH:
        return 0xffffffff;
    case VIRTIO_MMIO_CONFIG_GENERATION:
        return vdev->config_generation;
    }
    log_mask(LOG_GUEST_ERROR, "virtio-mmio@%#" PRIx64 ": read of "
             "write-only or unknown register %#" PRIx64 "\n", s->base, addr);
    return 0;
}

static uint64_t virtio_mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    VirtIOMMIO *s = opaque;

    if (addr >= VIRTIO_MMIO_CONFIG) {
        if (!s->vdev) {
            return 0;
        }
        return virtio_config_read(s->vdev, addr - VIRTIO_MMIO_CONFIG, size);
    }
    if (size != 4) {
        log_mask(LOG_GUEST_ERROR, "virtio-mmio@%#" PRIx64 ": %u-byte read "
                 "of register %#" PRIx64 "\n", s->base, size, addr);
        return 0;
    }
    switch (addr) {
    case VIRTIO_MMIO_MAGIC_VALUE:
        return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION_REG:
        return VIRTIO_MMIO_VERSION;
    case VIRTIO_MMIO_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR;
    }
    return s->vdev ? virtio_mmio_read_reg(s, addr) : 0;
}

/* ------------------------------------------------------------------ */
/* Writes                                                              */

static void virtio_mmio_write_queue(VirtIOMMIO *s, uint64_t addr,
                                    uint32_t val)
{
    VirtQueue *vq = virtio_mmio_vq(s);
    uint64_t *field;
    bool high;

    if (!vq) {
        log_mask(LOG_GUEST_ERROR, "virtio-mmio@%#" PRIx64 ": queue %u "
                 "does not exist\n", s->base, s->queue_sel);
        return;
    }
    if (addr == VIRTIO_MMIO_QUEUE_READY) {
        virtio_queue_set_ready(vq, val & 1);
        return;
    }
    if (vq->ready) {
        log_mask(LOG_GUEST_ERROR, "virtio-mmio@%#" PRIx64 ": queue %u "
                 "set-up register %#" PRIx64 " written while ready\n",
                 s->base, vq->index, addr);
        return;
    }
    if (addr == VIRTIO_MMIO_QUEUE_NUM) {
        vq->num = val;  /* checked when the queue is made ready */
        return;
    }
    high = addr & 4;
    switch (addr & ~4ull) {
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        field = &vq->desc_addr;
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        field = &vq->avail_addr;
        break;
    default:
        field = &vq->used_addr;
        break;
    }
    if (high) {
        *field = (*field & 0xffffffffull) | ((uint64_t)val << 32);
    } else {
        *field = (*field & ~0xffffffffull) | val;
    }
}

static void virtio_mmio_write_reg(VirtIOMMIO *s, uint64_t addr,
                                  uint32_t val)
{
    VirtIODevice *vdev = s->vdev;

    switch (addr) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        s->device_features_sel = val;
        return;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        virtio_set_guest_features(vdev, s->driver_features_sel, val);
        return;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        s->driver_features_sel = val;
        return;
    case VIRTIO_MMIO_QUEUE_SEL:
        s->queue_sel = val;
        return;
    case VIRTIO_MMIO_QUEUE_NUM:
    case VIRTIO_MMIO_QUEUE_READY:
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        virtio_mmio_write_queue(s, addr, val);
        return;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        virtio_queue_notify(vdev, val & 0xffff);
        return;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        virtio_isr_ack(vdev, val);
        return;
    case VIRTIO_MMIO_STATUS:
        virtio_set_status(vdev, val);
        if (val == 0) {
            s->device_features_sel = s->driver_features_sel = 0;
            s->queue_sel = 0;
        }
        return;
    case VIRTIO_MMIO_SHM_SEL:
        s->shm_sel = val;
        return;
    }
    log_mask(LOG_GUEST_ERROR, "virtio-mmio@%#" PRIx64 ": write of "
             "read-only or unknown register %#" PRIx64 "\n", s->base, addr);
}

static void virtio_mmio_write(void *opaque, uint64_t addr, uint64_t val,
                              unsigned size)
{
    VirtIOMMIO *s = opaque;

    if (addr >= VIRTIO_MMIO_CONFIG) {
        if (s->vdev) {
            virtio_config_write(s->vdev, addr - VIRTIO_MMIO_CONFIG, size,
                                val);
        }
        return;
    }
    if (size != 4) {
        log_mask(LOG_GUEST_ERROR, "virtio-mmio@%#" PRIx64 ": %u-byte "
                 "write of register %#" PRIx64 "\n", s->base, size, addr);
        return;
    }
    if (!s->vdev) {
        log_mask(LOG_GUEST_ERROR, "virtio-mmio@%#" PRIx64 ": write to "
                 "an empty transport\n", s->base);
        return;
    }
    virtio_mmio_write_reg(s, addr, val);
}

static const MemoryRegionOps virtio_mmio_ops = {
    .read = virtio_mmio_read,
    .write = virtio_mmio_write,
    .min_access = 1,
    .max_access = 4,
};

/* ------------------------------------------------------------------ */
/* Creation                                                            */

void virtio_mmio_reset(VirtIOMMIO *s)
{
    s->device_features_sel = 0;
    s->driver_features_sel = 0;
    s->queue_sel = 0;
    s->shm_sel = 0;
    if (s->vdev) {
        virtio_reset(s->vdev);
    }
    virtio_mmio_update_irq(s);
}

static void virtio_mmio_system_reset(void *opaque)
{
    virtio_mmio_reset(opaque);
}

VirtIOMMIO *virtio_mmio_create(MemoryRegion *sysmem, uint64_t base,
                               IRQLine *irq, AddressSpace *dma_as)
{
    VirtIOMMIO *s = g_new0(VirtIOMMIO, 1);

    s->base = base;
    s->irq = irq;
    s->transport.update_irq = virtio_mmio_update_irq;
    s->transport.opaque = s;
    s->transport.dma_as = dma_as;
    memory_region_init_io(&s->iomem, "virtio-mmio", VIRTIO_MMIO_SIZE,
                          &virtio_mmio_ops, s);
    if (sysmem) {
        memory_region_add_subregion(sysmem, base, &s->iomem, 0);
    }
    system_register_reset(virtio_mmio_system_reset, s);
    return s;
}

bool virtio_mmio_plug(VirtIOMMIO *s, VirtIODevice *vdev)
{
    if (s->vdev) {
        return false;
    }
    s->vdev = vdev;
    virtio_bind(vdev, &s->transport);
    virtio_mmio_reset(s);
    return true;
}

VirtIODevice *virtio_mmio_device(VirtIOMMIO *s)
{
    return s->vdev;
}

MemoryRegion *virtio_mmio_region(VirtIOMMIO *s)
{
    return &s->iomem;
}

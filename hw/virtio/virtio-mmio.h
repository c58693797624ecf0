/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-mmio transport, version 2 (virtio 1.x "modern" register layout,
 * VIRTIO_F_VERSION_1 required), as Linux's virtio_mmio driver and U-Boot
 * use it.  One transport is a 0x200-byte MMIO window plus one interrupt
 * line; an empty transport reads DeviceID 0, which drivers skip.
 *
 * Board usage (hw/arm/virt.c):
 *
 *     for (i = 0; i < 32; i++) {
 *         t[i] = virtio_mmio_create(sysmem, 0x0a000000 + i * 0x200,
 *                                   spi_line(16 + i),
 *                                   address_space_memory());
 *     }
 *     devs = g_ptr_array_new();
 *     for each -device spec:
 *         r = virtio_device_create(spec, devs, errp);   // 1, 0 or -1
 *     for (i = 0; i < devs->len; i++) {
 *         virtio_mmio_plug(t[slot_for(i)], devs->pdata[i]);
 *     }
 *     // DT node per transport: compatible "virtio,mmio",
 *     // reg <base 0x200>, interrupts <SPI n edge-rising>, dma-coherent.
 *
 * Transports reset themselves (and their device) on system reset.
 */
#ifndef HW_VIRTIO_MMIO_H
#define HW_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "kestrel/irq.h"
#include "kestrel/memory.h"
#include "virtio/virtio.h"

#define VIRTIO_MMIO_SIZE        0x200
#define VIRTIO_MMIO_MAGIC       0x74726976      /* "virt" */
#define VIRTIO_MMIO_VERSION     2
#define VIRTIO_MMIO_VENDOR      0x554d4551      /* "QEMU", as Linux expects */

/* Register offsets (virtio 1.x, 4.2.2). */
enum {
    VIRTIO_MMIO_MAGIC_VALUE         = 0x000,
    VIRTIO_MMIO_VERSION_REG         = 0x004,
    VIRTIO_MMIO_DEVICE_ID           = 0x008,
    VIRTIO_MMIO_VENDOR_ID           = 0x00c,
    VIRTIO_MMIO_DEVICE_FEATURES     = 0x010,
    VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014,
    VIRTIO_MMIO_DRIVER_FEATURES     = 0x020,
    VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024,
    VIRTIO_MMIO_QUEUE_SEL           = 0x030,
    VIRTIO_MMIO_QUEUE_NUM_MAX       = 0x034,
    VIRTIO_MMIO_QUEUE_NUM           = 0x038,
    VIRTIO_MMIO_QUEUE_READY         = 0x044,
    VIRTIO_MMIO_QUEUE_NOTIFY        = 0x050,
    VIRTIO_MMIO_INTERRUPT_STATUS    = 0x060,
    VIRTIO_MMIO_INTERRUPT_ACK       = 0x064,
    VIRTIO_MMIO_STATUS              = 0x070,
    VIRTIO_MMIO_QUEUE_DESC_LOW      = 0x080,
    VIRTIO_MMIO_QUEUE_DESC_HIGH     = 0x084,
    VIRTIO_MMIO_QUEUE_DRIVER_LOW    = 0x090,
    VIRTIO_MMIO_QUEUE_DRIVER_HIGH   = 0x094,
    VIRTIO_MMIO_QUEUE_DEVICE_LOW    = 0x0a0,
    VIRTIO_MMIO_QUEUE_DEVICE_HIGH   = 0x0a4,
    VIRTIO_MMIO_SHM_SEL             = 0x0ac,
    VIRTIO_MMIO_SHM_LEN_LOW         = 0x0b0,
    VIRTIO_MMIO_SHM_LEN_HIGH        = 0x0b4,
    VIRTIO_MMIO_SHM_BASE_LOW        = 0x0b8,
    VIRTIO_MMIO_SHM_BASE_HIGH       = 0x0bc,
    VIRTIO_MMIO_CONFIG_GENERATION   = 0x0fc,
    VIRTIO_MMIO_CONFIG              = 0x100,
};

typedef struct VirtIOMMIO VirtIOMMIO;

/*
 * Create an empty transport at base in sysmem (NULL: only create the
 * region, see virtio_mmio_region), interrupting through irq, with rings
 * and buffers in dma_as.  Registers a system reset handler.
 */
VirtIOMMIO *virtio_mmio_create(MemoryRegion *sysmem, uint64_t base,
                               IRQLine *irq, AddressSpace *dma_as);
/* Put dev behind t; false if t already holds a device. */
bool virtio_mmio_plug(VirtIOMMIO *t, VirtIODevice *dev);
/* The device behind t, or NULL. */
VirtIODevice *virtio_mmio_device(VirtIOMMIO *t);
/* The transport's MMIO region (tests dispatch to it directly). */
MemoryRegion *virtio_mmio_region(VirtIOMMIO *t);
/* Reset transport and device (as a system reset does). */
void virtio_mmio_reset(VirtIOMMIO *t);

/* The device constructors are in virtio/virtio.h. */

#endif /* HW_VIRTIO_MMIO_H */

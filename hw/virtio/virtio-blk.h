/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk: a disk (virtio 1.x, 5.2) on a BlockBackend.
 *
 * Board usage (hw/arm/virt.c): open the -drive specs with drive_add(),
 * then for each -device spec try virtio_device_create() and, when it
 * returns 0, virtio_blk_device_create(); finally
 * virtio_blk_create_default_drives() makes a device for every unclaimed
 * if=virtio drive (and, when the board's default interface is virtio,
 * every drive without if=).
 */
#ifndef HW_VIRTIO_BLK_H
#define HW_VIRTIO_BLK_H

#include <stdbool.h>

#include <glib.h>

#include "kestrel/block.h"
#include "virtio/virtio.h"

/* Feature bits (virtio 1.x, 5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX       1
#define VIRTIO_BLK_F_SEG_MAX        2
#define VIRTIO_BLK_F_GEOMETRY       4
#define VIRTIO_BLK_F_RO             5
#define VIRTIO_BLK_F_BLK_SIZE       6
#define VIRTIO_BLK_F_FLUSH          9
#define VIRTIO_BLK_F_TOPOLOGY       10
#define VIRTIO_BLK_F_CONFIG_WCE     11
#define VIRTIO_BLK_F_MQ             12
#define VIRTIO_BLK_F_DISCARD        13
#define VIRTIO_BLK_F_WRITE_ZEROES   14

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN             0
#define VIRTIO_BLK_T_OUT            1
#define VIRTIO_BLK_T_FLUSH          4
#define VIRTIO_BLK_T_GET_ID         8
#define VIRTIO_BLK_T_DISCARD        11
#define VIRTIO_BLK_T_WRITE_ZEROES   13
#define VIRTIO_BLK_S_OK             0
#define VIRTIO_BLK_S_IOERR          1
#define VIRTIO_BLK_S_UNSUPP         2

#define VIRTIO_BLK_ID_BYTES         20
#define VIRTIO_BLK_WZ_F_UNMAP       1   /* discard/write-zeroes seg flag */

/* Config space offsets (struct virtio_blk_config, little-endian). */
#define VIRTIO_BLK_CFG_CAPACITY             0   /* u64, 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX             8
#define VIRTIO_BLK_CFG_SEG_MAX              12
#define VIRTIO_BLK_CFG_GEOMETRY             16
#define VIRTIO_BLK_CFG_BLK_SIZE             20
#define VIRTIO_BLK_CFG_TOPOLOGY             24
#define VIRTIO_BLK_CFG_WRITEBACK            32
#define VIRTIO_BLK_CFG_NUM_QUEUES           34
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS  36
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG      40
#define VIRTIO_BLK_CFG_DISCARD_ALIGNMENT    44
#define VIRTIO_BLK_CFG_MAX_WZ_SECTORS       48
#define VIRTIO_BLK_CFG_MAX_WZ_SEG           52
#define VIRTIO_BLK_CFG_WZ_MAY_UNMAP         56
#define VIRTIO_BLK_CFG_SIZE                 60

/* What -device virtio-blk-device,... sets. */
typedef struct VirtIOBlockConf {
    const char *serial;         /* GET_ID answer; NULL: empty */
    bool discard;               /* offer VIRTIO_BLK_F_DISCARD (on) */
    bool write_zeroes;          /* offer VIRTIO_BLK_F_WRITE_ZEROES (on) */
    unsigned queue_size;        /* 0: 256 */
} VirtIOBlockConf;

/*
 * A virtio-blk on blk (not owned: drive_close_all closes it).  conf may
 * be NULL for the defaults.  Completions run from the main loop through
 * blk's event fd.
 */
VirtIODevice *virtio_blk_new(BlockBackend *blk, const VirtIOBlockConf *conf);

/*
 * -device virtio-blk-device,drive=ID[,serial=S][,discard=on|off]
 * [,write-zeroes=on|off][,queue-size=N]: as virtio_device_create (1
 * handled, 0 not a virtio-blk spec, -1 with *errp).  Claims the drive.
 */
int virtio_blk_device_create(const char *spec, GPtrArray *devs,
                             GError **errp);

/*
 * A virtio-blk for every unclaimed drive with if=virtio, and with no if=
 * when default_virtio, appended to devs in command-line order.
 */
void virtio_blk_create_default_drives(GPtrArray *devs, bool default_virtio);

#endif /* HW_VIRTIO_BLK_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CFI parallel NOR flash with the Intel/Sharp command set (QEMU's
 * "cfi.pflash01"), as the virt board's two flash banks
 * (hw/block/pflash_cfi01.c).
 *
 *     PFlashCFI01 fl;
 *     PFlashConfig cfg = { .name = "virt.flash0", .size = 64 << 20,
 *                          .sector_len = 256 << 10, .bank_width = 4,
 *                          .device_width = 2, .id0 = 0x89, .id1 = 0x18 };
 *     if (!pflash_cfi01_init(&fl, &cfg, blk_or_NULL, errp)) { ... }
 *     memory_region_add_subregion(sysmem, 0, &fl.mem, 0);
 *     system_register_reset(pflash_cfi01_reset, &fl);
 */
#ifndef HW_BLOCK_PFLASH_CFI01_H
#define HW_BLOCK_PFLASH_CFI01_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "kestrel/memory.h"

typedef struct BlockBackend BlockBackend;

#define PFLASH_CFI_LEN 0x40     /* bytes of the CFI query table */

typedef struct PFlashConfig {
    const char *name;       /* region name, "virt.flash0" */
    uint64_t size;          /* bytes, a multiple of sector_len */
    uint32_t sector_len;    /* erase block across the bank, bytes */
    uint8_t bank_width;     /* bytes on the bus: 1, 2 or 4 */
    uint8_t device_width;   /* bytes per chip (divides bank_width) */
    uint16_t id0;           /* manufacturer code (0x89: Intel) */
    uint16_t id1;           /* device code */
} PFlashConfig;

typedef struct PFlashCFI01 {
    MemoryRegion mem;       /* ROM device: ROMD in read-array mode */
    PFlashConfig cfg;
    BlockBackend *blk;      /* image written through, or NULL */
    bool ro;                /* the image is read-only */
    uint8_t *storage;       /* = mem.host, the array */
    uint8_t *locked;        /* per erase block: lock bit */
    uint32_t nb_blocks;

    /* The command state machine. */
    uint8_t cmd;            /* 0: read array; else the command whose
                               read mode is active (0x70 status, 0x90 ID,
                               0x98 CFI, others read status) */
    uint8_t wcycle;         /* bus write cycle of the command: 0 idle,
                               1 setup done, 2 buffer data, 3 confirm */
    uint8_t status;         /* status register (SR.7 ready always set) */

    /* Buffered program (0xe8): words land in wbuf, committed on 0xd0. */
    uint32_t wb_size;       /* buffer bytes across the bank */
    uint8_t *wbuf;
    uint32_t wb_block;      /* the block the count went to */
    uint64_t wb_base;       /* flash offset of wbuf[0] (UINT64_MAX
                               until the first data write) */
    uint32_t wb_count;      /* bus writes still expected */
    uint32_t wb_lo, wb_hi;  /* the bytes written, [lo, hi) in wbuf */

    uint8_t cfi[PFLASH_CFI_LEN];
} PFlashCFI01;

/*
 * Set up s from cfg: contents from blk's image (which must be exactly
 * cfg->size bytes), or zero-filled RAM when blk is NULL (as QEMU: the
 * firmware formats what it finds invalid).  False with a one-line *errp
 * naming the image and the problem.
 */
bool pflash_cfi01_init(PFlashCFI01 *s, const PFlashConfig *cfg,
                       BlockBackend *blk, GError **errp);
/* Back to read-array mode, status cleared (a system reset callback). */
void pflash_cfi01_reset(void *opaque);
/* Free what init allocated (the region itself stays valid). */
void pflash_cfi01_cleanup(PFlashCFI01 *s);

#endif /* HW_BLOCK_PFLASH_CFI01_H */

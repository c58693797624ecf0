/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's firmware configuration interface, MMIO flavour (hw/misc/fw_cfg.c):
 * how firmware (U-Boot's qfw, EDK2) finds -kernel, -initrd and -append.
 *
 *     FWCfgState *fw = fw_cfg_new(address_space_memory());
 *     fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, 2);
 *     fw_cfg_add_file(fw, "etc/foo", data, len);
 *     memory_region_add_subregion(sysmem, 0x09020000, &fw->iomem, 0);
 */
#ifndef HW_MISC_FW_CFG_H
#define HW_MISC_FW_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "kestrel/memory.h"

/* Selector keys (QEMU's docs/specs/fw_cfg.txt). */
enum {
    FW_CFG_SIGNATURE = 0x00,
    FW_CFG_ID = 0x01,
    FW_CFG_UUID = 0x02,
    FW_CFG_RAM_SIZE = 0x03,
    FW_CFG_NOGRAPHIC = 0x04,
    FW_CFG_NB_CPUS = 0x05,
    FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_KERNEL_ADDR = 0x07,
    FW_CFG_KERNEL_SIZE = 0x08,
    FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0a,
    FW_CFG_INITRD_SIZE = 0x0b,
    FW_CFG_BOOT_DEVICE = 0x0c,
    FW_CFG_NUMA = 0x0d,
    FW_CFG_BOOT_MENU = 0x0e,
    FW_CFG_MAX_CPUS = 0x0f,
    FW_CFG_KERNEL_ENTRY = 0x10,
    FW_CFG_KERNEL_DATA = 0x11,
    FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13,
    FW_CFG_CMDLINE_SIZE = 0x14,
    FW_CFG_CMDLINE_DATA = 0x15,
    FW_CFG_SETUP_ADDR = 0x16,
    FW_CFG_SETUP_SIZE = 0x17,
    FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19,
    FW_CFG_FILE_FIRST = 0x20,
};

#define FW_CFG_MAX_FILES 32
#define FW_CFG_MAX_NAME 56
#define FW_CFG_NUM_ENTRIES (FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES)
#define FW_CFG_MMIO_SIZE 0x18

typedef struct FWCfgEntry {
    uint8_t *data;          /* owned copy (g_free) */
    uint32_t len;
} FWCfgEntry;

typedef struct FWCfgState {
    MemoryRegion iomem;     /* data +0, selector +8, DMA address +16 */
    AddressSpace *dma_as;   /* where DMA descriptors and buffers live */
    FWCfgEntry entries[FW_CFG_NUM_ENTRIES];
    char names[FW_CFG_MAX_FILES][FW_CFG_MAX_NAME];
    unsigned nb_files;
    uint16_t cur_entry;     /* selected key */
    uint32_t cur_offset;    /* next byte of it to read */
    uint64_t dma_addr;      /* DMA register (high half latched first) */
} FWCfgState;

/* A device with the signature, ID (DMA capable) and empty directory. */
FWCfgState *fw_cfg_new(AddressSpace *dma_as);
void fw_cfg_free(FWCfgState *s);

/* Set key to a copy of data (replacing any previous value). */
void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      size_t len);
/* Little-endian integers, as the legacy keys hold them. */
void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t v);
void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t v);
void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t v);
/* A NUL-terminated string, NUL included. */
void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *str);
/* A named file ("etc/..."); false if the directory is full. */
bool fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                     size_t len);
/*
 * What QEMU's fw_cfg holds on every machine and firmware (EDK2's
 * QemuBootOrderLib, SeaBIOS) looks for: a zero UUID, boot menu off,
 * "etc/boot-fail-wait" = -1 (no reboot on boot failure), an empty
 * "bootorder".
 */
void fw_cfg_add_qemu_defaults(FWCfgState *s);
/* Select no item (system reset). */
void fw_cfg_reset(void *opaque);

#endif /* HW_MISC_FW_CFG_H */

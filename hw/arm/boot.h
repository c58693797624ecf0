/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading what boots an AArch64 board (hw/arm/boot.c): a Linux arm64
 * Image (plain or gzip-compressed), an initrd, a device tree, firmware.
 *
 *     ArmBootInfo *bi = arm_boot_new(as, 0x40000000, ram_size);
 *     if (!arm_boot_load_kernel(bi, ms->kernel, errp) ||
 *         !arm_boot_load_initrd(bi, ms->initrd, errp) ||
 *         !arm_boot_layout(bi, errp)) { ... }
 *     fdt = generate (initrd at bi->initrd_addr) ...;
 *     arm_boot_set_dtb(bi, fdt, size, errp);  // placed after the initrd
 *     arm_boot_write_stub(bi, flash_as_ram...);  // x0 = dtb, br kernel
 *     system_register_reset(arm_boot_reset, bi);  // (re)loads the images
 *
 * Placement, per Documentation/arm64/booting.rst: the kernel at a 2 MiB
 * aligned RAM base + text_offset, the initrd at the first 2 MiB boundary
 * after the kernel's image_size, the device tree at the first 2 MiB
 * boundary after the initrd (so it never shares a 2 MiB block with
 * anything else).  With firmware (-bios) the kernel and initrd are not
 * placed in RAM: the firmware reads them through fw_cfg, and the device
 * tree goes at the start of RAM where U-Boot and EDK2 look for it.
 */
#ifndef HW_ARM_BOOT_H
#define HW_ARM_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "kestrel/memory.h"

#define ARM64_IMAGE_MAGIC 0x644d5241u   /* "ARM\x64" at offset 56 */
#define ARM64_IMAGE_HEADER_SIZE 64
#define ARM_BOOT_ALIGN (2ull << 20)
#define ARM_BOOT_DTB_MAX (2ull << 20)
#define ARM_BOOT_STUB_SIZE 40

typedef struct ArmBootInfo {
    AddressSpace *as;       /* where images are written */
    uint64_t ram_base;
    uint64_t ram_size;

    /* The decompressed Image and what its header says. */
    uint8_t *kernel;
    size_t kernel_size;
    uint64_t text_offset;
    uint64_t image_size;    /* memory the kernel needs (>= kernel_size) */
    uint8_t *initrd;
    size_t initrd_size;
    uint8_t *dtb;           /* the flattened device tree (packed) */
    size_t dtb_size;
    bool firmware;          /* -bios: leave kernel and initrd to it */

    /* Where they go (arm_boot_layout, arm_boot_set_dtb). */
    uint64_t kernel_addr;   /* also the entry point */
    uint64_t initrd_addr;
    uint64_t dtb_addr;
} ArmBootInfo;

ArmBootInfo *arm_boot_new(AddressSpace *as, uint64_t ram_base,
                          uint64_t ram_size);
void arm_boot_free(ArmBootInfo *bi);

/*
 * Read an arm64 Image, or a gzip-compressed one, and check its header.
 * False with a one-line *errp naming path and the problem.
 */
bool arm_boot_load_kernel(ArmBootInfo *bi, const char *path,
                          GError **errp);
/* Read the initrd (path NULL: none). */
bool arm_boot_load_initrd(ArmBootInfo *bi, const char *path,
                          GError **errp);
/* Read a whole file of at most max bytes (firmware, -dtb). */
bool arm_boot_read_file(const char *what, const char *path, size_t max,
                        uint8_t **data, size_t *size, GError **errp);

/* Decide kernel and initrd addresses; false if they do not fit in RAM. */
bool arm_boot_layout(ArmBootInfo *bi, GError **errp);
/* Take ownership of the device tree and place it; false if too big. */
bool arm_boot_set_dtb(ArmBootInfo *bi, void *fdt, size_t size,
                      GError **errp);

/*
 * The boot stub for the primary CPU: x0 = dtb_addr, x1..x3 = 0, branch
 * to kernel_addr.  Fills ARM_BOOT_STUB_SIZE bytes of out (to be written
 * where the CPU starts).
 */
void arm_boot_make_stub(const ArmBootInfo *bi, uint8_t *out);

/* Write kernel, initrd and DTB into RAM (a system reset callback). */
void arm_boot_reset(void *opaque);

#endif /* HW_ARM_BOOT_H */

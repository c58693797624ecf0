/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `virt` board (hw/arm/virt.c): QEMU's arm virt machine, memory map
 * and device tree included, so guests and firmware built for it run.
 */
#ifndef HW_ARM_VIRT_H
#define HW_ARM_VIRT_H

#include "kestrel/machine.h"

/* Memory map (QEMU hw/arm/virt.c base_memmap). */
#define VIRT_FLASH_BASE 0x00000000ull
#define VIRT_FLASH_SIZE 0x04000000ull   /* per bank */
#define VIRT_FLASH_BANKS 2
#define VIRT_FLASH_SECTOR (256u << 10)
#define VIRT_GIC_DIST 0x08000000ull
#define VIRT_GIC_CPU 0x08010000ull
#define VIRT_GIC_REDIST 0x080a0000ull
#define VIRT_UART_BASE 0x09000000ull
#define VIRT_RTC_BASE 0x09010000ull
#define VIRT_FW_CFG_BASE 0x09020000ull
#define VIRT_MMIO_BASE 0x0a000000ull
#define VIRT_MMIO_COUNT 32
#define VIRT_RAM_BASE 0x40000000ull
#define VIRT_RAM_MAX (255ull << 30)

/* SPIs (GIC INTID = 32 + n). */
#define VIRT_UART_SPI 1
#define VIRT_RTC_SPI 2
#define VIRT_MMIO_SPI 16

/* Generic timer PPIs (GIC INTID = 16 + n), as in the DT. */
#define VIRT_PPI_SEC_PHYS 13
#define VIRT_PPI_PHYS 14
#define VIRT_PPI_VIRT 11
#define VIRT_PPI_HYP 10

extern const MachineClass virt_machine;

/* -M virt,PROPS */
typedef struct VirtConfig {
    int gic_version;        /* gic-version=2|3 (default 2) */
    bool virtualization;    /* virtualization=on: EL2, PSCI over SMC */
} VirtConfig;

/*
 * Parse the text after "virt," (NULL or "" for none) into vc.  False
 * with a one-line *errp naming an unknown property or a bad value.
 */
bool virt_parse_opts(const char *opts, VirtConfig *vc, GError **errp);

/*
 * Build the virt device tree for ms and vc into a new packed blob
 * (g_free; *size set).  initrd_start/end go in /chosen when end > start.
 * NULL with *errp if libfdt fails.
 */
void *virt_make_fdt(const MachineState *ms, const VirtConfig *vc,
                    uint64_t initrd_start, uint64_t initrd_end,
                    size_t *size, GError **errp);
/*
 * Add /chosen bootargs and initrd to a device tree the user gave (-dtb),
 * growing it; returns the new packed blob (the old one is freed).
 */
void *virt_fixup_user_fdt(void *fdt, const char *append,
                          uint64_t initrd_start, uint64_t initrd_end,
                          size_t *size, GError **errp);

#endif /* HW_ARM_VIRT_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMBIOS tables for firmware (hw/misc/smbios.c): what QEMU hands EDK2
 * through fw_cfg as "etc/smbios/smbios-tables" and
 * "etc/smbios/smbios-anchor", so the guest's DMI data and EDK2's setup
 * screen see the machine (vendor, CPUs, RAM).
 *
 *     SmbiosInfo info = { .product = "KVM Virtual Machine", ... };
 *     smbios_add_fw_cfg(fw_cfg, &info);
 */
#ifndef HW_MISC_SMBIOS_H
#define HW_MISC_SMBIOS_H

#include <stddef.h>
#include <stdint.h>

#include "hw/misc/fw_cfg.h"

typedef struct SmbiosInfo {
    const char *manufacturer;   /* type 1, 3, 4: "QEMU" */
    const char *product;        /* type 1: "QEMU Virtual Machine" */
    const char *version;        /* type 1, 3, 4: the machine, "virt" */
    int nb_cpus;                /* one type 4 each */
    uint64_t ram_base;          /* one RAM range: types 16, 17, 19 */
    uint64_t ram_size;
} SmbiosInfo;

/*
 * The structures (types 1, 3, 4 per CPU, 16, 17, 19, 32 and the 127
 * end marker), packed one after another; g_free.  *len set.
 */
uint8_t *smbios_build_tables(const SmbiosInfo *info, size_t *len);
/*
 * The 24-byte SMBIOS 3.0 entry point for a table of tables_len bytes,
 * its address left 0 for the firmware to fill.
 */
void smbios_build_anchor(size_t tables_len, uint8_t out[24]);
/* Both, as fw_cfg files; false if the directory is full. */
bool smbios_add_fw_cfg(FWCfgState *fw, const SmbiosInfo *info);

#endif /* HW_MISC_SMBIOS_H */

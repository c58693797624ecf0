/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `virt` board: QEMU's generic AArch64 machine for guests that learn
 * everything from the device tree.
 *
 * Memory map (as QEMU's, so firmware built for it runs unchanged):
 *
 *   0x00000000  64 MiB   flash bank 0 (CFI, code): -bios image, the
 *                        pflash unit 0 drive, or the boot stub
 *   0x04000000  64 MiB   flash bank 1 (CFI, variables): pflash unit 1
 *   0x08000000           GIC distributor
 *   0x08010000           GICv2 CPU interface  | 0x080a0000 GICv3
 *                                               redistributors
 *   0x09000000  4 KiB    PL011 UART            SPI 1
 *   0x09010000  4 KiB    PL031 RTC             SPI 2
 *   0x09020000  0x18     fw_cfg
 *   0x0a000000  32 x 0x200 virtio-mmio         SPIs 16..47
 *   0x40000000  -m       RAM
 *
 * Properties (-M virt,...): gic-version=2|3|max (default 2),
 * virtualization=on|off (EL2 for the guest; PSCI then goes over SMC),
 * secure=off (secure=on, EL3, is refused: not implemented).
 *
 * Each CPU's generic timers drive its PPIs: non-secure physical 30,
 * virtual 27, hypervisor 26, secure physical 29 (INTIDs).
 *
 * Booting: with -kernel, a stub at address 0 (where the CPUs start) puts
 * the device tree address in x0 and jumps to the kernel; secondary CPUs
 * wait powered off for PSCI CPU_ON.  With -bios, the firmware runs from
 * flash, finds the device tree at the start of RAM and -kernel/-initrd/
 * -append through fw_cfg.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "hw/arm/boot.h"
#include "hw/arm/virt.h"
#include "hw/block/pflash_cfi01.h"
#include "hw/char/pl011.h"
#include "hw/intc/arm_gic.h"
#include "hw/misc/fw_cfg.h"
#include "hw/misc/smbios.h"
#include "hw/rtc/pl031.h"
#include "hw/virtio/virtio-blk.h"
#include "hw/virtio/virtio-mmio.h"
#include "frontend/aarch64/cpu.h"
#include "kestrel/block.h"

#define VIRT_NUM_SPIS 256

typedef struct VirtMachine {
    MachineState *ms;
    VirtConfig cfg;
    MemoryRegion *sysmem;
    AddressSpace *as;
    ARMCPU *cpus[MAX_CPUS];
    PFlashCFI01 flash[VIRT_FLASH_BANKS];
    MemoryRegion ram;
    ARMGICState *gic;
    PL011State uart;
    PL031State rtc;
    FWCfgState *fw_cfg;
    VirtIOMMIO *virtio[VIRT_MMIO_COUNT];
    ArmBootInfo *boot;
} VirtMachine;

/* ------------------------------------------------------------------ */
/* Properties                                                          */

static bool parse_onoff(const char *key, const char *val, bool *out,
                        GError **errp)
{
    if (!strcmp(val, "on") || !strcmp(val, "true") || !strcmp(val, "yes")) {
        *out = true;
    } else if (!strcmp(val, "off") || !strcmp(val, "false") ||
               !strcmp(val, "no")) {
        *out = false;
    } else {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-M virt: %s='%s': expected on or off", key, val);
        return false;
    }
    return true;
}

static bool parse_one(const char *item, VirtConfig *vc, GError **errp)
{
    const char *eq = strchr(item, '=');
    g_autofree char *key = g_strndup(item, eq ? (size_t)(eq - item)
                                             : strlen(item));
    const char *val = eq ? eq + 1 : "on";

    if (!strcmp(key, "gic-version")) {
        if (!strcmp(val, "2")) {
            vc->gic_version = 2;
        } else if (!strcmp(val, "3") || !strcmp(val, "max")) {
            vc->gic_version = 3;
        } else {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "-M virt: gic-version='%s': expected 2, 3 or max",
                        val);
            return false;
        }
        return true;
    }
    if (!strcmp(key, "virtualization")) {
        return parse_onoff(key, val, &vc->virtualization, errp);
    }
    if (!strcmp(key, "secure")) {
        bool on;

        if (!parse_onoff(key, val, &on, errp)) {
            return false;
        }
        if (on) {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "-M virt: secure=on (EL3) is not supported");
            return false;
        }
        return true;
    }
    g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                "-M virt: unknown property '%s' (known: gic-version, "
                "virtualization, secure)", key);
    return false;
}

bool virt_parse_opts(const char *opts, VirtConfig *vc, GError **errp)
{
    g_auto(GStrv) items = NULL;

    vc->gic_version = 2;
    vc->virtualization = false;
    if (!opts || !opts[0]) {
        return true;
    }
    items = g_strsplit(opts, ",", -1);
    for (int i = 0; items[i]; i++) {
        if (items[i][0] && !parse_one(items[i], vc, errp)) {
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* CPUs, memory, interrupt controller                                  */

static bool virt_create_cpus(VirtMachine *vm, GError **errp)
{
    MachineState *ms = vm->ms;
    const char *model = ms->cpu_model ? ms->cpu_model
                                      : virt_machine.default_cpu;

    if (ms->smp < 1 || ms->smp > virt_machine.max_cpus) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-smp %d: the virt board takes 1 to %d CPUs", ms->smp,
                    virt_machine.max_cpus);
        return false;
    }
    for (int i = 0; i < ms->smp; i++) {
        ARMCPU *cpu = aarch64_cpu_create_system(model, vm->as, errp);

        if (!cpu) {
            return false;
        }
        cpu->parent.cpu_index = i;
        cpu->mpidr = 0x80000000ull | i;
        cpu->reset_pc = VIRT_FLASH_BASE;
        cpu->start_powered_off = i > 0;
        if (vm->cfg.virtualization) {
            cpu->has_el2 = true;
            cpu->reset_el = 2;
            cpu->psci_conduit = ARM_PSCI_SMC;
        } else {
            cpu->psci_conduit = ARM_PSCI_HVC;
        }
        vm->cpus[i] = cpu;
        ms->cpus[i] = &cpu->parent;
    }
    ms->nb_cpus = ms->smp;
    return true;
}

static bool virt_create_memory(VirtMachine *vm, GError **errp)
{
    MachineState *ms = vm->ms;

    if (ms->ram_size == 0 || ms->ram_size > VIRT_RAM_MAX) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-m: the virt board takes up to %llu GiB of RAM",
                    VIRT_RAM_MAX >> 30);
        return false;
    }
    if (!memory_region_init_ram(&vm->ram, "virt.ram", ms->ram_size, errp)) {
        return false;
    }
    memory_region_add_subregion(vm->sysmem, VIRT_RAM_BASE, &vm->ram, 0);
    ms->ram = &vm->ram;
    return true;
}

static bool virt_create_gic(VirtMachine *vm, GError **errp)
{
    MachineState *ms = vm->ms;
    uint64_t cpu_base = vm->cfg.gic_version == 3 ? VIRT_GIC_REDIST
                                                 : VIRT_GIC_CPU;
    /* PPIs of the timers, in GT_PHYS, GT_VIRT, GT_HYP, GT_SEC order. */
    static const int timer_ppi[GT_NUM] = {
        [GT_PHYS] = VIRT_PPI_PHYS, [GT_VIRT] = VIRT_PPI_VIRT,
        [GT_HYP] = VIRT_PPI_HYP, [GT_SEC] = VIRT_PPI_SEC_PHYS,
    };

    vm->gic = arm_gic_create(vm->sysmem, vm->cfg.gic_version,
                             VIRT_GIC_DIST, cpu_base, ms->nb_cpus,
                             ms->cpus, VIRT_NUM_SPIS, errp);
    if (!vm->gic) {
        return false;
    }
    system_register_reset(arm_gic_reset_cb, vm->gic);
    for (int i = 0; i < ms->nb_cpus; i++) {
        for (int t = 0; t < GT_NUM; t++) {
            vm->cpus[i]->timer_irq[t] = arm_gic_ppi(vm->gic, i,
                                                    timer_ppi[t]);
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */

static void virt_create_uart_rtc(VirtMachine *vm)
{
    pl011_init(&vm->uart, vm->ms->serial[0],
               arm_gic_spi(vm->gic, VIRT_UART_SPI));
    memory_region_add_subregion(vm->sysmem, VIRT_UART_BASE, &vm->uart.iomem,
                                0);
    system_register_reset(pl011_reset, &vm->uart);

    pl031_init(&vm->rtc, arm_gic_spi(vm->gic, VIRT_RTC_SPI));
    memory_region_add_subregion(vm->sysmem, VIRT_RTC_BASE, &vm->rtc.iomem,
                                0);
    system_register_reset(pl031_reset, &vm->rtc);
}

/*
 * Transports first, then the -device list.  The first device goes into
 * the last transport, as on QEMU (so guests see the same layout).
 */
static bool virt_create_virtio(VirtMachine *vm, GError **errp)
{
    GPtrArray *devs = g_ptr_array_new();
    GPtrArray *specs = vm->ms->devices;
    bool ok = true;

    for (int i = 0; i < VIRT_MMIO_COUNT; i++) {
        vm->virtio[i] = virtio_mmio_create(
            vm->sysmem, VIRT_MMIO_BASE + i * VIRTIO_MMIO_SIZE,
            arm_gic_spi(vm->gic, VIRT_MMIO_SPI + i), vm->as);
    }
    for (unsigned i = 0; ok && specs && i < specs->len; i++) {
        const char *spec = g_ptr_array_index(specs, i);
        int r = virtio_device_create(spec, devs, errp);

        if (r == 0) {
            r = virtio_blk_device_create(spec, devs, errp);
        }
        if (r == 0) {
            g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "-device '%s': no such device on this board "
                        "(-device help lists them)", spec);
        }
        ok = r > 0;
    }
    if (ok) {
        /* -drive if=virtio, and drives without if= (virtio is the
         * default interface here, as on QEMU's virt). */
        virtio_blk_create_default_drives(devs, true);
    }
    if (ok && devs->len > VIRT_MMIO_COUNT) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-device: at most %d virtio devices", VIRT_MMIO_COUNT);
        ok = false;
    }
    for (unsigned i = 0; ok && i < devs->len; i++) {
        virtio_mmio_plug(vm->virtio[VIRT_MMIO_COUNT - 1 - i],
                         g_ptr_array_index(devs, i));
    }
    g_ptr_array_free(devs, true);
    return ok;
}

static void virt_create_fw_cfg(VirtMachine *vm)
{
    MachineState *ms = vm->ms;
    ArmBootInfo *bi = vm->boot;
    SmbiosInfo smbios = {
        .manufacturer = "QEMU", .product = "QEMU Virtual Machine",
        .version = "virt", .nb_cpus = ms->nb_cpus,
        .ram_base = VIRT_RAM_BASE, .ram_size = ms->ram_size,
    };

    vm->fw_cfg = fw_cfg_new(vm->as);
    fw_cfg_add_qemu_defaults(vm->fw_cfg);
    smbios_add_fw_cfg(vm->fw_cfg, &smbios);
    fw_cfg_add_i16(vm->fw_cfg, FW_CFG_NB_CPUS, ms->nb_cpus);
    fw_cfg_add_i16(vm->fw_cfg, FW_CFG_MAX_CPUS, ms->nb_cpus);
    fw_cfg_add_i64(vm->fw_cfg, FW_CFG_RAM_SIZE, ms->ram_size);
    if (bi->firmware && bi->kernel) {
        /* What QEMU hands firmware: the decompressed Image. */
        fw_cfg_add_i32(vm->fw_cfg, FW_CFG_KERNEL_SIZE, bi->kernel_size);
        fw_cfg_add_bytes(vm->fw_cfg, FW_CFG_KERNEL_DATA, bi->kernel,
                         bi->kernel_size);
        fw_cfg_add_i32(vm->fw_cfg, FW_CFG_INITRD_SIZE, bi->initrd_size);
        if (bi->initrd) {
            fw_cfg_add_bytes(vm->fw_cfg, FW_CFG_INITRD_DATA, bi->initrd,
                             bi->initrd_size);
        }
        fw_cfg_add_i32(vm->fw_cfg, FW_CFG_CMDLINE_SIZE,
                       strlen(ms->append ? ms->append : "") + 1);
        fw_cfg_add_string(vm->fw_cfg, FW_CFG_CMDLINE_DATA,
                          ms->append ? ms->append : "");
    }
    memory_region_add_subregion(vm->sysmem, VIRT_FW_CFG_BASE,
                                &vm->fw_cfg->iomem, 0);
    system_register_reset(fw_cfg_reset, vm->fw_cfg);
}

/*
 * The two CFI flash banks, as QEMU's: two x16 chips side by side on a
 * 32-bit bus, 256 KiB blocks.  Unit N of -drive if=pflash backs bank N;
 * without one a bank is RAM only.
 */
static bool virt_create_flash(VirtMachine *vm, GError **errp)
{
    static const char *const names[VIRT_FLASH_BANKS] = {
        "virt.flash0", "virt.flash1",
    };

    for (int i = 0; i < VIRT_FLASH_BANKS; i++) {
        DriveInfo *d = drive_get_by_type(IF_PFLASH, i);
        PFlashConfig cfg = {
            .name = names[i], .size = VIRT_FLASH_SIZE,
            .sector_len = VIRT_FLASH_SECTOR, .bank_width = 4,
            .device_width = 2, .id0 = 0x89, .id1 = 0x18,
        };

        if (!pflash_cfi01_init(&vm->flash[i], &cfg, d ? d->blk : NULL,
                               errp)) {
            return false;
        }
        if (d) {
            d->claimed = true;
        }
        memory_region_add_subregion(vm->sysmem,
                                    VIRT_FLASH_BASE + i * VIRT_FLASH_SIZE,
                                    &vm->flash[i].mem, 0);
        system_register_reset(pflash_cfi01_reset, &vm->flash[i]);
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Boot                                                                */

/* -bios goes into flash bank 0, the rest of the bank left zero. */
static bool virt_load_bios(VirtMachine *vm, GError **errp)
{
    uint8_t *data;
    size_t size;

    if (vm->flash[0].blk) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-bios '%s': flash unit 0 already has a -drive "
                    "if=pflash image (give one or the other)",
                    vm->ms->bios);
        return false;
    }
    if (!arm_boot_read_file("bios", vm->ms->bios, VIRT_FLASH_SIZE, &data,
                            &size, errp)) {
        return false;
    }
    memcpy(vm->flash[0].storage, data, size);
    g_free(data);
    vm->boot->firmware = true;
    return true;
}

/* The device tree: generated, or -dtb with /chosen filled in. */
static bool virt_build_dtb(VirtMachine *vm, GError **errp)
{
    MachineState *ms = vm->ms;
    ArmBootInfo *bi = vm->boot;
    uint64_t istart = 0, iend = 0;
    void *fdt;
    size_t size;

    if (bi->initrd && !bi->firmware) {
        istart = bi->initrd_addr;
        iend = bi->initrd_addr + bi->initrd_size;
    }
    if (ms->dtb) {
        uint8_t *blob;

        if (!arm_boot_read_file("dtb", ms->dtb, ARM_BOOT_DTB_MAX, &blob,
                                &size, errp)) {
            return false;
        }
        if (size < sizeof(struct fdt_header) || fdt_check_header(blob) ||
            fdt_totalsize(blob) > size) {
            g_free(blob);
            g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "dtb '%s': not a flattened device tree", ms->dtb);
            return false;
        }
        fdt = virt_fixup_user_fdt(blob, ms->append, istart, iend, &size,
                                  errp);
    } else {
        fdt = virt_make_fdt(ms, &vm->cfg, istart, iend, &size, errp);
    }
    return fdt && arm_boot_set_dtb(bi, fdt, size, errp);
}

static bool virt_setup_boot(VirtMachine *vm, GError **errp)
{
    MachineState *ms = vm->ms;
    ArmBootInfo *bi;

    bi = vm->boot = arm_boot_new(vm->as, VIRT_RAM_BASE, ms->ram_size);
    /* A flash image in unit 0 is firmware, as -bios is. */
    bi->firmware = vm->flash[0].blk != NULL;
    if ((ms->bios && !virt_load_bios(vm, errp)) ||
        (ms->kernel && !arm_boot_load_kernel(bi, ms->kernel, errp)) ||
        (ms->initrd && !arm_boot_load_initrd(bi, ms->initrd, errp))) {
        return false;
    }
    if (ms->initrd && !ms->kernel) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-initrd needs -kernel");
        return false;
    }
    if (!arm_boot_layout(bi, errp) || !virt_build_dtb(vm, errp)) {
        return false;
    }
    if (bi->kernel && !bi->firmware) {
        arm_boot_make_stub(bi, vm->flash[0].storage);
    }
    system_register_reset(arm_boot_reset, bi);
    return true;
}

/* ------------------------------------------------------------------ */
/* Drives                                                              */

/* Open every -drive (devices claim them later); closed at exit. */
static bool virt_open_drives(MachineState *ms, GError **errp)
{
    static bool close_at_exit;

    for (unsigned i = 0; ms->drives && i < ms->drives->len; i++) {
        if (!close_at_exit) {
            atexit(drive_close_all);    /* drains and flushes */
            close_at_exit = true;
        }
        if (!drive_add(g_ptr_array_index(ms->drives, i), ms->snapshot,
                       errp)) {
            return false;
        }
    }
    return true;
}

static void virt_orphan_drive(DriveInfo *d, void *opaque)
{
    static const char *const names[] = {
        [IF_NONE] = "none", [IF_VIRTIO] = "virtio", [IF_PFLASH] = "pflash",
    };
    GError **errp = opaque;

    if (d->type > IF_NONE && !*errp) {
        g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-drive id=%s: machine type does not support "
                    "if=%s,bus=0,unit=%d", d->id, names[d->type],
                    d->index);
    }
}

/* A drive no device took is an error (if=none ones wait for -device). */
static bool virt_check_drives(GError **errp)
{
    GError *err = NULL;

    drive_foreach(virt_orphan_drive, &err);
    if (err) {
        g_propagate_error(errp, err);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* The machine                                                         */

static bool virt_init(MachineState *ms, GError **errp)
{
    VirtMachine *vm = g_new0(VirtMachine, 1);

    vm->ms = ms;
    vm->sysmem = get_system_memory();
    vm->as = address_space_memory();
    if (!virt_parse_opts(ms->machine_opts, &vm->cfg, errp) ||
        !virt_open_drives(ms, errp) ||
        !virt_create_memory(vm, errp) ||
        !virt_create_cpus(vm, errp) ||
        !virt_create_gic(vm, errp)) {
        return false;
    }
    for (int i = 0; i < ms->nb_cpus; i++) {
        aarch64_cpu_reset(vm->cpus[i]);
    }
    virt_create_uart_rtc(vm);
    if (!virt_create_virtio(vm, errp) || !virt_create_flash(vm, errp) ||
        !virt_check_drives(errp) || !virt_setup_boot(vm, errp)) {
        return false;
    }
    virt_create_fw_cfg(vm);
    return true;
}

const MachineClass virt_machine = {
    .name = "virt",
    .desc = "QEMU-compatible ARM Virtual Machine (AArch64)",
    .default_cpu = "cortex-a57",
    .max_cpus = MAX_CPUS,
    .init = virt_init,
};

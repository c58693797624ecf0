/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device tree of the virt board, generated with libfdt the way QEMU
 * generates it for the same machine (node names, compatibles, phandles
 * for the GIC and the 24 MHz APB clock, the timer PPIs), so Linux and
 * U-Boot find what they would find under QEMU.
 *
 * libfdt's read-write API puts a new node before its existing siblings,
 * so nodes are added in the reverse of the order they appear in.
 */
#include <inttypes.h>
#include <string.h>
#include <sys/random.h>

#include <libfdt.h>

#include "hw/arm/virt.h"
#include "hw/intc/arm_gic.h"
#include "hw/misc/fw_cfg.h"
#include "hw/virtio/virtio-mmio.h"

#define PHANDLE_CLK 0x8000
#define PHANDLE_GIC 0x8001

/* Interrupt specifier cells (bindings/interrupt-controller/arm,gic). */
#define GIC_FDT_SPI 0
#define GIC_FDT_PPI 1
#define IRQ_EDGE_RISING 1
#define IRQ_LEVEL_HIGH 4

/* Collects the first libfdt error; later calls do nothing. */
typedef struct FdtBuilder {
    void *fdt;
    int err;
    const char *what;       /* the node or property that failed */
} FdtBuilder;

static int fb_check(FdtBuilder *b, int r, const char *what)
{
    if (r < 0 && !b->err) {
        b->err = r;
        b->what = what;
    }
    return r;
}

static int fb_node(FdtBuilder *b, int parent, const char *name)
{
    if (b->err) {
        return -1;
    }
    return fb_check(b, fdt_add_subnode(b->fdt, parent, name), name);
}

static void fb_prop(FdtBuilder *b, int node, const char *name,
                    const void *val, int len)
{
    if (!b->err) {
        fb_check(b, fdt_setprop(b->fdt, node, name, val, len), name);
    }
}

static void fb_string(FdtBuilder *b, int node, const char *name,
                      const char *val)
{
    fb_prop(b, node, name, val, strlen(val) + 1);
}

/* A string list written as "a\0b" with its full length (sizeof). */
#define fb_strings(b, node, name, lit) \
    fb_prop(b, node, name, lit, sizeof(lit))

/* n 32-bit cells. */
static void fb_cells(FdtBuilder *b, int node, const char *name,
                     const uint32_t *cells, int n)
{
    fdt32_t be[32];

    g_assert(n <= 32);
    for (int i = 0; i < n; i++) {
        be[i] = cpu_to_fdt32(cells[i]);
    }
    fb_prop(b, node, name, be, n * 4);
}

static void fb_u32(FdtBuilder *b, int node, const char *name, uint32_t v)
{
    fb_cells(b, node, name, &v, 1);
}

static void fb_u64(FdtBuilder *b, int node, const char *name, uint64_t v)
{
    uint32_t cells[2] = { v >> 32, (uint32_t)v };

    fb_cells(b, node, name, cells, 2);
}

/* reg = <addr size> with #address-cells = #size-cells = 2. */
static void fb_reg(FdtBuilder *b, int node, uint64_t addr, uint64_t size)
{
    uint32_t cells[4] = { addr >> 32, (uint32_t)addr, size >> 32,
                          (uint32_t)size };

    fb_cells(b, node, "reg", cells, 4);
}

static void fb_spi(FdtBuilder *b, int node, int spi, uint32_t flags)
{
    uint32_t cells[3] = { GIC_FDT_SPI, spi, flags };

    fb_cells(b, node, "interrupts", cells, 3);
}

static int fb_dev_node(FdtBuilder *b, const char *kind, uint64_t base)
{
    g_autofree char *name = g_strdup_printf("%s@%" PRIx64, kind, base);

    return fb_node(b, 0, name);
}

/* ------------------------------------------------------------------ */
/* Nodes                                                               */

static void fdt_add_chosen(FdtBuilder *b, const MachineState *ms,
                           uint64_t initrd_start, uint64_t initrd_end)
{
    int node = fb_node(b, 0, "chosen");
    uint8_t seed[32];
    uint64_t kaslr;
    g_autofree char *stdout_path =
        g_strdup_printf("/pl011@%llx", VIRT_UART_BASE);

    fb_string(b, node, "stdout-path", stdout_path);
    if (ms->append && ms->append[0]) {
        fb_string(b, node, "bootargs", ms->append);
    }
    if (initrd_end > initrd_start) {
        fb_u64(b, node, "linux,initrd-start", initrd_start);
        fb_u64(b, node, "linux,initrd-end", initrd_end);
    }
    /* As QEMU does: seeds for KASLR and the kernel's entropy pool. */
    if (getrandom(seed, sizeof(seed), 0) == sizeof(seed)) {
        fb_prop(b, node, "rng-seed", seed, sizeof(seed));
        memcpy(&kaslr, seed, sizeof(kaslr));
        fb_u64(b, node, "kaslr-seed", kaslr ^ 0x5a5a5a5a5a5a5a5aull);
    }
}

static void fdt_add_clock(FdtBuilder *b)
{
    int node = fb_node(b, 0, "apb-pclk");

    fb_string(b, node, "compatible", "fixed-clock");
    fb_u32(b, node, "#clock-cells", 0);
    fb_u32(b, node, "clock-frequency", 24000000);
    fb_string(b, node, "clock-output-names", "clk24mhz");
    fb_u32(b, node, "phandle", PHANDLE_CLK);
}

static void fdt_add_timer(FdtBuilder *b, const MachineState *ms,
                          const VirtConfig *vc)
{
    uint32_t flags = IRQ_LEVEL_HIGH;
    int node = fb_node(b, 0, "timer");
    static const int ppis[4] = {
        VIRT_PPI_SEC_PHYS, VIRT_PPI_PHYS, VIRT_PPI_VIRT, VIRT_PPI_HYP,
    };
    uint32_t cells[12];

    if (vc->gic_version == 2) {
        /* GICv2 PPI specifiers carry a mask of the CPUs they reach. */
        flags |= ((1u << ms->nb_cpus) - 1) << 8;
    }
    for (int i = 0; i < 4; i++) {
        cells[i * 3] = GIC_FDT_PPI;
        cells[i * 3 + 1] = ppis[i];
        cells[i * 3 + 2] = flags;
    }
    fb_strings(b, node, "compatible", "arm,armv8-timer\0arm,armv7-timer");
    fb_cells(b, node, "interrupts", cells, 12);
    fb_prop(b, node, "always-on", NULL, 0);
}

/* "arm,cortex-a57" for the named cores, "arm,arm-v8" for max. */
static char *cpu_compatible(const MachineState *ms)
{
    const char *model = ms->cpu_model ? ms->cpu_model
                                      : virt_machine.default_cpu;

    if (g_str_has_prefix(model, "cortex-")) {
        return g_strdup_printf("arm,%s", model);
    }
    return g_strdup("arm,arm-v8");
}

static void fdt_add_cpus(FdtBuilder *b, const MachineState *ms)
{
    int cpus = fb_node(b, 0, "cpus");
    g_autofree char *compat = cpu_compatible(ms);

    fb_u32(b, cpus, "#address-cells", 1);
    fb_u32(b, cpus, "#size-cells", 0);
    for (int i = ms->nb_cpus - 1; i >= 0; i--) {
        g_autofree char *name = g_strdup_printf("cpu@%d", i);
        int node = fb_node(b, cpus, name);

        fb_string(b, node, "device_type", "cpu");
        fb_string(b, node, "compatible", compat);
        fb_u32(b, node, "reg", i);
        if (ms->nb_cpus > 1) {      /* as QEMU: only SMP needs it */
            fb_string(b, node, "enable-method", "psci");
        }
    }
}

/* Both flash banks in one node, as QEMU describes them. */
static void fdt_add_flash(FdtBuilder *b)
{
    int node = fb_dev_node(b, "flash", VIRT_FLASH_BASE);
    uint64_t bank1 = VIRT_FLASH_BASE + VIRT_FLASH_SIZE;
    uint32_t reg[8] = {
        VIRT_FLASH_BASE >> 32, (uint32_t)VIRT_FLASH_BASE,
        VIRT_FLASH_SIZE >> 32, (uint32_t)VIRT_FLASH_SIZE,
        bank1 >> 32, (uint32_t)bank1,
        VIRT_FLASH_SIZE >> 32, (uint32_t)VIRT_FLASH_SIZE,
    };

    fb_string(b, node, "compatible", "cfi-flash");
    fb_cells(b, node, "reg", reg, 8);
    fb_u32(b, node, "bank-width", 4);
}

static void fdt_add_gic(FdtBuilder *b, const MachineState *ms,
                        const VirtConfig *vc)
{
    int node = fb_dev_node(b, "intc", VIRT_GIC_DIST);
    uint32_t reg[8];

    if (vc->gic_version == 3) {
        uint64_t rsize = ms->nb_cpus * ARM_GICV3_REDIST_STRIDE;
        uint32_t v3[8] = {
            0, VIRT_GIC_DIST, 0, ARM_GICV3_DIST_SIZE,
            0, VIRT_GIC_REDIST, 0, rsize,
        };

        fb_string(b, node, "compatible", "arm,gic-v3");
        fb_u32(b, node, "#redistributor-regions", 1);
        memcpy(reg, v3, sizeof(reg));
    } else {
        uint32_t v2[8] = {
            0, VIRT_GIC_DIST, 0, ARM_GICV2_DIST_SIZE,
            0, VIRT_GIC_CPU, 0, ARM_GICV2_CPU_SIZE,
        };

        fb_string(b, node, "compatible", "arm,cortex-a15-gic");
        memcpy(reg, v2, sizeof(reg));
    }
    fb_cells(b, node, "reg", reg, 8);
    fb_u32(b, node, "#interrupt-cells", 3);
    fb_prop(b, node, "interrupt-controller", NULL, 0);
    fb_u32(b, node, "#address-cells", 2);
    fb_u32(b, node, "#size-cells", 2);
    fb_prop(b, node, "ranges", NULL, 0);
    fb_u32(b, node, "phandle", PHANDLE_GIC);
}

static void fdt_add_pl011(FdtBuilder *b)
{
    int node = fb_dev_node(b, "pl011", VIRT_UART_BASE);
    uint32_t clocks[2] = { PHANDLE_CLK, PHANDLE_CLK };

    fb_strings(b, node, "compatible", "arm,pl011\0arm,primecell");
    fb_reg(b, node, VIRT_UART_BASE, 0x1000);
    fb_spi(b, node, VIRT_UART_SPI, IRQ_LEVEL_HIGH);
    fb_cells(b, node, "clocks", clocks, 2);
    fb_strings(b, node, "clock-names", "uartclk\0apb_pclk");
}

static void fdt_add_pl031(FdtBuilder *b)
{
    int node = fb_dev_node(b, "pl031", VIRT_RTC_BASE);

    fb_strings(b, node, "compatible", "arm,pl031\0arm,primecell");
    fb_reg(b, node, VIRT_RTC_BASE, 0x1000);
    fb_spi(b, node, VIRT_RTC_SPI, IRQ_LEVEL_HIGH);
    fb_u32(b, node, "clocks", PHANDLE_CLK);
    fb_string(b, node, "clock-names", "apb_pclk");
}

static void fdt_add_virtio_mmio(FdtBuilder *b)
{
    /* Highest address first, so that they read lowest first. */
    for (int i = VIRT_MMIO_COUNT - 1; i >= 0; i--) {
        uint64_t base = VIRT_MMIO_BASE + i * VIRTIO_MMIO_SIZE;
        int node = fb_dev_node(b, "virtio_mmio", base);

        fb_string(b, node, "compatible", "virtio,mmio");
        fb_reg(b, node, base, VIRTIO_MMIO_SIZE);
        fb_spi(b, node, VIRT_MMIO_SPI + i, IRQ_EDGE_RISING);
        fb_prop(b, node, "dma-coherent", NULL, 0);
    }
}

static void fdt_add_fw_cfg(FdtBuilder *b)
{
    int node = fb_dev_node(b, "fw-cfg", VIRT_FW_CFG_BASE);

    fb_string(b, node, "compatible", "qemu,fw-cfg-mmio");
    fb_reg(b, node, VIRT_FW_CFG_BASE, FW_CFG_MMIO_SIZE);
    fb_prop(b, node, "dma-coherent", NULL, 0);
}

static void fdt_add_memory(FdtBuilder *b, const MachineState *ms)
{
    int node = fb_dev_node(b, "memory", VIRT_RAM_BASE);

    fb_string(b, node, "device_type", "memory");
    fb_reg(b, node, VIRT_RAM_BASE, ms->ram_size);
}

static void fdt_add_psci(FdtBuilder *b, const VirtConfig *vc)
{
    int node = fb_node(b, 0, "psci");

    fb_strings(b, node, "compatible",
               "arm,psci-1.0\0arm,psci-0.2\0arm,psci");
    fb_string(b, node, "method", vc->virtualization ? "smc" : "hvc");
    /* PSCI 0.1 function IDs (the 0.2 standard ones), as QEMU gives. */
    fb_u32(b, node, "cpu_suspend", 0xc4000001);
    fb_u32(b, node, "cpu_off", 0x84000002);
    fb_u32(b, node, "cpu_on", 0xc4000003);
    fb_u32(b, node, "migrate", 0xc4000005);
}

static void fdt_add_root(FdtBuilder *b)
{
    fb_u32(b, 0, "#address-cells", 2);
    fb_u32(b, 0, "#size-cells", 2);
    fb_string(b, 0, "compatible", "linux,dummy-virt");
    fb_string(b, 0, "model", "linux,dummy-virt");
    fb_u32(b, 0, "interrupt-parent", PHANDLE_GIC);
}

static void *fb_finish(FdtBuilder *b, size_t *size, GError **errp)
{
    if (!b->err) {
        fb_check(b, fdt_pack(b->fdt), "pack");
    }
    if (b->err) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    "device tree: %s: %s", b->what, fdt_strerror(b->err));
        g_free(b->fdt);
        return NULL;
    }
    *size = fdt_totalsize(b->fdt);
    return b->fdt;
}

void *virt_make_fdt(const MachineState *ms, const VirtConfig *vc,
                    uint64_t initrd_start, uint64_t initrd_end,
                    size_t *size, GError **errp)
{
    size_t cap = 64 * 1024 + (ms->append ? strlen(ms->append) : 0);
    FdtBuilder b = { .fdt = g_malloc0(cap) };

    fb_check(&b, fdt_create_empty_tree(b.fdt, cap), "create");
    fdt_add_root(&b);
    fdt_add_chosen(&b, ms, initrd_start, initrd_end);
    fdt_add_clock(&b);
    fdt_add_timer(&b, ms, vc);
    fdt_add_cpus(&b, ms);
    fdt_add_flash(&b);
    fdt_add_gic(&b, ms, vc);
    fdt_add_pl011(&b);
    fdt_add_pl031(&b);
    fdt_add_virtio_mmio(&b);
    fdt_add_fw_cfg(&b);
    fdt_add_memory(&b, ms);
    fdt_add_psci(&b, vc);
    return fb_finish(&b, size, errp);
}

void *virt_fixup_user_fdt(void *fdt, const char *append,
                          uint64_t initrd_start, uint64_t initrd_end,
                          size_t *size, GError **errp)
{
    size_t cap = fdt_totalsize(fdt) + 4096 + (append ? strlen(append) : 0);
    FdtBuilder b = { .fdt = g_malloc0(cap) };
    int node;

    fb_check(&b, fdt_open_into(fdt, b.fdt, cap), "open");
    g_free(fdt);
    node = b.err ? -1 : fdt_path_offset(b.fdt, "/chosen");
    if (node < 0) {
        node = fb_node(&b, 0, "chosen");
    }
    if (append && append[0]) {
        fb_string(&b, node, "bootargs", append);
    }
    if (initrd_end > initrd_start) {
        fb_u64(&b, node, "linux,initrd-start", initrd_start);
        fb_u64(&b, node, "linux,initrd-end", initrd_end);
    }
    return fb_finish(&b, size, errp);
}

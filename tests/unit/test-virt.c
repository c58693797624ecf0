/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virt board's pieces that need no CPU: -M virt properties, the
 * generated device tree parsed back with libfdt, kernel/initrd loading
 * and placement (hw/arm/boot.c), fw_cfg through its registers, the
 * PL031 registers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>
#include <zlib.h>

#include "arm/boot.h"
#include "arm/virt.h"
#include "misc/fw_cfg.h"
#include "rtc/pl031.h"

/* ------------------------------------------------------------------ */
/* Properties                                                          */

static void test_opts(void **state)
{
    VirtConfig vc;
    g_autoptr(GError) err = NULL;

    assert_true(virt_parse_opts(NULL, &vc, NULL));
    assert_int_equal(vc.gic_version, 2);
    assert_false(vc.virtualization);
    assert_true(virt_parse_opts("gic-version=3,virtualization=on", &vc,
                                NULL));
    assert_int_equal(vc.gic_version, 3);
    assert_true(vc.virtualization);
    assert_false(virt_parse_opts("gic-version=4", &vc, &err));
    assert_non_null(strstr(err->message, "gic-version='4'"));
    g_clear_error(&err);
    assert_false(virt_parse_opts("gic-version=2,highmem=off", &vc, &err));
    assert_string_equal(err->message, "-M virt: unknown property 'highmem' "
                        "(known: gic-version, virtualization, secure)");
    g_clear_error(&err);
    assert_true(virt_parse_opts("secure=off", &vc, NULL));
    assert_false(virt_parse_opts("secure=on", &vc, &err));
    assert_string_equal(err->message,
                        "-M virt: secure=on (EL3) is not supported");
}

/* ------------------------------------------------------------------ */
/* Device tree                                                         */

static const uint32_t *prop_cells(const void *fdt, const char *path,
                                  const char *name, int *ncells)
{
    int node = fdt_path_offset(fdt, path);
    int len;
    const uint32_t *p;

    assert_true(node >= 0);
    p = fdt_getprop(fdt, node, name, &len);
    assert_non_null(p);
    *ncells = len / 4;
    return p;
}

static void check_cells(const void *fdt, const char *path, const char *name,
                        const uint32_t *want, int n)
{
    int got;
    const uint32_t *p = prop_cells(fdt, path, name, &got);

    assert_int_equal(got, n);
    for (int i = 0; i < n; i++) {
        assert_int_equal(fdt32_to_cpu(p[i]), want[i]);
    }
}

static const char *prop_str(const void *fdt, const char *path,
                            const char *name)
{
    int node = fdt_path_offset(fdt, path);

    assert_true(node >= 0);
    return fdt_getprop(fdt, node, name, NULL);
}

static void *make(int gic, int ncpus, const char *append, size_t *size)
{
    MachineState ms = {
        .ram_size = 512ull << 20, .smp = ncpus, .nb_cpus = ncpus,
        .append = append, .cpu_model = "cortex-a57",
    };
    VirtConfig vc = { .gic_version = gic };
    void *fdt = virt_make_fdt(&ms, &vc, 0x44000000, 0x44100000, size,
                              NULL);

    assert_non_null(fdt);
    assert_int_equal(fdt_check_header(fdt), 0);
    assert_int_equal(fdt_totalsize(fdt), *size);
    return fdt;
}

static void test_fdt_v2(void **state)
{
    size_t size;
    g_autofree void *fdt = make(2, 2, "console=ttyAMA0", &size);
    static const uint32_t mem[] = { 0, 0x40000000, 0, 0x20000000 };
    static const uint32_t uart_reg[] = { 0, 0x09000000, 0, 0x1000 };
    static const uint32_t uart_irq[] = { 0, 1, 4 };
    static const uint32_t rtc_irq[] = { 0, 2, 4 };
    static const uint32_t gic_reg[] = {
        0, 0x08000000, 0, 0x1000, 0, 0x08010000, 0, 0x2000,
    };
    static const uint32_t timer[] = {
        1, 13, 0x304, 1, 14, 0x304, 1, 11, 0x304, 1, 10, 0x304,
    };
    static const uint32_t v0[] = { 0, 16, 1 }, v31[] = { 0, 47, 1 };
    static const uint32_t initrd_s[] = { 0, 0x44000000 };
    static const uint32_t initrd_e[] = { 0, 0x44100000 };
    static const uint32_t fwcfg[] = { 0, 0x09020000, 0, 0x18 };
    static const uint32_t one = 1, gic_ph = 0x8001;

    check_cells(fdt, "/memory@40000000", "reg", mem, 4);
    assert_string_equal(prop_str(fdt, "/memory@40000000", "device_type"),
                        "memory");
    check_cells(fdt, "/pl011@9000000", "reg", uart_reg, 4);
    check_cells(fdt, "/pl011@9000000", "interrupts", uart_irq, 3);
    assert_string_equal(prop_str(fdt, "/pl011@9000000", "compatible"),
                        "arm,pl011");
    check_cells(fdt, "/pl031@9010000", "interrupts", rtc_irq, 3);
    check_cells(fdt, "/intc@8000000", "reg", gic_reg, 8);
    check_cells(fdt, "/intc@8000000", "phandle", &gic_ph, 1);
    check_cells(fdt, "/", "interrupt-parent", &gic_ph, 1);
    assert_string_equal(prop_str(fdt, "/intc@8000000", "compatible"),
                        "arm,cortex-a15-gic");
    check_cells(fdt, "/timer", "interrupts", timer, 12);
    check_cells(fdt, "/virtio_mmio@a000000", "interrupts", v0, 3);
    check_cells(fdt, "/virtio_mmio@a003e00", "interrupts", v31, 3);
    check_cells(fdt, "/fw-cfg@9020000", "reg", fwcfg, 4);
    check_cells(fdt, "/cpus/cpu@1", "reg", &one, 1);
    assert_string_equal(prop_str(fdt, "/cpus/cpu@1", "enable-method"),
                        "psci");
    assert_string_equal(prop_str(fdt, "/cpus/cpu@0", "compatible"),
                        "arm,cortex-a57");
    assert_string_equal(prop_str(fdt, "/psci", "method"), "hvc");
    assert_string_equal(prop_str(fdt, "/chosen", "bootargs"),
                        "console=ttyAMA0");
    assert_string_equal(prop_str(fdt, "/chosen", "stdout-path"),
                        "/pl011@9000000");
    check_cells(fdt, "/chosen", "linux,initrd-start", initrd_s, 2);
    check_cells(fdt, "/chosen", "linux,initrd-end", initrd_e, 2);
    /* virtio transports appear lowest address first, as under QEMU. */
    assert_true(fdt_path_offset(fdt, "/virtio_mmio@a000000") <
                fdt_path_offset(fdt, "/virtio_mmio@a000200"));
}

static void test_fdt_v3(void **state)
{
    size_t size;
    g_autofree void *fdt = make(3, 4, "", &size);
    static const uint32_t gic_reg[] = {
        0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0x80000,
    };
    static const uint32_t timer[] = {
        1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4,
    };
    int node = fdt_path_offset(fdt, "/chosen");

    check_cells(fdt, "/intc@8000000", "reg", gic_reg, 8);
    assert_string_equal(prop_str(fdt, "/intc@8000000", "compatible"),
                        "arm,gic-v3");
    check_cells(fdt, "/timer", "interrupts", timer, 12);
    assert_true(fdt_path_offset(fdt, "/cpus/cpu@3") >= 0);
    assert_true(fdt_path_offset(fdt, "/cpus/cpu@4") < 0);
    assert_null(fdt_getprop(fdt, node, "bootargs", NULL));
}

static void test_fdt_user(void **state)
{
    size_t size, size2;
    void *fdt = make(2, 1, NULL, &size);
    static const uint32_t initrd_s[] = { 0, 0x48000000 };

    fdt = virt_fixup_user_fdt(fdt, "root=/dev/vda", 0x48000000, 0x48001000,
                              &size2, NULL);
    assert_non_null(fdt);
    assert_string_equal(prop_str(fdt, "/chosen", "bootargs"),
                        "root=/dev/vda");
    check_cells(fdt, "/chosen", "linux,initrd-start", initrd_s, 2);
    g_free(fdt);
}

/* ------------------------------------------------------------------ */
/* Kernel loading                                                      */

static char *write_tmp(const void *data, size_t len)
{
    char *path = g_strdup("/tmp/test-virt-XXXXXX");
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

/* A fake Image: header with text_offset and image_size, some payload. */
static void fake_image(uint8_t *buf, size_t len, uint64_t text_offset,
                       uint64_t image_size)
{
    memset(buf, 0xaa, len);
    memcpy(buf + 8, &text_offset, 8);
    memcpy(buf + 16, &image_size, 8);
    memcpy(buf + 56, "ARM\x64", 4);
}

static void test_kernel_plain(void **state)
{
    uint8_t img[4096];
    g_autofree char *path = NULL;
    ArmBootInfo *bi = arm_boot_new(NULL, 0x40000000, 64 << 20);
    uint8_t stub[ARM_BOOT_STUB_SIZE];
    uint64_t dtb, entry;

    fake_image(img, sizeof(img), 0, 3 << 20);
    path = write_tmp(img, sizeof(img));
    assert_true(arm_boot_load_kernel(bi, path, NULL));
    assert_int_equal(bi->kernel_size, sizeof(img));
    assert_int_equal(bi->image_size, 3 << 20);
    bi->initrd_size = 5 << 20;
    assert_true(arm_boot_layout(bi, NULL));
    assert_int_equal(bi->kernel_addr, 0x40000000);
    assert_int_equal(bi->initrd_addr, 0x40400000);
    assert_int_equal(bi->dtb_addr, 0x40a00000);
    arm_boot_make_stub(bi, stub);
    memcpy(&dtb, stub + 24, 8);
    memcpy(&entry, stub + 32, 8);
    assert_int_equal(dtb, 0x40a00000);
    assert_int_equal(entry, 0x40000000);
    assert_int_equal(stub[0], 0xc0);    /* ldr x0, =dtb */
    /* An initrd that does not fit. */
    bi->initrd_size = 60 << 20;
    assert_false(arm_boot_layout(bi, NULL));
    unlink(path);
    bi->initrd = NULL;
    arm_boot_free(bi);
}

static void test_kernel_gzip(void **state)
{
    static uint8_t img[256 * 1024];
    uint8_t *gz = g_malloc(sizeof(img) + 1024);
    z_stream zs = { 0 };
    g_autofree char *path = NULL;
    ArmBootInfo *bi = arm_boot_new(NULL, 0x40000000, 64 << 20);
    g_autoptr(GError) err = NULL;

    fake_image(img, sizeof(img), 0x80000, 0);  /* old: no image_size */
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = img;
    zs.avail_in = sizeof(img);
    zs.next_out = gz;
    zs.avail_out = sizeof(img) + 1024;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    path = write_tmp(gz, zs.total_out);
    assert_true(arm_boot_load_kernel(bi, path, NULL));
    assert_int_equal(bi->kernel_size, sizeof(img));
    assert_int_equal(bi->text_offset, 0x80000);
    assert_memory_equal(bi->kernel, img, sizeof(img));
    unlink(path);
    g_free(path);
    arm_boot_free(bi);

    /* Truncated gzip data. */
    bi = arm_boot_new(NULL, 0x40000000, 64 << 20);
    path = write_tmp(gz, zs.total_out / 2);
    assert_false(arm_boot_load_kernel(bi, path, &err));
    assert_non_null(strstr(err->message, "truncated gzip"));
    assert_non_null(strstr(err->message, path));
    deflateEnd(&zs);
    unlink(path);
    g_free(gz);
    arm_boot_free(bi);
}

static void test_kernel_bad(void **state)
{
    ArmBootInfo *bi = arm_boot_new(NULL, 0x40000000, 64 << 20);
    g_autoptr(GError) err = NULL;
    uint8_t junk[200] = { 'E', 'L', 'F' };
    char *path;
    g_autofree char *msg = NULL;

    assert_false(arm_boot_load_kernel(bi, "/nonexistent/Image", &err));
    assert_string_equal(err->message, "kernel '/nonexistent/Image': "
                        "No such file or directory");
    g_clear_error(&err);

    path = write_tmp(junk, sizeof(junk));
    assert_false(arm_boot_load_kernel(bi, path, &err));
    msg = g_strdup_printf("kernel '%s': not an arm64 Image or a "
                          "gzip-compressed one", path);
    assert_string_equal(err->message, msg);
    g_clear_error(&err);
    unlink(path);
    g_free(path);
    g_free(bi->kernel);
    bi->kernel = NULL;

    path = write_tmp(junk, 10);
    assert_false(arm_boot_load_kernel(bi, path, &err));
    assert_non_null(strstr(err->message, "truncated"));
    unlink(path);
    g_free(path);
    arm_boot_free(bi);
}

/* ------------------------------------------------------------------ */
/* fw_cfg and PL031                                                    */

static uint64_t mmio_rd(MemoryRegion *mr, uint64_t off, unsigned size)
{
    uint64_t v = 0;

    assert_int_equal(memory_region_dispatch_read(mr, off, &v, size),
                     MEMTX_OK);
    return v;
}

/* The guest writes the selector big-endian. */
static void fw_select(MemoryRegion *mr, uint16_t key)
{
    assert_int_equal(memory_region_dispatch_write(mr, 8,
                                                  GUINT16_TO_BE(key), 2),
                     MEMTX_OK);
}

static void test_fw_cfg(void **state)
{
    FWCfgState *s = fw_cfg_new(NULL);
    MemoryRegion *mr = &s->iomem;
    uint64_t v;

    /* Guest order in memory: the signature reads "QEMU" byte by byte. */
    fw_select(mr, FW_CFG_SIGNATURE);
    for (const char *p = "QEMU"; *p; p++) {
        assert_int_equal(mmio_rd(mr, 0, 1), *p);
    }
    assert_int_equal(mmio_rd(mr, 0, 1), 0);     /* past the end */
    fw_select(mr, FW_CFG_ID);
    v = mmio_rd(mr, 0, 4);
    assert_int_equal(GUINT32_FROM_LE(v), 3);    /* traditional + DMA */
    fw_cfg_add_string(s, FW_CFG_CMDLINE_DATA, "console=ttyAMA0");
    fw_select(mr, FW_CFG_CMDLINE_DATA);
    v = mmio_rd(mr, 0, 8);
    assert_memory_equal(&v, "console=", 8);
    assert_true(fw_cfg_add_file(s, "etc/test", "xyz", 3));
    fw_select(mr, FW_CFG_FILE_DIR);
    /* Directory: be32 count, then be32 size, be16 key, be16 0, name. */
    v = mmio_rd(mr, 0, 4);
    assert_memory_equal(&v, "\0\0\0\1", 4);
    v = mmio_rd(mr, 0, 4);
    assert_memory_equal(&v, "\0\0\0\3", 4);
    v = mmio_rd(mr, 0, 4);
    assert_memory_equal(&v, "\0\x20\0\0", 4);
    v = mmio_rd(mr, 0, 8);
    assert_memory_equal(&v, "etc/test", 8);
    /* The DMA register reads "QEMU CFG". */
    v = mmio_rd(mr, 16, 8);
    assert_memory_equal(&v, "QEMU CFG", 8);
    fw_cfg_free(s);
}

static void test_pl031(void **state)
{
    PL031State *s = g_new0(PL031State, 1);
    int64_t host = clock_get_ns(CLOCK_HOST) / 1000000000;
    int64_t dr;

    pl031_init(s, NULL);
    dr = mmio_rd(&s->iomem, 0x00, 4);
    assert_true(dr >= host - 2 && dr <= host + 2);
    assert_int_equal(mmio_rd(&s->iomem, 0x0c, 4), 1);
    assert_int_equal(mmio_rd(&s->iomem, 0xfe0, 4), 0x31);
    assert_int_equal(mmio_rd(&s->iomem, 0xffc, 4), 0xb1);
    memory_region_dispatch_write(&s->iomem, 0x08, 1000, 4);
    assert_int_equal(mmio_rd(&s->iomem, 0x08, 4), 1000);
    dr = mmio_rd(&s->iomem, 0x00, 4);
    assert_true(dr >= 1000 && dr <= 1001);
    memory_region_dispatch_write(&s->iomem, 0x04, 5, 4);
    assert_int_equal(mmio_rd(&s->iomem, 0x04, 4), 5);
    memory_region_dispatch_write(&s->iomem, 0x10, 1, 4);
    assert_int_equal(mmio_rd(&s->iomem, 0x10, 4), 1);
    assert_int_equal(mmio_rd(&s->iomem, 0x14, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opts),
        cmocka_unit_test(test_fdt_v2),
        cmocka_unit_test(test_fdt_v3),
        cmocka_unit_test(test_fdt_user),
        cmocka_unit_test(test_kernel_plain),
        cmocka_unit_test(test_kernel_gzip),
        cmocka_unit_test(test_kernel_bad),
        cmocka_unit_test(test_fw_cfg),
        cmocka_unit_test(test_pl031),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

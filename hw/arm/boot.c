/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading an AArch64 Linux kernel, initrd and device tree into a board's
 * RAM, and the few instructions that start the kernel the way
 * Documentation/arm64/booting.rst asks (x0 = device tree, x1..x3 = 0,
 * MMU off).  See boot.h for the placement rules.
 *
 * Debian's vmlinuz for arm64 is a gzip-compressed Image: it is inflated
 * here with zlib, as the kernel itself cannot do it (arm64 has no
 * self-decompressing zImage).
 */
#include "hw/arm/boot.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "kestrel/sysemu.h"

#define KERNEL_MAX (1ull << 30)     /* larger than any real Image */

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static uint64_t ld_le64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return GUINT64_FROM_LE(v);
}

static uint32_t ld_le32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return GUINT32_FROM_LE(v);
}

ArmBootInfo *arm_boot_new(AddressSpace *as, uint64_t ram_base,
                          uint64_t ram_size)
{
    ArmBootInfo *bi = g_new0(ArmBootInfo, 1);

    bi->as = as;
    bi->ram_base = ram_base;
    bi->ram_size = ram_size;
    return bi;
}

void arm_boot_free(ArmBootInfo *bi)
{
    if (bi) {
        g_free(bi->kernel);
        g_free(bi->initrd);
        g_free(bi->dtb);
        g_free(bi);
    }
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static bool read_fd(int fd, uint8_t *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t r = read(fd, buf + done, len - done);

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            if (r == 0) {
                errno = EIO;    /* the file shrank under us */
            }
            return false;
        }
        done += r;
    }
    return true;
}

bool arm_boot_read_file(const char *what, const char *path, size_t max,
                        uint8_t **data, size_t *size, GError **errp)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    uint8_t *buf;

    if (fd < 0 || fstat(fd, &st) < 0 ||
        (S_ISDIR(st.st_mode) && (errno = EISDIR))) {
        int e = errno;

        if (fd >= 0) {
            close(fd);
        }
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(e),
                    "%s '%s': %s", what, path, g_strerror(e));
        return false;
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s '%s': too big (%" G_GUINT64_FORMAT
                    " bytes, at most %zu)", what, path,
                    (uint64_t)st.st_size, max);
        return false;
    }
    buf = g_malloc(MAX(st.st_size, 1));
    if (!read_fd(fd, buf, st.st_size)) {
        int e = errno;

        close(fd);
        g_free(buf);
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(e),
                    "%s '%s': %s", what, path, g_strerror(e));
        return false;
    }
    close(fd);
    *data = buf;
    *size = st.st_size;
    return true;
}

/*
 * Inflate a gzip stream.  The trailer's ISIZE (size mod 4 GiB) sizes the
 * first buffer; it grows if that was wrong.
 */
static bool gunzip(const char *path, const uint8_t *in, size_t in_len,
                   uint8_t **out, size_t *out_len, GError **errp)
{
    z_stream zs = { 0 };
    size_t cap = ld_le32(in + in_len - 4);
    uint8_t *buf;
    const char *msg;
    int r = Z_OK;

    cap = MAX(cap, in_len * 2) + 4096;
    buf = g_malloc(cap);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        g_free(buf);
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    "kernel '%s': cannot start zlib", path);
        return false;
    }
    zs.next_in = (Bytef *)in;
    zs.avail_in = in_len;
    do {
        if (zs.total_out == cap) {
            if (cap >= KERNEL_MAX) {
                r = Z_MEM_ERROR;
                break;
            }
            cap *= 2;
            buf = g_realloc(buf, cap);
        }
        zs.next_out = buf + zs.total_out;
        zs.avail_out = cap - zs.total_out;
        r = inflate(&zs, Z_NO_FLUSH);
    } while (r == Z_OK || (r == Z_BUF_ERROR && zs.avail_out == 0));
    *out_len = zs.total_out;
    msg = zs.msg;
    inflateEnd(&zs);
    if (r != Z_STREAM_END) {
        g_free(buf);
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "kernel '%s': corrupt or truncated gzip data (%s)",
                    path, r == Z_MEM_ERROR ? "more than 1 GiB" :
                    r == Z_BUF_ERROR ? "unexpected end" :
                    msg ? msg : "bad data");
        return false;
    }
    *out = buf;
    return true;
}

/* Check the arm64 Image header and take text_offset and image_size. */
static bool check_image(ArmBootInfo *bi, const char *path, bool gzipped,
                        GError **errp)
{
    const uint8_t *h = bi->kernel;

    if (bi->kernel_size < ARM64_IMAGE_HEADER_SIZE) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "kernel '%s': truncated (%zu bytes, no Image header)",
                    path, bi->kernel_size);
        return false;
    }
    if (ld_le32(h + 56) != ARM64_IMAGE_MAGIC) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "kernel '%s': not an arm64 Image%s", path,
                    gzipped ? " inside the gzip data"
                            : " or a gzip-compressed one");
        return false;
    }
    bi->image_size = ld_le64(h + 16);
    if (bi->image_size == 0) {
        /* Kernels before 3.17: text_offset 0x80000, size unknown. */
        bi->text_offset = 0x80000;
        bi->image_size = bi->kernel_size;
    } else {
        bi->text_offset = ld_le64(h + 8);
    }
    bi->image_size = MAX(bi->image_size, bi->kernel_size);
    return true;
}

bool arm_boot_load_kernel(ArmBootInfo *bi, const char *path,
                          GError **errp)
{
    uint8_t *data;
    size_t size;
    bool gzipped;

    if (!arm_boot_read_file("kernel", path, KERNEL_MAX, &data, &size,
                            errp)) {
        return false;
    }
    gzipped = size >= 18 && data[0] == 0x1f && data[1] == 0x8b;
    if (gzipped) {
        bool ok = gunzip(path, data, size, &bi->kernel, &bi->kernel_size,
                         errp);

        g_free(data);
        if (!ok) {
            return false;
        }
    } else {
        bi->kernel = data;
        bi->kernel_size = size;
    }
    return check_image(bi, path, gzipped, errp);
}

bool arm_boot_load_initrd(ArmBootInfo *bi, const char *path,
                          GError **errp)
{
    if (!path) {
        return true;
    }
    return arm_boot_read_file("initrd", path, bi->ram_size, &bi->initrd,
                              &bi->initrd_size, errp);
}

/* ------------------------------------------------------------------ */
/* Placement                                                           */

bool arm_boot_layout(ArmBootInfo *bi, GError **errp)
{
    uint64_t ram_end = bi->ram_base + bi->ram_size;
    uint64_t next;

    if (bi->firmware || !bi->kernel) {
        bi->dtb_addr = bi->ram_base;
        return true;
    }
    bi->kernel_addr = align_up(bi->ram_base, ARM_BOOT_ALIGN) +
                      bi->text_offset;
    next = align_up(bi->kernel_addr + bi->image_size, ARM_BOOT_ALIGN);
    if (next > ram_end) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
                    "kernel too big for RAM (needs %" G_GUINT64_FORMAT
                    " MiB; use -m)", (next - bi->ram_base) >> 20);
        return false;
    }
    bi->initrd_addr = next;
    next = align_up(next + bi->initrd_size, ARM_BOOT_ALIGN);
    if (next + ARM_BOOT_DTB_MAX > ram_end) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
                    "initrd too big for RAM (%zu bytes after the kernel "
                    "in %" G_GUINT64_FORMAT " MiB; use -m)",
                    bi->initrd_size, bi->ram_size >> 20);
        return false;
    }
    bi->dtb_addr = next;
    return true;
}

bool arm_boot_set_dtb(ArmBootInfo *bi, void *fdt, size_t size,
                      GError **errp)
{
    if (size > ARM_BOOT_DTB_MAX || size > bi->ram_size) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "device tree too big (%zu bytes, at most 2 MiB)", size);
        return false;
    }
    g_free(bi->dtb);
    bi->dtb = fdt;
    bi->dtb_size = size;
    return true;
}

/* ------------------------------------------------------------------ */
/* Starting the kernel                                                 */

static void st_le32(uint8_t *p, uint32_t v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p, &v, 4);
}

static void st_le64(uint8_t *p, uint64_t v)
{
    v = GUINT64_TO_LE(v);
    memcpy(p, &v, 8);
}

void arm_boot_make_stub(const ArmBootInfo *bi, uint8_t *out)
{
    static const uint32_t code[] = {
        0x580000c0,     /* ldr  x0, 24      (dtb address) */
        0xaa1f03e1,     /* mov  x1, xzr */
        0xaa1f03e2,     /* mov  x2, xzr */
        0xaa1f03e3,     /* mov  x3, xzr */
        0x58000084,     /* ldr  x4, 32      (kernel entry) */
        0xd61f0080,     /* br   x4 */
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(code); i++) {
        st_le32(out + i * 4, code[i]);
    }
    st_le64(out + 24, bi->dtb_addr);
    st_le64(out + 32, bi->kernel_addr);
}

void arm_boot_reset(void *opaque)
{
    ArmBootInfo *bi = opaque;

    if (bi->kernel && !bi->firmware) {
        address_space_write_rom(bi->as, bi->kernel_addr, bi->kernel,
                                bi->kernel_size);
        if (bi->initrd) {
            address_space_write_rom(bi->as, bi->initrd_addr, bi->initrd,
                                    bi->initrd_size);
        }
    }
    if (bi->dtb) {
        address_space_write_rom(bi->as, bi->dtb_addr, bi->dtb,
                                bi->dtb_size);
    }
}

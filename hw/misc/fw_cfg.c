/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU firmware configuration device, MMIO interface (as on QEMU's arm
 * virt board; spec: QEMU docs/specs/fw_cfg.txt).
 *
 * What the board sees:
 *  + one MMIO region of 0x18 bytes (s->iomem), registers big-endian:
 *      +0x00 data      read 1, 2, 4 or 8 bytes of the selected item, in
 *                      item order (writes ignored)
 *      +0x08 selector  2-byte write: select an item, offset back to 0
 *      +0x10 DMA       8-byte write, or 4-byte writes high then low (the
 *                      low one starts it): guest address of a
 *                      FWCfgDmaAccess {be32 control, be32 length,
 *                      be64 address}; reads give "QEMU CFG"
 *  + no IRQ; DMA through the address space given at creation
 *  + items: the signature "QEMU", the ID (traditional + DMA), the file
 *    directory, and whatever the board adds (kernel, initrd, cmdline,
 *    CPU count, files, fw_cfg_add_qemu_defaults)
 *
 * Not emulated: DMA writes into items (no item is writable: the write
 * bit reports an error), the x86 I/O port interface.
 */
#include "hw/misc/fw_cfg.h"

#include <inttypes.h>
#include <string.h>

#include "kestrel/log.h"

enum {
    FW_CFG_DATA = 0x00,
    FW_CFG_SELECTOR = 0x08,
    FW_CFG_DMA = 0x10,
};

/* FWCfgDmaAccess.control bits. */
enum {
    DMA_CTL_ERROR = 1 << 0,
    DMA_CTL_READ = 1 << 1,
    DMA_CTL_SKIP = 1 << 2,
    DMA_CTL_SELECT = 1 << 3,
    DMA_CTL_WRITE = 1 << 4,
};

#define FW_CFG_ID_TRADITIONAL 1
#define FW_CFG_ID_DMA 2
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ull  /* "QEMU CFG" */

/* ------------------------------------------------------------------ */
/* Items                                                               */

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      size_t len)
{
    g_assert(key < FW_CFG_NUM_ENTRIES);
    g_free(s->entries[key].data);
    s->entries[key].data = g_memdup2(data, len);
    s->entries[key].len = len;
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t v)
{
    uint16_t le = GUINT16_TO_LE(v);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t v)
{
    uint32_t le = GUINT32_TO_LE(v);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t v)
{
    uint64_t le = GUINT64_TO_LE(v);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *str)
{
    fw_cfg_add_bytes(s, key, str, strlen(str) + 1);
}

/* The directory: be32 count, then {be32 size, be16 key, be16 0, name}. */
static void fw_cfg_rebuild_dir(FWCfgState *s)
{
    size_t len = 4 + s->nb_files * (8 + FW_CFG_MAX_NAME);
    uint8_t *dir = g_malloc0(len);
    uint32_t count = GUINT32_TO_BE(s->nb_files);

    memcpy(dir, &count, 4);
    for (unsigned i = 0; i < s->nb_files; i++) {
        uint8_t *e = dir + 4 + i * (8 + FW_CFG_MAX_NAME);
        uint32_t size = GUINT32_TO_BE(s->entries[FW_CFG_FILE_FIRST + i].len);
        uint16_t key = GUINT16_TO_BE(FW_CFG_FILE_FIRST + i);

        memcpy(e, &size, 4);
        memcpy(e + 4, &key, 2);
        memcpy(e + 8, s->names[i], FW_CFG_MAX_NAME);
    }
    g_free(s->entries[FW_CFG_FILE_DIR].data);
    s->entries[FW_CFG_FILE_DIR].data = dir;
    s->entries[FW_CFG_FILE_DIR].len = len;
}

bool fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                     size_t len)
{
    if (s->nb_files >= FW_CFG_MAX_FILES) {
        return false;
    }
    g_strlcpy(s->names[s->nb_files], name, FW_CFG_MAX_NAME);
    fw_cfg_add_bytes(s, FW_CFG_FILE_FIRST + s->nb_files, data, len);
    s->nb_files++;
    fw_cfg_rebuild_dir(s);
    return true;
}

/* ------------------------------------------------------------------ */
/* Registers                                                           */

static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    s->cur_entry = key;
    s->cur_offset = 0;
}

static FWCfgEntry *fw_cfg_cur(FWCfgState *s)
{
    if (s->cur_entry >= FW_CFG_NUM_ENTRIES) {
        return NULL;
    }
    return &s->entries[s->cur_entry];
}

/* The next size bytes of the item, first byte most significant. */
static uint64_t fw_cfg_data_read(FWCfgState *s, unsigned size)
{
    FWCfgEntry *e = fw_cfg_cur(s);
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        uint8_t b = 0;

        if (e && s->cur_offset < e->len) {
            b = e->data[s->cur_offset++];
        }
        v = (v << 8) | b;
    }
    return v;
}

static void fw_cfg_dma_complete(FWCfgState *s, uint64_t desc,
                                uint32_t control)
{
    uint32_t be = GUINT32_TO_BE(control);

    address_space_write(s->dma_as, desc, &be, 4);
}

/* Copy (READ), skip (SKIP) len bytes of the item; false on a bad write. */
static bool fw_cfg_dma_move(FWCfgState *s, uint32_t control, uint32_t len,
                            uint64_t addr)
{
    FWCfgEntry *e = fw_cfg_cur(s);
    uint32_t avail = 0;
    uint32_t n;

    if (control & DMA_CTL_WRITE) {
        log_mask(LOG_UNIMP, "fw_cfg: DMA write to item 0x%x\n",
                 s->cur_entry);
        return false;
    }
    if (e && s->cur_offset < e->len) {
        avail = e->len - s->cur_offset;
    }
    n = MIN(len, avail);
    if (control & DMA_CTL_READ) {
        if (n && address_space_write(s->dma_as, addr,
                                     e->data + s->cur_offset, n)) {
            return false;
        }
        /* Beyond the end of the item reads as zeros. */
        if (n < len) {
            g_autofree uint8_t *zeros = g_malloc0(len - n);

            address_space_write(s->dma_as, addr + n, zeros, len - n);
        }
    }
    s->cur_offset += n;
    return true;
}

static void fw_cfg_dma_run(FWCfgState *s, uint64_t desc)
{
    uint8_t raw[16];
    uint32_t control, len;
    uint64_t addr;
    bool ok = true;

    if (address_space_read(s->dma_as, desc, raw, sizeof(raw))) {
        log_mask(LOG_GUEST_ERROR,
                 "fw_cfg: DMA descriptor at 0x%" PRIx64 " unreadable\n",
                 desc);
        return;
    }
    control = GUINT32_FROM_BE(*(uint32_t *)raw);
    len = GUINT32_FROM_BE(*(uint32_t *)(raw + 4));
    addr = GUINT64_FROM_BE(*(uint64_t *)(raw + 8));
    if (control & DMA_CTL_SELECT) {
        fw_cfg_select(s, control >> 16);
    }
    if (control & (DMA_CTL_READ | DMA_CTL_SKIP | DMA_CTL_WRITE)) {
        ok = fw_cfg_dma_move(s, control, len, addr);
    }
    fw_cfg_dma_complete(s, desc, ok ? 0 : DMA_CTL_ERROR);
}

static uint64_t fw_cfg_read(void *opaque, uint64_t addr, unsigned size)
{
    FWCfgState *s = opaque;

    if (addr + size <= FW_CFG_SELECTOR) {
        return fw_cfg_data_read(s, size);
    }
    if (addr >= FW_CFG_DMA) {
        unsigned shift = (FW_CFG_DMA + 8 - addr - size) * 8;

        return (FW_CFG_DMA_SIGNATURE >> shift) &
               (size == 8 ? ~0ull : (1ull << (size * 8)) - 1);
    }
    return 0;               /* the selector is write-only */
}

static void fw_cfg_write_dma(FWCfgState *s, uint64_t addr, uint64_t val,
                             unsigned size)
{
    if (size == 8 && addr == FW_CFG_DMA) {
        s->dma_addr = val;
    } else if (size == 4 && addr == FW_CFG_DMA) {
        s->dma_addr = val << 32;
        return;             /* the low half starts the transfer */
    } else if (size == 4 && addr == FW_CFG_DMA + 4) {
        s->dma_addr |= (uint32_t)val;
    } else {
        log_mask(LOG_GUEST_ERROR, "fw_cfg: bad DMA register write\n");
        return;
    }
    fw_cfg_dma_run(s, s->dma_addr);
    s->dma_addr = 0;
}

static void fw_cfg_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    FWCfgState *s = opaque;

    if (addr == FW_CFG_SELECTOR && size == 2) {
        fw_cfg_select(s, val);
    } else if (addr >= FW_CFG_DMA) {
        fw_cfg_write_dma(s, addr, val, size);
    } else if (addr < FW_CFG_SELECTOR) {
        /* Writes to the data register are ignored (QEMU >= 2.4). */
    } else {
        log_mask(LOG_GUEST_ERROR,
                 "fw_cfg: bad write of %u bytes at +0x%x\n", size,
                 (unsigned)addr);
    }
}

static const MemoryRegionOps fw_cfg_ops = {
    .read = fw_cfg_read,
    .write = fw_cfg_write,
    .min_access = 1,
    .max_access = 8,
    .big_endian = true,
};

/* ------------------------------------------------------------------ */
/* Creation                                                            */

void fw_cfg_reset(void *opaque)
{
    FWCfgState *s = opaque;

    fw_cfg_select(s, FW_CFG_SIGNATURE);
    s->dma_addr = 0;
}

/*
 * Without -uuid, -boot menu=on, -boot reboot-timeout= or bootindex=,
 * QEMU's items read as below.
 */
void fw_cfg_add_qemu_defaults(FWCfgState *s)
{
    static const uint8_t uuid[16];
    uint32_t no_reboot = GUINT32_TO_LE(UINT32_MAX);

    fw_cfg_add_bytes(s, FW_CFG_UUID, uuid, sizeof(uuid));
    fw_cfg_add_i16(s, FW_CFG_BOOT_MENU, 0);
    fw_cfg_add_file(s, "etc/boot-fail-wait", &no_reboot, 4);
    fw_cfg_add_file(s, "bootorder", "", 0);
}

FWCfgState *fw_cfg_new(AddressSpace *dma_as)
{
    FWCfgState *s = g_new0(FWCfgState, 1);

    s->dma_as = dma_as;
    memory_region_init_io(&s->iomem, "fw_cfg", FW_CFG_MMIO_SIZE,
                          &fw_cfg_ops, s);
    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
    fw_cfg_rebuild_dir(s);
    fw_cfg_reset(s);
    return s;
}

void fw_cfg_free(FWCfgState *s)
{
    for (unsigned i = 0; i < FW_CFG_NUM_ENTRIES; i++) {
        g_free(s->entries[i].data);
    }
    g_free(s);
}

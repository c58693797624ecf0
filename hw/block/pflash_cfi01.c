/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CFI parallel NOR flash, Intel/Sharp command set (QEMU "cfi.pflash01";
 * Intel P30/StrataFlash datasheets, JEDEC JESD68 for the CFI table).
 *
 * What the board sees:
 *  + one region (s->mem) of cfg.size bytes, a ROM device: in read-array
 *    mode the guest reads and executes the contents at RAM speed; any
 *    other mode turns it into MMIO until the guest writes Read Array
 *  + no IRQ; little-endian; accesses of 1 to 4 bytes at any alignment
 *  + properties (PFlashConfig): size, erase block size, bank width
 *    (bytes on the bus) and device width (bytes per chip: a 32-bit bank
 *    of two x16 chips answers every query in both 16-bit lanes), ID codes
 *  + optionally a block backend, written through on every program and
 *    erase, whose size must equal the flash's
 *
 * Commands (bus write cycle 1, low byte of the value):
 *   0xff/0x00/0xf0 read array     0x70 read status    0x50 clear status
 *   0x90 read ID (block + 0: manufacturer, + 1: device, + 2: lock bit)
 *   0x98 CFI query (table byte n at n * bank width)
 *   0x10/0x40 word program: cycle 2 writes the data
 *   0x20/0x28 block erase: cycle 2 confirms with 0xd0
 *   0x60 lock setup: cycle 2 is 0x01 (lock), 0x2f (lock-down, same here)
 *        or 0xd0 (unlock) for the addressed block
 *   0xe8 buffered program: cycle 2 the count of bus writes minus one
 *        (to the block), then the data (inside the aligned write buffer
 *        the first data address falls in), then 0xd0
 * After program, erase, lock or buffered program the flash reads the
 * status register until Read Array.  Status: 0x80 ready, 0x20 erase
 * error, 0x10 program error (both: bad command sequence), 0x02 the block
 * is locked.
 *
 * Programming can only clear bits (the new value is ANDed in), as on
 * the chips; erase sets a block to 0xff.  Blocks start unlocked (as
 * QEMU, where locking is not kept) and locks are not saved in the image.
 * Not emulated: timing (every operation is done at once), suspend,
 * protection registers, the x86 big-endian variant, lock state across
 * power cycles.
 */
#include "hw/block/pflash_cfi01.h"

#include <inttypes.h>
#include <string.h>

#include "kestrel/block.h"
#include "kestrel/log.h"

/* Status register bits. */
enum {
    SR_READY = 0x80,
    SR_ERASE_ERR = 0x20,
    SR_PROGRAM_ERR = 0x10,
    SR_LOCKED = 0x02,
    SR_SEQ_ERR = SR_ERASE_ERR | SR_PROGRAM_ERR,
};

enum {
    CMD_READ_ARRAY = 0x00,  /* also what s->cmd holds in that mode */
    CMD_PROGRAM = 0x40,
    CMD_PROGRAM_ALT = 0x10,
    CMD_ERASE = 0x20,
    CMD_ERASE_ALT = 0x28,
    CMD_CLEAR_STATUS = 0x50,
    CMD_LOCK_SETUP = 0x60,
    CMD_READ_STATUS = 0x70,
    CMD_READ_ID = 0x90,
    CMD_CFI_QUERY = 0x98,
    CMD_CONFIRM = 0xd0,
    CMD_BUFFER_PROGRAM = 0xe8,
    CMD_AMD_RESET = 0xf0,
    CMD_READ_ARRAY_FF = 0xff,
    CMD_LOCK = 0x01,
    CMD_LOCK_DOWN = 0x2f,
};

/* ------------------------------------------------------------------ */
/* Reads                                                               */

/* Byte of a per-chip value seen at off: each chip drives its own lanes. */
static uint8_t lane_byte(const PFlashCFI01 *s, uint64_t off, uint32_t v)
{
    unsigned lane = (off % s->cfg.bank_width) % s->cfg.device_width;

    return (uint8_t)(v >> (8 * lane));
}

static uint32_t pflash_id_value(const PFlashCFI01 *s, uint64_t off)
{
    uint64_t word = (off & (s->cfg.sector_len - 1)) / s->cfg.bank_width;

    switch (word) {
    case 0:
        return s->cfg.id0;
    case 1:
        return s->cfg.id1;
    case 2:
        return s->locked[off / s->cfg.sector_len];
    default:
        return 0;
    }
}

static uint32_t pflash_cfi_value(const PFlashCFI01 *s, uint64_t off)
{
    uint64_t i = off / s->cfg.bank_width;

    return i < PFLASH_CFI_LEN ? s->cfi[i] : 0;
}

static uint8_t pflash_read_byte(const PFlashCFI01 *s, uint64_t off)
{
    switch (s->cmd) {
    case CMD_READ_ARRAY:
        return s->storage[off];
    case CMD_READ_ID:
        return lane_byte(s, off, pflash_id_value(s, off));
    case CMD_CFI_QUERY:
        return lane_byte(s, off, pflash_cfi_value(s, off));
    default:
        return lane_byte(s, off, s->status);
    }
}

static uint64_t pflash_read(void *opaque, uint64_t addr, unsigned size)
{
    PFlashCFI01 *s = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)pflash_read_byte(s, addr + i) << (8 * i);
    }
    return v;
}

/* ------------------------------------------------------------------ */
/* Changing the array                                                  */

/*
 * Whether block b may change; if not, the error bit err (with the lock
 * bit for a locked block) goes into the status register.
 */
static bool pflash_may_change(PFlashCFI01 *s, uint64_t off, uint8_t err)
{
    uint32_t b = off / s->cfg.sector_len;

    if (s->locked[b]) {
        log_mask(LOG_GUEST_ERROR, "%s: block %u at 0x%" PRIx64
                 " is locked\n", s->cfg.name, b, off);
        s->status |= err | SR_LOCKED;
        return false;
    }
    if (s->ro) {
        log_mask(LOG_GUEST_ERROR, "%s: the image is read-only\n",
                 s->cfg.name);
        s->status |= err;
        return false;
    }
    return true;
}

/* len bytes at off changed: drop stale code, write the image through. */
static void pflash_commit(PFlashCFI01 *s, uint64_t off, uint64_t len,
                          uint8_t err)
{
    int r;

    memory_region_rom_device_written(&s->mem, off, len);
    if (!s->blk) {
        return;
    }
    r = bdrv_pwrite(blk_bs(s->blk), off, s->storage + off, len);
    if (r < 0) {
        log_mask(LOG_GUEST_ERROR, "%s: image write at 0x%" PRIx64
                 " failed: %s\n", s->cfg.name, off, g_strerror(-r));
        s->status |= err;
    }
}

static void pflash_program(PFlashCFI01 *s, uint64_t off, uint64_t val,
                           unsigned size)
{
    if (!pflash_may_change(s, off, SR_PROGRAM_ERR)) {
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        s->storage[off + i] &= (uint8_t)(val >> (8 * i));
    }
    pflash_commit(s, off, size, SR_PROGRAM_ERR);
}

static void pflash_erase(PFlashCFI01 *s, uint64_t off)
{
    uint64_t base = off & ~(uint64_t)(s->cfg.sector_len - 1);

    if (!pflash_may_change(s, base, SR_ERASE_ERR)) {
        return;
    }
    memset(s->storage + base, 0xff, s->cfg.sector_len);
    pflash_commit(s, base, s->cfg.sector_len, SR_ERASE_ERR);
}

/* ------------------------------------------------------------------ */
/* The command state machine                                           */

static void pflash_seq_error(PFlashCFI01 *s, uint64_t off, uint64_t val)
{
    log_mask(LOG_GUEST_ERROR, "%s: value 0x%" PRIx64 " at 0x%" PRIx64
             " breaks the sequence of command 0x%02x\n", s->cfg.name, val,
             off, s->cmd);
    s->status |= SR_SEQ_ERR;
    s->wcycle = 0;
}

/* Cycle 1: a new command. */
static void pflash_command(PFlashCFI01 *s, uint64_t off, uint64_t val)
{
    uint8_t cmd = (uint8_t)val;

    switch (cmd) {
    case CMD_READ_ARRAY:
    case CMD_READ_ARRAY_FF:
    case CMD_AMD_RESET:
        s->cmd = CMD_READ_ARRAY;
        break;
    case CMD_PROGRAM:
    case CMD_PROGRAM_ALT:
    case CMD_ERASE:
    case CMD_ERASE_ALT:
    case CMD_LOCK_SETUP:
    case CMD_BUFFER_PROGRAM:
        s->cmd = cmd;
        s->wcycle = 1;
        break;
    case CMD_CLEAR_STATUS:
        s->status = SR_READY;
        s->cmd = CMD_READ_ARRAY;
        break;
    case CMD_READ_STATUS:
    case CMD_READ_ID:
    case CMD_CFI_QUERY:
        s->cmd = cmd;
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "%s: unknown command 0x%02x at 0x%"
                 PRIx64 "\n", s->cfg.name, cmd, off);
        s->cmd = CMD_READ_ARRAY;
        break;
    }
}

static void pflash_lock_cycle(PFlashCFI01 *s, uint64_t off, uint64_t val)
{
    uint32_t b = off / s->cfg.sector_len;

    switch ((uint8_t)val) {
    case CMD_LOCK:
    case CMD_LOCK_DOWN:
        s->locked[b] = 1;
        break;
    case CMD_CONFIRM:
        s->locked[b] = 0;
        break;
    case CMD_READ_ARRAY_FF:
        s->cmd = CMD_READ_ARRAY;
        break;
    default:
        pflash_seq_error(s, off, val);
        break;
    }
    s->wcycle = 0;
}

/* Buffered program, cycle 2: the number of bus writes minus one. */
static void pflash_buffer_setup(PFlashCFI01 *s, uint64_t off, uint64_t val)
{
    uint32_t mask = s->cfg.device_width == 4 ? UINT32_MAX
                    : (1u << (8 * s->cfg.device_width)) - 1;
    uint64_t n = ((uint32_t)val & mask) + 1ull;

    if (n * s->cfg.bank_width > s->wb_size) {
        log_mask(LOG_GUEST_ERROR, "%s: buffered program of %" PRIu64
                 " words overflows the %u-byte buffer\n", s->cfg.name, n,
                 s->wb_size);
        pflash_seq_error(s, off, val);
        return;
    }
    s->wb_block = off / s->cfg.sector_len;
    s->wb_base = UINT64_MAX;    /* set by the first data write */
    s->wb_count = (uint32_t)n;
    s->wb_lo = s->wb_size;
    s->wb_hi = 0;
    s->wcycle = 2;
}

/*
 * The first data write picks the buffer-aligned window the rest must
 * stay in; it must lie in the block the count was written to.
 */
static bool pflash_buffer_window(PFlashCFI01 *s, uint64_t off)
{
    if (s->wb_base != UINT64_MAX) {
        return true;
    }
    if (off / s->cfg.sector_len != s->wb_block) {
        return false;
    }
    s->wb_base = off & ~(uint64_t)(s->wb_size - 1);
    memcpy(s->wbuf, s->storage + s->wb_base, s->wb_size);
    return true;
}

/* Buffered program, cycle 3..: data into the buffer. */
static void pflash_buffer_data(PFlashCFI01 *s, uint64_t off, uint64_t val,
                               unsigned size)
{
    bool in = pflash_buffer_window(s, off);
    uint64_t rel = off - s->wb_base;

    if (!in || off < s->wb_base || rel + size > s->wb_size) {
        log_mask(LOG_GUEST_ERROR, "%s: buffered program data at 0x%"
                 PRIx64 " outside the buffer of block %u\n", s->cfg.name,
                 off, s->wb_block);
        pflash_seq_error(s, off, val);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        s->wbuf[rel + i] &= (uint8_t)(val >> (8 * i));
    }
    s->wb_lo = MIN(s->wb_lo, (uint32_t)rel);
    s->wb_hi = MAX(s->wb_hi, (uint32_t)(rel + size));
    if (--s->wb_count == 0) {
        s->wcycle = 3;
    }
}

/* Buffered program, last cycle: 0xd0 commits the buffer. */
static void pflash_buffer_confirm(PFlashCFI01 *s, uint64_t off,
                                  uint64_t val)
{
    uint64_t start = s->wb_base + s->wb_lo;

    if ((uint8_t)val != CMD_CONFIRM) {
        pflash_seq_error(s, off, val);
        return;
    }
    s->wcycle = 0;
    if (s->wb_hi == 0 ||
        !pflash_may_change(s, s->wb_base, SR_PROGRAM_ERR)) {
        return;
    }
    memcpy(s->storage + start, s->wbuf + s->wb_lo, s->wb_hi - s->wb_lo);
    pflash_commit(s, start, s->wb_hi - s->wb_lo, SR_PROGRAM_ERR);
}

/* Cycle 2 of the two-cycle commands. */
static void pflash_second_cycle(PFlashCFI01 *s, uint64_t off, uint64_t val,
                                unsigned size)
{
    switch (s->cmd) {
    case CMD_PROGRAM:
    case CMD_PROGRAM_ALT:
        pflash_program(s, off, val, size);
        s->wcycle = 0;
        break;
    case CMD_ERASE:
    case CMD_ERASE_ALT:
        if ((uint8_t)val == CMD_CONFIRM) {
            pflash_erase(s, off);
            s->wcycle = 0;
        } else if ((uint8_t)val == CMD_READ_ARRAY_FF) {
            s->cmd = CMD_READ_ARRAY;
            s->wcycle = 0;
        } else {
            pflash_seq_error(s, off, val);
        }
        break;
    case CMD_LOCK_SETUP:
        pflash_lock_cycle(s, off, val);
        break;
    default:
        pflash_buffer_setup(s, off, val);
        break;
    }
}

static void pflash_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    PFlashCFI01 *s = opaque;

    switch (s->wcycle) {
    case 0:
        pflash_command(s, addr, val);
        break;
    case 1:
        pflash_second_cycle(s, addr, val, size);
        break;
    case 2:
        pflash_buffer_data(s, addr, val, size);
        break;
    default:
        pflash_buffer_confirm(s, addr, val);
        break;
    }
    /* Only plain read-array mode may be served from host memory. */
    memory_region_rom_device_set_romd(&s->mem, s->cmd == CMD_READ_ARRAY &&
                                      s->wcycle == 0);
}

static const MemoryRegionOps pflash_ops = {
    .read = pflash_read,
    .write = pflash_write,
    .min_access = 1,
    .max_access = 4,
    .unaligned = true,
};

/* ------------------------------------------------------------------ */
/* Creation                                                            */

/* The CFI query table of one chip (JESD68), as QEMU's virt flash. */
static void pflash_build_cfi(PFlashCFI01 *s)
{
    unsigned chips = s->cfg.bank_width / s->cfg.device_width;
    uint32_t chip_sector = s->cfg.sector_len / chips;
    uint64_t chip_size = (uint64_t)chip_sector * s->nb_blocks;
    static const uint8_t fixed[] = {
        [0x10] = 'Q', 'R', 'Y',
        [0x13] = 0x01, 0x00,        /* Intel/Sharp extended command set */
        [0x15] = 0x31, 0x00,        /* its table at 0x31 */
        [0x1b] = 0x45, 0x55,        /* Vcc 4.5 .. 5.5 V, no Vpp */
        [0x1f] = 0x07, 0x07, 0x0a,  /* typical: word, buffer, erase */
        [0x23] = 0x04, 0x04, 0x04,  /* maximum: 16 x typical */
        [0x28] = 0x02, 0x00,        /* x8/x16 asynchronous interface */
        [0x2c] = 0x01,              /* one erase block region */
        [0x31] = 'P', 'R', 'I', '1', '0',
        [0x3f] = 0x01,              /* one protection register field */
    };

    memset(s->cfi, 0, sizeof(s->cfi));
    memcpy(s->cfi, fixed, sizeof(fixed));
    s->cfi[0x27] = (uint8_t)__builtin_ctzll(chip_size);
    s->cfi[0x2a] = s->cfg.bank_width == 1 ? 8 : 11; /* log2 buffer bytes */
    s->cfi[0x2d] = (uint8_t)(s->nb_blocks - 1);
    s->cfi[0x2e] = (uint8_t)((s->nb_blocks - 1) >> 8);
    s->cfi[0x2f] = (uint8_t)(chip_sector >> 8);
    s->cfi[0x30] = (uint8_t)(chip_sector >> 16);
    s->wb_size = MIN((1u << s->cfi[0x2a]) * chips, s->cfg.sector_len);
}

static bool pflash_check_config(const PFlashConfig *c, GError **errp)
{
    bool ok = (c->bank_width == 1 || c->bank_width == 2 ||
               c->bank_width == 4) &&
              c->device_width && c->device_width <= c->bank_width &&
              c->bank_width % c->device_width == 0 &&
              c->sector_len >= 256 &&
              (c->sector_len & (c->sector_len - 1)) == 0 &&
              c->size && c->size % c->sector_len == 0 &&
              c->size / c->sector_len <= 65536;

    if (!ok) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: bad flash geometry (size 0x%" PRIx64 ", block "
                    "0x%x, widths %u/%u)", c->name, c->size, c->sector_len,
                    c->bank_width, c->device_width);
    }
    return ok;
}

static bool pflash_load_image(PFlashCFI01 *s, BlockBackend *blk,
                              GError **errp)
{
    BlockDriverState *bs = blk_bs(blk);
    int64_t len = blk_getlength(blk);
    int r;

    if (len != (int64_t)s->cfg.size) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: flash image is %" PRId64 " bytes, %s needs %"
                    PRIu64, bdrv_filename(bs), len, s->cfg.name,
                    s->cfg.size);
        return false;
    }
    r = bdrv_pread(bs, 0, s->storage, s->cfg.size);
    if (r < 0) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(-r),
                    "%s: cannot read the flash image: %s",
                    bdrv_filename(bs), g_strerror(-r));
        return false;
    }
    s->blk = blk;
    s->ro = blk_is_read_only(blk);
    return true;
}

bool pflash_cfi01_init(PFlashCFI01 *s, const PFlashConfig *cfg,
                       BlockBackend *blk, GError **errp)
{
    memset(s, 0, sizeof(*s));
    if (!pflash_check_config(cfg, errp) ||
        !memory_region_init_rom_device(&s->mem, cfg->name, cfg->size,
                                       &pflash_ops, s, errp)) {
        return false;
    }
    s->cfg = *cfg;
    s->storage = s->mem.host;
    s->nb_blocks = cfg->size / cfg->sector_len;
    if (blk && !pflash_load_image(s, blk, errp)) {
        return false;
    }
    s->locked = g_malloc0(s->nb_blocks);
    pflash_build_cfi(s);
    s->wbuf = g_malloc(s->wb_size);
    pflash_cfi01_reset(s);
    return true;
}

void pflash_cfi01_reset(void *opaque)
{
    PFlashCFI01 *s = opaque;

    s->cmd = CMD_READ_ARRAY;
    s->wcycle = 0;
    s->status = SR_READY;
    memory_region_rom_device_set_romd(&s->mem, true);
}

void pflash_cfi01_cleanup(PFlashCFI01 *s)
{
    g_free(s->locked);
    g_free(s->wbuf);
    s->locked = NULL;
    s->wbuf = NULL;
}

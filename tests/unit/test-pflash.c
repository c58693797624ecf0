/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CFI flash (hw/block/pflash_cfi01.c) at register level, with the
 * virt board's geometry (2 x16 chips on a 32-bit bus, 256 KiB blocks,
 * 64 MiB), mapped in the system address space so accesses take the
 * paths the CPU takes: ROMD reads from host memory, writes to the
 * device.  Every query answer is checked in both 16-bit lanes.
 * Guest errors are logged to a temporary file and checked line by line.
 * The last tests back a small flash with a raw image (block layer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kestrel/block.h"
#include "kestrel/log.h"
#include "kestrel/memory.h"
#include "block/pflash_cfi01.h"

#define BASE 0x10000000ull
#define BLK1 0x40000ull                 /* second 256 KiB block */
#define DUAL(c) ((uint32_t)(c) * 0x00010001u)   /* both chips */

static PFlashCFI01 *fl;
static char log_path[64];

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static uint32_t rd(uint64_t off)
{
    MemTxResult r;
    uint32_t v = address_space_ld(address_space_memory(), BASE + off, 4,
                                  &r);

    assert_int_equal(r, MEMTX_OK);
    return v;
}

static void wr(uint64_t off, uint32_t v)
{
    MemTxResult r;

    address_space_st(address_space_memory(), BASE + off, v, 4, &r);
    assert_int_equal(r, MEMTX_OK);
}

static bool romd(void)
{
    return fl->mem.kind == MR_ROM;
}

static void setup_flash(const PFlashConfig *cfg, BlockBackend *blk)
{
    fl = g_new0(PFlashCFI01, 1);
    assert_true(pflash_cfi01_init(fl, cfg, blk, NULL));
    memory_region_add_subregion(get_system_memory(), BASE, &fl->mem, 0);
}

static int setup(void **state)
{
    PFlashConfig cfg = {
        .name = "flash", .size = 64 << 20, .sector_len = 256 << 10,
        .bank_width = 4, .device_width = 2, .id0 = 0x89, .id1 = 0x18,
    };

    (void)state;
    setup_flash(&cfg, NULL);
    g_strlcpy(log_path, "/tmp/test-pflash.XXXXXX", sizeof(log_path));
    close(mkstemp(log_path));
    assert_true(log_set_file(log_path, NULL));
    kestrel_log_mask = LOG_GUEST_ERROR;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    memory_region_del_subregion(get_system_memory(), &fl->mem);
    pflash_cfi01_cleanup(fl);
    g_clear_pointer(&fl, g_free);
    kestrel_log_mask = 0;
    log_set_file(NULL, NULL);
    unlink(log_path);
    return 0;
}

/* The guest-error log so far. */
static char *log_text(void)
{
    char *text = NULL;

    fflush(log_file());
    assert_true(g_file_get_contents(log_path, &text, NULL, NULL));
    return text;
}

static void erase(uint64_t off)
{
    wr(off, DUAL(0x20));
    wr(off, DUAL(0xd0));
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

static void test_read_array(void **state)
{
    uint8_t buf[6];

    (void)state;
    assert_true(romd());
    memcpy(fl->storage + 0x100, "\x11\x22\x33\x44\x55\x66", 6);
    assert_int_equal(rd(0x100), 0x44332211);
    assert_int_equal(address_space_ld(address_space_memory(),
                                      BASE + 0x101, 2, NULL), 0x3322);
    assert_int_equal(address_space_read(address_space_memory(),
                                        BASE + 0x100, buf, 6), MEMTX_OK);
    assert_memory_equal(buf, "\x11\x22\x33\x44\x55\x66", 6);
    /* Nothing behind the image (no -bios) but zeroes, as on QEMU. */
    assert_int_equal(rd((64 << 20) - 4), 0);
}

static void test_read_id(void **state)
{
    (void)state;
    wr(0, DUAL(0x90));
    assert_false(romd());
    assert_int_equal(rd(0x0), 0x00890089);       /* Intel */
    assert_int_equal(rd(0x4), 0x00180018);       /* device code */
    assert_int_equal(rd(0x8), 0x00000000);       /* block 0 unlocked */
    assert_int_equal(rd(BLK1 + 0x4), 0x00180018);
    /* Narrow reads see each chip's lanes. */
    assert_int_equal(address_space_ld(address_space_memory(), BASE + 2, 2,
                                      NULL), 0x0089);
    assert_int_equal(address_space_ld(address_space_memory(), BASE + 4, 1,
                                      NULL), 0x18);
    assert_int_equal(address_space_ld(address_space_memory(), BASE + 5, 1,
                                      NULL), 0x00);
    wr(0, DUAL(0xff));
    assert_true(romd());
    assert_int_equal(rd(0x0), 0);
}

static void test_cfi_query(void **state)
{
    static const struct {
        uint8_t index;
        uint16_t value;
    } want[] = {
        { 0x10, 'Q' }, { 0x11, 'R' }, { 0x12, 'Y' },
        { 0x13, 0x01 }, { 0x14, 0x00 },     /* Intel command set */
        { 0x15, 0x31 }, { 0x16, 0x00 },     /* extended table */
        { 0x1b, 0x45 }, { 0x1c, 0x55 },
        { 0x1f, 0x07 }, { 0x20, 0x07 }, { 0x21, 0x0a }, { 0x22, 0x00 },
        { 0x27, 0x19 },                     /* 32 MiB per chip */
        { 0x28, 0x02 }, { 0x29, 0x00 },     /* x8/x16 */
        { 0x2a, 0x0b }, { 0x2b, 0x00 },     /* 2 KiB write buffer */
        { 0x2c, 0x01 },                     /* one region ... */
        { 0x2d, 0xff }, { 0x2e, 0x00 },     /* ... of 256 blocks ... */
        { 0x2f, 0x00 }, { 0x30, 0x02 },     /* ... of 128 KiB per chip */
        { 0x31, 'P' }, { 0x32, 'R' }, { 0x33, 'I' }, { 0x34, '1' },
        { 0x35, '0' }, { 0x3f, 0x01 },
        { 0x00, 0x00 }, { 0x40, 0x00 }, { 0x51, 0x00 }, { 0xff, 0x00 },
    };

    (void)state;
    wr(0x55 * 4, DUAL(0x98));
    assert_false(romd());
    for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
        assert_int_equal(rd(want[i].index * 4), DUAL(want[i].value));
    }
    /* An 8-byte read is two bus reads. */
    assert_int_equal(address_space_ld(address_space_memory(),
                                      BASE + 0x10 * 4, 8, NULL),
                     ((uint64_t)DUAL('R') << 32) | DUAL('Q'));
    wr(0, DUAL(0xff));
    assert_true(romd());
}

static void test_status(void **state)
{
    (void)state;
    wr(0, DUAL(0x70));
    assert_false(romd());
    assert_int_equal(rd(0), 0x00800080);
    assert_int_equal(rd(0x1234), 0x00800080);    /* anywhere */
    assert_int_equal(address_space_ld(address_space_memory(), BASE, 1,
                                      NULL), 0x80);
    wr(0, DUAL(0x00));                          /* 0x00: read array too */
    assert_true(romd());
}

/* ------------------------------------------------------------------ */
/* Changing the array                                                  */

static void test_block_erase(void **state)
{
    (void)state;
    memset(fl->storage, 0x5a, 3 * BLK1);
    erase(BLK1 + 0x1234);                       /* any address inside */
    assert_false(romd());
    assert_int_equal(rd(BLK1), 0x00800080);      /* status mode */
    wr(0, DUAL(0xff));
    assert_int_equal(rd(BLK1), 0xffffffff);
    assert_int_equal(rd(2 * BLK1 - 4), 0xffffffff);
    assert_int_equal(rd(BLK1 - 4), 0x5a5a5a5a);  /* neighbours kept */
    assert_int_equal(rd(2 * BLK1), 0x5a5a5a5a);
    /* 0xff instead of the confirm cancels. */
    wr(0, DUAL(0x20));
    wr(0, DUAL(0xff));
    assert_true(romd());
    assert_int_equal(rd(0), 0x5a5a5a5a);
}

static void test_word_program(void **state)
{
    (void)state;
    erase(BLK1);
    wr(BLK1 + 0x10, DUAL(0x40));
    assert_false(romd());
    wr(BLK1 + 0x10, 0x12345678);
    assert_int_equal(rd(BLK1 + 0x10), 0x00800080);
    wr(0, DUAL(0xff));
    assert_int_equal(rd(BLK1 + 0x10), 0x12345678);
    /* Programming only clears bits. */
    wr(BLK1 + 0x10, DUAL(0x10));
    wr(BLK1 + 0x10, 0xffff00f0);
    wr(0, DUAL(0xff));
    assert_int_equal(rd(BLK1 + 0x10), 0x12340070);
    /* A 2-byte program touches two bytes. */
    wr(BLK1 + 0x20, DUAL(0x40));
    address_space_st(address_space_memory(), BASE + BLK1 + 0x22, 0xbeef, 2,
                     NULL);
    wr(0, DUAL(0xff));
    assert_int_equal(rd(BLK1 + 0x20), 0xbeefffff);
}

static void test_buffered_program(void **state)
{
    (void)state;
    erase(BLK1);
    wr(BLK1 + 0x100, DUAL(0xe8));
    assert_int_equal(rd(BLK1 + 0x100), 0x00800080); /* buffer ready */
    wr(BLK1 + 0x100, DUAL(3));                   /* 4 words */
    for (uint32_t i = 0; i < 4; i++) {
        wr(BLK1 + 0x100 + i * 4, 0xa0000000 + i);
    }
    assert_int_equal(rd(BLK1 + 0x100), 0x00800080);
    /* Nothing reaches the array before the confirm. */
    assert_int_equal(fl->storage[BLK1 + 0x100], 0xff);
    wr(BLK1 + 0x100, DUAL(0xd0));
    assert_int_equal(rd(BLK1 + 0x100), 0x00800080);
    wr(0, DUAL(0xff));
    assert_true(romd());
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(rd(BLK1 + 0x100 + i * 4), 0xa0000000 + i);
    }
    assert_int_equal(rd(BLK1 + 0x110), 0xffffffff);
    assert_int_equal(rd(BLK1 + 0xfc), 0xffffffff);
    /* The count goes to the block, the data picks the buffer (U-Boot). */
    wr(BLK1, DUAL(0xe8));
    wr(BLK1, DUAL(1));
    wr(BLK1 + 0x2ff8, 0x11111111);
    wr(BLK1 + 0x2ffc, 0x22222222);
    wr(BLK1, DUAL(0xd0));
    wr(0, DUAL(0xff));
    assert_int_equal(rd(BLK1 + 0x2ff8), 0x11111111);
    assert_int_equal(rd(BLK1 + 0x2ffc), 0x22222222);
    assert_int_equal(rd(BLK1 + 0x3000), 0xffffffff);
}

static void test_lock_bits(void **state)
{
    (void)state;
    memset(fl->storage + BLK1, 0x33, BLK1);
    wr(BLK1, DUAL(0x60));
    wr(BLK1, DUAL(0x01));                        /* lock block 1 */
    wr(0, DUAL(0x90));
    assert_int_equal(rd(BLK1 + 0x8), 0x00010001);
    assert_int_equal(rd(0x8), 0x00000000);
    erase(BLK1);
    assert_int_equal(rd(BLK1), 0x00a200a2);      /* erase err, locked */
    wr(BLK1, DUAL(0x40));
    wr(BLK1, 0);
    assert_int_equal(rd(BLK1), 0x00b200b2);      /* + program error */
    wr(0, DUAL(0xff));
    assert_int_equal(rd(BLK1), 0x33333333);
    /* Errors stick until Clear Status. */
    wr(0, DUAL(0x70));
    assert_int_equal(rd(0), 0x00b200b2);
    wr(0, DUAL(0x50));
    assert_true(romd());
    wr(0, DUAL(0x70));
    assert_int_equal(rd(0), 0x00800080);
    wr(BLK1, DUAL(0x60));
    wr(BLK1, DUAL(0xd0));                        /* unlock */
    erase(BLK1);
    assert_int_equal(rd(BLK1), 0x00800080);
    wr(0, DUAL(0xff));
    assert_int_equal(rd(BLK1), 0xffffffff);
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */

static void test_unknown_command(void **state)
{
    g_autofree char *text = NULL;

    (void)state;
    wr(0x1cb20, 0x84);
    assert_true(romd());
    text = log_text();
    assert_string_equal(text, "flash: unknown command 0x84 at 0x1cb20\n");
}

static void test_sequence_errors(void **state)
{
    g_autofree char *text = NULL;

    (void)state;
    wr(BLK1, DUAL(0x20));
    wr(BLK1, DUAL(0x55));                        /* not a confirm */
    assert_int_equal(rd(BLK1), 0x00b000b0);
    wr(0, DUAL(0x50));
    /* A buffer count beyond the 4 KiB buffer. */
    wr(BLK1, DUAL(0xe8));
    wr(BLK1, DUAL(0x400));
    assert_int_equal(rd(BLK1), 0x00b000b0);
    wr(0, DUAL(0x50));
    /* Buffer data leaving the buffer, or the block; a bad confirm. */
    wr(BLK1, DUAL(0xe8));
    wr(BLK1, DUAL(1));
    wr(BLK1 + 0xffc, 0);
    wr(BLK1 + 0x1000, 0);
    assert_int_equal(rd(BLK1), 0x00b000b0);
    wr(0, DUAL(0x50));
    wr(BLK1, DUAL(0xe8));
    wr(BLK1, DUAL(0));
    wr(2 * BLK1, 0);
    assert_int_equal(rd(BLK1), 0x00b000b0);
    wr(0, DUAL(0x50));
    wr(BLK1, DUAL(0xe8));
    wr(BLK1, DUAL(0));
    wr(BLK1, 0);
    wr(BLK1, DUAL(0x77));
    assert_int_equal(rd(BLK1), 0x00b000b0);
    wr(0, DUAL(0xff));
    assert_int_equal(rd(BLK1), 0);               /* nothing programmed */
    text = log_text();
    assert_string_equal(text,
        "flash: value 0x550055 at 0x40000 breaks the sequence of command "
        "0x20\n"
        "flash: buffered program of 1025 words overflows the 4096-byte "
        "buffer\n"
        "flash: value 0x4000400 at 0x40000 breaks the sequence of command "
        "0xe8\n"
        "flash: buffered program data at 0x41000 outside the buffer of "
        "block 1\n"
        "flash: value 0x0 at 0x41000 breaks the sequence of command 0xe8\n"
        "flash: buffered program data at 0x80000 outside the buffer of "
        "block 1\n"
        "flash: value 0x0 at 0x80000 breaks the sequence of command 0xe8\n"
        "flash: value 0x770077 at 0x40000 breaks the sequence of command "
        "0xe8\n");
}

static void test_reset(void **state)
{
    (void)state;
    wr(0, DUAL(0x40));
    assert_false(romd());
    pflash_cfi01_reset(fl);
    assert_true(romd());
    wr(0, DUAL(0x70));
    assert_int_equal(rd(0), 0x00800080);
    pflash_cfi01_reset(fl);
}

/* ------------------------------------------------------------------ */
/* A raw image behind the flash                                        */

#define SMALL_SIZE (1u << 20)
#define SMALL_BLOCK (64u << 10)

static const PFlashConfig small_cfg = {
    .name = "img", .size = SMALL_SIZE, .sector_len = SMALL_BLOCK,
    .bank_width = 4, .device_width = 2, .id0 = 0x89, .id1 = 0x18,
};

static char *make_image(size_t size, uint8_t fill)
{
    char *path = g_strdup("/tmp/test-pflash-img.XXXXXX");
    int fd = mkstemp(path);
    g_autofree uint8_t *data = g_malloc(size);

    memset(data, fill, size);
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    close(fd);
    return path;
}

/* Swap the fixture's flash for one made from cfg and blk. */
static void replace_flash(const PFlashConfig *cfg, BlockBackend *blk)
{
    memory_region_del_subregion(get_system_memory(), &fl->mem);
    pflash_cfi01_cleanup(fl);
    g_free(fl);
    setup_flash(cfg, blk);
}

static BlockBackend *open_image(const char *path, bool ro)
{
    BlockDriverState *bs = bdrv_open(path, "raw", ro ? 0 : BDRV_O_RDWR,
                                     NULL);

    assert_non_null(bs);
    return blk_new(bs, ro);
}

static void test_image_write_through(void **state)
{
    g_autofree char *path = make_image(SMALL_SIZE, 0x00);
    g_autofree char *after = NULL;
    BlockBackend *blk = open_image(path, false);
    gsize len;

    (void)state;
    replace_flash(&small_cfg, blk);
    assert_int_equal(rd(0), 0);
    erase(SMALL_BLOCK);
    wr(SMALL_BLOCK + 8, DUAL(0x40));
    wr(SMALL_BLOCK + 8, 0xcafef00d);
    wr(0, DUAL(0xff));
    assert_true(g_file_get_contents(path, &after, &len, NULL));
    assert_int_equal(len, SMALL_SIZE);
    assert_int_equal(after[SMALL_BLOCK - 1], 0);
    assert_int_equal((uint8_t)after[SMALL_BLOCK], 0xff);
    assert_int_equal((uint8_t)after[SMALL_BLOCK + 8], 0x0d);
    assert_int_equal((uint8_t)after[SMALL_BLOCK + 11], 0xca);
    assert_int_equal((uint8_t)after[2 * SMALL_BLOCK - 1], 0xff);
    assert_int_equal(after[2 * SMALL_BLOCK], 0);
    /* The CFI table follows the geometry: 512 KiB chips, 16 blocks. */
    wr(0, DUAL(0x98));
    assert_int_equal(rd(0x27 * 4), DUAL(0x13));
    assert_int_equal(rd(0x2d * 4), DUAL(0x0f));
    assert_int_equal(rd(0x2f * 4), DUAL(0x80));
    assert_int_equal(rd(0x30 * 4), DUAL(0x00));
    wr(0, DUAL(0xff));
    blk_unref(blk);
    unlink(path);
}

static void test_image_read_only(void **state)
{
    g_autofree char *path = make_image(SMALL_SIZE, 0xff);
    g_autofree char *text = NULL;
    BlockBackend *blk = open_image(path, true);

    (void)state;
    replace_flash(&small_cfg, blk);
    assert_int_equal(rd(0), 0xffffffff);
    wr(0, DUAL(0x40));
    wr(0, 0);
    assert_int_equal(rd(0), 0x00900090);         /* program error */
    erase(0);
    assert_int_equal(rd(0), 0x00b000b0);
    wr(0, DUAL(0xff));
    assert_int_equal(rd(0), 0xffffffff);
    text = log_text();
    assert_string_equal(text, "img: the image is read-only\n"
                              "img: the image is read-only\n");
    blk_unref(blk);
    unlink(path);
}

static void test_image_wrong_size(void **state)
{
    g_autofree char *path = make_image(SMALL_SIZE / 2, 0xff);
    g_autofree char *want = NULL;
    BlockBackend *blk = open_image(path, true);
    PFlashCFI01 other;
    GError *err = NULL;

    (void)state;
    assert_false(pflash_cfi01_init(&other, &small_cfg, blk, &err));
    want = g_strdup_printf("%s: flash image is 524288 bytes, img needs "
                           "1048576", path);
    assert_string_equal(err->message, want);
    g_error_free(err);
    blk_unref(blk);
    unlink(path);
}

static void test_bad_geometry(void **state)
{
    PFlashConfig cfg = small_cfg;
    PFlashCFI01 other;
    GError *err = NULL;

    (void)state;
    cfg.device_width = 3;
    assert_false(pflash_cfi01_init(&other, &cfg, NULL, &err));
    assert_string_equal(err->message, "img: bad flash geometry (size "
                        "0x100000, block 0x10000, widths 4/3)");
    g_error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_array, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cfi_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_erase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_word_program, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_buffered_program, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lock_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_command, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sequence_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image_write_through, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_image_read_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_image_wrong_size, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_geometry, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

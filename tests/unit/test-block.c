/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block layer core and the raw format: create, open, byte-granular
 * I/O (also O_DIRECT with unaligned requests), zeroes, discard, status,
 * information, and the core's request checks.  Images live in a fresh
 * temporary directory per test.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "block-test.h"

typedef struct Fixture {
    char *dir;
    char *path;
} Fixture;

static int setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    f->dir = block_test_dir_new("test-block-XXXXXX");
    f->path = g_build_filename(f->dir, "disk.raw", NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;

    block_test_dir_remove(f->dir);
    g_free(f->path);
    g_free(f);
    return 0;
}

static BlockDriverState *create_raw(Fixture *f, int64_t size, int flags)
{
    BlockCreateOptions o = { .size = size };
    GError *err = NULL;
    BlockDriverState *bs;

    assert_int_equal(bdrv_create("raw", f->path, &o, &err), 0);
    bs = bdrv_open(f->path, NULL, flags, &err);
    assert_non_null(bs);
    return bs;
}

static void fill(uint8_t *buf, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        buf[i] = (uint8_t)(i * 31 + seed * 7 + (i >> 9));
    }
}

static void test_raw_create_open(void **state)
{
    Fixture *f = *state;
    BlockDriverState *bs = create_raw(f, 1 << 20, BDRV_O_RDWR);
    BlockImageInfo info;

    assert_string_equal(bdrv_format_name(bs), "raw");
    assert_string_equal(bdrv_filename(bs), f->path);
    assert_int_equal(bdrv_getlength(bs), 1 << 20);
    assert_null(bdrv_backing(bs));
    assert_false(bdrv_is_read_only(bs));
    assert_int_equal(bdrv_request_alignment(bs), 1);
    assert_int_equal(bdrv_get_info(bs, &info), 0);
    assert_string_equal(info.format, "raw");
    assert_int_equal(info.virtual_size, 1 << 20);
    assert_int_equal(info.cluster_size, 0);
    assert_false(info.format_specific);
    assert_null(info.backing_filename);
    bdrv_image_info_clear(&info);
    bdrv_close(bs);
}

static void test_raw_rw(void **state)
{
    Fixture *f = *state;
    BlockDriverState *bs = create_raw(f, 1 << 20, BDRV_O_RDWR);
    uint8_t w[10000], r[10000];

    fill(w, sizeof(w), 1);
    assert_int_equal(bdrv_pwrite(bs, 12345, w, sizeof(w)), 0);
    memset(r, 0xaa, sizeof(r));
    assert_int_equal(bdrv_pread(bs, 12345, r, sizeof(r)), 0);
    assert_memory_equal(r, w, sizeof(w));
    /* untouched bytes read as zeroes */
    assert_int_equal(bdrv_pread(bs, 0, r, 100), 0);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(r[i], 0);
    }
    /* past the end */
    assert_int_equal(bdrv_pread(bs, (1 << 20) - 10, r, 11), -EIO);
    assert_int_equal(bdrv_pwrite(bs, 1 << 20, w, 1), -EIO);
    assert_int_equal(bdrv_pread(bs, -1, r, 1), -EINVAL);
    assert_int_equal(bdrv_flush(bs), 0);
    bdrv_close(bs);
}

static void test_raw_iov(void **state)
{
    Fixture *f = *state;
    BlockDriverState *bs = create_raw(f, 65536, BDRV_O_RDWR);
    uint8_t a[100], b[3000], c[7], all[3107], r[3107];
    struct iovec iov[3] = { { a, 100 }, { b, 3000 }, { c, 7 } };

    fill(a, sizeof(a), 2);
    fill(b, sizeof(b), 3);
    fill(c, sizeof(c), 4);
    memcpy(all, a, 100);
    memcpy(all + 100, b, 3000);
    memcpy(all + 3100, c, 7);
    assert_int_equal(bdrv_pwritev(bs, 999, iov, 3), 0);
    assert_int_equal(bdrv_pread(bs, 999, r, sizeof(r)), 0);
    assert_memory_equal(r, all, sizeof(all));
    memset(a, 0, 100);
    memset(b, 0, 3000);
    memset(c, 0, 7);
    assert_int_equal(bdrv_preadv(bs, 999, iov, 3), 0);
    assert_memory_equal(b, all + 100, 3000);
    assert_memory_equal(c, all + 3100, 7);
    bdrv_close(bs);
}

static void test_raw_readonly(void **state)
{
    Fixture *f = *state;
    BlockDriverState *bs = create_raw(f, 4096, BDRV_O_RDWR);
    GError *err = NULL;
    uint8_t buf[16] = { 1 };

    bdrv_close(bs);
    bs = bdrv_open(f->path, "raw", 0, &err);
    assert_non_null(bs);
    assert_true(bdrv_is_read_only(bs));
    assert_int_equal(bdrv_pwrite(bs, 0, buf, 16), -EPERM);
    assert_int_equal(bdrv_pwrite_zeroes(bs, 0, 16, 0), -EPERM);
    assert_int_equal(bdrv_truncate(bs, 8192, &err), -EPERM);
    g_clear_error(&err);
    bdrv_close(bs);
}

static void test_raw_direct(void **state)
{
    Fixture *f = *state;
    BlockDriverState *bs = create_raw(f, 3 * 4096 + 100, BDRV_O_RDWR);
    uint8_t w[5000], r[5000];
    GError *err = NULL;
    struct stat st;

    bdrv_close(bs);
    bs = bdrv_open(f->path, "raw", BDRV_O_RDWR | BDRV_O_NOCACHE, &err);
    if (!bs) {
        /* tmpfs and some others refuse O_DIRECT */
        printf("note: O_DIRECT unsupported here (%s), skipped\n",
               err->message);
        g_error_free(err);
        return;
    }
    assert_int_equal(bdrv_request_alignment(bs), 4096);
    fill(w, sizeof(w), 5);
    assert_int_equal(bdrv_pwrite(bs, 3, w, sizeof(w)), 0);
    assert_int_equal(bdrv_pwrite(bs, 3 * 4096 + 90, w, 10), 0);
    assert_int_equal(bdrv_pread(bs, 3, r, sizeof(r)), 0);
    assert_memory_equal(r, w, sizeof(w));
    assert_int_equal(bdrv_pread(bs, 3 * 4096 + 90, r, 10), 0);
    assert_memory_equal(r, w, 10);
    /* Whole sectors, as QEMU reports raw images; the file is exact. */
    assert_int_equal(bdrv_getlength(bs), 3 * 4096 + 512);
    bdrv_close(bs);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_size, 3 * 4096 + 100);
}

static void test_raw_zeroes_discard_status(void **state)
{
    Fixture *f = *state;
    BlockDriverState *bs = create_raw(f, 1 << 20, BDRV_O_RDWR);
    uint8_t w[65536], r[65536];
    int64_t pnum, map;
    int depth, ret;

    fill(w, sizeof(w), 6);
    assert_int_equal(bdrv_pwrite(bs, 65536, w, sizeof(w)), 0);
    ret = bdrv_block_status(bs, 0, 1 << 20, &pnum, &map);
    assert_int_equal(ret, BDRV_BLOCK_ZERO | BDRV_BLOCK_ALLOCATED |
                     BDRV_BLOCK_OFFSET_VALID);
    assert_int_equal(pnum, 65536);
    ret = bdrv_block_status(bs, 65536, 1 << 20, &pnum, &map);
    assert_int_equal(ret, BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED |
                     BDRV_BLOCK_OFFSET_VALID);
    assert_int_equal(pnum, 65536);
    assert_int_equal(map, 65536);
    ret = bdrv_block_status_above(bs, 65536, 100, &pnum, &map, &depth);
    assert_int_equal(depth, 0);
    assert_int_equal(pnum, 100);

    assert_int_equal(bdrv_pwrite_zeroes(bs, 65536 + 10, 1000, 0), 0);
    assert_int_equal(bdrv_pread(bs, 65536, r, sizeof(r)), 0);
    memset(w + 10, 0, 1000);
    assert_memory_equal(r, w, sizeof(r));
    assert_int_equal(bdrv_pwrite_zeroes(bs, 65536, 65536,
                                        BDRV_REQ_MAY_UNMAP), 0);
    assert_int_equal(bdrv_pread(bs, 65536, r, sizeof(r)), 0);
    memset(w, 0, sizeof(w));
    assert_memory_equal(r, w, sizeof(r));
    assert_int_equal(bdrv_pdiscard(bs, 0, 4096), 0);
    assert_int_equal(bdrv_pwrite_compressed(bs, 0, w, 65536), -ENOTSUP);
    bdrv_close(bs);
}

static void test_raw_truncate(void **state)
{
    Fixture *f = *state;
    BlockDriverState *bs = create_raw(f, 4096, BDRV_O_RDWR);
    GError *err = NULL;
    uint8_t b = 0x5a, r = 1;

    assert_int_equal(bdrv_truncate(bs, 10000, &err), 0);
    assert_int_equal(bdrv_getlength(bs), 10240);    /* whole sectors */
    assert_int_equal(bdrv_pwrite(bs, 9999, &b, 1), 0);
    assert_int_equal(bdrv_pread(bs, 9999, &r, 1), 0);
    assert_int_equal(r, 0x5a);
    assert_int_equal(bdrv_truncate(bs, 100, &err), 0);
    assert_int_equal(bdrv_getlength(bs), 512);
    assert_int_equal(bdrv_snapshot_create(bs, "x", &err), -ENOTSUP);
    assert_non_null(strstr(err->message, "does not support"));
    g_clear_error(&err);
    bdrv_close(bs);
}

static void test_open_errors(void **state)
{
    Fixture *f = *state;
    GError *err = NULL;
    BlockCreateOptions o = { .size = 4096, .backing_file = "x" };
    char *msg;

    assert_null(bdrv_open("/nonexistent/disk.img", NULL, 0, &err));
    assert_string_equal(err->message,
        "/nonexistent/disk.img: could not open: No such file or directory");
    g_clear_error(&err);
    assert_null(bdrv_open(f->path, "vmdk", 0, &err));
    msg = g_strdup_printf("%s: unknown image format 'vmdk'", f->path);
    assert_string_equal(err->message, msg);
    g_free(msg);
    g_clear_error(&err);
    assert_true(bdrv_create("raw", f->path, &o, &err) < 0);
    g_clear_error(&err);
}

static void test_temporary(void **state)
{
    Fixture *f = *state;
    BlockDriverState *bs = create_raw(f, 4096, BDRV_O_RDWR);
    GError *err = NULL;

    bdrv_close(bs);
    bs = bdrv_open(f->path, "raw", BDRV_O_RDWR | BDRV_O_TEMPORARY, &err);
    assert_non_null(bs);
    assert_int_equal(access(f->path, F_OK), -1);
    assert_int_equal(bdrv_pwrite(bs, 0, "abc", 3), 0);
    bdrv_close(bs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_raw_create_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_rw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_iov, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_readonly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_direct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_zeroes_discard_status,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_truncate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_temporary, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

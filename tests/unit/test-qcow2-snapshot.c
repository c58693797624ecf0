/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qcow2 internal snapshots: create, goto, delete with data checks,
 * refcounts checked after every step, and the snapshot table read by
 * `qemu-img snapshot -l` (ours) and written by `qemu-img snapshot -c`
 * (theirs).  The qemu-img parts are skipped when it is not installed.
 */
#include <errno.h>
#include <stdlib.h>

#include "block-test.h"

#define SIZE    (8 << 20)

typedef struct Fixture {
    char *dir;
    char *img;
} Fixture;

static int setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);

    f->dir = block_test_dir_new("test-qcow2-snap-XXXXXX");
    f->img = g_build_filename(f->dir, "s.qcow2", NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;

    block_test_dir_remove(f->dir);
    g_free(f->img);
    g_free(f);
    return 0;
}

#define expect_data(bs, want) expect_data_at(bs, want, __LINE__)
static void expect_data_at(BlockDriverState *bs, const uint8_t *want,
                           int line)
{
    uint8_t *r = g_malloc(SIZE);

    assert_int_equal(bdrv_pread(bs, 0, r, SIZE), 0);
    if (memcmp(r, want, SIZE)) {
        for (int i = 0; i < SIZE; i++) {
            if (r[i] != want[i]) {
                fail_msg("line %d: data differs at %d: %#x, want %#x", line,
                         i, r[i], want[i]);
            }
        }
    }
    g_free(r);
}

/* Random writes (plain, zero, compressed) applied to bs and mirror. */
static void scribble(BlockDriverState *bs, uint8_t *mirror, unsigned seed)
{
    GRand *rnd = g_rand_new_with_seed(seed);
    uint8_t *buf = g_malloc(200000);

    for (int i = 0; i < 200; i++) {
        int64_t len = g_rand_int_range(rnd, 1, 200000);
        int64_t off = g_rand_int_range(rnd, 0, SIZE - len);
        int kind = g_rand_int_range(rnd, 0, 10);

        if (kind == 0) {
            assert_int_equal(bdrv_pwrite_zeroes(bs, off, len, 0), 0);
            memset(mirror + off, 0, len);
        } else if (kind == 1) {
            off &= ~65535LL;
            memset(mirror + off, i, 65536);
            assert_int_equal(bdrv_pwrite_compressed(bs, off, mirror + off,
                                                    65536), 0);
        } else {
            fill_random(buf, len, seed * 1000 + i);
            assert_int_equal(bdrv_pwrite(bs, off, buf, len), 0);
            memcpy(mirror + off, buf, len);
        }
    }
    g_free(buf);
    g_rand_free(rnd);
}

static void run_snapshot_cycle(Fixture *f, int compat)
{
    BlockCreateOptions o = { .size = SIZE, .compat = compat };
    uint8_t *a = g_malloc0(SIZE), *b, *c;
    BlockDriverState *bs;
    BlockImageInfo info;
    GError *err = NULL;

    assert_int_equal(bdrv_create("qcow2", f->img, &o, &err), 0);
    bs = bdrv_open(f->img, NULL, BDRV_O_RDWR, &err);
    scribble(bs, a, 1);
    assert_int_equal(bdrv_snapshot_create(bs, "first", &err), 0);
    expect_data(bs, a);
    check_clean(bs);
    b = g_memdup2(a, SIZE);
    scribble(bs, b, 2);
    assert_int_equal(bdrv_snapshot_create(bs, "second", &err), 0);
    c = g_memdup2(b, SIZE);
    scribble(bs, c, 3);
    check_clean(bs);
    expect_data(bs, c);

    assert_int_equal(bdrv_get_info(bs, &info), 0);
    assert_int_equal(info.nb_snapshots, 2);
    assert_string_equal(info.snapshots[0].id, "1");
    assert_string_equal(info.snapshots[0].name, "first");
    assert_string_equal(info.snapshots[1].id, "2");
    assert_string_equal(info.snapshots[1].name, "second");
    assert_int_equal(info.snapshots[1].vm_state_size, 0);
    assert_true(info.snapshots[1].icount == 0);     /* as qemu-img */
    bdrv_image_info_clear(&info);

    assert_int_equal(bdrv_snapshot_goto(bs, "first", &err), 0);
    expect_data(bs, a);
    check_clean(bs);
    assert_int_equal(bdrv_snapshot_goto(bs, "2", &err), 0);
    expect_data(bs, b);
    memcpy(c, b, SIZE);
    scribble(bs, c, 4);             /* the snapshot must not change */
    expect_data(bs, c);
    assert_int_equal(bdrv_snapshot_goto(bs, "second", &err), 0);
    expect_data(bs, b);
    memcpy(c, b, SIZE);
    assert_int_equal(bdrv_snapshot_delete(bs, "first", &err), 0);
    check_clean(bs);
    assert_int_equal(bdrv_snapshot_goto(bs, "first", &err), -ENOENT);
    assert_non_null(strstr(err->message, "no snapshot with id or name "
                           "'first'"));
    g_clear_error(&err);
    bdrv_close(bs);

    bs = bdrv_open(f->img, NULL, BDRV_O_RDWR, &err);
    assert_int_equal(bdrv_get_info(bs, &info), 0);
    assert_int_equal(info.nb_snapshots, 1);
    assert_string_equal(info.snapshots[0].name, "second");
    bdrv_image_info_clear(&info);
    scribble(bs, c, 5);
    expect_data(bs, c);
    assert_int_equal(bdrv_snapshot_delete(bs, "2", &err), 0);
    check_clean(bs);
    expect_data(bs, c);
    bdrv_close(bs);
    qemu_check_clean(f->img);
    g_free(a);
    g_free(b);
    g_free(c);
}

static void test_snapshot_cycle_v3(void **state)
{
    run_snapshot_cycle(*state, 3);
}

static void test_snapshot_cycle_v2(void **state)
{
    run_snapshot_cycle(*state, 2);
}

/* qemu-img lists ours; we read and revert to theirs. */
static void test_snapshot_interop(void **state)
{
    Fixture *f = *state;
    BlockCreateOptions o = { .size = SIZE };
    uint8_t *a = g_malloc0(SIZE), *b;
    BlockDriverState *bs;
    BlockImageInfo info;
    GError *err = NULL;
    char *out = NULL;

    if (!have_qemu_img()) {
        g_free(a);
        return;
    }
    assert_int_equal(bdrv_create("qcow2", f->img, &o, &err), 0);
    bs = bdrv_open(f->img, NULL, BDRV_O_RDWR, &err);
    scribble(bs, a, 10);
    assert_int_equal(bdrv_snapshot_create(bs, "ours", &err), 0);
    bdrv_close(bs);
    assert_int_equal(run_command(&out, "qemu-img snapshot -l %s", f->img), 0);
    assert_non_null(strstr(out, "ours"));
    g_free(out);

    assert_int_equal(run_command(NULL, "qemu-io -c 'write -P 0x33 0 300000' "
                                 "%s", f->img), 0);
    assert_int_equal(run_command(NULL, "qemu-img snapshot -c theirs %s",
                                 f->img), 0);
    assert_int_equal(run_command(NULL, "qemu-io -c 'write -P 0x44 100000 "
                                 "3000000' %s", f->img), 0);
    b = g_memdup2(a, SIZE);
    memset(b, 0x33, 300000);

    bs = bdrv_open(f->img, NULL, BDRV_O_RDWR, &err);
    assert_non_null(bs);
    check_clean(bs);
    assert_int_equal(bdrv_get_info(bs, &info), 0);
    assert_int_equal(info.nb_snapshots, 2);
    assert_string_equal(info.snapshots[1].id, "2");
    assert_string_equal(info.snapshots[1].name, "theirs");
    bdrv_image_info_clear(&info);
    assert_int_equal(bdrv_snapshot_goto(bs, "theirs", &err), 0);
    expect_data(bs, b);
    assert_int_equal(bdrv_snapshot_goto(bs, "ours", &err), 0);
    expect_data(bs, a);
    assert_int_equal(bdrv_snapshot_delete(bs, "theirs", &err), 0);
    check_clean(bs);
    bdrv_close(bs);
    qemu_check_clean(f->img);
    assert_int_equal(run_command(&out, "qemu-img snapshot -l %s", f->img), 0);
    assert_non_null(strstr(out, "ours"));
    assert_null(strstr(out, "theirs"));
    g_free(out);
    /* and qemu-img reverts to ours */
    assert_int_equal(run_command(NULL, "qemu-img snapshot -a ours %s",
                                 f->img), 0);
    bs = bdrv_open(f->img, NULL, 0, &err);
    expect_data(bs, a);
    bdrv_close(bs);
    g_free(a);
    g_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_snapshot_cycle_v3, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_cycle_v2, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_interop, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block backends and drives (block/block-backend.c, block/blockdev.c) on
 * raw images in a temporary directory: requests complete in submission
 * order, only through blk_run_completions, with the event fd readable
 * exactly while completions wait; read-only backends refuse writes with
 * -EPERM; drain; cache-mode flags; -drive spec parsing and its errors;
 * drive lookup by id and by interface/index (or its alias unit);
 * -snapshot leaves the image untouched (when the qcow2 driver is there).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kestrel/block.h"

#define IMG_SIZE    (1 << 20)
#define NREQ        64

static char *tmpdir;

/* A raw image of IMG_SIZE bytes, byte i = pattern(i); its path. */
static char *make_image(const char *name, uint8_t seed)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    uint8_t *buf = g_malloc(IMG_SIZE);

    for (int i = 0; i < IMG_SIZE; i++) {
        buf[i] = (uint8_t)(i * 7 + seed);
    }
    assert_true(g_file_set_contents(path, (char *)buf, IMG_SIZE, NULL));
    g_free(buf);
    return path;
}

static BlockBackend *open_blk(const char *path, bool read_only)
{
    GError *err = NULL;
    BlockDriverState *bs = bdrv_open(path, "raw",
                                     read_only ? 0 : BDRV_O_RDWR, &err);

    if (!bs) {
        fail_msg("%s", err->message);
    }
    return blk_new(bs, read_only);
}

static bool fd_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* Wait (up to 5 s) for the event fd. */
static void wait_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    assert_int_equal(poll(&p, 1, 5000), 1);
}

/* Records the order callbacks ran in. */
typedef struct Log {
    int order[NREQ * 2];
    int ret[NREQ * 2];
    int n;
} Log;

typedef struct Cookie {
    Log *log;
    int id;
} Cookie;

static void log_cb(void *opaque, int ret)
{
    Cookie *c = opaque;

    c->log->order[c->log->n] = c->id;
    c->log->ret[c->log->n] = ret;
    c->log->n++;
}

static int setup_dir(void **state)
{
    tmpdir = g_dir_make_tmp("test-block-backend.XXXXXX", NULL);
    assert_non_null(tmpdir);
    return 0;
}

static int teardown_dir(void **state)
{
    GDir *d = g_dir_open(tmpdir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *p = g_build_filename(tmpdir, name, NULL);
        unlink(p);
    }
    if (d) {
        g_dir_close(d);
    }
    rmdir(tmpdir);
    g_free(tmpdir);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Backends                                                            */

/*
 * NREQ writes of 4 KiB, each over the same sector 0 and its own block,
 * interleaved with reads of sector 0: every read sees exactly the writes
 * before it, and callbacks run in submission order.
 */
static void test_order(void **state)
{
    g_autofree char *path = make_image("order.raw", 0);
    BlockBackend *blk = open_blk(path, false);
    static uint8_t wbuf[NREQ][4096], rbuf[NREQ][512];
    struct iovec wiov[NREQ], riov[NREQ];
    Cookie ck[NREQ * 2];
    Log log = { .n = 0 };
    int done = 0;

    for (int i = 0; i < NREQ; i++) {
        memset(wbuf[i], i + 1, sizeof(wbuf[i]));
        wiov[i] = (struct iovec){ wbuf[i], sizeof(wbuf[i]) };
        riov[i] = (struct iovec){ rbuf[i], sizeof(rbuf[i]) };
        ck[2 * i] = (Cookie){ &log, 2 * i };
        ck[2 * i + 1] = (Cookie){ &log, 2 * i + 1 };
        blk_aio_pwritev(blk, (i % 2) ? 0 : 4096 * (i + 1), &wiov[i], 1,
                        log_cb, &ck[2 * i]);
        blk_aio_preadv(blk, 0, &riov[i], 1, log_cb, &ck[2 * i + 1]);
    }
    while (done < 2 * NREQ) {
        wait_readable(blk_get_event_fd(blk));
        done += blk_run_completions(blk);
    }
    assert_int_equal(done, 2 * NREQ);
    assert_int_equal(log.n, 2 * NREQ);
    for (int i = 0; i < 2 * NREQ; i++) {
        assert_int_equal(log.order[i], i);
        assert_int_equal(log.ret[i], 0);
    }
    /* Read i sees the last odd write at or before i (or the pattern). */
    for (int i = 0; i < NREQ; i++) {
        int last = (i % 2) ? i : i - 1;
        uint8_t want = last >= 0 ? last + 1 : 0;

        assert_int_equal(rbuf[i][0], last >= 0 ? want : 0);
        assert_int_equal(rbuf[i][511], last >= 0 ? want : (uint8_t)(511 * 7));
    }
    assert_false(fd_readable(blk_get_event_fd(blk)));
    blk_unref(blk);
}

/* Callbacks run only from blk_run_completions; the fd says when. */
static void test_completions(void **state)
{
    g_autofree char *path = make_image("compl.raw", 3);
    BlockBackend *blk = open_blk(path, false);
    uint8_t buf[512];
    struct iovec iov = { buf, sizeof(buf) };
    Log log = { .n = 0 };
    Cookie ck = { &log, 7 };

    assert_int_equal(blk_getlength(blk), IMG_SIZE);
    assert_false(fd_readable(blk_get_event_fd(blk)));
    assert_int_equal(blk_run_completions(blk), 0);
    blk_aio_preadv(blk, 512, &iov, 1, log_cb, &ck);
    wait_readable(blk_get_event_fd(blk));
    assert_int_equal(log.n, 0);         /* not until we ask */
    assert_true(fd_readable(blk_get_event_fd(blk)));
    assert_int_equal(blk_run_completions(blk), 1);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.order[0], 7);
    assert_int_equal(log.ret[0], 0);
    assert_int_equal(buf[0], (uint8_t)(512 * 7 + 3));
    assert_int_equal(buf[100], (uint8_t)(612 * 7 + 3));
    assert_false(fd_readable(blk_get_event_fd(blk)));
    assert_int_equal(blk_run_completions(blk), 0);
    blk_unref(blk);
}

/* A read-only backend: reads and flushes work, every write is -EPERM. */
static void test_read_only(void **state)
{
    g_autofree char *path = make_image("ro.raw", 5);
    BlockBackend *blk = open_blk(path, true);
    uint8_t buf[512];
    struct iovec iov = { buf, sizeof(buf) };
    Log log = { .n = 0 };
    Cookie ck[5];
    g_autofree char *data = NULL;
    gsize len;

    assert_true(blk_is_read_only(blk));
    for (int i = 0; i < 5; i++) {
        ck[i] = (Cookie){ &log, i };
    }
    memset(buf, 0xaa, sizeof(buf));
    blk_aio_pwritev(blk, 0, &iov, 1, log_cb, &ck[0]);
    blk_aio_pwrite_zeroes(blk, 0, 512, 0, log_cb, &ck[1]);
    blk_aio_pdiscard(blk, 0, 512, log_cb, &ck[2]);
    blk_aio_flush(blk, log_cb, &ck[3]);
    blk_aio_preadv(blk, 0, &iov, 1, log_cb, &ck[4]);
    blk_drain(blk);
    assert_int_equal(log.n, 5);
    assert_int_equal(log.ret[0], -EPERM);
    assert_int_equal(log.ret[1], -EPERM);
    assert_int_equal(log.ret[2], -EPERM);
    assert_int_equal(log.ret[3], 0);
    assert_int_equal(log.ret[4], 0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(log.order[i], i);
    }
    assert_int_equal(buf[0], 5);
    assert_int_equal(buf[1], 12);
    blk_unref(blk);
    assert_true(g_file_get_contents(path, &data, &len, NULL));
    assert_int_equal(len, IMG_SIZE);
    assert_int_equal((uint8_t)data[0], 5);
}

/* Drain waits for every request and runs every callback. */
static void test_drain(void **state)
{
    g_autofree char *path = make_image("drain.raw", 9);
    BlockBackend *blk = open_blk(path, false);
    static uint8_t buf[NREQ][8192];
    struct iovec iov[NREQ][2];
    Cookie ck[NREQ + 2];
    Log log = { .n = 0 };
    g_autofree char *data = NULL;
    gsize len;

    for (int i = 0; i < NREQ; i++) {
        memset(buf[i], 0x40 + i, sizeof(buf[i]));
        /* Two iovecs per request: the backend passes them down whole. */
        iov[i][0] = (struct iovec){ buf[i], 1000 };
        iov[i][1] = (struct iovec){ buf[i] + 1000, 8192 - 1000 };
        ck[i] = (Cookie){ &log, i };
        blk_aio_pwritev(blk, 8192 * i, iov[i], 2, log_cb, &ck[i]);
    }
    ck[NREQ] = (Cookie){ &log, NREQ };
    blk_aio_pwrite_zeroes(blk, 8192 * 3 + 512, 1024, 0, log_cb, &ck[NREQ]);
    ck[NREQ + 1] = (Cookie){ &log, NREQ + 1 };
    blk_aio_flush(blk, log_cb, &ck[NREQ + 1]);
    blk_drain(blk);
    assert_int_equal(log.n, NREQ + 2);
    for (int i = 0; i < NREQ + 2; i++) {
        assert_int_equal(log.order[i], i);
        assert_int_equal(log.ret[i], 0);
    }
    assert_false(fd_readable(blk_get_event_fd(blk)));
    blk_drain(blk);                     /* nothing left: returns */
    blk_unref(blk);
    assert_true(g_file_get_contents(path, &data, &len, NULL));
    assert_int_equal(len, IMG_SIZE);
    assert_int_equal((uint8_t)data[0], 0x40);
    assert_int_equal((uint8_t)data[8192 * 5 + 4000], 0x45);
    assert_int_equal((uint8_t)data[8192 * 3 + 511], 0x43);
    assert_int_equal((uint8_t)data[8192 * 3 + 512], 0);
    assert_int_equal((uint8_t)data[8192 * 3 + 1535], 0);
    assert_int_equal((uint8_t)data[8192 * 3 + 1536], 0x43);
    assert_int_equal((uint8_t)data[8192 * NREQ], (uint8_t)(8192 * NREQ * 7
                                                           + 9));
}

/* blk_unref with requests queued drains them first. */
static void test_unref_drains(void **state)
{
    g_autofree char *path = make_image("unref.raw", 1);
    BlockBackend *blk = open_blk(path, false);
    uint8_t buf[4096];
    struct iovec iov = { buf, sizeof(buf) };
    Log log = { .n = 0 };
    Cookie ck = { &log, 1 };
    g_autofree char *data = NULL;
    gsize len;

    memset(buf, 0x77, sizeof(buf));
    blk_aio_pwritev(blk, 4096, &iov, 1, log_cb, &ck);
    blk_unref(blk);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.ret[0], 0);
    assert_true(g_file_get_contents(path, &data, &len, NULL));
    assert_int_equal((uint8_t)data[4096], 0x77);
    assert_int_equal((uint8_t)data[8191], 0x77);
}

static void test_cache_flags(void **state)
{
    assert_int_equal(blk_cache_mode_flags(BLOCK_CACHE_WRITEBACK), 0);
    assert_int_equal(blk_cache_mode_flags(BLOCK_CACHE_WRITETHROUGH),
                     BDRV_O_WRITETHROUGH);
    assert_int_equal(blk_cache_mode_flags(BLOCK_CACHE_NONE),
                     BDRV_O_NOCACHE);
    assert_int_equal(blk_cache_mode_flags(BLOCK_CACHE_DIRECTSYNC),
                     BDRV_O_NOCACHE | BDRV_O_WRITETHROUGH);
    assert_int_equal(blk_cache_mode_flags(BLOCK_CACHE_UNSAFE),
                     BDRV_O_UNSAFE);
}

/* ------------------------------------------------------------------ */
/* Drives                                                              */

/* drive_add's error message for spec (which must fail). */
static char *drive_err(const char *spec)
{
    GError *err = NULL;
    char *msg;

    assert_null(drive_add(spec, false, &err));
    assert_non_null(err);
    msg = g_strdup(err->message);
    g_error_free(err);
    return msg;
}

/* Takes want (allocated). */
static void expect_err(const char *spec, char *want)
{
    g_autofree char *msg = drive_err(spec);
    g_autofree char *w = want;

    if (strcmp(msg, want)) {
        fail_msg("'%s': got '%s', want '%s'", spec, msg, want);
    }
}

static void test_drive_errors(void **state)
{
    g_autofree char *path = make_image("errs.raw", 0);
    g_autofree char *s1 = g_strdup_printf("file=%s,bogus=1", path);
    g_autofree char *s2 = g_strdup_printf("file=%s,if=ide", path);
    g_autofree char *s3 = g_strdup_printf("file=%s,media=cdrom", path);
    g_autofree char *s4 = g_strdup_printf("file=%s,cache=sometimes", path);
    g_autofree char *s5 = g_strdup_printf("file=%s,readonly=maybe", path);
    g_autofree char *s6 = g_strdup_printf("file=%s,if=sd", path);
    g_autofree char *s7 = g_strdup_printf("file=%s,discard=always", path);
    g_autofree char *s8 = g_strdup_printf("file=%s,index=-1", path);
    g_autofree char *m = NULL;

    expect_err(s1, g_strdup_printf("-drive %s: invalid parameter 'bogus'",
                                   s1));
    expect_err(s2, g_strdup_printf("-drive %s: if=ide is not supported "
                                   "(use virtio, pflash or none)", s2));
    expect_err(s3, g_strdup_printf("-drive %s: media=cdrom is not "
                                   "supported (no CD-ROM drive on this "
                                   "machine)", s3));
    expect_err(s4, g_strdup_printf("-drive %s: invalid cache='sometimes' "
                                   "(writeback, writethrough, none, "
                                   "directsync or unsafe)", s4));
    expect_err(s5, g_strdup_printf("-drive %s: readonly='maybe': "
                                   "expected on or off", s5));
    expect_err(s6, g_strdup_printf("-drive %s: if=sd is not supported "
                                   "(use virtio, pflash or none)", s6));
    expect_err(s7, g_strdup_printf("-drive %s: invalid discard='always' "
                                   "(ignore or unmap)", s7));
    expect_err(s8, g_strdup_printf("-drive %s: invalid index='-1'", s8));
    expect_err("if=none,id=x", g_strdup("-drive if=none,id=x: needs "
               "file=IMAGE (empty drives are not supported)"));
    /* The image's own error follows the spec. */
    m = drive_err("file=/nonexistent/disk.img,format=raw");
    assert_true(g_str_has_prefix(m, "-drive file=/nonexistent/disk.img,"
                                 "format=raw: "));
    assert_non_null(strstr(m, "/nonexistent/disk.img"));
    assert_null(drive_find("x"));
    assert_null(drive_get_by_type(IF_NONE, 0));
}

static void count_unclaimed(DriveInfo *d, void *opaque)
{
    GString *s = opaque;

    g_string_append_printf(s, "%s ", d->id);
}

static void test_drive_lookup(void **state)
{
    g_autofree char *a = make_image("a.raw", 0);
    g_autofree char *b = make_image("b,c.raw", 0);
    g_autofree char *b_esc = g_strdup_printf("%s/b,,c.raw", tmpdir);
    g_autofree char *s1 = g_strdup_printf("file=%s,format=raw,if=none,"
                                          "id=hd0,readonly=on", a);
    g_autofree char *s2 = g_strdup_printf("file=%s,format=raw,if=virtio,"
                                          "index=1,cache=unsafe", b_esc);
    g_autofree char *s3 = g_strdup_printf("file=%s,format=raw,if=virtio,"
                                          "discard=unmap,aio=native", a);
    g_autofree char *s4 = g_strdup_printf("file=%s,format=raw,if=virtio,"
                                          "index=1", a);
    g_autofree char *s5 = g_strdup_printf("file=%s,format=raw,id=hd0", a);
    GError *err = NULL;
    DriveInfo *d1, *d2, *d3;
    GString *names = g_string_new(NULL);

    d1 = drive_add(s1, false, &err);
    assert_non_null(d1);
    d2 = drive_add(s2, false, &err);
    assert_non_null(d2);
    d3 = drive_add(s3, false, &err);
    assert_non_null(d3);
    assert_string_equal(d1->id, "hd0");
    assert_string_equal(d2->id, "drive1");
    assert_string_equal(d3->id, "drive2");
    assert_int_equal(d1->type, IF_NONE);
    assert_int_equal(d2->type, IF_VIRTIO);
    assert_int_equal(d2->index, 1);
    assert_int_equal(d3->index, -1);
    assert_true(blk_is_read_only(d1->blk));
    assert_false(blk_is_read_only(d2->blk));
    assert_int_equal(blk_getlength(d2->blk), IMG_SIZE);
    assert_ptr_equal(drive_find("hd0"), d1);
    assert_ptr_equal(drive_find("drive2"), d3);
    assert_null(drive_find("drive0"));
    /* index=1 is taken, so the drive without index is unit 0. */
    assert_ptr_equal(drive_get_by_type(IF_VIRTIO, 0), d3);
    assert_ptr_equal(drive_get_by_type(IF_VIRTIO, 1), d2);
    assert_null(drive_get_by_type(IF_VIRTIO, 2));
    assert_null(drive_get_by_type(IF_PFLASH, 0));
    expect_err(s4, g_strdup_printf("-drive %s: index=1 is already in use",
                                   s4));
    expect_err(s5, g_strdup_printf("-drive %s: duplicate id 'hd0'", s5));

    d2->claimed = true;
    drive_foreach(count_unclaimed, names);
    assert_string_equal(names->str, "hd0 drive2 ");
    g_string_free(names, true);
    drive_close_all();
    assert_null(drive_find("hd0"));
    assert_null(drive_get_by_type(IF_VIRTIO, 0));
}

/*
 * unit=N is index=N under QEMU's other name (-drive if=pflash,unit=1):
 * both place the drive, and they share one numbering.
 */
static void test_drive_unit(void **state)
{
    g_autofree char *a = make_image("u.raw", 0);
    g_autofree char *s1 = g_strdup_printf("file=%s,format=raw,if=pflash,"
                                          "unit=1,readonly=on", a);
    g_autofree char *s2 = g_strdup_printf("file=%s,format=raw,if=pflash,"
                                          "readonly=on", a);
    g_autofree char *s3 = g_strdup_printf("file=%s,format=raw,if=pflash,"
                                          "index=1,readonly=on", a);
    g_autofree char *s4 = g_strdup_printf("file=%s,unit=x", a);
    g_autofree char *s5 = g_strdup_printf("file=%s,if=none,unit=0", a);
    GError *err = NULL;
    DriveInfo *d1, *d2;

    d1 = drive_add(s1, false, &err);
    assert_non_null(d1);
    d2 = drive_add(s2, false, &err);
    assert_non_null(d2);
    assert_int_equal(d1->type, IF_PFLASH);
    assert_int_equal(d1->index, 1);
    assert_int_equal(d2->index, -1);
    assert_ptr_equal(drive_get_by_type(IF_PFLASH, 0), d2);
    assert_ptr_equal(drive_get_by_type(IF_PFLASH, 1), d1);
    assert_null(drive_get_by_type(IF_PFLASH, 2));
    expect_err(s3, g_strdup_printf("-drive %s: index=1 is already in use",
                                   s3));
    expect_err(s4, g_strdup_printf("-drive %s: invalid unit='x'", s4));
    expect_err(s5, g_strdup_printf("-drive %s: index= makes no sense "
                                   "with if=none", s5));
    drive_close_all();
}

/* Writes through a drive reach the image; drive_close_all flushes. */
static void test_drive_write(void **state)
{
    g_autofree char *path = make_image("w.raw", 0);
    g_autofree char *spec = g_strdup_printf("file=%s,format=raw", path);
    uint8_t buf[512];
    struct iovec iov = { buf, sizeof(buf) };
    GError *err = NULL;
    g_autofree char *data = NULL;
    gsize len;
    DriveInfo *d = drive_add(spec, false, &err);

    assert_non_null(d);
    assert_int_equal(d->type, IF_DEFAULT);
    assert_string_equal(d->id, "drive0");
    memset(buf, 0x5a, sizeof(buf));
    blk_aio_pwritev(d->blk, 1024, &iov, 1, NULL, NULL);
    drive_close_all();
    assert_true(g_file_get_contents(path, &data, &len, NULL));
    assert_int_equal((uint8_t)data[1023], (uint8_t)(1023 * 7));
    assert_int_equal((uint8_t)data[1024], 0x5a);
    assert_int_equal((uint8_t)data[1535], 0x5a);
}

/* Without format=, probing guesses raw and says so on stderr. */
static void test_drive_probe_warning(void **state)
{
    g_autofree char *path = make_image("probe.raw", 0);
    g_autofree char *spec = g_strdup_printf("file=%s", path);
    g_autofree char *errfile = g_build_filename(tmpdir, "stderr", NULL);
    g_autofree char *out = NULL;
    g_autofree char *want = NULL;
    GError *err = NULL;
    int saved = dup(2);
    int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    DriveInfo *d;

    assert_true(fd >= 0);
    fflush(stderr);
    dup2(fd, 2);
    d = drive_add(spec, false, &err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    assert_non_null(d);
    assert_true(g_file_get_contents(errfile, &out, NULL, NULL));
    want = g_strdup_printf("WARNING: Image format was not specified for "
                           "'%s' and probing guessed raw.\n", path);
    assert_string_equal(out, want);
    drive_close_all();
}

/* -snapshot: the guest's writes land in a temporary overlay. */
static void test_drive_snapshot(void **state)
{
    g_autofree char *path = make_image("snap.raw", 2);
    g_autofree char *spec = g_strdup_printf("file=%s,format=raw", path);
    g_autofree char *probe = g_build_filename(tmpdir, "probe.qcow2", NULL);
    BlockCreateOptions co = { .size = IMG_SIZE };
    uint8_t buf[512], back[512];
    struct iovec iov = { buf, sizeof(buf) }, biov = { back, sizeof(back) };
    GError *err = NULL;
    g_autofree char *data = NULL;
    gsize len;
    DriveInfo *d;

    if (bdrv_create("qcow2", probe, &co, &err) < 0) {
        g_clear_error(&err);
        skip();                 /* no qcow2 driver yet */
    }
    unlink(probe);
    d = drive_add(spec, true, &err);
    assert_non_null(d);
    assert_false(blk_is_read_only(d->blk));
    assert_string_equal(bdrv_format_name(blk_bs(d->blk)), "qcow2");
    memset(buf, 0xee, sizeof(buf));
    blk_aio_pwritev(d->blk, 0, &iov, 1, NULL, NULL);
    blk_aio_preadv(d->blk, 0, &biov, 1, NULL, NULL);
    blk_drain(d->blk);
    assert_int_equal(back[0], 0xee);
    drive_close_all();
    assert_true(g_file_get_contents(path, &data, &len, NULL));
    assert_int_equal(len, IMG_SIZE);
    assert_int_equal((uint8_t)data[0], 2);
    assert_int_equal((uint8_t)data[511], (uint8_t)(511 * 7 + 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_completions),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_drain),
        cmocka_unit_test(test_unref_drains),
        cmocka_unit_test(test_cache_flags),
        cmocka_unit_test(test_drive_errors),
        cmocka_unit_test(test_drive_lookup),
        cmocka_unit_test(test_drive_unit),
        cmocka_unit_test(test_drive_write),
        cmocka_unit_test(test_drive_probe_warning),
        cmocka_unit_test(test_drive_snapshot),
    };

    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-blk (hw/virtio/virtio-blk.c) driven as Linux's virtio_blk
 * driver would: virtio-mmio registers, split rings and buffers in a RAM
 * region, raw images in a temporary directory.  Completions arrive
 * through the main loop (the backend's event fd), so the tests run
 * main_loop_wait with the BQL held, as the emulator does.
 *
 * RAM layout (RAM_BASE + ...): the queue at 0 (descriptors), 0x1000
 * (avail), 0x2000 (used); request headers at HDR_OFF, 16 bytes apart;
 * status bytes at STATUS_OFF; data from BUF_OFF.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kestrel/block.h"
#include "kestrel/log.h"
#include "kestrel/memory.h"
#include "kestrel/sysemu.h"
#include "virtio/virtio-blk.h"
#include "virtio/virtio-mmio.h"
#include "virtio/virtio.h"
#include "../../softmmu/sysemu-internal.h"

#define RAM_BASE        0x40000000ull
#define RAM_SIZE        (1 << 20)
#define HDR_OFF         0x4000
#define STATUS_OFF      0x6000
#define BUF_OFF         0x10000
#define QSIZE           16
#define IMG_SIZE        (256 * 1024)
#define IMG_SECTORS     (IMG_SIZE / 512)

#define F_V1            (1ull << VIRTIO_F_VERSION_1)
#define F_DISCARD       (1ull << VIRTIO_BLK_F_DISCARD)
#define F_WZ            (1ull << VIRTIO_BLK_F_WRITE_ZEROES)

typedef struct Fixture {
    MemoryRegion root, ram;
    AddressSpace as;
    VirtIOMMIO *t;
    MemoryRegion *mr;
    IRQLine line;
    int irq_level;
    char *dir;
    char *path;                 /* the raw image */
    BlockBackend *blk;
    uint16_t avail_idx;
    unsigned next_desc;
    unsigned nreq;              /* requests made (header/status slot) */
} Fixture;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static void irq_handler(void *opaque, int n, int level)
{
    *(int *)opaque = level;
}

static uint8_t *ram(Fixture *f, uint64_t off)
{
    assert_true(off < RAM_SIZE);
    return f->ram.host + off;
}

static uint32_t rd(Fixture *f, uint64_t off)
{
    uint64_t v = 0xdeadbeef;

    assert_int_equal(memory_region_dispatch_read(f->mr, off, &v, 4),
                     MEMTX_OK);
    return v;
}

static void wr(Fixture *f, uint64_t off, uint32_t v)
{
    assert_int_equal(memory_region_dispatch_write(f->mr, off, v, 4),
                     MEMTX_OK);
}

static uint16_t used_idx(Fixture *f)
{
    uint16_t v;

    memcpy(&v, ram(f, 0x2002), 2);
    return v;
}

static void used_elem(Fixture *f, unsigned i, uint32_t *id, uint32_t *len)
{
    memcpy(id, ram(f, 0x2004 + 8 * (i % QSIZE)), 4);
    memcpy(len, ram(f, 0x2004 + 8 * (i % QSIZE) + 4), 4);
}

/* The image's bytes, as a host program sees them. */
static void file_read(Fixture *f, int64_t off, void *buf, size_t len)
{
    int fd = open(f->path, O_RDONLY);

    assert_true(fd >= 0);
    assert_int_equal(pread(fd, buf, len, off), (ssize_t)len);
    close(fd);
}

static uint8_t pattern(int64_t i)
{
    return (uint8_t)(i * 13 + 1);
}

/* Negotiate features, set up queue 0, DRIVER_OK. */
static void start(Fixture *f, uint64_t features)
{
    wr(f, VIRTIO_MMIO_STATUS, 0);
    wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
       VIRTIO_STATUS_DRIVER);
    wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(f, VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
    wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
       VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
    memset(ram(f, 0), 0, 0x3000);
    wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(f, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)RAM_BASE);
    wr(f, VIRTIO_MMIO_QUEUE_DESC_HIGH, RAM_BASE >> 32);
    wr(f, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(RAM_BASE + 0x1000));
    wr(f, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
    wr(f, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(RAM_BASE + 0x2000));
    wr(f, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
    wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
    wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
       VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
       VIRTIO_STATUS_DRIVER_OK);
    f->avail_idx = 0;
    f->next_desc = 0;
    f->nreq = 0;
}

/* Write descriptor i; returns i. */
static unsigned desc(Fixture *f, uint64_t off, uint32_t len, bool write,
                     bool next)
{
    unsigned i = f->next_desc++ % QSIZE;
    uint64_t addr = RAM_BASE + off;
    uint16_t flags = (write ? VRING_DESC_F_WRITE : 0) |
                     (next ? VRING_DESC_F_NEXT : 0);
    uint16_t nxt = (i + 1) % QSIZE;
    uint8_t *p = ram(f, 16 * i);

    memcpy(p, &addr, 8);
    memcpy(p + 8, &len, 4);
    memcpy(p + 12, &flags, 2);
    memcpy(p + 14, &nxt, 2);
    return i;
}

/*
 * Queue a request: header, then data buffers (each {off, len}; written
 * by the device when dev_writes), then the status byte.  Returns the
 * status byte's RAM offset.  Does not notify.
 */
static uint64_t request(Fixture *f, uint32_t type, uint64_t sector,
                        bool dev_writes, int nbuf, const uint64_t *off,
                        const uint32_t *len)
{
    uint64_t hdr = HDR_OFF + 16 * (f->nreq % 64);
    uint64_t st = STATUS_OFF + (f->nreq % 64);
    uint32_t zero = 0;
    unsigned head;
    uint16_t a;

    f->nreq++;
    memcpy(ram(f, hdr), &type, 4);
    memcpy(ram(f, hdr + 4), &zero, 4);
    memcpy(ram(f, hdr + 8), &sector, 8);
    *ram(f, st) = 0xcc;
    head = desc(f, hdr, 16, false, true);
    for (int i = 0; i < nbuf; i++) {
        desc(f, off[i], len[i], dev_writes, true);
    }
    desc(f, st, 1, true, false);
    a = f->avail_idx % QSIZE;
    memcpy(ram(f, 0x1004 + 2 * a), &(uint16_t){ head }, 2);
    f->avail_idx++;
    memcpy(ram(f, 0x1002), &f->avail_idx, 2);
    return st;
}

static void notify(Fixture *f)
{
    wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* Run the main loop until the used index reaches n (5 s at most). */
static void wait_used(Fixture *f, uint16_t n)
{
    for (int i = 0; i < 500 && used_idx(f) != n; i++) {
        main_loop_wait(10 * 1000 * 1000);
    }
    assert_int_equal(used_idx(f), n);
}

/* One request, notified and completed; its status byte. */
static uint8_t do_request(Fixture *f, uint32_t type, uint64_t sector,
                          bool dev_writes, uint64_t off, uint32_t len,
                          uint32_t *used_len)
{
    uint16_t before = used_idx(f);
    uint64_t st = request(f, type, sector, dev_writes, len ? 1 : 0, &off,
                          &len);
    uint32_t id;

    notify(f);
    wait_used(f, before + 1);
    used_elem(f, before, &id, used_len);
    return *ram(f, st);
}

/* A fixture on a fresh raw image; conf NULL: the defaults. */
static Fixture *fixture_new(bool read_only, bool discard_unmap,
                            const VirtIOBlockConf *conf)
{
    Fixture *f = g_new0(Fixture, 1);
    uint8_t *img = g_malloc(IMG_SIZE);
    BlockDriverState *bs;
    GError *err = NULL;

    f->dir = g_dir_make_tmp("test-virtio-blk.XXXXXX", NULL);
    f->path = g_build_filename(f->dir, "disk.raw", NULL);
    for (int i = 0; i < IMG_SIZE; i++) {
        img[i] = pattern(i);
    }
    assert_true(g_file_set_contents(f->path, (char *)img, IMG_SIZE, NULL));
    g_free(img);
    bs = bdrv_open(f->path, "raw", read_only ? 0 : BDRV_O_RDWR, &err);
    assert_non_null(bs);
    f->blk = blk_new(bs, read_only);
    blk_set_discard(f->blk, discard_unmap);

    memory_region_init_container(&f->root, "root", UINT64_MAX);
    assert_true(memory_region_init_ram(&f->ram, "ram", RAM_SIZE, NULL));
    memory_region_add_subregion(&f->root, RAM_BASE, &f->ram, 0);
    address_space_init(&f->as, &f->root, "test");
    irq_init(&f->line, irq_handler, &f->irq_level, 0);
    f->t = virtio_mmio_create(&f->root, 0x0a000000, &f->line, &f->as);
    assert_true(virtio_mmio_plug(f->t, virtio_blk_new(f->blk, conf)));
    f->mr = virtio_mmio_region(f->t);
    return f;
}

static int setup(void **state)
{
    *state = fixture_new(false, true, NULL);
    return 0;
}

static int setup_ro(void **state)
{
    *state = fixture_new(true, false, NULL);
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;

    /* Drained; the device stays plugged (the reset registry holds it). */
    blk_drain(f->blk);
    unlink(f->path);
    rmdir(f->dir);
    g_free(f->path);
    g_free(f->dir);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static uint32_t cfg32(Fixture *f, unsigned off)
{
    return rd(f, VIRTIO_MMIO_CONFIG + off);
}

static void test_registers(void **state)
{
    Fixture *f = *state;

    assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
    wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES),
                     (1u << VIRTIO_BLK_F_SEG_MAX) |
                     (1u << VIRTIO_BLK_F_BLK_SIZE) |
                     (1u << VIRTIO_BLK_F_FLUSH) |
                     (1u << VIRTIO_BLK_F_DISCARD) |
                     (1u << VIRTIO_BLK_F_WRITE_ZEROES) |
                     (1u << VIRTIO_F_INDIRECT_DESC) |
                     (1u << VIRTIO_F_EVENT_IDX));
    wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES), 1);
    wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX), 256);
    wr(f, VIRTIO_MMIO_QUEUE_SEL, 1);
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);

    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_CAPACITY), IMG_SECTORS);
    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_CAPACITY + 4), 0);
    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_SIZE_MAX), 0);
    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_SEG_MAX), 254);
    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_BLK_SIZE), 512);
    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_WRITEBACK), 0x10000);
    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS),
                     0x3fffff);
    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_MAX_DISCARD_SEG), 1);
    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_DISCARD_ALIGNMENT), 1);
    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_MAX_WZ_SECTORS), 0x3fffff);
    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_MAX_WZ_SEG), 1);
    assert_int_equal(cfg32(f, VIRTIO_BLK_CFG_WZ_MAY_UNMAP), 1);
}

static void test_read(void **state)
{
    Fixture *f = *state;
    uint64_t off[2] = { BUF_OFF, BUF_OFF + 0x3000 };
    uint32_t len[2] = { 1024, 512 };
    uint32_t ulen, id;
    uint64_t st;

    start(f, F_V1);
    memset(ram(f, BUF_OFF), 0, 0x4000);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_IN, 3, true, BUF_OFF, 2048,
                                &ulen), VIRTIO_BLK_S_OK);
    assert_int_equal(ulen, 2049);
    for (int i = 0; i < 2048; i++) {
        assert_int_equal(*ram(f, BUF_OFF + i), pattern(3 * 512 + i));
    }
    assert_int_equal(f->irq_level, 1);
    assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_ISR_QUEUE);
    wr(f, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_QUEUE);
    assert_int_equal(f->irq_level, 0);

    /* Scattered into two buffers; the last sector of the disk. */
    st = request(f, VIRTIO_BLK_T_IN, IMG_SECTORS - 3, true, 2, off, len);
    notify(f);
    wait_used(f, 2);
    used_elem(f, 1, &id, &ulen);
    assert_int_equal(id, 3);
    assert_int_equal(ulen, 1537);
    assert_int_equal(*ram(f, st), VIRTIO_BLK_S_OK);
    assert_int_equal(*ram(f, BUF_OFF + 1023), pattern(IMG_SIZE - 1025));
    assert_int_equal(*ram(f, BUF_OFF + 0x3000), pattern(IMG_SIZE - 512));
    assert_int_equal(*ram(f, BUF_OFF + 0x3000 + 511), pattern(IMG_SIZE - 1));
}

static void test_write_flush(void **state)
{
    Fixture *f = *state;
    uint64_t off[2] = { BUF_OFF, BUF_OFF + 0x2000 };
    uint32_t len[2] = { 512, 1024 };
    uint8_t back[2048];
    uint32_t ulen, id;
    uint64_t st1, st2;

    start(f, F_V1);
    memset(ram(f, BUF_OFF), 0xa1, 512);
    memset(ram(f, BUF_OFF + 0x2000), 0xb2, 1024);
    /* Two requests in one notify: a write and a flush behind it. */
    st1 = request(f, VIRTIO_BLK_T_OUT, 10, false, 2, off, len);
    st2 = request(f, VIRTIO_BLK_T_FLUSH, 0, false, 0, NULL, NULL);
    notify(f);
    wait_used(f, 2);
    used_elem(f, 0, &id, &ulen);
    assert_int_equal(id, 0);
    assert_int_equal(ulen, 1);
    used_elem(f, 1, &id, &ulen);
    assert_int_equal(id, 4);
    assert_int_equal(ulen, 1);
    assert_int_equal(*ram(f, st1), VIRTIO_BLK_S_OK);
    assert_int_equal(*ram(f, st2), VIRTIO_BLK_S_OK);
    file_read(f, 10 * 512 - 256, back, sizeof(back));
    assert_int_equal(back[255], pattern(10 * 512 - 1));
    assert_int_equal(back[256], 0xa1);
    assert_int_equal(back[767], 0xa1);
    assert_int_equal(back[768], 0xb2);
    assert_int_equal(back[1791], 0xb2);
    assert_int_equal(back[1792], pattern(13 * 512));
}

static void test_get_id(void **state)
{
    VirtIOBlockConf conf = { .serial = "KESTREL-0123456789abcdef" };
    Fixture *f = fixture_new(false, false, &conf);
    uint32_t ulen;

    start(f, F_V1);
    memset(ram(f, BUF_OFF), 0xff, 64);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_GET_ID, 0, true, BUF_OFF,
                                VIRTIO_BLK_ID_BYTES, &ulen),
                     VIRTIO_BLK_S_OK);
    /* 20 bytes, no terminating NUL when the serial is that long. */
    assert_int_equal(ulen, 21);
    assert_memory_equal(ram(f, BUF_OFF), "KESTREL-0123456789ab", 20);
    teardown((void **)&f);

    conf.serial = "disk-7";
    f = fixture_new(false, false, &conf);
    start(f, F_V1);
    memset(ram(f, BUF_OFF), 0xff, 64);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_GET_ID, 0, true, BUF_OFF,
                                VIRTIO_BLK_ID_BYTES, &ulen),
                     VIRTIO_BLK_S_OK);
    assert_int_equal(ulen, 8);
    assert_memory_equal(ram(f, BUF_OFF), "disk-7\0", 7);
    assert_int_equal(*ram(f, BUF_OFF + 7), 0xff);
    teardown((void **)&f);
}

/* One discard / write-zeroes segment at BUF_OFF. */
static void put_seg(Fixture *f, uint64_t off, uint64_t sector, uint32_t num,
                    uint32_t flags)
{
    memcpy(ram(f, off), &sector, 8);
    memcpy(ram(f, off + 8), &num, 4);
    memcpy(ram(f, off + 12), &flags, 4);
}

static void test_discard_write_zeroes(void **state)
{
    Fixture *f = *state;
    uint8_t back[4096];
    uint32_t ulen;

    start(f, F_V1 | F_DISCARD | F_WZ);
    put_seg(f, BUF_OFF, 20, 4, 0);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_WRITE_ZEROES, 0, false,
                                BUF_OFF, 16, &ulen), VIRTIO_BLK_S_OK);
    assert_int_equal(ulen, 1);
    file_read(f, 19 * 512, back, 6 * 512);
    assert_int_equal(back[511], pattern(20 * 512 - 1));
    for (int i = 512; i < 5 * 512; i++) {
        assert_int_equal(back[i], 0);
    }
    assert_int_equal(back[5 * 512], pattern(24 * 512));

    /* With UNMAP: still zeroes afterwards. */
    put_seg(f, BUF_OFF, 40, 8, VIRTIO_BLK_WZ_F_UNMAP);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_WRITE_ZEROES, 0, false,
                                BUF_OFF, 16, &ulen), VIRTIO_BLK_S_OK);
    file_read(f, 40 * 512, back, 4096);
    for (int i = 0; i < 4096; i++) {
        assert_int_equal(back[i], 0);
    }

    /* Discard: succeeds; the data may read as anything afterwards. */
    put_seg(f, BUF_OFF, 64, 16, 0);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_DISCARD, 0, false, BUF_OFF,
                                16, &ulen), VIRTIO_BLK_S_OK);
    file_read(f, 63 * 512, back, 512);
    assert_int_equal(back[511], pattern(64 * 512 - 1));
    file_read(f, 80 * 512, back, 512);
    assert_int_equal(back[0], pattern(80 * 512));
    /* Discard with UNMAP set, or past the end. */
    put_seg(f, BUF_OFF, 64, 16, VIRTIO_BLK_WZ_F_UNMAP);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_DISCARD, 0, false, BUF_OFF,
                                16, &ulen), VIRTIO_BLK_S_UNSUPP);
    put_seg(f, BUF_OFF, IMG_SECTORS - 1, 2, 0);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_DISCARD, 0, false, BUF_OFF,
                                16, &ulen), VIRTIO_BLK_S_IOERR);
    /* Two segments: QEMU's limit is one. */
    put_seg(f, BUF_OFF, 1, 1, 0);
    put_seg(f, BUF_OFF + 16, 3, 1, 0);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_DISCARD, 0, false, BUF_OFF,
                                32, &ulen), VIRTIO_BLK_S_UNSUPP);
}

/* Not negotiated: DISCARD and WRITE_ZEROES are unsupported requests. */
static void test_not_negotiated(void **state)
{
    Fixture *f = *state;
    uint32_t ulen;

    start(f, F_V1);
    put_seg(f, BUF_OFF, 20, 4, 0);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_WRITE_ZEROES, 0, false,
                                BUF_OFF, 16, &ulen), VIRTIO_BLK_S_UNSUPP);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_DISCARD, 0, false,
                                BUF_OFF, 16, &ulen), VIRTIO_BLK_S_UNSUPP);
}

static void test_read_only(void **state)
{
    Fixture *f = *state;
    uint8_t back[512];
    uint32_t ulen;

    wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_true(rd(f, VIRTIO_MMIO_DEVICE_FEATURES) &
                (1u << VIRTIO_BLK_F_RO));
    start(f, F_V1 | F_DISCARD | F_WZ | (1ull << VIRTIO_BLK_F_RO));
    memset(ram(f, BUF_OFF), 0x99, 512);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_OUT, 0, false, BUF_OFF,
                                512, &ulen), VIRTIO_BLK_S_IOERR);
    assert_int_equal(ulen, 1);
    put_seg(f, BUF_OFF + 4096, 0, 1, 0);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_WRITE_ZEROES, 0, false,
                                BUF_OFF + 4096, 16, &ulen),
                     VIRTIO_BLK_S_IOERR);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_DISCARD, 0, false,
                                BUF_OFF + 4096, 16, &ulen),
                     VIRTIO_BLK_S_IOERR);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_FLUSH, 0, false, 0, 0,
                                &ulen), VIRTIO_BLK_S_OK);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_IN, 0, true, BUF_OFF, 512,
                                &ulen), VIRTIO_BLK_S_OK);
    assert_int_equal(*ram(f, BUF_OFF), pattern(0));
    file_read(f, 0, back, 512);
    assert_int_equal(back[0], pattern(0));
    assert_int_equal(back[511], pattern(511));
}

static void test_bad_requests(void **state)
{
    Fixture *f = *state;
    uint32_t ulen;

    start(f, F_V1);
    /* Unknown type; SCSI commands (2) are not emulated either. */
    assert_int_equal(do_request(f, 99, 0, true, BUF_OFF, 512, &ulen),
                     VIRTIO_BLK_S_UNSUPP);
    assert_int_equal(ulen, 1);
    assert_int_equal(do_request(f, 2, 0, true, BUF_OFF, 512, &ulen),
                     VIRTIO_BLK_S_UNSUPP);
    /* Past the end, straddling the end, not a whole sector. */
    assert_int_equal(do_request(f, VIRTIO_BLK_T_IN, IMG_SECTORS, true,
                                BUF_OFF, 512, &ulen), VIRTIO_BLK_S_IOERR);
    assert_int_equal(ulen, 1);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_OUT, IMG_SECTORS - 1, false,
                                BUF_OFF, 1024, &ulen), VIRTIO_BLK_S_IOERR);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_IN, 0, true, BUF_OFF, 100,
                                &ulen), VIRTIO_BLK_S_IOERR);
    assert_int_equal(do_request(f, VIRTIO_BLK_T_IN, UINT64_MAX / 2, true,
                                BUF_OFF, 512, &ulen), VIRTIO_BLK_S_IOERR);
    /* A zero-length read of the end is fine. */
    assert_int_equal(do_request(f, VIRTIO_BLK_T_IN, IMG_SECTORS, true, 0, 0,
                                &ulen), VIRTIO_BLK_S_OK);
    /* Still running. */
    assert_int_equal(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET,
                     0);
}

/* A chain without a status byte is a driver bug: the device breaks. */
static void test_missing_status(void **state)
{
    Fixture *f = *state;
    uint32_t type = VIRTIO_BLK_T_IN;
    unsigned head;

    start(f, F_V1);
    memcpy(ram(f, HDR_OFF), &type, 4);
    head = desc(f, HDR_OFF, 16, false, false);
    memcpy(ram(f, 0x1004), &(uint16_t){ head }, 2);
    f->avail_idx = 1;
    memcpy(ram(f, 0x1002), &f->avail_idx, 2);
    notify(f);
    assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    assert_int_equal(used_idx(f), 0);
}

/* Reset with writes in flight: they finish first, and reach the disk. */
static void test_reset_drains(void **state)
{
    Fixture *f = *state;
    uint8_t back[512];

    start(f, F_V1);
    /* Five chains of three descriptors fill the 16-entry table. */
    for (int i = 0; i < 5; i++) {
        uint64_t off = BUF_OFF + 512 * i;
        uint32_t len = 512;

        memset(ram(f, off), 0x30 + i, 512);
        request(f, VIRTIO_BLK_T_OUT, 100 + i, false, 1, &off, &len);
    }
    notify(f);
    wr(f, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0);
    for (int i = 0; i < 5; i++) {
        file_read(f, (100 + i) * 512, back, 512);
        assert_int_equal(back[0], 0x30 + i);
        assert_int_equal(back[511], 0x30 + i);
    }
    /* The device works again after the reset. */
    start(f, F_V1);
    memset(ram(f, BUF_OFF), 0, 512);
    {
        uint32_t ulen;

        assert_int_equal(do_request(f, VIRTIO_BLK_T_IN, 103, true, BUF_OFF,
                                    512, &ulen), VIRTIO_BLK_S_OK);
    }
    assert_int_equal(*ram(f, BUF_OFF), 0x33);
}

/* ------------------------------------------------------------------ */
/* -device virtio-blk-device and -drive if=virtio                      */

static void expect_create_err(const char *spec, const char *want)
{
    GPtrArray *devs = g_ptr_array_new();
    GError *err = NULL;

    assert_int_equal(virtio_blk_device_create(spec, devs, &err), -1);
    assert_non_null(err);
    if (strcmp(err->message, want)) {
        fail_msg("'%s': got '%s', want '%s'", spec, err->message, want);
    }
    assert_int_equal(devs->len, 0);
    g_error_free(err);
    g_ptr_array_free(devs, true);
}

static void test_device_create(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("test-virtio-blk.XXXXXX", NULL);
    g_autofree char *img = g_build_filename(dir, "d.raw", NULL);
    g_autofree char *s1 = g_strdup_printf("file=%s,format=raw,if=none,"
                                          "id=hd0", img);
    g_autofree char *s2 = g_strdup_printf("file=%s,format=raw,if=virtio,"
                                          "readonly=on", img);
    g_autofree char *s3 = g_strdup_printf("file=%s,format=raw,"
                                          "readonly=on", img);
    GPtrArray *devs = g_ptr_array_new();
    GError *err = NULL;
    DriveInfo *d0, *d1, *d2;

    assert_true(g_file_set_contents(img, "", 0, NULL));
    assert_int_equal(truncate(img, 65536), 0);
    assert_non_null(d0 = drive_add(s1, false, &err));
    assert_non_null(d1 = drive_add(s2, false, &err));
    assert_non_null(d2 = drive_add(s3, false, &err));

    assert_int_equal(virtio_blk_device_create("virtio-rng-device", devs,
                                              &err), 0);
    expect_create_err("virtio-blk-device", "-device virtio-blk-device: "
                      "needs drive=ID (a -drive with if=none,id=ID)");
    expect_create_err("virtio-blk-device,drive=nope", "-device "
                      "virtio-blk-device: drive 'nope' not found");
    expect_create_err("virtio-blk-device,drive=hd0,speed=9", "-device "
                      "virtio-blk-device: unknown property 'speed'");
    expect_create_err("virtio-blk-device,drive=hd0,queue-size=100",
                      "-device virtio-blk-device: queue-size='100': "
                      "expected a power of two from 4 to 1024");
    expect_create_err("virtio-blk-device,drive=drive1", "-device "
                      "virtio-blk-device: drive 'drive1' is connected "
                      "automatically; give it if=none to use it with "
                      "-device");
    assert_int_equal(virtio_blk_device_create(
        "virtio-blk-device,drive=hd0,id=vd0,serial=abc,discard=off,"
        "write-zeroes=off,queue-size=128", devs, &err), 1);
    assert_int_equal(devs->len, 1);
    assert_true(d0->claimed);
    expect_create_err("virtio-blk-device,drive=hd0", "-device "
                      "virtio-blk-device: drive 'hd0' is already in use "
                      "by another device");
    {
        VirtIODevice *v = g_ptr_array_index(devs, 0);

        assert_int_equal(v->ops->device_id, VIRTIO_ID_BLOCK);
        assert_int_equal(v->host_features & (F_DISCARD | F_WZ), 0);
        assert_int_equal(v->vq[0].num_max, 128);
    }

    /* if=virtio always; no if= only where virtio is the default. */
    virtio_blk_create_default_drives(devs, false);
    assert_int_equal(devs->len, 2);
    assert_true(d1->claimed);
    assert_false(d2->claimed);
    virtio_blk_create_default_drives(devs, true);
    assert_int_equal(devs->len, 3);
    assert_true(d2->claimed);
    {
        VirtIODevice *v = g_ptr_array_index(devs, 2);

        assert_true(v->host_features & (1ull << VIRTIO_BLK_F_RO));
        assert_true(v->host_features & F_DISCARD);
    }
    for (guint i = 0; i < devs->len; i++) {
        virtio_device_free(g_ptr_array_index(devs, i));
    }
    g_ptr_array_free(devs, true);
    drive_close_all();
    unlink(img);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_flush, setup, teardown),
        cmocka_unit_test(test_get_id),
        cmocka_unit_test_setup_teardown(test_discard_write_zeroes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_not_negotiated, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read_only, setup_ro, teardown),
        cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_status, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reset_drains, setup, teardown),
        cmocka_unit_test(test_device_create),
    };

    main_loop_init();
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}

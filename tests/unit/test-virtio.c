/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-mmio, virtio-rng and virtio-console, driven as a guest driver
 * would: registers through memory_region_dispatch_*, split rings laid
 * out in a RAM region, exact register values and used-ring entries.
 *
 * RAM layout (RAM_BASE + ...): each driver queue gets a 16 KiB slot for
 * its descriptor table, avail ring and used ring; data buffers live from
 * BUF_OFF on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "kestrel/log.h"
#include "kestrel/memory.h"
#include "kestrel/sysemu.h"
#include "virtio/virtio-mmio.h"
#include "virtio/virtio.h"
#include "../../softmmu/sysemu-internal.h"

#define RAM_BASE        0x40000000ull
#define RAM_SIZE        (1 << 20)
#define QUEUE_SLOT      0x4000
#define BUF_OFF         0x80000
#define TEST_QSIZE      16
#define RAM2_BASE       (RAM_BASE + RAM_SIZE)   /* adjacent second bank */
#define RAM2_SIZE       0x10000

typedef struct TestIRQ {
    int level;
    int raises;
} TestIRQ;

/* The driver's view of one queue. */
typedef struct DrvQueue {
    MemoryRegion *mr;           /* the transport */
    unsigned index;
    unsigned num;
    uint64_t desc, avail, used; /* guest physical */
    uint16_t avail_idx;
} DrvQueue;

typedef struct Fixture {
    MemoryRegion root, ram, ram2;
    AddressSpace as;
    VirtIOMMIO *rng_t, *con_t, *empty_t;
    IRQLine rng_line, con_line, empty_line;
    TestIRQ rng_irq, con_irq, empty_irq;
    int peer;                   /* our end of the console's socketpair */
    unsigned next_slot;
} Fixture;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static void irq_handler(void *opaque, int n, int level)
{
    TestIRQ *s = opaque;

    if (level && !s->level) {
        s->raises++;
    }
    s->level = level;
}

static uint8_t *ram_ptr(Fixture *f, uint64_t gpa)
{
    assert_true(gpa >= RAM_BASE && gpa < RAM_BASE + RAM_SIZE);
    return f->ram.host + (gpa - RAM_BASE);
}

static uint32_t rd(MemoryRegion *mr, uint64_t off)
{
    uint64_t v = 0xdeadbeef;

    assert_int_equal(memory_region_dispatch_read(mr, off, &v, 4), MEMTX_OK);
    return v;
}

static void wr(MemoryRegion *mr, uint64_t off, uint32_t v)
{
    assert_int_equal(memory_region_dispatch_write(mr, off, v, 4), MEMTX_OK);
}

static void put16(Fixture *f, uint64_t gpa, uint16_t v)
{
    memcpy(ram_ptr(f, gpa), &v, 2);
}

static uint16_t get16(Fixture *f, uint64_t gpa)
{
    uint16_t v;

    memcpy(&v, ram_ptr(f, gpa), 2);
    return v;
}

static uint32_t get32(Fixture *f, uint64_t gpa)
{
    uint32_t v;

    memcpy(&v, ram_ptr(f, gpa), 4);
    return v;
}

static void set_desc(Fixture *f, DrvQueue *q, unsigned i, uint64_t addr,
                     uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *p = ram_ptr(f, q->desc + 16 * i);

    memcpy(p, &addr, 8);
    memcpy(p + 8, &len, 4);
    memcpy(p + 12, &flags, 2);
    memcpy(p + 14, &next, 2);
}

/* Make head available and notify the queue. */
static void kick(Fixture *f, DrvQueue *q, uint16_t head)
{
    put16(f, q->avail + 4 + 2 * (q->avail_idx % q->num), head);
    q->avail_idx++;
    put16(f, q->avail + 2, q->avail_idx);
    wr(q->mr, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

static uint16_t used_idx(Fixture *f, DrvQueue *q)
{
    return get16(f, q->used + 2);
}

static void used_elem(Fixture *f, DrvQueue *q, unsigned i, uint32_t *id,
                      uint32_t *len)
{
    *id = get32(f, q->used + 4 + 8 * (i % q->num));
    *len = get32(f, q->used + 4 + 8 * (i % q->num) + 4);
}

/* Status/feature handshake; true if the device kept FEATURES_OK. */
static bool negotiate(MemoryRegion *mr, uint64_t features)
{
    wr(mr, VIRTIO_MMIO_STATUS, 0);
    wr(mr, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(mr, VIRTIO_MMIO_STATUS,
       VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(mr, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(mr, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wr(mr, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(mr, VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
    wr(mr, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
       VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    return rd(mr, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK;
}

static void setup_queue(Fixture *f, MemoryRegion *mr, DrvQueue *q,
                        unsigned index)
{
    uint64_t base = RAM_BASE + QUEUE_SLOT * f->next_slot++;

    memset(ram_ptr(f, base), 0, QUEUE_SLOT);
    q->mr = mr;
    q->index = index;
    q->num = TEST_QSIZE;
    q->desc = base;
    q->avail = base + 0x1000;
    q->used = base + 0x2000;
    q->avail_idx = 0;
    wr(mr, VIRTIO_MMIO_QUEUE_SEL, index);
    assert_int_equal(rd(mr, VIRTIO_MMIO_QUEUE_READY), 0);
    assert_true(rd(mr, VIRTIO_MMIO_QUEUE_NUM_MAX) >= TEST_QSIZE);
    wr(mr, VIRTIO_MMIO_QUEUE_NUM, q->num);
    wr(mr, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)q->desc);
    wr(mr, VIRTIO_MMIO_QUEUE_DESC_HIGH, q->desc >> 32);
    wr(mr, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)q->avail);
    wr(mr, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, q->avail >> 32);
    wr(mr, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)q->used);
    wr(mr, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, q->used >> 32);
    wr(mr, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(rd(mr, VIRTIO_MMIO_QUEUE_READY), 1);
}

static void driver_ok(MemoryRegion *mr)
{
    wr(mr, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
       VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
       VIRTIO_STATUS_DRIVER_OK);
}

static MemoryRegion *rng_mr(Fixture *f)
{
    return virtio_mmio_region(f->rng_t);
}

static MemoryRegion *con_mr(Fixture *f)
{
    return virtio_mmio_region(f->con_t);
}

/* A running rng with its request queue set up. */
static void rng_start(Fixture *f, DrvQueue *q, uint64_t features)
{
    assert_true(negotiate(rng_mr(f), features));
    setup_queue(f, rng_mr(f), q, 0);
    driver_ok(rng_mr(f));
}

#define F_V1 (1ull << VIRTIO_F_VERSION_1)

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

static int setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);
    int sv[2];

    memory_region_init_container(&f->root, "root", UINT64_MAX);
    assert_true(memory_region_init_ram(&f->ram, "ram", RAM_SIZE, NULL));
    memory_region_add_subregion(&f->root, RAM_BASE, &f->ram, 0);
    assert_true(memory_region_init_ram(&f->ram2, "ram2", RAM2_SIZE, NULL));
    memory_region_add_subregion(&f->root, RAM2_BASE, &f->ram2, 0);
    address_space_init(&f->as, &f->root, "test");
    irq_init(&f->rng_line, irq_handler, &f->rng_irq, 0);
    irq_init(&f->con_line, irq_handler, &f->con_irq, 0);
    irq_init(&f->empty_line, irq_handler, &f->empty_irq, 0);
    f->rng_t = virtio_mmio_create(&f->root, 0x0a000000, &f->rng_line,
                                  &f->as);
    f->con_t = virtio_mmio_create(&f->root, 0x0a000200, &f->con_line,
                                  &f->as);
    f->empty_t = virtio_mmio_create(&f->root, 0x0a000400, &f->empty_line,
                                    &f->as);
    assert_true(virtio_mmio_plug(f->rng_t, virtio_rng_new()));
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    f->peer = sv[0];
    assert_true(virtio_mmio_plug(f->con_t, virtio_console_new(
                    chardev_new_fds(NULL, sv[1], dup(sv[1])))));
    assert_false(virtio_mmio_plug(f->rng_t, virtio_rng_new()));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;

    close(f->peer);
    /* Transports and devices are not freed: the reset registry holds them. */
    return 0;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void test_registers(void **state)
{
    Fixture *f = *state;
    MemoryRegion *r = rng_mr(f), *c = con_mr(f);
    MemoryRegion *e = virtio_mmio_region(f->empty_t);
    uint64_t v = 1;

    assert_int_equal(rd(r, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    assert_int_equal(rd(r, VIRTIO_MMIO_VERSION_REG), 2);
    assert_int_equal(rd(r, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
    assert_int_equal(rd(r, VIRTIO_MMIO_VENDOR_ID), 0x554d4551);
    assert_int_equal(rd(c, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
    assert_int_equal(rd(e, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    assert_int_equal(rd(e, VIRTIO_MMIO_VERSION_REG), 2);
    assert_int_equal(rd(e, VIRTIO_MMIO_DEVICE_ID), 0);
    assert_int_equal(rd(e, VIRTIO_MMIO_VENDOR_ID), 0x554d4551);

    wr(r, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(rd(r, VIRTIO_MMIO_DEVICE_FEATURES),
                     (1u << VIRTIO_F_INDIRECT_DESC) |
                     (1u << VIRTIO_F_EVENT_IDX));
    wr(r, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(rd(r, VIRTIO_MMIO_DEVICE_FEATURES), 1);
    wr(r, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
    assert_int_equal(rd(r, VIRTIO_MMIO_DEVICE_FEATURES), 0);
    wr(c, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(rd(c, VIRTIO_MMIO_DEVICE_FEATURES),
                     (1u << VIRTIO_F_INDIRECT_DESC) |
                     (1u << VIRTIO_F_EVENT_IDX) | (1u << 2));

    wr(r, VIRTIO_MMIO_QUEUE_SEL, 0);
    assert_int_equal(rd(r, VIRTIO_MMIO_QUEUE_NUM_MAX), 64);
    assert_int_equal(rd(r, VIRTIO_MMIO_QUEUE_READY), 0);
    wr(r, VIRTIO_MMIO_QUEUE_SEL, 1);
    assert_int_equal(rd(r, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
    wr(c, VIRTIO_MMIO_QUEUE_SEL, 1);
    assert_int_equal(rd(c, VIRTIO_MMIO_QUEUE_NUM_MAX), 128);
    wr(c, VIRTIO_MMIO_QUEUE_SEL, 2);
    assert_int_equal(rd(c, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);

    assert_int_equal(rd(r, VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(rd(r, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_int_equal(rd(r, VIRTIO_MMIO_CONFIG_GENERATION), 0);
    assert_int_equal(rd(r, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);

    /* Console config: 12 bytes, byte and word access; beyond reads 0. */
    assert_int_equal(memory_region_dispatch_read(c, 0x100 + 4, &v, 4),
                     MEMTX_OK);
    assert_int_equal(v, 0);
    v = 1;
    memory_region_dispatch_read(c, 0x100 + 12, &v, 1);
    assert_int_equal(v, 0);
    /* Sub-word access to a register is a guest error, reads 0. */
    v = 1;
    memory_region_dispatch_read(r, VIRTIO_MMIO_MAGIC_VALUE, &v, 2);
    assert_int_equal(v, 0);
}

static void test_negotiation(void **state)
{
    Fixture *f = *state;
    MemoryRegion *r = rng_mr(f);

    /* Legacy (no VERSION_1) is refused. */
    assert_false(negotiate(r, 0));
    assert_int_equal(rd(r, VIRTIO_MMIO_STATUS),
                     VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    /* A feature that was not offered is refused. */
    assert_false(negotiate(r, F_V1 | (1ull << 5)));
    assert_true(negotiate(r, F_V1 | (1ull << VIRTIO_F_EVENT_IDX)));
    assert_int_equal(virtio_mmio_device(f->rng_t)->guest_features,
                     F_V1 | (1ull << VIRTIO_F_EVENT_IDX));
    /* Feature writes after FEATURES_OK are ignored. */
    wr(r, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(r, VIRTIO_MMIO_DRIVER_FEATURES, 0);
    assert_int_equal(virtio_mmio_device(f->rng_t)->guest_features,
                     F_V1 | (1ull << VIRTIO_F_EVENT_IDX));
    /* Reset clears everything. */
    wr(r, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(rd(r, VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(virtio_mmio_device(f->rng_t)->guest_features, 0);
}

static void test_rng_request(void **state)
{
    Fixture *f = *state;
    MemoryRegion *r = rng_mr(f);
    uint64_t buf = RAM_BASE + BUF_OFF;
    uint32_t id, len;
    DrvQueue q;
    int i, nonzero = 0;

    rng_start(f, &q, F_V1);
    memset(ram_ptr(f, buf), 0, 64);
    set_desc(f, &q, 3, buf, 64, VRING_DESC_F_WRITE, 0);
    f->rng_irq.raises = 0;
    kick(f, &q, 3);
    assert_int_equal(used_idx(f, &q), 1);
    used_elem(f, &q, 0, &id, &len);
    assert_int_equal(id, 3);
    assert_int_equal(len, 64);
    for (i = 0; i < 64; i++) {
        nonzero += ram_ptr(f, buf)[i] != 0;
    }
    assert_true(nonzero > 32);
    assert_int_equal(rd(r, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_ISR_QUEUE);
    assert_int_equal(f->rng_irq.level, 1);
    assert_int_equal(f->rng_irq.raises, 1);
    wr(r, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_ISR_QUEUE);
    assert_int_equal(rd(r, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_int_equal(f->rng_irq.level, 0);

    /* A spurious kick with nothing new: no interrupt. */
    wr(r, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    assert_int_equal(f->rng_irq.level, 0);

    /* Ring set-up registers are locked while the queue is ready. */
    wr(r, VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(r, VIRTIO_MMIO_QUEUE_NUM, 8);
    assert_int_equal(rd(r, VIRTIO_MMIO_QUEUE_NUM), TEST_QSIZE);

    /* Two chained writable buffers; suppress the interrupt by flag. */
    put16(f, q.avail, VRING_AVAIL_F_NO_INTERRUPT);
    set_desc(f, &q, 0, buf, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 5);
    set_desc(f, &q, 5, buf + 100, 8, VRING_DESC_F_WRITE, 0);
    kick(f, &q, 0);
    assert_int_equal(used_idx(f, &q), 2);
    used_elem(f, &q, 1, &id, &len);
    assert_int_equal(id, 0);
    assert_int_equal(len, 24);
    assert_int_equal(f->rng_irq.level, 0);

    /* A buffer straddling two RAM regions is split, not refused. */
    memset(ram_ptr(f, RAM2_BASE - 8), 0, 8);
    memset(f->ram2.host, 0, 8);
    set_desc(f, &q, 1, RAM2_BASE - 8, 16, VRING_DESC_F_WRITE, 0);
    kick(f, &q, 1);
    assert_int_equal(used_idx(f, &q), 3);
    used_elem(f, &q, 2, &id, &len);
    assert_int_equal(id, 1);
    assert_int_equal(len, 16);
    assert_true(memcmp(f->ram2.host, "\0\0\0\0\0\0\0\0", 8) != 0);
    wr(r, VIRTIO_MMIO_STATUS, 0);
}

static void test_indirect(void **state)
{
    Fixture *f = *state;
    uint64_t table = RAM_BASE + BUF_OFF + 0x1000;
    uint64_t buf = RAM_BASE + BUF_OFF;
    DrvQueue q, tq;
    uint32_t id, len;

    rng_start(f, &q, F_V1 | (1ull << VIRTIO_F_INDIRECT_DESC));
    /* Describe the indirect table with a DrvQueue to reuse set_desc. */
    tq.desc = table;
    set_desc(f, &tq, 0, buf, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    set_desc(f, &tq, 1, buf + 32, 16, VRING_DESC_F_WRITE, 0);
    set_desc(f, &q, 2, table, 32, VRING_DESC_F_INDIRECT, 0);
    kick(f, &q, 2);
    assert_int_equal(used_idx(f, &q), 1);
    used_elem(f, &q, 0, &id, &len);
    assert_int_equal(id, 2);
    assert_int_equal(len, 32);

    /* A nested indirect table breaks the device. */
    set_desc(f, &tq, 0, table, 32, VRING_DESC_F_INDIRECT, 0);
    kick(f, &q, 2);
    assert_int_equal(used_idx(f, &q), 1);
    assert_true(rd(rng_mr(f), VIRTIO_MMIO_STATUS) &
                VIRTIO_STATUS_NEEDS_RESET);
    wr(rng_mr(f), VIRTIO_MMIO_STATUS, 0);

    /* Without the feature, indirect is an error too. */
    rng_start(f, &q, F_V1);
    set_desc(f, &tq, 0, buf, 16, VRING_DESC_F_WRITE, 0);
    set_desc(f, &q, 2, table, 16, VRING_DESC_F_INDIRECT, 0);
    kick(f, &q, 2);
    assert_int_equal(used_idx(f, &q), 0);
    assert_true(rd(rng_mr(f), VIRTIO_MMIO_STATUS) &
                VIRTIO_STATUS_NEEDS_RESET);
    wr(rng_mr(f), VIRTIO_MMIO_STATUS, 0);
}

static void test_event_idx(void **state)
{
    Fixture *f = *state;
    MemoryRegion *r = rng_mr(f);
    uint64_t buf = RAM_BASE + BUF_OFF;
    DrvQueue q;

    rng_start(f, &q, F_V1 | (1ull << VIRTIO_F_EVENT_IDX));
    set_desc(f, &q, 0, buf, 4, VRING_DESC_F_WRITE, 0);
    /* used_event = 5: only the completion moving used past 5 notifies. */
    put16(f, q.avail + 4 + 2 * q.num, 5);
    kick(f, &q, 0);                 /* first one always interrupts */
    assert_int_equal(rd(r, VIRTIO_MMIO_INTERRUPT_STATUS), 1);
    wr(r, VIRTIO_MMIO_INTERRUPT_ACK, 1);
    /* The device asks to be kicked at the next entry: avail_event. */
    assert_int_equal(get16(f, q.used + 4 + 8 * q.num), 1);
    kick(f, &q, 0);                 /* used 1 -> 2: suppressed */
    assert_int_equal(used_idx(f, &q), 2);
    assert_int_equal(rd(r, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    put16(f, q.avail + 4 + 2 * q.num, 2);
    kick(f, &q, 0);                 /* used 2 -> 3 crosses event 2 */
    assert_int_equal(rd(r, VIRTIO_MMIO_INTERRUPT_STATUS), 1);
    wr(r, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(f->rng_irq.level, 0);
}

static void test_descriptor_loop(void **state)
{
    Fixture *f = *state;
    MemoryRegion *r = rng_mr(f);
    uint64_t buf = RAM_BASE + BUF_OFF;
    DrvQueue q;

    rng_start(f, &q, F_V1);
    set_desc(f, &q, 0, buf, 4, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    set_desc(f, &q, 1, buf, 4, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
    kick(f, &q, 0);
    assert_int_equal(used_idx(f, &q), 0);
    assert_int_equal(rd(r, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET,
                     VIRTIO_STATUS_NEEDS_RESET);
    /* Config-change interrupt tells the driver. */
    assert_int_equal(rd(r, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_ISR_CONFIG);
    assert_int_equal(f->rng_irq.level, 1);
    /* Broken: further kicks are ignored, even valid ones. */
    set_desc(f, &q, 2, buf, 4, VRING_DESC_F_WRITE, 0);
    kick(f, &q, 2);
    assert_int_equal(used_idx(f, &q), 0);
    /* A reset recovers it. */
    wr(r, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(rd(r, VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(f->rng_irq.level, 0);
    rng_start(f, &q, F_V1);
    set_desc(f, &q, 2, buf, 4, VRING_DESC_F_WRITE, 0);
    kick(f, &q, 2);
    assert_int_equal(used_idx(f, &q), 1);
    wr(r, VIRTIO_MMIO_STATUS, 0);
}

/* Each of these breaks the device without completing anything. */
static void expect_broken(Fixture *f, DrvQueue *q)
{
    MemoryRegion *r = rng_mr(f);

    assert_int_equal(used_idx(f, q), 0);
    assert_true(rd(r, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    wr(r, VIRTIO_MMIO_STATUS, 0);
}

static void test_bad_descriptors(void **state)
{
    Fixture *f = *state;
    uint64_t buf = RAM_BASE + BUF_OFF;
    DrvQueue q;

    /* Buffer outside RAM. */
    rng_start(f, &q, F_V1);
    set_desc(f, &q, 0, 0x1000, 4, VRING_DESC_F_WRITE, 0);
    kick(f, &q, 0);
    expect_broken(f, &q);
    /* Buffer running off the end of RAM. */
    rng_start(f, &q, F_V1);
    set_desc(f, &q, 0, RAM2_BASE + RAM2_SIZE - 8, 16, VRING_DESC_F_WRITE,
             0);
    kick(f, &q, 0);
    expect_broken(f, &q);
    /* Head index out of range. */
    rng_start(f, &q, F_V1);
    kick(f, &q, TEST_QSIZE + 3);
    expect_broken(f, &q);
    /* next out of range. */
    rng_start(f, &q, F_V1);
    set_desc(f, &q, 0, buf, 4, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 999);
    kick(f, &q, 0);
    expect_broken(f, &q);
    /* Avail index far ahead of what the ring can hold. */
    rng_start(f, &q, F_V1);
    put16(f, q.avail + 2, 100);
    wr(rng_mr(f), VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    expect_broken(f, &q);
    /* Readable after writable. */
    rng_start(f, &q, F_V1);
    set_desc(f, &q, 0, buf, 4, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    set_desc(f, &q, 1, buf, 4, 0, 0);
    kick(f, &q, 0);
    expect_broken(f, &q);
}

static void test_bad_queue_setup(void **state)
{
    Fixture *f = *state;
    MemoryRegion *r = rng_mr(f);

    assert_true(negotiate(r, F_V1));
    wr(r, VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(r, VIRTIO_MMIO_QUEUE_NUM, 12);           /* not a power of two */
    wr(r, VIRTIO_MMIO_QUEUE_DESC_LOW, RAM_BASE);
    wr(r, VIRTIO_MMIO_QUEUE_DRIVER_LOW, RAM_BASE + 0x1000);
    wr(r, VIRTIO_MMIO_QUEUE_DEVICE_LOW, RAM_BASE + 0x2000);
    wr(r, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(rd(r, VIRTIO_MMIO_QUEUE_READY), 0);
    assert_true(rd(r, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
    wr(r, VIRTIO_MMIO_STATUS, 0);

    assert_true(negotiate(r, F_V1));
    wr(r, VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(r, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x100);   /* not RAM */
    wr(r, VIRTIO_MMIO_QUEUE_DRIVER_LOW, RAM_BASE + 0x1000);
    wr(r, VIRTIO_MMIO_QUEUE_DEVICE_LOW, RAM_BASE + 0x2000);
    wr(r, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(rd(r, VIRTIO_MMIO_QUEUE_READY), 0);
    wr(r, VIRTIO_MMIO_STATUS, 0);
    /* Notifying a queue that does not exist is only logged. */
    wr(r, VIRTIO_MMIO_QUEUE_NOTIFY, 7);
    assert_int_equal(rd(r, VIRTIO_MMIO_STATUS), 0);
}

static void test_console_output(void **state)
{
    Fixture *f = *state;
    MemoryRegion *c = con_mr(f);
    uint64_t buf = RAM_BASE + BUF_OFF + 0x2000;
    DrvQueue rx, tx;
    uint32_t id, len;
    char out[32] = "";

    assert_true(negotiate(c, F_V1));
    setup_queue(f, c, &rx, 0);
    setup_queue(f, c, &tx, 1);
    driver_ok(c);
    memcpy(ram_ptr(f, buf), "hello, ", 7);
    memcpy(ram_ptr(f, buf + 64), "hvc0\n", 5);
    set_desc(f, &tx, 0, buf, 7, VRING_DESC_F_NEXT, 1);
    set_desc(f, &tx, 1, buf + 64, 5, 0, 0);
    kick(f, &tx, 0);
    assert_int_equal(used_idx(f, &tx), 1);
    used_elem(f, &tx, 0, &id, &len);
    assert_int_equal(id, 0);
    assert_int_equal(len, 0);
    assert_int_equal(rd(c, VIRTIO_MMIO_INTERRUPT_STATUS), 1);
    assert_int_equal(read(f->peer, out, sizeof(out) - 1), 12);
    assert_string_equal(out, "hello, hvc0\n");
    wr(c, VIRTIO_MMIO_INTERRUPT_ACK, 1);

    /* Emergency write, once the feature is negotiated. */
    assert_true(negotiate(c, F_V1 | (1ull << 2)));
    assert_int_equal(memory_region_dispatch_write(c, 0x108, '!', 4),
                     MEMTX_OK);
    memset(out, 0, sizeof(out));
    assert_int_equal(read(f->peer, out, sizeof(out) - 1), 1);
    assert_string_equal(out, "!");
    wr(c, VIRTIO_MMIO_STATUS, 0);
}

static void test_console_input(void **state)
{
    Fixture *f = *state;
    MemoryRegion *c = con_mr(f);
    uint64_t buf = RAM_BASE + BUF_OFF + 0x3000;
    DrvQueue rx, tx;
    uint32_t id, len;
    int i;

    bql_lock();
    main_loop_init();
    assert_true(negotiate(c, F_V1));
    setup_queue(f, c, &rx, 0);
    setup_queue(f, c, &tx, 1);
    memset(ram_ptr(f, buf), 0, 64);
    set_desc(f, &rx, 4, buf, 8, VRING_DESC_F_WRITE, 0);
    set_desc(f, &rx, 5, buf + 8, 8, VRING_DESC_F_WRITE, 0);
    kick(f, &rx, 4);
    kick(f, &rx, 5);
    assert_int_equal(used_idx(f, &rx), 0);  /* waits for DRIVER_OK */
    driver_ok(c);
    assert_int_equal(write(f->peer, "abcdefghijk", 11), 11);
    for (i = 0; i < 100 && used_idx(f, &rx) < 2; i++) {
        main_loop_wait(10 * 1000 * 1000);
    }
    assert_int_equal(used_idx(f, &rx), 2);
    used_elem(f, &rx, 0, &id, &len);
    assert_int_equal(id, 4);
    assert_int_equal(len, 8);
    used_elem(f, &rx, 1, &id, &len);
    assert_int_equal(id, 5);
    assert_int_equal(len, 3);
    assert_memory_equal(ram_ptr(f, buf), "abcdefghijk", 11);
    assert_int_equal(rd(c, VIRTIO_MMIO_INTERRUPT_STATUS), 1);
    wr(c, VIRTIO_MMIO_STATUS, 0);
    bql_unlock();
}

static void test_device_create(void **state)
{
    GPtrArray *devs = g_ptr_array_new();
    GError *err = NULL;
    Chardev *c;

    (void)state;
    assert_int_equal(virtio_device_create("virtio-blk-device", devs, &err),
                     0);
    assert_int_equal(virtio_device_create("virtio-rng-device", devs, &err),
                     1);
    assert_int_equal(virtio_device_create("virtio-rng-device,foo=1", devs,
                                          &err), -1);
    assert_non_null(strstr(err->message, "foo"));
    g_clear_error(&err);
    assert_int_equal(virtio_device_create("virtconsole,chardev=vc0", devs,
                                          &err), -1);
    assert_non_null(strstr(err->message, "vc0"));
    g_clear_error(&err);
    c = chardev_new("null,id=vc0", &err);
    assert_non_null(c);
    assert_int_equal(virtio_device_create("virtconsole,chardev=vc0", devs,
                                          &err), -1);
    g_clear_error(&err);
    assert_int_equal(virtio_device_create("virtio-serial-device", devs,
                                          &err), 1);
    assert_int_equal(virtio_device_create("virtconsole,chardev=vc0,id=p0",
                                          devs, &err), 1);
    assert_int_equal(virtio_device_create("virtio-console-device,chardev="
                                          "vc0", devs, &err), 1);
    assert_int_equal(devs->len, 3);
    assert_int_equal(((VirtIODevice *)devs->pdata[1])->ops->device_id,
                     VIRTIO_ID_CONSOLE);
    assert_int_equal(((VirtIODevice *)devs->pdata[0])->ops->device_id,
                     VIRTIO_ID_RNG);
    g_ptr_array_free(devs, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negotiation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rng_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indirect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_idx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_descriptor_loop, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_descriptors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_queue_setup, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_console_output, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_console_input, setup,
                                        teardown),
        cmocka_unit_test(test_device_create),
    };

    kestrel_log_mask |= LOG_GUEST_ERROR;
    return cmocka_run_group_tests(tests, NULL, NULL);
}

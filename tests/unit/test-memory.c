/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * softmmu/memory.c: region overlap and priorities, aliases, containers,
 * enabling, access-size splitting and widening against a fake device
 * that records every call, a big-endian device, unaligned rejection,
 * unmapped accesses, ROM, and the `info mtree` text.
 *
 * Each test builds its own tree under a fresh container and address
 * space (the system singletons are only checked for identity).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "kestrel/memory.h"
#include "kestrel/sysemu.h"

/* The BQL lives in softmmu/main-loop.c; tests run single-threaded. */
static bool test_bql;
__attribute__((weak)) void bql_lock(void)
{
    test_bql = true;
}
__attribute__((weak)) void bql_unlock(void)
{
    test_bql = false;
}
__attribute__((weak)) bool bql_locked(void)
{
    return test_bql;
}

/* ------------------------------------------------------------------ */
/* A device that records its accesses                                  */

typedef struct Access {
    bool write;
    uint64_t addr;
    unsigned size;
    uint64_t val;
} Access;

typedef struct FakeDev {
    Access log[64];
    unsigned n;
    uint8_t regs[64];       /* little-endian register file */
    bool big;               /* registers laid out big-endian */
} FakeDev;

static uint64_t fake_read(void *opaque, uint64_t addr, unsigned size)
{
    FakeDev *d = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        unsigned b = d->big ? size - 1 - i : i;

        v |= (uint64_t)d->regs[(addr + b) % 64] << (8 * i);
    }
    d->log[d->n++ % 64] = (Access){ false, addr, size, v };
    return v;
}

static void fake_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size)
{
    FakeDev *d = opaque;

    for (unsigned i = 0; i < size; i++) {
        unsigned b = d->big ? size - 1 - i : i;

        d->regs[(addr + b) % 64] = (uint8_t)(val >> (8 * i));
    }
    d->log[d->n++ % 64] = (Access){ true, addr, size, val };
}

static const MemoryRegionOps ops_w4 = {
    .read = fake_read, .write = fake_write,
    .min_access = 4, .max_access = 4,
};
static const MemoryRegionOps ops_w2 = {
    .read = fake_read, .write = fake_write,
    .min_access = 1, .max_access = 2, .unaligned = true,
};
static const MemoryRegionOps ops_be = {
    .read = fake_read, .write = fake_write,
    .min_access = 4, .max_access = 4, .big_endian = true,
};

static void check_access(const FakeDev *d, unsigned i, bool write,
                         uint64_t addr, unsigned size, uint64_t val)
{
    assert_true(i < d->n);
    assert_int_equal(d->log[i].write, write);
    assert_int_equal(d->log[i].addr, addr);
    assert_int_equal(d->log[i].size, size);
    assert_int_equal(d->log[i].val, val);
}

/* Regions live forever (there is no destroy): keep them reachable. */
static GPtrArray *kept;

static void *keep(void *p)
{
    if (!kept) {
        kept = g_ptr_array_new();
    }
    g_ptr_array_add(kept, p);
    return p;
}

static MemoryRegion *new_ram(const char *name, uint64_t size)
{
    MemoryRegion *mr = keep(g_new0(MemoryRegion, 1));

    assert_true(memory_region_init_ram(mr, name, size, NULL));
    return mr;
}

static AddressSpace *new_as(MemoryRegion **root)
{
    AddressSpace *as = keep(g_new0(AddressSpace, 1));

    *root = keep(g_new0(MemoryRegion, 1));
    memory_region_init_container(*root, "root", UINT64_MAX);
    address_space_init(as, *root, "test");
    return as;
}

static MemoryRegion *at(AddressSpace *as, uint64_t addr, uint64_t *off)
{
    MemSection s;

    if (!address_space_translate(as, addr, &s)) {
        return NULL;
    }
    if (off) {
        *off = s.offset;
    }
    return s.mr;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void test_priority(void **state)
{
    MemoryRegion *root;
    AddressSpace *as = new_as(&root);
    MemoryRegion *a = new_ram("a", 0x10000), *b = new_ram("b", 0x10000);
    MemoryRegion *c = new_ram("c", 0x1000), *d = new_ram("d", 0x20000);
    uint64_t off;
    MemSection s;

    memory_region_add_subregion(root, 0, a, 0);
    memory_region_add_subregion(root, 0x8000, b, 1);   /* beats a */
    memory_region_add_subregion(root, 0x4000, c, 0);   /* ties, later */
    memory_region_add_subregion(root, 0, d, -1);       /* loses to all */

    assert_ptr_equal(at(as, 0x0, &off), a);
    assert_ptr_equal(at(as, 0x4000, &off), c);
    assert_int_equal(off, 0);
    assert_ptr_equal(at(as, 0x4fff, &off), c);
    assert_ptr_equal(at(as, 0x5000, &off), a);
    assert_int_equal(off, 0x5000);
    assert_ptr_equal(at(as, 0x8000, &off), b);
    assert_int_equal(off, 0);
    assert_ptr_equal(at(as, 0x17fff, &off), b);
    assert_int_equal(off, 0xffff);
    assert_ptr_equal(at(as, 0x18000, &off), d);
    assert_int_equal(off, 0x18000);
    assert_null(at(as, 0x20000, NULL));

    /* len stops at the next region. */
    assert_true(address_space_translate(as, 0x3000, &s));
    assert_int_equal(s.len, 0x1000);

    /* Disabling b uncovers a; removing c too. */
    memory_region_set_enabled(b, false);
    assert_ptr_equal(at(as, 0x8000, &off), a);
    assert_ptr_equal(at(as, 0x10000, &off), d);
    memory_region_set_enabled(b, true);
    assert_ptr_equal(at(as, 0x8000, NULL), b);
    memory_region_del_subregion(root, c);
    assert_ptr_equal(at(as, 0x4000, &off), a);
    assert_int_equal(off, 0x4000);
}

static void test_alias_container(void **state)
{
    MemoryRegion *root;
    AddressSpace *as = new_as(&root);
    MemoryRegion *ram = new_ram("ram", 0x10000);
    static MemoryRegion alias, box;
    MemoryRegion *inner = new_ram("inner", 0x2000);
    uint64_t off, v;

    memory_region_add_subregion(root, 0x40000, ram, 0);
    memory_region_init_alias(&alias, "win", ram, 0x1000, 0x2000);
    memory_region_add_subregion(root, 0x100000, &alias, 0);
    assert_ptr_equal(at(as, 0x100010, &off), ram);
    assert_int_equal(off, 0x1010);
    assert_null(at(as, 0x102000, NULL));

    v = 0x1122334455667788ull;
    address_space_st(as, 0x100008, v, 8, NULL);
    assert_memory_equal(ram->host + 0x1008, &v, 8);
    assert_int_equal(address_space_ld(as, 0x41008, 8, NULL), v);

    /* A container clips its children. */
    memory_region_init_container(&box, "box", 0x1000);
    memory_region_add_subregion(&box, 0x800, inner, 0);
    memory_region_add_subregion(root, 0x200000, &box, 0);
    assert_null(at(as, 0x200000, NULL));
    assert_ptr_equal(at(as, 0x200800, &off), inner);
    assert_int_equal(off, 0);
    assert_null(at(as, 0x201000, NULL));
}

static void test_split_widen(void **state)
{
    MemoryRegion *root;
    AddressSpace *as = new_as(&root);
    static MemoryRegion dev4, dev2;
    FakeDev d4 = { 0 }, d2 = { 0 };
    MemTxResult r;
    uint64_t v;

    for (unsigned i = 0; i < 64; i++) {
        d4.regs[i] = (uint8_t)(0x10 + i);
    }
    memory_region_init_io(&dev4, "dev4", 0x40, &ops_w4, &d4);
    memory_region_init_io(&dev2, "dev2", 0x40, &ops_w2, &d2);
    memory_region_add_subregion(root, 0x1000, &dev4, 0);
    memory_region_add_subregion(root, 0x2000, &dev2, 0);

    /* 1-byte read of a 4-byte-only device: read word 0, extract. */
    v = address_space_ld(as, 0x1002, 1, &r);
    assert_int_equal(r, MEMTX_OK);
    assert_int_equal(v, 0x12);
    assert_int_equal(d4.n, 1);
    check_access(&d4, 0, false, 0, 4, 0x13121110);

    /* 8-byte read: two 4-byte reads, combined little-endian. */
    v = address_space_ld(as, 0x1008, 8, &r);
    assert_int_equal(v, 0x1f1e1d1c1b1a1918ull);
    assert_int_equal(d4.n, 3);
    check_access(&d4, 1, false, 8, 4, 0x1b1a1918);
    check_access(&d4, 2, false, 12, 4, 0x1f1e1d1c);

    /* 2-byte write: read-modify-write of the word. */
    address_space_st(as, 0x1012, 0xbeef, 2, &r);
    assert_int_equal(r, MEMTX_OK);
    assert_int_equal(d4.n, 5);
    check_access(&d4, 3, false, 0x10, 4, 0x23222120);
    check_access(&d4, 4, true, 0x10, 4, 0xbeef2120);

    /* Unaligned access to a device that does not take them. */
    v = address_space_ld(as, 0x1002, 4, &r);
    assert_int_equal(r, MEMTX_ERROR);
    assert_int_equal(v, 0);
    assert_int_equal(d4.n, 5);

    /* max_access 2: a 4-byte write is two 2-byte writes. */
    address_space_st(as, 0x2004, 0xaabbccdd, 4, &r);
    assert_int_equal(d2.n, 2);
    check_access(&d2, 0, true, 4, 2, 0xccdd);
    check_access(&d2, 1, true, 6, 2, 0xaabb);
    /* ... and address_space_read splits by alignment. */
    uint8_t buf[3];
    assert_int_equal(address_space_read(as, 0x2005, buf, 3), MEMTX_OK);
    assert_int_equal(buf[0], 0xcc);
    assert_int_equal(buf[1], 0xbb);
    assert_int_equal(buf[2], 0xaa);
    check_access(&d2, 2, false, 5, 1, 0xcc);
    check_access(&d2, 3, false, 6, 2, 0xaabb);

    /* Direct dispatch applies the same rules. */
    assert_int_equal(memory_region_dispatch_read(&dev4, 0, &v, 2),
                     MEMTX_OK);
    assert_int_equal(v, 0x1110);
    assert_int_equal(memory_region_dispatch_read(&dev4, 0x40, &v, 4),
                     MEMTX_DECODE_ERROR);
}

static void test_big_endian(void **state)
{
    MemoryRegion *root;
    AddressSpace *as = new_as(&root);
    static MemoryRegion dev;
    FakeDev d = { .big = true };
    uint8_t b[4];

    memory_region_init_io(&dev, "be", 0x40, &ops_be, &d);
    memory_region_add_subregion(root, 0x3000, &dev, 0);

    /* The device's register 0 holds 0x11223344. */
    address_space_st(as, 0x3000, 0x44332211, 4, NULL);
    check_access(&d, 0, true, 0, 4, 0x11223344);
    assert_int_equal(address_space_ld(as, 0x3000, 4, NULL), 0x44332211);
    /* Byte 0 in memory is the most significant byte. */
    assert_int_equal(address_space_ld(as, 0x3000, 1, NULL), 0x11);
    assert_int_equal(address_space_ld(as, 0x3003, 1, NULL), 0x44);
    address_space_read(as, 0x3000, b, 4);
    assert_int_equal(b[0], 0x11);
    assert_int_equal(b[3], 0x44);
    /* A byte write read-modify-writes, keeping the layout. */
    address_space_st(as, 0x3000, 0xaa, 1, NULL);
    check_access(&d, d.n - 1, true, 0, 4, 0xaa223344);
    assert_int_equal(address_space_ld(as, 0x3000, 4, NULL), 0x443322aa);
    /* 8 bytes: two words, first word first in memory. */
    address_space_st(as, 0x3004, 0x88776655, 4, NULL);
    assert_int_equal(address_space_ld(as, 0x3000, 8, NULL),
                     0x88776655443322aaull);
}

static void test_unmapped_rom(void **state)
{
    MemoryRegion *root;
    AddressSpace *as = new_as(&root);
    static MemoryRegion rom;
    MemoryRegion *ram = new_ram("ram", 0x1000);
    uint8_t buf[16], data[4] = { 1, 2, 3, 4 };
    MemTxResult r;

    memory_region_add_subregion(root, 0x1000, ram, 0);
    memset(ram->host, 0x5a, 0x1000);
    assert_int_equal(address_space_ld(as, 0x9000, 4, &r), 0);
    assert_int_equal(r, MEMTX_DECODE_ERROR);
    address_space_st(as, 0x9000, 1, 4, &r);
    assert_int_equal(r, MEMTX_DECODE_ERROR);

    /* Half mapped, half not: zeros for the hole. */
    memset(buf, 0xff, sizeof(buf));
    assert_int_equal(address_space_read(as, 0x1ff8, buf, 16),
                     MEMTX_DECODE_ERROR);
    assert_int_equal(buf[7], 0x5a);
    assert_int_equal(buf[8], 0);
    assert_int_equal(buf[15], 0);

    /* ROM: guest writes are ignored, write_rom loads it. */
    assert_true(memory_region_init_rom(&rom, "rom", 0x1000, NULL));
    memory_region_add_subregion(root, 0x4000, &rom, 0);
    assert_int_equal(address_space_write(as, 0x4000, data, 4), MEMTX_OK);
    assert_int_equal(address_space_ld(as, 0x4000, 4, NULL), 0);
    assert_int_equal(address_space_write_rom(as, 0x4000, data, 4),
                     MEMTX_OK);
    assert_int_equal(address_space_ld(as, 0x4000, 4, NULL), 0x04030201);

    /* map_ram: RAM yes, ROM only for reading, never across the end. */
    assert_ptr_equal(address_space_map_ram(as, 0x1010, 16, true),
                     ram->host + 0x10);
    assert_null(address_space_map_ram(as, 0x1ff0, 0x20, false));
    assert_null(address_space_map_ram(as, 0x4000, 4, true));
    assert_ptr_equal(address_space_map_ram(as, 0x4000, 4, false), rom.host);
}

static void test_mtree_and_system(void **state)
{
    MemoryRegion *root;
    AddressSpace *as = new_as(&root);
    static MemoryRegion dev, alias;
    MemoryRegion *ram = new_ram("virt.ram", 0x10000);
    FakeDev d = { 0 };
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    memory_region_init_io(&dev, "pl011", 0x1000, &ops_w4, &d);
    memory_region_add_subregion(root, 0x9000000, &dev, 0);
    memory_region_add_subregion(root, 0x40000000, ram, 0);
    memory_region_init_alias(&alias, "low", ram, 0, 0x1000);
    memory_region_add_subregion(root, 0, &alias, 2);
    memory_print_tree(f, as->root);
    fclose(f);
    assert_non_null(strstr(text,
        "  0000000000000000-fffffffffffffffe (prio 0, container): root\n"
        "    0000000000000000-0000000000000fff (prio 2, ram): alias low "
        "@virt.ram 0000000000000000-0000000000000fff\n"
        "    0000000009000000-0000000009000fff (prio 0, i/o): pl011\n"
        "    0000000040000000-000000004000ffff (prio 0, ram): virt.ram\n"));
    free(text);

    assert_non_null(get_system_memory());
    assert_ptr_equal(address_space_memory()->root, get_system_memory());
    assert_ptr_equal(address_space_memory(), address_space_memory());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_priority),
        cmocka_unit_test(test_alias_container),
        cmocka_unit_test(test_split_widen),
        cmocka_unit_test(test_big_endian),
        cmocka_unit_test(test_unmapped_rom),
        cmocka_unit_test(test_mtree_and_system),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

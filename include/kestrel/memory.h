/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest physical memory map (system mode): regions of RAM, ROM and
 * MMIO placed in a tree of containers, and the address spaces CPUs and
 * DMA-capable devices see.  softmmu/memory.c implements it.
 *
 * A device declares what accesses it accepts (min_access..max_access
 * bytes); the memory core splits or rejects the rest, so a device never
 * splits accesses itself.  An access to nothing is logged under
 * -d guest_errors, reads as 0 (or raises a bus error where the caller
 * asks, MEMTX_DECODE_ERROR) and never crashes Kestrel.
 *
 *     MemoryRegion ram, uart;
 *     memory_region_init_ram(&ram, "virt.ram", 512 << 20, &err);
 *     memory_region_add_subregion(sysmem, 0x40000000, &ram, 0);
 *     memory_region_init_io(&uart, "pl011", 0x1000, &pl011_ops, s);
 *     memory_region_add_subregion(sysmem, 0x09000000, &uart, 0);
 */
#ifndef KESTREL_MEMORY_H
#define KESTREL_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,        /* the device reported an error */
    MEMTX_DECODE_ERROR = 2, /* nothing at that address */
} MemTxResult;

typedef struct MemoryRegionOps {
    /* size is 1, 2, 4 or 8, within [min_access, max_access]; addr is the
     * offset in the region.  Values are in host order: the core applies
     * big_endian. */
    uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
    void (*write)(void *opaque, uint64_t addr, uint64_t val, unsigned size);
    unsigned min_access;    /* 0 means 1 */
    unsigned max_access;    /* 0 means 4 */
    bool unaligned;         /* accepts accesses not aligned to their size */
    bool big_endian;        /* registers are big-endian */
} MemoryRegionOps;

typedef enum MemoryRegionKind {
    MR_CONTAINER,
    MR_RAM,
    MR_ROM,                 /* RAM the guest cannot write (writes ignored,
                               logged under -d guest_errors; a ROM device,
                               with ops, gets them in ops->write) */
    MR_IO,
    MR_ALIAS,               /* a window onto another region */
} MemoryRegionKind;

typedef struct MemoryRegion MemoryRegion;
struct MemoryRegion {
    const char *name;
    MemoryRegionKind kind;
    uint64_t size;
    uint8_t *host;          /* RAM/ROM: the backing memory */
    const MemoryRegionOps *ops; /* IO, and ROM devices */
    void *opaque;           /* IO: passed to ops */
    bool rom_device;        /* ROMD when kind is MR_ROM, IO when MR_IO */
    MemoryRegion *alias;    /* ALIAS: target region ... */
    uint64_t alias_offset;  /* ... and the offset in it */

    /* Placement (memory_region_add_subregion). */
    MemoryRegion *parent;
    uint64_t addr;          /* offset in the parent */
    int priority;           /* higher wins where siblings overlap */
    bool enabled;
    GPtrArray *subregions;  /* CONTAINER: children */
};

/* A resolved piece of the map: region, and where addr falls in it. */
typedef struct MemSection {
    MemoryRegion *mr;       /* RAM, ROM or IO (never a container/alias) */
    uint64_t offset;        /* of the looked-up address within mr */
    uint64_t len;           /* bytes from there that stay in mr */
} MemSection;

typedef struct AddressSpace {
    const char *name;
    MemoryRegion *root;
    void *flat;             /* softmmu: flattened view, rebuilt on change */
} AddressSpace;

/* Regions.  RAM init fails (GError) if the host has no memory for it. */
bool memory_region_init_ram(MemoryRegion *mr, const char *name,
                            uint64_t size, GError **errp);
bool memory_region_init_rom(MemoryRegion *mr, const char *name,
                            uint64_t size, GError **errp);
void memory_region_init_io(MemoryRegion *mr, const char *name, uint64_t size,
                           const MemoryRegionOps *ops, void *opaque);
/*
 * A ROM device (flash): contents in host memory that the guest reads and
 * executes at RAM speed while the region is in ROMD mode (the default),
 * its writes going to ops->write; out of ROMD mode it is an IO region,
 * reads going to ops->read too.  The device owns mr->host.
 */
bool memory_region_init_rom_device(MemoryRegion *mr, const char *name,
                                   uint64_t size, const MemoryRegionOps *ops,
                                   void *opaque, GError **errp);
/* Enter (true) or leave ROMD mode; flushes every TLB when it changes. */
void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd);
/* A ROM device changed len bytes at offset of mr->host: drop the
 * translated code made from them. */
void memory_region_rom_device_written(MemoryRegion *mr, uint64_t offset,
                                      uint64_t len);
void memory_region_init_container(MemoryRegion *mr, const char *name,
                                  uint64_t size);
void memory_region_init_alias(MemoryRegion *mr, const char *name,
                              MemoryRegion *target, uint64_t offset,
                              uint64_t size);
void memory_region_add_subregion(MemoryRegion *parent, uint64_t addr,
                                 MemoryRegion *sub, int priority);
void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *sub);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);

/* Address spaces.  The system one is what CPUs see. */
void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);
AddressSpace *address_space_memory(void);   /* the system address space */
MemoryRegion *get_system_memory(void);      /* its root container */

/* Find what is at addr; false if nothing is mapped there. */
bool address_space_translate(AddressSpace *as, uint64_t addr,
                             MemSection *out);
/* Copy to/from guest physical memory (RAM, ROM and devices). */
MemTxResult address_space_read(AddressSpace *as, uint64_t addr, void *buf,
                               size_t len);
MemTxResult address_space_write(AddressSpace *as, uint64_t addr,
                                const void *buf, size_t len);
/* Write ROM too (loading firmware and images at machine creation). */
MemTxResult address_space_write_rom(AddressSpace *as, uint64_t addr,
                                    const void *buf, size_t len);
/* One little-endian load/store of size 1, 2, 4 or 8 (page-table walks). */
uint64_t address_space_ld(AddressSpace *as, uint64_t addr, unsigned size,
                          MemTxResult *res);
void address_space_st(AddressSpace *as, uint64_t addr, uint64_t val,
                      unsigned size, MemTxResult *res);
/* Host pointer to len bytes of RAM at addr, or NULL (DMA fast path). */
void *address_space_map_ram(AddressSpace *as, uint64_t addr, uint64_t len,
                            bool is_write);

/* Dispatch one access to an IO region, applying its declared sizes. */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, uint64_t addr,
                                        uint64_t *val, unsigned size);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, uint64_t addr,
                                         uint64_t val, unsigned size);

/* `info mtree` text. */
void memory_print_tree(FILE *f, MemoryRegion *root);

#endif /* KESTREL_MEMORY_H */

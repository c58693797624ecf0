/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest physical memory map: a tree of regions, flattened per
 * address space into sorted, disjoint ranges that lookups binary-search.
 *
 * Overlap.  Siblings in a container may overlap; the one with the higher
 * priority wins, and among equal priorities the one added last wins (as
 * in QEMU).  Each container keeps its children in exactly that order
 * (winner first), so flattening renders children in list order and each
 * one only fills the holes its predecessors left.  Priorities compare
 * siblings only: a child never escapes its container's bounds.
 *
 * Views.  Every change to any tree bumps mem_gen; an address space
 * rebuilds its view the next time it is used with an older generation.
 * mem_lock (a reader/writer lock) orders tree changes and rebuilds
 * (writers) against lookups (readers), so a vCPU walking page tables
 * never sees a view being freed.  A lookup copies its result out
 * (MemSection) and drops the lock: regions themselves are never freed.
 * After a change, every vCPU's TLB is flushed (tlb_memory_map_changed),
 * since TLB entries cache host addresses and region kinds.
 *
 * Device accesses.  An IO region declares min_access..max_access; a wider
 * access becomes max_access pieces, a narrower one is widened to
 * min_access (reads extract, writes read-modify-write).  Values move
 * through little-endian byte buffers: a big_endian device's value is laid
 * out big-endian in its bytes, so memory_region_dispatch_* and
 * address_space_ld/st always see the little-endian reading of the bytes
 * at the address.  Unaligned accesses to a device without `unaligned`
 * are rejected (logged, MEMTX_ERROR, reads 0).  Any device access made
 * without the BQL takes it for the duration (a page-table walk that
 * lands on MMIO, for instance).
 *
 * ROM devices (flash).  In ROMD mode the region is MR_ROM: reads and
 * instruction fetch go to host memory through the TLB fast path, writes
 * take the slow path to the device's write callback.  The device leaves
 * ROMD mode (the region becomes MR_IO) while it answers commands, and
 * reports content changes so translated code from them is dropped.
 *
 * Not emulated: RAM seen at two physical addresses through an alias is
 * invalidated for translated code only at the address written.
 */
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include "kestrel/log.h"
#include "kestrel/bytes.h"
#include "kestrel/memory.h"
#include "kestrel/sysemu.h"
#include "kestrel/tb.h"
#include "softmmu-internal.h"

typedef __int128 i128;

#define PAGE_BITS 12
#define PAGE_SIZE_ (1ull << PAGE_BITS)

typedef struct FlatRange {
    uint64_t start;
    uint64_t last;          /* inclusive */
    MemoryRegion *mr;       /* RAM, ROM or IO */
    uint64_t offset;        /* in mr, of start */
} FlatRange;

typedef struct FlatView {
    FlatRange *r;
    unsigned n;
    uint64_t gen;           /* mem_gen it was built at */
} FlatView;

static GRWLock mem_lock;
static uint64_t mem_gen = 1;

/* ------------------------------------------------------------------ */
/* Access sizes                                                        */

static bool size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/* ------------------------------------------------------------------ */
/* Regions                                                             */

static void region_init(MemoryRegion *mr, const char *name,
                        MemoryRegionKind kind, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = g_strdup(name);
    mr->kind = kind;
    mr->size = size;
    mr->enabled = true;
}

static bool region_init_ram(MemoryRegion *mr, const char *name,
                            MemoryRegionKind kind, uint64_t size,
                            GError **errp)
{
    void *p;

    region_init(mr, name, kind, size);
    if (size == 0 || size > (1ull << 47)) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: bad RAM size 0x%" PRIx64, name, size);
        return false;
    }
    p = mmap(NULL, size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
                    "%s: cannot allocate 0x%" PRIx64 " bytes of RAM",
                    name, size);
        return false;
    }
    mr->host = p;
    return true;
}

bool memory_region_init_ram(MemoryRegion *mr, const char *name,
                            uint64_t size, GError **errp)
{
    return region_init_ram(mr, name, MR_RAM, size, errp);
}

bool memory_region_init_rom(MemoryRegion *mr, const char *name,
                            uint64_t size, GError **errp)
{
    return region_init_ram(mr, name, MR_ROM, size, errp);
}

static bool access_size_valid(unsigned n)
{
    return n == 0 || size_ok(n);
}

void memory_region_init_io(MemoryRegion *mr, const char *name, uint64_t size,
                           const MemoryRegionOps *ops, void *opaque)
{
    g_assert(ops && access_size_valid(ops->min_access) &&
             access_size_valid(ops->max_access));
    region_init(mr, name, MR_IO, size);
    mr->ops = ops;
    mr->opaque = opaque;
    g_assert((ops->min_access ? ops->min_access : 1) <=
             (ops->max_access ? ops->max_access : 4));
}

bool memory_region_init_rom_device(MemoryRegion *mr, const char *name,
                                   uint64_t size, const MemoryRegionOps *ops,
                                   void *opaque, GError **errp)
{
    g_assert(ops && access_size_valid(ops->min_access) &&
             access_size_valid(ops->max_access));
    if (!region_init_ram(mr, name, MR_ROM, size, errp)) {
        return false;
    }
    mr->ops = ops;
    mr->opaque = opaque;
    mr->rom_device = true;
    return true;
}

void memory_region_init_container(MemoryRegion *mr, const char *name,
                                  uint64_t size)
{
    region_init(mr, name, MR_CONTAINER, size);
    mr->subregions = g_ptr_array_new();
}

void memory_region_init_alias(MemoryRegion *mr, const char *name,
                              MemoryRegion *target, uint64_t offset,
                              uint64_t size)
{
    g_assert(target);
    region_init(mr, name, MR_ALIAS, size);
    mr->alias = target;
    mr->alias_offset = offset;
}

/* Called with mem_lock held for writing. */
static void mem_changed_locked(void)
{
    mem_gen++;
}

static void mem_change_done(void)
{
    g_rw_lock_writer_unlock(&mem_lock);
    tlb_memory_map_changed();
}

void memory_region_add_subregion(MemoryRegion *parent, uint64_t addr,
                                 MemoryRegion *sub, int priority)
{
    guint i;

    g_assert(parent->kind == MR_CONTAINER && !sub->parent);
    g_rw_lock_writer_lock(&mem_lock);
    sub->parent = parent;
    sub->addr = addr;
    sub->priority = priority;
    /* Winner first: before the first sibling it beats or ties. */
    for (i = 0; i < parent->subregions->len; i++) {
        MemoryRegion *o = g_ptr_array_index(parent->subregions, i);

        if (priority >= o->priority) {
            break;
        }
    }
    g_ptr_array_insert(parent->subregions, (gint)i, sub);
    mem_changed_locked();
    mem_change_done();
}

void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *sub)
{
    g_assert(sub->parent == parent);
    g_rw_lock_writer_lock(&mem_lock);
    g_ptr_array_remove(parent->subregions, sub);
    sub->parent = NULL;
    mem_changed_locked();
    mem_change_done();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled == enabled) {
        return;
    }
    g_rw_lock_writer_lock(&mem_lock);
    mr->enabled = enabled;
    mem_changed_locked();
    mem_change_done();
}

/*
 * Flash switches between ROMD (reads from host memory, fast TLB path)
 * and IO (every access to the device) as it leaves and enters read-array
 * mode.  The kind is what lookups and TLB fills test, so changing it and
 * flushing the TLBs is enough; no view needs rebuilding.
 */
void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd)
{
    MemoryRegionKind kind = romd ? MR_ROM : MR_IO;

    g_assert(mr->rom_device);
    if (mr->kind == kind) {
        return;
    }
    g_rw_lock_writer_lock(&mem_lock);
    mr->kind = kind;
    mem_changed_locked();
    mem_change_done();
}

/* ------------------------------------------------------------------ */
/* Flattening                                                          */

/*
 * Add [s, e) -> mr (mr's offset 0 at address base) wherever v has no
 * range yet.  v stays sorted.
 */
static void flat_insert(GArray *v, i128 s, i128 e, MemoryRegion *mr,
                        i128 base)
{
    guint i = 0;
    i128 cur = s;

    while (cur < e) {
        i128 next = e;

        while (i < v->len && (i128)g_array_index(v, FlatRange, i).last < cur) {
            i++;
        }
        if (i < v->len) {
            FlatRange *r = &g_array_index(v, FlatRange, i);

            if ((i128)r->start <= cur) {
                cur = (i128)r->last + 1;
                i++;
                continue;
            }
            next = MIN(e, (i128)r->start);
        }
        FlatRange nr = {
            .start = (uint64_t)cur, .last = (uint64_t)(next - 1),
            .mr = mr, .offset = (uint64_t)(cur - base),
        };
        g_array_insert_val(v, i, nr);
        i++;
        cur = next;
    }
}

/* Render mr, whose offset 0 is at base, clipped to [lo, hi). */
static void render(GArray *v, MemoryRegion *mr, i128 base, i128 lo, i128 hi)
{
    i128 s = MAX(base, lo);
    i128 e = MIN(base + (i128)mr->size, hi);

    if (!mr->enabled || s >= e) {
        return;
    }
    switch (mr->kind) {
    case MR_ALIAS:
        render(v, mr->alias, base - (i128)mr->alias_offset, s, e);
        break;
    case MR_CONTAINER:
        for (guint i = 0; i < mr->subregions->len; i++) {
            MemoryRegion *c = g_ptr_array_index(mr->subregions, i);

            render(v, c, base + (i128)c->addr, s, e);
        }
        break;
    default:
        flat_insert(v, s, e, mr, base);
        break;
    }
}

/* Join neighbours that continue the same region. */
static void flat_merge(GArray *v)
{
    guint out = 0;

    for (guint i = 0; i < v->len; i++) {
        FlatRange *r = &g_array_index(v, FlatRange, i);
        FlatRange *p = out ? &g_array_index(v, FlatRange, out - 1) : NULL;

        if (p && p->mr == r->mr && p->last + 1 == r->start &&
            p->offset + (p->last - p->start + 1) == r->offset) {
            p->last = r->last;
            continue;
        }
        g_array_index(v, FlatRange, out++) = *r;
    }
    g_array_set_size(v, out);
}

static FlatView *flatview_build(MemoryRegion *root)
{
    GArray *v = g_array_new(false, false, sizeof(FlatRange));
    FlatView *fv = g_new0(FlatView, 1);

    if (root) {
        render(v, root, 0, 0, (i128)1 << 64);
    }
    flat_merge(v);
    fv->n = v->len;
    fv->r = (FlatRange *)(void *)g_array_free(v, false);
    fv->gen = mem_gen;
    return fv;
}

static void flatview_free(FlatView *fv)
{
    if (fv) {
        g_free(fv->r);
        g_free(fv);
    }
}

/* The current view of as, with mem_lock held for reading on return. */
static FlatView *as_view_rdlock(AddressSpace *as)
{
    for (;;) {
        FlatView *fv;

        g_rw_lock_reader_lock(&mem_lock);
        fv = as->flat;
        if (fv && fv->gen == mem_gen) {
            return fv;
        }
        g_rw_lock_reader_unlock(&mem_lock);
        g_rw_lock_writer_lock(&mem_lock);
        fv = as->flat;
        if (!fv || fv->gen != mem_gen) {
            as->flat = flatview_build(as->root);
            flatview_free(fv);
        }
        g_rw_lock_writer_unlock(&mem_lock);
    }
}

/*
 * Look addr up.  Mapped: true, *sec filled.  Unmapped: false, sec->mr
 * NULL and sec->len the bytes up to the next mapped range (at least 1).
 */
static bool as_lookup(AddressSpace *as, uint64_t addr, MemSection *sec)
{
    FlatView *fv = as_view_rdlock(as);
    unsigned lo = 0, hi = fv->n;
    bool found = false;

    /* First range starting after addr: lo. */
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (fv->r[mid].start <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo > 0 && addr <= fv->r[lo - 1].last) {
        const FlatRange *r = &fv->r[lo - 1];

        sec->mr = r->mr;
        sec->offset = r->offset + (addr - r->start);
        sec->len = r->last - addr + 1;
        if (sec->len == 0) {
            sec->len = UINT64_MAX;  /* the whole 2^64 space */
        }
        found = true;
    } else {
        sec->mr = NULL;
        sec->offset = 0;
        sec->len = lo < fv->n ? fv->r[lo].start - addr : -addr;
        if (sec->len == 0) {
            sec->len = UINT64_MAX;
        }
    }
    g_rw_lock_reader_unlock(&mem_lock);
    return found;
}

/* ------------------------------------------------------------------ */
/* Address spaces                                                      */

static MemoryRegion system_memory;
static AddressSpace system_as;

static gpointer system_memory_init(gpointer unused)
{
    memory_region_init_container(&system_memory, "system", UINT64_MAX);
    address_space_init(&system_as, &system_memory, "memory");
    return NULL;
}

static void system_memory_once(void)
{
    static GOnce once = G_ONCE_INIT;

    g_once(&once, system_memory_init, NULL);
}

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    as->name = g_strdup(name);
    as->root = root;
    as->flat = NULL;
}

AddressSpace *address_space_memory(void)
{
    system_memory_once();
    return &system_as;
}

MemoryRegion *get_system_memory(void)
{
    system_memory_once();
    return &system_memory;
}

bool address_space_translate(AddressSpace *as, uint64_t addr,
                             MemSection *out)
{
    return as_lookup(as, addr, out);
}

/* ------------------------------------------------------------------ */
/* Device dispatch                                                     */

static unsigned access_min(const MemoryRegionOps *ops)
{
    return ops->min_access ? ops->min_access : 1;
}

static unsigned access_max(const MemoryRegionOps *ops)
{
    return ops->max_access ? ops->max_access : 4;
}

/* One call into the device, of a size it accepts; buf in memory order. */
static void dev_call(MemoryRegion *mr, uint64_t addr, unsigned size,
                     uint8_t *buf, bool write)
{
    const MemoryRegionOps *ops = mr->ops;
    uint64_t v;

    if (write) {
        v = ops->big_endian ? ldn_be(buf, size) : ldn_le(buf, size);
        if (ops->write) {
            ops->write(mr->opaque, addr, v, size);
        } else {
            log_mask(LOG_GUEST_ERROR, "%s: write to read-only device at "
                     "0x%" PRIx64 "\n", mr->name, addr);
        }
        return;
    }
    if (ops->read) {
        v = ops->read(mr->opaque, addr, size);
    } else {
        log_mask(LOG_GUEST_ERROR, "%s: read from write-only device at "
                 "0x%" PRIx64 "\n", mr->name, addr);
        v = 0;
    }
    if (ops->big_endian) {
        stn_be(buf, size, v);
    } else {
        stn_le(buf, size, v);
    }
}

/* Split or widen an access to the sizes the device declared. */
static void dev_access(MemoryRegion *mr, uint64_t addr, unsigned size,
                       uint8_t *buf, bool write)
{
    unsigned min = access_min(mr->ops), max = access_max(mr->ops);
    uint64_t base;
    uint8_t word[8];

    if (size > max) {
        for (unsigned off = 0; off < size; off += max) {
            dev_access(mr, addr + off, max, buf + off, write);
        }
        return;
    }
    if (size >= min) {
        dev_call(mr, addr, size, buf, write);
        return;
    }
    base = addr & ~(uint64_t)(min - 1);
    if (addr + size > base + min) {
        /* Unaligned and straddling two words: byte by byte. */
        for (unsigned i = 0; i < size; i++) {
            dev_access(mr, addr + i, 1, buf + i, write);
        }
        return;
    }
    dev_call(mr, base, min, word, false);
    if (write) {
        memcpy(word + (addr - base), buf, size);
        dev_call(mr, base, min, word, true);
    } else {
        memcpy(buf, word + (addr - base), size);
    }
}

/* Checks common to both directions; false (logged) to reject. */
static MemTxResult dispatch_check(MemoryRegion *mr, uint64_t addr,
                                  unsigned size, bool write)
{
    const char *dir = write ? "write" : "read";

    if (mr->kind != MR_IO && mr->kind != MR_RAM && mr->kind != MR_ROM) {
        log_mask(LOG_GUEST_ERROR, "%s: %s of a region with no contents\n",
                 mr->name, dir);
        return MEMTX_DECODE_ERROR;
    }
    if (!size_ok(size) || addr >= mr->size || size > mr->size - addr) {
        log_mask(LOG_GUEST_ERROR, "%s: %s of %u bytes at 0x%" PRIx64
                 " outside the region\n", mr->name, dir, size, addr);
        return MEMTX_DECODE_ERROR;
    }
    if (mr->kind == MR_IO && !mr->ops->unaligned && (addr & (size - 1))) {
        log_mask(LOG_GUEST_ERROR, "%s: unaligned %s of %u bytes at 0x%"
                 PRIx64 "\n", mr->name, dir, size, addr);
        return MEMTX_ERROR;
    }
    return MEMTX_OK;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, uint64_t addr,
                                        uint64_t *val, unsigned size)
{
    MemTxResult r = dispatch_check(mr, addr, size, false);
    uint8_t buf[8];

    *val = 0;
    if (r != MEMTX_OK) {
        return r;
    }
    if (mr->kind != MR_IO) {
        *val = ldn_le(mr->host + addr, size);
        return MEMTX_OK;
    }
    dev_access(mr, addr, size, buf, false);
    *val = ldn_le(buf, size);
    return MEMTX_OK;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, uint64_t addr,
                                         uint64_t val, unsigned size)
{
    MemTxResult r = dispatch_check(mr, addr, size, true);
    uint8_t buf[8];

    if (r != MEMTX_OK) {
        return r;
    }
    if (mr->kind == MR_ROM && !mr->rom_device) {
        log_mask(LOG_GUEST_ERROR, "%s: write to ROM at 0x%" PRIx64 "\n",
                 mr->name, addr);
        return MEMTX_OK;
    }
    stn_le(buf, size, val);
    if (mr->kind == MR_RAM) {
        memcpy(mr->host + addr, buf, size);
        return MEMTX_OK;
    }
    dev_access(mr, addr, size, buf, true);
    return MEMTX_OK;
}

/* Device access with the BQL held (taken here if the caller has not). */
static MemTxResult io_rw(MemoryRegion *mr, uint64_t off, uint64_t *val,
                         unsigned size, bool write)
{
    bool locked = bql_locked();
    MemTxResult r;

    if (!locked) {
        bql_lock();
    }
    if (write) {
        r = memory_region_dispatch_write(mr, off, *val, size);
    } else {
        r = memory_region_dispatch_read(mr, off, val, size);
    }
    if (!locked) {
        bql_unlock();
    }
    return r;
}

/* ------------------------------------------------------------------ */
/* Reading and writing guest physical memory                           */

/* RAM at [addr, addr + len) was written: drop translated code there. */
static void ram_written(uint64_t addr, uint64_t len)
{
    uint64_t last, first;

    if (len == 0) {
        return;
    }
    last = addr + (len - 1);
    first = addr & ~(PAGE_SIZE_ - 1);
    for (uint64_t i = 0; i <= (last - first) >> PAGE_BITS; i++) {
        uint64_t p = first + (i << PAGE_BITS);

        if (tlb_phys_page_has_code(p)) {
            tb_invalidate_phys_range(MAX(p, addr),
                                     MIN(p + (PAGE_SIZE_ - 1), last) + 1);
        }
    }
}

void memory_region_rom_device_written(MemoryRegion *mr, uint64_t offset,
                                      uint64_t len)
{
    AddressSpace *as = address_space_memory();
    FlatView *fv = as_view_rdlock(as);
    GArray *hit = g_array_new(false, false, sizeof(uint64_t));

    /* Every place mr shows in the system map (copied: ram_written takes
     * other locks). */
    for (unsigned i = 0; i < fv->n; i++) {
        const FlatRange *r = &fv->r[i];
        uint64_t rlen = r->last - r->start + 1;
        uint64_t lo = MAX(offset, r->offset);
        uint64_t hi = MIN(offset + len, r->offset + rlen);

        if (r->mr == mr && lo < hi) {
            uint64_t pair[2] = { r->start + (lo - r->offset), hi - lo };

            g_array_append_vals(hit, pair, 2);
        }
    }
    g_rw_lock_reader_unlock(&mem_lock);
    for (guint i = 0; i + 1 < hit->len; i += 2) {
        ram_written(g_array_index(hit, uint64_t, i),
                    g_array_index(hit, uint64_t, i + 1));
    }
    g_array_free(hit, true);
}

/* Of two results, the one to report (DECODE_ERROR > ERROR > OK). */
static MemTxResult worse(MemTxResult a, MemTxResult b)
{
    return a > b ? a : b;
}

static void log_unassigned(uint64_t addr, uint64_t len, bool write)
{
    log_mask(LOG_GUEST_ERROR, "memory: unassigned %s of %" PRIu64
             " bytes at 0x%" PRIx64 "\n", write ? "write" : "read", len,
             addr);
}

/* Pieces of an IO access: the largest aligned power of two that fits. */
static unsigned io_piece(uint64_t off, uint64_t len)
{
    unsigned p = 8;

    while (p > len || (off & (p - 1))) {
        p >>= 1;
    }
    return p;
}

static MemTxResult section_rw(const MemSection *sec, uint64_t addr,
                              uint8_t *buf, uint64_t len, bool write,
                              bool rom_ok)
{
    MemoryRegion *mr = sec->mr;
    MemTxResult res = MEMTX_OK;
    /* A guest write to a ROM device in ROMD mode is a command for it. */
    bool romd_write = mr->kind == MR_ROM && mr->rom_device && write &&
                      !rom_ok;

    if ((mr->kind == MR_RAM || mr->kind == MR_ROM) && !romd_write) {
        if (!write) {
            memcpy(buf, mr->host + sec->offset, len);
        } else if (mr->kind == MR_RAM || rom_ok) {
            memcpy(mr->host + sec->offset, buf, len);
            ram_written(addr, len);
        } else {
            log_mask(LOG_GUEST_ERROR, "%s: write to ROM at 0x%" PRIx64
                     " ignored\n", mr->name, addr);
        }
        return MEMTX_OK;
    }
    for (uint64_t done = 0; done < len;) {
        unsigned n = io_piece(sec->offset + done, len - done);
        uint64_t v = write ? ldn_le(buf + done, n) : 0;

        res = worse(res, io_rw(mr, sec->offset + done, &v, n, write));
        if (!write) {
            stn_le(buf + done, n, v);
        }
        done += n;
    }
    return res;
}

static MemTxResult as_rw(AddressSpace *as, uint64_t addr, uint8_t *buf,
                         size_t len, bool write, bool rom_ok)
{
    MemTxResult res = MEMTX_OK;

    while (len) {
        MemSection sec;
        bool mapped = as_lookup(as, addr, &sec);
        uint64_t l = MIN((uint64_t)len, sec.len);

        if (!mapped) {
            log_unassigned(addr, l, write);
            if (!write) {
                memset(buf, 0, l);
            }
            res = MEMTX_DECODE_ERROR;
        } else {
            res = worse(res, section_rw(&sec, addr, buf, l, write, rom_ok));
        }
        addr += l;
        buf += l;
        len -= l;
    }
    return res;
}

MemTxResult address_space_read(AddressSpace *as, uint64_t addr, void *buf,
                               size_t len)
{
    return as_rw(as, addr, buf, len, false, false);
}

MemTxResult address_space_write(AddressSpace *as, uint64_t addr,
                                const void *buf, size_t len)
{
    return as_rw(as, addr, (uint8_t *)buf, len, true, false);
}

MemTxResult address_space_write_rom(AddressSpace *as, uint64_t addr,
                                    const void *buf, size_t len)
{
    return as_rw(as, addr, (uint8_t *)buf, len, true, true);
}

uint64_t address_space_ld(AddressSpace *as, uint64_t addr, unsigned size,
                          MemTxResult *res)
{
    MemSection sec;
    MemTxResult r;
    uint8_t buf[8];
    uint64_t v = 0;

    if (!size_ok(size)) {
        r = MEMTX_ERROR;
    } else if (as_lookup(as, addr, &sec) && sec.len >= size) {
        if (sec.mr->kind == MR_IO) {
            r = io_rw(sec.mr, sec.offset, &v, size, false);
        } else {
            v = ldn_le(sec.mr->host + sec.offset, size);
            r = MEMTX_OK;
        }
    } else {
        r = as_rw(as, addr, buf, size, false, false);
        v = ldn_le(buf, size);
    }
    if (res) {
        *res = r;
    }
    return v;
}

void address_space_st(AddressSpace *as, uint64_t addr, uint64_t val,
                      unsigned size, MemTxResult *res)
{
    MemSection sec;
    MemTxResult r;
    uint8_t buf[8];

    if (!size_ok(size)) {
        r = MEMTX_ERROR;
    } else if (as_lookup(as, addr, &sec) && sec.len >= size &&
               sec.mr->kind == MR_IO) {
        r = io_rw(sec.mr, sec.offset, &val, size, true);
    } else {
        stn_le(buf, size, val);
        r = as_rw(as, addr, buf, size, true, false);
    }
    if (res) {
        *res = r;
    }
}

void *address_space_map_ram(AddressSpace *as, uint64_t addr, uint64_t len,
                            bool is_write)
{
    MemSection sec;

    if (!as_lookup(as, addr, &sec) || sec.len < len ||
        !(sec.mr->kind == MR_RAM || (sec.mr->kind == MR_ROM && !is_write))) {
        return NULL;
    }
    if (is_write) {
        /* The caller writes through the pointer: no TB may survive. */
        ram_written(addr, len);
    }
    return sec.mr->host + sec.offset;
}

/* ------------------------------------------------------------------ */
/* info mtree                                                          */

static const char *kind_name(const MemoryRegion *mr)
{
    switch (mr->kind) {
    case MR_RAM:
        return "ram";
    case MR_ROM:
        return mr->rom_device ? "romd" : "rom";
    case MR_IO:
        return "i/o";
    case MR_ALIAS:
        return kind_name(mr->alias);
    default:
        return "container";
    }
}

static gint child_cmp(gconstpointer a, gconstpointer b)
{
    const MemoryRegion *x = *(MemoryRegion *const *)a;
    const MemoryRegion *y = *(MemoryRegion *const *)b;

    if (x->addr != y->addr) {
        return x->addr < y->addr ? -1 : 1;
    }
    return y->priority - x->priority;
}

static void print_mr(FILE *f, const MemoryRegion *mr, uint64_t base,
                     int level)
{
    uint64_t last = base + (mr->size ? mr->size - 1 : 0);
    GPtrArray *kids;

    fprintf(f, "%*s%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): ",
            level * 2, "", base, last, mr->priority, kind_name(mr));
    if (mr->kind == MR_ALIAS) {
        uint64_t a = mr->alias_offset;

        fprintf(f, "alias %s @%s %016" PRIx64 "-%016" PRIx64, mr->name,
                mr->alias->name, a, a + (mr->size ? mr->size - 1 : 0));
    } else {
        fprintf(f, "%s", mr->name);
    }
    fprintf(f, "%s\n", mr->enabled ? "" : " [disabled]");
    if (mr->kind != MR_CONTAINER || !mr->subregions->len) {
        return;
    }
    kids = g_ptr_array_new();
    for (guint i = 0; i < mr->subregions->len; i++) {
        g_ptr_array_add(kids, g_ptr_array_index(mr->subregions, i));
    }
    g_ptr_array_sort(kids, child_cmp);
    for (guint i = 0; i < kids->len; i++) {
        const MemoryRegion *c = g_ptr_array_index(kids, i);

        print_mr(f, c, base + c->addr, level + 1);
    }
    g_ptr_array_free(kids, true);
}

/*
 * The tree under root, QEMU `info mtree` style, indented two spaces per
 * level starting at one level (the caller prints "address-space: NAME").
 */
void memory_print_tree(FILE *f, MemoryRegion *root)
{
    g_rw_lock_reader_lock(&mem_lock);
    print_mr(f, root, 0, 1);
    g_rw_lock_reader_unlock(&mem_lock);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The code buffer: where generated code and the TBs describing it live.
 *
 * Write xor execute.  The buffer is one memfd mapped twice: a read/write
 * view the backends and the TB cache write through, and a read/execute
 * view the host runs.  No page is ever both writable and executable at
 * one address, so a stray write from a buggy helper cannot plant code,
 * and hardened kernels that refuse PROT_WRITE|PROT_EXEC are happy.  The
 * two views differ by a constant, rx_diff = rx - rw; everything stored
 * in a TB (tc_ptr) is an execute-view address, everything written goes
 * through the write view.  Only if memfd_create (or the second mapping)
 * fails do we fall back to one RWX anonymous mapping with rx_diff = 0.
 *
 * Layout:
 *
 *     | prologue | region 0 | region 1 | ... | region 15 |
 *
 * The prologue/epilogue go first (emitted once by tcg_init); the rest is
 * cut into CODE_BUFFER_NB_REGIONS equal regions (1 MiB each at the
 * default 16 MiB).  What goes into a region and when it is reclaimed is
 * the TB cache's business (tcg/tb-maint.c); this file only maps memory
 * and keeps the region bookkeeping.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "code-buffer.h"

/* Regions start on a cache line so TB structs never share one with code. */
#define REGION_ALIGN 64

static bool map_split(CodeBuffer *cb, size_t size)
{
    int fd = memfd_create("kestrel-jit", MFD_CLOEXEC);
    void *rw, *rx;

    if (fd < 0) {
        return false;
    }
    if (ftruncate(fd, size) < 0) {
        close(fd);
        return false;
    }
    rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (rw == MAP_FAILED) {
        close(fd);
        return false;
    }
    rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    /* The mappings keep the memory alive; the descriptor is not needed. */
    close(fd);
    if (rx == MAP_FAILED) {
        munmap(rw, size);
        return false;
    }
    cb->rw = rw;
    cb->rx = rx;
    cb->split = true;
    return true;
}

static bool map_rwx(CodeBuffer *cb, size_t size, GError **errp)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        g_set_error(errp, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot map a %zu MiB code buffer: %s", size >> 20,
                    g_strerror(errno));
        return false;
    }
    cb->rw = cb->rx = p;
    cb->split = false;
    return true;
}

bool code_buffer_map(CodeBuffer *cb, size_t size, bool split,
                     GError **errp)
{
    memset(cb, 0, sizeof(*cb));
    size = (size + 0xfff) & ~(size_t)0xfff;
    if (!(split && map_split(cb, size)) && !map_rwx(cb, size, errp)) {
        return false;
    }
    cb->size = size;
    cb->rx_diff = cb->rx - cb->rw;
    return true;
}

/* Copy [off, off + len) of the buffer into fd at the same offset. */
static bool copy_range(CodeBuffer *cb, int fd, size_t off, size_t len)
{
    while (len) {
        ssize_t n = pwrite(fd, cb->rw + off, len, off);

        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        off += n;
        len -= n;
    }
    return true;
}

int code_buffer_snapshot(CodeBuffer *cb)
{
    int fd;
    bool ok;

    if (!cb->split) {
        return -1;      /* a private anonymous mapping: fork copies it */
    }
    fd = memfd_create("kestrel-jit", MFD_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    /* Only the bytes in use: the prologue and each region's TBs. */
    ok = ftruncate(fd, cb->size) == 0 && copy_range(cb, fd, 0, cb->reserved);
    for (unsigned i = 0; ok && i < cb->nb_regions; i++) {
        CodeRegion *r = &cb->regions[i];

        ok = copy_range(cb, fd, r->start - cb->rw, r->ptr - r->start);
    }
    if (!ok) {
        close(fd);
        return -1;
    }
    return fd;
}

bool code_buffer_adopt(CodeBuffer *cb, int fd)
{
    bool ok;

    if (!cb->split) {
        return true;
    }
    if (fd < 0) {
        return false;
    }
    /* Same addresses, so every pointer into the buffer stays valid. */
    ok = mmap(cb->rw, cb->size, PROT_READ | PROT_WRITE,
              MAP_SHARED | MAP_FIXED, fd, 0) != MAP_FAILED &&
         mmap(cb->rx, cb->size, PROT_READ | PROT_EXEC,
              MAP_SHARED | MAP_FIXED, fd, 0) != MAP_FAILED;
    close(fd);
    return ok;
}

void code_buffer_unmap(CodeBuffer *cb)
{
    if (!cb->rw) {
        return;
    }
    for (unsigned i = 0; i < cb->nb_regions; i++) {
        g_ptr_array_free(cb->regions[i].tbs, true);
    }
    munmap(cb->rw, cb->size);
    if (cb->split) {
        munmap(cb->rx, cb->size);
    }
    memset(cb, 0, sizeof(*cb));
}

void code_buffer_init_regions(CodeBuffer *cb, size_t used)
{
    uint8_t *p;

    cb->reserved = (used + REGION_ALIGN - 1) & ~(size_t)(REGION_ALIGN - 1);
    g_assert(cb->reserved < cb->size / 2);
    cb->nb_regions = CODE_BUFFER_NB_REGIONS;
    cb->region_size = ((cb->size - cb->reserved) / cb->nb_regions)
                      & ~(size_t)(REGION_ALIGN - 1);
    p = cb->rw + cb->reserved;
    for (unsigned i = 0; i < cb->nb_regions; i++) {
        CodeRegion *r = &cb->regions[i];

        r->start = r->ptr = p;
        r->end = p + cb->region_size;
        if (!r->tbs) {
            r->tbs = g_ptr_array_new();
            r->tb_chunks = g_ptr_array_new_with_free_func(g_free);
        }
        g_ptr_array_set_size(r->tbs, 0);
        p = r->end;
    }
    cb->cur = 0;
}

void code_region_reset(CodeRegion *r)
{
    r->ptr = r->start;
    g_ptr_array_set_size(r->tbs, 0);
}

int code_buffer_region_of(const CodeBuffer *cb, uintptr_t rx)
{
    uintptr_t first = (uintptr_t)cb->rx + cb->reserved;
    size_t idx;

    if (!cb->nb_regions || rx < first) {
        return -1;
    }
    idx = (rx - first) / cb->region_size;
    return idx < cb->nb_regions ? (int)idx : -1;
}

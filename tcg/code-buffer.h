/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The code buffer: one memfd mapped twice (write view, execute view), a
 * small reserved start for the prologue, the rest cut into equal regions
 * that the TB cache fills in order and reclaims oldest first.  See
 * tcg/code-buffer.c for the mapping and tcg/tb-maint.c for the policy.
 */
#ifndef KESTREL_TCG_CODE_BUFFER_H
#define KESTREL_TCG_CODE_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define CODE_BUFFER_NB_REGIONS 16
#define CODE_BUFFER_DEFAULT_MIB 16
#define CODE_BUFFER_MAX_MIB 2048    /* rel32 jumps must reach everything */

typedef struct CodeRegion {
    uint8_t *start;     /* first byte (rw view) */
    uint8_t *end;       /* one past the last byte (rw view) */
    uint8_t *ptr;       /* next free byte (rw view) */
    GPtrArray *tbs;     /* TBs whose code is here, in address order */
    /*
     * The TB structs themselves live outside the code buffer, in chunks
     * owned by the region (tbs->pdata[i] is slot i), so the buffer
     * holds only host code and restore data.  Reused after a reset.
     */
    GPtrArray *tb_chunks;
} CodeRegion;

typedef struct CodeBuffer {
    uint8_t *rw;        /* writable view of the whole buffer */
    uint8_t *rx;        /* executable view (== rw if not split) */
    size_t size;
    ptrdiff_t rx_diff;  /* rx - rw */
    bool split;         /* true: two views of a memfd (W^X) */

    size_t reserved;    /* bytes at the start kept for the prologue */
    size_t region_size;
    unsigned nb_regions;
    unsigned cur;       /* region being filled */
    CodeRegion regions[CODE_BUFFER_NB_REGIONS];
} CodeBuffer;

/* Map size bytes.  False with *errp if even the RWX fallback fails. */
/* Map size bytes; split: two views of a memfd (W^X) if the host allows,
 * else (or !split) one RWX mapping. */
bool code_buffer_map(CodeBuffer *cb, size_t size, bool split,
                     GError **errp);
/* Unmap and free everything (cb may be mapped again). */
void code_buffer_unmap(CodeBuffer *cb);
/*
 * Around fork.  A split buffer is a shared memfd, so a child must not
 * keep writing into it.  Before the fork, with the TB lock held (nothing
 * is being written), code_buffer_snapshot copies the bytes in use into a
 * new memfd and returns its descriptor (-1 if not split or on failure);
 * the child maps it over both views at the same addresses with
 * code_buffer_adopt, so every TB made before the fork stays usable, and
 * the parent just closes it.  adopt returns false if the child must
 * start afresh.
 */
int code_buffer_snapshot(CodeBuffer *cb);
bool code_buffer_adopt(CodeBuffer *cb, int fd);
/*
 * Cut what follows the first `used` bytes (the prologue) into regions,
 * all empty, and start filling region 0.
 */
void code_buffer_init_regions(CodeBuffer *cb, size_t used);
/* Empty a region (its TBs must already be dead). */
void code_region_reset(CodeRegion *r);
/* Index of the region holding executable address rx, or -1. */
int code_buffer_region_of(const CodeBuffer *cb, uintptr_t rx);

static inline CodeRegion *code_buffer_cur(CodeBuffer *cb)
{
    return &cb->regions[cb->cur];
}

#endif /* KESTREL_TCG_CODE_BUFFER_H */

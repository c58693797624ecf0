/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest address space: a reserved host window, page flags, the mmap
 * family and self-modifying-code protection.
 *
 * Layout (guest addresses; guest_space_size is 2^46 when the host lets
 * us reserve that much, less otherwise):
 *
 *     0x400000 ...          ET_EXEC images (as linked), then brk
 *     0x55_0000_0000        ET_DYN (PIE) main images
 *     ... free ...          guest mmap(NULL) and the ELF interpreter,
 *                           allocated top-down from below the stack
 *     stack                 -s bytes, ending one guard page below the top
 *
 * Page flags live in a two-level table: 1 GiB leaves of one byte per
 * page, allocated when first written and never freed, so the signal
 * handler can read them without a lock.
 *
 * SMC: when a guest page first gets a TB, the TB cache calls
 * code_page_notify and we take write permission away on the host (the
 * guest's own protection stays in the flags).  A store from generated
 * code then faults; signal.c calls page_unprotect, which drops the
 * page's TBs (the notifier gives write permission back) so the store can
 * run again.  Syscalls that write guest memory go through lock_user,
 * which does the same before the kernel touches the page.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "kestrel/log.h"
#include "kestrel/tb.h"
#include "user.h"

#define L2_BITS 18                       /* pages per leaf: 1 GiB */
#define L2_SIZE (1u << L2_BITS)
#define MAX_SPACE_BITS 46
#define L1_SIZE (1u << (MAX_SPACE_BITS - 12 - L2_BITS))
#define MMAP_MIN_ADDR 0x10000ull

#define TARGET_PROT_BTI 0x10
#define TARGET_PROT_MTE 0x20

uintptr_t guest_base;
uint64_t guest_space_size;

static uint8_t *page_l1[L1_SIZE];
static pthread_mutex_t mmap_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint64_t mmap_top;       /* top-down allocation starts here */
static uint64_t mmap_next;      /* hint: below the last allocation */
static uint64_t brk_start, brk_cur;

void mmap_lock(void)
{
    pthread_mutex_lock(&mmap_mutex);
}

void mmap_unlock(void)
{
    pthread_mutex_unlock(&mmap_mutex);
}

/* ------------------------------------------------------------------ */
/* Page flags                                                          */

static uint8_t *page_flags_ptr(uint64_t addr, bool alloc)
{
    uint64_t page = addr >> 12;
    uint8_t **leaf;

    if (addr >= guest_space_size) {
        return NULL;
    }
    leaf = &page_l1[page >> L2_BITS];
    if (!*leaf) {
        if (!alloc) {
            return NULL;
        }
        __atomic_store_n(leaf, g_malloc0(L2_SIZE), __ATOMIC_RELEASE);
    }
    return &(*leaf)[page & (L2_SIZE - 1)];
}

int page_get_flags(uint64_t addr)
{
    uint8_t *p = page_flags_ptr(addr, false);

    return p ? __atomic_load_n(p, __ATOMIC_RELAXED) : 0;
}

/* Set [start, end) to flags, keeping PAGE_CODE.  mmap_lock held. */
static void page_set_flags(uint64_t start, uint64_t end, int flags)
{
    for (uint64_t a = start; a < end; a += GUEST_PAGE_SIZE) {
        uint8_t *p = page_flags_ptr(a, flags != 0);

        if (p) {
            uint8_t old = __atomic_load_n(p, __ATOMIC_RELAXED);

            __atomic_store_n(p, (flags ? flags | (old & PAGE_CODE) : 0),
                             __ATOMIC_RELAXED);
        }
    }
}

/* The host protection for a page with these flags. */
static int host_prot(int flags)
{
    int prot = 0;

    if (flags & (PAGE_READ | PAGE_EXEC | PAGE_WRITE)) {
        prot |= PROT_READ;
    }
    if ((flags & PAGE_WRITE) && !(flags & PAGE_CODE)) {
        prot |= PROT_WRITE;
    }
    return prot;
}

static int prot_to_flags(int prot)
{
    return PAGE_VALID | ((prot & PROT_READ) ? PAGE_READ : 0) |
           ((prot & PROT_WRITE) ? PAGE_WRITE : 0) |
           ((prot & PROT_EXEC) ? PAGE_EXEC : 0);
}

static bool range_in_space(uint64_t start, uint64_t len)
{
    return len <= guest_space_size && start <= guest_space_size - len;
}

/* Highest mapped page in [start, end), or UINT64_MAX if none. */
static uint64_t last_used_page(uint64_t start, uint64_t end)
{
    uint64_t a = end;

    while (a > start) {
        uint64_t page = (a - 1) >> 12;

        if (!page_l1[page >> L2_BITS]) {
            /* A whole leaf is free: skip to its start. */
            a = (page >> L2_BITS) << (L2_BITS + 12);
            continue;
        }
        if (page_l1[page >> L2_BITS][page & (L2_SIZE - 1)]) {
            return page << 12;
        }
        a -= GUEST_PAGE_SIZE;
    }
    return UINT64_MAX;
}

static bool range_is_free(uint64_t start, uint64_t len)
{
    return range_in_space(start, len) &&
           last_used_page(start, start + len) == UINT64_MAX;
}

/* ------------------------------------------------------------------ */
/* The window                                                          */

bool mmap_init(GError **errp)
{
    /* Down to 4 GiB: valgrind, for one, hands out far less than 2^46. */
    for (int bits = MAX_SPACE_BITS; bits >= 32; bits--) {
        void *p = mmap(NULL, 1ull << bits, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

        if (p != MAP_FAILED) {
            guest_base = (uintptr_t)p;
            guest_space_size = 1ull << bits;
            mmap_top = mmap_next = guest_space_size;
            return true;
        }
    }
    g_set_error(errp, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
                "cannot reserve host address space for the guest");
    return false;
}

void mmap_set_top(uint64_t top)
{
    mmap_top = mmap_next = top & GUEST_PAGE_MASK;
}

/* Put the reservation back over [start, start + len). */
static void reserve_range(uint64_t start, uint64_t len)
{
    void *p = mmap(g2h(start), len, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
                   -1, 0);

    g_assert(p != MAP_FAILED);
}

uint64_t mmap_find_free(uint64_t hint, uint64_t len)
{
    len = GUEST_PAGE_ALIGN(len);
    if (hint && !(hint & ~GUEST_PAGE_MASK) && hint >= MMAP_MIN_ADDR &&
        range_is_free(hint, len)) {
        return hint;
    }
    for (int pass = 0; pass < 2; pass++) {
        uint64_t top = pass ? mmap_top : mmap_next;
        uint64_t a;

        if (top < len + MMAP_MIN_ADDR) {
            continue;
        }
        a = top - len;
        for (;;) {
            uint64_t used = last_used_page(a, a + len);

            if (used == UINT64_MAX) {
                mmap_next = a;
                return a;
            }
            if (used < len + MMAP_MIN_ADDR) {
                break;
            }
            a = used - len;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* mmap, munmap, mprotect                                              */

/* Apply host protections to [start, end) from the flags, run by run. */
static int apply_host_prot(uint64_t start, uint64_t end)
{
    while (start < end) {
        int prot = host_prot(page_get_flags(start));
        uint64_t run = start + GUEST_PAGE_SIZE;

        while (run < end && host_prot(page_get_flags(run)) == prot) {
            run += GUEST_PAGE_SIZE;
        }
        if (mprotect(g2h(start), run - start, prot) < 0) {
            return -errno;
        }
        start = run;
    }
    return 0;
}

int64_t target_mmap(uint64_t start, uint64_t len, int prot, int flags,
                    int fd, int64_t offset)
{
    /* 0x40 is x86's MAP_32BIT, meaningless (and unused) on AArch64. */
    int hflags = flags & ~(MAP_FIXED_NOREPLACE | MAP_GROWSDOWN | 0x40);
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    int64_t ret;
    void *p;

    prot &= ~(TARGET_PROT_BTI | TARGET_PROT_MTE);
    if (len == 0 || (offset & ~GUEST_PAGE_MASK) ||
        (fixed && (start & ~GUEST_PAGE_MASK))) {
        return -EINVAL;
    }
    if (len > guest_space_size) {
        return -ENOMEM;
    }
    len = GUEST_PAGE_ALIGN(len);
    mmap_lock();
    if (!fixed) {
        start = mmap_find_free(start & GUEST_PAGE_MASK, len);
        if (!start) {
            ret = -ENOMEM;
            goto out;
        }
    } else if (!range_in_space(start, len)) {
        ret = -ENOMEM;
        goto out;
    } else if ((flags & MAP_FIXED_NOREPLACE) && !range_is_free(start, len)) {
        ret = -EEXIST;
        goto out;
    }
    /* Whatever code lived there is gone. */
    tb_invalidate_phys_range(start, start + len);
    p = mmap(g2h(start), len, host_prot(prot_to_flags(prot)),
             hflags | MAP_FIXED, fd, offset);
    if (p == MAP_FAILED) {
        ret = -errno;
        goto out;
    }
    page_set_flags(start, start + len, 0);
    page_set_flags(start, start + len, prot_to_flags(prot) |
                   (((flags & MAP_ANONYMOUS) && !(flags & MAP_SHARED))
                    ? PAGE_ANON : 0));
    ret = start;
out:
    mmap_unlock();
    return ret;
}

int64_t target_munmap(uint64_t start, uint64_t len)
{
    if ((start & ~GUEST_PAGE_MASK) || len == 0) {
        return -EINVAL;
    }
    len = GUEST_PAGE_ALIGN(len);
    if (!range_in_space(start, len)) {
        return -EINVAL;
    }
    mmap_lock();
    tb_invalidate_phys_range(start, start + len);
    reserve_range(start, len);
    page_set_flags(start, start + len, 0);
    mmap_unlock();
    return 0;
}

int64_t target_mprotect(uint64_t start, uint64_t len, int prot)
{
    int64_t ret;

    prot &= ~(TARGET_PROT_BTI | TARGET_PROT_MTE);
    if ((start & ~GUEST_PAGE_MASK) ||
        (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))) {
        return -EINVAL;
    }
    len = GUEST_PAGE_ALIGN(len);
    if (!range_in_space(start, len)) {
        return -ENOMEM;
    }
    mmap_lock();
    for (uint64_t a = start; a < start + len; a += GUEST_PAGE_SIZE) {
        if (!(page_get_flags(a) & PAGE_VALID)) {
            mmap_unlock();
            return -ENOMEM;
        }
    }
    for (uint64_t a = start; a < start + len; a += GUEST_PAGE_SIZE) {
        page_set_flags(a, a + GUEST_PAGE_SIZE, prot_to_flags(prot) |
                       (page_get_flags(a) & PAGE_ANON));
    }
    ret = apply_host_prot(start, start + len);
    mmap_unlock();
    return ret;
}

/* ------------------------------------------------------------------ */
/* mremap                                                              */

/* Flags of the first page for a whole moved/grown mapping. */
static int64_t mremap_grow_in_place(uint64_t old, uint64_t old_len,
                                    uint64_t new_len)
{
    int flags = page_get_flags(old);
    void *p;

    if (!(flags & PAGE_ANON) ||
        !range_is_free(old + old_len, new_len - old_len)) {
        return -ENOMEM;
    }
    p = mmap(g2h(old + old_len), new_len - old_len,
             host_prot(flags & ~PAGE_CODE),
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) {
        return -errno;
    }
    page_set_flags(old + old_len, old + new_len, flags & ~PAGE_CODE);
    return old;
}

static int64_t mremap_move(uint64_t old, uint64_t old_len, uint64_t new_len,
                           uint64_t dest)
{
    int flags = page_get_flags(old) & ~PAGE_CODE;
    void *p;

    tb_invalidate_phys_range(old, old + old_len);
    tb_invalidate_phys_range(dest, dest + new_len);
    p = mremap(g2h(old), old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
               g2h(dest));
    if (p == MAP_FAILED) {
        return -errno;
    }
    page_set_flags(dest, dest + new_len, 0);
    page_set_flags(dest, dest + new_len, flags);
    /* Code pages may have lost write on the host: reapply. */
    apply_host_prot(dest, dest + new_len);
    reserve_range(old, old_len);
    page_set_flags(old, old + old_len, 0);
    return dest;
}

int64_t target_mremap(uint64_t old, uint64_t old_len, uint64_t new_len,
                      int flags, uint64_t new_addr)
{
    int64_t ret;

    if ((old & ~GUEST_PAGE_MASK) || new_len == 0 ||
        (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED))) {
        return -EINVAL;
    }
    old_len = GUEST_PAGE_ALIGN(old_len);
    new_len = GUEST_PAGE_ALIGN(new_len);
    if (!range_in_space(old, old_len) || !range_in_space(old, new_len) ||
        old_len == 0) {
        return -EINVAL;
    }
    mmap_lock();
    if (!(page_get_flags(old) & PAGE_VALID)) {
        ret = -EFAULT;
    } else if (flags & MREMAP_FIXED) {
        ret = range_in_space(new_addr, new_len) &&
              !(new_addr & ~GUEST_PAGE_MASK) && (flags & MREMAP_MAYMOVE)
              ? mremap_move(old, old_len, new_len, new_addr) : -EINVAL;
    } else if (new_len <= old_len) {
        if (new_len < old_len) {
            tb_invalidate_phys_range(old + new_len, old + old_len);
            reserve_range(old + new_len, old_len - new_len);
            page_set_flags(old + new_len, old + old_len, 0);
        }
        ret = old;
    } else {
        ret = mremap_grow_in_place(old, old_len, new_len);
        if (ret < 0 && (flags & MREMAP_MAYMOVE)) {
            uint64_t dest = mmap_find_free(0, new_len);

            ret = dest ? mremap_move(old, old_len, new_len, dest) : -ENOMEM;
        }
    }
    mmap_unlock();
    return ret;
}

int64_t target_madvise(uint64_t start, uint64_t len, int advice)
{
    if (start & ~GUEST_PAGE_MASK) {
        return -EINVAL;
    }
    len = GUEST_PAGE_ALIGN(len);
    if (!range_in_space(start, len)) {
        return -ENOMEM;
    }
    /*
     * Only advice with visible effects matters; DONTNEED zeroes private
     * anonymous pages, which the host does for us.  Skip advice that
     * could hurt the reservation (e.g. MADV_DONTFORK is fine either way).
     */
    if (advice == MADV_DONTNEED || advice == MADV_FREE ||
        advice == MADV_WILLNEED || advice == MADV_SEQUENTIAL ||
        advice == MADV_RANDOM || advice == MADV_NORMAL) {
        if (madvise(g2h(start), len, advice) < 0) {
            return -errno;
        }
    }
    return 0;
}

int64_t target_msync(uint64_t start, uint64_t len, int flags)
{
    if (start & ~GUEST_PAGE_MASK) {
        return -EINVAL;
    }
    if (!range_in_space(start, GUEST_PAGE_ALIGN(len))) {
        return -ENOMEM;
    }
    return msync(g2h(start), len, flags) < 0 ? -errno : 0;
}

/* ------------------------------------------------------------------ */
/* brk                                                                 */

void target_set_brk(uint64_t brk)
{
    brk_start = brk_cur = GUEST_PAGE_ALIGN(brk);
}

int64_t target_brk(uint64_t new_brk)
{
    uint64_t old_top, new_top;

    if (new_brk < brk_start) {
        return brk_cur;
    }
    mmap_lock();
    old_top = GUEST_PAGE_ALIGN(brk_cur);
    new_top = GUEST_PAGE_ALIGN(new_brk);
    if (new_top > old_top) {
        void *p;

        if (!range_is_free(old_top, new_top - old_top)) {
            mmap_unlock();
            return brk_cur;
        }
        p = mmap(g2h(old_top), new_top - old_top, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED) {
            mmap_unlock();
            return brk_cur;
        }
        page_set_flags(old_top, new_top,
                       PAGE_VALID | PAGE_READ | PAGE_WRITE | PAGE_ANON);
    } else if (new_top < old_top) {
        tb_invalidate_phys_range(new_top, old_top);
        reserve_range(new_top, old_top - new_top);
        page_set_flags(new_top, old_top, 0);
    }
    brk_cur = new_brk;
    mmap_unlock();
    return brk_cur;
}

/* ------------------------------------------------------------------ */
/* Access from syscalls                                                */

void *lock_user(uint64_t addr, uint64_t len, int access)
{
    uint64_t end;

    if (len == 0) {
        return g2h(addr);
    }
    if (!range_in_space(addr, len)) {
        return NULL;
    }
    end = addr + len;
    for (uint64_t a = addr & GUEST_PAGE_MASK; a < end;
         a += GUEST_PAGE_SIZE) {
        int f = page_get_flags(a);

        if (!(f & PAGE_VALID) || !(f & access)) {
            return NULL;
        }
        if ((access & PAGE_WRITE) && (f & PAGE_CODE)) {
            page_unprotect(a);
        }
    }
    return g2h(addr);
}

char *lock_user_string(uint64_t addr)
{
    uint64_t a = addr;

    for (;;) {
        uint64_t page_end = (a & GUEST_PAGE_MASK) + GUEST_PAGE_SIZE;
        const char *p;

        if (!(page_get_flags(a) & PAGE_READ)) {
            return NULL;
        }
        p = memchr(g2h(a), 0, page_end - a);
        if (p) {
            return g2h(addr);
        }
        a = page_end;
    }
}

int copy_from_user(void *dst, uint64_t src, size_t len)
{
    void *p = lock_user(src, len, PAGE_READ);

    if (!p) {
        return -EFAULT;
    }
    memcpy(dst, p, len);
    return 0;
}

int copy_to_user(uint64_t dst, const void *src, size_t len)
{
    void *p = lock_user(dst, len, PAGE_WRITE);

    if (!p) {
        return -EFAULT;
    }
    memcpy(p, src, len);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Self-modifying code                                                 */

/*
 * Called by the TB cache, with its lock held, when a page gains its
 * first TB or loses its last.  Must not take mmap_lock (the lock order
 * is mmap_lock, then the TB lock): the flag byte is updated atomically.
 */
static void code_page_notify(uint64_t page, bool has_code)
{
    uint8_t *p = page_flags_ptr(page, false);
    uint8_t old;

    if (!p) {
        return;
    }
    if (has_code) {
        old = __atomic_fetch_or(p, PAGE_CODE, __ATOMIC_SEQ_CST);
        if ((old & PAGE_WRITE) && !(old & PAGE_CODE)) {
            mprotect(g2h(page), GUEST_PAGE_SIZE, host_prot(old | PAGE_CODE));
        }
    } else {
        old = __atomic_fetch_and(p, (uint8_t)~PAGE_CODE, __ATOMIC_SEQ_CST);
        if ((old & PAGE_CODE) && (old & PAGE_WRITE)) {
            mprotect(g2h(page), GUEST_PAGE_SIZE, host_prot(old & ~PAGE_CODE));
        }
    }
}

void mmap_register_code_notifier(void)
{
    tb_set_code_page_notifier(code_page_notify);
}

bool page_unprotect(uint64_t addr)
{
    uint64_t page = addr & GUEST_PAGE_MASK;
    uint8_t *p = page_flags_ptr(page, false);
    uint8_t f;

    if (!p) {
        return false;
    }
    f = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    if (!(f & PAGE_WRITE) || !(f & PAGE_VALID)) {
        return false;
    }
    /*
     * Another thread may have unprotected it already, in which case the
     * store simply runs again.  Otherwise drop the TBs: the notifier
     * then clears PAGE_CODE and restores write access.
     */
    if (f & PAGE_CODE) {
        tb_invalidate_phys_range(page, page + GUEST_PAGE_SIZE);
        code_page_notify(page, false);
    } else {
        mprotect(g2h(page), GUEST_PAGE_SIZE, host_prot(f));
    }
    return true;
}

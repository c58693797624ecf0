/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `info tlb` for AArch64 (CPUArchOps.dump_mmu): the stage 1 page tables
 * of the current translation regime, walked from TTBR0 (and TTBR1 for
 * EL1&0), printed as ranges of virtual addresses that map contiguous
 * physical memory with the same permissions:
 *
 *     TTBR0_EL1 0x0000000040080000: 4K granule, 39-bit VA
 *     0000000000000000-00000000001fffff 0000000040000000 el1:rwx el0:---
 *
 * Permissions are the leaf's AP/PXN/UXN with the tables' APTable and
 * XNTable applied (WXN is not).  Not shown: stage 2 (table addresses are
 * taken as physical), the TLB's own contents (it caches pages of these).
 * Reads descriptors with address_space_ld, so it has no side effects.
 */
#include <inttypes.h>

#include "kestrel/memory.h"
#include "cpu-sys.h"
#include "translate.h"

typedef struct DumpRange {
    FILE *f;
    bool valid;
    uint64_t va, va_end, pa;    /* va_end exclusive */
    char perm[32];
} DumpRange;

typedef struct DumpWalk {
    AddressSpace *as;
    unsigned gbits;             /* 12, 14, 16 */
    unsigned va_bits;
    bool hi;                    /* TTBR1: VAs sign-extended */
    DumpRange *r;
} DumpWalk;

static void dump_flush(DumpRange *r)
{
    if (r->valid) {
        fprintf(r->f, "%016" PRIx64 "-%016" PRIx64 " %016" PRIx64 " %s\n",
                r->va, r->va_end - 1, r->pa, r->perm);
        r->valid = false;
    }
}

static void dump_leaf(DumpRange *r, uint64_t va, uint64_t pa, uint64_t size,
                      const char *perm)
{
    if (r->valid && r->va_end == va && r->pa + (r->va_end - r->va) == pa &&
        !strcmp(r->perm, perm)) {
        r->va_end += size;
        return;
    }
    dump_flush(r);
    r->valid = true;
    r->va = va;
    r->va_end = va + size;
    r->pa = pa;
    snprintf(r->perm, sizeof(r->perm), "%s", perm);
}

/* "el1:rw- el0:r-x" from AP[2:1], PXN, UXN and the tables' limits. */
static void dump_perm(uint64_t desc, unsigned ap_table, bool xn_table,
                      bool pxn_table, bool two_ranges, char *out, size_t n)
{
    unsigned ap = (desc >> 6) & 3;
    bool uxn = ((desc >> 54) & 1) || xn_table;
    bool pxn = ((desc >> 53) & 1) || pxn_table;

    if (ap_table & 2) {
        ap |= 2;
    }
    if (ap_table & 1) {
        ap &= ~1u;
    }
    if (!two_ranges) {
        snprintf(out, n, "r%cx%s", ap & 2 ? '-' : 'w', uxn ? " xn" : "");
        out[2] = uxn ? '-' : 'x';
        return;
    }
    snprintf(out, n, "el1:r%c%c el0:%c%c%c", ap & 2 ? '-' : 'w',
             pxn ? '-' : 'x', ap & 1 ? 'r' : '-',
             (ap & 1) && !(ap & 2) ? 'w' : '-', uxn ? '-' : 'x');
}

static void dump_table(DumpWalk *w, uint64_t table, int level,
                       uint64_t va_base, unsigned ap_table, bool xn_table,
                       bool pxn_table, bool two_ranges)
{
    unsigned stride = w->gbits - 3;
    unsigned shift = w->gbits + stride * (unsigned)(3 - level);
    unsigned bits = MIN(stride, w->va_bits - shift);
    uint64_t mask = 0x0000fffffffff000ull & ~((1ull << w->gbits) - 1);

    for (uint64_t i = 0; i < (1ull << bits); i++) {
        MemTxResult res;
        uint64_t desc = address_space_ld(w->as, table + i * 8, 8, &res);
        uint64_t va = va_base | i << shift;
        char perm[32];

        if (res != MEMTX_OK || !(desc & 1)) {
            continue;
        }
        if (level < 3 && (desc & 2)) {
            dump_table(w, desc & mask, level + 1, va,
                       ap_table | ((desc >> 61) & 3),
                       xn_table || ((desc >> 60) & 1),
                       pxn_table || ((desc >> 59) & 1), two_ranges);
            continue;
        }
        if (level == 3 && !(desc & 2)) {
            continue;
        }
        dump_perm(desc, ap_table, xn_table, pxn_table, two_ranges, perm,
                  sizeof(perm));
        dump_leaf(w->r, va, desc & 0x0000ffffffffffffull &
                  ~((1ull << shift) - 1), 1ull << shift, perm);
    }
}

static void dump_range(FILE *f, ARMCPU *cpu, unsigned el, bool hi)
{
    CPUARMState *env = &cpu->env;
    uint64_t tcr = env->tcr_el[el];
    unsigned tsz = hi ? (tcr >> 16) & 63 : tcr & 63;
    unsigned tg = hi ? (tcr >> 30) & 3 : (tcr >> 14) & 3;
    uint64_t ttbr = hi ? env->ttbr1_el[1] : env->ttbr0_el[el];
    DumpRange r = { .f = f };
    DumpWalk w = { .as = cpu->parent.as, .r = &r, .hi = hi };
    unsigned stride;
    int level;

    w.gbits = hi ? (tg == 1 ? 14 : tg == 3 ? 16 : 12)
                 : (tg == 1 ? 16 : tg == 2 ? 14 : 12);
    tsz = tsz < 16 ? 16 : tsz > 39 ? 39 : tsz;
    w.va_bits = 64 - tsz;
    stride = w.gbits - 3;
    level = 4 - (int)((w.va_bits - w.gbits + stride - 1) / stride);
    fprintf(f, "%s_EL%u 0x%016" PRIx64 ": %uK granule, %u-bit VA\n",
            hi ? "TTBR1" : "TTBR0", el, ttbr, 1u << (w.gbits - 10),
            w.va_bits);
    if (el == 1 && ((tcr >> (hi ? 23 : 7)) & 1)) {
        fprintf(f, "(walks disabled: TCR_EL1.EPD%d)\n", hi);
        return;
    }
    dump_table(&w, ttbr & 0x0000fffffffffffeull, level,
               hi ? ~0ull << w.va_bits : 0, 0, false, false, el == 1);
    dump_flush(&r);
}

void a64_dump_mmu(CPUState *cs, FILE *f)
{
    ARMCPU *cpu = (ARMCPU *)cs;
    unsigned el = MAX(a64_current_el(&cpu->env), 1u);

    if (!(cpu->env.sctlr_el[el] & SCTLR_M)) {
        fprintf(f, "MMU off (SCTLR_EL%u.M = 0): virtual = physical\n", el);
        return;
    }
    dump_range(f, cpu, el, false);
    if (el == 1) {
        dump_range(f, cpu, el, true);
    }
}

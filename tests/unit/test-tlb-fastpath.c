/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The softmmu fast path (IR_MEM_SOFTMMU) on every backend configuration,
 * against a test TLB:
 *
 *   guest page   entry                       host page
 *   0x10000      read + write                0
 *   0x11000      read + write                1   (crossing from 0x10000)
 *   0x12000      read only (write tag -1)    2
 *   0x13000      TLB_MMIO on both tags       3
 *   0x14000      write tag TLB_NOTDIRTY      4
 *   0x15000      invalid (-1)                -
 *   0x50000      same index as 0x10000, other tag: a miss
 *   0xffff800000016000  read + write         6   (full 64-bit tag)
 *   0x0000800000016000  same index, other high bits: a miss
 *   0x17000      read tag TLB_WATCHPOINT     7
 *
 * MMU index 1 and 5 use their own tables (index 5 maps 0x10000 to host
 * page 5); every other index is all invalid.  The slow paths count their
 * calls, record what they got and access a separate "backing" array, so a
 * value shows which path produced it.  Checked: hits never call the slow
 * path; misses, flagged pages, page-crossing and misaligned MO_ALIGN
 * accesses do, with the right address, MemOpIdx and env; values are exact
 * (sizes 1..16, sign, byte swap); stores land where they should; a slow
 * path that longjmps out (a guest fault) leaves the TB, with globals
 * written by earlier instructions already in env and the retaddr inside
 * the faulting instruction's code (gen_insn_end_off).
 *
 * Slow path contract assumed here (as in QEMU): ld_slow returns the value
 * fully converted (byte-swapped per MO_BSWAP, sign-extended per MO_SIGN,
 * else zero-extended); st_slow gets the value as held in the register
 * and does the swap itself; ld128_slow returns {lo, hi} of the converted
 * 128-bit value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define NB_ENTRIES 64
#define HOST_PAGES 8
#define BACKING_SIZE 0x10000
#define PAGE 4096u

static uint8_t *host_ram;                   /* HOST_PAGES pages */
static uint8_t host_exp[HOST_PAGES * PAGE]; /* what host_ram should hold */
static uint8_t backing[BACKING_SIZE];       /* the slow path's memory */
static uint8_t backing_exp[BACKING_SIZE];
static TLBEntry tables[IR_NB_MMU_MODES][NB_ENTRIES];

static const uint64_t P_RW0 = 0x10000, P_RW1 = 0x11000, P_RO = 0x12000;
static const uint64_t P_MMIO = 0x13000, P_NOTDIRTY = 0x14000;
static const uint64_t P_INVALID = 0x15000, P_ALIAS = 0x50000;
static const uint64_t P_HIGH = 0xffff800000016000ull;

static const uint64_t P_HIGH_MISS = 0x0000800000016000ull;
static const uint64_t P_WATCH = 0x17000;

static const uint64_t test_pages[] = {
    P_RW0, P_RW1, P_RO, P_MMIO, P_NOTDIRTY, P_INVALID, P_ALIAS, P_HIGH,
    P_HIGH_MISS, P_WATCH,
};

/* ------------------------------------------------------------------ */
/* The TLB                                                             */

static TLBEntry *entry(unsigned mmu, uint64_t addr)
{
    return &tables[mmu][(addr >> TARGET_PAGE_BITS) & (NB_ENTRIES - 1)];
}

static void map(unsigned mmu, uint64_t page, unsigned host_page,
                uint64_t rflags, uint64_t wflags)
{
    TLBEntry *e = entry(mmu, page);

    e->addr_read = rflags == ~0ull ? ~0ull : page | rflags;
    e->addr_write = wflags == ~0ull ? ~0ull : page | wflags;
    e->addr_code = ~0ull;
    e->addend = (uintptr_t)(host_ram + host_page * PAGE) - (uintptr_t)page;
}

static void tlb_setup(void)
{
    memset(tables, 0xff, sizeof(tables));
    for (unsigned mmu = 1; mmu <= 5; mmu += 4) {
        map(mmu, P_RW0, mmu == 5 ? 5 : 0, 0, 0);
        map(mmu, P_RW1, 1, 0, 0);
        map(mmu, P_RO, 2, 0, ~0ull);
        map(mmu, P_MMIO, 3, TLB_MMIO, TLB_MMIO);
        map(mmu, P_NOTDIRTY, 4, 0, TLB_NOTDIRTY);
        map(mmu, P_HIGH, 6, 0, 0);
        map(mmu, P_WATCH, 7, TLB_WATCHPOINT, 0);
    }
    for (unsigned i = 0; i < IR_NB_MMU_MODES; i++) {
        H.cpu->neg.tlb[i].mask = (NB_ENTRIES - 1) << TLB_ENTRY_BITS;
        H.cpu->neg.tlb[i].table = tables[i];
    }
}

/*
 * The fast path's rule: aligned as the MemOp asks, within one page, and
 * the tag equal to the page address (no flag, not -1).  Sets *host.
 */
static bool fast_hit(uint64_t addr, MemOp mop, bool store, unsigned mmu,
                     uint8_t **host)
{
    unsigned size = memop_size(mop);
    uint64_t amask = (1ull << memop_align_bits(mop)) - 1;
    TLBEntry *e = entry(mmu, addr);
    uint64_t tag = store ? e->addr_write : e->addr_read;

    if ((addr & amask) || (addr & (PAGE - 1)) + size > PAGE ||
        tag != (addr & TARGET_PAGE_MASK)) {
        return false;
    }
    *host = (uint8_t *)(uintptr_t)(addr + e->addend);
    return true;
}

/* host_exp/host_ram offset of a host pointer into host_ram. */
static size_t host_off(const uint8_t *p)
{
    return (size_t)(p - host_ram);
}

/* ------------------------------------------------------------------ */
/* The slow paths                                                      */

static struct {
    unsigned ld, st, ld128, st128;
    uint64_t addr;
    MemOpIdx oi;
    uintptr_t retaddr;
    void *env;
} slow;

static bool fault_armed;
static uint64_t fault_addr;
static sigjmp_buf fault_jb;

static uint8_t *bk(uint64_t addr)
{
    return &backing[addr & (BACKING_SIZE - 1)];
}

static uint64_t rd_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void wr_le(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* The backing array is contiguous for all the test pages (no wrap). */
static uint64_t convert(uint64_t raw, MemOp mop)
{
    unsigned size = memop_size(mop);

    if (mop & MO_BSWAP) {
        raw = h_ref_bswap(raw, size);
    }
    if (mop & MO_SIGN) {
        raw = h_sext(raw, 8 * size);
    }
    return raw;
}

static void slow_enter(void *env, uint64_t addr, MemOpIdx oi,
                       uintptr_t retaddr)
{
    slow.addr = addr;
    slow.oi = oi;
    slow.retaddr = retaddr;
    slow.env = env;
    if (fault_armed && addr == fault_addr) {
        fault_armed = false;
        siglongjmp(fault_jb, 1);
    }
}

static uint64_t t_ld_slow(void *env, uint64_t addr, MemOpIdx oi,
                          uintptr_t retaddr)
{
    MemOp mop = get_memop(oi);

    slow.ld++;
    slow_enter(env, addr, oi, retaddr);
    return convert(rd_le(bk(addr), memop_size(mop)), mop);
}

static void t_st_slow(void *env, uint64_t addr, uint64_t val, MemOpIdx oi,
                      uintptr_t retaddr)
{
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);

    slow.st++;
    slow_enter(env, addr, oi, retaddr);
    if (mop & MO_BSWAP) {
        val = h_ref_bswap(val, size);
    }
    wr_le(bk(addr), size, val);
}

static void t_ld128_slow(void *env, uint64_t addr, MemOpIdx oi,
                         uintptr_t retaddr, uint64_t out[2])
{
    MemOp mop = get_memop(oi);

    slow.ld128++;
    slow_enter(env, addr, oi, retaddr);
    if (mop & MO_BSWAP) {
        out[0] = h_ref_bswap(rd_le(bk(addr) + 8, 8), 8);
        out[1] = h_ref_bswap(rd_le(bk(addr), 8), 8);
    } else {
        out[0] = rd_le(bk(addr), 8);
        out[1] = rd_le(bk(addr) + 8, 8);
    }
}

static void t_st128_slow(void *env, uint64_t addr, uint64_t lo, uint64_t hi,
                         MemOpIdx oi, uintptr_t retaddr)
{
    MemOp mop = get_memop(oi);

    slow.st128++;
    slow_enter(env, addr, oi, retaddr);
    if (mop & MO_BSWAP) {
        wr_le(bk(addr), 8, h_ref_bswap(hi, 8));
        wr_le(bk(addr) + 8, 8, h_ref_bswap(lo, 8));
    } else {
        wr_le(bk(addr), 8, lo);
        wr_le(bk(addr) + 8, 8, hi);
    }
}

/* ------------------------------------------------------------------ */
/* Programs                                                            */

typedef struct MCase {
    bool store;
    bool is128;
    IRType type;
    MemOp mop;
    unsigned mmu;
} MCase;

/*
 * insn 0: r10 += 1 (a global the fault test expects synced)
 * insn 1: the access, address r0, value r1 (r2 high) or w1; result to
 *         r8 (r9 high) or w8
 * insn 2: r11 += 1
 */
static void build_mem(IRContext *s, void *opaque)
{
    const MCase *c = opaque;

    ir_insn_start(s, 0, 0, 0);
    ir_addi(s, H.r[10], H.r[10], 1);
    ir_insn_start(s, 1, 0, 0);
    if (c->is128 && c->store) {
        ir_qemu_st128(s, H.r[1], H.r[2], H.r[0], c->mmu, c->mop);
    } else if (c->is128) {
        IRTemp lo = ir_temp_new(s, IR_I64), hi = ir_temp_new(s, IR_I64);

        ir_qemu_ld128(s, lo, hi, H.r[0], c->mmu, c->mop);
        ir_mov(s, H.r[8], lo);
        ir_mov(s, H.r[9], hi);
    } else if (c->store) {
        ir_qemu_st(s, h_global(c->type, 1), H.r[0], c->mmu, c->mop);
    } else {
        IRTemp t = ir_temp_new(s, c->type);

        ir_qemu_ld(s, t, H.r[0], c->mmu, c->mop);
        ir_mov(s, h_global(c->type, 8), t);
    }
    ir_insn_start(s, 2, 0, 0);
    ir_addi(s, H.r[11], H.r[11], 1);
}

typedef struct Compiled {
    const void *code[H_NB_CFG];
    uint32_t insn_end[H_NB_CFG][3];
} Compiled;

static bool compile_mem(const MCase *c, Compiled *out)
{
    bool ok = true;

    h_rewind();
    for (int cfg = 0; cfg < H_NB_CFG; cfg++) {
        out->code[cfg] = h_compile(cfg, build_mem, (void *)c, 0, "softmmu");
        if (out->code[cfg] && H.last_nb_insns != 3) {
            h_fail("softmmu: nb_insns %u, expected 3", H.last_nb_insns);
        }
        memcpy(out->insn_end[cfg], H.last_insn_end,
               sizeof(out->insn_end[cfg]));
        ok &= out->code[cfg] != NULL;
    }
    return ok;
}

static char *case_desc(const MCase *c, uint64_t addr)
{
    return g_strdup_printf("qemu_%s%s_%s size=%u%s%s align=%u mmu=%u "
                           "addr=0x%" G_GINT64_MODIFIER "x",
                           c->store ? "st" : "ld", c->is128 ? "128" : "",
                           c->type == IR_I32 ? "i32" : "i64",
                           memop_size(c->mop),
                           c->mop & MO_SIGN ? " signed" : "",
                           c->mop & MO_BSWAP ? " big-endian" : "",
                           1u << memop_align_bits(c->mop), c->mmu, addr);
}

/* Compare a window of actual memory with the expected copy; resync. */
static bool check_window(const char *what, const char *mem_name,
                         uint8_t *actual, uint8_t *exp, size_t size,
                         size_t off, size_t len)
{
    size_t lo = off > 32 ? off - 32 : 0;
    size_t hi = MIN(size, off + len + 32);

    for (size_t i = lo; i < hi; i++) {
        if (actual[i] != exp[i]) {
            h_fail("%s: %s byte 0x%zx expected 0x%02x got 0x%02x", what,
                   mem_name, i, exp[i], actual[i]);
            memcpy(exp, actual, size);
            return false;
        }
    }
    return true;
}

static bool check_full(const char *what)
{
    bool ok = true;

    if (memcmp(host_ram, host_exp, sizeof(host_exp))) {
        h_fail("%s: stray write to host RAM", what);
        memcpy(host_exp, host_ram, sizeof(host_exp));
        ok = false;
    }
    if (memcmp(backing, backing_exp, sizeof(backing_exp))) {
        h_fail("%s: stray write to the slow path's memory", what);
        memcpy(backing_exp, backing, sizeof(backing_exp));
        ok = false;
    }
    return ok;
}

/* Run one access through every configuration and check everything. */
static void run_access(const MCase *c, const Compiled *cc, uint64_t addr,
                       HRand *r, unsigned *fails)
{
    unsigned size = c->is128 ? 16 : memop_size(c->mop);
    uint8_t *host = NULL;
    bool fast = fast_hit(addr, c->mop, c->store, c->mmu, &host);
    TestEnv in_env;

    h_fill_env(&in_env, r);
    in_env.r[0] = addr;
    for (int cfg = 0; cfg < H_NB_CFG; cfg++) {
        TestEnv exp = in_env;
        unsigned calls, want_calls = fast ? 0 : 1;
        uint8_t *src = fast ? host : bk(addr);
        g_autofree char *what = NULL;
        g_autofree char *desc = case_desc(c, addr);
        bool ok = true;

        if (!cc->code[cfg] || fails[cfg] >= 3) {
            continue;
        }
        exp.r[10]++;
        exp.r[11]++;
        if (c->store) {
            uint8_t *dst = fast ? host_exp + host_off(host)
                                : backing_exp + (bk(addr) - backing);
            if (c->is128) {
                uint64_t lo = in_env.r[1], hi = in_env.r[2];
                if (c->mop & MO_BSWAP) {
                    wr_le(dst, 8, h_ref_bswap(hi, 8));
                    wr_le(dst + 8, 8, h_ref_bswap(lo, 8));
                } else {
                    wr_le(dst, 8, lo);
                    wr_le(dst + 8, 8, hi);
                }
            } else {
                uint64_t v = h_env_get(&in_env, c->type, 1);
                if (c->mop & MO_BSWAP) {
                    v = h_ref_bswap(v, size);
                }
                wr_le(dst, size, v);
            }
        } else if (c->is128) {
            if (c->mop & MO_BSWAP) {
                exp.r[8] = h_ref_bswap(rd_le(src + 8, 8), 8);
                exp.r[9] = h_ref_bswap(rd_le(src, 8), 8);
            } else {
                exp.r[8] = rd_le(src, 8);
                exp.r[9] = rd_le(src + 8, 8);
            }
        } else {
            h_env_set(&exp, c->type, 8,
                      convert(rd_le(src, size), c->mop) & h_mask(c->type));
        }

        what = g_strdup_printf("%s [%s] (%s path expected)",
                               desc, h_cfg_names[cfg],
                               fast ? "fast" : "slow");
        memset(&slow, 0, sizeof(slow));
        *H.env = in_env;
        h_run(cfg, cc->code[cfg]);
        calls = slow.ld + slow.st + slow.ld128 + slow.st128;
        if (calls != want_calls) {
            h_fail("%s: slow path called %u times", what, calls);
            ok = false;
        } else if (calls) {
            unsigned *kind = c->is128 ? (c->store ? &slow.st128 : &slow.ld128)
                                      : (c->store ? &slow.st : &slow.ld);
            uintptr_t code = (uintptr_t)cc->code[cfg];
            uint64_t ra = slow.retaddr - code;

            if (*kind != 1) {
                h_fail("%s: wrong slow path function", what);
                ok = false;
            }
            if (slow.addr != addr ||
                slow.oi != make_memop_idx(c->mop, c->mmu) ||
                slow.env != H.env) {
                h_fail("%s: slow path got addr 0x%" G_GINT64_MODIFIER
                       "x oi 0x%x env %p, expected oi 0x%x env %p", what,
                       slow.addr, slow.oi, slow.env,
                       make_memop_idx(c->mop, c->mmu), (void *)H.env);
                ok = false;
            }
            if (slow.retaddr < code || ra < cc->insn_end[cfg][0] ||
                ra >= cc->insn_end[cfg][1]) {
                h_fail("%s: retaddr code+0x%" G_GINT64_MODIFIER "x not in "
                       "insn 1 [0x%x, 0x%x)", what, ra,
                       cc->insn_end[cfg][0], cc->insn_end[cfg][1]);
                ok = false;
            }
        }
        if (cfg == H_INTERP && tcg_interp_pc != 0) {
            h_fail("%s: tcg_interp_pc left nonzero after exec", what);
            tcg_interp_pc = 0;
            ok = false;
        }
        ok &= h_check_env(&exp, cfg, what);
        if (fast) {
            ok &= check_window(what, "host RAM", host_ram, host_exp,
                               sizeof(host_exp), host_off(host), size);
        } else {
            ok &= check_window(what, "backing", backing, backing_exp,
                               sizeof(backing_exp), bk(addr) - backing,
                               size);
        }
        fails[cfg] += !ok;
    }
}

/* Addresses on page p: starts, ends, aligned, unaligned, crossing. */
static uint64_t pick_addr(HRand *r, uint64_t page, unsigned size,
                          unsigned k)
{
    uint64_t off;

    switch (k % 8) {
    case 0:
        off = 0;
        break;
    case 1:
        off = PAGE - size;
        break;
    case 2:
    case 3:
        off = h_rand_below(r, PAGE / size) * size;
        break;
    case 4:
    case 5:
        off = h_rand_below(r, PAGE - size + 1);
        break;
    default:
        /* crosses into the next page */
        off = PAGE - size + 1 + h_rand_below(r, size - 1 > 0 ? size - 1 : 1);
        break;
    }
    if (off + size > PAGE && size == 1) {
        off = PAGE - 1;
    }
    return page + off;
}

static void run_case(const MCase *c, HRand *r)
{
    Compiled cc;
    unsigned fails[H_NB_CFG] = { 0 };
    unsigned size = c->is128 ? 16 : memop_size(c->mop);
    g_autofree char *what = case_desc(c, 0);

    if (!compile_mem(c, &cc)) {
        return;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(test_pages); i++) {
        for (unsigned k = 0; k < 16; k++) {
            run_access(c, &cc, pick_addr(r, test_pages[i], size, k), r,
                       fails);
        }
    }
    check_full(what);
}

static void mem_setup(void)
{
    HRand r = h_rand_init(0x7b);

    if (!host_ram) {
        host_ram = aligned_alloc(PAGE, HOST_PAGES * PAGE);
    }
    for (size_t i = 0; i < HOST_PAGES * PAGE; i++) {
        host_ram[i] = (uint8_t)h_rand(&r);
    }
    for (size_t i = 0; i < BACKING_SIZE; i++) {
        backing[i] = (uint8_t)h_rand(&r);
    }
    memcpy(host_exp, host_ram, sizeof(host_exp));
    memcpy(backing_exp, backing, sizeof(backing_exp));
    tlb_setup();
    h_reset_mem_mode();
    H.mem_mode = IR_MEM_SOFTMMU;
    H.ld_slow = t_ld_slow;
    H.st_slow = t_st_slow;
    H.ld128_slow = t_ld128_slow;
    H.st128_slow = t_st128_slow;
}

static int setup(void **state)
{
    h_init();
    mem_setup();
    return 0;
}

static int teardown(void **state)
{
    h_reset_mem_mode();
    return 0;
}

static const MemOp aligns[] = { MO_UNALN, MO_ALIGN, MO_ALIGN_16 };

static void test_loads(IRType t)
{
    HRand r = h_rand_init(0x10ad + t);
    unsigned max = t == IR_I32 ? MO_32 : MO_64;

    for (unsigned sz = MO_8; sz <= max; sz++) {
        for (unsigned flags = 0; flags < 4; flags++) {
            for (unsigned a = 0; a < G_N_ELEMENTS(aligns); a++) {
                MCase c = { .type = t, .mmu = a == 1 ? 5 : 1 };

                if ((flags & 1) && sz == MO_64) {
                    continue;
                }
                c.mop = sz | (flags & 1 ? MO_SIGN : 0) |
                        (flags & 2 ? MO_BE : 0) | aligns[a];
                run_case(&c, &r);
            }
        }
    }
    h_end_test();
}

static void test_loads_i32(void **state)
{
    test_loads(IR_I32);
}

static void test_loads_i64(void **state)
{
    test_loads(IR_I64);
}

static void test_stores(void **state)
{
    HRand r = h_rand_init(0x5707e);

    for (int t = IR_I32; t <= IR_I64; t++) {
        unsigned max = t == IR_I32 ? MO_32 : MO_64;

        for (unsigned sz = MO_8; sz <= max; sz++) {
            for (unsigned be = 0; be < 2; be++) {
                for (unsigned a = 0; a < G_N_ELEMENTS(aligns); a++) {
                    MCase c = { .store = true, .type = (IRType)t,
                                .mmu = a == 2 ? 5 : 1 };

                    c.mop = sz | (be ? MO_BE : 0) | aligns[a];
                    run_case(&c, &r);
                }
            }
        }
    }
    h_end_test();
}

static void test_128(void **state)
{
    HRand r = h_rand_init(0x128);

    for (int store = 0; store < 2; store++) {
        for (unsigned be = 0; be < 2; be++) {
            for (unsigned a = 0; a < 3; a++) {
                static const MemOp al128[] = {
                    MO_UNALN, MO_ALIGN, MO_ALIGN_8,
                };
                MCase c = { .store = store, .is128 = true, .type = IR_I64,
                            .mmu = a == 1 ? 5 : 1 };

                c.mop = MO_128 | (be ? MO_BE : 0) | al128[a];
                run_case(&c, &r);
            }
        }
    }
    h_end_test();
}

/* The wrong MMU index must not be used: index 0 is all invalid. */
static void test_mmu_index(void **state)
{
    HRand r = h_rand_init(0x1d0);
    MCase c = { .type = IR_I64, .mop = MO_64, .mmu = 0 };
    Compiled cc;
    unsigned fails[H_NB_CFG] = { 0 };

    if (compile_mem(&c, &cc)) {
        for (unsigned k = 0; k < 32; k++) {
            run_access(&c, &cc, pick_addr(&r, P_RW0, 8, k), &r, fails);
        }
    }
    c.mmu = 15;
    if (compile_mem(&c, &cc)) {
        for (unsigned k = 0; k < 8; k++) {
            run_access(&c, &cc, pick_addr(&r, P_HIGH, 8, k), &r, fails);
        }
    }
    h_end_test();
}

/*
 * A slow path that longjmps out (a guest fault): the TB is left at once,
 * insn 0's global update is already in env, insn 2 never ran, and the
 * retaddr lies in insn 1's code.  Afterwards the same code still runs.
 */
static void fault_case(const MCase *c, uint64_t addr)
{
    Compiled cc;
    HRand r = h_rand_init(addr);

    if (!compile_mem(c, &cc)) {
        return;
    }
    for (int cfg = 0; cfg < H_NB_CFG; cfg++) {
        g_autofree char *desc = case_desc(c, addr);
        g_autofree char *what = g_strdup_printf("fault: %s [%s]", desc,
                                                h_cfg_names[cfg]);
        TestEnv in_env;
        volatile bool jumped = false;
        uintptr_t code = (uintptr_t)cc.code[cfg];

        if (!cc.code[cfg]) {
            continue;
        }
        h_fill_env(&in_env, &r);
        in_env.r[0] = addr;
        *H.env = in_env;
        memset(&slow, 0, sizeof(slow));
        fault_addr = addr;
        fault_armed = true;
        if (sigsetjmp(fault_jb, 0) == 0) {
            h_run(cfg, cc.code[cfg]);
        } else {
            jumped = true;
        }
        fault_armed = false;
        tcg_interp_pc = 0;
        if (!jumped) {
            h_fail("%s: the slow path was not reached", what);
            continue;
        }
        if (slow.retaddr < code ||
            slow.retaddr - code < cc.insn_end[cfg][0] ||
            slow.retaddr - code >= cc.insn_end[cfg][1]) {
            h_fail("%s: retaddr code+0x%lx not in insn 1 [0x%x, 0x%x)",
                   what, (unsigned long)(slow.retaddr - code),
                   cc.insn_end[cfg][0], cc.insn_end[cfg][1]);
        }
        if (H.env->r[10] != in_env.r[10] + 1) {
            h_fail("%s: global r10 written by insn 0 not synced before the "
                   "access (env has 0x%" G_GINT64_MODIFIER "x, expected 0x%"
                   G_GINT64_MODIFIER "x)", what, H.env->r[10],
                   in_env.r[10] + 1);
        }
        if (H.env->r[11] != in_env.r[11] || H.env->r[8] != in_env.r[8] ||
            H.env->w[8] != in_env.w[8]) {
            h_fail("%s: code after the faulting access ran", what);
        }
        check_full(what);
    }
    /* The code (and the backends) still work after the longjmp. */
    {
        unsigned fails[H_NB_CFG] = { 0 };
        HRand r2 = h_rand_init(7);

        for (unsigned k = 0; k < 8; k++) {
            run_access(c, &cc, pick_addr(&r2, P_RW0, c->is128 ? 16 : 8, k),
                       &r2, fails);
            run_access(c, &cc, pick_addr(&r2, P_MMIO, c->is128 ? 16 : 8, k),
                       &r2, fails);
        }
    }
}

static void test_fault_longjmp(void **state)
{
    MCase ld = { .type = IR_I64, .mop = MO_64, .mmu = 1 };
    MCase ldw = { .type = IR_I32, .mop = MO_16 | MO_SIGN | MO_BE, .mmu = 1 };
    MCase st = { .store = true, .type = IR_I64, .mop = MO_32, .mmu = 1 };
    MCase ld128 = { .is128 = true, .type = IR_I64, .mop = MO_128, .mmu = 5 };
    MCase st128 = { .is128 = true, .store = true, .type = IR_I64,
                    .mop = MO_128 | MO_BE, .mmu = 1 };

    fault_case(&ld, P_MMIO + 0x10);
    fault_case(&ldw, P_INVALID + 0x22);
    fault_case(&st, P_RO + 0x100);
    fault_case(&ld128, P_MMIO + 0x40);
    fault_case(&st128, P_NOTDIRTY + 0x80);
    fault_case(&ld, P_RW0 + 0xffd);     /* page crossing */
    h_end_test();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads_i32),
        cmocka_unit_test(test_loads_i64),
        cmocka_unit_test(test_stores),
        cmocka_unit_test(test_128),
        cmocka_unit_test(test_mmu_index),
        cmocka_unit_test(test_fault_longjmp),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}

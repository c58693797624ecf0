/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Toy CPU and machine: the CPUArchOps the exec loop calls, a software TLB
 * over one RAM buffer, the guest-memory slow paths and the code-page
 * tracking that makes self-modifying code work.
 *
 * Memory.  Loads and stores go through IR_MEM_SOFTMMU: generated code
 * looks the page up in ToyCPU.tlb (MMU index 0) and on a miss calls
 * toy_ld_slow/toy_st_slow, which check the address against RAM, refill
 * the entry and do the access.  An address outside RAM raises
 * TOY_EXCP_BUS after restoring the guest state of the faulting insn.
 *
 * Self-modifying code.  The TB cache tells us (toy_code_page_notify)
 * when a page gets or loses translated code.  A code page's TLB write tag
 * carries TLB_NOTDIRTY, so stores to it take the slow path, which
 * invalidates the TBs of the bytes written before storing.  If the store
 * hit the TB that is running, the rest of that TB is stale: we finish
 * the store and leave the TB so execution resumes with a fresh
 * translation of the next instruction.
 */
#include "toy.h"

#include <string.h>

/* The machine the code-page notifier updates (one at a time). */
static ToyMachine *toy_cur_machine;
static unsigned toy_machines_created;

/* ------------------------------------------------------------------ */
/* TLB                                                                 */

static TLBEntry *toy_tlb_entry(ToyCPU *c, uint64_t addr)
{
    return &c->tlb[(addr >> TARGET_PAGE_BITS) & (TOY_TLB_SIZE - 1)];
}

static void toy_tlb_flush(ToyCPU *c)
{
    memset(c->tlb, 0xff, sizeof(c->tlb));
    memset(&c->tlb_dummy, 0xff, sizeof(c->tlb_dummy));
}

static bool toy_in_ram(ToyMachine *m, uint64_t addr, uint64_t len)
{
    return addr >= m->ram_base && len <= m->ram_size &&
           addr - m->ram_base <= m->ram_size - len;
}

static bool toy_page_has_code(ToyMachine *m, uint64_t addr)
{
    return m->code_pages[(addr - m->ram_base) >> TARGET_PAGE_BITS] != 0;
}

/* Map the RAM page holding addr (which must be in RAM). */
static void toy_tlb_fill(ToyCPU *c, uint64_t addr)
{
    ToyMachine *m = c->machine;
    uint64_t page = addr & TARGET_PAGE_MASK;
    TLBEntry *e = toy_tlb_entry(c, addr);

    e->addr_read = page;
    e->addr_code = page;
    e->addr_write = page | (toy_page_has_code(m, page) ? TLB_NOTDIRTY : 0);
    e->addend = (uintptr_t)(m->ram + (page - m->ram_base)) - page;
    m->tlb_fills++;
}

static void toy_code_page_notify(uint64_t page_addr, bool has_code)
{
    ToyMachine *m = toy_cur_machine;
    TLBEntry *e;

    if (!m || !toy_in_ram(m, page_addr, TARGET_PAGE_SIZE)) {
        return;
    }
    m->code_pages[(page_addr - m->ram_base) >> TARGET_PAGE_BITS] = has_code;
    /* Drop the mapping; the next access refills it with the right tag. */
    e = toy_tlb_entry(m->cpu, page_addr);
    if ((e->addr_read & TARGET_PAGE_MASK) == page_addr) {
        memset(e, 0xff, sizeof(*e));
    }
}

/* ------------------------------------------------------------------ */
/* Slow paths                                                          */

G_NORETURN static void toy_bus_fault(ToyCPU *c, uint64_t addr,
                                     uintptr_t retaddr)
{
    c->env.fault_addr = addr;
    c->parent.exception_index = TOY_EXCP_BUS;
    cpu_loop_exit_restore(&c->parent, retaddr);
}

/* Host pointer for [addr, addr + size), or a bus fault. */
static uint8_t *toy_access(ToyCPU *c, uint64_t addr, unsigned size,
                           uintptr_t retaddr)
{
    ToyMachine *m = c->machine;

    if (!toy_in_ram(m, addr, size)) {
        toy_bus_fault(c, addr, retaddr);
    }
    return m->ram + (addr - m->ram_base);
}

static uint64_t toy_ldn(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void toy_stn(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t toy_bswap(uint64_t v, unsigned size)
{
    switch (size) {
    case 2:
        return GUINT16_SWAP_LE_BE((uint16_t)v);
    case 4:
        return GUINT32_SWAP_LE_BE((uint32_t)v);
    case 8:
        return GUINT64_SWAP_LE_BE(v);
    default:
        return v;
    }
}

static uint64_t toy_ld_slow(void *env, uint64_t addr, MemOpIdx oi,
                            uintptr_t retaddr)
{
    ToyCPU *c = toy_cpu_from_env(env);
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);
    uint64_t v = toy_ldn(toy_access(c, addr, size, retaddr), size);

    if (mop & MO_BSWAP) {
        v = toy_bswap(v, size);
    }
    if ((mop & MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;

        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    toy_tlb_fill(c, addr);
    return v;
}

/*
 * Before a store to [addr, addr + size): if it covers code, invalidate
 * the TBs there.  Returns true if the running TB (at retaddr) was one.
 */
static bool toy_notdirty(ToyCPU *c, uint64_t addr, unsigned size,
                         uintptr_t retaddr)
{
    ToyMachine *m = c->machine;
    uint64_t last = addr + size - 1;
    TranslationBlock *cur;
    bool hit;

    if (!toy_page_has_code(m, addr) && !toy_page_has_code(m, last)) {
        return false;
    }
    m->smc_stores++;
    cur = retaddr ? tb_find_by_host_pc(retaddr) : NULL;
    hit = cur && addr < cur->pc + cur->size && cur->pc <= last;
    tb_invalidate_phys_range(addr, addr + size);
    return hit;
}

/*
 * The store modified the running TB: resume at the next instruction with
 * a new translation.  Restore the state of the store insn and step over.
 */
G_NORETURN static void toy_smc_exit(ToyCPU *c, uintptr_t retaddr)
{
    cpu_restore_state(&c->parent, retaddr);
    c->env.pc += TOY_INSN_SIZE;
    c->parent.exception_index = EXCP_INTERRUPT;
    cpu_loop_exit(&c->parent);
}

static void toy_st_slow(void *env, uint64_t addr, uint64_t val, MemOpIdx oi,
                        uintptr_t retaddr)
{
    ToyCPU *c = toy_cpu_from_env(env);
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);
    uint8_t *p = toy_access(c, addr, size, retaddr);
    bool smc_self = toy_notdirty(c, addr, size, retaddr);

    if (mop & MO_BSWAP) {
        val = toy_bswap(val, size);
    }
    toy_stn(p, size, val);
    toy_tlb_fill(c, addr);
    if (smc_self) {
        toy_smc_exit(c, retaddr);
    }
}

static void toy_ld128_slow(void *env, uint64_t addr, MemOpIdx oi,
                           uintptr_t retaddr, uint64_t out[2])
{
    ToyCPU *c = toy_cpu_from_env(env);
    uint8_t *p = toy_access(c, addr, 16, retaddr);

    out[0] = toy_ldn(p, 8);
    out[1] = toy_ldn(p + 8, 8);
    toy_tlb_fill(c, addr);
}

static void toy_st128_slow(void *env, uint64_t addr, uint64_t lo,
                           uint64_t hi, MemOpIdx oi, uintptr_t retaddr)
{
    ToyCPU *c = toy_cpu_from_env(env);
    uint8_t *p = toy_access(c, addr, 16, retaddr);
    bool smc_self = toy_notdirty(c, addr, 16, retaddr);

    toy_stn(p, 8, lo);
    toy_stn(p + 8, 8, hi);
    toy_tlb_fill(c, addr);
    if (smc_self) {
        toy_smc_exit(c, retaddr);
    }
}

/* ------------------------------------------------------------------ */
/* CPUArchOps                                                          */

static void toy_get_tb_cpu_state(CPUState *cpu, uint64_t *pc,
                                 uint64_t *cs_base, uint32_t *flags)
{
    *pc = toy_cpu_from_cs(cpu)->env.pc;
    *cs_base = 0;
    *flags = 0;
}

static uint64_t toy_get_code_phys(CPUState *cpu, uint64_t pc)
{
    ToyCPU *c = toy_cpu_from_cs(cpu);

    if ((pc & (TOY_INSN_SIZE - 1)) ||
        !toy_in_ram(c->machine, pc, TOY_INSN_SIZE)) {
        c->env.fault_addr = pc;
        cpu->exception_index = TOY_EXCP_BUS;
        cpu_loop_exit(cpu);
    }
    return pc;
}

static void toy_restore_state(CPUState *cpu, TranslationBlock *tb,
                              const uint64_t *data)
{
    toy_cpu_from_cs(cpu)->env.pc = data[0];
}

static void toy_synchronize_from_tb(CPUState *cpu,
                                    const TranslationBlock *tb)
{
    toy_cpu_from_cs(cpu)->env.pc = tb->pc;
}

const CPUArchOps toy_cpu_ops = {
    .name = "toy",
    .insn_start_words = 1,
    .get_tb_cpu_state = toy_get_tb_cpu_state,
    .get_code_phys = toy_get_code_phys,
    .translate = toy_translate,
    .restore_state = toy_restore_state,
    .synchronize_from_tb = toy_synchronize_from_tb,
};

/* ------------------------------------------------------------------ */
/* Set-up                                                              */

void toy_tcg_setup(void)
{
    IRContext *s = tcg_ir_context();

    toy_translate_init(s);
    s->mem_mode = IR_MEM_SOFTMMU;
    s->ld_slow = toy_ld_slow;
    s->st_slow = toy_st_slow;
    s->ld128_slow = toy_ld128_slow;
    s->st128_slow = toy_st128_slow;
    tb_set_code_page_notifier(toy_code_page_notify);
}

bool toy_tcg_init(const char *backend, size_t tb_size_mib, GError **errp)
{
    TCGOptions o = { .tb_size_mib = tb_size_mib, .backend = backend };

    if (!tcg_init(&o, errp)) {
        return false;
    }
    toy_tcg_setup();
    return true;
}

ToyMachine *toy_machine_new(uint64_t ram_base, uint64_t ram_size)
{
    ToyMachine *m = g_new0(ToyMachine, 1);
    ToyCPU *c;

    g_assert(!(ram_base & ~TARGET_PAGE_MASK));
    g_assert(!(ram_size & ~TARGET_PAGE_MASK) && ram_size > 0);
    m->ram = g_malloc0(ram_size);
    m->ram_base = ram_base;
    m->ram_size = ram_size;
    m->code_pages = g_malloc0(ram_size >> TARGET_PAGE_BITS);
    m->out = g_array_new(FALSE, FALSE, sizeof(uint64_t));

    c = g_new0(ToyCPU, 1);
    c->machine = m;
    m->cpu = c;
    cpu_init_common(&c->parent, &c->neg, &c->env, &toy_cpu_ops);
    toy_tlb_flush(c);
    for (int i = 0; i < IR_NB_MMU_MODES; i++) {
        c->neg.tlb[i].mask = 0;
        c->neg.tlb[i].table = &c->tlb_dummy;
    }
    c->neg.tlb[TOY_MMU_IDX].mask =
        (uintptr_t)(TOY_TLB_SIZE - 1) << TLB_ENTRY_BITS;
    c->neg.tlb[TOY_MMU_IDX].table = c->tlb;
    c->env.pc = ram_base;

    /*
     * TBs of an earlier machine are keyed by the same addresses.  An
     * earlier machine still alive (a test that failed half-way) stops
     * seeing code-page changes; it must not run any more.
     */
    if (toy_machines_created++) {
        tb_flush();
    }
    toy_cur_machine = m;
    return m;
}

void toy_machine_free(ToyMachine *m)
{
    if (!m) {
        return;
    }
    if (toy_cur_machine == m) {
        toy_cur_machine = NULL;
    }
    tb_flush();
    cpu_destroy_common(&m->cpu->parent);
    g_free(m->cpu);
    g_array_unref(m->out);
    g_free(m->code_pages);
    g_free(m->ram);
    g_free(m);
}

void *toy_machine_ptr(ToyMachine *m, uint64_t addr, size_t len)
{
    if (!toy_in_ram(m, addr, len)) {
        return NULL;
    }
    return m->ram + (addr - m->ram_base);
}

void toy_machine_load(ToyMachine *m, uint64_t addr, const void *data,
                      size_t len)
{
    void *p = toy_machine_ptr(m, addr, len);

    g_assert(p);
    tb_invalidate_phys_range(addr, addr + len);
    memcpy(p, data, len);
}

int toy_machine_run(ToyMachine *m)
{
    for (;;) {
        int r = cpu_exec(&m->cpu->parent);

        if (r != EXCP_INTERRUPT) {
            return r;
        }
    }
}

/* A watchdog that kicks the CPU out of generated code at a deadline. */
typedef struct ToyWatchdog {
    GMutex lock;
    GCond cond;
    bool done;
    bool fired;
    gint64 deadline;
    CPUState *cpu;
} ToyWatchdog;

static gpointer toy_watchdog_thread(gpointer opaque)
{
    ToyWatchdog *w = opaque;

    g_mutex_lock(&w->lock);
    while (!w->done) {
        if (!g_cond_wait_until(&w->cond, &w->lock, w->deadline)) {
            w->fired = true;
            cpu_exit(w->cpu);
            break;
        }
    }
    g_mutex_unlock(&w->lock);
    return NULL;
}

int toy_machine_run_timeout(ToyMachine *m, gint64 usec)
{
    ToyWatchdog w = { .cpu = &m->cpu->parent };
    GThread *t;
    int r;

    g_mutex_init(&w.lock);
    g_cond_init(&w.cond);
    w.deadline = g_get_monotonic_time() + usec;
    t = g_thread_new("toy-watchdog", toy_watchdog_thread, &w);
    for (;;) {
        r = cpu_exec(&m->cpu->parent);
        if (r != EXCP_INTERRUPT) {
            break;
        }
        g_mutex_lock(&w.lock);
        if (w.fired) {
            g_mutex_unlock(&w.lock);
            break;
        }
        g_mutex_unlock(&w.lock);
    }
    g_mutex_lock(&w.lock);
    w.done = true;
    g_cond_signal(&w.cond);
    g_mutex_unlock(&w.lock);
    g_thread_join(t);
    /* A kick that landed after we stopped must not leak into next run. */
    m->cpu->neg.exit_request = 0;
    g_mutex_clear(&w.lock);
    g_cond_clear(&w.cond);
    return r;
}

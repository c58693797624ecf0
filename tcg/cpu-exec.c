/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exec loop: find the next TB, chain to it, run it, read why it
 * stopped.
 *
 *     cpu_exec
 *       sigsetjmp(jmp_env)  <---------- cpu_loop_exit from helpers/faults
 *       loop:
 *         exception pending?     -> return it (cleared)
 *         interrupt_request?     -> ops->exec_interrupt
 *         exit_request?          -> clear, return EXCP_INTERRUPT
 *         tb = jump cache / hash / translate
 *         chain last TB's exit slot to tb (same page only)
 *         ret = backend->exec(env, tb->tc_ptr)
 *         ret = last TB | exit slot (0/1), or | TB_EXIT_REQUESTED,
 *               or | TB_EXIT_ICOUNT_EXPIRED (-icount budget: return, or
 *               run the rest of the budget as a shorter TB),
 *               or 0 (goto_ptr miss, exit_tb(0): nothing to chain)
 *
 * The jump cache is per vCPU, direct mapped, keyed by virtual pc only:
 * the memory system must call tb_jmp_cache_clear when code mappings
 * change.  helper_lookup_tb_ptr (indirect branches) consults only the
 * jump cache, so it never translates, never takes a lock and never
 * faults; a miss goes back here once and fills the cache.
 *
 * TB pointers seen by this loop are only trusted within one cache
 * generation (tb_ctx.generation): translating may evict the region the
 * previous TB lived in, and then we must not chain from it.
 */
#include <inttypes.h>
#include <string.h>

#include "kestrel/log.h"
#include "tb-internal.h"

/* ------------------------------------------------------------------ */
/* vCPU registration                                                   */

void cpu_init_common(CPUState *cpu, CPUNegState *neg, void *env,
                     const CPUArchOps *ops)
{
    cpu->ops = ops;
    cpu->env = env;
    cpu->neg = neg;
    neg->cpu = cpu;
    neg->exit_request = 0;
    neg->icount_decr = 0;
    cpu->exception_index = EXCP_NONE;
    cpu->tb_jmp_cache = tb_jmp_cache_new();

    /* Invalidation clears every registered vCPU's jump cache. */
    tb_lock();
    if (!tb_ctx.cpus) {
        tb_ctx.cpus = g_ptr_array_new();
    }
    g_ptr_array_add(tb_ctx.cpus, cpu);
    cpu->cpu_index = tb_ctx.next_cpu_index++;
    tb_unlock();
}

void cpu_destroy_common(CPUState *cpu)
{
    tb_lock();
    if (tb_ctx.cpus) {
        g_ptr_array_remove(tb_ctx.cpus, cpu);
    }
    tb_unlock();
    g_free(cpu->tb_jmp_cache);
    cpu->tb_jmp_cache = NULL;
}

void cpu_exit(CPUState *cpu)
{
    __atomic_store_n(&cpu->neg->exit_request, 1, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------------ */
/* Leaving generated code for the loop                                 */

G_NORETURN void cpu_loop_exit(CPUState *cpu)
{
    siglongjmp(cpu->jmp_env, 1);
}

bool cpu_restore_state(CPUState *cpu, uintptr_t host_pc)
{
    uint64_t data[IR_INSN_START_WORDS];
    TranslationBlock *tb = tb_find_by_host_pc(host_pc);

    if (!tb) {
        return false;
    }
    /*
     * The interpreter may report the write view; tb_restore_data wants
     * the execute view tb_find_by_host_pc matched.
     */
    if (host_pc - (uintptr_t)tb->tc_ptr >= tb->tc_size) {
        host_pc += tb_ctx.cb.rx_diff;
    }
    if (!tb_restore_data(tb, cpu->ops->insn_start_words, host_pc, data)) {
        return false;
    }
    cpu->ops->restore_state(cpu, tb, data);
    return true;
}

G_NORETURN void cpu_loop_exit_restore(CPUState *cpu, uintptr_t retaddr)
{
    if (retaddr) {
        cpu_restore_state(cpu, retaddr);
    }
    cpu_loop_exit(cpu);
}

/* ------------------------------------------------------------------ */
/* Finding the next TB                                                 */

static inline uint64_t jmp_cache_key(uint32_t flags, uint32_t cflags)
{
    return flags | (uint64_t)cflags << 32;
}

/*
 * The entry for pc, if it holds a TB for this key, else NULL.  Entries
 * are written only by this vCPU's thread (tc_ptr last); other threads
 * only clear tc_ptr and tb when they invalidate a TB, so a matching pc
 * and key with a non-NULL tc_ptr is a live TB for them.  cs_base is
 * compared through the TB only once some TB had a non-zero one (x86
 * segments; AArch64 never does), to keep the lookup on one line.
 */
static inline bool jmp_cache_match(const TBJmpCacheEntry *e, uint64_t pc,
                                   uint64_t key, uint64_t cs_base)
{
    if (e->pc != pc || e->key != key ||
        !__atomic_load_n(&e->tc_ptr, __ATOMIC_ACQUIRE)) {
        return false;
    }
    if (G_UNLIKELY(cs_base || tb_ctx.cs_base_seen)) {
        TranslationBlock *tb = __atomic_load_n(&e->tb, __ATOMIC_ACQUIRE);

        return tb && tb->cs_base == cs_base;
    }
    return true;
}

static inline const TBJmpCacheEntry *jmp_cache_get(CPUState *cpu,
                                                   uint64_t pc,
                                                   uint64_t cs_base,
                                                   uint32_t flags,
                                                   uint32_t cflags)
{
    const TBJmpCacheEntry *e = &cpu->tb_jmp_cache[tb_jmp_cache_hash(pc)];
    uint64_t key = jmp_cache_key(flags, cflags);

    if (jmp_cache_match(&e[0], pc, key, cs_base)) {
        return &e[0];
    }
    if (jmp_cache_match(&e[1], pc, key, cs_base)) {
        return &e[1];
    }
    return NULL;
}

static void jmp_cache_fill(TBJmpCacheEntry *e, TranslationBlock *tb,
                           uint64_t pc, uint64_t key, const void *tc_ptr)
{
    __atomic_store_n(&e->tc_ptr, NULL, __ATOMIC_RELAXED);
    e->pc = pc;
    e->key = key;
    __atomic_store_n(&e->tb, tb, __ATOMIC_RELAXED);
    __atomic_store_n(&e->tc_ptr, tc_ptr, __ATOMIC_RELEASE);
}

/* Put tb in way 0 of its set, moving way 0's entry to way 1. */
static void jmp_cache_set(CPUState *cpu, TranslationBlock *tb)
{
    TBJmpCacheEntry *e = &cpu->tb_jmp_cache[tb_jmp_cache_hash(tb->pc)];
    const void *tc0 = __atomic_load_n(&e[0].tc_ptr, __ATOMIC_ACQUIRE);
    TranslationBlock *tb0 = __atomic_load_n(&e[0].tb, __ATOMIC_RELAXED);

    tb_jmp_filter_set(cpu->tb_jmp_cache, tb->pc);
    if (tc0 && tb0 != tb) {
        jmp_cache_fill(&e[1], tb0, e[0].pc, e[0].key, tc0);
    }
    jmp_cache_fill(&e[0], tb, tb->pc, jmp_cache_key(tb->flags, tb->cflags),
                   tb->tc_ptr);
}

/* -d exec and -d cpu at a TB entered from the loop (-dfilter applies). */
static void log_tb_exec(CPUState *cpu, const TranslationBlock *tb)
{
    if (!log_in_filter(tb->pc)) {
        return;
    }
    if (log_enabled(LOG_CPU) && cpu->ops->dump_state) {
        cpu->ops->dump_state(cpu, log_file());
    }
    log_mask(LOG_EXEC, "Trace cpu=%d tb=%p pc=0x%" PRIx64 "\n",
             cpu->cpu_index, (void *)tb, tb->pc);
}

static TranslationBlock *tb_find(CPUState *cpu)
{
    uint64_t pc, cs_base;
    uint32_t flags, cflags = tb_cpu_cflags() | cpu->tcg_cflags;
    TranslationBlock *tb;

    const TBJmpCacheEntry *e;

    cpu->ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
    e = jmp_cache_get(cpu, pc, cs_base, flags, cflags);
    tb = e ? __atomic_load_n(&e->tb, __ATOMIC_RELAXED) : NULL;
    if (!tb) {
        tb_ctx.stats.hash_lookups++;
        /* One locked hash lookup, translating on a miss. */
        tb = tb_gen_code(cpu, pc, cs_base, flags, cflags);
        jmp_cache_set(cpu, tb);
    }
    return tb;
}

/* Hot: every indirect branch of the guest goes through here. */
const void *helper_lookup_tb_ptr(void *env)
{
    CPUState *cpu = env_cpu(env);
    uint64_t pc, cs_base;
    uint32_t flags;
    const TBJmpCacheEntry *e;

    const CPUArchOps *ops = cpu->ops;

    if (G_LIKELY(ops->tb_flags_offset)) {
        pc = *(const uint64_t *)((const char *)env + ops->tb_pc_offset);
        flags = *(const uint32_t *)((const char *)env +
                                    ops->tb_flags_offset);
        cs_base = 0;
    } else {
        ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
    }
    e = jmp_cache_get(cpu, pc, cs_base, flags, tb_cpu_cflags());
    if (G_UNLIKELY(!e)) {
        tb_ctx.stats.lookup_misses++;
        return tb_ctx.epilogue_rx;
    }
    if (G_UNLIKELY(log_tb_enabled(LOG_EXEC, pc))) {
        log_printf("Trace cpu=%d tb=%p pc=0x%" PRIx64 " (lookup)\n",
                   cpu->cpu_index, (void *)e->tb, pc);
    }
    return e->tc_ptr;
}

const IRHelperInfo helper_info_lookup_tb_ptr = {
    .func = (void *)helper_lookup_tb_ptr,
    .name = "lookup_tb_ptr",
    /* Reads pc & co. through env; writes nothing; never longjmps. */
    .flags = IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_RAISE,
    .nb_args = 1,
    .ret_type = IR_I64,
    .arg_types = { IR_I64 },
};

/* ------------------------------------------------------------------ */
/* The loop                                                            */

/* Deliver pending interrupts; true if the guest state changed. */
static bool cpu_handle_interrupt(CPUState *cpu)
{
    int req = cpu->interrupt_request;

    /* Not while the debugger steps (QEMU's default: no IRQ in a step). */
    return req && !cpu->tcg_cflags && cpu->ops->exec_interrupt &&
           cpu->ops->exec_interrupt(cpu, req);
}

/*
 * -icount: the next TB did not fit in what is left of the budget
 * (TB_EXIT_ICOUNT_EXPIRED with icount_decr > 0).  Run a TB of at most
 * that many insns, never chained from, so the budget ends exactly.
 */
static TranslationBlock *tb_find_icount_tail(CPUState *cpu)
{
    int32_t n = MIN(cpu->neg->icount_decr, CF_COUNT_MASK);
    uint64_t pc, cs_base;
    uint32_t flags;

    if (n <= 0) {
        return tb_find(cpu);
    }
    cpu->ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
    return tb_gen_code(cpu, pc, cs_base, flags,
                       tb_cpu_cflags() | CF_NO_CHAIN | (uint32_t)n);
}

/*
 * Separate from cpu_exec so nothing here lives across the sigsetjmp:
 * after a longjmp we simply call it again with fresh locals.
 */
static int cpu_exec_loop(CPUState *cpu)
{
    TranslationBlock *last_tb = NULL;
    uint64_t last_gen = 0;
    int tb_exit = 0;
    bool icount_tail = false;

    for (;;) {
        TranslationBlock *tb;
        uint64_t gen;
        uintptr_t ret;

        if (cpu->exception_index != EXCP_NONE) {
            int excp = cpu->exception_index;

            cpu->exception_index = EXCP_NONE;
            return excp;
        }
        if (cpu_handle_interrupt(cpu)) {
            last_tb = NULL;
            continue;   /* it may have raised an exception */
        }
        if (__atomic_load_n(&cpu->neg->exit_request, __ATOMIC_ACQUIRE)) {
            __atomic_store_n(&cpu->neg->exit_request, 0, __ATOMIC_RELAXED);
            return EXCP_INTERRUPT;
        }

        tb = icount_tail ? tb_find_icount_tail(cpu) : tb_find(cpu);
        icount_tail = false;
        gen = __atomic_load_n(&tb_ctx.generation, __ATOMIC_ACQUIRE);
        if (last_tb) {
            /* A translation may have evicted last_tb: check gen. */
            tb_add_jump(last_tb, tb_exit, tb, last_gen);
        }
        if (G_UNLIKELY(kestrel_log_mask & (LOG_EXEC | LOG_CPU))) {
            log_tb_exec(cpu, tb);
        }

        ret = tb_ctx.backend->exec(cpu->env, tb->tc_ptr);

        last_tb = (TranslationBlock *)(ret & ~(uintptr_t)TB_EXIT_MASK);
        tb_exit = ret & TB_EXIT_MASK;
        if (G_UNLIKELY(tb->cflags & CF_SINGLE_STEP) &&
            tb_exit < TB_EXIT_ICOUNT_EXPIRED) {
            /* The stepped insn ran (unchained: tb is the one that ran). */
            return EXCP_DEBUG;
        }
        last_gen = gen;
        if (tb_exit >= TB_EXIT_ICOUNT_EXPIRED) {
            /* Stopped at the entry of last_tb, before any of its insns. */
            if (last_tb && cpu->ops->synchronize_from_tb) {
                cpu->ops->synchronize_from_tb(cpu, last_tb);
            }
            last_tb = NULL;
            if (tb_exit == TB_EXIT_ICOUNT_EXPIRED) {
                /* Budget spent: the vCPU loop runs timers, refills. */
                if (cpu->neg->icount_decr <= 0) {
                    return EXCP_INTERRUPT;
                }
                icount_tail = true;
            }
        }
    }
}

static bool cpu_handle_halt(CPUState *cpu)
{
    if (!cpu->halted) {
        return false;
    }
    /* Without a has-work hook, any pending interrupt line wakes us. */
    if (!cpu->interrupt_request) {
        return true;
    }
    cpu->halted = false;
    return false;
}

__thread CPUState *current_cpu;

int cpu_exec(CPUState *cpu)
{
    g_assert(tb_ctx.initialized);
    /* Devices with per-CPU banked registers (the GIC) ask who is calling. */
    current_cpu = cpu;
    if (cpu_handle_halt(cpu)) {
        return EXCP_HLT;
    }
    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        /* Unwound out of generated code, a helper or the translator. */
        tcg_interp_pc = 0;
        if (tb_lock_held) {
            tb_unlock();
        }
    }
    return cpu_exec_loop(cpu);
}

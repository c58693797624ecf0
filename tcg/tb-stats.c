/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hottest TBs, shown the way a student wants to watch translation:
 * each guest instruction of a TB with the IR ops it became and the host
 * instructions those ops became.
 *
 *     $ kestrel-aarch64 -d tb_stats ./prog          (listing at exit)
 *     (qemu) info tbs 5                              (system mode monitor)
 *
 *     TB 1/5: pc 0x400f10, executed 1200000 times (31.2% of counted),
 *             4 guest insns -> 87 host bytes
 *       ---- 0x400f10:  add  x0, x0, #1
 *            IR    add_i64 x0,x0,$0x1
 *            host  0x7f3a12c004c0:  add  rbx, 1
 *       ...
 *
 * Counts are exact: with -d tb_stats the translator starts every TB
 * with an increment of tb->exec_count (ir_gen_tb_start), so chained
 * executions count too.  TBs translated before tb_stats was switched on
 * have no counter.
 *
 * Guest code and IR are not kept per TB (that would cost more memory
 * than the code itself); the listed TBs are translated again, from the
 * CPU's current address space, into a scratch IR context.  A TB whose pc
 * no longer maps to the same physical page there (another process's
 * code, in system mode) is listed with its host code only.  The host
 * code is split per guest instruction by the restore data every TB
 * carries (the same data that rebuilds guest state after a fault).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <string.h>

#include "kestrel/log.h"
#include "tb-internal.h"

static gint tb_hotter(gconstpointer a, gconstpointer b)
{
    const TranslationBlock *x = *(TranslationBlock *const *)a;
    const TranslationBlock *y = *(TranslationBlock *const *)b;

    return x->exec_count < y->exec_count ? 1 :
           x->exec_count > y->exec_count ? -1 : 0;
}

/* Live TBs that ran at least once, hottest first; *total gets the sum. */
static GPtrArray *tb_collect_hot(uint64_t *total)
{
    GPtrArray *hot = g_ptr_array_new();
    CodeBuffer *cb = &tb_ctx.cb;

    *total = 0;
    for (unsigned r = 0; r < cb->nb_regions; r++) {
        GPtrArray *tbs = cb->regions[r].tbs;

        for (guint i = 0; tbs && i < tbs->len; i++) {
            TranslationBlock *tb = g_ptr_array_index(tbs, i);

            if (!(tb->cflags & CF_INVALID) && tb->exec_count) {
                g_ptr_array_add(hot, tb);
                *total += tb->exec_count;
            }
        }
    }
    g_ptr_array_sort(hot, tb_hotter);
    return hot;
}

/* Host code end offset of each guest insn of tb, from its restore data. */
static unsigned tb_insn_ends(const TranslationBlock *tb, unsigned words,
                             uint32_t *ends, unsigned max)
{
    const uint8_t *p = (const uint8_t *)tb->tc_ptr - tb_ctx.cb.rx_diff +
                       tb->insn_data_off;
    uint64_t n, v, end = 0;
    unsigned i;

    p = tb_get_leb(p, &n, false);
    for (i = 0; i < n && i < max; i++) {
        for (unsigned j = 0; j < words; j++) {
            p = tb_get_leb(p, &v, true);
        }
        p = tb_get_leb(p, &v, false);
        end += v;
        ends[i] = (uint32_t)end;
    }
    return i;
}

typedef struct Retranslation {
    bool ok;
    IRContext *ir;          /* tb_ctx.ir: the frontend's globals live there */
    char **guest;           /* in_asm line of each insn */
    unsigned nb_guest;
} Retranslation;

/*
 * Translate tb's code again into the translator's IR context (we hold
 * the TB lock, so nobody else translates), capturing the frontend's
 * in_asm lines.  A fetch fault (the code is not mapped now) lands in our
 * sigsetjmp and leaves rt->ok false.  No host code is generated.
 */
static void tb_retranslate(CPUState *cpu, TranslationBlock *tb,
                           Retranslation *rt)
{
    uint32_t size = tb->size;
    uint16_t icount = tb->icount;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    FILE *old_stream;
    int old_mask = kestrel_log_mask;

    rt->ir = &tb_ctx.ir;
    ir_context_reset(rt->ir);
    rt->ir->insn_start_words = cpu->ops->insn_start_words;
    old_stream = log_swap_file(mem);
    kestrel_log_mask = LOG_IN_ASM;
    if (sigsetjmp(cpu->jmp_env, 0) == 0 &&
        cpu->ops->get_code_phys(cpu, tb->pc) == tb->phys_pc) {
        /* The same code comes out: only size and icount are rewritten. */
        cpu->ops->translate(cpu, rt->ir, tb, icount);
        if (rt->ir->optimize) {
            ir_optimize(rt->ir);
        }
        rt->ok = true;
    }
    tb->size = size;
    tb->icount = icount;
    cpu->exception_index = EXCP_NONE;
    kestrel_log_mask = old_mask;
    log_swap_file(old_stream);
    fclose(mem);
    if (rt->ok) {
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        GPtrArray *g = g_ptr_array_new();

        for (char **l = lines; *l; l++) {
            if (g_str_has_prefix(*l, "0x")) {
                g_ptr_array_add(g, g_strdup(*l));
            }
        }
        rt->nb_guest = g->len;
        g_ptr_array_add(g, NULL);
        rt->guest = (char **)g_ptr_array_free(g, false);
    }
    free(text);
}

/* The IR ops of guest insn k (between its insn_start and the next). */
static void dump_insn_ir(FILE *f, IRContext *s, unsigned k)
{
    unsigned seen = 0;

    for (uint32_t i = 0; i < s->nb_ops; i++) {
        const IROp *op = &s->ops[i];

        if (op->opc == IR_OP_insn_start) {
            seen++;
            continue;
        }
        if (seen == k + 1 && op->opc != IR_OP_nop) {
            fprintf(f, "           IR  ");
            ir_dump_op(s, f, op);
        }
    }
}

static void dump_host(FILE *f, const TranslationBlock *tb, uint32_t from,
                      uint32_t to)
{
    if (to > from && tb_ctx.backend->disas) {
        tb_ctx.backend->disas(f, (const uint8_t *)tb->tc_ptr + from,
                              to - from);
    }
}

static void dump_one(FILE *f, CPUState *cpu, TranslationBlock *tb,
                     unsigned rank, unsigned n, uint64_t total)
{
    uint32_t ends[IR_MAX_INSNS];
    unsigned words = cpu ? cpu->ops->insn_start_words : 1;
    unsigned ni = tb_insn_ends(tb, words, ends, IR_MAX_INSNS);
    Retranslation rt = { 0 };
    uint32_t start;

    fprintf(f, "TB %u/%u: pc 0x%" PRIx64 " (phys 0x%" PRIx64 "), executed "
            "%" PRIu64 " times (%.1f%% of counted), %u guest insns -> %u "
            "host bytes\n", rank, n, tb->pc, tb->phys_pc, tb->exec_count,
            total ? 100.0 * tb->exec_count / total : 0.0, tb->icount,
            tb->tc_size);
    if (cpu) {
        tb_retranslate(cpu, tb, &rt);
    }
    if (!rt.ok) {
        fprintf(f, "  (guest code not mapped in the current address space:"
                " host code only)\n");
    }
    start = 0;
    for (unsigned k = 0; k < ni; k++) {
        if (rt.ok && k < rt.nb_guest) {
            fprintf(f, "  %s\n", rt.guest[k]);
            dump_insn_ir(f, rt.ir, k);
        } else {
            fprintf(f, "  insn %u\n", k);
        }
        if (!k) {
            fprintf(f, "           (host code from the TB entry: exit "
                    "check, counter)\n");
        }
        dump_host(f, tb, start, ends[k]);
        start = ends[k];
    }
    fprintf(f, "  exits and slow paths\n");
    dump_host(f, tb, start, tb->tc_size);
    fprintf(f, "\n");
    g_strfreev(rt.guest);
}

void tcg_dump_hot_tbs(FILE *f, unsigned n)
{
    CPUState *cpu = NULL;
    GPtrArray *hot;
    uint64_t total;

    tb_lock();
    if (!tb_ctx.initialized) {
        tb_unlock();
        return;
    }
    if (tb_ctx.cpus && tb_ctx.cpus->len) {
        cpu = g_ptr_array_index(tb_ctx.cpus, 0);
    }
    hot = tb_collect_hot(&total);
    if (!hot->len) {
        fprintf(f, "No TB execution counts (they are kept with -d tb_stats "
                "from translation on).\n");
    } else {
        fprintf(f, "Hottest TBs (%u of %u counted, %" PRIu64 " executions):"
                "\n\n", MIN(n, hot->len), hot->len, total);
    }
    for (unsigned i = 0; i < n && i < hot->len; i++) {
        dump_one(f, cpu, g_ptr_array_index(hot, i), i + 1, MIN(n, hot->len),
                 total);
    }
    g_ptr_array_free(hot, true);
    tb_unlock();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every frontend emits at both ends of a TB.
 *
 * A vCPU running chained TBs never returns to the exec loop by itself,
 * so each TB starts by testing exit_request (set by cpu_exit from another
 * thread, a device raising an interrupt, the monitor):
 *
 *     ld_i32   tmp, env, CPU_NEG_OFFSET(exit_request)
 *     brcond   tmp, 0, ne, $L_exit
 *     ... the guest instructions, ending in goto_tb / exit_tb ...
 *   $L_exit:
 *     exit_tb  tb | TB_EXIT_REQUESTED
 *
 * The exit happens before the first instruction ran, so the exec loop
 * knows the guest pc is tb->pc (ops->synchronize_from_tb).
 *
 * A TB translated with CF_USE_ICOUNT (-icount) also pays for its
 * instructions up front, from the budget the vCPU loop gave it:
 *
 *     mov_i32  n, <tb->icount>           // patched by ir_gen_tb_end
 *     ld_i32   cnt, env, CPU_NEG_OFFSET(icount_decr)
 *     sub_i32  cnt, cnt, n
 *     brcond   cnt, 0, lt, $L_icount
 *     st_i32   cnt, env, CPU_NEG_OFFSET(icount_decr)
 *     ...
 *   $L_icount:
 *     exit_tb  tb | TB_EXIT_ICOUNT_EXPIRED
 *
 * so a TB never starts unless the whole of it fits in the budget (the
 * exec loop then runs the rest with a shorter TB, or returns).
 *
 * Usage in a frontend's translate hook:
 *
 *     ir_gen_tb_start(s, tb);
 *     for (each insn) { ir_insn_start(s, pc, ...); ... }
 *     ir_gen_tb_end(s, tb);
 *
 * The label lives in a per-thread variable: a thread translates one TB at
 * a time, and IRContext has no field for it.
 */
#include "tb-internal.h"

static __thread IRLabel exit_label;
static __thread const TranslationBlock *exit_label_tb;
static __thread IRLabel icount_label;
static __thread uint32_t icount_mov_op; /* index of the mov to patch */

static void gen_icount_start(IRContext *s)
{
    IRTemp n = ir_temp_new(s, IR_I32);
    IRTemp cnt = ir_temp_new(s, IR_I32);

    icount_label = ir_label_new(s);
    ir_movi(s, n, 0);
    icount_mov_op = s->nb_ops - 1;
    ir_ld(s, cnt, s->env, CPU_NEG_OFFSET(icount_decr), MO_32);
    ir_sub(s, cnt, cnt, n);
    ir_brcond(s, IR_COND_LT, cnt, ir_const_i32(s, 0), icount_label);
    ir_st(s, cnt, s->env, CPU_NEG_OFFSET(icount_decr), MO_32);
}

void ir_gen_tb_start(IRContext *s, TranslationBlock *tb)
{
    IRTemp flag = ir_temp_new(s, IR_I32);

    exit_label = ir_label_new(s);
    exit_label_tb = tb;
    ir_ld(s, flag, s->env, CPU_NEG_OFFSET(exit_request), MO_32);
    ir_brcond(s, IR_COND_NE, flag, ir_const_i32(s, 0), exit_label);
    if (tb->cflags & CF_USE_ICOUNT) {
        gen_icount_start(s);
    }
    if (G_UNLIKELY(log_enabled(LOG_TB_STATS))) {
        /* Exact counts, chained or not, for the hot-TB listing. */
        IRTemp p = ir_const(s, IR_I64, (int64_t)(uintptr_t)&tb->exec_count);
        IRTemp n = ir_temp_new(s, IR_I64);

        ir_ld(s, n, p, 0, MO_64);
        ir_addi(s, n, n, 1);
        ir_st(s, n, p, 0, MO_64);
    }
}

void ir_gen_tb_end(IRContext *s, TranslationBlock *tb)
{
    /* The exit value carries the TB pointer in its low-bit-free part. */
    g_assert(((uintptr_t)tb & TB_EXIT_MASK) == 0);
    g_assert(exit_label_tb == tb);
    ir_set_label(s, exit_label);
    ir_exit_tb(s, (uintptr_t)tb | TB_EXIT_REQUESTED);
    if (tb->cflags & CF_USE_ICOUNT) {
        /* The frontend has set tb->icount by now. */
        g_assert(s->ops[icount_mov_op].opc == IR_OP_mov);
        s->ops[icount_mov_op].args[1] = ir_const_i32(s, tb->icount);
        ir_set_label(s, icount_label);
        ir_exit_tb(s, (uintptr_t)tb | TB_EXIT_ICOUNT_EXPIRED);
    }
    exit_label_tb = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 system-mode instructions (a64-sys.decode) and the translation of
 * system register accesses in system mode.
 *
 * Everything privileged is checked at run time by the system runtime
 * (A64SysHooks, installed by aarch64_cpu_create_system): the helpers
 * here only forward to it, so this file -- linked into user mode too --
 * references nothing of softmmu.  In user mode (ctx->sysmode false) the
 * instructions of this file are UNDEF.
 *
 * Any instruction that may change the EL, PSTATE.DAIF, the MMU or the
 * FP trap ends the TB with exit_tb(0), so the exec loop recomputes the TB
 * flags and offers pending interrupts before going on.
 */
#include "translate.h"
#include "cpu-internal.h"

#include "decode-a64-sys.c.inc"

const A64SysHooks *a64_sys_hooks;

/* ------------------------------------------------------------------ */
/* Helpers (forwarders)                                                */

static uint64_t helper_a64_sysreg_read(void *env, uint32_t key)
{
    return a64_sys_hooks->sysreg_read(env, key, GETPC());
}

static void helper_a64_sysreg_write(void *env, uint32_t key, uint64_t val)
{
    a64_sys_hooks->sysreg_write(env, key, val, GETPC());
}

static void helper_a64_eret(void *env)
{
    a64_sys_hooks->eret(env);
}

static void helper_a64_msr_pstate(void *env, uint32_t op, uint32_t imm)
{
    a64_sys_hooks->msr_pstate(env, op, imm, GETPC());
}

static void helper_a64_wfi(void *env)
{
    a64_sys_hooks->wfi(env);
}

/* Reads SP through env (SP_EL0 when SPSel = 0): may read globals. */
static const IRHelperInfo helper_info_a64_sysreg_read = {
    .func = (void *)helper_a64_sysreg_read,
    .name = "a64_sysreg_read",
    .flags = IR_CALL_NO_WRITE_GLOBALS,
    .nb_args = 2,
    .ret_type = IR_I64,
    .arg_types = { IR_I64, IR_I32 },
};

static const IRHelperInfo helper_info_a64_sysreg_write = {
    .func = (void *)helper_a64_sysreg_write,
    .name = "a64_sysreg_write",
    .flags = 0,
    .nb_args = 3,
    .ret_type = IR_VOID,
    .arg_types = { IR_I64, IR_I32, IR_I64 },
};

static const IRHelperInfo helper_info_a64_eret = {
    .func = (void *)helper_a64_eret,
    .name = "a64_eret",
    .flags = 0,
    .nb_args = 1,
    .ret_type = IR_VOID,
    .arg_types = { IR_I64 },
};

static const IRHelperInfo helper_info_a64_msr_pstate = {
    .func = (void *)helper_a64_msr_pstate,
    .name = "a64_msr_pstate",
    .flags = 0,
    .nb_args = 3,
    .ret_type = IR_VOID,
    .arg_types = { IR_I64, IR_I32, IR_I32 },
};

static const IRHelperInfo helper_info_a64_wfi = {
    .func = (void *)helper_a64_wfi,
    .name = "a64_wfi",
    .flags = IR_CALL_NO_WRITE_GLOBALS,
    .nb_args = 1,
    .ret_type = IR_VOID,
    .arg_types = { IR_I64 },
};

/* ------------------------------------------------------------------ */
/* Translation                                                         */

/* pc = next insn, back to the exec loop (flags, interrupts). */
static void gen_exit_to_loop(DisasContext *ctx)
{
    ir_movi(ctx->s, cpu_pc, (int64_t)ctx->pc_next);
    ir_exit_tb(ctx->s, 0);
    ctx->base_is_jmp = DISAS_NORETURN;
}

void a64_sys_gen_sysreg(DisasContext *ctx, uint32_t key, int rt,
                        bool isread)
{
    IRContext *s = ctx->s;

    /* Raising helpers need an exact pc. */
    ir_movi(s, cpu_pc, (int64_t)ctx->pc_curr);
    if (isread) {
        IRTemp d = ir_temp_new(s, IR_I64);

        /* Rt rides above the 16-bit encoding, for trap syndromes. */
        ir_call(s, &helper_info_a64_sysreg_read, d,
                (IRTemp[]){ s->env,
                            ir_const_i32(s, (int32_t)(key | rt << 16)) });
        write_cpu_reg(ctx, rt, d, true);
        return;
    }
    ir_call(s, &helper_info_a64_sysreg_write, 0,
            (IRTemp[]){ s->env, ir_const_i32(s, (int32_t)(key | rt << 16)),
                        cpu_reg(ctx, rt) });
    gen_exit_to_loop(ctx);
}

void a64_sys_gen_wfi(DisasContext *ctx)
{
    IRContext *s = ctx->s;

    ir_movi(s, cpu_pc, (int64_t)ctx->pc_next);
    ir_call(s, &helper_info_a64_wfi, 0, (IRTemp[]){ s->env });
    ir_exit_tb(s, 0);
    ctx->base_is_jmp = DISAS_NORETURN;
}

static bool trans_ERET(DisasContext *ctx, arg_ERET *a)
{
    IRContext *s = ctx->s;

    if (!ctx->sysmode || ctx->el == 0) {
        return false;
    }
    ir_call(s, &helper_info_a64_eret, 0, (IRTemp[]){ s->env });
    ir_exit_tb(s, 0);
    ctx->base_is_jmp = DISAS_NORETURN;
    return true;
}

/* HVC/SMC: the runtime decides (PSCI, route, or UDEF) in do_interrupt. */
static bool trans_HVC(DisasContext *ctx, arg_HVC *a)
{
    if (!ctx->sysmode || ctx->el == 0) {
        return false;
    }
    gen_exception_insn_next(ctx, EXCP_HVC, (uint32_t)EC_AA64_HVC << 26 |
                            1u << 25 | a->imm);
    return true;
}

static bool trans_SMC(DisasContext *ctx, arg_SMC *a)
{
    if (!ctx->sysmode || ctx->el == 0) {
        return false;
    }
    gen_exception_insn_next(ctx, EXCP_SMC, (uint32_t)EC_AA64_SMC << 26 |
                            1u << 25 | a->imm);
    return true;
}

static bool trans_MSR_i(DisasContext *ctx, arg_MSR_i *a)
{
    IRContext *s = ctx->s;
    uint32_t op = (uint32_t)(a->op1 << 3 | a->op2);

    if (!ctx->sysmode || ctx->el == 0) {
        return false;
    }
    /* SPSel (0:5), DAIFSet (3:6), DAIFClr (3:7); no PAN/UAO/SSBS. */
    if (op != 5 && op != (3 << 3 | 6) && op != (3 << 3 | 7)) {
        return false;
    }
    ir_movi(s, cpu_pc, (int64_t)ctx->pc_curr);
    ir_call(s, &helper_info_a64_msr_pstate, 0,
            (IRTemp[]){ s->env, ir_const_i32(s, (int32_t)op),
                        ir_const_i32(s, a->crm) });
    gen_exit_to_loop(ctx);
    return true;
}

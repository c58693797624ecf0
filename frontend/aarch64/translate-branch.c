/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 branches, exception generation and system instructions at EL0
 * (a64-branch.decode).
 *
 * System registers reachable from EL0 under Linux: NZCV, FPCR, FPSR,
 * TPIDR_EL0, TPIDRRO_EL0 (read), CNTVCT_EL0 and CNTFRQ_EL0 (read), CTR_EL0,
 * DCZID_EL0, and the ID register space op0=3, op1=0, CRn=0 that Linux
 * emulates for HWCAP_CPUID.  Anything else is UDEF, logged under -d unimp.
 */
#include "translate.h"
#include "cpu-internal.h"
#include "helper.h"

#include "decode-a64-branch.c.inc"

/* ------------------------------------------------------------------ */
/* Branches                                                            */

static bool trans_B(DisasContext *ctx, arg_B *a)
{
    gen_goto_tb(ctx, 0, ctx->pc_curr + (int64_t)a->imm * 4);
    return true;
}

static bool trans_BL(DisasContext *ctx, arg_BL *a)
{
    ir_movi(ctx->s, cpu_X[30], (int64_t)ctx->pc_next);
    gen_goto_tb(ctx, 0, ctx->pc_curr + (int64_t)a->imm * 4);
    return true;
}

/* Branch to target if (value cond 0), else fall through; ends the TB. */
static void gen_cond_branch(DisasContext *ctx, IRCond cond, IRTemp value,
                            uint64_t target)
{
    IRContext *s = ctx->s;
    IRLabel taken = ir_label_new(s);

    ir_brcond(s, cond, value, ir_const(s, ir_temp_type(s, value), 0),
              taken);
    gen_goto_tb(ctx, 0, ctx->pc_next);
    ir_set_label(s, taken);
    gen_goto_tb(ctx, 1, target);
}

static bool trans_CBZ(DisasContext *ctx, arg_CBZ *a)
{
    IRTemp t = read_cpu_reg(ctx, a->rt, a->sf);

    gen_cond_branch(ctx, a->op ? IR_COND_NE : IR_COND_EQ, t,
                    ctx->pc_curr + (int64_t)a->imm * 4);
    return true;
}

static bool trans_TBZ(DisasContext *ctx, arg_TBZ *a)
{
    IRContext *s = ctx->s;
    unsigned bit = a->b5 << 5 | a->b40;
    IRTemp t = ir_temp_new(s, IR_I64);

    ir_andi(s, t, cpu_reg(ctx, a->rt), (int64_t)(1ull << bit));
    gen_cond_branch(ctx, a->op ? IR_COND_NE : IR_COND_EQ, t,
                    ctx->pc_curr + (int64_t)a->imm * 4);
    return true;
}

static bool trans_B_cond(DisasContext *ctx, arg_B_cond *a)
{
    uint64_t target = ctx->pc_curr + (int64_t)a->imm * 4;
    DisasCompare c;

    a64_test_cc(ctx, &c, a->cond);
    if (c.cond == IR_COND_ALWAYS) {
        gen_goto_tb(ctx, 0, target);
    } else {
        gen_cond_branch(ctx, c.cond, c.value, target);
    }
    return true;
}

static bool trans_BR(DisasContext *ctx, arg_BR *a)
{
    IRContext *s = ctx->s;
    IRTemp dest = ir_temp_new(s, IR_I64);

    if (a->opc > 2) {
        return false;
    }
    /* Read before writing LR: BLR x30 jumps to the old x30. */
    ir_mov(s, dest, cpu_reg(ctx, a->rn));
    if (a->opc == 1) {
        ir_movi(s, cpu_X[30], (int64_t)ctx->pc_next);
    }
    ir_mov(s, cpu_pc, dest);
    gen_jump_indirect(ctx);
    return true;
}

/* ------------------------------------------------------------------ */
/* Exceptions                                                          */

static bool trans_SVC(DisasContext *ctx, arg_SVC *a)
{
    gen_exception_insn_next(ctx, EXCP_SWI, syn_aa64_svc(a->imm));
    return true;
}

static bool trans_BRK(DisasContext *ctx, arg_BRK *a)
{
    gen_exception_insn(ctx, EXCP_BKPT, syn_aa64_bkpt(a->imm));
    return true;
}

static bool trans_HLT(DisasContext *ctx, arg_HLT *a)
{
    /* Halting debug is not enabled at EL0: HLT is UNDEFINED. */
    unallocated_encoding(ctx);
    return true;
}

/* ------------------------------------------------------------------ */
/* Hints and barriers                                                  */

static bool trans_HINT(DisasContext *ctx, arg_HINT *a)
{
    if (ctx->sysmode && a->crm == 0 && a->op2 == 3) {
        a64_sys_gen_wfi(ctx);
        return true;
    }
    /*
     * NOP, YIELD, WFE, WFI, SEV, SEVL, ESB, PSB, CSDB, BTI, the PAC hints
     * we do not implement: all execute as NOP at EL0 in user mode.
     */
    return true;
}

static bool trans_BARRIER(DisasContext *ctx, arg_BARRIER *a)
{
    IRContext *s = ctx->s;

    switch (a->op2) {
    case 2: /* CLREX */
        ir_st(s, ir_const_i64(s, -1), s->env,
              offsetof(CPUARMState, exclusive_addr), MO_64);
        return true;
    case 4: /* DSB */
    case 5: /* DMB */
        if (a->op2 == 4 && (a->crm & 3) == 0) {
            return false;   /* DSB with CRm<1:0> == 0: SSBB, PSSBB, nXS */
        }
        ir_mb(s, IR_MB_ALL);
        return true;
    case 6: /* ISB: refetch what follows */
        ir_mb(s, IR_MB_ALL);
        ctx->base_is_jmp = DISAS_UPDATE_NEXT;
        return true;
    default:
        return false;
    }
}

/* ------------------------------------------------------------------ */
/* SYS: cache maintenance                                              */

static bool trans_SYS(DisasContext *ctx, arg_SYS *a)
{
    IRContext *s = ctx->s;

    if (ctx->sysmode && !(a->op1 == 3 && a->crn == 7 && a->crm == 4 &&
                          a->op2 == 1)) {
        a64_sys_gen_sysreg(ctx, A64_SYSREG(1, a->op1, a->crn, a->crm, a->op2),
                           a->rt, false);
        return true;
    }
    if (a->op1 != 3 || a->crn != 7 || a->op2 != 1) {
        return unimplemented(ctx, "SYS operation at EL0");
    }
    switch (a->crm) {
    case 4: /* DC ZVA */
        ir_call(s, &helper_info_a64_dc_zva, 0,
                (IRTemp[]){ s->env, cpu_reg(ctx, a->rt) });
        return true;
    case 5: /* IC IVAU: the code may have changed, leave the TB */
        ctx->base_is_jmp = DISAS_UPDATE_NEXT;
        return true;
    case 10: /* DC CVAC */
    case 11: /* DC CVAU */
    case 14: /* DC CIVAC */
        return true;
    default:
        return unimplemented(ctx, "DC/IC operation at EL0");
    }
}

/* ------------------------------------------------------------------ */
/* MRS / MSR                                                           */

#define SYSREG(op0, op1, crn, crm, op2) \
    ((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))

enum {
    REG_NZCV = SYSREG(3, 3, 4, 2, 0),
    REG_FPCR = SYSREG(3, 3, 4, 4, 0),
    REG_FPSR = SYSREG(3, 3, 4, 4, 1),
    REG_TPIDR_EL0 = SYSREG(3, 3, 13, 0, 2),
    REG_TPIDRRO_EL0 = SYSREG(3, 3, 13, 0, 3),
    REG_CNTFRQ_EL0 = SYSREG(3, 3, 14, 0, 0),
    REG_CNTVCT_EL0 = SYSREG(3, 3, 14, 0, 2),
    REG_CTR_EL0 = SYSREG(3, 3, 0, 0, 1),
    REG_DCZID_EL0 = SYSREG(3, 3, 0, 0, 7),
};

/* Registers translated inline in every mode. */
static bool sysreg_is_inline(unsigned key)
{
    return key == REG_NZCV || key == REG_FPCR || key == REG_FPSR ||
           key == REG_TPIDR_EL0;
}

static void gen_read_nzcv(DisasContext *ctx, IRTemp d)
{
    IRContext *s = ctx->s;
    IRTemp t = ir_temp_new(s, IR_I32), u = ir_temp_new(s, IR_I32);

    ir_andi(s, t, cpu_NF, (int32_t)0x80000000);
    ir_setcond(s, IR_COND_EQ, u, cpu_ZF, ir_const_i32(s, 0));
    ir_deposit(s, t, t, u, 30, 1);
    ir_deposit(s, t, t, cpu_CF, 29, 1);
    ir_shr(s, u, cpu_VF, ir_const_i32(s, 31));
    ir_deposit(s, t, t, u, 28, 1);
    ir_extu_i32_i64(s, d, t);
}

static void gen_write_nzcv(DisasContext *ctx, IRTemp v)
{
    IRContext *s = ctx->s;
    IRTemp t = ir_temp_new(s, IR_I32);

    ir_extrl_i64_i32(s, t, v);
    ir_andi(s, cpu_NF, t, (int32_t)0x80000000);
    ir_not(s, cpu_ZF, t);
    ir_andi(s, cpu_ZF, cpu_ZF, 1 << 30);
    ir_extract(s, cpu_CF, t, 29, 1);
    ir_shl(s, cpu_VF, t, ir_const_i32(s, 3));
    ir_andi(s, cpu_VF, cpu_VF, (int32_t)0x80000000);
}

static bool trans_MRS(DisasContext *ctx, arg_MRS *a)
{
    IRContext *s = ctx->s;
    unsigned op0 = 2 + a->o0;
    unsigned key = SYSREG(op0, a->op1, a->crn, a->crm, a->op2);
    IRTemp d = ir_temp_new(s, IR_I64);
    uint64_t val;

    if (ctx->sysmode && !sysreg_is_inline(key)) {
        a64_sys_gen_sysreg(ctx, key, a->rt, true);
        return true;
    }
    switch (key) {
    case REG_NZCV:
        gen_read_nzcv(ctx, d);
        break;
    case REG_FPCR:
        ir_call(s, &helper_info_a64_get_fpcr, d, (IRTemp[]){ s->env });
        break;
    case REG_FPSR:
        ir_call(s, &helper_info_a64_get_fpsr, d, (IRTemp[]){ s->env });
        break;
    case REG_TPIDR_EL0:
        ir_ld(s, d, s->env, offsetof(CPUARMState, tpidr_el0), MO_64);
        break;
    case REG_TPIDRRO_EL0:
        ir_ld(s, d, s->env, offsetof(CPUARMState, tpidrro_el0), MO_64);
        break;
    case REG_CNTFRQ_EL0:
        ir_movi(s, d, (int64_t)A64_CNTFRQ_HZ);
        break;
    case REG_CNTVCT_EL0:
        ir_call(s, &helper_info_a64_cntvct, d, (IRTemp[]){ s->env });
        break;
    case REG_CTR_EL0:
        ir_movi(s, d, (int64_t)aarch64_ctr_el0());
        break;
    case REG_DCZID_EL0:
        ir_movi(s, d, (int64_t)aarch64_dczid_el0());
        break;
    default:
        if (!aarch64_read_id_reg(ctx->cpu, op0, a->op1, a->crn, a->crm,
                                 a->op2, &val)) {
            return unimplemented(ctx, "MRS of a system register at EL0");
        }
        ir_movi(s, d, (int64_t)val);
        break;
    }
    write_cpu_reg(ctx, a->rt, d, true);
    return true;
}

static bool trans_MSR(DisasContext *ctx, arg_MSR *a)
{
    IRContext *s = ctx->s;
    unsigned key = SYSREG(2 + a->o0, a->op1, a->crn, a->crm, a->op2);
    IRTemp v = cpu_reg(ctx, a->rt);

    if (ctx->sysmode && !sysreg_is_inline(key)) {
        a64_sys_gen_sysreg(ctx, key, a->rt, false);
        return true;
    }
    switch (key) {
    case REG_NZCV:
        gen_write_nzcv(ctx, v);
        return true;
    case REG_FPCR:
        ir_call(s, &helper_info_a64_set_fpcr, 0, (IRTemp[]){ s->env, v });
        return true;
    case REG_FPSR:
        ir_call(s, &helper_info_a64_set_fpsr, 0, (IRTemp[]){ s->env, v });
        return true;
    case REG_TPIDR_EL0:
        ir_st(s, v, s->env, offsetof(CPUARMState, tpidr_el0), MO_64);
        return true;
    default:
        return unimplemented(ctx, "MSR of a system register at EL0");
    }
}

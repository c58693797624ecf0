/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 translator core: the TB loop, register and flag access, branches
 * and exceptions.  The instructions themselves are in translate-*.c, one
 * file per pattern file (see translate.h and docs/devel/decode.md).
 *
 * A TB ends at a branch, an exception, an instruction that changes what
 * the translator assumed (ISB, IC IVAU), the end of the guest page, or
 * max_insns.  Direct branches within the TB's page end with goto_tb so the
 * TB cache can chain them; other exits set pc and jump through
 * helper_lookup_tb_ptr, which stays in generated code on a hit.
 *
 * NZCV lives split in four i32 globals (cpu.h): N is NF bit 31, Z is
 * ZF == 0, C is CF, V is VF bit 31.  Setting flags costs a few ops, and
 * flags a later instruction of the TB overwrites die in liveness.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <capstone/capstone.h>

#include "kestrel/debug.h"
#include "kestrel/log.h"
#include "translate.h"

IRTemp cpu_X[32];
IRTemp cpu_pc;
IRTemp cpu_NF, cpu_ZF, cpu_CF, cpu_VF;
static IRContext *a64_ir_ready;
static uint32_t a64_ir_nb_globals;

/* The decoders, in the order of a64_decode_units in meson.build. */
#include "a64-decoders.c.inc"

/* linux-user (or a board) installs this; see cpu.h. */
bool (*aarch64_fetch_code)(CPUState *cpu, uint64_t pc, uint32_t *insn);

static const char *const a64_xreg_names[32] = {
    "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7",
    "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
    "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
    "x24", "x25", "x26", "x27", "x28", "x29", "lr", "sp",
};

void a64_translate_init(IRContext *s)
{
    /* A context re-initialised in place has only env left. */
    if (a64_ir_ready == s && s->nb_globals == a64_ir_nb_globals) {
        return;
    }
    for (int i = 0; i < 32; i++) {
        cpu_X[i] = ir_global_new(s, IR_I64, offsetof(CPUARMState, xregs[i]),
                                 a64_xreg_names[i]);
    }
    cpu_pc = ir_global_new(s, IR_I64, offsetof(CPUARMState, pc), "pc");
    cpu_NF = ir_global_new(s, IR_I32, offsetof(CPUARMState, NF), "NF");
    cpu_ZF = ir_global_new(s, IR_I32, offsetof(CPUARMState, ZF), "ZF");
    cpu_CF = ir_global_new(s, IR_I32, offsetof(CPUARMState, CF), "CF");
    cpu_VF = ir_global_new(s, IR_I32, offsetof(CPUARMState, VF), "VF");
    a64_ir_ready = s;
    a64_ir_nb_globals = s->nb_globals;
}

/* ------------------------------------------------------------------ */
/* Registers                                                           */

IRTemp cpu_reg(DisasContext *ctx, int reg)
{
    return reg == 31 ? ir_const_i64(ctx->s, 0) : cpu_X[reg];
}

IRTemp cpu_reg_sp(DisasContext *ctx, int reg)
{
    return cpu_X[reg];
}

IRTemp cpu_reg_dst(DisasContext *ctx, int reg)
{
    return reg == 31 ? ir_temp_new(ctx->s, IR_I64) : cpu_X[reg];
}

static IRTemp read_reg_common(DisasContext *ctx, IRTemp src, bool sf)
{
    IRTemp t = ir_temp_new(ctx->s, IR_I64);

    if (sf) {
        ir_mov(ctx->s, t, src);
    } else {
        ir_ext32u(ctx->s, t, src);
    }
    return t;
}

IRTemp read_cpu_reg(DisasContext *ctx, int reg, bool sf)
{
    return read_reg_common(ctx, cpu_reg(ctx, reg), sf);
}

IRTemp read_cpu_reg_sp(DisasContext *ctx, int reg, bool sf)
{
    return read_reg_common(ctx, cpu_X[reg], sf);
}

void write_cpu_reg(DisasContext *ctx, int reg, IRTemp val, bool sf)
{
    if (reg == 31) {
        return;
    }
    write_cpu_reg_sp(ctx, reg, val, sf);
}

void write_cpu_reg_sp(DisasContext *ctx, int reg, IRTemp val, bool sf)
{
    if (sf) {
        ir_mov(ctx->s, cpu_X[reg], val);
    } else {
        ir_ext32u(ctx->s, cpu_X[reg], val);
    }
}

void clear_vec_high(DisasContext *ctx, int reg)
{
    ir_st(ctx->s, ir_const_i64(ctx->s, 0), ctx->s->env,
          vreg_hi_offset(reg), MO_64);
}

/* ------------------------------------------------------------------ */
/* Flags                                                               */

void gen_set_NZ(DisasContext *ctx, IRTemp result, bool sf)
{
    IRContext *s = ctx->s;

    if (sf) {
        ir_extrl_i64_i32(s, cpu_ZF, result);
        ir_extrh_i64_i32(s, cpu_NF, result);
        ir_or(s, cpu_ZF, cpu_ZF, cpu_NF);
    } else {
        ir_extrl_i64_i32(s, cpu_NF, result);
        ir_mov(s, cpu_ZF, cpu_NF);
    }
}

void gen_logic_CC(DisasContext *ctx, IRTemp result, bool sf)
{
    gen_set_NZ(ctx, result, sf);
    ir_movi(ctx->s, cpu_CF, 0);
    ir_movi(ctx->s, cpu_VF, 0);
}

/* VF from the i64 (sf) or i32 operands and result: add or sub overflow. */
static void gen_vf(DisasContext *ctx, IRType ty, IRTemp res, IRTemp a,
                   IRTemp b, bool sub)
{
    IRContext *s = ctx->s;
    IRTemp t1 = ir_temp_new(s, ty), t2 = ir_temp_new(s, ty);

    ir_xor(s, t1, res, a);
    ir_xor(s, t2, a, b);
    if (sub) {
        ir_and(s, t1, t1, t2);
    } else {
        ir_andc(s, t1, t1, t2);
    }
    if (ty == IR_I64) {
        ir_extrh_i64_i32(s, cpu_VF, t1);
    } else {
        ir_mov(s, cpu_VF, t1);
    }
}

static IRTemp low32(DisasContext *ctx, IRTemp v)
{
    IRTemp t = ir_temp_new(ctx->s, IR_I32);

    ir_extrl_i64_i32(ctx->s, t, v);
    return t;
}

void gen_add_CC(DisasContext *ctx, bool sf, IRTemp d, IRTemp a, IRTemp b)
{
    IRContext *s = ctx->s;

    if (sf) {
        IRTemp res = ir_temp_new(s, IR_I64), c = ir_temp_new(s, IR_I64);
        IRTemp z = ir_const_i64(s, 0);

        ir_add2(s, res, c, a, z, b, z);
        ir_extrl_i64_i32(s, cpu_CF, c);
        gen_set_NZ(ctx, res, true);
        gen_vf(ctx, IR_I64, res, a, b, false);
        ir_mov(s, d, res);
    } else {
        IRTemp a32 = low32(ctx, a), b32 = low32(ctx, b);
        IRTemp res = ir_temp_new(s, IR_I32), c = ir_temp_new(s, IR_I32);
        IRTemp z = ir_const_i32(s, 0);

        ir_add2(s, res, c, a32, z, b32, z);
        ir_mov(s, cpu_CF, c);
        ir_mov(s, cpu_NF, res);
        ir_mov(s, cpu_ZF, res);
        gen_vf(ctx, IR_I32, res, a32, b32, false);
        ir_extu_i32_i64(s, d, res);
    }
}

void gen_sub_CC(DisasContext *ctx, bool sf, IRTemp d, IRTemp a, IRTemp b)
{
    IRContext *s = ctx->s;

    if (sf) {
        IRTemp res = ir_temp_new(s, IR_I64), c = ir_temp_new(s, IR_I64);

        ir_sub(s, res, a, b);
        ir_setcond(s, IR_COND_GEU, c, a, b);
        ir_extrl_i64_i32(s, cpu_CF, c);
        gen_set_NZ(ctx, res, true);
        gen_vf(ctx, IR_I64, res, a, b, true);
        ir_mov(s, d, res);
    } else {
        IRTemp a32 = low32(ctx, a), b32 = low32(ctx, b);
        IRTemp res = ir_temp_new(s, IR_I32);

        ir_sub(s, res, a32, b32);
        ir_setcond(s, IR_COND_GEU, cpu_CF, a32, b32);
        ir_mov(s, cpu_NF, res);
        ir_mov(s, cpu_ZF, res);
        gen_vf(ctx, IR_I32, res, a32, b32, true);
        ir_extu_i32_i64(s, d, res);
    }
}

void gen_adc_CC(DisasContext *ctx, bool sf, IRTemp d, IRTemp a, IRTemp b)
{
    IRContext *s = ctx->s;

    if (sf) {
        IRTemp r1 = ir_temp_new(s, IR_I64), c1 = ir_temp_new(s, IR_I64);
        IRTemp r2 = ir_temp_new(s, IR_I64), c2 = ir_temp_new(s, IR_I64);
        IRTemp cin = ir_temp_new(s, IR_I64);
        IRTemp z = ir_const_i64(s, 0);

        ir_extu_i32_i64(s, cin, cpu_CF);
        ir_add2(s, r1, c1, a, z, cin, z);
        ir_add2(s, r2, c2, r1, c1, b, z);
        ir_extrl_i64_i32(s, cpu_CF, c2);
        gen_set_NZ(ctx, r2, true);
        gen_vf(ctx, IR_I64, r2, a, b, false);
        ir_mov(s, d, r2);
    } else {
        IRTemp a32 = low32(ctx, a), b32 = low32(ctx, b);
        IRTemp r1 = ir_temp_new(s, IR_I32), c1 = ir_temp_new(s, IR_I32);
        IRTemp r2 = ir_temp_new(s, IR_I32), c2 = ir_temp_new(s, IR_I32);
        IRTemp z = ir_const_i32(s, 0);

        ir_add2(s, r1, c1, a32, z, cpu_CF, z);
        ir_add2(s, r2, c2, r1, c1, b32, z);
        ir_mov(s, cpu_CF, c2);
        ir_mov(s, cpu_NF, r2);
        ir_mov(s, cpu_ZF, r2);
        gen_vf(ctx, IR_I32, r2, a32, b32, false);
        ir_extu_i32_i64(s, d, r2);
    }
}

void a64_test_cc(DisasContext *ctx, DisasCompare *c, int cc)
{
    IRContext *s = ctx->s;
    IRTemp v = ir_temp_new(s, IR_I32);
    bool inv = cc & 1;

    switch (cc >> 1) {
    case 0: /* EQ / NE */
        ir_mov(s, v, cpu_ZF);
        c->cond = IR_COND_EQ;
        break;
    case 1: /* CS / CC */
        ir_mov(s, v, cpu_CF);
        c->cond = IR_COND_NE;
        break;
    case 2: /* MI / PL */
        ir_mov(s, v, cpu_NF);
        c->cond = IR_COND_LT;
        break;
    case 3: /* VS / VC */
        ir_mov(s, v, cpu_VF);
        c->cond = IR_COND_LT;
        break;
    case 4: /* HI: C && !Z / LS */
        ir_neg(s, v, cpu_CF);
        ir_and(s, v, v, cpu_ZF);
        c->cond = IR_COND_NE;
        break;
    case 5: /* GE: N == V / LT */
        ir_xor(s, v, cpu_VF, cpu_NF);
        c->cond = IR_COND_GE;
        break;
    case 6: /* GT: !Z && N == V / LE */
        ir_xor(s, v, cpu_VF, cpu_NF);
        ir_sar(s, v, v, ir_const_i32(s, 31));
        ir_andc(s, v, cpu_ZF, v);
        c->cond = IR_COND_NE;
        break;
    default: /* AL, NV: always */
        ir_movi(s, v, 0);
        c->cond = IR_COND_ALWAYS;
        inv = false;
        break;
    }
    if (inv) {
        c->cond = ir_cond_invert(c->cond);
    }
    c->value = v;
}

/* ------------------------------------------------------------------ */
/* Control flow and exceptions                                         */

static bool use_goto_tb(DisasContext *ctx, uint64_t dest)
{
    return !(ctx->tb->cflags & CF_NO_CHAIN) &&
           ((dest ^ ctx->tb->pc) & TARGET_PAGE_MASK) == 0;
}

void gen_jump_indirect(DisasContext *ctx)
{
    IRContext *s = ctx->s;

    if (ctx->tb->cflags & CF_NO_CHAIN) {
        ir_exit_tb(s, 0);
    } else {
        IRTemp ptr = ir_temp_new(s, IR_I64);

        ir_call(s, &helper_info_lookup_tb_ptr, ptr, (IRTemp[]){ s->env });
        ir_goto_ptr(s, ptr);
    }
    ctx->base_is_jmp = DISAS_NORETURN;
}

void gen_goto_tb(DisasContext *ctx, int n, uint64_t dest)
{
    IRContext *s = ctx->s;

    if (use_goto_tb(ctx, dest)) {
        ir_goto_tb(s, (unsigned)n);
        ir_movi(s, cpu_pc, (int64_t)dest);
        ir_exit_tb(s, (uintptr_t)ctx->tb | (unsigned)n);
        ctx->base_is_jmp = DISAS_NORETURN;
    } else {
        ir_movi(s, cpu_pc, (int64_t)dest);
        gen_jump_indirect(ctx);
    }
}

static void gen_exception_at(DisasContext *ctx, uint64_t pc, int excp,
                             uint32_t syndrome)
{
    IRContext *s = ctx->s;

    ir_movi(s, cpu_pc, (int64_t)pc);
    ir_call(s, &helper_info_a64_exception, 0,
            (IRTemp[]){ s->env, ir_const_i32(s, excp),
                        ir_const_i32(s, (int32_t)syndrome) });
    /* Not reached; keeps the TB well formed. */
    ir_exit_tb(s, 0);
    ctx->base_is_jmp = DISAS_NORETURN;
}

void gen_exception_insn(DisasContext *ctx, int excp, uint32_t syndrome)
{
    gen_exception_at(ctx, ctx->pc_curr, excp, syndrome);
}

void gen_exception_insn_next(DisasContext *ctx, int excp, uint32_t syndrome)
{
    gen_exception_at(ctx, ctx->pc_next, excp, syndrome);
}

void unallocated_encoding(DisasContext *ctx)
{
    gen_exception_insn(ctx, EXCP_UDEF, syn_uncategorized());
}

bool unimplemented(DisasContext *ctx, const char *what)
{
    log_mask(LOG_UNIMP, "aarch64: unimplemented %s (insn 0x%08x at 0x%"
             PRIx64 ")\n", what, ctx->insn, ctx->pc_curr);
    unallocated_encoding(ctx);
    return true;
}

/* ------------------------------------------------------------------ */
/* Fetch and -d in_asm                                                 */

static bool a64_fetch(DisasContext *ctx, uint64_t pc, uint32_t *insn)
{
    CPUState *cs = &ctx->cpu->parent;

    if (aarch64_fetch_code) {
        return aarch64_fetch_code(cs, pc, insn);
    }
    if (ctx->s->mem_mode == IR_MEM_DIRECT) {
        memcpy(insn, (const void *)(ctx->s->guest_base + (uintptr_t)pc), 4);
        return true;
    }
    return false;
}

static void a64_log_insn(uint64_t pc, uint32_t insn)
{
    static __thread csh handle;
    static __thread bool opened, failed;
    cs_insn *ci;
    size_t n = 0;

    if (!opened && !failed) {
        failed = cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &handle) != CS_ERR_OK;
        opened = !failed;
    }
    if (opened) {
        n = cs_disasm(handle, (const uint8_t *)&insn, 4, pc, 1, &ci);
    }
    if (n == 1) {
        log_printf("0x%016" PRIx64 ":  %08x      %-8s %s\n", pc, insn,
                   ci->mnemonic, ci->op_str);
        cs_free(ci, n);
    } else {
        log_printf("0x%016" PRIx64 ":  %08x      .inst 0x%08x\n", pc, insn,
                   insn);
    }
}

/* ------------------------------------------------------------------ */
/* The TB loop                                                         */

static void a64_trans_insn(DisasContext *ctx, uint32_t insn)
{
    /* Bits [27:26] = 11: SIMD&FP data processing and loads/stores. */
    if (ctx->fp_trap && ((insn >> 26) & 3) == 3) {
        gen_exception_insn(ctx, EXCP_UDEF,
                           (uint32_t)EC_ADVSIMDFPACCESSTRAP << 26 |
                           1u << 25 | 1u << 24 | 0xeu << 20);
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(a64_decoders); i++) {
        if (a64_decoders[i](ctx, insn)) {
            return;
        }
    }
    unallocated_encoding(ctx);
}

/*
 * A debugger breakpoint at the next insn: end the TB with EXCP_DEBUG
 * there.  The TB covers the insn (size + 4), so removing the breakpoint
 * invalidates it.
 */
static bool a64_breakpoint(DisasContext *dc, CPUState *cpu, unsigned *n)
{
    IRContext *s = dc->s;

    if (!translator_breakpoint_at(cpu, dc->tb->cflags, dc->pc_curr)) {
        return false;
    }
    ir_insn_start(s, dc->pc_curr, 0, 0);
    (*n)++;
    ir_movi(s, cpu_pc, (int64_t)dc->pc_curr);
    ir_gen_debug_exception(s);
    dc->pc_curr += 4;
    return true;
}

void a64_translate(CPUState *cpu, IRContext *s, TranslationBlock *tb,
                   int max_insns)
{
    DisasContext dc = {
        .s = s,
        .tb = tb,
        .cpu = (ARMCPU *)cpu,
        .pc_curr = tb->pc,
        .mem_idx = 0,
        .unpriv_idx = 0,
    };
    unsigned n = 0;

    if (tb->flags & A64_TBF_SYS) {
        dc.sysmode = true;
        dc.el = (int)(tb->flags & A64_TBF_EL_MASK);
        dc.mem_idx = dc.el;
        dc.unpriv_idx = dc.el == 1 ? 0 : dc.el;
        dc.fp_trap = (tb->flags & A64_TBF_FPTRAP) != 0;
        dc.align_check = (tb->flags & A64_TBF_ALIGN) != 0;
    }
    if (max_insns <= 0 || max_insns > IR_MAX_INSNS) {
        max_insns = IR_MAX_INSNS;
    }
    if (log_tb_enabled(LOG_IN_ASM, tb->pc)) {
        log_printf("----------------\nIN: \n");
    }
    ir_gen_tb_start(s, tb);
    for (;;) {
        uint32_t insn;

        if (a64_breakpoint(&dc, cpu, &n)) {
            break;
        }
        if (!a64_fetch(&dc, dc.pc_curr, &insn)) {
            /* Never the first insn: get_code_phys checked that one. */
            g_assert(n > 0);
            gen_goto_tb(&dc, 0, dc.pc_curr);
            break;
        }
        if (log_tb_enabled(LOG_IN_ASM, tb->pc)) {
            a64_log_insn(dc.pc_curr, insn);
        }
        ir_insn_start(s, dc.pc_curr, 0, 0);
        n++;
        dc.insn = insn;
        dc.pc_next = dc.pc_curr + 4;
        dc.base_is_jmp = DISAS_NEXT;
        a64_trans_insn(&dc, insn);
        dc.pc_curr = dc.pc_next;
        if (dc.base_is_jmp == DISAS_NORETURN) {
            break;
        }
        if (dc.base_is_jmp == DISAS_UPDATE_NEXT) {
            ir_movi(s, cpu_pc, (int64_t)dc.pc_next);
            gen_jump_indirect(&dc);
            break;
        }
        if (n >= (unsigned)max_insns ||
            !(dc.pc_curr & ~TARGET_PAGE_MASK)) {
            gen_goto_tb(&dc, 0, dc.pc_curr);
            break;
        }
    }
    tb->size = (uint32_t)(dc.pc_curr - tb->pc);
    tb->icount = (uint16_t)n;
    ir_gen_tb_end(s, tb);
    if (log_tb_enabled(LOG_IN_ASM, tb->pc)) {
        log_printf("\n");
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86-64 JIT: IR op -> host code.
 *
 * gen_code walks the ops once, after ir_liveness.  Each op fetches its
 * inputs through the register allocator (regalloc.h), asks for output
 * registers, emits instructions with the encoders of emit.h and lets the
 * allocator apply the op's liveness.  Guest memory accesses and helper
 * calls live in lower-mem.c.
 *
 * Branches inside a TB: a basic block end stores dirty globals to env
 * and the normal temps live at the target to their spill slots
 * (ra_bb_end); a label starts from that memory state (ra_at_label).
 * Forward jumps are rel32 patched once the label is bound.
 *
 * Code entered from the exec loop runs on the frame of the prologue:
 * env in rbp, rsp 16-byte aligned, FRAME_SIZE bytes of slots below the
 * callee-saved registers (layout in regalloc.h).
 */
#include <string.h>

#include "kestrel/cpu.h"
#include "kestrel/host-cpu.h"
#include "backend.h"
#include "x86_64/lower.h"

/*
 * Set by emit_prologue; exec and exit_tb need them.  File statics rather
 * than backend state: there is one code buffer per process, and tcg_init
 * re-emits the prologue (resetting these) whenever it maps a new one.
 */
static const uint8_t *prologue_rx;
static const uint8_t *epilogue_ret_rx;   /* returns rax */
static const uint8_t *epilogue_zero_rx;  /* returns 0 */

static X86Cond x86_cond(IRCond c)
{
    static const X86Cond map[IR_COND_COUNT] = {
        [IR_COND_EQ] = XC_E,   [IR_COND_NE] = XC_NE,
        [IR_COND_LT] = XC_L,   [IR_COND_GE] = XC_GE,
        [IR_COND_LE] = XC_LE,  [IR_COND_GT] = XC_G,
        [IR_COND_LTU] = XC_B,  [IR_COND_GEU] = XC_AE,
        [IR_COND_LEU] = XC_BE, [IR_COND_GTU] = XC_A,
    };
    g_assert(c >= IR_COND_EQ && c < IR_COND_COUNT);
    return map[c];
}

/* ------------------------------------------------------------------ */
/* Moves, ALU, logic                                                   */

static void lower_mov(Lower *L)
{
    RegAlloc *ra = &L->ra;
    int64_t v;
    int rs, rd;

    if (ra_const(ra, 1, &v)) {
        ra_out_const(ra, 0, v);
        return;
    }
    rs = ra_in(ra, 1, RA_ALL_ENV);
    rd = ra_out(ra, 0, RA_ALL, 1);
    mov_if(L->s, op_w64(L), rd, rs);
}

static void lower_alu(Lower *L, X86Alu aop, bool commutative)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool w = op_w64(L);
    unsigned ai = 1, bi = 2;
    int32_t imm;
    int r1, r2, rd;

    if (commutative && arg_is_const(L, 1) && !arg_is_const(L, 2)) {
        ai = 2, bi = 1;
    }
    if (arg_imm(L, bi, w, &imm)) {
        r1 = ra_in(ra, ai, RA_ALL_ENV);
        rd = ra_out(ra, 0, RA_ALL, ai);
        if (aop == XA_AND && (uint32_t)imm == 0xff) {
            x86_movzx8(s, rd, r1);
        } else if (aop == XA_AND && (uint32_t)imm == 0xffff) {
            x86_movzx16(s, rd, r1);
        } else if (aop == XA_ADD && rd != r1) {
            x86_lea(s, w, rd, r1, -1, 0, imm);
        } else if (aop == XA_SUB && rd != r1 && imm != INT32_MIN) {
            x86_lea(s, w, rd, r1, -1, 0, -imm);
        } else {
            mov_if(s, w, rd, r1);
            if (imm != 0 || aop == XA_AND) {
                x86_alu_ri(s, aop, w, rd, imm);
            }
        }
        return;
    }
    if (aop == XA_AND && w) {
        int64_t v;
        if (ra_const(ra, bi, &v) && v == 0xffffffff) {
            r1 = ra_in(ra, ai, RA_ALL);
            rd = ra_out(ra, 0, RA_ALL, ai);
            x86_mov_rr(s, false, rd, r1);
            return;
        }
    }
    r1 = ra_in(ra, ai, RA_ALL_ENV);
    r2 = ra_in(ra, bi, RA_ALL_ENV);
    if (commutative && ra_dies(ra, bi) && !ra_dies(ra, ai)) {
        int t = r1;
        r1 = r2, r2 = t;
        ai = bi;
    }
    rd = ra_out(ra, 0, RA_ALL, ai);
    if (rd == r1) {
        x86_alu_rr(s, aop, w, rd, r2);
    } else if (aop == XA_ADD) {
        x86_lea(s, w, rd, r1, r2, 0, 0);
    } else {
        x86_mov_rr(s, w, rd, r1);
        x86_alu_rr(s, aop, w, rd, r2);
    }
}

static void lower_mul(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool w = op_w64(L);
    unsigned ai = 1, bi = 2;
    int32_t imm;
    int r1, r2, rd;

    if (arg_is_const(L, 1) && !arg_is_const(L, 2)) {
        ai = 2, bi = 1;
    }
    if (arg_imm(L, bi, w, &imm)) {
        r1 = ra_in(ra, ai, RA_ALL);
        rd = ra_out(ra, 0, RA_ALL, ai);
        if (x86_fits_s8(imm)) {
            x86_op_rr(s, XOP_IMUL_IMM8 | (w ? XO_W : 0), rd, r1);
            x86_byte(s, (uint8_t)imm);
        } else {
            x86_op_rr(s, XOP_IMUL_IMM32 | (w ? XO_W : 0), rd, r1);
            x86_u32(s, (uint32_t)imm);
        }
        return;
    }
    r1 = ra_in(ra, ai, RA_ALL);
    r2 = ra_in(ra, bi, RA_ALL);
    if (ra_dies(ra, bi) && !ra_dies(ra, ai)) {
        int t = r1;
        r1 = r2, r2 = t;
        ai = bi;
    }
    rd = ra_out(ra, 0, RA_ALL, ai);
    mov_if(s, w, rd, r1);
    x86_op_rr(s, XOP_IMUL_R_RM | (w ? XO_W : 0), rd, r2);
}

static void lower_add(Lower *L)
{
    lower_alu(L, XA_ADD, true);
}

static void lower_sub(Lower *L)
{
    lower_alu(L, XA_SUB, false);
}

static void lower_and(Lower *L)
{
    lower_alu(L, XA_AND, true);
}

static void lower_or(Lower *L)
{
    lower_alu(L, XA_OR, true);
}

static void lower_xor(Lower *L)
{
    lower_alu(L, XA_XOR, true);
}

/*
 * and/or/xor with the second operand inverted (andc, orc) or the result
 * inverted (eqv, nand, nor).
 */
static void lower_logic(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    IROpcode opc = (IROpcode)ra->op->opc;
    X86Alu aop = opc == IR_OP_andc || opc == IR_OP_nand ? XA_AND
               : opc == IR_OP_eqv ? XA_XOR : XA_OR;
    bool inv_b = opc == IR_OP_andc || opc == IR_OP_orc;
    bool not_after = !inv_b;
    bool w = op_w64(L);
    int64_t v;
    int r1, r2, rd;

    if (!inv_b) {
        lower_alu(L, aop, true);
    } else if (ra_const(ra, 2, &v) && (!w || x86_fits_s32(~v))) {
        r1 = ra_in(ra, 1, RA_ALL);
        rd = ra_out(ra, 0, RA_ALL, 1);
        mov_if(s, w, rd, r1);
        x86_alu_ri(s, aop, w, rd, (int32_t)~v);
    } else if (aop == XA_AND && (L->feat & HOST_CPU_BMI1)) {
        r1 = ra_in(ra, 1, RA_ALL);
        r2 = ra_in(ra, 2, RA_ALL);
        rd = ra_out(ra, 0, RA_ALL, ra_dies(ra, 2) ? 2 : 1);
        /* andn dst, src1(vvvv), src2: dst = ~src1 & src2 */
        x86_vex_rr(s, XOP_ANDN | (w ? XO_W : 0), rd, r2, r1);
    } else {
        r1 = ra_in(ra, 1, RA_ALL);
        r2 = ra_in(ra, 2, RA_ALL);
        /* rd != r1: reusing b is the only reuse (a is read last). */
        rd = ra_out(ra, 0, RA_ALL, 2);
        mov_if(s, w, rd, r2);
        x86_grp3(s, XG3_NOT, w, rd);
        x86_alu_rr(s, aop, w, rd, r1);
    }
    if (not_after) {
        /* The output is the last register written; invert it. */
        x86_grp3(s, XG3_NOT, w, L->s->temps[L->ra.op->args[0]].reg);
    }
}

/* not, neg */
static void lower_unary(Lower *L)
{
    RegAlloc *ra = &L->ra;
    X86Grp3 grp3_ext = ra->op->opc == IR_OP_not ? XG3_NOT : XG3_NEG;
    bool w = op_w64(L);
    int r1 = ra_in(ra, 1, RA_ALL);
    int rd = ra_out(ra, 0, RA_ALL, 1);

    mov_if(L->s, w, rd, r1);
    x86_grp3(L->s, grp3_ext, w, rd);
}

/* ------------------------------------------------------------------ */
/* Shifts and rotates: the count is taken mod the width, as x86 does.  */

static X86Shift shift_kind(IROpcode opc)
{
    switch (opc) {
    case IR_OP_shl:
        return XS_SHL;
    case IR_OP_shr:
        return XS_SHR;
    case IR_OP_sar:
        return XS_SAR;
    case IR_OP_rotl:
        return XS_ROL;
    default:
        return XS_ROR;
    }
}

/* shl, shr, sar, rotl, rotr */
static void lower_shift(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    X86Shift kind = shift_kind((IROpcode)ra->op->opc);
    bool w = op_w64(L);
    unsigned width = w ? 64 : 32;
    int64_t v;
    int r1, r2, rd;

    if (ra_const(ra, 2, &v)) {
        unsigned c = (unsigned)v & (width - 1);
        r1 = ra_in(ra, 1, RA_ALL);
        rd = ra_out(ra, 0, RA_ALL, 1);
        if (c != 0 && (kind == XS_ROL || kind == XS_ROR) && rd != r1 &&
            (L->feat & HOST_CPU_BMI2)) {
            /* rorx: three operands, rotate right only. */
            x86_vex_rr(s, XOP_RORX | (w ? XO_W : 0), rd, 0, r1);
            x86_byte(s, kind == XS_ROR ? c : width - c);
            return;
        }
        mov_if(s, w, rd, r1);
        if (c != 0) {
            x86_shift_ri(s, kind, w, rd, c);
        }
        return;
    }
    if ((L->feat & HOST_CPU_BMI2) &&
        (kind == XS_SHL || kind == XS_SHR || kind == XS_SAR)) {
        uint32_t opc = kind == XS_SHL ? XOP_SHLX
                     : kind == XS_SHR ? XOP_SHRX : XOP_SARX;
        r1 = ra_in(ra, 1, RA_ALL);
        r2 = ra_in(ra, 2, RA_ALL);
        rd = ra_out(ra, 0, RA_ALL, 1);
        x86_vex_rr(s, opc | (w ? XO_W : 0), rd, r2, r1);
        return;
    }
    ra_in_fixed(ra, 2, X_RCX, false);
    r1 = ra_in(ra, 1, RA_ALL & ~RA_BIT(X_RCX));
    rd = ra_out(ra, 0, RA_ALL & ~RA_BIT(X_RCX), 1);
    mov_if(s, w, rd, r1);
    x86_shift_cl(s, kind, w, rd);
}

/* ------------------------------------------------------------------ */
/* Division: never traps, see ir.h for the b == 0 and INT_MIN/-1 cases */

/* divs, divu, rems, remu */
static void lower_div(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    IROpcode opc = (IROpcode)ra->op->opc;
    bool sign = opc == IR_OP_divs || opc == IR_OP_rems;
    bool rem = opc == IR_OP_rems || opc == IR_OP_remu;
    bool w = op_w64(L);
    int64_t v;
    int rb;
    bool known_safe = ra_const(ra, 2, &v) && v != 0 &&
                      (w ? v != -1 : (uint32_t)v != 0xffffffffu);
    uint8_t *j_neg1 = NULL, *j_zero = NULL, *j_done1 = NULL;
    uint8_t *j_done2 = NULL;

    ra_reserve(ra, RA_BIT(X_RAX) | RA_BIT(X_RDX));
    rb = ra_in(ra, 2, RA_ALL & ~RA_BIT(X_RAX) & ~RA_BIT(X_RDX));
    ra_load_into(ra, X_RAX, s->ops[ra->idx].args[1]);
    if (!known_safe) {
        if (sign) {
            x86_alu_ri(s, XA_CMP, w, rb, -1);
            j_neg1 = x86_jcc8(s, XC_E);
        }
        x86_test_rr(s, w, rb, rb);
        j_zero = x86_jcc8(s, XC_E);
    }
    if (sign) {
        x86_sign_extend_ax(s, w);
        x86_grp3(s, XG3_IDIV, w, rb);
    } else {
        x86_zero(s, X_RDX);
        x86_grp3(s, XG3_DIV, w, rb);
    }
    if (!known_safe) {
        j_done1 = x86_jmp8(s);
        if (sign) {
            /* a / -1 == -a (INT_MIN wraps), a % -1 == 0 */
            x86_patch8(j_neg1, s->code_ptr);
            if (rem) {
                x86_zero(s, X_RDX);
            } else {
                x86_grp3(s, XG3_NEG, w, X_RAX);
            }
            j_done2 = x86_jmp8(s);
        }
        /* b == 0: quotient 0, remainder a */
        x86_patch8(j_zero, s->code_ptr);
        if (rem) {
            x86_mov_rr(s, true, X_RDX, X_RAX);
        } else {
            x86_zero(s, X_RAX);
        }
        x86_patch8(j_done1, s->code_ptr);
        if (j_done2) {
            x86_patch8(j_done2, s->code_ptr);
        }
    }
    ra_out_fixed(ra, 0, rem ? X_RDX : X_RAX);
}

/* mulu2, muls2 */
static void lower_mul2(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool sign = ra->op->opc == IR_OP_muls2;
    bool w = op_w64(L);
    int rb;

    ra_reserve(ra, RA_BIT(X_RAX) | RA_BIT(X_RDX));
    rb = ra_in(ra, 3, RA_ALL & ~RA_BIT(X_RAX) & ~RA_BIT(X_RDX));
    ra_load_into(ra, X_RAX, s->ops[ra->idx].args[2]);
    x86_grp3(s, sign ? XG3_IMUL : XG3_MUL, w, rb);
    ra_out_fixed(ra, 0, X_RAX);
    ra_out_fixed(ra, 1, X_RDX);
}

/* add2/sub2: rl,rh = (ah:al) +- (bh:bl) with add/adc or sub/sbb. */
static void lower_addsub2(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool sub = ra->op->opc == IR_OP_sub2;
    bool w = op_w64(L);
    X86Alu lo_op = sub ? XA_SUB : XA_ADD, hi_op = sub ? XA_SBB : XA_ADC;
    int32_t bl_imm, bh_imm;
    bool bl_c = arg_imm(L, 4, w, &bl_imm), bh_c = arg_imm(L, 5, w, &bh_imm);
    int ral = ra_in(ra, 2, RA_ALL);
    int rah = ra_in(ra, 3, RA_ALL);
    int rbl = bl_c ? -1 : ra_in(ra, 4, RA_ALL);
    int rbh = bh_c ? -1 : ra_in(ra, 5, RA_ALL);
    int rl, rh;

    /*
     * rl is written before ah and bh are read: it may take al's register
     * only if no other input lives there.
     */
    rl = ra_out(ra, 0, RA_ALL, ral != rah && ral != rbh ? 2 : -1);
    rh = ra_out(ra, 1, RA_ALL, rah != rbh ? 3 : -1);
    if (rl == rah || rl == rbh) {
        g_assert_not_reached();
    }
    mov_if(s, w, rl, ral);
    if (bl_c) {
        x86_alu_ri(s, lo_op, w, rl, bl_imm);
    } else {
        x86_alu_rr(s, lo_op, w, rl, rbl);
    }
    mov_if(s, w, rh, rah);
    if (bh_c) {
        x86_alu_ri(s, hi_op, w, rh, bh_imm);
    } else {
        x86_alu_rr(s, hi_op, w, rh, rbh);
    }
}

/* ------------------------------------------------------------------ */
/* Comparisons                                                         */

/* cmp of args ai, bi; returns the x86 condition for c. */
static X86Cond lower_cmp(Lower *L, unsigned ai, unsigned bi, IRCond c)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool w = ir_temp_type(s, L->ra.op->args[ai]) == IR_I64;
    int32_t imm;
    int r1, r2;

    if (arg_is_const(L, ai) && !arg_is_const(L, bi)) {
        unsigned t = ai;
        ai = bi, bi = t;
        c = ir_cond_swap(c);
    }
    r1 = ra_in(ra, ai, RA_ALL_ENV);
    if (arg_imm(L, bi, w, &imm)) {
        if (imm == 0) {
            /* Same flags as cmp r,0 for every condition used. */
            x86_test_rr(s, w, r1, r1);
        } else {
            x86_alu_ri(s, XA_CMP, w, r1, imm);
        }
    } else {
        r2 = ra_in(ra, bi, RA_ALL_ENV);
        x86_alu_rr(s, XA_CMP, w, r1, r2);
    }
    return x86_cond(c);
}

/* setcond, negsetcond */
static void lower_setcond(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool neg = ra->op->opc == IR_OP_negsetcond;
    bool w = op_w64(L);
    IRCond c = (IRCond)ra->op->args[3];
    X86Cond cc;
    int rd;

    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        rd = ra_out(ra, 0, RA_ALL, -1);
        x86_movi(s, w, rd, c == IR_COND_NEVER ? 0 : neg ? -1 : 1);
        return;
    }
    cc = lower_cmp(L, 1, 2, c);
    rd = ra_out(ra, 0, RA_ALL, ra_dies(ra, 1) ? 1 : 2);
    x86_setcc(s, cc, rd);
    x86_movzx8(s, rd, rd);
    if (neg) {
        x86_grp3(s, XG3_NEG, w, rd);
    }
}

static void lower_movcond(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool w = op_w64(L);
    IRCond c = (IRCond)ra->op->args[5];
    X86Cond cc;
    int r1, r2, rd;

    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        r1 = ra_in(ra, c == IR_COND_ALWAYS ? 3 : 4, RA_ALL);
        rd = ra_out(ra, 0, RA_ALL, c == IR_COND_ALWAYS ? 3 : 4);
        mov_if(s, w, rd, r1);
        return;
    }
    cc = lower_cmp(L, 1, 2, c);
    /* Loads below are plain movs: the flags survive. */
    r1 = ra_in(ra, 3, RA_ALL);
    r2 = ra_in(ra, 4, RA_ALL);
    rd = ra_out(ra, 0, RA_ALL, ra_dies(ra, 4) ? 4 : 3);
    if (rd == r2) {
        x86_cmov(s, cc, w, rd, r1);
    } else if (rd == r1) {
        x86_cmov(s, (X86Cond)(cc ^ 1), w, rd, r2);
    } else {
        x86_mov_rr(s, w, rd, r2);
        x86_cmov(s, cc, w, rd, r1);
    }
}

/* ------------------------------------------------------------------ */
/* Labels and branches                                                 */

static void emit_jump(Lower *L, int cc, IRLabel lab)
{
    IRContext *s = L->s;
    uint32_t target = L->label_off[lab];
    uint8_t *disp;

    if (target != UINT32_MAX) {
        /* Backward: the target is known, use the short form if it fits. */
        ptrdiff_t rel = (ptrdiff_t)target - (ptrdiff_t)(code_off(s) + 2);
        if (x86_fits_s8(rel)) {
            disp = cc < 0 ? x86_jmp8(s) : x86_jcc8(s, (X86Cond)cc);
            x86_patch8(disp, s->code_buf + target);
        } else {
            disp = cc < 0 ? x86_jmp32(s) : x86_jcc32(s, (X86Cond)cc);
            x86_patch32(disp, s->code_buf + target);
        }
        return;
    }
    disp = cc < 0 ? x86_jmp32(s) : x86_jcc32(s, (X86Cond)cc);
    L->fixups = ir_scratch(s, X86_SCRATCH_FIXUPS,
                           sizeof(Fixup) * (L->nb_fixups + 1));
    L->fixups[L->nb_fixups++] = (Fixup){
        .label = lab, .disp = (uint32_t)(disp - s->code_buf),
    };
}

static void lower_brcond(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRCond c = (IRCond)ra->op->args[2];
    IRLabel lab = (IRLabel)ra->op->args[3];

    if (c == IR_COND_NEVER) {
        return;
    }
    /* Edge state: globals in env, temps live at the label in slots. */
    ra_bb_end(ra, L->label_idx[lab], true);
    if (c == IR_COND_ALWAYS) {
        emit_jump(L, -1, lab);
        return;
    }
    emit_jump(L, lower_cmp(L, 0, 1, c), lab);
}

static void lower_br(Lower *L)
{
    IRLabel lab = (IRLabel)L->ra.op->args[0];

    ra_bb_end(&L->ra, L->label_idx[lab], false);
    emit_jump(L, -1, lab);
    ra_reset(&L->ra);
    L->unreachable = true;
}

static void lower_set_label(Lower *L)
{
    IRLabel lab = (IRLabel)L->ra.op->args[0];

    if (!L->unreachable) {
        ra_bb_end(&L->ra, L->ra.idx, false);
    }
    L->label_off[lab] = code_off(L->s);
    ra_at_label(&L->ra, L->ra.idx);
    L->unreachable = false;
}

/* ------------------------------------------------------------------ */
/* Bit fields, byte swaps, bit counts                                  */

/* extract, sextract */
static void lower_extract(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool sign = ra->op->opc == IR_OP_sextract;
    bool w = op_w64(L);
    unsigned width = w ? 64 : 32;
    unsigned pos = ra->op->args[2], len = ra->op->args[3];
    int r1 = ra_in(ra, 1, RA_ALL);
    int rd = ra_out(ra, 0, RA_ALL, 1);

    if (len == width) {
        mov_if(s, w, rd, r1);
    } else if (pos == 0 && len == 8) {
        sign ? x86_movsx8(s, w, rd, r1) : x86_movzx8(s, rd, r1);
    } else if (pos == 0 && len == 16) {
        sign ? x86_movsx16(s, w, rd, r1) : x86_movzx16(s, rd, r1);
    } else if (pos == 0 && len == 32) {
        /* only reachable for i64 */
        sign ? x86_movsx32(s, rd, r1) : x86_mov_rr(s, false, rd, r1);
    } else if (pos + len == width) {
        mov_if(s, w, rd, r1);
        x86_shift_ri(s, sign ? XS_SAR : XS_SHR, w, rd, pos);
    } else if (!sign && len < 32) {
        mov_if(s, w, rd, r1);
        if (pos) {
            x86_shift_ri(s, XS_SHR, w, rd, pos);
        }
        x86_alu_ri(s, XA_AND, w, rd, (int32_t)((1u << len) - 1));
    } else {
        mov_if(s, w, rd, r1);
        x86_shift_ri(s, XS_SHL, w, rd, width - pos - len);
        x86_shift_ri(s, sign ? XS_SAR : XS_SHR, w, rd, width - len);
    }
}

/* rd &= imm or rd |= imm, through a scratch when imm is too wide. */
static void alu_wide_imm(Lower *L, X86Alu aop, bool w, int rd, uint64_t v)
{
    IRContext *s = L->s;

    if (!w || x86_fits_s32((int64_t)v)) {
        x86_alu_ri(s, aop, w, rd, (int32_t)v);
    } else {
        int t = ra_scratch(&L->ra, RA_ALL);
        x86_movi(s, true, t, (int64_t)v);
        x86_alu_rr(s, aop, w, rd, t);
    }
}

static void lower_deposit(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool w = op_w64(L);
    unsigned width = w ? 64 : 32;
    unsigned pos = ra->op->args[3], len = ra->op->args[4];
    uint64_t wmask = w ? ~0ull : 0xffffffffull;
    uint64_t mask = len == 64 ? ~0ull : (1ull << len) - 1;
    uint64_t fmask = (mask << pos) & wmask;
    int64_t v;
    int r1, r2, rd, t;

    if (len == width) {
        r2 = ra_in(ra, 2, RA_ALL);
        rd = ra_out(ra, 0, RA_ALL, 2);
        mov_if(s, w, rd, r2);
        return;
    }
    if (ra_const(ra, 2, &v)) {
        uint64_t bits = ((uint64_t)v & mask) << pos & wmask;
        r1 = ra_in(ra, 1, RA_ALL);
        rd = ra_out(ra, 0, RA_ALL, 1);
        mov_if(s, w, rd, r1);
        alu_wide_imm(L, XA_AND, w, rd, ~fmask & wmask);
        if (bits) {
            alu_wide_imm(L, XA_OR, w, rd, bits);
        }
        return;
    }
    r1 = ra_in(ra, 1, RA_ALL);
    r2 = ra_in(ra, 2, RA_ALL);
    if (pos == 0 && (len == 8 || len == 16)) {
        /* Partial-register move: x86 keeps the rest of rd. */
        rd = ra_out(ra, 0, RA_ALL, 1);
        mov_if(s, w, rd, r1);
        if (len == 8) {
            x86_op_rr(s, XOP_MOVB_RM_R | XO_BRM, r2, rd);
        } else {
            x86_op_rr(s, XOP_MOV_RM_R | XO_66, r2, rd);
        }
        return;
    }
    t = ra_scratch(ra, RA_ALL);
    x86_mov_rr(s, w, t, r2);
    if (pos + len == width) {
        x86_shift_ri(s, XS_SHL, w, t, pos);
    } else {
        x86_shift_ri(s, XS_SHL, w, t, width - len);
        x86_shift_ri(s, XS_SHR, w, t, width - len - pos);
    }
    rd = ra_out(ra, 0, RA_ALL, 1);
    mov_if(s, w, rd, r1);
    alu_wide_imm(L, XA_AND, w, rd, ~fmask & wmask);
    x86_alu_rr(s, XA_OR, w, rd, t);
}

static void lower_extract2(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool w = op_w64(L);
    unsigned pos = ra->op->args[3];
    int rl = ra_in(ra, 1, RA_ALL);
    int rh, rd;

    if (pos == 0) {
        rd = ra_out(ra, 0, RA_ALL, 1);
        mov_if(s, w, rd, rl);
        return;
    }
    rh = ra_in(ra, 2, RA_ALL);
    rd = ra_out(ra, 0, RA_ALL, 1);
    mov_if(s, w, rd, rl);
    /* shrd rd, rh, pos: rd = rd >> pos | rh << (W - pos) */
    x86_op_rr(s, XOP_SHRD_IMM | (w ? XO_W : 0), rh, rd);
    x86_byte(s, pos);
}

/* bswap16, bswap32, bswap64 */
static void lower_bswap(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    int r1 = ra_in(ra, 1, RA_ALL);
    int rd = ra_out(ra, 0, RA_ALL, 1);

    switch (ra->op->opc) {
    case IR_OP_bswap16:
        x86_movzx16(s, rd, r1);
        x86_rol16_8(s, rd);
        break;
    case IR_OP_bswap32:
        x86_mov_rr(s, false, rd, r1);
        x86_bswap(s, false, rd);
        break;
    default:
        mov_if(s, true, rd, r1);
        x86_bswap(s, true, rd);
        break;
    }
}

/* clz/ctz d, a, b: the count of a, or b when a == 0. */
static void lower_clz_ctz(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool clz = ra->op->opc == IR_OP_clz;
    bool w = op_w64(L);
    unsigned width = w ? 64 : 32;
    int64_t v;
    bool b_const = ra_const(ra, 2, &v);
    int r1, r2, rd;

    if (clz ? (L->feat & HOST_CPU_LZCNT) : (L->feat & HOST_CPU_BMI1)) {
        /* lzcnt/tzcnt give the width for 0 and set CF then. */
        r1 = ra_in(ra, 1, RA_ALL);
        if (b_const && (uint64_t)v == width) {
            rd = ra_out(ra, 0, RA_ALL, 1);
            x86_op_rr(s, (clz ? XOP_LZCNT : XOP_TZCNT) | (w ? XO_W : 0),
                      rd, r1);
            return;
        }
        r2 = ra_in(ra, 2, RA_ALL);
        rd = ra_out(ra, 0, RA_ALL, 1);
        x86_op_rr(s, (clz ? XOP_LZCNT : XOP_TZCNT) | (w ? XO_W : 0), rd, r1);
        x86_cmov(s, XC_B, w, rd, r2);
        return;
    }
    /*
     * bsr/bsf set ZF for 0 (destination undefined).  clz is
     * bsr ^ (W-1), so the zero value is pre-xored to come out as b.
     */
    r1 = ra_in(ra, 1, RA_ALL);
    if (clz) {
        r2 = ra_scratch(ra, RA_ALL);
        if (b_const) {
            x86_movi(s, w, r2, (int64_t)((uint64_t)v ^ (width - 1)));
        } else {
            int rb = ra_in(ra, 2, RA_ALL);
            x86_mov_rr(s, w, r2, rb);
            x86_alu_ri(s, XA_XOR, w, r2, width - 1);
        }
    } else {
        r2 = ra_in(ra, 2, RA_ALL);
    }
    rd = ra_out(ra, 0, RA_ALL, 1);
    x86_op_rr(s, (clz ? XOP_BSR : XOP_BSF) | (w ? XO_W : 0), rd, r1);
    x86_cmov(s, XC_E, w, rd, r2);
    if (clz) {
        x86_alu_ri(s, XA_XOR, w, rd, width - 1);
    }
}

static void lower_ctpop(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool w = op_w64(L);
    int r1 = ra_in(ra, 1, RA_ALL);
    int rd, t1, t2;

    if (L->feat & HOST_CPU_POPCNT) {
        rd = ra_out(ra, 0, RA_ALL, 1);
        x86_op_rr(s, XOP_POPCNT | (w ? XO_W : 0), rd, r1);
        return;
    }
    /* Bit-slice popcount: pairs, nibbles, bytes, then sum by multiply. */
    t1 = ra_scratch(ra, RA_ALL);
    t2 = ra_scratch(ra, RA_ALL);
    rd = ra_out(ra, 0, RA_ALL, 1);
    mov_if(s, w, rd, r1);
    x86_mov_rr(s, w, t1, rd);
    x86_shift_ri(s, XS_SHR, w, t1, 1);
    x86_movi(s, w, t2, (int64_t)0x5555555555555555ull);
    x86_alu_rr(s, XA_AND, w, t1, t2);
    x86_alu_rr(s, XA_SUB, w, rd, t1);
    x86_movi(s, w, t2, (int64_t)0x3333333333333333ull);
    x86_mov_rr(s, w, t1, rd);
    x86_shift_ri(s, XS_SHR, w, t1, 2);
    x86_alu_rr(s, XA_AND, w, t1, t2);
    x86_alu_rr(s, XA_AND, w, rd, t2);
    x86_alu_rr(s, XA_ADD, w, rd, t1);
    x86_mov_rr(s, w, t1, rd);
    x86_shift_ri(s, XS_SHR, w, t1, 4);
    x86_alu_rr(s, XA_ADD, w, rd, t1);
    x86_movi(s, w, t2, (int64_t)0x0f0f0f0f0f0f0f0full);
    x86_alu_rr(s, XA_AND, w, rd, t2);
    x86_movi(s, w, t2, (int64_t)0x0101010101010101ull);
    x86_op_rr(s, XOP_IMUL_R_RM | (w ? XO_W : 0), rd, t2);
    x86_shift_ri(s, XS_SHR, w, rd, w ? 56 : 24);
}

static void lower_ext(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRContext *s = L->s;
    bool w = op_w64(L);
    int r1 = ra_in(ra, 1, RA_ALL);
    int rd = ra_out(ra, 0, RA_ALL, 1);

    switch (ra->op->opc) {
    case IR_OP_ext8s:
        x86_movsx8(s, w, rd, r1);
        break;
    case IR_OP_ext8u:
        x86_movzx8(s, rd, r1);
        break;
    case IR_OP_ext16s:
        x86_movsx16(s, w, rd, r1);
        break;
    case IR_OP_ext16u:
        x86_movzx16(s, rd, r1);
        break;
    case IR_OP_ext32s:
    case IR_OP_ext_i32_i64:
        x86_movsx32(s, rd, r1);
        break;
    case IR_OP_ext32u:
    case IR_OP_extu_i32_i64:
    case IR_OP_extrl_i64_i32:
        x86_mov_rr(s, false, rd, r1);
        break;
    case IR_OP_extrh_i64_i32:
        mov_if(s, true, rd, r1);
        x86_shift_ri(s, XS_SHR, true, rd, 32);
        break;
    default:
        g_assert_not_reached();
    }
}

/* ------------------------------------------------------------------ */
/* TB exits                                                            */

static void lower_exit_tb(Lower *L)
{
    IRContext *s = L->s;
    uintptr_t v = (uintptr_t)L->ra.op->args[0];

    ra_sync_globals(&L->ra);
    if (v == 0) {
        x86_jmp_abs(s, (uintptr_t)epilogue_zero_rx, X_R11);
    } else {
        x86_movi(s, true, X_RAX, (int64_t)v);
        x86_jmp_abs(s, (uintptr_t)epilogue_ret_rx, X_R11);
    }
    ra_reset(&L->ra);
    L->unreachable = true;
}

static void lower_goto_tb(Lower *L)
{
    IRContext *s = L->s;
    unsigned n = (unsigned)L->ra.op->args[0];
    unsigned pad = (4 - ((code_rx(s) + 1) & 3)) & 3;

    g_assert(n < 2);
    ra_sync_globals(&L->ra);
    /* The rel32 must be 4-aligned so patching is one atomic store. */
    x86_nop(s, pad);
    s->tb_jmp_insn_offset[n] = code_off(s);
    x86_jmp32(s);
    s->tb_jmp_reset_offset[n] = code_off(s);
}

static void lower_goto_ptr(Lower *L)
{
    RegAlloc *ra = &L->ra;
    int r;

    ra_sync_globals(ra);
    r = ra_in(ra, 0, RA_ALL);
    x86_op_rr(L->s, XOP_GRP5, 4, r);    /* jmp *r */
    ra_reset(ra);
    L->unreachable = true;
}

static void lower_insn_start(Lower *L)
{
    IRContext *s = L->s;
    IROp *op = L->ra.op;

    if (L->insn >= IR_MAX_INSNS) {
        L->failed = true;
        return;
    }
    if (L->insn > 0) {
        s->gen_insn_end_off[L->insn - 1] = code_off(s);
    }
    for (unsigned i = 0; i < IR_INSN_START_WORDS; i++) {
        s->gen_insn_data[L->insn][i] = op->args[i];
    }
    L->insn++;
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

static void lower_nop(Lower *L)
{
    (void)L;
}

static void lower_discard(Lower *L)
{
    RegAlloc *ra = &L->ra;
    IRTempDesc *ts = &L->s->temps[ra->op->args[0]];

    if (ts->kind == IR_TEMP_NORMAL || ts->kind == IR_TEMP_GLOBAL) {
        if (ts->val_loc == RA_LOC_REG) {
            ra_forget(ra, ts->reg);
        }
        ts->val_loc = ts->kind == IR_TEMP_GLOBAL ? RA_LOC_MEM : RA_LOC_DEAD;
    }
}

static void lower_mb(Lower *L)
{
    /* x86 is TSO: only a store followed by a load may be reordered. */
    if (L->ra.op->args[0] & IR_MB_ST_LD) {
        x86_mfence(L->s);
    }
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

typedef void (*LowerFn)(Lower *L);

/*
 * One lowering per op.  Those for several ops read what they differ in
 * from ra->op->opc.  ra_end_op runs after every op: for ops without
 * arguments, or after ra_reset (exits, br), it changes nothing.
 */
static const LowerFn lower_fns[IR_OP_COUNT] = {
    [IR_OP_nop] = lower_nop,
    [IR_OP_discard] = lower_discard,
    [IR_OP_set_label] = lower_set_label,
    [IR_OP_insn_start] = lower_insn_start,
    [IR_OP_call] = x86_lower_call,
    [IR_OP_br] = lower_br,
    [IR_OP_brcond] = lower_brcond,
    [IR_OP_mb] = lower_mb,
    [IR_OP_mov] = lower_mov,
    [IR_OP_setcond] = lower_setcond,
    [IR_OP_negsetcond] = lower_setcond,
    [IR_OP_movcond] = lower_movcond,
    [IR_OP_ld] = x86_lower_ld,
    [IR_OP_st] = x86_lower_st,
    [IR_OP_add] = lower_add,
    [IR_OP_sub] = lower_sub,
    [IR_OP_mul] = lower_mul,
    [IR_OP_mulu2] = lower_mul2,
    [IR_OP_muls2] = lower_mul2,
    [IR_OP_divs] = lower_div,
    [IR_OP_divu] = lower_div,
    [IR_OP_rems] = lower_div,
    [IR_OP_remu] = lower_div,
    [IR_OP_and] = lower_and,
    [IR_OP_or] = lower_or,
    [IR_OP_xor] = lower_xor,
    [IR_OP_andc] = lower_logic,
    [IR_OP_orc] = lower_logic,
    [IR_OP_eqv] = lower_logic,
    [IR_OP_nand] = lower_logic,
    [IR_OP_nor] = lower_logic,
    [IR_OP_not] = lower_unary,
    [IR_OP_neg] = lower_unary,
    [IR_OP_shl] = lower_shift,
    [IR_OP_shr] = lower_shift,
    [IR_OP_sar] = lower_shift,
    [IR_OP_rotl] = lower_shift,
    [IR_OP_rotr] = lower_shift,
    [IR_OP_ext8s] = lower_ext,
    [IR_OP_ext8u] = lower_ext,
    [IR_OP_ext16s] = lower_ext,
    [IR_OP_ext16u] = lower_ext,
    [IR_OP_ext32s] = lower_ext,
    [IR_OP_ext32u] = lower_ext,
    [IR_OP_ext_i32_i64] = lower_ext,
    [IR_OP_extu_i32_i64] = lower_ext,
    [IR_OP_extrl_i64_i32] = lower_ext,
    [IR_OP_extrh_i64_i32] = lower_ext,
    [IR_OP_extract] = lower_extract,
    [IR_OP_sextract] = lower_extract,
    [IR_OP_deposit] = lower_deposit,
    [IR_OP_extract2] = lower_extract2,
    [IR_OP_bswap16] = lower_bswap,
    [IR_OP_bswap32] = lower_bswap,
    [IR_OP_bswap64] = lower_bswap,
    [IR_OP_clz] = lower_clz_ctz,
    [IR_OP_ctz] = lower_clz_ctz,
    [IR_OP_ctpop] = lower_ctpop,
    [IR_OP_add2] = lower_addsub2,
    [IR_OP_sub2] = lower_addsub2,
    [IR_OP_qemu_ld] = x86_lower_qemu,
    [IR_OP_qemu_st] = x86_lower_qemu,
    [IR_OP_qemu_ld128] = x86_lower_qemu,
    [IR_OP_qemu_st128] = x86_lower_qemu,
    [IR_OP_goto_tb] = lower_goto_tb,
    [IR_OP_exit_tb] = lower_exit_tb,
    [IR_OP_goto_ptr] = lower_goto_ptr,
};

/* Lower one op; false if the TB cannot be generated (too large). */
static bool lower_op(Lower *L, uint32_t idx)
{
    LowerFn fn = lower_fns[L->s->ops[idx].opc];

    g_assert(fn != NULL);
    ra_begin_op(&L->ra, idx);
    fn(L);
    ra_end_op(&L->ra);
    return !L->failed && !L->ra.out_of_slots;
}

/* Label tables for the TB: offsets unknown yet, set_label positions. */
static void lower_labels_init(Lower *L)
{
    IRContext *s = L->s;
    size_t n = s->nb_labels + 1;

    L->label_off = ir_scratch(s, X86_SCRATCH_LABEL_OFF, sizeof(uint32_t) * n);
    L->label_idx = ir_scratch0(s, X86_SCRATCH_LABEL_IDX, sizeof(uint32_t) * n);
    memset(L->label_off, 0xff, sizeof(uint32_t) * n);
    for (uint32_t i = 0; i < s->nb_ops; i++) {
        if (s->ops[i].opc == IR_OP_set_label) {
            L->label_idx[s->ops[i].args[0]] = i;
        }
    }
}

/* After the last op: slow paths, then forward jumps.  -1 if out of room. */
static int lower_finish(Lower *L)
{
    IRContext *s = L->s;

    if (L->insn > 0) {
        s->gen_insn_end_off[L->insn - 1] = code_off(s);
    }
    for (uint32_t i = 0; i < L->nb_slow; i++) {
        x86_emit_slow_path(L, &L->slow[i]);
        if (s->code_ptr > s->code_highwater) {
            return -1;
        }
    }
    for (uint32_t i = 0; i < L->nb_fixups; i++) {
        const Fixup *f = &L->fixups[i];
        g_assert(L->label_off[f->label] != UINT32_MAX);
        x86_patch32(s->code_buf + f->disp,
                    s->code_buf + L->label_off[f->label]);
    }
    for (int n = 0; n < 2; n++) {
        /* TranslationBlock keeps these in 16 bits. */
        if (s->tb_jmp_insn_offset[n] != UINT32_MAX &&
            s->tb_jmp_reset_offset[n] >= UINT16_MAX) {
            return -2;
        }
    }
    return (int)code_off(s);
}

static int x86_gen_code(IRContext *s)
{
    Lower L = { .s = s };

    host_cpu_detect();
    L.feat = host_cpu_features;
    g_assert(epilogue_ret_rx != NULL);
    ir_liveness(s);
    lower_labels_init(&L);
    ra_init(&L.ra, s);
    /* Slots without a goto_tb stay UINT32_MAX. */
    s->tb_jmp_insn_offset[0] = s->tb_jmp_insn_offset[1] = UINT32_MAX;
    s->tb_jmp_reset_offset[0] = s->tb_jmp_reset_offset[1] = UINT32_MAX;

    for (uint32_t i = 0; i < s->nb_ops; i++) {
        if (!lower_op(&L, i)) {
            return -2;
        }
        if (s->code_ptr > s->code_highwater) {
            return -1;
        }
    }
    return lower_finish(&L);
}

/* ------------------------------------------------------------------ */
/* Prologue, epilogue, entry, chaining                                 */

static const int8_t saved_regs[] = {
    X_RBP, X_RBX, X_R12, X_R13, X_R14, X_R15,
};

static size_t x86_emit_prologue(IRContext *s, const void **epilogue_rx)
{
    uint8_t *start = s->code_ptr;

    host_cpu_detect();
    prologue_rx = start + s->rx_diff;
    for (unsigned i = 0; i < G_N_ELEMENTS(saved_regs); i++) {
        x86_push(s, saved_regs[i]);
    }
    x86_alu_ri(s, XA_SUB, true, X_RSP, FRAME_SIZE);
    x86_mov_rr(s, true, RA_REG_ENV, X_RDI);
    x86_op_rr(s, XOP_GRP5, 4, X_RSI);           /* jmp *rsi */

    epilogue_zero_rx = s->code_ptr + s->rx_diff;
    x86_zero(s, X_RAX);
    epilogue_ret_rx = s->code_ptr + s->rx_diff;
    x86_alu_ri(s, XA_ADD, true, X_RSP, FRAME_SIZE);
    for (unsigned i = G_N_ELEMENTS(saved_regs); i-- > 0;) {
        x86_pop(s, saved_regs[i]);
    }
    x86_ret(s);
    *epilogue_rx = epilogue_zero_rx;
    return (size_t)(s->code_ptr - start);
}

static uintptr_t x86_exec(void *env, const void *tc_rx)
{
    uintptr_t (*entry)(void *, const void *) =
        (uintptr_t (*)(void *, const void *))(uintptr_t)prologue_rx;
    return entry(env, tc_rx);
}

static void x86_patch_jump(uintptr_t jmp_rx, ptrdiff_t rx_diff,
                           uintptr_t target_rx)
{
    int32_t *disp = (int32_t *)(jmp_rx - rx_diff + 1);
    int64_t rel = (int64_t)target_rx - (int64_t)(jmp_rx + 5);

    g_assert(x86_fits_s32(rel) && ((uintptr_t)disp & 3) == 0);
    __atomic_store_n(disp, (int32_t)rel, __ATOMIC_RELAXED);
}

const TCGBackend tcg_backend_x86_64 = {
    .name = "jit",
    .emit_prologue = x86_emit_prologue,
    .gen_code = x86_gen_code,
    .exec = x86_exec,
    .patch_jump = x86_patch_jump,
    .disas = x86_disas,
};

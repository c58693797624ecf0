/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86-64 instruction encoders: see emit.h.  The layout of an instruction
 * is [66][F2|F3][REX][0F [38|3A]] opcode ModRM [SIB] [disp] [imm]; the
 * helpers below build it from an opcode word and register numbers.
 */
#include <string.h>

#include "x86_64/emit.h"

/* ------------------------------------------------------------------ */
/* Opcode, ModRM, SIB                                                  */

void x86_opc(IRContext *s, uint32_t opc, int reg, int rm, int index)
{
    int rex = 0;

    reg = reg < 0 ? 0 : reg;
    rm = rm < 0 ? 0 : rm;
    index = index < 0 ? 0 : index;
    if (opc & XO_66) {
        x86_byte(s, 0x66);
    }
    if (opc & XO_F3) {
        x86_byte(s, 0xf3);
    } else if (opc & XO_F2) {
        x86_byte(s, 0xf2);
    }
    if (opc & XO_W) {
        rex |= 0x08;
    }
    rex |= (reg & 8) >> 1;
    rex |= (index & 8) >> 2;
    rex |= (rm & 8) >> 3;
    /* spl/bpl/sil/dil exist only with a REX prefix (else ah..bh). */
    if ((opc & XO_BREG) && reg >= 4) {
        rex |= 0x40;
    }
    if ((opc & XO_BRM) && rm >= 4) {
        rex |= 0x40;
    }
    if (rex) {
        x86_byte(s, 0x40 | rex);
    }
    if (opc & (XO_0F | XO_0F38 | XO_0F3A)) {
        x86_byte(s, 0x0f);
        if (opc & XO_0F38) {
            x86_byte(s, 0x38);
        } else if (opc & XO_0F3A) {
            x86_byte(s, 0x3a);
        }
    }
    x86_byte(s, opc & 0xff);
}

void x86_op_rr(IRContext *s, uint32_t opc, int reg, int rm)
{
    x86_opc(s, opc, reg, rm, -1);
    x86_byte(s, 0xc0 | ((reg & 7) << 3) | (rm & 7));
}

void x86_op_rm(IRContext *s, uint32_t opc, int reg, int base, int index,
                int shift, int32_t disp)
{
    int mod;

    /* A byte register in rm only matters for register operands. */
    x86_opc(s, opc & ~XO_BRM, reg, base, index);
    reg &= 7;
    if (base < 0) {
        /* [index << shift + disp32] or [disp32]: SIB with no base. */
        x86_byte(s, (reg << 3) | 4);
        x86_byte(s, (shift << 6) | ((index < 0 ? 4 : index & 7) << 3) | 5);
        x86_u32(s, disp);
        return;
    }
    /* rbp/r13 as base have no disp-less form. */
    if (disp == 0 && (base & 7) != X_RBP) {
        mod = 0;
    } else if (x86_fits_s8(disp)) {
        mod = 0x40;
    } else {
        mod = 0x80;
    }
    if (index < 0 && (base & 7) != X_RSP) {
        x86_byte(s, mod | (reg << 3) | (base & 7));
    } else {
        /* rsp/r12 as base need a SIB; index 4 without REX.X is "none". */
        x86_byte(s, mod | (reg << 3) | 4);
        x86_byte(s, (shift << 6) | ((index < 0 ? 4 : index & 7) << 3) |
                        (base & 7));
    }
    if (mod == 0x40) {
        x86_byte(s, (uint8_t)disp);
    } else if (mod == 0x80) {
        x86_u32(s, disp);
    }
}

void x86_op_rip(IRContext *s, uint32_t opc, int reg, uintptr_t target_rx)
{
    uintptr_t end;

    x86_opc(s, opc, reg, -1, -1);
    x86_byte(s, ((reg & 7) << 3) | 5);
    end = (uintptr_t)(s->code_ptr + 4 + s->rx_diff);
    x86_u32(s, (uint32_t)(target_rx - end));
}

void x86_vex_rr(IRContext *s, uint32_t opc, int reg, int vvvv, int rm)
{
    int mmmmm = (opc & XO_0F38) ? 2 : (opc & XO_0F3A) ? 3 : 1;
    int pp = (opc & XO_66) ? 1 : (opc & XO_F3) ? 2 : (opc & XO_F2) ? 3 : 0;

    x86_byte(s, 0xc4);
    x86_byte(s, ((~reg & 8) << 4) | 0x40 | ((~rm & 8) << 2) | mmmmm);
    x86_byte(s, ((opc & XO_W) ? 0x80 : 0) | ((~vvvv & 15) << 3) | pp);
    x86_byte(s, opc & 0xff);
    x86_byte(s, 0xc0 | ((reg & 7) << 3) | (rm & 7));
}

/* ------------------------------------------------------------------ */
/* Common instructions                                                 */

static uint32_t w(bool w64)
{
    return w64 ? XO_W : 0;
}

void x86_mov_rr(IRContext *s, bool w64, int dst, int src)
{
    x86_op_rr(s, XOP_MOV_RM_R | w(w64), src, dst);
}

void x86_movi(IRContext *s, bool w64, int dst, int64_t val)
{
    if (!w64 || val == (int64_t)(uint32_t)val) {
        /* mov r32, imm32 zero-extends into the full register. */
        x86_opc(s, 0xb8 + (dst & 7), 0, dst, -1);
        x86_u32(s, (uint32_t)val);
    } else if (x86_fits_s32(val)) {
        x86_op_rr(s, XOP_MOV_RM_IMM | XO_W, 0, dst);
        x86_u32(s, (uint32_t)val);
    } else {
        x86_opc(s, (0xb8 + (dst & 7)) | XO_W, 0, dst, -1);
        x86_u64(s, (uint64_t)val);
    }
}

void x86_zero(IRContext *s, int dst)
{
    x86_op_rr(s, XOP_ALU_RM_R(XA_XOR), dst, dst);
}

void x86_alu_rr(IRContext *s, X86Alu op, bool w64, int dst, int src)
{
    x86_op_rr(s, XOP_ALU_RM_R(op) | w(w64), src, dst);
}

void x86_alu_ri(IRContext *s, X86Alu op, bool w64, int dst, int32_t imm)
{
    if (x86_fits_s8(imm)) {
        x86_op_rr(s, 0x83 | w(w64), op, dst);
        x86_byte(s, (uint8_t)imm);
    } else {
        x86_op_rr(s, 0x81 | w(w64), op, dst);
        x86_u32(s, (uint32_t)imm);
    }
}

void x86_alu_rm(IRContext *s, X86Alu op, bool w64, int dst, int base,
                int32_t disp)
{
    x86_op_rm(s, XOP_ALU_R_RM(op) | w(w64), dst, base, -1, 0, disp);
}

void x86_shift_ri(IRContext *s, X86Shift op, bool w64, int dst, int count)
{
    if (count == 1) {
        x86_op_rr(s, 0xd1 | w(w64), op, dst);
    } else {
        x86_op_rr(s, 0xc1 | w(w64), op, dst);
        x86_byte(s, (uint8_t)count);
    }
}

void x86_shift_cl(IRContext *s, X86Shift op, bool w64, int dst)
{
    x86_op_rr(s, 0xd3 | w(w64), op, dst);
}

void x86_grp3(IRContext *s, X86Grp3 ext, bool w64, int rm)
{
    x86_op_rr(s, XOP_GRP3 | w(w64), ext, rm);
}

void x86_sign_extend_ax(IRContext *s, bool w64)
{
    x86_opc(s, XOP_CDQ | w(w64), 0, 0, -1);
}

void x86_rol16_8(IRContext *s, int reg)
{
    x86_op_rr(s, 0xc1 | XO_66, XS_ROL, reg);
    x86_byte(s, 8);
}

void x86_lea(IRContext *s, bool w64, int dst, int base, int index,
             int shift, int32_t disp)
{
    x86_op_rm(s, XOP_LEA | w(w64), dst, base, index, shift, disp);
}

void x86_test_rr(IRContext *s, bool w64, int a, int b)
{
    x86_op_rr(s, XOP_TEST | w(w64), b, a);
}

void x86_setcc(IRContext *s, X86Cond c, int dst)
{
    x86_op_rr(s, XOP_SETCC(c), 0, dst);
}

void x86_cmov(IRContext *s, X86Cond c, bool w64, int dst, int src)
{
    x86_op_rr(s, XOP_CMOVCC(c) | w(w64), dst, src);
}

void x86_bswap(IRContext *s, bool w64, int reg)
{
    x86_opc(s, (0xc8 + (reg & 7)) | XO_0F | w(w64), 0, reg, -1);
}

void x86_movzx8(IRContext *s, int dst, int src)
{
    x86_op_rr(s, XOP_MOVZBL, dst, src);
}

void x86_movzx16(IRContext *s, int dst, int src)
{
    x86_op_rr(s, XOP_MOVZWL, dst, src);
}

void x86_movsx8(IRContext *s, bool w64, int dst, int src)
{
    x86_op_rr(s, XOP_MOVSBL | w(w64), dst, src);
}

void x86_movsx16(IRContext *s, bool w64, int dst, int src)
{
    x86_op_rr(s, XOP_MOVSWL | w(w64), dst, src);
}

void x86_movsx32(IRContext *s, int dst, int src)
{
    x86_op_rr(s, XOP_MOVSLQ, dst, src);
}

void x86_store(IRContext *s, unsigned size, int src, int base, int index,
               int32_t disp)
{
    static const uint32_t opc[4] = {
        XOP_MOVB_RM_R, XOP_MOV_RM_R | XO_66, XOP_MOV_RM_R,
        XOP_MOV_RM_R | XO_W,
    };
    x86_op_rm(s, opc[size], src, base, index, 0, disp);
}

void x86_store_imm(IRContext *s, unsigned size, int32_t imm, int base,
                   int32_t disp)
{
    switch (size) {
    case 0:
        x86_op_rm(s, XOP_MOVB_RM_IMM, 0, base, -1, 0, disp);
        x86_byte(s, (uint8_t)imm);
        break;
    case 1:
        x86_op_rm(s, XOP_MOV_RM_IMM | XO_66, 0, base, -1, 0, disp);
        x86_u16(s, (uint16_t)imm);
        break;
    default:
        x86_op_rm(s, XOP_MOV_RM_IMM | (size == 3 ? XO_W : 0), 0, base, -1,
                   0, disp);
        x86_u32(s, (uint32_t)imm);
        break;
    }
}

void x86_load64(IRContext *s, int dst, int base, int32_t disp)
{
    x86_op_rm(s, XOP_MOV_R_RM | XO_W, dst, base, -1, 0, disp);
}

void x86_load32(IRContext *s, int dst, int base, int32_t disp)
{
    x86_op_rm(s, XOP_MOV_R_RM, dst, base, -1, 0, disp);
}

void x86_push(IRContext *s, int reg)
{
    x86_opc(s, 0x50 + (reg & 7), 0, reg, -1);
}

void x86_pop(IRContext *s, int reg)
{
    x86_opc(s, 0x58 + (reg & 7), 0, reg, -1);
}

void x86_ret(IRContext *s)
{
    x86_byte(s, 0xc3);
}

void x86_mfence(IRContext *s)
{
    x86_byte(s, 0x0f);
    x86_byte(s, 0xae);
    x86_byte(s, 0xf0);
}

void x86_nop(IRContext *s, unsigned len)
{
    /* The recommended multi-byte nops (Intel SDM, NOP). */
    static const uint8_t nops[8][8] = {
        { 0x90 },
        { 0x66, 0x90 },
        { 0x0f, 0x1f, 0x00 },
        { 0x0f, 0x1f, 0x40, 0x00 },
        { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
        { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    };
    if (len == 0) {
        return;
    }
    g_assert(len <= 8);
    memcpy(s->code_ptr, nops[len - 1], len);
    s->code_ptr += len;
}

/* ------------------------------------------------------------------ */
/* Branches                                                            */

uint8_t *x86_jcc32(IRContext *s, X86Cond c)
{
    x86_byte(s, 0x0f);
    x86_byte(s, 0x80 + c);
    x86_u32(s, 0);
    return s->code_ptr - 4;
}

uint8_t *x86_jmp32(IRContext *s)
{
    x86_byte(s, 0xe9);
    x86_u32(s, 0);
    return s->code_ptr - 4;
}

uint8_t *x86_jcc8(IRContext *s, X86Cond c)
{
    x86_byte(s, 0x70 + c);
    x86_byte(s, 0);
    return s->code_ptr - 1;
}

uint8_t *x86_jmp8(IRContext *s)
{
    x86_byte(s, 0xeb);
    x86_byte(s, 0);
    return s->code_ptr - 1;
}

void x86_patch32(uint8_t *disp, const uint8_t *target)
{
    int32_t rel = (int32_t)(target - (disp + 4));
    memcpy(disp, &rel, 4);
}

void x86_patch8(uint8_t *disp, const uint8_t *target)
{
    ptrdiff_t rel = target - (disp + 1);
    g_assert(x86_fits_s8(rel));
    *disp = (uint8_t)rel;
}

static void x86_branch_abs(IRContext *s, uint8_t opc, int ext,
                           uintptr_t target_rx, int scratch)
{
    uintptr_t end = (uintptr_t)(s->code_ptr + 5 + s->rx_diff);
    int64_t rel = (int64_t)(target_rx - end);

    if (x86_fits_s32(rel)) {
        x86_byte(s, opc);
        x86_u32(s, (uint32_t)rel);
    } else {
        /* Out of rel32 reach (helpers in the binary, far buffers). */
        x86_movi(s, true, scratch, (int64_t)target_rx);
        x86_op_rr(s, XOP_GRP5, ext, scratch);
    }
}

void x86_call_abs(IRContext *s, uintptr_t target_rx, int scratch)
{
    x86_branch_abs(s, 0xe8, 2, target_rx, scratch);
}

void x86_jmp_abs(IRContext *s, uintptr_t target_rx, int scratch)
{
    x86_branch_abs(s, 0xe9, 4, target_rx, scratch);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86-64 instruction encoders.
 *
 * Only encoding lives here: no IR, no register allocation.  Every
 * function appends one instruction at s->code_ptr.  Opcodes are words:
 * the low byte is the opcode byte and the XO_* bits above it select
 * escape bytes, mandatory prefixes and REX.W, so one encoder per operand
 * form (reg-reg, reg-mem, VEX) covers the whole table:
 *
 *     x86_op_rr(s, XOP_ALU_RM_R(XA_ADD) | XO_W, X_RAX, X_RBX); // add rbx,rax
 *     x86_op_rm(s, XOP_MOV_R_RM | XO_W, X_RAX, X_RBP, -1, 0, 16);
 *                                              // mov rax,[rbp+16]
 */
#ifndef KESTREL_TCG_X86_64_EMIT_H
#define KESTREL_TCG_X86_64_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kestrel/ir.h"

enum {
    X_RAX, X_RCX, X_RDX, X_RBX, X_RSP, X_RBP, X_RSI, X_RDI,
    X_R8, X_R9, X_R10, X_R11, X_R12, X_R13, X_R14, X_R15,
    X_NB_REGS,
};

/* Opcode word flags. */
#define XO_0F 0x100        /* 0f escape */
#define XO_0F38 0x200      /* 0f 38 escape */
#define XO_0F3A 0x400      /* 0f 3a escape */
#define XO_66 0x800        /* operand size / mandatory prefix */
#define XO_F3 0x1000       /* mandatory prefix */
#define XO_F2 0x2000       /* mandatory prefix */
#define XO_W 0x4000        /* REX.W: 64-bit operand size */
#define XO_BREG 0x8000     /* reg field is a byte register */
#define XO_BRM 0x10000     /* rm field is a byte register */

/* Condition codes (the low nibble of jcc/setcc/cmovcc). */
typedef enum X86Cond {
    XC_O, XC_NO, XC_B, XC_AE, XC_E, XC_NE, XC_BE, XC_A,
    XC_S, XC_NS, XC_P, XC_NP, XC_L, XC_GE, XC_LE, XC_G,
} X86Cond;

/* Group-1 ALU operations, the /n of 0x81 and the opcode base. */
typedef enum X86Alu {
    XA_ADD = 0, XA_OR = 1, XA_ADC = 2, XA_SBB = 3,
    XA_AND = 4, XA_SUB = 5, XA_XOR = 6, XA_CMP = 7,
} X86Alu;

/* Group-2 shift operations (/n of 0xc1, 0xd3). */
typedef enum X86Shift {
    XS_ROL = 0, XS_ROR = 1, XS_SHL = 4, XS_SHR = 5, XS_SAR = 7,
} X86Shift;

/* Group-3 unary operations (/n of 0xf7, XOP_GRP3). */
typedef enum X86Grp3 {
    XG3_TEST = 0,               /* followed by an imm32 */
    XG3_NOT = 2, XG3_NEG = 3, XG3_MUL = 4, XG3_IMUL = 5, XG3_DIV = 6,
    XG3_IDIV = 7,
} X86Grp3;

/* Opcodes used with x86_op_rr / x86_op_rm. */
#define XOP_ALU_RM_R(a) (0x01 + ((a) << 3))  /* alu r/m, r */
#define XOP_ALU_R_RM(a) (0x03 + ((a) << 3))  /* alu r, r/m */
#define XOP_MOV_RM_R 0x89
#define XOP_MOV_R_RM 0x8b
#define XOP_MOVB_RM_R (0x88 | XO_BREG)
#define XOP_LEA 0x8d
#define XOP_TEST 0x85
#define XOP_XCHG 0x87
#define XOP_MOVZBL (0xb6 | XO_0F | XO_BRM)
#define XOP_MOVZWL (0xb7 | XO_0F)
#define XOP_MOVSBL (0xbe | XO_0F | XO_BRM)
#define XOP_MOVSWL (0xbf | XO_0F)
#define XOP_MOVSLQ (0x63 | XO_W)
#define XOP_IMUL_R_RM (0xaf | XO_0F)
#define XOP_IMUL_IMM32 0x69
#define XOP_IMUL_IMM8 0x6b
#define XOP_GRP3 0xf7          /* X86Grp3 in the reg field */
#define XOP_CDQ 0x99           /* cdq; cqo with XO_W */
#define XOP_GRP5 0xff          /* /2 call /4 jmp */
#define XOP_BSF (0xbc | XO_0F)
#define XOP_BSR (0xbd | XO_0F)
#define XOP_TZCNT (0xbc | XO_0F | XO_F3)
#define XOP_LZCNT (0xbd | XO_0F | XO_F3)
#define XOP_POPCNT (0xb8 | XO_0F | XO_F3)
#define XOP_CMOVCC(c) ((0x40 + (c)) | XO_0F)
#define XOP_SETCC(c) ((0x90 + (c)) | XO_0F | XO_BRM)
#define XOP_MOVBE_R_M (0xf0 | XO_0F38)
#define XOP_MOVBE_M_R (0xf1 | XO_0F38)
#define XOP_SHLD_IMM (0xa4 | XO_0F)
#define XOP_SHRD_IMM (0xac | XO_0F)
#define XOP_MOV_RM_IMM 0xc7     /* /0 id */
#define XOP_MOVB_RM_IMM 0xc6    /* /0 ib */
/* VEX-encoded (BMI1/BMI2). */
#define XOP_ANDN (0xf2 | XO_0F38)
#define XOP_SHLX (0xf7 | XO_0F38 | XO_66)
#define XOP_SARX (0xf7 | XO_0F38 | XO_F3)
#define XOP_SHRX (0xf7 | XO_0F38 | XO_F2)
#define XOP_RORX (0xf0 | XO_0F3A | XO_F2)

static inline bool x86_fits_s8(int64_t v)
{
    return v == (int8_t)v;
}
static inline bool x86_fits_s32(int64_t v)
{
    return v == (int32_t)v;
}

/* Raw bytes: inline, every encoder calls them several times. */
static inline void x86_byte(IRContext *s, uint8_t b)
{
    *s->code_ptr++ = b;
}
static inline void x86_u16(IRContext *s, uint16_t v)
{
    memcpy(s->code_ptr, &v, 2);
    s->code_ptr += 2;
}
static inline void x86_u32(IRContext *s, uint32_t v)
{
    memcpy(s->code_ptr, &v, 4);
    s->code_ptr += 4;
}
static inline void x86_u64(IRContext *s, uint64_t v)
{
    memcpy(s->code_ptr, &v, 8);
    s->code_ptr += 8;
}

/* Prefixes, REX and opcode bytes for opc with these register fields. */
void x86_opc(IRContext *s, uint32_t opc, int reg, int rm, int index);
/* opc reg, rm (register direct). */
void x86_op_rr(IRContext *s, uint32_t opc, int reg, int rm);
/*
 * opc reg, [base + index << shift + disp].  base -1: no base (absolute
 * disp32); index -1: no index.  For opcodes with a /n, reg is n.
 */
void x86_op_rm(IRContext *s, uint32_t opc, int reg, int base, int index,
                int shift, int32_t disp);
/* opc reg, [rip + target] where target is an executable address. */
void x86_op_rip(IRContext *s, uint32_t opc, int reg, uintptr_t target_rx);
/* VEX-encoded opc reg, vvvv, rm (rm register direct). */
void x86_vex_rr(IRContext *s, uint32_t opc, int reg, int vvvv, int rm);

/* Common instructions. */
void x86_mov_rr(IRContext *s, bool w64, int dst, int src);
/*
 * dst = val using the shortest form: mov r32,imm32 when val fits 32
 * unsigned bits (or w64 is false), sign-extended imm32, else movabs.
 * Never touches the flags.
 */
void x86_movi(IRContext *s, bool w64, int dst, int64_t val);
/* xor r32,r32: shorter zeroing that clobbers the flags. */
void x86_zero(IRContext *s, int dst);
void x86_alu_rr(IRContext *s, X86Alu op, bool w64, int dst, int src);
/* alu dst, imm (imm must fit a sign-extended 32-bit value). */
void x86_alu_ri(IRContext *s, X86Alu op, bool w64, int dst, int32_t imm);
void x86_alu_rm(IRContext *s, X86Alu op, bool w64, int dst, int base,
                int32_t disp);
void x86_shift_ri(IRContext *s, X86Shift op, bool w64, int dst, int count);
void x86_shift_cl(IRContext *s, X86Shift op, bool w64, int dst);
void x86_grp3(IRContext *s, X86Grp3 ext, bool w64, int rm);
/* cdq / cqo: sign-extend eax / rax into edx / rdx (before idiv). */
void x86_sign_extend_ax(IRContext *s, bool w64);
/* rol r16, 8: swap the two low bytes, keeping the rest of reg. */
void x86_rol16_8(IRContext *s, int reg);
void x86_lea(IRContext *s, bool w64, int dst, int base, int index,
             int shift, int32_t disp);
void x86_test_rr(IRContext *s, bool w64, int a, int b);
void x86_setcc(IRContext *s, X86Cond c, int dst);
void x86_cmov(IRContext *s, X86Cond c, bool w64, int dst, int src);
void x86_bswap(IRContext *s, bool w64, int reg);
void x86_movzx8(IRContext *s, int dst, int src);   /* movzbl */
void x86_movzx16(IRContext *s, int dst, int src);  /* movzwl */
void x86_movsx8(IRContext *s, bool w64, int dst, int src);
void x86_movsx16(IRContext *s, bool w64, int dst, int src);
void x86_movsx32(IRContext *s, int dst, int src);  /* movslq */
/* Loads and stores of 1/2/4/8 bytes (size log2), no extension rules. */
void x86_store(IRContext *s, unsigned size, int src, int base, int index,
               int32_t disp);
void x86_store_imm(IRContext *s, unsigned size, int32_t imm, int base,
                   int32_t disp);
void x86_load64(IRContext *s, int dst, int base, int32_t disp);
void x86_load32(IRContext *s, int dst, int base, int32_t disp);
void x86_push(IRContext *s, int reg);
void x86_pop(IRContext *s, int reg);
void x86_ret(IRContext *s);
void x86_mfence(IRContext *s);
/* Multi-byte nop of 1..8 bytes. */
void x86_nop(IRContext *s, unsigned len);

/*
 * Branches.  The rel32/rel8 forms return the write pointer of their
 * displacement so it can be patched once the target is known.
 */
uint8_t *x86_jcc32(IRContext *s, X86Cond c);
uint8_t *x86_jmp32(IRContext *s);
uint8_t *x86_jcc8(IRContext *s, X86Cond c);
uint8_t *x86_jmp8(IRContext *s);
/* Point a displacement (ending where the instruction ends) at target. */
void x86_patch32(uint8_t *disp, const uint8_t *target);
void x86_patch8(uint8_t *disp, const uint8_t *target);
/* Direct call/jump to an executable address (rel32 or via scratch). */
void x86_call_abs(IRContext *s, uintptr_t target_rx, int scratch);
void x86_jmp_abs(IRContext *s, uintptr_t target_rx, int scratch);

#endif /* KESTREL_TCG_X86_64_EMIT_H */

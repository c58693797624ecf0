/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interpreter backend's byte code, shared by the generator (gen.c)
 * and the interpreter loop (interp.c).  The format is described at the
 * top of interp.c.
 */
#ifndef KESTREL_TCG_INTERP_BYTECODE_H
#define KESTREL_TCG_INTERP_BYTECODE_H

#include <stdint.h>
#include <string.h>

#include "kestrel/ir.h"

/* ------------------------------------------------------------------ */
/* Byte code                                                           */

/*
 * X(name, units, layout): units is the op's length including the opcode
 * (0: variable, see bc_len()); layout describes the operands for the
 * disassembler: r slot, c small constant, i int32, L branch, q u64,
 * p padding.  Ops that exist per type come in _32/_64 pairs, in that
 * order, so the generator can pick one with "base + is64".
 */
#define BC_OPS(X)                                                       \
    X(NOP, 1, "")                                                       \
    X(RET0, 1, "")                                                      \
    X(TB_ENTER, 0, "cc")                                                \
    X(BR, 3, "L")                                                       \
    X(GOTO_TB, 0, "")                                                   \
    X(EXIT_TB, 5, "q")                                                  \
    X(GOTO_PTR, 2, "r")                                                 \
    X(CALL, 0, "ccrq")                                                  \
    X(MB, 2, "c")                                                       \
    X(MOV, 3, "rr")                                                     \
    X(LD8U, 5, "rri")                                                   \
    X(LD8S_32, 5, "rri")                                                \
    X(LD8S_64, 5, "rri")                                                \
    X(LD16U, 5, "rri")                                                  \
    X(LD16S_32, 5, "rri")                                               \
    X(LD16S_64, 5, "rri")                                               \
    X(LD32U, 5, "rri")                                                  \
    X(LD32S_64, 5, "rri")                                               \
    X(LD64, 5, "rri")                                                   \
    X(LDX_32, 6, "rric")                                                \
    X(LDX_64, 6, "rric")                                                \
    X(ST8, 5, "rri")                                                    \
    X(ST16, 5, "rri")                                                   \
    X(ST32, 5, "rri")                                                   \
    X(ST64, 5, "rri")                                                   \
    X(STX, 6, "rric")                                                   \
    X(ADD_32, 4, "rrr")                                                 \
    X(ADD_64, 4, "rrr")                                                 \
    X(SUB_32, 4, "rrr")                                                 \
    X(SUB_64, 4, "rrr")                                                 \
    X(MUL_32, 4, "rrr")                                                 \
    X(MUL_64, 4, "rrr")                                                 \
    X(MULU2_32, 5, "rrrr")                                              \
    X(MULU2_64, 5, "rrrr")                                              \
    X(MULS2_32, 5, "rrrr")                                              \
    X(MULS2_64, 5, "rrrr")                                              \
    X(DIVS_32, 4, "rrr")                                                \
    X(DIVS_64, 4, "rrr")                                                \
    X(DIVU_32, 4, "rrr")                                                \
    X(DIVU_64, 4, "rrr")                                                \
    X(REMS_32, 4, "rrr")                                                \
    X(REMS_64, 4, "rrr")                                                \
    X(REMU_32, 4, "rrr")                                                \
    X(REMU_64, 4, "rrr")                                                \
    X(AND, 4, "rrr")                                                    \
    X(OR, 4, "rrr")                                                     \
    X(XOR, 4, "rrr")                                                    \
    X(ANDC, 4, "rrr")                                                   \
    X(ORC_32, 4, "rrr")                                                 \
    X(ORC_64, 4, "rrr")                                                 \
    X(EQV_32, 4, "rrr")                                                 \
    X(EQV_64, 4, "rrr")                                                 \
    X(NAND_32, 4, "rrr")                                                \
    X(NAND_64, 4, "rrr")                                                \
    X(NOR_32, 4, "rrr")                                                 \
    X(NOR_64, 4, "rrr")                                                 \
    X(NOT_32, 3, "rr")                                                  \
    X(NOT_64, 3, "rr")                                                  \
    X(NEG_32, 3, "rr")                                                  \
    X(NEG_64, 3, "rr")                                                  \
    X(SHL_32, 4, "rrr")                                                 \
    X(SHL_64, 4, "rrr")                                                 \
    X(SHR_32, 4, "rrr")                                                 \
    X(SHR_64, 4, "rrr")                                                 \
    X(SAR_32, 4, "rrr")                                                 \
    X(SAR_64, 4, "rrr")                                                 \
    X(ROTL_32, 4, "rrr")                                                \
    X(ROTL_64, 4, "rrr")                                                \
    X(ROTR_32, 4, "rrr")                                                \
    X(ROTR_64, 4, "rrr")                                                \
    X(EXT8S_32, 3, "rr")                                                \
    X(EXT8S_64, 3, "rr")                                                \
    X(EXT8U, 3, "rr")                                                   \
    X(EXT16S_32, 3, "rr")                                               \
    X(EXT16S_64, 3, "rr")                                               \
    X(EXT16U, 3, "rr")                                                  \
    X(EXT32S, 3, "rr")                                                  \
    X(EXT32U, 3, "rr")                                                  \
    X(EXTRH, 3, "rr")                                                   \
    X(EXTRACT_32, 5, "rrcc")                                            \
    X(EXTRACT_64, 5, "rrcc")                                            \
    X(SEXTRACT_32, 5, "rrcc")                                           \
    X(SEXTRACT_64, 5, "rrcc")                                           \
    X(DEPOSIT_32, 6, "rrrcc")                                           \
    X(DEPOSIT_64, 6, "rrrcc")                                           \
    X(EXTRACT2_32, 5, "rrrc")                                           \
    X(EXTRACT2_64, 5, "rrrc")                                           \
    X(BSWAP16, 3, "rr")                                                 \
    X(BSWAP32, 3, "rr")                                                 \
    X(BSWAP64, 3, "rr")                                                 \
    X(CLZ_32, 4, "rrr")                                                 \
    X(CLZ_64, 4, "rrr")                                                 \
    X(CTZ_32, 4, "rrr")                                                 \
    X(CTZ_64, 4, "rrr")                                                 \
    X(CTPOP, 3, "rr")                                                   \
    X(ADD2_32, 7, "rrrrrr")                                             \
    X(ADD2_64, 7, "rrrrrr")                                             \
    X(SUB2_32, 7, "rrrrrr")                                             \
    X(SUB2_64, 7, "rrrrrr")                                             \
    X(SETCOND_32, 5, "rrrc")                                            \
    X(SETCOND_64, 5, "rrrc")                                            \
    X(NEGSETCOND_32, 5, "rrrc")                                         \
    X(NEGSETCOND_64, 5, "rrrc")                                         \
    X(MOVCOND_32, 7, "rrrrrc")                                          \
    X(MOVCOND_64, 7, "rrrrrc")                                          \
    X(BRCOND_EQ_32, 5, "rrL")                                           \
    X(BRCOND_EQ_64, 5, "rrL")                                           \
    X(BRCOND_NE_32, 5, "rrL")                                           \
    X(BRCOND_NE_64, 5, "rrL")                                           \
    X(BRCOND_LT_32, 5, "rrL")                                           \
    X(BRCOND_LT_64, 5, "rrL")                                           \
    X(BRCOND_GE_32, 5, "rrL")                                           \
    X(BRCOND_GE_64, 5, "rrL")                                           \
    X(BRCOND_LE_32, 5, "rrL")                                           \
    X(BRCOND_LE_64, 5, "rrL")                                           \
    X(BRCOND_GT_32, 5, "rrL")                                           \
    X(BRCOND_GT_64, 5, "rrL")                                           \
    X(BRCOND_LTU_32, 5, "rrL")                                          \
    X(BRCOND_LTU_64, 5, "rrL")                                          \
    X(BRCOND_GEU_32, 5, "rrL")                                          \
    X(BRCOND_GEU_64, 5, "rrL")                                          \
    X(BRCOND_LEU_32, 5, "rrL")                                          \
    X(BRCOND_LEU_64, 5, "rrL")                                          \
    X(BRCOND_GTU_32, 5, "rrL")                                          \
    X(BRCOND_GTU_64, 5, "rrL")                                          \
    X(QLD_D_32, 9, "rriq")                                              \
    X(QLD_D_64, 9, "rriq")                                              \
    X(QLD_M_32, 9, "rriq")                                              \
    X(QLD_M_64, 9, "rriq")                                              \
    X(QST_D, 9, "rriq")                                                 \
    X(QST_M, 9, "rriq")                                                 \
    X(QLD128_D, 10, "rrriq")                                            \
    X(QLD128_M, 10, "rrriq")                                            \
    X(QST128_D, 10, "rrriq")                                            \
    X(QST128_M, 10, "rrriq")                                            \
    X(QALIGN, 8, "riq")

typedef enum BCOp {
#define BC_ENUM(name, len, layout) BC_##name,
    BC_OPS(BC_ENUM)
#undef BC_ENUM
    BC_COUNT
} BCOp;

enum {
#define BC_LEN_ENUM(name, len, layout) BC_LEN_##name = len,
    BC_OPS(BC_LEN_ENUM)
#undef BC_LEN_ENUM
};

/* brcond picks its op from the condition: keep IRCond's order. */
_Static_assert(BC_BRCOND_GTU_64 - BC_BRCOND_EQ_32 ==
               2 * (IR_COND_GTU - IR_COND_EQ) + 1, "brcond op order");

#define BC_MAX_SLOTS 0xffffu
/* Slot 1 always holds 0 (const index 0): used for degenerate fields. */
#define BC_SLOT_ZERO 1

/*
 * goto_tb's target: the first 8-byte aligned u64 after its opcode, so it
 * can be patched atomically (0 to 3 units of padding in between).  The
 * same in both views of the code buffer, which differ by whole pages.
 */
static inline uintptr_t bc_goto_tb_slot(uintptr_t op)
{
    return (op + 2 + 7) & ~(uintptr_t)7;
}

/* Result kinds of BC_CALL. */
enum { CALL_RET_NONE, CALL_RET_I32, CALL_RET_I64 };

/* Unaligned immediates: memcpy compiles to one move on x86-64. */
static inline int32_t rd_i32(const uint16_t *p)
{
    int32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline uint64_t rd_u64(const uint16_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline uintptr_t rd_ptr(const uint16_t *p)
{
    return (uintptr_t)rd_u64(p);
}

/*
 * Serialize the IR in s at s->code_ptr (gen.c); the gen_code member of
 * tcg_backend_interp.
 */
int tcg_interp_gen_code(IRContext *s);

#endif /* KESTREL_TCG_INTERP_BYTECODE_H */

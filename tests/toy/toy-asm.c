/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Toy assembler: C functions that append encodings to a buffer, with
 * labels for branches.  See toy.h for the ISA.
 */
#include "toy.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef enum ToyFixupKind {
    TOY_FIX_BRANCH, /* imm = label - insn address */
    TOY_FIX_LA_LO,  /* moviu: imm = low 32 bits of the label address */
    TOY_FIX_LA_HI,  /* movhi: imm = high 32 bits */
} ToyFixupKind;

typedef struct ToyFixup {
    size_t offset;  /* of the instruction in buf */
    int label;
    ToyFixupKind kind;
} ToyFixup;

void toy_asm_init(ToyAsm *a, uint64_t base)
{
    a->buf = g_byte_array_new();
    a->base = base;
    a->labels = g_array_new(FALSE, FALSE, sizeof(int64_t));
    a->fixups = g_array_new(FALSE, FALSE, sizeof(ToyFixup));
}

void toy_asm_free(ToyAsm *a)
{
    g_byte_array_unref(a->buf);
    g_array_unref(a->labels);
    g_array_unref(a->fixups);
    memset(a, 0, sizeof(*a));
}

uint64_t toy_asm_pc(ToyAsm *a)
{
    return a->base + a->buf->len;
}

size_t toy_asm_len(ToyAsm *a)
{
    return a->buf->len;
}

void toy_emit(ToyAsm *a, uint64_t insn)
{
    uint8_t b[8];

    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(insn >> (8 * i));
    }
    g_byte_array_append(a->buf, b, 8);
}

void toy_emit_raw(ToyAsm *a, uint8_t op, unsigned rd, unsigned ra,
                  unsigned rb, int32_t imm)
{
    toy_emit(a, toy_encode(op, rd, ra, rb, imm));
}

int toy_label_new(ToyAsm *a)
{
    int64_t unbound = -1;

    g_array_append_val(a->labels, unbound);
    return (int)a->labels->len - 1;
}

void toy_bind(ToyAsm *a, int label)
{
    g_assert(label >= 0 && (unsigned)label < a->labels->len);
    g_assert(g_array_index(a->labels, int64_t, label) < 0);
    g_array_index(a->labels, int64_t, label) = a->buf->len;
}

uint64_t toy_label_addr(ToyAsm *a, int label)
{
    int64_t off = g_array_index(a->labels, int64_t, label);

    g_assert(off >= 0);
    return a->base + (uint64_t)off;
}

static void toy_fixup(ToyAsm *a, int label, ToyFixupKind kind)
{
    ToyFixup f = { .offset = a->buf->len, .label = label, .kind = kind };

    g_assert(label >= 0 && (unsigned)label < a->labels->len);
    g_array_append_val(a->fixups, f);
}

static void toy_patch_imm(ToyAsm *a, size_t offset, uint32_t imm)
{
    for (int i = 0; i < 4; i++) {
        a->buf->data[offset + 4 + i] = (uint8_t)(imm >> (8 * i));
    }
}

void toy_asm_finish(ToyAsm *a)
{
    for (unsigned i = 0; i < a->fixups->len; i++) {
        ToyFixup *f = &g_array_index(a->fixups, ToyFixup, i);
        uint64_t target = toy_label_addr(a, f->label);
        uint64_t here = a->base + f->offset;

        switch (f->kind) {
        case TOY_FIX_BRANCH: {
            int64_t d = (int64_t)(target - here);

            g_assert(d == (int32_t)d);
            toy_patch_imm(a, f->offset, (uint32_t)d);
            break;
        }
        case TOY_FIX_LA_LO:
            toy_patch_imm(a, f->offset, (uint32_t)target);
            break;
        case TOY_FIX_LA_HI:
            toy_patch_imm(a, f->offset, (uint32_t)(target >> 32));
            break;
        }
    }
    g_array_set_size(a->fixups, 0);
}

/* ------------------------------------------------------------------ */
/* ALU                                                                 */

#define TOY_ASM_BIN_DEF(n, op)                                            \
    void toy_##n(ToyAsm *a, unsigned rd, unsigned ra, unsigned rb)        \
    {                                                                     \
        toy_emit_raw(a, TOY_OPC_BIN + TOY_BIN_##n, rd, ra, rb, 0);        \
    }                                                                     \
    void toy_##n##i(ToyAsm *a, unsigned rd, unsigned ra, int32_t imm)     \
    {                                                                     \
        toy_emit_raw(a, TOY_OPC_BINI + TOY_BIN_##n, rd, ra, 0, imm);      \
    }                                                                     \
    void toy_##n##w(ToyAsm *a, unsigned rd, unsigned ra, unsigned rb)     \
    {                                                                     \
        toy_emit_raw(a, TOY_OPC_BINW + TOY_BIN_##n, rd, ra, rb, 0);       \
    }                                                                     \
    void toy_##n##iw(ToyAsm *a, unsigned rd, unsigned ra, int32_t imm)    \
    {                                                                     \
        toy_emit_raw(a, TOY_OPC_BINIW + TOY_BIN_##n, rd, ra, 0, imm);     \
    }
TOY_BIN_OPS(TOY_ASM_BIN_DEF)
#undef TOY_ASM_BIN_DEF

#define TOY_ASM_UN_DEF(n, op, has_w)                                          \
    void toy_##n(ToyAsm *a, unsigned rd, unsigned ra)                     \
    {                                                                     \
        toy_emit_raw(a, TOY_OPC_UN + TOY_UN_##n, rd, ra, 0, 0);           \
    }                                                                     \
    void toy_##n##w(ToyAsm *a, unsigned rd, unsigned ra)                  \
    {                                                                     \
        toy_emit_raw(a, TOY_OPC_UNW + TOY_UN_##n, rd, ra, 0, 0);          \
    }
TOY_UN_OPS(TOY_ASM_UN_DEF)
#undef TOY_ASM_UN_DEF

void toy_nop(ToyAsm *a)
{
    toy_emit_raw(a, TOY_OP_NOP, 0, 0, 0, 0);
}

void toy_hlt(ToyAsm *a)
{
    toy_emit_raw(a, TOY_OP_HLT, 0, 0, 0, 0);
}

void toy_out(ToyAsm *a, unsigned ra)
{
    toy_emit_raw(a, TOY_OP_OUT, 0, ra, 0, 0);
}

void toy_ecall(ToyAsm *a, int32_t num)
{
    toy_emit_raw(a, TOY_OP_ECALL, 0, 0, 0, num);
}

void toy_movi(ToyAsm *a, unsigned rd, int32_t imm)
{
    toy_emit_raw(a, TOY_OP_MOVI, rd, 0, 0, imm);
}

void toy_moviu(ToyAsm *a, unsigned rd, uint32_t imm)
{
    toy_emit_raw(a, TOY_OP_MOVIU, rd, 0, 0, (int32_t)imm);
}

void toy_movhi(ToyAsm *a, unsigned rd, uint32_t imm)
{
    toy_emit_raw(a, TOY_OP_MOVHI, rd, 0, 0, (int32_t)imm);
}

void toy_movk(ToyAsm *a, unsigned rd, uint16_t imm, unsigned hw)
{
    toy_emit_raw(a, TOY_OP_MOVK, rd, 0, hw, imm);
}

void toy_mov(ToyAsm *a, unsigned rd, unsigned ra)
{
    toy_emit_raw(a, TOY_OP_MOV, rd, ra, 0, 0);
}

void toy_li(ToyAsm *a, unsigned rd, uint64_t v)
{
    if ((int64_t)v == (int32_t)v) {
        toy_movi(a, rd, (int32_t)v);
    } else if (v >> 32 == 0) {
        toy_moviu(a, rd, (uint32_t)v);
    } else {
        toy_moviu(a, rd, (uint32_t)v);
        toy_movhi(a, rd, (uint32_t)(v >> 32));
    }
}

void toy_setc(ToyAsm *a, IRCond c, unsigned rd, unsigned ra, unsigned rb)
{
    toy_emit_raw(a, TOY_OP_SETC, rd, ra, rb, c);
}

void toy_setci(ToyAsm *a, IRCond c, unsigned rd, unsigned ra, int32_t imm)
{
    toy_emit_raw(a, TOY_OP_SETCI, rd, ra, c, imm);
}

void toy_nsetc(ToyAsm *a, IRCond c, unsigned rd, unsigned ra, unsigned rb)
{
    toy_emit_raw(a, TOY_OP_NSETC, rd, ra, rb, c);
}

void toy_nsetci(ToyAsm *a, IRCond c, unsigned rd, unsigned ra,
                int32_t imm)
{
    toy_emit_raw(a, TOY_OP_NSETCI, rd, ra, c, imm);
}

void toy_setcw(ToyAsm *a, IRCond c, unsigned rd, unsigned ra, unsigned rb)
{
    toy_emit_raw(a, TOY_OP_SETCW, rd, ra, rb, c);
}

void toy_movc(ToyAsm *a, IRCond c, unsigned rd, unsigned ra, unsigned rb,
              unsigned rc)
{
    toy_emit_raw(a, TOY_OP_MOVC, rd, ra, rb, (int32_t)(rc | (c << 8)));
}

void toy_movcw(ToyAsm *a, IRCond c, unsigned rd, unsigned ra, unsigned rb,
               unsigned rc)
{
    toy_emit_raw(a, TOY_OP_MOVCW, rd, ra, rb, (int32_t)(rc | (c << 8)));
}

void toy_extract(ToyAsm *a, unsigned rd, unsigned ra, unsigned pos,
                 unsigned len)
{
    toy_emit_raw(a, TOY_OP_EXTRACT, rd, ra, 0, (int32_t)(pos | len << 8));
}

void toy_sextract(ToyAsm *a, unsigned rd, unsigned ra, unsigned pos,
                  unsigned len)
{
    toy_emit_raw(a, TOY_OP_SEXTRACT, rd, ra, 0, (int32_t)(pos | len << 8));
}

void toy_deposit(ToyAsm *a, unsigned rd, unsigned ra, unsigned rb,
                 unsigned pos, unsigned len)
{
    toy_emit_raw(a, TOY_OP_DEPOSIT, rd, ra, rb, (int32_t)(pos | len << 8));
}

void toy_extract2(ToyAsm *a, unsigned rd, unsigned ra, unsigned rb,
                  unsigned pos)
{
    toy_emit_raw(a, TOY_OP_EXTRACT2, rd, ra, rb, (int32_t)pos);
}

/* ------------------------------------------------------------------ */
/* Memory                                                              */

void toy_ld(ToyAsm *a, MemOp mop, unsigned rd, unsigned ra, int32_t ofs)
{
    toy_emit_raw(a, TOY_OP_LD, rd, ra, mop, ofs);
}

void toy_st(ToyAsm *a, MemOp mop, unsigned rs, unsigned ra, int32_t ofs)
{
    toy_emit_raw(a, TOY_OP_ST, rs, ra, mop, ofs);
}

void toy_ldw(ToyAsm *a, MemOp mop, unsigned rd, unsigned ra, int32_t ofs)
{
    toy_emit_raw(a, TOY_OP_LDW, rd, ra, mop, ofs);
}

void toy_stw(ToyAsm *a, MemOp mop, unsigned rs, unsigned ra, int32_t ofs)
{
    toy_emit_raw(a, TOY_OP_STW, rs, ra, mop, ofs);
}

void toy_ld128(ToyAsm *a, unsigned rlo, unsigned rhi, unsigned ra,
               int32_t ofs)
{
    toy_emit_raw(a, TOY_OP_LD128, rlo, ra, rhi, ofs);
}

void toy_st128(ToyAsm *a, unsigned rlo, unsigned rhi, unsigned ra,
               int32_t ofs)
{
    toy_emit_raw(a, TOY_OP_ST128, rlo, ra, rhi, ofs);
}

/* ------------------------------------------------------------------ */
/* Control flow                                                        */

void toy_bcc(ToyAsm *a, IRCond c, unsigned ra, unsigned rb, int label)
{
    toy_fixup(a, label, TOY_FIX_BRANCH);
    toy_emit_raw(a, TOY_OP_BCC, c, ra, rb, 0);
}

void toy_jmp(ToyAsm *a, int label)
{
    toy_fixup(a, label, TOY_FIX_BRANCH);
    toy_emit_raw(a, TOY_OP_JMP, 0, 0, 0, 0);
}

void toy_jal(ToyAsm *a, unsigned rd, int label)
{
    toy_fixup(a, label, TOY_FIX_BRANCH);
    toy_emit_raw(a, TOY_OP_JAL, rd, 0, 0, 0);
}

void toy_jr(ToyAsm *a, unsigned ra, int32_t imm)
{
    toy_emit_raw(a, TOY_OP_JR, 0, ra, 0, imm);
}

void toy_jalr(ToyAsm *a, unsigned rd, unsigned ra, int32_t imm)
{
    toy_emit_raw(a, TOY_OP_JALR, rd, ra, 0, imm);
}

void toy_la(ToyAsm *a, unsigned rd, int label)
{
    toy_fixup(a, label, TOY_FIX_LA_LO);
    toy_emit_raw(a, TOY_OP_MOVIU, rd, 0, 0, 0);
    toy_fixup(a, label, TOY_FIX_LA_HI);
    toy_emit_raw(a, TOY_OP_MOVHI, rd, 0, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Disassembly                                                         */

static const char *const toy_bin_names[] = {
#define TOY_BIN_NAME(n, op) #n,
    TOY_BIN_OPS(TOY_BIN_NAME)
#undef TOY_BIN_NAME
};
static const char *const toy_un_names[] = {
#define TOY_UN_NAME(n, op, w) #n,
    TOY_UN_OPS(TOY_UN_NAME)
#undef TOY_UN_NAME
};

static const char *const toy_cond_names[IR_COND_COUNT] = {
    "never", "always", "eq", "ne", "lt", "ge", "le", "gt",
    "ltu", "geu", "leu", "gtu",
};

static const struct {
    uint8_t op;
    const char *name;
} toy_misc_names[] = {
    { TOY_OP_NOP, "nop" }, { TOY_OP_HLT, "hlt" }, { TOY_OP_OUT, "out" },
    { TOY_OP_ECALL, "ecall" }, { TOY_OP_MOVI, "movi" },
    { TOY_OP_MOVIU, "moviu" }, { TOY_OP_MOVHI, "movhi" },
    { TOY_OP_MOVK, "movk" }, { TOY_OP_MOV, "mov" },
    { TOY_OP_SETC, "setc" }, { TOY_OP_SETCI, "setci" },
    { TOY_OP_NSETC, "nsetc" }, { TOY_OP_NSETCI, "nsetci" },
    { TOY_OP_SETCW, "setcw" }, { TOY_OP_MOVC, "movc" },
    { TOY_OP_MOVCW, "movcw" }, { TOY_OP_EXTRACT, "extract" },
    { TOY_OP_SEXTRACT, "sextract" }, { TOY_OP_DEPOSIT, "deposit" },
    { TOY_OP_EXTRACT2, "extract2" }, { TOY_OP_LD, "ld" },
    { TOY_OP_ST, "st" }, { TOY_OP_LDW, "ldw" }, { TOY_OP_STW, "stw" },
    { TOY_OP_LD128, "ld128" }, { TOY_OP_ST128, "st128" },
    { TOY_OP_BCC, "b" }, { TOY_OP_JMP, "jmp" }, { TOY_OP_JAL, "jal" },
    { TOY_OP_JR, "jr" }, { TOY_OP_JALR, "jalr" },
};

const char *toy_opcode_name(uint8_t op)
{
    static char buf[256][12];

    if (op >= TOY_OPC_BIN && op < TOY_OPC_UN) {
        unsigned form = (op - TOY_OPC_BIN) / TOY_BIN_COUNT;
        static const char *const sfx[] = { "", "i", "w", "iw" };
        const char *n = toy_bin_names[(op - TOY_OPC_BIN) % TOY_BIN_COUNT];

        if (!buf[op][0]) {
            snprintf(buf[op], sizeof(buf[op]), "%s%s", n, sfx[form]);
        }
        return buf[op];
    }
    if (op >= TOY_OPC_UN && op < TOY_OPC_UN + TOY_UN_COUNT) {
        return toy_un_names[op - TOY_OPC_UN];
    }
    if (op >= TOY_OPC_UNW && op < TOY_OPC_UNW + TOY_UN_COUNT) {
        if (!buf[op][0]) {
            snprintf(buf[op], sizeof(buf[op]), "%sw",
                     toy_un_names[op - TOY_OPC_UNW]);
        }
        return buf[op];
    }
    for (size_t i = 0; i < G_N_ELEMENTS(toy_misc_names); i++) {
        if (toy_misc_names[i].op == op) {
            return toy_misc_names[i].name;
        }
    }
    return NULL;
}

static const char *toy_cond_name(unsigned c)
{
    return c < IR_COND_COUNT ? toy_cond_names[c] : "??";
}

static void toy_disas_mem(ToyInsn i, const char *n, char *buf, size_t len)
{
    static const char size_ch[] = "bhwd";
    MemOp mop = (MemOp)i.rb;

    if (i.op == TOY_OP_LD128 || i.op == TOY_OP_ST128) {
        snprintf(buf, len, "%s r%u, r%u, [r%u%+d]", n, i.rd, i.rb, i.ra,
                 i.imm);
        return;
    }
    snprintf(buf, len, "%s.%c%c%s r%u, [r%u%+d]", n,
             mop & MO_SIGN ? 's' : 'u', size_ch[mop & 3],
             mop & MO_BSWAP ? ".be" : "", i.rd, i.ra, i.imm);
}

void toy_disas(uint64_t pc, uint64_t insn, char *buf, size_t len)
{
    ToyInsn i = toy_decode(insn);
    const char *n = toy_opcode_name(i.op);
    uint64_t target = pc + (int64_t)i.imm;

    if (!n) {
        snprintf(buf, len, ".quad 0x%016" PRIx64, insn);
        return;
    }
    if (i.op >= TOY_OPC_BIN && i.op < TOY_OPC_UN) {
        unsigned form = (i.op - TOY_OPC_BIN) / TOY_BIN_COUNT;

        if (form & 1) {
            snprintf(buf, len, "%s r%u, r%u, %d", n, i.rd, i.ra, i.imm);
        } else {
            snprintf(buf, len, "%s r%u, r%u, r%u", n, i.rd, i.ra, i.rb);
        }
        return;
    }
    if (i.op >= TOY_OPC_UN && i.op < TOY_OPC_UNW + TOY_UN_COUNT) {
        snprintf(buf, len, "%s r%u, r%u", n, i.rd, i.ra);
        return;
    }
    switch (i.op) {
    case TOY_OP_NOP:
    case TOY_OP_HLT:
        snprintf(buf, len, "%s", n);
        break;
    case TOY_OP_OUT:
        snprintf(buf, len, "out r%u", i.ra);
        break;
    case TOY_OP_ECALL:
        snprintf(buf, len, "ecall %d", i.imm);
        break;
    case TOY_OP_MOVI:
    case TOY_OP_MOVIU:
    case TOY_OP_MOVHI:
        snprintf(buf, len, "%s r%u, 0x%x", n, i.rd, (uint32_t)i.imm);
        break;
    case TOY_OP_MOVK:
        snprintf(buf, len, "movk r%u, 0x%x, lsl %u", i.rd,
                 (uint32_t)i.imm, 16 * i.rb);
        break;
    case TOY_OP_MOV:
        snprintf(buf, len, "mov r%u, r%u", i.rd, i.ra);
        break;
    case TOY_OP_SETC:
    case TOY_OP_NSETC:
    case TOY_OP_SETCW:
        snprintf(buf, len, "%s.%s r%u, r%u, r%u", n,
                 toy_cond_name((unsigned)i.imm), i.rd, i.ra, i.rb);
        break;
    case TOY_OP_SETCI:
    case TOY_OP_NSETCI:
        snprintf(buf, len, "%s.%s r%u, r%u, %d", n, toy_cond_name(i.rb),
                 i.rd, i.ra, i.imm);
        break;
    case TOY_OP_MOVC:
    case TOY_OP_MOVCW:
        snprintf(buf, len, "%s.%s r%u, r%u, r%u, r%u", n,
                 toy_cond_name((i.imm >> 8) & 0xff), i.rd, i.ra, i.rb,
                 i.imm & 0xff);
        break;
    case TOY_OP_EXTRACT:
    case TOY_OP_SEXTRACT:
        snprintf(buf, len, "%s r%u, r%u, %u, %u", n, i.rd, i.ra,
                 i.imm & 0xff, (i.imm >> 8) & 0xff);
        break;
    case TOY_OP_DEPOSIT:
        snprintf(buf, len, "%s r%u, r%u, r%u, %u, %u", n, i.rd, i.ra, i.rb,
                 i.imm & 0xff, (i.imm >> 8) & 0xff);
        break;
    case TOY_OP_EXTRACT2:
        snprintf(buf, len, "%s r%u, r%u, r%u, %d", n, i.rd, i.ra, i.rb,
                 i.imm);
        break;
    case TOY_OP_BCC:
        snprintf(buf, len, "b.%s r%u, r%u, 0x%" PRIx64, toy_cond_name(i.rd),
                 i.ra, i.rb, target);
        break;
    case TOY_OP_JMP:
        snprintf(buf, len, "jmp 0x%" PRIx64, target);
        break;
    case TOY_OP_JAL:
        snprintf(buf, len, "jal r%u, 0x%" PRIx64, i.rd, target);
        break;
    case TOY_OP_JR:
        snprintf(buf, len, "jr r%u%+d", i.ra, i.imm);
        break;
    case TOY_OP_JALR:
        snprintf(buf, len, "jalr r%u, r%u%+d", i.rd, i.ra, i.imm);
        break;
    default:
        toy_disas_mem(i, n, buf, len);
        break;
    }
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

void toy_asm_load(ToyAsm *a, ToyMachine *m)
{
    toy_asm_finish(a);
    toy_machine_load(m, a->base, a->buf->data, a->buf->len);
    toy_env(m)->pc = a->base;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "toy": a test-only 64-bit guest whose instructions map one to one onto
 * IR ops.  It drives the translation core (frontend -> IR -> optimizer ->
 * backend -> TB cache -> exec loop) until real frontends exist.
 *
 * Machine state: r0..r15 (64 bit) and pc.  Guest RAM is one contiguous
 * host buffer at [ram_base, ram_base + ram_size); physical == virtual.
 * Everything else is unmapped: a data access there raises TOY_EXCP_BUS
 * with pc at the faulting instruction, as does fetching from outside RAM
 * or from a pc that is not a multiple of 8.
 *
 * Encoding: every instruction is 8 bytes, little endian:
 *
 *     byte 0     opcode
 *     byte 1     rd      (0..15; anything larger is undefined)
 *     byte 2     ra      (0..15)
 *     byte 3     rb      (0..15), or a small field (cond, MemOp, hw)
 *     bytes 4-7  imm32   (signed)
 *
 * Opcodes: binary op k (TOY_BIN_OPS order) is 0x10 + k (reg/reg),
 * 0x28 + k (reg/imm), 0x40 + k (32-bit reg/reg), 0x58 + k (32-bit
 * reg/imm); unary op k (TOY_UN_OPS order) is 0x70 + k, 0x80 + k for the
 * 32-bit form; the rest are TOY_OP_* below.  Forms:
 *
 *   binary, 24 ops   add sub mul mulhu mulhs divs divu rems remu and or
 *                    xor andc orc eqv nand nor shl shr sar rotl rotr clz
 *                    ctz
 *       OP   rd, ra, rb     rd = ra OP rb              (IR_I64)
 *       OPi  rd, ra, imm    rd = ra OP sext(imm)
 *       OPw  rd, ra, rb     rd = zext32(ra32 OP rb32)  (IR_I32)
 *       OPiw rd, ra, imm    rd = zext32(ra32 OP imm)
 *     mulhu/mulhs are the high half of mulu2/muls2; clz/ctz take the
 *     value for a zero input from the second operand.  Semantics of
 *     division by zero, shifts and so on are the IR's (see ir.h).
 *   unary, 12 ops    not neg ext8s ext8u ext16s ext16u ext32s ext32u
 *                    bswap16 bswap32 bswap64 ctpop
 *       OP   rd, ra         rd = OP ra
 *       OPw  rd, ra         rd = zext32(OP ra32) (not for ext32*, bswap64)
 *   setc/nsetc rd, ra, rb, cond (cond in imm)     rd = (ra c rb) ? 1 : 0
 *   setci/nsetci rd, ra, imm, cond (cond in rb)   ... -1 : 0 for nset*
 *   setcw rd, ra, rb, cond                        32-bit compare
 *   movc rd, ra, rb, rc, cond: rd = (ra c rb) ? rc : rd
 *                    (rc = imm byte 0, cond = imm byte 1)
 *   extract/sextract rd, ra, pos, len             (imm byte 0 pos, 1 len)
 *   deposit rd, ra, rb, pos, len: rd = ra with bits [pos,pos+len) := rb
 *   extract2 rd, ra, rb, pos: rd = bits [pos, pos+64) of rb:ra
 *   movi rd, imm (sign-extended), moviu rd, imm (zero-extended),
 *   movhi rd, imm: rd[63:32] = imm, movk rd, imm16, hw (rb field):
 *   rd[16hw+15:16hw] = imm16, mov rd, ra
 *   ld rd, [ra + imm], mop (rb field = MemOp: size | MO_SIGN | MO_BSWAP)
 *   st rd, [ra + imm], mop   (rd is the value stored)
 *   ldw/stw: the same through an IR_I32 value (sizes 8..32)
 *   ld128 rd, rb, [ra + imm]: rd = low, rb = high quadword (MO_128)
 *   st128 rd, rb, [ra + imm]
 *   bcc cond, ra, rb, off (cond in rd field): if (ra c rb) pc += off
 *   jmp off: pc += off;   jal rd, off: rd = pc + 8, pc += off
 *   jr ra, imm: pc = ra + imm;   jalr rd, ra, imm: rd = pc + 8, pc = ra+imm
 *   hlt: pc += 8, then stop (cpu_exec returns EXCP_HLT)
 *   out ra: append ra to the machine's output (a helper call)
 *   ecall imm: pc += 8, cpu_exec returns TOY_EXCP_ECALL (the runner
 *        handles it and resumes)
 *   nop
 * Any other encoding (opcode 0 included, so zeroed memory traps) raises
 * TOY_EXCP_UNDEF with pc at the instruction.  Branch offsets are bytes,
 * relative to the branch itself.  cond values are IRCond.
 */
#ifndef KESTREL_TOY_H
#define KESTREL_TOY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "kestrel/cpu.h"
#include "kestrel/ir.h"
#include "kestrel/tb.h"

/* ------------------------------------------------------------------ */
/* ISA                                                                 */

#define TOY_NREGS 16
#define TOY_INSN_SIZE 8

/* Guest exception numbers cpu_exec returns (>= 0; EXCP_* are < 0). */
enum {
    TOY_EXCP_UNDEF = 1, /* undefined instruction; pc at it */
    TOY_EXCP_BUS = 2,   /* access outside RAM; pc at it, fault_addr */
    TOY_EXCP_ECALL = 3, /* ecall; pc after it, ecall_num = imm */
};

/* Forms of the binary ops, as decoded. */
enum {
    TOY_F_IMM = 1 << 0,  /* second operand is imm32 */
    TOY_F_W = 1 << 1,    /* 32-bit (IR_I32) variant */
};

/* The 24 binary ALU ops, in opcode order: name, IR op. */
#define TOY_BIN_OPS(X)                                                  \
    X(add, add) X(sub, sub) X(mul, mul) X(mulhu, mulu2) X(mulhs, muls2)  \
    X(divs, divs) X(divu, divu) X(rems, rems) X(remu, remu)              \
    X(and, and) X(or, or) X(xor, xor) X(andc, andc) X(orc, orc)          \
    X(eqv, eqv) X(nand, nand) X(nor, nor) X(shl, shl) X(shr, shr)        \
    X(sar, sar) X(rotl, rotl) X(rotr, rotr) X(clz, clz) X(ctz, ctz)

/* The 12 unary ops, in opcode order: name, IR op, valid at 32 bits. */
#define TOY_UN_OPS(X)                                                   \
    X(not, not, 1) X(neg, neg, 1) X(ext8s, ext8s, 1) X(ext8u, ext8u, 1)  \
    X(ext16s, ext16s, 1) X(ext16u, ext16u, 1) X(ext32s, ext32s, 0)       \
    X(ext32u, ext32u, 0) X(bswap16, bswap16, 1) X(bswap32, bswap32, 1)   \
    X(bswap64, bswap64, 0) X(ctpop, ctpop, 1)

/* Opcode ranges. */
enum {
    TOY_OPC_BIN = 0x10,     /* + index            reg/reg, 64 bit */
    TOY_OPC_BINI = 0x28,    /* + index            reg/imm, 64 bit */
    TOY_OPC_BINW = 0x40,    /* + index            reg/reg, 32 bit */
    TOY_OPC_BINIW = 0x58,   /* + index            reg/imm, 32 bit */
    TOY_OPC_UN = 0x70,      /* + index            64 bit */
    TOY_OPC_UNW = 0x80,     /* + index            32 bit */
};

enum {
#define TOY_BIN_IDX(n, op) TOY_BIN_##n,
    TOY_BIN_OPS(TOY_BIN_IDX)
#undef TOY_BIN_IDX
    TOY_BIN_COUNT
};
enum {
#define TOY_UN_IDX(n, op, w) TOY_UN_##n,
    TOY_UN_OPS(TOY_UN_IDX)
#undef TOY_UN_IDX
    TOY_UN_COUNT
};

/* The other opcodes. */
enum {
    TOY_OP_NOP = 0x01,
    TOY_OP_HLT = 0x02,
    TOY_OP_OUT = 0x03,
    TOY_OP_ECALL = 0x04,
    TOY_OP_MOVI = 0x05,
    TOY_OP_MOVIU = 0x06,
    TOY_OP_MOVHI = 0x07,
    TOY_OP_MOVK = 0x08,
    TOY_OP_MOV = 0x09,
    TOY_OP_SETC = 0x90,
    TOY_OP_SETCI = 0x91,
    TOY_OP_NSETC = 0x92,
    TOY_OP_NSETCI = 0x93,
    TOY_OP_SETCW = 0x94,
    TOY_OP_MOVC = 0x95,
    TOY_OP_MOVCW = 0x96,
    TOY_OP_EXTRACT = 0x98,
    TOY_OP_SEXTRACT = 0x99,
    TOY_OP_DEPOSIT = 0x9a,
    TOY_OP_EXTRACT2 = 0x9b,
    TOY_OP_LD = 0xa0,
    TOY_OP_ST = 0xa1,
    TOY_OP_LDW = 0xa2,
    TOY_OP_STW = 0xa3,
    TOY_OP_LD128 = 0xa4,
    TOY_OP_ST128 = 0xa5,
    TOY_OP_BCC = 0xb0,
    TOY_OP_JMP = 0xb1,
    TOY_OP_JAL = 0xb2,
    TOY_OP_JR = 0xb3,
    TOY_OP_JALR = 0xb4,
};

/* One decoded instruction. */
typedef struct ToyInsn {
    uint8_t op, rd, ra, rb;
    int32_t imm;
} ToyInsn;

static inline uint64_t toy_encode(uint8_t op, unsigned rd, unsigned ra,
                                  unsigned rb, int32_t imm)
{
    return (uint64_t)op | ((uint64_t)(rd & 0xff) << 8) |
           ((uint64_t)(ra & 0xff) << 16) | ((uint64_t)(rb & 0xff) << 24) |
           ((uint64_t)(uint32_t)imm << 32);
}

static inline ToyInsn toy_decode(uint64_t w)
{
    ToyInsn i = {
        .op = (uint8_t)w, .rd = (uint8_t)(w >> 8), .ra = (uint8_t)(w >> 16),
        .rb = (uint8_t)(w >> 24), .imm = (int32_t)(uint32_t)(w >> 32),
    };
    return i;
}

/* Name of an opcode ("add", "ldw"...), or NULL if undefined. */
const char *toy_opcode_name(uint8_t op);
/* Disassemble the instruction at pc into buf. */
void toy_disas(uint64_t pc, uint64_t insn, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* CPU and machine (toy-cpu.c)                                         */

#define TOY_TLB_BITS 8
#define TOY_TLB_SIZE (1u << TOY_TLB_BITS)
#define TOY_MMU_IDX 0

/* What generated code calls env. */
typedef struct ToyEnv {
    uint64_t regs[TOY_NREGS]; /* r0..r15 */
    uint64_t pc;              /* address of the next instruction */
    uint64_t fault_addr;      /* TOY_EXCP_BUS: the address that faulted */
    int64_t ecall_num;        /* TOY_EXCP_ECALL: its imm */
} ToyEnv;

typedef struct ToyMachine ToyMachine;

typedef struct ToyCPU {
    CPUState parent;          /* first */
    _Alignas(16) CPUNegState neg; /* immediately before env */
    ToyEnv env;
    ToyMachine *machine;      /* the RAM and output this CPU uses */
    TLBEntry tlb[TOY_TLB_SIZE]; /* MMU index 0 */
    TLBEntry tlb_dummy;       /* the other MMU indexes: always invalid */
} ToyCPU;
CPU_LAYOUT_ASSERT(ToyCPU);

/* Generated code reaches the TLB at env - sizeof(CPUNegState). */
_Static_assert(offsetof(ToyCPU, env) ==
               offsetof(ToyCPU, neg) + sizeof(CPUNegState),
               "neg sits right before env");

struct ToyMachine {
    uint8_t *ram;             /* host buffer */
    uint64_t ram_base;        /* guest address of ram[0] */
    uint64_t ram_size;
    uint8_t *code_pages;      /* per RAM page: holds translated code */
    GArray *out;              /* uint64_t values written by `out` */
    ToyCPU *cpu;
    uint64_t smc_stores;      /* stores that hit a code page */
    uint64_t tlb_fills;
};

static inline ToyCPU *toy_cpu_from_env(void *env)
{
    return (ToyCPU *)((char *)env - offsetof(ToyCPU, env));
}
static inline ToyCPU *toy_cpu_from_cs(CPUState *cpu)
{
    return (ToyCPU *)cpu;
}

#define TOY_DEFAULT_RAM_BASE 0x10000ull

/* CPU ops of the toy, for tests that drive tb_* directly. */
extern const CPUArchOps toy_cpu_ops;

/*
 * Bring up TCG for the toy: tcg_init with backend ("jit", "interp" or
 * NULL for the default) and tb_size_mib (0: default).  Once per process.
 * Returns false with *errp on failure.
 */
bool toy_tcg_init(const char *backend, size_t tb_size_mib, GError **errp);
/* Register the toy's globals, slow paths and code-page notifier on the
 * current TCG context (toy_tcg_init does it; for callers of tcg_init). */
void toy_tcg_setup(void);

/*
 * A machine with ram_size bytes of RAM at ram_base and one CPU (pc at
 * ram_base, registers zero).  Flushes the TB cache: TBs are keyed by
 * physical address and would otherwise leak between machines.  Only the
 * newest machine may run.
 */
ToyMachine *toy_machine_new(uint64_t ram_base, uint64_t ram_size);
void toy_machine_free(ToyMachine *m);
/* Copy code or data into RAM (like DMA: invalidates TBs there). */
void toy_machine_load(ToyMachine *m, uint64_t addr, const void *data,
                      size_t len);
/* Host pointer to guest address addr (len bytes inside RAM) or NULL. */
void *toy_machine_ptr(ToyMachine *m, uint64_t addr, size_t len);
/*
 * Run until something other than EXCP_INTERRUPT: returns EXCP_HLT or a
 * TOY_EXCP_*.  Calling it again resumes (after an ecall or hlt, at the
 * next instruction; after a fault, at the faulting one).
 */
int toy_machine_run(ToyMachine *m);
/* The same, but give up after usec microseconds: EXCP_INTERRUPT. */
int toy_machine_run_timeout(ToyMachine *m, gint64 usec);
static inline ToyEnv *toy_env(ToyMachine *m)
{
    return &m->cpu->env;
}
static inline CPUState *toy_cpu_state(ToyMachine *m)
{
    return &m->cpu->parent;
}

/* ------------------------------------------------------------------ */
/* Translation (toy-translate.c)                                       */

/* Create the r0..r15/pc globals in s (once per context). */
void toy_translate_init(IRContext *s);
void toy_translate(CPUState *cpu, IRContext *s, TranslationBlock *tb,
                   int max_insns);

/* ------------------------------------------------------------------ */
/* Assembler (toy-asm.c)                                               */

/*
 * Emits encodings into a growing buffer that will live at guest address
 * base.  Labels resolve forward and backward branches:
 *
 *     ToyAsm a;
 *     toy_asm_init(&a, 0x10000);
 *     int top = toy_label_new(&a);
 *     toy_movi(&a, 1, 10);
 *     toy_bind(&a, top);
 *     toy_subi(&a, 1, 1, 1);
 *     toy_bne(&a, 1, 0, top);     // r0 is zero
 *     toy_hlt(&a);
 *     toy_asm_finish(&a);         // resolve labels
 *     toy_machine_load(m, a.base, a.buf->data, a.buf->len);
 */
typedef struct ToyAsm {
    GByteArray *buf;
    uint64_t base;
    GArray *labels;   /* int64_t: byte offset of each label, or -1 */
    GArray *fixups;   /* ToyFixup */
} ToyAsm;

void toy_asm_init(ToyAsm *a, uint64_t base);
void toy_asm_free(ToyAsm *a);
/* Resolve label references; asserts every used label is bound. */
void toy_asm_finish(ToyAsm *a);
/* Guest address of the next instruction. */
uint64_t toy_asm_pc(ToyAsm *a);
size_t toy_asm_len(ToyAsm *a);
void toy_emit(ToyAsm *a, uint64_t insn);
void toy_emit_raw(ToyAsm *a, uint8_t op, unsigned rd, unsigned ra,
                  unsigned rb, int32_t imm);
int toy_label_new(ToyAsm *a);
void toy_bind(ToyAsm *a, int label);
/* Guest address of a bound label (after toy_bind). */
uint64_t toy_label_addr(ToyAsm *a, int label);

/* Binary ops: toy_add(a, rd, ra, rb), toy_addi(a, rd, ra, imm),
 * toy_addw(...), toy_addiw(...). */
#define TOY_ASM_BIN_PROTO(n, op)                                          \
    void toy_##n(ToyAsm *a, unsigned rd, unsigned ra, unsigned rb);       \
    void toy_##n##i(ToyAsm *a, unsigned rd, unsigned ra, int32_t imm);    \
    void toy_##n##w(ToyAsm *a, unsigned rd, unsigned ra, unsigned rb);    \
    void toy_##n##iw(ToyAsm *a, unsigned rd, unsigned ra, int32_t imm);
TOY_BIN_OPS(TOY_ASM_BIN_PROTO)
#undef TOY_ASM_BIN_PROTO
#define TOY_ASM_UN_PROTO(n, op, has_w)                                        \
    void toy_##n(ToyAsm *a, unsigned rd, unsigned ra);                    \
    void toy_##n##w(ToyAsm *a, unsigned rd, unsigned ra);
TOY_UN_OPS(TOY_ASM_UN_PROTO)
#undef TOY_ASM_UN_PROTO

void toy_nop(ToyAsm *a);
void toy_hlt(ToyAsm *a);
void toy_out(ToyAsm *a, unsigned ra);
void toy_ecall(ToyAsm *a, int32_t num);
void toy_movi(ToyAsm *a, unsigned rd, int32_t imm);
void toy_moviu(ToyAsm *a, unsigned rd, uint32_t imm);
void toy_movhi(ToyAsm *a, unsigned rd, uint32_t imm);
void toy_movk(ToyAsm *a, unsigned rd, uint16_t imm, unsigned hw);
void toy_mov(ToyAsm *a, unsigned rd, unsigned ra);
/* Load any 64-bit constant in one to two instructions. */
void toy_li(ToyAsm *a, unsigned rd, uint64_t v);
void toy_setc(ToyAsm *a, IRCond c, unsigned rd, unsigned ra, unsigned rb);
void toy_setci(ToyAsm *a, IRCond c, unsigned rd, unsigned ra,
               int32_t imm);
void toy_nsetc(ToyAsm *a, IRCond c, unsigned rd, unsigned ra, unsigned rb);
void toy_nsetci(ToyAsm *a, IRCond c, unsigned rd, unsigned ra,
                int32_t imm);
void toy_setcw(ToyAsm *a, IRCond c, unsigned rd, unsigned ra, unsigned rb);
void toy_movc(ToyAsm *a, IRCond c, unsigned rd, unsigned ra, unsigned rb,
              unsigned rc);
void toy_movcw(ToyAsm *a, IRCond c, unsigned rd, unsigned ra, unsigned rb,
               unsigned rc);
void toy_extract(ToyAsm *a, unsigned rd, unsigned ra, unsigned pos,
                 unsigned len);
void toy_sextract(ToyAsm *a, unsigned rd, unsigned ra, unsigned pos,
                  unsigned len);
void toy_deposit(ToyAsm *a, unsigned rd, unsigned ra, unsigned rb,
                 unsigned pos, unsigned len);
void toy_extract2(ToyAsm *a, unsigned rd, unsigned ra, unsigned rb,
                  unsigned pos);
void toy_ld(ToyAsm *a, MemOp mop, unsigned rd, unsigned ra, int32_t ofs);
void toy_st(ToyAsm *a, MemOp mop, unsigned rs, unsigned ra, int32_t ofs);
void toy_ldw(ToyAsm *a, MemOp mop, unsigned rd, unsigned ra, int32_t ofs);
void toy_stw(ToyAsm *a, MemOp mop, unsigned rs, unsigned ra, int32_t ofs);
void toy_ld128(ToyAsm *a, unsigned rlo, unsigned rhi, unsigned ra,
               int32_t ofs);
void toy_st128(ToyAsm *a, unsigned rlo, unsigned rhi, unsigned ra,
               int32_t ofs);
void toy_bcc(ToyAsm *a, IRCond c, unsigned ra, unsigned rb, int label);
#define toy_beq(a, ra, rb, l) toy_bcc(a, IR_COND_EQ, ra, rb, l)
#define toy_bne(a, ra, rb, l) toy_bcc(a, IR_COND_NE, ra, rb, l)
#define toy_blt(a, ra, rb, l) toy_bcc(a, IR_COND_LT, ra, rb, l)
#define toy_bge(a, ra, rb, l) toy_bcc(a, IR_COND_GE, ra, rb, l)
#define toy_bltu(a, ra, rb, l) toy_bcc(a, IR_COND_LTU, ra, rb, l)
#define toy_bgeu(a, ra, rb, l) toy_bcc(a, IR_COND_GEU, ra, rb, l)
void toy_jmp(ToyAsm *a, int label);
void toy_jal(ToyAsm *a, unsigned rd, int label);
void toy_jr(ToyAsm *a, unsigned ra, int32_t imm);
void toy_jalr(ToyAsm *a, unsigned rd, unsigned ra, int32_t imm);
/* Finish, copy into m's RAM at a->base and point pc there. */
void toy_asm_load(ToyAsm *a, ToyMachine *m);
/* Put the guest address of label into rd (two insns, fixed up). */
void toy_la(ToyAsm *a, unsigned rd, int label);

/* Link register of the call/ret convention the tests use. */
#define TOY_LR 15
#define toy_call(a, l) toy_jal(a, TOY_LR, l)
#define toy_ret(a) toy_jr(a, TOY_LR, 0)

#endif /* KESTREL_TOY_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kestrel IR: the micro-ops every frontend emits and every backend consumes.
 *
 * A translation block is a linear array of IROp.  Each op has outputs,
 * then inputs (both are temp indices), then constant arguments (labels,
 * conditions, offsets, MemOpIdx, helper pointers).  Ops are typed: an op's
 * `type` is the type of its first output (or of its value input for ops
 * with none), and the verifier checks every temp against the op's
 * signature.
 *
 * Temps come in four kinds: the fixed env pointer (temp 0), globals bound
 * to a field of the CPU state (they live across TBs), normal temps (they
 * live within one TB, across labels) and constants (read only, shared).
 *
 * Usage, the body of "x0 = x1 + 4" in a frontend:
 *
 *     IRTemp t = ir_temp_new(s, IR_I64);
 *     ir_add(s, t, cpu_x[1], ir_const_i64(s, 4));
 *     ir_mov(s, cpu_x[0], t);
 *
 * The builder does not check types; ir_verify() does (and runs in debug
 * builds after every translation).
 */
#ifndef KESTREL_IR_H
#define KESTREL_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

/* ------------------------------------------------------------------ */
/* Op table                                                            */

/* Op flags. */
enum {
    IR_OPF_BB_END = 1 << 0,      /* ends a basic block (branch, label) */
    IR_OPF_SIDE_EFFECTS = 1 << 1,/* never removed even if outputs dead */
    IR_OPF_COND_BRANCH = 1 << 2, /* conditional branch */
    IR_OPF_MIXED = 1 << 3,       /* operand types differ: see ir_verify */
    IR_OPF_I64_ONLY = 1 << 4,    /* only valid with type IR_I64 */
    IR_OPF_CALL_CLOBBER = 1 << 5,/* calls out of generated code */
    IR_OPF_NOT_PRESENT = 1 << 6, /* emits no host code by itself */
    IR_OPF_EXIT = 1 << 7,        /* leaves the TB (exit_tb, goto_tb...) */
    IR_OPF_MEM = 1 << 8,         /* guest memory access: may fault */
};

/*
 * DEF(name, outputs, inputs, constants, flags).
 * Semantics (t = op type, W = width of t):
 *   mov d,a                     d = a
 *   add/sub/mul d,a,b           modulo 2^W
 *   mulu2/muls2 lo,hi,a,b       full 2W-bit product of a and b
 *   divs/divu d,a,b             quotient truncated toward zero;
 *                               b == 0 gives 0; INT_MIN / -1 gives INT_MIN
 *   rems/remu d,a,b             remainder, sign of a; b == 0 gives a;
 *                               INT_MIN % -1 gives 0  (never traps)
 *   shl/shr/sar/rotl/rotr d,a,b count is b mod W
 *   clz/ctz d,a,b               count of a; b when a == 0
 *   extract d,a,pos,len         zero-extended bits [pos, pos+len) of a
 *   sextract d,a,pos,len        same, sign-extended
 *   deposit d,a,b,pos,len       a with bits [pos, pos+len) replaced by
 *                               the low len bits of b
 *   extract2 d,lo,hi,pos        bits [pos, pos+W) of hi:lo
 *   bswap16/32 d,a              byte-swap the low 2/4 bytes of a,
 *                               result zero-extended
 *   add2/sub2 rl,rh,al,ah,bl,bh double-width add/sub on (ah:al), (bh:bl)
 *   setcond d,a,b,c             d = (a c b) ? 1 : 0
 *   negsetcond d,a,b,c          d = (a c b) ? -1 : 0
 *   movcond d,c1,c2,v1,v2,c     d = (c1 c c2) ? v1 : v2
 *   brcond a,b,c,label          goto label if (a c b)
 *   ld d,base,ofs,mop           host load of size mop from base + ofs
 *                               (base is i64, usually env)
 *   st v,base,ofs,mop           host store
 *   qemu_ld d,addr,oi           guest load, MemOpIdx oi, addr is i64
 *   qemu_st v,addr,oi           guest store
 *   qemu_ld128 lo,hi,addr,oi    16-byte guest load into two i64
 *   qemu_st128 lo,hi,addr,oi    16-byte guest store
 *   ext_i32_i64 / extu_i32_i64  sign / zero extend i32 to i64
 *   extrl_i64_i32 / extrh_i64_i32  low / high half of i64
 *   call outs...,ins...,info    helper call, see IRHelperInfo
 *   goto_tb n                   patchable jump for chaining, slot n (0/1)
 *   exit_tb v                   return v to the exec loop
 *   goto_ptr p                  jump to host code at p (lookup-and-jump)
 *   insn_start w0,w1,w2         start of a guest insn: restore data
 *   mb kind                     memory barrier (IR_MB_*)
 *   discard t                   t's value is dead from here on
 */
#define IR_OPS(DEF)                                                         \
    DEF(nop, 0, 0, 0, IR_OPF_NOT_PRESENT)                                   \
    DEF(discard, 1, 0, 0, IR_OPF_NOT_PRESENT)                               \
    DEF(set_label, 0, 0, 1, IR_OPF_BB_END | IR_OPF_NOT_PRESENT)             \
    DEF(insn_start, 0, 0, IR_INSN_START_WORDS, IR_OPF_NOT_PRESENT)          \
    DEF(call, 0, 0, 1, IR_OPF_CALL_CLOBBER | IR_OPF_SIDE_EFFECTS)           \
    DEF(br, 0, 0, 1, IR_OPF_BB_END)                                         \
    DEF(brcond, 0, 2, 2, IR_OPF_BB_END | IR_OPF_COND_BRANCH)                \
    DEF(mb, 0, 0, 1, IR_OPF_SIDE_EFFECTS)                                   \
    DEF(mov, 1, 1, 0, 0)                                                    \
    DEF(setcond, 1, 2, 1, 0)                                                \
    DEF(negsetcond, 1, 2, 1, 0)                                             \
    DEF(movcond, 1, 4, 1, 0)                                                \
    DEF(ld, 1, 1, 2, IR_OPF_MIXED)                                          \
    DEF(st, 0, 2, 2, IR_OPF_MIXED | IR_OPF_SIDE_EFFECTS)                    \
    DEF(add, 1, 2, 0, 0)                                                    \
    DEF(sub, 1, 2, 0, 0)                                                    \
    DEF(mul, 1, 2, 0, 0)                                                    \
    DEF(mulu2, 2, 2, 0, 0)                                                  \
    DEF(muls2, 2, 2, 0, 0)                                                  \
    DEF(divs, 1, 2, 0, 0)                                                   \
    DEF(divu, 1, 2, 0, 0)                                                   \
    DEF(rems, 1, 2, 0, 0)                                                   \
    DEF(remu, 1, 2, 0, 0)                                                   \
    DEF(and, 1, 2, 0, 0)                                                    \
    DEF(or, 1, 2, 0, 0)                                                     \
    DEF(xor, 1, 2, 0, 0)                                                    \
    DEF(andc, 1, 2, 0, 0)                                                   \
    DEF(orc, 1, 2, 0, 0)                                                    \
    DEF(eqv, 1, 2, 0, 0)                                                    \
    DEF(nand, 1, 2, 0, 0)                                                   \
    DEF(nor, 1, 2, 0, 0)                                                    \
    DEF(not, 1, 1, 0, 0)                                                    \
    DEF(neg, 1, 1, 0, 0)                                                    \
    DEF(shl, 1, 2, 0, 0)                                                    \
    DEF(shr, 1, 2, 0, 0)                                                    \
    DEF(sar, 1, 2, 0, 0)                                                    \
    DEF(rotl, 1, 2, 0, 0)                                                   \
    DEF(rotr, 1, 2, 0, 0)                                                   \
    DEF(ext8s, 1, 1, 0, 0)                                                  \
    DEF(ext8u, 1, 1, 0, 0)                                                  \
    DEF(ext16s, 1, 1, 0, 0)                                                 \
    DEF(ext16u, 1, 1, 0, 0)                                                 \
    DEF(ext32s, 1, 1, 0, IR_OPF_I64_ONLY)                                   \
    DEF(ext32u, 1, 1, 0, IR_OPF_I64_ONLY)                                   \
    DEF(ext_i32_i64, 1, 1, 0, IR_OPF_MIXED | IR_OPF_I64_ONLY)               \
    DEF(extu_i32_i64, 1, 1, 0, IR_OPF_MIXED | IR_OPF_I64_ONLY)              \
    DEF(extrl_i64_i32, 1, 1, 0, IR_OPF_MIXED)                               \
    DEF(extrh_i64_i32, 1, 1, 0, IR_OPF_MIXED)                               \
    DEF(extract, 1, 1, 2, 0)                                                \
    DEF(sextract, 1, 1, 2, 0)                                               \
    DEF(deposit, 1, 2, 2, 0)                                                \
    DEF(extract2, 1, 2, 1, 0)                                               \
    DEF(bswap16, 1, 1, 0, 0)                                                \
    DEF(bswap32, 1, 1, 0, 0)                                                \
    DEF(bswap64, 1, 1, 0, IR_OPF_I64_ONLY)                                  \
    DEF(clz, 1, 2, 0, 0)                                                    \
    DEF(ctz, 1, 2, 0, 0)                                                    \
    DEF(ctpop, 1, 1, 0, 0)                                                  \
    DEF(add2, 2, 4, 0, 0)                                                   \
    DEF(sub2, 2, 4, 0, 0)                                                   \
    DEF(qemu_ld, 1, 1, 1, IR_OPF_MIXED | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS)  \
    DEF(qemu_st, 0, 2, 1, IR_OPF_MIXED | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS)  \
    DEF(qemu_ld128, 2, 1, 1,                                                \
        IR_OPF_MIXED | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS | IR_OPF_I64_ONLY)   \
    DEF(qemu_st128, 0, 3, 1,                                                \
        IR_OPF_MIXED | IR_OPF_MEM | IR_OPF_SIDE_EFFECTS | IR_OPF_I64_ONLY)   \
    DEF(goto_tb, 0, 0, 1, IR_OPF_EXIT | IR_OPF_SIDE_EFFECTS)                \
    DEF(exit_tb, 0, 0, 1,                                                   \
        IR_OPF_EXIT | IR_OPF_BB_END | IR_OPF_SIDE_EFFECTS)                  \
    DEF(goto_ptr, 0, 1, 0,                                                  \
        IR_OPF_EXIT | IR_OPF_BB_END | IR_OPF_SIDE_EFFECTS | IR_OPF_MIXED)

typedef enum IROpcode {
#define IR_DEF_ENUM(name, o, i, c, f) IR_OP_##name,
    IR_OPS(IR_DEF_ENUM)
#undef IR_DEF_ENUM
    IR_OP_COUNT
} IROpcode;

typedef struct IROpDef {
    const char *name;
    uint8_t nb_oargs, nb_iargs, nb_cargs;
    uint16_t flags;
} IROpDef;

extern const IROpDef ir_op_defs[IR_OP_COUNT];

/* ------------------------------------------------------------------ */
/* Types, conditions, memory operations                                */

typedef enum IRType {
    IR_I32,
    IR_I64,
    IR_TYPE_COUNT,
    IR_VOID = IR_TYPE_COUNT, /* helper return type only */
} IRType;

typedef enum IRCond {
    IR_COND_NEVER,
    IR_COND_ALWAYS,
    IR_COND_EQ,
    IR_COND_NE,
    IR_COND_LT,  /* signed */
    IR_COND_GE,
    IR_COND_LE,
    IR_COND_GT,
    IR_COND_LTU, /* unsigned */
    IR_COND_GEU,
    IR_COND_LEU,
    IR_COND_GTU,
    IR_COND_COUNT,
} IRCond;

/* !(a c b) == (a ir_cond_invert(c) b) */
IRCond ir_cond_invert(IRCond c);
/* (a c b) == (b ir_cond_swap(c) a) */
IRCond ir_cond_swap(IRCond c);
/* Evaluate a condition on two values of width 32 or 64. */
bool ir_cond_eval(IRCond c, IRType t, uint64_t a, uint64_t b);

/*
 * MemOp: size, sign, byte order and alignment of an access.
 * Byte order is relative to the host, which is always little-endian here.
 */
typedef enum MemOp {
    MO_8 = 0,
    MO_16 = 1,
    MO_32 = 2,
    MO_64 = 3,
    MO_128 = 4,
    MO_SIZE = 7,
    MO_SIGN = 1 << 3,
    MO_BSWAP = 1 << 4,
    MO_LE = 0,
    MO_BE = MO_BSWAP,
    /* Alignment field: 0 none, 1..6 2^n bytes, 7 natural (the size). */
    MO_ASHIFT = 5,
    MO_AMASK = 7 << MO_ASHIFT,
    MO_UNALN = 0,
    MO_ALIGN_2 = 1 << MO_ASHIFT,
    MO_ALIGN_4 = 2 << MO_ASHIFT,
    MO_ALIGN_8 = 3 << MO_ASHIFT,
    MO_ALIGN_16 = 4 << MO_ASHIFT,
    MO_ALIGN_32 = 5 << MO_ASHIFT,
    MO_ALIGN_64 = 6 << MO_ASHIFT,
    MO_ALIGN = MO_AMASK,

    MO_UB = MO_8,
    MO_UW = MO_16,
    MO_UL = MO_32,
    MO_UQ = MO_64,
    MO_SB = MO_8 | MO_SIGN,
    MO_SW = MO_16 | MO_SIGN,
    MO_SL = MO_32 | MO_SIGN,
} MemOp;

static inline unsigned memop_size(MemOp mop)
{
    return 1u << (mop & MO_SIZE);
}

/* log2 of the alignment an access requires (0: any). */
static inline unsigned memop_align_bits(MemOp mop)
{
    unsigned a = (mop & MO_AMASK) >> MO_ASHIFT;
    return a == 7 ? (unsigned)(mop & MO_SIZE) : a;
}

/* A MemOp and an MMU index packed into one constant argument. */
typedef uint32_t MemOpIdx;
#define IR_NB_MMU_MODES 16

static inline MemOpIdx make_memop_idx(MemOp mop, unsigned mmu_idx)
{
    return ((uint32_t)mop << 4) | (mmu_idx & 15);
}
static inline MemOp get_memop(MemOpIdx oi)
{
    return (MemOp)(oi >> 4);
}
static inline unsigned get_mmuidx(MemOpIdx oi)
{
    return oi & 15;
}

/* Memory barrier kinds, for the mb op. */
enum {
    IR_MB_LD_LD = 1,
    IR_MB_ST_LD = 2,
    IR_MB_LD_ST = 4,
    IR_MB_ST_ST = 8,
    IR_MB_ALL = 15,
};

/* ------------------------------------------------------------------ */
/* Helper calls                                                        */

/*
 * By default a helper may read and write every global through env and
 * may raise a guest exception (longjmp to the exec loop), so all globals
 * are synced before the call and reloaded after.  Flags relax that.
 */
enum {
    IR_CALL_NO_READ_GLOBALS = 1 << 0,  /* reads no global through env */
    IR_CALL_NO_WRITE_GLOBALS = 1 << 1, /* writes no global through env */
    IR_CALL_NO_RAISE = 1 << 2,         /* never raises an exception */
    IR_CALL_NO_SIDE_EFFECTS = 1 << 3,  /* removable when result unused */
    IR_CALL_PURE = 15,                 /* all of the above */
};

#define IR_MAX_HELPER_ARGS 7

typedef struct IRHelperInfo {
    void *func;
    const char *name;
    uint32_t flags;                         /* IR_CALL_* */
    uint8_t nb_args;
    uint8_t ret_type;                       /* IRType or IR_VOID */
    uint8_t arg_types[IR_MAX_HELPER_ARGS];  /* IR_I32 / IR_I64 */
} IRHelperInfo;

/* ------------------------------------------------------------------ */
/* Temps, labels, ops                                                  */

typedef uint32_t IRTemp;  /* index into IRContext.temps */
typedef uint32_t IRLabel; /* index of a label in the TB */

typedef enum IRTempKind {
    IR_TEMP_NORMAL, /* lives within one TB */
    IR_TEMP_GLOBAL, /* a field of the CPU state at env + mem_offset */
    IR_TEMP_FIXED,  /* the env pointer, in a fixed host register */
    IR_TEMP_CONST,  /* constant `val`; never written */
} IRTempKind;

typedef struct IRTempDesc {
    uint8_t type;        /* IRType */
    uint8_t kind;        /* IRTempKind */
    int64_t val;         /* IR_TEMP_CONST: the value (sign-extended) */
    int32_t mem_offset;  /* IR_TEMP_GLOBAL: offset from env */
    const char *name;    /* globals and fixed: for dumps */

    /* Register allocator state (tcg/regalloc.c owns these). */
    int8_t reg;          /* host register, or -1 */
    uint8_t val_loc;     /* where the value is: dead/reg/mem/const */
    bool mem_coherent;   /* memory copy is up to date */
    bool mem_allocated;  /* spill slot assigned */
    int32_t spill_offset;/* frame offset of the spill slot */
    /*
     * Filled by ir_liveness for normal temps: the smallest range of op
     * indices holding every op that uses the temp or where it is live
     * (across branches too), so two temps with disjoint ranges can
     * share a spill slot; and whether it is live at some label.
     */
    uint32_t live_start;
    uint32_t live_end;
    bool live_across_bb;

    /* Optimizer scratch (tcg/optimize.c owns these). */
    uintptr_t opt_state;
} IRTempDesc;

#define IR_MAX_ARGS 12
#define IR_INSN_START_WORDS 3 /* max words; frontends use insn_start_words */

/* Liveness result bits in IROp.life. */
#define IR_LIFE_DEAD(n) (1u << (n))         /* arg n dies at this op */
#define IR_LIFE_SYNC(n) (1u << ((n) + 16))  /* output n must reach memory */

typedef struct IROp {
    uint16_t opc;   /* IROpcode */
    uint8_t type;   /* IRType */
    uint8_t nb_oargs, nb_iargs, nb_cargs; /* copied from the def; varies
                                             for call */
    uint32_t life;  /* liveness result, IR_LIFE_* */
    uint64_t args[IR_MAX_ARGS]; /* outputs, inputs, constants */
} IROp;

/* Guest-memory access modes a backend implements for qemu_ld/st. */
typedef enum IRMemMode {
    IR_MEM_SOFTMMU, /* TLB at env - ..., slow path helpers on a miss */
    IR_MEM_DIRECT,  /* host address = guest_base + guest address */
} IRMemMode;

/* Upper bound on guest instructions per TB. */
#define IR_MAX_INSNS 512

/*
 * Scratch buffers the context owns, one per slot, so that passes and
 * backends need no heap allocation per TB (see ir_scratch).
 */
enum {
    IR_SCRATCH_VERIFY_DEFINED,   /* ir.c: ir_verify */
    IR_SCRATCH_VERIFY_LABELS,
    IR_SCRATCH_LIVE_STATE,       /* liveness.c */
    IR_SCRATCH_LIVE_BITS,
    IR_SCRATCH_LIVE_LABELS,
    IR_SCRATCH_LIVE_LABEL_POS,
    IR_SCRATCH_LIVE_GLOBALS,
    IR_SCRATCH_OPT_TEMPS,        /* optimize.c */
    IR_SCRATCH_OPT_LABEL_REFS,
    IR_SCRATCH_OPT_REACHED,
    IR_SCRATCH_BACKEND,          /* IR_SCRATCH_BACKEND_SLOTS for backends */
    IR_SCRATCH_BACKEND_SLOTS = 8,
    IR_SCRATCH_COUNT = IR_SCRATCH_BACKEND + IR_SCRATCH_BACKEND_SLOTS,
};

typedef struct IRScratch {
    void *ptr;
    size_t size;                /* bytes allocated */
} IRScratch;

/* An entry of the per-TB constant cache (an open-addressed table). */
typedef struct IRConstEntry {
    int64_t val;
    uint32_t temp;
    uint32_t stamp;             /* const_stamp | type when in use */
} IRConstEntry;

/*
 * The translation context.  One per translating thread; globals survive
 * ir_context_reset(), everything else is per TB.
 */
typedef struct IRContext {
    IRTempDesc *temps;
    uint32_t nb_temps, cap_temps;
    uint32_t nb_globals;        /* temps [0, nb_globals) are env + globals */
    IRTemp env;                 /* the fixed env pointer, always temp 0 */

    IROp *ops;
    uint32_t nb_ops, cap_ops;
    uint32_t nb_labels;

    /*
     * (type, value) -> constant temp, for this TB.  Entries whose stamp is
     * not the current const_stamp are free: a reset clears the table by
     * bumping the stamp (by 2, the low bit is the type).
     */
    IRConstEntry *const_tab;
    uint32_t const_mask;        /* entries - 1 */
    uint32_t const_count;
    uint32_t const_stamp;

    IRScratch scratch[IR_SCRATCH_COUNT];

    /* Per-TB translation state. */
    unsigned insn_start_words;  /* 1..IR_INSN_START_WORDS, set by frontend */
    unsigned nb_insns;          /* insn_start ops emitted */

    /* Guest memory model for qemu_ld/st. */
    IRMemMode mem_mode;
    uintptr_t guest_base;       /* IR_MEM_DIRECT */

    /*
     * Code generation: the backend writes host code through code_ptr
     * (the writable view); code executes at code_ptr + rx_diff.
     * It must stop and fail when code_ptr passes code_highwater.
     */
    uint8_t *code_buf;          /* start of this TB's code (rw view) */
    uint8_t *code_ptr;
    uint8_t *code_highwater;
    ptrdiff_t rx_diff;
    /* Filled by the backend while generating a TB: */
    uint32_t tb_jmp_insn_offset[2];  /* goto_tb n: offset of the jump */
    uint32_t tb_jmp_reset_offset[2]; /* goto_tb n: where unchained goes */
    uint32_t gen_insn_end_off[IR_MAX_INSNS]; /* host offset after insn i */
    uint64_t gen_insn_data[IR_MAX_INSNS][IR_INSN_START_WORDS];

    /*
     * Slow paths for IR_MEM_SOFTMMU (set by softmmu / tests), also called
     * in IR_MEM_DIRECT mode for an access that fails its required
     * alignment, when set (there they must raise the guest's alignment
     * fault; what happens if they return is unspecified).  They see the whole access: ld_slow returns
     * the final value (byte-swapped per MO_BSWAP, then sign- or
     * zero-extended); st_slow gets the register value and swaps itself;
     * ld128_slow fills out[0] = low, out[1] = high of the converted
     * 16 bytes (for MO_BE, low is bytes 8..15 swapped).  retaddr lies
     * inside the host code of the accessing instruction; any of them
     * may raise a guest exception (cpu_loop_exit_restore).
     */
    uint64_t (*ld_slow)(void *env, uint64_t addr, MemOpIdx oi,
                        uintptr_t retaddr);
    void (*st_slow)(void *env, uint64_t addr, uint64_t val, MemOpIdx oi,
                    uintptr_t retaddr);
    void (*ld128_slow)(void *env, uint64_t addr, MemOpIdx oi,
                       uintptr_t retaddr, uint64_t out[2]);
    void (*st128_slow)(void *env, uint64_t addr, uint64_t lo, uint64_t hi,
                       MemOpIdx oi, uintptr_t retaddr);

    bool optimize;              /* run ir_optimize (default true) */
    /*
     * Debugger watchpoints in user mode (tcg/debug.c): when set, called
     * before each guest load/store is emitted, to emit a check.
     */
    void (*mem_watch)(struct IRContext *s, IRTemp addr, MemOpIdx oi,
                      bool is_write);
} IRContext;

/* ------------------------------------------------------------------ */
/* Context, temps, labels (tcg/ir.c)                                   */

void ir_context_init(IRContext *s);
void ir_context_destroy(IRContext *s);
/* Drop all ops, labels and non-global temps: start a new TB. */
void ir_context_reset(IRContext *s);
/*
 * Scratch buffer `slot` (IR_SCRATCH_*) of at least `bytes` bytes, valid
 * until the next call for that slot.  It only grows, keeping its contents
 * (so a pass can use it as a growable array: ask for (n + 1) elements,
 * store element n), and lives as long as s.  Contents are whatever the
 * last user left: ir_scratch0 zeroes the first `bytes`.
 */
void *ir_scratch_grow(IRContext *s, unsigned slot, size_t bytes);
static inline void *ir_scratch(IRContext *s, unsigned slot, size_t bytes)
{
    if (G_UNLIKELY(bytes > s->scratch[slot].size)) {
        return ir_scratch_grow(s, slot, bytes);
    }
    return s->scratch[slot].ptr;
}
void *ir_scratch0(IRContext *s, unsigned slot, size_t bytes);
/*
 * The slow-path hook for guest memory op opc (qemu_ld, qemu_st,
 * qemu_ld128, qemu_st128) as an address, or 0 when it is not set.
 */
uintptr_t ir_mem_slow_fn(const IRContext *s, IROpcode opc);

/* Create a global bound to env + offset; only before the first TB. */
IRTemp ir_global_new(IRContext *s, IRType type, int32_t offset,
                     const char *name);
IRTemp ir_temp_new(IRContext *s, IRType type);
IRTemp ir_const_i32(IRContext *s, int32_t v);
IRTemp ir_const_i64(IRContext *s, int64_t v);
IRTemp ir_const(IRContext *s, IRType type, int64_t v);
IRLabel ir_label_new(IRContext *s);

static inline IRTempDesc *ir_temp(IRContext *s, IRTemp t)
{
    return &s->temps[t];
}
static inline IRType ir_temp_type(IRContext *s, IRTemp t)
{
    return (IRType)s->temps[t].type;
}
static inline bool ir_temp_is_const(IRContext *s, IRTemp t)
{
    return s->temps[t].kind == IR_TEMP_CONST;
}

/* ------------------------------------------------------------------ */
/* Emitting ops                                                        */

/*
 * Append an op.  args holds outputs, inputs then constants, as many as
 * the op's definition says.  Returns the new op (valid until the next
 * emit).
 */
IROp *ir_emit(IRContext *s, IROpcode opc, IRType type, const uint64_t *args);
/* Insert a copy of op `opc` before/after ops[idx]; used by passes. */
IROp *ir_insert_before(IRContext *s, uint32_t idx, IROpcode opc,
                       IRType type, unsigned nargs);
/* Turn ops[idx] into a nop. */
void ir_op_remove(IRContext *s, uint32_t idx);

#define IR_A(...) ((const uint64_t[]){ __VA_ARGS__ })

/* Two and three operand ops, typed from the output. */
#define IR_GEN1(name)                                                     \
    static inline void ir_##name(IRContext *s, IRTemp d, IRTemp a)        \
    {                                                                     \
        ir_emit(s, IR_OP_##name, ir_temp_type(s, d), IR_A(d, a));         \
    }
#define IR_GEN2(name)                                                     \
    static inline void ir_##name(IRContext *s, IRTemp d, IRTemp a,        \
                                 IRTemp b)                                \
    {                                                                     \
        ir_emit(s, IR_OP_##name, ir_temp_type(s, d), IR_A(d, a, b));      \
    }
IR_GEN1(mov) IR_GEN1(not) IR_GEN1(neg)
IR_GEN1(ext8s) IR_GEN1(ext8u) IR_GEN1(ext16s) IR_GEN1(ext16u)
IR_GEN1(ext32s) IR_GEN1(ext32u)
IR_GEN1(ext_i32_i64) IR_GEN1(extu_i32_i64)
IR_GEN1(extrl_i64_i32) IR_GEN1(extrh_i64_i32)
IR_GEN1(bswap16) IR_GEN1(bswap32) IR_GEN1(bswap64) IR_GEN1(ctpop)
IR_GEN2(add) IR_GEN2(sub) IR_GEN2(mul)
IR_GEN2(divs) IR_GEN2(divu) IR_GEN2(rems) IR_GEN2(remu)
IR_GEN2(and) IR_GEN2(or) IR_GEN2(xor) IR_GEN2(andc) IR_GEN2(orc)
IR_GEN2(eqv) IR_GEN2(nand) IR_GEN2(nor)
IR_GEN2(shl) IR_GEN2(shr) IR_GEN2(sar) IR_GEN2(rotl) IR_GEN2(rotr)
IR_GEN2(clz) IR_GEN2(ctz)
#undef IR_GEN1
#undef IR_GEN2

static inline void ir_movi(IRContext *s, IRTemp d, int64_t v)
{
    ir_mov(s, d, ir_const(s, ir_temp_type(s, d), v));
}
static inline void ir_addi(IRContext *s, IRTemp d, IRTemp a, int64_t v)
{
    ir_add(s, d, a, ir_const(s, ir_temp_type(s, d), v));
}
static inline void ir_andi(IRContext *s, IRTemp d, IRTemp a, int64_t v)
{
    ir_and(s, d, a, ir_const(s, ir_temp_type(s, d), v));
}
static inline void ir_mulu2(IRContext *s, IRTemp lo, IRTemp hi, IRTemp a,
                            IRTemp b)
{
    ir_emit(s, IR_OP_mulu2, ir_temp_type(s, lo), IR_A(lo, hi, a, b));
}
static inline void ir_muls2(IRContext *s, IRTemp lo, IRTemp hi, IRTemp a,
                            IRTemp b)
{
    ir_emit(s, IR_OP_muls2, ir_temp_type(s, lo), IR_A(lo, hi, a, b));
}
static inline void ir_add2(IRContext *s, IRTemp rl, IRTemp rh, IRTemp al,
                           IRTemp ah, IRTemp bl, IRTemp bh)
{
    ir_emit(s, IR_OP_add2, ir_temp_type(s, rl),
            IR_A(rl, rh, al, ah, bl, bh));
}
static inline void ir_sub2(IRContext *s, IRTemp rl, IRTemp rh, IRTemp al,
                           IRTemp ah, IRTemp bl, IRTemp bh)
{
    ir_emit(s, IR_OP_sub2, ir_temp_type(s, rl),
            IR_A(rl, rh, al, ah, bl, bh));
}
static inline void ir_extract(IRContext *s, IRTemp d, IRTemp a,
                              unsigned pos, unsigned len)
{
    ir_emit(s, IR_OP_extract, ir_temp_type(s, d), IR_A(d, a, pos, len));
}
static inline void ir_sextract(IRContext *s, IRTemp d, IRTemp a,
                               unsigned pos, unsigned len)
{
    ir_emit(s, IR_OP_sextract, ir_temp_type(s, d), IR_A(d, a, pos, len));
}
static inline void ir_deposit(IRContext *s, IRTemp d, IRTemp a, IRTemp b,
                              unsigned pos, unsigned len)
{
    ir_emit(s, IR_OP_deposit, ir_temp_type(s, d),
            IR_A(d, a, b, pos, len));
}
static inline void ir_extract2(IRContext *s, IRTemp d, IRTemp lo,
                               IRTemp hi, unsigned pos)
{
    ir_emit(s, IR_OP_extract2, ir_temp_type(s, d), IR_A(d, lo, hi, pos));
}
static inline void ir_setcond(IRContext *s, IRCond c, IRTemp d, IRTemp a,
                              IRTemp b)
{
    ir_emit(s, IR_OP_setcond, ir_temp_type(s, d), IR_A(d, a, b, c));
}
static inline void ir_negsetcond(IRContext *s, IRCond c, IRTemp d,
                                 IRTemp a, IRTemp b)
{
    ir_emit(s, IR_OP_negsetcond, ir_temp_type(s, d), IR_A(d, a, b, c));
}
static inline void ir_movcond(IRContext *s, IRCond c, IRTemp d, IRTemp c1,
                              IRTemp c2, IRTemp v1, IRTemp v2)
{
    ir_emit(s, IR_OP_movcond, ir_temp_type(s, d),
            IR_A(d, c1, c2, v1, v2, c));
}
static inline void ir_brcond(IRContext *s, IRCond c, IRTemp a, IRTemp b,
                             IRLabel l)
{
    ir_emit(s, IR_OP_brcond, ir_temp_type(s, a), IR_A(a, b, c, l));
}
static inline void ir_br(IRContext *s, IRLabel l)
{
    ir_emit(s, IR_OP_br, IR_I64, IR_A(l));
}
static inline void ir_set_label(IRContext *s, IRLabel l)
{
    ir_emit(s, IR_OP_set_label, IR_I64, IR_A(l));
}
/* Host load/store on the CPU state (or any host pointer in base). */
static inline void ir_ld(IRContext *s, IRTemp d, IRTemp base, int32_t ofs,
                         MemOp mop)
{
    ir_emit(s, IR_OP_ld, ir_temp_type(s, d),
            IR_A(d, base, (uint64_t)(int64_t)ofs, mop));
}
static inline void ir_st(IRContext *s, IRTemp v, IRTemp base, int32_t ofs,
                         MemOp mop)
{
    ir_emit(s, IR_OP_st, ir_temp_type(s, v),
            IR_A(v, base, (uint64_t)(int64_t)ofs, mop));
}
static inline void ir_qemu_ld(IRContext *s, IRTemp d, IRTemp addr,
                              unsigned mmu_idx, MemOp mop)
{
    if (G_UNLIKELY(s->mem_watch)) {
        s->mem_watch(s, addr, make_memop_idx(mop, mmu_idx), false);
    }
    ir_emit(s, IR_OP_qemu_ld, ir_temp_type(s, d),
            IR_A(d, addr, make_memop_idx(mop, mmu_idx)));
}
static inline void ir_qemu_st(IRContext *s, IRTemp v, IRTemp addr,
                              unsigned mmu_idx, MemOp mop)
{
    if (G_UNLIKELY(s->mem_watch)) {
        s->mem_watch(s, addr, make_memop_idx(mop, mmu_idx), true);
    }
    ir_emit(s, IR_OP_qemu_st, ir_temp_type(s, v),
            IR_A(v, addr, make_memop_idx(mop, mmu_idx)));
}
static inline void ir_qemu_ld128(IRContext *s, IRTemp lo, IRTemp hi,
                                 IRTemp addr, unsigned mmu_idx, MemOp mop)
{
    if (G_UNLIKELY(s->mem_watch)) {
        s->mem_watch(s, addr, make_memop_idx(mop, mmu_idx), false);
    }
    ir_emit(s, IR_OP_qemu_ld128, IR_I64,
            IR_A(lo, hi, addr, make_memop_idx(mop, mmu_idx)));
}
static inline void ir_qemu_st128(IRContext *s, IRTemp lo, IRTemp hi,
                                 IRTemp addr, unsigned mmu_idx, MemOp mop)
{
    if (G_UNLIKELY(s->mem_watch)) {
        s->mem_watch(s, addr, make_memop_idx(mop, mmu_idx), true);
    }
    ir_emit(s, IR_OP_qemu_st128, IR_I64,
            IR_A(lo, hi, addr, make_memop_idx(mop, mmu_idx)));
}
static inline void ir_mb(IRContext *s, unsigned kind)
{
    ir_emit(s, IR_OP_mb, IR_I64, IR_A(kind));
}
static inline void ir_discard(IRContext *s, IRTemp t)
{
    ir_emit(s, IR_OP_discard, ir_temp_type(s, t), IR_A(t));
}
static inline void ir_goto_tb(IRContext *s, unsigned n)
{
    ir_emit(s, IR_OP_goto_tb, IR_I64, IR_A(n));
}
static inline void ir_exit_tb(IRContext *s, uintptr_t val)
{
    ir_emit(s, IR_OP_exit_tb, IR_I64, IR_A(val));
}
static inline void ir_goto_ptr(IRContext *s, IRTemp ptr)
{
    ir_emit(s, IR_OP_goto_ptr, IR_I64, IR_A(ptr));
}
void ir_insn_start(IRContext *s, uint64_t w0, uint64_t w1, uint64_t w2);

/*
 * Call a helper.  `ret` is the output temp (ignored when the helper
 * returns void; pass 0), args[] its inputs, as many as info->nb_args.
 */
void ir_call(IRContext *s, const IRHelperInfo *info, IRTemp ret,
             const IRTemp *args);

/* ------------------------------------------------------------------ */
/* Passes                                                              */

/* Text form, one op per line, as printed by -d op / -d op_opt. */
void ir_dump(IRContext *s, FILE *f);
/* One op of s, as ir_dump prints it (one line). */
void ir_dump_op(IRContext *s, FILE *f, const IROp *op);
/* Format one temp ("x0", "tmp12", "$0x10") into buf. */
const char *ir_temp_name(IRContext *s, IRTemp t, char *buf, size_t len);

/*
 * Check the IR is well formed: every op's arity and operand types, temps
 * defined before use (within a basic block, for normal temps: no), labels
 * set exactly once and every branch to an existing label, no write to a
 * constant.  Returns true if well formed; otherwise false with *errp set
 * to a message naming the op index and opcode.
 */
bool ir_verify(IRContext *s, GError **errp);

/* tcg/optimize.c: fold constants, propagate copies, simplify, drop dead
 * code.  Semantics preserving; leaves removed ops as nops. */
void ir_optimize(IRContext *s);

/* tcg/liveness.c: fill IROp.life; remove ops whose outputs are dead. */
void ir_liveness(IRContext *s);

#endif /* KESTREL_IR_H */

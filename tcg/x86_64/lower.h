/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to the x86-64 lowering (lower.c: arithmetic, control flow,
 * driver; lower-mem.c: host and guest memory, helper calls).
 */
#ifndef KESTREL_TCG_X86_64_LOWER_H
#define KESTREL_TCG_X86_64_LOWER_H

#include "kestrel/ir.h"
#include "x86_64/emit.h"
#include "x86_64/regalloc.h"

/* Input registers may also be env (rbp). */
#define RA_ALL_ENV ((uint16_t)(RA_ALL | RA_BIT(RA_REG_ENV)))

/* An out-of-line guest memory slow path, emitted after the last op. */
typedef struct SlowPath {
    uint16_t opc;          /* IR_OP_qemu_ld ... qemu_st128 */
    uint8_t type;          /* IRType of the value */
    MemOpIdx oi;
    int8_t addr;           /* register holding the guest address */
    int8_t val[2];         /* stores: the value(s) */
    int8_t out[2];         /* loads: the output register(s) */
    uint16_t save;         /* caller-saved registers to save ... */
    uint16_t restore;      /* ... and to restore afterwards */
    uint32_t branch;       /* offset of the jcc rel32 displacement */
    uint32_t join;         /* offset where the fast path continues */
} SlowPath;

typedef struct Fixup {
    uint32_t label;
    uint32_t disp;         /* offset of a rel32 displacement */
} Fixup;

typedef struct Lower {
    IRContext *s;
    RegAlloc ra;
    unsigned feat;         /* HOST_CPU_* for this TB */
    /* Per-TB arrays in the context's scratch (X86_SCRATCH_*). */
    uint32_t *label_off;   /* code offset of each label, or UINT32_MAX */
    uint32_t *label_idx;   /* op index of each set_label */
    Fixup *fixups;         /* forward jumps to patch */
    uint32_t nb_fixups;
    SlowPath *slow;        /* out-of-line slow paths, in emission order */
    uint32_t nb_slow;
    unsigned insn;         /* guest instructions started so far */
    bool failed;           /* the TB cannot be generated (too many insns) */
    bool unreachable;      /* after br / exit: no fall-through state */
} Lower;

static inline uint32_t code_off(IRContext *s)
{
    return (uint32_t)(s->code_ptr - s->code_buf);
}

static inline uintptr_t code_rx(IRContext *s)
{
    return (uintptr_t)(s->code_ptr + s->rx_diff);
}

static inline bool op_w64(Lower *L)
{
    return L->ra.op->type == IR_I64;
}

/* Constant arg n usable as an imm32 operand of a w64 / 32-bit insn. */
static inline bool arg_imm(Lower *L, unsigned n, bool w64, int32_t *imm)
{
    int64_t v;

    if (!ra_const(&L->ra, n, &v)) {
        return false;
    }
    if (w64 && !x86_fits_s32(v)) {
        return false;
    }
    *imm = (int32_t)v;
    return true;
}

static inline bool arg_is_const(Lower *L, unsigned n)
{
    int64_t v;
    return ra_const(&L->ra, n, &v);
}

static inline void mov_if(IRContext *s, bool w64, int dst, int src)
{
    if (dst != src) {
        x86_mov_rr(s, w64, dst, src);
    }
}

/* lower-mem.c */
void x86_lower_ld(Lower *L);
void x86_lower_st(Lower *L);
void x86_lower_qemu(Lower *L);
void x86_emit_slow_path(Lower *L, const SlowPath *sp);
void x86_lower_call(Lower *L);

/* disas.c */
void x86_disas(FILE *f, const void *code_rx, size_t size);

#endif /* KESTREL_TCG_X86_64_LOWER_H */

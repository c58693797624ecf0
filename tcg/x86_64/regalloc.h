/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Register allocation for the x86-64 backend.
 *
 * One forward walk over the ops, after ir_liveness.  Each temp's state
 * lives in its IRTempDesc (reg, val_loc, mem_coherent, spill slot); the
 * allocator keeps the reverse map register -> temp.  Lowering an op is:
 *
 *     ra_begin_op(ra, idx);
 *     ra = ra_in(ra, 1, RA_ALL);           // inputs into registers
 *     rd = ra_out(ra, 0, RA_ALL, 1);       // output, reusing a dying input
 *     ... emit ...
 *     ra_end_op(ra);                       // sync/free per op->life
 *
 * Registers handed out during an op stay locked until ra_end_op, so an
 * input register is never reused behind the lowering code's back.
 *
 * Frame (rsp-relative, fixed for every TB, set up by the prologue):
 *   [0, 16)        outgoing stack arguments of helper calls
 *   [16, 32)       ld128 slow-path result buffer
 *   [32, 160)      register save area for out-of-line slow paths
 *   [160, ...)     spill slots, 8 bytes each
 */
#ifndef KESTREL_TCG_X86_64_REGALLOC_H
#define KESTREL_TCG_X86_64_REGALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "kestrel/ir.h"
#include "x86_64/emit.h"

#define RA_MAX_SLOTS 512
#define FRAME_CALL_AREA 0
#define FRAME_OUT128 16
#define FRAME_SAVE 32
#define FRAME_SPILL 160
/* Odd multiple of 8: 6 pushes + return address make rsp 16-aligned. */
#define FRAME_SIZE (FRAME_SPILL + 8 * RA_MAX_SLOTS + 8)

#define RA_REG_ENV X_RBP
#define RA_BIT(r) ((uint16_t)(1u << (r)))
#define RA_ALL ((uint16_t)(0xffff & ~RA_BIT(X_RSP) & ~RA_BIT(X_RBP)))
#define RA_CALLER_SAVED                                                     \
    ((uint16_t)(RA_BIT(X_RAX) | RA_BIT(X_RCX) | RA_BIT(X_RDX) |             \
                RA_BIT(X_RSI) | RA_BIT(X_RDI) | RA_BIT(X_R8) |              \
                RA_BIT(X_R9) | RA_BIT(X_R10) | RA_BIT(X_R11)))
#define RA_CALLEE_SAVED ((uint16_t)(RA_ALL & ~RA_CALLER_SAVED))

/* IRTempDesc.val_loc */
enum {
    RA_LOC_DEAD = 0, /* no value */
    RA_LOC_REG = 1,  /* in reg; also in memory if mem_coherent */
    RA_LOC_MEM = 2,  /* in env (globals) or the spill slot */
};

/* The x86-64 backend's IRContext scratch slots (ir_scratch). */
enum {
    X86_SCRATCH_LABEL_OFF = IR_SCRATCH_BACKEND,
    X86_SCRATCH_LABEL_IDX,
    X86_SCRATCH_FIXUPS,
    X86_SCRATCH_SLOW,
    X86_SCRATCH_CROSS,
};

typedef struct RegAlloc {
    IRContext *s;
    IROp *op;                   /* op being lowered */
    uint32_t idx;               /* its index */
    int32_t reg_temp[X_NB_REGS];/* temp held by a register, or -1 */
    uint16_t locked;            /* registers the current op holds */
    uint16_t arg_copy;          /* registers holding private copies */
    int8_t arg_reg[IR_MAX_ARGS];/* register of each arg of the op */
    uint32_t lru[X_NB_REGS];    /* op index of last use, for eviction */
    bool out_of_slots;          /* TB needs more spill slots: fail (-2) */
    IRTemp *cross;              /* normal temps live at some label */
    uint32_t nb_cross;
    uint32_t nb_slots;          /* slots handed out so far: slot_end[0..) */
    /* Last: ra_init does not clear it, nb_slots says what is valid. */
    int64_t slot_end[RA_MAX_SLOTS]; /* live_end of the slot's last owner */
} RegAlloc;

/* Start a TB: every global in env, every normal temp dead. */
void ra_init(RegAlloc *ra, IRContext *s);

void ra_begin_op(RegAlloc *ra, uint32_t idx);
/* Input arg n in some register of allowed; returns it (locked). */
int ra_in(RegAlloc *ra, unsigned n, uint16_t allowed);
/*
 * Input arg n in exactly register reg.  With clobber, the lowering may
 * overwrite reg (the temp's home moves elsewhere if it is still live).
 */
void ra_in_fixed(RegAlloc *ra, unsigned n, int reg, bool clobber);
/* Input arg n's constant value, if it is a constant. */
bool ra_const(RegAlloc *ra, unsigned n, int64_t *val);
/* Whether input arg n's value is not needed after the op. */
bool ra_dies(RegAlloc *ra, unsigned n);
/* A scratch register in allowed, locked until the end of the op. */
int ra_scratch(RegAlloc *ra, uint16_t allowed);
/* Empty the registers in mask (moving or spilling values) and lock. */
void ra_reserve(RegAlloc *ra, uint16_t mask);
/*
 * Register for output n: input arg reuse's register if that input dies
 * here (or is a private copy), else a free one in allowed.
 */
int ra_out(RegAlloc *ra, unsigned n, uint16_t allowed, int reuse);
/* Output n lives in reg from now on (reg reserved by the lowering). */
void ra_out_fixed(RegAlloc *ra, unsigned n, int reg);
/* Output n is a constant: skip the register when env takes it as is. */
void ra_out_const(RegAlloc *ra, unsigned n, int64_t val);
/* Apply op->life: sync outputs, free dead values; unlock. */
void ra_end_op(RegAlloc *ra);

/* Copy temp t's value into reg without changing any state. */
void ra_load_into(RegAlloc *ra, int reg, IRTemp t);
/* Store every global whose register copy env does not have yet. */
void ra_sync_globals(RegAlloc *ra);
/* Forget globals' register copies (after a helper wrote env). */
void ra_drop_globals(RegAlloc *ra);
/*
 * Move the value in reg out of the way: to a free register outside
 * avoid, or to memory.
 */
void ra_evacuate(RegAlloc *ra, int reg, uint16_t avoid);
/* Drop whatever reg holds (the value is dead or in memory). */
void ra_forget(RegAlloc *ra, int reg);
/*
 * A BB ends with a jump to the label at op index label_idx: globals to
 * env, normal temps live there to their slots.  Without keep every
 * register is released afterwards.
 */
void ra_bb_end(RegAlloc *ra, uint32_t label_idx, bool keep);
/* State at a label: globals in env, live normal temps in their slots. */
void ra_at_label(RegAlloc *ra, uint32_t label_idx);
/* After an exit or unconditional jump: nothing is in a register. */
void ra_reset(RegAlloc *ra);
/* Memory home of temp t: base register and displacement. */
int32_t ra_temp_mem(RegAlloc *ra, IRTemp t, int *base);

#endif /* KESTREL_TCG_X86_64_REGALLOC_H */

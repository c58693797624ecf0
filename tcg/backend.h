/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract between the TB cache and a code generator.
 *
 * Two backends implement it: tcg/x86_64 (the JIT) and tcg/interp (runs
 * the IR from a compact copy in the code buffer).  Everything they write
 * goes through the writable view of the code buffer (IRContext.code_ptr);
 * addresses they compute for execution are code_ptr + rx_diff.
 */
#ifndef KESTREL_TCG_BACKEND_H
#define KESTREL_TCG_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "kestrel/ir.h"

typedef struct TCGBackend {
    const char *name;
    /*
     * Emit the prologue (enter generated code: save callee-saved registers,
     * set up the frame, load env into its register, jump to the TB) and
     * the epilogue (return the value in the return register) at
     * s->code_ptr.  Sets *epilogue_rx to the executable address of the
     * code that returns 0 (goto_ptr's "not found" target).  Returns the
     * bytes written.
     */
    size_t (*emit_prologue)(IRContext *s, const void **epilogue_rx);
    /*
     * Generate code for the IR in s at s->code_ptr (rw view).  Runs
     * liveness itself.  On success returns the size in bytes and fills
     * tb_jmp_*_offset and gen_insn_end_off.  Returns -1 if code_ptr passed
     * code_highwater (buffer full: the caller makes room and retries), -2
     * if the TB is too large for the backend's offsets (retry with fewer
     * instructions).
     */
    int (*gen_code)(IRContext *s);
    /* Run host code at tc_rx with env; returns the exit_tb value. */
    uintptr_t (*exec)(void *env, const void *tc_rx);
    /*
     * Point the goto_tb jump whose jump instruction starts at jmp_rx
     * (executable view; writable view at jmp_rx - rx_diff) at target_rx.
     * Must be atomic with respect to other threads running the code.
     */
    void (*patch_jump)(uintptr_t jmp_rx, ptrdiff_t rx_diff,
                       uintptr_t target_rx);
    /* Disassemble host code for -d out_asm (may be NULL). */
    void (*disas)(FILE *f, const void *code_rx, size_t size);
} TCGBackend;

extern const TCGBackend tcg_backend_x86_64;
extern const TCGBackend tcg_backend_interp;

#endif /* KESTREL_TCG_BACKEND_H */

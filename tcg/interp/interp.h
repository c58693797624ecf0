/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interpreter backend (tcg/interp): runs the IR from a compact byte
 * code kept in the code buffer.  It is the reference the x86-64 JIT is
 * tested against, op by op, and the fallback when the JIT is unavailable.
 *
 * The backend itself is `tcg_backend_interp` (tcg/backend.h).  This header
 * adds one convenience for tests that want to run a single IR program
 * without a TB cache:
 *
 *     IRContext s;                  // built with ir_* calls, ending in
 *     ...                           // exit_tb
 *     uintptr_t ret;
 *     if (tcg_interp_run_ir(&s, env, &ret) == 0) { ... }
 */
#ifndef KESTREL_TCG_INTERP_H
#define KESTREL_TCG_INTERP_H

#include <stdint.h>

#include "kestrel/ir.h"

/*
 * Generate byte code for the IR in s into a private buffer (s->code_*
 * and rx_diff are saved and restored) and run it with env.  goto_ptr to
 * anything but a TB start in that buffer is not supported here, and
 * goto_tb simply falls through to the next op.  On success stores the
 * exit_tb value in *ret and returns 0; returns -1 if code generation
 * failed.
 */
int tcg_interp_run_ir(IRContext *s, void *env, uintptr_t *ret);

#endif /* KESTREL_TCG_INTERP_H */

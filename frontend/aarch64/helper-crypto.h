/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 cryptographic extension helpers (helper-crypto.c), called by
 * translate-crypto.c.
 *
 * Every helper is void (env, i32 desc) and works on whole Q registers in
 * env->vregs; desc packs the register numbers and a sub-operation:
 *
 *     desc = rd | rn << 5 | rm << 10 | op << 15     (a64_crypto_desc())
 *
 * They read their operands into locals before writing Vd, so Vd may
 * alias Vn or Vm.  None touches an IR global or raises.
 */
#ifndef KESTREL_FRONTEND_AARCH64_HELPER_CRYPTO_H
#define KESTREL_FRONTEND_AARCH64_HELPER_CRYPTO_H

#include <stdbool.h>
#include <stdint.h>

#include "kestrel/ir.h"

static inline uint32_t a64_crypto_desc(unsigned rd, unsigned rn,
                                       unsigned rm, unsigned op)
{
    return rd | rn << 5 | rm << 10 | op << 15;
}

/* op 0: AESE, 1: AESD. */
extern const IRHelperInfo helper_info_a64_aes_round;
/* op 0: AESMC, 1: AESIMC. */
extern const IRHelperInfo helper_info_a64_aes_mix;
/* op 0..3: SHA1C, SHA1P, SHA1M, SHA1SU0. */
extern const IRHelperInfo helper_info_a64_sha1_3reg;
/* op 0..2: SHA256H, SHA256H2, SHA256SU1. */
extern const IRHelperInfo helper_info_a64_sha256_3reg;
/* op 0..2: SHA1H, SHA1SU1, SHA256SU0. */
extern const IRHelperInfo helper_info_a64_sha_2reg;
/* op bit 0: the upper half (PMULL2); op bit 1: 64-bit elements. */
extern const IRHelperInfo helper_info_a64_pmull;

/*
 * Whether the helpers may use the host's AES-NI and PCLMULQDQ when the
 * host has them (default true).  Tests clear it to check the portable C.
 */
extern bool a64_crypto_host_accel;

#endif /* KESTREL_FRONTEND_AARCH64_HELPER_CRYPTO_H */

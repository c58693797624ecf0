/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 cryptographic extension (a64-crypto.decode): AES, SHA-1, SHA-256
 * and PMULL/PMULL2.  Each instruction is one call of a helper in
 * helper-crypto.c that reads and writes whole Q registers in env.
 *
 * The instructions are decoded whatever the CPU model; whether they are
 * advertised (HWCAP, ID_AA64ISAR0_EL1) is aarch64_optional_features.
 */
#include "translate.h"
#include "helper-crypto.h"

#include "decode-a64-crypto.c.inc"

static bool gen_crypto(DisasContext *ctx, const IRHelperInfo *info,
                       unsigned rd, unsigned rn, unsigned rm, unsigned op)
{
    IRContext *s = ctx->s;

    if (!fp_access_check(ctx)) {
        return true;
    }
    ir_call(s, info, 0,
            (IRTemp[]){ s->env,
                        ir_const_i32(s, (int32_t)a64_crypto_desc(rd, rn, rm,
                                                                 op)) });
    return true;
}

static bool trans_AES_ED(DisasContext *ctx, arg_AES_ED *a)
{
    return gen_crypto(ctx, &helper_info_a64_aes_round, a->rd, a->rn, 0,
                      a->d);
}

static bool trans_AES_MC(DisasContext *ctx, arg_AES_MC *a)
{
    return gen_crypto(ctx, &helper_info_a64_aes_mix, a->rd, a->rn, 0,
                      a->inv);
}

static bool trans_SHA_3REG(DisasContext *ctx, arg_SHA_3REG *a)
{
    if (a->opcode < 4) {
        return gen_crypto(ctx, &helper_info_a64_sha1_3reg, a->rd, a->rn,
                          a->rm, a->opcode);
    }
    if (a->opcode < 7) {
        return gen_crypto(ctx, &helper_info_a64_sha256_3reg, a->rd, a->rn,
                          a->rm, a->opcode - 4);
    }
    return false;
}

static bool trans_SHA_2REG(DisasContext *ctx, arg_SHA_2REG *a)
{
    if (a->opcode > 2) {
        return false;
    }
    return gen_crypto(ctx, &helper_info_a64_sha_2reg, a->rd, a->rn, 0,
                      a->opcode);
}

static bool trans_PMULL(DisasContext *ctx, arg_PMULL *a)
{
    if (a->size != 0 && a->size != 3) {
        return false;
    }
    return gen_crypto(ctx, &helper_info_a64_pmull, a->rd, a->rn, a->rm,
                      a->q | (a->size == 3 ? 2 : 0));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AArch64 cryptographic extension: AESE/AESD/AESMC/AESIMC, SHA-1,
 * SHA-256 and PMULL/PMULL2 on the real translator and both backends.
 *
 *  - reference cases (test-a64-crypto-cases.h, from qemu-aarch64-static
 *    by a64-vec-ref.py), run with and without the host AES-NI/PCLMULQDQ
 *    fast paths;
 *  - known answers: FIPS-197 AES-128 (appendix C.1) encryption and
 *    decryption with the key schedule itself computed by AESE, and the
 *    SHA-1 and SHA-256 digests of "abc" (FIPS 180) computed with the
 *    hash-update instructions (the host does the vector additions, so the
 *    test does not depend on the integer SIMD instructions);
 *  - unallocated encodings of the crypto groups raise UDEF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "a64-vec-harness.h"
#include "helper-crypto.h"
#include "test-a64-crypto-cases.h"

/* ------------------------------------------------------------------ */
/* Encodings                                                           */

static uint32_t enc2(uint32_t base, int d, int n)
{
    return base | (uint32_t)n << 5 | (uint32_t)d;
}

static uint32_t enc3(uint32_t base, int d, int n, int m)
{
    return base | (uint32_t)m << 16 | (uint32_t)n << 5 | (uint32_t)d;
}

#define AESE        0x4e284800u
#define AESD        0x4e285800u
#define AESMC       0x4e286800u
#define AESIMC      0x4e287800u
#define SHA1C       0x5e000000u
#define SHA1P       0x5e001000u
#define SHA1M       0x5e002000u
#define SHA1SU0     0x5e003000u
#define SHA256H     0x5e004000u
#define SHA256H2    0x5e005000u
#define SHA256SU1   0x5e006000u
#define SHA1H       0x5e280800u
#define SHA1SU1     0x5e281800u
#define SHA256SU0   0x5e282800u

typedef struct V128 {
    uint32_t w[4];
} V128;

static void vset(ARMCPU *cpu, int r, V128 v)
{
    memcpy(cpu->env.vregs[r], v.w, 16);
}

static V128 vget(ARMCPU *cpu, int r)
{
    V128 v;

    memcpy(v.w, cpu->env.vregs[r], 16);
    return v;
}

static V128 vadd(V128 a, V128 b)
{
    for (int i = 0; i < 4; i++) {
        a.w[i] += b.w[i];
    }
    return a;
}

static V128 vbytes(const uint8_t *b)
{
    V128 v;

    memcpy(v.w, b, 16);
    return v;
}

/* ------------------------------------------------------------------ */
/* Reference cases                                                     */

static void test_reference_cases(void **state)
{
    assert_int_equal(vh_run_cases(a64_vec_cases, G_N_ELEMENTS(a64_vec_cases),
                                  a64_vec_default), 0);
}

static void test_reference_cases_portable(void **state)
{
    a64_crypto_host_accel = false;
    assert_int_equal(vh_run_cases(a64_vec_cases, G_N_ELEMENTS(a64_vec_cases),
                                  a64_vec_default), 0);
    a64_crypto_host_accel = true;
}

/* ------------------------------------------------------------------ */
/* AES-128, FIPS-197 appendix C.1                                      */

/*
 * SubWord(w) as AESE computes it: with the word in all four columns,
 * ShiftRows moves nothing, so lane 0 of AESE(dup(w), 0) is SubWord(w).
 */
static uint32_t guest_subword(ARMCPU *cpu, uint32_t w)
{
    vset(cpu, 0, (V128){ { w, w, w, w } });
    vset(cpu, 1, (V128){ { 0, 0, 0, 0 } });
    vh_run1(cpu, enc2(AESE, 0, 1));
    return vget(cpu, 0).w[0];
}

static void aes128_expand(ARMCPU *cpu, const uint8_t key[16], V128 rk[11])
{
    static const uint8_t rcon[10] = {
        0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36,
    };
    uint32_t w[44];

    memcpy(w, key, 16);
    for (int i = 4; i < 44; i++) {
        uint32_t t = w[i - 1];

        if (i % 4 == 0) {
            t = (t >> 8) | (t << 24);   /* RotWord, little-endian lanes */
            t = guest_subword(cpu, t) ^ rcon[i / 4 - 1];
        }
        w[i] = w[i - 4] ^ t;
    }
    for (int r = 0; r < 11; r++) {
        memcpy(rk[r].w, &w[4 * r], 16);
    }
}

static void test_aes_fips197(void **state)
{
    static const uint8_t key[16] = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
        0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    };
    static const uint8_t pt[16] = {
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
        0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    };
    static const uint8_t ct[16] = {
        0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
        0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a,
    };
    ARMCPU *cpu = vh_new_cpu();
    uint32_t code[40];
    V128 rk[11], s;
    int n = 0;

    aes128_expand(cpu, key, rk);
    /* The last round key of C.1: 13111d7f e3944a17 f307a78b 4d2b30c5 */
    assert_int_equal(rk[10].w[0], 0x7f1d1113);

    /* Encrypt: 9 x (AESE, AESMC), AESE, then the host XORs rk[10]. */
    for (int r = 0; r < 11; r++) {
        vset(cpu, 1 + r, rk[r]);
    }
    vset(cpu, 0, vbytes(pt));
    for (int r = 0; r < 9; r++) {
        code[n++] = enc2(AESE, 0, 1 + r);
        code[n++] = enc2(AESMC, 0, 0);
    }
    code[n++] = enc2(AESE, 0, 10);
    assert_int_equal(vh_run(cpu, code, n), EXCP_SWI);
    s = vget(cpu, 0);
    for (int i = 0; i < 4; i++) {
        s.w[i] ^= rk[10].w[i];
    }
    assert_memory_equal(s.w, ct, 16);

    /*
     * Decrypt (equivalent inverse cipher): the middle round keys go
     * through AESIMC first; AESD, AESIMC per round; the host XORs rk[0].
     */
    n = 0;
    for (int r = 1; r < 10; r++) {
        code[n++] = enc2(AESIMC, 12 + r, 1 + r);
    }
    code[n++] = enc2(AESD, 0, 11);
    code[n++] = enc2(AESIMC, 0, 0);
    for (int r = 9; r >= 2; r--) {
        code[n++] = enc2(AESD, 0, 12 + r);
        code[n++] = enc2(AESIMC, 0, 0);
    }
    code[n++] = enc2(AESD, 0, 13);
    vset(cpu, 0, vbytes(ct));
    assert_int_equal(vh_run(cpu, code, n), EXCP_SWI);
    s = vget(cpu, 0);
    for (int i = 0; i < 4; i++) {
        s.w[i] ^= rk[0].w[i];
    }
    assert_memory_equal(s.w, pt, 16);
    aarch64_cpu_free(cpu);
}

static void test_aes_fips197_portable(void **state)
{
    a64_crypto_host_accel = false;
    test_aes_fips197(state);
    a64_crypto_host_accel = true;
}

/* ------------------------------------------------------------------ */
/* SHA-1 and SHA-256 of "abc"                                          */

/* The one padded block of "abc", as big-endian words. */
static void abc_block(V128 m[4])
{
    memset(m, 0, 4 * sizeof(V128));
    m[0].w[0] = 0x61626380;
    m[3].w[3] = 0x18;
}

static void test_sha1_abc(void **state)
{
    static const uint32_t k[4] = {
        0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6,
    };
    static const uint32_t h0[5] = {
        0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
    };
    static const uint32_t want[5] = {
        0xa9993e36, 0x4706816a, 0xba3e2571, 0x7850c26c, 0x9cd0d89d,
    };
    ARMCPU *cpu = vh_new_cpu();
    V128 m[4], abcd = { { h0[0], h0[1], h0[2], h0[3] } };
    uint32_t e = h0[4];

    abc_block(m);
    for (int i = 0; i < 20; i++) {
        uint32_t op = i < 5 ? SHA1C : i < 10 ? SHA1P : i < 15 ? SHA1M : SHA1P;
        V128 kk = { { k[i / 5], k[i / 5], k[i / 5], k[i / 5] } };
        uint32_t code[2] = { enc2(SHA1H, 3, 0), enc3(op, 0, 1, 2) };

        vset(cpu, 0, abcd);
        vset(cpu, 1, (V128){ { e, 0xdead, 0xbeef, 0xf00d } });
        vset(cpu, 2, vadd(m[i % 4], kk));
        assert_int_equal(vh_run(cpu, code, 2), EXCP_SWI);
        abcd = vget(cpu, 0);
        e = vget(cpu, 3).w[0];
        assert_int_equal(vget(cpu, 3).w[1], 0);
        if (i < 16) {
            uint32_t sched[2] = { enc3(SHA1SU0, 4, 5, 6), enc2(SHA1SU1, 4, 7) };

            vset(cpu, 4, m[i % 4]);
            vset(cpu, 5, m[(i + 1) % 4]);
            vset(cpu, 6, m[(i + 2) % 4]);
            vset(cpu, 7, m[(i + 3) % 4]);
            assert_int_equal(vh_run(cpu, sched, 2), EXCP_SWI);
            m[i % 4] = vget(cpu, 4);
        }
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(h0[i] + abcd.w[i], want[i]);
    }
    assert_int_equal(h0[4] + e, want[4]);
    aarch64_cpu_free(cpu);
}

static void test_sha256_abc(void **state)
{
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
        0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
        0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
        0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
        0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
        0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
        0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
        0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
        0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
        0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };
    static const uint32_t h0[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    static const uint32_t want[8] = {
        0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
        0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad,
    };
    ARMCPU *cpu = vh_new_cpu();
    V128 m[4];
    V128 dg0 = { { h0[0], h0[1], h0[2], h0[3] } };
    V128 dg1 = { { h0[4], h0[5], h0[6], h0[7] } };

    abc_block(m);
    for (int i = 0; i < 16; i++) {
        V128 kk;
        uint32_t code[2] = { enc3(SHA256H, 0, 1, 2), enc3(SHA256H2, 1, 3, 2) };

        memcpy(kk.w, &k[4 * i], 16);
        vset(cpu, 0, dg0);
        vset(cpu, 1, dg1);
        vset(cpu, 3, dg0);
        vset(cpu, 2, vadd(m[i % 4], kk));
        assert_int_equal(vh_run(cpu, code, 2), EXCP_SWI);
        dg0 = vget(cpu, 0);
        dg1 = vget(cpu, 1);
        if (i < 12) {
            uint32_t sched[2] = { enc2(SHA256SU0, 4, 5),
                                  enc3(SHA256SU1, 4, 6, 7) };

            vset(cpu, 4, m[i % 4]);
            vset(cpu, 5, m[(i + 1) % 4]);
            vset(cpu, 6, m[(i + 2) % 4]);
            vset(cpu, 7, m[(i + 3) % 4]);
            assert_int_equal(vh_run(cpu, sched, 2), EXCP_SWI);
            m[i % 4] = vget(cpu, 4);
        }
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(h0[i] + dg0.w[i], want[i]);
        assert_int_equal(h0[4 + i] + dg1.w[i], want[4 + i]);
    }
    aarch64_cpu_free(cpu);
}

/* ------------------------------------------------------------------ */
/* PMULL known answers                                                 */

static void test_pmull_known(void **state)
{
    ARMCPU *cpu = vh_new_cpu();
    CPUARMState *env = &cpu->env;
    /* pmull v0.1q, v1.1d, v2.1d; pmull2 v3.1q, v1.2d, v2.2d;
     * pmull v4.8h, v1.8b, v2.8b */
    static const uint32_t code[] = { 0x0ee2e020, 0x4ee2e023, 0x0e22e024 };

    for (int accel = 0; accel < 2; accel++) {
        a64_crypto_host_accel = accel;
        /* x^63 * x^63 = x^126; (x+1)^2 = x^2 + 1 (no carries). */
        env->vregs[1][0] = 1ull << 63;
        env->vregs[2][0] = 1ull << 63;
        env->vregs[1][1] = 3;
        env->vregs[2][1] = 3;
        env->vregs[0][0] = env->vregs[0][1] = ~0ull;
        assert_int_equal(vh_run(cpu, code, 3), EXCP_SWI);
        assert_int_equal(env->vregs[0][0], 0);
        assert_int_equal(env->vregs[0][1], 1ull << 62);
        assert_int_equal(env->vregs[3][0], 5);
        assert_int_equal(env->vregs[3][1], 0);
        /* byte lanes: 0x80 * 0x80 = 0x4000 in lane 7; 0 * 0 elsewhere */
        assert_int_equal(env->vregs[4][0], 0);
        assert_int_equal(env->vregs[4][1], 0x4000ull << 48);
    }
    a64_crypto_host_accel = true;
    aarch64_cpu_free(cpu);
}

/* ------------------------------------------------------------------ */
/* Unallocated encodings                                               */

static void test_reference_undef(void **state)
{
    assert_int_equal(vh_check_undef(a64_vec_undef, a64_vec_nundef), 0);
}

static void test_unallocated(void **state)
{
    ARMCPU *cpu = vh_new_cpu();
    static const uint32_t bad[] = {
        0x5e037041, /* SHA 3-reg opcode 111 */
        0x5e283841, /* SHA 2-reg opcode 00011 */
        0x5e284841, /* SHA 2-reg opcode 00100 */
        0x4e288841, /* AES opcode 01000 */
        0x4e684841, /* AESE with size 01 */
        0x5e430041, /* SHA1C with size 01 */
    };

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        assert_int_equal(vh_run(cpu, &bad[i], 1), EXCP_UDEF);
        assert_int_equal(cpu->env.pc, VH_CODE_BASE);
    }
    aarch64_cpu_free(cpu);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_cases),
        cmocka_unit_test(test_reference_cases_portable),
        cmocka_unit_test(test_aes_fips197),
        cmocka_unit_test(test_aes_fips197_portable),
        cmocka_unit_test(test_sha1_abc),
        cmocka_unit_test(test_sha256_abc),
        cmocka_unit_test(test_pmull_known),
        cmocka_unit_test(test_reference_undef),
        cmocka_unit_test(test_unallocated),
    };

    return vh_main(argc, argv, "a64-crypto", tests, G_N_ELEMENTS(tests));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A64 cryptographic extension: AES rounds, SHA-1 and SHA-256 hash
 * updates, and the polynomial multiplies PMULL/PMULL2, as the ARM ARM
 * pseudocode defines them (AESSubBytes, SHA256hash, PolynomialMult...).
 *
 * Register layout.  A Q register is 16 bytes in env->vregs[n], byte 0 the
 * least significant; the host is little-endian, so the bytes, 32-bit and
 * 64-bit lanes of the union below are the architectural ones.  The AES
 * state is column-major (byte i = row i % 4 of column i / 4) in both the
 * ARM and the x86 definitions, so AES-NI works on the register as is.
 *
 * Host acceleration.  On x86-64 hosts with AES-NI and PCLMULQDQ, AESE is
 * AESENCLAST with a zero key on (Vd ^ Vn), AESD likewise with AESDECLAST,
 * AESIMC is AESIMC, AESMC is AESENC(AESDECLAST(x, 0), 0) (the byte
 * substitutions and row shifts cancel), and PMULL 64 is PCLMULQDQ.  The
 * portable C below is the reference; tests run both.
 */
#include <string.h>

#include "cpu.h"
#include "helper-crypto.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define A64_CRYPTO_X86 1
#endif

bool a64_crypto_host_accel = true;

typedef union A64Vec {
    uint8_t b[16];
    uint32_t w[4];
    uint64_t d[2];
} A64Vec;

static inline A64Vec vec_get(const CPUARMState *env, unsigned r)
{
    A64Vec v;

    memcpy(&v, env->vregs[r & 31], sizeof(v));
    return v;
}

static inline void vec_set(CPUARMState *env, unsigned r, const A64Vec *v)
{
    memcpy(env->vregs[r & 31], v, sizeof(*v));
}

#define DESC_RD(d)  ((d) & 31)
#define DESC_RN(d)  (((d) >> 5) & 31)
#define DESC_RM(d)  (((d) >> 10) & 31)
#define DESC_OP(d)  ((d) >> 15)

#define A64_CRYPTO_HELPER(fn)                                        \
    {                                                                \
        .func = (void *)helper_##fn, .name = #fn,                    \
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | \
                 IR_CALL_NO_RAISE,                                   \
        .nb_args = 2, .ret_type = IR_VOID,                           \
        .arg_types = { IR_I64, IR_I32 },                             \
    }

/* ------------------------------------------------------------------ */
/* AES                                                                 */

static const uint8_t aes_sbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b,
    0xfe, 0xd7, 0xab, 0x76, 0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0,
    0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0, 0xb7, 0xfd, 0x93, 0x26,
    0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2,
    0xeb, 0x27, 0xb2, 0x75, 0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0,
    0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84, 0x53, 0xd1, 0x00, 0xed,
    0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f,
    0x50, 0x3c, 0x9f, 0xa8, 0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5,
    0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2, 0xcd, 0x0c, 0x13, 0xec,
    0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14,
    0xde, 0x5e, 0x0b, 0xdb, 0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c,
    0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79, 0xe7, 0xc8, 0x37, 0x6d,
    0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f,
    0x4b, 0xbd, 0x8b, 0x8a, 0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e,
    0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e, 0xe1, 0xf8, 0x98, 0x11,
    0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f,
    0xb0, 0x54, 0xbb, 0x16,
};
static const uint8_t aes_inv_sbox[256] = {
    0x52, 0x09, 0x6a, 0xd5, 0x30, 0x36, 0xa5, 0x38, 0xbf, 0x40, 0xa3, 0x9e,
    0x81, 0xf3, 0xd7, 0xfb, 0x7c, 0xe3, 0x39, 0x82, 0x9b, 0x2f, 0xff, 0x87,
    0x34, 0x8e, 0x43, 0x44, 0xc4, 0xde, 0xe9, 0xcb, 0x54, 0x7b, 0x94, 0x32,
    0xa6, 0xc2, 0x23, 0x3d, 0xee, 0x4c, 0x95, 0x0b, 0x42, 0xfa, 0xc3, 0x4e,
    0x08, 0x2e, 0xa1, 0x66, 0x28, 0xd9, 0x24, 0xb2, 0x76, 0x5b, 0xa2, 0x49,
    0x6d, 0x8b, 0xd1, 0x25, 0x72, 0xf8, 0xf6, 0x64, 0x86, 0x68, 0x98, 0x16,
    0xd4, 0xa4, 0x5c, 0xcc, 0x5d, 0x65, 0xb6, 0x92, 0x6c, 0x70, 0x48, 0x50,
    0xfd, 0xed, 0xb9, 0xda, 0x5e, 0x15, 0x46, 0x57, 0xa7, 0x8d, 0x9d, 0x84,
    0x90, 0xd8, 0xab, 0x00, 0x8c, 0xbc, 0xd3, 0x0a, 0xf7, 0xe4, 0x58, 0x05,
    0xb8, 0xb3, 0x45, 0x06, 0xd0, 0x2c, 0x1e, 0x8f, 0xca, 0x3f, 0x0f, 0x02,
    0xc1, 0xaf, 0xbd, 0x03, 0x01, 0x13, 0x8a, 0x6b, 0x3a, 0x91, 0x11, 0x41,
    0x4f, 0x67, 0xdc, 0xea, 0x97, 0xf2, 0xcf, 0xce, 0xf0, 0xb4, 0xe6, 0x73,
    0x96, 0xac, 0x74, 0x22, 0xe7, 0xad, 0x35, 0x85, 0xe2, 0xf9, 0x37, 0xe8,
    0x1c, 0x75, 0xdf, 0x6e, 0x47, 0xf1, 0x1a, 0x71, 0x1d, 0x29, 0xc5, 0x89,
    0x6f, 0xb7, 0x62, 0x0e, 0xaa, 0x18, 0xbe, 0x1b, 0xfc, 0x56, 0x3e, 0x4b,
    0xc6, 0xd2, 0x79, 0x20, 0x9a, 0xdb, 0xc0, 0xfe, 0x78, 0xcd, 0x5a, 0xf4,
    0x1f, 0xdd, 0xa8, 0x33, 0x88, 0x07, 0xc7, 0x31, 0xb1, 0x12, 0x10, 0x59,
    0x27, 0x80, 0xec, 0x5f, 0x60, 0x51, 0x7f, 0xa9, 0x19, 0xb5, 0x4a, 0x0d,
    0x2d, 0xe5, 0x7a, 0x9f, 0x93, 0xc9, 0x9c, 0xef, 0xa0, 0xe0, 0x3b, 0x4d,
    0xae, 0x2a, 0xf5, 0xb0, 0xc8, 0xeb, 0xbb, 0x3c, 0x83, 0x53, 0x99, 0x61,
    0x17, 0x2b, 0x04, 0x7e, 0xba, 0x77, 0xd6, 0x26, 0xe1, 0x69, 0x14, 0x63,
    0x55, 0x21, 0x0c, 0x7d,
};

static inline uint8_t aes_xtime(uint8_t x)
{
    return (uint8_t)(x << 1) ^ ((x & 0x80) ? 0x1b : 0);
}

/* x * y in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
static uint8_t aes_gmul(uint8_t x, uint8_t y)
{
    uint8_t r = 0;

    while (y) {
        if (y & 1) {
            r ^= x;
        }
        x = aes_xtime(x);
        y >>= 1;
    }
    return r;
}

/* AESSubBytes(AESShiftRows(x)) or the inverse of both. */
static A64Vec aes_round_c(A64Vec x, bool decrypt)
{
    A64Vec r;

    for (int c = 0; c < 4; c++) {
        for (int row = 0; row < 4; row++) {
            if (decrypt) {
                /* InvShiftRows moves row r right by r columns. */
                r.b[((c + row) & 3) * 4 + row] =
                    aes_inv_sbox[x.b[c * 4 + row]];
            } else {
                r.b[c * 4 + row] = aes_sbox[x.b[((c + row) & 3) * 4 + row]];
            }
        }
    }
    return r;
}

/* AESMixColumns or AESInvMixColumns. */
static A64Vec aes_mix_c(A64Vec x, bool inverse)
{
    static const uint8_t fwd[4] = { 2, 3, 1, 1 };
    static const uint8_t inv[4] = { 14, 11, 13, 9 };
    const uint8_t *k = inverse ? inv : fwd;
    A64Vec r;

    for (int c = 0; c < 4; c++) {
        const uint8_t *a = &x.b[c * 4];

        for (int row = 0; row < 4; row++) {
            r.b[c * 4 + row] = aes_gmul(a[row], k[0]) ^
                               aes_gmul(a[(row + 1) & 3], k[1]) ^
                               aes_gmul(a[(row + 2) & 3], k[2]) ^
                               aes_gmul(a[(row + 3) & 3], k[3]);
        }
    }
    return r;
}

#ifdef A64_CRYPTO_X86
static bool host_has_aes(void)
{
    return a64_crypto_host_accel && __builtin_cpu_supports("aes") &&
           __builtin_cpu_supports("sse2");
}

static bool host_has_pclmul(void)
{
    return a64_crypto_host_accel && __builtin_cpu_supports("pclmul");
}

__attribute__((target("aes,sse2")))
static A64Vec aes_round_ni(A64Vec x, bool decrypt)
{
    __m128i v = _mm_loadu_si128((const __m128i *)x.b);
    __m128i z = _mm_setzero_si128();
    A64Vec r;

    v = decrypt ? _mm_aesdeclast_si128(v, z) : _mm_aesenclast_si128(v, z);
    _mm_storeu_si128((__m128i *)r.b, v);
    return r;
}

__attribute__((target("aes,sse2")))
static A64Vec aes_mix_ni(A64Vec x, bool inverse)
{
    __m128i v = _mm_loadu_si128((const __m128i *)x.b);
    __m128i z = _mm_setzero_si128();
    A64Vec r;

    if (inverse) {
        v = _mm_aesimc_si128(v);
    } else {
        v = _mm_aesenc_si128(_mm_aesdeclast_si128(v, z), z);
    }
    _mm_storeu_si128((__m128i *)r.b, v);
    return r;
}
#endif

/* AESE / AESD: Vd = [Inv]SubBytes([Inv]ShiftRows(Vd ^ Vn)). */
static void helper_a64_aes_round(void *envp, uint32_t desc)
{
    CPUARMState *env = envp;
    A64Vec d = vec_get(env, DESC_RD(desc));
    A64Vec n = vec_get(env, DESC_RN(desc));
    bool decrypt = DESC_OP(desc) & 1;

    d.d[0] ^= n.d[0];
    d.d[1] ^= n.d[1];
#ifdef A64_CRYPTO_X86
    if (host_has_aes()) {
        d = aes_round_ni(d, decrypt);
        vec_set(env, DESC_RD(desc), &d);
        return;
    }
#endif
    d = aes_round_c(d, decrypt);
    vec_set(env, DESC_RD(desc), &d);
}

/* AESMC / AESIMC: Vd = [Inv]MixColumns(Vn). */
static void helper_a64_aes_mix(void *envp, uint32_t desc)
{
    CPUARMState *env = envp;
    A64Vec n = vec_get(env, DESC_RN(desc));
    bool inverse = DESC_OP(desc) & 1;

#ifdef A64_CRYPTO_X86
    if (host_has_aes()) {
        n = aes_mix_ni(n, inverse);
        vec_set(env, DESC_RD(desc), &n);
        return;
    }
#endif
    n = aes_mix_c(n, inverse);
    vec_set(env, DESC_RD(desc), &n);
}

const IRHelperInfo helper_info_a64_aes_round =
    A64_CRYPTO_HELPER(a64_aes_round);
const IRHelperInfo helper_info_a64_aes_mix = A64_CRYPTO_HELPER(a64_aes_mix);

/* ------------------------------------------------------------------ */
/* SHA-1                                                               */

static inline uint32_t rol32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> ((32 - n) & 31));
}

static inline uint32_t ror32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << ((32 - n) & 31));
}

static inline uint32_t sha_choose(uint32_t x, uint32_t y, uint32_t z)
{
    return ((y ^ z) & x) ^ z;
}

static inline uint32_t sha_parity(uint32_t x, uint32_t y, uint32_t z)
{
    return x ^ y ^ z;
}

static inline uint32_t sha_majority(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) | ((x | y) & z);
}

/*
 * SHA1C/SHA1P/SHA1M: four rounds on the hash state X = Qd (a..d) and
 * Y = Sn (e), with the schedule words in Vm.  After each round the
 * 160-bit value Y:X rotates left by 32 bits.
 */
static A64Vec sha1_rounds(A64Vec x, uint32_t y, A64Vec w, unsigned op)
{
    for (int e = 0; e < 4; e++) {
        uint32_t t;

        switch (op) {
        case 0:
            t = sha_choose(x.w[1], x.w[2], x.w[3]);
            break;
        case 1:
            t = sha_parity(x.w[1], x.w[2], x.w[3]);
            break;
        default:
            t = sha_majority(x.w[1], x.w[2], x.w[3]);
            break;
        }
        y = y + rol32(x.w[0], 5) + t + w.w[e];
        x.w[1] = rol32(x.w[1], 30);
        /* <Y, X> = ROL(Y:X, 32) */
        t = x.w[3];
        x.w[3] = x.w[2];
        x.w[2] = x.w[1];
        x.w[1] = x.w[0];
        x.w[0] = y;
        y = t;
    }
    return x;
}

static void helper_a64_sha1_3reg(void *envp, uint32_t desc)
{
    CPUARMState *env = envp;
    A64Vec d = vec_get(env, DESC_RD(desc));
    A64Vec n = vec_get(env, DESC_RN(desc));
    A64Vec m = vec_get(env, DESC_RM(desc));
    unsigned op = DESC_OP(desc);
    A64Vec r;

    if (op < 3) {
        r = sha1_rounds(d, n.w[0], m, op);
    } else {
        /* SHA1SU0: (Vn<63:0> : Vd<127:64>) ^ Vd ^ Vm */
        r.d[0] = d.d[1] ^ d.d[0] ^ m.d[0];
        r.d[1] = n.d[0] ^ d.d[1] ^ m.d[1];
    }
    vec_set(env, DESC_RD(desc), &r);
}

const IRHelperInfo helper_info_a64_sha1_3reg =
    A64_CRYPTO_HELPER(a64_sha1_3reg);

/* ------------------------------------------------------------------ */
/* SHA-256                                                             */

static inline uint32_t sha256_Sigma0(uint32_t x)
{
    return ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22);
}

static inline uint32_t sha256_Sigma1(uint32_t x)
{
    return ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25);
}

static inline uint32_t sha256_sigma0(uint32_t x)
{
    return ror32(x, 7) ^ ror32(x, 18) ^ (x >> 3);
}

static inline uint32_t sha256_sigma1(uint32_t x)
{
    return ror32(x, 17) ^ ror32(x, 19) ^ (x >> 10);
}

/*
 * SHA256hash: four rounds on X = (a, b, c, d) and Y = (e, f, g, h);
 * 256-bit Y:X rotates left by 32 bits after each.  part1 returns X.
 */
static A64Vec sha256_hash(A64Vec x, A64Vec y, A64Vec w, bool part1)
{
    for (int e = 0; e < 4; e++) {
        uint32_t chs = sha_choose(y.w[0], y.w[1], y.w[2]);
        uint32_t maj = sha_majority(x.w[0], x.w[1], x.w[2]);
        uint32_t t = y.w[3] + sha256_Sigma1(y.w[0]) + chs + w.w[e];
        uint32_t xt, yt;

        x.w[3] = t + x.w[3];
        y.w[3] = t + sha256_Sigma0(x.w[0]) + maj;
        /* <Y, X> = ROL(Y:X, 32) */
        xt = x.w[3];
        yt = y.w[3];
        x.w[3] = x.w[2];
        x.w[2] = x.w[1];
        x.w[1] = x.w[0];
        x.w[0] = yt;
        y.w[3] = y.w[2];
        y.w[2] = y.w[1];
        y.w[1] = y.w[0];
        y.w[0] = xt;
    }
    return part1 ? x : y;
}

static void helper_a64_sha256_3reg(void *envp, uint32_t desc)
{
    CPUARMState *env = envp;
    A64Vec d = vec_get(env, DESC_RD(desc));
    A64Vec n = vec_get(env, DESC_RN(desc));
    A64Vec m = vec_get(env, DESC_RM(desc));
    A64Vec r;

    switch (DESC_OP(desc)) {
    case 0: /* SHA256H */
        r = sha256_hash(d, n, m, true);
        break;
    case 1: /* SHA256H2 */
        r = sha256_hash(n, d, m, false);
        break;
    default: { /* SHA256SU1 */
        /* T0 = Vm<31:0> : Vn<127:32> */
        uint32_t t0[4] = { n.w[1], n.w[2], n.w[3], m.w[0] };

        r.w[0] = sha256_sigma1(m.w[2]) + d.w[0] + t0[0];
        r.w[1] = sha256_sigma1(m.w[3]) + d.w[1] + t0[1];
        r.w[2] = sha256_sigma1(r.w[0]) + d.w[2] + t0[2];
        r.w[3] = sha256_sigma1(r.w[1]) + d.w[3] + t0[3];
        break;
    }
    }
    vec_set(env, DESC_RD(desc), &r);
}

const IRHelperInfo helper_info_a64_sha256_3reg =
    A64_CRYPTO_HELPER(a64_sha256_3reg);

/* SHA1H, SHA1SU1, SHA256SU0. */
static void helper_a64_sha_2reg(void *envp, uint32_t desc)
{
    CPUARMState *env = envp;
    A64Vec d = vec_get(env, DESC_RD(desc));
    A64Vec n = vec_get(env, DESC_RN(desc));
    A64Vec r;

    switch (DESC_OP(desc)) {
    case 0: /* SHA1H: ROL(Sn, 30) */
        r.d[0] = rol32(n.w[0], 30);
        r.d[1] = 0;
        break;
    case 1: { /* SHA1SU1 */
        uint32_t t[4] = { d.w[0] ^ n.w[1], d.w[1] ^ n.w[2],
                          d.w[2] ^ n.w[3], d.w[3] };

        r.w[0] = rol32(t[0], 1);
        r.w[1] = rol32(t[1], 1);
        r.w[2] = rol32(t[2], 1);
        r.w[3] = rol32(t[3], 1) ^ rol32(t[0], 2);
        break;
    }
    default: { /* SHA256SU0: T = Vn<31:0> : Vd<127:32> */
        uint32_t t[4] = { d.w[1], d.w[2], d.w[3], n.w[0] };

        for (int e = 0; e < 4; e++) {
            r.w[e] = sha256_sigma0(t[e]) + d.w[e];
        }
        break;
    }
    }
    vec_set(env, DESC_RD(desc), &r);
}

const IRHelperInfo helper_info_a64_sha_2reg = A64_CRYPTO_HELPER(a64_sha_2reg);

/* ------------------------------------------------------------------ */
/* Polynomial multiply                                                 */

/* Carry-less 8 x 8 -> 16. */
static uint16_t clmul8(uint8_t a, uint8_t b)
{
    uint16_t r = 0;

    for (int i = 0; i < 8; i++) {
        if (b & (1u << i)) {
            r ^= (uint16_t)a << i;
        }
    }
    return r;
}

/* Carry-less 64 x 64 -> 128: lo, hi. */
static void clmul64(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t l = 0, h = 0;

    for (int i = 0; i < 64; i++) {
        if (b & (1ull << i)) {
            l ^= a << i;
            h ^= i ? a >> (64 - i) : 0;
        }
    }
    *lo = l;
    *hi = h;
}

#ifdef A64_CRYPTO_X86
__attribute__((target("pclmul,sse2")))
static void clmul64_ni(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    __m128i r = _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)a),
                                     _mm_cvtsi64_si128((long long)b), 0);
    uint64_t out[2];

    _mm_storeu_si128((__m128i *)out, r);
    *lo = out[0];
    *hi = out[1];
}
#endif

/* PMULL{2}: op bit 0 selects the upper halves, bit 1 64-bit elements. */
static void helper_a64_pmull(void *envp, uint32_t desc)
{
    CPUARMState *env = envp;
    unsigned op = DESC_OP(desc);
    unsigned half = op & 1;
    A64Vec n = vec_get(env, DESC_RN(desc));
    A64Vec m = vec_get(env, DESC_RM(desc));
    A64Vec r;

    if (op & 2) {
#ifdef A64_CRYPTO_X86
        if (host_has_pclmul()) {
            clmul64_ni(n.d[half], m.d[half], &r.d[0], &r.d[1]);
            vec_set(env, DESC_RD(desc), &r);
            return;
        }
#endif
        clmul64(n.d[half], m.d[half], &r.d[0], &r.d[1]);
    } else {
        for (int e = 0; e < 8; e++) {
            uint16_t p = clmul8(n.b[half * 8 + e], m.b[half * 8 + e]);

            r.b[2 * e] = (uint8_t)p;
            r.b[2 * e + 1] = (uint8_t)(p >> 8);
        }
    }
    vec_set(env, DESC_RD(desc), &r);
}

const IRHelperInfo helper_info_a64_pmull = A64_CRYPTO_HELPER(a64_pmull);

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cryptographic extension instructions against published test vectors:
 * AES-128 (FIPS-197 appendix C.1) encryption with aese/aesmc and
 * decryption with aesd/aesimc (round keys expanded in plain C from an
 * S-box computed in plain C), SHA-1 and SHA-256 of "abc" (FIPS 180-2)
 * with the sha1c/p/m/h/su0/su1 and sha256h/h2/su0/su1 instructions,
 * and 64x64 polynomial multiplication (pmull/pmull2).
 *
 * Freestanding (no libc).
 */
#include <arm_neon.h>
#include "tcg-test.h"

static uint8_t sbox[256];

static uint8_t gmul(uint8_t a, uint8_t b)
{
    uint8_t p = 0;

    while (b) {
        if (b & 1) {
            p ^= a;
        }
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return p;
}

static void make_sbox(void)
{
    for (int x = 0; x < 256; x++) {
        uint8_t inv = 0;

        for (int y = 1; y < 256 && x; y++) {
            if (gmul((uint8_t)x, (uint8_t)y) == 1) {
                inv = (uint8_t)y;
                break;
            }
        }
        uint8_t s = inv;
        for (int i = 1; i < 5; i++) {
            s ^= (uint8_t)((inv << i) | (inv >> (8 - i)));
        }
        sbox[x] = s ^ 0x63;
    }
}

static void expand_key(const uint8_t key[16], uint8_t rk[11][16])
{
    uint8_t rcon = 1;

    for (int i = 0; i < 16; i++) {
        rk[0][i] = key[i];
    }
    for (int r = 1; r <= 10; r++) {
        uint8_t t[4] = { sbox[rk[r - 1][13]], sbox[rk[r - 1][14]],
                         sbox[rk[r - 1][15]], sbox[rk[r - 1][12]] };
        t[0] ^= rcon;
        rcon = gmul(rcon, 2);
        for (int i = 0; i < 16; i++) {
            rk[r][i] = rk[r - 1][i] ^ (i < 4 ? t[i] : rk[r][i - 4]);
        }
    }
}

static void test_aes(void)
{
    static const uint8_t key[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                                     12, 13, 14, 15 };
    static const uint8_t pt[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                                    0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
                                    0xee, 0xff };
    static const uint8_t ct[16] = { 0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04,
                                    0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4,
                                    0xc5, 0x5a };
    uint8_t rk[11][16], out[16];
    uint8x16_t s, k[11];

    make_sbox();
    check_u64("sbox[0x53] (plain C)", sbox[0x53], 0xed);
    expand_key(key, rk);
    check_u64("round key 10 byte 15 (plain C)", rk[10][15], 0xc5);
    for (int i = 0; i < 11; i++) {
        k[i] = vld1q_u8(rk[i]);
    }
    s = vld1q_u8(pt);
    for (int r = 0; r < 9; r++) {
        s = vaesmcq_u8(vaeseq_u8(s, k[r]));
    }
    s = veorq_u8(vaeseq_u8(s, k[9]), k[10]);
    vst1q_u8(out, s);
    check_mem("AES-128 encrypt (FIPS-197 C.1)", out, ct, 16);

    s = vaesdq_u8(vld1q_u8(ct), k[10]);
    for (int r = 9; r >= 1; r--) {
        s = vaesdq_u8(vaesimcq_u8(s), vaesimcq_u8(k[r]));
    }
    s = veorq_u8(s, k[0]);
    vst1q_u8(out, s);
    check_mem("AES-128 decrypt", out, pt, 16);
}

static void load_block_abc(uint32x4_t m[4])
{
    static uint8_t block[64] = { 'a', 'b', 'c', 0x80 };

    block[63] = 24;    /* length in bits, big-endian */
    for (int i = 0; i < 4; i++) {
        m[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(block + 16 * i)));
    }
}

static void test_sha256(void)
{
    static const uint32_t K[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
        0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
        0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
        0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
        0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };
    static const uint32_t H[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
        0x1f83d9ab, 0x5be0cd19,
    };
    static const uint32_t want[8] = {
        0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223, 0xb00361a3, 0x96177a9c,
        0xb410ff61, 0xf20015ad,
    };
    uint32x4_t m[4], s0 = vld1q_u32(H), s1 = vld1q_u32(H + 4);
    uint32_t out[8];

    load_block_abc(m);
    for (int j = 0; j < 16; j++) {
        uint32x4_t t = vaddq_u32(m[j & 3], vld1q_u32(K + 4 * j)), old = s0;

        if (j < 12) {
            m[j & 3] = vsha256su1q_u32(vsha256su0q_u32(m[j & 3], m[(j + 1) & 3]),
                                       m[(j + 2) & 3], m[(j + 3) & 3]);
        }
        s0 = vsha256hq_u32(s0, s1, t);
        s1 = vsha256h2q_u32(s1, old, t);
    }
    vst1q_u32(out, vaddq_u32(s0, vld1q_u32(H)));
    vst1q_u32(out + 4, vaddq_u32(s1, vld1q_u32(H + 4)));
    check_mem("SHA-256(\"abc\")", out, want, 32);
}

static void test_sha1(void)
{
    static const uint32_t H[5] = { 0x67452301, 0xefcdab89, 0x98badcfe,
                                   0x10325476, 0xc3d2e1f0 };
    static const uint32_t want[5] = { 0xa9993e36, 0x4706816a, 0xba3e2571,
                                      0x7850c26c, 0x9cd0d89d };
    static const uint32_t K[4] = { 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc,
                                   0xca62c1d6 };
    uint32x4_t m[4], abcd = vld1q_u32(H);
    uint32_t e0 = H[4], out[5];

    load_block_abc(m);
    for (int j = 0; j < 20; j++) {
        uint32x4_t t = vaddq_u32(m[j & 3], vdupq_n_u32(K[j / 5]));
        uint32_t e1 = vsha1h_u32(vgetq_lane_u32(abcd, 0));

        if (j < 5) {
            abcd = vsha1cq_u32(abcd, e0, t);
        } else if (j < 10 || j >= 15) {
            abcd = vsha1pq_u32(abcd, e0, t);
        } else {
            abcd = vsha1mq_u32(abcd, e0, t);
        }
        e0 = e1;
        if (j < 16) {
            m[j & 3] = vsha1su1q_u32(vsha1su0q_u32(m[j & 3], m[(j + 1) & 3],
                                                   m[(j + 2) & 3]),
                                     m[(j + 3) & 3]);
        }
    }
    vst1q_u32(out, vaddq_u32(abcd, vld1q_u32(H)));
    out[4] = e0 + H[4];
    check_mem("SHA-1(\"abc\")", out, want, 20);
}

static void test_pmull(void)
{
    poly128_t r = vmull_p64(OPAQUE(0x8000000000000001ull), OPAQUE(3ull));

    check_u64("pmull 64 lo", (uint64_t)r, 0x8000000000000003ull);
    check_u64("pmull 64 hi", (uint64_t)(r >> 64), 1);
    poly64x2_t a = vcombine_p64(vcreate_p64(1), vcreate_p64(0xffffffffffffffffull));
    poly64x2_t b = vcombine_p64(vcreate_p64(2), vcreate_p64(0xffffffffffffffffull));
    r = vmull_high_p64(OPAQUE(a), OPAQUE(b));
    /* (x^64-1 ones)^2 = sum of x^(2i): 0x5555...5555 in 128 bits. */
    check_u64("pmull2 64 lo", (uint64_t)r, 0x5555555555555555ull);
    check_u64("pmull2 64 hi", (uint64_t)(r >> 64), 0x5555555555555555ull);
}

int main(int argc, char **argv)
{
    test_aes();
    test_sha256();
    test_sha1();
    test_pmull();
    return t_done();
}

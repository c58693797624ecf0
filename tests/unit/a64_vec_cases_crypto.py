# SPDX-License-Identifier: GPL-2.0-or-later
"""Crypto extension cases for a64-vec-ref.py (test-a64-crypto-cases.h)."""
import random

CASES = []


def case(name, asm, fpcr=0, v=None, x=None):
    CASES.append((name, asm, fpcr, dict(v or {}), dict(x or {})))


rng = random.Random(0xc0ffee)


def rnd_regs(first, last):
    return {r: rng.getrandbits(128) for r in range(first, last + 1)}


case('aes', '''
    aese v0.16b, v1.16b
    aesd v2.16b, v3.16b
    aesmc v4.16b, v5.16b
    aesimc v6.16b, v7.16b
    aese v8.16b, v8.16b
    aesd v9.16b, v9.16b
    aesmc v10.16b, v10.16b
    aesimc v11.16b, v11.16b
    aese v12.16b, v13.16b
    aesmc v12.16b, v12.16b
    aesimc v14.16b, v12.16b
    aesd v14.16b, v13.16b
''', v=rnd_regs(0, 15))
case('aes_zero', '''
    aese v0.16b, v1.16b
    aesd v2.16b, v3.16b
    aesmc v4.16b, v0.16b
    aesimc v5.16b, v2.16b
''', v={0: 0, 1: 0, 2: 0, 3: 0})
case('sha1', '''
    sha1c q0, s1, v2.4s
    sha1p q3, s4, v5.4s
    sha1m q6, s7, v8.4s
    sha1su0 v9.4s, v10.4s, v11.4s
    sha1h s12, s13
    sha1su1 v14.4s, v15.4s
    sha1c q16, s16, v16.4s
    sha1p q17, s18, v17.4s
    sha1su0 v18.4s, v18.4s, v19.4s
    sha1su0 v19.4s, v20.4s, v19.4s
    sha1su1 v20.4s, v20.4s
    sha1h s21, s21
''', v=rnd_regs(0, 21))
case('sha256', '''
    sha256h q0, q1, v2.4s
    sha256h2 q3, q4, v5.4s
    sha256su0 v6.4s, v7.4s
    sha256su1 v8.4s, v9.4s, v10.4s
    sha256h q11, q11, v11.4s
    sha256h2 q12, q13, v12.4s
    sha256su0 v14.4s, v14.4s
    sha256su1 v15.4s, v15.4s, v16.4s
    sha256su1 v17.4s, v18.4s, v17.4s
    sha256h q19, q20, v20.4s
''', v=rnd_regs(0, 20))
case('pmull', '''
    pmull v0.8h, v1.8b, v2.8b
    pmull2 v3.8h, v4.16b, v5.16b
    pmull v6.1q, v7.1d, v8.1d
    pmull2 v9.1q, v10.2d, v11.2d
    pmull v12.1q, v12.1d, v12.1d
    pmull2 v13.8h, v13.16b, v14.16b
    pmull2 v15.1q, v16.2d, v15.2d
    pmull v17.8h, v18.8b, v17.8b
''', v={**rnd_regs(0, 18), 7: (1 << 64) - 1 | (5 << 64),
        8: (1 << 64) - 1})


# Random words of the crypto classes (every size and opcode value):
# allocated ones run as reference cases, the rest must raise UDEF.
def _fuzz():
    from a64_vec_ref import qemu_accepts
    words = set()
    for _ in range(40):
        regs = rng.getrandbits(10)
        words.add(0x4e280800 | rng.getrandbits(2) << 22 |
                  rng.getrandbits(5) << 12 | regs)
        words.add(0x5e000000 | rng.getrandbits(2) << 22 |
                  rng.getrandbits(5) << 16 | rng.getrandbits(3) << 12 | regs)
        words.add(0x5e280800 | rng.getrandbits(2) << 22 |
                  rng.getrandbits(5) << 12 | regs)
        words.add(0x0e20e000 | rng.getrandbits(1) << 30 |
                  rng.getrandbits(2) << 22 | rng.getrandbits(5) << 16 | regs)
    words = sorted(words)
    ok = qemu_accepts(words)
    good = [w for w, a in zip(words, ok) if a]
    for k in range(0, len(good), 24):
        case('fuzz_%02d' % (k // 24),
             '\n'.join('    .inst 0x%08x' % w for w in good[k:k + 24]))
    return [w for w, a in zip(words, ok) if not a]


UNDEF = _fuzz()

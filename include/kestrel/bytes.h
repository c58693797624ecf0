/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loads and stores of n bytes (1..8) in a given byte order, for code that
 * moves device and memory values through byte buffers.
 */
#ifndef KESTREL_BYTES_H
#define KESTREL_BYTES_H

#include <stdint.h>

static inline uint64_t ldn_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static inline void stn_le(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static inline uint64_t ldn_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

static inline void stn_be(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++) {
        p[n - 1 - i] = (uint8_t)(v >> (8 * i));
    }
}

#endif /* KESTREL_BYTES_H */

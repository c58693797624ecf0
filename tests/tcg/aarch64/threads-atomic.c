/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Atomicity across threads running at once: NTHREADS threads increment
 * shared counters with
 *   - an LDXR/STXR retry loop,
 *   - LDADD (LSE),
 *   - a mix of both on the same counter (half the threads each way),
 *   - a plain counter protected by a CAS spinlock (CASA/STLR),
 *   - a plain counter protected by an SWPA spinlock,
 *   - byte counters that share one word, each with LDXRB/STXRB,
 *   - a 128-bit pair counter with LDXP/STXP (both halves must agree);
 * every final count must be exact.
 */
#include <pthread.h>
#include <stdint.h>
#include "tcg-test.h"

#define NTHREADS 4
#define ITERS 200000

static uint64_t c_excl, c_ldadd, c_mixed, c_cas, c_swp;
static uint64_t pair[2] __attribute__((aligned(16)));
static uint8_t bytes[8] __attribute__((aligned(8)));
static uint32_t cas_lock, swp_lock;
static pthread_barrier_t start;

static inline void inc_excl(uint64_t *p)
{
    uint64_t v;
    uint32_t st;

    __asm__ volatile("1:\tldxr %0, [%2]\n\tadd %0, %0, #1\n\t"
                     "stxr %w1, %0, [%2]\n\tcbnz %w1, 1b"
                     : "=&r"(v), "=&r"(st) : "r"(p) : "memory");
}

static inline void inc_ldadd(uint64_t *p)
{
    __asm__ volatile("stadd %0, [%1]" : : "r"(1ull), "r"(p) : "memory");
}

static inline void inc_byte(uint8_t *p)
{
    uint32_t v, st;

    __asm__ volatile("1:\tldaxrb %w0, [%2]\n\tadd %w0, %w0, #1\n\t"
                     "stlxrb %w1, %w0, [%2]\n\tcbnz %w1, 1b"
                     : "=&r"(v), "=&r"(st) : "r"(p) : "memory");
}

static inline void inc_pair(uint64_t *p)
{
    uint64_t lo, hi;
    uint32_t st;

    __asm__ volatile("1:\tldaxp %0, %1, [%3]\n\tadd %0, %0, #1\n\t"
                     "sub %1, %1, #1\n\t"
                     "stlxp %w2, %0, %1, [%3]\n\tcbnz %w2, 1b"
                     : "=&r"(lo), "=&r"(hi), "=&r"(st) : "r"(p) : "memory");
}

static inline void cas_lock_acquire(uint32_t *l)
{
    uint32_t old;

    do {
        old = 0;
        __asm__ volatile("casa %w0, %w2, [%1]" : "+r"(old) : "r"(l), "r"(1)
                         : "memory");
    } while (old != 0);
}

static inline void cas_lock_release(uint32_t *l)
{
    __asm__ volatile("stlr wzr, [%0]" : : "r"(l) : "memory");
}

static inline void swp_lock_acquire(uint32_t *l)
{
    uint32_t old;

    do {
        __asm__ volatile("swpa %w2, %w0, [%1]" : "=&r"(old) : "r"(l),
                         "r"(1) : "memory");
    } while (old != 0);
}

static void *worker(void *arg)
{
    long idx = (long)arg;

    pthread_barrier_wait(&start);
    for (int i = 0; i < ITERS; i++) {
        inc_excl(&c_excl);
        inc_ldadd(&c_ldadd);
        if (idx & 1) {
            inc_excl(&c_mixed);
        } else {
            inc_ldadd(&c_mixed);
        }
        cas_lock_acquire(&cas_lock);
        c_cas = *(volatile uint64_t *)&c_cas + 1;
        cas_lock_release(&cas_lock);
        swp_lock_acquire(&swp_lock);
        c_swp = *(volatile uint64_t *)&c_swp + 1;
        cas_lock_release(&swp_lock);
        inc_byte(&bytes[idx]);
        inc_byte(&bytes[7 - idx]);
        inc_pair(pair);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t th[NTHREADS];
    const uint64_t total = (uint64_t)NTHREADS * ITERS;

    pthread_barrier_init(&start, NULL, NTHREADS);
    for (long i = 0; i < NTHREADS; i++) {
        pthread_create(&th[i], NULL, worker, (void *)i);
    }
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
    }
    check_u64("ldxr/stxr counter", c_excl, total);
    check_u64("ldadd counter", c_ldadd, total);
    check_u64("mixed ldxr/stxr + ldadd counter", c_mixed, total);
    check_u64("cas spinlock counter", c_cas, total);
    check_u64("swp spinlock counter", c_swp, total);
    check_u64("locks released", cas_lock | swp_lock, 0);
    int bad = 0;
    for (int i = 0; i < 8; i++) {
        /* bytes[i] counts ITERS from thread i and from thread 7-i. */
        uint64_t want = ((i < NTHREADS) + (7 - i < NTHREADS)) *
                        (uint64_t)ITERS;
        bad += bytes[i] != (uint8_t)want;
    }
    check_u64("ldxrb/stxrb neighbouring bytes", bad, 0);
    check_u64("ldxp/stxp pair lo", pair[0], total);
    check_u64("ldxp/stxp pair hi", pair[1], -total);
    return t_done();
}

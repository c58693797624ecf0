/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared helpers for the AArch64 guest test programs.
 *
 * Every test prints one line per check ("ok N - what" or
 * "not ok N - what: got X, want Y") and a summary, and exits 0 only if
 * every check matched.  Output goes straight to write(2) so that fork()
 * and signal handlers do not duplicate or lose buffered lines.
 *
 * Two flavours:
 *   - hosted (default): a normal static glibc program;
 *   - TCG_TEST_FREESTANDING: no libc at all (-nostdlib -ffreestanding),
 *     raw system calls through svc, and our own _start.  These run
 *     before the emulator can run glibc's start-up code.
 */
#ifndef TCG_TEST_H
#define TCG_TEST_H

#include <stdint.h>
#include <stddef.h>

#ifdef TCG_TEST_FREESTANDING

#define T_NR_WRITE       64
#define T_NR_EXIT_GROUP  94
#define T_NR_MUNMAP      215
#define T_NR_MMAP        222
#define T_NR_MPROTECT    226

static inline long t_syscall6(long n, long a, long b, long c, long d,
                              long e, long f)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;

    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
}

static inline long t_write(int fd, const void *buf, size_t len)
{
    return t_syscall6(T_NR_WRITE, fd, (long)buf, (long)len, 0, 0, 0);
}

__attribute__((noreturn)) static inline void t_exit(int code)
{
    t_syscall6(T_NR_EXIT_GROUP, code, 0, 0, 0, 0, 0);
    for (;;) {
    }
}

static inline void *t_mmap(void *addr, size_t len, int prot, int flags,
                           int fd, long off)
{
    return (void *)t_syscall6(T_NR_MMAP, (long)addr, (long)len, prot, flags,
                              fd, off);
}

static inline long t_mprotect(void *addr, size_t len, int prot)
{
    return t_syscall6(T_NR_MPROTECT, (long)addr, (long)len, prot, 0, 0, 0);
}

/* The compiler may emit calls to these even with -ffreestanding. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

__attribute__((used)) void *memset(void *d, int c, size_t n)
{
    volatile unsigned char *p = d;

    while (n--) {
        *p++ = (unsigned char)c;
    }
    return d;
}

__attribute__((used)) void *memcpy(void *d, const void *s, size_t n)
{
    volatile unsigned char *p = d;
    const unsigned char *q = s;

    while (n--) {
        *p++ = *q++;
    }
    return d;
}

__attribute__((used)) void *memmove(void *d, const void *s, size_t n)
{
    volatile unsigned char *p = d;
    const unsigned char *q = s;

    if (p < q) {
        while (n--) {
            *p++ = *q++;
        }
    } else {
        while (n--) {
            p[n] = q[n];
        }
    }
    return d;
}

__attribute__((used)) int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (size_t i = 0; i < n; i++) {
        if (p[i] != q[i]) {
            return p[i] < q[i] ? -1 : 1;
        }
    }
    return 0;
}

int main(int argc, char **argv);

static unsigned long t_auxv_hwcap, t_auxv_hwcap2;

__attribute__((used, noreturn)) void t_start_c(long *sp)
{
    long argc = sp[0];
    long *p = sp + 1 + argc + 1;        /* envp */

    while (*p) {
        p++;
    }
    for (p++; p[0]; p += 2) {           /* auxv: AT_HWCAP 16, AT_HWCAP2 26 */
        if (p[0] == 16) {
            t_auxv_hwcap = p[1];
        } else if (p[0] == 26) {
            t_auxv_hwcap2 = p[1];
        }
    }
    t_exit(main((int)argc, (char **)(sp + 1)));
}

__attribute__((unused))
static unsigned long t_getauxval(unsigned long type)
{
    return type == 16 ? t_auxv_hwcap : type == 26 ? t_auxv_hwcap2 : 0;
}

__asm__(".text\n"
        ".globl _start\n"
        ".type _start, %function\n"
        "_start:\n"
        "    mov x29, #0\n"
        "    mov x30, #0\n"
        "    mov x0, sp\n"
        "    bl t_start_c\n"
        "    brk #0\n");

#else /* hosted */

#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

#define t_getauxval getauxval

static inline long t_write(int fd, const void *buf, size_t len)
{
    return write(fd, buf, len);
}

__attribute__((noreturn)) static inline void t_exit(int code)
{
    _exit(code);
}

#endif

static size_t t_strlen(const char *s)
{
    size_t n = 0;

    while (s[n]) {
        n++;
    }
    return n;
}

/* A line is built in a buffer and written at once (signal-safe). */
typedef struct {
    char buf[512];
    size_t len;
} TLine;

static void tl_str(TLine *l, const char *s)
{
    while (*s && l->len < sizeof(l->buf) - 1) {
        l->buf[l->len++] = *s++;
    }
}

__attribute__((unused))
static void tl_hex(TLine *l, uint64_t v)
{
    char tmp[19];
    int i = 18;

    tmp[i] = 0;
    do {
        tmp[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    tmp[--i] = 'x';
    tmp[--i] = '0';
    tl_str(l, tmp + i);
}

__attribute__((unused))
static void tl_dec(TLine *l, int64_t v)
{
    char tmp[24];
    int i = 23;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

    tmp[i] = 0;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) {
        tmp[--i] = '-';
    }
    tl_str(l, tmp + i);
}

static void tl_flush(TLine *l)
{
    tl_str(l, "\n");
    t_write(1, l->buf, l->len);
    l->len = 0;
}

__attribute__((unused))
static void t_puts(const char *s)
{
    t_write(1, s, t_strlen(s));
}

static volatile int t_checks, t_failures;

/* Record one check of a 64-bit value; returns 1 if it matched. */
__attribute__((unused))
static int check_u64(const char *what, uint64_t got, uint64_t want)
{
    TLine l = { .len = 0 };
    int n = ++t_checks;

    if (got == want) {
        tl_str(&l, "ok ");
        tl_dec(&l, n);
        tl_str(&l, " - ");
        tl_str(&l, what);
        tl_flush(&l);
        return 1;
    }
    t_failures++;
    tl_str(&l, "not ok ");
    tl_dec(&l, n);
    tl_str(&l, " - ");
    tl_str(&l, what);
    tl_str(&l, ": got ");
    tl_hex(&l, got);
    tl_str(&l, ", want ");
    tl_hex(&l, want);
    tl_flush(&l);
    return 0;
}

/* As check_u64, with an index appended to the name (table-driven tests). */
__attribute__((unused))
static int check_u64_i(const char *what, int idx, uint64_t got, uint64_t want)
{
    TLine l = { .len = 0 };

    tl_str(&l, what);
    tl_str(&l, "[");
    tl_dec(&l, idx);
    tl_str(&l, "]");
    l.buf[l.len] = 0;
    return check_u64(l.buf, got, want);
}

__attribute__((unused))
static int check_mem(const char *what, const void *got, const void *want,
                     size_t n)
{
    const unsigned char *g = got, *w = want;

    for (size_t i = 0; i < n; i++) {
        if (g[i] != w[i]) {
            TLine l = { .len = 0 };

            tl_str(&l, what);
            tl_str(&l, " byte ");
            tl_dec(&l, (int64_t)i);
            l.buf[l.len] = 0;
            return check_u64(l.buf, g[i], w[i]);
        }
    }
    return check_u64(what, 0, 0);
}

/* Print the summary and return the exit status for main(). */
__attribute__((unused))
static int t_done(void)
{
    TLine l = { .len = 0 };

    tl_str(&l, "1..");
    tl_dec(&l, t_checks);
    tl_flush(&l);
    tl_str(&l, t_failures ? "FAIL: " : "PASS: ");
    tl_dec(&l, t_failures);
    tl_str(&l, " of ");
    tl_dec(&l, t_checks);
    tl_str(&l, " checks failed");
    tl_flush(&l);
    return t_failures ? 1 : 0;
}

/* Linux AT_HWCAP bits (asm/hwcap.h) that tests look at. */
#define T_AT_HWCAP        16
#define T_HWCAP_FPHP      (1ul << 9)
#define T_HWCAP_ASIMDHP   (1ul << 10)

/* Report a group of checks skipped because the CPU lacks a feature. */
__attribute__((unused))
static void t_skip(const char *what)
{
    TLine l = { .len = 0 };

    tl_str(&l, "# skip: ");
    tl_str(&l, what);
    tl_flush(&l);
}

/* Hide a value from the optimiser so the instruction under test runs. */
#define OPAQUE(x) ({ __auto_type t_o_ = (x); \
                     __asm__ volatile("" : "+r"(t_o_)); t_o_; })

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A static glibc program: start-up (TLS, IRELATIVE ifuncs, auxv), stdio,
 * malloc, the string functions glibc implements with SIMD, qsort,
 * strtod/snprintf of doubles, environment and arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include "tcg-test.h"

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    char buf[256];
    struct utsname u;

    check_u64("argc >= 1", argc >= 1, 1);
    check_u64("argv[argc] == NULL", argv[argc] == NULL, 1);
    check_u64("AT_PAGESZ", getauxval(AT_PAGESZ) >= 4096, 1);
    check_u64("uname", uname(&u), 0);
    check_u64("uname machine aarch64", strcmp(u.machine, "aarch64"), 0);

    snprintf(buf, sizeof(buf), "%d %x %s %5.2f %e %lld", -42, 0xbeef, "str",
             3.14159, 1e-10, -1234567890123ll);
    check_u64("snprintf", strcmp(buf, "-42 beef str  3.14 1.000000e-10 "
                                 "-1234567890123"), 0);
    check_u64("strtod", strtod("0.1", NULL) == 0.1, 1);
    check_u64("strtoull", strtoull("0xfedcba9876543210", NULL, 16),
              0xfedcba9876543210ull);

    /* String functions on sizes and alignments that take every path. */
    int bad = 0;
    char *a = malloc(4096 + 64), *b = malloc(4096 + 64);
    for (int len = 0; len < 300; len += 7) {
        for (int off = 0; off < 16; off += 5) {
            for (int i = 0; i < len; i++) {
                a[off + i] = (char)('a' + (i * 7 + off) % 26);
            }
            a[off + len] = 0;
            memset(b, 0x55, len + 32);
            memcpy(b + 3, a + off, len + 1);
            bad += strlen(b + 3) != (size_t)len;
            bad += memcmp(b + 3, a + off, len + 1) != 0;
            bad += strcmp(b + 3, a + off) != 0;
            bad += (size_t)(strchr(b + 3, 0) - (b + 3)) != (size_t)len;
            bad += (unsigned char)b[len + 4] != 0x55;
            if (len > 0) {
                b[3 + len - 1] ^= 1;
                bad += strcmp(b + 3, a + off) == 0;
                bad += memcmp(b + 3, a + off, len) == 0;
            }
        }
    }
    check_u64("memcpy/memset/strlen/strcmp/strchr/memcmp sweep", bad, 0);
    for (int i = 0; i < 1100; i++) {
        a[i] = (char)(i * 13);
    }
    memmove(a + 1, a, 1000);
    memmove(b, a + 500, 501);
    memmove(b + 3, b, 300);
    bad = 0;
    for (int i = 0; i < 1000; i++) {
        bad += a[i + 1] != (char)(i * 13);
    }
    for (int i = 0; i < 300; i++) {
        bad += b[i + 3] != (char)((i + 499) * 13);
    }
    check_u64("memmove overlapping both ways", bad, 0);
    free(a);
    free(b);

    int v[100];
    for (int i = 0; i < 100; i++) {
        v[i] = (i * 37) % 100;
    }
    qsort(v, 100, sizeof(int), cmp_int);
    bad = 0;
    for (int i = 0; i < 100; i++) {
        bad += v[i] != i;
    }
    check_u64("qsort", bad, 0);

    void *big = malloc(1 << 20);
    check_u64("malloc 1 MiB (mmap)", big != NULL, 1);
    memset(big, 1, 1 << 20);
    check_u64("1 MiB memset", ((unsigned char *)big)[(1 << 20) - 1], 1);
    free(big);

    check_u64("setenv", setenv("TCG_TEST_VAR", "v1", 1), 0);
    check_u64("getenv", strcmp(getenv("TCG_TEST_VAR"), "v1"), 0);

    printf("stdio works: %s\n", "yes");
    fflush(stdout);
    return t_done();
}

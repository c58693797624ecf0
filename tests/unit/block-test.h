/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the block layer unit tests (test-block, test-qcow2,
 * test-qcow2-snapshot): a scratch directory per test, qemu-img as an
 * outside referee, and deterministic image contents.
 *
 *     f->dir = block_test_dir_new("test-foo-XXXXXX");   // in setup
 *     ...
 *     if (have_qemu_img()) {
 *         assert_int_equal(run_command(NULL, "qemu-img info %s", p), 0);
 *     }
 *     ...
 *     block_test_dir_remove(f->dir);                    // in teardown
 *
 * Everything is static (header only): each test binary has its own copy.
 */
#ifndef KESTREL_TESTS_UNIT_BLOCK_TEST_H
#define KESTREL_TESTS_UNIT_BLOCK_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kestrel/block.h"

/* A fresh temporary directory from a g_dir_make_tmp() template. */
static inline char *block_test_dir_new(const char *tmpl)
{
    return g_dir_make_tmp(tmpl, NULL);
}

/* Remove @dir with the files the test left in it, then free the string. */
static inline void block_test_dir_remove(char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, name, NULL);
        unlink(p);
        g_free(p);
    }
    if (d) {
        g_dir_close(d);
    }
    rmdir(dir);
    g_free(dir);
}

/* True if qemu-img is in PATH; prints a note when interop is skipped. */
static inline bool have_qemu_img(void)
{
    char *p = g_find_program_in_path("qemu-img");
    bool ok = p != NULL;

    if (!ok) {
        printf("note: qemu-img not installed; interop part skipped\n");
    }
    g_free(p);
    return ok;
}

/*
 * Run a shell command; returns its exit status, stdout in *out (if out
 * is not NULL; g_free it).  A failing command's output is printed.
 */
static inline int G_GNUC_PRINTF(2, 3)
run_command(char **out, const char *fmt, ...)
{
    va_list ap;
    char *cmd, *o = NULL, *e = NULL;
    int status = -1;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_spawn_command_line_sync(cmd, &o, &e, &status, NULL);
    if (status != 0) {
        printf("command failed: %s\n%s%s", cmd, o ? o : "", e ? e : "");
    }
    g_free(cmd);
    g_free(e);
    if (out) {
        *out = o;
    } else {
        g_free(o);
    }
    return status;
}

/* `qemu-img check` must find no errors in @file (skipped without it). */
static inline void qemu_check_clean(const char *file)
{
    char *out = NULL;

    if (!have_qemu_img()) {
        return;
    }
    assert_int_equal(run_command(&out, "qemu-img check %s", file), 0);
    assert_non_null(strstr(out, "No errors were found on the image."));
    g_free(out);
}

/* Our own bdrv_check must find no corruption, leak or error in @bs. */
static inline void check_clean(BlockDriverState *bs)
{
    BlockCheckResult res;

    assert_int_equal(bdrv_check(bs, &res, 0), 0);
    assert_true(res.supported);
    assert_int_equal(res.corruptions, 0);
    assert_int_equal(res.leaks, 0);
    assert_int_equal(res.check_errors, 0);
}

/* Pseudo-random bytes (xorshift): incompressible, different per seed. */
static inline void fill_random(uint8_t *buf, size_t n, unsigned seed)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;

    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = x >> 24;
    }
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img commit [-q] [-f fmt] [-t cache] [-b base] [-d] [-p]
 *                    filename
 *
 * Writes what the images above base allocate into base (by default the
 * top image's backing file), growing base if it is shorter, then empties
 * the top image so that it reads through (-d keeps it; -b implies -d,
 * since the images between top and base no longer make sense).
 *
 * The chain is opened once to validate it and learn its layers, then
 * each layer is reopened on its own: the top read-write, the layers in
 * between read-only, all without their backing files, and base
 * read-write with its own chain.  No file is open twice, and each range
 * is read from the layer that allocates it.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "img.h"

#define COMMIT_CHUNK    (1024 * 1024)

typedef struct Commit {
    GPtrArray *layers;          /* top first, base not included */
    BlockDriverState *base;
    int64_t length;             /* the top's virtual size */
    uint8_t *buf;
    ImgProgress progress;
} Commit;

/* The same file, by name or by where the names lead. */
static bool same_file(const char *a, const char *b)
{
    char *ra = realpath(a, NULL);
    char *rb = realpath(b, NULL);
    bool same = !strcmp(a, b) || (ra && rb && !strcmp(ra, rb));

    free(ra);
    free(rb);
    return same;
}

/* Names and formats of the chain from top down to base (included). */
static bool chain_names(const char *filename, const char *fmt,
                        const char *base_name, GPtrArray *names,
                        GPtrArray *fmts)
{
    BlockDriverState *top = img_open(filename, fmt, 0, true);
    BlockDriverState *bs;
    bool found = false;

    if (!top) {
        return false;
    }
    if (!bdrv_backing(top)) {
        img_error("Image does not have a backing file");
        bdrv_close(top);
        return false;
    }
    for (bs = top; bs && !found; bs = bdrv_backing(bs)) {
        g_ptr_array_add(names, g_strdup(bdrv_filename(bs)));
        g_ptr_array_add(fmts, g_strdup(bdrv_format_name(bs)));
        found = bs != top && (!base_name ||
                              same_file(bdrv_filename(bs), base_name));
    }
    bdrv_close(top);
    if (!found) {
        img_error("Did not find '%s' in the backing chain of '%s'",
                  base_name, filename);
    }
    return found;
}

static bool commit_open(Commit *s, GPtrArray *names, GPtrArray *fmts)
{
    guint last = names->len - 1;

    for (guint i = 0; i < last; i++) {
        int flags = BDRV_O_NO_BACKING | (i == 0 ? BDRV_O_RDWR : 0);
        BlockDriverState *bs = img_open(names->pdata[i], fmts->pdata[i],
                                        flags, true);
        if (!bs) {
            return false;
        }
        g_ptr_array_add(s->layers, bs);
    }
    s->base = img_open(names->pdata[last], fmts->pdata[last], BDRV_O_RDWR,
                       true);
    return s->base != NULL;
}

/* The layer above base allocating [off, off + *n), shrinking *n; NULL
 * when none does.  *zero: it reads as zeroes there. */
static BlockDriverState *allocating_layer(Commit *s, int64_t off,
                                          int64_t *n, bool *zero, int *err)
{
    for (guint i = 0; i < s->layers->len; i++) {
        BlockDriverState *bs = s->layers->pdata[i];
        int64_t pnum, map;
        int ret;

        if (off >= bdrv_getlength(bs)) {
            continue;
        }
        ret = bdrv_block_status(bs, off, *n, &pnum, &map);
        if (ret < 0) {
            *err = ret;
            return NULL;
        }
        *n = MIN(*n, pnum);
        if (ret & BDRV_BLOCK_ALLOCATED) {
            *zero = (ret & BDRV_BLOCK_ZERO) != 0;
            return bs;
        }
    }
    *err = 0;
    return NULL;
}

static int commit_range(Commit *s, int64_t off, int64_t *n)
{
    bool zero = false;
    int err = 0, ret;
    BlockDriverState *src = allocating_layer(s, off, n, &zero, &err);

    if (!src) {
        return err;
    }
    if (zero) {
        return bdrv_pwrite_zeroes(s->base, off, *n, 0);
    }
    ret = bdrv_pread(src, off, s->buf, *n);
    if (ret < 0) {
        return ret;
    }
    return bdrv_pwrite(s->base, off, s->buf, *n);
}

static int commit_copy(Commit *s)
{
    GError *err = NULL;
    int ret;

    if (bdrv_getlength(s->base) < s->length &&
        bdrv_truncate(s->base, s->length, &err) < 0) {
        img_error("%s", err->message);
        g_error_free(err);
        return -1;
    }
    for (int64_t off = 0; off < s->length; ) {
        int64_t n = MIN(COMMIT_CHUNK, s->length - off);

        ret = commit_range(s, off, &n);
        if (ret < 0) {
            img_error("Block job failed: %s", g_strerror(-ret));
            return ret;
        }
        off += n;
        img_progress_print(&s->progress, off * 100.0 / s->length);
    }
    ret = bdrv_flush(s->base);
    if (ret < 0) {
        img_error("Block job failed: %s", g_strerror(-ret));
    }
    return ret;
}

static int commit_image(const char *filename, const char *fmt,
                        const char *base_name, bool drop, bool progress)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *fmts = g_ptr_array_new_with_free_func(g_free);
    Commit s = { .layers = g_ptr_array_new() };
    GError *err = NULL;
    int ret = 1;

    if (!chain_names(filename, fmt, base_name, names, fmts) ||
        !commit_open(&s, names, fmts)) {
        goto out;
    }
    s.length = bdrv_getlength(s.layers->pdata[0]);
    s.buf = g_malloc(COMMIT_CHUNK);
    img_progress_init(&s.progress, progress);
    if (commit_copy(&s) < 0) {
        goto out;
    }
    bdrv_close(s.base);
    s.base = NULL;
    if (!drop && bdrv_make_empty(s.layers->pdata[0], &err) < 0) {
        img_error("%s", img_err_reason(filename, err));
        g_error_free(err);
        goto out;
    }
    img_progress_end(&s.progress);
    ret = 0;
out:
    bdrv_close(s.base);
    for (guint i = 0; i < s.layers->len; i++) {
        bdrv_close(s.layers->pdata[i]);
    }
    g_ptr_array_free(s.layers, TRUE);
    g_ptr_array_free(names, TRUE);
    g_ptr_array_free(fmts, TRUE);
    g_free(s.buf);
    return ret;
}

typedef struct CommitArgs {
    const char *base;           /* -b */
    bool drop;                  /* -d: do not empty the top image */
    bool progress;              /* -p */
} CommitArgs;

static int commit_opt(int c, void *opaque)
{
    CommitArgs *ca = opaque;

    switch (c) {
    case 'b':
        ca->base = optarg;
        ca->drop = true;        /* -b implies -d */
        return 0;
    case 'd':
        ca->drop = true;
        return 0;
    case 'p':
        ca->progress = true;
        return 0;
    case 't':
    case 'r':
        return 0;
    default:
        return IMG_ARGS_UNKNOWN;
    }
}

int img_commit(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { NULL, 0, NULL, 0 },
    };
    CommitArgs ca = { 0 };
    ImgArgs a = { 0 };
    int ret;

    ret = img_parse_args(argc, argv, ":f:ht:b:dpqr:", long_opts, &a,
                         commit_opt, &ca);
    if (ret >= 0) {
        return ret;
    }
    if (optind != argc - 1) {
        return img_usage_error("Expecting one image file name");
    }
    ret = commit_image(argv[optind], a.fmt, ca.base, ca.drop,
                       ca.progress && !a.quiet);
    if (ret == 0 && !a.quiet) {
        printf("Image committed.\n");
    }
    return ret;
}

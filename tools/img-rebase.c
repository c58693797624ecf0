/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img rebase [-U] [-q] [-f fmt] [-t cache] [-T src_cache] [-p]
 *                    [-u] -b backing_file [-F backing_fmt] filename
 *
 * Safe mode (the default) keeps what the image reads unchanged: every
 * range the image does not allocate itself is compared between the old
 * backing chain and the new backing file, and where they differ the old
 * data is written into the image; then the header is changed.  -b ""
 * removes the backing file (all of the old chain's data is copied in).
 * Unsafe mode (-u) only rewrites the header; the old backing file need
 * not exist.
 *
 * A new backing file without -F is refused before anything is written
 * (qemu-img 7.2 copies the data first and then fails the same way).
 */
#include <getopt.h>
#include <string.h>

#include "img.h"

#define REBASE_CHUNK    (64 * 1024)

typedef struct Rebase {
    BlockDriverState *bs;       /* the image, on its old chain */
    BlockDriverState *new_bs;   /* the new backing file, or NULL */
    int64_t new_len;
    uint8_t *old_buf;
    uint8_t *new_buf;
    ImgProgress progress;
} Rebase;

/* Write the sectors of [off, off + n) whose old and new data differ. */
static int rebase_write_diff(Rebase *s, int64_t off, int64_t n)
{
    int64_t i = 0;

    while (i < n) {
        int64_t start, len;

        while (i < n && !memcmp(s->old_buf + i, s->new_buf + i,
                                MIN(BDRV_SECTOR_SIZE, n - i))) {
            i += BDRV_SECTOR_SIZE;
        }
        start = i;
        while (i < n && memcmp(s->old_buf + i, s->new_buf + i,
                               MIN(BDRV_SECTOR_SIZE, n - i))) {
            i += BDRV_SECTOR_SIZE;
        }
        len = MIN(i, n) - start;
        if (len > 0) {
            int ret = bdrv_pwrite(s->bs, off + start, s->old_buf + start,
                                  len);
            if (ret < 0) {
                return ret;
            }
        }
    }
    return 0;
}

static int rebase_range(Rebase *s, int64_t off, int64_t n)
{
    int64_t new_n = 0;
    int ret;

    ret = bdrv_pread(s->bs, off, s->old_buf, n);
    if (ret < 0) {
        return ret;
    }
    if (s->new_bs && off < s->new_len) {
        new_n = MIN(n, s->new_len - off);
        ret = bdrv_pread(s->new_bs, off, s->new_buf, new_n);
        if (ret < 0) {
            return ret;
        }
    }
    memset(s->new_buf + new_n, 0, n - new_n);
    return rebase_write_diff(s, off, n);
}

static int rebase_copy(Rebase *s)
{
    int64_t len = bdrv_getlength(s->bs);

    for (int64_t off = 0; off < len; ) {
        int64_t n = MIN(REBASE_CHUNK, len - off), pnum, map;
        int ret = bdrv_block_status(s->bs, off, n, &pnum, &map);

        if (ret < 0) {
            return ret;
        }
        n = MIN(n, pnum);
        if (!(ret & BDRV_BLOCK_ALLOCATED)) {
            ret = rebase_range(s, off, n);
            if (ret < 0) {
                return ret;
            }
        }
        off += n;
        img_progress_print(&s->progress, off * 100.0 / len);
    }
    return 0;
}

typedef struct RebaseArgs {
    const char *fmt;
    const char *backing;
    const char *backing_fmt;
    const char *filename;
    bool unsafe;
    bool progress;
    bool quiet;
} RebaseArgs;

static bool open_new_backing(Rebase *s, const RebaseArgs *a)
{
    char *path = img_backing_path(a->filename, a->backing);
    GError *err = NULL;

    if (!img_format_known(a->backing_fmt)) {
        img_error("Could not open new backing file '%s': Unknown driver "
                  "'%s'", a->backing, a->backing_fmt);
        g_free(path);
        return false;
    }
    s->new_bs = bdrv_open(path, a->backing_fmt, 0, &err);
    if (!s->new_bs) {
        img_error("Could not open new backing file '%s': %s", a->backing,
                  img_err_reason(path, err));
        g_error_free(err);
    }
    g_free(path);
    if (s->new_bs) {
        s->new_len = bdrv_getlength(s->new_bs);
    }
    return s->new_bs != NULL;
}

static int rebase_safe(Rebase *s, const RebaseArgs *a)
{
    int ret;

    if (*a->backing && !open_new_backing(s, a)) {
        return -1;
    }
    s->old_buf = g_malloc(REBASE_CHUNK);
    s->new_buf = g_malloc(REBASE_CHUNK);
    img_progress_init(&s->progress, a->progress && !a->quiet);
    ret = rebase_copy(s);
    if (ret < 0) {
        img_error("Error while rebasing: %s", g_strerror(-ret));
    }
    return ret;
}

static int rebase_run(const RebaseArgs *a)
{
    int flags = BDRV_O_RDWR | (a->unsafe ? BDRV_O_NO_BACKING : 0);
    Rebase s = { 0 };
    GError *err = NULL;
    bool has_new = *a->backing != 0;
    int ret = 1;

    if (has_new && !a->backing_fmt) {
        img_error("Could not change the backing file to '%s': backing "
                  "format must be specified", a->backing);
        return 1;
    }
    s.bs = img_open(a->filename, a->fmt, flags, a->quiet);
    if (!s.bs) {
        return 1;
    }
    if (!a->unsafe && rebase_safe(&s, a) < 0) {
        goto out;
    }
    if (a->unsafe) {
        img_progress_init(&s.progress, a->progress && !a->quiet);
    }
    if (bdrv_change_backing_file(s.bs, has_new ? a->backing : NULL,
                                 has_new ? a->backing_fmt : NULL,
                                 &err) < 0) {
        img_error("Could not change the backing file to '%s': %s",
                  a->backing, img_err_reason(a->filename, err));
        g_error_free(err);
        goto out;
    }
    img_progress_end(&s.progress);
    ret = 0;
out:
    bdrv_close(s.new_bs);
    bdrv_close(s.bs);
    g_free(s.old_buf);
    g_free(s.new_buf);
    return ret;
}

int img_rebase(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    RebaseArgs a = { 0 };
    int c;

    while ((c = getopt_long(argc, argv, ":hf:F:b:upt:T:qU", long_opts,
                            NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
            return 0;
        case 'f': a.fmt = optarg; break;
        case 'F': a.backing_fmt = optarg; break;
        case 'b': a.backing = optarg; break;
        case 'u': a.unsafe = true; break;
        case 'p': a.progress = true; break;
        case 'q': a.quiet = true; break;
        case 't': case 'T': case 'U': case IMG_OPT_OBJECT:
            break;
        default:
            return img_bad_option(c, argv);
        }
    }
    if (optind != argc - 1) {
        return img_usage_error("Expecting one image file name");
    }
    if (!a.unsafe && !a.backing) {
        return img_usage_error("Must specify backing file (-b) or use "
                               "unsafe mode (-u)");
    }
    if (!a.backing) {
        a.backing = "";
    }
    a.filename = argv[optind];
    return rebase_run(&a);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img create [-q] [-f fmt] [-b backing [-F backing_fmt]] [-u]
 *                    [-o options] filename [size]
 *
 * The checks run in qemu-img's order, so the same mistakes give the
 * same messages: format, option list, size, backing file (opened to
 * check it and to take its size unless -u), then the "Formatting" line,
 * then the format's own value checks.  The file is created only when
 * all of them passed; a bad command line never clobbers an image.
 */
#include <getopt.h>
#include <string.h>

#include "img.h"

int img_do_create(const char *fmt, const char *filename,
                  const BlockCreateOptions *o, bool unsafe)
{
    BlockCreateOptions c = *o;
    bool late_backing = unsafe && o->backing_file;
    BlockDriverState *bs;
    GError *err = NULL;

    /* -u: bdrv_create would open the backing file; record it after. */
    if (late_backing) {
        c.backing_file = NULL;
        c.backing_fmt = NULL;
    }
    if (bdrv_create(fmt, filename, &c, &err) < 0) {
        img_error("%s: %s", filename, img_err_reason(filename, err));
        g_error_free(err);
        return -1;
    }
    if (!late_backing) {
        return 0;
    }
    bs = bdrv_open(filename, fmt, BDRV_O_RDWR | BDRV_O_NO_BACKING, &err);
    if (!bs || bdrv_change_backing_file(bs, o->backing_file,
                                        o->backing_fmt, &err) < 0) {
        img_error("%s: %s", filename, img_err_reason(filename, err));
        g_error_free(err);
        bdrv_close(bs);
        return -1;
    }
    bdrv_close(bs);
    return 0;
}

/* Open the backing file as qemu-img does to check it; its size and
 * probed format.  false after printing the error. */
static bool probe_backing(const char *filename, const BlockCreateOptions *o,
                          int64_t *size, char **probed)
{
    char *path = img_backing_path(filename, o->backing_file);
    GError *err = NULL;
    BlockDriverState *bs = NULL;

    if (o->backing_fmt && !img_format_known(o->backing_fmt)) {
        img_error("%s: Unknown backing file format '%s'", filename,
                  o->backing_fmt);
    } else {
        bs = bdrv_open(path, o->backing_fmt, BDRV_O_NO_BACKING, &err);
        if (!bs) {
            img_error("%s: Could not open '%s': %s", filename, path,
                      img_err_reason(path, err));
            fprintf(stderr, "Could not open backing image.\n");
            g_error_free(err);
        }
    }
    g_free(path);
    if (!bs) {
        return false;
    }
    *size = bdrv_getlength(bs);
    *probed = g_strdup(bdrv_format_name(bs));
    bdrv_close(bs);
    return true;
}

typedef struct CreateArgs {
    const char *fmt;
    const char *filename;
    const char *base;
    const char *base_fmt;
    const char *size_arg;
    bool unsafe;
    bool quiet;
} CreateArgs;

static bool check_backing(const CreateArgs *a, const BlockCreateOptions *o,
                          bool has_size, int64_t *size)
{
    char *probed = NULL;
    int64_t bsize = 0;

    if (!strcmp(a->fmt, "raw")) {
        img_error("%s: Backing file not supported for file format 'raw'",
                  a->filename);
        return false;
    }
    if (!strcmp(o->backing_file, a->filename)) {
        img_error("%s: Error: Trying to create an image with the same "
                  "filename as the backing file", a->filename);
        return false;
    }
    if (!a->unsafe) {
        if (!probe_backing(a->filename, o, &bsize, &probed)) {
            return false;
        }
        if (!has_size) {
            *size = bsize;
        }
    }
    if (!o->backing_fmt) {
        img_error("%s: Backing file specified without backing format",
                  a->filename);
        if (probed) {
            fprintf(stderr, "Detected format of %s.\n", probed);
        }
        g_free(probed);
        return false;
    }
    g_free(probed);
    return true;
}

static int create_run(const CreateArgs *a, ImgOptList *opts)
{
    BlockCreateOptions o;
    bool has_size = a->size_arg != NULL;
    int64_t size = 0;

    if (has_size) {
        size = img_cvtnum("image size", a->size_arg, 0, INT64_MAX);
        if (size < 0) {
            return 1;
        }
    }
    if (!img_format_known(a->fmt)) {
        img_error("%s: Unknown file format '%s'", a->filename, a->fmt);
        return 1;
    }
    if (!img_opts_to_create(opts, a->fmt, a->filename, &o)) {
        return 1;
    }
    if (has_size && img_opts_get(opts, "size")) {
        img_error("%s: The image size must be specified only once",
                  a->filename);
        return 1;
    }
    if (img_opts_get(opts, "size")) {
        has_size = true;
        size = o.size;
    }
    if (a->base && !strcmp(a->fmt, "raw")) {
        img_error("%s: Backing file not supported for file format 'raw'",
                  a->filename);
        return 1;
    }
    /* -b and -F win over -o backing_file= and backing_fmt=. */
    if (a->base) {
        img_opts_set(opts, "backing_file", a->base);
    }
    if (a->base_fmt) {
        img_opts_set(opts, "backing_fmt", a->base_fmt);
    }
    if (!img_opts_to_create(opts, a->fmt, a->filename, &o)) {
        return 1;
    }
    if (o.backing_file && !check_backing(a, &o, has_size, &size)) {
        return 1;
    }
    if (!has_size && (!o.backing_file || a->unsafe)) {
        img_error("%s: Image creation needs a size parameter", a->filename);
        return 1;
    }
    o.size = size;
    if (!a->quiet) {
        img_print_formatting(opts, a->fmt, a->filename, size);
    }
    if (!img_create_check(opts, a->fmt, a->filename, &o)) {
        return 1;
    }
    return img_do_create(a->fmt, a->filename, &o, a->unsafe) < 0;
}

int img_create(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { NULL, 0, NULL, 0 },
    };
    CreateArgs a = { .fmt = "raw" };
    ImgOptList opts;
    bool help = false;
    int c, ret = 1;

    img_opts_init(&opts);
    while ((c = getopt_long(argc, argv, ":F:b:f:ho:qu", long_opts,
                            NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
            ret = 0;
            goto out;
        case 'F':
            a.base_fmt = optarg;
            break;
        case 'b':
            a.base = optarg;
            break;
        case 'f':
            a.fmt = optarg;
            break;
        case 'o':
            if (img_opts_is_help(optarg)) {
                help = true;
            } else if (!img_opts_parse(&opts, optarg)) {
                goto out;
            }
            break;
        case 'q':
            a.quiet = true;
            break;
        case 'u':
            a.unsafe = true;
            break;
        case IMG_OPT_OBJECT:
            break;
        default:
            ret = img_bad_option(c, argv);
            goto out;
        }
    }
    if (help) {
        if (!img_format_known(a.fmt)) {
            img_error("Unknown file format '%s'", a.fmt);
            goto out;
        }
        img_opts_help(a.fmt);
        ret = 0;
        goto out;
    }
    if (optind >= argc) {
        ret = img_usage_error("Expecting image file name");
        goto out;
    }
    a.filename = argv[optind++];
    if (optind < argc) {
        a.size_arg = argv[optind++];
    }
    if (optind < argc) {
        ret = img_usage_error("Unexpected argument: %s", argv[optind]);
        goto out;
    }
    ret = create_run(&a, &opts);
out:
    img_opts_free(&opts);
    return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img resize [-f fmt] [--preallocation=off] [-q] [--shrink]
 *                    filename [+ | -]size
 *
 * The size is taken off the end of the command line before options are
 * parsed, as qemu-img does, so "resize disk.img -1G" works without
 * "--".  Shrinking needs --shrink: it drops the data past the new end.
 */
#include <getopt.h>
#include <string.h>

#include "img.h"

/* "[+|-]N": *sign is +1, -1 or 0 (absolute).  false after the error. */
static bool parse_size(const char *arg, int *sign, int64_t *val)
{
    const char *num = arg;
    uint64_t v;

    *sign = arg[0] == '+' ? 1 : arg[0] == '-' ? -1 : 0;
    num += *sign != 0;
    if (num[0] == '-' || img_strtosz(num, &v) < 0 || v > INT64_MAX) {
        img_error("Parameter 'size' expects a non-negative number below "
                  "2^64");
        fprintf(stderr, "Optional suffix k, M, G, T, P or E means kilo-, "
                "mega-, giga-, tera-, peta-\nand exabytes, respectively.\n");
        return false;
    }
    *val = v;
    return true;
}

static int do_resize(BlockDriverState *bs, const char *filename,
                     int64_t total, bool shrink, bool quiet)
{
    GError *err = NULL;

    if (total <= 0) {
        img_error("New image size must be positive");
        return 1;
    }
    if (total < bdrv_getlength(bs) && !shrink) {
        img_error("Use the --shrink option to perform a shrink operation.");
        img_warn("Shrinking an image will delete all data beyond the "
                 "shrunken image's end. Before performing such an "
                 "operation, make sure there is no important data there.");
        return 1;
    }
    if (bdrv_truncate(bs, total, &err) < 0) {
        img_error("%s", img_err_reason(filename, err));
        g_error_free(err);
        return 1;
    }
    if (!quiet) {
        printf("Image resized.\n");
    }
    return 0;
}

static int resize_image(const char *filename, const char *fmt,
                        const char *size_arg, bool shrink, bool quiet)
{
    BlockDriverState *bs;
    int64_t val, current, total;
    int sign, ret;

    if (!parse_size(size_arg, &sign, &val)) {
        return 1;
    }
    bs = img_open(filename, fmt, BDRV_O_RDWR, false);
    if (!bs) {
        return 1;
    }
    current = bdrv_getlength(bs);
    if (sign > 0) {
        total = val > INT64_MAX - current ? INT64_MAX : current + val;
    } else {
        total = sign < 0 ? current - val : val;
    }
    ret = do_resize(bs, filename, total, shrink, quiet);
    bdrv_close(bs);
    return ret;
}

static int resize_opt(int c, void *opaque)
{
    bool *shrink = opaque;

    switch (c) {
    case IMG_OPT_SHRINK:
        *shrink = true;
        return 0;
    case IMG_OPT_PREALLOC:
        if (strcmp(optarg, "off")) {
            img_error("Preallocation mode '%s' is not supported", optarg);
            return 1;
        }
        return 0;
    default:
        return IMG_ARGS_UNKNOWN;
    }
}

int img_resize(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "preallocation", required_argument, NULL, IMG_OPT_PREALLOC },
        { "shrink", no_argument, NULL, IMG_OPT_SHRINK },
        { NULL, 0, NULL, 0 },
    };
    ImgArgs a = { 0 };
    bool shrink = false;
    const char *size;
    int ret;

    if (argc < 3) {
        return img_usage_error("Not enough arguments");
    }
    size = argv[--argc];
    ret = img_parse_args(argc, argv, ":f:hq", long_opts, &a, resize_opt,
                         &shrink);
    if (ret >= 0) {
        return ret;
    }
    if (optind != argc - 1) {
        return img_usage_error("Expecting image file name");
    }
    return resize_image(argv[optind], a.fmt, size, shrink, a.quiet);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img check [-q] [-f fmt] [--output=human|json] [-r leaks|all]
 *                   [-T src_cache] [-U] filename
 *
 * Exit status, as qemu-img's (scripts test it):
 *   0  no problem found (or all of them repaired)
 *   1  the check could not be completed
 *   2  corruptions remain
 *   3  only leaked clusters remain
 *   63 the format has no consistency check (raw)
 * Problems found are listed on stderr by the driver; the summary goes
 * to stdout.  After a repair the image is checked again and the second
 * result is the one reported, with the repaired counts.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "img.h"

#define CHECK_NOT_SUPPORTED 63

static void dump_human(const BlockCheckResult *r)
{
    if (!(r->corruptions || r->leaks || r->check_errors)) {
        printf("No errors were found on the image.\n");
    } else {
        if (r->corruptions) {
            printf("\n%d errors were found on the image.\n"
                   "Data may be corrupted, or further writes to the image "
                   "may corrupt it.\n", r->corruptions);
        }
        if (r->leaks) {
            printf("\n%d leaked clusters were found on the image.\n"
                   "This means waste of disk space, but no harm to data.\n",
                   r->leaks);
        }
        if (r->check_errors) {
            printf("\n%d internal errors have occurred during the check.\n",
                   r->check_errors);
        }
    }
    if (r->total_clusters && r->allocated_clusters) {
        printf("%" PRId64 "/%" PRId64 " = %0.2f%% allocated, %0.2f%% "
               "fragmented, %0.2f%% compressed clusters\n",
               r->allocated_clusters, r->total_clusters,
               r->allocated_clusters * 100.0 / r->total_clusters,
               r->fragmented_clusters * 100.0 / r->allocated_clusters,
               r->compressed_clusters * 100.0 / r->allocated_clusters);
    }
    if (r->image_end_offset) {
        printf("Image end offset: %" PRId64 "\n", r->image_end_offset);
    }
}

/* qemu leaves out the optional members that are zero. */
static void add_nonzero(ImgJson *o, const char *key, int64_t v)
{
    if (v) {
        img_json_add_int(o, key, v);
    }
}

static void dump_json(const BlockCheckResult *r, const char *filename,
                      const char *format)
{
    ImgJson *o = img_json_object();

    img_json_add_str(o, "filename", filename);
    img_json_add_str(o, "format", format);
    img_json_add_int(o, "check-errors", r->check_errors);
    add_nonzero(o, "corruptions", r->corruptions);
    add_nonzero(o, "leaks", r->leaks);
    add_nonzero(o, "corruptions-fixed", r->corruptions_fixed);
    add_nonzero(o, "leaks-fixed", r->leaks_fixed);
    add_nonzero(o, "image-end-offset", r->image_end_offset);
    add_nonzero(o, "total-clusters", r->total_clusters);
    add_nonzero(o, "allocated-clusters", r->allocated_clusters);
    add_nonzero(o, "fragmented-clusters", r->fragmented_clusters);
    add_nonzero(o, "compressed-clusters", r->compressed_clusters);
    img_json_print(o, stdout);
    img_json_free(o);
}

/* Run the check; 0, CHECK_NOT_SUPPORTED, or -errno. */
static int run_check(BlockDriverState *bs, BlockCheckResult *r, int fix)
{
    int ret;

    memset(r, 0, sizeof(*r));
    ret = bdrv_check(bs, r, fix);
    if (ret == -ENOTSUP || (ret == 0 && !r->supported)) {
        img_error("This image format does not support checks");
        return CHECK_NOT_SUPPORTED;
    }
    return ret;
}

/* Check, repair what fix asks, and check again after a repair. */
static int check_and_repair(BlockDriverState *bs, BlockCheckResult *r,
                            int fix, bool json, bool quiet)
{
    int ret = run_check(bs, r, fix);
    int leaks_fixed, corruptions_fixed;

    if (ret || !(r->corruptions_fixed || r->leaks_fixed)) {
        return ret;
    }
    leaks_fixed = r->leaks_fixed;
    corruptions_fixed = r->corruptions_fixed;
    if (!json && !quiet) {
        printf("The following inconsistencies were found and repaired:\n\n"
               "    %d leaked clusters\n    %d corruptions\n\n"
               "Double checking the fixed image now...\n",
               leaks_fixed, corruptions_fixed);
    }
    ret = run_check(bs, r, 0);
    r->leaks_fixed = leaks_fixed;
    r->corruptions_fixed = corruptions_fixed;
    return ret;
}

static int check_image(const char *filename, const char *fmt, int fix,
                       bool json, bool quiet)
{
    int flags = BDRV_O_CHECK | (fix ? BDRV_O_RDWR : 0);
    BlockDriverState *bs = img_open(filename, fmt, flags, quiet);
    BlockCheckResult r;
    int ret;

    if (!bs) {
        return 1;
    }
    ret = check_and_repair(bs, &r, fix, json, quiet);
    if (ret == 0 && json && !quiet) {
        dump_json(&r, filename, bdrv_format_name(bs));
    } else if (ret == 0 && !quiet) {
        dump_human(&r);
    }
    bdrv_close(bs);
    if (ret == CHECK_NOT_SUPPORTED) {
        return ret;
    }
    if (ret < 0 || r.check_errors) {
        if (ret < 0) {
            img_error("Check failed: %s", g_strerror(-ret));
        } else {
            img_error("Check failed");
        }
        return 1;
    }
    return r.corruptions ? 2 : r.leaks ? 3 : 0;
}

/* -r leaks|all */
static int check_opt(int c, void *opaque)
{
    int *fix = opaque;

    if (c != 'r') {
        return IMG_ARGS_UNKNOWN;
    }
    if (!strcmp(optarg, "leaks")) {
        *fix = BDRV_FIX_LEAKS;
    } else if (!strcmp(optarg, "all")) {
        *fix = BDRV_FIX_LEAKS | BDRV_FIX_ERRORS;
    } else {
        return img_usage_error("Unknown option value for -r "
                               "(expecting 'leaks' or 'all'): %s", optarg);
    }
    return 0;
}

int img_check(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "repair", required_argument, NULL, 'r' },
        { "output", required_argument, NULL, IMG_OPT_OUTPUT },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    ImgArgs a = { 0 };
    int ret, fix = 0;

    ret = img_parse_args(argc, argv, ":hf:r:T:qU", long_opts, &a,
                         check_opt, &fix);
    if (ret >= 0) {
        return ret;
    }
    if (optind != argc - 1) {
        return img_usage_error("Expecting one image file name");
    }
    return check_image(argv[optind], a.fmt, fix, a.json, a.quiet);
}

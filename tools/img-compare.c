/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img compare [-f fmt] [-F fmt] [-T src_cache] [-p] [-q] [-s]
 *                     [-U] filename1 filename2
 *
 * Compares what two images read, whatever their formats.  Exit status
 * as qemu-img's: 0 identical, 1 different, 2 an image could not be
 * opened, 4 a read failed.  Without -s, images of different sizes are
 * equal when the longer one reads as zeroes past the shorter one's end.
 * Mismatches are reported at 512-byte sector granularity.
 */
#include <getopt.h>
#include <string.h>

#include "img.h"

#define COMPARE_CHUNK   (1024 * 1024)

enum {
    CMP_SAME = 0,
    CMP_DIFFERENT = 1,
    CMP_OPEN_ERROR = 2,
    CMP_IO_ERROR = 4,
};

/* Offset of the first 512-byte sector where a and b differ, or -1. */
static int64_t first_diff(const uint8_t *a, const uint8_t *b, int64_t n)
{
    for (int64_t i = 0; i < n; i += BDRV_SECTOR_SIZE) {
        if (memcmp(a + i, b + i, MIN(BDRV_SECTOR_SIZE, n - i))) {
            return i;
        }
    }
    return -1;
}

static int read_or_report(BlockDriverState *bs, int64_t off, uint8_t *buf,
                          int64_t n)
{
    int ret = bdrv_pread(bs, off, buf, n);

    if (ret < 0) {
        img_error("Error while reading offset %" PRId64 " of %s: %s", off,
                  bdrv_filename(bs), g_strerror(-ret));
    }
    return ret;
}

/* Compare [from, to) of bs1 with bs2 (NULL: with zeroes). */
static int compare_range(BlockDriverState *bs1, BlockDriverState *bs2,
                         int64_t from, int64_t to, bool quiet)
{
    uint8_t *b1 = g_malloc(COMPARE_CHUNK);
    uint8_t *b2 = g_malloc0(COMPARE_CHUNK);
    int ret = CMP_SAME;

    for (int64_t off = from; off < to && ret == CMP_SAME; ) {
        int64_t n = MIN(COMPARE_CHUNK, to - off), d;

        if (read_or_report(bs1, off, b1, n) < 0 ||
            (bs2 && read_or_report(bs2, off, b2, n) < 0)) {
            ret = CMP_IO_ERROR;
            break;
        }
        d = first_diff(b1, b2, n);
        if (d >= 0) {
            if (!quiet) {
                printf("Content mismatch at offset %" PRId64 "!\n", off + d);
            }
            ret = CMP_DIFFERENT;
        }
        off += n;
    }
    g_free(b1);
    g_free(b2);
    return ret;
}

static int compare_images(BlockDriverState *bs1, BlockDriverState *bs2,
                          bool strict, bool quiet)
{
    int64_t len1 = bdrv_getlength(bs1), len2 = bdrv_getlength(bs2);
    int ret;

    if (len1 != len2) {
        if (strict) {
            if (!quiet) {
                printf("Strict mode: Image size mismatch!\n");
            }
            return CMP_DIFFERENT;
        }
        if (!quiet) {
            printf("Warning: Image size mismatch!\n");
        }
    }
    ret = compare_range(bs1, bs2, 0, MIN(len1, len2), quiet);
    if (ret == CMP_SAME && len1 != len2) {
        ret = len1 > len2 ? compare_range(bs1, NULL, len2, len1, quiet)
                          : compare_range(bs2, NULL, len1, len2, quiet);
    }
    if (ret == CMP_SAME && !quiet) {
        printf("Images are identical.\n");
    }
    return ret;
}

int img_compare(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt1 = NULL, *fmt2 = NULL;
    bool quiet = false, strict = false;
    BlockDriverState *bs1, *bs2;
    int c, ret;

    while ((c = getopt_long(argc, argv, ":hf:F:T:pqsU", long_opts,
                            NULL)) != -1) {
        switch (c) {
        case 'h':
            img_help();
            return 0;
        case 'f': fmt1 = optarg; break;
        case 'F': fmt2 = optarg; break;
        case 'q': quiet = true; break;
        case 's': strict = true; break;
        case 'p': case 'T': case 'U': case IMG_OPT_OBJECT:
            break;
        default:
            return img_bad_option(c, argv);
        }
    }
    if (optind != argc - 2) {
        return img_usage_error("Expecting two image file names");
    }
    bs1 = img_open(argv[optind], fmt1, 0, true);
    if (!bs1) {
        return CMP_OPEN_ERROR;
    }
    bs2 = img_open(argv[optind + 1], fmt2, 0, true);
    if (!bs2) {
        bdrv_close(bs1);
        return CMP_OPEN_ERROR;
    }
    ret = compare_images(bs1, bs2, strict, quiet);
    bdrv_close(bs1);
    bdrv_close(bs2);
    return ret;
}

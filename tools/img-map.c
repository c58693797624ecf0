/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img map [-f fmt] [--start-offset=N] [--max-length=N]
 *                 [--output=human|json] [-U] filename
 *
 * Walks the chain layer by layer as qemu-img does: a range takes the
 * status of the first layer that reports it as data or zero; a range no
 * layer allocates is "zero" at the depth of the bottom image (or of the
 * layer whose backing file ends before it).  Neighbouring ranges with
 * the same status, and contiguous host offsets, are merged.
 *
 * Human output lists only the ranges holding data:
 *     Offset          Length          Mapped to       File
 *     0               0x10000         0x50000         disk.qcow2
 */
#include <getopt.h>
#include <string.h>

#include "img.h"

typedef struct MapEntry {
    int64_t start;
    int64_t length;
    bool data;
    bool zero;
    bool present;
    bool has_offset;
    int64_t offset;
    int depth;
    const char *filename;       /* the layer's file when has_offset */
} MapEntry;

/*
 * Status of one layer at off, capped to where its backing file ends.
 * Sets *stop when the walk must not go below this layer.
 */
static int layer_status(BlockDriverState *bs, int64_t off, int64_t *bytes,
                        int64_t *map, bool *stop)
{
    BlockDriverState *backing = bdrv_backing(bs);
    int64_t pnum, blen;
    int ret = bdrv_block_status(bs, off, *bytes, &pnum, map);

    if (ret < 0) {
        return ret;
    }
    *bytes = pnum;
    *stop = false;
    if (ret & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO)) {
        return ret;
    }
    if (!backing) {
        /* Nothing below: unallocated reads as zeroes. */
        *stop = true;
        return ret | BDRV_BLOCK_ZERO;
    }
    blen = bdrv_getlength(backing);
    if (off >= blen) {
        *stop = true;
        return ret | BDRV_BLOCK_ZERO;
    }
    if (off + *bytes > blen) {
        *bytes = blen - off;
    }
    return ret;
}

/*
 * The names qemu-img shows for the layers: the name given for the top,
 * then each recorded backing name resolved against the layer above (the
 * block layer may spell its paths differently).
 */
static GPtrArray *layer_names(BlockDriverState *bs, const char *filename)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    char *name = g_strdup(filename);

    for (; bs; bs = bdrv_backing(bs)) {
        BlockImageInfo info;

        g_ptr_array_add(names, name);
        memset(&info, 0, sizeof(info));
        if (bdrv_get_info(bs, &info) == 0 && info.backing_filename) {
            name = img_backing_path(name, info.backing_filename);
        } else {
            name = g_strdup(bdrv_filename(bdrv_backing(bs) ?
                                          bdrv_backing(bs) : bs));
        }
        bdrv_image_info_clear(&info);
    }
    g_free(name);
    return names;
}

static int get_status(BlockDriverState *bs, GPtrArray *names, int64_t off,
                      int64_t bytes, MapEntry *e)
{
    int depth = 0;
    int64_t map = 0;
    bool stop;
    int ret;

    for (;;) {
        ret = layer_status(bs, off, &bytes, &map, &stop);
        if (ret < 0) {
            return ret;
        }
        if (stop || (ret & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO))) {
            break;
        }
        bs = bdrv_backing(bs);
        depth++;
    }
    *e = (MapEntry) {
        .start = off,
        .length = bytes,
        .data = ret & BDRV_BLOCK_DATA,
        .zero = ret & BDRV_BLOCK_ZERO,
        .present = ret & BDRV_BLOCK_ALLOCATED,
        .has_offset = ret & BDRV_BLOCK_OFFSET_VALID,
        .offset = map,
        .depth = depth,
        .filename = names->pdata[depth],
    };
    return 0;
}

static bool mergeable(const MapEntry *a, const MapEntry *b)
{
    if (a->length == 0 || a->zero != b->zero || a->data != b->data ||
        a->depth != b->depth || a->present != b->present ||
        a->has_offset != b->has_offset) {
        return false;
    }
    if (a->has_offset && (strcmp(a->filename, b->filename) ||
                          a->offset + a->length != b->offset)) {
        return false;
    }
    return true;
}

static int dump_entry(const MapEntry *e, bool json, bool last)
{
    if (json) {
        printf("{ \"start\": %" PRId64 ", \"length\": %" PRId64 ", "
               "\"depth\": %d, \"present\": %s, \"zero\": %s, "
               "\"data\": %s", e->start, e->length, e->depth,
               e->present ? "true" : "false", e->zero ? "true" : "false",
               e->data ? "true" : "false");
        if (e->has_offset) {
            printf(", \"offset\": %" PRId64, e->offset);
        }
        printf(last ? "}" : "},\n");
        return 0;
    }
    if (e->data && !e->has_offset) {
        img_error("File contains external, encrypted or compressed "
                  "clusters.");
        return -1;
    }
    if (e->data && !e->zero) {
        printf("%#-16" PRIx64 "%#-16" PRIx64 "%#-16" PRIx64 "%s\n",
               (uint64_t)e->start, (uint64_t)e->length,
               (uint64_t)(e->has_offset ? e->offset : 0), e->filename);
    }
    return 0;
}

static int map_image(BlockDriverState *bs, GPtrArray *names, int64_t start,
                     int64_t max_len, bool json)
{
    int64_t end = bdrv_getlength(bs);
    MapEntry curr = { .start = start }, next;
    int ret;

    if (end < 0) {
        img_error("Could not read file metadata: %s", g_strerror(-end));
        return 1;
    }
    if (max_len >= 0 && start + max_len < end) {
        end = start + max_len;
    }
    if (json) {
        printf("[");
    } else {
        printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to",
               "File");
    }
    while (curr.start + curr.length < end) {
        int64_t off = curr.start + curr.length;

        ret = get_status(bs, names, off, end - off, &next);
        if (ret < 0) {
            fflush(stdout);
            img_error("Could not read file metadata: %s", g_strerror(-ret));
            return 1;
        }
        if (mergeable(&curr, &next)) {
            curr.length += next.length;
            continue;
        }
        if (curr.length > 0 && dump_entry(&curr, json, false) < 0) {
            return 1;
        }
        curr = next;
    }
    if (curr.length > 0 && dump_entry(&curr, json, true) < 0) {
        return 1;
    }
    if (json) {
        printf("]\n");
    }
    return 0;
}

/* --start-offset and --max-length (-1: to the end). */
typedef struct MapRange {
    int64_t start;
    int64_t max_len;
} MapRange;

static int map_opt(int c, void *opaque)
{
    MapRange *r = opaque;

    switch (c) {
    case IMG_OPT_START_OFFSET:
        r->start = img_cvtnum("start offset", optarg, 0, INT64_MAX);
        return r->start < 0 ? 1 : 0;
    case IMG_OPT_MAX_LENGTH:
        r->max_len = img_cvtnum("max length", optarg, 0, INT64_MAX);
        return r->max_len < 0 ? 1 : 0;
    default:
        return IMG_ARGS_UNKNOWN;
    }
}

int img_map(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, IMG_OPT_OUTPUT },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { "start-offset", required_argument, NULL, IMG_OPT_START_OFFSET },
        { "max-length", required_argument, NULL, IMG_OPT_MAX_LENGTH },
        { NULL, 0, NULL, 0 },
    };
    MapRange r = { .start = 0, .max_len = -1 };
    ImgArgs a = { 0 };
    BlockDriverState *bs;
    GPtrArray *names;
    int ret;

    ret = img_parse_args(argc, argv, ":f:hU", long_opts, &a, map_opt, &r);
    if (ret >= 0) {
        return ret;
    }
    if (optind != argc - 1) {
        return img_usage_error("Expecting one image file name");
    }
    bs = img_open(argv[optind], a.fmt, 0, true);
    if (!bs) {
        return 1;
    }
    names = layer_names(bs, argv[optind]);
    ret = map_image(bs, names, r.start, r.max_len, a.json);
    g_ptr_array_free(names, TRUE);
    bdrv_close(bs);
    return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img info [-f fmt] [--output=human|json] [--backing-chain] [-U]
 *                  filename
 *
 * Images are opened without their backing files, as qemu-img does, so
 * info works on an image whose backing file is missing.  With
 * --backing-chain every image of the chain is opened on its own and the
 * whole chain is collected before anything is printed (a loop is an
 * error, and no partial output).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "img.h"

/* One image of the chain, as collected. */
typedef struct InfoItem {
    char *filename;
    BlockImageInfo info;
    char *full_backing;         /* backing path as resolved, or NULL */
} InfoItem;

void img_snapshot_dump(const BlockSnapshotInfo *sn)
{
    char date[32] = "";
    char clock[64];
    char icount[32] = "";
    uint64_t secs;
    time_t t;
    struct tm tm;
    char *size;

    if (!sn) {
        printf("%-10s%-17s%8s%20s%13s%11s", "ID", "TAG", "VM SIZE", "DATE",
               "VM CLOCK", "ICOUNT");
        return;
    }
    t = sn->date_sec;
    if (localtime_r(&t, &tm)) {
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
    }
    secs = sn->vm_clock_nsec / 1000000000;
    snprintf(clock, sizeof(clock), "%02d:%02d:%02d.%03d",
             (int)(secs / 3600), (int)((secs / 60) % 60), (int)(secs % 60),
             (int)((sn->vm_clock_nsec / 1000000) % 1000));
    if (sn->icount != UINT64_MAX) {
        snprintf(icount, sizeof(icount), "%" PRId64, (int64_t)sn->icount);
    }
    size = img_size_to_str(sn->vm_state_size);
    printf("%-9s %-16s %8s%20s%13s%11s", sn->id, sn->name, size, date,
           clock, icount);
    g_free(size);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

static ImgJson *snapshot_json(const BlockSnapshotInfo *sn)
{
    ImgJson *o = img_json_object();

    if (sn->icount != UINT64_MAX) {
        img_json_add_int(o, "icount", sn->icount);
    }
    img_json_add_int(o, "vm-clock-nsec", sn->vm_clock_nsec % 1000000000);
    img_json_add_str(o, "name", sn->name);
    img_json_add_int(o, "date-sec", sn->date_sec);
    img_json_add_int(o, "date-nsec", sn->date_nsec);
    img_json_add_int(o, "vm-clock-sec", sn->vm_clock_nsec / 1000000000);
    img_json_add_str(o, "id", sn->id);
    img_json_add_int(o, "vm-state-size", sn->vm_state_size);
    return o;
}

/* qcow2's "format-specific" data member. */
static ImgJson *format_data_json(const BlockImageInfo *i)
{
    ImgJson *d = img_json_object();

    img_json_add_str(d, "compat", i->compat >= 3 ? "1.1" : "0.10");
    img_json_add_str(d, "compression-type", "zlib");
    if (i->compat >= 3) {
        img_json_add_bool(d, "lazy-refcounts", i->lazy_refcounts);
    }
    img_json_add_int(d, "refcount-bits", i->refcount_bits);
    if (i->compat >= 3) {
        img_json_add_bool(d, "corrupt", i->corrupt);
        img_json_add_bool(d, "extended-l2", false);
    }
    return d;
}

static ImgJson *info_json(const InfoItem *it)
{
    const BlockImageInfo *i = &it->info;
    ImgJson *o = img_json_object();

    if (i->backing_filename && i->backing_fmt) {
        img_json_add_str(o, "backing-filename-format", i->backing_fmt);
    }
    if (i->nb_snapshots > 0) {
        ImgJson *arr = img_json_array();
        for (int n = 0; n < i->nb_snapshots; n++) {
            img_json_append(arr, snapshot_json(&i->snapshots[n]));
        }
        img_json_add(o, "snapshots", arr);
    }
    img_json_add_int(o, "virtual-size", i->virtual_size);
    img_json_add_str(o, "filename", it->filename);
    if (i->cluster_size) {
        img_json_add_int(o, "cluster-size", i->cluster_size);
    }
    img_json_add_str(o, "format", i->format);
    if (i->actual_size >= 0) {
        img_json_add_int(o, "actual-size", i->actual_size);
    }
    if (i->format_specific) {
        ImgJson *fs = img_json_object();
        img_json_add_str(fs, "type", i->format);
        img_json_add(fs, "data", format_data_json(i));
        img_json_add(o, "format-specific", fs);
    }
    if (i->backing_filename) {
        img_json_add_str(o, "full-backing-filename", it->full_backing);
        img_json_add_str(o, "backing-filename", i->backing_filename);
    }
    img_json_add_bool(o, "dirty-flag", i->dirty);
    return o;
}

/* ------------------------------------------------------------------ */
/* Human                                                               */

static void info_human(const InfoItem *it)
{
    const BlockImageInfo *i = &it->info;
    char *vsize = img_size_to_str(i->virtual_size);
    char *dsize = i->actual_size >= 0 ? img_size_to_str(i->actual_size)
                                      : g_strdup("unavailable");

    printf("image: %s\nfile format: %s\nvirtual size: %s (%" PRId64
           " bytes)\ndisk size: %s\n", it->filename, i->format, vsize,
           i->virtual_size, dsize);
    if (i->cluster_size) {
        printf("cluster_size: %u\n", i->cluster_size);
    }
    if (i->dirty) {
        printf("cleanly shut down: no\n");
    }
    if (i->backing_filename) {
        printf("backing file: %s", i->backing_filename);
        if (strcmp(i->backing_filename, it->full_backing)) {
            printf(" (actual path: %s)", it->full_backing);
        }
        printf("\n");
        if (i->backing_fmt) {
            printf("backing file format: %s\n", i->backing_fmt);
        }
    }
    if (i->nb_snapshots > 0) {
        printf("Snapshot list:\n");
        img_snapshot_dump(NULL);
        printf("\n");
        for (int n = 0; n < i->nb_snapshots; n++) {
            img_snapshot_dump(&i->snapshots[n]);
            printf("\n");
        }
    }
    if (i->format_specific) {
        ImgJson *d = format_data_json(i);
        printf("Format specific information:\n");
        img_json_dump_human(d, 1);
        img_json_free(d);
    }
    g_free(vsize);
    g_free(dsize);
}

/* ------------------------------------------------------------------ */
/* Collecting                                                          */

static void item_free(gpointer p)
{
    InfoItem *it = p;

    g_free(it->filename);
    g_free(it->full_backing);
    bdrv_image_info_clear(&it->info);
    g_free(it);
}

static InfoItem *collect_one(const char *filename, const char *fmt)
{
    BlockDriverState *bs = img_open(filename, fmt, BDRV_O_NO_BACKING,
                                    true);
    InfoItem *it;
    int r;

    if (!bs) {
        return NULL;
    }
    it = g_new0(InfoItem, 1);
    it->filename = g_strdup(filename);
    r = bdrv_get_info(bs, &it->info);
    bdrv_close(bs);
    if (r < 0) {
        img_error("Could not get information on '%s': %s", filename,
                  g_strerror(-r));
        g_free(it->filename);
        g_free(it);
        return NULL;
    }
    if (it->info.backing_filename) {
        it->full_backing = img_backing_path(filename,
                                            it->info.backing_filename);
    }
    return it;
}

/* The chain from filename down (just filename without chain). */
static GPtrArray *collect(const char *filename, const char *fmt,
                          bool chain)
{
    GPtrArray *items = g_ptr_array_new_with_free_func(item_free);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    char *name = g_strdup(filename);
    char *cur_fmt = g_strdup(fmt);

    while (name) {
        InfoItem *it;

        if (g_hash_table_contains(seen, name)) {
            img_error("Backing file '%s' creates an infinite loop.", name);
            goto fail;
        }
        it = collect_one(name, cur_fmt);
        if (!it) {
            goto fail;
        }
        g_ptr_array_add(items, it);
        g_hash_table_add(seen, it->filename);
        g_free(name);
        g_free(cur_fmt);
        name = chain ? g_strdup(it->full_backing) : NULL;
        cur_fmt = g_strdup(it->info.backing_fmt);
    }
    g_free(cur_fmt);
    g_hash_table_destroy(seen);
    return items;
fail:
    g_free(name);
    g_free(cur_fmt);
    g_hash_table_destroy(seen);
    g_ptr_array_free(items, TRUE);
    return NULL;
}

static void print_items(GPtrArray *items, bool json, bool chain)
{
    if (json) {
        ImgJson *v;
        if (chain) {
            v = img_json_array();
            for (guint i = 0; i < items->len; i++) {
                img_json_append(v, info_json(items->pdata[i]));
            }
        } else {
            v = info_json(items->pdata[0]);
        }
        img_json_print(v, stdout);
        img_json_free(v);
        return;
    }
    for (guint i = 0; i < items->len; i++) {
        if (i) {
            printf("\n");
        }
        info_human(items->pdata[i]);
    }
}

static int info_opt(int c, void *opaque)
{
    bool *chain = opaque;

    if (c != IMG_OPT_BACKING_CHAIN) {
        return IMG_ARGS_UNKNOWN;
    }
    *chain = true;
    return 0;
}

int img_info(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, IMG_OPT_OUTPUT },
        { "backing-chain", no_argument, NULL, IMG_OPT_BACKING_CHAIN },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    ImgArgs a = { 0 };
    bool chain = false;
    GPtrArray *items;
    int ret;

    ret = img_parse_args(argc, argv, ":f:hU", long_opts, &a, info_opt,
                         &chain);
    if (ret >= 0) {
        return ret;
    }
    if (optind != argc - 1) {
        return img_usage_error("Expecting one image file name");
    }
    items = collect(argv[optind], a.fmt, chain);
    if (!items) {
        return 1;
    }
    print_items(items, a.json, chain);
    g_ptr_array_free(items, TRUE);
    return 0;
}

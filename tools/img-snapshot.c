/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img snapshot [-U] [-q] [-l | -a snapshot | -c snapshot |
 *                      -d snapshot] filename
 *
 * Internal (qcow2) snapshots.  As in qemu-img: -a takes an id or a
 * name, -d a name only (the first snapshot of that name), names need
 * not be unique, and no action at all opens the image and does nothing.
 */
#include <getopt.h>
#include <string.h>

#include "img.h"

enum {
    SN_NONE,
    SN_LIST,
    SN_APPLY,
    SN_CREATE,
    SN_DELETE,
};

static int snapshot_list(BlockDriverState *bs)
{
    BlockImageInfo info;

    memset(&info, 0, sizeof(info));
    if (bdrv_get_info(bs, &info) < 0) {
        return 0;               /* no snapshots to show */
    }
    if (info.nb_snapshots > 0) {
        printf("Snapshot list:\n");
        img_snapshot_dump(NULL);
        printf("\n");
        for (int i = 0; i < info.nb_snapshots; i++) {
            img_snapshot_dump(&info.snapshots[i]);
            printf("\n");
        }
    }
    bdrv_image_info_clear(&info);
    return 0;
}

/* The id of the first snapshot whose id (if by_id) or name is key. */
static char *snapshot_find(BlockDriverState *bs, const char *key,
                           bool by_id)
{
    BlockImageInfo info;
    char *id = NULL;

    memset(&info, 0, sizeof(info));
    if (bdrv_get_info(bs, &info) < 0) {
        return NULL;
    }
    for (int i = 0; by_id && !id && i < info.nb_snapshots; i++) {
        if (!strcmp(info.snapshots[i].id, key)) {
            id = g_strdup(info.snapshots[i].id);
        }
    }
    for (int i = 0; !id && i < info.nb_snapshots; i++) {
        if (!strcmp(info.snapshots[i].name, key)) {
            id = g_strdup(info.snapshots[i].id);
        }
    }
    bdrv_image_info_clear(&info);
    return id;
}

static int snapshot_act(BlockDriverState *bs, int action, const char *name)
{
    GError *err = NULL;
    char *id;
    int ret;

    switch (action) {
    case SN_CREATE:
        ret = bdrv_snapshot_create(bs, name, &err);
        if (ret < 0) {
            img_error("Could not create snapshot '%s': %d (%s)", name, ret,
                      g_strerror(-ret));
        }
        break;
    case SN_APPLY:
        id = snapshot_find(bs, name, true);
        if (!id) {
            img_error("Could not apply snapshot '%s': Failed to load "
                      "snapshot: No such file or directory", name);
            return 1;
        }
        ret = bdrv_snapshot_goto(bs, id, &err);
        if (ret < 0) {
            img_error("Could not apply snapshot '%s': %s", name,
                      err ? err->message : g_strerror(-ret));
        }
        g_free(id);
        break;
    default:
        id = snapshot_find(bs, name, false);
        if (!id) {
            img_error("Could not delete snapshot '%s': snapshot not found",
                      name);
            return 1;
        }
        ret = bdrv_snapshot_delete(bs, id, &err);
        if (ret < 0) {
            img_error("Could not delete snapshot '%s': %s", name,
                      err ? err->message : g_strerror(-ret));
        }
        g_free(id);
        break;
    }
    if (err) {
        g_error_free(err);
    }
    return ret < 0;
}

int img_snapshot(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, IMG_OPT_OBJECT },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *name = NULL;
    int c, action = SN_NONE, ret;
    bool quiet = false;
    BlockDriverState *bs;

    while ((c = getopt_long(argc, argv, ":la:c:d:hqU", long_opts,
                            NULL)) != -1) {
        int act = c == 'l' ? SN_LIST : c == 'a' ? SN_APPLY :
                  c == 'c' ? SN_CREATE : c == 'd' ? SN_DELETE : SN_NONE;
        if (act != SN_NONE) {
            if (action != SN_NONE) {
                return img_usage_error("Cannot mix '-l', '-a', '-c', '-d'");
            }
            action = act;
            name = optarg;
            continue;
        }
        switch (c) {
        case 'h':
            img_help();
            return 0;
        case 'q':
            quiet = true;
            break;
        case 'U':
        case IMG_OPT_OBJECT:
            break;
        default:
            return img_bad_option(c, argv);
        }
    }
    if (optind != argc - 1) {
        return img_usage_error("Expecting one image file name");
    }
    bs = img_open(argv[optind], NULL,
                  action == SN_LIST || action == SN_NONE ? 0 : BDRV_O_RDWR,
                  quiet);
    if (!bs) {
        return 1;
    }
    ret = action == SN_LIST ? snapshot_list(bs) :
          action == SN_NONE ? 0 : snapshot_act(bs, action, name);
    bdrv_close(bs);
    return ret;
}

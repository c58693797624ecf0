/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `info block` and query-block: the monitor commands that need the block
 * layer.  Linked into the system binaries next to main.c (not into the
 * softmmu library, which may not depend on block/), and registered into
 * the monitor by main before the machine runs:
 *
 *     monitor_block_register();
 *
 * Shapes (a subset of QEMU's):
 *     (qemu) info block
 *     drive0: disk.qcow2 (qcow2)
 *     {"device": "drive0", "locked": false, "removable": false,
 *      "inserted": {"ro": false, "drv": "qcow2", "file": "disk.qcow2",
 *      "image": {"virtual-size": 67108864, "filename": "disk.qcow2",
 *      "format": "qcow2"}}, "type": "unknown"}
 */
#include "kestrel/block.h"
#include "kestrel/monitor.h"
#include "monitor-block.h"

#define MAX_UNITS 64

/*
 * Every drive, claimed or not (drive_foreach visits only unclaimed
 * ones): by interface type, then unit.
 */
static GPtrArray *drives_collect(void)
{
    static const BlockInterfaceType types[] = {
        IF_VIRTIO, IF_PFLASH, IF_NONE, IF_DEFAULT,
    };
    GPtrArray *all = g_ptr_array_new();

    for (size_t t = 0; t < G_N_ELEMENTS(types); t++) {
        for (int n = 0; n < MAX_UNITS; n++) {
            DriveInfo *d = drive_get_by_type(types[t], n);

            if (d && !g_ptr_array_find(all, d, NULL)) {
                g_ptr_array_add(all, d);
            }
        }
    }
    return all;
}

static void drives_foreach(void (*fn)(DriveInfo *d, void *opaque),
                           void *opaque)
{
    g_autoptr(GPtrArray) all = drives_collect();

    for (guint i = 0; i < all->len; i++) {
        fn(g_ptr_array_index(all, i), opaque);
    }
}

static void hmp_drive(DriveInfo *d, void *opaque)
{
    Monitor *mon = opaque;
    BlockDriverState *bs = d->blk ? blk_bs(d->blk) : NULL;

    if (!bs) {
        monitor_printf(mon, "%s: [not inserted]\n", d->id);
        return;
    }
    monitor_printf(mon, "%s: %s (%s%s)\n", d->id, bdrv_filename(bs),
                   bdrv_format_name(bs),
                   blk_is_read_only(d->blk) ? ", read-only" : "");
}

static void hmp_info_block(Monitor *mon, const char *args)
{
    drives_foreach(hmp_drive, mon);
}

static JsonObject *drive_inserted(DriveInfo *d, BlockDriverState *bs)
{
    JsonObject *ins = json_object_new();
    JsonObject *img = json_object_new();

    json_object_set_boolean_member(ins, "ro", blk_is_read_only(d->blk));
    json_object_set_string_member(ins, "drv", bdrv_format_name(bs));
    json_object_set_string_member(ins, "file", bdrv_filename(bs));
    json_object_set_int_member(img, "virtual-size", blk_getlength(d->blk));
    json_object_set_string_member(img, "filename", bdrv_filename(bs));
    json_object_set_string_member(img, "format", bdrv_format_name(bs));
    json_object_set_object_member(ins, "image", img);
    return ins;
}

static void qmp_drive(DriveInfo *d, void *opaque)
{
    JsonArray *list = opaque;
    JsonObject *o = json_object_new();
    BlockDriverState *bs = d->blk ? blk_bs(d->blk) : NULL;

    json_object_set_string_member(o, "device", d->id);
    json_object_set_boolean_member(o, "locked", false);
    json_object_set_boolean_member(o, "removable", false);
    if (bs) {
        json_object_set_object_member(o, "inserted", drive_inserted(d, bs));
    }
    json_object_set_string_member(o, "type", "unknown");
    json_array_add_object_element(list, o);
}

static JsonNode *qmp_query_block(JsonObject *args, GError **errp)
{
    JsonArray *list = json_array_new();
    JsonNode *n;

    drives_foreach(qmp_drive, list);
    n = json_node_init_array(json_node_alloc(), list);
    json_array_unref(list);
    return n;
}

void monitor_block_register(void)
{
    monitor_register_info("block", "show the block devices", hmp_info_block);
    qmp_register_command("query-block", NULL, qmp_query_block);
}

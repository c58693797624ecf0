/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Drives from the command line: -drive specs parsed into an open
 * BlockBackend plus the interface that should get it.  The board calls
 * drive_add() for every spec (softmmu only stores them), then takes the
 * drives its devices need with drive_find()/drive_get_by_type() and
 * marks them claimed; drive_foreach() visits the rest for the error.
 *
 *     DriveInfo *d = drive_add("file=disk.qcow2,if=none,id=hd0", false,
 *                              &err);
 *     d = drive_find("hd0");  d->claimed = true;  ... d->blk ...
 *     drive_close_all();      // at exit: drain, flush, close
 *
 * Spec syntax as QEMU's: key=value items separated by commas, ",," for
 * a comma inside a value (file names).  Keys: file, format, if, id,
 * index (or unit: each interface here has one unit per bus, so the two
 * number the same thing), media, readonly, cache, snapshot, discard,
 * aio (accepted, the backend always uses its worker thread).
 *
 * Snapshots (-snapshot or snapshot=on): the image is opened read-only
 * as the backing file of a new qcow2 overlay in $TMPDIR; the overlay is
 * opened with BDRV_O_TEMPORARY so it is unlinked as soon as it is open,
 * and nothing the guest writes reaches the image.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kestrel/block.h"

/* What one spec asks for. */
typedef struct DriveOpts {
    const char *spec;
    char *file;
    char *format;               /* NULL: probe */
    BlockInterfaceType type;
    char *id;
    int index;
    bool read_only;
    BlockCacheMode cache;
    int snapshot;               /* -1: as -snapshot says */
    bool discard_unmap;
} DriveOpts;

static GPtrArray *drives;       /* DriveInfo *, command-line order */

static bool drive_error(GError **errp, const DriveOpts *o,
                        const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static bool drive_error(GError **errp, const DriveOpts *o,
                        const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(errp, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "-drive %s: %s", o->spec, msg);
    g_free(msg);
    return false;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

/* Split at single commas; ",," stands for one comma. */
static GPtrArray *drive_split(const char *spec)
{
    GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);

    for (const char *p = spec; *p; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',') {
            g_ptr_array_add(items, g_string_free(cur, false));
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }
    g_ptr_array_add(items, g_string_free(cur, false));
    return items;
}

static bool parse_bool(const DriveOpts *o, const char *key, const char *val,
                       bool *out, GError **errp)
{
    if (!strcmp(val, "on") || !strcmp(val, "true") || !strcmp(val, "yes")) {
        *out = true;
    } else if (!strcmp(val, "off") || !strcmp(val, "false") ||
               !strcmp(val, "no")) {
        *out = false;
    } else {
        return drive_error(errp, o, "%s='%s': expected on or off", key,
                           val);
    }
    return true;
}

static bool parse_if(DriveOpts *o, const char *val, GError **errp)
{
    static const char *const unsupported[] = {
        "ide", "scsi", "sd", "mtd", "floppy", "xen",
    };

    if (!strcmp(val, "none")) {
        o->type = IF_NONE;
    } else if (!strcmp(val, "virtio")) {
        o->type = IF_VIRTIO;
    } else if (!strcmp(val, "pflash")) {
        o->type = IF_PFLASH;
    } else {
        for (size_t i = 0; i < G_N_ELEMENTS(unsupported); i++) {
            if (!strcmp(val, unsupported[i])) {
                return drive_error(errp, o, "if=%s is not supported (use "
                                   "virtio, pflash or none)", val);
            }
        }
        return drive_error(errp, o, "invalid if='%s' (virtio, pflash or "
                           "none)", val);
    }
    return true;
}

static bool parse_cache(DriveOpts *o, const char *val, GError **errp)
{
    static const struct {
        const char *name;
        BlockCacheMode mode;
    } modes[] = {
        { "writeback", BLOCK_CACHE_WRITEBACK },
        { "writethrough", BLOCK_CACHE_WRITETHROUGH },
        { "none", BLOCK_CACHE_NONE },
        { "off", BLOCK_CACHE_NONE },
        { "directsync", BLOCK_CACHE_DIRECTSYNC },
        { "unsafe", BLOCK_CACHE_UNSAFE },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
        if (!strcmp(val, modes[i].name)) {
            o->cache = modes[i].mode;
            return true;
        }
    }
    return drive_error(errp, o, "invalid cache='%s' (writeback, "
                       "writethrough, none, directsync or unsafe)", val);
}

static bool parse_index(DriveOpts *o, const char *key, const char *val,
                        GError **errp)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(val, &end, 10);
    if (errno || end == val || *end || v < 0 || v > INT_MAX / 2) {
        return drive_error(errp, o, "invalid %s='%s'", key, val);
    }
    o->index = (int)v;
    return true;
}

static bool parse_discard(DriveOpts *o, const char *val, GError **errp)
{
    if (!strcmp(val, "ignore") || !strcmp(val, "off")) {
        o->discard_unmap = false;
    } else if (!strcmp(val, "unmap") || !strcmp(val, "on")) {
        o->discard_unmap = true;
    } else {
        return drive_error(errp, o, "invalid discard='%s' (ignore or "
                           "unmap)", val);
    }
    return true;
}

static bool parse_media(DriveOpts *o, const char *val, GError **errp)
{
    if (!strcmp(val, "disk")) {
        return true;
    }
    if (!strcmp(val, "cdrom")) {
        return drive_error(errp, o, "media=cdrom is not supported (no "
                           "CD-ROM drive on this machine)");
    }
    return drive_error(errp, o, "invalid media='%s' (disk)", val);
}

static bool parse_aio(DriveOpts *o, const char *val, GError **errp)
{
    if (!strcmp(val, "threads") || !strcmp(val, "native") ||
        !strcmp(val, "io_uring")) {
        return true;
    }
    return drive_error(errp, o, "invalid aio='%s' (threads, native or "
                       "io_uring)", val);
}

static bool parse_string(DriveOpts *o, const char *key, char **dst,
                         const char *val, GError **errp)
{
    if (!*val) {
        return drive_error(errp, o, "%s= is empty", key);
    }
    g_free(*dst);
    *dst = g_strdup(val);
    return true;
}

static bool parse_item(DriveOpts *o, const char *key, const char *val,
                       GError **errp)
{
    bool b;

    if (!strcmp(key, "file")) {
        return parse_string(o, key, &o->file, val, errp);
    } else if (!strcmp(key, "format")) {
        return parse_string(o, key, &o->format, val, errp);
    } else if (!strcmp(key, "id")) {
        return parse_string(o, key, &o->id, val, errp);
    } else if (!strcmp(key, "if")) {
        return parse_if(o, val, errp);
    } else if (!strcmp(key, "index") || !strcmp(key, "unit")) {
        return parse_index(o, key, val, errp);
    } else if (!strcmp(key, "media")) {
        return parse_media(o, val, errp);
    } else if (!strcmp(key, "readonly") || !strcmp(key, "read-only")) {
        return parse_bool(o, key, val, &o->read_only, errp);
    } else if (!strcmp(key, "cache")) {
        return parse_cache(o, val, errp);
    } else if (!strcmp(key, "snapshot")) {
        if (!parse_bool(o, key, val, &b, errp)) {
            return false;
        }
        o->snapshot = b;
        return true;
    } else if (!strcmp(key, "discard")) {
        return parse_discard(o, val, errp);
    } else if (!strcmp(key, "aio")) {
        return parse_aio(o, val, errp);
    }
    return drive_error(errp, o, "invalid parameter '%s'", key);
}

static bool drive_parse(DriveOpts *o, const char *spec, GError **errp)
{
    GPtrArray *items = drive_split(spec);
    bool ok = true;

    o->spec = spec;
    o->type = IF_DEFAULT;
    o->index = -1;
    o->cache = BLOCK_CACHE_WRITEBACK;
    o->snapshot = -1;
    for (guint i = 0; ok && i < items->len; i++) {
        char *item = g_ptr_array_index(items, i);
        char *eq = strchr(item, '=');

        if (!*item) {
            continue;
        }
        if (eq) {
            *eq = '\0';
        }
        /* A bare key is "key=on", as QEMU's option parser has it. */
        ok = parse_item(o, item, eq ? eq + 1 : "on", errp);
    }
    g_ptr_array_free(items, true);
    if (ok && !o->file) {
        ok = drive_error(errp, o, "needs file=IMAGE (empty drives are "
                         "not supported)");
    }
    return ok;
}

static void drive_opts_clear(DriveOpts *o)
{
    g_free(o->file);
    g_free(o->format);
    g_free(o->id);
}

/* ------------------------------------------------------------------ */
/* Lookup                                                              */

DriveInfo *drive_find(const char *id)
{
    for (guint i = 0; drives && i < drives->len; i++) {
        DriveInfo *d = g_ptr_array_index(drives, i);

        if (!strcmp(d->id, id)) {
            return d;
        }
    }
    return NULL;
}

static bool drive_index_used(BlockInterfaceType type, int index)
{
    for (guint i = 0; drives && i < drives->len; i++) {
        DriveInfo *d = g_ptr_array_index(drives, i);

        if (d->type == type && d->index == index) {
            return true;
        }
    }
    return false;
}

/*
 * Drives with index= sit at that unit; the others fill the free units
 * in command-line order (as QEMU numbers them).
 */
DriveInfo *drive_get_by_type(BlockInterfaceType type, int n)
{
    int unit = 0;

    for (guint i = 0; drives && i < drives->len; i++) {
        DriveInfo *d = g_ptr_array_index(drives, i);

        if (d->type == type && d->index == n) {
            return d;
        }
    }
    for (guint i = 0; drives && i < drives->len; i++) {
        DriveInfo *d = g_ptr_array_index(drives, i);

        if (d->type != type || d->index >= 0) {
            continue;
        }
        while (drive_index_used(type, unit)) {
            unit++;
        }
        if (unit == n) {
            return d;
        }
        unit++;
    }
    return NULL;
}

void drive_foreach(void (*fn)(DriveInfo *d, void *opaque), void *opaque)
{
    for (guint i = 0; drives && i < drives->len; i++) {
        DriveInfo *d = g_ptr_array_index(drives, i);

        if (!d->claimed) {
            fn(d, opaque);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

static void drive_warn_probed_raw(BlockDriverState *bs, const DriveOpts *o)
{
    if (!o->format && !strcmp(bdrv_format_name(bs), "raw")) {
        fprintf(stderr, "WARNING: Image format was not specified for '%s' "
                "and probing guessed raw.\n", o->file);
    }
}

/* An absolute name for the overlay's backing file (it lives in $TMPDIR). */
static char *drive_abs_path(const char *file)
{
    char *abs = realpath(file, NULL);

    if (abs) {
        char *r = g_strdup(abs);

        free(abs);
        return r;
    }
    return g_canonicalize_filename(file, NULL);
}

/* Create the temporary overlay for bs's image; its name, or NULL. */
static char *drive_create_overlay(BlockDriverState *base,
                                  const DriveOpts *o, GError **errp)
{
    g_autofree char *backing = drive_abs_path(o->file);
    BlockCreateOptions co = { 0 };
    GError *err = NULL;
    char *name = NULL;
    int fd;

    fd = g_file_open_tmp("kestrel-snapshot.XXXXXX", &name, &err);
    if (fd < 0) {
        drive_error(errp, o, "cannot create the snapshot overlay: %s",
                    err->message);
        g_error_free(err);
        return NULL;
    }
    close(fd);
    co.backing_file = backing;
    co.backing_fmt = bdrv_format_name(base);
    co.size = bdrv_getlength(base);
    if (bdrv_create("qcow2", name, &co, &err) < 0) {
        drive_error(errp, o, "snapshot overlay: %s", err->message);
        g_error_free(err);
        unlink(name);
        g_free(name);
        return NULL;
    }
    return name;
}

/*
 * -snapshot: check and probe the image read-only, then open a fresh
 * overlay on it.  The overlay is unlinked once open (BDRV_O_TEMPORARY).
 */
static BlockDriverState *drive_open_snapshot(const DriveOpts *o, int flags,
                                             GError **errp)
{
    BlockDriverState *base, *bs;
    g_autofree char *overlay = NULL;
    GError *err = NULL;

    base = bdrv_open(o->file, o->format, flags & ~BDRV_O_RDWR, &err);
    if (!base) {
        drive_error(errp, o, "%s", err->message);
        g_error_free(err);
        return NULL;
    }
    drive_warn_probed_raw(base, o);
    overlay = drive_create_overlay(base, o, errp);
    bdrv_close(base);
    if (!overlay) {
        return NULL;
    }
    bs = bdrv_open(overlay, "qcow2", flags | BDRV_O_TEMPORARY, &err);
    if (!bs) {
        unlink(overlay);
        drive_error(errp, o, "snapshot overlay: %s", err->message);
        g_error_free(err);
    }
    return bs;
}

static BlockDriverState *drive_open(const DriveOpts *o, bool snapshot,
                                    GError **errp)
{
    int flags = blk_cache_mode_flags(o->cache);
    BlockDriverState *bs;
    GError *err = NULL;

    if (!o->read_only) {
        flags |= BDRV_O_RDWR;
    }
    if (snapshot && !o->read_only) {
        return drive_open_snapshot(o, flags, errp);
    }
    bs = bdrv_open(o->file, o->format, flags, &err);
    if (!bs) {
        drive_error(errp, o, "%s", err->message);
        g_error_free(err);
        return NULL;
    }
    drive_warn_probed_raw(bs, o);
    return bs;
}

static bool drive_check_new(DriveOpts *o, GError **errp)
{
    if (o->id && drive_find(o->id)) {
        return drive_error(errp, o, "duplicate id '%s'", o->id);
    }
    if (o->index >= 0 && o->type != IF_NONE &&
        drive_index_used(o->type, o->index)) {
        return drive_error(errp, o, "index=%d is already in use",
                           o->index);
    }
    if (o->index >= 0 && o->type == IF_NONE) {
        return drive_error(errp, o, "index= makes no sense with if=none");
    }
    return true;
}

/* "drive0", "drive1", ...: the first free one. */
static char *drive_default_id(void)
{
    for (unsigned n = drives ? drives->len : 0;; n++) {
        char *id = g_strdup_printf("drive%u", n);

        if (!drive_find(id)) {
            return id;
        }
        g_free(id);
    }
}

DriveInfo *drive_add(const char *spec, bool snapshot, GError **errp)
{
    DriveOpts o = { 0 };
    BlockDriverState *bs;
    DriveInfo *d = NULL;

    if (!drive_parse(&o, spec, errp) || !drive_check_new(&o, errp)) {
        goto out;
    }
    bs = drive_open(&o, o.snapshot >= 0 ? o.snapshot : snapshot, errp);
    if (!bs) {
        goto out;
    }
    d = g_new0(DriveInfo, 1);
    d->id = o.id ? g_strdup(o.id) : drive_default_id();
    d->type = o.type;
    d->index = o.index;
    d->blk = blk_new(bs, o.read_only);
    blk_set_discard(d->blk, o.discard_unmap);
    if (!drives) {
        drives = g_ptr_array_new();
    }
    g_ptr_array_add(drives, d);
out:
    drive_opts_clear(&o);
    return d;
}

void drive_close_all(void)
{
    if (!drives) {
        return;
    }
    for (guint i = 0; i < drives->len; i++) {
        DriveInfo *d = g_ptr_array_index(drives, i);

        blk_unref(d->blk);      /* drains; bdrv_close flushes */
        g_free(d->id);
        g_free(d);
    }
    g_ptr_array_free(drives, true);
    drives = NULL;
}

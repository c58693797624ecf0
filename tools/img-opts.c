/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img: format options (-o) for create and convert.
 *
 * qemu-img checks an option list in two steps and people's scripts see
 * both: the option parser (unknown names, values that are not numbers)
 * fails before anything is printed; the format driver (cluster size not
 * a power of two, lazy refcounts on a v2 image) fails after the
 * "Formatting ..." line.  Both happen before the image file is touched,
 * and so here: nothing is created or truncated unless every check
 * passed.
 *
 * The "Formatting" line prints every option of the format that has a
 * value or a default, in the driver's option order, numbers as parsed
 * and strings as given.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "img.h"

/* "kestrel-img: PREFIX: MSG", or without "PREFIX: " when prefix is NULL
 * (convert reports option names without the file, as qemu-img). */
static void G_GNUC_PRINTF(2, 3) opt_error(const char *prefix,
                                          const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (prefix) {
        img_error("%s: %s", prefix, msg);
    } else {
        img_error("%s", msg);
    }
    g_free(msg);
}

typedef enum {
    OT_SIZE,
    OT_NUMBER,
    OT_BOOL,
    OT_STR,
} OptType;

typedef struct OptDesc {
    const char *name;
    OptType type;
    const char *def;            /* printed when not given, or NULL */
    const char *help;
} OptDesc;

/* In the order qemu-img prints them on its "Formatting" line. */
static const OptDesc qcow2_opts[] = {
    { "cluster_size", OT_SIZE, "65536", "qcow2 cluster size" },
    { "extended_l2", OT_BOOL, "off", "Extended L2 tables (off only)" },
    { "preallocation", OT_STR, NULL, "Preallocation mode (off only)" },
    { "compression_type", OT_STR, "zlib",
      "Compression method used for image cluster compression (zlib)" },
    { "size", OT_SIZE, NULL, "Virtual disk size" },
    { "compat", OT_STR, NULL,
      "Compatibility level (v2 [0.10] or v3 [1.1])" },
    { "backing_file", OT_STR, NULL, "File name of a base image" },
    { "backing_fmt", OT_STR, NULL, "Image format of the base image" },
    { "lazy_refcounts", OT_BOOL, "off", "Postpone refcount updates" },
    { "refcount_bits", OT_NUMBER, "16",
      "Width of a reference count entry in bits" },
    { NULL, 0, NULL, NULL },
};

static const OptDesc raw_opts[] = {
    { "size", OT_SIZE, NULL, "Virtual disk size" },
    { "preallocation", OT_STR, NULL, "Preallocation mode (off only)" },
    { NULL, 0, NULL, NULL },
};

static const OptDesc *desc_of(const char *fmt)
{
    return !strcmp(fmt, "qcow2") ? qcow2_opts : raw_opts;
}

static const OptDesc *desc_find(const OptDesc *d, const char *name)
{
    for (; d->name; d++) {
        if (!strcmp(d->name, name)) {
            return d;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The list                                                            */

void img_opts_init(ImgOptList *l)
{
    l->opts = g_ptr_array_new();
}

static void opt_free(ImgOpt *o)
{
    g_free(o->name);
    g_free(o->value);
    g_free(o);
}

void img_opts_free(ImgOptList *l)
{
    if (!l->opts) {
        return;
    }
    for (guint i = 0; i < l->opts->len; i++) {
        opt_free(l->opts->pdata[i]);
    }
    g_ptr_array_free(l->opts, TRUE);
    l->opts = NULL;
}

const char *img_opts_get(const ImgOptList *l, const char *name)
{
    for (guint i = l->opts->len; i > 0; i--) {
        ImgOpt *o = l->opts->pdata[i - 1];
        if (!strcmp(o->name, name)) {
            return o->value;
        }
    }
    return NULL;
}

void img_opts_set(ImgOptList *l, const char *name, const char *value)
{
    ImgOpt *o = g_new0(ImgOpt, 1);

    o->name = g_strdup(name);
    o->value = g_strdup(value);
    g_ptr_array_add(l->opts, o);
}

/* qemu-img refuses an empty list, a leading comma or an odd trailing
 * run of commas before parsing anything. */
static bool list_is_valid(const char *s)
{
    size_t len = strlen(s), i;

    if (!s[0] || s[0] == ',') {
        return false;
    }
    for (i = len; i > 0 && s[i - 1] == ','; i--) {
        continue;
    }
    return (len - i) % 2 == 0;
}

/* Read up to the next single comma (",," is a comma) or stop char. */
static const char *read_piece(const char *p, char stop, GString *out)
{
    for (; *p; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(out, ',');
            p++;
        } else if (*p == ',' || *p == stop) {
            break;
        } else {
            g_string_append_c(out, *p);
        }
    }
    return p;
}

bool img_opts_parse(ImgOptList *l, const char *str)
{
    const char *p = str;

    if (!list_is_valid(str)) {
        img_error("Invalid option list: %s", str);
        return false;
    }
    while (*p) {
        GString *name = g_string_new(NULL);
        GString *value = g_string_new(NULL);

        p = read_piece(p, '=', name);
        if (*p == '=') {
            p = read_piece(p + 1, 0, value);
        } else {
            g_string_assign(value, "on");
        }
        img_opts_set(l, name->str, value->str);
        g_string_free(name, TRUE);
        g_string_free(value, TRUE);
        if (*p == ',') {
            p++;
        }
    }
    return true;
}

bool img_opts_is_help(const char *str)
{
    return !strcmp(str, "help") || !strcmp(str, "?");
}

static const char *type_name(OptType t)
{
    switch (t) {
    case OT_SIZE:   return "size";
    case OT_NUMBER: return "num";
    case OT_BOOL:   return "bool (on/off)";
    default:        return "str";
    }
}

static gint desc_cmp(gconstpointer a, gconstpointer b)
{
    const OptDesc *x = *(const OptDesc *const *)a;
    const OptDesc *y = *(const OptDesc *const *)b;

    return strcmp(x->name, y->name);
}

void img_opts_help(const char *fmt)
{
    GPtrArray *sorted = g_ptr_array_new();

    for (const OptDesc *d = desc_of(fmt); d->name; d++) {
        g_ptr_array_add(sorted, (gpointer)d);
    }
    g_ptr_array_sort(sorted, desc_cmp);
    printf("Supported %s options:\n", fmt);
    for (guint i = 0; i < sorted->len; i++) {
        const OptDesc *o = sorted->pdata[i];
        char *left = g_strdup_printf("%s=<%s>", o->name, type_name(o->type));

        printf("  %-22s - %s\n", left, o->help);
        g_free(left);
    }
    g_ptr_array_free(sorted, TRUE);
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };

    for (int i = 0; i < 4; i++) {
        if (!strcmp(v, yes[i])) {
            *out = true;
            return true;
        }
        if (!strcmp(v, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool parse_number(const char *v, uint64_t *out)
{
    char *end;

    if (!*v || *v == '-') {
        return false;
    }
    errno = 0;
    *out = g_ascii_strtoull(v, &end, 0);
    return errno == 0 && *end == 0;
}

/* The parser-level check of one option (qemu's messages). */
static bool check_value(const OptDesc *d, const char *value,
                        const char *filename, uint64_t *num, bool *b)
{
    switch (d->type) {
    case OT_SIZE:
        if (value[0] == '-' || img_strtosz(value, num) < 0) {
            opt_error(filename, "Parameter '%s' expects a non-negative number "
                      "below 2^64", d->name);
            fprintf(stderr, "Optional suffix k, M, G, T, P or E means "
                    "kilo-, mega-, giga-, tera-, peta-\n"
                    "and exabytes, respectively.\n");
            return false;
        }
        return true;
    case OT_NUMBER:
        if (!parse_number(value, num)) {
            opt_error(filename, "Parameter '%s' expects a number",
                      d->name);
            return false;
        }
        return true;
    case OT_BOOL:
        if (!parse_bool(value, b)) {
            opt_error(filename, "Parameter '%s' expects 'on' or 'off'",
                      d->name);
            return false;
        }
        return true;
    default:
        return true;
    }
}

static void store(BlockCreateOptions *o, const char *name,
                  const char *value, uint64_t num, bool b)
{
    if (!strcmp(name, "size")) {
        o->size = num;
    } else if (!strcmp(name, "backing_file")) {
        o->backing_file = value;
    } else if (!strcmp(name, "backing_fmt")) {
        o->backing_fmt = value;
    } else if (!strcmp(name, "cluster_size")) {
        o->cluster_size = num > UINT32_MAX ? 1 : (uint32_t)num;
    } else if (!strcmp(name, "refcount_bits")) {
        o->refcount_bits = num > 1024 ? 3 : (int)num;
    } else if (!strcmp(name, "lazy_refcounts")) {
        o->lazy_refcounts = b;
    } else if (!strcmp(name, "compat")) {
        if (!strcmp(value, "0.10") || !strcmp(value, "v2")) {
            o->compat = 2;
        } else if (!strcmp(value, "1.1") || !strcmp(value, "v3")) {
            o->compat = 3;
        } else {
            o->compat = -1;     /* reported by img_create_check */
        }
    }
}

bool img_opts_to_create(const ImgOptList *l, const char *fmt,
                        const char *filename, BlockCreateOptions *o)
{
    const OptDesc *descs = desc_of(fmt);

    memset(o, 0, sizeof(*o));
    for (guint i = 0; i < l->opts->len; i++) {
        const ImgOpt *opt = l->opts->pdata[i];
        const OptDesc *d = desc_find(descs, opt->name);
        uint64_t num = 0;
        bool b = false;

        if (!d) {
            opt_error(filename, "Invalid parameter '%s'", opt->name);
            return false;
        }
        if (!check_value(d, opt->value, filename, &num, &b)) {
            return false;
        }
        if (d->type == OT_SIZE && num > INT64_MAX &&
            !strcmp(d->name, "size")) {
            num = INT64_MAX;
        }
        store(o, opt->name, opt->value, num, b);
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Driver-level checks                                                 */

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static bool check_qcow2(const ImgOptList *l, const char *filename,
                        const BlockCreateOptions *o)
{
    const char *compat = img_opts_get(l, "compat");
    const char *v;
    uint64_t cs = o->cluster_size ? o->cluster_size : 65536;
    bool b;

    if (o->compat < 0) {
        opt_error(filename, "Parameter 'version' does not accept value "
                  "'%s'", compat);
        return false;
    }
    if (o->backing_fmt && !o->backing_file) {
        opt_error(filename, "Backing format cannot be used without "
                  "backing file");
        return false;
    }
    if (!is_pow2(cs) || cs < 512 || cs > 2 * 1024 * 1024) {
        opt_error(filename, "Cluster size must be a power of two between 512 "
                  "and 2048k");
        return false;
    }
    if (o->compat == 2 && o->lazy_refcounts) {
        opt_error(filename, "Lazy refcounts only supported with compatibility "
                  "level 1.1 and above (use version=v3 or greater)");
        return false;
    }
    if (img_opts_get(l, "refcount_bits") &&
        (!is_pow2(o->refcount_bits) || o->refcount_bits > 64)) {
        opt_error(filename, "Refcount width must be a power of two and may not "
                  "exceed 64 bits");
        return false;
    }
    if (o->compat == 2 && o->refcount_bits && o->refcount_bits != 16) {
        opt_error(filename, "Different refcount widths than 16 bits require "
                  "compatibility level 1.1 or above (use version=v3 or "
                  "greater)");
        return false;
    }
    v = img_opts_get(l, "extended_l2");
    if (v && parse_bool(v, &b) && b) {
        opt_error(filename, "Extended L2 tables are not supported");
        return false;
    }
    v = img_opts_get(l, "compression_type");
    if (v && strcmp(v, "zlib")) {
        opt_error(filename, "Compression type '%s' is not supported", v);
        return false;
    }
    /* The L1 table may take at most 32 MiB, as in qemu. */
    if ((uint64_t)o->size / cs / (cs / 8) > (32u << 20) / 8) {
        opt_error(filename, "The image size is too large for file format "
                  "'qcow2' (try using a larger cluster size)");
        return false;
    }
    return true;
}

bool img_create_check(const ImgOptList *l, const char *fmt,
                      const char *filename, const BlockCreateOptions *o)
{
    const char *prealloc = img_opts_get(l, "preallocation");

    if (prealloc && strcmp(prealloc, "off")) {
        opt_error(filename, "Preallocation mode '%s' is not supported",
                  prealloc);
        return false;
    }
    if (!strcmp(fmt, "qcow2")) {
        return check_qcow2(l, filename, o);
    }
    if (o->size > INT64_MAX - 511) {
        opt_error(filename, "The image size is too large for file format "
                  "'raw'");
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* The "Formatting" line                                               */

static void print_escaped(const char *s)
{
    for (; *s; s++) {
        if (*s == ',') {
            putchar(',');
        }
        putchar(*s);
    }
}

void img_print_formatting(const ImgOptList *l, const char *fmt,
                          const char *filename, int64_t size)
{
    printf("Formatting '%s', fmt=%s", filename, fmt);
    for (const OptDesc *d = desc_of(fmt); d->name; d++) {
        const char *v = img_opts_get(l, d->name);
        uint64_t num = 0;

        if (!strcmp(d->name, "size")) {
            printf(" size=%" PRId64, size);
            continue;
        }
        if (!v && !d->def) {
            continue;
        }
        printf(" %s=", d->name);
        if (!v) {
            printf("%s", d->def);
        } else if (d->type == OT_SIZE && img_strtosz(v, &num) == 0) {
            printf("%" PRIu64, num);
        } else if (d->type == OT_NUMBER && parse_number(v, &num)) {
            printf("%" PRIu64, num);
        } else {
            print_escaped(v);
        }
    }
    printf("\n");
    fflush(stdout);
}

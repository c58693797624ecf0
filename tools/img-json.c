/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kestrel-img: JSON output laid out byte for byte as qemu-img's.
 *
 * qemu-img prints QAPI objects through a hash table, so the members of
 * an object come out in the order of their hash bucket (512 buckets,
 * the hash below), and members sharing a bucket newest first.  Scripts
 * should not care, but people diff the output, so the order is kept.
 * Layout: four spaces per level, "key": value, one member a line.
 *
 *     ImgJson *o = img_json_object();
 *     img_json_add_str(o, "filename", "disk.qcow2");
 *     img_json_add_int(o, "virtual-size", 1 << 30);
 *     img_json_print(o, stdout);
 *     img_json_free(o);
 */
#include <string.h>

#include "img.h"

typedef enum {
    J_INT,
    J_BOOL,
    J_STR,
    J_OBJECT,
    J_ARRAY,
} JsonKind;

struct ImgJson {
    JsonKind kind;
    int64_t i;
    char *s;
    GPtrArray *items;           /* arrays: ImgJson *; objects: Member * */
};

typedef struct Member {
    char *key;
    unsigned bucket;
    unsigned seq;               /* insertion order */
    ImgJson *value;
} Member;

#define JSON_BUCKETS 512

/* The bucket qemu's dictionaries put key in. */
static unsigned key_bucket(const char *key)
{
    size_t len = strlen(key);
    uint32_t v = 0x238F13AFu * (uint32_t)len;

    for (size_t i = 0; i < len; i++) {
        v += (uint32_t)(uint8_t)key[i] << (i * 5 % 24);
    }
    return (1103515243u * v + 12345u) % JSON_BUCKETS;
}

static ImgJson *json_new(JsonKind kind)
{
    ImgJson *j = g_new0(ImgJson, 1);

    j->kind = kind;
    return j;
}

ImgJson *img_json_object(void)
{
    ImgJson *j = json_new(J_OBJECT);

    j->items = g_ptr_array_new();
    return j;
}

ImgJson *img_json_array(void)
{
    ImgJson *j = json_new(J_ARRAY);

    j->items = g_ptr_array_new();
    return j;
}

void img_json_add(ImgJson *obj, const char *key, ImgJson *child)
{
    Member *m = g_new0(Member, 1);

    m->key = g_strdup(key);
    m->bucket = key_bucket(key);
    m->seq = obj->items->len;
    m->value = child;
    g_ptr_array_add(obj->items, m);
}

void img_json_add_int(ImgJson *obj, const char *key, int64_t v)
{
    ImgJson *j = json_new(J_INT);

    j->i = v;
    img_json_add(obj, key, j);
}

void img_json_add_bool(ImgJson *obj, const char *key, bool v)
{
    ImgJson *j = json_new(J_BOOL);

    j->i = v;
    img_json_add(obj, key, j);
}

void img_json_add_str(ImgJson *obj, const char *key, const char *v)
{
    ImgJson *j = json_new(J_STR);

    j->s = g_strdup(v);
    img_json_add(obj, key, j);
}

void img_json_append(ImgJson *arr, ImgJson *child)
{
    g_ptr_array_add(arr->items, child);
}

void img_json_free(ImgJson *v)
{
    if (!v) {
        return;
    }
    for (guint i = 0; v->items && i < v->items->len; i++) {
        if (v->kind == J_OBJECT) {
            Member *m = v->items->pdata[i];
            img_json_free(m->value);
            g_free(m->key);
            g_free(m);
        } else {
            img_json_free(v->items->pdata[i]);
        }
    }
    if (v->items) {
        g_ptr_array_free(v->items, TRUE);
    }
    g_free(v->s);
    g_free(v);
}

/* ------------------------------------------------------------------ */
/* Printing                                                            */

void img_json_quote(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (const char *p = s; *p; ) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        int len = 1;

        if (c == (gunichar)-1 || c == (gunichar)-2) {
            c = 0xFFFD;         /* invalid UTF-8: one byte at a time */
        } else {
            len = g_utf8_next_char(p) - p;
        }
        p += len;
        switch (c) {
        case '"':  g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\b': g_string_append(out, "\\b"); break;
        case '\f': g_string_append(out, "\\f"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        default:
            if (c >= 0x20 && c < 0x7F) {
                g_string_append_c(out, (char)c);
            } else if (c > 0xFFFF) {
                c -= 0x10000;
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xD800 | (c >> 10),
                                       0xDC00 | (c & 0x3FF));
            } else {
                g_string_append_printf(out, "\\u%04X", c);
            }
        }
    }
    g_string_append_c(out, '"');
}

static gint member_cmp(gconstpointer a, gconstpointer b)
{
    const Member *x = *(Member *const *)a;
    const Member *y = *(Member *const *)b;

    if (x->bucket != y->bucket) {
        return x->bucket < y->bucket ? -1 : 1;
    }
    return x->seq < y->seq ? 1 : -1;    /* newest first in a bucket */
}

static void indent(GString *out, int level)
{
    for (int i = 0; i < level; i++) {
        g_string_append(out, "    ");
    }
}

static void json_to_str(const ImgJson *v, GString *out, int level);

static void container_to_str(const ImgJson *v, GString *out, int level)
{
    bool obj = v->kind == J_OBJECT;
    GPtrArray *items = g_ptr_array_copy(v->items, NULL, NULL);

    if (obj) {
        g_ptr_array_sort(items, member_cmp);
    }
    g_string_append_c(out, obj ? '{' : '[');
    if (items->len == 0) {
        g_string_append_c(out, obj ? '}' : ']');
        g_ptr_array_free(items, TRUE);
        return;
    }
    for (guint i = 0; i < items->len; i++) {
        g_string_append(out, i ? ",\n" : "\n");
        indent(out, level + 1);
        if (obj) {
            Member *m = items->pdata[i];
            img_json_quote(out, m->key);
            g_string_append(out, ": ");
            json_to_str(m->value, out, level + 1);
        } else {
            json_to_str(items->pdata[i], out, level + 1);
        }
    }
    g_string_append_c(out, '\n');
    indent(out, level);
    g_string_append_c(out, obj ? '}' : ']');
    g_ptr_array_free(items, TRUE);
}

static void json_to_str(const ImgJson *v, GString *out, int level)
{
    switch (v->kind) {
    case J_INT:
        g_string_append_printf(out, "%" PRId64, v->i);
        break;
    case J_BOOL:
        g_string_append(out, v->i ? "true" : "false");
        break;
    case J_STR:
        img_json_quote(out, v->s);
        break;
    case J_OBJECT:
    case J_ARRAY:
        container_to_str(v, out, level);
        break;
    }
}

void img_json_print(const ImgJson *v, FILE *f)
{
    GString *out = g_string_new(NULL);

    json_to_str(v, out, 0);
    fprintf(f, "%s\n", out->str);
    g_string_free(out, TRUE);
}

/* ------------------------------------------------------------------ */
/* Human dump ("Format specific information:")                         */

static void human_dump(const ImgJson *obj, int level)
{
    GPtrArray *items = g_ptr_array_copy(obj->items, NULL, NULL);

    g_ptr_array_sort(items, member_cmp);
    for (guint i = 0; i < items->len; i++) {
        Member *m = items->pdata[i];
        char *key = g_strdelimit(g_strdup(m->key), "-", ' ');

        printf("%*s%s:", level * 4, "", key);
        switch (m->value->kind) {
        case J_INT:
            printf(" %" PRId64 "\n", m->value->i);
            break;
        case J_BOOL:
            printf(" %s\n", m->value->i ? "true" : "false");
            break;
        case J_STR:
            printf(" %s\n", m->value->s);
            break;
        default:
            printf("\n");
            if (m->value->kind == J_OBJECT) {
                human_dump(m->value, level + 1);
            }
        }
        g_free(key);
    }
    g_ptr_array_free(items, TRUE);
}

void img_json_dump_human(const ImgJson *obj, int level)
{
    human_dump(obj, level);
}
